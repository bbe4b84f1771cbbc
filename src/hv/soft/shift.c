/* SPDX-License-Identifier: MIT */
/*
 * Shifts and rotates (group 2, SHLD/SHRD) and the bit instructions (BT,
 * BTS, BTR, BTC, BSF, BSR, BSWAP). Flag rules from the SDM: a masked
 * count of 0 changes no flags; OF is defined only for a count of 1;
 * rotates change CF and OF alone.
 */
#include "hv/soft/alu.h"
#include "hv/soft/ops.h"

static uint64_t shift_msb(uint64_t v, unsigned bits)
{
	return (v >> (bits - 1)) & 1;
}

/* Shift/rotate `op` (ModRM.reg numbering) of v by a masked, non-zero
 * count; the flag update goes to *lf. */
static uint64_t shift_compute(struct soft_cpu *cpu, unsigned op, unsigned s,
			      uint64_t v, unsigned count, struct soft_lf *lf)
{
	unsigned bits = s * 8, c, cf;
	uint64_t m = soft_size_mask(s), r;
	uint32_t f;

	*lf = (struct soft_lf){ .op = (LF_SZP << 4) | s };
	switch (op) {
	case 4: case 6: /* SHL/SAL */
		if (count < bits) {
			r = (v << count) & m;
			cf = (v >> (bits - count)) & 1;
		} else {
			r = 0;
			cf = count == bits ? v & 1 : 0;
		}
		lf->res = r;
		lf->aux = (cf ? F_CF : 0) | ((shift_msb(r, bits) ^ cf) ? F_OF : 0);
		return r;
	case 5: /* SHR */
		r = count < bits ? v >> count : 0;
		cf = count <= bits ? (v >> (count - 1)) & 1 : 0;
		lf->res = r;
		lf->aux = (cf ? F_CF : 0) |
			  (count == 1 && shift_msb(v, bits) ? F_OF : 0);
		return r;
	case 7: { /* SAR */
		int64_t sv = (int64_t)soft_sext(v, s);

		r = (uint64_t)(sv >> (count < bits ? count : bits - 1)) & m;
		cf = (unsigned)((sv >> (count - 1 < 63 ? count - 1 : 63)) & 1);
		lf->res = r;
		lf->aux = cf ? F_CF : 0;
		return r;
	}
	default:
		break;
	}
	/* Rotates: CF and OF only, the rest as they are. */
	f = 0;
	switch (op) {
	case 0: /* ROL */
		c = count % bits;
		r = c ? ((v << c) | (v >> (bits - c))) & m : v;
		cf = r & 1;
		f |= (cf ? F_CF : 0) | ((shift_msb(r, bits) ^ cf) ? F_OF : 0);
		break;
	case 1: /* ROR */
		c = count % bits;
		r = c ? ((v >> c) | (v << (bits - c))) & m : v;
		cf = (unsigned)shift_msb(r, bits);
		f |= (cf ? F_CF : 0) |
		     ((cf ^ shift_msb(r, bits - 1)) ? F_OF : 0);
		break;
	default: { /* RCL (2), RCR (3): through CF, a bits+1 wide rotate */
		unsigned __int128 x = ((unsigned __int128)soft_lf_cf(cpu) << bits) | v;
		unsigned __int128 xm = ((unsigned __int128)1 << (bits + 1)) - 1;

		c = count % (bits + 1);
		if (c)
			x = (op == 2 ? (x << c) | (x >> (bits + 1 - c))
				     : (x >> c) | (x << (bits + 1 - c))) & xm;
		r = (uint64_t)x & m;
		cf = (unsigned)(x >> bits) & 1;
		if (op == 2)
			f |= (cf ? F_CF : 0) |
			     ((shift_msb(r, bits) ^ cf) ? F_OF : 0);
		else
			f |= (cf ? F_CF : 0) |
			     ((shift_msb(r, bits) ^ shift_msb(r, bits - 1))
				      ? F_OF : 0);
		break;
	}
	}
	if ((cpu->lf_op >> 4) == LF_SZP) {
		/* SF ZF PF still come from the last result: keep that
		 * record, with the new CF and OF. */
		*lf = (struct soft_lf){ .op = cpu->lf_op, .res = cpu->lf_res,
					.aux = (cpu->lf_aux & F_AF) | f };
	} else {
		lf->op = LF_EAGER;
		lf->aux = (soft_lf_compute(cpu) & ~(F_CF | F_OF)) | f;
	}
	return r;
}

void soft_shift_grp2(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, count;
	uint64_t off = 0, v, r;
	struct soft_lf lf;

	count = (in->op & 0xfe) == 0xd2 ? (unsigned)cpu->gpr[R_CX] & 0xff
					: (unsigned)in->imm;
	count &= s == 8 ? 63 : 31;
	if (in->mod == 3) {
		v = soft_reg_get(cpu, in->rm, s);
		if (!count) {
			/* Still a 32-bit register write: zero-extends. */
			if (s == 4)
				cpu->gpr[in->rm] = v;
			return;
		}
		r = shift_compute(cpu, in->sub, s, v, count, &lf);
		soft_reg_set(cpu, in->rm, s, r);
	} else {
		off = soft_ea(cpu, in);
		v = soft_read(cpu, in->seg, off, s);
		if (!count)
			return;
		r = shift_compute(cpu, in->sub, s, v, count, &lf);
		soft_write(cpu, in->seg, off, s, r);
	}
	soft_lf_commit(cpu, &lf);
}

