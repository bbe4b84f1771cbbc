/* SPDX-License-Identifier: MIT */
/*
 * The domains' records in /run/safepc/dom: creation with an atomic
 * duplicate-name check, lookup, liveness of the monitor (its flock) and
 * removal.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "toolstack/launch.h"
#include "toolstack/rundir.h"

#define RUNDIR_GLOBAL_LOCK RUNDIR_ROOT "/lock"
#define RUNDIR_NEW_PREFIX ".new."

void rundir_path(unsigned domid, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, RUNDIR_DOMS "/%u%s%s", domid, file[0] ? "/" : "",
		 file);
}

static int rundir_read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

int rundir_read_state(unsigned domid, struct statefile *sf)
{
	char path[96], *text;
	ssize_t n;
	int fd, r;

	rundir_path(domid, "domain", path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	text = malloc(STATEFILE_MAX_TEXT + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	/* One byte more than the grammar allows: a longer file is refused
	 * by the parser, not cut. */
	n = read(fd, text, STATEFILE_MAX_TEXT + 1);
	r = n < 0 ? -errno
		  : statefile_parse(text, (size_t)n, sf, NULL, 0);
	close(fd);
	free(text);
	return r;
}

int rundir_read_name(unsigned domid, char *name, size_t len)
{
	char path[96], text[256], *nl;
	struct statefile *sf;
	int r;

	rundir_path(domid, "name", path, sizeof(path));
	r = rundir_read_file(path, text, sizeof(text));
	if (r == -ENOENT) {
		/* A record from before name files: the name is in launch.c's
		 * state file. */
		sf = malloc(sizeof(*sf));
		if (!sf)
			return -ENOMEM;
		r = rundir_read_state(domid, sf);
		if (r == -EINVAL)
			r = -ENOENT;
		if (r == 0)
			snprintf(text, sizeof(text), "%s", sf->name);
		free(sf);
	}
	if (r)
		return r;
	nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	snprintf(name, len, "%s", text);
	return 0;
}

static int rundir_cmp(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

int rundir_list(unsigned *ids, unsigned max)
{
	DIR *d = opendir(RUNDIR_DOMS);
	struct dirent *e;
	unsigned n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d)) && n < max) {
		uint64_t v;

		if (e->d_name[0] == '.' || util_parse_u64(e->d_name, &v) ||
		    v == 0 || v >= RUNDIR_MAX_DOMAINS || e->d_name[0] == '0')
			continue;
		ids[n++] = (unsigned)v;
	}
	closedir(d);
	qsort(ids, n, sizeof(*ids), rundir_cmp);
	return (int)n;
}

int rundir_find(const char *name_or_id, unsigned *domid)
{
	unsigned ids[RUNDIR_MAX_DOMAINS];
	char name[128], path[96];
	struct stat st;
	uint64_t v;
	int i, n = rundir_list(ids, RUNDIR_MAX_DOMAINS);

	for (i = 0; i < n; i++)
		if (rundir_read_name(ids[i], name, sizeof(name)) == 0 &&
		    !strcmp(name, name_or_id)) {
			*domid = ids[i];
			return 0;
		}
	if (name_or_id[0] >= '1' && name_or_id[0] <= '9' &&
	    util_parse_u64(name_or_id, &v) == 0 && v < RUNDIR_MAX_DOMAINS) {
		rundir_path((unsigned)v, "", path, sizeof(path));
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			*domid = (unsigned)v;
			return 0;
		}
	}
	return -ENOENT;
}

/* Opens (creating if need be) the lock file in directory dir. */
static int rundir_open_lock(const char *dir)
{
	char path[320];
	int fd;

	snprintf(path, sizeof(path), "%s/lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	return fd < 0 ? -errno : fd;
}

int rundir_lock_dead(unsigned domid)
{
	char dir[96];
	struct stat st;
	int fd, tries;

	rundir_path(domid, "", dir, sizeof(dir));
	if (stat(dir, &st))
		return -errno;
	fd = rundir_open_lock(dir);
	if (fd < 0)
		return fd;
	/* `list` takes the lock shared for a moment to see whether the
	 * monitor lives: retry briefly before calling the monitor alive. */
	for (tries = 0; flock(fd, LOCK_EX | LOCK_NB); tries++) {
		int r = -errno;

		if (r != -EWOULDBLOCK || tries == 50) {
			close(fd);
			return r;
		}
		usleep(10000);
	}
	return fd;
}

/*
 * A record without a lock file comes from a safepc before the lock (or is
 * being removed): its state file names the monitor's pid.
 */
static int rundir_legacy_alive(unsigned domid)
{
	struct statefile *sf = malloc(sizeof(*sf));
	pid_t pid = 0;

	if (sf && rundir_read_state(domid, sf) == 0 && sf->monitor >= 2)
		pid = (pid_t)sf->monitor;
	free(sf);
	if (!pid)
		return 0;
	return kill(pid, 0) == 0 || errno == EPERM;
}

int rundir_monitor_alive(unsigned domid)
{
	char path[96];
	int fd, r;

	rundir_path(domid, "lock", path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return rundir_legacy_alive(domid);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		r = 0;
	else
		r = errno == EWOULDBLOCK ? 1 : -errno;
	close(fd);
	return r;
}

pid_t rundir_monitor_pid(unsigned domid)
{
	char path[96], text[32];
	uint64_t v;
	int r;

	rundir_path(domid, "pid", path, sizeof(path));
	r = rundir_read_file(path, text, sizeof(text));
	if (r)
		return r;
	text[strcspn(text, "\n")] = 0;
	if (util_parse_u64(text, &v) || v < 2 || v > 0x3fffffff)
		return -EINVAL;
	return (pid_t)v;
}

/* Unlinks every entry of dir (no subdirectories are expected), then dir. */
static int rundir_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) && errno != ENOENT)
			r = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		r = -errno;
	return r;
}

