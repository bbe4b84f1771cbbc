/* SPDX-License-Identifier: MIT */
/*
 * lapic unit tests: register sequences at explicit times against fake
 * callbacks that record what the APIC sends out.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/soft/lapic.h"
#include "hv/soft/soft.h"

#define T0 5000000000ll

struct fake {
	unsigned notify, nmi, init, sipi, eoi, ipi;
	uint8_t sipi_vector, eoi_vector;
	uint32_t ipi_lo, ipi_hi;
	struct lapic l;
};

static void f_notify(void *ctx)
{
	((struct fake *)ctx)->notify++;
}

static void f_nmi(void *ctx)
{
	((struct fake *)ctx)->nmi++;
}

static void f_init(void *ctx)
{
	((struct fake *)ctx)->init++;
}

static void f_sipi(void *ctx, uint8_t v)
{
	struct fake *f = ctx;

	f->sipi++;
	f->sipi_vector = v;
}

static void f_eoi(void *ctx, uint8_t v)
{
	struct fake *f = ctx;

	f->eoi++;
	f->eoi_vector = v;
}

static void f_ipi(void *ctx, uint32_t lo, uint32_t hi)
{
	struct fake *f = ctx;

	f->ipi++;
	f->ipi_lo = lo;
	f->ipi_hi = hi;
}

static const struct lapic_ops fake_ops = {
	.notify = f_notify,
	.nmi = f_nmi,
	.init = f_init,
	.sipi = f_sipi,
	.eoi = f_eoi,
	.send_ipi = f_ipi,
};

static int setup(void **state)
{
	static struct fake f;

	memset(&f, 0, sizeof(f));
	lapic_init(&f.l, 0, 1, &fake_ops, &f, T0);
	*state = &f;
	return 0;
}

static uint32_t rd(struct lapic *l, unsigned reg)
{
	return (uint32_t)lapic_read(l, reg, 4, T0);
}

static void wr(struct lapic *l, unsigned reg, uint32_t v)
{
	lapic_write(l, reg, 4, v, T0);
}

static void enable(struct lapic *l)
{
	wr(l, LAPIC_SVR, 0x1ff);
}

static int irr_test(struct lapic *l, unsigned v)
{
	return !!(rd(l, LAPIC_IRR + (v >> 5) * 16) & (1u << (v & 31)));
}

static void test_reset_state(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;
	struct lapic ap;

	assert_int_equal(lapic_get_base(l), 0xfee00900);
	assert_int_equal(lapic_mmio_base(l), 0xfee00000);
	assert_int_equal(rd(l, LAPIC_ID), 0);
	assert_int_equal(rd(l, LAPIC_VER), 0x00050014);
	assert_int_equal(rd(l, LAPIC_SVR), 0xff);
	assert_int_equal(rd(l, LAPIC_DFR), 0xffffffff);
	assert_int_equal(rd(l, LAPIC_LDR), 0);
	assert_int_equal(rd(l, LAPIC_TPR), 0);
	assert_int_equal(rd(l, LAPIC_LVT_TIMER), 0x10000);
	assert_int_equal(rd(l, LAPIC_LVT_LINT0), 0x700); /* BSP: virtual wire */
	assert_int_equal(rd(l, LAPIC_LVT_LINT1), 0x10000);
	assert_int_equal(rd(l, LAPIC_LVT_ERROR), 0x10000);
	assert_int_equal(lapic_has_intr(l), -1);
	assert_int_equal(lapic_next_event(l, T0), INT64_MAX);

	lapic_init(&ap, 3, 0, &fake_ops, f, T0);
	assert_int_equal(lapic_get_base(&ap), 0xfee00800);
	assert_int_equal(rd(&ap, LAPIC_ID), 0x03000000);
	assert_int_equal(rd(&ap, LAPIC_LVT_LINT0), 0x10000);
}

