/* SPDX-License-Identifier: MIT */
/*
 * 16550A UART register machine. See ns16550.h for the timing and interrupt
 * model; the register behaviour follows the TI PC16550D datasheet.
 */
#include "dm/hw/ns16550.h"

#include <errno.h>
#include <string.h>

#define NS16550_LSR_ERRORS                                                 \
	(NS16550_LSR_OE | NS16550_LSR_PE | NS16550_LSR_FE | NS16550_LSR_BI)

static bool ns16550_fifo_on(const struct ns16550 *s)
{
	return s->fcr & NS16550_FCR_FE;
}

/* Receive capacity: the FIFO, or the single RBR when FIFOs are off. */
static unsigned ns16550_rx_capacity(const struct ns16550 *s)
{
	return ns16550_fifo_on(s) ? NS16550_FIFO_SIZE : 1;
}

static unsigned ns16550_rx_trigger(const struct ns16550 *s)
{
	static const uint8_t levels[4] = {1, 4, 8, 14};

	return levels[(s->fcr & NS16550_FCR_TRIG) >> 6];
}

static void ns16550_fifo_reset(struct ns16550_fifo *f)
{
	f->head = 0;
	f->count = 0;
}

static void ns16550_fifo_push(struct ns16550_fifo *f, uint8_t byte)
{
	f->data[(f->head + f->count) % NS16550_FIFO_SIZE] = byte;
	f->count++;
}

static uint8_t ns16550_fifo_pop(struct ns16550_fifo *f)
{
	uint8_t byte = f->data[f->head];

	f->head = (f->head + 1) % NS16550_FIFO_SIZE;
	f->count--;
	return byte;
}

/* The highest-priority pending interrupt, as IIR bits 0-3. */
static uint8_t ns16550_irq_source(const struct ns16550 *s)
{
	if ((s->ier & NS16550_IER_ELSI) && (s->lsr & NS16550_LSR_ERRORS))
		return NS16550_IIR_RLSI;
	if ((s->ier & NS16550_IER_ERBFI) && s->rx.count) {
		/* No character clock: a short FIFO has timed out already. */
		if (ns16550_fifo_on(s) && s->rx.count < ns16550_rx_trigger(s))
			return NS16550_IIR_CTI;
		return NS16550_IIR_RDI;
	}
	if ((s->ier & NS16550_IER_ETBEI) && s->thre_pending)
		return NS16550_IIR_THRI;
	if ((s->ier & NS16550_IER_EDSSI) && (s->msr & NS16550_MSR_DELTA))
		return NS16550_IIR_MSI;
	return NS16550_IIR_NO_INT;
}

/*
 * Drives the output line. On a PC the chip's INTR pin reaches the bus
 * through a buffer enabled by OUT2; loopback forces OUT2 inactive.
 */
static void ns16550_update_irq(struct ns16550 *s)
{
	int level = ns16550_irq_source(s) != NS16550_IIR_NO_INT &&
		    (s->mcr & NS16550_MCR_OUT2) &&
		    !(s->mcr & NS16550_MCR_LOOP);

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	if (s->ops && s->ops->set_irq)
		s->ops->set_irq(s->opaque, level);
}

/* Modem status inputs: the modem lines, or MCR's outputs in loopback. */
static uint8_t ns16550_modem_inputs(const struct ns16550 *s)
{
	uint8_t m = s->mcr;

	if (!(s->mcr & NS16550_MCR_LOOP))
		return s->msr_inputs;
	return ((m & NS16550_MCR_DTR) ? NS16550_MSR_DSR : 0) |
	       ((m & NS16550_MCR_RTS) ? NS16550_MSR_CTS : 0) |
	       ((m & NS16550_MCR_OUT1) ? NS16550_MSR_RI : 0) |
	       ((m & NS16550_MCR_OUT2) ? NS16550_MSR_DCD : 0);
}

/* Recomputes MSR bits 4-7 and accumulates the delta bits 0-3. */
static void ns16550_update_msr(struct ns16550 *s)
{
	uint8_t old = s->msr & 0xf0;
	uint8_t now = ns16550_modem_inputs(s);
	uint8_t changed = old ^ now;
	uint8_t delta = 0;

	if (changed & NS16550_MSR_CTS)
		delta |= NS16550_MSR_DCTS;
	if (changed & NS16550_MSR_DSR)
		delta |= NS16550_MSR_DDSR;
	/* TERI: trailing edge only, RI going from on to off. */
	if ((old & NS16550_MSR_RI) && !(now & NS16550_MSR_RI))
		delta |= NS16550_MSR_TERI;
	if (changed & NS16550_MSR_DCD)
		delta |= NS16550_MSR_DDCD;
	s->msr = now | (s->msr & NS16550_MSR_DELTA) | delta;
}

/*
 * A character arrives in the receive shift register. With the FIFO full
 * (or RBR full without FIFO) it is an overrun: in FIFO mode the new byte is
 * lost, in 16450 mode it overwrites RBR.
 */
