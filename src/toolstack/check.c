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
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/util.h"
#include "jail/cgroup.h"
#include "jail/jail.h"
#include "toolstack/check.h"
#include "toolstack/domcfg.h"
#include "toolstack/launch.h"

#define CHECK_MAX_PROCS (1 + LAUNCH_MAX_DMS)
#define CHECK_MAX_ROWS 160
#define CHECK_MAX_TASKS 512
#define CHECK_MAX_FDS 1024
#define CHECK_STATE_MAX 65536	       /* the monitor writes < 8 KiB */
#define CHECK_BIG_FILE_MAX (1u << 20) /* mountinfo of an unjailed root */
#define CHECK_UNLIMITED UINT64_MAX

enum check_result { CHECK_PASS, CHECK_FAIL, CHECK_INFO };

static const char *const check_result_names[] = { "PASS", "FAIL", "INFO" };

struct check_row {
	char name[24];
	enum check_result result;
	char detail[240];
};

/* One manifest line: `fd TAG NUM KIND ACCESS`. */
struct check_fd {
	unsigned num;
	char kind[16];
	unsigned access; /* CHECK_ACC_* bits */
	int seen;
};

#define CHECK_ACC_R 1u
#define CHECK_ACC_W 2u

/* The recorded limits, indexed as the state file's names below. */
enum { CHECK_LIM_NOFILE, CHECK_LIM_NPROC, CHECK_LIM_FSIZE, CHECK_NR_LIM };
enum { CHECK_CG_PIDS, CHECK_CG_MEMORY, CHECK_CG_CPU, CHECK_NR_CG };
static const char *const check_lim_names[] = { "nofile", "nproc", "fsize" };
static const char *const check_cg_names[] = { "pids.max", "memory.max",
					      "cpu.weight" };

/* Other processes found holding a process's uid or gid. */
struct check_owner {
	unsigned count;
	pid_t first;
	char comm[24];
};

/* One process of the domain: what the state file says, and the verdict. */
struct check_proc {
	char tag[32];
	pid_t pid;
	uid_t uid;
	gid_t gid;
	int is_hv;
	char cg[32];
	struct check_fd fds[JAIL_MAX_FDS];
	unsigned nr_fds;
	uint64_t lim[CHECK_NR_LIM];
	unsigned have_lim; /* bit per CHECK_LIM_* */
	uint64_t cgv[CHECK_NR_CG];
	unsigned have_cg; /* bit per CHECK_CG_* */
	unsigned weaken;  /* copy of the domain's, for row annotations */
	int accel_soft;	  /* the domain runs on the soft CPU: no KVM in hv */
	unsigned kvm_fds; /* /dev/kvm, KVM VM and vCPU fds found open */
	int seccomp_log;  /* its filter only logs (dm_seccomp = "log") */
	struct check_owner uid_other, gid_other;
	int unique_err; /* errno when /proc could not be listed */
	struct check_row rows[CHECK_MAX_ROWS];
	unsigned nr_rows;
};

struct check_domain {
	char name[64];
	unsigned domid;
	pid_t monitor;
	int cgroup_version;
	unsigned weaken; /* JAIL_WEAKEN_* */
	unsigned vcpus;	 /* 0 when the state file does not say */
	char placement[8]; /* dm_placement; "" when the file does not say */
	/* The resolved accelerator, "kvm" or "soft"; "" when the file does
	 * not say (a monitor from before accel: always KVM). */
	char accel[8];
	struct check_proc procs[CHECK_MAX_PROCS];
	unsigned nr_procs;
};

/* ---- small helpers ---------------------------------------------------- */

/*
 * Reads a whole (small) file into buf and NUL-terminates it. Returns the
 * length, or -errno; -EFBIG when it does not fit.
 */
static ssize_t check_read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char c;

	for (;;) {
		if (len + 1 >= size) {
			n = read(fd, &c, 1);
			if (n < 0)
				return -errno;
			buf[len] = 0;
			return n == 0 ? (ssize_t)len : -EFBIG;
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	return (ssize_t)len;
}

static ssize_t check_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = check_read_fd(fd, buf, size);
	close(fd);
	return n;
}

/* Copies s into a printable, bounded form: anything not printable ASCII
 * (a jailed process can name its memfds and threads) becomes '?'. */
