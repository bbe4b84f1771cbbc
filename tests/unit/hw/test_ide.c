/* SPDX-License-Identifier: MIT */
/*
 * IDE channel unit tests: registers, drive selection, absent drives, the
 * interrupt line, SRST and EXECUTE DEVICE DIAGNOSTIC, data port widths,
 * against a fake interrupt line and in-memory backends.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/ata.h"
#include "dm/hw/atapi.h"
#include "dm/hw/ide.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define DISK_SECTORS 256u

struct fake {
	struct ide_channel ch;
	int level;
	unsigned changes, redundant;
	unsigned reads;
	uint8_t disk[DISK_SECTORS * IDE_SECTOR_SIZE];
};

static struct fake F;

static void fake_set_irq(void *opaque, int level)
{
	struct fake *f = opaque;

	if (level == f->level)
		f->redundant++;
	f->level = level;
	f->changes++;
}

static int fake_dma_rw(void *opaque, uint64_t gpa, void *buf, size_t len,
		       bool to_guest)
{
	(void)opaque;
	(void)gpa;
	(void)buf;
	(void)len;
	(void)to_guest;
	return -EFAULT;
}

static int fake_read(void *o, uint64_t lba, void *buf, unsigned nsec)
{
	struct fake *f = o;

	assert_true(nsec > 0 && lba + nsec <= DISK_SECTORS);
	memcpy(buf, f->disk + lba * IDE_SECTOR_SIZE,
	       (size_t)nsec * IDE_SECTOR_SIZE);
	f->reads++;
	return 0;
}

static const struct ide_ops fake_ops = {
	.set_irq = fake_set_irq,
	.dma_rw = fake_dma_rw,
};

static const struct ide_backend_ops fake_be = {.read = fake_read};

/* Fixtures: which drives sit on the channel. */
static int setup_empty(void **state)
{
	memset(&F, 0, sizeof(F));
	ide_init(&F.ch, &fake_ops, &F);
	*state = &F;
	return 0;
}

static int setup_ata(void **state)
{
	unsigned i;

	setup_empty(state);
	for (i = 0; i < sizeof(F.disk); i++)
		F.disk[i] = (uint8_t)(i * 13 + i / 512);
	assert_int_equal(ide_attach_ata(&F.ch, 0, &fake_be, &F, DISK_SECTORS,
					"TEST DISK", "SERIAL0"),
			 0);
	return 0;
}

static int setup_pair(void **state)
{
	setup_ata(state);
	assert_int_equal(ide_attach_atapi(&F.ch, 1, &fake_be, &F, 0, NULL,
					  NULL),
			 0);
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	assert_int_equal(f->redundant, 0);
	assert_int_equal(f->ch.irq_level, f->level);
	return 0;
}

static uint8_t rd(struct fake *f, unsigned off)
{
	return (uint8_t)ide_read(&f->ch, off, 1);
}

static void wr(struct fake *f, unsigned off, uint8_t v)
{
	ide_write(&f->ch, off, 1, v);
}

static void sel(struct fake *f, unsigned unit)
{
	wr(f, IDE_REG_DEVICE, (uint8_t)(0xa0 | (unit ? IDE_DEV_DEV : 0)));
}

static uint8_t alt(struct fake *f)
{
	return ide_ctl_read(&f->ch, IDE_REG_CTL);
}

static void test_empty_channel(void **state)
{
	struct fake *f = *state;
	unsigned off;

	for (off = 1; off < 8; off++)
		assert_int_equal(rd(f, off), IDE_FLOAT8);
	assert_int_equal(alt(f), IDE_FLOAT8);
	assert_int_equal(ide_read(&f->ch, 0, 2), IDE_FLOAT16);
	assert_int_equal(ide_read(&f->ch, 0, 4), 0xff7fff7fu);
	assert_int_equal(ide_read(&f->ch, 0, 1), 0x7f);
	/* Writes latch nowhere visible; commands do nothing. */
	wr(f, IDE_REG_NSECTOR, 0x55);
	sel(f, 1);
	wr(f, IDE_REG_COMMAND, ATA_CMD_IDENTIFY);
	wr(f, IDE_REG_COMMAND, ATA_CMD_EXECUTE_DIAGNOSTIC);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), IDE_FLOAT8);
	assert_int_equal(rd(f, IDE_REG_STATUS), IDE_FLOAT8);
	assert_int_equal(f->changes, 0);
}

