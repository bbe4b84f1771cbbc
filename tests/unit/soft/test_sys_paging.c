/* SPDX-License-Identifier: MIT */
/*
 * Soft CPU system tests: the memory front end and the three paging
 * formats (error codes, CR2, A/D bits, WP, NX, global pages, INVLPG,
 * MMIO routing, page tables outside RAM).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test_sys_fake.h"

#define P 1u
#define W 2u
#define U 4u
#define A 0x20u
#define D 0x40u
#define PS 0x80u
#define G 0x100u
#define NX (1ull << 63)

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

/* 32-bit paging: PD at 0x10000, PT at 0x11000 maps 0x400000+ */
static void map32(struct fake *f, uint32_t lin, uint32_t pa, uint32_t fl)
{
	uint32_t pde = fake_get(f, 0x10000 + (lin >> 22) * 4, 4);

	if (!(pde & P)) {
		pde = (0x11000 + (lin >> 22) * 0x1000) | P | W | U;
		fake_put(f, 0x10000 + (lin >> 22) * 4, pde, 4);
	}
	fake_put(f, (pde & ~0xfffu) + ((lin >> 12) & 0x3ff) * 4, pa | fl, 4);
}

static void paging32(struct fake *f, unsigned cpl)
{
	fake_flat32(f, 0);
	f->cpu->cr3 = 0x10000;
	f->cpu->cr0 |= CR0_PG;
	soft_tlb_flush(f->cpu, 1);
	if (cpl) {
		fake_flat32(f, cpl);
	}
}

static void test_flat_rw(void **state)
{
	struct fake *f = *state;

	fake_flat32(f, 0);
	assert_int_equal(FAULT(f, soft_write(f->cpu, S_DS, 0x1000, 4,
					     0xdeadbeef)),
			 -1);
	assert_int_equal(fake_get(f, 0x1000, 4), 0xdeadbeef);
	assert_int_equal(soft_read(f->cpu, S_DS, 0x1002, 2), 0xdead);
	/* across a page */
	soft_write(f->cpu, S_DS, 0x1ffe, 4, 0x11223344);
	assert_int_equal(fake_get(f, 0x1ffe, 4), 0x11223344);
	assert_int_equal(soft_read(f->cpu, S_DS, 0x1ffd, 8) >> 8, 0x11223344);
	/* MMIO: every access goes out */
	assert_int_equal(soft_read(f->cpu, S_DS, FAKE_HOLE + 8, 4), 0x55667788);
	soft_read(f->cpu, S_DS, FAKE_HOLE + 8, 4);
	assert_int_equal(f->mmio_reads, 2);
	soft_write(f->cpu, S_DS, FAKE_HOLE + 16, 2, 0xabcd);
	assert_int_equal(f->mmio_writes, 1);
	assert_int_equal(f->mmio_last_val, 0xabcd);
	/* a write to a code page tells the core */
	f->vm->code_bits[0x3000 >> 15] = 1u << ((0x3000 >> 12) & 7);
	soft_write(f->cpu, S_DS, 0x3010, 1, 1);
	soft_write(f->cpu, S_DS, 0x3011, 1, 1);
	assert_int_equal(f->code_written, 2);
	/* LOCK's pointer path too, and a page-crossing write */
	assert_non_null(soft_rmw_ptr(f->cpu, S_DS, 0x3020, 4));
	assert_int_equal(f->code_written, 3);
	soft_write(f->cpu, S_DS, 0x2fff, 2, 0);
	assert_int_equal(f->code_written, 4);
	/* other pages: no call */
	soft_write(f->cpu, S_DS, 0x4000, 4, 0);
	assert_int_equal(f->code_written, 4);
	/* a locked operand across pages or in MMIO has no pointer */
	assert_null(soft_rmw_ptr(f->cpu, S_DS, 0x3ffe, 4));
	assert_null(soft_rmw_ptr(f->cpu, S_DS, FAKE_HOLE, 4));
}

