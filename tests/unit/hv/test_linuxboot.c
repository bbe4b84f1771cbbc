/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the Linux boot protocol loader: small synthetic bzImages
 * built in memory (a setup header and a patterned protected-mode part),
 * loaded from memfds into a malloc'd RAM buffer of exactly RAM_SIZE bytes
 * (ASan sees any write past it). Placement, the zero page, the e820 map,
 * the command line, the initrd and the stub are checked; every bad image
 * must be rejected with its message and RAM left untouched. The last test
 * loads Debian's kernel when tests/linux/fixture has cached it.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hv/linuxboot.h"

#define RAM_SIZE (8u << 20)
#define SETUP_SECTS 4u
#define SETUP_SIZE ((SETUP_SECTS + 1) * 512u)
#define PM_SIZE 0x3000u
#define IMG_MAX (SETUP_SIZE + PM_SIZE + 0x1000u)
#define POISON 0xcc

struct img {
	uint8_t buf[IMG_MAX];
	size_t len;
};

static uint8_t *ram_buf;
static uint8_t *poison_copy;
static struct linuxboot_ram ram;
static struct img im;

static int setup(void **state)
{
	ram_buf = malloc(RAM_SIZE);
	poison_copy = malloc(RAM_SIZE);
	if (!ram_buf || !poison_copy)
		return -1;
	memset(poison_copy, POISON, RAM_SIZE);
	return 0;
}

/* Before each test: RAM back to the poison pattern, the default image. */
static void put16(size_t off, uint16_t v)
{
	memcpy(im.buf + off, &v, 2);
}

static void put32(size_t off, uint32_t v)
{
	memcpy(im.buf + off, &v, 4);
}

static void put64(size_t off, uint64_t v)
{
	memcpy(im.buf + off, &v, 8);
}

static uint16_t zp16(size_t off)
{
	uint16_t v;

	memcpy(&v, ram_buf + LINUXBOOT_ZERO_PAGE + off, 2);
	return v;
}

static uint32_t zp32(size_t off)
{
	uint32_t v;

	memcpy(&v, ram_buf + LINUXBOOT_ZERO_PAGE + off, 4);
	return v;
}

static uint64_t zp64(size_t off)
{
	uint64_t v;

	memcpy(&v, ram_buf + LINUXBOOT_ZERO_PAGE + off, 8);
	return v;
}

/*
 * A valid protocol 2.15 relocatable 64-bit kernel: 4 setup sectors,
 * PM_SIZE bytes of protected-mode code (byte i = i * 7), pref_address
 * 2 MiB, alignment 2 MiB, init_size 1 MiB, cmdline_size 255.
 */
static void bz_base(void)
{
	size_t i;

	memset(&im, 0, sizeof(im));
	for (i = 0; i < SETUP_SIZE; i++)
		im.buf[i] = 0x5e; /* setup code: never loaded */
	memset(im.buf + 0x1F1, 0, 0x290 - 0x1F1);
	im.buf[LINUXBOOT_HDR_SETUP_SECTS] = SETUP_SECTS;
	put32(LINUXBOOT_HDR_SYSSIZE, PM_SIZE / 16);
	put16(LINUXBOOT_HDR_VID_MODE, 0xFFFD);
	put16(LINUXBOOT_HDR_BOOT_FLAG, 0xAA55);
	im.buf[LINUXBOOT_HDR_JUMP] = 0xEB;
	im.buf[LINUXBOOT_HDR_JUMP + 1] = 0x6A; /* header ends at 0x26c */
	memcpy(im.buf + LINUXBOOT_HDR_MAGIC, "HdrS", 4);
	put16(LINUXBOOT_HDR_VERSION, 0x020F);
	put16(0x20E, 0x1234); /* kernel_version: copied as is */
	im.buf[LINUXBOOT_HDR_LOADFLAGS] = LINUXBOOT_LOADED_HIGH;
	put32(LINUXBOOT_HDR_CODE32_START, 0x100000);
	put32(LINUXBOOT_HDR_INITRD_ADDR_MAX, 0x7FFFFFFF);
	put32(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 0x200000);
	im.buf[LINUXBOOT_HDR_RELOCATABLE] = 1;
	im.buf[0x235] = 21; /* min_alignment */
	put16(LINUXBOOT_HDR_XLOADFLAGS, 0x7F);
	put32(LINUXBOOT_HDR_CMDLINE_SIZE, 255);
	put64(0x250, 0xdeadbeef000ull); /* setup_data: must be dropped */
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x200000);
	put32(LINUXBOOT_HDR_INIT_SIZE, 0x100000);
	for (i = 0; i < PM_SIZE; i++)
		im.buf[SETUP_SIZE + i] = (uint8_t)(i * 7);
	im.len = SETUP_SIZE + PM_SIZE;
}

