/* SPDX-License-Identifier: MIT */
/*
 * piix3 unit tests: identity, every PIRQ route value and its report, and
 * the ELCR with its edge-only IRQs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/piix3.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fake {
	int route[4];
	unsigned nroute;
	uint16_t elcr;
	unsigned nelcr;
	struct piix3 isa;
};

static void fake_pirq_route(void *opaque, unsigned pirq, int irq)
{
	struct fake *f = opaque;

	assert_true(pirq < 4);
	assert_true(irq != f->route[pirq]); /* only on a change */
	f->route[pirq] = irq;
	f->nroute++;
}

static void fake_elcr_changed(void *opaque, uint16_t elcr)
{
	struct fake *f = opaque;

	assert_true(elcr != f->elcr);
	f->elcr = elcr;
	f->nelcr++;
}

static const struct piix3_ops fake_ops = {
	.pirq_route = fake_pirq_route,
	.elcr_changed = fake_elcr_changed,
};

static struct fake fake_storage;

static int setup(void **state)
{
	struct fake *f = &fake_storage;
	unsigned i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 4; i++)
		f->route[i] = -1;
	piix3_init(&f->isa, &fake_ops, f);
	*state = f;
	return 0;
}

static uint32_t rd(struct fake *f, unsigned off, unsigned size)
{
	uint32_t v;

	assert_int_equal(piix3_cfg_read(&f->isa, off, size, &v), 0);
	return v;
}

static void wr(struct fake *f, unsigned off, unsigned size, uint32_t val)
{
	assert_int_equal(piix3_cfg_write(&f->isa, off, size, val), 0);
}

static void test_identity(void **state)
{
	struct fake *f = *state;
	uint32_t v;

	assert_int_equal(rd(f, 0x00, 4), 0x70008086);
	assert_int_equal(rd(f, 0x04, 4), 0x02000007);
	assert_int_equal(rd(f, 0x08, 4), 0x06010000);
	assert_int_equal(rd(f, 0x0e, 1), 0x80); /* multi-function */
	assert_int_equal(rd(f, 0x2c, 4), 0x11001af4);
	assert_int_equal(rd(f, 0x60, 4), 0x80808080);
	assert_int_equal(rd(f, 0x4c, 1), 0x4d);
	assert_int_equal(rd(f, 0x69, 1), 0x02);
	wr(f, 0x00, 4, 0);
	wr(f, 0x08, 4, 0);
	wr(f, 0x0c, 4, 0);
	assert_int_equal(rd(f, 0x00, 4), 0x70008086);
	assert_int_equal(rd(f, 0x08, 4), 0x06010000);
	assert_int_equal(rd(f, 0x0e, 1), 0x80);
	assert_int_equal(piix3_cfg_read(&f->isa, 0x62, 4, &v), -EINVAL);
	assert_int_equal(piix3_cfg_write(&f->isa, 0x63, 2, 0), -EINVAL);
	assert_int_equal(f->nroute, 0);
	for (v = 0; v < 4; v++)
		assert_int_equal(piix3_pirq_route(&f->isa, v), -1);
	assert_int_equal(piix3_pirq_route(&f->isa, 4), -1);
}

static void test_every_route_value(void **state)
{
	struct fake *f = *state;
	unsigned pirq, irq;

	for (pirq = 0; pirq < 4; pirq++) {
		for (irq = 0; irq < 16; irq++) {
			int want = (irq <= 2 || irq == 8 || irq == 13)
					   ? -1
					   : (int)irq;

			wr(f, PIIX3_PIRQRC + pirq, 1, irq);
			assert_int_equal(rd(f, PIIX3_PIRQRC + pirq, 1), irq);
			assert_int_equal(piix3_pirq_route(&f->isa, pirq), want);
			assert_int_equal(f->route[pirq], want);
			/* Disabling keeps the IRQ bits but routes nowhere. */
			wr(f, PIIX3_PIRQRC + pirq, 1, 0x80 | irq);
			assert_int_equal(piix3_pirq_route(&f->isa, pirq), -1);
			assert_int_equal(f->route[pirq], -1);
		}
	}
	/* The other links never moved. */
	assert_int_equal(rd(f, 0x60, 4), 0x8f8f8f8f);
}

static void test_route_dword_and_reports(void **state)
{
	struct fake *f = *state;

	/* SeaBIOS' routing: PIRQA-D = 10, 10, 11, 11, by one dword. */
	wr(f, 0x60, 4, 0x0b0b0a0a);
	assert_int_equal(f->nroute, 4);
	assert_int_equal(f->route[0], 10);
	assert_int_equal(f->route[1], 10);
	assert_int_equal(f->route[2], 11);
	assert_int_equal(f->route[3], 11);
	/* Same again: silent. Reserved bits 6:4 read 0 and change nothing. */
	wr(f, 0x60, 4, 0x7b7b7a7a);
	assert_int_equal(f->nroute, 4);
	assert_int_equal(rd(f, 0x60, 4), 0x0b0b0a0a);
	/* Moving between two reserved values reports nothing either. */
	wr(f, 0x61, 1, 0x00);
	assert_int_equal(f->nroute, 5);
	wr(f, 0x61, 1, 0x0d);
	wr(f, 0x61, 1, 0x88);
	assert_int_equal(f->nroute, 5);
	assert_int_equal(f->route[1], -1);
}

static void test_elcr(void **state)
{
	struct fake *f = *state;

	assert_int_equal(piix3_elcr_read(&f->isa, 0), 0);
	assert_int_equal(piix3_elcr_read(&f->isa, 1), 0);
	assert_int_equal(piix3_elcr_read(&f->isa, 2), 0xff);
	piix3_elcr_write(&f->isa, 0, 0xff);
	piix3_elcr_write(&f->isa, 1, 0xff);
	assert_int_equal(piix3_elcr_read(&f->isa, 0), 0xf8);
	assert_int_equal(piix3_elcr_read(&f->isa, 1), 0xde);
	assert_int_equal(piix3_elcr(&f->isa), 0xdef8);
	assert_int_equal(f->elcr, 0xdef8);
	assert_int_equal(f->nelcr, 2);
	/* IRQ 0/1/2 alone: no change, no report. */
	piix3_elcr_write(&f->isa, 0, 0xff & ~0xf8);
	piix3_elcr_write(&f->isa, 0, 0x07);
	assert_int_equal(f->nelcr, 3);
	assert_int_equal(piix3_elcr(&f->isa), 0xde00);
	piix3_elcr_write(&f->isa, 1, 0x21); /* IRQ 8 and 13 */
	assert_int_equal(piix3_elcr(&f->isa), 0x0000);
	piix3_elcr_write(&f->isa, 5, 0xff); /* ignored */
	assert_int_equal(f->nelcr, 4);
	/* SeaBIOS marks the PCI IRQs level triggered. */
	piix3_elcr_write(&f->isa, 1, 0x0c);
	assert_int_equal(piix3_elcr(&f->isa), 0x0c00);
}

static void test_no_ops(void **state)
{
	struct piix3 isa;

	(void)state;
	piix3_init(&isa, NULL, NULL);
	assert_int_equal(piix3_cfg_write(&isa, 0x60, 1, 5), 0);
	assert_int_equal(piix3_pirq_route(&isa, 0), 5);
	piix3_elcr_write(&isa, 0, 0x20);
	assert_int_equal(piix3_elcr(&isa), 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_identity, setup),
		cmocka_unit_test_setup(test_every_route_value, setup),
		cmocka_unit_test_setup(test_route_dword_and_reports, setup),
		cmocka_unit_test_setup(test_elcr, setup),
		cmocka_unit_test(test_no_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
