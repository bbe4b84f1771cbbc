/* SPDX-License-Identifier: MIT */
/*
 * Writes seed images for fuzz_multiboot into the directory argv[1]: small
 * valid ELF32 and a.out-kludge multiboot kernels, so the fuzzer starts from
 * inputs that get past the header checks.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv/multiboot.h"

static uint8_t img[1024];

static void header(size_t off, uint32_t flags, const uint32_t *aout)
{
	uint32_t h[8] = { MULTIBOOT_HEADER_MAGIC, flags,
			  -(MULTIBOOT_HEADER_MAGIC + flags) };

	if (aout)
		memcpy(h + 3, aout, 5 * sizeof(uint32_t));
	memcpy(img + off, h, aout ? 32 : 12);
}

/* ELF32: nseg PT_LOAD segments of 0x40 bytes (0x80 in memory). */
static size_t elf(unsigned nseg, uint32_t vbase)
{
	Elf32_Ehdr eh = { .e_type = ET_EXEC, .e_machine = EM_386,
			  .e_version = EV_CURRENT, .e_entry = vbase,
			  .e_phoff = sizeof(Elf32_Ehdr),
			  .e_ehsize = sizeof(Elf32_Ehdr),
			  .e_phentsize = sizeof(Elf32_Phdr),
			  .e_phnum = (uint16_t)nseg };
	size_t data = 0x100;
	unsigned i;

	memset(img, 0, sizeof(img));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(img, &eh, sizeof(eh));
	for (i = 0; i < nseg; i++) {
		Elf32_Phdr ph = { .p_type = PT_LOAD,
				  .p_offset = (uint32_t)(data + i * 0x40),
				  .p_vaddr = vbase + i * 0x1000,
				  .p_paddr = 0x100000 + i * 0x1000,
				  .p_filesz = 0x40, .p_memsz = 0x80 };

		memcpy(img + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
		memset(img + ph.p_offset, 0x90, 0x40);
	}
	header(0xc0, MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO, NULL);
	return data + nseg * 0x40;
}

static size_t aout(void)
{
	const uint32_t f[5] = { 0x100020, 0x100000, 0x100200, 0x101000,
				0x100040 };

	memset(img, 0x90, sizeof(img));
	header(0x20, MULTIBOOT_AOUT_KLUDGE | MULTIBOOT_MEMORY_INFO, f);
	return 0x200;
}

static int put(const char *dir, const char *name, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(img, 1, len, f) != len) {
		perror(path);
		return 1;
	}
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	bad |= put(argv[1], "elf-1seg", elf(1, 0x100000));
	bad |= put(argv[1], "elf-3seg", elf(3, 0x100000));
	bad |= put(argv[1], "elf-higher-half", elf(2, 0xc0100000));
	bad |= put(argv[1], "aout", aout());
	return bad;
}
