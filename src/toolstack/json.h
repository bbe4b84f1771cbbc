/* SPDX-License-Identifier: MIT */
/*
 * json: a small, bounded JSON reader and writer for the control protocol
 * (docs/control-protocol.md). The reader parses one message into a fixed
 * array of nodes (no allocation): message size, nesting depth, string
 * length and node count are all capped, so a client can make the monitor
 * neither allocate nor recurse without bound. Strings are decoded to UTF-8
 * and NUL-terminated; "\u0000", invalid UTF-8, lone surrogates, duplicate
 * keys and anything after the value are refused.
 * The writer appends to a caller's buffer and never overflows it.
 */
#ifndef SAFEPC_TOOLSTACK_JSON_H
#define SAFEPC_TOOLSTACK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_TEXT 65536  /* bytes of one message */
#define JSON_MAX_DEPTH 16    /* nested arrays/objects */
#define JSON_MAX_STRING 4096 /* bytes of one decoded string or key */
#define JSON_MAX_NODES 1024  /* values in one message */

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/* One value. Indices refer to json_doc.nodes; -1 means none. */
struct json_node {
	enum json_type type;
	int child;	 /* first element or member (arrays, objects) */
	int next;	 /* next element or member of the parent */
	unsigned count;	 /* elements or members */
	const char *key; /* member name when the parent is an object */
	const char *str; /* JSON_STRING: decoded, NUL-terminated */
	size_t len;	 /* of str */
	double num;	 /* JSON_NUMBER */
	int64_t i;	 /* JSON_NUMBER when is_int */
	bool is_int;	 /* an integer that fits int64_t */
};

struct json_doc {
	struct json_node nodes[JSON_MAX_NODES];
	unsigned nr_nodes;
	/* Decoded strings are never longer than their source text. */
	char pool[JSON_MAX_TEXT + 2 * JSON_MAX_NODES];
	size_t pool_used;
};

/*
 * json_parse - parses text[0..len) as exactly one JSON value into doc
 * (about 130 KiB: allocate it statically or on the heap). Returns 0, or
 * -EINVAL (malformed), -E2BIG (a bound exceeded) with a one-line reason
 * naming the byte offset in err.
 */
int json_parse(struct json_doc *doc, const char *text, size_t len, char *err,
	       size_t errlen);

/* The top-level value of a parsed document. */
const struct json_node *json_root(const struct json_doc *doc);

/* The member `key` of object obj, or NULL (also when obj is no object). */
const struct json_node *json_get(const struct json_doc *doc,
				 const struct json_node *obj, const char *key);

/* First element/member of n, and the one after n; NULL at the end. */
const struct json_node *json_first(const struct json_doc *doc,
				   const struct json_node *n);
const struct json_node *json_next(const struct json_doc *doc,
				  const struct json_node *n);

/* The string of n, or NULL when n is NULL or no string. */
const char *json_str(const struct json_node *n);

/*
 * The writer. Calls after an overflow or a nesting error do nothing;
 * json_writer_finish() reports them. Inside an object, each value must be
 * preceded by json_w_key() (or use the json_w_k* shorthands).
 */
struct json_writer {
	char *buf;
	size_t cap, len;
	int error;	/* 0, -ENOSPC or -EINVAL */
	unsigned depth;
	bool first[JSON_MAX_DEPTH + 1];
	bool in_object[JSON_MAX_DEPTH + 1];
	bool after_key;
};

void json_writer_init(struct json_writer *w, char *buf, size_t cap);
/* NUL-terminates; returns the length, -ENOSPC or -EINVAL (unbalanced). */
int json_writer_finish(struct json_writer *w);

void json_w_key(struct json_writer *w, const char *key);
void json_w_object_begin(struct json_writer *w);
void json_w_object_end(struct json_writer *w);
void json_w_array_begin(struct json_writer *w);
void json_w_array_end(struct json_writer *w);
/* Bytes that are not valid UTF-8 are written as U+FFFD. */
void json_w_string(struct json_writer *w, const char *s);
void json_w_string_n(struct json_writer *w, const char *s, size_t n);
void json_w_int(struct json_writer *w, int64_t v);
void json_w_uint(struct json_writer *w, uint64_t v);
void json_w_double(struct json_writer *w, double v);
void json_w_bool(struct json_writer *w, bool v);
void json_w_null(struct json_writer *w);
/*
 * Writes text, which must be exactly one valid JSON value (e.g. one this
 * writer made earlier), as the next value.
 */
void json_w_raw_value(struct json_writer *w, const char *text, size_t len);
/* Copies a parsed value (e.g. a request's "id"). */
void json_w_node(struct json_writer *w, const struct json_doc *doc,
		 const struct json_node *n);

/* key + value shorthands for objects. */
void json_w_kstr(struct json_writer *w, const char *key, const char *s);
void json_w_kint(struct json_writer *w, const char *key, int64_t v);
void json_w_kuint(struct json_writer *w, const char *key, uint64_t v);
void json_w_kbool(struct json_writer *w, const char *key, bool v);

#endif
