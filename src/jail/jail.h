/* SPDX-License-Identifier: MIT */
/*
 * The jail every guest-facing process starts in (docs/security.md): its own
 * uid and gid, no supplementary groups, new mount/pid/net/ipc/uts/cgroup
 * namespaces, an empty read-only root, no capabilities in any set, locked
 * securebits, no_new_privs, rlimits, exactly the manifest's fds, an empty
 * environment and umask 077. The program runs from an fd opened before
 * the jail (it is linked statically: the empty root has no loader).
 */
#ifndef SAFEPC_JAIL_JAIL_H
#define SAFEPC_JAIL_JAIL_H

#include <stdint.h>
#include <sys/types.h>

#define JAIL_MAX_FDS 48

/* Restrictions a domain may give up explicitly (config jail_weaken). */
#define JAIL_WEAKEN_SECCOMP (1u << 0) /* applied by the program itself */
#define JAIL_WEAKEN_NETNS (1u << 1)
#define JAIL_WEAKEN_IPCNS (1u << 2)
#define JAIL_WEAKEN_UTSNS (1u << 3)
#define JAIL_WEAKEN_PIDNS (1u << 4)
#define JAIL_WEAKEN_ROOT (1u << 5)
#define JAIL_WEAKEN_CAPS (1u << 6)	/* keep the bounding set */
#define JAIL_WEAKEN_NNP (1u << 7)
#define JAIL_WEAKEN_RLIMITS (1u << 8)
#define JAIL_WEAKEN_CGROUPS (1u << 9)

struct jail_spec {
	const char *what; /* for error messages: "hv", "dm/1/chipset" */
	uid_t uid;
	gid_t gid;
	int exe_fd;		/* the program, opened O_RDONLY */
	char *const *argv;
	/* fds[i] becomes fd i in the child; -1 leaves i closed. */
	int fds[JAIL_MAX_FDS];
	int nr_fds;
	const char *empty_root; /* an existing directory on the host */
	unsigned long nofile;	/* RLIMIT_NOFILE */
	unsigned long nproc;	/* RLIMIT_NPROC: tasks of this uid */
	unsigned long fsize;	/* RLIMIT_FSIZE in bytes */
	const char *cgroup_procs[4]; /* cgroup.procs / tasks files to join */
	unsigned weaken; /* JAIL_WEAKEN_* */
	uint64_t cpus;	 /* CPU affinity (bit n = CPU n), 0 = any */
};

/*
 * jail_spawn - starts the program of `spec` inside a new jail.
 * On success returns 0 with the child's pid (as seen from here) and a
 * pidfd; the program is already executing. On failure returns -errno and
 * writes the failing step into err.
 */
int jail_spawn(const struct jail_spec *spec, pid_t *pid, int *pidfd,
	       char *err, size_t errlen);

#endif
