/* SPDX-License-Identifier: MIT */
/*
 * safepc-dm-escape: the real device model plus attacks on its own jail,
 * for the escape suite (tests/escape/run, docs/security.md).
 *
 * The threat model assumes a compromised DM: arbitrary code in this
 * process. Each attack is what such code would try, run from inside the
 * real jail (uid, namespaces, empty root, rlimits, cgroups, no
 * capabilities, no_new_privs) *after* the seccomp allowlist is loaded: it
 * fires from dm_test_serve_hook on the first guest access, when the
 * domain is known to run. dm_test_init only picks the attack; the few
 * "early" attacks that probe hv's dm_op manifest before READY run there,
 * since that check is hv's and does not depend on this process's jail.
 *
 * Protocol (one line each, on stderr, so on safepc's stderr):
 *   TAG: ESCAPE attack=NAME result=attempting what=...
 *   TAG: ESCAPE attack=NAME result=contained|escaped|check detail=...
 * "attempting" comes first, so that an attack the kernel kills (seccomp's
 * SIGSYS, or SIGSEGV/SIGBUS/SIGXFSZ/OOM where the table allows it) is
 * still recognised; "check" leaves the verdict to the runner (host
 * measurements, log contents, the abstract-socket canary). After a
 * contained attack the DM ends the domain with a debug exit of status
 * ESC_EXIT_STATUS: a domain that ends that way proves hv was alive and
 * obeying dm_op after the attack.
 *
 * `--test list` prints the table (ESCAPE-LIST lines) and then serves the
 * guest normally; `--test none` is the control run.
 *
 * Attacks call the kernel through raw syscalls so that the syscall that
 * is refused or killed is exactly the one named, not whatever a libc
 * wrapper happens to call first.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <linux/perf_event.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/sockios.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "common/futex.h"
#include "common/log.h"
#include "dm/dm.h"
#include "proto/fds.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef KVM_GET_API_VERSION
#define KVM_GET_API_VERSION 0xae00 /* _IO(KVMIO, 0x00) */
#endif

/* The status of the debug exit that ends a domain after an attack. */
#define ESC_EXIT_STATUS 42u
/* The runner's abstract unix socket (SOCK_DGRAM) that must stay silent. */
#define ESC_CANARY "safepc-escape-canary"

enum esc_verdict { ESC_CONTAINED, ESC_ESCAPED, ESC_CHECK };

/* What the DM does once the attack has returned. */
enum esc_next {
	ESC_NEXT_SHUTDOWN, /* end the domain with ESC_EXIT_STATUS */
	ESC_NEXT_SERVE,	   /* serve the request: the guest runs on */
	ESC_NEXT_HOLD,	   /* the attack answered (or not): hv decides */
};

/* Deaths (besides seccomp's SIGSYS) that count as contained. */
#define ESC_DIE_SEGV 0x1u /* no executable page: instruction fetch fault */
#define ESC_DIE_BUS 0x2u  /* access beyond a sealed memfd */
#define ESC_DIE_KILL 0x4u /* the memory cgroup's OOM kill */
#define ESC_DIE_XFSZ 0x8u /* RLIMIT_FSIZE */

struct esc_ctx {
	struct dm *dm;
	struct ioreq_slot *slot;
	enum esc_verdict verdict;
	enum esc_next next;
	int reported; /* the attack printed its own result line */
	char detail[400];
};

struct esc_attack {
	const char *name;
	const char *cat;
	unsigned die;	   /* ESC_DIE_* */
	const char *end;   /* how the domain must end: dm, fault or any */
	const char *check; /* runner-side check: -, cpu, host, logsize,
			    * consize, forge, ansi, canary */
	int early;	   /* runs in dm_test_init (dm_op before READY) */
	int seccomp_only;  /* probes the filter itself: skipped by --layers */
	void (*fn)(struct esc_ctx *c);
	const char *what;
};

static const struct esc_attack *esc_cur;
static int esc_fired;

/* ------------------------------------------------------------------ */
/* Reporting                                                          */

static const char *esc_errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

/* Writes "TAG: ESCAPE <text>\n" in one write(2), newlines flattened. */
static void __attribute__((format(printf, 2, 3)))
esc_say(struct dm *dm, const char *fmt, ...)
{
	char line[640];
	va_list ap;
	int n, m;

	n = snprintf(line, sizeof(line), "%s: ", dm->tag);
	if (n < 0 || n >= (int)sizeof(line))
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	for (m = 0; m < n; m++)
		if (line[m] == '\n' || line[m] == '\r')
			line[m] = ' ';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

static void __attribute__((format(printf, 3, 4)))
esc_set(struct esc_ctx *c, enum esc_verdict v, const char *fmt, ...)
{
	va_list ap;

	c->verdict = v;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

static const char *const esc_verdict_names[] = { "contained", "escaped",
						 "check" };

static void esc_report(struct esc_ctx *c)
{
	esc_say(c->dm, "ESCAPE attack=%s result=%s detail=%s", esc_cur->name,
		esc_verdict_names[c->verdict], c->detail);
	c->reported = 1;
}

/*
 * The common case: a syscall outside the allowlist that, if seccomp let
 * it through, must still fail. `r` and `e` are what syscall(2) returned
 * and errno right after it.
 */
static void esc_must_fail(struct esc_ctx *c, long r, int e, const char *what)
{
	if (r < 0)
		esc_set(c, ESC_CONTAINED, "%s failed: %s", what, esc_errname(e));
	else
		esc_set(c, ESC_ESCAPED, "%s succeeded (returned %ld)", what, r);
}

/*
 * RLIMIT_NOFILE leaves no free fd slot, so an open-like call may fail
 * with EMFILE before the layer it targets is reached. Arbitrary code in
 * the DM could close an fd first; when a call fails with EMFILE this
 * closes fd 0 (/dev/null) once and says so, and the call is retried.
 * (Under the seccomp filter the first call never returns.)
 */
static int esc_free_fd(struct esc_ctx *c, int e)
{
	static int freed;

	if (e != EMFILE || freed)
		return 0;
	freed = 1;
	if (syscall(SYS_close, 0) < 0)
		return 0;
	esc_say(c->dm, "ESCAPE note: EMFILE: closed fd 0 to free a slot, "
		"retrying");
	return 1;
}

#define ESC_TRY(c, what, call)                                             \
	do {                                                               \
		long r_ = (call);                                          \
		int e_ = errno;                                            \
		if (r_ < 0 && esc_free_fd((c), e_)) {                      \
			r_ = (call);                                       \
			e_ = errno;                                        \
		}                                                          \
		esc_must_fail((c), r_, e_, (what));                        \
	} while (0)

/* Ends the domain through hv (proves hv still serves this DM). */
static __attribute__((noreturn)) void esc_end(struct dm *dm)
{
	struct dm_op_resp resp;
	int r;

	/* Stale answers of an attack's unanswered requests first. */
	while (recv(dm->dm_op_fd, &resp, sizeof(resp), MSG_DONTWAIT) > 0)
		;
	r = dm_shutdown(dm, DM_OP_SHUTDOWN_DEBUG_EXIT, ESC_EXIT_STATUS);
	/* hv ends without answering; an answer is a refusal. */
	esc_say(dm, "ESCAPE note: debug-exit shutdown answered %d (%s)", r,
		r < 0 ? esc_errname(-r) : "ok");
	poll(NULL, 0, 2000);
	_exit(3);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

/* Answers a slot without serving it (reads float high). */
static void esc_answer(struct ioreq_slot *slot)
{
	if (slot->dir == IOREQ_DIR_READ)
		slot->data = ~0ull;
	__atomic_store_n(&slot->state, IOREQ_STATE_RESP_READY,
			 __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&slot->hv_waiting, __ATOMIC_SEQ_CST))
		futex_wake_shared(&slot->state, 1);
}

static void esc_publish(struct ioreq_slot *slot, uint32_t state)
{
	__atomic_store_n(&slot->state, state, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&slot->hv_waiting, __ATOMIC_SEQ_CST))
		futex_wake_shared(&slot->state, 1);
}

/* Waits `ms` without any syscall outside the allowlist. */
static void esc_wait_ms(int ms)
{
	poll(NULL, 0, ms);
}

/*
 * fork/vfork/clone/clone3 whose child never returns into C: a process
 * child leaves at once with exit_group(0); a thread child (CLONE_VM on
 * its own stack) spins until the process ends. Returns what the parent
 * got (child id or -errno).
 */
static long esc_raw_clone(long nr, unsigned long a1, unsigned long a2,
			  int thread)
{
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	long ret;

	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 3f\n\t"
			 "test %[thr], %[thr]\n\t"
			 "jnz 2f\n\t"
			 "mov $231, %%eax\n\t" /* exit_group(0) */
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "2: pause\n\t"
			 "jmp 2b\n\t"
			 "3:\n\t"
			 : "=a"(ret)
			 : "0"(nr), "D"(a1), "S"(a2), "d"(0L), "r"(r10),
			   "r"(r8), [thr] "r"((long)thread)
			 : "rcx", "r11", "memory");
	return ret;
}

static void esc_clone_verdict(struct esc_ctx *c, long r, const char *what)
{
	if (r < 0)
		esc_set(c, ESC_CONTAINED, "%s failed: %s", what,
			esc_errname((int)-r));
	else
		esc_set(c, ESC_ESCAPED, "%s created task %ld", what, r);
}

static uint8_t esc_thread_stack[16384] __attribute__((aligned(16)));

/* Calls a page of code; returns only if the page was executable. */
static void esc_call(void *code)
{
	void (*fn)(void);

	memcpy(&fn, &code, sizeof(fn));
	fn();
}

/* A page holding only `ret`, for the text-rewrite attack. */
__asm__(".pushsection .text.esc_victim,\"ax\",@progbits\n"
	".balign 4096\n"
	".globl esc_victim_page\n"
	"esc_victim_page:\n"
	"ret\n"
	".balign 4096\n"
	".popsection\n");
extern char esc_victim_page[];

/* Domain id from the tag "dm/N/name". */
static unsigned esc_domid(const struct dm *dm)
{
	unsigned id = 0;

	if (sscanf(dm->tag, "dm/%u/", &id) != 1)
		return 0;
	return id;
}

/* The abstract address of the runner's canary. */
static socklen_t esc_canary_addr(struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + 1, ESC_CANARY, strlen(ESC_CANARY));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(ESC_CANARY));
}

/* ------------------------------------------------------------------ */
/* dm_op                                                              */

#define ESC_HV_GONE 10000 /* hv closed the socket */

static struct dm_op_req esc_req(struct dm *dm, uint32_t op, uint32_t len)
{
	struct dm_op_req r;

	memset(&r, 0, sizeof(r));
	r.version = DM_OP_ABI_VERSION;
	r.op = op;
	r.seq = ++dm->dm_op_seq;
	r.len = len;
	return r;
}

/*
 * Sends `len` raw bytes and returns hv's status for them: the answer with
 * `seq` (stale answers are skipped), or the next answer when seq is 0 (hv
 * answers a message of the wrong size with seq 0). ESC_HV_GONE when hv
 * closed the socket; -errno when the send itself failed.
 */
static int esc_dm_op_raw(struct dm *dm, const void *msg, size_t len,
			uint32_t seq)
{
	struct dm_op_resp resp;
	unsigned tries;
	ssize_t n;

	if (send(dm->dm_op_fd, msg, len, MSG_NOSIGNAL) < 0)
		return errno == EPIPE || errno == ECONNRESET ? ESC_HV_GONE
							     : -errno;
	for (tries = 0; tries < 100000; tries++) {
		do
			n = recv(dm->dm_op_fd, &resp, sizeof(resp), 0);
		while (n < 0 && errno == EINTR);
		if (n == 0)
			return ESC_HV_GONE;
		if (n < 0)
			return -errno;
		if (n != (ssize_t)sizeof(resp))
			continue;
		if (!seq || resp.seq == seq)
			return resp.status;
	}
	return -EPROTO;
}

static int esc_dm_op_map(struct dm *dm, uint32_t type, uint64_t start,
			uint64_t end)
{
	struct dm_op_req r = esc_req(dm, DM_OP_MAP_IO_RANGE,
				     sizeof(struct dm_op_io_range));

	r.u.range = (struct dm_op_io_range){ .type = type, .start = start,
					     .end = end };
	return esc_dm_op_raw(dm, &r, sizeof(r), r.seq);
}

static int esc_dm_op_irq(struct dm *dm, uint32_t irq, uint32_t level)
{
	struct dm_op_req r = esc_req(dm, DM_OP_SET_ISA_IRQ_LEVEL,
				     sizeof(struct dm_op_irq_level));

	r.u.irq = (struct dm_op_irq_level){ .irq = irq, .level = level };
	return esc_dm_op_raw(dm, &r, sizeof(r), r.seq);
}

/* hv must refuse: any non-zero status is containment. */
static void esc_refused(struct esc_ctx *c, int st, const char *what)
{
	if (st == ESC_HV_GONE)
		esc_set(c, ESC_CHECK, "%s: hv closed the dm_op socket", what);
	else if (st < 0)
		esc_set(c, ESC_CONTAINED, "%s refused: %s", what,
			esc_errname(-st));
	else
		esc_set(c, ESC_ESCAPED, "%s accepted by hv (status %d)", what,
			st);
}

/* ------------------------------------------------------------------ */
/* Filesystem                                                         */

static void esc_open_path(struct esc_ctx *c, const char *path, int flags)
{
	char what[160];

	snprintf(what, sizeof(what), "open(\"%s\")", path);
	ESC_TRY(c, what, syscall(SYS_openat, AT_FDCWD, path, flags, 0));
}