static int reset(void **state)
{
	memset(ram_buf, POISON, RAM_SIZE);
	ram = (struct linuxboot_ram){ .base = ram_buf, .size = RAM_SIZE };
	bz_base();
	return 0;
}

static int teardown(void **state)
{
	free(ram_buf);
	free(poison_copy);
	return 0;
}

static int memfd_of(const void *data, size_t len)
{
	int fd = memfd_create("lbtest", MFD_CLOEXEC);

	assert_true(fd >= 0);
	if (len)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

/* Loads im with `cmdline` and an initrd of initrd_len bytes (-1: none). */
static int load(const char *cmdline, long initrd_len,
		struct linuxboot_entry *out, char *err, size_t errlen)
{
	struct linuxboot_args a = { .cmdline = cmdline, .initrd_fd = -1 };
	int kfd = memfd_of(im.buf, im.len), ret;
	uint8_t *rd = NULL;

	if (initrd_len >= 0) {
		rd = malloc((size_t)initrd_len + 1);
		assert_non_null(rd);
		memset(rd, 0x3d, (size_t)initrd_len + 1);
		a.initrd_fd = memfd_of(rd, (size_t)initrd_len);
	}
	ret = linuxboot_load(&ram, kfd, &a, out, err, errlen);
	close(kfd);
	if (a.initrd_fd >= 0)
		close(a.initrd_fd);
	free(rd);
	return ret;
}

static void load_ok(const char *cmdline, long initrd_len,
		    struct linuxboot_entry *out)
{
	char err[256];

	if (load(cmdline, initrd_len, out, err, sizeof(err)))
		fail_msg("%s", err);
}

/* The load must fail with ret and a message containing `want`. */
static void load_fails(long initrd_len, int ret, const char *want)
{
	struct linuxboot_entry ent;
	char err[256];

	memset(err, 'x', sizeof(err));
	assert_int_equal(load("c", initrd_len, &ent, err, sizeof(err)), ret);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
	assert_null(strchr(err, '\n'));
	if (memcmp(ram_buf, poison_copy, RAM_SIZE))
		fail_msg("RAM was written by a failed load");
}

static void check_pm_at(uint32_t gpa)
{
	size_t i;

	for (i = 0; i < PM_SIZE; i++)
		if (ram_buf[gpa + i] != (uint8_t)(i * 7))
			fail_msg("kernel byte 0x%zx at 0x%x differs", i, gpa);
}

static void test_basic(void **state)
{
	struct linuxboot_entry ent;
	uint8_t stub[LINUXBOOT_TRAMPOLINE_SIZE];

	load_ok("console=ttyS0 quiet", -1, &ent);
	assert_int_equal(ent.version, 0x020F);
	assert_int_equal(ent.eip, 0x200000);
	assert_int_equal(ent.esi, LINUXBOOT_ZERO_PAGE);
	assert_int_equal(ent.start_ip, LINUXBOOT_TRAMPOLINE_ENTRY);
	assert_int_equal(ent.entry64, 0x200200);
	assert_int_equal(ent.kernel_start, 0x200000);
	assert_int_equal(ent.kernel_end, 0x300000);
	assert_int_equal(ent.initrd_start, 0);
	assert_int_equal(ent.initrd_size, 0);
	assert_int_equal(ent.cmdline_len, 19);
	assert_false(ent.cmdline_truncated);
	check_pm_at(0x200000);
	/* Nothing past the image is loaded. */
	assert_int_equal(ram_buf[0x200000 + PM_SIZE], POISON);

	/* The setup header is copied, then the loader's fields set. */
	assert_int_equal(zp16(LINUXBOOT_HDR_BOOT_FLAG), 0xAA55);
	assert_memory_equal(ram_buf + LINUXBOOT_ZERO_PAGE + 0x202, "HdrS", 4);
	assert_int_equal(zp16(0x20E), 0x1234);
	assert_int_equal(zp32(LINUXBOOT_HDR_SYSSIZE), PM_SIZE / 16);
	assert_int_equal(zp16(LINUXBOOT_HDR_VID_MODE), 0xFFFF);
	assert_int_equal(ram_buf[LINUXBOOT_ZERO_PAGE + 0x210], 0xFF);
	assert_int_equal(ram_buf[LINUXBOOT_ZERO_PAGE + 0x211],
			 LINUXBOOT_LOADED_HIGH | LINUXBOOT_CAN_USE_HEAP);
	assert_int_equal(zp32(LINUXBOOT_HDR_CODE32_START), 0x200000);
	assert_int_equal(zp32(LINUXBOOT_HDR_RAMDISK_IMAGE), 0);
	assert_int_equal(zp32(LINUXBOOT_HDR_RAMDISK_SIZE), 0);
	assert_int_equal(zp16(LINUXBOOT_HDR_HEAP_END_PTR), 0xDE00);
	assert_int_equal(ram_buf[LINUXBOOT_ZERO_PAGE + 0x226], 0);
	assert_int_equal(zp32(LINUXBOOT_HDR_CMD_LINE_PTR), LINUXBOOT_CMDLINE);
	assert_int_equal(zp32(LINUXBOOT_HDR_KERNEL_ALIGNMENT), 0x200000);
	assert_int_equal(zp64(0x250), 0);
	assert_int_equal(zp64(LINUXBOOT_HDR_PREF_ADDRESS), 0x200000);
	assert_int_equal(zp32(LINUXBOOT_HDR_INIT_SIZE), 0x100000);
	/* Zero page outside the header: zero (the sentinel included). */
	assert_int_equal(ram_buf[LINUXBOOT_ZERO_PAGE + 0x1EF], 0);
	assert_int_equal(zp64(LINUXBOOT_ZP_ACPI_RSDP), 0);
	assert_int_equal(ram_buf[LINUXBOOT_ZERO_PAGE + 0x26C], 0);
	assert_string_equal((char *)ram_buf + LINUXBOOT_CMDLINE,
			    "console=ttyS0 quiet");

	/* The stub: the template with ESI and the entry patched in. */
	linuxboot_trampoline_fill(stub, LINUXBOOT_ZERO_PAGE, 0x200000);
	assert_memory_equal(ram_buf + LINUXBOOT_TRAMPOLINE, stub, sizeof(stub));
	assert_memory_equal(stub + 0x4e, "\xbe\x00\x80\x00\x00", 5);
	assert_memory_equal(stub + 0x59, "\xb8\x00\x00\x20\x00\xff\xe0", 7);
	assert_memory_equal(stub + 0x28, linuxboot_trampoline + 0x28, 0x26);
	/* Nothing in the hole and nothing between the areas and 1 MiB. */
	assert_int_equal(ram_buf[0xA0000], POISON);
	assert_int_equal(ram_buf[0xFFFFF], POISON);
	assert_int_equal(ram_buf[0x10000], POISON);
	assert_int_equal(ram_buf[0x6FFF], POISON);
}

static void check_e820(uint64_t above_4g)
{
	const struct linuxboot_e820 want[] = {
		{ 0, 0x9FC00, 1 },
		{ 0x9FC00, 0x400, 2 },
		{ 0xF0000, 0x10000, 2 },
		{ 0x100000, RAM_SIZE - 0x100000, 1 },
		{ 0x100000000ull, above_4g, 1 },
	};
	unsigned n = above_4g ? 5 : 4, i;
	struct linuxboot_e820 e;

	assert_int_equal(ram_buf[LINUXBOOT_ZERO_PAGE +
				 LINUXBOOT_ZP_E820_ENTRIES], n);
	for (i = 0; i < n; i++) {
		memcpy(&e, ram_buf + LINUXBOOT_ZERO_PAGE +
				   LINUXBOOT_ZP_E820_TABLE + i * sizeof(e),
		       sizeof(e));
		assert_int_equal(e.addr, want[i].addr);
		assert_int_equal(e.size, want[i].size);
		assert_int_equal(e.type, want[i].type);
	}
	memcpy(&e, ram_buf + LINUXBOOT_ZERO_PAGE + LINUXBOOT_ZP_E820_TABLE +
			   n * sizeof(e), sizeof(e));
	assert_int_equal(e.addr | e.size | e.type, 0);
}

static void test_e820(void **state)
{
	struct linuxboot_entry ent;

	load_ok(NULL, -1, &ent);
	check_e820(0);
	assert_string_equal((char *)ram_buf + LINUXBOOT_CMDLINE, "");
	memset(ram_buf, POISON, RAM_SIZE);
	ram.above_4g = 1ull << 30;
	load_ok("", -1, &ent);
	check_e820(1ull << 30);
}

static void test_cmdline_truncated(void **state)
{
	struct linuxboot_entry ent;
	char big[300];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = 'Z';
	load_ok(big, -1, &ent);
	assert_true(ent.cmdline_truncated);
	assert_int_equal(ent.cmdline_len, 255);
	assert_int_equal(strlen((char *)ram_buf + LINUXBOOT_CMDLINE), 255);
	assert_int_equal(ram_buf[LINUXBOOT_CMDLINE], 'Z');

	/* Exactly cmdline_size bytes fit. */
	memset(ram_buf, POISON, RAM_SIZE);
	big[255] = '\0';
	load_ok(big, -1, &ent);
	assert_false(ent.cmdline_truncated);
	assert_int_equal(ent.cmdline_len, 255);

	/* cmdline_size 0: an empty string. */
	put32(LINUXBOOT_HDR_CMDLINE_SIZE, 0);
	load_ok("abc", -1, &ent);
	assert_true(ent.cmdline_truncated);
	assert_int_equal(ram_buf[LINUXBOOT_CMDLINE], 0);

	/* A huge cmdline_size is capped by our own area. */
	put32(LINUXBOOT_HDR_CMDLINE_SIZE, 0xFFFFFFFF);
	{
		size_t n = 0x9000;
		char *s = malloc(n);

		assert_non_null(s);
		memset(s, 'b', n - 1);
		s[n - 1] = '\0';
		load_ok(s, -1, &ent);
		free(s);
	}
	assert_true(ent.cmdline_truncated);
	assert_int_equal(ent.cmdline_len,
			 LINUXBOOT_CMDLINE_END - LINUXBOOT_CMDLINE - 1);
	assert_int_equal(ram_buf[LINUXBOOT_CMDLINE_END - 1], 0);
	assert_int_equal(ram_buf[LINUXBOOT_CMDLINE_END], POISON);
}

static void test_initrd_top(void **state)
{
	struct linuxboot_entry ent;
	size_t i;

	load_ok("", 12345, &ent);
	/* As high as possible, page aligned: RAM end - 12345 down to 4K. */
	assert_int_equal(ent.initrd_start, (RAM_SIZE - 12345) & ~0xFFFu);
	assert_int_equal(ent.initrd_size, 12345);
	assert_int_equal(zp32(LINUXBOOT_HDR_RAMDISK_IMAGE), ent.initrd_start);
	assert_int_equal(zp32(LINUXBOOT_HDR_RAMDISK_SIZE), 12345);
	for (i = 0; i < 12345; i++)
		assert_int_equal(ram_buf[ent.initrd_start + i], 0x3d);
	assert_int_equal(ram_buf[ent.initrd_start + 12345], POISON);

	/* initrd_addr_max is the last byte it may use. */
	memset(ram_buf, POISON, RAM_SIZE);
	put32(LINUXBOOT_HDR_INITRD_ADDR_MAX, 0x4FFFFF);
	load_ok("", 0x2000, &ent);
	assert_int_equal(ent.initrd_start, 0x4FE000);

	/* Page rounding: it ends at most at initrd_addr_max + 1. */
	put32(LINUXBOOT_HDR_INITRD_ADDR_MAX, 0x4FFFFE);
	load_ok("", 0x2000, &ent);
	assert_int_equal(ent.initrd_start, 0x4FD000);
}

static void test_initrd_below_kernel(void **state)
{
	struct linuxboot_entry ent;

	/* The kernel takes 6-8 MiB: the initrd goes below it. */
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x600000);
	put32(LINUXBOOT_HDR_INIT_SIZE, 0x200000);
	load_ok("", 0x10000, &ent);
	assert_int_equal(ent.kernel_start, 0x600000);
	assert_int_equal(ent.kernel_end, 0x800000);
	assert_int_equal(ent.initrd_start, 0x5F0000);

	/* Above the kernel when initrd_addr_max is above it. */
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x200000);
	load_ok("", 0x10000, &ent);
	assert_int_equal(ent.initrd_start, RAM_SIZE - 0x10000);

	/* An empty initrd: nothing placed. */
	load_ok("", 0, &ent);
	assert_int_equal(ent.initrd_start, 0);
	assert_int_equal(zp32(LINUXBOOT_HDR_RAMDISK_SIZE), 0);
}

