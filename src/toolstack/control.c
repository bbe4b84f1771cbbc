/* SPDX-License-Identifier: MIT */
/*
 * The control socket's server: framing, greeting, negotiation and the
 * request envelope; the commands themselves are the monitor's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "toolstack/control.h"
#include "toolstack/rundir.h"
#include "toolstack/version.h"

#define CONTROL_IN_SIZE (JSON_MAX_TEXT + 2)
#define CONTROL_REPLY_SIZE (JSON_MAX_TEXT + 1024)

int control_init(struct control *ctl, const char *path, control_exec_fn exec,
		 void *opaque)
{
	unsigned i;

	memset(ctl, 0, sizeof(*ctl));
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		ctl->clients[i].fd = -1;
	ctl->exec = exec;
	ctl->opaque = opaque;
	ctl->listen_fd = -1;
	ctl->doc = malloc(sizeof(*ctl->doc));
	ctl->reply = malloc(CONTROL_REPLY_SIZE);
	if (!ctl->doc || !ctl->reply)
		return -ENOMEM;
	ctl->listen_fd = rundir_listen(path);
	return ctl->listen_fd < 0 ? ctl->listen_fd : 0;
}

static void control_client_close(struct control_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
	free(cl->in);
	free(cl->out);
	cl->in = cl->out = NULL;
	cl->in_len = cl->out_len = cl->out_size = 0;
	cl->negotiated = false;
}

/* Writes what is queued, as far as the socket takes it. */
static void control_flush(struct control_client *cl)
{
	while (cl->fd >= 0 && cl->out_len) {
		ssize_t n = send(cl->fd, cl->out, cl->out_len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				control_client_close(cl);
			return;
		}
		memmove(cl->out, cl->out + n, cl->out_len - (size_t)n);
		cl->out_len -= (size_t)n;
	}
}

/* Queues one line (text + '\n'); a client too far behind is dropped. */
static void control_send(struct control_client *cl, const char *text,
			 size_t len)
{
	size_t need;

	if (cl->fd < 0)
		return;
	need = cl->out_len + len + 1;
	if (need > CONTROL_OUT_CAP) {
		log_guest(LOG_WARN, "control client does not read its "
				    "replies: disconnected");
		control_client_close(cl);
		return;
	}
	if (need > cl->out_size) {
		size_t size = cl->out_size ? cl->out_size : 4096;
		char *p;

		while (size < need)
			size *= 2;
		if (size > CONTROL_OUT_CAP)
			size = CONTROL_OUT_CAP;
		p = realloc(cl->out, size);
		if (!p) {
			control_client_close(cl);
			return;
		}
		cl->out = p;
		cl->out_size = size;
	}
	memcpy(cl->out + cl->out_len, text, len);
	cl->out[cl->out_len + len] = '\n';
	cl->out_len += len + 1;
	control_flush(cl);
}

static void control_greet(struct control_client *cl)
{
	struct json_writer w;
	char buf[256];
	int n;

	json_writer_init(&w, buf, sizeof(buf));
	json_w_object_begin(&w);
	json_w_key(&w, "safepc");
	json_w_object_begin(&w);
	json_w_key(&w, "version");
	json_w_object_begin(&w);
	json_w_kint(&w, "major", SAFEPC_VERSION_MAJOR);
	json_w_kint(&w, "minor", SAFEPC_VERSION_MINOR);
	json_w_kint(&w, "micro", SAFEPC_VERSION_MICRO);
	json_w_object_end(&w);
	json_w_kstr(&w, "package", "safepc " SAFEPC_VERSION);
	json_w_object_end(&w);
	json_w_key(&w, "capabilities");
	json_w_array_begin(&w);
	json_w_array_end(&w);
	json_w_object_end(&w);
	n = json_writer_finish(&w);
	if (n > 0)
		control_send(cl, buf, (size_t)n);
}

