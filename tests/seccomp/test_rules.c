/* SPDX-License-Identifier: MIT */
/*
 * The seccomp allowlists of safepc-dm and safepc-hv, rule by rule, against
 * the real filter in the real kernel.
 *
 *   test_seccomp_rules dm|hv|hv-kvm
 *
 * For every rule of the table (dm_seccomp_rules, hv_seccomp_rules) a
 * forked child installs the filter exactly as the program does
 * (dm_seccomp_apply with a zeroed struct dm; hv_seccomp_apply with a small
 * VM), makes the allowed call with valid arguments and
 * must live, without EPERM or ENOSYS; for a rule with an argument filter,
 * each changed argument (PROT_EXEC, no CLONE_THREAD, another ioctl request
 * or fd, ...) must kill the child with SIGSYS. A rule without a probe here
 * is a failure, so a new rule needs a new test. Then a list of forbidden
 * calls (open, socket, execve, ptrace, ...) must each kill, and the loaded
 * filter, read back with PTRACE_SECCOMP_GET_FILTER and run in a small BPF
 * interpreter, must allow exactly the table's syscalls and kill every other
 * number and the i386 and x32 ABIs. Where the kernel has no IA-32
 * emulation (int 0x80 raises SIGSEGV before seccomp runs), the int 0x80
 * row checks the loaded filter instead: every non-x86-64 arch is killed.
 *
 * The DM's disk rules (dm_seccomp_disk_rules) depend on the disks a DM
 * hosts: with a writable and a read-only disk fd in its struct dm, pread64
 * and preadv must work on both and pwrite64, pwritev and fdatasync on the
 * writable one only;
 * on any other fd (the RAM memfd, a dup of a disk fd, -1, a disk fd with
 * high bits set) each must kill; a DM without disks allows none of them.
 * The filter with disks is also read back and run for every fd number.
 *
 * Every kill writes an audit record to the kernel log, where the monitor
 * looks up the syscall of a killed DM (toolstack/kmsg.c); the test keeps
 * kills few and, at the end, waits out the kernel's printk rate limit so
 * that later tests' records are not suppressed.
 *
 * hv is tested in both of its configurations. `hv` is the soft CPU's
 * (accel "soft", what every machine can run): hv_seccomp_apply adds no
 * ioctl rule at all then, so every non-ioctl rule is probed both ways and
 * every KVM ioctl of the table, on any fd, must kill, as must ioctl
 * itself in the sweep. `hv-kvm` is KVM's: a small VM built from /dev/kvm
 * whose ioctl rules are probed on its own fds and on wrong ones; it needs
 * /dev/kvm and reports SKIP (77) with the reason without it.
 *
 * Exit status: 0 all passed, 1 a failure, 77 skipped (hv-kvm without
 * /dev/kvm).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/seccomp_table.h"
#include "dm/dm.h"
#include "dm/seccomp.h"
#include "hv/hv.h"
#include "hv/seccomp.h"

#define TEST_NR_VCPUS 2
#define TEST_CHILD_TIMEOUT_MS 10000
#define TEST_SWEEP_MAX_NR 1024
#define TEST_MAX_INSNS 4096
/* The disks of a DM with disks: fixed numbers, so that the parent knows
 * them when it interprets the child's filter. */
#define TEST_DISK_RW_FD 100
#define TEST_DISK_RO_FD 101
#define TEST_DISK_BYTES 65536
#define TEST_DISK_SWEEP_FDS 1024

/* Child exit statuses (anything but a SIGSYS or these is a failure). */
enum {
	CHILD_OK = 0,
	CHILD_DENIED = 10,	/* the allowed call got EPERM/ENOSYS */
	CHILD_WRONG_ERRNO = 11, /* not the errno the probe wants */
	CHILD_LIVED = 12,	/* a call that must kill returned */
	CHILD_SETUP = 13,	/* setting up (KVM, filter) failed */
	CHILD_EXITED = 42,	/* the status exit/exit_group probes use */
	CHILD_FORKED = 99,	/* a forbidden fork ran: the new child */
};

/* What a child prepares before its filter is installed. */
struct env {
	int kind_hv;
	int pipe_r, pipe_w;	/* a pipe with bytes ready to read */
	int sock[2];		/* a connected socketpair, bytes queued */
	int memfd;		/* one page; stands for the guest-RAM memfd */
	int disk_dup;		/* DM: a dup of the writable disk fd */
	void *page;		/* an anonymous read/write page */
	uint32_t futex_word;
	pid_t pid, tid;
	int kvm_fd, vm_fd, vm_fd_dup;
	int vcpu_fd[TEST_NR_VCPUS];
	struct hv_vm *vm;
};

typedef long (*test_call)(struct env *e);

static struct hv_vm test_vm;
static volatile sig_atomic_t test_got_signal;
static unsigned test_pass, test_fail, test_kills;
static int64_t test_first_kill_ns;
static const char *test_kind;
static int test_hv_kvm; /* hv-kvm: hv's filter for a KVM VM, else soft */
/* The child starts a thread before its filter (call_early_thread). */
static int test_early_thread;
static volatile int test_early_go;
/* hv's accelerator as hv_seccomp_apply reads it (only the name). */
static const struct hv_accel test_accel_soft = { .name = "soft" };
static const struct hv_accel test_accel_kvm = { .name = "kvm" };
static int test_disks; /* the DM's struct dm names the two disks */

static int64_t test_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void test_report(int ok, const char *rule, const char *what,
			const char *detail)
{
	printf("%s: %s: %s: %s%s%s\n", ok ? "PASS" : "FAIL", test_kind, rule,
	       what, detail[0] ? ": " : "", detail);
	fflush(stdout);
	if (ok)
		test_pass++;
	else
		test_fail++;
}

static void test_signal_handler(int sig)
{
	(void)sig;
	test_got_signal = 1;
}

/* ---- The child's world, built before the filter ---- */

