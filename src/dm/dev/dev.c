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
