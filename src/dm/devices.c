/* SPDX-License-Identifier: MIT */
/*
 * The static device table of safepc-dm and the parser of its device specs.
 * The adapters that bind each pure chip model (src/dm/hw/) to ports, IRQ
 * lines and the console are in src/dm/dev/, one file per device.
 *
 * A device spec is "NAME[,key=value|flag]...", e.g.
 *   ns16550,port=0x3f8,irq=4,console
 * Keys a device does not know are errors: the monitor wrote the spec, and a
 * typo must not silently produce a different machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dm/dev/dev.h"
#include "dm/dm.h"

/* Fills in the generic keys of `spec`: 0, or -EINVAL for any other key. */
static int devices_parse_opts(const char *spec, struct dev_opts *o)
{
	char buf[128], *tok, *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		return -EINVAL;
	tok = strtok_r(buf, ",", &save); /* the name */
	while ((tok = strtok_r(NULL, ",", &save))) {
		if (!strncmp(tok, "port=", 5)) {
			if (util_parse_u64(tok + 5, &o->port) || o->port > 0xffff)
				return -EINVAL;
			o->has_port = 1;
		} else if (!strncmp(tok, "irq=", 4)) {
			if (util_parse_u64(tok + 4, &o->irq) || o->irq > 15)
				return -EINVAL;
			o->has_irq = 1;
		} else if (!strcmp(tok, "console")) {
			o->console = 1;
		} else if (!strncmp(tok, "boot=", 5) && strlen(tok + 5) < 4 &&
			   strspn(tok + 5, "cd") == strlen(tok + 5)) {
			snprintf(o->boot, sizeof(o->boot), "%s", tok + 5);
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- the table ---- */

struct devices_entry {
	const char *name;
	const char *what;
	int (*create)(struct dm *dm, struct dm_dev *dev,
		      const struct dev_opts *o);
	/* Devices with options of their own parse the whole spec. */
	int own_spec;
};

static const struct devices_entry devices_table[] = {
	{ "ns16550", "16550A UART", dev_uart_create, 0 },
	{ "mc146818", "MC146818 RTC and CMOS", dev_rtc_create, 0 },
	{ "debug_exit", "isa-debug-exit test port", dev_debug_exit_create, 0 },
	{ "acpi_pm", "ACPI PM1a soft-off register", dev_acpi_pm_create, 0 },
	{ "reset_ctl", "PIIX3 reset control register", dev_reset_ctl_create,
	  0 },
	{ "i440fx", "i440FX host bridge (PCI 00:00.0, PAM)", dev_i440fx_create,
	  0 },
	{ "piix3", "PIIX3 ISA bridge (PCI 00:01.0, PIRQ)", dev_piix3_create,
	  0 },
	{ "fw_cfg", "QEMU firmware configuration (0x510)", dev_fw_cfg_create,
	  0 },
	{ "i8042", "i8042 keyboard controller (0x60/0x64)", dev_i8042_create,
	  0 },
	{ "debugcon", "firmware debug console (0x402)", dev_debugcon_create,
	  0 },
	{ "piix3_ide", "PIIX3 IDE (PCI 00:01.1): ATA disks, ATAPI CD-ROM, "
		       "bus-master DMA", dev_ide_create, 1 },
};

/*
 * devices_create - creates the device a spec names and claims its ranges.
 * Returns 0 or -errno (-ENOENT: unknown device, -EINVAL: bad option).
 */
int devices_create(struct dm *dm, const char *spec)
{
	struct dev_opts o = { .spec = spec };
	size_t len = strcspn(spec, ",");
	struct dm_dev *dev;
	unsigned i;
	int r;

	if (dm->nr_devs == DM_MAX_DEVS)
		return -ENOSPC;
	for (i = 0; i < ARRAY_SIZE(devices_table); i++) {
		if (strlen(devices_table[i].name) != len ||
		    strncmp(devices_table[i].name, spec, len))
			continue;
		dev = &dm->devs[dm->nr_devs];
		snprintf(dev->name, sizeof(dev->name), "%s",
			 devices_table[i].name);
		dev->dm = dm;
		r = devices_table[i].own_spec ? 0 : devices_parse_opts(spec, &o);
		if (!r)
			r = devices_table[i].create(dm, dev, &o);
		if (r == 0)
			dm->nr_devs++;
		return r;
	}
	return -ENOENT;
}

void devices_list(void)
{
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(devices_table); i++)
		printf("%-12s %s\n", devices_table[i].name,
		       devices_table[i].what);
}
