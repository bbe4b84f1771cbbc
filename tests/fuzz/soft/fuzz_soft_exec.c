/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the whole soft CPU (src/hv/soft/): the
 * interpreter runs a hostile guest over a small machine built from the
 * input, with a random but mode-consistent initial state.
 *
 * The machine (as hv lays it out, in miniature):
 *   0x00000-0x9ffff   RAM
 *   0xa0000-0xbffff   the legacy hole: MMIO
 *   0xc0000-0xdffff   RAM
 *   0xe0000-0xfffff   ROM: ram_page gives it for reads, NULL for writes
 *   0x100000000 +4K   one page of RAM above 4 GiB
 *   everything else   MMIO (LAPIC, IOAPIC, unclaimed)
 * Each RAM page is its own heap block, so ASan reports any access past a
 * page the CPU was handed (the TLB keeps host pointers per page); the ROM
 * pages are compared after the run (writes must never reach them).
 *
 * Input: a header (mode, paging format, control registers, segment
 * caches, GDT/IDT/TSS/LDT bases that may point anywhere: inside RAM, at
 * its end, into the hole, at 0xFEE00000/0xFEC00000, at 2^64-4096, raw
 * 64-bit values), then the bytes that tile guest RAM. One header bit
 * asks for a sane machine instead (flat GDT, IDT, TSS, identity page
 * tables; see fexec_sane) with the input as code at 0x20000. The ops' answers
 * (MMIO reads, port input, interrupt vectors, MSR results) come from the
 * input too.
 *
 * Bounded work: soft_cpu_run has no instruction budget; it returns on
 * HLT, a triple fault, WAIT_SIPI, or a posted SOFT_REQ_STOP. A watchdog
 * thread posts STOP every 100 us while a run is in progress and aborts if
 * a run ignores it for 2 s (a hang); the ops post STOP themselves after
 * many calls (an op-bound storm, e.g. REP OUTSB). The harness runs at most
 * FEXEC_RUNS slices or FEXEC_INSNS instructions per input.
 *
 * fuzz-args: -max_len=16384 -len_control=0
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hv/soft/sys.h"
#include "hv/soft/icache.h"

#define FEXEC_PAGES 256u	  /* 1 MiB below 1 MiB */
#define FEXEC_ROM_FIRST 0xe0u	  /* ROM pages 0xe0-0xff */
#define FEXEC_HOLE_FIRST 0xa0u	  /* MMIO pages 0xa0-0xbf */
#define FEXEC_HOLE_END 0xc0u
#define FEXEC_HIGH 0x100000000ull /* the page above 4 GiB */
#define FEXEC_HDR 320u		  /* header bytes before the RAM image */
#define FEXEC_RUNS 12
#define FEXEC_INSNS 20000u
#define FEXEC_OPS_STOP 20000u	  /* op calls per slice before a STOP */

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_soft_exec: invariant broken: %s\n", what);
		abort();
	}
}

struct fexec {
	uint8_t *page[FEXEC_PAGES];
	uint8_t *high;
	uint8_t rom_copy[(FEXEC_PAGES - FEXEC_ROM_FIRST) * 4096];
	/* The ops' answers: a cyclic stream from the header. */
	const uint8_t *ans;
	size_t nans, pos;
	unsigned ops;		/* op calls this slice */
	unsigned intr_left;	/* interrupt vectors still to hand out */
	int64_t clock;
	struct soft_cpu *cpu;
};

static struct fexec fx;

static uint8_t fexec_ans8(void)
{
	if (!fx.nans)
		return 0xff;
	return fx.ans[fx.pos++ % fx.nans];
}

static uint64_t fexec_ans(unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)fexec_ans8() << (8 * i);
	return v;
}

/* Every op: counts, and posts a STOP when a slice makes too many calls. */
static void fexec_op(void)
{
	if (++fx.ops == FEXEC_OPS_STOP)
		soft_cpu_request(fx.cpu, SOFT_REQ_STOP, 0);
}

static uint8_t *fexec_ram_page(void *ctx, uint64_t gpa, int write)
{
	uint64_t pg = gpa >> 12;

	fexec_op();
	check(write == 0 || write == 1, "ram_page write flag");
	if (pg == FEXEC_HIGH >> 12)
		return fx.high;
	if (pg >= FEXEC_PAGES)
		return NULL;
	if (pg >= FEXEC_HOLE_FIRST && pg < FEXEC_HOLE_END)
		return NULL;
	if (pg >= FEXEC_ROM_FIRST && write)
		return NULL;
	return fx.page[pg];
}

