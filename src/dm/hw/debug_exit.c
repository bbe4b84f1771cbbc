/* SPDX-License-Identifier: MIT */
/* isa-debug-exit: see debug_exit.h. */
#include "dm/hw/debug_exit.h"

#include <stdbool.h>
#include <stddef.h>

static bool debug_exit_size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4;
}

static uint32_t debug_exit_mask(unsigned size)
{
	return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

void debug_exit_init(struct debug_exit *s, const struct debug_exit_ops *ops,
		     void *opaque)
{
	s->ops = ops;
	s->opaque = opaque;
}

uint32_t debug_exit_read(struct debug_exit *s, unsigned offset,
			 unsigned size)
{
	(void)s;
	(void)offset;
	if (!debug_exit_size_ok(size))
		return 0xffffffffu;
	return debug_exit_mask(size);
}

void debug_exit_write(struct debug_exit *s, unsigned offset, unsigned size,
		      uint32_t val)
{
	if (offset >= DEBUG_EXIT_IOSIZE || !debug_exit_size_ok(size))
		return;
	val &= debug_exit_mask(size);
	if (s->ops && s->ops->exit)
		s->ops->exit(s->opaque, (val << 1) | 1);
}
