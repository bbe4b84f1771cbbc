/* SPDX-License-Identifier: MIT */
/*
 * Killing every process of a uid without races (Xen's reaper): a child
 * sets real uid = the reaper uid, effective uid = the target and saved
 * uid = 0, then kill(-1, SIGKILL). The effective uid lets it signal every
 * process of the target; the target's processes cannot signal it back,
 * since neither its real nor its saved uid is theirs. A fork loop cannot
 * outrun kill(-1), which signals every process in one pass.
 */
#ifndef SAFEPC_JAIL_REAPER_H
#define SAFEPC_JAIL_REAPER_H

#include <sys/types.h>

/*
 * reaper_kill_uid - kills every process whose real or saved uid is
 * `target`, repeating until none is left (bounded). `reaper` must be a uid
 * that owns no process. Returns 0, or -errno (-EBUSY: some survived).
 */
int reaper_kill_uid(uid_t target, uid_t reaper);

/* reaper_uid_in_use - 1 when some process has `uid` as its real uid. */
int reaper_uid_in_use(uid_t uid);

#endif
