/* SPDX-License-Identifier: MIT */
/*
 * The hv side of the ioreq channel: route an access to the DM that claimed
 * it, publish it in the vCPU's slot, wait for the answer and check it.
 *
 * The DM is hostile. hv reads each DM-written word once, accepts only the
 * transitions READY -> INPROCESS -> RESP_READY, requires the echoed request
 * fields to be unchanged, and bounds its wait; any violation is a DM fault,
 * reported once through vm->dm_fault (which stops the domain, and never
 * returns). hv never trusts a length from the DM: the sizes
 * used are hv's own copies.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/futex.h"
#include "common/log.h"
#include "common/util.h"
#include "hv/hv.h"

/* The DM's heartbeat must move at least this often for hv to spin. */
#define IOREQ_BEAT_STALL_NS 3000
/* How long one futex sleep lasts before liveness is checked again. */
#define IOREQ_SLEEP_SLICE_NS 20000000

/* ioreq_dm_init - maps a DM's ioreq page and initialises its header. */
int ioreq_dm_init(struct hv_vm *vm, struct hv_dm *dm, int ioreq_fd)
{
	struct ioreq_page *p;

	p = mmap(NULL, IOREQ_PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
		 ioreq_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	memset(p, 0, IOREQ_PAGE_BYTES);
	p->hdr.magic = IOREQ_MAGIC;
	p->hdr.version = IOREQ_ABI_VERSION;
	p->hdr.nr_slots = vm->nr_vcpus;
	dm->page = p;
	close(ioreq_fd);
	return 0;
}

/* Looks up the range covering [addr, addr + len); NULL if none. */
static int ioreq_lookup(struct hv_vm *vm, uint32_t type, uint64_t addr,
			uint64_t len, struct hv_range *out)
{
	unsigned i;
	int found = 0;

	pthread_rwlock_rdlock(&vm->ranges_lock);
	for (i = 0; i < vm->nr_ranges; i++) {
		const struct hv_range *r = &vm->ranges[i];

		if (r->type == type && addr >= r->start &&
		    addr + len - 1 <= r->end) {
			*out = *r;
			found = 1;
			break;
		}
	}
	pthread_rwlock_unlock(&vm->ranges_lock);
	return found;
}

static void ioreq_notify(struct hv_dm *dm)
{
	static const uint64_t one = 1;

	__atomic_fetch_add(&dm->page->hdr.dm_wake, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&dm->page->hdr.dm_sleeping, __ATOMIC_SEQ_CST)) {
		if (write(dm->evt_fd, &one, sizeof(one)) < 0 &&
		    errno != EAGAIN)
			log_guest(LOG_WARN, "waking %s: %s", dm->tag,
				  strerror(errno));
	}
}

/* Posts a write into the DM's ring; 0, or -ENOSPC when full. */
static int ioreq_post(struct hv_vm *vm, struct hv_dm *dm, uint32_t type,
		      uint64_t addr, unsigned size, uint32_t data)
{
	struct ioreq_header *h = &dm->page->hdr;
	uint32_t prod, cons;
	struct ioreq_buf_entry *e;

	pthread_mutex_lock(&dm->buf_lock);
	prod = h->buf_prod;
	cons = __atomic_load_n(&h->buf_cons, __ATOMIC_ACQUIRE);
	if (prod - cons > IOREQ_BUF_SLOTS) {
		pthread_mutex_unlock(&dm->buf_lock);
		vm->dm_fault(vm, dm,
			     "%s: ring consumer index %u out of range "
			     "(producer %u)",
			     dm->tag, cons, prod);
	}
	if (prod - cons == IOREQ_BUF_SLOTS) {
		pthread_mutex_unlock(&dm->buf_lock);
		return -ENOSPC;
	}
	e = &dm->page->ring[prod % IOREQ_BUF_SLOTS];
	e->addr = addr;
	e->data = data;
	e->type = (uint8_t)type;
	e->size = (uint8_t)size;
	__atomic_store_n(&h->buf_prod, prod + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&dm->buf_lock);
	ioreq_notify(dm);
	return 0;
}

/* How long an event waits for room in a full ring (the DM drains it as
 * soon as it runs; a DM that never does is stuck, and the event is lost). */
#define IOREQ_EVENT_WAIT_NS 100000000ll

unsigned ioreq_event(struct hv_vm *vm, uint32_t event)
{
	unsigned i, reached = 0;

	for (i = 0; i < vm->nr_dms; i++) {
		struct hv_dm *dm = &vm->dms[i];
		int64_t until = util_now_ns() + IOREQ_EVENT_WAIT_NS;
		int r;

		/* A full ring: sleep 1 ms at a time (the DM wakes nobody
		 * when it consumes, so this is a timed sleep, not a wait). */
		while ((r = ioreq_post(vm, dm, IOREQ_TYPE_EVENT, event, 4,
				       0)) == -ENOSPC &&
		       util_now_ns() < until)
			(void)futex_wait_shared(&dm->page->hdr.buf_cons,
						__atomic_load_n(
							&dm->page->hdr.buf_cons,
							__ATOMIC_ACQUIRE),
						1000000);
		if (r)
			log_guest(LOG_WARN, "%s: event %u not delivered: its "
				  "ring stays full", dm->tag, event);
		else
			reached++;
	}
	return reached;
}

