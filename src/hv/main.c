/* SPDX-License-Identifier: MIT */
/*
 * safepc-hv: the hypervisor core of one domain. Started by the monitor
 * inside its jail with the fds of proto/fds.h; it has no filesystem and
 * no network. It builds the VM, loads the kernel (Multiboot, or Linux with
 * its initrd and the ACPI tables), waits until
 * every DM has claimed its ranges, runs the vCPUs and serves dm_op.
 *
 * Usage (monitor only):
 *   safepc-hv --tag T --memory-mb N --vcpus N [--accel kvm|soft] [--cmdline S]
 *             [--floor-port P] [--dm-timeout-ms N] [--ramdisk]
 *             [--dm IDX,TAG]... [--grant IDX,KIND[,A[,B]]]... [--module ARGS]...
 *   safepc-hv --print-allowlist
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "hv/hv.h"
#include "hv/linuxboot.h"
#include "hv/multiboot.h"
#include "hv/seccomp.h"
#include "proto/grant.h"

#define HV_READY_TIMEOUT_MS 10000

static struct hv_vm hv_vm;
/* LAUNCH_HV_FD_RAMDISK with --ramdisk (a Linux initrd), else -1. */
static int hv_ramdisk_fd = -1;

void hv_stop(struct hv_vm *vm, uint32_t reason, int32_t code,
	     const char *fmt, ...)
{
	struct hvctl_msg m = { .version = HVCTL_ABI_VERSION,
			       .type = HVCTL_EV_SHUTDOWN,
			       .reason = reason,
			       .code = code };
	va_list ap;

	if (atomic_exchange(&vm->stopping, 1)) {
		/* Another thread is reporting; it will end the process. */
		for (;;)
			pause();
	}
	va_start(ap, fmt);
	vsnprintf(m.text, sizeof(m.text), fmt, ap);
	va_end(ap);
	if (reason == HVCTL_REASON_DM_FAULT ||
	    reason == HVCTL_REASON_HV_ERROR)
		log_err("stopping domain: %s", m.text);
	else
		log_info("stopping domain: %s", m.text);
	if (send(vm->ctl_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		log_err("reporting to the monitor: %s", strerror(errno));
	_exit(0);
}

/* hv_dm_fault - vm->dm_fault in safepc-hv: hv_stop's DM-fault path. */
static void __attribute__((format(printf, 3, 4), noreturn))
hv_dm_fault(struct hv_vm *vm, struct hv_dm *dm, const char *fmt, ...)
{
	char text[sizeof(((struct hvctl_msg *)0)->text)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	hv_stop(vm, HVCTL_REASON_DM_FAULT, dm->idx, "%s", text);
}

/*
 * Applies one --grant (proto/grant.h reads the text) to its DM's manifest.
 * Returns 0 or -EINVAL with the reason in err.
 */
static int hv_parse_grant(struct hv_vm *vm, const char *arg, char *err,
			  size_t errlen)
{
	static const uint32_t range_types[] = {
		[GRANT_PIO] = DM_OP_RANGE_PORT,
		[GRANT_MMIO] = DM_OP_RANGE_MMIO,
		[GRANT_PCI] = DM_OP_RANGE_PCI,
	};
	struct grant g;
	struct hv_dm *dm;

	if (grant_parse(arg, &g, err, errlen))
		return -EINVAL;
	if (g.dm >= vm->nr_dms) {
		snprintf(err, errlen, "DM index %u: no --dm %u before it",
			 g.dm, g.dm);
		return -EINVAL;
	}
	dm = &vm->dms[g.dm];
	switch (g.kind) {
	case GRANT_IRQ:
		dm->irq_mask |= 1u << g.first;
		return 0;
	case GRANT_SHUTDOWN:
		dm->may_shutdown = 1;
		return 0;
	case GRANT_PIRQ:
		dm->may_route = 1;
		return 0;
	case GRANT_PAM:
		dm->may_pam = 1;
		return 0;
	case GRANT_PIO:
	case GRANT_MMIO:
	case GRANT_PCI:
		break;
	default:
		snprintf(err, errlen, "grant kind %d unknown to hv", g.kind);
		return -EINVAL;
	}
	if (dm->nr_grants == HV_MAX_GRANTS) {
		snprintf(err, errlen, "DM %u: more than %u ranges", g.dm,
			 HV_MAX_GRANTS);
		return -EINVAL;
	}
	dm->grants[dm->nr_grants].type = range_types[g.kind];
	dm->grants[dm->nr_grants].start = g.first;
	dm->grants[dm->nr_grants].end = g.last;
	dm->nr_grants++;
	return 0;
}

static void hv_parse_args(struct hv_vm *vm, int argc, char **argv)
{
	uint64_t v;
	int i;

	vm->floor_port = -1;
	vm->dm_fault = hv_dm_fault;
	vm->nr_vcpus = 1;
	vm->accel = &hv_accel_kvm;
	vm->dm_timeout_ns = 5000000000ll;
	vm->cmdline = "";
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(opt, "--no-seccomp")) {
			vm->no_seccomp = 1;
			continue;
		}
		if (!strcmp(opt, "--ramdisk")) {
			hv_ramdisk_fd = LAUNCH_HV_FD_RAMDISK;
			continue;
		}
		if (!strcmp(opt, "--firmware")) {
			/* The image fd holds firmware, not a kernel. */
			vm->boot_firmware = 1;
			continue;
		}
		if (!val)
			die("option %s needs a value", opt);
		i++;
		if (!strcmp(opt, "--accel")) {
			if (!strcmp(val, "kvm"))
				vm->accel = &hv_accel_kvm;
			else if (!strcmp(val, "soft"))
				vm->accel = &hv_accel_soft;
			else
				die("bad --accel %s", val);
		} else if (!strcmp(opt, "--tag")) {
			snprintf(vm->tag, sizeof(vm->tag), "%s", val);
			log_init(vm->tag, LOG_INFO);
		} else if (!strcmp(opt, "--memory-mb")) {
			if (util_parse_u64(val, &v) || v < 2 || v > 65536)
				die("bad --memory-mb %s", val);
			vm->ram_bytes = v << 20;
		} else if (!strcmp(opt, "--vcpus")) {
			if (util_parse_u64(val, &v) || v < 1 ||
			    v > HV_MAX_VCPUS)
				die("bad --vcpus %s", val);
			vm->nr_vcpus = (unsigned)v;
		} else if (!strcmp(opt, "--cmdline")) {
			vm->cmdline = val;
		} else if (!strcmp(opt, "--floor-port")) {
			if (util_parse_u64(val, &v) || v > 0xffff)
				die("bad --floor-port %s", val);
			vm->floor_port = (int)v;
		} else if (!strcmp(opt, "--dm-timeout-ms")) {
			if (util_parse_u64(val, &v) || v < 1 || v > 600000)
				die("bad --dm-timeout-ms %s", val);
			vm->dm_timeout_ns = (int64_t)v * 1000000;
		} else if (!strcmp(opt, "--dm")) {
			unsigned idx;
			char tag[32];

			if (sscanf(val, "%u,%31s", &idx, tag) != 2 ||
			    idx != vm->nr_dms || idx >= HV_MAX_DMS)
				die("bad --dm %s", val);
			vm->dms[idx].idx = (int)idx;
			snprintf(vm->dms[idx].tag, sizeof(vm->dms[idx].tag),
				 "%s", tag);
			vm->nr_dms++;
		} else if (!strcmp(opt, "--grant")) {
			char why[160];

			if (hv_parse_grant(vm, val, why, sizeof(why)))
				die("bad --grant: %s", why);
		} else if (!strcmp(opt, "--module")) {
			if (vm->nr_modules == ARRAY_SIZE(vm->module_fds))
				die("too many modules");
			vm->module_fds[vm->nr_modules] =
				LAUNCH_HV_FD_FIRST_MODULE + (int)vm->nr_modules;
			vm->module_args[vm->nr_modules++] = val;
		} else {
			die("unknown option %s", opt);
		}
	}
	if (!vm->ram_bytes)
		die("--memory-mb is required");
}

/* Maps guest RAM from the memfd, for every accelerator. 0 or -errno. */
static int hv_map_ram(struct hv_vm *vm)
{
	struct guestmem *gm = &vm->mem;

	guestmem_layout(vm->ram_bytes, &gm->low_size, &gm->high_size);
	gm->base = mmap(NULL, vm->ram_bytes, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_NORESERVE, vm->ram_fd, 0);
	if (gm->base == MAP_FAILED)
		return -errno;
	/* Guest RAM in huge pages where the host allows them for shmem
	 * (shmem_enabled = advise), as QEMU asks for its anonymous RAM;
	 * a no-op otherwise. Done before the seccomp filter. */
	(void)madvise(gm->base, vm->ram_bytes, MADV_HUGEPAGE);
	return 0;
}

/* Does the kernel image start with a Linux setup header (a bzImage)? */
static int hv_kernel_is_linux(int fd)
{
	uint8_t buf[LINUXBOOT_HDR_MAX_END];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);

	return n > 0 && linuxboot_probe(buf, (size_t)n);
}

