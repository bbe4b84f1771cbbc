/* SPDX-License-Identifier: MIT */
/*
 * The PC machine table (machine.h): one entry per device a DM hosts.
 * Changing a port, IRQ or BDF here changes the launch plan, hv's manifest,
 * the DM's claims and the ACPI tables together.
 */
#include <string.h>

#include "common/machine.h"
#include "common/util.h"

/* Lists with their counts, so an entry cannot say 3 and give 2. */
#define PORTS(...)                                                           \
	.ranges = { __VA_ARGS__ },                                           \
	.nr_ranges = ARRAY_SIZE(((struct machine_range[]){ __VA_ARGS__ }))
#define IRQS(...)                                                            \
	.irqs = { __VA_ARGS__ },                                             \
	.nr_irqs = ARRAY_SIZE(((uint8_t[]){ __VA_ARGS__ }))
/* A port range; writes answered synchronously. */
#define PIO(a, b) { DM_OP_RANGE_PORT, 0, (a), (b) }
/* A port range whose writes need no answer: posted through the ring. */
#define PIO_POSTED(a, b) { DM_OP_RANGE_PORT, DM_OP_RANGE_POSTED_WRITES, (a), (b) }

const struct machine_dev machine_devs[MACHINE_NR_DEVS] = {
	[MACHINE_UART] = {
		.name = "ns16550", .what = "16550A UART (COM1)",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_NO_BDF,
		/* The DM drains posted writes before it serves any read,
		 * so the guest sees them in order. */
		PORTS(PIO_POSTED(0x3f8, 0x3ff)), IRQS(4),
	},
	[MACHINE_RTC] = {
		.name = "mc146818", .what = "MC146818 RTC and CMOS",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_NO_BDF,
		PORTS(PIO(0x70, 0x71)), IRQS(8),
	},
	[MACHINE_DEBUG_EXIT] = {
		.name = "debug_exit", .what = "isa-debug-exit test port",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_NO_BDF,
		PORTS(PIO(0xf4, 0xf7)), .rights = MACHINE_MAY_SHUTDOWN,
	},
	[MACHINE_ACPI_PM] = {
		.name = "acpi_pm", .what = "ACPI PM1a block, PM timer, SCI",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_NO_BDF,
		/* 64-byte aligned (PIIX4's PMBA); IRQ 9 is the SCI the
		 * FADT and the MADT's level override name. */
		PORTS(PIO(0x600, 0x63f)), IRQS(9),
		.rights = MACHINE_MAY_SHUTDOWN,
	},
	[MACHINE_RESET_CTL] = {
		.name = "reset_ctl", .what = "PIIX3 reset control register",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_NO_BDF,
		PORTS(PIO(0xcf9, 0xcf9)), .rights = MACHINE_MAY_SHUTDOWN,
	},
	[MACHINE_I440FX] = {
		.name = "i440fx", .what = "i440FX host bridge (PCI 00:00.0, PAM)",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_BDF(0, 0),
		.rights = MACHINE_MAY_PAM,
	},
	[MACHINE_PIIX3] = {
		.name = "piix3", .what = "PIIX3 ISA bridge (PCI 00:01.0, PIRQ)",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_BDF(1, 0),
		.rights = MACHINE_MAY_ROUTE,
	},
	[MACHINE_FW_CFG] = {
		.name = "fw_cfg", .what = "QEMU firmware configuration (0x510)",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_NO_BDF,
		PORTS(PIO(0x510, 0x51b)),
	},
	[MACHINE_I8042] = {
		.name = "i8042", .what = "i8042 keyboard controller (0x60/0x64)",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_NO_BDF,
		/* Its CPU reset line reboots the domain. */
		PORTS(PIO(0x60, 0x60), PIO(0x64, 0x64)), IRQS(1, 12),
		.rights = MACHINE_MAY_SHUTDOWN,
	},
	[MACHINE_DEBUGCON] = {
		.name = "debugcon", .what = "firmware debug console (0x402)",
		.dm = MACHINE_DM_CHIPSET, .bdf = MACHINE_NO_BDF,
		PORTS(PIO_POSTED(0x402, 0x402)),
	},
	[MACHINE_IDE] = {
		.name = "piix3_ide",
		.what = "PIIX3 IDE (PCI 00:01.1): ATA disks, ATAPI CD-ROM, "
			"bus-master DMA",
		/* Its own DM: the classic source of escapes stays apart. */
		.dm = MACHINE_DM_IDE, .bdf = MACHINE_BDF(1, 1),
		/*
		 * Data, features, count, LBA and device registers are
		 * posted (a rep outsw costs one ring entry per word, and no
		 * such write does more than move a word or finish a PIO
		 * block); Command and Device Control stay synchronous: a
		 * command can start a long transfer, and nIEN/SRST must act
		 * before the guest's next instruction. Primary channel on
		 * IRQ 14, secondary on IRQ 15; BAR4 (bus master) wherever
		 * the guest puts it in the PCI I/O window (SeaBIOS: 0xC000,
		 * Linux without firmware: 0x1000).
		 */
		PORTS(PIO_POSTED(0x1f0, 0x1f6), PIO(0x1f7, 0x1f7),
		      PIO(0x3f6, 0x3f6), PIO_POSTED(0x170, 0x176),
		      PIO(0x177, 0x177), PIO(0x376, 0x376),
		      { DM_OP_RANGE_PORT, MACHINE_RANGE_BAR,
			MACHINE_PCI_IO_FIRST, MACHINE_PCI_IO_LAST }),
		IRQS(14, 15),
	},
};

const struct machine_dev *machine_dev_find(const char *name)
{
	unsigned i;

	for (i = 0; i < MACHINE_NR_DEVS; i++)
		if (!strcmp(machine_devs[i].name, name))
			return &machine_devs[i];
	return NULL;
}

const char *machine_dm_name(enum machine_dm dm)
{
	switch (dm) {
	case MACHINE_DM_CHIPSET:
		return "chipset";
	case MACHINE_DM_IDE:
		return "ide";
	default:
		return "?";
	}
}

uint16_t machine_port(enum machine_dev_id id)
{
	if ((unsigned)id >= MACHINE_NR_DEVS || !machine_devs[id].nr_ranges)
		return 0;
	return (uint16_t)machine_devs[id].ranges[0].first;
}

unsigned machine_irq(enum machine_dev_id id, unsigned n)
{
	if ((unsigned)id >= MACHINE_NR_DEVS || n >= machine_devs[id].nr_irqs)
		return 0;
	return machine_devs[id].irqs[n];
}