static void test_placement(void **state)
{
	struct linuxboot_entry ent;

	/* An unaligned pref_address is rounded up to kernel_alignment. */
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x280000);
	load_ok("", -1, &ent);
	assert_int_equal(ent.eip, 0x400000);
	check_pm_at(0x400000);
	assert_int_equal(zp32(LINUXBOOT_HDR_CODE32_START), 0x400000);

	/* pref_address 0 (below 1 MiB) on a relocatable kernel: 1 MiB
	 * aligned up. A small alignment is used as a page. */
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0);
	put32(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 16);
	load_ok("", -1, &ent);
	assert_int_equal(ent.eip, 0x100000);

	/* Not relocatable: loaded at 1 MiB, runs at pref_address. */
	put32(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 0); /* unused then */
	im.buf[LINUXBOOT_HDR_RELOCATABLE] = 0;
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x400000);
	load_ok("", 0x1000, &ent);
	assert_int_equal(ent.eip, 0x100000);
	check_pm_at(0x100000);
	assert_int_equal(ent.kernel_start, 0x100000);
	assert_int_equal(ent.kernel_end, 0x500000);

	/* init_size smaller than the image: the image counts. */
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x100000);
	put32(LINUXBOOT_HDR_INIT_SIZE, 0x10);
	load_ok("", -1, &ent);
	assert_int_equal(ent.kernel_end, 0x100000 + PM_SIZE);
}