int rundir_remove(unsigned domid, char *err, size_t errlen)
{
	char dir[96];
	int r, busy;

	busy = launch_domain_cleanup(domid, err, errlen);
	rundir_path(domid, "", dir, sizeof(dir));
	r = rundir_rmtree(dir);
	if (r && !busy) {
		snprintf(err, errlen, "cannot remove %s: %s", dir,
			 strerror(-r));
		return r;
	}
	return busy;
}

/* Removes hidden records of creates that were interrupted. */
static void rundir_sweep_new(void)
{
	DIR *d = opendir(RUNDIR_DOMS);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300];
		int fd;

		if (strncmp(e->d_name, RUNDIR_NEW_PREFIX,
			    strlen(RUNDIR_NEW_PREFIX)))
			continue;
		snprintf(path, sizeof(path), RUNDIR_DOMS "/%s", e->d_name);
		fd = rundir_open_lock(path);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
			rundir_rmtree(path);
		if (fd >= 0)
			close(fd);
	}
	closedir(d);
}

static int rundir_write_file(const char *dir, const char *file,
			     const char *text)
{
	char path[128];
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = util_write_all(fd, text, strlen(text));
	close(fd);
	return r;
}

int rundir_create(const char *name, unsigned *domid, int *lock_fd, char *err,
		  size_t errlen)
{
	unsigned ids[RUNDIR_MAX_DOMAINS], id;
	char tmp[64] = RUNDIR_DOMS "/" RUNDIR_NEW_PREFIX "XXXXXX";
	char text[128], other[128], path[96];
	int gfd = -1, lfd = -1, n, i, r;

	*lock_fd = -1;
	if ((mkdir(RUNDIR_ROOT, 0700) && errno != EEXIST) ||
	    (mkdir(RUNDIR_DOMS, 0700) && errno != EEXIST)) {
		r = -errno;
		snprintf(err, errlen, "cannot create %s: %s", RUNDIR_DOMS,
			 strerror(errno));
		return r;
	}
	gfd = open(RUNDIR_GLOBAL_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (gfd < 0 || flock(gfd, LOCK_EX)) {
		r = -errno;
		snprintf(err, errlen, "cannot lock %s: %s", RUNDIR_GLOBAL_LOCK,
			 strerror(errno));
		goto out;
	}
	rundir_sweep_new();
	n = rundir_list(ids, RUNDIR_MAX_DOMAINS);
	for (i = 0; i < n; i++)
		if (rundir_read_name(ids[i], other, sizeof(other)) == 0 &&
		    !strcmp(other, name)) {
			r = -EEXIST;
			snprintf(err, errlen,
				 "a domain named '%s' already exists (id %u); "
				 "destroy it first or choose another name",
				 name, ids[i]);
			goto out;
		}
	if (!mkdtemp(tmp)) {
		r = -errno;
		snprintf(err, errlen, "cannot create a domain record: %s",
			 strerror(errno));
		goto out;
	}
	snprintf(text, sizeof(text), "%s\n", name);
	r = rundir_write_file(tmp, "name", text);
	if (r == 0) {
		lfd = rundir_open_lock(tmp);
		if (lfd < 0)
			r = lfd;
		else if (flock(lfd, LOCK_EX | LOCK_NB))
			r = -errno;
	}
	if (r) {
		snprintf(err, errlen, "cannot write the domain record: %s",
			 strerror(-r));
		goto out_tmp;
	}
	for (id = 1; id < RUNDIR_MAX_DOMAINS; id++) {
		rundir_path(id, "", path, sizeof(path));
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path,
			      RENAME_NOREPLACE) == 0)
			break;
		if (errno != EEXIST && errno != ENOTEMPTY) {
			r = -errno;
			snprintf(err, errlen, "cannot create %s: %s", path,
				 strerror(errno));
			goto out_tmp;
		}
	}
	if (id == RUNDIR_MAX_DOMAINS) {
		r = -ENOSPC;
		snprintf(err, errlen, "no free domain id (%d domains exist)",
			 RUNDIR_MAX_DOMAINS - 1);
		goto out_tmp;
	}
	*domid = id;
	*lock_fd = lfd;
	close(gfd);
	return 0;

out_tmp:
	rundir_rmtree(tmp);
	if (lfd >= 0)
		close(lfd);
out:
	if (gfd >= 0)
		close(gfd);
	return r;
}

int rundir_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	/* The directory is 0700 already; the mode is a second lock. */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, 0600) || listen(fd, 16)) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int rundir_accept_root(int listen_fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    len != sizeof(cred) || cred.uid != 0) {
		close(fd);
		return -EPERM;
	}
	return fd;
}
