/* SPDX-License-Identifier: MIT */
/*
 * The core tests' environment (core_env.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_env.h"

static uint8_t *cenv_ram_page(void *ctx, uint64_t gpa, int write)
{
	struct cenv *e = ctx;
	uint64_t a = (uint64_t)(uintptr_t)e->alias;

	if (e->alias && gpa >= a && gpa < a + e->alias_len)
		return (uint8_t *)(uintptr_t)(gpa & ~0xfffull);
	if (gpa < CENV_RAM)
		return e->ram + (gpa & ~0xfffull);
	return NULL;
}

static uint64_t cenv_mmio_read(void *ctx, uint64_t gpa, unsigned size)
{
	return ~(uint64_t)0;
}

static void cenv_mmio_write(void *ctx, uint64_t gpa, unsigned size,
			    uint64_t v)
{
}

static void cenv_pio(void *ctx, uint16_t port, unsigned size, unsigned count,
		     int is_write, uint8_t *data)
{
	struct cenv *e = ctx;

	e->last_port = port;
	for (unsigned i = 0; i < size * count; i++) {
		if (is_write) {
			if (e->npio_out < sizeof(e->pio_out))
				e->pio_out[e->npio_out++] = data[i];
		} else {
			data[i] = e->pio_in_pos < e->npio_in
					  ? e->pio_in[e->pio_in_pos++] : 0xff;
		}
	}
}

static int cenv_intr_ack(void *ctx)
{
	struct cenv *e = ctx;

	if (e->intr_pos < e->nintr)
		return e->intr[e->intr_pos++];
	return -1;
}

static int cenv_rdmsr(void *ctx, uint32_t msr, uint64_t *v)
{
	return -1;
}

static int cenv_wrmsr(void *ctx, uint32_t msr, uint64_t v)
{
	return -1;
}

static uint64_t cenv_get_cr8(void *ctx)
{
	return 0;
}

static void cenv_set_cr8(void *ctx, uint64_t v)
{
}

static int64_t cenv_clock(void *ctx)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const struct soft_ops cenv_ops = {
	.ram_page = cenv_ram_page,
	.mmio_read = cenv_mmio_read,
	.mmio_write = cenv_mmio_write,
	.pio = cenv_pio,
	.intr_ack = cenv_intr_ack,
	.rdmsr = cenv_rdmsr,
	.wrmsr = cenv_wrmsr,
	.get_cr8 = cenv_get_cr8,
	.set_cr8 = cenv_set_cr8,
	.clock_ns = cenv_clock,
};

static void cenv_w64(struct cenv *e, uint64_t at, uint64_t v)
{
	memcpy(e->ram + at, &v, 8);
}

struct cenv *cenv_new(void)
{
	struct cenv *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->ram = calloc(1, CENV_RAM);
	e->vm = soft_vm_new(CENV_RAM, 0);
	if (!e->ram || !e->vm)
		abort();
	e->cpu = soft_cpu_new(e->vm, 0, &cenv_ops, e);
	if (!e->cpu)
		abort();
	/* Exception/interrupt handlers: mov al, v; hlt. */
	for (unsigned v = 0; v < 256; v++) {
		uint8_t *h = e->ram + CENV_HANDLERS + 16 * v;

		h[0] = 0xb0;
		h[1] = (uint8_t)v;
		h[2] = 0xf4;
	}
	/* GDT: null, 64-bit code 0x08, data 0x10, 32-bit code 0x18. */
	cenv_w64(e, CENV_GDT + 8, 0x00af9b000000ffffull);
	cenv_w64(e, CENV_GDT + 16, 0x00cf93000000ffffull);
	cenv_w64(e, CENV_GDT + 24, 0x00cf9b000000ffffull);
	/* Identity map of 1 GiB with 2 MiB pages. */
	cenv_w64(e, CENV_PT, (CENV_PT + 0x1000) | 0x7);
	cenv_w64(e, CENV_PT + 0x1000, (CENV_PT + 0x2000) | 0x7);
	for (uint64_t i = 0; i < 512; i++)
		cenv_w64(e, CENV_PT + 0x2000 + 8 * i, (i << 21) | 0x87);
	return e;
}

struct soft_cpu *cenv_cpu2(struct cenv *e, unsigned id)
{
	return soft_cpu_new(e->vm, id, &cenv_ops, e);
}

void cenv_free(struct cenv *e)
{
	soft_cpu_free(e->cpu);
	soft_vm_free(e->vm);
	free(e->ram);
	free(e);
}

