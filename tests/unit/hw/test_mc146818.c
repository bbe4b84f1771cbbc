/* SPDX-License-Identifier: MIT */
/*
 * mc146818 unit tests: fixed host times (CLOCK_REALTIME ns) drive the
 * registers, the flags and the deadlines; a fake IRQ line records changes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/mc146818.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NS 1000000000LL
#define MS 1000000LL

/* 2024-02-29 23:59:59 UTC, a Thursday; the next second is 2024-03-01. */
#define LEAP_END 1709251199LL
/* 2024-02-29 12:00:00 UTC and 00:00:00 UTC */
#define LEAP_NOON 1709208000LL
#define LEAP_MIDNIGHT 1709164800LL

struct fake {
	int level;
	unsigned changes;
	unsigned redundant;
	struct mc146818 rtc;
};

static void fake_set_irq(void *opaque, int level)
{
	struct fake *f = opaque;

	if (level == f->level)
		f->redundant++;
	f->level = level;
	f->changes++;
}

static const struct mc146818_ops fake_ops = {.set_irq = fake_set_irq};

static struct fake fake_storage;

static int setup(void **state)
{
	memset(&fake_storage, 0, sizeof(fake_storage));
	*state = &fake_storage;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	assert_int_equal(f->redundant, 0);
	return 0;
}

/* Starts the RTC at host time now. */
static struct fake *start(void **state, int64_t now)
{
	struct fake *f = *state;

	mc146818_init(&f->rtc, &fake_ops, f, now);
	return f;
}

static uint8_t rd(struct fake *f, unsigned idx, int64_t now)
{
	mc146818_write(&f->rtc, 0, (uint8_t)idx, now);
	return mc146818_read(&f->rtc, 1, now);
}

static void wr(struct fake *f, unsigned idx, uint8_t val, int64_t now)
{
	mc146818_write(&f->rtc, 0, (uint8_t)idx, now);
	mc146818_write(&f->rtc, 1, val, now);
}

struct reg_val {
	unsigned idx;
	uint8_t val;
};

static void check_regs(struct fake *f, const struct reg_val *rv, size_t n,
		       int64_t now)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t got = rd(f, rv[i].idx, now);

		if (got != rv[i].val)
			fail_msg("reg 0x%02x: got 0x%02x, want 0x%02x",
				 rv[i].idx, got, rv[i].val);
	}
}

static void test_reset_values(void **state)
{
	int64_t now = LEAP_NOON * NS;
	struct fake *f = start(state, now);
	static const struct reg_val regs[] = {
		{MC146818_REG_A, 0x26},
		{MC146818_REG_B, 0x02},
		{MC146818_REG_C, 0x00},
		{MC146818_REG_D, 0x80},
		{0x0e, 0x00},
		{0x7f, 0x00},
	};

	check_regs(f, regs, ARRAY_SIZE(regs), now);
	assert_int_equal(mc146818_read(&f->rtc, 0, now), 0xff);
	assert_int_equal(mc146818_read(&f->rtc, 2, now), 0xff);
	assert_int_equal(mc146818_next_deadline(&f->rtc, now), -1);
	assert_int_equal(f->changes, 0);
}

static void test_bcd_24h(void **state)
{
	int64_t now = LEAP_END * NS + 500 * MS;
	struct fake *f = start(state, now);
	static const struct reg_val regs[] = {
		{MC146818_SECONDS, 0x59},      {MC146818_MINUTES, 0x59},
		{MC146818_HOURS, 0x23},	       {MC146818_DAY_OF_WEEK, 0x05},
		{MC146818_DAY_OF_MONTH, 0x29}, {MC146818_MONTH, 0x02},
		{MC146818_YEAR, 0x24},	       {MC146818_CENTURY, 0x20},
	};

	check_regs(f, regs, ARRAY_SIZE(regs), now);
}

