/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the soft CPU's x87 (and FXSAVE/FXRSTOR) against
 * the host processor: each instruction form runs natively
 * (diff_fpu_native.S) and in the interpreter in 64-bit mode from the same
 * x87/SSE state (random, with edge values: ±0, infinities, quiet and
 * signalling NaNs, denormals, unnormals, every rounding and precision
 * control, random TOP and tags, masked and unmasked exceptions) and the
 * same memory; then the control word, status word, tags, registers,
 * MXCSR, XMM registers, GPRs, arithmetic flags and memory are compared.
 * FIP/FDP/FOP are not: natively they hold the host's addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "core_env.h"
#include "hv/soft/fpu.h"

struct fdiff_state {
	uint8_t fx[512];
	uint64_t gpr[16];
	uint64_t rflags;
	uint64_t code;
} __attribute__((aligned(16)));
void diff_fpu_native_run(struct fdiff_state *s);

#define BUF_ADDR 0x30000000ull
#define BUF_LEN 0x1000u
#define BUF_PTR (BUF_ADDR + 0x800)
#define CODE 0x100000
#define ROUNDS 24

static struct cenv *env;
static uint8_t *buf, *xcode;
static uint8_t mem0[BUF_LEN], mem_nat[BUF_LEN];
static uint64_t rng = 0x2545f4914f6cdd1dull;
static unsigned ncases, nfail;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* An 80-bit value: often an edge one. */
static void rnd_ext(uint8_t *p)
{
	uint64_t m = rnd();
	uint16_t se = (uint16_t)rnd();

	switch (rnd() % 12) {
	case 0: m = 0; se &= 0x8000; break;			/* ±0 */
	case 1: m = 1ull << 63; se |= 0x7fff; break;		/* ±inf */
	case 2: m |= 3ull << 62; se |= 0x7fff; break;		/* QNaN */
	case 3: m = (m | 1) & ~(1ull << 62); m |= 1ull << 63;
		se |= 0x7fff; break;				/* SNaN */
	case 4: m &= ~(1ull << 63); se &= 0x8000; break;	/* denormal */
	case 5: m &= ~(1ull << 63); break;			/* unnormal */
	case 6: m |= 1ull << 63; se = (se & 0x8000) | 0x3fff; break; /* ~1 */
	case 7: m = 1ull << 63; se = (se & 0x8000) | (uint16_t)(0x3fff + rnd() % 70);
		break;						/* integers */
	default: m |= 1ull << 63;
		se = (se & 0x8000) | (uint16_t)(0x3fff - 40 + rnd() % 80);
		if (rnd() % 8 == 0)
			se ^= 0x3000;
		break;
	}
	memcpy(p, &m, 8);
	memcpy(p + 8, &se, 2);
}

/* A random but loadable state: no pending unmasked exception (the
 * native instruction would trap on it). */
static void rnd_state(uint8_t *fx, int unmask)
{
	uint16_t fcw = (uint16_t)(0x7f | (rnd() % 4) << 8 | (rnd() % 4) << 10);
	uint16_t fsw;
	uint32_t mxcsr = 0x1f80;

	memset(fx, 0, 512);
	if (rnd() % 8 == 0)
		fcw = 0x037f;
	if (unmask)
		fcw &= (uint16_t)~(rnd() & 0x3f);
	fsw = (uint16_t)((rnd() & 0x3f) & fcw & 0x3f);
	fsw |= (uint16_t)(rnd() & (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3 | FSW_TOP));
	memcpy(fx + FX_FCW, &fcw, 2);
	memcpy(fx + FX_FSW, &fsw, 2);
	fx[FX_FTW] = (uint8_t)rnd();
	if (rnd() % 4 == 0)
		fx[FX_FTW] = 0xff;
	memcpy(fx + FX_MXCSR, &mxcsr, 4);
	for (unsigned i = 0; i < 8; i++)
		rnd_ext(fx + FX_ST0 + 16 * i);
	for (unsigned i = 0; i < 16 * 16; i++)
		fx[FX_XMM0 + i] = (uint8_t)rnd();
}

static void rnd_mem(void)
{
	for (unsigned j = 0; j < BUF_LEN; j++)
		mem0[j] = (uint8_t)rnd();
	/* Edge values at the operand: an 80-bit one, or 0/-0/inf/NaN
	 * patterns for the smaller formats. */
	switch (rnd() % 6) {
	case 0: rnd_ext(mem0 + 0x800); break;
	case 1: memset(mem0 + 0x800, 0, 16); break;
	case 2: memcpy(mem0 + 0x800, "\x00\x00\x80\x7f", 4); break;
	case 3: memcpy(mem0 + 0x800, "\x00\x00\x00\x00\x00\x00\xf0\xff", 8); break;
	case 4: memcpy(mem0 + 0x800, "\x01\x00\xc0\x7f", 4); break;
	default: break;
	}
}

