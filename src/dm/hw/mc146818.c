/* SPDX-License-Identifier: MIT */
/*
 * MC146818A RTC/CMOS. See mc146818.h for the time and interrupt model.
 *
 * The guest clock is a (seconds, nanoseconds) pair so that any year the
 * registers can hold (0000-9999) fits without overflow, whatever now_ns the
 * caller passes. Flags in register C are computed lazily: each call first
 * brings them up to date for the guest-time interval since the previous
 * call ("synced"), so the result does not depend on how often the DM calls
 * mc146818_advance, only on when.
 */
#include "dm/hw/mc146818.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define NS_PER_SEC 1000000000LL
#define SECS_PER_DAY 86400LL
#define RTC_HZ 32768LL /* the time base: 32.768 kHz */
#define NO_ALARM INT64_MAX

/* A civil date and time of day, as the registers show it. */
struct mc146818_tm {
	int64_t year;
	unsigned mon;  /* 1-12 */
	unsigned mday; /* 1-31 */
	unsigned hour; /* 0-23 */
	unsigned min;
	unsigned sec;
	unsigned wday; /* 1 = Sunday ... 7 = Saturday */
};

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;

	return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, struct mc146818_tm *tm)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->mday = doy - (153 * mp + 2) / 5 + 1;
	tm->mon = mp < 10 ? mp + 3 : mp - 9;
	tm->year = (int64_t)yoe + era * 400 + (tm->mon <= 2);
}

static void tm_from_secs(int64_t t, struct mc146818_tm *tm)
{
	int64_t days = floor_div(t, SECS_PER_DAY);
	unsigned tod = (unsigned)(t - days * SECS_PER_DAY);

	civil_from_days(days, tm);
	tm->hour = tod / 3600;
	tm->min = tod / 60 % 60;
	tm->sec = tod % 60;
	/* 1970-01-01 was a Thursday. */
	tm->wday = (unsigned)floor_mod(days + 4, 7) + 1;
}

static bool mc146818_binary(const struct mc146818 *s)
{
	return s->cmos[MC146818_REG_B] & MC146818_B_DM;
}

