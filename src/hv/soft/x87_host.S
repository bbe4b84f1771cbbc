/* SPDX-License-Identifier: MIT */
/*
 * The host's x87 unit runs the guest's x87 arithmetic: results, condition
 * codes, tags, stack faults and exception flags are then exactly what the
 * hardware gives, with no software model of 80-bit arithmetic.
 *
 * void soft_x87_host_run(uint8_t img[512], unsigned idx, void *mem,
 *                        uint64_t *rflags)
 *
 * Saves the host's x87/SSE state, loads the guest image `img` (16-byte
 * aligned, FXSAVE64 layout) with FXRSTOR64, loads the arithmetic flags
 * *rflags (FCMOVcc reads them), runs one precompiled x87 instruction,
 * stores the flags (FCOMI writes them) and the image back with FXSAVE64,
 * and restores the host's state. Neither FXSAVE nor FXRSTOR waits, so an
 * unmasked exception the instruction left pending never traps here; the
 * host's own state (reloaded last) has none.
 *
 * idx 0-511: the register form ((opcode - 0xd8) << 6 | (modrm - 0xc0));
 * idx 512-575: the memory form 512 + ((opcode - 0xd8) << 3 | reg) with
 * its operand at `mem`. Each table entry is 8 bytes: the instruction,
 * a jump to the common tail, a pad. The table is ordinary read-only
 * text: nothing is generated at run time.
 */
	.text
	.globl	soft_x87_host_run
	.type	soft_x87_host_run, @function
soft_x87_host_run:
	push	%rbp
	mov	%rsp, %rbp
	sub	$512, %rsp
	and	$-16, %rsp
	fxsave64 (%rsp)
	fxrstor64 (%rdi)
	push	(%rcx)
	popfq
	lea	x87_stubs(%rip), %rax
	mov	%esi, %esi
	lea	(%rax,%rsi,8), %rax
	mov	%rdx, %rsi
	jmp	*%rax
x87_tail:
	pushfq
	pop	(%rcx)
	fxsave64 (%rdi)
	fxrstor64 (%rsp)
	mov	%rbp, %rsp
	pop	%rbp
	ret
	.size	soft_x87_host_run, .-soft_x87_host_run

	.balign	8
x87_stubs:
	i = 0
	.rept	512
	.byte	0xd8 + (i >> 6), 0xc0 + (i & 63)
	.byte	0xe9
	.long	x87_tail - (. + 4)
	.byte	0x90
	i = i + 1
	.endr
	i = 0
	.rept	64
	.byte	0xd8 + (i >> 3), 0x06 + ((i & 7) << 3)
	.byte	0xe9
	.long	x87_tail - (. + 4)
	.byte	0x90
	i = i + 1
	.endr

	.section .note.GNU-stack,"",@progbits
