/* SPDX-License-Identifier: MIT */
/*
 * Guest-side attack on safepc's soft CPU from 32-bit protected mode (the
 * 32-bit kit), for the escape suite (tests/escape/soft_guest.sh): PAE
 * paging turned on with CR3, and so the four PDPTEs the CPU loads with
 * it, at A = `pae=` ramend (the first byte past RAM), ramend8
 * (straddling the end), hole (0xA0000), lapic (0xFEE00000), ioapic
 * (0xFEC00000) or top (0xFFFFFFE0). A PDPTE load that fails is a #GP the
 * guest recovers from; one that succeeds leaves paging on over whatever
 * was read, usually a triple fault. Either way hv must not care.
 */
#include "guest.h"

static volatile uint32_t recover_eip, nfaults, last_vec;

static void on_fault(struct irq_frame *f)
{
	nfaults++;
	last_vec = f->vector;
	if (!recover_eip) {
		printf("EXCEPTION: vector %u at eip 0x%x\n", f->vector, f->eip);
		exit(EXIT_UNEXPECTED);
	}
	f->eip = recover_eip;
	recover_eip = 0;
}

static uint32_t ram_end(void)
{
	struct mb_region r[32];
	unsigned n = mb_mmap(r, 32);
	uint64_t end = 0;

	for (unsigned i = 0; i < n; i++)
		if (r[i].type == 1 && r[i].base + r[i].len <= (1ull << 32) &&
		    r[i].base + r[i].len > end)
			end = r[i].base + r[i].len;
	return (uint32_t)end;
}

int main(void)
{
	const char *c = mb_cmdline(), *s = strchr(c, '=');
	uint32_t a = 0;

	for (unsigned v = 0; v < 32; v++)
		if (v != 2 && v != 8)
			irq_register(v, on_fault);
	if (strncmp(c, "pae=", 4) || !s) {
		report(false, "unknown case '%s'", c);
		return report_summary();
	}
	s++;
	if (!strncmp(s, "ramend8", 7))
		a = ram_end() - 8;
	else if (!strncmp(s, "ramend", 6))
		a = ram_end();
	else if (!strncmp(s, "hole", 4))
		a = 0xa0000;
	else if (!strncmp(s, "lapic", 5))
		a = 0xfee00000;
	else if (!strncmp(s, "ioapic", 6))
		a = 0xfec00000;
	else if (!strncmp(s, "top", 3))
		a = 0xffffffe0;
	else
		a = (uint32_t)strtoul(s, NULL, 0);
	printf("ATTACK: PAE paging on with CR3 (the PDPTEs) at 0x%x\n", a);
	write_cr4(read_cr4() | (1u << 5));
	__asm__ volatile("movl $1f, recover_eip\n\t"
			 "movl %0, %%cr3\n\t"
			 "movl %%cr0, %%eax\n\t"
			 "orl $0x80000000, %%eax\n\t"
			 "movl %%eax, %%cr0\n\t"
			 "jmp 1f\n"
			 "1:\tmovl $0, recover_eip"
			 : : "r"(a) : "eax", "memory", "cc");
	report(true, "PDPTEs at 0x%x: %u faults (vector %u)", a, nfaults,
	       last_vec);
	return report_summary();
}
