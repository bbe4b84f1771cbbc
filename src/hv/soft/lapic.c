/* SPDX-License-Identifier: MIT */
/*
 * lapic: the local APIC. See lapic.h.
 */
#include "hv/soft/lapic.h"

#include <errno.h>
#include <string.h>

#include "hv/soft/soft.h"

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };

/* Guest-writable bits of each LVT entry (delivery status and Remote IRR
 * are read-only; the timer mode bits depend on TSC-deadline support). */
static const uint32_t lvt_writable[LAPIC_LVT_NR] = {
	[LVT_TIMER] = 0x700ffu,
	[LVT_THERMAL] = 0x107ffu,
	[LVT_PERF] = 0x107ffu,
	[LVT_LINT0] = 0x1a7ffu,
	[LVT_LINT1] = 0x1a7ffu,
	[LVT_ERROR] = 0x100ffu,
};

static int hw_enabled(const struct lapic *l)
{
	return !!(l->apic_base & LAPIC_APICBASE_EN);
}

static int sw_enabled(const struct lapic *l)
{
	return !!(l->svr & LAPIC_SVR_ENABLE);
}

static int vec_test(const uint32_t *reg, unsigned v)
{
	return !!(reg[v >> 5] & (1u << (v & 31u)));
}

static void vec_set(uint32_t *reg, unsigned v)
{
	reg[v >> 5] |= 1u << (v & 31u);
}

static void vec_clear(uint32_t *reg, unsigned v)
{
	reg[v >> 5] &= ~(1u << (v & 31u));
}

/* Highest vector set in a 256-bit register, or -1. */
static int vec_highest(const uint32_t *reg)
{
	for (int i = 7; i >= 0; i--)
		if (reg[i])
			return i * 32 + 31 - __builtin_clz(reg[i]);
	return -1;
}

static unsigned timer_mode(const struct lapic *l)
{
	return (l->lvt[LVT_TIMER] >> 17) & 3u;
}

static int timer_deadline_mode(const struct lapic *l)
{
	return timer_mode(l) == 2u;
}

static int timer_periodic(const struct lapic *l)
{
	return timer_mode(l) == 1u;
}

/* Divide Configuration: bits 0, 1, 3 encode 2, 4, ..., 128, then 1. */
static uint32_t timer_divide(const struct lapic *l)
{
	uint32_t v = (l->tdcr & 3u) | ((l->tdcr & 8u) >> 1);

	return v == 7u ? 1u : 2u << v;
}

uint8_t lapic_ppr(const struct lapic *l)
{
	int isrv = vec_highest(l->isr);
	uint32_t tpr = l->tpr & 0xffu;

	if (isrv < 0 || (tpr & 0xf0u) >= ((unsigned)isrv & 0xf0u))
		return (uint8_t)tpr;
	return (uint8_t)((unsigned)isrv & 0xf0u);
}

/* Arbitration priority, as the SDM defines it for the P6 family. */
static uint32_t lapic_apr(const struct lapic *l)
{
	int isrv = vec_highest(l->isr), irrv = vec_highest(l->irr);
	uint32_t tpr = l->tpr & 0xffu, isrc, irrc, max;

	isrc = isrv < 0 ? 0 : (unsigned)isrv & 0xf0u;
	irrc = irrv < 0 ? 0 : (unsigned)irrv & 0xf0u;
	if ((tpr & 0xf0u) >= irrc && (tpr & 0xf0u) > isrc)
		return tpr;
	max = tpr & 0xf0u;
	if (isrc > max)
		max = isrc;
	if (irrc > max)
		max = irrc;
	return max;
}

static void maybe_notify(struct lapic *l)
{
	if (lapic_has_intr(l) != -1 && l->ops && l->ops->notify)
		l->ops->notify(l->ctx);
}

static void set_irr(struct lapic *l, uint8_t vector, int level);

/* Records an error; the error LVT interrupts unless masked. An error
 * vector below 16 is itself illegal and is not delivered (no loop). */
static void lapic_error(struct lapic *l, uint32_t bits)
{
	uint32_t lvt = l->lvt[LVT_ERROR];

	l->esr_pending |= bits;
	if (!(lvt & LAPIC_LVT_MASKED) && (lvt & 0xffu) >= 16u)
		set_irr(l, (uint8_t)lvt, 0);
}

