/* SPDX-License-Identifier: MIT */
/*
 * The DM side of the hv<->DM interface: synchronous dm_op calls, and the
 * ioreq loop that serves the guest's accesses.
 *
 * Waiting is adaptive: after the last request the DM spins on the shared
 * page for `spin_ns` (cheap answers for bursts of I/O), then announces
 * that it sleeps and blocks in poll() on its eventfd, the console and the
 * next device timer. An idle domain therefore burns no CPU. The spin grows
 * when work arrives soon after falling asleep and shrinks when sleeps are
 * long.
 *
 * DMA coherence: what the devices wrote into guest RAM is reported to hv
 * (dm_op modified_memory) after every device callback, before the ioreq's
 * answer, and before any other dm_op (an IRQ), so that an accelerator
 * caching decoded code never lets the guest see a transfer finish first.
 */
#include <errno.h>
#include <sched.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/futex.h"
#include "common/log.h"
#include "dm/dm.h"

#define DM_SPIN_MIN_NS 5000
#define DM_SPIN_MAX_NS 200000
#define DM_SPIN_START_NS 100000

int dm_op_call(struct dm *dm, uint32_t op, const void *payload, uint32_t len,
	       struct dm_op_resp *resp)
{
	struct dm_op_req req;
	struct dm_op_resp tmp;
	ssize_t n;

	if (!resp)
		resp = &tmp;
	if (len > sizeof(req.u))
		return -EINVAL;
	/* Whatever this op makes visible (an IRQ, above all) comes after
	 * hv knows which guest RAM DMA wrote. */
	if (op != DM_OP_MODIFIED_MEMORY)
		(void)dm_ram_flush(dm);
	memset(&req, 0, sizeof(req));
	req.version = DM_OP_ABI_VERSION;
	req.op = op;
	req.seq = ++dm->dm_op_seq;
	req.len = len;
	if (len)
		memcpy(&req.u, payload, len);
	if (send(dm->dm_op_fd, &req, sizeof(req), MSG_NOSIGNAL) < 0)
		return -errno;
	do
		n = recv(dm->dm_op_fd, resp, sizeof(*resp), 0);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		log_info("hv closed the dm_op socket; exiting");
		_exit(0);
	}
	if (n != sizeof(*resp) || resp->seq != req.seq)
		return -EPROTO;
	return resp->status;
}

int dm_ram_flush(struct dm *dm)
{
	struct dm_op_modified_memory m = { .gpa = dm->dirty_gpa,
					   .len = dm->dirty_len };
	int err;

	if (!m.len)
		return 0;
	dm->dirty_len = 0;
	err = dm_op_call(dm, DM_OP_MODIFIED_MEMORY, &m, sizeof(m), NULL);
	if (err)
		log_guest(LOG_WARN, "modified_memory(0x%llx, 0x%llx): %s",
			  (unsigned long long)m.gpa,
			  (unsigned long long)m.len, strerror(-err));
	return err;
}

void dm_ram_dirty(struct dm *dm, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len;

	if (!len || end < gpa)
		return; /* nothing written; callers checked the range */
	if (dm->dirty_len) {
		uint64_t d_end = dm->dirty_gpa + dm->dirty_len;

		/* Overlapping or touching: one range covers both. */
		if (gpa <= d_end && dm->dirty_gpa <= end) {
			if (gpa < dm->dirty_gpa)
				dm->dirty_gpa = gpa;
			dm->dirty_len = (end > d_end ? end : d_end) -
					dm->dirty_gpa;
			return;
		}
		(void)dm_ram_flush(dm);
	}
	dm->dirty_gpa = gpa;
	dm->dirty_len = len;
}

int dm_map_range(struct dm *dm, struct dm_dev *dev, uint32_t type,
		 uint64_t start, uint64_t end, uint32_t flags)
{
	struct dm_op_io_range r = { .type = type, .flags = flags,
				    .start = start, .end = end };
	int err;

	if (dm->nr_ranges == DM_MAX_RANGES)
		return -ENOSPC;
	err = dm_op_call(dm, DM_OP_MAP_IO_RANGE, &r, sizeof(r), NULL);
	if (err)
		return err;
	dm->ranges[dm->nr_ranges++] = (struct dm_range){
		.type = type, .start = start, .end = end, .dev = dev,
	};
	return 0;
}

