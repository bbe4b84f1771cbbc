/* SPDX-License-Identifier: MIT */
/*
 * A 512-byte boot sector for comparing CPUs (QEMU, Bochs, safepc): from
 * real mode at 0x7C00 into 32-bit protected mode (flat GDT in the sector),
 * then LOOPS turns of an 8-instruction loop (add, xor, rol, store, and to
 * memory, add, dec, jnz: about 8 * LOOPS instructions), then
 * "bootsect_loop: done XXXXXXXX" (the loop's result) on port 0xE9 (Bochs'
 * debug port) and COM1, a write to QEMU's isa-debug-exit at 0xF4, and halt.
 *
 *   qemu-system-x86_64 -accel tcg -drive format=raw,file=bootsect_loop.img \
 *     -display none -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4
 *   bochs -q 'boot: disk' 'ata0-master: type=disk, path=bootsect_loop.img,
 *     mode=flat, cylinders=1, heads=1, spt=1' 'port_e9_hack: enabled=1'
 *     'display_library: nogui'   (then `c` at Bochs' debugger prompt)
 */
#ifndef LOOPS
#define LOOPS 100000000
#endif

	.code16
	.text
	.globl start
start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw $0x7C00, %sp
	lgdtl gdt_desc
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $pm32

	.code32
pm32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl $0x7C00, %esp
	movl $LOOPS, %ecx
	movl $0x5000, %esi		/* not the code page: stores there are SMC */
	movl $0x12345678, %eax
	movl $0x9ABCDEF0, %edx
	movl $-1, 4(%esi)
1:	addl %edx, %eax
	xorl %eax, %edx
	roll $5, %eax
	movl %eax, (%esi)
	andl %edx, 4(%esi)
	addl $3, %edx
	decl %ecx
	jnz 1b
	xorl 4(%esi), %eax
	movl %eax, %ebp

	movl $msg, %esi
2:	lodsb
	testb %al, %al
	jz 3f
	call putc
	jmp 2b
3:	movl $8, %edi			/* eight hex digits of ebp */
4:	roll $4, %ebp
	movl %ebp, %eax
	andl $15, %eax
	movb hex(%eax), %al
	call putc
	decl %edi
	jnz 4b
	movb $'\n', %al
	call putc
	movl $0, %eax
	outl %eax, $0xF4		/* QEMU: exit status 1 */
5:	cli
	hlt
	jmp 5b

/* al to port 0xE9 and to COM1 (polling THRE, bounded). */
putc:
	outb %al, $0xE9
	movb %al, %ah
	movl $100000, %ecx
	movw $0x3FD, %dx
6:	inb %dx, %al
	testb $0x20, %al
	jnz 7f
	decl %ecx
	jnz 6b
7:	movb %ah, %al
	movw $0x3F8, %dx
	outb %al, %dx
	ret

msg:	.asciz "bootsect_loop: done "
hex:	.ascii "0123456789abcdef"

	.balign 8
gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF		/* 0x08 code */
	.quad 0x00CF92000000FFFF		/* 0x10 data */
gdt_desc:
	.word gdt_desc - gdt - 1
	.long gdt

	.org 510
	.word 0xAA55