static void test_old_protocols(void **state)
{
	struct linuxboot_entry ent;

	/* 2.06: no pref_address/init_size (header ends at 0x23c), no
	 * xloadflags: 1 MiB aligned, the image only, no 64-bit entry. */
	put16(LINUXBOOT_HDR_VERSION, 0x0206);
	im.buf[LINUXBOOT_HDR_JUMP + 1] = 0x3A;
	load_ok("x", -1, &ent);
	assert_int_equal(ent.version, 0x0206);
	assert_int_equal(ent.eip, 0x200000);
	assert_int_equal(ent.entry64, 0);
	assert_int_equal(ent.kernel_end, 0x200000 + PM_SIZE);
	/* Only the header's own bytes are copied. */
	assert_int_equal(zp64(LINUXBOOT_HDR_PREF_ADDRESS), 0);
	assert_int_equal(zp16(LINUXBOOT_HDR_XLOADFLAGS), 0x7F);

	/* 2.12 without XLF_KERNEL_64: no 64-bit entry. */
	put16(LINUXBOOT_HDR_VERSION, 0x020C);
	im.buf[LINUXBOOT_HDR_JUMP + 1] = 0x66;
	put16(LINUXBOOT_HDR_XLOADFLAGS, 0);
	load_ok("x", -1, &ent);
	assert_int_equal(ent.entry64, 0);
	assert_int_equal(ent.eip, 0x200000);
}

