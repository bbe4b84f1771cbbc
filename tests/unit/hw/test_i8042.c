/* SPDX-License-Identifier: MIT */
/*
 * i8042 unit tests: every controller and keyboard command, the status
 * bits, the IRQ lines (edges included), A20 and reset, and the bounded
 * queues, against fake lines.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/i8042.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fake {
	int level[13];	   /* IRQ 1 and 12 */
	unsigned edges[13]; /* rising edges seen */
	unsigned redundant;
	bool a20;
	unsigned a20_calls;
	unsigned resets;
	struct i8042 kbc;
};

static void fake_set_irq(void *opaque, unsigned irq, int level)
{
	struct fake *f = opaque;

	assert_true(irq == 1 || irq == 12);
	if (f->level[irq] == level)
		f->redundant++;
	if (level && !f->level[irq])
		f->edges[irq]++;
	f->level[irq] = level;
}

static void fake_a20(void *opaque, bool on)
{
	struct fake *f = opaque;

	f->a20 = on;
	f->a20_calls++;
}

static void fake_reset(void *opaque)
{
	struct fake *f = opaque;

	f->resets++;
}

static const struct i8042_ops fake_ops = {
	.set_irq = fake_set_irq,
	.a20 = fake_a20,
	.reset = fake_reset,
};

static struct fake fake_storage;

static int setup(void **state)
{
	memset(&fake_storage, 0, sizeof(fake_storage));
	fake_storage.a20 = true;
	i8042_init(&fake_storage.kbc, &fake_ops, &fake_storage);
	*state = &fake_storage;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	assert_int_equal(f->redundant, 0);
	return 0;
}

static uint8_t status(struct fake *f)
{
	return i8042_read(&f->kbc, I8042_STATUS);
}

static void cmd(struct fake *f, uint8_t c)
{
	i8042_write(&f->kbc, I8042_COMMAND, c);
}

static void data(struct fake *f, uint8_t v)
{
	i8042_write(&f->kbc, I8042_DATA, v);
}

/* Reads one byte that must be there. */
static uint8_t get(struct fake *f)
{
	assert_true(status(f) & I8042_STR_OBF);
	return i8042_read(&f->kbc, I8042_DATA);
}

/* The output buffer must be empty. */
static void empty(struct fake *f)
{
	assert_false(status(f) & I8042_STR_OBF);
}

/* Disables the interrupts so the tests below poll, as firmware does. */
static void polled(struct fake *f)
{
	cmd(f, 0x60);
	data(f, 0x00);
}

static void test_power_on(void **state)
{
	struct fake *f = *state;

	assert_int_equal(status(f), I8042_STR_INH | I8042_STR_A2);
	cmd(f, 0x20);
	assert_int_equal(status(f),
			 I8042_STR_OBF | I8042_STR_INH | I8042_STR_A2);
	assert_int_equal(get(f), 0x03);
	empty(f);
	/* Reading an empty buffer returns the last byte again. */
	assert_int_equal(i8042_read(&f->kbc, I8042_DATA), 0x03);
	assert_int_equal(i8042_read(&f->kbc, 1), 0xff);
	assert_int_equal(i8042_read(&f->kbc, 0x10000), 0xff);
	i8042_write(&f->kbc, 2, 0xfe); /* ignored */
	assert_int_equal(f->resets, 0);
	assert_true(i8042_a20(&f->kbc));
}

static void test_self_tests(void **state)
{
	static const struct {
		uint8_t cmd, reply;
	} cases[] = {
		{I8042_CMD_SELF_TEST, 0x55},
		{I8042_CMD_KBD_TEST, 0x00},
		{I8042_CMD_AUX_TEST, 0x00},
		{I8042_CMD_READ_INPUT, 0x80},
		{I8042_CMD_READ_TEST, 0x00},
	};
	struct fake *f = *state;
	size_t i;

	polled(f);
	assert_false(status(f) & I8042_STR_SYS);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		cmd(f, cases[i].cmd);
		assert_true(status(f) & I8042_STR_A2);
		assert_false(status(f) & I8042_STR_AUXB);
		assert_int_equal(get(f), cases[i].reply);
		empty(f);
	}
	/* The self test sets the system flag. */
	assert_true(status(f) & I8042_STR_SYS);
	assert_false(status(f) & I8042_STR_IBF);
}