/* Fixed-interrupt acceptance into IRR/TMR. */
static void set_irr(struct lapic *l, uint8_t vector, int level)
{
	if (!sw_enabled(l))
		return;
	if (vector < 16) {
		lapic_error(l, LAPIC_ESR_RECV_ILLEGAL);
		return;
	}
	vec_set(l->irr, vector);
	if (level)
		vec_set(l->tmr, vector);
	else
		vec_clear(l->tmr, vector);
	maybe_notify(l);
}

/* ---- timer ---- */

static void timer_stop(struct lapic *l)
{
	l->timer_period_ns = 0;
	l->timer_next_ns = INT64_MAX;
}

/* Starts a one-shot or periodic count of TMICT at `now`. */
static void timer_start(struct lapic *l, int64_t now)
{
	int64_t period;

	if (!l->tmict || timer_deadline_mode(l)) {
		timer_stop(l);
		return;
	}
	period = (int64_t)l->tmict * timer_divide(l);
	if (timer_periodic(l) && period < LAPIC_MIN_PERIOD_NS)
		period = LAPIC_MIN_PERIOD_NS;
	l->timer_start_ns = now;
	l->timer_period_ns = period;
	l->timer_next_ns = now > INT64_MAX - period ? INT64_MAX : now + period;
}

static uint32_t timer_ccr(const struct lapic *l, int64_t now)
{
	int64_t elapsed, left;
	uint64_t c;

	if (!l->timer_period_ns || timer_deadline_mode(l))
		return 0;
	elapsed = now > l->timer_start_ns ? now - l->timer_start_ns : 0;
	if (timer_periodic(l))
		elapsed %= l->timer_period_ns;
	else if (elapsed >= l->timer_period_ns)
		return 0;
	left = l->timer_period_ns - elapsed;
	c = (uint64_t)left / timer_divide(l);
	/* A clamped period is longer than TMICT ticks: never read above. */
	return c > l->tmict ? l->tmict : (uint32_t)c;
}

/* Restarts the timer under the current mode and divider as if the count
 * in progress had reached `ccr` at `now`, so the count goes on smoothly. */
static void timer_resume(struct lapic *l, uint32_t ccr, int64_t now)
{
	timer_start(l, now);
	if (!l->timer_period_ns)
		return;
	/* Pretend the count started (TMICT - CCR) ticks ago. */
	l->timer_start_ns = now - (int64_t)(l->tmict - ccr) * timer_divide(l);
	l->timer_next_ns = l->timer_start_ns + l->timer_period_ns;
	if (l->timer_next_ns < now)
		l->timer_next_ns = now;
}

/* Is a one-shot or periodic count in progress at `now`? */
static int timer_running(const struct lapic *l, uint32_t ccr)
{
	return l->timer_period_ns && !timer_deadline_mode(l) &&
	       (timer_periodic(l) || ccr);
}

/* A new divider keeps the current count and goes on at the new rate. */
static void timer_redivide(struct lapic *l, uint32_t tdcr, int64_t now)
{
	uint32_t ccr = timer_ccr(l, now);
	int running = timer_running(l, ccr);

	l->tdcr = tdcr;
	if (running)
		timer_resume(l, ccr, now);
}

static void timer_fire(struct lapic *l)
{
	uint32_t lvt = l->lvt[LVT_TIMER];

	if (!(lvt & LAPIC_LVT_MASKED))
		set_irr(l, (uint8_t)lvt, 0);
}

int64_t lapic_next_event(const struct lapic *l, int64_t now_ns)
{
	(void)now_ns;
	return hw_enabled(l) ? l->timer_next_ns : INT64_MAX;
}

void lapic_advance(struct lapic *l, int64_t now_ns)
{
	int64_t k;

	if (!hw_enabled(l) || l->timer_next_ns > now_ns)
		return;
	if (timer_deadline_mode(l)) {
		/* The deadline disarms itself and the MSR reads 0. */
		l->tsc_deadline = 0;
		l->timer_next_ns = INT64_MAX;
	} else if (timer_periodic(l) && l->timer_period_ns) {
		/* Drop missed periods; the next one stays in phase. */
		k = (now_ns - l->timer_start_ns) / l->timer_period_ns + 1;
		if (k > (INT64_MAX - l->timer_start_ns) / l->timer_period_ns)
			l->timer_next_ns = INT64_MAX;
		else
			l->timer_next_ns = l->timer_start_ns + k * l->timer_period_ns;
	} else {
		l->timer_next_ns = INT64_MAX;
	}
	timer_fire(l);
}

