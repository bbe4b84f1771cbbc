/* SPDX-License-Identifier: MIT */
/*
 * Page walks for the soft CPU: 32-bit paging (4 KiB and PSE 4 MiB pages),
 * PAE (PDPTEs cached at load time, as hardware does) and 4-level long-mode
 * paging (4 KiB, 2 MiB and 1 GiB pages). NX counts only with EFER.NXE;
 * CR0.WP governs supervisor writes; G only with CR4.PGE. SMEP, SMAP and
 * PKU are not advertised and not implemented.
 *
 * Accessed and dirty bits are set with a compare-and-swap on the host
 * copy of each entry, so another vCPU's concurrent update is never lost;
 * when the entry changed under us the walk starts over.
 *
 * Guest page tables that are not RAM (MMIO, holes, past the end of RAM or
 * above the physical width) are never dereferenced: the walk gives a #PF
 * with P and RSVD set, as an all-ones entry read from a hole would.
 */
#include "hv/soft/sys.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_PS 0x80ull
#define PTE_G 0x100ull
#define PTE_NX (1ull << 63)
/* Address bits of a 64-bit entry, and the part above our width. */
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_HIGH (0x000fffffffffffffull & ~SYS_PHYS_MASK)

/* One entry the walk used: where it lives and what it held. */
struct pg_ent {
	void *host; /* NULL: read-only RAM, A/D not written */
	uint64_t val;
	int is64;
};

/* The host address of the entry at `gpa`: 0, or -1 when not RAM. */
static int pg_entry(struct soft_cpu *cpu, uint64_t gpa, int is64,
		    struct pg_ent *e)
{
	uint8_t *p = sys_gpa_ptr(cpu, gpa, 1);
	const uint8_t *r = p;

	if (!r)
		r = sys_gpa_ptr(cpu, gpa, 0);
	if (!r)
		return -1;
	e->host = p;
	e->is64 = is64;
	if (is64)
		e->val = __atomic_load_n((const uint64_t *)r, __ATOMIC_ACQUIRE);
	else
		e->val = __atomic_load_n((const uint32_t *)r, __ATOMIC_ACQUIRE);
	return 0;
}

/* Sets `bits` in an entry unless it changed since read: 0 or -1. */
static int pg_set_bits(struct pg_ent *e, uint64_t bits)
{
	if ((e->val & bits) == bits || !e->host)
		return 0;
	if (e->is64) {
		uint64_t exp = e->val;

		return __atomic_compare_exchange_n((uint64_t *)e->host, &exp,
						   exp | bits, 0,
						   __ATOMIC_ACQ_REL,
						   __ATOMIC_ACQUIRE)
			       ? 0
			       : -1;
	}
	uint32_t exp32 = (uint32_t)e->val;

	return __atomic_compare_exchange_n((uint32_t *)e->host, &exp32,
					   exp32 | (uint32_t)bits, 0,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)
		       ? 0
		       : -1;
}

/*
 * One walk: 0 with *gpa and *flags set, SYS_PF_FAULT | #PF error code, or
 * -1 when an A/D update raced with another writer (walk again).
 */
