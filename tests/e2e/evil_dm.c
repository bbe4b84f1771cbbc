/* SPDX-License-Identifier: MIT */
/*
 * safepc-dm-evil: the real device model plus a hook that misbehaves on
 * purpose, for the malicious-DM tests (tests/e2e/malicious_dm.sh).
 *
 * The DM threat model (docs/security.md) says a compromised DM can do anything
 * its jail allows; these modes are the things hv must survive. Each mode
 * fires on the first synchronous request for port 0x3FF (the 16550's
 * scratch register: its posted writes go through the ring, the probe's
 * read comes through the slot), which every guest-kit program makes after
 * it has booted and printed, so the domain is known to have been running.
 * Before and after that (where the mode lets the DM live on) it serves
 * normally.
 *
 * When it fires, the DM logs "evil: MODE: triggered at realtime NS" so that
 * the test can measure how long hv and the monitor took to end the domain.
 * Everything it does happens inside the ordinary DM jail (seccomp included):
 * the hook only uses the fds and the shared page a real DM has.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/futex.h"
#include "common/log.h"
#include "dm/dm.h"

#define EVIL_TRIGGER_PORT 0x3ffu
/* How long bad_ring waits for hv to notice before it gives up. */
#define EVIL_RING_WAIT_MS 10000
/* hv stops a DM's domain after this many malformed dm_op messages
 * (DM_OP_MAX_BAD_MSGS in src/hv/dm_op.c); the flood sends more. */
#define EVIL_FLOOD_MSGS 1100u

enum evil_mode {
	EVIL_NONE,
	EVIL_WRONG_STATE,
	EVIL_GARBAGE,
	EVIL_BAD_SIZE,
	EVIL_BAD_COUNT,
	EVIL_SILENT,
	EVIL_DIE,
	EVIL_CRASH,
	EVIL_SECCOMP,
	EVIL_BAD_DM_OP,
	EVIL_DM_OP_FLOOD,
	EVIL_BAD_RING,
};

static const struct {
	const char *name;
	enum evil_mode mode;
	const char *what;
} evil_modes[] = {
	{ "none", EVIL_NONE, "serve normally" },
	{ "wrong_state", EVIL_WRONG_STATE, "answer with slot state 7" },
	{ "garbage", EVIL_GARBAGE, "scribble seq/addr/size/count, answer" },
	{ "bad_size", EVIL_BAD_SIZE, "answer with size 200" },
	{ "bad_count", EVIL_BAD_COUNT, "answer with count 0x10000" },
	{ "silent", EVIL_SILENT, "take the request, never answer" },
	{ "die", EVIL_DIE, "take the request, then _exit(1)" },
	{ "crash", EVIL_CRASH, "take the request, then write to NULL" },
	{ "seccomp", EVIL_SECCOMP, "take the request, then call socket()" },
	{ "bad_dm_op", EVIL_BAD_DM_OP,
	  "send malformed and refused dm_ops, then serve normally" },
	{ "dm_op_flood", EVIL_DM_OP_FLOOD, "flood hv with malformed dm_ops" },
	{ "bad_ring", EVIL_BAD_RING,
	  "answer, then move the posted-write ring's consumer index out of "
	  "range" },
};

static enum evil_mode evil_mode;
static const char *evil_name = "none";
static int evil_fired;
static unsigned evil_failures;

/* Publishes `state` in the slot and wakes hv if it sleeps on it. */
static void evil_publish(struct ioreq_slot *slot, uint32_t state)
{
	__atomic_store_n(&slot->state, state, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&slot->hv_waiting, __ATOMIC_SEQ_CST))
		futex_wake_shared(&slot->state, 1);
}

/*
 * Sends `len` raw bytes on the dm_op socket and waits for hv's answer.
 * Returns hv's status, or a positive EPROTO when the answer itself is
 * malformed (a DM must be able to tell an answer from a refusal).
 */
static int evil_dm_op_raw(struct dm *dm, const void *msg, size_t len,
			 uint32_t seq)
{
	struct dm_op_resp resp;
	ssize_t n;

	if (send(dm->dm_op_fd, msg, len, MSG_NOSIGNAL) < 0)
		die("evil: dm_op send: %s", strerror(errno));
	do
		n = recv(dm->dm_op_fd, &resp, sizeof(resp), 0);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		log_info("evil: hv closed the dm_op socket; exiting");
		_exit(0);
	}
	if (n != (ssize_t)sizeof(resp) ||
	    resp.version != DM_OP_ABI_VERSION || (seq && resp.seq != seq))
		return EPROTO;
	return resp.status;
}

/* Builds a well-formed request for `op` with `len` payload bytes. */
static struct dm_op_req evil_req(struct dm *dm, uint32_t op, uint32_t len)
{
	struct dm_op_req r;

