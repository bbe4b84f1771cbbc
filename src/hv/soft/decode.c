/* SPDX-License-Identifier: MIT */
/*
 * The x86 decoder. The opcode maps are data: each entry names its
 * handler, how its operands are encoded (ModRM, immediate kind, byte
 * size) and the rules that depend on the mode (invalid in 64-bit mode,
 * 64-bit default operand size) or on prefixes (LOCK). The decoder turns
 * bytes into a struct soft_insn with everything a handler needs, so the
 * handlers never look at instruction bytes.
 *
 * Encodings the CPU does not implement (AVX, SSE3 and the rest of the
 * extension maps) are still decoded to their full length, then given the
 * #UD handler, so adding them later touches only the tables.
 */
#include <string.h>

#include "hv/soft/alu.h"
#include "hv/soft/decode.h"
#include "hv/soft/fast.h"
#include "hv/soft/fpu.h"
#include "hv/soft/simd.h"
#include "hv/soft/ops.h"

/* Table flags. */
#define D_M (1u << 0)	  /* ModRM follows */
#define D_B (1u << 1)	  /* byte operands */
#define D_EB (1u << 2)	  /* the E operand alone is a byte */
#define D_I64 (1u << 3)	  /* invalid in 64-bit mode */
#define D_D64 (1u << 4)	  /* 64-bit default operand size in 64-bit mode */
#define D_F64 (1u << 5)	  /* 64-bit operand size in 64-bit mode, always */
#define D_LK (1u << 6)	  /* LOCK allowed (memory destination only) */
#define D_END (1u << 7)	  /* ends a cached block */
#define D_W (1u << 8)	  /* writes memory */
#define D_GRP (1u << 9)	  /* ModRM.reg selects from a group table */
#define D_MEM (1u << 10)  /* memory operand required */
#define D_OPR (1u << 11)  /* register in the opcode's low bits, as E */
#define D_ACC (1u << 12)  /* the accumulator as E */
#define D_SH (1u << 13)	  /* may set the interrupt shadow */
#define D_REGM (1u << 14) /* ModRM.mod ignored: always registers */
#define D_ONE (1u << 15)  /* implicit immediate 1 (shift by one) */
#define D_BR (1u << 16)	  /* may change RIP itself (not a mode change) */
#define IMK(k) ((unsigned)(k) << 24)
#define IMK_OF(f) ((f) >> 24)

enum dec_imm {
	IM_NONE, IM_B, IM_BU, IM_W, IM_I, IM_Z, IM_V, IM_MOFFS, IM_FAR,
	IM_WB, IM_J8, IM_JZ,
};

struct dec_op {
	soft_handler_fn *fn;
	uint32_t f;
	uint8_t sub;
};

enum dec_grp { G_NONE, G1, G1A, G2, G3, G4, G5, G11, G6, G7, G8, G9, G15,
	       G_NR };

#define ALU_ROW(b, op)                                                        \
	[(b) + 0] = { soft_arith_alu_eg,                                      \
		      D_M | D_B | D_W | ((op) == ALU_CMP ? 0 : D_LK), (op) }, \
	[(b) + 1] = { soft_arith_alu_eg,                                      \
		      D_M | D_W | ((op) == ALU_CMP ? 0 : D_LK), (op) },       \
	[(b) + 2] = { soft_arith_alu_ge, D_M | D_B, (op) },                   \
	[(b) + 3] = { soft_arith_alu_ge, D_M, (op) },                         \
	[(b) + 4] = { soft_arith_alu_ei, D_B | D_ACC | IMK(IM_I), (op) },     \
	[(b) + 5] = { soft_arith_alu_ei, D_ACC | IMK(IM_I), (op) }

#define ROW8(b, fn, fl, s) \
	[(b) + 0] = { fn, fl, s }, [(b) + 1] = { fn, fl, s }, \
	[(b) + 2] = { fn, fl, s }, [(b) + 3] = { fn, fl, s }, \
	[(b) + 4] = { fn, fl, s }, [(b) + 5] = { fn, fl, s }, \
	[(b) + 6] = { fn, fl, s }, [(b) + 7] = { fn, fl, s }
#define ROWCC(b, fn, fl)                                                    \
	[(b) + 0] = { fn, fl, 0 }, [(b) + 1] = { fn, fl, 1 },               \
	[(b) + 2] = { fn, fl, 2 }, [(b) + 3] = { fn, fl, 3 },               \
	[(b) + 4] = { fn, fl, 4 }, [(b) + 5] = { fn, fl, 5 },               \
	[(b) + 6] = { fn, fl, 6 }, [(b) + 7] = { fn, fl, 7 },               \
	[(b) + 8] = { fn, fl, 8 }, [(b) + 9] = { fn, fl, 9 },               \
	[(b) + 10] = { fn, fl, 10 }, [(b) + 11] = { fn, fl, 11 },           \
	[(b) + 12] = { fn, fl, 12 }, [(b) + 13] = { fn, fl, 13 },           \
	[(b) + 14] = { fn, fl, 14 }, [(b) + 15] = { fn, fl, 15 }
