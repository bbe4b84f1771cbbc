/* SPDX-License-Identifier: MIT */
/*
 * QEMU fw_cfg device, x86 I/O ports, traditional and DMA interfaces. See
 * fw_cfg.h; the interface is described in QEMU's docs/specs/fw_cfg.rst.
 */
#include "dm/hw/fw_cfg.h"

#include <errno.h>
#include <string.h>

/* Keys the model owns: the host may not add these. */
#define FW_CFG_ARCH_LAST (FW_CFG_ARCH_LOCAL + 0x1fu)
/* Guest-memory transfers go through a bounce buffer of this size. */
#define FW_CFG_CHUNK 4096u

static const uint8_t fw_cfg_dma_sig[8] = {'Q', 'E', 'M', 'U',
					  ' ', 'C', 'F', 'G'};

static uint32_t fw_cfg_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void fw_cfg_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t fw_cfg_bswap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) |
	       (v << 24);
}

/* The key an item is looked up under: the write-channel bit ignored. */
static uint16_t fw_cfg_norm(uint16_t key)
{
	return key & (uint16_t)~FW_CFG_WRITE_CHANNEL;
}

/* The stored item for `key`, NULL for the directory and unknown keys. */
static const struct fw_cfg_item *fw_cfg_find(const struct fw_cfg *s,
					     uint16_t key)
{
	unsigned i;

	key = fw_cfg_norm(key);
	if (key >= FW_CFG_FILE_FIRST && key < FW_CFG_FILE_FIRST + s->nfiles)
		return &s->file[key - FW_CFG_FILE_FIRST];
	for (i = 0; i < s->nfixed; i++)
		if (s->fixed[i].key == key)
			return &s->fixed[i];
	return NULL;
}

static uint32_t fw_cfg_dir_len(const struct fw_cfg *s)
{
	return 4 + FW_CFG_DIR_ENTRY_SIZE * s->nfiles;
}

/* Byte `i` of the file directory (i < fw_cfg_dir_len). */
static uint8_t fw_cfg_dir_byte(const struct fw_cfg *s, uint32_t i)
{
	uint8_t hdr[8];
	unsigned n;

	if (i < 4) {
		fw_cfg_put_be32(hdr, s->nfiles);
		return hdr[i];
	}
	i -= 4;
	n = i / FW_CFG_DIR_ENTRY_SIZE;
	i %= FW_CFG_DIR_ENTRY_SIZE;
	if (i >= 8)
		return (uint8_t)s->file_name[n][i - 8];
	/* be32 size, be16 select, be16 reserved */
	fw_cfg_put_be32(hdr, s->file[n].len);
	fw_cfg_put_be32(hdr + 4, (uint32_t)(FW_CFG_FILE_FIRST + n) << 16);
	return hdr[i];
}

/* Length of the item `key` (0 for an unknown key). */
static uint32_t fw_cfg_item_len(const struct fw_cfg *s, uint16_t key)
{
	const struct fw_cfg_item *it;

	if (fw_cfg_norm(key) == FW_CFG_FILE_DIR)
		return fw_cfg_dir_len(s);
	it = fw_cfg_find(s, key);
	return it ? it->len : 0;
}

/*
 * Copies up to n bytes of the selected item from the current offset into
 * buf and advances the offset; the rest of buf (past the item's end) is
 * zero-filled.
 */
static void fw_cfg_take(struct fw_cfg *s, uint8_t *buf, uint32_t n)
{
	uint32_t len = fw_cfg_item_len(s, s->selector);
	uint32_t avail = s->offset < len ? len - s->offset : 0;
	uint32_t copy = n < avail ? n : avail;
	const struct fw_cfg_item *it;
	uint32_t i;

	if (fw_cfg_norm(s->selector) == FW_CFG_FILE_DIR) {
		for (i = 0; i < copy; i++)
			buf[i] = fw_cfg_dir_byte(s, s->offset + i);
	} else if (copy) {
		it = fw_cfg_find(s, s->selector);
		memcpy(buf, s->store + it->off + s->offset, copy);
	}
	memset(buf + copy, 0, n - copy);
	s->offset += copy;
}

static void fw_cfg_select(struct fw_cfg *s, uint16_t key)
{
	s->selector = key;
	s->offset = 0;
}

