/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the control protocol's JSON reader and writer: good
 * documents, every bound (size, depth, string length, node count), strict
 * syntax, string decoding, and a writer that never overflows.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "toolstack/json.h"

static struct json_doc doc;

static const struct json_node *parse_ok(const char *text)
{
	char err[160] = "";
	int r = json_parse(&doc, text, strlen(text), err, sizeof(err));

	if (r)
		fail_msg("unexpected error %d: %s\n--- text: %s", r, err, text);
	return json_root(&doc);
}

static void parse_bad(const char *text, size_t len, int want, const char *msg)
{
	char err[160] = "";
	int r = json_parse(&doc, text, len, err, sizeof(err));

	if (r != want)
		fail_msg("'%.60s': got %d (%s), want %d", text, r, err, want);
	if (msg && !strstr(err, msg))
		fail_msg("'%.60s': error '%s' lacks '%s'", text, err, msg);
}

static void test_request(void **state)
{
	const struct json_node *r = parse_ok(
		" {\"execute\": \"system_powerdown\", \"arguments\": "
		"{\"timeout\": 30}, \"id\": [1, \"x\", null]}\r\n");
	const struct json_node *a, *id, *e;

	assert_int_equal(r->type, JSON_OBJECT);
	assert_int_equal(r->count, 3);
	assert_string_equal(json_str(json_get(&doc, r, "execute")),
			    "system_powerdown");
	a = json_get(&doc, r, "arguments");
	assert_non_null(a);
	assert_int_equal(a->type, JSON_OBJECT);
	e = json_get(&doc, a, "timeout");
	assert_true(e->is_int);
	assert_int_equal(e->i, 30);
	id = json_get(&doc, r, "id");
	assert_int_equal(id->type, JSON_ARRAY);
	assert_int_equal(id->count, 3);
	e = json_first(&doc, id);
	assert_int_equal(e->i, 1);
	e = json_next(&doc, e);
	assert_string_equal(json_str(e), "x");
	e = json_next(&doc, e);
	assert_int_equal(e->type, JSON_NULL);
	assert_null(json_next(&doc, e));
	assert_null(json_get(&doc, r, "missing"));
	assert_null(json_get(&doc, id, "execute")); /* not an object */
}

static void test_scalars(void **state)
{
	const struct json_node *n;

	assert_int_equal(parse_ok("true")->type, JSON_TRUE);
	assert_int_equal(parse_ok("false")->type, JSON_FALSE);
	assert_int_equal(parse_ok("null")->type, JSON_NULL);
	n = parse_ok("-0");
	assert_true(n->is_int);
	assert_int_equal(n->i, 0);
	n = parse_ok("9223372036854775807");
	assert_true(n->is_int);
	assert_true(n->i == INT64_MAX);
	n = parse_ok("-9223372036854775808");
	assert_true(n->is_int);
	assert_true(n->i == INT64_MIN);
	n = parse_ok("9223372036854775808"); /* too big for int64 */
	assert_false(n->is_int);
	assert_true(n->num > 9.2e18);
	n = parse_ok("1.5e3");
	assert_false(n->is_int);
	assert_true(n->num == 1500.0);
	n = parse_ok("-0.25");
	assert_true(n->num == -0.25);
	n = parse_ok("[]");
	assert_int_equal(n->count, 0);
	assert_null(json_first(&doc, n));
	n = parse_ok("{}");
	assert_int_equal(n->count, 0);
}