/* Entries that decode a ModRM (and maybe an imm8) and raise #UD. */
#define UDM { NULL, D_M, 0 }
#define UDMI { NULL, D_M | IMK(IM_BU), 0 }
/* MMX/SSE forms (sse.c sorts out prefixes and invalid ones). */
#define SSEM { soft_sse_exec, D_M, 0 }
#define SSEI { soft_sse_exec, D_M | D_W | IMK(IM_BU), 0 }

static const struct dec_op dec_map1[256] = {
	ALU_ROW(0x00, ALU_ADD),
	[0x06] = { soft_stack_push_sreg, D_I64 | D_W, S_ES },
	[0x07] = { soft_stack_pop_sreg, D_I64, S_ES },
	ALU_ROW(0x08, ALU_OR),
	[0x0e] = { soft_stack_push_sreg, D_I64 | D_W, S_CS },
	ALU_ROW(0x10, ALU_ADC),
	[0x16] = { soft_stack_push_sreg, D_I64 | D_W, S_SS },
	[0x17] = { soft_stack_pop_sreg, D_I64 | D_SH | D_END, S_SS },
	ALU_ROW(0x18, ALU_SBB),
	[0x1e] = { soft_stack_push_sreg, D_I64 | D_W, S_DS },
	[0x1f] = { soft_stack_pop_sreg, D_I64, S_DS },
	ALU_ROW(0x20, ALU_AND),
	[0x27] = { soft_arith_daa, D_I64, 0 },
	ALU_ROW(0x28, ALU_SUB),
	[0x2f] = { soft_arith_das, D_I64, 0 },
	ALU_ROW(0x30, ALU_XOR),
	[0x37] = { soft_arith_aaa, D_I64, 0 },
	ALU_ROW(0x38, ALU_CMP),
	[0x3f] = { soft_arith_aas, D_I64, 0 },
	ROW8(0x40, soft_arith_incdec, D_OPR, 0),
	ROW8(0x48, soft_arith_incdec, D_OPR, 1),
	ROW8(0x50, soft_stack_push_e, D_OPR | D_D64 | D_W, 0),
	ROW8(0x58, soft_stack_pop_e, D_OPR | D_D64, 0),
	[0x60] = { soft_stack_pusha, D_I64 | D_W, 0 },
	[0x61] = { soft_stack_popa, D_I64, 0 },
	[0x62] = { soft_dmov_bound, D_M | D_MEM | D_I64, 0 },
	[0x63] = { soft_dmov_arpl, D_M | D_W, 0 }, /* MOVSXD in 64-bit */
	[0x68] = { soft_stack_push_i, IMK(IM_Z) | D_D64 | D_W, 0 },
	[0x69] = { soft_arith_imul_gei, D_M | IMK(IM_Z), 0 },
	[0x6a] = { soft_stack_push_i, IMK(IM_B) | D_D64 | D_W, 0 },
	[0x6b] = { soft_arith_imul_gei, D_M | IMK(IM_B), 0 },
	[0x6c] = { soft_str_ins, D_B | D_W | D_BR, 0 },
	[0x6d] = { soft_str_ins, D_W | D_BR, 0 },
	[0x6e] = { soft_str_outs, D_B | D_END | D_BR, 0 },
	[0x6f] = { soft_str_outs, D_END | D_BR, 0 },
	ROWCC(0x70, soft_branch_jcc, IMK(IM_J8) | D_F64 | D_BR),
	[0x80] = { NULL, D_M | D_B | D_GRP | IMK(IM_I), G1 },
	[0x81] = { NULL, D_M | D_GRP | IMK(IM_I), G1 },
	[0x82] = { NULL, D_M | D_B | D_GRP | IMK(IM_I) | D_I64, G1 },
	[0x83] = { NULL, D_M | D_GRP | IMK(IM_B), G1 },
	[0x84] = { soft_arith_test_eg, D_M | D_B, 0 },
	[0x85] = { soft_arith_test_eg, D_M, 0 },
	[0x86] = { soft_lock_xchg, D_M | D_B | D_LK | D_W, 0 },
	[0x87] = { soft_lock_xchg, D_M | D_LK | D_W, 0 },
	[0x88] = { soft_dmov_mov_eg, D_M | D_B | D_W, 0 },
	[0x89] = { soft_dmov_mov_eg, D_M | D_W, 0 },
	[0x8a] = { soft_dmov_mov_ge, D_M | D_B, 0 },
	[0x8b] = { soft_dmov_mov_ge, D_M, 0 },
	[0x8c] = { soft_dmov_from_sreg, D_M | D_W, 0 },
	[0x8d] = { soft_dmov_lea, D_M | D_MEM, 0 },
	[0x8e] = { soft_dmov_to_sreg, D_M | D_SH | D_END, 0 },
	[0x8f] = { NULL, D_M | D_GRP | D_D64, G1A },
	ROW8(0x90, soft_lock_xchg, D_OPR, 0),
	[0x98] = { soft_arith_cbw, 0, 0 },
	[0x99] = { soft_arith_cwd, 0, 0 },
	[0x9a] = { soft_branch_callf, IMK(IM_FAR) | D_I64 | D_END | D_W, 0 },
	[0x9b] = { soft_fpu_fwait, 0, 0 },
	[0x9c] = { soft_stack_pushf, D_D64 | D_W, 0 },
	[0x9d] = { soft_stack_popf, D_D64 | D_END, 0 },
	[0x9e] = { soft_arith_sahf, 0, 0 },
	[0x9f] = { soft_arith_lahf, 0, 0 },
	[0xa0] = { soft_dmov_moffs, D_B | IMK(IM_MOFFS), 0 },
	[0xa1] = { soft_dmov_moffs, IMK(IM_MOFFS), 0 },
	[0xa2] = { soft_dmov_moffs, D_B | IMK(IM_MOFFS) | D_W, 1 },
	[0xa3] = { soft_dmov_moffs, IMK(IM_MOFFS) | D_W, 1 },
	[0xa4] = { soft_str_movs, D_B | D_W | D_BR, 0 },
	[0xa5] = { soft_str_movs, D_W | D_BR, 0 },
	[0xa6] = { soft_str_cmps, D_B | D_BR, 0 },
	[0xa7] = { soft_str_cmps, D_BR, 0 },
	[0xa8] = { soft_arith_test_ei, D_B | D_ACC | IMK(IM_I), 0 },
	[0xa9] = { soft_arith_test_ei, D_ACC | IMK(IM_I), 0 },
	[0xaa] = { soft_str_stos, D_B | D_W | D_BR, 0 },
	[0xab] = { soft_str_stos, D_W | D_BR, 0 },
	[0xac] = { soft_str_lods, D_B | D_BR, 0 },
	[0xad] = { soft_str_lods, D_BR, 0 },
	[0xae] = { soft_str_scas, D_B | D_BR, 0 },
	[0xaf] = { soft_str_scas, D_BR, 0 },
	ROW8(0xb0, soft_dmov_mov_ei, D_B | D_OPR | IMK(IM_I), 0),
	ROW8(0xb8, soft_dmov_mov_ei, D_OPR | IMK(IM_V), 0),
	[0xc0] = { NULL, D_M | D_B | D_GRP | IMK(IM_BU) | D_W, G2 },
	[0xc1] = { NULL, D_M | D_GRP | IMK(IM_BU) | D_W, G2 },
	[0xc2] = { soft_branch_ret, IMK(IM_W) | D_F64 | D_END, 0 },
	[0xc3] = { soft_branch_ret, D_F64 | D_END, 0 },
	[0xc4] = { soft_dmov_lxs, D_M | D_MEM | D_I64, S_ES },
	[0xc5] = { soft_dmov_lxs, D_M | D_MEM | D_I64, S_DS },
	[0xc6] = { NULL, D_M | D_B | D_GRP | IMK(IM_I) | D_W, G11 },
	[0xc7] = { NULL, D_M | D_GRP | IMK(IM_I) | D_W, G11 },
	[0xc8] = { soft_stack_enter, IMK(IM_WB) | D_D64 | D_W, 0 },
	[0xc9] = { soft_stack_leave, D_D64, 0 },
	[0xca] = { soft_branch_retf, IMK(IM_W) | D_END, 0 },
	[0xcb] = { soft_branch_retf, D_END, 0 },
	[0xcc] = { soft_branch_int3, D_END, 0 },
	[0xcd] = { soft_branch_int, IMK(IM_BU) | D_END, 0 },
	[0xce] = { soft_branch_into, D_I64 | D_END, 0 },
	[0xcf] = { soft_branch_iret, D_END, 0 },
	[0xd0] = { NULL, D_M | D_B | D_GRP | D_ONE | D_W, G2 },
	[0xd1] = { NULL, D_M | D_GRP | D_ONE | D_W, G2 },
	[0xd2] = { NULL, D_M | D_B | D_GRP | D_W, G2 },
	[0xd3] = { NULL, D_M | D_GRP | D_W, G2 },
	[0xd4] = { soft_arith_aam, IMK(IM_BU) | D_I64, 0 },
	[0xd5] = { soft_arith_aad, IMK(IM_BU) | D_I64, 0 },
	[0xd6] = { soft_arith_salc, D_I64, 0 },
	[0xd7] = { soft_dmov_xlat, 0, 0 },
	ROW8(0xd8, soft_x87_exec, D_M | D_W, 0), /* x87 */
	[0xe0] = { soft_branch_loop, IMK(IM_J8) | D_F64 | D_BR, 0 },
	[0xe1] = { soft_branch_loop, IMK(IM_J8) | D_F64 | D_BR, 1 },
	[0xe2] = { soft_branch_loop, IMK(IM_J8) | D_F64 | D_BR, 2 },
	[0xe3] = { soft_branch_jcxz, IMK(IM_J8) | D_F64 | D_BR, 0 },
	[0xe4] = { soft_str_in, D_B | IMK(IM_BU), 0 },
	[0xe5] = { soft_str_in, IMK(IM_BU), 0 },
	[0xe6] = { soft_str_out, D_B | IMK(IM_BU) | D_END, 0 },
	[0xe7] = { soft_str_out, IMK(IM_BU) | D_END, 0 },
	[0xe8] = { soft_branch_call, IMK(IM_JZ) | D_F64 | D_W | D_END, 0 },
	[0xe9] = { soft_branch_jmp, IMK(IM_JZ) | D_F64 | D_END, 0 },
	[0xea] = { soft_branch_jmpf, IMK(IM_FAR) | D_I64 | D_END, 0 },
	[0xeb] = { soft_branch_jmp, IMK(IM_J8) | D_F64 | D_END, 0 },
	[0xec] = { soft_str_in, D_B, 1 },
	[0xed] = { soft_str_in, 0, 1 },
	[0xee] = { soft_str_out, D_B | D_END, 1 },
	[0xef] = { soft_str_out, D_END, 1 },
	[0xf1] = { soft_branch_int1, D_END, 0 },
	[0xf4] = { soft_branch_hlt, D_END, 0 },
	[0xf5] = { soft_arith_flagop, 0, 2 },
	[0xf6] = { NULL, D_M | D_B | D_GRP, G3 },
	[0xf7] = { NULL, D_M | D_GRP, G3 },
	[0xf8] = { soft_arith_flagop, 0, 0 },
	[0xf9] = { soft_arith_flagop, 0, 1 },
	[0xfa] = { soft_sysop_cli, 0, 0 },
	[0xfb] = { soft_sysop_sti, D_SH | D_END, 0 },
	[0xfc] = { soft_arith_flagop, 0, 3 },
	[0xfd] = { soft_arith_flagop, 0, 4 },
	[0xfe] = { NULL, D_M | D_B | D_GRP, G4 },
	[0xff] = { NULL, D_M | D_GRP, G5 },
};

