/* SPDX-License-Identifier: MIT */
/*
 * i440fx unit tests: identity, every PAM segment's mapping and reports,
 * reserved PAM bits, and the SMRAM register with its lock.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/i440fx.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct pam_report {
	uint32_t start, size;
	enum dm_op_mem_type mode;
};

struct fake {
	struct pam_report pam[32];
	unsigned npam;
	bool smram_open;
	unsigned nsmram;
	struct i440fx nb;
};

static void fake_pam_changed(void *opaque, uint32_t start, uint32_t size,
			     enum dm_op_mem_type mode)
{
	struct fake *f = opaque;

	assert_true(f->npam < ARRAY_SIZE(f->pam));
	f->pam[f->npam].start = start;
	f->pam[f->npam].size = size;
	f->pam[f->npam].mode = mode;
	f->npam++;
}

static void fake_smram_changed(void *opaque, bool open)
{
	struct fake *f = opaque;

	assert_true(open != f->smram_open); /* only on a change */
	f->smram_open = open;
	f->nsmram++;
}

static const struct i440fx_ops fake_ops = {
	.pam_changed = fake_pam_changed,
	.smram_changed = fake_smram_changed,
};

static struct fake fake_storage;

static int setup(void **state)
{
	memset(&fake_storage, 0, sizeof(fake_storage));
	i440fx_init(&fake_storage.nb, &fake_ops, &fake_storage);
	*state = &fake_storage;
	return 0;
}

static uint32_t rd(struct fake *f, unsigned off, unsigned size)
{
	uint32_t v;

	assert_int_equal(i440fx_cfg_read(&f->nb, off, size, &v), 0);
	return v;
}

static void wr(struct fake *f, unsigned off, unsigned size, uint32_t val)
{
	assert_int_equal(i440fx_cfg_write(&f->nb, off, size, val), 0);
}

static void test_identity(void **state)
{
	struct fake *f = *state;
	uint32_t v;

	assert_int_equal(rd(f, 0x00, 4), 0x12378086);
	assert_int_equal(rd(f, 0x04, 4), 0x02800006);
	assert_int_equal(rd(f, 0x08, 4), 0x06000002);
	assert_int_equal(rd(f, 0x0c, 4), 0x00000000); /* header type 0 */
	assert_int_equal(rd(f, 0x10, 4), 0);	       /* no BARs */
	assert_int_equal(rd(f, 0x2c, 4), 0x11001af4); /* SeaBIOS: QEMU */
	wr(f, 0x10, 4, 0xffffffff);
	assert_int_equal(rd(f, 0x10, 4), 0);
	wr(f, 0x00, 4, 0);
	assert_int_equal(rd(f, 0x00, 4), 0x12378086);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), I440FX_SMRAM_DEFAULT);
	assert_int_equal(rd(f, 0x58, 4), 0); /* DRAMT, PAM0-2 */
	assert_int_equal(i440fx_cfg_read(&f->nb, 0x59, 4, &v), -EINVAL);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(i440fx_cfg_write(&f->nb, 0x5f, 2, 0x3333), -EINVAL);
	assert_int_equal(f->npam, 0);
	assert_int_equal(f->nsmram, 0);
	/* Unmodelled registers: storage. */
	wr(f, 0x50, 1, 0x80);
	wr(f, 0x60, 4, 0x08040201);
	assert_int_equal(rd(f, 0x50, 1), 0x80);
	assert_int_equal(rd(f, 0x60, 4), 0x08040201);
}

