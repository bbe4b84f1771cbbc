/* SPDX-License-Identifier: MIT */
/* The PIIX3 IDE function (PCI 00:01.1) with its drives. */
#ifndef SAFEPC_DM_IDECTL_H
#define SAFEPC_DM_IDECTL_H

#include "dm/dm.h"

/*
 * idectl_create - creates the controller from its spec
 * ("piix3_ide[,hdX=FD:rw|ro:disk|cdrom]..."), attaches the drives on the
 * given fds and claims the legacy ports and the PCI function.
 * Returns 0 or -errno.
 */
int idectl_create(struct dm *dm, struct dm_dev *dev, const char *spec)
	must_check;

#endif
