/* SPDX-License-Identifier: MIT */
/*
 * A bounded JSON reader (RFC 8259, strict) and writer. The reader is a
 * recursive descent whose depth is capped at JSON_MAX_DEPTH; every node
 * and every decoded byte goes into the caller's fixed json_doc.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/json.h"

struct json_parser {
	const char *start, *p, *end;
	struct json_doc *doc;
	unsigned depth;
	char *err;
	size_t errlen;
	int rc;
};

static void json_fail(struct json_parser *ps, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void json_fail(struct json_parser *ps, int rc, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->rc)
		return;
	ps->rc = rc;
	if (!ps->errlen)
		return;
	n = snprintf(ps->err, ps->errlen, "offset %zu: ",
		     (size_t)(ps->p - ps->start));
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void json_skip_ws(struct json_parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes available), or
 * 0: no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static size_t json_utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int json_hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t json_put_utf8(char *dst, unsigned cp)
{
	if (cp < 0x80) {
		dst[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		dst[0] = (char)(0xc0 | (cp >> 6));
		dst[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		dst[0] = (char)(0xe0 | (cp >> 12));
		dst[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		dst[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	dst[0] = (char)(0xf0 | (cp >> 18));
	dst[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	dst[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	dst[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decodes the string at ps->p (on its opening quote) into the pool.
 * Returns the decoded text (NUL-terminated) or NULL; *len is its length.
 */
static const char *json_string(struct json_parser *ps, size_t *len)
{
	struct json_doc *d = ps->doc;
	char *out = d->pool + d->pool_used, *o = out;
	/* The source is at least as long as the decoded text, and the pool
	 * holds the whole source plus one NUL per string. */
	size_t room = sizeof(d->pool) - d->pool_used;

	ps->p++;
	for (;;) {
		unsigned char c;

		if (ps->p >= ps->end) {
			json_fail(ps, -EINVAL, "unterminated string");
			return NULL;
		}
		if ((size_t)(o - out) > JSON_MAX_STRING ||
		    (size_t)(o - out) + 5 > room) {
			json_fail(ps, -E2BIG, "string longer than %d bytes",
				  JSON_MAX_STRING);
			return NULL;
		}
		c = (unsigned char)*ps->p;
		if (c == '"') {
			ps->p++;
			break;
		}
		if (c < 0x20) {
			json_fail(ps, -EINVAL, "control character in string");
			return NULL;
		}
		if (c >= 0x80) {
			size_t n = json_utf8_len((const unsigned char *)ps->p,
						 (size_t)(ps->end - ps->p));

			if (!n) {
				json_fail(ps, -EINVAL, "invalid UTF-8");
				return NULL;
			}
			memcpy(o, ps->p, n);
			o += n;
			ps->p += n;
			continue;
		}
		if (c != '\\') {
			*o++ = (char)c;
			ps->p++;
			continue;
		}
		if (ps->end - ps->p < 2) {
			json_fail(ps, -EINVAL, "unterminated string");
			return NULL;
		}
		switch (ps->p[1]) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned cp, lo;

			if (ps->end - ps->p < 6 || json_hex4(ps->p + 2, &cp)) {
				json_fail(ps, -EINVAL, "bad \\u escape");
				return NULL;
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				json_fail(ps, -EINVAL, "lone low surrogate");
				return NULL;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (ps->end - ps->p < 12 || ps->p[6] != '\\' ||
				    ps->p[7] != 'u' ||
				    json_hex4(ps->p + 8, &lo) || lo < 0xdc00 ||
				    lo > 0xdfff) {
					json_fail(ps, -EINVAL,
						  "lone high surrogate");
					return NULL;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				ps->p += 6;
			}
			if (cp == 0) {
				json_fail(ps, -EINVAL, "\\u0000 in string");
				return NULL;
			}
			o += json_put_utf8(o, cp);
			ps->p += 4;
			break;
		}
		default:
			json_fail(ps, -EINVAL, "bad escape");
			return NULL;
		}
		ps->p += 2;
	}
	if ((size_t)(o - out) > JSON_MAX_STRING) {
		json_fail(ps, -E2BIG, "string longer than %d bytes",
			  JSON_MAX_STRING);
		return NULL;
	}
	*o++ = 0;
	d->pool_used += (size_t)(o - out);
	*len = (size_t)(o - out) - 1;
	return out;
}

