/* SPDX-License-Identifier: MIT */
/* The domain state file: grammar in statefile.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/lex.h"
#include "proto/statefile.h"

const char *const statefile_limit_names[STATEFILE_NR_LIM] = {
	"nofile", "nproc", "fsize"
};
const char *const statefile_cg_names[STATEFILE_NR_CG] = {
	"pids.max", "memory.max", "cpu.weight"
};
static const char *const statefile_acc_names[] = { NULL, "r", "w", "rw" };
static const char *const statefile_seccomp_names[] = { NULL, "kill", "log" };

/* Most fields a line of a known keyword has (proc: 7). */
#define STATEFILE_MAX_FIELDS 7

/* ---- the limits, shared by the parser and the writer ---- */

/* A word of the grammar held in a NUL-terminated array of `max` bytes. */
static int statefile_word_ok(const char *s, size_t max)
{
	return lex_word_ok(s, strnlen(s, max), max);
}

static int statefile_cg_ok(const char *s)
{
	return statefile_word_ok(s, 32) && !strchr(s, '/') && s[0] != '.';
}

/* Index of word s in a table of n names (NULL entries skipped), or -1. */
static int statefile_lookup(const char *const *names, unsigned n,
			    const char *s)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], s))
			return (int)i;
	return -1;
}

static int statefile_weaken_index(const char *s)
{
	unsigned i;

	for (i = 0; domcfg_weaken_names[i] && i < 32; i++)
		if (!strcmp(domcfg_weaken_names[i], s))
			return (int)i;
	return -1;
}

static struct statefile_proc *statefile_find(struct statefile *sf,
					     const char *tag)
{
	unsigned i;

	for (i = 0; i < sf->nr_procs; i++)
		if (!strcmp(sf->procs[i].tag, tag))
			return &sf->procs[i];
	return NULL;
}

/* The proc line's values; the reason in err. */
static int statefile_proc_ok(const struct statefile_proc *p, char *err,
			     size_t errlen)
{
	if (!statefile_word_ok(p->tag, sizeof(p->tag)))
		return lex_fail(err, errlen, -EINVAL,
				"proc: tag '%.40s' is not 1-31 printable "
				"characters", p->tag);
	if (p->pid < 2)
		return lex_fail(err, errlen, -EINVAL,
				"proc %s: pid %d out of range (2-%d)", p->tag,
				p->pid, INT_MAX);
	if (p->uid == UINT32_MAX || p->gid == UINT32_MAX)
		return lex_fail(err, errlen, -EINVAL,
				"proc %s: uid or gid 4294967295 (-1)", p->tag);
	if (!statefile_cg_ok(p->cg))
		return lex_fail(err, errlen, -EINVAL,
				"proc %s: cgroup '%.40s' is not 1-31 printable "
				"characters without '/' or a leading '.'",
				p->tag, p->cg);
	return 0;
}

/* Fd idx of p, and that no earlier fd of p has its number. */
static int statefile_fd_ok(const struct statefile_proc *p, unsigned idx,
			   char *err, size_t errlen)
{
	const struct statefile_fd *f = &p->fds[idx];
	unsigned i;

	if (f->num >= STATEFILE_MAX_FDS)
		return lex_fail(err, errlen, -EINVAL,
				"fd %s: number %u out of range (0-%u)", p->tag,
				f->num, STATEFILE_MAX_FDS - 1);
	if (!statefile_word_ok(f->kind, sizeof(f->kind)))
		return lex_fail(err, errlen, -EINVAL,
				"fd %s %u: kind '%.40s' is not 1-15 printable "
				"characters", p->tag, f->num, f->kind);
	if (!f->access || f->access > 3)
		return lex_fail(err, errlen, -EINVAL,
				"fd %s %u: access is not r, w or rw", p->tag,
				f->num);
	for (i = 0; i < idx; i++)
		if (p->fds[i].num == f->num)
			return lex_fail(err, errlen, -EINVAL,
					"fd %s: fd %u given twice", p->tag,
					f->num);
	return 0;
}

/* ---- the parser ---- */

/* Splits s in place at blanks into at most max tokens; returns the count
 * (max + 1 when there are more). */
static unsigned statefile_split(char *s, char **tok, unsigned max)
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

