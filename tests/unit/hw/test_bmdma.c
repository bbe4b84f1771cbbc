/* SPDX-License-Identifier: MIT */
/*
 * bmdma unit tests: bus-master registers and PRD table walks against a
 * fake guest memory that records every access.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/bmdma.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MEM_SIZE (1u << 20)
#define TABLE 0x1000u

struct fake {
	struct bmdma bm;
	uint8_t mem[MEM_SIZE];
	unsigned calls;	   /* dma_rw calls */
	size_t max_len;	   /* largest dma_rw length */
	uint64_t last_gpa; /* gpa of the last data access */
	uint8_t buf[0x30000];
};

static struct fake F;

static int fake_dma_rw(void *opaque, uint64_t gpa, void *buf, size_t len,
		       bool to_guest)
{
	struct fake *f = opaque;

	f->calls++;
	if (len > f->max_len)
		f->max_len = len;
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return -EFAULT;
	f->last_gpa = gpa;
	if (to_guest)
		memcpy(f->mem + gpa, buf, len);
	else
		memcpy(buf, f->mem + gpa, len);
	return 0;
}

static const struct bmdma_ops fake_ops = {.dma_rw = fake_dma_rw};

static int setup(void **state)
{
	memset(&F, 0, sizeof(F));
	bmdma_init(&F.bm, &fake_ops, &F);
	*state = &F;
	return 0;
}

static void put_prd(struct fake *f, unsigned i, uint32_t addr, uint32_t count,
		    bool eot)
{
	uint8_t *p = f->mem + TABLE + 8 * i;
	uint32_t w1 = count | (eot ? BMDMA_PRD_EOT : 0);

	memcpy(p, &addr, 4); /* little-endian host, like the guest */
	memcpy(p + 4, &w1, 4);
}

static void start(struct fake *f, bool to_mem)
{
	bmdma_write(&f->bm, BMDMA_REG_PRDT, 4, TABLE);
	assert_int_equal(bmdma_write(&f->bm, BMDMA_REG_CMD, 1,
				     BMDMA_CMD_START |
					     (to_mem ? BMDMA_CMD_TO_MEM : 0)),
			 BMDMA_EV_START);
}

static uint8_t status(struct fake *f)
{
	return (uint8_t)bmdma_read(&f->bm, BMDMA_REG_STATUS, 1);
}

static void test_reset_values(void **state)
{
	struct fake *f = *state;
	unsigned off;

	for (off = 0; off < 8; off++)
		assert_int_equal(bmdma_read(&f->bm, off, 1), 0);
	assert_int_equal(bmdma_read(&f->bm, 8, 1), 0xff);
	assert_int_equal(bmdma_read(&f->bm, 6, 4), 0xffff0000u);
	assert_int_equal(bmdma_read(&f->bm, 0, 3), 0xffffffffu);
	assert_false(bmdma_ready(&f->bm));
}

static void test_command_register(void **state)
{
	struct fake *f = *state;

	/* Only Start and the direction bit exist. */
	assert_int_equal(bmdma_write(&f->bm, 0, 1, 0xff), BMDMA_EV_START);
	assert_int_equal(bmdma_read(&f->bm, 0, 1), 0x09);
	assert_int_equal(status(f) & BMDMA_ST_ACTIVE, BMDMA_ST_ACTIVE);
	assert_true(bmdma_ready(&f->bm));
	assert_true(bmdma_to_mem(&f->bm));
	/* Start again: no new walk; the direction cannot change. */
	assert_int_equal(bmdma_write(&f->bm, 0, 1, BMDMA_CMD_START), 0);
	assert_int_equal(bmdma_read(&f->bm, 0, 1), 0x09);
	/* Stop: Active clears, direction may change with Start clear. */
	assert_int_equal(bmdma_write(&f->bm, 0, 1, 0), 0);
	assert_int_equal(status(f) & BMDMA_ST_ACTIVE, 0);
	assert_false(bmdma_to_mem(&f->bm));
	assert_false(bmdma_ready(&f->bm));
	bmdma_write(&f->bm, 0, 1, BMDMA_CMD_TO_MEM);
	assert_int_equal(bmdma_read(&f->bm, 0, 1), 0x08);
	assert_int_equal(status(f) & BMDMA_ST_ACTIVE, 0);
}

