/* SPDX-License-Identifier: MIT */
/*
 * Soft CPU system tests: reset state, mode switches (real -> protected ->
 * PAE -> long mode and back), segment loads and their checks, far
 * transfers and call gates, descriptor instructions, MSRs, CPUID,
 * SYSCALL/SYSRET, SYSENTER/SYSEXIT, SWAPGS and the I/O bitmap.
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

static void wrmsr(struct soft_cpu *c, uint32_t msr, uint64_t v)
{
	c->gpr[R_CX] = msr;
	c->gpr[R_AX] = (uint32_t)v;
	c->gpr[R_DX] = v >> 32;
	soft_wrmsr(c);
}

static uint64_t rdmsr(struct soft_cpu *c, uint32_t msr)
{
	c->gpr[R_CX] = msr;
	soft_rdmsr(c);
	return (uint32_t)c->gpr[R_AX] | (c->gpr[R_DX] << 32);
}

static void test_reset(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	assert_int_equal(c->mode, M_REAL);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[S_CS].sel, 0xf000);
	assert_int_equal(c->seg[S_CS].base, 0xffff0000u);
	assert_int_equal(c->rip, 0xfff0);
	assert_int_equal(c->cr0, 0x60000010u);
	assert_int_equal(c->gpr[R_DX], sys_cpuid_signature());
	assert_int_equal(c->dr[6], 0xffff0ff0u);
	assert_int_equal(c->dr[7], 0x400);
	assert_int_equal(c->idtr.limit, 0xffff);
	assert_int_equal(c->pat, 0x0007040600070406ull);
	/* INIT keeps MTRRs and PAT, CD/NW */
	c->mtrr_def_type = 0xc06;
	c->pat = 0x0606060606060606ull;
	soft_reset_state(c, 1);
	assert_int_equal(c->mtrr_def_type, 0xc06);
	assert_int_equal(c->pat, 0x0606060606060606ull);
	assert_int_equal(c->cr0, 0x60000010u);
}

static void test_mode_switches(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_gdt(f);
	/* LGDT from memory (32-bit form) */
	fake_put(f, 0x500, G_LIMIT, 2);
	fake_put(f, 0x502, FAKE_GDT, 4);
	c->gdtr.base = 0;
	c->gdtr.limit = 0;
	soft_lgdt_lidt(c, 0, S_DS, 0x500);
	assert_int_equal(c->gdtr.base, FAKE_GDT);
	assert_int_equal(c->gdtr.limit, G_LIMIT);
	/* real -> protected 16 (CS cache kept) -> 32 */
	soft_mov_to_cr(c, 0, c->cr0 | CR0_PE);
	assert_int_equal(c->mode, M_PROT16);
	soft_far_jmp(c, G_CODE32, 0x1234, 4);
	assert_int_equal(c->mode, M_PROT32);
	assert_int_equal(c->seg[S_CS].sel, G_CODE32);
	assert_int_equal(c->rip, 0x1234);
	soft_load_seg(c, S_SS, G_DATA32);
	soft_load_seg(c, S_DS, G_DATA32);
	/* accessed bit written back */
	assert_true(fake_get(f, FAKE_GDT + G_DATA32 + 5, 1) & 1);
	/* long mode: PG with LME but no PAE is #GP */
	wrmsr(c, MSR_EFER, EFER_LME | EFER_NXE);
	c->cr3 = FAKE_PML4;
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 0, c->cr0 | CR0_PG)),
			 V_GP);
	soft_mov_to_cr(c, 4, CR4_PAE);
	soft_mov_to_cr(c, 0, c->cr0 | CR0_PG);
	assert_true(c->efer & EFER_LMA);
	assert_int_equal(c->mode, M_PROT32); /* compatibility mode */
	/* LME cannot change with paging on; LMA is read-only */
	assert_int_equal(FAULT(f, wrmsr(c, MSR_EFER, EFER_NXE)), V_GP);
	assert_int_equal(FAULT(f, wrmsr(c, MSR_EFER, 1ull << 9)), V_GP);
	soft_far_jmp(c, G_CODE64, 0x2000, 4);
	assert_int_equal(c->mode, M_LONG64);
	/* PAE cannot go while LMA; PG cannot go in 64-bit mode */
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 4, 0)), V_GP);
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 0, c->cr0 & ~CR0_PG)),
			 V_GP);
	/* a reserved CR4 bit and a CR3 above the physical width */
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 4, CR4_PAE | CR4_VME)),
			 V_GP);
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 3, 1ull << 52)), V_GP);
	/* and back: compatibility mode, paging off, LME off, real mode */
	soft_far_jmp(c, G_CODE32, 0x3000, 4);
	assert_int_equal(c->mode, M_PROT32);
	soft_mov_to_cr(c, 0, c->cr0 & ~CR0_PG);
	assert_false(c->efer & EFER_LMA);
	wrmsr(c, MSR_EFER, 0);
	soft_mov_to_cr(c, 4, 0);
	soft_far_jmp(c, G_CODE16, 0x3000, 4);
	assert_int_equal(c->mode, M_PROT16);
	soft_mov_to_cr(c, 0, c->cr0 & ~CR0_PE);
	assert_int_equal(c->mode, M_REAL);
	soft_far_jmp(c, 0x0100, 0x10, 2);
	assert_int_equal(c->seg[S_CS].base, 0x1000);
	assert_int_equal(c->rip, 0x10);
	/* PG without PE, NW without CD */
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 0, CR0_PG)), V_GP);
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 0, CR0_NW)), V_GP);
	/* LMSW sets PE but cannot clear it */
	soft_lmsw(c, 1);
	assert_int_equal(c->mode, M_PROT16);
	soft_lmsw(c, 0);
	assert_true(c->cr0 & CR0_PE);
}

