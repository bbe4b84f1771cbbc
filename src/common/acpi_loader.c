/* SPDX-License-Identifier: MIT */
/*
 * The fw_cfg form of the tables: the "etc/table-loader" script of QEMU's
 * BIOS linker/loader interface, which SeaBIOS runs to place the blobs in
 * RAM, patch the pointers between them and fix the checksums. Each command
 * is 128 bytes, little-endian: a u32 command, then
 *   ALLOCATE      file[56], u32 align, u8 zone
 *   ADD_POINTER   dest_file[56], src_file[56], u32 offset, u8 size
 *                 (the size-byte field at offset in dest_file holds an
 *                 offset into src_file; the loader adds src_file's address)
 *   ADD_CHECKSUM  file[56], u32 offset, u32 start, u32 length
 *                 (byte offset makes [start, start + length) sum to 0)
 * and zeros to the end.
 */
#include <errno.h>
#include <string.h>

#include "common/acpi.h"

static const char *const acpi_loader_file[] = {
	[ACPI_BLOB_TABLES] = ACPI_LOADER_FILE_TABLES,
	[ACPI_BLOB_RSDP] = ACPI_LOADER_FILE_RSDP,
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Starts a zeroed command at out + *len; NULL when it does not fit. */
static uint8_t *acpi_loader_cmd(uint8_t *out, size_t cap, size_t *len,
				uint32_t cmd)
{
	uint8_t *e;

	if (cap - *len < ACPI_LOADER_ENTRY_SIZE)
		return NULL;
	e = out + *len;
	memset(e, 0, ACPI_LOADER_ENTRY_SIZE);
	put32(e, cmd);
	*len += ACPI_LOADER_ENTRY_SIZE;
	return e;
}

/* Copies a file name into a 56-byte field (always NUL-terminated: the
 * names are constants well below the limit). */
static void acpi_loader_name(uint8_t *field, unsigned blob)
{
	strncpy((char *)field, acpi_loader_file[blob],
		ACPI_LOADER_NAME_SIZE - 1);
}

int acpi_loader_script(const struct acpi_tables *t, uint8_t *out, size_t cap)
{
	static const struct {
		unsigned blob;
		uint32_t align;
		uint8_t zone;
	} alloc[] = {
		/* 64: the FACS at the blob's start must be 64-byte aligned. */
		{ ACPI_BLOB_TABLES, 64, ACPI_LOADER_ZONE_HIGH },
		/* The RSDP where an OS scans for it: 0xE0000-0xFFFFF. */
		{ ACPI_BLOB_RSDP, 16, ACPI_LOADER_ZONE_FSEG },
	};
	size_t len = 0;
	unsigned i;
	uint8_t *e;

	for (i = 0; i < 2; i++) {
		e = acpi_loader_cmd(out, cap, &len, ACPI_LOADER_ALLOCATE);
		if (!e)
			return -ENOSPC;
		acpi_loader_name(e + 4, alloc[i].blob);
		put32(e + 4 + ACPI_LOADER_NAME_SIZE, alloc[i].align);
		e[8 + ACPI_LOADER_NAME_SIZE] = alloc[i].zone;
	}
	/* Every pointer before any checksum: a checksum covers patched
	 * pointers. */
	for (i = 0; i < t->npointers; i++) {
		const struct acpi_pointer *p = &t->pointer[i];

		e = acpi_loader_cmd(out, cap, &len, ACPI_LOADER_ADD_POINTER);
		if (!e)
			return -ENOSPC;
		acpi_loader_name(e + 4, p->blob);
		acpi_loader_name(e + 4 + ACPI_LOADER_NAME_SIZE, p->target);
		put32(e + 4 + 2 * ACPI_LOADER_NAME_SIZE, p->offset);
		e[8 + 2 * ACPI_LOADER_NAME_SIZE] = p->size;
	}
	for (i = 0; i < t->nchecksums; i++) {
		const struct acpi_checksum *c = &t->checksum[i];

		e = acpi_loader_cmd(out, cap, &len, ACPI_LOADER_ADD_CHECKSUM);
		if (!e)
			return -ENOSPC;
		acpi_loader_name(e + 4, c->blob);
		put32(e + 4 + ACPI_LOADER_NAME_SIZE, c->offset);
		put32(e + 8 + ACPI_LOADER_NAME_SIZE, c->start);
		put32(e + 12 + ACPI_LOADER_NAME_SIZE, c->len);
	}
	return (int)len;
}
