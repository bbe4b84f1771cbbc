/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for accel: the choice between KVM and the soft CPU for each
 * `accel` value against made-up probe results (exact log lines and error
 * text), and the probe itself on nodes that are not KVM (missing, not a
 * device, a device that is not KVM), without leaking fds. Where the host
 * has a working /dev/kvm, the probe must accept it.
 */
#include <dirent.h>
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

#include "toolstack/accel.h"

/* A probe that found a working KVM (the fd is never used by choose). */
static const struct accel_kvm_probe probe_ok = { .fd = 42, .opened = true };

static const struct accel_kvm_probe probe_enoent = {
	.fd = -1, .err = ENOENT, .why = "No such file or directory"
};
static const struct accel_kvm_probe probe_eacces = {
	.fd = -1, .err = EACCES, .why = "Permission denied"
};
static const struct accel_kvm_probe probe_novm = {
	.fd = -1, .opened = true, .err = EPERM,
	.why = "KVM_CREATE_VM: Operation not permitted"
};
static const struct accel_kvm_probe probe_api = {
	.fd = -1, .opened = true, .err = EINVAL,
	.why = "KVM_GET_API_VERSION is 11, not 12"
};

static unsigned count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Runs accel_choose and checks its result, log line and error text. */
static void choose_is(enum domcfg_accel want,
		      const struct accel_kvm_probe *p, int ret,
		      enum domcfg_accel out, const char *note, const char *err)
{
	enum domcfg_accel got = (enum domcfg_accel)77;
	char n[200] = "x", e[300] = "";

	assert_int_equal(accel_choose(want, p, &got, n, sizeof(n), e,
				      sizeof(e)), ret);
	if (ret == 0) {
		assert_int_equal(got, out);
		assert_string_equal(n, note);
		assert_string_equal(e, "");
	} else {
		assert_int_equal(got, 77); /* untouched */
		assert_string_equal(n, "");
		assert_string_equal(e, err);
	}
}

static void test_auto(void **state)
{
	(void)state;
	choose_is(DOMCFG_ACCEL_AUTO, &probe_ok, 0, DOMCFG_ACCEL_KVM,
		  "accel: kvm", NULL);
	choose_is(DOMCFG_ACCEL_AUTO, &probe_enoent, 0, DOMCFG_ACCEL_SOFT,
		  "accel: soft (no /dev/kvm: No such file or directory)",
		  NULL);
	choose_is(DOMCFG_ACCEL_AUTO, &probe_eacces, 0, DOMCFG_ACCEL_SOFT,
		  "accel: soft (cannot open /dev/kvm: Permission denied)",
		  NULL);
	choose_is(DOMCFG_ACCEL_AUTO, &probe_novm, 0, DOMCFG_ACCEL_SOFT,
		  "accel: soft (/dev/kvm unusable: KVM_CREATE_VM: Operation "
		  "not permitted)", NULL);
	choose_is(DOMCFG_ACCEL_AUTO, &probe_api, 0, DOMCFG_ACCEL_SOFT,
		  "accel: soft (/dev/kvm unusable: KVM_GET_API_VERSION is 11, "
		  "not 12)", NULL);
}

static void test_kvm(void **state)
{
	(void)state;
	choose_is(DOMCFG_ACCEL_KVM, &probe_ok, 0, DOMCFG_ACCEL_KVM,
		  "accel: kvm (accel = \"kvm\")", NULL);
	choose_is(DOMCFG_ACCEL_KVM, &probe_enoent, -ENODEV, 0, NULL,
		  "accel = \"kvm\" but /dev/kvm cannot be used (No such file "
		  "or directory): load kvm_intel or kvm_amd, or set accel = "
		  "\"soft\"");
	choose_is(DOMCFG_ACCEL_KVM, &probe_novm, -ENODEV, 0, NULL,
		  "accel = \"kvm\" but /dev/kvm cannot be used (KVM_CREATE_VM: "
		  "Operation not permitted): load kvm_intel or kvm_amd, or set "
		  "accel = \"soft\"");
}

