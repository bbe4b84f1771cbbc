/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the i8042 model. The input is a program of
 * (opcode, operand) pairs: port reads and writes (any port number), and
 * host keys. After every step the harness checks what must hold for any
 * guest: bounded queues, an output buffer that is never left empty while a
 * byte may go, status bits that match the state, IRQ lines that follow OBF
 * and the command byte, and callbacks only on changes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "dm/hw/i8042.h"

struct harness {
	struct i8042 kbc;
	int level[13];
	bool a20;
	unsigned resets;
};

static void check(int cond)
{
	if (!cond)
		abort();
}

static void h_set_irq(void *opaque, unsigned irq, int level)
{
	struct harness *h = opaque;

	check(irq == 1 || irq == 12);
	check(level == 0 || level == 1);
	check(h->level[irq] != level);
	h->level[irq] = level;
}

static void h_a20(void *opaque, bool on)
{
	struct harness *h = opaque;

	check(on != h->a20); /* only on a change */
	h->a20 = on;
}

static void h_reset(void *opaque)
{
	struct harness *h = opaque;

	h->resets++;
}

static const struct i8042_ops h_ops = {
	.set_irq = h_set_irq, .a20 = h_a20, .reset = h_reset};

static void h_queue_ok(const struct i8042_queue *q)
{
	check(q->count <= I8042_QUEUE_SIZE);
	check(q->head < I8042_QUEUE_SIZE);
}

static void h_invariants(struct harness *h)
{
	const struct i8042 *s = &h->kbc;
	uint8_t ctr = s->ram[0];
	uint8_t st = i8042_read(&h->kbc, I8042_STATUS);

	h_queue_ok(&s->ctrl);
	h_queue_ok(&s->kbdq);
	h_queue_ok(&s->auxq);
	check(s->kbd_set >= 1 && s->kbd_set <= 3);
	check(s->pending == 0 || (s->pending >= 0x60 && s->pending < 0x80) ||
	      (s->pending >= 0xd1 && s->pending <= 0xd4));
	check(s->kbd_pending == 0 || s->kbd_pending == 0xed ||
	      s->kbd_pending == 0xf0 || s->kbd_pending == 0xf3);
	/* Nothing waits behind an empty output buffer unless held. */
	if (!s->obf) {
		check(s->ctrl.count == 0);
		check(s->kbdq.count == 0 || (ctr & I8042_CTR_KBDDIS));
		check(s->auxq.count == 0 || (ctr & I8042_CTR_AUXDIS));
	}
	check(!!(st & I8042_STR_OBF) == s->obf);
	check(!!(st & I8042_STR_AUXB) == (s->obf && s->obf_aux));
	check(!(st & I8042_STR_IBF));
	check(st & I8042_STR_INH);
	check(h->level[1] ==
	      (s->obf && !s->obf_aux && (ctr & I8042_CTR_KBDINT) ? 1 : 0));
	check(h->level[12] ==
	      (s->obf && s->obf_aux && (ctr & I8042_CTR_AUXINT) ? 1 : 0));
	check(h->a20 == i8042_a20(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct harness h = {0};
	size_t i = 0;

	h.a20 = true;
	i8042_init(&h.kbc, &h_ops, &h);
	h_invariants(&h);
	while (i < size) {
		uint8_t op = data[i++];
		uint8_t arg = i < size ? data[i++] : 0;

		switch (op & 7) {
		case 0:
			i8042_write(&h.kbc, I8042_DATA, arg);
			break;
		case 1:
			i8042_write(&h.kbc, I8042_COMMAND, arg);
			break;
		case 2: {
			bool full = h.kbc.obf;
			uint8_t last = h.kbc.obuf;
			uint8_t v = i8042_read(&h.kbc, I8042_DATA);

			if (!full)
				check(v == last);
			break;
		}
		case 3:
			i8042_read(&h.kbc, I8042_STATUS);
			break;
		case 4: {
			bool scanning = h.kbc.kbd_scanning;
			int r = i8042_key(&h.kbc, arg);

			check(r == 0 || r == -EAGAIN || r == -ENOSPC);
			check(scanning || r == -EAGAIN);
			break;
		}
		case 5: /* ports outside the controller */
			if (op & 8)
				i8042_write(&h.kbc, (unsigned)(op >> 4) + 5, arg);
			else
				check(i8042_read(&h.kbc,
						 (unsigned)(op >> 4) + 5) ==
				      0xff);
			break;
		default: /* drain */
			while (h.kbc.obf) {
				i8042_read(&h.kbc, I8042_DATA);
				h_invariants(&h);
			}
			break;
		}
		h_invariants(&h);
	}
	return 0;
}