static int env_kvm(struct env *e)
{
	struct kvm_run *run;
	int i, size;

	e->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (e->kvm_fd < 0)
		return -1;
	e->vm_fd = ioctl(e->kvm_fd, KVM_CREATE_VM, 0);
	if (e->vm_fd < 0 || ioctl(e->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return -1;
	e->vm_fd_dup = dup(e->vm_fd);
	size = ioctl(e->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0)
		return -1;
	memset(&test_vm, 0, sizeof(test_vm));
	test_vm.accel = &test_accel_kvm;
	test_vm.kvm_fd = e->kvm_fd;
	test_vm.vm_fd = e->vm_fd;
	test_vm.nr_vcpus = TEST_NR_VCPUS;
	for (i = 0; i < TEST_NR_VCPUS; i++) {
		e->vcpu_fd[i] = ioctl(e->vm_fd, KVM_CREATE_VCPU, i);
		if (e->vcpu_fd[i] < 0)
			return -1;
		run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
			   MAP_SHARED, e->vcpu_fd[i], 0);
		if (run == MAP_FAILED)
			return -1;
		/* KVM_RUN returns EINTR at once, never entering the guest. */
		run->immediate_exit = 1;
		test_vm.vcpus[i].fd = e->vcpu_fd[i];
		test_vm.vcpus[i].run = run;
	}
	e->vm = &test_vm;
	return 0;
}

/*
 * hv under the soft CPU: no KVM fd exists. The KVM ioctl probes still
 * need fds to aim at: every one is a dup of the RAM memfd, where a KVM
 * request that got through would fail with ENOTTY instead of killing.
 */
static int env_soft(struct env *e)
{
	int i;

	memset(&test_vm, 0, sizeof(test_vm));
	test_vm.accel = &test_accel_soft;
	test_vm.kvm_fd = -1;
	test_vm.vm_fd = -1;
	test_vm.nr_vcpus = TEST_NR_VCPUS;
	e->kvm_fd = dup(e->memfd);
	e->vm_fd = dup(e->memfd);
	e->vm_fd_dup = dup(e->memfd);
	if (e->kvm_fd < 0 || e->vm_fd < 0 || e->vm_fd_dup < 0)
		return -1;
	for (i = 0; i < TEST_NR_VCPUS; i++) {
		e->vcpu_fd[i] = dup(e->memfd);
		if (e->vcpu_fd[i] < 0)
			return -1;
		test_vm.vcpus[i].fd = -1;
	}
	e->vm = &test_vm;
	return 0;
}

/*
 * A DM's disks, whether or not its filter names them: a writable image (a
 * memfd) at TEST_DISK_RW_FD, the same image read-only at TEST_DISK_RO_FD
 * (as the monitor opens an access=ro disk), and a dup of the writable one.
 */
static int env_disks(struct env *e)
{
	char path[64];
	int fd = memfd_create("seccomp-test-disk", MFD_CLOEXEC), ro;

	if (fd < 0 || ftruncate(fd, TEST_DISK_BYTES) ||
	    dup2(fd, TEST_DISK_RW_FD) != TEST_DISK_RW_FD)
		return -1;
	close(fd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", TEST_DISK_RW_FD);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	if (ro < 0 || dup2(ro, TEST_DISK_RO_FD) != TEST_DISK_RO_FD)
		return -1;
	close(ro);
	e->disk_dup = dup(TEST_DISK_RW_FD);
	return e->disk_dup < 0 ? -1 : 0;
}

/*
 * A thread that exists before the filter, as the soft CPU's timer thread
 * does in hv: once told, it makes a forbidden call, which must kill the
 * process although this thread never installed a filter itself.
 */
static void *env_early_thread(void *arg)
{
	(void)arg;
	while (!test_early_go)
		__builtin_ia32_pause();
	syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0);
	_exit(CHILD_LIVED);
}

static int env_init(struct env *e, int kind_hv)
{
	struct sigaction sa = { .sa_handler = test_signal_handler };
	int p[2];

	memset(e, 0, sizeof(*e));
	e->kind_hv = kind_hv;
	sigaction(SIGUSR1, &sa, NULL);
	if (pipe(p) || socketpair(AF_UNIX, SOCK_STREAM, 0, e->sock))
		return -1;
	e->pipe_r = p[0];
	e->pipe_w = p[1];
	if (write(e->pipe_w, "xxxx", 4) != 4 ||
	    send(e->sock[0], "xxxx", 4, 0) != 4)
		return -1;
	e->memfd = memfd_create("seccomp-test", MFD_CLOEXEC);
	if (e->memfd < 0 || ftruncate(e->memfd, 4096))
		return -1;
	e->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e->page == MAP_FAILED)
		return -1;
	e->pid = getpid();
	e->tid = gettid();
	if (test_early_thread) {
		pthread_t t;

		if (pthread_create(&t, NULL, env_early_thread, NULL))
			return -1;
	}
	if (!kind_hv)
		return env_disks(e);
	return test_hv_kvm ? env_kvm(e) : env_soft(e);
}

/* Installs the program's own filter; `log` is dm_seccomp = "log". */
static int env_apply(struct env *e, int log)
{
	struct dm dm;

	if (e->kind_hv)
		return hv_seccomp_apply(e->vm);
	memset(&dm, 0, sizeof(dm));
	dm.seccomp_log = log;
	if (test_disks) {
		/* As dev_ide_create records them for dm_seccomp_apply. */
		dm.disk_fd[0] = TEST_DISK_RW_FD;
		dm.disk_rw[0] = 1;
		dm.disk_fd[1] = TEST_DISK_RO_FD;
		dm.disk_rw[1] = 0;
		dm.nr_disks = 2;
	}
	return dm_seccomp_apply(&dm);
}

/* ---- Allowed calls, one per rule ---- */

static long call_read(struct env *e)
{
	char c;

	return syscall(SYS_read, e->pipe_r, &c, 1);
}

static long call_write(struct env *e)
{
	return syscall(SYS_write, e->pipe_w, "x", 1);
}

static long call_poll(struct env *e)
{
	struct pollfd p = { .fd = e->pipe_r, .events = POLLIN };

	return syscall(SYS_poll, &p, 1, 0);
}

static long call_sendto(struct env *e)
{
	return syscall(SYS_sendto, e->sock[0], "x", 1,
		       MSG_DONTWAIT | MSG_NOSIGNAL, NULL, 0);
}

static long call_recvfrom(struct env *e)
{
	char c;

	return syscall(SYS_recvfrom, e->sock[1], &c, 1, MSG_DONTWAIT, NULL,
		       NULL);
}

static long call_futex_wake(struct env *e)
{
	return syscall(SYS_futex, &e->futex_word, FUTEX_WAKE, 1, NULL, NULL,
		       0);
}

static long call_futex_wait(struct env *e)
{
	/* The word differs: EAGAIN at once, when allowed. */
	return syscall(SYS_futex, &e->futex_word, FUTEX_WAIT,
		       e->futex_word + 1, NULL, NULL, 0);
}

static long call_futex_wake_private(struct env *e)
{
	return syscall(SYS_futex, &e->futex_word, FUTEX_WAKE_PRIVATE, 1,
		       NULL, NULL, 0);
}

static long call_exit_group(struct env *e)
{
	return syscall(SYS_exit_group, CHILD_EXITED);
}

static long call_exit(struct env *e)
{
	/* The only thread: the process ends with it. */
	return syscall(SYS_exit, CHILD_EXITED);
}

static long call_brk(struct env *e)
{
	return syscall(SYS_brk, 0);
}

static long call_clock_gettime(struct env *e)
{
	struct timespec ts;

	/* The syscall itself, not the vDSO. */
	return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}

static long call_restart_syscall(struct env *e)
{
	/* Nothing to restart: the kernel answers EINTR. */
	return syscall(SYS_restart_syscall);
}

static long call_getpid(struct env *e)
{
	return syscall(SYS_getpid);
}

static long call_tgkill(struct env *e)
{
	return syscall(SYS_tgkill, e->pid, e->tid, 0);
}

static long call_rt_sigaction(struct env *e)
{
	struct sigaction sa = { .sa_handler = test_signal_handler };

	return sigaction(SIGUSR2, &sa, NULL);
}

static long call_rt_sigprocmask(struct env *e)
{
	uint64_t set = 1ull << (SIGUSR2 - 1);

	return syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL,
		       sizeof(set));
}

static long call_rt_sigreturn(struct env *e)
{
	/* The parent sends SIGUSR1; the handler returns by rt_sigreturn. */
	while (!test_got_signal)
		__builtin_ia32_pause();
	return 0;
}

static long call_pause(struct env *e)
{
	return syscall(SYS_pause);
}

static long call_set_robust_list(struct env *e)
{
	static struct robust_list_head head;

	head.list.next = &head.list;
	return syscall(SYS_set_robust_list, &head, sizeof(head));
}