	memset(&r, 0, sizeof(r));
	r.version = DM_OP_ABI_VERSION;
	r.op = op;
	r.seq = ++dm->dm_op_seq;
	r.len = len;
	return r;
}

static void evil_expect(const char *what, int got, int want)
{
	if (got == want) {
		log_info("evil: bad_dm_op: %s: refused with %d as expected",
			 what, got);
		return;
	}
	log_err("evil: bad_dm_op: %s: hv answered %d, expected %d", what, got,
		want);
	evil_failures++;
}

/* A map request for `type` [start, end] with `flags`: hv's status. */
static int evil_map(struct dm *dm, uint32_t type, uint64_t start,
		    uint64_t end, uint32_t flags)
{
	struct dm_op_req r = evil_req(dm, DM_OP_MAP_IO_RANGE,
				      sizeof(struct dm_op_io_range));

	r.u.range = (struct dm_op_io_range){ .type = type, .flags = flags,
					     .start = start, .end = end };
	return evil_dm_op_raw(dm, &r, sizeof(r), r.seq);
}

/*
 * Before the devices claim their ranges: claims outside the manifest
 * (hv must refuse them with EPERM and log "refused") and malformed claims
 * (EINVAL). None of them may take effect, or the devices' own claims that
 * follow would fail with EBUSY and this DM would not start.
 */
static void evil_bad_dm_op_startup(struct dm *dm)
{
	evil_expect("map ports 0x1f0-0x1f7 (IDE, not granted)",
		    evil_map(dm, DM_OP_RANGE_PORT, 0x1f0, 0x1f7, 0), -EPERM);
	evil_expect("map ports 0x3f0-0x3ff (wider than the grant)",
		    evil_map(dm, DM_OP_RANGE_PORT, 0x3f0, 0x3ff, 0), -EPERM);
	evil_expect("map MMIO 0xfee00000 (LAPIC, not granted)",
		    evil_map(dm, DM_OP_RANGE_MMIO, 0xfee00000, 0xfee00fff, 0),
		    -EPERM);
	evil_expect("map PCI 00:02.0 (not granted)",
		    evil_map(dm, DM_OP_RANGE_PCI, 0x10, 0x10, 0), -EPERM);
	evil_expect("map with unknown flags",
		    evil_map(dm, DM_OP_RANGE_PORT, 0x3f8, 0x3ff, 0x80), -EINVAL);
	evil_expect("map with start > end",
		    evil_map(dm, DM_OP_RANGE_PORT, 0x3ff, 0x3f8, 0), -EINVAL);
	evil_expect("map ports beyond 0xffff",
		    evil_map(dm, DM_OP_RANGE_PORT, 0xfff0, 0x10007, 0), -EINVAL);
	evil_expect("map of unknown range type 7",
		    evil_map(dm, 7, 0x3f8, 0x3ff, 0), -EINVAL);
}

