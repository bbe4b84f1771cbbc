/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the soft CPU core against the host processor:
 * each user-mode instruction class in 8/16/32/64-bit operand sizes, with
 * random and edge operands, runs natively (diff_native.S, from an
 * executable page) and in the interpreter in 64-bit mode over the same
 * memory (a buffer at a fixed low address that the guest sees at the
 * same address), then every GPR but RSP, the flags the SDM defines for
 * the instruction, and the memory are compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "core_env.h"
#include "hv/soft/alu.h"

struct diff_state {
	uint64_t gpr[16];
	uint64_t rflags;
	uint64_t code;
};
void diff_native_run(struct diff_state *s);

#define BUF_ADDR 0x30000000ull
#define BUF_LEN 0x2000u
#define BUF_PTR (BUF_ADDR + 0x800)
#define CODE 0x100000
#define ROUNDS 24 /* random cases per instruction form and size */

static struct cenv *env;
static uint8_t *buf, *xcode;
static uint8_t mem0[BUF_LEN], mem_nat[BUF_LEN];
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned ncases, nfail;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A random operand with edge values often: 0, 1, all ones, sign
 * boundaries. */
static uint64_t rnd_val(unsigned size)
{
	uint64_t m = soft_size_mask(size), sign = (uint64_t)1 << (size * 8 - 1);

	switch (rnd() % 10) {
	case 0: return 0;
	case 1: return 1;
	case 2: return m;
	case 3: return sign;
	case 4: return sign - 1;
	case 5: return rnd() & 0xff;
	default: return rnd();
	}
}

struct dcase {
	const char *name;
	uint8_t code[16];
	unsigned len;
	uint32_t fmask; /* flags to compare */
	struct diff_state in;
};

static void emit(struct dcase *c, uint8_t b)
{
	c->code[c->len++] = b;
}