static void test_strings(void **state)
{
	const struct json_node *n;

	n = parse_ok("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"");
	assert_string_equal(n->str, "a\"b\\c/d\b\f\n\r\t");
	assert_int_equal(n->len, 12);
	n = parse_ok("\"\\u00e9\\u20ac\\ud83d\\ude00\"");
	assert_string_equal(n->str, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	n = parse_ok("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
	assert_string_equal(n->str, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	n = parse_ok("\"\"");
	assert_int_equal(n->len, 0);
}

static void test_syntax_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "expected a value" },
		{ "   ", "expected a value" },
		{ "{", "expected a member name" },
		{ "{\"a\"}", "expected ':'" },
		{ "{\"a\":}", "expected a value" },
		{ "{\"a\":1,}", "expected a member name" },
		{ "{\"a\":1 \"b\":2}", "expected ',' or '}'" },
		{ "[1,]", "expected a value" },
		{ "[1 2]", "expected ',' or ']'" },
		{ "{a:1}", "expected a member name" },
		{ "{'a':1}", "expected a member name" },
		{ "tru", "bad literal" },
		{ "nul", "bad literal" },
		{ "True", "expected a value" },
		{ "01", "text after the value" },
		{ "1.", "bad number" },
		{ ".5", "expected a value" },
		{ "1e", "bad number" },
		{ "+1", "expected a value" },
		{ "-", "bad number" },
		{ "0x10", "text after the value" },
		{ "NaN", "expected a value" },
		{ "{} {}", "text after the value" },
		{ "\"abc", "unterminated string" },
		{ "\"a\\", "unterminated string" },
		{ "\"a\\x\"", "bad escape" },
		{ "\"\\u12\"", "bad \\u escape" },
		{ "\"\\u12g4\"", "bad \\u escape" },
		{ "\"\\u0000\"", "\\u0000" },
		{ "\"\\udc00\"", "lone low surrogate" },
		{ "\"\\ud800\"", "lone high surrogate" },
		{ "\"\\ud800\\u0041\"", "lone high surrogate" },
		{ "\"a\tb\"", "control character" },
		{ "\"a\nb\"", "control character" },
		{ "\"\xc3\"", "invalid UTF-8" },
		{ "\"\xc0\xaf\"", "invalid UTF-8" },	   /* overlong */
		{ "\"\xe0\x80\xaf\"", "invalid UTF-8" }, /* overlong */
		{ "\"\xed\xa0\x80\"", "invalid UTF-8" }, /* surrogate */
		{ "\"\xf4\x90\x80\x80\"", "invalid UTF-8" }, /* > U+10FFFF */
		{ "\"\xff\"", "invalid UTF-8" },
		{ "{\"a\":1,\"a\":2}", "duplicate member \"a\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i].text, strlen(bad[i].text), -EINVAL, bad[i].msg);
	parse_bad("1e999", 5, -E2BIG, "number out of range");
	/* A NUL byte is no whitespace. */
	parse_bad("{}\0", 3, -EINVAL, "text after the value");
	parse_bad("\"a\0b\"", 5, -EINVAL, "control character");
}

static void test_error_offset(void **state)
{
	char err[160];

	assert_int_equal(json_parse(&doc, "[1, 2, x]", 9, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "offset 7: expected a value");
	/* A tiny buffer still gets a terminated message. */
	assert_int_equal(json_parse(&doc, "[", 1, err, 8), -EINVAL);
	assert_int_equal(strlen(err), 7);
}

static void test_bounds(void **state)
{
	static char text[JSON_MAX_TEXT + 64];
	size_t i, n;

	/* Depth: JSON_MAX_DEPTH nested arrays parse, one more does not. */
	n = 0;
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		text[n++] = '[';
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		text[n++] = ']';
	text[n] = 0;
	parse_ok(text);
	memmove(text + 1, text, n + 1);
	text[0] = '[';
	strcat(text, "]");
	parse_bad(text, strlen(text), -E2BIG, "nested deeper than 16");

	/* A string of exactly JSON_MAX_STRING bytes, and one more. */
	text[0] = '"';
	memset(text + 1, 'a', JSON_MAX_STRING);
	strcpy(text + 1 + JSON_MAX_STRING, "\"");
	assert_int_equal(parse_ok(text)->len, JSON_MAX_STRING);
	memset(text + 1, 'a', JSON_MAX_STRING + 1);
	strcpy(text + 2 + JSON_MAX_STRING, "\"");
	parse_bad(text, strlen(text), -E2BIG, "string longer than 4096");
	/* ... counted decoded: 2-byte characters. */
	text[0] = '"';
	for (i = 0; i < JSON_MAX_STRING / 2 + 1; i++)
		memcpy(text + 1 + 2 * i, "\xc3\xa9", 2);
	strcpy(text + 1 + 2 * i, "\"");
	parse_bad(text, strlen(text), -E2BIG, "string longer");

	/* Nodes: JSON_MAX_NODES values in all, then one too many. */
	n = 0;
	text[n++] = '[';
	for (i = 0; i < JSON_MAX_NODES - 1; i++) {
		text[n++] = '0';
		text[n++] = ',';
	}
	text[n - 1] = ']';
	text[n] = 0;
	assert_int_equal(parse_ok(text)->count, JSON_MAX_NODES - 1);
	text[n - 1] = ',';
	text[n++] = '0';
	text[n++] = ']';
	text[n] = 0;
	parse_bad(text, n, -E2BIG, "more than 1024 values");

	/* Message size. */
	memset(text, ' ', JSON_MAX_TEXT + 1);
	text[0] = '1';
	parse_bad(text, JSON_MAX_TEXT + 1, -E2BIG, "message longer");
	parse_ok("1"); /* still usable after an error */
	text[JSON_MAX_TEXT] = 0;
	assert_int_equal(json_parse(&doc, text, JSON_MAX_TEXT, NULL, 0), 0);

	/* Long numbers. */
	memset(text, '1', 100);
	text[100] = 0;
	parse_bad(text, 100, -E2BIG, "number longer");
}

static void test_writer(void **state)
{
	char buf[256];
	struct json_writer w;

	json_writer_init(&w, buf, sizeof(buf));
	json_w_object_begin(&w);
	json_w_kstr(&w, "name", "g\"1\\\n\x01\x7f");
	json_w_kint(&w, "neg", -5);
	json_w_kuint(&w, "big", UINT64_MAX);
	json_w_kbool(&w, "t", true);
	json_w_key(&w, "d");
	json_w_double(&w, 0.5);
	json_w_key(&w, "a");
	json_w_array_begin(&w);
	json_w_null(&w);
	json_w_int(&w, 1);
	json_w_object_begin(&w);
	json_w_object_end(&w);
	json_w_array_begin(&w);
	json_w_array_end(&w);
	json_w_array_end(&w);
	json_w_key(&w, "utf8");
	json_w_string(&w, "\xc3\xa9\xff");
	json_w_object_end(&w);
	assert_true(json_writer_finish(&w) > 0);
	assert_string_equal(buf,
			    "{\"name\":\"g\\\"1\\\\\\n\\u0001\\u007f\","
			    "\"neg\":-5,\"big\":18446744073709551615,"
			    "\"t\":true,\"d\":0.5,\"a\":[null,1,{},[]],"
			    "\"utf8\":\"\xc3\xa9\\ufffd\"}");
	/* What it writes, it reads back. */
	parse_ok(buf);
	assert_string_equal(json_str(json_get(&doc, json_root(&doc), "name")),
			    "g\"1\\\n\x01\x7f");
}

static void test_writer_errors(void **state)
{
	char buf[16];
	struct json_writer w;

	/* Overflow: nothing past the buffer, an error at the end. */
	json_writer_init(&w, buf, sizeof(buf));
	json_w_string(&w, "0123456789abcdefghij");
	assert_int_equal(json_writer_finish(&w), -ENOSPC);
	assert_string_equal(buf, "");
	/* Exactly fitting: 15 characters and the NUL. */
	json_writer_init(&w, buf, sizeof(buf));
	json_w_string(&w, "0123456789abc");
	assert_int_equal(json_writer_finish(&w), 15);
	/* A value in an object without a key. */
	json_writer_init(&w, buf, sizeof(buf));
	json_w_object_begin(&w);
	json_w_int(&w, 1);
	assert_int_equal(json_writer_finish(&w), -EINVAL);
	/* A key outside an object. */
	json_writer_init(&w, buf, sizeof(buf));
	json_w_array_begin(&w);
	json_w_key(&w, "a");
	assert_int_equal(json_writer_finish(&w), -EINVAL);
	/* Unbalanced and mismatched. */
	json_writer_init(&w, buf, sizeof(buf));
	json_w_array_begin(&w);
	assert_int_equal(json_writer_finish(&w), -EINVAL);
	json_writer_init(&w, buf, sizeof(buf));
	json_w_array_begin(&w);
	json_w_object_end(&w);
	assert_int_equal(json_writer_finish(&w), -EINVAL);
	/* Two top-level values, and none. */
	json_writer_init(&w, buf, sizeof(buf));
	json_w_int(&w, 1);
	json_w_int(&w, 2);
	assert_int_equal(json_writer_finish(&w), -EINVAL);
	json_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(json_writer_finish(&w), -EINVAL);
	/* A key without its value. */
	json_writer_init(&w, buf, sizeof(buf));
	json_w_object_begin(&w);
	json_w_key(&w, "a");
	json_w_object_end(&w);
	assert_int_equal(json_writer_finish(&w), -EINVAL);
}

static void test_copy_node(void **state)
{
	static const char text[] =
		"{\"a\":[1,-2.5,\"x\\u00e9\",true,false,null,{\"b\":{}}]}";
	char buf[128];
	struct json_writer w;

	parse_ok(text);
	json_writer_init(&w, buf, sizeof(buf));
	json_w_node(&w, &doc, json_root(&doc));
	assert_true(json_writer_finish(&w) > 0);
	assert_string_equal(buf, "{\"a\":[1,-2.5,\"x\xc3\xa9\",true,false,"
				 "null,{\"b\":{}}]}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_error_offset),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_writer),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_copy_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
