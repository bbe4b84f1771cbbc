/* SPDX-License-Identifier: MIT */
/*
 * check_limits: the rlimits of a jailed process and the cgroup it sits in
 * with that cgroup's limits, against the state file's values.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "jail/cgroup.h"
#include "toolstack/check_priv.h"

/* The state file's names of the cgroup limits, as CHECK_CG_*. */
static const char *const check_cg_names[CHECK_NR_CG] = { "pids.max",
							  "memory.max",
							  "cpu.weight" };

/* Parses "N" or "unlimited". */
static int check_limit_val(const char *s, uint64_t *v)
{
	if (!strcmp(s, "unlimited")) {
		*v = CHECK_UNLIMITED;
		return 0;
	}
	return check_u64(s, 10, v);
}

/*
 * Every rlimit the jail sets, soft and hard, from /proc/PID/limits: the
 * recorded NOFILE, NPROC and FSIZE, and 0 for the rest. The hard limit
 * matters most: a process may raise its soft limit up to it.
 */
void check_rlimits(struct check_proc *p)
{
	static const struct {
		const char *row, *label;
		int lim; /* CHECK_LIM_* or -1 for "must be 0" */
	} rl[] = {
		{ "rlimit-nofile", "Max open files", CHECK_LIM_NOFILE },
		{ "rlimit-nproc", "Max processes", CHECK_LIM_NPROC },
		{ "rlimit-fsize", "Max file size", CHECK_LIM_FSIZE },
		{ "rlimit-core", "Max core file size", -1 },
		{ "rlimit-memlock", "Max locked memory", -1 },
		{ "rlimit-msgqueue", "Max msgqueue size", -1 },
		{ "rlimit-locks", "Max file locks", -1 },
	};
	char path[64], buf[4096];
	ssize_t len;
	unsigned i;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)p->pid);
	len = check_read_file(path, buf, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(rl); i++) {
		char line[160], *t[4], *at, *end;
		uint64_t want = 0, soft, hard;
		size_t ll, n = strlen(rl[i].label);
		unsigned nt;

		if (len < 0) {
			check_row(p, rl[i].row, CHECK_FAIL, "cannot read %s: %s",
				  path, strerror((int)-len));
			continue;
		}
		if (rl[i].lim >= 0) {
			if (!(p->have_lim & (1u << rl[i].lim))) {
				check_row(p, rl[i].row, CHECK_FAIL,
					  "no recorded value in the state "
					  "file");
				continue;
			}
			want = p->lim[rl[i].lim];
		}
		/* The label is followed by two blanks or more, then soft,
		 * hard and the unit: "Max open files  33  33  files". */
		at = buf;
		while ((at = strstr(at, rl[i].label)) &&
		       ((at != buf && at[-1] != '\n') || at[n] != ' ' ||
			at[n + 1] != ' '))
			at++;
		if (!at) {
			check_row(p, rl[i].row, CHECK_FAIL, "no '%s' line",
				  rl[i].label);
			continue;
		}
		end = strchr(at, '\n');
		ll = end ? (size_t)(end - at) : strlen(at);
		if (ll - n >= sizeof(line))
			ll = n + sizeof(line) - 1;
		memcpy(line, at + n, ll - n);
		line[ll - n] = 0;
		nt = check_split(line, t, 3);
		if (nt < 2 || check_limit_val(t[0], &soft) ||
		    check_limit_val(t[1], &hard)) {
			check_row(p, rl[i].row, CHECK_FAIL, "unreadable '%s' line",
				  rl[i].label);
			continue;
		}
		if (soft == want && hard == want)
			check_row(p, rl[i].row, CHECK_PASS,
				  "soft = hard = %" PRIu64, want);
		else
			check_row(p, rl[i].row, CHECK_FAIL,
				  "soft %s hard %s, want %" PRIu64, t[0], t[1],
				  want);
	}
}


