/* SPDX-License-Identifier: MIT */
/*
 * Adapter for QEMU's fw_cfg interface (hw/fw_cfg.c) at 0x510-0x51B: the
 * items SeaBIOS reads (RAM size, CPU count, serial console, boot order
 * from the spec's "boot=" letters), the ACPI tables with the linker/loader
 * script SeaBIOS runs to install them (as QEMU serves them), and its DMA
 * interface on guest memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/acpi.h"
#include "common/guestmem.h"
#include "dm/dev/dev.h"
#include "dm/hw/fw_cfg.h"

/*
 * Guest memory for fw_cfg's DMA interface, checked by the one helper.
 * The guest learns that a transfer is over from a control word the device
 * writes into guest RAM, not from an IRQ: each write is reported
 * (modified_memory) before the callback returns, so the data's report is
 * answered before the control word changes. SeaBIOS loads tables and
 * option ROMs this way, a few hundred KiB at boot.
 */
static int fwcfg_dma(void *opaque, uint64_t gpa, void *buf, uint32_t len,
		     bool is_write)
{
	struct dm_dev *dev = opaque;
	int r = dm_dev_guest_rw(dev, gpa, buf, len, is_write);

	if (!r && is_write)
		(void)dm_ram_flush(dev->dm);
	return r;
}

static const struct fw_cfg_ops fwcfg_cb = { .dma_rw = fwcfg_dma };

static uint64_t fwcfg_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			   unsigned size)
{
	return fw_cfg_read(dev->state, (unsigned)(addr - dev->base), size);
}

static void fwcfg_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
			unsigned size, uint64_t val)
{
	fw_cfg_write(dev->state, (unsigned)(addr - dev->base), size,
		     (uint32_t)val);
}

static const struct dm_dev_ops fwcfg_ops = { .read = fwcfg_read,
					     .write = fwcfg_write };

/* SeaBIOS' bootorder file: the IDE disk (hda) and the CD (hdc). */
static void fwcfg_bootorder(const char *boot, char *order, size_t size)
{
	static const char *const hda = "/pci@i0cf8/*@1,1/drive@0/disk@0\n";
	static const char *const hdc = "/pci@i0cf8/*@1,1/drive@1/disk@0\n";
	const char *b;

	order[0] = 0;
	for (b = boot; *b; b++)
		strncat(order, *b == 'c' ? hda : hdc,
			size - strlen(order) - 1);
}

/*
 * The platform's ACPI tables (common/acpi.h), unlinked, and the script
 * that has SeaBIOS allocate, link and checksum them: "etc/acpi/tables",
 * "etc/acpi/rsdp", "etc/table-loader". Built on the heap (about 20 KiB)
 * and copied into the fw_cfg store. 0 or -errno.
 */
static int fwcfg_acpi(struct dm *dm, struct fw_cfg *s)
{
	struct {
		struct acpi_tables t;
		uint8_t script[ACPI_LOADER_SCRIPT_MAX];
	} *b = calloc(1, sizeof(*b));
	struct acpi_config cfg;
	uint64_t low, high;
	int r, len;

	if (!b)
		return -ENOMEM;
	guestmem_layout(dm->ram_bytes, &low, &high);
	acpi_config_default(&cfg, dm->nr_slots, low, high);
	r = acpi_build(&b->t, &cfg);
	if (r)
		goto out;
	len = acpi_loader_script(&b->t, b->script, sizeof(b->script));
	if (len < 0) {
		r = len;
		goto out;
	}
	r = fw_cfg_add_file(s, ACPI_LOADER_FILE_TABLES, b->t.tables,
			    b->t.tables_len);
	if (r >= 0)
		r = fw_cfg_add_file(s, ACPI_LOADER_FILE_RSDP, b->t.rsdp,
				    sizeof(b->t.rsdp));
	if (r >= 0)
		r = fw_cfg_add_file(s, ACPI_LOADER_FILE_SCRIPT, b->script,
				    (size_t)len);
	r = r < 0 ? r : 0;
out:
	free(b);
	return r;
}

int dev_fw_cfg_create(struct dm *dm, struct dm_dev *dev,
		      const struct dev_opts *o)
{
	struct fw_cfg *s = dm_dev_alloc(dev, sizeof(*s), &fwcfg_ops);
	/* SeaBIOS' serial console: the BIOS screen on COM1. */
	const uint16_t sercon = machine_port(MACHINE_UART);
	char bootorder[128];
	int r;

	if (!s)
		return -ENOMEM;
	fwcfg_bootorder(o->boot, bootorder, sizeof(bootorder));
	dev->base = machine_port(MACHINE_FW_CFG);
	fw_cfg_init(s, &fwcfg_cb, dev);
	r = fw_cfg_add_u64(s, FW_CFG_RAM_SIZE, dm->ram_bytes);
	if (!r)
		r = fw_cfg_add_u16(s, FW_CFG_NB_CPUS, (uint16_t)dm->nr_slots);
	if (!r)
		r = fw_cfg_add_u16(s, FW_CFG_MAX_CPUS, (uint16_t)dm->nr_slots);
	if (!r)
		r = fw_cfg_add_u16(s, FW_CFG_NOGRAPHIC, 1);
	if (!r)
		r = fw_cfg_add_file(s, "etc/sercon-port", &sercon,
				    sizeof(sercon)) < 0;
	if (!r && *bootorder)
		r = fw_cfg_add_file(s, "bootorder", bootorder,
				    strlen(bootorder)) < 0;
	if (r)
		return r < 0 ? r : -ENOSPC;
	r = fwcfg_acpi(dm, s);
	if (r)
		return r;
	return dm_dev_claim(dm, dev, MACHINE_FW_CFG, dev->base);
}
