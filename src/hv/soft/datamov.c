/* SPDX-License-Identifier: MIT */
/*
 * Data movement: MOV in its forms, MOVZX/MOVSX/MOVSXD, LEA, CMOVcc,
 * SETcc, XLAT, segment register moves and far pointer loads, BOUND,
 * ARPL and NOP.
 */
#include "hv/soft/alu.h"
#include "hv/soft/ops.h"

void soft_dmov_mov_eg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_e_write(cpu, in, in->osz, soft_reg_get(cpu, in->reg, in->osz));
}

void soft_dmov_mov_ge(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_reg_set(cpu, in->reg, in->osz, soft_e_read(cpu, in, in->osz));
}

void soft_dmov_mov_ei(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_e_write(cpu, in, in->osz, in->imm);
}

/* MOV AL/eAX <-> moffs (sub 0: load, 1: store). */
void soft_dmov_moffs(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t off = (uint64_t)in->disp & in->amask;

	if (in->sub)
		soft_write(cpu, in->seg, off, in->osz,
			   soft_reg_get(cpu, R_AX, in->osz));
	else
		soft_reg_set(cpu, R_AX, in->osz,
			     soft_read(cpu, in->seg, off, in->osz));
}

void soft_dmov_movzx(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned ss = in->op == 0x1b6 ? 1 : 2;

	soft_reg_set(cpu, in->reg, in->osz, soft_e_read(cpu, in, ss));
}

void soft_dmov_movsx(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned ss = in->op == 0x1be ? 1 : 2;

	soft_reg_set(cpu, in->reg, in->osz,
		     soft_sext(soft_e_read(cpu, in, ss), ss));
}

void soft_dmov_movsxd(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t v = soft_e_read(cpu, in, in->osz == 8 ? 4 : in->osz);

	soft_reg_set(cpu, in->reg, in->osz, in->osz == 8 ? soft_sext(v, 4) : v);
}

void soft_dmov_lea(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_reg_set(cpu, in->reg, in->osz, soft_ea(cpu, in));
}

void soft_dmov_cmov(struct soft_cpu *cpu, const struct soft_insn *in)
{
	/* The source is read (and may fault) even when not moved; a
	 * 32-bit CMOV zero-extends its destination either way. */
	uint64_t v = soft_e_read(cpu, in, in->osz);

	if (soft_cond(cpu, in->sub))
		soft_reg_set(cpu, in->reg, in->osz, v);
	else if (in->osz == 4)
		cpu->gpr[in->reg] = (uint32_t)cpu->gpr[in->reg];
}

void soft_dmov_setcc(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_e_write(cpu, in, 1, (uint64_t)soft_cond(cpu, in->sub));
}

void soft_dmov_xlat(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t off = (cpu->gpr[R_BX] + (uint8_t)cpu->gpr[R_AX]) & in->amask;

	soft_reg_set(cpu, R_AX, 1, soft_read(cpu, in->seg, off, 1));
}

void soft_dmov_nop(struct soft_cpu *cpu, const struct soft_insn *in)
{
}

void soft_dmov_bound(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t off = soft_ea(cpu, in);
	int64_t lo = (int64_t)soft_sext(soft_read(cpu, in->seg, off, s), s);
	int64_t hi = (int64_t)soft_sext(
		soft_read(cpu, in->seg, (off + s) & in->amask, s), s);
	int64_t v = (int64_t)soft_sext(soft_reg_get(cpu, in->reg, s), s);

	if (v < lo || v > hi)
		soft_raise(cpu, V_BR, -1);
}

void soft_dmov_arpl(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint16_t d, src;

	if (cpu->mode == M_REAL || cpu->mode == M_VM86)
		soft_raise(cpu, V_UD, -1);
	d = (uint16_t)soft_e_read(cpu, in, 2);
	src = (uint16_t)soft_reg_get(cpu, in->reg, 2);
	if ((d & 3) < (src & 3)) {
		soft_e_write(cpu, in, 2, (d & ~3u) | (src & 3u));
		soft_set_zf(cpu, 1);
	} else {
		soft_set_zf(cpu, 0);
	}
}

/* MOV r/m, Sreg: a register destination takes the operand size
 * (zero-extended), memory always 16 bits. */
void soft_dmov_from_sreg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned sr = in->reg & 7;

	if (sr >= S_NR)
		soft_raise(cpu, V_UD, -1);
	if (in->mod == 3)
		soft_reg_set(cpu, in->rm, in->osz, cpu->seg[sr].sel);
	else
		soft_write(cpu, in->seg, soft_ea(cpu, in), 2, cpu->seg[sr].sel);
}

void soft_dmov_to_sreg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned sr = in->reg & 7;
	uint16_t sel;

	if (sr >= S_NR || sr == S_CS)
		soft_raise(cpu, V_UD, -1);
	sel = (uint16_t)soft_e_read(cpu, in, 2);
	soft_load_seg(cpu, (int)sr, sel);
	if (sr == S_SS)
		cpu->shadow = 1;
}

/* LES LDS LSS LFS LGS: offset (operand size) then selector. */
void soft_dmov_lxs(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t off = soft_ea(cpu, in);
	uint64_t v = soft_read(cpu, in->seg, off, s);
	uint16_t sel = (uint16_t)soft_read(cpu, in->seg, (off + s) & in->amask, 2);

	soft_load_seg(cpu, in->sub, sel);
	soft_reg_set(cpu, in->reg, s, v);
}
