/* SPDX-License-Identifier: MIT */
/*
 * domcfg: turns the untyped xlcfg entries into a checked struct domcfg.
 * One handler per key (a static table); every error names file, line and
 * key. Host checks (files, memory) are separate so fuzzers can skip them.
 */
#include "toolstack/domcfg.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

struct domcfg_ctx {
	const struct xlcfg *cfg;
	struct domcfg *dc;
	unsigned flags;
	char *err;
	size_t errlen;
	/* The command-line keys, combined after every key is parsed. */
	const struct xlcfg_entry *extra_entry, *root_entry, *cmdline_entry;
};

/* Reports a problem with entry e (at `line`, the entry's when 0). */
static int __attribute__((format(printf, 4, 5)))
domcfg_fail(struct domcfg_ctx *c, const struct xlcfg_entry *e, unsigned line,
	    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xlcfg_error(c->err, c->errlen, e->file, line ? line : e->line, e->key,
		    "%s", msg);
	return -EINVAL;
}

static int domcfg_want(struct domcfg_ctx *c, const struct xlcfg_entry *e,
		       enum xlcfg_type type)
{
	if (e->type == type)
		return 0;
	return domcfg_fail(c, e, 0, "expected %s, got %s",
			   xlcfg_type_name(type), xlcfg_type_name(e->type));
}

