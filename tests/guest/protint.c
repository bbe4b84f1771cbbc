/* SPDX-License-Identifier: MIT */
/*
 * 32-bit protected-mode interrupts through the IDT (the 32-bit kit):
 * interrupt gates clear IF and trap gates keep it; INT n, INT3 and INTO
 * (taken only with OF set) push the address of the next instruction; IRET
 * restores EFLAGS and the registers a handler changed; #GP and #NP push
 * the selector as error code (a selector past the GDT limit, a segment
 * that is not present, an INT n through a not-present gate: vector * 8 +
 * 2); from ring 3, INT n through a DPL-3 gate switches to the TSS's
 * SS0:ESP0 and pushes the ring-3 SS:ESP, and through a DPL-0 gate gives
 * #GP(vector * 8 + 2) at the INT instruction.
 */
#include "guest.h"

#define EF_CF 0x001u
#define EF_IF 0x200u
#define EF_OF 0x800u

struct seen {
	uint32_t count, vector, error, eip, cs, eflags, esp, ss;
	uint32_t inner_eflags; /* EFLAGS inside the handler */
	uintptr_t frame;
};
static volatile struct seen seen;

/* Labels in the assembly below: faulting instructions and their fixups. */
extern char int40_after[], int41_after[], int3_after[], into_after[],
	into_clear_after[], seg_insn[], seg_fix[], np_gate_insn[],
	np_gate_fix[], int51_insn[], int51_fix[], int50_after[];
unsigned long do_int40(void);
unsigned long do_int41(void);
unsigned long do_int3(void);
unsigned long do_into(unsigned long set_of);
unsigned long do_seg(unsigned long sel);
unsigned long do_np_gate(void);
unsigned long user_int50(unsigned long x);
unsigned long user_int51(unsigned long x);
unsigned long do_iret_regs(void);
volatile uint32_t user_esp_before;

__asm__(".text\n"
	".globl do_int40, int40_after\n"
	"do_int40:\n\tint $0x40\nint40_after:\n\tret\n"
	".globl do_int41, int41_after\n"
	"do_int41:\n\tint $0x41\nint41_after:\n\tret\n"
	".globl do_int3, int3_after\n"
	"do_int3:\n\tint3\nint3_after:\n\tret\n"
	/* do_into(set_of): 0x7fffffff + 1 overflows; + 0 does not */
	".globl do_into, into_after, into_clear_after\n"
	"do_into:\n\t"
	"movl 4(%esp), %ecx\n\tmovl $0x7fffffff, %eax\n\t"
	"testl %ecx, %ecx\n\tjz 1f\n\t"
	"addl $1, %eax\n\tinto\ninto_after:\n\tret\n"
	"1:\taddl $0, %eax\n\tinto\ninto_clear_after:\n\tret\n"
	/* do_seg(sel): 0 if FS took it, 1 if the load faulted */
	".globl do_seg, seg_insn, seg_fix\n"
	"do_seg:\n\tmovl 4(%esp), %eax\n"
	"seg_insn:\n\tmovl %eax, %fs\n\t"
	"movl $0x10, %eax\n\tmovl %eax, %fs\n\txorl %eax, %eax\n\tret\n"
	"seg_fix:\n\tmovl $1, %eax\n\tret\n"
	".globl do_np_gate, np_gate_insn, np_gate_fix\n"
	"do_np_gate:\n"
	"np_gate_insn:\n\tint $0x42\n\txorl %eax, %eax\n\tret\n"
	"np_gate_fix:\n\tmovl $1, %eax\n\tret\n"
	/* ring 3: int 0x50 (DPL 3); the handler puts the result in eax */
	".globl user_int50, int50_after\n"
	"user_int50:\n\tmovl 4(%esp), %eax\n\t"
	"movl %esp, user_esp_before\n\t"
	"int $0x50\nint50_after:\n\tret\n"
	/* ring 3: int 0x51 (DPL 0): #GP */
	".globl user_int51, int51_insn, int51_fix\n"
	"user_int51:\n"
	"int51_insn:\n\tint $0x51\n\txorl %eax, %eax\n\tret\n"
	"int51_fix:\n\tmovl $1, %eax\n\tret\n"
	/*
	 * do_iret_regs: fixed values in ebx/esi/edi/ebp/edx, CF clear, int
	 * 0x43 (its handler sets CF in the saved EFLAGS and ecx = 0x600D);
	 * 1 if CF came back set, ecx changed and the rest intact.
	 */
	".globl do_iret_regs\n"
	"do_iret_regs:\n\t"
	"pushl %ebx\n\tpushl %esi\n\tpushl %edi\n\tpushl %ebp\n\t"
	"movl $0xB0B0B0B0, %ebx\n\tmovl $0x51515151, %esi\n\t"
	"movl $0xD1D1D1D1, %edi\n\tmovl $0xBEBEBEBE, %ebp\n\t"
	"movl $0xDDDDDDDD, %edx\n\txorl %ecx, %ecx\n\tclc\n\t"
	"int $0x43\n\t"
	"movl $0, %eax\n\tjnc 9f\n\t"
	"cmpl $0x600D, %ecx\n\tjne 9f\n\t"
	"cmpl $0xB0B0B0B0, %ebx\n\tjne 9f\n\tcmpl $0x51515151, %esi\n\tjne 9f\n\t"
	"cmpl $0xD1D1D1D1, %edi\n\tjne 9f\n\tcmpl $0xBEBEBEBE, %ebp\n\tjne 9f\n\t"
	"cmpl $0xDDDDDDDD, %edx\n\tjne 9f\n\t"
	"movl $1, %eax\n"
	"9:\tpopl %ebp\n\tpopl %edi\n\tpopl %esi\n\tpopl %ebx\n\tret\n");

