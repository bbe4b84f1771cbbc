/* SPDX-License-Identifier: MIT */
/*
 * The soft CPU's memory front end: segmentation checks, the software TLB
 * and the routing of each access to guest RAM (host pointers from
 * ops->ram_page) or to MMIO (ops->mmio_read/mmio_write, every time: MMIO
 * is never cached). Paging walks live in paging.c.
 *
 * TLB: three direct-mapped arrays (read, write, execute) indexed by the
 * linear page. An entry holds what the page tables allow, for either
 * privilege: SOFT_TLB_U says ring 3 may use it too (all levels U/S = 1),
 * so a CPL change (every system call and interrupt) flushes nothing and a
 * user access only checks that bit. A write entry exists only where the
 * tables allow writes (R/W = 1 at every level), so it serves both rings
 * whatever CR0.WP says; a supervisor write to a read-only page with WP
 * clear works but always takes the slow path. It is filled only by a
 * write, after the walk set the D bit, so a write hit never needs to
 * touch the page tables. (SMEP/SMAP are not offered: the supervisor may
 * use every entry.) cpu->tlb_cpl is unused.
 *
 * Not done: #AC for misaligned x87/SSE buffers (only 2/4/8-byte accesses
 * are checked).
 */
#include <string.h>

#include "hv/soft/sys.h"

static inline unsigned mem_idx(uint64_t lin)
{
	return (unsigned)(lin >> 12) & (SOFT_TLB_SIZE - 1);
}

static inline uint64_t mem_tag(uint64_t lin)
{
	return (lin & SYS_PAGE_MASK) | 1;
}

uint8_t *sys_gpa_ptr(struct soft_cpu *cpu, uint64_t gpa, int write)
{
	uint8_t *p;

	/* Beyond the advertised physical width nothing is RAM. */
	if (gpa > SYS_PHYS_MASK)
		return NULL;
	p = cpu->ops->ram_page(cpu->ctx, gpa & SYS_PAGE_MASK, write);
	return p ? p + (gpa & 0xfff) : NULL;
}

void soft_tlb_flush_page(struct soft_cpu *cpu, uint64_t lin)
{
	unsigned i = mem_idx(lin);
	uint64_t tag = mem_tag(lin);

	if (cpu->tlb_r[i].tag == tag)
		cpu->tlb_r[i].tag = ~(uint64_t)0;
	if (cpu->tlb_w[i].tag == tag)
		cpu->tlb_w[i].tag = ~(uint64_t)0;
	if (cpu->tlb_x[i].tag == tag)
		cpu->tlb_x[i].tag = ~(uint64_t)0;
}

static void mem_flush_array(struct soft_tlb_entry *t, int global_too)
{
	for (unsigned i = 0; i < SOFT_TLB_SIZE; i++)
		if (global_too || !(t[i].flags & SOFT_TLB_G))
			t[i].tag = ~(uint64_t)0;
}

void soft_tlb_flush(struct soft_cpu *cpu, int global_too)
{
	mem_flush_array(cpu->tlb_r, global_too);
	mem_flush_array(cpu->tlb_w, global_too);
	mem_flush_array(cpu->tlb_x, global_too);
}

/* ---- segmentation ---- */

static __attribute__((noreturn)) void mem_seg_fault(struct soft_cpu *cpu,
						    int seg)
{
	soft_raise(cpu, seg == S_SS ? V_SS : V_GP, 0);
}

/* soft_lin's body, inlined into the accessors of this file. */
static inline __attribute__((always_inline)) uint64_t
mem_lin(struct soft_cpu *cpu, int seg, uint64_t off, unsigned size,
	enum soft_access acc)
{
	const struct soft_seg *s = &cpu->seg[seg];
	uint64_t last = off + size - 1;

