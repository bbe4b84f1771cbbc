/* SPDX-License-Identifier: MIT */
/*
 * xlcfg: a hand-written parser for the xl.cfg syntax (Xen's libxlu grammar:
 * "KEY = VALUE" statements ended by newline or ';', values are strings,
 * integers or flat lists). Everything is bounded: file size, line length,
 * string length, list length, number of keys.
 */
#include "toolstack/xlcfg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct xlcfg {
	char *file;
	char *dir;
	struct xlcfg_entry *entries;
	unsigned nr;
};

/* Parser state over one buffer (a file, or one override's value). */
struct xlcfg_parser {
	const char *p;
	const char *end;
	unsigned line;
	const char *file;
	const char *key; /* the key whose value is being parsed, for errors */
	bool quiet;      /* override probing: failures are not reported */
	char *err;
	size_t errlen;
};

void xlcfg_error(char *err, size_t errlen, const char *file, unsigned line,
		 const char *key, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	char *p;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line && key)
		snprintf(err, errlen, "%s:%u: %s: %s", file, line, key, msg);
	else if (line)
		snprintf(err, errlen, "%s:%u: %s", file, line, msg);
	else if (key)
		snprintf(err, errlen, "%s: %s: %s", file, key, msg);
	else
		snprintf(err, errlen, "%s: %s", file, msg);
	/* One line, whatever the config or the file name contained. */
	for (p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

const char *xlcfg_type_name(enum xlcfg_type type)
{
	switch (type) {
	case XLCFG_STRING:
		return "a string";
	case XLCFG_INT:
		return "an integer";
	case XLCFG_LIST:
		return "a list";
	}
	return "an unknown type";
}

/* Reports a parse error at the current line, naming the current key. */
static int __attribute__((format(printf, 2, 3)))
xlcfg_parser_fail(struct xlcfg_parser *ps, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (ps->quiet)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	xlcfg_error(ps->err, ps->errlen, ps->file, ps->line, ps->key, "%s",
		    msg);
	return -EINVAL;
}

/* A character for error messages: 'c' when printable, else its code. */
static const char *xlcfg_describe_char(const struct xlcfg_parser *ps,
				       char *buf, size_t len)
{
	unsigned char c;

	if (ps->p >= ps->end)
		return "end of file";
	c = (unsigned char)*ps->p;
	if (c == '\n')
		return "end of line";
	if (c >= 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
	return buf;
}

static void xlcfg_free_items(struct xlcfg_item *items, unsigned nr)
{
	unsigned i;

	if (!items)
		return;
	for (i = 0; i < nr; i++)
		free(items[i].str);
	free(items);
}

static void xlcfg_entry_clear(struct xlcfg_entry *e)
{
	free(e->str);
	xlcfg_free_items(e->items, e->nr_items);
	e->str = NULL;
	e->items = NULL;
	e->nr_items = 0;
}

static bool xlcfg_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool xlcfg_is_key_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool xlcfg_is_key_char(char c)
{
	return xlcfg_is_key_start(c) || (c >= '0' && c <= '9');
}

static bool xlcfg_is_number_char(char c)
{
	return xlcfg_is_key_char(c) || c == '.';
}

static void xlcfg_skip_blanks(struct xlcfg_parser *ps)
{
	while (ps->p < ps->end && xlcfg_is_blank(*ps->p))
		ps->p++;
}

/* Skips a '#' comment up to (not including) the newline. */
static void xlcfg_skip_comment(struct xlcfg_parser *ps)
{
	if (ps->p < ps->end && *ps->p == '#')
		while (ps->p < ps->end && *ps->p != '\n')
			ps->p++;
}

/* Inside a list: blanks, comments and newlines are all separators. */
static void xlcfg_skip_space_nl(struct xlcfg_parser *ps)
{
	for (;;) {
		xlcfg_skip_blanks(ps);
		xlcfg_skip_comment(ps);
		if (ps->p < ps->end && *ps->p == '\n') {
			ps->p++;
			ps->line++;
			continue;
		}
		return;
	}
}

/* Parses a quoted string at ps->p into a new heap string. */
static int xlcfg_parse_string(struct xlcfg_parser *ps, char **out)
{
	char buf[XLCFG_MAX_STRING + 1];
	char quote = *ps->p++;
	size_t n = 0;

	for (;;) {
		char c;

		if (ps->p >= ps->end || *ps->p == '\n')
			return xlcfg_parser_fail(ps, "unterminated string "
						     "(missing %c)", quote);
		c = *ps->p++;
		if (c == quote)
			break;
		if (c == '\\') {
			if (ps->p >= ps->end || *ps->p == '\n')
				return xlcfg_parser_fail(
					ps, "unterminated string (missing %c)",
					quote);
			c = *ps->p++;
			switch (c) {
			case '\\':
			case '"':
			case '\'':
				break;
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			default:
				if ((unsigned char)c >= 0x20 &&
				    (unsigned char)c < 0x7f)
					return xlcfg_parser_fail(
						ps, "unknown escape '\\%c' in "
						    "string", c);
				return xlcfg_parser_fail(
					ps, "unknown escape in string");
			}
		}
		if (n >= XLCFG_MAX_STRING)
			return xlcfg_parser_fail(ps, "string too long (max %u "
						     "bytes)", XLCFG_MAX_STRING);
		buf[n++] = c;
	}
	buf[n] = '\0';
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

/* Parses an integer token: decimal without leading zeros, or 0x hex. */
static int xlcfg_parse_number(struct xlcfg_parser *ps, uint64_t *out)
{
	const char *start = ps->p;
	const char *s;
	unsigned base = 10;
	uint64_t v = 0;
	int len;

	while (ps->p < ps->end && xlcfg_is_number_char(*ps->p))
		ps->p++;
	len = (int)(ps->p - start);
	s = start;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (len > 1 && s[0] == '0' && s[1] >= '0' &&
		   s[1] <= '9') {
		return xlcfg_parser_fail(ps, "invalid integer '%.*s': leading "
					     "zeros are not allowed (octal is "
					     "ambiguous)",
					 len > 40 ? 40 : len, start);
	}
	for (; s < ps->p; s++) {
		unsigned d;
		char c = *s;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return xlcfg_parser_fail(ps, "invalid integer '%.*s'",
						 len > 40 ? 40 : len, start);
		if (v > (UINT64_MAX - d) / base)
			return xlcfg_parser_fail(ps, "integer '%.*s' is too "
						     "large (max %llu)",
						 len > 40 ? 40 : len, start,
						 (unsigned long long)UINT64_MAX);
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* A string or an integer. */
static int xlcfg_parse_atom(struct xlcfg_parser *ps, struct xlcfg_item *it)
{
	char cbuf[16];
	char c;

	it->line = ps->line;
	c = ps->p < ps->end ? *ps->p : '\0';
	if (c == '"' || c == '\'') {
		it->type = XLCFG_STRING;
		return xlcfg_parse_string(ps, &it->str);
	}
	if (c >= '0' && c <= '9') {
		it->type = XLCFG_INT;
		return xlcfg_parse_number(ps, &it->num);
	}
	if (ps->p < ps->end && c == '-')
		return xlcfg_parser_fail(ps, "negative numbers are not "
					     "supported");
	if (ps->p < ps->end && c == '[')
		return xlcfg_parser_fail(ps, "lists cannot be nested");
	if (ps->p < ps->end && xlcfg_is_key_start(c))
		return xlcfg_parser_fail(ps, "expected a value, got a bare "
					     "word (strings need quotes)");
	return xlcfg_parser_fail(ps, "expected a value (quoted string, "
				     "integer or list), got %s",
				 xlcfg_describe_char(ps, cbuf, sizeof(cbuf)));
}

static int xlcfg_parse_list(struct xlcfg_parser *ps, struct xlcfg_entry *e)
{
	char cbuf[16];
	unsigned start_line = ps->line;
	int ret;

	ps->p++; /* '[' */
	e->items = calloc(XLCFG_MAX_LIST, sizeof(*e->items));
	if (!e->items)
		return -ENOMEM;
	for (;;) {
		xlcfg_skip_space_nl(ps);
		if (ps->p >= ps->end)
			goto unterminated;
		if (*ps->p == ']')
			break;
		if (e->nr_items >= XLCFG_MAX_LIST)
			return xlcfg_parser_fail(ps, "list too long (max %u "
						     "items)", XLCFG_MAX_LIST);
		ret = xlcfg_parse_atom(ps, &e->items[e->nr_items]);
		if (ret)
			return ret;
		e->nr_items++;
		xlcfg_skip_space_nl(ps);
		if (ps->p >= ps->end)
			goto unterminated;
		if (*ps->p == ']')
			break;
		if (*ps->p != ',')
			return xlcfg_parser_fail(
				ps, "expected ',' or ']' in the list, got %s",
				xlcfg_describe_char(ps, cbuf, sizeof(cbuf)));
		ps->p++;
	}
	ps->p++; /* ']' */
	return 0;

unterminated:
	ps->line = start_line;
	return xlcfg_parser_fail(ps, "unterminated list (missing ']')");
}

/* Parses one value (atom or list) into e; e's storage is freed on error. */
static int xlcfg_parse_value(struct xlcfg_parser *ps, struct xlcfg_entry *e)
{
	struct xlcfg_item it = { 0 };
	int ret;

	if (ps->p < ps->end && *ps->p == '[') {
		e->type = XLCFG_LIST;
		ret = xlcfg_parse_list(ps, e);
	} else {
		ret = xlcfg_parse_atom(ps, &it);
		e->type = it.type;
		e->str = it.str;
		e->num = it.num;
	}
	if (ret)
		xlcfg_entry_clear(e);
	return ret;
}

static struct xlcfg_entry *xlcfg_find(const struct xlcfg *cfg,
				      const char *key)
{
	unsigned i;

	for (i = 0; i < cfg->nr; i++)
		if (!strcmp(cfg->entries[i].key, key))
			return &cfg->entries[i];
	return NULL;
}

/* Checks what is easiest to check before parsing: NUL bytes and lines. */
static int xlcfg_precheck(struct xlcfg_parser *ps)
{
	const char *p = ps->p;
	const char *line_start = p;
	unsigned line = 1;

	for (; p < ps->end; p++) {
		if (*p == '\0') {
			ps->line = line;
			return xlcfg_parser_fail(ps, "NUL byte in config "
						     "text");
		}
		if (*p == '\n') {
			if ((size_t)(p - line_start) > XLCFG_MAX_LINE)
				goto too_long;
			line++;
			line_start = p + 1;
		}
	}
	if ((size_t)(p - line_start) <= XLCFG_MAX_LINE)
		return 0;
too_long:
	ps->line = line;
	return xlcfg_parser_fail(ps, "line too long (max %u bytes)",
				 XLCFG_MAX_LINE);
}

/* The statement loop: KEY = VALUE [;] [# comment] (newline | EOF). */
static int xlcfg_parse_text(struct xlcfg *cfg, struct xlcfg_parser *ps)
{
	char cbuf[16];
	int ret;

	ret = xlcfg_precheck(ps);
	if (ret)
		return ret;
	for (;;) {
		struct xlcfg_entry e = { 0 };
		struct xlcfg_entry *dup;
		size_t klen = 0;

		ps->key = NULL;
		xlcfg_skip_blanks(ps);
		if (ps->p >= ps->end)
			return 0;
		if (*ps->p == '\n') {
			ps->p++;
			ps->line++;
			continue;
		}
		if (*ps->p == '#') {
			xlcfg_skip_comment(ps);
			continue;
		}
		if (*ps->p == ';') {
			ps->p++;
			continue;
		}
		if (!xlcfg_is_key_start(*ps->p))
			return xlcfg_parser_fail(
				ps, "expected a key, got %s",
				xlcfg_describe_char(ps, cbuf, sizeof(cbuf)));
		while (ps->p < ps->end && xlcfg_is_key_char(*ps->p)) {
			if (klen >= XLCFG_MAX_KEY)
				return xlcfg_parser_fail(
					ps, "key too long (max %u bytes)",
					XLCFG_MAX_KEY);
			e.key[klen++] = *ps->p++;
		}
		e.key[klen] = '\0';
		e.line = ps->line;
		e.file = cfg->file;
		ps->key = e.key;

		xlcfg_skip_blanks(ps);
		if (ps->end - ps->p >= 2 && ps->p[0] == '+' && ps->p[1] == '=')
			return xlcfg_parser_fail(ps, "'+=' is not supported");
		if (ps->p >= ps->end || *ps->p != '=')
			return xlcfg_parser_fail(
				ps, "expected '=' after the key, got %s",
				xlcfg_describe_char(ps, cbuf, sizeof(cbuf)));
		ps->p++;
		xlcfg_skip_blanks(ps);
		if (ps->p >= ps->end || *ps->p == '\n' || *ps->p == '#' ||
		    *ps->p == ';')
			return xlcfg_parser_fail(ps, "missing value");
		ret = xlcfg_parse_value(ps, &e);
		if (ret)
			return ret;
		xlcfg_skip_blanks(ps);
		xlcfg_skip_comment(ps);
		if (ps->p < ps->end && *ps->p != '\n' && *ps->p != ';') {
			ret = xlcfg_parser_fail(
				ps, "unexpected %s after the value (missing "
				    "';' or newline?)",
				xlcfg_describe_char(ps, cbuf, sizeof(cbuf)));
			goto fail_entry;
		}
		dup = xlcfg_find(cfg, e.key);
		if (dup) {
			ps->line = e.line;
			ret = xlcfg_parser_fail(ps, "duplicate key (first set "
						    "on line %u)", dup->line);
			goto fail_entry;
		}
		if (cfg->nr >= XLCFG_MAX_ENTRIES) {
			ps->line = e.line;
			ret = xlcfg_parser_fail(ps, "too many keys (max %u)",
						XLCFG_MAX_ENTRIES);
			goto fail_entry;
		}
		cfg->entries[cfg->nr++] = e;
		continue;

fail_entry:
		xlcfg_entry_clear(&e);
		return ret;
	}
}

/* The directory of `file`, absolute: what relative paths resolve against. */
static char *xlcfg_make_dir(const char *file)
{
	const char *slash = strrchr(file, '/');
	char cwd[4096];
	char *dir = NULL;
	int n;

	if (slash == file)
		return strdup("/");
	if (slash && file[0] == '/')
		return strndup(file, (size_t)(slash - file));
	if (!getcwd(cwd, sizeof(cwd)))
		return slash ? strndup(file, (size_t)(slash - file))
			     : strdup(".");
	if (!slash)
		return strdup(cwd);
	n = asprintf(&dir, "%s%s%.*s", cwd, strcmp(cwd, "/") ? "/" : "",
		     (int)(slash - file), file);
	return n < 0 ? NULL : dir;
}

static struct xlcfg *xlcfg_new(const char *file)
{
	struct xlcfg *cfg = calloc(1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->file = strdup(file);
	cfg->dir = xlcfg_make_dir(file);
	cfg->entries = calloc(XLCFG_MAX_ENTRIES, sizeof(*cfg->entries));
	if (!cfg->file || !cfg->dir || !cfg->entries) {
		xlcfg_free(cfg);
		return NULL;
	}
	return cfg;
}

int xlcfg_parse(const char *file, const char *text, size_t len,
		struct xlcfg **out, char *err, size_t errlen)
{
	struct xlcfg_parser ps = { 0 };
	struct xlcfg *cfg;
	int ret;

	*out = NULL;
	if (!file)
		file = "<config>";
	if (len > XLCFG_MAX_FILE) {
		xlcfg_error(err, errlen, file, 0, NULL,
			    "config file too large (max %u bytes)",
			    XLCFG_MAX_FILE);
		return -E2BIG;
	}
	cfg = xlcfg_new(file);
	if (!cfg) {
		xlcfg_error(err, errlen, file, 0, NULL, "out of memory");
		return -ENOMEM;
	}
	ps.p = text;
	ps.end = text + len;
	ps.line = 1;
	ps.file = cfg->file;
	ps.err = err;
	ps.errlen = errlen;
	ret = xlcfg_parse_text(cfg, &ps);
	if (ret) {
		if (ret == -ENOMEM)
			xlcfg_error(err, errlen, file, 0, NULL,
				    "out of memory");
		xlcfg_free(cfg);
		return ret;
	}
	*out = cfg;
	return 0;
}

int xlcfg_load(const char *path, struct xlcfg **out, char *err,
	       size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		ret = -errno;
		xlcfg_error(err, errlen, path, 0, NULL, "cannot open: %s",
			    strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		xlcfg_error(err, errlen, path, 0, NULL, "cannot stat: %s",
			    strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		xlcfg_error(err, errlen, path, 0, NULL,
			    "not a regular file");
		goto out;
	}
	/* One byte more than allowed, to see a file that grew past it. */
	buf = malloc(XLCFG_MAX_FILE + 1);
	if (!buf) {
		ret = -ENOMEM;
		xlcfg_error(err, errlen, path, 0, NULL, "out of memory");
		goto out;
	}
	while (len < XLCFG_MAX_FILE + 1) {
		ssize_t n = read(fd, buf + len, XLCFG_MAX_FILE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			xlcfg_error(err, errlen, path, 0, NULL,
				    "cannot read: %s", strerror(-ret));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	ret = xlcfg_parse(path, buf, len, out, err, errlen);
out:
	free(buf);
	close(fd);
	return ret;
}

/* Tries to parse all of `text` as one value; 0 when it is one. */
static int xlcfg_probe_value(const char *text, struct xlcfg_entry *e)
{
	struct xlcfg_parser ps = { 0 };
	int ret;

	ps.p = text;
	ps.end = text + strlen(text);
	ps.line = 1;
	ps.file = XLCFG_CMDLINE_FILE;
	ps.quiet = true;
	if (xlcfg_precheck(&ps))
		return -EINVAL;
	xlcfg_skip_space_nl(&ps);
	if (ps.p >= ps.end)
		return -EINVAL;
	ret = xlcfg_parse_value(&ps, e);
	if (ret)
		return ret;
	xlcfg_skip_space_nl(&ps);
	if (ps.p < ps.end && *ps.p == ';')
		ps.p++;
	xlcfg_skip_space_nl(&ps);
	if (ps.p < ps.end) {
		xlcfg_entry_clear(e);
		return -EINVAL;
	}
	return 0;
}

int xlcfg_set_override(struct xlcfg *cfg, const char *kv, char *err,
		       size_t errlen)
{
	struct xlcfg_entry e = { 0 };
	struct xlcfg_entry *old;
	const char *eq = strchr(kv, '=');
	const char *k = kv, *kend;
	const char *value;
	unsigned i;
	int ret;

	if (!eq) {
		xlcfg_error(err, errlen, XLCFG_CMDLINE_FILE, 0, NULL,
			    "expected KEY=VALUE, got '%.64s'", kv);
		return -EINVAL;
	}
	kend = eq;
	while (k < kend && xlcfg_is_blank(*k))
		k++;
	while (kend > k && xlcfg_is_blank(kend[-1]))
		kend--;
	if (kend == k || !xlcfg_is_key_start(*k)) {
		xlcfg_error(err, errlen, XLCFG_CMDLINE_FILE, 0, NULL,
			    "expected KEY=VALUE, got '%.64s'", kv);
		return -EINVAL;
	}
	if ((size_t)(kend - k) > XLCFG_MAX_KEY) {
		xlcfg_error(err, errlen, XLCFG_CMDLINE_FILE, 0, NULL,
			    "key too long (max %u bytes)", XLCFG_MAX_KEY);
		return -EINVAL;
	}
	memcpy(e.key, k, (size_t)(kend - k));
	e.key[kend - k] = '\0';
	for (i = 0; e.key[i]; i++) {
		if (!xlcfg_is_key_char(e.key[i])) {
			xlcfg_error(err, errlen, XLCFG_CMDLINE_FILE, 0, NULL,
				    "invalid key '%s'", e.key);
			return -EINVAL;
		}
	}
	e.file = XLCFG_CMDLINE_FILE;
	e.line = 0;
	value = eq + 1;

	ret = xlcfg_probe_value(value, &e);
	if (ret == -ENOMEM)
		goto nomem;
	if (ret) {
		/* Not a config value: the text itself is the string. */
		if (strlen(value) > XLCFG_MAX_STRING) {
			xlcfg_error(err, errlen, XLCFG_CMDLINE_FILE, 0, e.key,
				    "value too long (max %u bytes)",
				    XLCFG_MAX_STRING);
			return -EINVAL;
		}
		e.type = XLCFG_STRING;
		e.str = strdup(value);
		if (!e.str)
			goto nomem;
	}
	for (i = 0; i < e.nr_items; i++)
		e.items[i].line = 0;

	old = xlcfg_find(cfg, e.key);
	if (old) {
		/* Replace, and move to the end: overrides come last. */
		unsigned idx = (unsigned)(old - cfg->entries);

		xlcfg_entry_clear(old);
		memmove(&cfg->entries[idx], &cfg->entries[idx + 1],
			(cfg->nr - idx - 1) * sizeof(*cfg->entries));
		cfg->nr--;
	} else if (cfg->nr >= XLCFG_MAX_ENTRIES) {
		xlcfg_entry_clear(&e);
		xlcfg_error(err, errlen, XLCFG_CMDLINE_FILE, 0, e.key,
			    "too many keys (max %u)", XLCFG_MAX_ENTRIES);
		return -EINVAL;
	}
	cfg->entries[cfg->nr++] = e;
	return 0;

nomem:
	xlcfg_entry_clear(&e);
	xlcfg_error(err, errlen, XLCFG_CMDLINE_FILE, 0, NULL, "out of memory");
	return -ENOMEM;
}

const struct xlcfg_entry *xlcfg_get(const struct xlcfg *cfg, const char *key)
{
	return xlcfg_find(cfg, key);
}

unsigned xlcfg_count(const struct xlcfg *cfg)
{
	return cfg->nr;
}

const struct xlcfg_entry *xlcfg_entry_at(const struct xlcfg *cfg, unsigned i)
{
	return i < cfg->nr ? &cfg->entries[i] : NULL;
}

const char *xlcfg_file(const struct xlcfg *cfg)
{
	return cfg->file;
}

const char *xlcfg_dir(const struct xlcfg *cfg)
{
	return cfg->dir;
}

void xlcfg_free(struct xlcfg *cfg)
{
	unsigned i;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nr; i++)
		xlcfg_entry_clear(&cfg->entries[i]);
	free(cfg->entries);
	free(cfg->dir);
	free(cfg->file);
	free(cfg);
}
