/* SPDX-License-Identifier: MIT */
/*
 * statefile: /run/safepc/dom/<id>/domain, what the monitor started for a
 * domain: its processes, the fds each was given and how, their limits and
 * cgroups. launch.c fills a struct statefile and writes it with
 * statefile_format; `safepc check` reads it with statefile_parse and then
 * compares every value with what /proc shows. Nothing else writes or
 * reads this text. The file is root's and root-only; still, the reader
 * bounds and checks everything in it, since it names the processes whose
 * jails are judged.
 *
 * Grammar (ABNF, RFC 5234; dec as in lex.h, never hex here):
 *
 *   file    = *( line LF ) [ line ]      ; at most STATEFILE_MAX_TEXT bytes,
 *                                        ; no NUL byte
 *   line    = *WSP [ entry *WSP ]        ; at most STATEFILE_MAX_LINE bytes;
 *                                        ; blank lines are ignored
 *   entry   = "name" sp word63
 *           / "monitor" sp dec           ; its pid: 1 - 2^31-1
 *           / "cgroup-version" sp ( "1" / "2" )
 *           / "vcpus" sp dec             ; 1 - 4096
 *           / "placement" sp ( "split" / "single" )
 *           / "weaken" sp word           ; one of jail_weaken's names
 *                                        ; (domcfg_weaken_names)
 *           / "accel" sp ( "kvm" / "soft" )
 *           / "proc" sp tag sp dec sp dec sp dec sp ( "hv" / "dm" ) sp cg
 *                                        ; tag, pid (2 - 2^31-1), uid and
 *                                        ; gid (below 2^32-1), kind, its
 *                                        ; cgroup's name
 *           / "fd" sp tag sp dec sp word15 sp ( "r" / "w" / "rw" )
 *                                        ; fd number 0 - STATEFILE_MAX_FDS-1,
 *                                        ; its kind, its access
 *           / "seccomp-action" sp tag sp ( "log" / "kill" )
 *           / "limit" sp tag sp ( "nofile" / "nproc" / "fsize" ) sp dec
 *           / "cgroup" sp tag sp ( "pids.max" / "memory.max" /
 *                                  "cpu.weight" ) sp dec
 *           / other *( sp word )         ; any other keyword: ignored, for
 *                                        ; files of newer monitors
 *   sp      = 1*WSP
 *   tag     = word31                     ; names an earlier proc line
 *   cg      = word31                     ; no '/', not starting with '.':
 *                                        ; it never leaves the domain's
 *                                        ; cgroup directory
 *   wordN   = 1*N VCHAR                  ; printable, no blank
 *
 * A file must hold name, monitor and at least one proc line. Every domain
 * line (name .. accel, each weaken word) comes at most once, every proc
 * tag once, and per process every fd number, seccomp-action, limit and
 * cgroup value once; at most STATEFILE_MAX_PROCS procs.
 */
#ifndef SAFEPC_PROTO_STATEFILE_H
#define SAFEPC_PROTO_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jail/jail.h"
#include "proto/fds.h"
#include "toolstack/domcfg.h"

#define STATEFILE_MAX_TEXT 65536
#define STATEFILE_MAX_LINE 512
#define STATEFILE_MAX_PROCS (1 + LAUNCH_HV_MAX_DMS)
#define STATEFILE_MAX_FDS JAIL_MAX_FDS /* what a jail passes */
#define STATEFILE_MAX_VCPUS 4096

/* access of an fd */
#define STATEFILE_ACC_R 1u
#define STATEFILE_ACC_W 2u

enum statefile_limit {
	STATEFILE_LIM_NOFILE,
	STATEFILE_LIM_NPROC,
	STATEFILE_LIM_FSIZE,
	STATEFILE_NR_LIM
};
enum statefile_cg {
	STATEFILE_CG_PIDS,
	STATEFILE_CG_MEMORY,
	STATEFILE_CG_CPU,
	STATEFILE_NR_CG
};
enum statefile_seccomp {
	STATEFILE_SECCOMP_UNSAID = 0,
	STATEFILE_SECCOMP_KILL,
	STATEFILE_SECCOMP_LOG,
};

/* The words of the limit and cgroup lines, indexed by the enums. */
extern const char *const statefile_limit_names[STATEFILE_NR_LIM];
extern const char *const statefile_cg_names[STATEFILE_NR_CG];

struct statefile_fd {
	unsigned num;
	char kind[16];
	unsigned access; /* STATEFILE_ACC_* */
};

struct statefile_proc {
	char tag[32];
	int pid;
	uint32_t uid, gid;
	bool is_hv;
	char cg[32];
	struct statefile_fd fds[STATEFILE_MAX_FDS];
	unsigned nr_fds;
	enum statefile_seccomp seccomp;
	uint64_t lim[STATEFILE_NR_LIM];
	unsigned have_lim; /* bit per STATEFILE_LIM_* */
	uint64_t cgv[STATEFILE_NR_CG];
	unsigned have_cg; /* bit per STATEFILE_CG_* */
};

/* A zeroed struct is an empty file; 0 and false mean "not said". */
struct statefile {
	char name[64];
	int monitor;
	int cgroup_version;
	unsigned vcpus;
	bool has_placement, has_accel;
	enum domcfg_placement placement;
	enum domcfg_accel accel; /* DOMCFG_ACCEL_KVM or DOMCFG_ACCEL_SOFT */
	unsigned weaken;	 /* bit n: domcfg_weaken_names[n] */
	struct statefile_proc procs[STATEFILE_MAX_PROCS];
	unsigned nr_procs;
};

/*
 * statefile_parse - reads text[0..len) (grammar above) into *sf. Returns
 * 0, or -EINVAL with a one-line reason ("line 7: fd: ...") in err (errlen
 * bytes, may be NULL); *sf is then undefined.
 */
int statefile_parse(const char *text, size_t len, struct statefile *sf,
		    char *err, size_t errlen);

/*
 * statefile_format - writes *sf as the file's text (NUL-terminated) into
 * buf: the domain lines, then for each process its proc line, its fd
 * lines, its seccomp-action, limit and cgroup lines. Returns the length,
 * -EINVAL when *sf breaks the grammar (what statefile_parse would refuse;
 * the reason in err, which may be NULL), or -ENOSPC when len (or
 * STATEFILE_MAX_TEXT) is too small.
 */
int statefile_format(const struct statefile *sf, char *buf, size_t len,
		     char *err, size_t errlen);

/*
 * statefile_add_proc - appends a process to *sf: tag, pid, uid, gid,
 * hv or DM, its cgroup's name. Returns it, or NULL when there are already
 * STATEFILE_MAX_PROCS (or a string does not fit; statefile_format checks
 * the rest).
 */
struct statefile_proc *statefile_add_proc(struct statefile *sf,
					  const char *tag, int pid,
					  uint32_t uid, uint32_t gid,
					  bool is_hv, const char *cg);

/*
 * statefile_add_fd - records fd `num` of p: its kind and access
 * (STATEFILE_ACC_*). Returns 0, or -ENOSPC when p has STATEFILE_MAX_FDS
 * fds (or kind does not fit).
 */
int statefile_add_fd(struct statefile_proc *p, unsigned num,
		     const char *kind, unsigned access);

#endif