/* Finds the path of controller `ctrl` (NULL: the v2 "0::" line). */
static int check_cgroup_of(const char *text, const char *ctrl, char *out,
			   size_t len)
{
	const char *l = text;

	while (l && *l) {
		const char *e = strchr(l, '\n');
		size_t ll = e ? (size_t)(e - l) : strlen(l);
		char line[512], *c1, *c2;

		if (ll < sizeof(line)) {
			memcpy(line, l, ll);
			line[ll] = 0;
			c1 = strchr(line, ':');
			c2 = c1 ? strchr(c1 + 1, ':') : NULL;
			if (c2) {
				*c2 = 0;
				if ((!ctrl && !strcmp(line, "0") && c2 == c1 + 1) ||
				    (ctrl && check_has_opt(c1 + 1, ctrl))) {
					snprintf(out, len, "%s", c2 + 1);
					return 0;
				}
			}
		}
		l = e ? e + 1 : NULL;
	}
	return -ENOENT;
}

/*
 * The process must sit in the domain's own cgroup for pids, memory and
 * cpu (a cgroup namespace hides the path from the process itself, not
 * from us), and the limit files there must hold the recorded values.
 * v1 has no cpu.weight: cgroup.c writes weight * 1024 / 100 as shares.
 */
void check_cgroups(struct check_proc *p, unsigned domid)
{
	static const struct {
		const char *row, *ctrl, *v1_file, *v2_file;
		int cg;
	} cgs[] = {
		{ "cgroup-pids", "pids", "pids.max", "pids.max", CHECK_CG_PIDS },
		{ "cgroup-memory", "memory", "memory.limit_in_bytes",
		  "memory.max", CHECK_CG_MEMORY },
		{ "cgroup-cpu", "cpu", "cpu.shares", "cpu.weight",
		  CHECK_CG_CPU },
	};
	int v2 = cgroup_is_v2();
	char path[64], limit_path[320], text[4096], want_path[96], at[256],
		dir[200], val[64];
	ssize_t len;
	unsigned i;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)p->pid);
	len = check_read_file(path, text, sizeof(text));
	snprintf(want_path, sizeof(want_path), "/safepc/dom%u/%s", domid,
		 p->cg);
	for (i = 0; i < ARRAY_SIZE(cgs); i++) {
		uint64_t want, got, rec;
		const char *file = v2 ? cgs[i].v2_file : cgs[i].v1_file;

		if (len < 0) {
			check_row(p, cgs[i].row, CHECK_FAIL,
				  "cannot read %s: %s", path,
				  strerror((int)-len));
			continue;
		}
		if (check_cgroup_of(text, v2 ? NULL : cgs[i].ctrl, at,
				    sizeof(at))) {
			check_row(p, cgs[i].row, CHECK_FAIL,
				  "no %s line in /proc/%d/cgroup",
				  v2 ? "0::" : cgs[i].ctrl, (int)p->pid);
			continue;
		}
		if (strcmp(at, want_path)) {
			check_row(p, cgs[i].row, CHECK_FAIL,
				  "in %s, not in %s", at, want_path);
			continue;
		}
		if (!(p->have_cg & (1u << cgs[i].cg))) {
			check_row(p, cgs[i].row, CHECK_FAIL,
				  "no recorded %s in the state file",
				  check_cg_names[cgs[i].cg]);
			continue;
		}
		rec = p->cgv[cgs[i].cg];
		want = rec;
		if (!v2 && cgs[i].cg == CHECK_CG_CPU)
			want = rec * 1024 / 100 ? rec * 1024 / 100 : 2;
		cgroup_path(domid, p->cg, cgs[i].ctrl, dir, sizeof(dir));
		snprintf(limit_path, sizeof(limit_path), "%s/%s", dir, file);
		if (check_read_file(limit_path, val, sizeof(val)) < 0) {
			check_row(p, cgs[i].row, CHECK_FAIL, "cannot read %s",
				  limit_path);
			continue;
		}
		val[strcspn(val, "\n")] = 0;
		if (!strcmp(val, "max"))
			got = CHECK_UNLIMITED;
		else if (check_u64(val, 10, &got)) {
			check_row(p, cgs[i].row, CHECK_FAIL,
				  "%s: unreadable value", file);
			continue;
		}
		/* v1 rounds a memory limit down to whole pages. */
		if (!v2 && cgs[i].cg == CHECK_CG_MEMORY)
			want &= ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
		if (got == want)
			check_row(p, cgs[i].row, CHECK_PASS, "in %s, %s %s",
				  at, file, val);
		else
			check_row(p, cgs[i].row, CHECK_FAIL,
				  "in %s, %s %s, want %" PRIu64, at, file,
				  val, want);
	}
}
