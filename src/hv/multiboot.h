/* SPDX-License-Identifier: MIT */
/*
 * multiboot: loads a Multiboot (v1) kernel and its modules into guest RAM
 * and builds the Multiboot information structure. Pure: files in through
 * fds, RAM as a buffer; no KVM. The image is untrusted (it comes from the
 * user): every offset, size and address in it is checked before any byte
 * of guest RAM is written.
 *
 * Guest-physical layout it produces:
 *   [MULTIBOOT_INFO_BASE, MULTIBOOT_INFO_END)  info, memory map, module list,
 *                                              boot loader name, cmdlines
 *   kernel segments                            where the image asks (ELF
 *                                              p_paddr, or a.out load_addr)
 *   modules                                    page-aligned, from the first
 *                                              page after the kernel (and at
 *                                              least 1 MiB), in order
 * At entry (the caller sets the CPU up): protected mode, paging off,
 * EAX = MULTIBOOT_BOOTLOADER_MAGIC, EBX = entry.ebx, EIP = entry.eip.
 */
#ifndef SAFEPC_HV_MULTIBOOT_H
#define SAFEPC_HV_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT_SEARCH 8192u   /* the header lies in these first bytes */

/* Header flags: bits 0-15 are requirements, 16-31 optional. */
#define MULTIBOOT_PAGE_ALIGN 0x00000001u  /* modules page-aligned */
#define MULTIBOOT_MEMORY_INFO 0x00000002u /* mem_* and mmap needed */
#define MULTIBOOT_VIDEO_MODE 0x00000004u  /* not supported */
#define MULTIBOOT_AOUT_KLUDGE 0x00010000u /* address fields valid */

/* Info flags. */
#define MULTIBOOT_INFO_MEMORY 0x00000001u
#define MULTIBOOT_INFO_CMDLINE 0x00000004u
#define MULTIBOOT_INFO_MODS 0x00000008u
#define MULTIBOOT_INFO_MEM_MAP 0x00000040u
#define MULTIBOOT_INFO_BOOT_LOADER_NAME 0x00000200u

#define MULTIBOOT_MEMORY_AVAILABLE 1u
#define MULTIBOOT_MEMORY_RESERVED 2u

/* Where the loader puts its own data: below the EBDA, above 576 KiB. */
#define MULTIBOOT_INFO_BASE 0x90000u
#define MULTIBOOT_INFO_END 0x9FC00u
#define MULTIBOOT_EBDA_START 0x9FC00u
#define MULTIBOOT_HOLE_START 0xA0000u    /* legacy hole: VGA, ROMs, BIOS */
#define MULTIBOOT_HOLE_END 0x100000u
#define MULTIBOOT_BIOS_START 0xF0000u    /* reported reserved in the map */
#define MULTIBOOT_RAM_MAX 0xFFFFF000ull  /* low RAM must end below 4 GiB */

#define MULTIBOOT_MAX_MODULES 8
#define MULTIBOOT_MAX_PHDRS 64
#define MULTIBOOT_CMDLINE_MAX 4095 /* bytes per command line, NUL excluded */
#define MULTIBOOT_LOADER_NAME "safepc"

/* The info structure (Multiboot 0.6.96, section 3.3), as in guest RAM. */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB from 0 */
	uint32_t mem_upper; /* KiB from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch;
	uint32_t framebuffer_width;
	uint32_t framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type;
	uint8_t color_info[6];
} __attribute__((packed));

/* One memory map entry; `size` (20) does not count itself. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

struct multiboot_mod_list {
	uint32_t mod_start;
	uint32_t mod_end; /* exclusive: mod_start + size, as GRUB and QEMU */
	uint32_t cmdline;
	uint32_t pad;
};

_Static_assert(sizeof(struct multiboot_info) == 116, "multiboot_info");
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "mmap entry");
_Static_assert(sizeof(struct multiboot_mod_list) == 16, "mod_list");

/* Guest RAM as the caller maps it. */
struct multiboot_ram {
	uint8_t *base;     /* host address of gpa 0 */
	uint64_t size;     /* bytes of RAM from gpa 0, at least 1 MiB and at
			    * most MULTIBOOT_RAM_MAX; base covers the hole
			    * 0xA0000-0xFFFFF too, which is never written */
	uint64_t above_4g; /* RAM bytes from 4 GiB: reported in the map only */
};

struct multiboot_module_in {
	int fd;              /* a regular file (or memfd) */
	const char *cmdline; /* NULL: "" (GRUB and QEMU pass "PATH args") */
};

struct multiboot_entry {
	uint32_t eip;          /* entry point (physical) */
	uint32_t ebx;          /* address of struct multiboot_info */
	uint32_t kernel_start; /* lowest byte the kernel occupies */
	uint32_t kernel_end;   /* exclusive, bss included */
	uint32_t modules_end;  /* exclusive; kernel_end when no modules */
};

/*
 * Loads the Multiboot v1 image in kernel_fd (ELF32, or any format with the
 * a.out kludge) and nr_mods modules into ram, and writes the info structure
 * with command line `cmdline` (NULL: ""). Nothing is written to ram unless
 * every check passed (a read error midway can leave a partial image).
 * Returns 0 and fills *out; or -EINVAL (bad image or arguments), -ENOEXEC
 * (not a Multiboot image, or ELF64), -ENOSPC (does not fit in RAM or
 * collides with the hole or the info area), -EIO or another -errno from
 * reading; err gets one line saying why.
 */
int multiboot_load(const struct multiboot_ram *ram, int kernel_fd,
		   const char *cmdline, const struct multiboot_module_in *mods,
		   unsigned nr_mods, struct multiboot_entry *out, char *err,
		   size_t errlen) __attribute__((warn_unused_result));

#endif
