/* SPDX-License-Identifier: MIT */
/*
 * linuxboot: loads a Linux bzImage (x86 boot protocol 2.06 or later) and
 * its initrd into guest RAM and builds the zero page (struct boot_params)
 * for the 32-bit boot protocol. Pure: files in through fds, RAM as a
 * buffer; no KVM. The image is untrusted (it comes from the user): every
 * offset, size and address in it is checked before any byte of guest RAM
 * is written.
 *
 * Guest-physical layout it produces:
 *   [LINUXBOOT_TRAMPOLINE, +LINUXBOOT_TRAMPOLINE_SIZE)  real-mode stub
 *   [LINUXBOOT_ZERO_PAGE, +4 KiB)       zero page (boot_params)
 *   [LINUXBOOT_CMDLINE, LINUXBOOT_CMDLINE_END)  command line
 *   [load, load + init_size)             protected-mode kernel, at
 *                                        pref_address (or 1 MiB aligned)
 *   initrd                               page-aligned, as high as RAM and
 *                                        initrd_addr_max allow
 * At entry (the stub sets the CPU up from real mode): 32-bit protected
 * mode, paging off, flat 4 GiB CS = 0x10 and DS = ES = SS = 0x18
 * (__BOOT_CS, __BOOT_DS), interrupts off, ESI = the zero page,
 * EBP = EDI = EBX = 0, EIP = the load address.
 */
#ifndef SAFEPC_HV_LINUXBOOT_H
#define SAFEPC_HV_LINUXBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the loader puts its own data, all below 64 KiB. */
#define LINUXBOOT_TRAMPOLINE 0x7000u /* the same page as BOOT_TRAMPOLINE */
#define LINUXBOOT_TRAMPOLINE_SIZE 0x60u
#define LINUXBOOT_TRAMPOLINE_ENTRY 0x7028u /* real mode, CS = 0, IP here */
#define LINUXBOOT_ZERO_PAGE 0x8000u
#define LINUXBOOT_CMDLINE 0x9000u
#define LINUXBOOT_CMDLINE_END 0x10000u

/* Platform layout, as the multiboot loader reports it. */
#define LINUXBOOT_EBDA_START 0x9FC00u
#define LINUXBOOT_HOLE_START 0xA0000u
#define LINUXBOOT_BIOS_START 0xF0000u
#define LINUXBOOT_HIGH 0x100000u        /* 1 MiB: protected-mode kernels */
#define LINUXBOOT_RAM_MAX 0xFFFFF000ull /* low RAM must end below 4 GiB */

/* Setup header (offsets in the image and in the zero page alike). */
#define LINUXBOOT_HDR_SETUP_SECTS 0x1F1
#define LINUXBOOT_HDR_SYSSIZE 0x1F4
#define LINUXBOOT_HDR_VID_MODE 0x1FA
#define LINUXBOOT_HDR_BOOT_FLAG 0x1FE /* 0xAA55 */
#define LINUXBOOT_HDR_JUMP 0x200      /* byte 0x201: header end - 0x202 */
#define LINUXBOOT_HDR_MAGIC 0x202     /* "HdrS" */
#define LINUXBOOT_HDR_VERSION 0x206
#define LINUXBOOT_HDR_TYPE_OF_LOADER 0x210
#define LINUXBOOT_HDR_LOADFLAGS 0x211
#define LINUXBOOT_HDR_CODE32_START 0x214
#define LINUXBOOT_HDR_RAMDISK_IMAGE 0x218
#define LINUXBOOT_HDR_RAMDISK_SIZE 0x21C
#define LINUXBOOT_HDR_HEAP_END_PTR 0x224
#define LINUXBOOT_HDR_EXT_LOADER_VER 0x226
#define LINUXBOOT_HDR_EXT_LOADER_TYPE 0x227
#define LINUXBOOT_HDR_CMD_LINE_PTR 0x228
#define LINUXBOOT_HDR_INITRD_ADDR_MAX 0x22C
#define LINUXBOOT_HDR_KERNEL_ALIGNMENT 0x230
#define LINUXBOOT_HDR_RELOCATABLE 0x234
#define LINUXBOOT_HDR_XLOADFLAGS 0x236
#define LINUXBOOT_HDR_CMDLINE_SIZE 0x238
#define LINUXBOOT_HDR_PREF_ADDRESS 0x258
#define LINUXBOOT_HDR_INIT_SIZE 0x260
#define LINUXBOOT_HDR_MAX_END 0x290 /* the zero page's header area ends */

