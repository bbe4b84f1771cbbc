/* SPDX-License-Identifier: MIT */
/*
 * MMX/SSE/SSE2 inside the soft CPU: the two-operand operations that run
 * on the host's own SIMD unit (simdops.c) and the dispatcher (sse.c).
 * Private to the soft CPU.
 */
#ifndef SAFEPC_HV_SOFT_SIMD_H
#define SAFEPC_HV_SOFT_SIMD_H

#include <stdint.h>

#include "hv/soft/fpu.h"

/*
 * One operation on the host: d = d op s over 16 bytes (8 for MMX), under
 * MXCSR *mx (all exceptions masked by the caller), which returns with
 * the flags the operation raised. The host's own MXCSR is kept.
 */
typedef void simd_fn(uint8_t *d, const uint8_t *s, uint32_t *mx);

struct simd_op {
	simd_fn *fn;
	uint8_t msize;	/* memory operand bytes; 16: must be aligned */
	uint8_t fp;	/* floating point: may raise SIMD exceptions */
};

/* By mandatory prefix (0 none, 1 66, 2 F3, 3 F2) and second opcode
 * byte; fn NULL: not a plain two-operand operation. */
extern const struct simd_op simd_xmm_ops[4][256];
/* MMX forms (no prefix, MM registers). */
extern const struct simd_op simd_mmx_ops[256];
/* CMPPS/CMPPD/CMPSS/CMPSD by prefix and predicate (imm8 & 7). */
extern simd_fn *const simd_cmp_ops[4][8];
/* The conversions between a GPR and a scalar: d is the XMM register
 * (int to float) or a 64-bit GPR image (float to int). */
simd_fn simd_cvtsi2ss32, simd_cvtsi2ss64, simd_cvtsi2sd32, simd_cvtsi2sd64,
	simd_cvtss2si32, simd_cvtss2si64, simd_cvttss2si32, simd_cvttss2si64,
	simd_cvtsd2si32, simd_cvtsd2si64, simd_cvttsd2si32, simd_cvttsd2si64;
/* COMISS/UCOMISS/COMISD/UCOMISD: the flags land in d[0..7] (RFLAGS). */
simd_fn simd_comiss, simd_ucomiss, simd_comisd, simd_ucomisd;
/* MMX <-> XMM conversions (CVTPI2PS etc.). */
simd_fn simd_cvtpi2ps, simd_cvtpi2pd, simd_cvtps2pi, simd_cvttps2pi,
	simd_cvtpd2pi, simd_cvttpd2pi;

/* sse.c: 0F 10-17, 28-2F, 50-7F, C2-C6, D0-FF */
soft_handler_fn soft_sse_exec;

#endif
