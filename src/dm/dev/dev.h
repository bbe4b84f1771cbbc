/* SPDX-License-Identifier: MIT */
/*
 * The device adapters of safepc-dm. Each file in src/dm/dev/ binds one pure
 * chip model (src/dm/hw/) to ports, PCI functions, IRQ lines, guest memory
 * and the console, and exports one create function; the device table in
 * devices.c names them. dev.c holds the few callbacks and helpers they
 * share, so that each adapter keeps only what is particular to its chip.
 */
#ifndef SAFEPC_DM_DEV_DEV_H
#define SAFEPC_DM_DEV_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/machine.h"
#include "dm/dm.h"
#include "proto/devspec.h"

/*
 * A device's options, from its spec (proto/devspec.h) as main.c parsed it;
 * devices.c lets through only the options the device's table entry names.
 */
struct dev_opts {
	const struct devspec *spec; /* the whole spec: piix3_ide's drives */
	uint64_t port;
	uint64_t irq;
	int console;
	int has_port, has_irq;
	char boot[4]; /* fw_cfg: boot order, xl's letters */
};

/*
 * The create functions: each creates its model in `dev` (dev->dm and
 * dev->name already set), binds it and claims its ranges. Returns 0 or
 * -errno: -ENOMEM, what dm_map_range returns, and the codes noted below.
 * On failure the DM gives up (it is still starting), so nothing is freed.
 */
int dev_uart_create(struct dm *dm, struct dm_dev *dev,
		    const struct dev_opts *o) must_check;
int dev_rtc_create(struct dm *dm, struct dm_dev *dev,
		   const struct dev_opts *o) must_check;
int dev_debug_exit_create(struct dm *dm, struct dm_dev *dev,
			  const struct dev_opts *o) must_check;
/* -EINVAL also when the port is not 64-byte aligned. */
int dev_acpi_pm_create(struct dm *dm, struct dm_dev *dev,
		       const struct dev_opts *o) must_check;
int dev_reset_ctl_create(struct dm *dm, struct dm_dev *dev,
			 const struct dev_opts *o) must_check;
int dev_i440fx_create(struct dm *dm, struct dm_dev *dev,
		      const struct dev_opts *o) must_check;
int dev_piix3_create(struct dm *dm, struct dm_dev *dev,
		     const struct dev_opts *o) must_check;
/* -ENOSPC when the fw_cfg store cannot take the items. */
int dev_fw_cfg_create(struct dm *dm, struct dm_dev *dev,
		      const struct dev_opts *o) must_check;
int dev_i8042_create(struct dm *dm, struct dm_dev *dev,
		     const struct dev_opts *o) must_check;
int dev_debugcon_create(struct dm *dm, struct dm_dev *dev,
			const struct dev_opts *o) must_check;
/*
 * The PIIX3 IDE function: attaches the drives of o->spec (hda .. hdd, on
 * the given fds; -EBADF when one is not a regular file) and claims the
 * legacy ports and the PCI function.
 */
int dev_ide_create(struct dm *dm, struct dm_dev *dev,
		   const struct dev_opts *o) must_check;

/* ---- dev.c: what the adapters share ---- */

/*
 * dm_dev_alloc - gives `dev` `size` bytes of zeroed state (dev->state) and
 * its ops. Returns the state, or NULL when out of memory (dev untouched).
 */
void *dm_dev_alloc(struct dm_dev *dev, size_t size,
		   const struct dm_dev_ops *ops);

/*
 * dm_dev_set_irq - a chip's interrupt callback for chips whose ops take
 * (opaque, level) and whose opaque is the dm_dev: drives ISA line dev->irq.
 */
void dm_dev_set_irq(void *opaque, int level);

/* dm_dev_reboot - a chip's reset callback (opaque is the dm_dev): reboot. */
void dm_dev_reboot(void *opaque);

/*
 * dm_dev_claim - claims what the machine table (common/machine.h) gives
 * device `id`: its PCI function, and each of its fixed ranges with the
 * table's posted flag, every port moved by `base` minus the table's first
 * port (a spec's port= option; pass machine_port(id) for none). BAR
 * windows are left to the device, which claims its BAR there when the
 * guest places it. Returns 0 or what dm_map_range returns.
 */
int dm_dev_claim(struct dm *dm, struct dm_dev *dev, enum machine_dev_id id,
		 uint64_t base) must_check;

/*
 * dm_dev_guest_rw - copies `len` bytes between guest-physical `gpa` and
 * `buf` (to_guest: into the guest), through guestmem_ptr. A write is
 * recorded for dm_op modified_memory (dm_ram_dirty): the channel reports
 * it before the guest can see the transfer complete. Returns 0, or
 * -EFAULT when any byte of the range is not guest RAM (nothing copied).
 */
int dm_dev_guest_rw(struct dm_dev *dev, uint64_t gpa, void *buf, size_t len,
		    bool to_guest) must_check;

#endif
