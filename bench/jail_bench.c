/* SPDX-License-Identifier: MIT */
/*
 * bench-jail: the cost of building one jail. Spawns the real DM binary
 * (`safepc-dm --list-devices`, which prints its table and exits) N times
 * through jail_spawn() with the full restriction set a DM gets (cgroups
 * included), and prints the median and spread of the set-up time: from
 * the call to the moment exec succeeded (jail_spawn returns then).
 *
 * Usage: bench-jail PATH-TO-safepc-dm [N]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "jail/cgroup.h"
#include "jail/jail.h"

#define BENCH_DOMID 999u /* a domain id the benchmark keeps to itself */

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static char *const child_argv[] = { "safepc-dm", "--list-devices",
					    NULL };
	struct cgroup_limits lim = { .pids_max = 1, .memory_max = 64 << 20,
				     .cpu_weight = 50, .cpu_max_pct = 100 };
	unsigned n = argc > 2 ? (unsigned)atoi(argv[2]) : 50, i;
	int64_t *t;
	char err[256];
	int exe, devnull;

	if (argc < 2 || n == 0 || n > 10000) {
		fprintf(stderr, "usage: bench-jail SAFEPC-DM [N]\n");
		return 2;
	}
	exe = open(argv[1], O_RDONLY | O_CLOEXEC);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (exe < 0 || devnull < 0) {
		perror(argv[1]);
		return 2;
	}
	mkdir("/run/safepc", 0700);
	mkdir("/run/safepc/empty", 0555);
	t = calloc(n, sizeof(*t));
	for (i = 0; i < n; i++) {
		struct jail_spec s = { .what = "bench", .uid = 131072 + 16 * BENCH_DOMID + 1 };
		struct cgroup_set set;
		int64_t t0 = util_now_ns();
		pid_t pid;
		int pidfd, st, k;

		s.gid = s.uid;
		s.exe_fd = exe;
		s.argv = child_argv;
		for (k = 0; k < JAIL_MAX_FDS; k++)
			s.fds[k] = -1;
		s.fds[0] = s.fds[1] = s.fds[2] = devnull;
		s.nr_fds = 8;
		s.empty_root = "/run/safepc/empty";
		s.nofile = 8;
		s.nproc = 1;
		s.fsize = 0;
		if (cgroup_create(BENCH_DOMID, "dm-1", &lim, &set, err,
				  sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		for (k = 0; k < (int)set.nr; k++)
			s.cgroup_procs[k] = set.procs[k];
		if (jail_spawn(&s, &pid, &pidfd, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		t[i] = util_now_ns() - t0;
		waitpid(pid, &st, 0);
		close(pidfd);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "jailed program failed (status 0x%x)\n",
				st);
			return 1;
		}
	}
	cgroup_remove_domain(BENCH_DOMID);
	qsort(t, n, sizeof(*t), cmp_i64);
	printf("jail: n=%u median_ms=%.3f p10_ms=%.3f p90_ms=%.3f\n", n,
	       t[n / 2] / 1e6, t[n / 10] / 1e6, t[n * 9 / 10] / 1e6);
	free(t);
	return 0;
}
