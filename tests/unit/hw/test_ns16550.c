/* SPDX-License-Identifier: MIT */
/*
 * ns16550 unit tests: register sequences through the public API against a
 * fake interrupt line and a fake host output.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dm/hw/ns16550.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fake {
	int level;	   /* current line level */
	unsigned changes;  /* set_irq calls */
	unsigned redundant; /* set_irq calls that did not change the level */
	uint8_t out[64];
	unsigned nout;
	struct ns16550 uart;
};

static void fake_set_irq(void *opaque, int level)
{
	struct fake *f = opaque;

	if (level == f->level)
		f->redundant++;
	f->level = level;
	f->changes++;
}

static void fake_tx(void *opaque, uint8_t byte)
{
	struct fake *f = opaque;

	if (f->nout < sizeof(f->out))
		f->out[f->nout] = byte;
	f->nout++;
}

static const struct ns16550_ops fake_ops = {
	.set_irq = fake_set_irq,
	.tx = fake_tx,
};

static int setup(void **state)
{
	static struct fake f;

	memset(&f, 0, sizeof(f));
	ns16550_init(&f.uart, &fake_ops, &f);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	/* No test may see set_irq called without a level change. */
	assert_int_equal(f->redundant, 0);
	return 0;
}

static uint8_t rd(struct fake *f, unsigned off)
{
	return ns16550_read(&f->uart, off);
}

static void wr(struct fake *f, unsigned off, uint8_t val)
{
	ns16550_write(&f->uart, off, val);
}

static void test_reset_values(void **state)
{
	static const struct {
		unsigned off;
		uint8_t val;
	} regs[] = {
		{NS16550_IER, 0x00}, {NS16550_IIR, 0x01}, {NS16550_LCR, 0x00},
		{NS16550_MCR, 0x00}, {NS16550_LSR, 0x60}, {NS16550_MSR, 0xb0},
		{NS16550_SCR, 0x00}, {8, 0xff},		  {0xffff, 0xff},
	};
	struct fake *f = *state;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		assert_int_equal(rd(f, regs[i].off), regs[i].val);
	assert_int_equal(f->level, 0);
	assert_int_equal(f->changes, 0);
	assert_int_equal(ns16550_rx_room(&f->uart), 1);
}

static void test_scratch_and_bad_offsets(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_SCR, 0xa5);
	assert_int_equal(rd(f, NS16550_SCR), 0xa5);
	wr(f, 8, 0x12); /* ignored, no crash */
	wr(f, NS16550_LSR, 0x00); /* read-only */
	wr(f, NS16550_MSR, 0x00);
	assert_int_equal(rd(f, NS16550_LSR), 0x60);
	assert_int_equal(rd(f, NS16550_MSR), 0xb0);
	wr(f, NS16550_IER, 0xff); /* upper bits are not implemented */
	assert_int_equal(rd(f, NS16550_IER), 0x0f);
}

static void test_divisor_latch(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_IER, 0x05);
	wr(f, NS16550_LCR, 0x83); /* DLAB, 8N1 */
	assert_int_equal(rd(f, NS16550_DLL), 12); /* reset divisor */
	assert_int_equal(rd(f, NS16550_DLM), 0);
	wr(f, NS16550_DLL, 0x01);
	wr(f, NS16550_DLM, 0x02);
	assert_int_equal(rd(f, NS16550_DLL), 0x01);
	assert_int_equal(rd(f, NS16550_DLM), 0x02);
	assert_int_equal(f->nout, 0); /* DLL write is not a transmission */
	wr(f, NS16550_LCR, 0x03);
	assert_int_equal(rd(f, NS16550_LCR), 0x03);
	assert_int_equal(rd(f, NS16550_IER), 0x05); /* not DLM */
	wr(f, NS16550_THR, 'x');
	wr(f, NS16550_LCR, 0x80);
	assert_int_equal(rd(f, NS16550_DLL), 0x01); /* THR did not touch it */
}

