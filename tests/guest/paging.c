/* SPDX-License-Identifier: MIT */
/*
 * Paging, one source for both kits.  `paging` (32-bit kit) runs the checks
 * under 32-bit paging (CR4.PSE: 4 KiB and 4 MiB pages) and under PAE (4 KiB
 * and 2 MiB pages); `paging64` (64-bit kit, paging64.c includes this file)
 * under 4-level paging (4 KiB, 2 MiB and, if CPUID has it, 1 GiB pages).
 *
 * In each mode: a mapping reads and writes its frame; the walk sets the
 * accessed bit in every entry it uses and the dirty bit in the leaf only on
 * a write; #PF error codes and CR2 for not-present (read 0, write 2),
 * supervisor write to a read-only page with CR0.WP (3; with WP clear the
 * write lands), ring 3 on a supervisor page (5), ring 3 write to a
 * read-only user page (7), ring 3 not-present (4), a reserved bit (RSVD,
 * 0x8: bit 21 of a 4 MiB PDE; an address bit at MAXPHYADDR; XD without
 * EFER.NXE), and an instruction fetch from an XD page with EFER.NXE (0x11);
 * a non-global entry refreshed by a CR3 load, every entry by toggling
 * CR4.PGE, one entry by INVLPG.  Whether a global entry survives a CR3
 * load is only reported: the SDM allows it, requires nothing (a TLB may drop
 * any entry), and QEMU's TCG flushes it.  In 64-bit mode also a
 * non-canonical address: #GP, not #PF.
 */
#include "guest.h"

#define PTE_P 0x001ull
#define PTE_W 0x002ull
#define PTE_U 0x004ull
#define PTE_A 0x020ull
#define PTE_D 0x040ull
#define PTE_PS 0x080ull
#define PTE_G 0x100ull
#define PTE_XD (1ull << 63)

#define PF_P 0x01
#define PF_W 0x02
#define PF_U 0x04
#define PF_RSVD 0x08
#define PF_ID 0x10

#define CR0_WP (1ul << 16)
#define CR0_PG (1ul << 31)
#define CR4_PSE (1ul << 4)
#define CR4_PAE (1ul << 5)
#define CR4_PGE (1ul << 7)
#define MSR_EFER 0xC0000080
#define EFER_NXE (1ull << 11)

enum mode { M32, MPAE, M4L };
static enum mode mode;
static const char *mode_name;

/* --- probes: 0 if the access worked, 1 if it faulted (see `seen`) --- */
unsigned long probe_read(unsigned long addr);
unsigned long probe_write(unsigned long addr);
unsigned long probe_exec(unsigned long addr);
extern char pr_insn[], pr_fix[], pw_insn[], pw_fix[], pe_fix[],
	ncan_insn[];
volatile unsigned long probe_val;
#define PROBE_WRITE_VAL 0x7777u

#ifdef __x86_64__
__asm__(".text\n"
	".globl probe_read, pr_insn, pr_fix\n"
	"probe_read:\n"
	"pr_insn:\tmovq (%rdi), %rax\n\t"
	"movq %rax, probe_val(%rip)\n\txorl %eax, %eax\n\tret\n"
	"pr_fix:\tmovl $1, %eax\n\tret\n"
	".globl probe_write, pw_insn, pw_fix\n"
	"probe_write:\n"
	"pw_insn:\tmovl $0x7777, (%rdi)\n\txorl %eax, %eax\n\tret\n"
	"pw_fix:\tmovl $1, %eax\n\tret\n"
	".globl probe_exec, pe_fix\n"
	"probe_exec:\n\tcallq *%rdi\n\txorl %eax, %eax\n\tret\n"
	"pe_fix:\taddq $8, %rsp\n\tmovl $1, %eax\n\tret\n");
