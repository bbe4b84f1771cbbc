/* SPDX-License-Identifier: MIT */
/*
 * A soft CPU over a plain RAM buffer, for the core's tests and benchmark:
 * ops that map guest-physical pages to the buffer (plus one optional
 * alias window onto a host buffer at the same address), a port log,
 * a queue of interrupt vectors, and set-ups for real mode, flat 32-bit
 * protected mode and 64-bit mode (identity paging of the first 1 GiB).
 */
#ifndef SAFEPC_TESTS_SOFT_CORE_ENV_H
#define SAFEPC_TESTS_SOFT_CORE_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "hv/soft/cpu.h"

#define CENV_RAM (4u << 20)	 /* 4 MiB of RAM at gpa 0 */
#define CENV_PT 0x40000		 /* page tables (64-bit mode) */
#define CENV_GDT 0x50000
#define CENV_IDT 0x51000
#define CENV_HANDLERS 0x52000	 /* vector v: "mov al, v; hlt" at +16*v */
#define CENV_STACK 0x80000

struct cenv {
	struct soft_vm *vm;
	struct soft_cpu *cpu;
	uint8_t *ram;
	uint8_t *alias;		/* optional: host buffer seen at its address */
	uint64_t alias_len;
	/* Port I/O: reads return `pio_in` bytes (then 0xff); writes logged. */
	uint8_t pio_out[4096];
	unsigned npio_out;
	uint8_t pio_in[4096];
	unsigned npio_in, pio_in_pos;
	uint16_t last_port;
	/* Interrupts handed out by intr_ack, in order. */
	int intr[16];
	unsigned nintr, intr_pos;
};

struct cenv *cenv_new(void);
void cenv_free(struct cenv *e);
/* A second vCPU on the same VM and RAM (LOCK tests). */
struct soft_cpu *cenv_cpu2(struct cenv *e, unsigned id);
void cenv_real(struct cenv *e, struct soft_cpu *cpu);
void cenv_prot32(struct cenv *e, struct soft_cpu *cpu);
void cenv_long64(struct cenv *e, struct soft_cpu *cpu);
/* Copies code to gpa `at` (telling the CPU its RAM changed), sets RIP. */
void cenv_load(struct cenv *e, struct soft_cpu *cpu, uint64_t at,
	       const void *code, size_t len);
/* Runs until the CPU halts (or another exit); the exit. */
enum soft_exit cenv_run(struct cenv *e, struct soft_cpu *cpu);

#endif