static void test_status_register(void **state)
{
	struct fake *f = *state;

	/* Active is read-only. */
	bmdma_write(&f->bm, BMDMA_REG_STATUS, 1, 0xff);
	assert_int_equal(status(f), BMDMA_ST_DRV0_DMA | BMDMA_ST_DRV1_DMA);
	bmdma_irq_edge(&f->bm);
	bmdma_fail(&f->bm);
	assert_int_equal(status(f), 0x66);
	/* Write 1 to clear Interrupt only; capable bits follow the write. */
	bmdma_write(&f->bm, BMDMA_REG_STATUS, 1, BMDMA_ST_INTR);
	assert_int_equal(status(f), BMDMA_ST_ERROR);
	bmdma_write(&f->bm, BMDMA_REG_STATUS, 1, BMDMA_ST_ERROR |
							 BMDMA_ST_DRV1_DMA);
	assert_int_equal(status(f), BMDMA_ST_DRV1_DMA);
	/* A dword write covers command and status at once. */
	bmdma_irq_edge(&f->bm);
	assert_int_equal(bmdma_write(&f->bm, 0, 4, 0x00040009u),
			 BMDMA_EV_START);
	assert_int_equal(bmdma_read(&f->bm, 0, 4), 0x00010009u);
}

static void test_table_pointer(void **state)
{
	struct fake *f = *state;

	bmdma_write(&f->bm, BMDMA_REG_PRDT, 4, 0x12345677u);
	assert_int_equal(bmdma_read(&f->bm, BMDMA_REG_PRDT, 4), 0x12345674u);
	bmdma_write(&f->bm, 7, 1, 0xab);
	bmdma_write(&f->bm, 4, 1, 0xff);
	assert_int_equal(bmdma_read(&f->bm, BMDMA_REG_PRDT, 4), 0xab3456fcu);
	bmdma_write(&f->bm, 6, 2, 0x0001);
	assert_int_equal(bmdma_read(&f->bm, 4, 2), 0x56fc);
	assert_int_equal(bmdma_read(&f->bm, 6, 2), 0x0001);
	assert_int_equal(bmdma_read(&f->bm, 5, 1), 0x56);
}

struct prd {
	uint32_t addr, count;
	bool eot;
};

static const struct walk_case {
	const char *name;
	struct prd prd[4];
	unsigned n;
	size_t len; /* device transfer */
	int r;
	size_t moved;
	bool active;     /* after the transfer */
	uint32_t odd, crossings;
} walk_cases[] = {
	{"one region, exact, EOT", {{0x20000, 0x1000, true}}, 1, 0x1000, 0,
	 0x1000, false, 0, 0},
	{"two regions, exact",
	 {{0x20000, 0x200, false}, {0x30000, 0x600, true}}, 2, 0x800, 0, 0x800,
	 false, 0, 0},
	{"count 0 is 64 KiB", {{0x20000, 0, true}}, 1, 0x10000, 0, 0x10000,
	 false, 0, 0},
	{"table longer: Active stays", {{0x20000, 0x1000, true}}, 1, 0x800, 0,
	 0x800, true, 0, 0},
	{"exact without EOT: Active stays",
	 {{0x20000, 0x400, false}, {0x30000, 0x400, false}}, 2, 0x800, 0,
	 0x800, true, 0, 0},
	{"table shorter", {{0x20000, 0x200, false}, {0x30000, 0x200, true}}, 2,
	 0x1000, -ENOSPC, 0x400, false, 0, 0},
	{"odd count masked", {{0x20000, 0x201, true}}, 1, 0x1000, -ENOSPC,
	 0x200, false, 1, 0},
	{"count 1 is 64 KiB", {{0x20000, 1, true}}, 1, 0x10000, 0, 0x10000,
	 false, 1, 0},
	{"odd address masked", {{0x20001, 0x200, true}}, 1, 0x200, 0, 0x200,
	 false, 1, 0},
	{"region crossing 64 KiB", {{0x2ff00, 0x200, true}}, 1, 0x200, 0,
	 0x200, false, 0, 1},
	{"region past guest memory", {{MEM_SIZE, 0x200, true}}, 1,
	 0x200, -EFAULT, 0, false, 0, 0},
	{"region running out of guest memory",
	 {{MEM_SIZE - 0x100, 0x200, true}}, 1, 0x200, -EFAULT, 0, false, 0, 1},
};

static void test_walk_table(void **state)
{
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(walk_cases); i++) {
		const struct walk_case *c = &walk_cases[i];
		size_t moved = 12345, j, off = 0;
		unsigned k;
		int r;

		print_message("case: %s\n", c->name);
		setup(state);
		for (k = 0; k < c->n; k++)
			put_prd(f, k, c->prd[k].addr, c->prd[k].count,
				c->prd[k].eot);
		for (j = 0; j < c->len; j++)
			f->buf[j] = (uint8_t)(j * 7 + 1);
		start(f, true);
		r = bmdma_xfer(&f->bm, f->buf, c->len, true, &moved);
		assert_int_equal(r, c->r);
		assert_int_equal(moved, c->moved);
		assert_int_equal(!!(status(f) & BMDMA_ST_ACTIVE), c->active);
		assert_int_equal(!!(status(f) & BMDMA_ST_ERROR), r == -EFAULT);
		assert_int_equal(f->bm.stats.odd_fields, c->odd);
		assert_int_equal(f->bm.stats.crossings, c->crossings);
		assert_int_equal(f->bm.stats.short_tbl, r == -ENOSPC);
		assert_int_equal(f->bm.stats.faults, r == -EFAULT);
		assert_true(f->max_len <= BMDMA_REGION_MAX);
		/* The bytes landed region by region, in order. */
		for (k = 0; k < c->n && off < moved; k++) {
			uint32_t a = c->prd[k].addr & ~1u;
			uint32_t n = c->prd[k].count & 0xfffe;

			if (!n)
				n = 0x10000;
			if (n > moved - off)
				n = (uint32_t)(moved - off);
			assert_memory_equal(f->mem + a, f->buf + off, n);
			off += n;
		}
		assert_int_equal(off, moved);
	}
}

