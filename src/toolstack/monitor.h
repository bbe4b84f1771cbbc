/* SPDX-License-Identifier: MIT */
/* The per-domain monitor: runs one domain to its end. */
#ifndef SAFEPC_TOOLSTACK_MONITOR_H
#define SAFEPC_TOOLSTACK_MONITOR_H

#include "toolstack/domcfg.h"

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

/*
 * monitor_run - starts domain `domid` from `cfg`, relays its console to
 * out_fd and its logs to stderr, and returns when it has ended and every
 * process is gone. Returns 0 (see *res) or -errno when it could not start
 * (res->reason says why).
 */
int monitor_run(const struct domcfg *cfg, unsigned domid, int out_fd,
		struct monitor_result *res);

#endif
