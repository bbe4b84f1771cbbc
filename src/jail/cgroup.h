/* SPDX-License-Identifier: MIT */
/*
 * cgroup limits for the processes of a domain, on cgroup v1 (one hierarchy
 * per controller, as on these machines) and v2 (unified). Layout:
 *   v1: /sys/fs/cgroup/<pids|memory|cpu>/safepc/dom<ID>/<proc>
 *   v2: /sys/fs/cgroup/safepc/dom<ID>/<proc>
 * where <proc> is "hv" or "dm-<n>".
 */
#ifndef SAFEPC_JAIL_CGROUP_H
#define SAFEPC_JAIL_CGROUP_H

#include <stdint.h>
#include <stddef.h>

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_MAX_FILES 3

struct cgroup_limits {
	uint64_t pids_max;
	uint64_t memory_max;   /* bytes */
	unsigned cpu_weight;   /* 1-10000, 100 = default */
	unsigned cpu_max_pct;  /* CPU quota in % of one CPU; 0 = none */
};

/* The cgroup.procs (or v1 `tasks`-equivalent) files a process joins. */
struct cgroup_set {
	char procs[CGROUP_MAX_FILES][200];
	unsigned nr;
};

/* 1 on a unified (v2) hierarchy, 0 on v1. */
int cgroup_is_v2(void);

/*
 * cgroup_create - creates the cgroup(s) of process `proc` of domain
 * `domid`, writes its limits and fills `set` with the files to join.
 * Returns 0 or -errno with the failing step in err.
 */
int cgroup_create(unsigned domid, const char *proc,
		  const struct cgroup_limits *l, struct cgroup_set *set,
		  char *err, size_t errlen);

/*
 * cgroup_kill_domain - SIGKILLs every task in the domain's cgroups.
 * Returns how many it signalled.
 */
int cgroup_kill_domain(unsigned domid);

/*
 * cgroup_remove_domain - removes every cgroup of the domain (they must be
 * empty). Returns 0, or -EBUSY when some still hold tasks.
 */
int cgroup_remove_domain(unsigned domid);

/* Directory of process `proc`'s cgroup for `controller` (v1) or the
 * unified one (v2); for `safepc check`. */
void cgroup_path(unsigned domid, const char *proc, const char *controller,
		 char *buf, size_t len);

#endif