static void check_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* Parses all of s as an unsigned number in `base`. 0 or -EINVAL. */
static int check_u64(const char *s, int base, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Finds "KEY:" at the start of a line of /proc key-value text and copies
 * its value, trimmed, into out. 0, -ENOENT, or -E2BIG if it does not fit.
 */
static int check_field(const char *text, const char *key, char *out,
		       size_t outlen)
{
	size_t kl = strlen(key);
	const char *l = text;

	while (l && *l) {
		const char *e = strchr(l, '\n');
		size_t ll = e ? (size_t)(e - l) : strlen(l);

		if (ll > kl && !strncmp(l, key, kl) && l[kl] == ':') {
			const char *v = l + kl + 1;
			size_t vl = ll - kl - 1;

			while (vl && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= outlen)
				return -E2BIG;
			memcpy(out, v, vl);
			out[vl] = 0;
			return 0;
		}
		l = e ? e + 1 : NULL;
	}
	return -ENOENT;
}

/* Splits s in place at blanks into at most max tokens; returns the count
 * (max + 1 when there are more). */
static unsigned check_split(char *s, char **tok, unsigned max)
{
	unsigned n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = 0;
		if (!*s)
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
}

/* Reads a field of up to `max` blank-separated numbers ("Uid:" has four). */
static int check_field_nums(const char *text, const char *key, int base,
			    uint64_t *v, unsigned max)
{
	char buf[128], *tok[8];
	unsigned i, n;

	if (check_field(text, key, buf, sizeof(buf)))
		return -EINVAL;
	n = check_split(buf, tok, max);
	if (n != max)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (check_u64(tok[i], base, &v[i]))
			return -EINVAL;
	return 0;
}

/* ---- rows ------------------------------------------------------------- */

/* Which restriction (JAIL_WEAKEN_*) each row name shows, by prefix. */
static const struct {
	const char *prefix;
	unsigned bit;
} check_weaken_rows[] = {
	{ "seccomp", JAIL_WEAKEN_SECCOMP }, { "ns-net", JAIL_WEAKEN_NETNS },
	{ "ns-ipc", JAIL_WEAKEN_IPCNS },    { "ns-uts", JAIL_WEAKEN_UTSNS },
	{ "ns-pid", JAIL_WEAKEN_PIDNS },    { "root", JAIL_WEAKEN_ROOT },
	{ "cap-", JAIL_WEAKEN_CAPS },	    { "no_new_privs", JAIL_WEAKEN_NNP },
	{ "rlimit-", JAIL_WEAKEN_RLIMITS }, { "cgroup-", JAIL_WEAKEN_CGROUPS },
};

static const char *check_weaken_name(unsigned bit)
{
	unsigned i;

	for (i = 0; domcfg_weaken_names[i]; i++)
		if (bit == 1u << i)
			return domcfg_weaken_names[i];
	return "?";
}

static void check_row(struct check_proc *p, const char *name,
		      enum check_result r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Adds one verdict row to p; notes when the config gave it up. */
static void check_row(struct check_proc *p, const char *name,
		      enum check_result r, const char *fmt, ...)
{
	struct check_row *row;
	va_list ap;
	size_t len;
	unsigned i;

	if (p->nr_rows >= CHECK_MAX_ROWS) {
		/* Never drop a FAIL silently: the last row says so. */
		row = &p->rows[CHECK_MAX_ROWS - 1];
		snprintf(row->name, sizeof(row->name), "rows");
		row->result = CHECK_FAIL;
		snprintf(row->detail, sizeof(row->detail),
			 "too many rows for this process; some were dropped");
		return;
	}
	row = &p->rows[p->nr_rows++];
	snprintf(row->name, sizeof(row->name), "%s", name);
	row->result = r;
	va_start(ap, fmt);
	vsnprintf(row->detail, sizeof(row->detail), fmt, ap);
	va_end(ap);
	for (i = 0; i < ARRAY_SIZE(check_weaken_rows); i++) {
		unsigned bit = check_weaken_rows[i].bit;

		if (strncmp(name, check_weaken_rows[i].prefix,
			    strlen(check_weaken_rows[i].prefix)) ||
		    !(p->weaken & bit) || r == CHECK_INFO)
			continue;
		len = strlen(row->detail);
		snprintf(row->detail + len, sizeof(row->detail) - len,
			 r == CHECK_FAIL ? " [given up: jail_weaken \"%s\"]"
					 : " [jail_weaken \"%s\" given, yet "
					   "it holds]",
			 check_weaken_name(bit));
		break;
	}
	check_sanitize(row->detail);
}

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

/* ---- uniqueness of uid and gid across the host ------------------------ */

/*
 * One pass over /proc: for each process of the domain, who else holds its
 * uid or gid (as real, effective, saved or fs id). Threads of other
 * processes are not walked: a thread's ids differ from its leader's only
 * if that process changed them itself, and no process but the domain's
 * may become these ids (they are the domain's alone).
 */
static void check_unique(struct check_domain *d)
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
			if (uid_hit && !p->uid_other.count++) {
				p->uid_other.first = (pid_t)pid;
				if (check_field(st, "Name", p->uid_other.comm,
						sizeof(p->uid_other.comm)))
					snprintf(p->uid_other.comm,
						 sizeof(p->uid_other.comm), "?");
			}
			if (gid_hit && !p->gid_other.count++) {
				p->gid_other.first = (pid_t)pid;
				if (check_field(st, "Name", p->gid_other.comm,
						sizeof(p->gid_other.comm)))
					snprintf(p->gid_other.comm,
						 sizeof(p->gid_other.comm), "?");
			}
		}
	}
	closedir(dir);
}