/* A decimal field within [min, max]; `what` names it in errors. */
static int statefile_num(const char *key, const char *what, const char *s,
			 uint64_t min, uint64_t max, uint64_t *out, char *err,
			 size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];

	if (lex_u64(s, strlen(s), 0, out) || *out < min || *out > max)
		return lex_fail(err, errlen, -EINVAL,
				"%s: %s '%s' is not a number %llu-%llu", key,
				what, lex_quote(s, strlen(s), q, sizeof(q)),
				(unsigned long long)min,
				(unsigned long long)max);
	return 0;
}

/* The proc named by a tag field, which must come before. */
static struct statefile_proc *statefile_tag(struct statefile *sf,
					    const char *key, const char *tag,
					    char *err, size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	struct statefile_proc *p = statefile_find(sf, tag);

	if (!p)
		lex_fail(err, errlen, -EINVAL,
			 "%s: no proc line before it for tag '%s'", key,
			 lex_quote(tag, strlen(tag), q, sizeof(q)));
	return p;
}

#define STATEFILE_DUP(key)                                                    \
	lex_fail(err, errlen, -EINVAL, "%s given twice", key)

/* The domain lines: name .. accel, weaken. 1 when `key` is none of them. */
static int statefile_domain_line(struct statefile *sf, char **t, char *err,
				 size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	const char *key = t[0], *v = t[1];
	uint64_t n;
	int i;

	if (!strcmp(key, "name")) {
		if (sf->name[0])
			return STATEFILE_DUP(key);
		if (!statefile_word_ok(v, sizeof(sf->name)))
			return lex_fail(err, errlen, -EINVAL,
					"name: '%s' is not 1-63 printable "
					"characters",
					lex_quote(v, strlen(v), q, sizeof(q)));
		snprintf(sf->name, sizeof(sf->name), "%s", v);
	} else if (!strcmp(key, "monitor")) {
		if (sf->monitor)
			return STATEFILE_DUP(key);
		if (statefile_num(key, "pid", v, 1, INT_MAX, &n, err, errlen))
			return -EINVAL;
		sf->monitor = (int)n;
	} else if (!strcmp(key, "cgroup-version")) {
		if (sf->cgroup_version)
			return STATEFILE_DUP(key);
		if (statefile_num(key, "version", v, 1, 2, &n, err, errlen))
			return -EINVAL;
		sf->cgroup_version = (int)n;
	} else if (!strcmp(key, "vcpus")) {
		if (sf->vcpus)
			return STATEFILE_DUP(key);
		if (statefile_num(key, "count", v, 1, STATEFILE_MAX_VCPUS, &n,
				  err, errlen))
			return -EINVAL;
		sf->vcpus = (unsigned)n;
	} else if (!strcmp(key, "placement")) {
		if (sf->has_placement)
			return STATEFILE_DUP(key);
		if (!strcmp(v, domcfg_placement_name(DOMCFG_PLACEMENT_SPLIT)))
			sf->placement = DOMCFG_PLACEMENT_SPLIT;
		else if (!strcmp(v, domcfg_placement_name(
					    DOMCFG_PLACEMENT_SINGLE)))
			sf->placement = DOMCFG_PLACEMENT_SINGLE;
		else
			return lex_fail(err, errlen, -EINVAL,
					"placement: '%s' is not split or "
					"single",
					lex_quote(v, strlen(v), q, sizeof(q)));
		sf->has_placement = true;
	} else if (!strcmp(key, "accel")) {
		if (sf->has_accel)
			return STATEFILE_DUP(key);
		if (!strcmp(v, domcfg_accel_name(DOMCFG_ACCEL_KVM)))
			sf->accel = DOMCFG_ACCEL_KVM;
		else if (!strcmp(v, domcfg_accel_name(DOMCFG_ACCEL_SOFT)))
			sf->accel = DOMCFG_ACCEL_SOFT;
		else
			return lex_fail(err, errlen, -EINVAL,
					"accel: '%s' is not kvm or soft",
					lex_quote(v, strlen(v), q, sizeof(q)));
		sf->has_accel = true;
	} else if (!strcmp(key, "weaken")) {
		i = statefile_weaken_index(v);
		if (i < 0)
			return lex_fail(err, errlen, -EINVAL,
					"weaken: '%s' is not a jail_weaken "
					"name",
					lex_quote(v, strlen(v), q, sizeof(q)));
		if (sf->weaken & (1u << i))
			return lex_fail(err, errlen, -EINVAL,
					"weaken %s given twice", v);
		sf->weaken |= 1u << i;
	} else {
		return 1;
	}
	return 0;
}

