/* SPDX-License-Identifier: MIT */
/* Unit tests for the xl.cfg parser: good syntax, and every error's text. */
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

#include "toolstack/xlcfg.h"

static struct xlcfg *parse_ok(const char *text)
{
	char err[512] = "";
	struct xlcfg *cfg = NULL;
	int ret = xlcfg_parse("t.cfg", text, strlen(text), &cfg, err,
			      sizeof(err));

	if (ret)
		fail_msg("unexpected error %d: %s\n--- text:\n%s", ret, err,
			 text);
	assert_non_null(cfg);
	return cfg;
}

static const struct xlcfg_entry *get(const struct xlcfg *cfg, const char *k)
{
	const struct xlcfg_entry *e = xlcfg_get(cfg, k);

	if (!e)
		fail_msg("key %s missing", k);
	return e;
}

static void test_example(void **state)
{
	const char *text =
		"# comment\n"
		"name = \"g1\"\n"
		"memory = 256\n"
		"vcpus = 2\n"
		"kernel = \"/path/prog.elf\"\n"
		"extra = \"idle\"\n"
		"disk = [ 'format=raw, vdev=hda, access=rw, "
		"target=/path/disk.img',\n"
		"         'format=raw, vdev=hdc, access=ro, devtype=cdrom, "
		"target=/x.iso' ]\n";
	struct xlcfg *cfg = parse_ok(text);
	const struct xlcfg_entry *e;

	assert_int_equal(xlcfg_count(cfg), 6);
	e = get(cfg, "name");
	assert_int_equal(e->type, XLCFG_STRING);
	assert_string_equal(e->str, "g1");
	assert_int_equal(e->line, 2);
	assert_string_equal(e->file, "t.cfg");
	e = get(cfg, "memory");
	assert_int_equal(e->type, XLCFG_INT);
	assert_int_equal(e->num, 256);
	assert_int_equal(e->line, 3);
	assert_int_equal(get(cfg, "vcpus")->num, 2);
	assert_string_equal(get(cfg, "kernel")->str, "/path/prog.elf");
	assert_string_equal(get(cfg, "extra")->str, "idle");
	e = get(cfg, "disk");
	assert_int_equal(e->type, XLCFG_LIST);
	assert_int_equal(e->nr_items, 2);
	assert_int_equal(e->line, 7);
	assert_int_equal(e->items[0].line, 7);
	assert_int_equal(e->items[1].line, 8);
	assert_string_equal(e->items[1].str, "format=raw, vdev=hdc, access=ro, "
					     "devtype=cdrom, target=/x.iso");
	assert_ptr_equal(xlcfg_entry_at(cfg, 0), xlcfg_get(cfg, "name"));
	assert_null(xlcfg_entry_at(cfg, 6));
	assert_null(xlcfg_get(cfg, "nope"));
	xlcfg_free(cfg);
}

static void test_strings(void **state)
{
	struct xlcfg *cfg = parse_ok(
		"a = \"x\\\\y\\\"z\\'w\\nv\\tu\\r\"\n"
		"b = 'say \"hi\"'\n"
		"c = \"it's\"\n"
		"d = ''\n"
		"e = '# not a comment'\n");

	assert_string_equal(get(cfg, "a")->str, "x\\y\"z'w\nv\tu\r");
	assert_string_equal(get(cfg, "b")->str, "say \"hi\"");
	assert_string_equal(get(cfg, "c")->str, "it's");
	assert_string_equal(get(cfg, "d")->str, "");
	assert_string_equal(get(cfg, "e")->str, "# not a comment");
	xlcfg_free(cfg);
}

static void test_integers(void **state)
{
	struct xlcfg *cfg = parse_ok("a = 0\nb = 0x1F\nc = 0XfF\n"
				     "d = 18446744073709551615\n"
				     "e = 0xffffffffffffffff\nf = 1234567\n");

	assert_int_equal(get(cfg, "a")->num, 0);
	assert_int_equal(get(cfg, "b")->num, 0x1f);
	assert_int_equal(get(cfg, "c")->num, 0xff);
	assert_true(get(cfg, "d")->num == UINT64_MAX);
	assert_true(get(cfg, "e")->num == UINT64_MAX);
	assert_int_equal(get(cfg, "f")->num, 1234567);
	xlcfg_free(cfg);
}

