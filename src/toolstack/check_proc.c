/* SPDX-License-Identifier: MIT */
/*
 * check_proc: one process of the domain: is it still the monitor's child,
 * is it dumpable, is its environment empty, and all its check families.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "toolstack/check_priv.h"

/*
 * Is p->pid still the process the monitor started? Its parent must be the
 * monitor (a recycled pid would not be). 0 when it is.
 */
int check_alive(struct check_proc *p, pid_t monitor)
{
	char path[64], st[8192];
	uint64_t ppid, tgid;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	if (check_read_file(path, st, sizeof(st)) < 0) {
		check_row(p, "process", CHECK_FAIL, "pid %d is not running",
			  (int)p->pid);
		return -1;
	}
	if (check_field_nums(st, "PPid", 10, &ppid, 1) ||
	    check_field_nums(st, "Tgid", 10, &tgid, 1) ||
	    tgid != (uint64_t)p->pid || ppid != (uint64_t)monitor) {
		check_row(p, "process", CHECK_FAIL,
			  "pid %d is not a child of monitor %d (pid reused?)",
			  (int)p->pid, (int)monitor);
		return -1;
	}
	check_row(p, "process", CHECK_PASS, "pid %d, child of monitor %d",
		  (int)p->pid, (int)monitor);
	return 0;
}

/* Every row of one running process, in the order of docs/security.md. */
void check_proc_all(struct check_domain *d, struct check_proc *p)
{
	check_creds(p);
	check_dumpable(p);
	check_namespaces(p, d->monitor);
	check_root(p);
	check_rlimits(p);
	check_cgroups(p, d->domid);
	check_fds(p, d->monitor, d->vcpus);
	check_environ(p);
}


/*
 * Not dumpable: /proc/PID files of a non-dumpable process belong to root
 * (the kernel recomputes their owner from the dumpable flag on every
 * lookup), while a dumpable process's belong to its own uid.
 */
void check_dumpable(struct check_proc *p)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	if (stat(path, &st)) {
		check_row(p, "dumpable", CHECK_FAIL, "cannot stat %s: %s", path,
			  strerror(errno));
		return;
	}
	if (p->uid == 0) {
		check_row(p, "dumpable", CHECK_FAIL,
			  "cannot tell: the process's uid is 0");
		return;
	}
	if (st.st_uid != 0)
		check_row(p, "dumpable", CHECK_FAIL,
			  "dumpable: /proc/%d is owned by uid %u", (int)p->pid,
			  (unsigned)st.st_uid);
	else
		check_row(p, "dumpable", CHECK_PASS,
			  "not dumpable (/proc/%d owned by root)", (int)p->pid);
}

/* The environment the program was started with; the jail passes none,
 * so nothing of the monitor's (paths, test hooks) leaks in. */
void check_environ(struct check_proc *p)
{
	char path[64], buf[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)p->pid);
	n = check_read_file(path, buf, sizeof(buf));
	if (n < 0 && n != -EFBIG)
		check_row(p, "environ", CHECK_FAIL, "cannot read %s: %s", path,
			  strerror((int)-n));
	else if (n != 0)
		check_row(p, "environ", CHECK_FAIL, "not empty");
	else
		check_row(p, "environ", CHECK_PASS, "empty");
}
