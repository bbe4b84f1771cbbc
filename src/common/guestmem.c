/* SPDX-License-Identifier: MIT */
#include "common/guestmem.h"

void guestmem_layout(uint64_t bytes, uint64_t *low, uint64_t *high)
{
	*low = bytes < GUESTMEM_LOW_MAX ? bytes : GUESTMEM_LOW_MAX;
	*high = bytes - *low;
}

void *guestmem_ptr(const struct guestmem *gm, uint64_t gpa, uint64_t len)
{
	uint64_t last;

	if (len == 0 || gpa + len < gpa)
		return NULL;
	last = gpa + len - 1;
	if (last < gm->low_size) {
		/* Entirely below the end of low RAM: reject the hole. */
		if (last >= GUESTMEM_HOLE_START && gpa < GUESTMEM_HOLE_END)
			return NULL;
		return gm->base + gpa;
	}
	if (gpa >= GUESTMEM_HIGH_BASE &&
	    last - GUESTMEM_HIGH_BASE < gm->high_size)
		return gm->base + gm->low_size + (gpa - GUESTMEM_HIGH_BASE);
	return NULL;
}
