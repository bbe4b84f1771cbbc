/* SPDX-License-Identifier: MIT */
/*
 * acpi: the platform's ACPI tables, built in one place for both boot paths.
 *
 * acpi_build() lays out two blobs, exactly as QEMU serves them through
 * fw_cfg:
 *   tables  FACS, DSDT, FADT, MADT, RSDT, XSDT (in that order; the FACS
 *           first because it must be 64-byte aligned and the blob is)
 *   rsdp    the 36-byte ACPI 2.0 RSDP
 * Every pointer field (RSDP -> RSDT/XSDT, RSDT/XSDT -> FADT/MADT,
 * FADT -> FACS/DSDT) holds the offset of its target inside the target's
 * blob, and every checksum byte is 0; the pointer and checksum lists say
 * what remains to be done once the blobs' guest addresses are known.
 *
 * Two consumers finish the job:
 *   - direct boot (hv's loader): acpi_link() patches the pointers for given
 *     guest addresses and fixes the checksums; copy the results into RAM.
 *   - SeaBIOS: the DM's fw_cfg serves "etc/acpi/tables", "etc/acpi/rsdp"
 *     and "etc/table-loader" (acpi_loader_script() in acpi_loader.c);
 *     SeaBIOS allocates, patches and checksums them itself.
 *
 * The platform described: an i440FX/PIIX3 PC with one LAPIC per vCPU
 * (APIC IDs 0..n-1), one IOAPIC (GSI 0-23), the PIIX4-style PM1a block and
 * PM timer at pm_base, the reset register at 0xCF9, four PCI interrupt
 * links LNKA-D steered by the PIIX3's PIRQRC registers, and the ISA devices
 * COM1, RTC and the keyboard controller. Their ports, IRQs and PCI
 * addresses come from the machine table (machine.h), which the DMs claim
 * from too.
 */
#ifndef SAFEPC_COMMON_ACPI_H
#define SAFEPC_COMMON_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_LAPIC_ADDR 0xfee00000u
#define ACPI_IOAPIC_ADDR 0xfec00000u
#define ACPI_IOAPIC_PINS 24u
#define ACPI_RESET_VALUE 0x06u /* SYS_RST | RST_CPU */
#define ACPI_MAX_VCPUS 255u    /* MADT type-0 entries carry 8-bit APIC IDs */

/* Offsets in the PM block (PIIX4 layout). */
#define ACPI_PM1_EVT_OFF 0x00u /* PM1a_STS, PM1a_EN: 4 bytes */
#define ACPI_PM1_CNT_OFF 0x04u /* PM1a_CNT: 2 bytes */
#define ACPI_PM_TMR_OFF 0x08u  /* PM_TMR: 4 bytes, 24 bits, 3.579545 MHz */

/* SLP_TYP the DM's acpi_pm treats as soft-off (PIIX4's value, as QEMU's). */
#define ACPI_S5_SLP_TYP 0u

/* Sizes of the blobs and of the lists built alongside them. */
#define ACPI_TABLES_MAX 16384u
#define ACPI_RSDP_SIZE 36u
#define ACPI_MAX_POINTERS 16u
#define ACPI_MAX_CHECKSUMS 16u

/* The platform to describe. */
struct acpi_config {
	unsigned nr_vcpus;    /* 1..ACPI_MAX_VCPUS; APIC IDs 0..n-1 */
	uint64_t ram_low;     /* bytes of RAM mapped from 0 (below 4 GiB) */
	uint64_t ram_high;    /* bytes of RAM mapped at 4 GiB */
	uint32_t ioapic_addr; /* ACPI_IOAPIC_ADDR */
	uint8_t ioapic_id;
	uint16_t pm_base;      /* PM1a_EVT; 64-byte aligned, non-zero */
	uint8_t sci_irq;       /* ISA IRQ, 1..15 */
	uint16_t reset_port;   /* 0: no reset register */
	uint8_t reset_value;
	uint32_t pci_slots;    /* bit n: bus 0 device n gets _PRT entries */
	uint32_t pci_mem_base; /* 32-bit PCI memory window [base, end] */
	uint32_t pci_mem_end;
};

/* The two blobs. */
enum acpi_blob {
	ACPI_BLOB_TABLES = 0,
	ACPI_BLOB_RSDP = 1,
};

/* The `size`-byte field at `offset` in blob `blob` holds an offset into
 * blob `target`; add the target's guest address to it. */
struct acpi_pointer {
	uint8_t blob;
	uint8_t target;
	uint8_t size; /* 4 or 8 */
	uint32_t offset;
};

/* Byte `offset` of `blob` makes [start, start + len) sum to 0. */
struct acpi_checksum {
	uint8_t blob;
	uint32_t offset;
	uint32_t start;
	uint32_t len;
};

