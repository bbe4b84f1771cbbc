/* SPDX-License-Identifier: MIT */
/*
 * MMX, SSE and SSE2 (0F 10-17, 28-2F, 50-7F, C2-C7, D0-FF). The moves,
 * shuffles, inserts/extracts and byte shifts are done here; the
 * arithmetic, logic, compares and conversions run on the host's SIMD unit
 * (simdops.c) under the guest's MXCSR, with every exception masked there:
 * a flag the guest left unmasked then becomes #XM (#UD without
 * CR4.OSXMMEXCPT) before anything is written. After an unmasked
 * pre-computation exception (invalid, denormal, divide by zero) only
 * those flags are set, as the hardware does; the per-element details of
 * mixed pre- and post-computation exceptions are not modelled.
 *
 * MMX registers are the x87 registers' mantissas: an MMX instruction
 * checks for a pending x87 exception, makes TOP 0 (ST(i) is then MMi in
 * the FXSAVE image) and tags every register valid; a write sets the
 * sign/exponent to all ones. MASKMOVQ/MASKMOVDQU store byte by byte.
 * SSE3 and later encodings (and the 0F 38/3A maps) are #UD.
 */
#include "hv/soft/simd.h"

#if defined(__x86_64__)

#define MX_PRE 0x07u	/* IE DE ZE */

static uint8_t *sse_xmm(struct soft_cpu *cpu, unsigned r)
{
	return cpu->fxsave + FX_XMM0 + 16 * (r & 15);
}

static uint8_t *sse_mm(struct soft_cpu *cpu, unsigned r)
{
	return cpu->fxsave + FX_ST0 + 16 * (r & 7);
}

static void sse_check(struct soft_cpu *cpu)
{
	if ((cpu->cr0 & CR0_EM) || !(cpu->cr4 & CR4_OSFXSR))
		soft_raise(cpu, V_UD, -1);
	if (cpu->cr0 & CR0_TS)
		soft_raise(cpu, V_NM, -1);
}

/* The x87-to-MMX transition every MMX instruction makes. */
static void sse_mmx_enter(struct soft_cpu *cpu)
{
	if (cpu->cr0 & CR0_EM)
		soft_raise(cpu, V_UD, -1);
	if (cpu->cr0 & CR0_TS)
		soft_raise(cpu, V_NM, -1);
	soft_fpu_pending(cpu);
	soft_fpu_set_fsw(cpu, fpu_get16(cpu, FX_FSW) & (uint16_t)~FSW_TOP);
	cpu->fxsave[FX_FTW] = 0xff;
}

static void sse_mm_write(struct soft_cpu *cpu, unsigned r, const void *v)
{
	uint8_t *p = sse_mm(cpu, r);

	memcpy(p, v, 8);
	p[8] = p[9] = 0xff;
}

/* Memory operand at the ModRM address; align: 16-byte #GP(0) check. */
static void sse_load(struct soft_cpu *cpu, const struct soft_insn *in,
		     void *buf, unsigned n, int align)
{
	uint64_t off = soft_ea(cpu, in);

	if (align && (soft_lin(cpu, in->seg, off, n, A_READ) & 15))
		soft_raise(cpu, V_GP, 0);
	soft_read_buf(cpu, in->seg, off, buf, n);
}

static void sse_store(struct soft_cpu *cpu, const struct soft_insn *in,
		      const void *buf, unsigned n, int align)
{
	uint64_t off = soft_ea(cpu, in);

	if (align && (soft_lin(cpu, in->seg, off, n, A_WRITE) & 15))
		soft_raise(cpu, V_GP, 0);
	soft_write_buf(cpu, in->seg, off, buf, n);
}

/* The E operand of an XMM form: the register, or n bytes of memory. */
static void sse_src(struct soft_cpu *cpu, const struct soft_insn *in,
		    uint8_t *s, unsigned n, int align)
{
	memset(s, 0, 16);
	if (in->mod == 3)
		memcpy(s, sse_xmm(cpu, in->rm), 16);
	else
		sse_load(cpu, in, s, n, align && n == 16);
}

