/* SPDX-License-Identifier: MIT */
/*
 * The control side of x87/SSE: the CR0.EM/MP/TS/NE and CR4.OSFXSR checks,
 * FWAIT, EMMS, FXSAVE/FXRSTOR (legacy and REX.W forms) and
 * LDMXCSR/STMXCSR. State in cpu->fxsave (layout in fpu.h).
 */
#include "hv/soft/fpu.h"

void soft_fpu_pending(struct soft_cpu *cpu)
{
	if ((fpu_get16(cpu, FX_FSW) & FSW_ES) && (cpu->cr0 & CR0_NE))
		soft_raise(cpu, V_MF, -1);
}

void soft_fpu_check_x87(struct soft_cpu *cpu, int waiting)
{
	if (cpu->cr0 & (CR0_EM | CR0_TS))
		soft_raise(cpu, V_NM, -1);
	if (waiting)
		soft_fpu_pending(cpu);
}

/* Before FXSAVE/FXRSTOR: #NM when EM or TS (no #UD for EM here). */
static void fpu_check_fx(struct soft_cpu *cpu)
{
	if (cpu->cr0 & (CR0_EM | CR0_TS))
		soft_raise(cpu, V_NM, -1);
}

/* Before LDMXCSR/STMXCSR (and every SSE instruction): #UD when EM or
 * OSFXSR is clear, then #NM when TS. */
static void fpu_check_sse(struct soft_cpu *cpu)
{
	if ((cpu->cr0 & CR0_EM) || !(cpu->cr4 & CR4_OSFXSR))
		soft_raise(cpu, V_UD, -1);
	if (cpu->cr0 & CR0_TS)
		soft_raise(cpu, V_NM, -1);
}

static unsigned fpu_tag_class(const uint8_t *r)
{
	uint64_t mant;
	uint16_t se;

	memcpy(&mant, r, 8);
	memcpy(&se, r + 8, 2);
	if ((se & 0x7fff) == 0x7fff)
		return 2;
	if ((se & 0x7fff) == 0)
		return mant ? 2 : 1;
	return (mant >> 63) ? 0 : 2;
}

uint16_t soft_fpu_full_tag(const struct soft_cpu *cpu)
{
	unsigned top = (fpu_get16(cpu, FX_FSW) >> 11) & 7;
	uint8_t abr = cpu->fxsave[FX_FTW];
	uint16_t ftw = 0;

	for (unsigned phys = 0; phys < 8; phys++) {
		unsigned st = (phys - top) & 7, t = 3;

		if (abr & (1u << phys))
			t = fpu_tag_class(cpu->fxsave + FX_ST0 + 16 * st);
		ftw |= (uint16_t)(t << (2 * phys));
	}
	return ftw;
}

uint8_t soft_fpu_abridged_tag(uint16_t ftw)
{
	uint8_t abr = 0;

	for (unsigned i = 0; i < 8; i++)
		if (((ftw >> (2 * i)) & 3) != 3)
			abr |= (uint8_t)(1u << i);
	return abr;
}

void soft_fpu_set_fsw(struct soft_cpu *cpu, uint16_t fsw)
{
	unsigned top = (fpu_get16(cpu, FX_FSW) >> 11) & 7;
	unsigned ntop = (fsw >> 11) & 7;
	uint8_t regs[128];

	/* The registers keep their contents: new ST(k) is physical
	 * register ntop + k, which was ST((ntop + k - top) & 7). */
	for (unsigned k = 0; k < 8; k++)
		memcpy(regs + 16 * k,
		       cpu->fxsave + FX_ST0 + 16 * ((ntop + k - top) & 7), 16);
	memcpy(cpu->fxsave + FX_ST0, regs, sizeof(regs));
	fpu_set16(cpu, FX_FSW, fsw);
}

void soft_fpu_init_x87(struct soft_cpu *cpu)
{
	soft_fpu_set_fsw(cpu, 0);
fpu_set16(cpu, FX_FCW, 0x037f);
	fpu_set16(cpu, FX_FSW, 0);
	cpu->fxsave[FX_FTW] = 0;
	fpu_set16(cpu, FX_FOP, 0);
	fpu_set64(cpu, FX_FIP, 0);
	fpu_set64(cpu, FX_FDP, 0);
}

