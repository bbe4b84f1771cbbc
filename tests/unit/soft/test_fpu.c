/* SPDX-License-Identifier: MIT */
/*
 * The soft CPU's x87/SSE control side: #NM for CR0.EM/TS (and WAIT with
 * MP), #UD for SSE without CR4.OSFXSR or with EM, #XM vs #UD by
 * CR4.OSXMMEXCPT, #MF on a pending x87 exception by CR0.NE, FXSAVE
 * alignment and MXCSR reserved bits (#GP), FXSAVE/FXRSTOR and
 * FNSAVE/FRSTOR round trips, EMMS and the MMX tag/TOP transition.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core_env.h"
#include "hv/soft/fpu.h"

#define CODE 0x100000
#define DATA 0x200000
#define NOFAULT 0xee

static struct cenv *env;

/* Runs code (then HLT) in 64-bit mode with CR0/CR4 bits added; the
 * vector an exception went to, or NOFAULT. */
static unsigned run64(const uint8_t *code, size_t len, uint64_t cr0_set,
		      uint64_t cr0_clr, uint64_t cr4_set)
{
	struct soft_cpu *c = env->cpu;
	uint8_t buf[64];

	cenv_long64(env, c);
	c->cr0 = (c->cr0 | cr0_set) & ~cr0_clr;
	c->cr4 |= cr4_set;
	c->gpr[R_AX] = NOFAULT;
	c->gpr[R_SI] = DATA;
	memcpy(buf, code, len);
	buf[len] = 0xf4;
	cenv_load(env, c, CODE, buf, len + 1);
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	return (uint8_t)c->gpr[R_AX];
}

#define RUN(code, s0, c0, s4) run64(code, sizeof(code), s0, c0, s4)
#define OSFX (CR4_OSFXSR | CR4_OSXMMEXCPT)

static void test_nm_ud(void **state)
{
	static const uint8_t fld1[] = { 0xd9, 0xe8 };
	static const uint8_t fwait[] = { 0x9b };
	static const uint8_t movaps[] = { 0x0f, 0x28, 0xc1 };
	static const uint8_t emms[] = { 0x0f, 0x77 };
	static const uint8_t paddb_mm[] = { 0x0f, 0xfc, 0xc1 };
	static const uint8_t fxsave[] = { 0x0f, 0xae, 0x06 };

	(void)state;
	soft_reset_state(env->cpu, 1);
	assert_int_equal(RUN(fld1, 0, 0, 0), NOFAULT);
	assert_int_equal(RUN(fld1, CR0_TS, 0, 0), V_NM);
	assert_int_equal(RUN(fld1, CR0_EM, 0, 0), V_NM);
	/* WAIT: #NM only with MP and TS both set. */
	assert_int_equal(RUN(fwait, CR0_TS, 0, 0), NOFAULT);
	assert_int_equal(RUN(fwait, CR0_TS | CR0_MP, 0, 0), V_NM);
	assert_int_equal(RUN(fwait, CR0_EM | CR0_MP, 0, 0), NOFAULT);
	/* SSE: #UD without OSFXSR or with EM; #NM with TS. */
	assert_int_equal(RUN(movaps, 0, 0, 0), V_UD);
	assert_int_equal(RUN(movaps, 0, 0, OSFX), NOFAULT);
	assert_int_equal(RUN(movaps, CR0_EM, 0, OSFX), V_UD);
	assert_int_equal(RUN(movaps, CR0_TS, 0, OSFX), V_NM);
	/* MMX: #UD with EM, #NM with TS. */
	assert_int_equal(RUN(emms, CR0_EM, 0, 0), V_UD);
	assert_int_equal(RUN(paddb_mm, CR0_TS, 0, 0), V_NM);
	assert_int_equal(RUN(paddb_mm, 0, 0, 0), NOFAULT);
	/* FXSAVE: #NM with EM or TS, no OSFXSR needed. */
	assert_int_equal(RUN(fxsave, CR0_EM, 0, 0), V_NM);
	assert_int_equal(RUN(fxsave, CR0_TS, 0, 0), V_NM);
	assert_int_equal(RUN(fxsave, 0, 0, 0), NOFAULT);
}

