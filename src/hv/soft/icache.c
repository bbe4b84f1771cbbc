/* SPDX-License-Identifier: MIT */
/*
 * The decoded-instruction cache (icache.h) and code coherence: pages
 * that hold decoded code are marked in vm->code_bits; the memory front
 * end calls soft_code_written() for writes to them, which bumps the
 * page's generation so every vCPU's blocks of that page go stale.
 */
#include <stdlib.h>
#include <string.h>

#include "hv/soft/icache.h"

struct soft_icache *soft_icache_new(void)
{
	struct soft_icache *ic = calloc(1, sizeof(*ic));

	if (!ic)
		return NULL;
	/* Epoch 1: zeroed blocks (epoch 0) are all invalid. */
	ic->epoch = 1;
	return ic;
}

void soft_icache_flush(struct soft_cpu *cpu)
{
	struct soft_icache *ic = soft_icache_of(cpu);

	if (++ic->epoch == 0) {
		/* Wrapped: really forget every block once. */
		for (unsigned i = 0; i < IC_SETS; i++)
			ic->blocks[i].epoch = 0;
		ic->epoch = 1;
	}
}

/* The 64-byte chunks of a page that bytes [off, off + len) touch. */
static uint64_t icache_chunks(unsigned off, unsigned len)
{
	unsigned first = off >> 6, last = (off + len - 1) >> 6;
	uint64_t hi = last >= 63 ? ~(uint64_t)0 : ((uint64_t)1 << (last + 1)) - 1;

	return hi & ~(((uint64_t)1 << first) - 1);
}

void soft_code_written(struct soft_vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t end = gpa + len, pg;

	if (!len)
		return;
	for (pg = gpa >> 12; (pg << 12) < end && pg < vm->ram_pages; pg++) {
		uint64_t a = pg << 12 > gpa ? pg << 12 : gpa;
		uint64_t b = (pg + 1) << 12 < end ? (pg + 1) << 12 : end;

		if (!((atomic_load_explicit(&vm->code_bits[pg >> 3],
					    memory_order_relaxed) >> (pg & 7)) & 1))
			continue;
		if (!(atomic_load(&vm->code_chunks[pg]) &
		      icache_chunks((unsigned)(a & 0xfff), (unsigned)(b - a))))
			continue;
		atomic_fetch_add_explicit(&vm->code_gen[pg], 1,
					  memory_order_release);
	}
}

void soft_vm_modified(struct soft_vm *vm, uint64_t gpa, uint64_t len)
{
	soft_code_written(vm, gpa, len);
}

static unsigned icache_hash(uint64_t gpa)
{
	return (unsigned)((gpa ^ (gpa >> 10) ^ (gpa >> 20)) & (IC_SETS - 1));
}

struct ic_block *soft_icache_lookup(struct soft_cpu *cpu, uint64_t lin,
				    const uint8_t *p, unsigned avail,
				    uint64_t gpa)
{
	struct soft_icache *ic = soft_icache_of(cpu);
	struct soft_vm *vm = cpu->vm;
	uint64_t pg = gpa >> 12, key = gpa << 3 | (uint64_t)cpu->mode;
	struct ic_block *b = &ic->blocks[icache_hash(gpa)];
	unsigned pos = 0, n;
	uint8_t bit = (uint8_t)(1u << (pg & 7));
	uint32_t gen;

	if (pg >= vm->ram_pages)
		return NULL;
	gen = atomic_load_explicit(&vm->code_gen[pg], memory_order_acquire);
	if (b->key == key && b->gen == gen && b->epoch == ic->epoch)
		return b;
	/* Mark the page as code: from now on writes to it are reported. */
	if (!(atomic_load_explicit(&vm->code_bits[pg >> 3],
				   memory_order_relaxed) & bit))
		atomic_fetch_or(&vm->code_bits[pg >> 3], bit);
	/*
	 * Decode from a copy, then mark the chunks the block covers and
	 * check that the bytes are still the copy's: a write before the
	 * mark shows in the comparison, one after it bumps the page's
	 * generation (read before the copy), so no change goes unseen.
	 */
	for (int tries = 0;; tries++) {
		uint8_t copy[IC_BLOCK_BYTES];
		unsigned span = avail < sizeof(copy) ? avail : sizeof(copy);
		uint64_t mask;

		gen = atomic_load(&vm->code_gen[pg]);
		memcpy(copy, p, span);
		pos = 0;
		for (n = 0; n < IC_BLOCK_MAX && pos < span; n++) {
			struct soft_insn *in = &b->insn[n];

			if (soft_decode(cpu, lin + pos, copy + pos, span - pos,
					1, in) < 0)
				break;
			pos += in->len;
			if (in->flags & I_END) {
				n++;
				break;
			}
		}
		if (!n)
			break;
		mask = icache_chunks((unsigned)(gpa & 0xfff), pos);
		if ((atomic_load(&vm->code_chunks[pg]) & mask) != mask)
			atomic_fetch_or(&vm->code_chunks[pg], mask);
		if (!memcmp(copy, p, pos))
			break;
		if (tries == 3) {
			n = 0; /* being rewritten right now: run it uncached */
			break;
		}
	}
	if (!n) {
		b->key = ~(uint64_t)0;
		return NULL;
	}
	b->key = key;
	b->gen = gen;
	b->epoch = ic->epoch;
	b->pg = pg;
	b->genp = &vm->code_gen[pg];
	b->n = n;
	return b;
}
