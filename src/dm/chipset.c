/* SPDX-License-Identifier: MIT */
/*
 * Adapters for the PC chipset models a firmware (SeaBIOS) boot needs: the
 * i440FX host bridge (PCI 00:00.0, PAM → set_mem_type), the PIIX3 ISA
 * bridge (00:01.0, PIRQ routes → set_pci_link_route), QEMU's fw_cfg
 * interface, the i8042 keyboard controller and the 0x402 debug console.
 * Each binds one pure model in src/dm/hw/ to ports, PCI functions, IRQs
 * and guest memory; the device table in devices.c names them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "dm/chipset.h"
#include "dm/hw/fw_cfg.h"
#include "dm/hw/i440fx.h"
#include "dm/hw/i8042.h"
#include "dm/hw/piix3.h"

#define CHIPSET_BDF_HOST 0x0000u /* 00:00.0 */
#define CHIPSET_BDF_ISA 0x0008u	 /* 00:01.0 */

/* ---- i440FX host bridge ---- */

static void i440fx_pam(void *opaque, uint32_t start, uint32_t size,
		       enum i440fx_pam_mode mode)
{
	struct dm_dev *dev = opaque;
	/* The i440FX's RE/WE encodings are the dm_op's memory types. */
	struct dm_op_set_mem m = { .start = start, .size = size, .type = mode };
	int r = dm_op_call(dev->dm, DM_OP_SET_MEM_TYPE, &m, sizeof(m), NULL);

	if (r)
		log_guest(LOG_WARN, "PAM 0x%x+0x%x mode %d: %s", start, size,
			  (int)mode, strerror(-r));
}

static const struct i440fx_ops i440fx_dev_cb = { .pam_changed = i440fx_pam };

static uint64_t host_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			  unsigned size)
{
	uint32_t v = ~0u;

	i440fx_cfg_read(dev->state, (unsigned)(addr & 0xff), size, &v);
	return v;
}

static void host_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		       unsigned size, uint64_t val)
{
	i440fx_cfg_write(dev->state, (unsigned)(addr & 0xff), size,
			 (uint32_t)val);
}

static const struct dm_dev_ops host_ops = { .read = host_read,
					    .write = host_write };

int chipset_host_create(struct dm *dm, struct dm_dev *dev)
{
	struct i440fx *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	dev->state = s;
	dev->ops = &host_ops;
	i440fx_init(s, &i440fx_dev_cb, dev);
	return dm_map_range(dm, dev, DM_OP_RANGE_PCI, CHIPSET_BDF_HOST,
			    CHIPSET_BDF_HOST, 0);
}

/* ---- PIIX3 ISA bridge ---- */

static void piix3_route(void *opaque, unsigned pirq, int irq)
{
	struct dm_dev *dev = opaque;
	struct dm_op_link_route l = {
		.link = pirq,
		.irq = irq < 0 ? DM_OP_LINK_DISABLED : (uint32_t)irq,
	};
	int r = dm_op_call(dev->dm, DM_OP_SET_PCI_LINK_ROUTE, &l, sizeof(l),
			   NULL);

	if (r)
		log_guest(LOG_WARN, "PIRQ%c -> IRQ %d: %s", 'A' + pirq, irq,
			  strerror(-r));
}

static const struct piix3_ops piix3_dev_cb = { .pirq_route = piix3_route };

static uint64_t isa_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size)
{
	uint32_t v = ~0u;

	piix3_cfg_read(dev->state, (unsigned)(addr & 0xff), size, &v);
	return v;
}

static void isa_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val)
{
	piix3_cfg_write(dev->state, (unsigned)(addr & 0xff), size,
			(uint32_t)val);
}

static const struct dm_dev_ops isa_ops = { .read = isa_read,
					   .write = isa_write };

int chipset_isa_create(struct dm *dm, struct dm_dev *dev)
{
	struct piix3 *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	dev->state = s;
	dev->ops = &isa_ops;
	piix3_init(s, &piix3_dev_cb, dev);
	return dm_map_range(dm, dev, DM_OP_RANGE_PCI, CHIPSET_BDF_ISA,
			    CHIPSET_BDF_ISA, 0);
}

/* ---- fw_cfg ---- */

