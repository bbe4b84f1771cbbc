/* SPDX-License-Identifier: MIT */
/*
 * grant: one line of a DM's manifest, as the monitor passes it to hv
 * (`safepc-hv --grant TEXT`, one option per grant). launch.c writes it
 * with grant_format, hv reads it with grant_parse: nothing else writes or
 * reads this text. docs/protocol.md ("The manifest") says what each kind
 * allows a DM to do.
 *
 * Grammar (ABNF, RFC 5234; dec and hex as in lex.h):
 *
 *   grant  = dm "," body
 *   dm     = dec                        ; 0 .. GRANT_MAX_DMS - 1
 *   body   = range / irq / right
 *   range  = ("pio" / "mmio" / "pci") "," num "," num
 *                                       ; first, last (inclusive):
 *                                       ; first <= last, and for pio
 *                                       ; and pci last <= 0xffff
 *   irq    = "irq" "," dec              ; an ISA IRQ, 0-15, never 2
 *   right  = "shutdown" / "pirq" / "pam"
 *   num    = dec / hex
 *
 * The whole text is at most GRANT_MAX_TEXT - 1 bytes. Examples:
 *   0,pio,0x3f8,0x3ff   0,irq,4   1,pci,0x9,0x9   0,shutdown
 */
#ifndef SAFEPC_PROTO_GRANT_H
#define SAFEPC_PROTO_GRANT_H

#include <stddef.h>
#include <stdint.h>

#include "proto/fds.h"

#define GRANT_MAX_TEXT 64
#define GRANT_MAX_DMS LAUNCH_HV_MAX_DMS

enum grant_kind {
	GRANT_NONE = 0, /* never valid: a zeroed struct is no grant */
	GRANT_PIO,	/* ports [first, last] */
	GRANT_MMIO,	/* guest-physical addresses [first, last] */
	GRANT_PCI,	/* PCI functions (bus << 8 | dev << 3 | fn) */
	GRANT_IRQ,	/* ISA IRQ `first` (== last) */
	GRANT_SHUTDOWN, /* may power off, reset or crash the domain */
	GRANT_PIRQ,	/* may set the PIIX3 PIRQ routes */
	GRANT_PAM,	/* may set how the BIOS window decodes */
};

struct grant {
	unsigned dm; /* the DM's index, as in --dm IDX,TAG */
	enum grant_kind kind;
	uint64_t first, last; /* range and irq only; 0 for the rights */
};

/*
 * grant_parse - reads the whole of text (grammar above) into *g. Returns
 * 0, or -EINVAL with a one-line reason naming what was wrong in err
 * (errlen bytes, may be NULL); *g is then undefined.
 */
int grant_parse(const char *text, struct grant *g, char *err, size_t errlen);

/*
 * grant_parse_body - reads a `body` alone (the monitor's tables hold
 * bodies: "pio,0x3f8,0x3ff") into *g, for DM `dm`. Returns as grant_parse.
 */
int grant_parse_body(const char *text, unsigned dm, struct grant *g,
		     char *err, size_t errlen);

/*
 * grant_format - writes *g as grant text (NUL-terminated) into buf.
 * Returns the length, -EINVAL when *g breaks the grammar's limits (what
 * grant_parse would refuse), or -ENOSPC when len is too small.
 */
int grant_format(const struct grant *g, char *buf, size_t len);

/* grant_kind_name - "pio", "irq", ...; NULL for an unknown kind. */
const char *grant_kind_name(enum grant_kind kind);

#endif
