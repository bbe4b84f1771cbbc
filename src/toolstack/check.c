/* SPDX-License-Identifier: MIT */
/*
 * safepc check DOMAIN [--json]
 *
 * Reads the domain's state file (/run/safepc/dom/<id>/domain, written by
 * the monitor: what each jail *should* be) and then, for every process it
 * names, reads /proc to see what each jail *is*: one row per restriction,
 * PASS, FAIL or INFO. The state file only supplies the expected values;
 * no verdict is taken from it. Restrictions the config gave up with
 * jail_weaken still FAIL: the point is to show them.
 *
 * Everything read here (the state file, /proc text, link targets) is
 * parsed with bounds and sanitised before it is printed: a jailed process
 * controls some of it (its comm, its fds' link names).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "jail/jail.h"
#include "proto/statefile.h"
#include "toolstack/check.h"
#include "toolstack/check_priv.h"
#include "toolstack/domcfg.h"
#include "toolstack/launch.h"

/* ---- the state file --------------------------------------------------- */

/* The state file (proto/statefile.h) holds what a check_domain needs. */
_Static_assert(STATEFILE_MAX_PROCS <= CHECK_MAX_PROCS &&
		       STATEFILE_MAX_FDS <= JAIL_MAX_FDS &&
		       (int)STATEFILE_NR_LIM == (int)CHECK_NR_LIM &&
		       (int)STATEFILE_LIM_NOFILE == (int)CHECK_LIM_NOFILE &&
		       (int)STATEFILE_LIM_NPROC == (int)CHECK_LIM_NPROC &&
		       (int)STATEFILE_LIM_FSIZE == (int)CHECK_LIM_FSIZE &&
		       (int)STATEFILE_NR_CG == (int)CHECK_NR_CG &&
		       (int)STATEFILE_CG_PIDS == (int)CHECK_CG_PIDS &&
		       (int)STATEFILE_CG_MEMORY == (int)CHECK_CG_MEMORY &&
		       (int)STATEFILE_CG_CPU == (int)CHECK_CG_CPU &&
		       STATEFILE_ACC_R == CHECK_ACC_R &&
		       STATEFILE_ACC_W == CHECK_ACC_W,
	       "the state file's limits fit check's tables");

/*
 * Takes the expected values of d from a parsed state file (statefile_parse
 * checked every field: bounded printable names, numbers in range, cgroup
 * names that cannot climb out of the domain's directory).
 */
static void check_take_state(struct check_domain *d,
			     const struct statefile *sf)
{
	unsigned i, j;

	snprintf(d->name, sizeof(d->name), "%s", sf->name);
	d->monitor = (pid_t)sf->monitor;
	d->cgroup_version = sf->cgroup_version;
	d->vcpus = sf->vcpus;
	if (sf->has_placement)
		snprintf(d->placement, sizeof(d->placement), "%s",
			 domcfg_placement_name(sf->placement));
	if (sf->has_accel)
		snprintf(d->accel, sizeof(d->accel), "%s",
			 domcfg_accel_name(sf->accel));
	d->weaken = sf->weaken;
	d->nr_procs = sf->nr_procs;
	for (i = 0; i < sf->nr_procs; i++) {
		const struct statefile_proc *s = &sf->procs[i];
		struct check_proc *p = &d->procs[i];

		snprintf(p->tag, sizeof(p->tag), "%s", s->tag);
		p->pid = (pid_t)s->pid;
		p->uid = (uid_t)s->uid;
		p->gid = (gid_t)s->gid;
		p->is_hv = s->is_hv;
		snprintf(p->cg, sizeof(p->cg), "%s", s->cg);
		p->nr_fds = s->nr_fds;
		for (j = 0; j < s->nr_fds; j++) {
			p->fds[j].num = s->fds[j].num;
			snprintf(p->fds[j].kind, sizeof(p->fds[j].kind), "%s",
				 s->fds[j].kind);
			p->fds[j].access = s->fds[j].access;
		}
		p->seccomp_log = s->seccomp == STATEFILE_SECCOMP_LOG;
		memcpy(p->lim, s->lim, sizeof(p->lim));
		p->have_lim = s->have_lim;
		memcpy(p->cgv, s->cgv, sizeof(p->cgv));
		p->have_cg = s->have_cg;
	}
}

/*
 * Loads /run/safepc/dom/<domid>/domain. The file must be a regular file
 * of root's that nobody else may write (it names the processes we judge).
 * Returns 0, -ENOENT when there is no such domain, or another -errno with
 * the reason in err.
 */
static int check_load_state(unsigned domid, struct check_domain *d,
			    char *err, size_t errlen)
{
	char path[96], why[200], *buf;
	struct statefile *sf;
	struct stat st;
	ssize_t len;
	unsigned i;
	int fd, r;

	memset(d, 0, sizeof(*d));
	d->domid = domid;
	snprintf(path, sizeof(path), LAUNCH_RUN_DIR "/dom/%u/domain", domid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 022) || st.st_size > CHECK_STATE_MAX) {
		close(fd);
		snprintf(err, errlen, "%s: not a root-owned, root-only "
			 "regular file below %u bytes; refusing it", path,
			 CHECK_STATE_MAX);
		return -EPERM;
	}
	buf = malloc(CHECK_STATE_MAX + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	len = check_read_fd(fd, buf, CHECK_STATE_MAX + 1);
	close(fd);
	if (len < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror((int)-len));
		free(buf);
		return (int)len;
	}
	sf = malloc(sizeof(*sf));
	if (!sf) {
		snprintf(err, errlen, "out of memory");
		free(buf);
		return -ENOMEM;
	}
	r = statefile_parse(buf, (size_t)len, sf, why, sizeof(why));
	free(buf);
	if (r) {
		snprintf(err, errlen, "%s: %s", path, why);
		free(sf);
		return r;
	}
	check_take_state(d, sf);
	free(sf);
	for (i = 0; i < d->nr_procs; i++) {
		d->procs[i].weaken = d->weaken;
		d->procs[i].accel_soft = !strcmp(d->accel, "soft");
	}
	return 0;
}

