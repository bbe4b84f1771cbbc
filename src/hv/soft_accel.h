/* SPDX-License-Identifier: MIT */
/*
 * Inside the soft accelerator: the per-VM state shared by soft_accel.c
 * (vCPU threads, the CPU's view of memory and ports) and soft_plat.c (the
 * PIC, PIT, IOAPIC and LAPICs hv models itself when there is no KVM).
 */
#ifndef SAFEPC_HV_SOFT_ACCEL_H
#define SAFEPC_HV_SOFT_ACCEL_H

#include <stdatomic.h>
#include <stdint.h>

#include "hv/hv.h"
#include "hv/soft/soft.h"

struct soft_plat;

struct hv_soft_vcpu {
	struct hv_vcpu *hv;
	struct soft_cpu *cpu;
	uint32_t wake_seq;	/* futex word: bumped by every post */
	atomic_int tlb_stale;	/* the memory map changed (PAM) */
};

struct hv_soft {
	struct soft_vm *svm;
	struct hv_soft_vcpu v[HV_MAX_VCPUS];
	struct soft_plat *plat;
};

/* soft_accel.c: posts SOFT_REQ_* to vCPU `id` and wakes it if halted. */
void soft_accel_post(struct hv_vm *vm, unsigned id, unsigned req,
		     unsigned sipi_vector);

/* soft_plat.c */
int soft_plat_create(struct hv_vm *vm);
int soft_plat_start(struct hv_vm *vm);
/* Port and MMIO accesses hv's own chips take; 1 when handled. */
int soft_plat_pio(struct hv_vm *vm, unsigned vcpu, uint16_t port,
		  unsigned size, int is_write, uint32_t *val);
int soft_plat_mmio(struct hv_vm *vm, unsigned vcpu, uint64_t gpa,
		   unsigned size, int is_write, uint64_t *val);
int soft_plat_intr_ack(struct hv_vm *vm, unsigned vcpu);
int soft_plat_rdmsr(struct hv_vm *vm, unsigned vcpu, uint32_t msr,
		    uint64_t *v);
int soft_plat_wrmsr(struct hv_vm *vm, unsigned vcpu, uint32_t msr,
		    uint64_t v);
uint64_t soft_plat_get_cr8(struct hv_vm *vm, unsigned vcpu);
void soft_plat_set_cr8(struct hv_vm *vm, unsigned vcpu, uint64_t v);
int soft_plat_set_irq(struct hv_vm *vm, unsigned gsi, int level);

#endif