int dm_unmap_range(struct dm *dm, uint32_t type, uint64_t start,
		   uint64_t end)
{
	struct dm_op_io_range r = { .type = type, .start = start, .end = end };
	unsigned i;
	int err = dm_op_call(dm, DM_OP_UNMAP_IO_RANGE, &r, sizeof(r), NULL);

	if (err)
		return err;
	for (i = 0; i < dm->nr_ranges; i++) {
		if (dm->ranges[i].type == type && dm->ranges[i].start == start &&
		    dm->ranges[i].end == end) {
			dm->ranges[i] = dm->ranges[--dm->nr_ranges];
			break;
		}
	}
	return 0;
}

int dm_set_irq(struct dm *dm, unsigned irq, int level)
{
	struct dm_op_irq_level l = { .irq = irq, .level = level ? 1 : 0 };
	int err = dm_op_call(dm, DM_OP_SET_ISA_IRQ_LEVEL, &l, sizeof(l), NULL);

	if (err)
		log_guest(LOG_WARN, "set_isa_irq_level(%u, %d): %s", irq,
			  level, strerror(-err));
	return err;
}

void dm_console_flush(struct dm *dm, int wait_ms)
{
	int64_t end = util_now_ns() + (int64_t)wait_ms * 1000000;

	while (dm->con_len && dm->console_fd >= 0) {
		ssize_t n = write(dm->console_fd, dm->con_buf, dm->con_len);
		struct pollfd p = { .fd = dm->console_fd, .events = POLLOUT };
		int64_t left;

		if (n > 0) {
			memmove(dm->con_buf, dm->con_buf + n,
				dm->con_len - (size_t)n);
			dm->con_len -= (unsigned)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			dm->console_dropped += dm->con_len;
			dm->con_len = 0;
			return;
		}
		left = end - util_now_ns();
		if (left <= 0)
			return;
		(void)poll(&p, 1, (int)(left / 1000000) + 1);
	}
}

void dm_console_put(struct dm *dm, uint8_t byte)
{
	if (dm->console_fd < 0)
		return;
	if (dm->con_len == sizeof(dm->con_buf))
		dm_console_flush(dm, 0);
	if (dm->con_len == sizeof(dm->con_buf)) {
		dm->console_dropped++; /* a stalled console never stalls us */
		return;
	}
	dm->con_buf[dm->con_len++] = byte;
}

int dm_shutdown(struct dm *dm, uint32_t reason, uint32_t code)
{
	struct dm_op_shutdown s = { .reason = reason, .code = code };

	/* The guest's last words first: hv's report ends the domain. */
	dm_console_flush(dm, 500);
	return dm_op_call(dm, DM_OP_REMOTE_SHUTDOWN, &s, sizeof(s), NULL);
}

static struct dm_dev *channel_lookup(struct dm *dm, uint32_t type,
				     uint64_t addr, unsigned size)
{
	unsigned i;

	/* A PCI configuration access names its function in addr's upper
	 * bits: ranges of that type are BDFs. */
	if (type == IOREQ_TYPE_PCI_CONFIG) {
		addr >>= 16;
		size = 1;
	}
	for (i = 0; i < dm->nr_ranges; i++) {
		const struct dm_range *r = &dm->ranges[i];

		if (r->type == type && addr >= r->start &&
		    addr + size - 1 <= r->end)
			return r->dev;
	}
	return NULL;
}

static uint64_t channel_read(struct dm *dm, uint32_t type, uint64_t addr,
			     unsigned size)
{
	struct dm_dev *dev = channel_lookup(dm, type, addr, size);

	uint64_t v;

	if (!dev || !dev->ops->read)
		return ~0ull;
	v = dev->ops->read(dev, type, addr, size);
	/* A read may start DMA too (a FIFO pop): report before answering. */
	(void)dm_ram_flush(dm);
	return v;
}

static void channel_write(struct dm *dm, uint32_t type, uint64_t addr,
			  unsigned size, uint64_t val)
{
	struct dm_dev *dev = channel_lookup(dm, type, addr, size);

	if (dev && dev->ops->write) {
		dev->ops->write(dev, type, addr, size, val);
		/* Before the answer (or the next request's) shows the guest
		 * a completed DMA. */
		(void)dm_ram_flush(dm);
	}
}

