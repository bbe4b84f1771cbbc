/* SPDX-License-Identifier: MIT */
/*
 * Starting a domain: the monitor (root) opens every resource the domain
 * will use, builds one jail per process and hands each exactly its fds.
 * Nothing guest-facing ever runs as root: hv and every DM get their own
 * uid from the domain's block. Which DMs run, with which devices and
 * grants, is the launch plan's (launch_plan.c); this file spawns it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/memfd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "toolstack/kmsg.h"
#include "jail/cgroup.h"
#include "jail/jail.h"
#include "jail/reaper.h"
#include "proto/ioreq.h"
#include "toolstack/accel.h"
#include "toolstack/launch.h"
#include "toolstack/launch_plan.h"
#include "toolstack/xlcfg.h"

#define LAUNCH_EMPTY_ROOT LAUNCH_RUN_DIR "/empty"

#define LAUNCH_SEABIOS "/usr/share/seabios/bios.bin"

static uint32_t launch_uid_base = LAUNCH_UID_BASE;
static uint32_t launch_uid_count = LAUNCH_UID_COUNT;

int launch_host_config(const char *path, char *err, size_t errlen)
{
	struct xlcfg *cfg = NULL;
	const struct xlcfg_entry *e;
	uint64_t base = LAUNCH_UID_BASE, count = LAUNCH_UID_COUNT;
	unsigned i;

	if (access(path, F_OK))
		return 0; /* no file: the defaults */
	if (xlcfg_load(path, &cfg, err, errlen))
		return -EINVAL;
	for (i = 0; i < xlcfg_count(cfg); i++) {
		e = xlcfg_entry_at(cfg, i);
		if (e->type != XLCFG_INT ||
		    (strcmp(e->key, "uid_base") && strcmp(e->key, "uid_count"))) {
			xlcfg_error(err, errlen, path, e->line, e->key,
				    "unknown key, or not an integer (known: "
				    "uid_base, uid_count)");
			xlcfg_free(cfg);
			return -EINVAL;
		}
		if (!strcmp(e->key, "uid_base"))
			base = e->num;
		else
			count = e->num;
	}
	e = xlcfg_get(cfg, "uid_base");
	/* Room for the reaper below, two domains at least, and never a uid
	 * that could be 0, a system account or (uid_t)-1. */
	if (base < 1000 || count < 3 * LAUNCH_UIDS_PER_DOMAIN ||
	    count % LAUNCH_UIDS_PER_DOMAIN || base + count > 0xfffffffeull) {
		xlcfg_error(err, errlen, path, e ? e->line : 0, "uid_base",
			    "uid block %llu+%llu: need uid_base >= 1000, "
			    "uid_count a multiple of %u (at least %u), below "
			    "2^32 - 1",
			    (unsigned long long)base, (unsigned long long)count,
			    LAUNCH_UIDS_PER_DOMAIN, 3 * LAUNCH_UIDS_PER_DOMAIN);
		xlcfg_free(cfg);
		return -EINVAL;
	}
	launch_uid_base = (uint32_t)base;
	launch_uid_count = (uint32_t)count;
	xlcfg_free(cfg);
	return 0;
}

unsigned launch_max_domains(void)
{
	return launch_uid_count / LAUNCH_UIDS_PER_DOMAIN;
}

uid_t launch_uid(unsigned domid, unsigned idx)
{
	return launch_uid_base + domid * LAUNCH_UIDS_PER_DOMAIN + idx;
}