static uint32_t sse_mx_in(const struct soft_cpu *cpu)
{
	/* Masked here (sse_mx_out does the guest's masks); reserved bits
	 * never reach the host's LDMXCSR. */
	return (fpu_get32(cpu, FX_MXCSR) & FPU_MXCSR_MASK & ~0x3fu) | 0x1f80u;
}

/* Merges the flags an operation raised; an unmasked one faults. */
static void sse_mx_out(struct soft_cpu *cpu, uint32_t mx)
{
	uint32_t g = fpu_get32(cpu, FX_MXCSR), f = mx & 0x3f;
	uint32_t unm = f & ~(g >> 7) & 0x3f;

	if (unm) {
		if (f & ~(g >> 7) & MX_PRE)
			f &= MX_PRE;
		fpu_set32(cpu, FX_MXCSR, g | f);
		soft_raise(cpu, (cpu->cr4 & CR4_OSXMMEXCPT) ? V_XM : V_UD, -1);
	}
	fpu_set32(cpu, FX_MXCSR, g | f);
}

static void sse_run_xmm(struct soft_cpu *cpu, const struct soft_insn *in,
			const struct simd_op *o, simd_fn *fn, unsigned dreg)
{
	uint8_t d[16], s[16];
	uint32_t mx = sse_mx_in(cpu);

	sse_check(cpu);
	sse_src(cpu, in, s, o->msize, 1);
	memcpy(d, sse_xmm(cpu, dreg), 16);
	fn(d, s, &mx);
	if (o->fp)
		sse_mx_out(cpu, mx);
	memcpy(sse_xmm(cpu, dreg), d, 16);
}

static void sse_run_mmx(struct soft_cpu *cpu, const struct soft_insn *in,
			simd_fn *fn, unsigned dreg, const uint8_t *imm_src)
{
	uint8_t d[16] = { 0 }, s[16] = { 0 };
	uint32_t mx = sse_mx_in(cpu);

	sse_mmx_enter(cpu);
	if (imm_src)
		memcpy(s, imm_src, 8);
	else if (in->mod == 3)
		memcpy(s, sse_mm(cpu, in->rm), 8);
	else
		sse_load(cpu, in, s, 8, 0);
	memcpy(d, sse_mm(cpu, dreg), 8);
	fn(d, s, &mx);
	sse_mm_write(cpu, dreg, d);
}

static void sse_ud(struct soft_cpu *cpu)
{
	soft_raise(cpu, V_UD, -1);
}

/* ---- moves ---- */

/* 0F 10/11 MOVUPS MOVUPD MOVSS MOVSD; 0F 28/29 MOVAPS MOVAPD. */
static void sse_mov_ps(struct soft_cpu *cpu, const struct soft_insn *in,
		       unsigned p, int store, int align)
{
	unsigned n = p == 2 ? 4 : p == 3 ? 8 : 16;
	uint8_t *r = sse_xmm(cpu, in->reg), v[16];

	if (align && p >= 2)
		sse_ud(cpu);
	sse_check(cpu);
	if (store) {
		if (in->mod == 3)
			memcpy(sse_xmm(cpu, in->rm), r, n);
		else
			sse_store(cpu, in, r, n, align);
		return;
	}
	if (in->mod == 3) {
		memcpy(r, sse_xmm(cpu, in->rm), n);
		return;
	}
	memset(v, 0, 16);
	sse_load(cpu, in, v, n, align);
	memcpy(r, v, 16);
}

