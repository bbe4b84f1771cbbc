/* SPDX-License-Identifier: MIT */
/*
 * Reboot through the PIIX3 reset control register (0xCF9). Both VMMs are
 * told to end the domain on reboot (QEMU -no-reboot, safepc
 * on_reboot = "destroy"), so a working reset exits with status 0; if the
 * write does nothing the program reports a failure instead.
 */
#include "guest.h"

int main(void)
{
	printf("reboot: writing 0x06 to 0xcf9\n");
	outb(0xCF9, 0x06);
	/* Give the VMM time to act; a reset never returns here. */
	for (volatile unsigned i = 0; i < 100000; i++)
		;
	report(false, "the machine did not reset");
	return report_summary();
}
