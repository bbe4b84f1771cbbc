/* SPDX-License-Identifier: MIT */
/* MC146818 RTC/CMOS: index port 0x70 (bit 7 = NMI disable, kept 0), data 0x71. */
#include "guest.h"

uint8_t cmos_read(uint8_t reg)
{
	outb(0x70, reg & 0x7F);
	return inb(0x71);
}

void cmos_write(uint8_t reg, uint8_t v)
{
	outb(0x70, reg & 0x7F);
	outb(0x71, v);
}
