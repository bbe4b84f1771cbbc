/* SPDX-License-Identifier: MIT */
/*
 * Lazy arithmetic flags. An instruction that sets flags records what it
 * did (kind, operand size, operands, result) in cpu->lf_*; CF PF AF ZF SF
 * OF are computed only when something reads them, which most flag
 * setters' results never are.
 *
 * lf_op packs the kind (bits 4+) and the operand size in bytes (bits
 * 0-3). LF_EAGER: the flags are in cpu->rflags itself. LF_SZP: CF, AF
 * and OF were computed by the instruction into lf_aux (as F_* bits);
 * SF ZF PF come from the result.
 */
#ifndef SAFEPC_HV_SOFT_ALU_H
#define SAFEPC_HV_SOFT_ALU_H

#include <stdint.h>

#include "hv/soft/cpu.h"
#include "hv/soft/decode.h"

enum soft_lf_kind {
	LF_EAGER = 0,
	LF_ADD,	 /* lf_aux: carry in (ADC) */
	LF_SUB,	 /* lf_aux: borrow in (SBB) */
	LF_SZP,
};

/* The ALU ops in their encoding order (00-3F, group 1). */
enum soft_alu_op {
	ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP
};

static inline void soft_lf_set(struct soft_cpu *cpu, unsigned kind,
			       unsigned size, uint64_t s1, uint64_t s2,
			       uint64_t res, uint32_t aux)
{
	cpu->lf_op = (kind << 4) | size;
	cpu->lf_src1 = s1;
	cpu->lf_src2 = s2;
	cpu->lf_res = res;
	cpu->lf_aux = aux;
}

/* Arithmetic flags from the lazy record (F_* bits). */
uint32_t soft_lf_compute(const struct soft_cpu *cpu);

/* CF alone, cheaper than the whole set (ADC, SBB, RCL, INC...). */
static inline unsigned soft_lf_cf(const struct soft_cpu *cpu)
{
	switch (cpu->lf_op >> 4) {
	case LF_EAGER: return cpu->rflags & F_CF;
	case LF_ADD:
		return cpu->lf_aux ? cpu->lf_res <= cpu->lf_src1
				   : cpu->lf_res < cpu->lf_src1;
	case LF_SUB:
		return cpu->lf_aux ? cpu->lf_src1 <= cpu->lf_src2
				   : cpu->lf_src1 < cpu->lf_src2;
	default: return cpu->lf_aux & F_CF;
	}
}

static inline unsigned soft_lf_zf(const struct soft_cpu *cpu)
{
	if ((cpu->lf_op >> 4) == LF_EAGER)
		return !!(cpu->rflags & F_ZF);
	return cpu->lf_res == 0;
}

/* Moves the lazy record into rflags, so bits can be changed one by one. */
static inline void soft_lf_materialise(struct soft_cpu *cpu)
{
	if (cpu->lf_op >> 4 != LF_EAGER) {
		cpu->rflags = (cpu->rflags & ~(uint64_t)F_ARITH) |
			      soft_lf_compute(cpu);
		cpu->lf_op = LF_EAGER;
	}
}

/* Sets the arithmetic flags in `mask` to `val` (other bits of val
 * ignored). */
static inline void soft_lf_put(struct soft_cpu *cpu, uint32_t mask,
			       uint32_t val)
{
	soft_lf_materialise(cpu);
	cpu->rflags = (cpu->rflags & ~(uint64_t)mask) | (val & mask);
}

/* Flags of a logic op result (CF = OF = AF = 0). */
static inline void soft_lf_logic(struct soft_cpu *cpu, unsigned size,
				 uint64_t res)
{
	soft_lf_set(cpu, LF_SZP, size, 0, 0, res, 0);
}

/*
 * A flag update computed before the instruction's last memory write and
 * committed after it, so a faulting write leaves the flags untouched.
 * op: an lf_op value, LF_KEEP (no change) or LF_EAGER with the new
 * arithmetic flags in aux.
 */