static void test_walk_continues_across_calls(void **state)
{
	struct fake *f = *state;
	size_t moved;
	unsigned i;

	put_prd(f, 0, 0x20000, 0x300, false);
	put_prd(f, 1, 0x40000, 0x300, true);
	for (i = 0; i < 0x300; i++) {
		f->mem[0x20000 + i] = (uint8_t)i;
		f->mem[0x40000 + i] = (uint8_t)(0x300 + i);
	}
	start(f, false);
	/* Device-to-host data read in 0x200-byte chunks: 0x300 + 0x300. */
	for (i = 0; i < 3; i++) {
		assert_int_equal(bmdma_xfer(&f->bm, f->buf + 0x200 * i, 0x200,
					    false, &moved),
				 0);
		assert_int_equal(moved, 0x200);
	}
	for (i = 0; i < 0x600; i++)
		assert_int_equal(f->buf[i], (uint8_t)i);
	assert_int_equal(status(f) & BMDMA_ST_ACTIVE, 0);
	/* Nothing left: the next call reports the end of the table. */
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, 2, false, &moved),
			 -ENOSPC);
	assert_int_equal(moved, 0);
	assert_int_equal(f->bm.stats.short_tbl, 1);
}

static void test_restart_rewinds(void **state)
{
	struct fake *f = *state;
	size_t moved;

	put_prd(f, 0, 0x20000, 0x200, false);
	put_prd(f, 1, 0x30000, 0x200, true);
	start(f, true);
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, 0x300, true, &moved), 0);
	assert_int_equal(f->last_gpa, 0x30000);
	bmdma_write(&f->bm, 0, 1, 0);
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, 2, true, &moved), -EINVAL);
	start(f, true);
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, 2, true, &moved), 0);
	assert_int_equal(f->last_gpa, 0x20000);
}

static void test_walk_capped(void **state)
{
	struct fake *f = *state;
	size_t moved;
	unsigned i;

	/* 2-byte regions, no EOT anywhere: the walk stops at the cap. */
	for (i = 0; i < BMDMA_MAX_PRD + 4; i++)
		put_prd(f, i, 0x80000, 2, false);
	start(f, true);
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, sizeof(f->buf), true,
				    &moved),
			 -ENOSPC);
	assert_int_equal(moved, 2 * BMDMA_MAX_PRD);
	assert_int_equal(f->bm.stats.prd_cap, 1);
	assert_int_equal(f->bm.nprd, BMDMA_MAX_PRD);
	assert_true(f->calls <= 2 * BMDMA_MAX_PRD);
	assert_int_equal(status(f) & BMDMA_ST_ACTIVE, 0);
	assert_int_equal(status(f) & BMDMA_ST_ERROR, 0);
}

static void test_table_fault(void **state)
{
	struct fake *f = *state;
	size_t moved;

	bmdma_write(&f->bm, BMDMA_REG_PRDT, 4, MEM_SIZE - 4);
	bmdma_write(&f->bm, 0, 1, BMDMA_CMD_START);
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, 0x200, false, &moved),
			 -EFAULT);
	assert_int_equal(moved, 0);
	assert_int_equal(status(f), BMDMA_ST_ERROR);
	assert_int_equal(f->bm.stats.faults, 1);
	/* Further transfers see a finished table, and fetch nothing. */
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, 2, false, &moved),
			 -ENOSPC);
	assert_int_equal(f->calls, 1);
}

static void test_not_started(void **state)
{
	struct fake *f = *state;
	size_t moved = 1;

	put_prd(f, 0, 0x20000, 0x200, true);
	bmdma_write(&f->bm, BMDMA_REG_PRDT, 4, TABLE);
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, 0x200, true, &moved),
			 -EINVAL);
	assert_int_equal(moved, 0);
	assert_int_equal(f->calls, 0);
}

static void test_no_ops_fault(void **state)
{
	struct fake *f = *state;
	size_t moved;

	bmdma_init(&f->bm, NULL, NULL);
	bmdma_write(&f->bm, 0, 1, BMDMA_CMD_START);
	assert_int_equal(bmdma_xfer(&f->bm, f->buf, 2, true, &moved), -EFAULT);
	assert_int_equal(status(f), BMDMA_ST_ERROR);
}