/* "soft" never looks at /dev/kvm: not even a working one. */
static void test_soft(void **state)
{
	(void)state;
	choose_is(DOMCFG_ACCEL_SOFT, NULL, 0, DOMCFG_ACCEL_SOFT,
		  "accel: soft (accel = \"soft\")", NULL);
	choose_is(DOMCFG_ACCEL_SOFT, &probe_ok, 0, DOMCFG_ACCEL_SOFT,
		  "accel: soft (accel = \"soft\")", NULL);
}

static void test_invalid(void **state)
{
	enum domcfg_accel got;
	char n[64], e[128];

	(void)state;
	assert_int_equal(accel_choose((enum domcfg_accel)3, &probe_ok, &got,
				      n, sizeof(n), e, sizeof(e)), -EINVAL);
	assert_int_equal(accel_choose(DOMCFG_ACCEL_AUTO, NULL, &got, n,
				      sizeof(n), e, sizeof(e)), -EINVAL);
	assert_int_equal(accel_choose(DOMCFG_ACCEL_KVM, NULL, &got, n,
				      sizeof(n), e, sizeof(e)), -EINVAL);
	/* A probe whose fd is open but that recorded an error is a
	 * failure (never trust half a result). */
	{
		struct accel_kvm_probe p = probe_novm;

		p.fd = 42;
		choose_is(DOMCFG_ACCEL_AUTO, &p, 0, DOMCFG_ACCEL_SOFT,
			  "accel: soft (/dev/kvm unusable: KVM_CREATE_VM: "
			  "Operation not permitted)", NULL);
	}
}

/* The probe on things that are not KVM; no fd may stay open. */
static void test_probe_not_kvm(void **state)
{
	struct accel_kvm_probe p;
	char path[] = "/tmp/safepc-accel-XXXXXX";
	unsigned before = count_fds();
	int fd;

	(void)state;
	assert_int_equal(accel_kvm_probe(&p, "/nonexistent/kvm"), -ENOENT);
	assert_int_equal(p.fd, -1);
	assert_false(p.opened);
	assert_int_equal(p.err, ENOENT);
	assert_string_equal(p.why, "No such file or directory");

	/* A character device that is not KVM: the ioctl fails. */
	assert_int_equal(accel_kvm_probe(&p, "/dev/null"), -ENOTTY);
	assert_int_equal(p.fd, -1);
	assert_true(p.opened);
	assert_string_equal(p.why, "KVM_GET_API_VERSION: Inappropriate ioctl "
				   "for device");

	/* A regular file. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(accel_kvm_probe(&p, path), -ENOTTY);
	assert_int_equal(p.fd, -1);
	assert_true(p.opened);
	unlink(path);

	/* A directory cannot be opened O_RDWR. */
	assert_int_equal(accel_kvm_probe(&p, "/"), -EISDIR);
	assert_false(p.opened);
	assert_string_equal(p.why, "Is a directory");
	assert_int_equal(count_fds(), before);
}

/* Where this host has a working KVM, the probe must say so. */
static void test_probe_host(void **state)
{
	struct accel_kvm_probe p;
	unsigned before = count_fds();

	(void)state;
	if (access(ACCEL_KVM_DEV, F_OK)) {
		skip();
		return;
	}
	if (accel_kvm_probe(&p, ACCEL_KVM_DEV)) {
		/* Present but unusable here (permissions, a PVM host): the
		 * reason must be there and nothing left open. */
		assert_int_equal(p.fd, -1);
		assert_true(p.why[0] != '\0');
		assert_int_equal(count_fds(), before);
		return;
	}
	assert_true(p.fd >= 0);
	assert_int_equal(p.err, 0);
	assert_string_equal(p.why, "");
	/* Exactly one fd more: the device, not the probe's VM. */
	assert_int_equal(count_fds(), before + 1);
	close(p.fd);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_kvm),
		cmocka_unit_test(test_soft),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_probe_not_kvm),
		cmocka_unit_test(test_probe_host),
	};

	return cmocka_run_group_tests_name("accel", tests, NULL, NULL);
}