static void test_big_real(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 0);
	soft_mov_to_cr(c, 0, c->cr0 & ~CR0_PE);
	soft_load_seg(c, S_DS, 0x1000);
	assert_int_equal(c->seg[S_DS].base, 0x10000);
	assert_int_equal(c->seg[S_DS].limit, 0xffffffffu);
	soft_write(c, S_DS, 0x100000, 4, 0xcafe);
	assert_int_equal(fake_get(f, 0x110000, 4), 0xcafe);
	/* a 64 KiB segment faults past its limit */
	c->seg[S_ES].limit = 0xffff;
	assert_int_equal(FAULT(f, soft_read(c, S_ES, 0xffff, 2)), V_GP);
}

static void test_seg_loads(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 0);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, G_NOTPRESENT)), V_NP);
	assert_int_equal(c->pend_err, G_NOTPRESENT);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_SS, G_NOTPRESENT)), V_SS);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_SS, G_RODATA)), V_GP);
	assert_int_equal(c->pend_err, G_RODATA);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, G_XONLY)), V_GP);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, 0x98)), V_GP);
	assert_int_equal(c->pend_err, 0x98);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_SS, 0)), V_GP);
	assert_int_equal(c->pend_err, 0);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_SS, G_DATA32 | 1)), V_GP);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, G_TSS32)), V_GP);
	/* a null DS loads, then faults on use */
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, 0)), -1);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0, 1)), V_GP);
	/* readable code is fine in DS; RPL 3 on DPL 0 data is not */
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, G_CODE32)), -1);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, G_DATA32 | 3)), V_GP);
	/* LDT selectors: none loaded, then through LLDT */
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, 0x04)), V_GP);
	fake_put(f, FAKE_LDT + 8, fake_desc(0x1234000, 0xfff, 0x93, 0), 8);
	soft_lldt(c, G_LDT);
	assert_int_equal(c->ldtr.base, FAKE_LDT);
	soft_load_seg(c, S_ES, 0x0c);
	assert_int_equal(c->seg[S_ES].base, 0x1234000);
	assert_int_equal(FAULT(f, soft_lldt(c, G_DATA32)), V_GP);
	/* CPL 3: DPL 0 data refused, user data fine, conforming code ok */
	fake_prot32(f, 3);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, G_DATA32 | 3)), V_GP);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, G_UDATA32 | 3)), -1);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_DS, G_CONFORM3)), -1);
	assert_int_equal(FAULT(f, soft_lldt(c, G_LDT)), V_GP);
	/* 64-bit: null SS at CPL 0 is fine */
	fake_long64(f, 0);
	assert_int_equal(FAULT(f, soft_load_seg(c, S_SS, 0)), -1);
	/* vm86 loads */
	fake_prot32(f, 0);
	c->rflags |= F_VM;
	soft_mode_update(c);
	assert_int_equal(c->mode, M_VM86);
	assert_int_equal(c->cpl, 3);
	soft_load_seg(c, S_DS, 0x1234);
	assert_int_equal(c->seg[S_DS].base, 0x12340);
	assert_int_equal(c->seg[S_DS].limit, 0xffff);
}

