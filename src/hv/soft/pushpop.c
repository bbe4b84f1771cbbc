/* SPDX-License-Identifier: MIT */
/*
 * Stack instructions: PUSH/POP in every form, PUSHA/POPA, PUSHF/POPF with the
 * privilege rules for IF/IOPL, ENTER/LEAVE. Every write happens at a
 * computed address before RSP changes, so a fault leaves RSP intact.
 */
#include "hv/soft/alu.h"
#include "hv/soft/ops.h"

unsigned soft_stack_width(const struct soft_cpu *cpu)
{
	if (cpu->mode == M_LONG64)
		return 8;
	return (cpu->seg[S_SS].attr & SEG_A_DB) ? 4 : 2;
}

/* RSP = v within the stack width (a 16-bit stack keeps SP's top). */
static void stack_set_sp(struct soft_cpu *cpu, unsigned w, uint64_t v)
{
	soft_reg_set(cpu, R_SP, w, v);
}

void soft_stack_push(struct soft_cpu *cpu, unsigned size, uint64_t v)
{
	unsigned w = soft_stack_width(cpu);
	uint64_t sp = (cpu->gpr[R_SP] - size) & soft_size_mask(w);

	soft_write(cpu, S_SS, sp, size, v);
	stack_set_sp(cpu, w, sp);
}

uint64_t soft_stack_peek(struct soft_cpu *cpu, unsigned size, unsigned n)
{
	unsigned w = soft_stack_width(cpu);

	return soft_read(cpu, S_SS,
			 (cpu->gpr[R_SP] + (uint64_t)n * size) &
				 soft_size_mask(w), size);
}

void soft_stack_push_e(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_stack_push(cpu, in->osz, soft_e_read(cpu, in, in->osz));
}

void soft_stack_push_i(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_stack_push(cpu, in->osz, in->imm);
}

void soft_stack_pop_e(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, w = soft_stack_width(cpu);
	uint64_t v = soft_stack_peek(cpu, s, 0);
	uint64_t old = cpu->gpr[R_SP], off;

	if (in->mod == 3) {
		stack_set_sp(cpu, w, old + s);
		soft_reg_set(cpu, in->rm, s, v);
		return;
	}
	/* A memory destination based on RSP sees the incremented RSP. */
	stack_set_sp(cpu, w, old + s);
	off = soft_ea(cpu, in);
	cpu->gpr[R_SP] = old;
	soft_write(cpu, in->seg, off, s, v);
	stack_set_sp(cpu, w, old + s);
}

void soft_stack_push_sreg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_stack_push(cpu, in->osz, cpu->seg[in->sub].sel);
}

void soft_stack_pop_sreg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned w = soft_stack_width(cpu);
	uint16_t sel = (uint16_t)soft_stack_peek(cpu, in->osz, 0);

	soft_load_seg(cpu, in->sub, sel);
	stack_set_sp(cpu, w, cpu->gpr[R_SP] + in->osz);
	if (in->sub == S_SS)
		cpu->shadow = 1;
}

void soft_stack_pusha(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, w = soft_stack_width(cpu);
	uint64_t m = soft_size_mask(w), sp = cpu->gpr[R_SP];

	for (unsigned r = R_AX; r <= R_DI; r++) {
		sp = (sp - s) & m;
		soft_write(cpu, S_SS, sp, s, cpu->gpr[r]);
	}
	stack_set_sp(cpu, w, sp);
}

void soft_stack_popa(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, w = soft_stack_width(cpu);
	uint64_t m = soft_size_mask(w), sp = cpu->gpr[R_SP], v[8];

	for (int r = R_DI; r >= R_AX; r--) {
		v[r] = soft_read(cpu, S_SS, sp & m, s);
		sp += s;
	}
	for (unsigned r = R_AX; r <= R_DI; r++)
		if (r != R_SP)
			soft_reg_set(cpu, r, s, v[r]);
	stack_set_sp(cpu, w, sp);
}

void soft_stack_pushf(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t f;

	if (cpu->mode == M_VM86 && ((cpu->rflags & F_IOPL) >> 12) < 3)
		soft_raise(cpu, V_GP, 0);
	/* The image has VM and RF clear. */
	f = soft_get_rflags(cpu) & ~(uint64_t)(F_VM | F_RF);
	soft_stack_push(cpu, in->osz, f);
}

void soft_stack_popf(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned iopl = (cpu->rflags & F_IOPL) >> 12, w;
	uint64_t v, old, mask;

	if (cpu->mode == M_VM86 && iopl < 3)
		soft_raise(cpu, V_GP, 0);
	v = soft_stack_peek(cpu, in->osz, 0);
	mask = F_ARITH | F_TF | F_DF | F_NT;
	if (in->osz > 2)
		mask |= F_AC | F_ID;
	/* IF only where CPL <= IOPL; IOPL only at CPL 0 (not in vm86). */
	if (cpu->mode == M_REAL || (cpu->mode != M_VM86 && cpu->cpl <= iopl) ||
	    cpu->mode == M_VM86)
		mask |= F_IF;
	if (cpu->mode == M_REAL || (cpu->mode != M_VM86 && cpu->cpl == 0))
		mask |= F_IOPL;
	old = soft_get_rflags(cpu);
	w = soft_stack_width(cpu);
	soft_set_rflags(cpu, ((old & ~mask) | (v & mask)) & ~(uint64_t)F_RF);
	stack_set_sp(cpu, w, cpu->gpr[R_SP] + in->osz);
}

void soft_stack_enter(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, w = soft_stack_width(cpu);
	unsigned level = in->imm2 & 31;
	uint64_t m = soft_size_mask(w);
	uint64_t sp = cpu->gpr[R_SP], bp = cpu->gpr[R_BP], frame;

	sp = (sp - s) & m;
	soft_write(cpu, S_SS, sp, s, bp);
	frame = sp;
	if (level) {
		for (unsigned i = 1; i < level; i++) {
			bp = (bp - s) & m;
			sp = (sp - s) & m;
			soft_write(cpu, S_SS, sp, s,
				   soft_read(cpu, S_SS, bp, s));
		}
		sp = (sp - s) & m;
		soft_write(cpu, S_SS, sp, s, frame);
	}
	sp = (sp - in->imm) & m;
	/* The frame's lowest byte must be writable (the SDM checks it
	 * before changing anything). */
	if (in->imm)
		soft_lin(cpu, S_SS, sp, 1, A_WRITE);
	soft_reg_set(cpu, R_BP, s, frame);
	stack_set_sp(cpu, w, sp);
}

void soft_stack_leave(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, w = soft_stack_width(cpu);
	uint64_t sp = cpu->gpr[R_BP] & soft_size_mask(w);
	uint64_t v = soft_read(cpu, S_SS, sp, s);

	stack_set_sp(cpu, w, sp + s);
	soft_reg_set(cpu, R_BP, s, v);
}
