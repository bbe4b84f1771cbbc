/* SPDX-License-Identifier: MIT */
/*
 * PCI type-0 configuration space with write masks and BAR decoding. See
 * pci_cfg.h; the register semantics follow the PCI Local Bus Specification
 * 3.0, chapter 6.
 */
#include "dm/hw/pci_cfg.h"

#include <errno.h>
#include <string.h>

/* I/O BARs decode only inside the x86 port space. */
#define PCI_CFG_IO_LIMIT 0x10000ull
#define PCI_CFG_MEM_LIMIT 0xffffffffull

static bool pci_cfg_access_ok(unsigned off, unsigned size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	/* Mechanism #1 never crosses a dword; neither may anyone else. */
	return off < PCI_CFG_SIZE && (off & 3) + size <= 4;
}

void pci_cfg_init(struct pci_cfg *s, const struct pci_cfg_ops *ops,
		  void *opaque)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->opaque = opaque;
	s->wmask[PCI_CFG_COMMAND] = (PCI_CFG_CMD_IO | PCI_CFG_CMD_MEM |
				     PCI_CFG_CMD_MASTER | PCI_CFG_CMD_PARITY) &
				    0xff;
	s->wmask[PCI_CFG_COMMAND + 1] =
		(PCI_CFG_CMD_SERR | PCI_CFG_CMD_INTX_DISABLE) >> 8;
	s->w1cmask[PCI_CFG_STATUS + 1] =
		(PCI_CFG_STS_MDPE | PCI_CFG_STS_STA | PCI_CFG_STS_RTA |
		 PCI_CFG_STS_RMA | PCI_CFG_STS_SSE | PCI_CFG_STS_DPE) >>
		8;
	s->wmask[PCI_CFG_CACHE_LINE] = 0xff;
	s->wmask[PCI_CFG_LATENCY] = 0xff;
	s->wmask[PCI_CFG_INT_LINE] = 0xff;
}

void pci_cfg_set_id(struct pci_cfg *s, uint16_t vendor, uint16_t device)
{
	pci_cfg_set16(s, PCI_CFG_VENDOR_ID, vendor);
	pci_cfg_set16(s, PCI_CFG_DEVICE_ID, device);
}

void pci_cfg_set_class(struct pci_cfg *s, uint32_t class_code,
		       uint8_t revision)
{
	pci_cfg_set32(s, PCI_CFG_REVISION,
		      (class_code & 0xffffff) << 8 | revision);
}

void pci_cfg_set_subsystem(struct pci_cfg *s, uint16_t vendor, uint16_t id)
{
	pci_cfg_set16(s, PCI_CFG_SUBSYS_VENDOR, vendor);
	pci_cfg_set16(s, PCI_CFG_SUBSYS_ID, id);
}

void pci_cfg_set_multifunction(struct pci_cfg *s, bool multi)
{
	if (multi)
		s->cfg[PCI_CFG_HEADER_TYPE] |= PCI_CFG_HEADER_MULTIFUNCTION;
	else
		s->cfg[PCI_CFG_HEADER_TYPE] &= ~PCI_CFG_HEADER_MULTIFUNCTION;
}

void pci_cfg_set_int_pin(struct pci_cfg *s, uint8_t pin)
{
	if (pin <= 4)
		s->cfg[PCI_CFG_INT_PIN] = pin;
}

int pci_cfg_add_bar(struct pci_cfg *s, unsigned bar,
		    enum pci_cfg_bar_kind kind, uint32_t size)
{
	unsigned off = PCI_CFG_BAR0 + 4 * bar;
	uint32_t low, min, max;

	if (bar >= PCI_CFG_NUM_BARS || !size || (size & (size - 1)))
		return -EINVAL;
	switch (kind) {
	case PCI_CFG_BAR_IO:
		/* PCI 3.0 6.2.5.1: I/O BARs ask for at most 256 bytes. */
		min = 4, max = 256, low = PCI_CFG_BAR_SPACE_IO;
		break;
	case PCI_CFG_BAR_MEM32:
		min = 16, max = 0x80000000u, low = 0;
		break;
	case PCI_CFG_BAR_MEM32_PREFETCH:
		min = 16, max = 0x80000000u, low = PCI_CFG_BAR_MEM_PREFETCH;
		break;
	default:
		return -EINVAL;
	}
	if (size < min || size > max)
		return -EINVAL;
	s->bar[bar].size = size;
	s->bar[bar].io = kind == PCI_CFG_BAR_IO;
	s->bar[bar].mapped = false;
	s->bar[bar].mapped_addr = 0;
	/* The address bits below the size read 0: that is how sizing works. */
	return pci_cfg_init_reg(s, off, 4, low, ~(size - 1), 0);
}

int pci_cfg_init_reg(struct pci_cfg *s, unsigned off, unsigned size,
		     uint32_t val, uint32_t wmask, uint32_t w1cmask)
{
	unsigned i;

	if ((size != 1 && size != 2 && size != 4) || off >= PCI_CFG_SIZE ||
	    size > PCI_CFG_SIZE - off)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		uint8_t w1c = (uint8_t)(w1cmask >> (8 * i));

		s->cfg[off + i] = (uint8_t)(val >> (8 * i));
		s->w1cmask[off + i] = w1c;
		s->wmask[off + i] = (uint8_t)(wmask >> (8 * i)) & ~w1c;
	}
	return 0;
}

