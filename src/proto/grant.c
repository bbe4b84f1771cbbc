/* SPDX-License-Identifier: MIT */
/* The --grant text of hv's command line: grammar in grant.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "proto/grant.h"
#include "proto/lex.h"

/* Indexed by enum grant_kind; how many numbers follow each name. */
static const struct {
	const char *name;
	unsigned nums;
} grant_kinds[] = {
	[GRANT_PIO] = { "pio", 2 },	      [GRANT_MMIO] = { "mmio", 2 },
	[GRANT_PCI] = { "pci", 2 },	      [GRANT_IRQ] = { "irq", 1 },
	[GRANT_SHUTDOWN] = { "shutdown", 0 }, [GRANT_PIRQ] = { "pirq", 0 },
	[GRANT_PAM] = { "pam", 0 },
};

#define GRANT_NR_KINDS (sizeof(grant_kinds) / sizeof(grant_kinds[0]))

const char *grant_kind_name(enum grant_kind kind)
{
	if ((unsigned)kind >= GRANT_NR_KINDS)
		return NULL;
	return grant_kinds[kind].name;
}

/*
 * Checks the limits of a grant whose fields are set. The one place both
 * the parser and the writer take them from. 0 or -EINVAL with a reason.
 */
static int grant_check(const struct grant *g, char *err, size_t errlen)
{
	const char *name = grant_kind_name(g->kind);

	if (g->dm >= GRANT_MAX_DMS)
		return lex_fail(err, errlen, -EINVAL,
				"DM index %u out of range (0-%u)", g->dm,
				GRANT_MAX_DMS - 1);
	if (!name)
		return lex_fail(err, errlen, -EINVAL, "no such grant kind");
	switch (g->kind) {
	case GRANT_PIO:
	case GRANT_PCI:
		if (g->last > 0xffff)
			return lex_fail(err, errlen, -EINVAL,
					"%s: last 0x%llx above 0xffff", name,
					(unsigned long long)g->last);
		/* fallthrough */
	case GRANT_MMIO:
		if (g->first > g->last)
			return lex_fail(err, errlen, -EINVAL,
					"%s: first 0x%llx above last 0x%llx",
					name, (unsigned long long)g->first,
					(unsigned long long)g->last);
		return 0;
	case GRANT_IRQ:
		/* IRQ 2 is the PIC cascade: no device owns it. */
		if (g->first > 15 || g->first == 2 || g->last != g->first)
			return lex_fail(err, errlen, -EINVAL,
					"irq: %llu is not an ISA IRQ a device "
					"may own (0-15, not 2)",
					(unsigned long long)g->first);
		return 0;
	default:
		if (g->first || g->last)
			return lex_fail(err, errlen, -EINVAL,
					"%s takes no numbers", name);
		return 0;
	}
}

/* Reads one `num` (or `dec`) field, named `what` in errors. */
static int grant_num(const char *s, size_t n, int hex, const char *kind,
		     const char *what, uint64_t *out, char *err,
		     size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	int r = lex_u64(s, n, hex, out);

	if (r == -ERANGE)
		return lex_fail(err, errlen, -EINVAL,
				"%s: %s '%s' does not fit 64 bits", kind, what,
				lex_quote(s, n, q, sizeof(q)));
	if (r)
		return lex_fail(err, errlen, -EINVAL,
				"%s: %s '%s' is not a number (%s)", kind, what,
				lex_quote(s, n, q, sizeof(q)),
				hex ? "decimal without leading zeros, or 0x "
				      "and 1-16 hex digits"
				    : "decimal without leading zeros");
	return 0;
}

