/* SPDX-License-Identifier: MIT */
/*
 * IRET for the soft CPU in every mode: real mode, vm86 (IOPL 3 only, no
 * VME), protected mode to the same or an outer ring (nulling the data
 * segments the outer ring may not use), from ring 0 back to vm86, and
 * IRETQ / compatibility-mode IRET in IA-32e mode (which always pops
 * SS:RSP in 64-bit mode). Each unblocks NMIs.
 *
 * Not supported: a nested-task return (NT set outside IA-32e mode) would
 * be a task switch; it raises #GP(0) (IA-32e mode raises that anyway).
 */
#include "hv/soft/sys.h"

/* RFLAGS bits any IRET may write (the rest depend on CPL and IOPL). */
#define IRET_BASE_BITS                                                   \
	(F_CF | F_PF | F_AF | F_ZF | F_SF | F_TF | F_DF | F_OF | F_NT |   \
	 F_RF | F_AC | F_ID)

static void iret_set_flags(struct soft_cpu *cpu, uint64_t v, uint64_t mask,
			   unsigned osz)
{
	uint64_t cur = soft_get_rflags(cpu);

	if (osz == 2)
		mask &= 0xffff;
	soft_set_rflags(cpu, (cur & ~mask) | (v & mask));
}

static void iret_real(struct soft_cpu *cpu, unsigned osz)
{
	struct sys_stack st;
	uint64_t ip, fl;
	uint16_t cs;

	sys_stk_cur(cpu, &st);
	if (cpu->mode == M_VM86 && ((cpu->rflags & F_IOPL) >> 12) < 3)
		soft_raise(cpu, V_GP, 0);
	ip = sys_stk_pop(cpu, &st, osz);
	cs = (uint16_t)sys_stk_pop(cpu, &st, osz);
	fl = sys_stk_pop(cpu, &st, osz);
	if (ip > cpu->seg[S_CS].limit)
		soft_raise(cpu, V_GP, 0);
	sys_stk_commit(cpu, &st);
	sys_seg_real(cpu, S_CS, cs);
	cpu->rip = ip;
	/* Real mode may change IOPL and IF; vm86 (IOPL 3) only IF. */
	iret_set_flags(cpu, fl,
		       IRET_BASE_BITS | F_IF |
			       (cpu->mode == M_REAL ? F_IOPL : 0),
		       osz);
}

/* From ring 0 to vm86: EIP, CS, EFLAGS already popped. */
static void iret_to_vm86(struct soft_cpu *cpu, struct sys_stack *st,
			 uint64_t ip, uint16_t cs, uint64_t fl)
{
	uint64_t sp = sys_stk_pop(cpu, st, 4);
	uint16_t sel[6];

	sel[S_SS] = (uint16_t)sys_stk_pop(cpu, st, 4);
	sel[S_ES] = (uint16_t)sys_stk_pop(cpu, st, 4);
	sel[S_DS] = (uint16_t)sys_stk_pop(cpu, st, 4);
	sel[S_FS] = (uint16_t)sys_stk_pop(cpu, st, 4);
	sel[S_GS] = (uint16_t)sys_stk_pop(cpu, st, 4);
	sel[S_CS] = cs;
	soft_set_rflags(cpu, fl);
	soft_mode_update(cpu); /* vm86 now: the loads below are vm86 loads */
	for (int r = 0; r < S_NR; r++)
		sys_seg_real(cpu, r, sel[r]);
	cpu->rip = ip & 0xffff;
	cpu->gpr[R_SP] = sp & 0xffffffffu;
	soft_icache_flush(cpu);
}

static void iret_prot(struct soft_cpu *cpu, unsigned osz)
{
	struct sys_stack st;
	struct soft_seg cs, ss;
	uint64_t ip, fl, d, sp = 0, mask;
	uint16_t sel, ss_sel = 0;
	unsigned rpl, dpl, cpl = cpu->cpl, iopl;
	int lma = !!(cpu->efer & EFER_LMA), pop_ss;

	if (cpu->rflags & F_NT)
		soft_raise(cpu, V_GP, 0);
	sys_stk_cur(cpu, &st);
	ip = sys_stk_pop(cpu, &st, osz);
	sel = (uint16_t)sys_stk_pop(cpu, &st, osz);
	fl = sys_stk_pop(cpu, &st, osz);
	if (!lma && osz == 4 && (fl & F_VM) && cpl == 0) {
		iret_to_vm86(cpu, &st, ip, sel, fl);
		return;
	}
	if (!(sel & ~3u))
		soft_raise(cpu, V_GP, 0);
	if (sys_desc_read(cpu, sel, &d))
		soft_raise(cpu, V_GP, sel & 0xfffc);
	rpl = sel & 3u;
	dpl = (unsigned)(d >> 45) & 3;
	if (rpl < cpl || !((d >> 44) & 1) || !((d >> 43) & 1))
		soft_raise(cpu, V_GP, sel & 0xfffc);
	if ((d >> 42) & 1 ? dpl > rpl : dpl != rpl)
		soft_raise(cpu, V_GP, sel & 0xfffc);
	sys_cs_make(cpu, sel, d, rpl, ip, &cs);
	pop_ss = rpl > cpl || cpu->mode == M_LONG64;
	if (pop_ss) {
		sp = sys_stk_pop(cpu, &st, osz);
		ss_sel = (uint16_t)sys_stk_pop(cpu, &st, osz);
		if (lma && (cs.attr & SEG_A_L) && rpl < 3 && !(ss_sel & ~3u)) {
			/* A null SS is fine for 64-bit code below ring 3. */
			if ((ss_sel & 3u) != rpl)
				soft_raise(cpu, V_GP, 0);
			ss = (struct soft_seg){ .sel = ss_sel,
						.attr = (uint16_t)((rpl << 5) |
								   0x12) };
		} else {
			uint64_t ssd = sys_check_ss(cpu, ss_sel, rpl, V_GP);

			sys_desc_set_bits(cpu, ss_sel, ssd, 0x01);
			sys_desc_to_seg(ssd | (1ull << 40), ss_sel, &ss);
		}
	}

	/* Commit: flags with the old CPL's rights, then CS, SS, RSP. */
	iopl = (unsigned)(cpu->rflags & F_IOPL) >> 12;
	mask = IRET_BASE_BITS;
	if (cpl <= iopl)
		mask |= F_IF;
	if (cpl == 0)
		mask |= F_IOPL | F_VIF | F_VIP;
	iret_set_flags(cpu, fl, mask, osz);
	if (pop_ss) {
		cpu->seg[S_SS] = ss;
		sys_cs_commit(cpu, &cs, ip);
		unsigned w = sys_stack_size(cpu, &ss);

		cpu->gpr[R_SP] = w == 2   ? (cpu->gpr[R_SP] & ~0xffffull) |
						  (sp & 0xffff)
				 : w == 4 ? sp & 0xffffffffu
					  : sp;
		if (rpl > cpl)
			sys_null_outer_segs(cpu);
	} else {
		sys_stk_commit(cpu, &st);
		sys_cs_commit(cpu, &cs, ip);
	}
}

void soft_iret(struct soft_cpu *cpu, unsigned osz)
{
	/* IRET unblocks NMIs even when it then faults (SDM 6.7.1). */
	cpu->nmi_blocked = 0;
	if (cpu->mode == M_REAL || cpu->mode == M_VM86)
		iret_real(cpu, osz);
	else
		iret_prot(cpu, osz);
}