static void test_priority_nesting_eoi(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	/* Software-disabled: fixed interrupts are dropped. */
	lapic_accept(l, LAPIC_DM_FIXED, 0x31, 0);
	assert_int_equal(lapic_has_intr(l), -1);
	enable(l);
	lapic_accept(l, LAPIC_DM_FIXED, 0x31, 0);
	assert_true(f->notify > 0);
	assert_true(irr_test(l, 0x31));
	assert_int_equal(lapic_has_intr(l), 0x31);
	assert_int_equal(lapic_ack(l), 0x31);
	assert_int_equal(rd(l, LAPIC_ISR + 0x10), 1u << 17);
	assert_int_equal(rd(l, LAPIC_PPR), 0x30);
	/* Same class as in service: held. */
	lapic_accept(l, LAPIC_DM_FIXED, 0x35, 0);
	assert_int_equal(lapic_has_intr(l), -1);
	/* Higher class nests. */
	lapic_accept(l, LAPIC_DM_FIXED, 0x41, 0);
	assert_int_equal(lapic_ack(l), 0x41);
	assert_int_equal(rd(l, LAPIC_PPR), 0x40);
	assert_int_equal(lapic_ack(l), -1);
	/* EOI ends the highest in service first. */
	wr(l, LAPIC_EOI, 0);
	assert_int_equal(rd(l, LAPIC_PPR), 0x30);
	assert_int_equal(lapic_has_intr(l), -1);
	wr(l, LAPIC_EOI, 0);
	assert_int_equal(rd(l, LAPIC_PPR), 0x00);
	assert_int_equal(lapic_ack(l), 0x35);
	wr(l, LAPIC_EOI, 0);
	/* Edge EOIs are not broadcast. */
	assert_int_equal(f->eoi, 0);
	/* An EOI with nothing in service is harmless. */
	wr(l, LAPIC_EOI, 0);
}

static void test_tpr_cr8(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	enable(l);
	wr(l, LAPIC_TPR, 0x1ff);
	assert_int_equal(rd(l, LAPIC_TPR), 0xff);
	wr(l, LAPIC_TPR, 0x50);
	assert_int_equal(lapic_get_cr8(l), 5);
	lapic_accept(l, LAPIC_DM_FIXED, 0x51, 0);
	assert_int_equal(lapic_has_intr(l), -1);
	assert_int_equal(rd(l, LAPIC_PPR), 0x50);
	/* APR: TPR's class >= IRRV's but not > ISRV's... here TPR wins. */
	assert_int_equal(rd(l, LAPIC_APR), 0x50);
	lapic_accept(l, LAPIC_DM_FIXED, 0x61, 0);
	assert_int_equal(rd(l, LAPIC_APR), 0x60);
	assert_int_equal(lapic_has_intr(l), 0x61);
	lapic_set_cr8(l, 7);
	assert_int_equal(rd(l, LAPIC_TPR), 0x70);
	assert_int_equal(lapic_has_intr(l), -1);
	unsigned before = f->notify;
	lapic_set_cr8(l, 0);
	assert_true(f->notify > before);
	assert_int_equal(lapic_ack(l), 0x61);
	assert_int_equal(lapic_ack(l), -1); /* 0x51: same class as 0x61 */
	wr(l, LAPIC_EOI, 0);
	assert_int_equal(lapic_ack(l), 0x51);
}

static void test_level_eoi(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	enable(l);
	lapic_accept(l, LAPIC_DM_FIXED, 0x60, 1);
	assert_int_equal(rd(l, LAPIC_TMR + 0x30), 1u);
	assert_int_equal(lapic_ack(l), 0x60);
	wr(l, LAPIC_EOI, 0);
	assert_int_equal(f->eoi, 1);
	assert_int_equal(f->eoi_vector, 0x60);
	/* Re-accepted as edge: TMR clears, no broadcast. */
	lapic_accept(l, LAPIC_DM_FIXED, 0x60, 0);
	assert_int_equal(rd(l, LAPIC_TMR + 0x30), 0);
	assert_int_equal(lapic_ack(l), 0x60);
	wr(l, LAPIC_EOI, 0);
	assert_int_equal(f->eoi, 1);
}

