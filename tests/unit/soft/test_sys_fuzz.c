/* SPDX-License-Identifier: MIT */
/*
 * Soft CPU system robustness: random descriptor tables, IDTs, TSSs, page
 * tables and CPU state (as a hostile guest could set them up), then random
 * system operations. Every one must either complete or raise an exception
 * through soft_raise; none may crash the host (run it under ASan/UBSan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/soft/sys.h"
#include "test_sys_fake.h"

static uint64_t fz_state = 0x9e3779b97f4a7c15ull;

static uint64_t fz_rand(void)
{
	/* xorshift64*: deterministic, so a failure replays */
	fz_state ^= fz_state >> 12;
	fz_state ^= fz_state << 25;
	fz_state ^= fz_state >> 27;
	return fz_state * 0x2545f4914f6cdd1dull;
}

/* A value biased to the interesting ones: small, page-table-ish, edges. */
static uint64_t fz_val(void)
{
	switch (fz_rand() % 6) {
	case 0:
		return fz_rand() & 0xffff;
	case 1:
		return (fz_rand() & 0xfff000) | (fz_rand() & 0x1ff);
	case 2:
		return ~(uint64_t)0 - (fz_rand() & 0xff);
	case 3:
		return 0xffff800000000000ull | (fz_rand() & 0xffffff);
	case 4:
		return (fz_rand() & 0xffffff) | ((fz_rand() & 1) << 63);
	default:
		return fz_rand();
	}
}

static void fz_scribble(struct fake *f)
{
	/* GDT, IDT, TSS, LDT, page tables, a stack: random words */
	static const uint32_t areas[] = { FAKE_GDT, FAKE_IDT, FAKE_TSS,
					  FAKE_LDT, FAKE_PML4,
					  FAKE_PML4 + 0x1000, 0x10000, 0x8000 };

	for (unsigned i = 0; i < 64; i++) {
		uint32_t a = areas[fz_rand() % 8] + (uint32_t)(fz_rand() & 0xff8);

		fake_put(f, a, fz_val(), 8);
	}
}

static void fz_state_random(struct fake *f)
{
	struct soft_cpu *c = f->cpu;

	c->cr0 = (fz_rand() & 1 ? CR0_PE : 0) | CR0_ET |
		 (fz_rand() & 1 ? CR0_WP : 0);
	if ((c->cr0 & CR0_PE) && (fz_rand() & 1))
		c->cr0 |= CR0_PG;
	c->cr4 = fz_rand() & (CR4_PAE | CR4_PSE | CR4_PGE);
	c->efer = fz_rand() & (EFER_NXE | EFER_SCE);
	if ((c->cr0 & CR0_PG) && (c->cr4 & CR4_PAE) && (fz_rand() & 1))
		c->efer |= EFER_LME | EFER_LMA;
	c->cr3 = fz_rand() & 1 ? FAKE_PML4 : fz_val();
	for (int i = 0; i < 4; i++)
		c->pdpte[i] = fz_val();
	for (int r = 0; r < S_NR; r++) {
		c->seg[r].attr = (uint16_t)(fz_rand() & 0xfff);
		c->seg[r].sel = (uint16_t)fz_rand();
		c->seg[r].limit = (uint32_t)fz_val();
		c->seg[r].base = fz_rand() & 1 ? 0 : fz_val();
	}
	c->tr.attr = (uint16_t)(fz_rand() & 0xfff);
	c->tr.base = fz_rand() & 1 ? FAKE_TSS : fz_val();
	c->tr.limit = (uint32_t)fz_val();
	c->ldtr.attr = (uint16_t)(fz_rand() & 0xfff);
	c->ldtr.base = fz_val();
	c->ldtr.limit = (uint32_t)fz_val();
	c->ldtr.sel = (uint16_t)fz_rand();
	c->gdtr.base = fz_rand() & 1 ? FAKE_GDT : fz_val();
	c->gdtr.limit = (uint32_t)fz_rand() & 0xffff;
	c->idtr.base = fz_rand() & 1 ? FAKE_IDT : fz_val();
	c->idtr.limit = (uint32_t)fz_rand() & 0xffff;
	for (int r = 0; r < 16; r++)
		c->gpr[r] = fz_val();
	c->rip = fz_val();
	if (fz_rand() & 1) {
		/* sane CS, SS, TSS and stack, so deliveries go deep */
		int lm = !!(c->efer & EFER_LMA), u = (int)(fz_rand() & 1);

		fake_seg(f, S_CS, lm ? (u ? G_UCODE64 | 3 : G_CODE64)
				     : (u ? G_UCODE32 | 3 : G_CODE32));
		fake_seg(f, S_SS, u ? G_UDATA32 | 3 : G_DATA32);
		c->tr = (struct soft_seg){ .base = FAKE_TSS, .limit = 0x6f,
					   .sel = lm ? G_TSS64 : G_TSS32,
					   .attr = 0x8b };
		c->gpr[R_SP] = 0x8000;
	}
	soft_set_rflags(c, fz_rand() & (F_IF | F_IOPL | F_VM | F_NT | F_AC));
	c->exc_depth = 0;
	c->shutdown = 0;
	soft_tlb_flush(c, 1);
	soft_mode_update(c);
}