/* Is s a plain decimal number that fits a domid? */
static int check_is_domid(const char *s, unsigned *out)
{
	uint64_t v;

	if (!isdigit((unsigned char)*s) || check_u64(s, 10, &v) || !v ||
	    v >= 1000000)
		return 0;
	*out = (unsigned)v;
	return 1;
}

/*
 * Finds DOMAIN (a domid, else a name) among the running domains.
 * Returns 0, -ENOENT, or another -errno with the reason in err.
 */
static int check_find_domain(const char *arg, struct check_domain *d,
			     char *err, size_t errlen)
{
	struct check_domain *tmp;
	struct dirent *e;
	unsigned id, found = 0;
	DIR *dir;
	int r;

	if (check_is_domid(arg, &id)) {
		r = check_load_state(id, d, err, errlen);
		if (r != -ENOENT)
			return r;
	}
	dir = opendir(LAUNCH_RUN_DIR "/dom");
	if (!dir) {
		snprintf(err, errlen, "no domain '%s' (no running domains)",
			 arg);
		return -ENOENT;
	}
	tmp = malloc(sizeof(*tmp));
	if (!tmp) {
		closedir(dir);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while ((e = readdir(dir))) {
		char ignored[200];

		if (!check_is_domid(e->d_name, &id) ||
		    check_load_state(id, tmp, ignored, sizeof(ignored)) ||
		    strcmp(tmp->name, arg))
			continue;
		if (found++) {
			snprintf(err, errlen, "more than one domain is named "
				 "'%s' (domids %u and %u); name it by domid",
				 arg, d->domid, id);
			free(tmp);
			closedir(dir);
			return -EEXIST;
		}
		*d = *tmp;
	}
	free(tmp);
	closedir(dir);
	if (!found) {
		snprintf(err, errlen, "no domain '%s'", arg);
		return -ENOENT;
	}
	return 0;
}

/* ---- the command ------------------------------------------------------------ */

static void check_usage(FILE *f)
{
	fprintf(f,
		"usage: safepc check DOMAIN [--json]\n"
		"\n"
		"Reads every process of the running domain DOMAIN (a name or a\n"
		"domid) from /proc and prints each restriction of its jail\n"
		"with PASS or FAIL (docs/security.md). Restrictions the\n"
		"config gave up with jail_weaken FAIL too.\n"
		"\n"
		"  --json      print a JSON document instead of a table\n"
		"  -h, --help  this text\n"
		"\n"
		"Exit status: 0 if every check passes, 1 if any fails, 2 if the\n"
		"domain is not found or on a usage error.\n");
}

int check_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_domain *d;
	char err[320];
	unsigned i, k, fails = 0;
	int c, json = 0, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			check_usage(stdout);
			return CHECK_STATUS_PASS;
		default:
			fprintf(stderr, "safepc check: unknown option '%s'; "
				"usage: safepc check DOMAIN [--json]\n",
				argv[optind - 1]);
			return CHECK_STATUS_ERROR;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "safepc check: %s; usage: safepc check DOMAIN "
			"[--json]\n", optind >= argc ? "no DOMAIN given"
						     : "too many arguments");
		return CHECK_STATUS_ERROR;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "safepc check: must run as root (it reads "
			"other users' /proc files and the domain state)\n");
		return CHECK_STATUS_ERROR;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "safepc check: out of memory\n");
		return CHECK_STATUS_ERROR;
	}
	r = check_find_domain(argv[optind], d, err, sizeof(err));
	if (r) {
		check_sanitize(err);
		fprintf(stderr, "safepc check: %s\n", err);
		free(d);
		return CHECK_STATUS_ERROR;
	}
	if (kill(d->monitor, 0) && errno == ESRCH) {
		fprintf(stderr, "safepc check: domain %s: its monitor (pid %d) "
			"is gone\n", d->name, (int)d->monitor);
		free(d);
		return CHECK_STATUS_ERROR;
	}
	check_unique(d);
	for (i = 0; i < d->nr_procs; i++)
		if (!check_alive(&d->procs[i], d->monitor))
			check_proc_all(d, &d->procs[i]);
	for (i = 0; i < d->nr_procs; i++)
		for (k = 0; k < d->procs[i].nr_rows; k++)
			fails += d->procs[i].rows[k].result == CHECK_FAIL;
	r = 0;
	if (json)
		r = check_print_json(d, fails);
	else
		check_print_table(d, fails);
	free(d);
	if (r) {
		fprintf(stderr, "safepc check: cannot print the JSON "
			"document: %s\n", strerror(-r));
		return CHECK_STATUS_ERROR;
	}
	return fails ? CHECK_STATUS_FAIL : CHECK_STATUS_PASS;
}
