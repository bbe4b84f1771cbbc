/* SPDX-License-Identifier: MIT */
/*
 * System instructions of the soft CPU: MOV to/from control and debug
 * registers, CLTS, LMSW, INVLPG, HLT, LGDT/LIDT/SGDT/SIDT and the I/O
 * permission check of IN/OUT/INS/OUTS.
 */
#include "hv/soft/sys.h"

/* Privileged instructions: CPL 0 outside vm86, else #GP(0). */
static void sysinsn_cpl0(struct soft_cpu *cpu)
{
	if (cpu->cpl != 0 || cpu->mode == M_VM86)
		soft_raise(cpu, V_GP, 0);
}

/* Everything a change of paging mode or protection invalidates. */
static void sysinsn_paging_changed(struct soft_cpu *cpu)
{
	soft_tlb_flush(cpu, 1);
	soft_icache_flush(cpu);
	soft_mode_update(cpu);
}

static void sysinsn_cr0(struct soft_cpu *cpu, uint64_t v)
{
	uint64_t old = cpu->cr0;
	/* Bits 31:0 that are not defined read as 0 and ignore writes. */
	const uint64_t defined = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET |
				 CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD |
				 CR0_PG;

	if (v >> 32)
		soft_raise(cpu, V_GP, 0);
	v = (v & defined) | CR0_ET;
	if ((v & CR0_PG) && !(v & CR0_PE))
		soft_raise(cpu, V_GP, 0);
	if ((v & CR0_NW) && !(v & CR0_CD))
		soft_raise(cpu, V_GP, 0);
	if ((old & CR0_PG) && !(v & CR0_PG) && cpu->mode == M_LONG64)
		soft_raise(cpu, V_GP, 0);
	if (!(old & CR0_PG) && (v & CR0_PG)) {
		if (cpu->efer & EFER_LME) {
			/* Long mode activation: PAE first, not from a
			 * 64-bit code segment. */
			if (!(cpu->cr4 & CR4_PAE) ||
			    (cpu->seg[S_CS].attr & SEG_A_L))
				soft_raise(cpu, V_GP, 0);
		} else if (cpu->cr4 & CR4_PAE) {
			if (sys_load_pdptes(cpu))
				soft_raise(cpu, V_GP, 0);
		}
	}
	cpu->cr0 = v;
	if ((v & CR0_PG) && (cpu->efer & EFER_LME))
		cpu->efer |= EFER_LMA;
	else if (!(v & CR0_PG))
		cpu->efer &= ~(uint64_t)EFER_LMA;
	if ((old ^ v) & (CR0_PG | CR0_WP | CR0_PE | CR0_CD | CR0_NW))
		sysinsn_paging_changed(cpu);
}

static void sysinsn_cr3(struct soft_cpu *cpu, uint64_t v)
{
	if (cpu->efer & EFER_LMA) {
		/* No PCID: bits above the physical width are reserved. */
		if (v & ~SYS_PHYS_MASK)
			soft_raise(cpu, V_GP, 0);
	} else {
		v &= 0xffffffffu;
	}
	uint64_t old = cpu->cr3;

	cpu->cr3 = v;
	if ((cpu->cr0 & CR0_PG) && (cpu->cr4 & CR4_PAE) &&
	    !(cpu->efer & EFER_LMA) && sys_load_pdptes(cpu)) {
		cpu->cr3 = old;
		soft_raise(cpu, V_GP, 0);
	}
	soft_tlb_flush(cpu, 0);
	soft_icache_flush(cpu);
}

static void sysinsn_cr4(struct soft_cpu *cpu, uint64_t v)
{
	/* What the model implements (or stores for the x87 issue). VME and
	 * PVI are not advertised, nor is anything above OSXMMEXCPT. */
	const uint64_t ok = CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE |
			    CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	uint64_t old = cpu->cr4;

	if (v & ~ok)
		soft_raise(cpu, V_GP, 0);
	if ((cpu->efer & EFER_LMA) && !(v & CR4_PAE))
		soft_raise(cpu, V_GP, 0);
	cpu->cr4 = v;
	/* PAE paging reloads the PDPTEs when PAE, PGE or PSE change. */
	if ((cpu->cr0 & CR0_PG) && (v & CR4_PAE) &&
	    ((old ^ v) & (CR4_PAE | CR4_PGE | CR4_PSE)) &&
	    !(cpu->efer & EFER_LMA) && sys_load_pdptes(cpu)) {
		cpu->cr4 = old;
		soft_raise(cpu, V_GP, 0);
	}
	if ((old ^ v) & (CR4_PAE | CR4_PSE | CR4_PGE))
		sysinsn_paging_changed(cpu);
	else
		soft_icache_flush(cpu);
}

void soft_mov_to_cr(struct soft_cpu *cpu, unsigned cr, uint64_t v)
{
	sysinsn_cpl0(cpu);
	if (cpu->mode != M_LONG64)
		v &= 0xffffffffu;
	switch (cr) {
	case 0:
		sysinsn_cr0(cpu, v);
		break;
	case 2:
		cpu->cr2 = v;
		break;
	case 3:
		sysinsn_cr3(cpu, v);
		break;
	case 4:
		sysinsn_cr4(cpu, v);
		break;
	case 8:
		if (v & ~(uint64_t)0xf)
			soft_raise(cpu, V_GP, 0);
		cpu->cr8 = v;
		if (cpu->ops->set_cr8)
			cpu->ops->set_cr8(cpu->ctx, v);
		break;
	default:
		soft_raise(cpu, V_UD, -1);
	}
}

