/* SPDX-License-Identifier: MIT */
/*
 * The 8259 pair in 32-bit protected mode (the 32-bit kit: interrupts come
 * in through the IDT and leave by iret).  Its own initialisation (ICW1-4,
 * vectors 0x50/0x58), the mask register read back through OCW1, IRR and
 * ISR through OCW3; the PIT on IRQ 0 latched in IRR while masked and
 * delivered on unmask once IF is set, ISR set in the handler and cleared
 * by a non-specific EOI, a specific EOI (0x60 | irq); the RTC's periodic
 * interrupt through the slave (IRQ 8: slave ISR bit 0 and master ISR bit 2
 * in the handler, EOI to both); automatic EOI mode (ICW4 bit 1: ISR never
 * set); priority: with IRQ 0 in service, IRQ 8 (lower priority) waits
 * until the EOI.  Spurious IRQ 7 needs a device that drops its request
 * between INTR and INTA, which no VMM's timer does on demand: not tested.
 */
#include "guest.h"

#define BASE_M 0x50
#define BASE_S 0x58
#define RTC_A 0x0A
#define RTC_B 0x0B
#define RTC_C 0x0C

static void init(bool auto_eoi)
{
	uint8_t icw4 = auto_eoi ? 0x03 : 0x01;

	outb(0x20, 0x11);	/* ICW1: edge, cascade, ICW4 needed */
	outb(0xA0, 0x11);
	outb(0x21, BASE_M);	/* ICW2 */
	outb(0xA1, BASE_S);
	outb(0x21, 0x04);	/* ICW3: slave on IRQ 2 */
	outb(0xA1, 0x02);	/*       slave id 2 */
	outb(0x21, icw4);	/* ICW4: 8086, normal or automatic EOI */
	outb(0xA1, icw4);
	outb(0x21, 0xFF);	/* OCW1: all masked */
	outb(0xA1, 0xFF);
}

static uint8_t read_irr(uint16_t port)
{
	outb(port, 0x0A);
	return inb(port);
}

static uint8_t read_isr(uint16_t port)
{
	uint8_t v;

	outb(port, 0x0B);
	v = inb(port);
	outb(port, 0x0A);
	return v;
}

static volatile uint32_t n0, n8;
static volatile uint8_t isr0_m, isr8_m, isr8_s;
static volatile bool specific, no_eoi;

static void irq0(struct irq_frame *f)
{
	(void)f;
	if (!n0++)
		isr0_m = read_isr(0x20);
	if (no_eoi)
		return;
	outb(0x20, specific ? 0x60 : 0x20);
}

static void irq8(struct irq_frame *f)
{
	(void)f;
	if (!n8++) {
		isr8_m = read_isr(0x20);
		isr8_s = read_isr(0xA0);
	}
	cmos_read(RTC_C);	/* lets the RTC raise the next one */
	if (no_eoi)
		return;
	outb(0xA0, 0x20);
	outb(0x20, 0x20);
}

/* wait_count() with IF set. */
static void wait_count_sti(volatile uint32_t *n, uint32_t want, unsigned ms)
{
	sti();
	wait_count(n, want, ms);
	cli();
}

static void pit_start(uint16_t div)
{
	outb(0x43, 0x34);	/* channel 0, lo/hi, mode 2 */
	outb(0x40, div & 0xFF);
	outb(0x40, div >> 8);
}

static void pit_stop(void)
{
	outb(0x43, 0x30);	/* mode 0 with no count: OUT stays low */
}

static void test_masks(void)
{
	outb(0x21, 0xA5);
	outb(0xA1, 0x5A);
	report(inb(0x21) == 0xA5 && inb(0xA1) == 0x5A,
	       "OCW1: masks read back (0x%02x 0x%02x)", inb(0x21), inb(0xA1));
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	report(read_isr(0x20) == 0 && read_isr(0xA0) == 0,
	       "after ICW1-4: nothing in service");
}

