/* SPDX-License-Identifier: MIT */
/*
 * The multiboot boot trampoline, shared by both accelerators. vCPU 0
 * starts in real mode, as after reset, at a few bytes hv writes below the
 * multiboot info; they load a flat GDT, enter 32-bit protected mode and
 * jump to the kernel with EAX and EBX as the multiboot spec wants
 * (preloaded: a mode switch keeps GPRs). Starting in real mode, like
 * firmware does, works on every KVM host, including those that cannot
 * enter protected mode directly, and needs nothing special in the soft
 * CPU.
 */
#include <errno.h>
#include <string.h>

#include "hv/hv.h"

/*
 * The boot trampoline. vCPU 0 starts in real mode, as after reset, at a
 * few bytes hv writes below the multiboot info; they load a flat GDT,
 * enter 32-bit protected mode and jump to the kernel with EAX and EBX as
 * the multiboot spec wants (preloaded: a mode switch keeps GPRs). Starting
 * in real mode, like firmware does, works on every KVM host, including
 * those that cannot enter protected mode directly.
 */

static const uint8_t boot_trampoline[] = {
	/* 0x00: GDT: null, flat 32-bit code (0x08), flat data (0x10) */
	0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0,
	0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0,
	/* 0x18: GDTR: limit 23, base BOOT_TRAMPOLINE */
	23, 0, 0x00, 0x70, 0, 0, 0, 0,
	/* 0x20, 16-bit code: cli; lgdt [0x7018]; cr0.PE = 1;
	 * jmp dword 0x08:0x7040 */
	0xfa, 0x0f, 0x01, 0x16, 0x18, 0x70,
	0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f, 0x22, 0xc0,
	0x66, 0xea, 0x40, 0x70, 0x00, 0x00, 0x08, 0x00,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x40, 32-bit code: data segments = 0x10; EAX = the multiboot
	 * magic (the mode switch used EAX); jmp *%ecx */
	0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xe0,
	0x8e, 0xe8, 0x8e, 0xd0, 0xb8, 0x02, 0xb0, 0xad, 0x2b, 0xff, 0xe1,
};
_Static_assert(sizeof(boot_trampoline) == 0x55, "trampoline layout");

/*
 * boot_trampoline_write - places the trampoline in guest RAM. Returns 0,
 * or -EADDRINUSE when the loaded image covers it.
 */
int boot_trampoline_write(struct hv_vm *vm)
{
	uint8_t *p = guestmem_ptr(&vm->mem, BOOT_TRAMPOLINE,
				  sizeof(boot_trampoline));

	if (!p || (vm->kernel_start < BOOT_TRAMPOLINE + sizeof(boot_trampoline) &&
		   vm->kernel_end > BOOT_TRAMPOLINE))
		return -EADDRINUSE;
	memcpy(p, boot_trampoline, sizeof(boot_trampoline));
	return 0;
}
