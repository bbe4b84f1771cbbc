/* SPDX-License-Identifier: MIT */
/*
 * check_creds: identity, groups, capabilities, no_new_privs and seccomp,
 * thread by thread.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/check_priv.h"

/* What one thread's /proc/PID/task/TID/status says. */
struct check_task {
	pid_t tid;
	int read_err; /* -errno when the status could not be read */
	uint64_t uid[4], gid[4], cap[5];
	int have_uid, have_gid, have_cap[5];
	int groups; /* 0 none, 1 some, -1 unreadable */
	char groups_text[64];
	uint64_t nnp, seccomp, filters;
	int have_nnp, have_seccomp, have_filters;
};

static const char *const check_cap_fields[] = { "CapInh", "CapPrm",
						"CapEff", "CapBnd",
						"CapAmb" };
static const char *const check_cap_rows[] = { "cap-inh", "cap-prm",
					      "cap-eff", "cap-bnd",
					      "cap-amb" };

static void check_parse_task(const char *st, struct check_task *t)
{
	char buf[1024];
	unsigned i;
	int r;

	t->have_uid = !check_field_nums(st, "Uid", 10, t->uid, 4);
	t->have_gid = !check_field_nums(st, "Gid", 10, t->gid, 4);
	for (i = 0; i < 5; i++)
		t->have_cap[i] = !check_field_nums(st, check_cap_fields[i], 16,
						   &t->cap[i], 1);
	r = check_field(st, "Groups", buf, sizeof(buf));
	if (r == -ENOENT) {
		t->groups = -1;
	} else {
		/* Too long to copy means there are groups. */
		t->groups = r || buf[0];
		snprintf(t->groups_text, sizeof(t->groups_text), "%.60s",
			 r ? "(long list)" : buf);
	}
	t->have_nnp = !check_field_nums(st, "NoNewPrivs", 10, &t->nnp, 1);
	t->have_seccomp = !check_field_nums(st, "Seccomp", 10, &t->seccomp, 1);
	t->have_filters =
		!check_field_nums(st, "Seccomp_filters", 10, &t->filters, 1);
}

/* Reads the status of every thread of p; the main thread comes first. */
static unsigned check_read_tasks(const struct check_proc *p,
				 struct check_task *tasks, unsigned max,
				 int *truncated)
{
	char path[64], st[8192];
	struct dirent *e;
	unsigned n = 0;
	uint64_t tid;
	DIR *dir;

	*truncated = 0;
	tasks[n].tid = p->pid;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)p->pid,
		 (int)p->pid);
	tasks[n].read_err = (int)check_read_file(path, st, sizeof(st));
	if (tasks[n].read_err >= 0) {
		tasks[n].read_err = 0;
		check_parse_task(st, &tasks[n]);
	}
	n++;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
	dir = opendir(path);
	if (!dir)
		return n;
	while ((e = readdir(dir))) {
		if (check_u64(e->d_name, 10, &tid) || tid == (uint64_t)p->pid ||
		    tid > INT_MAX)
			continue;
		if (n == max) {
			*truncated = 1;
			break;
		}
		memset(&tasks[n], 0, sizeof(tasks[n]));
		tasks[n].tid = (pid_t)tid;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status",
			 (int)p->pid, (int)tid);
		tasks[n].read_err = (int)check_read_file(path, st, sizeof(st));
		if (tasks[n].read_err == -ENOENT)
			continue; /* the thread just ended */
		if (tasks[n].read_err >= 0) {
			tasks[n].read_err = 0;
			check_parse_task(st, &tasks[n]);
		}
		n++;
	}
	closedir(dir);
	return n;
}

/* A per-thread test: 0 when t is fine, else 1 with the reason in why. */
typedef int (*check_task_fn)(const struct check_proc *p,
			     const struct check_task *t, unsigned arg,
			     char *why, size_t len);

static int check_task_ids(const struct check_proc *p,
			  const struct check_task *t, unsigned is_gid,
			  char *why, size_t len)
{
	const uint64_t *v = is_gid ? t->gid : t->uid;
	uint64_t want = is_gid ? p->gid : p->uid;
	const char *what = is_gid ? "gid" : "uid";

	if (!(is_gid ? t->have_gid : t->have_uid)) {
		snprintf(why, len, "no readable %s line", what);
		return 1;
	}
	if (want == 0) {
		snprintf(why, len, "the recorded %s is 0", what);
		return 1;
	}
	if (v[0] != want || v[1] != want || v[2] != want || v[3] != want) {
		snprintf(why, len,
			 "%s real %" PRIu64 " effective %" PRIu64
			 " saved %" PRIu64 " fs %" PRIu64 ", recorded %" PRIu64,
			 what, v[0], v[1], v[2], v[3], want);
		return 1;
	}
	return 0;
}