static void test_signatures(void **state)
{
	static const struct {
		unsigned unit;
		uint8_t nsector, lbal, lbam, lbah, status;
	} sig[] = {
		{0, 1, 1, 0x00, 0x00, IDE_ST_DRDY | IDE_ST_DSC},
		{1, 1, 1, 0x14, 0xeb, 0x00},
	};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sig); i++) {
		sel(f, sig[i].unit);
		assert_int_equal(rd(f, IDE_REG_ERROR), 0x01);
		assert_int_equal(rd(f, IDE_REG_NSECTOR), sig[i].nsector);
		assert_int_equal(rd(f, IDE_REG_LBAL), sig[i].lbal);
		assert_int_equal(rd(f, IDE_REG_LBAM), sig[i].lbam);
		assert_int_equal(rd(f, IDE_REG_LBAH), sig[i].lbah);
		assert_int_equal(rd(f, IDE_REG_STATUS), sig[i].status);
		assert_int_equal(alt(f), sig[i].status);
	}
	assert_int_equal(f->changes, 0);
}

/* Device 1 absent: device 0 answers Status 00h, registers read back. */
static void test_absent_device1(void **state)
{
	struct fake *f = *state;

	sel(f, 1);
	assert_int_equal(rd(f, IDE_REG_DEVICE), 0xb0);
	wr(f, IDE_REG_NSECTOR, 0x55);
	wr(f, IDE_REG_LBAL, 0xaa);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), 0x55);
	assert_int_equal(rd(f, IDE_REG_LBAL), 0xaa);
	assert_int_equal(rd(f, IDE_REG_STATUS), 0x00);
	assert_int_equal(alt(f), 0x00);
	assert_int_equal(ide_read(&f->ch, 0, 2), IDE_FLOAT16);
	/* Commands to it are ignored: no DRQ, no interrupt. */
	wr(f, IDE_REG_COMMAND, ATA_CMD_IDENTIFY);
	assert_int_equal(rd(f, IDE_REG_STATUS), 0x00);
	assert_int_equal(f->changes, 0);
	/* Device 0 latched the same writes and is untouched otherwise. */
	sel(f, 0);
	assert_int_equal(rd(f, IDE_REG_DEVICE), 0xa0);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), 0x55);
	assert_int_equal(rd(f, IDE_REG_STATUS), IDE_ST_DRDY | IDE_ST_DSC);
}

static void test_hob_and_device_register(void **state)
{
	struct fake *f = *state;
	static const unsigned regs[] = {IDE_REG_NSECTOR, IDE_REG_LBAL,
					IDE_REG_LBAM, IDE_REG_LBAH};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		wr(f, regs[i], (uint8_t)(0x10 + i)); /* previous: high order */
		wr(f, regs[i], (uint8_t)(0x20 + i));
	}
	ide_ctl_write(&f->ch, IDE_REG_CTL, IDE_CTL_HOB);
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		assert_int_equal(rd(f, regs[i]), 0x10 + i);
	assert_int_equal(f->ch.drive[0].tf.device & 0xa0, 0);
	/* Any command block write clears HOB. */
	wr(f, IDE_REG_FEATURE, 0);
	assert_int_equal(f->ch.devctl & IDE_CTL_HOB, 0);
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		assert_int_equal(rd(f, regs[i]), 0x20 + i);
	/* Obsolete bits 7 and 5 read as one, whatever was written. */
	wr(f, IDE_REG_DEVICE, 0x4f);
	assert_int_equal(rd(f, IDE_REG_DEVICE), 0xef);
	wr(f, IDE_REG_DEVICE, 0x00);
	assert_int_equal(rd(f, IDE_REG_DEVICE), 0xa0);
}

static void test_wide_register_access(void **state)
{
	struct fake *f = *state;

	ide_write(&f->ch, IDE_REG_LBAM, 2, 0xbeef);
	assert_int_equal(rd(f, IDE_REG_LBAM), 0xef);
	assert_int_equal(rd(f, IDE_REG_LBAH), 0xbe);
	ide_write(&f->ch, IDE_REG_NSECTOR, 4, 0x44332211u);
	assert_int_equal(ide_read(&f->ch, IDE_REG_NSECTOR, 4), 0x44332211u);
	assert_int_equal(ide_read(&f->ch, 7, 2), 0xff50); /* 8 is outside */
	assert_int_equal(ide_read(&f->ch, 8, 1), 0xff);
	assert_int_equal(ide_read(&f->ch, 1, 3), 0xffffffffu);
	assert_int_equal(ide_ctl_read(&f->ch, 1), 0xff);
	ide_write(&f->ch, 9, 1, 0x12); /* ignored */
	ide_ctl_write(&f->ch, 1, IDE_CTL_SRST);
	assert_int_equal(alt(f), IDE_ST_DRDY | IDE_ST_DSC);
}

