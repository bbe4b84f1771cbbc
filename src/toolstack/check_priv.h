/* SPDX-License-Identifier: MIT */
/*
 * check_priv.h: what the files of `safepc check` share (check.c reads the
 * state file and runs the command; check_*.c hold the check families, the
 * /proc helpers and the printers). Not for use outside check*.c.
 */
#ifndef SAFEPC_TOOLSTACK_CHECK_PRIV_H
#define SAFEPC_TOOLSTACK_CHECK_PRIV_H

#include <stdint.h>
#include <sys/types.h>

#include "jail/jail.h"
#include "toolstack/launch.h"

#define CHECK_MAX_PROCS (1 + LAUNCH_MAX_DMS)
#define CHECK_MAX_ROWS 160
#define CHECK_MAX_TASKS 512
#define CHECK_MAX_FDS 1024
#define CHECK_STATE_MAX 65536	       /* the monitor writes < 8 KiB */
#define CHECK_BIG_FILE_MAX (1u << 20) /* mountinfo of an unjailed root */
#define CHECK_UNLIMITED UINT64_MAX

enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_INFO };

struct check_row {
	char name[24];
	enum check_result result;
	char detail[240];
};

/* One manifest line: `fd TAG NUM KIND ACCESS`. */
struct check_fd {
	unsigned num;
	char kind[16];
	unsigned access; /* CHECK_ACC_* bits */
	int seen;
};

#define CHECK_ACC_R 1u
#define CHECK_ACC_W 2u

/* The recorded limits, indexed as the state file's names below. */
enum { CHECK_LIM_NOFILE, CHECK_LIM_NPROC, CHECK_LIM_FSIZE, CHECK_NR_LIM };
enum { CHECK_CG_PIDS, CHECK_CG_MEMORY, CHECK_CG_CPU, CHECK_NR_CG };

/* Other processes found holding a process's uid or gid. */
struct check_owner {
	unsigned count;
	pid_t first;
	char comm[24];
};

/* One process of the domain: what the state file says, and the verdict. */
struct check_proc {
	char tag[32];
	pid_t pid;
	uid_t uid;
	gid_t gid;
	int is_hv;
	char cg[32];
	struct check_fd fds[JAIL_MAX_FDS];
	unsigned nr_fds;
	uint64_t lim[CHECK_NR_LIM];
	unsigned have_lim; /* bit per CHECK_LIM_* */
	uint64_t cgv[CHECK_NR_CG];
	unsigned have_cg; /* bit per CHECK_CG_* */
	unsigned weaken;  /* copy of the domain's, for row annotations */
	int accel_soft;	  /* the domain runs on the soft CPU: no KVM in hv */
	unsigned kvm_fds; /* /dev/kvm, KVM VM and vCPU fds found open */
	int seccomp_log;  /* its filter only logs (dm_seccomp = "log") */
	struct check_owner uid_other, gid_other;
	int unique_err; /* errno when /proc could not be listed */
	struct check_row rows[CHECK_MAX_ROWS];
	unsigned nr_rows;
};

struct check_domain {
	char name[64];
	unsigned domid;
	pid_t monitor;
	int cgroup_version;
	unsigned weaken; /* JAIL_WEAKEN_* */
	unsigned vcpus;	 /* 0 when the state file does not say */
	char placement[8]; /* dm_placement; "" when the file does not say */
	/* The resolved accelerator, "kvm" or "soft"; "" when the file does
	 * not say (a monitor from before accel: always KVM). */
	char accel[8];
	struct check_proc procs[CHECK_MAX_PROCS];
	unsigned nr_procs;
};

/* ---- check_text.c: reading /proc and parsing its text ------------------ */

/* Reads a whole (small) file from fd into buf, NUL-terminated. Returns
 * the length, or -errno; -EFBIG when it does not fit. */
ssize_t check_read_fd(int fd, char *buf, size_t size);
/* check_read_fd on path, opened read-only. */
ssize_t check_read_file(const char *path, char *buf, size_t size);
/* Replaces every byte that is not printable ASCII in s with '?'. */
void check_sanitize(char *s);
/* Parses all of s as an unsigned number in `base`. 0 or -EINVAL. */
int check_u64(const char *s, int base, uint64_t *out);
/* The trimmed value of "KEY:" in /proc key-value text. 0, -ENOENT or
 * -E2BIG. */
int check_field(const char *text, const char *key, char *out, size_t outlen);
/* Splits s in place at blanks into at most max tokens; returns the count
 * (max + 1 when there are more). */
unsigned check_split(char *s, char **tok, unsigned max);
/* Reads a field of exactly `max` blank-separated numbers. 0 or -EINVAL. */
int check_field_nums(const char *text, const char *key, int base, uint64_t *v,
		     unsigned max);
/* Is opt one of the comma-separated options in opts? */
int check_has_opt(const char *opts, const char *opt);

/* ---- check_row.c --------------------------------------------------------- */

/* Adds one verdict row to p; notes when the config gave it up. */
void check_row(struct check_proc *p, const char *name, enum check_result r,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- the check families: each adds its rows to p ----------------------- */

/* check_unique.c: who else on the host holds each process's uid/gid. */
void check_unique(struct check_domain *d);
void check_unique_row(struct check_proc *p, int is_gid);
/* check_creds.c: ids, groups, capabilities, no_new_privs, seccomp. */
void check_creds(struct check_proc *p);
/* check_ns.c: namespaces, the root and its mounts. */
void check_namespaces(struct check_proc *p, pid_t monitor);
void check_root(struct check_proc *p);
/* check_limits.c: rlimits and cgroups. */
void check_rlimits(struct check_proc *p);
void check_cgroups(struct check_proc *p, unsigned domid);
/* check_fds.c: open fds against the manifest, hv's accelerator. */
void check_fds(struct check_proc *p, pid_t monitor, unsigned vcpus);
/* check_proc.c: liveness, dumpable, environment, and all of the above. */
int check_alive(struct check_proc *p, pid_t monitor);
void check_dumpable(struct check_proc *p);
void check_environ(struct check_proc *p);
void check_proc_all(struct check_domain *d, struct check_proc *p);

/* ---- check_print.c --------------------------------------------------------- */

/* The --json document on stdout. 0, or -ENOMEM / -ENOSPC (nothing
 * printed). */
int check_print_json(const struct check_domain *d, unsigned fails);
/* The table on stdout. */
void check_print_table(const struct check_domain *d, unsigned fails);

#endif
