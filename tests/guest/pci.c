/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration mechanism #1 on the i440FX/PIIX3 machine: the
 * functions on bus 0 and their IDs, class codes and header types, sizing
 * of the IDE bus-master BAR (BAR4), the IDE's reserved BARs 0-3, an absent
 * function reading all ones, byte/word/dword accesses agreeing at every
 * offset of a dword, and command register write/read-back.
 */
#include "guest.h"

#define BDF_HOST PCI_BDF(0, 0)
#define BDF_ISA PCI_BDF(1, 0)
#define BDF_IDE PCI_BDF(1, 1)

static void test_enumerate(void)
{
	static const struct {
		unsigned bdf;
		uint16_t vendor, device;
		uint8_t cls, sub;
		const char *name;
	} want[] = {
		{ BDF_HOST, 0x8086, 0x1237, 0x06, 0x00, "i440FX host bridge" },
		{ BDF_ISA, 0x8086, 0x7000, 0x06, 0x01, "PIIX3 ISA bridge" },
		{ BDF_IDE, 0x8086, 0x7010, 0x01, 0x01, "PIIX3 IDE" },
	};
	unsigned found = 0;

	/* Everything on bus 0, as pci_find walks it. */
	for (unsigned dev = 0; dev < 32; dev++) {
		for (unsigned fn = 0; fn < 8; fn++) {
			unsigned bdf = PCI_BDF(dev, fn);
			uint32_t id = pci_read32(bdf, PCI_VENDOR_ID);

			if ((id & 0xFFFF) == 0xFFFF) {
				if (fn == 0)
					break;
				continue;
			}
			found++;
			report_info("%02x.%x: %04x:%04x class %06x header %02x",
				    dev, fn, id & 0xFFFF, id >> 16,
				    pci_read32(bdf, PCI_REVISION) >> 8,
				    pci_read8(bdf, PCI_HEADER_TYPE));
			if (fn == 0 &&
			    !(pci_read8(bdf, PCI_HEADER_TYPE) & 0x80))
				break;
		}
	}
	report(found >= 3, "bus 0 has at least 3 functions (%u)", found);

	for (unsigned i = 0; i < ARRAY_SIZE(want); i++) {
		unsigned b = want[i].bdf;

		report(pci_read16(b, PCI_VENDOR_ID) == want[i].vendor &&
			       pci_read16(b, PCI_DEVICE_ID) == want[i].device,
		       "%02x.%x: %s %04x:%04x", b >> 3, b & 7, want[i].name,
		       pci_read16(b, PCI_VENDOR_ID),
		       pci_read16(b, PCI_DEVICE_ID));
		report(pci_read8(b, PCI_CLASS) == want[i].cls &&
			       pci_read8(b, PCI_SUBCLASS) == want[i].sub,
		       "%02x.%x: class %02x %02x", b >> 3, b & 7,
		       pci_read8(b, PCI_CLASS), pci_read8(b, PCI_SUBCLASS));
		report((pci_read8(b, PCI_HEADER_TYPE) & 0x7F) == 0,
		       "%02x.%x: header type 0 (0x%02x)", b >> 3, b & 7,
		       pci_read8(b, PCI_HEADER_TYPE));
	}
	report(pci_read8(BDF_ISA, PCI_HEADER_TYPE) & 0x80,
	       "00:01.0 is multi-function (it has the IDE as function 1)");
	/* PIIX3 IDE prog-if: bit 7 bus master; both channels legacy. */
	report((pci_read8(BDF_IDE, PCI_PROG_IF) & 0x85) == 0x80,
	       "IDE prog-if 0x%02x: bus master, legacy (compatibility) mode",
	       pci_read8(BDF_IDE, PCI_PROG_IF));
	report(pci_find(0x8086, 0x7010) == BDF_IDE &&
		       pci_find(0x8086, 0x1237) == BDF_HOST &&
		       pci_find(0x8086, 0x7000) == BDF_ISA,
	       "pci_find finds all three");
	report(pci_find(0x1234, 0xFFFE) == -1, "pci_find: no such device");
}