struct fcase {
	const char *name;
	uint8_t code[8];
	unsigned len;
	unsigned cmp_mem;	/* bytes of memory compared at BUF_PTR, or all */
	unsigned skip_at, skip_len; /* bytes at BUF_PTR + skip_at not compared */
	struct fdiff_state in;
};

static void dump_fx(const char *who, const uint8_t *fx)
{
	print_message("    %s fcw %04x fsw %04x ftw %02x mxcsr %08x\n", who,
		      fx[0] | fx[1] << 8, fx[2] | fx[3] << 8, fx[4],
		      (unsigned)(fx[24] | fx[25] << 8 | fx[26] << 16));
	for (unsigned i = 0; i < 8; i++) {
		const uint8_t *r = fx + FX_ST0 + 16 * i;

		print_message("      st%u %02x%02x %02x%02x%02x%02x%02x%02x%02x%02x\n",
			      i, r[9], r[8], r[7], r[6], r[5], r[4], r[3],
			      r[2], r[1], r[0]);
	}
}

/* Zeroes what is not compared: FOP, FIP, FDP and the MXCSR mask. */
static void fx_norm(uint8_t *fx)
{
	memset(fx + FX_FOP, 0, 18);
	memset(fx + FX_MXCSR_MASK, 0, 4);
	memset(fx + 5, 0, 1);
	for (unsigned i = 0; i < 8; i++)
		memset(fx + FX_ST0 + 16 * i + 10, 0, 6);
	memset(fx + 416, 0, 96);
}

static void run_case(struct fcase *c)
{
	struct soft_cpu *cpu = env->cpu;
	static struct fdiff_state nat;
	uint8_t soft_fx[512], code[9];
	int bad = 0;

	ncases++;
	nat = c->in;
	memcpy(buf, mem0, BUF_LEN);
	memcpy(xcode, c->code, c->len);
	xcode[c->len] = 0xc3;
	nat.code = (uint64_t)(uintptr_t)xcode;
	if (getenv("DIFF_FPU_TRACE"))
		fprintf(stderr, "%s %02x %02x %02x %02x %02x %02x\n", c->name,
			c->code[0], c->code[1], c->code[2], c->code[3],
			c->code[4], c->code[5]);
	diff_fpu_native_run(&nat);
	memcpy(mem_nat, buf, BUF_LEN);

	memcpy(buf, mem0, BUF_LEN);
	cenv_long64(env, cpu);
	cpu->cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
	memcpy(cpu->gpr, c->in.gpr, sizeof(cpu->gpr));
	cpu->gpr[R_SP] = CENV_STACK;
	soft_set_rflags(cpu, c->in.rflags | F_1);
	memcpy(cpu->fxsave, c->in.fx, 512);
	memcpy(code, c->code, c->len);
	code[c->len] = 0xf4;
	cenv_load(env, cpu, CODE, code, c->len + 1);
	if (cenv_run(env, cpu) != SOFT_EXIT_HLT ||
	    cpu->rip != CODE + c->len + 1) {
		print_message("%s: did not complete (vector %u?)\n", c->name,
			      (unsigned)(uint8_t)cpu->gpr[R_AX]);
		bad = 1;
	}
	memcpy(soft_fx, cpu->fxsave, 512);
	memset(mem_nat + 0x800 + c->skip_at, 0, c->skip_len);
	memset(buf + 0x800 + c->skip_at, 0, c->skip_len);
	if (c->skip_len) {
		/* The host's MXCSR_MASK may have bits beyond ours (AMD's MM
		 * bit 17); ours is the Intel one, 0xffff. */
		memset(mem_nat + 0x800 + FX_MXCSR_MASK, 0, 4);
		memset(buf + 0x800 + FX_MXCSR_MASK, 0, 4);
	}
	fx_norm(soft_fx);
	fx_norm(nat.fx);
	for (int r = 0; r < 16 && !bad; r++)
		if (r != R_SP && nat.gpr[r] != cpu->gpr[r])
			bad = 1;
	if (!bad && ((nat.rflags ^ soft_get_rflags(cpu)) & F_ARITH))
		bad = 1;
	if (!bad && memcmp(soft_fx, nat.fx, 512))
		bad = 1;
	if (!bad && (c->cmp_mem ? memcmp(mem_nat + 0x800, buf + 0x800, c->cmp_mem)
				: memcmp(mem_nat, buf, BUF_LEN))) {
		for (unsigned j = 0; j < BUF_LEN; j++)
			if (mem_nat[j] != buf[j]) {
				print_message("%s: memory differs at +%#x: %02x %02x\n",
					      c->name, j, mem_nat[j], buf[j]);
				break;
			}
		bad = 1;
	}
	if (bad) {
		if (nfail < 10) {
			char hex[32] = "";

			for (unsigned i = 0; i < c->len; i++)
				snprintf(hex + 3 * i, sizeof(hex) - 3 * i,
					 "%02x ", c->code[i]);
			print_message("  %s: %s rax nat %llx soft %llx flags nat %llx soft %llx\n",
				      c->name, hex,
				      (unsigned long long)nat.gpr[0],
				      (unsigned long long)cpu->gpr[0],
				      (unsigned long long)nat.rflags,
				      (unsigned long long)soft_get_rflags(cpu));
			dump_fx("in", c->in.fx);
			dump_fx("native", nat.fx);
			dump_fx("soft", soft_fx);
		}
		nfail++;
	}
}

