/* SPDX-License-Identifier: MIT */
/*
 * pit: the 8254 and port 0x61. See pit.h.
 *
 * Every counter is described by `d`, the clocks counted since its counting
 * element was (re)loaded; value and OUT are functions of d, the count N and
 * the mode, so reads at any time are exact and cost no bookkeeping.
 *
 * The clock is one free-running crystal, as on the board: clock edge K
 * falls at ceil(K * 1e9 / PIT_HZ) ns of the caller's timeline, and d counts
 * the edges between two times. So a gate that pauses and resumes a counter
 * keeps it on the same edges, and nothing drifts.
 */
#include "hv/soft/pit.h"

#include <string.h>

#define NS_PER_S 1000000000ull

/* Clock edges in (0, ns] of the timeline (floor), exact for any ns. */
static uint64_t ns_to_ticks(int64_t ns)
{
	uint64_t u = ns > 0 ? (uint64_t)ns : 0;

	return u / NS_PER_S * PIT_HZ + u % NS_PER_S * PIT_HZ / NS_PER_S;
}

/* The time of clock edge `k`: the smallest ns with ns_to_ticks(ns) >= k. */
static int64_t ticks_to_ns(uint64_t k)
{
	uint64_t q = k / PIT_HZ, r = k % PIT_HZ;

	if (q > (uint64_t)INT64_MAX / NS_PER_S - 1)
		return INT64_MAX;
	return (int64_t)(q * NS_PER_S + (r * NS_PER_S + PIT_HZ - 1) / PIT_HZ);
}

