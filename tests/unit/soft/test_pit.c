/* SPDX-License-Identifier: MIT */
/*
 * pit unit tests: 8254 and port 0x61 register sequences at explicit times,
 * with a fake IRQ 0 line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/soft/pit.h"

/* A start time on a clock edge (1 s holds exactly PIT_HZ clocks), so a
 * count loaded at T0 reaches d = k at T0 + tk(k). */
#define T0 1000000000ll

struct fake {
	unsigned irqs;
	struct pit pit;
};

static void fake_irq0(void *ctx)
{
	struct fake *f = ctx;

	f->irqs++;
}

static int setup(void **state)
{
	static struct fake f;

	memset(&f, 0, sizeof(f));
	pit_init(&f.pit, fake_irq0, &f, T0);
	*state = &f;
	return 0;
}

/* The first time (ns after the load) by which `k` clocks have passed. */
static int64_t tk(uint64_t k)
{
	return (int64_t)((k * 1000000000ull + PIT_HZ - 1) / PIT_HZ);
}

static void wr(struct pit *p, uint16_t port, uint8_t v, int64_t t)
{
	pit_write(p, port, v, t);
}

static uint8_t rd(struct pit *p, uint16_t port, int64_t t)
{
	return pit_read(p, port, t);
}

static unsigned rd16(struct pit *p, uint16_t port, int64_t t)
{
	unsigned lo = rd(p, port, t);

	return lo | (unsigned)rd(p, port, t) << 8;
}

static void load16(struct pit *p, uint16_t port, unsigned n, int64_t t)
{
	wr(p, port, (uint8_t)n, t);
	wr(p, port, (uint8_t)(n >> 8), t);
}

/* Linux's pit_calibrate_tsc: channel 2, mode 0, poll OUT2 at 0x61. */
static void test_linux_calibration(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;
	const unsigned latch = 59659; /* 50 ms */
	uint8_t v;

	v = rd(p, 0x61, T0);
	assert_int_equal(v & 0x23, 0); /* gate off, speaker off, OUT2 low */
	wr(p, 0x61, (uint8_t)((v & ~0x02) | 0x01), T0);
	wr(p, 0x43, 0xb0, T0);
	/* Loaded between two clock edges: counts from the next edge. */
	load16(p, 0x42, latch, T0 + 100);
	assert_int_equal(rd(p, 0x61, T0 + 100) & 0x21, 0x01);
	assert_int_equal(rd(p, 0x61, T0 + tk(latch) - 1) & 0x20, 0);
	assert_int_equal(rd(p, 0x61, T0 + tk(latch)) & 0x20, 0x20);
	/* OUT stays high in mode 0, the counter wraps on. */
	assert_int_equal(rd(p, 0x61, T0 + 10 * tk(latch)) & 0x20, 0x20);

	/* quick_pit_calibrate: 0xffff, read LSB then MSB. */
	wr(p, 0x43, 0xb0, T0);
	load16(p, 0x42, 0xffff, T0);
	assert_int_equal(rd16(p, 0x42, T0), 0xffff);
	assert_int_equal(rd16(p, 0x42, T0 + tk(256)), 0xffff - 256);
	assert_int_equal(rd16(p, 0x42, T0 + tk(0x10000)), 0xffff);
	/* No IRQ 0 from channel 2. */
	assert_int_equal(pit_next_event(p, T0), INT64_MAX);
}

static void test_mode0_irq_and_latch(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;

	wr(p, 0x43, 0x30, T0); /* ch0, lsb/msb, mode 0 */
	assert_int_equal(pit_out(p, 0, T0), 0);
	load16(p, 0x40, 1000, T0);
	assert_int_equal(pit_next_event(p, T0), T0 + tk(1000));
	assert_int_equal(rd16(p, 0x40, T0 + tk(10)), 990);
	/* Latch at 500 clocks, read later: the latched value. */
	wr(p, 0x43, 0x00, T0 + tk(500));
	wr(p, 0x43, 0x00, T0 + tk(600)); /* a second latch is ignored */
	assert_int_equal(rd16(p, 0x40, T0 + tk(700)), 500);
	assert_int_equal(rd16(p, 0x40, T0 + tk(700)), 300);
	pit_advance(p, T0 + tk(1000) - 1);
	assert_int_equal(f->irqs, 0);
	pit_advance(p, T0 + tk(1000));
	assert_int_equal(f->irqs, 1);
	assert_int_equal(pit_next_event(p, T0), INT64_MAX);
	pit_advance(p, T0 + tk(100000));
	assert_int_equal(f->irqs, 1);
	/* Wrapped past zero. */
	assert_int_equal(rd16(p, 0x40, T0 + tk(1001)), 0xffff);
	/* First byte of a new count stops counting and drops OUT. */
	wr(p, 0x40, 0x10, T0 + tk(2000));
	assert_int_equal(pit_out(p, 0, T0 + tk(3000)), 0);
	assert_int_equal(pit_next_event(p, 0), INT64_MAX);
	wr(p, 0x40, 0x00, T0 + tk(3000));
	assert_int_equal(pit_next_event(p, 0), T0 + tk(3016));
}