static void test_transmit(void **state)
{
	struct fake *f = *state;
	const char *msg = "hi\n";
	size_t i;

	for (i = 0; i < strlen(msg); i++) {
		wr(f, NS16550_THR, (uint8_t)msg[i]);
		/* Instant transmission: THR and TSR are empty again. */
		assert_int_equal(rd(f, NS16550_LSR) & 0x60, 0x60);
	}
	assert_int_equal(f->nout, 3);
	assert_memory_equal(f->out, msg, 3);
}

static void test_thre_interrupt(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_MCR, NS16550_MCR_OUT2);
	assert_int_equal(f->level, 0);
	/* Enabling ETBEI with THR empty fires at once. */
	wr(f, NS16550_IER, NS16550_IER_ETBEI);
	assert_int_equal(f->level, 1);
	/* Reading IIR that reports THRE acknowledges it. */
	assert_int_equal(rd(f, NS16550_IIR), 0x02);
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, NS16550_IIR), 0x01);
	/* Writing THR: the byte goes out at once and THRE fires again. */
	wr(f, NS16550_THR, 'a');
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, NS16550_IIR), 0x02);
	assert_int_equal(f->level, 0);
	/* Re-writing IER with ETBEI already set does not re-fire. */
	wr(f, NS16550_IER, NS16550_IER_ETBEI);
	assert_int_equal(f->level, 0);
	/* Disable then enable: fires again. */
	wr(f, NS16550_IER, 0);
	wr(f, NS16550_IER, NS16550_IER_ETBEI);
	assert_int_equal(f->level, 1);
	/* Disabling ETBEI drops the line; the latch stays for IIR. */
	wr(f, NS16550_IER, 0);
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, NS16550_IIR), 0x01);
	assert_int_equal(f->changes, 6);
}

static void test_irq_gated_by_out2(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_IER, NS16550_IER_ERBFI);
	assert_int_equal(ns16550_rx(&f->uart, 'z'), 0);
	/* Pending in IIR, but OUT2 is off: no line. */
	assert_int_equal(f->level, 0);
	wr(f, NS16550_MCR, NS16550_MCR_DTR | NS16550_MCR_RTS);
	assert_int_equal(f->level, 0);
	wr(f, NS16550_MCR, NS16550_MCR_OUT2);
	assert_int_equal(f->level, 1);
	wr(f, NS16550_MCR, 0);
	assert_int_equal(f->level, 0);
	wr(f, NS16550_MCR, NS16550_MCR_OUT2);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, NS16550_IIR), 0x04);
	assert_int_equal(rd(f, NS16550_RBR), 'z');
	assert_int_equal(f->level, 0);
}

static void test_rx_without_fifo(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_MCR, NS16550_MCR_OUT2);
	wr(f, NS16550_IER, NS16550_IER_ERBFI);
	assert_int_equal(rd(f, NS16550_IIR), 0x01);
	assert_int_equal(ns16550_rx_room(&f->uart), 1);
	assert_int_equal(ns16550_rx(&f->uart, 'A'), 0);
	assert_int_equal(ns16550_rx_room(&f->uart), 0);
	assert_int_equal(ns16550_rx(&f->uart, 'B'), -EAGAIN);
	assert_int_equal(rd(f, NS16550_LSR), 0x61);
	assert_int_equal(rd(f, NS16550_IIR), 0x04); /* no FIFO bits */
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, NS16550_RBR), 'A');
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, NS16550_LSR), 0x60);
	assert_int_equal(rd(f, NS16550_IIR), 0x01);
	/* Reading an empty RBR returns the last byte again. */
	assert_int_equal(rd(f, NS16550_RBR), 'A');
	/* The host held 'B' and retries. */
	assert_int_equal(ns16550_rx(&f->uart, 'B'), 0);
	assert_int_equal(rd(f, NS16550_RBR), 'B');
}

