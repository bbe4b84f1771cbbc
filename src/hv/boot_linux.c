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
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/acpi.h"
#include "common/log.h"
#include "hv/hv.h"
#include "hv/linuxboot.h"

#define BOOT_LINUX_RSDP LINUXBOOT_EBDA_START
#define BOOT_LINUX_BDA_EBDA 0x40Eu /* BDA word: EBDA segment */
#define BOOT_LINUX_E820_ACPI 3u
#define BOOT_LINUX_PAGE 4096u

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
	vm->kernel_start = entry.kernel_start;
	vm->kernel_end = entry.kernel_end;
	*start_ip = entry.start_ip;
	log_info("Linux boot protocol %u.%02u: kernel 0x%x-0x%x, initrd "
		 "%u bytes at 0x%x, ACPI tables at 0x%llx", entry.version >> 8,
		 entry.version & 0xff, entry.kernel_start, entry.kernel_end,
		 entry.initrd_size, entry.initrd_start,
		 (unsigned long long)tables_gpa);
	return 0;
}
