/* SPDX-License-Identifier: MIT */
/*
 * 8042 keyboard controller and MF2 keyboard. See i8042.h for the model;
 * command semantics follow the IBM PC/AT and PS/2 technical references and
 * what firmware (SeaBIOS) and Linux's i8042/atkbd drivers expect.
 */
#include "dm/hw/i8042.h"

#include <errno.h>
#include <string.h>

#define I8042_Q_AUX 0x100u
#define I8042_CTR_DEFAULT (I8042_CTR_KBDINT | I8042_CTR_AUXINT)
#define I8042_KBD_RATE_DEFAULT 0x2bu /* 10.9 cps, 500 ms */

static void i8042_queue_reset(struct i8042_queue *q)
{
	q->head = 0;
	q->count = 0;
}

/* Appends an entry; a full queue drops it (bounded, like the hardware). */
static void i8042_queue_push(struct i8042_queue *q, uint16_t entry)
{
	if (q->count >= I8042_QUEUE_SIZE)
		return;
	q->entry[(q->head + q->count) % I8042_QUEUE_SIZE] = entry;
	q->count++;
}

static uint16_t i8042_queue_pop(struct i8042_queue *q)
{
	uint16_t entry = q->entry[q->head];

	q->head = (q->head + 1) % I8042_QUEUE_SIZE;
	q->count--;
	return entry;
}

static uint8_t i8042_ctr(const struct i8042 *s)
{
	return s->ram[0];
}

static void i8042_set_line(struct i8042 *s, unsigned irq, int *cur, int level)
{
	if (*cur == level)
		return;
	*cur = level;
	if (s->ops && s->ops->set_irq)
		s->ops->set_irq(s->opaque, irq, level);
}

/* Drives IRQ 1 and IRQ 12 from OBF and the command byte. */
static void i8042_update_irq(struct i8042 *s)
{
	uint8_t ctr = i8042_ctr(s);

	i8042_set_line(s, 1, &s->irq1_level,
		       s->obf && !s->obf_aux && (ctr & I8042_CTR_KBDINT));
	i8042_set_line(s, 12, &s->irq12_level,
		       s->obf && s->obf_aux && (ctr & I8042_CTR_AUXINT));
}

/* Moves the next byte, if any may go, into an empty output buffer. */
static void i8042_refill(struct i8042 *s)
{
	uint16_t e;

	if (s->obf)
		return;
	if (s->ctrl.count)
		e = i8042_queue_pop(&s->ctrl);
	else if (s->kbdq.count && !(i8042_ctr(s) & I8042_CTR_KBDDIS))
		e = i8042_queue_pop(&s->kbdq);
	else if (s->auxq.count && !(i8042_ctr(s) & I8042_CTR_AUXDIS))
		e = i8042_queue_pop(&s->auxq) | I8042_Q_AUX;
	else
		return;
	s->obf = true;
	s->obf_aux = (e & I8042_Q_AUX) != 0;
	s->obuf = (uint8_t)e;
}

/* A reply from the controller itself, as keyboard or aux data. */
static void i8042_ctrl_reply(struct i8042 *s, uint8_t byte, bool aux)
{
	i8042_queue_push(&s->ctrl, byte | (aux ? I8042_Q_AUX : 0));
}

static void i8042_kbd_send(struct i8042 *s, uint8_t byte)
{
	i8042_queue_push(&s->kbdq, byte);
	s->kbd_last = byte;
}

static void i8042_kbd_defaults(struct i8042 *s)
{
	s->kbd_pending = 0;
	s->kbd_leds = 0;
	s->kbd_rate = I8042_KBD_RATE_DEFAULT;
	s->kbd_set = 2;
}

/* A keyboard reply that depends on the controller's translation. */
static uint8_t i8042_kbd_xlate(const struct i8042 *s, uint8_t set2_byte)
{
	if (!(i8042_ctr(s) & I8042_CTR_XLATE))
		return set2_byte;
	switch (set2_byte) {
	case 0x83: /* second ID byte */
	case 0x02: /* scan code set 2 */
		return 0x41;
	case 0x01:
		return 0x43;
	case 0x03:
		return 0x3f;
	default:
		return set2_byte;
	}
}

/* The argument byte of a keyboard command (SET_LEDS, SCANSET, SET_RATE). */
static void i8042_kbd_arg(struct i8042 *s, uint8_t cmd, uint8_t val)
{
	switch (cmd) {
	case I8042_KBD_SET_LEDS:
		s->kbd_leds = val & 7;
		break;
	case I8042_KBD_SET_RATE:
		s->kbd_rate = val & 0x7f;
		break;
	case I8042_KBD_SCANSET:
		if (val == 0) {
			i8042_kbd_send(s, I8042_REPLY_ACK);
			i8042_kbd_send(s, i8042_kbd_xlate(s, s->kbd_set));
			return;
		}
		if (val > 3) {
			i8042_kbd_send(s, I8042_REPLY_RESEND);
			return;
		}
		s->kbd_set = val;
		break;
	}
	i8042_kbd_send(s, I8042_REPLY_ACK);
}