static void test_statements(void **state)
{
	/* ';' separators, empty statements, CRLF, comments, no final NL. */
	struct xlcfg *cfg = parse_ok(";;\r\n  a=1;b = 'x' ; c=2 # end\r\n"
				     "\n\t# indented comment\n"
				     "Key_9 = 3;\n"
				     "last = 4");

	assert_int_equal(xlcfg_count(cfg), 5);
	assert_int_equal(get(cfg, "a")->num, 1);
	assert_int_equal(get(cfg, "a")->line, 2);
	assert_string_equal(get(cfg, "b")->str, "x");
	assert_int_equal(get(cfg, "c")->num, 2);
	assert_int_equal(get(cfg, "Key_9")->line, 5);
	assert_int_equal(get(cfg, "last")->num, 4);
	assert_int_equal(get(cfg, "last")->line, 6);
	xlcfg_free(cfg);

	cfg = parse_ok("");
	assert_int_equal(xlcfg_count(cfg), 0);
	xlcfg_free(cfg);
	cfg = parse_ok("# only a comment");
	assert_int_equal(xlcfg_count(cfg), 0);
	xlcfg_free(cfg);
}

static void test_lists(void **state)
{
	struct xlcfg *cfg = parse_ok(
		"empty = []\n"
		"one = [ 'a', ]\n"
		"mixed = [\n"
		"  1, # first\n"
		"\n"
		"  'two',\n"
		"  0x3\n"
		"]\n"
		"tight=['x','y']\n");
	const struct xlcfg_entry *e;

	e = get(cfg, "empty");
	assert_int_equal(e->type, XLCFG_LIST);
	assert_int_equal(e->nr_items, 0);
	e = get(cfg, "one");
	assert_int_equal(e->nr_items, 1);
	assert_string_equal(e->items[0].str, "a");
	e = get(cfg, "mixed");
	assert_int_equal(e->nr_items, 3);
	assert_int_equal(e->line, 3);
	assert_int_equal(e->items[0].type, XLCFG_INT);
	assert_int_equal(e->items[0].num, 1);
	assert_int_equal(e->items[0].line, 4);
	assert_int_equal(e->items[1].type, XLCFG_STRING);
	assert_int_equal(e->items[1].line, 6);
	assert_int_equal(e->items[2].num, 3);
	assert_int_equal(e->items[2].line, 7);
	e = get(cfg, "tight");
	assert_int_equal(e->nr_items, 2);
	assert_int_equal(get(cfg, "tight")->line, 9);
	xlcfg_free(cfg);
}

/* Largest values that are still allowed. */
static void test_bounds_ok(void **state)
{
	size_t cap = 200000;
	char *text = malloc(cap);
	struct xlcfg *cfg;
	size_t n = 0;
	unsigned i;

	assert_non_null(text);
	n += (size_t)snprintf(text + n, cap - n, "l = [");
	for (i = 0; i < XLCFG_MAX_LIST; i++)
		n += (size_t)snprintf(text + n, cap - n, "%u,\n", i);
	n += (size_t)snprintf(text + n, cap - n, "]\ns = '");
	memset(text + n, 'x', XLCFG_MAX_STRING);
	n += XLCFG_MAX_STRING;
	n += (size_t)snprintf(text + n, cap - n, "'\n");
	memset(text + n, 'k', XLCFG_MAX_KEY);
	n += XLCFG_MAX_KEY;
	n += (size_t)snprintf(text + n, cap - n, " = 1\n");
	for (i = 3; i < XLCFG_MAX_ENTRIES; i++)
		n += (size_t)snprintf(text + n, cap - n, "k%u = %u\n", i, i);
	cfg = parse_ok(text);
	assert_int_equal(xlcfg_count(cfg), XLCFG_MAX_ENTRIES);
	assert_int_equal(get(cfg, "l")->nr_items, XLCFG_MAX_LIST);
	assert_int_equal(strlen(get(cfg, "s")->str), XLCFG_MAX_STRING);
	xlcfg_free(cfg);
	free(text);
}

struct bad_case {
	const char *text;
	const char *err;
};

