/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the multiboot loader. Input: the kernel image; a
 * prefix of it is also passed as one module. RAM is an exact-size heap
 * buffer (ASan catches any write past it); the legacy hole is poisoned
 * with a pattern and must be intact after every load.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/multiboot.h"

#define RAM_SIZE (2u << 20)
#define HOLE_BYTE 0x5a

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *ram_buf;
static uint8_t hole_copy[MULTIBOOT_HOLE_END - MULTIBOOT_HOLE_START];
static int kernel_fd = -1, module_fd = -1;

static int fill_fd(int fd, const uint8_t *data, size_t size)
{
	if (ftruncate(fd, 0) < 0)
		return -1;
	return size && pwrite(fd, data, size, 0) != (ssize_t)size ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct multiboot_ram ram;
	struct multiboot_module_in mod;
	struct multiboot_entry ent;
	char err[256];
	int ret;

	if (!ram_buf) {
		ram_buf = malloc(RAM_SIZE);
		kernel_fd = memfd_create("kernel", MFD_CLOEXEC);
		module_fd = memfd_create("module", MFD_CLOEXEC);
		if (!ram_buf || kernel_fd < 0 || module_fd < 0)
			abort();
		memset(hole_copy, HOLE_BYTE, sizeof(hole_copy));
		memset(ram_buf + MULTIBOOT_HOLE_START, HOLE_BYTE,
		       sizeof(hole_copy));
	}
	if (fill_fd(kernel_fd, data, size) ||
	    fill_fd(module_fd, data, size < 3000 ? size : 3000))
		abort();
	ram = (struct multiboot_ram){ .base = ram_buf, .size = RAM_SIZE,
				      .above_4g = size & 1 ? 1ull << 32 : 0 };
	mod = (struct multiboot_module_in){ .fd = module_fd,
					    .cmdline = "mod arg" };
	memset(err, 'x', sizeof(err));
	ret = multiboot_load(&ram, kernel_fd, "fuzz", &mod, size & 2 ? 1 : 0,
			     &ent, err, sizeof(err));
	if (ret) {
		if (ret > 0 || !memchr(err, '\0', sizeof(err)) || !err[0])
			abort();
	} else {
		if (ent.kernel_end > RAM_SIZE || ent.modules_end > RAM_SIZE ||
		    ent.kernel_start >= ent.kernel_end ||
		    ent.eip < ent.kernel_start || ent.eip >= ent.kernel_end ||
		    ent.ebx != MULTIBOOT_INFO_BASE)
			abort();
	}
	if (memcmp(ram_buf + MULTIBOOT_HOLE_START, hole_copy,
		   sizeof(hole_copy)))
		abort(); /* the legacy hole was written */
	return 0;
}
