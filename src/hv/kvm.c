/* SPDX-License-Identifier: MIT */
/*
 * The KVM accelerator: the VM from the /dev/kvm fd the monitor passed,
 * guest RAM (mapped by hv) as memory slots, the in-kernel irqchip and PIT,
 * and the vCPUs (their run loop is in kvm_vcpu.c).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "common/log.h"
#include "hv/accel.h"
#include "hv/hv.h"
#include "hv/kvm.h"

/* Where KVM may place its real-mode helper pages: just below the BIOS. */
#define KVM_TSS_ADDR 0xfffbd000ul
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000ul

/* kvm_set_slot - the one KVM memory-slot helper (size 0 removes it). */
static int kvm_set_slot(struct hv_vm *vm, unsigned slot, uint64_t gpa,
			uint64_t size, void *host, int readonly)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = readonly ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return -errno;
	return 0;
}

/*
 * kvm_vm_create - creates the VM and its memory, irqchip and PIT.
 * Returns 0 or -errno (logged).
 */
static int kvm_vm_create(struct hv_vm *vm)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	struct guestmem *gm = &vm->mem;
	int api, r;

	api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		log_err("KVM API version %d, expected %d", api,
			KVM_API_VERSION);
		return -ENOTSUP;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		r = -errno;
		log_err("KVM_CREATE_VM: %s", strerror(-r));
		return r;
	}
	vm->run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0)
		return -EINVAL;
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0 ||
	    ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR,
		  &(uint64_t){ KVM_IDENTITY_MAP_ADDR }) < 0) {
		r = -errno;
		log_err("KVM TSS/identity map: %s", strerror(-r));
		return r;
	}

	/* Low RAM minus the legacy hole, then RAM above 4 GiB. */
	r = kvm_set_slot(vm, 0, 0,
			 gm->low_size < GUESTMEM_HOLE_START ? gm->low_size
							    : GUESTMEM_HOLE_START,
			 gm->base, 0);
	if (!r && gm->low_size > GUESTMEM_HOLE_END)
		r = kvm_set_slot(vm, 1, GUESTMEM_HOLE_END,
				 gm->low_size - GUESTMEM_HOLE_END,
				 gm->base + GUESTMEM_HOLE_END, 0);
	if (!r && gm->high_size)
		r = kvm_set_slot(vm, 2, GUESTMEM_HIGH_BASE, gm->high_size,
				 gm->base + gm->low_size, 0);
	if (r) {
		log_err("KVM_SET_USER_MEMORY_REGION: %s", strerror(-r));
		return r;
	}

	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0 ||
	    ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		r = -errno;
		log_err("in-kernel irqchip/PIT: %s", strerror(-r));
		return r;
	}
	return 0;
}

static int kvm_setup_cpuid(struct hv_vm *vm, struct hv_vcpu *vcpu)
{
	const unsigned max = 256;
	struct kvm_cpuid2 *cpuid;
	unsigned i;
	int r = 0;

	cpuid = calloc(1, sizeof(*cpuid) + max * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = max;
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) {
		r = -errno;
		goto out;
	}
	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 1) {
			/* Initial APIC id and logical processor count. */
			e->ebx = (e->ebx & 0x0000ffffu) |
				 ((uint32_t)vcpu->id << 24) |
				 (vm->nr_vcpus << 16);
			e->ecx |= 1u << 31; /* hypervisor present */
		} else if (e->function == 0xb || e->function == 0x1f) {
			e->edx = (uint32_t)vcpu->id;
		}
	}
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0)
		r = -errno;
out:
	free(cpuid);
	return r;
}

/* vCPU 0 in real mode at 0000:ip, with EBX and ECX for the trampoline. */
static int kvm_setup_boot_cpu(struct hv_vcpu *vcpu, uint16_t ip, uint32_t ebx,
			      uint32_t ecx)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	regs.rip = ip;
	regs.rbx = ebx;
	regs.rcx = ecx;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

/*
 * kvm_vcpus_create - creates every vCPU; with `boot`, vCPU 0 starts at the
 * trampoline, else (firmware) at KVM's reset state; the others wait for
 * INIT/SIPI in the in-kernel LAPIC.
 */
static int kvm_vcpus_create(struct hv_vm *vm, int boot, uint16_t boot_ip,
			    uint32_t ebx, uint32_t ecx)
{
	unsigned i;
	int r;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct hv_vcpu *vcpu = &vm->vcpus[i];

		vcpu->id = (int)i;
		vcpu->vm = vm;
		vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, i);
		if (vcpu->fd < 0) {
			r = -errno;
			log_err("KVM_CREATE_VCPU %u: %s", i, strerror(-r));
			return r;
		}
		vcpu->run = mmap(NULL, (size_t)vm->run_size,
				 PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd,
				 0);
		if (vcpu->run == MAP_FAILED) {
			r = -errno;
			log_err("mapping vCPU %u run area: %s", i,
				strerror(-r));
			return r;
		}
		r = kvm_setup_cpuid(vm, vcpu);
		if (r) {
			log_err("vCPU %u CPUID: %s", i, strerror(-r));
			return r;
		}
		if (i == 0 && boot) {
			r = kvm_setup_boot_cpu(vcpu, boot_ip, ebx, ecx);
			if (r) {
				log_err("vCPU 0 registers: %s", strerror(-r));
				return r;
			}
		}
	}
	return 0;
}

/* kvm_set_irq - drives an in-kernel irqchip input (GSI) to `level`. */
static int kvm_set_irq(struct hv_vm *vm, unsigned irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level ? 1 : 0 };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0)
		return -errno;
	return 0;
}

/* DMA by a DM is coherent under KVM: the guest's next fetch sees it. */
static void kvm_ram_written(struct hv_vm *vm, uint64_t gpa, uint64_t len)
{
}

const struct hv_accel hv_accel_kvm = {
	.name = "kvm",
	.vm_create = kvm_vm_create,
	.vcpus_create = kvm_vcpus_create,
	.vcpu_thread = kvm_vcpu_thread,
	.set_irq = kvm_set_irq,
	.kick_all = kvm_kick_all,
	.set_slot = kvm_set_slot,
	.ram_written = kvm_ram_written,
};