static void test_binary_mode(void **state)
{
	int64_t now = LEAP_END * NS + 500 * MS;
	struct fake *f = start(state, now);
	static const struct reg_val regs[] = {
		{MC146818_SECONDS, 59},	     {MC146818_MINUTES, 59},
		{MC146818_HOURS, 23},	     {MC146818_DAY_OF_WEEK, 5},
		{MC146818_DAY_OF_MONTH, 29}, {MC146818_MONTH, 2},
		{MC146818_YEAR, 24},	     {MC146818_CENTURY, 20},
	};

	wr(f, MC146818_REG_B, MC146818_B_DM | MC146818_B_24H, now);
	check_regs(f, regs, ARRAY_SIZE(regs), now);
}

static void test_12h_mode(void **state)
{
	static const struct {
		unsigned hour;
		uint8_t bcd, bin;
	} hours[] = {
		{0, 0x12, 0x0c},  {1, 0x01, 0x01},  {11, 0x11, 0x0b},
		{12, 0x92, 0x8c}, {13, 0x81, 0x81}, {23, 0x91, 0x8b},
	};
	struct fake *f = start(state, LEAP_MIDNIGHT * NS);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hours); i++) {
		int64_t now = (LEAP_MIDNIGHT + hours[i].hour * 3600 + 7) * NS;

		wr(f, MC146818_REG_B, 0x00, now); /* 12 h, BCD */
		assert_int_equal(rd(f, MC146818_HOURS, now), hours[i].bcd);
		assert_int_equal(rd(f, MC146818_SECONDS, now), 0x07);
		wr(f, MC146818_REG_B, MC146818_B_DM, now); /* 12 h, binary */
		assert_int_equal(rd(f, MC146818_HOURS, now), hours[i].bin);
	}
}

static void test_uip(void **state)
{
	static const struct {
		int64_t ns; /* within 23:59:59 */
		uint8_t a;
	} cases[] = {
		{0, 0x26},
		{999700000, 0x26}, /* .9997: 300 us before the update */
		{999755999, 0x26},
		{999756000, 0xa6}, /* the last 244 us */
		{999999999, 0xa6},
		{NS, 0x26}, /* the update happened */
	};
	struct fake *f = start(state, LEAP_END * NS);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t now = LEAP_END * NS + cases[i].ns;

		assert_int_equal(rd(f, MC146818_REG_A, now), cases[i].a);
	}
	/* During UIP the registers still show the old second. */
	assert_int_equal(rd(f, MC146818_SECONDS, LEAP_END * NS + 999900000),
			 0x59);
	/* SET, or the divider off its normal 010, suppresses UIP. */
	wr(f, MC146818_REG_B, MC146818_B_SET | MC146818_B_24H, LEAP_END * NS);
	assert_int_equal(rd(f, MC146818_REG_A, LEAP_END * NS + 999900000),
			 0x26);
	wr(f, MC146818_REG_B, MC146818_B_24H, LEAP_END * NS + 999900000);
	assert_int_equal(rd(f, MC146818_REG_A, LEAP_END * NS + 999900000),
			 0xa6);
	wr(f, MC146818_REG_A, 0x66, LEAP_END * NS + 999900000);
	assert_int_equal(rd(f, MC146818_REG_A, LEAP_END * NS + 999900000),
			 0x66);
}

static void test_rollover(void **state)
{
	static const struct {
		int64_t boundary;
		struct reg_val before[4], after[8];
	} cases[] = {
		{1709251200, /* leap day -> 2024-03-01, Thursday -> Friday */
		 {{7, 0x29}, {8, 0x02}, {9, 0x24}, {6, 0x05}},
		 {{0, 0}, {2, 0}, {4, 0}, {6, 0x06}, {7, 0x01}, {8, 0x03},
		  {9, 0x24}, {0x32, 0x20}}},
		{1677628800, /* 2023-02-28 -> 2023-03-01, Tue -> Wed */
		 {{7, 0x28}, {8, 0x02}, {9, 0x23}, {6, 0x03}},
		 {{0, 0}, {2, 0}, {4, 0}, {6, 0x04}, {7, 0x01}, {8, 0x03},
		  {9, 0x23}, {0x32, 0x20}}},
		{4102444800, /* 2099-12-31 -> 2100-01-01 (no leap day) */
		 {{7, 0x31}, {8, 0x12}, {9, 0x99}, {0x32, 0x20}},
		 {{0, 0}, {2, 0}, {4, 0}, {6, 0x06}, {7, 0x01}, {8, 0x01},
		  {9, 0x00}, {0x32, 0x21}}},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t b = cases[i].boundary * NS;
		struct fake *f = start(state, b - NS);

		check_regs(f, cases[i].before, 4, b - 1);
		assert_int_equal(rd(f, MC146818_SECONDS, b - 1), 0x59);
		assert_int_equal(rd(f, MC146818_HOURS, b - 1), 0x23);
		check_regs(f, cases[i].after, 8, b + 100000);
	}
}

