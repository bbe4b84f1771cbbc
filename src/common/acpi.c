/* SPDX-License-Identifier: MIT */
/*
 * The fixed-layout ACPI tables (RSDP, RSDT, XSDT, FADT, FACS, MADT) and the
 * link step shared by both boot paths: see acpi.h. Layouts follow the ACPI
 * specification (6.x, section 5.2); the FADT is revision 3 (244 bytes, the
 * ACPI 2.0 layout every OS since 2000 reads).
 */
#include "common/acpi.h"
#include "common/machine.h"

#include <errno.h>
#include <string.h>

#define ACPI_HDR_SIZE 36u
#define ACPI_FACS_SIZE 64u
#define ACPI_FADT_SIZE 244u
#define ACPI_FADT_REV 3u

/* FADT fields (offsets from the table's start). */
#define FADT_FIRMWARE_CTRL 36u
#define FADT_DSDT 40u
#define FADT_X_FIRMWARE_CTRL 132u
#define FADT_X_DSDT 140u

/* FADT flags. */
#define FADT_WBINVD (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_SLP_BUTTON (1u << 5) /* no sleep button */
#define FADT_FIX_RTC (1u << 6)	  /* no RTC_STS in PM1 */
#define FADT_RESET_REG_SUP (1u << 10)
#define FADT_USE_PLATFORM_CLOCK (1u << 15)
/* IA-PC boot architecture flags. */
#define FADT_BOOT_LEGACY_DEVICES (1u << 0)
#define FADT_BOOT_8042 (1u << 1)

/* Generic address structure: space IDs and access sizes. */
#define GAS_SYSTEM_IO 1u
#define GAS_ACCESS_BYTE 1u

/* MADT. */
#define MADT_PCAT_COMPAT 1u
#define MADT_LAPIC 0u
#define MADT_IOAPIC 1u
#define MADT_ISO 2u
#define MADT_LAPIC_NMI 4u
#define MADT_LAPIC_ENABLED 1u
/* MPS INTI flags: polarity bits 1:0, trigger mode bits 3:2. */
#define MPS_ACTIVE_HIGH 0x1u
#define MPS_LEVEL 0xcu

/* A PC-compatible RTC century register, as the DM's mc146818 keeps. */
#define FADT_CENTURY_INDEX 0x32u

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Builder state: the blob being filled and whether it overflowed. */
struct acpi_b {
	struct acpi_tables *t;
	int err;
};

/* Reserves `len` zeroed bytes at `align`; returns the offset, or 0 with
 * b->err set (offset 0 is the FACS, never a later table). */
static uint32_t acpi_alloc(struct acpi_b *b, uint32_t len, uint32_t align)
{
	uint32_t off = (b->t->tables_len + align - 1) & ~(align - 1);

	if (b->err || off > ACPI_TABLES_MAX || len > ACPI_TABLES_MAX - off) {
		b->err = -ENOSPC;
		return 0;
	}
	memset(b->t->tables + b->t->tables_len, 0, off + len - b->t->tables_len);
	b->t->tables_len = off + len;
	return off;
}

static void acpi_add_pointer(struct acpi_b *b, unsigned blob, uint32_t offset,
			     unsigned size, unsigned target)
{
	struct acpi_tables *t = b->t;

	if (t->npointers == ACPI_MAX_POINTERS) {
		b->err = -ENOSPC;
		return;
	}
	t->pointer[t->npointers++] = (struct acpi_pointer){
		.blob = (uint8_t)blob,
		.target = (uint8_t)target,
		.size = (uint8_t)size,
		.offset = offset,
	};
}

static void acpi_add_checksum(struct acpi_b *b, unsigned blob,
			      uint32_t offset, uint32_t start, uint32_t len)
{
	struct acpi_tables *t = b->t;

	if (t->nchecksums == ACPI_MAX_CHECKSUMS) {
		b->err = -ENOSPC;
		return;
	}
	t->checksum[t->nchecksums++] = (struct acpi_checksum){
		.blob = (uint8_t)blob,
		.offset = offset,
		.start = start,
		.len = len,
	};
}