int64_t lapic_tsc_to_ns(uint64_t tsc)
{
	/* The first ns at which TSC = ns * kHz / 1e6 reaches `tsc`. */
	unsigned __int128 ns = ((unsigned __int128)tsc * 1000000u +
				SOFT_TSC_KHZ - 1) / SOFT_TSC_KHZ;

	return ns > INT64_MAX ? INT64_MAX : (int64_t)ns;
}

uint64_t lapic_ns_to_tsc(int64_t ns)
{
	if (ns <= 0)
		return 0;
	return (uint64_t)((unsigned __int128)ns * SOFT_TSC_KHZ / 1000000u);
}

uint64_t lapic_get_tsc_deadline(const struct lapic *l)
{
	return timer_deadline_mode(l) ? l->tsc_deadline : 0;
}

void lapic_set_tsc_deadline(struct lapic *l, uint64_t tsc, int64_t now_ns)
{
	if (!hw_enabled(l) || !timer_deadline_mode(l))
		return;
	l->tsc_deadline = tsc;
	if (!tsc) {
		l->timer_next_ns = INT64_MAX;
		return;
	}
	if (l->ops && l->ops->tsc_to_ns)
		l->timer_next_ns = l->ops->tsc_to_ns(l->ctx, tsc);
	else
		l->timer_next_ns = lapic_tsc_to_ns(tsc);
	lapic_advance(l, now_ns);
}

/* ---- reset ---- */

static void regs_reset(struct lapic *l, int keep_id)
{
	if (!keep_id)
		l->id = l->initial_id << 24;
	l->tpr = 0;
	l->ldr = 0;
	l->dfr = 0xffffffffu;
	l->svr = 0xffu;
	l->esr = 0;
	l->esr_pending = 0;
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	memset(l->irr, 0, sizeof(l->irr));
	l->icr_lo = 0;
	l->icr_hi = 0;
	for (unsigned i = 0; i < LAPIC_LVT_NR; i++)
		l->lvt[i] = LAPIC_LVT_MASKED;
	/* KVM's reset leaves the BSP's LINT0 in virtual-wire mode, so the
	 * PIC reaches a BSP whose APIC the firmware never touched. */
	if (l->apic_base & LAPIC_APICBASE_BSP)
		l->lvt[LVT_LINT0] = LAPIC_DM_EXTINT << 8;
	l->tmict = 0;
	l->tdcr = 0;
	l->tsc_deadline = 0;
	l->extint_pending = 0;
	timer_stop(l);
}

void lapic_init(struct lapic *l, uint8_t apic_id, int bsp,
		const struct lapic_ops *ops, void *ctx, int64_t now_ns)
{
	memset(l, 0, sizeof(*l));
	l->ops = ops;
	l->ctx = ctx;
	l->initial_id = apic_id;
	l->has_tsc_deadline = 1;
	l->maxphyaddr = 40;
	l->apic_base = LAPIC_BASE_DEFAULT | LAPIC_APICBASE_EN |
		       (bsp ? LAPIC_APICBASE_BSP : 0);
	lapic_reset(l, now_ns);
}

void lapic_reset(struct lapic *l, int64_t now_ns)
{
	(void)now_ns;
	l->apic_base = LAPIC_BASE_DEFAULT | LAPIC_APICBASE_EN |
		       (l->apic_base & LAPIC_APICBASE_BSP);
	regs_reset(l, 0);
}

void lapic_init_reset(struct lapic *l, int64_t now_ns)
{
	(void)now_ns;
	regs_reset(l, 1);
}

/* ---- IA32_APIC_BASE, CR8 ---- */

uint64_t lapic_get_base(const struct lapic *l)
{
	return l->apic_base;
}

int lapic_set_base(struct lapic *l, uint64_t val, int64_t now_ns)
{
	unsigned maxphy = l->maxphyaddr;
	uint64_t rsvd = 0x2ffull | LAPIC_APICBASE_EXTD;
	int was = hw_enabled(l);

	if (maxphy < 36 || maxphy > 52)
		maxphy = 40;
	rsvd |= ~0ull << maxphy;
	if (val & rsvd)
		return -EINVAL;
	l->apic_base = val;
	/* Clearing EN loses the APIC's state (SDM 10.4.3); so the page comes
	 * back, on a later set, in the power-on state. */
	if (was && !hw_enabled(l))
		regs_reset(l, 0);
	(void)now_ns;
	return 0;
}

uint64_t lapic_get_cr8(const struct lapic *l)
{
	return (l->tpr >> 4) & 15u;
}

