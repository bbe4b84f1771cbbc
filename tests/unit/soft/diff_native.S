/* SPDX-License-Identifier: MIT */
/*
 * test_diff's native runner: loads every GPR but RSP and RFLAGS from a
 * struct diff_state, calls the instruction bytes (followed by RET) at
 * state->code, and stores the registers and RFLAGS back.
 * struct diff_state { uint64_t gpr[16]; uint64_t rflags; uint64_t code; }
 */
	.text
	.globl	diff_native_run
	.type	diff_native_run, @function
diff_native_run:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdi
	mov	136(%rdi), %rax
	mov	%rax, diff_code_ptr(%rip)
	pushq	128(%rdi)
	popfq
	mov	0(%rdi), %rax
	mov	8(%rdi), %rcx
	mov	16(%rdi), %rdx
	mov	24(%rdi), %rbx
	mov	40(%rdi), %rbp
	mov	48(%rdi), %rsi
	mov	64(%rdi), %r8
	mov	72(%rdi), %r9
	mov	80(%rdi), %r10
	mov	88(%rdi), %r11
	mov	96(%rdi), %r12
	mov	104(%rdi), %r13
	mov	112(%rdi), %r14
	mov	120(%rdi), %r15
	mov	56(%rdi), %rdi
	call	*diff_code_ptr(%rip)
	pushfq
	push	%rdi
	mov	16(%rsp), %rdi
	mov	%rax, 0(%rdi)
	mov	%rcx, 8(%rdi)
	mov	%rdx, 16(%rdi)
	mov	%rbx, 24(%rdi)
	mov	%rbp, 40(%rdi)
	mov	%rsi, 48(%rdi)
	mov	%r8, 64(%rdi)
	mov	%r9, 72(%rdi)
	mov	%r10, 80(%rdi)
	mov	%r11, 88(%rdi)
	mov	%r12, 96(%rdi)
	mov	%r13, 104(%rdi)
	mov	%r14, 112(%rdi)
	mov	%r15, 120(%rdi)
	pop	%rax
	mov	%rax, 56(%rdi)
	pop	%rax
	mov	%rax, 128(%rdi)
	cld
	pop	%rdi
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size	diff_native_run, .-diff_native_run

	.bss
	.align	8
diff_code_ptr:
	.zero	8

	.section .note.GNU-stack,"",@progbits
