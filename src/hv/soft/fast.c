/* SPDX-License-Identifier: MIT */
/*
 * Specialised handlers for the forms that dominate real code: group-1
 * ALU ops, MOV, INC/DEC, shifts by an immediate and Jcc, with 32- and
 * 64-bit operands, register or memory, and no LOCK. Each one has its
 * size and form fixed at compile time, so it runs without the generic
 * handlers' switches on size and operand kind. soft_fast_pick() swaps
 * them in after decoding; the generic handlers remain the reference
 * (the differential test runs both).
 */
#include <stddef.h>
#include <string.h>

#include "hv/soft/alu.h"
#include "hv/soft/fast.h"
#include "hv/soft/ops.h"

/* ---- ALU: dst op= src ---- */

#define FAST_ADD(a, b) ((a) + (b))
#define FAST_SUB(a, b) ((a) - (b))
#define FAST_AND(a, b) ((a) & (b))
#define FAST_OR(a, b) ((a) | (b))
#define FAST_XOR(a, b) ((a) ^ (b))

#define FAST_LF_ADD(cpu, sz, a, b, r) soft_lf_set(cpu, LF_ADD, sz, a, b, r, 0)
#define FAST_LF_SUB(cpu, sz, a, b, r) soft_lf_set(cpu, LF_SUB, sz, a, b, r, 0)
#define FAST_LF_LOGIC(cpu, sz, a, b, r) soft_lf_logic(cpu, sz, r)

/* One op at one size in its six forms: E,G and G,E and E,imm, each with
 * a register or a memory E. */
#define FAST_ALU(name, EXPR, LF, STORE, T, sz)                                 \
	static void fast_##name##_eg_r##sz(struct soft_cpu *cpu,               \
					   const struct soft_insn *in)         \
	{                                                                      \
		T a = (T)cpu->gpr[in->rm], b = (T)cpu->gpr[in->reg];           \
		T r = (T)EXPR(a, b);                                           \
		if (STORE)                                                     \
			cpu->gpr[in->rm] = r;                                  \
		LF(cpu, sz, a, b, r);                                          \
	}                                                                      \
	static void fast_##name##_ge_r##sz(struct soft_cpu *cpu,               \
					   const struct soft_insn *in)         \
	{                                                                      \
		T a = (T)cpu->gpr[in->reg], b = (T)cpu->gpr[in->rm];           \
		T r = (T)EXPR(a, b);                                           \
		if (STORE)                                                     \
			cpu->gpr[in->reg] = r;                                 \
		LF(cpu, sz, a, b, r);                                          \
	}                                                                      \
	static void fast_##name##_ei_r##sz(struct soft_cpu *cpu,               \
					   const struct soft_insn *in)         \
	{                                                                      \
		T a = (T)cpu->gpr[in->rm], b = (T)in->imm;                     \
		T r = (T)EXPR(a, b);                                           \
		if (STORE)                                                     \
			cpu->gpr[in->rm] = r;                                  \
		LF(cpu, sz, a, b, r);                                          \
	}                                                                      \
	static void fast_##name##_eg_m##sz(struct soft_cpu *cpu,               \
					   const struct soft_insn *in)         \
	{                                                                      \
		uint64_t off = soft_ea(cpu, in);                               \
		T b = (T)cpu->gpr[in->reg], a, r;                              \
		void *p = STORE ? soft_rmw_ptr(cpu, in->seg, off, sz) : NULL;  \
		if (p) { /* RAM: one translation for both accesses */          \
			memcpy(&a, p, sz);                                     \
			r = (T)EXPR(a, b);                                     \
			memcpy(p, &r, sz);                                     \
		} else {                                                       \
			a = (T)soft_read(cpu, in->seg, off, sz);               \
			r = (T)EXPR(a, b);                                     \
			if (STORE)                                             \
				soft_write(cpu, in->seg, off, sz, r);          \
		}                                                              \
		LF(cpu, sz, a, b, r);                                          \
	}                                                                      \
	static void fast_##name##_ge_m##sz(struct soft_cpu *cpu,               \
					   const struct soft_insn *in)         \
	{                                                                      \
		T b = (T)soft_read(cpu, in->seg, soft_ea(cpu, in), sz);        \
		T a = (T)cpu->gpr[in->reg];                                    \
		T r = (T)EXPR(a, b);                                           \
		if (STORE)                                                     \
			cpu->gpr[in->reg] = r;                                 \
		LF(cpu, sz, a, b, r);                                          \
	}                                                                      \
	static void fast_##name##_ei_m##sz(struct soft_cpu *cpu,               \
					   const struct soft_insn *in)         \
	{                                                                      \
		uint64_t off = soft_ea(cpu, in);                               \
		T b = (T)in->imm, a, r;                                        \
		void *p = STORE ? soft_rmw_ptr(cpu, in->seg, off, sz) : NULL;  \
		if (p) {                                                       \
			memcpy(&a, p, sz);                                     \
			r = (T)EXPR(a, b);                                     \
			memcpy(p, &r, sz);                                     \
		} else {                                                       \
			a = (T)soft_read(cpu, in->seg, off, sz);               \
			r = (T)EXPR(a, b);                                     \
			if (STORE)                                             \
				soft_write(cpu, in->seg, off, sz, r);          \
		}                                                              \
		LF(cpu, sz, a, b, r);                                          \
	}

