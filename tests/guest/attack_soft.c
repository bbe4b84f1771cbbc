/* SPDX-License-Identifier: MIT */
/*
 * Guest-side attacks on safepc's soft CPU (64-bit kit), for the escape
 * suite (tests/escape/soft_guest.sh). The guest may crash (a triple
 * fault, an unexpected exception); hv and other domains never may. The
 * attack is chosen by one word on the command line (`extra`):
 *
 *   rep        REP MOVSB/STOSB/INSB with RCX = 2^64-1 running through a
 *              mapping of the last RAM page, the page past RAM, the
 *              legacy hole and a page past the physical width, into an
 *              unmapped page (#PF ends each); downwards from 0 (DF = 1);
 *              REP STOSB over the IOAPIC and then the LAPIC page.
 *   outs       a REP OUTSB/INSB storm on an unclaimed port.
 *   ptloop     a self-referencing PML4 entry and a PDPT entry that
 *              points at its own table, used for reads and writes; CR3
 *              with bits above the physical width (#GP).
 *   ipi        (smp 2) fixed, NMI and INIT IPIs from vCPU 0 to vCPU 1
 *              and to itself in a tight loop.
 *   timer      the LAPIC timer periodic at its shortest period (initial
 *              count 1, divide by 1) for a second, interrupts on.
 *   xmc        (smp 2) vCPU 1 rewrites a function between two complete
 *              encodings while vCPU 0 calls it (each result one of two).
 *   xmc_chaos  (smp 2) vCPU 1 writes random bytes into code vCPU 0 runs.
 *   gdt=A idt=A tss=A cr3=A pml4e=A pdpte=A
 *              GDT / IDT / TSS (through an IST gate) / page tables (CR3,
 *              one PML4 or PDPT entry) at A, then a use of them; A is ramend (the first byte past
 *              RAM), ramend8 (straddling the end), hole (0xA0000), lapic
 *              (0xFEE00000), ioapic (0xFEC00000) or top
 *              (0xFFFFFFFFFFFFF000). Usually a triple fault; the entry
 *              cases end in a #PF the guest recovers from, or a mapping.
 *   ipi_init_self  INIT IPIs from vCPU 0 to itself (it resets and waits
 *              for a SIPI: the runner destroys the domain).
 *   spin       cli; an endless loop (the runner destroys the domain).
 *
 * Survivable cases end with report_summary(); the others print
 * "ATTACK: ..." before the step that may take the guest down.
 */
#include "guest.h"

/* ---- recovery from expected faults ---- */

static volatile uint64_t recover_rip;
static volatile uint32_t nfaults;
static volatile unsigned last_vec;
static volatile uint64_t last_cr2;

static void on_fault(struct irq_frame *f)
{
	nfaults++;
	last_vec = (unsigned)f->vector;
	if (f->vector == 14)
		last_cr2 = read_cr2();
	if (!recover_rip) {
		printf("EXCEPTION: vector %lu error 0x%lx at rip 0x%lx rsp "
		       "0x%lx cr2 0x%lx\n", f->vector, f->error, f->rip,
		       f->rsp, read_cr2());
		exit(EXIT_UNEXPECTED);
	}
	f->rip = recover_rip;
	f->rflags &= ~(1ul << 10); /* DF clear again */
	recover_rip = 0;
}

static void faults_catch(void)
{
	for (unsigned v = 0; v < 32; v++)
		if (v != 2 && v != 8)
			irq_register(v, on_fault);
}

/* Runs `insn` (registers set up by the caller's constraints) with a
 * landing point for a fault: RIP goes on after it either way. */
#define TRY(insn, ...)                                                      \
	__asm__ volatile("leaq 1f(%%rip), %%r11\n\t"                       \
			 "movq %%r11, recover_rip(%%rip)\n\t" insn "\n"    \
			 "1:\tmovq $0, recover_rip(%%rip)"                  \
			 __VA_ARGS__)

