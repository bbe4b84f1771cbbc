/* SPDX-License-Identifier: MIT */
/*
 * What the device adapters in src/dm/dev/ share: allocating a device's
 * state, the interrupt and reset callbacks that every chip wiring them the
 * same way can point at, and the one guest-memory copy for DMA.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dm/dev/dev.h"

void *dm_dev_alloc(struct dm_dev *dev, size_t size,
		   const struct dm_dev_ops *ops)
{
	void *s = calloc(1, size);

	if (!s)
		return NULL;
	dev->state = s;
	dev->ops = ops;
	return s;
}

void dm_dev_set_irq(void *opaque, int level)
{
	struct dm_dev *dev = opaque;

	dm_set_irq(dev->dm, dev->irq, level);
}

void dm_dev_reboot(void *opaque)
{
	struct dm_dev *dev = opaque;

	dm_shutdown(dev->dm, DM_OP_SHUTDOWN_REBOOT, 0);
}

int dm_dev_claim(struct dm *dm, struct dm_dev *dev, enum machine_dev_id id,
		 uint64_t base)
{
	const struct machine_dev *m = &machine_devs[id];
	uint64_t shift = base - machine_port(id); /* wraps back: unsigned */
	unsigned i;
	int r = 0;

	if (m->bdf != MACHINE_NO_BDF)
		r = dm_map_range(dm, dev, DM_OP_RANGE_PCI, (uint64_t)m->bdf,
				 (uint64_t)m->bdf, 0);
	for (i = 0; !r && i < m->nr_ranges; i++) {
		const struct machine_range *g = &m->ranges[i];

		if (g->flags & MACHINE_RANGE_BAR)
			continue;
		/* Only port blocks move with a port= option. */
		r = g->type == DM_OP_RANGE_PORT
			    ? dm_map_range(dm, dev, g->type, g->first + shift,
					   g->last + shift,
					   g->flags & DM_OP_RANGE_POSTED_WRITES)
			    : dm_map_range(dm, dev, g->type, g->first, g->last,
					   g->flags & DM_OP_RANGE_POSTED_WRITES);
	}
	return r;
}

int dm_dev_guest_rw(struct dm_dev *dev, uint64_t gpa, void *buf, size_t len,
		    bool to_guest)
{
	uint8_t *p = guestmem_ptr(&dev->dm->mem, gpa, len);

	if (!p)
		return -EFAULT;
	if (to_guest) {
		memcpy(p, buf, len);
		/* hv hears of it before the guest sees a completion. */
		dm_ram_dirty(dev->dm, gpa, len);
	} else
		memcpy(buf, p, len);
	return 0;
}