#define FAST_ALU_SIZES(name, EXPR, LF, STORE)                 \
	FAST_ALU(name, EXPR, LF, STORE, uint32_t, 4)          \
	FAST_ALU(name, EXPR, LF, STORE, uint64_t, 8)

FAST_ALU_SIZES(add, FAST_ADD, FAST_LF_ADD, 1)
FAST_ALU_SIZES(or, FAST_OR, FAST_LF_LOGIC, 1)
FAST_ALU_SIZES(and, FAST_AND, FAST_LF_LOGIC, 1)
FAST_ALU_SIZES(sub, FAST_SUB, FAST_LF_SUB, 1)
FAST_ALU_SIZES(xor, FAST_XOR, FAST_LF_LOGIC, 1)
FAST_ALU_SIZES(cmp, FAST_SUB, FAST_LF_SUB, 0)
FAST_ALU_SIZES(test, FAST_AND, FAST_LF_LOGIC, 0)

#define FAST_ROW(name, sz)                                            \
	{ fast_##name##_eg_r##sz, fast_##name##_ge_r##sz,             \
	  fast_##name##_ei_r##sz, fast_##name##_eg_m##sz,             \
	  fast_##name##_ge_m##sz, fast_##name##_ei_m##sz }
#define FAST_OP(name) { FAST_ROW(name, 4), FAST_ROW(name, 8) }

/* [ALU op][size 4/8][form]; NULL: no specialisation (ADC, SBB). */
static soft_handler_fn *const fast_alu_tab[8][2][6] = {
	[ALU_ADD] = FAST_OP(add), [ALU_OR] = FAST_OP(or),
	[ALU_AND] = FAST_OP(and), [ALU_SUB] = FAST_OP(sub),
	[ALU_XOR] = FAST_OP(xor), [ALU_CMP] = FAST_OP(cmp),
};
static soft_handler_fn *const fast_test_tab[2][6] = {
	FAST_ROW(test, 4), FAST_ROW(test, 8)
};

/* ---- MOV, INC/DEC ---- */

#define FAST_MOV(T, sz)                                                      \
	static void fast_mov_eg_r##sz(struct soft_cpu *cpu,                  \
				      const struct soft_insn *in)            \
	{                                                                    \
		cpu->gpr[in->rm] = (T)cpu->gpr[in->reg];                     \
	}                                                                    \
	static void fast_mov_eg_m##sz(struct soft_cpu *cpu,                  \
				      const struct soft_insn *in)            \
	{                                                                    \
		soft_write(cpu, in->seg, soft_ea(cpu, in), sz,               \
			   (T)cpu->gpr[in->reg]);                            \
	}                                                                    \
	static void fast_mov_ge_r##sz(struct soft_cpu *cpu,                  \
				      const struct soft_insn *in)            \
	{                                                                    \
		cpu->gpr[in->reg] = (T)cpu->gpr[in->rm];                     \
	}                                                                    \
	static void fast_mov_ge_m##sz(struct soft_cpu *cpu,                  \
				      const struct soft_insn *in)            \
	{                                                                    \
		cpu->gpr[in->reg] =                                          \
			(T)soft_read(cpu, in->seg, soft_ea(cpu, in), sz);    \
	}                                                                    \
	static void fast_mov_ei_r##sz(struct soft_cpu *cpu,                  \
				      const struct soft_insn *in)            \
	{                                                                    \
		cpu->gpr[in->rm] = (T)in->imm;                               \
	}                                                                    \
	static void fast_lea##sz(struct soft_cpu *cpu,                       \
				 const struct soft_insn *in)                 \
	{                                                                    \
		cpu->gpr[in->reg] = (T)soft_ea(cpu, in);                     \
	}
FAST_MOV(uint32_t, 4)
FAST_MOV(uint64_t, 8)

