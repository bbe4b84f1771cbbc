/* SPDX-License-Identifier: MIT */
/*
 * The MMX/SSE/SSE2 operations the soft CPU runs on the host's SIMD unit:
 * each is the very instruction, on copies of the guest's operands, under
 * the guest's MXCSR rounding, DAZ and FTZ (exceptions masked; sse.c
 * turns unmasked ones into #XM), so results and flags are the
 * hardware's. The host's MXCSR is saved and restored around each one;
 * the MMX forms end with EMMS so the host's x87 stays empty.
 */
#include "hv/soft/simd.h"

#if defined(__x86_64__)

#define SIMD_X(name, insn)                                                  \
	static void name(uint8_t *d, const uint8_t *s, uint32_t *mx)        \
	{                                                                   \
		uint32_t h;                                                 \
		__asm__ volatile("stmxcsr %[h]\n\t"                         \
				 "ldmxcsr %[mx]\n\t"                        \
				 "movdqu %[d], %%xmm0\n\t"                  \
				 "movdqu %[s], %%xmm1\n\t"                  \
				 insn " %%xmm1, %%xmm0\n\t"                 \
				 "movdqu %%xmm0, %[d]\n\t"                  \
				 "stmxcsr %[mx]\n\t"                        \
				 "ldmxcsr %[h]"                             \
				 : [d] "+m"(*(uint8_t(*)[16])d),            \
				   [mx] "+m"(*mx), [h] "=m"(h)              \
				 : [s] "m"(*(const uint8_t(*)[16])s)        \
				 : "xmm0", "xmm1");                         \
	}

#define SIMD_M(name, insn)                                                  \
	static void name(uint8_t *d, const uint8_t *s, uint32_t *mx)        \
	{                                                                   \
		(void)mx;                                                   \
		__asm__ volatile("movq %[d], %%mm0\n\t"                     \
				 "movq %[s], %%mm1\n\t"                     \
				 insn " %%mm1, %%mm0\n\t"                   \
				 "movq %%mm0, %[d]\n\t"                     \
				 "emms"                                     \
				 : [d] "+m"(*(uint8_t(*)[8])d)              \
				 : [s] "m"(*(const uint8_t(*)[8])s)         \
				 : "mm0", "mm1");                           \
	}

/* Both an XMM and an MMX form of an integer operation. */
#define SIMD_XM(op) SIMD_X(x_##op, #op) SIMD_M(m_##op, #op)