static void test_details(void **state)
{
	struct linuxboot_entry ent;
	struct linuxboot_args a = { .initrd_fd = -1, .acpi_rsdp = 0xF5A30 };
	char err[128];
	int fd;

	/* setup_sects 0 means 4; a signature appended is not loaded. */
	im.buf[LINUXBOOT_HDR_SETUP_SECTS] = 0;
	memset(im.buf + im.len, 0xee, 0x400);
	im.len += 0x400;
	fd = memfd_of(im.buf, im.len);
	assert_int_equal(linuxboot_load(&ram, fd, &a, &ent, err, sizeof(err)),
			 0);
	close(fd);
	check_pm_at(0x200000);
	assert_int_equal(ram_buf[0x200000 + PM_SIZE], POISON);
	assert_int_equal(zp64(LINUXBOOT_ZP_ACPI_RSDP), 0xF5A30);

	/* A header longer than boot_params' area is clamped to 0x290. */
	im.buf[LINUXBOOT_HDR_JUMP + 1] = 0xF0;
	im.buf[0x28F] = 0x77;
	im.buf[0x290] = 0x88;
	load_ok("", -1, &ent);
	assert_int_equal(ram_buf[LINUXBOOT_ZERO_PAGE + 0x28F], 0x77);
	assert_int_equal(ram_buf[LINUXBOOT_ZERO_PAGE + 0x290], 0);

	/* The probe. */
	assert_true(linuxboot_probe(im.buf, im.len));
	assert_false(linuxboot_probe(im.buf, 0x205));
	im.buf[0x1FE] = 0;
	assert_false(linuxboot_probe(im.buf, im.len));
}

