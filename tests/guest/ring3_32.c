/* SPDX-License-Identifier: MIT */
/*
 * 32-bit ring 3 (the 32-bit kit: protected mode, paging off): run_user()
 * by iret and back by int 0x80, ring-3 code doing arithmetic (add/sub/
 * mul/div, 64-bit arithmetic through the carry, shifts), memory (a sort, a
 * copy, a CRC), calls (recursion, calls through pointers); the ring-3
 * segment registers; port I/O from ring 3 with IOPL 0 giving #GP(0); timer
 * interrupts taken in ring 3 through the TSS stack switch with every
 * register intact; and a SYSENTER/SYSEXIT round trip (CS/SS from
 * SYSENTER_CS, IF cleared on entry, ECX/EDX giving the way back).
 */
#include "guest.h"

#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

/* --- ring-3 workloads (no I/O, no printing) --- */

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

static unsigned fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static unsigned long fib_user(unsigned long n)
{
	return fib(n);
}

/* 64-bit arithmetic on a 32-bit CPU: add/adc, mul, shifts, division. */
static unsigned long arith_user(unsigned long seed)
{
	volatile uint64_t x = seed, acc = 0;
	volatile uint32_t q = 0;

	for (unsigned i = 0; i < 100; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		acc += x >> 17;
		acc ^= x << 5;
		q += (uint32_t)(x >> 32) / 7u + (uint32_t)x % 13u;
	}
	return (uint32_t)(acc ^ (acc >> 32)) + q;
}

static uint32_t sort_buf[256], copy_buf[256];

/* Insertion sort of a scrambled table, then a copy; returns 1 if sorted. */
static unsigned long sort_user(unsigned long n)
{
	for (unsigned i = 0; i < n; i++)
		sort_buf[i] = (i * 2654435761u) % 1000003u;
	for (unsigned i = 1; i < n; i++) {
		uint32_t v = sort_buf[i];
		unsigned j = i;

		while (j && sort_buf[j - 1] > v) {
			sort_buf[j] = sort_buf[j - 1];
			j--;
		}
		sort_buf[j] = v;
	}
	memcpy(copy_buf, sort_buf, n * 4);
	for (unsigned i = 1; i < n; i++)
		if (copy_buf[i - 1] > copy_buf[i])
			return 0;
	return 1;
}

static unsigned long twice(unsigned long x)
{
	return 2 * x;
}

static unsigned long plus3(unsigned long x)
{
	return x + 3;
}

/* Calls through a table of pointers. */
static unsigned long calls_user(unsigned long x)
{
	static unsigned long (*const fns[])(unsigned long) = { twice, plus3 };

	for (unsigned i = 0; i < 10; i++)
		x = fns[i & 1](x);
	return x;
}

static volatile uint32_t user_cs, user_ss, user_ds;

static unsigned long segs_user(unsigned long x)
{
	uint32_t v;

	__asm__ volatile("mov %%cs, %0" : "=r"(v));
	user_cs = v;
	__asm__ volatile("mov %%ss, %0" : "=r"(v));
	user_ss = v;
	__asm__ volatile("mov %%ds, %0" : "=r"(v));
	user_ds = v;
	return x;
}

/* --- faults and interrupts in ring 3 --- */

unsigned long user_inb(unsigned long port);
unsigned long regcheck32(unsigned long bound);
extern char inb_insn[], inb_fixup[];
volatile uint32_t regcheck_left;
volatile uint32_t regcheck_bound;