void lapic_set_cr8(struct lapic *l, uint64_t cr8)
{
	l->tpr = (uint32_t)(cr8 & 15u) << 4;
	maybe_notify(l);
}

uint64_t lapic_mmio_base(const struct lapic *l)
{
	if (!hw_enabled(l))
		return UINT64_MAX;
	return l->apic_base & ~0xfffull & ~(~0ull << 52);
}

/* ---- interrupts in ---- */

void lapic_accept(struct lapic *l, unsigned delivery_mode, uint8_t vector,
		  int trigger_level)
{
	if (!hw_enabled(l))
		return;
	switch (delivery_mode) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWEST:
		set_irr(l, vector, trigger_level);
		break;
	case LAPIC_DM_NMI:
		if (l->ops && l->ops->nmi)
			l->ops->nmi(l->ctx);
		break;
	case LAPIC_DM_INIT:
		if (l->ops && l->ops->init)
			l->ops->init(l->ctx);
		break;
	case LAPIC_DM_SIPI:
		if (l->ops && l->ops->sipi)
			l->ops->sipi(l->ctx, vector);
		break;
	case LAPIC_DM_EXTINT:
		l->extint_pending = 1;
		maybe_notify(l);
		break;
	default:
		/* SMI (no SMM here) and the reserved mode 3. */
		break;
	}
}

void lapic_set_lint(struct lapic *l, unsigned pin, int level)
{
	uint32_t lvt;
	int rising;

	if (pin > 1)
		return;
	level = !!level;
	rising = level && !l->lint_level[pin];
	l->lint_level[pin] = (uint8_t)level;
	if (!hw_enabled(l)) {
		/* No APIC: LINT0 is INTR, LINT1 is NMI. */
		if (pin == 0 && level && l->ops && l->ops->notify)
			l->ops->notify(l->ctx);
		if (pin == 1 && rising && l->ops && l->ops->nmi)
			l->ops->nmi(l->ctx);
		return;
	}
	lvt = l->lvt[LVT_LINT0 + pin];
	if (lvt & LAPIC_LVT_MASKED)
		return;
	switch ((lvt >> 8) & 7u) {
	case LAPIC_DM_FIXED:
		if (!(lvt & LAPIC_LVT_LEVEL)) {
			if (rising)
				set_irr(l, (uint8_t)lvt, 0);
		} else if (level && !(lvt & LAPIC_LVT_REMOTE_IRR)) {
			l->lvt[LVT_LINT0 + pin] |= LAPIC_LVT_REMOTE_IRR;
			set_irr(l, (uint8_t)lvt, 1);
		}
		break;
	case LAPIC_DM_NMI:
		if (rising && l->ops && l->ops->nmi)
			l->ops->nmi(l->ctx);
		break;
	case LAPIC_DM_INIT:
		if (rising && l->ops && l->ops->init)
			l->ops->init(l->ctx);
		break;
	case LAPIC_DM_EXTINT:
		if (level)
			maybe_notify(l);
		break;
	default:
		break;
	}
}

/* The PIC's INT reaches the CPU through LINT0 (or directly without APIC). */
static int extint_ready(const struct lapic *l)
{
	uint32_t lvt0 = l->lvt[LVT_LINT0];

	if (!hw_enabled(l))
		return l->lint_level[0];
	if (l->extint_pending)
		return 1;
	return l->lint_level[0] && !(lvt0 & LAPIC_LVT_MASKED) &&
	       ((lvt0 >> 8) & 7u) == LAPIC_DM_EXTINT;
}

int lapic_has_intr(const struct lapic *l)
{
	int v;

	/* ExtINT bypasses the priority logic. */
	if (extint_ready(l))
		return LAPIC_EXTINT;
	if (!hw_enabled(l))
		return -1;
	v = vec_highest(l->irr);
	if (v < 0 || ((unsigned)v & 0xf0u) <= (lapic_ppr(l) & 0xf0u))
		return -1;
	return v;
}

int lapic_ack(struct lapic *l)
{
	int v = lapic_has_intr(l);

	if (v == LAPIC_EXTINT) {
		l->extint_pending = 0;
		return v;
	}
	if (v < 0)
		return -1;
	vec_clear(l->irr, (unsigned)v);
	vec_set(l->isr, (unsigned)v);
	return v;
}

/* ---- destinations ---- */