	if (cpu->cpl == 3 && size > 1 && size <= 8 && (off & (size - 1)) &&
	    (cpu->cr0 & CR0_AM) && (cpu->rflags & F_AC))
		soft_raise(cpu, V_AC, 0);
	if (cpu->mode == M_LONG64) {
		uint64_t lin = off + (seg >= S_FS ? s->base : 0);

		if (!sys_canonical(lin) || !sys_canonical(lin + size - 1))
			mem_seg_fault(cpu, seg);
		return lin;
	}
	if (cpu->mode == M_REAL || cpu->mode == M_VM86) {
		/* Only the cached limit counts here ("big real mode"). */
		if (last > s->limit)
			mem_seg_fault(cpu, seg);
		return (s->base + off) & 0xffffffffu;
	}
	if (!(s->attr & SEG_A_P))
		mem_seg_fault(cpu, seg);
	if (s->attr & 0x8) {
		/* Code: never writable, readable only with the R bit. */
		if (acc == A_WRITE || (acc == A_READ && !(s->attr & 0x2)))
			mem_seg_fault(cpu, seg);
	} else if (acc == A_WRITE && !(s->attr & 0x2)) {
		mem_seg_fault(cpu, seg);
	}
	if ((s->attr & 0xc) == 0x4) {
		/* Expand-down data: valid offsets are limit+1 .. top. */
		uint64_t top = (s->attr & SEG_A_DB) ? 0xffffffffu : 0xffffu;

		if (off <= s->limit || last > top || last < off)
			mem_seg_fault(cpu, seg);
	} else if (last > s->limit || last < off) {
		mem_seg_fault(cpu, seg);
	}
	return (s->base + off) & 0xffffffffu;
}

uint64_t soft_lin(struct soft_cpu *cpu, int seg, uint64_t off, unsigned size,
		  enum soft_access acc)
{
	return mem_lin(cpu, seg, off, size, acc);
}

/* ---- slow paths ---- */

struct mem_page {
	uint64_t gpa;
	uint8_t *host; /* NULL: MMIO */
};

/*
 * Translates one page for an access and fills the TLB when the page is
 * RAM (and, for a write entry, writable by its tables).
 */
static void mem_page_get(struct soft_cpu *cpu, uint64_t lin,
			 enum soft_access acc, int sys, struct mem_page *pg)
{
	int user = sys_user(cpu, sys);
	unsigned flags;
	uint64_t gpa = sys_translate(cpu, lin, acc, user, &flags);
	uint8_t *host = sys_gpa_ptr(cpu, gpa & SYS_PAGE_MASK, acc == A_WRITE);

	pg->gpa = gpa;
	pg->host = host ? host + (gpa & 0xfff) : NULL;
	/* Never MMIO. */
	if (!host)
		return;
	struct soft_tlb_entry *t = acc == A_WRITE ? cpu->tlb_w
				   : acc == A_EXEC ? cpu->tlb_x
						   : cpu->tlb_r;
	struct soft_tlb_entry *e = &t[mem_idx(lin)];

	if (acc == A_WRITE) {
		if (!(flags & SOFT_TLB_W))
			return;
		flags |= SOFT_TLB_DIRTY;
		if (sys_code_page(cpu->vm, gpa))
			flags |= SOFT_TLB_CODE;
	}
	e->tag = mem_tag(lin);
	e->host = host;
	e->gpa = gpa & SYS_PAGE_MASK;
	e->flags = flags;
}

static void mem_mmio_read(struct soft_cpu *cpu, uint64_t gpa, uint8_t *buf,
			  unsigned len)
{
	while (len) {
		unsigned n = len >= 8 ? 8 : len >= 4 ? 4 : len >= 2 ? 2 : 1;
		uint64_t v = cpu->ops->mmio_read(cpu->ctx, gpa, n);

		memcpy(buf, &v, n);
		buf += n;
		gpa += n;
		len -= n;
	}
}

static void mem_mmio_write(struct soft_cpu *cpu, uint64_t gpa,
			   const uint8_t *buf, unsigned len)
{
	while (len) {
		unsigned n = len >= 8 ? 8 : len >= 4 ? 4 : len >= 2 ? 2 : 1;
		uint64_t v = 0;

		memcpy(&v, buf, n);
		cpu->ops->mmio_write(cpu->ctx, gpa, n, v);
		buf += n;
		gpa += n;
		len -= n;
	}
}

