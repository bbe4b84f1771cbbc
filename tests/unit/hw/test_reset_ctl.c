/* SPDX-License-Identifier: MIT */
/* reset_ctl unit tests: which writes reset, what reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dm/hw/reset_ctl.h"

static unsigned resets;

static void fake_reset(void *opaque)
{
	(void)opaque;
	resets++;
}

static const struct reset_ctl_ops fake_ops = { .reset = fake_reset };

static void test_writes(void **state)
{
	static const struct {
		uint8_t val, resets, readback;
	} cases[] = {
		{ 0x00, 0, 0x00 }, { 0x02, 0, 0x02 }, /* SYS_RST alone: no */
		{ 0x04, 1, 0x00 }, { 0x06, 1, 0x02 }, /* soft and hard reset */
		{ 0x0e, 1, 0x0a }, { 0xf1, 0, 0x00 }, /* other bits ignored */
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct reset_ctl s;

		resets = 0;
		reset_ctl_init(&s, &fake_ops, NULL);
		reset_ctl_write(&s, cases[i].val);
		assert_int_equal(resets, cases[i].resets);
		assert_int_equal(reset_ctl_read(&s), cases[i].readback);
	}
}

static void test_no_ops(void **state)
{
	struct reset_ctl s;

	(void)state;
	reset_ctl_init(&s, NULL, NULL);
	reset_ctl_write(&s, 0x06); /* must not crash */
	assert_int_equal(reset_ctl_read(&s), 0x02);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes),
		cmocka_unit_test(test_no_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
