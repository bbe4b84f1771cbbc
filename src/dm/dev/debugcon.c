/* SPDX-License-Identifier: MIT */
/*
 * The firmware debug console on port 0x402, where SeaBIOS writes its log:
 * no chip model, just a line buffer whose lines go to the domain log.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "dm/dev/dev.h"

#define DEBUGCON_LINE_SIZE 128 /* state: the line so far, NUL-terminated */
#define DEBUGCON_LINE_MAX 120  /* a longer line is logged in pieces */

static void debugcon_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
			   unsigned size, uint64_t val)
{
	/* Firmware log lines go to the domain log, bounded per line. */
	char *line = dev->state;
	size_t n = strlen(line);
	char c = (char)val;

	if (c == '\n' || n >= DEBUGCON_LINE_MAX) {
		log_guest(LOG_INFO, "firmware: %s", line);
		line[0] = 0;
		if (c == '\n')
			return;
		n = 0;
	}
	if (c >= 0x20 && c < 0x7f) {
		line[n] = c;
		line[n + 1] = 0;
	}
}

static uint64_t debugcon_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			      unsigned size)
{
	return 0xe9; /* what QEMU's debugcon answers: "present" */
}

static const struct dm_dev_ops debugcon_ops = { .read = debugcon_read,
						.write = debugcon_write };

int dev_debugcon_create(struct dm *dm, struct dm_dev *dev,
			const struct dev_opts *o)
{
	if (!dm_dev_alloc(dev, DEBUGCON_LINE_SIZE, &debugcon_ops))
		return -ENOMEM;
	return dm_dev_claim(dm, dev, MACHINE_DEBUGCON,
			    machine_port(MACHINE_DEBUGCON));
}
