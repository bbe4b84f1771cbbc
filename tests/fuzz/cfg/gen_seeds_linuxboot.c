/* SPDX-License-Identifier: MIT */
/*
 * Writes seed images for fuzz_linuxboot into the directory argv[1]: small
 * valid bzImages (a setup header and a short protected-mode part) of a few
 * protocol versions and placements, so the fuzzer starts past the header
 * checks.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv/linuxboot.h"

#define SETUP_SIZE (5 * 512)
#define PM_SIZE 0x200

static uint8_t img[SETUP_SIZE + PM_SIZE];

static void put(size_t off, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		img[off + i] = (uint8_t)(v >> (8 * i));
}

/* One bzImage: version, header end, relocatable, pref, init_size. */
static void bz(uint16_t version, uint8_t jump, uint8_t reloc, uint64_t pref,
	       uint32_t init_size)
{
	memset(img, 0, sizeof(img));
	img[LINUXBOOT_HDR_SETUP_SECTS] = 4;
	put(LINUXBOOT_HDR_SYSSIZE, PM_SIZE / 16, 4);
	put(LINUXBOOT_HDR_BOOT_FLAG, 0xAA55, 2);
	img[LINUXBOOT_HDR_JUMP] = 0xEB;
	img[LINUXBOOT_HDR_JUMP + 1] = jump;
	memcpy(img + LINUXBOOT_HDR_MAGIC, "HdrS", 4);
	put(LINUXBOOT_HDR_VERSION, version, 2);
	img[LINUXBOOT_HDR_LOADFLAGS] = LINUXBOOT_LOADED_HIGH;
	put(LINUXBOOT_HDR_CODE32_START, 0x100000, 4);
	put(LINUXBOOT_HDR_INITRD_ADDR_MAX, 0x7FFFFFFF, 4);
	put(LINUXBOOT_HDR_KERNEL_ALIGNMENT, 0x100000, 4);
	img[LINUXBOOT_HDR_RELOCATABLE] = reloc;
	put(LINUXBOOT_HDR_XLOADFLAGS, 0x7F, 2);
	put(LINUXBOOT_HDR_CMDLINE_SIZE, 0x7FF, 4);
	put(LINUXBOOT_HDR_PREF_ADDRESS, pref, 8);
	put(LINUXBOOT_HDR_INIT_SIZE, init_size, 4);
	memset(img + SETUP_SIZE, 0x90, PM_SIZE);
}

static int save(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(img, sizeof(img), 1, f) != 1 || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int r = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	bz(0x020F, 0x6A, 1, 0x100000, 0x10000);
	r |= save(argv[1], "bz-2.15");
	bz(0x020F, 0x6A, 0, 0x200000, 0x100000);
	r |= save(argv[1], "bz-fixed");
	bz(0x0206, 0x3A, 1, 0, 0);
	r |= save(argv[1], "bz-2.06");
	bz(0x020A, 0x62, 1, 0x300000, 0x80000);
	r |= save(argv[1], "bz-2.10");
	return r;
}