/* The uid-unique or gid-unique row from check_unique's findings. */
static void check_unique_row(struct check_proc *p, int is_gid)
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

/* ---- credentials, capabilities, seccomp: every thread ----------------- */

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
static void check_creds(struct check_proc *p)
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

/*
 * Not dumpable: /proc/PID files of a non-dumpable process belong to root
 * (the kernel recomputes their owner from the dumpable flag on every
 * lookup), while a dumpable process's belong to its own uid.
 */
static void check_dumpable(struct check_proc *p)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	if (stat(path, &st)) {
		check_row(p, "dumpable", CHECK_FAIL, "cannot stat %s: %s", path,
			  strerror(errno));
		return;
	}
	if (p->uid == 0) {
		check_row(p, "dumpable", CHECK_FAIL,
			  "cannot tell: the process's uid is 0");
		return;
	}
	if (st.st_uid != 0)
		check_row(p, "dumpable", CHECK_FAIL,
			  "dumpable: /proc/%d is owned by uid %u", (int)p->pid,
			  (unsigned)st.st_uid);
	else
		check_row(p, "dumpable", CHECK_PASS,
			  "not dumpable (/proc/%d owned by root)", (int)p->pid);
}

/* ---- namespaces and root ---------------------------------------------- */

/*
 * Each namespace must differ from the ones the jail was built from: the
 * monitor's, this command's and, when it may be read (a container's init
 * may refuse us), pid 1's.
 */
static void check_namespaces(struct check_proc *p, pid_t monitor)
{
	static const char *const ns[] = { "mnt", "pid", "net",
					  "ipc", "uts", "cgroup" };
	char path[64], row[16];
	struct stat mine, ref[3];
	int have_ref[3], same;
	unsigned i, k, nr_ref;

	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		snprintf(row, sizeof(row), "ns-%s", ns[i]);
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)p->pid,
			 ns[i]);
		if (stat(path, &mine)) {
			check_row(p, row, CHECK_FAIL, "cannot stat %s: %s",
				  path, strerror(errno));
			continue;
		}
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)monitor,
			 ns[i]);
		have_ref[0] = !stat(path, &ref[0]);
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i]);
		have_ref[1] = !stat(path, &ref[1]);
		snprintf(path, sizeof(path), "/proc/1/ns/%s", ns[i]);
		have_ref[2] = !stat(path, &ref[2]);
		same = 0;
		nr_ref = 0;
		for (k = 0; k < 3; k++) {
			if (!have_ref[k])
				continue;
			nr_ref++;
			same |= ref[k].st_dev == mine.st_dev &&
				ref[k].st_ino == mine.st_ino;
		}
		if (!nr_ref)
			check_row(p, row, CHECK_FAIL,
				  "no host %s namespace to compare with",
				  ns[i]);
		else if (same)
			check_row(p, row, CHECK_FAIL,
				  "%s:[%lu] is the host's (the monitor's)",
				  ns[i], (unsigned long)mine.st_ino);
		else
			check_row(p, row, CHECK_PASS,
				  "own %s:[%lu] (host %s:[%lu])", ns[i],
				  (unsigned long)mine.st_ino, ns[i],
				  (unsigned long)(have_ref[0] ? ref[0].st_ino
							      : ref[1].st_ino));
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)p->pid);
	if (!stat(path, &mine) && !stat("/proc/self/ns/user", &ref[0]) &&
	    mine.st_ino != ref[0].st_ino)
		check_row(p, "ns-user", CHECK_INFO,
			  "own user:[%lu] (not part of the jail design)",
			  (unsigned long)mine.st_ino);
	else
		check_row(p, "ns-user", CHECK_INFO,
			  "host user namespace: not used by design (isolation "
			  "is by a unique host uid)");
}

/* Unescapes mountinfo's octal escapes (\040 for a blank) in place. */
static void check_unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

static int check_has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	while (opts && *opts) {
		if (!strncmp(opts, opt, n) && (opts[n] == ',' || !opts[n]))
			return 1;
		opts = strchr(opts, ',');
		if (opts)
			opts++;
	}
	return 0;
}

