/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the MC146818 model. The input is a program of
 * port accesses, time steps (forward, backward, huge), deadline-driven
 * advances and memory-size updates. Invariants checked after every step:
 * the IRQ line equals register C's IRQF, IRQF equals the enabled flags,
 * set_irq is called only on a change, register D reads VRT, and a deadline
 * is exact: nothing enabled fires 1 ns before it, something fires at it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm/hw/mc146818.h"

struct harness {
	struct mc146818 rtc;
	int level;
	int64_t now;
};

static void check(int cond)
{
	if (!cond)
		abort();
}

static void h_set_irq(void *opaque, int level)
{
	struct harness *h = opaque;

	check(level == 0 || level == 1);
	check(level != h->level);
	h->level = level;
}

static const struct mc146818_ops h_ops = {.set_irq = h_set_irq};

static void h_invariants(const struct harness *h)
{
	const uint8_t *c = h->rtc.cmos;
	int irqf = (c[MC146818_REG_C] & MC146818_C_IRQF) != 0;

	check(h->level == h->rtc.irq_level);
	check(h->level == irqf);
	check(irqf == ((c[MC146818_REG_C] & c[MC146818_REG_B] & 0x70) != 0));
	check((c[MC146818_REG_C] & 0x0f) == 0);
	check(c[MC146818_REG_D] == MC146818_D_VRT);
	check(h->rtc.index < MC146818_CMOS_SIZE);
	check(h->rtc.offset.nsec >= 0 && h->rtc.offset.nsec < 1000000000);
	check(h->rtc.synced.nsec >= 0 && h->rtc.synced.nsec < 1000000000);
}

static uint64_t h_take(const uint8_t *data, size_t size, size_t *i,
		       unsigned n)
{
	uint64_t v = 0;
	unsigned k;

	for (k = 0; k < n; k++)
		v = v << 8 | (*i < size ? data[(*i)++] : 0);
	return v;
}

/* Advances to the next deadline and checks that it is exact. */
static void h_run_to_deadline(struct harness *h)
{
	int64_t d = mc146818_next_deadline(&h->rtc, h->now);

	if (d < 0)
		return;
	/* A deadline always lies after the last call's time. */
	check(d > h->now);
	if (d == INT64_MAX)
		return; /* saturated: out of the host clock's range */
	if (d - 1 > h->now) {
		int was = h->level;

		mc146818_advance(&h->rtc, d - 1);
		check(h->level == was);
		h_invariants(h);
	}
	mc146818_advance(&h->rtc, d);
	check(h->level == 1);
	h->now = d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h;
	size_t i = 0;

	memset(&h, 0, sizeof(h));
	/* Start near 2024 unless the input says otherwise. */
	h.now = 1709251199LL * 1000000000LL +
		(int64_t)h_take(data, size, &i, 4) * 1000;
	mc146818_init(&h.rtc, &h_ops, &h, h.now);
	h_invariants(&h);
	while (i < size) {
		uint8_t op = data[i++];
		uint64_t a;

		switch (op & 7) {
		case 0: /* index */
		case 1: /* data, twice as likely */
		case 2:
			a = h_take(data, size, &i, 1);
			mc146818_write(&h.rtc, (op & 7) ? 1 : 0, (uint8_t)a,
				       h.now);
			break;
		case 3: {
			unsigned idx = h.rtc.index;
			uint8_t v = mc146818_read(&h.rtc, 1, h.now);

			if (idx == MC146818_REG_D)
				check(v == MC146818_D_VRT);
			if (idx == MC146818_REG_C)
				check(h.level == 0);
			break;
		}
		case 4: /* small step forward: up to ~16 ms */
			a = h_take(data, size, &i, 3);
			if (__builtin_add_overflow(h.now, (int64_t)a, &h.now))
				h.now = INT64_MAX;
			mc146818_advance(&h.rtc, h.now);
			break;
		case 5:
			h_run_to_deadline(&h);
			break;
		case 6: /* arbitrary jump, including backwards */
			h.now = (int64_t)h_take(data, size, &i, 8);
			mc146818_advance(&h.rtc, h.now);
			break;
		default:
			if (op & 8) {
				uint64_t b;

				a = h_take(data, size, &i, 4) << 12;
				b = h_take(data, size, &i, 4) << 16;
				mc146818_set_mem_size(&h.rtc, a, b);
			} else {
				(void)mc146818_read(&h.rtc, op >> 4, h.now);
			}
			break;
		}
		h_invariants(&h);
	}
	return 0;
}
