/* SPDX-License-Identifier: MIT */
/*
 * Adapter for the ACPI PM1a registers (hw/acpi_pm.c): a 64-byte aligned
 * block of ports (0x600 by default) whose soft-off request powers the
 * domain off, with the PM timer on the host's monotonic clock and the SCI
 * on ISA IRQ 9 (irq= overrides; the FADT and MADT say 9).
 */
#include <errno.h>
#include <time.h>

#include "dm/dev/dev.h"
#include "dm/hw/acpi_pm.h"

static void pm_poweroff(void *opaque)
{
	struct dm_dev *dev = opaque;

	dm_shutdown(dev->dm, DM_OP_SHUTDOWN_POWEROFF, 0);
}

/* The PM timer's clock: monotonic, so the guest never sees it go back. */
static uint64_t pm_now_ns(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const struct acpi_pm_ops pm_ops = {
	.poweroff = pm_poweroff,
	.now_ns = pm_now_ns,
	.set_sci = dm_dev_set_irq,
};

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

/* `safepc shutdown` presses the fixed-feature power button. */
static void pm_event(struct dm_dev *dev, uint32_t event)
{
	if (event == IOREQ_EVENT_POWER_BUTTON)
		acpi_pm_power_button(dev->state);
}

static const struct dm_dev_ops pm_dev_ops = {
	.read = pm_read,
	.write = pm_write,
	.event = pm_event,
};

int dev_acpi_pm_create(struct dm *dm, struct dm_dev *dev,
		       const struct dev_opts *o)
{
	struct acpi_pm *s = dm_dev_alloc(dev, sizeof(*s), &pm_dev_ops);
	uint64_t port = o->has_port ? o->port : machine_port(MACHINE_ACPI_PM);

	if (!s)
		return -ENOMEM;
	if (port & 0x3f)
		return -EINVAL;
	dev->base = port;
	dev->irq = o->has_irq ? (unsigned)o->irq
			      : machine_irq(MACHINE_ACPI_PM, 0);
	acpi_pm_init(s, &pm_ops, dev);
	return dm_dev_claim(dm, dev, MACHINE_ACPI_PM, port);
}
