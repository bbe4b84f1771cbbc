/* SPDX-License-Identifier: MIT */
/*
 * The 8259 pair: master 0x20/0x21, slave 0xA0/0xA1, remapped to vectors
 * 0x20-0x2F, edge-triggered, slave cascaded on IRQ 2.  Also points the BSP's
 * LAPIC LINT0 at the PIC (ExtINT): QEMU does that at reset, a VMM need not,
 * and without it KVM's in-kernel LAPIC does not take PIC interrupts.
 */
#include "guest.h"

static uint16_t mask = 0xFFFF;

static void write_mask(void)
{
	outb(0x21, mask & 0xFF);
	outb(0xA1, mask >> 8);
}

void pic_init(void)
{
	outb(0x20, 0x11);	/* ICW1: edge, cascade, ICW4 */
	outb(0xA0, 0x11);
	outb(0x21, PIC_VECTOR_BASE);	/* ICW2 */
	outb(0xA1, PIC_VECTOR_BASE + 8);
	outb(0x21, 0x04);	/* ICW3: slave on IRQ 2 */
	outb(0xA1, 0x02);
	outb(0x21, 0x01);	/* ICW4: 8086 mode, normal EOI */
	outb(0xA1, 0x01);
	mask = 0xFFFF & ~(1u << 2); /* all masked but the cascade */
	write_mask();

	apic_enable();
	apic_write(APIC_LVT0, 0x700);	/* ExtINT, unmasked */
	apic_write(APIC_LVT1, 0x400);	/* NMI */
}

void pic_mask(unsigned irq)
{
	mask |= 1u << irq;
	write_mask();
}

void pic_unmask(unsigned irq)
{
	mask &= ~(1u << irq);
	write_mask();
}

void pic_eoi(unsigned irq)
{
	if (irq >= 8)
		outb(0xA0, 0x20);
	outb(0x20, 0x20);
}

uint16_t pic_read_irr(void)
{
	outb(0x20, 0x0A);	/* OCW3: read IRR */
	outb(0xA0, 0x0A);
	return inb(0x20) | (inb(0xA0) << 8);
}

uint16_t pic_read_isr(void)
{
	uint16_t v;

	outb(0x20, 0x0B);	/* OCW3: read ISR */
	outb(0xA0, 0x0B);
	v = inb(0x20) | (inb(0xA0) << 8);
	outb(0x20, 0x0A);
	outb(0xA0, 0x0A);
	return v;
}