static void test_guest_sets_time(void **state)
{
	int64_t t0 = LEAP_END * NS + 250 * MS, t1 = t0 + 3 * NS;
	struct fake *f = start(state, t0);
	static const struct reg_val set[] = {
		{MC146818_SECONDS, 0x00},      {MC146818_MINUTES, 0x00},
		{MC146818_HOURS, 0x12},	       {MC146818_DAY_OF_MONTH, 0x01},
		{MC146818_MONTH, 0x01},	       {MC146818_YEAR, 0x00},
		{MC146818_CENTURY, 0x20},
	};
	/* 2000-01-01 12:00:05, a Saturday */
	static const struct reg_val after[] = {
		{MC146818_SECONDS, 0x05},      {MC146818_MINUTES, 0x00},
		{MC146818_HOURS, 0x12},	       {MC146818_DAY_OF_WEEK, 0x07},
		{MC146818_DAY_OF_MONTH, 0x01}, {MC146818_MONTH, 0x01},
		{MC146818_YEAR, 0x00},	       {MC146818_CENTURY, 0x20},
	};
	size_t i;

	wr(f, MC146818_REG_B, MC146818_B_SET | MC146818_B_24H, t0);
	for (i = 0; i < ARRAY_SIZE(set); i++)
		wr(f, set[i].idx, set[i].val, t0);
	/* Frozen while SET: the written values, not a running clock. */
	check_regs(f, set, ARRAY_SIZE(set), t0 + 2 * NS);
	wr(f, MC146818_REG_B, MC146818_B_24H, t1);
	check_regs(f, after, ARRAY_SIZE(after), t1 + 5 * NS);
	/* The divider's phase was kept: seconds tick at t1 + .75 s. */
	assert_int_equal(rd(f, MC146818_SECONDS, t1 + 749 * MS), 0x00);
	assert_int_equal(rd(f, MC146818_SECONDS, t1 + 750 * MS), 0x01);
	/* The offset persists. */
	assert_int_equal(rd(f, MC146818_HOURS, t1 + 3600 * NS), 0x13);
	assert_int_equal(rd(f, MC146818_DAY_OF_MONTH, t1 + 86400 * NS), 0x02);
}

static void test_set_without_writes_loses_time(void **state)
{
	int64_t t0 = LEAP_END * NS + 500 * MS;
	struct fake *f = start(state, t0);

	/* As on the chip: no updates while SET, so 5 s are lost. */
	wr(f, MC146818_REG_B, MC146818_B_SET | MC146818_B_24H, t0);
	wr(f, MC146818_REG_B, MC146818_B_24H, t0 + 5 * NS);
	assert_int_equal(rd(f, MC146818_SECONDS, t0 + 5 * NS + 400 * MS),
			 0x59);
	assert_int_equal(rd(f, MC146818_DAY_OF_MONTH, t0 + 5 * NS + 400 * MS),
			 0x29);
	assert_int_equal(rd(f, MC146818_SECONDS, t0 + 5 * NS + 500 * MS),
			 0x00);
	assert_int_equal(rd(f, MC146818_DAY_OF_MONTH, t0 + 5 * NS + 500 * MS),
			 0x01);
}