static int statefile_proc_line(struct statefile *sf, char **t, char *err,
			       size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	struct statefile_proc *p;
	uint64_t pid, uid, gid;

	if (sf->nr_procs == STATEFILE_MAX_PROCS)
		return lex_fail(err, errlen, -EINVAL,
				"proc: more than %u processes",
				STATEFILE_MAX_PROCS);
	if (!statefile_word_ok(t[1], 32))
		return lex_fail(err, errlen, -EINVAL,
				"proc: tag '%s' is not 1-31 printable "
				"characters",
				lex_quote(t[1], strlen(t[1]), q, sizeof(q)));
	if (statefile_find(sf, t[1]))
		return lex_fail(err, errlen, -EINVAL, "proc %s given twice",
				t[1]);
	if (statefile_num("proc", "pid", t[2], 2, INT_MAX, &pid, err,
			  errlen) ||
	    statefile_num("proc", "uid", t[3], 0, UINT32_MAX - 1, &uid, err,
			  errlen) ||
	    statefile_num("proc", "gid", t[4], 0, UINT32_MAX - 1, &gid, err,
			  errlen))
		return -EINVAL;
	if (strcmp(t[5], "hv") && strcmp(t[5], "dm"))
		return lex_fail(err, errlen, -EINVAL,
				"proc %s: kind '%s' is not hv or dm", t[1],
				lex_quote(t[5], strlen(t[5]), q, sizeof(q)));
	if (!statefile_cg_ok(t[6]))
		return lex_fail(err, errlen, -EINVAL,
				"proc %s: cgroup '%s' is not 1-31 printable "
				"characters without '/' or a leading '.'",
				t[1],
				lex_quote(t[6], strlen(t[6]), q, sizeof(q)));
	p = statefile_add_proc(sf, t[1], (int)pid, (uint32_t)uid,
			       (uint32_t)gid, !strcmp(t[5], "hv"), t[6]);
	return p ? 0 : -EINVAL; /* cannot fail: every field was checked */
}