static void test_errors_esr(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	enable(l);
	/* Received illegal vector. */
	lapic_accept(l, LAPIC_DM_FIXED, 5, 0);
	assert_int_equal(lapic_has_intr(l), -1);
	assert_int_equal(rd(l, LAPIC_ESR), 0); /* not latched yet */
	wr(l, LAPIC_ESR, 0);
	assert_int_equal(rd(l, LAPIC_ESR), LAPIC_ESR_RECV_ILLEGAL);
	wr(l, LAPIC_ESR, 0);
	assert_int_equal(rd(l, LAPIC_ESR), 0);
	/* Send illegal vector: nothing sent; error LVT interrupts. */
	wr(l, LAPIC_LVT_ERROR, 0xfe);
	wr(l, LAPIC_ICR_LO, 0x0003);
	assert_int_equal(f->ipi, 0);
	assert_true(irr_test(l, 0xfe));
	wr(l, LAPIC_ESR, 0);
	assert_int_equal(rd(l, LAPIC_ESR), LAPIC_ESR_SEND_ILLEGAL);
	/* Illegal register address. */
	assert_int_equal(rd(l, 0x2f0), 0);
	wr(l, 0x3f0, 1);
	wr(l, LAPIC_ESR, 0);
	assert_int_equal(rd(l, LAPIC_ESR), LAPIC_ESR_ILLEGAL_REG);
	/* An error vector below 16 does not loop. */
	wr(l, LAPIC_LVT_ERROR, 0x02);
	lapic_accept(l, LAPIC_DM_FIXED, 1, 0);
}

static void test_ipi_encoding(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;
	struct lapic other;

	enable(l);
	wr(l, LAPIC_ICR_HI, 0x02ffffff);
	assert_int_equal(rd(l, LAPIC_ICR_HI), 0x02000000);
	/* Fixed, physical, to APIC 2. */
	wr(l, LAPIC_ICR_LO, 0xfff340f1);
	assert_int_equal(f->ipi, 1);
	assert_int_equal(f->ipi_lo, 0x000040f1);
	assert_int_equal(f->ipi_hi, 0x02000000);
	assert_int_equal(rd(l, LAPIC_ICR_LO) & LAPIC_ICR_BUSY, 0);
	/* INIT assert, then de-assert (not sent), then SIPI vector 0x9f. */
	wr(l, LAPIC_ICR_LO, 0x0000c500);
	assert_int_equal(f->ipi, 2);
	wr(l, LAPIC_ICR_LO, 0x00008500);
	assert_int_equal(f->ipi, 2);
	wr(l, LAPIC_ICR_LO, 0x0000069f);
	assert_int_equal(f->ipi, 3);
	assert_int_equal(f->ipi_lo, 0x69f);

	/* Routing helpers. */
	lapic_init(&other, 2, 0, &fake_ops, f, T0);
	assert_true(lapic_ipi_is_target(&other, 0, 0x40f1, 0x02000000));
	assert_false(lapic_ipi_is_target(l, 1, 0x40f1, 0x02000000));
	assert_true(lapic_ipi_is_target(l, 1, 0x440f1, 0));  /* self */
	assert_false(lapic_ipi_is_target(&other, 0, 0x440f1, 0));
	assert_true(lapic_ipi_is_target(l, 1, 0x840f1, 0));  /* all */
	assert_true(lapic_ipi_is_target(&other, 0, 0x840f1, 0));
	assert_false(lapic_ipi_is_target(l, 1, 0xc40f1, 0)); /* others */
	assert_true(lapic_ipi_is_target(&other, 0, 0xc40f1, 0));
}

static void test_match_dest(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	wr(l, LAPIC_ID, 0x05123456);
	assert_int_equal(rd(l, LAPIC_ID), 0x05000000);
	assert_true(lapic_match_dest(l, 5, 0));
	assert_false(lapic_match_dest(l, 4, 0));
	assert_true(lapic_match_dest(l, 0xff, 0));
	/* Logical flat. */
	wr(l, LAPIC_LDR, 0x04ffffff);
	assert_int_equal(rd(l, LAPIC_LDR), 0x04000000);
	assert_true(lapic_match_dest(l, 0x0c, 1));
	assert_false(lapic_match_dest(l, 0x03, 1));
	assert_true(lapic_match_dest(l, 0xff, 1));
	/* Logical cluster: cluster 2, member bit 1. */
	wr(l, LAPIC_DFR, 0x0);
	assert_int_equal(rd(l, LAPIC_DFR), 0x0fffffff);
	wr(l, LAPIC_LDR, 0x22000000);
	assert_true(lapic_match_dest(l, 0x23, 1));
	assert_false(lapic_match_dest(l, 0x13, 1));
	assert_false(lapic_match_dest(l, 0x25, 1));
	/* A disabled APIC matches nothing. */
	assert_int_equal(lapic_set_base(l, 0xfee00100, T0), 0);
	assert_false(lapic_match_dest(l, 0xff, 0));
}