static void test_err_not_bzimage(void **state)
{
	im.buf[0x203] = 'x';
	load_fails(-1, -ENOEXEC, "not a bzImage");
	bz_base();
	put16(LINUXBOOT_HDR_BOOT_FLAG, 0);
	load_fails(-1, -ENOEXEC, "not a bzImage");
	bz_base();
	im.len = 0x100;
	load_fails(-1, -ENOEXEC, "not a bzImage");
	im.len = 0;
	load_fails(-1, -ENOEXEC, "kernel file is empty");
}

static void test_err_protocol(void **state)
{
	put16(LINUXBOOT_HDR_VERSION, 0x0205);
	load_fails(-1, -ENOEXEC,
		   "boot protocol version 2.05 too old, need 2.06");
	put16(LINUXBOOT_HDR_VERSION, 0x0100);
	load_fails(-1, -ENOEXEC, "version 1.00 too old");
	bz_base();
	im.buf[LINUXBOOT_HDR_LOADFLAGS] = 0;
	load_fails(-1, -ENOEXEC, "LOADED_HIGH clear");
}

static void test_err_truncated(void **state)
{
	/* Cut inside the setup header. */
	im.len = 0x207;
	load_fails(-1, -EINVAL, "truncated bzImage");
	im.len = 0x240;
	load_fails(-1, -EINVAL, "the setup header ends at 0x26c");
	/* Cut inside the setup code, then at its end. */
	im.len = SETUP_SIZE - 1;
	load_fails(-1, -EINVAL, "setup code takes 0xa00 bytes");
	im.len = SETUP_SIZE;
	load_fails(-1, -EINVAL, "setup code takes 0xa00 bytes");
	/* Cut inside the protected-mode part (16 bytes short). */
	im.len = SETUP_SIZE + PM_SIZE - 16;
	load_fails(-1, -EINVAL, "protected-mode kernel is 0x3000 bytes");
	/* Within syssize's rounding: accepted. */
	im.len = SETUP_SIZE + PM_SIZE - 15;
	{
		struct linuxboot_entry ent;

		load_ok("", -1, &ent);
	}
	memset(ram_buf, POISON, RAM_SIZE);
	bz_base();
	im.buf[LINUXBOOT_HDR_SETUP_SECTS] = 200;
	load_fails(-1, -EINVAL, "setup code takes 0x19200 bytes");
}

