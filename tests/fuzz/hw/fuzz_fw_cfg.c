/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the fw_cfg model against a fake guest memory
 * (64 KiB at address 0; anything else faults). The input is a program of
 * port reads and writes, DMA access blocks planted in guest memory and
 * kicks of the DMA address register.
 *
 * The harness keeps its own reference of every item (the file directory
 * included, built here independently) and of the selected key and offset,
 * and checks every data byte the guest reads, every successful DMA read's
 * bytes in guest memory, and the status written back. The fake memory also
 * checks that the model never asks for a wrapping or oversized range.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm/hw/fw_cfg.h"

#define MEM 0x10000u

struct ref_item {
	uint16_t key;
	const uint8_t *data;
	uint32_t len;
};

struct harness {
	uint8_t mem[MEM];
	struct fw_cfg cfg;
	/* Reference. */
	struct ref_item item[16];
	unsigned nitems;
	uint8_t dir[4 + 8 * FW_CFG_DIR_ENTRY_SIZE];
	uint16_t sel;
	uint32_t off;
	uint32_t dma_hi;
};

static struct harness h;
static uint8_t big[9000];

static void check(int cond)
{
	if (!cond)
		abort();
}

static int h_dma_rw(void *opaque, uint64_t gpa, void *buf, uint32_t len,
		    bool is_write)
{
	(void)opaque;
	check(buf != NULL);
	check(len <= 4096 || len == FW_CFG_DMA_ACCESS_SIZE);
	check(len > 0);
	check(gpa + len > gpa); /* never a wrapping range */
	if (gpa >= MEM || len > MEM - gpa)
		return -EFAULT;
	if (is_write)
		memcpy(h.mem + gpa, buf, len);
	else
		memcpy(buf, h.mem + gpa, len);
	return 0;
}

static const struct fw_cfg_ops h_ops = {.dma_rw = h_dma_rw};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void ref_add(uint16_t key, const void *data, uint32_t len)
{
	h.item[h.nitems].key = key;
	h.item[h.nitems].data = data;
	h.item[h.nitems].len = len;
	h.nitems++;
}

static void ref_file(const char *name, const void *data, uint32_t len)
{
	unsigned n = (unsigned)(get_be32(h.dir));
	uint8_t *e = h.dir + 4 + n * FW_CFG_DIR_ENTRY_SIZE;
	int key = fw_cfg_add_file(&h.cfg, name, data, len);

	check(key == (int)(FW_CFG_FILE_FIRST + n));
	put_be32(e, len);
	put_be32(e + 4, (uint32_t)key << 16);
	strncpy((char *)e + 8, name, FW_CFG_FILE_NAME_SIZE);
	put_be32(h.dir, n + 1);
	ref_add((uint16_t)key, data, len);
}

static const struct ref_item *ref_find(uint16_t key)
{
	unsigned i;

	for (i = 0; i < h.nitems; i++)
		if (h.item[i].key == key)
			return &h.item[i];
	return NULL;
}

static uint32_t ref_len(void)
{
	const struct ref_item *it = ref_find(h.sel);

	return it ? it->len : 0;
}

static void ref_select(uint16_t key)
{
	h.sel = key & (uint16_t)~FW_CFG_WRITE_CHANNEL;
	h.off = 0;
}

/* The next byte by the reference, advancing its offset. */
static uint8_t ref_byte(void)
{
	const struct ref_item *it = ref_find(h.sel);

	if (!it || h.off >= it->len)
		return 0;
	return it->data[h.off++];
}

