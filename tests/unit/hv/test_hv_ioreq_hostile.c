/* SPDX-License-Identifier: MIT */
/*
 * hv's side of the ioreq channel (ioreq.c) against a hostile DM: a peer
 * thread that maps the same memfd page and breaks the protocol in one way
 * per test. Each must end in exactly one vm->dm_fault report with a clear
 * message, within a bounded time, and never hang or crash hv.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/futex.h"
#include "common/log.h"
#include "common/util.h"
#include "route_fake.h"

#define SYNC_PORT 0x200u   /* routed to dm0, synchronous */
#define POSTED_PORT 0x100u /* routed to dm0, posted writes */
#define TIMEOUT_MS 100

enum peer_act {
	PEER_GOOD,	   /* a correct answer (0x5a5a5a5a for a read) */
	PEER_STATE_7,	   /* an undefined state */
	PEER_STATE_NONE,   /* back to NONE without an answer */
	PEER_ECHO_SEQ,	   /* answers, with a changed echoed field */
	PEER_ECHO_ADDR,
	PEER_ECHO_SIZE,
	PEER_ECHO_COUNT,
	PEER_ECHO_TYPE,
	PEER_ECHO_DIR,
	PEER_SILENT,	   /* never picks the request up */
	PEER_TAKE_SILENT,  /* INPROCESS, then nothing */
	PEER_DIE,	   /* INPROCESS, then dies (hv marks it dead) */
};

struct peer {
	pthread_t thread;
	enum peer_act act;
	struct ioreq_page *page; /* its own mapping of the memfd */
	struct hv_dm *hv_dm;	 /* for PEER_DIE: what dm_op_dm_gone does */
	struct ioreq_slot seen;	 /* the request as it found it */
	int got;		 /* it saw a request */
};

static struct route_fake fake;
static struct hv_vm *vm = &fake.vm;
static struct hv_vcpu *vcpu = &fake.vm.vcpus[0];

static void peer_publish(struct ioreq_slot *slot, uint32_t state)
{
	__atomic_store_n(&slot->state, state, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&slot->hv_waiting, __ATOMIC_SEQ_CST))
		futex_wake_shared(&slot->state, 1);
}

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	struct ioreq_slot *slot = &p->page->slot[0];
	int64_t end = util_now_ns() + 2000000000ll;

	while (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) !=
	       IOREQ_STATE_READY) {
		if (util_now_ns() > end)
			return NULL; /* hv never asked: the test fails */
		sched_yield();
	}
	memcpy(&p->seen, slot, offsetof(struct ioreq_slot, buf));
	p->got = 1;
	switch (p->act) {
	case PEER_GOOD:
		__atomic_store_n(&slot->state, IOREQ_STATE_INPROCESS,
				 __ATOMIC_RELAXED);
		if (slot->dir == IOREQ_DIR_READ)
			slot->data = 0x5a5a5a5a;
		peer_publish(slot, IOREQ_STATE_RESP_READY);
		break;
	case PEER_STATE_7:
		peer_publish(slot, 7);
		break;
	case PEER_STATE_NONE:
		__atomic_store_n(&slot->state, IOREQ_STATE_INPROCESS,
				 __ATOMIC_RELAXED);
		usleep(2000); /* let hv go to sleep on it */
		peer_publish(slot, IOREQ_STATE_NONE);
		break;
	case PEER_ECHO_SEQ:
		slot->seq += 7;
		peer_publish(slot, IOREQ_STATE_RESP_READY);
		break;
	case PEER_ECHO_ADDR:
		slot->addr = 0x3f8;
		peer_publish(slot, IOREQ_STATE_RESP_READY);
		break;
	case PEER_ECHO_SIZE:
		slot->size = 8;
		peer_publish(slot, IOREQ_STATE_RESP_READY);
		break;
	case PEER_ECHO_COUNT:
		slot->count = 4096;
		peer_publish(slot, IOREQ_STATE_RESP_READY);
		break;
	case PEER_ECHO_TYPE:
		slot->type = IOREQ_TYPE_MMIO;
		peer_publish(slot, IOREQ_STATE_RESP_READY);
		break;
	case PEER_ECHO_DIR:
		slot->dir ^= 1;
		peer_publish(slot, IOREQ_STATE_RESP_READY);
		break;
	case PEER_SILENT:
		break;
	case PEER_TAKE_SILENT:
		peer_publish(slot, IOREQ_STATE_INPROCESS);
		break;
	case PEER_DIE:
		peer_publish(slot, IOREQ_STATE_INPROCESS);
		usleep(30000);
		atomic_store(&p->hv_dm->dead, 1);
		break;
	}
	return NULL;
}

static void peer_start(struct peer *p, enum peer_act act)
{
	memset(p, 0, sizeof(*p));
	p->act = act;
	p->hv_dm = &vm->dms[0];
	p->page = mmap(NULL, IOREQ_PAGE_BYTES, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fake.fds[0].ioreq_fd, 0);
	assert_true(p->page != MAP_FAILED);
	assert_int_equal(pthread_create(&p->thread, NULL, peer_main, p), 0);
}