/* 0F 12/13/16/17: the 64-bit halves. */
static void sse_mov_half(struct soft_cpu *cpu, const struct soft_insn *in,
			 unsigned p, unsigned op)
{
	unsigned hi = op >= 0x16 ? 8 : 0;
	uint8_t *r = sse_xmm(cpu, in->reg);

	if (p >= 2 || (in->mod == 3 && (p == 1 || (op & 1))))
		sse_ud(cpu);
	sse_check(cpu);
	if (op & 1) {
		sse_store(cpu, in, r + hi, 8, 0);
	} else if (in->mod == 3) {
		/* MOVHLPS / MOVLHPS */
		memcpy(r + hi, sse_xmm(cpu, in->rm) + (8 - hi), 8);
	} else {
		uint8_t v[8];

		sse_load(cpu, in, v, 8, 0);
		memcpy(r + hi, v, 8);
	}
}

/* 0F 6E/7E MOVD/MOVQ with a GPR or memory; F3 0F 7E MOVQ xmm. */
static void sse_movd(struct soft_cpu *cpu, const struct soft_insn *in,
		     unsigned p, int store)
{
	unsigned n = in->osz == 8 ? 8 : 4;
	uint8_t v[16] = { 0 };
	uint64_t x;

	if (p == 2 && store) {
		/* MOVQ xmm, xmm/m64: zero-extends. */
		sse_check(cpu);
		sse_src(cpu, in, v, 8, 0);
		memset(v + 8, 0, 8);
		memcpy(sse_xmm(cpu, in->reg), v, 16);
		return;
	}
	if (p >= 2)
		sse_ud(cpu);
	if (p == 0)
		sse_mmx_enter(cpu);
	else
		sse_check(cpu);
	if (store) {
		memcpy(&x, p ? sse_xmm(cpu, in->reg) : sse_mm(cpu, in->reg), 8);
		soft_e_write(cpu, in, n, x & soft_size_mask(n));
		return;
	}
	x = soft_e_read(cpu, in, n);
	memcpy(v, &x, n);
	if (p)
		memcpy(sse_xmm(cpu, in->reg), v, 16);
	else
		sse_mm_write(cpu, in->reg, v);
}

/* 0F 6F/7F: MOVQ mm, MOVDQA, MOVDQU. */
static void sse_movdq(struct soft_cpu *cpu, const struct soft_insn *in,
		      unsigned p, int store)
{
	uint8_t v[16];

	if (p == 3)
		sse_ud(cpu);
	if (p == 0) {
		sse_mmx_enter(cpu);
		if (store) {
			if (in->mod == 3)
				sse_mm_write(cpu, in->rm, sse_mm(cpu, in->reg));
			else
				sse_store(cpu, in, sse_mm(cpu, in->reg), 8, 0);
		} else {
			if (in->mod == 3)
				memcpy(v, sse_mm(cpu, in->rm), 8);
			else
				sse_load(cpu, in, v, 8, 0);
			sse_mm_write(cpu, in->reg, v);
		}
		return;
	}
	sse_check(cpu);
	if (store) {
		if (in->mod == 3)
			memcpy(sse_xmm(cpu, in->rm), sse_xmm(cpu, in->reg), 16);
		else
			sse_store(cpu, in, sse_xmm(cpu, in->reg), 16, p == 1);
		return;
	}
	sse_src(cpu, in, v, 16, p == 1);
	memcpy(sse_xmm(cpu, in->reg), v, 16);
}

/* ---- shuffles, shifts by immediate, inserts and extracts ---- */

static void sse_pshuf(struct soft_cpu *cpu, const struct soft_insn *in,
		      unsigned p)
{
	unsigned imm = (unsigned)in->imm;
	uint8_t s[16], d[16];

	if (p == 0) {
		uint16_t w[4], o[4];

		sse_mmx_enter(cpu);
		if (in->mod == 3)
			memcpy(w, sse_mm(cpu, in->rm), 8);
		else
			sse_load(cpu, in, w, 8, 0);
		for (unsigned i = 0; i < 4; i++)
			o[i] = w[(imm >> (2 * i)) & 3];
		sse_mm_write(cpu, in->reg, o);
		return;
	}
	sse_check(cpu);
	sse_src(cpu, in, s, 16, 1);
	memcpy(d, s, 16);
	if (p == 1) {
		for (unsigned i = 0; i < 4; i++)
			memcpy(d + 4 * i, s + 4 * ((imm >> (2 * i)) & 3), 4);
	} else {
		unsigned base = p == 2 ? 8 : 0;

		for (unsigned i = 0; i < 4; i++)
			memcpy(d + base + 2 * i,
			       s + base + 2 * ((imm >> (2 * i)) & 3), 2);
	}
	memcpy(sse_xmm(cpu, in->reg), d, 16);
}