/* The lines of one process: fd, seccomp-action, limit, cgroup. */
static int statefile_proc_detail(struct statefile *sf, char **t, char *err,
				 size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	const char *key = t[0];
	struct statefile_proc *p = statefile_tag(sf, key, t[1], err, errlen);
	struct statefile_fd f = { 0 };
	uint64_t v;
	int i;

	if (!p)
		return -EINVAL;
	if (!strcmp(key, "fd")) {
		if (p->nr_fds == STATEFILE_MAX_FDS)
			return lex_fail(err, errlen, -EINVAL,
					"fd %s: more than %u fds", p->tag,
					STATEFILE_MAX_FDS);
		if (statefile_num(key, "number", t[2], 0,
				  STATEFILE_MAX_FDS - 1, &v, err, errlen))
			return -EINVAL;
		f.num = (unsigned)v;
		if (!lex_word_ok(t[3], strlen(t[3]), sizeof(f.kind)))
			return lex_fail(err, errlen, -EINVAL,
					"fd %s %u: kind '%s' is not 1-15 "
					"printable characters", p->tag, f.num,
					lex_quote(t[3], strlen(t[3]), q,
						  sizeof(q)));
		snprintf(f.kind, sizeof(f.kind), "%s", t[3]);
		i = statefile_lookup(statefile_acc_names, 4, t[4]);
		if (i < 0)
			return lex_fail(err, errlen, -EINVAL,
					"fd %s %u: access '%s' is not r, w or "
					"rw", p->tag, f.num,
					lex_quote(t[4], strlen(t[4]), q,
						  sizeof(q)));
		f.access = (unsigned)i;
		p->fds[p->nr_fds] = f;
		if (statefile_fd_ok(p, p->nr_fds, err, errlen))
			return -EINVAL;
		p->nr_fds++;
		return 0;
	}
	if (!strcmp(key, "seccomp-action")) {
		i = statefile_lookup(statefile_seccomp_names, 3, t[2]);
		if (i < 0)
			return lex_fail(err, errlen, -EINVAL,
					"seccomp-action %s: '%s' is not log "
					"or kill", p->tag,
					lex_quote(t[2], strlen(t[2]), q,
						  sizeof(q)));
		if (p->seccomp)
			return lex_fail(err, errlen, -EINVAL,
					"seccomp-action %s given twice",
					p->tag);
		p->seccomp = (enum statefile_seccomp)i;
		return 0;
	}
	/* limit or cgroup */
	{
		int is_lim = !strcmp(key, "limit");
		const char *const *names =
			is_lim ? statefile_limit_names : statefile_cg_names;
		unsigned nr = is_lim ? STATEFILE_NR_LIM : STATEFILE_NR_CG;
		unsigned *have = is_lim ? &p->have_lim : &p->have_cg;
		uint64_t *val = is_lim ? p->lim : p->cgv;

		i = statefile_lookup(names, nr, t[2]);
		if (i < 0)
			return lex_fail(err, errlen, -EINVAL,
					"%s %s: '%s' is not %s", key, p->tag,
					lex_quote(t[2], strlen(t[2]), q,
						  sizeof(q)),
					is_lim ? "nofile, nproc or fsize"
					       : "pids.max, memory.max or "
						 "cpu.weight");
		if (*have & (1u << i))
			return lex_fail(err, errlen, -EINVAL,
					"%s %s %s given twice", key, p->tag,
					names[i]);
		if (statefile_num(key, names[i], t[3], 0, UINT64_MAX, &v, err,
				  errlen))
			return -EINVAL;
		val[i] = v;
		*have |= 1u << i;
		return 0;
	}
}

/* The known keywords and their field counts, keyword included. */
static const struct {
	const char *key;
	unsigned fields;
} statefile_keys[] = {
	{ "name", 2 },	 { "monitor", 2 },	  { "cgroup-version", 2 },
	{ "vcpus", 2 },	 { "placement", 2 },	  { "weaken", 2 },
	{ "accel", 2 },	 { "proc", 7 },		  { "fd", 5 },
	{ "seccomp-action", 3 }, { "limit", 4 }, { "cgroup", 4 },
};

/* One line (NUL-terminated, modified in place). 0 or -EINVAL. */
static int statefile_line(struct statefile *sf, char *line, char *err,
			  size_t errlen)
{
	char *t[STATEFILE_MAX_FIELDS + 1];
	unsigned n = statefile_split(line, t, STATEFILE_MAX_FIELDS), i;
	int r;

	if (n == 0)
		return 0;
	for (i = 0; i < sizeof(statefile_keys) / sizeof(statefile_keys[0]);
	     i++)
		if (!strcmp(t[0], statefile_keys[i].key))
			break;
	if (i == sizeof(statefile_keys) / sizeof(statefile_keys[0]))
		return 0; /* a newer monitor's line */
	if (n != statefile_keys[i].fields)
		return lex_fail(err, errlen, -EINVAL,
				"%s: %s%u fields after the keyword, needs %u",
				t[0], n > STATEFILE_MAX_FIELDS ? "more than " : "",
				n > STATEFILE_MAX_FIELDS ? STATEFILE_MAX_FIELDS - 1
							 : n - 1,
				statefile_keys[i].fields - 1);
	r = statefile_domain_line(sf, t, err, errlen);
	if (r <= 0)
		return r;
	if (!strcmp(t[0], "proc"))
		return statefile_proc_line(sf, t, err, errlen);
	return statefile_proc_detail(sf, t, err, errlen);
}

