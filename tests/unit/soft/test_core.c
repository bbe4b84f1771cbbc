/* SPDX-License-Identifier: MIT */
/*
 * Soft CPU core tests: decoder lengths and prefixes, small real-mode,
 * 32-bit and 64-bit programs, REP string ops, faults the decoder and the
 * handlers raise, self-modifying code, LOCK atomicity across two vCPUs
 * and interrupt delivery.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core_env.h"
#include "hv/soft/decode.h"

#define CODE 0x100000

static struct cenv *env;

static int setup(void **state)
{
	env = cenv_new();
	return env ? 0 : -1;
}

static int teardown(void **state)
{
	cenv_free(env);
	return 0;
}

/* Runs `code` at CODE in the current mode until it halts. */
static void run(const void *code, size_t len)
{
	cenv_load(env, env->cpu, CODE, code, len);
	assert_int_equal(cenv_run(env, env->cpu), SOFT_EXIT_HLT);
}

/* The vector a handler recorded (AL) and the fault's RIP on the stack. */
static unsigned handled_vector(void)
{
	return (uint8_t)env->cpu->gpr[R_AX];
}

static uint64_t stack_word(unsigned i, unsigned size)
{
	uint64_t v = 0;
	uint64_t sp = env->cpu->gpr[R_SP] + env->cpu->seg[S_SS].base;

	memcpy(&v, env->ram + sp + (uint64_t)i * size, size);
	return v;
}

/* ---- decoder ---- */

static unsigned dec_len(enum soft_mode mode, const uint8_t *b, unsigned n)
{
	struct soft_insn in;

	env->cpu->mode = mode;
	assert_int_equal(soft_decode(env->cpu, 0, b, n, 1, &in), 0);
	return in.len;
}

static void test_decode_lengths(void **state)
{
	static const struct {
		enum soft_mode mode;
		uint8_t len;
		uint8_t b[15];
	} t[] = {
		{ M_LONG64, 1, { 0x90 } },
		{ M_LONG64, 3, { 0x48, 0x01, 0xc8 } },		  /* add rax,rcx */
		{ M_LONG64, 10, { 0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8 } },
		{ M_LONG64, 5, { 0xb8, 1, 2, 3, 4 } },
		{ M_LONG64, 7, { 0x48, 0xc7, 0xc0, 1, 2, 3, 4 } },
		{ M_LONG64, 7, { 0x66, 0x81, 0x44, 0x24, 8, 1, 2 } },
		{ M_LONG64, 6, { 0x8b, 0x05, 1, 2, 3, 4 } },	  /* rip-rel */
		{ M_LONG64, 8, { 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0 } },
		{ M_LONG64, 9, { 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 } }, /* moffs64 */
		{ M_LONG64, 6, { 0x67, 0xa1, 1, 2, 3, 4 } },
		{ M_LONG64, 5, { 0xe8, 0, 0, 0, 0 } },
		{ M_LONG64, 6, { 0x66, 0xe8, 0, 0, 0, 0 } },
		{ M_LONG64, 4, { 0xc8, 1, 2, 3 } },
		{ M_LONG64, 4, { 0x0f, 0xba, 0xe0, 5 } },
		{ M_LONG64, 5, { 0x0f, 0x3a, 0x0f, 0xc1, 8 } },	  /* palignr */
		{ M_LONG64, 4, { 0x0f, 0x38, 0x00, 0xc1 } },
		{ M_LONG64, 4, { 0xf3, 0x0f, 0x10, 0xc1 } },
		{ M_LONG64, 2, { 0xd9, 0xe8 } },		  /* fld1 */
		{ M_LONG64, 6, { 0xdd, 0x05, 0, 0, 0, 0 } },
		{ M_PROT32, 6, { 0x8b, 0x05, 1, 2, 3, 4 } },	  /* abs32 */
		{ M_PROT32, 7, { 0xea, 1, 2, 3, 4, 5, 6 } },
		{ M_PROT32, 7, { 0x8b, 0x84, 0x88, 1, 2, 3, 4 } },
		{ M_PROT32, 5, { 0x67, 0x8b, 0x87, 1, 2 } },
		{ M_REAL, 4, { 0x8b, 0x87, 1, 2 } },		  /* [bx+d16] */
		{ M_REAL, 4, { 0x8b, 0x06, 1, 2 } },		  /* [d16] */
		{ M_REAL, 5, { 0xea, 1, 2, 3, 4 } },
		{ M_REAL, 6, { 0x66, 0xb8, 1, 2, 3, 4 } },
		{ M_REAL, 3, { 0xb8, 1, 2 } },
		{ M_REAL, 3, { 0x6b, 0xc0, 1 } },
		{ M_REAL, 3, { 0x26, 0xf3, 0xa4 } },
		{ M_REAL, 1, { 0x40, 0x90 } },			  /* inc ax */
		{ M_LONG64, 2, { 0x40, 0x90 } },		  /* rex nop */
		{ M_LONG64, 3, { 0x48, 0x66, 0x90 } },	  /* rex, then 66 */
	};

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned l = dec_len(t[i].mode, t[i].b, 15);

		if (l != t[i].len)
			fail_msg("case %u: length %u, want %u", i, l, t[i].len);
	}
	soft_mode_update(env->cpu);
}

/* ---- small programs ---- */

