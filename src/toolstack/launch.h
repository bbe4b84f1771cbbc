/* SPDX-License-Identifier: MIT */
/*
 * launch: turns a domain configuration into jailed processes. It takes
 * the DM placement from launch_plan.h, writes each process's command line
 * and manifest (the fds it gets and the ranges/IRQs hv lets it claim), and
 * spawns them.
 */
#ifndef SAFEPC_TOOLSTACK_LAUNCH_H
#define SAFEPC_TOOLSTACK_LAUNCH_H

#include <sys/types.h>

#include "proto/fds.h"
#include "proto/statefile.h"
#include "toolstack/domcfg.h"
#include "toolstack/logrelay.h"

#define LAUNCH_MAX_DMS LAUNCH_HV_MAX_DMS
#define LAUNCH_RUN_DIR "/run/safepc"
#define LAUNCH_UID_BASE 131072u	 /* default; see launch_host_config() */
#define LAUNCH_UID_COUNT 16384u	 /* default: ids 1..1023, 16 uids each */
#define LAUNCH_UIDS_PER_DOMAIN 16u
#define LAUNCH_HOST_CONFIG "/etc/safepc/safepc.conf"

/* One process of a running domain, as the monitor tracks it. */
struct launch_proc {
	char tag[32];
	pid_t pid;
	int pidfd;
	uid_t uid;
	/* /dev/kmsg opened at its end just before the spawn, so a seccomp
	 * kill's audit record found there is this process's own (uids are
	 * reused by later domains with the same domid); and what it named. */
	int kmsg_fd;
	char seccomp_syscall[32];
	int exited;
	int wstatus_code; /* CLD_EXITED / CLD_KILLED ... */
	int wstatus;
};

/*
 * launch_proc_seccomp - for a process killed by its seccomp filter, the
 * name of the syscall the kernel's audit record names (read once, from
 * the records logged since the spawn), or NULL when there is none.
 */
const char *launch_proc_seccomp(struct launch_proc *p);

struct launch_domain {
	unsigned domid;
	const struct domcfg *cfg;
	char run_dir[64];
	struct launch_proc hv;
	struct launch_proc dms[LAUNCH_MAX_DMS];
	unsigned nr_dms;
	int ctl_fd;	  /* monitor end of the hv control socket */
	int console_fd;	  /* monitor end of the UART console, or -1 */
	/* stderr of each jailed process: its own pipe, relayed by tag */
	struct logrelay logs[1 + LAUNCH_MAX_DMS];
	unsigned nr_logs;
	/* What this start resolved the config's accel to: DOMCFG_ACCEL_KVM
	 * or DOMCFG_ACCEL_SOFT (DOMCFG_ACCEL_AUTO only before a start). */
	enum domcfg_accel accel;
	/* /run/safepc/dom/<id>/domain, written once every process runs */
	struct statefile state;
};

/*
 * launch_domain_start - resolves the accelerator (accel.h: logs the choice
 * in one line, or fails with -ENODEV when accel = "kvm" cannot be had),
 * opens every resource, builds every jail and starts hv and the DMs. On
 * failure, everything started is killed again and the reason is in err.
 * Returns 0 or -errno.
 */
int launch_domain_start(struct launch_domain *d, char *err, size_t errlen);

/* launch_domain_kill - SIGKILLs every process of the domain (pidfds). */
void launch_domain_kill(struct launch_domain *d);

/* launch_domain_reap - waits for every process; closes the pidfds. */
void launch_domain_reap(struct launch_domain *d);

/*
 * launch_domain_cleanup - removes every trace of domain `domid` that
 * outlives its processes: kills anything left in its cgroups or under its
 * uids, removes the cgroups and the state file. Safe to call on a domain
 * whose monitor died. Returns 0 or -errno (err says what remains).
 */
int launch_domain_cleanup(unsigned domid, char *err, size_t errlen);

/*
 * launch_host_config - reads the host's safepc.conf (xl.cfg syntax) if it
 * exists: `uid_base` and `uid_count`, the block of host uids safepc may
 * give jailed processes (16 per domain; uid_base - 1 is the reaper's, and
 * must own nothing). Without the file, the defaults hold. Returns 0 or
 * -EINVAL with the reason in err.
 */
int launch_host_config(const char *path, char *err, size_t errlen);

/* The number of domain ids the uid block allows (ids 1..n-1). */
unsigned launch_max_domains(void);

/* The uid of process `idx` (0 = hv, 1.. = DMs) of domain `domid`. */
uid_t launch_uid(unsigned domid, unsigned idx);

#endif