/* Writes a standard header at `off` and queues its checksum (byte 9). */
static void acpi_header(struct acpi_b *b, uint32_t off, const char sig[4],
			uint32_t len, uint8_t rev)
{
	uint8_t *h = b->t->tables + off;

	if (b->err)
		return;
	memcpy(h, sig, 4);
	put32(h + 4, len);
	h[8] = rev;
	h[9] = 0; /* checksum, fixed at link time */
	memcpy(h + 10, "SAFEPC", 6);
	memcpy(h + 16, "SAFEPC  ", 8); /* OEM table ID */
	memcpy(h + 16 + 6, sig, 2);    /* ...made unique per table */
	put32(h + 24, 1);	       /* OEM revision */
	memcpy(h + 28, "SPC ", 4);     /* creator ID */
	put32(h + 32, 1);	       /* creator revision */
	acpi_add_checksum(b, ACPI_BLOB_TABLES, off + 9, off, len);
}

/* A generic address structure for `len` bytes of I/O ports at `port`. */
static void acpi_gas_io(uint8_t *p, uint16_t port, unsigned len,
			unsigned access)
{
	p[0] = GAS_SYSTEM_IO;
	p[1] = (uint8_t)(len * 8);
	p[2] = 0;
	p[3] = (uint8_t)access;
	put64(p + 4, port);
}

static void acpi_build_facs(struct acpi_b *b)
{
	uint32_t off = acpi_alloc(b, ACPI_FACS_SIZE, 64);
	uint8_t *f = b->t->tables + off;

	b->t->facs_off = off;
	if (b->err)
		return;
	/* No checksum and no header beyond signature and length. */
	memcpy(f, "FACS", 4);
	put32(f + 4, ACPI_FACS_SIZE);
	f[32] = 1; /* version: ACPI 2.0 layout, 64-bit waking vector */
}

static void acpi_build_dsdt(struct acpi_b *b, const struct acpi_config *cfg)
{
	struct acpi_tables *t = b->t;
	uint32_t off = (t->tables_len + 3) & ~3u;
	int body;

	if (b->err)
		return;
	if (off + ACPI_HDR_SIZE > ACPI_TABLES_MAX) {
		b->err = -ENOSPC;
		return;
	}
	body = acpi_dsdt_body(cfg, t->tables + off + ACPI_HDR_SIZE,
			      ACPI_TABLES_MAX - off - ACPI_HDR_SIZE);
	if (body < 0) {
		b->err = body;
		return;
	}
	/* The body is written in place: claim it without clearing it. */
	t->tables_len = off + ACPI_HDR_SIZE + (uint32_t)body;
	memset(t->tables + off, 0, ACPI_HDR_SIZE);
	t->dsdt_off = off;
	t->dsdt_len = ACPI_HDR_SIZE + (uint32_t)body;
	/* Revision 2: AML integers are 64 bits wide. */
	acpi_header(b, off, "DSDT", t->dsdt_len, 2);
}

