/* SPDX-License-Identifier: MIT */
/*
 * pci_cfg: the 256-byte configuration space of one PCI type-0 function, as
 * the chip models (i440fx, piix3, IDE, virtio...) share it.
 *
 * Every byte has a write mask (bits the guest may change) and a
 * write-1-to-clear mask (status bits the guest acknowledges); everything else
 * is read-only. Guest accesses come as configuration mechanism #1 delivers
 * them: an offset 0-255 and a size of 1, 2 or 4 bytes that stays within one
 * dword, values little-endian.
 *
 * BARs: up to six 32-bit BARs, I/O or memory, each with a power-of-two size.
 * Writing all-ones and reading back gives the size mask, as the PCI spec
 * asks. A BAR decodes when the command register enables its space and its
 * address is plausible (not 0, and for I/O inside the 64 KiB port space; a
 * range that reaches 0xFFFFFFFF, as during sizing, does not decode). Changes
 * of what a BAR decodes are reported through ops->bar_changed so that the DM
 * can claim and release ranges with hv: a move is an unmap of the old range
 * followed by a map of the new one.
 *
 * The model never sees the device behind the space: a chip builds on it by
 * keeping a struct pci_cfg inside its own state and looking at its own
 * registers after each write.
 */
#ifndef SAFEPC_DM_HW_PCI_CFG_H
#define SAFEPC_DM_HW_PCI_CFG_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CFG_SIZE 256u
#define PCI_CFG_NUM_BARS 6u

/* Standard header, type 0. */
#define PCI_CFG_VENDOR_ID 0x00u
#define PCI_CFG_DEVICE_ID 0x02u
#define PCI_CFG_COMMAND 0x04u
#define PCI_CFG_STATUS 0x06u
#define PCI_CFG_REVISION 0x08u
#define PCI_CFG_CLASS_PROG 0x09u /* prog-if, subclass, class: 0x09-0x0b */
#define PCI_CFG_CACHE_LINE 0x0cu
#define PCI_CFG_LATENCY 0x0du
#define PCI_CFG_HEADER_TYPE 0x0eu
#define PCI_CFG_BIST 0x0fu
#define PCI_CFG_BAR0 0x10u /* BAR n at 0x10 + 4 n */
#define PCI_CFG_SUBSYS_VENDOR 0x2cu
#define PCI_CFG_SUBSYS_ID 0x2eu
#define PCI_CFG_ROM 0x30u
#define PCI_CFG_CAP_PTR 0x34u
#define PCI_CFG_INT_LINE 0x3cu
#define PCI_CFG_INT_PIN 0x3du

#define PCI_CFG_CMD_IO 0x0001u
#define PCI_CFG_CMD_MEM 0x0002u
#define PCI_CFG_CMD_MASTER 0x0004u
#define PCI_CFG_CMD_PARITY 0x0040u
#define PCI_CFG_CMD_SERR 0x0100u
#define PCI_CFG_CMD_INTX_DISABLE 0x0400u

#define PCI_CFG_STS_INTX 0x0008u
#define PCI_CFG_STS_CAP_LIST 0x0010u
#define PCI_CFG_STS_FAST_B2B 0x0080u
#define PCI_CFG_STS_MDPE 0x0100u     /* master data parity error, W1C */
#define PCI_CFG_STS_DEVSEL_MED 0x0200u
#define PCI_CFG_STS_STA 0x0800u      /* signalled target abort, W1C */
#define PCI_CFG_STS_RTA 0x1000u      /* received target abort, W1C */
#define PCI_CFG_STS_RMA 0x2000u      /* received master abort, W1C */
#define PCI_CFG_STS_SSE 0x4000u      /* signalled system error, W1C */
#define PCI_CFG_STS_DPE 0x8000u      /* detected parity error, W1C */

#define PCI_CFG_HEADER_MULTIFUNCTION 0x80u

/* BAR low bits. */
#define PCI_CFG_BAR_SPACE_IO 0x01u
#define PCI_CFG_BAR_MEM_PREFETCH 0x08u

/* Kinds for pci_cfg_add_bar. */
enum pci_cfg_bar_kind {
	PCI_CFG_BAR_IO = 1,	  /* I/O ports, size 4..256 */
	PCI_CFG_BAR_MEM32,	  /* 32-bit memory, size 16 B..2 GiB */
	PCI_CFG_BAR_MEM32_PREFETCH,
};

struct pci_cfg_ops {
	/*
	 * What BAR `bar` decodes changed. enabled = true: it now decodes
	 * [addr, addr + size) (size from pci_cfg_bar_size). enabled = false:
	 * the range at addr it decoded until now is released. May be NULL.
	 */
	void (*bar_changed)(void *opaque, unsigned bar, uint64_t addr,
			    bool enabled);
};

struct pci_cfg_bar {
	uint32_t size;	   /* 0 = not implemented */
	bool io;	   /* I/O space, else memory */
	bool mapped;	   /* decoding, as last reported */
	uint64_t mapped_addr; /* valid while mapped */
};