static int64_t sat_add(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* Modes 6 and 7 are aliases of 2 and 3. */
static unsigned ch_mode(const struct pit_channel *c)
{
	return c->mode > 5 ? c->mode - 4u : c->mode;
}

static uint32_t ch_modulus(const struct pit_channel *c)
{
	return c->bcd ? 10000u : 65536u;
}

/* Count register as a number of clocks: 0 means the maximum. */
static uint32_t cr_count(const struct pit_channel *c)
{
	uint32_t v = c->cr;

	if (c->bcd) {
		/* Invalid BCD digits count at their binary weight. */
		v = (v >> 12 & 15u) * 1000u + (v >> 8 & 15u) * 100u +
		    (v >> 4 & 15u) * 10u + (v & 15u);
		if (v > 10000u)
			v = 10000u;
	}
	return v ? v : ch_modulus(c);
}

static uint16_t to_bcd(uint32_t v)
{
	v %= 10000u;
	return (uint16_t)((v / 1000u) << 12 | (v / 100u % 10u) << 8 |
			  (v / 10u % 10u) << 4 | (v % 10u));
}

/* Clocks counted since the last load, at `now`. */
static uint64_t ch_d(const struct pit_channel *c, int64_t now)
{
	unsigned m = ch_mode(c);

	/* Modes 0 and 4 pause while GATE is low (run_ticks holds d then). */
	if ((m == 0 || m == 4) && !c->gate)
		return c->run_ticks;
	if (now <= c->run_ns)
		return c->run_ticks;
	return c->run_ticks + ns_to_ticks(now) - ns_to_ticks(c->run_ns);
}

/* The time at which a counter running since run_ns reaches `d`. */
static int64_t ch_time_of_d(const struct pit_channel *c, uint64_t d)
{
	return ticks_to_ns(ns_to_ticks(c->run_ns) + (d - c->run_ticks));
}

/* Counting element value at `now` (binary; the caller converts). */
static uint32_t ch_value(const struct pit_channel *c, int64_t now)
{
	uint64_t d, p;
	uint32_t n = c->n, mod = ch_modulus(c), hi;

	if (!c->armed)
		return c->ce_frozen;
	d = ch_d(c, now);
	switch (ch_mode(c)) {
	case 2:
		return n - (uint32_t)(d % n);
	case 3:
		/* Counts by two through each half; an odd count loads N-1. */
		p = d % n;
		hi = (n + 1u) / 2u;
		if (p >= hi)
			p -= hi;
		return (n & 1u ? n - 1u : n) - 2u * (uint32_t)p;
	default:
		return (uint32_t)((n + mod - d % mod) % mod);
	}
}

static int ch_out(const struct pit_channel *c, int64_t now)
{
	uint64_t d, p;
	uint32_t n = c->n;

	if (!c->armed)
		return ch_mode(c) != 0; /* mode 0 waits low, the rest high */
	d = ch_d(c, now);
	switch (ch_mode(c)) {
	case 0:
	case 1:
		return d >= n;
	case 2:
		return n < 2 || d % n != n - 1u;
	case 3:
		p = d % n;
		return p < (n + 1u) / 2u;
	default: /* 4, 5: low for the one clock at terminal count */
		return d != n;
	}
}

/* The d of OUT's k-th rising edge (k >= 1) since the load; UINT64_MAX if
 * there is none. */
static uint64_t ch_edge_d(const struct pit_channel *c, uint64_t k)
{
	switch (ch_mode(c)) {
	case 0:
	case 1:
		return k == 1 ? c->n : UINT64_MAX;
	case 2:
	case 3:
		return k * c->n;
	default:
		return k == 1 ? (uint64_t)c->n + 1u : UINT64_MAX;
	}
}

static int ch_periodic(const struct pit_channel *c)
{
	unsigned m = ch_mode(c);

	return m == 2 || m == 3;
}

/* Period in ns when the periodic edges are clamped, else 0. */
static int64_t ch_clamped_period(const struct pit_channel *c)
{
	if (ticks_to_ns(c->n) >= PIT_MIN_PERIOD_NS)
		return 0;
	return PIT_MIN_PERIOD_NS;
}

/* Time of the first IRQ 0 edge strictly after `now` (channel 0). */
static int64_t irq0_next_after(const struct pit *pit, int64_t now)
{
	const struct pit_channel *c = &pit->ch[0];
	int64_t clamp, since;
	uint64_t d, k;

	if (!c->armed)
		return INT64_MAX;
	since = now > c->run_ns ? now - c->run_ns : 0;
	if (!ch_periodic(c)) {
		d = ch_edge_d(c, 1);
		if (ch_d(c, now) >= d)
			return INT64_MAX;
		return ch_time_of_d(c, d);
	}
	clamp = ch_clamped_period(c);
	if (clamp) {
		k = (uint64_t)(since / clamp) + 1u;
		return sat_add(c->run_ns, (int64_t)k * clamp);
	}
	k = ch_d(c, now) / c->n + 1u;
	return ch_time_of_d(c, ch_edge_d(c, k));
}

/* After a write to channel 0: a fresh load schedules its first edge; a
 * stopped channel has none; otherwise an edge already due is kept. */
static void irq0_reschedule(struct pit *pit, int64_t now)
{
	const struct pit_channel *c = &pit->ch[0];

	if (!c->armed)
		pit->irq0_next_ns = INT64_MAX;
	else if (c->run_ticks == 0 && now <= c->run_ns)
		pit->irq0_next_ns = irq0_next_after(pit, c->run_ns);
}

/* Loads CE from CR at `now` and starts counting (d = 0). */
static void ch_load(struct pit_channel *c, int64_t now)
{
	c->n = cr_count(c);
	c->armed = 1;
	c->null_count = 0;
	c->run_ns = now;
	c->run_ticks = 0;
}

static void ch_stop(struct pit_channel *c, int64_t now)
{
	c->ce_frozen = (uint16_t)ch_value(c, now);
	c->armed = 0;
}

/* A complete count was written. */
static void ch_count_written(struct pit_channel *c, int64_t now)
{
	c->loaded = 1;
	c->null_count = 1;
	switch (ch_mode(c)) {
	case 1:
	case 5:
		/* Loaded at the next GATE trigger. */
		break;
	case 2:
	case 3:
		/* GATE low holds the load until it rises. */
		if (c->gate)
			ch_load(c, now);
		break;
	default:
		/* Modes 0, 4: load now; a low GATE only pauses counting. */
		ch_load(c, now);
		break;
	}
}

static void ch_write(struct pit_channel *c, uint8_t val, int64_t now)
{
	switch (c->rw) {
	case 1:
		c->cr = val;
		break;
	case 2:
		c->cr = (uint16_t)(val << 8);
		break;
	default:
		if (!c->write_msb) {
			c->cr_lsb = val;
			c->write_msb = 1;
			/* Mode 0: the first byte stops counting, OUT low. */
			if (ch_mode(c) == 0 && c->armed)
				ch_stop(c, now);
			return;
		}
		c->cr = (uint16_t)(c->cr_lsb | val << 8);
		c->write_msb = 0;
		break;
	}
	ch_count_written(c, now);
}

static uint16_t ch_read_value(const struct pit_channel *c, int64_t now)
{
	uint32_t v = ch_value(c, now);

	return c->bcd ? to_bcd(v) : (uint16_t)v;
}

static uint8_t ch_status(const struct pit_channel *c, int64_t now)
{
	return (uint8_t)(ch_out(c, now) << 7 | c->null_count << 6 |
			 c->rw << 4 | c->mode << 1 | c->bcd);
}

static void ch_latch_count(struct pit_channel *c, int64_t now)
{
	if (c->ol_bytes)
		return; /* a latch holds until read */
	c->ol = ch_read_value(c, now);
	c->ol_bytes = c->rw == 3 ? 2 : 1;
	c->ol_msb = c->rw == 2;
}

static uint8_t ch_read(struct pit_channel *c, int64_t now)
{
	uint16_t v;
	uint8_t b;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->ol_bytes) {
		b = c->ol_msb ? (uint8_t)(c->ol >> 8) : (uint8_t)c->ol;
		c->ol_msb = !c->ol_msb;
		c->ol_bytes--;
		return b;
	}
	v = ch_read_value(c, now);
	switch (c->rw) {
	case 1:
		return (uint8_t)v;
	case 2:
		return (uint8_t)(v >> 8);
	default:
		b = c->read_msb ? (uint8_t)(v >> 8) : (uint8_t)v;
		c->read_msb = !c->read_msb;
		return b;
	}
}

