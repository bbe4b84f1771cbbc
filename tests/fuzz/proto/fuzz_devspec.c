/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for proto/devspec (safepc-dm's --dev text): any input
 * either is refused with a one-line error or parses; what parses is
 * written back, must parse again to the same spec, and must write back to
 * the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/devspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[DEVSPEC_MAX_TEXT + 16], out1[DEVSPEC_MAX_TEXT],
		out2[DEVSPEC_MAX_TEXT], err[200];
	struct devspec s1, s2;
	int n1, n2;

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = 0;
	err[0] = 0;
	if (devspec_parse(text, &s1, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	n1 = devspec_format(&s1, out1, sizeof(out1));
	if (n1 < 0 || devspec_parse(out1, &s2, err, sizeof(err)) ||
	    memcmp(&s1, &s2, sizeof(s1)))
		abort();
	n2 = devspec_format(&s2, out2, sizeof(out2));
	if (n2 != n1 || strcmp(out1, out2))
		abort();
	return 0;
}
