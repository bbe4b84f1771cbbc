/* SPDX-License-Identifier: MIT */
/*
 * COM1 (16550A at 0x3F8) register behaviour: scratch register, divisor
 * latch behind LCR.DLAB, LSR after init, IER, loopback (data and modem
 * lines), FIFO enable seen in IIR.  Interrupts stay off throughout; nothing
 * is printed while the UART is in loopback or has a test divisor.
 */
#include "guest.h"

#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define DLL (COM1 + 0)
#define IER (COM1 + 1)
#define DLM (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_LOOP 0x10

/* Waits (bounded) until LSR has all of `bits`; returns the last LSR. */
static uint8_t lsr_wait(uint8_t bits)
{
	uint8_t lsr = 0;

	for (int i = 0; i < 10000; i++) {
		lsr = inb(LSR);
		if ((lsr & bits) == bits)
			break;
	}
	return lsr;
}

static void test_scratch(void)
{
	static const uint8_t pat[] = { 0x00, 0x55, 0xAA, 0xFF, 0x5A, 0xA5 };
	unsigned bad = 0;
	uint8_t got = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(pat); i++) {
		outb(SCR, pat[i]);
		got = inb(SCR);
		if (got != pat[i]) {
			bad++;
			break;
		}
	}
	report(!bad, "scratch register 0x3FF round trip (last read 0x%02x)",
	       got);
}

static void test_lsr_idle(void)
{
	uint8_t lsr = lsr_wait(LSR_THRE | LSR_TEMT);

	report((lsr & (LSR_THRE | LSR_TEMT)) == (LSR_THRE | LSR_TEMT) &&
		       !(lsr & 0x9E),
	       "LSR after init: THRE|TEMT, no errors (0x%02x)", lsr);
}

static void test_divisor(void)
{
	uint8_t dll, dlm, lcr_dlab, ier, lcr, lcr2;

	lsr_wait(LSR_THRE | LSR_TEMT);
	outb(LCR, 0x83);
	outb(DLL, 0x34);
	outb(DLM, 0x12);
	dll = inb(DLL);
	dlm = inb(DLM);
	lcr_dlab = inb(LCR);
	outb(DLL, 0x01);	/* back to 115200 */
	outb(DLM, 0x00);
	outb(LCR, 0x1B);	/* 8 bits, 1 stop, even parity */
	lcr2 = inb(LCR);
	outb(LCR, 0x03);
	lcr = inb(LCR);
	ier = inb(IER);
	report(dll == 0x34 && dlm == 0x12,
	       "divisor latch with DLAB: DLL 0x%02x DLM 0x%02x", dll, dlm);
	report(lcr_dlab == 0x83 && lcr2 == 0x1B && lcr == 0x03,
	       "LCR read back: 0x%02x 0x%02x 0x%02x", lcr_dlab, lcr2, lcr);
	report(ier == 0x00, "offset 1 is IER again after DLAB off (0x%02x)",
	       ier);
}

static void test_ier(void)
{
	uint8_t a, b, c;

	outb(IER, 0x05);
	a = inb(IER);
	outb(IER, 0xFF);
	b = inb(IER);	/* bits 4-7 are not implemented */
	outb(IER, 0x00);
	c = inb(IER);
	report(a == 0x05 && b == 0x0F && c == 0x00,
	       "IER read back: 0x%02x 0x%02x 0x%02x", a, b, c);
}

static void test_loopback(void)
{
	unsigned bad_msr = 0, m;
	uint8_t lsr1 = 0, rbr = 0, lsr2 = 0, bad_m = 0, bad_v = 0;
	char fifo[3];
	uint8_t lsr3;

	lsr_wait(LSR_THRE | LSR_TEMT);
	/* MCR DTR, RTS, OUT1, OUT2 show up as DSR, CTS, RI, DCD. */
	for (m = 0; m < 16; m++) {
		uint8_t want = ((m & 1) << 5) | ((m & 2) << 3) |
			       ((m & 4) << 4) | ((m & 8) << 4);
		uint8_t got;

		outb(MCR, MCR_LOOP | m);
		got = inb(MSR) & 0xF0;
		if (got != want && !bad_msr++) {
			bad_m = m;
			bad_v = got;
		}
	}

	/* A byte written to THR arrives in RBR. */
	outb(MCR, MCR_LOOP | 0x03);
	for (int i = 0; i < 32 && (inb(LSR) & LSR_DR); i++)
		inb(RBR);
	outb(THR, 'A');
	lsr1 = lsr_wait(LSR_DR);
	rbr = inb(RBR);
	lsr2 = inb(LSR);

	/* Three bytes go through the FIFO in order. */
	outb(THR, 'x');
	outb(THR, 'y');
	outb(THR, 'z');
	for (int i = 0; i < 3; i++) {
		lsr_wait(LSR_DR);
		fifo[i] = (char)inb(RBR);
	}
	lsr3 = inb(LSR);

	outb(MCR, 0x03);
	report(!bad_msr, "loopback: MSR mirrors MCR (%u bad; MCR %u -> 0x%02x)",
	       bad_msr, bad_m, bad_v);
	report((lsr1 & LSR_DR) && rbr == 'A' && !(lsr2 & LSR_DR),
	       "loopback: THR byte in RBR with LSR.DR (0x%02x '%c' 0x%02x)",
	       lsr1, rbr, lsr2);
	report(fifo[0] == 'x' && fifo[1] == 'y' && fifo[2] == 'z' &&
		       !(lsr3 & LSR_DR),
	       "loopback: FIFO keeps order (%c%c%c)", fifo[0], fifo[1],
	       fifo[2]);
}

static void test_fifo_iir(void)
{
	uint8_t on, off, again;

	lsr_wait(LSR_THRE | LSR_TEMT);
	outb(FCR, 0x07);
	on = inb(IIR);
	outb(FCR, 0x00);
	off = inb(IIR);
	outb(FCR, 0xC7);
	again = inb(IIR);
	report((on & 0xC0) == 0xC0 && (off & 0xC0) == 0 &&
		       (again & 0xC0) == 0xC0,
	       "FIFO enable in IIR bits 6-7 (0x%02x 0x%02x 0x%02x)", on, off,
	       again);
	report((on & 0x0F) == 0x01 && (off & 0x0F) == 0x01,
	       "IIR: no interrupt pending with IER 0");
}

int main(void)
{
	printf("serial: hello from COM1\n");
	test_scratch();
	test_lsr_idle();
	test_divisor();
	test_ier();
	test_loopback();
	test_fifo_iir();
	printf("serial: still printing after the register tests\n");
	return report_summary();
}