static void test_xm(void **state)
{
	/* ldmxcsr [rsi] (ZE unmasked); divps xmm0, xmm1 (1 / 0) */
	static const uint8_t code[] = { 0x0f, 0xae, 0x16, 0x0f, 0x5e, 0xc1 };
	struct soft_cpu *c = env->cpu;
	const uint32_t mx = 0x1f80 & ~(1u << 9);
	const float one = 1.0f;

	(void)state;
	for (int osx = 0; osx < 2; osx++) {
		memcpy(env->ram + DATA, &mx, 4);
		memset(c->fxsave + FX_XMM0, 0, 32);
		memcpy(c->fxsave + FX_XMM0, &one, 4);
		assert_int_equal(run64(code, sizeof(code), 0, 0,
				       CR4_OSFXSR | (osx ? CR4_OSXMMEXCPT : 0)),
				 osx ? V_XM : V_UD);
		/* ZE set, destination unchanged. */
		assert_true(fpu_get32(c, FX_MXCSR) & 4);
		assert_memory_equal(c->fxsave + FX_XMM0, &one, 4);
	}
	/* Masked: no fault, ZE set, infinity written. */
	memcpy(env->ram + DATA, &(uint32_t){ 0x1f80 }, 4);
	assert_int_equal(RUN(code, 0, 0, OSFX), NOFAULT);
	assert_true(fpu_get32(c, FX_MXCSR) & 4);
	assert_int_equal(fpu_get32(c, FX_XMM0), 0x7f800000u);
}

static void test_mf(void **state)
{
	/* fldcw [rsi] (ZE unmasked); fld1; fldz; fdivp; fwait */
	static const uint8_t code[] = { 0xd9, 0x2e, 0xd9, 0xe8, 0xd9, 0xee,
					0xde, 0xf9, 0x9b };
	/* fnclex; fwait */
	static const uint8_t clex[] = { 0xdb, 0xe2, 0x9b };
	struct soft_cpu *c = env->cpu;
	const uint16_t fcw = 0x037b;

	(void)state;
	memcpy(env->ram + DATA, &fcw, 2);
	soft_fpu_init_x87(c);
	assert_int_equal(RUN(code, 0, 0, 0), V_MF);
	/* The fault is on the FWAIT (the last byte), ES and ZE set. */
	assert_true(fpu_get16(c, FX_FSW) & FSW_ES);
	assert_true(fpu_get16(c, FX_FSW) & 4);
	/* Still pending: the next x87 instruction faults too; FNCLEX
	 * clears it. */
	assert_int_equal(run64(clex + 2, 1, 0, 0, 0), V_MF);
	assert_int_equal(RUN(clex, 0, 0, 0), NOFAULT);
	/* With CR0.NE clear the pending exception is ignored. */
	soft_fpu_init_x87(c);
	assert_int_equal(RUN(code, 0, CR0_NE, 0), NOFAULT);
}

static void test_fx_align_mxcsr(void **state)
{
	/* fxsave [rsi+8]; fxrstor [rsi]; ldmxcsr [rsi] */
	static const uint8_t fxsave_mis[] = { 0x0f, 0xae, 0x46, 0x08 };
	static const uint8_t fxrstor[] = { 0x0f, 0xae, 0x0e };
	static const uint8_t ldmxcsr[] = { 0x0f, 0xae, 0x16 };
	uint32_t bad = 0x1f80 | 0x10000;

	(void)state;
	assert_int_equal(RUN(fxsave_mis, 0, 0, OSFX), V_GP);
	memset(env->ram + DATA, 0, 512);
	memcpy(env->ram + DATA + FX_MXCSR, &bad, 4);
	assert_int_equal(RUN(fxrstor, 0, 0, OSFX), V_GP);
	memcpy(env->ram + DATA, &bad, 4);
	assert_int_equal(RUN(ldmxcsr, 0, 0, OSFX), V_GP);
}

/* Legacy SSE: 16-byte memory operands are aligned (#GP(0)) but for
 * MOVUPS/MOVUPD/MOVDQU; scalar and 64-bit ones never are. */