static void test_seg_checks(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	fake_flat32(f, 0);
	c->seg[S_DS].limit = 0xfff;
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0xffe, 4)), V_GP);
	assert_int_equal(c->pend_err, 0);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0xffc, 4)), -1);
	c->seg[S_SS].limit = 0xfff;
	assert_int_equal(FAULT(f, soft_read(c, S_SS, 0x1000, 1)), V_SS);
	/* read-only data */
	c->seg[S_ES].attr = 0x91 | SEG_A_DB;
	assert_int_equal(FAULT(f, soft_write(c, S_ES, 0, 1, 0)), V_GP);
	/* execute-only code */
	c->seg[S_FS].attr = 0x99 | SEG_A_DB;
	assert_int_equal(FAULT(f, soft_read(c, S_FS, 0, 1)), V_GP);
	/* unusable (null) */
	c->seg[S_GS].attr = 0;
	assert_int_equal(FAULT(f, soft_read(c, S_GS, 0, 1)), V_GP);
	/* expand-down: limit 0xfff, 16-bit: 0x1000..0xffff valid */
	c->seg[S_DS].attr = 0x97;
	c->seg[S_DS].limit = 0xfff;
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0xfff, 1)), V_GP);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x1000, 2)), -1);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0xffff, 2)), V_GP);
	/* 64-bit: non-canonical */
	c->efer |= EFER_LMA | EFER_LME;
	c->seg[S_CS].attr |= SEG_A_L;
	c->seg[S_CS].attr &= (uint16_t)~SEG_A_DB;
	soft_mode_update(c);
	assert_int_equal(c->mode, M_LONG64);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x0000800000000000ull,
					    1)),
			 V_GP);
	assert_int_equal(FAULT(f, soft_read(c, S_SS, 0x00007ffffffffffcull,
					    8)),
			 V_SS);
}

static void test_pf32(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	map32(f, 0x400000, 0x200000, P | W | U);
	map32(f, 0x401000, 0x201000, P | U);	  /* read-only */
	map32(f, 0x402000, 0x202000, P | W);	  /* supervisor */
	paging32(f, 0);
	soft_write(c, S_DS, 0x400004, 4, 0x12345678);
	assert_int_equal(fake_get(f, 0x200004, 4), 0x12345678);
	/* A and D set on PTE, A on PDE */
	assert_int_equal(fake_get(f, 0x12000, 4) & (A | D), A | D);
	assert_true(fake_get(f, 0x10004, 4) & A);
	/* read sets A only */
	soft_read(c, S_DS, 0x401000, 4);
	assert_int_equal(fake_get(f, 0x12004, 4) & (A | D), A);
	/* not present: P=0, W set on write, CR2 */
	assert_int_equal(FAULT(f, soft_write(c, S_DS, 0x403008, 1, 0)), V_PF);
	assert_int_equal(c->pend_err, PFEC_W);
	assert_int_equal(c->cr2, 0x403008);
	/* supervisor write to read-only: fine without WP, #PF with WP */
	assert_int_equal(FAULT(f, soft_write(c, S_DS, 0x401000, 1, 0)), -1);
	c->cr0 |= CR0_WP;
	soft_tlb_flush(c, 1);
	assert_int_equal(FAULT(f, soft_write(c, S_DS, 0x401000, 1, 0)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_W);
	/* user */
	fake_flat32(f, 3);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x402000, 1)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_U);
	assert_int_equal(FAULT(f, soft_write(c, S_DS, 0x401000, 1, 0)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_W | PFEC_U);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x400000, 4)), -1);
	/* a supervisor implicit access from CPL 3 works */
	assert_int_equal(FAULT(f, soft_read_lin(c, 0x402000, 4, 1)), -1);
	/* PSE 4 MiB page */
	fake_flat32(f, 0);
	fake_put(f, 0x10000 + 2 * 4, 0x800000 | P | W | PS, 4);
	c->cr4 |= CR4_PSE;
	soft_tlb_flush(c, 1);
	soft_write(c, S_DS, 0x812345, 1, 0x5a);
	assert_int_equal(fake_get(f, 0x812345, 1), 0x5a);
	/* PSE reserved bit 21 */
	fake_put(f, 0x10000 + 3 * 4, 0xc00000 | P | W | PS | (1u << 21), 4);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0xc00000, 1)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_RSVD);
	/* page table outside RAM: a fault, not a crash */
	fake_put(f, 0x10000 + 4 * 4, 0xfe000000u | P | W, 4);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x1000000, 1)), V_PF);
	assert_true(c->pend_err & PFEC_RSVD);
	/* a PTE pointing at MMIO routes there */
	map32(f, 0x404000, FAKE_HOLE, P | W);
	assert_int_equal(soft_read(c, S_DS, 0x404010, 1), 0x88);
	assert_int_equal(f->mmio_last_addr, FAKE_HOLE + 0x10);
}