static int json_number(struct json_parser *ps, struct json_node *n)
{
	const char *s = ps->p;
	char buf[64];
	bool is_int = true;
	size_t len;
	char *endp;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0') {
		ps->p++;
	} else if (ps->p < ps->end && *ps->p >= '1' && *ps->p <= '9') {
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	} else {
		json_fail(ps, -EINVAL, "bad number");
		return -1;
	}
	if (ps->p < ps->end && *ps->p == '.') {
		is_int = false;
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
			json_fail(ps, -EINVAL, "bad number");
			return -1;
		}
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		is_int = false;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9') {
			json_fail(ps, -EINVAL, "bad number");
			return -1;
		}
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	len = (size_t)(ps->p - s);
	if (len >= sizeof(buf)) {
		json_fail(ps, -E2BIG, "number longer than %zu characters",
			  sizeof(buf) - 1);
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = 0;
	errno = 0;
	n->num = strtod(buf, &endp);
	if (!isfinite(n->num)) {
		json_fail(ps, -E2BIG, "number out of range");
		return -1;
	}
	n->is_int = false;
	if (is_int) {
		long long v;

		errno = 0;
		v = strtoll(buf, &endp, 10);
		if (errno == 0 && *endp == 0) {
			n->i = v;
			n->is_int = true;
		}
	}
	return 0;
}

static int json_value(struct json_parser *ps, const char *key);

/* Parses an array or object at ps->p into node idx. */
static int json_container(struct json_parser *ps, int idx)
{
	struct json_doc *d = ps->doc;
	bool object = *ps->p == '{';
	char close = object ? '}' : ']';
	int last = -1;

	if (++ps->depth > JSON_MAX_DEPTH) {
		json_fail(ps, -E2BIG, "nested deeper than %d", JSON_MAX_DEPTH);
		return -1;
	}
	ps->p++;
	json_skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		int child;

		json_skip_ws(ps);
		if (object) {
			const struct json_node *m;
			size_t klen;

			if (ps->p >= ps->end || *ps->p != '"') {
				json_fail(ps, -EINVAL, "expected a member name");
				return -1;
			}
			key = json_string(ps, &klen);
			if (!key)
				return -1;
			if (strlen(key) != klen) {
				json_fail(ps, -EINVAL, "NUL in member name");
				return -1;
			}
			for (m = json_first(d, &d->nodes[idx]); m;
			     m = json_next(d, m))
				if (!strcmp(m->key, key)) {
					json_fail(ps, -EINVAL,
						  "duplicate member \"%s\"",
						  key);
					return -1;
				}
			json_skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				json_fail(ps, -EINVAL, "expected ':'");
				return -1;
			}
			ps->p++;
		}
		child = json_value(ps, key);
		if (child < 0)
			return -1;
		if (last < 0)
			d->nodes[idx].child = child;
		else
			d->nodes[last].next = child;
		last = child;
		d->nodes[idx].count++;
		json_skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			ps->depth--;
			return 0;
		}
		json_fail(ps, -EINVAL, "expected ',' or '%c'", close);
		return -1;
	}
}

static bool json_literal(struct json_parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return false;
	ps->p += n;
	return true;
}

/* Parses one value; returns its node index or -1. */
static int json_value(struct json_parser *ps, const char *key)
{
	struct json_doc *d = ps->doc;
	struct json_node *n;
	int idx;

	json_skip_ws(ps);
	if (ps->p >= ps->end) {
		json_fail(ps, -EINVAL, "expected a value");
		return -1;
	}
	if (d->nr_nodes >= JSON_MAX_NODES) {
		json_fail(ps, -E2BIG, "more than %d values", JSON_MAX_NODES);
		return -1;
	}
	idx = (int)d->nr_nodes++;
	n = &d->nodes[idx];
	memset(n, 0, sizeof(*n));
	n->child = n->next = -1;
	n->key = key;
	switch (*ps->p) {
	case '{':
		n->type = JSON_OBJECT;
		return json_container(ps, idx) ? -1 : idx;
	case '[':
		n->type = JSON_ARRAY;
		return json_container(ps, idx) ? -1 : idx;
	case '"':
		n->type = JSON_STRING;
		n->str = json_string(ps, &n->len);
		return n->str ? idx : -1;
	case 't':
		n->type = JSON_TRUE;
		if (json_literal(ps, "true"))
			return idx;
		break;
	case 'f':
		n->type = JSON_FALSE;
		if (json_literal(ps, "false"))
			return idx;
		break;
	case 'n':
		n->type = JSON_NULL;
		if (json_literal(ps, "null"))
			return idx;
		break;
	case '-':
	case '0' ... '9':
		n->type = JSON_NUMBER;
		return json_number(ps, n) ? -1 : idx;
	default:
		json_fail(ps, -EINVAL, "expected a value");
		return -1;
	}
	json_fail(ps, -EINVAL, "bad literal");
	return -1;
}

