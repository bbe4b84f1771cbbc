/* SPDX-License-Identifier: MIT */
/*
 * pci_cfg unit tests: masks, read-only fields, sub-dword accesses, BAR
 * sizing and the decode reports the DM relies on.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/pci_cfg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct report {
	unsigned bar;
	uint64_t addr;
	bool enabled;
};

struct fake {
	struct report log[16];
	unsigned n;
	struct pci_cfg pci;
};

static void fake_bar_changed(void *opaque, unsigned bar, uint64_t addr,
			     bool enabled)
{
	struct fake *f = opaque;

	assert_true(f->n < ARRAY_SIZE(f->log));
	f->log[f->n].bar = bar;
	f->log[f->n].addr = addr;
	f->log[f->n].enabled = enabled;
	f->n++;
}

static const struct pci_cfg_ops fake_ops = {.bar_changed = fake_bar_changed};

static struct fake fake_storage;

/* A device like PIIX3 IDE: BAR0 8 ports, BAR4 16 ports, BAR5 4 KiB MMIO. */
static int setup(void **state)
{
	struct fake *f = &fake_storage;

	memset(f, 0, sizeof(*f));
	pci_cfg_init(&f->pci, &fake_ops, f);
	pci_cfg_set_id(&f->pci, 0x8086, 0x7010);
	pci_cfg_set_class(&f->pci, 0x010180, 0x00);
	pci_cfg_set_subsystem(&f->pci, 0x1af4, 0x1100);
	pci_cfg_set_int_pin(&f->pci, 1);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 0, PCI_CFG_BAR_IO, 8), 0);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 4, PCI_CFG_BAR_IO, 16), 0);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 5, PCI_CFG_BAR_MEM32, 4096),
			 0);
	assert_int_equal(
		pci_cfg_add_bar(&f->pci, 2, PCI_CFG_BAR_MEM32_PREFETCH, 1 << 20),
		0);
	*state = f;
	return 0;
}

static uint32_t rd(struct fake *f, unsigned off, unsigned size)
{
	uint32_t v = 0x12345678;

	assert_int_equal(pci_cfg_read(&f->pci, off, size, &v), 0);
	return v;
}

static void wr(struct fake *f, unsigned off, unsigned size, uint32_t val)
{
	assert_int_equal(pci_cfg_write(&f->pci, off, size, val), 0);
}

static void test_ids_and_readonly(void **state)
{
	struct fake *f = *state;
	unsigned off;

	assert_int_equal(rd(f, 0, 4), 0x70108086);
	assert_int_equal(rd(f, PCI_CFG_REVISION, 4), 0x01018000);
	assert_int_equal(rd(f, PCI_CFG_CLASS_PROG, 1), 0x80);
	assert_int_equal(rd(f, 0x2c, 4), 0x11001af4);
	assert_int_equal(rd(f, PCI_CFG_INT_PIN, 1), 1);
	assert_int_equal(rd(f, PCI_CFG_HEADER_TYPE, 1), 0);
	/* Nothing read-only moves, whatever the guest writes. */
	for (off = 0; off < PCI_CFG_SIZE; off += 4) {
		uint32_t before = rd(f, off, 4);

		if (off == PCI_CFG_COMMAND || off == PCI_CFG_CACHE_LINE ||
		    (off >= 0x10 && off < 0x28) || off == PCI_CFG_INT_LINE)
			continue;
		wr(f, off, 4, 0xffffffff);
		wr(f, off, 4, 0);
		assert_int_equal(rd(f, off, 4), before);
	}
	assert_int_equal(f->n, 0);
}

static void test_writable_fields(void **state)
{
	struct fake *f = *state;

	wr(f, PCI_CFG_COMMAND, 2, 0xffff);
	assert_int_equal(rd(f, PCI_CFG_COMMAND, 2), 0x0547);
	wr(f, PCI_CFG_COMMAND, 2, 0);
	wr(f, PCI_CFG_CACHE_LINE, 1, 0x10);
	wr(f, PCI_CFG_LATENCY, 1, 0x40);
	assert_int_equal(rd(f, PCI_CFG_CACHE_LINE, 2), 0x4010);
	wr(f, PCI_CFG_INT_LINE, 2, 0xff0b); /* the pin byte is read-only */
	assert_int_equal(rd(f, PCI_CFG_INT_LINE, 2), 0x010b);
}

