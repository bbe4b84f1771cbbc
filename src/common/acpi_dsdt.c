/* SPDX-License-Identifier: MIT */
/*
 * The DSDT's AML, what ASL would write as:
 *
 *   Name (\_S5, Package (4) { 0, 0, 0, 0 })    // SLP_TYP 0: PIIX4 soft-off
 *   Scope (\_SB) {
 *     Device (LNKA) ... (LNKD)                  // PCI interrupt links
 *     Device (PCI0) {                           // PNP0A03 host bridge
 *       _HID, _UID, _CRS (bus 0-255, I/O, VGA and PCI windows), _PRT
 *       Device (ISA) {                          // PIIX3 at 00:01.0
 *         OperationRegion (P40C, PCI_Config, 0x60, 4)   // PIRQRC[A-D]
 *         Device (KBD), Device (COM1), Device (RTC)
 *       }
 *     }
 *   }
 *
 * The links follow the PIIX3's routing registers, as the chipset really
 * works: _CRS reads PIRQRCx, _SRS writes it (and the DM reports the new
 * route to hv), _DIS sets the disable bit, _STA reports it. So the guest's
 * routing holds whether SeaBIOS programmed the links first (SeaBIOS path)
 * or nobody did (direct boot). The power button is the fixed-feature one
 * (FADT PWR_BUTTON clear) and needs no object here.
 */
#include <errno.h>

#include "common/acpi.h"
#include "common/acpi_aml.h"
#include "common/machine.h"

#define DSDT_ISA_PATH "\\_SB.PCI0.ISA"
#define DSDT_PIRQ_DISABLE 0x80u
#define DSDT_PIRQ_IRQ_MASK 0x0fu
/* _STA values: present, enabled, functioning (not shown: bit 2 clear);
 * and present and functioning but disabled. */
#define DSDT_STA_ENABLED 0x0bu
#define DSDT_STA_DISABLED 0x09u

/* ISA IRQs the links may take, as the MADT's level overrides say. */
static const uint32_t dsdt_link_irqs[] = { 5, 10, 11 };

/* Emits `\_SB.PCI0.ISA.PRQn` (the PIRQRC byte of link n). */
static void dsdt_prq(struct acpi_aml *a, unsigned link)
{
	char name[] = DSDT_ISA_PATH ".PRQ0";

	name[sizeof(name) - 2] = (char)('0' + link);
	acpi_aml_name(a, name);
}

/* And(PRQn, mask, Zero): the predicate/value, target discarded. */
static void dsdt_prq_and(struct acpi_aml *a, unsigned link, unsigned mask)
{
	acpi_aml_byte(a, AML_AND);
	dsdt_prq(a, link);
	acpi_aml_int(a, mask);
	acpi_aml_byte(a, AML_ZERO); /* NullName target */
}

