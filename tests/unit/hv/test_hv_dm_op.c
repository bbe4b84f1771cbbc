/* SPDX-License-Identifier: MIT */
/*
 * hv's dm_op server (dm_op.c) and interrupt lines (irq.c, pci.c INTx),
 * driven through a real dm_op socketpair: the test writes each request as
 * a DM would, runs dm_op_handle, and reads the answer. A fake accelerator
 * records the IRQ levels and modified_memory reports hv passes on.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/log.h"
#include "route_fake.h"

static struct route_fake fake;
static struct hv_vm *vm = &fake.vm;

/* Sends `len` bytes of `req` as DM `idx`, serves it, returns the status
 * (or -1000 when hv sent no answer). */
static int call_raw(unsigned idx, const void *req, size_t len,
		    struct dm_op_resp *out)
{
	struct dm_op_resp resp;
	ssize_t n;

	assert_int_equal(send(fake.fds[idx].dm_op_peer, req, len, 0),
			 (ssize_t)len);
	dm_op_handle(vm, &vm->dms[idx]);
	n = recv(fake.fds[idx].dm_op_peer, &resp, sizeof(resp), MSG_DONTWAIT);
	if (n < 0)
		return -1000;
	assert_int_equal(n, sizeof(resp));
	assert_int_equal(resp.version, DM_OP_ABI_VERSION);
	if (out)
		*out = resp;
	return resp.status;
}

static uint32_t seq;

static struct dm_op_req req_for(uint32_t op, const void *payload,
				uint32_t len)
{
	struct dm_op_req r;

	memset(&r, 0, sizeof(r));
	r.version = DM_OP_ABI_VERSION;
	r.op = op;
	r.seq = ++seq;
	r.len = len;
	if (len)
		memcpy(&r.u, payload, len);
	return r;
}

/* One well-formed call of `op` by DM `idx`; the answer's seq is checked. */
static int call(unsigned idx, uint32_t op, const void *payload, uint32_t len)
{
	struct dm_op_req r = req_for(op, payload, len);
	struct dm_op_resp resp;
	int st = call_raw(idx, &r, sizeof(r), &resp);

	assert_int_equal(resp.seq, r.seq);
	return st;
}

static int map(unsigned idx, uint32_t type, uint64_t start, uint64_t end,
	       uint32_t flags)
{
	struct dm_op_io_range r = { .type = type, .flags = flags,
				    .start = start, .end = end };

	return call(idx, DM_OP_MAP_IO_RANGE, &r, sizeof(r));
}

static int unmap(unsigned idx, uint32_t type, uint64_t start, uint64_t end)
{
	struct dm_op_io_range r = { .type = type, .start = start, .end = end };

	return call(idx, DM_OP_UNMAP_IO_RANGE, &r, sizeof(r));
}

static int isa_irq(unsigned idx, uint32_t irq, uint32_t level)
{
	struct dm_op_irq_level l = { .irq = irq, .level = level };

	return call(idx, DM_OP_SET_ISA_IRQ_LEVEL, &l, sizeof(l));
}

static int intx(unsigned idx, uint32_t bdf, uint32_t pin, uint32_t level)
{
	struct dm_op_intx_level l = { .bdf = bdf, .pin = pin, .level = level };

	return call(idx, DM_OP_SET_PCI_INTX_LEVEL, &l, sizeof(l));
}

static int link_route(unsigned idx, uint32_t link, uint32_t irq)
{
	struct dm_op_link_route l = { .link = link, .irq = irq };

	return call(idx, DM_OP_SET_PCI_LINK_ROUTE, &l, sizeof(l));
}

static int modified(unsigned idx, uint64_t gpa, uint64_t len)
{
	struct dm_op_modified_memory m = { .gpa = gpa, .len = len };

	return call(idx, DM_OP_MODIFIED_MEMORY, &m, sizeof(m));
}

/*
 * Two DMs: dm0 (a chipset: ports 0x3f8-0x3ff and 0x70-0x71, IRQ 4 and 11,
 * PCI 00:01.0 and 00:03.0, PIRQ routes, shutdown) and dm1 (a disk
 * controller: PCI 00:02.0, MMIO 0xfebf0000-0xfebf0fff, IRQ 14).
 */