/* The first byte past the highest RAM region below 4 GiB. */
static uint64_t ram_end(void)
{
	struct mb_region r[32];
	unsigned n = mb_mmap(r, 32);
	uint64_t end = 0;

	for (unsigned i = 0; i < n; i++)
		if (r[i].type == 1 && r[i].base + r[i].len <= (1ull << 32) &&
		    r[i].base + r[i].len > end)
			end = r[i].base + r[i].len;
	return end ? end : mb_ram_bytes();
}

/* ---- our own mapping at 512 GiB: PML4[1] -> pdpt -> pd -> pt ---- */

extern uint64_t pml4[];
static uint64_t a_pdpt[512] __attribute__((aligned(4096)));
static uint64_t a_pd[512] __attribute__((aligned(4096)));
static uint64_t a_pt[512] __attribute__((aligned(4096)));
#define WIN 0x8000000000ul /* linear base of the window */

/* Maps window pages to the guest-physical pages given (0: unmapped). */
static void win_map(const uint64_t *gpas, unsigned n)
{
	memset(a_pt, 0, sizeof(a_pt));
	for (unsigned i = 0; i < n; i++)
		if (gpas[i])
			a_pt[i] = gpas[i] | 0x1b; /* P RW PWT PCD */
	a_pd[0] = (uint64_t)a_pt | 0x3;
	a_pdpt[0] = (uint64_t)a_pd | 0x3;
	pml4[1] = (uint64_t)a_pdpt | 0x3;
	write_cr3(read_cr3());
}

static void attack_rep(void)
{
	uint64_t end = ram_end(), rcx, rdi, rsi;
	uint64_t map[6] = { end - 4096, end, 0xa0000, 0xfffffff000ul,
			    0xfebff000ul, 0 };

	report_info("RAM ends at 0x%lx", end);
	win_map(map, 6);
	/* STOSB: RAM, past RAM, the hole, past the physical width, then
	 * the unmapped page (#PF). */
	nfaults = 0;
	TRY("rep stosb", : "=c"(rcx), "=D"(rdi)
	    : "0"(~0ul), "1"(WIN + 16), "a"(0x5a) : "r11", "memory", "cc");
	report(nfaults == 1 && last_vec == 14 && last_cr2 == WIN + 5 * 4096,
	       "rep stosb rcx=2^64-1 through RAM/past RAM/hole: #PF at the "
	       "unmapped page (cr2 0x%lx, rdi 0x%lx)", last_cr2, rdi);
	report(rcx == ~0ul - (WIN + 5 * 4096 - (WIN + 16)),
	       "rcx counts what was stored (0x%lx)", rcx);
	/* MOVSB the other way: from the window into a RAM buffer that is
	 * smaller than what the window holds; source runs off the end. */
	nfaults = 0;
	TRY("rep movsb", : "=c"(rcx), "=S"(rsi), "=D"(rdi)
	    : "0"(~0ul), "1"(WIN + 4096), "2"(WIN) : "r11", "memory", "cc");
	report(nfaults == 1 && last_vec == 14,
	       "rep movsb rcx=2^64-1 window to window: #PF (cr2 0x%lx)",
	       last_cr2);
	/* INSB from an unclaimed port across the end of RAM. */
	nfaults = 0;
	TRY("rep insb", : "=c"(rcx), "=D"(rdi)
	    : "0"(~0ul), "1"(WIN + 4000), "d"(0x2e0) : "r11", "memory", "cc");
	report(nfaults == 1 && last_vec == 14 && last_cr2 == WIN + 5 * 4096,
	       "rep insb rcx=2^64-1 from an unclaimed port: #PF at the end");
	/* Downwards from 0: wraps to the top of the address space. */
	nfaults = 0;
	TRY("std\n\trep stosb\n\tcld", : "=c"(rcx), "=D"(rdi)
	    : "0"(~0ul), "1"(0x10ul), "a"(0) : "r11", "memory", "cc");
	__asm__ volatile("cld");
	report(nfaults == 1 && last_vec == 14,
	       "rep stosb DF=1 from 0x10 wraps: #PF (cr2 0x%lx)", last_cr2);
	/* Through the identity map from the last RAM page onto itself:
	 * 1 MiB, most of it past RAM (reads all ones, writes dropped); on
	 * up to 4 GiB would take minutes of unclaimed MMIO. */
	nfaults = 0;
	TRY("rep movsb", : "=c"(rcx), "=S"(rsi), "=D"(rdi)
	    : "0"(1ul << 20), "1"(end - 4096), "2"(end - 4096)
	    : "r11", "memory", "cc");
	report(nfaults == 0 && rcx == 0,
	       "rep movsb of 1 MiB from the last RAM page on past the end");
	/* The IOAPIC and the LAPIC register pages, bytewise (last: it
	 * disables this CPU's LAPIC). */
	map[0] = 0xfec00000;
	map[1] = 0xfee00000;
	map[2] = 0;
	win_map(map, 3);
	nfaults = 0;
	TRY("rep stosb", : "=c"(rcx), "=D"(rdi)
	    : "0"(~0ul), "1"(WIN), "a"(0) : "r11", "memory", "cc");
	report(nfaults == 1 && last_cr2 == WIN + 2 * 4096,
	       "rep stosb over the IOAPIC and LAPIC pages: #PF after them");
}

