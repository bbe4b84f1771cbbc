/* SPDX-License-Identifier: MIT */
/* acpi_pm unit tests: PM1a status/enable/control through the public API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/acpi_pm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fake {
	unsigned poweroffs;
	struct acpi_pm pm;
};

static void fake_poweroff(void *opaque)
{
	struct fake *f = opaque;

	f->poweroffs++;
}

static const struct acpi_pm_ops fake_ops = {.poweroff = fake_poweroff};

static struct fake fake_storage;

static int setup(void **state)
{
	memset(&fake_storage, 0, sizeof(fake_storage));
	acpi_pm_init(&fake_storage.pm, &fake_ops, &fake_storage);
	*state = &fake_storage;
	return 0;
}

static void test_reset_values(void **state)
{
	struct fake *f = *state;

	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_STS, 2), 0);
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_EN, 2), 0);
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_CNT, 2), 0);
	assert_int_equal(acpi_pm_read(&f->pm, 0, 4), 0);
	/* Outside the registers: all ones. */
	assert_int_equal(acpi_pm_read(&f->pm, 0x06, 2), 0xffff);
	assert_int_equal(acpi_pm_read(&f->pm, 0x08, 4), 0xffffffff);
	assert_int_equal(acpi_pm_read(&f->pm, 0x3f, 1), 0xff);
	/* Partly outside: the bytes inside still read. */
	assert_int_equal(acpi_pm_read(&f->pm, 0x04, 4), 0xffff0000);
}

static void test_bad_accesses(void **state)
{
	static const struct {
		unsigned offset, size;
	} cases[] = {{0x40, 1}, {0x3f, 2}, {0x3d, 4}, {0, 3}, {0, 0}, {0, 8},
		     {0xfffffffe, 4}};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(
			acpi_pm_read(&f->pm, cases[i].offset, cases[i].size),
			0xffffffff);
		acpi_pm_write(&f->pm, cases[i].offset, cases[i].size,
			      0x2001);
	}
	/* Size 3 at 0 would have hit SCI_EN; nothing was written. */
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_CNT, 2), 0);
	assert_int_equal(f->poweroffs, 0);
}

static void test_enable_plain(void **state)
{
	struct fake *f = *state;

	acpi_pm_write(&f->pm, ACPI_PM_EN, 2, 0x0321);
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_EN, 2), 0x0321);
	acpi_pm_write(&f->pm, ACPI_PM_EN + 1, 1, 0x81);
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_EN, 2), 0x8121);
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_EN, 1), 0x21);
}

static void test_status_write_one_to_clear(void **state)
{
	struct fake *f = *state;

	f->pm.pm1_sts = 0x8131; /* as if events had happened */
	acpi_pm_write(&f->pm, ACPI_PM_STS, 2, 0x0011);
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_STS, 2), 0x8120);
	acpi_pm_write(&f->pm, ACPI_PM_STS, 2, 0);
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_STS, 2), 0x8120);
	acpi_pm_write(&f->pm, ACPI_PM_STS + 1, 1, 0x80);
	assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_STS, 2), 0x0120);
	/* A dword write at 0 clears status and sets enable together. */
	acpi_pm_write(&f->pm, 0, 4, 0x00550120);
	assert_int_equal(acpi_pm_read(&f->pm, 0, 4), 0x00550000);
}

static void test_control_and_sleep(void **state)
{
	static const struct {
		unsigned offset, size;
		uint32_t val;
		unsigned poweroffs; /* after this write */
		uint16_t cnt;	    /* readback */
	} steps[] = {
		{ACPI_PM_CNT, 2, 0x0001, 0, 0x0001}, /* SCI_EN stored */
		{ACPI_PM_CNT, 2, 0x1401, 0, 0x1401}, /* SLP_TYP alone */
		{ACPI_PM_CNT, 2, 0x3401, 0, 0x1401}, /* S? type 5: no off */
		{ACPI_PM_CNT, 2, 0x2401, 0, 0x0401}, /* type 1: no off */
		{ACPI_PM_CNT, 2, 0x2001, 1, 0x0001}, /* type 0: soft-off */
		{ACPI_PM_CNT + 1, 1, 0x20, 2, 0x0001}, /* byte write */
		{ACPI_PM_CNT + 1, 1, 0x3c, 2, 0x1c01}, /* type 7 */
		{ACPI_PM_EN, 4, 0x20000000, 3, 0x0000}, /* dword from +2 */
		{ACPI_PM_CNT, 1, 0xff, 3, 0x00ff}, /* low byte: no SLP_EN */
	};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		acpi_pm_write(&f->pm, steps[i].offset, steps[i].size,
			      steps[i].val);
		assert_int_equal(f->poweroffs, steps[i].poweroffs);
		assert_int_equal(acpi_pm_read(&f->pm, ACPI_PM_CNT, 2),
				 steps[i].cnt);
	}
}

