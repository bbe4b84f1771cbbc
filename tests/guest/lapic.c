/* SPDX-License-Identifier: MIT */
/*
 * The local APIC (xAPIC, 64-bit kit, 2 vCPUs).  The timer's rate is
 * measured first against PIT channel 2, so every count below is in real
 * time whatever the VMM's bus clock: one-shot (current count runs down to
 * 0, one interrupt; masked in LVT: no interrupt but the count still runs),
 * periodic (interrupts at the programmed period, stopped by a zero
 * initial count), TSC-deadline when CPUID.1:ECX.24 says so (fires, the
 * MSR reads 0 afterwards; a deadline in the past fires at once).  TPR
 * holding off a self-IPI of a lower priority class until it drops; ISR set
 * in the handler and cleared by EOI; self-IPI through the ICR shorthand;
 * a fixed IPI to the other vCPU; and INIT then a single SIPI (no delays)
 * restarting that AP.
 */
#include "guest.h"

#define LVT_TIMER 0x320
#define TMR_INIT 0x380
#define TMR_CUR 0x390
#define TMR_DIV 0x3E0
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_TSC_DEADLINE (2u << 17)
#define MSR_TSC_DEADLINE 0x6E0

#define V_TIMER 0x40
#define V_LOW 0x45	/* priority class 4 */
#define V_HIGH 0x65	/* class 6 */
#define V_AP 0x70

static volatile uint32_t n_timer, n_low, n_high, n_ap, isr_seen;
static uint32_t per_ms;	/* timer counts per ms at divide 1 */

static bool in_isr(unsigned v)
{
	return apic_read(APIC_ISR + (v / 32) * 0x10) & (1u << (v % 32));
}

static bool in_irr(unsigned v)
{
	return apic_read(APIC_IRR + (v / 32) * 0x10) & (1u << (v % 32));
}

static void timer_irq(struct irq_frame *f)
{
	(void)f;
	n_timer++;
	apic_write(APIC_EOI, 0);
}

static void low_irq(struct irq_frame *f)
{
	(void)f;
	n_low++;
	isr_seen = in_isr(V_LOW);
	apic_write(APIC_EOI, 0);
}

static void high_irq(struct irq_frame *f)
{
	(void)f;
	n_high++;
	apic_write(APIC_EOI, 0);
}

static void ap_irq(struct irq_frame *f)
{
	(void)f;
	atomic_inc32(&n_ap);
	apic_write(APIC_EOI, 0);
}

static void self_ipi(unsigned v)
{
	apic_write(APIC_ICR_HI, 0);
	apic_write(APIC_ICR_LO, (1u << 18) | 0x4000 | v); /* shorthand self */
}

static void test_timer(void)
{
	uint32_t c0, c1, r[4];

	apic_write(TMR_DIV, 0xB);	/* divide by 1 */
	apic_write(LVT_TIMER, LVT_MASKED | V_TIMER);
	/* The least of three: a stalled vCPU only makes a round longer. */
	per_ms = 0xFFFFFFFF;
	for (unsigned i = 0; i < 3; i++) {
		apic_write(TMR_INIT, 0xFFFFFFFF);
		c0 = apic_read(TMR_CUR);
		pit_delay_us(10000);
		c1 = apic_read(TMR_CUR);
		if (c1 >= c0)
			per_ms = 0;
		else if ((c0 - c1) / 10 < per_ms)
			per_ms = (c0 - c1) / 10;
	}
	report(per_ms > 0, "timer counts down (%u per ms)", per_ms);
	apic_write(TMR_INIT, 0);
	if (!per_ms)
		return;

	/* Masked one-shot: no interrupt, the count still runs out. */
	n_timer = 0;
	apic_write(LVT_TIMER, LVT_MASKED | V_TIMER);
	apic_write(TMR_INIT, per_ms);
	sti();
	for (unsigned i = 0; i < 1000 && apic_read(TMR_CUR); i++)
		pit_delay_us(1000);
	pit_delay_us(2000);
	cli();
	report(n_timer == 0 && apic_read(TMR_CUR) == 0,
	       "masked one-shot: current count ran to 0, no interrupt (%u)",
	       n_timer);

	/* One-shot, 20 ms: long enough that a busy host rarely hides it. */
	apic_write(LVT_TIMER, V_TIMER);
	apic_write(TMR_INIT, 20 * per_ms);
	c0 = apic_read(TMR_CUR);
	report(c0 > 0 && c0 <= 20 * per_ms, "one-shot: current count 0x%x "
	       "after the write", c0);
	sti();
	wait_flag(&n_timer, 500);
	pit_delay_us(30000);
	cli();
	report(n_timer == 1 && apic_read(TMR_CUR) == 0,
	       "one-shot: one interrupt (%u), count 0", n_timer);

	/*
	 * Periodic, 1 ms.  A busy host delays the vCPU and QEMU drops late
	 * periods, so: 10 interrupts come (however long it takes, up to a
	 * second), and a 30 ms window holds no more than the period allows.
	 */
	n_timer = 0;
	apic_write(LVT_TIMER, LVT_PERIODIC | V_TIMER);
	apic_write(TMR_INIT, per_ms);
	sti();
	wait_count(&n_timer, 10, 1000);
	cli();
	report(n_timer >= 10, "periodic 1 ms: %u interrupts", n_timer);
	n_timer = 0;
	sti();
	pit_delay_us(30000);
	cli();
	c0 = apic_read(TMR_CUR);
	apic_write(TMR_INIT, 0);
	report(n_timer <= 40, "periodic 1 ms: %u interrupts in 30 ms "
	       "(not faster)", n_timer);
	report(c0 > 0 && c0 <= per_ms, "periodic: the count reloads (0x%x)",
	       c0);
	c0 = n_timer;
	sti();
	pit_delay_us(5000);
	cli();
	report(n_timer == c0, "initial count 0 stops it");

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 24))) {
		report_skip("no TSC-deadline mode (CPUID.1:ECX.24)");
		return;
	}
	n_timer = 0;
	apic_write(LVT_TIMER, LVT_TSC_DEADLINE | V_TIMER);
	wrmsr(MSR_TSC_DEADLINE, rdtsc() + 2000000);
	sti();
	wait_flag(&n_timer, 200);
	cli();
	report(n_timer == 1 && rdmsr(MSR_TSC_DEADLINE) == 0,
	       "TSC deadline: fired once, the MSR reads 0");
	n_timer = 0;
	wrmsr(MSR_TSC_DEADLINE, 1);
	sti();
	wait_flag(&n_timer, 50);
	cli();
	report(n_timer == 1, "TSC deadline in the past fires at once");
	apic_write(LVT_TIMER, LVT_MASKED | V_TIMER);
}

