/* SPDX-License-Identifier: MIT */
/*
 * ioapic: an 82093AA-style I/O APIC with 24 pins as a pure register
 * machine, the one KVM keeps in the kernel, for hv's soft CPU.
 *
 * MMIO window (the caller maps it at IOAPIC_BASE, 0x100 bytes decoded):
 * IOREGSEL at +0x00, IOWIN at +0x10, and the EOI register at +0x40. The
 * version register reads 0x11 as KVM's does (max redirection entry 23), so
 * guests use the LAPIC's EOI broadcast; a write to +0x40 is honoured all
 * the same, as KVM honours it.
 *
 * Pins: ioapic_set_irq() takes the line's *asserted* level (the caller has
 * already combined shared lines); the polarity bit is stored and not
 * applied, as in KVM. Edge pins deliver on a rising edge; an edge that
 * arrives while the pin is masked stays pending as long as the line stays
 * asserted and is delivered on unmask (KVM's behaviour). Level pins
 * deliver while asserted and Remote IRR is clear, and set Remote IRR;
 * ioapic_eoi() clears it and delivers again if the line is still asserted.
 * Repeating a level is harmless.
 *
 * Delivery goes out through `deliver` (the glue routes it to LAPICs); the
 * Delivery Status bit always reads 0 (delivery is immediate). Not
 * reentrant: callers serialise all calls, and `deliver` must not call back
 * into this model.
 */
#ifndef SAFEPC_HV_SOFT_IOAPIC_H
#define SAFEPC_HV_SOFT_IOAPIC_H

#include <stdint.h>

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_SIZE 0x100u
#define IOAPIC_PINS 24u
#define IOAPIC_VERSION 0x11u

/* MMIO offsets. */
#define IOAPIC_IOREGSEL 0x00u
#define IOAPIC_IOWIN 0x10u
#define IOAPIC_EOI 0x40u

/* Indirect register indices. */
#define IOAPIC_REG_ID 0x00u
#define IOAPIC_REG_VER 0x01u
#define IOAPIC_REG_ARB 0x02u
#define IOAPIC_REG_REDTBL 0x10u /* + 2 * pin: low dword, + 1: high dword */

/* Redirection entry bits. */
#define IOAPIC_RTE_VECTOR 0xffull
#define IOAPIC_RTE_DELMOD_SHIFT 8
#define IOAPIC_RTE_DESTMOD (1ull << 11)	 /* 1: logical */
#define IOAPIC_RTE_DELIVS (1ull << 12)	 /* read-only */
#define IOAPIC_RTE_INTPOL (1ull << 13)	 /* 1: active low */
#define IOAPIC_RTE_REMOTE_IRR (1ull << 14) /* read-only */
#define IOAPIC_RTE_TRIGGER (1ull << 15)	 /* 1: level */
#define IOAPIC_RTE_MASK (1ull << 16)
#define IOAPIC_RTE_DEST_SHIFT 56

/* Delivery modes (also the LAPIC's). */
#define IOAPIC_DM_FIXED 0u
#define IOAPIC_DM_LOWEST 1u
#define IOAPIC_DM_SMI 2u
#define IOAPIC_DM_NMI 4u
#define IOAPIC_DM_INIT 5u
#define IOAPIC_DM_EXTINT 7u

struct ioapic_ops {
	/* One interrupt message: destination (8-bit APIC ID or logical
	 * mask), logical or physical, delivery mode (IOAPIC_DM_*), vector
	 * and trigger mode (1 = level). */
	void (*deliver)(void *ctx, uint8_t dest, int dest_logical,
			unsigned delivery_mode, uint8_t vector,
			int trigger_level);
};

struct ioapic {
	uint32_t ioregsel;		  /* IOREGSEL (8 bits used) */
	uint32_t id;			  /* IOAPICID, bits 27:24 */
	uint64_t redtbl[IOAPIC_PINS];	  /* IOREDTBL0-23 */
	uint32_t line;			  /* asserted pins */
	uint32_t pending;		  /* asserted edges not yet delivered */
	const struct ioapic_ops *ops;
	void *ctx;
};

/* Reset state: ID 0, every pin masked, edge, active high, vector 0. */
void ioapic_init(struct ioapic *io, const struct ioapic_ops *ops, void *ctx);
void ioapic_reset(struct ioapic *io);

/* MMIO at `offset` from the base (0 .. IOAPIC_SIZE-1), size 1, 2, 4 or 8.
 * Reads of undecoded offsets return 0; writes narrower than 4 bytes or at
 * unaligned offsets are ignored except a byte write to IOREGSEL. */
uint64_t ioapic_read(struct ioapic *io, uint64_t offset, unsigned size);
void ioapic_write(struct ioapic *io, uint64_t offset, unsigned size,
		  uint64_t val);

/* Pin `pin` (0-23, others ignored) at asserted level `level` (0/1). */
void ioapic_set_irq(struct ioapic *io, unsigned pin, int level);

/* The LAPICs' EOI broadcast for `vector`: every level pin with that vector
 * and Remote IRR set gets it cleared and is serviced again. */
void ioapic_eoi(struct ioapic *io, uint8_t vector);

#endif
