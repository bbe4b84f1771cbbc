/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for proto/grant (hv's --grant text): any input either
 * is refused with a one-line error or parses; what parses is written back,
 * must parse again to the same grant, and must write back to the same
 * text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/grant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[GRANT_MAX_TEXT + 16], out1[GRANT_MAX_TEXT],
		out2[GRANT_MAX_TEXT], err[160];
	struct grant g1, g2;
	int n1, n2;

	/* The text comes from argv: a C string. */
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = 0;
	err[0] = 0;
	if (grant_parse(text, &g1, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	n1 = grant_format(&g1, out1, sizeof(out1));
	if (n1 < 0 || grant_parse(out1, &g2, err, sizeof(err)) ||
	    g1.dm != g2.dm || g1.kind != g2.kind || g1.first != g2.first ||
	    g1.last != g2.last)
		abort();
	n2 = grant_format(&g2, out2, sizeof(out2));
	if (n2 != n1 || strcmp(out1, out2))
		abort();
	return 0;
}
