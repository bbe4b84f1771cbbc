/* SPDX-License-Identifier: MIT */
/* report()/report_summary() and the ways out of the guest. */
#include "guest.h"

static unsigned tests, failures, skipped;

bool report(bool cond, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!cond)
		failures++;
	puts(cond ? "PASS: " : "FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	puts("\n");
	return cond;
}

void report_skip(const char *fmt, ...)
{
	va_list ap;

	skipped++;
	puts("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	puts("\n");
}

void report_info(const char *fmt, ...)
{
	va_list ap;

	puts("INFO: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	puts("\n");
}

int report_summary(void)
{
	printf("SUMMARY: %u tests, %u failures", tests, failures);
	if (skipped)
		printf(", %u skipped", skipped);
	puts("\n");
	exit(failures ? 1 : 0);
}

void exit(int code)
{
	cli();
	outl(0xF4, (uint32_t)code);
	for (;;)
		hlt();
}

void poweroff(void)
{
	outw(PM1A_CNT, 0x2000); /* SLP_EN, SLP_TYP 0 = soft off */
	/* The VMM may stop the VM a little later than the write. */
	pit_delay_us(500000);
}
