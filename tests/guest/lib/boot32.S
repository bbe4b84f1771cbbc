/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 entry of the 32-bit kit: programs that stay in 32-bit
 * protected mode.  The loader leaves flat 32-bit segments, paging off and
 * interrupts off; this stub loads the kit's own GDT (layout in guest.h:
 * ring-0 code/data, ring-3 code/data, TSS, free entries), a stack, zeroes
 * .bss and calls lib_start() (setup.c, shared with the 64-bit kit).
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16)) /* align mods, mem, addr */
#define STACK_SIZE 16384

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header		/* header_addr */
	.long __load_start	/* load_addr */
	.long __load_end	/* load_end_addr */
	.long __bss_end		/* bss_end_addr */
	.long _start32		/* entry_addr */

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl %eax, mb_magic
	movl %ebx, mb_info
	lgdt gdt32_desc
	ljmp $0x08, $1f
1:	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl $boot_stack_top, %esp
	/* The loader zeroes .bss; do it again, a wrong loader costs hours. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	xorl %ebp, %ebp
	call lib_start			/* never returns */
	ud2

	.data
	.globl mb_magic, mb_info
	.balign 4
mb_magic: .long 0
mb_info:  .long 0

	.balign 16
	.globl gdt32
gdt32:
	.quad 0				/* 0x00 null */
	.quad 0x00CF9A000000FFFF	/* 0x08 ring-0 code */
	.quad 0x00CF92000000FFFF	/* 0x10 ring-0 data */
	.quad 0x00CFFA000000FFFF	/* 0x18 ring-3 code */
	.quad 0x00CFF2000000FFFF	/* 0x20 ring-3 data */
	.quad 0				/* 0x28 TSS (desc32.c) */
	.fill 10, 8, 0			/* 0x30-0x78 for programs */
gdt32_end:
	.balign 4
	.word 0
	.globl gdt32_desc
gdt32_desc:
	.word gdt32_end - gdt32 - 1
	.long gdt32

	.bss
	.balign 4096
boot_stack:
	.skip STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
