/* SPDX-License-Identifier: MIT */
/*
 * safepc-dm's seccomp allowlist: what a device model needs to serve ioreqs
 * on fds it was given, and nothing else. No open, no socket, no exec, no
 * process creation, no executable memory, no ioctl.
 */
#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>

#include "common/log.h"
#include "dm/dm.h"

static const int dm_seccomp_plain[] = {
	SCMP_SYS(read),		SCMP_SYS(write),
	SCMP_SYS(poll),		SCMP_SYS(futex),
	SCMP_SYS(recvfrom),	SCMP_SYS(sendto),
	SCMP_SYS(munmap),	SCMP_SYS(brk),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall),	SCMP_SYS(exit_group),
	SCMP_SYS(clock_gettime),
};

int dm_seccomp_apply(struct dm *dm)
{
	scmp_filter_ctx ctx;
	unsigned i;
	int r = 0;

	ctx = seccomp_init(dm->seccomp_log ? SCMP_ACT_LOG
					   : SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < sizeof(dm_seccomp_plain) / sizeof(int) && !r; i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, dm_seccomp_plain[i],
				     0);
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!r)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!r)
		r = seccomp_load(ctx);
	if (r)
		log_err("seccomp: %s", strerror(-r));
	seccomp_release(ctx);
	return r;
}