static void test_sse_align(void **state)
{
	static const uint8_t movaps[] = { 0x0f, 0x28, 0x46, 0x08 };
	static const uint8_t movups[] = { 0x0f, 0x10, 0x46, 0x08 };
	static const uint8_t movdqu[] = { 0xf3, 0x0f, 0x6f, 0x46, 0x08 };
	static const uint8_t movdqa[] = { 0x66, 0x0f, 0x7f, 0x46, 0x08 };
	static const uint8_t addps[] = { 0x0f, 0x58, 0x46, 0x08 };
	static const uint8_t paddb[] = { 0x66, 0x0f, 0xfc, 0x46, 0x08 };
	static const uint8_t addss[] = { 0xf3, 0x0f, 0x58, 0x46, 0x01 };
	static const uint8_t movhps[] = { 0x0f, 0x16, 0x46, 0x03 };
	static const uint8_t addps_ok[] = { 0x0f, 0x58, 0x46, 0x10 };
	static const uint8_t lock_addps[] = { 0xf0, 0x0f, 0x58, 0xc1 };

	(void)state;
	memset(env->ram + DATA, 0, 64);
	assert_int_equal(RUN(movaps, 0, 0, OSFX), V_GP);
	assert_int_equal(RUN(movups, 0, 0, OSFX), NOFAULT);
	assert_int_equal(RUN(movdqu, 0, 0, OSFX), NOFAULT);
	assert_int_equal(RUN(movdqa, 0, 0, OSFX), V_GP);
	assert_int_equal(RUN(addps, 0, 0, OSFX), V_GP);
	assert_int_equal(RUN(paddb, 0, 0, OSFX), V_GP);
	assert_int_equal(RUN(addss, 0, 0, OSFX), NOFAULT);
	assert_int_equal(RUN(movhps, 0, 0, OSFX), NOFAULT);
	assert_int_equal(RUN(addps_ok, 0, 0, OSFX), NOFAULT);
	assert_int_equal(RUN(lock_addps, 0, 0, OSFX), V_UD);
}

static void test_fx_roundtrip(void **state)
{
	/* fxsave64 [rsi]; fninit; pxor xmm3, xmm3; fxrstor64 [rsi] */
	static const uint8_t code[] = { 0x48, 0x0f, 0xae, 0x06, 0xdb, 0xe3,
					0x66, 0x0f, 0xef, 0xdb,
					0x48, 0x0f, 0xae, 0x0e };
	/* fnsave [rsi]; frstor [rsi] */
	static const uint8_t save[] = { 0xdd, 0x36, 0xdd, 0x26 };
	struct soft_cpu *c = env->cpu;
	uint8_t want[512];

	(void)state;
	for (unsigned i = 0; i < 512; i++)
		c->fxsave[i] = (uint8_t)(i * 7 + 3);
	fpu_set16(c, FX_FCW, 0x037f);
	fpu_set16(c, FX_FSW, 0x3800);	/* TOP 7, nothing pending */
	fpu_set32(c, FX_MXCSR, 0x1f80);
	fpu_set32(c, FX_MXCSR_MASK, FPU_MXCSR_MASK);
	fpu_set16(c, FX_FOP, 0);
	for (unsigned i = 0; i < 8; i++)
		memset(c->fxsave + FX_ST0 + 16 * i + 10, 0, 6);
	c->fxsave[5] = 0;
	memset(c->fxsave + 416, 0, 96);
	memcpy(want, c->fxsave, 512);
	assert_int_equal(RUN(code, 0, 0, OSFX), NOFAULT);
	/* FIP/FDP: the FNINIT cleared them and FXRSTOR brought them back. */
	assert_memory_equal(c->fxsave, want, 416);
	/* The image in memory is the state (MXCSR_MASK included). */
	assert_memory_equal(env->ram + DATA, want, 416);

	/* FNSAVE/FRSTOR keep registers, tags (as empty or not) and TOP. */
	assert_int_equal(RUN(save, 0, 0, 0), NOFAULT);
	assert_memory_equal(c->fxsave + FX_ST0, want + FX_ST0, 128);
	assert_int_equal(c->fxsave[FX_FTW], want[FX_FTW]);
	assert_int_equal(fpu_get16(c, FX_FSW), 0x3800);
}

/* FNSTENV then FNINIT then FLDENV restores FIP/FOP/FDP, in each of the
 * four layouts: real mode 16/32-bit, protected mode 16/32-bit. */