__asm__(".text\n"
	".globl user_inb, inb_insn, inb_fixup\n"
	"user_inb:\n\t"
	"movl 4(%esp), %edx\n"
	"inb_insn:\tinb %dx, %al\n\t"
	"movl $1, %eax\n\tret\n"
	"inb_fixup:\tmovl $2, %eax\n\tret\n"

	/*
	 * regcheck32(bound): fixed values in every register but eax, CF set;
	 * spins until regcheck_left is 0 (the timer handler counts it down)
	 * or bound turns pass, with instructions that leave CF alone; 1 if
	 * all survived.
	 */
	".globl regcheck32\n"
	"regcheck32:\n\t"
	"pushl %ebx\n\tpushl %esi\n\tpushl %edi\n\tpushl %ebp\n\t"
	"movl 20(%esp), %eax\n\tmovl %eax, regcheck_bound\n\t"
	"movl $0x11111111, %ebx\n\tmovl $0x22222222, %ecx\n\t"
	"movl $0x33333333, %edx\n\tmovl $0x44444444, %esi\n\t"
	"movl $0x55555555, %edi\n\tmovl $0x66666666, %ebp\n\t"
	"stc\n"
	"1:\tmovl regcheck_left, %eax\n\t"
	"incl %eax\n\tdecl %eax\n\tjz 2f\n\t"
	"decl regcheck_bound\n\tjnz 1b\n"
	"2:\tjnc 9f\n\t"
	"cmpl $0x11111111, %ebx\n\tjne 9f\n\tcmpl $0x22222222, %ecx\n\tjne 9f\n\t"
	"cmpl $0x33333333, %edx\n\tjne 9f\n\tcmpl $0x44444444, %esi\n\tjne 9f\n\t"
	"cmpl $0x55555555, %edi\n\tjne 9f\n\tcmpl $0x66666666, %ebp\n\tjne 9f\n\t"
	"movl $1, %eax\n\tjmp 8f\n"
	"9:\txorl %eax, %eax\n"
	"8:\tpopl %ebp\n\tpopl %edi\n\tpopl %esi\n\tpopl %ebx\n\tret\n");

static struct irq_frame gp_seen;
static volatile uint32_t gp_count;