/* A byte the guest sends to the keyboard. */
static void i8042_kbd_write(struct i8042 *s, uint8_t val)
{
	uint8_t cmd = s->kbd_pending;

	if (cmd) {
		s->kbd_pending = 0;
		i8042_kbd_arg(s, cmd, val);
		return;
	}
	switch (val) {
	case I8042_KBD_SET_LEDS:
	case I8042_KBD_SCANSET:
	case I8042_KBD_SET_RATE:
		s->kbd_pending = val;
		i8042_kbd_send(s, I8042_REPLY_ACK);
		break;
	case I8042_KBD_ECHO:
		i8042_kbd_send(s, I8042_KBD_ECHO);
		break;
	case I8042_KBD_GET_ID:
		i8042_kbd_send(s, I8042_REPLY_ACK);
		i8042_kbd_send(s, 0xab);
		i8042_kbd_send(s, i8042_kbd_xlate(s, 0x83));
		break;
	case I8042_KBD_ENABLE:
		s->kbd_scanning = true;
		i8042_kbd_send(s, I8042_REPLY_ACK);
		break;
	case I8042_KBD_RESET_DISABLE:
	case I8042_KBD_RESET_ENABLE:
		/* Back to defaults, with an empty buffer. */
		i8042_queue_reset(&s->kbdq);
		i8042_kbd_defaults(s);
		s->kbd_scanning = val == I8042_KBD_RESET_ENABLE;
		i8042_kbd_send(s, I8042_REPLY_ACK);
		break;
	case 0xf7: /* set-3 key type commands: accepted, no effect */
	case 0xf8:
	case 0xf9:
	case 0xfa:
	case 0xfb:
	case 0xfc:
	case 0xfd:
		i8042_kbd_send(s, I8042_REPLY_ACK);
		break;
	case I8042_KBD_RESEND:
		i8042_queue_push(&s->kbdq, s->kbd_last);
		break;
	case I8042_KBD_RESET:
		/* Pending keys are lost; the self test passes at once. */
		i8042_queue_reset(&s->kbdq);
		i8042_kbd_defaults(s);
		s->kbd_scanning = true;
		i8042_kbd_send(s, I8042_REPLY_ACK);
		i8042_kbd_send(s, I8042_REPLY_BAT_OK);
		break;
	default:
		i8042_kbd_send(s, I8042_REPLY_RESEND);
		break;
	}
}

/* A byte the guest sends to the aux port: nobody is there. */
static void i8042_aux_write(struct i8042 *s, uint8_t val)
{
	(void)val;
	i8042_queue_push(&s->auxq, I8042_REPLY_RESEND);
}

static void i8042_write_outport(struct i8042 *s, uint8_t val)
{
	uint8_t old = s->outport;

	s->outport = val;
	if (((old ^ val) & I8042_OUT_A20) && s->ops && s->ops->a20)
		s->ops->a20(s->opaque, (val & I8042_OUT_A20) != 0);
	if (!(val & I8042_OUT_RESET) && s->ops && s->ops->reset)
		s->ops->reset(s->opaque);
}

/* The output port as command 0xD0 shows it: bits 4/5 are the IRQ lines. */
static uint8_t i8042_read_outport(const struct i8042 *s)
{
	uint8_t v = s->outport & ~(I8042_OUT_IRQ1 | I8042_OUT_IRQ12);

	if (s->obf)
		v |= s->obf_aux ? I8042_OUT_IRQ12 : I8042_OUT_IRQ1;
	return v;
}

/* The data byte of a controller command that takes one. */
static void i8042_command_data(struct i8042 *s, uint8_t cmd, uint8_t val)
{
	if (cmd >= I8042_CMD_WRITE_RAM &&
	    cmd < I8042_CMD_WRITE_RAM + I8042_RAM_SIZE) {
		s->ram[cmd - I8042_CMD_WRITE_RAM] = val;
		if (cmd == I8042_CMD_WRITE_RAM)
			s->sys = (val & I8042_CTR_SYS) != 0;
		return;
	}
	switch (cmd) {
	case I8042_CMD_WRITE_OUTPUT:
		i8042_write_outport(s, val);
		break;
	case I8042_CMD_WRITE_KBD_OBUF:
		i8042_ctrl_reply(s, val, false);
		break;
	case I8042_CMD_WRITE_AUX_OBUF:
		i8042_ctrl_reply(s, val, true);
		break;
	case I8042_CMD_WRITE_AUX:
		i8042_aux_write(s, val);
		break;
	}
}

