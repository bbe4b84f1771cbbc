/* SPDX-License-Identifier: MIT */
/*
 * dm_op server: the calls a device model makes into hv, each checked
 * against the DM's manifest before it has any effect.
 *
 * A malformed or refused request gets an error answer and a rate-limited
 * log line; it never stops hv. A DM that sends nothing but garbage is cut
 * off after DM_OP_MAX_BAD_MSGS and its domain stopped, so a flood costs
 * bounded work.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "hv/hv.h"

#define DM_OP_MAX_BAD_MSGS 1000

static int dm_op_granted(const struct hv_dm *dm, uint32_t type,
			uint64_t start, uint64_t end)
{
	unsigned i;

	for (i = 0; i < dm->nr_grants; i++) {
		const struct hv_grant *g = &dm->grants[i];

		if (g->type == type && start >= g->start && end <= g->end)
			return 1;
	}
	return 0;
}

static int dm_op_map(struct hv_vm *vm, struct hv_dm *dm,
		    const struct dm_op_io_range *in)
{
	struct dm_op_io_range r = *in; /* one read of DM data */
	unsigned i;

	if (r.type > DM_OP_RANGE_PCI || r.start > r.end ||
	    (r.flags & ~DM_OP_RANGE_POSTED_WRITES))
		return -EINVAL;
	if (r.type == DM_OP_RANGE_PORT && r.end > 0xffff)
		return -EINVAL;
	if (!dm_op_granted(dm, r.type, r.start, r.end)) {
		log_guest(LOG_WARN,
			  "%s: refused map of type %u 0x%llx-0x%llx: "
			  "outside its manifest",
			  dm->tag, r.type, (unsigned long long)r.start,
			  (unsigned long long)r.end);
		return -EPERM;
	}
	pthread_rwlock_wrlock(&vm->ranges_lock);
	for (i = 0; i < vm->nr_ranges; i++) {
		const struct hv_range *o = &vm->ranges[i];

		if (o->type == r.type && r.start <= o->end &&
		    o->start <= r.end) {
			pthread_rwlock_unlock(&vm->ranges_lock);
			return -EBUSY;
		}
	}
	if (vm->nr_ranges == HV_MAX_RANGES) {
		pthread_rwlock_unlock(&vm->ranges_lock);
		return -ENOSPC;
	}
	vm->ranges[vm->nr_ranges++] = (struct hv_range){
		.type = r.type, .flags = r.flags, .start = r.start,
		.end = r.end, .dm = dm,
	};
	pthread_rwlock_unlock(&vm->ranges_lock);
	return 0;
}

static int dm_op_unmap(struct hv_vm *vm, struct hv_dm *dm,
		      const struct dm_op_io_range *in)
{
	struct dm_op_io_range r = *in;
	unsigned i;

	pthread_rwlock_wrlock(&vm->ranges_lock);
	for (i = 0; i < vm->nr_ranges; i++) {
		struct hv_range *o = &vm->ranges[i];

		if (o->dm == dm && o->type == r.type && o->start == r.start &&
		    o->end == r.end) {
			*o = vm->ranges[--vm->nr_ranges];
			pthread_rwlock_unlock(&vm->ranges_lock);
			return 0;
		}
	}
	pthread_rwlock_unlock(&vm->ranges_lock);
	return -ENOENT;
}

static int dm_op_irq(struct hv_vm *vm, struct hv_dm *dm,
		    const struct dm_op_irq_level *in)
{
	uint32_t irq = in->irq, level = in->level;

	if (irq > 15 || level > 1)
		return -EINVAL;
	if (!(dm->irq_mask & (1u << irq))) {
		log_guest(LOG_WARN, "%s: refused IRQ %u: outside its manifest",
			  dm->tag, irq);
		return -EPERM;
	}
	return hv_irq_set(vm, irq, HV_IRQ_SRC_DM0 + (unsigned)dm->idx,
			  (int)level);
}

/*
 * modified_memory: the DM wrote guest RAM by DMA; the accelerator drops
 * what it decoded there. The range must be guest RAM as hv maps it.
 */
static int dm_op_modified(struct hv_vm *vm, struct hv_dm *dm,
			 const struct dm_op_modified_memory *in)
{
	uint64_t gpa = in->gpa, len = in->len; /* one read of DM data */

	if (!vm->mem.base || len == 0 || gpa + len < gpa ||
	    !guestmem_ptr(&vm->mem, gpa, len)) {
		log_guest(LOG_WARN,
			  "%s: refused modified_memory 0x%llx+0x%llx: "
			  "not guest RAM",
			  dm->tag, (unsigned long long)gpa,
			  (unsigned long long)len);
		return -EINVAL;
	}
	vm->accel->ram_written(vm, gpa, len);
	return 0;
}

static __attribute__((noreturn)) void
dm_op_shutdown(struct hv_vm *vm, struct hv_dm *dm,
			  const struct dm_op_shutdown *in)
{
	uint32_t reason = in->reason, code = in->code;

	switch (reason) {
	case DM_OP_SHUTDOWN_POWEROFF:
		hv_stop(vm, HVCTL_REASON_POWEROFF, 0, "guest powered off");
	case DM_OP_SHUTDOWN_REBOOT:
		hv_stop(vm, HVCTL_REASON_REBOOT, 0, "guest rebooted");
	case DM_OP_SHUTDOWN_CRASH:
		hv_stop(vm, HVCTL_REASON_CRASH, 0, "guest crashed");
	default:
		/* isa-debug-exit: (value << 1) | 1, as the host sees it. */
		hv_stop(vm, HVCTL_REASON_DEBUG_EXIT, (int32_t)(code & 0xff),
			"guest exited through the debug port with status %u",
			code & 0xff);
	}
}

