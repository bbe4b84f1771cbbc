/* SPDX-License-Identifier: MIT */
/* The control socket's client, with a deadline on every step. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/util.h"
#include "toolstack/client.h"
#include "toolstack/rundir.h"

#define CLIENT_BUF_SIZE (JSON_MAX_TEXT + 2)

static int client_wait(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int64_t left = (deadline - util_now_ns()) / 1000000;
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)left);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

int client_read(struct client *c, int timeout_ms, char *err, size_t errlen)
{
	int64_t deadline = util_now_ns() + (int64_t)timeout_ms * 1000000;

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		ssize_t n;
		int r;

		if (nl) {
			size_t len = (size_t)(nl - c->buf);
			char perr[160];

			r = json_parse(c->doc, c->buf, len, perr, sizeof(perr));
			memmove(c->buf, nl + 1, c->len - len - 1);
			c->len -= len + 1;
			if (r) {
				snprintf(err, errlen, "bad message from the "
					 "monitor: %s", perr);
				return -EPROTO;
			}
			return 0;
		}
		if (c->len == CLIENT_BUF_SIZE) {
			snprintf(err, errlen, "message from the monitor too "
					      "long");
			return -EPROTO;
		}
		r = client_wait(c->fd, POLLIN, deadline);
		if (r) {
			snprintf(err, errlen, "the monitor of domain %u does "
				 "not answer", c->domid);
			return r;
		}
		n = recv(c->fd, c->buf + c->len, CLIENT_BUF_SIZE - c->len, 0);
		if (n == 0) {
			snprintf(err, errlen, "the monitor of domain %u closed "
				 "the connection", c->domid);
			return -EPIPE;
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = -errno;
			snprintf(err, errlen, "reading from the monitor: %s",
				 strerror(errno));
			return r;
		}
		c->len += (size_t)n;
	}
}

static int client_send(struct client *c, const char *text, size_t len)
{
	while (len) {
		ssize_t n = send(c->fd, text, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

int client_execute(struct client *c, const char *cmd, const char *args_json,
		   int timeout_ms, const struct json_node **ret, char *err,
		   size_t errlen)
{
	int64_t deadline = util_now_ns() + (int64_t)timeout_ms * 1000000;
	unsigned id = ++c->next_id;
	struct json_writer w;
	char req[1024];
	int n, r;

	/* One byte kept for the newline that ends the request. */
	json_writer_init(&w, req, sizeof(req) - 1);
	json_w_object_begin(&w);
	json_w_kstr(&w, "execute", cmd);
	if (args_json) {
		json_w_key(&w, "arguments");
		json_w_raw_value(&w, args_json, strlen(args_json));
	}
	json_w_kuint(&w, "id", id);
	json_w_object_end(&w);
	n = json_writer_finish(&w);
	if (n < 0)
		return n == -ENOSPC ? -E2BIG : n;
	req[n++] = '\n';
	r = client_send(c, req, (size_t)n);
	if (r) {
		snprintf(err, errlen, "sending to the monitor: %s",
			 strerror(-r));
		return r;
	}
	for (;;) {
		const struct json_node *root, *rid, *v;
		int64_t left = (deadline - util_now_ns()) / 1000000;

		r = client_read(c, left > 0 ? (int)left : 0, err, errlen);
		if (r)
			return r;
		root = json_root(c->doc);
		rid = json_get(c->doc, root, "id");
		if (json_get(c->doc, root, "event"))
			continue;
		/* Replies carry our id; an error without one answers a
		 * request the monitor could not read at all. */
		if (rid && (rid->type != JSON_NUMBER || !rid->is_int ||
			    rid->i != (int64_t)id))
			continue;
		v = json_get(c->doc, root, "return");
		if (v) {
			if (ret)
				*ret = v;
			return 0;
		}
		v = json_get(c->doc, root, "error");
		if (v) {
			const char *desc = json_str(json_get(c->doc, v, "desc"));

			snprintf(err, errlen, "%s", desc ? desc : "error");
			return -EREMOTEIO;
		}
		snprintf(err, errlen, "unexpected message from the monitor");
		return -EPROTO;
	}
}

int client_open(struct client *c, unsigned domid, int timeout_ms, char *err,
		size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int64_t deadline = util_now_ns() + (int64_t)timeout_ms * 1000000;
	const struct json_node *root;
	int r;

	memset(c, 0, sizeof(*c));
	c->domid = domid;
	c->fd = -1;
	c->buf = malloc(CLIENT_BUF_SIZE);
	c->doc = malloc(sizeof(*c->doc));
	if (!c->buf || !c->doc) {
		snprintf(err, errlen, "out of memory");
		client_close(c);
		return -ENOMEM;
	}
	rundir_path(domid, "control", sa.sun_path, sizeof(sa.sun_path));
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		r = -errno;
		snprintf(err, errlen, "cannot connect to %s: %s", sa.sun_path,
			 strerror(errno));
		client_close(c);
		return r;
	}
	r = client_read(c, timeout_ms, err, errlen);
	if (r == 0) {
		root = json_root(c->doc);
		if (!json_get(c->doc, root, "safepc")) {
			snprintf(err, errlen, "%s does not greet as a safepc "
				 "monitor", sa.sun_path);
			r = -EPROTO;
		}
	}
	if (r == 0) {
		int64_t left = (deadline - util_now_ns()) / 1000000;

		r = client_execute(c, "qmp_capabilities", NULL,
				   left > 0 ? (int)left : 0, NULL, err, errlen);
	}
	if (r)
		client_close(c);
	return r;
}

void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	free(c->doc);
	c->buf = NULL;
	c->doc = NULL;
}