static void test_tpr(void)
{
	n_low = n_high = 0;
	apic_write(APIC_TPR, 0x50);
	sti();
	self_ipi(V_LOW);
	self_ipi(V_HIGH);
	pit_delay_us(1000);
	cli();
	report(n_high == 1, "TPR 0x50: self-IPI 0x%x (class 6) delivered",
	       V_HIGH);
	report(n_low == 0 && in_irr(V_LOW),
	       "TPR 0x50: 0x%x (class 4) held in IRR", V_LOW);
	apic_write(APIC_TPR, 0);
	sti();
	pit_delay_us(1000);
	cli();
	report(n_low == 1 && !in_irr(V_LOW),
	       "TPR 0: it arrives (%u)", n_low);
	report(isr_seen && !in_isr(V_LOW),
	       "ISR bit set in the handler, cleared by EOI");
}

/* --- the other vCPU --- */
static volatile uint32_t ap_starts, ap_id, ap_go;

static void ap_main(unsigned cpu)
{
	(void)cpu;
	apic_enable();
	ap_id = apic_id();
	atomic_inc32(&ap_starts);
	for (unsigned i = 0; i < 2000 && !ap_go; i++) {
		sti_hlt();
		cli();
	}
}

static void test_ipi(void)
{
	unsigned n;

	n = smp_boot(ap_main, 1, 2000);
	/* smp_boot counts the AP in before it calls ap_main: wait for it. */
	for (unsigned i = 0; i < 100 && n == 1 && !ap_starts; i++)
		pit_delay_us(1000);
	report(n == 1 && ap_starts == 1, "INIT-SIPI-SIPI started the AP "
	       "(APIC id %u)", ap_id);
	if (n != 1)
		return;
	pit_delay_us(2000);
	apic_write(APIC_ICR_HI, ap_id << 24);
	apic_write(APIC_ICR_LO, 0x4000 | V_AP);	/* fixed, physical */
	for (unsigned i = 0; i < 100 && !n_ap; i++)
		pit_delay_us(1000);
	report(n_ap == 1, "fixed IPI to the AP delivered (%u)", n_ap);
	ap_go = 1;
	pit_delay_us(5000);

	/* The AP now halts with IF clear: INIT, then one SIPI at once. */
	apic_write(APIC_ICR_HI, ap_id << 24);
	apic_write(APIC_ICR_LO, 0x4500);	/* INIT, level assert */
	pit_delay_us(1000);
	ap_go = 0;
	apic_write(APIC_ICR_HI, ap_id << 24);
	apic_write(APIC_ICR_LO, 0x4600 | (AP_TRAMPOLINE >> 12)); /* SIPI */
	for (unsigned i = 0; i < 200 && ap_starts < 2; i++)
		pit_delay_us(1000);
	report(ap_starts == 2, "INIT and a single SIPI restart it (%u starts)",
	       ap_starts);
	ap_go = 1;
}

int main(void)
{
	pic_init();	/* PIC all masked; LAPIC enabled */
	irq_register(V_TIMER, timer_irq);
	irq_register(V_LOW, low_irq);
	irq_register(V_HIGH, high_irq);
	irq_register(V_AP, ap_irq);
	report((apic_read(APIC_VERSION) & 0xFF) >= 0x10,
	       "integrated APIC, version 0x%x", apic_read(APIC_VERSION));
	test_timer();
	test_tpr();
	test_ipi();
	return report_summary();
}
