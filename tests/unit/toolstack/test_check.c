/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the parts of `safepc check` that need no running domain:
 * the /proc text helpers (check_text.c), the verdict rows and their
 * jail_weaken notes (check_row.c), and the --json document (check_print.c),
 * read back with json.c's parser.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "toolstack/check_priv.h"
#include "toolstack/json.h"

static void test_u64(void **state)
{
	uint64_t v = 7;

	assert_int_equal(check_u64("123", 10, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(check_u64("1ff", 16, &v), 0);
	assert_int_equal(v, 0x1ff);
	assert_int_equal(check_u64("18446744073709551615", 10, &v), 0);
	assert_true(v == UINT64_MAX);
	/* Signs, blanks, trailing bytes, overflow and nothing are refused. */
	assert_int_equal(check_u64("", 10, &v), -EINVAL);
	assert_int_equal(check_u64("-1", 10, &v), -EINVAL);
	assert_int_equal(check_u64("+1", 10, &v), -EINVAL);
	assert_int_equal(check_u64(" 1", 10, &v), -EINVAL);
	assert_int_equal(check_u64("1x", 10, &v), -EINVAL);
	assert_int_equal(check_u64("18446744073709551616", 10, &v), -EINVAL);
}

static const char status[] = "Name:\tsafepc-dm \n"
			     "Uid:\t1001\t1001\t1001\t1001\n"
			     "Gid:\t1002\t1002\t1003\n"
			     "CapEff:\t0000000000000000\n";

static void test_field(void **state)
{
	char out[16], tiny[4];
	uint64_t v[4];

	assert_int_equal(check_field(status, "Name", out, sizeof(out)), 0);
	assert_string_equal(out, "safepc-dm"); /* trimmed */
	/* A key is matched whole: "Ui" is not "Uid". */
	assert_int_equal(check_field(status, "Ui", out, sizeof(out)), -ENOENT);
	assert_int_equal(check_field(status, "Name", tiny, sizeof(tiny)),
			 -E2BIG);
	assert_int_equal(check_field_nums(status, "Uid", 10, v, 4), 0);
	assert_true(v[0] == 1001 && v[3] == 1001);
	/* Three numbers where four are wanted. */
	assert_int_equal(check_field_nums(status, "Gid", 10, v, 4), -EINVAL);
	assert_int_equal(check_field_nums(status, "CapEff", 16, v, 1), 0);
	assert_true(v[0] == 0);
	assert_int_equal(check_field_nums(status, "Nope", 10, v, 1), -EINVAL);
}

static void test_split(void **state)
{
	char line[] = "  a\tbb  ccc ", more[] = "1 2 3 4", *t[3];

	assert_int_equal(check_split(line, t, 3), 3);
	assert_string_equal(t[0], "a");
	assert_string_equal(t[1], "bb");
	assert_string_equal(t[2], "ccc");
	assert_int_equal(check_split(more, t, 3), 4); /* max + 1 */
}

static void test_has_opt_sanitize(void **state)
{
	char s[] = "ok\x01\x7f\xc3";

	assert_true(check_has_opt("rw,nosuid,ro", "ro"));
	assert_true(check_has_opt("ro,nodev", "ro"));
	assert_false(check_has_opt("rw,rox", "ro"));
	assert_false(check_has_opt("", "ro"));
	check_sanitize(s);
	assert_string_equal(s, "ok???");
}

/* Reads through a temporary file, unlinked at once (its fd stays open). */
static void test_read_fd(void **state)
{
	char path[] = "/tmp/safepc-test-check-XXXXXX", buf[8];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, "abcdef", 6), 6);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(check_read_fd(fd, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "abcdef");
	/* One byte too many for the buffer (and its NUL). */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(check_read_fd(fd, buf, 6), -EFBIG);
	close(fd);
	assert_int_equal(check_read_file("/nonexistent/x", buf, sizeof(buf)),
			 -ENOENT);
}

static void test_rows(void **state)
{
	struct check_proc *p = calloc(1, sizeof(*p));
	unsigned i;

	assert_non_null(p);
	p->weaken = JAIL_WEAKEN_SECCOMP | JAIL_WEAKEN_CAPS;
	check_row(p, "seccomp", CHECK_FAIL, "Seccomp %d", 0);
	check_row(p, "cap-bnd", CHECK_PASS, "CapBnd 0");
	check_row(p, "ns-net", CHECK_FAIL, "host's");
	check_row(p, "cap-eff", CHECK_INFO, "x");
	assert_int_equal(p->nr_rows, 4);
	assert_string_equal(p->rows[0].detail,
			    "Seccomp 0 [given up: jail_weaken \"seccomp\"]");
	assert_string_equal(p->rows[1].detail,
			    "CapBnd 0 [jail_weaken \"caps\" given, yet it "
			    "holds]");
	assert_string_equal(p->rows[2].detail, "host's"); /* not weakened */
	assert_string_equal(p->rows[3].detail, "x");	   /* INFO: no note */
	/* A full table never drops a FAIL silently: the last row says so. */
	for (i = p->nr_rows; i < CHECK_MAX_ROWS + 3; i++)
		check_row(p, "fd-1", CHECK_PASS, "fine");
	assert_int_equal(p->nr_rows, CHECK_MAX_ROWS);
	assert_string_equal(p->rows[CHECK_MAX_ROWS - 1].name, "rows");
	assert_int_equal(p->rows[CHECK_MAX_ROWS - 1].result, CHECK_FAIL);
	free(p);
}

/* Runs check_print_json with stdout in a memfd; returns what it wrote. */
static char *print_json(const struct check_domain *d, unsigned fails)
{
	int fd = memfd_create("test-check", 0), saved;
	char *text;
	off_t len;

	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDOUT_FILENO) >= 0);
	assert_int_equal(check_print_json(d, fails), 0);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	len = lseek(fd, 0, SEEK_END);
	assert_true(len > 0);
	text = calloc(1, (size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(pread(fd, text, (size_t)len, 0), len);
	close(fd);
	return text;
}

static void test_print_json(void **state)
{
	static struct json_doc doc;
	struct check_domain *d = calloc(1, sizeof(*d));
	const struct json_node *root, *procs, *p0, *c0, *w;
	char err[128], *text;

	assert_non_null(d);
	snprintf(d->name, sizeof(d->name), "web\"1");
	d->domid = 4;
	d->monitor = 100;
	d->weaken = JAIL_WEAKEN_SECCOMP;
	snprintf(d->accel, sizeof(d->accel), "soft");
	d->nr_procs = 1;
	snprintf(d->procs[0].tag, sizeof(d->procs[0].tag), "hv/4");
	d->procs[0].pid = 101;
	d->procs[0].uid = 5000;
	d->procs[0].is_hv = 1;
	check_row(&d->procs[0], "root", CHECK_FAIL, "a \"quoted\" \\ path");
	text = print_json(d, 1);
	/* One line: the document and a newline. */
	assert_true(strchr(text, '\n') == text + strlen(text) - 1);
	assert_int_equal(json_parse(&doc, text, strlen(text) - 1, err,
				    sizeof(err)), 0);
	root = json_root(&doc);
	assert_string_equal(json_str(json_get(&doc, root, "domain")),
			    "web\"1");
	assert_int_equal(json_get(&doc, root, "domid")->i, 4);
	assert_int_equal(json_get(&doc, root, "failures")->i, 1);
	assert_string_equal(json_str(json_get(&doc, root, "accel")), "soft");
	assert_null(json_get(&doc, root, "dm_placement"));
	w = json_get(&doc, root, "weakened");
	assert_int_equal(w->count, 1);
	assert_string_equal(json_str(json_first(&doc, w)), "seccomp");
	procs = json_get(&doc, root, "processes");
	assert_int_equal(procs->count, 1);
	p0 = json_first(&doc, procs);
	assert_string_equal(json_str(json_get(&doc, p0, "kind")), "hv");
	assert_int_equal(json_get(&doc, p0, "uid")->i, 5000);
	c0 = json_first(&doc, json_get(&doc, p0, "checks"));
	assert_string_equal(json_str(json_get(&doc, c0, "result")), "FAIL");
	assert_string_equal(json_str(json_get(&doc, c0, "detail")),
			    "a \"quoted\" \\ path");
	free(text);
	free(d);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_field),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_has_opt_sanitize),
		cmocka_unit_test(test_read_fd),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_print_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
