/* SPDX-License-Identifier: MIT */
/* A tiny AML encoder: see acpi_aml.h. Encodings from ACPI 6.x section 20. */
#include "common/acpi_aml.h"

#include <errno.h>
#include <string.h>

#define AML_ROOT_CHAR 0x5c
#define AML_PARENT_CHAR 0x5e
#define AML_DUAL_NAME 0x2e
#define AML_MULTI_NAME 0x2f
#define AML_NULL_NAME 0x00

void acpi_aml_init(struct acpi_aml *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->cap = cap;
	a->len = 0;
	a->err = 0;
	a->depth = 0;
}

int acpi_aml_finish(struct acpi_aml *a)
{
	if (!a->err && a->depth)
		a->err = -EINVAL;
	if (!a->err && a->len > (size_t)0x7fffffff)
		a->err = -ENOSPC;
	return a->err ? a->err : (int)a->len;
}

void acpi_aml_bytes(struct acpi_aml *a, const void *p, size_t len)
{
	if (a->err)
		return;
	if (len > a->cap - a->len) {
		a->err = -ENOSPC;
		return;
	}
	memcpy(a->buf + a->len, p, len);
	a->len += len;
}

void acpi_aml_byte(struct acpi_aml *a, uint8_t b)
{
	acpi_aml_bytes(a, &b, 1);
}

static int aml_lead_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static int aml_name_char(char c)
{
	return aml_lead_char(c) || (c >= '0' && c <= '9');
}

void acpi_aml_name(struct acpi_aml *a, const char *name)
{
	uint8_t seg[32][4];
	unsigned nseg = 0, i;
	const char *p = name;

	if (*p == '\\') {
		acpi_aml_byte(a, AML_ROOT_CHAR);
		p++;
	} else {
		while (*p == '^') {
			acpi_aml_byte(a, AML_PARENT_CHAR);
			p++;
		}
	}
	while (*p) {
		unsigned n = 0;

		if (nseg == 32 || !aml_lead_char(*p)) {
			a->err = a->err ? a->err : -EINVAL;
			return;
		}
		memset(seg[nseg], '_', 4);
		while (*p && *p != '.') {
			if (n == 4 || !aml_name_char(*p)) {
				a->err = a->err ? a->err : -EINVAL;
				return;
			}
			seg[nseg][n++] = (uint8_t)*p++;
		}
		nseg++;
		if (*p == '.' && !*++p) {
			a->err = a->err ? a->err : -EINVAL; /* trailing dot */
			return;
		}
	}
	if (nseg == 0) {
		acpi_aml_byte(a, AML_NULL_NAME);
		return;
	}
	if (nseg == 2) {
		acpi_aml_byte(a, AML_DUAL_NAME);
	} else if (nseg > 2) {
		acpi_aml_byte(a, AML_MULTI_NAME);
		acpi_aml_byte(a, (uint8_t)nseg);
	}
	for (i = 0; i < nseg; i++)
		acpi_aml_bytes(a, seg[i], 4);
}

void acpi_aml_int(struct acpi_aml *a, uint64_t v)
{
	uint8_t b[9];
	unsigned n, i;

	if (v == 0 || v == 1) {
		acpi_aml_byte(a, v ? AML_ONE : AML_ZERO);
		return;
	}
	if (v <= 0xff) {
		b[0] = AML_BYTE_PREFIX;
		n = 1;
	} else if (v <= 0xffff) {
		b[0] = AML_WORD_PREFIX;
		n = 2;
	} else if (v <= 0xffffffffu) {
		b[0] = AML_DWORD_PREFIX;
		n = 4;
	} else {
		b[0] = AML_QWORD_PREFIX;
		n = 8;
	}
	for (i = 0; i < n; i++)
		b[1 + i] = (uint8_t)(v >> (8 * i));
	acpi_aml_bytes(a, b, 1 + n);
}

static int aml_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void acpi_aml_eisaid(struct acpi_aml *a, const char *id)
{
	uint32_t v;
	unsigned i;
	int h;

	if (strlen(id) != 7) {
		a->err = a->err ? a->err : -EINVAL;
		return;
	}
	/* Three letters in 5 bits each ('A' is 1), then four hex digits; the
	 * whole is big-endian in memory, so the integer is byte-swapped. */
	v = 0;
	for (i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			a->err = a->err ? a->err : -EINVAL;
			return;
		}
		v = (v << 5) | (uint32_t)(id[i] - 0x40);
	}
	for (i = 3; i < 7; i++) {
		h = aml_hex(id[i]);
		if (h < 0) {
			a->err = a->err ? a->err : -EINVAL;
			return;
		}
		v = (v << 4) | (uint32_t)h;
	}
	acpi_aml_int(a, __builtin_bswap32(v));
}