#else
__asm__(".text\n"
	".globl probe_read, pr_insn, pr_fix\n"
	"probe_read:\n\tmovl 4(%esp), %ecx\n"
	"pr_insn:\tmovl (%ecx), %eax\n\t"
	"movl %eax, probe_val\n\txorl %eax, %eax\n\tret\n"
	"pr_fix:\tmovl $1, %eax\n\tret\n"
	".globl probe_write, pw_insn, pw_fix\n"
	"probe_write:\n\tmovl 4(%esp), %ecx\n"
	"pw_insn:\tmovl $0x7777, (%ecx)\n\txorl %eax, %eax\n\tret\n"
	"pw_fix:\tmovl $1, %eax\n\tret\n"
	".globl probe_exec, pe_fix\n"
	"probe_exec:\n\tmovl 4(%esp), %ecx\n\tcall *%ecx\n\t"
	"xorl %eax, %eax\n\tret\n"
	"pe_fix:\taddl $4, %esp\n\tmovl $1, %eax\n\tret\n");
#endif

struct pf_seen {
	unsigned count, vector;
	unsigned long error, cr2, ip;
};
static volatile struct pf_seen seen;
static volatile unsigned long exec_target;

static void pf_handler(struct irq_frame *f)
{
#ifdef __x86_64__
	unsigned long *ip = (unsigned long *)&f->rip;
#else
	uint32_t *ip = &f->eip;
#endif
	seen.count++;
	seen.vector = f->vector;
	seen.error = f->error;
	seen.cr2 = f->vector == 14 ? read_cr2() : 0;
	seen.ip = *ip;
	if (*ip == (uintptr_t)pr_insn)
		*ip = (uintptr_t)pr_fix;
	else if (*ip == (uintptr_t)pw_insn)
		*ip = (uintptr_t)pw_fix;
	else if (exec_target && *ip == exec_target)
		*ip = (uintptr_t)pe_fix;
	else {
		printf("EXCEPTION: vector %u error 0x%lx at 0x%lx cr2 0x%lx, "
		       "not a probe\n", (unsigned)f->vector,
		       (unsigned long)f->error, (unsigned long)*ip,
		       read_cr2());
		exit(EXIT_UNEXPECTED);
	}
}

static void clear_seen(void)
{
	memset((void *)&seen, 0, sizeof(seen));
}

static unsigned long probe_read_user(unsigned long a)
{
	return probe_read(a);
}

static unsigned long probe_write_user(unsigned long a)
{
	return probe_write(a);
}

/* --- page-table memory: a bump allocator of zeroed 4 KiB pages --- */
#define POOL_PAGES 48
static uint8_t pool[POOL_PAGES][4096] __attribute__((aligned(4096)));
static unsigned pool_used;

static void *page_alloc(void)
{
	void *p;

	if (pool_used == POOL_PAGES) {
		printf("FAIL: page-table pool exhausted\n");
		exit(1);
	}
	p = pool[pool_used++];
	memset(p, 0, 4096);
	return p;
}

/* Test frames: small ones in .bss, large ones at fixed physical addresses. */
static uint8_t frames[8][4096] __attribute__((aligned(4096)));
#define LARGE_FRAME 0x1800000ul /* 24 MiB: 4 MiB- and 2 MiB-aligned */

/* Entries are 4 bytes (32-bit paging) or 8 (PAE, 4-level). */
static uint64_t ent_get(void *e)
{
	return mode == M32 ? *(volatile uint32_t *)e : *(volatile uint64_t *)e;
}

static void ent_set(void *e, uint64_t v)
{
	if (mode == M32)
		*(volatile uint32_t *)e = (uint32_t)v;
	else
		*(volatile uint64_t *)e = v;
}

static void *root;	/* 32-bit PD, PAE PDPT or PML4 */
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U)

/* Index of `va` at `level` (0 = leaf table) and the entries per table. */
static unsigned idx(unsigned long va, unsigned level)
{
	if (mode == M32)
		return (va >> (12 + 10 * level)) & 0x3FF;
	if (mode == MPAE && level == 2)
		return (va >> 30) & 3;
	return (va >> (12 + 9 * level)) & 0x1FF;
}

static unsigned top_level(void)
{
	return mode == M32 ? 1 : mode == MPAE ? 2 : 3;
}

/*
 * The entry for `va` at `level`, making the tables above it (P|RW|U; PAE
 * PDPTEs: P only, their other bits are reserved).  path[] gets the
 * non-leaf entries used, top first.
 */