/* IDENTIFY is a handy command that interrupts with DRQ. */
static void identify(struct fake *f)
{
	wr(f, IDE_REG_COMMAND, ATA_CMD_IDENTIFY);
}

static void drain(struct fake *f, unsigned words)
{
	while (words--)
		ide_read(&f->ch, 0, 2);
}

static void test_irq_status_rules(void **state)
{
	struct fake *f = *state;

	identify(f);
	assert_int_equal(f->level, 1);
	assert_int_equal(alt(f), IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ);
	assert_int_equal(f->level, 1); /* Alternate Status leaves it */
	assert_true(f->ch.bm.bmis & BMDMA_ST_INTR);
	assert_int_equal(rd(f, IDE_REG_STATUS),
			 IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ);
	assert_int_equal(f->level, 0); /* Status clears it */
	drain(f, 256);
	assert_int_equal(alt(f), IDE_ST_DRDY | IDE_ST_DSC);
	assert_int_equal(f->level, 0); /* PIO data-in ends silently */
	/* Writing a command clears a pending interrupt too. */
	identify(f);
	assert_int_equal(f->level, 1);
	wr(f, IDE_REG_COMMAND, ATA_CMD_SET_MULTIPLE);
	assert_int_equal(f->changes, 5); /* dropped, then raised again */
	assert_int_equal(f->level, 1);
	assert_int_equal(f->ch.drive[0].pio, IDE_PIO_NONE);
}

static void test_irq_nien(void **state)
{
	struct fake *f = *state;

	ide_write(&f->ch, 0, 0, 0); /* bad size: ignored */
	f->ch.bm.bmis = 0;
	ide_ctl_write(&f->ch, IDE_REG_CTL, IDE_CTL_NIEN);
	identify(f);
	assert_int_equal(f->level, 0);
	assert_int_equal(f->ch.bm.bmis & BMDMA_ST_INTR, 0);
	assert_true(f->ch.drive[0].irq_pending);
	/* Enabling again asserts the pending interrupt. */
	ide_ctl_write(&f->ch, IDE_REG_CTL, 0);
	assert_int_equal(f->level, 1);
	assert_true(f->ch.bm.bmis & BMDMA_ST_INTR);
	rd(f, IDE_REG_STATUS);
	assert_int_equal(f->level, 0);
	ide_ctl_write(&f->ch, IDE_REG_CTL, IDE_CTL_NIEN);
	ide_ctl_write(&f->ch, IDE_REG_CTL, 0);
	assert_int_equal(f->level, 0);
}

/* INTRQ is driven by the selected device only. */
static void test_irq_follows_selection(void **state)
{
	struct fake *f = *state;

	identify(f);
	assert_int_equal(f->level, 1);
	sel(f, 1);
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, IDE_REG_STATUS), 0x00); /* the CD, after reset */
	sel(f, 0);
	assert_int_equal(f->level, 1);
	rd(f, IDE_REG_STATUS);
	assert_int_equal(f->level, 0);
}

static void test_srst(void **state)
{
	struct fake *f = *state;

	sel(f, 1);
	wr(f, IDE_REG_COMMAND, ATA_CMD_IDENTIFY_PACKET);
	assert_int_equal(f->level, 1);
	wr(f, IDE_REG_LBAM, 0x33);
	ide_ctl_write(&f->ch, IDE_REG_CTL, IDE_CTL_SRST | IDE_CTL_NIEN);
	assert_int_equal(f->level, 0);
	assert_int_equal(alt(f), IDE_ST_BSY);
	assert_int_equal(rd(f, IDE_REG_STATUS), IDE_ST_BSY);
	/* Held in reset: no data, no commands. */
	assert_int_equal(ide_read(&f->ch, 0, 2), IDE_FLOAT16);
	wr(f, IDE_REG_COMMAND, ATA_CMD_IDENTIFY_PACKET);
	assert_int_equal(alt(f), IDE_ST_BSY);
	ide_ctl_write(&f->ch, IDE_REG_CTL, 0);
	/* Released: device 0 selected, signatures, no interrupt. */
	assert_int_equal(f->level, 0);
	assert_int_equal(f->ch.sel, 0);
	assert_int_equal(rd(f, IDE_REG_DEVICE), 0xa0);
	assert_int_equal(rd(f, IDE_REG_STATUS), IDE_ST_DRDY | IDE_ST_DSC);
	assert_int_equal(rd(f, IDE_REG_LBAM), 0x00);
	sel(f, 1);
	assert_int_equal(rd(f, IDE_REG_STATUS), 0x00);
	assert_int_equal(rd(f, IDE_REG_LBAM), 0x14);
	assert_int_equal(rd(f, IDE_REG_LBAH), 0xeb);
	assert_int_equal(rd(f, IDE_REG_ERROR), 0x01);
	assert_int_equal(f->ch.drive[1].pio, IDE_PIO_NONE);
	assert_int_equal(f->changes, 2);
}

