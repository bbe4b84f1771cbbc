/* SPDX-License-Identifier: MIT */
/* The number grammar, words and error messages of src/proto (lex.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "proto/lex.h"

static int lex_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lex_u64(const char *s, size_t n, int hex, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!n)
		return -EINVAL;
	if (hex && n > 2 && s[0] == '0' && s[1] == 'x') {
		/* 16 digits at most, so no overflow check is needed; a
		 * longer run of leading zeros is not worth accepting. */
		if (n - 2 > 16)
			return -ERANGE;
		for (i = 2; i < n; i++) {
			int d = lex_hexval(s[i]);

			if (d < 0)
				return -EINVAL;
			v = v << 4 | (uint64_t)d;
		}
		*out = v;
		return 0;
	}
	if (s[0] == '0' && n > 1)
		return -EINVAL; /* a leading zero, or "0x" with no digit */
	for (i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';

		if (d > 9)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int lex_word_ok(const char *s, size_t n, size_t max)
{
	size_t i;

	if (!n || n >= max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

int lex_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (!err || !errlen)
		return ret;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return ret;
}

const char *lex_quote(const char *s, size_t n, char *out, size_t outlen)
{
	snprintf(out, outlen, "%.*s%s",
		 (int)(n > LEX_QUOTE_MAX ? LEX_QUOTE_MAX : n), s,
		 n > LEX_QUOTE_MAX ? "..." : "");
	return out;
}