/* 0F 71/72/73 /n imm8: the shift-by-register operation with the count
 * as its operand, or the byte shifts PSRLDQ/PSLLDQ. */
static void sse_shift_imm(struct soft_cpu *cpu, const struct soft_insn *in,
			  unsigned p, unsigned op)
{
	static const uint8_t map[3][8] = {
		{ [2] = 0xd1, [4] = 0xe1, [6] = 0xf1 },
		{ [2] = 0xd2, [4] = 0xe2, [6] = 0xf2 },
		{ [2] = 0xd3, [6] = 0xf3 },
	};
	unsigned r = in->reg & 7, sh = map[op - 0x71][r];
	uint8_t cnt[16] = { 0 };

	cnt[0] = (uint8_t)in->imm;
	if (in->mod != 3 || p >= 2)
		sse_ud(cpu);
	if (op == 0x73 && (r == 3 || r == 7) && p == 1) {
		uint8_t v[16], o[16] = { 0 };
		unsigned n = (unsigned)in->imm > 16 ? 16 : (unsigned)in->imm;

		sse_check(cpu);
		memcpy(v, sse_xmm(cpu, in->rm), 16);
		if (r == 3)
			memcpy(o, v + n, 16 - n);
		else
			memcpy(o + n, v, 16 - n);
		memcpy(sse_xmm(cpu, in->rm), o, 16);
		return;
	}
	if (!sh)
		sse_ud(cpu);
	if (p == 0) {
		sse_run_mmx(cpu, in, simd_mmx_ops[sh].fn, in->rm, cnt);
	} else {
		uint8_t d[16];
		uint32_t mx = sse_mx_in(cpu);

		sse_check(cpu);
		memcpy(d, sse_xmm(cpu, in->rm), 16);
		simd_xmm_ops[1][sh].fn(d, cnt, &mx);
		memcpy(sse_xmm(cpu, in->rm), d, 16);
	}
}

static void sse_shufp(struct soft_cpu *cpu, const struct soft_insn *in,
		      unsigned p)
{
	unsigned imm = (unsigned)in->imm;
	uint8_t s[16], d[16], o[16];

	if (p >= 2)
		sse_ud(cpu);
	sse_check(cpu);
	sse_src(cpu, in, s, 16, 1);
	memcpy(d, sse_xmm(cpu, in->reg), 16);
	if (p == 0) {
		memcpy(o, d + 4 * (imm & 3), 4);
		memcpy(o + 4, d + 4 * ((imm >> 2) & 3), 4);
		memcpy(o + 8, s + 4 * ((imm >> 4) & 3), 4);
		memcpy(o + 12, s + 4 * ((imm >> 6) & 3), 4);
	} else {
		memcpy(o, d + 8 * (imm & 1), 8);
		memcpy(o + 8, s + 8 * ((imm >> 1) & 1), 8);
	}
	memcpy(sse_xmm(cpu, in->reg), o, 16);
}

static void sse_pinsrw(struct soft_cpu *cpu, const struct soft_insn *in,
		       unsigned p)
{
	uint16_t w;

	if (p >= 2)
		sse_ud(cpu);
	if (p == 0)
		sse_mmx_enter(cpu);
	else
		sse_check(cpu);
	w = (uint16_t)(in->mod == 3 ? cpu->gpr[in->rm]
				    : soft_read(cpu, in->seg, soft_ea(cpu, in), 2));
	if (p == 0) {
		uint8_t v[8];

		memcpy(v, sse_mm(cpu, in->reg), 8);
		memcpy(v + 2 * (in->imm & 3), &w, 2);
		sse_mm_write(cpu, in->reg, v);
	} else {
		memcpy(sse_xmm(cpu, in->reg) + 2 * (in->imm & 7), &w, 2);
	}
}

