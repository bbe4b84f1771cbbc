/* SPDX-License-Identifier: MIT */
/*
 * Soft CPU system tests: event delivery (IVT, 32-bit IDT with the TSS
 * stack switch, vm86, 64-bit IDT with IST), IRET to each ring and mode,
 * gate checks and error codes (EXT, IDT bit), #DF and triple fault, NMI
 * blocking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/soft/sys.h"
#include "test_sys_fake.h"

static int setup(void **state)
{
	*state = fake_new();
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

static uint32_t get32(struct fake *f, uint64_t a)
{
	return (uint32_t)fake_get(f, a, 4);
}

static void test_real_ivt(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	c->idtr.base = 0;
	fake_put(f, 0x21 * 4, 0x12345678, 4); /* 1234:5678 */
	sys_seg_real(c, S_SS, 0);
	c->gpr[R_SP] = 0x1000;
	sys_seg_real(c, S_CS, 0x0700);
	c->rip = 0x0102;
	c->rflags = F_1 | F_IF | F_TF | F_CF;
	fake_deliver(f, SOFT_EV_SOFT, 0x21, -1);
	assert_int_equal(c->seg[S_CS].sel, 0x1234);
	assert_int_equal(c->seg[S_CS].base, 0x12340);
	assert_int_equal(c->rip, 0x5678);
	assert_int_equal(c->gpr[R_SP], 0x1000 - 6);
	assert_int_equal(fake_get(f, 0xffa, 2), 0x0102);
	assert_int_equal(fake_get(f, 0xffc, 2), 0x0700);
	assert_int_equal(fake_get(f, 0xffe, 2), F_1 | F_IF | F_TF | F_CF);
	assert_false(c->rflags & (F_IF | F_TF));
	/* IRET restores it all */
	soft_iret(c, 2);
	assert_int_equal(c->seg[S_CS].sel, 0x0700);
	assert_int_equal(c->rip, 0x0102);
	assert_int_equal(c->gpr[R_SP], 0x1000);
	assert_true(c->rflags & F_IF);
	assert_true(c->rflags & F_CF);
}

static void test_prot_stack_switch(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 3);
	fake_idt32(f, 0x80, G_CODE32, 0x5000, 0xe, 3, 1);
	c->gpr[R_SP] = 0x7000;
	c->rip = 0x4444;
	c->rflags = F_1 | F_IF;
	fake_deliver(f, SOFT_EV_SOFT, 0x80, -1);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[S_CS].sel, G_CODE32);
	assert_int_equal(c->rip, 0x5000);
	assert_int_equal(c->seg[S_SS].sel, G_DATA32);
	assert_int_equal(c->gpr[R_SP], 0x9000 - 20);
	assert_int_equal(get32(f, 0x9000 - 20), 0x4444);
	assert_int_equal(get32(f, 0x9000 - 16), G_UCODE32 | 3);
	assert_int_equal(get32(f, 0x9000 - 12), F_1 | F_IF);
	assert_int_equal(get32(f, 0x9000 - 8), 0x7000);
	assert_int_equal(get32(f, 0x9000 - 4), G_UDATA32 | 3);
	assert_false(c->rflags & F_IF);
	/* IRET to ring 3: DPL 0 data in DS is nulled, IF back */
	soft_load_seg(c, S_DS, G_DATA32);
	soft_iret(c, 4);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->rip, 0x4444);
	assert_int_equal(c->gpr[R_SP], 0x7000);
	assert_int_equal(c->seg[S_SS].sel, G_UDATA32 | 3);
	assert_int_equal(c->seg[S_DS].sel, 0);
	assert_true(c->rflags & F_IF);
	/* IRET from ring 3 cannot raise IOPL or clear IF */
	c->gpr[R_SP] = 0x7000;
	fake_put(f, 0x7000, 0x4444, 4);
	fake_put(f, 0x7004, G_UCODE32 | 3, 4);
	fake_put(f, 0x7008, F_1 | F_IOPL, 4);
	soft_iret(c, 4);
	assert_false(c->rflags & F_IOPL);
	assert_true(c->rflags & F_IF);
	/* IRET to an inner ring is #GP */
	c->gpr[R_SP] = 0x7000;
	fake_put(f, 0x7004, G_CODE32, 4);
	assert_int_equal(FAULT(f, soft_iret(c, 4)), V_GP);
	assert_int_equal(c->pend_err, G_CODE32);
}

