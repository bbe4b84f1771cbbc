/* SPDX-License-Identifier: MIT */
/*
 * client: the CLI's side of a domain's control socket. Connects, checks
 * the greeting, negotiates capabilities and runs commands, every step
 * bounded by a timeout so that a monitor that hangs cannot hang the CLI.
 */
#ifndef SAFEPC_TOOLSTACK_CLIENT_H
#define SAFEPC_TOOLSTACK_CLIENT_H

#include <stddef.h>

#include "toolstack/json.h"

struct client {
	int fd;
	unsigned domid;
	unsigned next_id;
	char *buf; /* JSON_MAX_TEXT + 2 */
	size_t len;
	struct json_doc *doc; /* the last message read */
};

/*
 * client_open - connects to domain `domid`'s control socket and completes
 * the negotiation within timeout_ms. Returns 0 or -errno (-ECONNREFUSED:
 * no monitor listens, -ETIMEDOUT: it does not answer) with err set.
 */
int client_open(struct client *c, unsigned domid, int timeout_ms, char *err,
		size_t errlen);

/*
 * client_execute - runs cmd with args_json (an object's text, or NULL).
 * Events that arrive meanwhile are skipped. Returns 0 with the "return"
 * value in *ret (inside c->doc, valid until the next read), -EREMOTEIO when
 * the monitor answered with an error (err holds its "desc"), or -errno.
 */
int client_execute(struct client *c, const char *cmd, const char *args_json,
		   int timeout_ms, const struct json_node **ret, char *err,
		   size_t errlen);

/*
 * client_read - reads the next message into c->doc. Returns 0, -EPIPE at
 * the end of the stream, -ETIMEDOUT or -errno.
 */
int client_read(struct client *c, int timeout_ms, char *err, size_t errlen);

void client_close(struct client *c);

#endif
