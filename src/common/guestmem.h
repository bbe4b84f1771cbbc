/* SPDX-License-Identifier: MIT */
/*
 * The guest RAM layout and the one helper that turns a guest-physical
 * range into a pointer. Every device that touches guest memory goes through
 * guestmem_ptr(); nobody indexes guest RAM by hand.
 *
 * The RAM memfd holds `low_size` bytes mapped at guest-physical 0 (the
 * legacy hole 0xA0000-0xFFFFF is not RAM for the guest) followed by
 * `high_size` bytes mapped at 4 GiB.
 */
#ifndef SAFEPC_COMMON_GUESTMEM_H
#define SAFEPC_COMMON_GUESTMEM_H

#include <stddef.h>
#include <stdint.h>

#define GUESTMEM_HOLE_START 0xA0000ull
#define GUESTMEM_HOLE_END 0x100000ull	    /* exclusive */
#define GUESTMEM_LOW_MAX 0xC0000000ull	    /* PCI hole from 3 GiB */
#define GUESTMEM_HIGH_BASE 0x100000000ull

struct guestmem {
	uint8_t *base; /* mapping of the whole memfd */
	uint64_t low_size;
	uint64_t high_size;
};

/* Splits `bytes` of RAM into the low and high parts. */
void guestmem_layout(uint64_t bytes, uint64_t *low, uint64_t *high);

/*
 * Returns a pointer to guest-physical [gpa, gpa + len) when the whole range
 * is guest RAM (not the legacy hole, not past the end, no wrap-around), or
 * NULL. len == 0 yields NULL.
 */
void *guestmem_ptr(const struct guestmem *gm, uint64_t gpa, uint64_t len);

#endif