static long call_rseq(struct env *e)
{
	static struct {
		uint32_t cpu_id_start, cpu_id;
		uint64_t rseq_cs;
		uint32_t flags, pad[3];
	} __attribute__((aligned(32))) area;

	/* glibc registered its own area: EBUSY/EINVAL, never EPERM. */
	return syscall(SYS_rseq, &area, sizeof(area), 0, 0x53053053);
}

static long call_madvise(struct env *e)
{
	return syscall(SYS_madvise, e->page, 4096, MADV_DONTNEED);
}

static long call_mmap(struct env *e)
{
	return syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static long call_mmap_exec(struct env *e)
{
	return syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static long call_mmap_file(struct env *e)
{
	return syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED, e->memfd, 0);
}

static long call_mprotect(struct env *e)
{
	return syscall(SYS_mprotect, e->page, 4096, PROT_READ);
}

static long call_mprotect_exec(struct env *e)
{
	return syscall(SYS_mprotect, e->page, 4096, PROT_READ | PROT_EXEC);
}

static void *call_thread_fn(void *arg)
{
	return arg;
}

static long call_thread(struct env *e)
{
	pthread_t t;
	void *ret;
	int r;

	/* clone3 (ENOSYS), then clone with CLONE_THREAD; the thread starts
	 * and exits as a vCPU thread does. */
	r = pthread_create(&t, NULL, call_thread_fn, e);
	if (!r)
		r = pthread_join(t, &ret);
	if (!r && ret != e)
		r = EIO;
	errno = r;
	return r ? -1 : 0;
}

static long call_fork(struct env *e)
{
	long r = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, 0);

	if (r == 0)
		_exit(CHILD_FORKED);
	return r;
}

static long call_clone3(struct env *e)
{
	struct clone_args a = { .exit_signal = SIGCHLD };
	long r = syscall(SYS_clone3, &a, sizeof(a));

	if (r == 0)
		_exit(CHILD_FORKED);
	return r;
}

static long call_kvm_run(struct env *e)
{
	long r = 0;
	int i;

	for (i = 0; i < TEST_NR_VCPUS && (r == 0 || errno == EINTR); i++)
		r = ioctl(e->vcpu_fd[i], KVM_RUN, 0);
	return r;
}

static long call_kvm_run_vm_fd(struct env *e)
{
	return ioctl(e->vm_fd, KVM_RUN, 0);
}

static long call_kvm_run_kvm_fd(struct env *e)
{
	return ioctl(e->kvm_fd, KVM_RUN, 0);
}

static long call_kvm_get_regs(struct env *e)
{
	struct kvm_regs regs;
	long r = 0;
	int i;

	for (i = 0; i < TEST_NR_VCPUS && r == 0; i++)
		r = ioctl(e->vcpu_fd[i], KVM_GET_REGS, &regs);
	return r;
}

static long call_kvm_get_regs_vm_fd(struct env *e)
{
	struct kvm_regs regs;

	return ioctl(e->vm_fd, KVM_GET_REGS, &regs);
}

static long call_kvm_set_regs(struct env *e)
{
	struct kvm_regs regs;

	memset(&regs, 0, sizeof(regs));
	regs.rflags = 2;
	return ioctl(e->vcpu_fd[0], KVM_SET_REGS, &regs);
}

static long call_kvm_irq_line(struct env *e)
{
	struct kvm_irq_level l = { .irq = 4, .level = 1 };

	return ioctl(e->vm_fd, KVM_IRQ_LINE, &l);
}

static long call_kvm_irq_line_dup(struct env *e)
{
	struct kvm_irq_level l = { .irq = 4, .level = 1 };

	return ioctl(e->vm_fd_dup, KVM_IRQ_LINE, &l);
}

static long call_kvm_irq_line_vcpu(struct env *e)
{
	struct kvm_irq_level l = { .irq = 4, .level = 1 };

	return ioctl(e->vcpu_fd[0], KVM_IRQ_LINE, &l);
}

static long call_kvm_set_region(struct env *e)
{
	/* Deleting a slot that does not exist: harmless, and allowed. */
	struct kvm_userspace_memory_region r = { .slot = 30 };

	return ioctl(e->vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

static long call_kvm_set_region_vcpu(struct env *e)
{
	struct kvm_userspace_memory_region r = { .slot = 30 };

	return ioctl(e->vcpu_fd[0], KVM_SET_USER_MEMORY_REGION, &r);
}

static long call_kvm_create_vcpu(struct env *e)
{
	return ioctl(e->vm_fd, KVM_CREATE_VCPU, TEST_NR_VCPUS);
}

/* ---- Disk I/O (the DM's disk rules) ---- */

static long call_disk_pread(long fd)
{
	char buf[512];

	return pread((int)fd, buf, sizeof(buf), 0);
}

static long call_disk_pwrite(long fd)
{
	static const char buf[512] = "safepc";

	return pwrite((int)fd, buf, sizeof(buf), 512);
}

/*
 * Through libc, as the DM calls them (a libc that switched to another
 * system call, e.g. preadv2, would show up here as a kill). Only fds that
 * fit an int: the high-bits probes use syscall() directly.
 */
/* The vector forms, as the IDE DM's bus-master DMA uses them. */
static long call_disk_preadv(long fd)
{
	char buf[512];
	struct iovec v = { .iov_base = buf, .iov_len = sizeof(buf) };

	return preadv((int)fd, &v, 1, 0);
}

static long call_disk_pwritev(long fd)
{
	static char buf[512] = "safepc";
	struct iovec v = { .iov_base = buf, .iov_len = sizeof(buf) };

	return pwritev((int)fd, &v, 1, 512);
}

static long call_preadv_disk_rw(struct env *e)
{
	return call_disk_preadv(TEST_DISK_RW_FD);
}

static long call_preadv_disk_ro(struct env *e)
{
	return call_disk_preadv(TEST_DISK_RO_FD);
}

static long call_pwritev_disk_rw(struct env *e)
{
	return call_disk_pwritev(TEST_DISK_RW_FD);
}

static long call_pwritev_disk_ro(struct env *e)
{
	return call_disk_pwritev(TEST_DISK_RO_FD);
}

static long call_preadv_ram(struct env *e)
{
	return call_disk_preadv(e->memfd);
}

static long call_pwritev_disk_dup(struct env *e)
{
	return call_disk_pwritev(e->disk_dup);
}

static long call_pread_disk_rw(struct env *e)
{
	return call_disk_pread(TEST_DISK_RW_FD);
}

static long call_pread_disk_ro(struct env *e)
{
	return call_disk_pread(TEST_DISK_RO_FD);
}

static long call_pwrite_disk_rw(struct env *e)
{
	return call_disk_pwrite(TEST_DISK_RW_FD);
}

static long call_pwrite_disk_ro(struct env *e)
{
	return call_disk_pwrite(TEST_DISK_RO_FD);
}

static long call_fdatasync_disk_rw(struct env *e)
{
	return syscall(SYS_fdatasync, TEST_DISK_RW_FD);
}

static long call_fdatasync_disk_ro(struct env *e)
{
	return syscall(SYS_fdatasync, TEST_DISK_RO_FD);
}

static long call_pread_ram(struct env *e)
{
	return call_disk_pread(e->memfd);
}

static long call_pwrite_ram(struct env *e)
{
	return call_disk_pwrite(e->memfd);
}

static long call_fdatasync_ram(struct env *e)
{
	return syscall(SYS_fdatasync, e->memfd);
}

static long call_pread_disk_dup(struct env *e)
{
	return call_disk_pread(e->disk_dup);
}

static long call_pwrite_disk_dup(struct env *e)
{
	return call_disk_pwrite(e->disk_dup);
}

static long call_pread_fd_minus1(struct env *e)
{
	return call_disk_pread(-1);
}

static long call_pread_disk_high_bits(struct env *e)
{
	/* The kernel would use the low 32 bits (the disk); the filter
	 * compares all 64 and must not be fooled either way. */
	char buf[512];

	return syscall(SYS_pread64, (long)TEST_DISK_RW_FD | (1l << 32), buf,
		       sizeof(buf), 0);
}

/* ---- Forbidden calls (harmless even if the filter let them through) -- */

static long call_open(struct env *e)
{
	return syscall(SYS_open, "/", O_RDONLY | O_CLOEXEC);
}

static long call_openat(struct env *e)
{
	return syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_CLOEXEC);
}

static long call_socket(struct env *e)
{
	return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
}

static long call_sendmsg(struct env *e)
{
	/* Could pass fds (SCM_RIGHTS); only sendto is allowed. */
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	return syscall(SYS_sendmsg, e->sock[0], &m, MSG_DONTWAIT);
}

static long call_execve(struct env *e)
{
	char *const argv[] = { "true", NULL };
	char *const envp[] = { NULL };

	return syscall(SYS_execve, "/bin/true", argv, envp);
}

static long call_ptrace(struct env *e)
{
	return syscall(SYS_ptrace, PTRACE_TRACEME, 0, NULL, NULL);
}

static long call_mount(struct env *e)
{
	return syscall(SYS_mount, NULL, NULL, NULL, 0, NULL);
}

static long call_bpf(struct env *e)
{
	return syscall(SYS_bpf, -1, NULL, 0);
}

static long call_kill(struct env *e)
{
	return syscall(SYS_kill, e->pid, 0);
}

static long call_prctl(struct env *e)
{
	return syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0);
}