/*
 * The root: not the host's (stat through /proc/PID/root), empty, the only
 * mount the process can see, and mounted read-only.
 */
static void check_root(struct check_proc *p)
{
	char path[64], *buf, *line, *next, root_opts[256] = "";
	struct stat mine, host;
	struct dirent *e;
	unsigned entries = 0, mounts = 0;
	ssize_t len;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/root", (int)p->pid);
	if (stat(path, &mine) || stat("/", &host))
		check_row(p, "root", CHECK_FAIL, "cannot stat %s: %s", path,
			  strerror(errno));
	else if (mine.st_dev == host.st_dev && mine.st_ino == host.st_ino)
		check_row(p, "root", CHECK_FAIL,
			  "the root is the host's / (dev %u:%u ino %lu)",
			  major(mine.st_dev), minor(mine.st_dev),
			  (unsigned long)mine.st_ino);
	else
		check_row(p, "root", CHECK_PASS,
			  "own root (dev %u:%u ino %lu), not the host's /",
			  major(mine.st_dev), minor(mine.st_dev),
			  (unsigned long)mine.st_ino);

	/* Mounts: exactly one, the root, and read-only. */
	buf = malloc(CHECK_BIG_FILE_MAX);
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)p->pid);
	len = buf ? check_read_file(path, buf, CHECK_BIG_FILE_MAX) : -ENOMEM;
	for (line = len >= 0 ? buf : NULL; line && *line; line = next) {
		char *t[7];

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (check_split(line, t, 6) < 6)
			continue;
		mounts++;
		check_unescape(t[4]);
		/* The last mount on "/" is the one on top. */
		if (!strcmp(t[4], "/"))
			snprintf(root_opts, sizeof(root_opts), "%s", t[5]);
	}
	free(buf);

	snprintf(path, sizeof(path), "/proc/%d/root", (int)p->pid);
	dir = opendir(path);
	if (dir) {
		while ((e = readdir(dir)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				entries++;
		closedir(dir);
	}
	if (!dir)
		check_row(p, "root-empty", CHECK_FAIL, "cannot list %s: %s",
			  path, strerror(errno));
	else if (len < 0)
		check_row(p, "root-empty", CHECK_FAIL,
			  "cannot read its mountinfo: %s", strerror((int)-len));
	else if (entries || mounts != 1)
		check_row(p, "root-empty", CHECK_FAIL,
			  "%u entr%s in its root, %u mount%s visible", entries,
			  entries == 1 ? "y" : "ies", mounts,
			  mounts == 1 ? "" : "s");
	else
		check_row(p, "root-empty", CHECK_PASS,
			  "no entries, the root is the only mount");

	if (len < 0)
		check_row(p, "root-ro", CHECK_FAIL,
			  "cannot read its mountinfo: %s", strerror((int)-len));
	else if (!root_opts[0])
		check_row(p, "root-ro", CHECK_FAIL, "no mount on / in %s",
			  "its mountinfo");
	else if (!check_has_opt(root_opts, "ro"))
		check_row(p, "root-ro", CHECK_FAIL, "/ is mounted %s",
			  root_opts);
	else
		check_row(p, "root-ro", CHECK_PASS, "/ is mounted %s",
			  root_opts);
}

/* ---- rlimits ------------------------------------------------------------ */

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
static void check_rlimits(struct check_proc *p)
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

/* ---- cgroups -------------------------------------------------------------- */

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
static void check_cgroups(struct check_proc *p, unsigned domid)
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

/* ---- file descriptors --------------------------------------------------- */

enum check_fdclass {
	CHECK_FD_NULL,
	CHECK_FD_LOG,
	CHECK_FD_KVM,
	CHECK_FD_KVM_VM,
	CHECK_FD_KVM_VCPU,
	CHECK_FD_RAM,
	CHECK_FD_IOREQ,
	CHECK_FD_EVENT,
	CHECK_FD_SOCKET,
	CHECK_FD_FILE,
	CHECK_FD_BLOCK,
	CHECK_FD_OTHER,
};

static const char *const check_fdclass_names[] = {
	"null", "log", "kvm", "kvm-vm", "kvm-vcpu", "ram",
	"ioreq", "event", "socket", "file", "block device", "other",
};

/* Manifest kinds and the class each must be (socket type: 5 seqpacket,
 * 1 stream; 0 when the class is not a socket). A disk image may be a
 * regular file (all domcfg accepts) or a block device. */
static const struct {
	const char *kind;
	enum check_fdclass cls;
	unsigned sock_type;
	int or_block;
} check_kinds[] = {
	{ "null", CHECK_FD_NULL, 0, 0 },
	{ "log", CHECK_FD_LOG, 0, 0 },
	{ "kvm", CHECK_FD_KVM, 0, 0 },
	{ "ram", CHECK_FD_RAM, 0, 0 },
	{ "ioreq", CHECK_FD_IOREQ, 0, 0 },
	{ "event", CHECK_FD_EVENT, 0, 0 },
	{ "dm_op", CHECK_FD_SOCKET, 5, 0 },
	{ "hvctl", CHECK_FD_SOCKET, 5, 0 },
	{ "console", CHECK_FD_SOCKET, 1, 0 },
	{ "kernel", CHECK_FD_FILE, 0, 0 },
	{ "module", CHECK_FD_FILE, 0, 0 },
	{ "ramdisk", CHECK_FD_FILE, 0, 0 },
	{ "disk", CHECK_FD_FILE, 0, 1 },
};

/* A memfd the monitor made: "/memfd:NAME (deleted)". */
static int check_is_memfd(const char *link, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(link, "/memfd:", 7) && !strncmp(link + 7, name, n) &&
	       (!link[7 + n] || !strcmp(link + 7 + n, " (deleted)"));
}

/*
 * What an open fd is, from its /proc link and a stat through it. Names
 * alone could be faked only by the monitor (the jailed process cannot
 * open anything), but device fds are checked by type as well. `index`
 * gets a vCPU number or a socket inode.
 */
static enum check_fdclass check_classify(const char *link,
					 const struct stat *st, int have_st,
					 unsigned long *index)
{
	uint64_t v;

	if (!strcmp(link, "/dev/null") && have_st && S_ISCHR(st->st_mode) &&
	    st->st_rdev == makedev(1, 3))
		return CHECK_FD_NULL;
	if (!strcmp(link, "/dev/kvm") && have_st && S_ISCHR(st->st_mode))
		return CHECK_FD_KVM;
	if (!strncmp(link, "pipe:[", 6))
		return CHECK_FD_LOG;
	if (!strcmp(link, "anon_inode:kvm-vm"))
		return CHECK_FD_KVM_VM;
	if (!strncmp(link, "anon_inode:kvm-vcpu:", 20) &&
	    !check_u64(link + 20, 10, &v) && v < 4096) {
		*index = (unsigned long)v;
		return CHECK_FD_KVM_VCPU;
	}
	if (!strcmp(link, "anon_inode:[eventfd]"))
		return CHECK_FD_EVENT;
	if (check_is_memfd(link, "safepc-ram"))
		return CHECK_FD_RAM;
	if (check_is_memfd(link, "safepc-ioreq"))
		return CHECK_FD_IOREQ;
	if (!strncmp(link, "socket:[", 8)) {
		char *end;
		unsigned long ino = strtoul(link + 8, &end, 10);

		if (*end == ']' && !end[1]) {
			*index = ino;
			return CHECK_FD_SOCKET;
		}
		return CHECK_FD_OTHER;
	}
	if (link[0] == '/' && strncmp(link, "/memfd:", 7) && have_st &&
	    S_ISREG(st->st_mode))
		return CHECK_FD_FILE;
	if (link[0] == '/' && have_st && S_ISBLK(st->st_mode))
		return CHECK_FD_BLOCK;
	return CHECK_FD_OTHER;
}

/*
 * The AF_UNIX type of socket inode `ino` (1 stream, 5 seqpacket), looked
 * up in /proc/<pid>/net/unix (the netns the socket was made in: the
 * monitor's). 0 when it is not an AF_UNIX socket there.
 */
static unsigned check_unix_type(pid_t pid, unsigned long ino)
{
	char path[64], line[512];
	unsigned type = 0, t, st;
	unsigned long i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/net/unix", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n')) {
			int c;

			/* A long path: skip the rest of this line. */
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
		if (sscanf(line, "%*s %*x %*x %*x %x %x %lu", &t, &st, &i) ==
			    3 &&
		    i == ino) {
			type = t;
			break;
		}
	}
	fclose(f);
	return type;
}