static void test_reset_keeps_stats(void **state)
{
	struct fake *f = *state;
	size_t moved;

	put_prd(f, 0, 0x20001, 0x200, true);
	start(f, true);
	bmdma_xfer(&f->bm, f->buf, 0x200, true, &moved);
	bmdma_irq_edge(&f->bm);
	bmdma_reset(&f->bm);
	assert_int_equal(bmdma_read(&f->bm, 0, 4), 0);
	assert_int_equal(bmdma_read(&f->bm, 4, 4), 0);
	assert_int_equal(f->bm.stats.odd_fields, 1);
	assert_ptr_equal(f->bm.opaque, f);
}

/*
 * bmdma_map: the same walk as bmdma_xfer, returned as segments.
 */

#define SEGS 64u

static void start_at(struct fake *f, uint32_t table, bool to_mem)
{
	bmdma_write(&f->bm, BMDMA_REG_PRDT, 4, table);
	assert_int_equal(bmdma_write(&f->bm, BMDMA_REG_CMD, 1,
				     BMDMA_CMD_START |
					     (to_mem ? BMDMA_CMD_TO_MEM : 0)),
			 BMDMA_EV_START);
}

static const struct map_case {
	const char *name;
	struct prd prd[4];
	unsigned n;
	size_t len;
	unsigned max;
	int r;
	struct bmdma_seg seg[4]; /* expected, got = their sum */
	unsigned nseg;
	bool active;
	uint32_t odd, short_tbl;
} map_cases[] = {
	{"one region, exact, EOT", {{0x20000, 0x1000, true}}, 1, 0x1000,
	 SEGS, 0, {{0x20000, 0x1000}}, 1, false, 0, 0},
	{"odd count: bit 0 masked", {{0x20000, 0x201, true}}, 1, 0x200, SEGS,
	 0, {{0x20000, 0x200}}, 1, false, 1, 0},
	{"odd address: bit 0 masked", {{0x20001, 0x200, true}}, 1, 0x200,
	 SEGS, 0, {{0x20000, 0x200}}, 1, false, 1, 0},
	{"count 0 is 64 KiB", {{0x20000, 0, true}}, 1, 0x10000, SEGS, 0,
	 {{0x20000, 0x10000}}, 1, false, 0, 0},
	{"count 1 is 64 KiB", {{0x20000, 1, true}}, 1, 0x10000, SEGS, 0,
	 {{0x20000, 0x10000}}, 1, false, 1, 0},
	{"several regions, in table order",
	 {{0x40000, 0x200, false}, {0x20000, 0x600, false},
	  {0x30000, 0x10000, true}},
	 3, 0x10800, SEGS, 0,
	 {{0x40000, 0x200}, {0x20000, 0x600}, {0x30000, 0x10000}}, 3, false,
	 0, 0},
	{"table longer: last region cut, Active stays",
	 {{0x20000, 0x400, false}, {0x30000, 0x1000, true}}, 2, 0x800, SEGS,
	 0, {{0x20000, 0x400}, {0x30000, 0x400}}, 2, true, 0, 0},
	{"exact without EOT: Active stays",
	 {{0x20000, 0x400, false}, {0x30000, 0x400, false}}, 2, 0x800, SEGS,
	 0, {{0x20000, 0x400}, {0x30000, 0x400}}, 2, true, 0, 0},
	{"table shorter: -ENOSPC with the segments found",
	 {{0x20000, 0x200, false}, {0x30000, 0x200, true}}, 2, 0x1000, SEGS,
	 -ENOSPC, {{0x20000, 0x200}, {0x30000, 0x200}}, 2, false, 0, 1},
	{"max segments reached: 0 with less than len",
	 {{0x20000, 0x200, false}, {0x30000, 0x200, false},
	  {0x40000, 0x200, true}},
	 3, 0x600, 2, 0, {{0x20000, 0x200}, {0x30000, 0x200}}, 2, true, 0, 0},
	{"max 0: nothing, no fetch", {{0x20000, 0x200, true}}, 1, 0x200, 0,
	 0, {{0, 0}}, 0, true, 0, 0},
	{"len 0: nothing, no fetch", {{0x20000, 0x200, true}}, 1, 0, SEGS, 0,
	 {{0, 0}}, 0, true, 0, 0},
	/* Data regions are not touched: the caller finds out (bmdma_fault). */
	{"region past guest memory is returned", {{MEM_SIZE, 0x200, true}}, 1,
	 0x200, SEGS, 0, {{MEM_SIZE, 0x200}}, 1, false, 0, 0},
};