static int setup(void **state)
{
	route_fake_init(&fake, 2, 1000);
	route_fake_grant(&fake, 0, DM_OP_RANGE_PORT, 0x3f8, 0x3ff);
	route_fake_grant(&fake, 0, DM_OP_RANGE_PORT, 0x70, 0x71);
	route_fake_grant(&fake, 0, DM_OP_RANGE_PCI, 0x08, 0x08);
	route_fake_grant(&fake, 0, DM_OP_RANGE_PCI, 0x18, 0x18);
	vm->dms[0].irq_mask = 1u << 4 | 1u << 11;
	vm->dms[0].may_route = 1;
	vm->dms[0].may_shutdown = 1;
	route_fake_grant(&fake, 1, DM_OP_RANGE_PCI, 0x10, 0x10);
	route_fake_grant(&fake, 1, DM_OP_RANGE_MMIO, 0xfebf0000, 0xfebf0fff);
	vm->dms[1].irq_mask = 1u << 14;
	return 0;
}

static int teardown(void **state)
{
	route_fake_fini(&fake);
	return 0;
}

/* ---- map_io_range / unmap_io_range ---- */

static void test_map_inside_manifest(void **state)
{
	assert_int_equal(map(0, DM_OP_RANGE_PORT, 0x3f8, 0x3ff,
			     DM_OP_RANGE_POSTED_WRITES), 0);
	assert_int_equal(vm->nr_ranges, 1);
	assert_ptr_equal(vm->ranges[0].dm, &vm->dms[0]);
	assert_int_equal(vm->ranges[0].flags, DM_OP_RANGE_POSTED_WRITES);
	/* Part of a grant is fine too. */
	assert_int_equal(map(0, DM_OP_RANGE_PORT, 0x70, 0x70, 0), 0);
	assert_int_equal(unmap(0, DM_OP_RANGE_PORT, 0x70, 0x70), 0);
	assert_int_equal(unmap(0, DM_OP_RANGE_PORT, 0x3f8, 0x3ff), 0);
	assert_int_equal(vm->nr_ranges, 0);
}

static void test_map_refused(void **state)
{
	unsigned bad = vm->dms[0].bad_msgs;

	/* Outside the manifest: EPERM, not counted as malformed. */
	assert_int_equal(map(0, DM_OP_RANGE_PORT, 0x1f0, 0x1f7, 0), -EPERM);
	assert_int_equal(map(0, DM_OP_RANGE_PORT, 0x3f0, 0x3ff, 0), -EPERM);
	assert_int_equal(map(0, DM_OP_RANGE_MMIO, 0xfebf0000, 0xfebf0fff, 0),
			 -EPERM); /* dm1's window */
	assert_int_equal(map(0, DM_OP_RANGE_PCI, 0x10, 0x10, 0), -EPERM);
	assert_int_equal(vm->dms[0].bad_msgs, bad);
	/* Malformed: EINVAL, counted. */
	assert_int_equal(map(0, DM_OP_RANGE_PORT, 0x3ff, 0x3f8, 0), -EINVAL);
	assert_int_equal(map(0, DM_OP_RANGE_PORT, 0x3f8, 0x3ff, 0x80),
			 -EINVAL);
	assert_int_equal(map(0, 7, 0x3f8, 0x3ff, 0), -EINVAL);
	assert_int_equal(map(0, DM_OP_RANGE_PORT, 0xfff0, 0x10007, 0),
			 -EINVAL);
	assert_int_equal(vm->dms[0].bad_msgs, bad + 4);
	assert_int_equal(vm->nr_ranges, 0);
}

static void test_map_overlap_and_unmap_foreign(void **state)
{
	assert_int_equal(map(1, DM_OP_RANGE_MMIO, 0xfebf0000, 0xfebf00ff, 0),
			 0);
	assert_int_equal(map(1, DM_OP_RANGE_MMIO, 0xfebf0080, 0xfebf0fff, 0),
			 -EBUSY);
	/* Only the owner unmaps, and only exactly what it mapped. */
	assert_int_equal(unmap(0, DM_OP_RANGE_MMIO, 0xfebf0000, 0xfebf00ff),
			 -ENOENT);
	assert_int_equal(unmap(1, DM_OP_RANGE_MMIO, 0xfebf0000, 0xfebf0fff),
			 -ENOENT);
	assert_int_equal(unmap(1, DM_OP_RANGE_MMIO, 0xfebf0000, 0xfebf00ff),
			 0);
	assert_int_equal(vm->nr_ranges, 0);
}

/* ---- message framing ---- */

static void test_malformed_messages(void **state)
{
	struct dm_op_req r;
	uint8_t big[sizeof(r) + 40];
	unsigned bad = vm->dms[0].bad_msgs;
	uint32_t n;

	r = req_for(DM_OP_NR_VCPUS, NULL, 0);
	assert_int_equal(call_raw(0, &r, 12, NULL), -EMSGSIZE); /* short */
	memset(big, 0, sizeof(big));
	memcpy(big, &r, sizeof(r));
	assert_int_equal(call_raw(0, big, sizeof(big), NULL), -EMSGSIZE);
	r = req_for(DM_OP_NR_VCPUS, NULL, 0);
	r.version = DM_OP_ABI_VERSION + 1;
	assert_int_equal(call_raw(0, &r, sizeof(r), NULL), -EINVAL);
	assert_int_equal(call(0, 0, NULL, 0), -EINVAL);
	assert_int_equal(call(0, DM_OP_MAX, NULL, 0), -EINVAL);
	assert_int_equal(call(0, 0xffffffffu, NULL, 0), -EINVAL);
	/* Each op's payload size, exactly. */
	n = 1;
	assert_int_equal(call(0, DM_OP_SET_ISA_IRQ_LEVEL, &n, 3), -EINVAL);
	assert_int_equal(call(0, DM_OP_NR_VCPUS, &n, 4), -EINVAL);
	assert_int_equal(call(0, DM_OP_MODIFIED_MEMORY, &n, 4), -EINVAL);
	assert_int_equal(vm->dms[0].bad_msgs, bad + 9);
	/* A good one still works, and is not counted. */
	{
		struct dm_op_req q = req_for(DM_OP_NR_VCPUS, NULL, 0);
		struct dm_op_resp resp;

		assert_int_equal(call_raw(0, &q, sizeof(q), &resp), 0);
		assert_int_equal(resp.u.nr_vcpus, 1);
		assert_int_equal(resp.len, 4);
	}
	assert_int_equal(vm->dms[0].bad_msgs, bad + 9);
	assert_int_equal(route_fault_log.faults, 0);
}

static void test_flood_is_one_fault(void **state)
{
	struct route_fake f2;
	unsigned i;
	volatile unsigned caught = 0;

	/* A VM of its own: the flood leaves its DM cut off. */
	route_fake_init(&f2, 1, 1000);
	for (i = 0; i < 1001; i++) {
		struct dm_op_req r;

		memset(&r, 0, sizeof(r));
		r.version = DM_OP_ABI_VERSION;
		r.op = 99;
		assert_int_equal(send(f2.fds[0].dm_op_peer, &r, sizeof(r), 0),
				 (ssize_t)sizeof(r));
		caught += ROUTE_CATCH(dm_op_handle(&f2.vm, &f2.vm.dms[0]));
		{
			struct dm_op_resp resp;

			(void)recv(f2.fds[0].dm_op_peer, &resp, sizeof(resp),
				   MSG_DONTWAIT);
		}
	}
	assert_int_equal(caught, 1);
	assert_int_equal(route_fault_log.faults, 1);
	assert_ptr_equal(route_fault_log.dm, &f2.vm.dms[0]);
	assert_non_null(strstr(route_fault_log.text,
			       "dm0: too many malformed dm_op messages"));
	route_fake_fini(&f2);
	route_logs_reset();
}

static void test_closed_socket_is_fault(void **state)
{
	struct route_fake f2;

	route_fake_init(&f2, 1, 1000);
	close(f2.fds[0].dm_op_peer);
	assert_true(ROUTE_CATCH(dm_op_handle(&f2.vm, &f2.vm.dms[0])));
	assert_int_equal(route_fault_log.faults, 1);
	assert_true(atomic_load(&f2.vm.dms[0].dead));
	assert_string_equal(route_fault_log.text,
			    "dm0 closed its dm_op socket");
	f2.fds[0].dm_op_peer = -1;
	route_fake_fini(&f2);
	route_logs_reset();
}

/* ---- set_isa_irq_level, remote_shutdown, set_mem_type ---- */