/*
 * Waits for the DM's answer in `slot`. Returns when RESP_READY was seen;
 * reports a DM fault on any other outcome.
 */
static void ioreq_wait(struct hv_vcpu *vcpu, struct hv_dm *dm,
		       struct ioreq_slot *slot)
{
	struct hv_vm *vm = vcpu->vm;
	int64_t start = util_now_ns(), now = start, beat_at = start;
	uint32_t beat = __atomic_load_n(&dm->page->hdr.dm_heartbeat,
					__ATOMIC_RELAXED);
	uint32_t s;
	unsigned n = 0;

	/*
	 * Phase 1: spin, but only while the DM is on a CPU. Its heartbeat
	 * moves while it spins or serves; if it stalls with our request not
	 * yet taken, the DM sleeps or waits for a CPU (perhaps ours), and
	 * spinning would only delay it: sleep at once.
	 */
	for (;;) {
		s = __atomic_load_n(&slot->state, __ATOMIC_ACQUIRE);
		if (s == IOREQ_STATE_RESP_READY)
			return;
		if (s != IOREQ_STATE_READY && s != IOREQ_STATE_INPROCESS)
			goto bad_state;
		cpu_relax();
		if (++n % 32)
			continue;
		now = util_now_ns();
		if (now - start >= vcpu->spin_ns)
			break;
		if (s == IOREQ_STATE_READY) {
			uint32_t b = __atomic_load_n(&dm->page->hdr.dm_heartbeat,
						     __ATOMIC_RELAXED);

			if (b != beat) {
				beat = b;
				beat_at = now;
			} else if (now - beat_at > IOREQ_BEAT_STALL_NS) {
				break;
			}
		}
	}

	/* Phase 2: sleep on the state word, checking liveness. */
	__atomic_store_n(&slot->hv_waiting, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		s = __atomic_load_n(&slot->state, __ATOMIC_SEQ_CST);
		if (s == IOREQ_STATE_RESP_READY)
			break;
		if (s != IOREQ_STATE_READY && s != IOREQ_STATE_INPROCESS)
			goto bad_state;
		if (atomic_load(&dm->dead))
			vm->dm_fault(vm, dm, "%s died while serving a request",
				     dm->tag);
		now = util_now_ns();
		if (now - start > vm->dm_timeout_ns)
			vm->dm_fault(vm, dm, "%s did not answer within %lld ms",
				     dm->tag,
				     (long long)(vm->dm_timeout_ns / 1000000));
		futex_wait_shared(&slot->state, s, IOREQ_SLEEP_SLICE_NS);
	}
	__atomic_store_n(&slot->hv_waiting, 0, __ATOMIC_RELAXED);
	return;

bad_state:
	vm->dm_fault(vm, dm, "%s: invalid ioreq state %u in slot %d", dm->tag,
		     s, vcpu->id);
}

/*
 * Sends one request to `dm` through the vCPU's slot and copies a read's
 * answer into `data`. `data` holds count * size bytes.
 */
