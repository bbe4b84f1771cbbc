/* SPDX-License-Identifier: MIT */
/*
 * acpi unit tests: the tables as a guest finds them, after a simulated
 * SeaBIOS run of the "etc/table-loader" script (a small interpreter below)
 * and after acpi_link() for direct boot; the MADT for 1, 8 and 255 vCPUs;
 * the FADT's PM block; the AML encoder's encodings; and, where iasl is
 * installed ($IASL), a disassembly of the DSDT without errors, and the
 * link methods run by acpiexec ($ACPIEXEC).
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/acpi.h"
#include "common/acpi_aml.h"

#define RAM_LOW (512ull << 20)

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* ---- A fake guest: two zones of RAM, as SeaBIOS allocates from. ---- */

#define HIGH_BASE 0x1fff0000u /* a 64 KiB zone near the top of low RAM */
#define FSEG_BASE 0xf0000u
#define ZONE_SIZE 0x10000u

struct guest {
	uint8_t high[ZONE_SIZE];
	uint8_t fseg[ZONE_SIZE];
	uint32_t high_used, fseg_used;
	uint64_t addr[2]; /* where each blob landed */
};

static struct guest g;

static uint8_t *gpa(uint64_t a, uint32_t len)
{
	if (a >= HIGH_BASE && a + len <= HIGH_BASE + ZONE_SIZE)
		return g.high + (a - HIGH_BASE);
	if (a >= FSEG_BASE && a + len <= FSEG_BASE + ZONE_SIZE)
		return g.fseg + (a - FSEG_BASE);
	return NULL;
}

static int blob_of(const uint8_t *name)
{
	if (!strcmp((const char *)name, ACPI_LOADER_FILE_TABLES))
		return ACPI_BLOB_TABLES;
	if (!strcmp((const char *)name, ACPI_LOADER_FILE_RSDP))
		return ACPI_BLOB_RSDP;
	return -1;
}

/* Runs the script as SeaBIOS' romfile loader does; returns 0 or -1. */
static int loader_run(const struct acpi_tables *t, const uint8_t *script,
		      size_t len)
{
	const uint8_t *data[2] = { t->tables, t->rsdp };
	const uint32_t size[2] = { t->tables_len, ACPI_RSDP_SIZE };
	uint8_t *mem[2] = { NULL, NULL };
	size_t off;

	memset(&g, 0, sizeof(g));
	for (off = 0; off + ACPI_LOADER_ENTRY_SIZE <= len;
	     off += ACPI_LOADER_ENTRY_SIZE) {
		const uint8_t *e = script + off;
		const uint8_t *name = e + 4;
		int b = blob_of(name);

		/* Every name field must be NUL-terminated inside its 56 bytes. */
		if (!memchr(name, 0, ACPI_LOADER_NAME_SIZE) || b < 0)
			return -1;
		switch (le32(e)) {
		case ACPI_LOADER_ALLOCATE: {
			uint32_t align = le32(e + 60);
			uint8_t zone = e[64];
			uint32_t *used = zone == ACPI_LOADER_ZONE_FSEG ?
						 &g.fseg_used :
						 &g.high_used;
			uint64_t base = zone == ACPI_LOADER_ZONE_FSEG ?
						FSEG_BASE + 0x5a10 :
						HIGH_BASE;
			uint64_t a;

			if (mem[b] || !align || (align & (align - 1)))
				return -1;
			a = (base + *used + align - 1) & ~(uint64_t)(align - 1);
			mem[b] = gpa(a, size[b]);
			if (!mem[b])
				return -1;
			memcpy(mem[b], data[b], size[b]);
			*used = (uint32_t)(a + size[b] - base);
			g.addr[b] = a;
			break;
		}
		case ACPI_LOADER_ADD_POINTER: {
			int src = blob_of(e + 60);
			uint32_t at = le32(e + 116);
			uint8_t sz = e[120];
			uint64_t v = 0;
			unsigned i;

			if (src < 0 || !mem[b] || !mem[src] ||
			    (sz != 1 && sz != 2 && sz != 4 && sz != 8) ||
			    at + sz > size[b])
				return -1;
			for (i = 0; i < sz; i++)
				v |= (uint64_t)mem[b][at + i] << (8 * i);
			v += g.addr[src];
			for (i = 0; i < sz; i++)
				mem[b][at + i] = (uint8_t)(v >> (8 * i));
			break;
		}
		case ACPI_LOADER_ADD_CHECKSUM: {
			uint32_t at = le32(e + 60), start = le32(e + 64),
				 n = le32(e + 68);

			if (!mem[b] || at >= size[b] || start > size[b] ||
			    n > size[b] - start)
				return -1;
			mem[b][at] = (uint8_t)(mem[b][at] -
					       acpi_sum(mem[b] + start, n));
			break;
		}
		default:
			return -1;
		}
	}
	return off == len && mem[0] && mem[1] ? 0 : -1;
}

