/* SPDX-License-Identifier: MIT */
/*
 * Creating, filling and removing the cgroups of a domain. Every domain
 * gets its own subtree, so destroying it can find every task it ever had
 * even after the monitor died, and no process of it can leave: moving out
 * of a cgroup needs write access to another one, which a jailed uid lacks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/cgroup.h"

static const char *const cgroup_v1_ctrls[] = { "pids", "memory", "cpu" };

int cgroup_is_v2(void)
{
	return access(CGROUP_ROOT "/cgroup.controllers", F_OK) == 0;
}

void cgroup_path(unsigned domid, const char *proc, const char *controller,
		 char *buf, size_t len)
{
	if (cgroup_is_v2())
		snprintf(buf, len, CGROUP_ROOT "/safepc/dom%u%s%s", domid,
			 proc ? "/" : "", proc ? proc : "");
	else
		snprintf(buf, len, CGROUP_ROOT "/%s/safepc/dom%u%s%s",
			 controller, domid, proc ? "/" : "", proc ? proc : "");
}

static int cgroup_write(const char *dir, const char *file, const char *val)
{
	char path[256];
	int fd, r = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		r = -errno;
	close(fd);
	return r;
}

static int cgroup_mkdir(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

#define CGROUP_TRY(expr, what)                                             \
	do {                                                               \
		int r_ = (expr);                                           \
		if (r_) {                                                  \
			snprintf(err, errlen, "cgroup: %s: %s", what,      \
				 strerror(-r_));                           \
			return r_;                                         \
		}                                                          \
	} while (0)

static int cgroup_create_v2(unsigned domid, const char *proc,
			    const struct cgroup_limits *l,
			    struct cgroup_set *set, char *err, size_t errlen)
{
	char dir[128], val[64];

	/* Enable the controllers down the tree. */
	CGROUP_TRY(cgroup_write(CGROUP_ROOT, "cgroup.subtree_control",
				"+pids +memory +cpu"),
		   "enabling pids, memory and cpu at the root");
	CGROUP_TRY(cgroup_mkdir(CGROUP_ROOT "/safepc"), "mkdir safepc");
	CGROUP_TRY(cgroup_write(CGROUP_ROOT "/safepc", "cgroup.subtree_control",
				"+pids +memory +cpu"),
		   "enabling controllers under safepc");
	cgroup_path(domid, NULL, NULL, dir, sizeof(dir));
	CGROUP_TRY(cgroup_mkdir(dir), dir);
	CGROUP_TRY(cgroup_write(dir, "cgroup.subtree_control",
				"+pids +memory +cpu"),
		   "enabling controllers for the domain");
	cgroup_path(domid, proc, NULL, dir, sizeof(dir));
	CGROUP_TRY(cgroup_mkdir(dir), dir);
	snprintf(val, sizeof(val), "%llu", (unsigned long long)l->pids_max);
	CGROUP_TRY(cgroup_write(dir, "pids.max", val), "pids.max");
	snprintf(val, sizeof(val), "%llu", (unsigned long long)l->memory_max);
	CGROUP_TRY(cgroup_write(dir, "memory.max", val), "memory.max");
	cgroup_write(dir, "memory.swap.max", "0"); /* absent without swap */
	snprintf(val, sizeof(val), "%u", l->cpu_weight);
	CGROUP_TRY(cgroup_write(dir, "cpu.weight", val), "cpu.weight");
	if (l->cpu_max_pct) {
		snprintf(val, sizeof(val), "%u 100000", l->cpu_max_pct * 1000);
		CGROUP_TRY(cgroup_write(dir, "cpu.max", val), "cpu.max");
	}
	snprintf(set->procs[0], sizeof(set->procs[0]), "%s/cgroup.procs", dir);
	set->nr = 1;
	return 0;
}

static int cgroup_create_v1(unsigned domid, const char *proc,
			    const struct cgroup_limits *l,
			    struct cgroup_set *set, char *err, size_t errlen)
{
	char dir[128], val[64];
	unsigned i;