/* Long mode tables: PML4 0x20000, PDPT 0x21000, PD 0x22000, PT 0x23000 */
static void map64(struct fake *f, uint64_t lin, uint64_t pa, uint64_t fl)
{
	fake_put(f, 0x20000 + ((lin >> 39) & 511) * 8, 0x21000 | P | W | U, 8);
	fake_put(f, 0x21000 + ((lin >> 30) & 511) * 8, 0x22000 | P | W | U, 8);
	fake_put(f, 0x22000 + ((lin >> 21) & 511) * 8, 0x23000 | P | W | U, 8);
	fake_put(f, 0x23000 + ((lin >> 12) & 511) * 8, pa | fl, 8);
}

static void long_mode(struct fake *f, unsigned cpl)
{
	struct soft_cpu *c = f->cpu;

	fake_flat32(f, cpl);
	c->cr4 |= CR4_PAE;
	c->efer |= EFER_LME | EFER_LMA | EFER_NXE;
	c->cr3 = 0x20000;
	c->cr0 |= CR0_PG | CR0_WP;
	c->seg[S_CS].attr = (uint16_t)((c->seg[S_CS].attr & ~SEG_A_DB) |
				       SEG_A_L);
	soft_tlb_flush(c, 1);
	soft_mode_update(c);
}

static void test_pf64(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;
	const uint64_t va = 0xffff800000400000ull;
	unsigned avail;
	uint64_t gpa;

	map64(f, va, 0x300000, P | W | U);
	map64(f, va + 0x1000, 0x301000, P | W | U | NX);
	map64(f, va + 0x2000, 0x302000, P | W | U | (1ull << 45));
	long_mode(f, 0);
	assert_int_equal(c->mode, M_LONG64);
	soft_write(c, S_DS, va + 8, 8, 0x0102030405060708ull);
	assert_int_equal(fake_get(f, 0x300008, 8), 0x0102030405060708ull);
	assert_int_equal(fake_get(f, 0x23000 + 0x0 * 8, 8) & (A | D), A | D);
	assert_non_null(soft_code_ptr(c, va, &avail, &gpa));
	assert_int_equal(gpa, 0x300000);
	assert_int_equal(avail, 15);
	/* NX with NXE: P and I */
	assert_int_equal(FAULT(f, soft_code_ptr(c, va + 0x1000, &avail, &gpa)),
			 V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_I);
	assert_int_equal(c->cr2, va + 0x1000);
	/* reserved address bit */
	assert_int_equal(FAULT(f, soft_read(c, S_DS, va + 0x2000, 1)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_RSVD);
	/* not present fetch: I only */
	assert_int_equal(FAULT(f, soft_code_ptr(c, va + 0x5000, &avail, &gpa)),
			 V_PF);
	assert_int_equal(c->pend_err, PFEC_I);
	/* without NXE: bit 63 reserved */
	c->efer &= ~(uint64_t)EFER_NXE;
	soft_tlb_flush(c, 1);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, va + 0x1000, 1)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_RSVD);
	c->efer |= EFER_NXE;
	/* 2 MiB and 1 GiB pages */
	fake_put(f, 0x22000 + 8 * 8, 0x600000 | P | W | PS, 8);
	soft_write(c, S_DS, 0xffff800001012345ull, 1, 0x77);
	assert_int_equal(fake_get(f, 0x612345, 1), 0x77);
	fake_put(f, 0x21000 + 4 * 8, P | W | PS, 8);
	soft_write(c, S_DS, 0xffff800100abcdefull, 1, 0x66);
	assert_int_equal(fake_get(f, 0xabcdef, 1), 0x66);
	/* user access to a supervisor page */
	fake_put(f, 0x22000 + 9 * 8, 0x800000 | P | W | PS, 8);
	long_mode(f, 3);
	assert_int_equal(FAULT(f, soft_write(c, S_DS, 0xffff800001200000ull, 1,
					     0)),
			 V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_W | PFEC_U);
}

