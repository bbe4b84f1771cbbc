/* SPDX-License-Identifier: MIT */
/*
 * The i8042 keyboard controller at 0x60 (data) / 0x64 (status, command):
 * controller self test (0xAA -> 0x55) and keyboard interface test (0xAB ->
 * 0x00), the command byte (0x20 read / 0x60 write) round trip, keyboard
 * disable/enable (0xAD/0xAE) as seen in the command byte, the output port
 * (0xD0 read, 0xD1 write) with A20 switched off and on again, the status
 * register's bits, and a keyboard echo (0xEE) raising IRQ 1 when the
 * command byte enables it.
 *
 * A20 off masks physical address bit 20 (QEMU's TCG does so, as real
 * machines do; KVM cannot), and this program, its stack and the kit's page
 * tables all live at 1 MiB, so the stretch with A20 off runs from a copy in
 * low memory (a20_low, at LOW_CODE) on page tables there, touching nothing
 * above 1 MiB except to read the alias of a low marker.
 *
 * With "reset" on the command line it instead pulses the reset line with
 * command 0xFE; both VMMs end the VM on reboot ([i8042_reset], status 0).
 * (reboot.c resets through 0xCF9.)
 */
#include "guest.h"

#define KBD_DATA 0x60
#define KBD_STATUS 0x64
#define KBD_CMD 0x64

#define STR_OBF 0x01
#define STR_IBF 0x02
#define STR_SYS 0x04
#define STR_A2 0x08
#define STR_AUXB 0x20
#define STR_TIMEOUT 0x40
#define STR_PARITY 0x80

#define CTR_KBDINT 0x01
#define CTR_AUXINT 0x02
#define CTR_KBDDIS 0x10

#define OUT_RESET 0x01 /* 0 holds the CPU in reset */
#define OUT_A20 0x02

#define SPINS 200000 /* status polls before giving up */

/* Waits for IBF to clear (the controller took the last byte). */
static bool wait_write(void)
{
	for (unsigned i = 0; i < SPINS; i++)
		if (!(inb(KBD_STATUS) & STR_IBF))
			return true;
	return false;
}

/* Waits for OBF and reads the byte; -1 if none came. */
static int read_data(void)
{
	for (unsigned i = 0; i < SPINS; i++)
		if (inb(KBD_STATUS) & STR_OBF)
			return inb(KBD_DATA);
	return -1;
}

static bool command(uint8_t c)
{
	if (!wait_write())
		return false;
	outb(KBD_CMD, c);
	return wait_write();
}

static bool command_data(uint8_t c, uint8_t d)
{
	if (!command(c))
		return false;
	outb(KBD_DATA, d);
	return wait_write();
}

/* A controller command that answers with one byte. */
static int query(uint8_t c)
{
	return command(c) ? read_data() : -1;
}

/* Drops whatever the controller holds (firmware leftovers). */
static unsigned drain(void)
{
	unsigned n = 0;

	while ((inb(KBD_STATUS) & STR_OBF) && n < 64) {
		inb(KBD_DATA);
		n++;
	}
	return n;
}

static void test_tests(void)
{
	int r;

	r = query(0xAA);
	report(r == 0x55, "controller self test 0xAA: 0x%02x", r);
	r = query(0xAB);
	report(r == 0x00, "keyboard interface test 0xAB: 0x%02x", r);
	report(inb(KBD_STATUS) & STR_SYS, "status: SYS set after self test");
}

static void test_command_byte(uint8_t ctr)
{
	static const uint8_t vals[] = { 0x44, 0x54, 0x64, 0x74 };
	int r;

	for (unsigned i = 0; i < ARRAY_SIZE(vals); i++) {
		/* Interrupts off, translation and SYS on: harmless values. */
		command_data(0x60, vals[i]);
		r = query(0x20);
		report(r == vals[i], "command byte 0x%02x reads back 0x%02x",
		       vals[i], r);
	}

	command_data(0x60, ctr & ~CTR_KBDDIS);
	command(0xAD);
	r = query(0x20);
	report(r >= 0 && (r & CTR_KBDDIS),
	       "0xAD (disable keyboard) sets command byte bit 4 (0x%02x)", r);
	command(0xAE);
	r = query(0x20);
	report(r >= 0 && !(r & CTR_KBDDIS),
	       "0xAE (enable keyboard) clears it (0x%02x)", r);
}

/*
 * The low-memory copy: page tables for 0-2 MiB at LOW_PT (PML4, PDPT, PD),
 * the marker page at LOW_MARK (below MULTIBOOT_INFO_BASE of safepc,
 * 0x90000, and clear of QEMU's, which follows the image).
 */
#define LOW_CODE 0x70000ul
#define LOW_PT 0x71000ul
#define LOW_MARK 0x74000ul
#define A20_ALIAS (LOW_MARK + 0x100000ul)

