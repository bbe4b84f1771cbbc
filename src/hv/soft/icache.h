/* SPDX-License-Identifier: MIT */
/*
 * The decoded-instruction cache: per vCPU, blocks of up to IC_BLOCK_MAX
 * consecutive decoded instructions keyed by the guest-physical address
 * of the first one and the mode the decode depends on. A block never
 * crosses a 4 KiB page and carries the page's write generation
 * (vm->code_gen) from when it was decoded: a block whose page was
 * written since is stale and decoded again.
 */
#ifndef SAFEPC_HV_SOFT_ICACHE_H
#define SAFEPC_HV_SOFT_ICACHE_H

#include <stdint.h>

#include "hv/soft/decode.h"

#define IC_BLOCK_MAX 32
#define IC_BLOCK_BYTES (IC_BLOCK_MAX * 15) /* longest possible block */
/* Direct-mapped; a power of two. Linux's boot runs enough distinct code
 * that 1024 sets missed on over a third of hv's time (decoding again);
 * 8192 (15 MiB per vCPU, allocated lazily) brings that under 5%. */
#define IC_SETS 8192

struct ic_block {
	uint64_t key;	 /* gpa << 3 | mode */
	uint32_t gen;	 /* vm->code_gen of the page when decoded */
	uint32_t epoch;	 /* soft_icache.epoch when decoded */
	uint64_t pg;	 /* page index in the vm arrays */
	_Atomic uint32_t *genp; /* &vm->code_gen[pg] */
	unsigned n;
	struct soft_insn insn[IC_BLOCK_MAX];
};

/* The core's private per-vCPU state, behind cpu->icache. */
struct soft_icache {
	uint32_t epoch;	 /* bumped by soft_icache_flush: O(1) flushes */
	int lock_held;	 /* vm->lock_slow is held (lock.c) */
	struct ic_block blocks[IC_SETS];
};

static inline struct soft_icache *soft_icache_of(struct soft_cpu *cpu)
{
	return (struct soft_icache *)cpu->icache;
}

struct soft_icache *soft_icache_new(void);
/* The valid block starting at guest-physical `gpa` (host bytes at `p`
 * to the page end: `avail`), decoding it if needed; NULL when the first
 * instruction crosses the page (the caller decodes it uncached). */
struct ic_block *soft_icache_lookup(struct soft_cpu *cpu, uint64_t lin,
				    const uint8_t *p, unsigned avail,
				    uint64_t gpa);
/* Has the page of block b been written since it was decoded? */
static inline int soft_icache_stale(const struct soft_cpu *cpu,
				    const struct ic_block *b)
{
	return atomic_load_explicit(b->genp, memory_order_relaxed) != b->gen;
}

/* lock.c: drops vm->lock_slow when an access faulted while it was held. */
void soft_lock_fault_cleanup(struct soft_cpu *cpu);

#endif