static void test_status_w1c(void **state)
{
	struct fake *f = *state;

	/* The device reports errors; the guest clears the ones it writes. */
	pci_cfg_set16(&f->pci, PCI_CFG_STATUS,
		      PCI_CFG_STS_RTA | PCI_CFG_STS_RMA |
			      PCI_CFG_STS_DEVSEL_MED | PCI_CFG_STS_INTX);
	wr(f, PCI_CFG_STATUS, 2, PCI_CFG_STS_RTA | PCI_CFG_STS_INTX | 0x0200);
	assert_int_equal(rd(f, PCI_CFG_STATUS, 2),
			 PCI_CFG_STS_RMA | PCI_CFG_STS_DEVSEL_MED |
				 PCI_CFG_STS_INTX);
	/* A dword write at 0x04: command and status at once. */
	wr(f, PCI_CFG_COMMAND, 4, (uint32_t)PCI_CFG_STS_RMA << 16 | 0x0004);
	assert_int_equal(rd(f, PCI_CFG_COMMAND, 4),
			 (uint32_t)(PCI_CFG_STS_DEVSEL_MED | PCI_CFG_STS_INTX)
					 << 16 |
				 0x0004);
	/* Writing 0 clears nothing. */
	wr(f, PCI_CFG_STATUS + 1, 1, 0);
	assert_int_equal(rd(f, PCI_CFG_STATUS + 1, 1), 0x02);
}

static void test_unaligned_and_bad_accesses(void **state)
{
	struct fake *f = *state;
	uint32_t v;

	/* Every byte and word view of the ID dword agrees with the dword. */
	assert_int_equal(rd(f, 1, 1), 0x80);
	assert_int_equal(rd(f, 1, 2), 0x1080);
	assert_int_equal(rd(f, 2, 2), 0x7010);
	assert_int_equal(rd(f, 3, 1), 0x70);
	/* A word write at offset 3 is inside a dword? No: 3 + 2 > 4. */
	assert_int_equal(pci_cfg_read(&f->pci, 3, 2, &v), -EINVAL);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(pci_cfg_read(&f->pci, 2, 4, &v), -EINVAL);
	assert_int_equal(pci_cfg_read(&f->pci, 0, 3, &v), -EINVAL);
	assert_int_equal(pci_cfg_read(&f->pci, 0, 0, &v), -EINVAL);
	assert_int_equal(pci_cfg_read(&f->pci, 256, 1, &v), -EINVAL);
	assert_int_equal(pci_cfg_read(&f->pci, 0xffffffffu, 4, &v), -EINVAL);
	assert_int_equal(pci_cfg_read(&f->pci, 255, 1, &v), 0);
	assert_int_equal(pci_cfg_write(&f->pci, 0x3d, 4, 0xffffffff), -EINVAL);
	assert_int_equal(pci_cfg_write(&f->pci, 0x3c, 8, 0xffffffff), -EINVAL);
	assert_int_equal(pci_cfg_write(&f->pci, 1024, 1, 0xff), -EINVAL);
	assert_int_equal(rd(f, PCI_CFG_INT_LINE, 1), 0);
	/* A byte write to the high byte of the command register. */
	wr(f, PCI_CFG_COMMAND + 1, 1, 0xff);
	assert_int_equal(rd(f, PCI_CFG_COMMAND, 2), 0x0500);
	/* A word write at offset 0x3c+1 touches the pin (RO) and 0x3e. */
	wr(f, 0x3d, 2, 0xffff);
	assert_int_equal(rd(f, 0x3c, 4), 0x00000100);
}

static void test_bar_sizing(void **state)
{
	static const struct {
		unsigned bar;
		uint32_t sized, size;
	} cases[] = {
		{0, 0xfffffff9, 8}, /* 8 ports: I/O bit set, bit 1 reserved */
		{1, 0x00000000, 0}, /* not implemented */
		{2, 0xfff00008, 1 << 20}, /* 1 MiB prefetchable */
		{3, 0x00000000, 0},
		{4, 0xfffffff1, 16},	  /* 16 ports */
		{5, 0xfffff000, 4096},	  /* 4 KiB memory */
	};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned off = PCI_CFG_BAR0 + 4 * cases[i].bar;
		uint32_t low = rd(f, off, 4);

		wr(f, off, 4, 0xffffffff);
		assert_int_equal(rd(f, off, 4), cases[i].sized);
		/* What a guest computes: ~(address bits) + 1. */
		if (cases[i].sized) {
			uint32_t bits = cases[i].sized &
					((cases[i].sized & 1) ? ~3u : ~15u);

			assert_int_equal(~bits + 1, cases[i].size);
		}
		assert_int_equal(pci_cfg_bar_size(&f->pci, cases[i].bar),
				 cases[i].size);
		wr(f, off, 4, low);
		assert_int_equal(rd(f, off, 4), low);
	}
	assert_int_equal(pci_cfg_bar_size(&f->pci, 6), 0);
	/* Decoding is off in the command register: nothing reported. */
	assert_int_equal(f->n, 0);
}