static void attack_outs(void)
{
	uint64_t t0 = rdtsc(), n = 0;
	static uint8_t buf[65536];

	for (unsigned i = 0; i < 64; i++) {
		outsb(0x2e0, buf, sizeof(buf));
		insb(0x2e0, buf, sizeof(buf));
		n += 2 * sizeof(buf);
	}
	report(buf[0] == 0xff && buf[sizeof(buf) - 1] == 0xff,
	       "rep insb from an unclaimed port reads all ones");
	report_info("%lu bytes of string I/O in %lu TSC ticks", n,
		    rdtsc() - t0);
}

static void attack_ptloop(void)
{
	uint64_t cr3 = read_cr3(), v = 0;

	/* PML4[2] -> the PML4 itself: linear 0x10000000000 + i*512G... */
	pml4[2] = (cr3 & ~0xffful) | 0x3;
	/* PML4[3] -> a_pdpt whose entry 0 points back at a_pdpt. */
	memset(a_pdpt, 0, sizeof(a_pdpt));
	a_pdpt[0] = (uint64_t)a_pdpt | 0x3;
	pml4[3] = (uint64_t)a_pdpt | 0x3;
	write_cr3(cr3);
	/* Through PML4[2] four times: the PML4 page itself. */
	nfaults = 0;
	v = readq(0x10000000000ul | (2ul << 30) | (2ul << 21) | (2ul << 12));
	report(v == pml4[0] && !nfaults,
	       "recursive PML4 entry reads the PML4 (0x%lx)", v);
	writeq(0x10000000000ul | (2ul << 30) | (2ul << 21) | (2ul << 12) | 8 * 5,
	       0);
	report(!nfaults, "and writes through it");
	/* PML4[3] -> pdpt -> pdpt (as PD) -> pdpt (as PT) -> pdpt page. */
	TRY("movq (%%rax), %%rax", : "=a"(v)
	    : "0"(0x18000000000ul) : "r11", "memory", "cc");
	report(!nfaults && v == a_pdpt[0],
	       "a PDPT entry pointing at its own table: a 4-level loop reads "
	       "the table (%u faults)", nfaults);
	/* An access the loop cannot satisfy: PDPT index 1 is empty. */
	TRY("movq (%%rax), %%rax", : "=a"(v)
	    : "0"(0x18000000000ul | (1ul << 30)) : "r11", "memory", "cc");
	report(nfaults == 1 && last_vec == 14, "its empty entry: #PF");
	/* CR3 with bits above the physical width: #GP, CR3 unchanged. */
	nfaults = 0;
	TRY("movq %%rax, %%cr3", : : "a"(cr3 | (1ul << 62))
	    : "r11", "memory", "cc");
	report(nfaults == 1 && last_vec == 13 && read_cr3() == cr3,
	       "mov cr3 with a reserved bit: #GP");
	pml4[2] = pml4[3] = 0;
	write_cr3(cr3);
}

/* ---- two vCPUs ---- */

static volatile uint32_t ap_stop, ap_run, ap_count, nmi_count, fixed_count;