static const struct bad_case bad_cases[] = {
	{ "name = \"g1\n", "t.cfg:1: name: unterminated string (missing \")" },
	{ "a = 1\nname = 'g1", "t.cfg:2: name: unterminated string (missing ')" },
	{ "a = 'x\\", "t.cfg:1: a: unterminated string (missing ')" },
	{ "disk = [ 'a',\n 'b'\n", "t.cfg:1: disk: unterminated list (missing ']')" },
	{ "disk = [", "t.cfg:1: disk: unterminated list (missing ']')" },
	{ "a = [ 1 2 ]", "t.cfg:1: a: expected ',' or ']' in the list, got '2'" },
	{ "a = [ 'x'\nb = 1 ]", "t.cfg:2: a: expected ',' or ']' in the list, got 'b'" },
	{ "a = [ [1] ]", "t.cfg:1: a: lists cannot be nested" },
	{ "a = [ , ]", "t.cfg:1: a: expected a value (quoted string, integer or list), got ','" },
	{ "memory = 18446744073709551616",
	  "t.cfg:1: memory: integer '18446744073709551616' is too large (max 18446744073709551615)" },
	{ "memory = 0x10000000000000000",
	  "t.cfg:1: memory: integer '0x10000000000000000' is too large (max 18446744073709551615)" },
	{ "memory = 012",
	  "t.cfg:1: memory: invalid integer '012': leading zeros are not allowed (octal is ambiguous)" },
	{ "memory = 12abc", "t.cfg:1: memory: invalid integer '12abc'" },
	{ "memory = 1.5", "t.cfg:1: memory: invalid integer '1.5'" },
	{ "memory = 0x", "t.cfg:1: memory: invalid integer '0x'" },
	{ "memory = 0xg1", "t.cfg:1: memory: invalid integer '0xg1'" },
	{ "memory = -1", "t.cfg:1: memory: negative numbers are not supported" },
	{ "name = g1", "t.cfg:1: name: expected a value, got a bare word (strings need quotes)" },
	{ "name = ", "t.cfg:1: name: missing value" },
	{ "name =\nx = 1", "t.cfg:1: name: missing value" },
	{ "name = # c", "t.cfg:1: name: missing value" },
	{ "name \"g1\"", "t.cfg:1: name: expected '=' after the key, got '\"'" },
	{ "name", "t.cfg:1: name: expected '=' after the key, got end of file" },
	{ "\n= 3", "t.cfg:2: expected a key, got '='" },
	{ "9a = 3", "t.cfg:1: expected a key, got '9'" },
	{ "a.b = 3", "t.cfg:1: a: expected '=' after the key, got '.'" },
	{ "a = 1 b = 2", "t.cfg:1: a: unexpected 'b' after the value (missing ';' or newline?)" },
	{ "a = 'x''y'", "t.cfg:1: a: unexpected ''' after the value (missing ';' or newline?)" },
	{ "a = 1\n\nb = 2\na = 3", "t.cfg:4: a: duplicate key (first set on line 1)" },
	{ "a += 1", "t.cfg:1: a: '+=' is not supported" },
	{ "a = 'x\\q'", "t.cfg:1: a: unknown escape '\\q' in string" },
	{ "a = \xc3\xa9", "t.cfg:1: a: expected a value (quoted string, integer or list), got byte 0xc3" },
	{ "a = 1\n\x01", "t.cfg:2: expected a key, got byte 0x01" },
};

static void test_bad_syntax(void **state)
{
	unsigned i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct xlcfg *cfg = (struct xlcfg *)0x1;
		char err[512] = "";
		int ret;

		ret = xlcfg_parse("t.cfg", bc->text, strlen(bc->text), &cfg,
				  err, sizeof(err));
		if (ret != -EINVAL || strcmp(err, bc->err))
			fail_msg("case %u (%s): ret %d\n  got:  %s\n  want: %s",
				 i, bc->text, ret, err, bc->err);
		assert_null(cfg);
	}
}

/* Errors past the bounds, built programmatically. */
static void expect_error(const char *text, size_t len, int want_ret,
			 const char *want)
{
	struct xlcfg *cfg = NULL;
	char err[512] = "";
	int ret = xlcfg_parse("t.cfg", text, len, &cfg, err, sizeof(err));

	if (ret != want_ret || strcmp(err, want))
		fail_msg("ret %d, got '%s', want '%s'", ret, err, want);
	assert_null(cfg);
}

