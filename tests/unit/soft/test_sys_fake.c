/* SPDX-License-Identifier: MIT */
/*
 * The fake world of the system tests (see test_sys_fake.h), plus
 * stand-ins for the core's functions the system files call, for as long
 * as the tests link without the core's sources.
 */
#include <stdlib.h>
#include <string.h>

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
	f->cpu = aligned_alloc(64, (sizeof(struct soft_cpu) + 63) & ~63ul);
	memset(f->cpu, 0, sizeof(*f->cpu));
	f->vm.ram_pages = FAKE_RAM / 4096;
	f->vm.code_bits = calloc(FAKE_RAM / 4096 / 8, 1);
	f->cpu->vm = &f->vm;
	f->cpu->ops = &fake_ops;
	f->cpu->ctx = f;
	soft_reset_state(f->cpu, 0);
	fake_cur = f;
	return f;
}

void fake_free(struct fake *f)
{
	free((void *)f->vm.code_bits);
	free(f->cpu);
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

#ifndef SOFT_HAVE_CORE
/* Stand-ins for the core: RFLAGS kept whole in cpu->rflags. */
uint64_t soft_get_rflags(struct soft_cpu *cpu)
{
	return cpu->rflags;
}

void soft_set_rflags(struct soft_cpu *cpu, uint64_t v)
{
	cpu->rflags = (v & 0x3f7fd5u) | F_1;
}

void soft_code_written(struct soft_vm *vm, uint64_t gpa, uint64_t len)
{
	(void)vm;
	(void)gpa;
	(void)len;
	fake_cur->code_written++;
}

void soft_set_zf(struct soft_cpu *cpu, int zf)
{
	cpu->rflags = (cpu->rflags & ~(uint64_t)F_ZF) | (zf ? F_ZF : 0);
}

void soft_icache_flush(struct soft_cpu *cpu)
{
	(void)cpu;
	fake_cur->icache_flushes++;
}
#endif
