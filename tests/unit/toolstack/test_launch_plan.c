/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the launch plan (src/toolstack/launch_plan.c): which DMs a
 * domain gets, their --dev specs and hv's --grant manifest, all from the
 * machine table, for both placements, with and without disks and firmware.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/util.h"
#include "toolstack/launch_plan.h"

static struct domcfg cfg;
static struct launch_plan plans[4];
static char err[256];

static int reset(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(plans, 0, sizeof(plans));
	err[0] = 0;
	snprintf(cfg.boot, sizeof(cfg.boot), "c");
	cfg.firmware = DOMCFG_FIRMWARE_SEABIOS;
	return 0;
}

static void add_disk(const char *vdev, int ro, int cdrom)
{
	struct domcfg_disk *dk = &cfg.disks[cfg.nr_disks++];

	snprintf(dk->vdev, sizeof(dk->vdev), "%s", vdev);
	dk->readonly = ro;
	dk->devtype = cdrom ? DOMCFG_DEVTYPE_CDROM : DOMCFG_DEVTYPE_DISK;
}

/* Does p hold `grant` (a body as the tables below write it)? */
static int has(const struct launch_plan *p, const char *grant)
{
	struct grant want;
	char why[160];
	unsigned i;

	if (grant_parse_body(grant, 0, &want, why, sizeof(why)))
		fail_msg("test grant '%s': %s", grant, why);
	for (i = 0; i < p->nr_grants; i++)
		if (p->grants[i].kind == want.kind &&
		    p->grants[i].first == want.first &&
		    p->grants[i].last == want.last)
			return 1;
	return 0;
}

static int has_dev(const struct launch_plan *p, const char *spec)
{
	unsigned i;

	for (i = 0; i < p->nr_devs; i++)
		if (!strcmp(p->devs[i], spec))
			return 1;
	return 0;
}

/* The chipset DM's grants, as launch.c granted them before the table. */
static const char *const chipset_grants[] = {
	"pio,0x3f8,0x3ff", "irq,4", "pio,0x70,0x71", "irq,8",
	"pio,0xf4,0xf7", "pio,0x600,0x63f", "pio,0xcf9,0xcf9", "shutdown",
	"pci,0x0,0x0", "pci,0x8,0x8", "pirq", "pio,0x510,0x51b",
	"pio,0x60,0x60", "pio,0x64,0x64", "irq,1", "irq,12",
	"pio,0x402,0x402", "pam", "irq,9",
};
static const char *const ide_grants[] = {
	"pci,0x9,0x9", "pio,0x1f0,0x1f7", "pio,0x3f6,0x3f6",
	"pio,0x170,0x177", "pio,0x376,0x376", "irq,14", "irq,15",
	"pio,0xd00,0xffff",
};

static void assert_grants(const struct launch_plan *p,
			  const char *const *want, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!has(p, want[i]))
			fail_msg("plan %s lacks grant %s", p->name, want[i]);
}

