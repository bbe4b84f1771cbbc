/* SPDX-License-Identifier: MIT */
/* The --dev text of safepc-dm's command line: grammar in devspec.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proto/devspec.h"
#include "proto/lex.h"

#define DEVSPEC_ALL_KEYS                                                      \
	(DEVSPEC_KEY_PORT | DEVSPEC_KEY_IRQ | DEVSPEC_KEY_CONSOLE |           \
	 DEVSPEC_KEY_BOOT | DEVSPEC_KEY_DRIVE)

const char *devspec_key_name(unsigned key)
{
	switch (key) {
	case DEVSPEC_KEY_PORT:
		return "port";
	case DEVSPEC_KEY_IRQ:
		return "irq";
	case DEVSPEC_KEY_CONSOLE:
		return "console";
	case DEVSPEC_KEY_BOOT:
		return "boot";
	case DEVSPEC_KEY_DRIVE:
		return "hdX";
	}
	return "?";
}

static int devspec_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int devspec_boot_ok(const char *b, size_t n)
{
	return (n == 1 && (b[0] == 'c' || b[0] == 'd')) ||
	       (n == 2 && (!memcmp(b, "cd", 2) || !memcmp(b, "dc", 2)));
}

/*
 * The limits the parser and the writer share, on a filled-in struct.
 * 0 or -EINVAL with a reason.
 */
static int devspec_check(const struct devspec *s, char *err, size_t errlen)
{
	size_t n = strnlen(s->name, sizeof(s->name)), i;
	unsigned d, e, drives = 0;

	if (!n || n >= sizeof(s->name))
		return lex_fail(err, errlen, -EINVAL,
				"device name empty or longer than %u",
				DEVSPEC_MAX_NAME - 1);
	for (i = 0; i < n; i++)
		if (!devspec_name_char(s->name[i]))
			return lex_fail(err, errlen, -EINVAL,
					"device name '%s': only a-z, 0-9 and "
					"'_'", s->name);
	if (s->keys & ~DEVSPEC_ALL_KEYS)
		return lex_fail(err, errlen, -EINVAL, "unknown option bits");
	if ((s->keys & DEVSPEC_KEY_IRQ) && s->irq > 15)
		return lex_fail(err, errlen, -EINVAL,
				"%s: irq=%u above 15", s->name, s->irq);
	if ((s->keys & DEVSPEC_KEY_BOOT) &&
	    !devspec_boot_ok(s->boot, strnlen(s->boot, sizeof(s->boot))))
		return lex_fail(err, errlen, -EINVAL,
				"%s: boot= must be c, d, cd or dc", s->name);
	for (d = 0; d < DEVSPEC_MAX_DRIVES; d++) {
		int fd = s->drives[d].fd;

		if (!fd)
			continue;
		drives++;
		if (fd < DEVSPEC_MIN_FD || fd > DEVSPEC_MAX_FD)
			return lex_fail(err, errlen, -EINVAL,
					"%s: hd%c: fd %d out of range (%d-%d)",
					s->name, 'a' + d, fd, DEVSPEC_MIN_FD,
					DEVSPEC_MAX_FD);
		for (e = 0; e < d; e++)
			if (s->drives[e].fd == fd)
				return lex_fail(err, errlen, -EINVAL,
						"%s: hd%c and hd%c both on fd "
						"%d", s->name, 'a' + e,
						'a' + d, fd);
	}
	if (!drives != !(s->keys & DEVSPEC_KEY_DRIVE))
		return lex_fail(err, errlen, -EINVAL,
				"%s: drive bit and drives disagree", s->name);
	return 0;
}