/* While the guest runs: malformed messages and refused ops. */
static void evil_bad_dm_op_running(struct dm *dm)
{
	struct dm_op_req r;
	uint8_t big[sizeof(r) + 40];

	r = evil_req(dm, DM_OP_NR_VCPUS, 0);
	evil_expect("12-byte message",
		    evil_dm_op_raw(dm, &r, 12, 0), -EMSGSIZE);
	memset(big, 0, sizeof(big));
	memcpy(big, &r, sizeof(r));
	evil_expect("104-byte message",
		    evil_dm_op_raw(dm, big, sizeof(big), 0), -EMSGSIZE);
	r = evil_req(dm, DM_OP_NR_VCPUS, 0);
	r.version = DM_OP_ABI_VERSION + 1;
	evil_expect("wrong ABI version", evil_dm_op_raw(dm, &r, sizeof(r), r.seq),
		    -EINVAL);
	r = evil_req(dm, 0, 0);
	evil_expect("op 0", evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EINVAL);
	r = evil_req(dm, 99, 0);
	evil_expect("unknown op 99", evil_dm_op_raw(dm, &r, sizeof(r), r.seq),
		    -EINVAL);
	r = evil_req(dm, 0xffffffffu, 0);
	evil_expect("unknown op 0xffffffff",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EINVAL);
	r = evil_req(dm, DM_OP_SET_ISA_IRQ_LEVEL, 3);
	evil_expect("set_isa_irq_level with len 3",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EINVAL);
	r = evil_req(dm, DM_OP_SET_ISA_IRQ_LEVEL, sizeof(r.u.irq));
	r.u.irq = (struct dm_op_irq_level){ .irq = 14, .level = 1 };
	evil_expect("IRQ 14 (IDE, not granted)",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EPERM);
	r = evil_req(dm, DM_OP_SET_ISA_IRQ_LEVEL, sizeof(r.u.irq));
	r.u.irq = (struct dm_op_irq_level){ .irq = 16, .level = 1 };
	evil_expect("IRQ 16", evil_dm_op_raw(dm, &r, sizeof(r), r.seq),
		    -EINVAL);
	r = evil_req(dm, DM_OP_SET_ISA_IRQ_LEVEL, sizeof(r.u.irq));
	r.u.irq = (struct dm_op_irq_level){ .irq = 4, .level = 2 };
	evil_expect("IRQ 4 level 2", evil_dm_op_raw(dm, &r, sizeof(r), r.seq),
		    -EINVAL);
	/* Mapping is allowed while running (PCI BARs move), but never
	 * outside the manifest; and never over another DM's range. */
	evil_expect("map ports 0x1f0-0x1f7 while running",
		    evil_map(dm, DM_OP_RANGE_PORT, 0x1f0, 0x1f7, 0), -EPERM);
	evil_expect("map its own UART ports twice",
		    evil_map(dm, DM_OP_RANGE_PORT, 0x3f8, 0x3ff, 0), -EBUSY);
	r = evil_req(dm, DM_OP_UNMAP_IO_RANGE, sizeof(r.u.range));
	r.u.range = (struct dm_op_io_range){ .type = DM_OP_RANGE_PORT,
					     .start = 0x1f0, .end = 0x1f7 };
	evil_expect("unmap of a range it does not own",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -ENOENT);
	r = evil_req(dm, DM_OP_REMOTE_SHUTDOWN, sizeof(r.u.shutdown));
	r.u.shutdown = (struct dm_op_shutdown){ .reason = 9, .code = 0 };
	evil_expect("remote_shutdown reason 9",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EINVAL);
	/* modified_memory names guest RAM only: never the legacy hole,
	 * never past the end, never a wrapping or empty range. */
	r = evil_req(dm, DM_OP_MODIFIED_MEMORY, sizeof(r.u.modified));
	r.u.modified = (struct dm_op_modified_memory){ .gpa = 0xa0000,
						       .len = 0x1000 };
	evil_expect("modified_memory in the legacy hole",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EINVAL);
	r = evil_req(dm, DM_OP_MODIFIED_MEMORY, sizeof(r.u.modified));
	r.u.modified = (struct dm_op_modified_memory){
		.gpa = 0x100000000ull + dm->ram_bytes, .len = 0x1000 };
	evil_expect("modified_memory past the end of RAM",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EINVAL);
	r = evil_req(dm, DM_OP_MODIFIED_MEMORY, sizeof(r.u.modified));
	r.u.modified = (struct dm_op_modified_memory){ .gpa = ~0xfffull,
						       .len = 0x2000 };
	evil_expect("modified_memory wrapping around",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EINVAL);
	r = evil_req(dm, DM_OP_MODIFIED_MEMORY, sizeof(r.u.modified));
	r.u.modified = (struct dm_op_modified_memory){ .gpa = 0x1000 };
	evil_expect("modified_memory of 0 bytes",
		    evil_dm_op_raw(dm, &r, sizeof(r), r.seq), -EINVAL);
}

/* Sends malformed messages until hv gives up on this DM. */
static __attribute__((noreturn)) void evil_dm_op_flood(struct dm *dm)
{
	struct dm_op_req r;
	unsigned i;

	for (i = 0; i < EVIL_FLOOD_MSGS; i++) {
		r = evil_req(dm, 99, 0);
		(void)evil_dm_op_raw(dm, &r, sizeof(r), r.seq);
	}
	/* Still here: hv took every one of them. */
	log_err("evil: dm_op_flood: hv answered %u malformed messages and "
		"kept the domain running",
		EVIL_FLOOD_MSGS);
	_exit(3);
}

/*
 * Answers the request (a read gets 0), then claims to have consumed
 * entries of the posted-write ring that hv never produced. The DM then
 * stops serving (its own ring drain would repair the index) and waits for
 * hv to notice on the guest's next posted write.
 */
static __attribute__((noreturn)) void evil_bad_ring(struct dm *dm,
						    struct ioreq_slot *slot)
{
	struct ioreq_header *h = &dm->page->hdr;
	uint32_t prod = __atomic_load_n(&h->buf_prod, __ATOMIC_ACQUIRE);
	struct pollfd pfd = { .fd = dm->dm_op_fd, .events = 0 };
	int waited;