static void test_err_header(void **state)
{
	/* A header too short for its protocol version. */
	im.buf[LINUXBOOT_HDR_JUMP + 1] = 0x60;
	load_fails(-1, -EINVAL, "setup header ends at 0x262, too short for "
				"protocol 2.15");
	put16(LINUXBOOT_HDR_VERSION, 0x0206);
	im.buf[LINUXBOOT_HDR_JUMP + 1] = 0x39;
	load_fails(-1, -EINVAL, "too short for protocol 2.06");
	bz_base();
	put32(LINUXBOOT_HDR_SYSSIZE, 0);
	load_fails(-1, -EINVAL, "syssize is 0");
	bz_base();
	put32(LINUXBOOT_HDR_SYSSIZE, 0xFFFFFFFF);
	load_fails(-1, -EINVAL, "protected-mode kernel is 0xffffffff0 bytes");
	bz_base();
	put32(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 0x300000);
	load_fails(-1, -EINVAL, "kernel_alignment 0x300000");
	put32(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 0);
	load_fails(-1, -EINVAL, "kernel_alignment 0x0");
	put32(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 0x80000000);
	load_fails(-1, -EINVAL, "kernel_alignment 0x80000000");
}

static void test_err_space(void **state)
{
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0xFFFFFFFFFFFFF000ull);
	load_fails(-1, -ENOSPC, "past the end of RAM");
	put64(LINUXBOOT_HDR_PREF_ADDRESS, RAM_SIZE);
	load_fails(-1, -ENOSPC, "pref_address 0x800000, past the end");
	/* Runs at 6 MiB with 4 MiB of init_size: 2 MiB too much. */
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x600000);
	put32(LINUXBOOT_HDR_INIT_SIZE, 0x400000);
	load_fails(-1, -ENOSPC, "kernel needs RAM up to 0xa00000");
	put32(LINUXBOOT_HDR_INIT_SIZE, 0xFFFFFFFF);
	load_fails(-1, -ENOSPC, "kernel needs RAM up to");
	/* Alignment pushes it past the end. */
	put32(LINUXBOOT_HDR_INIT_SIZE, 0x1000);
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x700000);
	put32(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 0x1000000);
	load_fails(-1, -ENOSPC, "kernel needs RAM up to 0x1003000");
	/* Not relocatable, pref_address below 1 MiB. */
	bz_base();
	im.buf[LINUXBOOT_HDR_RELOCATABLE] = 0;
	put64(LINUXBOOT_HDR_PREF_ADDRESS, 0x80000);
	load_fails(-1, -ENOEXEC, "below 1 MiB");
	/* An initrd bigger than the room beside the kernel. */
	bz_base();
	load_fails(RAM_SIZE - 0x300000 + 1, -ENOSPC, "initrd (5242881 bytes) "
		   "does not fit");
	/* Or bigger than RAM, or below initrd_addr_max. */
	load_fails(RAM_SIZE + 1, -ENOSPC, "initrd");
	put32(LINUXBOOT_HDR_INITRD_ADDR_MAX, 0x2FFFFF);
	load_fails(0x200000, -ENOSPC, "below 0x300000 beside the kernel");
	put32(LINUXBOOT_HDR_INITRD_ADDR_MAX, 0);
	load_fails(1, -ENOSPC, "below 0x1 beside");
}

