/* SPDX-License-Identifier: MIT */
/*
 * The DM placement of a domain (launch_plan.h): every device of the machine
 * table goes to its DM, with the spec the DM is started with and the grants
 * hv enforces, both written from the same table entry the DM's adapter
 * claims from. Nothing here opens or spawns anything.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "proto/devspec.h"
#include "proto/fds.h"
#include "toolstack/launch_plan.h"

/* Appends one grant to `p`: 0, or -ENOSPC when the plan is full. */
static int launch_plan_grant(struct launch_plan *p, enum grant_kind kind,
			     uint64_t first, uint64_t last)
{
	unsigned i;

	/* A right two devices need ("shutdown") is granted once. */
	for (i = 0; i < p->nr_grants; i++)
		if (p->grants[i].kind == kind && p->grants[i].first == first &&
		    p->grants[i].last == last)
			return 0;
	if (p->nr_grants == LAUNCH_PLAN_MAX_GRANTS)
		return -ENOSPC;
	p->grants[p->nr_grants++] =
		(struct grant){ .kind = kind, .first = first, .last = last };
	return 0;
}

/*
 * The grants of one device: its PCI function, its ranges (neighbours of
 * one type merged: hv checks a claim against one grant, and the IDE's
 * posted and synchronous registers are one block to hv), its IRQs and
 * rights. "pam" only when `pam` (a firmware image to decode).
 */
static int launch_plan_dev_grants(struct launch_plan *p,
				  const struct machine_dev *m, int pam)
{
	unsigned i, j;
	int r = 0;

	if (m->bdf != MACHINE_NO_BDF)
		r = launch_plan_grant(p, GRANT_PCI, m->bdf, m->bdf);
	for (i = 0; !r && i < m->nr_ranges; i = j) {
		const struct machine_range *g = &m->ranges[i];
		uint64_t last = g->last;

		for (j = i + 1; j < m->nr_ranges &&
				!((g->flags | m->ranges[j].flags) &
				  MACHINE_RANGE_BAR) &&
				m->ranges[j].type == g->type &&
				m->ranges[j].first == last + 1;
		     j++)
			last = m->ranges[j].last;
		r = launch_plan_grant(p,
				      g->type == DM_OP_RANGE_MMIO ? GRANT_MMIO
								  : GRANT_PIO,
				      g->first, last);
	}
	for (i = 0; !r && i < m->nr_irqs; i++)
		r = launch_plan_grant(p, GRANT_IRQ, m->irqs[i], m->irqs[i]);
	if (!r && (m->rights & MACHINE_MAY_SHUTDOWN))
		r = launch_plan_grant(p, GRANT_SHUTDOWN, 0, 0);
	if (!r && (m->rights & MACHINE_MAY_ROUTE))
		r = launch_plan_grant(p, GRANT_PIRQ, 0, 0);
	if (!r && (m->rights & MACHINE_MAY_PAM) && pam)
		r = launch_plan_grant(p, GRANT_PAM, 0, 0);
	return r;
}

/*
 * Writes the --dev spec of device `id` for config `c` into `buf`, with
 * devspec_format (proto/devspec.h): the name, and what is particular to
 * this domain (the console, the boot order, the drives). Everything else
 * the DM takes from the same machine table. Returns 0, -ENAMETOOLONG, or
 * -EINVAL when the config names no drive hda-hdd.
 */
static int launch_plan_spec(const struct domcfg *c, enum machine_dev_id id,
			    char *buf, size_t len)
{
	struct devspec s = { .keys = 0 };
	unsigned i;
	int n;

	snprintf(s.name, sizeof(s.name), "%s", machine_devs[id].name);
	switch (id) {
	case MACHINE_UART:
		/* Without "console" its output goes nowhere. */
		if (c->serial != DOMCFG_SERIAL_NONE)
			s.keys |= DEVSPEC_KEY_CONSOLE;
		break;
	case MACHINE_FW_CFG:
		s.keys |= DEVSPEC_KEY_BOOT;
		snprintf(s.boot, sizeof(s.boot), "%s", c->boot);
		break;
	case MACHINE_IDE:
		/* Each disk at its drive letter, its fd at FIRST_EXTRA + its
		 * index in the config (launch_start_dm places them). */
		for (i = 0; i < c->nr_disks; i++) {
			const struct domcfg_disk *dk = &c->disks[i];
			struct devspec_drive *dr;

			if (strncmp(dk->vdev, "hd", 2) || dk->vdev[2] < 'a' ||
			    dk->vdev[2] > 'd' || dk->vdev[3])
				return -EINVAL;
			dr = &s.drives[dk->vdev[2] - 'a'];
			dr->fd = LAUNCH_DM_FD_FIRST_EXTRA + (int)i;
			dr->readonly = dk->readonly;
			dr->cdrom = dk->devtype == DOMCFG_DEVTYPE_CDROM;
			s.keys |= DEVSPEC_KEY_DRIVE;
		}
		break;
	default:
		break;
	}
	n = devspec_format(&s, buf, len);
	if (n == -ENOSPC)
		return -ENAMETOOLONG;
	return n < 0 ? n : 0;
}

int launch_plan_build(const struct domcfg *c, struct launch_plan *plans,
		      unsigned max, unsigned *nr, char *err, size_t errlen)
{
	/* plans[] index of each machine DM; -1: not started yet. */
	int slot[MACHINE_NR_DMS];
	unsigned i, n = 0;
	int r;

	for (i = 0; i < MACHINE_NR_DMS; i++)
		slot[i] = -1;
	for (i = 0; i < MACHINE_NR_DEVS; i++) {
		const struct machine_dev *m = &machine_devs[i];
		enum machine_dm dm = m->dm;
		struct launch_plan *p;

		/* The IDE controller exists only with disks to attach. */
		if (i == MACHINE_IDE && !c->nr_disks)
			continue;
		if (c->dm_placement == DOMCFG_PLACEMENT_SINGLE)
			dm = MACHINE_DM_CHIPSET;
		if (slot[dm] < 0) {
			if (n == max) {
				snprintf(err, errlen, "more DMs than fit");
				return -ENOSPC;
			}
			memset(&plans[n], 0, sizeof(plans[n]));
			plans[n].name = machine_dm_name(dm);
			slot[dm] = (int)n++;
		}
		p = &plans[slot[dm]];
		if (p->nr_devs == LAUNCH_PLAN_MAX_DEVS) {
			snprintf(err, errlen, "DM %s: too many devices",
				 p->name);
			return -ENOSPC;
		}
		r = launch_plan_spec(c, (enum machine_dev_id)i,
				     p->devs[p->nr_devs], LAUNCH_PLAN_SPEC_LEN);
		if (r) {
			snprintf(err, errlen, "%s device spec: %s", m->name,
				 r == -ENAMETOOLONG ? "too long"
						    : "a disk is not hda-hdd");
			return r;
		}
		p->nr_devs++;
		r = launch_plan_dev_grants(p, m,
					   c->firmware != DOMCFG_FIRMWARE_NONE);
		if (r) {
			snprintf(err, errlen, "DM %s: too many grants",
				 p->name);
			return r;
		}
		if (i == MACHINE_IDE)
			p->disks = 1;
		if (i == MACHINE_UART && c->serial != DOMCFG_SERIAL_NONE)
			p->console = 1;
	}
	*nr = n;
	return 0;
}