int statefile_parse(const char *text, size_t len, struct statefile *sf,
		    char *err, size_t errlen)
{
	char line[STATEFILE_MAX_LINE + 1];
	size_t off = 0, n;
	unsigned lineno = 0;
	const char *nl;
	int r;

	memset(sf, 0, sizeof(*sf));
	if (len > STATEFILE_MAX_TEXT)
		return lex_fail(err, errlen, -EINVAL,
				"%zu bytes, more than %u", len,
				STATEFILE_MAX_TEXT);
	if (memchr(text, 0, len))
		return lex_fail(err, errlen, -EINVAL, "contains a NUL byte");
	while (off < len) {
		nl = memchr(text + off, '\n', len - off);
		n = nl ? (size_t)(nl - (text + off)) : len - off;
		lineno++;
		if (n > STATEFILE_MAX_LINE)
			return lex_fail(err, errlen, -EINVAL,
					"line %u: longer than %u bytes",
					lineno, STATEFILE_MAX_LINE);
		memcpy(line, text + off, n);
		line[n] = 0;
		r = statefile_line(sf, line, err, errlen);
		if (r) {
			/* Put the line number in front of the reason. */
			char why[200];

			snprintf(why, sizeof(why), "%s", err && errlen ? err : "");
			return lex_fail(err, errlen, r, "line %u: %s", lineno,
					why);
		}
		off += n + 1;
	}
	if (!sf->name[0] || !sf->monitor || !sf->nr_procs)
		return lex_fail(err, errlen, -EINVAL,
				"incomplete: no %s line",
				!sf->name[0] ? "name"
				: !sf->monitor ? "monitor"
					       : "proc");
	return 0;
}

/* ---- the writer ---- */

struct statefile_out {
	char *buf;
	size_t len, used;
	int full;
};

static void statefile_put(struct statefile_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void statefile_put(struct statefile_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used ||
	    o->used + (size_t)n > STATEFILE_MAX_TEXT) {
		o->full = 1;
		return;
	}
	o->used += (size_t)n;
}

/* Every value of *sf within the grammar's limits; the reason in err. */
static int statefile_check(const struct statefile *sf, char *err,
			   size_t errlen)
{
	unsigned i, j;

	if (!statefile_word_ok(sf->name, sizeof(sf->name)))
		return lex_fail(err, errlen, -EINVAL,
				"name: not 1-63 printable characters");
	if (sf->monitor < 1)
		return lex_fail(err, errlen, -EINVAL, "monitor: no pid");
	if (sf->cgroup_version < 0 || sf->cgroup_version > 2)
		return lex_fail(err, errlen, -EINVAL,
				"cgroup-version: %d is not 1 or 2",
				sf->cgroup_version);
	if (sf->vcpus > STATEFILE_MAX_VCPUS)
		return lex_fail(err, errlen, -EINVAL,
				"vcpus: %u above %u", sf->vcpus,
				STATEFILE_MAX_VCPUS);
	if (sf->has_placement && sf->placement != DOMCFG_PLACEMENT_SPLIT &&
	    sf->placement != DOMCFG_PLACEMENT_SINGLE)
		return lex_fail(err, errlen, -EINVAL, "placement: unknown");
	if (sf->has_accel && sf->accel != DOMCFG_ACCEL_KVM &&
	    sf->accel != DOMCFG_ACCEL_SOFT)
		return lex_fail(err, errlen, -EINVAL,
				"accel: neither kvm nor soft");
	for (i = 0; domcfg_weaken_names[i] && i < 32; i++)
		;
	if (i < 32 && (sf->weaken >> i))
		return lex_fail(err, errlen, -EINVAL,
				"weaken: a bit without a name");
	if (!sf->nr_procs || sf->nr_procs > STATEFILE_MAX_PROCS)
		return lex_fail(err, errlen, -EINVAL,
				"%u processes (1-%u)", sf->nr_procs,
				STATEFILE_MAX_PROCS);
	for (i = 0; i < sf->nr_procs; i++) {
		const struct statefile_proc *p = &sf->procs[i];

		if (statefile_proc_ok(p, err, errlen))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (!strcmp(sf->procs[j].tag, p->tag))
				return lex_fail(err, errlen, -EINVAL,
						"proc %s given twice", p->tag);
		if (p->nr_fds > STATEFILE_MAX_FDS)
			return lex_fail(err, errlen, -EINVAL,
					"fd %s: more than %u fds", p->tag,
					STATEFILE_MAX_FDS);
		for (j = 0; j < p->nr_fds; j++)
			if (statefile_fd_ok(p, j, err, errlen))
				return -EINVAL;
		if ((unsigned)p->seccomp > STATEFILE_SECCOMP_LOG ||
		    (p->have_lim >> STATEFILE_NR_LIM) ||
		    (p->have_cg >> STATEFILE_NR_CG))
			return lex_fail(err, errlen, -EINVAL,
					"proc %s: unknown seccomp action, "
					"limit or cgroup bits", p->tag);
	}
	return 0;
}

