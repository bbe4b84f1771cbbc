/* SPDX-License-Identifier: MIT */
/*
 * Adapter for the PIIX3 reset control register (hw/reset_ctl.c): one port
 * (0xCF9 by default) whose reset request reboots the domain.
 */
#include <errno.h>

#include "dm/dev/dev.h"
#include "dm/hw/reset_ctl.h"

static const struct reset_ctl_ops rcr_ops = { .reset = dm_dev_reboot };

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

int dev_reset_ctl_create(struct dm *dm, struct dm_dev *dev,
			 const struct dev_opts *o)
{
	struct reset_ctl *s = dm_dev_alloc(dev, sizeof(*s), &rcr_dev_ops);
	uint64_t port = o->has_port ? o->port
				    : machine_port(MACHINE_RESET_CTL);

	if (!s)
		return -ENOMEM;
	dev->base = port;
	reset_ctl_init(s, &rcr_ops, dev);
	return dm_dev_claim(dm, dev, MACHINE_RESET_CTL, port);
}
