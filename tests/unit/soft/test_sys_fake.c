/* SPDX-License-Identifier: MIT */
/*
 * The fake world of the system tests (see test_sys_fake.h). The vCPU is
 * the real one (soft_cpu_new, the core's lazy flags and decoded cache).
 */
#include <stdlib.h>
#include <string.h>

#include "hv/soft/sys.h"
#include "test_sys_fake.h"

struct fake *fake_cur;

static uint8_t *fake_ram_page(void *ctx, uint64_t gpa, int write)
{
	struct fake *f = ctx;

	(void)write;
	if (gpa >= FAKE_RAM || (gpa >= FAKE_HOLE && gpa < FAKE_HOLE + 0x20000))
		return NULL;
	return f->ram + (gpa & ~0xfffull);
}

static uint64_t fake_mmio_read(void *ctx, uint64_t gpa, unsigned size)
{
	struct fake *f = ctx;

	f->mmio_reads++;
	f->mmio_last_addr = gpa;
	(void)size;
	return 0x1122334455667788ull;
}

static void fake_mmio_write(void *ctx, uint64_t gpa, unsigned size, uint64_t v)
{
	struct fake *f = ctx;

	(void)size;
	f->mmio_writes++;
	f->mmio_last_addr = gpa;
	f->mmio_last_val = v;
}

static int fake_rdmsr(void *ctx, uint32_t msr, uint64_t *v)
{
	struct fake *f = ctx;

	if (msr != 0x1b)
		return -1;
	*v = f->apic_base;
	return 0;
}

static int fake_wrmsr(void *ctx, uint32_t msr, uint64_t v)
{
	struct fake *f = ctx;

	if (msr != 0x1b)
		return -1;
	f->apic_base = v;
	return 0;
}

static uint64_t fake_get_cr8(void *ctx)
{
	return ((struct fake *)ctx)->cr8;
}

static void fake_set_cr8(void *ctx, uint64_t v)
{
	((struct fake *)ctx)->cr8 = (uint8_t)v;
}

static int64_t fake_clock(void *ctx)
{
	return (int64_t)((struct fake *)ctx)->clock;
}

static const struct soft_ops fake_ops = {
	.ram_page = fake_ram_page,
	.mmio_read = fake_mmio_read,
	.mmio_write = fake_mmio_write,
	.rdmsr = fake_rdmsr,
	.wrmsr = fake_wrmsr,
	.get_cr8 = fake_get_cr8,
	.set_cr8 = fake_set_cr8,
	.clock_ns = fake_clock,
};

struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->ram = aligned_alloc(4096, FAKE_RAM);
	memset(f->ram, 0, FAKE_RAM);
	f->vm = soft_vm_new(FAKE_RAM, 0);
	f->cpu = soft_cpu_new(f->vm, 0, &fake_ops, f);
	fake_cur = f;
	return f;
}

void fake_free(struct fake *f)
{
	soft_cpu_free(f->cpu);
	soft_vm_free(f->vm);
	free(f->ram);
	free(f);
}

void fake_flat32(struct fake *f, unsigned cpl)
{
	struct soft_cpu *c = f->cpu;

	c->cr0 |= CR0_PE;
	for (int i = 0; i < S_NR; i++) {
		c->seg[i].base = 0;
		c->seg[i].limit = 0xffffffffu;
		c->seg[i].sel = (uint16_t)((i == S_CS ? 0x08 : 0x10) | cpl);
		c->seg[i].attr = (uint16_t)((i == S_CS ? 0x9b : 0x93) |
					    (cpl << 5) | SEG_A_DB | SEG_A_G);
	}
	soft_mode_update(c);
}

void fake_put(struct fake *f, uint64_t gpa, uint64_t v, unsigned size)
{
	memcpy(f->ram + gpa, &v, size);
}

uint64_t fake_get(struct fake *f, uint64_t gpa, unsigned size)
{
	uint64_t v = 0;

	memcpy(&v, f->ram + gpa, size);
	return v;
}