static void sse_pextrw(struct soft_cpu *cpu, const struct soft_insn *in,
		       unsigned p)
{
	uint16_t w;

	if (p >= 2 || in->mod != 3)
		sse_ud(cpu);
	if (p == 0) {
		sse_mmx_enter(cpu);
		memcpy(&w, sse_mm(cpu, in->rm) + 2 * (in->imm & 3), 2);
	} else {
		sse_check(cpu);
		memcpy(&w, sse_xmm(cpu, in->rm) + 2 * (in->imm & 7), 2);
	}
	soft_reg_set(cpu, in->reg, in->osz == 8 ? 8 : 4, w);
}

/* MOVMSKPS/PD, PMOVMSKB: sign bits into a GPR. */
static void sse_movmsk(struct soft_cpu *cpu, const struct soft_insn *in,
		       unsigned esize, int mmx)
{
	unsigned n = mmx ? 8 : 16;
	const uint8_t *v;
	uint64_t m = 0;

	if (in->mod != 3)
		sse_ud(cpu);
	if (mmx) {
		sse_mmx_enter(cpu);
		v = sse_mm(cpu, in->rm);
	} else {
		sse_check(cpu);
		v = sse_xmm(cpu, in->rm);
	}
	for (unsigned i = 0; i < n / esize; i++)
		m |= (uint64_t)(v[esize * i + esize - 1] >> 7) << i;
	soft_reg_set(cpu, in->reg, in->osz == 8 ? 8 : 4, m);
}

static void sse_maskmov(struct soft_cpu *cpu, const struct soft_insn *in,
			unsigned p)
{
	unsigned n = p ? 16 : 8;
	const uint8_t *v, *m;
	uint64_t di = cpu->gpr[R_DI] & in->amask;
	int seg = in->segovr ? in->seg : S_DS;

	if (in->mod != 3 || p >= 2)
		sse_ud(cpu);
	if (p) {
		sse_check(cpu);
		v = sse_xmm(cpu, in->reg);
		m = sse_xmm(cpu, in->rm);
	} else {
		sse_mmx_enter(cpu);
		v = sse_mm(cpu, in->reg);
		m = sse_mm(cpu, in->rm);
	}
	for (unsigned i = 0; i < n; i++)
		if (m[i] & 0x80)
			soft_write(cpu, seg, (di + i) & in->amask, 1, v[i]);
}

/* ---- conversions with GPRs and MMX, COMISS ---- */

static void sse_cvt_to_int(struct soft_cpu *cpu, const struct soft_insn *in,
			   unsigned p, unsigned op)
{
	static simd_fn *const f[2][2][2] = {
		{ { simd_cvttss2si32, simd_cvttss2si64 },
		  { simd_cvtss2si32, simd_cvtss2si64 } },
		{ { simd_cvttsd2si32, simd_cvttsd2si64 },
		  { simd_cvtsd2si32, simd_cvtsd2si64 } },
	};
	uint8_t s[16], d[16];
	uint32_t mx = sse_mx_in(cpu);
	uint64_t r;
	int w = in->osz == 8;

	if (p < 2) {
		/* CVT(T)PS2PI, CVT(T)PD2PI: to an MMX register. */
		simd_fn *g = p == 0 ? (op == 0x2c ? simd_cvttps2pi : simd_cvtps2pi)
				    : (op == 0x2c ? simd_cvttpd2pi : simd_cvtpd2pi);

		sse_check(cpu);
		sse_src(cpu, in, s, p == 0 ? 8 : 16, 1);
		sse_mmx_enter(cpu);
		g(d, s, &mx);
		sse_mx_out(cpu, mx);
		sse_mm_write(cpu, in->reg, d);
		return;
	}
	sse_check(cpu);
	sse_src(cpu, in, s, p == 2 ? 4 : 8, 0);
	f[p - 2][op == 0x2d][w](d, s, &mx);
	sse_mx_out(cpu, mx);
	memcpy(&r, d, 8);
	soft_reg_set(cpu, in->reg, w ? 8 : 4, r);
}

