/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for proto/devspec: the monitor's device specs written and
 * read back, every option at and past its limits, and one clear line of
 * error for every malformed text (and never a crash).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "proto/devspec.h"

static void refused(const char *text, const char *why)
{
	struct devspec s;
	char err[200] = "";

	if (devspec_parse(text, &s, err, sizeof(err)) != -EINVAL)
		fail_msg("'%s' accepted", text);
	if (!strstr(err, why))
		fail_msg("'%s': error '%s' does not say '%s'", text, err, why);
	if (strchr(err, '\n'))
		fail_msg("'%s': error is not one line", text);
}

/* text parses, formats back to exactly itself, and parses the same. */
static void canonical(const char *text)
{
	struct devspec a, b;
	char buf[DEVSPEC_MAX_TEXT], err[200];
	int n;

	if (devspec_parse(text, &a, err, sizeof(err)))
		fail_msg("'%s' refused: %s", text, err);
	n = devspec_format(&a, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(text));
	assert_string_equal(buf, text);
	assert_int_equal(devspec_parse(buf, &b, err, sizeof(err)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_round_trip(void **state)
{
	/* What the monitor writes for the default machine. */
	canonical("ns16550,port=0x3f8,irq=4,console");
	canonical("mc146818,port=0x70,irq=8");
	canonical("debug_exit,port=0xf4");
	canonical("i440fx");
	canonical("fw_cfg,boot=dc");
	canonical("fw_cfg,boot=c");
	canonical("piix3_ide,hda=8:rw:disk,hdc=9:ro:cdrom");
	canonical("piix3_ide,hda=8:rw:disk,hdb=9:ro:disk,hdc=10:ro:cdrom,"
		  "hdd=63:rw:cdrom");
	canonical("x,port=0x0,irq=0");
	canonical("a_b_c_d_e_f_0_9,port=0xffff,irq=15");
}

static void test_parse_values(void **state)
{
	struct devspec s;
	char err[200], buf[DEVSPEC_MAX_TEXT];

	/* Decimal ports and any option order are read; the writer puts
	 * them back in its own order, in hex. */
	assert_int_equal(devspec_parse("ns16550,console,irq=3,port=760", &s,
				       err, sizeof(err)),
			 0);
	assert_string_equal(s.name, "ns16550");
	assert_int_equal(s.keys, DEVSPEC_KEY_PORT | DEVSPEC_KEY_IRQ |
					 DEVSPEC_KEY_CONSOLE);
	assert_true(s.port == 760 && s.irq == 3);
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), 32);
	assert_string_equal(buf, "ns16550,port=0x2f8,irq=3,console");
	assert_int_equal(devspec_parse("piix3_ide,hdd=12:ro:disk,hda=8:rw:cdrom",
				       &s, err, sizeof(err)),
			 0);
	assert_int_equal(s.keys, DEVSPEC_KEY_DRIVE);
	assert_true(s.drives[0].fd == 8 && !s.drives[0].readonly &&
		    s.drives[0].cdrom);
	assert_true(s.drives[1].fd == 0 && s.drives[2].fd == 0);
	assert_true(s.drives[3].fd == 12 && s.drives[3].readonly &&
		    !s.drives[3].cdrom);
	assert_int_equal(devspec_parse("x", &s, NULL, 0), 0);
	assert_int_equal(s.keys, 0);
}

static void test_malformed(void **state)
{
	char longer[DEVSPEC_MAX_TEXT + 8];

	refused("", "device name '' is not 1-15");
	refused(",port=1", "device name '' is not");
	refused("NS16550", "device name 'NS16550' is not");
	refused("ns-16550", "device name 'ns-16550'");
	refused("abcdefghijklmnop", "is not 1-15 of a-z");
	refused("x,", "x: empty option");
	refused("x,,console", "x: empty option");
	refused("x,speed=9600", "x: unknown option 'speed'");
	refused("x,Port=1", "unknown option 'Port'");
	refused("x,port", "x: port needs a value (port=...)");
	refused("x,port=", "x: port '' is not a number 0-0xffff");
	refused("x,port=0x10000", "port '0x10000' is not a number 0-0xffff");
	refused("x,port=65536", "port '65536' is not a number");
	refused("x,port=0x3f8,port=0x2f8", "x: port given twice");
	refused("x,port=-1", "port '-1' is not a number");
	refused("x,port=0377", "port '0377' is not a number");
	refused("x,irq=16", "irq '16' is not a number 0-15");
	refused("x,irq=0x4", "irq '0x4' is not a number 0-15");
	refused("x,irq=4,irq=4", "irq given twice");
	refused("x,console=1", "x: console takes no value");
	refused("x,console,console", "console given twice");
	refused("x,boot=", "boot '' is not c, d, cd or dc");
	refused("x,boot=cdc", "boot 'cdc' is not c, d, cd or dc");
	refused("x,boot=cc", "boot 'cc' is not");
	refused("x,boot=a", "boot 'a' is not");
	refused("x,boot=c,boot=d", "boot given twice");
	refused("x,hd", "x: unknown option 'hd'");
	refused("x,hde=8:rw:disk", "unknown option 'hde=8:rw:disk' (drives "
				   "are hda-hdd)");
	refused("x,hda", "x: unknown option 'hda' (drives are hda-hdd)");
	refused("x,hda=", "hda: '' is not FD:rw|ro:disk|cdrom");
	refused("x,hda=8", "hda: '8' is not FD:rw|ro:disk|cdrom");
	refused("x,hda=8:rw", "is not FD:rw|ro:disk|cdrom");
	refused("x,hda=7:rw:disk", "hda: fd '7' is not a number 8-63");
	refused("x,hda=64:rw:disk", "hda: fd '64' is not a number 8-63");
	refused("x,hda=0x8:rw:disk", "fd '0x8' is not a number");
	refused("x,hda=:rw:disk", "fd '' is not a number");
	refused("x,hda=8:wr:disk", "hda: access 'wr' is not rw or ro");
	refused("x,hda=8:r:disk", "access 'r' is not rw or ro");
	refused("x,hda=8:rw:", "hda: media '' is not disk or cdrom");
	refused("x,hda=8:rw:disk:x", "media 'disk:x' is not disk or cdrom");
	refused("x,hda=8:rw:floppy", "media 'floppy'");
	refused("x,hda=8:rw:disk,hda=9:rw:disk", "x: hda given twice");
	refused("x,hda=8:rw:disk,hdb=8:ro:disk", "x: hda and hdb both on fd 8");
	refused("x,port=\x01", "port '?' is not a number");
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	refused(longer, "longer than 255 bytes");
}

static void test_format_limits(void **state)
{
	struct devspec s;
	char buf[DEVSPEC_MAX_TEXT];

	memset(&s, 0, sizeof(s));
	/* No name, a bad name, bits nobody knows: refused. */
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	snprintf(s.name, sizeof(s.name), "Bad");
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	snprintf(s.name, sizeof(s.name), "ok");
	s.keys = 1u << 9;
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	s.keys = DEVSPEC_KEY_IRQ;
	s.irq = 16;
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	s.irq = 15;
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), 9);
	s.keys = DEVSPEC_KEY_BOOT;
	snprintf(s.boot, sizeof(s.boot), "cc");
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	/* Drives: fds in range, each once, and the drive bit with them. */
	s.keys = DEVSPEC_KEY_DRIVE;
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	s.drives[1].fd = 7;
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	s.drives[1].fd = 9;
	s.drives[2].fd = 9;
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	s.drives[2].fd = 10;
	s.drives[2].cdrom = s.drives[2].readonly = true;
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)),
			 (int)strlen("ok,hdb=9:rw:disk,hdc=10:ro:cdrom"));
	assert_string_equal(buf, "ok,hdb=9:rw:disk,hdc=10:ro:cdrom");
	s.keys = 0;
	assert_int_equal(devspec_format(&s, buf, sizeof(buf)), -EINVAL);
	/* Too small a buffer: an error, never a truncated spec. */
	s.keys = DEVSPEC_KEY_DRIVE;
	assert_int_equal(devspec_format(&s, buf, 10), -ENOSPC);
	assert_int_equal(devspec_format(&s, buf, 2), -ENOSPC);
	assert_string_equal(devspec_key_name(DEVSPEC_KEY_BOOT), "boot");
	assert_string_equal(devspec_key_name(3), "?");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_format_limits),
	};

	return cmocka_run_group_tests_name("devspec", tests, NULL, NULL);
}