static void on_fixed(struct irq_frame *f)
{
	(void)f;
	fixed_count++;
	apic_write(APIC_EOI, 0);
}

static void on_nmi(struct irq_frame *f)
{
	(void)f;
	nmi_count++;
}

static void ap_ipi(unsigned cpu)
{
	(void)cpu;
	apic_enable();
	ap_run = 1;
	__asm__ volatile("sti");
	while (!ap_stop)
		pause();
	__asm__ volatile("cli");
}

static void icr(uint32_t hi, uint32_t lo)
{
	apic_write(APIC_ICR_HI, hi);
	apic_write(APIC_ICR_LO, lo);
}

static void attack_ipi(void)
{
	uint32_t fixed0;
	unsigned ap_apic = 1;

	irq_register(0x40, on_fixed);
	irq_register(2, on_nmi);
	if (!report(smp_boot(ap_ipi, 1, 2000) == 1, "AP started"))
		return;
	wait_flag(&ap_run, 1000);
	apic_enable();
	__asm__ volatile("sti");
	for (unsigned i = 0; i < 5000; i++) {
		icr(ap_apic << 24, 0x40);		   /* fixed to the AP */
		icr(ap_apic << 24, 4u << 8);		   /* NMI to the AP */
		icr(0, (1u << 18) | 0x40);		   /* fixed to self */
		icr(0, (1u << 18) | (4u << 8));		   /* NMI to self */
	}
	fixed0 = fixed_count;
	report(fixed0 > 0 && nmi_count > 0,
	       "vCPU 0 survives its own IPI storm (%u fixed, %u NMIs seen "
	       "in all)", fixed0, nmi_count);
	/* INIT storm at the AP: it goes to wait-for-SIPI and stays. */
	for (unsigned i = 0; i < 5000; i++)
		icr(ap_apic << 24, (5u << 8) | (1u << 14));
	for (unsigned i = 0; i < 2000; i++)
		icr(ap_apic << 24, 0x40);
	report(true, "INIT storm at vCPU 1, then IPIs to the reset vCPU");
	__asm__ volatile("cli");
}

static volatile uint32_t ticks;

static void on_tick(struct irq_frame *f)
{
	(void)f;
	ticks++;
	apic_write(APIC_EOI, 0);
}

static void attack_timer(void)
{
	uint64_t t0, loops = 0;

	irq_register(0x41, on_tick);
	apic_enable();
	apic_write(0x3e0, 0xb);		   /* divide by 1 */
	apic_write(0x320, (1u << 17) | 0x41); /* periodic, vector 0x41 */
	apic_write(0x380, 1);		   /* initial count 1 */
	__asm__ volatile("sti");
	t0 = rdtsc();
	/* About a second of TSC (1 GHz on the soft CPU), bounded by loops
	 * too in case the TSC moves oddly. */
	while (rdtsc() - t0 < 1000000000ul && loops < 50000000)
		loops++;
	__asm__ volatile("cli");
	apic_write(0x320, 1u << 16);	   /* masked */
	apic_write(0x380, 0);
	report(ticks > 0, "timer storm: %u interrupts", ticks);
	report(loops > 0, "the interrupted loop still ran (%lu turns)", loops);
}

/* The function the AP rewrites: 8 bytes, stored with one aligned write. */
extern uint8_t xmc_fn[];
__asm__(".text\n\t.balign 8\n"
	".globl xmc_fn\nxmc_fn:\n\t"
	"movl $0x11111111, %eax\n\tret\n\tnop\n\tnop\n\t"
	".fill 56, 1, 0xc3\n");
#define XMC_A 0x9090c311111111b8ul
#define XMC_B 0x9090c322222222b8ul

static volatile uint32_t chaos;

static void ap_xmc(unsigned cpu)
{
	(void)cpu;
	uint64_t x = 0x9e3779b97f4a7c15ul;

	ap_run = 1;
	while (!ap_stop) {
		if (chaos) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Anywhere in the first 64 bytes of the function. */
			xmc_fn[x % 64] = (uint8_t)(x >> 32);
		} else {
			*(volatile uint64_t *)xmc_fn =
				(ap_count++ & 1) ? XMC_B : XMC_A;
		}
	}
}