static void test_init_sipi_nmi(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	/* Even software-disabled, INIT, SIPI and NMI get through. */
	lapic_accept(l, LAPIC_DM_INIT, 0, 0);
	lapic_accept(l, LAPIC_DM_SIPI, 0x9f, 0);
	lapic_accept(l, LAPIC_DM_NMI, 0, 0);
	lapic_accept(l, LAPIC_DM_SMI, 0, 0);
	assert_int_equal(f->init, 1);
	assert_int_equal(f->sipi, 1);
	assert_int_equal(f->sipi_vector, 0x9f);
	assert_int_equal(f->nmi, 1);
	/* INIT reset keeps ID and base, clears the rest. */
	enable(l);
	wr(l, LAPIC_ID, 0x07000000);
	wr(l, LAPIC_TPR, 0x20);
	lapic_accept(l, LAPIC_DM_FIXED, 0x40, 0);
	lapic_init_reset(l, T0);
	assert_int_equal(rd(l, LAPIC_ID), 0x07000000);
	assert_int_equal(rd(l, LAPIC_TPR), 0);
	assert_int_equal(rd(l, LAPIC_SVR), 0xff);
	assert_int_equal(lapic_has_intr(l), -1);
	assert_int_equal(lapic_get_base(l), 0xfee00900);
	/* System reset brings the initial ID back. */
	lapic_reset(l, T0);
	assert_int_equal(rd(l, LAPIC_ID), 0);
}

static void test_timer_oneshot_divide(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;
	static const struct {
		uint32_t tdcr, div;
	} divs[] = {{0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32},
		    {0x9, 64}, {0xa, 128}, {0xb, 1}, {0xf3, 16}};

	enable(l);
	wr(l, LAPIC_LVT_TIMER, 0xec);
	for (unsigned i = 0; i < sizeof(divs) / sizeof(divs[0]); i++) {
		wr(l, LAPIC_TDCR, divs[i].tdcr);
		lapic_write(l, LAPIC_TMICT, 4, 1000, T0);
		assert_int_equal(lapic_next_event(l, T0),
				 T0 + 1000ll * divs[i].div);
		assert_int_equal(lapic_read(l, LAPIC_TMCCT, 4,
					    T0 + 500ll * divs[i].div), 500);
	}
	assert_int_equal(rd(l, LAPIC_TDCR), 0x3);
	/* Fire at expiry, once; the count reads 0 after. */
	lapic_advance(l, T0 + 16000 - 1);
	assert_false(irr_test(l, 0xec));
	lapic_advance(l, T0 + 16000);
	assert_true(irr_test(l, 0xec));
	assert_int_equal(lapic_read(l, LAPIC_TMCCT, 4, T0 + 16000), 0);
	assert_int_equal(lapic_next_event(l, T0), INT64_MAX);
	/* Divider change mid-count: the count goes on at the new rate. */
	lapic_write(l, LAPIC_TMICT, 4, 1000, T0);
	lapic_write(l, LAPIC_TDCR, 4, 0xb, T0 + 8000); /* at count 500 */
	assert_int_equal(lapic_read(l, LAPIC_TMCCT, 4, T0 + 8000), 500);
	assert_int_equal(lapic_next_event(l, T0), T0 + 8500);
	/* TMICT 0 stops it. */
	lapic_write(l, LAPIC_TMICT, 4, 0, T0);
	assert_int_equal(lapic_next_event(l, T0), INT64_MAX);
	assert_int_equal(rd(l, LAPIC_TMCCT), 0);
}

