/* SPDX-License-Identifier: MIT */
/*
 * The MC146818 RTC/CMOS behind 0x70/0x71: date and time (UIP, BCD and
 * binary, 24 and 12 hour), the clock running against the PIT, NVRAM
 * 0x40-0x7F, register D, and the periodic, alarm and update-ended
 * interrupts on IRQ 8 (slave PIC).
 */
#include "guest.h"

#define RTC_SEC 0x00
#define RTC_SEC_ALARM 0x01
#define RTC_MIN 0x02
#define RTC_MIN_ALARM 0x03
#define RTC_HOUR 0x04
#define RTC_HOUR_ALARM 0x05
#define RTC_WDAY 0x06
#define RTC_MDAY 0x07
#define RTC_MON 0x08
#define RTC_YEAR 0x09
#define RTC_A 0x0A
#define RTC_B 0x0B
#define RTC_C 0x0C
#define RTC_D 0x0D

#define A_UIP 0x80
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM 0x04	/* binary */
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10
#define D_VRT 0x80

struct rtc_time {
	uint8_t sec, min, hour, wday, mday, mon, year;
};

static bool uip_timeout;

/* Reads the time registers after UIP clears, until two reads agree. */
static void read_time(struct rtc_time *t)
{
	struct rtc_time prev;

	for (int tries = 0; tries < 5; tries++) {
		int i;

		for (i = 0; i < 5000 && (cmos_read(RTC_A) & A_UIP); i++)
			;
		if (i == 5000)
			uip_timeout = true;
		t->sec = cmos_read(RTC_SEC);
		t->min = cmos_read(RTC_MIN);
		t->hour = cmos_read(RTC_HOUR);
		t->wday = cmos_read(RTC_WDAY);
		t->mday = cmos_read(RTC_MDAY);
		t->mon = cmos_read(RTC_MON);
		t->year = cmos_read(RTC_YEAR);
		if (tries && !memcmp(&prev, t, sizeof(*t)))
			return;
		prev = *t;
	}
}

static bool bcd_ok(uint8_t v, uint8_t lo, uint8_t hi)
{
	return (v & 0x0F) <= 9 && (v >> 4) <= 9 && v >= lo && v <= hi;
}

static unsigned bcd2bin(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0x0F);
}

/* Seconds since midnight of a 24-hour binary reading. */
static unsigned day_secs(unsigned h, unsigned m, unsigned s)
{
	return (h * 60 + m) * 60 + s;
}

static unsigned secs_diff(unsigned a, unsigned b)
{
	return (b + 86400 - a) % 86400;
}

static void test_time_formats(uint8_t b0)
{
	struct rtc_time bcd, bin, h12;
	unsigned s_bcd, s_bin, hour24;
	bool ok;

	/* BCD, 24 hour */
	cmos_write(RTC_B, (b0 & ~B_DM) | B_24H);
	read_time(&bcd);
	report(!uip_timeout, "UIP clears before reading");
	ok = bcd_ok(bcd.sec, 0, 0x59) && bcd_ok(bcd.min, 0, 0x59) &&
	     bcd_ok(bcd.hour, 0, 0x23) && bcd_ok(bcd.mday, 1, 0x31) &&
	     bcd_ok(bcd.mon, 1, 0x12) && bcd_ok(bcd.year, 0, 0x99) &&
	     bcd_ok(bcd.wday, 1, 7);
	report(ok, "BCD 24h: 20%02x-%02x-%02x %02x:%02x:%02x wday %x", bcd.year,
	       bcd.mon, bcd.mday, bcd.hour, bcd.min, bcd.sec, bcd.wday);

	/* binary, 24 hour */
	cmos_write(RTC_B, (b0 | B_DM | B_24H));
	read_time(&bin);
	s_bcd = day_secs(bcd2bin(bcd.hour), bcd2bin(bcd.min), bcd2bin(bcd.sec));
	s_bin = day_secs(bin.hour, bin.min, bin.sec);
	ok = bin.sec < 60 && bin.min < 60 && bin.hour < 24 && bin.mday >= 1 &&
	     bin.mday <= 31 && bin.mon >= 1 && bin.mon <= 12 &&
	     bin.year < 100 && bin.mday == bcd2bin(bcd.mday) &&
	     bin.mon == bcd2bin(bcd.mon) && bin.year == bcd2bin(bcd.year) &&
	     secs_diff(s_bcd, s_bin) <= 2;
	report(ok, "binary 24h agrees: %02u:%02u:%02u (BCD said %02x:%02x:%02x)",
	       bin.hour, bin.min, bin.sec, bcd.hour, bcd.min, bcd.sec);

	/* binary, 12 hour: 1-12 with bit 7 for PM */
	cmos_write(RTC_B, (b0 | B_DM) & ~B_24H);
	read_time(&h12);
	hour24 = (h12.hour & 0x7F) % 12 + ((h12.hour & 0x80) ? 12 : 0);
	ok = (h12.hour & 0x7F) >= 1 && (h12.hour & 0x7F) <= 12 &&
	     secs_diff(s_bin, day_secs(hour24, h12.min, h12.sec)) <= 2;
	report(ok, "binary 12h: hour 0x%02x for %02u:%02u", h12.hour, bin.hour,
	       bin.min);

	cmos_write(RTC_B, b0);
	report(cmos_read(RTC_B) == b0, "register B restored (0x%02x)", b0);
}