struct soft_lf {
	uint32_t op, aux;
	uint64_t s1, s2, res;
};
#define LF_KEEP 0xffffffffu

static inline void soft_lf_commit(struct soft_cpu *cpu,
				  const struct soft_lf *l)
{
	if (l->op == LF_KEEP)
		return;
	if (l->op == LF_EAGER) {
		cpu->rflags = (cpu->rflags & ~(uint64_t)F_ARITH) |
			      (l->aux & F_ARITH);
		cpu->lf_op = LF_EAGER;
		return;
	}
	cpu->lf_op = l->op;
	cpu->lf_aux = l->aux;
	cpu->lf_src1 = l->s1;
	cpu->lf_src2 = l->s2;
	cpu->lf_res = l->res;
}

/* The result of ALU op `op` (c: carry/borrow in for ADC/SBB), masked. */
static inline uint64_t soft_alu_res(unsigned op, unsigned size, uint64_t a,
				    uint64_t b, unsigned c)
{
	uint64_t m = soft_size_mask(size);

	switch (op) {
	case ALU_ADD: return (a + b) & m;
	case ALU_OR: return a | b;
	case ALU_ADC: return (a + b + c) & m;
	case ALU_SBB: return (a - b - c) & m;
	case ALU_AND: return a & b;
	case ALU_XOR: return a ^ b;
	default: return (a - b) & m;
	}
}

/* The flag record of that ALU op. */
static inline struct soft_lf soft_alu_lf(unsigned op, unsigned size,
					 uint64_t a, uint64_t b, uint64_t r,
					 unsigned c)
{
	struct soft_lf l = { .s1 = a, .s2 = b, .res = r };

	switch (op) {
	case ALU_ADD: case ALU_ADC:
		l.op = (LF_ADD << 4) | size;
		l.aux = op == ALU_ADC ? c : 0;
		break;
	case ALU_SUB: case ALU_SBB: case ALU_CMP:
		l.op = (LF_SUB << 4) | size;
		l.aux = op == ALU_SBB ? c : 0;
		break;
	default:
		l.op = (LF_SZP << 4) | size;
		l.aux = 0;
		l.s1 = l.s2 = 0;
		break;
	}
	return l;
}

/* One ALU op of group 1 on operands already masked to `size`; returns
 * the masked result (CMP: the difference; the caller does not store it). */
static inline uint64_t soft_alu(struct soft_cpu *cpu, unsigned op,
				unsigned size, uint64_t a, uint64_t b)
{
	uint64_t m = soft_size_mask(size), r;
	unsigned c;

	switch (op) {
	case ALU_ADD:
		r = (a + b) & m;
		soft_lf_set(cpu, LF_ADD, size, a, b, r, 0);
		return r;
	case ALU_OR:
		r = a | b;
		soft_lf_logic(cpu, size, r);
		return r;
	case ALU_ADC:
		c = soft_lf_cf(cpu);
		r = (a + b + c) & m;
		soft_lf_set(cpu, LF_ADD, size, a, b, r, c);
		return r;
	case ALU_SBB:
		c = soft_lf_cf(cpu);
		r = (a - b - c) & m;
		soft_lf_set(cpu, LF_SUB, size, a, b, r, c);
		return r;
	case ALU_AND:
		r = a & b;
		soft_lf_logic(cpu, size, r);
		return r;
	case ALU_XOR:
		r = a ^ b;
		soft_lf_logic(cpu, size, r);
		return r;
	default: /* SUB, CMP */
		r = (a - b) & m;
		soft_lf_set(cpu, LF_SUB, size, a, b, r, 0);
		return r;
	}
}

/* Condition code cc (0-15, the Jcc/SETcc/CMOVcc low nibble). */
int soft_cond(const struct soft_cpu *cpu, unsigned cc);

#endif
