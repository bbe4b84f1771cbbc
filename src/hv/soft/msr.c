/* SPDX-License-Identifier: MIT */
/*
 * MSRs of the soft CPU (RDMSR/WRMSR) and the TSC (RDTSC/RDTSCP).
 *
 * The CPU keeps EFER, the SYSCALL/SYSENTER MSRs, the segment bases, the
 * TSC offset, TSC_ADJUST and TSC_AUX, PAT, MISC_ENABLE and the MTRRs
 * (stored and validated, never acted on: the soft CPU has no caches). What the LAPIC
 * owns (APIC base, TSC deadline, the x2APIC range) goes to ops->rdmsr/
 * wrmsr. Anything else is #GP(0), as on hardware for an MSR that does not
 * exist.
 */
#include "hv/soft/sys.h"

#define MSR_TSC 0x10u
#define MSR_PLATFORM_ID 0x17u
#define MSR_APIC_BASE 0x1bu
#define MSR_FEATURE_CONTROL 0x3au
#define MSR_TSC_ADJUST 0x3bu
#define MSR_BIOS_SIGN_ID 0x8bu
#define MSR_MTRRCAP 0xfeu
#define MSR_SYSENTER_CS 0x174u
#define MSR_SYSENTER_ESP 0x175u
#define MSR_SYSENTER_EIP 0x176u
#define MSR_MISC_ENABLE 0x1a0u
#define MSR_MTRR_VAR0 0x200u /* base/mask pairs up to 0x20f */
#define MSR_MTRR_FIX64K 0x250u
#define MSR_MTRR_FIX16K_80000 0x258u
#define MSR_MTRR_FIX16K_A0000 0x259u
#define MSR_MTRR_FIX4K 0x268u /* to 0x26f */
#define MSR_PAT 0x277u
#define MSR_MTRR_DEF 0x2ffu
#define MSR_TSC_DEADLINE 0x6e0u
#define MSR_X2APIC_FIRST 0x800u
#define MSR_X2APIC_LAST 0x8ffu
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_CSTAR 0xc0000083u
#define MSR_SFMASK 0xc0000084u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
#define MSR_TSC_AUX 0xc0000103u

/* 8 variable MTRRs, fixed ones, write-combining: what MTRRcap says. */
#define MTRRCAP_VALUE ((1u << 10) | (1u << 8) | 8u)

uint64_t sys_tsc(struct soft_cpu *cpu)
{
	int64_t ns = cpu->ops && cpu->ops->clock_ns
			     ? cpu->ops->clock_ns(cpu->ctx)
			     : 0;
	/* 128-bit product: ns * kHz overflows 64 bits after ~5 hours. */
	unsigned __int128 t = (unsigned __int128)(uint64_t)ns * SOFT_TSC_KHZ;

	return (uint64_t)(t / 1000000u) + (uint64_t)cpu->tsc_offset;
}

void soft_rdtsc(struct soft_cpu *cpu, int rdtscp)
{
	uint64_t t;

	if ((cpu->cr4 & CR4_TSD) && cpu->cpl > 0)
		soft_raise(cpu, V_GP, 0);
	t = sys_tsc(cpu);
	cpu->gpr[R_AX] = (uint32_t)t;
	cpu->gpr[R_DX] = t >> 32;
	if (rdtscp)
		cpu->gpr[R_CX] = (uint32_t)cpu->tsc_aux;
}

/* A memory type MTRRs accept: UC, WC, WT, WP, WB. */
static int msr_mtrr_type(unsigned t)
{
	return t == 0 || t == 1 || t == 4 || t == 5 || t == 6;
}

/* Eight packed types (fixed MTRRs; PAT also allows 7, UC-). */
static int msr_types_ok(uint64_t v, int pat)
{
	for (int i = 0; i < 8; i++) {
		unsigned t = (unsigned)(v >> (8 * i)) & 0xff;

		if (!msr_mtrr_type(t) && !(pat && t == 7))
			return 0;
	}
	return 1;
}

/* The fixed-range MTRR index of `msr`, or -1. */
static int msr_fixed_idx(uint32_t msr)
{
	if (msr == MSR_MTRR_FIX64K)
		return 0;
	if (msr == MSR_MTRR_FIX16K_80000 || msr == MSR_MTRR_FIX16K_A0000)
		return 1 + (int)(msr - MSR_MTRR_FIX16K_80000);
	if (msr >= MSR_MTRR_FIX4K && msr <= MSR_MTRR_FIX4K + 7)
		return 3 + (int)(msr - MSR_MTRR_FIX4K);
	return -1;
}