static long call_seccomp(struct env *e)
{
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
}

static long call_memfd_create(struct env *e)
{
	return syscall(SYS_memfd_create, "x", MFD_CLOEXEC);
}

static long call_unshare(struct env *e)
{
	return syscall(SYS_unshare, 0);
}

static long call_close(struct env *e)
{
	return syscall(SYS_close, -1);
}

static long call_munmap(struct env *e)
{
	return syscall(SYS_munmap, e->page, 4096);
}

static long call_ioctl_tiocsti(struct env *e)
{
	/* On a pipe: ENOTTY if it ever got through. */
	return syscall(SYS_ioctl, e->pipe_r, TIOCSTI, "x");
}

static long call_ioctl_fionread(struct env *e)
{
	int n;

	return syscall(SYS_ioctl, e->pipe_r, FIONREAD, &n);
}

static long call_early_thread(struct env *e)
{
	test_early_go = 1;
	/* The other thread's kill ends this one too; wait for it. */
	for (;;)
		__builtin_ia32_pause();
	return 0;
}

static long call_i386_getpid(struct env *e)
{
	long r = 20; /* getpid in the i386 table */

	__asm__ volatile("int $0x80" : "+a"(r) : : "memory");
	return r;
}

static long call_x32_getpid(struct env *e)
{
	return syscall(0x40000000 | SYS_getpid);
}

/* ---- Tables ---- */

struct test_changed {
	const char *what;
	test_call call;
};

struct test_probe {
	const char *rule;	/* as --print-allowlist names it */
	test_call call;
	int want_errno;		/* 0: anything but EPERM/ENOSYS */
	int exit_status;	/* the call ends the process with this */
	int poke;		/* the parent sends SIGUSR1 meanwhile */
	struct test_changed changed[4];
};

#define CHANGED(what_, call_) { .what = (what_), .call = (call_) }

static const struct test_probe test_probes[] = {
	{ .rule = "read", .call = call_read },
	{ .rule = "write", .call = call_write },
	{ .rule = "poll", .call = call_poll },
	{ .rule = "sendto", .call = call_sendto },
	{ .rule = "recvfrom", .call = call_recvfrom },
	{ .rule = "futex", .call = call_futex_wake },
	{ .rule = "exit_group", .call = call_exit_group,
	  .exit_status = CHILD_EXITED },
	{ .rule = "exit", .call = call_exit, .exit_status = CHILD_EXITED },
	{ .rule = "brk", .call = call_brk },
	{ .rule = "clock_gettime", .call = call_clock_gettime },
	{ .rule = "restart_syscall", .call = call_restart_syscall,
	  .want_errno = EINTR },
	{ .rule = "getpid", .call = call_getpid },
	{ .rule = "tgkill", .call = call_tgkill },
	{ .rule = "rt_sigaction", .call = call_rt_sigaction },
	{ .rule = "rt_sigprocmask", .call = call_rt_sigprocmask },
	{ .rule = "rt_sigreturn", .call = call_rt_sigreturn, .poke = 1 },
	{ .rule = "pause", .call = call_pause, .want_errno = EINTR,
	  .poke = 1 },
	{ .rule = "set_robust_list", .call = call_set_robust_list },
	{ .rule = "rseq", .call = call_rseq },
	{ .rule = "madvise", .call = call_madvise },
	{ .rule = "mmap", .call = call_mmap,
	  .changed = { CHANGED("PROT_EXEC", call_mmap_exec),
		       CHANGED("a file mapping (no MAP_ANONYMOUS)",
			       call_mmap_file) } },
	{ .rule = "mprotect", .call = call_mprotect,
	  .changed = { CHANGED("PROT_EXEC", call_mprotect_exec) } },
	{ .rule = "clone", .call = call_thread,
	  .changed = { CHANGED("a fork (no CLONE_THREAD)", call_fork) } },
	{ .rule = "clone3", .call = call_clone3, .want_errno = ENOSYS },
	{ .rule = "ioctl(KVM_RUN)", .call = call_kvm_run, .want_errno = EINTR,
	  .changed = { CHANGED("on the VM fd", call_kvm_run_vm_fd),
		       CHANGED("on the /dev/kvm fd", call_kvm_run_kvm_fd),
		       CHANGED("KVM_SET_REGS on a vCPU fd",
			       call_kvm_set_regs) } },
	{ .rule = "ioctl(KVM_GET_REGS)", .call = call_kvm_get_regs,
	  .changed = { CHANGED("on the VM fd", call_kvm_get_regs_vm_fd),
		       CHANGED("KVM_SET_REGS on a vCPU fd",
			       call_kvm_set_regs) } },
	{ .rule = "ioctl(KVM_SET_USER_MEMORY_REGION)",
	  .call = call_kvm_set_region,
	  .changed = { CHANGED("on a vCPU fd", call_kvm_set_region_vcpu) } },
	{ .rule = "ioctl(KVM_IRQ_LINE)", .call = call_kvm_irq_line,
	  .changed = { CHANGED("on a dup of the VM fd",
			       call_kvm_irq_line_dup),
		       CHANGED("on a vCPU fd", call_kvm_irq_line_vcpu),
		       CHANGED("KVM_CREATE_VCPU on the VM fd",
			       call_kvm_create_vcpu) } },
};

