/* SPDX-License-Identifier: MIT */
#include "dm/hw/reset_ctl.h"

void reset_ctl_init(struct reset_ctl *s, const struct reset_ctl_ops *ops,
		    void *opaque)
{
	s->rcr = 0;
	s->ops = ops;
	s->opaque = opaque;
}

uint8_t reset_ctl_read(const struct reset_ctl *s)
{
	return s->rcr;
}

void reset_ctl_write(struct reset_ctl *s, uint8_t val)
{
	s->rcr = val & (RESET_CTL_SYS_RST | RESET_CTL_FULL_RST);
	if ((val & RESET_CTL_RST_CPU) && s->ops && s->ops->reset)
		s->ops->reset(s->opaque);
}
