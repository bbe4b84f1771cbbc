/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the capped log file (the monitor's log and the console
 * log): what stays on disk never exceeds twice the cap, the newest bytes
 * are kept, and writers through the dup'ed fd are counted.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "toolstack/logfile.h"

static char dir[64], path[128], old[140];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/safepc-logfile.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(old, sizeof(old), "%s/log.1", dir);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	unlink(old);
	rmdir(dir);
	return 0;
}

static long size_of(const char *p)
{
	struct stat st;

	return stat(p, &st) ? -1 : (long)st.st_size;
}

static void read_all(const char *p, char *buf, size_t len)
{
	int fd = open(p, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = 0;
	close(fd);
}

static void test_rotation(void **state)
{
	struct logfile l;
	char buf[512], big[250];

	assert_int_equal(logfile_open(&l, path, 100, -1), 0);
	logfile_write(&l, "0123456789", 10);
	assert_int_equal(size_of(path), 10);
	assert_int_equal(size_of(old), -1);
	memset(buf, 'a', 90);
	logfile_write(&l, buf, 90); /* exactly the cap */
	assert_int_equal(size_of(path), 100);
	logfile_write(&l, "x", 1); /* one more: rotate first */
	assert_int_equal(size_of(old), 100);
	assert_int_equal(size_of(path), 1);
	read_all(old, buf, sizeof(buf));
	assert_memory_equal(buf, "0123456789aaa", 13);
	/* Longer than the cap: only its end is kept. */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i % 26);
	logfile_write(&l, big, sizeof(big));
	assert_int_equal(size_of(path), 100);
	read_all(path, buf, sizeof(buf));
	assert_memory_equal(buf, big + 150, 100);
	assert_int_equal(size_of(old), 1);
	logfile_close(&l);
}

static void test_reopen_appends(void **state)
{
	struct logfile l;

	assert_int_equal(logfile_open(&l, path, 100, -1), 0);
	logfile_write(&l, "hello ", 6);
	logfile_close(&l);
	assert_int_equal(logfile_open(&l, path, 100, -1), 0);
	logfile_write(&l, "again", 5);
	logfile_close(&l);
	assert_int_equal(size_of(path), 11);
	/* The size known at open counts towards the cap. */
	assert_int_equal(logfile_open(&l, path, 12, -1), 0);
	logfile_write(&l, "!!", 2);
	assert_int_equal(size_of(path), 2);
	assert_int_equal(size_of(old), 11);
	logfile_close(&l);
}

static void test_dup_writers(void **state)
{
	struct logfile l;
	char buf[64];
	int dupfd = 60;

	assert_int_equal(logfile_open(&l, path, 50, dupfd), 0);
	memset(buf, 'w', sizeof(buf));
	/* Someone else writes through the dup'ed fd (the logger). */
	assert_int_equal(write(dupfd, buf, 60), 60);
	logfile_check(&l);
	assert_int_equal(size_of(old), 60);
	assert_int_equal(size_of(path), 0);
	/* ... and the dup'ed fd now points at the new file. */
	assert_int_equal(write(dupfd, buf, 10), 10);
	assert_int_equal(size_of(path), 10);
	logfile_write(&l, buf, 45); /* 10 + 45 > 50: rotate first */
	assert_int_equal(size_of(old), 10);
	assert_int_equal(size_of(path), 45);
	logfile_close(&l);
	close(dupfd);
}

static void test_bad_path(void **state)
{
	struct logfile l;
	char longp[300];

	assert_int_equal(logfile_open(&l, "/nonexistent-dir/log", 10, -1),
			 -ENOENT);
	logfile_write(&l, "x", 1); /* harmless */
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = 0;
	assert_int_equal(logfile_open(&l, longp, 10, -1), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_appends, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dup_writers, setup,
						teardown),
		cmocka_unit_test(test_bad_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
