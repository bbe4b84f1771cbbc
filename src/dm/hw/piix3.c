/* SPDX-License-Identifier: MIT */
/*
 * 82371SB PIIX3 function 0 (PCI-to-ISA bridge): PIRQ routing and ELCR.
 * See piix3.h; register values follow Intel's 82371FB/SB datasheet.
 */
#include "dm/hw/piix3.h"

#include <string.h>

/* Power-on values of the device-specific registers the guest may look at. */
static const struct {
	uint8_t off, val;
} piix3_defaults[] = {
	{0x4c, 0x4d}, /* IORT: ISA I/O recovery */
	{0x4e, 0x03}, /* XBCS: RTC and keyboard controller decode */
	{0x60, 0x80}, {0x61, 0x80}, {0x62, 0x80}, {0x63, 0x80}, /* PIRQRC */
	{0x69, 0x02}, /* TOM: top of memory */
	{0x70, 0x80}, /* MBIRQ0: disabled */
	{0x76, 0x04}, {0x77, 0x04}, /* MBDMA: disabled */
	{0x78, 0x02}, /* PCSC */
	{0xa0, 0x08}, /* SMICNTL */
	{0xa8, 0x0f}, /* FTMR */
};

/* The ISA IRQ a PIRQRC value routes to, or -1. */
static int piix3_decode_route(uint8_t v)
{
	unsigned irq = v & PIIX3_PIRQ_IRQ_MASK;

	if (v & PIIX3_PIRQ_DISABLE)
		return -1;
	/* Reserved encodings: timer, keyboard, cascade, RTC, FPU. */
	if (irq <= 2 || irq == 8 || irq == 13)
		return -1;
	return (int)irq;
}

void piix3_init(struct piix3 *s, const struct piix3_ops *ops, void *opaque)
{
	unsigned i;

	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	pci_cfg_init(&s->pci, NULL, NULL);
	pci_cfg_set_id(&s->pci, PIIX3_VENDOR_ID, PIIX3_DEVICE_ID);
	pci_cfg_set_class(&s->pci, PIIX3_CLASS, PIIX3_REVISION);
	pci_cfg_set_subsystem(&s->pci, PIIX3_SUBSYS_VENDOR_ID, PIIX3_SUBSYS_ID);
	pci_cfg_set_multifunction(&s->pci, true);
	pci_cfg_set16(&s->pci, PCI_CFG_COMMAND,
		      PCI_CFG_CMD_IO | PCI_CFG_CMD_MEM | PCI_CFG_CMD_MASTER);
	pci_cfg_set16(&s->pci, PCI_CFG_STATUS, PCI_CFG_STS_DEVSEL_MED);
	for (i = 0x40; i < PCI_CFG_SIZE; i++)
		s->pci.wmask[i] = 0xff;
	for (i = 0; i < sizeof(piix3_defaults) / sizeof(piix3_defaults[0]); i++)
		pci_cfg_set8(&s->pci, piix3_defaults[i].off,
			     piix3_defaults[i].val);
	for (i = 0; i < PIIX3_NUM_PIRQ; i++) {
		/* Bits 6:4 reserved. */
		s->pci.wmask[PIIX3_PIRQRC + i] =
			PIIX3_PIRQ_DISABLE | PIIX3_PIRQ_IRQ_MASK;
		s->route[i] = -1;
	}
}

int piix3_cfg_read(const struct piix3 *s, unsigned off, unsigned size,
		   uint32_t *val)
{
	return pci_cfg_read(&s->pci, off, size, val);
}

int piix3_cfg_write(struct piix3 *s, unsigned off, unsigned size,
		    uint32_t val)
{
	unsigned i;
	int ret = pci_cfg_write(&s->pci, off, size, val);

	if (ret)
		return ret;
	for (i = 0; i < PIIX3_NUM_PIRQ; i++) {
		int irq = piix3_decode_route(s->pci.cfg[PIIX3_PIRQRC + i]);

		if (irq == s->route[i])
			continue;
		s->route[i] = (int8_t)irq;
		if (s->ops && s->ops->pirq_route)
			s->ops->pirq_route(s->opaque, i, irq);
	}
	return 0;
}

int piix3_pirq_route(const struct piix3 *s, unsigned pirq)
{
	return pirq < PIIX3_NUM_PIRQ ? s->route[pirq] : -1;
}

uint8_t piix3_elcr_read(const struct piix3 *s, unsigned port)
{
	return port < 2 ? s->elcr[port] : 0xff;
}

void piix3_elcr_write(struct piix3 *s, unsigned port, uint8_t val)
{
	static const uint8_t mask[2] = {PIIX3_ELCR1_MASK, PIIX3_ELCR2_MASK};
	uint16_t old = piix3_elcr(s);

	if (port >= 2)
		return;
	s->elcr[port] = val & mask[port];
	if (piix3_elcr(s) != old && s->ops && s->ops->elcr_changed)
		s->ops->elcr_changed(s->opaque, piix3_elcr(s));
}

uint16_t piix3_elcr(const struct piix3 *s)
{
	return (uint16_t)(s->elcr[0] | s->elcr[1] << 8);
}