static int check_cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static const char *check_acc_name(unsigned acc)
{
	static const char *const names[] = { "-", "r", "w", "rw" };

	return names[acc & 3];
}

/* Judges one open fd against the manifest (and hv's runtime KVM fds). */
static void check_one_fd(struct check_proc *p, pid_t monitor, unsigned num,
			 unsigned *nr_vm, unsigned char *vcpus_seen,
			 unsigned max_vcpus)
{
	char path[64], link[256], info[1024], flags_s[32], row[16];
	struct check_fd *m = NULL;
	unsigned long index = 0;
	enum check_fdclass cls;
	struct stat st;
	int have_st;
	uint64_t flags;
	unsigned acc, i, k;
	ssize_t n;

	snprintf(row, sizeof(row), "fd-%u", num);
	snprintf(path, sizeof(path), "/proc/%d/fd/%u", (int)p->pid, num);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			check_row(p, row, CHECK_FAIL, "cannot read %s: %s",
				  path, strerror(errno));
		return; /* closed meanwhile */
	}
	link[n] = 0;
	check_sanitize(link);
	have_st = !stat(path, &st);
	cls = check_classify(link, &st, have_st, &index);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%u", (int)p->pid, num);
	if (check_read_file(path, info, sizeof(info)) < 0 ||
	    check_field(info, "flags", flags_s, sizeof(flags_s)) ||
	    check_u64(flags_s, 8, &flags)) {
		check_row(p, row, CHECK_FAIL, "%s: cannot read its flags",
			  link);
		return;
	}
	/* The access mode the fd was opened with: what the process can do
	 * with it, whatever the manifest intended. */
	acc = (flags & O_ACCMODE) == O_RDONLY   ? CHECK_ACC_R
	      : (flags & O_ACCMODE) == O_WRONLY ? CHECK_ACC_W
						: CHECK_ACC_R | CHECK_ACC_W;
	for (i = 0; i < p->nr_fds; i++)
		if (p->fds[i].num == num)
			m = &p->fds[i];

	if (cls == CHECK_FD_KVM || cls == CHECK_FD_KVM_VM ||
	    cls == CHECK_FD_KVM_VCPU) {
		p->kvm_fds++;
		/* Under the soft CPU hv gets no /dev/kvm and has no use for
		 * KVM: any KVM fd there is a way into the host kernel's
		 * KVM that this domain was meant not to have. */
		if (p->is_hv && p->accel_soft) {
			if (m)
				m->seen = 1;
			check_row(p, row, CHECK_FAIL,
				  "%s: a KVM fd in hv under accel soft", link);
			return;
		}
	}
	/* hv's own KVM fds: one VM fd and one fd per vCPU, whatever their
	 * numbers (they reuse the slots of manifest fds hv closed). */
	if (cls == CHECK_FD_KVM_VM || cls == CHECK_FD_KVM_VCPU) {
		const char *note = m ? " (its manifest fd was closed)" : "";

		if (m)
			m->seen = 1;
		if (!p->is_hv)
			check_row(p, row, CHECK_FAIL, "%s: a KVM fd in a DM",
				  link);
		else if (cls == CHECK_FD_KVM_VM && (*nr_vm)++)
			check_row(p, row, CHECK_FAIL,
				  "%s: a second KVM VM fd", link);
		else if (cls == CHECK_FD_KVM_VCPU &&
			 (index >= 4096 || vcpus_seen[index] ||
			  (max_vcpus && index >= max_vcpus)))
			check_row(p, row, CHECK_FAIL,
				  "%s: a second fd for this vCPU, or a vCPU "
				  "the domain does not have", link);
		else {
			if (cls == CHECK_FD_KVM_VCPU)
				vcpus_seen[index] = 1;
			check_row(p, row, CHECK_PASS,
				  "%s: hv's own KVM %s fd%s", link,
				  cls == CHECK_FD_KVM_VM ? "VM" : "vCPU",
				  note);
		}
		return;
	}
	if (!m) {
		check_row(p, row, CHECK_FAIL,
			  "%s (%s, %s): not in the manifest", link,
			  check_fdclass_names[cls], check_acc_name(acc));
		return;
	}
	m->seen = 1;
	for (k = 0; k < ARRAY_SIZE(check_kinds); k++)
		if (!strcmp(check_kinds[k].kind, m->kind))
			break;
	if (k == ARRAY_SIZE(check_kinds)) {
		check_row(p, row, CHECK_FAIL,
			  "%s: manifest kind '%s' is unknown to check", link,
			  m->kind);
		return;
	}
	if (check_kinds[k].cls != cls &&
	    !(check_kinds[k].or_block && cls == CHECK_FD_BLOCK)) {
		check_row(p, row, CHECK_FAIL, "%s is %s, manifest says %s",
			  link, check_fdclass_names[cls], m->kind);
		return;
	}
	if (check_kinds[k].sock_type) {
		unsigned t = check_unix_type(monitor, index);

		if (!t)
			t = check_unix_type(p->pid, index);
		if (t != check_kinds[k].sock_type) {
			check_row(p, row, CHECK_FAIL,
				  "%s: %s, manifest %s wants an AF_UNIX %s "
				  "socket",
				  link, t ? "wrong socket type" : "not an "
				  "AF_UNIX socket of the domain", m->kind,
				  check_kinds[k].sock_type == 5 ? "seqpacket"
								: "stream");
			return;
		}
	}
	if (acc & ~m->access) {
		check_row(p, row, CHECK_FAIL,
			  "%s: %s open %s, manifest allows %s", link, m->kind,
			  check_acc_name(acc), check_acc_name(m->access));
		return;
	}
	check_row(p, row, CHECK_PASS, "%s: %s, open %s (manifest %s)", link,
		  m->kind, check_acc_name(acc), check_acc_name(m->access));
}

