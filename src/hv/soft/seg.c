/* SPDX-License-Identifier: MIT */
/*
 * Segments for the soft CPU: descriptor table reads, segment register
 * loads with the protected-mode checks, and the pieces far transfers,
 * interrupt delivery and IRET share (CS and SS checks, TSS stacks).
 *
 * Real mode and vm86 loads set selector and base (selector * 16); real
 * mode keeps the cached limit and attributes ("big real mode"), vm86
 * sets the 64 KiB, DPL 3 attributes the hardware gives it.
 */
#include "hv/soft/sys.h"

/* Linear addresses of system structures: 32 bits outside IA-32e mode;
 * non-canonical ones in IA-32e mode are a #GP(0). */
uint64_t sys_lin_sys(struct soft_cpu *cpu, uint64_t lin)
{
	if (!(cpu->efer & EFER_LMA))
		return lin & 0xffffffffu;
	if (!sys_canonical(lin))
		soft_raise(cpu, V_GP, 0);
	return lin;
}

/* Base and limit of the table `sel` points into; -1 for an unusable LDT. */
static int seg_table(struct soft_cpu *cpu, uint16_t sel, uint64_t *base,
		     uint32_t *limit)
{
	if (sel & 4) {
		if (!(cpu->ldtr.attr & SEG_A_P) || !(cpu->ldtr.sel & ~3u))
			return -1;
		*base = cpu->ldtr.base;
		*limit = cpu->ldtr.limit;
	} else {
		*base = cpu->gdtr.base;
		*limit = cpu->gdtr.limit;
	}
	return 0;
}

int sys_desc_read(struct soft_cpu *cpu, uint16_t sel, uint64_t *desc)
{
	uint64_t base;
	uint32_t limit;

	if (seg_table(cpu, sel, &base, &limit) || (uint32_t)(sel | 7) > limit)
		return -1;
	*desc = soft_read_lin(cpu, sys_lin_sys(cpu, base + (sel & ~7u)), 8, 1);
	return 0;
}

int sys_desc_read_hi(struct soft_cpu *cpu, uint16_t sel, uint64_t *hi)
{
	uint64_t base;
	uint32_t limit;

	if (seg_table(cpu, sel, &base, &limit) ||
	    (uint64_t)(sel | 7) + 8 > limit)
		return -1;
	*hi = soft_read_lin(cpu, sys_lin_sys(cpu, base + (sel & ~7u) + 8), 8,
			    1);
	return 0;
}

void sys_desc_set_bits(struct soft_cpu *cpu, uint16_t sel, uint64_t desc,
		       uint8_t bits)
{
	uint64_t base;
	uint32_t limit;
	uint8_t access = (uint8_t)(desc >> 40);

	if ((access & bits) == bits || seg_table(cpu, sel, &base, &limit))
		return;
	soft_write_lin(cpu, sys_lin_sys(cpu, base + (sel & ~7u) + 5), 1,
		       access | bits, 1);
}

void sys_desc_to_seg(uint64_t d, uint16_t sel, struct soft_seg *s)
{
	uint32_t limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));

	s->sel = sel;
	s->base = ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
	s->attr = (uint16_t)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 8));
	s->limit = (s->attr & SEG_A_G) ? (limit << 12) | 0xfff : limit;
}

void sys_seg_real(struct soft_cpu *cpu, int sreg, uint16_t sel)
{
	struct soft_seg *s = &cpu->seg[sreg];

	s->sel = sel;
	s->base = (uint64_t)sel << 4;
	if (cpu->mode == M_VM86) {
		s->limit = 0xffff;
		s->attr = sreg == S_CS ? 0xfb : 0xf3;
	}
}

/* #GP/#SS/#NP with the selector's error code. */
static __attribute__((noreturn)) void seg_fault(struct soft_cpu *cpu,
						unsigned vec, uint16_t sel)
{
	soft_raise(cpu, vec, sel & 0xfffc);
}

static int seg_is_code(uint64_t d)
{
	return ((d >> 43) & 1) != 0;
}

static int seg_dpl(uint64_t d)
{
	return (int)((d >> 45) & 3);
}

uint64_t sys_check_ss(struct soft_cpu *cpu, uint16_t sel, unsigned cpl,
		      unsigned vec)
{
	uint64_t d;
	uint16_t a;

	if (!(sel & ~3u))
		soft_raise(cpu, vec, 0);
	if (sys_desc_read(cpu, sel, &d))
		seg_fault(cpu, vec, sel);
	a = (uint16_t)(d >> 40);
	if ((sel & 3u) != cpl || !(a & SEG_A_S) || (a & 0x8) || !(a & 0x2) ||
	    (unsigned)seg_dpl(d) != cpl)
		seg_fault(cpu, vec, sel);
	if (!(a & SEG_A_P))
		seg_fault(cpu, V_SS, sel);
	return d;
}

