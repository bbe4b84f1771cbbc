/* SPDX-License-Identifier: MIT */
/*
 * i440fx: the Intel 82441FX PCI and memory controller (PMC), the host
 * bridge at PCI 00:00.0 (8086:1237), as a pure model on top of pci_cfg.
 *
 * What the guest can change that matters to the platform:
 *
 * - PAM0-PAM6 (0x59-0x5F) map the 13 legacy segments between 768 KiB and
 *   1 MiB: 0xF0000-0xFFFFF (PAM0 bits 7:4) and twelve 16 KiB segments from
 *   0xC0000 (PAM1 bits 3:0, PAM1 bits 7:4, PAM2 bits 3:0, ... PAM6 bits 7:4).
 *   Per segment, RE (bit 0 of the nibble) sends reads to DRAM and WE
 *   (bit 1) sends writes to DRAM; what is not sent to DRAM goes to PCI,
 *   where the DM/hv put the firmware ROM (BIOS segments) or nothing. Bits
 *   3:2 of each nibble and PAM0 bits 3:0 are reserved (read 0). The power-on
 *   value is 0: every segment goes to PCI, so the CPU runs the ROM.
 *   ops->pam_changed reports each segment whose mode changed.
 *
 * - SMRAM (0x72): C_BASE_SEG (2:0) is hardwired to 010 (A0000-BFFFF);
 *   G_SMRAME (3) enables SMRAM; D_LCK (4) locks; D_CLS (5) and D_OPEN (6)
 *   choose the view. Once D_LCK is set (only a reset clears it) D_OPEN is
 *   forced to 0 and G_SMRAME and D_LCK stop changing; D_CLS stays writable.
 *   safepc has no SMM, so the one thing that matters is what non-SMM code
 *   sees at 0xA0000-0xBFFFF: SMRAM (DRAM) when G_SMRAME and D_OPEN are both
 *   set, otherwise the PCI/VGA window. ops->smram_changed reports that.
 *
 * The other device-specific registers (0x40-0xFF) are plain storage that
 * the guest may read and write, as in QEMU; the model does not interpret
 * DRAM timing or row boundaries.
 */
#ifndef SAFEPC_DM_HW_I440FX_H
#define SAFEPC_DM_HW_I440FX_H

#include <stdbool.h>
#include <stdint.h>

#include "dm/hw/pci_cfg.h"
#include "proto/dm_op.h"

#define I440FX_VENDOR_ID 0x8086u
#define I440FX_DEVICE_ID 0x1237u
#define I440FX_REVISION 0x02u
#define I440FX_CLASS 0x060000u /* bridge, host */
/*
 * Subsystem IDs as QEMU sets them on its devices (Red Hat, "QEMU virtual
 * machine"): SeaBIOS reads them at 00:00.0 to recognise a QEMU-compatible
 * platform before it looks for fw_cfg. The real 82441FX reads 0 there.
 */
#define I440FX_SUBSYS_VENDOR_ID 0x1af4u
#define I440FX_SUBSYS_ID 0x1100u

#define I440FX_PAM0 0x59u
#define I440FX_PAM6 0x5fu
#define I440FX_SMRAM 0x72u

#define I440FX_SMRAM_C_BASE_SEG 0x07u
#define I440FX_SMRAM_G_SMRAME 0x08u
#define I440FX_SMRAM_D_LCK 0x10u
#define I440FX_SMRAM_D_CLS 0x20u
#define I440FX_SMRAM_D_OPEN 0x40u
#define I440FX_SMRAM_DEFAULT 0x02u /* C_BASE_SEG = A0000-BFFFF */

/* SMRAM window (C_BASE_SEG 010). */
#define I440FX_SMRAM_START 0xa0000u
#define I440FX_SMRAM_SIZE 0x20000u

/* Segment 0 is 0xF0000 (64 KiB); 1-12 are 0xC0000 + 16 KiB * (n - 1). */
#define I440FX_PAM_SEGMENTS 13u

/*
 * A segment's mode is its nibble's RE (bit 0) and WE (bit 1) bits, which
 * are the values of enum dm_op_mem_type (proto/dm_op.h), the one PAM enum:
 * DM_OP_MEM_BUS (reads and writes to PCI: the ROM or nothing),
 * DM_OP_MEM_ROM (reads from DRAM, writes to PCI), DM_OP_MEM_WRITE (reads
 * from PCI, writes to DRAM: shadowing) and DM_OP_MEM_RAM.
 */

struct i440fx_ops {
	/*
	 * Segment [start, start + size) changed to `mode`. Called once per
	 * changed segment, in segment order. May be NULL.
	 */
	void (*pam_changed)(void *opaque, uint32_t start, uint32_t size,
			    enum dm_op_mem_type mode);
	/*
	 * Non-SMM accesses to 0xA0000-0xBFFFF now reach SMRAM (open = true)
	 * or the PCI/VGA window (false). May be NULL.
	 */
	void (*smram_changed)(void *opaque, bool open);
};

struct i440fx {
	const struct i440fx_ops *ops;
	void *opaque;

	struct pci_cfg pci; /* PAM and SMRAM live in pci.cfg */
	uint8_t pam_mode[I440FX_PAM_SEGMENTS]; /* as last reported */
	bool smram_open;		       /* as last reported */
};

/*
 * Power-on state: IDs (subsystem 1af4:1100), command 0x0006, status
 * 0x0280, every PAM segment PCI, SMRAM 0x02 (closed, unlocked). ops may be
 * NULL. Calls nothing: the caller's initial mapping is "all PCI, SMRAM
 * closed".
 */
void i440fx_init(struct i440fx *s, const struct i440fx_ops *ops,
		 void *opaque);

/*
 * Guest configuration read (offset 0-255, size 1/2/4 within a dword).
 * Returns 0, or -EINVAL for a bad access (*val = all-ones).
 */
int i440fx_cfg_read(const struct i440fx *s, unsigned off, unsigned size,
		    uint32_t *val);

/*
 * Guest configuration write; applies PAM and SMRAM semantics and reports
 * the changes through ops. Returns 0, or -EINVAL for a bad access (ignored).
 */
int i440fx_cfg_write(struct i440fx *s, unsigned off, unsigned size,
		     uint32_t val);

/*
 * Segment `seg` (0-12): its range in *start and *size (either may be NULL);
 * returns its current mode, or -EINVAL for a bad segment.
 */
int i440fx_pam_segment(const struct i440fx *s, unsigned seg, uint32_t *start,
		       uint32_t *size);

/* Whether non-SMM code sees SMRAM at 0xA0000-0xBFFFF. */
bool i440fx_smram_open(const struct i440fx *s);

#endif
