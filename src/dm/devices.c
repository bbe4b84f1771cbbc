/* SPDX-License-Identifier: MIT */
/*
 * The static device table of safepc-dm. The adapters that bind each pure
 * chip model (src/dm/hw/) to ports, IRQ lines and the console are in
 * src/dm/dev/, one file per device.
 *
 * A device spec (proto/devspec.h, read once in main.c) is
 * "NAME[,option]...", e.g. ns16550,port=0x3f8,irq=4,console. An option a
 * device does not take is an error: the monitor wrote the spec, and a typo
 * must not silently produce a different machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dm/dev/dev.h"
#include "dm/dm.h"
#include "proto/devspec.h"

/* ---- the table ---- */

struct devices_entry {
	const char *name;
	const char *what;
	int (*create)(struct dm *dm, struct dm_dev *dev,
		      const struct dev_opts *o);
	unsigned keys; /* the DEVSPEC_KEY_* options its adapter reads */
};

#define DEVICES_PORT_IRQ (DEVSPEC_KEY_PORT | DEVSPEC_KEY_IRQ)

static const struct devices_entry devices_table[] = {
	{ "ns16550", "16550A UART", dev_uart_create,
	  DEVICES_PORT_IRQ | DEVSPEC_KEY_CONSOLE },
	{ "mc146818", "MC146818 RTC and CMOS", dev_rtc_create,
	  DEVICES_PORT_IRQ },
	{ "debug_exit", "isa-debug-exit test port", dev_debug_exit_create,
	  DEVSPEC_KEY_PORT },
	{ "acpi_pm", "ACPI PM1a soft-off register", dev_acpi_pm_create,
	  DEVICES_PORT_IRQ },
	{ "reset_ctl", "PIIX3 reset control register", dev_reset_ctl_create,
	  DEVSPEC_KEY_PORT },
	{ "i440fx", "i440FX host bridge (PCI 00:00.0, PAM)", dev_i440fx_create,
	  0 },
	{ "piix3", "PIIX3 ISA bridge (PCI 00:01.0, PIRQ)", dev_piix3_create,
	  0 },
	{ "fw_cfg", "QEMU firmware configuration (0x510)", dev_fw_cfg_create,
	  DEVSPEC_KEY_BOOT },
	{ "i8042", "i8042 keyboard controller (0x60/0x64)", dev_i8042_create,
	  0 },
	{ "debugcon", "firmware debug console (0x402)", dev_debugcon_create,
	  0 },
	{ "piix3_ide", "PIIX3 IDE (PCI 00:01.1): ATA disks, ATAPI CD-ROM, "
		       "bus-master DMA", dev_ide_create, DEVSPEC_KEY_DRIVE },
};

/*
 * devices_create - creates the device a spec names and claims its ranges.
 * Returns 0 or -errno (-ENOENT: unknown device, -EINVAL: an option the
 * device does not take, with the reason in err; the adapter's codes).
 */
int devices_create(struct dm *dm, const struct devspec *spec, char *err,
		   size_t errlen)
{
	struct dev_opts o = {
		.spec = spec,
		.port = spec->port,
		.irq = spec->irq,
		.console = !!(spec->keys & DEVSPEC_KEY_CONSOLE),
		.has_port = !!(spec->keys & DEVSPEC_KEY_PORT),
		.has_irq = !!(spec->keys & DEVSPEC_KEY_IRQ),
	};
	const struct devices_entry *e = NULL;
	struct dm_dev *dev;
	unsigned i, extra;
	int r;

	for (i = 0; i < ARRAY_SIZE(devices_table); i++)
		if (!strcmp(devices_table[i].name, spec->name))
			e = &devices_table[i];
	if (!e) {
		snprintf(err, errlen, "unknown device (safepc-dm "
			 "--list-devices lists them)");
		return -ENOENT;
	}
	extra = spec->keys & ~e->keys;
	if (extra) {
		snprintf(err, errlen, "%s takes no %s option", e->name,
			 devspec_key_name(extra & -extra));
		return -EINVAL;
	}
	if (dm->nr_devs == DM_MAX_DEVS) {
		snprintf(err, errlen, "more than %u devices", DM_MAX_DEVS);
		return -ENOSPC;
	}
	snprintf(o.boot, sizeof(o.boot), "%s", spec->boot);
	dev = &dm->devs[dm->nr_devs];
	snprintf(dev->name, sizeof(dev->name), "%s", e->name);
	dev->dm = dm;
	r = e->create(dm, dev, &o);
	if (r) {
		snprintf(err, errlen, "%s", strerror(-r));
		return r;
	}
	dm->nr_devs++;
	return 0;
}

void devices_list(void)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(devices_table); i++)
		printf("%-12s %s\n", devices_table[i].name,
		       devices_table[i].what);
}