static void test_mode2_periodic_discard(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;
	const unsigned latch = 11932; /* 100 Hz */
	int64_t next;

	wr(p, 0x43, 0x34, T0);
	load16(p, 0x40, latch, T0);
	assert_int_equal(pit_next_event(p, T0), T0 + tk(latch));
	/* OUT low for the last clock of each period. */
	assert_int_equal(pit_out(p, 0, T0 + tk(latch - 2)), 1);
	assert_int_equal(pit_out(p, 0, T0 + tk(latch - 1)), 0);
	assert_int_equal(pit_out(p, 0, T0 + tk(latch)), 1);
	assert_int_equal(rd16(p, 0x40, T0 + tk(latch - 1)), 1);
	assert_int_equal(rd16(p, 0x40, T0 + tk(latch)), latch);
	pit_advance(p, T0 + tk(latch));
	assert_int_equal(f->irqs, 1);
	assert_int_equal(pit_next_event(p, 0), T0 + tk(2 * latch));
	/* A one-second stall: one edge, then back in phase. */
	pit_advance(p, T0 + 1000000000ll);
	assert_int_equal(f->irqs, 2);
	next = pit_next_event(p, 0);
	assert_true(next > T0 + 1000000000ll);
	assert_int_equal(next, T0 + tk(100 * (uint64_t)latch));
	pit_advance(p, T0 + 1000000000ll);
	assert_int_equal(f->irqs, 2);
	/* No drift: edge 100000 is exact. */
	pit_advance(p, T0 + tk(100000ull * latch) - 1);
	assert_int_equal(pit_next_event(p, 0), T0 + tk(100000ull * latch));
}

static void test_periodic_clamp(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;

	wr(p, 0x43, 0x34, T0);
	load16(p, 0x40, 2, T0);
	assert_int_equal(pit_next_event(p, T0), T0 + PIT_MIN_PERIOD_NS);
	pit_advance(p, T0 + 10000000);
	assert_int_equal(f->irqs, 1);
	assert_int_equal(pit_next_event(p, 0), T0 + 10000000 + PIT_MIN_PERIOD_NS);
	/* The counter still reads at its programmed rate. */
	assert_int_equal(rd16(p, 0x40, T0 + tk(1)), 1);
	/* Count 1 (illegal in mode 2) does not storm either. */
	wr(p, 0x43, 0x14, T0);
	wr(p, 0x40, 1, T0);
	assert_int_equal(pit_next_event(p, T0), T0 + PIT_MIN_PERIOD_NS);
}

static void test_mode3_square_wave(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;

	/* Even count 10: OUT high 5 clocks, low 5, counting by twos. */
	wr(p, 0x43, 0x36, T0);
	load16(p, 0x40, 10, T0);
	assert_int_equal(rd16(p, 0x40, T0), 10);
	assert_int_equal(rd16(p, 0x40, T0 + tk(1)), 8);
	assert_int_equal(rd16(p, 0x40, T0 + tk(4)), 2);
	assert_int_equal(pit_out(p, 0, T0 + tk(4)), 1);
	assert_int_equal(pit_out(p, 0, T0 + tk(5)), 0);
	assert_int_equal(rd16(p, 0x40, T0 + tk(5)), 10);
	assert_int_equal(pit_out(p, 0, T0 + tk(9)), 0);
	assert_int_equal(pit_out(p, 0, T0 + tk(10)), 1);
	/* Odd count 7: high 4 clocks, low 3; loads N-1. */
	wr(p, 0x43, 0x36, T0);
	load16(p, 0x40, 7, T0);
	assert_int_equal(rd16(p, 0x40, T0), 6);
	assert_int_equal(pit_out(p, 0, T0 + tk(3)), 1);
	assert_int_equal(pit_out(p, 0, T0 + tk(4)), 0);
	assert_int_equal(rd16(p, 0x40, T0 + tk(4)), 6);
	assert_int_equal(pit_out(p, 0, T0 + tk(6)), 0);
	assert_int_equal(pit_out(p, 0, T0 + tk(7)), 1);
	/* Mode 7 is mode 3. */
	wr(p, 0x43, 0x3e, T0);
	load16(p, 0x40, 10, T0);
	assert_int_equal(rd16(p, 0x40, T0 + tk(1)), 8);
}

