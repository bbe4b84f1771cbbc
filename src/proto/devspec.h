/* SPDX-License-Identifier: MIT */
/*
 * devspec: one device of a DM, as the monitor names it to safepc-dm
 * (`safepc-dm --dev TEXT`, one option per device). launch.c writes it with
 * devspec_format, safepc-dm reads it with devspec_parse (once, in main.c:
 * the device adapters get the parsed struct). Which options a device takes
 * is the DM's device table's business (devices.c), not the grammar's.
 *
 * Grammar (ABNF, RFC 5234; dec and hex as in lex.h):
 *
 *   spec    = name *( "," option )
 *   name    = 1*15( %x61-7A / DIGIT / "_" )   ; "ns16550", "piix3_ide"
 *   option  = "port=" num                     ; 0 - 0xffff
 *           / "irq=" dec                      ; ISA IRQ 0-15
 *           / "console"                       ; owns the domain console
 *           / "boot=" ( "c" / "d" / "cd" / "dc" )
 *                                             ; firmware boot order
 *           / drive
 *   drive   = "hd" %x61-64 "=" fd ":" access ":" media
 *                                             ; hda-hdd: IDE primary
 *                                             ; master, slave, secondary
 *                                             ; master, slave
 *   fd      = dec                             ; DEVSPEC_MIN_FD - 63
 *   access  = "rw" / "ro"
 *   media   = "disk" / "cdrom"
 *   num     = dec / hex
 *
 * Every option at most once (each drive letter once), no fd for two
 * drives, the whole text at most DEVSPEC_MAX_TEXT - 1 bytes. Example:
 *   piix3_ide,hda=8:rw:disk,hdc=9:ro:cdrom
 */
#ifndef SAFEPC_PROTO_DEVSPEC_H
#define SAFEPC_PROTO_DEVSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/fds.h"

#define DEVSPEC_MAX_TEXT 256
#define DEVSPEC_MAX_NAME 16 /* with the NUL */
#define DEVSPEC_MAX_DRIVES 4
/* A drive's fd: the DM's extra fds start there (fds.h); the jail passes
 * at most 64 fds. */
#define DEVSPEC_MIN_FD LAUNCH_DM_FD_FIRST_EXTRA
#define DEVSPEC_MAX_FD 63

/* Which options a spec gave (struct devspec's `keys`). */
#define DEVSPEC_KEY_PORT (1u << 0)
#define DEVSPEC_KEY_IRQ (1u << 1)
#define DEVSPEC_KEY_CONSOLE (1u << 2)
#define DEVSPEC_KEY_BOOT (1u << 3)
#define DEVSPEC_KEY_DRIVE (1u << 4) /* one or more drives */

struct devspec_drive {
	int fd; /* 0: no drive at this position */
	bool readonly;
	bool cdrom;
};

struct devspec {
	char name[DEVSPEC_MAX_NAME];
	unsigned keys; /* DEVSPEC_KEY_* */
	uint16_t port;
	uint8_t irq;
	char boot[3]; /* "c", "d", "cd" or "dc" */
	struct devspec_drive drives[DEVSPEC_MAX_DRIVES]; /* hda .. hdd */
};

/*
 * devspec_parse - reads the whole of text (grammar above) into *s.
 * Returns 0, or -EINVAL with a one-line reason naming what was wrong in
 * err (errlen bytes, may be NULL); *s is then undefined.
 */
int devspec_parse(const char *text, struct devspec *s, char *err,
		  size_t errlen);

/*
 * devspec_format - writes *s as spec text (NUL-terminated) into buf, the
 * options in a fixed order: port, irq, console, boot, hda .. hdd. Options
 * are written for the bits set in s->keys (drives: those with an fd).
 * Returns the length, -EINVAL when *s breaks the grammar (what
 * devspec_parse would refuse), or -ENOSPC when len is too small.
 */
int devspec_format(const struct devspec *s, char *buf, size_t len);

/* devspec_key_name - "port", "irq", "console", "boot" or "hdX" for one
 * DEVSPEC_KEY_* bit; "?" for anything else. */
const char *devspec_key_name(unsigned key);

#endif
