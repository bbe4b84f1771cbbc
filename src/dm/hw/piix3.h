/* SPDX-License-Identifier: MIT */
/*
 * piix3: function 0 of the Intel 82371SB PIIX3, the PCI-to-ISA bridge at
 * PCI 00:01.0 (8086:7000), as a pure model on top of pci_cfg; plus the
 * edge/level control registers (ELCR) at ports 0x4D0/0x4D1.
 *
 * PIRQ routing: PIRQRC[A-D] (0x60-0x63) steer the four PCI interrupt
 * links to ISA IRQs. Bit 7 set disables the route; bits 3:0 name the IRQ,
 * where 0-2, 8 and 13 are reserved values (the timer, keyboard, cascade,
 * RTC and FPU lines) and route nowhere. Bits 6:4 are reserved (read 0).
 * ops->pirq_route reports each link whose effective route changed, as an
 * ISA IRQ or -1.
 *
 * ELCR: one bit per ISA IRQ, 1 = level triggered. IRQ 0, 1, 2, 8 and 13
 * are edge only (their bits read 0). Note that KVM's in-kernel PIC decodes
 * 0x4D0/0x4D1 itself, so with an in-kernel irqchip these ports never reach
 * a DM; the registers are here for completeness and for other front ends.
 *
 * The reset control register at 0xCF9 is a separate chip (reset_ctl), and
 * the IDE function (00:01.1) another model. The other device-specific
 * registers (0x40-0xFF: IORT, XBCS, TOM, MBIRQ, APICBASE, SMI...) are plain
 * storage with their power-on values, as in QEMU.
 */
#ifndef SAFEPC_DM_HW_PIIX3_H
#define SAFEPC_DM_HW_PIIX3_H

#include <stdbool.h>
#include <stdint.h>

#include "dm/hw/pci_cfg.h"

#define PIIX3_VENDOR_ID 0x8086u
#define PIIX3_DEVICE_ID 0x7000u
#define PIIX3_REVISION 0x00u
#define PIIX3_CLASS 0x060100u /* bridge, ISA */
#define PIIX3_SUBSYS_VENDOR_ID 0x1af4u /* as QEMU sets them */
#define PIIX3_SUBSYS_ID 0x1100u

#define PIIX3_PIRQRC 0x60u /* PIRQRC[A-D]: 0x60-0x63 */
#define PIIX3_PIRQ_DISABLE 0x80u
#define PIIX3_PIRQ_IRQ_MASK 0x0fu
#define PIIX3_NUM_PIRQ 4u

/* ELCR ports, relative to PIIX3_ELCR_BASE. */
#define PIIX3_ELCR_BASE 0x4d0u
#define PIIX3_ELCR1 0u /* IRQ 0-7 */
#define PIIX3_ELCR2 1u /* IRQ 8-15 */
#define PIIX3_ELCR1_MASK 0xf8u /* IRQ 0, 1, 2 edge only */
#define PIIX3_ELCR2_MASK 0xdeu /* IRQ 8, 13 edge only */

struct piix3_ops {
	/*
	 * PCI interrupt link `pirq` (0-3 = PIRQA-D) now goes to ISA IRQ
	 * `irq`, or nowhere (-1). Only on a change. May be NULL.
	 */
	void (*pirq_route)(void *opaque, unsigned pirq, int irq);
	/*
	 * The ELCR changed: bit n set = IRQ n level triggered. May be NULL.
	 */
	void (*elcr_changed)(void *opaque, uint16_t elcr);
};

struct piix3 {
	const struct piix3_ops *ops;
	void *opaque;

	struct pci_cfg pci; /* PIRQRC and the rest live in pci.cfg */
	int8_t route[PIIX3_NUM_PIRQ]; /* effective routes, as last reported */
	uint8_t elcr[2];
};

/*
 * Power-on state: IDs (subsystem 1af4:1100, as in QEMU), multi-function
 * header, command 0x0007, status 0x0200, every PIRQ route disabled (0x80),
 * ELCR 0. ops may be NULL. Calls nothing: the initial routing is "all
 * links disabled".
 */
void piix3_init(struct piix3 *s, const struct piix3_ops *ops, void *opaque);

/*
 * Guest configuration read (offset 0-255, size 1/2/4 within a dword).
 * Returns 0, or -EINVAL for a bad access (*val = all-ones).
 */
int piix3_cfg_read(const struct piix3 *s, unsigned off, unsigned size,
		   uint32_t *val);

/*
 * Guest configuration write; reports PIRQ route changes. Returns 0, or
 * -EINVAL for a bad access (ignored).
 */
int piix3_cfg_write(struct piix3 *s, unsigned off, unsigned size,
		    uint32_t val);

/* The effective route of link `pirq` (0-3): an ISA IRQ, or -1. */
int piix3_pirq_route(const struct piix3 *s, unsigned pirq);

/* Guest read of ELCR port `port` (0 = 0x4D0, 1 = 0x4D1); others 0xff. */
uint8_t piix3_elcr_read(const struct piix3 *s, unsigned port);

/* Guest write of ELCR port `port`; edge-only bits stay 0. */
void piix3_elcr_write(struct piix3 *s, unsigned port, uint8_t val);

/* The ELCR as one 16-bit mask (bit n = IRQ n level triggered). */
uint16_t piix3_elcr(const struct piix3 *s);

#endif
