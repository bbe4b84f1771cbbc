/* SPDX-License-Identifier: MIT */
/*
 * The ioreq channel: the shared page between safepc-hv and one device model.
 *
 * This header and dm_op.h are the whole hv<->DM ABI. Both sides include
 * them; nothing else is shared. The layout is fixed and versioned; every
 * field the DM can write is treated by hv as hostile (read once, checked).
 *
 * One channel per DM, backed by a memfd of IOREQ_PAGE_BYTES created by the
 * monitor and passed to both processes. It holds:
 *   - a header with the version and the wake-up words,
 *   - one slot per vCPU (synchronous requests, Xen's shared_iopage),
 *   - a ring of posted writes that need no answer (Xen's buf_ioreq).
 *
 * Slot state machine (docs/protocol.md):
 *   NONE -hv-> READY -dm-> INPROCESS -dm-> RESP_READY -hv-> NONE
 * hv checks every state it sees while waiting; anything else is a DM fault.
 */
#ifndef SAFEPC_PROTO_IOREQ_H
#define SAFEPC_PROTO_IOREQ_H

#include <stdint.h>

#define IOREQ_ABI_VERSION 1u
#define IOREQ_MAGIC 0x71657273u /* "sreq" */

#define IOREQ_MAX_VCPUS 8u
/* Bytes of string-I/O data per slot: one KVM PIO exit never carries more. */
#define IOREQ_DATA_BYTES 4096u
#define IOREQ_BUF_SLOTS 256u /* posted-write ring entries, power of two */

enum ioreq_state {
	IOREQ_STATE_NONE = 0,
	IOREQ_STATE_READY = 1,	    /* hv filled the slot */
	IOREQ_STATE_INPROCESS = 2,  /* DM picked it up */
	IOREQ_STATE_RESP_READY = 3, /* DM answered */
};

enum ioreq_type {
	IOREQ_TYPE_PIO = 0,
	IOREQ_TYPE_MMIO = 1,
	IOREQ_TYPE_PCI_CONFIG = 2, /* addr = (bdf << 16) | register offset */
	/* A platform event from hv, posted only (never in a slot): addr =
	 * enum ioreq_event, size 4, data 0. Every DM gets it; the device
	 * that models the event's hardware acts, the others ignore it. */
	IOREQ_TYPE_EVENT = 3,
};

enum ioreq_event {
	/* `safepc shutdown`: the ACPI fixed-feature power button. */
	IOREQ_EVENT_POWER_BUTTON = 1,
};

enum ioreq_dir {
	IOREQ_DIR_WRITE = 0, /* guest -> device */
	IOREQ_DIR_READ = 1,  /* device -> guest */
};

/*
 * One synchronous request. hv writes every field but `state` and the data
 * of a read before it publishes READY; the DM writes only `state` and, for a
 * read, `data` or `buf`. hv compares the echoed fields after the answer: a
 * DM that changed them is faulty.
 *
 * For count == 1 the value is in `data` (little-endian, low `size` bytes).
 * For string I/O (rep ins/outs) count > 1 and the count * size bytes are in
 * `buf`; count * size <= IOREQ_DATA_BYTES.
 */
struct ioreq_slot {
	uint32_t state; /* enum ioreq_state; futex word for hv's wait */
	uint32_t hv_waiting; /* hv sleeps on `state`: DM must futex-wake */
	uint32_t seq;	/* incremented by hv for every request */
	uint8_t type;	/* enum ioreq_type */
	uint8_t dir;	/* enum ioreq_dir */
	uint8_t size;	/* 1, 2, 4 or 8 bytes per element */
	uint8_t pad0;
	uint64_t addr;	/* port, guest-physical address or PCI config */
	uint64_t data;
	uint32_t count; /* elements, >= 1 */
	uint32_t vcpu;
	uint32_t hv_cpu; /* host CPU the vCPU thread published from (hint) */
	uint8_t pad1[20];
	uint8_t buf[IOREQ_DATA_BYTES];
};
_Static_assert(sizeof(struct ioreq_slot) == 64 + IOREQ_DATA_BYTES,
	       "ioreq_slot layout");

/* One posted write; only single writes of 1, 2 or 4 bytes are posted. */
struct ioreq_buf_entry {
	uint64_t addr;
	uint32_t data;
	uint8_t type;
	uint8_t size;
	uint8_t pad[2];
};
_Static_assert(sizeof(struct ioreq_buf_entry) == 16, "ioreq_buf_entry layout");

/*
 * The page header. `dm_wake` is bumped by hv after publishing work; when the
 * DM has announced `dm_sleeping`, hv also writes the DM's eventfd so that a
 * DM blocked in poll() wakes. Producer and consumer indices run freely
 * (modulo 2^32) and are masked on use.
 */
struct ioreq_header {
	uint32_t magic;
	uint32_t version;
	uint32_t nr_slots;
	uint32_t dm_sleeping; /* written by DM */
	uint32_t dm_wake;     /* written by hv */
	/* Bumped by the DM while it runs (spins or serves); a waiting hv
	 * stops spinning when it stalls: the DM is not on a CPU. */
	uint32_t dm_heartbeat;
	uint32_t pad0[10];
	uint32_t buf_prod; /* written by hv, own cache line */
	uint32_t pad1[15];
	uint32_t buf_cons; /* written by DM, own cache line */
	uint32_t pad2[15];
};
_Static_assert(sizeof(struct ioreq_header) == 192, "ioreq_header layout");

struct ioreq_page {
	struct ioreq_header hdr;
	uint8_t pad[256 - sizeof(struct ioreq_header)];
	struct ioreq_buf_entry ring[IOREQ_BUF_SLOTS];
	struct ioreq_slot slot[IOREQ_MAX_VCPUS];
};

#define IOREQ_PAGE_BYTES                                                   \
	((sizeof(struct ioreq_page) + 4095u) & ~(unsigned long)4095u)
_Static_assert(sizeof(struct ioreq_page) == 256 + 16 * 256 +
					      8 * (64 + 4096),
	       "ioreq_page layout");

#endif
