/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration mechanism #1: CONFIG_ADDRESS (0xCF8, 32-bit) selects
 * enable | bus | device | function | dword; CONFIG_DATA (0xCFC-0xCFF)
 * moves 1, 2 or 4 bytes of that dword.  Bus 0 only: the test machines
 * (i440FX/PIIX3) have nothing behind a bridge.
 */
#include "guest.h"

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA 0xCFC

/* Selects the dword holding `off`; returns the data port of byte `off`. */
static uint16_t pci_select(unsigned bdf, unsigned off)
{
	outl(PCI_CONFIG_ADDRESS,
	     0x80000000u | ((bdf & 0xFFu) << 8) | (off & 0xFCu));
	return PCI_CONFIG_DATA + (off & 3);
}

uint32_t pci_read32(unsigned bdf, unsigned off)
{
	return inl(pci_select(bdf, off & ~3u));
}

uint16_t pci_read16(unsigned bdf, unsigned off)
{
	return inw(pci_select(bdf, off & ~1u));
}

uint8_t pci_read8(unsigned bdf, unsigned off)
{
	return inb(pci_select(bdf, off));
}

void pci_write32(unsigned bdf, unsigned off, uint32_t v)
{
	outl(pci_select(bdf, off & ~3u), v);
}

void pci_write16(unsigned bdf, unsigned off, uint16_t v)
{
	outw(pci_select(bdf, off & ~1u), v);
}

void pci_write8(unsigned bdf, unsigned off, uint8_t v)
{
	outb(pci_select(bdf, off), v);
}

int pci_find(uint16_t vendor, uint16_t device)
{
	uint32_t want = ((uint32_t)device << 16) | vendor;

	for (unsigned dev = 0; dev < 32; dev++) {
		unsigned nfn = 1;

		for (unsigned fn = 0; fn < nfn; fn++) {
			unsigned bdf = PCI_BDF(dev, fn);
			uint32_t id = pci_read32(bdf, PCI_VENDOR_ID);

			if ((id & 0xFFFF) == 0xFFFF)
				continue; /* no function here */
			/* Functions 1-7 exist only behind a multi-function 0. */
			if (fn == 0 && (pci_read8(bdf, PCI_HEADER_TYPE) & 0x80))
				nfn = 8;
			if (id == want)
				return (int)bdf;
		}
	}
	return -1;
}

uint32_t pci_bar_size(unsigned bdf, unsigned bar)
{
	unsigned off = PCI_BAR0 + 4 * bar;
	uint16_t cmd = pci_read16(bdf, PCI_COMMAND);
	uint32_t old, v, mask;

	if (bar > 5)
		return 0;
	/* Decoding off while the BAR holds all ones (PCI 3.0 §6.2.5.1). */
	pci_write16(bdf, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	old = pci_read32(bdf, off);
	pci_write32(bdf, off, 0xFFFFFFFFu);
	v = pci_read32(bdf, off);
	pci_write32(bdf, off, old);
	pci_write16(bdf, PCI_COMMAND, cmd);

	if (v == 0 || v == 0xFFFFFFFFu)
		return 0;
	if (v & PCI_BAR_IO) {
		mask = v & ~3u;
		/* I/O BARs may implement only the low 16 address bits. */
		if (!(mask & 0xFFFF0000u))
			mask |= 0xFFFF0000u;
	} else {
		mask = v & ~0xFu;
	}
	return ~mask + 1;
}
