/* SPDX-License-Identifier: MIT */
/*
 * The static device table of safepc-dm, and the thin adapters that bind
 * each pure chip model (src/dm/hw/) to ports, IRQ lines and the console.
 *
 * A device spec is "NAME[,key=value|flag]...", e.g.
 *   ns16550,port=0x3f8,irq=4,console
 * Keys a device does not know are errors: the monitor wrote the spec, and a
 * typo must not silently produce a different machine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "dm/chipset.h"
#include "dm/dm.h"
#include "dm/idectl.h"
#include "dm/hw/acpi_pm.h"
#include "dm/hw/debug_exit.h"
#include "dm/hw/mc146818.h"
#include "dm/hw/ns16550.h"
#include "dm/hw/reset_ctl.h"

struct devices_opts {
	uint64_t port;
	uint64_t irq;
	int console;
	int has_port, has_irq;
	char boot[4]; /* fw_cfg: boot order, xl's letters */
};

static int devices_parse_opts(const char *spec, struct devices_opts *o)
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

/* ---- 16550A UART ---- */

static void uart_set_irq(void *opaque, int level)
{
	struct dm_dev *dev = opaque;

	dm_set_irq(dev->dm, dev->irq, level);
}

static void uart_tx(void *opaque, uint8_t byte)
{
	struct dm_dev *dev = opaque;
	struct dm *dm = dev->dm;

	if (dm->console_fd < 0 || !dev->console)
		return;
	/* Non-blocking: a stalled console never stalls the guest. */
	if (write(dm->console_fd, &byte, 1) != 1)
		dm->console_dropped++;
}

static const struct ns16550_ops uart_ops = {
	.set_irq = uart_set_irq,
	.tx = uart_tx,
};

static uint64_t uart_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			  unsigned size)
{
	return ns16550_read(dev->state, (unsigned)(addr - dev->base));
}

static void uart_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		       unsigned size, uint64_t val)
{
	ns16550_write(dev->state, (unsigned)(addr - dev->base), (uint8_t)val);
}

static void uart_console_input(struct dm_dev *dev)
{
	struct dm *dm = dev->dm;
	uint8_t buf[16];
	unsigned room = ns16550_rx_room(dev->state), i;
	ssize_t n;

	if (dm->console_fd < 0 || !dev->console || room == 0)
		return;
	n = read(dm->console_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	for (i = 0; n > 0 && i < (unsigned)n; i++)
		if (ns16550_rx(dev->state, buf[i]))
			break;
}

static const struct dm_dev_ops uart_dev_ops = {
	.read = uart_read,
	.write = uart_write,
	.console_input = uart_console_input,
};

static int uart_create(struct dm *dm, struct dm_dev *dev,
		       const struct devices_opts *o)
{
	struct ns16550 *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	dev->state = s;
	dev->ops = &uart_dev_ops;
	dev->irq = o->has_irq ? (unsigned)o->irq : 4;
	dev->base = o->has_port ? o->port : 0x3f8;
	ns16550_init(s, &uart_ops, dev);
	/* Without "console" the UART's output goes nowhere. */
	dev->console = o->console;
	/* Writes need no answer: post them (the DM drains posted writes
	 * before it serves any read, so the guest sees them in order). */
	return dm_map_range(dm, dev, DM_OP_RANGE_PORT, dev->base,
			    dev->base + 7, DM_OP_RANGE_POSTED_WRITES);
}

/* ---- MC146818 RTC / CMOS ---- */

static void rtc_set_irq(void *opaque, int level)
{
	struct dm_dev *dev = opaque;

	dm_set_irq(dev->dm, dev->irq, level);
}

static const struct mc146818_ops rtc_ops = { .set_irq = rtc_set_irq };

static uint64_t rtc_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size)
{
	return mc146818_read(dev->state, (unsigned)(addr & 1),
			     util_realtime_ns());
}

static void rtc_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val)
{
	mc146818_write(dev->state, (unsigned)(addr & 1), (uint8_t)val,
		       util_realtime_ns());
}

static int64_t rtc_deadline(struct dm_dev *dev, int64_t now)
{
	return mc146818_next_deadline(dev->state, now);
}

