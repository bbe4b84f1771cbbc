/* SPDX-License-Identifier: MIT */
/*
 * Building the jail. The child is created by clone() directly into its new
 * pid namespace (it is that namespace's init, so killing it kills every
 * process it could have made) and applies each restriction in an order
 * where no step needs a privilege an earlier step dropped. Any failure is
 * reported to the parent through a CLOEXEC pipe and the child exits: a
 * jail that cannot be built is never run half-built.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#include "jail/jail.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define JAIL_PR_SET_MDWE 65
#define JAIL_PR_MDWE_REFUSE_EXEC_GAIN 1

struct jail_err {
	int err;
	char step[60];
};

static void jail_fail(int pipe_fd, const char *step)
{
	struct jail_err e = { .err = errno };

	snprintf(e.step, sizeof(e.step), "%s", step);
	if (write(pipe_fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static void jail_write_file(int pipe_fd, const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, s, strlen(s)) < 0)
		jail_fail(pipe_fd, "joining cgroup");
	close(fd);
}

static void jail_rlimit(int pipe_fd, int res, unsigned long v)
{
	struct rlimit rl = { v, v };

	if (setrlimit(res, &rl))
		jail_fail(pipe_fd, "setrlimit");
}

/* Runs in the child; never returns. */
static void jail_child(const struct jail_spec *s, int pipe_fd)
{
	static char *const empty_env[] = { NULL };
	struct __user_cap_header_struct caph = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct capd[2] = { { 0 } };
	int high[JAIL_MAX_FDS + 2], i, cap, exe;
	int top = s->nr_fds + 1 > 64 ? s->nr_fds + 1 : 64;

	/* Keep the error pipe out of the range the manifest takes. */
	pipe_fd = fcntl(pipe_fd, F_DUPFD_CLOEXEC, top);
	if (pipe_fd < 0)
		_exit(125);
	/* Join the cgroups first, while we still may write there. */
	for (i = 0; i < 4 && s->cgroup_procs[i]; i++)
		jail_write_file(pipe_fd, s->cgroup_procs[i], "0");
	/* ... then a cgroup namespace rooted there: the process sees its
	 * own cgroup as "/" and nothing of the host's tree. */
	if (unshare(CLONE_NEWCGROUP))
		jail_fail(pipe_fd, "unsharing the cgroup namespace");

	/* An empty, read-only root. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		jail_fail(pipe_fd, "making mounts private");
	if (s->weaken & JAIL_WEAKEN_ROOT)
		goto root_done;
	if (mount("safepc-empty", s->empty_root, "tmpfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,nr_inodes=2,mode=0555"))
		jail_fail(pipe_fd, "mounting the empty root");
	if (chdir(s->empty_root) || syscall(SYS_pivot_root, ".", "."))
		jail_fail(pipe_fd, "pivot_root");
	if (umount2(".", MNT_DETACH) || chdir("/"))
		jail_fail(pipe_fd, "detaching the host root");
	if (mount(NULL, "/", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL))
		jail_fail(pipe_fd, "remounting the root read-only");
root_done:
	if (!(s->weaken & JAIL_WEAKEN_UTSNS) && sethostname("safepc", 6))
		jail_fail(pipe_fd, "sethostname");

	/* Exactly the manifest's fds, at their numbers; the program last. */
	for (i = 0; i < s->nr_fds; i++) {
		high[i] = -1;
		if (s->fds[i] >= 0) {
			high[i] = fcntl(s->fds[i], F_DUPFD_CLOEXEC, top);
			if (high[i] < 0)
				jail_fail(pipe_fd, "duplicating fds");
		}
	}
	exe = fcntl(s->exe_fd, F_DUPFD_CLOEXEC, top);
	if (exe < 0)
		jail_fail(pipe_fd, "duplicating the program fd");
	for (i = 0; i < s->nr_fds; i++) {
		if (high[i] < 0) {
			close(i);
			continue;
		}
		if (dup2(high[i], i) < 0)
			jail_fail(pipe_fd, "placing fds");
	}
	/* Everything else closes now, or at exec (the program fd and the
	 * error pipe are CLOEXEC). */
	for (i = s->nr_fds; i < top; i++)
		close(i);
	for (i = 0; i < s->nr_fds; i++)
		if (high[i] >= 0)
			close(high[i]);
	if (syscall(SYS_close_range, top, ~0U, CLOSE_RANGE_CLOEXEC))
		jail_fail(pipe_fd, "close_range");

	/* Resource limits. */
	if (s->weaken & JAIL_WEAKEN_RLIMITS)
		goto rlimits_done;
	jail_rlimit(pipe_fd, RLIMIT_NOFILE, s->nofile);
	jail_rlimit(pipe_fd, RLIMIT_NPROC, s->nproc);
	jail_rlimit(pipe_fd, RLIMIT_FSIZE, s->fsize);
	jail_rlimit(pipe_fd, RLIMIT_CORE, 0);
	jail_rlimit(pipe_fd, RLIMIT_MEMLOCK, 0);
	jail_rlimit(pipe_fd, RLIMIT_MSGQUEUE, 0);
	jail_rlimit(pipe_fd, RLIMIT_LOCKS, 0);
rlimits_done:

	if (s->cpus) {
		cpu_set_t set;
		unsigned c;

		CPU_ZERO(&set);
		for (c = 0; c < 64; c++)
			if (s->cpus & (1ull << c))
				CPU_SET(c, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			jail_fail(pipe_fd, "setting the CPU affinity");
	}
	/* No inherited blocked signals (the monitor blocks some for its
	 * signalfd). */
	{
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
	}
	/* Memory that was never executable can never become so (kernel-
	 * enforced, beside seccomp's PROT_EXEC rules). Linux 6.3+; inherited
	 * across exec. Older kernels: seccomp alone. */
	if (prctl(JAIL_PR_SET_MDWE, JAIL_PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) &&
	    errno != EINVAL)
		jail_fail(pipe_fd, "PR_SET_MDWE");

	/* Capabilities and identity. */
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_KEEP_CAPS_LOCKED |
			  SECBIT_NO_CAP_AMBIENT_RAISE |
			  SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED))
		jail_fail(pipe_fd, "locking securebits");
	for (cap = 0; cap <= 63 && !(s->weaken & JAIL_WEAKEN_CAPS); cap++)
		if (prctl(PR_CAPBSET_DROP, cap) && errno != EINVAL)
			jail_fail(pipe_fd, "dropping the bounding set");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		jail_fail(pipe_fd, "clearing ambient capabilities");
	if (setgroups(0, NULL))
		jail_fail(pipe_fd, "setgroups");
	if (setresgid(s->gid, s->gid, s->gid))
		jail_fail(pipe_fd, "setresgid");
	if (setresuid(s->uid, s->uid, s->uid))
		jail_fail(pipe_fd, "setresuid");
	if (syscall(SYS_capset, &caph, capd))
		jail_fail(pipe_fd, "clearing capabilities");
	if (!(s->weaken & JAIL_WEAKEN_NNP) &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		jail_fail(pipe_fd, "no_new_privs");
	/* Cleared by the uid change above, so set it after. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		jail_fail(pipe_fd, "pdeathsig");
	umask(077);

	syscall(SYS_execveat, exe, "", s->argv, empty_env, AT_EMPTY_PATH);
	jail_fail(pipe_fd, "executing the program");
}

int jail_spawn(const struct jail_spec *spec, pid_t *pid_out, int *pidfd_out,
	       char *err, size_t errlen)
{
	unsigned long flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
			      CLONE_NEWIPC | CLONE_NEWUTS | CLONE_PIDFD;
	struct jail_err e;
	int pipefd[2], pidfd = -1;
	ssize_t n;
	pid_t pid;

	if (spec->uid == 0 || spec->gid == 0) {
		snprintf(err, errlen, "%s: refusing to run as uid/gid 0",
			 spec->what);
		return -EPERM;
	}
	if (spec->nr_fds > JAIL_MAX_FDS) {
		snprintf(err, errlen, "%s: too many fds", spec->what);
		return -EINVAL;
	}
	if (spec->weaken & JAIL_WEAKEN_NETNS)
		flags &= ~(unsigned long)CLONE_NEWNET;
	if (spec->weaken & JAIL_WEAKEN_IPCNS)
		flags &= ~(unsigned long)CLONE_NEWIPC;
	if (spec->weaken & JAIL_WEAKEN_UTSNS)
		flags &= ~(unsigned long)CLONE_NEWUTS;
	if (spec->weaken & JAIL_WEAKEN_PIDNS)
		flags &= ~(unsigned long)CLONE_NEWPID;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, &pidfd, NULL,
			     NULL);
	if (pid < 0) {
		int r = -errno;

		snprintf(err, errlen, "%s: clone with new namespaces: %s",
			 spec->what, strerror(-r));
		close(pipefd[0]);
		close(pipefd[1]);
		return r;
	}
	if (pid == 0) {
		close(pipefd[0]);
		jail_child(spec, pipefd[1]);
	}
	close(pipefd[1]);
	do
		n = read(pipefd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(e)) {
		e.step[sizeof(e.step) - 1] = 0;
		snprintf(err, errlen, "%s: jail: %s: %s", spec->what, e.step,
			 strerror(e.err));
		waitpid(pid, NULL, 0);
		close(pidfd);
		return -e.err;
	}
	*pid_out = pid;
	*pidfd_out = pidfd;
	return 0;
}
