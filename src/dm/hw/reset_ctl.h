/* SPDX-License-Identifier: MIT */
/*
 * The PIIX3 reset control register (RCR) at port 0xCF9: the common way for
 * PC firmware and kernels to reboot. Writing RST_CPU (bit 2) resets the
 * machine; SYS_RST (bit 1) chooses a hard reset, which for a virtual
 * machine is the same reboot.
 */
#ifndef SAFEPC_DM_HW_RESET_CTL_H
#define SAFEPC_DM_HW_RESET_CTL_H

#include <stdint.h>

#define RESET_CTL_SYS_RST 0x02u
#define RESET_CTL_RST_CPU 0x04u
#define RESET_CTL_FULL_RST 0x08u

struct reset_ctl_ops {
	void (*reset)(void *opaque);
};

struct reset_ctl {
	uint8_t rcr; /* SYS_RST and FULL_RST as last written */
	const struct reset_ctl_ops *ops;
	void *opaque;
};

void reset_ctl_init(struct reset_ctl *s, const struct reset_ctl_ops *ops,
		    void *opaque);
/* Reads the register; RST_CPU always reads 0. */
uint8_t reset_ctl_read(const struct reset_ctl *s);
/* Writes the register; RST_CPU set requests a reset through ops->reset. */
void reset_ctl_write(struct reset_ctl *s, uint8_t val);

#endif
