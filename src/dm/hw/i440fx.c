/* SPDX-License-Identifier: MIT */
/*
 * 82441FX host bridge: PAM and SMRAM on top of pci_cfg. See i440fx.h; the
 * register behaviour follows Intel's 440FX PCIset datasheet (82441FX PMC).
 */
#include "dm/hw/i440fx.h"

#include <errno.h>
#include <string.h>

/* Writable SMRAM bits before and after D_LCK. */
#define I440FX_SMRAM_WMASK_OPEN                                            \
	(I440FX_SMRAM_D_OPEN | I440FX_SMRAM_D_CLS | I440FX_SMRAM_D_LCK |   \
	 I440FX_SMRAM_G_SMRAME)
#define I440FX_SMRAM_WMASK_LOCKED I440FX_SMRAM_D_CLS

/* PAM register and nibble shift of segment `seg`. */
static unsigned i440fx_pam_reg(unsigned seg, unsigned *shift)
{
	if (seg == 0) {
		*shift = 4;
		return I440FX_PAM0;
	}
	*shift = ((seg - 1) & 1) * 4;
	return I440FX_PAM0 + 1 + (seg - 1) / 2;
}

static uint32_t i440fx_seg_start(unsigned seg)
{
	return seg == 0 ? 0xf0000u : 0xc0000u + 0x4000u * (seg - 1);
}

static uint32_t i440fx_seg_size(unsigned seg)
{
	return seg == 0 ? 0x10000u : 0x4000u;
}

static enum dm_op_mem_type i440fx_pam_current(const struct i440fx *s,
					      unsigned seg)
{
	unsigned shift;
	unsigned reg = i440fx_pam_reg(seg, &shift);

	return (enum dm_op_mem_type)((s->pci.cfg[reg] >> shift) & 3);
}

static bool i440fx_smram_current(const struct i440fx *s)
{
	uint8_t v = s->pci.cfg[I440FX_SMRAM];

	return (v & I440FX_SMRAM_G_SMRAME) && (v & I440FX_SMRAM_D_OPEN);
}

void i440fx_init(struct i440fx *s, const struct i440fx_ops *ops,
		 void *opaque)
{
	unsigned off;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	pci_cfg_init(&s->pci, NULL, NULL);
	pci_cfg_set_id(&s->pci, I440FX_VENDOR_ID, I440FX_DEVICE_ID);
	pci_cfg_set_class(&s->pci, I440FX_CLASS, I440FX_REVISION);
	pci_cfg_set_subsystem(&s->pci, I440FX_SUBSYS_VENDOR_ID,
			      I440FX_SUBSYS_ID);
	pci_cfg_set16(&s->pci, PCI_CFG_COMMAND,
		      PCI_CFG_CMD_MEM | PCI_CFG_CMD_MASTER);
	pci_cfg_set16(&s->pci, PCI_CFG_STATUS,
		      PCI_CFG_STS_FAST_B2B | PCI_CFG_STS_DEVSEL_MED);
	/* Unmodelled device-specific registers: plain storage. */
	for (off = 0x40; off < PCI_CFG_SIZE; off++)
		s->pci.wmask[off] = 0xff;
	ret |= pci_cfg_init_reg(&s->pci, I440FX_PAM0, 1, 0, 0x30, 0);
	for (off = I440FX_PAM0 + 1; off <= I440FX_PAM6; off++)
		ret |= pci_cfg_init_reg(&s->pci, off, 1, 0, 0x33, 0);
	ret |= pci_cfg_init_reg(&s->pci, I440FX_SMRAM, 1, I440FX_SMRAM_DEFAULT,
				I440FX_SMRAM_WMASK_OPEN, 0);
	/* Constant offsets in range: cannot fail. */
	(void)ret;
}

int i440fx_cfg_read(const struct i440fx *s, unsigned off, unsigned size,
		    uint32_t *val)
{
	return pci_cfg_read(&s->pci, off, size, val);
}

/* Reports the segments and the SMRAM view that changed. */
static void i440fx_update(struct i440fx *s)
{
	unsigned seg;
	bool open;

	for (seg = 0; seg < I440FX_PAM_SEGMENTS; seg++) {
		enum dm_op_mem_type mode = i440fx_pam_current(s, seg);

		if (mode == s->pam_mode[seg])
			continue;
		s->pam_mode[seg] = (uint8_t)mode;
		if (s->ops && s->ops->pam_changed)
			s->ops->pam_changed(s->opaque, i440fx_seg_start(seg),
					    i440fx_seg_size(seg), mode);
	}
	open = i440fx_smram_current(s);
	if (open != s->smram_open) {
		s->smram_open = open;
		if (s->ops && s->ops->smram_changed)
			s->ops->smram_changed(s->opaque, open);
	}
}

int i440fx_cfg_write(struct i440fx *s, unsigned off, unsigned size,
		     uint32_t val)
{
	uint8_t *smram = &s->pci.cfg[I440FX_SMRAM];
	int ret;

	/* The lock narrows what the write may change... */
	s->pci.wmask[I440FX_SMRAM] = (*smram & I440FX_SMRAM_D_LCK)
					     ? I440FX_SMRAM_WMASK_LOCKED
					     : I440FX_SMRAM_WMASK_OPEN;
	ret = pci_cfg_write(&s->pci, off, size, val);
	if (ret)
		return ret;
	/* ...and setting it closes SMRAM for good, even in the same write. */
	if (*smram & I440FX_SMRAM_D_LCK)
		*smram &= ~I440FX_SMRAM_D_OPEN;
	i440fx_update(s);
	return 0;
}

int i440fx_pam_segment(const struct i440fx *s, unsigned seg, uint32_t *start,
		       uint32_t *size)
{
	if (seg >= I440FX_PAM_SEGMENTS)
		return -EINVAL;
	if (start)
		*start = i440fx_seg_start(seg);
	if (size)
		*size = i440fx_seg_size(seg);
	return (int)i440fx_pam_current(s, seg);
}

bool i440fx_smram_open(const struct i440fx *s)
{
	return i440fx_smram_current(s);
}