static void hv_setup(struct hv_vm *vm)
{
	struct multiboot_module_in mods[8];
	struct multiboot_ram ram;
	struct multiboot_entry entry;
	char err[256];
	uint32_t start_ip = BOOT_TRAMPOLINE_ENTRY;
	int linux_boot = 0;
	unsigned i;
	int r;

	vm->kvm_fd = vm->accel == &hv_accel_kvm ? LAUNCH_HV_FD_KVM : -1;
	vm->ram_fd = LAUNCH_HV_FD_RAM;
	vm->ctl_fd = LAUNCH_HV_FD_CTL;
	vm->kernel_fd = LAUNCH_HV_FD_KERNEL;
	pthread_rwlock_init(&vm->ranges_lock, NULL);
	pci_init(vm);
	pthread_mutex_init(&vm->pam_lock, NULL);
	pthread_mutex_init(&vm->pause_lock, NULL);
	pthread_mutex_init(&vm->irq_lock, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);

	for (i = 0; i < vm->nr_dms; i++) {
		struct hv_dm *dm = &vm->dms[i];
		int base = LAUNCH_HV_FD_FIRST_DM + (int)i * LAUNCH_HV_FDS_PER_DM;

		dm->dm_op_fd = base;
		dm->evt_fd = base + 2;
		pthread_mutex_init(&dm->buf_lock, NULL);
		r = ioreq_dm_init(vm, dm, base + 1);
		if (r)
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
				"mapping the ioreq page of %s: %s", dm->tag,
				strerror(-r));
	}

	r = hv_map_ram(vm);
	if (r)
		hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "mapping guest RAM: %s",
			strerror(-r));
	r = vm->accel->vm_create(vm);
	if (r)
		hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "creating the VM: %s",
			strerror(-r));

	if (vm->boot_firmware) {
		r = firmware_load(vm, vm->kernel_fd);
		if (r)
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "firmware: %s",
				r == -EINVAL ? "not 128 KiB to 16 MiB in 64 KiB "
					       "units"
					     : strerror(-r));
		close(vm->kernel_fd);
		entry.eip = entry.ebx = 0;
	} else if (hv_kernel_is_linux(vm->kernel_fd)) {
		if (vm->nr_modules)
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
				"kernel: a Linux kernel takes a ramdisk, not "
				"modules (they are for Multiboot kernels)");
		r = boot_linux(vm, vm->kernel_fd, hv_ramdisk_fd, &start_ip,
			       err, sizeof(err));
		if (r)
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "kernel: %s",
				err);
		close(vm->kernel_fd);
		linux_boot = 1;
		entry.eip = entry.ebx = 0;
	} else {
		if (hv_ramdisk_fd >= 0)
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
				"kernel: a ramdisk needs a Linux bzImage (this "
				"one is not; Multiboot kernels take modules)");
		ram.base = vm->mem.base;
		ram.size = vm->mem.low_size;
		ram.above_4g = vm->mem.high_size;
		for (i = 0; i < vm->nr_modules; i++) {
			mods[i].fd = vm->module_fds[i];
			mods[i].cmdline = vm->module_args[i];
		}
		r = multiboot_load(&ram, vm->kernel_fd, vm->cmdline, mods,
				   vm->nr_modules, &entry, err, sizeof(err));
		if (r)
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "kernel: %s",
				err);
		close(vm->kernel_fd);
		vm->kernel_start = entry.kernel_start;
		vm->kernel_end = entry.kernel_end;
	}
	for (i = 0; i < vm->nr_modules; i++)
		close(vm->module_fds[i]);
	if (hv_ramdisk_fd >= 0)
		close(hv_ramdisk_fd);

	/* The Linux loader wrote its own real-mode stub. */
	if (!vm->boot_firmware && !linux_boot) {
		r = boot_trampoline_write(vm);
		if (r)
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
				"kernel: the image covers the boot trampoline "
				"at 0x%x", BOOT_TRAMPOLINE);
	}
	r = vm->accel->vcpus_create(vm, !vm->boot_firmware, start_ip,
				    entry.ebx, entry.eip);
	if (r)
		hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "creating vCPUs: %s",
			strerror(-r));
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].spin_ns = IOREQ_SPIN_NS;
}