static void test_timer_periodic(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;
	const int64_t ms = 1000000;

	enable(l);
	wr(l, LAPIC_TDCR, 0xb);
	wr(l, LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0xef);
	lapic_write(l, LAPIC_TMICT, 4, 1000000, T0);
	assert_int_equal(lapic_next_event(l, T0), T0 + ms);
	assert_int_equal(lapic_read(l, LAPIC_TMCCT, 4, T0 + ms + 250000), 750000);
	/* A 10.5 ms stall: one interrupt, the next in phase at 11 ms. */
	lapic_advance(l, T0 + 10 * ms + ms / 2);
	assert_true(irr_test(l, 0xef));
	assert_int_equal(lapic_next_event(l, 0), T0 + 11 * ms);
	assert_int_equal(lapic_ack(l), 0xef);
	wr(l, LAPIC_EOI, 0);
	lapic_advance(l, T0 + 10 * ms + ms / 2);
	assert_false(irr_test(l, 0xef));
	/* Masked: counts on, no interrupt. */
	wr(l, LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | LAPIC_LVT_MASKED | 0xef);
	lapic_advance(l, T0 + 11 * ms);
	assert_false(irr_test(l, 0xef));
	assert_int_equal(lapic_next_event(l, 0), T0 + 12 * ms);
	/* A tiny period is clamped: no storm. */
	wr(l, LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | 0xef);
	lapic_write(l, LAPIC_TMICT, 4, 1, T0);
	assert_int_equal(lapic_next_event(l, T0), T0 + LAPIC_MIN_PERIOD_NS);
	unsigned fired = 0;
	for (int64_t t = T0; t < T0 + 100 * ms; t += 1000) {
		lapic_advance(l, t);
		if (lapic_ack(l) == 0xef) {
			fired++;
			wr(l, LAPIC_EOI, 0);
		}
	}
	assert_true(fired <= 100 * ms / LAPIC_MIN_PERIOD_NS);
	assert_true(fired >= 100 * ms / LAPIC_MIN_PERIOD_NS - 1);
	assert_true(lapic_read(l, LAPIC_TMCCT, 4, T0 + 5) <= 1);
	/* Periodic -> one-shot: the count in progress ends and stops. */
	lapic_write(l, LAPIC_TMICT, 4, 1000000, T0);
	wr(l, LAPIC_LVT_TIMER, 0xef);
	lapic_advance(l, T0 + ms);
	assert_int_equal(lapic_next_event(l, 0), INT64_MAX);
}

static void test_timer_tsc_deadline(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;
	uint64_t tsc = lapic_ns_to_tsc(T0 + 5000);

	enable(l);
	/* Outside deadline mode the MSR reads 0 and ignores writes. */
	lapic_set_tsc_deadline(l, tsc, T0);
	assert_int_equal(lapic_get_tsc_deadline(l), 0);
	assert_int_equal(lapic_next_event(l, T0), INT64_MAX);
	wr(l, LAPIC_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xd0);
	assert_int_equal(rd(l, LAPIC_LVT_TIMER), 0x400d0);
	/* TMICT is ignored in this mode. */
	wr(l, LAPIC_TMICT, 100);
	assert_int_equal(rd(l, LAPIC_TMICT), 0);
	lapic_set_tsc_deadline(l, tsc, T0);
	assert_int_equal(lapic_get_tsc_deadline(l), tsc);
	assert_int_equal(lapic_next_event(l, T0), lapic_tsc_to_ns(tsc));
	assert_int_equal(lapic_tsc_to_ns(tsc), T0 + 5000); /* 1 GHz TSC */
	lapic_advance(l, T0 + 4999);
	assert_false(irr_test(l, 0xd0));
	lapic_advance(l, T0 + 5000);
	assert_true(irr_test(l, 0xd0));
	assert_int_equal(lapic_get_tsc_deadline(l), 0);
	assert_int_equal(lapic_ack(l), 0xd0);
	wr(l, LAPIC_EOI, 0);
	/* A deadline in the past fires at once. */
	lapic_set_tsc_deadline(l, 1, T0);
	assert_true(irr_test(l, 0xd0));
	/* 0 disarms; leaving the mode disarms. */
	lapic_set_tsc_deadline(l, tsc + 100000, T0);
	lapic_set_tsc_deadline(l, 0, T0);
	assert_int_equal(lapic_next_event(l, T0), INT64_MAX);
	lapic_set_tsc_deadline(l, tsc + 100000, T0);
	wr(l, LAPIC_LVT_TIMER, 0xd0);
	assert_int_equal(lapic_next_event(l, T0), INT64_MAX);
	/* A huge deadline saturates instead of overflowing. */
	wr(l, LAPIC_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xd0);
	lapic_set_tsc_deadline(l, UINT64_MAX, T0);
	assert_int_equal(lapic_next_event(l, T0), INT64_MAX);
	/* Without TSC-deadline support bit 18 is not writable. */
	l->has_tsc_deadline = 0;
	wr(l, LAPIC_LVT_TIMER, LAPIC_TIMER_DEADLINE | 0xd0);
	assert_int_equal(rd(l, LAPIC_LVT_TIMER), 0xd0);
}