static void test_write_running_clock(void **state)
{
	int64_t t0 = LEAP_NOON * NS + 300 * MS;
	struct fake *f = start(state, t0);

	wr(f, MC146818_MINUTES, 0x34, t0);
	assert_int_equal(rd(f, MC146818_MINUTES, t0 + NS), 0x34);
	assert_int_equal(rd(f, MC146818_SECONDS, t0 + NS), 0x01);
	assert_int_equal(rd(f, MC146818_HOURS, t0 + NS), 0x12);
}

static void test_bad_values_clamped(void **state)
{
	int64_t t0 = LEAP_NOON * NS;
	struct fake *f = start(state, t0);

	wr(f, MC146818_REG_B, MC146818_B_SET | MC146818_B_24H, t0);
	wr(f, MC146818_YEAR, 0x23, t0);
	wr(f, MC146818_MONTH, 0x02, t0);
	wr(f, MC146818_DAY_OF_MONTH, 0x31, t0); /* 2023-02-31 = 03-03 */
	wr(f, MC146818_HOURS, 0xff, t0);	 /* garbage: clamped to 23 */
	wr(f, MC146818_REG_B, MC146818_B_24H, t0);
	assert_int_equal(rd(f, MC146818_MONTH, t0), 0x03);
	assert_int_equal(rd(f, MC146818_DAY_OF_MONTH, t0), 0x03);
	assert_int_equal(rd(f, MC146818_HOURS, t0), 0x23);
	wr(f, MC146818_REG_B, MC146818_B_SET | MC146818_B_24H, t0);
	wr(f, MC146818_MONTH, 0xff, t0); /* clamped to 12 */
	wr(f, MC146818_REG_B, MC146818_B_24H, t0);
	assert_int_equal(rd(f, MC146818_MONTH, t0), 0x12);
}

static void test_divider_reset(void **state)
{
	int64_t t0 = LEAP_NOON * NS + 300 * MS, t1 = t0 + 10 * NS;
	struct fake *f = start(state, t0);

	wr(f, MC146818_REG_B, MC146818_B_PIE | MC146818_B_24H, t0);
	wr(f, MC146818_REG_A, 0x76, t0); /* DV = 111: reset */
	assert_int_equal(mc146818_next_deadline(&f->rtc, t0), -1);
	assert_int_equal(rd(f, MC146818_SECONDS, t0 + 5 * NS), 0x00);
	assert_int_equal(rd(f, MC146818_REG_C, t1), 0x00); /* no PF */
	wr(f, MC146818_REG_A, 0x26, t1);
	/* The first update comes half a second after the release. */
	assert_int_equal(rd(f, MC146818_SECONDS, t1 + 499 * MS), 0x00);
	assert_int_equal(rd(f, MC146818_SECONDS, t1 + 500 * MS), 0x01);
	assert_int_equal(rd(f, MC146818_MINUTES, t1 + 500 * MS), 0x00);
}

static void test_periodic_rates(void **state)
{
	static const struct {
		uint8_t rs;
		int64_t first; /* ns after a second boundary, -1 = none */
	} rates[] = {
		{0, -1},	 {1, 3906250},	   {2, 7812500},
		{3, 122071},	 {4, 244141},	   {6, 976563},
		{7, 1953125},	 {13, 125000000}, {15, 500000000},
	};
	int64_t now = LEAP_NOON * NS;
	struct fake *f = start(state, now);
	size_t i;

	wr(f, MC146818_REG_B, MC146818_B_PIE | MC146818_B_24H, now);
	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		int64_t d;

		wr(f, MC146818_REG_A, 0x20 | rates[i].rs, now);
		d = mc146818_next_deadline(&f->rtc, now);
		if (rates[i].first < 0)
			assert_int_equal(d, -1);
		else
			assert_int_equal(d - now, rates[i].first);
	}
}