static void hv_ctl_handle(struct hv_vm *vm)
{
	struct hvctl_msg m;
	ssize_t n = recv(vm->ctl_fd, &m, sizeof(m), MSG_DONTWAIT);

	if (n == 0)
		hv_stop(vm, HVCTL_REASON_STOPPED, 0, "monitor went away");
	if (n < 0)
		return;
	if ((size_t)n != sizeof(m) || m.version != HVCTL_ABI_VERSION) {
		log_warn("malformed control message ignored");
		return;
	}
	switch (m.type) {
	case HVCTL_CMD_PAUSE:
		atomic_store(&vm->paused, 1);
		vcpu_kick_all(vm);
		break;
	case HVCTL_CMD_UNPAUSE:
		pthread_mutex_lock(&vm->pause_lock);
		atomic_store(&vm->paused, 0);
		pthread_cond_broadcast(&vm->pause_cond);
		pthread_mutex_unlock(&vm->pause_lock);
		break;
	case HVCTL_CMD_STOP:
		hv_stop(vm, HVCTL_REASON_STOPPED, 0, "destroyed");
	case HVCTL_CMD_POWER_BUTTON:
		log_info("power button pressed (reached %u of %u DMs)",
			 ioreq_event(vm, IOREQ_EVENT_POWER_BUTTON),
			 vm->nr_dms);
		break;
	default:
		log_warn("unknown control message %u ignored", m.type);
	}
}