/* a20_low's result: the output port read with A20 off, and flags. */
#define A20R_PORT 0xFF
#define A20R_TIMEOUT 0x100	/* IBF or OBF never settled */
#define A20R_WRAPPED 0x200	/* 1 MiB + LOW_MARK read the low marker */
#define A20R_STUCK 0x400	/* it still did after A20 was set again */

/*
 * unsigned long a20_low(out_off, out_on, low_cr3, alias), position
 * independent and stackless (the caller's stack is above 1 MiB): switches
 * to low_cr3, writes the output port with A20 clear (0xD1), reads it back
 * (0xD0), waits a bounded time for `alias` to read what alias - 1 MiB
 * holds, writes the output port with A20 set, waits for the alias to go
 * away again, and restores CR3.  Interrupts must be off.
 */
extern char a20_low[], a20_low_end[];
__asm__(".text\n"
	".macro A20_WAIT bit, flag\n\t"
	"movl $2000000, %r11d\n"
	"1:\tinb $0x64, %al\n\t"
	"testb $\\bit, %al\n\t"
	".if \\flag\n\tjnz 2f\n\t.else\n\tjz 2f\n\t.endif\n\t"
	"decl %r11d\n\tjnz 1b\n\t"
	"orl $0x100, %r10d\n"
	"2:\n"
	".endm\n"
	".globl a20_low, a20_low_end\n"
	"a20_low:\n\t"
	"movq %cr3, %r8\n\t"
	"movq %rdx, %cr3\n\t"
	"leaq -0x100000(%rcx), %r9\n\t"
	"xorl %r10d, %r10d\n\t"
	"A20_WAIT 2, 0\n\t"		/* IBF clear */
	"movb $0xD1, %al\n\toutb %al, $0x64\n\t"
	"A20_WAIT 2, 0\n\t"
	"movl %edi, %eax\n\toutb %al, $0x60\n\t"
	"A20_WAIT 2, 0\n\t"
	"movb $0xD0, %al\n\toutb %al, $0x64\n\t"
	"A20_WAIT 1, 1\n\t"		/* OBF set */
	"inb $0x60, %al\n\t"
	"movb %al, %r10b\n\t"
	"movl $1000000, %r11d\n"
	"3:\tmovl (%rcx), %eax\n\t"
	"cmpl (%r9), %eax\n\t"
	"je 4f\n\t"
	"decl %r11d\n\tjnz 3b\n\t"
	"jmp 5f\n"
	"4:\torl $0x200, %r10d\n"
	"5:\tA20_WAIT 2, 0\n\t"
	"movb $0xD1, %al\n\toutb %al, $0x64\n\t"
	"A20_WAIT 2, 0\n\t"
	"movl %esi, %eax\n\toutb %al, $0x60\n\t"
	"A20_WAIT 2, 0\n\t"
	"movl $1000000, %r11d\n"
	"6:\tmovl (%rcx), %eax\n\t"
	"cmpl (%r9), %eax\n\t"
	"jne 7f\n\t"
	"decl %r11d\n\tjnz 6b\n\t"
	"orl $0x400, %r10d\n"
	"7:\tmovq %r8, %cr3\n\t"
	"movq %r10, %rax\n\t"
	"ret\n"
	"a20_low_end:\n"
	".purgem A20_WAIT\n");

/* Copies a20_low and its page tables below 1 MiB and runs it. */
static unsigned long run_a20_low(uint8_t out_off, uint8_t out_on)
{
	unsigned long (*fn)(unsigned long, unsigned long, unsigned long,
			    unsigned long) = (void *)LOW_CODE;
	volatile uint32_t *lo = (volatile uint32_t *)LOW_MARK;
	volatile uint32_t *hi = (volatile uint32_t *)A20_ALIAS;
	uint64_t *pt = (uint64_t *)LOW_PT;
	unsigned long r;

	memcpy((void *)LOW_CODE, a20_low, a20_low_end - a20_low);
	memset(pt, 0, 3 * 4096);
	pt[0] = (LOW_PT + 0x1000) | 0x3;	 /* PML4[0] -> PDPT, P RW */
	pt[512] = (LOW_PT + 0x2000) | 0x3;	 /* PDPT[0] -> PD */
	pt[1024] = 0x83;			 /* PD[0]: 0-2 MiB, P RW PS */
	/* A marker the alias does not already hold. */
	*lo = 0x4A20C0DE;
	if (*hi == *lo)
		*lo = ~*hi;
	r = fn(out_off, out_on, LOW_PT, A20_ALIAS);
	report_info("with A20 off, 1 MiB + 0x%lx %s the low page (wraps)",
		    LOW_MARK, (r & A20R_WRAPPED) ? "read" : "did not read");
	return r;
}

