/* SPDX-License-Identifier: MIT */
/*
 * Interrupt entry of the 32-bit kit, and run_user(): plain `iret` both
 * ways (the 64-bit kit avoids int/iret for an old KVM; interpreters and
 * TCG run them, and these programs are meant to exercise them).
 *
 * Each vector's 16-byte stub pushes 0 where the CPU pushes no error code,
 * then the vector; isr32_common saves the registers with pushal and calls
 * isr_dispatch(struct irq_frame *) (desc32.c), then iret.
 *
 * run_user(fn, arg): saves the callee-saved registers and EFLAGS, sets
 * TSS.ESP0 below them, and irets to ring 3 (CS 0x1B, SS 0x23, the user
 * stack, the caller's IF); ring 3 calls fn(arg) and comes back with
 * `int $0x80` (a DPL-3 gate), which isr32_common recognises by vector and
 * CPL before anything else.
 */
#define F_EAX 28
#define F_VECTOR 32
#define F_CS 44
#define USER_STACK_SIZE 65536

	.text
	.code32
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushl $0
	.endif
	pushl $vec
	jmp isr32_common
	.set vec, vec + 1
	.endr

isr32_common:
	pushal
	cld
	cmpl $0x80, F_VECTOR(%esp)
	jne 1f
	testb $3, F_CS(%esp)
	jnz run_user_return
1:	movl %esp, %ebx
	pushl %esp			/* struct irq_frame * */
	call isr_dispatch
	movl %ebx, %esp
	popal
	addl $8, %esp			/* vector, error code */
	iret

	.globl run_user
run_user:
	pushl %ebx
	pushl %esi
	pushl %edi
	pushl %ebp
	pushfl
	cli
	movl 24(%esp), %eax		/* fn */
	movl 28(%esp), %edx		/* arg */
	movl %esp, run_user_esp
	movl %esp, tss32 + 4		/* tss32.esp0 */
	movl (%esp), %ecx
	andl $~0x47500, %ecx		/* AC, NT, IOPL, DF, TF off */
	movl $0x23, %ebx
	movl %ebx, %ds			/* DPL-0 data would be nulled by iret */
	movl %ebx, %es
	pushl $0x23			/* SS */
	pushl $user_stack_top		/* ESP */
	pushl %ecx			/* EFLAGS */
	pushl $0x1B			/* CS */
	pushl $user_entry		/* EIP */
	iret

	/* ring 3: eax = fn, edx = arg */
user_entry:
	pushl %edx
	call *%eax
	int $0x80

	/* isr32_common, for the int 0x80 above: back to run_user's caller */
run_user_return:
	movl F_EAX(%esp), %eax
	movl run_user_esp, %esp
	movl $0x10, %ecx
	movl %ecx, %ds
	movl %ecx, %es
	popfl
	popl %ebp
	popl %edi
	popl %esi
	popl %ebx
	ret

	.bss
	.balign 4
run_user_esp:
	.long 0
	.balign 4096
user_stack:
	.skip USER_STACK_SIZE
user_stack_top:
