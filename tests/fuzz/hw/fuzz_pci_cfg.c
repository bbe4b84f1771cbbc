/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for pci_cfg and the two chipset functions built on it,
 * i440fx and piix3. The input is a program of configuration reads and
 * writes (any offset, any size) to one of three functions: a generic one
 * with I/O and memory BARs, the host bridge and the ISA bridge.
 *
 * Checked after every step: read-only bytes never move and write-1-to-clear
 * bits never get set by the guest; BAR decode reports pair up (an unmap only
 * of what was mapped, at the address it was mapped at) and match a decode
 * computed here from the registers; PAM, SMRAM and PIRQ reports match the
 * registers; a locked SMRAM stays locked and closed.
 *
 * fuzz-sources: i440fx.c piix3.c
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm/hw/i440fx.h"
#include "dm/hw/pci_cfg.h"
#include "dm/hw/piix3.h"

struct harness {
	struct pci_cfg dev;
	bool mapped[PCI_CFG_NUM_BARS];
	uint64_t addr[PCI_CFG_NUM_BARS];

	struct i440fx nb;
	uint8_t pam[I440FX_PAM_SEGMENTS];
	bool smram_open;

	struct piix3 isa;
	int route[PIIX3_NUM_PIRQ];
	uint16_t elcr;
};

static struct harness h;

static void check(int cond)
{
	if (!cond)
		abort();
}

static void h_bar_changed(void *opaque, unsigned bar, uint64_t addr,
			  bool enabled)
{
	(void)opaque;
	check(bar < PCI_CFG_NUM_BARS);
	if (enabled) {
		check(!h.mapped[bar]);
		check(addr != 0);
		check(addr + pci_cfg_bar_size(&h.dev, bar) <=
		      (h.dev.bar[bar].io ? 0x10000ull : 0xffffffffull));
		check((addr & (pci_cfg_bar_size(&h.dev, bar) - 1)) == 0);
	} else {
		check(h.mapped[bar]);
		check(addr == h.addr[bar]);
	}
	h.mapped[bar] = enabled;
	h.addr[bar] = addr;
}

static const struct pci_cfg_ops h_pci_ops = {.bar_changed = h_bar_changed};

static void h_pam_changed(void *opaque, uint32_t start, uint32_t size,
			  enum dm_op_mem_type mode)
{
	unsigned seg;

	(void)opaque;
	check(mode <= DM_OP_MEM_RAM);
	if (start == 0xf0000) {
		check(size == 0x10000);
		seg = 0;
	} else {
		check(start >= 0xc0000 && start < 0xf0000 && size == 0x4000);
		check((start & 0x3fff) == 0);
		seg = 1 + (start - 0xc0000) / 0x4000;
	}
	check(h.pam[seg] != mode);
	h.pam[seg] = (uint8_t)mode;
}

static void h_smram_changed(void *opaque, bool open)
{
	(void)opaque;
	check(open != h.smram_open);
	h.smram_open = open;
}

static const struct i440fx_ops h_nb_ops = {
	.pam_changed = h_pam_changed,
	.smram_changed = h_smram_changed,
};

static void h_pirq_route(void *opaque, unsigned pirq, int irq)
{
	(void)opaque;
	check(pirq < PIIX3_NUM_PIRQ);
	check(irq == -1 || (irq >= 3 && irq <= 15 && irq != 8 && irq != 13));
	check(h.route[pirq] != irq);
	h.route[pirq] = irq;
}

static void h_elcr_changed(void *opaque, uint16_t elcr)
{
	(void)opaque;
	check(elcr != h.elcr);
	check((elcr & 0x2107) == 0);
	h.elcr = elcr;
}

static const struct piix3_ops h_isa_ops = {
	.pirq_route = h_pirq_route,
	.elcr_changed = h_elcr_changed,
};

static void h_setup(void)
{
	unsigned i;

	memset(&h, 0, sizeof(h));
	pci_cfg_init(&h.dev, &h_pci_ops, NULL);
	pci_cfg_set_id(&h.dev, 0x1af4, 0x1001);
	pci_cfg_set_class(&h.dev, 0x010000, 1);
	pci_cfg_set_int_pin(&h.dev, 1);
	check(pci_cfg_add_bar(&h.dev, 0, PCI_CFG_BAR_IO, 8) == 0);
	check(pci_cfg_add_bar(&h.dev, 1, PCI_CFG_BAR_IO, 256) == 0);
	check(pci_cfg_add_bar(&h.dev, 2, PCI_CFG_BAR_MEM32, 16) == 0);
	check(pci_cfg_add_bar(&h.dev, 4, PCI_CFG_BAR_MEM32, 0x1000) == 0);
	check(pci_cfg_add_bar(&h.dev, 5, PCI_CFG_BAR_MEM32_PREFETCH,
			      0x80000000u) == 0);
	check(pci_cfg_init_reg(&h.dev, 0x40, 4, 0x12345678, 0x00ff00ff,
			       0xff000000) == 0);
	i440fx_init(&h.nb, &h_nb_ops, NULL);
	piix3_init(&h.isa, &h_isa_ops, NULL);
	for (i = 0; i < PIIX3_NUM_PIRQ; i++)
		h.route[i] = -1;
}

/* What BAR `bar` of the generic device should decode, computed afresh. */
static bool h_decode(unsigned bar, uint64_t *addr)
{
	uint32_t size = pci_cfg_bar_size(&h.dev, bar);
	uint32_t raw = pci_cfg_get32(&h.dev, PCI_CFG_BAR0 + 4 * bar);
	uint16_t cmd = pci_cfg_get16(&h.dev, PCI_CFG_COMMAND);
	bool io = raw & 1;
	uint64_t base = raw & (io ? ~3u : ~15u);

	if (!size)
		return false;
	check(io == h.dev.bar[bar].io);
	check((raw & (size - 1) & ~(io ? 3u : 15u)) == 0);
	if (!(cmd & (io ? PCI_CFG_CMD_IO : PCI_CFG_CMD_MEM)))
		return false;
	if (!base || base + size > (io ? 0x10000u : 0xffffffffu))
		return false;
	*addr = base;
	return true;
}

/*
 * After a guest write of `size` bytes of `val` at `off` (ret its result):
 * untouched bytes are unchanged; touched ones follow their masks. Byte
 * `skip` (-1: none) has masks of its own that the chip changes.
 */
static void h_check_bytes(const uint8_t *before, const struct pci_cfg *pci,
			  unsigned off, unsigned size, uint32_t val, int ret,
			  int skip)
{
	unsigned o;

	for (o = 0; o < PCI_CFG_SIZE; o++) {
		uint8_t b = before[o], a = pci->cfg[o];
		bool touched = ret == 0 && o >= off && o - off < size;
		uint8_t w = touched ? (uint8_t)(val >> (8 * (o - off))) : 0;

		if ((int)o == skip)
			continue;
		if (!touched) {
			check(a == b);
			continue;
		}
		/* Read-only bits hold; W1C bits only clear, when written 1. */
		check(((a ^ b) & ~(pci->wmask[o] | pci->w1cmask[o])) == 0);
		check((a & ~b & pci->w1cmask[o]) == 0);
		check(((b & ~a) & pci->w1cmask[o] & ~w) == 0);
		check(((a ^ w) & pci->wmask[o]) == 0);
	}
}

/* A read returned the bytes, or all-ones for a bad access. */
static void h_check_read(const struct pci_cfg *pci, unsigned off,
			 unsigned size, uint32_t rv, int ret)
{
	unsigned k;

	if (ret) {
		check(rv == 0xffffffffu);
		check((size != 1 && size != 2 && size != 4) ||
		      off >= PCI_CFG_SIZE || (off & 3) + size > 4);
		return;
	}
	check(size == 1 || size == 2 || size == 4);
	for (k = 0; k < size; k++)
		check((uint8_t)(rv >> (8 * k)) == pci->cfg[off + k]);
	check(size == 4 || rv >> (8 * size) == 0);
}

