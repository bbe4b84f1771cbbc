/* SPDX-License-Identifier: MIT */
/*
 * The soft CPU's CPUID model: one fixed table advertising exactly what
 * the interpreter implements. Adding a feature once it is implemented is
 * a one-line change below (flip its 0 to 1).
 *
 * Vendor: "GenuineIntel". The deciding reason is time: on an Intel vendor
 * string Linux takes the TSC frequency from leaf 0x15 (crystal clock
 * ratio) when it is present and skips calibrating it against the PIT, a
 * race an interpreter running at a small fraction of native speed easily
 * loses (on AMD it always calibrates against PIT channel 2). Leaves 0x15
 * and 0x16 therefore publish SOFT_TSC_KHZ. Linux also takes the LAPIC
 * timer's clock from leaf 0x15's crystal (ECX) and then skips calibrating
 * that timer too, so the crystal is the LAPIC's 1 GHz bus clock (lapic.h)
 * and the TSC/crystal ratio is SOFT_TSC_KHZ / 1 GHz. The signature is
 * family 6 model 0x3a (Ivy Bridge): old enough that Linux applies no
 * errata workaround keyed on microcode revisions we do not model.
 *
 * Topology: every vCPU reports itself as its own package (HTT clear,
 * logical count 1, leaves 4 and 0xB empty), with its initial APIC id =
 * its index.
 */
#include <string.h>

#include "hv/soft/sys.h"

/* ---- leaf 1 EDX: one line per bit ---- */
#define C1D_FPU (1u << 0)    /* x87 (x87.c, on the host's x87 unit) */
#define C1D_VME (0u << 1)    /* CR4.VME: not implemented */
#define C1D_DE (1u << 2)     /* DR4/DR5 alias only without CR4.DE */
#define C1D_PSE (1u << 3)    /* 4 MiB pages in 32-bit paging */
#define C1D_TSC (1u << 4)    /* RDTSC, CR4.TSD */
#define C1D_MSR (1u << 5)    /* RDMSR/WRMSR */
#define C1D_PAE (1u << 6)    /* PAE paging */
#define C1D_MCE (0u << 7)    /* machine check: no */
#define C1D_CX8 (1u << 8)    /* CMPXCHG8B (core) */
#define C1D_APIC (1u << 9)   /* the LAPIC model */
#define C1D_SEP (1u << 11)   /* SYSENTER/SYSEXIT */
#define C1D_MTRR (1u << 12)  /* MTRR MSRs: stored, not acted on */
#define C1D_PGE (1u << 13)   /* global pages */
#define C1D_MCA (0u << 14)   /* no machine-check architecture */
#define C1D_CMOV (1u << 15)  /* CMOVcc (core) */
#define C1D_PAT (1u << 16)   /* PAT MSR: stored */
#define C1D_PSE36 (0u << 17) /* not advertised */
#define C1D_CLFSH (1u << 19) /* CLFLUSH (core: 0F AE /7, no caches) */
#define C1D_MMX (1u << 23)   /* MMX (sse.c) */
#define C1D_FXSR (1u << 24)  /* FXSAVE/FXRSTOR, CR4.OSFXSR (fpu.c) */
#define C1D_SSE (1u << 25)   /* SSE (sse.c, simdops.c) */
#define C1D_SSE2 (1u << 26)  /* SSE2 (sse.c, simdops.c) */
#define C1D_HTT (0u << 28)   /* one logical processor per package */
#define CPUID_1_EDX                                                    \
	(C1D_FPU | C1D_VME | C1D_DE | C1D_PSE | C1D_TSC | C1D_MSR |     \
	 C1D_PAE | C1D_MCE | C1D_CX8 | C1D_APIC | C1D_SEP | C1D_MTRR |  \
	 C1D_PGE | C1D_MCA | C1D_CMOV | C1D_PAT | C1D_PSE36 |           \
	 C1D_CLFSH | C1D_MMX | C1D_FXSR | C1D_SSE | C1D_SSE2 | C1D_HTT)