static void gp_handler(struct irq_frame *f)
{
	if (f->eip != (uint32_t)(uintptr_t)inb_insn) {
		printf("EXCEPTION: #GP error 0x%x at eip 0x%x, not a test\n",
		       f->error, f->eip);
		exit(EXIT_UNEXPECTED);
	}
	gp_seen = *f;
	gp_count++;
	f->eip = (uint32_t)(uintptr_t)inb_fixup;
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

/* --- SYSENTER / SYSEXIT --- */

unsigned long user_sysenter(unsigned long x);
volatile uint32_t sys_cs, sys_ss, sys_eflags, sys_esp, sys_calls;
volatile uint32_t back_cs, back_ss;
static uint8_t sysenter_stack[4096] __attribute__((aligned(16)));

__asm__(".text\n"
	/* ring 0: eax = eax * 2 + 1; sysexit to edx with esp = ecx */
	".globl sysenter_entry\n"
	"sysenter_entry:\n\t"
	"movl %cs, %ebx\n\tmovl %ebx, sys_cs\n\t"
	"movl %ss, %ebx\n\tmovl %ebx, sys_ss\n\t"
	"pushfl\n\tpopl sys_eflags\n\t"
	"movl %esp, sys_esp\n\t"
	"incl sys_calls\n\t"
	"leal 1(%eax,%eax), %eax\n\t"
	"sysexit\n"

	/* ring 3: user_sysenter(x) */
	".globl user_sysenter\n"
	"user_sysenter:\n\t"
	"pushl %ebx\n\tpushl %ebp\n\t"
	"movl 12(%esp), %eax\n\t"
	"movl %esp, %ecx\n\t"
	"movl $1f, %edx\n\t"
	"sysenter\n"
	"1:\tmovl %cs, %ebx\n\tmovl %ebx, back_cs\n\t"
	"movl %ss, %ebx\n\tmovl %ebx, back_ss\n\t"
	"popl %ebp\n\tpopl %ebx\n\tret\n");
extern char sysenter_entry[];

static void test_compute(void)
{
	static const char msg[] = "123456789";
	unsigned long r;

	r = run_user(segs_user, 5);
	report(r == 5 && user_cs == U32_CS && user_ss == U32_DS &&
		       user_ds == U32_DS,
	       "ring 3: CS 0x%x SS 0x%x DS 0x%x", user_cs, user_ss, user_ds);
	report(read_cs() == K32_CS, "back in ring 0 (CS 0x%x)", read_cs());
	r = run_user(crc32_user, (unsigned long)msg);
	report(r == 0xCBF43926, "ring 3: CRC-32 of \"123456789\" = 0x%lx", r);
	r = run_user(fib_user, 20);
	report(r == 6765, "ring 3: recursive fib(20) = %lu", r);
	r = run_user(arith_user, 12345);
	report(r == arith_user(12345),
	       "ring 3: 64-bit arithmetic agrees with ring 0 (0x%lx)", r);
	r = run_user(sort_user, 256);
	report(r == 1 && copy_buf[0] <= copy_buf[255],
	       "ring 3: insertion sort and copy of 256 words");
	r = run_user(calls_user, 1);
	report(r == 1 * 32 + 3 * (16 + 8 + 4 + 2 + 1),
	       "ring 3: calls through pointers (%lu)", r);
}

static void test_ring3_faults(void)
{
	unsigned long r;

	irq_register(13, gp_handler);
	gp_count = 0;
	r = run_user(user_inb, 0x80);
	report(r == 2 && gp_count == 1 && gp_seen.error == 0 &&
		       (gp_seen.cs & 3) == 3 && gp_seen.ss == U32_DS,
	       "ring 3: inb with IOPL 0 gives #GP(0) (error 0x%x, cs 0x%x, "
	       "ss 0x%x)", gp_seen.error, gp_seen.cs, gp_seen.ss);
	irq_register(13, NULL);
}

static void test_ring3_interrupts(void)
{
	unsigned long ok;

	pic_init();
	irq_register(IRQ_VECTOR(0), tick);
	outb(0x43, 0x34); /* PIT channel 0, mode 2, 1 kHz */
	outb(0x40, 1193 & 0xFF);
	outb(0x40, 1193 >> 8);
	pic_unmask(0);
	ticks = 0;
	regcheck_left = 50;
	sti();
	ok = run_user(regcheck32, 4000000000u);
	cli();
	report(ok && ticks >= 50, "ring 3: registers and CF intact across %u "
	       "interrupts", ticks);
	ticks = 0;
	regcheck_left = 5;
	sti();
	ok = regcheck32(4000000000u);
	cli();
	report(ok && ticks >= 5, "ring 0: registers and CF intact across %u "
	       "interrupts", ticks);
	pic_mask(0);
	irq_register(IRQ_VECTOR(0), NULL);
}

static void test_sysenter(void)
{
	uint32_t r[4];
	unsigned long v;

	cpuid(1, 0, r);
	if (!(r[3] & (1u << 11))) {
		report_skip("no SYSENTER/SYSEXIT (CPUID.1:EDX.SEP)");
		return;
	}
	wrmsr(MSR_SYSENTER_CS, K32_CS);
	wrmsr(MSR_SYSENTER_ESP,
	      (uintptr_t)sysenter_stack + sizeof(sysenter_stack));
	wrmsr(MSR_SYSENTER_EIP, (uintptr_t)sysenter_entry);
	sti();
	v = run_user(user_sysenter, 20);
	cli();
	report(v == 41 && sys_calls == 1, "sysenter/sysexit: 20 -> %lu", v);
	report(sys_cs == K32_CS && sys_ss == K32_DS,
	       "sysenter: CS 0x%x SS 0x%x from SYSENTER_CS", sys_cs, sys_ss);
	report(!(sys_eflags & (1u << 9)), "sysenter: IF cleared (eflags 0x%x)",
	       sys_eflags);
	report(sys_esp == (uintptr_t)sysenter_stack + sizeof(sysenter_stack),
	       "sysenter: ESP from SYSENTER_ESP");
	report(back_cs == U32_CS && back_ss == U32_DS,
	       "sysexit: back in ring 3 with CS 0x%x SS 0x%x", back_cs,
	       back_ss);
}

int main(void)
{
	test_compute();
	test_ring3_faults();
	test_ring3_interrupts();
	test_sysenter();
	return report_summary();
}
