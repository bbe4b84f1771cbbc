/* SPDX-License-Identifier: MIT */
/*
 * The soft CPU as hv sees it: an x86-64 interpreter for one vCPU that
 * reaches the world only through `struct soft_ops`. hv's soft backend
 * (src/hv/accel_soft.c) implements the ops over guest RAM, ioreq, the
 * firmware window and hv's own PIC/PIT/IOAPIC/LAPIC models; unit tests
 * and fuzzers implement them over a plain buffer.
 */
#ifndef SAFEPC_HV_SOFT_SOFT_H
#define SAFEPC_HV_SOFT_SOFT_H

#include <stdatomic.h>
#include <stdint.h>

struct soft_cpu;
struct soft_vm;

struct soft_ops {
	/*
	 * RAM: a host pointer to the guest-physical 4 KiB page holding
	 * `gpa`, or NULL when that page is not plain RAM (MMIO, the legacy
	 * hole, a ROM-decoded firmware block, past the end). `write` asks
	 * for a writable mapping: a page that reads as RAM but drops writes
	 * (PAM ROM) returns NULL for write and a pointer for read.
	 */
	uint8_t *(*ram_page)(void *ctx, uint64_t gpa, int write);
	/* Everything else: MMIO (LAPIC, IOAPIC, firmware, DMs). size 1-8. */
	uint64_t (*mmio_read)(void *ctx, uint64_t gpa, unsigned size);
	void (*mmio_write)(void *ctx, uint64_t gpa, unsigned size, uint64_t v);
	/* Port I/O; `count` elements of `size` bytes in `data` (string I/O
	 * passes several at once, as KVM's exits do). */
	void (*pio)(void *ctx, uint16_t port, unsigned size, unsigned count,
		    int is_write, uint8_t *data);
	/*
	 * Interrupts: the vector of the highest-priority external interrupt
	 * the CPU may take now, acknowledged (LAPIC IRR -> ISR, or the PIC
	 * as a virtual wire); -1 when none. Called only with RFLAGS.IF set
	 * and no interrupt shadow.
	 */
	int (*intr_ack)(void *ctx);
	/* MSRs the CPU does not keep (APIC base, TSC deadline, x2APIC):
	 * 0, or -1 for #GP. */
	int (*rdmsr)(void *ctx, uint32_t msr, uint64_t *v);
	int (*wrmsr)(void *ctx, uint32_t msr, uint64_t v);
	/* CR8 is the LAPIC's TPR[7:4]. */
	uint64_t (*get_cr8)(void *ctx);
	void (*set_cr8)(void *ctx, uint64_t v);
	/* The host's monotonic clock in ns (TSC = ns * SOFT_TSC_KHZ / 1e6). */
	int64_t (*clock_ns)(void *ctx);
};

/* The TSC the model advertises, in kHz (CPUID 0x15/0x16 and 0x40000010). */
#define SOFT_TSC_KHZ 1000000u

/* Requests other threads post to a vCPU (soft_cpu_request). */
#define SOFT_REQ_INTR (1u << 0)	 /* an interrupt may be pending */
#define SOFT_REQ_NMI (1u << 1)
#define SOFT_REQ_INIT (1u << 2)
#define SOFT_REQ_SIPI (1u << 3)	 /* vector in soft_cpu_request's arg */
#define SOFT_REQ_STOP (1u << 4)	 /* leave soft_cpu_run soon (kick) */

/* Why soft_cpu_run returned. */
enum soft_exit {
	SOFT_EXIT_REQUEST,  /* SOFT_REQ_STOP (or INIT/SIPI) was posted */
	SOFT_EXIT_HLT,	    /* halted: sleep until a request (an interrupt,
			       NMI, INIT), then call soft_cpu_run again */
	SOFT_EXIT_SHUTDOWN, /* triple fault */
	SOFT_EXIT_WAIT_SIPI,/* after INIT: nothing to run until a SIPI */
};

/* Per-VM: `ram_bytes` of guest RAM starting at gpa 0 plus above 4 GiB. */
struct soft_vm *soft_vm_new(uint64_t low_bytes, uint64_t high_bytes);
void soft_vm_free(struct soft_vm *vm);
/* A DM (or hv) wrote guest RAM behind the CPU's back: drop decoded code. */
void soft_vm_modified(struct soft_vm *vm, uint64_t gpa, uint64_t len);

/* One vCPU in the power-on state; NULL on -ENOMEM. */
struct soft_cpu *soft_cpu_new(struct soft_vm *vm, unsigned id,
			      const struct soft_ops *ops, void *ctx);
void soft_cpu_free(struct soft_cpu *cpu);
/* Runs until one of enum soft_exit. */
enum soft_exit soft_cpu_run(struct soft_cpu *cpu);
/* Posts SOFT_REQ_* bits (any thread); `sipi_vector` for SOFT_REQ_SIPI. */
void soft_cpu_request(struct soft_cpu *cpu, unsigned req, unsigned sipi_vector);

/* Register access for loaders, tests and error reports. */
struct soft_regs {
	uint64_t gpr[16], rip, rflags;
	uint64_t cr0, cr2, cr3, cr4, efer;
	uint16_t cs, ds, es, ss, fs, gs;
	uint64_t cs_base;
};
void soft_cpu_get_regs(struct soft_cpu *cpu, struct soft_regs *r);
/* Real-mode entry at cs:ip with the given GPRs (boot trampolines). */
void soft_cpu_set_real_entry(struct soft_cpu *cpu, uint16_t cs, uint16_t ip,
			     const uint64_t gpr[16]);
uint64_t soft_cpu_icount(const struct soft_cpu *cpu);

#endif
