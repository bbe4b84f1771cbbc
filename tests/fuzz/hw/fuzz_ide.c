/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the IDE channel with its ATA and ATAPI drives and
 * the bus master. The first byte picks the drives (none, disk or CD on
 * each position, a disc in the CD or not) and whether the disks' backend
 * offers dmav (zero-copy DMA) or only the buffered read and write; the
 * rest is a program of
 * register reads and writes on all three register blocks, whole ATA
 * commands and PACKET commands with fuzzed CDBs, PRD entries written into
 * guest memory, media changes, resets and failing backends.
 *
 * Checked on every callback: the backends are asked only for whole
 * sectors inside the disk and the drive's buffer, guest memory only in
 * regions of at most 64 KiB; dmav only during an ATA DMA command in the
 * bus master's direction, for byte ranges inside that command's sectors
 * (so inside the disk), each call going on where the previous one of the
 * step ended, with 1-256 even-sized segments of at most 64 KiB; the IRQ
 * callback only on a change. Checked
 * after every step: status bits agree with the transfer state (no BSY in
 * the task file, DRQ exactly while a PIO window or a DMA request is open,
 * no DRQ with ERR), data port windows inside the buffer, transfer
 * counters within the disk, bus-master registers with only their defined
 * bits, Active only with Start, the PRD walk under its cap, the IRQ line
 * equal to the level computed here, and the work done per step bounded.
 *
 * fuzz-sources: ata.c atapi.c bmdma.c
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm/hw/ata.h"
#include "dm/hw/atapi.h"
#include "dm/hw/bmdma.h"
#include "dm/hw/ide.h"

#define DISK_SECTORS 256u /* 512-byte */
#define CD_SECTORS 64u	  /* 2048-byte */
#define MEM_SIZE (128u << 10)
/* Per step: one DMA command at most, each entry fetched and used once. */
#define MAX_DMA_CALLS (2u * BMDMA_MAX_PRD + 4u)

struct harness;

/* A CD backend: the disc the model was told about, per drive. */
struct cd {
	struct harness *h;
	uint64_t sectors;
};

struct harness {
	struct ide_channel ch;
	int level;
	bool fail_read, fail_write, fail_flush;
	bool fail_dmav; /* dmav refuses guest memory (-EFAULT) */
	struct cd cd[2];
	unsigned dma_calls;  /* this step */
	uint64_t be_sectors; /* this step */
	uint64_t be_bytes;   /* this step, through dmav */
	uint64_t dmav_end;   /* this step: where the last dmav call ended */
	uint8_t disk[DISK_SECTORS * IDE_SECTOR_SIZE];
	uint8_t mem[MEM_SIZE];
};

static struct harness H;

/* A broken invariant: say which, for the crash log, and abort. */
static void h_fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_ide.c:%d: invariant failed: %s\n", line, what);
	abort();
}

#define check(cond) ((cond) ? (void)0 : h_fail(__LINE__, #cond))

static void h_set_irq(void *opaque, int level)
{
	struct harness *h = opaque;

	check(level == 0 || level == 1);
	check(level != h->level);
	h->level = level;
}

static int h_dma_rw(void *opaque, uint64_t gpa, void *buf, size_t len,
		    bool to_guest)
{
	struct harness *h = opaque;

	check(len > 0 && len <= BMDMA_REGION_MAX);
	h->dma_calls++;
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -1;
	if (to_guest)
		memcpy(h->mem + gpa, buf, len);
	else
		memcpy(buf, h->mem + gpa, len);
	return 0;
}

/* The request must target one drive's buffer and stay inside the disk. */
static void h_check_request(struct harness *h, const void *buf, uint64_t lba,
			    unsigned nsec, uint64_t limit)
{
	const uint8_t *p = buf;
	bool in_buf = false;
	unsigned i;

	for (i = 0; i < 2; i++)
		if (p == h->ch.drive[i].buf)
			in_buf = true;
	check(in_buf);
	check(nsec > 0 && (size_t)nsec * IDE_SECTOR_SIZE <= IDE_BUF_SIZE);
	check(lba < limit && nsec <= limit - lba);
	h->be_sectors += nsec;
}

static int h_disk_read(void *o, uint64_t lba, void *buf, unsigned nsec)
{
	struct harness *h = o;

	h_check_request(h, buf, lba, nsec, DISK_SECTORS);
	if (h->fail_read)
		return -5;
	memcpy(buf, h->disk + lba * IDE_SECTOR_SIZE,
	       (size_t)nsec * IDE_SECTOR_SIZE);
	return 0;
}

