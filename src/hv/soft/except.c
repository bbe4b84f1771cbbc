/* SPDX-License-Identifier: MIT */
/*
 * Exceptions and interrupt delivery for the soft CPU: soft_raise, the
 * #DF / triple-fault rules, and delivery through the real-mode IVT, the
 * 32-bit IDT (16/32-bit interrupt and trap gates, with the TSS stack
 * switch to an inner ring and from vm86) and the 64-bit IDT (IST, 16-byte
 * aligned stacks, always 64-bit pushes). IRET lives in iret.c.
 *
 * Not supported: task gates in the IDT (a task switch) give
 * #GP(vector * 8 + 2 + EXT), as for an invalid gate type.
 *
 * Nesting: cpu->exc_depth counts deliveries started since the run loop
 * last saw one complete; cpu->exc_vector holds the vector being
 * delivered plus EXC_SOFT when it came from INT n/INT3/INTO (its faults
 * get no EXT bit) and EXC_BENIGN for interrupts and benign exceptions.
 */
#include "hv/soft/sys.h"

#define EXC_SOFT 0x100
#define EXC_BENIGN 0x200
#define EXC_HW_EXC 0x400 /* a hardware exception (for #DF rules) */

void soft_raise(struct soft_cpu *cpu, unsigned vector, int32_t err)
{
	cpu->pend_vec = (int)vector;
	cpu->pend_err = err;
	longjmp(cpu->fault_jmp, 1);
}

static int exc_contributory(unsigned v)
{
	return v == V_DE || (v >= V_TS && v <= V_GP);
}

/* Vectors whose exceptions push an error code. */
static int exc_has_err(unsigned v)
{
	return v == V_DF || (v >= V_TS && v <= V_PF) || v == V_AC;
}

/* Selector-style error codes, which carry the EXT bit. */
static int exc_sel_err(unsigned v)
{
	return v >= V_TS && v <= V_GP;
}

/* What IRET, the gates and the stack switch need to know of the event. */
struct exc_ev {
	unsigned vec;
	int soft;	/* INT n / INT3 / INTO: gate DPL checked */
	int has_err;
	uint32_t err;
	int ext;	/* EXT bit for the IDT/selector faults we raise */
};

static __attribute__((noreturn)) void exc_idt_fault(struct soft_cpu *cpu,
						   unsigned vec,
						   const struct exc_ev *ev)
{
	soft_raise(cpu, vec, (int32_t)(ev->vec * 8 + 2 + (unsigned)ev->ext));
}

static __attribute__((noreturn)) void exc_sel_fault(struct soft_cpu *cpu,
						   unsigned vec, uint16_t sel,
						   const struct exc_ev *ev)
{
	soft_raise(cpu, vec, (int32_t)((sel & 0xfffcu) | (unsigned)ev->ext));
}

/* Flags every delivery clears, plus IF for an interrupt gate. */
static void exc_flags(struct soft_cpu *cpu, int intr_gate, int real)
{
	uint64_t f = soft_get_rflags(cpu);

	f &= ~(uint64_t)(F_TF | F_RF | (real ? F_AC : F_NT | F_VM));
	if (intr_gate)
		f &= ~(uint64_t)F_IF;
	soft_set_rflags(cpu, f);
}

static void exc_real(struct soft_cpu *cpu, const struct exc_ev *ev)
{
	struct sys_stack st;
	uint64_t ivt = cpu->idtr.base + ev->vec * 4;
	uint32_t ent;

	if (ev->vec * 4 + 3 > cpu->idtr.limit)
		soft_raise(cpu, V_GP, (int32_t)(ev->vec * 8 + 2));
	ent = (uint32_t)soft_read_lin(cpu, ivt & 0xffffffffu, 4, 1);
	sys_stk_cur(cpu, &st);
	sys_stk_push(cpu, &st, 2, soft_get_rflags(cpu));
	sys_stk_push(cpu, &st, 2, cpu->seg[S_CS].sel);
	sys_stk_push(cpu, &st, 2, cpu->rip);
	sys_stk_commit(cpu, &st);
	sys_seg_real(cpu, S_CS, (uint16_t)(ent >> 16));
	cpu->rip = ent & 0xffff;
	exc_flags(cpu, 1, 1);
}

/* The gate's target code segment, checked: descriptor and new CPL. */
static uint64_t exc_target(struct soft_cpu *cpu, uint16_t sel,
			   const struct exc_ev *ev, unsigned *new_cpl)
{
	uint64_t d;
	unsigned dpl;

	if (!(sel & ~3u))
		soft_raise(cpu, V_GP, ev->ext);
	if (sys_desc_read(cpu, sel, &d))
		exc_sel_fault(cpu, V_GP, sel, ev);
	dpl = (unsigned)(d >> 45) & 3;
	if (!((d >> 44) & 1) || !((d >> 43) & 1) || dpl > cpu->cpl)
		exc_sel_fault(cpu, V_GP, sel, ev);
	if (!((d >> 47) & 1))
		exc_sel_fault(cpu, V_NP, sel, ev);
	*new_cpl = ((d >> 42) & 1) ? cpu->cpl : dpl;
	return d;
}