static void *walk(unsigned long va, unsigned level, void **path,
		  unsigned *npath)
{
	void *t = root;
	unsigned n = 0;

	for (unsigned l = top_level(); l > level; l--) {
		void *e = (uint8_t *)t + idx(va, l) * (mode == M32 ? 4 : 8);
		uint64_t v = ent_get(e);

		if (!(v & PTE_P)) {
			void *nt = page_alloc();

			v = (uintptr_t)nt |
			    (mode == MPAE && l == 2 ? PTE_P : TABLE_FLAGS);
			ent_set(e, v);
			/* Intel CPUs load the four PAE PDPTEs at MOV CR3 and
			 * do not read them again: a new one needs a reload
			 * (QEMU TCG and AMD walk them from memory). */
			if (mode == MPAE && l == 2 && (read_cr0() & CR0_PG))
				write_cr3(read_cr3());
		}
		if (path)
			path[n++] = e;
		t = (void *)(uintptr_t)(v & 0x000FFFFFFFFFF000ull);
	}
	if (npath)
		*npath = n;
	return (uint8_t *)t + idx(va, level) * (mode == M32 ? 4 : 8);
}

static void *map(unsigned long va, uint64_t pa, uint64_t flags,
		 unsigned level)
{
	void *e = walk(va, level, NULL, NULL);

	ent_set(e, pa | flags | (level ? PTE_PS : 0));
	invlpg(va);
	return e;
}

/* The test area, away from the identity map. */
#ifdef __x86_64__
#define TEST_VA 0x8000000000ul /* PML4[1] */
#else
#define TEST_VA 0x40000000ul
#endif
#define VA(n) (TEST_VA + (n) * 0x1000ul)
#define LARGE_VA (TEST_VA + 0x20000000ul)
#define LARGE_SIZE (mode == M32 ? 0x400000ul : 0x200000ul)

static unsigned maxphyaddr(void)
{
	uint32_t r[4];

	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000008)
		return 36;
	cpuid(0x80000008, 0, r);
	return r[0] & 0xFF;
}

static bool has_nx(void)
{
	uint32_t r[4];

	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000001)
		return false;
	cpuid(0x80000001, 0, r);
	return r[3] & (1u << 20);
}

#ifdef __x86_64__
static bool has_1g(void)
{
	uint32_t r[4];

	cpuid(0x80000000, 0, r);
	if (r[0] < 0x80000001)
		return false;
	cpuid(0x80000001, 0, r);
	return r[3] & (1u << 26);
}
#endif

static void fill(void *frame, uint32_t v)
{
	uint32_t *p = frame;

	for (unsigned i = 0; i < 1024; i++)
		p[i] = v + i;
}

static void test_basic(void)
{
	void *path[4], *leaf;
	unsigned n;
	bool a_ok = true;
	unsigned long r;

	fill(frames[0], 0xA0000000);
	leaf = map(VA(0), (uintptr_t)frames[0], PTE_P | PTE_W, 0);
	walk(VA(0), 0, path, &n);
	for (unsigned i = 0; i < n; i++)
		if (!(mode == MPAE && i == 0))	/* PDPTEs have no A bit */
			ent_set(path[i], ent_get(path[i]) & ~PTE_A);
	clear_seen();
	r = probe_read(VA(0) + 8);
	report(r == 0 && (uint32_t)probe_val == 0xA0000002,
	       "%s: 4 KiB page reads its frame (0x%x)", mode_name,
	       (uint32_t)probe_val);
	for (unsigned i = 0; i < n; i++)
		if (!(mode == MPAE && i == 0) && !(ent_get(path[i]) & PTE_A))
			a_ok = false;
	report((ent_get(leaf) & PTE_A) && !(ent_get(leaf) & PTE_D) && a_ok,
	       "%s: a read sets A in all %u levels, not D (leaf 0x%llx)",
	       mode_name, n + 1, (unsigned long long)ent_get(leaf));
	r = probe_write(VA(0) + 16);
	report(r == 0 && ((uint32_t *)frames[0])[4] == PROBE_WRITE_VAL &&
		       (ent_get(leaf) & PTE_D),
	       "%s: a write lands in the frame and sets D", mode_name);
	a_ok = true;
	for (unsigned i = 0; i < n; i++)
		if (ent_get(path[i]) & PTE_D)
			a_ok = false;
	report(a_ok, "%s: D stays clear in the non-leaf entries", mode_name);

	/* A large page: 4 MiB under 32-bit paging, 2 MiB otherwise. */
	fill((void *)(LARGE_FRAME + 0x123000), 0xB0000000);
	leaf = map(LARGE_VA, LARGE_FRAME, PTE_P | PTE_W, 1);
	r = probe_read(LARGE_VA + 0x123010);
	report(r == 0 && (uint32_t)probe_val == 0xB0000004,
	       "%s: %lu KiB page reads its frame at +0x123010", mode_name,
	       LARGE_SIZE >> 10);
	report((ent_get(leaf) & PTE_A) && !(ent_get(leaf) & PTE_D),
	       "%s: large page: A set, D clear", mode_name);
	probe_write(LARGE_VA + 0x123000);
	report((ent_get(leaf) & PTE_D) &&
		       *(volatile uint32_t *)(LARGE_FRAME + 0x123000) ==
			       PROBE_WRITE_VAL,
	       "%s: large page: a write sets D", mode_name);
#ifdef __x86_64__
	if (has_1g()) {
		leaf = map(TEST_VA + 0x40000000ul * 4, 0, PTE_P | PTE_W, 2);
		r = probe_read(TEST_VA + 0x40000000ul * 4 + LARGE_FRAME +
			       0x123010);
		report(r == 0 && (uint32_t)probe_val == 0xB0000004 &&
			       (ent_get(leaf) & PTE_A),
		       "4-level: 1 GiB page reads its frame");
	} else {
		report_skip("4-level: no 1 GiB pages (CPUID pdpe1gb)");
	}
#endif
}