static int dm_op_dispatch(struct hv_vm *vm, struct hv_dm *dm,
			 const struct dm_op_req *req, struct dm_op_resp *resp)
{
	static const uint32_t lens[DM_OP_MAX] = {
		[DM_OP_MAP_IO_RANGE] = sizeof(struct dm_op_io_range),
		[DM_OP_UNMAP_IO_RANGE] = sizeof(struct dm_op_io_range),
		[DM_OP_SET_ISA_IRQ_LEVEL] = sizeof(struct dm_op_irq_level),
		[DM_OP_REMOTE_SHUTDOWN] = sizeof(struct dm_op_shutdown),
		[DM_OP_SET_PCI_INTX_LEVEL] = sizeof(struct dm_op_intx_level),
		[DM_OP_SET_PCI_LINK_ROUTE] = sizeof(struct dm_op_link_route),
		[DM_OP_SET_MEM_TYPE] = sizeof(struct dm_op_set_mem),
		[DM_OP_MODIFIED_MEMORY] =
			sizeof(struct dm_op_modified_memory),
	};

	if (req->version != DM_OP_ABI_VERSION || req->op == 0 ||
	    req->op >= DM_OP_MAX || req->len != lens[req->op])
		return -EINVAL;
	switch (req->op) {
	case DM_OP_MAP_IO_RANGE:
		/* Also while running (a guest moves a PCI BAR), but only
		 * ever inside the manifest. */
		return dm_op_map(vm, dm, &req->u.range);
	case DM_OP_UNMAP_IO_RANGE:
		return dm_op_unmap(vm, dm, &req->u.range);
	case DM_OP_SET_ISA_IRQ_LEVEL:
		return dm_op_irq(vm, dm, &req->u.irq);
	case DM_OP_REMOTE_SHUTDOWN:
		if (!dm->may_shutdown) {
			log_guest(LOG_WARN, "%s: refused remote_shutdown: "
				  "outside its manifest", dm->tag);
			return -EPERM;
		}
		if (req->u.shutdown.reason > DM_OP_SHUTDOWN_DEBUG_EXIT)
			return -EINVAL;
		dm_op_shutdown(vm, dm, &req->u.shutdown);
	case DM_OP_NR_VCPUS:
		resp->u.nr_vcpus = vm->nr_vcpus;
		resp->len = sizeof(resp->u.nr_vcpus);
		return 0;
	case DM_OP_READY:
		dm->ready = 1;
		return 0;
	case DM_OP_SET_PCI_INTX_LEVEL: {
		struct dm_op_intx_level l = req->u.intx;

		return pci_set_intx(vm, dm, l.bdf, l.pin, l.level);
	}
	case DM_OP_SET_MEM_TYPE: {
		struct dm_op_set_mem m = req->u.mem;

		if (!dm->may_pam) {
			log_guest(LOG_WARN, "%s: refused set_mem_type: "
				  "outside its manifest", dm->tag);
			return -EPERM;
		}
		return firmware_set_pam(vm, m.start, m.size, m.type);
	}
	case DM_OP_SET_PCI_LINK_ROUTE: {
		struct dm_op_link_route l = req->u.link;

		if (!dm->may_route) {
			log_guest(LOG_WARN, "%s: refused set_pci_link_route: "
				  "outside its manifest", dm->tag);
			return -EPERM;
		}
		return pci_set_link_route(vm, l.link, l.irq);
	}
	case DM_OP_MODIFIED_MEMORY: {
		struct dm_op_modified_memory m = req->u.modified;

		return dm_op_modified(vm, dm, &m);
	}
	}
	return -EINVAL;
}

/* dm_op_dm_gone - marks a DM dead and reports it (vm->dm_fault). */
void dm_op_dm_gone(struct hv_vm *vm, struct hv_dm *dm, const char *why)
{
	atomic_store(&dm->dead, 1);
	vm->dm_fault(vm, dm, "%s %s", dm->tag, why);
}

/* dm_op_handle - serves one message from the DM's socket. */
void dm_op_handle(struct hv_vm *vm, struct hv_dm *dm)
{
	struct dm_op_req req;
	struct dm_op_resp resp;
	ssize_t n;
	int status;

	n = recv(dm->dm_op_fd, &req, sizeof(req), MSG_DONTWAIT | MSG_TRUNC);
	if (n == 0) {
		dm_op_dm_gone(vm, dm, "closed its dm_op socket");
		return;
	}
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		dm_op_dm_gone(vm, dm, "dm_op socket failed");
		return;
	}
	memset(&resp, 0, sizeof(resp));
	resp.version = DM_OP_ABI_VERSION;
	if ((size_t)n != sizeof(req)) {
		status = -EMSGSIZE;
	} else {
		resp.seq = req.seq;
		status = dm_op_dispatch(vm, dm, &req, &resp);
	}
	if (status == -EINVAL || status == -EMSGSIZE) {
		log_guest(LOG_WARN, "%s: malformed dm_op (%zd bytes)", dm->tag,
			  n);
		if (++dm->bad_msgs > DM_OP_MAX_BAD_MSGS)
			vm->dm_fault(vm, dm,
				     "%s: too many malformed dm_op messages",
				     dm->tag);
	}
	resp.status = status;
	if (send(dm->dm_op_fd, &resp, sizeof(resp), MSG_DONTWAIT | MSG_NOSIGNAL) <
	    0 && errno != EAGAIN)
		dm_op_dm_gone(vm, dm, "dm_op socket failed on send");
}
