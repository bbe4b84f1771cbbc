/* SPDX-License-Identifier: MIT */
/*
 * pic: the 8259A master/slave pair and the PIIX3 ELCR. See pic.h.
 */
#include "hv/soft/pic.h"

#include <string.h>

#define PIC_CASCADE_IR 2u

/* Highest-priority IR set in `bits`, as a rank; 8 when none. */
static unsigned best_rank(const struct pic_chip *c, uint8_t bits)
{
	for (unsigned r = 0; r < 8; r++)
		if (bits & (1u << ((r + c->lowest + 1u) & 7u)))
			return r;
	return 8;
}

static unsigned ir_of_rank(const struct pic_chip *c, unsigned r)
{
	return (r + c->lowest + 1u) & 7u;
}

/*
 * The IR this chip would request the CPU for now, or -1: the best unmasked
 * request must outrank everything in service. Special mask mode lets
 * masked in-service levels stop blocking; special fully nested mode (on
 * the master) lets the cascade level nest over itself.
 */
static int chip_pending(const struct pic_chip *c, int master)
{
	unsigned req = best_rank(c, c->irr & ~c->imr);
	uint8_t in_service = c->isr;

	if (req == 8)
		return -1;
	if (c->smm)
		in_service &= ~c->imr;
	if (master && (c->icw4 & 0x10u))
		in_service &= ~(1u << PIC_CASCADE_IR);
	if (req < best_rank(c, in_service))
		return (int)ir_of_rank(c, req);
	return -1;
}

/* INTA (or a poll read) for `ir` on one chip. */
static void chip_intack(struct pic_chip *c, unsigned ir)
{
	uint8_t bit = (uint8_t)(1u << ir);

	/* A level line's IRR follows the line, not the acknowledge. */
	if (!(c->elcr & bit))
		c->irr &= (uint8_t)~bit;
	if (c->icw4 & 0x02u) {
		/* Automatic EOI: never enters ISR for longer than INTA. */
		if (c->rotate_aeoi)
			c->lowest = (uint8_t)ir;
	} else {
		c->isr |= bit;
	}
}

/* Propagates the slave's output into master IR2 and reports master INT. */
static void pic_update(struct pic *pic)
{
	struct pic_chip *m = &pic->chip[0];
	uint8_t out;

	if (chip_pending(&pic->chip[1], 0) >= 0)
		m->irr |= 1u << PIC_CASCADE_IR;
	out = chip_pending(m, 1) >= 0;
	if (out != pic->int_out) {
		pic->int_out = out;
		if (pic->intr)
			pic->intr(pic->ctx, out);
	}
}

static void chip_reset(struct pic_chip *c, uint8_t elcr_mask)
{
	memset(c, 0, sizeof(*c));
	c->elcr_mask = elcr_mask;
	c->lowest = 7;
}

void pic_init(struct pic *pic, void (*intr)(void *ctx, int level), void *ctx)
{
	memset(pic, 0, sizeof(*pic));
	pic->intr = intr;
	pic->ctx = ctx;
	chip_reset(&pic->chip[0], PIC_ELCR_MASK_MASTER);
	chip_reset(&pic->chip[1], PIC_ELCR_MASK_SLAVE);
}

void pic_reset(struct pic *pic)
{
	uint8_t line0 = pic->chip[0].line, line1 = pic->chip[1].line;

	chip_reset(&pic->chip[0], PIC_ELCR_MASK_MASTER);
	chip_reset(&pic->chip[1], PIC_ELCR_MASK_SLAVE);
	/* The input wires keep their levels across a reset. */
	pic->chip[0].line = line0;
	pic->chip[1].line = line1;
	pic_update(pic);
}

/* ICW1: restart initialisation (datasheet: IMR cleared, IR7 lowest,
 * special mask off, IRR selected for reading; edge latches forgotten). */
static void chip_icw1(struct pic_chip *c, uint8_t val)
{
	c->icw1 = val;
	c->init_state = 1;
	c->imr = 0;
	c->isr = 0;
	/* A still-asserted level line is still requesting. */
	c->irr = c->line & c->elcr;
	c->lowest = 7;
	c->smm = 0;
	c->read_isr = 0;
	c->poll = 0;
	c->rotate_aeoi = 0;
	if (!(val & 0x01u))
		c->icw4 = 0;
}

static void chip_data_write(struct pic_chip *c, uint8_t val)
{
	switch (c->init_state) {
	case 1:
		c->icw2 = val & 0xf8u;
		if (!(c->icw1 & 0x02u))
			c->init_state = 2;
		else
			c->init_state = (c->icw1 & 0x01u) ? 3 : 0;
		break;
	case 2:
		c->icw3 = val;
		c->init_state = (c->icw1 & 0x01u) ? 3 : 0;
		break;
	case 3:
		c->icw4 = val & 0x1fu;
		c->init_state = 0;
		break;
	default:
		c->imr = val; /* OCW1 */
		break;
	}
}