static void sse_cvt_from_int(struct soft_cpu *cpu, const struct soft_insn *in,
			     unsigned p)
{
	uint8_t s[16] = { 0 }, d[16];
	uint32_t mx = sse_mx_in(cpu);
	int w = in->osz == 8;
	uint64_t x;

	sse_check(cpu);
	if (p < 2) {
		if (in->mod == 3) {
			sse_mmx_enter(cpu);
			memcpy(s, sse_mm(cpu, in->rm), 8);
		} else {
			sse_load(cpu, in, s, 8, 0);
		}
		memcpy(d, sse_xmm(cpu, in->reg), 16);
		(p == 0 ? simd_cvtpi2ps : simd_cvtpi2pd)(d, s, &mx);
	} else {
		x = soft_e_read(cpu, in, w ? 8 : 4);
		memcpy(s, &x, 8);
		memcpy(d, sse_xmm(cpu, in->reg), 16);
		if (p == 2)
			(w ? simd_cvtsi2ss64 : simd_cvtsi2ss32)(d, s, &mx);
		else
			(w ? simd_cvtsi2sd64 : simd_cvtsi2sd32)(d, s, &mx);
	}
	sse_mx_out(cpu, mx);
	memcpy(sse_xmm(cpu, in->reg), d, 16);
}

static void sse_comi(struct soft_cpu *cpu, const struct soft_insn *in,
		     unsigned p, unsigned op)
{
	uint8_t s[16], d[16];
	uint32_t mx = sse_mx_in(cpu);
	uint64_t fl;

	if (p >= 2)
		sse_ud(cpu);
	sse_check(cpu);
	sse_src(cpu, in, s, p ? 8 : 4, 0);
	memcpy(d, sse_xmm(cpu, in->reg), 16);
	if (p == 0)
		(op == 0x2e ? simd_ucomiss : simd_comiss)(d, s, &mx);
	else
		(op == 0x2e ? simd_ucomisd : simd_comisd)(d, s, &mx);
	sse_mx_out(cpu, mx);
	fl = soft_get_rflags(cpu) & ~(uint64_t)F_ARITH;
	fl |= (d[0] ? F_ZF : 0) | (d[1] ? F_PF : 0) | (d[2] ? F_CF : 0);
	soft_set_rflags(cpu, fl);
}

/* 0F D6: MOVQ xmm/m64, xmm; MOVQ2DQ; MOVDQ2Q. */
static void sse_d6(struct soft_cpu *cpu, const struct soft_insn *in,
		   unsigned p)
{
	uint8_t v[16] = { 0 };

	if (p == 1) {
		sse_check(cpu);
		if (in->mod != 3) {
			sse_store(cpu, in, sse_xmm(cpu, in->reg), 8, 0);
			return;
		}
		memcpy(v, sse_xmm(cpu, in->reg), 8);
		memcpy(sse_xmm(cpu, in->rm), v, 16);
		return;
	}
	if (in->mod != 3 || p == 0)
		sse_ud(cpu);
	sse_check(cpu);
	sse_mmx_enter(cpu);
	if (p == 2) {
		memcpy(v, sse_mm(cpu, in->rm), 8);
		memcpy(sse_xmm(cpu, in->reg), v, 16);
	} else {
		sse_mm_write(cpu, in->reg, sse_xmm(cpu, in->rm));
	}
}