static int hv_all_ready(const struct hv_vm *vm)
{
	unsigned i;

	for (i = 0; i < vm->nr_dms; i++)
		if (!vm->dms[i].ready)
			return 0;
	return 1;
}

/* The main thread: control socket and dm_op sockets until the end. */
static void hv_serve(struct hv_vm *vm)
{
	struct pollfd pfd[1 + HV_MAX_DMS];
	int64_t deadline = util_now_ns() + HV_READY_TIMEOUT_MS * 1000000ll;
	int running = 0;
	unsigned i;

	pfd[0] = (struct pollfd){ .fd = vm->ctl_fd, .events = POLLIN };
	for (i = 0; i < vm->nr_dms; i++)
		pfd[1 + i] = (struct pollfd){ .fd = vm->dms[i].dm_op_fd,
					      .events = POLLIN };
	for (;;) {
		int n = poll(pfd, 1 + vm->nr_dms, running ? -1 : 100);

		if (n < 0 && errno != EINTR)
			hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "poll: %s",
				strerror(errno));
		if (pfd[0].revents)
			hv_ctl_handle(vm);
		for (i = 0; i < vm->nr_dms; i++) {
			if (pfd[1 + i].revents & POLLIN)
				dm_op_handle(vm, &vm->dms[i]);
			else if (pfd[1 + i].revents & (POLLHUP | POLLERR))
				dm_op_dm_gone(vm, &vm->dms[i],
					     "closed its dm_op socket (died?)");
		}
		if (!running && hv_all_ready(vm)) {
			struct hvctl_msg m = { .version = HVCTL_ABI_VERSION,
					       .type = HVCTL_EV_RUNNING };

			/* RUNNING first: a vCPU may stop the domain at once
			 * (the soft CPU reaches a triple fault within
			 * microseconds), and its report must not come before
			 * RUNNING, or the monitor takes a crash that it
			 * should restart for a failed start. */
			running = 1;
			if (send(vm->ctl_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
				hv_stop(vm, HVCTL_REASON_STOPPED, 0,
					"monitor went away");
			if (vcpu_start_all(vm))
				hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
					"cannot start vCPUs");
		} else if (!running && util_now_ns() > deadline) {
			for (i = 0; i < vm->nr_dms; i++)
				if (!vm->dms[i].ready)
					break;
			hv_stop(vm, HVCTL_REASON_DM_FAULT, (int32_t)i,
				"%s not ready within %d ms", vm->dms[i].tag,
				HV_READY_TIMEOUT_MS);
		}
	}
}

int main(int argc, char **argv)
{
	struct hv_vm *vm = &hv_vm;

	/* exec made us dumpable again: no core, no ptrace by our uid. */
	prctl(PR_SET_DUMPABLE, 0);
	if (argc == 2 && !strcmp(argv[1], "--print-allowlist"))
		return hv_seccomp_print();
	log_init("hv", LOG_INFO);
	hv_parse_args(vm, argc, argv);
	hv_setup(vm);
	/* Everything is open and mapped: from here on, the allowlist. */
	if (vm->no_seccomp)
		log_warn("seccomp disabled by the domain config (jail_weaken)");
	else if (hv_seccomp_apply(vm) != 0)
		hv_stop(vm, HVCTL_REASON_HV_ERROR, 0,
			"cannot apply the seccomp allowlist");
	hv_serve(vm);
	return 0;
}
