/* SPDX-License-Identifier: MIT */
/*
 * Fast system calls of the soft CPU: SYSCALL/SYSRET (Intel's rules, as we
 * advertise GenuineIntel: 64-bit mode only), SYSENTER/SYSEXIT and SWAPGS.
 * They load flat CS/SS caches from the MSRs without reading descriptors,
 * as the hardware does. RIP must already point past the instruction.
 */
#include "hv/soft/sys.h"

/* Flat 4 GiB segment caches: 64-bit code, 32-bit code, data. */
#define SC_CODE64(dpl) ((uint16_t)(0x9b | ((dpl) << 5) | SEG_A_L | SEG_A_G))
#define SC_CODE32(dpl) ((uint16_t)(0x9b | ((dpl) << 5) | SEG_A_DB | SEG_A_G))
#define SC_DATA(dpl) ((uint16_t)(0x93 | ((dpl) << 5) | SEG_A_DB | SEG_A_G))

static void sc_flat(struct soft_cpu *cpu, int sreg, uint16_t sel,
		    uint16_t attr)
{
	cpu->seg[sreg] = (struct soft_seg){ .base = 0, .limit = 0xffffffffu,
					    .sel = sel, .attr = attr };
}

void soft_syscall(struct soft_cpu *cpu)
{
	uint16_t sel = (uint16_t)(cpu->star >> 32);
	uint64_t fl;

	if (!(cpu->efer & EFER_SCE) || cpu->mode != M_LONG64)
		soft_raise(cpu, V_UD, -1);
	fl = soft_get_rflags(cpu);
	cpu->gpr[R_CX] = cpu->rip;
	cpu->gpr[R_R11] = fl & ~(uint64_t)F_RF;
	sc_flat(cpu, S_CS, sel & 0xfffc, SC_CODE64(0));
	sc_flat(cpu, S_SS, (uint16_t)((sel + 8) & 0xfffc), SC_DATA(0));
	soft_set_rflags(cpu, fl & ~(cpu->sfmask | F_RF));
	cpu->rip = cpu->lstar;
	soft_mode_update(cpu);
}

void soft_sysret(struct soft_cpu *cpu, unsigned osz)
{
	uint16_t sel = (uint16_t)(cpu->star >> 48);

	if (!(cpu->efer & EFER_SCE) || cpu->mode != M_LONG64)
		soft_raise(cpu, V_UD, -1);
	if (cpu->cpl != 0)
		soft_raise(cpu, V_GP, 0);
	if (osz == 8) {
		/* Intel faults here, in ring 0, on a non-canonical RCX. */
		if (!sys_canonical(cpu->gpr[R_CX]))
			soft_raise(cpu, V_GP, 0);
		sc_flat(cpu, S_CS, (uint16_t)((sel + 16) | 3), SC_CODE64(3));
		cpu->rip = cpu->gpr[R_CX];
	} else {
		sc_flat(cpu, S_CS, (uint16_t)(sel | 3), SC_CODE32(3));
		cpu->rip = (uint32_t)cpu->gpr[R_CX];
	}
	/* SS keeps the hardware's fixed cache, only the selector varies. */
	sc_flat(cpu, S_SS, (uint16_t)((sel + 8) | 3), SC_DATA(3));
	soft_set_rflags(cpu, (cpu->gpr[R_R11] & 0x3c7fd7u) | F_1);
	sys_mode_refresh(cpu);
}

void soft_sysenter(struct soft_cpu *cpu)
{
	uint16_t sel = (uint16_t)cpu->sysenter_cs;
	int lma = !!(cpu->efer & EFER_LMA);

	if (cpu->mode == M_REAL || !(sel & 0xfffc))
		soft_raise(cpu, V_GP, 0);
	soft_set_rflags(cpu, soft_get_rflags(cpu) &
				     ~(uint64_t)(F_VM | F_IF | F_RF));
	sc_flat(cpu, S_CS, sel & 0xfffc, lma ? SC_CODE64(0) : SC_CODE32(0));
	sc_flat(cpu, S_SS, (uint16_t)((sel & 0xfffc) + 8), SC_DATA(0));
	cpu->rip = lma ? cpu->sysenter_eip : (uint32_t)cpu->sysenter_eip;
	cpu->gpr[R_SP] = lma ? cpu->sysenter_esp : (uint32_t)cpu->sysenter_esp;
	sys_mode_refresh(cpu);
}

void soft_sysexit(struct soft_cpu *cpu, unsigned osz)
{
	uint16_t sel = (uint16_t)cpu->sysenter_cs;

	if (cpu->mode == M_REAL || cpu->mode == M_VM86 || !(sel & 0xfffc) ||
	    cpu->cpl != 0)
		soft_raise(cpu, V_GP, 0);
	if (osz == 8) {
		if (!sys_canonical(cpu->gpr[R_DX]) ||
		    !sys_canonical(cpu->gpr[R_CX]))
			soft_raise(cpu, V_GP, 0);
		sc_flat(cpu, S_CS, (uint16_t)((sel + 32) | 3), SC_CODE64(3));
		sc_flat(cpu, S_SS, (uint16_t)((sel + 40) | 3), SC_DATA(3));
		cpu->rip = cpu->gpr[R_DX];
		cpu->gpr[R_SP] = cpu->gpr[R_CX];
	} else {
		sc_flat(cpu, S_CS, (uint16_t)((sel + 16) | 3), SC_CODE32(3));
		sc_flat(cpu, S_SS, (uint16_t)((sel + 24) | 3), SC_DATA(3));
		cpu->rip = (uint32_t)cpu->gpr[R_DX];
		cpu->gpr[R_SP] = (uint32_t)cpu->gpr[R_CX];
	}
	sys_mode_refresh(cpu);
}

void soft_swapgs(struct soft_cpu *cpu)
{
	uint64_t t;

	if (cpu->mode != M_LONG64)
		soft_raise(cpu, V_UD, -1);
	if (cpu->cpl != 0)
		soft_raise(cpu, V_GP, 0);
	t = cpu->seg[S_GS].base;
	cpu->seg[S_GS].base = cpu->kernel_gs_base;
	cpu->kernel_gs_base = t;
}