static void test_real_loop(void **state)
{
	static const uint8_t code[] = {
		0xb9, 0x0a, 0x00, /* mov cx, 10 */
		0x31, 0xc0,	  /* xor ax, ax */
		0x01, 0xc8,	  /* add ax, cx */
		0xe2, 0xfc,	  /* loop -4 */
		0xf4,
	};

	cenv_real(env, env->cpu);
	env->cpu->gpr[R_AX] = 0xdead0000ffffull;
	cenv_load(env, env->cpu, 0x7c00, code, sizeof(code));
	assert_int_equal(cenv_run(env, env->cpu), SOFT_EXIT_HLT);
	assert_int_equal(env->cpu->gpr[R_AX], 0xdead00000000ull + 55);
	assert_int_equal(env->cpu->gpr[R_CX] & 0xffff, 0);
	assert_int_equal(env->cpu->rip, 0x7c00 + sizeof(code));
}

static void test_real_strings(void **state)
{
	static const uint8_t code[] = {
		0xb8, 0x00, 0x10, 0x8e, 0xd8, 0x8e, 0xc0, /* ds = es = 0x1000 */
		0xbe, 0x00, 0x00, 0xbf, 0x00, 0x01,	  /* si 0, di 0x100 */
		0xb9, 0x10, 0x00, 0xfc, 0xf3, 0xa4,	  /* rep movsb (16) */
		0xbe, 0x00, 0x00, 0xbf, 0x00, 0x01,
		0xb9, 0x10, 0x00, 0xf3, 0xa6,		  /* repe cmpsb */
		0xf4,
	};
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	for (int i = 0; i < 16; i++)
		env->ram[0x10000 + i] = (uint8_t)(i * 7 + 1);
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_memory_equal(env->ram + 0x10000, env->ram + 0x10100, 16);
	assert_int_equal(c->gpr[R_CX] & 0xffff, 0);
	assert_int_equal(c->gpr[R_SI] & 0xffff, 16);
	assert_true(soft_get_rflags(c) & F_ZF);
}

static void test_real_strings_df_override(void **state)
{
	static const uint8_t code[] = {
		0xb8, 0x00, 0x20, 0x8e, 0xc0,	/* es = 0x2000 */
		0xb8, 0x00, 0x10, 0x8e, 0xe0,	/* fs = 0x1000 */
		0xbe, 0x0f, 0x00, 0xbf, 0x0f, 0x00, /* si = di = 15 */
		0xb9, 0x10, 0x00, 0xfd,		/* cx = 16, std */
		0x64, 0xf3, 0xa4,		/* fs rep movsb */
		0xfc,
		0xb0, 0x42, 0xbf, 0x00, 0x00, 0xb9, 0x20, 0x00,
		0xf2, 0xae,			/* repne scasb */
		0xf4,
	};
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	memset(env->ram + 0x20000, 0, 64);
	for (int i = 0; i < 16; i++)
		env->ram[0x10000 + i] = (uint8_t)(0x80 + i);
	env->ram[0x10005] = 0x42;
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_memory_equal(env->ram + 0x10000, env->ram + 0x20000, 16);
	assert_int_equal(c->gpr[R_SI] & 0xffff, 0xffff);
	/* scasb found 0x42 at es:5 */
	assert_int_equal(c->gpr[R_DI] & 0xffff, 6);
	assert_int_equal(c->gpr[R_CX] & 0xffff, 32 - 6);
	assert_true(soft_get_rflags(c) & F_ZF);
}

static void test_prot32_call(void **state)
{
	static const uint8_t code[] = {
		0x55, 0x89, 0xe5, 0x6a, 0x07,
		0xe8, 0x05, 0x00, 0x00, 0x00, /* call f */
		0x83, 0xc4, 0x04, 0xc9, 0xf4,	/* add esp,4; leave; hlt */
		0x8b, 0x44, 0x24, 0x04,		/* f: mov eax,[esp+4] */
		0x6b, 0xc0, 0x06, 0xc3,		/* imul eax,eax,6; ret */
	};
	struct soft_cpu *c = env->cpu;

	cenv_prot32(env, c);
	run(code, sizeof(code));
	assert_int_equal(c->gpr[R_AX], 42);
	assert_int_equal(c->gpr[R_SP], CENV_STACK);
}

/* ---- faults ---- */

/* Runs code in 64-bit mode, expecting an exception `vec` at offset
 * `at` of the code (with an error code when `err` >= 0). */
static void expect_fault64(const uint8_t *code, size_t len, unsigned vec,
			   unsigned at, int err)
{
	struct soft_cpu *c = env->cpu;

	cenv_long64(env, c);
	run(code, len);
	if (handled_vector() != vec)
		fail_msg("vector %u, want %u", handled_vector(), vec);
	if (err >= 0) {
		assert_int_equal(stack_word(0, 8), (uint64_t)err);
		assert_int_equal(stack_word(1, 8), CODE + at);
	} else {
		assert_int_equal(stack_word(0, 8), CODE + at);
	}
}

