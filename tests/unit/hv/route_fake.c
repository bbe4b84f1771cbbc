/* SPDX-License-Identifier: MIT */
/*
 * Fakes for the routing-core unit tests; see route_fake.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "route_fake.h"

struct route_accel_log route_accel_log;
struct route_fault_log route_fault_log;
_Thread_local jmp_buf *route_fault_jmp;

static pthread_mutex_t route_log_lock = PTHREAD_MUTEX_INITIALIZER;

void route_logs_reset(void)
{
	pthread_mutex_lock(&route_log_lock);
	memset(&route_accel_log, 0, sizeof(route_accel_log));
	memset(&route_fault_log, 0, sizeof(route_fault_log));
	pthread_mutex_unlock(&route_log_lock);
}

static void __attribute__((noreturn)) route_die(const char *what)
{
	perror(what);
	abort();
}

/* ---- the fake accelerator ---- */

static int route_set_irq(struct hv_vm *vm, unsigned gsi, int level)
{
	pthread_mutex_lock(&route_log_lock);
	if (gsi < HV_NR_GSIS) {
		route_accel_log.level[gsi] = level;
		route_accel_log.set_irq_calls[gsi]++;
	}
	route_accel_log.irq_event = ++route_accel_log.event;
	pthread_mutex_unlock(&route_log_lock);
	return 0;
}

static void route_ram_written(struct hv_vm *vm, uint64_t gpa, uint64_t len)
{
	pthread_mutex_lock(&route_log_lock);
	route_accel_log.ram_written_calls++;
	route_accel_log.ram_gpa = gpa;
	route_accel_log.ram_len = len;
	route_accel_log.ram_event = ++route_accel_log.event;
	pthread_mutex_unlock(&route_log_lock);
}

static int route_set_slot(struct hv_vm *vm, unsigned slot, uint64_t gpa,
			  uint64_t size, void *host, int readonly)
{
	return 0;
}

static void route_kick_all(struct hv_vm *vm)
{
}

const struct hv_accel route_fake_accel = {
	.name = "fake",
	.set_irq = route_set_irq,
	.kick_all = route_kick_all,
	.set_slot = route_set_slot,
	.ram_written = route_ram_written,
};

/* ---- reports: vm->dm_fault and hv_stop ---- */

static void __attribute__((noreturn)) route_jump(const char *kind)
{
	if (!route_fault_jmp) {
		fprintf(stderr, "unexpected %s: %s\n", kind,
			route_fault_log.text);
		abort();
	}
	longjmp(*route_fault_jmp, 1);
}

static void __attribute__((format(printf, 3, 4), noreturn))
route_dm_fault(struct hv_vm *vm, struct hv_dm *dm, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&route_log_lock);
	route_fault_log.faults++;
	route_fault_log.dm = dm;
	va_start(ap, fmt);
	vsnprintf(route_fault_log.text, sizeof(route_fault_log.text), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&route_log_lock);
	route_jump("DM fault");
}

/* hv_stop (main.c in safepc-hv): what the routing core calls for
 * everything that is not a DM fault (a guest shutdown, an hv error). */
void hv_stop(struct hv_vm *vm, uint32_t reason, int32_t code,
	     const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&route_log_lock);
	route_fault_log.stops++;
	route_fault_log.stop_reason = reason;
	route_fault_log.stop_code = code;
	va_start(ap, fmt);
	vsnprintf(route_fault_log.text, sizeof(route_fault_log.text), fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&route_log_lock);
	route_jump("hv_stop");
}

/* ---- the fake VM ---- */

void route_fake_reset_page(struct route_fake *f, unsigned idx)
{
	struct hv_dm *dm = &f->vm.dms[idx];
	int fd;

	if (dm->page)
		munmap(dm->page, IOREQ_PAGE_BYTES);
	dm->page = NULL;
	fd = dup(f->fds[idx].ioreq_fd);
	if (fd < 0 || ioreq_dm_init(&f->vm, dm, fd))
		route_die("ioreq_dm_init");
}

