/* SPDX-License-Identifier: MIT */
/*
 * Adapter for the MC146818 RTC and CMOS (hw/mc146818.c): ports 0x70-0x71
 * (by default) on IRQ 8, host time as the clock, a timer for its periodic,
 * alarm and update interrupts, and the RAM size in the CMOS bytes the
 * firmware reads.
 */
#include <errno.h>

#include "dm/dev/dev.h"
#include "dm/hw/mc146818.h"

static const struct mc146818_ops rtc_ops = { .set_irq = dm_dev_set_irq };

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

int dev_rtc_create(struct dm *dm, struct dm_dev *dev,
		   const struct dev_opts *o)
{
	struct mc146818 *s = dm_dev_alloc(dev, sizeof(*s), &rtc_dev_ops);
	uint64_t port = o->has_port ? o->port : machine_port(MACHINE_RTC);

	if (!s)
		return -ENOMEM;
	dev->irq = o->has_irq ? (unsigned)o->irq : machine_irq(MACHINE_RTC, 0);
	mc146818_init(s, &rtc_ops, dev, util_realtime_ns());
	mc146818_set_mem_size(s, dm->mem.low_size, dm->mem.high_size);
	return dm_dev_claim(dm, dev, MACHINE_RTC, port);
}
