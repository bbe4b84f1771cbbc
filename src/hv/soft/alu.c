/* SPDX-License-Identifier: MIT */
/*
 * Lazy flags: materialising CF PF AF ZF SF OF from the record the last
 * flag-setting instruction left (alu.h), condition codes, and RFLAGS as
 * the rest of the CPU sees it.
 */
#include "hv/soft/alu.h"

/* Parity of the low byte: PF is set when the count of ones is even. */
static unsigned alu_pf(uint64_t r)
{
	return (__builtin_parity((unsigned)(r & 0xff)) ^ 1) ? F_PF : 0;
}

uint32_t soft_lf_compute(const struct soft_cpu *cpu)
{
	unsigned size = cpu->lf_op & 0xf, kind = cpu->lf_op >> 4;
	unsigned sh = size * 8 - 1;
	uint64_t a = cpu->lf_src1, b = cpu->lf_src2, r = cpu->lf_res;
	uint32_t f = 0;

	if (kind == LF_EAGER)
		return cpu->rflags & F_ARITH;
	if (soft_lf_cf(cpu))
		f |= F_CF;
	switch (kind) {
	case LF_ADD:
		f |= (((a ^ r) & (b ^ r)) >> sh & 1) ? F_OF : 0;
		f |= (a ^ b ^ r) & F_AF;
		break;
	case LF_SUB:
		f |= (((a ^ b) & (a ^ r)) >> sh & 1) ? F_OF : 0;
		f |= (a ^ b ^ r) & F_AF;
		break;
	default:
		f |= cpu->lf_aux & (F_AF | F_OF);
		break;
	}
	if (r == 0)
		f |= F_ZF;
	if (r >> sh & 1)
		f |= F_SF;
	return f | alu_pf(r);
}

uint64_t soft_get_rflags(struct soft_cpu *cpu)
{
	soft_lf_materialise(cpu);
	return cpu->rflags;
}

void soft_set_rflags(struct soft_cpu *cpu, uint64_t v)
{
	/* Bit 1 reads as one; 3, 5, 15 and 22-63 as zero. */
	cpu->rflags = (v & 0x3f7fd5) | F_1;
	cpu->lf_op = LF_EAGER;
}

void soft_set_zf(struct soft_cpu *cpu, int zf)
{
	soft_lf_put(cpu, F_ZF, zf ? F_ZF : 0);
}

int soft_cond(const struct soft_cpu *cpu, unsigned cc)
{
	uint32_t f;
	int r;

	/* ZF and CF alone are the common cases and need no full set. */
	switch (cc >> 1) {
	case 1: r = soft_lf_cf(cpu) != 0; break;
	case 2: r = soft_lf_zf(cpu); break;
	default:
		f = soft_lf_compute(cpu);
		switch (cc >> 1) {
		case 0: r = !!(f & F_OF); break;
		case 3: r = !!(f & (F_CF | F_ZF)); break;
		case 4: r = !!(f & F_SF); break;
		case 5: r = !!(f & F_PF); break;
		case 6: r = !!(f & F_SF) != !!(f & F_OF); break;
		default:
			r = (f & F_ZF) || (!!(f & F_SF) != !!(f & F_OF));
			break;
		}
	}
	return r ^ (cc & 1);
}