static void peer_join(struct peer *p)
{
	pthread_join(p->thread, NULL);
	munmap(p->page, IOREQ_PAGE_BYTES);
}

static int setup(void **state)
{
	route_fake_init(&fake, 1, TIMEOUT_MS);
	route_fake_route(&fake, 0, DM_OP_RANGE_PORT, SYNC_PORT, SYNC_PORT + 3,
			 0);
	route_fake_route(&fake, 0, DM_OP_RANGE_PORT, POSTED_PORT,
			 POSTED_PORT + 3, DM_OP_RANGE_POSTED_WRITES);
	return 0;
}

static int teardown(void **state)
{
	route_fake_fini(&fake);
	return 0;
}

/* Each test: a fresh channel, a live DM, empty logs. */
static int fresh(void **state)
{
	route_fake_reset_page(&fake, 0);
	atomic_store(&vm->dms[0].dead, 0);
	route_logs_reset();
	return 0;
}

/*
 * Runs a one-byte read of SYNC_PORT against a peer acting `act`; checks
 * one fault report containing `msg`, within `max_ms`.
 */
static void expect_fault(enum peer_act act, const char *msg, int max_ms)
{
	struct peer p;
	uint8_t v = 0;
	int64_t t0;
	int64_t took;
	int caught;

	/* Short only where the time-out is the point: a slow peer thread
	 * (a loaded machine) must not turn another fault into one. */
	vm->dm_timeout_ns = act == PEER_SILENT || act == PEER_TAKE_SILENT
				    ? TIMEOUT_MS * 1000000ll
				    : 5000000000ll;
	peer_start(&p, act);
	t0 = util_now_ns();
	caught = ROUTE_CATCH(ioreq_pio(vcpu, SYNC_PORT, 1, 1, 0, &v));
	took = (util_now_ns() - t0) / 1000000;
	peer_join(&p);
	assert_true(caught);
	assert_true(p.got);
	assert_int_equal(route_fault_log.faults, 1);
	assert_int_equal(route_fault_log.stops, 0);
	assert_ptr_equal(route_fault_log.dm, &vm->dms[0]);
	if (!strstr(route_fault_log.text, msg))
		fail_msg("fault '%s' does not say '%s'", route_fault_log.text,
			 msg);
	if (took > max_ms)
		fail_msg("the fault took %lld ms", (long long)took);
}

static void test_good_answer(void **state)
{
	struct peer p;
	uint32_t v = 0;

	peer_start(&p, PEER_GOOD);
	ioreq_pio(vcpu, SYNC_PORT, 4, 1, 0, (uint8_t *)&v);
	peer_join(&p);
	assert_int_equal(v, 0x5a5a5a5a);
	assert_int_equal(p.seen.type, IOREQ_TYPE_PIO);
	assert_int_equal(p.seen.dir, IOREQ_DIR_READ);
	assert_int_equal(p.seen.addr, SYNC_PORT);
	assert_int_equal(p.seen.size, 4);
	assert_int_equal(p.seen.count, 1);
	assert_int_equal(vm->dms[0].page->slot[0].state, IOREQ_STATE_NONE);
	assert_int_equal(route_fault_log.faults, 0);
}

static void test_state_7(void **state)
{
	expect_fault(PEER_STATE_7, "dm0: invalid ioreq state 7 in slot 0",
		     3000);
}

static void test_state_none(void **state)
{
	expect_fault(PEER_STATE_NONE, "dm0: invalid ioreq state 0 in slot 0",
		     3000);
}

static void test_changed_seq(void **state)
{
	expect_fault(PEER_ECHO_SEQ, "dm0: answer does not match the request",
		     3000);
	assert_non_null(strstr(route_fault_log.text, "seq 8"));
}

static void test_changed_addr(void **state)
{
	expect_fault(PEER_ECHO_ADDR, "answer does not match", 3000);
}

static void test_changed_size(void **state)
{
	expect_fault(PEER_ECHO_SIZE, "answer does not match the request "
				     "(size 8 count 1",
		     3000);
}

static void test_changed_count(void **state)
{
	expect_fault(PEER_ECHO_COUNT, "(size 1 count 4096", 3000);
}

static void test_changed_type(void **state)
{
	expect_fault(PEER_ECHO_TYPE, "answer does not match", 3000);
}

static void test_changed_dir(void **state)
{
	expect_fault(PEER_ECHO_DIR, "answer does not match", 3000);
}

static void test_no_answer(void **state)
{
	expect_fault(PEER_SILENT, "dm0 did not answer within 100 ms", 3000);
}

static void test_taken_no_answer(void **state)
{
	expect_fault(PEER_TAKE_SILENT, "dm0 did not answer within 100 ms",
		     3000);
}

static void test_dies_while_serving(void **state)
{
	/* Marked dead after 30 ms, before the 100 ms time-out. */
	expect_fault(PEER_DIE, "dm0 died while serving a request",
		     3000);
}