/*
 * A reserved-bit #PF: the SDM's error code is P|RSVD (0x9; RSVD is only
 * ever set with P), QEMU 7.2's TCG gives 0x8.  Asserted: a #PF at the
 * address with RSVD and without W/U/I-D; P is only reported.
 */
static bool rsvd_ok(unsigned long r)
{
	if (r == 1 && !(seen.error & PF_P))
		report_info("%s: reserved-bit #PF without P (error 0x%lx; "
			    "SDM: 0x9)", mode_name, seen.error);
	return r == 1 && seen.vector == 14 && (seen.error & PF_RSVD) &&
	       !(seen.error & (PF_W | PF_U | PF_ID));
}

static void test_faults(void)
{
	unsigned long r;
	void *leaf;

	/* Not present: nothing mapped at VA(1) in the leaf table. */
	walk(VA(1), 0, NULL, NULL);
	clear_seen();
	r = probe_read(VA(1) + 4);
	report(r == 1 && seen.vector == 14 && seen.error == 0 &&
		       seen.cr2 == VA(1) + 4,
	       "%s: read of a not-present page: #PF error 0x%lx, CR2 0x%lx",
	       mode_name, seen.error, seen.cr2);
	clear_seen();
	r = probe_write(VA(1) + 8);
	report(r == 1 && seen.error == PF_W && seen.cr2 == VA(1) + 8,
	       "%s: write: #PF error 0x%lx", mode_name, seen.error);

	/* Read-only, supervisor. */
	fill(frames[1], 0xC0000000);
	map(VA(2), (uintptr_t)frames[1], PTE_P, 0);
	write_cr0(read_cr0() | CR0_WP);
	clear_seen();
	r = probe_write(VA(2));
	report(r == 1 && seen.error == (PF_P | PF_W) && seen.cr2 == VA(2),
	       "%s: CR0.WP=1: supervisor write to a read-only page: #PF "
	       "error 0x%lx", mode_name, seen.error);
	write_cr0(read_cr0() & ~CR0_WP);
	clear_seen();
	r = probe_write(VA(2));
	report(r == 0 && ((uint32_t *)frames[1])[0] == PROBE_WRITE_VAL,
	       "%s: CR0.WP=0: the same write lands", mode_name);
	write_cr0(read_cr0() | CR0_WP);

	/* Ring 3. */
	fill(frames[2], 0xD0000000);
	map(VA(3), (uintptr_t)frames[2], PTE_P | PTE_W, 0); /* supervisor */
	map(VA(4), (uintptr_t)frames[2], PTE_P | PTE_U, 0); /* user, RO */
	map(VA(5), (uintptr_t)frames[2], PTE_P | PTE_W | PTE_U, 0);
	clear_seen();
	r = run_user(probe_read_user, VA(3));
	report(r == 1 && seen.error == (PF_P | PF_U) && seen.cr2 == VA(3),
	       "%s: ring 3 read of a supervisor page: #PF error 0x%lx",
	       mode_name, seen.error);
	clear_seen();
	r = run_user(probe_write_user, VA(4) + 12);
	report(r == 1 && seen.error == (PF_P | PF_W | PF_U) &&
		       seen.cr2 == VA(4) + 12,
	       "%s: ring 3 write to a read-only user page: #PF error 0x%lx",
	       mode_name, seen.error);
	clear_seen();
	r = run_user(probe_read_user, VA(4) + 12);
	report(r == 0 && (uint32_t)probe_val == 0xD0000003,
	       "%s: ring 3 read of it works", mode_name);
	clear_seen();
	r = run_user(probe_write_user, VA(5));
	report(r == 0 && ((uint32_t *)frames[2])[0] == PROBE_WRITE_VAL,
	       "%s: ring 3 write to a writable user page works", mode_name);
	clear_seen();
	r = run_user(probe_read_user, VA(1));
	report(r == 1 && seen.error == PF_U,
	       "%s: ring 3 read of a not-present page: #PF error 0x%lx",
	       mode_name, seen.error);

	/* Reserved bits. */
	if (mode == M32) {
		/* Bit 21 of a 4 MiB PDE is reserved whatever MAXPHYADDR. */
		map(LARGE_VA + 0x400000, LARGE_FRAME | (1ul << 21),
		    PTE_P | PTE_W, 1);
		clear_seen();
		r = probe_read(LARGE_VA + 0x400000);
		report(rsvd_ok(r),
		       "%s: 4 MiB PDE with bit 21 set: #PF with RSVD (error "
		       "0x%lx)", mode_name, seen.error);
	} else {
		unsigned m = maxphyaddr();

		if (m < 52) {
			map(VA(6), (uintptr_t)frames[3] | (1ull << m),
			    PTE_P | PTE_W, 0);
			clear_seen();
			r = probe_read(VA(6));
			report(rsvd_ok(r),
			       "%s: address bit %u (MAXPHYADDR) set in a PTE: "
			       "#PF with RSVD (error 0x%lx)", mode_name, m,
			       seen.error);
		}
		leaf = map(VA(7), (uintptr_t)frames[3], PTE_P | PTE_W | PTE_XD,
			   0);
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_NXE);
		clear_seen();
		r = probe_read(VA(7));
		report(rsvd_ok(r),
		       "%s: XD set with EFER.NXE clear: #PF with RSVD (error "
		       "0x%lx)", mode_name, seen.error);
		(void)leaf;
	}

	/* Execute-disable. */
	if (mode != M32 && has_nx()) {
		uint8_t *code = frames[4];

		code[0] = 0xC3; /* ret */
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
		map(VA(8), (uintptr_t)frames[4], PTE_P | PTE_W, 0);
		map(VA(9), (uintptr_t)frames[4], PTE_P | PTE_W | PTE_XD, 0);
		clear_seen();
		r = probe_exec(VA(8));
		report(r == 0 && seen.count == 0,
		       "%s: NXE: code in a page without XD runs", mode_name);
		clear_seen();
		exec_target = VA(9);
		r = probe_exec(VA(9));
		exec_target = 0;
		report(r == 1 && seen.error == (PF_P | PF_ID) &&
			       seen.cr2 == VA(9),
		       "%s: NXE: fetch from an XD page: #PF error 0x%lx, CR2 "
		       "0x%lx", mode_name, seen.error, seen.cr2);
		clear_seen();
		r = probe_read(VA(9));
		report(r == 0, "%s: NXE: reading the XD page works",
		       mode_name);
		clear_seen();
		exec_target = VA(10);
		r = probe_exec(VA(10));
		exec_target = 0;
		report(r == 1 && seen.error == PF_ID,
		       "%s: NXE: fetch from a not-present page: #PF error "
		       "0x%lx (I/D)", mode_name, seen.error);
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_NXE);
	} else if (mode != M32) {
		report_skip("%s: no NX (CPUID 0x80000001 EDX.20)", mode_name);
	}
}

