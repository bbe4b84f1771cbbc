/* SPDX-License-Identifier: MIT */
/* A size-capped log file with one rotation (PATH.1). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "toolstack/logfile.h"

static int logfile_reopen(struct logfile *l)
{
	int fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
				       O_NOFOLLOW, 0600);
	struct stat st;

	if (fd < 0)
		return -errno;
	l->size = fstat(fd, &st) == 0 ? (size_t)st.st_size : 0;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	if (l->dup_to >= 0 && dup2(fd, l->dup_to) < 0)
		return -errno;
	return 0;
}

int logfile_open(struct logfile *l, const char *path, size_t cap, int dup_to)
{
	l->fd = -1;
	l->dup_to = dup_to;
	l->cap = cap;
	if (snprintf(l->path, sizeof(l->path), "%s", path) >=
	    (int)sizeof(l->path))
		return -ENAMETOOLONG;
	return logfile_reopen(l);
}

static void logfile_rotate(struct logfile *l)
{
	char old[sizeof(l->path) + 2];

	snprintf(old, sizeof(old), "%s.1", l->path);
	if (rename(l->path, old) == 0) {
		logfile_reopen(l);
		return;
	}
	/* Cannot rename: start over in place. */
	if (l->fd >= 0 && ftruncate(l->fd, 0) == 0)
		l->size = 0;
}

/*
 * Bytes already in the file. Others write to it through dup_to (the
 * logger on stderr): then ask the file; else we know.
 */
static size_t logfile_size(struct logfile *l)
{
	struct stat st;

	if (l->dup_to >= 0 && l->fd >= 0 && fstat(l->fd, &st) == 0)
		l->size = (size_t)st.st_size;
	return l->size;
}

void logfile_check(struct logfile *l)
{
	if (l->fd >= 0 && logfile_size(l) >= l->cap)
		logfile_rotate(l);
}

void logfile_write(struct logfile *l, const void *buf, size_t len)
{
	const char *p = buf;

	if (l->fd < 0 || len == 0)
		return;
	if (len > l->cap) {
		p += len - l->cap;
		len = l->cap;
	}
	if (logfile_size(l) + len > l->cap)
		logfile_rotate(l);
	if (util_write_all(l->fd, p, len))
		return; /* a full /run must not stop the monitor */
	l->size += len;
}

void logfile_close(struct logfile *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}
