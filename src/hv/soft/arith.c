/* SPDX-License-Identifier: MIT */
/*
 * Integer arithmetic: the group-1 ALU ops in all their forms, TEST,
 * INC/DEC, NOT/NEG, multiply and divide, sign extensions, BCD adjusts
 * and the instructions that set or read flags directly.
 *
 * Memory read-modify-write forms compute the result and the flags into
 * locals, write, then commit the flags: a faulting write leaves every
 * register and flag as it was (precise faults).
 */
#include "hv/soft/alu.h"
#include "hv/soft/ops.h"

/* E op= value, for the register, memory and LOCK forms. */
static void arith_alu_e(struct soft_cpu *cpu, const struct soft_insn *in,
			uint64_t src)
{
	unsigned s = in->osz, op = in->sub, c;
	uint64_t off, a, r;
	struct soft_lf lf;

	if (in->mod == 3) {
		r = soft_alu(cpu, op, s, soft_reg_get(cpu, in->rm, s), src);
		if (op != ALU_CMP)
			soft_reg_set(cpu, in->rm, s, r);
		return;
	}
	off = soft_ea(cpu, in);
	if (in->lock) {
		soft_lock_rmw(cpu, in, LOCK_ALU, op, src, off);
		return;
	}
	a = soft_read(cpu, in->seg, off, s);
	if (op == ALU_CMP) {
		soft_alu(cpu, op, s, a, src);
		return;
	}
	c = (op == ALU_ADC || op == ALU_SBB) ? soft_lf_cf(cpu) : 0;
	r = soft_alu_res(op, s, a, src, c);
	lf = soft_alu_lf(op, s, a, src, r, c);
	soft_write(cpu, in->seg, off, s, r);
	soft_lf_commit(cpu, &lf);
}

void soft_arith_alu_eg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	arith_alu_e(cpu, in, soft_reg_get(cpu, in->reg, in->osz));
}

void soft_arith_alu_ei(struct soft_cpu *cpu, const struct soft_insn *in)
{
	arith_alu_e(cpu, in, in->imm);
}

void soft_arith_alu_ge(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t b = soft_e_read(cpu, in, s);
	uint64_t r = soft_alu(cpu, in->sub, s, soft_reg_get(cpu, in->reg, s), b);

	if (in->sub != ALU_CMP)
		soft_reg_set(cpu, in->reg, s, r);
}

void soft_arith_test_eg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;

	soft_lf_logic(cpu, s, soft_e_read(cpu, in, s) &
				      soft_reg_get(cpu, in->reg, s));
}

void soft_arith_test_ei(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_lf_logic(cpu, in->osz, soft_e_read(cpu, in, in->osz) & in->imm);
}

/* Flag record of INC (dec = 0) or DEC: CF is kept. */
static struct soft_lf arith_incdec_lf(struct soft_cpu *cpu, unsigned s,
				      uint64_t a, uint64_t r, int dec)
{
	uint64_t sign = (uint64_t)1 << (s * 8 - 1);
	struct soft_lf lf = { .op = (LF_SZP << 4) | s, .res = r };

	lf.aux = soft_lf_cf(cpu) ? F_CF : 0;
	lf.aux |= (uint32_t)((a ^ r ^ 1) & F_AF);
	if (dec ? r == sign - 1 : r == sign)
		lf.aux |= F_OF;
	return lf;
}

void soft_arith_incdec(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t m = soft_size_mask(s), a, r, off = 0;
	struct soft_lf lf;

	if (in->mod != 3) {
		off = soft_ea(cpu, in);
		if (in->lock) {
			soft_lock_rmw(cpu, in, LOCK_INCDEC, in->sub, 0, off);
			return;
		}
		a = soft_read(cpu, in->seg, off, s);
	} else {
		a = soft_reg_get(cpu, in->rm, s);
	}
	r = (in->sub ? a - 1 : a + 1) & m;
	lf = arith_incdec_lf(cpu, s, a, r, in->sub);
	if (in->mod == 3)
		soft_reg_set(cpu, in->rm, s, r);
	else
		soft_write(cpu, in->seg, off, s, r);
	soft_lf_commit(cpu, &lf);
}

