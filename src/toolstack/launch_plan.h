/* SPDX-License-Identifier: MIT */
/*
 * launch_plan: a domain's DM placement, decided apart from starting any
 * process. From the machine table (common/machine.h) and the domain's
 * config it says which DMs run, which devices each hosts (its --dev
 * specs) and what hv lets each claim (its --grant manifest). launch.c
 * only spawns what the plan says.
 */
#ifndef SAFEPC_TOOLSTACK_LAUNCH_PLAN_H
#define SAFEPC_TOOLSTACK_LAUNCH_PLAN_H

#include "common/machine.h"
#include "proto/grant.h"
#include "toolstack/domcfg.h"

#define LAUNCH_PLAN_MAX_DEVS 16
#define LAUNCH_PLAN_MAX_GRANTS 48 /* hv takes up to 32 ranges per DM */
#define LAUNCH_PLAN_SPEC_LEN 160

/* What one DM process hosts and may claim. */
struct launch_plan {
	const char *name; /* "chipset", "ide": the tag is dm/<domid>/<name> */
	unsigned nr_devs;
	/* --dev, as devspec_format (proto/devspec.h) wrote each */
	char devs[LAUNCH_PLAN_MAX_DEVS][LAUNCH_PLAN_SPEC_LEN];
	unsigned nr_grants;
	/* hv's --grant manifest, written with grant_format when hv starts;
	 * `dm` is left 0: the plan's index in plans[] is the DM's. */
	struct grant grants[LAUNCH_PLAN_MAX_GRANTS];
	int disks; /* gets the domain's disk fds (hosts the IDE controller) */
	int console; /* gets the console socket (hosts the UART's console) */
};

/*
 * launch_plan_build - the DMs of a domain with config `c`, into
 * plans[0..*nr-1] (room for `max`). plans[0] is the chipset DM (it hosts
 * the UART, so `console` is set there unless serial = "none"). With disks, dm_placement = "split" adds the IDE DM as
 * plans[1]; "single" puts the IDE controller, its grants and the disk fds
 * in plans[0]; without disks there is no IDE controller. The "pam" right
 * is granted only with a firmware image for the i440FX to decode. Disk i
 * is named at fd LAUNCH_DM_FD_FIRST_EXTRA + i of the DM with `disks`.
 * Returns 0, or -ENOSPC (more DMs, devices or grants than fit),
 * -ENAMETOOLONG (a device spec too long) or -EINVAL (a disk that is not
 * hda-hdd), with the reason in err.
 */
int launch_plan_build(const struct domcfg *c, struct launch_plan *plans,
		      unsigned max, unsigned *nr, char *err, size_t errlen);

#endif
