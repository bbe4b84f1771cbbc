/* SPDX-License-Identifier: MIT */
/*
 * Hardware interrupts in long mode through the 8259s: PIT channel 0 as a
 * 100 Hz rate generator on IRQ 0, and the COM1 THRE interrupt on IRQ 4
 * (IER bit 1, OUT2), including IIR's "reading clears THRE".
 */
#include "guest.h"

#define THR (COM1 + 0)
#define IER (COM1 + 1)
#define IIR (COM1 + 2)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)

#define PIT_DIVISOR 11932 /* 100 Hz */

static volatile uint32_t ticks;
static volatile uint16_t isr_in_handler;

static void pit_irq(struct irq_frame *f)
{
	(void)f;
	if (!ticks)
		isr_in_handler = pic_read_isr();
	ticks++;
	pic_eoi(0);
}

static uint16_t pit_latch_ch0(void)
{
	uint16_t v;

	outb(0x43, 0x00); /* latch channel 0 */
	v = inb(0x40);
	v |= inb(0x40) << 8;
	return v;
}

static void test_pit(void)
{
	uint32_t n, masked;
	uint16_t c1, c2, isr_after;

	irq_register(IRQ_VECTOR(0), pit_irq);
	outb(0x43, 0x34); /* channel 0, lo/hi, mode 2, binary */
	outb(0x40, PIT_DIVISOR & 0xFF);
	outb(0x40, PIT_DIVISOR >> 8);
	c1 = pit_latch_ch0();
	pit_delay_us(2000);
	c2 = pit_latch_ch0();
	report(c1 <= PIT_DIVISOR && c2 <= PIT_DIVISOR && c1 != c2,
	       "PIT channel 0 counts: latched %u then %u", c1, c2);

	ticks = 0;
	pic_unmask(0);
	sti();
	pit_delay_us(500000);
	cli();
	n = ticks;
	report(n >= 35 && n <= 65, "PIT IRQ 0 at 100 Hz: %u ticks in 0.5 s", n);
	report(isr_in_handler & 1, "PIC ISR bit 0 set in the handler (0x%04x)",
	       isr_in_handler);
	isr_after = pic_read_isr();
	report(isr_after == 0, "PIC ISR clear after EOI (0x%04x)", isr_after);

	pic_mask(0);
	sti();
	pit_delay_us(20000); /* a tick latched before the mask may still come */
	ticks = 0;
	pit_delay_us(100000);
	cli();
	masked = ticks;
	report(masked == 0, "no ticks with IRQ 0 masked (%u)", masked);
	outb(0x43, 0x30); /* channel 0 back to mode 0: one more edge at most */
	outb(0x40, 0xFF);
	outb(0x40, 0xFF);
}

static volatile uint32_t uart_count;
static volatile uint8_t uart_iir[4];

static void uart_irq(struct irq_frame *f)
{
	uint8_t iir = inb(IIR);

	(void)f;
	if (uart_count < ARRAY_SIZE(uart_iir))
		uart_iir[uart_count] = iir;
	uart_count++;
	pic_eoi(4);
}

static void wait_thr_empty(void)
{
	for (int i = 0; i < 10000 && !(inb(LSR) & 0x20); i++)
		;
}

/* No printing from here to the reports: it would raise more THREs. */
static void test_uart(void)
{
	uint8_t iir1, iir2, iir_end;
	uint32_t first, second;

	irq_register(IRQ_VECTOR(4), uart_irq);
	wait_thr_empty();

	/* Polled: enabling THRE with THR empty raises it; reading IIR clears it. */
	outb(MCR, 0x0B); /* DTR, RTS, OUT2 */
	outb(IER, 0x02);
	iir1 = inb(IIR);
	iir2 = inb(IIR);
	outb(IER, 0x00);

	/* The 8259 latched that edge: let it in and forget it. */
	pic_unmask(4);
	sti();
	pit_delay_us(10000);
	cli();
	uart_count = 0;

	/* Interrupt-driven: enable, then one more byte. */
	sti();
	outb(IER, 0x02);
	wait_flag(&uart_count, 100);
	first = uart_count;
	outb(THR, '\n');
	for (int i = 0; i < 100 && uart_count == first; i++)
		pit_delay_us(1000);
	second = uart_count;
	cli();
	iir_end = inb(IIR);
	outb(IER, 0x00);
	outb(MCR, 0x03);
	pic_mask(4);

	report((iir1 & 0x0F) == 0x02 && (iir2 & 0x0F) == 0x01,
	       "IIR: THRE (0x%02x), then none after the read (0x%02x)", iir1,
	       iir2);
	report(first == 1 && (uart_iir[0] & 0x0F) == 0x02,
	       "IRQ 4 on enabling THRE: %u, IIR 0x%02x", first, uart_iir[0]);
	report(second == 2 && (uart_iir[1] & 0x0F) == 0x02,
	       "IRQ 4 after writing THR: %u, IIR 0x%02x", second, uart_iir[1]);
	report((iir_end & 0x0F) == 0x01, "IIR: no interrupt at the end (0x%02x)",
	       iir_end);
}

int main(void)
{
	pic_init();
	test_pit();
	test_uart();
	return report_summary();
}
