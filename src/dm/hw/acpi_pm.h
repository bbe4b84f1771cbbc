/* SPDX-License-Identifier: MIT */
/*
 * acpi_pm: the PM1a event and control registers of QEMU's PIIX4 power
 * management function, at the I/O base SeaBIOS programs (0x600):
 *   +0 PM1a_STS (16 bit, write 1 to clear)
 *   +2 PM1a_EN  (16 bit)
 *   +4 PM1a_CNT (16 bit): SLP_EN (bit 13) with SLP_TYP (bits 10-12) == 0
 *      asks for soft-off (QEMU's _S5 value); SLP_EN reads back 0.
 *   +8 PM_TMR (32 bit, read-only): the 24-bit ACPI PM timer counting at
 *      3.579545 MHz (bits 24-31 read 0), present only when ops->now_ns is
 *      given. TMR_STS on bit-23 toggles is not modelled (no OS relies on
 *      it; Linux reads the counter only).
 * Offsets are relative to the base; the DM claims 0x40 ports. Everything
 * else in the block reads as all ones and ignores writes. Accesses of 1,
 * 2 or 4 bytes at any offset are split into bytes, as the PIIX4 decodes
 * them.
 *
 * SCI: asserted (ops->set_sci, level-triggered) while a status bit and its
 * enable bit are both set (TMR, GBL, PWRBTN, RTC). It is not gated by
 * SCI_EN: there is no SMM here, the FADT says so (SMI_CMD 0) and the OS
 * then never sets SCI_EN, so every event goes to the SCI. The power button
 * is the ACPI fixed-feature one: acpi_pm_power_button() sets PWRBTN_STS.
 */
#ifndef SAFEPC_DM_HW_ACPI_PM_H
#define SAFEPC_DM_HW_ACPI_PM_H

#include <stdint.h>

/* The base is the machine table's (common/machine.h); 64-byte aligned. */
#define ACPI_PM_IOSIZE 0x40u

#define ACPI_PM_STS 0x00u
#define ACPI_PM_EN 0x02u
#define ACPI_PM_CNT 0x04u
#define ACPI_PM_TMR 0x08u

#define ACPI_PM_STS_TMR 0x0001u
#define ACPI_PM_STS_GBL 0x0020u
#define ACPI_PM_STS_PWRBTN 0x0100u
#define ACPI_PM_STS_RTC 0x0400u
/* Status bits whose enable bit (same position in PM1a_EN) raises the SCI. */
#define ACPI_PM_SCI_EVENTS                                                     \
	(ACPI_PM_STS_TMR | ACPI_PM_STS_GBL | ACPI_PM_STS_PWRBTN | ACPI_PM_STS_RTC)

#define ACPI_PM_TMR_HZ 3579545u
#define ACPI_PM_TMR_MASK 0x00ffffffu

#define ACPI_PM_CNT_SCI_EN 0x0001u
#define ACPI_PM_CNT_SLP_TYP 0x1c00u
#define ACPI_PM_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM_CNT_SLP_EN 0x2000u

struct acpi_pm_ops {
	/* The guest asked for soft-off (S5). May be NULL. */
	void (*poweroff)(void *opaque);
	/* Monotonic time in ns for the PM timer. May be NULL: no timer. */
	uint64_t (*now_ns)(void *opaque);
	/* The SCI line's new level (called on changes only). May be NULL. */
	void (*set_sci)(void *opaque, int level);
};

struct acpi_pm {
	const struct acpi_pm_ops *ops;
	void *opaque;
	uint16_t pm1_sts;
	uint16_t pm1_en;
	uint16_t pm1_cnt; /* never holds SLP_EN */
	int sci;	  /* the SCI level last reported */
};

/* All registers zero (SCI_EN clear), SCI deasserted. ops may be NULL. */
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

/*
 * The power button was pressed (the host's "shutdown" request): sets
 * PWRBTN_STS, which raises the SCI when the guest enabled PWRBTN_EN. An OS
 * with ACPI then runs its power-off path; one without ignores it.
 */
void acpi_pm_power_button(struct acpi_pm *s);

/* The PM timer's value (24 bits), or 0 without ops->now_ns. */
uint32_t acpi_pm_timer(const struct acpi_pm *s);

#endif