static void test_bar_add_errors(void **state)
{
	struct fake *f = *state;

	assert_int_equal(pci_cfg_add_bar(&f->pci, 6, PCI_CFG_BAR_IO, 8),
			 -EINVAL);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 1, PCI_CFG_BAR_IO, 12),
			 -EINVAL);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 1, PCI_CFG_BAR_IO, 2),
			 -EINVAL);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 1, PCI_CFG_BAR_IO, 512),
			 -EINVAL);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 1, PCI_CFG_BAR_MEM32, 8),
			 -EINVAL);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 1, PCI_CFG_BAR_MEM32, 0),
			 -EINVAL);
	assert_int_equal(pci_cfg_add_bar(&f->pci, 1, (enum pci_cfg_bar_kind)9,
					 16),
			 -EINVAL);
	assert_int_equal(pci_cfg_init_reg(&f->pci, 0xfe, 4, 0, 0, 0), -EINVAL);
	assert_int_equal(pci_cfg_init_reg(&f->pci, 0x40, 3, 0, 0, 0), -EINVAL);
	assert_int_equal(pci_cfg_bar_size(&f->pci, 1), 0);
}

static void test_bar_decode_reports(void **state)
{
	struct fake *f = *state;
	uint64_t addr;

	wr(f, PCI_CFG_BAR0, 4, 0xc000);
	wr(f, PCI_CFG_BAR0 + 16, 4, 0xc010);
	wr(f, PCI_CFG_BAR0 + 20, 4, 0xfebf0000);
	assert_int_equal(f->n, 0);
	assert_false(pci_cfg_bar_mapped(&f->pci, 0, &addr));

	/* IO enable maps the two I/O BARs, in BAR order. */
	wr(f, PCI_CFG_COMMAND, 2, PCI_CFG_CMD_IO);
	assert_int_equal(f->n, 2);
	assert_int_equal(f->log[0].bar, 0);
	assert_int_equal(f->log[0].addr, 0xc000);
	assert_true(f->log[0].enabled);
	assert_int_equal(f->log[1].bar, 4);
	assert_int_equal(f->log[1].addr, 0xc010);
	assert_true(pci_cfg_bar_mapped(&f->pci, 4, &addr));
	assert_int_equal(addr, 0xc010);

	/* MEM enable maps BAR5; BAR2 still at 0 stays off. */
	wr(f, PCI_CFG_COMMAND, 1, PCI_CFG_CMD_IO | PCI_CFG_CMD_MEM);
	assert_int_equal(f->n, 3);
	assert_int_equal(f->log[2].bar, 5);
	assert_int_equal(f->log[2].addr, 0xfebf0000);
	assert_false(pci_cfg_bar_mapped(&f->pci, 2, NULL));

	/* Moving a BAR: unmap old, map new. A byte write moves it too. */
	wr(f, PCI_CFG_BAR0 + 1, 1, 0xd0);
	assert_int_equal(f->n, 5);
	assert_false(f->log[3].enabled);
	assert_int_equal(f->log[3].addr, 0xc000);
	assert_true(f->log[4].enabled);
	assert_int_equal(f->log[4].addr, 0xd000);

	/* Rewriting the same address reports nothing. */
	wr(f, PCI_CFG_BAR0, 4, 0xd000);
	assert_int_equal(f->n, 5);

	/* Sizing while enabled: the all-ones pattern does not decode. */
	wr(f, PCI_CFG_BAR0 + 20, 4, 0xffffffff);
	assert_int_equal(f->n, 6);
	assert_false(f->log[5].enabled);
	assert_int_equal(f->log[5].addr, 0xfebf0000);
	wr(f, PCI_CFG_BAR0 + 20, 4, 0xfebf0000);
	assert_int_equal(f->n, 7);
	assert_true(f->log[6].enabled);

	/* An I/O BAR past 64 KiB does not decode; at the very end it does. */
	wr(f, PCI_CFG_BAR0, 4, 0x10000);
	assert_int_equal(f->n, 8);
	assert_false(f->log[7].enabled);
	wr(f, PCI_CFG_BAR0, 4, 0xfff8);
	assert_int_equal(f->n, 9);
	assert_true(f->log[8].enabled);
	assert_int_equal(f->log[8].addr, 0xfff8);

	/* Address bits below the size are read-only 0. */
	wr(f, PCI_CFG_BAR0 + 16, 4, 0xc01f);
	assert_int_equal(rd(f, PCI_CFG_BAR0 + 16, 4), 0xc011);
	assert_int_equal(f->n, 9);

	/* Command off: everything unmapped. */
	wr(f, PCI_CFG_COMMAND, 2, 0);
	assert_int_equal(f->n, 12);
	assert_false(f->log[9].enabled || f->log[10].enabled ||
		     f->log[11].enabled);
	assert_false(pci_cfg_bar_mapped(&f->pci, 0, NULL));
	assert_false(pci_cfg_bar_mapped(&f->pci, 9, NULL));
}

