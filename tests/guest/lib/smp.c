/* SPDX-License-Identifier: MIT */
/*
 * Starting application processors: INIT, SIPI, SIPI to all-but-self through
 * the xAPIC ICR.  Each AP runs the real-mode trampoline at 0x8000, then the
 * shared long-mode path of boot.S, then ap_entry() on its own stack.
 */
#include "guest.h"

extern char ap_trampoline[], ap_trampoline_end[];

static void (*volatile ap_fn)(unsigned cpu);
static volatile uint32_t ap_started;

#define ICR_ALL_BUT_SELF (3u << 18)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_BUSY (1u << 12)

static void icr_send(uint32_t lo)
{
	apic_write(APIC_ICR_HI, 0);
	apic_write(APIC_ICR_LO, lo);
	for (unsigned i = 0; i < 1000 && (apic_read(APIC_ICR_LO) & ICR_BUSY);
	     i++)
		pause();
}

/* boot.S, on the AP's own stack; cpu is 1, 2, ... in order of arrival. */
noreturn void ap_entry(unsigned cpu);
noreturn void ap_entry(unsigned cpu)
{
	desc_init_ap();
	atomic_inc32(&ap_started);
	if (ap_fn)
		ap_fn(cpu);
	for (;;) {
		cli();
		hlt();
	}
}

unsigned smp_boot(void (*fn)(unsigned cpu), unsigned expect, uint32_t ms)
{
	memcpy((void *)AP_TRAMPOLINE, ap_trampoline,
	       ap_trampoline_end - ap_trampoline);
	ap_fn = fn;
	apic_enable();
	icr_send(ICR_ALL_BUT_SELF | ICR_LEVEL_ASSERT | ICR_INIT);
	pit_delay_us(10000);
	for (int i = 0; i < 2; i++) {
		icr_send(ICR_ALL_BUT_SELF | ICR_LEVEL_ASSERT | ICR_STARTUP |
			 (AP_TRAMPOLINE >> 12));
		pit_delay_us(200);
	}
	/* Poll in 10 ms steps: stop early once `expect` APs are in. */
	for (uint32_t t = 0; t < ms; t += 10) {
		if (expect && ap_started >= expect)
			break;
		pit_delay_us(10000);
	}
	return ap_started;
}