static void attack_xmc(bool wild)
{
	unsigned bad = 0, a = 0, b = 0;

	/* The kit's code is read-only? No: one identity map, RW. */
	chaos = wild;
	if (!report(smp_boot(ap_xmc, 1, 2000) == 1, "AP started"))
		return;
	wait_flag(&ap_run, 1000);
	if (wild)
		printf("ATTACK: vCPU 1 writes random bytes into code vCPU 0 "
		       "runs\n");
	for (unsigned i = 0; i < 200000; i++) {
		uint32_t r = ((uint32_t (*)(void))(void *)xmc_fn)();

		if (r == 0x11111111)
			a++;
		else if (r == 0x22222222)
			b++;
		else
			bad++;
	}
	ap_stop = 1;
	if (wild) {
		report(true, "vCPU 0 came back from chaos code (%u/%u/%u)", a,
		       b, bad);
		return;
	}
	report(bad == 0 && a + b == 200000,
	       "code rewritten by vCPU 1: every call ran one of the two "
	       "encodings (%u A, %u B, %u other; %u rewrites)", a, b, bad,
	       ap_count);
}

/* ---- tables that may take the guest down ---- */

static uint64_t table_addr(const char *what)
{
	const char *s = strchr(mb_cmdline(), '=');

	(void)what;
	if (!s)
		return 0;
	s++;
	if (!strncmp(s, "ramend8", 7))
		return ram_end() - 8;
	if (!strncmp(s, "ramend", 6))
		return ram_end();
	if (!strncmp(s, "hole", 4))
		return 0xa0000;
	if (!strncmp(s, "lapic", 5))
		return 0xfee00000;
	if (!strncmp(s, "ioapic", 6))
		return 0xfec00000;
	if (!strncmp(s, "top", 3))
		return 0xfffffffffffff000ul;
	return strtoul(s, NULL, 0);
}

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uint64_t base;
};

static void attack_gdt(uint64_t a)
{
	struct dtr d = { 0xffff, a }, old;

	__asm__ volatile("sgdt %0" : "=m"(old));
	printf("ATTACK: GDT at 0x%lx, then a segment load\n", a);
	__asm__ volatile("lgdt %0\n\t"
			 "movw $0x10, %%ax\n\tmovw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "lgdt %1"
			 : : "m"(d), "m"(old) : "rax", "memory");
	report(true, "segment loads from a GDT at 0x%lx did not fault", a);
}

static void attack_idt(uint64_t a)
{
	struct dtr d = { 0xfff, a }, old;

	__asm__ volatile("sidt %0" : "=m"(old));
	printf("ATTACK: IDT at 0x%lx, then int $0x40\n", a);
	__asm__ volatile("lidt %0\n\tint $0x40\n\tlidt %1"
			 : : "m"(d), "m"(old) : "memory");
	report(true, "int $0x40 through an IDT at 0x%lx came back", a);
}

extern uint64_t gdt[];

static void attack_tss(uint64_t a)
{
	struct dtr idtr;
	uint32_t *gate;

	__asm__ volatile("sidt %0" : "=m"(idtr));
	/* Gate 0x42 -> IST 1; the TSS descriptor based at `a`. */
	gate = (uint32_t *)(idtr.base + 16 * 0x42);
	gate[1] = (gate[1] & ~7u) | 1;
	/* Available 64-bit TSS (type 9, present), limit 0x67. */
	gdt[TSS_SEL / 8] = 0x67 | ((a & 0xffffff) << 16) | (0x89ul << 40) |
			   ((a >> 24 & 0xff) << 56);
	gdt[TSS_SEL / 8 + 1] = a >> 32;
	printf("ATTACK: TSS at 0x%lx, then an IST interrupt\n", a);
	__asm__ volatile("ltr %w0\n\tint $0x42" : : "r"(TSS_SEL) : "memory");
	report(true, "an IST interrupt through a TSS at 0x%lx came back", a);
}