struct pci_cfg {
	const struct pci_cfg_ops *ops;
	void *opaque;

	uint8_t cfg[PCI_CFG_SIZE];     /* the registers as the guest reads them */
	uint8_t wmask[PCI_CFG_SIZE];   /* guest-writable bits */
	uint8_t w1cmask[PCI_CFG_SIZE]; /* write-1-to-clear bits */
	struct pci_cfg_bar bar[PCI_CFG_NUM_BARS];
};

/*
 * Resets the space: all zero and read-only except the command register
 * (IO, MEM, MASTER, PARITY, SERR, INTX_DISABLE), the error bits of the
 * status register (write-1-to-clear), cache line size, latency timer and
 * interrupt line. No BARs. ops may be NULL. Calls nothing.
 */
void pci_cfg_init(struct pci_cfg *s, const struct pci_cfg_ops *ops,
		  void *opaque);

/* Sets the read-only vendor and device IDs. */
void pci_cfg_set_id(struct pci_cfg *s, uint16_t vendor, uint16_t device);

/*
 * Sets the read-only class code (class << 16 | subclass << 8 | prog-if)
 * and revision ID.
 */
void pci_cfg_set_class(struct pci_cfg *s, uint32_t class_code,
		       uint8_t revision);

/* Sets the read-only subsystem vendor and subsystem IDs. */
void pci_cfg_set_subsystem(struct pci_cfg *s, uint16_t vendor, uint16_t id);

/* Sets or clears the multi-function bit of the header type. */
void pci_cfg_set_multifunction(struct pci_cfg *s, bool multi);

/* Sets the read-only interrupt pin: 0 none, 1-4 INTA#-INTD#. */
void pci_cfg_set_int_pin(struct pci_cfg *s, uint8_t pin);

/*
 * Declares BAR `bar` (0-5) with a power-of-two `size` of the given kind;
 * its address starts at 0 (not decoding). For device setup, before the
 * guest runs: nothing is reported. Returns 0, or -EINVAL for a bad index,
 * kind or size.
 */
int pci_cfg_add_bar(struct pci_cfg *s, unsigned bar,
		    enum pci_cfg_bar_kind kind, uint32_t size)
	__attribute__((warn_unused_result));

/*
 * Device-specific register setup: `size` bytes (1, 2 or 4) at `off` get
 * the initial value `val`, the write mask `wmask` and the write-1-to-clear
 * mask `w1cmask` (little-endian, like the registers). A bit set in both
 * masks is write-1-to-clear. Returns 0, or -EINVAL when the field leaves
 * the 256 bytes or the size is bad.
 */
int pci_cfg_init_reg(struct pci_cfg *s, unsigned off, unsigned size,
		     uint32_t val, uint32_t wmask, uint32_t w1cmask)
	__attribute__((warn_unused_result));

/*
 * Guest read of `size` bytes (1, 2, 4) at `off`, within one dword; *val
 * gets the little-endian value. Returns 0, or -EINVAL for a bad access,
 * which reads as all-ones (as an unclaimed access would).
 */
int pci_cfg_read(const struct pci_cfg *s, unsigned off, unsigned size,
		 uint32_t *val);

/*
 * Guest write of `size` bytes (1, 2, 4) at `off`, within one dword, through
 * the masks; then reports BAR decoding changes. Returns 0, or -EINVAL for a
 * bad access, which changes nothing.
 */
int pci_cfg_write(struct pci_cfg *s, unsigned off, unsigned size,
		  uint32_t val);

/*
 * Host-side access, bypassing the masks and reporting nothing: for a
 * device that updates its own status bits. Out-of-range bytes are ignored
 * (set) or read as 0 (get).
 */
void pci_cfg_set8(struct pci_cfg *s, unsigned off, uint8_t val);
void pci_cfg_set16(struct pci_cfg *s, unsigned off, uint16_t val);
void pci_cfg_set32(struct pci_cfg *s, unsigned off, uint32_t val);
uint8_t pci_cfg_get8(const struct pci_cfg *s, unsigned off);
uint16_t pci_cfg_get16(const struct pci_cfg *s, unsigned off);
uint32_t pci_cfg_get32(const struct pci_cfg *s, unsigned off);

/* The size of BAR `bar`, 0 when it is not implemented or out of range. */
uint32_t pci_cfg_bar_size(const struct pci_cfg *s, unsigned bar);

/*
 * Whether BAR `bar` decodes now; if so and addr is not NULL, *addr gets its
 * base address.
 */
bool pci_cfg_bar_mapped(const struct pci_cfg *s, unsigned bar,
			uint64_t *addr);

/*
 * Re-evaluates every BAR and reports changes; after a reset of the DM or a
 * host-side change of BARs or the command register. pci_cfg_write does this
 * itself.
 */
void pci_cfg_update_bars(struct pci_cfg *s);

#endif