static void test_absent(void)
{
	unsigned bdf = PCI_BDF(0x1F, 0);

	report(pci_read32(bdf, 0) == 0xFFFFFFFFu &&
		       pci_read16(bdf, 2) == 0xFFFF && pci_read8(bdf, 9) == 0xFF,
	       "absent 00:1f.0 reads all ones");
	pci_write32(bdf, PCI_COMMAND, 0x7);
	report(pci_read32(bdf, PCI_COMMAND) == 0xFFFFFFFFu,
	       "absent 00:1f.0: a write goes nowhere");
	report(pci_read32(PCI_BDF(1, 7), 0) == 0xFFFFFFFFu,
	       "absent function 00:01.7 reads all ones");
}

static void test_bars(void)
{
	uint32_t old = pci_read32(BDF_IDE, PCI_BAR0 + 16), v;
	uint16_t cmd = pci_read16(BDF_IDE, PCI_COMMAND);

	pci_write16(BDF_IDE, PCI_COMMAND, cmd & ~PCI_CMD_IO);
	pci_write32(BDF_IDE, PCI_BAR0 + 16, 0xFFFFFFFFu);
	v = pci_read32(BDF_IDE, PCI_BAR0 + 16);
	pci_write32(BDF_IDE, PCI_BAR0 + 16, old);
	pci_write16(BDF_IDE, PCI_COMMAND, cmd);
	/* Bits 31-16 are reserved on a PIIX3 (0); a VMM may keep them. */
	report((v & 0xFFFF) == 0xFFF1,
	       "BAR4 after writing ~0: 0x%08x (16-byte I/O BAR)", v);
	report(pci_read32(BDF_IDE, PCI_BAR0 + 16) == old,
	       "BAR4 restored (0x%08x)", old);
	v = pci_bar_size(BDF_IDE, 4);
	report(v == 16, "pci_bar_size(IDE, 4) = %u", v);
	report(pci_read16(BDF_IDE, PCI_COMMAND) == cmd,
	       "pci_bar_size restores the command register");

	pci_write32(BDF_IDE, PCI_BAR0 + 16, 0xC000 | PCI_BAR_IO);
	v = pci_read32(BDF_IDE, PCI_BAR0 + 16);
	report(v == (0xC000 | PCI_BAR_IO), "BAR4 := 0xC000: reads 0x%08x", v);
	pci_write32(BDF_IDE, PCI_BAR0 + 16, 0xC04F);
	v = pci_read32(BDF_IDE, PCI_BAR0 + 16);
	report(v == (0xC040 | PCI_BAR_IO),
	       "BAR4 := 0xC04F: low address bits read 0 (0x%08x)", v);
	pci_write32(BDF_IDE, PCI_BAR0 + 16, old);

	/*
	 * BARs 0-3 are reserved on a PIIX3 (read 0, writes ignored: the
	 * channels are always at their compatibility addresses), so sizing
	 * finds nothing; both VMMs model them that way too.
	 */
	for (unsigned bar = 0; bar < 4; bar++) {
		v = pci_bar_size(BDF_IDE, bar);
		report(v == 0 && pci_read32(BDF_IDE, PCI_BAR0 + 4 * bar) == 0,
		       "IDE BAR%u reserved: reads 0, sizes as unimplemented "
		       "(%u)", bar, v);
	}
	for (unsigned bar = 5; bar < 6; bar++)
		report(pci_bar_size(BDF_IDE, bar) == 0,
		       "IDE BAR%u unimplemented", bar);
	for (unsigned bar = 0; bar < 6; bar++)
		report(pci_bar_size(BDF_HOST, bar) == 0 &&
			       pci_bar_size(BDF_ISA, bar) == 0,
		       "host bridge and ISA bridge: no BAR%u", bar);
}

