/* SPDX-License-Identifier: MIT */
/*
 * sockcat: a minimal client for the lifecycle tests (no socat needed).
 *
 *   sockcat [-w SECONDS] [-n] [-s] PATH
 *
 * Connects to the unix stream socket PATH, copies stdin to it and what it
 * sends to stdout. It ends when the socket closes or, with -w, when
 * nothing arrived for SECONDS after stdin ended (default: wait for the
 * socket to close). -n: send each stdin line only after a line came back
 * (request/response pacing for the control socket; the greeting counts).
 * -s: stall: connect, read nothing, send nothing, and sleep until killed
 * (a console client that never reads).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char inbuf[65536];
static size_t inlen;
static unsigned lines_back, lines_sent;

/* Sends the complete lines of inbuf (paced: only as replies came). */
static int send_lines(int fd, int paced)
{
	char *nl;

	while ((!paced || lines_sent < lines_back) &&
	       (nl = memchr(inbuf, '\n', inlen))) {
		size_t len = (size_t)(nl - inbuf) + 1;

		if (write(fd, inbuf, len) != (ssize_t)len) {
			/* The peer is gone or hung up on us: keep reading
			 * what it said before. */
			inlen = 0;
			return -1;
		}
		memmove(inbuf, inbuf + len, inlen - len);
		inlen -= len;
		lines_sent++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int c, fd, wait_s = -1, stall = 0, paced = 0, in_open = 1;

	while ((c = getopt(argc, argv, "w:sn")) != -1) {
		switch (c) {
		case 'w':
			wait_s = atoi(optarg);
			break;
		case 's':
			stall = 1;
			break;
		case 'n':
			paced = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc ||
	    strlen(argv[optind]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: sockcat [-w S] [-n] [-s] PATH\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[optind]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "sockcat: %s: %s\n", sa.sun_path,
			strerror(errno));
		return 1;
	}
	if (stall)
		for (;;)
			pause();
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		struct pollfd p[2];
		int r;

		if (send_lines(fd, paced))
			in_open = 0;
		if ((!in_open || inlen == sizeof(inbuf)) && inlen &&
		    !memchr(inbuf, '\n', inlen)) {
			/* A last line without its newline, or a line longer
			 * than the buffer (sent in pieces). */
			if (write(fd, inbuf, inlen) < 0)
				in_open = 0;
			inlen = 0;
		}
		p[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
		p[1] = (struct pollfd){
			.fd = in_open && inlen < sizeof(inbuf) ? STDIN_FILENO
							       : -1,
			.events = POLLIN
		};
		r = poll(p, 2, !in_open && wait_s >= 0 ? wait_s * 1000 : -1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return 1;
		if (r == 0)
			return 0; /* idle after the end of stdin */
		if (p[0].revents) {
			char buf[65536];
			ssize_t n = read(fd, buf, sizeof(buf)), i;

			if (n <= 0)
				return 0;
			for (i = 0; i < n; i++)
				lines_back += buf[i] == '\n';
			if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
				return 1;
			fflush(stdout);
		}
		if (p[1].revents) {
			ssize_t n = read(STDIN_FILENO, inbuf + inlen,
					 sizeof(inbuf) - inlen);

			if (n <= 0)
				in_open = 0;
			else
				inlen += (size_t)n;
		}
	}
}