static const struct dec_op dec_map2[256] = {
	[0x00] = { NULL, D_M | D_GRP, G6 },
	[0x01] = { NULL, D_M | D_GRP, G7 },
	[0x02] = { soft_sysop_lar_lsl, D_M, 0 },
	[0x03] = { soft_sysop_lar_lsl, D_M, 1 },
	[0x05] = { soft_sysop_syscall, D_END, 0 },
	[0x06] = { soft_sysop_clts, D_END, 0 },
	[0x07] = { soft_sysop_sysret, D_END, 0 },
	[0x08] = { soft_sysop_invd, 0, 0 },
	[0x09] = { soft_sysop_invd, 0, 0 },
	[0x0d] = { soft_dmov_nop, D_M, 0 }, /* PREFETCH hints */
	[0x0f] = UDMI,			    /* 3DNow!: ModRM, then imm8 */
	ROW8(0x10, soft_sse_exec, D_M | D_W, 0),
	ROW8(0x18, soft_dmov_nop, D_M, 0), /* hints and multi-byte NOP */
	[0x20] = { soft_sysop_mov_cr, D_M | D_REGM | D_END, 0 },
	[0x21] = { soft_sysop_mov_dr, D_M | D_REGM | D_END, 0 },
	[0x22] = { soft_sysop_mov_cr, D_M | D_REGM | D_END, 1 },
	[0x23] = { soft_sysop_mov_dr, D_M | D_REGM | D_END, 1 },
	ROW8(0x28, soft_sse_exec, D_M | D_W, 0),
	[0x30] = { soft_sysop_wrmsr, D_END, 0 },
	[0x31] = { soft_sysop_rdtsc, 0, 0 },
	[0x32] = { soft_sysop_rdmsr, 0, 0 },
	[0x34] = { soft_sysop_sysenter, D_END, 0 },
	[0x35] = { soft_sysop_sysexit, D_END, 0 },
	ROWCC(0x40, soft_dmov_cmov, D_M),
	ROW8(0x50, soft_sse_exec, D_M, 0),
	ROW8(0x58, soft_sse_exec, D_M, 0),
	ROW8(0x60, soft_sse_exec, D_M, 0),
	ROW8(0x68, soft_sse_exec, D_M, 0),
	[0x70] = SSEI, [0x71] = SSEI, [0x72] = SSEI, [0x73] = SSEI,
	[0x74] = SSEM, [0x75] = SSEM, [0x76] = SSEM,
	[0x77] = { soft_fpu_emms, 0, 0 },
	ROW8(0x78, soft_sse_exec, D_M | D_W, 0),
	ROWCC(0x80, soft_branch_jcc, IMK(IM_JZ) | D_F64 | D_BR),
	ROWCC(0x90, soft_dmov_setcc, D_M | D_EB | D_W),
	[0xa0] = { soft_stack_push_sreg, D_D64 | D_W, S_FS },
	[0xa1] = { soft_stack_pop_sreg, D_D64, S_FS },
	[0xa2] = { soft_sysop_cpuid, 0, 0 },
	[0xa3] = { soft_shift_bt_g, D_M, 0 },
	[0xa4] = { soft_shift_shxd, D_M | D_W | IMK(IM_BU), 0 },
	[0xa5] = { soft_shift_shxd, D_M | D_W, 0 },
	[0xa8] = { soft_stack_push_sreg, D_D64 | D_W, S_GS },
	[0xa9] = { soft_stack_pop_sreg, D_D64, S_GS },
	[0xab] = { soft_shift_bt_g, D_M | D_LK | D_W, 1 },
	[0xac] = { soft_shift_shxd, D_M | D_W | IMK(IM_BU), 1 },
	[0xad] = { soft_shift_shxd, D_M | D_W, 1 },
	[0xae] = { NULL, D_M | D_GRP, G15 },
	[0xaf] = { soft_arith_imul_ge, D_M, 0 },
	[0xb0] = { soft_lock_cmpxchg, D_M | D_B | D_LK | D_W, 0 },
	[0xb1] = { soft_lock_cmpxchg, D_M | D_LK | D_W, 0 },
	[0xb2] = { soft_dmov_lxs, D_M | D_MEM, S_SS },
	[0xb3] = { soft_shift_bt_g, D_M | D_LK | D_W, 2 },
	[0xb4] = { soft_dmov_lxs, D_M | D_MEM, S_FS },
	[0xb5] = { soft_dmov_lxs, D_M | D_MEM, S_GS },
	[0xb6] = { soft_dmov_movzx, D_M | D_EB, 0 },
	[0xb7] = { soft_dmov_movzx, D_M, 0 },
	[0xb9] = UDM, /* UD1 */
	[0xba] = { NULL, D_M | D_GRP | IMK(IM_BU), G8 },
	[0xbb] = { soft_shift_bt_g, D_M | D_LK | D_W, 3 },
	[0xbc] = { soft_shift_bsf, D_M, 0 },
	[0xbd] = { soft_shift_bsr, D_M, 0 },
	[0xbe] = { soft_dmov_movsx, D_M | D_EB, 0 },
	[0xbf] = { soft_dmov_movsx, D_M, 0 },
	[0xc0] = { soft_lock_xadd, D_M | D_B | D_LK | D_W, 0 },
	[0xc1] = { soft_lock_xadd, D_M | D_LK | D_W, 0 },
	[0xc2] = SSEI, [0xc3] = { soft_sse_exec, D_M | D_W, 0 },
	[0xc4] = SSEI, [0xc5] = SSEI, [0xc6] = SSEI,
	[0xc7] = { NULL, D_M | D_GRP, G9 },
	ROW8(0xc8, soft_shift_bswap, D_OPR, 0),
	ROW8(0xd0, soft_sse_exec, D_M | D_W, 0),
	ROW8(0xd8, soft_sse_exec, D_M, 0),
	ROW8(0xe0, soft_sse_exec, D_M | D_W, 0),
	ROW8(0xe8, soft_sse_exec, D_M, 0),
	ROW8(0xf0, soft_sse_exec, D_M | D_W, 0),
	ROW8(0xf8, soft_sse_exec, D_M, 0), /* 0F FF: UD0 (#UD there) */
};