static void test_isa_irq_checks(void **state)
{
	assert_int_equal(isa_irq(0, 14, 1), -EPERM); /* dm1's line */
	assert_int_equal(isa_irq(0, 16, 1), -EINVAL);
	assert_int_equal(isa_irq(0, 4, 2), -EINVAL);
	assert_int_equal(route_accel_log.set_irq_calls[14], 0);
	assert_int_equal(isa_irq(0, 4, 1), 0);
	assert_int_equal(route_accel_log.level[4], 1);
	assert_int_equal(isa_irq(0, 4, 1), 0); /* no change, no call */
	assert_int_equal(route_accel_log.set_irq_calls[4], 1);
	assert_int_equal(isa_irq(0, 4, 0), 0);
	assert_int_equal(route_accel_log.level[4], 0);
	assert_int_equal(route_accel_log.set_irq_calls[4], 2);
}

static void test_shutdown(void **state)
{
	struct dm_op_shutdown s = { .reason = 9 };

	assert_int_equal(call(1, DM_OP_REMOTE_SHUTDOWN, &s, sizeof(s)),
			 -EPERM); /* no grant: checked first */
	assert_int_equal(call(0, DM_OP_REMOTE_SHUTDOWN, &s, sizeof(s)),
			 -EINVAL);
	assert_int_equal(route_fault_log.stops, 0);
	s = (struct dm_op_shutdown){ .reason = DM_OP_SHUTDOWN_DEBUG_EXIT,
				     .code = 0x1234 };
	assert_true(ROUTE_CATCH(call(0, DM_OP_REMOTE_SHUTDOWN, &s,
				     sizeof(s))));
	assert_int_equal(route_fault_log.stops, 1);
	assert_int_equal(route_fault_log.stop_reason,
			 HVCTL_REASON_DEBUG_EXIT);
	assert_int_equal(route_fault_log.stop_code, 0x34);
	assert_int_equal(route_fault_log.faults, 0); /* not a DM fault */
	/* The answer that was never sent. */
	{
		struct dm_op_resp resp;

		assert_true(recv(fake.fds[0].dm_op_peer, &resp, sizeof(resp),
				 MSG_DONTWAIT) < 0);
	}
	route_logs_reset();
}

static void test_set_mem_type(void **state)
{
	struct dm_op_set_mem m = { .start = 0, .size = 1,
				   .type = DM_OP_MEM_RAM };

	assert_int_equal(call(0, DM_OP_SET_MEM_TYPE, &m, sizeof(m)), -EPERM);
	vm->dms[0].may_pam = 1;
	/* No firmware image: nothing to shadow. */
	assert_int_equal(call(0, DM_OP_SET_MEM_TYPE, &m, sizeof(m)),
			 -ENODEV);
	vm->dms[0].may_pam = 0;
}

/* ---- modified_memory ---- */

static void test_modified_memory_ok(void **state)
{
	assert_int_equal(modified(0, 0x1000, 0x2000), 0);
	assert_int_equal(route_accel_log.ram_written_calls, 1);
	assert_int_equal(route_accel_log.ram_gpa, 0x1000);
	assert_int_equal(route_accel_log.ram_len, 0x2000);
	/* The last byte of RAM, and all of low RAM below the hole. */
	assert_int_equal(modified(1, ROUTE_RAM_BYTES - 1, 1), 0);
	assert_int_equal(modified(1, 0, 0xa0000), 0);
	assert_int_equal(modified(1, 0x100000, ROUTE_RAM_BYTES - 0x100000),
			 0);
	assert_int_equal(route_accel_log.ram_written_calls, 4);
}

static void test_modified_memory_refused(void **state)
{
	unsigned bad = vm->dms[1].bad_msgs;

	assert_int_equal(modified(1, 0x1000, 0), -EINVAL);
	assert_int_equal(modified(1, 0xa0000, 0x1000), -EINVAL); /* hole */
	assert_int_equal(modified(1, 0x9f000, 0x2000), -EINVAL); /* into it */
	assert_int_equal(modified(1, 0xff000, 0x2000), -EINVAL); /* out of it */
	assert_int_equal(modified(1, ROUTE_RAM_BYTES, 1), -EINVAL);
	assert_int_equal(modified(1, ROUTE_RAM_BYTES - 1, 2), -EINVAL);
	assert_int_equal(modified(1, ~0xfffull, 0x2000), -EINVAL); /* wraps */
	assert_int_equal(modified(1, 0x1000, ~0ull), -EINVAL);
	assert_int_equal(modified(1, 0x100000000ull, 0x1000), -EINVAL);
	assert_int_equal(modified(1, 0xfee00000ull, 0x1000), -EINVAL);
	assert_int_equal(route_accel_log.ram_written_calls, 0);
	/* Each one counts as a bad message; the domain lives. */
	assert_int_equal(vm->dms[1].bad_msgs, bad + 10);
	assert_int_equal(route_fault_log.faults, 0);
}