static uint64_t fexec_mmio_read(void *ctx, uint64_t gpa, unsigned size)
{
	fexec_op();
	check(size >= 1 && size <= 8, "mmio_read size");
	return fexec_ans(size);
}

static void fexec_mmio_write(void *ctx, uint64_t gpa, unsigned size,
			     uint64_t v)
{
	fexec_op();
	check(size >= 1 && size <= 8, "mmio_write size");
	/* A write the CPU routes here must not be one ram_page gives out
	 * for writing (it would have bypassed the RAM path). */
	check(fexec_ram_page(ctx, gpa & ~0xfffull, 1) == NULL ||
		      (gpa >> 12) != ((gpa + size - 1) >> 12),
	      "mmio_write to writable RAM");
}

static void fexec_pio(void *ctx, uint16_t port, unsigned size, unsigned count,
		      int is_write, uint8_t *data)
{
	volatile uint8_t sink = 0;

	fexec_op();
	check(size == 1 || size == 2 || size == 4, "pio size");
	check(count >= 1 && count <= 65536, "pio count");
	/* Touch every byte the CPU claims to pass (ASan checks the rest). */
	for (unsigned i = 0; i < size * count; i++) {
		if (is_write)
			sink ^= data[i];
		else
			data[i] = fexec_ans8();
	}
	(void)sink;
}

static int fexec_intr_ack(void *ctx)
{
	fexec_op();
	if (!fx.intr_left)
		return -1;
	fx.intr_left--;
	return fexec_ans8();
}

static int fexec_rdmsr(void *ctx, uint32_t msr, uint64_t *v)
{
	fexec_op();
	*v = fexec_ans(8);
	return (*v & 1) ? -1 : 0;
}

static int fexec_wrmsr(void *ctx, uint32_t msr, uint64_t v)
{
	fexec_op();
	return (fexec_ans8() & 1) ? -1 : 0;
}

static uint64_t fexec_get_cr8(void *ctx)
{
	fexec_op();
	return fexec_ans8() & 0xf;
}

static void fexec_set_cr8(void *ctx, uint64_t v)
{
	fexec_op();
	check(v <= 0xf, "set_cr8 value");
}

static int64_t fexec_clock(void *ctx)
{
	fexec_op();
	fx.clock += 1000 + (int64_t)fexec_ans8() * 100000;
	return fx.clock;
}

static const struct soft_ops fexec_ops = {
	.ram_page = fexec_ram_page,
	.mmio_read = fexec_mmio_read,
	.mmio_write = fexec_mmio_write,
	.pio = fexec_pio,
	.intr_ack = fexec_intr_ack,
	.rdmsr = fexec_rdmsr,
	.wrmsr = fexec_wrmsr,
	.get_cr8 = fexec_get_cr8,
	.set_cr8 = fexec_set_cr8,
	.clock_ns = fexec_clock,
};

/* ---- the watchdog: bounded work per soft_cpu_run ---- */

static _Atomic(struct soft_cpu *) wd_cpu; /* non-NULL while a run runs */
static atomic_uint wd_gen;		  /* bumped per run */

static int64_t wd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *wd_main(void *arg)
{
	unsigned gen = 0;
	int64_t since = 0;

	for (;;) {
		struct soft_cpu *c;
		unsigned g;

		usleep(100);
		c = atomic_load(&wd_cpu);
		g = atomic_load(&wd_gen);
		if (!c) {
			since = 0;
			continue;
		}
		soft_cpu_request(c, SOFT_REQ_STOP, 0);
		if (g != gen || !since) {
			gen = g;
			since = wd_now_ms();
		} else if (wd_now_ms() - since > 2000) {
			fprintf(stderr, "fuzz_soft_exec: soft_cpu_run ignored "
					"SOFT_REQ_STOP for 2 s (a hang)\n");
			abort();
		}
	}
	return NULL;
}

/* ---- the initial state ---- */

struct rd {
	const uint8_t *p;
	size_t n, pos;
};

static uint64_t rd_n(struct rd *r, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		if (r->pos < r->n)
			v |= (uint64_t)r->p[r->pos++] << (8 * i);
	return v;
}