static int check_task_groups(const struct check_proc *p,
			     const struct check_task *t, unsigned arg,
			     char *why, size_t len)
{
	if (t->groups < 0) {
		snprintf(why, len, "no Groups line");
		return 1;
	}
	if (t->groups) {
		snprintf(why, len, "supplementary groups: %s", t->groups_text);
		return 1;
	}
	return 0;
}

static int check_task_cap(const struct check_proc *p,
			  const struct check_task *t, unsigned set, char *why,
			  size_t len)
{
	if (!t->have_cap[set]) {
		snprintf(why, len, "no %s line", check_cap_fields[set]);
		return 1;
	}
	if (t->cap[set]) {
		snprintf(why, len, "%s %016" PRIx64, check_cap_fields[set],
			 t->cap[set]);
		return 1;
	}
	return 0;
}

static int check_task_nnp(const struct check_proc *p,
			  const struct check_task *t, unsigned arg, char *why,
			  size_t len)
{
	if (!t->have_nnp || t->nnp != 1) {
		snprintf(why, len, "NoNewPrivs %s",
			 t->have_nnp ? (t->nnp ? "?" : "0") : "missing");
		return 1;
	}
	return 0;
}

static int check_task_seccomp(const struct check_proc *p,
			      const struct check_task *t, unsigned arg,
			      char *why, size_t len)
{
	if (!t->have_seccomp) {
		snprintf(why, len, "no Seccomp line");
		return 1;
	}
	if (t->seccomp != 2) {
		snprintf(why, len, "Seccomp %" PRIu64 " (%s)", t->seccomp,
			 t->seccomp == 1 ? "strict mode, not a filter"
					 : "no filter");
		return 1;
	}
	if (!t->have_filters || t->filters < 1) {
		snprintf(why, len, "Seccomp 2 but %s filters",
			 t->have_filters ? "0" : "no count of");
		return 1;
	}
	if (p->seccomp_log) {
		/* A filter that only logs violations restricts nothing. */
		snprintf(why, len, "filter only logs violations "
			 "(dm_seccomp = \"log\")");
		return 1;
	}
	return 0;
}

/* Runs one per-thread test over every thread and adds its row. */
static void check_tasks_row(struct check_proc *p, const char *name,
			    const struct check_task *tasks, unsigned nr,
			    check_task_fn fn, unsigned arg, const char *pass)
{
	char why[160];
	unsigned i;

	for (i = 0; i < nr; i++) {
		if (tasks[i].read_err) {
			check_row(p, name, CHECK_FAIL,
				  "thread %d: cannot read status: %s",
				  (int)tasks[i].tid, strerror(-tasks[i].read_err));
			return;
		}
		if (fn(p, &tasks[i], arg, why, sizeof(why))) {
			check_row(p, name, CHECK_FAIL, "thread %d: %s",
				  (int)tasks[i].tid, why);
			return;
		}
	}
	check_row(p, name, CHECK_PASS, "%s (%u thread%s)", pass, nr,
		  nr == 1 ? "" : "s");
}

/*
 * Identity, groups, capabilities, no_new_privs and seccomp are per
 * thread in Linux: a thread could have changed its own. Every thread of
 * the process is read; the first one that fails is named.
 */
void check_creds(struct check_proc *p)
{
	struct check_task *tasks = calloc(CHECK_MAX_TASKS, sizeof(*tasks));
	char pass[96];
	unsigned nr, i;
	int truncated;

	if (!tasks) {
		check_row(p, "uid", CHECK_FAIL, "out of memory");
		return;
	}
	nr = check_read_tasks(p, tasks, CHECK_MAX_TASKS, &truncated);
	if (truncated)
		check_row(p, "threads", CHECK_FAIL,
			  "more than %u threads; only those were checked",
			  CHECK_MAX_TASKS);
	snprintf(pass, sizeof(pass), "%u = real = effective = saved = fs",
		 (unsigned)p->uid);
	check_tasks_row(p, "uid", tasks, nr, check_task_ids, 0, pass);
	check_unique_row(p, 0);
	snprintf(pass, sizeof(pass), "%u = real = effective = saved = fs",
		 (unsigned)p->gid);
	check_tasks_row(p, "gid", tasks, nr, check_task_ids, 1, pass);
	check_unique_row(p, 1);
	check_tasks_row(p, "groups", tasks, nr, check_task_groups, 0,
			"no supplementary groups");
	for (i = 0; i < 5; i++) {
		snprintf(pass, sizeof(pass), "%s 0", check_cap_fields[i]);
		check_tasks_row(p, check_cap_rows[i], tasks, nr, check_task_cap,
				i, pass);
	}
	check_tasks_row(p, "no_new_privs", tasks, nr, check_task_nnp, 0,
			"NoNewPrivs 1");
	check_tasks_row(p, "seccomp", tasks, nr, check_task_seccomp, 0,
			"filter mode");
	free(tasks);
}