static void test_pae_global_invlpg(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	/* PDPT at 0x30000, PD 0x31000, PT 0x32000 */
	fake_put(f, 0x30000, 0x31000 | P, 8);
	fake_put(f, 0x31000 + 2 * 8, 0x32000 | P | W, 8);
	fake_put(f, 0x32000, 0x500000 | P | W | G, 8);
	fake_put(f, 0x32008, 0x501000 | P | W, 8);
	fake_flat32(f, 0);
	c->cr4 |= CR4_PAE | CR4_PGE;
	c->cr3 = 0x30000;
	c->cr0 |= CR0_PG;
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 3, 0x30000)), -1);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0);
	fake_put(f, 0x500000, 0xaa, 1);
	fake_put(f, 0x501000, 0xbb, 1);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0xaa);
	assert_int_equal(soft_read(c, S_DS, 0x401000, 1), 0xbb);
	/* remap both; the TLB keeps the old translation until a flush */
	fake_put(f, 0x32000, 0x502000 | P | W | G, 8);
	fake_put(f, 0x32008, 0x503000 | P | W, 8);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0xaa);
	/* CR3 write: the global entry survives, the other goes */
	soft_mov_to_cr(c, 3, 0x30000);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0xaa);
	assert_int_equal(soft_read(c, S_DS, 0x401000, 1), 0);
	soft_invlpg(c, 0x400000);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0);
	/* not-present PDPTE */
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x40000000, 1)), V_PF);
	assert_int_equal(c->pend_err, 0);
	/* reserved bits in a PDPTE: #GP at CR3 load */
	fake_put(f, 0x30008, 0x33000 | P | 2, 8);
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 3, 0x30000)), V_GP);
	/* PDPT outside RAM */
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 3, FAKE_HOLE)), V_GP);
}