static int h_disk_write(void *o, uint64_t lba, const void *buf, unsigned nsec)
{
	struct harness *h = o;

	h_check_request(h, buf, lba, nsec, DISK_SECTORS);
	if (h->fail_write)
		return -30;
	memcpy(h->disk + lba * IDE_SECTOR_SIZE, buf,
	       (size_t)nsec * IDE_SECTOR_SIZE);
	return 0;
}

static int h_disk_flush(void *o)
{
	struct harness *h = o;

	return h->fail_flush ? -5 : 0;
}

/*
 * The drive whose ATA DMA command is running. Both drives of a channel
 * may hold a DMA command (each was given one while the bus master was
 * stopped); the channel runs the selected drive's first, else the
 * other's, as ide_dma_kick() does.
 */
static const struct ide_drive *h_dma_drive(struct harness *h, bool to_guest)
{
	enum ide_dma want = to_guest ? IDE_DMA_ATA_READ : IDE_DMA_ATA_WRITE;
	const struct ide_drive *d = &h->ch.drive[h->ch.sel & 1];

	if (d->dma == IDE_DMA_NONE)
		d = &h->ch.drive[!(h->ch.sel & 1)];
	check(d->dma == want);
	check(d->kind == IDE_ATA);
	return d;
}

static int h_disk_dmav(void *o, uint64_t off, const struct bmdma_seg *seg,
		       unsigned nseg, bool to_guest)
{
	struct harness *h = o;
	const struct ide_drive *d = h_dma_drive(h, to_guest);
	const struct ata_state *a = &d->ata;
	uint64_t total = 0, first, end;
	unsigned i;

	check(o == d->be_opaque);
	/* The bus master is running, in this direction. */
	check(bmdma_to_mem(&h->ch.bm) == to_guest);
	check(h->ch.bm.bmic & BMDMA_CMD_START);
	/* ide.c hands at most 256 segments (16 MiB) per call. */
	check(nseg >= 1 && nseg <= 256);
	for (i = 0; i < nseg; i++) {
		check(seg[i].len > 0 && seg[i].len <= BMDMA_REGION_MAX);
		check((seg[i].len & 1) == 0 && (seg[i].gpa & 1) == 0);
		total += seg[i].len;
	}
	/* Inside the command's sectors, so inside the disk. */
	first = a->lba * IDE_SECTOR_SIZE;
	end = (a->lba + a->left) * IDE_SECTOR_SIZE;
	check(a->left >= 1 && a->lba + a->left <= DISK_SECTORS);
	check(off >= first && off < end && total <= end - off);
	/* Batches follow each other without gap or overlap. */
	check(h->be_bytes ? off == h->dmav_end : off == first);
	h->dmav_end = off + total;
	h->be_bytes += total;
	h->dma_calls += nseg;
	if (h->fail_dmav)
		return -14; /* -EFAULT */
	for (i = 0; i < nseg; i++)
		if (seg[i].gpa >= MEM_SIZE ||
		    seg[i].len > MEM_SIZE - seg[i].gpa)
			return -14;
	if (to_guest ? h->fail_read : h->fail_write)
		return to_guest ? -5 : -30;
	for (i = 0; i < nseg; i++) {
		if (to_guest)
			memcpy(h->mem + seg[i].gpa, h->disk + off, seg[i].len);
		else
			memcpy(h->disk + off, h->mem + seg[i].gpa, seg[i].len);
		off += seg[i].len;
	}
	return 0;
}

static int h_cd_read(void *o, uint64_t lba, void *buf, unsigned nsec)
{
	struct cd *cd = o;
	struct harness *h = cd->h;

	check(lba % 4 == 0 && nsec % 4 == 0);
	h_check_request(h, buf, lba, nsec, cd->sectors * 4);
	if (h->fail_read)
		return -5;
	memset(buf, (int)(lba & 0xff), (size_t)nsec * IDE_SECTOR_SIZE);
	return 0;
}

static const struct ide_ops h_ops = {.set_irq = h_set_irq,
				     .dma_rw = h_dma_rw};
static const struct ide_backend_ops h_disk = {
	.read = h_disk_read,
	.write = h_disk_write,
	.flush = h_disk_flush,
};
static const struct ide_backend_ops h_disk_zc = {
	.read = h_disk_read,
	.write = h_disk_write,
	.flush = h_disk_flush,
	.dmav = h_disk_dmav,
};
static const struct ide_backend_ops h_cd = {.read = h_cd_read};