/* No disks: one DM, the chipset, with every grant but the IDE's. */
static void test_no_disks(void **state)
{
	unsigned nr = 0;

	(void)state;
	assert_int_equal(launch_plan_build(&cfg, plans, 4, &nr, err,
					   sizeof(err)), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(plans[0].name, "chipset");
	assert_int_equal(plans[0].disks, 0);
	assert_int_equal(plans[0].console, 1);
	assert_int_equal(plans[0].nr_grants, ARRAY_SIZE(chipset_grants));
	assert_grants(&plans[0], chipset_grants, ARRAY_SIZE(chipset_grants));
	assert_int_equal(plans[0].nr_devs, 10);
	assert_string_equal(plans[0].devs[0], "ns16550,console");
	assert_true(has_dev(&plans[0], "fw_cfg,boot=c"));
	assert_true(has_dev(&plans[0], "i440fx"));
	assert_false(has(&plans[0], "pci,0x9,0x9"));
}

/* split: the IDE controller, its grants and the disks in a DM of its own. */
static void test_split(void **state)
{
	unsigned nr = 0;

	(void)state;
	add_disk("hda", 0, 0);
	add_disk("hdc", 1, 1);
	assert_int_equal(launch_plan_build(&cfg, plans, 4, &nr, err,
					   sizeof(err)), 0);
	assert_int_equal(nr, 2);
	assert_string_equal(plans[1].name, "ide");
	assert_int_equal(plans[0].disks, 0);
	assert_int_equal(plans[1].disks, 1);
	assert_int_equal(plans[1].console, 0);
	assert_int_equal(plans[1].nr_devs, 1);
	assert_string_equal(plans[1].devs[0],
			    "piix3_ide,hda=8:rw:disk,hdc=9:ro:cdrom");
	assert_int_equal(plans[1].nr_grants, ARRAY_SIZE(ide_grants));
	assert_grants(&plans[1], ide_grants, ARRAY_SIZE(ide_grants));
	assert_false(has(&plans[0], "irq,14"));
	assert_false(has(&plans[1], "shutdown"));
}

/* single: everything in the chipset DM, disks included. */
static void test_single(void **state)
{
	unsigned nr = 0;

	(void)state;
	cfg.dm_placement = DOMCFG_PLACEMENT_SINGLE;
	add_disk("hda", 0, 0);
	assert_int_equal(launch_plan_build(&cfg, plans, 4, &nr, err,
					   sizeof(err)), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(plans[0].disks, 1);
	assert_int_equal(plans[0].nr_grants,
			 ARRAY_SIZE(chipset_grants) + ARRAY_SIZE(ide_grants));
	assert_grants(&plans[0], chipset_grants, ARRAY_SIZE(chipset_grants));
	assert_grants(&plans[0], ide_grants, ARRAY_SIZE(ide_grants));
	assert_true(has_dev(&plans[0], "piix3_ide,hda=8:rw:disk"));
}

/* Direct boot: no PAM right; serial = none: no console flag. */
static void test_no_firmware_no_console(void **state)
{
	unsigned nr = 0;

	(void)state;
	cfg.firmware = DOMCFG_FIRMWARE_NONE;
	cfg.serial = DOMCFG_SERIAL_NONE;
	snprintf(cfg.boot, sizeof(cfg.boot), "dc");
	assert_int_equal(launch_plan_build(&cfg, plans, 4, &nr, err,
					   sizeof(err)), 0);
	assert_false(has(&plans[0], "pam"));
	assert_int_equal(plans[0].console, 0);
	assert_int_equal(plans[0].nr_grants, ARRAY_SIZE(chipset_grants) - 1);
	assert_string_equal(plans[0].devs[0], "ns16550");
	assert_true(has_dev(&plans[0], "fw_cfg,boot=dc"));
}

/* Too little room for the IDE DM: refused with a reason. */
static void test_no_room(void **state)
{
	unsigned nr = 7;

	(void)state;
	add_disk("hda", 0, 0);
	assert_int_equal(launch_plan_build(&cfg, plans, 1, &nr, err,
					   sizeof(err)), -ENOSPC);
	assert_int_equal(nr, 7);
	assert_true(err[0] != 0);
}

/* Whether plan `p` grants kind `kind` over all of [first, last]. */
static int covers(const struct launch_plan *p, enum grant_kind kind,
		  uint64_t first, uint64_t last)
{
	unsigned i;

	for (i = 0; i < p->nr_grants; i++)
		if (p->grants[i].kind == kind && p->grants[i].first <= first &&
		    p->grants[i].last >= last)
			return 1;
	return 0;
}

/* Plan `p` lets device `m` claim all its table entry says. */
static void assert_may_claim(const struct launch_plan *p,
			     const struct machine_dev *m)
{
	unsigned i;

	for (i = 0; i < m->nr_ranges; i++) {
		const struct machine_range *g = &m->ranges[i];

		if (!covers(p, g->type == DM_OP_RANGE_MMIO ? GRANT_MMIO
							   : GRANT_PIO,
			    g->first, g->last))
			fail_msg("%s: range %u not granted", m->name, i);
	}
	if (m->bdf != MACHINE_NO_BDF)
		assert_true(covers(p, GRANT_PCI, m->bdf, m->bdf));
	for (i = 0; i < m->nr_irqs; i++)
		assert_true(covers(p, GRANT_IRQ, m->irqs[i], m->irqs[i]));
	if (m->rights & MACHINE_MAY_SHUTDOWN)
		assert_true(covers(p, GRANT_SHUTDOWN, 0, 0));
	if (m->rights & MACHINE_MAY_ROUTE)
		assert_true(covers(p, GRANT_PIRQ, 0, 0));
	if (m->rights & MACHINE_MAY_PAM)
		assert_true(covers(p, GRANT_PAM, 0, 0));
}

/*
 * Every device a plan hosts may claim all its table entry says: each
 * range (BAR windows included) inside one grant, its PCI function, its
 * IRQs and rights. Both placements, with disks and firmware.
 */
static void test_grants_cover_claims(void **state)
{
	unsigned nr = 0, k, d;
	int single;

	(void)state;
	add_disk("hda", 0, 0);
	for (single = 0; single < 2; single++) {
		cfg.dm_placement = single ? DOMCFG_PLACEMENT_SINGLE
					  : DOMCFG_PLACEMENT_SPLIT;
		assert_int_equal(launch_plan_build(&cfg, plans, 4, &nr, err,
						   sizeof(err)), 0);
		for (k = 0; k < nr; k++)
			for (d = 0; d < plans[k].nr_devs; d++) {
				char name[32];
				const struct machine_dev *m;

				snprintf(name, sizeof(name), "%.*s",
					 (int)strcspn(plans[k].devs[d], ","),
					 plans[k].devs[d]);
				m = machine_dev_find(name);
				assert_non_null(m);
				assert_may_claim(&plans[k], m);
			}
	}
}

/*
 * The machine table itself: no two devices share a port, an IRQ or a PCI
 * function; no fixed range lies in a BAR window; ranges are well formed;
 * every name is found.
 */
static void test_machine_table(void **state)
{
	unsigned i, j, a, b;

	(void)state;
	for (i = 0; i < MACHINE_NR_DEVS; i++) {
		const struct machine_dev *m = &machine_devs[i];

		assert_non_null(m->name);
		assert_ptr_equal(machine_dev_find(m->name), m);
		assert_true(m->nr_ranges <= MACHINE_MAX_RANGES);
		assert_true(m->nr_irqs <= MACHINE_MAX_IRQS);
		for (a = 0; a < m->nr_ranges; a++) {
			assert_true(m->ranges[a].first <= m->ranges[a].last);
			if (m->ranges[a].type == DM_OP_RANGE_PORT)
				assert_true(m->ranges[a].last <= 0xffff);
		}
		for (a = 0; a < m->nr_irqs; a++)
			assert_true(m->irqs[a] <= 15 && m->irqs[a] != 2 &&
				    m->irqs[a] != 0);
		for (j = 0; j < MACHINE_NR_DEVS; j++) {
			const struct machine_dev *o = &machine_devs[j];

			if (j != i && m->bdf != MACHINE_NO_BDF)
				assert_int_not_equal(m->bdf, o->bdf);
			for (a = 0; a < m->nr_ranges; a++)
				for (b = 0; b < o->nr_ranges; b++) {
					const struct machine_range *x =
						&m->ranges[a];
					const struct machine_range *y =
						&o->ranges[b];

					if ((i == j && a == b) ||
					    x->type != y->type ||
					    x->last < y->first ||
					    y->last < x->first)
						continue;
					fail_msg("%s range %u overlaps %s "
						 "range %u", m->name, a,
						 o->name, b);
				}
			for (a = 0; j != i && a < m->nr_irqs; a++)
				for (b = 0; b < o->nr_irqs; b++)
					assert_int_not_equal(m->irqs[a],
							     o->irqs[b]);
		}
	}
	assert_null(machine_dev_find("nonesuch"));
	assert_int_equal(machine_port(MACHINE_UART), 0x3f8);
	assert_int_equal(machine_irq(MACHINE_IDE, 1), 15);
	assert_int_equal(machine_irq(MACHINE_UART, 1), 0);
	assert_int_equal(machine_port(MACHINE_I440FX), 0);
	assert_string_equal(machine_dm_name(MACHINE_DM_IDE), "ide");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_disks, reset),
		cmocka_unit_test_setup(test_split, reset),
		cmocka_unit_test_setup(test_single, reset),
		cmocka_unit_test_setup(test_no_firmware_no_console, reset),
		cmocka_unit_test_setup(test_no_room, reset),
		cmocka_unit_test_setup(test_grants_cover_claims, reset),
		cmocka_unit_test(test_machine_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