static void test_map_table(void **state)
{
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(map_cases); i++) {
		const struct map_case *c = &map_cases[i];
		struct bmdma_seg seg[SEGS];
		unsigned k, nseg = 99;
		size_t got = 99, sum = 0;
		int r;

		print_message("case: %s\n", c->name);
		setup(state);
		for (k = 0; k < c->n; k++)
			put_prd(f, k, c->prd[k].addr, c->prd[k].count,
				c->prd[k].eot);
		memset(f->mem + 0x20000, 0x5a, 0x30000);
		start(f, true);
		r = bmdma_map(&f->bm, c->len, seg, c->max, &nseg, &got);
		assert_int_equal(r, c->r);
		assert_int_equal(nseg, c->nseg);
		for (k = 0; k < nseg; k++) {
			assert_int_equal(seg[k].gpa, c->seg[k].gpa);
			assert_int_equal(seg[k].len, c->seg[k].len);
			sum += seg[k].len;
		}
		assert_int_equal(got, sum);
		assert_true(got <= c->len);
		assert_int_equal(!!(status(f) & BMDMA_ST_ACTIVE), c->active);
		assert_int_equal(status(f) & BMDMA_ST_ERROR, 0);
		assert_int_equal(f->bm.stats.odd_fields, c->odd);
		assert_int_equal(f->bm.stats.short_tbl, c->short_tbl);
		assert_int_equal(f->bm.stats.faults, 0);
		/* Only descriptors are read; guest data is left alone. */
		assert_int_equal(f->calls, f->bm.nprd);
		for (k = 0; k < 0x30000; k++)
			if (f->mem[0x20000 + k] != 0x5a)
				fail_msg("guest byte 0x%x written",
					 0x20000 + k);
	}
}

static void test_map_continues(void **state)
{
	struct fake *f = *state;
	struct bmdma_seg seg[SEGS];
	unsigned nseg;
	size_t got;

	put_prd(f, 0, 0x20000, 0x200, false);
	put_prd(f, 1, 0x30000, 0x200, false);
	put_prd(f, 2, 0x40000, 0x200, false);
	put_prd(f, 3, 0x50000, 0x400, true);
	start(f, false);
	/* Two segments at most per call: the walk picks up where it was. */
	assert_int_equal(bmdma_map(&f->bm, 0xa00, seg, 2, &nseg, &got), 0);
	assert_int_equal(nseg, 2);
	assert_int_equal(got, 0x400);
	assert_int_equal(seg[1].gpa, 0x30000);
	assert_int_equal(bmdma_map(&f->bm, 0xa00 - 0x400, seg, 2, &nseg,
				   &got),
			 0);
	assert_int_equal(nseg, 2);
	assert_int_equal(got, 0x600);
	assert_int_equal(seg[0].gpa, 0x40000);
	assert_int_equal(seg[0].len, 0x200);
	assert_int_equal(seg[1].gpa, 0x50000);
	assert_int_equal(seg[1].len, 0x400);
	assert_int_equal(status(f) & BMDMA_ST_ACTIVE, 0);
	/* A part of a region, then the rest of it, by len. */
	setup(state);
	put_prd(f, 0, 0x20000, 0x1000, true);
	start(f, true);
	assert_int_equal(bmdma_map(&f->bm, 0x300, seg, SEGS, &nseg, &got), 0);
	assert_int_equal(status(f) & BMDMA_ST_ACTIVE, BMDMA_ST_ACTIVE);
	assert_int_equal(bmdma_map(&f->bm, 0x2000, seg, SEGS, &nseg, &got),
			 -ENOSPC);
	assert_int_equal(nseg, 1);
	assert_int_equal(seg[0].gpa, 0x20300);
	assert_int_equal(seg[0].len, 0xd00);
	assert_int_equal(got, 0xd00);
	/* Over: the next call finds nothing and fetches nothing. */
	assert_int_equal(bmdma_map(&f->bm, 2, seg, SEGS, &nseg, &got),
			 -ENOSPC);
	assert_int_equal(nseg, 0);
	assert_int_equal(got, 0);
	assert_int_equal(f->calls, 1);
	assert_int_equal(f->bm.stats.short_tbl, 2);
}

static void test_map_not_started(void **state)
{
	struct fake *f = *state;
	struct bmdma_seg seg[SEGS];
	unsigned nseg = 7;
	size_t got = 7;

	put_prd(f, 0, 0x20000, 0x200, true);
	bmdma_write(&f->bm, BMDMA_REG_PRDT, 4, TABLE);
	assert_int_equal(bmdma_map(&f->bm, 0x200, seg, SEGS, &nseg, &got),
			 -EINVAL);
	assert_int_equal(nseg, 0);
	assert_int_equal(got, 0);
	assert_int_equal(f->calls, 0);
	/* Stopped after a start: the same. */
	start(f, true);
	bmdma_write(&f->bm, BMDMA_REG_CMD, 1, 0);
	assert_int_equal(bmdma_map(&f->bm, 0x200, seg, SEGS, &nseg, &got),
			 -EINVAL);
	assert_int_equal(f->calls, 0);
	assert_int_equal(status(f), 0);
}

