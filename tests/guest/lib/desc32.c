/* SPDX-License-Identifier: MIT */
/*
 * The 32-bit kit's IDT and TSS; the C side of entry32.S.  Every vector
 * starts as a DPL-0 interrupt gate to its stub, except USER_RETURN_VECTOR
 * (DPL 3, run_user's way back); programs change gates with idt32_set_attr
 * and idt32_set.
 */
#include "guest.h"

struct desc_ptr32 {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

_Static_assert(sizeof(struct irq_frame) == 15 * 4, "entry32.S offsets");
_Static_assert(sizeof(struct tss32) == 104, "TSS layout");

extern char isr_stubs[];

struct tss32 tss32;
static uint64_t idt[256] __attribute__((aligned(16)));
static irq_handler_t handlers[256];
static volatile uint32_t spurious_count;

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "?15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

void idt32_set(unsigned vector, void *handler, uint8_t attr)
{
	uint32_t a = (uint32_t)(uintptr_t)handler;

	idt[vector & 0xFF] = (a & 0xFFFF) | ((uint64_t)K32_CS << 16) |
			     ((uint64_t)attr << 40) |
			     ((uint64_t)(a >> 16) << 48);
}

void idt32_set_attr(unsigned vector, uint8_t attr)
{
	idt32_set(vector, isr_stubs + 16 * (vector & 0xFF), attr);
}

uint64_t idt32_get(unsigned vector)
{
	return idt[vector & 0xFF];
}

void gdt32_set(unsigned index, uint64_t desc)
{
	if (index > 5 && index < GDT32_ENTRIES)
		gdt32[index] = desc;
}

/* Called from lib_start. */
void desc_init(void);
void desc_init(void)
{
	uint32_t base = (uint32_t)(uintptr_t)&tss32;
	struct desc_ptr32 p = { sizeof(idt) - 1, (uint32_t)(uintptr_t)idt };

	for (unsigned v = 0; v < 256; v++)
		idt32_set_attr(v, GATE_INT32);
	idt32_set_attr(USER_RETURN_VECTOR, GATE_INT32 | GATE_DPL(3));

	/* 32-bit available TSS, limit 103, no I/O bitmap. */
	tss32.ss0 = K32_DS;
	tss32.iomap_base = sizeof(tss32);
	gdt32[TSS32_SEL / 8] = (sizeof(tss32) - 1) |
			       ((uint64_t)(base & 0xFFFFFF) << 16) |
			       (0x89ull << 40) | ((uint64_t)(base >> 24) << 56);
	__asm__ volatile("lidt %0" : : "m"(p));
	__asm__ volatile("ltr %w0" : : "r"(TSS32_SEL));
}

void desc_init_ap(void)
{
}

void irq_register(unsigned vector, irq_handler_t fn)
{
	handlers[vector & 0xFF] = fn;
}

static noreturn void unexpected(struct irq_frame *f)
{
	unsigned v = f->vector;
	unsigned long cr2 = read_cr2();

	if (v < 32)
		printf("EXCEPTION: vector %u (%s) error 0x%x at eip 0x%x "
		       "cs 0x%x eflags 0x%x cr2 0x%lx\n",
		       v, exc_names[v] ? exc_names[v] : "?", f->error, f->eip,
		       f->cs, f->eflags, cr2);
	else
		printf("UNEXPECTED: interrupt vector 0x%x at eip 0x%x cs "
		       "0x%x\n",
		       v, f->eip, f->cs);
	exit(EXIT_UNEXPECTED);
}

/* Called by isr32_common. */
void isr_dispatch(struct irq_frame *f);
void isr_dispatch(struct irq_frame *f)
{
	unsigned v = f->vector & 0xFF;

	if (handlers[v]) {
		handlers[v](f);
		return;
	}
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
