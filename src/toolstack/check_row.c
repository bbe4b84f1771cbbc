/* SPDX-License-Identifier: MIT */
/*
 * check_row: the verdict rows of `safepc check`, annotated when the
 * config gave their restriction up with jail_weaken.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "toolstack/check_priv.h"
#include "toolstack/domcfg.h"

/* Which restriction (JAIL_WEAKEN_*) each row name shows, by prefix. */
static const struct {
	const char *prefix;
	unsigned bit;
} check_weaken_rows[] = {
	{ "seccomp", JAIL_WEAKEN_SECCOMP }, { "ns-net", JAIL_WEAKEN_NETNS },
	{ "ns-ipc", JAIL_WEAKEN_IPCNS },    { "ns-uts", JAIL_WEAKEN_UTSNS },
	{ "ns-pid", JAIL_WEAKEN_PIDNS },    { "root", JAIL_WEAKEN_ROOT },
	{ "cap-", JAIL_WEAKEN_CAPS },	    { "no_new_privs", JAIL_WEAKEN_NNP },
	{ "rlimit-", JAIL_WEAKEN_RLIMITS }, { "cgroup-", JAIL_WEAKEN_CGROUPS },
};

static const char *check_weaken_name(unsigned bit)
{
	unsigned i;

	for (i = 0; domcfg_weaken_names[i]; i++)
		if (bit == 1u << i)
			return domcfg_weaken_names[i];
	return "?";
}

/* Adds one verdict row to p; notes when the config gave it up. */
void check_row(struct check_proc *p, const char *name,
		      enum check_result r, const char *fmt, ...)
{
	struct check_row *row;
	va_list ap;
	size_t len;
	unsigned i;

	if (p->nr_rows >= CHECK_MAX_ROWS) {
		/* Never drop a FAIL silently: the last row says so. */
		row = &p->rows[CHECK_MAX_ROWS - 1];
		snprintf(row->name, sizeof(row->name), "rows");
		row->result = CHECK_FAIL;
		snprintf(row->detail, sizeof(row->detail),
			 "too many rows for this process; some were dropped");
		return;
	}
	row = &p->rows[p->nr_rows++];
	snprintf(row->name, sizeof(row->name), "%s", name);
	row->result = r;
	va_start(ap, fmt);
	vsnprintf(row->detail, sizeof(row->detail), fmt, ap);
	va_end(ap);
	for (i = 0; i < ARRAY_SIZE(check_weaken_rows); i++) {
		unsigned bit = check_weaken_rows[i].bit;

		if (strncmp(name, check_weaken_rows[i].prefix,
			    strlen(check_weaken_rows[i].prefix)) ||
		    !(p->weaken & bit) || r == CHECK_INFO)
			continue;
		len = strlen(row->detail);
		snprintf(row->detail + len, sizeof(row->detail) - len,
			 r == CHECK_FAIL ? " [given up: jail_weaken \"%s\"]"
					 : " [jail_weaken \"%s\" given, yet "
					   "it holds]",
			 check_weaken_name(bit));
		break;
	}
	check_sanitize(row->detail);
}