int lapic_match_dest(const struct lapic *l, uint8_t dest, int logical)
{
	uint8_t ldr = (uint8_t)(l->ldr >> 24);

	if (!hw_enabled(l))
		return 0;
	if (dest == 0xff)
		return 1; /* broadcast, physical or logical */
	if (!logical)
		return dest == (uint8_t)(l->id >> 24);
	switch (l->dfr >> 28) {
	case 0xf: /* flat: a bit per APIC */
		return (ldr & dest) != 0;
	case 0x0: /* cluster: 4-bit cluster, 4-bit member mask */
		return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0x0fu) != 0;
	default:
		return 0;
	}
}

int lapic_ipi_is_target(const struct lapic *l, int is_sender, uint32_t icr_lo,
			uint32_t icr_hi)
{
	if (!hw_enabled(l))
		return 0;
	switch ((icr_lo >> LAPIC_ICR_SH_SHIFT) & 3u) {
	case LAPIC_SH_SELF:
		return is_sender;
	case LAPIC_SH_ALL:
		return 1;
	case LAPIC_SH_OTHERS:
		return !is_sender;
	default:
		return lapic_match_dest(l, (uint8_t)(icr_hi >> 24),
					!!(icr_lo & LAPIC_ICR_DESTMOD));
	}
}

/* ---- register page ---- */

static void lapic_eoi(struct lapic *l)
{
	int v = vec_highest(l->isr);

	if (v < 0)
		return;
	vec_clear(l->isr, (unsigned)v);
	if (vec_test(l->tmr, (unsigned)v)) {
		/* A level LINT input waits for its own EOI. */
		for (unsigned pin = 0; pin < 2; pin++) {
			uint32_t *lvt = &l->lvt[LVT_LINT0 + pin];

			if ((*lvt & LAPIC_LVT_REMOTE_IRR) &&
			    (*lvt & 0xffu) == (unsigned)v) {
				*lvt &= ~LAPIC_LVT_REMOTE_IRR;
				lapic_set_lint(l, pin, l->lint_level[pin]);
			}
		}
		if (l->ops && l->ops->eoi)
			l->ops->eoi(l->ctx, (uint8_t)v);
	}
	maybe_notify(l);
}

static void icr_write(struct lapic *l, uint32_t val)
{
	unsigned mode = (val >> 8) & 7u;

	/* Delivery is instant: the busy bit always reads 0. */
	l->icr_lo = val & 0x000ccfffu;
	if (mode == LAPIC_DM_INIT && !(val & LAPIC_ICR_LEVEL) &&
	    (val & LAPIC_ICR_TRIGGER))
		return; /* INIT level de-assert: a no-op since the Pentium 4 */
	if ((mode == LAPIC_DM_FIXED || mode == LAPIC_DM_LOWEST) &&
	    (val & 0xffu) < 16u) {
		lapic_error(l, LAPIC_ESR_SEND_ILLEGAL);
		return;
	}
	if (l->ops && l->ops->send_ipi)
		l->ops->send_ipi(l->ctx, l->icr_lo, l->icr_hi);
}

static void lvt_write(struct lapic *l, unsigned i, uint32_t val, int64_t now)
{
	uint32_t writable = lvt_writable[i];
	uint32_t old = l->lvt[i];
	uint32_t ccr = timer_ccr(l, now);
	int running = timer_running(l, ccr);

	if (i == LVT_TIMER && !l->has_tsc_deadline)
		writable &= ~LAPIC_TIMER_DEADLINE;
	val &= writable;
	val |= old & LAPIC_LVT_REMOTE_IRR;
	/* A software-disabled APIC keeps every LVT masked. */
	if (!sw_enabled(l))
		val |= LAPIC_LVT_MASKED;
	l->lvt[i] = val;
	if (i != LVT_TIMER)
		return;
	if ((old ^ val) & LAPIC_TIMER_DEADLINE) {
		/* Entering or leaving TSC-deadline mode disarms the timer. */
		l->tmict = 0;
		l->tsc_deadline = 0;
		timer_stop(l);
	} else if ((old ^ val) & LAPIC_TIMER_PERIODIC && running) {
		/* One-shot <-> periodic: the count in progress goes on, and
		 * reloads (or not) at its end under the new mode. */
		timer_resume(l, ccr, now);
	}
}