static void test_command_byte(void **state)
{
	struct fake *f = *state;

	cmd(f, 0x60);
	assert_true(status(f) & I8042_STR_A2);
	data(f, 0x65); /* XLATE, AUXDIS, SYS, KBDINT */
	assert_false(status(f) & I8042_STR_A2);
	assert_true(status(f) & I8042_STR_SYS);
	cmd(f, 0x20);
	assert_int_equal(get(f), 0x65);
	/* SYS follows the command byte. */
	cmd(f, 0x60);
	data(f, 0x61);
	assert_false(status(f) & I8042_STR_SYS);
	/* The rest of the controller RAM. */
	cmd(f, 0x7f);
	data(f, 0x5a);
	cmd(f, 0x3f);
	assert_int_equal(get(f), 0x5a);
	cmd(f, 0x21);
	assert_int_equal(get(f), 0x00);
	/* A new command cancels one waiting for data. */
	cmd(f, 0x60);
	cmd(f, 0x20);
	assert_int_equal(get(f), 0x61);
	data(f, 0xee); /* to the keyboard: echo */
	assert_int_equal(get(f), 0xee);
	cmd(f, 0x20);
	assert_int_equal(get(f), 0x61);
}

static void test_enable_disable(void **state)
{
	struct fake *f = *state;

	polled(f);
	cmd(f, I8042_CMD_KBD_DISABLE);
	cmd(f, I8042_CMD_AUX_DISABLE);
	cmd(f, 0x20);
	assert_int_equal(get(f), 0x30);
	/* Keys are held while the keyboard interface is disabled... */
	assert_int_equal(i8042_key(&f->kbc, 0x1e), 0);
	empty(f);
	cmd(f, I8042_CMD_KBD_ENABLE);
	/* ...and come out once it is enabled. */
	assert_int_equal(get(f), 0x1e);
	cmd(f, I8042_CMD_AUX_ENABLE);
	cmd(f, 0x20);
	assert_int_equal(get(f), 0x00);
	/* Controller replies pass even while the keyboard is disabled. */
	cmd(f, I8042_CMD_KBD_DISABLE);
	i8042_key(&f->kbc, 0x30);
	cmd(f, I8042_CMD_SELF_TEST);
	assert_int_equal(get(f), 0x55);
	empty(f);
	/* Writing to the keyboard re-enables it: the held key, then ACK. */
	data(f, I8042_KBD_ENABLE);
	assert_int_equal(get(f), 0x30);
	assert_int_equal(get(f), I8042_REPLY_ACK);
	empty(f);
}

static void test_output_port_a20_reset(void **state)
{
	struct fake *f = *state;

	polled(f);
	cmd(f, I8042_CMD_READ_OUTPUT);
	assert_int_equal(get(f), 0xcf & ~0x30);
	/* A20 off through the output port: the usual DOS-era sequence. */
	cmd(f, I8042_CMD_WRITE_OUTPUT);
	data(f, 0xcd);
	assert_int_equal(f->a20_calls, 1);
	assert_false(f->a20);
	assert_false(i8042_a20(&f->kbc));
	cmd(f, I8042_CMD_READ_OUTPUT);
	assert_int_equal(get(f), 0xcd);
	/* Same A20 state again: no call. */
	cmd(f, I8042_CMD_WRITE_OUTPUT);
	data(f, 0xcd);
	assert_int_equal(f->a20_calls, 1);
	cmd(f, I8042_CMD_WRITE_OUTPUT);
	data(f, 0xdf);
	assert_int_equal(f->a20_calls, 2);
	assert_true(f->a20);
	/* 0xDD/0xDF. */
	cmd(f, I8042_CMD_DISABLE_A20);
	assert_false(f->a20);
	cmd(f, I8042_CMD_ENABLE_A20);
	assert_true(f->a20);
	assert_int_equal(f->a20_calls, 4);
	assert_int_equal(f->resets, 0);
	/* Reset bit written 0 resets. */
	cmd(f, I8042_CMD_WRITE_OUTPUT);
	data(f, 0xce);
	assert_int_equal(f->resets, 1);
	/* OBF shows in bit 4 while a keyboard byte waits. */
	cmd(f, I8042_CMD_WRITE_OUTPUT);
	data(f, 0x03);
	i8042_key(&f->kbc, 0x1c);
	cmd(f, I8042_CMD_READ_OUTPUT);
	assert_int_equal(get(f), 0x1c);
	assert_int_equal(get(f), 0x13);
	assert_int_equal(f->resets, 1);
}

