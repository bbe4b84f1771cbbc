/* SPDX-License-Identifier: MIT */
/*
 * The kit's own machinery, which every other program relies on: run_user()
 * (ring 0 -> 3 by sysretq, back by ud2), interrupts taken in ring 3 and in
 * ring 0 returning with every register and flag intact, and exceptions in
 * both rings with handlers that resume (#UD, #PF, #DE, #GP).
 */
#include "guest.h"

/*
 * unsigned long regcheck(unsigned long bound): loads fixed values into
 * every general register and sets CF, spins until the timer handler has
 * counted regcheck_left down to 0 or `bound` turns have passed (mov, inc,
 * dec and jnz leave CF alone), then returns 1 if all registers and CF
 * survived whatever interrupted the loop.  Waiting for interrupts rather
 * than for a number of turns keeps the test meaningful on any CPU speed
 * (KVM, QEMU's TCG, an interpreter).
 */
unsigned long regcheck(unsigned long bound);
volatile uint32_t regcheck_left;
volatile uint64_t regcheck_bound;
extern char pf_insn[], pf_fixup[], de_insn[], de_fixup[], gp_insn[],
	gp_fixup[], ud_insn[], ud_fixup[];
unsigned long user_pf(unsigned long addr);
unsigned long user_de(unsigned long x);
unsigned long user_gp(unsigned long port);
unsigned long user_ud(unsigned long x);

#define REG(n) "movabsq $0x" #n "0" #n "1" #n "2" #n "3" #n "4" #n "5" #n "6" #n "7, "
#define CHK(n, r) "movabsq $0x" #n "0" #n "1" #n "2" #n "3" #n "4" #n "5" #n "6" #n "7, %rax\n\tcmpq %rax, " r "\n\tjne 9f\n\t"

__asm__(".text\n"
	".globl regcheck\n"
	"regcheck:\n\t"
	"pushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\t"
	"pushq %r13\n\tpushq %r14\n\tpushq %r15\n\t"
	"movq %rdi, regcheck_bound(%rip)\n\t"
	REG(1) "%rbx\n\t" REG(2) "%rcx\n\t" REG(3) "%rdx\n\t"
	REG(4) "%rsi\n\t" REG(5) "%rdi\n\t" REG(6) "%rbp\n\t"
	REG(7) "%r8\n\t" REG(8) "%r9\n\t" REG(9) "%r10\n\t"
	REG(a) "%r11\n\t" REG(b) "%r12\n\t" REG(c) "%r13\n\t"
	REG(d) "%r14\n\t" REG(e) "%r15\n\t"
	"stc\n"
	"1:\tmovl regcheck_left(%rip), %eax\n\t"
	"incl %eax\n\tdecl %eax\n\tjz 2f\n\t" /* ZF from eax, CF kept */
	"decq regcheck_bound(%rip)\n\tjnz 1b\n"
	"2:\t"
	"jnc 9f\n\t"
	CHK(1, "%rbx") CHK(2, "%rcx") CHK(3, "%rdx") CHK(4, "%rsi")
	CHK(5, "%rdi") CHK(6, "%rbp") CHK(7, "%r8") CHK(8, "%r9")
	CHK(9, "%r10") CHK(a, "%r11") CHK(b, "%r12") CHK(c, "%r13")
	CHK(d, "%r14") CHK(e, "%r15")
	"movl $1, %eax\n\tjmp 8f\n"
	"9:\txorl %eax, %eax\n"
	"8:\tpopq %r15\n\tpopq %r14\n\tpopq %r13\n\t"
	"popq %r12\n\tpopq %rbp\n\tpopq %rbx\n\t"
	"ret\n"

	/* Each faulting instruction has a label; the handler jumps to *_fixup. */
	".globl user_pf, pf_insn, pf_fixup\n"
	"user_pf:\n"
	"pf_insn:\tmovq (%rdi), %rax\n"
	"pf_fixup:\tmovl $7, %eax\n\tret\n"
	".globl user_de, de_insn, de_fixup\n"
	"user_de:\n\txorl %ecx, %ecx\n\tmovq %rdi, %rax\n\txorl %edx, %edx\n"
	"de_insn:\tdivq %rcx\n"
	"de_fixup:\tmovl $8, %eax\n\tret\n"
	".globl user_gp, gp_insn, gp_fixup\n"
	"user_gp:\n\tmovq %rdi, %rdx\n"
	"gp_insn:\tinb %dx, %al\n"
	"gp_fixup:\tmovl $9, %eax\n\tret\n"
	".globl user_ud, ud_insn, ud_fixup\n"
	"user_ud:\n"
	"ud_insn:\tud2\n"
	"ud_fixup:\tmovl $10, %eax\n\tret\n");

static unsigned long add1(unsigned long x)
{
	return x + 1;
}

/* Bitwise CRC-32 (IEEE): pure compute, the kind of work ring 3 is for. */
static unsigned long crc32_user(unsigned long p)
{
	const uint8_t *s = (const uint8_t *)p;
	uint32_t crc = 0xFFFFFFFF;

	for (; *s; s++) {
		crc ^= *s;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
	}
	return ~crc;
}