/* The DM's futex rule has an argument filter of its own. */
static const struct test_probe test_probe_futex_wake = {
	.rule = "futex", .call = call_futex_wake,
	.changed = { CHANGED("FUTEX_WAIT", call_futex_wait),
		     CHANGED("FUTEX_WAKE_PRIVATE", call_futex_wake_private) },
};

struct test_forbidden {
	const char *what;
	test_call call;
	int only;	/* 0 both, 1 DM only, 2 hv only, 3 not hv-kvm */
	int ia32;	/* needs the kernel's IA-32 emulation to be reached */
};

#define FORBIDDEN(what_, call_, only_)                                       \
	{ .what = (what_), .call = (call_), .only = (only_) }

static const struct test_forbidden test_forbidden[] = {
	FORBIDDEN("open", call_open, 0),
	FORBIDDEN("openat", call_openat, 0),
	FORBIDDEN("socket", call_socket, 0),
	FORBIDDEN("sendmsg (fd passing)", call_sendmsg, 0),
	FORBIDDEN("execve", call_execve, 0),
	FORBIDDEN("ptrace", call_ptrace, 0),
	FORBIDDEN("mount", call_mount, 0),
	FORBIDDEN("bpf", call_bpf, 0),
	FORBIDDEN("kill", call_kill, 0),
	FORBIDDEN("prctl", call_prctl, 0),
	FORBIDDEN("seccomp", call_seccomp, 0),
	FORBIDDEN("memfd_create", call_memfd_create, 0),
	FORBIDDEN("unshare", call_unshare, 0),
	FORBIDDEN("clone (fork)", call_fork, 0),
	FORBIDDEN("close", call_close, 0),
	FORBIDDEN("munmap", call_munmap, 0),
	FORBIDDEN("ioctl(TIOCSTI)", call_ioctl_tiocsti, 0),
	{ .what = "i386 syscall (int 0x80)", .call = call_i386_getpid,
	  .ia32 = 1 },
	FORBIDDEN("x32 syscall", call_x32_getpid, 0),
	/* The DM and hv on the soft CPU have no ioctl rule. */
	FORBIDDEN("ioctl(FIONREAD): no ioctl at all", call_ioctl_fionread, 3),
	FORBIDDEN("mmap: no new mapping at all", call_mmap, 1),
	FORBIDDEN("mprotect", call_mprotect, 1),
	FORBIDDEN("threads (pthread_create)", call_thread, 1),
	/* The filter covers threads that hv started before it (TSYNC). */
	FORBIDDEN("socket in a thread started before the filter",
		  call_early_thread, 2),
};

/* ---- Running one call in a child ---- */

/* Child: builds its world, installs the filter, makes the call. */
static void __attribute__((noreturn))
test_child(const struct test_probe *p, test_call call, int must_kill,
	   int log)
{
	struct env e;
	long r;
	int err;

	if (env_init(&e, !strcmp(test_kind, "hv")) || env_apply(&e, log))
		_exit(CHILD_SETUP);
	errno = 0;
	r = call(&e);
	err = errno;
	if (must_kill)
		_exit(CHILD_LIVED);
	if (p->want_errno)
		_exit(r < 0 && err == p->want_errno ? CHILD_OK
						    : CHILD_WRONG_ERRNO);
	if (r < 0 && (err == EPERM || err == ENOSYS))
		_exit(CHILD_DENIED);
	_exit(CHILD_OK);
}

/* Runs `call` in a child; returns its wait status, or -1 on a timeout. */
static int test_run(const struct test_probe *p, test_call call, int must_kill,
		    int log)
{
	int64_t deadline = test_now_ns() + TEST_CHILD_TIMEOUT_MS * 1000000ll;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0)
		test_child(p, call, must_kill, log);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (test_now_ns() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		if (p && p->poke)
			kill(pid, SIGUSR1);
		usleep(5000);
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS) {
		if (!test_kills++)
			test_first_kill_ns = test_now_ns();
	}
	return status;
}

static void test_describe(int status, char *buf, size_t len)
{
	static const char *const why[] = {
		[CHILD_DENIED] = "failed with EPERM/ENOSYS",
		[CHILD_WRONG_ERRNO] = "returned an unexpected errno",
		[CHILD_LIVED] = "returned: not killed",
		[CHILD_SETUP] = "setup or filter installation failed",
	};

	if (status == -1)
		snprintf(buf, len, "timed out");
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by %s", strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) < (int)(sizeof(why) / sizeof(why[0])) &&
		 why[WEXITSTATUS(status)])
		snprintf(buf, len, "%s", why[WEXITSTATUS(status)]);
	else
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
}

static int test_killed(int status)
{
	return status != -1 && WIFSIGNALED(status) &&
	       WTERMSIG(status) == SIGSYS;
}

/* Whether rule r is left out of the filter under test: hv on the soft CPU
 * adds none of the KVM ioctl rules (hv_seccomp_apply). */
static int test_rule_absent(const struct seccomp_rule_desc *r)
{
	return !strcmp(test_kind, "hv") && !test_hv_kvm &&
	       (r->arg == SECCOMP_ARG_IOCTL_VCPU ||
		r->arg == SECCOMP_ARG_IOCTL_VM);
}

/* One rule, both directions. */
static void test_rule(const struct seccomp_rule_desc *r)
{
	const struct test_probe *p = NULL;
	char name[64], detail[96];
	unsigned i;
	int status, ok;

	if (r->req_name)
		snprintf(name, sizeof(name), "%s(%s)", r->name, r->req_name);
	else
		snprintf(name, sizeof(name), "%s", r->name);
	if (r->arg == SECCOMP_ARG_FUTEX_WAKE) {
		p = &test_probe_futex_wake;
	} else {
		for (i = 0; i < sizeof(test_probes) / sizeof(test_probes[0]);
		     i++)
			if (!strcmp(test_probes[i].rule, name))
				p = &test_probes[i];
	}
	if (!p) {
		test_report(0, name, "no probe in tests/seccomp/test_rules.c",
			    "every rule needs one");
		return;
	}
	if (test_rule_absent(r)) {
		/* Not in this filter: the allowed call and every changed one
		 * must kill. */
		status = test_run(p, p->call, 1, 0);
		test_describe(status, detail, sizeof(detail));
		test_report(test_killed(status), name,
			    "soft CPU: no KVM ioctl allowed", detail);
		for (i = 0; i < 4 && p->changed[i].what; i++) {
			status = test_run(p, p->changed[i].call, 1, 0);
			test_describe(status, detail, sizeof(detail));
			test_report(test_killed(status), name,
				    p->changed[i].what, detail);
		}
		return;
	}
	status = test_run(p, p->call, 0, 0);
	ok = status != -1 && WIFEXITED(status) &&
	     WEXITSTATUS(status) == p->exit_status;
	test_describe(status, detail, sizeof(detail));
	test_report(ok, name, "allowed call",
		    ok ? (p->exit_status ? "ended the process as asked"
					 : "succeeded")
		       : detail);
	for (i = 0; i < 4 && p->changed[i].what; i++) {
		status = test_run(p, p->changed[i].call, 1, 0);
		test_describe(status, detail, sizeof(detail));
		test_report(test_killed(status), name, p->changed[i].what,
			    detail);
	}
}

/* ---- The loaded filter, read back and interpreted ---- */

