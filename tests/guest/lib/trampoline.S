/* SPDX-License-Identifier: MIT */
/*
 * Real-mode start of an application processor.  smp.c copies this to
 * AP_TRAMPOLINE (0x8000, SIPI vector 0x08); the AP starts here with
 * CS = 0x0800, IP = 0, loads the kit's GDT (32-bit base through o32 lgdt),
 * enables protection and far-jumps to ap_start32 in boot.S, which shares
 * the bootstrap processor's way into long mode.
 */
#include "layout.h"

	.text
	.code16
	.globl ap_trampoline, ap_trampoline_end
ap_trampoline:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl ap_gdt_desc - ap_trampoline
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $KERNEL_CS32, $ap_start32
	.balign 4
ap_gdt_desc:
	.word KERNEL_CS32 + 7		/* the GDT ends with the 32-bit code */
	.long gdt
ap_trampoline_end:
	.code64
