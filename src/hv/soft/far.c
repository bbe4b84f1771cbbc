/* SPDX-License-Identifier: MIT */
/*
 * Far JMP, CALL and RET for the soft CPU: real mode and vm86, protected
 * mode with conforming and non-conforming code, call gates (16-, 32- and
 * 64-bit; far CALL through a gate to an inner ring switches to the TSS's
 * stack and copies the gate's parameters), and RETF to an outer ring.
 *
 * Not supported: task switches (JMP/CALL to a TSS or a task gate raise
 * #GP(selector)).
 */
#include "hv/soft/sys.h"

static __attribute__((noreturn)) void far_fault(struct soft_cpu *cpu,
						unsigned vec, uint16_t sel)
{
	soft_raise(cpu, vec, sel & 0xfffc);
}

static uint64_t far_mask(unsigned osz)
{
	return osz == 8 ? ~(uint64_t)0 : osz == 4 ? 0xffffffffu : 0xffffu;
}

/* Real mode and vm86: CS = sel, base sel*16; IP checked to the limit. */
static void far_real(struct soft_cpu *cpu, uint16_t sel, uint64_t off)
{
	if (off > cpu->seg[S_CS].limit)
		soft_raise(cpu, V_GP, 0);
	sys_seg_real(cpu, S_CS, sel);
	cpu->rip = off;
}

/* A gate as JMP/CALL read it: target selector, offset, parameters. */
struct far_gate {
	uint16_t sel;
	uint64_t off;
	unsigned size;	 /* 2, 4 or 8 */
	unsigned params; /* dword/word count to copy (legacy gates) */
};

/* Reads a call gate at `sel` (descriptor `d`); #GP/#NP. */
static void far_gate_read(struct soft_cpu *cpu, uint16_t sel, uint64_t d,
			  struct far_gate *g)
{
	unsigned type = (unsigned)(d >> 40) & 0xf;
	unsigned dpl = (unsigned)(d >> 45) & 3;

	if (cpu->efer & EFER_LMA) {
		uint64_t hi;

		if (type != 0xc || sys_desc_read_hi(cpu, sel, &hi) ||
		    ((hi >> 40) & 0x1f))
			far_fault(cpu, V_GP, sel);
		g->size = 8;
		g->off = (d & 0xffff) | ((d >> 32) & 0xffff0000u) | (hi << 32);
		g->params = 0;
	} else if (type == 0x4 || type == 0xc) {
		g->size = type == 0xc ? 4 : 2;
		g->off = (d & 0xffff) |
			 (g->size == 4 ? ((d >> 32) & 0xffff0000u) : 0);
		g->params = (unsigned)(d >> 32) & 0x1f;
	} else {
		/* TSS or task gate: task switches are not supported. */
		far_fault(cpu, V_GP, sel);
	}
	if (dpl < cpu->cpl || dpl < (sel & 3u))
		far_fault(cpu, V_GP, sel);
	if (!((d >> 47) & 1))
		far_fault(cpu, V_NP, sel);
	g->sel = (uint16_t)(d >> 16);
}

/* The target code descriptor of a gate, checked for presence and kind. */
static uint64_t far_gate_target(struct soft_cpu *cpu, const struct far_gate *g)
{
	uint64_t d;

	if (!(g->sel & ~3u))
		soft_raise(cpu, V_GP, 0);
	if (sys_desc_read(cpu, g->sel, &d))
		far_fault(cpu, V_GP, g->sel);
	if (!((d >> 44) & 1) || !((d >> 43) & 1) ||
	    ((unsigned)(d >> 45) & 3) > cpu->cpl)
		far_fault(cpu, V_GP, g->sel);
	/* IA-32e gates lead to 64-bit code only. */
	if ((cpu->efer & EFER_LMA) &&
	    (!((d >> 53) & 1) || ((d >> 54) & 1)))
		far_fault(cpu, V_GP, g->sel);
	return d;
}

/* Checks a direct code target (no gate) for JMP/CALL; the CS cache. */
static void far_direct(struct soft_cpu *cpu, uint16_t sel, uint64_t d,
		       uint64_t off, struct soft_seg *cs)
{
	unsigned dpl = (unsigned)(d >> 45) & 3;

	if (!((d >> 43) & 1))
		far_fault(cpu, V_GP, sel);
	if ((d >> 42) & 1) {
		if (dpl > cpu->cpl)
			far_fault(cpu, V_GP, sel);
	} else if ((sel & 3u) > cpu->cpl || dpl != cpu->cpl) {
		far_fault(cpu, V_GP, sel);
	}
	sys_cs_make(cpu, sel, d, cpu->cpl, off, cs);
}