/* Classic BPF as seccomp accepts it, over one struct seccomp_data. */
static uint32_t bpf_run(const struct sock_filter *f, unsigned n,
			const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	unsigned pc;

	for (pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
			if (BPF_MODE(i->code) == BPF_ABS &&
			    i->k + 4 <= sizeof(*d))
				memcpy(&a, (const char *)d + i->k, 4);
			else if (BPF_MODE(i->code) == BPF_LEN)
				a = sizeof(*d);
			else if (BPF_MODE(i->code) == BPF_IMM)
				a = i->k;
			else if (BPF_MODE(i->code) == BPF_MEM &&
				 i->k < BPF_MEMWORDS)
				a = mem[i->k];
			else
				return 0xdeadbeef;
			break;
		case BPF_LDX:
			if (BPF_MODE(i->code) == BPF_LEN)
				x = sizeof(*d);
			else if (BPF_MODE(i->code) == BPF_IMM)
				x = i->k;
			else if (BPF_MODE(i->code) == BPF_MEM &&
				 i->k < BPF_MEMWORDS)
				x = mem[i->k];
			else
				return 0xdeadbeef;
			break;
		case BPF_ST:
		case BPF_STX:
			if (i->k >= BPF_MEMWORDS)
				return 0xdeadbeef;
			mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD: a += src; break;
			case BPF_SUB: a -= src; break;
			case BPF_MUL: a *= src; break;
			case BPF_DIV: a = src ? a / src : 0; break;
			case BPF_MOD: a = src ? a % src : 0; break;
			case BPF_OR: a |= src; break;
			case BPF_AND: a &= src; break;
			case BPF_XOR: a ^= src; break;
			case BPF_LSH: a = src < 32 ? a << src : 0; break;
			case BPF_RSH: a = src < 32 ? a >> src : 0; break;
			case BPF_NEG: a = -a; break;
			default: return 0xdeadbeef;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(i->code) == BPF_JA) {
				pc += i->k;
				break;
			}
			switch (BPF_OP(i->code)) {
			case BPF_JEQ: pc += a == src ? i->jt : i->jf; break;
			case BPF_JGT: pc += a > src ? i->jt : i->jf; break;
			case BPF_JGE: pc += a >= src ? i->jt : i->jf; break;
			case BPF_JSET: pc += (a & src) ? i->jt : i->jf; break;
			default: return 0xdeadbeef;
			}
			break;
		case BPF_RET:
			return BPF_RVAL(i->code) == BPF_A ? a : i->k;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	return 0xdeadbeef; /* fell off the end: the kernel refuses that */
}

/*
 * Reads back the filter a child installed: it spins (no syscalls) after
 * installing; the parent seizes it, stops it and asks the kernel.
 * Returns the number of instructions, 0 if the kernel cannot tell (then
 * `why` says so), -1 on failure.
 */
static int test_get_filter(int log, struct sock_filter *insns, unsigned max,
			   char *why, size_t whylen)
{
	volatile int *ready = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int64_t deadline = test_now_ns() + TEST_CHILD_TIMEOUT_MS * 1000000ll;
	int status, n = -1;
	pid_t pid;

	if (ready == MAP_FAILED)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct env e;

		if (env_init(&e, !strcmp(test_kind, "hv")) ||
		    env_apply(&e, log))
			_exit(CHILD_SETUP);
		*ready = 1;
		for (;;)
			__builtin_ia32_pause();
	}
	while (!*ready && test_now_ns() < deadline &&
	       waitpid(pid, &status, WNOHANG) == 0)
		usleep(1000);
	if (!*ready) {
		snprintf(why, whylen, "the child did not install its filter");
		goto out;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) ||
	    ptrace(PTRACE_INTERRUPT, pid, 0, 0) ||
	    waitpid(pid, &status, __WALL) != pid) {
		snprintf(why, whylen, "ptrace: %s", strerror(errno));
		n = 0;
		goto out;
	}
	n = (int)ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, NULL);
	if (n < 0 || (unsigned)n > max) {
		snprintf(why, whylen, "PTRACE_SECCOMP_GET_FILTER: %s",
			 n < 0 ? strerror(errno) : "too long");
		n = 0;
		goto out;
	}
	if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, insns) != n)
		n = -1;
out:
	kill(pid, SIGKILL);
	waitpid(pid, &status, __WALL);
	munmap((void *)ready, 4096);
	return n;
}

/* What the table says for syscall `nr` with all arguments 0; 1 if known. */
static int test_expect(const struct seccomp_rule_desc *rules, unsigned nr,
		       int sys, uint32_t dflt, uint32_t *want)
{
	unsigned i;
	int filtered = 0;

	*want = dflt;
	for (i = 0; i < nr; i++) {
		if (rules[i].nr != sys)
			continue;
		if (rules[i].arg == SECCOMP_ARG_ANY) {
			*want = SECCOMP_RET_ALLOW;
			return 1;
		}
		if (rules[i].arg == SECCOMP_ARG_ENOSYS) {
			*want = SECCOMP_RET_ERRNO | ENOSYS;
			return 1;
		}
		filtered = 1;
	}
	return !filtered; /* argument filters: the per-rule tests */
}

/*
 * Whether this kernel runs i386 system calls from a 64-bit process at
 * all: an unfiltered child makes `int 0x80` getpid. Kernels built without
 * IA-32 emulation (or booted with ia32_emulation=0) raise SIGSEGV before
 * seccomp sees the call, so the filter's answer cannot be observed there.
 */
