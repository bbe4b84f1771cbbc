/* SPDX-License-Identifier: MIT */
/*
 * pic: the PC's pair of 8259A interrupt controllers (master at 0x20/0x21,
 * slave at 0xA0/0xA1 cascaded on master IR2) plus the PIIX3 edge/level
 * control registers (ELCR, 0x4D0/0x4D1), as a pure register machine.
 *
 * hv uses it under the soft CPU, where KVM's in-kernel PIC is absent. The
 * model knows nothing of vCPUs: the master's INT output goes to the caller
 * through `intr` (wired to the BSP's LAPIC LINT0, or straight to the CPU
 * when its LAPIC is off), and the CPU's INTA cycle is pic_ack().
 *
 * Conventions that match KVM's in-kernel PIC:
 *  - power-on state: everything zero (IMR clear, vector base 0, edge);
 *  - IRQ 2 is the cascade: pic_set_irq(2, ...) from outside is ignored;
 *  - the slave's INT latches master IRR2 on every update while it is high
 *    (a slave request held behind master ISR2 is not lost);
 *  - a level-triggered line keeps its IRR bit while asserted, INTA only
 *    sets ISR; an edge line's IRR is latched on the rising edge and
 *    cleared by INTA;
 *  - the 8080-mode, buffered-mode and LTIM bits are stored and ignored
 *    (the PIIX3 decides edge/level through ELCR alone).
 *
 * Not reentrant: callers serialise all calls (hv's per-VM chip mutex).
 * `intr` is called only when the master's INT output changes and must not
 * call back into the model.
 */
#ifndef SAFEPC_HV_SOFT_PIC_H
#define SAFEPC_HV_SOFT_PIC_H

#include <stdint.h>

/* ELCR bits that the PIIX3 forces to edge: IRQ 0, 1, 2 and 8, 13. */
#define PIC_ELCR_MASK_MASTER 0xf8u
#define PIC_ELCR_MASK_SLAVE 0xdeu

/* One 8259A. Field names follow the datasheet. */
struct pic_chip {
	uint8_t irr;	     /* interrupt request register */
	uint8_t isr;	     /* in-service register */
	uint8_t imr;	     /* interrupt mask register (OCW1) */
	uint8_t line;	     /* current IR input levels */
	uint8_t elcr;	     /* PIIX3 edge/level control (1 = level) */
	uint8_t elcr_mask;   /* which ELCR bits are writable */
	uint8_t icw1;	     /* last ICW1 (LTIM, SNGL, IC4) */
	uint8_t icw2;	     /* vector base, bits 7:3 */
	uint8_t icw3;	     /* cascade wiring (stored only) */
	uint8_t icw4;	     /* uPM, AEOI, M/S, BUF, SFNM */
	uint8_t init_state;  /* 0 ready; 1, 2, 3: expecting ICW2, ICW3, ICW4 */
	uint8_t lowest;	     /* IR with the lowest priority (rotation) */
	uint8_t read_isr;    /* OCW3 RIS: A0=0 reads ISR rather than IRR */
	uint8_t poll;	     /* OCW3 P: the next read is a poll */
	uint8_t smm;	     /* OCW3 special mask mode */
	uint8_t rotate_aeoi; /* OCW2 rotate in automatic EOI mode */
};

struct pic {
	struct pic_chip chip[2]; /* [0] master, [1] slave */
	uint8_t int_out;	 /* the master's INT output, as last reported */
	void (*intr)(void *ctx, int level);
	void *ctx;
};

/* Power-on state; `intr(ctx, level)` receives the master's INT output. */
void pic_init(struct pic *pic, void (*intr)(void *ctx, int level), void *ctx);
/* Back to the power-on state (system reset); calls intr if INT drops. */
void pic_reset(struct pic *pic);

/* Port reads and writes: 0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1. Other
 * ports read 0xff and ignore writes. */
uint8_t pic_read(struct pic *pic, uint16_t port);
void pic_write(struct pic *pic, uint16_t port, uint8_t val);

/* Input line `irq` (0-15) at `level` (0/1). Repeating a level is
 * harmless. Out-of-range irq and IRQ 2 (the cascade) are ignored. */
void pic_set_irq(struct pic *pic, unsigned irq, int level);

/* The master's INT output (1 while the CPU should run an INTA cycle). */
int pic_output(const struct pic *pic);

/* The INTA cycle: the vector the pair puts on the bus (ISR set, IRR
 * cleared for an edge line, AEOI applied). With nothing left to deliver it
 * returns the spurious vector, IR7 of the chip that answered (ISR
 * untouched there). Always a vector 0-255. */
int pic_ack(struct pic *pic);

#endif