static void control_accept(struct control *ctl)
{
	unsigned i, tries;

	for (tries = 0; tries < 8; tries++) {
		int fd = rundir_accept_root(ctl->listen_fd);
		struct control_client *cl = NULL;

		if (fd == -EAGAIN)
			return;
		if (fd < 0)
			continue;
		for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
			if (ctl->clients[i].fd < 0) {
				cl = &ctl->clients[i];
				break;
			}
		if (!cl) {
			static const char busy[] =
				"{\"error\":{\"class\":\"GenericError\","
				"\"desc\":\"too many control clients\"}}\n";

			if (send(fd, busy, sizeof(busy) - 1,
				 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				log_guest(LOG_WARN, "control client refused");
			close(fd);
			continue;
		}
		cl->in = malloc(CONTROL_IN_SIZE);
		if (!cl->in) {
			close(fd);
			continue;
		}
		cl->fd = fd;
		control_greet(cl);
	}
}

/* Queues {"error": ..., "id": id} (id may be NULL). */
static void control_error_reply(struct control *ctl, struct control_client *cl,
				const struct json_node *id, const char *cls,
				const char *desc)
{
	struct json_writer w;
	int n;

	json_writer_init(&w, ctl->reply, CONTROL_REPLY_SIZE);
	json_w_object_begin(&w);
	json_w_key(&w, "error");
	json_w_object_begin(&w);
	json_w_kstr(&w, "class", cls);
	json_w_kstr(&w, "desc", desc);
	json_w_object_end(&w);
	if (id) {
		json_w_key(&w, "id");
		json_w_node(&w, ctl->doc, id);
	}
	json_w_object_end(&w);
	n = json_writer_finish(&w);
	if (n > 0)
		control_send(cl, ctl->reply, (size_t)n);
}

static int control_capabilities(const struct json_doc *doc,
				const struct json_node *args,
				struct json_writer *w, struct control_error *e)
{
	const struct json_node *en = json_get(doc, args, "enable"), *c;

	if (args && (args->count > (en ? 1u : 0u) ||
		     (en && en->type != JSON_ARRAY))) {
		e->cls = CONTROL_ERR_GENERIC;
		snprintf(e->desc, sizeof(e->desc),
			 "qmp_capabilities takes only 'enable' (an array)");
		return -1;
	}
	c = json_first(doc, en);
	if (c) {
		e->cls = CONTROL_ERR_GENERIC;
		snprintf(e->desc, sizeof(e->desc),
			 "Capability '%s' not available",
			 json_str(c) ? json_str(c) : "?");
		return -1;
	}
	json_w_object_begin(w);
	json_w_object_end(w);
	return 0;
}

/* One request line. */
static void control_request(struct control *ctl, struct control_client *cl,
			    const char *line, size_t len)
{
	const struct json_node *root, *m, *exec = NULL, *args = NULL,
				      *id = NULL;
	struct control_error e = { .cls = CONTROL_ERR_GENERIC };
	struct json_writer w;
	char perr[160];
	const char *cmd;
	int r, n;

	r = json_parse(ctl->doc, line, len, perr, sizeof(perr));
	if (r) {
		snprintf(e.desc, sizeof(e.desc), "JSON parse error, %s", perr);
		control_error_reply(ctl, cl, NULL, e.cls, e.desc);
		return;
	}
	root = json_root(ctl->doc);
	if (root->type != JSON_OBJECT) {
		control_error_reply(ctl, cl, NULL, e.cls,
				    "input must be a JSON object");
		return;
	}
	id = json_get(ctl->doc, root, "id");
	for (m = json_first(ctl->doc, root); m; m = json_next(ctl->doc, m)) {
		if (!strcmp(m->key, "execute")) {
			exec = m;
		} else if (!strcmp(m->key, "arguments")) {
			args = m;
		} else if (strcmp(m->key, "id")) {
			snprintf(e.desc, sizeof(e.desc),
				 "input member '%s' is unexpected", m->key);
			control_error_reply(ctl, cl, id, e.cls, e.desc);
			return;
		}
	}
	if (!json_str(exec)) {
		control_error_reply(ctl, cl, id, e.cls,
				    exec ? "input member 'execute' must be a "
					   "string"
					 : "input lacks member 'execute'");
		return;
	}
	if (args && args->type != JSON_OBJECT) {
		control_error_reply(ctl, cl, id, e.cls,
				    "input member 'arguments' must be an "
				    "object");
		return;
	}
	cmd = json_str(exec);
	if (!cl->negotiated && strcmp(cmd, "qmp_capabilities")) {
		control_error_reply(ctl, cl, id, CONTROL_ERR_NOT_FOUND,
				    "Expecting capabilities negotiation with "
				    "'qmp_capabilities'");
		return;
	}
	if (cl->negotiated && !strcmp(cmd, "qmp_capabilities")) {
		control_error_reply(ctl, cl, id, CONTROL_ERR_NOT_FOUND,
				    "Capabilities negotiation is already "
				    "complete, command ignored");
		return;
	}

	json_writer_init(&w, ctl->reply, CONTROL_REPLY_SIZE);
	json_w_object_begin(&w);
	json_w_key(&w, "return");
	if (!strcmp(cmd, "qmp_capabilities"))
		r = control_capabilities(ctl->doc, args, &w, &e);
	else
		r = ctl->exec(ctl->opaque, cmd, ctl->doc, args, &w, &e);
	if (r) {
		control_error_reply(ctl, cl, id, e.cls, e.desc);
		return;
	}
	if (id) {
		json_w_key(&w, "id");
		json_w_node(&w, ctl->doc, id);
	}
	json_w_object_end(&w);
	n = json_writer_finish(&w);
	if (n < 0) {
		control_error_reply(ctl, cl, id, CONTROL_ERR_GENERIC,
				    n == -ENOSPC ? "reply too large"
						 : "internal error");
		return;
	}
	if (!strcmp(cmd, "qmp_capabilities"))
		cl->negotiated = true;
	control_send(cl, ctl->reply, (size_t)n);
}

/* Reads from a client and runs every complete line. */
static void control_read(struct control *ctl, struct control_client *cl)
{
	ssize_t n = recv(cl->fd, cl->in + cl->in_len,
			 CONTROL_IN_SIZE - cl->in_len, MSG_DONTWAIT);
	size_t start = 0, i;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		control_client_close(cl);
		return;
	}
	if (n < 0)
		return;
	cl->in_len += (size_t)n;
	for (i = 0; i < cl->in_len && cl->fd >= 0; i++) {
		size_t len;

		if (cl->in[i] != '\n')
			continue;
		len = i - start;
		if (len && cl->in[start + len - 1] == '\r')
			len--;
		/* Blank lines are allowed between messages. */
		if (strspn(cl->in + start, " \t\r") < len)
			control_request(ctl, cl, cl->in + start, len);
		start = i + 1;
	}
	if (cl->fd < 0)
		return;
	memmove(cl->in, cl->in + start, cl->in_len - start);
	cl->in_len -= start;
	if (cl->in_len == CONTROL_IN_SIZE) {
		control_error_reply(ctl, cl, NULL, CONTROL_ERR_GENERIC,
				    "message longer than 65536 bytes");
		control_flush(cl);
		control_client_close(cl);
	}
}

void control_poll(struct control *ctl, struct pollfd *pfd, unsigned *n)
{
	unsigned i;

	ctl->slot_listen = -1;
	if (ctl->listen_fd >= 0) {
		ctl->slot_listen = (int)*n;
		pfd[(*n)++] = (struct pollfd){ .fd = ctl->listen_fd,
					       .events = POLLIN };
	}
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &ctl->clients[i];

		ctl->slot_client[i] = -1;
		if (cl->fd < 0)
			continue;
		ctl->slot_client[i] = (int)*n;
		/* A client that does not read its replies is not served
		 * more requests until it does. */
		pfd[(*n)++] = (struct pollfd){
			.fd = cl->fd,
			.events = (short)((cl->out_len < CONTROL_OUT_CAP / 2
						   ? POLLIN
						   : 0) |
					  (cl->out_len ? POLLOUT : 0))
		};
	}
}