static int test_ia32_reachable(void)
{
	static int known = -1;
	int status;
	pid_t pid;

	if (known >= 0)
		return known;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct env e = { 0 };

		_exit(call_i386_getpid(&e) == getpid() ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return known = 0;
	known = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return known;
}

/*
 * Where `int 0x80` cannot reach seccomp: the filter as loaded must still
 * kill every syscall number under every architecture value other than
 * x86-64 (i386 first among them), so a kernel that does run i386 calls
 * could not use them to get around the table. This reads the filter
 * back from a child and interprets it, so a filter that forgot its
 * architecture check fails here too.
 */
static void test_foreign_arch(const struct test_forbidden *t)
{
	static struct sock_filter insns[TEST_MAX_INSNS];
	static const struct {
		uint32_t arch;
		const char *name;
	} arches[] = {
		{ AUDIT_ARCH_I386, "i386" },
		{ AUDIT_ARCH_AARCH64, "aarch64" },
		{ AUDIT_ARCH_ARM, "arm" },
		{ 0, "0" },
		{ AUDIT_ARCH_X86_64 ^ 1, "x86-64 ^ 1" },
	};
	struct seccomp_data d;
	char why[128], detail[256];
	unsigned i, bad = 0;
	int n, sys;

	n = test_get_filter(0, insns, TEST_MAX_INSNS, why, sizeof(why));
	if (n <= 0) {
		snprintf(detail, sizeof(detail),
			 "int 0x80 unreachable on this kernel and the filter "
			 "cannot be read back: %s",
			 n == 0 ? why : "no filter");
		test_report(0, "forbidden", t->what, detail);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		for (sys = 0; sys < TEST_SWEEP_MAX_NR; sys++) {
			memset(&d, 0, sizeof(d));
			d.nr = sys;
			d.arch = arches[i].arch;
			if (bpf_run(insns, (unsigned)n, &d) ==
			    SECCOMP_RET_KILL_PROCESS)
				continue;
			if (!bad++)
				snprintf(why, sizeof(why),
					 "arch %s, syscall %d not killed",
					 arches[i].name, sys);
		}
	}
	if (bad)
		snprintf(detail, sizeof(detail),
			 "checked in the loaded filter: %u calls not killed, "
			 "first: %s", bad, why);
	else
		snprintf(detail, sizeof(detail),
			 "int 0x80 unreachable on this kernel (no IA-32 "
			 "emulation: SIGSEGV before seccomp); checked in the "
			 "loaded filter instead: syscalls 0-%d under arch "
			 "i386 and %u other non-x86-64 values all killed",
			 TEST_SWEEP_MAX_NR - 1, (unsigned)ARRAY_SIZE(arches) - 1);
	test_report(!bad, "forbidden", t->what, detail);
}

/* Every syscall number of every ABI against the table. */
static void test_sweep(const struct seccomp_rule_desc *rules, unsigned nr,
		       int log)
{
	static struct sock_filter insns[TEST_MAX_INSNS];
	uint32_t dflt = log ? SECCOMP_RET_LOG : SECCOMP_RET_KILL_PROCESS;
	const char *what = log ? "filter as loaded, dm_seccomp = \"log\""
			       : "filter as loaded";
	struct seccomp_data d;
	unsigned allowed = 0, filtered = 0, denied = 0, bad = 0;
	char why[128], detail[160];
	int n, sys;

	n = test_get_filter(log, insns, TEST_MAX_INSNS, why, sizeof(why));
	if (n == 0) {
		printf("SKIP: %s: %s: cannot read it back: %s\n", test_kind,
		       what, why);
		return;
	}
	if (n < 0) {
		test_report(0, "every syscall", what, "cannot read it back");
		return;
	}
	for (sys = 0; sys < TEST_SWEEP_MAX_NR; sys++) {
		uint32_t want, got;

		memset(&d, 0, sizeof(d));
		d.nr = sys;
		d.arch = AUDIT_ARCH_X86_64;
		got = bpf_run(insns, (unsigned)n, &d);
		if (!test_expect(rules, nr, sys, dflt, &want)) {
			/* Argument-filtered: allowed or the default. */
			if (got == SECCOMP_RET_ALLOW || got == dflt) {
				filtered++;
				continue;
			}
			want = SECCOMP_RET_ALLOW;
		}
		if (got == want) {
			if (got == dflt)
				denied++;
			else
				allowed++;
			continue;
		}
		if (bad++ < 10) {
			char *s = seccomp_syscall_resolve_num_arch(
				SCMP_ARCH_NATIVE, sys);

			snprintf(detail, sizeof(detail),
				 "action 0x%08x, the table says 0x%08x", got,
				 want);
			test_report(0, s ? s : "(unnamed)", what, detail);
			free(s);
		}
	}
	/* Other ABIs: always killed, even when logging. */
	memset(&d, 0, sizeof(d));
	d.nr = 20;
	d.arch = AUDIT_ARCH_I386;
	if (bpf_run(insns, (unsigned)n, &d) != SECCOMP_RET_KILL_PROCESS)
		test_report(0, "i386 ABI", what, "not killed"), bad++;
	d.nr = 0x40000000 | SYS_getpid;
	d.arch = AUDIT_ARCH_X86_64;
	if (bpf_run(insns, (unsigned)n, &d) != SECCOMP_RET_KILL_PROCESS)
		test_report(0, "x32 ABI", what, "not killed"), bad++;
	if (!bad) {
		snprintf(detail, sizeof(detail),
			 "%d BPF instructions; syscalls 0-%d: %u as listed, "
			 "%u with argument filters, %u %s; i386 and x32 "
			 "killed",
			 n, TEST_SWEEP_MAX_NR - 1, allowed, filtered, denied,
			 log ? "logged" : "killed");
		test_report(1, "every syscall", what, detail);
	}
}

/* dm_seccomp = "log": a forbidden call is logged, not fatal. */
static void test_dm_log_mode(void)
{
	static const struct test_probe p = { .rule = "socket",
					     .call = call_socket };
	char detail[96];
	int status = test_run(&p, call_socket, 0, 1);

	test_describe(status, detail, sizeof(detail));
	test_report(status != -1 && WIFEXITED(status) &&
			    WEXITSTATUS(status) == CHILD_OK,
		    "dm_seccomp = \"log\"", "socket is logged, not killed",
		    status != -1 && WIFEXITED(status) &&
				    WEXITSTATUS(status) == CHILD_OK
			    ? "it returned"
			    : detail);
}

/* ---- The DM's disk rules ---- */

struct test_disk_case {
	const char *what;
	test_call call;
	int allowed; /* else it must kill */
};

/* With a writable and a read-only disk in the DM's struct dm. */
static const struct test_disk_case test_disk_cases[] = {
	{ "pread64 on the writable disk", call_pread_disk_rw, 1 },
	{ "pread64 on the read-only disk", call_pread_disk_ro, 1 },
	{ "pwrite64 on the writable disk", call_pwrite_disk_rw, 1 },
	{ "fdatasync on the writable disk", call_fdatasync_disk_rw, 1 },
	{ "pwrite64 on the read-only disk", call_pwrite_disk_ro, 0 },
	{ "fdatasync on the read-only disk", call_fdatasync_disk_ro, 0 },
	{ "pread64 on the RAM memfd", call_pread_ram, 0 },
	{ "pwrite64 on the RAM memfd", call_pwrite_ram, 0 },
	{ "fdatasync on the RAM memfd", call_fdatasync_ram, 0 },
	{ "pread64 on a dup of the writable disk", call_pread_disk_dup, 0 },
	{ "pwrite64 on a dup of the writable disk", call_pwrite_disk_dup, 0 },
	{ "pread64 on fd -1", call_pread_fd_minus1, 0 },
	{ "pread64 on the disk fd with high bits set",
	  call_pread_disk_high_bits, 0 },
	{ "preadv on the writable disk", call_preadv_disk_rw, 1 },
	{ "preadv on the read-only disk", call_preadv_disk_ro, 1 },
	{ "pwritev on the writable disk", call_pwritev_disk_rw, 1 },
	{ "pwritev on the read-only disk", call_pwritev_disk_ro, 0 },
	{ "preadv on the RAM memfd", call_preadv_ram, 0 },
	{ "pwritev on a dup of the writable disk", call_pwritev_disk_dup, 0 },
};

/* Without disks: every disk call kills, even on what would be a disk. */
static const struct test_disk_case test_nodisk_cases[] = {
	{ "pread64 on an image fd", call_pread_disk_rw, 0 },
	{ "pwrite64 on an image fd", call_pwrite_disk_rw, 0 },
	{ "fdatasync on an image fd", call_fdatasync_disk_rw, 0 },
	{ "preadv on an image fd", call_preadv_disk_rw, 0 },
	{ "pwritev on an image fd", call_pwritev_disk_rw, 0 },
	{ "pread64 on the RAM memfd", call_pread_ram, 0 },
};

/* Runs each case in a child with the DM's filter, disks as `disks`. */
static void test_disk_run(const struct test_disk_case *cases, unsigned n,
			  int disks, const char *rule)
{
	static const struct test_probe any = { .rule = "disk" };
	char detail[96];
	unsigned i;
	int status, ok;

	test_disks = disks;
	for (i = 0; i < n; i++) {
		status = test_run(&any, cases[i].call, !cases[i].allowed, 0);
		test_describe(status, detail, sizeof(detail));
		ok = cases[i].allowed ? status != -1 && WIFEXITED(status) &&
						WEXITSTATUS(status) == CHILD_OK
				      : test_killed(status);
		test_report(ok, rule, cases[i].what,
			    ok && cases[i].allowed ? "succeeded" : detail);
	}
	test_disks = 0;
}

/*
 * The DM's filter with disks, read back: pread64, pwrite64, fdatasync,
 * preadv and pwritev
 * for every fd number below TEST_DISK_SWEEP_FDS, -1 and the disk fds with
 * high bits set. Only the disks may pass, writes only on the writable one.
 */
static void test_disk_bpf(void)
{
	static struct sock_filter insns[TEST_MAX_INSNS];
	static const struct {
		const char *name;
		int nr;
		int ro_ok; /* allowed on the read-only disk too */
	} calls[] = {
		{ "pread64", SYS_pread64, 1 },
		{ "pwrite64", SYS_pwrite64, 0 },
		{ "fdatasync", SYS_fdatasync, 0 },
		{ "preadv", SYS_preadv, 1 },
		{ "pwritev", SYS_pwritev, 0 },
	};
	struct seccomp_data d;
	char why[128], detail[160];
	unsigned i, k, bad = 0, allowed = 0, tried = 0;
	int n;

	test_disks = 1;
	n = test_get_filter(0, insns, TEST_MAX_INSNS, why, sizeof(why));
	test_disks = 0;
	if (n == 0) {
		printf("SKIP: dm: disk rules: cannot read the filter back: "
		       "%s\n", why);
		return;
	}
	if (n < 0) {
		test_report(0, "disk rules", "every fd", "cannot read back");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		for (k = 0; k < TEST_DISK_SWEEP_FDS + 4; k++) {
			uint64_t fd = k < TEST_DISK_SWEEP_FDS ? k
				      : k == TEST_DISK_SWEEP_FDS
					      ? (uint64_t)-1
				      : k == TEST_DISK_SWEEP_FDS + 1
					      ? 0xffffffffull
				      : (1ull << 32) |
						(k & 1 ? TEST_DISK_RW_FD
						       : TEST_DISK_RO_FD);
			int want = fd == TEST_DISK_RW_FD ||
				   (fd == TEST_DISK_RO_FD && calls[i].ro_ok);
			uint32_t got;

			memset(&d, 0, sizeof(d));
			d.nr = calls[i].nr;
			d.arch = AUDIT_ARCH_X86_64;
			d.args[0] = fd;
			got = bpf_run(insns, (unsigned)n, &d);
			tried++;
			allowed += got == SECCOMP_RET_ALLOW;
			if ((got == SECCOMP_RET_ALLOW) == want &&
			    (want || got == SECCOMP_RET_KILL_PROCESS))
				continue;
			if (bad++ < 10) {
				snprintf(detail, sizeof(detail),
					 "fd 0x%llx: action 0x%08x, want %s",
					 (unsigned long long)fd, got,
					 want ? "allow" : "kill");
				test_report(0, "disk rules", calls[i].name,
					    detail);
			}
		}
	}
	if (!bad) {
		snprintf(detail, sizeof(detail),
			 "%u calls (fds 0-%d, -1, high bits): %u allowed, "
			 "all on the disk fds", tried,
			 TEST_DISK_SWEEP_FDS - 1, allowed);
		test_report(1, "disk rules", "filter as loaded, every fd",
			    detail);
	}
}

/* Waits until the kernel's printk rate limit window has passed. */
static void test_wait_ratelimit(void)
{
	FILE *f = fopen("/proc/sys/kernel/printk_ratelimit", "r");
	int secs = 5;
	int64_t end;

	if (f) {
		if (fscanf(f, "%d", &secs) != 1)
			secs = 5;
		fclose(f);
	}
	if (!test_kills || secs <= 0 || secs > 60)
		return;
	end = test_first_kill_ns + (int64_t)(secs + 1) * 1000000000;
	while (test_now_ns() < end)
		usleep(100000);
}

int main(int argc, char **argv)
{
	static struct seccomp_rule_desc loaded[64];
	const struct seccomp_rule_desc *rules;
	unsigned nr, nr_loaded, i;
	int hv;

	if (argc != 2 || (strcmp(argv[1], "dm") && strcmp(argv[1], "hv") &&
			  strcmp(argv[1], "hv-kvm"))) {
		fprintf(stderr, "usage: %s dm|hv|hv-kvm\n", argv[0]);
		return 2;
	}
	/* Children and reports know hv-kvm as hv with test_hv_kvm set. */
	test_hv_kvm = !strcmp(argv[1], "hv-kvm");
	test_kind = test_hv_kvm ? "hv" : argv[1];
	hv = !strcmp(test_kind, "hv");
	/* Inherited by every child: a poke must never find it missing. */
	sigaction(SIGUSR1, &(struct sigaction){ .sa_handler =
							test_signal_handler },
		  NULL);
	if (test_hv_kvm) {
		int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			printf("SKIP: hv-kvm: hv's filter for a KVM VM needs "
			       "/dev/kvm: %s (hv's soft-CPU filter is tested "
			       "by `hv`)\n", strerror(errno));
			return 77;
		}
		close(fd);
	}
	rules = hv ? hv_seccomp_rules : dm_seccomp_rules;
	nr = hv ? hv_seccomp_nr_rules : dm_seccomp_nr_rules;
	/* The rules the filter under test really has, for the sweep. */
	for (i = nr_loaded = 0; i < nr; i++) {
		if (test_rule_absent(&rules[i]))
			continue;
		if (nr_loaded == ARRAY_SIZE(loaded)) {
			fprintf(stderr, "more than %u rules\n",
				(unsigned)ARRAY_SIZE(loaded));
			return 1;
		}
		loaded[nr_loaded++] = rules[i];
	}
	printf("%s: %s filter\n", test_kind,
	       !hv ? "the DM's" : test_hv_kvm ? "a KVM VM's" : "the soft CPU's");

	for (i = 0; i < nr; i++)
		test_rule(&rules[i]);
	for (i = 0; i < sizeof(test_forbidden) / sizeof(test_forbidden[0]);
	     i++) {
		const struct test_forbidden *t = &test_forbidden[i];
		char detail[96];
		int status;

		if (t->only == (hv ? 1 : 2) || (t->only == 3 && test_hv_kvm))
			continue;
		if (t->ia32 && !test_ia32_reachable()) {
			test_foreign_arch(t);
			continue;
		}
		test_early_thread = t->call == call_early_thread;
		status = test_run(NULL, t->call, 1, 0);
		test_early_thread = 0;
		test_describe(status, detail, sizeof(detail));
		test_report(test_killed(status), "forbidden", t->what, detail);
	}
	test_sweep(loaded, nr_loaded, 0);
	if (!hv) {
		test_dm_log_mode();
		test_sweep(rules, nr, 1);
		test_disk_run(test_disk_cases, ARRAY_SIZE(test_disk_cases), 1,
			      "disk rules, two disks");
		test_disk_run(test_nodisk_cases,
			      ARRAY_SIZE(test_nodisk_cases), 0,
			      "disk rules, no disk");
		test_disk_bpf();
	}
	test_wait_ratelimit();
	printf("%s: %u passed, %u failed\n", test_kind, test_pass, test_fail);
	return test_fail ? 1 : 0;
}