static void acpi_build_fadt(struct acpi_b *b, const struct acpi_config *cfg)
{
	uint32_t off = acpi_alloc(b, ACPI_FADT_SIZE, 8);
	uint8_t *f = b->t->tables + off;
	uint32_t flags = FADT_WBINVD | FADT_PROC_C1 | FADT_SLP_BUTTON |
			 FADT_FIX_RTC | FADT_USE_PLATFORM_CLOCK;
	uint16_t pm = cfg->pm_base;

	b->t->fadt_off = off;
	if (b->err)
		return;
	acpi_header(b, off, "FACP", ACPI_FADT_SIZE, ACPI_FADT_REV);
	put32(f + FADT_FIRMWARE_CTRL, b->t->facs_off);
	acpi_add_pointer(b, ACPI_BLOB_TABLES, off + FADT_FIRMWARE_CTRL, 4,
			 ACPI_BLOB_TABLES);
	put32(f + FADT_DSDT, b->t->dsdt_off);
	acpi_add_pointer(b, ACPI_BLOB_TABLES, off + FADT_DSDT, 4,
			 ACPI_BLOB_TABLES);
	f[44] = 1; /* INT_MODEL (ACPI 1.0 field): multiple APIC */
	f[45] = 0; /* preferred PM profile: unspecified */
	put16(f + 46, cfg->sci_irq);
	/*
	 * SMI_CMD 0: there is no SMM handshake, the platform is in ACPI mode
	 * from reset (ACPICA then never writes ACPI_ENABLE).
	 */
	put32(f + 48, 0);
	put32(f + 56, pm + ACPI_PM1_EVT_OFF); /* PM1a_EVT_BLK */
	put32(f + 64, pm + ACPI_PM1_CNT_OFF); /* PM1a_CNT_BLK */
	put32(f + 76, pm + ACPI_PM_TMR_OFF);  /* PM_TMR_BLK */
	f[88] = 4;			      /* PM1_EVT_LEN */
	f[89] = 2;			      /* PM1_CNT_LEN */
	f[91] = 4;			      /* PM_TMR_LEN */
	/* No C2/C3: latencies above the limits (100 and 1000 us). */
	put16(f + 96, 0x0fff);
	put16(f + 98, 0x0fff);
	f[108] = FADT_CENTURY_INDEX;
	put16(f + 109, FADT_BOOT_LEGACY_DEVICES | FADT_BOOT_8042);
	if (cfg->reset_port) {
		flags |= FADT_RESET_REG_SUP;
		acpi_gas_io(f + 116, cfg->reset_port, 1, GAS_ACCESS_BYTE);
		f[128] = cfg->reset_value;
	}
	/* PWR_BUTTON (bit 4) clear: the power button is the fixed feature,
	 * PM1 PWRBTN_STS raising the SCI. */
	put32(f + 112, flags);
	/*
	 * X_FIRMWARE_CTRL stays 0: the spec forbids both FACS pointers being
	 * set. X_DSDT is set as well as DSDT (same table, below 4 GiB).
	 */
	put64(f + FADT_X_DSDT, b->t->dsdt_off);
	acpi_add_pointer(b, ACPI_BLOB_TABLES, off + FADT_X_DSDT, 8,
			 ACPI_BLOB_TABLES);
	acpi_gas_io(f + 148, pm + ACPI_PM1_EVT_OFF, 4, 0); /* X_PM1a_EVT */
	acpi_gas_io(f + 172, pm + ACPI_PM1_CNT_OFF, 2, 0); /* X_PM1a_CNT */
	acpi_gas_io(f + 208, pm + ACPI_PM_TMR_OFF, 4, 0);  /* X_PM_TMR */
}

static uint8_t *madt_entry(struct acpi_b *b, unsigned type, unsigned len)
{
	uint32_t off = acpi_alloc(b, len, 1);

	if (b->err)
		return NULL;
	b->t->tables[off] = (uint8_t)type;
	b->t->tables[off + 1] = (uint8_t)len;
	return b->t->tables + off;
}

/* An interrupt source override: ISA `irq` is GSI `gsi` with `flags`. */
static void madt_iso(struct acpi_b *b, unsigned irq, unsigned gsi,
		     unsigned flags)
{
	uint8_t *e = madt_entry(b, MADT_ISO, 10);

	if (!e)
		return;
	e[2] = 0; /* bus: ISA */
	e[3] = (uint8_t)irq;
	put32(e + 4, gsi);
	put16(e + 8, (uint16_t)flags);
}

/* IRQs the PCI links may take (the DSDT's _PRS): level, active high. */
static const uint8_t acpi_pci_irqs[] = { 5, 10, 11 };