static void test_ltr_lar(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;
	uint64_t v = 0;

	fake_prot32(f, 0);
	c->tr = (struct soft_seg){ 0 };
	soft_ltr(c, G_TSS32);
	assert_int_equal(c->tr.base, FAKE_TSS);
	assert_int_equal(c->tr.attr & 0xf, 0xb);
	assert_int_equal(fake_get(f, FAKE_GDT + G_TSS32 + 5, 1) & 0xf, 0xb);
	/* busy now: a second LTR refuses it */
	assert_int_equal(FAULT(f, soft_ltr(c, G_TSS32)), V_GP);
	assert_int_equal(FAULT(f, soft_ltr(c, 0)), V_GP);
	assert_int_equal(soft_lar_lsl(c, 0, G_DATA32, &v), 1);
	assert_int_equal(v, 0x00cf9200);
	assert_true(c->rflags & F_ZF);
	assert_int_equal(soft_lar_lsl(c, 1, G_DATA32, &v), 1);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(soft_lar_lsl(c, 1, G_CALLGATE, &v), 0); /* no LSL */
	assert_false(c->rflags & F_ZF);
	assert_int_equal(soft_lar_lsl(c, 0, G_CALLGATE, &v), 1);
	assert_int_equal(soft_lar_lsl(c, 0, 0x1000, &v), 0); /* past limit */
	assert_int_equal(soft_verr_verw(c, 1, G_DATA32), 1);
	assert_int_equal(soft_verr_verw(c, 1, G_RODATA), 0);
	assert_int_equal(soft_verr_verw(c, 0, G_XONLY), 0);
	assert_int_equal(soft_verr_verw(c, 0, G_CODE32), 1);
	fake_prot32(f, 3);
	assert_int_equal(soft_verr_verw(c, 0, G_DATA32), 0);
	assert_int_equal(soft_verr_verw(c, 0, G_CONFORM3), 1);
}

static void test_far_call_gate(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 3);
	c->gpr[R_SP] = 0x7000;
	fake_put(f, 0x7000, 0x11111111, 4); /* parameter 1 (top) */
	fake_put(f, 0x7004, 0x22222222, 4);
	c->rip = 0x4444;
	soft_far_call(c, G_CALLGATE | 3, 0, 4);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[S_CS].sel, G_CODE32);
	assert_int_equal(c->rip, 0x6000);
	assert_int_equal(c->seg[S_SS].sel, G_DATA32);
	assert_int_equal(c->gpr[R_SP], 0x9000 - 24);
	assert_int_equal(fake_get(f, 0x9000 - 4, 4), G_UDATA32 | 3);
	assert_int_equal(fake_get(f, 0x9000 - 8, 4), 0x7000);
	assert_int_equal(fake_get(f, 0x9000 - 12, 4), 0x22222222);
	assert_int_equal(fake_get(f, 0x9000 - 16, 4), 0x11111111);
	assert_int_equal(fake_get(f, 0x9000 - 20, 4), G_UCODE32 | 3);
	assert_int_equal(fake_get(f, 0x9000 - 24, 4), 0x4444);
	/* RETF 8 to ring 3: DS (DPL 0) is nulled */
	soft_load_seg(c, S_DS, G_DATA32);
	soft_far_ret(c, 4, 8);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->rip, 0x4444);
	assert_int_equal(c->gpr[R_SP], 0x7008);
	assert_int_equal(c->seg[S_SS].sel, G_UDATA32 | 3);
	assert_int_equal(c->seg[S_DS].sel, 0);
	assert_int_equal(c->seg[S_ES].sel, G_UDATA32 | 3);
	/* direct far call to DPL 0 code from ring 3: #GP(sel) */
	assert_int_equal(FAULT(f, soft_far_jmp(c, G_CODE32, 0, 4)), V_GP);
	assert_int_equal(c->pend_err, G_CODE32);
	/* conforming code keeps CPL 3 */
	soft_far_jmp(c, G_CONFORM3, 0x10, 4);
	assert_int_equal(c->cpl, 3);
	/* a TSS target (task switch) is refused */
	fake_prot32(f, 0);
	assert_int_equal(FAULT(f, soft_far_jmp(c, G_TSS32, 0, 4)), V_GP);
	/* same-ring far call and return, offset past the limit */
	c->gpr[R_SP] = 0x8000;
	c->rip = 0x100;
	soft_far_call(c, G_CODE32, 0x200, 4);
	assert_int_equal(c->gpr[R_SP], 0x8000 - 8);
	soft_far_ret(c, 4, 0);
	assert_int_equal(c->rip, 0x100);
	assert_int_equal(c->gpr[R_SP], 0x8000);
	assert_int_equal(FAULT(f, soft_far_jmp(c, G_CODE16, 0x10000, 4)),
			 V_GP);
}

