/* SPDX-License-Identifier: MIT */
/*
 * bench-linux-run: runs one VMM booting Linux for `scripts/bench linux`
 * and stamps every line of its output with the host time it arrived.
 *
 *   bench-linux-run OUT TIMEOUT_S PATTERN CMD...
 *
 * Spawns CMD in a process group of its own, stdin /dev/null, and writes
 * each line of its stdout (the guest's console) to OUT and each line of
 * its stderr (the VMM's log) to OUT.err as "SECONDS<TAB>LINE", SECONDS
 * the arrival time from just before the spawn (CLOCK_MONOTONIC, 6
 * decimals; a trailing CR dropped).  Arrival times, not the guest's own
 * printk stamps, are what the benchmark compares: the guest clock of an
 * interpreted CPU may fall back to jiffies and lag.  After TIMEOUT_S the
 * leader gets SIGTERM (safepc's monitor tears its domain down on it),
 * the group SIGKILL 5 s later.
 *
 * Prints "match_us exit_us status cpu_us": match_us when the first
 * stdout line holding PATTERN arrived (-1 if none), exit_us when CMD
 * ended, status its exit status (128 + signal; 124 on time-out), cpu_us
 * the user + system time of CMD and the descendants it reaped.
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

#define LRUN_LINE_MAX 8192

static long long lrun_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* One output stream of CMD: its pipe, its file, the line so far. */
struct lrun_stream {
	int fd;	 /* read end; -1 at end of file */
	FILE *out;
	size_t len;
	char line[LRUN_LINE_MAX];
};

/* Writes S's pending line stamped with T; 1 when it holds PAT. */
static int lrun_flush_line(struct lrun_stream *s, long long t,
			   const char *pat)
{
	int hit;

	if (s->len && s->line[s->len - 1] == '\r')
		s->len--;
	s->line[s->len] = 0;
	fprintf(s->out, "%lld.%06lld\t%s\n", t / 1000000, t % 1000000,
		s->line);
	hit = pat && *pat && strstr(s->line, pat) != NULL;
	s->len = 0;
	return hit;
}

/*
 * Reads what is ready on S and writes its whole lines, stamped T.
 * 1 when one of them holds PAT, else 0; at end of file the last partial
 * line is written too.
 */
static int lrun_pump(struct lrun_stream *s, long long t, const char *pat)
{
	char buf[4096];
	ssize_t n, i;
	int hit = 0;

	n = read(s->fd, buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
		return 0;
	if (n <= 0) {
		if (s->len)
			hit = lrun_flush_line(s, t, pat);
		close(s->fd);
		s->fd = -1;
		return hit;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			hit |= lrun_flush_line(s, t, pat);
			continue;
		}
		/* A guest line longer than the buffer is cut, not lost. */
		if (s->len == sizeof(s->line) - 1)
			hit |= lrun_flush_line(s, t, pat);
		s->line[s->len++] = buf[i];
	}
	return hit;
}

/* Pumps whichever of the two streams poll found ready. */
static void lrun_pump_ready(struct lrun_stream *so, struct pollfd *pf,
			    long long t0, const char *pat, long long *tmatch)
{
	long long now = lrun_now_us();
	int k;

	for (k = 0; k < 2; k++) {
		if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (lrun_pump(&so[k], now - t0, k == 0 ? pat : NULL) &&
		    *tmatch < 0)
			*tmatch = now;
	}
}

int main(int argc, char **argv)
{
	long long t0, tmatch = -1, texit = -1, deadline, tkill = -1, left;
	struct lrun_stream so[2];
	char errname[4096];
	int po[2], pe[2], st = 0, status = -1, timed_out = 0, pfd;
	struct rusage ru = { 0 };
	const char *pat;
	pid_t pid;

	if (argc < 5) {
		fprintf(stderr, "usage: bench-linux-run OUT TIMEOUT_S PATTERN "
			"CMD...\n");
		return 2;
	}
	pat = argv[3];
	snprintf(errname, sizeof(errname), "%s.err", argv[1]);
	memset(so, 0, sizeof(so));
	so[0].out = fopen(argv[1], "we");
	so[1].out = fopen(errname, "we");
	if (!so[0].out || !so[1].out || pipe2(po, O_CLOEXEC) < 0 ||
	    pipe2(pe, O_CLOEXEC) < 0) {
		perror("bench-linux-run");
		return 2;
	}
	deadline = lrun_now_us() + atoll(argv[2]) * 1000000LL;
	t0 = lrun_now_us();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (null < 0 || dup2(null, 0) < 0 || dup2(po[1], 1) < 0 ||
		    dup2(pe[1], 2) < 0)
			_exit(127);
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	so[0].fd = po[0];
	so[1].fd = pe[0];
	/* The exit wakes the poll through a pidfd (Linux 5.3 and later);
	 * without one it is seen within 20 ms by wait4. */
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	for (;;) {
		struct pollfd pf[3] = {
			{ .fd = so[0].fd, .events = POLLIN },
			{ .fd = so[1].fd, .events = POLLIN },
			{ .fd = pfd, .events = POLLIN },
		};
		long long now = lrun_now_us();

		if (wait4(pid, &st, WNOHANG, &ru) == pid) {
			texit = now;
			status = timed_out ? 124
				 : WIFEXITED(st) ? WEXITSTATUS(st)
						 : 128 + WTERMSIG(st);
			break;
		}
		if (now >= deadline && tkill < 0) {
			kill(pid, SIGTERM);
			timed_out = 1;
			tkill = now;
		} else if (tkill >= 0 && now >= tkill + 5000000) {
			kill(-pid, SIGKILL);
			tkill = now;
		}
		left = (deadline - now) / 1000;
		if (left > 20 || left <= 0)
			left = 20;
		if (poll(pf, 3, (int)left) < 0 && errno != EINTR) {
			perror("poll");
			return 2;
		}
		lrun_pump_ready(so, pf, t0, pat, &tmatch);
	}
	/* What is left in the pipes (descendants may hold them: 2 s). */
	deadline = lrun_now_us() + 2000000;
	while ((so[0].fd >= 0 || so[1].fd >= 0) && lrun_now_us() < deadline) {
		struct pollfd pf[2] = {
			{ .fd = so[0].fd, .events = POLLIN },
			{ .fd = so[1].fd, .events = POLLIN },
		};

		if (poll(pf, 2, 100) <= 0)
			break;
		lrun_pump_ready(so, pf, t0, pat, &tmatch);
	}
	if (fclose(so[0].out) || fclose(so[1].out)) {
		perror("bench-linux-run: write");
		return 2;
	}
	printf("%lld %lld %d %lld\n", tmatch < 0 ? -1 : tmatch - t0,
	       texit - t0, status,
	       (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
		       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return 0;
}