void route_fake_init(struct route_fake *f, unsigned nr_dms, int timeout_ms)
{
	struct hv_vm *vm = &f->vm;
	unsigned i;
	int sv[2];

	memset(f, 0, sizeof(*f));
	snprintf(vm->tag, sizeof(vm->tag), "test");
	vm->accel = &route_fake_accel;
	vm->dm_fault = route_dm_fault;
	vm->dm_timeout_ns = (int64_t)timeout_ms * 1000000;
	vm->floor_port = -1;
	vm->kvm_fd = vm->vm_fd = vm->ctl_fd = vm->kernel_fd = -1;
	pthread_rwlock_init(&vm->ranges_lock, NULL);
	pthread_mutex_init(&vm->irq_lock, NULL);
	pthread_mutex_init(&vm->pam_lock, NULL);
	pci_init(vm);

	vm->nr_vcpus = 1;
	vm->vcpus[0].id = 0;
	vm->vcpus[0].fd = -1;
	vm->vcpus[0].vm = vm;
	vm->vcpus[0].spin_ns = 50000;

	f->ram_fd = memfd_create("route-ram", 0);
	if (f->ram_fd < 0 || ftruncate(f->ram_fd, ROUTE_RAM_BYTES))
		route_die("guest RAM");
	vm->ram_fd = f->ram_fd;
	vm->ram_bytes = ROUTE_RAM_BYTES;
	guestmem_layout(vm->ram_bytes, &vm->mem.low_size, &vm->mem.high_size);
	vm->mem.base = mmap(NULL, ROUTE_RAM_BYTES, PROT_READ | PROT_WRITE,
			    MAP_SHARED, f->ram_fd, 0);
	if (vm->mem.base == MAP_FAILED)
		route_die("mapping guest RAM");

	for (i = 0; i < nr_dms; i++) {
		struct hv_dm *dm = &vm->dms[i];

		dm->idx = (int)i;
		snprintf(dm->tag, sizeof(dm->tag), "dm%u", i);
		pthread_mutex_init(&dm->buf_lock, NULL);
		if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
			route_die("socketpair");
		dm->dm_op_fd = sv[0];
		f->fds[i].dm_op_peer = sv[1];
		f->fds[i].evt_fd = eventfd(0, EFD_NONBLOCK);
		dm->evt_fd = f->fds[i].evt_fd;
		f->fds[i].ioreq_fd = memfd_create("route-ioreq", 0);
		if (f->fds[i].evt_fd < 0 || f->fds[i].ioreq_fd < 0 ||
		    ftruncate(f->fds[i].ioreq_fd, IOREQ_PAGE_BYTES))
			route_die("DM fds");
		route_fake_reset_page(f, i);
	}
	vm->nr_dms = nr_dms;
	route_logs_reset();
}

void route_fake_fini(struct route_fake *f)
{
	struct hv_vm *vm = &f->vm;
	unsigned i;

	for (i = 0; i < vm->nr_dms; i++) {
		if (vm->dms[i].page)
			munmap(vm->dms[i].page, IOREQ_PAGE_BYTES);
		close(vm->dms[i].dm_op_fd);
		close(f->fds[i].dm_op_peer);
		close(f->fds[i].evt_fd);
		close(f->fds[i].ioreq_fd);
	}
	munmap(vm->mem.base, ROUTE_RAM_BYTES);
	close(f->ram_fd);
}

void route_fake_grant(struct route_fake *f, unsigned idx, uint32_t type,
		      uint64_t start, uint64_t end)
{
	struct hv_dm *dm = &f->vm.dms[idx];

	if (dm->nr_grants == HV_MAX_GRANTS)
		abort();
	dm->grants[dm->nr_grants++] = (struct hv_grant){
		.type = type, .start = start, .end = end,
	};
}

void route_fake_route(struct route_fake *f, unsigned idx, uint32_t type,
		      uint64_t start, uint64_t end, uint32_t flags)
{
	struct hv_vm *vm = &f->vm;

	pthread_rwlock_wrlock(&vm->ranges_lock);
	if (vm->nr_ranges == HV_MAX_RANGES)
		abort();
	vm->ranges[vm->nr_ranges++] = (struct hv_range){
		.type = type, .flags = flags, .start = start, .end = end,
		.dm = &vm->dms[idx],
	};
	pthread_rwlock_unlock(&vm->ranges_lock);
}
