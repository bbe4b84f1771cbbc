/* SPDX-License-Identifier: MIT */
/*
 * Fakes for unit tests of hv's routing core (hv_route_lib: ioreq.c,
 * dm_op.c, pci.c, irq.c, firmware.c): a VM without an accelerator, a fake
 * accelerator that records IRQ levels and modified_memory reports, and a
 * vm->dm_fault (and hv_stop) that record the report and longjmp back to
 * the test instead of ending the process.
 *
 * Every DM of a fake VM gets what the monitor gives a real one: a memfd
 * ioreq page mapped through ioreq_dm_init, a SOCK_SEQPACKET dm_op
 * socketpair and an eventfd. Guest RAM is a memfd too, so a DM side (the
 * real channel.c, or a hostile peer) can map the same bytes.
 */
#ifndef SAFEPC_TESTS_UNIT_HV_ROUTE_FAKE_H
#define SAFEPC_TESTS_UNIT_HV_ROUTE_FAKE_H

#include <setjmp.h>
#include <stdint.h>

#include "hv/hv.h"

#define ROUTE_RAM_BYTES (4u << 20)

/* What one fake VM holds besides struct hv_vm. */
struct route_dm_fds {
	int ioreq_fd; /* the page's memfd (hv mapped a dup) */
	int dm_op_peer; /* the DM's end of the dm_op socketpair */
	int evt_fd;    /* shared by both sides */
};

struct route_fake {
	struct hv_vm vm;
	struct route_dm_fds fds[HV_MAX_DMS];
	int ram_fd;
};

/* The fake accelerator's record. */
struct route_accel_log {
	int level[HV_NR_GSIS];
	unsigned set_irq_calls[HV_NR_GSIS];
	unsigned ram_written_calls;
	uint64_t ram_gpa, ram_len; /* the last report */
	unsigned long event;       /* bumped by every call: ordering */
	unsigned long ram_event, irq_event; /* `event` of the last of each */
};
extern struct route_accel_log route_accel_log;
extern const struct hv_accel route_fake_accel;

/* The record of vm->dm_fault and hv_stop calls. */
struct route_fault_log {
	unsigned faults;     /* vm->dm_fault reports */
	struct hv_dm *dm;    /* the DM of the last report */
	char text[256];      /* its message */
	unsigned stops;      /* hv_stop calls */
	uint32_t stop_reason;
	int32_t stop_code;
};
extern struct route_fault_log route_fault_log;

/*
 * Where a report jumps to on this thread; NULL means none is expected
 * there, and the report aborts the test program (loudly).
 */
extern _Thread_local jmp_buf *route_fault_jmp;

/*
 * ROUTE_CATCH(stmt) - runs stmt; evaluates to 1 when it ended in a
 * vm->dm_fault or hv_stop (which longjmped here), else 0.
 */
#define ROUTE_CATCH(stmt)                                                  \
	({                                                                 \
		jmp_buf route_jb_;                                         \
		volatile int route_caught_ = 0;                                   \
		route_fault_jmp = &route_jb_;                              \
		if (setjmp(route_jb_) == 0) {                              \
			stmt;                                              \
		} else {                                                   \
			route_caught_ = 1;                                 \
		}                                                          \
		route_fault_jmp = NULL;                                    \
		route_caught_;                                             \
	})

/* Clears both logs. */
void route_logs_reset(void);

/*
 * route_fake_init - a VM of `nr_dms` DMs (tags "dm0"...), one vCPU,
 * ROUTE_RAM_BYTES of low RAM, the fake accelerator, a DM time-out of
 * `timeout_ms`. Aborts on a host failure.
 */
void route_fake_init(struct route_fake *f, unsigned nr_dms, int timeout_ms);
void route_fake_fini(struct route_fake *f);

/* Maps DM `idx`'s ioreq page again, zeroed (a fresh channel). */
void route_fake_reset_page(struct route_fake *f, unsigned idx);

/* Adds a grant to DM `idx`'s manifest. */
void route_fake_grant(struct route_fake *f, unsigned idx, uint32_t type,
		      uint64_t start, uint64_t end);

/* Enters a routing range directly, as a served map_io_range would. */
void route_fake_route(struct route_fake *f, unsigned idx, uint32_t type,
		      uint64_t start, uint64_t end, uint32_t flags);

#endif