void soft_arith_not(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t off;

	if (in->mod == 3) {
		soft_reg_set(cpu, in->rm, s, ~soft_reg_get(cpu, in->rm, s));
		return;
	}
	off = soft_ea(cpu, in);
	if (in->lock) {
		soft_lock_rmw(cpu, in, LOCK_NOT, 0, 0, off);
		return;
	}
	soft_write(cpu, in->seg, off, s, ~soft_read(cpu, in->seg, off, s));
}

void soft_arith_neg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t off = 0, a, r;
	struct soft_lf lf;

	if (in->mod != 3) {
		off = soft_ea(cpu, in);
		if (in->lock) {
			soft_lock_rmw(cpu, in, LOCK_NEG, 0, 0, off);
			return;
		}
		a = soft_read(cpu, in->seg, off, s);
	} else {
		a = soft_reg_get(cpu, in->rm, s);
	}
	r = (0 - a) & soft_size_mask(s);
	lf = soft_alu_lf(ALU_SUB, s, 0, a, r, 0);
	soft_e_write(cpu, in, s, r);
	soft_lf_commit(cpu, &lf);
}

/* MUL/IMUL flags: CF = OF = `ovf`; SF ZF PF from the low half (they
 * are undefined, as AF is). */
static void arith_mul_flags(struct soft_cpu *cpu, unsigned s, uint64_t lo,
			    int ovf)
{
	soft_lf_set(cpu, LF_SZP, s, 0, 0, lo & soft_size_mask(s),
		    ovf ? F_CF | F_OF : 0);
}

void soft_arith_mul(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t b = soft_e_read(cpu, in, s), a = soft_reg_get(cpu, R_AX, s);
	unsigned __int128 p = (unsigned __int128)a * b;
	uint64_t lo = (uint64_t)p & soft_size_mask(s);
	uint64_t hi = s == 8 ? (uint64_t)(p >> 64) : (uint64_t)p >> (s * 8);

	if (s == 1) {
		soft_reg_set(cpu, R_AX, 2, (uint64_t)p);
	} else {
		soft_reg_set(cpu, R_AX, s, lo);
		soft_reg_set(cpu, R_DX, s, hi);
	}
	arith_mul_flags(cpu, s, lo, hi != 0);
}

void soft_arith_imul1(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	int64_t b = (int64_t)soft_sext(soft_e_read(cpu, in, s), s);
	int64_t a = (int64_t)soft_sext(soft_reg_get(cpu, R_AX, s), s);
	__int128 p = (__int128)a * b;
	uint64_t lo = (uint64_t)p & soft_size_mask(s);
	uint64_t hi = s == 8 ? (uint64_t)(p >> 64)
			     : (uint64_t)(p >> (s * 8)) & soft_size_mask(s);

	if (s == 1) {
		soft_reg_set(cpu, R_AX, 2, (uint64_t)p);
	} else {
		soft_reg_set(cpu, R_AX, s, lo);
		soft_reg_set(cpu, R_DX, s, hi);
	}
	arith_mul_flags(cpu, s, lo, (__int128)(int64_t)soft_sext(lo, s) != p);
}

/* IMUL dst, a, b at size s: dst = truncated product. */
static void arith_imul2(struct soft_cpu *cpu, const struct soft_insn *in,
			uint64_t ua, uint64_t ub)
{
	unsigned s = in->osz;
	__int128 p = (__int128)(int64_t)soft_sext(ua, s) *
		     (int64_t)soft_sext(ub, s);
	uint64_t lo = (uint64_t)p & soft_size_mask(s);

	soft_reg_set(cpu, in->reg, s, lo);
	arith_mul_flags(cpu, s, lo, (__int128)(int64_t)soft_sext(lo, s) != p);
}