static void test_tlb(void)
{
	uint32_t r[4];
	void *lg, *ln;

	fill(frames[5], 0x50000000);
	fill(frames[6], 0x60000000);
	cpuid(1, 0, r);
	if (r[3] & (1u << 13)) {
		write_cr4(read_cr4() | CR4_PGE);
		lg = map(VA(11), (uintptr_t)frames[5], PTE_P | PTE_W | PTE_G,
			 0);
		ln = map(VA(12), (uintptr_t)frames[5], PTE_P | PTE_W, 0);
		probe_read(VA(11));
		probe_read(VA(12));
		/* Repoint both without INVLPG, then reload CR3. */
		ent_set(lg, (uintptr_t)frames[6] | PTE_P | PTE_W | PTE_G);
		ent_set(ln, (uintptr_t)frames[6] | PTE_P | PTE_W);
		write_cr3(read_cr3());
		probe_read(VA(12));
		report((uint32_t)probe_val == 0x60000000,
		       "%s: a CR3 load drops the non-global entry", mode_name);
		probe_read(VA(11));
		report_info("%s: global entry after a CR3 load reads the %s "
			    "frame (the SDM allows either)", mode_name,
			    (uint32_t)probe_val == 0x50000000 ? "old" : "new");
		write_cr4(read_cr4() & ~CR4_PGE);
		write_cr4(read_cr4() | CR4_PGE);
		probe_read(VA(11));
		report((uint32_t)probe_val == 0x60000000,
		       "%s: toggling CR4.PGE drops the global entry too",
		       mode_name);
		write_cr4(read_cr4() & ~CR4_PGE);
	} else {
		report_skip("%s: no PGE", mode_name);
	}

	ln = map(VA(13), (uintptr_t)frames[5], PTE_P | PTE_W, 0);
	probe_read(VA(13));
	ent_set(ln, (uintptr_t)frames[6] | PTE_P | PTE_W);
	probe_read(VA(13));
	report_info("%s: a changed entry before INVLPG reads the %s frame",
		    mode_name,
		    (uint32_t)probe_val == 0x50000000 ? "old" : "new");
	invlpg(VA(13));
	probe_read(VA(13));
	report((uint32_t)probe_val == 0x60000000,
	       "%s: INVLPG makes the new entry visible", mode_name);
}

