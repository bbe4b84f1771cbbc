/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for proto/grant: every kind written and read back, the limits
 * of each field at and past their edges, and one clear line of error for
 * every malformed text (and never a crash).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proto/grant.h"

/* Parses text, which must be refused with an error containing `why`. */
static void refused(const char *text, const char *why)
{
	struct grant g;
	char err[160] = "";

	if (grant_parse(text, &g, err, sizeof(err)) != -EINVAL)
		fail_msg("'%s' accepted", text);
	if (!strstr(err, why))
		fail_msg("'%s': error '%s' does not say '%s'", text, err, why);
	if (strchr(err, '\n'))
		fail_msg("'%s': error is not one line", text);
}

/* Formats g, parses the text back: same grant, same text as `want`. */
static void round_trip(const struct grant *g, const char *want)
{
	char buf[GRANT_MAX_TEXT], err[160];
	struct grant back;
	int n = grant_format(g, buf, sizeof(buf));

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(buf, want);
	if (grant_parse(buf, &back, err, sizeof(err)))
		fail_msg("'%s' refused: %s", buf, err);
	assert_int_equal(back.dm, g->dm);
	assert_int_equal(back.kind, g->kind);
	assert_true(back.first == g->first && back.last == g->last);
}

static void test_round_trip(void **state)
{
	static const struct {
		struct grant g;
		const char *text;
	} cases[] = {
		{ { 0, GRANT_PIO, 0x3f8, 0x3ff }, "0,pio,0x3f8,0x3ff" },
		{ { 1, GRANT_PIO, 0, 0xffff }, "1,pio,0x0,0xffff" },
		{ { 7, GRANT_MMIO, 0xfee00000, 0xfee00fff },
		  "7,mmio,0xfee00000,0xfee00fff" },
		{ { 2, GRANT_MMIO, 0, UINT64_MAX },
		  "2,mmio,0x0,0xffffffffffffffff" },
		{ { 1, GRANT_PCI, 0x9, 0x9 }, "1,pci,0x9,0x9" },
		{ { 0, GRANT_IRQ, 0, 0 }, "0,irq,0" },
		{ { 0, GRANT_IRQ, 15, 15 }, "0,irq,15" },
		{ { 3, GRANT_SHUTDOWN, 0, 0 }, "3,shutdown" },
		{ { 0, GRANT_PIRQ, 0, 0 }, "0,pirq" },
		{ { 0, GRANT_PAM, 0, 0 }, "0,pam" },
	};
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		round_trip(&cases[i].g, cases[i].text);
}

static void test_parse_forms(void **state)
{
	struct grant g;
	char err[160];

	/* Decimal and upper-case hex are numbers too. */
	assert_int_equal(grant_parse("0,pio,1016,0X3FF", &g, err, sizeof(err)),
			 -EINVAL); /* "0X" is not the prefix */
	assert_int_equal(grant_parse("0,pio,1016,0x3FF", &g, err, sizeof(err)),
			 0);
	assert_true(g.first == 0x3f8 && g.last == 0x3ff);
	/* The monitor's tables hold bodies; the DM index comes apart. */
	assert_int_equal(grant_parse_body("irq,14", 1, &g, err, sizeof(err)),
			 0);
	assert_true(g.dm == 1 && g.kind == GRANT_IRQ && g.first == 14 &&
		    g.last == 14);
	assert_int_equal(grant_parse_body("irq,14", GRANT_MAX_DMS, &g, err,
					  sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "DM index 8 out of range"));
	/* A NULL err is allowed. */
	assert_int_equal(grant_parse("x", &g, NULL, 0), -EINVAL);
}