static void test_rx_fifo(void **state)
{
	struct fake *f = *state;
	unsigned i;

	wr(f, NS16550_FCR, NS16550_FCR_FE);
	assert_int_equal(rd(f, NS16550_IIR), 0xc1);
	assert_int_equal(ns16550_rx_room(&f->uart), 16);
	for (i = 0; i < 16; i++)
		assert_int_equal(ns16550_rx(&f->uart, (uint8_t)(0x30 + i)), 0);
	assert_int_equal(ns16550_rx_room(&f->uart), 0);
	assert_int_equal(ns16550_rx(&f->uart, 0xee), -EAGAIN);
	/* Host back-pressure is not an overrun. */
	assert_int_equal(rd(f, NS16550_LSR), 0x61);
	for (i = 0; i < 16; i++)
		assert_int_equal(rd(f, NS16550_RBR), 0x30 + i);
	assert_int_equal(rd(f, NS16550_LSR), 0x60);
	assert_int_equal(ns16550_rx_room(&f->uart), 16);
}

static void test_rx_trigger_levels(void **state)
{
	static const struct {
		uint8_t fcr;
		unsigned trigger;
	} levels[] = {
		{0x01, 1}, {0x41, 4}, {0x81, 8}, {0xc1, 14},
	};
	struct fake *f = *state;
	size_t i;
	unsigned n;

	wr(f, NS16550_MCR, NS16550_MCR_OUT2);
	wr(f, NS16550_IER, NS16550_IER_ERBFI);
	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		wr(f, NS16550_FCR, levels[i].fcr | NS16550_FCR_RXRST);
		assert_int_equal(rd(f, NS16550_IIR), 0xc1);
		for (n = 1; n < levels[i].trigger; n++) {
			assert_int_equal(ns16550_rx(&f->uart, (uint8_t)n), 0);
			/* Below the trigger: character timeout. */
			assert_int_equal(rd(f, NS16550_IIR), 0xcc);
			assert_int_equal(f->level, 1);
		}
		assert_int_equal(ns16550_rx(&f->uart, 0xaa), 0);
		assert_int_equal(rd(f, NS16550_IIR), 0xc4);
		assert_int_equal(f->level, 1);
	}
}

static void test_fcr_reset_and_toggle(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_FCR, 0xc1);
	assert_int_equal(ns16550_rx(&f->uart, 1), 0);
	assert_int_equal(ns16550_rx(&f->uart, 2), 0);
	/* TX reset alone leaves the RX FIFO alone. */
	wr(f, NS16550_FCR, 0xc1 | NS16550_FCR_TXRST);
	assert_int_equal(ns16550_rx_room(&f->uart), 14);
	wr(f, NS16550_FCR, 0xc1 | NS16550_FCR_RXRST);
	assert_int_equal(ns16550_rx_room(&f->uart), 16);
	assert_int_equal(rd(f, NS16550_LSR) & NS16550_LSR_DR, 0);
	/* Turning the FIFO off clears it and the other bits. */
	assert_int_equal(ns16550_rx(&f->uart, 3), 0);
	wr(f, NS16550_FCR, 0xc0);
	assert_int_equal(rd(f, NS16550_IIR), 0x01);
	assert_int_equal(rd(f, NS16550_LSR) & NS16550_LSR_DR, 0);
	assert_int_equal(ns16550_rx_room(&f->uart), 1);
	/* Turning it on clears RBR too. */
	assert_int_equal(ns16550_rx(&f->uart, 4), 0);
	wr(f, NS16550_FCR, 0x01);
	assert_int_equal(rd(f, NS16550_LSR) & NS16550_LSR_DR, 0);
	/* The trigger level was not kept from the 0xc0 write: 1 byte = RDA. */
	wr(f, NS16550_IER, NS16550_IER_ERBFI);
	assert_int_equal(ns16550_rx(&f->uart, 5), 0);
	assert_int_equal(rd(f, NS16550_IIR), 0xc4);
}

static void test_loopback_data(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_FCR, NS16550_FCR_FE);
	wr(f, NS16550_MCR, NS16550_MCR_LOOP);
	assert_int_equal(ns16550_rx_room(&f->uart), 0);
	assert_int_equal(ns16550_rx(&f->uart, 'h'), -EAGAIN);
	wr(f, NS16550_THR, 'L');
	wr(f, NS16550_THR, 'B');
	assert_int_equal(f->nout, 0); /* nothing on the line */
	assert_int_equal(rd(f, NS16550_LSR), 0x61);
	assert_int_equal(rd(f, NS16550_RBR), 'L');
	assert_int_equal(rd(f, NS16550_RBR), 'B');
	wr(f, NS16550_MCR, 0);
	wr(f, NS16550_THR, 'x');
	assert_int_equal(f->nout, 1);
	assert_int_equal(rd(f, NS16550_LSR), 0x60);
	assert_int_equal(ns16550_rx_room(&f->uart), 16);
}