static void test_every_pam_segment(void **state)
{
	static const struct {
		unsigned reg, shift;
		uint32_t start, size;
	} segs[] = {
		{0x59, 4, 0xf0000, 0x10000}, {0x5a, 0, 0xc0000, 0x4000},
		{0x5a, 4, 0xc4000, 0x4000},  {0x5b, 0, 0xc8000, 0x4000},
		{0x5b, 4, 0xcc000, 0x4000},  {0x5c, 0, 0xd0000, 0x4000},
		{0x5c, 4, 0xd4000, 0x4000},  {0x5d, 0, 0xd8000, 0x4000},
		{0x5d, 4, 0xdc000, 0x4000},  {0x5e, 0, 0xe0000, 0x4000},
		{0x5e, 4, 0xe4000, 0x4000},  {0x5f, 0, 0xe8000, 0x4000},
		{0x5f, 4, 0xec000, 0x4000},
	};
	static const enum dm_op_mem_type modes[] = {
		DM_OP_MEM_ROM, DM_OP_MEM_WRITE, DM_OP_MEM_RAM, DM_OP_MEM_BUS};
	struct fake *f = *state;
	size_t i, m;

	assert_int_equal(ARRAY_SIZE(segs), I440FX_PAM_SEGMENTS);
	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		uint32_t start, size;

		assert_int_equal(i440fx_pam_segment(&f->nb, (unsigned)i, &start,
						    &size),
				 DM_OP_MEM_BUS);
		assert_int_equal(start, segs[i].start);
		assert_int_equal(size, segs[i].size);
		for (m = 0; m < ARRAY_SIZE(modes); m++) {
			unsigned n = f->npam;

			/* A byte write that leaves the other nibble alone. */
			uint8_t old = (uint8_t)rd(f, segs[i].reg, 1);
			uint8_t val = (uint8_t)((old & ~(0xfu << segs[i].shift)) |
						modes[m] << segs[i].shift);

			wr(f, segs[i].reg, 1, val);
			assert_int_equal(f->npam, n + 1);
			assert_int_equal(f->pam[n].start, segs[i].start);
			assert_int_equal(f->pam[n].size, segs[i].size);
			assert_int_equal(f->pam[n].mode, modes[m]);
			assert_int_equal(i440fx_pam_segment(&f->nb, (unsigned)i,
							    NULL, NULL),
					 modes[m]);
			f->npam = 0;
		}
	}
	assert_int_equal(i440fx_pam_segment(&f->nb, 13, NULL, NULL), -EINVAL);
}

static void test_pam_dword_and_reserved_bits(void **state)
{
	struct fake *f = *state;
	unsigned i;

	/* SeaBIOS' shadowing: PAM0 = 0x30, PAM1-6 = 0x33, by dwords. */
	wr(f, 0x58, 4, 0x33333000);
	wr(f, 0x5c, 4, 0x33333333);
	assert_int_equal(f->npam, 13);
	for (i = 0; i < 13; i++)
		assert_int_equal(f->pam[i].mode, DM_OP_MEM_RAM);
	/* Reports come in segment order: F segment first. */
	assert_int_equal(f->pam[0].start, 0xf0000);
	assert_int_equal(f->pam[1].start, 0xc0000);
	assert_int_equal(f->pam[12].start, 0xec000);
	/* Same values again: nothing to report. */
	f->npam = 0;
	wr(f, 0x58, 4, 0x33333000);
	assert_int_equal(f->npam, 0);
	/* Reserved bits (CE and bit 3, PAM0 low nibble) read 0. */
	wr(f, 0x59, 1, 0xff);
	wr(f, 0x5a, 1, 0xcc);
	assert_int_equal(rd(f, 0x59, 1), 0x30);
	assert_int_equal(rd(f, 0x5a, 1), 0x00);
	assert_int_equal(f->npam, 2); /* C0000 and C4000 went to PCI */
	/* Back to read-only for F segment after the shadow copy. */
	f->npam = 0;
	wr(f, 0x59, 1, 0x10);
	assert_int_equal(f->npam, 1);
	assert_int_equal(f->pam[0].start, 0xf0000);
	assert_int_equal(f->pam[0].mode, DM_OP_MEM_ROM);
}