/* Opens a program that lives next to this binary. */
static int launch_open_exe(const char *name, char *err, size_t errlen)
{
	char self[4096], path[4200], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int fd;

	if (n < 0) {
		snprintf(err, errlen, "cannot find own binary: %s",
			 strerror(errno));
		return -1;
	}
	self[n] = 0;
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	snprintf(path, sizeof(path), "%s/%s", self, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		snprintf(err, errlen, "cannot open %s: %s", path,
			 strerror(errno));
	return fd;
}

/*
 * Test hook: SAFEPC_DM_BINARY names another DM program next to this one
 * (only "safepc-dm-*": the test build safepc-dm-evil), and
 * SAFEPC_DM_TEST_ARGS is passed to it as "--test ARGS". The real DM refuses
 * --test, so neither can change what a production DM does.
 */
static const char *launch_dm_binary(void)
{
	const char *b = getenv("SAFEPC_DM_BINARY");

	if (b && !strncmp(b, "safepc-dm-", 10) && !strchr(b, '/'))
		return b;
	return "safepc-dm";
}

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U /* Linux 6.3 */
#endif

/*
 * A sealed memfd of `size` bytes: its size can never change, and (where
 * the kernel has MFD_NOEXEC_SEAL) it can never be executed, so a guest
 * cannot have a DM exec what the guest wrote into its RAM.
 */
static int launch_memfd(const char *name, uint64_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING |
					    MFD_NOEXEC_SEAL);

	if (fd < 0 && errno == EINVAL) /* older kernel: no exec seal */
		fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) ||
	    fcntl(fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Every fd the monitor opens for one start; closed when all have run. */
struct launch_fds {
	int devnull, kvm, ram, ctl_child, kernel;
	int modules[DOMCFG_MAX_MODULES];
	int ramdisk; /* -1: none */
	int hv_exe, dm_exe;
	int disks[DOMCFG_MAX_DISKS]; /* in config order */
	struct {
		int dm_op[2], ioreq, evt, con[2];
	} dm[LAUNCH_MAX_DMS];
};

static void launch_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void launch_fds_close(struct launch_fds *f, unsigned nr_dms)
{
	unsigned i;

	launch_close(&f->devnull);
	launch_close(&f->kvm);
	launch_close(&f->ram);
	launch_close(&f->ctl_child);
	launch_close(&f->kernel);
	launch_close(&f->ramdisk);
	launch_close(&f->hv_exe);
	launch_close(&f->dm_exe);
	for (i = 0; i < DOMCFG_MAX_MODULES; i++)
		launch_close(&f->modules[i]);
	for (i = 0; i < DOMCFG_MAX_DISKS; i++)
		launch_close(&f->disks[i]);
	for (i = 0; i < nr_dms; i++) {
		launch_close(&f->dm[i].dm_op[1]);
		launch_close(&f->dm[i].ioreq);
		launch_close(&f->dm[i].evt);
		launch_close(&f->dm[i].con[1]);
		launch_close(&f->dm[i].dm_op[0]);
	}
}

/* A small arena for argv strings. */
struct launch_argv {
	char *argv[96];
	unsigned argc;
	char buf[8192];
	size_t used;
};

static void launch_arg(struct launch_argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void launch_arg(struct launch_argv *a, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (a->argc + 1 >= ARRAY_SIZE(a->argv) || a->used >= sizeof(a->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(a->buf + a->used, sizeof(a->buf) - a->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(a->buf) - a->used)
		return;
	a->argv[a->argc++] = a->buf + a->used;
	a->argv[a->argc] = NULL;
	a->used += (size_t)n + 1;
}

/*
 * Kinds of fds in a manifest, for the state file and `safepc check`: the
 * fixed fds below LAUNCH_FIXED_FDS by number (both tables have exactly
 * that many entries: launch_spawn indexes them), the rest by position.
 */
#define LAUNCH_FIXED_FDS 8
static const char *const launch_hv_fd_kinds[LAUNCH_FIXED_FDS] = {
	[0] = "null", [1] = "log", [2] = "log",
	[LAUNCH_HV_FD_KVM] = "kvm", [LAUNCH_HV_FD_RAM] = "ram",
	[LAUNCH_HV_FD_CTL] = "hvctl", [LAUNCH_HV_FD_KERNEL] = "kernel",
};
static const char *const launch_dm_fd_kinds[LAUNCH_FIXED_FDS] = {
	[0] = "null", [1] = "log", [2] = "log",
	[LAUNCH_DM_FD_DM_OP] = "dm_op", [LAUNCH_DM_FD_IOREQ] = "ioreq",
	[LAUNCH_DM_FD_EVENT] = "event", [LAUNCH_DM_FD_RAM] = "ram",
	[LAUNCH_DM_FD_CONSOLE] = "console",
};

/* The state file (proto/statefile.h) records every process and fd. */
_Static_assert(1 + LAUNCH_MAX_DMS <= STATEFILE_MAX_PROCS &&
		       JAIL_MAX_FDS <= STATEFILE_MAX_FDS &&
		       sizeof(((struct launch_proc *)0)->tag) <=
			       sizeof(((struct statefile_proc *)0)->tag),
	       "the state file holds every process of a domain");

_Static_assert(JAIL_MAX_FDS <= 64, "launch_spawn's ro_fds is a 64-bit mask");
_Static_assert(DOMCFG_MAX_MODULES <= LAUNCH_HV_MAX_MODULES &&
		       LAUNCH_HV_FD_RAMDISK < JAIL_MAX_FDS,
	       "hv's module and ramdisk fds fit the jail");

/*
 * Creates the process's cgroups, spawns it in its jail and records what
 * it was given. `cg` names its cgroup ("hv", "dm-1"). Each fd's access is
 * recorded as the fd really has it, except the fds in `ro_fds` (bit n =
 * fd n: the read-only disks), recorded as the config wants them ("r"),
 * so that `safepc check` fails if one was ever opened writable.
 */
static int launch_spawn(struct launch_domain *d, struct launch_proc *p,
			const char *kind, const char *cg,
			const struct cgroup_limits *lim, struct jail_spec *spec,
			const char *const *fd_kinds, uint64_t ro_fds,
			uint64_t pipe_fds, char *err, size_t errlen)
{
	struct statefile_proc *sp;
	struct cgroup_set set;
	unsigned i;
	int r, logp[2];

	/* Its own log pipe: the monitor knows whose lines it relays. */
	if (d->nr_logs == ARRAY_SIZE(d->logs) || pipe2(logp, O_CLOEXEC)) {
		snprintf(err, errlen, "%s: log pipe: %s", p->tag,
			 strerror(errno));
		return -EMFILE;
	}
	fcntl(logp[0], F_SETFL, O_NONBLOCK);
	logrelay_init(&d->logs[d->nr_logs++], logp[0], p->tag);
	spec->fds[1] = spec->fds[2] = logp[1];
	spec->weaken = d->cfg->jail_weaken;
	if (!(spec->weaken & JAIL_WEAKEN_CGROUPS)) {
		r = cgroup_create(d->domid, cg, lim, &set, err, errlen);
		if (r) {
			close(logp[1]);
			return r;
		}
		for (i = 0; i < set.nr; i++)
			spec->cgroup_procs[i] = set.procs[i];
	}
	if (p->kmsg_fd >= 0)
		close(p->kmsg_fd);
	p->kmsg_fd = kmsg_mark();
	p->seccomp_syscall[0] = 0;
	r = jail_spawn(spec, &p->pid, &p->pidfd, err, errlen);
	close(logp[1]);
	if (r)
		return r;
	p->uid = spec->uid;
	p->exited = 0;
	sp = statefile_add_proc(&d->state, p->tag, (int)p->pid, spec->uid,
				spec->gid, !strcmp(kind, "hv"), cg);
	if (!sp) {
		snprintf(err, errlen, "%s: no room in the state file", p->tag);
		return -ENOSPC;
	}
	for (i = 0; i < (unsigned)spec->nr_fds; i++) {
		const char *k = i < LAUNCH_FIXED_FDS && fd_kinds[i] ? fd_kinds[i]
								   : NULL;

		if (spec->fds[i] < 0)
			continue;
		if (!k && !strcmp(kind, "hv") && i == LAUNCH_HV_FD_RAMDISK)
			k = "ramdisk";
		if (!k && !strcmp(kind, "hv"))
			k = i >= LAUNCH_HV_FD_FIRST_MODULE
				    ? "module"
				    : (const char *[]){ "dm_op", "ioreq",
							"event" }
					      [(i - LAUNCH_HV_FD_FIRST_DM) %
					       LAUNCH_HV_FDS_PER_DM];
		if (!k && ((pipe_fds >> i) & 1))
			k = "dma_pipe";
		if (!k && i >= LAUNCH_DM_FD_FIRST_EXTRA)
			k = "disk";
		r = statefile_add_fd(sp, i, k ? k : "other",
				     (ro_fds & (1ull << i)) ||
						     (fcntl(spec->fds[i],
							    F_GETFL) &
						      O_ACCMODE) == O_RDONLY
					     ? STATEFILE_ACC_R
					     : STATEFILE_ACC_R |
						       STATEFILE_ACC_W);
		if (r) {
			snprintf(err, errlen, "%s: fd %u: no room in the "
				 "state file", p->tag, i);
			return r;
		}
	}
	if (!strcmp(kind, "dm") && d->cfg->dm_seccomp == DOMCFG_SECCOMP_LOG)
		sp->seccomp = STATEFILE_SECCOMP_LOG;
	sp->lim[STATEFILE_LIM_NOFILE] = spec->nofile;
	sp->lim[STATEFILE_LIM_NPROC] = spec->nproc;
	sp->lim[STATEFILE_LIM_FSIZE] = spec->fsize;
	sp->have_lim = (1u << STATEFILE_NR_LIM) - 1;
	sp->cgv[STATEFILE_CG_PIDS] = lim->pids_max;
	sp->cgv[STATEFILE_CG_MEMORY] = lim->memory_max;
	sp->cgv[STATEFILE_CG_CPU] = lim->cpu_weight;
	sp->have_cg = (1u << STATEFILE_NR_CG) - 1;
	return 0;
}

/*
 * Resolves the config's accel before anything is started (accel.h). Under
 * KVM, f->kvm is the probed /dev/kvm, for hv's LAUNCH_HV_FD_KVM; under
 * soft it stays -1, so that fd number is closed in hv: "soft" never opens
 * /dev/kvm, and "auto" closes what it probed when it chose soft. Logs the
 * choice in one line. Returns 0 or -errno (-ENODEV: accel = "kvm"
 * without a usable /dev/kvm), with the reason in err.
 */
static int launch_accel(struct launch_domain *d, struct launch_fds *f,
			char *err, size_t errlen)
{
	struct accel_kvm_probe probe = { .fd = -1 };
	char note[160];
	int r;

	if (d->cfg->accel != DOMCFG_ACCEL_SOFT)
		accel_kvm_probe(&probe, ACCEL_KVM_DEV);
	r = accel_choose(d->cfg->accel, &probe, &d->accel, note, sizeof(note),
			 err, errlen);
	if (!r && d->accel == DOMCFG_ACCEL_KVM) {
		f->kvm = probe.fd;
		probe.fd = -1;
	}
	if (probe.fd >= 0)
		close(probe.fd);
	if (!r)
		log_info("domain %s: %s", d->cfg->name, note);
	return r;
}

static int launch_open_resources(struct launch_domain *d,
				 struct launch_fds *f,
				 const struct launch_plan *plans, char *err,
				 size_t errlen)
{
	const struct domcfg *c = d->cfg;
	int ctl[2];
	unsigned i;

	/* Only ever fd 0 of a jailed process: nothing reads it, and nothing
	 * may write to it. */
	f->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* f->kvm: already there under KVM (launch_accel), never under soft. */
	f->ram = launch_memfd("safepc-ram", c->memory_mib << 20);
	if (f->ram < 0) {
		snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM: %s",
			 (unsigned long long)c->memory_mib, strerror(errno));
		return -1;
	}
	{
		/* The boot image: the firmware, or the multiboot kernel. */
		const char *img = c->firmware == DOMCFG_FIRMWARE_SEABIOS
					  ? LAUNCH_SEABIOS
				  : c->firmware == DOMCFG_FIRMWARE_PATH
					  ? c->firmware_path
					  : c->kernel;

		f->kernel = open(img, O_RDONLY | O_CLOEXEC);
		if (f->kernel < 0) {
			snprintf(err, errlen, "%s %s: %s",
				 c->firmware == DOMCFG_FIRMWARE_NONE
					 ? "kernel"
					 : "firmware",
				 img, strerror(errno));
			return -1;
		}
	}
	if (c->ramdisk[0] && c->firmware == DOMCFG_FIRMWARE_NONE) {
		f->ramdisk = open(c->ramdisk, O_RDONLY | O_CLOEXEC);
		if (f->ramdisk < 0) {
			snprintf(err, errlen, "ramdisk %s: %s", c->ramdisk,
				 strerror(errno));
			return -1;
		}
	}
	for (i = 0; i < c->nr_modules; i++) {
		f->modules[i] = open(c->modules[i].path, O_RDONLY | O_CLOEXEC);
		if (f->modules[i] < 0) {
			snprintf(err, errlen, "module %s: %s",
				 c->modules[i].path, strerror(errno));
			return -1;
		}
	}
	/* Disk images: read-write only when the config says so. */
	for (i = 0; i < c->nr_disks; i++) {
		const struct domcfg_disk *dk = &c->disks[i];

		f->disks[i] = open(dk->target,
				   (dk->readonly ? O_RDONLY : O_RDWR) |
					   O_CLOEXEC);
		if (f->disks[i] < 0) {
			snprintf(err, errlen, "disk %s (%s): %s", dk->vdev,
				 dk->target, strerror(errno));
			return -1;
		}
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl)) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	d->ctl_fd = ctl[0];
	f->ctl_child = ctl[1];

	for (i = 0; i < d->nr_dms; i++) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
			       f->dm[i].dm_op) ||
		    (f->dm[i].ioreq = launch_memfd("safepc-ioreq",
						   IOREQ_PAGE_BYTES)) < 0 ||
		    (f->dm[i].evt = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
			snprintf(err, errlen, "DM channel: %s",
				 strerror(errno));
			return -1;
		}
		/* The console: for the DM whose UART the plan gave it. */
		if (plans[i].console) {
			if (socketpair(AF_UNIX,
				       SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
				       0, f->dm[i].con)) {
				snprintf(err, errlen, "console: %s",
					 strerror(errno));
				return -1;
			}
			d->console_fd = f->dm[i].con[0];
			/* Room for a burst of guest output while the monitor
			 * is descheduled (each UART byte is one write). */
			setsockopt(f->dm[i].con[1], SOL_SOCKET, SO_SNDBUF,
				   &(int){ 1 << 18 }, sizeof(int));
		}
	}
	f->hv_exe = launch_open_exe("safepc-hv", err, errlen);
	if (f->hv_exe < 0)
		return -1;
	f->dm_exe = launch_open_exe(launch_dm_binary(), err, errlen);
	if (f->dm_exe < 0)
		return -1;
	return 0;
}

