/* SPDX-License-Identifier: MIT */
/*
 * Read-modify-write instructions that other vCPUs must see as atomic:
 * LOCK-prefixed ALU ops, INC/DEC, NOT/NEG, BTS/BTR/BTC, and XCHG, XADD,
 * CMPXCHG, CMPXCHG8B/16B (locked or not: without LOCK they still run as
 * one access here, which is allowed).
 *
 * The operand is RAM in one page in the common case: soft_rmw_ptr()
 * gives its host address and a compare-and-swap loop on it is the atomic
 * update. Otherwise (MMIO, split across pages) the VM-wide lock_slow
 * serialises the locked instructions and the access goes through the
 * memory front end; the run loop drops that lock if an access faults.
 */
#include "hv/soft/alu.h"
#include "hv/soft/icache.h"
#include "hv/soft/ops.h"

static void lock_slow_take(struct soft_cpu *cpu)
{
	while (atomic_flag_test_and_set_explicit(&cpu->vm->lock_slow,
						 memory_order_acquire))
		__builtin_ia32_pause();
	soft_icache_of(cpu)->lock_held = 1;
}

static void lock_slow_drop(struct soft_cpu *cpu)
{
	soft_icache_of(cpu)->lock_held = 0;
	atomic_flag_clear_explicit(&cpu->vm->lock_slow, memory_order_release);
}

void soft_lock_fault_cleanup(struct soft_cpu *cpu)
{
	if (soft_icache_of(cpu)->lock_held)
		lock_slow_drop(cpu);
}

static uint64_t lock_load(void *p, unsigned size)
{
	switch (size) {
	case 1: return __atomic_load_n((uint8_t *)p, __ATOMIC_SEQ_CST);
	case 2: return __atomic_load_n((uint16_t *)p, __ATOMIC_SEQ_CST);
	case 4: return __atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST);
	default: return __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST);
	}
}

