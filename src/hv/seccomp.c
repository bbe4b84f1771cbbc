/* SPDX-License-Identifier: MIT */
/*
 * safepc-hv's seccomp allowlist. Every syscall hv makes after start-up is
 * listed here with the narrowest arguments that work; anything else kills
 * the process, and the monitor names the syscall in the domain log.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <string.h>
#include <sys/socket.h>

#include "common/log.h"
#include "hv/hv.h"
#include "hv/seccomp.h"

/* Syscalls allowed with any arguments. */
static const int hv_seccomp_plain[] = {
	SCMP_SYS(read),		SCMP_SYS(write),
	SCMP_SYS(close),	SCMP_SYS(poll),
	SCMP_SYS(ppoll),	SCMP_SYS(futex),
	SCMP_SYS(recvfrom),	SCMP_SYS(sendto),
	SCMP_SYS(munmap),	SCMP_SYS(madvise),
	SCMP_SYS(brk),		SCMP_SYS(rt_sigaction),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(exit),		SCMP_SYS(exit_group),
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(gettid),	SCMP_SYS(getpid),
	SCMP_SYS(tgkill),	SCMP_SYS(pause),
	SCMP_SYS(sched_yield),
};

/* ioctls on a vCPU fd, on the VM fd. */
static const unsigned long hv_vcpu_ioctls[] = {
	KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS,
};
static const unsigned long hv_vm_ioctls[] = {
	KVM_IRQ_LINE,
};

static int hv_seccomp_ioctl(scmp_filter_ctx ctx, int fd, unsigned long req)
{
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 2,
				SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd),
				SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)req));
}

int hv_seccomp_apply(struct hv_vm *vm)
{
	scmp_filter_ctx ctx;
	unsigned i, j;
	int r = 0;

	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < sizeof(hv_seccomp_plain) / sizeof(int) && !r; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, hv_seccomp_plain[i],
				     0);
	/* Memory: never executable. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	/* Threads only (vCPUs): clone must carry CLONE_THREAD; clone3's
	 * flags live in memory seccomp cannot read, so it fails with ENOSYS
	 * and glibc falls back to clone. */
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				     SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					     CLONE_THREAD));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				     SCMP_SYS(clone3), 0);
	for (i = 0; i < vm->nr_vcpus && !r; i++)
		for (j = 0; j < sizeof(hv_vcpu_ioctls) / sizeof(long) && !r; j++)
			r = hv_seccomp_ioctl(ctx, vm->vcpus[i].fd,
					     hv_vcpu_ioctls[j]);
	for (j = 0; j < sizeof(hv_vm_ioctls) / sizeof(long) && !r; j++)
		r = hv_seccomp_ioctl(ctx, vm->vm_fd, hv_vm_ioctls[j]);
	if (!r)
		r = seccomp_load(ctx);
	if (r)
		log_err("seccomp: %s", strerror(-r));
	seccomp_release(ctx);
	return r;
}