void acpi_aml_name_decl(struct acpi_aml *a, const char *name)
{
	acpi_aml_byte(a, AML_NAME);
	acpi_aml_name(a, name);
}

void acpi_aml_name_int(struct acpi_aml *a, const char *name, uint64_t v)
{
	acpi_aml_name_decl(a, name);
	acpi_aml_int(a, v);
}

void acpi_aml_open(struct acpi_aml *a, uint8_t op)
{
	acpi_aml_byte(a, op);
	if (a->err)
		return;
	if (a->depth == ACPI_AML_MAX_DEPTH) {
		a->err = -EINVAL;
		return;
	}
	a->open[a->depth++] = a->len;
}

void acpi_aml_open_ext(struct acpi_aml *a, uint8_t op)
{
	acpi_aml_byte(a, AML_EXT_PREFIX);
	acpi_aml_open(a, op);
}

void acpi_aml_close(struct acpi_aml *a)
{
	size_t start, body;
	uint32_t total;
	unsigned n, i;

	if (a->err)
		return;
	if (!a->depth) {
		a->err = -EINVAL;
		return;
	}
	start = a->open[--a->depth];
	body = a->len - start;
	/* The PkgLength counts its own 1-4 bytes. */
	if (body + 1 < 0x40)
		n = 1;
	else if (body + 2 < (1u << 12))
		n = 2;
	else if (body + 3 < (1u << 20))
		n = 3;
	else if (body + 4 < (1u << 28))
		n = 4;
	else {
		a->err = -ENOSPC;
		return;
	}
	if (n > a->cap - a->len) {
		a->err = -ENOSPC;
		return;
	}
	total = (uint32_t)(body + n);
	memmove(a->buf + start + n, a->buf + start, body);
	a->len += n;
	if (n == 1) {
		a->buf[start] = (uint8_t)total;
		return;
	}
	/* Lead byte: the count of following bytes, then the low nibble. */
	a->buf[start] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
	for (i = 1; i < n; i++)
		a->buf[start + i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
}

void acpi_aml_scope(struct acpi_aml *a, const char *name)
{
	acpi_aml_open(a, AML_SCOPE);
	acpi_aml_name(a, name);
}

void acpi_aml_device(struct acpi_aml *a, const char *name)
{
	acpi_aml_open_ext(a, AML_EXT_DEVICE);
	acpi_aml_name(a, name);
}

void acpi_aml_method(struct acpi_aml *a, const char *name, unsigned nargs,
		     int serialized)
{
	if (nargs > 7) {
		a->err = a->err ? a->err : -EINVAL;
		return;
	}
	acpi_aml_open(a, AML_METHOD);
	acpi_aml_name(a, name);
	/* MethodFlags: ArgCount bits 0-2, SerializeFlag bit 3, SyncLevel 0. */
	acpi_aml_byte(a, (uint8_t)(nargs | (serialized ? 0x08 : 0)));
}

void acpi_aml_package(struct acpi_aml *a, unsigned nelems)
{
	if (nelems > 255) {
		a->err = a->err ? a->err : -EINVAL;
		return;
	}
	acpi_aml_open(a, AML_PACKAGE);
	acpi_aml_byte(a, (uint8_t)nelems);
}

void acpi_aml_buffer(struct acpi_aml *a, const void *data, size_t len)
{
	acpi_aml_open(a, AML_BUFFER);
	acpi_aml_int(a, len);
	acpi_aml_bytes(a, data, len);
	acpi_aml_close(a);
}

void acpi_aml_op_region(struct acpi_aml *a, const char *name, uint8_t space,
			uint64_t offset, uint64_t len)
{
	acpi_aml_byte(a, AML_EXT_PREFIX);
	acpi_aml_byte(a, AML_EXT_OP_REGION);
	acpi_aml_name(a, name);
	acpi_aml_byte(a, space);
	acpi_aml_int(a, offset);
	acpi_aml_int(a, len);
}

void acpi_aml_field(struct acpi_aml *a, const char *region, uint8_t flags,
		    const char *const *units, const unsigned *bits, unsigned n)
{
	unsigned i;

	acpi_aml_open_ext(a, AML_EXT_FIELD);
	acpi_aml_name(a, region);
	acpi_aml_byte(a, flags);
	for (i = 0; i < n; i++) {
		/* NamedField: a bare NameSeg and its width as a PkgLength. */
		if (strlen(units[i]) != 4 || bits[i] == 0 || bits[i] >= 0x40) {
			a->err = a->err ? a->err : -EINVAL;
			return;
		}
		acpi_aml_bytes(a, units[i], 4);
		acpi_aml_byte(a, (uint8_t)bits[i]);
	}
	acpi_aml_close(a);
}

void acpi_res_init(struct acpi_res *r)
{
	r->len = 0;
	r->err = 0;
}

static uint8_t *res_put(struct acpi_res *r, size_t len)
{
	uint8_t *p;

	if (r->err || len > sizeof(r->data) - r->len) {
		r->err = -ENOSPC;
		return NULL;
	}
	p = r->data + r->len;
	memset(p, 0, len);
	r->len += len;
	return p;
}

static void res_le(uint8_t *p, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void acpi_res_io(struct acpi_res *r, uint16_t min, uint16_t max,
		 uint8_t align, uint8_t len)
{
	uint8_t *p = res_put(r, 8);

	if (!p)
		return;
	p[0] = 0x47; /* small item 0x08 (I/O port), 7 bytes */
	p[1] = 0x01; /* 16-bit decode */
	res_le(p + 2, min, 2);
	res_le(p + 4, max, 2);
	p[6] = align;
	p[7] = len;
}

void acpi_res_irq_noflags(struct acpi_res *r, unsigned irq)
{
	uint8_t *p = res_put(r, 3);

	if (!p)
		return;
	if (irq > 15) {
		r->err = -EINVAL;
		return;
	}
	p[0] = 0x22; /* small item 0x04 (IRQ), 2 bytes: edge, active high */
	res_le(p + 1, 1u << irq, 2);
}

void acpi_res_ext_irq(struct acpi_res *r, const uint32_t *irqs, unsigned n)
{
	uint8_t *p = res_put(r, 5 + 4 * (size_t)n);
	unsigned i;

	if (!p)
		return;
	p[0] = 0x89; /* large item 0x09: extended interrupt */
	res_le(p + 1, 2 + 4 * n, 2);
	/* Consumer (bit 0), level (bit 1 clear), active high (bit 2 clear),
	 * shared (bit 3). */
	p[3] = 0x09;
	p[4] = (uint8_t)n;
	for (i = 0; i < n; i++)
		res_le(p + 5 + 4 * i, irqs[i], 4);
}

/* Word address space descriptor: producer, MinFixed, MaxFixed. */
static void res_word(struct acpi_res *r, uint8_t type, uint8_t tflags,
		     uint16_t min, uint16_t max)
{
	uint8_t *p = res_put(r, 16);

	if (!p)
		return;
	p[0] = 0x88;
	res_le(p + 1, 13, 2);
	p[3] = type;
	p[4] = 0x0c; /* MIF | MAF, positive decode, producer */
	p[5] = tflags;
	res_le(p + 8, min, 2);
	res_le(p + 10, max, 2);
	res_le(p + 14, (uint32_t)max - min + 1, 2);
}

void acpi_res_bus(struct acpi_res *r, uint16_t min, uint16_t max)
{
	res_word(r, 2, 0, min, max);
}

void acpi_res_word_io(struct acpi_res *r, uint16_t min, uint16_t max)
{
	res_word(r, 1, 0x03 /* entire range (ISA and non-ISA) */, min, max);
}

void acpi_res_dword_mem(struct acpi_res *r, uint32_t min, uint32_t max,
			int cacheable)
{
	uint8_t *p = res_put(r, 26);

	if (!p)
		return;
	p[0] = 0x87;
	res_le(p + 1, 23, 2);
	p[3] = 0; /* memory */
	p[4] = 0x0c;
	/* Read-write (bit 0); cacheable (bits 2:1 = 1) or not (0). */
	p[5] = cacheable ? 0x03 : 0x01;
	res_le(p + 10, min, 4);
	res_le(p + 14, max, 4);
	res_le(p + 22, (uint64_t)max - min + 1, 4);
}

void acpi_res_end(struct acpi_res *r)
{
	uint8_t *p = res_put(r, 2);

	if (!p)
		return;
	p[0] = 0x79;
	p[1] = 0;
}

void acpi_aml_name_res(struct acpi_aml *a, const char *name,
		       const struct acpi_res *r)
{
	if (r->err) {
		a->err = a->err ? a->err : r->err;
		return;
	}
	acpi_aml_name_decl(a, name);
	acpi_aml_buffer(a, r->data, r->len);
}
