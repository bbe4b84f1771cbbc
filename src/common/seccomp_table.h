/* SPDX-License-Identifier: MIT */
/*
 * seccomp allowlists as tables. Each jailed program (safepc-hv, safepc-dm)
 * describes its allowlist as one entry per rule: the syscall, the argument
 * filter, the code path that needs it, and whether that path is rare. The
 * same table builds the filter, prints the allowlist (--print-allowlist)
 * and drives the tests (tests/seccomp): every rule is exercised in both
 * directions, and every rule that is not rare must be seen in a real run.
 *
 * Header-only so that each program and the tests compile it with their own
 * libseccomp; include it only where <seccomp.h> is available.
 */
#ifndef SAFEPC_COMMON_SECCOMP_TABLE_H
#define SAFEPC_COMMON_SECCOMP_TABLE_H

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/mman.h>
#include <linux/futex.h>

/* The argument filter of one rule. */
enum seccomp_rule_arg {
	SECCOMP_ARG_ANY,	  /* any arguments */
	SECCOMP_ARG_NO_EXEC,	  /* arg 2 (prot) without PROT_EXEC */
	SECCOMP_ARG_ANON_NO_EXEC, /* mmap: MAP_ANONYMOUS, no PROT_EXEC */
	SECCOMP_ARG_THREAD,	  /* clone: arg 0 (flags) has CLONE_THREAD */
	SECCOMP_ARG_FUTEX_WAKE,	  /* futex: arg 1 (op) is FUTEX_WAKE */
	SECCOMP_ARG_IOCTL_VCPU,	  /* ioctl on a vCPU fd, request .req */
	SECCOMP_ARG_IOCTL_VM,	  /* ioctl on the VM fd, request .req */
	SECCOMP_ARG_ENOSYS,	  /* not allowed: ENOSYS, not killed */
};

struct seccomp_rule_desc {
	int nr;			/* SCMP_SYS(name) */
	const char *name;	/* as libseccomp and strace spell it */
	enum seccomp_rule_arg arg;
	unsigned long req;	/* ioctl request (SECCOMP_ARG_IOCTL_*) */
	const char *req_name;
	const char *why;	/* the code path that needs it */
	int rare;		/* 1: only on the rare path `why` names */
};

/* One rule; SECCOMP_IOCTL for an ioctl request on listed fds. */
#define SECCOMP_RULE(sys, argf, rare_, why_)                                 \
	{ .nr = SCMP_SYS(sys), .name = #sys, .arg = (argf), .req = 0,        \
	  .req_name = NULL, .why = (why_), .rare = (rare_) }
#define SECCOMP_IOCTL(argf, request, rare_, why_)                            \
	{ .nr = SCMP_SYS(ioctl), .name = "ioctl", .arg = (argf),             \
	  .req = (request), .req_name = #request, .why = (why_),             \
	  .rare = (rare_) }

/*
 * seccomp_table_rule_add - adds one rule to `ctx`. For the ioctl kinds `fd`
 * is the fd the request is allowed on (the caller adds one rule per fd).
 * Returns 0 or -errno (libseccomp's).
 */
static inline int seccomp_table_rule_add(scmp_filter_ctx ctx,
					 const struct seccomp_rule_desc *r,
					 int fd)
{
	switch (r->arg) {
	case SECCOMP_ARG_ANY:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 0);
	case SECCOMP_ARG_NO_EXEC:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
					SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC,
						0));
	case SECCOMP_ARG_ANON_NO_EXEC:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 2,
					SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC,
						0),
					SCMP_A3(SCMP_CMP_MASKED_EQ,
						MAP_ANONYMOUS, MAP_ANONYMOUS));
	case SECCOMP_ARG_THREAD:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
					SCMP_A0(SCMP_CMP_MASKED_EQ,
						CLONE_THREAD, CLONE_THREAD));
	case SECCOMP_ARG_FUTEX_WAKE:
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 1,
					SCMP_A1(SCMP_CMP_EQ, FUTEX_WAKE));
	case SECCOMP_ARG_IOCTL_VCPU:
	case SECCOMP_ARG_IOCTL_VM:
		if (fd < 0)
			return -EBADF;
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, r->nr, 2,
					SCMP_A0(SCMP_CMP_EQ,
						(scmp_datum_t)fd),
					SCMP_A1(SCMP_CMP_EQ,
						(scmp_datum_t)r->req));
	case SECCOMP_ARG_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), r->nr, 0);
	}
	return -EINVAL;
}

/* seccomp_table_filter_str - the argument filter in words. */
static inline const char *
seccomp_table_filter_str(const struct seccomp_rule_desc *r)
{
	switch (r->arg) {
	case SECCOMP_ARG_ANY:
		return "any arguments";
	case SECCOMP_ARG_NO_EXEC:
		return "prot without PROT_EXEC";
	case SECCOMP_ARG_ANON_NO_EXEC:
		return "MAP_ANONYMOUS, prot without PROT_EXEC";
	case SECCOMP_ARG_THREAD:
		return "flags with CLONE_THREAD";
	case SECCOMP_ARG_FUTEX_WAKE:
		return "op FUTEX_WAKE only";
	case SECCOMP_ARG_IOCTL_VCPU:
		return "on a vCPU fd of this VM only";
	case SECCOMP_ARG_IOCTL_VM:
		return "on this VM's fd only";
	case SECCOMP_ARG_ENOSYS:
		return "always fails with ENOSYS (not killed)";
	}
	return "?";
}

/*
 * seccomp_table_print - prints an allowlist, one rule a line:
 *   NAME <TAB> FILTER <TAB> always|rare <TAB> WHY
 * where NAME is the syscall, or ioctl(REQUEST) for an ioctl rule. Lines
 * starting with '#' are comments. Returns 0, or 1 if stdout failed.
 */
static inline int seccomp_table_print(const char *prog, const char *dflt,
				      const struct seccomp_rule_desc *rules,
				      unsigned nr)
{
	unsigned i;

	printf("# %s seccomp allowlist (libseccomp); anything else: %s\n",
	       prog, dflt);
	printf("# syscall\tfilter\twhen\twhy\n");
	for (i = 0; i < nr; i++) {
		const struct seccomp_rule_desc *r = &rules[i];

		if (r->req_name)
			printf("%s(%s)", r->name, r->req_name);
		else
			printf("%s", r->name);
		printf("\t%s\t%s\t%s\n", seccomp_table_filter_str(r),
		       r->rare ? "rare" : "always", r->why);
	}
	return fflush(stdout) != 0 || ferror(stdout);
}

#endif