/* Parses "hdX=FD:ACCESS:MEDIA" (opt[0..n), known to start "hd"). */
static int devspec_drive(struct devspec *s, const char *opt, size_t n,
			 char *err, size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	const char *fd, *acc, *media, *end = opt + n;
	struct devspec_drive *dr;
	uint64_t v;
	unsigned d;

	if (n < 4 || opt[2] < 'a' || opt[2] > 'd' || opt[3] != '=')
		return lex_fail(err, errlen, -EINVAL,
				"%s: unknown option '%s' (drives are hda-hdd)",
				s->name, lex_quote(opt, n, q, sizeof(q)));
	d = (unsigned)(opt[2] - 'a');
	dr = &s->drives[d];
	if (dr->fd)
		return lex_fail(err, errlen, -EINVAL, "%s: hd%c given twice",
				s->name, opt[2]);
	fd = opt + 4;
	acc = memchr(fd, ':', (size_t)(end - fd));
	media = acc ? memchr(acc + 1, ':', (size_t)(end - acc - 1)) : NULL;
	if (!media)
		return lex_fail(err, errlen, -EINVAL,
				"%s: hd%c: '%s' is not FD:rw|ro:disk|cdrom",
				s->name, opt[2],
				lex_quote(fd, (size_t)(end - fd), q, sizeof(q)));
	if (lex_u64(fd, (size_t)(acc - fd), 0, &v) || v < DEVSPEC_MIN_FD ||
	    v > DEVSPEC_MAX_FD)
		return lex_fail(err, errlen, -EINVAL,
				"%s: hd%c: fd '%s' is not a number %d-%d",
				s->name, opt[2],
				lex_quote(fd, (size_t)(acc - fd), q, sizeof(q)),
				DEVSPEC_MIN_FD, DEVSPEC_MAX_FD);
	acc++;
	if (media - acc != 2 || (memcmp(acc, "rw", 2) && memcmp(acc, "ro", 2)))
		return lex_fail(err, errlen, -EINVAL,
				"%s: hd%c: access '%s' is not rw or ro",
				s->name, opt[2],
				lex_quote(acc, (size_t)(media - acc), q,
					  sizeof(q)));
	media++;
	if (!((end - media == 4 && !memcmp(media, "disk", 4)) ||
	      (end - media == 5 && !memcmp(media, "cdrom", 5))))
		return lex_fail(err, errlen, -EINVAL,
				"%s: hd%c: media '%s' is not disk or cdrom",
				s->name, opt[2],
				lex_quote(media, (size_t)(end - media), q,
					  sizeof(q)));
	dr->fd = (int)v;
	dr->readonly = acc[1] == 'o';
	dr->cdrom = *media == 'c';
	s->keys |= DEVSPEC_KEY_DRIVE;
	return 0;
}

/* Parses one option, opt[0..n). */
static int devspec_option(struct devspec *s, const char *opt, size_t n,
			  char *err, size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	const char *eq = memchr(opt, '=', n);
	size_t kl = eq ? (size_t)(eq - opt) : n;
	const char *v = eq ? eq + 1 : NULL;
	size_t vl = eq ? n - kl - 1 : 0;
	unsigned key;
	uint64_t num;

	if (!n)
		return lex_fail(err, errlen, -EINVAL,
				"%s: empty option (',,' or a ',' at the end)",
				s->name);
	if (kl == 2 && !memcmp(opt, "hd", 2))
		return lex_fail(err, errlen, -EINVAL,
				"%s: unknown option '%s'", s->name,
				lex_quote(opt, n, q, sizeof(q)));
	if (kl == 3 && !memcmp(opt, "hd", 2))
		return devspec_drive(s, opt, n, err, errlen);
	if (kl == 4 && !memcmp(opt, "port", 4))
		key = DEVSPEC_KEY_PORT;
	else if (kl == 3 && !memcmp(opt, "irq", 3))
		key = DEVSPEC_KEY_IRQ;
	else if (kl == 7 && !memcmp(opt, "console", 7))
		key = DEVSPEC_KEY_CONSOLE;
	else if (kl == 4 && !memcmp(opt, "boot", 4))
		key = DEVSPEC_KEY_BOOT;
	else
		return lex_fail(err, errlen, -EINVAL,
				"%s: unknown option '%s' (port=, irq=, "
				"console, boot=, hda= .. hdd=)",
				s->name, lex_quote(opt, kl, q, sizeof(q)));
	if (s->keys & key)
		return lex_fail(err, errlen, -EINVAL, "%s: %s given twice",
				s->name, devspec_key_name(key));
	if (key == DEVSPEC_KEY_CONSOLE && eq)
		return lex_fail(err, errlen, -EINVAL,
				"%s: console takes no value", s->name);
	if (key != DEVSPEC_KEY_CONSOLE && !eq)
		return lex_fail(err, errlen, -EINVAL,
				"%s: %s needs a value (%s=...)", s->name,
				devspec_key_name(key), devspec_key_name(key));
	switch (key) {
	case DEVSPEC_KEY_PORT:
		if (lex_u64(v, vl, 1, &num) || num > 0xffff)
			return lex_fail(err, errlen, -EINVAL,
					"%s: port '%s' is not a number "
					"0-0xffff", s->name,
					lex_quote(v, vl, q, sizeof(q)));
		s->port = (uint16_t)num;
		break;
	case DEVSPEC_KEY_IRQ:
		if (lex_u64(v, vl, 0, &num) || num > 15)
			return lex_fail(err, errlen, -EINVAL,
					"%s: irq '%s' is not a number 0-15",
					s->name,
					lex_quote(v, vl, q, sizeof(q)));
		s->irq = (uint8_t)num;
		break;
	case DEVSPEC_KEY_BOOT:
		if (!devspec_boot_ok(v, vl))
			return lex_fail(err, errlen, -EINVAL,
					"%s: boot '%s' is not c, d, cd or dc",
					s->name,
					lex_quote(v, vl, q, sizeof(q)));
		memcpy(s->boot, v, vl);
		s->boot[vl] = 0;
		break;
	}
	s->keys |= key;
	return 0;
}