static void test_map_table_fault(void **state)
{
	struct fake *f = *state;
	struct bmdma_seg seg[SEGS];
	unsigned nseg;
	size_t got;

	/* The first entry is the last 8 bytes of memory, the second is not. */
	bmdma_write(&f->bm, BMDMA_REG_PRDT, 4, MEM_SIZE - 8);
	put_prd(f, (MEM_SIZE - 8 - TABLE) / 8, 0x20000, 0x200, false);
	bmdma_write(&f->bm, BMDMA_REG_CMD, 1, BMDMA_CMD_START);
	assert_int_equal(bmdma_map(&f->bm, 0x400, seg, SEGS, &nseg, &got),
			 -EFAULT);
	assert_int_equal(nseg, 1);
	assert_int_equal(seg[0].gpa, 0x20000);
	assert_int_equal(seg[0].len, 0x200);
	assert_int_equal(got, 0x200);
	assert_int_equal(status(f), BMDMA_ST_ERROR);
	assert_int_equal(f->bm.stats.faults, 1);
	assert_int_equal(f->bm.stats.short_tbl, 0);
	/* Further calls see a finished table and fetch nothing. */
	assert_int_equal(bmdma_map(&f->bm, 2, seg, SEGS, &nseg, &got),
			 -ENOSPC);
	assert_int_equal(nseg, 0);
	assert_int_equal(f->calls, 2);
}

static void test_map_fault_marks_error(void **state)
{
	struct fake *f = *state;
	struct bmdma_seg seg[SEGS];
	unsigned nseg;
	size_t got;

	put_prd(f, 0, 0x20000, 0x1000, true);
	start(f, true);
	assert_int_equal(bmdma_map(&f->bm, 0x200, seg, SEGS, &nseg, &got), 0);
	assert_int_equal(status(f), BMDMA_ST_ACTIVE);
	/* The caller could not use a segment: no device may go on. */
	bmdma_fault(&f->bm);
	assert_int_equal(status(f), BMDMA_ST_ERROR);
	assert_int_equal(f->bm.stats.faults, 1);
	assert_false(bmdma_ready(&f->bm));
	/* A new Start walks the table again from its first entry. */
	bmdma_write(&f->bm, BMDMA_REG_CMD, 1, 0);
	start(f, true);
	assert_int_equal(bmdma_map(&f->bm, 0x200, seg, SEGS, &nseg, &got), 0);
	assert_int_equal(seg[0].gpa, 0x20000);
	assert_int_equal(status(f), BMDMA_ST_ERROR | BMDMA_ST_ACTIVE);
	/* Error is write-1-to-clear like any other. */
	bmdma_write(&f->bm, BMDMA_REG_STATUS, 1, BMDMA_ST_ERROR);
	assert_int_equal(status(f), BMDMA_ST_ACTIVE);
}

static void test_map_capped(void **state)
{
	struct fake *f = *state;
	struct bmdma_seg seg[SEGS];
	unsigned i, nseg, total = 0, calls = 0;
	size_t got, bytes = 0;
	int r;

	for (i = 0; i < BMDMA_MAX_PRD + 4; i++)
		put_prd(f, i, 0x80000 + 2 * (i & 0xff), 2, false);
	start(f, true);
	do {
		r = bmdma_map(&f->bm, 0x30000 - bytes, seg, SEGS, &nseg, &got);
		for (i = 0; i < nseg; i++) {
			assert_int_equal(seg[i].len, 2);
			assert_int_equal(seg[i].gpa,
					 0x80000 + 2 * ((total + i) & 0xff));
		}
		total += nseg;
		bytes += got;
		calls++;
	} while (!r);
	assert_int_equal(r, -ENOSPC);
	assert_int_equal(total, BMDMA_MAX_PRD);
	assert_int_equal(bytes, 2 * BMDMA_MAX_PRD);
	assert_int_equal(calls, BMDMA_MAX_PRD / SEGS + 1);
	assert_int_equal(f->bm.stats.prd_cap, 1);
	assert_int_equal(f->bm.stats.short_tbl, 1);
	assert_int_equal(f->bm.nprd, BMDMA_MAX_PRD);
	assert_int_equal(f->calls, BMDMA_MAX_PRD);
	assert_int_equal(status(f), 0);
}

/*
 * bmdma_map against bmdma_xfer over random tables: the same sequence of
 * guest pieces, return codes, byte counts and final state, whatever the
 * split of the transfer into calls and of each call into `max` batches;
 * and both against a reference walker.
 */

struct piece {
	uint64_t gpa;
	uint32_t len;
};

#define PIECES 16384u

static struct {
	struct piece xfer[PIECES], map[PIECES], ref[PIECES];
	unsigned nx, nm, nr;
	bool recording;
} W;

/*
 * An independent PRD walker written from the decisions in bmdma.h, so
 * that the comparison does not rest on bmdma_xfer and bmdma_map sharing
 * code: lazy fetch, bit 0 of both fields masked, count 0 = 64 KiB, EOT
 * drained ends the walk, BMDMA_MAX_PRD entries per Start, a descriptor
 * outside guest memory fails the walk.
 */