static void test_fault_ud(void **state)
{
	static const uint8_t ud2[] = { 0x90, 0x0f, 0x0b };
	static const uint8_t push_es[] = { 0x90, 0x06 };
	static const uint8_t lock_nop[] = { 0xf0, 0x90 };
	static const uint8_t lock_reg[] = { 0xf0, 0x01, 0xc8 };
	static const uint8_t lock_cmp[] = { 0xf0, 0x39, 0x03 };
	static const uint8_t lea_reg[] = { 0x8d, 0xc0 };
	static const uint8_t sse[] = { 0x0f, 0x28, 0xc1 };
	static const uint8_t x87[] = { 0xd9, 0xd1 }; /* reserved x87 form */
	static const uint8_t aam[] = { 0xd4, 0x0a };

	expect_fault64(ud2, sizeof(ud2), V_UD, 1, -1);
	expect_fault64(push_es, sizeof(push_es), V_UD, 1, -1);
	expect_fault64(lock_nop, sizeof(lock_nop), V_UD, 0, -1);
	expect_fault64(lock_reg, sizeof(lock_reg), V_UD, 0, -1);
	expect_fault64(lock_cmp, sizeof(lock_cmp), V_UD, 0, -1);
	expect_fault64(lea_reg, sizeof(lea_reg), V_UD, 0, -1);
	expect_fault64(sse, sizeof(sse), V_UD, 0, -1);
	expect_fault64(x87, sizeof(x87), V_UD, 0, -1);
	expect_fault64(aam, sizeof(aam), V_UD, 0, -1);
}

static void test_fault_15_bytes(void **state)
{
	uint8_t code[16];
	uint8_t ok[16];

	/* 14 prefixes + NOP = 15 bytes: fine; 15 + NOP: #GP(0). */
	memset(ok, 0x66, 14);
	ok[14] = 0x90;
	ok[15] = 0xf4;
	cenv_long64(env, env->cpu);
	env->cpu->gpr[R_AX] = 0x77;
	run(ok, sizeof(ok));
	assert_int_equal(env->cpu->gpr[R_AX], 0x77);
	memset(code, 0x66, 15);
	code[15] = 0x90;
	expect_fault64(code, sizeof(code), V_GP, 0, 0);
}

static void test_fault_de(void **state)
{
	static const uint8_t div0[] = { 0x31, 0xc9, 0xf7, 0xf1 };
	/* edx:eax = 0x10:0, div ecx=1 -> quotient overflow */
	static const uint8_t divo[] = { 0xba, 0x10, 0, 0, 0, 0xb9, 1, 0, 0, 0,
					0xf7, 0xf1 };
	/* idiv: INT64_MIN / -1 */
	static const uint8_t idivo[] = { 0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80,
					 0x48, 0x99, 0x48, 0xc7, 0xc1, 0xff,
					 0xff, 0xff, 0xff, 0x48, 0xf7, 0xf9 };
	static const uint8_t aam0[] = { 0xd4, 0x00 };

	expect_fault64(div0, sizeof(div0), V_DE, 2, -1);
	expect_fault64(divo, sizeof(divo), V_DE, 10, -1);
	expect_fault64(idivo, sizeof(idivo), V_DE, 19, -1);
	/* AAM 0 in 32-bit mode. */
	cenv_prot32(env, env->cpu);
	run(aam0, sizeof(aam0));
	assert_int_equal(handled_vector(), V_DE);
	assert_int_equal(stack_word(0, 4), CODE);
}

static void test_self_modifying(void **state)
{
	static const uint8_t code[] = {
		/* mov byte [rip+1], 0x22 -> patches the next imm8 */
		0xc6, 0x05, 0x01, 0x00, 0x00, 0x00, 0x22,
		0xb0, 0x11, /* mov al, 0x11 (becomes 0x22) */
		0xf4,
	};
	struct soft_cpu *c = env->cpu;

	cenv_long64(env, c);
	run(code, sizeof(code));
	assert_int_equal(c->gpr[R_AX] & 0xff, 0x22);
	/* Second run of the same (now patched, cached) code: restore the
	 * original byte behind the CPU's back and tell it. */
	env->ram[CODE + 8] = 0x11;
	soft_vm_modified(env->vm, CODE + 8, 1);
	c->rip = CODE + 7;
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_AX] & 0xff, 0x11);
}


/* ---- more programs ---- */

static void test_rep_interrupted(void **state)
{
	static const uint8_t code[] = {
		0xb8, 0x00, 0x10, 0x8e, 0xc0,	/* es = 0x1000 */
		0x31, 0xff, 0xb9, 0x10, 0x27,	/* di = 0, cx = 10000 */
		0xb0, 0x5a, 0xfb,		/* al = 0x5a; sti */
		0xf3, 0xaa,			/* rep stosb (at +13) */
		0xf4,
	};
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	memset(env->ram + 0x10000, 0, 0x4000);
	env->nintr = 1;
	env->intr_pos = 0;
	env->intr[0] = 0x40;
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	soft_cpu_request(c, SOFT_REQ_INTR, 0);
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	/* Taken between two bursts, RIP on the REP, RCX/RDI part-way. */
	assert_int_equal(handled_vector(), 0x40);
	assert_int_equal(stack_word(0, 2), 0x7c00 + 13);
	assert_true((c->gpr[R_CX] & 0xffff) > 0 &&
		    (c->gpr[R_CX] & 0xffff) < 10000);
	assert_int_equal((c->gpr[R_CX] & 0xffff) + (c->gpr[R_DI] & 0xffff),
			 10000);
	assert_int_equal(env->ram[0x10000 + (c->gpr[R_DI] & 0xffff)], 0);
	/* "IRET" by hand: the REP resumes and completes. */
	c->rip = stack_word(0, 2);
	c->seg[S_CS].sel = 0;
	c->seg[S_CS].base = 0;
	c->gpr[R_SP] += 6;
	c->gpr[R_AX] = 0x5a;
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_CX] & 0xffff, 0);
	assert_int_equal(c->gpr[R_DI] & 0xffff, 10000);
	for (int i = 0; i < 10000; i++)
		if (env->ram[0x10000 + i] != 0x5a)
			fail_msg("byte %d not stored", i);
	assert_int_equal(env->ram[0x10000 + 10000], 0);
}

