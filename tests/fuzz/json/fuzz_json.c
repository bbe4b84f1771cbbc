/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the control protocol's JSON reader and writer:
 * any input either fails cleanly or parses; what parses is written back,
 * must parse again, and must write back to the very same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct json_doc doc1, doc2;
static char out1[4 * JSON_MAX_TEXT], out2[4 * JSON_MAX_TEXT];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_writer w;
	char err[160];
	int n1, n2;

	if (json_parse(&doc1, (const char *)data, size, err, sizeof(err)))
		return 0;
	json_writer_init(&w, out1, sizeof(out1));
	json_w_node(&w, &doc1, json_root(&doc1));
	n1 = json_writer_finish(&w);
	if (n1 < 0) {
		/* Escapes can make the text longer than JSON_MAX_TEXT, but
		 * never longer than 6 bytes per input byte; the only other
		 * failure would be a nesting bug. */
		if (n1 != -ENOSPC)
			abort();
		return 0;
	}
	if ((size_t)n1 > JSON_MAX_TEXT)
		return 0;
	if (json_parse(&doc2, out1, (size_t)n1, err, sizeof(err)))
		abort();
	json_writer_init(&w, out2, sizeof(out2));
	json_w_node(&w, &doc2, json_root(&doc2));
	n2 = json_writer_finish(&w);
	if (n2 != n1 || memcmp(out1, out2, (size_t)n1))
		abort();
	return 0;
}
