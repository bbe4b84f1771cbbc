/* SPDX-License-Identifier: MIT */
/*
 * IDT, TSS and the syscall MSRs; the C side of entry.S.
 */
#include "guest.h"

struct idt_gate {
	uint16_t offset0;
	uint16_t selector;
	uint8_t ist;
	uint8_t type; /* 0x8E: present, DPL 0, 64-bit interrupt gate */
	uint16_t offset1;
	uint32_t offset2;
	uint32_t reserved;
} __attribute__((packed));

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2; /* entry.S writes rsp0 at offset 4 */
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct irq_frame) == 22 * 8, "entry.S offsets");
_Static_assert(sizeof(struct tss64) == 104, "TSS layout");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern char isr_stubs[];
extern char syscall_entry[];
extern uint64_t gdt[];
extern struct desc_ptr gdt_desc;

struct tss64 tss;
static struct idt_gate idt[256] __attribute__((aligned(16)));
static irq_handler_t handlers[256];
static volatile uint32_t spurious_count;

#define MSR_SYSENTER_CS 0x174
#define MSR_STAR 0xC0000081
#define MSR_LSTAR 0xC0000082
#define MSR_SFMASK 0xC0000084

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "?15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

static void load_idt(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };

	__asm__ volatile("lgdt %0" : : "m"(gdt_desc));
	__asm__ volatile("lidt %0" : : "m"(p));
}

/* Called from lib_start on the bootstrap processor. */
void desc_init(void);
void desc_init(void)
{
	uint64_t base = (uint64_t)&tss;

	for (unsigned v = 0; v < 256; v++) {
		uint64_t a = (uint64_t)isr_stubs + 16 * v;

		idt[v].offset0 = a & 0xFFFF;
		idt[v].selector = KERNEL_CS;
		idt[v].type = 0x8E;
		idt[v].offset1 = (a >> 16) & 0xFFFF;
		idt[v].offset2 = a >> 32;
	}

	/* 64-bit available TSS, limit 103, no I/O bitmap. */
	tss.iomap_base = sizeof(tss);
	gdt[TSS_SEL / 8] = (sizeof(tss) - 1) | ((base & 0xFFFFFF) << 16) |
			   (0x89ull << 40) | (((base >> 24) & 0xFF) << 56);
	gdt[TSS_SEL / 8 + 1] = base >> 32;
	load_idt();
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));

	wrmsr(MSR_STAR, (0x18ull << 48) | ((uint64_t)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, 0x40700); /* AC, DF, IF, TF */
	wrmsr(MSR_SYSENTER_CS, KERNEL_CS);
}

void desc_init_ap(void)
{
	load_idt();
}

void irq_register(unsigned vector, irq_handler_t fn)
{
	handlers[vector & 0xFF] = fn;
}

static noreturn void unexpected(struct irq_frame *f)
{
	unsigned v = f->vector;

	if (v < 32)
		printf("EXCEPTION: vector %u (%s) error 0x%lx at rip 0x%lx "
		       "cs 0x%lx rflags 0x%lx rsp 0x%lx cr2 0x%lx\n",
		       v, exc_names[v] ? exc_names[v] : "?", f->error, f->rip,
		       f->cs, f->rflags, f->rsp, read_cr2());
	else
		printf("UNEXPECTED: interrupt vector 0x%x at rip 0x%lx cs "
		       "0x%lx\n",
		       v, f->rip, f->cs);
	exit(EXIT_UNEXPECTED);
}

/* Called by isr_common with interrupts off. */
void isr_dispatch(struct irq_frame *f);
void isr_dispatch(struct irq_frame *f)
{
	unsigned v = f->vector & 0xFF;

	if (handlers[v]) {
		handlers[v](f);
		return;
	}
	/*
	 * Spurious 8259 interrupts (IRQ 7/15 with nothing in service) and the
	 * LAPIC spurious vector need no EOI from the source; a spurious IRQ 15
	 * still needs one at the master for the cascade.
	 */
	if (v == IRQ_VECTOR(7) || v == APIC_SPURIOUS_VECTOR) {
		spurious_count++;
		return;
	}
	if (v == IRQ_VECTOR(15)) {
		spurious_count++;
		outb(0x20, 0x20);
		return;
	}
	unexpected(f);
}