/* Group tables, indexed by ModRM.reg; flags add to the opcode's. */
static const struct dec_op dec_grp[G_NR][8] = {
	[G1] = {
		{ soft_arith_alu_ei, D_LK | D_W, ALU_ADD },
		{ soft_arith_alu_ei, D_LK | D_W, ALU_OR },
		{ soft_arith_alu_ei, D_LK | D_W, ALU_ADC },
		{ soft_arith_alu_ei, D_LK | D_W, ALU_SBB },
		{ soft_arith_alu_ei, D_LK | D_W, ALU_AND },
		{ soft_arith_alu_ei, D_LK | D_W, ALU_SUB },
		{ soft_arith_alu_ei, D_LK | D_W, ALU_XOR },
		{ soft_arith_alu_ei, 0, ALU_CMP },
	},
	[G1A] = { { soft_stack_pop_e, D_W, 0 } },
	[G2] = {
		{ soft_shift_grp2, 0, 0 }, { soft_shift_grp2, 0, 1 },
		{ soft_shift_grp2, 0, 2 }, { soft_shift_grp2, 0, 3 },
		{ soft_shift_grp2, 0, 4 }, { soft_shift_grp2, 0, 5 },
		{ soft_shift_grp2, 0, 4 }, { soft_shift_grp2, 0, 7 },
	},
	[G3] = {
		{ soft_arith_test_ei, IMK(IM_I), 0 },
		{ soft_arith_test_ei, IMK(IM_I), 0 },
		{ soft_arith_not, D_LK | D_W, 0 },
		{ soft_arith_neg, D_LK | D_W, 0 },
		{ soft_arith_mul, 0, 0 },
		{ soft_arith_imul1, 0, 0 },
		{ soft_arith_div, 0, 0 },
		{ soft_arith_idiv, 0, 0 },
	},
	[G4] = {
		{ soft_arith_incdec, D_LK | D_W, 0 },
		{ soft_arith_incdec, D_LK | D_W, 1 },
	},
	[G5] = {
		{ soft_arith_incdec, D_LK | D_W, 0 },
		{ soft_arith_incdec, D_LK | D_W, 1 },
		{ soft_branch_call_e, D_F64 | D_W | D_END, 0 },
		{ soft_branch_callf_m, D_MEM | D_W | D_END, 0 },
		{ soft_branch_jmp_e, D_F64 | D_END, 0 },
		{ soft_branch_jmpf_m, D_MEM | D_END, 0 },
		{ soft_stack_push_e, D_D64 | D_W, 0 },
	},
	[G11] = { { soft_dmov_mov_ei, 0, 0 } },
	[G6] = {
		{ soft_sysop_grp6, D_W, 0 }, { soft_sysop_grp6, D_W, 1 },
		{ soft_sysop_grp6, D_END, 2 }, { soft_sysop_grp6, D_END, 3 },
		{ soft_sysop_grp6, 0, 4 }, { soft_sysop_grp6, 0, 5 },
	},
	[G7] = {
		{ soft_sysop_grp7, D_W | D_END, 0 },
		{ soft_sysop_grp7, D_W | D_END, 1 },
		{ soft_sysop_grp7, D_END, 2 }, { soft_sysop_grp7, D_END, 3 },
		{ soft_sysop_grp7, D_W | D_END, 4 },
		{ soft_sysop_grp7, D_END, 5 },
		{ soft_sysop_grp7, D_END, 6 }, { soft_sysop_grp7, D_END, 7 },
	},
	[G8] = {
		[4] = { soft_shift_bt_i, 0, 0 },
		[5] = { soft_shift_bt_i, D_LK | D_W, 1 },
		[6] = { soft_shift_bt_i, D_LK | D_W, 2 },
		[7] = { soft_shift_bt_i, D_LK | D_W, 3 },
	},
	[G9] = { [1] = { soft_lock_cmpxchg8b, D_MEM | D_LK | D_W, 0 } },
	/* Fences order nothing in an interpreter that runs one vCPU per
	 * thread with sequentially consistent host accesses: NOPs. */
	[G15] = { [0] = { soft_fpu_fxsave, D_MEM | D_W, 0 },
		  [1] = { soft_fpu_fxrstor, D_MEM, 1 },
		  [2] = { soft_fpu_ldmxcsr, D_MEM, 2 },
		  [3] = { soft_fpu_stmxcsr, D_MEM | D_W, 3 },
		  [5] = { soft_dmov_nop, 0, 5 },
		  [6] = { soft_dmov_nop, 0, 6 },
		  [7] = { soft_dmov_nop, 0, 7 } },
};

