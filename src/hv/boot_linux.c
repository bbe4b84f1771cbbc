/* SPDX-License-Identifier: MIT */
/*
 * Direct boot of a Linux bzImage: the ACPI tables (common/acpi.h) placed
 * where firmware would leave them, then the kernel and its initrd through
 * the boot protocol loader (hv/linuxboot.h), which writes its own real-mode
 * stub. Layout, for low RAM ending at L:
 *   [T, L)              the tables blob (FACS first: T is page-aligned),
 *                       e820 type 3 (ACPI); the loader sees RAM end at T,
 *                       so neither the kernel nor the initrd reach it
 *   [0x9FC00, +36)      the RSDP, in the EBDA the e820 map already
 *                       reserves, with the BDA's EBDA segment (0x40E) set,
 *                       for a kernel that scans; boot_params.acpi_rsdp_addr
 *                       points at it for one that reads it (2.14+)
 *   [0x7080, +0x20)     the chipset setup firmware would have done
 *                       (boot_linux_setup), run before the loader's stub
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/acpi.h"
#include "common/log.h"
#include "common/machine.h"
#include "hv/hv.h"
#include "hv/linuxboot.h"

#define BOOT_LINUX_RSDP LINUXBOOT_EBDA_START
#define BOOT_LINUX_BDA_EBDA 0x40Eu /* BDA word: EBDA segment */
#define BOOT_LINUX_E820_ACPI 3u
#define BOOT_LINUX_PAGE 4096u

/*
 * What firmware leaves set that the OS relies on and that the device
 * models, which power up as the chips do, do not set themselves: the
 * PIIX3 IDE function's IDETIM decode-enable bits (config 0x40 and 0x42,
 * bit 15 each; reset value 0). Linux's ata_piix reads them before it
 * probes a channel and drops a channel whose bit is clear without a word
 * ("port disabled"), so without this no disk appears. Real-mode code that
 * vCPU 0 runs first, writing them through the PCI configuration ports
 * like SeaBIOS does, so no DM needs a second way in; it then jumps to the
 * loader's stub. With no IDE DM the write goes nowhere.
 */
#define BOOT_LINUX_SETUP (LINUXBOOT_TRAMPOLINE + 0x80u)
/* The IDE function where the machine table puts it (00:01.1). */
#define BOOT_LINUX_IDE_BDF ((uint32_t)machine_devs[MACHINE_IDE].bdf)
#define BOOT_LINUX_IDETIM 0x40u
#define BOOT_LINUX_IDE_DECODE 0x80008000u /* both channels' IDETIM */
static const uint8_t boot_linux_setup_code[] = {
	0xba, 0xf8, 0x0c,             /* mov dx, 0xcf8 */
	0x66, 0xb8, 0, 0, 0, 0,       /* mov eax, address (imm32 at 5) */
	0x66, 0xef,                   /* out dx, eax */
	0xb2, 0xfc,                   /* mov dl, 0xfc */
	0x66, 0xb8, 0, 0, 0, 0,       /* mov eax, value (imm32 at 15) */
	0x66, 0xef,                   /* out dx, eax */
	0xea, 0, 0, 0, 0,             /* jmp 0000:stub (imm16 at 22) */
};
_Static_assert(BOOT_LINUX_SETUP >= LINUXBOOT_TRAMPOLINE +
					   LINUXBOOT_TRAMPOLINE_SIZE &&
		       BOOT_LINUX_SETUP + sizeof(boot_linux_setup_code) <=
			       LINUXBOOT_ZERO_PAGE,
	       "setup code between the stub and the zero page");

/* Writes the setup code, ending in a jump to `stub_ip`. 0 or -EFAULT. */
static int boot_linux_setup(struct hv_vm *vm, uint32_t stub_ip)
{
	uint8_t *p = guestmem_ptr(&vm->mem, BOOT_LINUX_SETUP,
				  sizeof(boot_linux_setup_code));
	uint32_t addr = 0x80000000u | BOOT_LINUX_IDE_BDF << 8 |
			BOOT_LINUX_IDETIM;
	uint32_t val = BOOT_LINUX_IDE_DECODE;
	uint16_t ip = (uint16_t)stub_ip;

	if (!p || stub_ip > 0xffff)
		return -EFAULT;
	memcpy(p, boot_linux_setup_code, sizeof(boot_linux_setup_code));
	memcpy(p + 5, &addr, 4);
	memcpy(p + 15, &val, 4);
	memcpy(p + 22, &ip, 2);
	return 0;
}

/* Large (struct acpi_tables is ~17 KiB): not on a vCPU-sized stack. */
static struct acpi_tables boot_linux_acpi;