uint64_t fake_desc(uint32_t base, uint32_t limit, unsigned access,
		   unsigned flags)
{
	return (limit & 0xffffull) | ((uint64_t)(base & 0xffffff) << 16) |
	       ((uint64_t)(access & 0xff) << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) |
	       ((uint64_t)(flags & 0xf) << 52) |
	       ((uint64_t)(base >> 24) << 56);
}

void fake_gdt(struct fake *f)
{
	/* flags: 0x8 G, 0x4 D/B, 0x2 L */
	fake_put(f, FAKE_GDT + G_CODE32, fake_desc(0, 0xfffff, 0x9a, 0xc), 8);
	fake_put(f, FAKE_GDT + G_DATA32, fake_desc(0, 0xfffff, 0x92, 0xc), 8);
	fake_put(f, FAKE_GDT + G_UCODE32, fake_desc(0, 0xfffff, 0xfa, 0xc), 8);
	fake_put(f, FAKE_GDT + G_UDATA32, fake_desc(0, 0xfffff, 0xf2, 0xc), 8);
	fake_put(f, FAKE_GDT + G_CODE64, fake_desc(0, 0xfffff, 0x9a, 0xa), 8);
	fake_put(f, FAKE_GDT + G_DATA64, fake_desc(0, 0xfffff, 0x92, 0xc), 8);
	fake_put(f, FAKE_GDT + G_TSS32, fake_desc(FAKE_TSS, 0x67 + 8, 0x89, 0),
		 8);
	fake_put(f, FAKE_GDT + G_CODE16, fake_desc(0, 0xffff, 0x9a, 0), 8);
	fake_put(f, FAKE_GDT + G_UCODE64, fake_desc(0, 0xfffff, 0xfa, 0xa), 8);
	fake_put(f, FAKE_GDT + G_LDT, fake_desc(FAKE_LDT, 0xff, 0x82, 0), 8);
	fake_put(f, FAKE_GDT + G_TSS64, fake_desc(FAKE_TSS, 0x67, 0x89, 0), 8);
	fake_put(f, FAKE_GDT + G_TSS64 + 8, 0, 8);
	/* 32-bit call gate, DPL 3, 2 parameters, to G_CODE32:0x6000 */
	fake_put(f, FAKE_GDT + G_CALLGATE,
		 0x6000u | ((uint64_t)G_CODE32 << 16) | (2ull << 32) |
			 (0xecull << 40),
		 8);
	fake_put(f, FAKE_GDT + G_NOTPRESENT, fake_desc(0, 0xfffff, 0x12, 0xc),
		 8);
	fake_put(f, FAKE_GDT + G_RODATA, fake_desc(0, 0xfffff, 0x90, 0xc), 8);
	fake_put(f, FAKE_GDT + G_XONLY, fake_desc(0, 0xfffff, 0x98, 0xc), 8);
	fake_put(f, FAKE_GDT + G_CONFORM3, fake_desc(0, 0xfffff, 0xfe, 0xc),
		 8);
	f->cpu->gdtr.base = FAKE_GDT;
	f->cpu->gdtr.limit = G_LIMIT;
	f->cpu->idtr.base = FAKE_IDT;
	f->cpu->idtr.limit = 0xfff;
	/* TSS32: ESP0, SS0; the I/O map right after (0x68), 8 bytes */
	fake_put(f, FAKE_TSS + 4, 0x9000, 4);
	fake_put(f, FAKE_TSS + 8, G_DATA32, 2);
	fake_put(f, FAKE_TSS + 0x66, 0x68, 2);
	/* identity map: PML4[0] -> PDPT, PDPT[0] = 1 GiB page */
	fake_put(f, FAKE_PML4, (FAKE_PML4 + 0x1000) | 7, 8);
	fake_put(f, FAKE_PML4 + 0x1000, 0x87, 8);
}

void fake_seg(struct fake *f, int sreg, uint16_t sel)
{
	uint64_t d = fake_get(f, FAKE_GDT + (sel & ~7u), 8);

	sys_desc_to_seg(d | (1ull << 40), sel, &f->cpu->seg[sreg]);
}