static void test_real_flags_and_int(void **state)
{
	static const uint8_t code[] = {
		0x68, 0xff, 0xfe, 0x9d,	/* push 0xfeff; popf */
		0x9c, 0x5b,		/* pushf; pop bx */
		0xcd, 0x21,		/* int 0x21 */
	};
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_BX] & 0xffff, 0x7ed7);
	assert_int_equal(handled_vector(), 0x21);
	assert_int_equal(stack_word(0, 2), 0x7c08);	/* after INT */
	assert_int_equal(stack_word(2, 2), 0x7ed7);	/* FLAGS image */
	assert_false(c->rflags & F_IF);			/* cleared */
}

static void test_single_step(void **state)
{
	static const uint8_t code[] = {
		0x9c, 0x58, 0x0d, 0x00, 0x01,	/* pushf; pop ax; or ax,0x100 */
		0x50, 0x9d, 0x90, 0xf4,		/* push ax; popf; nop; hlt */
	};
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(handled_vector(), V_DB);
	assert_int_equal(stack_word(0, 2), 0x7c08);	/* after the NOP */
}

static void test_real_addressing(void **state)
{
	static const uint8_t code[] = {
		0xb8, 0x00, 0x20, 0x8e, 0xd0,	/* ss = 0x2000 */
		0xb8, 0x00, 0x30, 0x8e, 0xd8,	/* ds = 0x3000 */
		0xb8, 0x00, 0x40, 0x8e, 0xc0,	/* es = 0x4000 */
		0xbd, 0x10, 0x00, 0xbe, 0x20, 0x00, /* bp 0x10, si 0x20 */
		0xbb, 0x08, 0x00,		/* bx = 8 */
		0x8b, 0x42, 0x04,		/* mov ax,[bp+si+4]: ss */
		0x8b, 0x08,			/* mov cx,[bx+si]: ds */
		0x26, 0x8b, 0x17,		/* mov dx,es:[bx] */
		0xb0, 0x02, 0xd7,		/* al = 2; xlat: ds:[bx+al] */
		0xf4,
	};
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	c->gpr[R_SP] = 0x1000;
	env->ram[0x20034] = 0x34;
	env->ram[0x20035] = 0x12;
	env->ram[0x30028] = 0x78;
	env->ram[0x30029] = 0x56;
	env->ram[0x40008] = 0xcd;
	env->ram[0x40009] = 0xab;
	env->ram[0x3000a] = 0x99;
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_AX] & 0xffff, 0x1299);
	assert_int_equal(c->gpr[R_CX] & 0xffff, 0x5678);
	assert_int_equal(c->gpr[R_DX] & 0xffff, 0xabcd);
}

static void test_prot32_enter_leave_pusha(void **state)
{
	static const uint8_t code[] = {
		0xc8, 0x08, 0x00, 0x02,	/* enter 8, 2 */
		0x60, 0x61,		/* pusha; popa */
		0xc9, 0xf4,		/* leave; hlt */
	};
	struct soft_cpu *c = env->cpu;
	uint32_t v = 0x11223344, w;

	cenv_prot32(env, c);
	c->gpr[R_BP] = 0x90000;
	memcpy(env->ram + 0x90000 - 4, &v, 4);
	cenv_load(env, c, CODE, code, 4);
	env->ram[CODE + 4] = 0xf4;
	soft_vm_modified(env->vm, CODE + 4, 1);
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_BP], CENV_STACK - 4);
	assert_int_equal(c->gpr[R_SP], CENV_STACK - 20);
	memcpy(&w, env->ram + CENV_STACK - 4, 4);
	assert_int_equal(w, 0x90000);
	memcpy(&w, env->ram + CENV_STACK - 8, 4);
	assert_int_equal(w, 0x11223344);
	memcpy(&w, env->ram + CENV_STACK - 12, 4);
	assert_int_equal(w, CENV_STACK - 4);
	/* The whole program: PUSHA/POPA keep everything, LEAVE undoes. */
	c->gpr[R_BP] = 0x90000;
	c->gpr[R_SP] = CENV_STACK;
	c->gpr[R_SI] = 0x5151;
	cenv_load(env, c, CODE, code, sizeof(code));
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_BP], 0x90000);
	assert_int_equal(c->gpr[R_SP], CENV_STACK);
	assert_int_equal(c->gpr[R_SI], 0x5151);
}