static void fcase_init(struct fcase *c, const char *name, int unmask)
{
	memset(c, 0, sizeof(*c));
	c->name = name;
	rnd_state(c->in.fx, unmask);
	for (int r = 0; r < 16; r++)
		c->in.gpr[r] = rnd();
	c->in.gpr[R_SI] = BUF_PTR;
	c->in.rflags = (rnd() & F_ARITH) | F_1;
	rnd_mem();
}

/* Forms the soft CPU runs (x87.c's table): the rest are #UD there. */
static int reg_form_ok(unsigned opc, unsigned m)
{
	switch (opc) {
	case 1:
		return m < 0xd1 || m == 0xe0 || m == 0xe1 || m == 0xe4 ||
		       m == 0xe5 || (m >= 0xe8 && m <= 0xee) || m >= 0xf0;
	case 2: return m < 0xe0 || m == 0xe9;
	case 3: return m < 0xe5 || (m >= 0xe8 && m < 0xf8);
	case 4: return m < 0xd0 || m >= 0xe0;
	case 5: return m < 0xc8 || (m >= 0xd0 && m < 0xf0);
	case 6: return m < 0xd0 || m == 0xd9 || m >= 0xe0;
	case 7: return m == 0xe0 || (m >= 0xe8 && m < 0xf8);
	default: return 1;
	}
}

static void test_x87_reg_forms(void **state)
{
	unsigned before = nfail;
	struct fcase c;

	(void)state;
	for (unsigned opc = 0; opc < 8; opc++) {
		for (unsigned m = 0xc0; m <= 0xff; m++) {
			if (!reg_form_ok(opc, m))
				continue;
			for (unsigned k = 0; k < ROUNDS; k++) {
				fcase_init(&c, "x87 reg", k & 1);
				c.code[0] = (uint8_t)(0xd8 + opc);
				c.code[1] = (uint8_t)m;
				c.len = 2;
				run_case(&c);
			}
		}
	}
	print_message("x87 register forms: %u cases, %u failed\n", ncases,
		      nfail - before);
	assert_int_equal(nfail, before);
}

static void test_x87_mem_forms(void **state)
{
	static const uint8_t ok[8] = { 0xff, 0xfd, 0xff, 0xad,
				       0xff, 0x8d, 0xff, 0xfd };
	unsigned before = nfail;
	struct fcase c;

	(void)state;
	for (unsigned opc = 0; opc < 8; opc++) {
		for (unsigned reg = 0; reg < 8; reg++) {
			if (!((ok[opc] >> reg) & 1))
				continue;
			for (unsigned k = 0; k < ROUNDS; k++) {
				fcase_init(&c, "x87 mem", k & 1);
				c.code[0] = (uint8_t)(0xd8 + opc);
				c.code[1] = (uint8_t)(0x06 | reg << 3);
				c.len = 2;
				/* FNSTENV/FNSAVE hold FIP/FDP: compare the
				 * control, status and tag words only. */
				if ((opc == 1 && reg == 6) || (opc == 5 && reg == 6))
					c.cmp_mem = 12;
				run_case(&c);
			}
		}
	}
	assert_int_equal(nfail, before);
}

