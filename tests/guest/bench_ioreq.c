/* SPDX-License-Identifier: MIT */
/*
 * Port-I/O round trips for the benchmark: `n=NUMBER` (default 100000)
 * reads of the COM1 scratch register (0x3FF) in a tight ring-0 loop, then
 * exit through 0xF4 with 0.  The host times two runs with different n and
 * divides the difference by the difference in n.
 */
#include "guest.h"

int main(void)
{
	unsigned long n = cmdline_ulong("n", 100000);

	printf("bench_ioreq: n=%lu\n", n);
	if (n)
		__asm__ volatile("1: inb %%dx, %%al\n\t"
				 "dec %%rcx\n\t"
				 "jnz 1b"
				 : "+c"(n)
				 : "d"(COM1 + 7)
				 : "rax", "cc", "memory");
	printf("bench_ioreq: done\n");
	exit(0);
}
