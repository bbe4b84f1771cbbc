/* SPDX-License-Identifier: MIT */
/*
 * seccomp_table: builds and prints a seccomp filter from an allowlist
 * table (seccomp_table.h). hv and the DM share the loop that applies a
 * table; each says only what differs (default action, thread sync, the
 * fds its ioctl rules name, rules of its own).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/futex.h>

#include "common/log.h"
#include "common/seccomp_table.h"

/*
 * Adds one rule to ctx. For the ioctl kinds `fd` is the fd the request is
 * allowed on (the caller adds one rule per fd). 0 or -errno (libseccomp's).
 */
static int seccomp_table_rule_add(scmp_filter_ctx ctx,
				  const struct seccomp_rule_desc *r, int fd)
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

const char *seccomp_table_filter_str(const struct seccomp_rule_desc *r)
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

int seccomp_table_print(const char *prog, const char *dflt,
			const struct seccomp_rule_desc *rules, unsigned nr)
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

/* Adds rule r once per fd of fds it names (ioctl rules), else once. */
static int seccomp_table_add_desc(scmp_filter_ctx ctx,
				  const struct seccomp_rule_desc *r,
				  const struct seccomp_table_fds *fds)
{
	unsigned i;
	int err;

	switch (r->arg) {
	case SECCOMP_ARG_IOCTL_VCPU:
		if (!fds)
			return -EINVAL;
		for (i = 0; i < fds->nr_vcpu_fds; i++) {
			err = seccomp_table_rule_add(ctx, r, fds->vcpu_fds[i]);
			if (err)
				return err;
		}
		return 0;
	case SECCOMP_ARG_IOCTL_VM:
		if (!fds)
			return -EINVAL;
		return fds->vm_fd < 0 ? 0
				      : seccomp_table_rule_add(ctx, r, fds->vm_fd);
	default:
		return seccomp_table_rule_add(ctx, r, -1);
	}
}

int seccomp_table_apply(const struct seccomp_table_filter *f)
{
	scmp_filter_ctx ctx;
	unsigned i;
	int r;

	ctx = seccomp_init(f->dflt);
	if (!ctx)
		return -ENOMEM;
	/* i386 and x32 syscalls are never legitimate, even when the default
	 * action only logs. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			     SCMP_ACT_KILL_PROCESS);
	if (!r && f->tsync)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	for (i = 0; i < f->nr_rules && !r; i++) {
		r = seccomp_table_add_desc(ctx, &f->rules[i], f->fds);
		if (r)
			log_err("seccomp: rule %s: %s", f->rules[i].name,
				strerror(-r));
	}
	if (!r && f->extra)
		r = f->extra(ctx, f->opaque);
	if (!r)
		r = seccomp_load(ctx);
	if (r)
		log_err("seccomp: %s", strerror(-r));
	seccomp_release(ctx);
	return r;
}