static void test_prot_errors(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 3);
	c->gpr[R_SP] = 0x7000;
	/* #GP with an error code, trap gate (IF kept) */
	fake_idt32(f, V_GP, G_CODE32, 0x5100, 0xf, 0, 1);
	c->rflags = F_1 | F_IF;
	fake_deliver(f, SOFT_EV_EXC, V_GP, 0x1234);
	assert_int_equal(c->rip, 0x5100);
	assert_int_equal(c->gpr[R_SP], 0x9000 - 24);
	assert_int_equal(get32(f, 0x9000 - 24), 0x1234);
	assert_true(c->rflags & F_IF);
	/* INT 0x0d from ring 3 through a DPL 0 gate: #GP(0x0d*8+2) */
	fake_prot32(f, 3);
	c->gpr[R_SP] = 0x7000;
	c->exc_depth = 0;
	assert_int_equal(FAULT(f, soft_deliver(c, SOFT_EV_SOFT, V_GP, -1)),
			 V_GP);
	assert_int_equal(c->pend_err, V_GP * 8 + 2);
	/* an external interrupt through a not-present gate: #NP, EXT */
	fake_idt32(f, 0x30, G_CODE32, 0x5200, 0xe, 0, 0);
	c->exc_depth = 0;
	assert_int_equal(FAULT(f, soft_deliver(c, SOFT_EV_EXT, 0x30, -1)),
			 V_NP);
	assert_int_equal(c->pend_err, 0x30 * 8 + 2 + 1);
	/* past the IDT limit */
	c->idtr.limit = 0x7f;
	c->exc_depth = 0;
	assert_int_equal(FAULT(f, soft_deliver(c, SOFT_EV_SOFT, 0x80, -1)),
			 V_GP);
	assert_int_equal(c->pend_err, 0x80 * 8 + 2);
	/* a task gate: not supported, #GP like a bad type */
	c->idtr.limit = 0xfff;
	fake_idt32(f, 0x40, G_TSS32, 0, 0x5, 3, 1);
	c->exc_depth = 0;
	assert_int_equal(FAULT(f, soft_deliver(c, SOFT_EV_SOFT, 0x40, -1)),
			 V_GP);
	/* a gate whose target selector is past the GDT: #GP(sel) */
	fake_idt32(f, 0x41, 0x1000, 0, 0xe, 3, 1);
	c->exc_depth = 0;
	assert_int_equal(FAULT(f, soft_deliver(c, SOFT_EV_SOFT, 0x41, -1)),
			 V_GP);
	assert_int_equal(c->pend_err, 0x1000);
}