static volatile uint32_t ticks;

static void tick(struct irq_frame *f)
{
	(void)f;
	ticks++;
	if (regcheck_left)
		regcheck_left--;
	pic_eoi(0);
}

struct fault {
	uint64_t vector, error, cr2, cs;
	uint32_t count;
};
static struct fault seen;

/* Resumes at the fixup label of whichever test instruction faulted. */
static void fault_handler(struct irq_frame *f)
{
	static const struct {
		char *insn, *fixup;
	} fix[] = {
		{ pf_insn, pf_fixup },
		{ de_insn, de_fixup },
		{ gp_insn, gp_fixup },
		{ ud_insn, ud_fixup },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(fix); i++) {
		if (f->rip == (uint64_t)fix[i].insn) {
			seen.vector = f->vector;
			seen.error = f->error;
			seen.cs = f->cs;
			seen.cr2 = f->vector == 14 ? read_cr2() : 0;
			seen.count++;
			f->rip = (uint64_t)fix[i].fixup;
			return;
		}
	}
	printf("EXCEPTION: vector %lu at rip 0x%lx cs 0x%lx, not a test\n",
	       f->vector, f->rip, f->cs);
	exit(EXIT_UNEXPECTED);
}

static void test_run_user(void)
{
	static const char msg[] = "123456789";
	unsigned long r;

	r = run_user(add1, 41);
	report(r == 42, "run_user: argument and result (%lu)", r);
	r = run_user(crc32_user, (unsigned long)msg);
	report(r == 0xCBF43926, "run_user: CRC-32 of \"123456789\" = 0x%lx", r);
	report(read_cs() == KERNEL_CS && !(read_rflags() & (1 << 9)),
	       "back in ring 0 with interrupts still off");
}

static void test_interrupted(void)
{
	uint32_t t0, t3, toff;
	unsigned long ok0, ok3, okoff;

	irq_register(IRQ_VECTOR(0), tick);
	outb(0x43, 0x34); /* PIT channel 0, mode 2, 1 kHz */
	outb(0x40, 1193 & 0xFF);
	outb(0x40, 1193 >> 8);
	pic_unmask(0);

	/* The bounds only end a run whose interrupts never come. */
	ticks = 0;
	regcheck_left = 20;
	sti();
	ok0 = regcheck(4000000000ul);
	cli();
	t0 = ticks;
	report(ok0 && t0 >= 20, "ring 0: registers and CF intact across %u "
	       "interrupts", t0);

	ticks = 0;
	regcheck_left = 200;
	sti();
	ok3 = run_user(regcheck, 40000000000ul);
	cli();
	t3 = ticks;
	report(ok3 && t3 >= 200, "ring 3: registers and CF intact across %u "
	       "interrupts", t3);

	/* 1e7 turns: several ms even on KVM, so a tick would have come. */
	ticks = 0;
	regcheck_left = 1;
	okoff = run_user(regcheck, 10000000);
	toff = ticks;
	report(okoff && toff == 0, "ring 3 with interrupts off: none taken (%u)",
	       toff);
	sti();
	pit_delay_us(5000);
	cli();
	report(ticks > 0, "the held-back tick arrives after sti (%u)", ticks);
	pic_mask(0);
}

static void test_faults(void)
{
	unsigned long r;

	irq_register(6, fault_handler);
	irq_register(0, fault_handler);
	irq_register(13, fault_handler);
	irq_register(14, fault_handler);

	memset(&seen, 0, sizeof(seen));
	r = user_ud(0);
	report(r == 10 && seen.count == 1 && seen.vector == 6 &&
		       seen.cs == KERNEL_CS,
	       "ring 0: #UD handled and resumed");

	memset(&seen, 0, sizeof(seen));
	r = run_user(user_ud, 0);
	report(r == 10 && seen.count == 1 && seen.vector == 6 &&
		       (seen.cs & 3) == 3,
	       "ring 3: #UD handled and resumed in ring 3");

	memset(&seen, 0, sizeof(seen));
	r = run_user(user_pf, 0x8000000000ul);
	report(r == 7 && seen.vector == 14 && seen.cr2 == 0x8000000000ul &&
		       (seen.error & 4),
	       "ring 3: #PF at 512 GiB, CR2 0x%lx, error 0x%lx", seen.cr2,
	       seen.error);

	memset(&seen, 0, sizeof(seen));
	r = run_user(user_de, 1234);
	report(r == 8 && seen.vector == 0, "ring 3: #DE handled");

	memset(&seen, 0, sizeof(seen));
	r = run_user(user_gp, 0x80);
	report(r == 9 && seen.vector == 13,
	       "ring 3: port I/O faults with #GP (vector %lu)", seen.vector);

	irq_register(0, NULL);
	irq_register(6, NULL);
	irq_register(13, NULL);
	irq_register(14, NULL);
}

int main(void)
{
	pic_init();
	test_run_user();
	test_interrupted();
	test_faults();
	return report_summary();
}