static void test_periodic_1024hz(void **state)
{
	int64_t base = LEAP_NOON * NS, d1, d2;
	struct fake *f = start(state, base);

	wr(f, MC146818_REG_B, MC146818_B_PIE | MC146818_B_24H, base);
	d1 = mc146818_next_deadline(&f->rtc, base);
	assert_int_equal(d1, base + 976563);
	mc146818_advance(&f->rtc, d1 - 1);
	assert_int_equal(f->level, 0);
	assert_int_equal(mc146818_next_deadline(&f->rtc, d1 - 1), d1);
	mc146818_advance(&f->rtc, d1);
	assert_int_equal(f->level, 1);
	d2 = mc146818_next_deadline(&f->rtc, d1);
	assert_int_equal(d2, base + 1953125);
	/* Edge-like: the line stays up until register C is read. */
	mc146818_advance(&f->rtc, d2);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, MC146818_REG_C, d2), 0xc0);
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, MC146818_REG_C, d2), 0x00);
	/* Late: 10 ms of ticks give one PF, and the deadline is past. */
	assert_int_equal(mc146818_next_deadline(&f->rtc, d2 + 10 * MS),
			 base + 2929688);
	mc146818_advance(&f->rtc, d2 + 10 * MS);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, MC146818_REG_C, d2 + 10 * MS), 0xc0);
	assert_int_equal(f->changes, 4);
}

static void test_flags_without_enables(void **state)
{
	int64_t t0 = LEAP_NOON * NS;
	struct fake *f = start(state, t0);

	/* PF and UF are set even with their interrupts disabled. */
	assert_int_equal(rd(f, MC146818_REG_C, t0 + 10 * MS), 0x40);
	assert_int_equal(rd(f, MC146818_REG_C, t0 + NS), 0x50);
	assert_int_equal(f->changes, 0);
	/* Enabling PIE with PF pending raises at once; disabling drops. */
	mc146818_advance(&f->rtc, t0 + NS + 10 * MS);
	assert_int_equal(f->level, 0);
	wr(f, MC146818_REG_B, MC146818_B_PIE | MC146818_B_24H,
	   t0 + NS + 10 * MS);
	assert_int_equal(f->level, 1);
	wr(f, MC146818_REG_B, MC146818_B_24H, t0 + NS + 10 * MS);
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, MC146818_REG_C, t0 + NS + 10 * MS), 0x40);
}

static void test_update_interrupt(void **state)
{
	int64_t t0 = LEAP_NOON * NS + 300 * MS, d;
	struct fake *f = start(state, t0);

	wr(f, MC146818_REG_A, 0x20, t0); /* no periodic rate */
	wr(f, MC146818_REG_B, MC146818_B_UIE | MC146818_B_24H, t0);
	d = mc146818_next_deadline(&f->rtc, t0);
	assert_int_equal(d, (LEAP_NOON + 1) * NS);
	mc146818_advance(&f->rtc, d - 1);
	assert_int_equal(f->level, 0);
	mc146818_advance(&f->rtc, d);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, MC146818_REG_C, d), 0x90);
	assert_int_equal(f->level, 0);
	assert_int_equal(mc146818_next_deadline(&f->rtc, d),
			 (LEAP_NOON + 2) * NS);
	/* Setting SET clears UIE and stops updates. */
	wr(f, MC146818_REG_B, MC146818_B_SET | MC146818_B_UIE | MC146818_B_24H,
	   d);
	assert_int_equal(rd(f, MC146818_REG_B, d), 0x82);
	assert_int_equal(mc146818_next_deadline(&f->rtc, d), -1);
	assert_int_equal(rd(f, MC146818_REG_C, d + 3 * NS), 0x00);
}

