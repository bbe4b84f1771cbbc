/* SPDX-License-Identifier: MIT */
/*
 * Stack accesses for the system side of the soft CPU (far calls and
 * returns, interrupt delivery, IRET): pushes and pops on an explicit
 * stack (a segment cache, a pointer and a width) that need not be the
 * current SS yet, so every access can be made and checked before any
 * architectural state changes.
 */
#include "hv/soft/sys.h"

unsigned sys_stack_size(const struct soft_cpu *cpu, const struct soft_seg *ss)
{
	if (cpu->mode == M_LONG64)
		return 8;
	return (ss->attr & SEG_A_DB) ? 4 : 2;
}

void sys_stk_cur(struct soft_cpu *cpu, struct sys_stack *s)
{
	s->ss = cpu->seg[S_SS];
	s->sp = cpu->gpr[R_SP];
	s->ssize = sys_stack_size(cpu, &s->ss);
	s->lm = cpu->mode == M_LONG64;
	s->prot = cpu->mode != M_REAL && cpu->mode != M_VM86;
	s->sys = cpu->cpl < 3;
	s->err = 0;
}

static uint64_t stk_mask(unsigned ssize)
{
	return ssize == 8 ? ~(uint64_t)0
			  : ssize == 4 ? 0xffffffffu : 0xffffu;
}

/* The linear address of `size` bytes at stack offset `off`. */
static uint64_t stk_lin(struct soft_cpu *cpu, const struct sys_stack *s,
			uint64_t off, unsigned size, int write)
{
	const struct soft_seg *ss = &s->ss;
	uint64_t last = off + size - 1;

	if (s->lm) {
		if (!sys_canonical(off) || !sys_canonical(last))
			soft_raise(cpu, V_SS, s->err);
		return off;
	}
	if (s->prot) {
		if (!(ss->attr & SEG_A_P) || (ss->attr & 0x8) ||
		    (write && !(ss->attr & 0x2)))
			soft_raise(cpu, V_SS, s->err);
		if (ss->attr & 0x4) {
			uint64_t top = (ss->attr & SEG_A_DB) ? 0xffffffffu
							     : 0xffffu;

			if (off <= ss->limit || last > top)
				soft_raise(cpu, V_SS, s->err);
			return (ss->base + off) & 0xffffffffu;
		}
	}
	if (last > ss->limit)
		soft_raise(cpu, V_SS, s->err);
	return (ss->base + off) & 0xffffffffu;
}

void sys_stk_push(struct soft_cpu *cpu, struct sys_stack *s, unsigned size,
		  uint64_t v)
{
	uint64_t mask = stk_mask(s->ssize);
	uint64_t sp = (s->sp - size) & mask;

	soft_write_lin(cpu, stk_lin(cpu, s, sp, size, 1), size, v, s->sys);
	s->sp = (s->sp & ~mask) | sp;
}

uint64_t sys_stk_pop(struct soft_cpu *cpu, struct sys_stack *s, unsigned size)
{
	uint64_t mask = stk_mask(s->ssize);
	uint64_t sp = s->sp & mask;
	uint64_t v = soft_read_lin(cpu, stk_lin(cpu, s, sp, size, 0), size,
				   s->sys);

	s->sp = (s->sp & ~mask) | ((sp + size) & mask);
	return v;
}

void sys_stk_skip(struct sys_stack *s, uint64_t bytes)
{
	uint64_t mask = stk_mask(s->ssize);

	s->sp = (s->sp & ~mask) | ((s->sp + bytes) & mask);
}

void sys_stk_commit(struct soft_cpu *cpu, const struct sys_stack *s)
{
	uint64_t mask = stk_mask(s->ssize);

	cpu->gpr[R_SP] = (cpu->gpr[R_SP] & ~mask) | (s->sp & mask);
}