/* Reads an MSR: 0, or -1 for #GP. */
static int msr_get(struct soft_cpu *cpu, uint32_t msr, uint64_t *v)
{
	int i;

	switch (msr) {
	case MSR_TSC:
		*v = sys_tsc(cpu);
		return 0;
	case MSR_TSC_ADJUST:
		*v = (uint64_t)cpu->tsc_adjust;
		return 0;
	case MSR_PLATFORM_ID:
		*v = 0;
		return 0;
	case MSR_FEATURE_CONTROL:
		*v = 1; /* locked, VMX off */
		return 0;
	case MSR_BIOS_SIGN_ID:
		*v = 0; /* microcode revision 0 in bits 63:32 */
		return 0;
	case MSR_MTRRCAP:
		*v = MTRRCAP_VALUE;
		return 0;
	case MSR_SYSENTER_CS:
		*v = cpu->sysenter_cs;
		return 0;
	case MSR_SYSENTER_ESP:
		*v = cpu->sysenter_esp;
		return 0;
	case MSR_SYSENTER_EIP:
		*v = cpu->sysenter_eip;
		return 0;
	case MSR_MISC_ENABLE:
		*v = cpu->misc_enable;
		return 0;
	case MSR_PAT:
		*v = cpu->pat;
		return 0;
	case MSR_MTRR_DEF:
		*v = cpu->mtrr_def_type;
		return 0;
	case MSR_EFER:
		*v = cpu->efer;
		return 0;
	case MSR_STAR:
		*v = cpu->star;
		return 0;
	case MSR_LSTAR:
		*v = cpu->lstar;
		return 0;
	case MSR_CSTAR:
		*v = cpu->cstar;
		return 0;
	case MSR_SFMASK:
		*v = cpu->sfmask;
		return 0;
	case MSR_FS_BASE:
		*v = cpu->seg[S_FS].base;
		return 0;
	case MSR_GS_BASE:
		*v = cpu->seg[S_GS].base;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*v = cpu->kernel_gs_base;
		return 0;
	case MSR_TSC_AUX:
		*v = cpu->tsc_aux;
		return 0;
	}
	if (msr >= MSR_MTRR_VAR0 && msr < MSR_MTRR_VAR0 + 16) {
		*v = cpu->mtrr_var[msr - MSR_MTRR_VAR0];
		return 0;
	}
	i = msr_fixed_idx(msr);
	if (i >= 0) {
		*v = cpu->mtrr_fixed[i];
		return 0;
	}
	if (msr == MSR_APIC_BASE || msr == MSR_TSC_DEADLINE ||
	    (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST))
		return cpu->ops->rdmsr ? cpu->ops->rdmsr(cpu->ctx, msr, v) : -1;
	return -1;
}

static int msr_set_efer(struct soft_cpu *cpu, uint64_t v)
{
	const uint64_t ok = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
	uint64_t old = cpu->efer;

	if (v & ~ok)
		return -1;
	/* LME cannot change while paging is on; LMA is read-only. */
	if (((v ^ old) & EFER_LME) && (cpu->cr0 & CR0_PG))
		return -1;
	cpu->efer = (v & ~(uint64_t)EFER_LMA) | (old & EFER_LMA);
	if ((old ^ cpu->efer) & EFER_NXE)
		soft_tlb_flush(cpu, 1);
	return 0;
}

