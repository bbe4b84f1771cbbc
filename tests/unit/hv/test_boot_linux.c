/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv's Linux direct boot (src/hv/boot_linux.c): a small
 * synthetic bzImage and initrd from memfds into a 16 MiB RAM buffer; the
 * ACPI tables must land page-aligned below the end of RAM as e820 type 3,
 * linked and checksummed, the RSDP in the EBDA with the BDA pointing there
 * and in boot_params, and the kernel and initrd below the tables.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/acpi.h"
#include "hv/hv.h"
#include "hv/linuxboot.h"

#define RAM_SIZE (16u << 20)
#define SETUP_SECTS 4u
#define SETUP_SIZE ((SETUP_SECTS + 1) * 512u)
#define PM_SIZE 0x2000u

static struct hv_vm vm;
static uint8_t img[SETUP_SIZE + PM_SIZE];

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, vm.mem.base + gpa, 4);
	return v;
}

static void wr(size_t off, uint64_t v, unsigned n)
{
	memcpy(img + off, &v, n);
}

/* Protocol 2.15, relocatable, 64-bit, loads at 1 MiB, init_size 1 MiB. */
static void bz_make(void)
{
	memset(img, 0, sizeof(img));
	img[LINUXBOOT_HDR_SETUP_SECTS] = SETUP_SECTS;
	wr(LINUXBOOT_HDR_SYSSIZE, PM_SIZE / 16, 4);
	wr(LINUXBOOT_HDR_BOOT_FLAG, 0xAA55, 2);
	img[LINUXBOOT_HDR_JUMP] = 0xEB;
	img[LINUXBOOT_HDR_JUMP + 1] = 0x6A;
	memcpy(img + LINUXBOOT_HDR_MAGIC, "HdrS", 4);
	wr(LINUXBOOT_HDR_VERSION, 0x020F, 2);
	img[LINUXBOOT_HDR_LOADFLAGS] = LINUXBOOT_LOADED_HIGH;
	wr(LINUXBOOT_HDR_CODE32_START, 0x100000, 4);
	wr(LINUXBOOT_HDR_INITRD_ADDR_MAX, 0x7FFFFFFF, 4);
	wr(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 0x200000, 4);
	img[LINUXBOOT_HDR_RELOCATABLE] = 1;
	wr(LINUXBOOT_HDR_XLOADFLAGS, 0x3, 2);
	wr(LINUXBOOT_HDR_CMDLINE_SIZE, 255, 4);
	wr(LINUXBOOT_HDR_PREF_ADDRESS, 0x100000, 8);
	wr(LINUXBOOT_HDR_INIT_SIZE, 0x100000, 4);
}