static void test_pae_pte_bits(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;
	unsigned avail;
	uint64_t gpa;

	fake_put(f, 0x30000, 0x31000 | P, 8);
	fake_put(f, 0x31000, 0x32000 | P | W | U, 8);
	fake_put(f, 0x32000, 0x500000 | P | W | U | NX, 8);	/* NX data */
	fake_put(f, 0x32008, 0x501000 | P | (1ull << 45), 8);	/* bit 45 */
	fake_put(f, 0x32010, 0x502000 | P | W, 8);		/* supervisor */
	fake_put(f, 0x32018, 0x503000 | P | W | U, 8);
	fake_flat32(f, 0);
	c->cr4 |= CR4_PAE;
	c->cr3 = 0x30000;
	c->cr0 |= CR0_PG | CR0_WP;
	assert_int_equal(FAULT(f, soft_mov_to_cr(c, 3, 0x30000)), -1);
	/* without NXE bit 63 is reserved */
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x0, 1)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_RSVD);
	c->efer |= EFER_NXE;
	soft_tlb_flush(c, 1);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x0, 1)), -1);
	assert_int_equal(FAULT(f, soft_code_ptr(c, 0x10, &avail, &gpa)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_I);
	assert_int_equal(c->cr2, 0x10);
	/* an address bit above 40 is reserved; the walk sets no D bit */
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x1000, 1)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_RSVD);
	/* user on a supervisor page, user write */
	fake_flat32(f, 3);
	assert_int_equal(FAULT(f, soft_write(c, S_DS, 0x2004, 4, 0)), V_PF);
	assert_int_equal(c->pend_err, PFEC_P | PFEC_W | PFEC_U);
	assert_int_equal(c->cr2, 0x2004);
	/* not present, user fetch with NXE: U and I */
	assert_int_equal(FAULT(f, soft_code_ptr(c, 0x5000, &avail, &gpa)),
			 V_PF);
	assert_int_equal(c->pend_err, PFEC_U | PFEC_I);
	/* a write across into a page that faults writes nothing */
	fake_put(f, 0x503ffe, 0, 2);
	assert_int_equal(FAULT(f, soft_write(c, S_DS, 0x3ffe, 4, 0xffffffff)),
			 V_PF);
	assert_int_equal(c->cr2, 0x4000);
	assert_int_equal(fake_get(f, 0x503ffe, 2), 0);
	/* the same across two good pages */
	fake_put(f, 0x32020, 0x504000 | P | W | U, 8);
	soft_write_buf(c, S_DS, 0x3ff8, "0123456789abcdef", 16);
	assert_memory_equal(f->ram + 0x503ff8, "01234567", 8);
	assert_memory_equal(f->ram + 0x504000, "89abcdef", 8);
}

static void test_tlb_privilege(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	map32(f, 0x400000, 0x200000, P | W);	/* supervisor only */
	paging32(f, 0);
	fake_put(f, 0x200000, 0x42, 1);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0x42);
	soft_write(c, S_DS, 0x400000, 1, 0x43);
	/* the supervisor's TLB entries must not serve ring 3 */
	fake_flat32(f, 3);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x400000, 1)), V_PF);
	assert_int_equal(FAULT(f, soft_write(c, S_DS, 0x400000, 1, 0)), V_PF);
	/* an implicit supervisor access from ring 3 still works */
	assert_int_equal(soft_read_lin(c, 0x400000, 1, 1), 0x43);
	/* PTEs changed without INVLPG keep the old translation (as on
	 * hardware); INVLPG drops it */
	fake_flat32(f, 0);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0x43);
	map32(f, 0x400000, 0x201000, P | W);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0x43);
	soft_invlpg(c, 0x400000);
	assert_int_equal(soft_read(c, S_DS, 0x400000, 1), 0);
}

static void test_outside_ram64(void **state)
{
	struct fake *f = *state;
	struct soft_cpu *c = f->cpu;

	long_mode(f, 0);
	/* PML4 entry pointing into the MMIO hole, past RAM, past 40 bits */
	fake_put(f, 0x20000 + 1 * 8, FAKE_HOLE | P | W, 8);
	fake_put(f, 0x20000 + 2 * 8, 0xff000000ull | P | W, 8);
	fake_put(f, 0x20000 + 3 * 8, 0xfffffffff000ull | P | W, 8);
	for (uint64_t i = 1; i <= 3; i++) {
		assert_int_equal(FAULT(f, soft_read(c, S_DS, i << 39, 8)),
				 V_PF);
		assert_true(c->pend_err & PFEC_RSVD);
	}
	/* CR3 itself in the hole */
	c->cr3 = FAKE_HOLE;
	soft_tlb_flush(c, 1);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0, 1)), V_PF);
	/* #AC: CR0.AM, EFLAGS.AC, ring 3, misaligned */
	c->cr3 = 0x20000;
	map64(f, 0x1000, 0x1000, P | W | U);
	long_mode(f, 3);
	c->cr0 |= CR0_AM;
	c->rflags |= F_AC;
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x1001, 4)), V_AC);
	assert_int_equal(FAULT(f, soft_read(c, S_DS, 0x1004, 4)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flat_rw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seg_checks, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pf32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae_global_invlpg, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_pae_pte_bits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tlb_privilege, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_outside_ram64, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