/* Byte fetch state: bytes already mapped, then the slow fetch. */
struct dec_fetch {
	struct soft_cpu *cpu;
	uint64_t lin;
	const uint8_t *p;
	unsigned avail;
	unsigned pos;
	int nofetch;
	int shortage; /* nofetch and ran out of mapped bytes */
	int toolong;  /* past 15 bytes */
};

static uint8_t dec_byte(struct dec_fetch *d)
{
	if (d->pos >= 15) {
		d->toolong = 1;
		return 0;
	}
	if (d->pos < d->avail)
		return d->p[d->pos++];
	if (d->nofetch) {
		d->shortage = 1;
		d->pos++;
		return 0;
	}
	return soft_fetch_byte(d->cpu, d->lin + d->pos++);
}

static uint64_t dec_imm(struct dec_fetch *d, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)dec_byte(d) << (8 * i);
	return v;
}

/* The byte-register code of register number r (AH..BH without REX). */
static uint8_t dec_reg8(unsigned r, unsigned rex)
{
	if (!rex && r >= 4 && r < 8)
		return (uint8_t)(REG8_HI + r - 4);
	return (uint8_t)r;
}

static void dec_modrm(struct dec_fetch *d, struct soft_insn *in, uint8_t m,
		      int regonly)
{
	unsigned mod = m >> 6, rm = m & 7;
	unsigned rexb = (in->rex & 1) << 3;
	int ss = 0;

	in->base = in->index = EA_NONE;
	if (mod == 3 || regonly) {
		in->mod = 3;
		in->rm = (uint8_t)(rm | rexb);
		return;
	}
	in->mod = (uint8_t)mod;
	if (in->asz == 2) {
		static const uint8_t b16[8] = { R_BX, R_BX, R_BP, R_BP,
						EA_NONE, EA_NONE, R_BP, R_BX };
		static const uint8_t i16[8] = { R_SI, R_DI, R_SI, R_DI,
						R_SI, R_DI, EA_NONE, EA_NONE };

		in->base = b16[rm];
		in->index = i16[rm];
		if (mod == 0 && rm == 6) {
			in->base = EA_NONE;
			in->disp = (int16_t)dec_imm(d, 2);
		} else if (mod == 1) {
			in->disp = (int8_t)dec_byte(d);
		} else if (mod == 2) {
			in->disp = (int16_t)dec_imm(d, 2);
		}
		ss = in->base == R_BP;
	} else {
		if (rm == 4) {
			uint8_t sib = dec_byte(d);
			unsigned idx = ((sib >> 3) & 7) | ((in->rex & 2) << 2);

			in->scale = sib >> 6;
			in->index = idx == 4 ? EA_NONE : (uint8_t)idx;
			if ((sib & 7) == 5 && mod == 0) {
				in->disp = (int32_t)dec_imm(d, 4);
			} else {
				in->base = (uint8_t)((sib & 7) | rexb);
				ss = (sib & 7) == 4 || (sib & 7) == 5;
			}
		} else if (rm == 5 && mod == 0) {
			in->disp = (int32_t)dec_imm(d, 4);
			if (d->cpu->mode == M_LONG64)
				in->base = EA_RIP;
		} else {
			in->base = (uint8_t)(rm | rexb);
			ss = rm == 5 || rm == 4;
		}
		if (mod == 1)
			in->disp = (int8_t)dec_byte(d);
		else if (mod == 2)
			in->disp = (int32_t)dec_imm(d, 4);
	}
	if (!in->segovr)
		in->seg = ss ? S_SS : S_DS;
}

