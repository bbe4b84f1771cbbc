/* SPDX-License-Identifier: MIT */
/* debug_exit unit tests: exit codes by access size, reads, bad accesses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/debug_exit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fake {
	unsigned calls;
	uint32_t code;
};

static void fake_exit(void *opaque, uint32_t code)
{
	struct fake *f = opaque;

	f->calls++;
	f->code = code;
}

static const struct debug_exit_ops fake_ops = {.exit = fake_exit};

static void test_write_codes(void **state)
{
	static const struct {
		unsigned offset, size;
		uint32_t val, code;
	} cases[] = {
		{0, 1, 0x00, 0x01},	    /* kvm-unit-tests "pass" */
		{0, 1, 0x01, 0x03},
		{0, 1, 0x7f, 0xff},
		{0, 1, 0x1234, 0x69},	    /* cut to one byte: 0x34 */
		{0, 2, 0x1234, 0x2469},
		{0, 2, 0xabcdef, 0x19bdf},  /* cut to 0xcdef */
		{0, 4, 0x12345678, 0x2468acf1},
		{0, 4, 0xffffffff, 0xffffffff}, /* bit 31 shifted out */
		{3, 1, 0x02, 0x05},	    /* any port of the four */
		{2, 2, 0x00, 0x01},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fake f = {0};
		struct debug_exit d;

		debug_exit_init(&d, &fake_ops, &f);
		debug_exit_write(&d, cases[i].offset, cases[i].size,
				 cases[i].val);
		assert_int_equal(f.calls, 1);
		assert_int_equal(f.code, cases[i].code);
	}
}

static void test_bad_writes_ignored(void **state)
{
	static const struct {
		unsigned offset, size;
	} cases[] = {{4, 1}, {0, 0}, {0, 3}, {0, 8}, {0xffffffff, 4}};
	struct fake f = {0};
	struct debug_exit d;
	size_t i;

	(void)state;
	debug_exit_init(&d, &fake_ops, &f);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		debug_exit_write(&d, cases[i].offset, cases[i].size, 1);
	assert_int_equal(f.calls, 0);
}

static void test_reads(void **state)
{
	static const struct {
		unsigned size;
		uint32_t val;
	} cases[] = {{1, 0xff}, {2, 0xffff}, {4, 0xffffffff}, {3, 0xffffffff}};
	struct fake f = {0};
	struct debug_exit d;
	size_t i;

	(void)state;
	debug_exit_init(&d, &fake_ops, &f);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(debug_exit_read(&d, 0, cases[i].size),
				 cases[i].val);
	assert_int_equal(f.calls, 0);
}

static void test_null_ops(void **state)
{
	struct debug_exit d;

	(void)state;
	debug_exit_init(&d, NULL, NULL);
	debug_exit_write(&d, 0, 1, 1); /* no callback: nothing happens */
	assert_int_equal(debug_exit_read(&d, 0, 1), 0xff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_codes),
		cmocka_unit_test(test_bad_writes_ignored),
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_null_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
