/* SPDX-License-Identifier: MIT */
/*
 * ns16550: a 16550A UART as a pure register machine.
 *
 * The model knows nothing of ports, KVM or file descriptors: the front end
 * passes register offsets 0-7 (relative to the base port), host input bytes,
 * and receives the interrupt line level and transmitted bytes through the
 * callbacks in struct ns16550_ops.
 *
 * Timing: transmission is instant (the tx callback gets the byte and THR/TSR
 * are empty again when ns16550_write returns), so the TX FIFO never holds a
 * byte. The model has no notion of character time either: the RX character
 * timeout condition (FIFO on, 1..trigger-1 bytes waiting) counts as reached
 * at once and is reported as IIR 0xCC; at or above the trigger level IIR
 * reports received-data-available (0xC4).
 *
 * Interrupt output: as on a PC, the line reaches the PIC only while MCR.OUT2
 * is set; in loopback mode OUT2 is internally disconnected (the pin is held
 * inactive), so the line stays low while IIR still reports the source.
 * set_irq is called only when the line level changes, at most once per API
 * call.
 */
#ifndef SAFEPC_DM_HW_NS16550_H
#define SAFEPC_DM_HW_NS16550_H

#include <stdbool.h>
#include <stdint.h>

#define NS16550_FIFO_SIZE 16u

/* Register offsets (DLAB=1 turns 0/1 into DLL/DLM). */
#define NS16550_RBR 0u /* read, DLAB=0 */
#define NS16550_THR 0u /* write, DLAB=0 */
#define NS16550_DLL 0u /* DLAB=1 */
#define NS16550_IER 1u /* DLAB=0 */
#define NS16550_DLM 1u /* DLAB=1 */
#define NS16550_IIR 2u /* read */
#define NS16550_FCR 2u /* write */
#define NS16550_LCR 3u
#define NS16550_MCR 4u
#define NS16550_LSR 5u
#define NS16550_MSR 6u
#define NS16550_SCR 7u

#define NS16550_IER_ERBFI 0x01u /* received data available */
#define NS16550_IER_ETBEI 0x02u /* THR empty */
#define NS16550_IER_ELSI 0x04u	/* receiver line status */
#define NS16550_IER_EDSSI 0x08u /* modem status */

#define NS16550_IIR_NO_INT 0x01u
#define NS16550_IIR_MSI 0x00u
#define NS16550_IIR_THRI 0x02u
#define NS16550_IIR_RDI 0x04u
#define NS16550_IIR_RLSI 0x06u
#define NS16550_IIR_CTI 0x0cu
#define NS16550_IIR_FIFO 0xc0u /* both set while FCR.FE is set */

#define NS16550_FCR_FE 0x01u
#define NS16550_FCR_RXRST 0x02u
#define NS16550_FCR_TXRST 0x04u
#define NS16550_FCR_DMA 0x08u
#define NS16550_FCR_TRIG 0xc0u

#define NS16550_LCR_DLAB 0x80u

#define NS16550_MCR_DTR 0x01u
#define NS16550_MCR_RTS 0x02u
#define NS16550_MCR_OUT1 0x04u
#define NS16550_MCR_OUT2 0x08u
#define NS16550_MCR_LOOP 0x10u

#define NS16550_LSR_DR 0x01u
#define NS16550_LSR_OE 0x02u
#define NS16550_LSR_PE 0x04u
#define NS16550_LSR_FE 0x08u
#define NS16550_LSR_BI 0x10u
#define NS16550_LSR_THRE 0x20u
#define NS16550_LSR_TEMT 0x40u
#define NS16550_LSR_RXFE 0x80u

#define NS16550_MSR_DCTS 0x01u
#define NS16550_MSR_DDSR 0x02u
#define NS16550_MSR_TERI 0x04u
#define NS16550_MSR_DDCD 0x08u
#define NS16550_MSR_CTS 0x10u
#define NS16550_MSR_DSR 0x20u
#define NS16550_MSR_RI 0x40u
#define NS16550_MSR_DCD 0x80u
#define NS16550_MSR_DELTA 0x0fu

struct ns16550_ops {
	/* Interrupt line, 0 or 1; called only on a change. May be NULL. */
	void (*set_irq)(void *opaque, int level);
	/* One transmitted byte for the host. May be NULL (output dropped). */
	void (*tx)(void *opaque, uint8_t byte);
};

/* Receive FIFO: a ring of NS16550_FIFO_SIZE bytes. */
struct ns16550_fifo {
	uint8_t data[NS16550_FIFO_SIZE];
	uint8_t head;  /* index of the oldest byte */
	uint8_t count; /* 0..NS16550_FIFO_SIZE */
};

struct ns16550 {
	const struct ns16550_ops *ops;
	void *opaque;

	uint8_t rbr; /* last byte read (returned again when empty) */
	uint8_t ier;
	uint8_t fcr; /* FE, DMA and trigger bits as last programmed */
	uint8_t lcr;
	uint8_t mcr;
	uint8_t lsr; /* error bits only; DR/THRE/TEMT are derived */
	uint8_t msr; /* status and delta bits */
	uint8_t msr_inputs; /* CTS/DSR/RI/DCD from the (virtual) modem */
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	bool thre_pending; /* THRE interrupt latched, not yet acknowledged */
	int irq_level;	   /* level last passed to set_irq */
	struct ns16550_fifo rx;
};

/*
 * Resets the UART to its power-on state (no interrupts enabled, FIFOs off,
 * divisor 12 = 9600 baud, modem inputs CTS/DSR/DCD asserted). ops may be
 * NULL. Does not call set_irq (the line starts low).
 */
void ns16550_init(struct ns16550 *s, const struct ns16550_ops *ops,
		  void *opaque);

/* Guest read of register `offset` (0-7); other offsets read 0xff. */
uint8_t ns16550_read(struct ns16550 *s, unsigned offset);

/* Guest write of register `offset` (0-7); other offsets are ignored. */
void ns16550_write(struct ns16550 *s, unsigned offset, uint8_t val);

/*
 * Host input: queues one received byte. Returns 0, or -EAGAIN when there is
 * no room (RX FIFO full, RBR full with FIFOs off, or loopback mode, where
 * the receiver is disconnected from the line): the host keeps the byte and
 * retries later; nothing is lost and no overrun is signalled.
 */
int ns16550_rx(struct ns16550 *s, uint8_t byte);

/* How many bytes ns16550_rx would accept now. */
unsigned ns16550_rx_room(const struct ns16550 *s);

#endif