static uint32_t reg_read(struct lapic *l, unsigned reg, int64_t now)
{
	switch (reg) {
	case LAPIC_ID:
		return l->id;
	case LAPIC_VER:
		return LAPIC_VERSION;
	case LAPIC_TPR:
		return l->tpr;
	case LAPIC_APR:
		return lapic_apr(l);
	case LAPIC_PPR:
		return lapic_ppr(l);
	case LAPIC_EOI:
	case LAPIC_RRD:
		return 0;
	case LAPIC_LDR:
		return l->ldr;
	case LAPIC_DFR:
		return l->dfr;
	case LAPIC_SVR:
		return l->svr;
	case LAPIC_ESR:
		return l->esr;
	case LAPIC_ICR_LO:
		return l->icr_lo;
	case LAPIC_ICR_HI:
		return l->icr_hi;
	case LAPIC_TMICT:
		return l->tmict;
	case LAPIC_TMCCT:
		return timer_ccr(l, now);
	case LAPIC_TDCR:
		return l->tdcr;
	default:
		break;
	}
	if (reg >= LAPIC_ISR && reg < LAPIC_ISR + 0x80u)
		return l->isr[(reg - LAPIC_ISR) >> 4];
	if (reg >= LAPIC_TMR && reg < LAPIC_TMR + 0x80u)
		return l->tmr[(reg - LAPIC_TMR) >> 4];
	if (reg >= LAPIC_IRR && reg < LAPIC_IRR + 0x80u)
		return l->irr[(reg - LAPIC_IRR) >> 4];
	if (reg >= LAPIC_LVT_TIMER && reg <= LAPIC_LVT_ERROR)
		return l->lvt[(reg - LAPIC_LVT_TIMER) >> 4];
	lapic_error(l, LAPIC_ESR_ILLEGAL_REG);
	return 0;
}

static void reg_write(struct lapic *l, unsigned reg, uint32_t val, int64_t now)
{
	switch (reg) {
	case LAPIC_ID:
		l->id = val & 0xff000000u;
		return;
	case LAPIC_TPR:
		l->tpr = val & 0xffu;
		maybe_notify(l);
		return;
	case LAPIC_EOI:
		lapic_eoi(l);
		return;
	case LAPIC_LDR:
		l->ldr = val & 0xff000000u;
		return;
	case LAPIC_DFR:
		l->dfr = val | 0x0fffffffu;
		return;
	case LAPIC_SVR:
		l->svr = val & 0x3ffu;
		if (!sw_enabled(l))
			for (unsigned i = 0; i < LAPIC_LVT_NR; i++)
				l->lvt[i] |= LAPIC_LVT_MASKED;
		maybe_notify(l);
		return;
	case LAPIC_ESR:
		/* Write, then read: the write latches the errors so far. */
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		return;
	case LAPIC_ICR_LO:
		icr_write(l, val);
		return;
	case LAPIC_ICR_HI:
		l->icr_hi = val & 0xff000000u;
		return;
	case LAPIC_TMICT:
		/* Ignored in TSC-deadline mode. */
		if (timer_deadline_mode(l))
			return;
		l->tmict = val;
		timer_start(l, now);
		return;
	case LAPIC_TDCR:
		timer_redivide(l, val & 0xbu, now);
		return;
	case LAPIC_VER:
	case LAPIC_APR:
	case LAPIC_PPR:
	case LAPIC_RRD:
	case LAPIC_TMCCT:
		return; /* read-only */
	default:
		break;
	}
	if (reg >= LAPIC_LVT_TIMER && reg <= LAPIC_LVT_ERROR) {
		lvt_write(l, (reg - LAPIC_LVT_TIMER) >> 4, val, now);
		return;
	}
	if (reg >= LAPIC_ISR && reg < LAPIC_IRR + 0x80u)
		return; /* ISR, TMR, IRR: read-only */
	lapic_error(l, LAPIC_ESR_ILLEGAL_REG);
}

uint64_t lapic_read(struct lapic *l, uint64_t offset, unsigned size,
		    int64_t now_ns)
{
	uint32_t v;

	if (!hw_enabled(l) || offset >= LAPIC_PAGE_SIZE || !size || size > 8)
		return 0;
	/* Each register is the first dword of a 16-byte slot. */
	if ((offset & 0xfu) >= 4u)
		return 0;
	v = reg_read(l, (unsigned)offset & 0xff0u, now_ns);
	v >>= (offset & 3u) * 8u;
	if (size < 4)
		v &= (1u << (size * 8u)) - 1u;
	return v;
}

void lapic_write(struct lapic *l, uint64_t offset, unsigned size, uint64_t val,
		 int64_t now_ns)
{
	if (!hw_enabled(l) || offset >= LAPIC_PAGE_SIZE || (offset & 0xfu) ||
	    size != 4)
		return;
	reg_write(l, (unsigned)offset, (uint32_t)val, now_ns);
}