#define FAST_INCDEC(name, delta, T, sz)                                       \
	static void fast_##name##_r##sz(struct soft_cpu *cpu,                 \
					const struct soft_insn *in)           \
	{                                                                     \
		T a = (T)cpu->gpr[in->rm], r = (T)(a + (T)(delta));           \
		uint32_t aux = soft_lf_cf(cpu) ? F_CF : 0;                    \
		aux |= (uint32_t)((a ^ r ^ 1) & F_AF);                        \
		if ((delta) > 0 ? r == (T)((T)1 << (sz * 8 - 1))              \
				: r == (T)(((T)1 << (sz * 8 - 1)) - 1))       \
			aux |= F_OF;                                          \
		cpu->gpr[in->rm] = r;                                         \
		soft_lf_set(cpu, LF_SZP, sz, 0, 0, r, aux);                   \
	}
FAST_INCDEC(inc, 1, uint32_t, 4)
FAST_INCDEC(dec, -1, uint32_t, 4)
FAST_INCDEC(inc, 1, uint64_t, 8)
FAST_INCDEC(dec, -1, uint64_t, 8)

/* ---- shifts by an immediate, register operand ---- */

#define FAST_SHIFT(T, sz)                                                     \
	static void fast_shl_ri##sz(struct soft_cpu *cpu,                     \
				    const struct soft_insn *in)               \
	{                                                                     \
		unsigned c = (unsigned)in->imm;                               \
		T v = (T)cpu->gpr[in->rm], r = (T)(v << c);                   \
		unsigned cf = (unsigned)(v >> (sz * 8 - c)) & 1;              \
		cpu->gpr[in->rm] = r;                                         \
		soft_lf_set(cpu, LF_SZP, sz, 0, 0, r,                         \
			    (cf ? F_CF : 0) |                                 \
			    (((r >> (sz * 8 - 1)) ^ cf) & 1 ? F_OF : 0));     \
	}                                                                     \
	static void fast_shr_ri##sz(struct soft_cpu *cpu,                     \
				    const struct soft_insn *in)               \
	{                                                                     \
		unsigned c = (unsigned)in->imm;                               \
		T v = (T)cpu->gpr[in->rm], r = (T)(v >> c);                   \
		unsigned cf = (unsigned)(v >> (c - 1)) & 1;                   \
		cpu->gpr[in->rm] = r;                                         \
		soft_lf_set(cpu, LF_SZP, sz, 0, 0, r,                         \
			    (cf ? F_CF : 0) |                                 \
			    (c == 1 && (v >> (sz * 8 - 1)) ? F_OF : 0));      \
	}                                                                     \
	static void fast_rol_ri##sz(struct soft_cpu *cpu,                     \
				    const struct soft_insn *in)               \
	{                                                                     \
		unsigned c = (unsigned)in->imm;                               \
		T v = (T)cpu->gpr[in->rm];                                    \
		T r = (T)((v << c) | (v >> ((sz * 8 - c) & (sz * 8 - 1))));   \
		unsigned cf = (unsigned)r & 1;                                \
		uint32_t f = (cf ? F_CF : 0) |                                \
			     ((((r >> (sz * 8 - 1)) & 1) ^ cf) ? F_OF : 0);   \
		cpu->gpr[in->rm] = r;                                         \
		if ((cpu->lf_op >> 4) == LF_SZP)                              \
			cpu->lf_aux = (cpu->lf_aux & F_AF) | f;               \
		else                                                          \
			soft_lf_put(cpu, F_CF | F_OF, f);                     \
	}
FAST_SHIFT(uint32_t, 4)
FAST_SHIFT(uint64_t, 8)

/* ---- Jcc ---- */

static inline void fast_take(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t t = cpu->rip + (uint64_t)in->disp;

	if (cpu->mode == M_LONG64) {
		if ((uint64_t)((int64_t)(t << 16) >> 16) != t)
			soft_raise(cpu, V_GP, 0);
	} else {
		t &= soft_size_mask(in->osz);
		if (t > cpu->seg[S_CS].limit)
			soft_raise(cpu, V_GP, 0);
	}
	cpu->rip = t;
}

static void fast_jz(struct soft_cpu *cpu, const struct soft_insn *in)
{
	if (soft_lf_zf(cpu))
		fast_take(cpu, in);
}

static void fast_jnz(struct soft_cpu *cpu, const struct soft_insn *in)
{
	if (!soft_lf_zf(cpu))
		fast_take(cpu, in);
}

static void fast_jcc(struct soft_cpu *cpu, const struct soft_insn *in)
{
	if (soft_cond(cpu, in->sub))
		fast_take(cpu, in);
}

static void fast_jmp(struct soft_cpu *cpu, const struct soft_insn *in)
{
	fast_take(cpu, in);
}