static void acpi_build_madt(struct acpi_b *b, const struct acpi_config *cfg)
{
	uint32_t off = acpi_alloc(b, ACPI_HDR_SIZE + 8, 4);
	uint8_t *e;
	unsigned i;

	b->t->madt_off = off;
	if (b->err)
		return;
	put32(b->t->tables + off + 36, ACPI_LAPIC_ADDR);
	put32(b->t->tables + off + 40, MADT_PCAT_COMPAT); /* 8259s present */
	for (i = 0; i < cfg->nr_vcpus; i++) {
		e = madt_entry(b, MADT_LAPIC, 8);
		if (!e)
			return;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC ID */
		put32(e + 4, MADT_LAPIC_ENABLED);
	}
	e = madt_entry(b, MADT_IOAPIC, 12);
	if (!e)
		return;
	e[2] = cfg->ioapic_id;
	put32(e + 4, cfg->ioapic_addr);
	put32(e + 8, 0); /* GSI base */
	/* The PIT's IRQ 0 is wired to IOAPIC pin 2, as on every PC. */
	madt_iso(b, 0, 2, 0);
	/* SCI and the PCI links: level-triggered, active high (PIIX). */
	madt_iso(b, cfg->sci_irq, cfg->sci_irq, MPS_ACTIVE_HIGH | MPS_LEVEL);
	for (i = 0; i < sizeof(acpi_pci_irqs); i++)
		if (acpi_pci_irqs[i] != cfg->sci_irq)
			madt_iso(b, acpi_pci_irqs[i], acpi_pci_irqs[i],
				 MPS_ACTIVE_HIGH | MPS_LEVEL);
	/* NMI on LINT1 of every processor (UID 0xFF: all). */
	e = madt_entry(b, MADT_LAPIC_NMI, 6);
	if (!e)
		return;
	e[2] = 0xff;
	put16(e + 3, 0);
	e[5] = 1;
	acpi_header(b, off, "APIC", b->t->tables_len - off, 1);
}

/* RSDT (4-byte entries) or XSDT (8-byte) listing the FADT and the MADT. */
static uint32_t acpi_build_sdt(struct acpi_b *b, const char sig[4],
			       unsigned size)
{
	const uint32_t entry[] = { b->t->fadt_off, b->t->madt_off };
	uint32_t len = ACPI_HDR_SIZE + 2 * size;
	uint32_t off = acpi_alloc(b, len, size);
	unsigned i;

	if (b->err)
		return 0;
	acpi_header(b, off, sig, len, 1);
	for (i = 0; i < 2; i++) {
		uint32_t at = off + ACPI_HDR_SIZE + i * size;

		if (size == 4)
			put32(b->t->tables + at, entry[i]);
		else
			put64(b->t->tables + at, entry[i]);
		acpi_add_pointer(b, ACPI_BLOB_TABLES, at, size,
				 ACPI_BLOB_TABLES);
	}
	return off;
}

static void acpi_build_rsdp(struct acpi_b *b)
{
	uint8_t *r = b->t->rsdp;

	memset(r, 0, ACPI_RSDP_SIZE);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "SAFEPC", 6);
	r[15] = 2; /* ACPI 2.0+: XSDT present */
	put32(r + 16, b->t->rsdt_off);
	acpi_add_pointer(b, ACPI_BLOB_RSDP, 16, 4, ACPI_BLOB_TABLES);
	put32(r + 20, ACPI_RSDP_SIZE);
	put64(r + 24, b->t->xsdt_off);
	acpi_add_pointer(b, ACPI_BLOB_RSDP, 24, 8, ACPI_BLOB_TABLES);
	/* The ACPI 1.0 checksum covers 20 bytes, the extended one all 36. */
	acpi_add_checksum(b, ACPI_BLOB_RSDP, 8, 0, 20);
	acpi_add_checksum(b, ACPI_BLOB_RSDP, 32, 0, ACPI_RSDP_SIZE);
}