static void dump(const struct dcase *c, const struct diff_state *nat)
{
	char hex[64] = "";

	for (unsigned i = 0; i < c->len; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", c->code[i]);
	print_message("  %s: %s flags in %#llx\n", c->name, hex,
		      (unsigned long long)c->in.rflags);
	for (int r = 0; r < 16; r++)
		if (r != R_SP)
			print_message("    r%-2d in %016llx native %016llx soft %016llx\n",
				      r, (unsigned long long)c->in.gpr[r],
				      (unsigned long long)nat->gpr[r],
				      (unsigned long long)env->cpu->gpr[r]);
	print_message("    flags native %#llx soft %#llx mask %#x\n",
		      (unsigned long long)nat->rflags,
		      (unsigned long long)soft_get_rflags(env->cpu), c->fmask);
}

static void run_case(struct dcase *c)
{
	struct soft_cpu *cpu = env->cpu;
	struct diff_state nat = c->in;
	uint8_t code[17];
	int bad = 0;

	ncases++;
	/* Native. */
	memcpy(buf, mem0, BUF_LEN);
	memcpy(xcode, c->code, c->len);
	xcode[c->len] = 0xc3;
	nat.code = (uint64_t)(uintptr_t)xcode;
	diff_native_run(&nat);
	memcpy(mem_nat, buf, BUF_LEN);
	/* Interpreted. */
	memcpy(buf, mem0, BUF_LEN);
	cenv_long64(env, cpu);
	memcpy(cpu->gpr, c->in.gpr, sizeof(cpu->gpr));
	cpu->gpr[R_SP] = CENV_STACK;
	soft_set_rflags(cpu, c->in.rflags | F_1);
	memcpy(code, c->code, c->len);
	code[c->len] = 0xf4;
	cenv_load(env, cpu, CODE, code, c->len + 1);
	if (cenv_run(env, cpu) != SOFT_EXIT_HLT ||
	    cpu->rip != CODE + c->len + 1) {
		print_message("%s: did not complete (vector %u?)\n", c->name,
			      (unsigned)(uint8_t)cpu->gpr[R_AX]);
		bad = 1;
	}
	for (int r = 0; r < 16 && !bad; r++)
		if (r != R_SP && nat.gpr[r] != cpu->gpr[r])
			bad = 1;
	if (!bad && ((nat.rflags ^ soft_get_rflags(cpu)) & c->fmask))
		bad = 1;
	if (!bad && memcmp(mem_nat, buf, BUF_LEN)) {
		print_message("%s: memory differs\n", c->name);
		bad = 1;
	}
	if (bad) {
		if (nfail < 12)
			dump(c, &nat);
		nfail++;
	}
}

/* ---- ModRM instruction forms ---- */

enum { K_PLAIN, K_SHIFT, K_SHXD, K_DIV, K_IDIV, K_BTMEM, K_CMPXCHG };

struct gen {
	const char *name;
	uint8_t op[2], oplen;
	uint8_t bytefm;	 /* the byte form is op - 1 */
	int8_t ext;	 /* ModRM.reg as /ext, or -1: a register operand */
	uint8_t imm;	 /* 0, 1 (imm8), 4 (imm16/32 by size) */
	uint8_t sizes;	 /* 1 2 4 8 as bits */
	uint8_t mem;	 /* 0 register, 1 both, 2 memory only */
	uint8_t kind;
	uint32_t fmask;
};

#define FA F_ARITH
#define FL (F_ARITH & ~F_AF)
#define S_ALL 0xf
#define S_WIDE 0xe

static const struct gen gens[] = {
	{ "add", { 0x01 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "or", { 0x09 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FL },
	{ "adc", { 0x11 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "sbb", { 0x19 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "and", { 0x21 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FL },
	{ "sub", { 0x29 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "xor", { 0x31 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FL },
	{ "cmp", { 0x39 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "add r,m", { 0x03 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "sbb r,m", { 0x1b }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "test", { 0x85 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FL },
	{ "adc imm", { 0x81 }, 1, 1, 2, 4, S_ALL, 1, K_PLAIN, FA },
	{ "sub imm", { 0x81 }, 1, 1, 5, 4, S_ALL, 1, K_PLAIN, FA },
	{ "xor imm", { 0x81 }, 1, 1, 6, 4, S_ALL, 1, K_PLAIN, FL },
	{ "cmp imm8", { 0x83 }, 1, 0, 7, 1, S_WIDE, 1, K_PLAIN, FA },
	{ "sbb imm8", { 0x83 }, 1, 0, 3, 1, S_WIDE, 1, K_PLAIN, FA },
	{ "inc", { 0xff }, 1, 1, 0, 0, S_ALL, 1, K_PLAIN, FA },
	{ "dec", { 0xff }, 1, 1, 1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "not", { 0xf7 }, 1, 1, 2, 0, S_ALL, 1, K_PLAIN, FA },
	{ "neg", { 0xf7 }, 1, 1, 3, 0, S_ALL, 1, K_PLAIN, FA },
	{ "test imm", { 0xf7 }, 1, 1, 0, 4, S_ALL, 1, K_PLAIN, FL },
	{ "mul", { 0xf7 }, 1, 1, 4, 0, S_ALL, 1, K_PLAIN, F_CF | F_OF },
	{ "imul1", { 0xf7 }, 1, 1, 5, 0, S_ALL, 1, K_PLAIN, F_CF | F_OF },
	{ "imul2", { 0x0f, 0xaf }, 2, 0, -1, 0, S_WIDE, 1, K_PLAIN, F_CF | F_OF },
	{ "imul3", { 0x69 }, 1, 0, -1, 4, S_WIDE, 1, K_PLAIN, F_CF | F_OF },
	{ "imul3b", { 0x6b }, 1, 0, -1, 1, S_WIDE, 1, K_PLAIN, F_CF | F_OF },
	{ "div", { 0xf7 }, 1, 1, 6, 0, S_ALL, 1, K_DIV, 0 },
	{ "idiv", { 0xf7 }, 1, 1, 7, 0, S_ALL, 1, K_IDIV, 0 },
	{ "rol", { 0xd3 }, 1, 1, 0, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "ror", { 0xd3 }, 1, 1, 1, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "rcl", { 0xd3 }, 1, 1, 2, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "rcr", { 0xd3 }, 1, 1, 3, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "shl", { 0xd3 }, 1, 1, 4, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "shr", { 0xd3 }, 1, 1, 5, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "sar", { 0xd3 }, 1, 1, 7, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "rol imm", { 0xc1 }, 1, 1, 0, 1, S_ALL, 1, K_SHIFT, 0 },
	{ "rcr imm", { 0xc1 }, 1, 1, 3, 1, S_ALL, 1, K_SHIFT, 0 },
	{ "sar imm", { 0xc1 }, 1, 1, 7, 1, S_ALL, 1, K_SHIFT, 0 },
	{ "shl 1", { 0xd1 }, 1, 1, 4, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "rcl 1", { 0xd1 }, 1, 1, 2, 0, S_ALL, 1, K_SHIFT, 0 },
	{ "shld cl", { 0x0f, 0xa5 }, 2, 0, -1, 0, S_WIDE, 1, K_SHXD, 0 },
	{ "shrd cl", { 0x0f, 0xad }, 2, 0, -1, 0, S_WIDE, 1, K_SHXD, 0 },
	{ "shld imm", { 0x0f, 0xa4 }, 2, 0, -1, 1, S_WIDE, 1, K_SHXD, 0 },
	{ "shrd imm", { 0x0f, 0xac }, 2, 0, -1, 1, S_WIDE, 1, K_SHXD, 0 },
	{ "bt", { 0x0f, 0xa3 }, 2, 0, -1, 0, S_WIDE, 1, K_BTMEM, F_CF },
	{ "bts", { 0x0f, 0xab }, 2, 0, -1, 0, S_WIDE, 1, K_BTMEM, F_CF },
	{ "btr", { 0x0f, 0xb3 }, 2, 0, -1, 0, S_WIDE, 1, K_BTMEM, F_CF },
	{ "btc", { 0x0f, 0xbb }, 2, 0, -1, 0, S_WIDE, 1, K_BTMEM, F_CF },
	{ "bt imm", { 0x0f, 0xba }, 2, 0, 4, 1, S_WIDE, 1, K_PLAIN, F_CF },
	{ "bts imm", { 0x0f, 0xba }, 2, 0, 5, 1, S_WIDE, 1, K_PLAIN, F_CF },
	{ "btc imm", { 0x0f, 0xba }, 2, 0, 7, 1, S_WIDE, 1, K_PLAIN, F_CF },
	{ "bsf", { 0x0f, 0xbc }, 2, 0, -1, 0, S_WIDE, 1, K_PLAIN, F_ZF },
	{ "bsr", { 0x0f, 0xbd }, 2, 0, -1, 0, S_WIDE, 1, K_PLAIN, F_ZF },
	{ "xadd", { 0x0f, 0xc1 }, 2, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "cmpxchg", { 0x0f, 0xb1 }, 2, 1, -1, 0, S_ALL, 1, K_CMPXCHG, FA },
	{ "xchg", { 0x87 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "movzx b", { 0x0f, 0xb6 }, 2, 0, -1, 0, S_WIDE, 1, K_PLAIN, FA },
	{ "movzx w", { 0x0f, 0xb7 }, 2, 0, -1, 0, S_WIDE, 1, K_PLAIN, FA },
	{ "movsx b", { 0x0f, 0xbe }, 2, 0, -1, 0, S_WIDE, 1, K_PLAIN, FA },
	{ "movsx w", { 0x0f, 0xbf }, 2, 0, -1, 0, S_WIDE, 1, K_PLAIN, FA },
	{ "movsxd", { 0x63 }, 1, 0, -1, 0, 0x8, 1, K_PLAIN, FA },
	{ "mov", { 0x89 }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "mov r,m", { 0x8b }, 1, 1, -1, 0, S_ALL, 1, K_PLAIN, FA },
	{ "mov imm", { 0xc7 }, 1, 1, 0, 4, S_ALL, 1, K_PLAIN, FA },
};

/* Registers usable as operands: never RSP (the native stack). */
static unsigned pick_reg(int byte_norex)
{
	for (;;) {
		unsigned r = (unsigned)(rnd() % 16);

		if (r == 4 && !byte_norex)
			continue;
		if (byte_norex && r >= 8)
			continue;
		return r;
	}
}

/* Shift flags the SDM defines for masked count c of op (ModRM.reg
 * numbering) on `bits`-bit operands. */
static uint32_t shift_fmask(unsigned op, unsigned c, unsigned bits)
{
	uint32_t m;

	if (!c)
		return FA;
	if (op <= 3) {
		m = FA & ~F_OF;
		if (c == 1)
			m |= F_OF;
		return m;
	}
	m = F_SF | F_ZF | F_PF;
	if (c < bits)
		m |= F_CF;
	if (c == 1)
		m |= F_OF;
	return m;
}

static unsigned rnd_count(unsigned size)
{
	static const unsigned edge[] = { 0, 1, 31, 32, 63, 64, 7, 8, 9, 15,
					 16, 17 };

	if (rnd() & 1)
		return edge[rnd() % (sizeof(edge) / sizeof(edge[0]))];
	return (unsigned)(rnd() & 0xff);
}

static void gen_case(const struct gen *g, unsigned size)
{
	struct dcase c = { .name = g->name };
	int byte = size == 1, mem = g->mem == 2 || (g->mem && (rnd() & 1));
	int rex = size == 8 ? 8 : 0, use_rex;
	unsigned reg, rm, count = 0, bits = size * 8;
	uint8_t modrm;

	for (int r = 0; r < 16; r++)
		c.in.gpr[r] = rnd_val(size);
	c.in.rflags = (rnd() & F_ARITH) | F_1;
	/* Extended registers through REX.R/B, or the byte registers
	 * AH..BH without REX. */
	use_rex = !byte || (rnd() & 1);
	reg = pick_reg(byte && !use_rex);
	rm = pick_reg(byte && !use_rex);
	if (g->ext >= 0)
		reg = (unsigned)g->ext;
	if (g->kind == K_DIV || g->kind == K_IDIV)
		rm = R_CX, mem = 0;
	if (byte && !use_rex) {
		reg &= 7;
		rm &= 7;
	}
	if (mem) {
		rm = R_BX;
		c.in.gpr[R_BX] = BUF_PTR;
	}
	if (g->ext < 0 && reg >= 8)
		rex |= 4;
	if (rm >= 8)
		rex |= 1;
	if (use_rex && byte)
		rex |= 0x40;
	modrm = (uint8_t)(((reg & 7) << 3) | (rm & 7) | (mem ? 0x40 : 0xc0));
	if (size == 2)
		emit(&c, 0x66);
	if (rex)
		emit(&c, (uint8_t)(0x40 | (rex & 0xf)));
	for (unsigned i = 0; i < g->oplen; i++)
		emit(&c, (uint8_t)(g->op[i] - (byte && i + 1 == g->oplen &&
					       g->bytefm ? 1 : 0)));
	emit(&c, modrm);
	if (mem)
		emit(&c, (uint8_t)(rnd() % 64 - 32));
	c.fmask = g->fmask;
	switch (g->kind) {
	case K_SHIFT:
		count = g->imm ? rnd_count(size) : rnd_count(size);
		if (g->op[0] == 0xd1)
			count = 1;
		else if (g->op[0] == 0xd3)
			c.in.gpr[R_CX] = (c.in.gpr[R_CX] & ~0xffull) | count;
		if (!mem && rm == R_CX && g->op[0] == 0xd3)
			count = (unsigned)c.in.gpr[R_CX] & 0xff;
		c.fmask = shift_fmask((unsigned)g->ext,
				      count & (size == 8 ? 63 : 31), bits);
		break;
	case K_SHXD:
		count = rnd_count(size) & (size == 8 ? 63 : 31);
		if (size == 2)
			count %= 17;
		if (g->op[1] & 1)
			c.in.gpr[R_CX] = (c.in.gpr[R_CX] & ~0xffull) | count;
		if (!mem && (rm == R_CX || reg == R_CX) && (g->op[1] & 1)) {
			/* CL doubles as an operand: keep the count. */
			c.in.gpr[R_CX] = (c.in.gpr[R_CX] & ~0xffull) | count;
		}
		if (count == 0)
			c.fmask = FA;
		else
			c.fmask = F_SF | F_ZF | F_PF | F_CF |
				  (count == 1 ? F_OF : 0);
		break;
	case K_DIV: {
		uint64_t m = soft_size_mask(size), d = rnd_val(size) & m;

		if (!d)
			d = 3;
		c.in.gpr[R_CX] = d;
		if (byte) /* AH < divisor */
			c.in.gpr[R_AX] = (c.in.gpr[R_AX] & ~0xff00ull) |
					 ((rnd() % d) << 8);
		else
			c.in.gpr[R_DX] = rnd() % d;
		break;
	}
	case K_IDIV: {
		uint64_t d = rnd_val(size) & soft_size_mask(size);
		int64_t a;

		if (!d || soft_sext(d, size) == (uint64_t)-1)
			d = 7;
		c.in.gpr[R_CX] = d;
		a = (int64_t)soft_sext(c.in.gpr[R_AX], size);
		if (a == (int64_t)soft_sext((uint64_t)1 << (bits - 1), size))
			c.in.gpr[R_AX] += 1;
		a = (int64_t)soft_sext(c.in.gpr[R_AX], size);
		if (byte)
			c.in.gpr[R_AX] = (c.in.gpr[R_AX] & ~0xff00ull) |
					 ((uint64_t)(a < 0 ? 0xff : 0) << 8);
		else
			c.in.gpr[R_DX] = a < 0 ? ~0ull : 0;
		break;
	}
	case K_BTMEM:
		if (mem) /* a bit offset reaching a few operands away */
			c.in.gpr[reg] = (uint64_t)(int64_t)((int)(rnd() % 4000) - 2000);
		break;
	case K_CMPXCHG:
		if (rnd() & 1)
			c.in.gpr[R_AX] = mem ? 0 : c.in.gpr[rm];
		break;
	default:
		break;
	}
	if (g->imm == 1)
		emit(&c, (uint8_t)(g->kind == K_SHIFT || g->kind == K_SHXD
					   ? count : rnd()));
	else if (g->imm == 4)
		for (unsigned i = 0; i < (size == 2 ? 2u : size == 1 ? 1u : 4u); i++)
			emit(&c, (uint8_t)rnd());
	if (mem && g->kind == K_CMPXCHG && c.in.gpr[R_AX] == 0) {
		/* Make the compare succeed sometimes: accumulator = memory. */
		uint64_t v = 0;

		memcpy(&v, mem0 + 0x800 + (int8_t)c.code[c.len - 1 -
			(g->imm ? 1 : 0)], size);
		c.in.gpr[R_AX] = v;
	}
	if (reg == R_BX && mem && g->ext < 0 && g->kind == K_BTMEM)
		return; /* the bit offset would move the base */
	run_case(&c);
}

static void test_modrm_forms(void **state)
{
	for (unsigned i = 0; i < sizeof(gens) / sizeof(gens[0]); i++)
		for (unsigned s = 1; s <= 8; s <<= 1)
			if (gens[i].sizes & s)
				for (int k = 0; k < ROUNDS; k++)
					gen_case(&gens[i], s);
	print_message("modrm forms: %u cases, %u mismatches\n", ncases, nfail);
	assert_int_equal(nfail, 0);
}

/* ---- forms without ModRM ---- */

static void test_cond_ops(void **state)
{
	unsigned before = nfail;

	for (unsigned cc = 0; cc < 16; cc++) {
		for (int k = 0; k < 8; k++) {
			struct dcase c = { .name = "cmovcc", .fmask = FA };
			unsigned s = 2u << (rnd() % 3);

			for (int r = 0; r < 16; r++)
				c.in.gpr[r] = rnd();
			c.in.rflags = (rnd() & F_ARITH) | F_1;
			if (s == 2)
				emit(&c, 0x66);
			emit(&c, s == 8 ? 0x4d : 0x45); /* r9 <- r13 / REX.RB */
			emit(&c, 0x0f);
			emit(&c, (uint8_t)(0x40 + cc));
			emit(&c, 0xcd);
			if (s != 8) {
				/* no REX.W: 0x45 keeps R and B */
			}
			run_case(&c);
			c = (struct dcase){ .name = "setcc", .fmask = FA };
			for (int r = 0; r < 16; r++)
				c.in.gpr[r] = rnd();
			c.in.rflags = (rnd() & F_ARITH) | F_1;
			emit(&c, 0x0f);
			emit(&c, (uint8_t)(0x90 + cc));
			emit(&c, (uint8_t)(0xc0 | (rnd() % 4))); /* al..bl */
			run_case(&c);
		}
	}
	assert_int_equal(nfail, before);
}

static void test_misc_ops(void **state)
{
	static const struct {
		const char *name;
		uint8_t b[4], n;
	} ops[] = {
		{ "cbw", { 0x66, 0x98 }, 2 }, { "cwde", { 0x98 }, 1 },
		{ "cdqe", { 0x48, 0x98 }, 2 }, { "cwd", { 0x66, 0x99 }, 2 },
		{ "cdq", { 0x99 }, 1 }, { "cqo", { 0x48, 0x99 }, 2 },
		{ "bswap32", { 0x0f, 0xcb }, 2 }, { "bswap64", { 0x49, 0x0f, 0xc9 }, 3 },
		{ "lahf", { 0x9f }, 1 }, { "sahf", { 0x9e }, 1 },
		{ "cmc", { 0xf5 }, 1 }, { "clc", { 0xf8 }, 1 },
		{ "stc", { 0xf9 }, 1 }, { "xchg r8", { 0x49, 0x90 }, 2 },
	};
	unsigned before = nfail;

	for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		for (int k = 0; k < 16; k++) {
			struct dcase c = { .name = ops[i].name, .fmask = FA };

			for (int r = 0; r < 16; r++)
				c.in.gpr[r] = rnd_val(8);
			c.in.rflags = (rnd() & F_ARITH) | F_1;
			memcpy(c.code, ops[i].b, ops[i].n);
			c.len = ops[i].n;
			run_case(&c);
		}
	}
	/* LEA with random ModRM/SIB (no RSP base or index, no RIP). */
	for (int k = 0; k < 400; k++) {
		struct dcase c = { .name = "lea", .fmask = FA };
		unsigned mod = (unsigned)(rnd() % 3), rm = (unsigned)(rnd() % 8);
		unsigned s = 2u << (rnd() % 3);
		uint8_t sib = (uint8_t)rnd();

		if ((sib & 7) == 4)
			sib = (uint8_t)((sib & ~7) | 3);
		if (rm == 5 && mod == 0)
			rm = 6;
		for (int r = 0; r < 16; r++)
			c.in.gpr[r] = rnd_val(8);
		if (rnd() & 1)
			emit(&c, 0x67);
		if (s == 2)
			emit(&c, 0x66);
		/* REX.R set: the destination is r8-r15, never RSP. */
		emit(&c, (uint8_t)(0x44 | (s == 8 ? 8 : 0) | (rnd() & 3)));
		emit(&c, 0x8d);
		emit(&c, (uint8_t)(mod << 6 | (rnd() % 8) << 3 | rm));
		if (rm == 4)
			emit(&c, sib);
		if (mod == 1 || (rm == 4 && mod == 0 && (sib & 7) == 5)) {
			if (mod == 1) {
				emit(&c, (uint8_t)rnd());
			} else {
				for (int i = 0; i < 4; i++)
					emit(&c, (uint8_t)rnd());
			}
		} else if (mod == 2) {
			for (int i = 0; i < 4; i++)
				emit(&c, (uint8_t)rnd());
		}
		/* An index of RSP (100b without REX.X) means none, but
		 * r12 as a base would read... RSP-free by the base fix. */
		run_case(&c);
	}
	assert_int_equal(nfail, before);
}

static void test_string_ops(void **state)
{
	static const uint8_t ops[] = { 0xa4, 0xa6, 0xaa, 0xac, 0xae };
	static const uint8_t reps[] = { 0, 0xf3, 0xf2 };
	unsigned before = nfail;

	for (unsigned i = 0; i < sizeof(ops); i++) {
		for (unsigned s = 1; s <= 8; s <<= 1) {
			for (int k = 0; k < 12; k++) {
				struct dcase c = { .name = "string" };
				uint8_t rep = reps[rnd() % 3];
				int df = (int)(rnd() & 1);

				for (int r = 0; r < 16; r++)
					c.in.gpr[r] = rnd_val(8);
				c.in.gpr[R_SI] = BUF_ADDR + 0x400 + rnd() % 64;
				c.in.gpr[R_DI] = BUF_ADDR + 0xa00 + rnd() % 64;
				c.in.gpr[R_CX] = rnd() % 9;
				c.in.rflags = (rnd() & F_ARITH) | F_1 |
					      (df ? F_DF : 0);
				if (rnd() % 3 == 0) /* make SCAS/CMPS match */
					memcpy(mem0 + 0xa00, mem0 + 0x400, 128);
				c.fmask = (ops[i] == 0xa6 || ops[i] == 0xae)
						  ? FA : FA;
				if (rep)
					emit(&c, rep);
				if (s == 2)
					emit(&c, 0x66);
				if (s == 8)
					emit(&c, 0x48);
				emit(&c, (uint8_t)(ops[i] + (s > 1)));
				run_case(&c);
				/* fresh random memory again */
				for (unsigned j = 0; j < BUF_LEN; j++)
					mem0[j] = (uint8_t)rnd();
			}
		}
	}
	assert_int_equal(nfail, before);
}

static int setup(void **state)
{
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
	for (unsigned j = 0; j < BUF_LEN; j++)
		mem0[j] = (uint8_t)rnd();
	return 0;
}

static int teardown(void **state)
{
	cenv_free(env);
	munmap(buf, BUF_LEN);
	munmap(xcode, 4096);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modrm_forms),
		cmocka_unit_test(test_cond_ops),
		cmocka_unit_test(test_misc_ops),
		cmocka_unit_test(test_string_ops),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
