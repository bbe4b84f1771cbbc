/* SPDX-License-Identifier: MIT */
/*
 * The x87 control instructions with memory operands: FLDCW/FNSTCW,
 * FNSTSW m16, FNSTENV/FLDENV and FNSAVE/FRSTOR in their four layouts
 * (16- or 32-bit operand size, real/virtual-8086 or protected mode;
 * 64-bit mode uses the 32-bit protected one). Everything is read before
 * anything changes, so a fault leaves the state as it was.
 */
#include "hv/soft/fpu.h"

#define ENV_MAX 28

void soft_x87_fnclex(struct soft_cpu *cpu)
{
	fpu_set16(cpu, FX_FSW, fpu_get16(cpu, FX_FSW) &
		  (uint16_t)~(FSW_EXC | FSW_SF | FSW_ES | FSW_B));
}

/* ES and B summarise the unmasked exception flags: FLDCW, FLDENV and
 * FRSTOR recompute them, so unmasking a set flag makes it pending. */
static void env_fix_es(struct soft_cpu *cpu)
{
	uint16_t fsw = fpu_get16(cpu, FX_FSW) & (uint16_t)~(FSW_ES | FSW_B);

	if (fsw & ~fpu_get16(cpu, FX_FCW) & FSW_EXC)
		fsw |= FSW_ES | FSW_B;
	fpu_set16(cpu, FX_FSW, fsw);
}