/* The descriptor of a protected-mode far target: #GP(0) or #GP(sel). */
static uint64_t far_desc(struct soft_cpu *cpu, uint16_t sel)
{
	uint64_t d;

	if (!(sel & ~3u))
		soft_raise(cpu, V_GP, 0);
	if (sys_desc_read(cpu, sel, &d))
		far_fault(cpu, V_GP, sel);
	return d;
}

void soft_far_jmp(struct soft_cpu *cpu, uint16_t sel, uint64_t off,
		  unsigned osz)
{
	struct soft_seg cs;
	struct far_gate g;
	uint64_t d;

	off &= far_mask(osz);
	if (cpu->mode == M_REAL || cpu->mode == M_VM86) {
		far_real(cpu, sel, off);
		return;
	}
	d = far_desc(cpu, sel);
	if ((d >> 44) & 1) {
		far_direct(cpu, sel, d, off, &cs);
		sys_cs_commit(cpu, &cs, off);
		return;
	}
	far_gate_read(cpu, sel, d, &g);
	d = far_gate_target(cpu, &g);
	/* JMP through a gate never changes privilege. */
	if (!((d >> 42) & 1) && ((unsigned)(d >> 45) & 3) != cpu->cpl)
		far_fault(cpu, V_GP, g.sel);
	sys_cs_make(cpu, g.sel, d, cpu->cpl, g.off, &cs);
	sys_cs_commit(cpu, &cs, g.off);
}

/* CALL through a gate to an inner ring: the TSS's stack, then the old
 * SS:SP, the parameters, CS:IP. */
static void far_call_inner(struct soft_cpu *cpu, const struct far_gate *g,
			   uint64_t d)
{
	unsigned dpl = (unsigned)(d >> 45) & 3;
	struct sys_stack old, nw;
	struct soft_seg cs;
	uint16_t ss_sel;
	uint64_t sp, ss_desc = 0;

	sys_stk_cur(cpu, &old);
	nw = (struct sys_stack){ .sys = 1, .prot = 1 };
	if (cpu->efer & EFER_LMA) {
		sp = sys_tss64_rsp(cpu, dpl);
		ss_sel = (uint16_t)dpl;
		nw.lm = 1;
		nw.ssize = 8;
	} else {
		sys_tss_stack(cpu, dpl, &ss_sel, &sp);
		ss_desc = sys_check_ss(cpu, ss_sel, dpl, V_TS);
		sys_desc_to_seg(ss_desc, ss_sel, &nw.ss);
		nw.ssize = (nw.ss.attr & SEG_A_DB) ? 4 : 2;
		nw.err = ss_sel & 0xfffc;
	}
	nw.sp = sp;
	sys_cs_make(cpu, g->sel, d, dpl, g->off, &cs);
	sys_stk_push(cpu, &nw, g->size, cpu->seg[S_SS].sel);
	sys_stk_push(cpu, &nw, g->size, cpu->gpr[R_SP]);
	if (g->params) {
		/* Parameters come from the old stack, highest first. */
		uint64_t base = old.sp;

		for (unsigned i = g->params; i-- > 0;) {
			old.sp = base + i * g->size;
			sys_stk_push(cpu, &nw, g->size,
				     sys_stk_pop(cpu, &old, g->size));
		}
	}
	sys_stk_push(cpu, &nw, g->size, cpu->seg[S_CS].sel);
	sys_stk_push(cpu, &nw, g->size, cpu->rip);
	if (cpu->efer & EFER_LMA) {
		cpu->seg[S_SS].sel = ss_sel;
		cpu->seg[S_SS].attr = (uint16_t)((dpl << 5) | 0x12);
		cpu->gpr[R_SP] = nw.sp;
	} else {
		sys_desc_set_bits(cpu, ss_sel, ss_desc, 0x01);
		cpu->seg[S_SS] = nw.ss;
		cpu->gpr[R_SP] = nw.ssize == 4 ? nw.sp & 0xffffffffu
						: (cpu->gpr[R_SP] & ~0xffffull) |
							  (nw.sp & 0xffff);
	}
	sys_cs_commit(cpu, &cs, g->off);
}

