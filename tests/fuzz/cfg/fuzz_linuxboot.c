/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the Linux boot protocol loader. Input: the
 * bzImage; a prefix of it is also passed as the initrd. RAM is an
 * exact-size heap buffer (ASan catches any write past it); the legacy hole
 * is poisoned with a pattern and must be intact after every load, and a
 * successful load must have placed everything inside RAM, apart.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/linuxboot.h"

#define RAM_SIZE (4u << 20)
#define HOLE_BYTE 0x5a
#define HOLE_LEN (LINUXBOOT_HIGH - LINUXBOOT_HOLE_START)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *ram_buf;
static uint8_t hole_copy[HOLE_LEN];
static char long_cmdline[40000];
static int kernel_fd = -1, initrd_fd = -1;

static int fill_fd(int fd, const uint8_t *d, size_t n)
{
	if (ftruncate(fd, 0) < 0)
		return -1;
	return n && pwrite(fd, d, n, 0) != (ssize_t)n ? -1 : 0;
}

/* Checks a successful load's promises; aborts when one is broken. */
static void check_ok(const struct linuxboot_entry *e)
{
	const uint8_t *zp = ram_buf + LINUXBOOT_ZERO_PAGE;

	if (e->kernel_end > RAM_SIZE || e->kernel_start < LINUXBOOT_HIGH ||
	    e->kernel_start >= e->kernel_end || e->eip < e->kernel_start ||
	    e->eip >= e->kernel_end || e->esi != LINUXBOOT_ZERO_PAGE ||
	    e->start_ip != LINUXBOOT_TRAMPOLINE_ENTRY)
		abort();
	if (e->initrd_size &&
	    (e->initrd_start < LINUXBOOT_HIGH || e->initrd_start & 0xfff ||
	     (uint64_t)e->initrd_start + e->initrd_size > RAM_SIZE ||
	     (e->initrd_start < e->kernel_end &&
	      e->kernel_start < e->initrd_start + e->initrd_size)))
		abort();
	if (ram_buf[LINUXBOOT_CMDLINE + e->cmdline_len] != '\0' ||
	    LINUXBOOT_CMDLINE + e->cmdline_len >= LINUXBOOT_CMDLINE_END)
		abort();
	if (zp[LINUXBOOT_ZP_E820_ENTRIES] != 4 || zp[0x210] != 0xFF)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linuxboot_ram ram;
	struct linuxboot_args args;
	struct linuxboot_entry ent;
	char err[256];
	int ret;

	if (!ram_buf) {
		ram_buf = malloc(RAM_SIZE);
		kernel_fd = memfd_create("kernel", MFD_CLOEXEC);
		initrd_fd = memfd_create("initrd", MFD_CLOEXEC);
		if (!ram_buf || kernel_fd < 0 || initrd_fd < 0)
			abort();
		memset(hole_copy, HOLE_BYTE, sizeof(hole_copy));
		memset(ram_buf + LINUXBOOT_HOLE_START, HOLE_BYTE, HOLE_LEN);
		memset(long_cmdline, 'c', sizeof(long_cmdline) - 1);
	}
	if (fill_fd(kernel_fd, data, size) ||
	    fill_fd(initrd_fd, data, size < 3000 ? size : 3000))
		abort();
	ram = (struct linuxboot_ram){ .base = ram_buf, .size = RAM_SIZE };
	args = (struct linuxboot_args){
		.cmdline = size & 4 ? long_cmdline : "fuzz console=ttyS0",
		.initrd_fd = size & 2 ? initrd_fd : -1,
		.acpi_rsdp = size & 1 ? 0xF0000 : 0,
	};
	memset(err, 'x', sizeof(err));
	ret = linuxboot_load(&ram, kernel_fd, &args, &ent, err, sizeof(err));
	if (ret) {
		if (ret > 0 || !memchr(err, '\0', sizeof(err)) || !err[0] ||
		    strchr(err, '\n'))
			abort();
	} else {
		check_ok(&ent);
	}
	if (memcmp(ram_buf + LINUXBOOT_HOLE_START, hole_copy, HOLE_LEN))
		abort(); /* the legacy hole was written */
	return 0;
}