/* SHLD (sub 0) / SHRD (sub 1), count from imm8 (A4/AC) or CL. */
void soft_shift_shxd(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, bits = s * 8, c;
	uint64_t m = soft_size_mask(s), off = 0, d, src, r;
	unsigned __int128 x;
	struct soft_lf lf = { .op = (LF_SZP << 4) | s };
	unsigned cf;

	c = (in->op & 1) ? (unsigned)cpu->gpr[R_CX] & 0xff : (unsigned)in->imm;
	c &= s == 8 ? 63 : 31;
	src = soft_reg_get(cpu, in->reg, s);
	if (in->mod == 3) {
		d = soft_reg_get(cpu, in->rm, s);
	} else {
		off = soft_ea(cpu, in);
		d = soft_read(cpu, in->seg, off, s);
	}
	if (!c) {
		if (s == 4 && in->mod == 3)
			cpu->gpr[in->rm] = d;
		return;
	}
	/* A count above 16 on 16-bit operands is undefined: the pattern
	 * repeats the pair, as a 32-bit funnel of d:s:d would. */
	if (c > bits)
		c %= bits;
	if (!c)
		c = bits;
	if (in->sub == 0) {
		x = ((unsigned __int128)d << bits) | src;
		r = (uint64_t)((x << c) >> bits) & m;
		cf = (unsigned)(d >> (bits - c)) & 1;
	} else {
		x = ((unsigned __int128)src << bits) | d;
		r = (uint64_t)(x >> c) & m;
		cf = (unsigned)(d >> (c - 1)) & 1;
	}
	lf.res = r;
	lf.aux = (cf ? F_CF : 0) |
		 ((shift_msb(r, bits) ^ shift_msb(d, bits)) ? F_OF : 0);
	soft_e_write(cpu, in, s, r);
	(void)off;
	soft_lf_commit(cpu, &lf);
}

/* BT/BTS/BTR/BTC (op 0-3) on bit `bit` of E at seg:off (memory) or the
 * register. */
static void shift_bt(struct soft_cpu *cpu, const struct soft_insn *in,
		     unsigned op, uint64_t off, unsigned bit)
{
	unsigned s = in->osz;
	uint64_t v, r;
	uint32_t f;

	if (in->mod != 3 && in->lock && op) {
		soft_lock_rmw(cpu, in, LOCK_BT, op, bit, off);
		return;
	}
	v = in->mod == 3 ? soft_reg_get(cpu, in->rm, s)
			 : soft_read(cpu, in->seg, off, s);
	f = (soft_lf_compute(cpu) & ~F_CF) | ((v >> bit) & 1 ? F_CF : 0);
	if (op) {
		if (op == 1)
			r = v | (uint64_t)1 << bit;
		else if (op == 2)
			r = v & ~((uint64_t)1 << bit);
		else
			r = v ^ (uint64_t)1 << bit;
		if (in->mod == 3)
			soft_reg_set(cpu, in->rm, s, r);
		else
			soft_write(cpu, in->seg, off, s, r);
	}
	soft_lf_put(cpu, F_ARITH, f);
}

void soft_shift_bt_g(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz, bits = s * 8;
	uint64_t g = soft_reg_get(cpu, in->reg, s), off = 0;

	if (in->mod != 3) {
		/* The register is a signed bit offset from the operand:
		 * it reaches whole operands away (floor division). */
		int64_t bo = (int64_t)soft_sext(g, s);
		int64_t units = bo >> (bits == 16 ? 4 : bits == 32 ? 5 : 6);

		off = (soft_ea(cpu, in) + (uint64_t)(units * (int64_t)s)) &
		      in->amask;
	}
	shift_bt(cpu, in, in->sub, off, (unsigned)(g & (bits - 1)));
}

void soft_shift_bt_i(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t off = in->mod == 3 ? 0 : soft_ea(cpu, in);

	shift_bt(cpu, in, in->sub, off, (unsigned)(in->imm & (in->osz * 8 - 1)));
}

void soft_shift_bsf(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t v = soft_e_read(cpu, in, in->osz);

	if (v)
		soft_reg_set(cpu, in->reg, in->osz, (uint64_t)__builtin_ctzll(v));
	soft_set_zf(cpu, !v);
}

void soft_shift_bsr(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t v = soft_e_read(cpu, in, in->osz);

	if (v)
		soft_reg_set(cpu, in->reg, in->osz,
			     63 - (uint64_t)__builtin_clzll(v));
	soft_set_zf(cpu, !v);
}

void soft_shift_bswap(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t v = cpu->gpr[in->rm];

	if (in->osz == 8)
		cpu->gpr[in->rm] = __builtin_bswap64(v);
	else if (in->osz == 4)
		cpu->gpr[in->rm] = __builtin_bswap32((uint32_t)v);
	else /* undefined; zero, as common CPUs leave it */
		soft_reg_set(cpu, in->rm, 2, 0);
}
