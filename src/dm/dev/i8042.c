/* SPDX-License-Identifier: MIT */
/*
 * Adapter for the i8042 keyboard controller (hw/i8042.c): ports 0x60 and
 * 0x64 (the machine table's), IRQs 1 and 12 (the chip names its line),
 * and its CPU reset line, which reboots the domain.
 */
#include <errno.h>

#include "dm/dev/dev.h"
#include "dm/hw/i8042.h"

/* The i8042 drives two lines, so the line comes with the level. */
static void kbd_irq(void *opaque, unsigned irq, int level)
{
	struct dm_dev *dev = opaque;

	dm_set_irq(dev->dm, irq, level);
}

static const struct i8042_ops kbd_cb = { .set_irq = kbd_irq,
					 .reset = dm_dev_reboot };

static uint64_t kbd_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size)
{
	return i8042_read(dev->state,
			  (unsigned)(addr - machine_port(MACHINE_I8042)));
}

static void kbd_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val)
{
	i8042_write(dev->state, (unsigned)(addr - machine_port(MACHINE_I8042)),
		    (uint8_t)val);
}

static const struct dm_dev_ops kbd_ops = { .read = kbd_read,
					   .write = kbd_write };

int dev_i8042_create(struct dm *dm, struct dm_dev *dev,
		     const struct dev_opts *o)
{
	struct i8042 *s = dm_dev_alloc(dev, sizeof(*s), &kbd_ops);

	if (!s)
		return -ENOMEM;
	i8042_init(s, &kbd_cb, dev);
	return dm_dev_claim(dm, dev, MACHINE_I8042,
			    machine_port(MACHINE_I8042));
}