/* MOVNTPS/PD (2B), MOVNTI (C3), MOVNTQ/MOVNTDQ (E7): plain stores. */
static void sse_movnt(struct soft_cpu *cpu, const struct soft_insn *in,
		      unsigned p, unsigned op)
{
	if (in->mod == 3)
		sse_ud(cpu);
	if (op == 0xc3) {
		if (p)
			sse_ud(cpu);
		soft_write(cpu, in->seg, soft_ea(cpu, in), in->osz == 8 ? 8 : 4,
			   cpu->gpr[in->reg] & soft_size_mask(in->osz == 8 ? 8 : 4));
		return;
	}
	if (p >= 2)
		sse_ud(cpu);
	if (op == 0xe7 && p == 0) {
		sse_mmx_enter(cpu);
		sse_store(cpu, in, sse_mm(cpu, in->reg), 8, 0);
		return;
	}
	sse_check(cpu);
	sse_store(cpu, in, sse_xmm(cpu, in->reg), 16, 1);
}

void soft_sse_exec(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned op = in->op & 0xff;
	unsigned p = in->rep == 0xf3 ? 2 : in->rep == 0xf2 ? 3 : in->pfx66 ? 1 : 0;
	const struct simd_op *o;

	switch (op) {
	case 0x10: case 0x11:
		sse_mov_ps(cpu, in, p, op & 1, 0);
		return;
	case 0x28: case 0x29:
		sse_mov_ps(cpu, in, p, op & 1, 1);
		return;
	case 0x12: case 0x13: case 0x16: case 0x17:
		sse_mov_half(cpu, in, p, op);
		return;
	case 0x2a:
		sse_cvt_from_int(cpu, in, p);
		return;
	case 0x2b: case 0xc3: case 0xe7:
		sse_movnt(cpu, in, p, op);
		return;
	case 0x2c: case 0x2d:
		sse_cvt_to_int(cpu, in, p, op);
		return;
	case 0x2e: case 0x2f:
		sse_comi(cpu, in, p, op);
		return;
	case 0x50:
		if (p >= 2)
			sse_ud(cpu);
		sse_movmsk(cpu, in, p ? 8 : 4, 0);
		return;
	case 0x6e: case 0x7e:
		sse_movd(cpu, in, p, op == 0x7e);
		return;
	case 0x6f: case 0x7f:
		sse_movdq(cpu, in, p, op == 0x7f);
		return;
	case 0x70:
		sse_pshuf(cpu, in, p);
		return;
	case 0x71: case 0x72: case 0x73:
		sse_shift_imm(cpu, in, p, op);
		return;
	case 0xc2: {
		static const struct simd_op cmp[4] = {
			{ NULL, 16, 1 }, { NULL, 16, 1 }, { NULL, 4, 1 },
			{ NULL, 8, 1 } };

		sse_run_xmm(cpu, in, &cmp[p], simd_cmp_ops[p][in->imm & 7],
			    in->reg);
		return;
	}
	case 0xc4:
		sse_pinsrw(cpu, in, p);
		return;
	case 0xc5:
		sse_pextrw(cpu, in, p);
		return;
	case 0xc6:
		sse_shufp(cpu, in, p);
		return;
	case 0xd6:
		sse_d6(cpu, in, p);
		return;
	case 0xd7:
		if (p >= 2)
			sse_ud(cpu);
		sse_movmsk(cpu, in, 1, p == 0);
		return;
	case 0xf7:
		sse_maskmov(cpu, in, p);
		return;
	default:
		break;
	}
	if (p == 0 && simd_mmx_ops[op].fn) {
		sse_run_mmx(cpu, in, simd_mmx_ops[op].fn, in->reg, NULL);
		return;
	}
	o = &simd_xmm_ops[p][op];
	if (!o->fn)
		sse_ud(cpu);
	sse_run_xmm(cpu, in, o, o->fn, in->reg);
}

#else

void soft_sse_exec(struct soft_cpu *cpu, const struct soft_insn *in)
{
	(void)in;
	soft_raise(cpu, V_UD, -1);
}

#endif