static void h_drive_invariants(const struct ide_drive *d)
{
	const struct ide_taskfile *tf = &d->tf;
	bool drq = tf->status & IDE_ST_DRQ;

	if (d->kind == IDE_NONE)
		return;
	check(!(tf->status & IDE_ST_BSY));
	check(drq == (d->pio != IDE_PIO_NONE || d->dma != IDE_DMA_NONE));
	check(!(d->pio != IDE_PIO_NONE && d->dma != IDE_DMA_NONE));
	if (tf->status & IDE_ST_ERR)
		check(!drq);
	check(d->end <= IDE_BUF_SIZE);
	if (d->pio != IDE_PIO_NONE)
		check(d->pos < d->end);
	else
		check(d->pos <= d->end);
	if (d->kind == IDE_ATA) {
		const struct ata_state *a = &d->ata;

		check(a->mult <= ATA_MAX_MULT);
		check(a->block >= 1 && a->block <= ATA_MAX_MULT);
		check(a->cur <= a->block);
		if (d->pio == IDE_PIO_ATA_IN || d->pio == IDE_PIO_ATA_OUT ||
		    d->dma == IDE_DMA_ATA_READ || d->dma == IDE_DMA_ATA_WRITE) {
			check(a->left >= 1 && a->left <= 65536);
			check(a->lba + a->left <= a->nsectors);
		}
		if (d->pio == IDE_PIO_ATA_IN || d->pio == IDE_PIO_ATA_OUT)
			check(d->end == (uint32_t)a->cur * IDE_SECTOR_SIZE);
	} else {
		const struct atapi_state *a = &d->atapi;

		check(a->off <= a->len && a->len <= IDE_BUF_SIZE);
		if (d->pio == IDE_PIO_ATAPI_IN) {
			uint32_t lim = a->limit ? a->limit : 0xfffe;

			check(d->end <= a->len);
			check(d->end - d->pos <= lim || d->end - d->pos == 2);
		}
		check(a->nsectors <= ATAPI_MAX_SECTORS);
		if (!a->medium)
			check(a->nsectors == 0);
	}
}

static void h_invariants(struct harness *h)
{
	const struct ide_channel *ch = &h->ch;
	const struct ide_drive *sel = &ch->drive[ch->sel & 1];
	const struct bmdma *bm = &ch->bm;
	int want;

	check(ch->sel <= 1);
	h_drive_invariants(&ch->drive[0]);
	h_drive_invariants(&ch->drive[1]);
	want = sel->kind != IDE_NONE && sel->irq_pending &&
	       !(ch->devctl & (IDE_CTL_NIEN | IDE_CTL_SRST));
	check(ch->irq_level == want);
	check(h->level == want);
	check(!(bm->bmic & ~(BMDMA_CMD_START | BMDMA_CMD_TO_MEM)));
	check(!(bm->bmis & 0x98));
	if (bm->bmis & BMDMA_ST_ACTIVE)
		check(bm->bmic & BMDMA_CMD_START);
	check((bm->bmidtp & 3) == 0);
	check(bm->cur_count <= BMDMA_REGION_MAX);
	check(bm->nprd <= BMDMA_MAX_PRD);
	check(h->dma_calls <= MAX_DMA_CALLS);
	check(h->be_sectors <= 2u * 65536u);
	check(h->be_bytes <= 65536u * IDE_SECTOR_SIZE);
}

/* Input reader: zeros past the end. */
struct input {
	const uint8_t *p;
	size_t n, i;
};

static uint8_t in8(struct input *in)
{
	return in->i < in->n ? in->p[in->i++] : 0;
}

static uint16_t in16(struct input *in)
{
	uint16_t lo = in8(in);

	return (uint16_t)(lo | in8(in) << 8);
}

static uint32_t in32(struct input *in)
{
	uint32_t lo = in16(in);

	return lo | (uint32_t)in16(in) << 16;
}

static unsigned size_of(uint8_t v)
{
	static const unsigned sizes[4] = {1, 2, 4, 2};

	return sizes[v & 3];
}

/* cfg: bits 0-1 and 2-3 the drives, 0x10 a disc, 0x20 dmav on disks. */
static void h_attach(struct harness *h, uint8_t cfg)
{
	const struct ide_backend_ops *disk = (cfg & 0x20) ? &h_disk_zc
							  : &h_disk;
	unsigned u;

	for (u = 0; u < 2; u++) {
		unsigned kind = ((cfg >> (2 * u)) & 3) % 3;

		if (kind == 1)
			ide_attach_ata(&h->ch, u, disk, h, DISK_SECTORS,
				       NULL, NULL);
		else if (kind == 2)
			ide_attach_atapi(&h->ch, u, &h_cd, &h->cd[u],
					 h->cd[u].sectors, NULL, NULL);
	}
}