void soft_arith_imul_ge(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t b = soft_e_read(cpu, in, in->osz);

	arith_imul2(cpu, in, soft_reg_get(cpu, in->reg, in->osz), b);
}

void soft_arith_imul_gei(struct soft_cpu *cpu, const struct soft_insn *in)
{
	arith_imul2(cpu, in, soft_e_read(cpu, in, in->osz), in->imm);
}

/* DIV/IDIV leave the flags as they were (all undefined). */
void soft_arith_div(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t d = soft_e_read(cpu, in, s), m = soft_size_mask(s);
	unsigned __int128 n, q;

	if (!d)
		soft_raise(cpu, V_DE, -1);
	if (s == 1)
		n = (uint16_t)cpu->gpr[R_AX];
	else if (s == 8)
		n = ((unsigned __int128)cpu->gpr[R_DX] << 64) | cpu->gpr[R_AX];
	else
		n = ((unsigned __int128)soft_reg_get(cpu, R_DX, s) << (s * 8)) |
		    soft_reg_get(cpu, R_AX, s);
	q = n / d;
	if (q > m)
		soft_raise(cpu, V_DE, -1);
	if (s == 1) {
		soft_reg_set(cpu, R_AX, 2,
			     (uint64_t)q | (uint64_t)(n % d) << 8);
	} else {
		soft_reg_set(cpu, R_AX, s, (uint64_t)q);
		soft_reg_set(cpu, R_DX, s, (uint64_t)(n % d));
	}
}

void soft_arith_idiv(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, bits = s * 8;
	int64_t d = (int64_t)soft_sext(soft_e_read(cpu, in, s), s);
	__int128 n, q, r, qmax, qmin;

	if (!d)
		soft_raise(cpu, V_DE, -1);
	if (s == 1) {
		n = (int16_t)cpu->gpr[R_AX];
	} else if (s == 8) {
		n = (__int128)(((unsigned __int128)cpu->gpr[R_DX] << 64) |
			       cpu->gpr[R_AX]);
	} else {
		uint64_t u = (soft_reg_get(cpu, R_DX, s) << bits) |
			     soft_reg_get(cpu, R_AX, s);
		n = (int64_t)soft_sext(u, s * 2);
	}
	/* INT128_MIN / -1 cannot happen: n has at most 2 * 64 bits
	 * only for s == 8, where it is checked via the quotient range
	 * below after a division that cannot overflow __int128 unless
	 * n == INT128_MIN; avoid it explicitly. */
	if (s == 8 && d == -1 && n == -n && n != 0)
		soft_raise(cpu, V_DE, -1);
	q = n / d;
	r = n % d;
	qmax = ((__int128)1 << (bits - 1)) - 1;
	qmin = -qmax - 1;
	if (q > qmax || q < qmin)
		soft_raise(cpu, V_DE, -1);
	if (s == 1) {
		soft_reg_set(cpu, R_AX, 2,
			     ((uint64_t)q & 0xff) | ((uint64_t)r & 0xff) << 8);
	} else {
		soft_reg_set(cpu, R_AX, s, (uint64_t)q);
		soft_reg_set(cpu, R_DX, s, (uint64_t)r);
	}
}

void soft_arith_cbw(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;

	soft_reg_set(cpu, R_AX, s, soft_sext(soft_reg_get(cpu, R_AX, s / 2),
					     s / 2));
}

void soft_arith_cwd(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t a = soft_reg_get(cpu, R_AX, s);

	soft_reg_set(cpu, R_DX, s, (a >> (s * 8 - 1)) & 1 ? ~(uint64_t)0 : 0);
}

/* SF ZF PF from AL plus the given CF/AF (and OF cleared). */
static void arith_bcd_flags(struct soft_cpu *cpu, uint8_t al, int cf, int af)
{
	soft_lf_set(cpu, LF_SZP, 1, 0, 0, al,
		    (cf ? F_CF : 0) | (af ? F_AF : 0));
}