void acpi_config_default(struct acpi_config *cfg, unsigned nr_vcpus,
			 uint64_t ram_low, uint64_t ram_high)
{
	uint64_t base = ram_low < 0x100000 ? 0x100000 : ram_low;

	memset(cfg, 0, sizeof(*cfg));
	cfg->nr_vcpus = nr_vcpus;
	cfg->ram_low = ram_low;
	cfg->ram_high = ram_high;
	cfg->ioapic_addr = ACPI_IOAPIC_ADDR;
	cfg->ioapic_id = 0;
	/* Where the DM's acpi_pm and reset_ctl are (the machine table). */
	cfg->pm_base = machine_port(MACHINE_ACPI_PM);
	cfg->sci_irq = (uint8_t)machine_irq(MACHINE_ACPI_PM, 0);
	cfg->reset_port = machine_port(MACHINE_RESET_CTL);
	cfg->reset_value = ACPI_RESET_VALUE;
	cfg->pci_slots = 0xffffffffu;
	/* Round up to 1 MiB so the window starts on a BAR-friendly line. */
	base = (base + 0xfffff) & ~0xfffffull;
	if (base > ACPI_IOAPIC_ADDR)
		base = ACPI_IOAPIC_ADDR;
	cfg->pci_mem_base = (uint32_t)base;
	cfg->pci_mem_end = ACPI_IOAPIC_ADDR - 1;
}

static int acpi_config_ok(const struct acpi_config *cfg)
{
	if (cfg->nr_vcpus < 1 || cfg->nr_vcpus > ACPI_MAX_VCPUS)
		return 0;
	if (cfg->sci_irq < 1 || cfg->sci_irq > 15 || cfg->sci_irq == 2)
		return 0;
	if (!cfg->pm_base || (cfg->pm_base & 0x3f))
		return 0;
	return cfg->pci_mem_base <= cfg->pci_mem_end;
}

int acpi_build(struct acpi_tables *t, const struct acpi_config *cfg)
{
	struct acpi_b b = { .t = t, .err = 0 };

	if (!acpi_config_ok(cfg))
		return -EINVAL;
	t->tables_len = 0;
	t->npointers = 0;
	t->nchecksums = 0;
	t->facs_off = t->dsdt_off = t->fadt_off = 0;
	t->madt_off = t->rsdt_off = t->xsdt_off = 0;
	t->dsdt_len = 0;
	acpi_build_facs(&b);
	acpi_build_dsdt(&b, cfg);
	acpi_build_fadt(&b, cfg);
	acpi_build_madt(&b, cfg);
	t->rsdt_off = acpi_build_sdt(&b, "RSDT", 4);
	t->xsdt_off = acpi_build_sdt(&b, "XSDT", 8);
	acpi_build_rsdp(&b);
	return b.err;
}

int acpi_link(const struct acpi_tables *t, uint64_t tables_gpa,
	      uint64_t rsdp_gpa, uint8_t *out_tables, uint8_t *out_rsdp)
{
	const uint64_t base[2] = { tables_gpa, rsdp_gpa };
	uint8_t *blob[2] = { out_tables, out_rsdp };
	unsigned i;

	if (tables_gpa + t->tables_len > 0x100000000ull ||
	    rsdp_gpa + ACPI_RSDP_SIZE > 0x100000000ull)
		return -EINVAL;
	memcpy(out_tables, t->tables, t->tables_len);
	memcpy(out_rsdp, t->rsdp, ACPI_RSDP_SIZE);
	/* The same two passes SeaBIOS makes from the loader script. */
	for (i = 0; i < t->npointers; i++) {
		const struct acpi_pointer *p = &t->pointer[i];
		uint8_t *f = blob[p->blob] + p->offset;
		uint64_t v = get_le(f, p->size) + base[p->target];

		if (p->size == 4)
			put32(f, (uint32_t)v);
		else
			put64(f, v);
	}
	for (i = 0; i < t->nchecksums; i++) {
		const struct acpi_checksum *c = &t->checksum[i];
		uint8_t *f = blob[c->blob];

		f[c->offset] = (uint8_t)(f[c->offset] - acpi_sum(f + c->start,
								  c->len));
	}
	return 0;
}