int json_parse(struct json_doc *doc, const char *text, size_t len, char *err,
	       size_t errlen)
{
	struct json_parser ps = { .start = text, .p = text, .end = text + len,
				  .doc = doc, .err = err, .errlen = errlen };

	doc->nr_nodes = 0;
	doc->pool_used = 0;
	if (errlen)
		err[0] = 0;
	if (len > JSON_MAX_TEXT) {
		json_fail(&ps, -E2BIG, "message longer than %d bytes",
			  JSON_MAX_TEXT);
		return ps.rc;
	}
	if (json_value(&ps, NULL) < 0)
		return ps.rc ? ps.rc : -EINVAL;
	json_skip_ws(&ps);
	if (ps.p != ps.end) {
		json_fail(&ps, -EINVAL, "text after the value");
		return ps.rc;
	}
	return 0;
}

const struct json_node *json_root(const struct json_doc *doc)
{
	return doc->nr_nodes ? &doc->nodes[0] : NULL;
}

const struct json_node *json_first(const struct json_doc *doc,
				   const struct json_node *n)
{
	if (!n || (n->type != JSON_ARRAY && n->type != JSON_OBJECT) ||
	    n->child < 0)
		return NULL;
	return &doc->nodes[n->child];
}

const struct json_node *json_next(const struct json_doc *doc,
				  const struct json_node *n)
{
	if (!n || n->next < 0)
		return NULL;
	return &doc->nodes[n->next];
}

const struct json_node *json_get(const struct json_doc *doc,
				 const struct json_node *obj, const char *key)
{
	const struct json_node *m;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (m = json_first(doc, obj); m; m = json_next(doc, m))
		if (!strcmp(m->key, key))
			return m;
	return NULL;
}

const char *json_str(const struct json_node *n)
{
	return n && n->type == JSON_STRING ? n->str : NULL;
}

/* ---- writer ---- */

void json_writer_init(struct json_writer *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	w->first[0] = true;
	if (cap)
		buf[0] = 0;
	else
		w->error = -ENOSPC;
}