static void fs_open_etc_passwd(struct esc_ctx *c)
{
	long fd = syscall(SYS_open, "/etc/passwd", O_RDONLY);
	char buf[64];

	if (fd < 0 && esc_free_fd(c, errno))
		fd = syscall(SYS_open, "/etc/passwd", O_RDONLY);
	if (fd < 0) {
		esc_set(c, ESC_CONTAINED, "open(\"/etc/passwd\") failed: %s",
			esc_errname(errno));
		return;
	}
	esc_set(c, ESC_ESCAPED, "opened /etc/passwd (fd %ld), read %zd bytes",
		fd, read((int)fd, buf, sizeof(buf)));
}

static void fs_openat_etc_shadow(struct esc_ctx *c)
{
	esc_open_path(c, "/etc/shadow", O_RDONLY);
}

static void fs_openat2_host(struct esc_ctx *c)
{
	struct open_how how = { .flags = O_RDONLY };

	ESC_TRY(c, "openat2(\"/etc/hostname\")",
		syscall(SYS_openat2, AT_FDCWD, "/etc/hostname", &how,
			sizeof(how)));
}

static void fs_open_proc_self_mem(struct esc_ctx *c)
{
	esc_open_path(c, "/proc/self/mem", O_RDWR);
}

static void fs_open_proc_1_root(struct esc_ctx *c)
{
	esc_open_path(c, "/proc/1/root/etc/passwd", O_RDONLY);
}

static void fs_open_dev_kvm(struct esc_ctx *c)
{
	esc_open_path(c, "/dev/kvm", O_RDWR);
}

static void fs_open_sysrq_trigger(struct esc_ctx *c)
{
	esc_open_path(c, "/proc/sysrq-trigger", O_WRONLY);
}

static void fs_open_sys_uevent_helper(struct esc_ctx *c)
{
	esc_open_path(c, "/sys/kernel/uevent_helper", O_WRONLY);
}

static void fs_open_cgroup_release_agent(struct esc_ctx *c)
{
	esc_open_path(c, "/sys/fs/cgroup/memory/release_agent", O_WRONLY);
}

/* Every manifest fd as a directory to walk up from. */
static void fs_openat_fd_dirfd(struct esc_ctx *c)
{
	int fd;

	for (fd = 0; fd <= LAUNCH_DM_FD_CONSOLE; fd++) {
		long r = syscall(SYS_openat, fd, "../../../../etc/passwd",
				 O_RDONLY, 0);

		if (r < 0 && esc_free_fd(c, errno))
			r = syscall(SYS_openat, fd, "../../../../etc/passwd",
				    O_RDONLY, 0);
		if (r >= 0) {
			esc_set(c, ESC_ESCAPED,
				"openat(%d, \"../../../../etc/passwd\") gave "
				"fd %ld", fd, r);
			return;
		}
		esc_set(c, ESC_CONTAINED,
			"openat(fd 0..%d, \"../../../../etc/passwd\") failed "
			"(last: %s)", fd, esc_errname(errno));
	}
}

/* "Shocker": a handle for the root inode of the host's filesystem. */
static void fs_open_by_handle_at(struct esc_ctx *c)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[8];
	} h = { .fh = { .handle_bytes = 8, .handle_type = 1 } };
	uint32_t ino = 2;

	memcpy(h.fh.f_handle, &ino, sizeof(ino));
	ESC_TRY(c, "open_by_handle_at(ram fd, root inode)",
		syscall(SYS_open_by_handle_at, LAUNCH_DM_FD_RAM, &h.fh,
			O_RDONLY));
}

static void fs_reopen_memfd_rw(struct esc_ctx *c)
{
	esc_open_path(c, "/proc/self/fd/6", O_RDWR);
}

static void fs_creat_root(struct esc_ctx *c)
{
	ESC_TRY(c, "creat(\"/escape-file\")",
		syscall(SYS_creat, "/escape-file", 0666));
}

static void fs_mkdir_root(struct esc_ctx *c)
{
	ESC_TRY(c, "mkdir(\"/escape-dir\")",
		syscall(SYS_mkdir, "/escape-dir", 0777));
}

static void fs_mknod_kvm(struct esc_ctx *c)
{
	ESC_TRY(c, "mknod(\"/escape-kvm\", char 10:232)",
		syscall(SYS_mknodat, AT_FDCWD, "/escape-kvm", S_IFCHR | 0666,
			makedev(10, 232)));
}

static void fs_symlink_root(struct esc_ctx *c)
{
	ESC_TRY(c, "symlink(\"/etc/passwd\", \"/escape-link\")",
		syscall(SYS_symlinkat, "/etc/passwd", AT_FDCWD,
			"/escape-link"));
}

/* Give the guest-RAM memfd a name in the filesystem. */
static void fs_link_memfd(struct esc_ctx *c)
{
	ESC_TRY(c, "linkat(ram fd, \"\", \"/escape-ram\", AT_EMPTY_PATH)",
		syscall(SYS_linkat, LAUNCH_DM_FD_RAM, "", AT_FDCWD,
			"/escape-ram", AT_EMPTY_PATH));
}

static void fs_rename_root(struct esc_ctx *c)
{
	ESC_TRY(c, "renameat2(\"/\", \"/escape-moved\")",
		syscall(SYS_renameat2, AT_FDCWD, "/", AT_FDCWD,
			"/escape-moved", 0));
}

/*
 * Grow the guest-RAM memfd with write(2) past its end: the seals forbid
 * growth and RLIMIT_FSIZE is 0 (SIGXFSZ). read(2) moves the shared offset
 * to the end first (lseek is not allowed).
 */
static void fs_grow_ram_memfd(struct esc_ctx *c)
{
	static char buf[1 << 16];
	uint64_t total = 0;
	ssize_t n;
	long r;

	while ((n = read(LAUNCH_DM_FD_RAM, buf, sizeof(buf))) > 0)
		total += (uint64_t)n;
	esc_say(c->dm, "ESCAPE note: read %llu bytes to the end of the RAM fd",
		(unsigned long long)total);
	memset(buf, 0x41, 4096);
	r = write(LAUNCH_DM_FD_RAM, buf, 4096);
	if (r < 0)
		esc_set(c, ESC_CONTAINED,
			"write of 4096 bytes past the end of the RAM memfd "
			"failed: %s", esc_errname(errno));
	else
		esc_set(c, ESC_ESCAPED,
			"write past the end of the RAM memfd wrote %ld bytes",
			r);
}

static void fs_fchmod_memfd(struct esc_ctx *c)
{
	ESC_TRY(c, "fchmod(ram fd, 06777)",
		syscall(SYS_fchmod, LAUNCH_DM_FD_RAM, 06777));
}

/* Shrinking guest RAM or the ioreq page would SIGBUS hv. */
static void fs_ftruncate_shared_memfds(struct esc_ctx *c)
{
	long r = syscall(SYS_ftruncate, LAUNCH_DM_FD_RAM, 0);
	int e = errno;

	if (r == 0) {
		esc_set(c, ESC_ESCAPED, "ftruncate(ram fd, 0) succeeded");
		return;
	}
	r = syscall(SYS_ftruncate, LAUNCH_DM_FD_IOREQ, 0);
	if (r == 0) {
		esc_set(c, ESC_ESCAPED, "ftruncate(ioreq fd, 0) succeeded");
		return;
	}
	esc_set(c, ESC_CONTAINED, "ftruncate(ram fd, 0): %s; ioreq fd: %s",
		esc_errname(e), esc_errname(errno));
}

static void fs_fcntl_seal_ram(struct esc_ctx *c)
{
	ESC_TRY(c, "fcntl(ram fd, F_ADD_SEALS, F_SEAL_WRITE)",
		syscall(SYS_fcntl, LAUNCH_DM_FD_RAM, F_ADD_SEALS,
			F_SEAL_WRITE));
}

static void fs_stat_host(struct esc_ctx *c)
{
	struct stat st;

	ESC_TRY(c, "newfstatat(\"/etc/passwd\")",
		syscall(SYS_newfstatat, AT_FDCWD, "/etc/passwd", &st, 0));
}

static void fs_readlink_proc_exe(struct esc_ctx *c)
{
	char buf[256];

	ESC_TRY(c, "readlink(\"/proc/self/exe\")",
		syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf,
			sizeof(buf)));
}

static void fs_getdents_root(struct esc_ctx *c)
{
	char buf[1024];

	/* fd 0 is /dev/null; a directory listing from it would mean the
	 * fd is something else than the manifest says. */
	ESC_TRY(c, "getdents64(fd 0)",
		syscall(SYS_getdents64, 0, buf, sizeof(buf)));
}

/* ------------------------------------------------------------------ */
/* Processes                                                          */

static void proc_fork(struct esc_ctx *c)
{
	esc_clone_verdict(c, esc_raw_clone(SYS_fork, 0, 0, 0), "fork()");
}

static void proc_vfork(struct esc_ctx *c)
{
	esc_clone_verdict(c, esc_raw_clone(SYS_vfork, 0, 0, 0), "vfork()");
}

static void proc_clone_process(struct esc_ctx *c)
{
	esc_clone_verdict(c, esc_raw_clone(SYS_clone, SIGCHLD, 0, 0),
			  "clone(SIGCHLD)");
}

static void proc_clone_thread(struct esc_ctx *c)
{
	unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES |
			      CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;

	esc_clone_verdict(c,
			  esc_raw_clone(SYS_clone, flags,
					(unsigned long)(esc_thread_stack +
							sizeof(esc_thread_stack)),
					1),
			  "clone(CLONE_THREAD)");
}

static void proc_clone3_thread(struct esc_ctx *c)
{
	struct clone_args a;

	memset(&a, 0, sizeof(a));
	a.flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		  CLONE_THREAD | CLONE_SYSVSEM;
	a.stack = (uint64_t)(uintptr_t)esc_thread_stack;
	a.stack_size = sizeof(esc_thread_stack);
	esc_clone_verdict(c,
			  esc_raw_clone(SYS_clone3, (unsigned long)&a,
					sizeof(a), 1),
			  "clone3(CLONE_THREAD)");
}

static void proc_fork_bomb(struct esc_ctx *c)
{
	unsigned i, made = 0;
	long r = 0;

	for (i = 0; i < 1000; i++) {
		r = esc_raw_clone(SYS_clone, SIGCHLD, 0, 0);
		if (r < 0)
			break;
		made++;
	}
	if (made)
		esc_set(c, ESC_ESCAPED, "created %u processes", made);
	else
		esc_set(c, ESC_CONTAINED, "first clone failed: %s",
			esc_errname((int)-r));
}

static void proc_execve_sh(struct esc_ctx *c)
{
	char *const argv[] = { (char *)"sh", (char *)"-c", (char *)"id", NULL };
	char *const envp[] = { NULL };

	ESC_TRY(c, "execve(\"/bin/sh\")",
		syscall(SYS_execve, "/bin/sh", argv, envp));
}

static void proc_execve_self(struct esc_ctx *c)
{
	char *const argv[] = { (char *)"safepc-dm", (char *)"--list-devices",
			       NULL };
	char *const envp[] = { NULL };

	ESC_TRY(c, "execveat(\"/proc/self/exe\")",
		syscall(SYS_execveat, AT_FDCWD, "/proc/self/exe", argv, envp,
			0));
}

/*
 * Builds a minimal static ELF that writes `msg` to fd 2 and exits 0.
 * Returns its size.
 */
static size_t esc_build_elf(uint8_t *out, const char *msg)
{
	static const uint8_t code_head[] = {
		0xb8, 0x01, 0x00, 0x00, 0x00,		  /* mov eax, 1 */
		0xbf, 0x02, 0x00, 0x00, 0x00,		  /* mov edi, 2 */
		0x48, 0x8d, 0x35, 0x10, 0x00, 0x00, 0x00, /* lea rsi,[rip+16] */
		0xba,					  /* mov edx, len */
	};
	static const uint8_t code_tail[] = {
		0x0f, 0x05,		      /* syscall */
		0xb8, 0xe7, 0x00, 0x00, 0x00, /* mov eax, 231 */
		0x31, 0xff,		      /* xor edi, edi */
		0x0f, 0x05,		      /* syscall */
	};
	const uint64_t base = 0x400000;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint32_t len = (uint32_t)strlen(msg);
	size_t off = sizeof(eh) + sizeof(ph), total;

	total = off + sizeof(code_head) + 4 + sizeof(code_tail) + len;
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = base + off;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_X;
	ph.p_vaddr = ph.p_paddr = base;
	ph.p_filesz = ph.p_memsz = total;
	ph.p_align = 0x1000;
	memcpy(out, &eh, sizeof(eh));
	memcpy(out + sizeof(eh), &ph, sizeof(ph));
	memcpy(out + off, code_head, sizeof(code_head));
	off += sizeof(code_head);
	memcpy(out + off, &len, 4);
	off += 4;
	memcpy(out + off, code_tail, sizeof(code_tail));
	off += sizeof(code_tail);
	memcpy(out + off, msg, len);
	return total;
}

/*
 * Code supplied through guest RAM: an ELF at guest-physical 0 (what a
 * guest could have written there), run with execveat on the RAM memfd.
 * If it runs, it reports the escape itself.
 */
static void proc_execveat_guest_ram(struct esc_ctx *c)
{
	char *const argv[] = { (char *)"guest", NULL };
	char *const envp[] = { NULL };
	char msg[200];

	snprintf(msg, sizeof(msg),
		 "%s: ESCAPE attack=%s result=escaped detail=executed an ELF "
		 "supplied through guest RAM (execveat on the RAM memfd)\n",
		 c->dm->tag, esc_cur->name);
	esc_build_elf((uint8_t *)c->dm->mem.base, msg);
	ESC_TRY(c, "execveat(ram fd, AT_EMPTY_PATH)",
		syscall(SYS_execveat, LAUNCH_DM_FD_RAM, "", argv, envp,
			AT_EMPTY_PATH));
}

