/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the 16550A model. The input is a program: each
 * step is an opcode byte and its operands (register reads and writes, host
 * input bytes). After every step the harness checks invariants that hold
 * for any guest: FIFO bounds, the receive room the host sees, LSR and IIR
 * consistency, and an IRQ line that matches the state (computed here
 * without the model's priority logic) and only changes when it should.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dm/hw/ns16550.h"

struct harness {
	struct ns16550 uart;
	int level;
};

static void check(int cond)
{
	if (!cond)
		abort();
}

static void h_set_irq(void *opaque, int level)
{
	struct harness *h = opaque;

	check(level == 0 || level == 1);
	check(level != h->level); /* only on a change */
	h->level = level;
}

static void h_tx(void *opaque, uint8_t byte)
{
	struct harness *h = opaque;

	(void)byte;
	/* Loopback transmissions must not reach the host. */
	check(!(h->uart.mcr & NS16550_MCR_LOOP));
}

static const struct ns16550_ops h_ops = {.set_irq = h_set_irq, .tx = h_tx};

/* Any enabled source pending, in the datasheet's terms. */
static int h_pending(const struct ns16550 *s)
{
	return ((s->ier & NS16550_IER_ELSI) && (s->lsr & 0x1e)) ||
	       ((s->ier & NS16550_IER_ERBFI) && s->rx.count) ||
	       ((s->ier & NS16550_IER_ETBEI) && s->thre_pending) ||
	       ((s->ier & NS16550_IER_EDSSI) && (s->msr & NS16550_MSR_DELTA));
}

static void h_invariants(struct harness *h)
{
	const struct ns16550 *s = &h->uart;
	unsigned cap = (s->fcr & NS16550_FCR_FE) ? NS16550_FIFO_SIZE : 1;
	int want;

	check(s->rx.count <= cap);
	check(s->rx.head < NS16550_FIFO_SIZE);
	check(s->ier <= 0x0f);
	check(s->mcr <= 0x1f);
	if (s->mcr & NS16550_MCR_LOOP)
		check(ns16550_rx_room(s) == 0);
	else
		check(ns16550_rx_room(s) == cap - s->rx.count);
	want = h_pending(s) && (s->mcr & NS16550_MCR_OUT2) &&
	       !(s->mcr & NS16550_MCR_LOOP);
	check(h->level == want);
	check(s->irq_level == want);
}

static void h_read(struct harness *h, unsigned off)
{
	struct ns16550 *s = &h->uart;
	int dlab = s->lcr & NS16550_LCR_DLAB;
	int fifo = s->fcr & NS16550_FCR_FE;
	unsigned count = s->rx.count;
	int pending = h_pending(s);
	uint8_t v = ns16550_read(s, off);

	switch (off) {
	case NS16550_RBR:
		if (!dlab && count)
			check(s->rx.count == count - 1);
		break;
	case NS16550_IIR:
		check((v & 0xc0) == (fifo ? 0xc0 : 0));
		check((v & 0x30) == 0);
		check((v & NS16550_IIR_NO_INT) == (pending ? 0 : 1));
		break;
	case NS16550_LSR:
		check((v & 0x60) == 0x60); /* instant transmission */
		check(!!(v & NS16550_LSR_DR) == (count != 0));
		check((s->lsr & 0x1e) == 0); /* errors clear on read */
		break;
	case NS16550_MSR:
		check((s->msr & NS16550_MSR_DELTA) == 0);
		break;
	default:
		if (off > 7)
			check(v == 0xff);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h = {0};
	size_t i = 0;

	ns16550_init(&h.uart, &h_ops, &h);
	h_invariants(&h);
	while (i < size) {
		uint8_t op = data[i++];
		uint8_t arg = i < size ? data[i++] : 0;

		switch (op & 3) {
		case 0: /* write: low bits of op pick the register */
			ns16550_write(&h.uart, (op >> 2) & 7, arg);
			break;
		case 1:
			h_read(&h, (op >> 2) & 7);
			break;
		case 2: {
			unsigned room = ns16550_rx_room(&h.uart);
			int r = ns16550_rx(&h.uart, arg);

			check(room ? r == 0 : r < 0);
			break;
		}
		default: /* rare: an offset outside the block */
			if (op & 4)
				ns16550_write(&h.uart, 8u + arg, arg);
			else
				h_read(&h, 8u + arg);
			break;
		}
		h_invariants(&h);
	}
	return 0;
}