static int launch_start_hv(struct launch_domain *d, struct launch_fds *f,
			   const struct launch_plan *plans, char *err,
			   size_t errlen)
{
	const struct domcfg *c = d->cfg;
	struct launch_argv a = { .argc = 0 };
	struct jail_spec s = { .what = "hv" };
	struct cgroup_limits lim;
	unsigned i, j;

	launch_arg(&a, "safepc-hv");
	launch_arg(&a, "--tag");
	launch_arg(&a, "hv/%u", d->domid);
	launch_arg(&a, "--memory-mb");
	launch_arg(&a, "%llu", (unsigned long long)c->memory_mib);
	launch_arg(&a, "--vcpus");
	launch_arg(&a, "%u", c->vcpus);
	launch_arg(&a, "--cmdline");
	launch_arg(&a, "%s", c->extra);
	if (c->jail_weaken & JAIL_WEAKEN_SECCOMP)
		launch_arg(&a, "--no-seccomp");
	if (c->firmware != DOMCFG_FIRMWARE_NONE)
		launch_arg(&a, "--firmware");
	if (f->ramdisk >= 0)
		launch_arg(&a, "--ramdisk");
	if (c->has_floor_port) {
		launch_arg(&a, "--floor-port");
		launch_arg(&a, "%u", c->floor_port);
	}
	/* Resolved (launch_accel): hv is never told "auto". */
	launch_arg(&a, "--accel");
	launch_arg(&a, "%s", domcfg_accel_name(d->accel));
	for (i = 0; i < d->nr_dms; i++) {
		launch_arg(&a, "--dm");
		launch_arg(&a, "%u,%s", i, d->dms[i].tag);
		for (j = 0; j < plans[i].nr_grants; j++) {
			struct grant g = plans[i].grants[j];
			char text[GRANT_MAX_TEXT];

			g.dm = i; /* the plan's index is the DM's */
			if (grant_format(&g, text, sizeof(text)) < 0) {
				snprintf(err, errlen, "%s: grant %u (%s) out "
					 "of the grammar's limits",
					 d->dms[i].tag, j,
					 grant_kind_name(g.kind)
						 ? grant_kind_name(g.kind)
						 : "?");
				return -EINVAL;
			}
			launch_arg(&a, "--grant");
			launch_arg(&a, "%s", text);
		}
	}
	for (i = 0; i < c->nr_modules; i++) {
		launch_arg(&a, "--module");
		launch_arg(&a, "%s%s%s", c->modules[i].path,
			   c->modules[i].args[0] ? " " : "",
			   c->modules[i].args);
	}

	for (i = 0; i < JAIL_MAX_FDS; i++)
		s.fds[i] = -1;
	s.fds[0] = f->devnull;
	s.fds[1] = s.fds[2] = -2; /* its own log pipe (launch_spawn) */
	/* -1 under soft: fd 3 is then closed in hv, not /dev/null, so an
	 * hv that would reach for KVM finds nothing (proto/fds.h). */
	s.fds[LAUNCH_HV_FD_KVM] = f->kvm;
	s.fds[LAUNCH_HV_FD_RAM] = f->ram;
	s.fds[LAUNCH_HV_FD_CTL] = f->ctl_child;
	s.fds[LAUNCH_HV_FD_KERNEL] = f->kernel;
	for (i = 0; i < d->nr_dms; i++) {
		int base = LAUNCH_HV_FD_FIRST_DM + (int)i * LAUNCH_HV_FDS_PER_DM;

		s.fds[base] = f->dm[i].dm_op[0];
		s.fds[base + 1] = f->dm[i].ioreq;
		s.fds[base + 2] = f->dm[i].evt;
	}
	for (i = 0; i < c->nr_modules; i++)
		s.fds[LAUNCH_HV_FD_FIRST_MODULE + i] = f->modules[i];
	s.nr_fds = LAUNCH_HV_FD_FIRST_MODULE + (int)c->nr_modules;
	if (f->ramdisk >= 0) {
		s.fds[LAUNCH_HV_FD_RAMDISK] = f->ramdisk;
		s.nr_fds = LAUNCH_HV_FD_RAMDISK + 1;
	}
	s.uid = s.gid = launch_uid(d->domid, 0);
	s.cpus = c->cpus;
	s.exe_fd = f->hv_exe;
	s.argv = a.argv;
	s.empty_root = LAUNCH_EMPTY_ROOT;
	/* The VM fd and one fd per vCPU come on top of the manifest (KVM;
	 * the same room is left under soft, for the backend's own fds). */
	s.nofile = (unsigned long)s.nr_fds + 1 + c->vcpus;
	/* Main thread, vCPU threads, and KVM's own worker: since Linux 6.13
	 * KVM starts it on the first KVM_RUN as a task of this process
	 * (counted against RLIMIT_NPROC); without room KVM_RUN fails with
	 * EAGAIN forever. */
	s.nproc = 1 + c->vcpus + 1;
	s.fsize = 0;
	snprintf(d->hv.tag, sizeof(d->hv.tag), "hv/%u", d->domid);
	lim.pids_max = s.nproc;
	/* Guest RAM is charged to whoever touches it first: mostly hv's
	 * vCPUs. Add room for KVM's own structures, and for the soft CPU's
	 * decoded-block cache of each vCPU (up to 15 MiB, touched as code
	 * runs: src/hv/soft/icache.h). */
	lim.memory_max = (c->memory_mib << 20) + (128ull << 20) +
			 (uint64_t)c->vcpus * (16ull << 20);
	lim.cpu_weight = 100;
	lim.cpu_max_pct = 0;
	return launch_spawn(d, &d->hv, "hv", "hv", &lim, &s,
			    launch_hv_fd_kinds, 0, 0, err, errlen);
}

