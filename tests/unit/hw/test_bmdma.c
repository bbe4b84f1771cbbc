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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