static void test_msr_tsc(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 0);
	assert_int_equal(FAULT(f, wrmsr(c, MSR_EFER, 1ull << 2)), V_GP);
	assert_int_equal(FAULT(f, wrmsr(c, 0xc0000082, 1ull << 47)), V_GP);
	wrmsr(c, 0xc0000082, 0xffff800000001000ull);
	assert_int_equal(rdmsr(c, 0xc0000082), 0xffff800000001000ull);
	assert_int_equal(FAULT(f, rdmsr(c, 0x12345)), V_GP);
	assert_int_equal(FAULT(f, wrmsr(c, 0x277, 0x0207040600070406ull)),
			 V_GP);
	wrmsr(c, 0x277, 0x0007010600070406ull);
	wrmsr(c, 0x2ff, 0xc06);
	assert_int_equal(FAULT(f, wrmsr(c, 0x2ff, 0x1c06)), V_GP);
	wrmsr(c, 0x200, 0x80000006);
	assert_int_equal(FAULT(f, wrmsr(c, 0x200, 0x80000002)), V_GP);
	wrmsr(c, 0x268, 0x0606060606060606ull);
	assert_int_equal(rdmsr(c, 0x268), 0x0606060606060606ull);
	assert_int_equal(rdmsr(c, 0xfe) & 0xff, 8);
	/* the LAPIC's MSRs go to ops */
	wrmsr(c, 0x1b, 0xfee00900);
	assert_int_equal(f->apic_base, 0xfee00900);
	assert_int_equal(rdmsr(c, 0x1b), 0xfee00900);
	/* TSC: 1 GHz on the fake clock, writable */
	f->clock = 1000;
	uint64_t t0 = rdmsr(c, 0x10);
	f->clock = 2000;
	assert_int_equal(rdmsr(c, 0x10) - t0, 1000ull * SOFT_TSC_KHZ / 1000000);
	uint64_t before = rdmsr(c, 0x10), adj = rdmsr(c, 0x3b);
	wrmsr(c, 0x10, 1ull << 40);
	assert_int_equal(rdmsr(c, 0x10), 1ull << 40);
	/* TSC_ADJUST: a TSC write adds its step; a write moves the TSC */
	assert_int_equal(rdmsr(c, 0x3b), adj + (1ull << 40) - before);
	wrmsr(c, 0x3b, rdmsr(c, 0x3b) + 500);
	assert_int_equal(rdmsr(c, 0x10), (1ull << 40) + 500);
	wrmsr(c, 0x3b, rdmsr(c, 0x3b) - 500);
	assert_int_equal(rdmsr(c, 0x10), 1ull << 40);
	wrmsr(c, 0xc0000103, 7);
	soft_rdtsc(c, 1);
	assert_int_equal(c->gpr[R_CX], 7);
	assert_int_equal(c->gpr[R_DX], 1ull << 8);
	/* CPL 3: RDMSR #GP, RDTSC only without CR4.TSD */
	fake_prot32(f, 3);
	c->cr4 |= CR4_TSD;
	assert_int_equal(FAULT(f, rdmsr(c, 0x10)), V_GP);
	assert_int_equal(FAULT(f, soft_rdtsc(c, 0)), V_GP);
	c->cr4 = 0;
	assert_int_equal(FAULT(f, soft_rdtsc(c, 0)), -1);
	/* CR/DR moves are CPL 0 */
	assert_int_equal(FAULT(f, soft_mov_from_cr(c, 0)), V_GP);
	assert_int_equal(FAULT(f, soft_hlt(c)), V_GP);
}