static void test_clock_runs(void)
{
	struct rtc_time t0, t1;
	unsigned d;

	cmos_write(RTC_B, (cmos_read(RTC_B) | B_DM | B_24H));
	read_time(&t0);
	pit_delay_us(1100000);
	read_time(&t1);
	d = secs_diff(day_secs(t0.hour, t0.min, t0.sec),
		      day_secs(t1.hour, t1.min, t1.sec));
	report(d >= 1 && d <= 2, "seconds advance by 1-2 over 1.1 s (PIT): %u",
	       d);
}

static void test_nvram(void)
{
	uint8_t save[64];
	unsigned bad = 0, first = 0;

	for (unsigned i = 0; i < 64; i++)
		save[i] = cmos_read(0x40 + i);
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < 64; i++)
			cmos_write(0x40 + i, (uint8_t)(i * 7 + 0x5A) ^ (pass ? 0xFF : 0));
		for (unsigned i = 0; i < 64; i++)
			if (cmos_read(0x40 + i) !=
			    ((uint8_t)(i * 7 + 0x5A) ^ (pass ? 0xFF : 0)) &&
			    !bad++)
				first = 0x40 + i;
	}
	for (unsigned i = 0; i < 64; i++)
		cmos_write(0x40 + i, save[i]);
	report(!bad, "NVRAM 0x40-0x7F holds two patterns (%u bad, first 0x%x)",
	       bad, first);
}

static volatile uint32_t irq_count, c_or, c_last;

static void rtc_irq(struct irq_frame *f)
{
	uint8_t c = cmos_read(RTC_C); /* acknowledges */

	(void)f;
	c_or |= c;
	c_last = c;
	irq_count++;
	pic_eoi(8);
}

static void reset_counts(void)
{
	cmos_read(RTC_C);
	irq_count = 0;
	c_or = 0;
	c_last = 0;
}

static void test_periodic(uint8_t a0, uint8_t b0)
{
	uint32_t n, after;
	uint8_t c1, c2;

	cmos_write(RTC_A, (a0 & 0xF0) | 0x0A); /* 32768 >> 9 = 64 Hz */
	reset_counts();
	cmos_write(RTC_B, b0 | B_PIE);
	sti();
	pit_delay_us(1000000);
	cli();
	n = irq_count;
	/* With interrupts off the flags stay up until C is read. Stop the
	 * periodic rate first (PF is set whether or not PIE is on), so a
	 * slow second read cannot meet a new period on a loaded host. */
	pit_delay_us(40000);
	cmos_write(RTC_A, a0 & 0xF0);
	c1 = cmos_read(RTC_C);
	c2 = cmos_read(RTC_C);
	cmos_write(RTC_B, b0);
	report(n >= 40 && n <= 90, "periodic interrupt at 64 Hz: %u in 1 s", n);
	report((c_or & (C_IRQF | C_PF)) == (C_IRQF | C_PF),
	       "register C in the handler had IRQF|PF (0x%02x)", c_or);
	report((c1 & (C_IRQF | C_PF)) == (C_IRQF | C_PF) &&
		       !(c2 & (C_IRQF | C_PF)),
	       "reading C clears it (0x%02x then 0x%02x)", c1, c2);

	/* The 8259 latched the edge of that last one: let it in first. */
	sti();
	pit_delay_us(20000);
	cli();
	reset_counts();
	sti();
	pit_delay_us(100000);
	cli();
	after = irq_count;
	report(after == 0, "no periodic interrupt once PIE is off (%u)", after);
	cmos_write(RTC_A, a0);
}

static void test_alarm(uint8_t b0)
{
	struct rtc_time t;
	unsigned s;

	cmos_write(RTC_B, b0 | B_DM | B_24H);
	read_time(&t);
	s = (t.sec + 2) % 60;
	cmos_write(RTC_SEC_ALARM, s);
	cmos_write(RTC_MIN_ALARM, 0xC0); /* 0xC0-0xFF: any minute */
	cmos_write(RTC_HOUR_ALARM, 0xC0);
	reset_counts();
	cmos_write(RTC_B, b0 | B_DM | B_24H | B_AIE);
	sti();
	wait_flag(&irq_count, 3500);
	cli();
	cmos_write(RTC_B, b0);
	report(irq_count >= 1 && (c_or & C_AF),
	       "alarm interrupt at second %u (C 0x%02x, %u irqs)", s, c_or,
	       irq_count);

	reset_counts();
	cmos_write(RTC_B, b0 | B_UIE);
	sti();
	wait_flag(&irq_count, 1500);
	cli();
	cmos_write(RTC_B, b0);
	report(irq_count >= 1 && (c_or & C_UF),
	       "update-ended interrupt within 1.5 s (C 0x%02x)", c_or);
}

int main(void)
{
	uint8_t a0, b0, d;

	pic_init();
	irq_register(IRQ_VECTOR(8), rtc_irq);
	a0 = cmos_read(RTC_A);
	b0 = cmos_read(RTC_B) & ~(B_SET | B_PIE | B_AIE | B_UIE);
	cmos_write(RTC_B, b0);
	d = cmos_read(RTC_D);
	report(d & D_VRT, "register D: valid RAM and time (0x%02x)", d);
	report((a0 & 0x70) == 0x20, "register A: 32.768 kHz divider (0x%02x)",
	       a0);

	test_time_formats(b0);
	test_clock_runs();
	cmos_write(RTC_B, b0);
	test_nvram();

	pic_unmask(8);
	test_periodic(a0, b0);
	test_alarm(b0);
	pic_mask(8);
	cmos_write(RTC_B, b0);
	return report_summary();
}