static void test_err_args(void **state)
{
	struct linuxboot_args a = { .initrd_fd = -1 };
	struct linuxboot_entry ent;
	char err[128];
	int fds[2], fd;

	assert_int_equal(linuxboot_load(NULL, 0, &a, &ent, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "invalid arguments");
	ram.size = 0x1FFFFF;
	assert_int_equal(linuxboot_load(&ram, 0, &a, &ent, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "RAM size 0x1fffff"));
	ram.size = RAM_SIZE;
	/* A pipe is not a regular file, as kernel or as initrd. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(linuxboot_load(&ram, fds[0], &a, &ent, err,
					sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kernel is not a readable regular file"));
	fd = memfd_of(im.buf, im.len);
	a.initrd_fd = fds[0];
	assert_int_equal(linuxboot_load(&ram, fd, &a, &ent, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "initrd is not a readable regular file"));
	a.initrd_fd = 999;
	assert_int_equal(linuxboot_load(&ram, fd, &a, &ent, err, sizeof(err)),
			 -EBADF);
	/* A NULL error buffer is fine. */
	a.initrd_fd = -1;
	assert_int_equal(linuxboot_load(&ram, fds[0], &a, &ent, NULL, 0),
			 -EINVAL);
	close(fd);
	close(fds[0]);
	close(fds[1]);
	if (memcmp(ram_buf, poison_copy, RAM_SIZE))
		fail_msg("RAM was written by a failed load");
}

/* Finds the fixture's kernel: $SAFEPC_LINUX_CACHE or the default. */
static int debian_path(char *buf, size_t len, const char *name)
{
	const char *c = getenv("SAFEPC_LINUX_CACHE");
	const char *x = getenv("XDG_CACHE_HOME");

	if (c && *c)
		return snprintf(buf, len, "%s/%s", c, name);
	return snprintf(buf, len, "%s/safepc/linux/%s",
			x && *x ? x : "/var/cache", name);
}

/* Debian's own kernel and initramfs from tests/linux/fixture. */
static void test_debian_kernel(void **state)
{
	const uint64_t big = 256u << 20;
	struct linuxboot_ram r;
	struct linuxboot_args a = { .cmdline = "console=ttyS0 panic=-1" };
	struct linuxboot_entry ent;
	char kpath[512], ipath[512], err[256];
	uint8_t *mem;
	struct stat st;
	int kfd, ret;

	debian_path(kpath, sizeof(kpath), "vmlinuz");
	debian_path(ipath, sizeof(ipath), "initrd");
	kfd = open(kpath, O_RDONLY | O_CLOEXEC);
	a.initrd_fd = open(ipath, O_RDONLY | O_CLOEXEC);
	if (kfd < 0 || a.initrd_fd < 0) {
		printf("SKIP: %s or %s missing: run tests/linux/fixture\n",
		       kpath, ipath);
		if (kfd >= 0)
			close(kfd);
		if (a.initrd_fd >= 0)
			close(a.initrd_fd);
		skip();
	}
	assert_int_equal(fstat(a.initrd_fd, &st), 0);
	mem = calloc(1, big);
	assert_non_null(mem);
	r = (struct linuxboot_ram){ .base = mem, .size = big };
	ret = linuxboot_load(&r, kfd, &a, &ent, err, sizeof(err));
	if (ret)
		fail_msg("%s: %s", kpath, err);
	/* Debian 12's 6.1: protocol 2.15, relocatable at 16 MiB, 64-bit. */
	assert_true(ent.version >= 0x020F);
	assert_int_equal(ent.eip % 0x200000, 0);
	assert_true(ent.eip >= 0x1000000);
	assert_int_equal(ent.entry64, ent.eip + 0x200ull);
	assert_true(ent.kernel_end > ent.eip + (8u << 20));
	assert_int_equal(ent.initrd_size, (uint32_t)st.st_size);
	assert_true(ent.initrd_start >= ent.kernel_end);
	assert_true(ent.initrd_start + (uint64_t)st.st_size <= big);
	assert_true(big - (ent.initrd_start + (uint64_t)st.st_size) < 4096);
	assert_int_equal(mem[LINUXBOOT_ZERO_PAGE + 0x210], 0xFF);
	assert_string_equal((char *)mem + LINUXBOOT_CMDLINE,
			    "console=ttyS0 panic=-1");
	/* The gzip magic of the initramfs, where the header says. */
	assert_int_equal(mem[ent.initrd_start], 0x1f);
	assert_int_equal(mem[ent.initrd_start + 1], 0x8b);
	close(kfd);
	close(a.initrd_fd);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_basic, reset),
		cmocka_unit_test_setup(test_e820, reset),
		cmocka_unit_test_setup(test_cmdline_truncated, reset),
		cmocka_unit_test_setup(test_initrd_top, reset),
		cmocka_unit_test_setup(test_initrd_below_kernel, reset),
		cmocka_unit_test_setup(test_placement, reset),
		cmocka_unit_test_setup(test_old_protocols, reset),
		cmocka_unit_test_setup(test_details, reset),
		cmocka_unit_test_setup(test_err_not_bzimage, reset),
		cmocka_unit_test_setup(test_err_protocol, reset),
		cmocka_unit_test_setup(test_err_truncated, reset),
		cmocka_unit_test_setup(test_err_header, reset),
		cmocka_unit_test_setup(test_err_space, reset),
		cmocka_unit_test_setup(test_err_args, reset),
		cmocka_unit_test_setup(test_debian_kernel, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