/*
 * hv's accelerator row, after its fds were read: under soft, hv must hold
 * no /dev/kvm, KVM VM or vCPU fd (each one found is a FAIL row of its own
 * too); under KVM they are expected and only counted.
 */
static void check_accel(struct check_proc *p)
{
	if (p->accel_soft && p->kvm_fds)
		check_row(p, "accel", CHECK_FAIL,
			  "soft, yet hv holds %u KVM fd%s", p->kvm_fds,
			  p->kvm_fds == 1 ? "" : "s");
	else if (p->accel_soft)
		check_row(p, "accel", CHECK_PASS,
			  "soft: hv holds no /dev/kvm, KVM VM or vCPU fd");
	else
		check_row(p, "accel", CHECK_INFO,
			  "kvm: hv holds %u KVM fd%s (/dev/kvm, the VM, its "
			  "vCPUs)", p->kvm_fds, p->kvm_fds == 1 ? "" : "s");
}

/*
 * Every open fd of p, in order, against the manifest; then the manifest
 * fds p no longer holds. `vcpus` bounds hv's vCPU fds when the state
 * file records it (0: only one fd per vCPU index is checked).
 */
static void check_fds(struct check_proc *p, pid_t monitor, unsigned vcpus)
{
	unsigned *nums = malloc(CHECK_MAX_FDS * sizeof(*nums));
	unsigned char *vcpus_seen = calloc(4096, 1);
	unsigned nr = 0, nr_vm = 0, i;
	char path[64], row[16];
	struct dirent *e;
	uint64_t v;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)p->pid);
	dir = nums && vcpus_seen ? opendir(path) : NULL;
	if (!dir) {
		check_row(p, "fds", CHECK_FAIL, "cannot list %s: %s", path,
			  strerror(nums && vcpus_seen ? errno : ENOMEM));
		free(nums);
		free(vcpus_seen);
		return;
	}
	while ((e = readdir(dir))) {
		if (check_u64(e->d_name, 10, &v) || v > INT_MAX)
			continue;
		if (nr == CHECK_MAX_FDS) {
			check_row(p, "fds", CHECK_FAIL,
				  "more than %u open fds; only the lowest "
				  "were checked", CHECK_MAX_FDS);
			break;
		}
		nums[nr++] = (unsigned)v;
	}
	closedir(dir);
	qsort(nums, nr, sizeof(*nums), check_cmp_uint);
	for (i = 0; i < nr; i++)
		check_one_fd(p, monitor, nums[i], &nr_vm, vcpus_seen, vcpus);
	/* Manifest fds it does not hold any more: fine (it may drop what it
	 * no longer needs), shown for completeness. */
	for (i = 0; i < p->nr_fds; i++) {
		if (p->fds[i].seen)
			continue;
		snprintf(row, sizeof(row), "fd-%u", p->fds[i].num);
		check_row(p, row, CHECK_INFO, "manifest %s (%s): closed",
			  p->fds[i].kind, check_acc_name(p->fds[i].access));
	}
	free(nums);
	free(vcpus_seen);
	if (p->is_hv)
		check_accel(p);
}