/* Zero page fields outside the setup header. */
#define LINUXBOOT_ZP_ACPI_RSDP 0x070
#define LINUXBOOT_ZP_E820_ENTRIES 0x1E8
#define LINUXBOOT_ZP_E820_TABLE 0x2D0
#define LINUXBOOT_E820_MAX 128

#define LINUXBOOT_MAGIC 0x53726448u /* "HdrS" little-endian */
#define LINUXBOOT_BOOT_FLAG 0xAA55u
#define LINUXBOOT_MIN_VERSION 0x0206u
#define LINUXBOOT_LOADED_HIGH 0x01u
#define LINUXBOOT_CAN_USE_HEAP 0x80u
#define LINUXBOOT_XLF_KERNEL_64 0x0001u
#define LINUXBOOT_HEAP_END_PTR 0xDE00u /* heap end 0xE000 - 0x200 */
#define LINUXBOOT_LOADER_TYPE 0xFFu    /* "undefined" boot loader id */

#define LINUXBOOT_E820_RAM 1u
#define LINUXBOOT_E820_RESERVED 2u

/* One e820 entry as in the zero page (packed, 20 bytes). */
struct linuxboot_e820 {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct linuxboot_e820) == 20, "e820 entry");

/* Guest RAM as the caller maps it (the same contract as multiboot_ram). */
struct linuxboot_ram {
	uint8_t *base;     /* host address of gpa 0 */
	uint64_t size;     /* bytes of RAM from gpa 0 (low RAM), at least
			    * 2 MiB and at most LINUXBOOT_RAM_MAX; base covers
			    * the hole 0xA0000-0xFFFFF, which is never
			    * written */
	uint64_t above_4g; /* RAM bytes from 4 GiB: reported in e820 only */
};

struct linuxboot_args {
	const char *cmdline; /* NULL: "" */
	int initrd_fd;       /* a regular file (or memfd); -1: no initrd */
	uint64_t acpi_rsdp;  /* 0: let the kernel scan for it; else written
			      * to boot_params.acpi_rsdp_addr (2.14+) */
};

struct linuxboot_entry {
	uint32_t start_ip;     /* vCPU 0 starts here in real mode, CS = 0 */
	uint32_t eip;          /* 32-bit protocol entry (the load address) */
	uint32_t esi;          /* zero page address */
	uint64_t entry64;      /* 64-bit entry (load + 0x200), or 0 when the
				* kernel has none (XLF_KERNEL_64 clear) */
	uint32_t kernel_start; /* lowest byte the kernel occupies */
	uint32_t kernel_end;   /* exclusive: init_size included */
	uint32_t initrd_start; /* 0 when no initrd */
	uint32_t initrd_size;
	uint32_t cmdline_len;   /* bytes written, NUL excluded */
	bool cmdline_truncated; /* longer than the kernel's cmdline_size */
	uint16_t version;       /* boot protocol, e.g. 0x020f */
};

/*
 * The real-mode stub vCPU 0 runs first (see linuxboot.c for the layout),
 * before linuxboot_trampoline_fill() patches in ESI and the entry point.
 */
extern const uint8_t linuxboot_trampoline[LINUXBOOT_TRAMPOLINE_SIZE];

/*
 * Writes the stub at `dst` (LINUXBOOT_TRAMPOLINE_SIZE bytes; it must run
 * from LINUXBOOT_TRAMPOLINE) with ESI = zero_page and the jump to eip.
 */
void linuxboot_trampoline_fill(uint8_t *dst, uint32_t zero_page,
			       uint32_t eip);

/*
 * Does this image start like a bzImage (boot_flag and "HdrS")? `buf`
 * holds the first `len` bytes of the file. For the caller's sniffing
 * between Linux and Multiboot; linuxboot_load() checks everything else.
 */
bool linuxboot_probe(const uint8_t *buf, size_t len);

/*
 * Loads the bzImage in kernel_fd and the initrd (args->initrd_fd) into
 * ram, writes the zero page, the command line (truncated to the kernel's
 * cmdline_size) and the real-mode stub. Nothing is written to ram unless
 * every check passed (a read error midway can leave a partial image).
 * Returns 0 and fills *out; or -EINVAL (bad arguments, malformed or
 * truncated image), -ENOEXEC (not a bzImage, protocol too old, not
 * loadable high), -ENOSPC (kernel or initrd does not fit in RAM), -EIO or
 * another -errno from reading; err gets one line saying why.
 */
int linuxboot_load(const struct linuxboot_ram *ram, int kernel_fd,
		   const struct linuxboot_args *args,
		   struct linuxboot_entry *out, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
