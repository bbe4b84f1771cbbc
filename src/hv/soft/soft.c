/* SPDX-License-Identifier: MIT */
/*
 * The soft CPU's outside face (soft.h): VM and vCPU lifetimes, requests
 * from other threads, register access for loaders and reports.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv/soft/alu.h"
#include "hv/soft/icache.h"

struct soft_vm *soft_vm_new(uint64_t low_bytes, uint64_t high_bytes)
{
	struct soft_vm *vm = calloc(1, sizeof(*vm));
	uint64_t pages;

	if (!vm)
		return NULL;
	/* Cover all of the first 4 GiB (firmware and ROM may be decoded
	 * from anywhere there) plus RAM above it. */
	pages = (low_bytes > (1ull << 32) ? low_bytes : (1ull << 32)) >> 12;
	pages += (high_bytes + 4095) >> 12;
	vm->ram_pages = pages;
	atomic_init(&vm->tsc_epoch, INT64_MIN);
	vm->code_bits = calloc((pages + 7) / 8, 1);
	vm->code_gen = calloc(pages, sizeof(*vm->code_gen));
	vm->code_chunks = calloc(pages, sizeof(*vm->code_chunks));
	if (!vm->code_bits || !vm->code_gen || !vm->code_chunks) {
		soft_vm_free(vm);
		return NULL;
	}
	atomic_flag_clear(&vm->lock_slow);
	return vm;
}

void soft_vm_free(struct soft_vm *vm)
{
	if (!vm)
		return;
	free((void *)vm->code_bits);
	free((void *)vm->code_gen);
	free((void *)vm->code_chunks);
	free(vm);
}

struct soft_cpu *soft_cpu_new(struct soft_vm *vm, unsigned id,
			      const struct soft_ops *ops, void *ctx)
{
	struct soft_cpu *cpu;
	int64_t epoch;

	if (posix_memalign((void **)&cpu, 64, sizeof(*cpu)))
		return NULL;
	memset(cpu, 0, sizeof(*cpu));
	cpu->icache = soft_icache_new();
	if (!cpu->icache) {
		free(cpu);
		return NULL;
	}
	cpu->vm = vm;
	cpu->id = id;
	cpu->ops = ops;
	cpu->ctx = ctx;
	soft_reset_state(cpu, 0);
	/*
	 * One power-on for the machine: the TSCs of all vCPUs count from
	 * the first one's, as on hardware where they reset together. Linux
	 * tests APs for a TSC behind the boot CPU's and drops the TSC as a
	 * clock when it finds one.
	 */
	epoch = INT64_MIN;
	if (!atomic_compare_exchange_strong(&vm->tsc_epoch, &epoch,
					    cpu->tsc_offset))
		cpu->tsc_offset = epoch;
	soft_mode_update(cpu);
	atomic_fetch_add(&vm->nr_cpus, 1);
	return cpu;
}

void soft_cpu_free(struct soft_cpu *cpu)
{
	if (!cpu)
		return;
	atomic_fetch_sub(&cpu->vm->nr_cpus, 1);
	free(cpu->icache);
	free(cpu);
}

void soft_cpu_request(struct soft_cpu *cpu, unsigned req, unsigned sipi_vector)
{
	if (req & SOFT_REQ_SIPI)
		atomic_store(&cpu->sipi_vector, sipi_vector);
	atomic_fetch_or(&cpu->req, req);
}

void soft_cpu_get_regs(struct soft_cpu *cpu, struct soft_regs *r)
{
	memcpy(r->gpr, cpu->gpr, sizeof(r->gpr));
	r->rip = cpu->rip;
	r->rflags = soft_get_rflags(cpu);
	r->cr0 = cpu->cr0;
	r->cr2 = cpu->cr2;
	r->cr3 = cpu->cr3;
	r->cr4 = cpu->cr4;
	r->efer = cpu->efer;
	r->cs = cpu->seg[S_CS].sel;
	r->ds = cpu->seg[S_DS].sel;
	r->es = cpu->seg[S_ES].sel;
	r->ss = cpu->seg[S_SS].sel;
	r->fs = cpu->seg[S_FS].sel;
	r->gs = cpu->seg[S_GS].sel;
	r->cs_base = cpu->seg[S_CS].base;
}

void soft_cpu_set_real_entry(struct soft_cpu *cpu, uint16_t cs, uint16_t ip,
			     const uint64_t gpr[16])
{
	memcpy(cpu->gpr, gpr, sizeof(cpu->gpr));
	cpu->seg[S_CS].sel = cs;
	cpu->seg[S_CS].base = (uint64_t)cs << 4;
	cpu->rip = ip;
	cpu->halted = 0;
	cpu->wait_sipi = 0;
	soft_mode_update(cpu);
}

uint64_t soft_cpu_icount(const struct soft_cpu *cpu)
{
	return cpu->icount;
}
