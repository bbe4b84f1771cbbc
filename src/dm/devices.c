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

/*
 * Each device of the machine table (common/machine.h, which gives its name,
 * description, ports, IRQs and PCI function) with its adapter.
 */
struct devices_entry {
	enum machine_dev_id id;
	int (*create)(struct dm *dm, struct dm_dev *dev,
		      const struct dev_opts *o);
	unsigned keys; /* the DEVSPEC_KEY_* options its adapter reads */
};

#define DEVICES_PORT_IRQ (DEVSPEC_KEY_PORT | DEVSPEC_KEY_IRQ)

static const struct devices_entry devices_table[] = {
	{ MACHINE_UART, dev_uart_create,
	  DEVICES_PORT_IRQ | DEVSPEC_KEY_CONSOLE },
	{ MACHINE_RTC, dev_rtc_create, DEVICES_PORT_IRQ },
	{ MACHINE_DEBUG_EXIT, dev_debug_exit_create, DEVSPEC_KEY_PORT },
	{ MACHINE_ACPI_PM, dev_acpi_pm_create, DEVICES_PORT_IRQ },
	{ MACHINE_RESET_CTL, dev_reset_ctl_create, DEVSPEC_KEY_PORT },
	{ MACHINE_I440FX, dev_i440fx_create, 0 },
	{ MACHINE_PIIX3, dev_piix3_create, 0 },
	{ MACHINE_FW_CFG, dev_fw_cfg_create, DEVSPEC_KEY_BOOT },
	{ MACHINE_I8042, dev_i8042_create, 0 },
	{ MACHINE_DEBUGCON, dev_debugcon_create, 0 },
	{ MACHINE_IDE, dev_ide_create, DEVSPEC_KEY_DRIVE },
};
_Static_assert(ARRAY_SIZE(devices_table) == MACHINE_NR_DEVS,
	       "an adapter for every device of the machine table");

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
	const char *name = NULL;
	struct dm_dev *dev;
	unsigned i, extra;
	int r;

	for (i = 0; i < ARRAY_SIZE(devices_table); i++) {
		name = machine_devs[devices_table[i].id].name;
		if (!strcmp(name, spec->name)) {
			e = &devices_table[i];
			break;
		}
	}
	if (!e) {
		snprintf(err, errlen, "unknown device (safepc-dm "
			 "--list-devices lists them)");
		return -ENOENT;
	}
	extra = spec->keys & ~e->keys;
	if (extra) {
		snprintf(err, errlen, "%s takes no %s option", name,
			 devspec_key_name(extra & -extra));
		return -EINVAL;
	}
	if (dm->nr_devs == DM_MAX_DEVS) {
		snprintf(err, errlen, "more than %u devices", DM_MAX_DEVS);
		return -ENOSPC;
	}
	snprintf(o.boot, sizeof(o.boot), "%s", spec->boot);
	dev = &dm->devs[dm->nr_devs];
	snprintf(dev->name, sizeof(dev->name), "%s", name);
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
		printf("%-12s %s\n", machine_devs[devices_table[i].id].name,
		       machine_devs[devices_table[i].id].what);
}
