/* SPDX-License-Identifier: MIT */
/*
 * Power-on and INIT state of a soft vCPU (Intel SDM vol. 3, "Processor
 * state following power-up, reset or INIT"), and the mode/CPL derivation
 * every mode change goes through.
 */
#include <string.h>

#include "hv/soft/sys.h"

void soft_mode_update(struct soft_cpu *cpu)
{
	const struct soft_seg *cs = &cpu->seg[S_CS];

	if (!(cpu->cr0 & CR0_PE)) {
		cpu->mode = M_REAL;
		cpu->cpl = 0;
	} else if ((cpu->rflags & F_VM) && !(cpu->efer & EFER_LMA)) {
		cpu->mode = M_VM86;
		cpu->cpl = 3;
	} else {
		cpu->cpl = SEG_A_DPL(cs->attr);
		if ((cpu->efer & EFER_LMA) && (cs->attr & SEG_A_L))
			cpu->mode = M_LONG64;
		else
			cpu->mode = (cs->attr & SEG_A_DB) ? M_PROT32 : M_PROT16;
	}
	/* No TLB flush: entries say whether ring 3 may use them (mem.c). */
}

void sys_mode_refresh(struct soft_cpu *cpu)
{
	enum soft_mode old = cpu->mode;

	soft_mode_update(cpu);
	/* Decoded code depends on the mode (operand and address sizes). */
	if (cpu->mode != old)
		soft_icache_flush(cpu);
}

void soft_reset_state(struct soft_cpu *cpu, int init)
{
	uint64_t cr0_keep = init ? cpu->cr0 & (CR0_CD | CR0_NW) : 0;

	memset(cpu->gpr, 0, sizeof(cpu->gpr));
	cpu->gpr[R_DX] = sys_cpuid_signature();
	cpu->rip = 0xfff0;
	cpu->rflags = 0;
	soft_set_rflags(cpu, F_1);
	for (int i = 0; i < S_NR; i++) {
		cpu->seg[i].sel = 0;
		cpu->seg[i].base = 0;
		cpu->seg[i].limit = 0xffff;
		cpu->seg[i].attr = 0x93; /* present, read/write, accessed */
	}
	cpu->seg[S_CS].sel = 0xf000;
	cpu->seg[S_CS].base = 0xffff0000u;
	cpu->seg[S_CS].attr = 0x9b; /* present, exec/read, accessed */
	cpu->ldtr = (struct soft_seg){ .limit = 0xffff, .attr = 0x82 };
	cpu->tr = (struct soft_seg){ .limit = 0xffff, .attr = 0x8b };
	cpu->gdtr = (struct soft_dtr){ .limit = 0xffff };
	cpu->idtr = (struct soft_dtr){ .limit = 0xffff };
	/* Power-on: CD and NW set; INIT keeps them, as the SDM says. */
	cpu->cr0 = init ? (cr0_keep | CR0_ET) : 0x60000010u;
	cpu->cr2 = cpu->cr3 = cpu->cr4 = cpu->cr8 = 0;
	cpu->efer = 0;
	memset(cpu->pdpte, 0, sizeof(cpu->pdpte));
	memset(cpu->dr, 0, sizeof(cpu->dr));
	cpu->dr[6] = 0xffff0ff0u;
	cpu->dr[7] = 0x400;
	if (!init) {
		/* MSRs, MTRRs, PAT and the TSC survive INIT. */
		cpu->star = cpu->lstar = cpu->cstar = cpu->sfmask = 0;
		cpu->kernel_gs_base = 0;
		cpu->sysenter_cs = cpu->sysenter_esp = cpu->sysenter_eip = 0;
		cpu->pat = 0x0007040600070406ull;
		cpu->tsc_aux = 0;
		cpu->misc_enable = 1; /* fast strings */
		cpu->mtrr_def_type = 0;
		memset(cpu->mtrr_fixed, 0, sizeof(cpu->mtrr_fixed));
		memset(cpu->mtrr_var, 0, sizeof(cpu->mtrr_var));
		/* The TSC counts from 0 at power-on. */
		cpu->tsc_offset = 0;
		cpu->tsc_offset = -(int64_t)sys_tsc(cpu);
		cpu->tsc_adjust = 0;
	}
	/* x87/SSE: FCW 0x0040 at power-on (0x037f after INIT), MXCSR. */
	memset(cpu->fxsave, 0, sizeof(cpu->fxsave));
	cpu->fxsave[0] = init ? 0x7f : 0x40;
	cpu->fxsave[1] = init ? 0x03 : 0x00;
	cpu->fxsave[24] = 0x80;
	cpu->fxsave[25] = 0x1f;

	cpu->shadow = 0;
	cpu->halted = 0;
	cpu->nmi_blocked = 0;
	cpu->exc_depth = 0;
	cpu->exc_vector = -1;
	cpu->pend_vec = -1;
	cpu->pend_err = -1;
	cpu->shutdown = 0;
	/* Application processors wait for a start-up IPI; the BSP (id 0)
	 * runs from the reset vector. */
	cpu->wait_sipi = cpu->id != 0;
	soft_tlb_flush(cpu, 1);
	cpu->tlb_cpl = 0;
	soft_mode_update(cpu);
	if (init)
		soft_icache_flush(cpu);
}