static void test_pulse(void **state)
{
	struct fake *f = *state;
	unsigned c;

	for (c = 0xf0; c <= 0xff; c++) {
		unsigned before = f->resets;

		cmd(f, (uint8_t)c);
		assert_int_equal(f->resets - before, (c & 1) ? 0 : 1);
	}
	assert_int_equal(f->resets, 8);
	f->resets = 0;
	cmd(f, 0xfe);
	assert_int_equal(f->resets, 1);
	empty(f);
	assert_int_equal(f->a20_calls, 0);
}

static void test_write_output_buffers(void **state)
{
	struct fake *f = *state;

	/* 0xD2: as if from the keyboard, IRQ 1. */
	cmd(f, I8042_CMD_WRITE_KBD_OBUF);
	data(f, 0x42);
	assert_int_equal(status(f) & (I8042_STR_OBF | I8042_STR_AUXB),
			 I8042_STR_OBF);
	assert_int_equal(f->level[1], 1);
	assert_int_equal(get(f), 0x42);
	assert_int_equal(f->level[1], 0);
	/* 0xD3: aux loopback, IRQ 12. */
	cmd(f, I8042_CMD_WRITE_AUX_OBUF);
	data(f, 0x5a);
	assert_int_equal(status(f) & (I8042_STR_OBF | I8042_STR_AUXB),
			 I8042_STR_OBF | I8042_STR_AUXB);
	assert_int_equal(f->level[12], 1);
	assert_int_equal(f->level[1], 0);
	cmd(f, I8042_CMD_READ_OUTPUT);
	assert_int_equal(get(f), 0x5a);
	assert_int_equal(f->level[12], 0);
	assert_int_equal(get(f), 0xef); /* bit 5 was set: IRQ12 pending */
	/* 0xD4: no mouse; NAK on the aux side. */
	cmd(f, I8042_CMD_WRITE_AUX);
	data(f, 0xf2);
	assert_true(status(f) & I8042_STR_AUXB);
	assert_int_equal(get(f), I8042_REPLY_RESEND);
	/* Aux bytes are held while the aux port is disabled. */
	cmd(f, I8042_CMD_AUX_DISABLE);
	cmd(f, I8042_CMD_WRITE_AUX);
	data(f, 0xff);
	empty(f);
	cmd(f, I8042_CMD_AUX_ENABLE);
	assert_int_equal(get(f), I8042_REPLY_RESEND);
	assert_int_equal(f->edges[12], 3);
}