/* FCW: bit 6 reads as 1, bits 13-15 as 0. */
static uint16_t env_fcw(uint16_t v)
{
	return (uint16_t)((v & 0x1f3fu) | 0x40u);
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static int env_real(const struct soft_cpu *cpu)
{
	return cpu->mode == M_REAL || cpu->mode == M_VM86;
}

/* The environment image; its length. */
static unsigned env_store(struct soft_cpu *cpu, const struct soft_insn *in,
			  uint8_t *b)
{
	uint32_t fip = (uint32_t)fpu_get64(cpu, FX_FIP);
	uint32_t fdp = (uint32_t)fpu_get64(cpu, FX_FDP);
	uint16_t fop = fpu_get16(cpu, FX_FOP) & 0x7ff;

	if (in->osz == 2) {
		put16(b + 0, fpu_get16(cpu, FX_FCW));
		put16(b + 2, fpu_get16(cpu, FX_FSW));
		put16(b + 4, soft_fpu_full_tag(cpu));
		put16(b + 6, (uint16_t)fip);
		put16(b + 10, (uint16_t)fdp);
		if (env_real(cpu)) {
			put16(b + 8, (uint16_t)(((fip >> 16) & 0xf) << 12 | fop));
			put16(b + 12, (uint16_t)(((fdp >> 16) & 0xf) << 12));
		} else {
			put16(b + 8, 0);
			put16(b + 12, 0);
		}
		return 14;
	}
	put32(b + 0, 0xffff0000u | fpu_get16(cpu, FX_FCW));
	put32(b + 4, 0xffff0000u | fpu_get16(cpu, FX_FSW));
	put32(b + 8, 0xffff0000u | soft_fpu_full_tag(cpu));
	if (env_real(cpu)) {
		put32(b + 12, 0xffff0000u | (fip & 0xffff));
		put32(b + 16, ((fip >> 16) & 0xffff) << 12 | fop);
		put32(b + 20, 0xffff0000u | (fdp & 0xffff));
		put32(b + 24, ((fdp >> 16) & 0xffff) << 12);
	} else {
		put32(b + 12, fip);
		put32(b + 16, (uint32_t)fop << 16);
		put32(b + 20, fdp);
		put32(b + 24, 0xffff0000u);
	}
	return 28;
}

static unsigned env_len(const struct soft_insn *in)
{
	return in->osz == 2 ? 14 : 28;
}

static void env_load(struct soft_cpu *cpu, const struct soft_insn *in,
		     const uint8_t *b)
{
	uint64_t fip, fdp;
	uint16_t fop;

	if (in->osz == 2) {
		fpu_set16(cpu, FX_FCW, env_fcw(get16(b)));
		soft_fpu_set_fsw(cpu, get16(b + 2));
		cpu->fxsave[FX_FTW] = soft_fpu_abridged_tag(get16(b + 4));
		fip = get16(b + 6);
		fdp = get16(b + 10);
		fop = 0;
		if (env_real(cpu)) {
			fip |= (uint64_t)(get16(b + 8) >> 12) << 16;
			fop = get16(b + 8) & 0x7ff;
			fdp |= (uint64_t)(get16(b + 12) >> 12) << 16;
		}
	} else {
		fpu_set16(cpu, FX_FCW, env_fcw(get16(b)));
		soft_fpu_set_fsw(cpu, get16(b + 4));
		cpu->fxsave[FX_FTW] = soft_fpu_abridged_tag(get16(b + 8));
		if (env_real(cpu)) {
			fip = get16(b + 12) |
			      (uint64_t)((get32(b + 16) >> 12) & 0xffff) << 16;
			fop = get32(b + 16) & 0x7ff;
			fdp = get16(b + 20) |
			      (uint64_t)((get32(b + 24) >> 12) & 0xffff) << 16;
		} else {
			fip = get32(b + 12);
			fop = (get32(b + 16) >> 16) & 0x7ff;
			fdp = get32(b + 20);
		}
	}
	fpu_set16(cpu, FX_FOP, fop);
	fpu_set64(cpu, FX_FIP, fip);
	fpu_set64(cpu, FX_FDP, fdp);
	env_fix_es(cpu);
}

void soft_x87_env_op(struct soft_cpu *cpu, const struct soft_insn *in,
		     unsigned which)
{
	uint64_t ea = soft_ea(cpu, in);
	uint8_t b[ENV_MAX + 80];
	unsigned n;

	switch (which) {
	case 4: /* FLDENV */
		soft_fpu_check_x87(cpu, 1);
		soft_read_buf(cpu, in->seg, ea, b, env_len(in));
		env_load(cpu, in, b);
		break;
	case 5: /* FLDCW */
		soft_fpu_check_x87(cpu, 1);
		fpu_set16(cpu, FX_FCW,
			  env_fcw((uint16_t)soft_read(cpu, in->seg, ea, 2)));
		env_fix_es(cpu);
		break;
	case 6: /* FNSTENV: then all exceptions masked */
		soft_fpu_check_x87(cpu, 0);
		n = env_store(cpu, in, b);
		soft_write_buf(cpu, in->seg, ea, b, n);
		fpu_set16(cpu, FX_FCW, fpu_get16(cpu, FX_FCW) | FSW_EXC);
		break;
	case 7: /* FNSTCW */
		soft_fpu_check_x87(cpu, 0);
		soft_write(cpu, in->seg, ea, 2, fpu_get16(cpu, FX_FCW));
		break;
	case 8 | 4: /* FRSTOR */
		soft_fpu_check_x87(cpu, 1);
		n = env_len(in);
		soft_read_buf(cpu, in->seg, ea, b, n + 80);
		env_load(cpu, in, b);
		for (unsigned i = 0; i < 8; i++) {
			memcpy(cpu->fxsave + FX_ST0 + 16 * i, b + n + 10 * i, 10);
			memset(cpu->fxsave + FX_ST0 + 16 * i + 10, 0, 6);
		}
		break;
	case 8 | 6: /* FNSAVE: then FNINIT */
		soft_fpu_check_x87(cpu, 0);
		n = env_store(cpu, in, b);
		for (unsigned i = 0; i < 8; i++)
			memcpy(b + n + 10 * i, cpu->fxsave + FX_ST0 + 16 * i, 10);
		soft_write_buf(cpu, in->seg, ea, b, n + 80);
		soft_fpu_init_x87(cpu);
		break;
	case 8 | 7: /* FNSTSW m16 */
		soft_fpu_check_x87(cpu, 0);
		soft_write(cpu, in->seg, ea, 2, fpu_get16(cpu, FX_FSW));
		break;
	default:
		soft_raise(cpu, V_UD, -1);
	}
}