static void cenv_seg(struct soft_cpu *cpu, int s, uint16_t sel, uint64_t base,
		     uint32_t limit, uint16_t attr)
{
	cpu->seg[s] = (struct soft_seg){ .base = base, .limit = limit,
					 .sel = sel, .attr = attr };
}

void cenv_real(struct cenv *e, struct soft_cpu *cpu)
{
	/* IVT: every vector to its handler (segment 0x2200, offset 16v). */
	for (unsigned v = 0; v < 256; v++) {
		uint32_t ent = (uint32_t)(CENV_HANDLERS >> 4) << 16 | (16 * v);

		memcpy(e->ram + 4 * v, &ent, 4);
	}
	soft_vm_modified(e->vm, 0, CENV_RAM);
	for (int s = 0; s < S_NR; s++)
		cenv_seg(cpu, s, 0, 0, 0xffff, s == S_CS ? 0x9b : 0x93);
	cpu->cr0 = CR0_ET;
	cpu->efer = 0;
	cpu->idtr = (struct soft_dtr){ 0, 0x3ff };
	soft_set_rflags(cpu, F_1);
	cpu->gpr[R_SP] = 0x7000;
	soft_mode_update(cpu);
	soft_tlb_flush(cpu, 1);
	soft_icache_flush(cpu);
}

/* IDT gate for vector v (32-bit or 64-bit interrupt gate) to handler. */
static void cenv_idt(struct cenv *e, int wide, uint16_t cs)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t h = CENV_HANDLERS + 16 * v;
		uint64_t lo = (h & 0xffff) | (uint64_t)cs << 16 |
			      (uint64_t)0x8e00 << 32 |
			      ((h >> 16) & 0xffff) << 48;

		if (wide) {
			cenv_w64(e, CENV_IDT + 16 * v, lo);
			cenv_w64(e, CENV_IDT + 16 * v + 8, h >> 32);
		} else {
			cenv_w64(e, CENV_IDT + 8 * v, lo);
		}
	}
}

void cenv_prot32(struct cenv *e, struct soft_cpu *cpu)
{
	cenv_idt(e, 0, 0x18);
	soft_vm_modified(e->vm, 0, CENV_RAM);
	cenv_seg(cpu, S_CS, 0x18, 0, 0xffffffffu, 0xc9b);
	for (int s = 0; s < S_NR; s++)
		if (s != S_CS)
			cenv_seg(cpu, s, 0x10, 0, 0xffffffffu, 0xc93);
	cpu->gdtr = (struct soft_dtr){ CENV_GDT, 0x1f };
	cpu->idtr = (struct soft_dtr){ CENV_IDT, 0x7ff };
	cpu->cr0 = CR0_PE | CR0_ET | CR0_NE;
	cpu->cr4 = 0;
	cpu->efer = 0;
	soft_set_rflags(cpu, F_1);
	cpu->gpr[R_SP] = CENV_STACK;
	soft_mode_update(cpu);
	soft_tlb_flush(cpu, 1);
	soft_icache_flush(cpu);
}

void cenv_long64(struct cenv *e, struct soft_cpu *cpu)
{
	cenv_idt(e, 1, 0x08);
	soft_vm_modified(e->vm, 0, CENV_RAM);
	cenv_seg(cpu, S_CS, 0x08, 0, 0xffffffffu, 0xa9b);
	for (int s = 0; s < S_NR; s++)
		if (s != S_CS)
			cenv_seg(cpu, s, 0x10, 0, 0xffffffffu, 0xc93);
	cpu->gdtr = (struct soft_dtr){ CENV_GDT, 0x1f };
	cpu->idtr = (struct soft_dtr){ CENV_IDT, 0xfff };
	cpu->cr3 = CENV_PT;
	cpu->cr4 = CR4_PAE | CR4_PSE;
	cpu->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
	cpu->cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG | CR0_WP;
	soft_set_rflags(cpu, F_1);
	cpu->gpr[R_SP] = CENV_STACK;
	soft_mode_update(cpu);
	soft_tlb_flush(cpu, 1);
	soft_icache_flush(cpu);
}

void cenv_load(struct cenv *e, struct soft_cpu *cpu, uint64_t at,
	       const void *code, size_t len)
{
	memcpy(e->ram + at, code, len);
	soft_vm_modified(e->vm, at, len);
	cpu->rip = at - cpu->seg[S_CS].base;
	cpu->halted = 0;
	cpu->wait_sipi = 0;
}

enum soft_exit cenv_run(struct cenv *e, struct soft_cpu *cpu)
{
	cpu->halted = 0;
	return soft_cpu_run(cpu);
}