/* Any other process visible or attachable: pids 1..64 (1 is us). */
static void proc_ptrace_attach(struct esc_ctx *c)
{
	long pid;

	for (pid = 1; pid <= 64; pid++) {
		long r = syscall(SYS_ptrace, PTRACE_ATTACH, pid, 0, 0);

		if (r == 0) {
			esc_set(c, ESC_ESCAPED, "PTRACE_ATTACH to pid %ld "
				"succeeded", pid);
			return;
		}
		if (pid > 1 && errno != ESRCH) {
			esc_set(c, ESC_ESCAPED, "PTRACE_ATTACH to pid %ld: %s "
				"(the process is visible)", pid,
				esc_errname(errno));
			return;
		}
	}
	esc_set(c, ESC_CONTAINED, "PTRACE_ATTACH to pids 1..64 failed "
		"(no process but this one)");
}

static void proc_ptrace_traceme(struct esc_ctx *c)
{
	ESC_TRY(c, "ptrace(PTRACE_TRACEME) (the monitor as tracer)",
		syscall(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0));
}

static void proc_kill_all(struct esc_ctx *c)
{
	ESC_TRY(c, "kill(-1, SIGKILL)", syscall(SYS_kill, -1, SIGKILL));
}

static void proc_kill_pid1(struct esc_ctx *c)
{
	long r = syscall(SYS_kill, 1, SIGKILL);
	int e = errno;
	long self;

	if (r < 0) {
		esc_set(c, ESC_CONTAINED, "kill(1, SIGKILL) failed: %s",
			esc_errname(e));
		return;
	}
	/* Still here: pid 1 must have been ourselves (the namespace's init
	 * ignores signals it has no handler for). */
	self = syscall(SYS_getpid);
	if (self == 1)
		esc_set(c, ESC_CONTAINED, "kill(1, SIGKILL) hit the DM itself "
			"(pid 1 of its own namespace), ignored");
	else
		esc_set(c, ESC_ESCAPED, "kill(1, SIGKILL) delivered to a pid 1 "
			"that is not us (we are %ld)", self);
}

/* Probe every pid for existence: another process must not be visible. */
static void proc_kill_scan(struct esc_ctx *c)
{
	long pid;

	for (pid = 2; pid <= 32768; pid++) {
		long r = syscall(SYS_kill, pid, 0);

		if (r == 0 || errno != ESRCH) {
			esc_set(c, ESC_ESCAPED, "kill(%ld, 0): %s (a process "
				"is visible)", pid,
				r == 0 ? "delivered" : esc_errname(errno));
			return;
		}
	}
	esc_set(c, ESC_CONTAINED, "kill(pid, 0) for pids 2..32768: all ESRCH");
}

static void esc_vm_rw(struct esc_ctx *c, int write_it)
{
	uint64_t word = 0;
	struct iovec local = { &word, sizeof(word) };
	struct iovec remote = { (void *)0x400000, sizeof(word) };
	long pid;

	for (pid = 2; pid <= 64; pid++) {
		long r = syscall(write_it ? SYS_process_vm_writev
					  : SYS_process_vm_readv,
				 pid, &local, 1, &remote, 1, 0);

		if (r >= 0 || errno != ESRCH) {
			esc_set(c, ESC_ESCAPED, "process_vm_%s(pid %ld): %s",
				write_it ? "writev" : "readv", pid,
				r >= 0 ? "transferred" : esc_errname(errno));
			return;
		}
	}
	esc_set(c, ESC_CONTAINED, "process_vm_%s(pids 2..64): all ESRCH",
		write_it ? "writev" : "readv");
}

static void proc_vm_readv(struct esc_ctx *c)
{
	esc_vm_rw(c, 0);
}

static void proc_vm_writev(struct esc_ctx *c)
{
	esc_vm_rw(c, 1);
}

static void proc_pidfd_open(struct esc_ctx *c)
{
	long pid;

	for (pid = 2; pid <= 64; pid++) {
		long r = syscall(SYS_pidfd_open, pid, 0);

		if (r >= 0 || errno != ESRCH) {
			esc_set(c, ESC_ESCAPED, "pidfd_open(%ld): %s", pid,
				r >= 0 ? "got a pidfd" : esc_errname(errno));
			return;
		}
	}
	esc_set(c, ESC_CONTAINED, "pidfd_open(pids 2..64): all ESRCH");
}

static void proc_setsid(struct esc_ctx *c)
{
	ESC_TRY(c, "setsid()", syscall(SYS_setsid));
}

static void proc_setpgid(struct esc_ctx *c)
{
	ESC_TRY(c, "setpgid(0, 0)", syscall(SYS_setpgid, 0, 0));
}

static void proc_sched_fifo(struct esc_ctx *c)
{
	struct sched_param p = { .sched_priority = 99 };

	ESC_TRY(c, "sched_setscheduler(SCHED_FIFO, 99)",
		syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p));
}

static void proc_setpriority(struct esc_ctx *c)
{
	ESC_TRY(c, "setpriority(PRIO_PROCESS, 0, -20)",
		syscall(SYS_setpriority, PRIO_PROCESS, 0, -20));
}

static void proc_sigaction_sigsys(struct esc_ctx *c)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		uint64_t mask;
	} sa = { (void *)SIG_IGN, 0, NULL, 0 };

	/* Catching SIGSYS would turn the filter's kill into a retry. */
	ESC_TRY(c, "rt_sigaction(SIGSYS, SIG_IGN)",
		syscall(SYS_rt_sigaction, SIGSYS, &sa, NULL, 8));
}

/* ------------------------------------------------------------------ */
/* Network                                                            */

static void esc_socket(struct esc_ctx *c, int family, int type,
		       const char *what)
{
	long fd = syscall(SYS_socket, family, type, 0);

	if (fd < 0 && esc_free_fd(c, errno))
		fd = syscall(SYS_socket, family, type, 0);
	if (fd < 0)
		esc_set(c, ESC_CONTAINED, "socket(%s) failed: %s", what,
			esc_errname(errno));
	else
		esc_set(c, ESC_ESCAPED, "socket(%s) gave fd %ld", what, fd);
}

static void net_socket_unix(struct esc_ctx *c)
{
	esc_socket(c, AF_UNIX, SOCK_STREAM, "AF_UNIX");
}

static void net_socket_inet(struct esc_ctx *c)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(53),
				  .sin_addr = { htonl(0x01010101) } };

	esc_socket(c, AF_INET, SOCK_DGRAM, "AF_INET");
	if (c->verdict == ESC_ESCAPED) {
		long fd = strtol(strrchr(c->detail, ' ') + 1, NULL, 10);
		long r = syscall(SYS_connect, fd, &sa, sizeof(sa));

		snprintf(c->detail + strlen(c->detail),
			 sizeof(c->detail) - strlen(c->detail),
			 "; connect to 1.1.1.1:53: %s",
			 r == 0 ? "ok" : esc_errname(errno));
	}
}

static void net_socket_inet6(struct esc_ctx *c)
{
	esc_socket(c, AF_INET6, SOCK_DGRAM, "AF_INET6");
}

static void net_socket_netlink(struct esc_ctx *c)
{
	esc_socket(c, AF_NETLINK, SOCK_RAW, "AF_NETLINK");
}

static void net_socket_packet(struct esc_ctx *c)
{
	esc_socket(c, AF_PACKET, SOCK_RAW, "AF_PACKET");
}

static void net_socket_vsock(struct esc_ctx *c)
{
	esc_socket(c, AF_VSOCK, SOCK_STREAM, "AF_VSOCK");
}

static void net_socket_alg(struct esc_ctx *c)
{
	esc_socket(c, AF_ALG, SOCK_SEQPACKET, "AF_ALG");
}

static void net_socket_key(struct esc_ctx *c)
{
	esc_socket(c, AF_KEY, SOCK_RAW, "AF_KEY");
}

static void net_socketpair(struct esc_ctx *c)
{
	int sv[2];

	ESC_TRY(c, "socketpair(AF_UNIX)",
		syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv));
}

/*
 * A fresh unix socket to the runner's abstract canary (a host daemon's
 * stand-in): connecting or sending to it is the escape; creating the
 * socket is net_socket_unix's business.
 */
static void net_connect_abstract(struct esc_ctx *c)
{
	static const char probe[] = "safepc-escape probe";
	struct sockaddr_un sa;
	socklen_t len = esc_canary_addr(&sa);
	long fd = syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0), r;
	int e;

	if (fd < 0 && esc_free_fd(c, errno))
		fd = syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0) {
		esc_set(c, ESC_CONTAINED, "socket(AF_UNIX) failed: %s",
			esc_errname(errno));
		return;
	}
	r = syscall(SYS_connect, fd, &sa, len);
	e = errno;
	if (r == 0) {
		esc_set(c, ESC_ESCAPED, "connected to @%s", ESC_CANARY);
		return;
	}
	r = syscall(SYS_sendto, fd, probe, sizeof(probe), 0, &sa, len);
	if (r >= 0)
		esc_set(c, ESC_ESCAPED, "sent %ld bytes to @%s", r, ESC_CANARY);
	else
		esc_set(c, ESC_CHECK, "connect to @%s: %s; sendto: %s",
			ESC_CANARY, esc_errname(e), esc_errname(errno));
}

/* The existing connected sockets with a destination address (allowed
 * syscall): the address must not take effect. The runner's canary says. */
static void net_sendto_abstract_dm_op(struct esc_ctx *c)
{
	static const char probe[] = "safepc-escape probe";
	struct sockaddr_un sa;
	socklen_t len = esc_canary_addr(&sa);
	struct dm_op_resp resp;
	long r = syscall(SYS_sendto, c->dm->dm_op_fd, probe, sizeof(probe),
			 MSG_NOSIGNAL, &sa, len);
	int e = errno;

	if (r >= 0) /* went to hv, which answers a malformed message */
		(void)recv(c->dm->dm_op_fd, &resp, sizeof(resp), 0);
	esc_set(c, ESC_CHECK, "sendto(dm_op fd, @%s): %s", ESC_CANARY,
		r >= 0 ? "sent (to the connected peer)" : esc_errname(e));
}

static void net_sendto_abstract_console(struct esc_ctx *c)
{
	static const char probe[] = "safepc-escape probe";
	struct sockaddr_un sa;
	socklen_t len = esc_canary_addr(&sa);
	long r = syscall(SYS_sendto, LAUNCH_DM_FD_CONSOLE, probe,
			 sizeof(probe), MSG_NOSIGNAL, &sa, len);

	esc_set(c, ESC_CHECK, "sendto(console fd, @%s): %s", ESC_CANARY,
		r >= 0 ? "sent (to the connected peer)" : esc_errname(errno));
}

/* Pass an fd to hv: SCM_RIGHTS needs sendmsg. */
static void net_sendmsg_scm_rights(struct esc_ctx *c)
{
	char data = 0;
	struct iovec iov = { &data, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	int fd = LAUNCH_DM_FD_RAM;

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	ESC_TRY(c, "sendmsg(console fd, SCM_RIGHTS ram fd)",
		syscall(SYS_sendmsg, LAUNCH_DM_FD_CONSOLE, &m, MSG_NOSIGNAL));
}

/* ------------------------------------------------------------------ */
/* Kernel surface                                                     */

static void kern_bpf(struct esc_ctx *c)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t)"GPL";
	ESC_TRY(c, "bpf(BPF_PROG_LOAD)",
		syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a)));
}

static void kern_perf_event_open(struct esc_ctx *c)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	ESC_TRY(c, "perf_event_open(sw cpu-clock, self)",
		syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
}

static void kern_io_uring_setup(struct esc_ctx *c)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	ESC_TRY(c, "io_uring_setup(8)", syscall(SYS_io_uring_setup, 8, &p));
}

static void kern_userfaultfd(struct esc_ctx *c)
{
	ESC_TRY(c, "userfaultfd(O_CLOEXEC)",
		syscall(SYS_userfaultfd, O_CLOEXEC));
}

static void kern_keyctl(struct esc_ctx *c)
{
	ESC_TRY(c, "keyctl(KEYCTL_JOIN_SESSION_KEYRING)",
		syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING,
			"safepc-escape"));
}

static void kern_add_key(struct esc_ctx *c)
{
	ESC_TRY(c, "add_key(\"user\", session keyring)",
		syscall(SYS_add_key, "user", "safepc-escape", "x", 1,
			KEY_SPEC_SESSION_KEYRING));
}

static void kern_init_module(struct esc_ctx *c)
{
	static const char image[64] = "\177ELF";

	ESC_TRY(c, "init_module(garbage image)",
		syscall(SYS_init_module, image, sizeof(image), ""));
}

/* A module from guest RAM. */
static void kern_finit_module(struct esc_ctx *c)
{
	ESC_TRY(c, "finit_module(ram fd)",
		syscall(SYS_finit_module, LAUNCH_DM_FD_RAM, "", 0));
}

static void kern_kexec_load(struct esc_ctx *c)
{
	ESC_TRY(c, "kexec_load(no segments)",
		syscall(SYS_kexec_load, 0, 0, NULL, 0));
}

static void kern_mount_tmpfs(struct esc_ctx *c)
{
	ESC_TRY(c, "mount(tmpfs on /)",
		syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL));
}

static void kern_mount_proc(struct esc_ctx *c)
{
	ESC_TRY(c, "mount(proc on /)",
		syscall(SYS_mount, "proc", "/", "proc", 0, NULL));
}

static void kern_umount_root(struct esc_ctx *c)
{
	ESC_TRY(c, "umount2(\"/\", MNT_DETACH)",
		syscall(SYS_umount2, "/", MNT_DETACH));
}

static void kern_pivot_root(struct esc_ctx *c)
{
	ESC_TRY(c, "pivot_root(\".\", \".\")",
		syscall(SYS_pivot_root, ".", "."));
}

static void kern_chroot(struct esc_ctx *c)
{
	ESC_TRY(c, "chroot(\"/\")", syscall(SYS_chroot, "/"));
}

static void esc_unshare(struct esc_ctx *c, unsigned long flag,
			const char *what)
{
	ESC_TRY(c, what, syscall(SYS_unshare, flag));
}

static void kern_unshare_user(struct esc_ctx *c)
{
	esc_unshare(c, CLONE_NEWUSER, "unshare(CLONE_NEWUSER)");
}