static void run_mode(void)
{
	clear_seen();
	test_basic();
	test_faults();
	test_tlb();
}

#ifdef __x86_64__
extern uint64_t pml4[];

static void test_noncanonical(void)
{
	unsigned long r;

	clear_seen();
	r = probe_read(0x0000800000000000ul);
	report(r == 1 && seen.vector == 13 && seen.error == 0,
	       "4-level: non-canonical read: #GP(0), not #PF (vector %u)",
	       seen.vector);
}

int main(void)
{
	irq_register(14, pf_handler);
	irq_register(13, pf_handler);
	mode = M4L;
	mode_name = "4-level";
	root = pml4;
	run_mode();
	test_noncanonical();
	pml4[1] = 0;
	write_cr3(read_cr3());
	return report_summary();
}
#else
/* Identity map of 0-32 MiB (the kit, the pool, LARGE_FRAME), ring 3 too. */
static void identity(void)
{
	for (unsigned long a = 0; a < 0x2000000ul; a += LARGE_SIZE)
		map(a, a, PTE_P | PTE_W | PTE_U, 1);
}

static void paging_on(unsigned long cr4)
{
	write_cr4(cr4);
	write_cr3((uintptr_t)root);
	write_cr0(read_cr0() | CR0_PG | CR0_WP);
}

static void paging_off(void)
{
	write_cr0(read_cr0() & ~(CR0_PG | CR0_WP));
	write_cr4(0);
}

int main(void)
{
	irq_register(14, pf_handler);

	mode = M32;
	mode_name = "32-bit";
	pool_used = 0;
	root = page_alloc();
	identity();
	paging_on(CR4_PSE);
	run_mode();
	paging_off();

	mode = MPAE;
	mode_name = "PAE";
	pool_used = 0;
	root = page_alloc();	/* the PDPT: 32-byte aligned, 4 entries */
	identity();
	paging_on(CR4_PAE);
	run_mode();
	paging_off();
	return report_summary();
}
#endif
