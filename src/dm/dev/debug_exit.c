/* SPDX-License-Identifier: MIT */
/*
 * Adapter for isa-debug-exit (hw/debug_exit.c), the test port (0xF4 by
 * default) through which a guest program ends the domain with a status.
 */
#include <errno.h>

#include "dm/dev/dev.h"
#include "dm/hw/debug_exit.h"

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

int dev_debug_exit_create(struct dm *dm, struct dm_dev *dev,
			  const struct dev_opts *o)
{
	struct debug_exit *s = dm_dev_alloc(dev, sizeof(*s), &dbg_dev_ops);
	uint64_t port = o->has_port ? o->port
				    : machine_port(MACHINE_DEBUG_EXIT);

	if (!s)
		return -ENOMEM;
	dev->base = port;
	debug_exit_init(s, &dbg_ops, dev);
	return dm_dev_claim(dm, dev, MACHINE_DEBUG_EXIT, port);
}