static void test_execute_diagnostic(void **state)
{
	struct fake *f = *state;

	sel(f, 1);
	wr(f, IDE_REG_LBAM, 0x77);
	wr(f, IDE_REG_COMMAND, ATA_CMD_EXECUTE_DIAGNOSTIC);
	assert_int_equal(f->ch.sel, 0);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, IDE_REG_ERROR), 0x01);
	assert_int_equal(rd(f, IDE_REG_LBAM), 0x00);
	assert_int_equal(rd(f, IDE_REG_STATUS), IDE_ST_DRDY | IDE_ST_DSC);
	assert_int_equal(f->level, 0);
	sel(f, 1);
	assert_int_equal(rd(f, IDE_REG_LBAM), 0x14);
	assert_int_equal(rd(f, IDE_REG_ERROR), 0x01);
}

static void test_execute_diagnostic_single(void **state)
{
	struct fake *f = *state;

	sel(f, 1); /* absent: EDD still reaches device 0 */
	wr(f, IDE_REG_COMMAND, ATA_CMD_EXECUTE_DIAGNOSTIC);
	assert_int_equal(f->level, 1);
	assert_int_equal(f->ch.sel, 0);
	assert_int_equal(rd(f, IDE_REG_STATUS), IDE_ST_DRDY | IDE_ST_DSC);
}

static void test_stray_data(void **state)
{
	struct fake *f = *state;

	assert_int_equal(ide_read(&f->ch, 0, 2), IDE_FLOAT16);
	ide_write(&f->ch, 0, 2, 0x1234);
	ide_write(&f->ch, 0, 4, 0x12345678);
	assert_int_equal(f->ch.drive[0].stats.stray, 4);
	assert_int_equal(alt(f), IDE_ST_DRDY | IDE_ST_DSC);
	/* Writing into a data-in transfer is stray too, and harmless. */
	identify(f);
	ide_write(&f->ch, 0, 2, 0xffff);
	assert_int_equal(f->ch.drive[0].stats.stray, 5);
	assert_int_equal(f->ch.drive[0].pos, 0);
}

static void test_data_port_widths(void **state)
{
	struct fake *f = *state;
	uint16_t w16[256], w32[256];
	unsigned i;

	identify(f);
	for (i = 0; i < 256; i++)
		w16[i] = (uint16_t)ide_read(&f->ch, 0, 2);
	identify(f);
	for (i = 0; i < 256; i += 2) {
		uint32_t v = ide_read(&f->ch, 0, 4);

		w32[i] = (uint16_t)v;
		w32[i + 1] = (uint16_t)(v >> 16);
	}
	assert_memory_equal(w16, w32, sizeof(w16));
	assert_int_equal(alt(f), IDE_ST_DRDY | IDE_ST_DSC);
	/* A byte access moves a whole word and shows its low half. */
	identify(f);
	for (i = 0; i < 256; i++)
		assert_int_equal(ide_read(&f->ch, 0, 1), w16[i] & 0xff);
	assert_int_equal(alt(f), IDE_ST_DRDY | IDE_ST_DSC);
}