static void test_double_triple(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 0);
	c->gpr[R_SP] = 0x8000;
	/* #GP's gate not present: #NP during #GP -> #DF */
	fake_idt32(f, V_GP, G_CODE32, 0x5100, 0xe, 0, 0);
	fake_idt32(f, V_DF, G_CODE32, 0x5800, 0xe, 0, 1);
	c->rip = 0x1111;
	fake_deliver(f, SOFT_EV_EXC, V_GP, 0);
	assert_false(c->shutdown);
	assert_int_equal(c->rip, 0x5800);
	assert_int_equal(get32(f, 0x8000 - 16), 0); /* #DF error code */
	assert_int_equal(get32(f, 0x8000 - 12), 0x1111);
	/* a benign exception first: #NP is delivered, not #DF */
	fake_idt32(f, V_UD, G_CODE32, 0x5100, 0xe, 0, 0);
	fake_idt32(f, V_NP, G_CODE32, 0x5900, 0xe, 0, 1);
	c->gpr[R_SP] = 0x8000;
	fake_deliver(f, SOFT_EV_EXC, V_UD, -1);
	assert_int_equal(c->rip, 0x5900);
	assert_int_equal(get32(f, 0x8000 - 16), V_UD * 8 + 2 + 1);
	/* #PF during #PF delivery -> #DF: the stack is not mapped */
	c->cr3 = 0x10000; /* empty page directory */
	c->cr0 |= CR0_PG;
	soft_tlb_flush(c, 1);
	fake_deliver(f, SOFT_EV_EXC, V_PF, 0);
	assert_true(c->shutdown); /* #DF's push faults too: triple */
	/* #DF gate missing: triple fault */
	fake_prot32(f, 0);
	c->shutdown = 0;
	c->gpr[R_SP] = 0x8000;
	fake_idt32(f, V_DF, G_CODE32, 0x5800, 0xe, 0, 0);
	fake_deliver(f, SOFT_EV_EXC, V_GP, 0);
	assert_true(c->shutdown);
}

static void test_vm86(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 0);
	fake_idt32(f, 0x0d, G_CODE32, 0x5100, 0xe, 0, 1);
	/* IRET from ring 0 to vm86 */
	c->gpr[R_SP] = 0x8000 - 36;
	uint32_t frame[9] = { 0x0100, 0x2000, F_1 | F_VM | F_IF | (3u << 12),
			      0x0ffe, 0x3000, 0x4000, 0x5000, 0x6000,
			      0x7000 };
	memcpy(f->ram + 0x8000 - 36, frame, sizeof(frame));
	soft_iret(c, 4);
	assert_int_equal(c->mode, M_VM86);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->seg[S_CS].base, 0x20000);
	assert_int_equal(c->seg[S_SS].base, 0x30000);
	assert_int_equal(c->seg[S_ES].base, 0x40000);
	assert_int_equal(c->seg[S_GS].base, 0x70000);
	assert_int_equal(c->gpr[R_SP], 0x0ffe);
	assert_int_equal(c->rip, 0x0100);
	/* a #GP in vm86: ring-0 stack gets GS FS DS ES SS ESP ... */
	fake_deliver(f, SOFT_EV_EXC, V_GP, 0);
	assert_int_equal(c->mode, M_PROT32);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->gpr[R_SP], 0x9000 - 40);
	assert_int_equal(get32(f, 0x9000 - 4), 0x7000);	 /* GS */
	assert_int_equal(get32(f, 0x9000 - 16), 0x4000); /* ES */
	assert_int_equal(get32(f, 0x9000 - 20), 0x3000); /* SS */
	assert_int_equal(get32(f, 0x9000 - 24), 0x0ffe); /* ESP */
	assert_true(get32(f, 0x9000 - 28) & F_VM);
	assert_int_equal(get32(f, 0x9000 - 40), 0); /* error code */
	assert_int_equal(c->seg[S_DS].sel, 0);
	/* and back */
	c->gpr[R_SP] += 4;
	soft_iret(c, 4);
	assert_int_equal(c->mode, M_VM86);
	assert_int_equal(c->seg[S_DS].base, 0x50000);
	/* INT n in vm86 with IOPL < 3: #GP(0) */
	c->rflags &= ~(uint64_t)F_IOPL;
	c->exc_depth = 0;
	assert_int_equal(FAULT(f, soft_deliver(c, SOFT_EV_SOFT, 0x21, -1)),
			 V_GP);
	assert_int_equal(FAULT(f, soft_iret(c, 2)), V_GP);
}