static void test_overrun_fifo(void **state)
{
	struct fake *f = *state;
	unsigned i;

	wr(f, NS16550_FCR, NS16550_FCR_FE);
	wr(f, NS16550_MCR, NS16550_MCR_LOOP);
	wr(f, NS16550_IER, NS16550_IER_ELSI);
	for (i = 0; i < 16; i++)
		wr(f, NS16550_THR, (uint8_t)i);
	assert_int_equal(rd(f, NS16550_IIR), 0xc1);
	wr(f, NS16550_THR, 0x77); /* lost: FIFO full */
	assert_int_equal(rd(f, NS16550_IIR), 0xc6);
	assert_int_equal(rd(f, NS16550_LSR), 0x63);
	/* Reading LSR clears OE and the line status interrupt. */
	assert_int_equal(rd(f, NS16550_LSR), 0x61);
	assert_int_equal(rd(f, NS16550_IIR), 0xc1);
	for (i = 0; i < 16; i++)
		assert_int_equal(rd(f, NS16550_RBR), i);
	assert_int_equal(rd(f, NS16550_LSR), 0x60);
}

static void test_overrun_no_fifo(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_MCR, NS16550_MCR_LOOP);
	wr(f, NS16550_THR, 0x11);
	assert_int_equal(rd(f, NS16550_LSR), 0x61);
	wr(f, NS16550_THR, 0x22); /* overwrites RBR */
	/* Not enabled: no line status source in IIR. */
	assert_int_equal(rd(f, NS16550_IIR), 0x01);
	assert_int_equal(rd(f, NS16550_LSR), 0x63);
	assert_int_equal(rd(f, NS16550_RBR), 0x22);
	assert_int_equal(rd(f, NS16550_LSR), 0x60);
}

static void test_loopback_modem_lines(void **state)
{
	static const struct {
		uint8_t mcr;
		uint8_t status; /* MSR bit that follows it */
		uint8_t delta;	/* delta bit when it goes on */
	} map[] = {
		{NS16550_MCR_DTR, NS16550_MSR_DSR, NS16550_MSR_DDSR},
		{NS16550_MCR_RTS, NS16550_MSR_CTS, NS16550_MSR_DCTS},
		{NS16550_MCR_OUT1, NS16550_MSR_RI, 0},
		{NS16550_MCR_OUT2, NS16550_MSR_DCD, NS16550_MSR_DDCD},
	};
	struct fake *f = *state;
	uint8_t off;
	size_t i;

	/* Entering loopback: CTS, DSR, DCD drop from the modem's 1 to 0. */
	wr(f, NS16550_MCR, NS16550_MCR_LOOP);
	assert_int_equal(rd(f, NS16550_MSR), 0x0b);
	assert_int_equal(rd(f, NS16550_MSR), 0x00); /* deltas clear on read */
	for (i = 0; i < ARRAY_SIZE(map); i++) {
		wr(f, NS16550_MCR, NS16550_MCR_LOOP | map[i].mcr);
		assert_int_equal(rd(f, NS16550_MSR),
				 map[i].status | map[i].delta);
		wr(f, NS16550_MCR, NS16550_MCR_LOOP);
		/* Going off: a delta too, and TERI for RI's trailing edge. */
		off = map[i].delta ? map[i].delta : NS16550_MSR_TERI;
		assert_int_equal(rd(f, NS16550_MSR), off);
	}
	wr(f, NS16550_MCR, NS16550_MCR_LOOP | 0x0f);
	assert_int_equal(rd(f, NS16550_MSR), 0xfb);
	/* Leaving loopback: back to the modem inputs (RI drops). */
	wr(f, NS16550_MCR, 0);
	assert_int_equal(rd(f, NS16550_MSR), 0xb4);
}

