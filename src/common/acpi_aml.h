/* SPDX-License-Identifier: MIT */
/*
 * acpi_aml: a tiny AML encoder (ACPI specification section 20, "ACPI
 * Machine Language"), just enough for safepc's DSDT. It writes into a
 * caller's buffer; objects with a PkgLength (scopes, devices, methods,
 * packages, If/Else) are opened, filled and closed, and the close inserts
 * the PkgLength once the size is known. Errors are sticky: after the first
 * overflow or misuse every call does nothing and acpi_aml_finish() reports
 * it, so callers chain calls without checking each.
 *
 * Names are ASL-style strings: "PCI0", "_HID", "\\_SB.PCI0.ISA_", "^LNKA";
 * a segment shorter than four characters is padded with '_'.
 */
#ifndef SAFEPC_COMMON_ACPI_AML_H
#define SAFEPC_COMMON_ACPI_AML_H

#include <stddef.h>
#include <stdint.h>

#define ACPI_AML_MAX_DEPTH 16

struct acpi_aml {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;		      /* 0 or the first -errno */
	size_t open[ACPI_AML_MAX_DEPTH]; /* where each open object's body starts */
	unsigned depth;
};

/* Opcodes the DSDT uses (single byte unless noted). */
#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_STRING_PREFIX 0x0d
#define AML_QWORD_PREFIX 0x0e
#define AML_SCOPE 0x10
#define AML_BUFFER 0x11
#define AML_PACKAGE 0x12
#define AML_METHOD 0x14
#define AML_LOCAL0 0x60
#define AML_ARG0 0x68
#define AML_STORE 0x70
#define AML_AND 0x7b
#define AML_OR 0x7d
#define AML_DEREF_OF 0x83
#define AML_INDEX 0x88
#define AML_LEQUAL 0x93
#define AML_IF 0xa0
#define AML_ELSE 0xa1
#define AML_RETURN 0xa4
#define AML_EXT_PREFIX 0x5b
#define AML_EXT_OP_REGION 0x80
#define AML_EXT_FIELD 0x81
#define AML_EXT_DEVICE 0x82

/* OperationRegion spaces and field flags. */
#define AML_REGION_SYSTEM_IO 0x01
#define AML_REGION_PCI_CONFIG 0x02
#define AML_FIELD_BYTE_ACC 0x01
#define AML_FIELD_PRESERVE 0x00

/* Starts encoding into buf[0..cap). */
void acpi_aml_init(struct acpi_aml *a, uint8_t *buf, size_t cap);

/*
 * Returns the encoded length, or -ENOSPC (buffer too small) / -EINVAL (a
 * bad name, unbalanced open/close).
 */
int acpi_aml_finish(struct acpi_aml *a);

/* Raw bytes. */
void acpi_aml_byte(struct acpi_aml *a, uint8_t b);
void acpi_aml_bytes(struct acpi_aml *a, const void *p, size_t len);

/* A NameString (root/parent prefixes, 1, 2 or more segments). */
void acpi_aml_name(struct acpi_aml *a, const char *name);

/* The shortest integer encoding of `v` (Zero, One, Byte..QWord). */
void acpi_aml_int(struct acpi_aml *a, uint64_t v);

/* An EISA ID such as "PNP0A03", as the 32-bit integer _HID takes. */
void acpi_aml_eisaid(struct acpi_aml *a, const char *id);

/* Name(name, ...): the value must follow. */
void acpi_aml_name_decl(struct acpi_aml *a, const char *name);

/* Name(name, integer) in one call. */
void acpi_aml_name_int(struct acpi_aml *a, const char *name, uint64_t v);

/* A Buffer holding `len` bytes. */
void acpi_aml_buffer(struct acpi_aml *a, const void *data, size_t len);

/*
 * Openers of objects with a PkgLength; each is ended by acpi_aml_close().
 * `op` of acpi_aml_open is a one-byte opcode (Scope, Package's caller adds
 * the element count, If, Else); acpi_aml_open_ext a 0x5B-prefixed one.
 */
void acpi_aml_open(struct acpi_aml *a, uint8_t op);
void acpi_aml_open_ext(struct acpi_aml *a, uint8_t op);
void acpi_aml_close(struct acpi_aml *a);

/* Scope(name) {, Device(name) {, Method(name, nargs, serialized) {,
 * Package(n) { — close each with acpi_aml_close(). */
void acpi_aml_scope(struct acpi_aml *a, const char *name);
void acpi_aml_device(struct acpi_aml *a, const char *name);
void acpi_aml_method(struct acpi_aml *a, const char *name, unsigned nargs,
		     int serialized);
void acpi_aml_package(struct acpi_aml *a, unsigned nelems);

/* OperationRegion(name, space, offset, len). */
void acpi_aml_op_region(struct acpi_aml *a, const char *name, uint8_t space,
			uint64_t offset, uint64_t len);

/* Field(region, flags) { unit[0], bits[0], ... } with 4-char unit names. */
void acpi_aml_field(struct acpi_aml *a, const char *region, uint8_t flags,
		    const char *const *units, const unsigned *bits, unsigned n);

/*
 * Resource descriptors (section 6.4), appended to a small byte array that
 * becomes a Buffer. Overflow is sticky in r->err (-ENOSPC), reported when
 * the template is emitted by acpi_aml_name_res().
 */
struct acpi_res {
	uint8_t data[256];
	size_t len;
	int err;
};
void acpi_res_init(struct acpi_res *r);
void acpi_res_io(struct acpi_res *r, uint16_t min, uint16_t max,
		 uint8_t align, uint8_t len);
void acpi_res_irq_noflags(struct acpi_res *r, unsigned irq);
/* Extended interrupt: consumer, level, active high, shared. */
void acpi_res_ext_irq(struct acpi_res *r, const uint32_t *irqs, unsigned n);
/* Word bus number / word I/O / dword memory address space descriptors:
 * producer, fixed min and max, positive decode. */
void acpi_res_bus(struct acpi_res *r, uint16_t min, uint16_t max);
void acpi_res_word_io(struct acpi_res *r, uint16_t min, uint16_t max);
void acpi_res_dword_mem(struct acpi_res *r, uint32_t min, uint32_t max,
			int cacheable);
/* The end tag (checksum 0: "treat as correct"). */
void acpi_res_end(struct acpi_res *r);

/* Name(name, ResourceTemplate() {...}) from a finished acpi_res. */
void acpi_aml_name_res(struct acpi_aml *a, const char *name,
		       const struct acpi_res *r);

#endif
