/* SPDX-License-Identifier: MIT */
/* Placeholder: replaced by the escape suite's attacks. */
#include "dm/dm.h"

void dm_test_init(struct dm *dm, const char *mode)
{
	(void)dm;
	(void)mode;
}

int dm_test_serve_hook(struct dm *dm, struct ioreq_slot *slot)
{
	(void)dm;
	(void)slot;
	return 0;
}
