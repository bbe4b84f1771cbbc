/* SPDX-License-Identifier: MIT */
/*
 * acpi_pm: the PM1a event and control registers of QEMU's PIIX4 power
 * management function, at the I/O base SeaBIOS programs (0x600):
 *   +0 PM1a_STS (16 bit, write 1 to clear)
 *   +2 PM1a_EN  (16 bit)
 *   +4 PM1a_CNT (16 bit): SLP_EN (bit 13) with SLP_TYP (bits 10-12) == 0
 *      asks for soft-off (QEMU's _S5 value); SLP_EN reads back 0.
 * Offsets are relative to the base; the DM claims 0x40 ports. Everything
 * else in the block reads as all ones and ignores writes (there is no PM
 * timer here). Accesses of 1, 2 or 4 bytes at any offset are split into
 * bytes, as the PIIX4 decodes them.
 */
#ifndef SAFEPC_DM_HW_ACPI_PM_H
#define SAFEPC_DM_HW_ACPI_PM_H

#include <stdint.h>

#define ACPI_PM_BASE 0x600u
#define ACPI_PM_IOSIZE 0x40u

#define ACPI_PM_STS 0x00u
#define ACPI_PM_EN 0x02u
#define ACPI_PM_CNT 0x04u

#define ACPI_PM_CNT_SCI_EN 0x0001u
#define ACPI_PM_CNT_SLP_TYP 0x1c00u
#define ACPI_PM_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM_CNT_SLP_EN 0x2000u

struct acpi_pm_ops {
	/* The guest asked for soft-off (S5). May be NULL. */
	void (*poweroff)(void *opaque);
};

struct acpi_pm {
	const struct acpi_pm_ops *ops;
	void *opaque;
	uint16_t pm1_sts;
	uint16_t pm1_en;
	uint16_t pm1_cnt; /* never holds SLP_EN */
};

/* All registers zero (SCI_EN clear). ops may be NULL. */
void acpi_pm_init(struct acpi_pm *s, const struct acpi_pm_ops *ops,
		  void *opaque);

/*
 * Guest read of `size` bytes (1, 2 or 4) at `offset` from the base,
 * little-endian. Bytes outside the three registers read 0xff; a bad size or
 * an access past the 0x40-byte block reads 0xffffffff.
 */
uint32_t acpi_pm_read(struct acpi_pm *s, unsigned offset, unsigned size);

/*
 * Guest write of `size` bytes (1, 2 or 4) at `offset` from the base. May
 * call ops->poweroff (once per write). Bad sizes, accesses past the block
 * and bytes outside the registers are ignored.
 */
void acpi_pm_write(struct acpi_pm *s, unsigned offset, unsigned size,
		   uint32_t val);

#endif