static void test_tsc_epoch(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *ap;

	/* A vCPU created later counts from the first one's power-on. */
	f->clock = 5000;
	ap = soft_cpu_new(f->vm, 1, f->cpu->ops, f);
	assert_non_null(ap);
	assert_int_equal(rdmsr(ap, 0x10), rdmsr(f->cpu, 0x10));
	assert_int_equal(rdmsr(ap, 0x10), 5000ull * SOFT_TSC_KHZ / 1000000);
	assert_int_equal(rdmsr(ap, 0x3b), 0);
	soft_cpu_free(ap);
}

static void test_dr(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 0);
	soft_mov_to_dr(c, 0, 0x1234);
	assert_int_equal(soft_mov_from_dr(c, 0), 0x1234);
	soft_mov_to_dr(c, 7, 0x1);
	assert_int_equal(soft_mov_from_dr(c, 5), 0x401); /* alias */
	soft_mov_to_cr(c, 4, CR4_DE);
	assert_int_equal(FAULT(f, soft_mov_from_dr(c, 4)), V_UD);
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 5, 0)), V_UD);
	soft_mov_to_cr(c, 8, 5);
	assert_int_equal(f->cr8, 5);
	assert_int_equal(soft_mov_from_cr(c, 8), 5);
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 8, 16)), V_GP);
	soft_hlt(c);
	assert_true(c->halted);
}

static void cpuid(struct soft_cpu *c, uint32_t leaf, uint32_t r[4])
{
	c->gpr[R_AX] = leaf;
	c->gpr[R_CX] = 0;
	soft_cpuid(c);
	r[0] = (uint32_t)c->gpr[R_AX];
	r[1] = (uint32_t)c->gpr[R_BX];
	r[2] = (uint32_t)c->gpr[R_CX];
	r[3] = (uint32_t)c->gpr[R_DX];
}

static void test_cpuid(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;
	uint32_t r[4];
	char s[13] = { 0 };

	c->id = 3;
	cpuid(c, 0, r);
	memcpy(s, &r[1], 4);
	memcpy(s + 4, &r[3], 4);
	memcpy(s + 8, &r[2], 4);
	assert_string_equal(s, "GenuineIntel");
	cpuid(c, 1, r);
	assert_int_equal(r[1] >> 24, 3);
	assert_true(r[3] & (1u << 6));	  /* PAE */
	/* FPU, MMX, FXSR, SSE, SSE2; not SSE3 */
	assert_int_equal(r[3] & 0x07800001u, 0x07800001u);
	assert_false(r[2] & 1u);
	assert_true(r[2] & (1u << 31));	  /* hypervisor */
	cpuid(c, 0x40000000, r);
	memcpy(s, &r[1], 12);
	assert_string_equal(s, "SafePCSftCPU");
	cpuid(c, 0x40000010, r);
	assert_int_equal(r[0], SOFT_TSC_KHZ);
	cpuid(c, 0x80000001, r);
	assert_true(r[3] & (1u << 29)); /* LM */
	cpuid(c, 0x80000008, r);
	assert_int_equal(r[0] & 0xff, 40);
	assert_int_equal((r[0] >> 8) & 0xff, 48);
	cpuid(c, 0x15, r);
	assert_int_equal(r[2], 1000000000u); /* the LAPIC's bus clock */
	assert_int_equal((uint64_t)r[2] / 1000 * r[1] / r[0], SOFT_TSC_KHZ);
	/* as Linux computes it: unsigned 32-bit, no overflow */
	assert_int_equal((uint32_t)(r[2] / 1000 * r[1]) / r[0], SOFT_TSC_KHZ);
	cpuid(c, 7, r); /* subleaf 0: TSC_ADJUST alone */
	assert_int_equal(r[0], 0);
	assert_int_equal(r[1], 1u << 1);
	c->gpr[R_AX] = 7;
	c->gpr[R_CX] = 1;
	soft_cpuid(c);
	assert_int_equal(c->gpr[R_BX], 0);
	cpuid(c, 0x7fffffff, r); /* out of range: the highest basic leaf */
	assert_int_equal(r[0], SOFT_TSC_KHZ / 1000);
}