static void test_modified_memory_high_and_unmapped(void **state)
{
	struct guestmem save = vm->mem;

	/* RAM above 4 GiB (the layout's second part). */
	vm->mem.low_size = ROUTE_RAM_BYTES / 2;
	vm->mem.high_size = ROUTE_RAM_BYTES / 2;
	assert_int_equal(modified(0, 0x100000000ull + 0x1000, 0x1000), 0);
	assert_int_equal(modified(0, 0x100000000ull + ROUTE_RAM_BYTES / 2 -
					     0x1000, 0x2000),
			 -EINVAL);
	assert_int_equal(modified(0, ROUTE_RAM_BYTES / 2 - 0x1000, 0x2000),
			 -EINVAL); /* across the end of low RAM */
	/* hv has not mapped RAM at all: nothing is RAM. */
	vm->mem.base = NULL;
	assert_int_equal(modified(0, 0x1000, 0x1000), -EINVAL);
	vm->mem = save;
	assert_int_equal(route_accel_log.ram_written_calls, 1);
}

/* ---- INTx and the IRQ source counting ---- */

static void test_intx_checks(void **state)
{
	/* Functions must be mapped (claimed) before their pins move. */
	assert_int_equal(intx(0, 0x08, 0, 1), -EPERM);
	assert_int_equal(map(0, DM_OP_RANGE_PCI, 0x08, 0x08, 0), 0);
	assert_int_equal(map(0, DM_OP_RANGE_PCI, 0x18, 0x18, 0), 0);
	assert_int_equal(map(1, DM_OP_RANGE_PCI, 0x10, 0x10, 0), 0);
	assert_int_equal(intx(0, 0x10, 0, 1), -EPERM); /* dm1's function */
	assert_int_equal(intx(0, 0x08, 4, 1), -EINVAL);
	assert_int_equal(intx(0, 0x08, 0, 2), -EINVAL);
	assert_int_equal(intx(0, 0x10000, 0, 1), -EINVAL);
	/* Routes: only with the grant; never 0, 2, 8 or 13, nor > 15. */
	assert_int_equal(link_route(1, 0, 10), -EPERM);
	assert_int_equal(link_route(0, 4, 10), -EINVAL);
	assert_int_equal(link_route(0, 0, 0), -EINVAL);
	assert_int_equal(link_route(0, 0, 2), -EINVAL);
	assert_int_equal(link_route(0, 0, 8), -EINVAL);
	assert_int_equal(link_route(0, 0, 13), -EINVAL);
	assert_int_equal(link_route(0, 0, 16), -EINVAL);
	assert_int_equal(link_route(0, 0, DM_OP_LINK_DISABLED), 0);
}

/* 00:01.0 INTA is PIRQA, 00:02.0 INTA is PIRQB: both routed to IRQ 10. */
static void test_two_links_one_line(void **state)
{
	assert_int_equal(link_route(0, 0, 10), 0);
	assert_int_equal(link_route(0, 1, 10), 0);
	assert_int_equal(intx(0, 0x08, 0, 1), 0);
	assert_int_equal(route_accel_log.level[10], 1);
	assert_int_equal(intx(1, 0x10, 0, 1), 0);
	assert_int_equal(route_accel_log.set_irq_calls[10], 1);
	/* One link lets go: the other still holds the line high. */
	assert_int_equal(intx(0, 0x08, 0, 0), 0);
	assert_int_equal(route_accel_log.level[10], 1);
	assert_int_equal(route_accel_log.set_irq_calls[10], 1);
	assert_int_equal(intx(1, 0x10, 0, 0), 0);
	assert_int_equal(route_accel_log.level[10], 0);
	assert_int_equal(route_accel_log.set_irq_calls[10], 2);
	/* Re-asserted, then the link moves to IRQ 11 while asserted: 10
	 * drops, 11 rises. Disabled, the level goes nowhere. */
	assert_int_equal(intx(0, 0x08, 0, 1), 0);
	assert_int_equal(route_accel_log.level[10], 1);
	assert_int_equal(link_route(0, 0, 11), 0);
	assert_int_equal(route_accel_log.level[10], 0);
	assert_int_equal(route_accel_log.level[11], 1);
	assert_int_equal(link_route(0, 0, DM_OP_LINK_DISABLED), 0);
	assert_int_equal(route_accel_log.level[11], 0);
	assert_int_equal(intx(0, 0x08, 0, 0), 0);
	assert_int_equal(link_route(0, 1, DM_OP_LINK_DISABLED), 0);
}