static void test_malformed(void **state)
{
	char longer[GRANT_MAX_TEXT + 8];

	refused("", "no ','");
	refused("0", "no ','");
	refused("x,pio,1,2", "DM index 'x' is not a number");
	refused("-1,pio,1,2", "is not a number");
	refused("01,pio,1,2", "is not a number"); /* leading zero */
	refused("8,pio,1,2", "DM index 8 out of range (0-7)");
	refused("99999999999999999999999,pam", "is not a number");
	refused("0,", "unknown grant kind ''");
	refused("0,port,1,2", "unknown grant kind 'port'");
	refused("0,PIO,1,2", "unknown grant kind 'PIO'");
	refused("0,pio", "pio: needs 2 numbers, has 0");
	refused("0,pio,1", "pio: needs 2 numbers, has 1");
	refused("0,pio,1,2,3", "pio: takes 2 numbers, has more");
	refused("0,pio,,2", "pio: first '' is not a number");
	refused("0,pio,1,", "pio: last '' is not a number");
	refused("0,pio,0x,2", "first '0x' is not a number");
	refused("0,pio,0x1g,2", "first '0x1g' is not a number");
	refused("0,pio,010,0x20", "first '010' is not a number");
	refused("0,pio,+1,2", "is not a number");
	refused("0,pio, 1,2", "is not a number");
	refused("0,pio,1 ,2", "is not a number");
	refused("0,pio,2,1", "pio: first 0x2 above last 0x1");
	refused("0,pio,0,0x10000", "pio: last 0x10000 above 0xffff");
	refused("0,pci,0,0x10000", "pci: last 0x10000 above 0xffff");
	refused("0,mmio,0x10,0xf", "mmio: first 0x10 above last 0xf");
	refused("0,mmio,0,0x10000000000000000", "does not fit 64 bits");
	refused("0,mmio,0,18446744073709551616", "does not fit 64 bits");
	refused("0,irq", "irq: needs 1 number, has 0");
	refused("0,irq,2", "irq: 2 is not an ISA IRQ");
	refused("0,irq,16", "irq: 16 is not an ISA IRQ");
	refused("0,irq,0x4", "irq: line '0x4' is not a number");
	refused("0,irq,4,5", "irq: takes 1 number, has more");
	refused("0,shutdown,1", "shutdown: takes 0 numbers, has more");
	refused("0,pam,", "pam: takes 0 numbers, has more");
	/* Control characters never reach the one-line error. */
	refused("0,p\nio,1,2", "unknown grant kind 'p?io'");
	memset(longer, '1', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	refused(longer, "longer than 63 bytes");
}

static void test_format_limits(void **state)
{
	char buf[GRANT_MAX_TEXT];
	struct grant g = { 0, GRANT_PIO, 1, 0x10000 };

	/* The writer refuses what the parser would. */
	assert_int_equal(grant_format(&g, buf, sizeof(buf)), -EINVAL);
	g = (struct grant){ GRANT_MAX_DMS, GRANT_PAM, 0, 0 };
	assert_int_equal(grant_format(&g, buf, sizeof(buf)), -EINVAL);
	g = (struct grant){ 0, GRANT_NONE, 0, 0 };
	assert_int_equal(grant_format(&g, buf, sizeof(buf)), -EINVAL);
	g = (struct grant){ 0, (enum grant_kind)99, 0, 0 };
	assert_int_equal(grant_format(&g, buf, sizeof(buf)), -EINVAL);
	g = (struct grant){ 0, GRANT_IRQ, 2, 2 };
	assert_int_equal(grant_format(&g, buf, sizeof(buf)), -EINVAL);
	g = (struct grant){ 0, GRANT_IRQ, 3, 4 };
	assert_int_equal(grant_format(&g, buf, sizeof(buf)), -EINVAL);
	g = (struct grant){ 0, GRANT_PAM, 1, 1 };
	assert_int_equal(grant_format(&g, buf, sizeof(buf)), -EINVAL);
	g = (struct grant){ 0, GRANT_MMIO, 5, 4 };
	assert_int_equal(grant_format(&g, buf, sizeof(buf)), -EINVAL);
	/* Too small a buffer: an error, never a truncated grant. */
	g = (struct grant){ 0, GRANT_PIO, 0x3f8, 0x3ff };
	assert_int_equal(grant_format(&g, buf, 17), -ENOSPC);
	assert_int_equal(grant_format(&g, buf, 18), 17);
	assert_null(grant_kind_name(GRANT_NONE));
	assert_string_equal(grant_kind_name(GRANT_MMIO), "mmio");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_format_limits),
	};

	return cmocka_run_group_tests_name("grant", tests, NULL, NULL);
}