/* ---- leaf 1 ECX ---- */
#define C1C_SSE3 (0u << 0)	/* SSE3: not implemented (#UD) */
#define C1C_CX16 (1u << 13)	/* CMPXCHG16B (core) */
#define C1C_POPCNT (0u << 23)	/* not advertised */
#define C1C_X2APIC (0u << 21)	/* xAPIC only */
#define C1C_TSCDL (1u << 24)	/* TSC-deadline timer (lapic.c has it) */
#define C1C_XSAVE (0u << 26)	/* no XSAVE */
#define C1C_HYPERVISOR (1u << 31) /* we are a virtual CPU */
#define CPUID_1_ECX                                                    \
	(C1C_SSE3 | C1C_CX16 | C1C_POPCNT | C1C_X2APIC | C1C_TSCDL |    \
	 C1C_XSAVE | C1C_HYPERVISOR)

/*
 * Leaf 7 subleaf 0 EBX: IA32_TSC_ADJUST (msr.c) alone. With it, an
 * invariant TSC and few NUMA nodes, Linux (5.16+) trusts the TSC without
 * its clocksource watchdog; otherwise the early watchdog is
 * refined-jiffies (no HPET here), which an interpreter's late timer ticks
 * make drift, and the TSC is dropped for acpi_pm.
 */
#define C7B_TSC_ADJUST (1u << 1)

/* ---- leaf 0x80000001 ---- */
#define CXC_LAHF (1u << 0)	/* LAHF/SAHF in 64-bit mode (core) */
#define CXD_SYSCALL (1u << 11)	/* SYSCALL/SYSRET */
#define CXD_NX (1u << 20)	/* execute-disable with EFER.NXE */
#define CXD_PG1G (1u << 26)	/* 1 GiB pages in 4-level paging */
#define CXD_RDTSCP (1u << 27)	/* RDTSCP and TSC_AUX */
#define CXD_LM (1u << 29)	/* long mode */
#define CPUID_X1_ECX CXC_LAHF
#define CPUID_X1_EDX (CXD_SYSCALL | CXD_NX | CXD_PG1G | CXD_RDTSCP | CXD_LM)

/* Family 6, model 0x3a, stepping 9. */
#define CPUID_SIGNATURE 0x000306a9u

/* Our hypervisor signature: 12 bytes in EBX, ECX, EDX. */
#define CPUID_HV_SIG "SafePCSftCPU"

/* The LAPIC timer's input clock (lapic.h: 1 ns per bus tick). */
#define CPUID_CRYSTAL_KHZ 1000000u

/*
 * Leaf 0x15's TSC/crystal ratio in lowest terms: Linux computes
 * crystal_khz * EBX / EAX in 32-bit arithmetic, so EBX = EAX = 1000000
 * overflowed there and made it see a 3.567 MHz TSC.
 */
#define CPUID_TSC_GCD 1000000u
#define CPUID_TSC_NUM (SOFT_TSC_KHZ / CPUID_TSC_GCD)
#define CPUID_TSC_DEN (CPUID_CRYSTAL_KHZ / CPUID_TSC_GCD)
_Static_assert(SOFT_TSC_KHZ % CPUID_TSC_GCD == 0 &&
		       CPUID_CRYSTAL_KHZ % CPUID_TSC_GCD == 0,
	       "leaf 0x15 ratio");
_Static_assert((uint64_t)CPUID_CRYSTAL_KHZ * CPUID_TSC_NUM <= 0xffffffffull,
	       "Linux multiplies crystal kHz by EBX in 32 bits");

#define CPUID_MAX_BASIC 0x16u
#define CPUID_MAX_EXT 0x80000008u
#define CPUID_MAX_HV 0x40000010u

struct cpuid_leaf {
	uint32_t leaf;
	uint32_t r[4]; /* EAX EBX ECX EDX */
};

/* Leaves not listed (2-0x14 but 1 and 7, 0x80000005/6, 0x40000001-f)
 * read as zeros; leaf 1 EBX, leaf 7 and the string leaves are filled in
 * cpuid_leaf(). */