int pci_cfg_read(const struct pci_cfg *s, unsigned off, unsigned size,
		 uint32_t *val)
{
	uint32_t v = 0;
	unsigned i;

	if (!pci_cfg_access_ok(off, size)) {
		*val = 0xffffffffu;
		return -EINVAL;
	}
	for (i = 0; i < size; i++)
		v |= (uint32_t)s->cfg[off + i] << (8 * i);
	*val = v;
	return 0;
}

int pci_cfg_write(struct pci_cfg *s, unsigned off, unsigned size,
		  uint32_t val)
{
	unsigned i;

	if (!pci_cfg_access_ok(off, size))
		return -EINVAL;
	for (i = 0; i < size; i++) {
		unsigned o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));

		s->cfg[o] = (s->cfg[o] & ~s->wmask[o]) | (b & s->wmask[o]);
		s->cfg[o] &= ~(b & s->w1cmask[o]);
	}
	pci_cfg_update_bars(s);
	return 0;
}

void pci_cfg_set8(struct pci_cfg *s, unsigned off, uint8_t val)
{
	if (off < PCI_CFG_SIZE)
		s->cfg[off] = val;
}

void pci_cfg_set16(struct pci_cfg *s, unsigned off, uint16_t val)
{
	pci_cfg_set8(s, off, (uint8_t)val);
	pci_cfg_set8(s, off + 1, (uint8_t)(val >> 8));
}

void pci_cfg_set32(struct pci_cfg *s, unsigned off, uint32_t val)
{
	pci_cfg_set16(s, off, (uint16_t)val);
	pci_cfg_set16(s, off + 2, (uint16_t)(val >> 16));
}

uint8_t pci_cfg_get8(const struct pci_cfg *s, unsigned off)
{
	return off < PCI_CFG_SIZE ? s->cfg[off] : 0;
}

uint16_t pci_cfg_get16(const struct pci_cfg *s, unsigned off)
{
	return (uint16_t)(pci_cfg_get8(s, off) | pci_cfg_get8(s, off + 1) << 8);
}

uint32_t pci_cfg_get32(const struct pci_cfg *s, unsigned off)
{
	return pci_cfg_get16(s, off) | (uint32_t)pci_cfg_get16(s, off + 2) << 16;
}

uint32_t pci_cfg_bar_size(const struct pci_cfg *s, unsigned bar)
{
	return bar < PCI_CFG_NUM_BARS ? s->bar[bar].size : 0;
}

bool pci_cfg_bar_mapped(const struct pci_cfg *s, unsigned bar,
			uint64_t *addr)
{
	if (bar >= PCI_CFG_NUM_BARS || !s->bar[bar].mapped)
		return false;
	if (addr)
		*addr = s->bar[bar].mapped_addr;
	return true;
}

/*
 * What BAR `bar` should decode now: false when its space is off in the
 * command register, or its address is 0 or runs past the space (a BAR
 * being sized holds ~(size - 1), which ends at 0xFFFFFFFF).
 */
static bool pci_cfg_bar_decode(const struct pci_cfg *s, unsigned bar,
			       uint64_t *addr)
{
	const struct pci_cfg_bar *b = &s->bar[bar];
	uint16_t cmd = pci_cfg_get16(s, PCI_CFG_COMMAND);
	uint32_t raw = pci_cfg_get32(s, PCI_CFG_BAR0 + 4 * bar);
	uint64_t base, limit;

	if (!b->size)
		return false;
	if (b->io) {
		if (!(cmd & PCI_CFG_CMD_IO))
			return false;
		base = raw & ~3u;
		limit = PCI_CFG_IO_LIMIT;
	} else {
		if (!(cmd & PCI_CFG_CMD_MEM))
			return false;
		base = raw & ~15u;
		limit = PCI_CFG_MEM_LIMIT;
	}
	if (!base || base + b->size > limit)
		return false;
	*addr = base;
	return true;
}

void pci_cfg_update_bars(struct pci_cfg *s)
{
	unsigned i;

	for (i = 0; i < PCI_CFG_NUM_BARS; i++) {
		struct pci_cfg_bar *b = &s->bar[i];
		uint64_t addr = 0;
		bool on = pci_cfg_bar_decode(s, i, &addr);

		if (on == b->mapped && (!on || addr == b->mapped_addr))
			continue;
		if (b->mapped) {
			b->mapped = false;
			if (s->ops && s->ops->bar_changed)
				s->ops->bar_changed(s->opaque, i,
						    b->mapped_addr, false);
		}
		if (on) {
			b->mapped = true;
			b->mapped_addr = addr;
			if (s->ops && s->ops->bar_changed)
				s->ops->bar_changed(s->opaque, i, addr, true);
		}
	}
}
