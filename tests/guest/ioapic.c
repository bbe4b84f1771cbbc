/* SPDX-License-Identifier: MIT */
/*
 * The I/O APIC at 0xFEC00000 (64-bit kit), with the 8259s masked: the ID
 * and version registers, a redirection entry's writable bits round-trip
 * (Delivery Status and Remote IRR read-only); the RTC's periodic interrupt
 * on pin 8 edge-triggered (delivered, held off while the pin is masked,
 * back after unmask); level-triggered (Remote IRR set in the handler,
 * cleared by the LAPIC's EOI; while set, the still-asserted line delivers
 * nothing more; an EOI with the line still asserted delivers again); and
 * the PIT (ISA IRQ 0) on pin 2, where ACPI's interrupt source override
 * puts it, or pin 0.
 */
#include "guest.h"

#define IOAPIC 0xFEC00000ul
#define RTC_A 0x0A
#define RTC_B 0x0B
#define RTC_C 0x0C
#define RTE_MASK (1u << 16)
#define RTE_LEVEL (1u << 15)
#define RTE_RIRR (1u << 14)
#define RTE_DELIVS (1u << 12)
#define V_RTC 0x48
#define V_PIT 0x52

static uint32_t io_read(unsigned reg)
{
	writel(IOAPIC, reg);
	return readl(IOAPIC + 0x10);
}

static void io_write(unsigned reg, uint32_t v)
{
	writel(IOAPIC, reg);
	writel(IOAPIC + 0x10, v);
}

static void rte_set(unsigned pin, uint32_t lo, uint8_t dest)
{
	io_write(0x10 + 2 * pin, RTE_MASK);
	io_write(0x11 + 2 * pin, (uint32_t)dest << 24);
	io_write(0x10 + 2 * pin, lo);
}

static uint32_t rte_lo(unsigned pin)
{
	return io_read(0x10 + 2 * pin);
}

static volatile uint32_t n_rtc, n_pit, rirr_in_handler;
static volatile unsigned level_mode; /* 0 edge; 1 EOI, 2 no EOI first */

static void rtc_irq(struct irq_frame *f)
{
	(void)f;
	n_rtc++;
	if (level_mode)
		rirr_in_handler = rte_lo(8) & RTE_RIRR;
	if (level_mode == 2 && n_rtc == 1)
		return;		/* no EOI, line left asserted */
	cmos_read(RTC_C);	/* drops the line */
	apic_write(APIC_EOI, 0);
}

static void pit_irq(struct irq_frame *f)
{
	(void)f;
	n_pit++;
	apic_write(APIC_EOI, 0);
}

/* Takes whatever the LAPIC accepted while IF was clear. */
static void drain(void)
{
	sti();
	pit_delay_us(2000);
	cli();
}

static void rtc_periodic(bool on)
{
	uint8_t b = cmos_read(RTC_B);

	if (on) {
		cmos_write(RTC_A, (cmos_read(RTC_A) & 0xF0) | 0x06); /* 1024 Hz */
		cmos_write(RTC_B, b | 0x40);
	} else {
		cmos_write(RTC_B, b & ~0x40);
	}
	cmos_read(RTC_C);
}

static void test_registers(void)
{
	uint32_t ver = io_read(1), lo, hi;

	report(((ver >> 16) & 0xFF) >= 23,
	       "version 0x%x: %u redirection entries", ver & 0xFF,
	       ((ver >> 16) & 0xFF) + 1);
	report_info("IOAPIC id register 0x%08x", io_read(0));
	rte_set(10, RTE_MASK | RTE_LEVEL | (1u << 13) | 0x9A, 0x0F);
	lo = rte_lo(10);
	hi = io_read(0x11 + 20);
	report((lo & 0x1FFFF & ~(RTE_RIRR | RTE_DELIVS)) ==
			       (RTE_MASK | RTE_LEVEL | (1u << 13) | 0x9A) &&
		       (hi >> 24) == 0x0F,
	       "redirection entry round trip (0x%08x 0x%08x)", hi, lo);
	io_write(0x10 + 20, lo | RTE_RIRR | RTE_DELIVS);
	report(!(rte_lo(10) & (RTE_RIRR | RTE_DELIVS)),
	       "Remote IRR and Delivery Status are read-only");
	rte_set(10, RTE_MASK, 0);
}