static void test_prot32_bcd_bound(void **state)
{
	static const uint8_t daa[] = { 0xb0, 0x79, 0x04, 0x35, 0x27, 0xf4 };
	static const uint8_t das[] = { 0xb0, 0x35, 0x2c, 0x47, 0x2f, 0xf4 };
	static const uint8_t aam[] = { 0xb0, 0x3f, 0xd4, 0x0a, 0xf4 };
	static const uint8_t aad[] = { 0x66, 0xb8, 0x03, 0x06, 0xd5, 0x0a, 0xf4 };
	static const uint8_t aaa[] = { 0x66, 0xb8, 0x0f, 0x00, 0x37, 0xf4 };
	/* bound eax, [0x200000] with bounds 10..20 and eax = 21 */
	static const uint8_t bound[] = { 0xb8, 21, 0, 0, 0, 0x62, 0x05,
					 0x00, 0x00, 0x20, 0x00, 0xf4 };
	struct soft_cpu *c = env->cpu;
	uint32_t b[2] = { 10, 20 };

	cenv_prot32(env, c);
	run(daa, sizeof(daa));
	assert_int_equal(c->gpr[R_AX] & 0xff, 0x14);
	assert_true(soft_get_rflags(c) & F_CF);
	run(das, sizeof(das));
	assert_int_equal(c->gpr[R_AX] & 0xff, 0x88);
	assert_true(soft_get_rflags(c) & F_CF);
	run(aam, sizeof(aam));
	assert_int_equal(c->gpr[R_AX] & 0xffff, 0x0603);
	run(aad, sizeof(aad));
	assert_int_equal(c->gpr[R_AX] & 0xffff, 0x003f);
	run(aaa, sizeof(aaa));
	assert_int_equal(c->gpr[R_AX] & 0xffff, 0x0105);
	assert_true(soft_get_rflags(c) & F_CF);
	memcpy(env->ram + 0x200000, b, sizeof(b));
	run(bound, sizeof(bound));
	assert_int_equal(handled_vector(), V_BR);
	assert_int_equal(stack_word(0, 4), CODE + 5);
}

static void test_cmpxchg16b(void **state)
{
	static const uint8_t ok[] = { 0x48, 0x0f, 0xc7, 0x0f, 0xf4 };
	static const uint8_t odd[] = { 0x48, 0x0f, 0xc7, 0x4f, 0x08, 0xf4 };
	struct soft_cpu *c = env->cpu;
	uint64_t m[2] = { 1, 2 };

	cenv_long64(env, c);
	memcpy(env->ram + 0x200000, m, sizeof(m));
	c->gpr[R_DI] = 0x200000;
	c->gpr[R_AX] = 1;
	c->gpr[R_DX] = 2;
	c->gpr[R_BX] = 0x33;
	c->gpr[R_CX] = 0x44;
	run(ok, sizeof(ok));
	assert_true(soft_get_rflags(c) & F_ZF);
	memcpy(m, env->ram + 0x200000, sizeof(m));
	assert_int_equal(m[0], 0x33);
	assert_int_equal(m[1], 0x44);
	/* Mismatch: RDX:RAX get the memory, ZF clear. */
	c->gpr[R_AX] = 5;
	run(ok, sizeof(ok));
	assert_false(soft_get_rflags(c) & F_ZF);
	assert_int_equal(c->gpr[R_AX], 0x33);
	assert_int_equal(c->gpr[R_DX], 0x44);
	/* Misaligned: #GP(0). */
	expect_fault64(odd, sizeof(odd), V_GP, 0, 0);
}


static void test_string_io(void **state)
{
	static const uint8_t code[] = {
		0xba, 0x80, 0x00,		/* dx = 0x80 */
		0xbe, 0x00, 0x00, 0xb9, 0x14, 0x00, /* si = 0, cx = 20 */
		0xf3, 0x6e,			/* rep outsb */
		0xbf, 0x00, 0x01, 0xb9, 0x03, 0x00, /* di = 0x100, cx = 3 */
		0xf3, 0x6d,			/* rep insw */
		0xe4, 0x71,			/* in al, 0x71 */
		0xf4,
	};
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	for (int i = 0; i < 20; i++)
		env->ram[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < 7; i++)
		env->pio_in[i] = (uint8_t)(0x10 + i);
	env->npio_in = 7;
	env->pio_in_pos = 0;
	env->npio_out = 0;
	/* The IVT is not needed here; keep it out of the source bytes. */
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(env->npio_out, 20);
	assert_memory_equal(env->pio_out, env->ram, 20);
	assert_int_equal(c->gpr[R_SI] & 0xffff, 20);
	for (int i = 0; i < 6; i++)
		assert_int_equal(env->ram[0x100 + i], 0x10 + i);
	assert_int_equal(c->gpr[R_DI] & 0xffff, 0x106);
	assert_int_equal(c->gpr[R_AX] & 0xff, 0x16);
	assert_int_equal(env->last_port, 0x71);
}

static void test_init_sipi(void **state)
{
	static const uint8_t code[] = { 0xb0, 0x77, 0xf4 };
	struct soft_cpu *c = env->cpu;

	cenv_long64(env, c);
	soft_cpu_request(c, SOFT_REQ_INIT, 0);
	assert_int_equal(soft_cpu_run(c), SOFT_EXIT_WAIT_SIPI);
	assert_int_equal(c->mode, M_REAL);
	assert_int_equal(soft_cpu_run(c), SOFT_EXIT_WAIT_SIPI);
	memcpy(env->ram + 0x9000, code, sizeof(code));
	soft_vm_modified(env->vm, 0x9000, sizeof(code));
	soft_cpu_request(c, SOFT_REQ_SIPI, 0x09);
	assert_int_equal(soft_cpu_run(c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_AX] & 0xff, 0x77);
	assert_int_equal(c->seg[S_CS].sel, 0x900);
	assert_int_equal(c->rip, 3);
}