void fake_idt32(struct fake *f, unsigned vec, uint16_t sel, uint32_t off,
		unsigned type, unsigned dpl, int present)
{
	uint64_t g = (off & 0xffff) | ((uint64_t)sel << 16) |
		     ((uint64_t)(type | (dpl << 5) | (present ? 0x80 : 0))
		      << 40) |
		     ((uint64_t)(off >> 16) << 48);

	fake_put(f, FAKE_IDT + vec * 8, g, 8);
}

void fake_idt64(struct fake *f, unsigned vec, uint16_t sel, uint64_t off,
		unsigned type, unsigned dpl, unsigned ist)
{
	uint64_t g = (off & 0xffff) | ((uint64_t)sel << 16) |
		     ((uint64_t)ist << 32) |
		     ((uint64_t)(type | (dpl << 5) | 0x80) << 40) |
		     (((off >> 16) & 0xffff) << 48);

	fake_put(f, FAKE_IDT + vec * 16, g, 8);
	fake_put(f, FAKE_IDT + vec * 16 + 8, off >> 32, 8);
}

void fake_prot32(struct fake *f, unsigned cpl)
{
	struct soft_cpu *c = f->cpu;
	uint16_t cs = cpl ? G_UCODE32 | 3 : G_CODE32;
	uint16_t ds = cpl ? G_UDATA32 | 3 : G_DATA32;

	fake_gdt(f);
	c->cr0 = (c->cr0 | CR0_PE) & ~(uint64_t)CR0_PG;
	c->cr4 = 0;
	c->efer = 0;
	c->rflags &= ~(uint64_t)F_VM;
	soft_tlb_flush(c, 1);
	fake_seg(f, S_CS, cs);
	for (int r = 0; r < S_NR; r++)
		if (r != S_CS)
			fake_seg(f, r, ds);
	c->tr.sel = G_TSS32;
	sys_desc_to_seg(fake_get(f, FAKE_GDT + G_TSS32, 8) | (2ull << 40),
			G_TSS32, &c->tr);
	soft_mode_update(c);
}

void fake_long64(struct fake *f, unsigned cpl)
{
	struct soft_cpu *c = f->cpu;

	fake_prot32(f, 0);
	c->cr4 |= CR4_PAE;
	c->cr3 = FAKE_PML4;
	c->efer |= EFER_LME | EFER_LMA | EFER_SCE | EFER_NXE;
	c->cr0 |= CR0_PG;
	fake_seg(f, S_CS, cpl ? G_UCODE64 | 3 : G_CODE64);
	fake_seg(f, S_SS, cpl ? G_UDATA32 | 3 : G_DATA64);
	sys_desc_to_seg(fake_get(f, FAKE_GDT + G_TSS64, 8) | (2ull << 40),
			G_TSS64, &c->tr);
	c->tr.sel = G_TSS64;
	soft_tlb_flush(c, 1);
	soft_mode_update(c);
}

void fake_deliver(struct fake *f, enum soft_event kind, unsigned vec,
		  int32_t err)
{
	struct soft_cpu *c = f->cpu;
	volatile int first = 1;

	c->exc_depth = 0;
	c->ip_start = c->rip;
	for (volatile int i = 0; i < 8 && !c->shutdown; i++) {
		if (!setjmp(c->fault_jmp)) {
			if (first)
				soft_deliver(c, kind, vec, err);
			else
				soft_deliver(c, SOFT_EV_EXC,
					     (unsigned)c->pend_vec,
					     c->pend_err);
			c->exc_depth = 0;
			return;
		}
		first = 0;
		c->rip = c->ip_start;
	}
}

/* Linked with --wrap=soft_code_written: counts the front end's calls. */
void __real_soft_code_written(struct soft_vm *vm, uint64_t gpa, uint64_t len);
void __wrap_soft_code_written(struct soft_vm *vm, uint64_t gpa, uint64_t len);

void __wrap_soft_code_written(struct soft_vm *vm, uint64_t gpa, uint64_t len)
{
	if (fake_cur)
		fake_cur->code_written++;
	__real_soft_code_written(vm, gpa, len);
}