static void rtc_timer(struct dm_dev *dev, int64_t now)
{
	mc146818_advance(dev->state, now);
}

static const struct dm_dev_ops rtc_dev_ops = {
	.read = rtc_read,
	.write = rtc_write,
	.deadline = rtc_deadline,
	.timer = rtc_timer,
};

static int rtc_create(struct dm *dm, struct dm_dev *dev,
		      const struct devices_opts *o)
{
	struct mc146818 *s = calloc(1, sizeof(*s));
	uint64_t port = o->has_port ? o->port : 0x70;

	if (!s)
		return -ENOMEM;
	dev->state = s;
	dev->ops = &rtc_dev_ops;
	dev->irq = o->has_irq ? (unsigned)o->irq : 8;
	mc146818_init(s, &rtc_ops, dev, util_realtime_ns());
	mc146818_set_mem_size(s, dm->mem.low_size, dm->mem.high_size);
	return dm_map_range(dm, dev, DM_OP_RANGE_PORT, port, port + 1, 0);
}

/* ---- isa-debug-exit ---- */

static void dbg_exit(void *opaque, uint32_t status)
{
	struct dm_dev *dev = opaque;

	dm_shutdown(dev->dm, DM_OP_SHUTDOWN_DEBUG_EXIT, status);
}

static const struct debug_exit_ops dbg_ops = { .exit = dbg_exit };

static uint64_t dbg_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size)
{
	return debug_exit_read(dev->state, (unsigned)(addr - dev->base), size);
}

static void dbg_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val)
{
	debug_exit_write(dev->state, (unsigned)(addr - dev->base), size,
			 (uint32_t)val);
}

static const struct dm_dev_ops dbg_dev_ops = {
	.read = dbg_read,
	.write = dbg_write,
};

static int dbg_create(struct dm *dm, struct dm_dev *dev,
		      const struct devices_opts *o)
{
	struct debug_exit *s = calloc(1, sizeof(*s));
	uint64_t port = o->has_port ? o->port : 0xf4;

	if (!s)
		return -ENOMEM;
	dev->state = s;
	dev->ops = &dbg_dev_ops;
	dev->base = port;
	debug_exit_init(s, &dbg_ops, dev);
	return dm_map_range(dm, dev, DM_OP_RANGE_PORT, port, port + 3, 0);
}

/* ---- ACPI PM1a (soft-off) ---- */

static void pm_poweroff(void *opaque)
{
	struct dm_dev *dev = opaque;

	dm_shutdown(dev->dm, DM_OP_SHUTDOWN_POWEROFF, 0);
}

static const struct acpi_pm_ops pm_ops = { .poweroff = pm_poweroff };

static uint64_t pm_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			unsigned size)
{
	return acpi_pm_read(dev->state, (unsigned)(addr - dev->base), size);
}

static void pm_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		     unsigned size, uint64_t val)
{
	acpi_pm_write(dev->state, (unsigned)(addr - dev->base), size,
		      (uint32_t)val);
}

static const struct dm_dev_ops pm_dev_ops = {
	.read = pm_read,
	.write = pm_write,
};

static int pm_create(struct dm *dm, struct dm_dev *dev,
		     const struct devices_opts *o)
{
	struct acpi_pm *s = calloc(1, sizeof(*s));
	uint64_t port = o->has_port ? o->port : 0x600;

	if (!s || (port & 0x3f))
		return s ? -EINVAL : -ENOMEM;
	dev->state = s;
	dev->ops = &pm_dev_ops;
	dev->base = port;
	acpi_pm_init(s, &pm_ops, dev);
	return dm_map_range(dm, dev, DM_OP_RANGE_PORT, port, port + 0x3f, 0);
}

/* ---- PIIX3 reset control register (0xCF9) ---- */

static void rcr_reset(void *opaque)
{
	struct dm_dev *dev = opaque;

	dm_shutdown(dev->dm, DM_OP_SHUTDOWN_REBOOT, 0);
}

static const struct reset_ctl_ops rcr_ops = { .reset = rcr_reset };

static uint64_t rcr_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size)
{
	return reset_ctl_read(dev->state);
}

