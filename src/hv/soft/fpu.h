/* SPDX-License-Identifier: MIT */
/*
 * x87/MMX/SSE state and the checks every floating-point instruction
 * makes first. The state is cpu->fxsave, kept in the 64-bit FXSAVE
 * layout (FIP and FDP as 64-bit offsets; FCS/FDS are not kept, as on
 * CPUs that deprecate them) with the x87 registers in ST(i) order, so
 * FXSAVE is a copy and the host's FXRSTOR can load it as it is.
 * Private to the soft CPU.
 */
#ifndef SAFEPC_HV_SOFT_FPU_H
#define SAFEPC_HV_SOFT_FPU_H

#include <stdint.h>
#include <string.h>

#include "hv/soft/decode.h"

/* Offsets in the FXSAVE image. */
#define FX_FCW 0
#define FX_FSW 2
#define FX_FTW 4	/* abridged: one bit per physical register */
#define FX_FOP 6
#define FX_FIP 8
#define FX_FDP 16
#define FX_MXCSR 24
#define FX_MXCSR_MASK 28
#define FX_ST0 32	/* ST(i) at 32 + 16 * i */
#define FX_XMM0 160	/* XMMi at 160 + 16 * i */

/* MXCSR bits that may be set (DAZ included): what MXCSR_MASK reports. */
#define FPU_MXCSR_MASK 0xffffu

/* FSW bits. */
#define FSW_IE 0x0001u
#define FSW_EXC 0x003fu	 /* IE DE ZE OE UE PE */
#define FSW_SF 0x0040u
#define FSW_ES 0x0080u
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_TOP 0x3800u
#define FSW_C3 0x4000u
#define FSW_B 0x8000u

static inline uint16_t fpu_get16(const struct soft_cpu *cpu, unsigned off)
{
	uint16_t v;

	memcpy(&v, cpu->fxsave + off, 2);
	return v;
}

static inline void fpu_set16(struct soft_cpu *cpu, unsigned off, uint16_t v)
{
	memcpy(cpu->fxsave + off, &v, 2);
}

static inline uint32_t fpu_get32(const struct soft_cpu *cpu, unsigned off)
{
	uint32_t v;

	memcpy(&v, cpu->fxsave + off, 4);
	return v;
}

static inline void fpu_set32(struct soft_cpu *cpu, unsigned off, uint32_t v)
{
	memcpy(cpu->fxsave + off, &v, 4);
}

static inline void fpu_set64(struct soft_cpu *cpu, unsigned off, uint64_t v)
{
	memcpy(cpu->fxsave + off, &v, 8);
}

static inline uint64_t fpu_get64(const struct soft_cpu *cpu, unsigned off)
{
	uint64_t v;

	memcpy(&v, cpu->fxsave + off, 8);
	return v;
}

/* The checks before an x87 instruction: #NM when CR0.EM or CR0.TS; then,
 * for a waiting one, #MF on a pending unmasked exception. */
void soft_fpu_check_x87(struct soft_cpu *cpu, int waiting);
/* Raises #MF when an unmasked x87 exception is pending and CR0.NE is
 * set (with NE clear the FERR# line is not modelled: it is ignored, as
 * with IGNNE# asserted). */
void soft_fpu_pending(struct soft_cpu *cpu);
/* The 16-bit full tag word computed from the abridged one and the
 * register contents (FNSTENV/FNSAVE). */
uint16_t soft_fpu_full_tag(const struct soft_cpu *cpu);
/* The abridged tag from a full tag word (FLDENV/FRSTOR). */
uint8_t soft_fpu_abridged_tag(uint16_t ftw);
/* Sets FSW; a new TOP renames the registers (ST(i) order moves). */
void soft_fpu_set_fsw(struct soft_cpu *cpu, uint16_t fsw);
/* FNINIT's state: FCW 0x037f, FSW 0, all empty, pointers 0. */
void soft_fpu_init_x87(struct soft_cpu *cpu);

/* fpu.c: 9B, 0F 77, 0F AE /0-/3 */
soft_handler_fn soft_fpu_fwait, soft_fpu_emms, soft_fpu_fxsave,
	soft_fpu_fxrstor, soft_fpu_ldmxcsr, soft_fpu_stmxcsr;
/* x87env.c: FNCLEX; the memory control forms: which = D9 /4-/7
 * (FLDENV FLDCW FNSTENV FNSTCW), or 8 | DD /4 /6 /7 (FRSTOR FNSAVE
 * FNSTSW m16). */
void soft_x87_fnclex(struct soft_cpu *cpu);
void soft_x87_env_op(struct soft_cpu *cpu, const struct soft_insn *in,
		     unsigned which);
/* x87.c: D8-DF */
soft_handler_fn soft_x87_exec;

#endif