static void record(struct irq_frame *f)
{
	seen.count++;
	seen.vector = f->vector;
	seen.error = f->error;
	seen.eip = f->eip;
	seen.cs = f->cs;
	seen.eflags = f->eflags;
	seen.inner_eflags = (uint32_t)read_rflags();
	seen.frame = (uintptr_t)f;
	if (f->cs & 3) {
		seen.esp = f->esp;
		seen.ss = f->ss;
	}
}

static void record_handler(struct irq_frame *f)
{
	record(f);
}

static void iret_handler(struct irq_frame *f)
{
	record(f);
	f->eflags |= EF_CF;
	f->ecx = 0x600D;
}

static void int50_handler(struct irq_frame *f)
{
	record(f);
	f->eax = f->eax * 3;
}

/* #GP / #NP: resume at the fixup of whichever test instruction faulted. */
static void fault_handler(struct irq_frame *f)
{
	static const struct {
		char *insn, *fix;
	} fix[] = {
		{ seg_insn, seg_fix },
		{ np_gate_insn, np_gate_fix },
		{ int51_insn, int51_fix },
	};

	record(f);
	for (unsigned i = 0; i < ARRAY_SIZE(fix); i++) {
		if (f->eip == (uint32_t)(uintptr_t)fix[i].insn) {
			f->eip = (uint32_t)(uintptr_t)fix[i].fix;
			return;
		}
	}
	printf("EXCEPTION: vector %u error 0x%x at eip 0x%x, not a test\n",
	       f->vector, f->error, f->eip);
	exit(EXIT_UNEXPECTED);
}

static void clear_seen(void)
{
	memset((void *)&seen, 0, sizeof(seen));
}

static void test_gates(void)
{
	idt32_set_attr(0x40, GATE_INT32);
	idt32_set_attr(0x41, GATE_TRAP32);
	irq_register(0x40, record_handler);
	irq_register(0x41, record_handler);

	/* pic_init() masked every IRQ: IF on is safe here. */
	clear_seen();
	sti();
	do_int40();
	report(seen.count == 1 && seen.vector == 0x40 &&
		       seen.eip == (uintptr_t)int40_after && seen.cs == K32_CS,
	       "int 0x40: vector, CS and the return EIP (0x%x)", seen.eip);
	report((seen.eflags & EF_IF) && !(seen.inner_eflags & EF_IF),
	       "interrupt gate: IF saved set, clear in the handler "
	       "(0x%x / 0x%x)", seen.eflags, seen.inner_eflags);
	report(read_rflags() & EF_IF, "iret: IF set again");

	clear_seen();
	do_int41();
	report(seen.count == 1 && seen.vector == 0x41 &&
		       seen.eip == (uintptr_t)int41_after,
	       "int 0x41 through a trap gate");
	report((seen.eflags & EF_IF) && (seen.inner_eflags & EF_IF),
	       "trap gate: IF still set in the handler (0x%x)",
	       seen.inner_eflags);
	cli();

	irq_register(3, record_handler);
	irq_register(4, record_handler);
	clear_seen();
	do_int3();
	report(seen.count == 1 && seen.vector == 3 &&
		       seen.eip == (uintptr_t)int3_after,
	       "int3: #BP with EIP after it (0x%x)", seen.eip);
	clear_seen();
	do_into(1);
	report(seen.count == 1 && seen.vector == 4 &&
		       seen.eip == (uintptr_t)into_after &&
		       (seen.eflags & EF_OF),
	       "into with OF set: #OF with EIP after it");
	clear_seen();
	do_into(0);
	report(seen.count == 0, "into with OF clear: nothing");

	irq_register(0x43, iret_handler);
	report(do_iret_regs() == 1,
	       "iret: EFLAGS.CF and ECX as the handler left them, the rest "
	       "intact");
	irq_register(3, NULL);
	irq_register(4, NULL);
	irq_register(0x40, NULL);
	irq_register(0x41, NULL);
	irq_register(0x43, NULL);
}

