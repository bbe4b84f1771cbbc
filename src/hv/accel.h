/* SPDX-License-Identifier: MIT */
/*
 * The accelerator seam: what runs the guest's instructions. Two backends
 * implement it: KVM (kvm.c, kvm_vcpu.c) over the /dev/kvm fd the monitor
 * passed, and the soft CPU (soft_accel.c), an interpreter inside hv's own
 * jail. Everything else in hv (exit routing through ioreq, dm_op, PCI
 * configuration, the loaders, the firmware window) is shared: a device
 * model never knows which backend serves its guest.
 */
#ifndef SAFEPC_HV_ACCEL_H
#define SAFEPC_HV_ACCEL_H

#include <stdint.h>

struct hv_vm;
struct hv_vcpu;

struct hv_accel {
	const char *name; /* "kvm" or "soft", as the config says it */
	/* Creates the VM over vm->mem (mapped by hv): memory, interrupt
	 * controllers and timers. 0 or -errno (logged). */
	int (*vm_create)(struct hv_vm *vm);
	/* Creates every vCPU; with `boot`, vCPU 0 starts in real mode at
	 * 0000:boot_ip with the given EBX and ECX (the multiboot
	 * trampoline), else at the reset vector. The others wait for
	 * INIT/SIPI. 0 or -errno (logged). */
	int (*vcpus_create)(struct hv_vm *vm, int boot, uint16_t boot_ip,
			    uint32_t ebx, uint32_t ecx);
	/* The body of a vCPU thread; returns only when the domain stops. */
	void *(*vcpu_thread)(void *vcpu);
	/* Drives interrupt input `gsi` (IOAPIC pin; ISA IRQs 0-15 also reach
	 * the PIC pair) to `level`. Called with the line's combined level. */
	int (*set_irq)(struct hv_vm *vm, unsigned gsi, int level);
	/* Makes every vCPU return to its thread loop soon (pause, stop). */
	void (*kick_all)(struct hv_vm *vm);
	/* Maps `size` bytes of host memory at guest-physical `gpa` as slot
	 * `slot` (size 0 removes it), read-only or not; the firmware
	 * window and image use it. The soft CPU reads hv's PAM table
	 * instead and only drops what it cached. 0 or -errno. */
	int (*set_slot)(struct hv_vm *vm, unsigned slot, uint64_t gpa,
			uint64_t size, void *host, int readonly);
	/* Guest RAM [gpa, gpa + len) was written behind the CPU's back (a
	 * DM's DMA, reported with dm_op modified_memory). */
	void (*ram_written)(struct hv_vm *vm, uint64_t gpa, uint64_t len);
};

extern const struct hv_accel hv_accel_kvm;
extern const struct hv_accel hv_accel_soft;

#endif