static void test_code_page_data_writes(void **state)
{
	static const uint8_t code[] = {
		0xbc, 0x00, 0x7c,	/* mov sp, 0x7c00 (stack below code) */
		0xb9, 0x64, 0x00,	/* mov cx, 100 */
		0x50, 0x58,		/* a: push ax; pop ax */
		0xe2, 0xfc,		/* loop a */
		0xc6, 0x06, 0x0c, 0x7c, 0x90, /* mov byte [0x7c0c], 0x90 */
		0xf4,
	};
	struct soft_cpu *c = env->cpu;
	uint32_t g0, g1;

	cenv_real(env, c);
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	g0 = atomic_load(&env->vm->code_gen[7]);
	c->rip = 0x7c00;
	/* Stop before the patching store: run to the LOOP's end. */
	env->ram[0x7c0a] = 0xf4;
	soft_vm_modified(env->vm, 0x7c0a, 1);
	g0 = atomic_load(&env->vm->code_gen[7]);
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	/* 200 stack writes in the code's page, outside its chunks. */
	assert_int_equal(atomic_load(&env->vm->code_gen[7]), g0);
	env->ram[0x7c0a] = 0xc6;
	soft_vm_modified(env->vm, 0x7c0a, 1);
	c->rip = 0x7c0a;
	g0 = atomic_load(&env->vm->code_gen[7]);
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	g1 = atomic_load(&env->vm->code_gen[7]);
	assert_true(g1 != g0);
}


static void test_page_crossing(void **state)
{
	static const uint8_t code[] = { 0x90, 0x90, 0xb8, 0x44, 0x33, 0x22,
					 0x11, 0x90, 0xf4 };
	struct soft_cpu *c = env->cpu;

	/* The MOV straddles 0x101000; run it twice (cached around it). */
	cenv_long64(env, c);
	cenv_load(env, c, CODE + 0xffc, code, sizeof(code));
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_AX], 0x11223344);
	/* Rewrite the part on the second page: seen at once. */
	env->ram[CODE + 0x1001] = 0x55;
	soft_vm_modified(env->vm, CODE + 0x1001, 1);
	c->rip = CODE + 0xffc;
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(c->gpr[R_AX], 0x11553344);
}


static void test_long64_stack(void **state)
{
	static const uint8_t code[] = {
		0x41, 0x50,			/* push r8 */
		0xe8, 0x04, 0x00, 0x00, 0x00,	/* call f */
		0x41, 0x59, 0xf4, 0x90,		/* pop r9; hlt */
		0x48, 0xff, 0xc0,		/* f: inc rax */
		0xc2, 0x00, 0x00,		/* ret 0 */
	};
	struct soft_cpu *c = env->cpu;

	cenv_long64(env, c);
	c->gpr[R_R8] = 0x123456789abcdefull;
	c->gpr[R_AX] = 1;
	run(code, sizeof(code));
	assert_int_equal(c->gpr[R_AX], 2);
	assert_int_equal(c->gpr[R_R9], 0x123456789abcdefull);
	assert_int_equal(c->gpr[R_SP], CENV_STACK);
}


static void test_rep_page_fault(void **state)
{
	static const uint8_t code[] = {
		0xbf, 0xf0, 0xff, 0x1f, 0x00,	/* mov edi, 0x1ffff0 */
		0xb9, 0x20, 0x00, 0x00, 0x00,	/* mov ecx, 32 */
		0xb0, 0xee, 0xf3, 0xaa,		/* mov al,0xee; rep stosb */
		0xf4,
	};
	/* lock add [0xc0000000], eax: MMIO, through the slow lock */
	static const uint8_t mmio[] = { 0xb8, 0x00, 0x00, 0x00, 0xc0,
					0xf0, 0x01, 0x00, 0xf4 };
	struct soft_cpu *c = env->cpu;
	uint64_t pde;

	cenv_long64(env, c);
	/* The 2 MiB page at 0x200000 not present. */
	memcpy(&pde, env->ram + CENV_PT + 0x2000 + 8, 8);
	pde &= ~1ull;
	memcpy(env->ram + CENV_PT + 0x2000 + 8, &pde, 8);
	memset(env->ram + 0x1ffff0, 0, 16);
	run(code, sizeof(code));
	assert_int_equal(handled_vector(), V_PF);
	assert_int_equal(stack_word(0, 8), PFEC_W);
	assert_int_equal(stack_word(1, 8), CODE + 12);
	assert_int_equal(c->cr2, 0x200000);
	assert_int_equal(c->gpr[R_CX], 16);
	assert_int_equal(c->gpr[R_DI], 0x200000);
	assert_int_equal(env->ram[0x1fffff], 0xee);
	pde |= 1;
	memcpy(env->ram + CENV_PT + 0x2000 + 8, &pde, 8);
	/* 1 GiB identity map only: 0xc0000000 is not mapped either way;
	 * use a 32-bit flat CPU for the MMIO access. */
	cenv_prot32(env, c);
	run(mmio, sizeof(mmio));
	assert_int_equal(c->rip, CODE + sizeof(mmio));
}

/* rep stos with a pattern that is not one repeated byte, from an
 * unaligned start over three pages: every element lands, in order. */