int devspec_parse(const char *text, struct devspec *s, char *err,
		  size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	size_t len = strnlen(text, DEVSPEC_MAX_TEXT), n, i;
	const char *p, *comma;

	memset(s, 0, sizeof(*s));
	if (len >= DEVSPEC_MAX_TEXT)
		return lex_fail(err, errlen, -EINVAL,
				"device spec '%s' longer than %u bytes",
				lex_quote(text, len, q, sizeof(q)),
				DEVSPEC_MAX_TEXT - 1);
	comma = strchr(text, ',');
	n = comma ? (size_t)(comma - text) : len;
	for (i = 0; i < n && devspec_name_char(text[i]); i++)
		;
	if (!n || i < n || n >= DEVSPEC_MAX_NAME)
		return lex_fail(err, errlen, -EINVAL,
				"device name '%s' is not 1-%u of a-z, 0-9, "
				"'_'", lex_quote(text, n, q, sizeof(q)),
				DEVSPEC_MAX_NAME - 1);
	memcpy(s->name, text, n);
	for (p = comma; p; p = comma) {
		p++;
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (devspec_option(s, p, n, err, errlen))
			return -EINVAL;
	}
	return devspec_check(s, err, errlen);
}

int devspec_format(const struct devspec *s, char *buf, size_t len)
{
	size_t used;
	unsigned d;
	int n;

	if (devspec_check(s, NULL, 0))
		return -EINVAL;
	n = snprintf(buf, len, "%s", s->name);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	used = (size_t)n;
#define DEVSPEC_PUT(...)                                                      \
	do {                                                                  \
		n = snprintf(buf + used, len - used, __VA_ARGS__);            \
		if (n < 0 || (size_t)n >= len - used)                         \
			return -ENOSPC;                                       \
		used += (size_t)n;                                            \
	} while (0)
	if (s->keys & DEVSPEC_KEY_PORT)
		DEVSPEC_PUT(",port=0x%x", s->port);
	if (s->keys & DEVSPEC_KEY_IRQ)
		DEVSPEC_PUT(",irq=%u", s->irq);
	if (s->keys & DEVSPEC_KEY_CONSOLE)
		DEVSPEC_PUT(",console");
	if (s->keys & DEVSPEC_KEY_BOOT)
		DEVSPEC_PUT(",boot=%.2s", s->boot);
	for (d = 0; d < DEVSPEC_MAX_DRIVES; d++)
		if (s->drives[d].fd)
			DEVSPEC_PUT(",hd%c=%d:%s:%s", 'a' + d,
				    s->drives[d].fd,
				    s->drives[d].readonly ? "ro" : "rw",
				    s->drives[d].cdrom ? "cdrom" : "disk");
#undef DEVSPEC_PUT
	if (used >= DEVSPEC_MAX_TEXT)
		return -ENOSPC;
	return (int)used;
}
