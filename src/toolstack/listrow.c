/* SPDX-License-Identifier: MIT */
/*
 * listrow: `safepc list` output (see listrow.h). Every field of a reply is
 * read defensively: a monitor of another version may lack one, and the
 * row then shows "-" rather than garbage.
 */
#include "toolstack/listrow.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define LISTROW_FMT "%-4s %-24s %-14s %5s %9s %10s %4s %-5s"

/* An integer field of o, or -1. */
static int64_t listrow_int(const struct json_doc *d, const struct json_node *o,
			   const char *key)
{
	const struct json_node *n = json_get(d, o, key);

	return n && n->type == JSON_NUMBER && n->is_int ? n->i : -1;
}

/* A non-negative integer field as text, or "-". */
static void listrow_num(const struct json_doc *d, const struct json_node *o,
			const char *key, char *buf, size_t len)
{
	int64_t v = listrow_int(d, o, key);

	if (v >= 0)
		snprintf(buf, len, "%" PRId64, v);
	else
		snprintf(buf, len, "-");
}

void listrow_header(char *buf, size_t len)
{
	snprintf(buf, len, LISTROW_FMT, "ID", "Name", "State", "VCPUs",
		 "Mem(MiB)", "Uptime", "DMs", "Accel");
}

/* Live DM processes in the reply's "processes". */
static unsigned listrow_dms(const struct json_doc *d,
			    const struct json_node *dom)
{
	const struct json_node *p, *alive;
	const char *role;
	unsigned n = 0;

	for (p = json_first(d, json_get(d, dom, "processes")); p;
	     p = json_next(d, p)) {
		role = json_str(json_get(d, p, "role"));
		alive = json_get(d, p, "alive");
		n += role && !strcmp(role, "dm") && alive &&
		     alive->type == JSON_TRUE;
	}
	return n;
}

void listrow_text(const struct listrow *r, char *buf, size_t len)
{
	const struct json_doc *d = r->doc;
	char id[16], vcpus[24] = "-", mem[24] = "-", up[32] = "-",
		dms[16] = "-";
	const char *state = r->state, *accel = r->accel;

	snprintf(id, sizeof(id), "%u", r->domid);
	if (r->dom) {
		int64_t u = listrow_int(d, r->dom, "uptime_s");

		state = json_str(json_get(d, r->dom, "state"));
		accel = json_str(json_get(d, r->dom, "accel"));
		listrow_num(d, r->dom, "vcpus", vcpus, sizeof(vcpus));
		listrow_num(d, r->dom, "memory_mib", mem, sizeof(mem));
		/* Uptime is the guest's: none while it does not run. */
		if (u >= 0 && state && (!strcmp(state, "running") ||
					!strcmp(state, "paused") ||
					!strcmp(state, "shutting-down")))
			snprintf(up, sizeof(up), "%" PRId64 ":%02" PRId64
				 ":%02" PRId64, u / 3600, u / 60 % 60, u % 60);
		snprintf(dms, sizeof(dms), "%u", listrow_dms(d, r->dom));
	}
	snprintf(buf, len, LISTROW_FMT, id, r->name ? r->name : "?",
		 state ? state : "?", vcpus, mem, up, dms,
		 accel && *accel ? accel : "-");
}

int listrow_json(const struct listrow *r, char *buf, size_t len)
{
	struct json_writer w;

	json_writer_init(&w, buf, len);
	if (r->dom) {
		json_w_node(&w, r->doc, r->dom);
	} else {
		json_w_object_begin(&w);
		json_w_kuint(&w, "domid", r->domid);
		json_w_kstr(&w, "name", r->name ? r->name : "");
		json_w_kstr(&w, "state", r->state ? r->state : "");
		if (r->accel && *r->accel)
			json_w_kstr(&w, "accel", r->accel);
		json_w_object_end(&w);
	}
	return json_writer_finish(&w);
}
