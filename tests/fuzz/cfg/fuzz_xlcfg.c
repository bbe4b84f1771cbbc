/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the xl.cfg parser and the domain-config checks.
 * Input: "OVERRIDE\nCONFIG TEXT". The first line is applied as a
 * command-line override (KEY=VALUE) after parsing the rest; then the config
 * goes through domcfg without host checks (no files are opened: the fuzzer
 * must not make the toolstack open arbitrary host paths).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/domcfg.h"
#include "toolstack/xlcfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error must be one NUL-terminated line. */
static void check_err(const char *err, size_t len)
{
	if (!memchr(err, '\0', len) || strchr(err, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct domcfg dc;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t olen = nl ? (size_t)(nl - data) : 0;
	const char *text = (const char *)data + (nl ? olen + 1 : 0);
	size_t tlen = size - (nl ? olen + 1 : 0);
	struct xlcfg *cfg = NULL;
	char err[512];
	char *ov;
	unsigned i;

	memset(err, 'x', sizeof(err));
	if (xlcfg_parse("fuzz.cfg", text, tlen, &cfg, err, sizeof(err))) {
		check_err(err, sizeof(err));
		if (cfg)
			abort();
		return 0;
	}
	/* Invariants of a parsed configuration. */
	if (xlcfg_count(cfg) > XLCFG_MAX_ENTRIES)
		abort();
	for (i = 0; i < xlcfg_count(cfg); i++) {
		const struct xlcfg_entry *e = xlcfg_entry_at(cfg, i);

		if (e->type == XLCFG_STRING && strlen(e->str) > XLCFG_MAX_STRING)
			abort();
		if (e->type == XLCFG_LIST && e->nr_items > XLCFG_MAX_LIST)
			abort();
		if (xlcfg_get(cfg, e->key) != e)
			abort(); /* duplicate key slipped through */
	}
	ov = malloc(olen + 1);
	if (!ov)
		goto out;
	memcpy(ov, data, olen);
	ov[olen] = '\0';
	if (olen && xlcfg_set_override(cfg, ov, err, sizeof(err)))
		check_err(err, sizeof(err));
	free(ov);
	memset(err, 'x', sizeof(err));
	if (domcfg_from_xlcfg_flags(cfg, &dc, DOMCFG_F_NO_HOST_CHECKS, err,
				    sizeof(err))) {
		check_err(err, sizeof(err));
	} else {
		if (dc.nr_disks > DOMCFG_MAX_DISKS ||
		    dc.nr_modules > DOMCFG_MAX_MODULES || !dc.name[0] ||
		    dc.vcpus < 1 || dc.vcpus > DOMCFG_MAX_VCPUS ||
		    strlen(dc.extra) > DOMCFG_EXTRA_MAX)
			abort();
	}
out:
	xlcfg_free(cfg);
	return 0;
}
