/* SPDX-License-Identifier: MIT */
/*
 * safepc-hv's seccomp allowlist, as a table (common/seccomp_table.h): one
 * rule per syscall hv makes after start-up, with the narrowest arguments
 * that work and the code path that needs it. KVM ioctls are allowed only on
 * this VM's own fds, and only the requests the running VM needs (the VM is
 * built before the filter is installed). Anything else kills the process,
 * and the monitor names the syscall in the domain log.
 *
 * tests/seccomp checks every rule both ways and that each rule not marked
 * rare is used by real domains; keep the table minimal.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <string.h>

#include "common/log.h"
#include "common/seccomp_table.h"
#include "common/util.h"
#include "hv/hv.h"
#include "hv/seccomp.h"

const struct seccomp_rule_desc hv_seccomp_rules[] = {
	/* The main thread: monitor and DMs. */
	SECCOMP_RULE(poll, SECCOMP_ARG_ANY, 0,
		     "hv_serve waits on the control socket and every dm_op "
		     "socket"),
	SECCOMP_RULE(recvfrom, SECCOMP_ARG_ANY, 0,
		     "recv() of monitor commands (hv_ctl_handle) and dm_op "
		     "requests (dm_op_handle)"),
	SECCOMP_RULE(sendto, SECCOMP_ARG_ANY, 0,
		     "send() of dm_op answers (dm_op_handle), RUNNING and the "
		     "stop report to the monitor (hv_serve, hv_stop)"),
	SECCOMP_RULE(write, SECCOMP_ARG_ANY, 0,
		     "log lines (common/log.c); waking a sleeping DM through "
		     "its eventfd (ioreq_notify)"),
	SECCOMP_RULE(futex, SECCOMP_ARG_ANY, 0,
		     "vCPU threads sleep on a DM's ioreq slot (ioreq_wait); "
		     "pthread rwlock/mutex/condvar waits (ranges_lock, "
		     "buf_lock, pause_lock)"),
	SECCOMP_RULE(exit_group, SECCOMP_ARG_ANY, 0,
		     "hv_stop ends the process with _exit() after its report"),
	/* KVM, on this VM's fds only (none under the soft CPU). */
	SECCOMP_IOCTL(SECCOMP_ARG_IOCTL_VCPU, KVM_RUN, 0,
		      "vcpu_thread runs the guest"),
	SECCOMP_IOCTL(SECCOMP_ARG_IOCTL_VM, KVM_IRQ_LINE, 0,
		      "a DM's SET_ISA_IRQ_LEVEL dm_op (dm_op_irq, "
		      "kvm_set_irq)"),
	SECCOMP_IOCTL(SECCOMP_ARG_IOCTL_VM, KVM_SET_USER_MEMORY_REGION, 1,
		      "firmware boot only: the chipset DM's SET_MEM_TYPE "
		      "(PAM) rebuilds the BIOS window's slots "
		      "(firmware_window_update)"),
	/* Starting the vCPU threads (vcpu_start_all, pthread_create). */
	SECCOMP_RULE(clone, SECCOMP_ARG_THREAD, 0,
		     "pthread_create of each vCPU thread"),
	SECCOMP_RULE(clone3, SECCOMP_ARG_ENOSYS, 0,
		     "glibc's pthread_create tries clone3 first; seccomp "
		     "cannot read its flags (in memory), so ENOSYS makes "
		     "glibc fall back to clone"),
	SECCOMP_RULE(mmap, SECCOMP_ARG_ANON_NO_EXEC, 0,
		     "pthread_create maps each vCPU thread's stack"),
	SECCOMP_RULE(mprotect, SECCOMP_ARG_NO_EXEC, 0,
		     "pthread_create makes the stack read/write above its "
		     "guard page"),
	SECCOMP_RULE(rt_sigaction, SECCOMP_ARG_ANY, 0,
		     "vcpu_start_all installs the vCPU kick handler"),
	SECCOMP_RULE(rt_sigprocmask, SECCOMP_ARG_ANY, 0,
		     "vcpu_start_all blocks the kick signal, each vCPU thread "
		     "unblocks it; glibc's pthread_create and pthread_kill "
		     "block signals around their work"),
	SECCOMP_RULE(set_robust_list, SECCOMP_ARG_ANY, 0,
		     "glibc's thread start-up registers the robust mutex "
		     "list of each vCPU thread"),
	SECCOMP_RULE(rseq, SECCOMP_ARG_ANY, 0,
		     "glibc's thread start-up registers the restartable "
		     "sequence area of each vCPU thread"),
	/* Rare paths. */
	SECCOMP_IOCTL(SECCOMP_ARG_IOCTL_VCPU, KVM_GET_REGS, 1,
		      "KVM_EXIT_INTERNAL_ERROR: vcpu_report_internal reads "
		      "the guest's rip for the log"),
	SECCOMP_RULE(getpid, SECCOMP_ARG_ANY, 1,
		     "HVCTL_CMD_PAUSE: vcpu_kick_all's pthread_kill calls "
		     "tgkill(getpid(), tid)"),
	SECCOMP_RULE(tgkill, SECCOMP_ARG_ANY, 1,
		     "HVCTL_CMD_PAUSE: vcpu_kick_all's pthread_kill"),
	SECCOMP_RULE(rt_sigreturn, SECCOMP_ARG_ANY, 1,
		     "HVCTL_CMD_PAUSE: return from the vCPU kick handler"),
	SECCOMP_RULE(pause, SECCOMP_ARG_ANY, 1,
		     "two threads stop the domain at once: the second waits "
		     "in hv_stop for the first's _exit()"),
	SECCOMP_RULE(exit, SECCOMP_ARG_ANY, 1,
		     "a vCPU thread sees `stopping` while another thread is "
		     "in hv_stop and returns: glibc ends the thread"),
	SECCOMP_RULE(madvise, SECCOMP_ARG_ANY, 1,
		     "the same thread exit: glibc gives back the unused part "
		     "of the thread's stack (MADV_DONTNEED)"),
	SECCOMP_RULE(brk, SECCOMP_ARG_ANY, 1,
		     "malloc grows the heap: pthread_create allocates each "
		     "thread's TLS vector, which the heap left by start-up "
		     "normally holds"),
	SECCOMP_RULE(clock_gettime, SECCOMP_ARG_ANY, 1,
		     "util_now_ns and log rate limits go through the vDSO; "
		     "a syscall only when the host clocksource has no vDSO "
		     "support (e.g. hpet, acpi_pm)"),
	SECCOMP_RULE(restart_syscall, SECCOMP_ARG_ANY, 1,
		     "a poll or futex wait with a timeout interrupted by a "
		     "stop (SIGSTOP, cgroup freezer, ptrace) resumes"),
};
const unsigned hv_seccomp_nr_rules = ARRAY_SIZE(hv_seccomp_rules);

