/* SPDX-License-Identifier: MIT */
/*
 * rundir: the domains' records under /run/safepc/dom/<id>/, shared by the
 * CLI and the monitors.
 *
 *   name     the domain's name (written before the domain starts)
 *   lock     flock()ed by the domain's monitor for its whole life: when
 *            the lock can be taken, the monitor is gone (the domain is
 *            "dead": killed with -9, or crashed)
 *   pid      the monitor's pid
 *   control  the control socket (docs/control-protocol.md), mode 0600
 *   console  the console socket (raw bytes), mode 0600
 *   domain   the state file launch.c writes (processes, fds, limits)
 *   log, log.1                  the monitor's log (daemon mode), capped
 *   console.log, console.log.1  the guest's serial output, capped
 *
 * A new record is built in a hidden directory and renamed to its id
 * without replacing anything (RENAME_NOREPLACE), under a global flock on
 * /run/safepc/lock that also makes the duplicate-name check atomic.
 */
#ifndef SAFEPC_TOOLSTACK_RUNDIR_H
#define SAFEPC_TOOLSTACK_RUNDIR_H

#include <stddef.h>
#include <sys/types.h>

#define RUNDIR_ROOT "/run/safepc"
#define RUNDIR_DOMS RUNDIR_ROOT "/dom"
#define RUNDIR_MAX_DOMAINS 1024 /* ids 1..1023 */

/* Writes /run/safepc/dom/<domid>/<file> (file may be "") into buf. */
void rundir_path(unsigned domid, const char *file, char *buf, size_t len);

/*
 * rundir_create - claims the lowest free domain id for `name`: refuses a
 * name an existing record holds (-EEXIST, err names the id), writes the
 * name file and takes the monitor lock, whose fd (O_CLOEXEC) is returned
 * in *lock_fd: whoever holds it is the domain's monitor. Returns 0 or
 * -errno with a one-line reason in err.
 */
int rundir_create(const char *name, unsigned *domid, int *lock_fd, char *err,
		  size_t errlen);

/*
 * rundir_list - the ids of every record, ascending. Returns how many
 * (at most max) or -errno.
 */
int rundir_list(unsigned *ids, unsigned max);

/* Reads the record's name. Returns 0 or -errno. */
int rundir_read_name(unsigned domid, char *name, size_t len);

/*
 * rundir_read_state - reads and parses the record's state file (the
 * monitor's, proto/statefile.h) into *sf. Returns 0, -ENOENT when there
 * is none, -EINVAL when it breaks the grammar, or another -errno.
 */
struct statefile;
int rundir_read_state(unsigned domid, struct statefile *sf);

/*
 * rundir_find - resolves a domain name, or a domain id written in decimal,
 * to an id. Returns 0 or -ENOENT.
 */
int rundir_find(const char *name_or_id, unsigned *domid);

/*
 * rundir_lock_dead - takes the monitor lock of a record if its monitor is
 * gone. Returns the lock fd (>= 0), -EWOULDBLOCK when a monitor holds it,
 * or another -errno (-ENOENT: no such record).
 */
int rundir_lock_dead(unsigned domid);

/* 1 when a monitor holds the record's lock, 0 when not, or -errno. */
int rundir_monitor_alive(unsigned domid);

/* The monitor's pid from the pid file, or -errno. */
pid_t rundir_monitor_pid(unsigned domid);

/*
 * rundir_remove - removes every trace of domain `domid`: its processes,
 * cgroups and uid leftovers (launch_domain_cleanup), then the files and
 * the directory. The caller holds the monitor lock. Returns 0 or -errno
 * (err says what remains).
 */
int rundir_remove(unsigned domid, char *err, size_t errlen);

/*
 * rundir_listen - a listening, non-blocking unix stream socket at path
 * (replacing a stale one), mode 0600. Returns the fd or -errno.
 */
int rundir_listen(const char *path);

/*
 * rundir_accept_root - accepts one connection (non-blocking, close-on-exec)
 * and keeps it only when the peer runs as uid 0 (SO_PEERCRED). Returns the
 * fd, -EAGAIN when none is waiting, or -EPERM / -errno (dropped).
 */
int rundir_accept_root(int listen_fd);

#endif
