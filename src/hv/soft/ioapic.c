/* SPDX-License-Identifier: MIT */
/*
 * ioapic: the I/O APIC. See ioapic.h.
 */
#include "hv/soft/ioapic.h"

#include <string.h>

/* Guest-writable bits of a redirection entry: all but Delivery Status and
 * Remote IRR, and the reserved bits 55:17. */
#define RTE_WRITABLE                                                     \
	(0xff00000000000000ull | IOAPIC_RTE_MASK | IOAPIC_RTE_TRIGGER |  \
	 IOAPIC_RTE_INTPOL | IOAPIC_RTE_DESTMOD | 0x7ffull)

/* Sends pin's interrupt if the pin is in a state to: unmasked, asserted
 * (edge: an undelivered edge), and for level pins Remote IRR clear. */
static void ioapic_service(struct ioapic *io, unsigned pin)
{
	uint64_t rte = io->redtbl[pin];
	uint32_t bit = 1u << pin;
	int level = !!(rte & IOAPIC_RTE_TRIGGER);

	if (rte & IOAPIC_RTE_MASK)
		return;
	if (level) {
		if (!(io->line & bit) || (rte & IOAPIC_RTE_REMOTE_IRR))
			return;
		io->redtbl[pin] |= IOAPIC_RTE_REMOTE_IRR;
	} else {
		if (!(io->pending & bit))
			return;
		io->pending &= ~bit;
	}
	if (io->ops && io->ops->deliver)
		io->ops->deliver(io->ctx, (uint8_t)(rte >> IOAPIC_RTE_DEST_SHIFT),
				 !!(rte & IOAPIC_RTE_DESTMOD),
				 (unsigned)(rte >> IOAPIC_RTE_DELMOD_SHIFT) & 7u,
				 (uint8_t)(rte & IOAPIC_RTE_VECTOR), level);
}

void ioapic_reset(struct ioapic *io)
{
	io->ioregsel = 0;
	io->id = 0;
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		io->redtbl[i] = IOAPIC_RTE_MASK;
	/* Lines keep their levels; nothing is pending after a reset. */
	io->pending = 0;
}

void ioapic_init(struct ioapic *io, const struct ioapic_ops *ops, void *ctx)
{
	memset(io, 0, sizeof(*io));
	io->ops = ops;
	io->ctx = ctx;
	ioapic_reset(io);
}

static uint32_t reg_read(const struct ioapic *io)
{
	uint32_t sel = io->ioregsel, pin;

	switch (sel) {
	case IOAPIC_REG_ID:
		return io->id;
	case IOAPIC_REG_VER:
		return (IOAPIC_PINS - 1u) << 16 | IOAPIC_VERSION;
	case IOAPIC_REG_ARB:
		/* Arbitration ID follows the APIC ID (loaded at reset). */
		return io->id & 0x0f000000u;
	default:
		if (sel < IOAPIC_REG_REDTBL ||
		    sel >= IOAPIC_REG_REDTBL + 2u * IOAPIC_PINS)
			return 0;
		pin = (sel - IOAPIC_REG_REDTBL) / 2u;
		return (uint32_t)(io->redtbl[pin] >> ((sel & 1u) ? 32 : 0));
	}
}

static void reg_write(struct ioapic *io, uint32_t val)
{
	uint32_t sel = io->ioregsel, pin;
	uint64_t old, rte;

	if (sel == IOAPIC_REG_ID) {
		io->id = val & 0x0f000000u;
		return;
	}
	if (sel < IOAPIC_REG_REDTBL || sel >= IOAPIC_REG_REDTBL + 2u * IOAPIC_PINS)
		return; /* version, arbitration and holes are read-only */
	pin = (sel - IOAPIC_REG_REDTBL) / 2u;
	old = io->redtbl[pin];
	if (sel & 1u)
		rte = (old & 0xffffffffull) | (uint64_t)val << 32;
	else
		rte = (old & 0xffffffff00000000ull) | val;
	rte = (rte & RTE_WRITABLE) | (old & IOAPIC_RTE_REMOTE_IRR);
	/* An edge pin has no Remote IRR (KVM clears it on the switch). */
	if (!(rte & IOAPIC_RTE_TRIGGER))
		rte &= ~IOAPIC_RTE_REMOTE_IRR;
	io->redtbl[pin] = rte;
	/* Unmasking (or any rewrite) delivers what is waiting. */
	ioapic_service(io, pin);
}

uint64_t ioapic_read(struct ioapic *io, uint64_t offset, unsigned size)
{
	uint32_t v;
	unsigned shift;

	if (offset >= IOAPIC_SIZE || size == 0 || size > 8)
		return 0;
	switch (offset & ~3ull) {
	case IOAPIC_IOREGSEL:
		v = io->ioregsel;
		break;
	case IOAPIC_IOWIN:
		v = reg_read(io);
		break;
	default:
		return 0;
	}
	shift = (unsigned)(offset & 3u) * 8u;
	v >>= shift;
	if (size < 4)
		v &= (1u << (size * 8u)) - 1u;
	return v;
}

void ioapic_write(struct ioapic *io, uint64_t offset, unsigned size,
		  uint64_t val)
{
	if (offset == IOAPIC_IOREGSEL && size >= 1 && size <= 8) {
		io->ioregsel = (uint8_t)val;
		return;
	}
	if (size < 4 || size > 8 || (offset & 3u))
		return;
	switch (offset) {
	case IOAPIC_IOWIN:
		reg_write(io, (uint32_t)val);
		break;
	case IOAPIC_EOI:
		ioapic_eoi(io, (uint8_t)val);
		break;
	default:
		break;
	}
}

void ioapic_set_irq(struct ioapic *io, unsigned pin, int level)
{
	uint32_t bit;

	if (pin >= IOAPIC_PINS)
		return;
	bit = 1u << pin;
	if (!level) {
		io->line &= ~bit;
		/* A withdrawn edge that was never delivered is gone. */
		io->pending &= ~bit;
		return;
	}
	if (!(io->line & bit))
		io->pending |= bit; /* rising edge */
	io->line |= bit;
	if (io->redtbl[pin] & IOAPIC_RTE_TRIGGER)
		io->pending &= ~bit; /* level pins go by the line */
	ioapic_service(io, pin);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t rte = io->redtbl[pin];

		if ((rte & IOAPIC_RTE_VECTOR) != vector ||
		    !(rte & IOAPIC_RTE_TRIGGER) ||
		    !(rte & IOAPIC_RTE_REMOTE_IRR))
			continue;
		io->redtbl[pin] = rte & ~IOAPIC_RTE_REMOTE_IRR;
		ioapic_service(io, pin);
	}
}