static void test_edge(void)
{
	uint32_t n;

	rte_set(8, V_RTC, (uint8_t)apic_id());
	rtc_periodic(true);
	sti();
	wait_count(&n_rtc, 3, 1000);
	cli();
	report(n_rtc >= 2, "RTC on pin 8, edge: %u interrupts at vector 0x%x",
	       n_rtc, V_RTC);
	io_write(0x10 + 16, RTE_MASK | V_RTC);
	drain();
	cmos_read(RTC_C);
	n = n_rtc;
	sti();
	pit_delay_us(20000);
	cli();
	report(n_rtc == n, "masked pin: nothing delivered (%u)", n_rtc - n);
	cmos_read(RTC_C);	/* a fresh edge comes after the unmask */
	io_write(0x10 + 16, V_RTC);
	sti();
	wait_count(&n_rtc, n + 3, 1000);
	cli();
	report(n_rtc > n + 1, "unmasked: interrupts again (%u)", n_rtc - n);
	rtc_periodic(false);
	io_write(0x10 + 16, RTE_MASK | V_RTC);
}

static void test_level(void)
{
	level_mode = 1;
	n_rtc = 0;
	rirr_in_handler = 0;
	rte_set(8, RTE_LEVEL | V_RTC, (uint8_t)apic_id());
	rtc_periodic(true);
	sti();
	wait_count(&n_rtc, 3, 1000);
	cli();
	report(n_rtc >= 2, "RTC on pin 8, level: %u interrupts", n_rtc);
	report(rirr_in_handler, "level: Remote IRR set in the handler");
	rtc_periodic(false);
	drain();
	report(!(rte_lo(8) & RTE_RIRR), "level: EOI cleared Remote IRR");

	/* The first handler leaves the line asserted and sends no EOI. */
	level_mode = 2;
	n_rtc = 0;
	rtc_periodic(true);
	sti();
	wait_flag(&n_rtc, 200);
	pit_delay_us(10000);
	cli();
	report(n_rtc == 1 && (rte_lo(8) & RTE_RIRR),
	       "level, no EOI: one interrupt (%u), Remote IRR stays set",
	       n_rtc);
	/* Register C unread: the RTC holds its line asserted. */
	apic_write(APIC_EOI, 0);
	sti();
	wait_count(&n_rtc, 2, 1000);
	cli();
	report(n_rtc >= 2, "EOI with the line asserted: delivered again (%u)",
	       n_rtc);
	rtc_periodic(false);
	drain();
	report(!(rte_lo(8) & RTE_RIRR), "and Remote IRR clear at the end");
	io_write(0x10 + 16, RTE_MASK | V_RTC);
	cmos_read(RTC_C);
	level_mode = 0;
}

static void test_pit(void)
{
	unsigned pin;

	outb(0x43, 0x34);	/* channel 0, mode 2, 100 Hz */
	outb(0x40, 11932 & 0xFF);
	outb(0x40, 11932 >> 8);
	for (pin = 2;; pin = 0) {
		n_pit = 0;
		rte_set(pin, V_PIT, (uint8_t)apic_id());
		sti();
		wait_count(&n_pit, 3, pin == 2 ? 500 : 1000);
		cli();
		io_write(0x10 + 2 * pin, RTE_MASK | V_PIT);
		if (n_pit || pin == 0)
			break;
	}
	report(n_pit >= 2, "PIT through pin %u: %u interrupts", pin, n_pit);
	outb(0x43, 0x30);
}

int main(void)
{
	pic_init();	/* 8259s masked, LAPIC on */
	irq_register(V_RTC, rtc_irq);
	irq_register(V_PIT, pit_irq);
	test_registers();
	test_edge();
	test_level();
	test_pit();
	return report_summary();
}
