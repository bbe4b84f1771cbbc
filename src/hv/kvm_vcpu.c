/* SPDX-License-Identifier: MIT */
/*
 * KVM's vCPU threads: run the guest and decode each exit. Port and MMIO
 * accesses go to ioreq.c; everything that ends the guest goes to
 * hv_stop().
 */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>

#include "common/log.h"
#include "hv/hv.h"
#include "hv/kvm.h"

static void vcpu_handle_io(struct hv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t bytes = (uint64_t)run->io.size * run->io.count;

	/* KVM never hands us more than its run page; check anyway. */
	if (run->io.size == 0 || run->io.count == 0 ||
	    run->io.data_offset + bytes > (uint64_t)vcpu->vm->run_size)
		hv_stop(vcpu->vm, HVCTL_REASON_HV_ERROR, 0,
			"vCPU %d: malformed PIO exit", vcpu->id);
	ioreq_pio(vcpu, run->io.port, run->io.size, run->io.count,
		  run->io.direction == KVM_EXIT_IO_OUT,
		  (uint8_t *)run + run->io.data_offset);
}

static void vcpu_report_internal(struct hv_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct kvm_regs regs;
	unsigned long long rip = 0;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) == 0)
		rip = regs.rip;
	hv_stop(vcpu->vm, HVCTL_REASON_CRASH, 0,
		"vCPU %d: KVM internal error suberror %u at rip 0x%llx",
		vcpu->id, run->internal.suberror, rip);
}

void *kvm_vcpu_thread(void *arg)
{
	struct hv_vcpu *vcpu = arg;
	struct hv_vm *vm = vcpu->vm;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	while (!atomic_load(&vm->stopping)) {
		if (atomic_load(&vm->paused))
			vcpu_wait_unpaused(vm);
		vcpu->run->immediate_exit = 0;
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
				"vCPU %d: KVM_RUN: %s", vcpu->id,
				strerror(errno));
		}
		switch (vcpu->run->exit_reason) {
		case KVM_EXIT_IO:
			vcpu_handle_io(vcpu);
			break;
		case KVM_EXIT_MMIO:
			if (vcpu->run->mmio.len > 8)
				hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
					"vCPU %d: MMIO exit of %u bytes",
					vcpu->id, vcpu->run->mmio.len);
			ioreq_mmio(vcpu, vcpu->run->mmio.phys_addr,
				   vcpu->run->mmio.len,
				   vcpu->run->mmio.is_write,
				   vcpu->run->mmio.data);
			break;
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_HLT:
			/* With the in-kernel LAPIC KVM handles HLT itself;
			 * seeing it means interrupts can never come. */
			hv_stop(vm, HVCTL_REASON_CRASH, 0,
				"vCPU %d halted with no irqchip", vcpu->id);
		case KVM_EXIT_SHUTDOWN:
			hv_stop(vm, HVCTL_REASON_CRASH, 0,
				"vCPU %d: triple fault", vcpu->id);
		case KVM_EXIT_SYSTEM_EVENT:
			if (vcpu->run->system_event.type ==
			    KVM_SYSTEM_EVENT_RESET)
				hv_stop(vm, HVCTL_REASON_REBOOT, 0,
					"vCPU %d: reset", vcpu->id);
			hv_stop(vm, HVCTL_REASON_POWEROFF, 0,
				"vCPU %d: system event %u", vcpu->id,
				vcpu->run->system_event.type);
		case KVM_EXIT_INTERNAL_ERROR:
			vcpu_report_internal(vcpu);
			break;
		case KVM_EXIT_FAIL_ENTRY:
			hv_stop(vm, HVCTL_REASON_CRASH, 0,
				"vCPU %d: VM entry failed (reason 0x%llx)",
				vcpu->id,
				(unsigned long long)vcpu->run->fail_entry
					.hardware_entry_failure_reason);
		default:
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
				"vCPU %d: unhandled exit reason %u", vcpu->id,
				vcpu->run->exit_reason);
		}
	}
	return NULL;
}

/* kvm_kick_all - makes every vCPU leave KVM_RUN soon. */
void kvm_kick_all(struct hv_vm *vm)
{
	unsigned i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		if (!vm->vcpus[i].thread)
			continue;
		vm->vcpus[i].run->immediate_exit = 1;
		pthread_kill(vm->vcpus[i].thread, VCPU_KICK_SIGNAL);
	}
}