static void test_null_ops(void **state)
{
	struct acpi_pm pm;

	(void)state;
	acpi_pm_init(&pm, NULL, NULL);
	acpi_pm_write(&pm, ACPI_PM_CNT, 2, 0x2000);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_CNT, 2), 0);
}

/* A fake with a clock and an SCI line. */
struct tfake {
	uint64_t now;
	int sci;
	unsigned sci_calls;
};

static uint64_t tfake_now(void *opaque)
{
	return ((struct tfake *)opaque)->now;
}

static void tfake_sci(void *opaque, int level)
{
	struct tfake *t = opaque;

	t->sci = level;
	t->sci_calls++;
}

static const struct acpi_pm_ops tfake_ops = {.now_ns = tfake_now,
					     .set_sci = tfake_sci};

static void test_pm_timer(void **state)
{
	struct tfake t = {0};
	struct acpi_pm pm;

	(void)state;
	acpi_pm_init(&pm, &tfake_ops, &t);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR, 4), 0);
	t.now = 1000000000ull; /* 1 s: 3579545 ticks */
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR, 4), 3579545u);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR, 1), 3579545u & 0xff);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR + 2, 2),
			 (3579545u >> 16) & 0xff);
	/* 24 bits: 10 s is 35795450 = 0x22231FA, wrapped to 0x2231FA. */
	t.now = 10000000000ull;
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR, 4), 35795450u & 0xffffff);
	/* Days of uptime do not overflow the conversion. */
	t.now = 30ull * 24 * 3600 * 1000000000ull;
	assert_int_equal(acpi_pm_timer(&pm),
			 (uint32_t)((30ull * 24 * 3600 * 3579545ull) & 0xffffff));
	/* Read-only; the registers before it are unaffected. */
	acpi_pm_write(&pm, ACPI_PM_TMR, 4, 0);
	assert_int_equal(acpi_pm_timer(&pm),
			 (uint32_t)((30ull * 24 * 3600 * 3579545ull) & 0xffffff));
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_CNT, 4), 0xffff0000u);
	assert_int_equal(acpi_pm_read(&pm, 0x0c, 4), 0xffffffffu);
	/* Without a clock there is no timer: all ones, as before. */
	acpi_pm_init(&pm, &fake_ops, NULL);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_TMR, 4), 0xffffffffu);
	assert_int_equal(acpi_pm_timer(&pm), 0);
}

static void test_power_button_sci(void **state)
{
	struct tfake t = {0};
	struct acpi_pm pm;

	(void)state;
	acpi_pm_init(&pm, &tfake_ops, &t);
	/* Pressed while PWRBTN_EN is clear: status only. */
	acpi_pm_power_button(&pm);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_STS, 2), ACPI_PM_STS_PWRBTN);
	assert_int_equal(t.sci_calls, 0);
	/* Enabling it raises the SCI (level), SCI_EN or not. */
	acpi_pm_write(&pm, ACPI_PM_EN, 2, ACPI_PM_STS_PWRBTN);
	assert_int_equal(t.sci, 1);
	assert_int_equal(t.sci_calls, 1);
	/* Other writes do not re-report it. */
	acpi_pm_write(&pm, ACPI_PM_CNT, 2, 0x0001);
	assert_int_equal(t.sci_calls, 1);
	/* The handler clears the status: the line drops. */
	acpi_pm_write(&pm, ACPI_PM_STS, 2, ACPI_PM_STS_PWRBTN);
	assert_int_equal(t.sci, 0);
	assert_int_equal(t.sci_calls, 2);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_STS, 2), 0);
	/* Pressed again: the SCI rises at once. */
	acpi_pm_power_button(&pm);
	assert_int_equal(t.sci, 1);
	/* Masking the enable drops it, and the status stays. */
	acpi_pm_write(&pm, ACPI_PM_EN, 2, 0);
	assert_int_equal(t.sci, 0);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_STS, 2), ACPI_PM_STS_PWRBTN);
	assert_int_equal(t.sci_calls, 4);
	/* No set_sci op: pressing still works. */
	acpi_pm_init(&pm, NULL, NULL);
	acpi_pm_power_button(&pm);
	acpi_pm_write(&pm, ACPI_PM_EN, 2, ACPI_PM_STS_PWRBTN);
	assert_int_equal(acpi_pm_read(&pm, ACPI_PM_STS, 2), ACPI_PM_STS_PWRBTN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_reset_values),
		T(test_bad_accesses),
		T(test_enable_plain),
		T(test_status_write_one_to_clear),
		T(test_control_and_sleep),
		cmocka_unit_test(test_null_ops),
		cmocka_unit_test(test_pm_timer),
		cmocka_unit_test(test_power_button_sci),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