static void test_syscall(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_long64(f, 3);
	c->efer &= ~(uint64_t)EFER_SCE;
	assert_int_equal(FAULT(f, soft_syscall(c)), V_UD);
	c->efer |= EFER_SCE;
	c->star = (0x23ull << 48) | (0x10ull << 32);
	c->lstar = 0xffffffff81000000ull;
	c->sfmask = F_IF | F_TF;
	c->rflags = F_1 | F_IF;
	c->rip = 0x401000;
	soft_syscall(c);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->mode, M_LONG64);
	assert_int_equal(c->seg[S_CS].sel, 0x10);
	assert_int_equal(c->seg[S_SS].sel, 0x18);
	assert_int_equal(c->rip, 0xffffffff81000000ull);
	assert_int_equal(c->gpr[R_CX], 0x401000);
	assert_int_equal(c->gpr[R_R11], F_1 | F_IF);
	assert_false(c->rflags & F_IF);
	/* SWAPGS at CPL 0 */
	c->seg[S_GS].base = 1;
	c->kernel_gs_base = 2;
	soft_swapgs(c);
	assert_int_equal(c->seg[S_GS].base, 2);
	/* SYSRET: non-canonical RCX faults in ring 0 */
	c->gpr[R_CX] = 0x0000800000000000ull;
	assert_int_equal(FAULT(f, soft_sysret(c, 8)), V_GP);
	c->gpr[R_CX] = 0x401000;
	soft_sysret(c, 8);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->seg[S_CS].sel, 0x33);
	assert_int_equal(c->seg[S_SS].sel, 0x2b);
	assert_true(c->rflags & F_IF);
	assert_int_equal(c->mode, M_LONG64);
	assert_int_equal(FAULT(f, soft_swapgs(c)), V_GP);
	assert_int_equal(FAULT(f, soft_sysret(c, 8)), V_GP);
	/* SYSRET to compatibility mode */
	c->cpl = 0;
	c->seg[S_CS].attr &= (uint16_t)~0x60u;
	soft_sysret(c, 4);
	assert_int_equal(c->mode, M_PROT32);
	assert_int_equal(c->seg[S_CS].sel, 0x23);
}

static void test_sysenter(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 3);
	assert_int_equal(FAULT(f, soft_sysenter(c)), V_GP);
	c->sysenter_cs = G_CODE32;
	c->sysenter_esp = 0x9000;
	c->sysenter_eip = 0x5000;
	c->rflags |= F_IF;
	soft_sysenter(c);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->seg[S_SS].sel, G_DATA32);
	assert_int_equal(c->rip, 0x5000);
	assert_false(c->rflags & F_IF);
	c->gpr[R_DX] = 0x1234;
	c->gpr[R_CX] = 0x7000;
	soft_sysexit(c, 4);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->seg[S_CS].sel, (G_CODE32 + 16) | 3);
	assert_int_equal(c->seg[S_SS].sel, (G_CODE32 + 24) | 3);
	assert_int_equal(c->rip, 0x1234);
	assert_int_equal(c->mode, M_PROT32);
}

static void test_io_bitmap(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 3);
	/* bitmap at TSS+0x68, 8 bytes (ports 0-63): port 0x21 denied */
	fake_put(f, FAKE_TSS + 0x68 + 4, 0x02, 1);
	assert_int_equal(FAULT(f, soft_io_check(c, 0x20, 1)), -1);
	assert_int_equal(FAULT(f, soft_io_check(c, 0x21, 1)), V_GP);
	assert_int_equal(FAULT(f, soft_io_check(c, 0x20, 2)), V_GP);
	assert_int_equal(FAULT(f, soft_io_check(c, 0x3f8, 1)), V_GP);
	c->rflags |= F_IOPL;
	assert_int_equal(FAULT(f, soft_io_check(c, 0x3f8, 1)), -1);
}

