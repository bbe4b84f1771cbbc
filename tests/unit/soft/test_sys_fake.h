/* SPDX-License-Identifier: MIT */
/*
 * A fake world for the soft CPU's system tests: a RAM buffer with an MMIO
 * hole, soft_ops over it, and a macro that runs a statement and reports
 * the exception it raised (soft_raise longjmps to cpu->fault_jmp).
 */
#ifndef SAFEPC_TESTS_SOFT_SYS_FAKE_H
#define SAFEPC_TESTS_SOFT_SYS_FAKE_H

#include <setjmp.h>
#include <stdint.h>

#include "hv/soft/cpu.h"

/* 16 MiB of RAM; [FAKE_HOLE, FAKE_HOLE + 128 KiB) is MMIO. */
#define FAKE_RAM (16u << 20)
#define FAKE_HOLE 0xa0000u

struct fake {
	struct soft_cpu *cpu;
	struct soft_vm vm;
	uint8_t *ram;
	unsigned mmio_reads, mmio_writes;
	uint64_t mmio_last_addr, mmio_last_val;
	unsigned code_written; /* soft_code_written calls */
	unsigned icache_flushes;
	uint64_t clock;
	uint64_t apic_base;
	uint8_t cr8;
};

extern struct fake *fake_cur;
struct fake *fake_new(void);
void fake_free(struct fake *f);
/* Flat segments and mode for tests that skip the real loads. */
void fake_flat32(struct fake *f, unsigned cpl);
void fake_put(struct fake *f, uint64_t gpa, uint64_t v, unsigned size);
uint64_t fake_get(struct fake *f, uint64_t gpa, unsigned size);

/* Runs `stmt`; evaluates to -1 when it did not fault, else the vector
 * (error code in f->cpu->pend_err). */
#define FAULT(f, stmt)                                                  \
	({                                                              \
		volatile int fault_r_ = -1;                             \
		if (!setjmp((f)->cpu->fault_jmp)) {                     \
			stmt;                                           \
		} else {                                                \
			fault_r_ = (f)->cpu->pend_vec;                  \
		}                                                       \
		fault_r_;                                               \
	})

#endif
