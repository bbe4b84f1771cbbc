/* SPDX-License-Identifier: MIT */
/*
 * pic unit tests: 8259A pair register sequences against a fake INT line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/soft/pic.h"

struct fake {
	int level;
	unsigned changes;
	unsigned redundant;
	struct pic pic;
};

static void fake_intr(void *ctx, int level)
{
	struct fake *f = ctx;

	if (level == f->level)
		f->redundant++;
	f->level = level;
	f->changes++;
}

static int setup(void **state)
{
	static struct fake f;

	memset(&f, 0, sizeof(f));
	pic_init(&f.pic, fake_intr, &f);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	/* The output callback only ever reports changes. */
	assert_int_equal(f->redundant, 0);
	return 0;
}

/* The BIOS/Linux initialisation: vectors 0x20/0x28, cascade on IR2. */
static void init_pc(struct pic *p, int aeoi)
{
	pic_write(p, 0x20, 0x11);
	pic_write(p, 0x21, 0x20);
	pic_write(p, 0x21, 0x04);
	pic_write(p, 0x21, aeoi ? 0x03 : 0x01);
	pic_write(p, 0xa0, 0x11);
	pic_write(p, 0xa1, 0x28);
	pic_write(p, 0xa1, 0x02);
	pic_write(p, 0xa1, aeoi ? 0x03 : 0x01);
}

static void eoi(struct pic *p, int slave)
{
	if (slave)
		pic_write(p, 0xa0, 0x20);
	pic_write(p, 0x20, 0x20);
}

static void test_power_on(void **state)
{
	struct fake *f = *state;

	assert_int_equal(pic_read(&f->pic, 0x21), 0);
	assert_int_equal(pic_read(&f->pic, 0xa1), 0);
	assert_int_equal(pic_read(&f->pic, 0x20), 0);
	assert_int_equal(pic_read(&f->pic, 0x4d0), 0);
	assert_int_equal(pic_output(&f->pic), 0);
	assert_int_equal(pic_read(&f->pic, 0x22), 0xff);
}

static void test_init_mask_eoi(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	pic_write(p, 0x21, 0xfd); /* only IRQ 1 */
	assert_int_equal(pic_read(p, 0x21), 0xfd);
	pic_set_irq(p, 3, 1);
	assert_int_equal(f->level, 0);
	pic_set_irq(p, 1, 1);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x21);
	assert_int_equal(f->level, 0);
	/* OCW3: read ISR, then IRR (IRQ 3 latched though masked). */
	pic_write(p, 0x20, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x02);
	pic_write(p, 0x20, 0x0a);
	assert_int_equal(pic_read(p, 0x20), 0x08);
	eoi(p, 0);
	pic_write(p, 0x20, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x00);
	/* Unmasking IRQ 3 lets its latched edge through. */
	pic_write(p, 0x21, 0x00);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x23);
}

static void test_priority_nesting(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	pic_set_irq(p, 4, 1);
	pic_set_irq(p, 3, 1);
	assert_int_equal(pic_ack(p), 0x23);
	/* IRQ 4 waits behind IRQ 3 in service. */
	assert_int_equal(f->level, 0);
	/* IRQ 0 outranks IRQ 3: nests. */
	pic_set_irq(p, 0, 1);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x20);
	pic_write(p, 0x20, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x09);
	/* Non-specific EOI ends the highest in service (IRQ 0). */
	pic_write(p, 0x20, 0x20);
	assert_int_equal(pic_read(p, 0x20), 0x08);
	assert_int_equal(f->level, 0);
	pic_write(p, 0x20, 0x20);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x24);
	/* Specific EOI for IRQ 4. */
	pic_write(p, 0x20, 0x64);
	assert_int_equal(pic_read(p, 0x20), 0x00);
}

