/* SPDX-License-Identifier: MIT */
/*
 * String port I/O (rep ins/outs) of every size through a device model:
 * long transfers that the VMM must split (safepc: more than one ioreq
 * slot's worth of data per exit), checked element by element.  The UART
 * scratch register (0x3FF) holds the last byte written, so `rep outsb`
 * leaves the final element there and `rep insb` returns it every time.
 */
#include "guest.h"

#define STRING_LEN 6000 /* more than one 4 KiB exit's worth */

static uint8_t buf8[STRING_LEN];
static uint16_t buf16[64];

int main(void)
{
	unsigned i, bad = 0;

	for (i = 0; i < STRING_LEN; i++)
		buf8[i] = (uint8_t)(i * 7 + 1);
	outsb(COM1 + 7, buf8, STRING_LEN);
	report(inb(COM1 + 7) == buf8[STRING_LEN - 1],
	       "rep outsb x%u leaves the last byte in the scratch register",
	       STRING_LEN);

	outb(COM1 + 7, 0xA5);
	memset(buf8, 0, sizeof(buf8));
	insb(COM1 + 7, buf8, STRING_LEN);
	for (i = 0; i < STRING_LEN; i++)
		bad += buf8[i] != 0xA5;
	report(bad == 0, "rep insb x%u reads the scratch register every time "
	       "(%u wrong)", STRING_LEN, bad);

	/*
	 * Nothing decodes ports 0x2F8-0x2FF (COM2 is absent): all ones, as
	 * an ISA/LPC cycle nobody claims floats high on real hardware.  The
	 * port is word-aligned on purpose: a real chipset splits a word read
	 * at an odd port (0x2FF) into two byte cycles, both 0xFF, but QEMU
	 * 7.2 under TCG rejects the unaligned access to an unassigned port
	 * and reads 0, so a misaligned word is only reported.
	 */
	insw(0x2F8, buf16, ARRAY_SIZE(buf16));
	for (i = 0, bad = 0; i < ARRAY_SIZE(buf16); i++)
		bad += buf16[i] != 0xFFFF;
	report(bad == 0, "rep insw from an unclaimed port reads all ones");
	report_info("inw from the odd unclaimed port 0x2FF: 0x%04x",
		    inw(0x2F8 + 7));
	return report_summary();
}