static void mem_read_slow(struct soft_cpu *cpu, uint64_t lin, void *buf,
			  unsigned len, int sys, enum soft_access acc)
{
	struct mem_page pg[2];
	unsigned first = SYS_PAGE - (unsigned)(lin & 0xfff);
	unsigned n = len < first ? len : first;

	mem_page_get(cpu, lin, acc, sys, &pg[0]);
	if (n < len) {
		uint64_t lin2 = lin + n;

		if (cpu->mode != M_LONG64)
			lin2 &= 0xffffffffu;
		mem_page_get(cpu, lin2, acc, sys, &pg[1]);
	}
	for (int i = 0; i < 2 && len; i++) {
		if (pg[i].host)
			memcpy(buf, pg[i].host, n);
		else
			mem_mmio_read(cpu, pg[i].gpa, buf, n);
		buf = (uint8_t *)buf + n;
		len -= n;
		n = len;
	}
}

static void mem_code_written(struct soft_cpu *cpu, uint64_t gpa, unsigned n)
{
	if (sys_code_page(cpu->vm, gpa))
		soft_code_written(cpu->vm, gpa, n);
}

static void mem_write_slow(struct soft_cpu *cpu, uint64_t lin, const void *buf,
			   unsigned len, int sys)
{
	struct mem_page pg[2];
	unsigned first = SYS_PAGE - (unsigned)(lin & 0xfff);
	unsigned n = len < first ? len : first;

	/* Both pages are checked before a byte is written. */
	mem_page_get(cpu, lin, A_WRITE, sys, &pg[0]);
	if (n < len) {
		uint64_t lin2 = lin + n;

		if (cpu->mode != M_LONG64)
			lin2 &= 0xffffffffu;
		mem_page_get(cpu, lin2, A_WRITE, sys, &pg[1]);
	}
	for (int i = 0; i < 2 && len; i++) {
		if (pg[i].host) {
			memcpy(pg[i].host, buf, n);
			mem_code_written(cpu, pg[i].gpa, n);
		} else {
			mem_mmio_write(cpu, pg[i].gpa, buf, n);
		}
		buf = (const uint8_t *)buf + n;
		len -= n;
		n = len;
	}
}

/* ---- linear accesses (fast paths through the TLB) ---- */

/* May this access use entry `e`: supervisor, or a user page. */
static inline int mem_tlb_ok(const struct soft_cpu *cpu,
			     const struct soft_tlb_entry *e, int sys)
{
	return sys || cpu->cpl < 3 || (e->flags & SOFT_TLB_U);
}

static inline __attribute__((always_inline)) uint64_t
mem_read_lin(struct soft_cpu *cpu, uint64_t lin, unsigned size, int sys)
{
	const struct soft_tlb_entry *e = &cpu->tlb_r[mem_idx(lin)];
	uint64_t v = 0;

	if (__builtin_expect(size > 8, 0)) /* wider: soft_read_buf */
		size = 8;
	if (e->tag == mem_tag(lin) && (lin & 0xfff) + size <= SYS_PAGE &&
	    mem_tlb_ok(cpu, e, sys)) {
		memcpy(&v, e->host + (lin & 0xfff), size);
		return v;
	}
	mem_read_slow(cpu, lin, &v, size, sys, A_READ);
	return v;
}

static inline __attribute__((always_inline)) void
mem_write_lin(struct soft_cpu *cpu, uint64_t lin, unsigned size, uint64_t val,
	      int sys)
{
	const struct soft_tlb_entry *e = &cpu->tlb_w[mem_idx(lin)];

	if (__builtin_expect(size > 8, 0)) /* wider: soft_write_buf */
		size = 8;
	if (e->tag == mem_tag(lin) && (lin & 0xfff) + size <= SYS_PAGE &&
	    mem_tlb_ok(cpu, e, sys)) {
		memcpy(e->host + (lin & 0xfff), &val, size);
		if ((e->flags & SOFT_TLB_CODE) || sys_code_page(cpu->vm, e->gpa))
			soft_code_written(cpu->vm, e->gpa | (lin & 0xfff), size);
		return;
	}
	mem_write_slow(cpu, lin, &val, size, sys);
}

uint64_t soft_read_lin(struct soft_cpu *cpu, uint64_t lin, unsigned size,
		       int sys)
{
	return mem_read_lin(cpu, lin, size, sys);
}

void soft_write_lin(struct soft_cpu *cpu, uint64_t lin, unsigned size,
		    uint64_t val, int sys)
{
	mem_write_lin(cpu, lin, size, val, sys);
}