uint64_t soft_mov_from_cr(struct soft_cpu *cpu, unsigned cr)
{
	sysinsn_cpl0(cpu);
	switch (cr) {
	case 0:
		return cpu->cr0;
	case 2:
		return cpu->cr2;
	case 3:
		return cpu->cr3;
	case 4:
		return cpu->cr4;
	case 8:
		return cpu->ops->get_cr8 ? cpu->ops->get_cr8(cpu->ctx) & 0xf
					 : cpu->cr8;
	default:
		soft_raise(cpu, V_UD, -1);
	}
}

/* DR4/DR5 are DR6/DR7 unless CR4.DE, when they are #UD. */
static unsigned sysinsn_dr_index(struct soft_cpu *cpu, unsigned dr)
{
	if (dr > 7)
		soft_raise(cpu, V_UD, -1);
	if (dr == 4 || dr == 5) {
		if (cpu->cr4 & CR4_DE)
			soft_raise(cpu, V_UD, -1);
		dr += 2;
	}
	return dr;
}

/* Breakpoints are stored but never fire. */
void soft_mov_to_dr(struct soft_cpu *cpu, unsigned dr, uint64_t v)
{
	sysinsn_cpl0(cpu);
	dr = sysinsn_dr_index(cpu, dr);
	if (cpu->mode != M_LONG64)
		v &= 0xffffffffu;
	switch (dr) {
	case 6:
		if (v >> 32)
			soft_raise(cpu, V_GP, 0);
		cpu->dr[6] = (v & 0x0000e00fu) | 0xffff0ff0u;
		break;
	case 7:
		if (v >> 32)
			soft_raise(cpu, V_GP, 0);
		cpu->dr[7] = (v & 0xffff2bffu) | 0x400u;
		break;
	default:
		cpu->dr[dr] = v;
	}
}

uint64_t soft_mov_from_dr(struct soft_cpu *cpu, unsigned dr)
{
	sysinsn_cpl0(cpu);
	return cpu->dr[sysinsn_dr_index(cpu, dr)];
}

void soft_clts(struct soft_cpu *cpu)
{
	sysinsn_cpl0(cpu);
	cpu->cr0 &= ~(uint64_t)CR0_TS;
}

void soft_lmsw(struct soft_cpu *cpu, uint16_t v)
{
	uint64_t cr0;

	sysinsn_cpl0(cpu);
	/* LMSW sets PE but never clears it; it touches MP, EM, TS too. */
	cr0 = (cpu->cr0 & ~(uint64_t)(CR0_MP | CR0_EM | CR0_TS)) |
	      (v & (CR0_PE | CR0_MP | CR0_EM | CR0_TS));
	sysinsn_cr0(cpu, cr0);
}

void soft_invlpg(struct soft_cpu *cpu, uint64_t lin)
{
	sysinsn_cpl0(cpu);
	soft_tlb_flush_page(cpu, lin);
}

void soft_hlt(struct soft_cpu *cpu)
{
	sysinsn_cpl0(cpu);
	cpu->halted = 1;
}

void soft_lgdt_lidt(struct soft_cpu *cpu, int which, int seg, uint64_t off)
{
	uint64_t limit, base;
	struct soft_dtr *t = (which & 1) ? &cpu->idtr : &cpu->gdtr;

	sysinsn_cpl0(cpu);
	limit = soft_read(cpu, seg, off, 2);
	if (cpu->mode == M_LONG64) {
		base = soft_read(cpu, seg, off + 2, 8);
		if (!sys_canonical(base))
			soft_raise(cpu, V_GP, 0);
	} else {
		base = soft_read(cpu, seg, (off + 2) & 0xffffffffu, 4);
		/* The 16-bit operand-size form loads a 24-bit base. */
		if (which & 2)
			base &= 0xffffff;
	}
	t->base = base;
	t->limit = (uint32_t)limit;
}

void soft_sgdt_sidt(struct soft_cpu *cpu, int which, int seg, uint64_t off)
{
	const struct soft_dtr *t = (which & 1) ? &cpu->idtr : &cpu->gdtr;
	uint8_t buf[10];
	unsigned n = cpu->mode == M_LONG64 ? 10 : 6;

	buf[0] = (uint8_t)t->limit;
	buf[1] = (uint8_t)(t->limit >> 8);
	for (unsigned i = 0; i < 8; i++)
		buf[2 + i] = (uint8_t)(t->base >> (8 * i));
	soft_write_buf(cpu, seg, off, buf, n);
}

void soft_io_check(struct soft_cpu *cpu, uint16_t port, unsigned size)
{
	unsigned iopl = (unsigned)(cpu->rflags & F_IOPL) >> 12;
	uint64_t map, at;
	unsigned bits;

	if (cpu->mode == M_REAL)
		return;
	if (cpu->mode != M_VM86 && cpu->cpl <= iopl)
		return;
	/* The I/O map needs a present 32/64-bit TSS reaching offset 0x67. */
	if (!(cpu->tr.attr & SEG_A_P) || (cpu->tr.attr & 0x1d) != 0x9 ||
	    cpu->tr.limit < 0x67)
		soft_raise(cpu, V_GP, 0);
	map = soft_read_lin(cpu, sys_lin_sys(cpu, cpu->tr.base + 0x66), 2, 1);
	at = map + port / 8;
	if (at + 1 > cpu->tr.limit)
		soft_raise(cpu, V_GP, 0);
	bits = (unsigned)soft_read_lin(cpu, sys_lin_sys(cpu, cpu->tr.base + at),
				       2, 1);
	if ((bits >> (port & 7)) & ((1u << size) - 1))
		soft_raise(cpu, V_GP, 0);
}