static void kern_unshare_mount(struct esc_ctx *c)
{
	esc_unshare(c, CLONE_NEWNS, "unshare(CLONE_NEWNS)");
}

static void kern_unshare_net(struct esc_ctx *c)
{
	esc_unshare(c, CLONE_NEWNET, "unshare(CLONE_NEWNET)");
}

static void kern_unshare_pid(struct esc_ctx *c)
{
	esc_unshare(c, CLONE_NEWPID, "unshare(CLONE_NEWPID)");
}

static void kern_unshare_ipc(struct esc_ctx *c)
{
	esc_unshare(c, CLONE_NEWIPC, "unshare(CLONE_NEWIPC)");
}

static void kern_unshare_uts(struct esc_ctx *c)
{
	esc_unshare(c, CLONE_NEWUTS, "unshare(CLONE_NEWUTS)");
}

static void kern_unshare_cgroup(struct esc_ctx *c)
{
	esc_unshare(c, CLONE_NEWCGROUP, "unshare(CLONE_NEWCGROUP)");
}

static void kern_unshare_time(struct esc_ctx *c)
{
	esc_unshare(c, CLONE_NEWTIME, "unshare(CLONE_NEWTIME)");
}

static void kern_setns(struct esc_ctx *c)
{
	int fd;

	for (fd = 0; fd <= LAUNCH_DM_FD_CONSOLE; fd++) {
		if (syscall(SYS_setns, fd, 0) == 0) {
			esc_set(c, ESC_ESCAPED, "setns(fd %d) succeeded", fd);
			return;
		}
		esc_set(c, ESC_CONTAINED, "setns(fd 0..%d) failed (last: %s)",
			fd, esc_errname(errno));
	}
}

static void kern_clone_newuser(struct esc_ctx *c)
{
	esc_clone_verdict(c,
			  esc_raw_clone(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0,
					0),
			  "clone(CLONE_NEWUSER)");
}

static void kern_iopl(struct esc_ctx *c)
{
	ESC_TRY(c, "iopl(3)", syscall(SYS_iopl, 3));
}

static void kern_ioperm(struct esc_ctx *c)
{
	ESC_TRY(c, "ioperm(0x3f8, 8, 1)", syscall(SYS_ioperm, 0x3f8, 8, 1));
}

static void kern_ioctl_ram_memfd(struct esc_ctx *c)
{
	int n = 0;

	ESC_TRY(c, "ioctl(ram fd, FIONREAD)",
		syscall(SYS_ioctl, LAUNCH_DM_FD_RAM, FIONREAD, &n));
}

static void kern_ioctl_eventfd(struct esc_ctx *c)
{
	int one = 1;

	ESC_TRY(c, "ioctl(eventfd, FIONBIO)",
		syscall(SYS_ioctl, LAUNCH_DM_FD_EVENT, FIONBIO, &one));
}

static void kern_ioctl_dm_op_socket(struct esc_ctx *c)
{
	int n = 0;

	ESC_TRY(c, "ioctl(dm_op socket, SIOCOUTQ)",
		syscall(SYS_ioctl, LAUNCH_DM_FD_DM_OP, SIOCOUTQ, &n));
}

/* KVM_GET_API_VERSION on every fd: none may be a /dev/kvm fd. */
static void kern_ioctl_kvm_any_fd(struct esc_ctx *c)
{
	int fd;

	for (fd = 0; fd <= LAUNCH_DM_FD_CONSOLE; fd++) {
		long r = syscall(SYS_ioctl, fd, KVM_GET_API_VERSION, 0);

		if (r >= 0) {
			esc_set(c, ESC_ESCAPED, "KVM_GET_API_VERSION on fd %d "
				"returned %ld", fd, r);
			return;
		}
		esc_set(c, ESC_CONTAINED, "KVM_GET_API_VERSION on fds 0..%d "
			"failed (last: %s)", fd, esc_errname(errno));
	}
}

/* Push input into whatever terminal a manifest fd might be. */
static void kern_ioctl_tiocsti(struct esc_ctx *c)
{
	static const int fds[] = { 0, 1, 2, LAUNCH_DM_FD_CONSOLE };
	char ch = '#';
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		if (syscall(SYS_ioctl, fds[i], TIOCSTI, &ch) == 0) {
			esc_set(c, ESC_ESCAPED, "TIOCSTI on fd %d succeeded",
				fds[i]);
			return;
		}
		esc_set(c, ESC_CONTAINED, "TIOCSTI on fds 0,1,2,7 failed "
			"(last: %s)", esc_errname(errno));
	}
}

static void kern_modify_ldt(struct esc_ctx *c)
{
	struct {
		unsigned int entry_number;
		unsigned int base_addr;
		unsigned int limit;
		unsigned int flags;
	} d = { .entry_number = 0, .limit = 0xfffff, .flags = 0x51 };

	ESC_TRY(c, "modify_ldt(write entry 0)",
		syscall(SYS_modify_ldt, 1, &d, sizeof(d)));
}

static void kern_syslog(struct esc_ctx *c)
{
	static char buf[4096];

	ESC_TRY(c, "syslog(SYSLOG_ACTION_READ_ALL)",
		syscall(SYS_syslog, 3, buf, sizeof(buf)));
}

/*
 * reboot with an invalid command: the capability check comes first, so
 * EINVAL would mean it passed. Never a real command.
 */
static void kern_reboot(struct esc_ctx *c)
{
	long r = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2,
			 0x5afe0000u, NULL);
	int e = errno;

	if (r < 0 && e == EPERM)
		esc_set(c, ESC_CONTAINED, "reboot(invalid cmd) failed: EPERM");
	else
		esc_set(c, ESC_ESCAPED, "reboot(invalid cmd) passed the "
			"capability check (%s)",
			r < 0 ? esc_errname(e) : "returned 0");
}

static void kern_swapon(struct esc_ctx *c)
{
	ESC_TRY(c, "swapon(\"/\")", syscall(SYS_swapon, "/", 0));
}

static void kern_clock_settime(struct esc_ctx *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ESC_TRY(c, "clock_settime(CLOCK_REALTIME, now)",
		syscall(SYS_clock_settime, CLOCK_REALTIME, &ts));
}

static void kern_sethostname(struct esc_ctx *c)
{
	ESC_TRY(c, "sethostname(\"escaped\")",
		syscall(SYS_sethostname, "escaped", 7));
}

static void kern_fsopen(struct esc_ctx *c)
{
	ESC_TRY(c, "fsopen(\"tmpfs\")", syscall(SYS_fsopen, "tmpfs", 0));
}

static void kern_open_tree(struct esc_ctx *c)
{
	ESC_TRY(c, "open_tree(\"/\", OPEN_TREE_CLONE)",
		syscall(SYS_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE));
}

static void kern_memfd_secret(struct esc_ctx *c)
{
	ESC_TRY(c, "memfd_secret(0)", syscall(SYS_memfd_secret, 0));
}

static void kern_shmget(struct esc_ctx *c)
{
	long id = syscall(SYS_shmget, IPC_PRIVATE, 4096, IPC_CREAT | 0600);

	if (id < 0) {
		esc_set(c, ESC_CONTAINED, "shmget(IPC_PRIVATE) failed: %s",
			esc_errname(errno));
		return;
	}
	syscall(SYS_shmctl, id, IPC_RMID, NULL);
	esc_set(c, ESC_ESCAPED, "shmget(IPC_PRIVATE) created segment %ld", id);
}

static void kern_seccomp_override(struct esc_ctx *c)
{
	struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 1, .filter = allow };
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);

	if (r < 0) {
		esc_set(c, ESC_CONTAINED, "seccomp(SET_MODE_FILTER, allow "
			"all) failed: %s", esc_errname(errno));
		return;
	}
	/* Filters stack: getpid must still be refused by the first one. */
	r = syscall(SYS_getpid);
	esc_set(c, ESC_ESCAPED, "an allow-all filter was added and getpid() "
		"then returned %ld", r);
}

/* The 64-bit filter must not be bypassed through the x32 ABI ... */
static void kern_x32_syscall(struct esc_ctx *c)
{
	ESC_TRY(c, "x32 getpid (nr 0x40000027)",
		syscall(0x40000000L | SYS_getpid));
}

/* ... nor through the ia32 compat entry (int 0x80, i386 getpid = 20). */
static void kern_int80_compat(struct esc_ctx *c)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "0"(20L)
			 : "r8", "r9", "r10", "r11", "memory");
	if (r < 0)
		esc_set(c, ESC_CONTAINED, "int 0x80 getpid failed: %s",
			esc_errname((int)-r));
	else
		esc_set(c, ESC_ESCAPED, "int 0x80 getpid returned %ld", r);
}

/* ------------------------------------------------------------------ */
/* Privilege                                                          */

static void priv_setuid0(struct esc_ctx *c)
{
	ESC_TRY(c, "setuid(0)", syscall(SYS_setuid, 0));
}

static void priv_setresuid0(struct esc_ctx *c)
{
	ESC_TRY(c, "setresuid(0, 0, 0)", syscall(SYS_setresuid, 0, 0, 0));
}

static void priv_setgid0(struct esc_ctx *c)
{
	ESC_TRY(c, "setgid(0)", syscall(SYS_setgid, 0));
}

static void priv_setgroups0(struct esc_ctx *c)
{
	gid_t g = 0;

	ESC_TRY(c, "setgroups(1, {0})", syscall(SYS_setgroups, 1, &g));
}

static void priv_capset_all(struct esc_ctx *c)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0
	};
	struct __user_cap_data_struct d[2];

	memset(d, 0xff, sizeof(d));
	ESC_TRY(c, "capset(every capability)", syscall(SYS_capset, &h, d));
}

static void priv_prctl_dumpable(struct esc_ctx *c)
{
	ESC_TRY(c, "prctl(PR_SET_DUMPABLE, 1)",
		syscall(SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0));
}

static void priv_prctl_securebits(struct esc_ctx *c)
{
	ESC_TRY(c, "prctl(PR_SET_SECUREBITS, 0)",
		syscall(SYS_prctl, PR_SET_SECUREBITS, 0, 0, 0, 0));
}

static void priv_prctl_cap_ambient(struct esc_ctx *c)
{
	ESC_TRY(c, "prctl(PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN)",
		syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE,
			CAP_SYS_ADMIN, 0, 0));
}

static void priv_prctl_nnp_clear(struct esc_ctx *c)
{
	ESC_TRY(c, "prctl(PR_SET_NO_NEW_PRIVS, 0)",
		syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
}

static void priv_prctl_set_seccomp(struct esc_ctx *c)
{
	/* Strict mode would leave only read/write/exit/sigreturn: harmless
	 * if it worked, but prctl itself is outside the allowlist. */
	ESC_TRY(c, "prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)",
		syscall(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0,
			0));
}

/* ------------------------------------------------------------------ */
/* Executable memory                                                  */

static const uint8_t esc_ret = 0xc3;

/* An RW page that exists without mmap (the filter may not allow it). */
static uint8_t esc_data_page[4096] __attribute__((aligned(4096)));

static void exec_mmap_anon(struct esc_ctx *c)
{
	void *p = (void *)syscall(SYS_mmap, NULL, 4096,
				  PROT_READ | PROT_WRITE | PROT_EXEC,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		esc_set(c, ESC_CONTAINED, "mmap(PROT_EXEC) failed: %s",
			esc_errname(errno));
		return;
	}
	memcpy(p, &esc_ret, 1);
	esc_call(p);
	esc_set(c, ESC_ESCAPED, "ran code in an anonymous RWX page");
}

static void exec_mprotect(struct esc_ctx *c)
{
	esc_data_page[0] = esc_ret;
	if (syscall(SYS_mprotect, esc_data_page, 4096,
		    PROT_READ | PROT_EXEC)) {
		esc_set(c, ESC_CONTAINED, "mprotect(RW page, RX) failed: %s",
			esc_errname(errno));
		return;
	}
	esc_call(esc_data_page);
	esc_set(c, ESC_ESCAPED, "mprotect made written code executable");
}

static void exec_mmap_ram(struct esc_ctx *c)
{
	uint8_t *ram = c->dm->mem.base;
	size_t off = (size_t)(c->dm->ram_bytes - 4096);
	void *p;

	ram[off] = esc_ret;
	p = (void *)syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_EXEC,
			    MAP_SHARED, LAUNCH_DM_FD_RAM, (long)off);
	if (p == MAP_FAILED) {
		esc_set(c, ESC_CONTAINED, "mmap(ram fd, PROT_EXEC) failed: %s",
			esc_errname(errno));
		return;
	}
	esc_call(p);
	esc_set(c, ESC_ESCAPED, "ran code from guest RAM mapped PROT_EXEC");
}

static void exec_pkey_mprotect(struct esc_ctx *c)
{
	esc_data_page[0] = esc_ret;
	if (syscall(SYS_pkey_mprotect, esc_data_page, 4096,
		    PROT_READ | PROT_EXEC, -1)) {
		esc_set(c, ESC_CONTAINED, "pkey_mprotect(RW page, RX) failed: "
			"%s", esc_errname(errno));
		return;
	}
	esc_call(esc_data_page);
	esc_set(c, ESC_ESCAPED, "pkey_mprotect made written code executable");
}

/* A new in-memory file with code in it, then exec it. */
static void exec_memfd_create(struct esc_ctx *c)
{
	static uint8_t elf[512];
	char *const argv[] = { (char *)"memfd", NULL };
	char *const envp[] = { NULL };
	char msg[200];
	size_t len;
	long fd = syscall(SYS_memfd_create, "x", 0x10u /* MFD_EXEC */);

	if (fd < 0 && esc_free_fd(c, errno))
		fd = syscall(SYS_memfd_create, "x", 0x10u);
	if (fd < 0) {
		esc_set(c, ESC_CONTAINED, "memfd_create(MFD_EXEC) failed: %s",
			esc_errname(errno));
		return;
	}
	snprintf(msg, sizeof(msg),
		 "%s: ESCAPE attack=%s result=escaped detail=executed code "
		 "written to a new memfd\n", c->dm->tag, esc_cur->name);
	len = esc_build_elf(elf, msg);
	if (write((int)fd, elf, len) != (ssize_t)len) {
		esc_set(c, ESC_ESCAPED, "memfd_create gave fd %ld (writing "
			"code into it failed: %s)", fd, esc_errname(errno));
		return;
	}
	syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
	esc_set(c, ESC_ESCAPED, "memfd_create gave fd %ld with code in it "
		"(execveat failed: %s)", fd, esc_errname(errno));
}