/* Serves one request from a slot; the slot's fields come from hv. */
static void channel_serve_slot(struct dm *dm, struct ioreq_slot *slot)
{
	unsigned size = slot->size, count = slot->count, i;
	uint32_t type = slot->type;
	uint64_t addr = slot->addr, mask;

	dm->last_hv_cpu = slot->hv_cpu;

#ifdef DM_TEST_HOOKS
	if (dm_test_serve_hook(dm, slot))
		return;
#endif
	__atomic_store_n(&slot->state, IOREQ_STATE_INPROCESS,
			 __ATOMIC_RELAXED);
	if ((size != 1 && size != 2 && size != 4 && size != 8) || count == 0 ||
	    (uint64_t)count * size > IOREQ_DATA_BYTES) {
		log_guest(LOG_WARN, "malformed ioreq (size %u count %u)", size,
			  count);
		goto done;
	}
	mask = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
	if (slot->dir == IOREQ_DIR_READ) {
		if (count == 1) {
			slot->data = channel_read(dm, type, addr, size) & mask;
		} else {
			for (i = 0; i < count; i++) {
				uint64_t v = channel_read(dm, type, addr, size);

				memcpy(slot->buf + (size_t)i * size, &v, size);
			}
		}
	} else {
		if (count == 1) {
			channel_write(dm, type, addr, size, slot->data & mask);
		} else {
			for (i = 0; i < count; i++) {
				uint64_t v = 0;

				memcpy(&v, slot->buf + (size_t)i * size, size);
				channel_write(dm, type, addr, size, v);
			}
		}
	}
done:
	__atomic_store_n(&slot->state, IOREQ_STATE_RESP_READY,
			 __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&slot->hv_waiting, __ATOMIC_SEQ_CST))
		futex_wake_shared(&slot->state, 1);
}

/* A platform event: every device that models it acts (the ACPI PM block
 * for the power button); an event no device knows is ignored, as a board
 * without that button would. */
static void channel_event(struct dm *dm, uint64_t event)
{
	unsigned i;

	if (event > UINT32_MAX)
		return;
	for (i = 0; i < dm->nr_devs; i++) {
		struct dm_dev *dev = &dm->devs[i];

		if (dev->ops && dev->ops->event) {
			dev->ops->event(dev, (uint32_t)event);
			(void)dm_ram_flush(dm);
		}
	}
}

/* Drains the posted-write ring; entries are bounded by the ring size. */
static unsigned channel_drain_ring(struct dm *dm)
{
	struct ioreq_header *h = &dm->page->hdr;
	uint32_t cons = h->buf_cons;
	uint32_t prod = __atomic_load_n(&h->buf_prod, __ATOMIC_ACQUIRE);
	unsigned n = 0;

	if (prod - cons > IOREQ_BUF_SLOTS)
		cons = prod - IOREQ_BUF_SLOTS; /* cannot happen with a sane hv */
	while (cons != prod) {
		struct ioreq_buf_entry e = dm->page->ring[cons % IOREQ_BUF_SLOTS];

		if (e.type == IOREQ_TYPE_EVENT)
			channel_event(dm, e.addr);
		else if (e.size == 1 || e.size == 2 || e.size == 4)
			channel_write(dm, e.type, e.addr, e.size, e.data);
		cons++;
		n++;
	}
	__atomic_store_n(&h->buf_cons, cons, __ATOMIC_RELEASE);
	return n;
}

unsigned channel_process(struct dm *dm)
{
	unsigned i, n = channel_drain_ring(dm);

	for (i = 0; i < dm->nr_slots; i++) {
		struct ioreq_slot *slot = &dm->page->slot[i];

		if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) ==
		    IOREQ_STATE_READY) {
			/* Posted writes queued before this request first. */
			n += channel_drain_ring(dm);
			channel_serve_slot(dm, slot);
			n++;
		}
	}
	if (dm->con_len)
		dm_console_flush(dm, 0);
	return n;
}