static void test_apic_base_msr(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	assert_int_equal(lapic_set_base(l, 0xfee00901 , T0), -EINVAL);
	assert_int_equal(lapic_set_base(l, 0xfee00d00, T0), -EINVAL); /* x2APIC */
	assert_int_equal(lapic_set_base(l, 0xfee00b00 | (1ull << 40), T0),
			 -EINVAL);
	assert_int_equal(lapic_get_base(l), 0xfee00900);
	enable(l);
	wr(l, LAPIC_TPR, 0x30);
	/* Globally disable: the page goes, state is lost, nothing accepted. */
	assert_int_equal(lapic_set_base(l, 0xfee00100, T0), 0);
	assert_int_equal(lapic_mmio_base(l), UINT64_MAX);
	assert_int_equal(rd(l, LAPIC_VER), 0);
	lapic_accept(l, LAPIC_DM_FIXED, 0x40, 0);
	assert_int_equal(lapic_has_intr(l), -1);
	/* The PIC reaches the CPU directly. */
	lapic_set_lint(l, 0, 1);
	assert_int_equal(lapic_has_intr(l), LAPIC_EXTINT);
	lapic_set_lint(l, 0, 0);
	/* Re-enable at another base: reset state, working. */
	assert_int_equal(lapic_set_base(l, 0xfed00900, T0), 0);
	assert_int_equal(lapic_mmio_base(l), 0xfed00000);
	assert_int_equal(rd(l, LAPIC_TPR), 0);
	assert_int_equal(rd(l, LAPIC_SVR), 0xff);
	enable(l);
	lapic_accept(l, LAPIC_DM_FIXED, 0x40, 0);
	assert_int_equal(lapic_ack(l), 0x40);
}

static void test_sw_disable_masks(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	enable(l);
	wr(l, LAPIC_LVT_LINT1, 0x400);
	wr(l, LAPIC_LVT_TIMER, 0x20);
	assert_int_equal(rd(l, LAPIC_LVT_TIMER), 0x20);
	wr(l, LAPIC_SVR, 0xff);
	assert_int_equal(rd(l, LAPIC_LVT_TIMER), 0x10020);
	assert_int_equal(rd(l, LAPIC_LVT_LINT0), 0x10700);
	assert_int_equal(rd(l, LAPIC_LVT_LINT1), 0x10400);
	/* Cannot unmask while disabled. */
	wr(l, LAPIC_LVT_TIMER, 0x20);
	assert_int_equal(rd(l, LAPIC_LVT_TIMER), 0x10020);
	/* Timer expiry while masked: no interrupt. */
	lapic_write(l, LAPIC_TMICT, 4, 10, T0);
	lapic_advance(l, T0 + 1000);
	assert_int_equal(lapic_has_intr(l), -1);
	/* LVT reserved bits do not stick. */
	enable(l);
	wr(l, LAPIC_LVT_ERROR, 0xffffffff);
	assert_int_equal(rd(l, LAPIC_LVT_ERROR), 0x100ff);
	wr(l, LAPIC_LVT_LINT0, 0xffffffff);
	assert_int_equal(rd(l, LAPIC_LVT_LINT0), 0x1a7ff);
	wr(l, LAPIC_SVR, 0xffffffff);
	assert_int_equal(rd(l, LAPIC_SVR), 0x3ff);
}

static void test_lint_extint_nmi(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	/* Virtual wire from reset: the PIC's INT is an ExtINT. */
	lapic_set_lint(l, 0, 1);
	assert_int_equal(lapic_has_intr(l), LAPIC_EXTINT);
	enable(l);
	wr(l, LAPIC_TPR, 0xff); /* ExtINT ignores priorities */
	assert_int_equal(lapic_ack(l), LAPIC_EXTINT);
	lapic_set_lint(l, 0, 0);
	assert_int_equal(lapic_has_intr(l), -1);
	/* An ExtINT message (IOAPIC pin in ExtINT mode). */
	lapic_accept(l, LAPIC_DM_EXTINT, 0, 0);
	assert_int_equal(lapic_ack(l), LAPIC_EXTINT);
	assert_int_equal(lapic_has_intr(l), -1);
	/* Masked LINT0: nothing. */
	wr(l, LAPIC_LVT_LINT0, 0x10700);
	lapic_set_lint(l, 0, 1);
	assert_int_equal(lapic_has_intr(l), -1);
	/* LINT1 as NMI: rising edges only. */
	wr(l, LAPIC_LVT_LINT1, 0x400);
	lapic_set_lint(l, 1, 1);
	lapic_set_lint(l, 1, 1);
	assert_int_equal(f->nmi, 1);
	/* LINT0 fixed, level: Remote IRR until EOI, then again. */
	wr(l, LAPIC_TPR, 0);
	lapic_set_lint(l, 0, 0);
	wr(l, LAPIC_LVT_LINT0, 0x8000 | 0x55);
	lapic_set_lint(l, 0, 1);
	assert_int_equal(rd(l, LAPIC_LVT_LINT0), 0xc055);
	assert_int_equal(lapic_ack(l), 0x55);
	wr(l, LAPIC_EOI, 0);
	assert_int_equal(lapic_ack(l), 0x55);
	lapic_set_lint(l, 0, 0);
	wr(l, LAPIC_EOI, 0);
	assert_int_equal(rd(l, LAPIC_LVT_LINT0), 0x8055);
	assert_int_equal(lapic_has_intr(l), -1);
}