void soft_far_call(struct soft_cpu *cpu, uint16_t sel, uint64_t off,
		   unsigned osz)
{
	struct sys_stack st;
	struct soft_seg cs;
	struct far_gate g;
	uint64_t d;

	off &= far_mask(osz);
	sys_stk_cur(cpu, &st);
	if (cpu->mode == M_REAL || cpu->mode == M_VM86) {
		sys_stk_push(cpu, &st, osz, cpu->seg[S_CS].sel);
		sys_stk_push(cpu, &st, osz, cpu->rip);
		far_real(cpu, sel, off);
		sys_stk_commit(cpu, &st);
		return;
	}
	d = far_desc(cpu, sel);
	if ((d >> 44) & 1) {
		far_direct(cpu, sel, d, off, &cs);
		sys_stk_push(cpu, &st, osz, cpu->seg[S_CS].sel);
		sys_stk_push(cpu, &st, osz, cpu->rip);
		sys_stk_commit(cpu, &st);
		sys_cs_commit(cpu, &cs, off);
		return;
	}
	far_gate_read(cpu, sel, d, &g);
	d = far_gate_target(cpu, &g);
	if (!((d >> 42) & 1) && ((unsigned)(d >> 45) & 3) < cpu->cpl) {
		far_call_inner(cpu, &g, d);
		return;
	}
	sys_cs_make(cpu, g.sel, d, cpu->cpl, g.off, &cs);
	sys_stk_push(cpu, &st, g.size, cpu->seg[S_CS].sel);
	sys_stk_push(cpu, &st, g.size, cpu->rip);
	sys_stk_commit(cpu, &st);
	sys_cs_commit(cpu, &cs, g.off);
}

void soft_far_ret(struct soft_cpu *cpu, unsigned osz, uint16_t pop_bytes)
{
	struct sys_stack st;
	struct soft_seg cs;
	uint64_t rip, d;
	uint16_t sel;
	unsigned rpl, dpl;

	sys_stk_cur(cpu, &st);
	rip = sys_stk_pop(cpu, &st, osz);
	sel = (uint16_t)sys_stk_pop(cpu, &st, osz);
	if (cpu->mode == M_REAL || cpu->mode == M_VM86) {
		far_real(cpu, sel, rip);
		sys_stk_skip(&st, pop_bytes);
		sys_stk_commit(cpu, &st);
		return;
	}
	d = far_desc(cpu, sel);
	rpl = sel & 3u;
	dpl = (unsigned)(d >> 45) & 3;
	if (rpl < cpu->cpl || !((d >> 44) & 1) || !((d >> 43) & 1))
		far_fault(cpu, V_GP, sel);
	if ((d >> 42) & 1 ? dpl > rpl : dpl != rpl)
		far_fault(cpu, V_GP, sel);
	if (rpl == cpu->cpl) {
		sys_cs_make(cpu, sel, d, rpl, rip, &cs);
		sys_stk_skip(&st, pop_bytes);
		sys_stk_commit(cpu, &st);
		sys_cs_commit(cpu, &cs, rip);
		return;
	}

	/* To an outer ring: the caller's SS:SP follow the parameters. */
	struct soft_seg ss = { 0 };
	uint64_t sp, ss_desc = 0;
	uint16_t ss_sel;

	sys_stk_skip(&st, pop_bytes);
	sp = sys_stk_pop(cpu, &st, osz);
	ss_sel = (uint16_t)sys_stk_pop(cpu, &st, osz);
	sys_cs_make(cpu, sel, d, rpl, rip, &cs);
	if ((cpu->efer & EFER_LMA) && (cs.attr & SEG_A_L) && !(ss_sel & ~3u) &&
	    rpl < 3) {
		ss.sel = ss_sel;
		ss.attr = (uint16_t)((rpl << 5) | 0x12);
	} else {
		ss_desc = sys_check_ss(cpu, ss_sel, rpl, V_GP);
		sys_desc_set_bits(cpu, ss_sel, ss_desc, 0x01);
		sys_desc_to_seg(ss_desc | (1ull << 40), ss_sel, &ss);
	}
	cpu->seg[S_SS] = ss;
	sys_cs_commit(cpu, &cs, rip);
	/* The new stack's width decides how much of RSP is written. */
	st.ss = ss;
	st.ssize = sys_stack_size(cpu, &ss);
	st.sp = sp + pop_bytes;
	cpu->gpr[R_SP] = st.ssize == 2 ? (cpu->gpr[R_SP] & ~0xffffull) |
						 (st.sp & 0xffff)
			 : st.ssize == 4 ? st.sp & 0xffffffffu
					 : st.sp;
	sys_null_outer_segs(cpu);
}