/*
 * Adds [addr, addr + size) of `type` to the zero page's e820 map, kept
 * sorted by address (the loader's entries are). 0, or -ENOSPC.
 */
static int boot_linux_e820_add(uint8_t *zp, uint64_t addr, uint64_t size,
			       uint32_t type)
{
	struct linuxboot_e820 e = { addr, size, type }, cur;
	uint8_t *tab = zp + LINUXBOOT_ZP_E820_TABLE;
	unsigned n = zp[LINUXBOOT_ZP_E820_ENTRIES], i;

	if (n >= LINUXBOOT_E820_MAX)
		return -ENOSPC;
	for (i = n; i > 0; i--) {
		memcpy(&cur, tab + (i - 1) * sizeof(cur), sizeof(cur));
		if (cur.addr <= addr)
			break;
		memcpy(tab + i * sizeof(cur), &cur, sizeof(cur));
	}
	memcpy(tab + i * sizeof(e), &e, sizeof(e));
	zp[LINUXBOOT_ZP_E820_ENTRIES] = (uint8_t)(n + 1);
	return 0;
}

int boot_linux(struct hv_vm *vm, int kernel_fd, int initrd_fd,
	       uint32_t *start_ip, char *err, size_t errlen)
{
	struct acpi_tables *t = &boot_linux_acpi;
	struct acpi_config cfg;
	struct linuxboot_ram ram;
	struct linuxboot_args args = { .cmdline = vm->cmdline,
				       .initrd_fd = initrd_fd,
				       .acpi_rsdp = BOOT_LINUX_RSDP };
	struct linuxboot_entry entry;
	uint64_t tables_gpa;
	uint8_t *tables, *rsdp, *bda, *zp;
	uint16_t seg = BOOT_LINUX_RSDP >> 4;
	int r;

	acpi_config_default(&cfg, vm->nr_vcpus, vm->mem.low_size,
			    vm->mem.high_size);
	r = acpi_build(t, &cfg);
	if (r) {
		snprintf(err, errlen, "building the ACPI tables: %s",
			 strerror(-r));
		return r;
	}
	tables_gpa = (vm->mem.low_size - t->tables_len) &
		     ~(uint64_t)(BOOT_LINUX_PAGE - 1);
	tables = guestmem_ptr(&vm->mem, tables_gpa, t->tables_len);
	rsdp = guestmem_ptr(&vm->mem, BOOT_LINUX_RSDP, ACPI_RSDP_SIZE);
	bda = guestmem_ptr(&vm->mem, BOOT_LINUX_BDA_EBDA, sizeof(seg));
	if (!tables || !rsdp || !bda || tables_gpa < LINUXBOOT_HIGH) {
		snprintf(err, errlen, "no room for the ACPI tables below "
				      "0x%llx", (unsigned long long)
				      vm->mem.low_size);
		return -ENOSPC;
	}

	ram.base = vm->mem.base;
	ram.size = tables_gpa;
	ram.above_4g = vm->mem.high_size;
	r = linuxboot_load(&ram, kernel_fd, &args, &entry, err, errlen);
	if (r)
		return r;
	if (entry.cmdline_truncated)
		log_warn("kernel: command line truncated to %u bytes (the "
			 "kernel's cmdline_size)", entry.cmdline_len);

	r = acpi_link(t, tables_gpa, BOOT_LINUX_RSDP, tables, rsdp);
	if (!r) {
		memcpy(bda, &seg, sizeof(seg));
		zp = guestmem_ptr(&vm->mem, entry.esi, BOOT_LINUX_PAGE);
		r = zp ? boot_linux_e820_add(zp, tables_gpa,
					     vm->mem.low_size - tables_gpa,
					     BOOT_LINUX_E820_ACPI)
		       : -EFAULT;
	}
	if (r) {
		snprintf(err, errlen, "placing the ACPI tables: %s",
			 strerror(-r));
		return r;
	}
	r = boot_linux_setup(vm, entry.start_ip);
	if (r) {
		snprintf(err, errlen, "placing the setup code: %s",
			 strerror(-r));
		return r;
	}
	vm->kernel_start = entry.kernel_start;
	vm->kernel_end = entry.kernel_end;
	*start_ip = BOOT_LINUX_SETUP;
	log_info("Linux boot protocol %u.%02u: kernel 0x%x-0x%x, initrd "
		 "%u bytes at 0x%x, ACPI tables at 0x%llx", entry.version >> 8,
		 entry.version & 0xff, entry.kernel_start, entry.kernel_end,
		 entry.initrd_size, entry.initrd_start,
		 (unsigned long long)tables_gpa);
	return 0;
}