static void test_init_reg_masks(void **state)
{
	struct fake *f = *state;

	/* A register with RW, W1C and RO bits. */
	assert_int_equal(pci_cfg_init_reg(&f->pci, 0x40, 2, 0x0f30, 0x00ff,
					  0x0f00),
			 0);
	wr(f, 0x40, 2, 0x05aa);
	assert_int_equal(rd(f, 0x40, 2), 0x0aaa);
	/* A bit in both masks is write-1-to-clear only. */
	assert_int_equal(pci_cfg_init_reg(&f->pci, 0x44, 1, 0x01, 0x01, 0x01),
			 0);
	wr(f, 0x44, 1, 0x00);
	assert_int_equal(rd(f, 0x44, 1), 0x01);
	wr(f, 0x44, 1, 0x01);
	assert_int_equal(rd(f, 0x44, 1), 0x00);
	wr(f, 0x44, 1, 0x01);
	assert_int_equal(rd(f, 0x44, 1), 0x00);
	/* Host-side accessors bypass the masks. */
	pci_cfg_set32(&f->pci, 0x48, 0xdeadbeef);
	assert_int_equal(pci_cfg_get32(&f->pci, 0x48), 0xdeadbeef);
	assert_int_equal(pci_cfg_get16(&f->pci, 0x4a), 0xdead);
	assert_int_equal(pci_cfg_get8(&f->pci, 300), 0);
	pci_cfg_set32(&f->pci, 0xfe, 0x11223344); /* clipped at the end */
	assert_int_equal(pci_cfg_get16(&f->pci, 0xfe), 0x3344);
	pci_cfg_set_multifunction(&f->pci, true);
	assert_int_equal(rd(f, PCI_CFG_HEADER_TYPE, 1), 0x80);
	pci_cfg_set_multifunction(&f->pci, false);
	assert_int_equal(rd(f, PCI_CFG_HEADER_TYPE, 1), 0x00);
}

static void test_no_ops(void **state)
{
	struct pci_cfg pci;

	(void)state;
	pci_cfg_init(&pci, NULL, NULL);
	assert_int_equal(pci_cfg_add_bar(&pci, 0, PCI_CFG_BAR_IO, 4), 0);
	assert_int_equal(pci_cfg_write(&pci, PCI_CFG_BAR0, 4, 0x1000), 0);
	assert_int_equal(pci_cfg_write(&pci, PCI_CFG_COMMAND, 2, 1), 0);
	assert_true(pci_cfg_bar_mapped(&pci, 0, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ids_and_readonly, setup),
		cmocka_unit_test_setup(test_writable_fields, setup),
		cmocka_unit_test_setup(test_status_w1c, setup),
		cmocka_unit_test_setup(test_unaligned_and_bad_accesses, setup),
		cmocka_unit_test_setup(test_bar_sizing, setup),
		cmocka_unit_test_setup(test_bar_add_errors, setup),
		cmocka_unit_test_setup(test_bar_decode_reports, setup),
		cmocka_unit_test_setup(test_init_reg_masks, setup),
		cmocka_unit_test(test_no_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