/* READ_IMPLIES_EXEC would make every readable mapping executable. */
static void exec_personality(struct esc_ctx *c)
{
	long r = syscall(SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */);
	void *p;

	if (r < 0) {
		esc_set(c, ESC_CONTAINED, "personality(READ_IMPLIES_EXEC) "
			"failed: %s", esc_errname(errno));
		return;
	}
	/* The flag applies to new mappings: mmap one if allowed. */
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		esc_set(c, ESC_CONTAINED, "personality accepted, but mmap "
			"failed: %s", esc_errname(errno));
		return;
	}
	memcpy(p, &esc_ret, 1);
	esc_say(c->dm, "ESCAPE note: personality accepted; calling an RW page");
	esc_call(p);
	esc_set(c, ESC_ESCAPED, "READ_IMPLIES_EXEC made an RW page "
		"executable");
}

/* W^X as the hardware enforces it: each call must fault (SIGSEGV). */
static void exec_rw_anon(struct esc_ctx *c)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		esc_set(c, ESC_CONTAINED, "mmap(RW) failed: %s",
			esc_errname(errno));
		return;
	}
	memcpy(p, &esc_ret, 1);
	esc_call(p);
	esc_set(c, ESC_ESCAPED, "ran code in an RW anonymous page");
}

static void exec_rw_data(struct esc_ctx *c)
{
	esc_data_page[0] = esc_ret;
	esc_call(esc_data_page);
	esc_set(c, ESC_ESCAPED, "ran code in an RW .bss page");
}

static void exec_stack(struct esc_ctx *c)
{
	volatile uint8_t code[64];

	code[0] = esc_ret;
	esc_call((void *)code);
	esc_set(c, ESC_ESCAPED, "ran code on the stack");
}

static void exec_heap(struct esc_ctx *c)
{
	uint8_t *cur = (uint8_t *)syscall(SYS_brk, 0);
	uint8_t *end = (uint8_t *)syscall(SYS_brk, cur + 8192);

	if (end < cur + 8192) {
		esc_set(c, ESC_CHECK, "brk did not grow");
		return;
	}
	cur[4096] = esc_ret;
	esc_call(cur + 4096);
	esc_set(c, ESC_ESCAPED, "ran code on the brk heap");
}

static void exec_guest_ram(struct esc_ctx *c)
{
	uint8_t *p = (uint8_t *)c->dm->mem.base + c->dm->ram_bytes - 4096;

	p[0] = esc_ret;
	esc_call(p);
	esc_set(c, ESC_ESCAPED, "ran code from the DM's guest-RAM mapping");
}

/* Make existing code writable, rewrite it, run it. */
static void exec_rewrite_text(struct esc_ctx *c)
{
	if (syscall(SYS_mprotect, esc_victim_page, 4096,
		    PROT_READ | PROT_WRITE)) {
		esc_set(c, ESC_CONTAINED, "mprotect(text, RW) failed: %s",
			esc_errname(errno));
		return;
	}
	esc_victim_page[0] = (char)esc_ret;
	esc_call(esc_victim_page);
	esc_set(c, ESC_ESCAPED, "ran rewritten text (a page both writable "
		"and executable)");
}

/* ------------------------------------------------------------------ */
/* dm_op abuse                                                        */

static void dm_op_map_ide_ports(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_map(c->dm, DM_OP_RANGE_PORT, 0x1f0, 0x1f7),
		    "map_io_range(ports 0x1f0-0x1f7)");
}

static void dm_op_map_pci_cf8(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_map(c->dm, DM_OP_RANGE_PORT, 0xcf8, 0xcff),
		    "map_io_range(ports 0xcf8-0xcff)");
}

static void dm_op_map_lapic_mmio(struct esc_ctx *c)
{
	esc_refused(c,
		    esc_dm_op_map(c->dm, DM_OP_RANGE_MMIO, 0xfee00000,
				 0xfee00fff),
		    "map_io_range(MMIO 0xfee00000)");
}

static void dm_op_map_all_ports(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_map(c->dm, DM_OP_RANGE_PORT, 0, 0xffff),
		    "map_io_range(ports 0-0xffff)");
}

static void dm_op_unmap_remap(struct esc_ctx *c)
{
	struct dm_op_req r = esc_req(c->dm, DM_OP_UNMAP_IO_RANGE,
				     sizeof(struct dm_op_io_range));
	int st;

	/* Give up our own RTC range, then try to take 0x1f0 in its place. */
	r.u.range = (struct dm_op_io_range){ .type = DM_OP_RANGE_PORT,
					     .start = 0x70, .end = 0x71 };
	st = esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq);
	esc_say(c->dm, "ESCAPE note: unmap of the own RTC range: %d", st);
	esc_refused(c, esc_dm_op_map(c->dm, DM_OP_RANGE_PORT, 0x1f0, 0x1f7),
		    "map_io_range(ports 0x1f0-0x1f7) after an unmap");
}

/* Before READY: the manifest check itself (hv's, not this jail's). */
static void dm_op_early_map_ide(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_map(c->dm, DM_OP_RANGE_PORT, 0x1f0, 0x1f7),
		    "map_io_range(ports 0x1f0-0x1f7) before READY");
}

static void dm_op_early_map_cf8(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_map(c->dm, DM_OP_RANGE_PORT, 0xcf8, 0xcff),
		    "map_io_range(ports 0xcf8-0xcff) before READY");
}

static void dm_op_early_map_lapic(struct esc_ctx *c)
{
	esc_refused(c,
		    esc_dm_op_map(c->dm, DM_OP_RANGE_MMIO, 0xfee00000,
				 0xfee00fff),
		    "map_io_range(MMIO 0xfee00000) before READY");
}

/* 00:02.0: a PCI slot granted to no DM of the domain. */
static void dm_op_early_map_pci_slot(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_map(c->dm, DM_OP_RANGE_PCI, 0x10, 0x10),
		    "map_io_range(PCI 00:02.0) before READY");
}

static void dm_op_early_map_wider(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_map(c->dm, DM_OP_RANGE_PORT, 0x3f0, 0x3ff),
		    "map_io_range(ports 0x3f0-0x3ff, wider than the grant) "
		    "before READY");
}

static void dm_op_irq_0(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_irq(c->dm, 0, 1), "set_isa_irq_level(0, 1)");
}

/* IRQ 6: the floppy line, which no DM of the domain is granted. */
static void dm_op_irq_6(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_irq(c->dm, 6, 1), "set_isa_irq_level(6, 1)");
}

static void dm_op_irq_14(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_irq(c->dm, 14, 1),
		    "set_isa_irq_level(14, 1)");
}

static void dm_op_irq_cascade(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_irq(c->dm, 2, 1), "set_isa_irq_level(2, 1)");
}

static void dm_op_irq_out_of_range(struct esc_ctx *c)
{
	static const uint32_t irqs[] = { 16, 255, 0x80000000u, 0xffffffffu };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(irqs); i++) {
		int st = esc_dm_op_irq(c->dm, irqs[i], 1);

		if (st >= 0 || st == ESC_HV_GONE) {
			esc_refused(c, st, "set_isa_irq_level(out of range)");
			return;
		}
	}
	esc_set(c, ESC_CONTAINED, "IRQ 16, 255, 0x80000000, 0xffffffff all "
		"refused");
}

static void dm_op_irq_bad_level(struct esc_ctx *c)
{
	esc_refused(c, esc_dm_op_irq(c->dm, 4, 0xffffffffu),
		    "set_isa_irq_level(4, level 0xffffffff)");
}

static void dm_op_short_msg(struct esc_ctx *c)
{
	struct dm_op_req r = esc_req(c->dm, DM_OP_NR_VCPUS, 0);

	esc_refused(c, esc_dm_op_raw(c->dm, &r, 12, 0), "a 12-byte dm_op");
}

static void dm_op_long_msg(struct esc_ctx *c)
{
	uint8_t big[4096];
	struct dm_op_req r = esc_req(c->dm, DM_OP_NR_VCPUS, 0);

	memset(big, 0x41, sizeof(big));
	memcpy(big, &r, sizeof(r));
	esc_refused(c, esc_dm_op_raw(c->dm, big, sizeof(big), 0),
		    "a 4096-byte dm_op");
}

static void dm_op_bad_version(struct esc_ctx *c)
{
	struct dm_op_req r = esc_req(c->dm, DM_OP_NR_VCPUS, 0);

	r.version = 0xffffffffu;
	esc_refused(c, esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq),
		    "a dm_op with version 0xffffffff");
}

static void dm_op_unknown_op(struct esc_ctx *c)
{
	static const uint32_t ops[] = { 0, DM_OP_MAX, 99, 0xffffffffu };
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		struct dm_op_req r = esc_req(c->dm, ops[i], 0);
		int st = esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq);

		if (st >= 0 || st == ESC_HV_GONE) {
			esc_refused(c, st, "an unknown dm_op");
			return;
		}
	}
	esc_set(c, ESC_CONTAINED, "ops 0, %u, 99, 0xffffffff all refused",
		DM_OP_MAX);
}

static void dm_op_bad_len(struct esc_ctx *c)
{
	struct dm_op_req r = esc_req(c->dm, DM_OP_SET_ISA_IRQ_LEVEL, 48);

	r.u.irq = (struct dm_op_irq_level){ .irq = 4, .level = 1 };
	esc_refused(c, esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq),
		    "set_isa_irq_level with len 48");
}

static void dm_op_shutdown_bad_reason(struct esc_ctx *c)
{
	struct dm_op_req r = esc_req(c->dm, DM_OP_REMOTE_SHUTDOWN,
				     sizeof(struct dm_op_shutdown));

	r.u.shutdown = (struct dm_op_shutdown){ .reason = 0x7fffffff };
	esc_refused(c, esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq),
		    "remote_shutdown with reason 0x7fffffff");
}

static void dm_op_unmap_foreign(struct esc_ctx *c)
{
	struct dm_op_req r = esc_req(c->dm, DM_OP_UNMAP_IO_RANGE,
				     sizeof(struct dm_op_io_range));

	r.u.range = (struct dm_op_io_range){ .type = DM_OP_RANGE_PORT,
					     .start = 0xcf8, .end = 0xcff };
	esc_refused(c, esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq),
		    "unmap_io_range(0xcf8-0xcff, not ours)");
}

/* 10000 malformed messages: hv must cut the DM off, not crash. */
static void dm_op_flood_malformed(struct esc_ctx *c)
{
	unsigned i;

	for (i = 0; i < 10000; i++) {
		struct dm_op_req r = esc_req(c->dm, 99, 0);
		int st = esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq);

		if (st == ESC_HV_GONE) {
			esc_set(c, ESC_CHECK, "hv closed the dm_op socket "
				"after %u malformed messages", i + 1);
			c->next = ESC_NEXT_HOLD;
			return;
		}
		if (st >= 0) {
			esc_set(c, ESC_ESCAPED, "hv accepted malformed "
				"message %u", i + 1);
			return;
		}
	}
	/* Every one refused and hv still serves: bounded work per message,
	 * but hv should have stopped a DM that sends only garbage. */
	esc_set(c, ESC_CHECK, "hv refused all 10000 malformed messages and "
		"kept the DM");
}

/* 10000 valid requests: hv must answer and stay well. */
static void dm_op_flood_valid(struct esc_ctx *c)
{
	unsigned i;

	for (i = 0; i < 10000; i++) {
		struct dm_op_req r = esc_req(c->dm, DM_OP_NR_VCPUS, 0);
		int st = esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq);

		if (st != 0) {
			esc_set(c, ESC_CHECK, "nr_vcpus %u answered %d", i + 1,
				st);
			if (st == ESC_HV_GONE)
				c->next = ESC_NEXT_HOLD;
			return;
		}
	}
	esc_set(c, ESC_CONTAINED, "hv answered 10000 nr_vcpus requests");
}

static void dm_op_irq_storm(struct esc_ctx *c)
{
	unsigned i;

	for (i = 0; i < 20000; i++) {
		int st = esc_dm_op_irq(c->dm, 4, i & 1);

		if (st != 0) {
			esc_set(c, ESC_CHECK, "IRQ 4 toggle %u answered %d",
				i + 1, st);
			if (st == ESC_HV_GONE)
				c->next = ESC_NEXT_HOLD;
			return;
		}
	}
	(void)esc_dm_op_irq(c->dm, 4, 0);
	esc_set(c, ESC_CONTAINED, "hv served 20000 IRQ 4 toggles");
}

/* Requests without reading the answers: hv must not block on us. */
static void dm_op_no_recv_flood(struct esc_ctx *c)
{
	struct dm_op_resp resp;
	struct dm_op_req r;
	unsigned i, drained = 0;
	int st;

	for (i = 0; i < 5000; i++) {
		r = esc_req(c->dm, DM_OP_NR_VCPUS, 0);
		if (send(c->dm->dm_op_fd, &r, sizeof(r), MSG_NOSIGNAL) < 0) {
			esc_set(c, ESC_CHECK, "send %u failed: %s", i + 1,
				esc_errname(errno));
			return;
		}
	}
	esc_wait_ms(100);
	while (recv(c->dm->dm_op_fd, &resp, sizeof(resp), MSG_DONTWAIT) > 0)
		drained++;
	r = esc_req(c->dm, DM_OP_NR_VCPUS, 0);
	st = esc_dm_op_raw(c->dm, &r, sizeof(r), r.seq);
	if (st == 0)
		esc_set(c, ESC_CONTAINED, "sent 5000 requests unread (%u "
			"answers queued, the rest dropped by hv); hv still "
			"answers", drained);
	else
		esc_set(c, ESC_CHECK, "after 5000 unread requests hv answered "
			"%d", st);
	if (st == ESC_HV_GONE)
		c->next = ESC_NEXT_HOLD;
}