/* Matches s against a NULL-terminated list of names; index or -1. */
static int domcfg_lookup(const char *s, const char *const *names)
{
	int i;

	for (i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* The enum-valued keys: a string that must be one of `names`. */
static int domcfg_enum(struct domcfg_ctx *c, const struct xlcfg_entry *e,
		       const char *const *names, const char *expected,
		       int *out)
{
	int ret = domcfg_want(c, e, XLCFG_STRING);

	if (ret)
		return ret;
	*out = domcfg_lookup(e->str, names);
	if (*out < 0)
		return domcfg_fail(c, e, 0, "invalid value '%.64s' (expected "
					    "%s)", e->str, expected);
	return 0;
}

/*
 * Resolves `path` like xl: absolute as is; relative against the config
 * file's directory, or the current one for command-line overrides.
 */
static int domcfg_resolve(struct domcfg_ctx *c, const struct xlcfg_entry *e,
			  unsigned line, const char *path, char *out,
			  size_t outlen)
{
	char cwd[DOMCFG_PATH_MAX];
	const char *base;
	int n;

	if (!path[0])
		return domcfg_fail(c, e, line, "empty path");
	if (path[0] == '/') {
		n = snprintf(out, outlen, "%s", path);
	} else {
		if (e->line == 0 && !strcmp(e->file, XLCFG_CMDLINE_FILE))
			base = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
		else
			base = xlcfg_dir(c->cfg);
		n = snprintf(out, outlen, "%s%s%s", base,
			     strcmp(base, "/") ? "/" : "", path);
	}
	if (n < 0 || (size_t)n >= outlen) {
		domcfg_fail(c, e, line, "path too long (max %u bytes): "
					"%.64s...", (unsigned)outlen - 1, path);
		return -ENAMETOOLONG;
	}
	return 0;
}

/*
 * Checks that `path` names a file we can open for reading (and writing if
 * `rw`). stat() first, so that FIFOs and devices are never opened.
 */
static int domcfg_check_file(struct domcfg_ctx *c, const struct xlcfg_entry *e,
			     unsigned line, const char *path, bool rw)
{
	struct stat st;
	int fd;

	if (c->flags & DOMCFG_F_NO_HOST_CHECKS)
		return 0;
	if (stat(path, &st) < 0)
		return domcfg_fail(c, e, line, "cannot open %s: %s", path,
				   strerror(errno));
	if (S_ISDIR(st.st_mode))
		return domcfg_fail(c, e, line, "%s is a directory", path);
	if (!S_ISREG(st.st_mode))
		return domcfg_fail(c, e, line, "%s is not a regular file",
				   path);
	fd = open(path, (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY |
				O_NONBLOCK);
	if (fd < 0)
		return domcfg_fail(c, e, line, "cannot open %s%s: %s", path,
				   rw ? " for writing" : "", strerror(errno));
	close(fd);
	return 0;
}

/* A path-valued string key (kernel, firmware): resolve and check. */
static int domcfg_path_key(struct domcfg_ctx *c, const struct xlcfg_entry *e,
			   char *out)
{
	int ret = domcfg_want(c, e, XLCFG_STRING);

	if (!ret)
		ret = domcfg_resolve(c, e, 0, e->str, out, DOMCFG_PATH_MAX);
	if (!ret)
		ret = domcfg_check_file(c, e, 0, out, false);
	return ret;
}

static int domcfg_key_name(struct domcfg_ctx *c, const struct xlcfg_entry *e)
{
	size_t i, len;
	int ret = domcfg_want(c, e, XLCFG_STRING);

	if (ret)
		return ret;
	len = strlen(e->str);
	if (len == 0)
		return domcfg_fail(c, e, 0, "empty name");
	if (len > DOMCFG_NAME_MAX)
		return domcfg_fail(c, e, 0, "name too long (%zu characters, "
					    "max %u)", len, DOMCFG_NAME_MAX);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)e->str[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == '-')
			continue;
		if (ch >= 0x20 && ch < 0x7f)
			return domcfg_fail(c, e, 0, "invalid character '%c' "
						    "in name (allowed: A-Z a-z "
						    "0-9 _ . -)", ch);
		return domcfg_fail(c, e, 0, "invalid byte 0x%02x in name "
					    "(allowed: A-Z a-z 0-9 _ . -)", ch);
	}
	if (e->str[0] == '-' || e->str[0] == '.')
		return domcfg_fail(c, e, 0, "name must not start with '%c'",
				   e->str[0]);
	memcpy(c->dc->name, e->str, len + 1);
	return 0;
}

int domcfg_host_memory_mib(uint64_t *mib)
{
	char line[256];
	unsigned long long kib;
	FILE *f = fopen("/proc/meminfo", "re");
	int ret = -EIO;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemTotal: %llu kB", &kib) == 1) {
			*mib = kib / 1024;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static int domcfg_key_memory(struct domcfg_ctx *c,
			     const struct xlcfg_entry *e)
{
	uint64_t host;
	int ret = domcfg_want(c, e, XLCFG_INT);

	if (ret)
		return ret;
	if (e->num < 1 || e->num > DOMCFG_MEMORY_MAX_MIB)
		return domcfg_fail(c, e, 0, "%" PRIu64 " MiB is out of range "
					    "(1 to %u MiB)", e->num,
				   DOMCFG_MEMORY_MAX_MIB);
	/* Without /proc (unusual for the toolstack) the limit is unknown. */
	if (!(c->flags & DOMCFG_F_NO_HOST_CHECKS) &&
	    !domcfg_host_memory_mib(&host) && e->num > host)
		return domcfg_fail(c, e, 0, "%" PRIu64 " MiB is more than the "
					    "host has (MemTotal %" PRIu64
					    " MiB in /proc/meminfo)",
				   e->num, host);
	c->dc->memory_mib = e->num;
	return 0;
}

static int domcfg_key_vcpus(struct domcfg_ctx *c, const struct xlcfg_entry *e)
{
	int ret = domcfg_want(c, e, XLCFG_INT);

	if (ret)
		return ret;
	if (e->num < 1 || e->num > DOMCFG_MAX_VCPUS)
		return domcfg_fail(c, e, 0, "%" PRIu64 " is out of range (1 "
					    "to %u)", e->num, DOMCFG_MAX_VCPUS);
	c->dc->vcpus = (unsigned)e->num;
	return 0;
}

static int domcfg_key_kernel(struct domcfg_ctx *c,
			     const struct xlcfg_entry *e)
{
	return domcfg_path_key(c, e, c->dc->kernel);
}

/* Command-line text: bounded, and one line (it ends up in guest memory). */
static int domcfg_check_cmdline(struct domcfg_ctx *c,
				const struct xlcfg_entry *e, unsigned line,
				const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len > max)
		return domcfg_fail(c, e, line, "command line too long (%zu "
					       "bytes, max %zu)", len, max);
	if (strpbrk(s, "\n\r"))
		return domcfg_fail(c, e, line, "command line must not "
					       "contain a newline");
	return 0;
}

static int domcfg_key_ramdisk(struct domcfg_ctx *c,
			      const struct xlcfg_entry *e)
{
	return domcfg_path_key(c, e, c->dc->ramdisk);
}

/* extra, root, cmdline: checked here, combined by domcfg_cmdline(). */
static int domcfg_key_cmdline_part(struct domcfg_ctx *c,
				   const struct xlcfg_entry *e)
{
	int ret = domcfg_want(c, e, XLCFG_STRING);

	if (ret)
		return ret;
	ret = domcfg_check_cmdline(c, e, 0, e->str, DOMCFG_EXTRA_MAX);
	if (ret)
		return ret;
	if (!strcmp(e->key, "extra"))
		c->extra_entry = e;
	else if (!strcmp(e->key, "root"))
		c->root_entry = e;
	else
		c->cmdline_entry = e;
	return 0;
}

/*
 * The command line as xl builds it: `cmdline` wins (xl then ignores root
 * and extra with a warning; a command-line override `cmdline=...` thus
 * replaces the file's root/extra), otherwise "root=<root> <extra>", or
 * `extra` alone.
 */
static int domcfg_cmdline(struct domcfg_ctx *c)
{
	const struct xlcfg_entry *r = c->root_entry, *x = c->extra_entry;
	char *out = c->dc->extra;
	int n;

	if (c->cmdline_entry) {
		snprintf(out, DOMCFG_EXTRA_MAX + 1, "%s",
			 c->cmdline_entry->str);
		return 0;
	}
	if (!r) {
		snprintf(out, DOMCFG_EXTRA_MAX + 1, "%s", x ? x->str : "");
		return 0;
	}
	n = snprintf(out, DOMCFG_EXTRA_MAX + 1, "root=%s%s%s", r->str,
		     x ? " " : "", x ? x->str : "");
	if (n > (int)DOMCFG_EXTRA_MAX)
		return domcfg_fail(c, x ? x : r, 0,
				   "command line too long (root=<root> "
				   "<extra> is %d bytes, max %u)", n,
				   DOMCFG_EXTRA_MAX);
	return 0;
}

static int domcfg_key_modules(struct domcfg_ctx *c,
			      const struct xlcfg_entry *e)
{
	unsigned i;
	int ret = domcfg_want(c, e, XLCFG_LIST);

	if (ret)
		return ret;
	if (e->nr_items > DOMCFG_MAX_MODULES)
		return domcfg_fail(c, e, 0, "too many modules (%u, max %u)",
				   e->nr_items, DOMCFG_MAX_MODULES);
	for (i = 0; i < e->nr_items; i++) {
		const struct xlcfg_item *it = &e->items[i];
		struct domcfg_module *m = &c->dc->modules[i];
		char path[DOMCFG_PATH_MAX];
		const char *s, *end;
		size_t plen;

		if (it->type != XLCFG_STRING)
			return domcfg_fail(c, e, it->line, "expected a list "
					   "of strings, got %s in it",
					   xlcfg_type_name(it->type));
		/* "PATH [args]": the path ends at the first blank. */
		s = it->str + strspn(it->str, " \t");
		end = s + strcspn(s, " \t");
		plen = (size_t)(end - s);
		if (plen == 0)
			return domcfg_fail(c, e, it->line, "empty module");
		if (plen >= sizeof(path))
			return domcfg_fail(c, e, it->line, "path too long");
		memcpy(path, s, plen);
		path[plen] = '\0';
		end += strspn(end, " \t");
		ret = domcfg_check_cmdline(c, e, it->line, end,
					   DOMCFG_MODULE_ARGS_MAX);
		if (ret)
			return ret;
		ret = domcfg_resolve(c, e, it->line, path, m->path,
				     sizeof(m->path));
		if (ret)
			return ret;
		ret = domcfg_check_file(c, e, it->line, m->path, false);
		if (ret)
			return ret;
		snprintf(m->args, sizeof(m->args), "%s", end);
	}
	c->dc->nr_modules = e->nr_items;
	return 0;
}

static int domcfg_key_serial(struct domcfg_ctx *c, const struct xlcfg_entry *e)
{
	static const char *const names[] = { "pty", "none", NULL };
	int v, ret = domcfg_enum(c, e, names, "pty or none", &v);

	if (!ret)
		c->dc->serial = (enum domcfg_serial)v;
	return ret;
}

static const char *const domcfg_action_names[] = { "destroy", "restart",
						   "preserve", NULL };

const char *domcfg_action_name(enum domcfg_action a)
{
	if ((unsigned)a < ARRAY_SIZE(domcfg_action_names) - 1)
		return domcfg_action_names[a];
	return "?";
}

static int domcfg_action(struct domcfg_ctx *c, const struct xlcfg_entry *e,
			 enum domcfg_action *out)
{
	int v, ret = domcfg_enum(c, e, domcfg_action_names,
				 "destroy, restart or preserve", &v);

	if (!ret)
		*out = (enum domcfg_action)v;
	return ret;
}

static int domcfg_key_on_poweroff(struct domcfg_ctx *c,
				  const struct xlcfg_entry *e)
{
	return domcfg_action(c, e, &c->dc->on_poweroff);
}

static int domcfg_key_on_reboot(struct domcfg_ctx *c,
				const struct xlcfg_entry *e)
{
	return domcfg_action(c, e, &c->dc->on_reboot);
}

static int domcfg_key_on_crash(struct domcfg_ctx *c,
			       const struct xlcfg_entry *e)
{
	return domcfg_action(c, e, &c->dc->on_crash);
}

static int domcfg_key_floor_port(struct domcfg_ctx *c,
				 const struct xlcfg_entry *e)
{
	int ret = domcfg_want(c, e, XLCFG_INT);

	if (ret)
		return ret;
	if (e->num > 0xffff)
		return domcfg_fail(c, e, 0, "%" PRIu64 " is out of range (0 "
					    "to 65535)", e->num);
	c->dc->has_floor_port = true;
	c->dc->floor_port = (uint16_t)e->num;
	return 0;
}

/*
 * cpus / dm_cpus: a host CPU list as xl writes it ("0-3,6"), up to CPU 63,
 * or "all". The host must have every CPU named.
 */
static int domcfg_cpu_list(struct domcfg_ctx *c, const struct xlcfg_entry *e,
			   uint64_t *mask)
{
	const char *p;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t m = 0;
	int ret = domcfg_want(c, e, XLCFG_STRING);

	if (ret)
		return ret;
	if (!strcmp(e->str, "all")) {
		*mask = 0;
		return 0;
	}
	p = e->str;
	while (*p) {
		char *end;
		unsigned long a, b;

		if (*p < '0' || *p > '9')
			goto bad;
		a = b = strtoul(p, &end, 10);
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				goto bad;
			b = strtoul(end + 1, &end, 10);
		}
		if (a > b || b > 63)
			goto bad;
		if (ncpu > 0 && b >= (unsigned long)ncpu &&
		    !(c->flags & DOMCFG_F_NO_HOST_CHECKS))
			return domcfg_fail(c, e, 0, "CPU %lu is not on this host "
					   "(%ld CPUs)", b, ncpu);
		for (; a <= b; a++)
			m |= 1ull << a;
		if (*end == ',')
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	if (!m)
		goto bad;
	*mask = m;
	return 0;
bad:
	return domcfg_fail(c, e, 0, "'%s' is not a CPU list (e.g. \"0-3,6\" "
			   "or \"all\", CPUs 0 to 63)", e->str);
}

static int domcfg_key_cpus(struct domcfg_ctx *c, const struct xlcfg_entry *e)
{
	return domcfg_cpu_list(c, e, &c->dc->cpus);
}

static int domcfg_key_dm_cpus(struct domcfg_ctx *c,
			      const struct xlcfg_entry *e)
{
	return domcfg_cpu_list(c, e, &c->dc->dm_cpus);
}

/* The disk-spec parameters, positional ones first, in xl's order. */
enum { DISK_TARGET, DISK_FORMAT, DISK_VDEV, DISK_ACCESS, DISK_DEVTYPE,
       DISK_NR_PARAMS };
#define DISK_NR_POSITIONAL 4

static const char *const domcfg_disk_params[] = {
	"target", "format", "vdev", "access", "devtype", NULL
};
static const char *const domcfg_vdevs[] = { "hda", "hdb", "hdc", "hdd",
					    NULL };

static void domcfg_rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/*
 * Splits one xl disk spec (docs/man/xl-disk-configuration.5 in Xen):
 * comma-separated KEY=VALUE, the flag "cdrom", and positional parameters
 * target, format, vdev, access; "target=" takes the rest of the string,
 * commas included. An empty value means the default.
 */
static int domcfg_split_disk(struct domcfg_ctx *c, const struct xlcfg_entry *e,
			     unsigned line, char *buf,
			     const char *val[DISK_NR_PARAMS])
{
	char *p = buf;

	if (!buf[strspn(buf, " \t")])
		return domcfg_fail(c, e, line, "empty disk spec");
	for (;;) {
		char *next, *eq;
		int idx;

		p += strspn(p, " \t");
		if (!strncmp(p, "target=", 7)) {
			if (val[DISK_TARGET])
				return domcfg_fail(c, e, line, "parameter "
						   "'target' given twice");
			val[DISK_TARGET] = p + 7;
			return 0;
		}
		next = strchr(p, ',');
		if (next)
			*next = '\0';
		domcfg_rtrim(p);
		eq = strchr(p, '=');
		if (eq) {
			*eq = '\0';
			domcfg_rtrim(p);
			idx = domcfg_lookup(p, domcfg_disk_params);
			if (idx < 0)
				return domcfg_fail(c, e, line, "unknown disk "
						   "parameter '%.32s'", p);
			if (val[idx])
				return domcfg_fail(c, e, line, "parameter "
						   "'%s' given twice",
						   domcfg_disk_params[idx]);
			val[idx] = eq + 1 + strspn(eq + 1, " \t");
		} else if (!strcmp(p, "cdrom")) {
			if (val[DISK_DEVTYPE])
				return domcfg_fail(c, e, line, "parameter "
						   "'devtype' given twice");
			val[DISK_DEVTYPE] = "cdrom";
		} else {
			for (idx = 0; idx < DISK_NR_POSITIONAL && val[idx];)
				idx++;
			if (idx == DISK_NR_POSITIONAL)
				return domcfg_fail(c, e, line, "too many "
						   "positional parameters "
						   "('%.32s')", p);
			val[idx] = p;
		}
		if (!next)
			return 0;
		p = next + 1;
	}
}

static int domcfg_parse_disk(struct domcfg_ctx *c, const struct xlcfg_entry *e,
			     const struct xlcfg_item *it, struct domcfg_disk *d)
{
	char buf[XLCFG_MAX_STRING + 1];
	const char *val[DISK_NR_PARAMS] = { 0 };
	const char *v;
	bool explicit_rw = false;
	int ret, idx;

	if (it->type != XLCFG_STRING)
		return domcfg_fail(c, e, it->line, "expected a list of "
				   "strings, got %s in it",
				   xlcfg_type_name(it->type));
	if (strlen(it->str) >= sizeof(buf))
		return domcfg_fail(c, e, it->line, "disk spec too long");
	memcpy(buf, it->str, strlen(it->str) + 1);
	ret = domcfg_split_disk(c, e, it->line, buf, val);
	if (ret)
		return ret;

	v = val[DISK_FORMAT];
	if (v && *v && strcmp(v, "raw"))
		return domcfg_fail(c, e, it->line, "unsupported format "
				   "'%.32s' (only raw)", v);
	v = val[DISK_VDEV];
	if (!v || !*v)
		return domcfg_fail(c, e, it->line, "missing vdev");
	idx = domcfg_lookup(v, domcfg_vdevs);
	if (idx < 0)
		return domcfg_fail(c, e, it->line, "invalid vdev '%.32s' "
				   "(expected hda, hdb, hdc or hdd)", v);
	memcpy(d->vdev, v, 4);
	d->index = (unsigned)idx;
	v = val[DISK_ACCESS];
	if (!v || !*v || !strcmp(v, "rw") || !strcmp(v, "w")) {
		explicit_rw = v && *v;
	} else if (!strcmp(v, "ro") || !strcmp(v, "r")) {
		d->readonly = true;
	} else {
		return domcfg_fail(c, e, it->line, "invalid access '%.32s' "
				   "(expected rw or ro)", v);
	}
	v = val[DISK_DEVTYPE];
	if (v && !strcmp(v, "cdrom")) {
		if (explicit_rw)
			return domcfg_fail(c, e, it->line, "a cdrom is "
					   "read-only (access=%s given)",
					   val[DISK_ACCESS]);
		d->devtype = DOMCFG_DEVTYPE_CDROM;
		d->readonly = true;
	} else if (v && *v && strcmp(v, "disk")) {
		return domcfg_fail(c, e, it->line, "invalid devtype '%.32s' "
				   "(expected disk or cdrom)", v);
	}
	v = val[DISK_TARGET];
	if (!v || !*v) {
		/* xl: a cdrom without target is an empty drive. */
		if (d->devtype == DOMCFG_DEVTYPE_CDROM)
			return 0;
		return domcfg_fail(c, e, it->line, "missing target");
	}
	ret = domcfg_resolve(c, e, it->line, v, d->target, sizeof(d->target));
	if (ret)
		return ret;
	/* Raw image files only: the IDE DM sizes a disk with fstat() and its
	 * file-size limit covers regular files, so a block device would be
	 * refused at start-up; say so here instead. */
	return domcfg_check_file(c, e, it->line, d->target, !d->readonly);
}

static int domcfg_key_disk(struct domcfg_ctx *c, const struct xlcfg_entry *e)
{
	unsigned used[DOMCFG_MAX_DISKS] = { 0 }; /* line + 1 per vdev */
	unsigned i;
	int ret = domcfg_want(c, e, XLCFG_LIST);

	if (ret)
		return ret;
	for (i = 0; i < e->nr_items; i++) {
		struct domcfg_disk d = { 0 };

		d.line = e->items[i].line;
		ret = domcfg_parse_disk(c, e, &e->items[i], &d);
		if (ret)
			return ret;
		if (used[d.index]) {
			if (used[d.index] > 1)
				return domcfg_fail(c, e, d.line, "vdev %s "
						   "given twice (first on "
						   "line %u)", d.vdev,
						   used[d.index] - 1);
			return domcfg_fail(c, e, d.line, "vdev %s given "
					   "twice", d.vdev);
		}
		used[d.index] = d.line + 1;
		/* Distinct vdevs: never more than DOMCFG_MAX_DISKS here. */
		c->dc->disks[c->dc->nr_disks++] = d;
	}
	return 0;
}

static int domcfg_key_firmware(struct domcfg_ctx *c,
			       const struct xlcfg_entry *e)
{
	int ret = domcfg_want(c, e, XLCFG_STRING);

	if (ret)
		return ret;
	if (!strcmp(e->str, "seabios")) {
		c->dc->firmware = DOMCFG_FIRMWARE_SEABIOS;
		return 0;
	}
	ret = domcfg_path_key(c, e, c->dc->firmware_path);
	if (!ret)
		c->dc->firmware = DOMCFG_FIRMWARE_PATH;
	return ret;
}

static int domcfg_key_boot(struct domcfg_ctx *c, const struct xlcfg_entry *e)
{
	static const char *const names[] = { "c", "d", "cd", "dc", NULL };
	int v, ret = domcfg_enum(c, e, names, "c, d, cd or dc", &v);

	if (!ret)
		snprintf(c->dc->boot, sizeof(c->dc->boot), "%s", names[v]);
	return ret;
}

static int domcfg_key_dm_seccomp(struct domcfg_ctx *c,
				 const struct xlcfg_entry *e)
{
	static const char *const names[] = { "kill", "log", NULL };
	int v, ret = domcfg_enum(c, e, names, "kill or log", &v);

	if (!ret)
		c->dc->dm_seccomp = (enum domcfg_seccomp)v;
	return ret;
}

static const char *const domcfg_placement_names[] = { "split", "single",
						      NULL };

const char *domcfg_placement_name(enum domcfg_placement p)
{
	if ((unsigned)p < ARRAY_SIZE(domcfg_placement_names) - 1)
		return domcfg_placement_names[p];
	return "?";
}

/* dm_placement: which devices share a DM process (launch.c builds the
 * plans); "split" keeps the IDE controller apart. */
static int domcfg_key_dm_placement(struct domcfg_ctx *c,
				   const struct xlcfg_entry *e)
{
	int v, ret = domcfg_enum(c, e, domcfg_placement_names,
				 "split or single", &v);

	if (!ret)
		c->dc->dm_placement = (enum domcfg_placement)v;
	return ret;
}

static const char *const domcfg_accel_names[] = { "auto", "kvm", "soft",
						  NULL };

const char *domcfg_accel_name(enum domcfg_accel a)
{
	if ((unsigned)a < ARRAY_SIZE(domcfg_accel_names) - 1)
		return domcfg_accel_names[a];
	return "?";
}

/* accel: only a wish here; whether KVM really works is a property of the
 * host at start time, so launch.c probes /dev/kvm then, not the parser. */
static int domcfg_key_accel(struct domcfg_ctx *c, const struct xlcfg_entry *e)
{
	int v, ret = domcfg_enum(c, e, domcfg_accel_names,
				 "auto, kvm or soft", &v);

	if (!ret)
		c->dc->accel = (enum domcfg_accel)v;
	return ret;
}

/* Names accepted in jail_weaken, in the order of the JAIL_WEAKEN_* bits. */
const char *const domcfg_weaken_names[] = {
	"seccomp", "netns", "ipcns", "utsns", "pidns", "root", "caps",
	"no_new_privs", "rlimits", "cgroups", NULL,
};

static int domcfg_key_jail_weaken(struct domcfg_ctx *c,
				  const struct xlcfg_entry *e)
{
	unsigned i, k;
	int ret = domcfg_want(c, e, XLCFG_LIST);

	if (ret)
		return ret;
	for (i = 0; i < e->nr_items; i++) {
		const struct xlcfg_item *it = &e->items[i];

		if (it->type != XLCFG_STRING)
			return domcfg_fail(c, e, it->line,
					   "item %u: expected a string", i + 1);
		for (k = 0; domcfg_weaken_names[k]; k++)
			if (!strcmp(it->str, domcfg_weaken_names[k]))
				break;
		if (!domcfg_weaken_names[k])
			return domcfg_fail(c, e, it->line,
					   "unknown restriction '%s' (known: "
					   "seccomp, netns, ipcns, utsns, pidns, "
					   "root, caps, no_new_privs, rlimits, "
					   "cgroups)", it->str);
		c->dc->jail_weaken |= 1u << k;
	}
	/* Installing a filter as an unprivileged process needs
	 * no_new_privs, so it cannot be given up while seccomp is on. */
	if ((c->dc->jail_weaken & (1u << 7)) && !(c->dc->jail_weaken & 1u))
		return domcfg_fail(c, e, 0, "no_new_privs can only be given up "
				   "together with seccomp (loading a seccomp "
				   "filter sets it again)");
	return 0;
}

static const struct domcfg_key {
	const char *key;
	int (*parse)(struct domcfg_ctx *c, const struct xlcfg_entry *e);
} domcfg_keys[] = {
	{ "name", domcfg_key_name },
	{ "memory", domcfg_key_memory },
	{ "vcpus", domcfg_key_vcpus },
	{ "kernel", domcfg_key_kernel },
	{ "ramdisk", domcfg_key_ramdisk },
	{ "extra", domcfg_key_cmdline_part },
	{ "root", domcfg_key_cmdline_part },
	{ "cmdline", domcfg_key_cmdline_part },
	{ "modules", domcfg_key_modules },
	{ "serial", domcfg_key_serial },
	{ "on_poweroff", domcfg_key_on_poweroff },
	{ "on_reboot", domcfg_key_on_reboot },
	{ "on_crash", domcfg_key_on_crash },
	{ "floor_port", domcfg_key_floor_port },
	{ "cpus", domcfg_key_cpus },
	{ "dm_cpus", domcfg_key_dm_cpus },
	{ "disk", domcfg_key_disk },
	{ "firmware", domcfg_key_firmware },
	{ "boot", domcfg_key_boot },
	{ "dm_seccomp", domcfg_key_dm_seccomp },
	{ "dm_placement", domcfg_key_dm_placement },
	{ "jail_weaken", domcfg_key_jail_weaken },
	{ "accel", domcfg_key_accel },
};

int domcfg_from_xlcfg_flags(const struct xlcfg *cfg, struct domcfg *out,
			    unsigned flags, char *err, size_t errlen)
{
	struct domcfg_ctx c = { .cfg = cfg, .dc = out, .flags = flags,
				.err = err, .errlen = errlen };
	static const char *const required[] = { "name", "kernel" };
	unsigned i, k;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	memset(out, 0, sizeof(*out));
	out->memory_mib = DOMCFG_MEMORY_DEFAULT_MIB;
	out->vcpus = 1;
	out->serial = DOMCFG_SERIAL_PTY;
	out->on_poweroff = DOMCFG_ACTION_DESTROY;
	out->on_reboot = DOMCFG_ACTION_RESTART;
	out->on_crash = DOMCFG_ACTION_DESTROY;
	out->firmware = DOMCFG_FIRMWARE_NONE;
	snprintf(out->boot, sizeof(out->boot), "cd");
	out->dm_seccomp = DOMCFG_SECCOMP_KILL;
	out->dm_placement = DOMCFG_PLACEMENT_SPLIT;
	out->accel = DOMCFG_ACCEL_AUTO;

	for (i = 0; i < xlcfg_count(cfg); i++) {
		const struct xlcfg_entry *e = xlcfg_entry_at(cfg, i);

		for (k = 0; k < ARRAY_SIZE(domcfg_keys); k++)
			if (!strcmp(e->key, domcfg_keys[k].key))
				break;
		if (k == ARRAY_SIZE(domcfg_keys))
			return domcfg_fail(&c, e, 0, "unknown key");
		ret = domcfg_keys[k].parse(&c, e);
		if (ret)
			return ret;
	}
	ret = domcfg_cmdline(&c);
	if (ret)
		return ret;
	/* A firmware loads its own kernel: a ramdisk would go nowhere. */
	if (out->ramdisk[0] && out->firmware != DOMCFG_FIRMWARE_NONE)
		return domcfg_fail(&c, xlcfg_get(cfg, "ramdisk"), 0,
				   "a ramdisk needs direct kernel boot "
				   "(firmware is set)");
	for (k = 0; k < ARRAY_SIZE(required); k++) {
		/* A firmware boots from disks: no kernel needed then. */
		if (!strcmp(required[k], "kernel") &&
		    out->firmware != DOMCFG_FIRMWARE_NONE)
			continue;
		if (!xlcfg_get(cfg, required[k])) {
			xlcfg_error(err, errlen, xlcfg_file(cfg), 0,
				    required[k], "required key is missing");
			return -EINVAL;
		}
	}
	return 0;
}

int domcfg_from_xlcfg(const struct xlcfg *cfg, struct domcfg *out, char *err,
		      size_t errlen)
{
	return domcfg_from_xlcfg_flags(cfg, out, 0, err, errlen);
}
