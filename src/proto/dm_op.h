/* SPDX-License-Identifier: MIT */
/*
 * dm_op: the only calls a device model can make into safepc-hv.
 *
 * Transport: a SOCK_SEQPACKET socketpair, one per DM, created by the
 * monitor. The socket is the capability: it names one domain and one DM, so
 * no op carries a domid. Every message is exactly sizeof(struct dm_op_req)
 * or sizeof(struct dm_op_resp) bytes; hv drops (and counts as a fault) any
 * message of another size, version or op, and checks every op against the
 * DM's manifest (the ports, MMIO windows and IRQ lines the monitor granted).
 *
 * Calls are synchronous: the DM sends one request and waits for its answer,
 * whose `seq` echoes the request's. status is 0 or a negative errno.
 */
#ifndef SAFEPC_PROTO_DM_OP_H
#define SAFEPC_PROTO_DM_OP_H

#include <stdint.h>

#define DM_OP_ABI_VERSION 1u

enum dm_op_code {
	DM_OP_MAP_IO_RANGE = 1,
	DM_OP_UNMAP_IO_RANGE = 2,
	DM_OP_SET_ISA_IRQ_LEVEL = 3,
	DM_OP_REMOTE_SHUTDOWN = 4,
	DM_OP_NR_VCPUS = 5,
	DM_OP_READY = 6, /* all ranges claimed: hv may start the vCPUs */
	DM_OP_SET_PCI_INTX_LEVEL = 7,
	DM_OP_SET_PCI_LINK_ROUTE = 8,
	DM_OP_SET_MEM_TYPE = 9,
	DM_OP_MODIFIED_MEMORY = 10,
	DM_OP_MAX
};

enum dm_op_range_type {
	DM_OP_RANGE_PORT = 0,
	DM_OP_RANGE_MMIO = 1,
	DM_OP_RANGE_PCI = 2, /* start/end are BDFs */
};

/* map_io_range flags */
#define DM_OP_RANGE_POSTED_WRITES 0x1u /* writes may go through the ring */

enum dm_op_shutdown_reason {
	DM_OP_SHUTDOWN_POWEROFF = 0,
	DM_OP_SHUTDOWN_REBOOT = 1,
	DM_OP_SHUTDOWN_CRASH = 2,
	DM_OP_SHUTDOWN_DEBUG_EXIT = 3, /* code = (value << 1) | 1 */
};

struct dm_op_io_range {
	uint32_t type; /* enum dm_op_range_type */
	uint32_t flags;
	uint64_t start; /* inclusive */
	uint64_t end;	/* inclusive */
};

struct dm_op_irq_level {
	uint32_t irq; /* ISA IRQ 0-15 */
	uint32_t level;
};

/* A PCI function's INTx pin (0 = INTA … 3 = INTD); bdf must be granted. */
struct dm_op_intx_level {
	uint32_t bdf;
	uint32_t pin;
	uint32_t level;
};

/* PIIX3 PIRQ routing: link 0-3 (PIRQA-D) to ISA IRQ 0-15, or 0x80 = off. */
#define DM_OP_LINK_DISABLED 0x80u
struct dm_op_link_route {
	uint32_t link;
	uint32_t irq;
};

/*
 * set_mem_type: how a part of the legacy window 0xC0000-0xFFFFF decodes
 * (the i440FX PAM registers). start and size in bytes, multiples of
 * 16 KiB. The values are a PAM nibble's RE (bit 0) and WE (bit 1) bits:
 * this is the one PAM mode enum, used by the i440FX model that decodes the
 * registers (dm/hw/i440fx.c) and by hv's firmware window (hv/firmware.c).
 */
enum dm_op_mem_type {
	DM_OP_MEM_BUS = 0,   /* to the bus: the BIOS ROM alias, or nothing */
	DM_OP_MEM_ROM = 1,   /* reads from RAM, writes dropped */
	DM_OP_MEM_WRITE = 2, /* reads from the bus, writes to RAM */
	DM_OP_MEM_RAM = 3,   /* reads and writes to RAM */
};
struct dm_op_set_mem {
	uint64_t start;
	uint64_t size;
	uint32_t type;
	uint32_t pad;
};

struct dm_op_shutdown {
	uint32_t reason; /* enum dm_op_shutdown_reason */
	uint32_t code;
};

/*
 * modified_memory (Xen's HVMOP_modified_memory): the DM wrote guest RAM
 * [gpa, gpa + len) by DMA. An accelerator that caches decoded guest code
 * (the soft CPU) drops what it decoded there; KVM needs nothing. The DM
 * sends it, and waits for the answer, before the transfer's completion
 * (status bits, IRQ, a completion word in RAM) can be seen by the guest.
 * The whole range must be guest RAM; len > 0, no wrap.
 */
struct dm_op_modified_memory {
	uint64_t gpa;
	uint64_t len;
};
_Static_assert(sizeof(struct dm_op_modified_memory) == 16,
	       "dm_op_modified_memory layout");

struct dm_op_req {
	uint32_t version; /* DM_OP_ABI_VERSION */
	uint32_t op;	  /* enum dm_op_code */
	uint32_t seq;
	uint32_t len; /* payload bytes that are meaningful for this op */
	union {
		struct dm_op_io_range range;
		struct dm_op_irq_level irq;
		struct dm_op_shutdown shutdown;
		struct dm_op_intx_level intx;
		struct dm_op_link_route link;
		struct dm_op_set_mem mem;
		struct dm_op_modified_memory modified;
		uint8_t raw[48];
	} u;
};
_Static_assert(sizeof(struct dm_op_req) == 64, "dm_op_req layout");

struct dm_op_resp {
	uint32_t version;
	int32_t status; /* 0 or -errno */
	uint32_t seq;
	uint32_t len;
	union {
		uint32_t nr_vcpus;
		uint8_t raw[48];
	} u;
};
_Static_assert(sizeof(struct dm_op_resp) == 64, "dm_op_resp layout");

#endif
