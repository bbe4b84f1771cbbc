/* SPDX-License-Identifier: MIT */
/*
 * SFF-8038i bus-master IDE channel: registers and the PRD table walk.
 * See bmdma.h for the decisions on malformed tables.
 */
#include "dm/hw/bmdma.h"

#include <errno.h>
#include <string.h>

void bmdma_init(struct bmdma *bm, const struct bmdma_ops *ops, void *opaque)
{
	memset(bm, 0, sizeof(*bm));
	bm->ops = ops;
	bm->opaque = opaque;
}

void bmdma_reset(struct bmdma *bm)
{
	struct bmdma_stats stats = bm->stats;

	bmdma_init(bm, bm->ops, bm->opaque);
	bm->stats = stats;
}

static uint8_t bmdma_read8(const struct bmdma *bm, unsigned off)
{
	switch (off) {
	case BMDMA_REG_CMD:
		return bm->bmic;
	case BMDMA_REG_STATUS:
		return bm->bmis;
	case 4:
	case 5:
	case 6:
	case 7:
		return (uint8_t)(bm->bmidtp >> (8 * (off - 4)));
	case 1:
	case 3:
		return 0;
	default:
		return 0xff;
	}
}

uint32_t bmdma_read(const struct bmdma *bm, unsigned off, unsigned size)
{
	uint32_t val = 0;
	unsigned i;

	if (size != 1 && size != 2 && size != 4)
		return 0xffffffffu;
	for (i = 0; i < size; i++)
		val |= (uint32_t)bmdma_read8(bm, off + i) << (8 * i);
	return val;
}

/* Start 0 -> 1 begins a new walk at the table pointer. */
static unsigned bmdma_write_cmd(struct bmdma *bm, uint8_t val)
{
	uint8_t old = bm->bmic;

	if (!(val & BMDMA_CMD_START)) {
		bm->bmic = val & BMDMA_CMD_TO_MEM;
		bm->bmis &= (uint8_t)~BMDMA_ST_ACTIVE;
		return 0;
	}
	if (old & BMDMA_CMD_START)
		return 0; /* running: the direction must not change */
	bm->bmic = val & (BMDMA_CMD_START | BMDMA_CMD_TO_MEM);
	bm->bmis |= BMDMA_ST_ACTIVE;
	bm->next_prd = bm->bmidtp;
	bm->nprd = 0;
	bm->cur_addr = 0;
	bm->cur_count = 0;
	bm->cur_eot = false;
	bm->table_end = false;
	return BMDMA_EV_START;
}

static unsigned bmdma_write8(struct bmdma *bm, unsigned off, uint8_t val)
{
	unsigned shift;

	switch (off) {
	case BMDMA_REG_CMD:
		return bmdma_write_cmd(bm, val);
	case BMDMA_REG_STATUS:
		/* Error and Interrupt: write 1 to clear; capable: R/W. */
		bm->bmis &= (uint8_t)~(val & (BMDMA_ST_ERROR | BMDMA_ST_INTR));
		bm->bmis &= (uint8_t)~BMDMA_ST_CAPABLE;
		bm->bmis |= val & BMDMA_ST_CAPABLE;
		return 0;
	case 4:
	case 5:
	case 6:
	case 7:
		shift = 8 * (off - 4);
		bm->bmidtp = (bm->bmidtp & ~(0xffu << shift)) |
			     ((uint32_t)val << shift);
		bm->bmidtp &= ~3u; /* dword aligned */
		return 0;
	default:
		return 0;
	}
}

unsigned bmdma_write(struct bmdma *bm, unsigned off, unsigned size,
		     uint32_t val)
{
	unsigned ev = 0;
	unsigned i;

	if (size != 1 && size != 2 && size != 4)
		return 0;
	for (i = 0; i < size; i++)
		ev |= bmdma_write8(bm, off + i, (uint8_t)(val >> (8 * i)));
	return ev;
}

bool bmdma_ready(const struct bmdma *bm)
{
	return (bm->bmic & BMDMA_CMD_START) && (bm->bmis & BMDMA_ST_ACTIVE);
}

bool bmdma_to_mem(const struct bmdma *bm)
{
	return bm->bmic & BMDMA_CMD_TO_MEM;
}