static void test_dead_before(void **state)
{
	uint8_t v = 0;

	atomic_store(&vm->dms[0].dead, 1);
	assert_true(ROUTE_CATCH(ioreq_pio(vcpu, SYNC_PORT, 1, 1, 1, &v)));
	assert_int_equal(route_fault_log.faults, 1);
	assert_string_equal(route_fault_log.text, "dm0 is gone");
	/* Nothing was published. */
	assert_int_equal(vm->dms[0].page->slot[0].state, IOREQ_STATE_NONE);
}

static void test_slot_busy_before(void **state)
{
	uint8_t v = 0;

	vm->dms[0].page->slot[0].state = IOREQ_STATE_INPROCESS;
	assert_true(ROUTE_CATCH(ioreq_pio(vcpu, SYNC_PORT, 1, 1, 1, &v)));
	assert_int_equal(route_fault_log.faults, 1);
	assert_string_equal(route_fault_log.text,
			    "dm0: slot 0 busy before a request");
}

static void test_ring_consumer_ahead(void **state)
{
	struct ioreq_header *h = &vm->dms[0].page->hdr;
	uint8_t v = 1;

	h->buf_prod = 10;
	h->buf_cons = 11; /* ahead of the producer */
	assert_true(ROUTE_CATCH(ioreq_pio(vcpu, POSTED_PORT, 1, 1, 1, &v)));
	assert_int_equal(route_fault_log.faults, 1);
	assert_string_equal(route_fault_log.text,
			    "dm0: ring consumer index 11 out of range "
			    "(producer 10)");
	assert_int_equal(h->buf_prod, 10); /* nothing queued */
}

static void test_ring_consumer_behind(void **state)
{
	struct ioreq_header *h = &vm->dms[0].page->hdr;
	uint8_t v = 1;

	h->buf_prod = 1000;
	h->buf_cons = 1000 - IOREQ_BUF_SLOTS - 1;
	assert_true(ROUTE_CATCH(ioreq_pio(vcpu, POSTED_PORT, 1, 1, 1, &v)));
	assert_int_equal(route_fault_log.faults, 1);
	assert_non_null(strstr(route_fault_log.text, "out of range"));
	/* The lock was let go: the next producer is not stuck. */
	assert_int_equal(pthread_mutex_trylock(&vm->dms[0].buf_lock), 0);
	pthread_mutex_unlock(&vm->dms[0].buf_lock);
}

/* A full ring is no fault: the write goes synchronously instead. */
static void test_ring_full_falls_back(void **state)
{
	struct ioreq_header *h = &vm->dms[0].page->hdr;
	struct peer p;
	uint16_t v = 0xbeef;

	h->buf_prod = 5;
	h->buf_cons = 5 - IOREQ_BUF_SLOTS;
	peer_start(&p, PEER_GOOD);
	ioreq_pio(vcpu, POSTED_PORT, 2, 1, 1, (uint8_t *)&v);
	peer_join(&p);
	assert_int_equal(route_fault_log.faults, 0);
	assert_true(p.got);
	assert_int_equal(p.seen.dir, IOREQ_DIR_WRITE);
	assert_int_equal(p.seen.data, 0xbeef);
	assert_int_equal(h->buf_prod, 5);
}

/* The posted path proper: queued, the DM woken, no wait. */
static void test_ring_posts(void **state)
{
	struct ioreq_header *h = &vm->dms[0].page->hdr;
	uint32_t v = 0x12345678;

	ioreq_pio(vcpu, POSTED_PORT, 4, 1, 1, (uint8_t *)&v);
	assert_int_equal(h->buf_prod, 1);
	assert_int_equal(vm->dms[0].page->ring[0].addr, POSTED_PORT);
	assert_int_equal(vm->dms[0].page->ring[0].data, 0x12345678);
	assert_int_equal(vm->dms[0].page->ring[0].size, 4);
	assert_int_equal(h->dm_wake, 1);
	assert_int_equal(route_fault_log.faults, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_answer, fresh),
		cmocka_unit_test_setup(test_state_7, fresh),
		cmocka_unit_test_setup(test_state_none, fresh),
		cmocka_unit_test_setup(test_changed_seq, fresh),
		cmocka_unit_test_setup(test_changed_addr, fresh),
		cmocka_unit_test_setup(test_changed_size, fresh),
		cmocka_unit_test_setup(test_changed_count, fresh),
		cmocka_unit_test_setup(test_changed_type, fresh),
		cmocka_unit_test_setup(test_changed_dir, fresh),
		cmocka_unit_test_setup(test_no_answer, fresh),
		cmocka_unit_test_setup(test_taken_no_answer, fresh),
		cmocka_unit_test_setup(test_dies_while_serving, fresh),
		cmocka_unit_test_setup(test_dead_before, fresh),
		cmocka_unit_test_setup(test_slot_busy_before, fresh),
		cmocka_unit_test_setup(test_ring_consumer_ahead, fresh),
		cmocka_unit_test_setup(test_ring_consumer_behind, fresh),
		cmocka_unit_test_setup(test_ring_full_falls_back, fresh),
		cmocka_unit_test_setup(test_ring_posts, fresh),
	};

	log_init("test-hv-ioreq", LOG_ERR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