int grant_parse_body(const char *text, unsigned dm, struct grant *g,
		     char *err, size_t errlen)
{
	static const char *const what[] = { "first", "last" };
	char q[LEX_QUOTE_MAX + 4];
	const char *s = text, *comma;
	uint64_t v[2] = { 0, 0 };
	size_t n;
	unsigned k, i;

	memset(g, 0, sizeof(*g));
	g->dm = dm;
	comma = strchr(s, ',');
	n = comma ? (size_t)(comma - s) : strlen(s);
	for (k = 1; k < GRANT_NR_KINDS; k++)
		if (strlen(grant_kinds[k].name) == n &&
		    !memcmp(grant_kinds[k].name, s, n))
			break;
	if (k == GRANT_NR_KINDS)
		return lex_fail(err, errlen, -EINVAL,
				"unknown grant kind '%s' (pio, mmio, pci, irq, "
				"shutdown, pirq or pam)",
				lex_quote(s, n, q, sizeof(q)));
	g->kind = (enum grant_kind)k;
	for (i = 0; i < grant_kinds[k].nums; i++) {
		if (!comma)
			return lex_fail(err, errlen, -EINVAL,
					"%s: needs %u number%s, has %u",
					grant_kinds[k].name,
					grant_kinds[k].nums,
					grant_kinds[k].nums > 1 ? "s" : "", i);
		s = comma + 1;
		comma = strchr(s, ',');
		n = comma ? (size_t)(comma - s) : strlen(s);
		if (grant_num(s, n, k != GRANT_IRQ, grant_kinds[k].name,
			      k == GRANT_IRQ ? "line" : what[i], &v[i], err,
			      errlen))
			return -EINVAL;
	}
	if (comma)
		return lex_fail(err, errlen, -EINVAL,
				"%s: takes %u number%s, has more",
				grant_kinds[k].name, grant_kinds[k].nums,
				grant_kinds[k].nums == 1 ? "" : "s");
	g->first = v[0];
	g->last = k == GRANT_IRQ ? v[0] : v[1];
	return grant_check(g, err, errlen);
}

int grant_parse(const char *text, struct grant *g, char *err, size_t errlen)
{
	char q[LEX_QUOTE_MAX + 4];
	const char *comma;
	uint64_t dm;
	size_t n = strnlen(text, GRANT_MAX_TEXT);

	if (n >= GRANT_MAX_TEXT)
		return lex_fail(err, errlen, -EINVAL,
				"grant '%s' longer than %u bytes",
				lex_quote(text, n, q, sizeof(q)),
				GRANT_MAX_TEXT - 1);
	comma = strchr(text, ',');
	if (!comma)
		return lex_fail(err, errlen, -EINVAL,
				"grant '%s': no ',' after the DM index",
				lex_quote(text, n, q, sizeof(q)));
	if (lex_u64(text, (size_t)(comma - text), 0, &dm))
		return lex_fail(err, errlen, -EINVAL,
				"grant: DM index '%s' is not a number "
				"(decimal without leading zeros)",
				lex_quote(text, (size_t)(comma - text), q,
					  sizeof(q)));
	if (dm >= GRANT_MAX_DMS)
		return lex_fail(err, errlen, -EINVAL,
				"grant: DM index %llu out of range (0-%u)",
				(unsigned long long)dm, GRANT_MAX_DMS - 1);
	return grant_parse_body(comma + 1, (unsigned)dm, g, err, errlen);
}

int grant_format(const struct grant *g, char *buf, size_t len)
{
	const char *name = grant_kind_name(g->kind);
	int n;

	if (grant_check(g, NULL, 0))
		return -EINVAL;
	if (g->kind == GRANT_IRQ)
		n = snprintf(buf, len, "%u,%s,%llu", g->dm, name,
			     (unsigned long long)g->first);
	else if (g->kind == GRANT_PIO || g->kind == GRANT_MMIO ||
		 g->kind == GRANT_PCI)
		n = snprintf(buf, len, "%u,%s,0x%llx,0x%llx", g->dm, name,
			     (unsigned long long)g->first,
			     (unsigned long long)g->last);
	else
		n = snprintf(buf, len, "%u,%s", g->dm, name);
	if (n < 0 || (size_t)n >= len || n >= GRANT_MAX_TEXT)
		return -ENOSPC;
	return n;
}