/* Built tables. Large (ACPI_TABLES_MAX): keep it off small stacks. */
struct acpi_tables {
	uint32_t tables_len;
	uint32_t facs_off, dsdt_off, fadt_off, madt_off, rsdt_off, xsdt_off;
	uint32_t dsdt_len;
	unsigned npointers;
	unsigned nchecksums;
	struct acpi_pointer pointer[ACPI_MAX_POINTERS];
	struct acpi_checksum checksum[ACPI_MAX_CHECKSUMS];
	uint8_t rsdp[ACPI_RSDP_SIZE];
	uint8_t tables[ACPI_TABLES_MAX];
};

/*
 * Fills `cfg` with safepc's platform for `nr_vcpus` vCPUs and the RAM split
 * `ram_low`/`ram_high` (guestmem_layout()'s): IOAPIC id 0 at 0xFEC00000,
 * the PM block, its SCI and the reset register (value 6) where the machine
 * table (machine.h) puts the acpi_pm and reset_ctl devices, _PRT for every
 * bus-0 slot, and the PCI memory window from the end of low RAM (never
 * below 1 MiB) up to the IOAPIC.
 */
void acpi_config_default(struct acpi_config *cfg, unsigned nr_vcpus,
			 uint64_t ram_low, uint64_t ram_high);

/*
 * Builds the tables for `cfg` into `t` (see the header comment). Returns 0,
 * -EINVAL for a configuration out of range (vCPU count, SCI IRQ, PM base,
 * window), or -ENOSPC when the tables do not fit ACPI_TABLES_MAX.
 */
int acpi_build(struct acpi_tables *t, const struct acpi_config *cfg)
	__attribute__((warn_unused_result));

/*
 * The tables as the guest must see them with the tables blob at guest
 * address `tables_gpa` and the RSDP at `rsdp_gpa`: copies both blobs to
 * `out_tables` (t->tables_len bytes) and `out_rsdp` (ACPI_RSDP_SIZE bytes),
 * patches the pointers and fixes every checksum. Returns 0, or -EINVAL when
 * a blob would reach past 4 GiB (the RSDT holds 32-bit pointers).
 */
int acpi_link(const struct acpi_tables *t, uint64_t tables_gpa,
	      uint64_t rsdp_gpa, uint8_t *out_tables, uint8_t *out_rsdp)
	__attribute__((warn_unused_result));

/* The 8-bit sum of `len` bytes (0 for a correctly checksummed table). */
uint8_t acpi_sum(const uint8_t *p, size_t len);

/*
 * The DSDT's AML body (acpi_dsdt.c): writes the definition blocks that
 * follow the 36-byte table header into `out` (at most `cap` bytes). Returns
 * the length, or -ENOSPC.
 */
int acpi_dsdt_body(const struct acpi_config *cfg, uint8_t *out, size_t cap);

/* fw_cfg file names, as QEMU and SeaBIOS use them. */
#define ACPI_LOADER_FILE_TABLES "etc/acpi/tables"
#define ACPI_LOADER_FILE_RSDP "etc/acpi/rsdp"
#define ACPI_LOADER_FILE_SCRIPT "etc/table-loader"

/* The BIOS linker/loader script: 128-byte little-endian commands. */
#define ACPI_LOADER_ENTRY_SIZE 128u
#define ACPI_LOADER_NAME_SIZE 56u
#define ACPI_LOADER_ALLOCATE 1u
#define ACPI_LOADER_ADD_POINTER 2u
#define ACPI_LOADER_ADD_CHECKSUM 3u
#define ACPI_LOADER_ZONE_HIGH 1u /* anywhere in 32-bit RAM */
#define ACPI_LOADER_ZONE_FSEG 2u /* the 0xE0000-0xFFFFF BIOS area */
#define ACPI_LOADER_SCRIPT_MAX                                                 \
	((2u + ACPI_MAX_POINTERS + ACPI_MAX_CHECKSUMS) * ACPI_LOADER_ENTRY_SIZE)

/*
 * Writes the "etc/table-loader" script for `t` into `out` (at most `cap`
 * bytes): ALLOCATE the tables (64-byte aligned, high zone) and the RSDP
 * (16-byte aligned, FSEG), then every ADD_POINTER, then every
 * ADD_CHECKSUM. The blobs to serve with it are t->tables (t->tables_len
 * bytes) and t->rsdp, unlinked. Returns the script's length, or -ENOSPC.
 */
int acpi_loader_script(const struct acpi_tables *t, uint8_t *out, size_t cap)
	__attribute__((warn_unused_result));

#endif
