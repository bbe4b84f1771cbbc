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

/* What the child's steps share. */
struct jail_ctx {
	const struct jail_spec *s;
	int pipe_fd; /* the error pipe, CLOEXEC, at or above top */
	int top;     /* first fd above the manifest's range */
	int exe;     /* the program, CLOEXEC, at or above top */
};

/* A step that fails reports itself (jail_fail) and ends the child. */
typedef void (*jail_step_fn)(struct jail_ctx *c);

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

/* Join the cgroups first, while we still may write there; then a cgroup
 * namespace rooted there: the process sees its own cgroup as "/" and
 * nothing of the host's tree. */
static void jail_step_cgroups(struct jail_ctx *c)
{
	int i;

	for (i = 0; i < 4 && c->s->cgroup_procs[i]; i++)
		jail_write_file(c->pipe_fd, c->s->cgroup_procs[i], "0");
	if (unshare(CLONE_NEWCGROUP))
		jail_fail(c->pipe_fd, "unsharing the cgroup namespace");
}

/* Nothing mounted here propagates back to the host; then the empty root
 * to be: a tmpfs too small to hold anything, mode 0555. */
static void jail_step_mounts(struct jail_ctx *c)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		jail_fail(c->pipe_fd, "making mounts private");
	if (c->s->weaken & JAIL_WEAKEN_ROOT)
		return;
	if (mount("safepc-empty", c->s->empty_root, "tmpfs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k,nr_inodes=2,mode=0555"))
		jail_fail(c->pipe_fd, "mounting the empty root");
}

/* The empty root becomes "/", the host's root is detached (no mount of
 * it stays visible) and the new root is remounted read-only. */
static void jail_step_pivot(struct jail_ctx *c)
{
	if (c->s->weaken & JAIL_WEAKEN_ROOT)
		return;
	if (chdir(c->s->empty_root) || syscall(SYS_pivot_root, ".", "."))
		jail_fail(c->pipe_fd, "pivot_root");
	if (umount2(".", MNT_DETACH) || chdir("/"))
		jail_fail(c->pipe_fd, "detaching the host root");
	if (mount(NULL, "/", NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL))
		jail_fail(c->pipe_fd, "remounting the root read-only");
}

/* A hostname of our own in the new UTS namespace (none of the host's). */
static void jail_step_hostname(struct jail_ctx *c)
{
	if (!(c->s->weaken & JAIL_WEAKEN_UTSNS) && sethostname("safepc", 6))
		jail_fail(c->pipe_fd, "sethostname");
}

/* Exactly the manifest's fds, at their numbers; the program fd is kept
 * above them (CLOEXEC: execveat takes it, the program does not). */
static void jail_step_fds(struct jail_ctx *c)
{
	const struct jail_spec *s = c->s;
	int high[JAIL_MAX_FDS + 2], i;

	for (i = 0; i < s->nr_fds; i++) {
		high[i] = -1;
		if (s->fds[i] >= 0) {
			high[i] = fcntl(s->fds[i], F_DUPFD_CLOEXEC, c->top);
			if (high[i] < 0)
				jail_fail(c->pipe_fd, "duplicating fds");
		}
	}
	c->exe = fcntl(s->exe_fd, F_DUPFD_CLOEXEC, c->top);
	if (c->exe < 0)
		jail_fail(c->pipe_fd, "duplicating the program fd");
	for (i = 0; i < s->nr_fds; i++) {
		if (high[i] < 0) {
			close(i);
			continue;
		}
		if (dup2(high[i], i) < 0)
			jail_fail(c->pipe_fd, "placing fds");
	}
	/* Everything else closes now, or at exec (the program fd and the
	 * error pipe are CLOEXEC). */
	for (i = s->nr_fds; i < c->top; i++)
		close(i);
	for (i = 0; i < s->nr_fds; i++)
		if (high[i] >= 0)
			close(high[i]);
	if (syscall(SYS_close_range, c->top, ~0U, CLOSE_RANGE_CLOEXEC))
		jail_fail(c->pipe_fd, "close_range");
}

/* Resource limits, soft = hard (the process cannot raise them). */
static void jail_step_rlimits(struct jail_ctx *c)
{
	const struct jail_spec *s = c->s;

	if (s->weaken & JAIL_WEAKEN_RLIMITS)
		return;
	jail_rlimit(c->pipe_fd, RLIMIT_NOFILE, s->nofile);
	jail_rlimit(c->pipe_fd, RLIMIT_NPROC, s->nproc);
	jail_rlimit(c->pipe_fd, RLIMIT_FSIZE, s->fsize);
	jail_rlimit(c->pipe_fd, RLIMIT_CORE, 0);
	jail_rlimit(c->pipe_fd, RLIMIT_MEMLOCK, 0);
	jail_rlimit(c->pipe_fd, RLIMIT_MSGQUEUE, 0);
	jail_rlimit(c->pipe_fd, RLIMIT_LOCKS, 0);
}