static void test_modem_status_interrupt_and_loop_gate(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_IER, NS16550_IER_EDSSI);
	wr(f, NS16550_MCR, NS16550_MCR_LOOP | NS16550_MCR_OUT2);
	/* Source pending, but OUT2 is disconnected in loopback. */
	assert_int_equal(rd(f, NS16550_IIR), 0x00);
	assert_int_equal(f->level, 0);
	/* Back to normal with OUT2: CTS/DSR deltas still pending -> line. */
	wr(f, NS16550_MCR, NS16550_MCR_OUT2);
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, NS16550_IIR), 0x00);
	assert_int_equal(rd(f, NS16550_MSR), 0xb3);
	assert_int_equal(f->level, 0);
	assert_int_equal(rd(f, NS16550_IIR), 0x01);
}

static void test_iir_priorities(void **state)
{
	struct fake *f = *state;
	unsigned i;

	wr(f, NS16550_FCR, NS16550_FCR_FE | 0x40); /* trigger 4 */
	wr(f, NS16550_MCR, NS16550_MCR_LOOP | NS16550_MCR_DTR);
	for (i = 0; i < 17; i++) /* 16 stored, one overrun */
		wr(f, NS16550_THR, (uint8_t)i);
	wr(f, NS16550_IER, 0x0f);
	/* All four sources pending at once; reported by priority. */
	assert_int_equal(rd(f, NS16550_IIR), 0xc6);
	(void)rd(f, NS16550_LSR);
	assert_int_equal(rd(f, NS16550_IIR), 0xc4);
	for (i = 0; i < 13; i++)
		(void)rd(f, NS16550_RBR);
	assert_int_equal(rd(f, NS16550_IIR), 0xcc); /* 3 left < 4 */
	for (i = 0; i < 3; i++)
		(void)rd(f, NS16550_RBR);
	assert_int_equal(rd(f, NS16550_IIR), 0xc2);
	assert_int_equal(rd(f, NS16550_IIR), 0xc0); /* THRE acknowledged */
	(void)rd(f, NS16550_MSR);
	assert_int_equal(rd(f, NS16550_IIR), 0xc1);
}

static void test_lower_priority_not_acked(void **state)
{
	struct fake *f = *state;

	wr(f, NS16550_MCR, NS16550_MCR_OUT2);
	wr(f, NS16550_IER, NS16550_IER_ERBFI | NS16550_IER_ETBEI);
	assert_int_equal(ns16550_rx(&f->uart, 'q'), 0);
	/* IIR reports RDA: the THRE latch is not consumed by this read. */
	assert_int_equal(rd(f, NS16550_IIR), 0x04);
	assert_int_equal(rd(f, NS16550_RBR), 'q');
	assert_int_equal(f->level, 1);
	assert_int_equal(rd(f, NS16550_IIR), 0x02);
	assert_int_equal(f->level, 0);
}

static void test_null_ops(void **state)
{
	struct ns16550 u;

	(void)state;
	ns16550_init(&u, NULL, NULL);
	ns16550_write(&u, NS16550_MCR, NS16550_MCR_OUT2);
	ns16550_write(&u, NS16550_IER, 0x0f);
	ns16550_write(&u, NS16550_THR, 'x');
	assert_int_equal(ns16550_rx(&u, 'y'), 0);
	assert_int_equal(u.irq_level, 1);
	assert_int_equal(ns16550_read(&u, NS16550_RBR), 'y');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_reset_values),
		T(test_scratch_and_bad_offsets),
		T(test_divisor_latch),
		T(test_transmit),
		T(test_thre_interrupt),
		T(test_irq_gated_by_out2),
		T(test_rx_without_fifo),
		T(test_rx_fifo),
		T(test_rx_trigger_levels),
		T(test_fcr_reset_and_toggle),
		T(test_loopback_data),
		T(test_overrun_fifo),
		T(test_overrun_no_fifo),
		T(test_loopback_modem_lines),
		T(test_modem_status_interrupt_and_loop_gate),
		T(test_iir_priorities),
		T(test_lower_priority_not_acked),
		cmocka_unit_test(test_null_ops),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
