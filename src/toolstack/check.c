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
#include "toolstack/check.h"
#include "toolstack/check_priv.h"
#include "toolstack/domcfg.h"
#include "toolstack/launch.h"

/* The state file's names of the recorded rlimits, as CHECK_LIM_*. */
static const char *const check_lim_names[] = { "nofile", "nproc", "fsize" };

/* ---- the state file --------------------------------------------------- */

static struct check_proc *check_find_tag(struct check_domain *d,
					 const char *tag)
{
	unsigned i;

	for (i = 0; i < d->nr_procs; i++)
		if (!strcmp(d->procs[i].tag, tag))
			return &d->procs[i];
	return NULL;
}

/* A token that is a safe name: bounded, printable, no '/' abuse needed. */
static int check_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n >= max)
		return 0;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * One line of the state file (format: launch.c, launch_spawn). Every
 * number is range-checked and every name must be a bounded, printable
 * token; a cgroup name may not climb out of the domain's directory.
 * Returns 0 or -EINVAL.
 */
static int check_parse_line(struct check_domain *d, char *line)
{
	char *t[8];
	unsigned n = check_split(line, t, 7), i;
	struct check_proc *p;
	uint64_t v, v2, v3;

	if (n == 0)
		return 0;
	if (!strcmp(t[0], "name") && n == 2) {
		if (!check_name_ok(t[1], sizeof(d->name)))
			return -EINVAL;
		snprintf(d->name, sizeof(d->name), "%s", t[1]);
	} else if (!strcmp(t[0], "monitor") && n == 2) {
		if (check_u64(t[1], 10, &v) || v < 1 || v > INT_MAX)
			return -EINVAL;
		d->monitor = (pid_t)v;
	} else if (!strcmp(t[0], "cgroup-version") && n == 2) {
		if (check_u64(t[1], 10, &v) || (v != 1 && v != 2))
			return -EINVAL;
		d->cgroup_version = (int)v;
	} else if (!strcmp(t[0], "vcpus") && n == 2) {
		if (check_u64(t[1], 10, &v) || v < 1 || v > 4096)
			return -EINVAL;
		d->vcpus = (unsigned)v;
	} else if (!strcmp(t[0], "placement") && n == 2) {
		if (strcmp(t[1], domcfg_placement_name(DOMCFG_PLACEMENT_SPLIT)) &&
		    strcmp(t[1], domcfg_placement_name(DOMCFG_PLACEMENT_SINGLE)))
			return -EINVAL;
		snprintf(d->placement, sizeof(d->placement), "%s", t[1]);
	} else if (!strcmp(t[0], "accel") && n == 2) {
		if (strcmp(t[1], domcfg_accel_name(DOMCFG_ACCEL_KVM)) &&
		    strcmp(t[1], domcfg_accel_name(DOMCFG_ACCEL_SOFT)))
			return -EINVAL;
		snprintf(d->accel, sizeof(d->accel), "%s", t[1]);
	} else if (!strcmp(t[0], "seccomp-action") && n == 3) {
		struct check_proc *sp = check_find_tag(d, t[1]);

		if (!sp || (strcmp(t[2], "log") && strcmp(t[2], "kill")))
			return -EINVAL;
		sp->seccomp_log = !strcmp(t[2], "log");
	} else if (!strcmp(t[0], "weaken") && n == 2) {
		for (i = 0; domcfg_weaken_names[i]; i++)
			if (!strcmp(t[1], domcfg_weaken_names[i]))
				break;
		if (!domcfg_weaken_names[i] || i >= 32)
			return -EINVAL;
		d->weaken |= 1u << i;
	} else if (!strcmp(t[0], "proc") && n == 7) {
		if (d->nr_procs >= CHECK_MAX_PROCS ||
		    !check_name_ok(t[1], sizeof(p->tag)) ||
		    check_find_tag(d, t[1]) || check_u64(t[2], 10, &v) ||
		    v < 2 || v > INT_MAX || check_u64(t[3], 10, &v2) ||
		    v2 >= UINT32_MAX || check_u64(t[4], 10, &v3) ||
		    v3 >= UINT32_MAX || (strcmp(t[5], "hv") && strcmp(t[5], "dm")) ||
		    !check_name_ok(t[6], sizeof(p->cg)) || strchr(t[6], '/') ||
		    t[6][0] == '.')
			return -EINVAL;
		p = &d->procs[d->nr_procs++];
		snprintf(p->tag, sizeof(p->tag), "%s", t[1]);
		p->pid = (pid_t)v;
		p->uid = (uid_t)v2;
		p->gid = (gid_t)v3;
		p->is_hv = !strcmp(t[5], "hv");
		snprintf(p->cg, sizeof(p->cg), "%s", t[6]);
	} else if (!strcmp(t[0], "fd") && n == 5) {
		struct check_fd *f;

		p = check_find_tag(d, t[1]);
		if (!p || p->nr_fds >= JAIL_MAX_FDS ||
		    check_u64(t[2], 10, &v) || v >= JAIL_MAX_FDS ||
		    !check_name_ok(t[3], sizeof(f->kind)))
			return -EINVAL;
		for (i = 0; i < p->nr_fds; i++)
			if (p->fds[i].num == v)
				return -EINVAL;
		f = &p->fds[p->nr_fds++];
		f->num = (unsigned)v;
		snprintf(f->kind, sizeof(f->kind), "%s", t[3]);
		if (!strcmp(t[4], "r"))
			f->access = CHECK_ACC_R;
		else if (!strcmp(t[4], "w"))
			f->access = CHECK_ACC_W;
		else if (!strcmp(t[4], "rw"))
			f->access = CHECK_ACC_R | CHECK_ACC_W;
		else
			return -EINVAL;
	} else if (!strcmp(t[0], "limit") && n == 4) {
		p = check_find_tag(d, t[1]);
		for (i = 0; i < CHECK_NR_LIM; i++)
			if (!strcmp(t[2], check_lim_names[i]))
				break;
		if (!p || i == CHECK_NR_LIM || check_u64(t[3], 10, &v))
			return -EINVAL;
		p->lim[i] = v;
		p->have_lim |= 1u << i;
	} else if (!strcmp(t[0], "cgroup") && n == 4) {
		p = check_find_tag(d, t[1]);
		for (i = 0; i < CHECK_NR_CG; i++)
			if (!strcmp(t[2], check_cg_names[i]))
				break;
		if (!p || i == CHECK_NR_CG || check_u64(t[3], 10, &v))
			return -EINVAL;
		p->cgv[i] = v;
		p->have_cg |= 1u << i;
	} else if (!strcmp(t[0], "name") || !strcmp(t[0], "monitor") ||
		   !strcmp(t[0], "cgroup-version") || !strcmp(t[0], "vcpus") ||
		   !strcmp(t[0], "placement") || !strcmp(t[0], "accel") ||
		   !strcmp(t[0], "weaken") || !strcmp(t[0], "proc") ||
		   !strcmp(t[0], "fd") || !strcmp(t[0], "limit") ||
		   !strcmp(t[0], "cgroup")) {
		return -EINVAL; /* a known line with the wrong field count */
	}
	/* Unknown keywords are left for newer versions of this command. */
	return 0;
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
	char path[96], *buf, *line, *next;
	struct stat st;
	ssize_t len;
	unsigned lineno = 0, i;
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
	if (memchr(buf, 0, (size_t)len)) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(buf);
		return -EINVAL;
	}
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		if (strlen(line) > 512 || check_parse_line(d, line)) {
			snprintf(err, errlen, "%s: line %u: malformed", path,
				 lineno);
			free(buf);
			return -EINVAL;
		}
	}
	free(buf);
	if (!d->name[0] || !d->monitor || !d->nr_procs) {
		snprintf(err, errlen, "%s: incomplete (no name, monitor or "
			 "process)", path);
		return -EINVAL;
	}
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