static void test_alarm(void **state)
{
	int64_t t0 = LEAP_END * NS + 500 * MS, d;
	struct fake *f = start(state, t0);

	wr(f, MC146818_REG_A, 0x20, t0);
	wr(f, MC146818_SECONDS_ALARM, 0x05, t0);
	wr(f, MC146818_MINUTES_ALARM, 0x00, t0);
	wr(f, MC146818_HOURS_ALARM, 0x00, t0);
	wr(f, MC146818_REG_B, MC146818_B_AIE | MC146818_B_24H, t0);
	d = mc146818_next_deadline(&f->rtc, t0);
	assert_int_equal(d, (LEAP_END + 6) * NS); /* 03-01 00:00:05 */
	mc146818_advance(&f->rtc, d - 1);
	assert_int_equal(f->level, 0);
	/* Updates before the alarm set UF but do not interrupt. */
	assert_int_equal(rd(f, MC146818_REG_C, d - 1), 0x10);
	mc146818_advance(&f->rtc, d);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, MC146818_REG_C, d), 0xb0);
	assert_int_equal(f->level, 0);
	assert_int_equal(mc146818_next_deadline(&f->rtc, d), d + 86400 * NS);
	/* 12 h mode: 0x12 in the hour alarm is midnight. */
	wr(f, MC146818_REG_B, MC146818_B_AIE, d);
	wr(f, MC146818_HOURS_ALARM, 0x12, d);
	assert_int_equal(mc146818_next_deadline(&f->rtc, d), d + 86400 * NS);
	wr(f, MC146818_HOURS_ALARM, 0x92, d); /* 12 PM = noon */
	assert_int_equal(mc146818_next_deadline(&f->rtc, d), d + 43200 * NS);
}

static void test_alarm_dont_care(void **state)
{
	static const struct {
		uint8_t sec, min, hour;
		int64_t next; /* seconds after 12:00:00, -1 = never */
	} cases[] = {
		{0xff, 0xff, 0xff, 1},	   {0x30, 0xff, 0xff, 30},
		{0x00, 0xc0, 0xff, 60},	   {0x00, 0x00, 0xff, 3600},
		{0x00, 0x00, 0x12, 86400}, {0x59, 0x59, 0x11, 86399},
		{0x00, 0x30, 0xc5, 1800},  {0x60, 0x00, 0x00, -1},
		{0x5a, 0xff, 0xff, -1},	   {0x00, 0x00, 0x24, -1},
	};
	int64_t t0 = LEAP_NOON * NS + 500 * MS;
	struct fake *f = start(state, t0);
	size_t i;

	wr(f, MC146818_REG_A, 0x20, t0);
	wr(f, MC146818_REG_B, MC146818_B_AIE | MC146818_B_24H, t0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int64_t d;

		wr(f, MC146818_SECONDS_ALARM, cases[i].sec, t0);
		wr(f, MC146818_MINUTES_ALARM, cases[i].min, t0);
		wr(f, MC146818_HOURS_ALARM, cases[i].hour, t0);
		d = mc146818_next_deadline(&f->rtc, t0);
		if (cases[i].next < 0)
			assert_int_equal(d, -1);
		else
			assert_int_equal(d, (LEAP_NOON + cases[i].next) * NS);
	}
}

static void test_alarm_seen_late(void **state)
{
	int64_t t0 = LEAP_NOON * NS + 500 * MS;
	struct fake *f = start(state, t0);

	wr(f, MC146818_REG_A, 0x20, t0);
	wr(f, MC146818_SECONDS_ALARM, 0x30, t0);
	wr(f, MC146818_MINUTES_ALARM, 0xff, t0);
	wr(f, MC146818_HOURS_ALARM, 0xff, t0);
	/* No AIE, no advance calls: the flag is still there when read. */
	assert_int_equal(rd(f, MC146818_REG_C, t0 + 20 * NS), 0x10);
	assert_int_equal(rd(f, MC146818_REG_C, t0 + 40 * NS), 0x30);
	assert_int_equal(rd(f, MC146818_REG_C, t0 + 41 * NS), 0x10);
	assert_int_equal(f->changes, 0);
}