static int launch_start_dm(struct launch_domain *d, struct launch_fds *f,
			   unsigned i, const struct launch_plan *plan,
			   char *err, size_t errlen)
{
	const struct domcfg *c = d->cfg;
	struct launch_argv a = { .argc = 0 };
	struct jail_spec s = { .what = d->dms[i].tag, .fsize = 0 };
	struct cgroup_limits lim;
	uint64_t ro_fds = 0, pipe_fds = 0;
	int dma_pipe[2] = { -1, -1 }, r;
	char cg[16];
	unsigned j;

	launch_arg(&a, "safepc-dm");
	launch_arg(&a, "--tag");
	launch_arg(&a, "%s", d->dms[i].tag);
	launch_arg(&a, "--memory-mb");
	launch_arg(&a, "%llu", (unsigned long long)c->memory_mib);
	launch_arg(&a, "--vcpus");
	launch_arg(&a, "%u", c->vcpus);
	if (c->dm_seccomp == DOMCFG_SECCOMP_LOG)
		launch_arg(&a, "--seccomp-log");
	if (c->jail_weaken & JAIL_WEAKEN_SECCOMP)
		launch_arg(&a, "--no-seccomp");
	if (getenv("SAFEPC_DM_TEST_ARGS")) {
		launch_arg(&a, "--test");
		launch_arg(&a, "%s", getenv("SAFEPC_DM_TEST_ARGS"));
	}
	for (j = 0; j < plan->nr_devs; j++) {
		launch_arg(&a, "--dev");
		launch_arg(&a, "%s", plan->devs[j]);
	}

	for (j = 0; j < JAIL_MAX_FDS; j++)
		s.fds[j] = -1;
	s.fds[0] = f->devnull;
	s.fds[1] = s.fds[2] = -2; /* its own log pipe (launch_spawn) */
	s.fds[LAUNCH_DM_FD_DM_OP] = f->dm[i].dm_op[1];
	s.fds[LAUNCH_DM_FD_IOREQ] = f->dm[i].ioreq;
	s.fds[LAUNCH_DM_FD_EVENT] = f->dm[i].evt;
	s.fds[LAUNCH_DM_FD_RAM] = f->ram;
	s.fds[LAUNCH_DM_FD_CONSOLE] = f->dm[i].con[1] > 0 ? f->dm[i].con[1]
							  : -1;
	s.nr_fds = LAUNCH_DM_FD_FIRST_EXTRA;
	if (plan->disks) {
		/* The DM of the IDE controller: every disk at FIRST_EXTRA +
		 * its index, as its launch plan names them. */
		for (j = 0; j < c->nr_disks; j++) {
			struct stat st;

			s.fds[LAUNCH_DM_FD_FIRST_EXTRA + j] = f->disks[j];
			if (c->disks[j].readonly)
				ro_fds |= 1ull << (LAUNCH_DM_FD_FIRST_EXTRA + j);
			/* The file-size limit: the largest writable image. */
			if (!c->disks[j].readonly &&
			    fstat(f->disks[j], &st) == 0 &&
			    (unsigned long)st.st_size > s.fsize)
				s.fsize = (unsigned long)st.st_size;
		}
		s.nr_fds += (int)c->nr_disks;
		/*
		 * The pipe its DMA splices through (dm/dma_nomap.h), both
		 * ends after the disks: made here, so that it is in the
		 * manifest like every other fd. Without it the DM copies
		 * through its mapping of guest RAM.
		 */
		if (s.nr_fds + 2 <= JAIL_MAX_FDS &&
		    !pipe2(dma_pipe, O_CLOEXEC | O_NONBLOCK)) {
			(void)fcntl(dma_pipe[1], F_SETPIPE_SZ, 1 << 20);
			s.fds[s.nr_fds] = dma_pipe[0];
			s.fds[s.nr_fds + 1] = dma_pipe[1];
			pipe_fds = 3ull << s.nr_fds;
			launch_arg(&a, "--dma-pipe");
			launch_arg(&a, "%d,%d", s.nr_fds, s.nr_fds + 1);
			s.nr_fds += 2;
		}
	}
	s.uid = s.gid = launch_uid(d->domid, 1 + i);
	s.cpus = c->dm_cpus;
	s.exe_fd = f->dm_exe;
	s.argv = a.argv;
	s.empty_root = LAUNCH_EMPTY_ROOT;
	s.nofile = (unsigned long)s.nr_fds;
	s.nproc = 1;
	/* A DM may touch guest RAM first (DMA), so RAM counts here too;
	 * its own heap is tiny. One CPU at most, lower weight than hv. */
	lim.pids_max = s.nproc;
	lim.memory_max = (c->memory_mib << 20) + (32ull << 20);
	lim.cpu_weight = 50;
	lim.cpu_max_pct = 100;
	snprintf(cg, sizeof(cg), "dm-%u", i + 1);
	r = launch_spawn(d, &d->dms[i], "dm", cg, &lim, &s, launch_dm_fd_kinds,
			 ro_fds, pipe_fds, err, errlen);
	if (dma_pipe[0] >= 0) {
		close(dma_pipe[0]);
		close(dma_pipe[1]);
	}
	return r;
}