static struct acpi_tables tabs;
static uint8_t script[ACPI_LOADER_SCRIPT_MAX];

/* Builds for `vcpus` and runs the loader; the tables are then in `g`. */
static void build_and_load(unsigned vcpus)
{
	struct acpi_config cfg;
	int len;

	acpi_config_default(&cfg, vcpus, RAM_LOW, 0);
	assert_int_equal(acpi_build(&tabs, &cfg), 0);
	len = acpi_loader_script(&tabs, script, sizeof(script));
	assert_true(len > 0);
	assert_int_equal(len % ACPI_LOADER_ENTRY_SIZE, 0);
	assert_int_equal(loader_run(&tabs, script, (size_t)len), 0);
}

/* The table at guest address `a`: checks signature, length, checksum. */
static const uint8_t *table_at(uint64_t a, const char *sig)
{
	const uint8_t *h = gpa(a, 36);
	uint32_t len;

	assert_non_null(h);
	assert_memory_equal(h, sig, 4);
	len = le32(h + 4);
	assert_true(len >= 36);
	h = gpa(a, len);
	assert_non_null(h);
	assert_int_equal(acpi_sum(h, len), 0);
	return h;
}

static const uint8_t *rsdp_found(void)
{
	const uint8_t *r = gpa(g.addr[ACPI_BLOB_RSDP], ACPI_RSDP_SIZE);

	assert_non_null(r);
	assert_int_equal(g.addr[ACPI_BLOB_RSDP] % 16, 0);
	assert_int_equal(g.addr[ACPI_BLOB_RSDP] >> 16, 0xf); /* FSEG */
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(acpi_sum(r, 20), 0);
	assert_int_equal(acpi_sum(r, 36), 0);
	assert_int_equal(r[15], 2);
	assert_int_equal(le32(r + 20), 36);
	return r;
}

/* Follows RSDP -> XSDT (and RSDT) -> FADT -> DSDT/FACS, all checked. */
static void test_loader_pointers(void **state)
{
	const uint8_t *r, *rsdt, *xsdt, *fadt, *facs;
	uint64_t tb;
	unsigned i;

	(void)state;
	build_and_load(2);
	tb = g.addr[ACPI_BLOB_TABLES];
	assert_int_equal(tb % 64, 0);
	r = rsdp_found();
	assert_int_equal(le32(r + 16), tb + tabs.rsdt_off);
	assert_int_equal(le64(r + 24), tb + tabs.xsdt_off);
	rsdt = table_at(le32(r + 16), "RSDT");
	xsdt = table_at(le64(r + 24), "XSDT");
	assert_int_equal(le32(rsdt + 4), 36 + 2 * 4);
	assert_int_equal(le32(xsdt + 4), 36 + 2 * 8);
	for (i = 0; i < 2; i++)
		assert_int_equal(le32(rsdt + 36 + 4 * i),
				 le64(xsdt + 36 + 8 * i));
	fadt = table_at(le64(xsdt + 36), "FACP");
	table_at(le64(xsdt + 44), "APIC");
	assert_int_equal(le32(fadt + 4), 244);
	assert_int_equal(fadt[8], 3);
	/* FACS: 64-byte aligned, no checksum; X_FIRMWARE_CTRL 0. */
	assert_int_equal(le32(fadt + 36) % 64, 0);
	facs = gpa(le32(fadt + 36), 64);
	assert_non_null(facs);
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(le32(facs + 4), 64);
	assert_int_equal(le64(fadt + 132), 0);
	/* DSDT by both pointers. */
	assert_int_equal(le64(fadt + 140), le32(fadt + 40));
	table_at(le32(fadt + 40), "DSDT");
	assert_int_equal(le32(gpa(le32(fadt + 40), 8) + 4), tabs.dsdt_len);
}

