/* SPDX-License-Identifier: MIT */
/*
 * machine: the PC that safepc's device models present, in one table.
 *
 * Every device a DM hosts has one entry: its name (the DM's --dev name),
 * the DM it runs in by default, the I/O port and MMIO ranges it claims
 * (and whether writes to them may be posted), the ISA IRQs it drives, its
 * PCI function, and the few rights beyond ranges it needs (shutdown, PIRQ
 * routing, PAM). Three consumers read it, so they cannot disagree:
 *   - the toolstack's launch plan (src/toolstack/launch_plan.c) writes each
 *     DM's --dev list and hv's --grant manifest from it;
 *   - the DM's adapters (src/dm/dev/) take their ports, IRQs, BDFs and
 *     posted flags from it;
 *   - the ACPI tables (src/common/acpi*.c) describe the ISA devices, the
 *     PM block and the reset register from it.
 * hv enforces only what the manifest says; it never reads this table, so a
 * DM that claims anything else is refused.
 *
 * Not here: what hv itself emulates (the 8259 pair and ELCR, the 8254 and
 * port 0x61, the IOAPIC, the LAPICs, PCI configuration mechanism #1 at
 * 0xCF8-0xCFF); and the I/O window the PCI BARs are placed in, which is
 * MACHINE_PCI_IO_FIRST-MACHINE_PCI_IO_LAST below.
 */
#ifndef SAFEPC_COMMON_MACHINE_H
#define SAFEPC_COMMON_MACHINE_H

#include <stdint.h>

#include "proto/dm_op.h"

/* The DMs of the default ("split") placement, in the order they start. */
enum machine_dm {
	MACHINE_DM_CHIPSET = 0, /* the small chipset devices; the console */
	MACHINE_DM_IDE = 1,	/* the IDE controller and the disk images */
	MACHINE_NR_DMS
};

/* The devices, in the order a DM creates them. */
enum machine_dev_id {
	MACHINE_UART,
	MACHINE_RTC,
	MACHINE_DEBUG_EXIT,
	MACHINE_ACPI_PM,
	MACHINE_RESET_CTL,
	MACHINE_I440FX,
	MACHINE_PIIX3,
	MACHINE_FW_CFG,
	MACHINE_I8042,
	MACHINE_DEBUGCON,
	MACHINE_IDE,
	MACHINE_NR_DEVS
};

/*
 * The PCI I/O window the DSDT declares for BARs (the host bridge's second
 * WordIO): whatever firmware or OS places an I/O BAR there. Nothing fixed
 * lives in it.
 */
#define MACHINE_PCI_IO_FIRST 0x0d00u
#define MACHINE_PCI_IO_LAST 0xffffu

/* struct machine_range flags: DM_OP_RANGE_POSTED_WRITES (writes need no
 * answer and go through the ring), or MACHINE_RANGE_BAR: the device may
 * claim its BAR anywhere inside this range at run time (granted, never
 * claimed at start). */
#define MACHINE_RANGE_BAR 0x100u

struct machine_range {
	uint32_t type;	/* DM_OP_RANGE_PORT or DM_OP_RANGE_MMIO */
	uint32_t flags; /* DM_OP_RANGE_POSTED_WRITES, MACHINE_RANGE_BAR */
	uint64_t first, last; /* inclusive */
};

/* Rights a device needs besides its ranges and IRQs (hv grant kinds). */
#define MACHINE_MAY_SHUTDOWN 0x1u /* remote_shutdown ("shutdown") */
#define MACHINE_MAY_ROUTE 0x2u	  /* set_pci_link_route ("pirq") */
#define MACHINE_MAY_PAM 0x4u	  /* set_mem_type ("pam"; firmware only) */

#define MACHINE_MAX_RANGES 8
#define MACHINE_MAX_IRQS 2
#define MACHINE_NO_BDF (-1)

/* PCI bus 0 BDF of device `d`, function `f`. */
#define MACHINE_BDF(d, f) (((d) << 3) | (f))

struct machine_dev {
	const char *name; /* the DM's device name (--dev NAME[,...]) */
	const char *what; /* for people */
	enum machine_dm dm;
	int32_t bdf; /* PCI function on bus 0, or MACHINE_NO_BDF */
	unsigned nr_ranges;
	struct machine_range ranges[MACHINE_MAX_RANGES];
	unsigned nr_irqs;
	uint8_t irqs[MACHINE_MAX_IRQS]; /* ISA IRQs it drives */
	unsigned rights;		/* MACHINE_MAY_* */
};

/* The machine, indexed by enum machine_dev_id. */
extern const struct machine_dev machine_devs[MACHINE_NR_DEVS];

/* machine_dev_find - the entry named `name`, or NULL. */
const struct machine_dev *machine_dev_find(const char *name);

/* machine_dm_name - "chipset", "ide" (the DM's tag suffix), or "?". */
const char *machine_dm_name(enum machine_dm dm);

/*
 * machine_port - the first port of device `id`'s first range: the base its
 * adapter defaults to (COM1's 0x3F8, the PM block's 0x600 ...); 0 for a
 * device without ports.
 */
uint16_t machine_port(enum machine_dev_id id);

/* machine_irq - ISA IRQ number `n` (0 or 1) of device `id`; 0: none. */
unsigned machine_irq(enum machine_dev_id id, unsigned n);

#endif