static void h_setup(void)
{
	static const uint8_t ram[8] = {0, 0, 0, 8};	 /* 128 MiB */
	static const uint8_t cpus[2] = {2, 0};
	static const uint8_t e820[20] = {0, 0, 0x10, 0, 0, 0, 0, 0, 0,
					 0, 0xf0, 7, 0, 0, 0, 0, 1};
	static const char bootorder[] = "/pci@i0cf8/ide@1,1/drive@0/disk@0\n";
	static const uint8_t id[4] = {3};
	unsigned i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 31 + (i >> 7));
	memset(h.mem, 0, sizeof(h.mem));
	memset(h.dir, 0, sizeof(h.dir));
	h.nitems = 0;
	h.sel = 0;
	h.off = 0;
	h.dma_hi = 0;
	fw_cfg_init(&h.cfg, &h_ops, NULL);
	ref_add(FW_CFG_SIGNATURE, "QEMU", 4);
	ref_add(FW_CFG_ID, id, 4);
	check(fw_cfg_add_item(&h.cfg, FW_CFG_RAM_SIZE, ram, 8) == 0);
	ref_add(FW_CFG_RAM_SIZE, ram, 8);
	check(fw_cfg_add_item(&h.cfg, FW_CFG_NB_CPUS, cpus, 2) == 0);
	ref_add(FW_CFG_NB_CPUS, cpus, 2);
	check(fw_cfg_add_item(&h.cfg, FW_CFG_E820_TABLE, e820, 20) == 0);
	ref_add(FW_CFG_E820_TABLE, e820, 20);
	ref_file("bootorder", bootorder, sizeof(bootorder));
	ref_file("etc/e820", e820, sizeof(e820));
	ref_file("opt/big", big, sizeof(big));
	ref_file("etc/empty", NULL, 0);
	/* The directory last: its final contents are known now. */
	ref_add(FW_CFG_FILE_DIR, h.dir, 4 + 4 * FW_CFG_DIR_ENTRY_SIZE);
}