/* Guest memory for fw_cfg's DMA interface, checked by the one helper. */
static int fwcfg_dma(void *opaque, uint64_t gpa, void *buf, uint32_t len,
		     bool is_write)
{
	struct dm_dev *dev = opaque;
	uint8_t *p = guestmem_ptr(&dev->dm->mem, gpa, len);

	if (!p)
		return -EFAULT;
	if (is_write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return 0;
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

int chipset_fwcfg_create(struct dm *dm, struct dm_dev *dev,
			 const char *bootorder)
{
	struct fw_cfg *s = calloc(1, sizeof(*s));
	static const uint16_t sercon = 0x3f8;
	int r;

	if (!s)
		return -ENOMEM;
	dev->state = s;
	dev->ops = &fwcfg_ops;
	dev->base = FW_CFG_IO_BASE;
	fw_cfg_init(s, &fwcfg_cb, dev);
	r = fw_cfg_add_u64(s, FW_CFG_RAM_SIZE, dm->ram_bytes);
	if (!r)
		r = fw_cfg_add_u16(s, FW_CFG_NB_CPUS, (uint16_t)dm->nr_slots);
	if (!r)
		r = fw_cfg_add_u16(s, FW_CFG_MAX_CPUS, (uint16_t)dm->nr_slots);
	if (!r)
		r = fw_cfg_add_u16(s, FW_CFG_NOGRAPHIC, 1);
	/* SeaBIOS' serial console: the BIOS screen on COM1. */
	if (!r)
		r = fw_cfg_add_file(s, "etc/sercon-port", &sercon,
				    sizeof(sercon)) < 0;
	if (!r && bootorder && *bootorder)
		r = fw_cfg_add_file(s, "bootorder", bootorder,
				    strlen(bootorder)) < 0;
	if (r)
		return r < 0 ? r : -ENOSPC;
	return dm_map_range(dm, dev, DM_OP_RANGE_PORT, FW_CFG_IO_BASE,
			    FW_CFG_IO_BASE + FW_CFG_IO_SIZE - 1, 0);
}

/* ---- i8042 ---- */

static void kbd_irq(void *opaque, unsigned irq, int level)
{
	struct dm_dev *dev = opaque;

	dm_set_irq(dev->dm, irq, level);
}

static void kbd_reset(void *opaque)
{
	struct dm_dev *dev = opaque;

	dm_shutdown(dev->dm, DM_OP_SHUTDOWN_REBOOT, 0);
}

static const struct i8042_ops kbd_cb = { .set_irq = kbd_irq,
					 .reset = kbd_reset };

static uint64_t kbd_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			 unsigned size)
{
	return i8042_read(dev->state, (unsigned)(addr - 0x60));
}

static void kbd_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
		      unsigned size, uint64_t val)
{
	i8042_write(dev->state, (unsigned)(addr - 0x60), (uint8_t)val);
}

static const struct dm_dev_ops kbd_ops = { .read = kbd_read,
					   .write = kbd_write };

int chipset_kbd_create(struct dm *dm, struct dm_dev *dev)
{
	struct i8042 *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	dev->state = s;
	dev->ops = &kbd_ops;
	i8042_init(s, &kbd_cb, dev);
	r = dm_map_range(dm, dev, DM_OP_RANGE_PORT, 0x60, 0x60, 0);
	if (!r)
		r = dm_map_range(dm, dev, DM_OP_RANGE_PORT, 0x64, 0x64, 0);
	return r;
}

/* ---- debug console (port 0x402: SeaBIOS' log) ---- */

static void debugcon_write(struct dm_dev *dev, uint32_t type, uint64_t addr,
			   unsigned size, uint64_t val)
{
	/* Firmware log lines go to the domain log, bounded per line. */
	char *line = dev->state;
	size_t n = strlen(line);
	char c = (char)val;

	if (c == '\n' || n >= 120) {
		log_guest(LOG_INFO, "firmware: %s", line);
		line[0] = 0;
		if (c == '\n')
			return;
		n = 0;
	}
	if (c >= 0x20 && c < 0x7f) {
		line[n] = c;
		line[n + 1] = 0;
	}
}

static uint64_t debugcon_read(struct dm_dev *dev, uint32_t type, uint64_t addr,
			      unsigned size)
{
	return 0xe9; /* what QEMU's debugcon answers: "present" */
}

static const struct dm_dev_ops debugcon_ops = { .read = debugcon_read,
						.write = debugcon_write };

int chipset_debugcon_create(struct dm *dm, struct dm_dev *dev)
{
	dev->state = calloc(1, 128);
	if (!dev->state)
		return -ENOMEM;
	dev->ops = &debugcon_ops;
	return dm_map_range(dm, dev, DM_OP_RANGE_PORT, 0x402, 0x402,
			    DM_OP_RANGE_POSTED_WRITES);
}
