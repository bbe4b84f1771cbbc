/* SPDX-License-Identifier: MIT */
/*
 * The KVM side of safepc-hv: the VM from the /dev/kvm fd the monitor
 * passed, guest RAM from the RAM memfd, the in-kernel irqchip and PIT, and
 * the vCPUs in the multiboot entry state.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "common/log.h"
#include "hv/hv.h"

/* Where KVM may place its real-mode helper pages: just below the BIOS. */
#define KVM_TSS_ADDR 0xfffbd000ul
#define KVM_IDENTITY_MAP_ADDR 0xfffbc000ul

static int kvm_add_slot(struct hv_vm *vm, unsigned slot, uint64_t gpa,
			uint64_t size, void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
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
int kvm_vm_create(struct hv_vm *vm)
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

	guestmem_layout(vm->ram_bytes, &gm->low_size, &gm->high_size);
	gm->base = mmap(NULL, vm->ram_bytes, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_NORESERVE, vm->ram_fd, 0);
	if (gm->base == MAP_FAILED) {
		r = -errno;
		log_err("mapping guest RAM: %s", strerror(-r));
		return r;
	}
	/* Guest RAM in huge pages where the host allows them for shmem
	 * (shmem_enabled = advise), as QEMU asks for its anonymous RAM;
	 * a no-op otherwise. Done before the seccomp filter. */
	(void)madvise(gm->base, vm->ram_bytes, MADV_HUGEPAGE);
	/* Low RAM minus the legacy hole, then RAM above 4 GiB. */
	r = kvm_add_slot(vm, 0, 0,
			 gm->low_size < GUESTMEM_HOLE_START ? gm->low_size
							    : GUESTMEM_HOLE_START,
			 gm->base);
	if (!r && gm->low_size > GUESTMEM_HOLE_END)
		r = kvm_add_slot(vm, 1, GUESTMEM_HOLE_END,
				 gm->low_size - GUESTMEM_HOLE_END,
				 gm->base + GUESTMEM_HOLE_END);
	if (!r && gm->high_size)
		r = kvm_add_slot(vm, 2, GUESTMEM_HIGH_BASE, gm->high_size,
				 gm->base + gm->low_size);
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

/*
 * The boot trampoline. vCPU 0 starts in real mode, as after reset, at a
 * few bytes hv writes below the multiboot info; they load a flat GDT,
 * enter 32-bit protected mode and jump to the kernel with EAX and EBX as
 * the multiboot spec wants (preloaded: a mode switch keeps GPRs). Starting
 * in real mode, like firmware does, works on every KVM host, including
 * those that cannot enter protected mode directly.
 */
#define KVM_TRAMPOLINE 0x7000u

static const uint8_t kvm_trampoline[] = {
	/* 0x00: GDT: null, flat 32-bit code (0x08), flat data (0x10) */
	0, 0, 0, 0, 0, 0, 0, 0,
	0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0,
	0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0,
	/* 0x18: GDTR: limit 23, base KVM_TRAMPOLINE */
	23, 0, 0x00, 0x70, 0, 0, 0, 0,
	/* 0x20, 16-bit code: cli; lgdt [0x7018]; cr0.PE = 1;
	 * jmp dword 0x08:0x7040 */
	0xfa, 0x0f, 0x01, 0x16, 0x18, 0x70,
	0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f, 0x22, 0xc0,
	0x66, 0xea, 0x40, 0x70, 0x00, 0x00, 0x08, 0x00,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	/* 0x40, 32-bit code: data segments = 0x10; EAX = the multiboot
	 * magic (the mode switch used EAX); jmp *%ecx */
	0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xe0,
	0x8e, 0xe8, 0x8e, 0xd0, 0xb8, 0x02, 0xb0, 0xad, 0x2b, 0xff, 0xe1,
};
_Static_assert(sizeof(kvm_trampoline) == 0x55, "trampoline layout");

static int kvm_setup_boot_cpu(struct hv_vm *vm, struct hv_vcpu *vcpu,
			      uint32_t entry, uint32_t ebx)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	uint8_t *p = guestmem_ptr(&vm->mem, KVM_TRAMPOLINE,
				  sizeof(kvm_trampoline));

	if (!p || (vm->kernel_start < KVM_TRAMPOLINE + sizeof(kvm_trampoline) &&
		   vm->kernel_end > KVM_TRAMPOLINE))
		return -EADDRINUSE; /* the image covers the trampoline */
	memcpy(p, kvm_trampoline, sizeof(kvm_trampoline));
	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	regs.rip = KVM_TRAMPOLINE + 0x20;
	regs.rbx = ebx;
	regs.rcx = entry;
	if (ioctl(vcpu->fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}

/*
 * kvm_vcpus_create - creates every vCPU; vCPU 0 starts at the multiboot
 * entry, the others wait for INIT/SIPI in the in-kernel LAPIC.
 */
int kvm_vcpus_create(struct hv_vm *vm, uint32_t entry, uint32_t ebx)
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
		if (i == 0 && !vm->boot_firmware) {
			/* With firmware, vCPU 0 starts from the reset vector
			 * (0xFFFFFFF0), KVM's reset state. */
			r = kvm_setup_boot_cpu(vm, vcpu, entry, ebx);
			if (r) {
				log_err("vCPU 0 registers: %s", strerror(-r));
				return r;
			}
		}
	}
	return 0;
}

/* kvm_set_irq - drives an in-kernel irqchip input (GSI) to `level`. */
int kvm_set_irq(struct hv_vm *vm, unsigned irq, int level)
{
	struct kvm_irq_level l = { .irq = irq, .level = level ? 1 : 0 };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0)
		return -errno;
	return 0;
}
