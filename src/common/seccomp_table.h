/* SPDX-License-Identifier: MIT */
/*
 * seccomp allowlists as tables. Each jailed program (safepc-hv, safepc-dm)
 * describes its allowlist as one entry per rule: the syscall, the argument
 * filter, the code path that needs it, and whether that path is rare. The
 * same table builds the filter, prints the allowlist (--print-allowlist)
 * and drives the tests (tests/seccomp): every rule is exercised in both
 * directions, and every rule that is not rare must be seen in a real run.
 *
 * seccomp_table.c is compiled into each program and the tests (not into
 * common_lib), each with its own libseccomp; include this header only
 * where <seccomp.h> is available.
 */
#ifndef SAFEPC_COMMON_SECCOMP_TABLE_H
#define SAFEPC_COMMON_SECCOMP_TABLE_H

#include <seccomp.h>
#include <stdint.h>

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

/* Which fds the ioctl rules of a table may name. */
struct seccomp_table_fds {
	int vm_fd;		/* the VM's fd, or -1: none */
	const int *vcpu_fds;	/* one per vCPU */
	unsigned nr_vcpu_fds;
};

/* How one program builds its filter from its table. */
struct seccomp_table_filter {
	uint32_t dflt;		/* action for anything not allowed */
	int tsync;		/* 1: load it for every thread */
	const struct seccomp_rule_desc *rules;
	unsigned nr_rules;
	/* The fds an ioctl rule is added for, once per fd (none there: the
	 * rule adds nothing); NULL: the program holds no such fd, and a
	 * table with an ioctl rule is refused (-EINVAL). */
	const struct seccomp_table_fds *fds;
	/* Rules that are not in the table (e.g. per-fd ones), or NULL;
	 * called after the table's; 0 or -errno. */
	int (*extra)(scmp_filter_ctx ctx, void *opaque);
	void *opaque;
};

/*
 * seccomp_table_apply - builds the filter `f` describes (every rule of its
 * table, then f->extra's), refusing foreign architectures, and loads it.
 * Logs the rule that failed. Returns 0 or -errno.
 */
int seccomp_table_apply(const struct seccomp_table_filter *f);

/* seccomp_table_filter_str - the argument filter in words. */
const char *seccomp_table_filter_str(const struct seccomp_rule_desc *r);

/*
 * seccomp_table_print - prints an allowlist, one rule a line:
 *   NAME <TAB> FILTER <TAB> always|rare <TAB> WHY
 * where NAME is the syscall, or ioctl(REQUEST) for an ioctl rule. Lines
 * starting with '#' are comments. Returns 0, or 1 if stdout failed.
 */
int seccomp_table_print(const char *prog, const char *dflt,
			const struct seccomp_rule_desc *rules, unsigned nr);

#endif