static void test_cascade(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	pic_set_irq(p, 10, 1);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x2a);
	assert_int_equal(f->level, 0);
	pic_write(p, 0x20, 0x0b);
	pic_write(p, 0xa0, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x04);
	assert_int_equal(pic_read(p, 0xa0), 0x04);
	/* IRQ 9 (higher on the slave) is held by master ISR2. */
	pic_set_irq(p, 9, 1);
	assert_int_equal(f->level, 0);
	eoi(p, 1);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x29);
	eoi(p, 1);
	assert_int_equal(f->level, 0);
	/* Slave masked by the master's IMR bit 2. */
	pic_write(p, 0x21, 0x04);
	pic_set_irq(p, 14, 1);
	assert_int_equal(f->level, 0);
	pic_write(p, 0x21, 0x00);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x2e);
	/* IRQ 2 from outside is the cascade: ignored. */
	eoi(p, 1);
	pic_set_irq(p, 2, 1);
	assert_int_equal(f->level, 0);
}

static void test_spurious(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	pic_write(p, 0x4d0, 0x20); /* IRQ 5 level */
	pic_write(p, 0x4d1, 0x08); /* IRQ 11 level */
	/* Master: request withdrawn before INTA gives IR7, ISR untouched. */
	pic_set_irq(p, 5, 1);
	assert_int_equal(f->level, 1);
	pic_set_irq(p, 5, 0);
	assert_int_equal(f->level, 0);
	assert_int_equal(pic_ack(p), 0x27);
	pic_write(p, 0x20, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x00);
	/* Slave: the master latched IR2; the slave answers IR15 and master
	 * ISR2 is set, so the guest must EOI the master. */
	pic_set_irq(p, 11, 1);
	pic_write(p, 0xa1, 0x08); /* mask IRQ 11 on the slave */
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x2f);
	assert_int_equal(pic_read(p, 0x20), 0x04);
	pic_write(p, 0xa0, 0x0b);
	assert_int_equal(pic_read(p, 0xa0), 0x00);
	eoi(p, 0);
	assert_int_equal(f->level, 0);
}

static void test_level_retrigger(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	pic_write(p, 0x4d0, 0xff);
	assert_int_equal(pic_read(p, 0x4d0), 0xf8);
	pic_write(p, 0x4d1, 0xff);
	assert_int_equal(pic_read(p, 0x4d1), 0xde);
	pic_write(p, 0x4d1, 0x00);
	pic_write(p, 0x4d0, 0x20);
	pic_set_irq(p, 5, 1);
	assert_int_equal(pic_ack(p), 0x25);
	assert_int_equal(f->level, 0);
	/* Still asserted at EOI: requests again. */
	eoi(p, 0);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x25);
	pic_set_irq(p, 5, 0);
	eoi(p, 0);
	assert_int_equal(f->level, 0);
	/* An edge line does not re-request while held high. */
	pic_set_irq(p, 4, 1);
	assert_int_equal(pic_ack(p), 0x24);
	pic_set_irq(p, 4, 1);
	eoi(p, 0);
	assert_int_equal(f->level, 0);
	pic_set_irq(p, 4, 0);
	pic_set_irq(p, 4, 1);
	assert_int_equal(f->level, 1);
}

static void test_aeoi_rotate(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 1);
	pic_set_irq(p, 1, 1);
	pic_set_irq(p, 6, 1);
	assert_int_equal(pic_ack(p), 0x21);
	/* AEOI: nothing in service, IRQ 6 follows at once. */
	pic_write(p, 0x20, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x00);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x26);
	assert_int_equal(f->level, 0);

	/* Rotate in AEOI: the serviced IR becomes the lowest. */
	pic_write(p, 0x20, 0x80);
	pic_set_irq(p, 1, 0);
	pic_set_irq(p, 3, 0);
	pic_set_irq(p, 1, 1);
	assert_int_equal(pic_ack(p), 0x21);
	pic_set_irq(p, 3, 1);
	pic_set_irq(p, 6, 0);
	pic_set_irq(p, 0, 1);
	/* Priority order is now 2,3,...,7,0,1: IRQ 3 beats IRQ 0. */
	assert_int_equal(pic_ack(p), 0x23);
	assert_int_equal(pic_ack(p), 0x20);
}