static void test_long_ist(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;
	uint64_t sp;

	fake_long64(f, 3);
	fake_put(f, FAKE_TSS + 4, 0x9000, 8);	     /* RSP0 */
	fake_put(f, FAKE_TSS + 36, 0xa008, 8);	     /* IST1 */
	fake_idt64(f, 0x80, G_CODE64, 0xffffffff80001000ull, 0xe, 3, 0);
	fake_idt64(f, V_NMI, G_CODE64, 0x2000, 0xe, 0, 1);
	fake_idt64(f, V_PF, G_CODE64, 0x3000, 0xe, 0, 0);
	c->gpr[R_SP] = 0x7008;
	c->rip = 0x401000;
	c->rflags = F_1 | F_IF;
	fake_deliver(f, SOFT_EV_SOFT, 0x80, -1);
	assert_int_equal(c->mode, M_LONG64);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->rip, 0xffffffff80001000ull);
	assert_int_equal(c->seg[S_SS].sel, 0);
	assert_int_equal(c->gpr[R_SP], 0x9000 - 40);
	assert_int_equal(fake_get(f, 0x9000 - 40, 8), 0x401000);
	assert_int_equal(fake_get(f, 0x9000 - 32, 8), G_UCODE64 | 3);
	assert_int_equal(fake_get(f, 0x9000 - 16, 8), 0x7008);
	assert_int_equal(fake_get(f, 0x9000 - 8, 8), G_UDATA32 | 3);
	/* NMI at ring 0 on IST1: aligned to 16, NMIs blocked until IRET */
	sp = c->gpr[R_SP];
	c->rip = 0xffffffff80001004ull;
	fake_deliver(f, SOFT_EV_NMI, V_NMI, -1);
	assert_int_equal(c->gpr[R_SP], 0xa000 - 40);
	assert_int_equal(fake_get(f, 0xa000 - 16, 8), sp);
	assert_int_equal(fake_get(f, 0xa000 - 8, 8), 0); /* null SS */
	assert_true(c->nmi_blocked);
	soft_iret(c, 8);
	assert_false(c->nmi_blocked);
	assert_int_equal(c->gpr[R_SP], sp);
	assert_int_equal(c->rip, 0xffffffff80001004ull);
	/* #PF with CR2 and error code */
	c->cr2 = 0x1234;
	fake_deliver(f, SOFT_EV_EXC, V_PF, PFEC_W | PFEC_P);
	assert_int_equal(fake_get(f, ((sp & ~0xfull) - 48), 8),
			 PFEC_W | PFEC_P);
	c->gpr[R_SP] += 8; /* the handler pops the error code */
	soft_iret(c, 8);
	assert_int_equal(c->gpr[R_SP], sp);
	/* IRETQ to ring 3 */
	fake_long64(f, 3);
	c->gpr[R_SP] = 0x7000;
	c->rip = 0x401000;
	fake_deliver(f, SOFT_EV_SOFT, 0x80, -1);
	soft_iret(c, 8);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->mode, M_LONG64);
	assert_int_equal(c->gpr[R_SP], 0x7000);
	assert_int_equal(c->rip, 0x401000);
	assert_int_equal(c->seg[S_SS].sel, G_UDATA32 | 3);
	/* IRETQ to compatibility mode */
	fake_long64(f, 0);
	c->gpr[R_SP] = 0x8000 - 40;
	fake_put(f, 0x8000 - 40, 0x1234, 8);
	fake_put(f, 0x8000 - 32, G_UCODE32 | 3, 8);
	fake_put(f, 0x8000 - 24, F_1, 8);
	fake_put(f, 0x8000 - 16, 0x6000, 8);
	fake_put(f, 0x8000 - 8, G_UDATA32 | 3, 8);
	soft_iret(c, 8);
	assert_int_equal(c->mode, M_PROT32);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->gpr[R_SP], 0x6000);
	/* a 32-bit code gate target is refused in long mode */
	fake_long64(f, 0);
	fake_idt64(f, 0x81, G_CODE32, 0x1000, 0xe, 0, 0);
	c->exc_depth = 0;
	assert_int_equal(FAULT(f, soft_deliver(c, SOFT_EV_SOFT, 0x81, -1)),
			 V_GP);
	assert_int_equal(c->pend_err, G_CODE32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_real_ivt),      T(test_prot_stack_switch),
		T(test_prot_errors),   T(test_double_triple),
		T(test_vm86),	       T(test_long_ist),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