static void test_output_port(void)
{
	extern char __bss_end[];
	unsigned long a20;
	int out, r;

	out = query(0xD0);
	report(out >= 0 && (out & OUT_RESET),
	       "output port 0x%02x: reset line inactive", out);
	if (out < 0)
		return;
	report_info("output port A20 bit: %d", !!(out & OUT_A20));

	if ((unsigned long)__bss_end > A20_ALIAS) {
		report_skip("A20 off: the image reaches 0x%lx", A20_ALIAS);
		return;
	}
	a20 = run_a20_low((uint8_t)((out & ~OUT_A20) | OUT_RESET),
			  (uint8_t)(out | OUT_A20 | OUT_RESET));
	r = (int)(a20 & A20R_PORT);
	report(!(a20 & A20R_TIMEOUT) && !(r & OUT_A20) && (r & OUT_RESET),
	       "0xD1 with A20 clear: output port reads 0x%02x", r);
	/*
	 * Whether the alias appears at all is only reported (KVM cannot
	 * mask A20); once A20 is set it must be gone.
	 */
	report(!(a20 & A20R_STUCK), "A20 set again: 1 MiB no longer wraps");
	r = query(0xD0);
	report(r >= 0 && (r & OUT_A20) && (r & OUT_RESET),
	       "0xD1 with A20 set: output port reads 0x%02x", r);
}

static void test_status(void)
{
	uint8_t st;

	drain();
	st = inb(KBD_STATUS);
	report(!(st & (STR_OBF | STR_IBF | STR_TIMEOUT | STR_PARITY)),
	       "idle status 0x%02x: OBF, IBF, timeout, parity clear", st);
	command(0x20);
	st = inb(KBD_STATUS);
	report((st & STR_A2) && (st & STR_OBF) && !(st & STR_AUXB),
	       "after a command: A2 set, OBF with controller data (0x%02x)",
	       st);
	read_data();
	st = inb(KBD_STATUS);
	report(!(st & STR_OBF), "reading 0x60 empties the buffer (0x%02x)", st);
	/*
	 * A2 should clear again with a write to 0x60; QEMU leaves it set,
	 * so that is only reported.  SYS mirrors command byte bit 2 on a
	 * real 8042 (safepc too); QEMU keeps it from the self test.
	 */
	command(0x60);
	outb(KBD_DATA, 0x44);
	wait_write();
	st = inb(KBD_STATUS);
	report_info("status after a data byte: 0x%02x (A2 %d, SYS %d)", st,
		    !!(st & STR_A2), !!(st & STR_SYS));
}

static volatile uint32_t irq1_count;

static void irq1_handler(struct irq_frame *f)
{
	(void)f;
	irq1_count++;
	pic_eoi(1);
}

/*
 * Keyboard echo with IRQ 1 enabled in the command byte: the reply arrives
 * and raises IRQ 1 (delivered through the PIC; the handler leaves the byte
 * for the test to read).
 */
static void test_echo(uint8_t ctr)
{
	uint32_t got;
	int r;

	irq_register(IRQ_VECTOR(1), irq1_handler);
	command_data(0x60, (uint8_t)((ctr & ~(CTR_KBDDIS | CTR_AUXINT)) |
				     CTR_KBDINT));
	drain();
	/* Take whatever the earlier replies latched in the PIC. */
	pic_unmask(1);
	sti();
	pit_delay_us(1000);
	irq1_count = 0;
	if (wait_write())
		outb(KBD_DATA, 0xEE);
	got = wait_flag(&irq1_count, 200);
	cli();
	r = read_data();
	report(r == 0xEE, "keyboard echo 0xEE: 0x%02x", r);
	report(got == 1, "the reply raised IRQ 1 once (%u)", got);
	sti();
	pit_delay_us(1000);
	cli();
	report(irq1_count == 1, "and no more after it was read (%u)",
	       irq1_count);
	pic_mask(1);
	irq_register(IRQ_VECTOR(1), NULL);
	command_data(0x60, ctr & ~(CTR_KBDINT | CTR_AUXINT));
}

static void test_reset(void)
{
	printf("i8042: pulsing the reset line (0xFE)\n");
	command(0xFE);
	for (volatile unsigned i = 0; i < 100000; i++)
		;
	report(false, "the machine did not reset");
}

int main(void)
{
	int ctr;

	pic_init(); /* everything masked */
	if (cmdline_has("reset")) {
		test_reset();
		return report_summary();
	}
	report_info("dropped %u byte(s) left in the output buffer", drain());
	command(0xAD); /* no keystrokes in the middle of the tests */
	drain();
	ctr = query(0x20);
	report(ctr >= 0, "command byte read 0x20: 0x%02x", ctr);
	if (ctr < 0)
		return report_summary();
	test_tests();
	test_command_byte((uint8_t)ctr);
	test_output_port();
	test_status();
	test_echo((uint8_t)ctr);
	/* The firmware's setting back, keyboard enabled. */
	command_data(0x60, (uint8_t)ctr & ~CTR_KBDDIS);
	return report_summary();
}
