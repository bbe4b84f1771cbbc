/* SPDX-License-Identifier: MIT */
/*
 * The core's decoded instruction and the helpers every handler shares:
 * register access by operand size, effective addresses, E-operand
 * read/write. Private to the core files (decode.c, exec.c, the ops).
 */
#ifndef SAFEPC_HV_SOFT_DECODE_H
#define SAFEPC_HV_SOFT_DECODE_H

#include <stdint.h>

#include "hv/soft/cpu.h"

struct soft_insn;
typedef void soft_handler_fn(struct soft_cpu *cpu, const struct soft_insn *in);

/* Memory operand base/index when there is none, and RIP-relative base. */
#define EA_NONE 0xff
#define EA_RIP 0xfe

/* Byte-register codes: 0-15 low bytes, 16-19 AH CH DH BH. */
#define REG8_HI 16

/* soft_insn.flags */
#define I_END 0x01    /* ends a cached block (mode/state may change) */
#define I_WMEM 0x02   /* may write memory: check for self-modified code */
#define I_SHADOW 0x04 /* may set the interrupt shadow */
#define I_BRANCH 0x08 /* may change RIP (near branches, REP rewinds) */

/*
 * One decoded instruction. Immediates are already sign- or zero-extended
 * to the operand size; `disp` is the memory displacement or the branch
 * displacement. Handlers run with cpu->rip already pointing after the
 * instruction and cpu->ip_start at its first byte.
 */
struct soft_insn {
	soft_handler_fn *fn;
	int64_t disp;
	uint64_t imm;
	uint64_t amask;	 /* address-size mask */
	uint16_t imm2;	 /* second immediate (ENTER level, far selector) */
	uint16_t op;	 /* opcode: 0x000-0x0ff, 0x100-0x1ff for 0F xx */
	uint8_t len;
	uint8_t osz;	 /* operand size in bytes: 1, 2, 4, 8 */
	uint8_t asz;	 /* address size in bytes: 2, 4, 8 */
	uint8_t seg;	 /* effective segment of the memory operand */
	uint8_t reg;	 /* ModRM.reg (+REX.R); a byte code for byte ops */
	uint8_t rm;	 /* ModRM.rm register (+REX.B) when mod == 3 */
	uint8_t mod;	 /* 3: register operand */
	uint8_t base, index, scale;
	uint8_t sub;	 /* variant from the opcode table (ALU op, cc...) */
	uint8_t rep;	 /* 0, 0xf2 or 0xf3 */
	uint8_t lock;
	uint8_t flags;	 /* I_* */
	uint8_t rex;
	uint8_t segovr;	 /* a segment override was given */
	uint8_t pfx66;	 /* a 66 prefix was given (SSE's mandatory prefix) */
	uint8_t modrm;	 /* the ModRM byte as encoded (x87's FOP) */
};

/* Decodes the instruction at linear `lin`; `p`/`avail` are bytes already
 * mapped there (p may be NULL); more bytes come through the fetch calls
 * unless `nofetch`, when running out returns -1 (block building). Never
 * raises for invalid encodings: they decode to a handler that raises. */
int soft_decode(struct soft_cpu *cpu, uint64_t lin, const uint8_t *p,
		unsigned avail, int nofetch, struct soft_insn *in);

/* Handlers that raise: #UD and #GP(0) (the 15-byte limit). */
soft_handler_fn soft_decode_ud;
soft_handler_fn soft_decode_gp0;

static inline uint64_t soft_size_mask(unsigned size)
{
	return size >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (size * 8)) - 1;
}

static inline uint64_t soft_sext(uint64_t v, unsigned size)
{
	switch (size) {
	case 1: return (uint64_t)(int64_t)(int8_t)v;
	case 2: return (uint64_t)(int64_t)(int16_t)v;
	case 4: return (uint64_t)(int64_t)(int32_t)v;
	default: return v;
	}
}

/* Register read at `size`; `r` is a byte code when size == 1. */
static inline uint64_t soft_reg_get(const struct soft_cpu *cpu, unsigned r,
				    unsigned size)
{
	switch (size) {
	case 1:
		if (r >= REG8_HI)
			return (uint8_t)(cpu->gpr[r - REG8_HI] >> 8);
		return (uint8_t)cpu->gpr[r];
	case 2: return (uint16_t)cpu->gpr[r];
	case 4: return (uint32_t)cpu->gpr[r];
	default: return cpu->gpr[r];
	}
}

/* Register write at `size`: 8/16-bit writes merge, 32-bit zero-extend. */
static inline void soft_reg_set(struct soft_cpu *cpu, unsigned r,
				unsigned size, uint64_t v)
{
	switch (size) {
	case 1:
		if (r >= REG8_HI) {
			uint64_t *g = &cpu->gpr[r - REG8_HI];
			*g = (*g & ~(uint64_t)0xff00) | ((v & 0xff) << 8);
		} else {
			cpu->gpr[r] = (cpu->gpr[r] & ~(uint64_t)0xff) | (v & 0xff);
		}
		break;
	case 2:
		cpu->gpr[r] = (cpu->gpr[r] & ~(uint64_t)0xffff) | (v & 0xffff);
		break;
	case 4: cpu->gpr[r] = (uint32_t)v; break;
	default: cpu->gpr[r] = v; break;
	}
}

/* Effective address (offset in the segment), truncated to the address
 * size. */
static inline uint64_t soft_ea(const struct soft_cpu *cpu,
			       const struct soft_insn *in)
{
	uint64_t a = (uint64_t)in->disp;

	if (in->base < 16)
		a += cpu->gpr[in->base];
	else if (in->base == EA_RIP)
		a += cpu->rip;
	if (in->index < 16)
		a += cpu->gpr[in->index] << in->scale;
	return a & in->amask;
}

/* The E (ModRM r/m) operand at `size`. */
static inline uint64_t soft_e_read(struct soft_cpu *cpu,
				   const struct soft_insn *in, unsigned size)
{
	if (in->mod == 3)
		return soft_reg_get(cpu, in->rm, size);
	return soft_read(cpu, in->seg, soft_ea(cpu, in), size);
}

static inline void soft_e_write(struct soft_cpu *cpu,
				const struct soft_insn *in, unsigned size,
				uint64_t v)
{
	if (in->mod == 3)
		soft_reg_set(cpu, in->rm, size, v);
	else
		soft_write(cpu, in->seg, soft_ea(cpu, in), size, v);
}

/* Stack: the stack-pointer width and push/pop at `size` through SS. */
unsigned soft_stack_width(const struct soft_cpu *cpu);
void soft_stack_push(struct soft_cpu *cpu, unsigned size, uint64_t v);
/* Reads the value `n` slots above the top without popping. */
uint64_t soft_stack_peek(struct soft_cpu *cpu, unsigned size, unsigned n);

#endif