void soft_fpu_fwait(struct soft_cpu *cpu, const struct soft_insn *in)
{
	(void)in;
	/* WAIT takes #NM only when both MP and TS are set. */
	if ((cpu->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
		soft_raise(cpu, V_NM, -1);
	soft_fpu_pending(cpu);
}

void soft_fpu_emms(struct soft_cpu *cpu, const struct soft_insn *in)
{
	(void)in;
	if (cpu->cr0 & CR0_EM)
		soft_raise(cpu, V_UD, -1);
	if (cpu->cr0 & CR0_TS)
		soft_raise(cpu, V_NM, -1);
	soft_fpu_pending(cpu);
	cpu->fxsave[FX_FTW] = 0;
}

/* The 512-byte area's linear address must be 16-byte aligned: #GP(0). */
static void fpu_fx_align(struct soft_cpu *cpu, const struct soft_insn *in,
			 uint64_t off, enum soft_access acc)
{
	if (soft_lin(cpu, in->seg, off, 512, acc) & 15)
		soft_raise(cpu, V_GP, 0);
}

/*
 * FXSAVE stores bytes 0-159 (control and x87), MXCSR and its mask, and
 * XMM0-7 (XMM0-15 in 64-bit mode); bytes 416-511 are left alone. The
 * non-REX.W form stores 32-bit FIP/FDP with FCS/FDS (kept as 0).
 */
void soft_fpu_fxsave(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t off = soft_ea(cpu, in);
	unsigned len = cpu->mode == M_LONG64 ? 416 : 288;
	uint8_t img[416];

	fpu_check_fx(cpu);
	fpu_fx_align(cpu, in, off, A_WRITE);
	memcpy(img, cpu->fxsave, len);
	fpu_set32(cpu, FX_MXCSR_MASK, FPU_MXCSR_MASK);
	memcpy(img + FX_MXCSR_MASK, cpu->fxsave + FX_MXCSR_MASK, 4);
	if (!(in->rex & 8)) {
		memset(img + FX_FIP + 4, 0, 4);
		memset(img + FX_FDP + 4, 0, 4);
	}
	soft_write_buf(cpu, in->seg, off, img, len);
}

void soft_fpu_fxrstor(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t off = soft_ea(cpu, in);
	unsigned len = cpu->mode == M_LONG64 ? 416 : 288;
	uint8_t img[416];
	uint32_t mxcsr;

	fpu_check_fx(cpu);
	fpu_fx_align(cpu, in, off, A_READ);
	soft_read_buf(cpu, in->seg, off, img, len);
	memcpy(&mxcsr, img + FX_MXCSR, 4);
	if (mxcsr & ~FPU_MXCSR_MASK)
		soft_raise(cpu, V_GP, 0);
	if (!(in->rex & 8)) {
		/* 32-bit FIP/FDP; the selectors beside them are dropped. */
		memset(img + FX_FIP + 4, 0, 4);
		memset(img + FX_FDP + 4, 0, 4);
	}
	/* FOP is 11 bits; the reserved bytes of each ST slot read as 0. */
	img[FX_FOP + 1] &= 7;
	img[FX_FCW] |= 0x40;	/* reads as 1, as FLDCW leaves it */
	img[FX_FCW + 1] &= 0x1f;
	img[5] = 0;
	for (unsigned i = 0; i < 8; i++)
		memset(img + FX_ST0 + 16 * i + 10, 0, 6);
	memcpy(cpu->fxsave, img, len);
	fpu_set32(cpu, FX_MXCSR_MASK, FPU_MXCSR_MASK);
}

void soft_fpu_ldmxcsr(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint32_t v;

	fpu_check_sse(cpu);
	v = (uint32_t)soft_read(cpu, in->seg, soft_ea(cpu, in), 4);
	if (v & ~FPU_MXCSR_MASK)
		soft_raise(cpu, V_GP, 0);
	fpu_set32(cpu, FX_MXCSR, v);
}

void soft_fpu_stmxcsr(struct soft_cpu *cpu, const struct soft_insn *in)
{
	fpu_check_sse(cpu);
	soft_write(cpu, in->seg, soft_ea(cpu, in), 4,
		   fpu_get32(cpu, FX_MXCSR));
}
