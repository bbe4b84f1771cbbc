/* SPDX-License-Identifier: MIT */
/*
 * Adapter for the i440FX host bridge (hw/i440fx.c): PCI 00:00.0 (the
 * machine table's), whose PAM
 * registers become set_mem_type dm_ops (the shadow RAM a firmware boot
 * unlocks, fills and locks again).
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "dm/dev/dev.h"
#include "dm/hw/i440fx.h"

static void i440fx_pam(void *opaque, uint32_t start, uint32_t size,
		       enum dm_op_mem_type mode)
{
	struct dm_dev *dev = opaque;
	/* The model reports PAM modes in the dm_op's own enum. */
	struct dm_op_set_mem m = { .start = start, .size = size, .type = mode };
	int r = dm_op_call(dev->dm, DM_OP_SET_MEM_TYPE, &m, sizeof(m), NULL);

	if (r)
		log_guest(LOG_WARN, "PAM 0x%x+0x%x mode %d: %s", start, size,
			  (int)mode, strerror(-r));
}

static const struct i440fx_ops i440fx_dev_cb = { .pam_changed = i440fx_pam };

static uint64_t host_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			  unsigned size)
{
	uint32_t v = ~0u;

	i440fx_cfg_read(dev->state, (unsigned)(addr & 0xff), size, &v);
	return v;
}

static void host_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		       unsigned size, uint64_t val)
{
	i440fx_cfg_write(dev->state, (unsigned)(addr & 0xff), size,
			 (uint32_t)val);
}

static const struct dm_dev_ops host_ops = { .read = host_read,
					    .write = host_write };

int dev_i440fx_create(struct dm *dm, struct dm_dev *dev,
		      const struct dev_opts *o)
{
	struct i440fx *s = dm_dev_alloc(dev, sizeof(*s), &host_ops);

	if (!s)
		return -ENOMEM;
	i440fx_init(s, &i440fx_dev_cb, dev);
	return dm_dev_claim(dm, dev, MACHINE_I440FX, 0);
}