static int64_t channel_next_deadline(struct dm *dm, int64_t now)
{
	int64_t best = -1;
	unsigned i;

	for (i = 0; i < dm->nr_devs; i++) {
		struct dm_dev *dev = &dm->devs[i];
		int64_t d;

		if (!dev->ops->deadline)
			continue;
		d = dev->ops->deadline(dev, now);
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	return best;
}

static void channel_run_timers(struct dm *dm, int64_t now)
{
	unsigned i;

	for (i = 0; i < dm->nr_devs; i++) {
		struct dm_dev *dev = &dm->devs[i];

		if (dev->ops->timer)
			dev->ops->timer(dev, now);
	}
	(void)dm_ram_flush(dm);
}

static void channel_console_input(struct dm *dm)
{
	unsigned i;

	for (i = 0; i < dm->nr_devs; i++)
		if (dm->devs[i].ops->console_input)
			dm->devs[i].ops->console_input(&dm->devs[i]);
	(void)dm_ram_flush(dm);
}

/* Sleeps until hv, the console or a timer needs us; 1 if hv woke us. */
static int channel_sleep(struct dm *dm, int64_t deadline)
{
	struct pollfd pfd[3] = {
		{ .fd = dm->evt_fd, .events = POLLIN },
		{ .fd = dm->dm_op_fd, .events = 0 }, /* POLLHUP: hv gone */
		{ .fd = dm->console_fd,
		  .events = POLLIN | (dm->con_len ? POLLOUT : 0) },
	};
	int timeout = -1;
	uint64_t cnt;
	int woken = 1;

	if (deadline >= 0) {
		int64_t ms = (deadline - util_realtime_ns() + 999999) / 1000000;

		timeout = ms < 0 ? 0 : ms > 1000 ? 1000 : (int)ms;
	}
	__atomic_store_n(&dm->page->hdr.dm_sleeping, 1, __ATOMIC_SEQ_CST);
	/* Re-check after announcing, or a wake-up could be lost. */
	if (channel_process(dm) == 0) {
		if (poll(pfd, dm->console_fd >= 0 ? 3 : 2, timeout) < 0 &&
		    errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd[1].revents & (POLLHUP | POLLERR)) {
			log_info("hv is gone; exiting");
			_exit(0);
		}
		if (pfd[2].revents & POLLOUT)
			dm_console_flush(dm, 0);
		woken = (pfd[0].revents & POLLIN) != 0;
		if (woken && read(dm->evt_fd, &cnt, sizeof(cnt)) < 0 &&
		    errno != EAGAIN)
			die("eventfd: %s", strerror(errno));
		if (pfd[2].revents & (POLLIN | POLLHUP))
			channel_console_input(dm);
	}
	__atomic_store_n(&dm->page->hdr.dm_sleeping, 0, __ATOMIC_SEQ_CST);
	return woken;
}

void channel_run(struct dm *dm)
{
	int64_t spin_ns = DM_SPIN_START_NS;
	int64_t last_work = util_now_ns();
	int64_t deadline = -1;
	unsigned idle = 0;

	for (;;) {
		int64_t now;

		if (channel_process(dm)) {
			last_work = util_now_ns();
			continue;
		}
		cpu_relax();
		if (++idle % 32)
			continue;
		/* Tell a waiting hv we are on a CPU. */
		__atomic_store_n(&dm->page->hdr.dm_heartbeat, idle,
				 __ATOMIC_RELAXED);
		/* On the CPU the guest's vCPU last ran on, spinning would
		 * only keep it off: sleep instead. */
		if (sched_getcpu() == (int)dm->last_hv_cpu)
			last_work -= spin_ns;
		now = util_realtime_ns();
		deadline = channel_next_deadline(dm, now);
		if (deadline >= 0 && deadline <= now)
			channel_run_timers(dm, now);
		if (util_now_ns() - last_work < spin_ns)
			continue;

		/* Nothing for a while: sleep, and adapt the spin. */
		{
			int64_t t0 = util_now_ns(), slept;
			int woken;

			channel_console_input(dm);
			woken = channel_sleep(dm, channel_next_deadline(dm, now));
			slept = util_now_ns() - t0;
			if (woken && slept < 2 * spin_ns &&
			    spin_ns < DM_SPIN_MAX_NS)
				spin_ns *= 2;
			else if (slept > 10000000 && spin_ns > DM_SPIN_MIN_NS)
				spin_ns /= 2;
			/* A timer or console wake-up is not a burst of
			 * guest I/O: spin only briefly after it. */
			last_work = util_now_ns();
			if (!woken)
				last_work -= spin_ns - DM_SPIN_MIN_NS;
		}
	}
}
