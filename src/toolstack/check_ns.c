/* SPDX-License-Identifier: MIT */
/*
 * check_ns: the namespaces of a jailed process and its root (own, empty,
 * the only mount, read-only).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/util.h"
#include "toolstack/check_priv.h"

/*
 * Each namespace must differ from the ones the jail was built from: the
 * monitor's, this command's and, when it may be read (a container's init
 * may refuse us), pid 1's.
 */
void check_namespaces(struct check_proc *p, pid_t monitor)
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

/*
 * The root: not the host's (stat through /proc/PID/root), empty, the only
 * mount the process can see, and mounted read-only.
 */
void check_root(struct check_proc *p)
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