/* Copies data into the store. Returns its offset, or -ENOSPC. */
static int fw_cfg_store(struct fw_cfg *s, const void *data, size_t len,
			uint32_t *off)
{
	if (len > FW_CFG_STORE_SIZE - s->store_used)
		return -ENOSPC;
	*off = s->store_used;
	if (len)
		memcpy(s->store + s->store_used, data, len);
	s->store_used += (uint32_t)len;
	return 0;
}

static int fw_cfg_add_fixed(struct fw_cfg *s, uint16_t key, const void *data,
			    size_t len)
{
	struct fw_cfg_item *it;
	int ret;

	if (fw_cfg_find(s, key))
		return -EEXIST;
	if (s->nfixed >= sizeof(s->fixed) / sizeof(s->fixed[0]))
		return -ENOSPC;
	it = &s->fixed[s->nfixed];
	ret = fw_cfg_store(s, data, len, &it->off);
	if (ret)
		return ret;
	it->key = key;
	it->len = (uint32_t)len;
	s->nfixed++;
	return 0;
}

void fw_cfg_init(struct fw_cfg *s, const struct fw_cfg_ops *ops,
		 void *opaque)
{
	static const uint8_t id[4] = {FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA};
	int ret;

	/* The store is large and only ever read below store_used. */
	memset(s, 0, offsetof(struct fw_cfg, store));
	s->ops = ops;
	s->opaque = opaque;
	ret = fw_cfg_add_fixed(s, FW_CFG_SIGNATURE, "QEMU", 4);
	ret |= fw_cfg_add_fixed(s, FW_CFG_ID, id, sizeof(id));
	(void)ret; /* an empty table has room: cannot fail */
}

int fw_cfg_add_item(struct fw_cfg *s, uint16_t key, const void *data,
		    size_t len)
{
	bool generic = key < FW_CFG_FILE_FIRST && key != FW_CFG_SIGNATURE &&
		       key != FW_CFG_ID && key != FW_CFG_FILE_DIR;
	bool arch = key >= FW_CFG_ARCH_LOCAL && key <= FW_CFG_ARCH_LAST;

	if ((!generic && !arch) || (!data && len))
		return -EINVAL;
	return fw_cfg_add_fixed(s, key, data, len);
}

int fw_cfg_add_u16(struct fw_cfg *s, uint16_t key, uint16_t val)
{
	uint8_t b[2] = {(uint8_t)val, (uint8_t)(val >> 8)};

	return fw_cfg_add_item(s, key, b, sizeof(b));
}

int fw_cfg_add_u32(struct fw_cfg *s, uint16_t key, uint32_t val)
{
	uint8_t b[4];
	unsigned i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	return fw_cfg_add_item(s, key, b, sizeof(b));
}

int fw_cfg_add_u64(struct fw_cfg *s, uint16_t key, uint64_t val)
{
	uint8_t b[8];
	unsigned i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	return fw_cfg_add_item(s, key, b, sizeof(b));
}

int fw_cfg_add_file(struct fw_cfg *s, const char *name, const void *data,
		    size_t len)
{
	struct fw_cfg_item *it;
	size_t nlen;
	unsigned i;
	int ret;

	if (!name || (!data && len))
		return -EINVAL;
	nlen = strnlen(name, FW_CFG_FILE_NAME_SIZE);
	if (nlen == 0 || nlen >= FW_CFG_FILE_NAME_SIZE)
		return -EINVAL;
	for (i = 0; i < s->nfiles; i++)
		if (!strcmp(s->file_name[i], name))
			return -EEXIST;
	if (s->nfiles >= FW_CFG_MAX_FILES)
		return -ENOSPC;
	it = &s->file[s->nfiles];
	ret = fw_cfg_store(s, data, len, &it->off);
	if (ret)
		return ret;
	it->key = (uint16_t)(FW_CFG_FILE_FIRST + s->nfiles);
	it->len = (uint32_t)len;
	memset(s->file_name[s->nfiles], 0, FW_CFG_FILE_NAME_SIZE);
	memcpy(s->file_name[s->nfiles], name, nlen);
	s->nfiles++;
	return it->key;
}

/* Writes the completion status into the guest's control word. */
static void fw_cfg_dma_finish(struct fw_cfg *s, uint64_t access,
			      uint32_t control)
{
	uint8_t b[4];

	fw_cfg_put_be32(b, control);
	/* If even this fails, the guest sees no completion: its problem. */
	(void)s->ops->dma_rw(s->opaque, access, b, sizeof(b), true);
}