static void test_fadt_pm(void **state)
{
	const uint8_t *r, *fadt;
	uint32_t flags;

	(void)state;
	build_and_load(1);
	r = rsdp_found();
	fadt = table_at(le64(gpa(le64(r + 24), 52) + 36), "FACP");
	assert_int_equal(le16(fadt + 46), 9);	      /* SCI_INT */
	assert_int_equal(le32(fadt + 48), 0);	      /* SMI_CMD: none */
	assert_int_equal(le32(fadt + 56), 0x600);     /* PM1a_EVT_BLK */
	assert_int_equal(le32(fadt + 60), 0);	      /* no PM1b */
	assert_int_equal(le32(fadt + 64), 0x604);     /* PM1a_CNT_BLK */
	assert_int_equal(le32(fadt + 76), 0x608);     /* PM_TMR_BLK */
	assert_int_equal(le32(fadt + 80), 0);	      /* no GPE0 */
	assert_int_equal(fadt[88], 4);
	assert_int_equal(fadt[89], 2);
	assert_int_equal(fadt[91], 4);
	assert_int_equal(fadt[108], 0x32); /* RTC century */
	flags = le32(fadt + 112);
	assert_true(flags & (1u << 0));	  /* WBINVD */
	assert_true(flags & (1u << 2));	  /* PROC_C1 */
	assert_false(flags & (1u << 4));  /* fixed power button */
	assert_true(flags & (1u << 5));	  /* no sleep button */
	assert_false(flags & (1u << 8));  /* 24-bit PM timer */
	assert_true(flags & (1u << 10));  /* RESET_REG_SUP */
	/* RESET_REG: system I/O, 8 bits at 0xCF9, value 6. */
	assert_int_equal(fadt[116], 1);
	assert_int_equal(fadt[117], 8);
	assert_int_equal(le64(fadt + 120), 0xcf9);
	assert_int_equal(fadt[128], 6);
	/* The X_ blocks agree with the 32-bit ones. */
	assert_int_equal(fadt[148], 1);
	assert_int_equal(fadt[149], 32);
	assert_int_equal(le64(fadt + 152), 0x600);
	assert_int_equal(fadt[173], 16);
	assert_int_equal(le64(fadt + 176), 0x604);
	assert_int_equal(fadt[209], 32);
	assert_int_equal(le64(fadt + 212), 0x608);
}