	set->nr = 0;
	for (i = 0; i < 3; i++) {
		const char *c = cgroup_v1_ctrls[i];

		snprintf(dir, sizeof(dir), CGROUP_ROOT "/%s", c);
		if (access(dir, F_OK)) {
			snprintf(err, errlen,
				 "cgroup: the %s controller is not mounted at %s",
				 c, dir);
			return -ENOENT;
		}
		snprintf(dir, sizeof(dir), CGROUP_ROOT "/%s/safepc", c);
		CGROUP_TRY(cgroup_mkdir(dir), dir);
		cgroup_path(domid, NULL, c, dir, sizeof(dir));
		CGROUP_TRY(cgroup_mkdir(dir), dir);
		cgroup_path(domid, proc, c, dir, sizeof(dir));
		CGROUP_TRY(cgroup_mkdir(dir), dir);
		if (i == 0) {
			snprintf(val, sizeof(val), "%llu",
				 (unsigned long long)l->pids_max);
			CGROUP_TRY(cgroup_write(dir, "pids.max", val),
				   "pids.max");
		} else if (i == 1) {
			snprintf(val, sizeof(val), "%llu",
				 (unsigned long long)l->memory_max);
			CGROUP_TRY(cgroup_write(dir, "memory.limit_in_bytes",
						val),
				   "memory.limit_in_bytes");
		} else {
			/* v2 weight 100 is v1 shares 1024. */
			snprintf(val, sizeof(val), "%u",
				 l->cpu_weight * 1024 / 100 ?: 2);
			CGROUP_TRY(cgroup_write(dir, "cpu.shares", val),
				   "cpu.shares");
			if (l->cpu_max_pct) {
				CGROUP_TRY(cgroup_write(dir, "cpu.cfs_period_us",
							"100000"),
					   "cpu.cfs_period_us");
				snprintf(val, sizeof(val), "%u",
					 l->cpu_max_pct * 1000);
				CGROUP_TRY(cgroup_write(dir, "cpu.cfs_quota_us",
							val),
					   "cpu.cfs_quota_us");
			}
		}
		snprintf(set->procs[set->nr++], sizeof(set->procs[0]),
			 "%s/cgroup.procs", dir);
	}
	return 0;
}

int cgroup_create(unsigned domid, const char *proc,
		  const struct cgroup_limits *l, struct cgroup_set *set,
		  char *err, size_t errlen)
{
	if (cgroup_is_v2())
		return cgroup_create_v2(domid, proc, l, set, err, errlen);
	return cgroup_create_v1(domid, proc, l, set, err, errlen);
}

/* Calls fn on every process directory under the domain's cgroup dir. */
static int cgroup_each_dir(const char *domdir,
			   int (*fn)(const char *dir, void *arg), void *arg)
{
	DIR *d = opendir(domdir);
	struct dirent *e;
	char sub[512];
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", domdir, e->d_name);
		n += fn(sub, arg);
	}
	closedir(d);
	return n;
}

static int cgroup_kill_dir(const char *dir, void *arg)
{
	char path[600];
	FILE *f;
	int pid, n = 0;

	(void)arg;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%d", &pid) == 1)
		if (pid > 1 && kill(pid, SIGKILL) == 0)
			n++;
	fclose(f);
	return n;
}

static int cgroup_rmdir(const char *dir, void *arg)
{
	(void)arg;
	if (rmdir(dir) && errno != ENOENT)
		return 1;
	return 0;
}

int cgroup_kill_domain(unsigned domid)
{
	char dir[128];
	unsigned i;
	int n = 0;

	if (cgroup_is_v2()) {
		cgroup_path(domid, NULL, NULL, dir, sizeof(dir));
		return cgroup_each_dir(dir, cgroup_kill_dir, NULL);
	}
	for (i = 0; i < 3; i++) {
		cgroup_path(domid, NULL, cgroup_v1_ctrls[i], dir, sizeof(dir));
		n += cgroup_each_dir(dir, cgroup_kill_dir, NULL);
	}
	return n;
}

int cgroup_remove_domain(unsigned domid)
{
	char dir[128];
	unsigned i, n = 0;
	int busy = 0;

	for (i = 0; i < (cgroup_is_v2() ? 1u : 3u); i++) {
		cgroup_path(domid, NULL, cgroup_v1_ctrls[i], dir, sizeof(dir));
		busy += cgroup_each_dir(dir, cgroup_rmdir, NULL);
		if (rmdir(dir) && errno != ENOENT)
			busy++;
		n++;
	}
	return busy ? -EBUSY : 0;
}