static void exc_prot(struct soft_cpu *cpu, const struct exc_ev *ev)
{
	uint64_t g, d, off, sp;
	unsigned type, new_cpl, gsz;
	struct sys_stack st;
	struct soft_seg cs, ss;
	uint16_t ss_sel = 0;
	int vm86 = cpu->mode == M_VM86, inner;

	if (ev->vec * 8 + 7 > cpu->idtr.limit)
		exc_idt_fault(cpu, V_GP, ev);
	g = soft_read_lin(cpu, sys_lin_sys(cpu, cpu->idtr.base + ev->vec * 8),
			  8, 1);
	type = (unsigned)(g >> 40) & 0x1f;
	if (type != 0x6 && type != 0x7 && type != 0xe && type != 0xf)
		exc_idt_fault(cpu, V_GP, ev);
	if (ev->soft && ((unsigned)(g >> 45) & 3) < cpu->cpl)
		exc_idt_fault(cpu, V_GP, ev);
	if (!((g >> 47) & 1))
		exc_idt_fault(cpu, V_NP, ev);
	gsz = (type & 0x8) ? 4 : 2;
	off = (g & 0xffff) | (gsz == 4 ? (g >> 32) & 0xffff0000u : 0);
	d = exc_target(cpu, (uint16_t)(g >> 16), ev, &new_cpl);
	inner = new_cpl < cpu->cpl;
	if (vm86 && (!inner || new_cpl != 0))
		exc_sel_fault(cpu, V_GP, (uint16_t)(g >> 16), ev);
	sys_cs_make(cpu, (uint16_t)(g >> 16), d, new_cpl, off, &cs);

	if (inner) {
		uint64_t ssd;

		sys_tss_stack(cpu, new_cpl, &ss_sel, &sp);
		if (!(ss_sel & ~3u))
			soft_raise(cpu, V_TS, ev->ext);
		ssd = sys_check_ss(cpu, ss_sel, new_cpl, V_TS);
		sys_desc_set_bits(cpu, ss_sel, ssd, 0x01);
		sys_desc_to_seg(ssd | (1ull << 40), ss_sel, &ss);
		st = (struct sys_stack){ .ss = ss, .sp = sp, .prot = 1,
					 .sys = new_cpl < 3,
					 .err = (int32_t)((ss_sel & 0xfffc) |
							  (unsigned)ev->ext) };
		st.ssize = (ss.attr & SEG_A_DB) ? 4 : 2;
		if (vm86) {
			sys_stk_push(cpu, &st, gsz, cpu->seg[S_GS].sel);
			sys_stk_push(cpu, &st, gsz, cpu->seg[S_FS].sel);
			sys_stk_push(cpu, &st, gsz, cpu->seg[S_DS].sel);
			sys_stk_push(cpu, &st, gsz, cpu->seg[S_ES].sel);
		}
		sys_stk_push(cpu, &st, gsz, cpu->seg[S_SS].sel);
		sys_stk_push(cpu, &st, gsz, cpu->gpr[R_SP]);
	} else {
		sys_stk_cur(cpu, &st);
	}
	sys_stk_push(cpu, &st, gsz, soft_get_rflags(cpu));
	sys_stk_push(cpu, &st, gsz, cpu->seg[S_CS].sel);
	sys_stk_push(cpu, &st, gsz, cpu->rip);
	if (ev->has_err)
		sys_stk_push(cpu, &st, gsz, ev->err);

	/* Everything is checked and written: commit. */
	if (inner) {
		cpu->seg[S_SS] = ss;
		cpu->gpr[R_SP] = st.ssize == 4 ? st.sp & 0xffffffffu
					       : (cpu->gpr[R_SP] & ~0xffffull) |
							 (st.sp & 0xffff);
		if (vm86)
			for (int r = S_ES; r <= S_GS; r++)
				if (r != S_CS && r != S_SS)
					cpu->seg[r] = (struct soft_seg){ 0 };
	} else {
		sys_stk_commit(cpu, &st);
	}
	exc_flags(cpu, !(type & 1), 0);
	sys_cs_commit(cpu, &cs, off);
}

