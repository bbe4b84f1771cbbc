/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for proto/statefile (the domain state file that
 * `safepc check` reads): any input either is refused with a one-line
 * error or parses; what parses is written back, must parse again to the
 * same state, and must write back to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/statefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct statefile sf1, sf2;
static char out1[STATEFILE_MAX_TEXT + 1], out2[STATEFILE_MAX_TEXT + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[240];
	int n1, n2;

	err[0] = 0;
	if (statefile_parse((const char *)data, size, &sf1, err,
			    sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	n1 = statefile_format(&sf1, out1, sizeof(out1), err, sizeof(err));
	/* The writer drops blanks and unknown lines and adds at most the
	 * final LF, so what fits the parser fits the writer (the runs keep
	 * inputs far below STATEFILE_MAX_TEXT). */
	if (n1 < 0)
		abort();
	if (statefile_parse(out1, (size_t)n1, &sf2, err, sizeof(err)) ||
	    memcmp(&sf1, &sf2, sizeof(sf1)))
		abort();
	n2 = statefile_format(&sf2, out2, sizeof(out2), err, sizeof(err));
	if (n2 != n1 || memcmp(out1, out2, (size_t)n1))
		abort();
	return 0;
}