SIMD_X(x_sqrtps, "sqrtps") SIMD_X(x_rsqrtps, "rsqrtps")
SIMD_X(x_rcpps, "rcpps") SIMD_X(x_andps, "andps") SIMD_X(x_andnps, "andnps")
SIMD_X(x_orps, "orps") SIMD_X(x_xorps, "xorps") SIMD_X(x_addps, "addps")
SIMD_X(x_mulps, "mulps") SIMD_X(x_cvtps2pd, "cvtps2pd")
SIMD_X(x_cvtdq2ps, "cvtdq2ps") SIMD_X(x_subps, "subps")
SIMD_X(x_minps, "minps") SIMD_X(x_divps, "divps") SIMD_X(x_maxps, "maxps")
SIMD_X(x_unpcklps, "unpcklps") SIMD_X(x_unpckhps, "unpckhps")
SIMD_X(x_sqrtpd, "sqrtpd") SIMD_X(x_andpd, "andpd") SIMD_X(x_andnpd, "andnpd")
SIMD_X(x_orpd, "orpd") SIMD_X(x_xorpd, "xorpd") SIMD_X(x_addpd, "addpd")
SIMD_X(x_mulpd, "mulpd") SIMD_X(x_cvtpd2ps, "cvtpd2ps")
SIMD_X(x_cvtps2dq, "cvtps2dq") SIMD_X(x_subpd, "subpd")
SIMD_X(x_minpd, "minpd") SIMD_X(x_divpd, "divpd") SIMD_X(x_maxpd, "maxpd")
SIMD_X(x_unpcklpd, "unpcklpd") SIMD_X(x_unpckhpd, "unpckhpd")
SIMD_X(x_sqrtss, "sqrtss") SIMD_X(x_rsqrtss, "rsqrtss") SIMD_X(x_rcpss, "rcpss")
SIMD_X(x_addss, "addss") SIMD_X(x_mulss, "mulss") SIMD_X(x_cvtss2sd, "cvtss2sd")
SIMD_X(x_cvttps2dq, "cvttps2dq") SIMD_X(x_subss, "subss")
SIMD_X(x_minss, "minss") SIMD_X(x_divss, "divss") SIMD_X(x_maxss, "maxss")
SIMD_X(x_cvtdq2pd, "cvtdq2pd")
SIMD_X(x_sqrtsd, "sqrtsd") SIMD_X(x_addsd, "addsd") SIMD_X(x_mulsd, "mulsd")
SIMD_X(x_cvtsd2ss, "cvtsd2ss") SIMD_X(x_subsd, "subsd")
SIMD_X(x_minsd, "minsd") SIMD_X(x_divsd, "divsd") SIMD_X(x_maxsd, "maxsd")
SIMD_X(x_cvtpd2dq, "cvtpd2dq") SIMD_X(x_cvttpd2dq, "cvttpd2dq")
SIMD_X(x_punpcklqdq, "punpcklqdq") SIMD_X(x_punpckhqdq, "punpckhqdq")
SIMD_XM(punpcklbw) SIMD_XM(punpcklwd) SIMD_XM(punpckldq) SIMD_XM(packsswb)
SIMD_XM(pcmpgtb) SIMD_XM(pcmpgtw) SIMD_XM(pcmpgtd) SIMD_XM(packuswb)
SIMD_XM(punpckhbw) SIMD_XM(punpckhwd) SIMD_XM(punpckhdq) SIMD_XM(packssdw)
SIMD_XM(pcmpeqb) SIMD_XM(pcmpeqw) SIMD_XM(pcmpeqd)
SIMD_XM(psrlw) SIMD_XM(psrld) SIMD_XM(psrlq) SIMD_XM(paddq) SIMD_XM(pmullw)
SIMD_XM(psubusb) SIMD_XM(psubusw) SIMD_XM(pminub) SIMD_XM(pand)
SIMD_XM(paddusb) SIMD_XM(paddusw) SIMD_XM(pmaxub) SIMD_XM(pandn)
SIMD_XM(pavgb) SIMD_XM(psraw) SIMD_XM(psrad) SIMD_XM(pavgw)
SIMD_XM(pmulhuw) SIMD_XM(pmulhw) SIMD_XM(psubsb) SIMD_XM(psubsw)
SIMD_XM(pminsw) SIMD_XM(por) SIMD_XM(paddsb) SIMD_XM(paddsw)
SIMD_XM(pmaxsw) SIMD_XM(pxor) SIMD_XM(psllw) SIMD_XM(pslld) SIMD_XM(psllq)
SIMD_XM(pmuludq) SIMD_XM(pmaddwd) SIMD_XM(psadbw) SIMD_XM(psubb)
SIMD_XM(psubw) SIMD_XM(psubd) SIMD_XM(psubq) SIMD_XM(paddb) SIMD_XM(paddw)
SIMD_XM(paddd)

