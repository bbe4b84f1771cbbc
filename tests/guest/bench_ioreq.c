/* SPDX-License-Identifier: MIT */
/*
 * Port-I/O round trips for the benchmark: `n=NUMBER` (default 100000)
 * reads of the COM1 scratch register (0x3FF) in a tight ring-0 loop, then
 * exit through 0xF4 with 0 (report_summary).  The host times two runs with
 * different n and divides the difference by the difference in n.
 */
#include "guest.h"

int main(void)
{
	unsigned long n = cmdline_ulong("n", 100000), left = n;
	uint8_t last = 0x5A;

	printf("bench_ioreq: n=%lu\n", n);
	outb(COM1 + 7, 0x5A);
	if (left)
		__asm__ volatile("1: inb %%dx, %%al\n\t"
				 "dec %%rcx\n\t"
				 "jnz 1b"
				 : "+c"(left), "+a"(last)
				 : "d"(COM1 + 7)
				 : "cc", "memory");
	report(last == 0x5A, "%lu reads of 0x3ff, the last one 0x%02x", n,
	       last);
	return report_summary();
}