static void h_invariants(void)
{
	unsigned i;
	uint8_t smram = h.nb.pci.cfg[I440FX_SMRAM];

	for (i = 0; i < PCI_CFG_NUM_BARS; i++) {
		uint64_t addr = 0, got = 0;
		bool on = h_decode(i, &addr);

		check(on == h.mapped[i]);
		check(on == pci_cfg_bar_mapped(&h.dev, i, &got));
		if (on)
			check(addr == h.addr[i] && got == addr);
	}
	for (i = 0; i < I440FX_PAM_SEGMENTS; i++)
		check(i440fx_pam_segment(&h.nb, i, NULL, NULL) == h.pam[i]);
	check((h.nb.pci.cfg[I440FX_PAM0] & 0x0f) == 0);
	check((smram & 0x87) == 0x02);
	if (smram & I440FX_SMRAM_D_LCK)
		check(!(smram & I440FX_SMRAM_D_OPEN));
	check(h.smram_open == ((smram & 0x48) == 0x48));
	for (i = 0; i < PIIX3_NUM_PIRQ; i++)
		check(piix3_pirq_route(&h.isa, i) == h.route[i]);
	check(piix3_elcr(&h.isa) == h.elcr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	h_setup();
	h_invariants();
	while (i + 1 < size) {
		uint8_t op = data[i++];
		unsigned off = data[i++];
		unsigned sz = (op >> 2) & 7; /* 0..7: bad sizes too */
		uint32_t val = 0, rv;
		uint8_t before[PCI_CFG_SIZE];
		bool locked = h.nb.pci.cfg[I440FX_SMRAM] & I440FX_SMRAM_D_LCK;
		uint8_t smram = h.nb.pci.cfg[I440FX_SMRAM];
		unsigned k;
		int ret;

		for (k = 0; k < 4 && i < size; k++)
			val |= (uint32_t)data[i++] << (8 * k);
		if (op & 0x80)
			off |= 0x100u << (op & 3); /* out of range */
		switch ((op >> 5) & 3) {
		case 0:
			memcpy(before, h.dev.cfg, sizeof(before));
			if (op & 2) {
				ret = pci_cfg_read(&h.dev, off, sz, &rv);
				h_check_read(&h.dev, off, sz, rv, ret);
				break;
			}
			ret = pci_cfg_write(&h.dev, off, sz, val);
			check(ret == 0 ||
			      memcmp(before, h.dev.cfg, sizeof(before)) == 0);
			h_check_bytes(before, &h.dev, off, sz, val, ret, -1);
			break;
		case 1:
			memcpy(before, h.nb.pci.cfg, sizeof(before));
			if (op & 2) {
				ret = i440fx_cfg_read(&h.nb, off, sz, &rv);
				h_check_read(&h.nb.pci, off, sz, rv, ret);
				break;
			}
			ret = i440fx_cfg_write(&h.nb, off, sz, val);
			/* SMRAM's masks change with the lock: checked below. */
			h_check_bytes(before, &h.nb.pci, off, sz, val, ret,
				      I440FX_SMRAM);
			if (locked) {
				uint8_t now = h.nb.pci.cfg[I440FX_SMRAM];

				check(((now ^ smram) & ~I440FX_SMRAM_D_CLS) ==
				      0);
			}
			break;
		case 2:
			memcpy(before, h.isa.pci.cfg, sizeof(before));
			if (op & 2) {
				ret = piix3_cfg_read(&h.isa, off, sz, &rv);
				h_check_read(&h.isa.pci, off, sz, rv, ret);
				break;
			}
			ret = piix3_cfg_write(&h.isa, off, sz, val);
			h_check_bytes(before, &h.isa.pci, off, sz, val, ret,
				      -1);
			break;
		default:
			if (op & 2)
				piix3_elcr_write(&h.isa, off & 3, (uint8_t)val);
			else
				check(piix3_elcr_read(&h.isa, off & 3) ==
				      ((off & 3) < 2 ? h.isa.elcr[off & 3]
						     : 0xff));
			break;
		}
		h_invariants();
	}
	return 0;
}
