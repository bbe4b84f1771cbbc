/* SPDX-License-Identifier: MIT */
/*
 * check_print: the output of `safepc check`, a table or (--json) one JSON
 * document made by the toolstack's JSON writer (json.c), so that every
 * string is escaped by the one piece of code that does it for the control
 * protocol too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jail/cgroup.h"
#include "toolstack/check_priv.h"
#include "toolstack/domcfg.h"
#include "toolstack/json.h"

static const char *const check_result_names[] = { "PASS", "FAIL", "INFO" };

/* The JSON of one process: its tag, pid, uid, kind and its rows. */
static void check_json_proc(struct json_writer *w, const struct check_proc *p)
{
	unsigned k;

	json_w_object_begin(w);
	json_w_kstr(w, "tag", p->tag);
	json_w_kint(w, "pid", p->pid);
	json_w_kuint(w, "uid", p->uid);
	json_w_kstr(w, "kind", p->is_hv ? "hv" : "dm");
	json_w_key(w, "checks");
	json_w_array_begin(w);
	for (k = 0; k < p->nr_rows; k++) {
		json_w_object_begin(w);
		json_w_kstr(w, "name", p->rows[k].name);
		json_w_kstr(w, "result",
			    check_result_names[p->rows[k].result]);
		json_w_kstr(w, "detail", p->rows[k].detail);
		json_w_object_end(w);
	}
	json_w_array_end(w);
	json_w_object_end(w);
}

int check_print_json(const struct check_domain *d, unsigned fails)
{
	struct json_writer w;
	size_t cap = 4096;
	unsigned i;
	char *buf;
	int len;

	/* Room for the worst case: every character of a row escaped (two
	 * bytes: the rows are printable ASCII) plus the keys around it. */
	for (i = 0; i < d->nr_procs; i++)
		cap += 512 + d->procs[i].nr_rows *
				     (2 * sizeof(struct check_row) + 64);
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	json_writer_init(&w, buf, cap);
	json_w_object_begin(&w);
	json_w_kstr(&w, "domain", d->name);
	json_w_kuint(&w, "domid", d->domid);
	json_w_kint(&w, "monitor", d->monitor);
	json_w_kint(&w, "cgroup_version", cgroup_is_v2() ? 2 : 1);
	if (d->placement[0])
		json_w_kstr(&w, "dm_placement", d->placement);
	json_w_kstr(&w, "accel", d->accel[0] ? d->accel : "kvm");
	json_w_key(&w, "weakened");
	json_w_array_begin(&w);
	for (i = 0; domcfg_weaken_names[i]; i++)
		if (d->weaken & (1u << i))
			json_w_string(&w, domcfg_weaken_names[i]);
	json_w_array_end(&w);
	json_w_key(&w, "processes");
	json_w_array_begin(&w);
	for (i = 0; i < d->nr_procs; i++)
		check_json_proc(&w, &d->procs[i]);
	json_w_array_end(&w);
	json_w_kuint(&w, "failures", fails);
	json_w_object_end(&w);
	len = json_writer_finish(&w);
	if (len >= 0)
		printf("%s\n", buf);
	free(buf);
	return len < 0 ? len : 0;
}

void check_print_table(const struct check_domain *d, unsigned fails)
{
	int wp = (int)strlen("PROCESS"), wc = (int)strlen("CHECK");
	unsigned i, k, first = 1;

	printf("domain %s (domid %u), monitor %d, cgroup v%d, accel %s",
	       d->name, d->domid, (int)d->monitor, cgroup_is_v2() ? 2 : 1,
	       d->accel[0] ? d->accel : "kvm");
	if (d->placement[0])
		printf(", dm_placement %s", d->placement);
	for (i = 0; domcfg_weaken_names[i]; i++) {
		if (!(d->weaken & (1u << i)))
			continue;
		printf("%s%s", first ? ", weakened: " : " ", domcfg_weaken_names[i]);
		first = 0;
	}
	printf("\n\n");
	for (i = 0; i < d->nr_procs; i++) {
		const struct check_proc *p = &d->procs[i];

		if ((int)strlen(p->tag) > wp)
			wp = (int)strlen(p->tag);
		for (k = 0; k < p->nr_rows; k++)
			if ((int)strlen(p->rows[k].name) > wc)
				wc = (int)strlen(p->rows[k].name);
	}
	printf("%-*s  %-*s  %-6s  %s\n", wp, "PROCESS", wc, "CHECK", "RESULT",
	       "DETAIL");
	for (i = 0; i < d->nr_procs; i++) {
		const struct check_proc *p = &d->procs[i];

		for (k = 0; k < p->nr_rows; k++)
			printf("%-*s  %-*s  %-6s  %s\n", wp, p->tag, wc,
			       p->rows[k].name,
			       check_result_names[p->rows[k].result],
			       p->rows[k].detail);
	}
	printf("\n%u failure%s\n", fails, fails == 1 ? "" : "s");
}