/* dm0's ISA IRQ 11 and PIRQC (00:03.0 INTA) share line 11. */
static void test_dm_irq_and_link_one_line(void **state)
{
	unsigned calls;

	assert_int_equal(link_route(0, 2, 11), 0);
	calls = route_accel_log.set_irq_calls[11];
	assert_int_equal(isa_irq(0, 11, 1), 0);
	assert_int_equal(route_accel_log.level[11], 1);
	assert_int_equal(intx(0, 0x18, 0, 1), 0);
	assert_int_equal(isa_irq(0, 11, 0), 0);
	assert_int_equal(route_accel_log.level[11], 1); /* the link holds */
	assert_int_equal(route_accel_log.set_irq_calls[11], calls + 1);
	assert_int_equal(intx(0, 0x18, 0, 0), 0);
	assert_int_equal(route_accel_log.level[11], 0);
	assert_int_equal(route_accel_log.set_irq_calls[11], calls + 2);
	/* And the other way round. */
	assert_int_equal(intx(0, 0x18, 0, 1), 0);
	assert_int_equal(isa_irq(0, 11, 1), 0);
	assert_int_equal(intx(0, 0x18, 0, 0), 0);
	assert_int_equal(route_accel_log.level[11], 1);
	assert_int_equal(isa_irq(0, 11, 0), 0);
	assert_int_equal(route_accel_log.level[11], 0);
	assert_int_equal(link_route(0, 2, DM_OP_LINK_DISABLED), 0);
}

static void test_irq_set_bounds(void **state)
{
	assert_int_equal(hv_irq_set(vm, HV_NR_GSIS, HV_IRQ_SRC_DM0, 1),
			 -EINVAL);
	assert_int_equal(hv_irq_set(vm, 5, HV_IRQ_SRC_NR, 1), -EINVAL);
	assert_int_equal(route_accel_log.set_irq_calls[5], 0);
	/* Every source of one line counts on its own. */
	assert_int_equal(hv_irq_set(vm, 5, HV_IRQ_SRC_DM0 + 7, 1), 0);
	assert_int_equal(hv_irq_set(vm, 5, HV_IRQ_SRC_LINK0 + 3, 1), 0);
	assert_int_equal(hv_irq_set(vm, 5, HV_IRQ_SRC_DM0 + 7, 0), 0);
	assert_int_equal(route_accel_log.level[5], 1);
	assert_int_equal(hv_irq_set(vm, 5, HV_IRQ_SRC_LINK0 + 3, 0), 0);
	assert_int_equal(route_accel_log.level[5], 0);
	assert_int_equal(route_accel_log.set_irq_calls[5], 2);
}

static int reset_logs(void **state)
{
	route_logs_reset();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_map_inside_manifest, reset_logs),
		cmocka_unit_test_setup(test_map_refused, reset_logs),
		cmocka_unit_test_setup(test_map_overlap_and_unmap_foreign,
				       reset_logs),
		cmocka_unit_test_setup(test_malformed_messages, reset_logs),
		cmocka_unit_test_setup(test_flood_is_one_fault, reset_logs),
		cmocka_unit_test_setup(test_closed_socket_is_fault,
				       reset_logs),
		cmocka_unit_test_setup(test_isa_irq_checks, reset_logs),
		cmocka_unit_test_setup(test_shutdown, reset_logs),
		cmocka_unit_test_setup(test_set_mem_type, reset_logs),
		cmocka_unit_test_setup(test_modified_memory_ok, reset_logs),
		cmocka_unit_test_setup(test_modified_memory_refused,
				       reset_logs),
		cmocka_unit_test_setup(test_modified_memory_high_and_unmapped,
				       reset_logs),
		cmocka_unit_test_setup(test_intx_checks, reset_logs),
		cmocka_unit_test_setup(test_two_links_one_line, reset_logs),
		cmocka_unit_test_setup(test_dm_irq_and_link_one_line,
				       reset_logs),
		cmocka_unit_test_setup(test_irq_set_bounds, reset_logs),
	};

	log_init("test-hv-dm_op", LOG_ERR);
	return cmocka_run_group_tests(tests, setup, teardown);
}