static void dsdt_link(struct acpi_aml *a, unsigned link)
{
	char name[] = "LNKA";
	struct acpi_res r;
	const uint32_t none = 0;

	name[3] = (char)('A' + link);
	acpi_aml_device(a, name);
	acpi_aml_name_decl(a, "_HID");
	acpi_aml_eisaid(a, "PNP0C0F");
	acpi_aml_name_int(a, "_UID", link);

	acpi_res_init(&r);
	acpi_res_ext_irq(&r, dsdt_link_irqs,
			 sizeof(dsdt_link_irqs) / sizeof(dsdt_link_irqs[0]));
	acpi_res_end(&r);
	acpi_aml_name_res(a, "_PRS", &r);

	/* The current setting: one interrupt, its number patched by _CRS
	 * through IRQV (byte 5 of the descriptor). */
	acpi_res_init(&r);
	acpi_res_ext_irq(&r, &none, 1);
	acpi_res_end(&r);
	acpi_aml_name_res(a, "RSRC", &r);
	acpi_aml_byte(a, 0x8a); /* CreateDWordField (RSRC, 5, IRQV) */
	acpi_aml_name(a, "RSRC");
	acpi_aml_int(a, 5);
	acpi_aml_name(a, "IRQV");

	/* _STA: If (And (PRQn, 0x80)) { Return (9) } Return (0xB) */
	acpi_aml_method(a, "_STA", 0, 0);
	acpi_aml_open(a, AML_IF);
	dsdt_prq_and(a, link, DSDT_PIRQ_DISABLE);
	acpi_aml_byte(a, AML_RETURN);
	acpi_aml_int(a, DSDT_STA_DISABLED);
	acpi_aml_close(a);
	acpi_aml_byte(a, AML_RETURN);
	acpi_aml_int(a, DSDT_STA_ENABLED);
	acpi_aml_close(a);

	/* _DIS: Or (PRQn, 0x80, PRQn) */
	acpi_aml_method(a, "_DIS", 0, 0);
	acpi_aml_byte(a, AML_OR);
	dsdt_prq(a, link);
	acpi_aml_int(a, DSDT_PIRQ_DISABLE);
	dsdt_prq(a, link);
	acpi_aml_close(a);

	/*
	 * _CRS: If (And (PRQn, 0x80)) { IRQV = 0 } Else { IRQV = And (PRQn,
	 * 0x0F) } Return (RSRC). Serialized: two callers share RSRC.
	 */
	acpi_aml_method(a, "_CRS", 0, 1);
	acpi_aml_open(a, AML_IF);
	dsdt_prq_and(a, link, DSDT_PIRQ_DISABLE);
	acpi_aml_byte(a, AML_STORE);
	acpi_aml_int(a, 0);
	acpi_aml_name(a, "IRQV");
	acpi_aml_close(a);
	acpi_aml_open(a, AML_ELSE);
	acpi_aml_byte(a, AML_STORE);
	dsdt_prq_and(a, link, DSDT_PIRQ_IRQ_MASK);
	acpi_aml_name(a, "IRQV");
	acpi_aml_close(a);
	acpi_aml_byte(a, AML_RETURN);
	acpi_aml_name(a, "RSRC");
	acpi_aml_close(a);

	/*
	 * _SRS (Arg0: a template like _PRS's with one interrupt): PRQn = the
	 * interrupt's low byte (ISA IRQs fit, and bit 7 clear enables).
	 */
	acpi_aml_method(a, "_SRS", 1, 0);
	acpi_aml_byte(a, AML_STORE);
	acpi_aml_byte(a, AML_DEREF_OF);
	acpi_aml_byte(a, AML_INDEX);
	acpi_aml_byte(a, AML_ARG0);
	acpi_aml_int(a, 5);
	acpi_aml_byte(a, AML_ZERO);
	dsdt_prq(a, link);
	acpi_aml_close(a);

	acpi_aml_close(a); /* Device */
}

/* The host bridge's windows: bus numbers, I/O around 0xCF8, memory. */
static void dsdt_pci_crs(struct acpi_aml *a, const struct acpi_config *cfg)
{
	struct acpi_res r;

	acpi_res_init(&r);
	acpi_res_bus(&r, 0, 0xff);
	acpi_res_io(&r, 0xcf8, 0xcf8, 1, 8); /* the bridge's own ports */
	acpi_res_word_io(&r, 0x0000, 0x0cf7);
	acpi_res_word_io(&r, MACHINE_PCI_IO_FIRST, MACHINE_PCI_IO_LAST);
	acpi_res_dword_mem(&r, 0xa0000, 0xbffff, 1); /* legacy VGA */
	acpi_res_dword_mem(&r, cfg->pci_mem_base, cfg->pci_mem_end, 0);
	acpi_res_end(&r);
	acpi_aml_name_res(a, "_CRS", &r);
}

/*
 * _PRT: for each slot in use, INTA-D to the link hv's swizzle picks (the
 * PIIX3's: slot s pin p is link (s + p - 1) mod 4, INTA of slot 1 is
 * LNKA), as { address 0xSSSSFFFF, pin, link, 0 }.
 */
static void dsdt_prt(struct acpi_aml *a, const struct acpi_config *cfg)
{
	unsigned slot, pin, n = 0;

	for (slot = 0; slot < 32; slot++)
		if (cfg->pci_slots & (1u << slot))
			n += 4;
	acpi_aml_name_decl(a, "_PRT");
	acpi_aml_package(a, n);
	for (slot = 0; slot < 32; slot++) {
		if (!(cfg->pci_slots & (1u << slot)))
			continue;
		for (pin = 0; pin < 4; pin++) {
			char link[] = "\\_SB.LNKA";

			link[sizeof(link) - 2] = (char)('A' + ((slot + pin + 3) & 3));
			acpi_aml_package(a, 4);
			acpi_aml_int(a, ((uint64_t)slot << 16) | 0xffff);
			acpi_aml_int(a, pin);
			acpi_aml_name(a, link);
			acpi_aml_int(a, 0);
			acpi_aml_close(a);
		}
	}
	acpi_aml_close(a);
}