struct ref_walk {
	uint64_t next;
	unsigned nprd;
	uint64_t addr;
	uint32_t count;
	bool eot, over, active, error;
};

static int ref_step(struct ref_walk *w, const uint8_t *mem, size_t len,
		    size_t *moved)
{
	size_t done = 0;

	*moved = 0;
	while (done < len) {
		uint32_t n;

		if (!w->count) {
			uint32_t a, c;

			if (w->over)
				return -ENOSPC;
			if (w->nprd == BMDMA_MAX_PRD) {
				w->over = true;
				w->active = false;
				return -ENOSPC;
			}
			if (w->next + 8 > MEM_SIZE) {
				w->over = true;
				w->active = false;
				w->error = true;
				return -EFAULT;
			}
			memcpy(&a, mem + w->next, 4);
			memcpy(&c, mem + w->next + 4, 4);
			w->next += 8;
			w->nprd++;
			w->addr = a & ~1u;
			w->count = (c & 0xfffe) ? (c & 0xfffe) : 0x10000;
			w->eot = c & BMDMA_PRD_EOT;
		}
		n = len - done < w->count ? (uint32_t)(len - done) : w->count;
		assert_true(W.nr < PIECES);
		W.ref[W.nr].gpa = w->addr;
		W.ref[W.nr].len = n;
		W.nr++;
		w->addr += n;
		w->count -= n;
		done += n;
		*moved = done;
		if (!w->count && w->eot) {
			w->over = true;
			w->active = false;
		}
	}
	return 0;
}

/* Records data accesses of bmdma_xfer; descriptor fetches are skipped. */
static int rec_dma_rw(void *opaque, uint64_t gpa, void *buf, size_t len,
		      bool to_guest)
{
	struct fake *f = opaque;
	bool desc = gpa == f->bm.next_prd && len == BMDMA_PRD_SIZE;
	int r = fake_dma_rw(opaque, gpa, buf, len, to_guest);

	if (!r && !desc && W.recording) {
		assert_true(W.nx < PIECES);
		W.xfer[W.nx].gpa = gpa;
		W.xfer[W.nx].len = (uint32_t)len;
		W.nx++;
	}
	return r;
}

static const struct bmdma_ops rec_ops = {.dma_rw = rec_dma_rw};

static uint32_t rng_state;

static uint32_t rng(void)
{
	/* xorshift32: reproducible tables, no libc state. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/*
 * A random table of n entries at `table`; regions inside [0x10000,
 * MEM_SIZE - 0x10000), clear of both table places.
 */
static void random_table(struct fake *f, uint32_t table, unsigned n,
			 bool tiny)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		uint32_t count, addr, w1;
		uint32_t kind = rng() % 8;
		uint8_t *p = f->mem + table + 8 * i;

		if (p + 8 > f->mem + MEM_SIZE)
			break; /* the rest of the table faults */
		if (tiny)
			count = 2 + (rng() % 2) * 2;
		else if (kind == 0)
			count = 0; /* 64 KiB */
		else if (kind == 1)
			count = 1 + (rng() % 4); /* tiny, maybe odd */
		else
			count = rng() % 0x3000;
		addr = 0x10000 + rng() % (MEM_SIZE - 0x30000);
		w1 = count | (rng() % (n + 1) == 0 || i == n - 1 ? BMDMA_PRD_EOT
								   : 0);
		if (tiny || rng() % 16 == 0)
			w1 = count; /* no EOT, even on the last */
		memcpy(p, &addr, 4);
		memcpy(p + 4, &w1, 4);
	}
}

static void same_state(const struct bmdma *a, const struct bmdma *b)
{
	assert_int_equal(a->bmic, b->bmic);
	assert_int_equal(a->bmis, b->bmis);
	assert_int_equal(a->next_prd, b->next_prd);
	assert_int_equal(a->nprd, b->nprd);
	assert_int_equal(a->cur_addr, b->cur_addr);
	assert_int_equal(a->cur_count, b->cur_count);
	assert_int_equal(a->cur_eot, b->cur_eot);
	assert_int_equal(a->table_end, b->table_end);
	assert_memory_equal(&a->stats, &b->stats, sizeof(a->stats));
}