/* An address a table or pointer may take: mostly useful, some hostile. */
static uint64_t rd_ptr(struct rd *r)
{
	static const uint64_t special[] = {
		0xfee00000ull, 0xfec00000ull, 0xfffffffffffff000ull,
		0xfffffffffffffff8ull, 0xa0000ull, 0xffff0ull,
		FEXEC_PAGES * 4096ull - 8, FEXEC_PAGES * 4096ull - 1,
		0x9fff8ull, FEXEC_HIGH - 8, FEXEC_HIGH + 4090,
		0xffffffffull, 0xfffff000ull, 0x800000000000ull,
		0x7ffffffffff8ull, 0xffff800000000000ull,
	};
	unsigned kind = (unsigned)rd_n(r, 1);
	uint64_t v = rd_n(r, 8);

	switch (kind & 3) {
	case 0: return v & (FEXEC_PAGES * 4096ull - 1);
	case 1: return special[v % (sizeof(special) / sizeof(special[0]))];
	case 2: return (uint32_t)v;
	default: return v;
	}
}

static void fexec_seg(struct rd *r, struct soft_seg *s)
{
	unsigned k = (unsigned)rd_n(r, 1);

	s->base = (k & 1) ? rd_ptr(r) : rd_n(r, 2) << 4;
	s->limit = (k & 2) ? 0xffffffffu : (k & 4) ? 0xffffu
						   : (uint32_t)rd_n(r, 4);
	s->sel = (uint16_t)rd_n(r, 2);
	s->attr = (uint16_t)(rd_n(r, 2) & 0xfff);
	if (k & 8)
		s->attr |= SEG_A_P | SEG_A_S | 0x3; /* present writable data */
}

static void fexec_sane(struct soft_cpu *cpu, unsigned mode, unsigned pgfmt,
		       unsigned cpl);