void soft_arith_daa(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint32_t f = soft_lf_compute(cpu);
	uint8_t al = (uint8_t)cpu->gpr[R_AX], old = al;
	int cf = 0, af = 0;

	if ((al & 0xf) > 9 || (f & F_AF)) {
		al += 6;
		af = 1;
	}
	if (old > 0x99 || (f & F_CF)) {
		al += 0x60;
		cf = 1;
	}
	soft_reg_set(cpu, R_AX, 1, al);
	arith_bcd_flags(cpu, al, cf, af);
}

void soft_arith_das(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint32_t f = soft_lf_compute(cpu);
	uint8_t al = (uint8_t)cpu->gpr[R_AX], old = al;
	int cf = 0, af = 0;

	if ((al & 0xf) > 9 || (f & F_AF)) {
		cf = (f & F_CF) || al < 6;
		al -= 6;
		af = 1;
	}
	if (old > 0x99 || (f & F_CF)) {
		al -= 0x60;
		cf = 1;
	}
	soft_reg_set(cpu, R_AX, 1, al);
	arith_bcd_flags(cpu, al, cf, af);
}

/* AAA (sub = 0) and AAS: the ASCII adjusts after add and subtract. */
static void arith_aaa_aas(struct soft_cpu *cpu, int sub)
{
	uint32_t f = soft_lf_compute(cpu);
	uint16_t ax = (uint16_t)cpu->gpr[R_AX];
	int adj = (ax & 0xf) > 9 || (f & F_AF);

	if (adj) {
		if (sub) {
			ax = (uint16_t)(ax - 6);
			ax = (uint16_t)(ax - 0x100);
		} else {
			ax = (uint16_t)(ax + 0x106);
		}
	}
	ax &= 0xff0f;
	soft_reg_set(cpu, R_AX, 2, ax);
	/* SF ZF PF OF are undefined: computed from AL, as common CPUs do. */
	arith_bcd_flags(cpu, (uint8_t)ax, adj, adj);
}

void soft_arith_aaa(struct soft_cpu *cpu, const struct soft_insn *in)
{
	arith_aaa_aas(cpu, 0);
}

void soft_arith_aas(struct soft_cpu *cpu, const struct soft_insn *in)
{
	arith_aaa_aas(cpu, 1);
}

void soft_arith_aam(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint8_t base = (uint8_t)in->imm, al = (uint8_t)cpu->gpr[R_AX];

	if (!base)
		soft_raise(cpu, V_DE, -1);
	soft_reg_set(cpu, R_AX, 2, (uint64_t)(al / base) << 8 | (al % base));
	soft_lf_logic(cpu, 1, al % base);
}

void soft_arith_aad(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint16_t ax = (uint16_t)cpu->gpr[R_AX];
	uint8_t al = (uint8_t)((ax & 0xff) + (ax >> 8) * (uint8_t)in->imm);

	soft_reg_set(cpu, R_AX, 2, al);
	soft_lf_logic(cpu, 1, al);
}

void soft_arith_salc(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_reg_set(cpu, R_AX, 1, soft_lf_cf(cpu) ? 0xff : 0);
}

/* CLC STC CMC CLD STD, by sub 0-4. */
void soft_arith_flagop(struct soft_cpu *cpu, const struct soft_insn *in)
{
	switch (in->sub) {
	case 0: soft_lf_put(cpu, F_CF, 0); break;
	case 1: soft_lf_put(cpu, F_CF, F_CF); break;
	case 2: soft_lf_put(cpu, F_CF, soft_lf_cf(cpu) ? 0 : F_CF); break;
	case 3: cpu->rflags &= ~(uint64_t)F_DF; break;
	default: cpu->rflags |= F_DF; break;
	}
}

void soft_arith_sahf(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_lf_put(cpu, F_SF | F_ZF | F_AF | F_PF | F_CF,
		    (uint32_t)(cpu->gpr[R_AX] >> 8));
}

void soft_arith_lahf(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_reg_set(cpu, REG8_HI + R_AX, 1, soft_get_rflags(cpu) & 0xd7);
}