static void test_map_matches_xfer(void **state)
{
	static struct bmdma xb;
	struct fake *f = *state;
	struct ref_walk ref;
	unsigned iter, enospc = 0, efault = 0, ok = 0, batched = 0, cap = 0;

	rng_state = 0x2545f491u;
	for (iter = 0; iter < 3000; iter++) {
		unsigned n = 1 + rng() % 40, max = 1 + rng() % 6, calls = 0;
		/* Now and then a table of tiny regions up to the cap. */
		bool tiny = rng() % 64 == 0;
		/*
		 * The table sits above every region: a walk past the last
		 * entry reads zeros, i.e. 64 KiB at 0, and must not write
		 * over entries it has yet to fetch.
		 */
		uint32_t table = MEM_SIZE - 0x10000;
		bool to_mem = rng() & 1;
		int rx = 0, rm = 0;

		setup(state);
		/* Sometimes the table runs off the end of guest memory. */
		if (rng() % 8 == 0)
			table = MEM_SIZE - 8 * (1 + rng() % (n + 1));
		if (tiny)
			n = BMDMA_MAX_PRD - 2 + rng() % 8;
		random_table(f, table, n, tiny);
		if (rng() % 4 == 0)
			max = SEGS;
		/* The same Start on both walkers. */
		bmdma_init(&f->bm, &rec_ops, f);
		start_at(f, table, to_mem);
		xb = f->bm;
		W.nx = W.nm = W.nr = 0;
		memset(&ref, 0, sizeof(ref));
		ref.next = table;
		ref.active = true;
		/* Transfers split into calls the same way for both. */
		while (!rx && calls++ < 8) {
			size_t len = 2 * (1 + rng() % 0x6000), moved, got = 0;
			size_t rmoved;
			struct bmdma bm_saved;
			int rr;

			/* bmdma_xfer on a copy... */
			bm_saved = f->bm;
			f->bm = xb;
			W.recording = true;
			rx = bmdma_xfer(&f->bm, f->buf, len, to_mem, &moved);
			W.recording = false;
			xb = f->bm;
			f->bm = bm_saved;
			/* ...and bmdma_map in batches of `max` on the other. */
			for (;;) {
				struct bmdma_seg seg[SEGS];
				unsigned k, nseg;
				size_t g;

				rm = bmdma_map(&f->bm, len - got, seg, max,
					       &nseg, &g);
				assert_true(nseg <= max);
				for (k = 0; k < nseg; k++) {
					assert_true(W.nm < PIECES);
					assert_true(seg[k].len > 0 &&
						    seg[k].len <=
							    BMDMA_REGION_MAX);
					W.map[W.nm].gpa = seg[k].gpa;
					W.map[W.nm].len = seg[k].len;
					W.nm++;
				}
				got += g;
				if (rm || got == len)
					break;
				assert_int_equal(nseg, max);
				batched++;
			}
			assert_int_equal(rm, rx);
			assert_int_equal(got, moved);
			/* The reference, on a memory nobody wrote to since. */
			rr = ref_step(&ref, f->mem, len, &rmoved);
			assert_int_equal(rr, rx);
			assert_int_equal(rmoved, moved);
		}
		cap += f->bm.stats.prd_cap;
		if (rx == -ENOSPC)
			enospc++;
		else if (rx == -EFAULT)
			efault++;
		else
			ok++;
		assert_int_equal(W.nm, W.nx);
		assert_memory_equal(W.map, W.xfer, W.nx * sizeof(W.xfer[0]));
		same_state(&f->bm, &xb);
		assert_int_equal(W.nr, W.nx);
		assert_memory_equal(W.ref, W.xfer, W.nx * sizeof(W.xfer[0]));
		assert_int_equal(!!(xb.bmis & BMDMA_ST_ACTIVE), ref.active);
		assert_int_equal(!!(xb.bmis & BMDMA_ST_ERROR), ref.error);
		assert_int_equal(xb.nprd, ref.nprd);
	}
	/* The random tables did reach every outcome. */
	print_message("ok %u, -ENOSPC %u (cap %u), -EFAULT %u, batched %u\n",
		      ok, enospc, cap, efault, batched);
	assert_true(ok > 100 && enospc > 100 && efault > 50 && batched > 100);
	assert_true(cap > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup),
		cmocka_unit_test_setup(test_command_register, setup),
		cmocka_unit_test_setup(test_status_register, setup),
		cmocka_unit_test_setup(test_table_pointer, setup),
		cmocka_unit_test_setup(test_walk_table, setup),
		cmocka_unit_test_setup(test_walk_continues_across_calls, setup),
		cmocka_unit_test_setup(test_restart_rewinds, setup),
		cmocka_unit_test_setup(test_walk_capped, setup),
		cmocka_unit_test_setup(test_table_fault, setup),
		cmocka_unit_test_setup(test_not_started, setup),
		cmocka_unit_test_setup(test_no_ops_fault, setup),
		cmocka_unit_test_setup(test_reset_keeps_stats, setup),
		cmocka_unit_test_setup(test_map_table, setup),
		cmocka_unit_test_setup(test_map_continues, setup),
		cmocka_unit_test_setup(test_map_not_started, setup),
		cmocka_unit_test_setup(test_map_table_fault, setup),
		cmocka_unit_test_setup(test_map_fault_marks_error, setup),
		cmocka_unit_test_setup(test_map_capped, setup),
		cmocka_unit_test_setup(test_map_matches_xfer, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
