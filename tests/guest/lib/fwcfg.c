/* SPDX-License-Identifier: MIT */
/* QEMU fw_cfg, legacy I/O interface: selector 0x510 (16-bit), data 0x511. */
#include "guest.h"

#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_NB_CPUS 0x0005

bool fwcfg_present(void)
{
	char sig[4];

	outw(FW_CFG_SELECTOR, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_DATA);
	return !memcmp(sig, "QEMU", 4);
}

unsigned fwcfg_nb_cpus(void)
{
	unsigned n;

	if (!fwcfg_present())
		return 0;
	outw(FW_CFG_SELECTOR, FW_CFG_NB_CPUS);
	n = inb(FW_CFG_DATA);
	n |= inb(FW_CFG_DATA) << 8;
	return n;
}