static void test_timer(void)
{
	uint8_t irr;

	irq_register(BASE_M, irq0);
	pit_start(11932);	/* 100 Hz */
	for (unsigned i = 0; i < 1000 && !(read_irr(0x20) & 1); i++)
		pit_delay_us(1000);
	irr = read_irr(0x20);
	report(irr & 1, "masked IRQ 0 is latched in IRR (0x%02x)", irr);
	report(n0 == 0, "and not delivered");
	outb(0x21, 0xFE);	/* unmask IRQ 0, IF still clear */
	pit_delay_us(1000);
	report(n0 == 0 && read_isr(0x20) == 0,
	       "unmasked with IF clear: still pending, ISR empty");
	wait_count_sti(&n0, 1, 1000);
	report(n0 >= 1, "sti: IRQ 0 arrives at vector 0x%x (%u)", BASE_M, n0);
	report(isr0_m == 0x01, "ISR bit 0 set in the handler (0x%02x)",
	       isr0_m);
	report(read_isr(0x20) == 0, "non-specific EOI cleared it");

	n0 = 0;
	specific = true;
	wait_count_sti(&n0, 3, 1000);
	report(n0 >= 2 && read_isr(0x20) == 0,
	       "specific EOI (0x60): %u more ticks, ISR empty", n0);
	specific = false;

	/* Without an EOI, IRQ 0 stays in service and blocks itself. */
	n0 = 0;
	no_eoi = true;
	sti();
	pit_delay_us(50000);
	cli();
	report(n0 == 1 && (read_isr(0x20) & 1),
	       "no EOI: one tick only, ISR bit 0 still set (%u)", n0);
	no_eoi = false;
	outb(0x20, 0x60);	/* specific EOI for IRQ 0 */
	report(read_isr(0x20) == 0, "a late specific EOI clears it");
	outb(0x21, 0xFF);
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

static void test_slave(void)
{
	irq_register(BASE_S, irq8);
	n8 = 0;
	rtc_periodic(true);
	outb(0x21, 0xFB);	/* master: only the cascade */
	outb(0xA1, 0xFE);	/* slave: IRQ 8 */
	wait_count_sti(&n8, 3, 1000);
	report(n8 >= 2, "RTC periodic interrupt through the slave at 0x%x "
	       "(%u)", BASE_S, n8);
	report(isr8_s == 0x01 && isr8_m == 0x04,
	       "in the handler: slave ISR 0x%02x, master ISR 0x%02x (cascade)",
	       isr8_s, isr8_m);
	report(read_isr(0x20) == 0 && read_isr(0xA0) == 0,
	       "EOI to both: nothing in service");

	/* Priority: IRQ 0 in service holds off IRQ 8 (behind IRQ 2). */
	rtc_periodic(false);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	n0 = n8 = 0;
	no_eoi = true;
	pit_start(11932);
	outb(0x21, 0xFE);
	sti();
	wait_flag(&n0, 200);
	cli();
	no_eoi = false;
	outb(0x21, 0xFB);	/* IRQ 0 masked (still in service), cascade */
	outb(0xA1, 0xFE);
	rtc_periodic(true);
	sti();
	for (unsigned i = 0; i < 1000 && !(read_irr(0xA0) & 1); i++)
		pit_delay_us(1000);
	pit_delay_us(5000);	/* time to be (wrongly) delivered */
	cli();
	report(n0 == 1 && n8 == 0 && (read_isr(0x20) & 1) &&
		       (read_irr(0xA0) & 1),
	       "IRQ 0 in service holds off IRQ 8 (slave IRR 0x%02x, %u)",
	       read_irr(0xA0), n8);
	outb(0x20, 0x60);	/* specific EOI for IRQ 0 */
	sti();
	wait_flag(&n8, 200);
	cli();
	report(n8 >= 1, "and it arrives after the EOI (%u)", n8);
	outb(0x21, 0xFF);
	outb(0xA1, 0xFF);
	rtc_periodic(false);
	pit_stop();
}

static void test_auto_eoi(void)
{
	init(true);
	n0 = 0;
	no_eoi = true;		/* the handler sends none */
	isr0_m = 0xFF;
	pit_start(11932);
	outb(0x21, 0xFE);
	wait_count_sti(&n0, 3, 1000);
	report(n0 >= 2 && isr0_m == 0,
	       "automatic EOI: %u ticks without EOIs, ISR 0x%02x in the "
	       "handler", n0, isr0_m);
	outb(0x21, 0xFF);
	no_eoi = false;
	pit_stop();
	init(false);
}

int main(void)
{
	init(false);
	test_masks();
	test_timer();
	test_slave();
	test_auto_eoi();
	return report_summary();
}