static void rcr_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val)
{
	reset_ctl_write(dev->state, (uint8_t)val);
}

static const struct dm_dev_ops rcr_dev_ops = {
	.read = rcr_read,
	.write = rcr_write,
};

static int rcr_create(struct dm *dm, struct dm_dev *dev,
		      const struct devices_opts *o)
{
	struct reset_ctl *s = calloc(1, sizeof(*s));
	uint64_t port = o->has_port ? o->port : 0xcf9;

	if (!s)
		return -ENOMEM;
	dev->state = s;
	dev->ops = &rcr_dev_ops;
	dev->base = port;
	reset_ctl_init(s, &rcr_ops, dev);
	return dm_map_range(dm, dev, DM_OP_RANGE_PORT, port, port, 0);
}

/* ---- chipset devices of a firmware boot (chipset.c) ---- */

static int host_create(struct dm *dm, struct dm_dev *dev,
		       const struct devices_opts *o)
{
	return chipset_host_create(dm, dev);
}

static int isa_create(struct dm *dm, struct dm_dev *dev,
		      const struct devices_opts *o)
{
	return chipset_isa_create(dm, dev);
}

static int kbd_create(struct dm *dm, struct dm_dev *dev,
		      const struct devices_opts *o)
{
	return chipset_kbd_create(dm, dev);
}

static int debugcon_create(struct dm *dm, struct dm_dev *dev,
			   const struct devices_opts *o)
{
	return chipset_debugcon_create(dm, dev);
}

/* SeaBIOS' bootorder file: the IDE disk (hda) and the CD (hdc). */
static int fwcfg_create(struct dm *dm, struct dm_dev *dev,
			const struct devices_opts *o)
{
	static const char *const hda = "/pci@i0cf8/*@1,1/drive@0/disk@0\n";
	static const char *const hdc = "/pci@i0cf8/*@1,1/drive@1/disk@0\n";
	char order[128] = "";
	const char *b;

	for (b = o->boot; *b; b++)
		strncat(order, *b == 'c' ? hda : hdc,
			sizeof(order) - strlen(order) - 1);
	return chipset_fwcfg_create(dm, dev, order);
}

/* ---- the table ---- */

struct devices_entry {
	const char *name;
	const char *what;
	int (*create)(struct dm *dm, struct dm_dev *dev,
		      const struct devices_opts *o);
	/* Devices with options of their own parse the whole spec. */
	int (*create_spec)(struct dm *dm, struct dm_dev *dev,
			   const char *spec);
};

static const struct devices_entry devices_table[] = {
	{ "ns16550", "16550A UART", uart_create, NULL },
	{ "mc146818", "MC146818 RTC and CMOS", rtc_create, NULL },
	{ "debug_exit", "isa-debug-exit test port", dbg_create, NULL },
	{ "acpi_pm", "ACPI PM1a soft-off register", pm_create, NULL },
	{ "reset_ctl", "PIIX3 reset control register", rcr_create, NULL },
	{ "i440fx", "i440FX host bridge (PCI 00:00.0, PAM)", host_create, NULL },
	{ "piix3", "PIIX3 ISA bridge (PCI 00:01.0, PIRQ)", isa_create, NULL },
	{ "fw_cfg", "QEMU firmware configuration (0x510)", fwcfg_create, NULL },
	{ "i8042", "i8042 keyboard controller (0x60/0x64)", kbd_create, NULL },
	{ "debugcon", "firmware debug console (0x402)", debugcon_create, NULL },
	{ "piix3_ide", "PIIX3 IDE (PCI 00:01.1): ATA disks, ATAPI CD-ROM, "
		       "bus-master DMA", NULL, idectl_create },
};

/*
 * devices_create - creates the device a spec names and claims its ranges.
 * Returns 0 or -errno (-ENOENT: unknown device, -EINVAL: bad option).
 */
int devices_create(struct dm *dm, const char *spec)
{
	struct devices_opts o = { 0 };
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
		if (devices_table[i].create_spec) {
			r = devices_table[i].create_spec(dm, dev, spec);
		} else {
			r = devices_parse_opts(spec, &o);
			if (!r)
				r = devices_table[i].create(dm, dev, &o);
		}
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