static void test_mmio_access_sizes(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;

	assert_int_equal(lapic_read(l, LAPIC_VER, 1, T0), 0x14);
	assert_int_equal(lapic_read(l, LAPIC_VER + 2, 1, T0), 0x05);
	assert_int_equal(lapic_read(l, LAPIC_VER + 2, 2, T0), 0x0005);
	assert_int_equal(lapic_read(l, LAPIC_VER + 4, 4, T0), 0);
	assert_int_equal(lapic_read(l, LAPIC_VER, 8, T0), 0x00050014);
	assert_int_equal(lapic_read(l, 0x1000, 4, T0), 0);
	/* Narrow or misaligned writes are ignored. */
	lapic_write(l, LAPIC_TPR, 1, 0x40, T0);
	lapic_write(l, LAPIC_TPR + 4, 4, 0x40, T0);
	assert_int_equal(rd(l, LAPIC_TPR), 0);
}

static void test_hostile(void **state)
{
	struct fake *f = *state;
	struct lapic *l = &f->l;
	uint32_t x = 4242;
	int64_t t = T0;

	for (int i = 0; i < 300000; i++) {
		uint32_t y;

		x = x * 1103515245u + 12345u;
		y = x * 2654435761u;
		t += (x >> 22) & 0x3ff;
		switch ((x >> 27) & 7u) {
		case 0:
		case 1:
			lapic_write(l, (x >> 4) & 0xff0u, 4, y, t);
			break;
		case 2:
			(void)lapic_read(l, (x >> 4) & 0xfffu, 1u << ((x >> 2) & 3u), t);
			break;
		case 3:
			lapic_accept(l, (x >> 8) & 7u, (uint8_t)y, x & 1u);
			break;
		case 4:
			(void)lapic_ack(l);
			break;
		case 5:
			if ((y & 0xff) == 0)
				(void)lapic_set_base(l, ((uint64_t)y << 4) | 0xfee00000ull, t);
			else
				lapic_set_tsc_deadline(l, lapic_ns_to_tsc(t) + (y & 0xfff), t);
			break;
		case 6:
			lapic_set_lint(l, (x >> 3) & 3u, y & 1u);
			break;
		default: {
			unsigned before = rd(l, LAPIC_IRR + 0x70);

			lapic_advance(l, t);
			(void)before;
			assert_true(lapic_next_event(l, t) > t ||
				    lapic_next_event(l, t) == INT64_MAX);
			break;
		}
		}
		if (!(lapic_get_base(l) & LAPIC_APICBASE_EN))
			(void)lapic_set_base(l, 0xfee00900, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_priority_nesting_eoi, setup),
		cmocka_unit_test_setup(test_tpr_cr8, setup),
		cmocka_unit_test_setup(test_level_eoi, setup),
		cmocka_unit_test_setup(test_errors_esr, setup),
		cmocka_unit_test_setup(test_ipi_encoding, setup),
		cmocka_unit_test_setup(test_match_dest, setup),
		cmocka_unit_test_setup(test_init_sipi_nmi, setup),
		cmocka_unit_test_setup(test_timer_oneshot_divide, setup),
		cmocka_unit_test_setup(test_timer_periodic, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
		cmocka_unit_test_setup(test_apic_base_msr, setup),
		cmocka_unit_test_setup(test_sw_disable_masks, setup),
		cmocka_unit_test_setup(test_lint_extint_nmi, setup),
		cmocka_unit_test_setup(test_mmio_access_sizes, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