static void fexec_state(struct soft_cpu *cpu, struct rd *r, int sane)
{
	unsigned mode = (unsigned)rd_n(r, 1) % 5; /* real vm86 p16 p32 long */
	unsigned pgfmt = (unsigned)rd_n(r, 1) % 4; /* off, 32-bit, PAE, 4-lvl */
	unsigned cpl = (unsigned)rd_n(r, 1) & 3;
	uint64_t x;

	soft_reset_state(cpu, 0);
	if (mode == 4)
		pgfmt = 3;
	else if (pgfmt == 3)
		pgfmt = 2;
	if (mode == 0)
		pgfmt = 0;

	x = rd_n(r, 4);
	cpu->cr0 = CR0_ET | (x & (CR0_MP | CR0_EM | CR0_TS | CR0_NE | CR0_WP |
				  CR0_AM | CR0_CD | CR0_NW));
	if (mode)
		cpu->cr0 |= CR0_PE;
	if (pgfmt)
		cpu->cr0 |= CR0_PG;
	x = rd_n(r, 4);
	cpu->cr4 = x & (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE |
			CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (pgfmt >= 2)
		cpu->cr4 |= CR4_PAE;
	x = rd_n(r, 1);
	cpu->efer = x & (EFER_SCE | EFER_NXE);
	if (mode == 4 || (x & 0x80))
		cpu->efer |= EFER_LME;
	if (pgfmt == 3)
		cpu->efer |= EFER_LMA | EFER_LME;
	cpu->cr3 = rd_ptr(r) & (pgfmt == 2 ? 0xffffffe0ull
					   : SYS_PHYS_MASK & ~0xfffull);
	cpu->cr2 = rd_n(r, 8);

	for (int s = 0; s < S_NR; s++)
		fexec_seg(r, &cpu->seg[s]);
	fexec_seg(r, &cpu->ldtr);
	fexec_seg(r, &cpu->tr);
	cpu->gdtr.base = rd_ptr(r);
	cpu->gdtr.limit = (uint32_t)rd_n(r, 2);
	cpu->idtr.base = rd_ptr(r);
	cpu->idtr.limit = (uint32_t)rd_n(r, 2);
	if (mode != 4) {
		cpu->gdtr.base &= 0xffffffffu;
		cpu->idtr.base &= 0xffffffffu;
	}

	/* CS consistent with the mode; CPL is CS.DPL there. */
	{
		struct soft_seg *cs = &cpu->seg[S_CS];

		cs->attr &= (uint16_t)~(SEG_A_L | SEG_A_DB | 0x60u);
		cs->attr |= (uint16_t)(SEG_A_P | SEG_A_S | 0x8 | (cpl << 5));
		if (mode == 3)
			cs->attr |= SEG_A_DB;
		if (mode == 4)
			cs->attr |= SEG_A_L;
		if (mode == 0 || mode == 1) {
			cs->base = (uint64_t)cs->sel << 4;
			cs->limit = 0xffff;
		}
	}

	for (int i = 0; i < 16; i++) {
		unsigned k = (unsigned)rd_n(r, 1) & 3;

		cpu->gpr[i] = k == 0 ? rd_n(r, 2) : k == 1 ? rd_ptr(r)
			    : k == 2 ? ~(uint64_t)0 : rd_n(r, 8);
	}
	cpu->rip = rd_n(r, 1) & 1 ? rd_ptr(r) : rd_n(r, 2);
	if (mode != 4)
		cpu->rip &= 0xffffffffu;
	x = rd_n(r, 4) & ~(uint64_t)F_VM;
	if (mode == 1)
		x |= F_VM;
	soft_set_rflags(cpu, x);
	cpu->dr[7] = rd_n(r, 4);
	cpu->star = rd_n(r, 8);
	cpu->lstar = rd_ptr(r);
	cpu->sysenter_cs = rd_n(r, 2);
	cpu->sysenter_eip = rd_ptr(r);
	cpu->sysenter_esp = rd_ptr(r);
	cpu->kernel_gs_base = rd_ptr(r);

	if (sane)
		fexec_sane(cpu, mode, pgfmt, cpl);
	soft_mode_update(cpu);
	/* PAE outside long mode: PDPTEs as MOV CR3 would load them; tables
	 * that cannot be loaded leave paging off, as the #GP would. */
	if (pgfmt == 2 && sys_load_pdptes(cpu))
		cpu->cr0 &= ~(uint64_t)CR0_PG;
	soft_tlb_flush(cpu, 1);
	soft_icache_flush(cpu);
	cpu->halted = cpu->wait_sipi = cpu->shutdown = 0;
	cpu->shadow = 0;
	cpu->exc_depth = 0;
	atomic_store(&cpu->req, 0);
}

static void fexec_w64(uint64_t gpa, uint64_t v)
{
	memcpy(fx.page[gpa >> 12] + (gpa & 0xfff), &v, 8);
}

static void fexec_w32(uint64_t gpa, uint32_t v)
{
	memcpy(fx.page[gpa >> 12] + (gpa & 0xfff), &v, 4);
}

static void fexec_flat(struct soft_seg *s, uint16_t sel, uint16_t attr)
{
	s->base = 0;
	s->limit = 0xffffffffu;
	s->sel = sel;
	s->attr = attr;
}

/*
 * The sane machine, for depth: a flat GDT, an IDT whose handlers halt
 * then return, a TSS with a ring-0 stack, identity page tables in the
 * format the mode uses, and the input's code at 0x20000 (stack below
 * 0x30000). The fuzzer then spends its time in instructions rather
 * than in the first fault. Tables live in RAM pages 0x10-0x1b.
 */
#define SANE_GDT 0x10000u
#define SANE_TSS 0x11000u
#define SANE_IDT 0x12000u
#define SANE_HANDLERS 0x13000u
#define SANE_PML4 0x14000u
#define SANE_PDPT 0x15000u
#define SANE_PD 0x16000u /* 4 pages */
#define SANE_PAE_PDPT 0x1a000u
#define SANE_PD32 0x1b000u
#define SANE_CODE 0x20000u
static void fexec_sane(struct soft_cpu *cpu, unsigned mode, unsigned pgfmt,
		       unsigned cpl)
{
	static const uint64_t gdt[] = {
		0, 0x00af9b000000ffffull, 0x00cf93000000ffffull,
		0x00cf9b000000ffffull, 0x008f9b000000ffffull,
		0x00affb000000ffffull, 0x00cff3000000ffffull,
		0x00cffb000000ffffull,
		/* 0x40: TSS, available (LTR marks it busy) */
		0x0000890000000067ull | ((uint64_t)SANE_TSS << 16), 0,
	};
	uint16_t dpl = (uint16_t)(cpl << 5);

	for (unsigned i = 0; i < sizeof(gdt) / 8; i++)
		fexec_w64(SANE_GDT + 8 * i, gdt[i]);
	memset(fx.page[SANE_TSS >> 12], 0, 4096);
	if (mode == 4) {
		fexec_w64(SANE_TSS + 4, 0x30000);	/* RSP0 */
		fexec_w64(SANE_TSS + 0x24, 0x31000); /* IST1 */
	} else {
		fexec_w32(SANE_TSS + 4, 0x30000);	/* ESP0 */
		fexec_w32(SANE_TSS + 8, 0x10);		/* SS0 */
	}
	fexec_w32(SANE_TSS + 0x66 - 2, 0x68u << 16); /* no I/O bitmap */
	for (unsigned v = 0; v < 256; v++) {
		uint64_t h = SANE_HANDLERS + 8 * v;
		uint8_t *p = fx.page[h >> 12] + (h & 0xfff);

		/* hlt; iret (iretq in 64-bit mode) */
		p[0] = 0xf4;
		p[1] = mode == 4 ? 0x48 : 0xcf;
		p[2] = 0xcf;
		if (mode == 4) {
			fexec_w64(SANE_IDT + 16 * v,
				  (h & 0xffff) | (0x08ull << 16) |
				  ((uint64_t)(v == 2 ? 1 : 0) << 32) |
				  (0xeeull << 40) | ((h >> 16) << 48));
			fexec_w64(SANE_IDT + 16 * v + 8, 0);
		} else {
			fexec_w64(SANE_IDT + 8 * v,
				  (h & 0xffff) | (0x18ull << 16) |
				  (0xeeull << 40) | ((h >> 16) << 48));
		}
		/* Real mode: IVT at 0, handlers at 1300:8v. */
		if (mode == 0)
			fexec_w32(4 * v, (0x1300u << 16) | (8 * v));
	}
	/* Identity maps of 4 GiB: 2 MiB pages (4-level, PAE), 4 MiB (32). */
	for (unsigned i = 0; i < 2048; i++)
		fexec_w64(SANE_PD + 8 * i, ((uint64_t)i << 21) | 0x87);
	for (unsigned i = 0; i < 4; i++) {
		fexec_w64(SANE_PDPT + 8 * i, (SANE_PD + 0x1000 * i) | 0x7);
		fexec_w64(SANE_PAE_PDPT + 8 * i, (SANE_PD + 0x1000 * i) | 0x1);
	}
	for (unsigned i = 4; i < 512; i++)
		fexec_w64(SANE_PDPT + 8 * i, 0);
	fexec_w64(SANE_PML4, SANE_PDPT | 0x7);
	for (unsigned i = 1; i < 512; i++)
		fexec_w64(SANE_PML4 + 8 * i, 0);
	for (unsigned i = 0; i < 1024; i++)
		fexec_w32(SANE_PD32 + 4 * i, (i << 22) | 0x87);
	cpu->cr3 = pgfmt == 3 ? SANE_PML4 : pgfmt == 2 ? SANE_PAE_PDPT
							: SANE_PD32;
	if (pgfmt == 1)
		cpu->cr4 |= CR4_PSE;

	cpu->gdtr.base = SANE_GDT;
	cpu->gdtr.limit = sizeof(gdt) - 1;
	cpu->idtr.base = mode == 0 ? 0 : SANE_IDT;
	cpu->idtr.limit = mode == 0 ? 0x3ff : mode == 4 ? 0xfff : 0x7ff;
	cpu->tr = (struct soft_seg){ SANE_TSS, 0x67, 0x40, 0x8b | SEG_A_P };
	cpu->ldtr = (struct soft_seg){ 0, 0, 0, 0 };
	if (mode == 0 || mode == 1) {
		for (int s = 0; s < S_NR; s++)
			cpu->seg[s] = (struct soft_seg){
				0x20000, 0xffff, 0x2000,
				(uint16_t)(SEG_A_P | SEG_A_S | 0x3 | dpl) };
		cpu->seg[S_CS].attr |= 0x8;
		cpu->rip = 0;
		cpu->gpr[R_SP] = 0xf000;
		return;
	}
	fexec_flat(&cpu->seg[S_CS], (uint16_t)((mode == 4 ? 0x08 : 0x18) |
						(cpl ? 0x20 | cpl : 0)),
		   (uint16_t)(SEG_A_P | SEG_A_S | 0xb | dpl |
			      (mode == 4 ? SEG_A_L : mode == 3 ? SEG_A_DB
							       : 0) | SEG_A_G));
	for (int s = 0; s < S_NR; s++)
		if (s != S_CS)
			fexec_flat(&cpu->seg[s], (uint16_t)(cpl ? 0x33 : 0x10),
				   (uint16_t)(SEG_A_P | SEG_A_S | 0x3 | dpl |
					      SEG_A_DB | SEG_A_G));
	cpu->rip = SANE_CODE;
	cpu->gpr[R_SP] = 0x2f000;
}

static struct soft_vm *fexec_vm;

/* Guest RAM: the image repeated over every page (zeros without one). */
static void fexec_tile(const uint8_t *img, size_t nimg)
{
	static uint8_t flat[FEXEC_PAGES * 4096];
	size_t have;

	if (!nimg) {
		memset(flat, 0, sizeof(flat));
	} else {
		have = nimg < sizeof(flat) ? nimg : sizeof(flat);
		memcpy(flat, img, have);
		while (have < sizeof(flat)) {
			size_t n = have < sizeof(flat) - have
					   ? have : sizeof(flat) - have;

			/* Copies whole periods: the pattern stays nimg. */
			n -= n % nimg;
			if (!n)
				n = sizeof(flat) - have < nimg
					    ? sizeof(flat) - have : nimg;
			memcpy(flat + have, flat, n);
			have += n;
		}
	}
	for (unsigned i = 0; i < FEXEC_PAGES; i++)
		memcpy(fx.page[i], flat + i * 4096u, 4096);
}

static void fexec_init(void)
{
	static pthread_t wd;

	for (unsigned i = 0; i < FEXEC_PAGES; i++) {
		fx.page[i] = malloc(4096);
		check(fx.page[i] != NULL, "malloc");
	}
	fx.high = malloc(4096);
	fexec_vm = soft_vm_new(FEXEC_PAGES * 4096ull, 4096);
	check(fx.high && fexec_vm, "init");
	fx.cpu = soft_cpu_new(fexec_vm, 0, &fexec_ops, NULL);
	check(fx.cpu != NULL, "soft_cpu_new");
	check(pthread_create(&wd, NULL, wd_main, NULL) == 0, "watchdog");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = { .p = data, .n = size < FEXEC_HDR ? size : FEXEC_HDR };
	const uint8_t *img = data + r.n;
	size_t nimg = size - r.n;
	struct soft_cpu *cpu;
	unsigned ctl;

	if (!fx.cpu)
		fexec_init();
	cpu = fx.cpu;

	/* Guest RAM: the image tiled over every page (zeros without one). */
	fexec_tile(img, nimg);
	memset(fx.high, 0xf4, 4096);
	for (unsigned i = FEXEC_ROM_FIRST; i < FEXEC_PAGES; i++)
		memcpy(fx.rom_copy + (i - FEXEC_ROM_FIRST) * 4096, fx.page[i],
		       4096);
	/* Tell the CPU all of memory changed (no stale decoded code). */
	soft_vm_modified(fexec_vm, 0, FEXEC_PAGES * 4096ull);
	soft_vm_modified(fexec_vm, FEXEC_HIGH, 4096);

	ctl = (unsigned)rd_n(&r, 1);
	fx.nans = 0; /* the reset reads the clock: no answers from before */
	fexec_state(cpu, &r, !!(ctl & 0x20));
	fx.ans = data;
	fx.nans = r.n;
	fx.pos = r.pos;
	fx.intr_left = ctl & 0x3f;
	fx.clock = 0;

	for (int run = 0; run < FEXEC_RUNS; run++) {
		enum soft_exit e;

		fx.ops = 0;
		atomic_fetch_add(&wd_gen, 1);
		atomic_store(&wd_cpu, cpu);
		e = soft_cpu_run(cpu);
		atomic_store(&wd_cpu, NULL);
		if (soft_cpu_icount(cpu) > FEXEC_INSNS)
			break;
		if (e == SOFT_EXIT_SHUTDOWN)
			break;
		if (e == SOFT_EXIT_HLT) {
			/* Wake it with what the input asks: an interrupt,
			 * an NMI, or nothing (the run ends). */
			if (!(ctl & 0x40) || !fx.intr_left)
				break;
			soft_cpu_request(cpu, (ctl & 0x80) ? SOFT_REQ_NMI
							  : SOFT_REQ_INTR, 0);
		} else if (e == SOFT_EXIT_WAIT_SIPI) {
			if (!(ctl & 0x80))
				break;
			soft_cpu_request(cpu, SOFT_REQ_SIPI, fexec_ans8());
		}
		if (ctl & 0x40 && run == 3)
			soft_cpu_request(cpu, SOFT_REQ_INIT, 0);
	}
	cpu->icount = 0;
	for (unsigned i = FEXEC_ROM_FIRST; i < FEXEC_PAGES; i++)
		check(memcmp(fx.rom_copy + (i - FEXEC_ROM_FIRST) * 4096,
			     fx.page[i], 4096) == 0,
		      "a ROM page (ram_page NULL for writes) was written");
	return 0;
}