/* The CPUs the config pinned the process to, if any. */
static void jail_step_affinity(struct jail_ctx *c)
{
	cpu_set_t set;
	unsigned cpu;

	if (!c->s->cpus)
		return;
	CPU_ZERO(&set);
	for (cpu = 0; cpu < 64; cpu++)
		if (c->s->cpus & (1ull << cpu))
			CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		jail_fail(c->pipe_fd, "setting the CPU affinity");
}

/* No inherited blocked signals (the monitor blocks some for its
 * signalfd). */
static void jail_step_signals(struct jail_ctx *c)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Memory that was never executable can never become so (kernel-enforced,
 * beside seccomp's PROT_EXEC rules). Linux 6.3+; inherited across exec.
 * Older kernels: seccomp alone. */
static void jail_step_mdwe(struct jail_ctx *c)
{
	if (prctl(JAIL_PR_SET_MDWE, JAIL_PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) &&
	    errno != EINVAL)
		jail_fail(c->pipe_fd, "PR_SET_MDWE");
}

/* uid 0 gets no capabilities back (at exec or otherwise), locked. */
static void jail_step_securebits(struct jail_ctx *c)
{
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_KEEP_CAPS_LOCKED |
			  SECBIT_NO_CAP_AMBIENT_RAISE |
			  SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED))
		jail_fail(c->pipe_fd, "locking securebits");
}

/* An empty bounding set (while we still hold CAP_SETPCAP) and no ambient
 * capabilities. */
static void jail_step_capbset(struct jail_ctx *c)
{
	int cap;

	for (cap = 0; cap <= 63 && !(c->s->weaken & JAIL_WEAKEN_CAPS); cap++)
		if (prctl(PR_CAPBSET_DROP, cap) && errno != EINVAL)
			jail_fail(c->pipe_fd, "dropping the bounding set");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		jail_fail(c->pipe_fd, "clearing ambient capabilities");
}

/* The domain's own uid and gid, real, effective and saved, and no
 * supplementary groups; groups first, while we may still change them. */
static void jail_step_ids(struct jail_ctx *c)
{
	if (setgroups(0, NULL))
		jail_fail(c->pipe_fd, "setgroups");
	if (setresgid(c->s->gid, c->s->gid, c->s->gid))
		jail_fail(c->pipe_fd, "setresgid");
	if (setresuid(c->s->uid, c->s->uid, c->s->uid))
		jail_fail(c->pipe_fd, "setresuid");
}

/* No capability in the permitted, effective or inheritable set. */
static void jail_step_caps(struct jail_ctx *c)
{
	struct __user_cap_header_struct caph = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct capd[2] = { { 0 } };

	if (syscall(SYS_capset, &caph, capd))
		jail_fail(c->pipe_fd, "clearing capabilities");
}

/* Nothing the program execs can gain privileges (setuid, file caps). */
static void jail_step_nnp(struct jail_ctx *c)
{
	if (!(c->s->weaken & JAIL_WEAKEN_NNP) &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		jail_fail(c->pipe_fd, "no_new_privs");
}

/* Dies with the monitor. The uid change clears the death signal, so this
 * comes after jail_step_ids; and files it might create are its alone. */
static void jail_step_pdeathsig(struct jail_ctx *c)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		jail_fail(c->pipe_fd, "pdeathsig");
	umask(077);
}

/*
 * The steps, in the order they must run: each may need a privilege that
 * a later one drops (cgroups and mounts need root; the bounding set needs
 * CAP_SETPCAP, gone after the uid change).
 */
static const jail_step_fn jail_steps[] = {
	jail_step_cgroups,   jail_step_mounts,	  jail_step_pivot,
	jail_step_hostname,  jail_step_fds,	  jail_step_rlimits,
	jail_step_affinity,  jail_step_signals,	  jail_step_mdwe,
	jail_step_securebits, jail_step_capbset,  jail_step_ids,
	jail_step_caps,	     jail_step_nnp,	  jail_step_pdeathsig,
};

/* Runs in the child; never returns. */
static void jail_child(const struct jail_spec *s, int pipe_fd)
{
	static char *const empty_env[] = { NULL };
	struct jail_ctx c = {
		.s = s,
		.top = s->nr_fds + 1 > 64 ? s->nr_fds + 1 : 64,
		.exe = -1,
	};
	unsigned i;

	/* Keep the error pipe out of the range the manifest takes. */
	c.pipe_fd = fcntl(pipe_fd, F_DUPFD_CLOEXEC, c.top);
	if (c.pipe_fd < 0)
		_exit(125);
	for (i = 0; i < sizeof(jail_steps) / sizeof(jail_steps[0]); i++)
		jail_steps[i](&c);
	syscall(SYS_execveat, c.exe, "", s->argv, empty_env, AT_EMPTY_PATH);
	jail_fail(c.pipe_fd, "executing the program");
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