static void test_keyboard_commands(void **state)
{
	static const struct {
		uint8_t bytes[2];
		unsigned nbytes;
		uint8_t reply[4];
		unsigned nreply;
	} cases[] = {
		{{0xff}, 1, {0xfa, 0xaa}, 2},	    /* reset */
		{{0xf2}, 1, {0xfa, 0xab, 0x83}, 3}, /* identify, untranslated */
		{{0xed, 0x07}, 2, {0xfa, 0xfa}, 2}, /* LEDs */
		{{0xf3, 0x20}, 2, {0xfa, 0xfa}, 2}, /* typematic */
		{{0xf0, 0x00}, 2, {0xfa, 0xfa, 0x02}, 3}, /* get set */
		{{0xf0, 0x01}, 2, {0xfa, 0xfa}, 2},	  /* set 1 */
		{{0xf0, 0x09}, 2, {0xfa, 0xfe}, 2},	  /* bad set */
		{{0xf4}, 1, {0xfa}, 1},			  /* enable */
		{{0xf5}, 1, {0xfa}, 1},			  /* reset, disable */
		{{0xf6}, 1, {0xfa}, 1},			  /* defaults */
		{{0xee}, 1, {0xee}, 1},			  /* echo */
		{{0xf7}, 1, {0xfa}, 1},
		{{0xfd}, 1, {0xfa}, 1},
		{{0xfe}, 1, {0xfa}, 1}, /* resend: the last byte (an ACK) */
		{{0x12}, 1, {0xfe}, 1}, /* not a command */
		{{0xec}, 1, {0xfe}, 1},
	};
	struct fake *f = *state;
	size_t i, j;

	polled(f);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (j = 0; j < cases[i].nbytes; j++) {
			data(f, cases[i].bytes[j]);
			assert_false(status(f) & I8042_STR_A2);
		}
		for (j = 0; j < cases[i].nreply; j++)
			assert_int_equal(get(f), cases[i].reply[j]);
		empty(f);
	}
	/* F5/F6 restored the defaults. */
	assert_int_equal(f->kbc.kbd_leds, 0);
	assert_int_equal(f->kbc.kbd_set, 2);
	data(f, I8042_KBD_SET_LEDS);
	data(f, 0xfd);
	assert_int_equal(f->kbc.kbd_leds, 5);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0xfa);
}

static void test_keyboard_translated_replies(void **state)
{
	struct fake *f = *state;

	cmd(f, 0x60);
	data(f, I8042_CTR_XLATE); /* polled, translated */
	data(f, I8042_KBD_GET_ID);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0xab);
	assert_int_equal(get(f), 0x41);
	data(f, I8042_KBD_SCANSET);
	data(f, 0);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0x41);
	data(f, I8042_KBD_SCANSET);
	data(f, 1);
	data(f, I8042_KBD_SCANSET);
	data(f, 0);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0x43);
	data(f, I8042_KBD_SCANSET);
	data(f, 3);
	data(f, I8042_KBD_SCANSET);
	data(f, 0);
	get(f), get(f), get(f), get(f);
	assert_int_equal(get(f), 0x3f);
	empty(f);
}

static void test_scanning_and_keys(void **state)
{
	struct fake *f = *state;
	unsigned i, accepted = 0;

	polled(f);
	data(f, I8042_KBD_RESET_DISABLE);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(i8042_key(&f->kbc, 0x1e), -EAGAIN);
	empty(f);
	data(f, I8042_KBD_ENABLE);
	assert_int_equal(get(f), 0xfa);
	/* The queue is bounded; room stays for command replies. */
	for (i = 0; i < 2 * I8042_QUEUE_SIZE; i++)
		if (i8042_key(&f->kbc, (uint8_t)i) == 0)
			accepted++;
	/* One byte went straight into the output buffer. */
	assert_int_equal(accepted, I8042_QUEUE_SIZE - I8042_KEY_HEADROOM + 1);
	assert_int_equal(i8042_key(&f->kbc, 0x99), -ENOSPC);
	data(f, I8042_KBD_GET_ID);
	for (i = 0; i < accepted; i++)
		assert_int_equal(get(f), i);
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0xab);
	assert_int_equal(get(f), 0x83);
	empty(f);
	/* Reset drops the keys still in the keyboard. */
	i8042_key(&f->kbc, 0x01);
	i8042_key(&f->kbc, 0x02);
	data(f, I8042_KBD_RESET);
	assert_int_equal(get(f), 0x01); /* already in the output buffer */
	assert_int_equal(get(f), 0xfa);
	assert_int_equal(get(f), 0xaa);
	empty(f);
	/* Resend repeats the last byte the keyboard sent. */
	i8042_key(&f->kbc, 0x2c);
	assert_int_equal(get(f), 0x2c);
	data(f, I8042_KBD_RESEND);
	assert_int_equal(get(f), 0x2c);
}