static void test_nvram_and_readonly(void **state)
{
	int64_t now = LEAP_NOON * NS;
	struct fake *f = start(state, now);

	/* Bit 7 of the index (NMI mask) is ignored. */
	mc146818_write(&f->rtc, 0, 0x80 | 0x40, now);
	mc146818_write(&f->rtc, 1, 0x5a, now);
	assert_int_equal(rd(f, 0x40, now), 0x5a);
	wr(f, 0x7f, 0xa5, now);
	assert_int_equal(rd(f, 0x7f, now), 0xa5);
	wr(f, MC146818_SECONDS_ALARM, 0x42, now);
	assert_int_equal(rd(f, MC146818_SECONDS_ALARM, now), 0x42);
	wr(f, MC146818_REG_C, 0xff, now);
	assert_int_equal(rd(f, MC146818_REG_C, now), 0x00);
	wr(f, MC146818_REG_D, 0x00, now);
	assert_int_equal(rd(f, MC146818_REG_D, now), 0x80);
	wr(f, MC146818_REG_A, 0xa6, now); /* UIP is read-only */
	assert_int_equal(rd(f, MC146818_REG_A, now), 0x26);
	wr(f, MC146818_REG_B, 0x0f, now);
	assert_int_equal(rd(f, MC146818_REG_B, now), 0x0f);
	mc146818_write(&f->rtc, 5, 0x33, now); /* bad port: ignored */
	assert_int_equal(rd(f, 0x7f, now), 0xa5);
}

static void test_set_mem_size(void **state)
{
	static const struct {
		uint64_t below, above;
		uint8_t expect[11]; /* 15 16 17 18 30 31 34 35 5b 5c 5d */
	} cases[] = {
		{512 << 10, 0, {0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{32 << 20, 0,
		 {0x80, 0x02, 0x00, 0x7c, 0x00, 0x7c, 0x00, 0x01, 0, 0, 0}},
		{3ULL << 30, 2ULL << 30,
		 {0x80, 0x02, 0xff, 0xff, 0xff, 0xff, 0x00, 0xbf, 0x00, 0x80,
		  0x00}},
		{0xffffffffULL, 1ULL << 50,
		 {0x80, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff,
		  0xff}},
	};
	static const uint8_t idx[11] = {0x15, 0x16, 0x17, 0x18, 0x30, 0x31,
					0x34, 0x35, 0x5b, 0x5c, 0x5d};
	int64_t now = LEAP_NOON * NS;
	struct fake *f = start(state, now);
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		mc146818_set_mem_size(&f->rtc, cases[i].below, cases[i].above);
		for (j = 0; j < ARRAY_SIZE(idx); j++) {
			uint8_t want = cases[i].expect[j];

			assert_int_equal(rd(f, idx[j], now), want);
		}
	}
}

static void test_clock_goes_back_and_extremes(void **state)
{
	static const int64_t times[] = {INT64_MIN, -1, 0, INT64_MAX};
	int64_t t0 = LEAP_NOON * NS;
	struct fake *f = start(state, t0);
	size_t i;
	unsigned idx, mode;

	wr(f, MC146818_REG_B, MC146818_B_PIE | MC146818_B_24H, t0);
	mc146818_advance(&f->rtc, t0 - 10 * NS); /* backwards: nothing */
	assert_int_equal(f->level, 0);
	mc146818_advance(&f->rtc, t0 - 5 * NS);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, MC146818_REG_C, t0), 0xd0); /* PF, UF */
	/* Nothing traps (UBSan) at the ends of the host time range. */
	for (i = 0; i < ARRAY_SIZE(times); i++) {
		for (mode = 0; mode < 8; mode++) {
			wr(f, MC146818_REG_B, (uint8_t)(0x70 | mode), times[i]);
			for (idx = 0; idx < 128; idx++)
				(void)rd(f, idx, times[i]);
			(void)mc146818_next_deadline(&f->rtc, times[i]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_reset_values),
		T(test_bcd_24h),
		T(test_binary_mode),
		T(test_12h_mode),
		T(test_uip),
		T(test_rollover),
		T(test_guest_sets_time),
		T(test_set_without_writes_loses_time),
		T(test_write_running_clock),
		T(test_bad_values_clamped),
		T(test_divider_reset),
		T(test_periodic_rates),
		T(test_periodic_1024hz),
		T(test_flags_without_enables),
		T(test_update_interrupt),
		T(test_alarm),
		T(test_alarm_dont_care),
		T(test_alarm_seen_late),
		T(test_nvram_and_readonly),
		T(test_set_mem_size),
		T(test_clock_goes_back_and_extremes),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
