/* SPDX-License-Identifier: MIT */
/*
 * The instruction handlers the decoder's tables point at, one group per
 * file: arith.c, shift.c, datamov.c, pushpop.c, branch.c, string.c,
 * sysop.c, lock.c. Private to the core.
 */
#ifndef SAFEPC_HV_SOFT_OPS_H
#define SAFEPC_HV_SOFT_OPS_H

#include "hv/soft/decode.h"

/* arith.c */
soft_handler_fn soft_arith_alu_eg, soft_arith_alu_ge, soft_arith_alu_ei;
soft_handler_fn soft_arith_test_eg, soft_arith_test_ei;
soft_handler_fn soft_arith_incdec, soft_arith_not, soft_arith_neg;
soft_handler_fn soft_arith_mul, soft_arith_imul1, soft_arith_div,
	soft_arith_idiv;
soft_handler_fn soft_arith_imul_ge, soft_arith_imul_gei;
soft_handler_fn soft_arith_cbw, soft_arith_cwd;
soft_handler_fn soft_arith_daa, soft_arith_das, soft_arith_aaa,
	soft_arith_aas, soft_arith_aam, soft_arith_aad, soft_arith_salc;
soft_handler_fn soft_arith_flagop, soft_arith_sahf, soft_arith_lahf;

/* lock.c: the read-modify-write instructions that may be LOCKed */
soft_handler_fn soft_lock_xadd, soft_lock_cmpxchg, soft_lock_cmpxchg8b,
	soft_lock_xchg;
/* LOCKed group-1 / INC / DEC / NOT / NEG / BTx on memory. */
void soft_lock_rmw(struct soft_cpu *cpu, const struct soft_insn *in,
		   unsigned kind, unsigned op, uint64_t src, uint64_t off);
enum { LOCK_ALU, LOCK_INCDEC, LOCK_NOT, LOCK_NEG, LOCK_BT };

/* shift.c */
soft_handler_fn soft_shift_grp2, soft_shift_shxd;
soft_handler_fn soft_shift_bt_g, soft_shift_bt_i, soft_shift_bsf,
	soft_shift_bsr, soft_shift_bswap;

/* datamov.c */
soft_handler_fn soft_dmov_mov_eg, soft_dmov_mov_ge, soft_dmov_mov_ei,
	soft_dmov_moffs, soft_dmov_movzx, soft_dmov_movsx, soft_dmov_movsxd,
	soft_dmov_lea, soft_dmov_xchg, soft_dmov_cmov, soft_dmov_setcc,
	soft_dmov_xlat, soft_dmov_bound, soft_dmov_arpl, soft_dmov_nop,
	soft_dmov_from_sreg, soft_dmov_to_sreg, soft_dmov_lxs;

/* pushpop.c */
soft_handler_fn soft_stack_push_e, soft_stack_pop_e, soft_stack_push_i,
	soft_stack_push_sreg, soft_stack_pop_sreg, soft_stack_pusha,
	soft_stack_popa, soft_stack_pushf, soft_stack_popf, soft_stack_enter,
	soft_stack_leave;

/* branch.c */
soft_handler_fn soft_branch_jcc, soft_branch_jmp, soft_branch_call,
	soft_branch_jmp_e, soft_branch_call_e, soft_branch_ret,
	soft_branch_loop, soft_branch_jcxz, soft_branch_int3,
	soft_branch_int, soft_branch_into, soft_branch_int1,
	soft_branch_jmpf, soft_branch_callf, soft_branch_jmpf_m,
	soft_branch_callf_m, soft_branch_retf, soft_branch_iret,
	soft_branch_hlt;

/* string.c */
soft_handler_fn soft_str_movs, soft_str_cmps, soft_str_stos, soft_str_lods,
	soft_str_scas, soft_str_ins, soft_str_outs, soft_str_in,
	soft_str_out;

/* sysop.c */
soft_handler_fn soft_sysop_grp6, soft_sysop_grp7, soft_sysop_lar_lsl,
	soft_sysop_clts, soft_sysop_syscall, soft_sysop_sysret,
	soft_sysop_invd, soft_sysop_mov_cr, soft_sysop_mov_dr,
	soft_sysop_wrmsr, soft_sysop_rdmsr, soft_sysop_rdtsc,
	soft_sysop_sysenter, soft_sysop_sysexit, soft_sysop_cpuid,
	soft_sysop_cli, soft_sysop_sti;

#endif