int hv_seccomp_apply(struct hv_vm *vm)
{
	struct seccomp_table_fds fds = { .vm_fd = -1 };
	int vcpu_fds[HV_MAX_VCPUS];
	struct seccomp_table_filter f = {
		.dflt = SCMP_ACT_KILL_PROCESS,
		/* Every thread, not only this one: the soft CPU's timer
		 * thread exists already (started with the vCPUs, in
		 * hv_setup). */
		.tsync = 1,
		.rules = hv_seccomp_rules,
		.nr_rules = hv_seccomp_nr_rules,
		.fds = &fds,
	};
	unsigned i;

	/* The soft CPU has no KVM fds: no ioctl at all is allowed then. */
	if (!vm->accel || !strcmp(vm->accel->name, "kvm")) {
		for (i = 0; i < vm->nr_vcpus && i < HV_MAX_VCPUS; i++)
			vcpu_fds[i] = vm->vcpus[i].fd;
		fds.vm_fd = vm->vm_fd;
		fds.vcpu_fds = vcpu_fds;
		fds.nr_vcpu_fds = i;
	}
	return seccomp_table_apply(&f);
}

int hv_seccomp_print(void)
{
	return seccomp_table_print("safepc-hv", "kill the process",
				   hv_seccomp_rules, hv_seccomp_nr_rules);
}