/* Register encoding of v (0-99) in the current data mode. */
static uint8_t mc146818_enc(const struct mc146818 *s, unsigned v)
{
	v %= 100;
	if (mc146818_binary(s))
		return (uint8_t)v;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

/* Register decoding; garbage BCD decodes to a large value, never traps. */
static unsigned mc146818_dec(const struct mc146818 *s, uint8_t raw)
{
	return mc146818_binary(s) ? raw : (raw >> 4) * 10u + (raw & 0x0f);
}

static uint8_t mc146818_enc_hour(const struct mc146818 *s, unsigned h)
{
	if (s->cmos[MC146818_REG_B] & MC146818_B_24H)
		return mc146818_enc(s, h);
	/* 12 h: 12 AM, 1 AM ... 11 AM, 12 PM (bit 7), 1 PM ... */
	return mc146818_enc(s, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

/* Hour register to 0-23; out-of-range values come back >= 24. */
static unsigned mc146818_dec_hour(const struct mc146818 *s, uint8_t raw)
{
	unsigned h;

	if (s->cmos[MC146818_REG_B] & MC146818_B_24H)
		return mc146818_dec(s, raw);
	h = mc146818_dec(s, raw & 0x7f);
	if (h == 0 || h > 12)
		return 24;
	return h % 12 + ((raw & 0x80) ? 12 : 0);
}

static bool mc146818_is_time_reg(unsigned idx)
{
	return idx == MC146818_SECONDS || idx == MC146818_MINUTES ||
	       idx == MC146818_HOURS ||
	       (idx >= MC146818_DAY_OF_WEEK && idx <= MC146818_YEAR) ||
	       idx == MC146818_CENTURY;
}

/* The time register idx as it reads at guest second t. */
static uint8_t mc146818_render(const struct mc146818 *s, unsigned idx,
			       int64_t t)
{
	struct mc146818_tm tm;

	tm_from_secs(t, &tm);
	switch (idx) {
	case MC146818_SECONDS:
		return mc146818_enc(s, tm.sec);
	case MC146818_MINUTES:
		return mc146818_enc(s, tm.min);
	case MC146818_HOURS:
		return mc146818_enc_hour(s, tm.hour);
	case MC146818_DAY_OF_WEEK:
		return mc146818_enc(s, tm.wday);
	case MC146818_DAY_OF_MONTH:
		return mc146818_enc(s, tm.mday);
	case MC146818_MONTH:
		return mc146818_enc(s, tm.mon);
	case MC146818_YEAR:
		return mc146818_enc(s, (unsigned)floor_mod(tm.year, 100));
	default: /* MC146818_CENTURY */
		return mc146818_enc(
			s, (unsigned)floor_mod(floor_div(tm.year, 100), 100));
	}
}

static unsigned clamp_u(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * The frozen time registers as guest seconds. Out-of-range fields are
 * clamped; the day of week is ignored (recomputed from the date, as QEMU
 * does); day 31 of a short month rolls into the next one.
 */
static int64_t mc146818_regs_to_secs(const struct mc146818 *s)
{
	const uint8_t *c = s->cmos;
	unsigned mday = mc146818_dec(s, c[MC146818_DAY_OF_MONTH]);
	unsigned sec = clamp_u(mc146818_dec(s, c[MC146818_SECONDS]), 0, 59);
	unsigned min = clamp_u(mc146818_dec(s, c[MC146818_MINUTES]), 0, 59);
	unsigned hour = clamp_u(mc146818_dec_hour(s, c[MC146818_HOURS]), 0, 23);
	unsigned mon = clamp_u(mc146818_dec(s, c[MC146818_MONTH]), 1, 12);
	unsigned yy = clamp_u(mc146818_dec(s, c[MC146818_YEAR]), 0, 99);
	unsigned cent = clamp_u(mc146818_dec(s, c[MC146818_CENTURY]), 0, 99);
	int64_t days;

	mday = clamp_u(mday, 1, 31);
	days = days_from_civil(cent * 100 + yy, mon, mday);

	return days * SECS_PER_DAY + hour * 3600 + min * 60 + sec;
}

static struct mc146818_time time_from_ns(int64_t ns)
{
	struct mc146818_time t = {floor_div(ns, NS_PER_SEC),
				  floor_mod(ns, NS_PER_SEC)};

	return t;
}

static struct mc146818_time time_add(struct mc146818_time a,
				     struct mc146818_time b)
{
	a.sec += b.sec;
	a.nsec += b.nsec;
	if (a.nsec >= NS_PER_SEC) {
		a.nsec -= NS_PER_SEC;
		a.sec++;
	}
	return a;
}

static struct mc146818_time time_sub(struct mc146818_time a,
				     struct mc146818_time b)
{
	a.sec -= b.sec;
	a.nsec -= b.nsec;
	if (a.nsec < 0) {
		a.nsec += NS_PER_SEC;
		a.sec--;
	}
	return a;
}

static int time_cmp(struct mc146818_time a, struct mc146818_time b)
{
	if (a.sec != b.sec)
		return a.sec < b.sec ? -1 : 1;
	if (a.nsec != b.nsec)
		return a.nsec < b.nsec ? -1 : 1;
	return 0;
}

static struct mc146818_time mc146818_guest_time(const struct mc146818 *s,
						int64_t now_ns)
{
	return time_add(time_from_ns(now_ns), s->offset);
}

/* Host ns at which the guest clock reads g, saturated to int64. */
static int64_t mc146818_host_ns(const struct mc146818 *s,
				struct mc146818_time g)
{
	struct mc146818_time h = time_sub(g, s->offset);
	int64_t ns;

	/* Near INT64_MIN, sec * 1e9 alone may not fit while the sum does. */
	if (h.sec < 0) {
		h.sec++;
		h.nsec -= NS_PER_SEC;
	}
	if (__builtin_mul_overflow(h.sec, NS_PER_SEC, &ns) ||
	    __builtin_add_overflow(ns, h.nsec, &ns))
		return h.sec < 0 ? INT64_MIN : INT64_MAX;
	return ns;
}

/* Makes the guest clock read g at host time now_ns. */
static void mc146818_set_guest_time(struct mc146818 *s, int64_t now_ns,
				    struct mc146818_time g)
{
	s->offset = time_sub(g, time_from_ns(now_ns));
	s->synced = g;
}

static bool mc146818_running(const struct mc146818 *s)
{
	return (s->cmos[MC146818_REG_A] & MC146818_A_DV) ==
	       MC146818_A_DV_NORMAL;
}

/* Time registers stop: SET, or the divider not on the 32.768 kHz base. */
static bool mc146818_frozen(const struct mc146818 *s)
{
	return (s->cmos[MC146818_REG_B] & MC146818_B_SET) ||
	       !mc146818_running(s);
}

/* Periodic interrupt period in 32.768 kHz cycles, 0 when off. */
static int64_t mc146818_period(const struct mc146818 *s)
{
	unsigned rs = s->cmos[MC146818_REG_A] & MC146818_A_RS;

	if (rs == 0)
		return 0;
	if (rs <= 2) /* 256 Hz and 128 Hz, as on the real part */
		return 64LL << rs;
	return 1LL << (rs - 1);
}

/* 32.768 kHz cycles since the epoch at guest time g. */
static int64_t mc146818_cycles(struct mc146818_time g)
{
	return g.sec * RTC_HZ + g.nsec * RTC_HZ / NS_PER_SEC;
}

/* Alarm field: -1 don't care, -2 never matches, else the value. */
static int mc146818_alarm_field(const struct mc146818 *s, unsigned idx,
				unsigned limit)
{
	uint8_t raw = s->cmos[idx];
	unsigned v;

	if (raw >= 0xc0)
		return -1;
	if (idx == MC146818_HOURS_ALARM) {
		v = mc146818_dec_hour(s, raw);
		if (v >= limit || mc146818_enc_hour(s, v) != raw)
			return -2;
	} else {
		v = mc146818_dec(s, raw);
		if (v >= limit || mc146818_enc(s, v) != raw)
			return -2;
	}
	return (int)v;
}

/* The first guest second after t whose update matches the alarm. */
static int64_t mc146818_next_alarm(const struct mc146818 *s, int64_t t)
{
	int as = mc146818_alarm_field(s, MC146818_SECONDS_ALARM, 60);
	int am = mc146818_alarm_field(s, MC146818_MINUTES_ALARM, 60);
	int ah = mc146818_alarm_field(s, MC146818_HOURS_ALARM, 24);
	int64_t cand = t + 1;
	unsigned i;

	if (as == -2 || am == -2 || ah == -2)
		return NO_ALARM;
	/* Each step jumps to the next candidate; a match takes < 100. */
	for (i = 0; i < 256; i++) {
		int64_t day = floor_div(cand, SECS_PER_DAY) * SECS_PER_DAY;
		int64_t tod = cand - day;
		int h = (int)(tod / 3600), m = (int)(tod / 60 % 60);
		int sec = (int)(tod % 60);

		if (ah >= 0 && h != ah) {
			cand = day + ah * 3600 + (h < ah ? 0 : SECS_PER_DAY);
			continue;
		}
		if (am >= 0 && m != am) {
			cand = day + h * 3600 + (m < am ? am * 60 : 3600);
			continue;
		}
		if (as >= 0 && sec != as) {
			cand = day + h * 3600 + m * 60 + (sec < as ? as : 60);
			continue;
		}
		return cand;
	}
	return NO_ALARM;
}

/* IRQF = PF.PIE + AF.AIE + UF.UIE; the line follows IRQF. */
static void mc146818_update_irq(struct mc146818 *s)
{
	uint8_t b = s->cmos[MC146818_REG_B];
	uint8_t c = s->cmos[MC146818_REG_C] &
		    (MC146818_C_PF | MC146818_C_AF | MC146818_C_UF);
	/* PIE/AIE/UIE in B sit at the same bit positions as PF/AF/UF. */
	int level = (c & b) != 0;

	s->cmos[MC146818_REG_C] = c | (level ? MC146818_C_IRQF : 0);
	if (level == s->irq_level)
		return;
	s->irq_level = level;
	if (s->ops && s->ops->set_irq)
		s->ops->set_irq(s->opaque, level);
}

/* Sets the flags for the events in (synced, now]. */
static void mc146818_sync(struct mc146818 *s, int64_t now_ns)
{
	struct mc146818_time from = s->synced;
	struct mc146818_time to = mc146818_guest_time(s, now_ns);
	int64_t period = mc146818_period(s);

	s->synced = to;
	/* Nothing happened, or the host clock went back: just resync. */
	if (time_cmp(to, from) <= 0)
		return;
	if (mc146818_running(s) && period &&
	    floor_div(mc146818_cycles(to), period) >
		    floor_div(mc146818_cycles(from), period))
		s->cmos[MC146818_REG_C] |= MC146818_C_PF;
	if (!mc146818_frozen(s) && to.sec > from.sec) {
		s->cmos[MC146818_REG_C] |= MC146818_C_UF;
		if (mc146818_next_alarm(s, from.sec) <= to.sec)
			s->cmos[MC146818_REG_C] |= MC146818_C_AF;
	}
	mc146818_update_irq(s);
}

/* Copies the running clock into the time registers. */
static void mc146818_snapshot(struct mc146818 *s, int64_t now_ns)
{
	static const uint8_t regs[] = {
		MC146818_SECONDS,      MC146818_MINUTES,   MC146818_HOURS,
		MC146818_DAY_OF_WEEK,  MC146818_DAY_OF_MONTH,
		MC146818_MONTH,	       MC146818_YEAR,	   MC146818_CENTURY,
	};
	int64_t t = mc146818_guest_time(s, now_ns).sec;
	unsigned i;

	for (i = 0; i < sizeof(regs); i++)
		s->cmos[regs[i]] = mc146818_render(s, regs[i], t);
}

/*
 * Loads the time registers as the guest time, keeping the divider's phase
 * within the second (it runs on while the registers are frozen).
 */
static void mc146818_load(struct mc146818 *s, int64_t now_ns)
{
	struct mc146818_time g = mc146818_guest_time(s, now_ns);

	g.sec = mc146818_regs_to_secs(s);
	mc146818_set_guest_time(s, now_ns, g);
}

/* Writes register A or B, handling freeze and divider transitions. */
static void mc146818_write_control(struct mc146818 *s, unsigned idx,
				   uint8_t val, int64_t now_ns)
{
	bool was_frozen = mc146818_frozen(s);
	bool was_running = mc146818_running(s);

	if (idx == MC146818_REG_A) {
		s->cmos[idx] = val & ~MC146818_A_UIP; /* UIP is read-only */
	} else {
		/* Setting SET clears UIE (datasheet, and QEMU). */
		if (val & MC146818_B_SET)
			val &= ~MC146818_B_UIE;
		s->cmos[idx] = val;
	}
	if (!was_running && mc146818_running(s)) {
		/* Divider released: the first update is half a second later. */
		struct mc146818_time g = mc146818_guest_time(s, now_ns);

		g.nsec = NS_PER_SEC / 2;
		mc146818_set_guest_time(s, now_ns, g);
	}
	if (!was_frozen && mc146818_frozen(s))
		mc146818_snapshot(s, now_ns);
	else if (was_frozen && !mc146818_frozen(s))
		mc146818_load(s, now_ns);
	mc146818_update_irq(s);
}

void mc146818_init(struct mc146818 *s, const struct mc146818_ops *ops,
		   void *opaque, int64_t now_ns)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	s->cmos[MC146818_REG_A] = MC146818_A_DV_NORMAL | 0x06;
	s->cmos[MC146818_REG_B] = MC146818_B_24H;
	s->cmos[MC146818_REG_D] = MC146818_D_VRT;
	s->synced = mc146818_guest_time(s, now_ns);
}

uint8_t mc146818_read(struct mc146818 *s, unsigned port, int64_t now_ns)
{
	unsigned idx = s->index;
	struct mc146818_time g;
	uint8_t val;

	if (port != 1)
		return 0xff;
	mc146818_sync(s, now_ns);
	if (mc146818_is_time_reg(idx)) {
		if (mc146818_frozen(s))
			return s->cmos[idx];
		return mc146818_render(s, idx,
				       mc146818_guest_time(s, now_ns).sec);
	}
	switch (idx) {
	case MC146818_REG_A:
		val = s->cmos[idx];
		g = mc146818_guest_time(s, now_ns);
		if (!mc146818_frozen(s) &&
		    g.nsec >= NS_PER_SEC - MC146818_UIP_NS)
			val |= MC146818_A_UIP;
		return val;
	case MC146818_REG_C:
		val = s->cmos[idx];
		s->cmos[idx] = 0;
		mc146818_update_irq(s);
		return val;
	default:
		return s->cmos[idx];
	}
}

void mc146818_write(struct mc146818 *s, unsigned port, uint8_t val,
		    int64_t now_ns)
{
	unsigned idx = s->index;

	if (port == 0) {
		s->index = val & 0x7f; /* bit 7: NMI mask, not ours */
		return;
	}
	if (port != 1)
		return;
	mc146818_sync(s, now_ns);
	if (mc146818_is_time_reg(idx)) {
		if (mc146818_frozen(s)) {
			s->cmos[idx] = val;
			return;
		}
		/* Running clock: the write takes effect at once. */
		mc146818_snapshot(s, now_ns);
		s->cmos[idx] = val;
		mc146818_load(s, now_ns);
		return;
	}
	switch (idx) {
	case MC146818_REG_A:
	case MC146818_REG_B:
		mc146818_write_control(s, idx, val, now_ns);
		return;
	case MC146818_REG_C:
	case MC146818_REG_D:
		return; /* read-only */
	default:
		s->cmos[idx] = val;
		return;
	}
}

int64_t mc146818_next_deadline(const struct mc146818 *s, int64_t now_ns)
{
	uint8_t b = s->cmos[MC146818_REG_B];
	int64_t period = mc146818_period(s);
	int64_t best = INT64_MAX, t;
	struct mc146818_time g;

	(void)now_ns; /* everything due since `synced` counts, even if past */
	if (!mc146818_running(s))
		return -1;
	if ((b & MC146818_B_PIE) && period) {
		int64_t n = floor_div(mc146818_cycles(s->synced), period) + 1;
		int64_t cyc = n * period;
		int64_t rem = floor_mod(cyc, RTC_HZ);

		g.sec = floor_div(cyc, RTC_HZ);
		/* First ns at or after the tick: ceil(rem / 32768 s). */
		g.nsec = (rem * NS_PER_SEC + RTC_HZ - 1) / RTC_HZ;
		t = mc146818_host_ns(s, g);
		best = t < best ? t : best;
	}
	if (!(b & MC146818_B_SET) && (b & MC146818_B_UIE)) {
		g.sec = s->synced.sec + 1;
		g.nsec = 0;
		t = mc146818_host_ns(s, g);
		best = t < best ? t : best;
	}
	if (!(b & MC146818_B_SET) && (b & MC146818_B_AIE)) {
		g.sec = mc146818_next_alarm(s, s->synced.sec);
		g.nsec = 0;
		if (g.sec != NO_ALARM) {
			t = mc146818_host_ns(s, g);
			best = t < best ? t : best;
		}
	}
	return best == INT64_MAX ? -1 : best;
}

void mc146818_advance(struct mc146818 *s, int64_t now_ns)
{
	mc146818_sync(s, now_ns);
}

static void mc146818_set_word(struct mc146818 *s, unsigned idx, uint64_t v,
			      uint64_t max)
{
	if (v > max)
		v = max;
	s->cmos[idx] = (uint8_t)v;
	s->cmos[idx + 1] = (uint8_t)(v >> 8);
}

void mc146818_set_mem_size(struct mc146818 *s, uint64_t below_4g,
			   uint64_t above_4g)
{
	const uint64_t kib = 1024, mib = 1024 * 1024;
	uint64_t v;

	mc146818_set_word(s, 0x15, below_4g / kib, 640);
	v = below_4g > mib ? (below_4g - mib) / kib : 0;
	mc146818_set_word(s, 0x17, v, 0xffff);
	mc146818_set_word(s, 0x30, v, 0xffff);
	v = below_4g > 16 * mib ? (below_4g - 16 * mib) / (64 * kib) : 0;
	mc146818_set_word(s, 0x34, v, 0xffff);
	v = above_4g / (64 * kib);
	if (v > 0xffffff)
		v = 0xffffff;
	s->cmos[0x5b] = (uint8_t)v;
	s->cmos[0x5c] = (uint8_t)(v >> 8);
	s->cmos[0x5d] = (uint8_t)(v >> 16);
}