static void test_long_far(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_long64(f, 3);
	/* a 64-bit call gate (16 bytes) at 0x90/0x98, DPL 3, to ring 0 */
	uint64_t target = 0xffff800000123456ull;

	fake_put(f, FAKE_GDT + 0x90,
		 (target & 0xffff) | ((uint64_t)G_CODE64 << 16) |
			 (0xecull << 40) | (((target >> 16) & 0xffff) << 48),
		 8);
	fake_put(f, FAKE_GDT + 0x98, target >> 32, 8);
	c->gdtr.limit = 0x9f;
	fake_put(f, FAKE_TSS + 4, 0x9008, 8); /* RSP0 */
	c->gpr[R_SP] = 0x7000;
	c->rip = 0x401000;
	soft_far_call(c, 0x93, 0, 8);
	assert_int_equal(c->cpl, 0);
	assert_int_equal(c->mode, M_LONG64);
	assert_int_equal(c->rip, target);
	assert_int_equal(c->seg[S_SS].sel, 0);
	assert_int_equal(c->gpr[R_SP], 0x9008 - 32);
	assert_int_equal(fake_get(f, 0x9008 - 8, 8), G_UDATA32 | 3);
	assert_int_equal(fake_get(f, 0x9008 - 16, 8), 0x7000);
	assert_int_equal(fake_get(f, 0x9008 - 24, 8), G_UCODE64 | 3);
	assert_int_equal(fake_get(f, 0x9008 - 32, 8), 0x401000);
	/* RETF (REX.W) back to ring 3 */
	soft_far_ret(c, 8, 0);
	assert_int_equal(c->cpl, 3);
	assert_int_equal(c->rip, 0x401000);
	assert_int_equal(c->gpr[R_SP], 0x7000);
	assert_int_equal(c->seg[S_SS].sel, G_UDATA32 | 3);
	/* a legacy 32-bit gate type is refused in IA-32e mode */
	assert_int_equal(FAULT(f, soft_far_call(c, G_CALLGATE | 3, 0, 8)),
			 V_GP);
	/* a non-canonical target */
	fake_long64(f, 0);
	assert_int_equal(FAULT(f, soft_far_jmp(c, G_CODE64,
					       0x0000800000000000ull, 8)),
			 V_GP);
	assert_int_equal(c->pend_err, 0);
	/* SGDT stores 10 bytes in 64-bit mode; LGDT reads 10 */
	soft_sgdt_sidt(c, 0, S_DS, 0x600);
	assert_int_equal(fake_get(f, 0x600, 2), G_LIMIT);
	assert_int_equal(fake_get(f, 0x602, 8), FAKE_GDT);
	fake_put(f, 0x610, 0x1234ffff, 4);
	fake_put(f, 0x614, 0xffff8000, 4);
	fake_put(f, 0x618, 0, 4);
	fake_put(f, 0x612, 0x0000800000000000ull, 8);
	assert_int_equal(FAULT(f, soft_lgdt_lidt(c, 1, S_DS, 0x610)), V_GP);
	fake_put(f, 0x612, 0xffff800000001000ull, 8);
	soft_lgdt_lidt(c, 1, S_DS, 0x610);
	assert_int_equal(c->idtr.base, 0xffff800000001000ull);
	assert_int_equal(c->idtr.limit, 0xffff);
	/* the 16-bit LGDT form loads a 24-bit base */
	fake_prot32(f, 0);
	fake_put(f, 0x620, 0x12345678ff000fffull, 8);
	soft_lgdt_lidt(c, 1, S_DS, 0x620);
	assert_int_equal(c->idtr.base, 0x5678ff00);
	assert_int_equal(c->idtr.limit, 0xfff);
	soft_lgdt_lidt(c, 1 | 2, S_DS, 0x620);
	assert_int_equal(c->idtr.base, 0x78ff00);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_reset),	   T(test_mode_switches),
		T(test_big_real),  T(test_seg_loads),
		T(test_ltr_lar),   T(test_far_call_gate),
		T(test_msr_tsc),   T(test_tsc_epoch),
		T(test_dr),
		T(test_cpuid),	   T(test_syscall),
		T(test_sysenter),  T(test_io_bitmap),
		T(test_long_far),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