static void chip_ocw2(struct pic_chip *c, uint8_t val)
{
	unsigned level = val & 7u;
	unsigned r;

	switch (val >> 5) {
	case 0: /* clear rotate in AEOI mode */
		c->rotate_aeoi = 0;
		break;
	case 4: /* set rotate in AEOI mode */
		c->rotate_aeoi = 1;
		break;
	case 1: /* non-specific EOI */
	case 5: /* rotate on non-specific EOI */
		r = best_rank(c, c->isr);
		if (r == 8)
			break;
		level = ir_of_rank(c, r);
		c->isr &= (uint8_t)~(1u << level);
		if (val >> 5 == 5)
			c->lowest = (uint8_t)level;
		break;
	case 3: /* specific EOI */
		c->isr &= (uint8_t)~(1u << level);
		break;
	case 7: /* rotate on specific EOI */
		c->isr &= (uint8_t)~(1u << level);
		c->lowest = (uint8_t)level;
		break;
	case 6: /* set priority: `level` becomes the lowest */
		c->lowest = (uint8_t)level;
		break;
	default: /* 2: no operation */
		break;
	}
}

static void chip_ocw3(struct pic_chip *c, uint8_t val)
{
	if (val & 0x40u)
		c->smm = (val >> 5) & 1u;
	if (val & 0x04u)
		c->poll = 1;
	if (val & 0x02u)
		c->read_isr = val & 1u;
}

/* Poll read: the INTA cycle without the INTA, on this chip alone. */
static uint8_t chip_poll(struct pic_chip *c, int master)
{
	int ir = chip_pending(c, master);

	if (ir < 0)
		return 0;
	chip_intack(c, (unsigned)ir);
	return (uint8_t)(0x80u | (unsigned)ir);
}

uint8_t pic_read(struct pic *pic, uint16_t port)
{
	struct pic_chip *c;
	uint8_t val;

	switch (port) {
	case 0x4d0:
	case 0x4d1:
		return pic->chip[port & 1u].elcr;
	case 0x20:
	case 0x21:
	case 0xa0:
	case 0xa1:
		break;
	default:
		return 0xff;
	}
	c = &pic->chip[port >> 7];
	if (c->poll) {
		c->poll = 0;
		val = chip_poll(c, c == &pic->chip[0]);
		pic_update(pic);
		return val;
	}
	if (port & 1u)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

void pic_write(struct pic *pic, uint16_t port, uint8_t val)
{
	struct pic_chip *c;

	switch (port) {
	case 0x4d0:
	case 0x4d1:
		c = &pic->chip[port & 1u];
		c->elcr = val & c->elcr_mask;
		/* Lines now level-sensitive request while asserted. */
		c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->line & c->elcr));
		pic_update(pic);
		return;
	case 0x20:
	case 0x21:
	case 0xa0:
	case 0xa1:
		break;
	default:
		return;
	}
	c = &pic->chip[port >> 7];
	if (port & 1u)
		chip_data_write(c, val);
	else if (val & 0x10u)
		chip_icw1(c, val);
	else if (val & 0x08u)
		chip_ocw3(c, val);
	else
		chip_ocw2(c, val);
	pic_update(pic);
}

void pic_set_irq(struct pic *pic, unsigned irq, int level)
{
	struct pic_chip *c;
	uint8_t bit;

	if (irq > 15 || irq == PIC_CASCADE_IR)
		return;
	c = &pic->chip[irq >> 3];
	bit = (uint8_t)(1u << (irq & 7u));
	if (level) {
		/* Edge lines latch on the rising edge only. */
		if ((c->elcr & bit) || !(c->line & bit))
			c->irr |= bit;
		c->line |= bit;
	} else {
		if (c->elcr & bit)
			c->irr &= (uint8_t)~bit;
		c->line &= (uint8_t)~bit;
	}
	pic_update(pic);
}

int pic_output(const struct pic *pic)
{
	return pic->int_out;
}

int pic_ack(struct pic *pic)
{
	struct pic_chip *m = &pic->chip[0], *s = &pic->chip[1];
	int ir = chip_pending(m, 1), sir;
	int vector;

	if (ir < 0) {
		/* The request went away before INTA: spurious IR7. */
		vector = m->icw2 + 7;
	} else {
		chip_intack(m, (unsigned)ir);
		if (ir == (int)PIC_CASCADE_IR) {
			sir = chip_pending(s, 0);
			if (sir >= 0)
				chip_intack(s, (unsigned)sir);
			else
				sir = 7; /* spurious IR15: master ISR2 stays */
			vector = s->icw2 + sir;
		} else {
			vector = m->icw2 + ir;
		}
	}
	pic_update(pic);
	return vector;
}
