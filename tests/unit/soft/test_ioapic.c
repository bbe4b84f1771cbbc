/* SPDX-License-Identifier: MIT */
/*
 * ioapic unit tests: register sequences and pin levels against a fake
 * interrupt bus that records each message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv/soft/ioapic.h"

struct msg {
	uint8_t dest;
	int logical;
	unsigned mode;
	uint8_t vector;
	int level;
};

struct fake {
	unsigned n;
	struct msg last;
	struct ioapic io;
};

static void fake_deliver(void *ctx, uint8_t dest, int logical, unsigned mode,
			 uint8_t vector, int level)
{
	struct fake *f = ctx;

	f->n++;
	f->last = (struct msg){dest, logical, mode, vector, level};
}

static const struct ioapic_ops fake_ops = {.deliver = fake_deliver};

static int setup(void **state)
{
	static struct fake f;

	memset(&f, 0, sizeof(f));
	ioapic_init(&f.io, &fake_ops, &f);
	*state = &f;
	return 0;
}

static uint32_t reg_rd(struct ioapic *io, uint32_t reg)
{
	ioapic_write(io, IOAPIC_IOREGSEL, 4, reg);
	return (uint32_t)ioapic_read(io, IOAPIC_IOWIN, 4);
}

static void reg_wr(struct ioapic *io, uint32_t reg, uint32_t v)
{
	ioapic_write(io, IOAPIC_IOREGSEL, 4, reg);
	ioapic_write(io, IOAPIC_IOWIN, 4, v);
}

static void set_rte(struct ioapic *io, unsigned pin, uint64_t rte)
{
	reg_wr(io, IOAPIC_REG_REDTBL + 2 * pin + 1, (uint32_t)(rte >> 32));
	reg_wr(io, IOAPIC_REG_REDTBL + 2 * pin, (uint32_t)rte);
}

static uint64_t get_rte(struct ioapic *io, unsigned pin)
{
	return reg_rd(io, IOAPIC_REG_REDTBL + 2 * pin) |
	       (uint64_t)reg_rd(io, IOAPIC_REG_REDTBL + 2 * pin + 1) << 32;
}

static void test_registers(void **state)
{
	struct fake *f = *state;
	struct ioapic *io = &f->io;

	assert_int_equal(reg_rd(io, IOAPIC_REG_VER), 0x00170011);
	assert_int_equal(reg_rd(io, IOAPIC_REG_ID), 0);
	reg_wr(io, IOAPIC_REG_ID, 0xffffffff);
	assert_int_equal(reg_rd(io, IOAPIC_REG_ID), 0x0f000000);
	assert_int_equal(reg_rd(io, IOAPIC_REG_ARB), 0x0f000000);
	reg_wr(io, IOAPIC_REG_VER, 0);
	assert_int_equal(reg_rd(io, IOAPIC_REG_VER), 0x00170011);
	for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
		assert_int_equal(get_rte(io, pin), IOAPIC_RTE_MASK);
	/* Read-only and reserved bits do not stick. */
	set_rte(io, 5, ~0ull);
	assert_int_equal(get_rte(io, 5), 0xff0000000001afffull);
	/* IOREGSEL reads back; out-of-range registers read 0. */
	ioapic_write(io, IOAPIC_IOREGSEL, 1, 0x3e);
	assert_int_equal(ioapic_read(io, IOAPIC_IOREGSEL, 4), 0x3e);
	assert_int_equal(ioapic_read(io, IOAPIC_IOWIN, 4), 0x00010000);
	assert_int_equal(reg_rd(io, 0x40), 0);
	assert_int_equal(reg_rd(io, 0xff), 0);
	/* Byte reads of IOWIN. */
	ioapic_write(io, IOAPIC_IOREGSEL, 4, IOAPIC_REG_VER);
	assert_int_equal(ioapic_read(io, IOAPIC_IOWIN + 2, 1), 0x17);
	assert_int_equal(ioapic_read(io, 0x20, 4), 0);
	assert_int_equal(ioapic_read(io, 0x1000, 4), 0);
	/* No delivery from any of this (all pins idle). */
	assert_int_equal(f->n, 0);
}

static void test_edge(void **state)
{
	struct fake *f = *state;
	struct ioapic *io = &f->io;

	set_rte(io, 2, 0x30 | (3ull << 56));
	ioapic_set_irq(io, 2, 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->last.vector, 0x30);
	assert_int_equal(f->last.dest, 3);
	assert_int_equal(f->last.logical, 0);
	assert_int_equal(f->last.mode, IOAPIC_DM_FIXED);
	assert_int_equal(f->last.level, 0);
	/* Held high: no new edge. */
	ioapic_set_irq(io, 2, 1);
	assert_int_equal(f->n, 1);
	ioapic_set_irq(io, 2, 0);
	ioapic_set_irq(io, 2, 1);
	assert_int_equal(f->n, 2);
	/* Edge pins have no Remote IRR; EOI does nothing. */
	assert_int_equal(get_rte(io, 2) & IOAPIC_RTE_REMOTE_IRR, 0);
	ioapic_eoi(io, 0x30);
	assert_int_equal(f->n, 2);
	/* Logical, lowest priority. */
	set_rte(io, 3, 0x41 | IOAPIC_RTE_DESTMOD | (1ull << 8) | (0x0full << 56));
	ioapic_set_irq(io, 3, 1);
	assert_int_equal(f->last.logical, 1);
	assert_int_equal(f->last.mode, IOAPIC_DM_LOWEST);
	assert_int_equal(f->last.dest, 0x0f);
}