static void test_reset_and_attach_errors(void **state)
{
	struct fake *f = *state;
	static const struct ide_backend_ops no_read = {.read = NULL};

	assert_int_equal(ide_attach_ata(&f->ch, 2, &fake_be, f, 1, NULL, NULL),
			 -EINVAL);
	assert_int_equal(ide_attach_ata(&f->ch, 1, NULL, f, 1, NULL, NULL),
			 -EINVAL);
	assert_int_equal(ide_attach_ata(&f->ch, 1, &no_read, f, 1, NULL, NULL),
			 -EINVAL);
	assert_int_equal(ide_attach_ata(&f->ch, 1, &fake_be, f, 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(ide_attach_ata(&f->ch, 1, &fake_be, f,
					ATA_MAX_SECTORS + 1, NULL, NULL),
			 -EINVAL);
	assert_int_equal(ide_attach_ata(&f->ch, 0, &fake_be, f, 1, NULL, NULL),
			 -EBUSY);
	assert_int_equal(ide_attach_atapi(&f->ch, 1, &fake_be, f,
					  ATAPI_MAX_SECTORS + 1, NULL, NULL),
			 -EINVAL);
	assert_int_equal(f->ch.drive[1].kind, IDE_NONE);
	/* Settings changed, interrupt pending; reset restores defaults. */
	wr(f, IDE_REG_NSECTOR, 8);
	wr(f, IDE_REG_COMMAND, ATA_CMD_SET_MULTIPLE);
	assert_int_equal(f->ch.drive[0].ata.mult, 8);
	ide_ctl_write(&f->ch, IDE_REG_CTL, IDE_CTL_NIEN);
	f->ch.bm.bmic = BMDMA_CMD_START;
	ide_reset(&f->ch);
	assert_int_equal(f->ch.drive[0].ata.mult, 0);
	assert_int_equal(f->ch.devctl, 0);
	assert_int_equal(f->ch.bm.bmic, 0);
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, IDE_REG_STATUS), IDE_ST_DRDY | IDE_ST_DSC);
	assert_int_equal(rd(f, IDE_REG_NSECTOR), 1);
	assert_string_equal(f->ch.drive[0].model, "TEST DISK");
}

static void test_no_ops(void **state)
{
	struct fake *f = *state;

	/* Without ops the model still runs; the line goes nowhere. */
	f->ch.ops = NULL;
	identify(f);
	assert_int_equal(f->ch.irq_level, 1);
	rd(f, IDE_REG_STATUS);
	assert_int_equal(f->ch.irq_level, 0);
	f->ch.ops = &fake_ops;
}

static void test_long_strings_cut(void **state)
{
	struct fake *f = *state;
	static const char model[] =
		"A MODEL NAME THAT IS MUCH LONGER THAN FORTY CHARACTERS";

	assert_int_equal(ide_attach_atapi(&f->ch, 1, &fake_be, f, 0, model,
					  "SERIAL NUMBER LONGER THAN TWENTY"),
			 0);
	assert_int_equal(strlen(f->ch.drive[1].model), 40);
	assert_int_equal(strlen(f->ch.drive[1].serial), 20);
	assert_string_equal(f->ch.drive[1].firmware, "1.0");
	assert_string_equal(f->ch.drive[0].serial, "SERIAL0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_channel,
						setup_empty, teardown),
		cmocka_unit_test_setup_teardown(test_signatures, setup_pair,
						teardown),
		cmocka_unit_test_setup_teardown(test_absent_device1, setup_ata,
						teardown),
		cmocka_unit_test_setup_teardown(test_hob_and_device_register,
						setup_ata, teardown),
		cmocka_unit_test_setup_teardown(test_wide_register_access,
						setup_ata, teardown),
		cmocka_unit_test_setup_teardown(test_irq_status_rules,
						setup_ata, teardown),
		cmocka_unit_test_setup_teardown(test_irq_nien, setup_ata,
						teardown),
		cmocka_unit_test_setup_teardown(test_irq_follows_selection,
						setup_pair, teardown),
		cmocka_unit_test_setup_teardown(test_srst, setup_pair,
						teardown),
		cmocka_unit_test_setup_teardown(test_execute_diagnostic,
						setup_pair, teardown),
		cmocka_unit_test_setup_teardown(test_execute_diagnostic_single,
						setup_ata, teardown),
		cmocka_unit_test_setup_teardown(test_stray_data, setup_ata,
						teardown),
		cmocka_unit_test_setup_teardown(test_data_port_widths,
						setup_ata, teardown),
		cmocka_unit_test_setup_teardown(test_reset_and_attach_errors,
						setup_ata, teardown),
		cmocka_unit_test_setup_teardown(test_no_ops, setup_ata,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_strings_cut,
						setup_ata, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