static void test_replies_bounded(void **state)
{
	struct fake *f = *state;
	unsigned i, n = 0;

	polled(f);
	/* A guest that never reads: everything stays bounded. */
	for (i = 0; i < 100; i++) {
		data(f, I8042_KBD_GET_ID);
		cmd(f, I8042_CMD_SELF_TEST);
		cmd(f, I8042_CMD_WRITE_AUX);
		data(f, 0);
	}
	assert_true(f->kbc.kbdq.count <= I8042_QUEUE_SIZE);
	assert_true(f->kbc.ctrl.count <= I8042_QUEUE_SIZE);
	assert_true(f->kbc.auxq.count <= I8042_QUEUE_SIZE);
	while (status(f) & I8042_STR_OBF) {
		i8042_read(&f->kbc, I8042_DATA);
		n++;
	}
	assert_true(n <= 3 * I8042_QUEUE_SIZE + 1);
}

static void test_irq_lines(void **state)
{
	struct fake *f = *state;

	/* Power-on command byte: both interrupts enabled. */
	i8042_key(&f->kbc, 0x1e);
	assert_int_equal(f->level[1], 1);
	assert_int_equal(f->edges[1], 1);
	i8042_key(&f->kbc, 0x9e);
	assert_int_equal(f->edges[1], 1); /* still the first byte */
	/* Reading with another byte waiting: a new edge. */
	assert_int_equal(i8042_read(&f->kbc, I8042_DATA), 0x1e);
	assert_int_equal(f->level[1], 1);
	assert_int_equal(f->edges[1], 2);
	assert_int_equal(i8042_read(&f->kbc, I8042_DATA), 0x9e);
	assert_int_equal(f->level[1], 0);
	/* Status reads do not touch the line. */
	i8042_key(&f->kbc, 0x1f);
	status(f);
	assert_int_equal(f->edges[1], 3);
	/* Clearing KBDINT drops the line with the byte still there. */
	cmd(f, 0x60);
	data(f, 0x00);
	assert_int_equal(f->level[1], 0);
	assert_true(status(f) & I8042_STR_OBF);
	/* Setting it raises the line again. */
	cmd(f, 0x60);
	data(f, I8042_CTR_KBDINT);
	assert_int_equal(f->level[1], 1);
	assert_int_equal(get(f), 0x1f);
	assert_int_equal(f->level[1], 0);
	/* The command byte reply itself interrupts. */
	cmd(f, 0x20);
	assert_int_equal(f->level[1], 1);
	assert_int_equal(get(f), I8042_CTR_KBDINT);
	/* Aux data with AUXINT off: no IRQ 12. */
	cmd(f, I8042_CMD_WRITE_AUX_OBUF);
	data(f, 0x11);
	assert_int_equal(f->level[12], 0);
	assert_int_equal(f->level[1], 0);
	assert_int_equal(get(f), 0x11);
}

static void test_no_ops(void **state)
{
	struct i8042 kbc;

	(void)state;
	i8042_init(&kbc, NULL, NULL);
	i8042_write(&kbc, I8042_COMMAND, 0xfe);
	i8042_write(&kbc, I8042_COMMAND, I8042_CMD_WRITE_OUTPUT);
	i8042_write(&kbc, I8042_DATA, 0x00);
	assert_int_equal(i8042_key(&kbc, 1), 0);
	assert_int_equal(i8042_read(&kbc, I8042_DATA), 0x01);
	assert_false(i8042_a20(&kbc));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_power_on),
		T(test_self_tests),
		T(test_command_byte),
		T(test_enable_disable),
		T(test_output_port_a20_reset),
		T(test_pulse),
		T(test_write_output_buffers),
		T(test_keyboard_commands),
		T(test_keyboard_translated_replies),
		T(test_scanning_and_keys),
		T(test_replies_bounded),
		T(test_irq_lines),
		cmocka_unit_test(test_no_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
