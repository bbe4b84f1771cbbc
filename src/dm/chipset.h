/* SPDX-License-Identifier: MIT */
/* Adapters for the chipset devices of a firmware (SeaBIOS) boot. */
#ifndef SAFEPC_DM_CHIPSET_H
#define SAFEPC_DM_CHIPSET_H

#include "dm/dm.h"

/* Each creates its model, binds it and claims its ranges: 0 or -errno. */
int chipset_host_create(struct dm *dm, struct dm_dev *dev) must_check;
int chipset_isa_create(struct dm *dm, struct dm_dev *dev) must_check;
int chipset_fwcfg_create(struct dm *dm, struct dm_dev *dev,
			 const char *bootorder) must_check;
int chipset_kbd_create(struct dm *dm, struct dm_dev *dev) must_check;
int chipset_debugcon_create(struct dm *dm, struct dm_dev *dev) must_check;

#endif