static void test_rotate_and_set_priority(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	/* Set priority: IRQ 4 lowest, so IRQ 5 is the highest. */
	pic_write(p, 0x20, 0xc4);
	pic_set_irq(p, 0, 1);
	pic_set_irq(p, 5, 1);
	assert_int_equal(pic_ack(p), 0x25);
	/* Rotate on non-specific EOI: IRQ 5 becomes lowest, 6 highest. */
	pic_write(p, 0x20, 0xa0);
	assert_int_equal(pic_ack(p), 0x20);
	/* Rotate on specific EOI for IRQ 0. */
	pic_write(p, 0x20, 0xe0);
	pic_set_irq(p, 1, 1);
	pic_set_irq(p, 0, 0);
	pic_set_irq(p, 0, 1);
	assert_int_equal(pic_ack(p), 0x21);
}

static void test_special_mask(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	pic_set_irq(p, 1, 1);
	assert_int_equal(pic_ack(p), 0x21);
	pic_set_irq(p, 5, 1);
	assert_int_equal(f->level, 0);
	/* Special mask mode plus masking IRQ 1 lets lower IRQ 5 in. */
	pic_write(p, 0x21, 0x02);
	pic_write(p, 0x20, 0x68);
	assert_int_equal(f->level, 1);
	assert_int_equal(pic_ack(p), 0x25);
	pic_write(p, 0x20, 0x48); /* SMM off */
	pic_write(p, 0x20, 0x65);
	pic_write(p, 0x20, 0x61);
	pic_write(p, 0x20, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x00);
}

static void test_poll(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	pic_write(p, 0x20, 0x0c);
	assert_int_equal(pic_read(p, 0x20), 0x00);
	pic_set_irq(p, 3, 1);
	pic_write(p, 0x20, 0x0c);
	assert_int_equal(pic_read(p, 0x20), 0x83);
	/* The poll acknowledged it: in service, INT low. */
	assert_int_equal(f->level, 0);
	pic_write(p, 0x20, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x08);
	/* The poll flag is one-shot. */
	assert_int_equal(pic_read(p, 0x20), 0x08);
}

static void test_icw1_resets(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;

	init_pc(p, 0);
	pic_write(p, 0x21, 0xa8);
	pic_set_irq(p, 1, 1);
	assert_int_equal(pic_ack(p), 0x21);
	pic_set_irq(p, 3, 1);
	/* ICW1 without IC4 and single: ICW2 only; IMR, ISR cleared. */
	pic_write(p, 0x20, 0x12);
	pic_write(p, 0x21, 0x48);
	assert_int_equal(pic_read(p, 0x21), 0x00);
	pic_write(p, 0x20, 0x0b);
	assert_int_equal(pic_read(p, 0x20), 0x00);
	/* The edge latched before re-initialisation is forgotten. */
	assert_int_equal(f->level, 0);
	pic_set_irq(p, 3, 0);
	pic_set_irq(p, 3, 1);
	assert_int_equal(pic_ack(p), 0x4b);
}

static void test_hostile(void **state)
{
	struct fake *f = *state;
	struct pic *p = &f->pic;
	static const uint16_t ports[] = {0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1};
	uint32_t x = 12345;

	for (int i = 0; i < 200000; i++) {
		x = x * 1103515245u + 12345u;
		uint16_t port = ports[(x >> 8) % 6];
		switch ((x >> 4) & 3u) {
		case 0:
			pic_write(p, port, (uint8_t)(x >> 16));
			break;
		case 1:
			(void)pic_read(p, port);
			break;
		case 2:
			pic_set_irq(p, (x >> 16) & 31u, (x >> 24) & 1u);
			break;
		default: {
			int v = pic_ack(p);
			assert_true(v >= 0 && v <= 255);
			break;
		}
		}
		assert_int_equal(pic_output(p), f->level);
	}
	pic_reset(p);
	assert_int_equal(pic_read(p, 0x21), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_power_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_mask_eoi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_priority_nesting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cascade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spurious, setup, teardown),
		cmocka_unit_test_setup_teardown(test_level_retrigger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aeoi_rotate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotate_and_set_priority, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_special_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icw1_resets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