/* FXSAVE64/FXRSTOR64 and the 32-bit forms; FNSAVE then FRSTOR. */
static void test_fx_forms(void **state)
{
	static const uint8_t codes[][4] = {
		{ 0x48, 0x0f, 0xae, 0x06 },	/* fxsave64 [rsi] */
		{ 0x48, 0x0f, 0xae, 0x0e },	/* fxrstor64 [rsi] */
		{ 0x0f, 0xae, 0x0e },		/* fxrstor [rsi] */
		{ 0x0f, 0xae, 0x16 },		/* ldmxcsr [rsi] */
		{ 0x0f, 0xae, 0x1e },		/* stmxcsr [rsi] */
		{ 0x9b },			/* fwait */
		{ 0xdb, 0xe2 },			/* fnclex */
		{ 0xdb, 0xe3 },			/* fninit */
	};
	static const unsigned lens[] = { 4, 4, 3, 3, 3, 1, 2, 2 };
	unsigned before = nfail;
	struct fcase c;

	(void)state;
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (unsigned k = 0; k < ROUNDS; k++) {
			fcase_init(&c, "fx", 0);
			memcpy(c.code, codes[i], lens[i]);
			c.len = lens[i];
			if (i == 0) {
				/* Not FOP/FIP/FDP (bytes 6-23). */
				c.skip_at = 6;
				c.skip_len = 18;
			} else if (i == 1 || i == 2) {
				uint32_t mx = 0x1f80 ^ (uint32_t)(rnd() & 0xffbf);

				rnd_state(mem0 + 0x800, 0);
				memcpy(mem0 + 0x800 + FX_MXCSR, &mx, 4);
				/* No pending unmasked x87 exception. */
				mem0[0x800 + FX_FSW] &= mem0[0x800 + FX_FCW] & 0x3f;
			} else if (i == 3) {
				uint32_t mx = (uint32_t)rnd() & 0xffff;

				memcpy(mem0 + 0x800, &mx, 4);
			}
			run_case(&c);
		}
	}
	assert_int_equal(nfail, before);
}

/* ---- MMX/SSE/SSE2 ---- */

#define XR 0x100	/* register form only */
#define XM 0x200	/* memory form only */
#define XI 0x400	/* imm8 follows */
#define XS 0x800	/* shift group: ModRM.reg picks the shift */

static const uint16_t sse_none[] = {
	0x10, 0x11, 0x12, 0x13 | XM, 0x14, 0x15, 0x16, 0x17 | XM, 0x28, 0x29, 0x2a,
	0x2b | XM, 0x2c, 0x2d, 0x2e, 0x2f, 0x50 | XR, 0x51, 0x52, 0x53, 0x54,
	0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
	0x6b, 0x6e, 0x6f, 0x70 | XI, 0x71 | XS, 0x72 | XS, 0x73 | XS, 0x74,
	0x75, 0x76, 0x7e, 0x7f, 0xc2 | XI, 0xc3 | XM, 0xc4 | XI,
	0xc5 | XI | XR, 0xc6 | XI, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd7 | XR,
	0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2,
	0xe3, 0xe4, 0xe5, 0xe7 | XM, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed,
	0xee, 0xef, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7 | XR, 0xf8,
	0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe,
};
static const uint16_t sse_66[] = {
	0x10, 0x11, 0x12 | XM, 0x13 | XM, 0x14, 0x15, 0x16 | XM, 0x17 | XM,
	0x28, 0x29, 0x2a, 0x2b | XM, 0x2c, 0x2d, 0x2e, 0x2f, 0x50 | XR,
	0x51, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d,
	0x5e, 0x5f, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
	0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70 | XI, 0x71 | XS,
	0x72 | XS, 0x73 | XS, 0x74, 0x75, 0x76, 0x7e, 0x7f, 0xc2 | XI,
	0xc4 | XI, 0xc5 | XI | XR, 0xc6 | XI, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5,
	0xd6, 0xd7 | XR, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7 | XM, 0xe8, 0xe9,
	0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5,
	0xf6, 0xf7 | XR, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe,
};
static const uint16_t sse_f3[] = {
	0x10, 0x11, 0x2a, 0x2c, 0x2d, 0x51, 0x52, 0x53, 0x58, 0x59, 0x5a,
	0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x6f, 0x70 | XI, 0x7e, 0x7f,
	0xc2 | XI, 0xd6 | XR, 0xe6,
};
static const uint16_t sse_f2[] = {
	0x10, 0x11, 0x2a, 0x2c, 0x2d, 0x51, 0x58, 0x59, 0x5a, 0x5c, 0x5d,
	0x5e, 0x5f, 0x70 | XI, 0xc2 | XI, 0xd6 | XR, 0xe6,
};

