/* SPDX-License-Identifier: MIT */
/*
 * Descriptor instructions of the soft CPU: LLDT and LTR (which marks the
 * TSS busy), and the probes LAR, LSL, VERR and VERW (ZF through
 * soft_set_zf; the value returned is ZF too). SLDT and STR are the core's
 * (they only read cpu->ldtr.sel / cpu->tr.sel).
 */
#include "hv/soft/sys.h"

static void desc_prot_cpl0(struct soft_cpu *cpu)
{
	if (cpu->mode == M_REAL || cpu->mode == M_VM86)
		soft_raise(cpu, V_UD, -1);
	if (cpu->cpl != 0)
		soft_raise(cpu, V_GP, 0);
}

/* A system descriptor from the GDT, with the 16-byte form's upper base
 * in IA-32e mode: #GP(sel) when absent or in the LDT. */
static uint64_t desc_sys_load(struct soft_cpu *cpu, uint16_t sel,
			      struct soft_seg *s)
{
	uint64_t d, hi = 0;

	if ((sel & 4) || sys_desc_read(cpu, sel, &d))
		soft_raise(cpu, V_GP, sel & 0xfffc);
	if (cpu->efer & EFER_LMA) {
		if (sys_desc_read_hi(cpu, sel, &hi) || ((hi >> 40) & 0x1f))
			soft_raise(cpu, V_GP, sel & 0xfffc);
	}
	sys_desc_to_seg(d, sel, s);
	if (cpu->efer & EFER_LMA) {
		s->base |= hi << 32;
		if (!sys_canonical(s->base))
			soft_raise(cpu, V_GP, sel & 0xfffc);
	}
	return d;
}

void soft_lldt(struct soft_cpu *cpu, uint16_t sel)
{
	struct soft_seg s;

	desc_prot_cpl0(cpu);
	if (!(sel & ~3u)) {
		cpu->ldtr = (struct soft_seg){ .sel = sel };
		return;
	}
	desc_sys_load(cpu, sel, &s);
	if ((s.attr & 0x1f) != 0x02)
		soft_raise(cpu, V_GP, sel & 0xfffc);
	if (!(s.attr & SEG_A_P))
		soft_raise(cpu, V_NP, sel & 0xfffc);
	cpu->ldtr = s;
}

void soft_ltr(struct soft_cpu *cpu, uint16_t sel)
{
	struct soft_seg s;
	uint64_t d;
	unsigned type;

	desc_prot_cpl0(cpu);
	if (!(sel & ~3u))
		soft_raise(cpu, V_GP, 0);
	d = desc_sys_load(cpu, sel, &s);
	type = s.attr & 0x1f;
	/* An available TSS: 32/64-bit (9), or 16-bit (1) outside IA-32e. */
	if (type != 0x09 && (type != 0x01 || (cpu->efer & EFER_LMA)))
		soft_raise(cpu, V_GP, sel & 0xfffc);
	if (!(s.attr & SEG_A_P))
		soft_raise(cpu, V_NP, sel & 0xfffc);
	sys_desc_set_bits(cpu, sel, d, 0x02);
	s.attr |= 0x02;
	cpu->tr = s;
}

/*
 * The descriptor `sel` names if LAR/LSL/VERR/VERW may see it at this CPL
 * and RPL: 0, or -1 (ZF = 0). `types` is a bitmap of the system types
 * the instruction accepts.
 */
static int desc_probe(struct soft_cpu *cpu, uint16_t sel, uint32_t types,
		      uint64_t *d)
{
	unsigned a, dpl;

	if (cpu->mode == M_REAL || cpu->mode == M_VM86)
		soft_raise(cpu, V_UD, -1);
	if (!(sel & ~3u) || sys_desc_read(cpu, sel, d))
		return -1;
	a = (unsigned)(*d >> 40) & 0xff;
	dpl = (a >> 5) & 3;
	if (!(a & SEG_A_S) && !((types >> (a & 0xf)) & 1))
		return -1;
	/* Conforming code is visible from any privilege. */
	if ((a & 0x1c) != 0x1c && (dpl < cpu->cpl || dpl < (sel & 3u)))
		return -1;
	return 0;
}

/* System types LAR accepts (IA-32e: LDT and the 64-bit TSS and gate). */
#define LAR_TYPES_LEGACY 0x1a3eu /* 1 2 3 4 5 9 b c */
#define LAR_TYPES_LONG 0x1a04u	 /* 2 9 b c */
#define LSL_TYPES_LEGACY 0x0a0eu /* 1 2 3 9 b */
#define LSL_TYPES_LONG 0x0a04u	 /* 2 9 b */

int soft_lar_lsl(struct soft_cpu *cpu, int lsl, uint16_t sel, uint64_t *out)
{
	int lm = !!(cpu->efer & EFER_LMA);
	uint32_t types = lsl ? (lm ? LSL_TYPES_LONG : LSL_TYPES_LEGACY)
			     : (lm ? LAR_TYPES_LONG : LAR_TYPES_LEGACY);
	struct soft_seg s;
	uint64_t d;

	if (desc_probe(cpu, sel, types, &d)) {
		soft_set_zf(cpu, 0);
		return 0;
	}
	if (lsl) {
		sys_desc_to_seg(d, sel, &s);
		*out = s.limit;
	} else {
		/* Bits 19:16 are undefined in the SDM; Intel CPUs return the
		 * limit bits there, and so do we. */
		*out = (d >> 32) & 0x00ffff00u;
	}
	soft_set_zf(cpu, 1);
	return 1;
}

int soft_verr_verw(struct soft_cpu *cpu, int write, uint16_t sel)
{
	uint64_t d;
	unsigned a;
	int ok;

	if (desc_probe(cpu, sel, 0, &d)) {
		soft_set_zf(cpu, 0);
		return 0;
	}
	a = (unsigned)(d >> 40) & 0xff;
	if (write)
		ok = !(a & 0x8) && (a & 0x2); /* writable data */
	else
		ok = !(a & 0x8) || (a & 0x2); /* data or readable code */
	soft_set_zf(cpu, ok);
	return ok;
}
