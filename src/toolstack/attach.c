/* SPDX-License-Identifier: MIT */
/* The console client: raw terminal, Ctrl-] to detach. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "common/util.h"
#include "toolstack/attach.h"
#include "toolstack/rundir.h"

static int attach_connect(unsigned domid, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	rundir_path(domid, "console", sa.sun_path, sizeof(sa.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		r = -errno;
		snprintf(err, errlen, "cannot connect to %s: %s", sa.sun_path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	return fd;
}

int attach_console(unsigned domid, const char *name, char *err,
		   size_t errlen)
{
	struct termios saved, raw;
	int tty = isatty(STDIN_FILENO), fd, sfd, in_open = 1, r = 0;
	sigset_t sigs, old;

	fd = attach_connect(domid, err, errlen);
	if (fd < 0)
		return fd;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	sigprocmask(SIG_BLOCK, &sigs, &old);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
		fprintf(stderr, "Connected to domain %s; escape character is "
				"^]\r\n", name);
	} else {
		tty = 0;
	}

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = sfd, .events = POLLIN },
		};
		char buf[4096];
		ssize_t n;

		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			snprintf(err, errlen, "poll: %s", strerror(errno));
			break;
		}
		if (pfd[2].revents)
			break; /* signalled: detach */
		if (pfd[0].revents) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0)
				break; /* the domain is gone */
			if (util_write_all(STDOUT_FILENO, buf, (size_t)n))
				break;
		}
		if (pfd[1].revents) {
			char *esc;

			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0) {
				in_open = 0; /* keep showing output */
				continue;
			}
			esc = memchr(buf, ATTACH_ESCAPE, (size_t)n);
			if (esc)
				n = esc - buf;
			if (n > 0 && util_write_all(fd, buf, (size_t)n))
				break;
			if (esc)
				break;
		}
	}
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fprintf(stderr, "\n");
	}
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fd);
	return r;
}