void bmdma_fail(struct bmdma *bm)
{
	bm->bmis |= BMDMA_ST_ERROR;
	bm->bmis &= (uint8_t)~BMDMA_ST_ACTIVE;
	bm->table_end = true;
	bm->cur_count = 0; /* nothing more of this region, either */
}

void bmdma_irq_edge(struct bmdma *bm)
{
	bm->bmis |= BMDMA_ST_INTR;
}

static int bmdma_guest(struct bmdma *bm, uint64_t gpa, void *buf, size_t len,
		       bool to_guest)
{
	if (!bm->ops || !bm->ops->dma_rw)
		return -EFAULT;
	return bm->ops->dma_rw(bm->opaque, gpa, buf, len, to_guest) ? -EFAULT
								    : 0;
}

static uint32_t bmdma_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Loads the next descriptor; 0, -ENOSPC (table over) or -EFAULT. */
static int bmdma_fetch(struct bmdma *bm)
{
	uint8_t e[BMDMA_PRD_SIZE];
	uint32_t addr, count;

	if (bm->table_end)
		return -ENOSPC;
	if (bm->nprd >= BMDMA_MAX_PRD) {
		bm->stats.prd_cap++;
		bm->table_end = true;
		bm->bmis &= (uint8_t)~BMDMA_ST_ACTIVE;
		return -ENOSPC;
	}
	if (bmdma_guest(bm, bm->next_prd, e, sizeof(e), false)) {
		bm->stats.faults++;
		bmdma_fail(bm);
		return -EFAULT;
	}
	bm->next_prd += BMDMA_PRD_SIZE;
	bm->nprd++;
	addr = bmdma_le32(e);
	count = bmdma_le32(e + 4);
	if ((addr | count) & 1)
		bm->stats.odd_fields++;
	bm->cur_addr = addr & ~1u;
	bm->cur_count = count & 0xfffeu;
	if (!bm->cur_count)
		bm->cur_count = BMDMA_REGION_MAX;
	bm->cur_eot = count & BMDMA_PRD_EOT;
	if ((bm->cur_addr & 0xffffu) + bm->cur_count > 0x10000u)
		bm->stats.crossings++;
	return 0;
}

/* n bytes of the current region moved; the walk goes idle after EOT. */
static void bmdma_advance(struct bmdma *bm, size_t n)
{
	bm->cur_addr += n;
	bm->cur_count -= (uint32_t)n;
	if (!bm->cur_count && bm->cur_eot) {
		/* Last region drained: the controller goes idle. */
		bm->table_end = true;
		bm->bmis &= (uint8_t)~BMDMA_ST_ACTIVE;
	}
}

int bmdma_xfer(struct bmdma *bm, void *buf, size_t len, bool to_guest,
	       size_t *moved)
{
	uint8_t *p = buf;
	size_t done = 0;
	int r = 0;

	/* One region at a time, so descriptors are fetched as data moves. */
	while (done < len) {
		struct bmdma_seg seg;
		unsigned nseg;
		size_t got;

		r = bmdma_map(bm, len - done, &seg, 1, &nseg, &got);
		if (nseg && bmdma_guest(bm, seg.gpa, p + done, seg.len,
					to_guest)) {
			bmdma_fault(bm);
			r = -EFAULT;
			break;
		}
		done += got;
		if (r)
			break;
	}
	*moved = done;
	return r;
}

int bmdma_map(struct bmdma *bm, size_t len, struct bmdma_seg *seg,
	      unsigned max, unsigned *nseg, size_t *got)
{
	size_t done = 0;
	unsigned k = 0;
	int r = 0;

	*nseg = 0;
	*got = 0;
	if (!(bm->bmic & BMDMA_CMD_START))
		return -EINVAL;
	while (done < len && k < max) {
		size_t n;

		if (!bm->cur_count) {
			r = bmdma_fetch(bm);
			if (r)
				break;
		}
		n = len - done;
		if (n > bm->cur_count)
			n = bm->cur_count;
		seg[k].gpa = bm->cur_addr;
		seg[k].len = (uint32_t)n;
		k++;
		bmdma_advance(bm, n);
		done += n;
	}
	if (r == -ENOSPC)
		bm->stats.short_tbl++;
	*nseg = k;
	*got = done;
	return r;
}

void bmdma_fault(struct bmdma *bm)
{
	bm->stats.faults++;
	bmdma_fail(bm);
}