static void fz_op(struct fake *f)
{
	struct soft_cpu *c = f->cpu;
	uint64_t out, v = fz_val();
	static const uint16_t sels[] = {
		G_CODE32, G_DATA32, G_UCODE32, G_UDATA32, G_CODE64, G_DATA64,
		G_TSS32, G_CODE16, G_UCODE64, G_LDT, G_TSS64, G_CALLGATE,
		G_NOTPRESENT, G_RODATA, G_XONLY, G_CONFORM3, 0, 4,
	};
	uint16_t sel = (uint16_t)(fz_rand() % 3 == 0 ? fz_rand()
				  : sels[fz_rand() % 18] | (fz_rand() & 3));
	unsigned osz = 2u << (fz_rand() % 3);
	uint8_t buf[16];

	switch (fz_rand() % 24) {
	case 0:
		soft_load_seg(c, (int)(fz_rand() % S_NR), sel);
		break;
	case 1:
		soft_far_jmp(c, sel, v, osz);
		break;
	case 2:
		soft_far_call(c, sel, v, osz);
		break;
	case 3:
		soft_far_ret(c, osz, (uint16_t)fz_rand());
		break;
	case 4:
		soft_iret(c, osz);
		break;
	case 5:
		fake_deliver(f, (enum soft_event)(fz_rand() % 6),
			     (unsigned)fz_rand() & 0xff,
			     fz_rand() & 1 ? -1 : (int32_t)(fz_rand() & 0xffff));
		break;
	case 6:
		soft_mov_to_cr(c, (unsigned)fz_rand() % 9, v);
		break;
	case 7:
		soft_read(c, (int)(fz_rand() % S_NR), v, 1u << (fz_rand() % 4));
		break;
	case 8:
		soft_write(c, (int)(fz_rand() % S_NR), v, 1u << (fz_rand() % 4),
			   fz_rand());
		break;
	case 9: {
		unsigned avail;
		uint64_t gpa;

		soft_code_ptr(c, v, &avail, &gpa);
		break;
	}
	case 10:
		soft_lldt(c, sel);
		break;
	case 11:
		soft_ltr(c, sel);
		break;
	case 12:
		soft_lar_lsl(c, (int)(fz_rand() & 1), sel, &out);
		break;
	case 13:
		soft_verr_verw(c, (int)(fz_rand() & 1), sel);
		break;
	case 14:
		c->gpr[R_CX] = fz_rand() & 1 ? 0xc0000080u + (fz_rand() & 0x103)
					     : (uint32_t)fz_rand() & 0xfff;
		c->gpr[R_AX] = v;
		c->gpr[R_DX] = fz_val();
		if (fz_rand() & 1)
			soft_wrmsr(c);
		else
			soft_rdmsr(c);
		break;
	case 15:
		soft_syscall(c);
		break;
	case 16:
		soft_sysret(c, osz);
		break;
	case 17:
		soft_sysenter(c);
		break;
	case 18:
		soft_sysexit(c, osz);
		break;
	case 19:
		soft_io_check(c, (uint16_t)fz_rand(), 1u << (fz_rand() % 3));
		break;
	case 20:
		soft_lgdt_lidt(c, (int)(fz_rand() & 3), (int)(fz_rand() % S_NR),
			       v);
		break;
	case 21:
		soft_read_buf(c, (int)(fz_rand() % S_NR), v, buf,
			      1 + (unsigned)(fz_rand() % 16));
		break;
	case 22:
		soft_rmw_ptr(c, (int)(fz_rand() % S_NR), v,
			     1u << (fz_rand() % 4));
		break;
	default:
		soft_cpuid(c);
		break;
	}
}

/* One operation: -1 when it completed, else the vector it raised. */
static __attribute__((noinline)) int fz_one(struct fake *f)
{
	return FAULT(f, fz_op(f));
}

static void test_fuzz(void **state)
{
	struct fake *f = *state;
	unsigned faults = 0, done = 0;

	for (unsigned round = 0; round < 3000; round++) {
		/* Valid tables most of the time, a little damage on top. */
		if (round % 4 == 0) {
			fake_gdt(f);
			for (unsigned v = 0; v < 256; v++) {
				uint16_t cs = v & 1 ? G_CODE64 : G_CODE32;

				if (fz_rand() & 1)
					fake_idt64(f, v, cs, fz_val(),
						   0xe | (v & 1), v & 3,
						   (unsigned)fz_rand() & 7);
				else
					fake_idt32(f, v, cs, (uint32_t)fz_val(),
						   0xe | (v & 1), v & 3,
						   (int)(fz_rand() & 1));
			}
		}
		fz_scribble(f);
		fz_state_random(f);
		for (unsigned i = 0; i < 8; i++) {
			int r = fz_one(f);

			if (r < 0)
				done++;
			else
				faults++;
			/* Raised vectors are exceptions, never garbage. */
			assert_true(r < 32);
		}
	}
	/* Both outcomes must be common, or the fuzzing is not reaching. */
	assert_true(done > 1000);
	assert_true(faults > 1000);
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
