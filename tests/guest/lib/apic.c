/* SPDX-License-Identifier: MIT */
/* The local APIC in xAPIC mode at its reset address 0xFEE00000. */
#include "guest.h"

uint32_t apic_read(unsigned reg)
{
	return readl(APIC_BASE + reg);
}

void apic_write(unsigned reg, uint32_t v)
{
	writel(APIC_BASE + reg, v);
}

void apic_enable(void)
{
	apic_write(APIC_SVR, 0x100 | APIC_SPURIOUS_VECTOR);
	apic_write(APIC_TPR, 0);
}

unsigned apic_id(void)
{
	return apic_read(APIC_ID) >> 24;
}
