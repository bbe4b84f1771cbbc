/* SPDX-License-Identifier: MIT */
/*
 * The x87 instructions (D8-DF). The control ones (FNINIT, FNCLEX,
 * FNSTSW, FNSTCW, FLDCW, FNSTENV, FLDENV, FNSAVE, FRSTOR) are done here
 * in C (x87env.c); every arithmetic, load, store, compare and
 * transcendental one runs on the host's x87 unit over a copy of the
 * guest's state (x87_host.S), which gives results and status bit for bit
 * as the hardware does, unmasked exceptions included: the host runs with
 * the guest's control word and the exception is only left pending.
 *
 * FISTTP (SSE3) is #UD: SSE3 is not advertised. The undocumented aliases
 * (FSTP1, FXCH4, FCOM2, FCOMP3, FCOMP5, FFREEP, FXCH7, FSTP8/9) are #UD.
 * FCS/FDS are not kept (stored as 0, as CPUs that deprecate them do).
 */
#include "hv/soft/fpu.h"

#if defined(__x86_64__)
void soft_x87_host_run(uint8_t *img, unsigned idx, void *mem,
		       uint64_t *rflags);
#define X87_HOST 1
#else
#define X87_HOST 0
#endif

/* Register forms the host may run: one bit per ModRM 0xC0-0xFF. */
static const uint64_t x87_reg_ok[8] = {
	/* D8: all */
	~0ull,
	/* D9: FLD FXCH FNOP, FCHS FABS FTST FXAM, constants, F0-FF */
	0x00ffull | 0xff00ull | (1ull << 0x10) | (3ull << 0x20) |
		(3ull << 0x24) | (0x7full << 0x28) | (0xffffull << 0x30),
	/* DA: FCMOVB/E/BE/U, FUCOMPP */
	0xffffffffull | (1ull << 0x29),
	/* DB: FCMOVNcc, FUCOMI, FCOMI (E0-E4 are done in C) */
	0xffffffffull | (0xffffull << 0x28),
	/* DC: FADD FMUL, FSUBR FSUB FDIVR FDIV */
	0xffffull | (0xffffffffull << 0x20),
	/* DD: FFREE, FST, FSTP, FUCOM, FUCOMP */
	0xffull | (0xffffull << 0x10) | (0xffffull << 0x20),
	/* DE: FADDP FMULP, FCOMPP, FSUBRP FSUBP FDIVRP FDIVP */
	0xffffull | (1ull << 0x19) | (0xffffffffull << 0x20),
	/* DF: FUCOMIP, FCOMIP (E0 FNSTSW AX is done in C) */
	0xffffull << 0x28,
};

/* Memory forms: operand size, and whether it is stored (else loaded). */
struct x87_memop {
	uint8_t size;
	uint8_t store;
};
static const struct x87_memop x87_mem[8][8] = {
	[0] = { { 4, 0 }, { 4, 0 }, { 4, 0 }, { 4, 0 },
		{ 4, 0 }, { 4, 0 }, { 4, 0 }, { 4, 0 } },
	[1] = { [0] = { 4, 0 }, [2] = { 4, 1 }, [3] = { 4, 1 } },
	[2] = { { 4, 0 }, { 4, 0 }, { 4, 0 }, { 4, 0 },
		{ 4, 0 }, { 4, 0 }, { 4, 0 }, { 4, 0 } },
	[3] = { [0] = { 4, 0 }, [2] = { 4, 1 }, [3] = { 4, 1 },
		[5] = { 10, 0 }, [7] = { 10, 1 } },
	[4] = { { 8, 0 }, { 8, 0 }, { 8, 0 }, { 8, 0 },
		{ 8, 0 }, { 8, 0 }, { 8, 0 }, { 8, 0 } },
	[5] = { [0] = { 8, 0 }, [2] = { 8, 1 }, [3] = { 8, 1 } },
	[6] = { { 2, 0 }, { 2, 0 }, { 2, 0 }, { 2, 0 },
		{ 2, 0 }, { 2, 0 }, { 2, 0 }, { 2, 0 } },
	[7] = { [0] = { 2, 0 }, [2] = { 2, 1 }, [3] = { 2, 1 },
		[4] = { 10, 0 }, [5] = { 8, 0 }, [6] = { 10, 1 },
		[7] = { 8, 1 } },
};