static void test_rep_stos_pattern(void **state)
{
	static const uint8_t code[] = {
		0xbf, 0x08, 0x10, 0x10, 0x00,	/* mov edi, 0x101008 */
		0xb9, 0x01, 0x04, 0x00, 0x00,	/* mov ecx, 1025 */
		0xf3, 0x48, 0xab,		/* rep stosq */
		0xbf, 0x03, 0x40, 0x10, 0x00,	/* mov edi, 0x104003 */
		0xb9, 0x05, 0x08, 0x00, 0x00,	/* mov ecx, 2053 */
		0x66, 0xf3, 0xab,		/* rep stosw (ax) */
		0xf4,
	};
	struct soft_cpu *c = env->cpu;
	uint64_t q;
	uint16_t w;

	cenv_long64(env, c);
	c->gpr[R_AX] = 0x0102030405060708ull;
	memset(env->ram + 0x101000, 0x55, 0x5000);
	run(code, sizeof(code));
	assert_int_equal(c->gpr[R_CX], 0);
	assert_int_equal(env->ram[0x101007], 0x55);
	for (unsigned i = 0; i < 1025; i++) {
		memcpy(&q, env->ram + 0x101008 + 8 * i, 8);
		assert_int_equal(q, 0x0102030405060708ull);
	}
	assert_int_equal(env->ram[0x101008 + 8 * 1025], 0x55);
	assert_int_equal(env->ram[0x104002], 0x55);
	for (unsigned i = 0; i < 2053; i++) {
		memcpy(&w, env->ram + 0x104003 + 2 * i, 2);
		assert_int_equal(w, 0x0708);
	}
	assert_int_equal(env->ram[0x104003 + 2 * 2053], 0x55);
}

/* ---- robustness: random bytes ---- */

static uint64_t core_rng = 0x2545f4914f6cdd1dull;

static uint64_t core_rnd(void)
{
	core_rng ^= core_rng << 13;
	core_rng ^= core_rng >> 7;
	core_rng ^= core_rng << 17;
	return core_rng;
}

static void test_decode_random(void **state)
{
	static const enum soft_mode modes[] = { M_REAL, M_PROT16, M_PROT32,
						M_LONG64 };
	uint8_t b[15];
	struct soft_insn in;

	for (int i = 0; i < 200000; i++) {
		for (int j = 0; j < 15; j++)
			b[j] = (uint8_t)core_rnd();
		env->cpu->mode = modes[i & 3];
		assert_int_equal(soft_decode(env->cpu, 0, b, 15, 1, &in), 0);
		assert_true(in.len >= 1 && in.len <= 15);
		assert_non_null(in.fn);
		/* Fewer bytes than it needs: asks for more, never reads
		 * past what it was given. */
		if (in.len > 1 && in.fn != soft_decode_gp0)
			assert_int_equal(soft_decode(env->cpu, 0, b,
						     in.len - 1u, 1, &in), -1);
	}
	soft_mode_update(env->cpu);
}

struct watchdog {
	struct soft_cpu *cpu;
	atomic_int done;
};

static void *watchdog_thread(void *arg)
{
	struct watchdog *w = arg;
	struct timespec ts = { 0, 200000 };

	for (int i = 0; i < 50 && !atomic_load(&w->done); i++)
		nanosleep(&ts, NULL);
	soft_cpu_request(w->cpu, SOFT_REQ_STOP, 0);
	return NULL;
}

/* Random code in 64-bit mode must end in an exit, never crash the
 * host (run under the sanitizers in CI). */
static void test_exec_random(void **state)
{
	for (int i = 0; i < 300; i++) {
		struct cenv *e = cenv_new();
		struct watchdog w = { .cpu = e->cpu };
		uint8_t code[256];
		pthread_t t;
		enum soft_exit r;

		for (unsigned j = 0; j < sizeof(code); j++)
			code[j] = (uint8_t)core_rnd();
		if (i & 1)
			cenv_long64(e, e->cpu);
		else
			cenv_prot32(e, e->cpu);
		for (int g = 0; g < 16; g++)
			e->cpu->gpr[g] = core_rnd() % CENV_RAM;
		e->cpu->gpr[R_SP] = CENV_STACK;
		cenv_load(e, e->cpu, CODE, code, sizeof(code));
		pthread_create(&t, NULL, watchdog_thread, &w);
		do {
			r = soft_cpu_run(e->cpu);
		} while (r == SOFT_EXIT_HLT && !e->cpu->halted);
		atomic_store(&w.done, 1);
		pthread_join(t, NULL);
		assert_true(r <= SOFT_EXIT_WAIT_SIPI);
		cenv_free(e);
	}
}

/* ---- LOCK across two vCPUs ---- */

#define LOCK_ITERS 100000

static void *lock_thread(void *arg)
{
	struct soft_cpu *c = arg;

	return (void *)(uintptr_t)soft_cpu_run(c);
}

