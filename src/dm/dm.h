/* SPDX-License-Identifier: MIT */
/*
 * safepc-dm internals: one device-model process hosting the devices its
 * command line names. It never opens anything: the ioreq page, the dm_op
 * socket, guest RAM and the console arrive as fds (proto/fds.h).
 */
#ifndef SAFEPC_DM_DM_H
#define SAFEPC_DM_DM_H

#include <stdint.h>

#include "common/guestmem.h"
#include "dm/dma_nomap.h"
#include "common/util.h"
#include "proto/dm_op.h"
#include "proto/ioreq.h"

#define DM_MAX_DEVS 16
#define DM_MAX_RANGES 32

struct dm;
struct dm_dev;

/*
 * What a device adapter provides. `addr` is the absolute port or address;
 * sizes are 1, 2, 4 (or 8 for MMIO). Time arguments are CLOCK_REALTIME ns.
 */
struct dm_dev_ops {
	uint64_t (*read)(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size);
	void (*write)(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val);
	/* Optional: next timer deadline (or -1), and the timer itself. */
	int64_t (*deadline)(struct dm_dev *dev, int64_t now);
	void (*timer)(struct dm_dev *dev, int64_t now);
	/* Optional: the console fd has input. */
	void (*console_input)(struct dm_dev *dev);
	/* Optional: a platform event from hv (enum ioreq_event). */
	void (*event)(struct dm_dev *dev, uint32_t event);
};

struct dm_dev {
	char name[24];
	const struct dm_dev_ops *ops;
	struct dm *dm;
	void *state;
	uint64_t base; /* first port or address */
	unsigned irq;
	int console; /* bound to the console fd */
};

struct dm_range {
	uint32_t type;
	uint64_t start, end;
	struct dm_dev *dev;
};

struct dm {
	char tag[48];
	int dm_op_fd, evt_fd, console_fd;
	struct ioreq_page *page;
	unsigned nr_slots;
	struct guestmem mem;
	uint64_t ram_bytes;
	struct dm_dev devs[DM_MAX_DEVS];
	unsigned nr_devs;
	struct dm_range ranges[DM_MAX_RANGES];
	unsigned nr_ranges;
	uint32_t dm_op_seq;
	int seccomp_log; /* dm_seccomp = "log" */
	uint64_t console_dropped;
	/* Console output not yet written (channel.c): one write per batch,
	 * not per byte, or the socket's per-write overhead fills its buffer
	 * after a few hundred bytes and output is lost. */
	uint8_t con_buf[4096];
	unsigned con_len;
	uint32_t last_hv_cpu; /* hint from the last request's slot */
	/* Disk image fds this DM serves (the seccomp filter allows disk
	 * I/O on these only; writes only on the writable ones). */
	int disk_fd[4];
	int disk_rw[4];
	unsigned nr_disks;
	/* The guest RAM memfd (proto/fds.h; 0 in unit tests: none) and, in
	 * a DM with disks, what DMA goes through instead of its mapping
	 * (dma_nomap.h; the seccomp filter names these fds and pid). */
	int ram_fd;
	int dma_pipe[2]; /* --dma-pipe R,W from the monitor; -1 when none */
	struct dma_nomap dma;
	/* Guest RAM written by DMA and not yet reported to hv (channel.c):
	 * one contiguous range, len 0 when none. */
	uint64_t dirty_gpa, dirty_len;
};

/* channel.c: dm_op calls (synchronous) and ioreq processing. */
int dm_op_call(struct dm *dm, uint32_t op, const void *payload, uint32_t len,
	       struct dm_op_resp *resp) must_check;
int dm_map_range(struct dm *dm, struct dm_dev *dev, uint32_t type,
		 uint64_t start, uint64_t end, uint32_t flags) must_check;
int dm_unmap_range(struct dm *dm, uint32_t type, uint64_t start,
		   uint64_t end) must_check;
int dm_set_irq(struct dm *dm, unsigned irq, int level);
int dm_shutdown(struct dm *dm, uint32_t reason, uint32_t code);
/*
 * DMA coherence (dm_op modified_memory). dm_ram_dirty records that the DM
 * wrote guest RAM [gpa, gpa + len): a range that continues the pending one
 * joins it, any other first sends the pending one. What is pending is sent
 * (and hv's answer awaited) by dm_ram_flush, which channel.c calls after
 * every device callback (before the ioreq's answer) and dm_op_call before
 * any other op (before an IRQ): the guest sees no completion of a DMA
 * before hv knows what it wrote. Sent unconditionally: a DM never knows
 * whether its guest's accelerator caches decoded code.
 */
void dm_ram_dirty(struct dm *dm, uint64_t gpa, uint64_t len);
/* Sends the pending range, if any; 0 or the dm_op's -errno (logged). */
int dm_ram_flush(struct dm *dm);

/*
 * Console output: dm_console_put queues a byte (dropped, and counted, only
 * when 4 KiB are already waiting on a console that does not drain);
 * dm_console_flush writes what is queued, without blocking, or with
 * `wait_ms` > 0 waiting up to that long for the console to take it all
 * (before the domain ends). channel.c flushes after each batch of
 * requests and before a shutdown.
 */
void dm_console_put(struct dm *dm, uint8_t byte);
void dm_console_flush(struct dm *dm, int wait_ms);
/* Serves everything pending; returns how many requests it handled. */
unsigned channel_process(struct dm *dm);
/* Runs the DM until hv goes away. */
void channel_run(struct dm *dm) __attribute__((noreturn));

/* devices.c: the static device table (adapters in dev/). */
struct devspec;
int devices_create(struct dm *dm, const struct devspec *spec, char *err,
		   size_t errlen) must_check;
void devices_list(void);

#ifdef DM_TEST_HOOKS
/*
 * Test-only builds (safepc-dm-evil, tests/e2e/evil_dm.c): a DM that
 * misbehaves on purpose. Never compiled into safepc-dm.
 */
void dm_test_init(struct dm *dm, const char *mode);
/* Called before a slot is served; returns 1 when it answered (or not). */
int dm_test_serve_hook(struct dm *dm, struct ioreq_slot *slot);
#endif

/* seccomp.c */
int dm_seccomp_apply(struct dm *dm) must_check;

#endif