void soft_decode_ud(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_raise(cpu, V_UD, -1);
}

void soft_decode_gp0(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_raise(cpu, V_GP, 0);
}

int soft_decode(struct soft_cpu *cpu, uint64_t lin, const uint8_t *p,
		unsigned avail, int nofetch, struct soft_insn *in)
{
	struct dec_fetch d = { .cpu = cpu, .lin = lin, .p = p,
			       .avail = p ? avail : 0, .nofetch = nofetch };
	int m64 = cpu->mode == M_LONG64;
	int def32 = cpu->mode == M_PROT32;
	int opsz = 0, adsz = 0;
	struct dec_op op;
	unsigned b, imk;
	uint8_t modrm = 0;

	memset(in, 0, sizeof(*in));
	in->seg = S_DS;
	in->base = in->index = EA_NONE;
	/* Prefixes. A REX counts only right before the opcode. */
	for (;;) {
		b = dec_byte(&d);
		if (d.toolong)
			goto toolong;
		switch (b) {
		case 0x66: opsz = 1; in->rex = 0; continue;
		case 0x67: adsz = 1; in->rex = 0; continue;
		case 0xf0: in->lock = 1; in->rex = 0; continue;
		case 0xf2: case 0xf3: in->rep = (uint8_t)b; in->rex = 0; continue;
		case 0x26: in->seg = S_ES; goto segp;
		case 0x2e: in->seg = S_CS; goto segp;
		case 0x36: in->seg = S_SS; goto segp;
		case 0x3e: in->seg = S_DS; goto segp;
		case 0x64: in->seg = S_FS; goto segp;
		case 0x65: in->seg = S_GS; goto segp;
		default: break;
		}
		if (m64 && (b & 0xf0) == 0x40) {
			in->rex = (uint8_t)b;
			continue;
		}
		break;
segp:
		in->segovr = 1;
		in->rex = 0;
	}
	in->op = (uint16_t)b;
	if (b == 0x0f) {
		b = dec_byte(&d);
		in->op = (uint16_t)(0x100 | b);
		if (b == 0x38 || b == 0x3a) {
			/* Three-byte maps: nothing there is implemented;
			 * opcode, ModRM (decoded below for its length). */
			dec_byte(&d);
			op = (struct dec_op){ NULL,
				D_M | (b == 0x3a ? IMK(IM_BU) : 0), 0 };
		} else {
			op = dec_map2[b];
		}
	} else {
		op = dec_map1[b];
		if (b == 0x63 && m64)
			op = (struct dec_op){ soft_dmov_movsxd, D_M, 0 };
		else if (b == 0x90 && !(in->rex & 1))
			op = (struct dec_op){ soft_dmov_nop, 0, 0 };
	}

	/* Sizes. */
	if (m64) {
		in->asz = adsz ? 4 : 8;
		if (op.f & D_F64)
			in->osz = 8;
		else if (in->rex & 8)
			in->osz = 8;
		else if (opsz)
			in->osz = 2;
		else
			in->osz = (op.f & D_D64) ? 8 : 4;
	} else {
		in->asz = (def32 ^ adsz) ? 4 : 2;
		in->osz = (def32 ^ opsz) ? 4 : 2;
	}
	in->amask = soft_size_mask(in->asz);

	if (op.f & D_M) {
		modrm = dec_byte(&d);
		dec_modrm(&d, in, modrm, !!(op.f & D_REGM));
		in->reg = (uint8_t)(((modrm >> 3) & 7) | ((in->rex & 4) << 1));
		if (op.f & D_GRP) {
			const struct dec_op *g = &dec_grp[op.sub][(modrm >> 3) & 7];

			op.fn = g->fn;
			op.sub = g->sub;
			op.f |= g->f & ~(uint32_t)0xff000000u;
			if (IMK_OF(g->f))
				op.f = (op.f & 0x00ffffffu) | (g->f & 0xff000000u);
			/* Group-level D_F64/D_D64 (FF /2 /4 /6, 8F). */
			if (m64 && (g->f & D_F64))
				in->osz = 8;
			else if (m64 && (g->f & D_D64) && !(in->rex & 8))
				in->osz = opsz ? 2 : 8;
		}
	} else if (op.f & D_OPR) {
		in->mod = 3;
		in->rm = (uint8_t)((b & 7) | ((in->rex & 1) << 3));
	} else if (op.f & D_ACC) {
		in->mod = 3;
		in->rm = R_AX;
	}
	if (op.f & D_B)
		in->osz = 1;
	if (in->mod == 3 && (op.f & (D_B | D_EB)))
		in->rm = dec_reg8(in->rm, in->rex);
	if ((op.f & D_B) && (op.f & D_M))
		in->reg = dec_reg8(in->reg, in->rex);
	if (in->mod == 3 && !(op.f & (D_M | D_OPR | D_ACC)))
		in->mod = 0;

	/* Immediates. */
	imk = IMK_OF(op.f);
	switch (imk) {
	case IM_B:
		in->imm = (uint64_t)(int64_t)(int8_t)dec_byte(&d) &
			  soft_size_mask(in->osz);
		break;
	case IM_BU: in->imm = dec_byte(&d); break;
	case IM_W: in->imm = dec_imm(&d, 2); break;
	case IM_I:
		if (in->osz == 1) {
			in->imm = dec_byte(&d);
			break;
		}
		/* fall through */
	case IM_Z:
		if (in->osz == 2)
			in->imm = dec_imm(&d, 2);
		else
			in->imm = (uint64_t)(int64_t)(int32_t)dec_imm(&d, 4) &
				  soft_size_mask(in->osz);
		break;
	case IM_V: in->imm = dec_imm(&d, in->osz); break;
	case IM_MOFFS:
		in->disp = (int64_t)dec_imm(&d, in->asz);
		break;
	case IM_FAR:
		in->imm = dec_imm(&d, in->osz == 2 ? 2 : 4);
		in->imm2 = (uint16_t)dec_imm(&d, 2);
		break;
	case IM_WB:
		in->imm = dec_imm(&d, 2);
		in->imm2 = dec_byte(&d);
		break;
	case IM_J8: in->disp = (int8_t)dec_byte(&d); break;
	case IM_JZ:
		in->disp = in->osz == 2 ? (int16_t)dec_imm(&d, 2)
					: (int32_t)dec_imm(&d, 4);
		break;
	default: break;
	}
	if (op.f & D_ONE)
		in->imm = 1;
	if (d.toolong)
		goto toolong;
	if (d.shortage)
		return -1;
	in->len = (uint8_t)d.pos;
	in->pfx66 = (uint8_t)opsz;
	in->modrm = modrm;
	in->sub = op.sub;
	in->fn = op.fn;
	if (op.f & D_END)
		in->flags |= I_END;
	if (op.f & D_BR)
		in->flags |= I_BRANCH;
	if ((op.f & D_W) || (op.f & D_SH))
		in->flags |= (op.f & D_W) ? I_WMEM : 0;
	if (op.f & D_SH)
		in->flags |= I_SHADOW | I_END;
	/* Encodings that are invalid here. */
	if (!in->fn || (m64 && (op.f & D_I64)) ||
	    ((op.f & D_MEM) && in->mod == 3) ||
	    (in->lock && (!(op.f & D_LK) || in->mod == 3)))
		in->fn = soft_decode_ud;
	else
		soft_fast_pick(in, cpu->mode);
	return 0;

toolong:
	/*
	 * Ran out of mapped bytes before the 15th (nofetch): the caller
	 * must fetch the rest, which may fault first. Found by
	 * fuzz_soft_exec: a 15-byte #GP form with fewer bytes mapped made
	 * the block cache compare past the end of the RAM page.
	 */
	if (d.shortage)
		return -1;
	/* The 15-byte limit: #GP(0) (the bytes read so far are its length
	 * for nothing; it never completes). */
	memset(in, 0, sizeof(*in));
	in->len = 15;
	in->fn = soft_decode_gp0;
	in->flags = I_END;
	return 0;
}