/* Checks the MADT for `vcpus` processors. */
static void check_madt(unsigned vcpus)
{
	const uint8_t *r, *m, *e, *end;
	unsigned lapics = 0, ioapics = 0, nmis = 0, isos = 0;
	int irq0 = 0, sci = 0;

	build_and_load(vcpus);
	r = rsdp_found();
	m = table_at(le64(gpa(le64(r + 24), 52) + 44), "APIC");
	assert_int_equal(le32(m + 36), 0xfee00000u);
	assert_int_equal(le32(m + 40), 1); /* PCAT_COMPAT */
	end = m + le32(m + 4);
	for (e = m + 44; e < end; e += e[1]) {
		assert_true(e[1] >= 2 && e + e[1] <= end);
		switch (e[0]) {
		case 0:
			assert_int_equal(e[1], 8);
			/* LAPICs come first, in APIC ID order. */
			assert_int_equal(ioapics + isos + nmis, 0);
			assert_int_equal(e[2], lapics);
			assert_int_equal(e[3], lapics);
			assert_int_equal(le32(e + 4), 1);
			lapics++;
			break;
		case 1:
			assert_int_equal(e[1], 12);
			assert_int_equal(e[2], 0);
			assert_int_equal(le32(e + 4), 0xfec00000u);
			assert_int_equal(le32(e + 8), 0);
			ioapics++;
			break;
		case 2:
			assert_int_equal(e[1], 10);
			assert_int_equal(e[2], 0);
			if (e[3] == 0) {
				assert_int_equal(le32(e + 4), 2);
				assert_int_equal(le16(e + 8), 0);
				irq0 = 1;
			} else {
				/* Identity-mapped, level, active high. */
				assert_int_equal(le32(e + 4), e[3]);
				assert_int_equal(le16(e + 8), 0xd);
				sci |= e[3] == 9;
			}
			isos++;
			break;
		case 4:
			assert_int_equal(e[1], 6);
			assert_int_equal(e[2], 0xff);
			assert_int_equal(e[5], 1); /* LINT1 */
			nmis++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	assert_ptr_equal(e, end);
	assert_int_equal(lapics, vcpus);
	assert_int_equal(ioapics, 1);
	assert_int_equal(nmis, 1);
	assert_true(irq0 && sci);
	assert_int_equal(isos, 5); /* IRQ 0, 9 and the links' 5, 10, 11 */
}

static void test_madt_1(void **state)
{
	(void)state;
	check_madt(1);
}

static void test_madt_8(void **state)
{
	(void)state;
	check_madt(8);
}

static void test_madt_255(void **state)
{
	(void)state;
	check_madt(255);
}

/* Direct boot's acpi_link() gives what the loader gives. */
static void test_link_matches_loader(void **state)
{
	static uint8_t out[ACPI_TABLES_MAX];
	uint8_t rsdp[ACPI_RSDP_SIZE];

	(void)state;
	build_and_load(4);
	assert_int_equal(acpi_link(&tabs, g.addr[0], g.addr[1], out, rsdp), 0);
	assert_memory_equal(out, gpa(g.addr[0], tabs.tables_len),
			    tabs.tables_len);
	assert_memory_equal(rsdp, gpa(g.addr[1], ACPI_RSDP_SIZE),
			    ACPI_RSDP_SIZE);
	/* Past 4 GiB the RSDT cannot point. */
	assert_int_equal(acpi_link(&tabs, 0xfffff000ull, 0xe0000, out, rsdp),
			 -EINVAL);
}

static void test_bad_config(void **state)
{
	struct acpi_config cfg;

	(void)state;
	acpi_config_default(&cfg, 0, RAM_LOW, 0);
	assert_int_equal(acpi_build(&tabs, &cfg), -EINVAL);
	acpi_config_default(&cfg, 256, RAM_LOW, 0);
	assert_int_equal(acpi_build(&tabs, &cfg), -EINVAL);
	acpi_config_default(&cfg, 1, RAM_LOW, 0);
	cfg.sci_irq = 16;
	assert_int_equal(acpi_build(&tabs, &cfg), -EINVAL);
	acpi_config_default(&cfg, 1, RAM_LOW, 0);
	cfg.pm_base = 0x608;
	assert_int_equal(acpi_build(&tabs, &cfg), -EINVAL);
	/* The window follows low RAM, and stops below the IOAPIC. */
	acpi_config_default(&cfg, 1, 0xc0000000ull, 1ull << 30);
	assert_int_equal(cfg.pci_mem_base, 0xc0000000u);
	assert_int_equal(cfg.pci_mem_end, 0xfebfffffu);
	acpi_config_default(&cfg, 1, (512ull << 20) + 4096, 0);
	assert_int_equal(cfg.pci_mem_base, (512u << 20) + (1u << 20));
	/* A script buffer too small. */
	acpi_config_default(&cfg, 1, RAM_LOW, 0);
	assert_int_equal(acpi_build(&tabs, &cfg), 0);
	assert_int_equal(acpi_loader_script(&tabs, script, 200), -ENOSPC);
}

/* ---- AML encodings ---- */

static void test_aml_encodings(void **state)
{
	uint8_t buf[4096];
	struct acpi_aml a;
	unsigned i;

	(void)state;
	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_name(&a, "\\_SB.PCI0.ISA");
	assert_int_equal(acpi_aml_finish(&a), 15);
	assert_memory_equal(buf, "\\\x2f\x03_SB_PCI0ISA_", 15);

	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_name(&a, "^LNK.IRQV");
	assert_int_equal(acpi_aml_finish(&a), 10);
	assert_memory_equal(buf, "^\x2eLNK_IRQV", 10);

	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_name(&a, "pci0");
	assert_int_equal(acpi_aml_finish(&a), -EINVAL);
	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_name(&a, "PCI00");
	assert_int_equal(acpi_aml_finish(&a), -EINVAL);

	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_int(&a, 0);
	acpi_aml_int(&a, 1);
	acpi_aml_int(&a, 0xff);
	acpi_aml_int(&a, 0x100);
	acpi_aml_int(&a, 0x12345678);
	acpi_aml_int(&a, 0x100000000ull);
	assert_int_equal(acpi_aml_finish(&a), 1 + 1 + 2 + 3 + 5 + 9);
	assert_memory_equal(buf, "\x00\x01\x0a\xff\x0b\x00\x01\x0c\x78\x56\x34\x12"
				 "\x0e\x00\x00\x00\x00\x01\x00\x00\x00",
			    21);

	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_eisaid(&a, "PNP0A03");
	assert_int_equal(acpi_aml_finish(&a), 5);
	assert_memory_equal(buf, "\x0c\x41\xd0\x0a\x03", 5);

	/* PkgLength: 1 byte up to 63, then 2 bytes with the low nibble. */
	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_package(&a, 0);
	acpi_aml_close(&a);
	assert_int_equal(acpi_aml_finish(&a), 3);
	assert_memory_equal(buf, "\x12\x02\x00", 3);

	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_open(&a, AML_SCOPE);
	for (i = 0; i < 100; i++)
		acpi_aml_byte(&a, 0xaa);
	acpi_aml_close(&a);
	assert_int_equal(acpi_aml_finish(&a), 1 + 2 + 100);
	/* 102 = 0x66: lead 0x40 | 6, then 0x06. */
	assert_int_equal(buf[1], 0x46);
	assert_int_equal(buf[2], 0x06);
	assert_int_equal(buf[3], 0xaa);

	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_open(&a, AML_SCOPE);
	for (i = 0; i < 3000; i++)
		acpi_aml_byte(&a, 0xbb);
	acpi_aml_close(&a);
	assert_int_equal(acpi_aml_finish(&a), 1 + 2 + 3000);
	/* 3002 = 0xBBA */
	assert_int_equal(buf[1], 0x4a);
	assert_int_equal(buf[2], 0xbb);

	/* Unbalanced and overflowing. */
	acpi_aml_init(&a, buf, sizeof(buf));
	acpi_aml_device(&a, "DEV0");
	assert_int_equal(acpi_aml_finish(&a), -EINVAL);
	acpi_aml_init(&a, buf, 4);
	acpi_aml_int(&a, UINT64_MAX); /* QWord: 9 bytes */
	assert_int_equal(acpi_aml_finish(&a), -ENOSPC);
}

/* The DSDT holds \_S5 as {0, 0, 0, 0}: the soft-off SLP_TYP of acpi_pm. */
static void test_dsdt_s5(void **state)
{
	static const uint8_t s5[] = { 0x08, '\\', '_',	'S', '5', '_',
				      0x12, 0x06, 0x04, 0x00, 0x00, 0x00,
				      0x00 };
	const uint8_t *d;

	(void)state;
	build_and_load(1);
	d = tabs.tables + tabs.dsdt_off;
	assert_memory_equal(d + 36, s5, sizeof(s5));
	assert_int_equal(ACPI_S5_SLP_TYP, 0);
	/* The names an OS looks for are in there. */
	assert_non_null(memmem(d, tabs.dsdt_len, "_PRT", 4));
	assert_non_null(memmem(d, tabs.dsdt_len, "LNKD", 4));
	assert_non_null(memmem(d, tabs.dsdt_len, "COM1", 4));
}

/* iasl -d disassembles the DSDT without errors (skips without iasl). */
static void test_dsdt_iasl(void **state)
{
	const char *iasl = getenv("IASL");
	char dir[] = "/tmp/test_acpi.XXXXXX", cmd[512], path[256];
	FILE *f;
	int rc;

	(void)state;
	if (!iasl || !*iasl) {
		print_message("skipped: iasl (Debian's acpica-tools) not "
			      "installed\n");
		skip();
		return;
	}
	build_and_load(2);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dsdt.aml", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	/* The DSDT as the loader left it: checksummed. */
	assert_int_equal(fwrite(gpa(g.addr[ACPI_BLOB_TABLES] + tabs.dsdt_off,
				    tabs.dsdt_len),
				1, tabs.dsdt_len, f),
			 tabs.dsdt_len);
	assert_int_equal(fclose(f), 0);
	/* Disassemble, then recompile the result: no errors, no warnings. */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && %s -d dsdt.aml >log 2>&1 && %s -p re dsdt.dsl "
		 ">>log 2>&1; rc=$?; grep -qE '[1-9][0-9]* (Errors|Warnings)' log && rc=1; "
		 "[ $rc = 0 ] || cat log; exit $rc",
		 dir, iasl, iasl);
	rc = system(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", dir);
	assert_int_equal(rc, 0);
}

/*
 * acpiexec (same package) runs the links' methods on the DSDT, its PCI
 * config space simulated: _SRS of IRQ 11 then _CRS and _STA, then _DIS.
 */
static void test_dsdt_acpiexec(void **state)
{
	static const char *const want[] = {
		/* After _SRS(IRQ 11): enabled, current 11. */
		"[Integer] = 000000000000000B",
		"0000: 89 06 00 09 01 0B 00 00 00 79 00",
		/* After _DIS: disabled, current 0. */
		"[Integer] = 0000000000000009",
		"0000: 89 06 00 09 01 00 00 00 00 79 00",
	};
	const char *exe = getenv("ACPIEXEC");
	char dir[] = "/tmp/test_acpi.XXXXXX", cmd[1024], path[256], line[512];
	unsigned next = 0;
	FILE *f;

	(void)state;
	if (!exe || !*exe) {
		print_message("skipped: acpiexec (Debian's acpica-tools) not "
			      "installed\n");
		skip();
		return;
	}
	build_and_load(1);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dsdt.aml", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	/* The DSDT as the loader left it: checksummed. */
	assert_int_equal(fwrite(gpa(g.addr[ACPI_BLOB_TABLES] + tabs.dsdt_off,
				    tabs.dsdt_len),
				1, tabs.dsdt_len, f),
			 tabs.dsdt_len);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && %s -b 'execute \\_SB.LNKC._SRS (89 06 00 09 01 "
		 "0B 00 00 00 79 00); execute \\_SB.LNKC._STA; execute "
		 "\\_SB.LNKC._CRS; execute \\_SB.LNKC._DIS; execute "
		 "\\_SB.LNKC._STA; execute \\_SB.LNKC._CRS' dsdt.aml 2>&1; "
		 "rm -rf %s",
		 dir, exe, dir);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (next < 4 && strstr(line, want[next]))
			next++;
	pclose(f);
	assert_int_equal(next, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loader_pointers),
		cmocka_unit_test(test_fadt_pm),
		cmocka_unit_test(test_madt_1),
		cmocka_unit_test(test_madt_8),
		cmocka_unit_test(test_madt_255),
		cmocka_unit_test(test_link_matches_loader),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_aml_encodings),
		cmocka_unit_test(test_dsdt_s5),
		cmocka_unit_test(test_dsdt_iasl),
		cmocka_unit_test(test_dsdt_acpiexec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