#define CMP8(p, sfx)                                                        \
	SIMD_X(x_cmp##sfx##0, "cmp" #sfx " $0,") SIMD_X(x_cmp##sfx##1, "cmp" #sfx " $1,") \
	SIMD_X(x_cmp##sfx##2, "cmp" #sfx " $2,") SIMD_X(x_cmp##sfx##3, "cmp" #sfx " $3,") \
	SIMD_X(x_cmp##sfx##4, "cmp" #sfx " $4,") SIMD_X(x_cmp##sfx##5, "cmp" #sfx " $5,") \
	SIMD_X(x_cmp##sfx##6, "cmp" #sfx " $6,") SIMD_X(x_cmp##sfx##7, "cmp" #sfx " $7,")
CMP8(0, ps) CMP8(1, pd) CMP8(2, ss) CMP8(3, sd)
#define CMPROW(sfx) { x_cmp##sfx##0, x_cmp##sfx##1, x_cmp##sfx##2, x_cmp##sfx##3, \
		      x_cmp##sfx##4, x_cmp##sfx##5, x_cmp##sfx##6, x_cmp##sfx##7 }
simd_fn *const simd_cmp_ops[4][8] = {
	CMPROW(ps), CMPROW(pd), CMPROW(ss), CMPROW(sd),
};

#define P16(f) { f, 16, 1 }	/* packed float, aligned m128 */
#define I16(f) { f, 16, 0 }	/* integer or logic, aligned m128 */
#define S4(f) { f, 4, 1 }
#define S8(f) { f, 8, 1 }
#define M8(f) { f, 8, 0 }

const struct simd_op simd_xmm_ops[4][256] = {
	[0] = {
		[0x14] = I16(x_unpcklps), [0x15] = I16(x_unpckhps),
		[0x51] = P16(x_sqrtps), [0x52] = P16(x_rsqrtps),
		[0x53] = P16(x_rcpps), [0x54] = I16(x_andps),
		[0x55] = I16(x_andnps), [0x56] = I16(x_orps),
		[0x57] = I16(x_xorps), [0x58] = P16(x_addps),
		[0x59] = P16(x_mulps), [0x5a] = S8(x_cvtps2pd),
		[0x5b] = P16(x_cvtdq2ps), [0x5c] = P16(x_subps),
		[0x5d] = P16(x_minps), [0x5e] = P16(x_divps),
		[0x5f] = P16(x_maxps),
	},
	[1] = {
		[0x14] = I16(x_unpcklpd), [0x15] = I16(x_unpckhpd),
		[0x51] = P16(x_sqrtpd), [0x54] = I16(x_andpd),
		[0x55] = I16(x_andnpd), [0x56] = I16(x_orpd),
		[0x57] = I16(x_xorpd), [0x58] = P16(x_addpd),
		[0x59] = P16(x_mulpd), [0x5a] = P16(x_cvtpd2ps),
		[0x5b] = P16(x_cvtps2dq), [0x5c] = P16(x_subpd),
		[0x5d] = P16(x_minpd), [0x5e] = P16(x_divpd),
		[0x5f] = P16(x_maxpd),
		[0x60] = I16(x_punpcklbw), [0x61] = I16(x_punpcklwd),
		[0x62] = I16(x_punpckldq), [0x63] = I16(x_packsswb),
		[0x64] = I16(x_pcmpgtb), [0x65] = I16(x_pcmpgtw),
		[0x66] = I16(x_pcmpgtd), [0x67] = I16(x_packuswb),
		[0x68] = I16(x_punpckhbw), [0x69] = I16(x_punpckhwd),
		[0x6a] = I16(x_punpckhdq), [0x6b] = I16(x_packssdw),
		[0x6c] = I16(x_punpcklqdq), [0x6d] = I16(x_punpckhqdq),
		[0x74] = I16(x_pcmpeqb), [0x75] = I16(x_pcmpeqw),
		[0x76] = I16(x_pcmpeqd),
		[0xd1] = I16(x_psrlw), [0xd2] = I16(x_psrld),
		[0xd3] = I16(x_psrlq), [0xd4] = I16(x_paddq),
		[0xd5] = I16(x_pmullw), [0xd8] = I16(x_psubusb),
		[0xd9] = I16(x_psubusw), [0xda] = I16(x_pminub),
		[0xdb] = I16(x_pand), [0xdc] = I16(x_paddusb),
		[0xdd] = I16(x_paddusw), [0xde] = I16(x_pmaxub),
		[0xdf] = I16(x_pandn), [0xe0] = I16(x_pavgb),
		[0xe1] = I16(x_psraw), [0xe2] = I16(x_psrad),
		[0xe3] = I16(x_pavgw), [0xe4] = I16(x_pmulhuw),
		[0xe5] = I16(x_pmulhw), [0xe6] = P16(x_cvttpd2dq),
		[0xe8] = I16(x_psubsb), [0xe9] = I16(x_psubsw),
		[0xea] = I16(x_pminsw), [0xeb] = I16(x_por),
		[0xec] = I16(x_paddsb), [0xed] = I16(x_paddsw),
		[0xee] = I16(x_pmaxsw), [0xef] = I16(x_pxor),
		[0xf1] = I16(x_psllw), [0xf2] = I16(x_pslld),
		[0xf3] = I16(x_psllq), [0xf4] = I16(x_pmuludq),
		[0xf5] = I16(x_pmaddwd), [0xf6] = I16(x_psadbw),
		[0xf8] = I16(x_psubb), [0xf9] = I16(x_psubw),
		[0xfa] = I16(x_psubd), [0xfb] = I16(x_psubq),
		[0xfc] = I16(x_paddb), [0xfd] = I16(x_paddw),
		[0xfe] = I16(x_paddd),
	},
	[2] = {
		[0x51] = S4(x_sqrtss), [0x52] = S4(x_rsqrtss),
		[0x53] = S4(x_rcpss), [0x58] = S4(x_addss),
		[0x59] = S4(x_mulss), [0x5a] = S4(x_cvtss2sd),
		[0x5b] = P16(x_cvttps2dq), [0x5c] = S4(x_subss),
		[0x5d] = S4(x_minss), [0x5e] = S4(x_divss),
		[0x5f] = S4(x_maxss), [0xe6] = S8(x_cvtdq2pd),
	},
	[3] = {
		[0x51] = S8(x_sqrtsd), [0x58] = S8(x_addsd),
		[0x59] = S8(x_mulsd), [0x5a] = S8(x_cvtsd2ss),
		[0x5c] = S8(x_subsd), [0x5d] = S8(x_minsd),
		[0x5e] = S8(x_divsd), [0x5f] = S8(x_maxsd),
		[0xe6] = P16(x_cvtpd2dq),
	},
};

const struct simd_op simd_mmx_ops[256] = {
	[0x60] = M8(m_punpcklbw), [0x61] = M8(m_punpcklwd),
	[0x62] = M8(m_punpckldq), [0x63] = M8(m_packsswb),
	[0x64] = M8(m_pcmpgtb), [0x65] = M8(m_pcmpgtw),
	[0x66] = M8(m_pcmpgtd), [0x67] = M8(m_packuswb),
	[0x68] = M8(m_punpckhbw), [0x69] = M8(m_punpckhwd),
	[0x6a] = M8(m_punpckhdq), [0x6b] = M8(m_packssdw),
	[0x74] = M8(m_pcmpeqb), [0x75] = M8(m_pcmpeqw), [0x76] = M8(m_pcmpeqd),
	[0xd1] = M8(m_psrlw), [0xd2] = M8(m_psrld), [0xd3] = M8(m_psrlq),
	[0xd4] = M8(m_paddq), [0xd5] = M8(m_pmullw), [0xd8] = M8(m_psubusb),
	[0xd9] = M8(m_psubusw), [0xda] = M8(m_pminub), [0xdb] = M8(m_pand),
	[0xdc] = M8(m_paddusb), [0xdd] = M8(m_paddusw), [0xde] = M8(m_pmaxub),
	[0xdf] = M8(m_pandn), [0xe0] = M8(m_pavgb), [0xe1] = M8(m_psraw),
	[0xe2] = M8(m_psrad), [0xe3] = M8(m_pavgw), [0xe4] = M8(m_pmulhuw),
	[0xe5] = M8(m_pmulhw), [0xe8] = M8(m_psubsb), [0xe9] = M8(m_psubsw),
	[0xea] = M8(m_pminsw), [0xeb] = M8(m_por), [0xec] = M8(m_paddsb),
	[0xed] = M8(m_paddsw), [0xee] = M8(m_pmaxsw), [0xef] = M8(m_pxor),
	[0xf1] = M8(m_psllw), [0xf2] = M8(m_pslld), [0xf3] = M8(m_psllq),
	[0xf4] = M8(m_pmuludq), [0xf5] = M8(m_pmaddwd), [0xf6] = M8(m_psadbw),
	[0xf8] = M8(m_psubb), [0xf9] = M8(m_psubw), [0xfa] = M8(m_psubd),
	[0xfb] = M8(m_psubq), [0xfc] = M8(m_paddb), [0xfd] = M8(m_paddw),
	[0xfe] = M8(m_paddd),
};

/* Integer to scalar float: s holds the integer (4 or 8 bytes). */
#define SIMD_I2F(name, insn, T)                                             \
	void name(uint8_t *d, const uint8_t *s, uint32_t *mx)               \
	{                                                                   \
		uint32_t h;                                                 \
		__asm__ volatile("stmxcsr %[h]\n\t"                         \
				 "ldmxcsr %[mx]\n\t"                        \
				 "movdqu %[d], %%xmm0\n\t"                  \
				 insn " %[s], %%xmm0\n\t"                   \
				 "movdqu %%xmm0, %[d]\n\t"                  \
				 "stmxcsr %[mx]\n\t"                        \
				 "ldmxcsr %[h]"                             \
				 : [d] "+m"(*(uint8_t(*)[16])d),            \
				   [mx] "+m"(*mx), [h] "=m"(h)              \
				 : [s] "m"(*(const T *)s)                   \
				 : "xmm0");                                 \
	}
SIMD_I2F(simd_cvtsi2ss32, "cvtsi2ssl", uint32_t)
SIMD_I2F(simd_cvtsi2ss64, "cvtsi2ssq", uint64_t)
SIMD_I2F(simd_cvtsi2sd32, "cvtsi2sdl", uint32_t)
SIMD_I2F(simd_cvtsi2sd64, "cvtsi2sdq", uint64_t)

/* Scalar float to integer: d gets the integer as 8 bytes. */
#define SIMD_F2I(name, insn, T)                                             \
	void name(uint8_t *d, const uint8_t *s, uint32_t *mx)               \
	{                                                                   \
		uint32_t h;                                                 \
		T r;                                                        \
		uint64_t r64;                                               \
		__asm__ volatile("stmxcsr %[h]\n\t"                         \
				 "ldmxcsr %[mx]\n\t"                        \
				 "movdqu %[s], %%xmm1\n\t"                  \
				 insn " %%xmm1, %[r]\n\t"                   \
				 "stmxcsr %[mx]\n\t"                        \
				 "ldmxcsr %[h]"                             \
				 : [r] "=r"(r), [mx] "+m"(*mx), [h] "=m"(h) \
				 : [s] "m"(*(const uint8_t(*)[16])s)        \
				 : "xmm1");                                 \
		r64 = r;                                                    \
		memcpy(d, &r64, 8);                                         \
	}
SIMD_F2I(simd_cvtss2si32, "cvtss2si", uint32_t)
SIMD_F2I(simd_cvtss2si64, "cvtss2si", uint64_t)
SIMD_F2I(simd_cvttss2si32, "cvttss2si", uint32_t)
SIMD_F2I(simd_cvttss2si64, "cvttss2si", uint64_t)
SIMD_F2I(simd_cvtsd2si32, "cvtsd2si", uint32_t)
SIMD_F2I(simd_cvtsd2si64, "cvtsd2si", uint64_t)
SIMD_F2I(simd_cvttsd2si32, "cvttsd2si", uint32_t)
SIMD_F2I(simd_cvttsd2si64, "cvttsd2si", uint64_t)

/* d[0] = ZF, d[1] = PF, d[2] = CF after the compare. */
#define SIMD_COMI(name, insn)                                               \
	void name(uint8_t *d, const uint8_t *s, uint32_t *mx)               \
	{                                                                   \
		uint32_t h;                                                 \
		__asm__ volatile("stmxcsr %[h]\n\t"                         \
				 "ldmxcsr %[mx]\n\t"                        \
				 "movdqu %[d], %%xmm0\n\t"                  \
				 "movdqu %[s], %%xmm1\n\t"                  \
				 insn " %%xmm1, %%xmm0\n\t"                 \
				 "setz %[z]\n\t"                            \
				 "setp %[p]\n\t"                            \
				 "setc %[c]\n\t"                            \
				 "stmxcsr %[mx]\n\t"                        \
				 "ldmxcsr %[h]"                             \
				 : [z] "=m"(d[0]), [p] "=m"(d[1]),          \
				   [c] "=m"(d[2]), [mx] "+m"(*mx), [h] "=m"(h) \
				 : [d] "m"(*(const uint8_t(*)[16])d),       \
				   [s] "m"(*(const uint8_t(*)[16])s)        \
				 : "xmm0", "xmm1", "cc");                   \
	}
SIMD_COMI(simd_comiss, "comiss")
SIMD_COMI(simd_ucomiss, "ucomiss")
SIMD_COMI(simd_comisd, "comisd")
SIMD_COMI(simd_ucomisd, "ucomisd")

/* MMX source in memory form (no x87 transition on the host). */
#define SIMD_PI2X(name, insn)                                               \
	void name(uint8_t *d, const uint8_t *s, uint32_t *mx)               \
	{                                                                   \
		uint32_t h;                                                 \
		__asm__ volatile("stmxcsr %[h]\n\t"                         \
				 "ldmxcsr %[mx]\n\t"                        \
				 "movdqu %[d], %%xmm0\n\t"                  \
				 insn " %[s], %%xmm0\n\t"                   \
				 "movdqu %%xmm0, %[d]\n\t"                  \
				 "stmxcsr %[mx]\n\t"                        \
				 "ldmxcsr %[h]"                             \
				 : [d] "+m"(*(uint8_t(*)[16])d),            \
				   [mx] "+m"(*mx), [h] "=m"(h)              \
				 : [s] "m"(*(const uint64_t *)s)            \
				 : "xmm0");                                 \
	}
SIMD_PI2X(simd_cvtpi2ps, "cvtpi2ps")
SIMD_PI2X(simd_cvtpi2pd, "cvtpi2pd")

/* XMM source to an MMX result in d[0..7]. */
#define SIMD_X2PI(name, insn)                                               \
	void name(uint8_t *d, const uint8_t *s, uint32_t *mx)               \
	{                                                                   \
		uint32_t h;                                                 \
		__asm__ volatile("stmxcsr %[h]\n\t"                         \
				 "ldmxcsr %[mx]\n\t"                        \
				 "movdqu %[s], %%xmm1\n\t"                  \
				 insn " %%xmm1, %%mm0\n\t"                  \
				 "movq %%mm0, %[d]\n\t"                     \
				 "emms\n\t"                                 \
				 "stmxcsr %[mx]\n\t"                        \
				 "ldmxcsr %[h]"                             \
				 : [d] "=m"(*(uint8_t(*)[8])d),             \
				   [mx] "+m"(*mx), [h] "=m"(h)              \
				 : [s] "m"(*(const uint8_t(*)[16])s)        \
				 : "xmm1", "mm0");                          \
	}
SIMD_X2PI(simd_cvtps2pi, "cvtps2pi")
SIMD_X2PI(simd_cvttps2pi, "cvttps2pi")
SIMD_X2PI(simd_cvtpd2pi, "cvtpd2pi")
SIMD_X2PI(simd_cvttpd2pi, "cvttpd2pi")

#endif