/* ------------------------------------------------------------------ */
/* ioreq abuse                                                        */

static void ioreq_wrong_state(struct esc_ctx *c)
{
	esc_publish(c->slot, 7);
	esc_set(c, ESC_CHECK, "slot state set to 7");
	c->next = ESC_NEXT_HOLD;
}

static void ioreq_state_none(struct esc_ctx *c)
{
	esc_publish(c->slot, IOREQ_STATE_NONE);
	esc_set(c, ESC_CHECK, "slot state set back to NONE");
	c->next = ESC_NEXT_HOLD;
}

static void ioreq_garbage_fields(struct esc_ctx *c)
{
	struct ioreq_slot *s = c->slot;

	s->seq ^= 0x5a5a5a5au;
	s->addr = 0x4141414141414141ull;
	s->size = 0xff;
	s->count = 0xffffffffu;
	s->type = 0xee;
	s->data = ~0ull;
	memset(s->buf, 0x42, sizeof(s->buf));
	esc_publish(s, IOREQ_STATE_RESP_READY);
	esc_set(c, ESC_CHECK, "answered with scribbled seq/addr/size/count/"
		"type");
	c->next = ESC_NEXT_HOLD;
}

static void ioreq_huge_count(struct esc_ctx *c)
{
	esc_publish(c->slot, IOREQ_STATE_INPROCESS);
	c->slot->count = 0xffffffffu;
	esc_answer(c->slot);
	esc_set(c, ESC_CHECK, "answered with count 0xffffffff");
	c->next = ESC_NEXT_HOLD;
}

static void ioreq_flip_dir(struct esc_ctx *c)
{
	esc_publish(c->slot, IOREQ_STATE_INPROCESS);
	c->slot->dir ^= 1;
	esc_answer(c->slot);
	esc_set(c, ESC_CHECK, "answered with the direction flipped");
	c->next = ESC_NEXT_HOLD;
}

static void ioreq_other_slots(struct esc_ctx *c)
{
	unsigned i;

	for (i = 1; i < IOREQ_MAX_VCPUS; i++) {
		struct ioreq_slot *s = &c->dm->page->slot[i];

		s->seq = 0xdead0000u + i;
		s->size = 0xff;
		s->count = 0xffffffffu;
		s->addr = ~0ull;
		esc_publish(s, IOREQ_STATE_RESP_READY);
	}
	esc_set(c, ESC_CHECK, "answered slots 1..7 that no vCPU uses, then "
		"served the request");
	c->next = ESC_NEXT_SERVE;
}

static void ioreq_header_corrupt(struct esc_ctx *c)
{
	struct ioreq_header *h = &c->dm->page->hdr;

	h->magic = 0x41414141u;
	h->version = 0xffffffffu;
	h->nr_slots = 0xffffffffu;
	h->dm_wake = 0xffffffffu;
	memset(h->pad0, 0xff, sizeof(h->pad0));
	esc_set(c, ESC_CHECK, "page header magic/version/nr_slots/dm_wake "
		"scribbled, then served the request");
	c->next = ESC_NEXT_SERVE;
}

/*
 * Ring indices: this DM's own loop would repair them at its next drain,
 * so the attack answers the request itself and keeps the DM out of its
 * loop for a while, letting the guest's next posted write meet them.
 */
static void esc_ring_hold(struct esc_ctx *c)
{
	int64_t end = util_now_ns() + 2000000000ll;

	esc_answer(c->slot);
	esc_report(c);
	while (util_now_ns() < end)
		cpu_relax();
	esc_say(c->dm, "ESCAPE note: hv still running 2 s after the ring "
		"corruption; back to serving");
	c->next = ESC_NEXT_HOLD;
}

static void ioreq_ring_cons(struct esc_ctx *c)
{
	struct ioreq_header *h = &c->dm->page->hdr;
	uint32_t prod = __atomic_load_n(&h->buf_prod, __ATOMIC_ACQUIRE);

	__atomic_store_n(&h->buf_cons, prod + 0x1000u, __ATOMIC_RELEASE);
	esc_set(c, ESC_CHECK, "ring consumer index set to producer+0x1000 "
		"(prod %u)", prod);
	esc_ring_hold(c);
}

static void ioreq_ring_prod(struct esc_ctx *c)
{
	struct ioreq_header *h = &c->dm->page->hdr;
	uint32_t cons = __atomic_load_n(&h->buf_cons, __ATOMIC_ACQUIRE);

	/* hv's own field, in memory this DM can write. */
	__atomic_store_n(&h->buf_prod, cons + 0x10000u, __ATOMIC_RELEASE);
	memset(c->dm->page->ring, 0xff, sizeof(c->dm->page->ring));
	esc_set(c, ESC_CHECK, "ring producer index set to consumer+0x10000 "
		"and the entries scribbled");
	esc_ring_hold(c);
}

static void ioreq_stall(struct esc_ctx *c)
{
	esc_publish(c->slot, IOREQ_STATE_INPROCESS);
	esc_set(c, ESC_CHECK, "took the request and never answers");
	c->next = ESC_NEXT_HOLD;
}

static void ioreq_eventfd_saturate(struct esc_ctx *c)
{
	uint64_t v = 0xfffffffffffffffeull;
	long r = write(LAUNCH_DM_FD_EVENT, &v, sizeof(v));

	esc_set(c, ESC_CHECK, "eventfd counter set to its maximum (%s), then "
		"served", r < 0 ? esc_errname(errno) : "ok");
	c->next = ESC_NEXT_SERVE;
}

static void ioreq_futex_wake_storm(struct esc_ctx *c)
{
	struct ioreq_page *p = c->dm->page;
	uint32_t *words[] = { &c->slot->state, &c->slot->hv_waiting,
			      &p->hdr.dm_wake, &p->hdr.buf_prod,
			      &p->hdr.buf_cons };
	unsigned i;

	for (i = 0; i < 100000; i++)
		syscall(SYS_futex, words[i % ARRAY_SIZE(words)], FUTEX_WAKE,
			0x7fffffff, NULL, NULL, 0);
	esc_set(c, ESC_CHECK, "100000 FUTEX_WAKE on hv's words, then served");
	c->next = ESC_NEXT_SERVE;
}

/* Move hv's sleeping vCPU thread off its futex word. */
static void ioreq_futex_requeue(struct esc_ctx *c)
{
	struct ioreq_slot *s = c->slot;
	int64_t end = util_now_ns() + 200000000ll;
	long r = -1;

	while (!__atomic_load_n(&s->hv_waiting, __ATOMIC_SEQ_CST) &&
	       util_now_ns() < end)
		cpu_relax();
	if (__atomic_load_n(&s->hv_waiting, __ATOMIC_SEQ_CST))
		r = syscall(SYS_futex, &s->state, FUTEX_CMP_REQUEUE, 0,
			    0x7fffffff, &c->dm->page->hdr.pad0[0],
			    IOREQ_STATE_READY);
	esc_set(c, ESC_CHECK, "FUTEX_CMP_REQUEUE of hv's waiter: %ld%s, then "
		"served", r, r < 0 ? " (hv not asleep or refused)" : " moved");
	c->next = ESC_NEXT_SERVE;
}

/* ------------------------------------------------------------------ */
/* Resource exhaustion                                                */

static void res_mem_anon(struct esc_ctx *c)
{
	const size_t len = (size_t)1 << 30;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	size_t off;

	if (p == MAP_FAILED) {
		esc_set(c, ESC_CONTAINED, "mmap(1 GiB) failed: %s",
			esc_errname(errno));
		return;
	}
	for (off = 0; off < len; off += 4096)
		p[off] = 1;
	esc_set(c, ESC_ESCAPED, "touched 1 GiB of anonymous memory (the limit "
		"is guest RAM + 32 MiB)");
}

static void res_mem_brk(struct esc_ctx *c)
{
	uint8_t *start = (uint8_t *)syscall(SYS_brk, 0), *cur = start;
	const size_t step = 16u << 20;

	while ((size_t)(cur - start) < ((size_t)1 << 30)) {
		uint8_t *want = cur + step, *got, *q;

		got = (uint8_t *)syscall(SYS_brk, want);
		if (got < want) {
			esc_set(c, ESC_CONTAINED, "brk stopped at %zu MiB",
				(size_t)(cur - start) >> 20);
			return;
		}
		for (q = cur; q < want; q += 4096)
			*q = 1;
		cur = want;
	}
	esc_set(c, ESC_ESCAPED, "grew the heap to 1 GiB and touched it");
}

/* Touch beyond the end of the sealed RAM memfd: SIGBUS, never growth. */
static void res_mem_ram_overrun(struct esc_ctx *c)
{
	size_t len = (size_t)c->dm->ram_bytes + (2u << 20);
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			  LAUNCH_DM_FD_RAM, 0);

	if (p == MAP_FAILED) {
		esc_set(c, ESC_CONTAINED, "mmap(ram fd, size + 2 MiB) failed: "
			"%s", esc_errname(errno));
		return;
	}
	p[c->dm->ram_bytes + (1u << 20)] = 1;
	esc_set(c, ESC_ESCAPED, "wrote 1 MiB past the end of guest RAM");
}

static void res_fd_dup(struct esc_ctx *c)
{
	unsigned i;

	for (i = 0; i < 64; i++) {
		long fd = syscall(SYS_dup, 0);

		if (fd >= 0) {
			esc_set(c, ESC_ESCAPED, "dup(0) gave fd %ld", fd);
			return;
		}
		esc_set(c, ESC_CONTAINED, "dup(0) failed: %s",
			esc_errname(errno));
	}
}

static void res_fd_eventfd(struct esc_ctx *c)
{
	unsigned i;

	for (i = 0; i < 64; i++) {
		long fd = syscall(SYS_eventfd2, 0, 0);

		if (fd >= 0) {
			esc_set(c, ESC_ESCAPED, "eventfd2 gave fd %ld", fd);
			return;
		}
		esc_set(c, ESC_CONTAINED, "eventfd2 failed: %s",
			esc_errname(errno));
	}
}

/* Spin without a syscall; the runner measures the host meanwhile. */
static void res_cpu_spin(struct esc_ctx *c)
{
	int64_t end = util_now_ns() + 30000000000ll;
	volatile uint64_t n = 0;

	esc_set(c, ESC_CHECK, "spinning for up to 30 s without answering");
	esc_report(c);
	while (util_now_ns() < end)
		for (unsigned i = 0; i < 100000; i++)
			n++;
	esc_say(c->dm, "ESCAPE note: still spinning after 30 s");
	c->next = ESC_NEXT_HOLD;
}

/* ------------------------------------------------------------------ */
/* Host log                                                           */

/*
 * The three log attacks report before they write: a monitor that bounds or
 * filters what a DM writes may rightly drop what follows.
 */
static void log_flood(struct esc_ctx *c)
{
	static char buf[65536];
	uint64_t total = 0;
	int64_t end = util_now_ns() + 3000000000ll;
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (i % 64 == 63) ? '\n' : 'F';
	esc_set(c, ESC_CHECK, "writing 16 MiB to the log pipe");
	esc_report(c);
	while (total < (16u << 20) && util_now_ns() < end) {
		ssize_t n = write(STDERR_FILENO, buf, sizeof(buf));

		if (n <= 0)
			break;
		total += (uint64_t)n;
	}
}

/* The guest's console, at memory speed instead of port-I/O speed. */
static void console_flood(struct esc_ctx *c)
{
	static char buf[65536];
	uint64_t total = 0;
	int64_t end = util_now_ns() + 3000000000ll;
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (i % 64 == 63) ? '\n' : 'C';
	while (total < (16u << 20) && util_now_ns() < end) {
		ssize_t n = write(LAUNCH_DM_FD_CONSOLE, buf, sizeof(buf));

		if (n < 0 && errno == EAGAIN) { /* the socket is non-blocking */
			struct pollfd p = { .fd = LAUNCH_DM_FD_CONSOLE,
					    .events = POLLOUT };

			poll(&p, 1, 100);
			continue;
		}
		if (n <= 0)
			break;
		total += (uint64_t)n;
	}
	esc_set(c, ESC_CHECK, "wrote %llu bytes to the console socket",
		(unsigned long long)total);
}

/* Lines in the name of hv and of safepc itself. */
static void log_forge(struct esc_ctx *c)
{
	char buf[256];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "\nhv/%u: info: stopping domain: guest powered off "
		     "[forged by the DM]\n"
		     "safepc: error: dm/%u/ide0 killed: seccomp violation "
		     "[forged by the DM]\n",
		     esc_domid(c->dm), esc_domid(c->dm));
	esc_set(c, ESC_CHECK, "writing lines tagged hv/%u and safepc",
		esc_domid(c->dm));
	esc_report(c);
	if (write(STDERR_FILENO, buf, (size_t)n) < 0)
		esc_say(c->dm, "ESCAPE note: write failed: %s",
			esc_errname(errno));
}

/* Terminal control sequences for the administrator's terminal. */
static void log_ansi(struct esc_ctx *c)
{
	static const char seq[] = "\033]0;safepc-escape\007\033[2J\033[H"
				  "\033[31mansi\033[0m\233c\n";

	esc_set(c, ESC_CHECK, "writing OSC/CSI escape sequences");
	esc_report(c);
	if (write(STDERR_FILENO, seq, sizeof(seq) - 1) < 0)
		esc_say(c->dm, "ESCAPE note: write failed: %s",
			esc_errname(errno));
}

/* ------------------------------------------------------------------ */
/* The table                                                          */

#define D0 0u
#define SEGV ESC_DIE_SEGV
#define A(n, cat, die, end, chk, fn, what)                                 \
	{ n, cat, die, end, chk, 0, 0, fn, what }