void control_handle(struct control *ctl, const struct pollfd *pfd)
{
	unsigned i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &ctl->clients[i];
		short ev;

		if (ctl->slot_client[i] < 0 || cl->fd < 0)
			continue;
		ev = pfd[ctl->slot_client[i]].revents;
		if (ev & POLLOUT)
			control_flush(cl);
		if (cl->fd >= 0 && (ev & POLLIN))
			control_read(ctl, cl);
		else if (cl->fd >= 0 && (ev & (POLLHUP | POLLERR | POLLNVAL)))
			control_client_close(cl);
	}
	if (ctl->slot_listen >= 0 && (pfd[ctl->slot_listen].revents & POLLIN))
		control_accept(ctl);
}

void control_event(struct control *ctl, const char *name, const char *data)
{
	char buf[CONTROL_EVENT_MAX];
	struct json_writer w;
	struct timespec ts;
	unsigned i;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	json_writer_init(&w, buf, sizeof(buf));
	json_w_object_begin(&w);
	json_w_kstr(&w, "event", name);
	json_w_key(&w, "data");
	json_w_raw_value(&w, data ? data : "{}", strlen(data ? data : "{}"));
	json_w_key(&w, "timestamp");
	json_w_object_begin(&w);
	json_w_kint(&w, "seconds", ts.tv_sec);
	json_w_kint(&w, "microseconds", ts.tv_nsec / 1000);
	json_w_object_end(&w);
	json_w_object_end(&w);
	n = json_writer_finish(&w);
	if (n < 0)
		return;
	memcpy(ctl->events[ctl->nr_events++ % CONTROL_EVENT_LOG], buf,
	       (size_t)n + 1);
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (ctl->clients[i].fd >= 0 && ctl->clients[i].negotiated)
			control_send(&ctl->clients[i], buf, (size_t)n);
}

void control_event_log(const struct control *ctl, struct json_writer *w)
{
	unsigned i = ctl->nr_events > CONTROL_EVENT_LOG
			     ? ctl->nr_events - CONTROL_EVENT_LOG
			     : 0;

	json_w_array_begin(w);
	for (; i < ctl->nr_events; i++) {
		const char *e = ctl->events[i % CONTROL_EVENT_LOG];

		json_w_raw_value(w, e, strlen(e));
	}
	json_w_array_end(w);
}

void control_close(struct control *ctl, int timeout_ms)
{
	int64_t deadline = util_now_ns() + (int64_t)timeout_ms * 1000000;
	unsigned i;

	if (ctl->listen_fd >= 0)
		close(ctl->listen_fd);
	ctl->listen_fd = -1;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &ctl->clients[i];

		while (cl->fd >= 0 && cl->out_len) {
			struct pollfd p = { .fd = cl->fd, .events = POLLOUT };
			int64_t left = (deadline - util_now_ns()) / 1000000;

			if (left <= 0 || poll(&p, 1, (int)left) <= 0)
				break;
			control_flush(cl);
		}
		control_client_close(cl);
	}
	free(ctl->doc);
	free(ctl->reply);
	ctl->doc = NULL;
	ctl->reply = NULL;
}
