/* SPDX-License-Identifier: MIT */
/*
 * The demo guest: a banner, the RTC's date and time, the devices it finds,
 * then ACPI soft-off (or the 0xF4 exit if that does not work).  With the
 * word `idle` on the command line it halts with interrupts on instead, for
 * tests of shutdown/destroy, and powers off when the ACPI power button is
 * pressed (`safepc shutdown`), as an OS with ACPI does; with `deaf` as well
 * it ignores the button.
 */
#include "guest.h"

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0x0F);
}

static void print_date(void)
{
	uint8_t b, s, m, h, d, mo, y, c;
	bool bin;
	unsigned hour;

	for (int i = 0; i < 5000 && (cmos_read(0x0A) & 0x80); i++)
		;
	s = cmos_read(0x00);
	m = cmos_read(0x02);
	h = cmos_read(0x04);
	d = cmos_read(0x07);
	mo = cmos_read(0x08);
	y = cmos_read(0x09);
	c = cmos_read(0x32);
	b = cmos_read(0x0B);
	bin = b & 0x04;
	hour = bcd(h & 0x7F, bin);
	if (!(b & 0x02)) /* 12-hour clock */
		hour = hour % 12 + ((h & 0x80) ? 12 : 0);
	c = bcd(c, bin);
	if (c < 19 || c > 99)
		c = 20;
	printf("date: %04u-%02u-%02u %02u:%02u:%02u\n", c * 100 + bcd(y, bin),
	       bcd(mo, bin), bcd(d, bin), hour, bcd(m, bin), bcd(s, bin));
}

static void print_devices(void)
{
	unsigned cpus = fwcfg_nb_cpus();
	struct mb_region r[32];
	unsigned nr = mb_mmap(r, ARRAY_SIZE(r));
	uint64_t ram = mb_ram_bytes();
	bool com1;

	outb(COM1 + 7, 0xA5);
	com1 = inb(COM1 + 7) == 0xA5;
	outb(COM1 + 7, 0x5A);
	com1 = com1 && inb(COM1 + 7) == 0x5A;
	printf("device: com1 16550 at 0x3f8: %s\n", com1 ? "yes" : "no");
	printf("device: rtc mc146818 at 0x70: %s\n",
	       (cmos_read(0x0D) & 0x80) ? "yes" : "no");
	if (cpus)
		printf("cpus: %u (fw_cfg)\n", cpus);
	else
		printf("cpus: unknown (no fw_cfg)\n");
	printf("memory: %lu MiB (%lu KiB in %u multiboot map entries)\n",
	       (unsigned long)((ram + (1 << 19)) >> 20),
	       (unsigned long)(ram >> 10), nr);
}

/* The SCI (ISA IRQ 9): a pressed power button means soft-off. */
static void sci_handler(struct irq_frame *f)
{
	uint16_t sts = inw(PM1A_STS);

	(void)f;
	outw(PM1A_STS, sts); /* write 1 to clear: the SCI drops */
	pic_eoi(9);
	if (sts & PM1_PWRBTN) {
		printf("power button: powering off\n");
		poweroff();
	}
}

int main(void)
{
	printf("safepc demo guest\n");
	print_date();
	print_devices();
	if (cmdline_has("idle")) {
		pic_init(); /* everything masked but the SCI */
		if (!cmdline_has("deaf")) {
			irq_register(IRQ_VECTOR(9), sci_handler);
			outw(PM1A_EN, PM1_PWRBTN);
			pic_unmask(9);
		}
		printf("idle: halted\n");
		for (;;)
			sti_hlt();
	}
	printf("poweroff\n");
	poweroff();
	printf("poweroff did not stop the VM; exiting through 0xf4\n");
	exit(0);
}