static void ioreq_send(struct hv_vcpu *vcpu, struct hv_dm *dm, uint32_t type,
		       uint64_t addr, unsigned size, unsigned count,
		       int is_write, uint8_t *data)
{
	struct hv_vm *vm = vcpu->vm;
	struct ioreq_slot *slot = &dm->page->slot[vcpu->id];
	size_t bytes = (size_t)size * count;
	uint32_t seq;
	uint64_t v = 0;

	if (atomic_load(&dm->dead))
		vm->dm_fault(vm, dm, "%s is gone", dm->tag);
	if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) !=
	    IOREQ_STATE_NONE)
		vm->dm_fault(vm, dm, "%s: slot %d busy before a request",
			     dm->tag, vcpu->id);
	seq = slot->seq + 1;
	slot->seq = seq;
	slot->type = (uint8_t)type;
	slot->dir = is_write ? IOREQ_DIR_WRITE : IOREQ_DIR_READ;
	slot->size = (uint8_t)size;
	slot->addr = addr;
	slot->count = count;
	slot->vcpu = (uint32_t)vcpu->id;
	slot->hv_cpu = (uint32_t)sched_getcpu();
	slot->data = 0;
	if (is_write) {
		if (count == 1)
			memcpy(&v, data, size), slot->data = v;
		else
			memcpy(slot->buf, data, bytes);
	}
	__atomic_store_n(&slot->state, IOREQ_STATE_READY, __ATOMIC_SEQ_CST);
	ioreq_notify(dm);

	ioreq_wait(vcpu, dm, slot);

	/* The echoed request must be what hv sent; each DM-written field is
	 * read once, and the values checked are the values logged. */
	{
		uint32_t e_seq = __atomic_load_n(&slot->seq, __ATOMIC_RELAXED);
		uint64_t e_addr = __atomic_load_n(&slot->addr, __ATOMIC_RELAXED);
		uint32_t e_count = __atomic_load_n(&slot->count,
						   __ATOMIC_RELAXED);
		uint8_t e_size = __atomic_load_n(&slot->size, __ATOMIC_RELAXED);
		uint8_t e_type = __atomic_load_n(&slot->type, __ATOMIC_RELAXED);
		uint8_t e_dir = __atomic_load_n(&slot->dir, __ATOMIC_RELAXED);

		if (e_seq != seq || e_addr != addr || e_size != size ||
		    e_count != count || e_type != type ||
		    e_dir != (is_write ? IOREQ_DIR_WRITE : IOREQ_DIR_READ))
			vm->dm_fault(vm, dm,
				     "%s: answer does not match the request "
				     "(size %u count %u seq %u)",
				     dm->tag, e_size, e_count, e_seq);
	}
	if (!is_write) {
		if (count == 1) {
			v = slot->data;
			memcpy(data, &v, size);
		} else {
			memcpy(data, slot->buf, bytes);
		}
	}
	__atomic_store_n(&slot->state, IOREQ_STATE_NONE, __ATOMIC_RELEASE);
}

/* ioreq_pio - handles a port access (string I/O when count > 1). */
void ioreq_pio(struct hv_vcpu *vcpu, uint16_t port, unsigned size,
	       unsigned count, int is_write, uint8_t *data)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_range r;
	size_t bytes = (size_t)size * count;

	if (size != 1 && size != 2 && size != 4)
		hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "PIO of %u bytes",
			size);
	if (pci_pio(vcpu, port, size, count, is_write, data))
		return;
	if (vm->floor_port == port) {
		/* Benchmark floor: hv itself answers, as a scratch register
		 * (the last byte written), the same port a DM would. */
		if (is_write)
			vm->floor_val = data[bytes - 1];
		else
			memset(data, vm->floor_val, bytes);
		return;
	}
	if (!ioreq_lookup(vm, DM_OP_RANGE_PORT, port, size, &r)) {
		/* Nobody decodes it: reads float high, writes vanish. */
		if (!is_write)
			memset(data, 0xff, bytes);
		return;
	}
	if (is_write && count == 1 && (r.flags & DM_OP_RANGE_POSTED_WRITES)) {
		uint32_t v = 0;

		memcpy(&v, data, size);
		if (ioreq_post(vm, r.dm, IOREQ_TYPE_PIO, port, size, v) == 0)
			return;
	}
	while (count) {
		unsigned n = count;

		if ((size_t)n * size > IOREQ_DATA_BYTES)
			n = IOREQ_DATA_BYTES / size;
		ioreq_send(vcpu, r.dm, IOREQ_TYPE_PIO, port, size, n,
			   is_write, data);
		data += (size_t)n * size;
		count -= n;
	}
}

/* ioreq_mmio - handles an MMIO access of 1 to 8 bytes. */
void ioreq_mmio(struct hv_vcpu *vcpu, uint64_t gpa, unsigned size,
		int is_write, uint8_t *data)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_range r;

	if (size == 0 || size > 8)
		hv_stop(vm, HVCTL_REASON_HV_ERROR, 0, "MMIO of %u bytes",
			size);
	if (firmware_mmio(vm, gpa, size, is_write, data))
		return;
	if (!ioreq_lookup(vm, DM_OP_RANGE_MMIO, gpa, size, &r)) {
		if (!is_write)
			memset(data, 0xff, size);
		return;
	}
	ioreq_send(vcpu, r.dm, IOREQ_TYPE_MMIO, gpa, size, 1, is_write, data);
}

/* ioreq_find_pci - the DM that claimed PCI function `bdf`; 1 if any. */
int ioreq_find_pci(struct hv_vm *vm, uint32_t bdf, struct hv_dm **dm)
{
	struct hv_range r;

	if (!ioreq_lookup(vm, DM_OP_RANGE_PCI, bdf, 1, &r))
		return 0;
	*dm = r.dm;
	return 1;
}

/* ioreq_pci_config - one configuration-space access to a DM's function. */
void ioreq_pci_config(struct hv_vcpu *vcpu, struct hv_dm *dm, uint32_t bdf,
		      unsigned reg, unsigned size, int is_write,
		      uint8_t *data)
{
	ioreq_send(vcpu, dm, IOREQ_TYPE_PCI_CONFIG,
		   ((uint64_t)bdf << 16) | reg, size, 1, is_write, data);
}
