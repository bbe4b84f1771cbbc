/* SPDX-License-Identifier: MIT */
/*
 * Adapter for the PIIX3 ISA bridge (hw/piix3.c): PCI 00:01.0 (the machine
 * table's), whose PIRQ
 * route registers become set_pci_link_route dm_ops (hv's PCI interrupt
 * links follow what the firmware programs).
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "dm/dev/dev.h"
#include "dm/hw/piix3.h"

static void piix3_route(void *opaque, unsigned pirq, int irq)
{
	struct dm_dev *dev = opaque;
	struct dm_op_link_route l = {
		.link = pirq,
		.irq = irq < 0 ? DM_OP_LINK_DISABLED : (uint32_t)irq,
	};
	int r = dm_op_call(dev->dm, DM_OP_SET_PCI_LINK_ROUTE, &l, sizeof(l),
			   NULL);

	if (r)
		log_guest(LOG_WARN, "PIRQ%c -> IRQ %d: %s", 'A' + pirq, irq,
			  strerror(-r));
}

static const struct piix3_ops piix3_dev_cb = { .pirq_route = piix3_route };

static uint64_t isa_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size)
{
	uint32_t v = ~0u;

	piix3_cfg_read(dev->state, (unsigned)(addr & 0xff), size, &v);
	return v;
}

static void isa_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val)
{
	piix3_cfg_write(dev->state, (unsigned)(addr & 0xff), size,
			(uint32_t)val);
}

static const struct dm_dev_ops isa_ops = { .read = isa_read,
					   .write = isa_write };

int dev_piix3_create(struct dm *dm, struct dm_dev *dev,
		     const struct dev_opts *o)
{
	struct piix3 *s = dm_dev_alloc(dev, sizeof(*s), &isa_ops);

	if (!s)
		return -ENOMEM;
	piix3_init(s, &piix3_dev_cb, dev);
	return dm_dev_claim(dm, dev, MACHINE_PIIX3, 0);
}