static void attack_cr3(uint64_t a)
{
	printf("ATTACK: CR3 = 0x%lx\n", a);
	nfaults = 0;
	TRY("movq %%rax, %%cr3\n\tnop", : : "a"(a) : "r11", "memory", "cc");
	report(nfaults == 1 && last_vec == 13,
	       "CR3 = 0x%lx: #GP (%u faults, vector %u)", a, nfaults,
	       last_vec);
}

/* A PML4 entry (level 4) or a PDPT entry (level 3) of the window
 * pointing at `a`; a read and a write through it. The walk reads the
 * next table from there: whatever comes back (all ones, LAPIC or IOAPIC
 * registers) must give a #PF or some mapping, never hurt hv. */
static void attack_pte(int level, uint64_t a)
{
	uint64_t v = 0;

	memset(a_pt, 0, sizeof(a_pt));
	memset(a_pd, 0, sizeof(a_pd));
	memset(a_pdpt, 0, sizeof(a_pdpt));
	a_pd[0] = (uint64_t)a_pt | 0x3;
	a_pdpt[0] = level == 3 ? (a & ~0xffful) | 0x3 : (uint64_t)a_pd | 0x3;
	pml4[1] = level == 4 ? (a & ~0xffful) | 0x3 : (uint64_t)a_pdpt | 0x3;
	printf("ATTACK: %s entry -> 0x%lx\n", level == 4 ? "PML4" : "PDPT",
	       a);
	nfaults = 0;
	write_cr3(read_cr3());
	TRY("movq (%%rax), %%rax", : "=a"(v) : "0"(WIN + 0x123)
	    : "r11", "memory", "cc");
	report_info("read through it: %u faults (vector %u, cr2 0x%lx), "
		    "0x%lx", nfaults, last_vec, last_cr2, v);
	nfaults = 0;
	TRY("movq %%rax, (%%rdx)", : : "a"(0x5a5a5a5a5a5a5a5aul),
	    "d"(WIN + 0x200123ul) : "r11", "memory", "cc");
	report_info("write through it: %u faults (vector %u)", nfaults,
		    last_vec);
	pml4[1] = 0;
	write_cr3(read_cr3());
	report(true, "a %s entry pointing at 0x%lx", level == 4 ? "PML4"
							  : "PDPT", a);
}

static void on_noop(struct irq_frame *f)
{
	(void)f;
}

int main(void)
{
	const char *c = mb_cmdline();

	faults_catch();
	irq_register(0x40, on_noop);
	irq_register(0x42, on_noop);
	printf("attack_soft: %s\n", c);
	if (cmdline_has("rep"))
		attack_rep();
	else if (cmdline_has("outs"))
		attack_outs();
	else if (cmdline_has("ptloop"))
		attack_ptloop();
	else if (cmdline_has("ipi"))
		attack_ipi();
	else if (cmdline_has("timer"))
		attack_timer();
	else if (cmdline_has("xmc"))
		attack_xmc(false);
	else if (cmdline_has("xmc_chaos"))
		attack_xmc(true);
	else if (!strncmp(c, "gdt=", 4))
		attack_gdt(table_addr(c));
	else if (!strncmp(c, "idt=", 4))
		attack_idt(table_addr(c));
	else if (!strncmp(c, "tss=", 4))
		attack_tss(table_addr(c));
	else if (!strncmp(c, "cr3=", 4))
		attack_cr3(table_addr(c));
	else if (!strncmp(c, "pml4e=", 6))
		attack_pte(4, table_addr(c));
	else if (!strncmp(c, "pdpte=", 6))
		attack_pte(3, table_addr(c));
	else if (cmdline_has("ipi_init_self")) {
		/* INIT to this vCPU by its APIC ID: it resets and waits for a
		 * SIPI nobody sends (the runner destroys the domain). */
		apic_enable();
		printf("ATTACK: INIT IPI storm at vCPU 0 itself\n");
		for (;;)
			icr(apic_id() << 24, (5u << 8) | (1u << 14));
	} else if (cmdline_has("spin")) {
		printf("ATTACK: endless loop, interrupts off\n");
		for (;;)
			__asm__ volatile("cli");
	} else
		report(false, "unknown case '%s'", c);
	return report_summary();
}