/* ---- segmented accesses ---- */

uint64_t soft_read(struct soft_cpu *cpu, int seg, uint64_t off, unsigned size)
{
	return mem_read_lin(cpu, mem_lin(cpu, seg, off, size, A_READ), size,
			    0);
}

void soft_write(struct soft_cpu *cpu, int seg, uint64_t off, unsigned size,
		uint64_t val)
{
	mem_write_lin(cpu, mem_lin(cpu, seg, off, size, A_WRITE), size, val,
		      0);
}

void soft_read_buf(struct soft_cpu *cpu, int seg, uint64_t off, void *buf,
		   unsigned len)
{
	uint64_t lin;

	if (!len)
		return;
	lin = soft_lin(cpu, seg, off, len, A_READ);
	mem_read_slow(cpu, lin, buf, len, 0, A_READ);
}

void soft_write_buf(struct soft_cpu *cpu, int seg, uint64_t off,
		    const void *buf, unsigned len)
{
	uint64_t lin;

	if (!len)
		return;
	lin = soft_lin(cpu, seg, off, len, A_WRITE);
	mem_write_slow(cpu, lin, buf, len, 0);
}

void *soft_rmw_ptr(struct soft_cpu *cpu, int seg, uint64_t off, unsigned size)
{
	uint64_t lin = mem_lin(cpu, seg, off, size, A_WRITE);
	struct soft_tlb_entry *e = &cpu->tlb_w[mem_idx(lin)];
	struct mem_page pg;

	if ((lin & 0xfff) + size > SYS_PAGE)
		return NULL;
	if (e->tag != mem_tag(lin) || !mem_tlb_ok(cpu, e, 0)) {
		mem_page_get(cpu, lin, A_WRITE, 0, &pg);
		if (!pg.host)
			return NULL;
		mem_code_written(cpu, pg.gpa, size);
		return pg.host;
	}
	if ((e->flags & SOFT_TLB_CODE) || sys_code_page(cpu->vm, e->gpa))
		soft_code_written(cpu->vm, e->gpa | (lin & 0xfff), size);
	return e->host + (lin & 0xfff);
}

/* ---- instruction fetch ---- */

/*
 * The CS limit check for a fetch at linear `lin`: returns how many bytes
 * from `lin` lie inside CS (at least 1), or raises #GP(0).
 */
static unsigned mem_fetch_limit(struct soft_cpu *cpu, uint64_t lin)
{
	const struct soft_seg *cs = &cpu->seg[S_CS];
	uint64_t off;

	if (cpu->mode == M_LONG64) {
		if (!sys_canonical(lin))
			soft_raise(cpu, V_GP, 0);
		return 15;
	}
	off = (lin - cs->base) & 0xffffffffu;
	if (off > cs->limit)
		soft_raise(cpu, V_GP, 0);
	return cs->limit - off >= 15 ? 15 : (unsigned)(cs->limit - off) + 1;
}

const uint8_t *soft_code_ptr(struct soft_cpu *cpu, uint64_t lin,
			     unsigned *avail, uint64_t *gpa)
{
	unsigned lim = mem_fetch_limit(cpu, lin);
	unsigned in_page = SYS_PAGE - (unsigned)(lin & 0xfff);
	const struct soft_tlb_entry *e = &cpu->tlb_x[mem_idx(lin)];
	struct mem_page pg;

	if (lim > in_page)
		lim = in_page;
	if (e->tag == mem_tag(lin) && mem_tlb_ok(cpu, e, 0)) {
		*avail = lim;
		*gpa = e->gpa | (lin & 0xfff);
		return e->host + (lin & 0xfff);
	}
	mem_page_get(cpu, lin, A_EXEC, 0, &pg);
	*gpa = pg.gpa;
	if (!pg.host) {
		*avail = 0;
		return NULL;
	}
	*avail = lim;
	return pg.host;
}

uint8_t soft_fetch_byte(struct soft_cpu *cpu, uint64_t lin)
{
	uint8_t b;

	if (cpu->mode != M_LONG64)
		lin &= 0xffffffffu;
	mem_fetch_limit(cpu, lin);
	mem_read_slow(cpu, lin, &b, 1, 0, A_EXEC);
	return b;
}