/* A float-ish 32-bit or 64-bit lane pattern, often an edge value. */
static void rnd_lanes(uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i += 4) {
		uint32_t v = (uint32_t)rnd();

		switch (rnd() % 10) {
		case 0: v = 0; break;
		case 1: v = 0x80000000u; break;
		case 2: v = 0x7f800000u; break;
		case 3: v = 0xff800000u; break;
		case 4: v = 0x7fc00000u | (v & 0xffff); break;
		case 5: v = 0x7f800001u | (v & 0x3fffff); break;
		case 6: v &= 0x807fffffu; break;		/* denormal */
		case 7: v = (v & 0x80ffffffu) | 0x3f000000u; break;
		default: break;
		}
		memcpy(p + i, &v, 4);
	}
}

static void sse_state(struct fcase *c)
{
	/* Every exception masked natively (an unmasked one would trap
	 * the test): rounding, DAZ, FTZ and the sticky flags random. */
	uint32_t mx = 0x1f80u | (uint32_t)(rnd() & 0x3f) |
		      (uint32_t)(rnd() & 3) << 13 | (uint32_t)(rnd() & 0x8040);

	memcpy(c->in.fx + FX_MXCSR, &mx, 4);
	rnd_lanes(c->in.fx + FX_XMM0, 256);
	for (unsigned i = 0; i < 8; i++)
		if (rnd() & 1)
			rnd_lanes(c->in.fx + FX_ST0 + 16 * i, 8);
	rnd_lanes(mem0 + 0x800, 16);
	c->in.gpr[R_DI] = BUF_PTR + 32;
}

static unsigned pick_nosp(void)
{
	unsigned r;

	do
		r = (unsigned)(rnd() % 16);
	while (r == 4);
	return r;
}

static void sse_forms(const uint16_t *ops, unsigned n, uint8_t pfx)
{
	struct fcase c;

	for (unsigned i = 0; i < n; i++) {
		unsigned op = ops[i] & 0xff, f = ops[i] & 0xff00;

		for (unsigned k = 0; k < ROUNDS; k++) {
			int mem = (f & XM) ? 1 : (f & (XR | XS)) ? 0 : (int)(rnd() & 1);
			unsigned reg = pick_nosp(), rm = pick_nosp();
			uint8_t rex = 0x40;

			fcase_init(&c, "sse", 0);
			sse_state(&c);
			if (f & XS) {
				static const uint8_t sh[] = { 2, 4, 6, 2, 6, 3, 7 };
				unsigned nsh = op == 0x73 ? (pfx == 0x66 ? 4 : 2) : 3;

				reg = op == 0x73 ? sh[3 + rnd() % nsh] : sh[rnd() % 3];
			}
			if (rnd() & 1)
				rex |= 8;
			if (reg & 8)
				rex |= 4;
			if (!mem && (rm & 8))
				rex |= 1;
			if (pfx)
				c.code[c.len++] = pfx;
			if (rex != 0x40 || (rnd() & 1))
				c.code[c.len++] = rex;
			c.code[c.len++] = 0x0f;
			c.code[c.len++] = (uint8_t)op;
			c.code[c.len++] = mem ? (uint8_t)(((reg & 7) << 3) | 6)
					      : (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
			if (f & (XI | XS))
				c.code[c.len++] = (uint8_t)(op == 0xc2 ? rnd() % 8 : rnd());
			c.cmp_mem = 64;
			run_case(&c);
		}
	}
}

static void test_sse_forms(void **state)
{
	unsigned before = nfail, n0 = ncases;

	(void)state;
	sse_forms(sse_none, sizeof(sse_none) / 2, 0);
	sse_forms(sse_66, sizeof(sse_66) / 2, 0x66);
	sse_forms(sse_f3, sizeof(sse_f3) / 2, 0xf3);
	sse_forms(sse_f2, sizeof(sse_f2) / 2, 0xf2);
	print_message("MMX/SSE/SSE2 forms: %u cases, %u failed\n",
		      ncases - n0, nfail - before);
	assert_int_equal(nfail, before);
}

static int setup(void **state)
{
	(void)state;
	buf = mmap((void *)BUF_ADDR, BUF_LEN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (buf != (uint8_t *)BUF_ADDR)
		return -1;
	xcode = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (xcode == MAP_FAILED)
		return -1;
	env = cenv_new();
	env->alias = buf;
	env->alias_len = BUF_LEN;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cenv_free(env);
	munmap(buf, BUF_LEN);
	munmap(xcode, 4096);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x87_reg_forms),
		cmocka_unit_test(test_x87_mem_forms),
		cmocka_unit_test(test_fx_forms),
		cmocka_unit_test(test_sse_forms),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