/* Writes /run/safepc/dom/<id>/domain atomically. */
static void launch_write_state(struct launch_domain *d)
{
	char path[96], tmp[104], why[160], *text;
	int fd, n;

	text = malloc(STATEFILE_MAX_TEXT + 1);
	if (!text)
		return;
	n = statefile_format(&d->state, text, STATEFILE_MAX_TEXT + 1, why,
			     sizeof(why));
	if (n < 0) {
		/* A bug: `safepc check` then says the domain has no file. */
		log_err("state file of domain %u: %s", d->domid, why);
		free(text);
		return;
	}
	snprintf(path, sizeof(path), LAUNCH_RUN_DIR "/dom/%u/domain",
		 d->domid);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (util_write_all(fd, text, (size_t)n) == 0)
			rename(tmp, path);
		close(fd);
	}
	free(text);
}

int launch_domain_start(struct launch_domain *d, char *err, size_t errlen)
{
	struct launch_plan plans[LAUNCH_MAX_DMS];
	struct launch_fds f;
	unsigned i;
	int r = -EIO;

	memset(&f, 0xff, sizeof(f)); /* every fd -1 */
	memset(&d->state, 0, sizeof(d->state));
	snprintf(d->state.name, sizeof(d->state.name), "%s", d->cfg->name);
	d->state.monitor = (int)getpid();
	d->state.cgroup_version = cgroup_is_v2() ? 2 : 1;
	d->state.vcpus = d->cfg->vcpus;
	/* Which devices share a DM (`safepc check` and readers of the
	 * state file; the proc lines list the DMs themselves). */
	d->state.has_placement = true;
	d->state.placement = d->cfg->dm_placement;
	for (i = 0; domcfg_weaken_names[i]; i++)
		if (d->cfg->jail_weaken & (1u << i))
			d->state.weaken |= 1u << i;
	d->ctl_fd = d->console_fd = -1;
	d->nr_logs = 0;
	d->nr_dms = 0;
	d->hv.pidfd = d->hv.kmsg_fd = -1;
	for (i = 0; i < LAUNCH_MAX_DMS; i++)
		d->dms[i].pidfd = d->dms[i].kmsg_fd = -1;
	/* First of all: a domain that wants KVM and cannot have it fails
	 * before anything is created. */
	r = launch_accel(d, &f, err, errlen);
	if (r)
		goto fail;
	/* `safepc check` expects KVM fds in hv by this line. */
	d->state.has_accel = true;
	d->state.accel = d->accel;
	r = launch_plan_build(d->cfg, plans, LAUNCH_MAX_DMS, &d->nr_dms, err,
			      errlen);
	if (r)
		goto fail;
	for (i = 0; i < d->nr_dms; i++)
		snprintf(d->dms[i].tag, sizeof(d->dms[i].tag), "dm/%u/%s",
			 d->domid, plans[i].name);
	r = -EIO;

	if (mkdir("/run/safepc", 0700) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create /run/safepc: %s",
			 strerror(errno));
		goto fail;
	}
	if (mkdir(LAUNCH_EMPTY_ROOT, 0555) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s",
			 LAUNCH_EMPTY_ROOT, strerror(errno));
		goto fail;
	}
	if (launch_open_resources(d, &f, plans, err, errlen))
		goto fail;
	r = launch_start_hv(d, &f, plans, err, errlen);
	for (i = 0; !r && i < d->nr_dms; i++)
		r = launch_start_dm(d, &f, i, &plans[i], err, errlen);
	if (r)
		goto fail;
	launch_fds_close(&f, d->nr_dms);
	launch_write_state(d);
	return 0;

