/* SPDX-License-Identifier: MIT */
/*
 * Delays with 8254 channel 2: mode 0 one-shot, gate and OUT through port
 * 0x61 (bit 0 gate, bit 1 speaker data, bit 5 OUT2).  Channel 0 stays free
 * for tests.  Each poll is a port access, so the resolution here is a few
 * microseconds; the clock itself is the host's, not the emulated CPU's.
 */
#include "guest.h"

#define PIT_MAX_US 50000u /* 59659 ticks, under the 16-bit limit */

void pit_oneshot_start(uint32_t us)
{
	uint32_t ticks;

	if (us > PIT_MAX_US)
		us = PIT_MAX_US;
	ticks = (uint32_t)(((uint64_t)us * PIT_HZ) / 1000000u);
	if (ticks < 2)
		ticks = 2;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xB0);	/* channel 2, lo/hi byte, mode 0, binary */
	outb(0x42, ticks & 0xFF);
	outb(0x42, ticks >> 8);
}

bool pit_expired(void)
{
	return inb(0x61) & 0x20;
}

void pit_delay_us(uint32_t us)
{
	while (us) {
		uint32_t chunk = us > PIT_MAX_US ? PIT_MAX_US : us;

		pit_oneshot_start(chunk);
		while (!pit_expired())
			;
		us -= chunk;
	}
}

uint32_t wait_flag(volatile uint32_t *flag, uint32_t ms)
{
	uint32_t us = ms * 1000;

	while (!*flag && us) {
		uint32_t chunk = us > 10000 ? 10000 : us;

		pit_oneshot_start(chunk);
		while (!*flag && !pit_expired())
			;
		us -= chunk;
	}
	return *flag;
}

uint32_t wait_count(volatile uint32_t *n, uint32_t want, uint32_t ms)
{
	for (uint32_t i = 0; i < ms && *n < want; i++) {
		pit_oneshot_start(1000);
		while (*n < want && !pit_expired())
			;
	}
	return *n;
}
