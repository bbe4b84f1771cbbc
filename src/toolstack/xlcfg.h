/* SPDX-License-Identifier: MIT */
/*
 * xlcfg: the xl.cfg syntax, as Xen's `xl` reads it.
 *
 *   # comment
 *   name = "g1"            strings in '...' or "...", escapes \\ \" \' \n \t \r
 *   memory = 256           integers: decimal or 0x hex, 0 .. UINT64_MAX
 *   disk = [ 'a', 'b', ]   lists of strings/integers, newlines allowed inside
 *
 * A statement ends at a newline or ';'. Keys are case-sensitive and may be
 * set once per file; command-line overrides ("KEY=VALUE") replace them.
 * This layer knows nothing of what the keys mean: see domcfg.h.
 *
 * Every error is one line, "FILE:LINE: KEY: message" (or "FILE:LINE:
 * message" when no key is known yet, "FILE: KEY: message" when there is no
 * line, as for a command-line override), written into a caller buffer;
 * control characters from the config are shown as '?'.
 */
#ifndef SAFEPC_TOOLSTACK_XLCFG_H
#define SAFEPC_TOOLSTACK_XLCFG_H

#include <stddef.h>
#include <stdint.h>

#define XLCFG_MAX_FILE (1u << 20)  /* bytes of config text */
#define XLCFG_MAX_LINE 8192        /* bytes per line, newline excluded */
#define XLCFG_MAX_STRING 4096      /* bytes per string value, NUL excluded */
#define XLCFG_MAX_LIST 64          /* items per list */
#define XLCFG_MAX_KEY 63           /* bytes per key */
#define XLCFG_MAX_ENTRIES 256      /* keys per configuration */

/* The "file" named in errors about command-line overrides. */
#define XLCFG_CMDLINE_FILE "<command line>"

enum xlcfg_type { XLCFG_STRING, XLCFG_INT, XLCFG_LIST };

/* One list item: a string or an integer (lists do not nest). */
struct xlcfg_item {
	enum xlcfg_type type;   /* XLCFG_STRING or XLCFG_INT */
	char *str;              /* XLCFG_STRING: NUL-terminated, no NUL inside */
	uint64_t num;           /* XLCFG_INT */
	unsigned line;          /* where the item starts; 0: command line */
};

struct xlcfg_entry {
	char key[XLCFG_MAX_KEY + 1];
	enum xlcfg_type type;
	char *str;                  /* XLCFG_STRING */
	uint64_t num;               /* XLCFG_INT */
	struct xlcfg_item *items;   /* XLCFG_LIST */
	unsigned nr_items;
	unsigned line;              /* line of the key; 0: command line */
	const char *file;           /* config file name or XLCFG_CMDLINE_FILE */
};

struct xlcfg;

/*
 * Parses `len` bytes of config text; `file` names it in errors and its
 * directory (made absolute against the current one) is what xlcfg_dir()
 * returns. On success *out is a new configuration for xlcfg_free().
 * Returns 0, -EINVAL (syntax or bound error, described in err),
 * -E2BIG (text larger than XLCFG_MAX_FILE) or -ENOMEM.
 */
int xlcfg_parse(const char *file, const char *text, size_t len,
		struct xlcfg **out, char *err, size_t errlen);

/*
 * Reads (at most XLCFG_MAX_FILE bytes of) the file at `path` and parses it
 * as xlcfg_parse() does. Returns 0 or -errno (-ENOENT, -EACCES, -E2BIG,
 * -EINVAL ...), with err describing the failure.
 */
int xlcfg_load(const char *path, struct xlcfg **out, char *err,
	       size_t errlen);

/*
 * Applies a command-line override "KEY=VALUE". VALUE is parsed as a config
 * value (string, integer or list) when it is one, whole; otherwise it is
 * taken as a bare string ("extra=idle" and "extra='idle'" are the same).
 * An existing KEY is replaced; the entry then sorts after the file's and
 * names XLCFG_CMDLINE_FILE in errors. Returns 0, -EINVAL or -ENOMEM.
 */
int xlcfg_set_override(struct xlcfg *cfg, const char *kv, char *err,
		       size_t errlen);

/* The entry for `key`, or NULL. */
const struct xlcfg_entry *xlcfg_get(const struct xlcfg *cfg, const char *key);

/* Entries in order (file order, then overrides): count and index access. */
unsigned xlcfg_count(const struct xlcfg *cfg);
const struct xlcfg_entry *xlcfg_entry_at(const struct xlcfg *cfg, unsigned i);

/* The config file name as given, and its directory as an absolute path. */
const char *xlcfg_file(const struct xlcfg *cfg);
const char *xlcfg_dir(const struct xlcfg *cfg);

/* "a string", "an integer", "a list": for type errors. */
const char *xlcfg_type_name(enum xlcfg_type type);

/*
 * Formats one error line into err: "FILE:LINE: KEY: message", leaving out
 * ":LINE" when line is 0 and "KEY: " when key is NULL. Always terminates
 * err (when errlen > 0); truncates silently.
 */
void xlcfg_error(char *err, size_t errlen, const char *file, unsigned line,
		 const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Frees a configuration; NULL is allowed. */
void xlcfg_free(struct xlcfg *cfg);

#endif