static void i8042_command(struct i8042 *s, uint8_t cmd)
{
	if (cmd >= I8042_CMD_READ_RAM &&
	    cmd < I8042_CMD_READ_RAM + I8042_RAM_SIZE) {
		i8042_ctrl_reply(s, s->ram[cmd - I8042_CMD_READ_RAM], false);
		return;
	}
	if ((cmd >= I8042_CMD_WRITE_RAM &&
	     cmd < I8042_CMD_WRITE_RAM + I8042_RAM_SIZE) ||
	    (cmd >= I8042_CMD_WRITE_OUTPUT && cmd <= I8042_CMD_WRITE_AUX)) {
		s->pending = cmd;
		return;
	}
	if (cmd >= I8042_CMD_PULSE) {
		/* Bit 0 clear pulses the reset line; the others do nothing. */
		if (!(cmd & I8042_OUT_RESET) && s->ops && s->ops->reset)
			s->ops->reset(s->opaque);
		return;
	}
	switch (cmd) {
	case I8042_CMD_AUX_DISABLE:
		s->ram[0] |= I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_ENABLE:
		s->ram[0] &= ~I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_TEST:
	case I8042_CMD_KBD_TEST:
		i8042_ctrl_reply(s, 0x00, false); /* no clock/data line fault */
		break;
	case I8042_CMD_SELF_TEST:
		s->sys = true;
		i8042_ctrl_reply(s, 0x55, false);
		break;
	case I8042_CMD_KBD_DISABLE:
		s->ram[0] |= I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_KBD_ENABLE:
		s->ram[0] &= ~I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_READ_INPUT:
		i8042_ctrl_reply(s, 0x80, false); /* keyboard not inhibited */
		break;
	case I8042_CMD_READ_OUTPUT:
		i8042_ctrl_reply(s, i8042_read_outport(s), false);
		break;
	case I8042_CMD_DISABLE_A20:
		i8042_write_outport(s, s->outport & ~I8042_OUT_A20);
		break;
	case I8042_CMD_ENABLE_A20:
		i8042_write_outport(s, s->outport | I8042_OUT_A20);
		break;
	case I8042_CMD_READ_TEST:
		i8042_ctrl_reply(s, 0x00, false);
		break;
	default:
		break; /* unknown: ignored */
	}
}

void i8042_init(struct i8042 *s, const struct i8042_ops *ops, void *opaque)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	s->ram[0] = I8042_CTR_DEFAULT;
	s->outport = I8042_OUT_DEFAULT;
	s->a2 = true;
	s->kbd_scanning = true;
	i8042_kbd_defaults(s);
}

static uint8_t i8042_status(const struct i8042 *s)
{
	uint8_t v = I8042_STR_INH;

	if (s->obf)
		v |= I8042_STR_OBF | (s->obf_aux ? I8042_STR_AUXB : 0);
	if (s->sys)
		v |= I8042_STR_SYS;
	if (s->a2)
		v |= I8042_STR_A2;
	return v;
}

uint8_t i8042_read(struct i8042 *s, unsigned port)
{
	uint8_t val;

	switch (port) {
	case I8042_DATA:
		val = s->obuf;
		if (!s->obf)
			return val;
		s->obf = false;
		/* Lower the line first: a next byte makes a fresh edge. */
		i8042_update_irq(s);
		i8042_refill(s);
		i8042_update_irq(s);
		return val;
	case I8042_STATUS:
		return i8042_status(s);
	default:
		return 0xff;
	}
}

void i8042_write(struct i8042 *s, unsigned port, uint8_t val)
{
	uint8_t cmd;

	switch (port) {
	case I8042_DATA:
		s->a2 = false;
		cmd = s->pending;
		s->pending = 0;
		if (cmd) {
			i8042_command_data(s, cmd, val);
		} else {
			i8042_kbd_write(s, val);
			/* Talking to the keyboard enables its interface. */
			s->ram[0] &= ~I8042_CTR_KBDDIS;
		}
		break;
	case I8042_COMMAND:
		s->a2 = true;
		s->pending = 0; /* a new command drops an unfinished one */
		i8042_command(s, val);
		break;
	default:
		return;
	}
	i8042_refill(s);
	i8042_update_irq(s);
}

int i8042_key(struct i8042 *s, uint8_t scancode)
{
	if (!s->kbd_scanning)
		return -EAGAIN;
	if (s->kbdq.count >= I8042_QUEUE_SIZE - I8042_KEY_HEADROOM)
		return -ENOSPC;
	i8042_kbd_send(s, scancode);
	i8042_refill(s);
	i8042_update_irq(s);
	return 0;
}

bool i8042_a20(const struct i8042 *s)
{
	return (s->outport & I8042_OUT_A20) != 0;
}