static int memfd_of(const void *data, size_t len)
{
	int fd = memfd_create("bltest", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static int setup(void **state)
{
	vm.mem.base = calloc(1, RAM_SIZE);
	vm.mem.low_size = RAM_SIZE;
	vm.mem.high_size = 0;
	vm.nr_vcpus = 2;
	vm.cmdline = "console=ttyS0";
	return vm.mem.base ? 0 : -1;
}

static int teardown(void **state)
{
	free(vm.mem.base);
	return 0;
}

static void test_layout(void **state)
{
	static uint8_t rd[100000];
	struct linuxboot_e820 e[LINUXBOOT_E820_MAX];
	uint8_t *zp, *rsdp;
	uint64_t tables = 0;
	uint32_t start_ip = 0, rsdt;
	uint16_t bda;
	char err[256] = "";
	unsigned n, i, acpi = 0;
	int kfd, ifd;

	bz_make();
	memset(rd, 0x3c, sizeof(rd));
	kfd = memfd_of(img, sizeof(img));
	ifd = memfd_of(rd, sizeof(rd));
	if (boot_linux(&vm, kfd, ifd, &start_ip, err, sizeof(err)))
		fail_msg("%s", err);
	close(kfd);
	close(ifd);
	/* vCPU 0 starts in the chipset setup (IDETIM of 00:01.1 through
	 * 0xCF8/0xCFC), which ends with a far jump to the loader's stub. */
	assert_true(start_ip >= LINUXBOOT_TRAMPOLINE + LINUXBOOT_TRAMPOLINE_SIZE &&
		    start_ip + 26 <= LINUXBOOT_ZERO_PAGE);
	assert_memory_equal(vm.mem.base + start_ip + 3,
			    "\x66\xb8\x40\x09\x00\x80", 6);
	assert_memory_equal(vm.mem.base + start_ip + 13,
			    "\x66\xb8\x00\x80\x00\x80", 6);
	assert_memory_equal(vm.mem.base + start_ip + 21,
			    "\xea\x28\x70\x00\x00", 5);
	assert_int_equal(LINUXBOOT_TRAMPOLINE_ENTRY, 0x7028);
	assert_true(vm.kernel_start >= 0x100000 &&
		    vm.kernel_start < vm.kernel_end);

	/* e820: sorted, one ACPI entry running to the end of RAM, RAM
	 * below it, nothing after. */
	zp = vm.mem.base + LINUXBOOT_ZERO_PAGE;
	n = zp[LINUXBOOT_ZP_E820_ENTRIES];
	assert_true(n >= 2 && n <= LINUXBOOT_E820_MAX);
	memcpy(e, zp + LINUXBOOT_ZP_E820_TABLE, n * sizeof(e[0]));
	for (i = 0; i < n; i++) {
		if (i)
			assert_true(e[i - 1].addr + e[i - 1].size <= e[i].addr);
		if (e[i].type == 3) {
			acpi++;
			tables = e[i].addr;
			assert_int_equal(e[i].addr + e[i].size, RAM_SIZE);
			assert_int_equal(e[i].addr % 4096, 0);
			assert_int_equal(i, n - 1);
			assert_int_equal(e[i - 1].type, LINUXBOOT_E820_RAM);
			assert_int_equal(e[i - 1].addr + e[i - 1].size,
					 e[i].addr);
		}
	}
	assert_int_equal(acpi, 1);
	/* The kernel and the initrd below the tables. */
	assert_true(vm.kernel_end <= tables);
	assert_true(rd32(LINUXBOOT_ZERO_PAGE + LINUXBOOT_HDR_RAMDISK_IMAGE) +
			    sizeof(rd) <= tables);
	assert_memory_equal(vm.mem.base + tables, "FACS", 4);

	/* The RSDP: in the EBDA, found by boot_params and the BDA. */
	assert_int_equal(rd32(LINUXBOOT_ZERO_PAGE + LINUXBOOT_ZP_ACPI_RSDP),
			 LINUXBOOT_EBDA_START);
	memcpy(&bda, vm.mem.base + 0x40E, 2);
	assert_int_equal(bda, LINUXBOOT_EBDA_START >> 4);
	rsdp = vm.mem.base + LINUXBOOT_EBDA_START;
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	assert_int_equal(acpi_sum(rsdp, 20), 0);
	assert_int_equal(acpi_sum(rsdp, ACPI_RSDP_SIZE), 0);
	memcpy(&rsdt, rsdp + 16, 4);
	assert_true(rsdt > tables && rsdt < RAM_SIZE);
	assert_memory_equal(vm.mem.base + rsdt, "RSDT", 4);
	assert_int_equal(acpi_sum(vm.mem.base + rsdt, rd32(rsdt + 4)), 0);
}

static void test_not_bzimage(void **state)
{
	uint32_t start_ip = 0;
	char err[256] = "";
	int kfd;

	bz_make();
	img[LINUXBOOT_HDR_BOOT_FLAG] = 0;
	kfd = memfd_of(img, sizeof(img));
	assert_int_equal(boot_linux(&vm, kfd, -1, &start_ip, err,
				    sizeof(err)), -ENOEXEC);
	close(kfd);
	assert_true(strstr(err, "not a bzImage") != NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_not_bzimage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