/* The environment the program was started with; the jail passes none,
 * so nothing of the monitor's (paths, test hooks) leaks in. */
static void check_environ(struct check_proc *p)
{
	char path[64], buf[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)p->pid);
	n = check_read_file(path, buf, sizeof(buf));
	if (n < 0 && n != -EFBIG)
		check_row(p, "environ", CHECK_FAIL, "cannot read %s: %s", path,
			  strerror((int)-n));
	else if (n != 0)
		check_row(p, "environ", CHECK_FAIL, "not empty");
	else
		check_row(p, "environ", CHECK_PASS, "empty");
}

/* ---- one process ---------------------------------------------------------- */

/*
 * Is p->pid still the process the monitor started? Its parent must be the
 * monitor (a recycled pid would not be). 0 when it is.
 */
static int check_alive(struct check_proc *p, pid_t monitor)
{
	char path[64], st[8192];
	uint64_t ppid, tgid;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	if (check_read_file(path, st, sizeof(st)) < 0) {
		check_row(p, "process", CHECK_FAIL, "pid %d is not running",
			  (int)p->pid);
		return -1;
	}
	if (check_field_nums(st, "PPid", 10, &ppid, 1) ||
	    check_field_nums(st, "Tgid", 10, &tgid, 1) ||
	    tgid != (uint64_t)p->pid || ppid != (uint64_t)monitor) {
		check_row(p, "process", CHECK_FAIL,
			  "pid %d is not a child of monitor %d (pid reused?)",
			  (int)p->pid, (int)monitor);
		return -1;
	}
	check_row(p, "process", CHECK_PASS, "pid %d, child of monitor %d",
		  (int)p->pid, (int)monitor);
	return 0;
}