static void test_bounds_bad(void **state)
{
	size_t cap = XLCFG_MAX_FILE + 16;
	char *text = malloc(cap);
	char want[128];
	size_t n;
	unsigned i;

	assert_non_null(text);
	/* 65 list items; the error is on the line of the 65th. */
	n = (size_t)snprintf(text, cap, "l = [");
	for (i = 0; i < XLCFG_MAX_LIST + 1; i++)
		n += (size_t)snprintf(text + n, cap - n, "%u,\n", i);
	n += (size_t)snprintf(text + n, cap - n, "]\n");
	expect_error(text, n, -EINVAL,
		     "t.cfg:65: l: list too long (max 64 items)");

	/* A string one byte too long. */
	n = (size_t)snprintf(text, cap, "s = '");
	memset(text + n, 'x', XLCFG_MAX_STRING + 1);
	n += XLCFG_MAX_STRING + 1;
	text[n++] = '\'';
	expect_error(text, n, -EINVAL,
		     "t.cfg:1: s: string too long (max 4096 bytes)");

	/* A key one byte too long. */
	memset(text, 'k', XLCFG_MAX_KEY + 1);
	n = XLCFG_MAX_KEY + 1;
	n += (size_t)snprintf(text + n, cap - n, " = 1");
	expect_error(text, n, -EINVAL, "t.cfg:1: key too long (max 63 bytes)");

	/* A long line (in a comment) on line 2. */
	n = (size_t)snprintf(text, cap, "a = 1\n#");
	memset(text + n, 'c', XLCFG_MAX_LINE);
	n += XLCFG_MAX_LINE;
	expect_error(text, n, -EINVAL,
		     "t.cfg:2: line too long (max 8192 bytes)");

	/* NUL bytes are refused wherever they are. */
	expect_error("a = 'x\0y'\n", 10, -EINVAL,
		     "t.cfg:1: NUL byte in config text");

	/* Too many keys. */
	n = 0;
	for (i = 0; i <= XLCFG_MAX_ENTRIES; i++)
		n += (size_t)snprintf(text + n, cap - n, "k%u = %u\n", i, i);
	snprintf(want, sizeof(want), "t.cfg:%u: k%u: too many keys (max %u)",
		 XLCFG_MAX_ENTRIES + 1, XLCFG_MAX_ENTRIES, XLCFG_MAX_ENTRIES);
	expect_error(text, n, -EINVAL, want);

	/* A file over 1 MiB. */
	memset(text, '\n', XLCFG_MAX_FILE + 1);
	expect_error(text, XLCFG_MAX_FILE + 1, -E2BIG,
		     "t.cfg: config file too large (max 1048576 bytes)");
	free(text);
}

