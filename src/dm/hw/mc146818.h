/* SPDX-License-Identifier: MIT */
/*
 * mc146818: the PC's RTC/CMOS (ports 0x70/0x71, ISA IRQ 8) as a pure state
 * machine.
 *
 * Time is an argument: every call takes now_ns, the host's CLOCK_REALTIME
 * in nanoseconds, and the model never reads a clock itself. The guest's
 * clock is now_ns plus an offset that changes when the guest sets the time
 * (SET in register B, or the divider held in reset, freezes the time
 * registers; releasing them loads the registers as the new time). The
 * registers present that time as-is (no time zone): a DM that wants local
 * time passes a shifted now_ns, consistently.
 *
 * Interrupts: flags in register C are brought up to date lazily, on every
 * call, from the time elapsed since the previous call. The DM's loop asks
 * mc146818_next_deadline() when the next enabled flag is due and calls
 * mc146818_advance() then; it must ask again after every read, write and
 * advance, since any of them may change the deadline. The IRQ line follows
 * register C's IRQF bit: raised when an enabled flag gets set, lowered when
 * the guest reads register C (which clears the flags). set_irq is called
 * only on a change.
 */
#ifndef SAFEPC_DM_HW_MC146818_H
#define SAFEPC_DM_HW_MC146818_H

#include <stdint.h>

#define MC146818_CMOS_SIZE 128u

/* CMOS indices. */
#define MC146818_SECONDS 0x00u
#define MC146818_SECONDS_ALARM 0x01u
#define MC146818_MINUTES 0x02u
#define MC146818_MINUTES_ALARM 0x03u
#define MC146818_HOURS 0x04u
#define MC146818_HOURS_ALARM 0x05u
#define MC146818_DAY_OF_WEEK 0x06u
#define MC146818_DAY_OF_MONTH 0x07u
#define MC146818_MONTH 0x08u
#define MC146818_YEAR 0x09u
#define MC146818_REG_A 0x0au
#define MC146818_REG_B 0x0bu
#define MC146818_REG_C 0x0cu
#define MC146818_REG_D 0x0du
#define MC146818_CENTURY 0x32u /* IBM PC/AT century byte */

#define MC146818_A_UIP 0x80u
#define MC146818_A_DV 0x70u
#define MC146818_A_DV_NORMAL 0x20u /* 32.768 kHz time base */
#define MC146818_A_RS 0x0fu

#define MC146818_B_SET 0x80u
#define MC146818_B_PIE 0x40u
#define MC146818_B_AIE 0x20u
#define MC146818_B_UIE 0x10u
#define MC146818_B_SQWE 0x08u
#define MC146818_B_DM 0x04u   /* 1 = binary, 0 = BCD */
#define MC146818_B_24H 0x02u  /* 1 = 24 h, 0 = 12 h (hour bit 7 = PM) */
#define MC146818_B_DSE 0x01u  /* stored, not acted upon */

#define MC146818_C_IRQF 0x80u
#define MC146818_C_PF 0x40u
#define MC146818_C_AF 0x20u
#define MC146818_C_UF 0x10u

#define MC146818_D_VRT 0x80u

/* UIP is set for this long before each update (second boundary). */
#define MC146818_UIP_NS 244000

struct mc146818_ops {
	/* ISA IRQ 8 level, 0 or 1; called only on a change. May be NULL. */
	void (*set_irq)(void *opaque, int level);
};

/*
 * Guest time as whole seconds since 1970-01-01 00:00 (in the RTC's own
 * time scale) and nanoseconds within the second.
 */
struct mc146818_time {
	int64_t sec;
	int64_t nsec; /* 0..999999999 */
};

struct mc146818 {
	const struct mc146818_ops *ops;
	void *opaque;

	/*
	 * NVRAM and registers A-D. Time registers (0, 2, 4, 6-9, 0x32) hold
	 * meaningful values only while frozen (SET, or divider not running);
	 * otherwise they are computed from the guest time on every read.
	 */
	uint8_t cmos[MC146818_CMOS_SIZE];
	uint8_t index; /* selected by port 0x70, NMI bit dropped */

	/* guest time = host time + offset (offset.nsec in 0..999999999) */
	struct mc146818_time offset;
	/* guest time up to which the register C flags are up to date */
	struct mc146818_time synced;
	int irq_level; /* level last passed to set_irq */
};

/*
 * Power-on state: register A 0x26 (32.768 kHz, 1024 Hz periodic rate), B
 * 0x02 (24 h, BCD), C 0, D VRT; guest time = host time; NVRAM zeroed.
 * ops may be NULL. Does not call set_irq (the line starts low).
 */
void mc146818_init(struct mc146818 *s, const struct mc146818_ops *ops,
		   void *opaque, int64_t now_ns);

/*
 * Guest read: port 0 (0x70) reads 0xff (the index is write-only), port 1
 * (0x71) reads the selected CMOS byte; reading register C returns and
 * clears the flags and lowers the IRQ. Other ports read 0xff.
 */
uint8_t mc146818_read(struct mc146818 *s, unsigned port, int64_t now_ns);

/*
 * Guest write: port 0 selects the index (bit 7, the NMI mask, is ignored),
 * port 1 writes the selected byte. Registers C and D are read-only. Other
 * ports are ignored.
 */
void mc146818_write(struct mc146818 *s, unsigned port, uint8_t val,
		    int64_t now_ns);

/*
 * The absolute host time (ns) at which the next enabled interrupt flag
 * (PF with PIE, AF with AIE, UF with UIE) gets set; it may be <= now_ns when
 * one is already due. -1 when no enabled source can fire (none enabled,
 * rate 0, divider stopped, or updates frozen by SET).
 */
int64_t mc146818_next_deadline(const struct mc146818 *s, int64_t now_ns);

/* Sets the flags that are due at now_ns and updates the IRQ line. */
void mc146818_advance(struct mc146818 *s, int64_t now_ns);

/*
 * Stores the RAM size where SeaBIOS and QEMU keep it: 0x15/0x16 base KiB
 * (max 640), 0x17/0x18 and 0x30/0x31 KiB above 1 MiB (max 65535),
 * 0x34/0x35 64 KiB units above 16 MiB, 0x5b-0x5d 64 KiB units above 4 GiB
 * (saturating).
 */
void mc146818_set_mem_size(struct mc146818 *s, uint64_t below_4g,
			   uint64_t above_4g);

#endif