#define AE(n, fn, what) { n, "dm_op", D0, "dm", "-", 1, 0, fn, what }
#define AS(n, cat, die, fn, what) { n, cat, die, "dm", "-", 0, 1, fn, what }

static const struct esc_attack esc_attacks[] = {
	/* filesystem */
	A("fs_open_etc_passwd", "fs", D0, "dm", "-", fs_open_etc_passwd,
	  "open(\"/etc/passwd\")"),
	A("fs_openat_etc_shadow", "fs", D0, "dm", "-", fs_openat_etc_shadow,
	  "openat(\"/etc/shadow\")"),
	A("fs_openat2_host", "fs", D0, "dm", "-", fs_openat2_host,
	  "openat2(\"/etc/hostname\")"),
	A("fs_open_proc_self_mem", "fs", D0, "dm", "-", fs_open_proc_self_mem,
	  "open(\"/proc/self/mem\", O_RDWR)"),
	A("fs_open_proc_1_root", "fs", D0, "dm", "-", fs_open_proc_1_root,
	  "open(\"/proc/1/root/etc/passwd\")"),
	A("fs_open_dev_kvm", "fs", D0, "dm", "-", fs_open_dev_kvm,
	  "open(\"/dev/kvm\")"),
	A("fs_open_sysrq_trigger", "fs", D0, "dm", "-", fs_open_sysrq_trigger,
	  "open(\"/proc/sysrq-trigger\", O_WRONLY)"),
	A("fs_open_sys_uevent_helper", "fs", D0, "dm", "-",
	  fs_open_sys_uevent_helper, "open(\"/sys/kernel/uevent_helper\")"),
	A("fs_open_cgroup_release_agent", "fs", D0, "dm", "-",
	  fs_open_cgroup_release_agent, "open(cgroup v1 release_agent)"),
	A("fs_openat_fd_dirfd", "fs", D0, "dm", "-", fs_openat_fd_dirfd,
	  "openat(each manifest fd, \"../../../../etc/passwd\")"),
	A("fs_open_by_handle_at", "fs", D0, "dm", "-", fs_open_by_handle_at,
	  "open_by_handle_at (shocker)"),
	A("fs_reopen_memfd_rw", "fs", D0, "dm", "-", fs_reopen_memfd_rw,
	  "reopen the RAM memfd through /proc/self/fd/6"),
	A("fs_creat_root", "fs", D0, "dm", "-", fs_creat_root,
	  "creat(\"/escape-file\")"),
	A("fs_mkdir_root", "fs", D0, "dm", "-", fs_mkdir_root,
	  "mkdir(\"/escape-dir\")"),
	A("fs_mknod_kvm", "fs", D0, "dm", "-", fs_mknod_kvm,
	  "mknod a /dev/kvm node"),
	A("fs_symlink_root", "fs", D0, "dm", "-", fs_symlink_root,
	  "symlink in the root"),
	A("fs_link_memfd", "fs", D0, "dm", "-", fs_link_memfd,
	  "linkat the RAM memfd into the root"),
	A("fs_rename_root", "fs", D0, "dm", "-", fs_rename_root,
	  "rename the root"),
	A("fs_grow_ram_memfd", "fs", ESC_DIE_XFSZ, "dm", "-", fs_grow_ram_memfd,
	  "write(2) past the end of the RAM memfd (RLIMIT_FSIZE, seals)"),
	A("fs_fchmod_memfd", "fs", D0, "dm", "-", fs_fchmod_memfd,
	  "fchmod the RAM memfd"),
	A("fs_ftruncate_shared_memfds", "fs", D0, "dm", "-",
	  fs_ftruncate_shared_memfds, "ftruncate guest RAM / ioreq page to 0"),
	A("fs_fcntl_seal_ram", "fs", D0, "dm", "-", fs_fcntl_seal_ram,
	  "F_ADD_SEALS F_SEAL_WRITE on guest RAM"),
	A("fs_stat_host", "fs", D0, "dm", "-", fs_stat_host,
	  "stat(\"/etc/passwd\")"),
	A("fs_readlink_proc_exe", "fs", D0, "dm", "-", fs_readlink_proc_exe,
	  "readlink(\"/proc/self/exe\")"),
	A("fs_getdents_root", "fs", D0, "dm", "-", fs_getdents_root,
	  "getdents64 on fd 0"),

	/* processes */
	A("proc_fork", "proc", D0, "dm", "-", proc_fork, "fork()"),
	A("proc_vfork", "proc", D0, "dm", "-", proc_vfork, "vfork()"),
	A("proc_clone_process", "proc", D0, "dm", "-", proc_clone_process,
	  "clone(SIGCHLD)"),
	A("proc_clone_thread", "proc", D0, "dm", "-", proc_clone_thread,
	  "clone(CLONE_THREAD)"),
	A("proc_clone3_thread", "proc", D0, "dm", "-", proc_clone3_thread,
	  "clone3(CLONE_THREAD)"),
	A("proc_execve_sh", "proc", D0, "dm", "-", proc_execve_sh,
	  "execve(\"/bin/sh\")"),
	A("proc_execve_self", "proc", D0, "dm", "-", proc_execve_self,
	  "execveat(\"/proc/self/exe\")"),
	A("proc_execveat_guest_ram", "proc", D0, "dm", "-",
	  proc_execveat_guest_ram, "execveat an ELF from guest RAM (RAM fd)"),
	A("proc_ptrace_attach", "proc", D0, "dm", "-", proc_ptrace_attach,
	  "PTRACE_ATTACH to pids 1..64"),
	A("proc_ptrace_traceme", "proc", D0, "dm", "-", proc_ptrace_traceme,
	  "PTRACE_TRACEME"),
	A("proc_kill_all", "proc", D0, "dm", "-", proc_kill_all,
	  "kill(-1, SIGKILL)"),
	A("proc_kill_pid1", "proc", D0, "dm", "-", proc_kill_pid1,
	  "kill(1, SIGKILL)"),
	A("proc_kill_scan", "proc", D0, "dm", "-", proc_kill_scan,
	  "kill(pid, 0) for pids 2..32768"),
	A("proc_vm_readv", "proc", D0, "dm", "-", proc_vm_readv,
	  "process_vm_readv pids 2..64"),
	A("proc_vm_writev", "proc", D0, "dm", "-", proc_vm_writev,
	  "process_vm_writev pids 2..64"),
	A("proc_pidfd_open", "proc", D0, "dm", "-", proc_pidfd_open,
	  "pidfd_open pids 2..64"),
	A("proc_setsid", "proc", D0, "dm", "-", proc_setsid, "setsid()"),
	A("proc_setpgid", "proc", D0, "dm", "-", proc_setpgid,
	  "setpgid(0, 0)"),
	A("proc_sched_fifo", "proc", D0, "dm", "-", proc_sched_fifo,
	  "SCHED_FIFO priority 99"),
	A("proc_setpriority", "proc", D0, "dm", "-", proc_setpriority,
	  "nice -20"),
	AS("proc_sigaction_sigsys", "proc", D0, proc_sigaction_sigsys,
	   "ignore SIGSYS"),

	/* network */
	A("net_socket_unix", "net", D0, "dm", "-", net_socket_unix,
	  "socket(AF_UNIX)"),
	A("net_socket_inet", "net", D0, "dm", "-", net_socket_inet,
	  "socket(AF_INET)"),
	A("net_socket_inet6", "net", D0, "dm", "-", net_socket_inet6,
	  "socket(AF_INET6)"),
	A("net_socket_netlink", "net", D0, "dm", "-", net_socket_netlink,
	  "socket(AF_NETLINK)"),
	A("net_socket_packet", "net", D0, "dm", "-", net_socket_packet,
	  "socket(AF_PACKET)"),
	A("net_socket_vsock", "net", D0, "dm", "-", net_socket_vsock,
	  "socket(AF_VSOCK)"),
	A("net_socket_alg", "net", D0, "dm", "-", net_socket_alg,
	  "socket(AF_ALG)"),
	A("net_socket_key", "net", D0, "dm", "-", net_socket_key,
	  "socket(AF_KEY)"),
	A("net_socketpair", "net", D0, "dm", "-", net_socketpair,
	  "socketpair(AF_UNIX)"),
	A("net_connect_abstract", "net", D0, "dm", "canary",
	  net_connect_abstract, "connect to the runner's abstract socket"),
	A("net_sendto_abstract_dm_op", "net", D0, "dm", "canary",
	  net_sendto_abstract_dm_op,
	  "sendto(dm_op fd, the runner's abstract address)"),
	A("net_sendto_abstract_console", "net", D0, "dm", "canary",
	  net_sendto_abstract_console,
	  "sendto(console fd, the runner's abstract address)"),
	A("net_sendmsg_scm_rights", "net", D0, "dm", "-",
	  net_sendmsg_scm_rights, "pass the RAM fd with SCM_RIGHTS"),

	/* kernel surface */
	A("kern_bpf", "kernel", D0, "dm", "-", kern_bpf, "bpf(BPF_PROG_LOAD)"),
	A("kern_perf_event_open", "kernel", D0, "dm", "-",
	  kern_perf_event_open, "perf_event_open"),
	A("kern_io_uring_setup", "kernel", D0, "dm", "-", kern_io_uring_setup,
	  "io_uring_setup"),
	A("kern_userfaultfd", "kernel", D0, "dm", "-", kern_userfaultfd,
	  "userfaultfd"),
	A("kern_keyctl", "kernel", D0, "dm", "-", kern_keyctl,
	  "keyctl(JOIN_SESSION_KEYRING)"),
	A("kern_add_key", "kernel", D0, "dm", "-", kern_add_key, "add_key"),
	A("kern_init_module", "kernel", D0, "dm", "-", kern_init_module,
	  "init_module"),
	A("kern_finit_module", "kernel", D0, "dm", "-", kern_finit_module,
	  "finit_module(guest RAM)"),
	A("kern_kexec_load", "kernel", D0, "dm", "-", kern_kexec_load,
	  "kexec_load"),
	A("kern_mount_tmpfs", "kernel", D0, "dm", "-", kern_mount_tmpfs,
	  "mount tmpfs"),
	A("kern_mount_proc", "kernel", D0, "dm", "-", kern_mount_proc,
	  "mount proc"),
	A("kern_umount_root", "kernel", D0, "dm", "-", kern_umount_root,
	  "umount the root"),
	A("kern_pivot_root", "kernel", D0, "dm", "-", kern_pivot_root,
	  "pivot_root"),
	A("kern_chroot", "kernel", D0, "dm", "-", kern_chroot, "chroot"),
	A("kern_unshare_user", "kernel", D0, "dm", "-", kern_unshare_user,
	  "unshare(CLONE_NEWUSER)"),
	A("kern_unshare_mount", "kernel", D0, "dm", "-", kern_unshare_mount,
	  "unshare(CLONE_NEWNS)"),
	A("kern_unshare_net", "kernel", D0, "dm", "-", kern_unshare_net,
	  "unshare(CLONE_NEWNET)"),
	A("kern_unshare_pid", "kernel", D0, "dm", "-", kern_unshare_pid,
	  "unshare(CLONE_NEWPID)"),
	A("kern_unshare_ipc", "kernel", D0, "dm", "-", kern_unshare_ipc,
	  "unshare(CLONE_NEWIPC)"),
	A("kern_unshare_uts", "kernel", D0, "dm", "-", kern_unshare_uts,
	  "unshare(CLONE_NEWUTS)"),
	A("kern_unshare_cgroup", "kernel", D0, "dm", "-", kern_unshare_cgroup,
	  "unshare(CLONE_NEWCGROUP)"),
	A("kern_unshare_time", "kernel", D0, "dm", "-", kern_unshare_time,
	  "unshare(CLONE_NEWTIME)"),
	A("kern_setns", "kernel", D0, "dm", "-", kern_setns,
	  "setns on each manifest fd"),
	A("kern_clone_newuser", "kernel", D0, "dm", "-", kern_clone_newuser,
	  "clone(CLONE_NEWUSER)"),
	A("kern_iopl", "kernel", D0, "dm", "-", kern_iopl, "iopl(3)"),
	A("kern_ioperm", "kernel", D0, "dm", "-", kern_ioperm,
	  "ioperm(0x3f8)"),
	A("kern_ioctl_ram_memfd", "kernel", D0, "dm", "-",
	  kern_ioctl_ram_memfd, "ioctl on the RAM memfd"),
	A("kern_ioctl_eventfd", "kernel", D0, "dm", "-", kern_ioctl_eventfd,
	  "ioctl on the eventfd"),
	A("kern_ioctl_dm_op_socket", "kernel", D0, "dm", "-",
	  kern_ioctl_dm_op_socket, "ioctl on the dm_op socket"),
	A("kern_ioctl_kvm_any_fd", "kernel", D0, "dm", "-",
	  kern_ioctl_kvm_any_fd, "KVM_GET_API_VERSION on every fd"),
	A("kern_ioctl_tiocsti", "kernel", D0, "dm", "-", kern_ioctl_tiocsti,
	  "TIOCSTI on fds 0, 1, 2, 7"),
	A("kern_modify_ldt", "kernel", D0, "dm", "-", kern_modify_ldt,
	  "modify_ldt"),
	A("kern_syslog", "kernel", D0, "dm", "-", kern_syslog,
	  "read the kernel log"),
	A("kern_reboot", "kernel", D0, "dm", "-", kern_reboot,
	  "reboot (invalid command)"),
	A("kern_swapon", "kernel", D0, "dm", "-", kern_swapon, "swapon"),
	A("kern_clock_settime", "kernel", D0, "dm", "-", kern_clock_settime,
	  "set the host clock"),
	A("kern_sethostname", "kernel", D0, "dm", "-", kern_sethostname,
	  "sethostname"),
	A("kern_fsopen", "kernel", D0, "dm", "-", kern_fsopen,
	  "fsopen (new mount API)"),
	A("kern_open_tree", "kernel", D0, "dm", "-", kern_open_tree,
	  "open_tree(OPEN_TREE_CLONE)"),
	A("kern_memfd_secret", "kernel", D0, "dm", "-", kern_memfd_secret,
	  "memfd_secret"),
	A("kern_shmget", "kernel", D0, "dm", "-", kern_shmget,
	  "SysV shmget"),
	AS("kern_seccomp_override", "kernel", D0, kern_seccomp_override,
	   "add an allow-all seccomp filter"),
	AS("kern_x32_syscall", "kernel", D0, kern_x32_syscall,
	   "x32 ABI syscall"),
	AS("kern_int80_compat", "kernel", SEGV, kern_int80_compat,
	   "ia32 int 0x80 syscall"),

	/* privilege */
	A("priv_setuid0", "priv", D0, "dm", "-", priv_setuid0, "setuid(0)"),
	A("priv_setresuid0", "priv", D0, "dm", "-", priv_setresuid0,
	  "setresuid(0, 0, 0)"),
	A("priv_setgid0", "priv", D0, "dm", "-", priv_setgid0, "setgid(0)"),
	A("priv_setgroups0", "priv", D0, "dm", "-", priv_setgroups0,
	  "setgroups({0})"),
	A("priv_capset_all", "priv", D0, "dm", "-", priv_capset_all,
	  "capset(all)"),
	A("priv_prctl_dumpable", "priv", D0, "dm", "-", priv_prctl_dumpable,
	  "PR_SET_DUMPABLE 1"),
	A("priv_prctl_securebits", "priv", D0, "dm", "-",
	  priv_prctl_securebits, "PR_SET_SECUREBITS 0"),
	A("priv_prctl_cap_ambient", "priv", D0, "dm", "-",
	  priv_prctl_cap_ambient, "PR_CAP_AMBIENT_RAISE"),
	A("priv_prctl_nnp_clear", "priv", D0, "dm", "-", priv_prctl_nnp_clear,
	  "PR_SET_NO_NEW_PRIVS 0"),
	AS("priv_prctl_set_seccomp", "priv", D0, priv_prctl_set_seccomp,
	   "PR_SET_SECCOMP"),

	/* executable memory */
	A("exec_mmap_anon", "exec", SEGV, "dm", "-", exec_mmap_anon,
	  "mmap anonymous PROT_EXEC"),
	A("exec_mprotect", "exec", SEGV, "dm", "-", exec_mprotect,
	  "mprotect an RW page to RX"),
	A("exec_mmap_ram", "exec", SEGV, "dm", "-", exec_mmap_ram,
	  "mmap the RAM memfd PROT_EXEC"),
	A("exec_pkey_mprotect", "exec", SEGV, "dm", "-", exec_pkey_mprotect,
	  "pkey_mprotect to RX"),
	A("exec_memfd_create", "exec", D0, "dm", "-", exec_memfd_create,
	  "memfd_create, write code, execveat"),
	A("exec_personality", "exec", SEGV, "dm", "-", exec_personality,
	  "personality(READ_IMPLIES_EXEC)"),
	A("exec_rw_anon", "exec", SEGV, "dm", "-", exec_rw_anon,
	  "call into an RW anonymous mmap page"),
	A("exec_rw_data", "exec", SEGV, "dm", "-", exec_rw_data,
	  "call into an RW .bss page"),
	A("exec_stack", "exec", SEGV, "dm", "-", exec_stack,
	  "call into the stack"),
	A("exec_heap", "exec", SEGV, "dm", "-", exec_heap,
	  "call into the brk heap"),
	A("exec_guest_ram", "exec", SEGV, "dm", "-", exec_guest_ram,
	  "call into the guest-RAM mapping"),
	A("exec_rewrite_text", "exec", SEGV, "dm", "-", exec_rewrite_text,
	  "mprotect text RW, rewrite, call"),

	/* dm_op abuse */
	A("dm_op_map_ide_ports", "dm_op", D0, "dm", "-", dm_op_map_ide_ports,
	  "map ports 0x1f0-0x1f7"),
	A("dm_op_map_pci_cf8", "dm_op", D0, "dm", "-", dm_op_map_pci_cf8,
	  "map ports 0xcf8-0xcff"),
	A("dm_op_map_lapic_mmio", "dm_op", D0, "dm", "-", dm_op_map_lapic_mmio,
	  "map MMIO 0xfee00000"),
	A("dm_op_map_all_ports", "dm_op", D0, "dm", "-", dm_op_map_all_ports,
	  "map every port"),
	A("dm_op_unmap_remap", "dm_op", D0, "dm", "-", dm_op_unmap_remap,
	  "unmap an own range, map a foreign one"),
	AE("dm_op_early_map_ide", dm_op_early_map_ide,
	   "map ports 0x1f0-0x1f7 before READY"),
	AE("dm_op_early_map_cf8", dm_op_early_map_cf8,
	   "map ports 0xcf8-0xcff before READY"),
	AE("dm_op_early_map_lapic", dm_op_early_map_lapic,
	   "map MMIO 0xfee00000 before READY"),
	AE("dm_op_early_map_pci_slot", dm_op_early_map_pci_slot,
	   "map PCI 00:02.0 (nobody's) before READY"),
	AE("dm_op_early_map_wider", dm_op_early_map_wider,
	   "map a range wider than the grant before READY"),
	A("dm_op_irq_0", "dm_op", D0, "dm", "-", dm_op_irq_0, "raise IRQ 0"),
	A("dm_op_irq_6", "dm_op", D0, "dm", "-", dm_op_irq_6, "raise IRQ 6"),
	A("dm_op_irq_14", "dm_op", D0, "dm", "-", dm_op_irq_14, "raise IRQ 14"),
	A("dm_op_irq_cascade", "dm_op", D0, "dm", "-", dm_op_irq_cascade,
	  "raise IRQ 2"),
	A("dm_op_irq_out_of_range", "dm_op", D0, "dm", "-",
	  dm_op_irq_out_of_range, "raise IRQ 16 and beyond"),
	A("dm_op_irq_bad_level", "dm_op", D0, "dm", "-", dm_op_irq_bad_level,
	  "IRQ level 0xffffffff"),
	A("dm_op_short_msg", "dm_op", D0, "dm", "-", dm_op_short_msg,
	  "12-byte message"),
	A("dm_op_long_msg", "dm_op", D0, "dm", "-", dm_op_long_msg,
	  "4096-byte message"),
	A("dm_op_bad_version", "dm_op", D0, "dm", "-", dm_op_bad_version,
	  "wrong ABI version"),
	A("dm_op_unknown_op", "dm_op", D0, "dm", "-", dm_op_unknown_op,
	  "unknown ops"),
	A("dm_op_bad_len", "dm_op", D0, "dm", "-", dm_op_bad_len,
	  "payload length mismatch"),
	A("dm_op_shutdown_bad_reason", "dm_op", D0, "dm", "-",
	  dm_op_shutdown_bad_reason, "remote_shutdown with a bad reason"),
	A("dm_op_unmap_foreign", "dm_op", D0, "dm", "-", dm_op_unmap_foreign,
	  "unmap a range it does not own"),
	A("dm_op_flood_malformed", "dm_op", D0, "fault", "-",
	  dm_op_flood_malformed, "10000 malformed messages"),
	A("dm_op_flood_valid", "dm_op", D0, "any", "-", dm_op_flood_valid,
	  "10000 valid requests"),
	A("dm_op_irq_storm", "dm_op", D0, "any", "-", dm_op_irq_storm,
	  "20000 IRQ toggles"),
	A("dm_op_no_recv_flood", "dm_op", D0, "any", "-", dm_op_no_recv_flood,
	  "5000 requests without reading answers"),

	/* ioreq abuse */
	A("ioreq_wrong_state", "ioreq", D0, "fault", "-", ioreq_wrong_state,
	  "slot state 7"),
	A("ioreq_state_none", "ioreq", D0, "fault", "-", ioreq_state_none,
	  "slot state back to NONE"),
	A("ioreq_garbage_fields", "ioreq", D0, "fault", "-",
	  ioreq_garbage_fields, "scribbled echo fields"),
	A("ioreq_huge_count", "ioreq", D0, "fault", "-", ioreq_huge_count,
	  "count 0xffffffff"),
	A("ioreq_flip_dir", "ioreq", D0, "fault", "-", ioreq_flip_dir,
	  "direction flipped"),
	A("ioreq_other_slots", "ioreq", D0, "any", "-", ioreq_other_slots,
	  "answer slots of absent vCPUs"),
	A("ioreq_header_corrupt", "ioreq", D0, "any", "-",
	  ioreq_header_corrupt, "scribble the page header"),
	A("ioreq_ring_cons", "ioreq", D0, "any", "-", ioreq_ring_cons,
	  "corrupt the ring consumer index"),
	A("ioreq_ring_prod", "ioreq", D0, "any", "-", ioreq_ring_prod,
	  "corrupt the ring producer index"),
	A("ioreq_stall", "ioreq", D0, "fault", "-", ioreq_stall,
	  "never answer"),
	A("ioreq_eventfd_saturate", "ioreq", D0, "any", "-",
	  ioreq_eventfd_saturate, "saturate the wake-up eventfd"),
	A("ioreq_futex_wake_storm", "ioreq", D0, "any", "-",
	  ioreq_futex_wake_storm, "FUTEX_WAKE storm on hv's words"),
	A("ioreq_futex_requeue", "ioreq", D0, "any", "-", ioreq_futex_requeue,
	  "requeue hv's futex waiter"),

	/* resource exhaustion */
	A("res_mem_anon", "res", ESC_DIE_KILL, "dm", "host", res_mem_anon,
	  "touch 1 GiB of anonymous memory"),
	A("res_mem_brk", "res", ESC_DIE_KILL, "dm", "host", res_mem_brk,
	  "grow the heap to 1 GiB"),
	A("res_mem_ram_overrun", "res", ESC_DIE_BUS, "dm", "-",
	  res_mem_ram_overrun, "touch past the sealed RAM memfd"),
	A("res_fork_bomb", "res", D0, "dm", "-", proc_fork_bomb,
	  "1000 forks"),
	A("res_fd_dup", "res", D0, "dm", "-", res_fd_dup,
	  "dup beyond RLIMIT_NOFILE"),
	A("res_fd_eventfd", "res", D0, "dm", "-", res_fd_eventfd,
	  "eventfds beyond RLIMIT_NOFILE"),
	A("res_cpu_spin", "res", D0, "fault", "cpu", res_cpu_spin,
	  "spin forever"),
	A("res_log_flood", "res", D0, "dm", "logsize", log_flood,
	  "16 MiB to the log pipe"),
	A("res_console_flood", "res", D0, "dm", "consize", console_flood,
	  "16 MiB to the console socket"),

	/* the host's log */
	A("log_forge", "log", D0, "dm", "forge", log_forge,
	  "forge hv's and safepc's log lines"),
	A("log_ansi", "log", D0, "dm", "ansi", log_ansi,
	  "terminal escape sequences into the log"),
};