/* Every width at every offset of a few dwords must tell the same story. */
static void test_widths(void)
{
	static const unsigned bdfs[] = { BDF_HOST, BDF_ISA, BDF_IDE };
	static const unsigned offs[] = { 0x00, 0x04, 0x08, 0x0C, 0x2C, 0x3C };
	bool ok = true;

	for (unsigned i = 0; i < ARRAY_SIZE(bdfs); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(offs); j++) {
			unsigned b = bdfs[i], o = offs[j];
			uint32_t d = pci_read32(b, o);

			for (unsigned k = 0; k < 4; k++) {
				uint8_t v8 = pci_read8(b, o + k);

				if (v8 != (uint8_t)(d >> (8 * k))) {
					report_info("%02x.%x +0x%x: byte 0x%02x,"
						    " dword 0x%08x", b >> 3,
						    b & 7, o + k, v8, d);
					ok = false;
				}
			}
			for (unsigned k = 0; k < 4; k += 2) {
				uint16_t v16 = pci_read16(b, o + k);

				if (v16 != (uint16_t)(d >> (8 * k))) {
					report_info("%02x.%x +0x%x: word 0x%04x,"
						    " dword 0x%08x", b >> 3,
						    b & 7, o + k, v16, d);
					ok = false;
				}
			}
		}
	}
	report(ok, "byte, word and dword reads agree at offsets 0-3");

	/* Writes of each width land in the right byte: interrupt line. */
	uint8_t line = pci_read8(BDF_IDE, 0x3C);

	pci_write8(BDF_IDE, 0x3C, 0x5A);
	report(pci_read8(BDF_IDE, 0x3C) == 0x5A &&
		       (pci_read32(BDF_IDE, 0x3C) & 0xFF) == 0x5A,
	       "byte write of the interrupt line (0x3c)");
	pci_write16(BDF_IDE, 0x3C, (pci_read16(BDF_IDE, 0x3C) & 0xFF00) | 0xA5);
	report(pci_read8(BDF_IDE, 0x3C) == 0xA5, "word write of 0x3c");
	pci_write8(BDF_IDE, 0x3D, 0x04);
	report(pci_read8(BDF_IDE, 0x3C) == 0xA5,
	       "interrupt pin (0x3d, read-only) write leaves 0x3c alone");
	pci_write8(BDF_IDE, 0x3C, line);
	/* The latency timer (0x0d) is a byte in the middle of a dword. */
	uint32_t d = pci_read32(BDF_IDE, 0x0C);

	pci_write8(BDF_IDE, 0x0F, 0x00); /* BIST: read-only here, 0 = no-op */
	report(pci_read32(BDF_IDE, 0x0C) == d,
	       "byte write of BIST (0x0f) changes nothing (0x%08x)", d);
	report(pci_read16(BDF_HOST, 0x01) == pci_read16(BDF_HOST, 0x00),
	       "a word read at an odd offset is aligned down (by the kit)");
}

static void test_command(void)
{
	uint16_t cmd = pci_read16(BDF_IDE, PCI_COMMAND), v;

	pci_write16(BDF_IDE, PCI_COMMAND, cmd | PCI_CMD_IO | PCI_CMD_MASTER);
	v = pci_read16(BDF_IDE, PCI_COMMAND);
	report((v & (PCI_CMD_IO | PCI_CMD_MASTER)) ==
		       (PCI_CMD_IO | PCI_CMD_MASTER),
	       "IDE command: I/O and bus master set (0x%04x)", v);
	pci_write16(BDF_IDE, PCI_COMMAND,
		    cmd & ~(PCI_CMD_IO | PCI_CMD_MASTER));
	v = pci_read16(BDF_IDE, PCI_COMMAND);
	report(!(v & (PCI_CMD_IO | PCI_CMD_MASTER)),
	       "IDE command: I/O and bus master clear (0x%04x)", v);
	pci_write8(BDF_IDE, PCI_COMMAND, PCI_CMD_MASTER);
	v = pci_read16(BDF_IDE, PCI_COMMAND);
	report((v & (PCI_CMD_IO | PCI_CMD_MASTER)) == PCI_CMD_MASTER,
	       "IDE command: byte write (0x%04x)", v);
	pci_write16(BDF_IDE, PCI_COMMAND, cmd);
	report(pci_read16(BDF_IDE, PCI_COMMAND) == cmd,
	       "IDE command restored (0x%04x)", cmd);

	/* Status bits 15-11 are write-1-to-clear: writing 0 keeps them. */
	uint16_t st = pci_read16(BDF_IDE, PCI_STATUS);

	pci_write16(BDF_IDE, PCI_STATUS, 0);
	report(pci_read16(BDF_IDE, PCI_STATUS) == st,
	       "IDE status unchanged by writing 0 (0x%04x)", st);
}

int main(void)
{
	test_enumerate();
	test_absent();
	test_bars();
	test_widths();
	test_command();
	return report_summary();
}