/* Checks a DMA kick at access block `a` against the reference. */
static void h_dma(uint64_t a, uint32_t lo_val)
{
	uint32_t control, len, status = 0;
	uint64_t gpa;
	bool readable = a < MEM && MEM - a >= FW_CFG_DMA_ACCESS_SIZE;
	bool ctl_writable = a < MEM && MEM - a >= 4;
	uint8_t before[MEM];
	uint32_t start_off, want_len;

	if (!readable) {
		fw_cfg_write(&h.cfg, FW_CFG_PORT_DMA_LO, 4, lo_val);
		if (ctl_writable)
			check(get_be32(h.mem + a) == FW_CFG_DMA_CTL_ERROR);
		return;
	}
	control = get_be32(h.mem + a);
	len = get_be32(h.mem + a + 4);
	gpa = (uint64_t)get_be32(h.mem + a + 8) << 32 | get_be32(h.mem + a + 12);
	memcpy(before, h.mem, MEM);
	fw_cfg_write(&h.cfg, FW_CFG_PORT_DMA_LO, 4, lo_val);

	if (control & FW_CFG_DMA_CTL_SELECT)
		ref_select((uint16_t)(control >> 16));
	start_off = h.off;
	if (control & FW_CFG_DMA_CTL_READ) {
		bool fits = len <= FW_CFG_DMA_MAX_LEN && gpa < MEM &&
			    len <= MEM - gpa;

		if (!fits && len) {
			status = FW_CFG_DMA_CTL_ERROR;
			/* How far a partial transfer got is the model's. */
			h.off = h.cfg.offset;
			check(h.off >= start_off);
			check(h.off <= ref_len() || h.off == start_off);
		} else {
			uint32_t i;

			for (i = 0; i < len; i++) {
				uint8_t want = ref_byte();

				/* Skip the control word written after. */
				if (gpa + i >= a && gpa + i < a + 4)
					continue;
				check(h.mem[gpa + i] == want);
			}
		}
	} else if (control & FW_CFG_DMA_CTL_WRITE) {
		if (len)
			status = FW_CFG_DMA_CTL_ERROR;
		/* Nothing in guest memory but the control word changed. */
		check(memcmp(h.mem, before, a) == 0);
		check(memcmp(h.mem + a + 4, before + a + 4, MEM - a - 4) == 0);
	} else if (control & FW_CFG_DMA_CTL_SKIP) {
		want_len = ref_len();
		if (h.off < want_len)
			h.off += len < want_len - h.off ? len : want_len - h.off;
	}
	check(get_be32(h.mem + a) == status);
	check(h.cfg.offset == h.off);
	check(h.cfg.selector == h.sel ||
	      h.cfg.selector == (h.sel | FW_CFG_WRITE_CHANNEL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	h_setup();
	while (i + 1 < size) {
		uint8_t op = data[i++];
		uint32_t v = 0;
		unsigned k;

		/* Up to four operand bytes, little-endian. */
		for (k = 0; k < 4 && i < size; k++)
			v |= (uint32_t)data[i++] << (8 * k);
		switch (op & 7) {
		case 0:
			fw_cfg_write(&h.cfg, FW_CFG_PORT_SEL, 2, v & 0xffff);
			ref_select((uint16_t)v);
			break;
		case 1: {
			uint8_t want = ref_byte();

			check(fw_cfg_read(&h.cfg, (op >> 3) & 1, 1) == want);
			break;
		}
		case 2: { /* plant a DMA access block: 4 more operand bytes */
			uint32_t v2 = 0, a, len, dst, hi;

			for (k = 0; k < 4 && i < size; k++)
				v2 |= (uint32_t)data[i++] << (8 * k);
			a = (v & 0xfff0) % (MEM - 16);
			dst = v >> 16;
			len = v2 & 0x1ffff;
			if ((v2 >> 30) == 1)
				len = v2 * 37; /* huge */
			hi = (v2 >> 30) == 3 ? v2 : 0;
			put_be32(h.mem + a, ((uint32_t)op >> 3) |
						    (uint32_t)h.item[(v2 >> 17) %
								     h.nitems]
								.key
							    << 16);
			put_be32(h.mem + a + 4, len);
			put_be32(h.mem + a + 8, hi);
			put_be32(h.mem + a + 12, dst);
			break;
		}
		case 3: { /* kick a planted block: high half (rarely), low half */
			uint32_t a = (v & 0xfff0) % (MEM - 16);

			if (op & 0x80) {
				fw_cfg_write(&h.cfg, FW_CFG_PORT_DMA_HI, 4,
					     v >> 16);
				h.dma_hi = __builtin_bswap32(v >> 16);
			}
			h_dma((uint64_t)h.dma_hi << 32 | a, __builtin_bswap32(a));
			h.dma_hi = 0;
			break;
		}
		case 4: { /* any write, any size (0 and 8 are bad sizes) */
			unsigned port = (op >> 3) & 15;
			unsigned sz = (1u << ((op >> 1) & 3)) & 7;

			fw_cfg_write(&h.cfg, port, sz, v);
			if (port == FW_CFG_PORT_SEL && sz == 2)
				ref_select((uint16_t)v);
			if (port == FW_CFG_PORT_DMA_HI && sz == 4)
				h.dma_hi = __builtin_bswap32(v);
			if (port == FW_CFG_PORT_DMA_LO && sz == 4) {
				/* A kick at an arbitrary address: resync. */
				h.dma_hi = 0;
				h.sel = h.cfg.selector &
					(uint16_t)~FW_CFG_WRITE_CHANNEL;
				h.off = h.cfg.offset;
			}
			break;
		}
		case 5: { /* any read but the data ports */
			static const char sig[] = "QEMU CFG";
			unsigned port = 2 + ((op >> 3) & 15);
			unsigned sz = (1u << ((op >> 1) & 3)) & 7;
			uint32_t r = fw_cfg_read(&h.cfg, port, sz);
			uint32_t want = 0xffffffffu;

			if (sz == 1 || sz == 2)
				want = (1u << (8 * sz)) - 1;
			if (sz && port >= 4 && port - 4 + sz <= 8) {
				want = 0;
				for (k = 0; k < sz; k++)
					want |= (uint32_t)(uint8_t)
							sig[port - 4 + k]
						<< (8 * k);
			}
			check(r == want);
			break;
		}
		default: /* select a key for the next planted blocks */
			ref_select((uint16_t)v);
			fw_cfg_write(&h.cfg, FW_CFG_PORT_SEL, 2, v & 0xffff);
			break;
		}
		check(h.cfg.offset == h.off);
		check(h.cfg.store_used <= FW_CFG_STORE_SIZE);
		/* The DMA address: the high half as written, low half 0. */
		check(get_be32(h.cfg.dma_addr) == h.dma_hi);
		check(get_be32(h.cfg.dma_addr + 4) == 0);
	}
	return 0;
}
