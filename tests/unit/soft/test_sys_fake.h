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
	struct soft_vm *vm;
	uint8_t *ram;
	unsigned mmio_reads, mmio_writes;
	uint64_t mmio_last_addr, mmio_last_val;
	unsigned code_written; /* soft_code_written calls (--wrap) */
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

/*
 * A GDT at FAKE_GDT (gdtr loaded) with the selectors below, a 32-bit TSS
 * at FAKE_TSS (ESP0 0x9000, SS0 0x10), an IDT base at FAKE_IDT (empty),
 * and identity long-mode tables at FAKE_PML4 (1 GiB page at 0).
 */
#define FAKE_GDT 0x1000u
#define FAKE_IDT 0x2000u
#define FAKE_TSS 0x3000u
#define FAKE_LDT 0x4000u
#define FAKE_PML4 0x20000u
#define G_CODE32 0x08
#define G_DATA32 0x10
#define G_UCODE32 0x18
#define G_UDATA32 0x20
#define G_CODE64 0x28
#define G_DATA64 0x30
#define G_TSS32 0x38
#define G_CODE16 0x40
#define G_UCODE64 0x48
#define G_LDT 0x50
#define G_TSS64 0x58 /* 16 bytes */
#define G_CALLGATE 0x68
#define G_NOTPRESENT 0x70
#define G_RODATA 0x78
#define G_XONLY 0x80
#define G_CONFORM3 0x88 /* conforming code, DPL 3 */
#define G_LIMIT 0x8f
uint64_t fake_desc(uint32_t base, uint32_t limit, unsigned access,
		   unsigned flags);
void fake_gdt(struct fake *f);
/* Loads a segment register's cache from the fake GDT, unchecked. */
void fake_seg(struct fake *f, int sreg, uint16_t sel);
/* 32-bit IDT gate / 64-bit IDT gate. */
void fake_idt32(struct fake *f, unsigned vec, uint16_t sel, uint32_t off,
		unsigned type, unsigned dpl, int present);
void fake_idt64(struct fake *f, unsigned vec, uint16_t sel, uint64_t off,
		unsigned type, unsigned dpl, unsigned ist);
/* Protected flat mode at `cpl` through the GDT's segments (32-bit). */
void fake_prot32(struct fake *f, unsigned cpl);
/* Long mode (identity paging) at `cpl`, 64-bit code, TSS64 loaded. */
void fake_long64(struct fake *f, unsigned cpl);
/* Delivers like the run loop: faults during delivery are delivered in
 * turn (nesting rules), until one completes or the CPU shuts down. */
void fake_deliver(struct fake *f, enum soft_event kind, unsigned vec,
		  int32_t err);

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