void soft_load_seg(struct soft_cpu *cpu, int sreg, uint16_t sel)
{
	struct soft_seg *s;
	unsigned cpl = cpu->cpl, rpl = sel & 3u;
	uint64_t d;
	uint16_t a;

	if (sreg < 0 || sreg >= S_NR || sreg == S_CS)
		soft_raise(cpu, V_UD, -1);
	s = &cpu->seg[sreg];
	if (cpu->mode == M_REAL || cpu->mode == M_VM86) {
		sys_seg_real(cpu, sreg, sel);
		return;
	}
	if (!(sel & ~3u)) {
		if (sreg == S_SS) {
			/* A null SS only in 64-bit mode below CPL 3. */
			if (cpu->mode != M_LONG64 || cpl == 3 || rpl != cpl)
				soft_raise(cpu, V_GP, 0);
			s->sel = sel;
			s->attr = (uint16_t)((cpl << 5) | 0x12);
			return;
		}
		/* Unusable; loading a null FS/GS clears its base as Intel
		 * CPUs do (we advertise GenuineIntel). */
		s->sel = sel;
		s->attr = 0;
		s->base = 0;
		s->limit = 0;
		return;
	}
	if (sys_desc_read(cpu, sel, &d))
		seg_fault(cpu, V_GP, sel);
	a = (uint16_t)(d >> 40);
	if (sreg == S_SS) {
		d = sys_check_ss(cpu, sel, cpl, V_GP);
	} else {
		if (!(a & SEG_A_S) || ((a & 0x8) && !(a & 0x2)))
			seg_fault(cpu, V_GP, sel);
		/* Data and non-conforming code: RPL and CPL <= DPL. */
		if ((a & 0xc) != 0xc &&
		    (rpl > (unsigned)seg_dpl(d) || cpl > (unsigned)seg_dpl(d)))
			seg_fault(cpu, V_GP, sel);
		if (!(a & SEG_A_P))
			seg_fault(cpu, V_NP, sel);
	}
	sys_desc_set_bits(cpu, sel, d, 0x01);
	sys_desc_to_seg(d | (1ull << 40), sel, s);
}

void sys_null_outer_segs(struct soft_cpu *cpu)
{
	static const int regs[] = { S_ES, S_DS, S_FS, S_GS };

	for (unsigned i = 0; i < 4; i++) {
		struct soft_seg *s = &cpu->seg[regs[i]];

		/* Data or non-conforming code the new CPL may not use. */
		if ((s->attr & 0xc) != 0xc &&
		    SEG_A_DPL(s->attr) < cpu->cpl) {
			s->sel = 0;
			s->attr = 0;
		}
	}
}

/*
 * Checks a code-segment descriptor for a transfer to `sel` that will run
 * at `new_cpl`, and the target offset, then builds the CS cache in *cs
 * (RPL and, for conforming code, the cached DPL = new_cpl, since CPL is
 * read from CS.DPL). Sets the accessed bit. #GP(sel)/#NP(sel)/#GP(0).
 */
void sys_cs_make(struct soft_cpu *cpu, uint16_t sel, uint64_t d,
		 unsigned new_cpl, uint64_t off, struct soft_seg *cs)
{
	uint16_t a = (uint16_t)(d >> 40);

	if (!(a & SEG_A_S) || !seg_is_code(d))
		seg_fault(cpu, V_GP, sel);
	if (!(a & SEG_A_P))
		seg_fault(cpu, V_NP, sel);
	/* In IA-32e mode, L and D together are reserved. */
	if ((cpu->efer & EFER_LMA) && (d & (1ull << 53)) && (d & (1ull << 54)))
		seg_fault(cpu, V_GP, sel);
	sys_desc_to_seg(d | (1ull << 40), (uint16_t)((sel & ~3u) | new_cpl),
			cs);
	cs->attr = (uint16_t)((cs->attr & ~0x60u) | (new_cpl << 5));
	if ((cpu->efer & EFER_LMA) && (cs->attr & SEG_A_L)) {
		if (!sys_canonical(off))
			soft_raise(cpu, V_GP, 0);
	} else if (off > cs->limit) {
		soft_raise(cpu, V_GP, 0);
	}
	sys_desc_set_bits(cpu, sel, d, 0x01);
}

/* Loads CS and RIP from a checked cache and recomputes the mode. */
void sys_cs_commit(struct soft_cpu *cpu, const struct soft_seg *cs,
		   uint64_t rip)
{
	cpu->seg[S_CS] = *cs;
	cpu->rip = rip;
	sys_mode_refresh(cpu);
}

/* The TSS's stack for ring `dpl` (32- or 16-bit TSS): #TS on limits. */
void sys_tss_stack(struct soft_cpu *cpu, unsigned dpl, uint16_t *ss,
		   uint64_t *sp)
{
	const struct soft_seg *tr = &cpu->tr;
	int t32 = (tr->attr & 0x8) != 0;
	uint32_t at = t32 ? 4 + 8 * dpl : 2 + 4 * dpl;
	unsigned w = t32 ? 4 : 2;

	if (!(tr->attr & SEG_A_P) || (uint64_t)at + 2 * w - 1 > tr->limit)
		seg_fault(cpu, V_TS, tr->sel);
	*sp = soft_read_lin(cpu, sys_lin_sys(cpu, tr->base + at), w, 1);
	*ss = (uint16_t)soft_read_lin(cpu, sys_lin_sys(cpu, tr->base + at + w),
				      2, 1);
}

/* A 64-bit TSS's RSPn (idx 0-2) or ISTn (idx 3 + n, n = 1-7): #TS. */
uint64_t sys_tss64_rsp(struct soft_cpu *cpu, unsigned idx)
{
	const struct soft_seg *tr = &cpu->tr;
	/* RSP0-2 at 4, 12, 20; IST1-7 at 36 + 8 * (n - 1). */
	uint32_t at = idx < 3 ? 4 + 8 * idx : 36 + 8 * (idx - 4);
	if (!(tr->attr & SEG_A_P) || (uint64_t)at + 7 > tr->limit)
		seg_fault(cpu, V_TS, tr->sel);
	return soft_read_lin(cpu, sys_lin_sys(cpu, tr->base + at), 8, 1);
}