	__atomic_store_n(&h->buf_cons, prod + 0x8000u, __ATOMIC_RELEASE);
	log_info("evil: bad_ring: consumer index set to %u (producer %u)",
		 prod + 0x8000u, prod);
	evil_publish(slot, IOREQ_STATE_INPROCESS);
	if (slot->dir == IOREQ_DIR_READ)
		slot->data = 0;
	evil_publish(slot, IOREQ_STATE_RESP_READY);
	for (waited = 0; waited < EVIL_RING_WAIT_MS; waited += 100) {
		if (poll(&pfd, 1, 100) > 0 &&
		    (pfd.revents & (POLLHUP | POLLERR))) {
			log_info("evil: bad_ring: hv is gone; exiting");
			_exit(0);
		}
	}
	log_err("evil: bad_ring: hv did not notice within %d ms",
		EVIL_RING_WAIT_MS);
	_exit(3);
}

void dm_test_init(struct dm *dm, const char *mode)
{
	unsigned i;

	if (!mode || !mode[0])
		mode = "none";
	for (i = 0; i < ARRAY_SIZE(evil_modes); i++) {
		if (!strcmp(mode, evil_modes[i].name)) {
			evil_mode = evil_modes[i].mode;
			evil_name = evil_modes[i].name;
			log_info("evil: mode %s (%s) on the first access to "
				 "port 0x%x",
				 evil_name, evil_modes[i].what,
				 EVIL_TRIGGER_PORT);
			if (evil_mode == EVIL_BAD_DM_OP)
				evil_bad_dm_op_startup(dm);
			return;
		}
	}
	die("evil: unknown test mode '%s'", mode);
}

int dm_test_serve_hook(struct dm *dm, struct ioreq_slot *slot)
{
	volatile int *null_ptr = NULL;

	if (evil_fired || evil_mode == EVIL_NONE ||
	    slot->type != IOREQ_TYPE_PIO || slot->addr != EVIL_TRIGGER_PORT)
		return 0;
	evil_fired = 1;
	log_info("evil: %s: triggered at realtime %lld (seq %u, %s of port "
		 "0x%llx)",
		 evil_name, (long long)util_realtime_ns(), slot->seq,
		 slot->dir == IOREQ_DIR_READ ? "read" : "write",
		 (unsigned long long)slot->addr);

	switch (evil_mode) {
	case EVIL_NONE:
		return 0;
	case EVIL_WRONG_STATE:
		evil_publish(slot, 7);
		return 1;
	case EVIL_GARBAGE:
		slot->seq ^= 0x5a5a5a5au;
		slot->addr = 0x4141414141414141ull;
		slot->size = 0x42;
		slot->count = 0x43434343u;
		slot->data = 0x4444444444444444ull;
		evil_publish(slot, IOREQ_STATE_RESP_READY);
		return 1;
	case EVIL_BAD_SIZE:
		evil_publish(slot, IOREQ_STATE_INPROCESS);
		slot->size = 200;
		evil_publish(slot, IOREQ_STATE_RESP_READY);
		return 1;
	case EVIL_BAD_COUNT:
		evil_publish(slot, IOREQ_STATE_INPROCESS);
		slot->count = 0x10000;
		evil_publish(slot, IOREQ_STATE_RESP_READY);
		return 1;
	case EVIL_SILENT:
		/* The DM loop goes on (and sleeps in poll): only this
		 * request is never answered. */
		evil_publish(slot, IOREQ_STATE_INPROCESS);
		return 1;
	case EVIL_DIE:
		evil_publish(slot, IOREQ_STATE_INPROCESS);
		_exit(1);
	case EVIL_CRASH:
		evil_publish(slot, IOREQ_STATE_INPROCESS);
		/* Hide the NULL from the optimiser, which would otherwise
		 * drop a store it can prove undefined. */
		__asm__ volatile("" : "+r"(null_ptr));
		*null_ptr = 1;
		log_err("evil: crash: survived a write to NULL");
		_exit(3);
	case EVIL_SECCOMP: {
		long r;

		evil_publish(slot, IOREQ_STATE_INPROCESS);
		r = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
		/* Only reached when the filter does not kill. */
		log_err("evil: seccomp: socket() returned %ld (%s): the "
			"seccomp filter did not kill this DM",
			r, r < 0 ? strerror(errno) : "a socket");
		_exit(3);
	}
	case EVIL_BAD_DM_OP:
		evil_bad_dm_op_running(dm);
		if (evil_failures) {
			log_err("evil: bad_dm_op: hv accepted %u bad dm_op "
				"messages",
				evil_failures);
			_exit(3);
		}
		log_info("evil: bad_dm_op: every bad dm_op was refused; "
			 "serving normally");
		return 0;
	case EVIL_DM_OP_FLOOD:
		evil_dm_op_flood(dm);
	case EVIL_BAD_RING:
		evil_bad_ring(dm, slot);
	}
	return 0;
}