/* Reads `len` bytes of the selected item into guest memory at gpa. */
static uint32_t fw_cfg_dma_read(struct fw_cfg *s, uint64_t gpa, uint32_t len)
{
	uint8_t buf[FW_CFG_CHUNK];

	while (len) {
		uint32_t n = len < FW_CFG_CHUNK ? len : FW_CFG_CHUNK;

		fw_cfg_take(s, buf, n);
		if (s->ops->dma_rw(s->opaque, gpa, buf, n, true))
			return FW_CFG_DMA_CTL_ERROR;
		gpa += n;
		len -= n;
	}
	return 0;
}

/* Runs the DMA operation described at guest address `access`. */
static void fw_cfg_dma(struct fw_cfg *s, uint64_t access)
{
	uint8_t d[FW_CFG_DMA_ACCESS_SIZE];
	uint32_t control, len, itlen, status = 0;
	uint64_t gpa;

	if (!s->ops || !s->ops->dma_rw)
		return;
	if (access > UINT64_MAX - FW_CFG_DMA_ACCESS_SIZE ||
	    s->ops->dma_rw(s->opaque, access, d, sizeof(d), false)) {
		fw_cfg_dma_finish(s, access, FW_CFG_DMA_CTL_ERROR);
		return;
	}
	control = fw_cfg_be32(d);
	len = fw_cfg_be32(d + 4);
	gpa = (uint64_t)fw_cfg_be32(d + 8) << 32 | fw_cfg_be32(d + 12);

	if (control & FW_CFG_DMA_CTL_SELECT)
		fw_cfg_select(s, (uint16_t)(control >> 16));
	if (control & FW_CFG_DMA_CTL_READ) {
		if (len > FW_CFG_DMA_MAX_LEN || gpa > UINT64_MAX - len)
			status = FW_CFG_DMA_CTL_ERROR;
		else
			status = fw_cfg_dma_read(s, gpa, len);
	} else if (control & FW_CFG_DMA_CTL_WRITE) {
		/* Every item is read-only to the guest. */
		if (len)
			status = FW_CFG_DMA_CTL_ERROR;
	} else if (control & FW_CFG_DMA_CTL_SKIP) {
		itlen = fw_cfg_item_len(s, s->selector);
		if (s->offset < itlen)
			s->offset += len < itlen - s->offset ? len
							     : itlen - s->offset;
	}
	fw_cfg_dma_finish(s, access, status);
}

uint32_t fw_cfg_read(struct fw_cfg *s, unsigned port, unsigned size)
{
	uint32_t v = 0;
	unsigned i;
	uint8_t b;

	if (size != 1 && size != 2 && size != 4)
		return 0xffffffffu;
	if ((port == FW_CFG_PORT_SEL || port == FW_CFG_PORT_DATA) &&
	    size == 1) {
		fw_cfg_take(s, &b, 1);
		return b;
	}
	if (port >= FW_CFG_PORT_DMA_HI &&
	    port - FW_CFG_PORT_DMA_HI + size <= sizeof(fw_cfg_dma_sig)) {
		for (i = 0; i < size; i++)
			v |= (uint32_t)fw_cfg_dma_sig[port - FW_CFG_PORT_DMA_HI +
						      i]
			     << (8 * i);
		return v;
	}
	return size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

void fw_cfg_write(struct fw_cfg *s, unsigned port, unsigned size,
		  uint32_t val)
{
	uint64_t access;

	if (port == FW_CFG_PORT_SEL && size == 2) {
		fw_cfg_select(s, (uint16_t)val);
		return;
	}
	if (size != 4)
		return; /* data writes and narrow DMA writes: ignored */
	/* The guest wrote the big-endian half with outl: swap it back. */
	if (port == FW_CFG_PORT_DMA_HI) {
		fw_cfg_put_be32(s->dma_addr, fw_cfg_bswap32(val));
	} else if (port == FW_CFG_PORT_DMA_LO) {
		fw_cfg_put_be32(s->dma_addr + 4, fw_cfg_bswap32(val));
		access = (uint64_t)fw_cfg_be32(s->dma_addr) << 32 |
			 fw_cfg_be32(s->dma_addr + 4);
		memset(s->dma_addr, 0, sizeof(s->dma_addr));
		fw_cfg_dma(s, access);
	}
}
