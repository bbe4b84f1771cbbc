/* SPDX-License-Identifier: MIT */
/*
 * Soft CPU core speed: a tight 32-bit loop (add, xor, rol, store,
 * and-to-memory, dec, jnz) in flat protected mode, as the peers were
 * measured (docs: anchors/soft-cpu.md). Prints guest instructions per
 * second. Built, not registered as a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core_env.h"

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const uint8_t code[] = {
		0x01, 0xd8,		/* a: add eax, ebx */
		0x31, 0xc3,		/* xor ebx, eax */
		0xc1, 0xc0, 0x05,	/* rol eax, 5 */
		0x89, 0x06,		/* mov [esi], eax */
		0x21, 0x46, 0x04,	/* and [esi+4], eax */
		0x49,			/* dec ecx */
		0x75, 0xf1,		/* jnz a */
		0xf4,
	};
	uint32_t iters = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0)
				  : 50000000u;
	struct cenv *e = cenv_new();
	double t0, t1;
	uint64_t n0;

	cenv_prot32(e, e->cpu);
	cenv_load(e, e->cpu, 0x100000, code, sizeof(code));
	e->cpu->gpr[R_AX] = 1;
	e->cpu->gpr[R_BX] = 0x12345;
	e->cpu->gpr[R_CX] = iters;
	e->cpu->gpr[R_SI] = 0x200000;
	n0 = soft_cpu_icount(e->cpu);
	t0 = bench_now();
	if (soft_cpu_run(e->cpu) != SOFT_EXIT_HLT) {
		fprintf(stderr, "bench_core: did not halt\n");
		return 1;
	}
	t1 = bench_now();
	n0 = soft_cpu_icount(e->cpu) - n0;
	printf("%llu instructions in %.3f s: %.1f million/s\n",
	       (unsigned long long)n0, t1 - t0, n0 / (t1 - t0) / 1e6);
	cenv_free(e);
	return 0;
}