fail:
	launch_fds_close(&f, d->nr_dms);
	launch_domain_kill(d);
	launch_domain_reap(d);
	if (d->ctl_fd >= 0)
		close(d->ctl_fd);
	for (i = 0; i < d->nr_logs; i++)
		if (d->logs[i].fd >= 0)
			close(d->logs[i].fd);
	d->nr_logs = 0;
	if (d->console_fd >= 0)
		close(d->console_fd);
	d->ctl_fd = d->console_fd = -1;
	return r ? r : -EIO;
}

static void launch_proc_kill(struct launch_proc *p)
{
	if (p->pidfd >= 0 && !p->exited)
		syscall(SYS_pidfd_send_signal, p->pidfd, SIGKILL, NULL, 0);
}

void launch_domain_kill(struct launch_domain *d)
{
	unsigned i;

	launch_proc_kill(&d->hv);
	for (i = 0; i < d->nr_dms; i++)
		launch_proc_kill(&d->dms[i]);
}

const char *launch_proc_seccomp(struct launch_proc *p)
{
	/* The audit record is logged before the process is gone; only
	 * records after this process's spawn are looked at. */
	if (!p->seccomp_syscall[0] && p->exited &&
	    p->wstatus_code == CLD_KILLED && p->wstatus == SIGSYS)
		(void)kmsg_seccomp_syscall(p->kmsg_fd, p->uid,
					   p->seccomp_syscall,
					   sizeof(p->seccomp_syscall));
	return p->seccomp_syscall[0] ? p->seccomp_syscall : NULL;
}