static void test_readback_status(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;

	wr(p, 0x43, 0x34, T0);
	/* Status only, channel 0: OUT high, NULL COUNT, rw 3, mode 2. */
	wr(p, 0x43, 0xe2, T0);
	assert_int_equal(rd(p, 0x40, T0), 0xf4);
	load16(p, 0x40, 100, T0);
	/* Status and count: status first, then the count bytes. */
	wr(p, 0x43, 0xc2, T0 + tk(30));
	assert_int_equal(rd(p, 0x40, T0 + tk(50)), 0xb4);
	assert_int_equal(rd16(p, 0x40, T0 + tk(50)), 70);
	/* Count only, channels 0 and 2. */
	wr(p, 0x61, 0x01, T0);
	wr(p, 0x43, 0xb0, T0);
	load16(p, 0x42, 0x1234, T0);
	wr(p, 0x43, 0xda, T0 + tk(4));
	assert_int_equal(rd16(p, 0x42, T0 + tk(9)), 0x1230);
	assert_int_equal(rd16(p, 0x40, T0 + tk(9)), 96);
	/* Channel 2 status with OUT low: 0x30 | mode 0. */
	wr(p, 0x43, 0xe8, T0 + tk(10));
	assert_int_equal(rd(p, 0x42, T0 + tk(10)), 0x30);
	/* Port 0x43 reads nothing. */
	assert_int_equal(rd(p, 0x43, T0), 0xff);
}

static void test_access_modes_bcd(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;

	/* LSB only. */
	wr(p, 0x43, 0x50, T0); /* ch1, lsb, mode 0 */
	wr(p, 0x41, 200, T0);
	assert_int_equal(rd(p, 0x41, T0 + tk(50)), 150);
	/* MSB only. */
	wr(p, 0x43, 0x60, T0);
	wr(p, 0x41, 0x02, T0);
	assert_int_equal(rd(p, 0x41, T0 + tk(1)), 0x01);
	/* BCD: 1000 decimal. */
	wr(p, 0x43, 0x71, T0);
	load16(p, 0x41, 0x1000, T0);
	assert_int_equal(rd16(p, 0x41, T0 + tk(10)), 0x0990);
	assert_int_equal(rd16(p, 0x41, T0 + tk(1001)), 0x9999);
	/* BCD count 0 is 10000. */
	wr(p, 0x43, 0x71, T0);
	load16(p, 0x41, 0, T0);
	assert_int_equal(rd16(p, 0x41, T0 + tk(1)), 0x9999);
	/* Binary count 0 is 65536. */
	wr(p, 0x43, 0x70, T0);
	load16(p, 0x41, 0, T0);
	assert_int_equal(rd16(p, 0x41, T0 + tk(1)), 0xffff);
	assert_int_equal(pit_out(p, 1, T0 + tk(65535)), 0);
	assert_int_equal(pit_out(p, 1, T0 + tk(65536)), 1);
}