/*
 * A whole ATA command with its task file. Flags steer towards what a
 * random byte rarely is: known commands and features, addresses inside
 * the small disk, small counts.
 */
static void h_ata_command(struct harness *h, struct input *in)
{
	static const uint8_t cmds[] = {
		0x20, 0x24, 0x25, 0x29, 0x30, 0x34, 0x35, 0x39, 0x40, 0x42,
		0x70, 0x90, 0x91, 0xa0, 0xa1, 0xc4, 0xc5, 0xc6, 0xc8, 0xca,
		0xe5, 0xe7, 0xea, 0xec, 0xef, 0x08, 0x00, 0x10,
	};
	static const uint8_t features[] = {0x02, 0x03, 0x55, 0x66, 0x82,
					   0xaa, 0xcc, 0x05};
	struct ide_channel *ch = &h->ch;
	uint8_t cmd = in8(in);
	uint8_t flags = in8(in);
	uint8_t feature = in8(in), count = in8(in), lbal = in8(in);
	uint8_t lbam = in8(in);

	if (flags & 0x80)
		cmd = cmds[cmd % sizeof(cmds)];
	if (flags & 0x20) {
		feature = features[feature % sizeof(features)];
		count &= 0x4f;
		lbam = 0;
	}
	if (flags & 1) { /* the high-order bytes first */
		ide_write(ch, IDE_REG_FEATURE, 1, 0);
		ide_write(ch, IDE_REG_NSECTOR, 1, (flags & 0x20) ? 0 : in8(in));
		ide_write(ch, IDE_REG_LBAL, 1, (flags & 0x20) ? 0 : in8(in));
		ide_write(ch, IDE_REG_LBAM, 1, 0);
		ide_write(ch, IDE_REG_LBAH, 1, 0);
	}
	ide_write(ch, IDE_REG_FEATURE, 1, feature);
	ide_write(ch, IDE_REG_NSECTOR, 1, count);
	ide_write(ch, IDE_REG_LBAL, 1, lbal);
	ide_write(ch, IDE_REG_LBAM, 1, lbam);
	ide_write(ch, IDE_REG_LBAH, 1, (flags & 2) ? in8(in) : 0);
	ide_write(ch, IDE_REG_DEVICE, 1, (uint8_t)(0xa0 | (flags & 0x5c)));
	ide_write(ch, IDE_REG_COMMAND, 1, cmd);
}

/* PACKET, then 12 CDB bytes: opcode from a list of interesting ones. */
static void h_packet(struct harness *h, struct input *in)
{
	static const uint8_t ops[] = {
		ATAPI_TEST_UNIT_READY, ATAPI_REQUEST_SENSE, ATAPI_INQUIRY,
		ATAPI_START_STOP_UNIT, ATAPI_PREVENT_ALLOW, ATAPI_READ_CAPACITY,
		ATAPI_READ_10,	       ATAPI_SEEK_10,	    ATAPI_READ_TOC,
		ATAPI_GET_CONFIGURATION, ATAPI_GET_EVENT_STATUS,
		ATAPI_MODE_SENSE_10, ATAPI_READ_12,	    ATAPI_SET_CD_SPEED,
		ATAPI_MECHANISM_STATUS, 0x1a,
	};
	struct ide_channel *ch = &h->ch;
	uint8_t sel = in8(in);
	uint8_t cdb[ATAPI_CDB_SIZE];
	unsigned i;

	ide_write(ch, IDE_REG_FEATURE, 1, sel & 1);
	ide_write(ch, IDE_REG_LBAM, 1, in8(in));
	ide_write(ch, IDE_REG_LBAH, 1, in8(in));
	ide_write(ch, IDE_REG_COMMAND, 1, ATA_CMD_PACKET);
	for (i = 0; i < ATAPI_CDB_SIZE; i++)
		cdb[i] = in8(in);
	if (sel & 2)
		cdb[0] = ops[cdb[0] % sizeof(ops)];
	for (i = 0; i < ATAPI_CDB_SIZE; i += 2)
		ide_write(ch, IDE_REG_DATA, 2,
			  (uint32_t)cdb[i] | (uint32_t)cdb[i + 1] << 8);
}

