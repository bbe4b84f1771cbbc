/* SPDX-License-Identifier: MIT */
/*
 * pit: the PC's 8254 programmable interval timer (ports 0x40-0x43) and the
 * PC's port 0x61 (channel 2 gate, speaker enable, OUT2, refresh toggle), as
 * a pure model driven by explicit times.
 *
 * Time: the counters run at PIT_HZ (1.193182 MHz) derived from the
 * caller's `now_ns` (hv passes its monotonic clock). Each counter keeps
 * the time counting started and computes its value from it, so there is no
 * accumulated drift. A time earlier than the last start counts as the
 * start itself.
 *
 * Channel 0 drives IRQ 0: `irq0(ctx)` reports one rising edge of OUT0 (the
 * glue pulses the PIC/IOAPIC line, as KVM does). pit_next_event() says
 * when the next one is due and pit_advance() delivers it. Missed edges are
 * dropped ("discard" policy): after a host stall pit_advance() delivers at
 * most one edge and schedules the next one after `now_ns`, in phase with
 * the programmed period. Periodic modes (2, 3) never schedule IRQ 0 edges
 * closer than PIT_MIN_PERIOD_NS apart (KVM's min_timer_period_us); the
 * counter as read by the guest keeps its programmed rate.
 *
 * Where the datasheet and KVM's PIT differ, this model follows the
 * datasheet for what the guest can read (mode 2 OUT is low for the last
 * clock of each period, mode 3 counts by two, modes 1 and 5 wait for a
 * gate trigger, NULL COUNT is reported) and KVM for what it cannot time
 * precisely (a new count in mode 2/3 restarts the period at once).
 * Channels 0 and 1 have their gate tied high, as on the PC.
 *
 * Not reentrant: callers serialise all calls. `irq0` must not call back
 * into the model.
 */
#ifndef SAFEPC_HV_SOFT_PIT_H
#define SAFEPC_HV_SOFT_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182u
/* Shortest IRQ 0 period in modes 2/3 (KVM: min_timer_period_us = 200). */
#define PIT_MIN_PERIOD_NS 200000
/* Half period of the port 0x61 bit 4 refresh toggle (PC/AT: 15.085 us). */
#define PIT_REFRESH_NS 15085

/* One counter. Field names follow the 8254 datasheet. */
struct pit_channel {
	uint16_t cr;		/* count register as last written */
	uint8_t cr_lsb;		/* first byte of an LSB-then-MSB write */
	uint8_t mode;		/* control word M2-M0 as written (0-7) */
	uint8_t rw;		/* control word RW1-RW0: 1 LSB, 2 MSB, 3 both */
	uint8_t bcd;		/* control word BCD */
	uint8_t write_msb;	/* next count byte written is the MSB */
	uint8_t read_msb;	/* next live read returns the MSB */
	uint8_t gate;		/* GATE input level */
	uint8_t null_count;	/* CR written but not yet loaded into CE */
	uint8_t loaded;		/* a count was written since the control word */
	uint8_t armed;		/* CE holds a count and is counting */
	uint16_t ol;		/* output latch */
	uint8_t ol_bytes;	/* latched count bytes left to read (0-2) */
	uint8_t ol_msb;		/* next latched byte is the MSB */
	uint8_t status;		/* latched status byte */
	uint8_t status_latched;
	uint16_t ce_frozen;	/* CE value while not counting */
	uint32_t n;		/* count in CE's reload register, 1..65536 */
	int64_t run_ns;		/* when counting last (re)started */
	uint64_t run_ticks;	/* clocks counted before run_ns */
};

struct pit {
	struct pit_channel ch[3];
	uint8_t port61;		/* bits 0-3 as last written */
	int64_t irq0_next_ns;	/* next IRQ 0 edge, INT64_MAX if none */
	void (*irq0)(void *ctx);
	void *ctx;
};

/* Power-on state at `now_ns`: every channel in mode 0 without a count,
 * OUT low, channel 2 gated off. `irq0(ctx)` is one IRQ 0 edge. */
void pit_init(struct pit *pit, void (*irq0)(void *ctx), void *ctx,
	      int64_t now_ns);
void pit_reset(struct pit *pit, int64_t now_ns);

/* Ports 0x40-0x43 and 0x61; other ports read 0xff and ignore writes.
 * A write may move the next IRQ 0 event: ask pit_next_event() again. */
uint8_t pit_read(struct pit *pit, uint16_t port, int64_t now_ns);
void pit_write(struct pit *pit, uint16_t port, uint8_t val, int64_t now_ns);

/* Absolute time (ns) of the next IRQ 0 edge, or INT64_MAX. It may be in
 * the past: call pit_advance(). */
int64_t pit_next_event(const struct pit *pit, int64_t now_ns);
/* Delivers the IRQ 0 edge due at `now_ns`, at most one (see above). */
void pit_advance(struct pit *pit, int64_t now_ns);

/* OUT of channel `ch` (0-2) at `now_ns` (0 or 1); 0 for a bad channel. */
int pit_out(const struct pit *pit, unsigned ch, int64_t now_ns);

#endif