static void test_smram_open_close(void **state)
{
	struct fake *f = *state;

	/* D_OPEN without G_SMRAME: SMRAM is off, the window stays PCI. */
	wr(f, I440FX_SMRAM, 1, I440FX_SMRAM_D_OPEN);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x42);
	assert_int_equal(f->nsmram, 0);
	assert_false(i440fx_smram_open(&f->nb));
	/* Both: non-SMM code sees SMRAM. */
	wr(f, I440FX_SMRAM, 1, I440FX_SMRAM_D_OPEN | I440FX_SMRAM_G_SMRAME);
	assert_int_equal(f->nsmram, 1);
	assert_true(f->smram_open);
	assert_true(i440fx_smram_open(&f->nb));
	/* C_BASE_SEG is hardwired. */
	wr(f, I440FX_SMRAM, 1, 0x4f);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x4a);
	assert_int_equal(f->nsmram, 1);
	/* Closing. */
	wr(f, I440FX_SMRAM, 1, I440FX_SMRAM_G_SMRAME);
	assert_int_equal(f->nsmram, 2);
	assert_false(f->smram_open);
	/* Bit 7 is reserved. */
	wr(f, I440FX_SMRAM, 1, 0x80);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x02);
}

static void test_smram_lock(void **state)
{
	struct fake *f = *state;

	wr(f, I440FX_SMRAM, 1, I440FX_SMRAM_D_OPEN | I440FX_SMRAM_G_SMRAME);
	assert_true(f->smram_open);
	/* Locking closes SMRAM even though D_OPEN is written as 1. */
	wr(f, I440FX_SMRAM, 1,
	   I440FX_SMRAM_D_OPEN | I440FX_SMRAM_G_SMRAME | I440FX_SMRAM_D_LCK);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x1a);
	assert_false(f->smram_open);
	assert_int_equal(f->nsmram, 2);
	/* Locked: D_OPEN cannot be set, G_SMRAME and D_LCK cannot be cleared. */
	wr(f, I440FX_SMRAM, 1, I440FX_SMRAM_D_OPEN | I440FX_SMRAM_G_SMRAME);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x1a);
	wr(f, I440FX_SMRAM, 1, 0);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x1a);
	/* ...through a dword write at 0x70 as well. */
	wr(f, 0x70, 4, 0xff40ffff);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x1a);
	assert_int_equal(rd(f, 0x70, 2), 0xffff); /* MTT, CLT: storage */
	/* D_CLS stays writable. */
	wr(f, I440FX_SMRAM, 1, I440FX_SMRAM_D_CLS);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x3a);
	wr(f, I440FX_SMRAM, 1, 0);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x1a);
	assert_int_equal(f->nsmram, 2);
	assert_false(i440fx_smram_open(&f->nb));
	/* Only a reset (re-init) unlocks. */
	i440fx_init(&f->nb, &fake_ops, f);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x02);
}

static void test_lock_without_smrame(void **state)
{
	struct fake *f = *state;

	/* Locking with SMRAM disabled keeps it disabled for good. */
	wr(f, I440FX_SMRAM, 1, I440FX_SMRAM_D_LCK);
	wr(f, I440FX_SMRAM, 1, I440FX_SMRAM_G_SMRAME | I440FX_SMRAM_D_OPEN);
	assert_int_equal(rd(f, I440FX_SMRAM, 1), 0x12);
	assert_int_equal(f->nsmram, 0);
}

static void test_no_ops(void **state)
{
	struct i440fx nb;

	(void)state;
	i440fx_init(&nb, NULL, NULL);
	assert_int_equal(i440fx_cfg_write(&nb, 0x58, 4, 0x33333000), 0);
	assert_int_equal(i440fx_cfg_write(&nb, 0x72, 1, 0x48), 0);
	assert_true(i440fx_smram_open(&nb));
	assert_int_equal(i440fx_pam_segment(&nb, 0, NULL, NULL), DM_OP_MEM_RAM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_identity, setup),
		cmocka_unit_test_setup(test_every_pam_segment, setup),
		cmocka_unit_test_setup(test_pam_dword_and_reserved_bits, setup),
		cmocka_unit_test_setup(test_smram_open_close, setup),
		cmocka_unit_test_setup(test_smram_lock, setup),
		cmocka_unit_test_setup(test_lock_without_smrame, setup),
		cmocka_unit_test(test_no_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
