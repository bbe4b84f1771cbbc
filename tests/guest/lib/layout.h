/* SPDX-License-Identifier: MIT */
/* Constants shared by the assembly files and C. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x23
#define USER_CS 0x2b
#define TSS_SEL 0x38
#define KERNEL_CS32 0x48

#define BOOT_STACK_SIZE 16384
#define USER_STACK_SIZE 65536
#define AP_STACK_SHIFT 13
#define AP_STACK_SIZE (1 << AP_STACK_SHIFT)
#define MAX_CPUS 16

/* Where smp.c copies the real-mode AP trampoline (SIPI vector 0x08). */
#define AP_TRAMPOLINE 0x8000

/* Syscall numbers of the ring-3 -> ring-0 path (entry.S). */
#define SYS_USER_RETURN 1

#endif
