/* SPDX-License-Identifier: MIT */
/*
 * lex: the pieces the text formats of src/proto share (grant.h,
 * devspec.h, statefile.h): one number grammar, one test for a bounded
 * word, and one way to report a grammar error.
 *
 *   dec = "0" / %x31-39 *DIGIT         ; no leading zero: never octal
 *   hex = "0x" 1*16HEXDIG              ; lower- or upper-case digits
 *
 * A leading zero is refused because strtoull(..., 0) would read "010" as
 * eight; a sign, blanks and an empty string are refused too.
 */
#ifndef SAFEPC_PROTO_LEX_H
#define SAFEPC_PROTO_LEX_H

#include <stddef.h>
#include <stdint.h>

/* How much of an offending piece of input an error message quotes. */
#define LEX_QUOTE_MAX 40

/*
 * lex_u64 - reads s[0..n) as a number: `dec`, or also `hex` when hex is
 * non-zero. Returns 0, -EINVAL when it is no such number, or -ERANGE when
 * it does not fit 64 bits.
 */
int lex_u64(const char *s, size_t n, int hex, uint64_t *out);

/*
 * lex_word_ok - is s[0..n) a word: 1 to max - 1 printable ASCII characters
 * (no blank, no control character)? Returns 1 or 0.
 */
int lex_word_ok(const char *s, size_t n, size_t max);

/*
 * lex_fail - writes the error message fmt into err (errlen bytes; err may
 * be NULL), with every byte that is not printable ASCII replaced by '?' so
 * that the message stays one line whatever input it quotes. Returns ret
 * (a negative errno), for `return lex_fail(err, errlen, -EINVAL, ...)`.
 */
int lex_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * lex_quote - s[0..n) for an error message: at most LEX_QUOTE_MAX bytes of
 * it, then "..." when it was longer. Returns out.
 */
const char *lex_quote(const char *s, size_t n, char *out, size_t outlen);

#endif
