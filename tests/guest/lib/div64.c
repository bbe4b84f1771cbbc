/* SPDX-License-Identifier: MIT */
/*
 * The 32-bit kit's 64-bit division: gcc calls these for uint64_t / and %
 * on i386 (printf's %llu, pit.c), and the kit links no libgcc.  Plain
 * shift-and-subtract: speed does not matter here.
 */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	if (d == 0) {
		/* What the hardware would do: #DE. */
		__asm__ volatile("divl %0" : : "r"(0u), "a"(0u), "d"(0u));
		return 0;
	}
	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	if (rem)
		*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r = 0;

	__udivmoddi4(n, d, &r);
	return r;
}

int64_t __divdi3(int64_t n, int64_t d)
{
	uint64_t q = __udivmoddi4(n < 0 ? -(uint64_t)n : (uint64_t)n,
				  d < 0 ? -(uint64_t)d : (uint64_t)d, 0);

	return (n < 0) != (d < 0) ? -(int64_t)q : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d)
{
	uint64_t r = 0;

	__udivmoddi4(n < 0 ? -(uint64_t)n : (uint64_t)n,
		     d < 0 ? -(uint64_t)d : (uint64_t)d, &r);
	return n < 0 ? -(int64_t)r : (int64_t)r;
}
