/* SPDX-License-Identifier: MIT */
/* COM1 output: a 16550 at 0x3F8, 115200 8N1, FIFOs on, polled. */
#include "guest.h"

void serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* IER: no interrupts */
	outb(COM1 + 3, 0x80);	/* LCR: DLAB */
	outb(COM1 + 0, 0x01);	/* DLL: 115200 */
	outb(COM1 + 1, 0x00);	/* DLM */
	outb(COM1 + 3, 0x03);	/* LCR: 8N1 */
	outb(COM1 + 2, 0xC7);	/* FCR: FIFOs on and cleared, 14-byte trigger */
	outb(COM1 + 4, 0x03);	/* MCR: DTR, RTS (OUT2 off: no IRQ) */
}

/*
 * Waits for THRE before each byte.  The wait is bounded so that a missing or
 * broken UART slows the output down instead of hanging the guest.
 */
void serial_putc(char c)
{
	for (unsigned i = 0; i < 100000; i++)
		if (inb(COM1 + 5) & 0x20)
			break;
	outb(COM1, (uint8_t)c);
}