static void ch_control(struct pit_channel *c, uint8_t val, int64_t now)
{
	if (c->armed)
		ch_stop(c, now);
	c->rw = (val >> 4) & 3u;
	c->mode = (val >> 1) & 7u;
	c->bcd = val & 1u;
	c->write_msb = 0;
	c->read_msb = 0;
	c->loaded = 0;
	c->null_count = 1;
	/* A control word resets the counter's control logic. */
	c->ol_bytes = 0;
	c->status_latched = 0;
}

static void pit_readback(struct pit *pit, uint8_t val, int64_t now)
{
	for (unsigned i = 0; i < 3; i++) {
		struct pit_channel *c = &pit->ch[i];

		if (!(val & (2u << i)))
			continue;
		if (!(val & 0x20u))
			ch_latch_count(c, now);
		if (!(val & 0x10u) && !c->status_latched) {
			c->status = ch_status(c, now);
			c->status_latched = 1;
		}
	}
}

/* GATE of a channel changes (channel 2 only on the PC: port 0x61). */
static void ch_set_gate(struct pit_channel *c, int level, int64_t now)
{
	unsigned m = ch_mode(c);

	level = !!level;
	if (level == c->gate)
		return;
	if (!level) {
		if ((m == 0 || m == 4) && c->armed)
			c->run_ticks = ch_d(c, now); /* pause */
		else if ((m == 2 || m == 3) && c->armed)
			ch_stop(c, now); /* OUT high at once */
		c->gate = 0;
		return;
	}
	c->gate = 1;
	if (m == 0 || m == 4) {
		c->run_ns = now; /* resume from run_ticks */
	} else if (c->loaded) {
		/* Modes 1, 5 trigger; modes 2, 3 reload. */
		ch_load(c, now);
	}
}

void pit_reset(struct pit *pit, int64_t now_ns)
{
	memset(pit->ch, 0, sizeof(pit->ch));
	for (unsigned i = 0; i < 3; i++) {
		pit->ch[i].rw = 3;
		pit->ch[i].gate = i != 2;
		pit->ch[i].run_ns = now_ns;
	}
	pit->port61 = 0;
	pit->irq0_next_ns = INT64_MAX;
}

void pit_init(struct pit *pit, void (*irq0)(void *ctx), void *ctx,
	      int64_t now_ns)
{
	memset(pit, 0, sizeof(*pit));
	pit->irq0 = irq0;
	pit->ctx = ctx;
	pit_reset(pit, now_ns);
}

uint8_t pit_read(struct pit *pit, uint16_t port, int64_t now_ns)
{
	switch (port) {
	case 0x40:
	case 0x41:
	case 0x42:
		return ch_read(&pit->ch[port - 0x40], now_ns);
	case 0x61:
		return (uint8_t)((pit->port61 & 0x0fu) |
				 ((now_ns / PIT_REFRESH_NS) & 1) << 4 |
				 ch_out(&pit->ch[2], now_ns) << 5);
	default:
		/* 0x43 is write-only. */
		return 0xff;
	}
}

void pit_write(struct pit *pit, uint16_t port, uint8_t val, int64_t now_ns)
{
	unsigned sel;

	switch (port) {
	case 0x40:
	case 0x41:
	case 0x42:
		ch_write(&pit->ch[port - 0x40], val, now_ns);
		if (port == 0x40)
			irq0_reschedule(pit, now_ns);
		return;
	case 0x43:
		sel = val >> 6;
		if (sel == 3) {
			pit_readback(pit, val, now_ns);
		} else if (((val >> 4) & 3u) == 0) {
			ch_latch_count(&pit->ch[sel], now_ns);
		} else {
			ch_control(&pit->ch[sel], val, now_ns);
			if (sel == 0)
				irq0_reschedule(pit, now_ns);
		}
		return;
	case 0x61:
		pit->port61 = val & 0x0fu;
		ch_set_gate(&pit->ch[2], val & 1u, now_ns);
		return;
	default:
		return;
	}
}

int64_t pit_next_event(const struct pit *pit, int64_t now_ns)
{
	(void)now_ns;
	return pit->irq0_next_ns;
}

void pit_advance(struct pit *pit, int64_t now_ns)
{
	if (pit->irq0_next_ns > now_ns)
		return;
	/* One edge, however many were missed; the next in phase after now. */
	pit->irq0_next_ns = irq0_next_after(pit, now_ns);
	if (pit->irq0)
		pit->irq0(pit->ctx);
}

int pit_out(const struct pit *pit, unsigned ch, int64_t now_ns)
{
	if (ch > 2)
		return 0;
	return ch_out(&pit->ch[ch], now_ns);
}
