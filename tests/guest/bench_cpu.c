/* SPDX-License-Identifier: MIT */
/*
 * CPU-bound work for the benchmark (64-bit kit): `n=NUMBER` (default
 * 2000000) turns of the same two workloads in ring 0 and then in ring 3
 * (run_user): an 8-instruction loop (add, xor, rol, store, and to memory,
 * add, dec, jnz: the loop of bootsect_loop.S) and a mixed one (arithmetic,
 * loads and stores over a small table, data-dependent branches, calls).
 * Prints "bench_cpu: n=N ring0=X ring3=Y" and the TSC cycles of each half,
 * checks that both rings computed the same, and exits through 0xF4
 * (report_summary).  A fixed amount of work: the host times the run.
 */
#include "guest.h"

unsigned long loop8(unsigned long n);

/* eax/edx mixed, a store and an and-to-memory per turn; returns the mix. */
__asm__(".text\n"
	".globl loop8\n"
	"loop8:\n\t"
	"movq %rdi, %rcx\n\t"
	"leaq loop8_mem(%rip), %rsi\n\t"
	"movl $0x12345678, %eax\n\tmovl $0x9ABCDEF0, %edx\n\t"
	"movl $-1, 4(%rsi)\n\t"
	"testq %rcx, %rcx\n\tjz 2f\n"
	"1:\taddl %edx, %eax\n\t"
	"xorl %eax, %edx\n\t"
	"roll $5, %eax\n\t"
	"movl %eax, (%rsi)\n\t"
	"andl %edx, 4(%rsi)\n\t"
	"addl $3, %edx\n\t"
	"decq %rcx\n\t"
	"jnz 1b\n"
	"2:\txorl 4(%rsi), %eax\n\t"
	"ret\n"
	".bss\n.balign 64\nloop8_mem:\t.skip 64\n.text\n");

static uint32_t table[256];

static __attribute__((noinline)) uint32_t mix(uint32_t x, uint32_t y)
{
	x ^= y >> 7;
	x *= 0x9E3779B1u;
	return x ^ (x >> 15);
}

static __attribute__((noinline)) uint32_t step(uint32_t a, uint32_t i)
{
	if (a & 1)
		return mix(a, i) + table[(a >> 3) & 255];
	if (a & 2)
		return (a >> 1) ^ table[i & 255];
	return a * 5 + i;
}

static unsigned long mixed(unsigned long n)
{
	uint32_t a = 1, s = 0;

	for (unsigned i = 0; i < 256; i++)
		table[i] = i * 0x01010101u;
	for (unsigned long i = 0; i < n; i++) {
		a = step(a, (uint32_t)i);
		table[i & 255] += a;
		s += a >> 3;
	}
	return ((unsigned long)s << 32) | a;
}

static unsigned long both(unsigned long n)
{
	return loop8(n * 4) ^ mixed(n);
}

int main(void)
{
	unsigned long n = cmdline_ulong("n", 2000000), r0, r3;
	uint64_t t0, t1, t2;

	printf("bench_cpu: starting n=%lu\n", n);
	t0 = rdtsc();
	r0 = both(n);
	t1 = rdtsc();
	r3 = run_user(both, n);
	t2 = rdtsc();
	printf("bench_cpu: n=%lu ring0=0x%lx ring3=0x%lx\n", n, r0, r3);
	printf("bench_cpu: tsc ring0=%llu ring3=%llu\n",
	       (unsigned long long)(t1 - t0), (unsigned long long)(t2 - t1));
	report(r0 == r3, "ring 0 and ring 3 computed the same");
	return report_summary();
}