static const struct cpuid_leaf cpuid_table[] = {
	{ 0x00000001, { CPUID_SIGNATURE, 0, CPUID_1_ECX, CPUID_1_EDX } },
	/* crystal = the LAPIC bus clock, 1 GHz; TSC = crystal * EBX / EAX,
	 * the ratio in lowest terms (see CPUID_TSC_NUM) */
	{ 0x00000015,
	  { CPUID_TSC_DEN, CPUID_TSC_NUM, CPUID_CRYSTAL_KHZ * 1000u, 0 } },
	/* base and max frequency in MHz, bus 100 MHz */
	{ 0x00000016, { SOFT_TSC_KHZ / 1000u, SOFT_TSC_KHZ / 1000u, 100, 0 } },
	{ 0x40000010, { SOFT_TSC_KHZ, 0, 0, 0 } }, /* TSC kHz, bus kHz? */
	{ 0x80000000, { CPUID_MAX_EXT, 0, 0, 0 } },
	{ 0x80000001, { 0, 0, CPUID_X1_ECX, CPUID_X1_EDX } },
	/* invariant TSC: ours runs on the host's monotonic clock */
	{ 0x80000007, { 0, 0, 0, 1u << 8 } },
	/* 40 physical, 48 linear address bits */
	{ 0x80000008, { (48u << 8) | SYS_PHYS_BITS, 0, 0, 0 } },
};

static const char cpuid_brand[48] = "SafePC soft x86-64 CPU";

uint32_t sys_cpuid_signature(void)
{
	return CPUID_SIGNATURE;
}

static void cpuid_str(uint32_t r[], const char *s, unsigned n)
{
	memcpy(r, s, n);
}

/* One leaf; subleaves only for leaf 7 (the others have none). */
static void cpuid_leaf(const struct soft_cpu *cpu, uint32_t leaf, uint32_t r[4])
{
	memset(r, 0, 4 * sizeof(r[0]));
	/* Past the end of a range: Intel answers with the highest basic. */
	if ((leaf > CPUID_MAX_BASIC && leaf < 0x40000000u) ||
	    (leaf > CPUID_MAX_HV && leaf < 0x80000000u) || leaf > CPUID_MAX_EXT)
		leaf = CPUID_MAX_BASIC;
	for (unsigned i = 0; i < sizeof(cpuid_table) / sizeof(cpuid_table[0]);
	     i++)
		if (cpuid_table[i].leaf == leaf)
			memcpy(r, cpuid_table[i].r, 4 * sizeof(r[0]));
	switch (leaf) {
	case 0:
		r[0] = CPUID_MAX_BASIC;
		cpuid_str(&r[1], "Genu", 4);
		cpuid_str(&r[3], "ineI", 4);
		cpuid_str(&r[2], "ntel", 4);
		break;
	case 1:
		/* CLFLUSH line 64 bytes, 1 logical CPU, APIC id. */
		r[1] = (8u << 8) | (1u << 16) | ((cpu->id & 0xffu) << 24);
		break;
	case 7:
		/* EAX = 0: subleaf 0 is the last. */
		if ((uint32_t)cpu->gpr[R_CX] == 0)
			r[1] = C7B_TSC_ADJUST;
		break;
	case 0x40000000:
		r[0] = CPUID_MAX_HV;
		cpuid_str(&r[1], CPUID_HV_SIG, 12);
		break;
	case 0x80000002:
	case 0x80000003:
	case 0x80000004:
		cpuid_str(r, cpuid_brand + 16 * (leaf - 0x80000002u), 16);
		break;
	}
}

void soft_cpuid(struct soft_cpu *cpu)
{
	uint32_t r[4];

	cpuid_leaf(cpu, (uint32_t)cpu->gpr[R_AX], r);
	cpu->gpr[R_AX] = r[0];
	cpu->gpr[R_BX] = r[1];
	cpu->gpr[R_CX] = r[2];
	cpu->gpr[R_DX] = r[3];
}