/* The control forms done in C; 1 when `in` was one of them. */
static int x87_control(struct soft_cpu *cpu, const struct soft_insn *in,
		       unsigned opc, unsigned reg, unsigned modrm)
{
	if (in->mod == 3) {
		if (opc == 3 && modrm >= 0xe0 && modrm <= 0xe4) {
			soft_fpu_check_x87(cpu, 0);
			if (modrm == 0xe2)
				soft_x87_fnclex(cpu);
			else if (modrm == 0xe3)
				soft_fpu_init_x87(cpu);
			/* FENI, FDISI, FSETPM: no-ops since the 387. */
			return 1;
		}
		if (opc == 7 && modrm == 0xe0) {
			soft_fpu_check_x87(cpu, 0);
			soft_reg_set(cpu, R_AX, 2, fpu_get16(cpu, FX_FSW));
			return 1;
		}
		return 0;
	}
	if (opc == 1 && reg >= 4) {
		soft_x87_env_op(cpu, in, reg);
		return 1;
	}
	if (opc == 5 && (reg == 4 || reg == 6 || reg == 7)) {
		soft_x87_env_op(cpu, in, reg | 8);
		return 1;
	}
	return 0;
}

/* FCOMI, FUCOMI, FCOMIP, FUCOMIP write ZF PF CF (and clear OF SF AF). */
static int x87_sets_eflags(unsigned opc, unsigned modrm)
{
	return (opc == 3 || opc == 7) && modrm >= 0xe8 && modrm <= 0xf7;
}

void soft_x87_exec(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned opc = in->op & 7, reg = in->reg & 7;
	unsigned modrm = in->modrm;
	uint8_t img[512] __attribute__((aligned(16)));
	uint8_t mem[16] = { 0 };
	struct x87_memop mop = { 0, 0 };
	uint64_t ea = 0, fl;
	uint16_t fsw, nfsw, fcw;
	unsigned idx;

	if (x87_control(cpu, in, opc, reg, modrm))
		return;
	if (in->mod == 3) {
		if (!X87_HOST || !((x87_reg_ok[opc] >> (modrm - 0xc0)) & 1))
			soft_raise(cpu, V_UD, -1);
		idx = (opc << 6) | (modrm - 0xc0);
	} else {
		mop = x87_mem[opc][reg];
		if (!X87_HOST || !mop.size)
			soft_raise(cpu, V_UD, -1);
		idx = 512 + ((opc << 3) | reg);
	}
	soft_fpu_check_x87(cpu, 1);
	if (in->mod != 3) {
		ea = soft_ea(cpu, in);
		if (!mop.store)
			soft_read_buf(cpu, in->seg, ea, mem, mop.size);
	}
	/* The host starts with no exception flags: the new ones are then
	 * this instruction's, merged into the guest's sticky ones. */
	memcpy(img, cpu->fxsave, sizeof(img));
	fsw = fpu_get16(cpu, FX_FSW);
	fcw = fpu_get16(cpu, FX_FCW);
	nfsw = fsw & (uint16_t)~(FSW_EXC | FSW_SF | FSW_ES | FSW_B);
	memcpy(img + FX_FSW, &nfsw, 2);
	/* Whatever wrote cpu->fxsave, the host's FXRSTOR must not #GP. */
	img[FX_MXCSR + 2] = img[FX_MXCSR + 3] = 0;
	fl = (soft_get_rflags(cpu) & F_ARITH) | F_1;
#if X87_HOST
	soft_x87_host_run(img, idx, mem, &fl);
#else
	(void)idx;
#endif
	memcpy(&nfsw, img + FX_FSW, 2);
	/* A store is skipped on an unmasked exception other than precision,
	 * as the hardware does (and the host did not write `mem` then). */
	if (mop.store && !(nfsw & ~fcw & (FSW_EXC & ~0x20u)))
		soft_write_buf(cpu, in->seg, ea, mem, mop.size);
	nfsw |= fsw & (FSW_EXC | FSW_SF);
	if (nfsw & ~fcw & FSW_EXC)
		nfsw |= FSW_ES | FSW_B;
	/* Commit: control and x87 registers (0-159), not MXCSR/XMM. */
	memcpy(cpu->fxsave + FX_FCW, img + FX_FCW, 8);
	memcpy(cpu->fxsave + FX_ST0, img + FX_ST0, 128);
	fpu_set16(cpu, FX_FSW, nfsw);
	fpu_set16(cpu, FX_FOP, (uint16_t)((opc << 8) | modrm));
	/* Real and virtual-8086 modes keep 20-bit linear pointers (their
	 * environment layouts have no selectors). */
	if (cpu->mode == M_REAL || cpu->mode == M_VM86) {
		fpu_set64(cpu, FX_FIP, cpu->seg[S_CS].base + cpu->ip_start);
		if (in->mod != 3)
			fpu_set64(cpu, FX_FDP, cpu->seg[in->seg].base + ea);
	} else {
		fpu_set64(cpu, FX_FIP, cpu->ip_start);
		if (in->mod != 3)
			fpu_set64(cpu, FX_FDP, ea);
	}
	if (x87_sets_eflags(opc, modrm))
		soft_set_rflags(cpu, (soft_get_rflags(cpu) & ~(uint64_t)F_ARITH) |
				     (fl & F_ARITH));
}
