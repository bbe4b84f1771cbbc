/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 entry and the switch to 64-bit long mode.
 *
 * The object is x86-64; the entry stub is .code32 and only uses 32-bit
 * absolute addresses (the image lives at 1 MiB), and the link is converted
 * to ELF32 afterwards because QEMU refuses ELF64 multiboot kernels.  The
 * header also carries the a.out-kludge address fields (flag 16), which
 * describe the same layout as the ELF32 PT_LOAD segment, so a loader may use
 * either.
 *
 * Boot state (multiboot spec): EAX = 0x2BADB002, EBX = info, 32-bit
 * protected mode, flat segments, paging off, interrupts off.  32-bit paging
 * does not work on the development machine (docs/accel.md), so the stub goes
 * straight to long mode: PAE tables identity-mapping 0-4 GiB with 2 MiB
 * pages (user-accessible, the top GiB uncached for the LAPIC/IOAPIC),
 * EFER.LME|SCE, CR0.PG, far jump.  Application processors come through
 * ap_start32 (from the real-mode trampoline in smp.S) and share the code.
 */
#include "layout.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS ((1 << 0) | (1 << 1) | (1 << 16)) /* align mods, mem, addr */

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
	lgdt gdt_desc
	ljmp $KERNEL_CS32, $1f
1:	xorl %edi, %edi			/* 0: bootstrap processor */
	jmp enter_long_mode

	/* The trampoline arrives here in 32-bit mode on our GDT. */
	.globl ap_start32
ap_start32:
	movl $1, %edi			/* 1: application processor */

enter_long_mode:
	movl $KERNEL_DS, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl %cr4, %eax
	orl $(1 << 5), %eax		/* PAE */
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx		/* EFER */
	rdmsr
	orl $((1 << 8) | (1 << 0)), %eax /* LME, SCE */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax		/* PG, PE */
	andl $~0x60000000, %eax		/* caches on (CD, NW off) */
	movl %eax, %cr0
	ljmp $KERNEL_CS, $start64

	.code64
start64:
	testl %edi, %edi
	jnz ap_start64
	/* The loader zeroes .bss; do it again, a wrong loader costs hours. */
	movq $__bss_start, %rdi
	movq $__bss_end, %rcx
	subq %rdi, %rcx
	shrq $3, %rcx
	xorl %eax, %eax
	rep stosq
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	call lib_start			/* never returns */
	ud2

ap_start64:
	/* Each AP takes the next stack: ap_stacks[index]. */
	movl $1, %eax
	lock xaddl %eax, ap_next_index
	movl %eax, %edi			/* cpu index, 1-based */
	cmpl $MAX_CPUS, %eax
	ja 2f				/* no stack for it: park */
	movq %rax, %rsp
	shlq $AP_STACK_SHIFT, %rsp
	addq $ap_stacks, %rsp
	xorl %ebp, %ebp
	call ap_entry			/* never returns */
2:	cli
	hlt
	jmp 2b

	.data
	.globl mb_magic, mb_info
	.balign 4
mb_magic: .long 0
mb_info:  .long 0
	.globl ap_next_index
ap_next_index: .long 1

/*
 * GDT.  syscall enters with CS = 0x08, SS = 0x10 (STAR[47:32] = 0x08);
 * sysretq leaves with CS = 0x18 + 16 = 0x28, SS = 0x18 + 8 = 0x20
 * (STAR[63:48] = 0x18); sysexitq (SYSENTER_CS = 0x08) would use CS = 0x28
 * and SS = 0x30, hence two ring-3 data descriptors.  The TSS descriptor is
 * filled in by desc.c.
 */
	.balign 16
	.globl gdt, gdt_desc
gdt:
	.quad 0				/* 0x00 null */
	.quad 0x00AF9A000000FFFF	/* 0x08 kernel code, 64-bit */
	.quad 0x00CF92000000FFFF	/* 0x10 kernel data */
	.quad 0x00CFFA000000FFFF	/* 0x18 user code, 32-bit (unused) */
	.quad 0x00CFF2000000FFFF	/* 0x20 user data (sysretq SS) */
	.quad 0x00AFFA000000FFFF	/* 0x28 user code, 64-bit */
	.quad 0x00CFF2000000FFFF	/* 0x30 user data (sysexitq SS) */
	.quad 0, 0			/* 0x38 TSS (16 bytes) */
	.quad 0x00CF9A000000FFFF	/* 0x48 kernel code, 32-bit */
gdt_end:
	.balign 8
	.word 0, 0, 0			/* align the base of gdt_desc + 2 */
gdt_desc:
	.word gdt_end - gdt - 1
	.quad gdt

/*
 * Page tables: PML4[0] -> PDPT[0..3] -> 4 page directories of 512 2 MiB
 * pages = 0-4 GiB identity.  Present | RW | User everywhere (ring 3 may touch
 * anything: it is a test harness); PCD|PWT from 3 GiB up (MMIO: LAPIC at
 * 0xFEE00000, IOAPIC at 0xFEC00000, PCI hole).
 */
	.balign 4096
	.globl pml4
pml4:
	.quad pdpt + 0x7
	.fill 511, 8, 0
pdpt:
	.quad pd + 0x7
	.quad pd + 0x1000 + 0x7
	.quad pd + 0x2000 + 0x7
	.quad pd + 0x3000 + 0x7
	.fill 508, 8, 0
pd:
	.set i, 0
	.rept 2048
	.if i >= 1536
	.quad (i << 21) | 0x9F		/* P RW U PWT PCD PS */
	.else
	.quad (i << 21) | 0x87		/* P RW U PS */
	.endif
	.set i, i + 1
	.endr

	.bss
	.balign 4096
boot_stack:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
	.balign 4096
	.globl ap_stacks
ap_stacks:
	.skip AP_STACK_SIZE * (MAX_CPUS + 1) /* index 0 unused */