static void test_error_codes(void)
{
	unsigned long r;

	irq_register(13, fault_handler);
	irq_register(11, fault_handler);

	clear_seen();
	r = do_seg(0x400);
	report(r == 1 && seen.vector == 13 && seen.error == 0x400 &&
		       seen.eip == (uintptr_t)seg_insn,
	       "selector 0x400 past the GDT limit: #GP(0x%x) at the load",
	       seen.error);
	clear_seen();
	r = do_seg(0);
	report(r == 0 && seen.count == 0,
	       "the null selector loads into FS without a fault");
	clear_seen();
	r = do_seg(TSS32_SEL);
	report(r == 1 && seen.vector == 13 && seen.error == TSS32_SEL,
	       "a system descriptor (the TSS) in FS: #GP(0x%x)", seen.error);
	/* GDT entry 6: a flat data segment marked not present. */
	gdt32_set(6, 0x00CF12000000FFFFull);
	clear_seen();
	r = do_seg(0x30);
	report(r == 1 && seen.vector == 11 && seen.error == 0x30,
	       "not-present data segment 0x30: #NP(0x%x)", seen.error);
	gdt32_set(6, 0x00CF92000000FFFFull);
	clear_seen();
	r = do_seg(0x30);
	report(r == 0 && seen.count == 0, "present again: the load works");

	idt32_set_attr(0x42, GATE_INT32 & ~0x80);
	clear_seen();
	r = do_np_gate();
	report(r == 1 && seen.vector == 11 && seen.error == 0x42 * 8 + 2,
	       "int 0x42 through a not-present gate: #NP(0x%x), want 0x%x",
	       seen.error, 0x42 * 8 + 2);
	idt32_set_attr(0x42, GATE_INT32);
	irq_register(11, NULL);
}

static void test_from_ring3(void)
{
	unsigned long r;

	idt32_set_attr(0x50, GATE_INT32 | GATE_DPL(3));
	idt32_set_attr(0x51, GATE_INT32);
	irq_register(0x50, int50_handler);

	clear_seen();
	r = run_user(user_int50, 14);
	report(r == 42 && seen.count == 1 && seen.vector == 0x50,
	       "ring 3: int 0x50 through a DPL-3 gate (14 -> %lu)", r);
	report(seen.cs == U32_CS && seen.ss == U32_DS &&
		       seen.eip == (uintptr_t)int50_after,
	       "ring 3: the CPU pushed SS 0x%x, CS 0x%x and the next EIP",
	       seen.ss, seen.cs);
	report(seen.esp == user_esp_before,
	       "ring 3: the pushed ESP is ring 3's (0x%x, want 0x%x)",
	       seen.esp, user_esp_before);
	/* CPU frame (20 bytes), vector and error (8), pushal (32). */
	report(seen.frame == tss32.esp0 - 60,
	       "the handler ran on TSS.ESP0 (frame 0x%x, ESP0 0x%x)",
	       (unsigned)seen.frame, tss32.esp0);

	clear_seen();
	r = run_user(user_int51, 0);
	report(r == 1 && seen.vector == 13 && seen.error == 0x51 * 8 + 2 &&
		       seen.eip == (uintptr_t)int51_insn && (seen.cs & 3) == 3,
	       "ring 3: int 0x51 through a DPL-0 gate: #GP(0x%x), want "
	       "0x%x, at the int", seen.error, 0x51 * 8 + 2);
	irq_register(0x50, NULL);
	irq_register(13, NULL);
}

int main(void)
{
	/* The firmware leaves the timer unmasked at vector 8: mask it all. */
	pic_init();
	test_gates();
	test_error_codes();
	test_from_ring3();
	return report_summary();
}
