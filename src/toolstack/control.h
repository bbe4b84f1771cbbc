/* SPDX-License-Identifier: MIT */
/*
 * control: the monitor's side of the control socket, a JSON protocol in
 * the manner of QMP (docs/control-protocol.md). It frames messages (one
 * JSON object per line, at most JSON_MAX_TEXT bytes), greets each client,
 * enforces the capabilities negotiation, validates the envelope
 * ("execute", "arguments", "id") and hands each command to the monitor.
 * Replies and events queue per client up to CONTROL_OUT_CAP bytes; a
 * client that lets more pile up is disconnected, so none can make the
 * monitor block or grow.
 */
#ifndef SAFEPC_TOOLSTACK_CONTROL_H
#define SAFEPC_TOOLSTACK_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "toolstack/json.h"

#define CONTROL_MAX_CLIENTS 16
#define CONTROL_OUT_CAP (256u * 1024)
#define CONTROL_MAX_POLLFDS (1 + CONTROL_MAX_CLIENTS)
/* Events kept for clients that come later (query-event-log). */
#define CONTROL_EVENT_LOG 32
#define CONTROL_EVENT_MAX 1024 /* bytes of one event */

/* Error classes, as QMP names them. */
#define CONTROL_ERR_GENERIC "GenericError"
#define CONTROL_ERR_NOT_FOUND "CommandNotFound"

struct control_error {
	const char *cls;
	char desc[200];
};

/*
 * Runs command `cmd` with its arguments (an object, or NULL when absent).
 * On success writes exactly one JSON value (the "return" value, usually an
 * object) to w and returns 0; on failure fills e and returns -1.
 */
typedef int (*control_exec_fn)(void *opaque, const char *cmd,
			       const struct json_doc *doc,
			       const struct json_node *args,
			       struct json_writer *w, struct control_error *e);

struct control_client {
	int fd; /* -1: free slot */
	bool negotiated;
	char *in; /* JSON_MAX_TEXT + 2 bytes */
	size_t in_len;
	char *out;
	size_t out_len, out_size;
};

struct control {
	int listen_fd;
	struct control_client clients[CONTROL_MAX_CLIENTS];
	control_exec_fn exec;
	void *opaque;
	struct json_doc *doc;
	char *reply; /* one reply, built here */
	int slot_listen, slot_client[CONTROL_MAX_CLIENTS];
	char events[CONTROL_EVENT_LOG][CONTROL_EVENT_MAX];
	unsigned nr_events; /* ever sent */
};

/* Listens on path (0600, root peers only). Returns 0 or -errno. */
int control_init(struct control *ctl, const char *path, control_exec_fn exec,
		 void *opaque);

/* Adds pollfds at pfd[*n] (at most CONTROL_MAX_POLLFDS); acts on them. */
void control_poll(struct control *ctl, struct pollfd *pfd, unsigned *n);
void control_handle(struct control *ctl, const struct pollfd *pfd);

/*
 * control_event - sends {"event": name, "data": data, "timestamp": ...}
 * to every negotiated client; data is a JSON object's text or NULL.
 */
void control_event(struct control *ctl, const char *name, const char *data);

/* Writes the last CONTROL_EVENT_LOG events, oldest first, as an array. */
void control_event_log(const struct control *ctl, struct json_writer *w);

/* Sends what is queued (waiting at most timeout_ms), then closes all. */
void control_close(struct control *ctl, int timeout_ms);

#endif