static void test_lock_two_cpus(void **state)
{
	static const uint8_t code[] = {
		0xb9, LOCK_ITERS & 0xff, (LOCK_ITERS >> 8) & 0xff,
		LOCK_ITERS >> 16, 0,			/* mov ecx, N */
		0xb8, 1, 0, 0, 0,			/* a: mov eax, 1 */
		0xf0, 0x0f, 0xc1, 0x03,			/* lock xadd [rbx],eax */
		0xff, 0xc9, 0x75, 0xf3,			/* dec ecx; jnz a */
		0xb9, LOCK_ITERS & 0xff, (LOCK_ITERS >> 8) & 0xff,
		LOCK_ITERS >> 16, 0,			/* mov ecx, N */
		0x8b, 0x43, 0x08,			/* b: mov eax,[rbx+8] */
		0x8d, 0x50, 0x01,			/* lea edx,[rax+1] */
		0xf0, 0x0f, 0xb1, 0x53, 0x08,		/* lock cmpxchg */
		0x75, 0xf3,				/* jnz b */
		0xff, 0xc9, 0x75, 0xef,			/* dec ecx; jnz b */
		0xf4,
	};
	struct soft_cpu *c2 = cenv_cpu2(env, 1);
	pthread_t t1, t2;
	void *r1, *r2;
	uint32_t v[3];

	assert_non_null(c2);
	cenv_long64(env, env->cpu);
	cenv_long64(env, c2);
	memset(env->ram + 0x300000, 0, 16);
	cenv_load(env, env->cpu, CODE, code, sizeof(code));
	cenv_load(env, c2, CODE, code, sizeof(code));
	env->cpu->gpr[R_BX] = 0x300000;
	c2->gpr[R_BX] = 0x300000;
	pthread_create(&t1, NULL, lock_thread, env->cpu);
	pthread_create(&t2, NULL, lock_thread, c2);
	pthread_join(t1, &r1);
	pthread_join(t2, &r2);
	assert_int_equal((uintptr_t)r1, SOFT_EXIT_HLT);
	assert_int_equal((uintptr_t)r2, SOFT_EXIT_HLT);
	memcpy(v, env->ram + 0x300000, sizeof(v));
	assert_int_equal(v[0], 2 * LOCK_ITERS);
	assert_int_equal(v[2], 2 * LOCK_ITERS);
	soft_cpu_free(c2);
}

/* ---- interrupts ---- */

static void test_intr_after_sti_shadow(void **state)
{
	static const uint8_t code[] = { 0xfb, 0x90, 0xeb, 0xfe };
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	env->nintr = 1;
	env->intr_pos = 0;
	env->intr[0] = 0x30;
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	soft_cpu_request(c, SOFT_REQ_INTR, 0);
	assert_int_equal(cenv_run(env, c), SOFT_EXIT_HLT);
	assert_int_equal(handled_vector(), 0x30);
	/* Taken after the NOP in STI's shadow, before the JMP. */
	assert_int_equal(stack_word(0, 2), 0x7c02);
	assert_int_equal(env->intr_pos, 1);
}

static void test_hlt_wakeup(void **state)
{
	static const uint8_t code[] = { 0xfb, 0xf4, 0xb3, 0x01, 0xf4 };
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	env->nintr = 1;
	env->intr_pos = 0;
	env->intr[0] = 0x31;
	atomic_store(&c->req, 0);
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	assert_int_equal(soft_cpu_run(c), SOFT_EXIT_HLT);
	assert_true(c->halted);
	/* Nothing pending: still halted. */
	assert_int_equal(soft_cpu_run(c), SOFT_EXIT_HLT);
	assert_int_equal(c->rip, 0x7c02);
	soft_cpu_request(c, SOFT_REQ_INTR, 0);
	assert_int_equal(soft_cpu_run(c), SOFT_EXIT_HLT);
	assert_int_equal(handled_vector(), 0x31);
	assert_int_equal(stack_word(0, 2), 0x7c02);
}

static void test_stop_request(void **state)
{
	static const uint8_t code[] = { 0xeb, 0xfe };
	struct soft_cpu *c = env->cpu;

	cenv_real(env, c);
	cenv_load(env, c, 0x7c00, code, sizeof(code));
	soft_cpu_request(c, SOFT_REQ_STOP, 0);
	assert_int_equal(soft_cpu_run(c), SOFT_EXIT_REQUEST);
	assert_int_equal(atomic_load(&c->req) & SOFT_REQ_STOP, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_lengths),
		cmocka_unit_test(test_real_loop),
		cmocka_unit_test(test_real_strings),
		cmocka_unit_test(test_real_strings_df_override),
		cmocka_unit_test(test_prot32_call),
		cmocka_unit_test(test_fault_ud),
		cmocka_unit_test(test_fault_15_bytes),
		cmocka_unit_test(test_fault_de),
		cmocka_unit_test(test_self_modifying),
		cmocka_unit_test(test_lock_two_cpus),
		cmocka_unit_test(test_intr_after_sti_shadow),
		cmocka_unit_test(test_hlt_wakeup),
		cmocka_unit_test(test_stop_request),
		cmocka_unit_test(test_rep_interrupted),
		cmocka_unit_test(test_real_flags_and_int),
		cmocka_unit_test(test_single_step),
		cmocka_unit_test(test_real_addressing),
		cmocka_unit_test(test_prot32_enter_leave_pusha),
		cmocka_unit_test(test_prot32_bcd_bound),
		cmocka_unit_test(test_cmpxchg16b),
		cmocka_unit_test(test_string_io),
		cmocka_unit_test(test_init_sipi),
		cmocka_unit_test(test_code_page_data_writes),
		cmocka_unit_test(test_page_crossing),
		cmocka_unit_test(test_long64_stack),
		cmocka_unit_test(test_rep_page_fault),
		cmocka_unit_test(test_rep_stos_pattern),
		cmocka_unit_test(test_decode_random),
		cmocka_unit_test(test_exec_random),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