/* CAS: 1 when *p held `old` and now holds `nv`. */
static int lock_cas(void *p, unsigned size, uint64_t old, uint64_t nv)
{
	switch (size) {
	case 1: {
		uint8_t o = (uint8_t)old;
		return __atomic_compare_exchange_n((uint8_t *)p, &o, (uint8_t)nv,
			0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	case 2: {
		uint16_t o = (uint16_t)old;
		return __atomic_compare_exchange_n((uint16_t *)p, &o,
			(uint16_t)nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	case 4: {
		uint32_t o = (uint32_t)old;
		return __atomic_compare_exchange_n((uint32_t *)p, &o,
			(uint32_t)nv, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	default: {
		uint64_t o = old;
		return __atomic_compare_exchange_n((uint64_t *)p, &o, nv, 0,
			__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	}
}

/* 16-byte CAS (the host has CMPXCHG16B); *old gets what was there. */
static int lock_cas16(void *p, unsigned __int128 *old, unsigned __int128 nv)
{
	uint64_t lo = (uint64_t)*old, hi = (uint64_t)(*old >> 64);
	unsigned char ok;

	__asm__ volatile("lock cmpxchg16b %1\n\tsete %0"
			 : "=q"(ok), "+m"(*(unsigned __int128 *)p), "+a"(lo),
			   "+d"(hi)
			 : "b"((uint64_t)nv), "c"((uint64_t)(nv >> 64))
			 : "memory", "cc");
	*old = (unsigned __int128)hi << 64 | lo;
	return ok;
}

/* The new value and flag record of one locked op on `old`. */
static uint64_t lock_compute(struct soft_cpu *cpu, unsigned kind,
			     unsigned op, unsigned s, uint64_t old,
			     uint64_t src, struct soft_lf *lf)
{
	uint64_t m = soft_size_mask(s), r, sign = (uint64_t)1 << (s * 8 - 1);
	unsigned c = soft_lf_cf(cpu);

	switch (kind) {
	case LOCK_ALU:
		r = soft_alu_res(op, s, old, src, c);
		*lf = soft_alu_lf(op, s, old, src, r, c);
		return r;
	case LOCK_INCDEC:
		r = (op ? old - 1 : old + 1) & m;
		*lf = (struct soft_lf){ .op = (LF_SZP << 4) | s, .res = r };
		lf->aux = (c ? F_CF : 0) | (uint32_t)((old ^ r ^ 1) & F_AF);
		if (op ? r == sign - 1 : r == sign)
			lf->aux |= F_OF;
		return r;
	case LOCK_NOT:
		lf->op = LF_KEEP;
		return ~old & m;
	case LOCK_NEG:
		r = (0 - old) & m;
		*lf = soft_alu_lf(ALU_SUB, s, 0, old, r, 0);
		return r;
	default: /* LOCK_BT: op 1 BTS, 2 BTR, 3 BTC; src = bit */
		lf->op = LF_EAGER;
		lf->aux = (soft_lf_compute(cpu) & ~F_CF) |
			  ((old >> src) & 1 ? F_CF : 0);
		if (op == 1)
			return old | (uint64_t)1 << src;
		if (op == 2)
			return old & ~((uint64_t)1 << src);
		return old ^ (uint64_t)1 << src;
	}
}

void soft_lock_rmw(struct soft_cpu *cpu, const struct soft_insn *in,
		   unsigned kind, unsigned op, uint64_t src, uint64_t off)
{
	unsigned s = in->osz;
	void *p = soft_rmw_ptr(cpu, in->seg, off, s);
	struct soft_lf lf;
	uint64_t old, nv;

	if (p) {
		do {
			old = lock_load(p, s);
			nv = lock_compute(cpu, kind, op, s, old, src, &lf);
		} while (!lock_cas(p, s, old, nv));
	} else {
		lock_slow_take(cpu);
		old = soft_read(cpu, in->seg, off, s);
		nv = lock_compute(cpu, kind, op, s, old, src, &lf);
		soft_write(cpu, in->seg, off, s, nv);
		lock_slow_drop(cpu);
	}
	soft_lf_commit(cpu, &lf);
}

/*
 * One atomic exchange-style update of E: `fn` gets the old value and
 * returns the new one (or sets *store = 0 to write nothing, CMPXCHG's
 * failure path, which still writes on real hardware: the old value back).
 */
typedef uint64_t lock_xfn(struct soft_cpu *cpu, const struct soft_insn *in,
			  uint64_t old, void *arg);

static uint64_t lock_update(struct soft_cpu *cpu, const struct soft_insn *in,
			    lock_xfn *fn, void *arg)
{
	unsigned s = in->osz;
	uint64_t off = soft_ea(cpu, in), old, nv;
	void *p = soft_rmw_ptr(cpu, in->seg, off, s);

	if (p) {
		do {
			old = lock_load(p, s);
			nv = fn(cpu, in, old, arg);
		} while (!lock_cas(p, s, old, nv));
		return old;
	}
	lock_slow_take(cpu);
	old = soft_read(cpu, in->seg, off, s);
	nv = fn(cpu, in, old, arg);
	soft_write(cpu, in->seg, off, s, nv);
	lock_slow_drop(cpu);
	return old;
}

static uint64_t lock_xchg_fn(struct soft_cpu *cpu, const struct soft_insn *in,
			     uint64_t old, void *arg)
{
	return *(uint64_t *)arg;
}

void soft_lock_xchg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t g = soft_reg_get(cpu, in->reg, s), old;

	if (in->mod == 3) {
		soft_reg_set(cpu, in->reg, s, soft_reg_get(cpu, in->rm, s));
		soft_reg_set(cpu, in->rm, s, g);
		return;
	}
	old = lock_update(cpu, in, lock_xchg_fn, &g);
	soft_reg_set(cpu, in->reg, s, old);
}

static uint64_t lock_xadd_fn(struct soft_cpu *cpu, const struct soft_insn *in,
			     uint64_t old, void *arg)
{
	return (old + *(uint64_t *)arg) & soft_size_mask(in->osz);
}

void soft_lock_xadd(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t g = soft_reg_get(cpu, in->reg, s), old, r;

	if (in->mod == 3) {
		old = soft_reg_get(cpu, in->rm, s);
		r = soft_alu(cpu, ALU_ADD, s, old, g);
		soft_reg_set(cpu, in->reg, s, old);
		soft_reg_set(cpu, in->rm, s, r);
		return;
	}
	old = lock_update(cpu, in, lock_xadd_fn, &g);
	soft_alu(cpu, ALU_ADD, s, old, g);
	soft_reg_set(cpu, in->reg, s, old);
}

static uint64_t lock_cmpxchg_fn(struct soft_cpu *cpu,
				const struct soft_insn *in, uint64_t old,
				void *arg)
{
	uint64_t *v = arg; /* v[0] accumulator, v[1] source */

	return old == v[0] ? v[1] : old;
}

void soft_lock_cmpxchg(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned s = in->osz;
	uint64_t v[2] = { soft_reg_get(cpu, R_AX, s),
			  soft_reg_get(cpu, in->reg, s) };
	uint64_t old;

	if (in->mod == 3) {
		old = soft_reg_get(cpu, in->rm, s);
		if (old == v[0])
			soft_reg_set(cpu, in->rm, s, v[1]);
	} else {
		old = lock_update(cpu, in, lock_cmpxchg_fn, v);
	}
	soft_alu(cpu, ALU_CMP, s, v[0], old);
	/* The accumulator is written only on failure (with 32-bit
	 * operands that matters: a success leaves RAX's top half). */
	if (old != v[0])
		soft_reg_set(cpu, R_AX, s, old);
}

/* CMPXCHG8B (osz 4 or 2) and CMPXCHG16B (REX.W). */
void soft_lock_cmpxchg8b(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t off = soft_ea(cpu, in);
	int wide = in->osz == 8;
	unsigned n = wide ? 16 : 8;
	uint64_t cmp[2], nv[2], cur[2];
	void *p;
	int eq;

	if (wide) {
		if (off & 15)
			soft_raise(cpu, V_GP, 0);
		cmp[0] = cpu->gpr[R_AX];
		cmp[1] = cpu->gpr[R_DX];
		nv[0] = cpu->gpr[R_BX];
		nv[1] = cpu->gpr[R_CX];
	} else {
		cmp[0] = (uint32_t)cpu->gpr[R_AX] | cpu->gpr[R_DX] << 32;
		nv[0] = (uint32_t)cpu->gpr[R_BX] | cpu->gpr[R_CX] << 32;
		cmp[1] = nv[1] = 0;
	}
	p = soft_rmw_ptr(cpu, in->seg, off, n);
	if (p && !wide) {
		uint64_t o = cmp[0];

		eq = __atomic_compare_exchange_n((uint64_t *)p, &o, nv[0], 0,
						 __ATOMIC_SEQ_CST,
						 __ATOMIC_SEQ_CST);
		cur[0] = o;
		cur[1] = 0;
	} else if (p) {
		unsigned __int128 o = (unsigned __int128)cmp[1] << 64 | cmp[0];
		unsigned __int128 w = (unsigned __int128)nv[1] << 64 | nv[0];

		eq = lock_cas16(p, &o, w);
		cur[0] = (uint64_t)o;
		cur[1] = (uint64_t)(o >> 64);
	} else {
		lock_slow_take(cpu);
		if (wide) {
			cur[0] = soft_read(cpu, in->seg, off, 8);
			cur[1] = soft_read(cpu, in->seg, off + 8, 8);
		} else {
			cur[0] = soft_read(cpu, in->seg, off, 8);
			cur[1] = 0;
		}
		eq = cur[0] == cmp[0] && cur[1] == cmp[1];
		/* The destination is written either way, as hardware does. */
		soft_write(cpu, in->seg, off, 8, eq ? nv[0] : cur[0]);
		if (wide)
			soft_write(cpu, in->seg, off + 8, 8,
				   eq ? nv[1] : cur[1]);
		lock_slow_drop(cpu);
	}
	soft_set_zf(cpu, eq);
	if (!eq) {
		if (wide) {
			cpu->gpr[R_AX] = cur[0];
			cpu->gpr[R_DX] = cur[1];
		} else {
			cpu->gpr[R_AX] = (uint32_t)cur[0];
			cpu->gpr[R_DX] = cur[0] >> 32;
		}
	}
}