/* ---- the 64-bit stack (its width is fixed in 64-bit mode) ---- */

static void fast_push_r64(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t sp = cpu->gpr[R_SP] - 8;

	soft_write(cpu, S_SS, sp, 8, cpu->gpr[in->rm]);
	cpu->gpr[R_SP] = sp;
}

static void fast_pop_r64(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t v = soft_read(cpu, S_SS, cpu->gpr[R_SP], 8);

	cpu->gpr[R_SP] += 8;
	cpu->gpr[in->rm] = v;
}

static void fast_call64(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t t = cpu->rip + (uint64_t)in->disp, sp = cpu->gpr[R_SP] - 8;

	if ((uint64_t)((int64_t)(t << 16) >> 16) != t)
		soft_raise(cpu, V_GP, 0);
	soft_write(cpu, S_SS, sp, 8, cpu->rip);
	cpu->gpr[R_SP] = sp;
	cpu->rip = t;
}

static void fast_ret64(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t t = soft_read(cpu, S_SS, cpu->gpr[R_SP], 8);

	if ((uint64_t)((int64_t)(t << 16) >> 16) != t)
		soft_raise(cpu, V_GP, 0);
	cpu->gpr[R_SP] += 8 + in->imm;
	cpu->rip = t;
}

void soft_fast_pick(struct soft_insn *in, enum soft_mode mode)
{
	int sz = in->osz == 4 ? 0 : in->osz == 8 ? 1 : -1;
	int mem = in->mod != 3;
	soft_handler_fn *f = NULL;

	if (in->lock)
		return;
	if (in->fn == soft_branch_jcc) {
		in->fn = in->sub == 4 ? fast_jz : in->sub == 5 ? fast_jnz : fast_jcc;
		return;
	}
	if (in->fn == soft_branch_jmp) {
		in->fn = fast_jmp;
		return;
	}
	if (mode == M_LONG64 && in->osz == 8) {
		if (in->fn == soft_stack_push_e && in->mod == 3)
			f = fast_push_r64;
		else if (in->fn == soft_stack_pop_e && in->mod == 3)
			f = fast_pop_r64;
		else if (in->fn == soft_branch_call)
			f = fast_call64;
		else if (in->fn == soft_branch_ret)
			f = fast_ret64;
		if (f) {
			in->fn = f;
			return;
		}
	}
	if (sz < 0)
		return;
	if (in->fn == soft_arith_alu_eg)
		f = fast_alu_tab[in->sub][sz][mem ? 3 : 0];
	else if (in->fn == soft_arith_alu_ge)
		f = fast_alu_tab[in->sub][sz][mem ? 4 : 1];
	else if (in->fn == soft_arith_alu_ei)
		f = fast_alu_tab[in->sub][sz][mem ? 5 : 2];
	else if (in->fn == soft_arith_test_eg)
		f = fast_test_tab[sz][mem ? 3 : 0];
	else if (in->fn == soft_arith_test_ei)
		f = fast_test_tab[sz][mem ? 5 : 2];
	else if (in->fn == soft_dmov_mov_eg)
		f = mem ? (sz ? fast_mov_eg_m8 : fast_mov_eg_m4)
			: (sz ? fast_mov_eg_r8 : fast_mov_eg_r4);
	else if (in->fn == soft_dmov_mov_ge)
		f = mem ? (sz ? fast_mov_ge_m8 : fast_mov_ge_m4)
			: (sz ? fast_mov_ge_r8 : fast_mov_ge_r4);
	else if (in->fn == soft_dmov_mov_ei && !mem)
		f = sz ? fast_mov_ei_r8 : fast_mov_ei_r4;
	else if (in->fn == soft_dmov_lea)
		f = sz ? fast_lea8 : fast_lea4;
	else if (in->fn == soft_arith_incdec && !mem)
		f = in->sub ? (sz ? fast_dec_r8 : fast_dec_r4)
			    : (sz ? fast_inc_r8 : fast_inc_r4);
	else if (in->fn == soft_shift_grp2 && !mem && in->op == 0xc1) {
		unsigned c = (unsigned)in->imm & (sz ? 63 : 31);

		if (c) {
			in->imm = c;
			if (in->sub == 4 || in->sub == 6)
				f = sz ? fast_shl_ri8 : fast_shl_ri4;
			else if (in->sub == 5)
				f = sz ? fast_shr_ri8 : fast_shr_ri4;
			else if (in->sub == 0)
				f = sz ? fast_rol_ri8 : fast_rol_ri4;
		}
	}
	if (f)
		in->fn = f;
}
