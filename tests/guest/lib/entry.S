/* SPDX-License-Identifier: MIT */
/*
 * Interrupt entry and return, and the ring-3 helper, without `int n` and
 * `iretq`: on the development machine KVM's emulator cannot execute those
 * in protected or long mode (docs/accel.md), while exception and interrupt
 * delivery work.  Every sequence here is also architecturally valid, so the
 * same binary is right on ordinary hardware KVM.
 *
 * Return to ring 0: copy RFLAGS (with IF clear), RIP and CS onto the
 * interrupted stack just below its saved RSP, switch to it, then
 * `popfq; lretq`, or `popfq; sti; lretq` if IF was set, so that IF comes
 * back last (in the shadow of sti) and nothing runs on a half-restored
 * stack.  The interrupted code is built with -mno-red-zone, so the three
 * words below its RSP are free.
 *
 * Return to ring 3: write the interrupted RCX, R11 and RIP below the user
 * RSP (skipping a 128-byte red zone), then `sysretq` to user_resume, which
 * pops RCX and R11 and does `ret $128`.  sysretq loads RFLAGS from R11, so
 * IF and the arithmetic flags return atomically with the privilege change.
 *
 * Ring 3 -> ring 0 (run_user's way back): `ud2` at user_exit_ud2.  The
 * #UD is delivered on TSS.RSP0 like any exception and isr_common recognises
 * it by vector, RIP and CPL before anything else.  `syscall` is no use here:
 * on the development machine (KVM's PVM mode) it reaches LSTAR but leaves
 * the vCPU at CPL 3.  Ring 3 runs natively and sees the host's CS and
 * RFLAGS (e.g. `mov %cs` reads 0x33, IOPL 0), so it cannot do port I/O:
 * run_user() functions compute, ring 0 does the I/O.
 */
#include "layout.h"

/* struct irq_frame offsets (guest.h) */
#define F_R11 32
#define F_RCX 96
#define F_RAX 112
#define F_VECTOR 120
#define F_RIP 136
#define F_CS 144
#define F_RFLAGS 152
#define F_RSP 160

	.text
	.code64

/*
 * One 16-byte stub per vector: push a zero error code where the CPU does not
 * push one, push the vector, join isr_common.
 */
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq $0
	.endif
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rbp
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	cmpq $6, F_VECTOR(%rsp)		/* run_user's ud2? */
	jne 2f
	cmpq $user_exit_ud2, F_RIP(%rsp)
	jne 2f
	testb $3, F_CS(%rsp)
	jnz run_user_return
2:	movq %rsp, %rdi			/* struct irq_frame * */
	movq %rsp, %rbx
	andq $-16, %rsp			/* do not rely on the CPU's alignment */
	call isr_dispatch
	movq %rbx, %rsp
	testb $3, F_CS(%rsp)
	jnz ret_user

	/* ring 0: build [RFLAGS & ~IF, RIP, CS] at the interrupted RSP - 24 */
	movq F_RSP(%rsp), %rax
	subq $24, %rax
	movq F_RFLAGS(%rsp), %rbx
	movq F_RIP(%rsp), %rcx
	movq F_CS(%rsp), %rdx
	btrq $9, %rbx			/* CF = IF; carried to the jc below */
	movq %rbx, 0(%rax)
	movq %rcx, 8(%rax)
	movq %rdx, 16(%rax)
	/* The RIP slot is below [RSP-24, RSP) even when the CPU's frame was
	 * pushed right under it, so it can hold the new stack pointer. */
	movq %rax, F_RIP(%rsp)
	popq %r15			/* pop, lea and mov keep CF */
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rbp
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	leaq 16(%rsp), %rsp		/* vector, error code */
	movq (%rsp), %rsp
	jc 1f
	popfq
	lretq
1:	popfq
	sti
	lretq

ret_user:
	/* ring 3: [RCX, R11, RIP] at user RSP - 128 - 24, then sysretq */
	movq F_RSP(%rsp), %rax
	subq $(128 + 24), %rax
	movq F_RCX(%rsp), %rbx
	movq %rbx, 0(%rax)
	movq F_R11(%rsp), %rbx
	movq %rbx, 8(%rax)
	movq F_RIP(%rsp), %rbx
	movq %rbx, 16(%rax)
	movq %rax, F_RSP(%rsp)
	movq F_RFLAGS(%rsp), %r11
	movq $user_resume, %rcx
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	leaq 8(%rsp), %rsp		/* r11: set above */
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rbp
	popq %rdx
	leaq 8(%rsp), %rsp		/* rcx: set above */
	popq %rbx
	popq %rax
	movq F_RSP - F_VECTOR(%rsp), %rsp
	sysretq

	/* ring 3 */
user_resume:
	popq %rcx
	popq %r11
	retq $128

/*
 * unsigned long run_user(unsigned long (*fn)(unsigned long), unsigned long arg)
 *
 * Saves the callee-saved registers and RFLAGS on the kernel stack, points
 * TSS.RSP0 just below them (interrupts and exceptions taken in ring 3 land
 * there), and sysretq's to user_entry with the caller's RFLAGS (so IF as
 * the caller had it).
 */
	.globl run_user
run_user:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushfq
	cli
	movq %rsp, run_user_rsp
	movq %rsp, tss + 4		/* tss.rsp0 */
	movq (%rsp), %r11
	andq $~0x40500, %r11		/* TF, DF, AC off */
	movq %rdi, %rax
	movq %rsi, %rdi
	movq $user_entry, %rcx
	movq $user_stack_top, %rsp
	sysretq

	/* ring 3: rax = fn, rdi = arg; the result goes back in rax */
user_entry:
	callq *%rax
	.globl user_exit_ud2
user_exit_ud2:
	ud2

	/* isr_common, for the ud2 above: back to run_user's caller */
run_user_return:
	movq F_RAX(%rsp), %rax
	movq run_user_rsp, %rsp
	popfq
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	retq

/* LSTAR: `syscall` is not part of the kit (see above); report it. */
	.globl syscall_entry
syscall_entry:
	ud2

	.bss
	.balign 8
run_user_rsp:
	.quad 0
	.balign 4096
user_stack:
	.skip USER_STACK_SIZE
user_stack_top:
