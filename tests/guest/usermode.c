/* SPDX-License-Identifier: MIT */
#include "guest.h"

static unsigned long add1(unsigned long x) { return x + 1; }

static unsigned long spin(unsigned long n)
{
	volatile unsigned long i;
	for (i = 0; i < n; i++)
		;
	return i;
}

static volatile uint32_t ticks;
static void tick(struct irq_frame *f) { (void)f; ticks++; pic_eoi(0); }

int main(void)
{
	printf("hello from long mode, cmdline '%s' flags %lx cs %x\n", mb_cmdline(), read_rflags(), read_cs());
	report(run_user(add1, 41) == 42, "run_user");
	pic_init();
	irq_register(IRQ_VECTOR(0), tick);
	outb(0x43, 0x34); outb(0x40, 11932 & 0xff); outb(0x40, 11932 >> 8);
	pic_unmask(0);
	sti();
	pit_delay_us(100000);
	report(ticks > 5, "ticks in ring 0: %u", ticks);
	ticks = 0;
	unsigned long r = run_user(spin, 300000000);
	report(r == 300000000 && ticks > 5, "ticks in ring 3: %u", ticks);
	cli();
	return report_summary();
}