static void test_env_layouts(void **state)
{
	/* fld dword [si/esi]; fnstenv [si/esi]; fninit; fldenv [si/esi] */
	static const uint8_t r16[] = { 0xd9, 0x04, 0xd9, 0x34, 0xdb, 0xe3,
				       0xd9, 0x24 };
	static const uint8_t r32[] = { 0xd9, 0x04, 0x66, 0xd9, 0x34, 0xdb,
				       0xe3, 0x66, 0xd9, 0x24 };
	static const uint8_t p32[] = { 0xd9, 0x06, 0xd9, 0x36, 0xdb, 0xe3,
				       0xd9, 0x26 };
	static const uint8_t p16[] = { 0xd9, 0x06, 0x66, 0xd9, 0x36, 0xdb,
				       0xe3, 0x66, 0xd9, 0x26 };
	struct {
		const uint8_t *code;
		size_t len;
		int real;
		unsigned envlen;
	} t[] = {
		{ r16, sizeof(r16), 1, 14 }, { r32, sizeof(r32), 1, 28 },
		{ p32, sizeof(p32), 0, 28 }, { p16, sizeof(p16), 0, 14 },
	};
	struct soft_cpu *c = env->cpu;
	const uint64_t at = 0x8000, data = 0x9000;
	uint8_t buf[32];

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		if (t[i].real)
			cenv_real(env, c);
		else
			cenv_prot32(env, c);
		soft_fpu_init_x87(c);
		memset(env->ram + data, 0, 64);
		memcpy(env->ram + data, &(float){ 2.5f }, 4);
		c->gpr[R_SI] = data;
		c->gpr[R_AX] = NOFAULT;
		memcpy(buf, t[i].code, t[i].len);
		buf[t[i].len] = 0xf4;
		cenv_load(env, c, at, buf, t[i].len + 1);
		assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
		assert_int_equal((uint8_t)c->gpr[R_AX], NOFAULT);
		/* The FLD's pointers and opcode, its push (TOP 7, tag). */
		assert_int_equal(fpu_get64(c, FX_FIP), at);
		assert_int_equal(fpu_get64(c, FX_FDP), data);
		/* (The 16-bit protected-mode layout has no FOP.) */
		assert_int_equal(fpu_get16(c, FX_FOP) & 0x7ff,
				 i == 3 ? 0 : 0x100u | t[i].code[1]);
		assert_int_equal((fpu_get16(c, FX_FSW) >> 11) & 7, 7);
		assert_int_equal(c->fxsave[FX_FTW], 0x80);
		/* FNSTENV masked everything; FLDENV brought FCW back. */
		assert_int_equal(fpu_get16(c, FX_FCW), 0x037f);
		/* The full tag word: ST(0) valid, the others empty. */
		assert_int_equal(env->ram[data + (t[i].envlen == 14 ? 4 : 8)], 0xff);
		assert_int_equal(env->ram[data + (t[i].envlen == 14 ? 5 : 9)], 0x3f);
	}
}

static void test_mmx_transition(void **state)
{
	/* fld1 (TOP 7); movq mm0, mm1; emms */
	static const uint8_t mmx[] = { 0xd9, 0xe8, 0x0f, 0x6f, 0xc1 };
	static const uint8_t emms[] = { 0x0f, 0x77 };
	struct soft_cpu *c = env->cpu;

	(void)state;
	soft_fpu_init_x87(c);
	assert_int_equal(RUN(mmx, 0, 0, 0), NOFAULT);
	assert_int_equal((fpu_get16(c, FX_FSW) >> 11) & 7, 0);
	assert_int_equal(c->fxsave[FX_FTW], 0xff);
	/* MM0 written: exponent bits all ones. */
	assert_int_equal(fpu_get16(c, FX_ST0 + 8), 0xffff);
	assert_int_equal(RUN(emms, 0, 0, 0), NOFAULT);
	assert_int_equal(c->fxsave[FX_FTW], 0);
}

static int setup(void **state)
{
	(void)state;
	env = cenv_new();
	return env ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cenv_free(env);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nm_ud),
		cmocka_unit_test(test_xm),
		cmocka_unit_test(test_mf),
		cmocka_unit_test(test_fx_align_mxcsr),
		cmocka_unit_test(test_sse_align),
		cmocka_unit_test(test_fx_roundtrip),
		cmocka_unit_test(test_env_layouts),
		cmocka_unit_test(test_mmx_transition),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