int statefile_format(const struct statefile *sf, char *buf, size_t len,
		     char *err, size_t errlen)
{
	struct statefile_out o = { .buf = buf, .len = len };
	unsigned i, j;

	if (statefile_check(sf, err, errlen))
		return -EINVAL;
	if (!len)
		return -ENOSPC;
	buf[0] = 0;
	statefile_put(&o, "name %s\nmonitor %d\n", sf->name, sf->monitor);
	if (sf->cgroup_version)
		statefile_put(&o, "cgroup-version %d\n", sf->cgroup_version);
	if (sf->vcpus)
		statefile_put(&o, "vcpus %u\n", sf->vcpus);
	if (sf->has_placement)
		statefile_put(&o, "placement %s\n",
			      domcfg_placement_name(sf->placement));
	for (i = 0; domcfg_weaken_names[i] && i < 32; i++)
		if (sf->weaken & (1u << i))
			statefile_put(&o, "weaken %s\n",
				      domcfg_weaken_names[i]);
	if (sf->has_accel)
		statefile_put(&o, "accel %s\n", domcfg_accel_name(sf->accel));
	for (i = 0; i < sf->nr_procs; i++) {
		const struct statefile_proc *p = &sf->procs[i];

		statefile_put(&o, "proc %s %d %u %u %s %s\n", p->tag, p->pid,
			      (unsigned)p->uid, (unsigned)p->gid,
			      p->is_hv ? "hv" : "dm", p->cg);
		for (j = 0; j < p->nr_fds; j++)
			statefile_put(&o, "fd %s %u %s %s\n", p->tag,
				      p->fds[j].num, p->fds[j].kind,
				      statefile_acc_names[p->fds[j].access]);
		if (p->seccomp)
			statefile_put(&o, "seccomp-action %s %s\n", p->tag,
				      statefile_seccomp_names[p->seccomp]);
		for (j = 0; j < STATEFILE_NR_LIM; j++)
			if (p->have_lim & (1u << j))
				statefile_put(&o, "limit %s %s %llu\n", p->tag,
					      statefile_limit_names[j],
					      (unsigned long long)p->lim[j]);
		for (j = 0; j < STATEFILE_NR_CG; j++)
			if (p->have_cg & (1u << j))
				statefile_put(&o, "cgroup %s %s %llu\n",
					      p->tag, statefile_cg_names[j],
					      (unsigned long long)p->cgv[j]);
	}
	if (o.full)
		return lex_fail(err, errlen, -ENOSPC,
				"the text does not fit %zu bytes", len);
	return (int)o.used;
}

/* ---- building one ---- */

struct statefile_proc *statefile_add_proc(struct statefile *sf,
					  const char *tag, int pid,
					  uint32_t uid, uint32_t gid,
					  bool is_hv, const char *cg)
{
	struct statefile_proc *p;

	if (sf->nr_procs >= STATEFILE_MAX_PROCS ||
	    strlen(tag) >= sizeof(p->tag) || strlen(cg) >= sizeof(p->cg))
		return NULL;
	p = &sf->procs[sf->nr_procs++];
	memset(p, 0, sizeof(*p));
	snprintf(p->tag, sizeof(p->tag), "%s", tag);
	p->pid = pid;
	p->uid = uid;
	p->gid = gid;
	p->is_hv = is_hv;
	snprintf(p->cg, sizeof(p->cg), "%s", cg);
	return p;
}

int statefile_add_fd(struct statefile_proc *p, unsigned num,
		     const char *kind, unsigned access)
{
	struct statefile_fd *f;

	if (p->nr_fds >= STATEFILE_MAX_FDS || strlen(kind) >= sizeof(f->kind))
		return -ENOSPC;
	f = &p->fds[p->nr_fds++];
	f->num = num;
	snprintf(f->kind, sizeof(f->kind), "%s", kind);
	f->access = access;
	return 0;
}
