/* SPDX-License-Identifier: MIT */
/*
 * The per-domain monitor: runs one domain from its start until it is
 * destroyed, across restarts (on_reboot/on_poweroff/on_crash = restart)
 * and while a shut-down domain is preserved. It serves the domain's
 * control and console sockets and removes the domain's record at the end.
 */
#ifndef SAFEPC_TOOLSTACK_MONITOR_H
#define SAFEPC_TOOLSTACK_MONITOR_H

#include "toolstack/domcfg.h"
#include "toolstack/logfile.h"

/* The daemon monitor's log, before it rotates to log.1. */
#define MONITOR_LOG_CAP (1024u * 1024)

/* Exit status for any failure: debug-exit statuses are always odd. */
#define MONITOR_STATUS_FAILURE 2

enum monitor_end {
	MONITOR_END_FAULT = 0, /* hv or a DM failed, or destroyed */
	MONITOR_END_POWEROFF,
	MONITOR_END_REBOOT,
	MONITOR_END_CRASH,
	MONITOR_END_DEBUG_EXIT,
};

struct monitor_result {
	int status;	 /* what `safepc create -F` exits with */
	int kind;	 /* enum monitor_end */
	int running;	 /* the guest had started */
	char reason[160];
	char dm_death[128];
};

struct monitor_opts {
	const struct domcfg *cfg;
	unsigned domid;
	/* -F: the console is copied to out_fd (blocking), logs stay on
	 * stderr and SIGHUP destroys the domain. */
	int foreground;
	int out_fd;
	/* Daemon: "OK\n" is written here once the guest runs, or
	 * "ERR reason\n" when it never will (after the domain's record is
	 * removed); then it is closed. -1 for none. */
	int ready_fd;
	/* Daemon: the monitor's log (on stderr), rotated when too large. */
	struct logfile *log;
};

/*
 * monitor_run - starts the domain and runs it until it is destroyed (by
 * its on_* actions, a `quit` on the control socket, a shutdown timeout or
 * SIGTERM/SIGINT), then removes every trace of it, including the record
 * in /run/safepc/dom/<id> (the caller holds its lock). *res describes the
 * last run of the guest. Returns 0 when the guest ran, or -errno when it
 * could not start (res->reason says why). With -F, a domain that is to be
 * preserved is handed to a forked daemon monitor and monitor_run returns
 * at once in the foreground process, the record left in place.
 */
int monitor_run(const struct monitor_opts *o, struct monitor_result *res);

#endif