static void json_w_raw(struct json_writer *w, const char *s, size_t n)
{
	if (w->error)
		return;
	/* Keep one byte for the final NUL. */
	if (n >= w->cap - w->len) {
		w->error = -ENOSPC;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

/* Separator and nesting checks before any value. */
static void json_w_pre_value(struct json_writer *w)
{
	if (w->error)
		return;
	if (w->in_object[w->depth]) {
		if (!w->after_key) {
			w->error = -EINVAL;
			return;
		}
		w->after_key = false;
		return;
	}
	if (w->depth == 0 && !w->first[0]) {
		w->error = -EINVAL; /* one top-level value only */
		return;
	}
	if (!w->first[w->depth])
		json_w_raw(w, ",", 1);
	w->first[w->depth] = false;
}

static void json_w_escaped(struct json_writer *w, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	json_w_raw(w, "\"", 1);
	while (i < n && !w->error) {
		unsigned char c = u[i];
		char esc[8];
		size_t run = i;

		/* Plain printable ASCII runs in one copy. */
		while (run < n && u[run] >= 0x20 && u[run] < 0x7f &&
		       u[run] != '"' && u[run] != '\\')
			run++;
		if (run > i) {
			json_w_raw(w, s + i, run - i);
			i = run;
			continue;
		}
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			json_w_raw(w, esc, 2);
			i++;
		} else if (c == '\n') {
			json_w_raw(w, "\\n", 2), i++;
		} else if (c == '\t') {
			json_w_raw(w, "\\t", 2), i++;
		} else if (c == '\r') {
			json_w_raw(w, "\\r", 2), i++;
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			json_w_raw(w, esc, 6);
			i++;
		} else {
			size_t len = json_utf8_len(u + i, n - i);

			if (len) {
				json_w_raw(w, s + i, len);
				i += len;
			} else {
				json_w_raw(w, "\\ufffd", 6);
				i++;
			}
		}
	}
	json_w_raw(w, "\"", 1);
}

void json_w_key(struct json_writer *w, const char *key)
{
	if (w->error)
		return;
	if (!w->in_object[w->depth] || w->after_key) {
		w->error = -EINVAL;
		return;
	}
	if (!w->first[w->depth])
		json_w_raw(w, ",", 1);
	w->first[w->depth] = false;
	json_w_escaped(w, key, strlen(key));
	json_w_raw(w, ":", 1);
	w->after_key = true;
}

static void json_w_open(struct json_writer *w, char c, bool object)
{
	json_w_pre_value(w);
	if (w->error)
		return;
	if (w->depth + 1 > JSON_MAX_DEPTH) {
		w->error = -EINVAL;
		return;
	}
	json_w_raw(w, &c, 1);
	w->depth++;
	w->first[w->depth] = true;
	w->in_object[w->depth] = object;
}

static void json_w_close(struct json_writer *w, char c, bool object)
{
	if (w->error)
		return;
	if (w->depth == 0 || w->in_object[w->depth] != object ||
	    w->after_key) {
		w->error = -EINVAL;
		return;
	}
	json_w_raw(w, &c, 1);
	w->depth--;
}

void json_w_object_begin(struct json_writer *w)
{
	json_w_open(w, '{', true);
}

void json_w_object_end(struct json_writer *w)
{
	json_w_close(w, '}', true);
}

void json_w_array_begin(struct json_writer *w)
{
	json_w_open(w, '[', false);
}

void json_w_array_end(struct json_writer *w)
{
	json_w_close(w, ']', false);
}

void json_w_string_n(struct json_writer *w, const char *s, size_t n)
{
	json_w_pre_value(w);
	json_w_escaped(w, s, n);
}

void json_w_string(struct json_writer *w, const char *s)
{
	json_w_string_n(w, s, strlen(s));
}

void json_w_int(struct json_writer *w, int64_t v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%lld", (long long)v);

	json_w_pre_value(w);
	json_w_raw(w, b, (size_t)n);
}

void json_w_uint(struct json_writer *w, uint64_t v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%llu", (unsigned long long)v);

	json_w_pre_value(w);
	json_w_raw(w, b, (size_t)n);
}

void json_w_double(struct json_writer *w, double v)
{
	char b[40];
	int n;

	if (!isfinite(v)) {
		json_w_null(w);
		return;
	}
	/* 15 digits: short, and stable when read and written again. */
	n = snprintf(b, sizeof(b), "%.15g", v == 0 ? 0.0 : v);
	json_w_pre_value(w);
	json_w_raw(w, b, (size_t)n);
}

void json_w_bool(struct json_writer *w, bool v)
{
	json_w_pre_value(w);
	json_w_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void json_w_null(struct json_writer *w)
{
	json_w_pre_value(w);
	json_w_raw(w, "null", 4);
}

void json_w_raw_value(struct json_writer *w, const char *text, size_t len)
{
	json_w_pre_value(w);
	json_w_raw(w, text, len);
}

void json_w_node(struct json_writer *w, const struct json_doc *doc,
		 const struct json_node *n)
{
	const struct json_node *c;

	switch (n->type) {
	case JSON_NULL:
		json_w_null(w);
		break;
	case JSON_FALSE:
	case JSON_TRUE:
		json_w_bool(w, n->type == JSON_TRUE);
		break;
	case JSON_NUMBER:
		if (n->is_int)
			json_w_int(w, n->i);
		else
			json_w_double(w, n->num);
		break;
	case JSON_STRING:
		json_w_string_n(w, n->str, n->len);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (n->type == JSON_ARRAY)
			json_w_array_begin(w);
		else
			json_w_object_begin(w);
		for (c = json_first(doc, n); c; c = json_next(doc, c)) {
			if (n->type == JSON_OBJECT)
				json_w_key(w, c->key);
			json_w_node(w, doc, c);
		}
		if (n->type == JSON_ARRAY)
			json_w_array_end(w);
		else
			json_w_object_end(w);
		break;
	}
}

int json_writer_finish(struct json_writer *w)
{
	if (!w->error && (w->depth != 0 || w->after_key || w->first[0]))
		w->error = -EINVAL;
	if (w->cap)
		w->buf[w->error ? 0 : w->len] = 0;
	return w->error ? w->error : (int)w->len;
}

void json_w_kstr(struct json_writer *w, const char *key, const char *s)
{
	json_w_key(w, key);
	json_w_string(w, s);
}

void json_w_kint(struct json_writer *w, const char *key, int64_t v)
{
	json_w_key(w, key);
	json_w_int(w, v);
}

void json_w_kuint(struct json_writer *w, const char *key, uint64_t v)
{
	json_w_key(w, key);
	json_w_uint(w, v);
}

void json_w_kbool(struct json_writer *w, const char *key, bool v)
{
	json_w_key(w, key);
	json_w_bool(w, v);
}