/* An ISA device with a fixed _HID and _CRS. */
/* Adds the fixed port ranges of machine device `id` to `r`, and its
 * first ISA IRQ when `irq` (a device's others are other functions). */
static void dsdt_machine_res(struct acpi_res *r, enum machine_dev_id id,
			     int irq)
{
	const struct machine_dev *m = &machine_devs[id];
	unsigned i;

	for (i = 0; i < m->nr_ranges; i++)
		if (m->ranges[i].type == DM_OP_RANGE_PORT &&
		    !(m->ranges[i].flags & MACHINE_RANGE_BAR))
			acpi_res_io(r, (uint16_t)m->ranges[i].first,
				    (uint16_t)m->ranges[i].first, 1,
				    (uint8_t)(m->ranges[i].last -
					      m->ranges[i].first + 1));
	if (irq && m->nr_irqs)
		acpi_res_irq_noflags(r, m->irqs[0]);
}

static void dsdt_isa_dev(struct acpi_aml *a, const char *name,
			 const char *hid, int uid, const struct acpi_res *r)
{
	acpi_aml_device(a, name);
	acpi_aml_name_decl(a, "_HID");
	acpi_aml_eisaid(a, hid);
	if (uid >= 0)
		acpi_aml_name_int(a, "_UID", (uint64_t)uid);
	acpi_aml_name_res(a, "_CRS", r);
	acpi_aml_close(a);
}

static void dsdt_isa(struct acpi_aml *a)
{
	static const char *const prq[] = { "PRQ0", "PRQ1", "PRQ2", "PRQ3" };
	static const unsigned bits[] = { 8, 8, 8, 8 };
	struct acpi_res r;

	acpi_aml_device(a, "ISA");
	/* _ADR: device << 16 | function (00:01.0) */
	acpi_aml_name_int(a, "_ADR",
			  (uint64_t)(machine_devs[MACHINE_PIIX3].bdf >> 3) << 16 |
				  (machine_devs[MACHINE_PIIX3].bdf & 7));
	acpi_aml_op_region(a, "P40C", AML_REGION_PCI_CONFIG, 0x60, 4);
	acpi_aml_field(a, "P40C", AML_FIELD_BYTE_ACC | AML_FIELD_PRESERVE, prq,
		       bits, 4);

	/* The keyboard's IRQ 1 (IRQ 12 is the mouse's, not described). */
	acpi_res_init(&r);
	dsdt_machine_res(&r, MACHINE_I8042, 1);
	acpi_res_end(&r);
	dsdt_isa_dev(a, "KBD", "PNP0303", -1, &r);

	acpi_res_init(&r);
	dsdt_machine_res(&r, MACHINE_UART, 1);
	acpi_res_end(&r);
	dsdt_isa_dev(a, "COM1", "PNP0501", 1, &r);

	acpi_res_init(&r);
	dsdt_machine_res(&r, MACHINE_RTC, 1);
	acpi_res_end(&r);
	dsdt_isa_dev(a, "RTC", "PNP0B00", -1, &r);

	acpi_aml_close(a);
}

int acpi_dsdt_body(const struct acpi_config *cfg, uint8_t *out, size_t cap)
{
	struct acpi_aml a;
	unsigned i;

	acpi_aml_init(&a, out, cap);

	/* \_S5: SLP_TYPa, SLP_TYPb, two reserved. */
	acpi_aml_name_decl(&a, "\\_S5");
	acpi_aml_package(&a, 4);
	acpi_aml_int(&a, ACPI_S5_SLP_TYP);
	acpi_aml_int(&a, ACPI_S5_SLP_TYP);
	acpi_aml_int(&a, 0);
	acpi_aml_int(&a, 0);
	acpi_aml_close(&a);

	acpi_aml_scope(&a, "\\_SB");
	/* The links first, so _PRT's references resolve at load time. */
	for (i = 0; i < 4; i++)
		dsdt_link(&a, i);
	acpi_aml_device(&a, "PCI0");
	acpi_aml_name_decl(&a, "_HID");
	acpi_aml_eisaid(&a, "PNP0A03");
	/* No _ADR: a root bridge is named by _HID (and _BBN, default 0). */
	acpi_aml_name_int(&a, "_UID", 0);
	dsdt_pci_crs(&a, cfg);
	dsdt_prt(&a, cfg);
	dsdt_isa(&a);
	acpi_aml_close(&a); /* PCI0 */
	acpi_aml_close(&a); /* \_SB */

	return acpi_aml_finish(&a);
}
