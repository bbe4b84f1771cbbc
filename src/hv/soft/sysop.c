/* SPDX-License-Identifier: MIT */
/*
 * System instructions as the decoder sees them: operands decoded here,
 * then one call into the system files (cpu.h), which do the privilege
 * checks and the work. CLI and STI stay here (IOPL rules only).
 */
#include "hv/soft/alu.h"
#include "hv/soft/ops.h"

static void sysop_ud(struct soft_cpu *cpu)
{
	soft_raise(cpu, V_UD, -1);
}

/* SLDT/STR destination: memory 16 bits, a register at operand size. */
static void sysop_store_sel(struct soft_cpu *cpu, const struct soft_insn *in,
			    uint16_t sel)
{
	if (in->mod == 3)
		soft_reg_set(cpu, in->rm, in->osz, sel);
	else
		soft_write(cpu, in->seg, soft_ea(cpu, in), 2, sel);
}

/* 0F 00: SLDT STR LLDT LTR VERR VERW (sub = ModRM.reg). */
void soft_sysop_grp6(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint16_t sel;

	if (cpu->mode == M_REAL || cpu->mode == M_VM86)
		sysop_ud(cpu);
	switch (in->sub) {
	case 0: sysop_store_sel(cpu, in, cpu->ldtr.sel); return;
	case 1: sysop_store_sel(cpu, in, cpu->tr.sel); return;
	default: break;
	}
	sel = (uint16_t)soft_e_read(cpu, in, 2);
	switch (in->sub) {
	case 2: soft_lldt(cpu, sel); break;
	case 3: soft_ltr(cpu, sel); break;
	default:
		soft_set_zf(cpu, soft_verr_verw(cpu, in->sub == 5, sel) > 0);
		break;
	}
}

/* The linear address of a memory operand without segment checks
 * (INVLPG never faults on its operand). */
static uint64_t sysop_lin(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint64_t off = soft_ea(cpu, in);

	if (cpu->mode == M_LONG64)
		return off + (in->seg >= S_FS ? cpu->seg[in->seg].base : 0);
	return (cpu->seg[in->seg].base + off) & 0xffffffffu;
}

/* 0F 01: descriptor tables, SMSW/LMSW, INVLPG, SWAPGS, RDTSCP. */
void soft_sysop_grp7(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned r = in->rm & 7;

	if (in->mod != 3) {
		uint64_t off = soft_ea(cpu, in);

		switch (in->sub) {
		case 0: case 1: soft_sgdt_sidt(cpu, in->sub, in->seg, off); return;
		case 2: case 3:
			/* | 2: 16-bit operand size (a 24-bit base). */
			soft_lgdt_lidt(cpu, (in->sub - 2) |
					       (in->osz == 2 ? 2 : 0),
				       in->seg, off);
			return;
		case 4: soft_write(cpu, in->seg, off, 2, (uint16_t)cpu->cr0); return;
		case 6: soft_lmsw(cpu, (uint16_t)soft_read(cpu, in->seg, off, 2));
			return;
		case 7: soft_invlpg(cpu, sysop_lin(cpu, in)); return;
		default: sysop_ud(cpu);
		}
	}
	switch (in->sub) {
	case 4: soft_reg_set(cpu, in->rm, in->osz, cpu->cr0); return;
	case 6: soft_lmsw(cpu, (uint16_t)cpu->gpr[in->rm]); return;
	case 7:
		if (r == 0 && cpu->mode == M_LONG64) {
			soft_swapgs(cpu);
			return;
		}
		if (r == 1) {
			soft_rdtsc(cpu, 1);
			return;
		}
		break;
	default: break;
	}
	/* MONITOR/MWAIT, CLAC/STAC, XGETBV, VMX/SVM, ...: not advertised. */
	sysop_ud(cpu);
}

/* LAR (sub 0), LSL (1): a valid selector sets ZF and the destination. */
void soft_sysop_lar_lsl(struct soft_cpu *cpu, const struct soft_insn *in)
{
	uint16_t sel;
	uint64_t out = 0;
	int ok;

	if (cpu->mode == M_REAL || cpu->mode == M_VM86)
		sysop_ud(cpu);
	sel = (uint16_t)soft_e_read(cpu, in, 2);
	ok = soft_lar_lsl(cpu, in->sub, sel, &out) > 0;
	if (ok)
		soft_reg_set(cpu, in->reg, in->osz, out);
	soft_set_zf(cpu, ok);
}

void soft_sysop_clts(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_clts(cpu);
}

void soft_sysop_syscall(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_syscall(cpu);
}

void soft_sysop_sysret(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_sysret(cpu, in->osz);
}

/* INVD/WBINVD: privileged; there is no cache to flush. */
void soft_sysop_invd(struct soft_cpu *cpu, const struct soft_insn *in)
{
	if (cpu->cpl)
		soft_raise(cpu, V_GP, 0);
}

/* The operand width of MOV to/from CRn/DRn. */
static unsigned sysop_crw(const struct soft_cpu *cpu)
{
	return cpu->mode == M_LONG64 ? 8 : 4;
}

/* MOV r, CRn (sub 0) and MOV CRn, r (sub 1); ModRM.reg names the CR. */
void soft_sysop_mov_cr(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned w = sysop_crw(cpu);

	if (in->sub)
		soft_mov_to_cr(cpu, in->reg, soft_reg_get(cpu, in->rm, w));
	else
		soft_reg_set(cpu, in->rm, w, soft_mov_from_cr(cpu, in->reg));
}

void soft_sysop_mov_dr(struct soft_cpu *cpu, const struct soft_insn *in)
{
	unsigned w = sysop_crw(cpu);

	if (in->sub)
		soft_mov_to_dr(cpu, in->reg, soft_reg_get(cpu, in->rm, w));
	else
		soft_reg_set(cpu, in->rm, w, soft_mov_from_dr(cpu, in->reg));
}

void soft_sysop_wrmsr(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_wrmsr(cpu);
}

void soft_sysop_rdmsr(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_rdmsr(cpu);
}

void soft_sysop_rdtsc(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_rdtsc(cpu, 0);
}

void soft_sysop_sysenter(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_sysenter(cpu);
}

void soft_sysop_sysexit(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_sysexit(cpu, in->osz);
}

void soft_sysop_cpuid(struct soft_cpu *cpu, const struct soft_insn *in)
{
	soft_cpuid(cpu);
}

/* CLI/STI: IOPL-sensitive outside real mode (no VME/PVI advertised). */
static void sysop_if_check(struct soft_cpu *cpu)
{
	unsigned iopl = (cpu->rflags & F_IOPL) >> 12;

	if (cpu->mode == M_REAL)
		return;
	if (cpu->mode == M_VM86 ? iopl < 3 : cpu->cpl > iopl)
		soft_raise(cpu, V_GP, 0);
}

void soft_sysop_cli(struct soft_cpu *cpu, const struct soft_insn *in)
{
	sysop_if_check(cpu);
	cpu->rflags &= ~(uint64_t)F_IF;
}

void soft_sysop_sti(struct soft_cpu *cpu, const struct soft_insn *in)
{
	sysop_if_check(cpu);
	/* Interrupts wait one more instruction only when IF was clear. */
	if (!(cpu->rflags & F_IF))
		cpu->shadow = 1;
	cpu->rflags |= F_IF;
}
