/* SPDX-License-Identifier: MIT */
/*
 * Control transfers: near jumps, calls and returns, Jcc, LOOP/JCXZ, the
 * software interrupts, HLT, and the far forms, which go to the system
 * files (soft_far_*, soft_iret). Targets are checked before anything is
 * pushed, so a #GP leaves the stack as it was.
 */
#include "hv/soft/alu.h"
#include "hv/soft/ops.h"

/* The checked target of a near transfer at operand size osz. */
static uint64_t branch_check(struct soft_cpu *cpu, uint64_t target,
			     unsigned osz)
{
	target &= soft_size_mask(osz);
	if (cpu->mode == M_LONG64) {
		if ((uint64_t)((int64_t)(target << 16) >> 16) != target)
			soft_raise(cpu, V_GP, 0);
	} else if (target > cpu->seg[S_CS].limit) {
		soft_raise(cpu, V_GP, 0);
	}
	return target;
}

void soft_branch_jcc(struct soft_cpu *cpu, const struct soft_insn *in)
{
	if (soft_cond(cpu, in->sub))
		cpu->rip = branch_check(cpu, cpu->rip + (uint64_t)in->disp,
					in->osz);
}

void soft_branch_jmp(struct soft_cpu *cpu, const struct soft_insn *in)
{
	cpu->rip = branch_check(cpu, cpu->rip + (uint64_t)in->disp, in->osz);
}

void soft_branch_call(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t t = branch_check(cpu, cpu->rip + (uint64_t)in->disp, in->osz);

	soft_stack_push(cpu, in->osz, cpu->rip);
	cpu->rip = t;
}

void soft_branch_jmp_e(struct soft_cpu *cpu, const struct soft_insn *in)
{
	cpu->rip = branch_check(cpu, soft_e_read(cpu, in, in->osz), in->osz);
}

void soft_branch_call_e(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t t = branch_check(cpu, soft_e_read(cpu, in, in->osz), in->osz);

	soft_stack_push(cpu, in->osz, cpu->rip);
	cpu->rip = t;
}

void soft_branch_ret(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned w = soft_stack_width(cpu);
	uint64_t t = branch_check(cpu, soft_stack_peek(cpu, in->osz, 0),
				  in->osz);

	soft_reg_set(cpu, R_SP, w, cpu->gpr[R_SP] + in->osz + in->imm);
	cpu->rip = t;
}

/* LOOPNE (sub 0), LOOPE (1), LOOP (2): the count register is the
 * address size's. */
void soft_branch_loop(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t c = (cpu->gpr[R_CX] - 1) & in->amask;
	int take = c != 0;

	if (in->sub == 0)
		take = take && !soft_lf_zf(cpu);
	else if (in->sub == 1)
		take = take && soft_lf_zf(cpu);
	if (take) {
		uint64_t t = branch_check(cpu, cpu->rip + (uint64_t)in->disp,
					  in->osz);

		soft_reg_set(cpu, R_CX, in->asz, c);
		cpu->rip = t;
	} else {
		soft_reg_set(cpu, R_CX, in->asz, c);
	}
}

void soft_branch_jcxz(struct soft_cpu *cpu, const struct soft_insn *in)
{
	if (!(cpu->gpr[R_CX] & in->amask))
		cpu->rip = branch_check(cpu, cpu->rip + (uint64_t)in->disp,
					in->osz);
}

void soft_branch_int3(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_deliver(cpu, SOFT_EV_INT3, V_BP, -1);
}

void soft_branch_int(struct soft_cpu *cpu, const struct soft_insn *in)
{
	/* vm86 without VME: INT n is IOPL-sensitive. */
	if (cpu->mode == M_VM86 && ((cpu->rflags & F_IOPL) >> 12) < 3)
		soft_raise(cpu, V_GP, 0);
	soft_deliver(cpu, SOFT_EV_SOFT, (unsigned)in->imm, -1);
}

void soft_branch_into(struct soft_cpu *cpu, const struct soft_insn *in)
{
	if (soft_lf_compute(cpu) & F_OF)
		soft_deliver(cpu, SOFT_EV_INTO, V_OF, -1);
}

void soft_branch_int1(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_deliver(cpu, SOFT_EV_EXC, V_DB, -1);
}

void soft_branch_jmpf(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_far_jmp(cpu, in->imm2, in->imm, in->osz);
}

void soft_branch_callf(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_far_call(cpu, in->imm2, in->imm, in->osz);
}

/* FF /3 and /5: the far pointer in memory, offset first. */
static void branch_far_ptr(struct soft_cpu *cpu, const struct soft_insn *in,
			   uint16_t *sel, uint64_t *off)
{
	uint64_t a = soft_ea(cpu, in);

	*off = soft_read(cpu, in->seg, a, in->osz);
	*sel = (uint16_t)soft_read(cpu, in->seg, (a + in->osz) & in->amask, 2);
}

void soft_branch_jmpf_m(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint16_t sel;
	uint64_t off;

	branch_far_ptr(cpu, in, &sel, &off);
	soft_far_jmp(cpu, sel, off, in->osz);
}

void soft_branch_callf_m(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint16_t sel;
	uint64_t off;

	branch_far_ptr(cpu, in, &sel, &off);
	soft_far_call(cpu, sel, off, in->osz);
}

void soft_branch_retf(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_far_ret(cpu, in->osz, (uint16_t)in->imm);
}

void soft_branch_iret(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_iret(cpu, in->osz);
}

void soft_branch_hlt(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_hlt(cpu);
}
