/* SPDX-License-Identifier: MIT */
/*
 * check_unique: no other process on the host may hold the uid or gid of
 * a process of the domain.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/check_priv.h"

/* Counts one more holder of an id; the first is named (pid and comm,
 * from its status text st). */
static void check_owner_note(struct check_owner *o, pid_t pid, const char *st)
{
	if (o->count++)
		return;
	o->first = pid;
	if (check_field(st, "Name", o->comm, sizeof(o->comm)))
		snprintf(o->comm, sizeof(o->comm), "?");
}

/*
 * One pass over /proc: for each process of the domain, who else holds its
 * uid or gid (as real, effective, saved or fs id). Threads of other
 * processes are not walked: a thread's ids differ from its leader's only
 * if that process changed them itself, and no process but the domain's
 * may become these ids (they are the domain's alone).
 */
void check_unique(struct check_domain *d)
{
	char path[64], st[8192];
	struct dirent *e;
	uint64_t pid, u[4], g[4];
	unsigned i, k;
	DIR *dir = opendir("/proc");

	if (!dir) {
		for (i = 0; i < d->nr_procs; i++)
			d->procs[i].unique_err = errno;
		return;
	}
	while ((e = readdir(dir))) {
		int has_u, has_g;

		if (check_u64(e->d_name, 10, &pid) || pid > INT_MAX)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
		if (check_read_file(path, st, sizeof(st)) < 0)
			continue;
		has_u = !check_field_nums(st, "Uid", 10, u, 4);
		has_g = !check_field_nums(st, "Gid", 10, g, 4);
		for (i = 0; i < d->nr_procs; i++) {
			struct check_proc *p = &d->procs[i];
			int uid_hit = 0, gid_hit = 0;

			if ((pid_t)pid == p->pid)
				continue;
			for (k = 0; k < 4; k++) {
				uid_hit |= has_u && u[k] == p->uid;
				gid_hit |= has_g && g[k] == p->gid;
			}
			if (uid_hit)
				check_owner_note(&p->uid_other, (pid_t)pid, st);
			if (gid_hit)
				check_owner_note(&p->gid_other, (pid_t)pid, st);
		}
	}
	closedir(dir);
}

/* The uid-unique or gid-unique row from check_unique's findings. */
void check_unique_row(struct check_proc *p, int is_gid)
{
	const struct check_owner *o = is_gid ? &p->gid_other : &p->uid_other;
	const char *row = is_gid ? "gid-unique" : "uid-unique";
	const char *what = is_gid ? "gid" : "uid";
	unsigned id = is_gid ? (unsigned)p->gid : (unsigned)p->uid;

	if (p->unique_err)
		check_row(p, row, CHECK_FAIL, "cannot list /proc: %s",
			  strerror(p->unique_err));
	else if (o->count)
		check_row(p, row, CHECK_FAIL,
			  "%s %u also held by pid %d (%s)%s", what, id,
			  (int)o->first, o->comm,
			  o->count > 1 ? " and others" : "");
	else
		check_row(p, row, CHECK_PASS, "no other process holds %s %u",
			  what, id);
}
