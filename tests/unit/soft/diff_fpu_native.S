/* SPDX-License-Identifier: MIT */
/*
 * test_diff_fpu's native runner: like diff_native.S, and the x87/SSE
 * state too. struct fdiff_state { uint8_t fx[512]; uint64_t gpr[16];
 * uint64_t rflags; uint64_t code; } (16-byte aligned): loads fx with
 * FXRSTOR64 and every GPR but RSP and RFLAGS, calls the code (followed
 * by RET), stores them all back, and restores the host's x87/SSE state.
 */
	.text
	.globl	diff_fpu_native_run
	.type	diff_fpu_native_run, @function
diff_fpu_native_run:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rbp
	sub	$512, %rsp
	and	$-16, %rsp
	fxsave64 (%rsp)
	push	%rbp
	push	%rdi
	mov	648(%rdi), %rax
	mov	%rax, fdiff_code_ptr(%rip)
	fxrstor64 (%rdi)
	pushq	640(%rdi)
	popfq
	mov	512(%rdi), %rax
	mov	520(%rdi), %rcx
	mov	528(%rdi), %rdx
	mov	536(%rdi), %rbx
	mov	552(%rdi), %rbp
	mov	560(%rdi), %rsi
	mov	576(%rdi), %r8
	mov	584(%rdi), %r9
	mov	592(%rdi), %r10
	mov	600(%rdi), %r11
	mov	608(%rdi), %r12
	mov	616(%rdi), %r13
	mov	624(%rdi), %r14
	mov	632(%rdi), %r15
	mov	568(%rdi), %rdi
	call	*fdiff_code_ptr(%rip)
	pushfq
	push	%rdi
	mov	16(%rsp), %rdi
	mov	%rax, 512(%rdi)
	mov	%rcx, 520(%rdi)
	mov	%rdx, 528(%rdi)
	mov	%rbx, 536(%rdi)
	mov	%rbp, 552(%rdi)
	mov	%rsi, 560(%rdi)
	mov	%r8, 576(%rdi)
	mov	%r9, 584(%rdi)
	mov	%r10, 592(%rdi)
	mov	%r11, 600(%rdi)
	mov	%r12, 608(%rdi)
	mov	%r13, 616(%rdi)
	mov	%r14, 624(%rdi)
	mov	%r15, 632(%rdi)
	pop	%rax
	mov	%rax, 568(%rdi)
	pop	%rax
	mov	%rax, 640(%rdi)
	cld
	fxsave64 (%rdi)
	pop	%rdi
	pop	%rbp
	fxrstor64 (%rsp)
	mov	%rbp, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
	.size	diff_fpu_native_run, .-diff_fpu_native_run

	.bss
	.align	8
fdiff_code_ptr:
	.zero	8

	.section .note.GNU-stack,"",@progbits