/* Every row of one running process, in the order of docs/security.md. */
static void check_proc_all(struct check_domain *d, struct check_proc *p)
{
	check_creds(p);
	check_dumpable(p);
	check_namespaces(p, d->monitor);
	check_root(p);
	check_rlimits(p);
	check_cgroups(p, d->domid);
	check_fds(p, d->monitor, d->vcpus);
	check_environ(p);
}

/* ---- output ----------------------------------------------------------------- */

static void check_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The --json document; every string was sanitised to printable ASCII. */
static void check_print_json(const struct check_domain *d, unsigned fails)
{
	unsigned i, k, first = 1;

	printf("{\"domain\": ");
	check_json_str(d->name);
	printf(", \"domid\": %u, \"monitor\": %d, \"cgroup_version\": %d, ",
	       d->domid, (int)d->monitor, cgroup_is_v2() ? 2 : 1);
	if (d->placement[0])
		printf("\"dm_placement\": \"%s\", ", d->placement);
	printf("\"accel\": \"%s\", ", d->accel[0] ? d->accel : "kvm");
	printf("\"weakened\": [");
	for (i = 0; domcfg_weaken_names[i]; i++) {
		if (!(d->weaken & (1u << i)))
			continue;
		printf("%s", first ? "" : ", ");
		check_json_str(domcfg_weaken_names[i]);
		first = 0;
	}
	printf("],\n \"processes\": [");
	for (i = 0; i < d->nr_procs; i++) {
		const struct check_proc *p = &d->procs[i];

		printf("%s\n  {\"tag\": ", i ? "," : "");
		check_json_str(p->tag);
		printf(", \"pid\": %d, \"uid\": %u, \"kind\": \"%s\", "
		       "\"checks\": [",
		       (int)p->pid, (unsigned)p->uid, p->is_hv ? "hv" : "dm");
		for (k = 0; k < p->nr_rows; k++) {
			printf("%s\n   {\"name\": ", k ? "," : "");
			check_json_str(p->rows[k].name);
			printf(", \"result\": \"%s\", \"detail\": ",
			       check_result_names[p->rows[k].result]);
			check_json_str(p->rows[k].detail);
			putchar('}');
		}
		printf("]}");
	}
	printf("],\n \"failures\": %u}\n", fails);
}

static void check_print_table(const struct check_domain *d, unsigned fails)
{
	int wp = (int)strlen("PROCESS"), wc = (int)strlen("CHECK");
	unsigned i, k, first = 1;

	printf("domain %s (domid %u), monitor %d, cgroup v%d, accel %s",
	       d->name, d->domid, (int)d->monitor, cgroup_is_v2() ? 2 : 1,
	       d->accel[0] ? d->accel : "kvm");
	if (d->placement[0])
		printf(", dm_placement %s", d->placement);
	for (i = 0; domcfg_weaken_names[i]; i++) {
		if (!(d->weaken & (1u << i)))
			continue;
		printf("%s%s", first ? ", weakened: " : " ", domcfg_weaken_names[i]);
		first = 0;
	}
	printf("\n\n");
	for (i = 0; i < d->nr_procs; i++) {
		const struct check_proc *p = &d->procs[i];

		if ((int)strlen(p->tag) > wp)
			wp = (int)strlen(p->tag);
		for (k = 0; k < p->nr_rows; k++)
			if ((int)strlen(p->rows[k].name) > wc)
				wc = (int)strlen(p->rows[k].name);
	}
	printf("%-*s  %-*s  %-6s  %s\n", wp, "PROCESS", wc, "CHECK", "RESULT",
	       "DETAIL");
	for (i = 0; i < d->nr_procs; i++) {
		const struct check_proc *p = &d->procs[i];

		for (k = 0; k < p->nr_rows; k++)
			printf("%-*s  %-*s  %-6s  %s\n", wp, p->tag, wc,
			       p->rows[k].name,
			       check_result_names[p->rows[k].result],
			       p->rows[k].detail);
	}
	printf("\n%u failure%s\n", fails, fails == 1 ? "" : "s");
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
	if (json)
		check_print_json(d, fails);
	else
		check_print_table(d, fails);
	free(d);
	return fails ? CHECK_STATUS_FAIL : CHECK_STATUS_PASS;
}
