/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "toolstack/kmsg.h"

/* The value of " key=NUMBER" in a record, or -1. */
static long kmsg_field(const char *rec, const char *key)
{
	const char *p = strstr(rec, key);
	char *end;
	long v;

	if (!p)
		return -1;
	p += strlen(key);
	v = strtol(p, &end, 10);
	return end == p ? -1 : v;
}

int kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int kmsg_seccomp_syscall(int fd, uid_t uid, char *name, size_t len)
{
	char rec[2048];
	long nr = -1;
	char *s;

	if (fd < 0)
		return -EBADF;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0) {
			if (errno == EPIPE) /* overwritten record: skip */
				continue;
			break; /* EAGAIN: the end */
		}
		rec[n] = 0;
		if (!strstr(rec, "type=1326") ||
		    kmsg_field(rec, " uid=") != (long)uid)
			continue;
		nr = kmsg_field(rec, " syscall=");
	}
	if (nr < 0)
		return -ENOENT;
	s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)nr);
	snprintf(name, len, "%s", s ? s : "unknown");
	free(s);
	return (int)nr;
}