static void test_gate_modes(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;
	int64_t t;

	/* Mode 1 on channel 2 waits for a GATE trigger. */
	wr(p, 0x43, 0xb2, T0);
	load16(p, 0x42, 100, T0);
	assert_int_equal(rd(p, 0x61, T0 + tk(500)) & 0x20, 0x20);
	wr(p, 0x61, 0x01, T0 + tk(1000));
	t = T0 + tk(1000);
	assert_int_equal(rd(p, 0x61, t + tk(1)) & 0x20, 0);
	assert_int_equal(rd(p, 0x61, t + tk(99)) & 0x20, 0);
	assert_int_equal(rd(p, 0x61, t + tk(100)) & 0x20, 0x20);
	/* Retrigger. */
	wr(p, 0x61, 0x00, t + tk(200));
	wr(p, 0x61, 0x01, t + tk(300));
	assert_int_equal(rd(p, 0x61, t + tk(350)) & 0x20, 0);

	/* Mode 0 pauses while GATE is low. */
	wr(p, 0x43, 0xb0, T0);
	load16(p, 0x42, 1000, T0); /* gate is high */
	wr(p, 0x61, 0x00, T0 + tk(100));
	assert_int_equal(rd16(p, 0x42, T0 + tk(500)), 900);
	wr(p, 0x61, 0x01, T0 + tk(600));
	assert_int_equal(rd16(p, 0x42, T0 + tk(700)), 800);
	assert_int_equal(rd(p, 0x61, T0 + tk(1499)) & 0x20, 0);
	assert_int_equal(rd(p, 0x61, T0 + tk(1500)) & 0x20, 0x20);

	/* Mode 4: OUT low for the one clock at terminal count. */
	wr(p, 0x43, 0xb8, T0);
	load16(p, 0x42, 50, T0);
	assert_int_equal(pit_out(p, 2, T0 + tk(49)), 1);
	assert_int_equal(pit_out(p, 2, T0 + tk(50)), 0);
	assert_int_equal(pit_out(p, 2, T0 + tk(51)), 1);

	/* Mode 2: GATE low forces OUT high and stops; rising reloads. */
	wr(p, 0x43, 0xb4, T0);
	load16(p, 0x42, 50, T0);
	wr(p, 0x61, 0x00, T0 + tk(49));
	assert_int_equal(pit_out(p, 2, T0 + tk(49)), 1);
	wr(p, 0x61, 0x01, T0 + tk(60));
	assert_int_equal(rd16(p, 0x42, T0 + tk(70)), 40);
}

static void test_port61(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;

	wr(p, 0x61, 0xff, T0);
	/* Bits 0-3 read back; 6-7 (NMI sources) read 0. */
	assert_int_equal(rd(p, 0x61, 0) & 0xcf, 0x0f);
	/* Refresh toggles every PIT_REFRESH_NS. */
	assert_int_equal(rd(p, 0x61, 0) & 0x10, 0);
	assert_int_equal(rd(p, 0x61, PIT_REFRESH_NS) & 0x10, 0x10);
	assert_int_equal(rd(p, 0x61, 2 * PIT_REFRESH_NS) & 0x10, 0);
	assert_int_equal(rd(p, 0x60, 0), 0xff);
}

static void test_hostile(void **state)
{
	struct fake *f = *state;
	struct pit *p = &f->pit;
	static const uint16_t ports[] = {0x40, 0x41, 0x42, 0x43, 0x61};
	uint32_t x = 99;
	int64_t t = T0;

	for (int i = 0; i < 200000; i++) {
		unsigned before = f->irqs;

		x = x * 1103515245u + 12345u;
		t += (x >> 20) & 0xfff;
		uint16_t port = ports[(x >> 8) % 5];
		if (x & 0x10)
			wr(p, port, (uint8_t)(x >> 24), t);
		else
			(void)rd(p, port, t);
		pit_advance(p, t);
		assert_true(f->irqs - before <= 1);
		assert_true(pit_next_event(p, t) > t);
	}
	/* A whole second with the fastest programming: bounded edges. */
	wr(p, 0x43, 0x34, t);
	load16(p, 0x40, 1, t);
	f->irqs = 0;
	for (int64_t s = t; s < t + 1000000000ll; s += 1000)
		pit_advance(p, s);
	assert_true(f->irqs <= 1000000000ll / PIT_MIN_PERIOD_NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_linux_calibration, setup),
		cmocka_unit_test_setup(test_mode0_irq_and_latch, setup),
		cmocka_unit_test_setup(test_mode2_periodic_discard, setup),
		cmocka_unit_test_setup(test_periodic_clamp, setup),
		cmocka_unit_test_setup(test_mode3_square_wave, setup),
		cmocka_unit_test_setup(test_readback_status, setup),
		cmocka_unit_test_setup(test_access_modes_bcd, setup),
		cmocka_unit_test_setup(test_gate_modes, setup),
		cmocka_unit_test_setup(test_port61, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