static void test_masked_edge(void **state)
{
	struct fake *f = *state;
	struct ioapic *io = &f->io;

	/* Masked at reset: the edge waits while the line stays high. */
	ioapic_set_irq(io, 4, 1);
	assert_int_equal(f->n, 0);
	set_rte(io, 4, 0x24);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->last.vector, 0x24);
	/* Rewriting the entry does not deliver it twice. */
	set_rte(io, 4, 0x24);
	assert_int_equal(f->n, 1);
	/* A pulse while masked is lost. */
	set_rte(io, 4, 0x24 | IOAPIC_RTE_MASK);
	ioapic_set_irq(io, 4, 0);
	ioapic_set_irq(io, 4, 1);
	ioapic_set_irq(io, 4, 0);
	set_rte(io, 4, 0x24);
	assert_int_equal(f->n, 1);
}

static void test_level_remote_irr(void **state)
{
	struct fake *f = *state;
	struct ioapic *io = &f->io;
	const uint64_t rte = 0x51 | IOAPIC_RTE_TRIGGER | IOAPIC_RTE_INTPOL;

	set_rte(io, 11, rte);
	ioapic_set_irq(io, 11, 1);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->last.level, 1);
	assert_true(get_rte(io, 11) & IOAPIC_RTE_REMOTE_IRR);
	/* Repeated assertion while Remote IRR is set: nothing. */
	ioapic_set_irq(io, 11, 1);
	assert_int_equal(f->n, 1);
	/* Rewriting the entry keeps Remote IRR. */
	set_rte(io, 11, rte);
	assert_true(get_rte(io, 11) & IOAPIC_RTE_REMOTE_IRR);
	assert_int_equal(f->n, 1);
	/* EOI of another vector: nothing. */
	ioapic_eoi(io, 0x52);
	assert_int_equal(f->n, 1);
	/* EOI with the line still asserted: delivered again. */
	ioapic_eoi(io, 0x51);
	assert_int_equal(f->n, 2);
	assert_true(get_rte(io, 11) & IOAPIC_RTE_REMOTE_IRR);
	/* Deasserted before EOI: Remote IRR clears, no delivery. */
	ioapic_set_irq(io, 11, 0);
	ioapic_eoi(io, 0x51);
	assert_int_equal(f->n, 2);
	assert_false(get_rte(io, 11) & IOAPIC_RTE_REMOTE_IRR);
	/* The EOI register (+0x40) works too. */
	ioapic_set_irq(io, 11, 1);
	assert_int_equal(f->n, 3);
	ioapic_write(io, IOAPIC_EOI, 4, 0x51);
	assert_int_equal(f->n, 4);
	/* Switching to edge clears Remote IRR. */
	set_rte(io, 11, 0x51);
	assert_false(get_rte(io, 11) & IOAPIC_RTE_REMOTE_IRR);
}

static void test_masked_level(void **state)
{
	struct fake *f = *state;
	struct ioapic *io = &f->io;

	set_rte(io, 16, 0x60 | IOAPIC_RTE_TRIGGER | IOAPIC_RTE_MASK);
	ioapic_set_irq(io, 16, 1);
	assert_int_equal(f->n, 0);
	set_rte(io, 16, 0x60 | IOAPIC_RTE_TRIGGER);
	assert_int_equal(f->n, 1);
	/* Two pins share a vector: one EOI serves both. */
	set_rte(io, 17, 0x60 | IOAPIC_RTE_TRIGGER);
	ioapic_set_irq(io, 17, 1);
	assert_int_equal(f->n, 2);
	ioapic_eoi(io, 0x60);
	assert_int_equal(f->n, 4);
	/* NMI, INIT and ExtINT delivery modes pass through. */
	set_rte(io, 0, IOAPIC_DM_EXTINT << 8);
	ioapic_set_irq(io, 0, 1);
	assert_int_equal(f->last.mode, IOAPIC_DM_EXTINT);
	/* Out-of-range pins are ignored. */
	ioapic_set_irq(io, 24, 1);
	ioapic_set_irq(io, 1000, 1);
	assert_int_equal(f->n, 5);
}

static void test_hostile(void **state)
{
	struct fake *f = *state;
	struct ioapic *io = &f->io;
	uint32_t x = 7;

	for (int i = 0; i < 200000; i++) {
		x = x * 1103515245u + 12345u;
		switch ((x >> 28) & 3u) {
		case 0:
			ioapic_write(io, (x >> 8) & 0x1ff, 1u << ((x >> 4) & 3u),
				     x * 2654435761u);
			break;
		case 1:
			(void)ioapic_read(io, (x >> 8) & 0x1ff, 1u << ((x >> 4) & 3u));
			break;
		case 2:
			ioapic_set_irq(io, (x >> 8) & 31u, (x >> 3) & 1u);
			break;
		default:
			ioapic_eoi(io, (uint8_t)(x >> 8));
			break;
		}
	}
	ioapic_reset(io);
	assert_int_equal(get_rte(io, 0), IOAPIC_RTE_MASK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_registers, setup),
		cmocka_unit_test_setup(test_edge, setup),
		cmocka_unit_test_setup(test_masked_edge, setup),
		cmocka_unit_test_setup(test_level_remote_irr, setup),
		cmocka_unit_test_setup(test_masked_level, setup),
		cmocka_unit_test_setup(test_hostile, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