static void esc_die_names(unsigned die, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", die ? "" : "-",
		 die & ESC_DIE_SEGV ? "segv," : "",
		 die & ESC_DIE_BUS ? "bus," : "",
		 die & ESC_DIE_KILL ? "kill," : "",
		 die & ESC_DIE_XFSZ ? "xfsz," : "");
	if (die && strlen(buf))
		buf[strlen(buf) - 1] = 0;
}

/*
 * One line per attack, paced (this runs before the filter, in init), and
 * a count to check against: a monitor that rate-limits DM output must not
 * make attacks silently disappear from the suite.
 */
static void esc_list(struct dm *dm)
{
	unsigned i;
	char die[32];

	for (i = 0; i < ARRAY_SIZE(esc_attacks); i++) {
		const struct esc_attack *a = &esc_attacks[i];

		esc_die_names(a->die, die, sizeof(die));
		esc_say(dm, "ESCAPE-LIST name=%s cat=%s die=%s end=%s check=%s "
			"layers=%d what=%s", a->name, a->cat, die, a->end,
			a->check, !a->seccomp_only, a->what);
		esc_wait_ms(5);
	}
	esc_say(dm, "ESCAPE-LIST-END count=%zu", ARRAY_SIZE(esc_attacks));
}

void dm_test_init(struct dm *dm, const char *mode)
{
	unsigned i;

	if (!mode || !mode[0] || !strcmp(mode, "none"))
		return;
	if (!strcmp(mode, "list")) {
		esc_list(dm);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(esc_attacks); i++)
		if (!strcmp(mode, esc_attacks[i].name))
			esc_cur = &esc_attacks[i];
	if (!esc_cur)
		die("escape: unknown attack '%s'", mode);
	if (esc_cur->early) {
		struct esc_ctx c = { .dm = dm, .verdict = ESC_CHECK };

		esc_say(dm, "ESCAPE attack=%s result=attempting what=%s",
			esc_cur->name, esc_cur->what);
		esc_cur->fn(&c);
		esc_report(&c);
	}
}

int dm_test_serve_hook(struct dm *dm, struct ioreq_slot *slot)
{
	struct esc_ctx c = { .dm = dm, .slot = slot, .verdict = ESC_CHECK,
			     .next = ESC_NEXT_SHUTDOWN };

	if (!esc_cur || esc_fired)
		return 0;
	esc_fired = 1;
	if (esc_cur->early)
		esc_end(dm);
	esc_say(dm, "ESCAPE attack=%s result=attempting what=%s "
		"trigger=%s:0x%llx", esc_cur->name, esc_cur->what,
		slot->type == IOREQ_TYPE_PIO ? "pio" : "mmio",
		(unsigned long long)slot->addr);
	esc_cur->fn(&c);
	if (!c.reported)
		esc_report(&c);
	switch (c.next) {
	case ESC_NEXT_SERVE:
		return 0;
	case ESC_NEXT_HOLD:
		return 1;
	case ESC_NEXT_SHUTDOWN:
		break;
	}
	esc_end(dm);
}
