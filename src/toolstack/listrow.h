/* SPDX-License-Identifier: MIT */
/*
 * listrow: the rows of `safepc list`, as a table line or a JSON element,
 * from a domain's query-domain reply; for a domain whose monitor does not
 * answer, from its id, name, a state word and (when its state file says)
 * its accelerator. Apart from cli.c so that tests check the output
 * without a running domain.
 */
#ifndef SAFEPC_TOOLSTACK_LISTROW_H
#define SAFEPC_TOOLSTACK_LISTROW_H

#include <stddef.h>

#include "toolstack/json.h"

/* What list knows of one domain. */
struct listrow {
	unsigned domid;
	const char *name;
	const char *state;	/* used when dom is NULL */
	const char *accel;	/* "kvm"/"soft" when dom is NULL, or NULL */
	const struct json_doc *doc;
	const struct json_node *dom; /* the query-domain reply, or NULL */
};

/* listrow_header - the table's header line, without a newline. */
void listrow_header(char *buf, size_t len);

/*
 * listrow_text - the table line of r, without a newline: id, name, state,
 * vCPUs, memory, the guest's uptime, live DMs and the accelerator ("-"
 * for what is not known).
 */
void listrow_text(const struct listrow *r, char *buf, size_t len);

/*
 * listrow_json - r as one element of `list --json`: the query-domain
 * reply as it is (it carries "accel"), else {"domid", "name", "state"}
 * and "accel" when known. Returns the length, or -ENOSPC / -EINVAL from
 * the writer (buf is then not a valid element).
 */
int listrow_json(const struct listrow *r, char *buf, size_t len);

#endif
