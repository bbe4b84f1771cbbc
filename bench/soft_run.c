/* SPDX-License-Identifier: MIT */
/*
 * bench-soft-run: times one guest run for `scripts/bench soft` up to a line
 * of its output, for VMMs that do not exit by themselves.
 *
 *   bench-soft-run [-9] OUT TIMEOUT_S PATTERN INPUT CMD...
 *
 * Spawns CMD in a process group of its own with its stdout copied to OUT
 * and its stderr to OUT.err (lines are matched per stream: safepc's log
 * on stderr must not split the guest's console lines), and INPUT ("" for
 * none; "\n" escapes allowed) written to its stdin, which stays open until
 * CMD ends: Bochs from Debian starts in its debugger and waits for `c`,
 * and would quit at end of input.  When a line holding PATTERN arrives on
 * either stream, CMD gets SIGTERM (its group SIGKILL 5 s later; with -9
 * the group gets SIGKILL at once, for VMMs with nothing to tear down): a
 * guest that halts with interrupts off never exits on Bochs, which also
 * ignores SIGTERM.  PATTERN "" waits for CMD's own exit.
 *
 * Prints "match_us exit_us status cpu_us", times from just before the
 * spawn (CLOCK_MONOTONIC): match_us -1 when the line never came; status
 * 124 on time-out, else CMD's exit status (128 + signal, so 143 after our
 * SIGTERM); cpu_us the user + system time of CMD and of the descendants
 * it reaped (wait4), which on a loaded host says more than wall time.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_LINE_MAX 4096

static long long run_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* INPUT with "\n" turned into newlines, in place. */
static size_t run_unescape(char *s)
{
	size_t i, o = 0;

	for (i = 0; s[i]; i++) {
		if (s[i] == '\\' && s[i + 1] == 'n') {
			s[o++] = '\n';
			i++;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = 0;
	return o;
}

/* One output stream of CMD: its pipe, its file, its line so far. */
struct run_stream {
	int fd;	 /* read end; -1 at end of file */
	int out; /* OUT or OUT.err */
	size_t len;
	char line[RUN_LINE_MAX];
};

/*
 * Copies what is ready on S to its file and looks for PAT in each whole
 * line (per stream: the VMM's log on stderr must not split the guest's
 * lines on stdout).  1 when a line matched, 0 if not, -1 on a write error.
 */
static int run_pump(struct run_stream *s, const char *pat)
{
	char buf[4096];
	int n, i, hit = 0;

	n = read(s->fd, buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return 0;
	}
	if (write(s->out, buf, n) != n)
		return -1;
	for (i = 0; i < n && *pat; i++) {
		if (buf[i] != '\n' && s->len < sizeof(s->line) - 1) {
			s->line[s->len++] = buf[i];
			continue;
		}
		s->line[s->len] = 0;
		s->len = 0;
		if (strstr(s->line, pat))
			hit = 1;
	}
	return hit;
}

int main(int argc, char **argv)
{
	long long t0, tmatch = -1, texit = -1, deadline, tkill = -1, left;
	struct run_stream so[2];
	char *pat, *in, errname[4096];
	int po[2], pe[2], pi[2], st = 0, status = -1, k, r;
	int timed_out = 0, pfd, hard = 0;
	size_t inlen;
	struct rusage ru = { 0 };
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "-9")) {
		hard = 1;
		argv++;
		argc--;
	}
	if (argc < 6) {
		fprintf(stderr, "usage: bench-soft-run [-9] OUT TIMEOUT_S "
			"PATTERN INPUT CMD...\n");
		return 2;
	}
	pat = argv[3];
	in = argv[4];
	inlen = run_unescape(in);
	snprintf(errname, sizeof(errname), "%s.err", argv[1]);
	so[0].out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			 0644);
	so[1].out = open(errname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			 0644);
	if (so[0].out < 0 || so[1].out < 0 || pipe2(po, O_CLOEXEC) < 0 ||
	    pipe2(pe, O_CLOEXEC) < 0 || pipe2(pi, O_CLOEXEC) < 0) {
		perror("bench-soft-run");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	deadline = run_now_us() + atoll(argv[2]) * 1000000LL;
	t0 = run_now_us();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		setpgid(0, 0);
		if (dup2(pi[0], 0) < 0 || dup2(po[1], 1) < 0 ||
		    dup2(pe[1], 2) < 0)
			_exit(127);
		execvp(argv[5], argv + 5);
		_exit(127);
	}
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	close(pi[0]);
	so[0].fd = po[0];
	so[1].fd = pe[0];
	so[0].len = so[1].len = 0;
	if (inlen && write(pi[1], in, inlen) != (ssize_t)inlen)
		perror("bench-soft-run: input");
	/* The exit wakes the poll through a pidfd where the kernel has them
	 * (5.3 and later), else it is seen within 20 ms. */
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	while (texit < 0) {
		struct pollfd pf[3] = {
			{ .fd = so[0].fd, .events = POLLIN },
			{ .fd = so[1].fd, .events = POLLIN },
			{ .fd = pfd, .events = POLLIN },
		};
		long long now = run_now_us();

		if (wait4(pid, &st, WNOHANG, &ru) == pid) {
			texit = now;
			status = timed_out ? 124
				 : WIFEXITED(st) ? WEXITSTATUS(st)
						 : 128 + WTERMSIG(st);
			break;
		}
		if (now >= deadline && tkill < 0) {
			kill(-pid, SIGKILL);
			timed_out = 1;
			tkill = now;
		}
		if (tkill >= 0 && now >= tkill + 5000000) {
			kill(-pid, SIGKILL);
			tkill = now;
		}
		left = (deadline - now) / 1000;
		if (left > 20 || left <= 0)
			left = 20; /* the exit is polled with wait4 */
		if (poll(pf, 3, (int)left) < 0 && errno != EINTR) {
			perror("poll");
			return 2;
		}
		for (k = 0; k < 2; k++) {
			if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = run_pump(&so[k], tmatch < 0 ? pat : "");
			if (r < 0) {
				perror("bench-soft-run: write");
				return 2;
			}
			if (r && tmatch < 0) {
				tmatch = run_now_us();
				/* The leader only: safepc's monitor tears
				 * its domain down on SIGTERM. */
				if (hard)
					kill(-pid, SIGKILL);
				else
					kill(pid, SIGTERM);
				tkill = tmatch;
			}
		}
	}
	/* What is left in the pipes (descendants may hold them: 2 s). */
	deadline = run_now_us() + 2000000;
	while ((so[0].fd >= 0 || so[1].fd >= 0) && run_now_us() < deadline) {
		struct pollfd pf[2] = {
			{ .fd = so[0].fd, .events = POLLIN },
			{ .fd = so[1].fd, .events = POLLIN },
		};

		if (poll(pf, 2, 100) <= 0)
			break;
		for (k = 0; k < 2; k++) {
			if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = run_pump(&so[k], tmatch < 0 ? pat : "");
			if (r < 0)
				return 2;
			if (r && tmatch < 0) /* after the exit */
				tmatch = run_now_us();
		}
	}
	printf("%lld %lld %d %lld\n", tmatch < 0 ? -1 : tmatch - t0, texit - t0,
	       status,
	       (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
		       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return 0;
}