static int pg_walk(struct soft_cpu *cpu, uint64_t lin, enum soft_access acc,
		   int user, uint64_t *gpa, unsigned *flags)
{
	int wr = acc == A_WRITE, ex = acc == A_EXEC;
	int nxe = !!(cpu->efer & EFER_NXE);
	int lm = !!(cpu->efer & EFER_LMA);
	unsigned pfec = (wr ? PFEC_W : 0) | (user ? PFEC_U : 0) |
			(ex && nxe ? PFEC_I : 0);
	uint64_t rsvd64 = PTE_HIGH | (nxe ? 0 : PTE_NX);
	struct pg_ent ent[4];
	int n = 0, is64, shift;
	uint64_t table, size;
	unsigned ok_w = 1, ok_u = 1, nx = 0;

	if (!(cpu->cr4 & CR4_PAE)) {
		table = cpu->cr3 & 0xfffff000u;
		shift = 22;
		is64 = 0;
	} else if (lm) {
		table = cpu->cr3 & PTE_ADDR & SYS_PHYS_MASK;
		shift = 39;
		is64 = 1;
	} else {
		uint64_t pdpte = cpu->pdpte[(lin >> 30) & 3];

		if (!(pdpte & PTE_P))
			return (int)(pfec | SYS_PF_FAULT);
		table = pdpte & PTE_ADDR & SYS_PHYS_MASK;
		shift = 21;
		is64 = 1;
	}
	for (;;) {
		unsigned idx = (unsigned)(lin >> shift) & (is64 ? 0x1ff : 0x3ff);
		struct pg_ent *e = &ent[n++];
		uint64_t v;
		int leaf;

		if (pg_entry(cpu, table + idx * (is64 ? 8u : 4u), is64, e))
			return (int)(pfec | PFEC_P | PFEC_RSVD | SYS_PF_FAULT);
		v = e->val;
		if (!(v & PTE_P))
			return (int)(pfec | SYS_PF_FAULT);
		leaf = shift == 12;
		if (is64) {
			uint64_t r = rsvd64;

			if (shift == 39)
				r |= PTE_PS;
			else if (!leaf && (v & PTE_PS))
				/* Large page: the address bits below
				 * its size, above bit 12, are reserved. */
				r |= ((1ull << shift) - 1) & ~0x1fffull;
			if (v & r)
				return (int)(pfec | PFEC_P | PFEC_RSVD | SYS_PF_FAULT);
			leaf |= (shift == 30 || shift == 21) && (v & PTE_PS);
			if (nxe && (v & PTE_NX))
				nx = 1;
		} else if (shift == 22 && (v & PTE_PS) &&
			   (cpu->cr4 & CR4_PSE)) {
			/* 4 MiB page: bits 20:13 hold address bits 39:32
			 * (PSE-36 layout), bit 21 is reserved. */
			if (v & (1u << 21))
				return (int)(pfec | PFEC_P | PFEC_RSVD | SYS_PF_FAULT);
			leaf = 1;
		}
		ok_w &= (unsigned)(v >> 1) & 1;
		ok_u &= (unsigned)(v >> 2) & 1;
		if (leaf)
			break;
		table = is64 ? v & PTE_ADDR & SYS_PHYS_MASK : v & 0xfffff000u;
		shift -= is64 ? 9 : 10;
	}

	/* Permissions, accumulated over every level. */
	if (user && !ok_u)
		return (int)(pfec | PFEC_P | SYS_PF_FAULT);
	if (wr && !ok_w && (user || (cpu->cr0 & CR0_WP)))
		return (int)(pfec | PFEC_P | SYS_PF_FAULT);
	if (ex && nx)
		return (int)(pfec | PFEC_P | SYS_PF_FAULT);

	for (int i = 0; i < n; i++) {
		uint64_t bits = PTE_A;

		if (i == n - 1 && wr)
			bits |= PTE_D;
		if (pg_set_bits(&ent[i], bits))
			return -1;
	}

	uint64_t v = ent[n - 1].val;
	size = 1ull << shift;
	uint64_t base;
	if (is64)
		base = v & PTE_ADDR & ~(size - 1);
	else if (shift == 22)
		base = (v & 0xffc00000u) | (((v >> 13) & 0xff) << 32);
	else
		base = v & 0xfffff000u;
	*gpa = base | (lin & (size - 1));
	*flags = (ok_u ? SOFT_TLB_U : 0) | (nx ? 0 : SOFT_TLB_X) |
		 (ok_w ? SOFT_TLB_W : 0) |
		 (((v & PTE_G) && (cpu->cr4 & CR4_PGE)) ? SOFT_TLB_G : 0);
	return 0;
}

int sys_translate_try(struct soft_cpu *cpu, uint64_t lin, enum soft_access acc,
		      int user, uint64_t *gpa, unsigned *flags)
{
	int r = -1;

	if (!(cpu->cr0 & CR0_PG)) {
		*gpa = lin & 0xffffffffu;
		*flags = SOFT_TLB_W | SOFT_TLB_U | SOFT_TLB_X;
		return 0;
	}
	/* A lost A/D race means another vCPU changed the entry: walk again
	 * (bounded: a guest flipping entries cannot spin us forever). */
	for (int tries = 0; tries < 16 && r < 0; tries++)
		r = pg_walk(cpu, lin, acc, user, gpa, flags);
	if (r < 0)
		r = (int)(PFEC_P | PFEC_RSVD | SYS_PF_FAULT);
	return r;
}

uint64_t sys_translate(struct soft_cpu *cpu, uint64_t lin,
		       enum soft_access acc, int user, unsigned *flags)
{
	uint64_t gpa;
	int pfec = sys_translate_try(cpu, lin, acc, user, &gpa, flags);

	if (pfec) {
		cpu->cr2 = lin;
		soft_raise(cpu, V_PF, pfec & ~SYS_PF_FAULT);
	}
	return gpa;
}

int sys_load_pdptes(struct soft_cpu *cpu)
{
	/* PAE PDPTE: bits 2:1, 8:5 and above the physical width reserved. */
	const uint64_t rsvd = 0x1e6ull | ~SYS_PHYS_MASK;
	uint64_t base = cpu->cr3 & 0xffffffe0u;
	uint64_t v[4];

	for (int i = 0; i < 4; i++) {
		const uint8_t *p = sys_gpa_ptr(cpu, base + 8 * (unsigned)i, 0);

		if (!p)
			return -1;
		v[i] = __atomic_load_n((const uint64_t *)p, __ATOMIC_ACQUIRE);
		if ((v[i] & PTE_P) && (v[i] & rsvd))
			return -1;
	}
	for (int i = 0; i < 4; i++)
		cpu->pdpte[i] = v[i];
	return 0;
}
