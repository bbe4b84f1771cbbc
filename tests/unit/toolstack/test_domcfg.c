/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for domcfg: a table of bad configs, each with its exact error
 * message (file, line, key), and good configs checked field by field.
 * Configs and the files they name live in a fresh directory under /tmp;
 * '@' in a template stands for that directory.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "toolstack/domcfg.h"

static char tdir[64];

static const char *const tfiles[] = { "prog.elf", "mod1", "mod2",
				      "disk.img", "disk2.img", "cd.iso",
				      "a,b.img", "fw.bin" };

/* Replaces each '@' in tmpl with the test directory. */
static void expand(const char *tmpl, char *out, size_t len)
{
	size_t n = 0, dl = strlen(tdir);

	for (; *tmpl; tmpl++) {
		if (*tmpl == '@') {
			assert_true(n + dl < len);
			memcpy(out + n, tdir, dl);
			n += dl;
		} else {
			assert_true(n + 1 < len);
			out[n++] = *tmpl;
		}
	}
	out[n] = '\0';
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int group_setup(void **state)
{
	char path[256];
	unsigned i;

	snprintf(tdir, sizeof(tdir), "/tmp/safepc-domcfg-XXXXXX");
	if (!mkdtemp(tdir))
		return -1;
	for (i = 0; i < sizeof(tfiles) / sizeof(tfiles[0]); i++)
		write_file(tfiles[i], "data\n");
	snprintf(path, sizeof(path), "%s/adir", tdir);
	return mkdir(path, 0700);
}

static int group_teardown(void **state)
{
	char path[256];
	unsigned i;

	for (i = 0; i < sizeof(tfiles) / sizeof(tfiles[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tdir, tfiles[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/t.cfg", tdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/adir", tdir);
	rmdir(path);
	return rmdir(tdir);
}

/*
 * Writes the config (template expanded) to @/t.cfg, loads it, applies the
 * overrides and converts it. Returns the first error.
 */
static int run_cfg(const char *tmpl, const char *const *overrides,
		   struct domcfg *dc, char *err, size_t errlen)
{
	static char text[1 << 16];
	struct xlcfg *cfg = NULL;
	char path[256];
	int ret;

	expand(tmpl, text, sizeof(text));
	write_file("t.cfg", text);
	snprintf(path, sizeof(path), "%s/t.cfg", tdir);
	ret = xlcfg_load(path, &cfg, err, errlen);
	if (ret)
		return ret;
	for (; overrides && *overrides; overrides++) {
		ret = xlcfg_set_override(cfg, *overrides, err, errlen);
		if (ret)
			goto out;
	}
	ret = domcfg_from_xlcfg(cfg, dc, err, errlen);
out:
	xlcfg_free(cfg);
	return ret;
}

#define BASE "name = \"g1\"\nkernel = \"prog.elf\"\n"
#define DISK "format=raw, vdev=hda, access=rw, target="

struct bad_cfg {
	const char *label;
	const char *text;
	const char *err; /* '@' expanded; exact match */
	const char *const *overrides;
};

static const char *const ov_mem_string[] = { "memory=abc", NULL };
static const char *const ov_kernel_missing[] = { "kernel=/nonexistent/k",
						 NULL };
static const char *const ov_placement_bad[] = { "dm_placement=shared",
						NULL };
static const char *const ov_accel_bad[] = { "accel=tcg", NULL };

static const struct bad_cfg bad_cfgs[] = {
	/* keys and types */
	{ "unknown key", BASE "foo = 1\n", "@/t.cfg:3: foo: unknown key", NULL },
	{ "unknown key (typo)", BASE "memroy = 1\n",
	  "@/t.cfg:3: memroy: unknown key", NULL },
	{ "memory as string", BASE "memory = \"256\"\n",
	  "@/t.cfg:3: memory: expected an integer, got a string", NULL },
	{ "memory as list", BASE "memory = [ 256 ]\n",
	  "@/t.cfg:3: memory: expected an integer, got a list", NULL },
	{ "name as integer", "name = 5\nkernel = 'prog.elf'\n",
	  "@/t.cfg:1: name: expected a string, got an integer", NULL },
	{ "disk as string", BASE "disk = '" DISK "disk.img'\n",
	  "@/t.cfg:3: disk: expected a list, got a string", NULL },
	{ "duplicate key", BASE "memory = 64\nmemory = 128\n",
	  "@/t.cfg:4: memory: duplicate key (first set on line 3)", NULL },
	{ "missing name", "kernel = 'prog.elf'\n",
	  "@/t.cfg: name: required key is missing", NULL },
	{ "missing kernel", "name = 'g1'\n",
	  "@/t.cfg: kernel: required key is missing", NULL },
	/* syntax, through the same path */
	{ "unterminated string", BASE "extra = \"idle\n",
	  "@/t.cfg:3: extra: unterminated string (missing \")", NULL },
	{ "unterminated list", BASE "disk = [ '" DISK "disk.img',\n",
	  "@/t.cfg:3: disk: unterminated list (missing ']')", NULL },
	{ "list too long", BASE "modules = [ 'a','a','a','a','a','a','a',"
	  "'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a',"
	  "'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a',"
	  "'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a',"
	  "'a','a','a','a','a','a','a','a','a','a' ]\n",
	  "@/t.cfg:3: modules: list too long (max 64 items)", NULL },
	{ "integer overflow", BASE "memory = 99999999999999999999\n",
	  "@/t.cfg:3: memory: integer '99999999999999999999' is too large "
	  "(max 18446744073709551615)", NULL },
	/* name */
	{ "name with a space", "name = 'g 1'\nkernel = 'prog.elf'\n",
	  "@/t.cfg:1: name: invalid character ' ' in name (allowed: A-Z a-z "
	  "0-9 _ . -)", NULL },
	{ "name with a slash", "kernel = 'prog.elf'\nname = '../x'\n",
	  "@/t.cfg:2: name: invalid character '/' in name (allowed: A-Z a-z "
	  "0-9 _ . -)", NULL },
	{ "name with UTF-8", "name = 'gé'\nkernel = 'prog.elf'\n",
	  "@/t.cfg:1: name: invalid byte 0xc3 in name (allowed: A-Z a-z 0-9 "
	  "_ . -)", NULL },
	{ "name too long", "name = '0123456789012345678901234567890123456789"
	  "012345678901234567890123'\nkernel = 'prog.elf'\n",
	  "@/t.cfg:1: name: name too long (64 characters, max 63)", NULL },
	{ "empty name", "name = ''\nkernel = 'prog.elf'\n",
	  "@/t.cfg:1: name: empty name", NULL },
	{ "name starts with -", "name = '-g'\nkernel = 'prog.elf'\n",
	  "@/t.cfg:1: name: name must not start with '-'", NULL },
	{ "name starts with .", "name = '.g'\nkernel = 'prog.elf'\n",
	  "@/t.cfg:1: name: name must not start with '.'", NULL },
	/* memory, vcpus */
	{ "memory 0", BASE "memory = 0\n",
	  "@/t.cfg:3: memory: 0 MiB is out of range (1 to 65536 MiB)", NULL },
	{ "memory 65537", BASE "memory = 65537\n",
	  "@/t.cfg:3: memory: 65537 MiB is out of range (1 to 65536 MiB)", NULL },
	{ "vcpus 9", BASE "vcpus = 9\n",
	  "@/t.cfg:3: vcpus: 9 is out of range (1 to 8)", NULL },
	{ "vcpus 0", BASE "vcpus = 0\n",
	  "@/t.cfg:3: vcpus: 0 is out of range (1 to 8)", NULL },
	/* kernel, extra */
	{ "kernel missing file", "name = 'g1'\nkernel = 'nope.elf'\n",
	  "@/t.cfg:2: kernel: cannot open @/nope.elf: No such file or "
	  "directory", NULL },
	{ "kernel absolute missing", "name = 'g1'\nkernel = '/x'\n",
	  "@/t.cfg:2: kernel: cannot open /x: No such file or directory", NULL },
	{ "kernel is a directory", "name = 'g1'\nkernel = 'adir'\n",
	  "@/t.cfg:2: kernel: @/adir is a directory", NULL },
	{ "kernel is a device", "name = 'g1'\nkernel = '/dev/null'\n",
	  "@/t.cfg:2: kernel: /dev/null is not a regular file", NULL },
	{ "kernel empty", "name = 'g1'\nkernel = ''\n",
	  "@/t.cfg:2: kernel: empty path", NULL },
	{ "kernel override missing", BASE, "<command line>: kernel: cannot "
	  "open /nonexistent/k: No such file or directory", ov_kernel_missing },
	{ "extra with newline", BASE "extra = 'a\\nb'\n",
	  "@/t.cfg:3: extra: command line must not contain a newline", NULL },
	{ "extra too long", BASE "extra = '"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "x'\n",
	  "@/t.cfg:3: extra: command line too long (1025 bytes, max 1024)", NULL },
	{ "root too long with extra", BASE "root = '/dev/sda1'\nextra = '"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "0123456789012345678901234567890123456789012345678901234567890123"
	  "012345678901234567890123456789012345678901234567890123456789'\n",
	  "@/t.cfg:4: extra: command line too long (root=<root> <extra> is "
	  "1035 bytes, max 1024)", NULL },
	{ "root with newline", BASE "root = 'a\\nb'\n",
	  "@/t.cfg:3: root: command line must not contain a newline", NULL },
	{ "cmdline as integer", BASE "cmdline = 3\n",
	  "@/t.cfg:3: cmdline: expected a string, got an integer", NULL },
	{ "ramdisk missing file", BASE "ramdisk = 'nope.img'\n",
	  "@/t.cfg:3: ramdisk: cannot open @/nope.img: No such file or "
	  "directory", NULL },
	{ "ramdisk is a directory", BASE "ramdisk = 'adir'\n",
	  "@/t.cfg:3: ramdisk: @/adir is a directory", NULL },
	{ "ramdisk empty", BASE "ramdisk = ''\n",
	  "@/t.cfg:3: ramdisk: empty path", NULL },
	{ "ramdisk with firmware", BASE "ramdisk = 'mod1'\n"
	  "firmware = 'seabios'\n",
	  "@/t.cfg:3: ramdisk: a ramdisk needs direct kernel boot (firmware "
	  "is set)", NULL },
	{ "memory override not a number", BASE,
	  "<command line>: memory: expected an integer, got a string",
	  ov_mem_string },
	/* modules */
	{ "modules missing file", BASE "modules = [ 'mod1 a=1', 'nomod x' ]\n",
	  "@/t.cfg:3: modules: cannot open @/nomod: No such file or "
	  "directory", NULL },
	{ "modules item line", BASE "modules = [\n 'mod1',\n '/nomod'\n]\n",
	  "@/t.cfg:5: modules: cannot open /nomod: No such file or directory", NULL },
	{ "modules too many", BASE "modules = [ 'mod1','mod1','mod1','mod1',"
	  "'mod1','mod1','mod1','mod1','mod1' ]\n",
	  "@/t.cfg:3: modules: too many modules (9, max 8)", NULL },
	{ "modules not strings", BASE "modules = [ 'mod1', 2 ]\n",
	  "@/t.cfg:3: modules: expected a list of strings, got an integer in "
	  "it", NULL },
	{ "modules empty item", BASE "modules = [ '  ' ]\n",
	  "@/t.cfg:3: modules: empty module", NULL },
	/* enums */
	{ "bad on_crash", BASE "on_crash = 'reboot'\n",
	  "@/t.cfg:3: on_crash: invalid value 'reboot' (expected destroy, "
	  "restart or preserve)", NULL },
	{ "on_poweroff as integer", BASE "on_poweroff = 1\n",
	  "@/t.cfg:3: on_poweroff: expected a string, got an integer", NULL },
	{ "bad serial", BASE "serial = 'tcp:1234'\n",
	  "@/t.cfg:3: serial: invalid value 'tcp:1234' (expected pty or "
	  "none)", NULL },
	{ "bad serial, one-line error", BASE "serial = 'a\\nb'\n",
	  "@/t.cfg:3: serial: invalid value 'a?b' (expected pty or none)",
	  NULL },
	{ "bad boot", BASE "boot = 'n'\n",
	  "@/t.cfg:3: boot: invalid value 'n' (expected c, d, cd or dc)", NULL },
	{ "bad dm_seccomp", BASE "dm_seccomp = 'allow'\n",
	  "@/t.cfg:3: dm_seccomp: invalid value 'allow' (expected kill or "
	  "log)", NULL },
	{ "bad dm_placement", BASE "dm_placement = 'ide'\n",
	  "@/t.cfg:3: dm_placement: invalid value 'ide' (expected split or "
	  "single)", NULL },
	{ "dm_placement as integer", BASE "\ndm_placement = 1\n",
	  "@/t.cfg:4: dm_placement: expected a string, got an integer", NULL },
	{ "dm_placement empty", BASE "dm_placement = ''\n",
	  "@/t.cfg:3: dm_placement: invalid value '' (expected split or "
	  "single)", NULL },
	{ "dm_placement is case-sensitive", BASE "dm_placement = 'Single'\n",
	  "@/t.cfg:3: dm_placement: invalid value 'Single' (expected split "
	  "or single)", NULL },
	{ "dm_placement override bad value", BASE "dm_placement = 'single'\n",
	  "<command line>: dm_placement: invalid value 'shared' (expected "
	  "split or single)", ov_placement_bad },
	{ "bad accel", BASE "accel = 'hvf'\n",
	  "@/t.cfg:3: accel: invalid value 'hvf' (expected auto, kvm or soft)",
	  NULL },
	{ "accel as integer", BASE "\n\naccel = 1\n",
	  "@/t.cfg:5: accel: expected a string, got an integer", NULL },
	{ "accel as list", BASE "accel = [ 'kvm' ]\n",
	  "@/t.cfg:3: accel: expected a string, got a list", NULL },
	{ "accel empty", BASE "accel = ''\n",
	  "@/t.cfg:3: accel: invalid value '' (expected auto, kvm or soft)",
	  NULL },
	{ "accel is case-sensitive", BASE "accel = 'KVM'\n",
	  "@/t.cfg:3: accel: invalid value 'KVM' (expected auto, kvm or soft)",
	  NULL },
	{ "accel twice", BASE "accel = 'kvm'\naccel = 'soft'\n",
	  "@/t.cfg:4: accel: duplicate key (first set on line 3)", NULL },
	{ "accel override bad value", BASE "accel = 'soft'\n",
	  "<command line>: accel: invalid value 'tcg' (expected auto, kvm or "
	  "soft)", ov_accel_bad },
	{ "bad firmware path", BASE "firmware = 'ovmf.fd'\n",
	  "@/t.cfg:3: firmware: cannot open @/ovmf.fd: No such file or "
	  "directory", NULL },
	{ "floor_port 70000", BASE "floor_port = 70000\n",
	  "@/t.cfg:3: floor_port: 70000 is out of range (0 to 65535)", NULL },
	/* disks */
	{ "disk unknown parameter", BASE
	  "disk = [ 'format=raw, vdev=hda, foo=1, target=disk.img' ]\n",
	  "@/t.cfg:3: disk: unknown disk parameter 'foo'", NULL },
	{ "disk bad vdev", BASE
	  "disk = [ 'format=raw, vdev=xvda, target=disk.img' ]\n",
	  "@/t.cfg:3: disk: invalid vdev 'xvda' (expected hda, hdb, hdc or "
	  "hdd)", NULL },
	{ "disk duplicate vdev", BASE "disk = [ '" DISK "disk.img',\n"
	  "  '" DISK "disk2.img' ]\n",
	  "@/t.cfg:4: disk: vdev hda given twice (first on line 3)", NULL },
	{ "disk missing target", BASE "disk = [ 'format=raw, vdev=hda' ]\n",
	  "@/t.cfg:3: disk: missing target", NULL },
	{ "disk empty target", BASE "disk = [ 'vdev=hda, target=' ]\n",
	  "@/t.cfg:3: disk: missing target", NULL },
	{ "disk missing file", BASE "disk = [ '" DISK "none.img' ]\n",
	  "@/t.cfg:3: disk: cannot open @/none.img: No such file or "
	  "directory", NULL },
	{ "disk target is a directory", BASE "disk = [ '" DISK "adir' ]\n",
	  "@/t.cfg:3: disk: @/adir is a directory", NULL },
	{ "disk format qcow2", BASE
	  "disk = [ 'format=qcow2, vdev=hda, target=disk.img' ]\n",
	  "@/t.cfg:3: disk: unsupported format 'qcow2' (only raw)", NULL },
	{ "disk missing vdev", BASE "disk = [ 'format=raw, target=disk.img' ]\n",
	  "@/t.cfg:3: disk: missing vdev", NULL },
	{ "disk bad access", BASE
	  "disk = [ 'vdev=hda, access=rx, target=disk.img' ]\n",
	  "@/t.cfg:3: disk: invalid access 'rx' (expected rw or ro)", NULL },
	{ "disk bad devtype", BASE
	  "disk = [ 'vdev=hda, devtype=floppy, target=disk.img' ]\n",
	  "@/t.cfg:3: disk: invalid devtype 'floppy' (expected disk or cdrom)", NULL },
	{ "disk rw cdrom", BASE
	  "disk = [ 'vdev=hdc, access=rw, devtype=cdrom, target=cd.iso' ]\n",
	  "@/t.cfg:3: disk: a cdrom is read-only (access=rw given)", NULL },
	{ "disk parameter twice", BASE
	  "disk = [ 'vdev=hda, vdev=hdb, target=disk.img' ]\n",
	  "@/t.cfg:3: disk: parameter 'vdev' given twice", NULL },
	{ "disk too many positional", BASE
	  "disk = [ 'disk.img, raw, hda, rw, extra' ]\n",
	  "@/t.cfg:3: disk: too many positional parameters ('extra')", NULL },
	{ "disk empty spec", BASE "disk = [ ' ' ]\n",
	  "@/t.cfg:3: disk: empty disk spec", NULL },
	{ "disk not strings", BASE "disk = [ 1 ]\n",
	  "@/t.cfg:3: disk: expected a list of strings, got an integer in it", NULL },
};

static void test_bad_cfg(void **state)
{
	const struct bad_cfg *bc = *state;
	static struct domcfg dc;
	char want[1024], err[1024] = "";
	int ret;

	expand(bc->err, want, sizeof(want));
	ret = run_cfg(bc->text, bc->overrides, &dc, err, sizeof(err));
	if (ret != -EINVAL || strcmp(err, want))
		fail_msg("%s: ret %d\n  got:  %s\n  want: %s", bc->label, ret,
			 err, want);
}

/* More memory than the host has: needs the host to have less than 64 GiB. */
static void test_memory_more_than_host(void **state)
{
	static struct domcfg dc;
	char text[256], want[512], err[512] = "";
	uint64_t host;

	assert_int_equal(domcfg_host_memory_mib(&host), 0);
	assert_true(host > 0);
	if (host + 1 > DOMCFG_MEMORY_MAX_MIB)
		skip();
	snprintf(text, sizeof(text), BASE "memory = %llu\n",
		 (unsigned long long)host + 1);
	snprintf(want, sizeof(want),
		 "%s/t.cfg:3: memory: %llu MiB is more than the host has "
		 "(MemTotal %llu MiB in /proc/meminfo)",
		 tdir, (unsigned long long)host + 1, (unsigned long long)host);
	assert_int_equal(run_cfg(text, NULL, &dc, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, want);
}

static void path_is(const char *got, const char *tmpl)
{
	char want[512];

	expand(tmpl, want, sizeof(want));
	assert_string_equal(got, want);
}

static void test_defaults(void **state)
{
	static struct domcfg dc;
	char err[512] = "";

	memset(&dc, 0xa5, sizeof(dc));
	if (run_cfg(BASE, NULL, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(dc.name, "g1");
	assert_int_equal(dc.memory_mib, 128);
	assert_int_equal(dc.vcpus, 1);
	path_is(dc.kernel, "@/prog.elf");
	assert_string_equal(dc.extra, "");
	assert_int_equal(dc.nr_modules, 0);
	assert_int_equal(dc.serial, DOMCFG_SERIAL_PTY);
	assert_int_equal(dc.on_poweroff, DOMCFG_ACTION_DESTROY);
	assert_int_equal(dc.on_reboot, DOMCFG_ACTION_RESTART);
	assert_int_equal(dc.on_crash, DOMCFG_ACTION_DESTROY);
	assert_false(dc.has_floor_port);
	assert_int_equal(dc.nr_disks, 0);
	assert_int_equal(dc.firmware, DOMCFG_FIRMWARE_NONE);
	assert_string_equal(dc.boot, "cd");
	assert_int_equal(dc.dm_seccomp, DOMCFG_SECCOMP_KILL);
	assert_int_equal(dc.dm_placement, DOMCFG_PLACEMENT_SPLIT);
	assert_int_equal(dc.accel, DOMCFG_ACCEL_AUTO);
}

static void test_full(void **state)
{
	static struct domcfg dc;
	char err[512] = "";
	const char *text =
		"# a full configuration\n"
		"name = \"Guest_1.test-a\"\n"
		"memory = 256\n"
		"vcpus = 8\n"
		"kernel = \"@/prog.elf\"\n"
		"extra = \"console=ttyS0 idle\"\n"
		"modules = [ 'mod1 arg1 arg2', '  mod2' ]\n"
		"serial = 'none'\n"
		"on_poweroff = 'preserve'\n"
		"on_reboot = 'destroy'\n"
		"on_crash = 'restart'\n"
		"floor_port = 0x80\n"
		"disk = [ 'format=raw, vdev=hda, access=rw, target=disk.img',\n"
		"         'format=raw, vdev=hdc, access=ro, devtype=cdrom, "
		"target=cd.iso',\n"
		"         'disk2.img,raw,hdb,ro',\n"
		"         'vdev=hdd, target=a,b.img' ]\n"
		"firmware = 'seabios'\n"
		"boot = 'dc'\n"
		"dm_seccomp = 'log'\n"
		"dm_placement = 'single'\n"
		"accel = 'soft'\n";

	if (run_cfg(text, NULL, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(dc.name, "Guest_1.test-a");
	assert_int_equal(dc.memory_mib, 256);
	assert_int_equal(dc.vcpus, 8);
	path_is(dc.kernel, "@/prog.elf");
	assert_string_equal(dc.extra, "console=ttyS0 idle");
	assert_int_equal(dc.nr_modules, 2);
	path_is(dc.modules[0].path, "@/mod1");
	assert_string_equal(dc.modules[0].args, "arg1 arg2");
	path_is(dc.modules[1].path, "@/mod2");
	assert_string_equal(dc.modules[1].args, "");
	assert_int_equal(dc.serial, DOMCFG_SERIAL_NONE);
	assert_int_equal(dc.on_poweroff, DOMCFG_ACTION_PRESERVE);
	assert_int_equal(dc.on_reboot, DOMCFG_ACTION_DESTROY);
	assert_int_equal(dc.on_crash, DOMCFG_ACTION_RESTART);
	assert_true(dc.has_floor_port);
	assert_int_equal(dc.floor_port, 0x80);
	assert_int_equal(dc.nr_disks, 4);
	assert_string_equal(dc.disks[0].vdev, "hda");
	assert_int_equal(dc.disks[0].index, 0);
	assert_int_equal(dc.disks[0].devtype, DOMCFG_DEVTYPE_DISK);
	assert_false(dc.disks[0].readonly);
	path_is(dc.disks[0].target, "@/disk.img");
	assert_int_equal(dc.disks[0].line, 13);
	assert_string_equal(dc.disks[1].vdev, "hdc");
	assert_int_equal(dc.disks[1].index, 2);
	assert_int_equal(dc.disks[1].devtype, DOMCFG_DEVTYPE_CDROM);
	assert_true(dc.disks[1].readonly);
	path_is(dc.disks[1].target, "@/cd.iso");
	assert_int_equal(dc.disks[1].line, 14);
	/* positional: target, format, vdev, access */
	assert_string_equal(dc.disks[2].vdev, "hdb");
	assert_true(dc.disks[2].readonly);
	path_is(dc.disks[2].target, "@/disk2.img");
	/* target= takes the rest of the string, commas included */
	assert_string_equal(dc.disks[3].vdev, "hdd");
	path_is(dc.disks[3].target, "@/a,b.img");
	assert_int_equal(dc.firmware, DOMCFG_FIRMWARE_SEABIOS);
	assert_string_equal(dc.boot, "dc");
	assert_int_equal(dc.dm_seccomp, DOMCFG_SECCOMP_LOG);
	assert_int_equal(dc.dm_placement, DOMCFG_PLACEMENT_SINGLE);
	assert_int_equal(dc.accel, DOMCFG_ACCEL_SOFT);
}

/* accel: every value from the file, the create override (as `safepc
 * create CONFIG accel=soft` passes it) and the names. */
static void test_accel(void **state)
{
	static const char *const ov_soft[] = { "accel=soft", NULL };
	static const char *const ov_kvm[] = { "accel=\"kvm\"", NULL };
	static const char *const ov_auto[] = { "accel=auto", NULL };
	static const struct {
		const char *text;
		enum domcfg_accel want;
	} files[] = {
		{ BASE "accel = \"auto\"\n", DOMCFG_ACCEL_AUTO },
		{ BASE "accel = \"kvm\"\n", DOMCFG_ACCEL_KVM },
		{ BASE "accel = 'soft'\n", DOMCFG_ACCEL_SOFT },
		{ "accel = 'soft'\n" BASE, DOMCFG_ACCEL_SOFT },
	};
	static struct domcfg dc;
	char err[512] = "";
	unsigned i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (run_cfg(files[i].text, NULL, &dc, err, sizeof(err)))
			fail_msg("%s", err);
		assert_int_equal(dc.accel, files[i].want);
	}
	/* Overrides replace the file's value, or add one. */
	if (run_cfg(BASE, ov_soft, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.accel, DOMCFG_ACCEL_SOFT);
	if (run_cfg(BASE "accel = 'soft'\n", ov_kvm, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.accel, DOMCFG_ACCEL_KVM);
	if (run_cfg(BASE "accel = 'kvm'\n", ov_auto, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.accel, DOMCFG_ACCEL_AUTO);

	assert_string_equal(domcfg_accel_name(DOMCFG_ACCEL_AUTO), "auto");
	assert_string_equal(domcfg_accel_name(DOMCFG_ACCEL_KVM), "kvm");
	assert_string_equal(domcfg_accel_name(DOMCFG_ACCEL_SOFT), "soft");
	assert_string_equal(domcfg_accel_name((enum domcfg_accel)3), "?");
	assert_string_equal(domcfg_accel_name((enum domcfg_accel)-1), "?");
}

/* dm_placement: both values, from the file and as a create override. */
static void test_dm_placement(void **state)
{
	static const char *const ov_single[] = { "dm_placement=single",
						 NULL };
	static const char *const ov_split[] = { "dm_placement=split", NULL };
	static struct domcfg dc;
	char err[512] = "";

	if (run_cfg(BASE "dm_placement = \"split\"\n", NULL, &dc, err,
		    sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.dm_placement, DOMCFG_PLACEMENT_SPLIT);
	if (run_cfg(BASE "disk = [ '" DISK "disk.img' ]\n"
			 "dm_placement = \"single\"\n",
		    NULL, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.dm_placement, DOMCFG_PLACEMENT_SINGLE);
	assert_int_equal(dc.nr_disks, 1);
	/* Overrides replace the file's value, both ways. */
	if (run_cfg(BASE, ov_single, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.dm_placement, DOMCFG_PLACEMENT_SINGLE);
	if (run_cfg(BASE "dm_placement = 'single'\n", ov_split, &dc, err,
		    sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.dm_placement, DOMCFG_PLACEMENT_SPLIT);
	assert_string_equal(domcfg_placement_name(DOMCFG_PLACEMENT_SPLIT),
			    "split");
	assert_string_equal(domcfg_placement_name(DOMCFG_PLACEMENT_SINGLE),
			    "single");
	assert_string_equal(domcfg_placement_name((enum domcfg_placement)7),
			    "?");
}

static void test_variants(void **state)
{
	static struct domcfg dc;
	static const char *const ov[] = { "memory=512", "extra=idle",
					  "vcpus=2", NULL };
	char err[512] = "";
	char cwd[512];

	/* xl's command line: cmdline wins over root and extra ... */
	if (run_cfg(BASE "extra = 'a'\ncmdline = 'b c'\nroot = '/dev/x'\n",
		    NULL, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(dc.extra, "b c");
	/* ... also as an override of a file's extra ... */
	{
		static const char *const ovc[] = { "cmdline=x", NULL };

		if (run_cfg(BASE "extra = 'a'\n", ovc, &dc, err,
			    sizeof(err)))
			fail_msg("%s", err);
		assert_string_equal(dc.extra, "x");
	}
	/* ... else root=<root> <extra>, root alone, extra alone. */
	if (run_cfg(BASE "extra = 'console=ttyS0'\nroot = '/dev/sda1 ro'\n",
		    NULL, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(dc.extra, "root=/dev/sda1 ro console=ttyS0");
	if (run_cfg(BASE "root = '/dev/hda'\n", NULL, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(dc.extra, "root=/dev/hda");
	assert_string_equal(dc.ramdisk, "");
	/* A ramdisk is a path resolved like the kernel. */
	if (run_cfg(BASE "ramdisk = 'mod1'\nextra = 'q'\n", NULL, &dc, err,
		    sizeof(err)))
		fail_msg("%s", err);
	path_is(dc.ramdisk, "@/mod1");
	assert_string_equal(dc.extra, "q");

	/* cmdline alone; firmware as a path. */
	if (run_cfg(BASE "cmdline = 'a b'\nfirmware = 'fw.bin'\n"
			 "memory = 1\nvcpus = 1\nfloor_port = 0\n",
		    NULL, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(dc.extra, "a b");
	assert_int_equal(dc.firmware, DOMCFG_FIRMWARE_PATH);
	path_is(dc.firmware_path, "@/fw.bin");
	assert_int_equal(dc.memory_mib, 1);
	assert_true(dc.has_floor_port);
	assert_int_equal(dc.floor_port, 0);

	/* Overrides replace file values. */
	if (run_cfg(BASE "memory = 64\nextra = 'x'\n", ov, &dc, err,
		    sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.memory_mib, 512);
	assert_string_equal(dc.extra, "idle");
	assert_int_equal(dc.vcpus, 2);

	/* Empty cdrom drive; positional with "cdrom" flag; empty values. */
	if (run_cfg(BASE "disk = [ 'vdev=hdd, devtype=cdrom',\n"
			 "'cd.iso,,hdc,cdrom', ' disk.img , , hda , ' ]\n",
		    NULL, &dc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(dc.nr_disks, 3);
	assert_int_equal(dc.disks[0].devtype, DOMCFG_DEVTYPE_CDROM);
	assert_string_equal(dc.disks[0].target, "");
	assert_true(dc.disks[0].readonly);
	assert_int_equal(dc.disks[1].devtype, DOMCFG_DEVTYPE_CDROM);
	path_is(dc.disks[1].target, "@/cd.iso");
	assert_string_equal(dc.disks[2].vdev, "hda");
	assert_false(dc.disks[2].readonly);
	path_is(dc.disks[2].target, "@/disk.img");

	/* A relative kernel on the command line resolves against cwd. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tdir), 0);
	{
		static const char *const ovk[] = { "kernel=mod2", NULL };

		if (run_cfg(BASE, ovk, &dc, err, sizeof(err)))
			fail_msg("%s", err);
	}
	assert_int_equal(chdir(cwd), 0);
	path_is(dc.kernel, "@/mod2");
}

static void test_no_host_checks(void **state)
{
	static struct domcfg dc;
	struct xlcfg *cfg = NULL;
	const char *text = "name='x'\nkernel='/no/such'\nmemory=65536\n"
			   "disk=['vdev=hda,target=/no/disk']\n";
	char err[512] = "";

	assert_int_equal(xlcfg_parse("/etc/x.cfg", text, strlen(text), &cfg,
				     err, sizeof(err)), 0);
	assert_int_equal(domcfg_from_xlcfg_flags(cfg, &dc,
						 DOMCFG_F_NO_HOST_CHECKS, err,
						 sizeof(err)), 0);
	assert_string_equal(dc.kernel, "/no/such");
	assert_int_equal(dc.memory_mib, 65536);
	assert_string_equal(dc.disks[0].target, "/no/disk");
	assert_string_equal(domcfg_action_name(DOMCFG_ACTION_PRESERVE),
			    "preserve");
	xlcfg_free(cfg);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_dm_placement),
		cmocka_unit_test(test_accel),
		cmocka_unit_test(test_no_host_checks),
		cmocka_unit_test(test_memory_more_than_host),
	};
	enum { NR_BAD = sizeof(bad_cfgs) / sizeof(bad_cfgs[0]),
	       NR_FIXED = sizeof(fixed) / sizeof(fixed[0]) };
	struct CMUnitTest tests[NR_BAD + NR_FIXED];
	unsigned i;

	/* One named test per bad config. */
	for (i = 0; i < NR_BAD; i++)
		tests[i] = (struct CMUnitTest){
			.name = bad_cfgs[i].label,
			.test_func = test_bad_cfg,
			.initial_state = (void *)&bad_cfgs[i],
		};
	for (i = 0; i < NR_FIXED; i++)
		tests[NR_BAD + i] = fixed[i];
	return _cmocka_run_group_tests("domcfg", tests, NR_BAD + NR_FIXED,
				       group_setup, group_teardown);
}