/*
 * One PRD entry of the table at 0, or (rarely) a table of tiny regions
 * longer than the walk's cap.
 */
static void h_prd(struct harness *h, struct input *in)
{
	uint8_t sel = in8(in);
	unsigned idx = sel & 15;
	uint32_t addr = in32(in) % (MEM_SIZE + 0x1000);
	uint32_t count = in16(in) | ((in8(in) & 1) ? BMDMA_PRD_EOT : 0);

	if (sel == 0xff) {
		for (idx = 0; idx < BMDMA_MAX_PRD + 8; idx++) {
			uint32_t e[2] = {0x18000 + (idx & 0xff) * 2, 2};

			memcpy(h->mem + 8 * idx, e, 8);
		}
		return;
	}
	memcpy(h->mem + 8 * idx, &addr, 4);
	memcpy(h->mem + 8 * idx + 4, &count, 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness *h = &H;
	struct input in = {data, size, 0};
	struct ide_channel *ch = &h->ch;
	unsigned steps = 0;

	uint8_t cfg = in8(&in);

	/* Big buffers live in a static: every run starts from zero. */
	memset(h, 0, sizeof(*h));
	h->cd[0].h = h->cd[1].h = h;
	h->cd[0].sectors = h->cd[1].sectors = (cfg & 0x10) ? CD_SECTORS : 0;
	ide_init(ch, &h_ops, h);
	h_attach(h, cfg);
	h_invariants(h);
	while (in.i < in.n && steps++ < 4096) {
		uint8_t op = in8(&in);
		unsigned n;

		h->dma_calls = 0;
		h->be_sectors = 0;
		h->be_bytes = 0;
		switch (op % 16) {
		case 0:
			n = in8(&in) & 7;
			ide_write(ch, n, size_of(op >> 4), in32(&in));
			break;
		case 1:
			ide_read(ch, in8(&in) & 7, size_of(op >> 4));
			break;
		case 2: /* a burst of data reads */
			for (n = in8(&in) + 1u; n; n--)
				ide_read(ch, IDE_REG_DATA, size_of(op >> 4));
			break;
		case 3:
			for (n = in8(&in) + 1u; n; n--)
				ide_write(ch, IDE_REG_DATA, size_of(op >> 4),
					  in32(&in));
			break;
		case 4:
			ide_ctl_write(ch, (op >> 4) & 1, in8(&in));
			break;
		case 5:
			ide_ctl_read(ch, (op >> 4) & 1);
			break;
		case 6:
			ide_bm_write(ch, in8(&in) & 7, size_of(op >> 4),
				     in32(&in));
			break;
		case 7:
			ide_bm_read(ch, in8(&in) & 7, size_of(op >> 4));
			break;
		case 8:
			h_prd(h, &in);
			break;
		case 9:
			h_ata_command(h, &in);
			break;
		case 10:
			h_packet(h, &in);
			break;
		case 11: {
			unsigned u = (op >> 4) & 1;
			uint64_t n64 = in8(&in) % (CD_SECTORS + 1);

			if (ch->drive[u].kind == IDE_ATAPI &&
			    atapi_media_change(&ch->drive[u], n64 != 0,
					       n64) == 0)
				h->cd[u].sectors = n64;
			break;
		}
		case 12:
			if (op & 0x10)
				ide_reset(ch);
			break;
		case 13:
			h->fail_read = op & 0x10;
			h->fail_write = op & 0x20;
			h->fail_flush = op & 0x40;
			h->fail_dmav = op & 0x80;
			break;
		case 14: /* drain: read data while the drive offers it */
			for (n = 0; n < 70000; n++) {
				const struct ide_drive *d = &ch->drive[ch->sel];

				if (d->pio != IDE_PIO_IDENTIFY &&
				    d->pio != IDE_PIO_ATA_IN &&
				    d->pio != IDE_PIO_ATAPI_IN)
					break;
				ide_read(ch, IDE_REG_DATA, 4);
				if ((n & 0xff) == 0)
					ide_read(ch, IDE_REG_STATUS, 1);
			}
			break;
		default: /* point the bus master at the table and start */
			ide_bm_write(ch, BMDMA_REG_CMD, 1, 0);
			ide_bm_write(ch, BMDMA_REG_PRDT, 4, 0);
			ide_bm_write(ch, BMDMA_REG_CMD, 1,
				     BMDMA_CMD_START |
					     ((op & 0x10) ? BMDMA_CMD_TO_MEM
							  : 0));
			break;
		}
		h_invariants(h);
	}
	return 0;
}