/* Writes an MSR: 0, or -1 for #GP. */
static int msr_set(struct soft_cpu *cpu, uint32_t msr, uint64_t v)
{
	int i;

	switch (msr) {
	case MSR_TSC: {
		unsigned __int128 t;
		int64_t ns = cpu->ops->clock_ns ? cpu->ops->clock_ns(cpu->ctx)
						: 0;
		int64_t old = cpu->tsc_offset;

		t = (unsigned __int128)(uint64_t)ns * SOFT_TSC_KHZ;
		cpu->tsc_offset = (int64_t)(v - (uint64_t)(t / 1000000u));
		/* SDM: a TSC write adds (new - current TSC) to TSC_ADJUST. */
		cpu->tsc_adjust = (int64_t)((uint64_t)cpu->tsc_adjust +
					    (uint64_t)cpu->tsc_offset -
					    (uint64_t)old);
		return 0;
	}
	case MSR_TSC_ADJUST:
		/* Moves the TSC by the change (Linux's TSC sync uses it to
		 * line an AP's TSC up with the boot CPU's). */
		cpu->tsc_offset = (int64_t)((uint64_t)cpu->tsc_offset + v -
					    (uint64_t)cpu->tsc_adjust);
		cpu->tsc_adjust = (int64_t)v;
		return 0;
	case MSR_BIOS_SIGN_ID:
		return 0; /* the microcode loader's "clear" write */
	case MSR_SYSENTER_CS:
		cpu->sysenter_cs = v & 0xffff;
		return 0;
	case MSR_SYSENTER_ESP:
	case MSR_SYSENTER_EIP:
		if (!sys_canonical(v))
			return -1;
		*(msr == MSR_SYSENTER_ESP ? &cpu->sysenter_esp
					  : &cpu->sysenter_eip) = v;
		return 0;
	case MSR_MISC_ENABLE:
		/* Stored; only fast strings (0) and the limit-CPUID bit (22)
		 * are writable in this model, the rest reads back as is. */
		cpu->misc_enable = (cpu->misc_enable & ~0x400001ull) |
				   (v & 0x400001ull);
		return 0;
	case MSR_PAT:
		if (!msr_types_ok(v, 1))
			return -1;
		cpu->pat = v;
		return 0;
	case MSR_MTRR_DEF:
		if ((v & ~0xcffull) || !msr_mtrr_type((unsigned)v & 0xff))
			return -1;
		cpu->mtrr_def_type = v;
		return 0;
	case MSR_EFER:
		return msr_set_efer(cpu, v);
	case MSR_STAR:
		cpu->star = v;
		return 0;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		if (!sys_canonical(v))
			return -1;
		*(msr == MSR_LSTAR	   ? &cpu->lstar
		  : msr == MSR_CSTAR	   ? &cpu->cstar
		  : msr == MSR_FS_BASE ? &cpu->seg[S_FS].base
		  : msr == MSR_GS_BASE ? &cpu->seg[S_GS].base
				       : &cpu->kernel_gs_base) = v;
		return 0;
	case MSR_SFMASK:
		if (v >> 32)
			return -1;
		cpu->sfmask = v;
		return 0;
	case MSR_TSC_AUX:
		if (v >> 32)
			return -1;
		cpu->tsc_aux = v;
		return 0;
	}
	if (msr >= MSR_MTRR_VAR0 && msr < MSR_MTRR_VAR0 + 16) {
		/* Even: PhysBase (type, address); odd: PhysMask (valid). */
		uint64_t rsvd = ~SYS_PHYS_MASK |
				((msr & 1) ? 0x7ffull : 0xf00ull);

		if ((v & rsvd) || (!(msr & 1) && !msr_mtrr_type(v & 0xff)))
			return -1;
		cpu->mtrr_var[msr - MSR_MTRR_VAR0] = v;
		return 0;
	}
	i = msr_fixed_idx(msr);
	if (i >= 0) {
		if (!msr_types_ok(v, 0))
			return -1;
		cpu->mtrr_fixed[i] = v;
		return 0;
	}
	if (msr == MSR_APIC_BASE || msr == MSR_TSC_DEADLINE ||
	    (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST))
		return cpu->ops->wrmsr ? cpu->ops->wrmsr(cpu->ctx, msr, v) : -1;
	return -1;
}

void soft_rdmsr(struct soft_cpu *cpu)
{
	uint64_t v = 0;

	if (cpu->cpl != 0 || cpu->mode == M_VM86)
		soft_raise(cpu, V_GP, 0);
	if (msr_get(cpu, (uint32_t)cpu->gpr[R_CX], &v))
		soft_raise(cpu, V_GP, 0);
	cpu->gpr[R_AX] = (uint32_t)v;
	cpu->gpr[R_DX] = v >> 32;
}

void soft_wrmsr(struct soft_cpu *cpu)
{
	uint64_t v = (uint32_t)cpu->gpr[R_AX] |
		     ((uint64_t)(uint32_t)cpu->gpr[R_DX] << 32);

	if (cpu->cpl != 0 || cpu->mode == M_VM86)
		soft_raise(cpu, V_GP, 0);
	if (msr_set(cpu, (uint32_t)cpu->gpr[R_CX], v))
		soft_raise(cpu, V_GP, 0);
}