static void ns16550_receive(struct ns16550 *s, uint8_t byte)
{
	if (s->rx.count < ns16550_rx_capacity(s)) {
		ns16550_fifo_push(&s->rx, byte);
		return;
	}
	s->lsr |= NS16550_LSR_OE;
	if (!ns16550_fifo_on(s))
		s->rx.data[s->rx.head] = byte;
}

/* Sends one byte: to the host, or back into the receiver in loopback. */
static void ns16550_transmit(struct ns16550 *s, uint8_t byte)
{
	if (s->mcr & NS16550_MCR_LOOP)
		ns16550_receive(s, byte);
	else if (s->ops && s->ops->tx)
		s->ops->tx(s->opaque, byte);
	/* THR and TSR are empty again: THRE fires anew. */
	s->thre_pending = true;
}

static void ns16550_write_fcr(struct ns16550 *s, uint8_t val)
{
	/* Toggling FE clears both FIFOs. */
	if ((val ^ s->fcr) & NS16550_FCR_FE)
		ns16550_fifo_reset(&s->rx);
	if (!(val & NS16550_FCR_FE)) {
		/* The other bits are programmed only together with FE. */
		s->fcr = 0;
		return;
	}
	if (val & NS16550_FCR_RXRST)
		ns16550_fifo_reset(&s->rx);
	/* TXRST: the TX FIFO is always empty (instant transmission). */
	s->fcr = val & (NS16550_FCR_FE | NS16550_FCR_DMA | NS16550_FCR_TRIG);
}

void ns16550_init(struct ns16550 *s, const struct ns16550_ops *ops,
		  void *opaque)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	s->dll = 12; /* 9600 baud from 1.8432 MHz */
	/* A host terminal that is always ready. */
	s->msr_inputs = NS16550_MSR_DCD | NS16550_MSR_DSR | NS16550_MSR_CTS;
	s->msr = s->msr_inputs;
}

uint8_t ns16550_read(struct ns16550 *s, unsigned offset)
{
	uint8_t val;

	switch (offset) {
	case NS16550_RBR:
		if (s->lcr & NS16550_LCR_DLAB)
			return s->dll;
		if (s->rx.count)
			s->rbr = ns16550_fifo_pop(&s->rx);
		val = s->rbr;
		break;
	case NS16550_IER:
		if (s->lcr & NS16550_LCR_DLAB)
			return s->dlm;
		return s->ier;
	case NS16550_IIR:
		val = ns16550_irq_source(s);
		/* Reading IIR acknowledges a THRE interrupt it reports. */
		if (val == NS16550_IIR_THRI)
			s->thre_pending = false;
		if (ns16550_fifo_on(s))
			val |= NS16550_IIR_FIFO;
		break;
	case NS16550_LCR:
		return s->lcr;
	case NS16550_MCR:
		return s->mcr;
	case NS16550_LSR:
		val = s->lsr | NS16550_LSR_THRE | NS16550_LSR_TEMT;
		if (s->rx.count)
			val |= NS16550_LSR_DR;
		/* Error bits clear on read. */
		s->lsr &= ~NS16550_LSR_ERRORS;
		break;
	case NS16550_MSR:
		val = s->msr;
		s->msr &= ~NS16550_MSR_DELTA;
		break;
	case NS16550_SCR:
		return s->scr;
	default:
		return 0xff;
	}
	ns16550_update_irq(s);
	return val;
}

void ns16550_write(struct ns16550 *s, unsigned offset, uint8_t val)
{
	switch (offset) {
	case NS16550_THR:
		if (s->lcr & NS16550_LCR_DLAB) {
			s->dll = val;
			return;
		}
		s->thre_pending = false;
		ns16550_transmit(s, val);
		break;
	case NS16550_IER:
		if (s->lcr & NS16550_LCR_DLAB) {
			s->dlm = val;
			return;
		}
		/* Enabling ETBEI while THR is empty (it always is) fires. */
		if ((val & ~s->ier) & NS16550_IER_ETBEI)
			s->thre_pending = true;
		s->ier = val & 0x0f;
		break;
	case NS16550_FCR:
		ns16550_write_fcr(s, val);
		break;
	case NS16550_LCR:
		s->lcr = val;
		return;
	case NS16550_MCR:
		s->mcr = val & 0x1f;
		ns16550_update_msr(s);
		break;
	case NS16550_LSR:
	case NS16550_MSR:
		/* Read-only (factory test on some parts): ignored. */
		return;
	case NS16550_SCR:
		s->scr = val;
		return;
	default:
		return;
	}
	ns16550_update_irq(s);
}

unsigned ns16550_rx_room(const struct ns16550 *s)
{
	if (s->mcr & NS16550_MCR_LOOP)
		return 0;
	return ns16550_rx_capacity(s) - s->rx.count;
}

int ns16550_rx(struct ns16550 *s, uint8_t byte)
{
	if (!ns16550_rx_room(s))
		return -EAGAIN;
	ns16550_fifo_push(&s->rx, byte);
	ns16550_update_irq(s);
	return 0;
}