static void test_overrides(void **state)
{
	struct xlcfg *cfg = parse_ok("name = 'g1'\nmemory = 256\n"
				     "extra = 'x'\nvcpus = 2\n");
	const struct xlcfg_entry *e;
	char err[256] = "";

	assert_int_equal(xlcfg_set_override(cfg, "memory=512", err,
					    sizeof(err)), 0);
	e = get(cfg, "memory");
	assert_int_equal(e->type, XLCFG_INT);
	assert_int_equal(e->num, 512);
	assert_int_equal(e->line, 0);
	assert_string_equal(e->file, XLCFG_CMDLINE_FILE);
	/* Replaced entries move after the file's. */
	assert_string_equal(xlcfg_entry_at(cfg, 3)->key, "memory");
	assert_int_equal(xlcfg_count(cfg), 4);

	assert_int_equal(xlcfg_set_override(cfg, "extra=\"idle\"", err,
					    sizeof(err)), 0);
	assert_string_equal(get(cfg, "extra")->str, "idle");
	assert_int_equal(xlcfg_set_override(cfg, "extra=idle now", err,
					    sizeof(err)), 0);
	assert_string_equal(get(cfg, "extra")->str, "idle now");
	assert_int_equal(xlcfg_set_override(cfg, "extra='a' b", err,
					    sizeof(err)), 0);
	assert_string_equal(get(cfg, "extra")->str, "'a' b");
	assert_int_equal(xlcfg_set_override(cfg, "extra=", err,
					    sizeof(err)), 0);
	assert_int_equal(get(cfg, "extra")->type, XLCFG_STRING);
	assert_string_equal(get(cfg, "extra")->str, "");
	assert_int_equal(xlcfg_set_override(cfg, "kernel=/x/y.elf", err,
					    sizeof(err)), 0);
	assert_string_equal(get(cfg, "kernel")->str, "/x/y.elf");
	assert_int_equal(xlcfg_set_override(cfg, " vcpus = 0x4 ", err,
					    sizeof(err)), 0);
	assert_int_equal(get(cfg, "vcpus")->type, XLCFG_INT);
	assert_int_equal(get(cfg, "vcpus")->num, 4);
	assert_int_equal(xlcfg_set_override(cfg, "memory=-5", err,
					    sizeof(err)), 0);
	assert_int_equal(get(cfg, "memory")->type, XLCFG_STRING);
	assert_string_equal(get(cfg, "memory")->str, "-5");
	assert_int_equal(xlcfg_set_override(cfg, "a=b=c", err,
					    sizeof(err)), 0);
	assert_string_equal(get(cfg, "a")->str, "b=c");
	assert_int_equal(xlcfg_set_override(
				 cfg, "disk=['vdev=hda, target=x', 'y',]",
				 err, sizeof(err)), 0);
	e = get(cfg, "disk");
	assert_int_equal(e->type, XLCFG_LIST);
	assert_int_equal(e->nr_items, 2);
	assert_int_equal(e->items[0].line, 0);
	assert_string_equal(e->items[1].str, "y");

	/* Errors. */
	assert_int_equal(xlcfg_set_override(cfg, "noequals", err,
					    sizeof(err)), -EINVAL);
	assert_string_equal(err, "<command line>: expected KEY=VALUE, got "
				 "'noequals'");
	assert_int_equal(xlcfg_set_override(cfg, "=5", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "<command line>: expected KEY=VALUE, got "
				 "'=5'");
	assert_int_equal(xlcfg_set_override(cfg, "9a=5", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(xlcfg_set_override(cfg, "a b=5", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "<command line>: invalid key 'a b'");
	xlcfg_free(cfg);
}

static void test_error_format(void **state)
{
	char err[64];

	xlcfg_error(err, sizeof(err), "f", 3, "k", "m %d", 1);
	assert_string_equal(err, "f:3: k: m 1");
	xlcfg_error(err, sizeof(err), "f", 3, NULL, "m");
	assert_string_equal(err, "f:3: m");
	xlcfg_error(err, sizeof(err), "f", 0, "k", "m");
	assert_string_equal(err, "f: k: m");
	xlcfg_error(err, 4, "file", 3, "k", "m");
	assert_string_equal(err, "fil");
	xlcfg_error(NULL, 0, "f", 1, "k", "m"); /* no crash */
	xlcfg_error(err, sizeof(err), "f\n", 1, "k", "a\nb\tc\x7f");
	assert_string_equal(err, "f?:1: k: a?b?c?");
	assert_string_equal(xlcfg_type_name(XLCFG_LIST), "a list");
}

static void test_load(void **state)
{
	char path[] = "/tmp/safepc-xlcfg-XXXXXX";
	char err[512] = "";
	const char *text = "name = 'g1'\nmemory = 64\n";
	struct xlcfg *cfg = NULL;
	char *slash;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(xlcfg_load(path, &cfg, err, sizeof(err)), 0);
	assert_string_equal(xlcfg_file(cfg), path);
	assert_string_equal(xlcfg_dir(cfg), "/tmp");
	assert_int_equal(get(cfg, "memory")->num, 64);
	xlcfg_free(cfg);

	/* A relative config name: its directory is made absolute. */
	assert_int_equal(chdir("/tmp"), 0);
	slash = strrchr(path, '/');
	assert_int_equal(xlcfg_load(slash + 1, &cfg, err, sizeof(err)), 0);
	assert_string_equal(xlcfg_dir(cfg), "/tmp");
	xlcfg_free(cfg);
	assert_int_equal(xlcfg_parse("sub/x.cfg", "", 0, &cfg, err,
				     sizeof(err)), 0);
	assert_string_equal(xlcfg_dir(cfg), "/tmp/sub");
	xlcfg_free(cfg);
	assert_int_equal(xlcfg_parse("/x.cfg", "", 0, &cfg, err,
				     sizeof(err)), 0);
	assert_string_equal(xlcfg_dir(cfg), "/");
	xlcfg_free(cfg);
	unlink(path);

	assert_int_equal(xlcfg_load(path, &cfg, err, sizeof(err)), -ENOENT);
	assert_null(cfg);
	assert_true(strstr(err, ": cannot open: No such file or directory"));
	assert_int_equal(xlcfg_load("/tmp", &cfg, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, "/tmp: not a regular file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_statements),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_bounds_ok),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_bounds_bad),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