static void launch_proc_reap(struct launch_proc *p)
{
	siginfo_t si;

	if (p->pidfd < 0)
		return;
	if (!p->exited) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PIDFD, (id_t)p->pidfd, &si, WEXITED) == 0) {
			p->exited = 1;
			p->wstatus_code = si.si_code;
			p->wstatus = si.si_status;
		}
	}
	close(p->pidfd);
	p->pidfd = -1;
	(void)launch_proc_seccomp(p);
	if (p->kmsg_fd >= 0)
		close(p->kmsg_fd);
	p->kmsg_fd = -1;
}

void launch_domain_reap(struct launch_domain *d)
{
	unsigned i;

	launch_proc_reap(&d->hv);
	for (i = 0; i < d->nr_dms; i++)
		launch_proc_reap(&d->dms[i]);
}

int launch_domain_cleanup(unsigned domid, char *err, size_t errlen)
{
	char path[96];
	unsigned i;
	int r, busy = 0;

	/* Every task of the domain's cgroups, then every process of its
	 * uids (a process can leave neither). */
	cgroup_kill_domain(domid);
	for (i = 0; i < LAUNCH_UIDS_PER_DOMAIN; i++) {
		r = reaper_kill_uid(launch_uid(domid, i), launch_uid_base - 1);
		if (r) {
			snprintf(err, errlen, "uid %u: processes survive: %s",
				 (unsigned)launch_uid(domid, i), strerror(-r));
			busy = r;
		}
	}
	for (i = 0; i < 50 && cgroup_remove_domain(domid) == -EBUSY; i++)
		usleep(10000);
	if (cgroup_remove_domain(domid)) {
		snprintf(err, errlen, "cgroups of domain %u still busy", domid);
		busy = -EBUSY;
	}
	snprintf(path, sizeof(path), LAUNCH_RUN_DIR "/dom/%u/domain", domid);
	unlink(path);
	snprintf(path, sizeof(path), LAUNCH_RUN_DIR "/dom/%u/domain.tmp",
		 domid);
	unlink(path);
	return busy;
}