static void exc_long(struct soft_cpu *cpu, const struct exc_ev *ev)
{
	uint64_t g, hi, d, off, sp;
	unsigned type, new_cpl, ist;
	struct sys_stack st;
	struct soft_seg cs;
	uint16_t sel;

	if (ev->vec * 16 + 15 > cpu->idtr.limit)
		exc_idt_fault(cpu, V_GP, ev);
	g = soft_read_lin(cpu, sys_lin_sys(cpu, cpu->idtr.base + ev->vec * 16),
			  8, 1);
	hi = soft_read_lin(cpu,
			   sys_lin_sys(cpu, cpu->idtr.base + ev->vec * 16 + 8),
			   8, 1);
	type = (unsigned)(g >> 40) & 0x1f;
	if (type != 0xe && type != 0xf)
		exc_idt_fault(cpu, V_GP, ev);
	if (ev->soft && ((unsigned)(g >> 45) & 3) < cpu->cpl)
		exc_idt_fault(cpu, V_GP, ev);
	if (!((g >> 47) & 1))
		exc_idt_fault(cpu, V_NP, ev);
	off = (g & 0xffff) | ((g >> 32) & 0xffff0000u) | (hi << 32);
	sel = (uint16_t)(g >> 16);
	ist = (unsigned)(g >> 32) & 7;
	d = exc_target(cpu, sel, ev, &new_cpl);
	if (!((d >> 53) & 1) || ((d >> 54) & 1))
		exc_sel_fault(cpu, V_GP, sel, ev);
	sys_cs_make(cpu, sel, d, new_cpl, off, &cs);
	if (ist)
		sp = sys_tss64_rsp(cpu, 3 + ist);
	else if (new_cpl < cpu->cpl)
		sp = sys_tss64_rsp(cpu, new_cpl);
	else
		sp = cpu->gpr[R_SP];
	st = (struct sys_stack){ .sp = sp & ~(uint64_t)0xf, .ssize = 8,
				 .lm = 1, .sys = new_cpl < 3 };
	sys_stk_push(cpu, &st, 8, cpu->seg[S_SS].sel);
	sys_stk_push(cpu, &st, 8, cpu->gpr[R_SP]);
	sys_stk_push(cpu, &st, 8, soft_get_rflags(cpu));
	sys_stk_push(cpu, &st, 8, cpu->seg[S_CS].sel);
	sys_stk_push(cpu, &st, 8, cpu->rip);
	if (ev->has_err)
		sys_stk_push(cpu, &st, 8, ev->err);

	if (new_cpl < cpu->cpl) {
		/* A null SS with RPL = the new CPL. */
		cpu->seg[S_SS].sel = (uint16_t)new_cpl;
		cpu->seg[S_SS].attr = (uint16_t)((new_cpl << 5) | 0x12);
		cpu->seg[S_SS].base = 0;
		cpu->seg[S_SS].limit = 0;
	}
	cpu->gpr[R_SP] = st.sp;
	exc_flags(cpu, !(type & 1), 0);
	sys_cs_commit(cpu, &cs, off);
}

/*
 * Applies the SDM's rules for an exception raised while delivering an
 * earlier event: #DF, triple fault, the EXT bit. Returns 0 to deliver
 * *ev, -1 after a triple fault (cpu->shutdown set).
 */
static int exc_nest(struct soft_cpu *cpu, struct exc_ev *ev)
{
	unsigned prev = (unsigned)cpu->exc_vector & 0xff;

	if (cpu->exc_depth > 3 ||
	    ((cpu->exc_vector & EXC_HW_EXC) && prev == V_DF)) {
		cpu->shutdown = 1;
		return -1;
	}
	if (!(cpu->exc_vector & EXC_SOFT)) {
		ev->ext = 1;
		if (exc_sel_err(ev->vec))
			ev->err |= 1;
	}
	if ((cpu->exc_vector & EXC_HW_EXC) &&
	    ((exc_contributory(prev) && exc_contributory(ev->vec)) ||
	     (prev == V_PF && (exc_contributory(ev->vec) || ev->vec == V_PF)))) {
		ev->vec = V_DF;
		ev->has_err = 1;
		ev->err = 0;
	}
	return 0;
}

void soft_deliver(struct soft_cpu *cpu, enum soft_event kind, unsigned vector,
		  int32_t err)
{
	struct exc_ev ev = { .vec = vector & 0xff };

	ev.soft = kind == SOFT_EV_SOFT || kind == SOFT_EV_INT3 ||
		  kind == SOFT_EV_INTO;
	if (kind == SOFT_EV_EXC) {
		ev.has_err = exc_has_err(ev.vec);
		ev.err = err < 0 ? 0 : (uint32_t)err;
		if (cpu->exc_depth > 0 && exc_nest(cpu, &ev))
			return;
	}
	cpu->exc_depth++;
	cpu->exc_vector = (int)ev.vec |
			  (ev.soft ? EXC_SOFT : 0) |
			  (kind == SOFT_EV_EXC ? EXC_HW_EXC : 0) |
			  (kind == SOFT_EV_EXC && !exc_contributory(ev.vec) &&
				   ev.vec != V_PF && ev.vec != V_DF
			   ? EXC_BENIGN : 0);
	if (kind == SOFT_EV_EXT || kind == SOFT_EV_NMI)
		ev.ext = 1;
	/* vm86 without VME: INT n/INT3/INTO need IOPL 3. */
	if (ev.soft && cpu->mode == M_VM86 &&
	    ((cpu->rflags & F_IOPL) >> 12) < 3)
		soft_raise(cpu, V_GP, 0);
	cpu->halted = 0;
	if (cpu->mode == M_REAL)
		exc_real(cpu, &ev);
	else if (cpu->efer & EFER_LMA)
		exc_long(cpu, &ev);
	else
		exc_prot(cpu, &ev);
	if (kind == SOFT_EV_NMI)
		cpu->nmi_blocked = 1;
}
