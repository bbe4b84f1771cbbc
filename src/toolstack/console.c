/* SPDX-License-Identifier: MIT */
/*
 * The monitor's console relay: guest output into a ring (replayed to new
 * clients), a capped log and non-blocking client sockets; client input to
 * the guest only as fast as the DM takes it.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"
#include "toolstack/console.h"
#include "toolstack/rundir.h"

_Static_assert((CONSOLE_RING_SIZE & (CONSOLE_RING_SIZE - 1)) == 0,
	       "the ring size is a power of two");

int console_init(struct console *c, const char *socket_path,
		 const char *log_path)
{
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->guest_fd = -1;
	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	c->log_ok = logfile_open(&c->log, log_path, CONSOLE_LOG_CAP, -1) == 0;
	c->listen_fd = rundir_listen(socket_path);
	return c->listen_fd < 0 ? c->listen_fd : 0;
}

static void console_client_close(struct console_client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
}

/* Sends what the client has not seen yet, as far as its socket takes. */
static void console_client_flush(struct console *c, struct console_client *cl)
{
	while (cl->fd >= 0 && cl->pos < c->head) {
		size_t off, n;
		ssize_t r;

		if (c->head - cl->pos > CONSOLE_RING_SIZE) {
			/* Overwritten while the client stalled. */
			cl->lost += c->head - CONSOLE_RING_SIZE - cl->pos;
			cl->pos = c->head - CONSOLE_RING_SIZE;
		}
		off = (size_t)(cl->pos & (CONSOLE_RING_SIZE - 1));
		n = (size_t)(c->head - cl->pos);
		if (n > CONSOLE_RING_SIZE - off)
			n = CONSOLE_RING_SIZE - off;
		r = send(cl->fd, c->ring + off, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR)
				console_client_close(cl);
			return;
		}
		cl->pos += (uint64_t)r;
	}
}

void console_output(struct console *c, const char *buf, size_t len)
{
	unsigned i;

	if (c->log_ok)
		logfile_write(&c->log, buf, len);
	if (len > CONSOLE_RING_SIZE) {
		c->head += len - CONSOLE_RING_SIZE;
		buf += len - CONSOLE_RING_SIZE;
		len = CONSOLE_RING_SIZE;
	}
	while (len) {
		size_t off = (size_t)(c->head & (CONSOLE_RING_SIZE - 1));
		size_t n = CONSOLE_RING_SIZE - off < len ? CONSOLE_RING_SIZE - off
							  : len;

		memcpy(c->ring + off, buf, n);
		c->head += n;
		buf += n;
		len -= n;
	}
	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++)
		console_client_flush(c, &c->clients[i]);
}

/* Reads guest output (at most 64 KiB per call, so nothing starves). */
static void console_read_guest(struct console *c, int copy_to)
{
	char buf[4096];
	int rounds;

	for (rounds = 0; rounds < 16 && c->guest_fd >= 0; rounds++) {
		ssize_t n = read(c->guest_fd, buf, sizeof(buf));

		if (n == 0) {
			c->guest_fd = -1; /* the DM is gone */
			return;
		}
		if (n < 0)
			return;
		console_output(c, buf, (size_t)n);
		if (copy_to >= 0 && util_write_all(copy_to, buf, (size_t)n))
			copy_to = -1;
	}
}

void console_drain(struct console *c, int copy_to)
{
	console_read_guest(c, copy_to);
}

static void console_write_guest(struct console *c)
{
	ssize_t n;

	if (c->guest_fd < 0) {
		c->input_len = 0; /* nobody to type to */
		return;
	}
	n = send(c->guest_fd, c->input, c->input_len,
		 MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n <= 0)
		return;
	memmove(c->input, c->input + n, c->input_len - (size_t)n);
	c->input_len -= (unsigned)n;
}

static void console_accept(struct console *c)
{
	unsigned i, tries;

	for (tries = 0; tries < 8; tries++) {
		int fd = rundir_accept_root(c->listen_fd);

		if (fd == -EAGAIN)
			return;
		if (fd < 0)
			continue;
		for (i = 0; i < CONSOLE_MAX_CLIENTS; i++)
			if (c->clients[i].fd < 0)
				break;
		if (i == CONSOLE_MAX_CLIENTS) {
			static const char full[] =
				"safepc: too many console clients\r\n";

			if (send(fd, full, sizeof(full) - 1,
				 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				log_guest(LOG_WARN, "console client refused");
			close(fd);
			continue;
		}
		c->clients[i].fd = fd;
		c->clients[i].lost = 0;
		/* Replay what the ring holds. */
		c->clients[i].pos = c->head > CONSOLE_RING_SIZE
					    ? c->head - CONSOLE_RING_SIZE
					    : 0;
		console_client_flush(c, &c->clients[i]);
	}
}

void console_poll(struct console *c, struct pollfd *pfd, unsigned *n)
{
	unsigned i;

	c->slot_listen = c->slot_guest = -1;
	if (c->listen_fd >= 0) {
		c->slot_listen = (int)*n;
		pfd[(*n)++] = (struct pollfd){ .fd = c->listen_fd,
					       .events = POLLIN };
	}
	if (c->guest_fd >= 0) {
		c->slot_guest = (int)*n;
		pfd[(*n)++] = (struct pollfd){
			.fd = c->guest_fd,
			.events = (short)(POLLIN | (c->input_len ? POLLOUT : 0))
		};
	}
	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++) {
		struct console_client *cl = &c->clients[i];

		c->slot_client[i] = -1;
		if (cl->fd < 0)
			continue;
		c->slot_client[i] = (int)*n;
		/* Input only once the last input went to the guest. */
		pfd[(*n)++] = (struct pollfd){
			.fd = cl->fd,
			.events = (short)((c->input_len ? 0 : POLLIN) |
					  (cl->pos < c->head ? POLLOUT : 0))
		};
	}
}

void console_handle(struct console *c, const struct pollfd *pfd, int copy_to)
{
	unsigned i;

	if (c->slot_guest >= 0) {
		short ev = pfd[c->slot_guest].revents;

		if (ev & POLLOUT)
			console_write_guest(c);
		if (ev & (POLLIN | POLLHUP | POLLERR))
			console_read_guest(c, copy_to);
	}
	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++) {
		struct console_client *cl = &c->clients[i];
		short ev;

		if (c->slot_client[i] < 0 || cl->fd < 0)
			continue;
		ev = pfd[c->slot_client[i]].revents;
		if ((ev & POLLIN) && c->input_len == 0) {
			ssize_t n = recv(cl->fd, c->input, sizeof(c->input),
					 MSG_DONTWAIT);

			if (n == 0 || (n < 0 && errno != EAGAIN &&
				       errno != EINTR)) {
				console_client_close(cl);
				continue;
			}
			if (n > 0) {
				c->input_len = (unsigned)n;
				console_write_guest(c);
			}
		} else if (ev & (POLLHUP | POLLERR)) {
			console_client_close(cl);
			continue;
		}
		if (ev & POLLOUT)
			console_client_flush(c, cl);
	}
	if (c->slot_listen >= 0 && (pfd[c->slot_listen].revents & POLLIN))
		console_accept(c);
}

unsigned console_nr_clients(const struct console *c)
{
	unsigned i, n = 0;

	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++)
		n += c->clients[i].fd >= 0;
	return n;
}

void console_close(struct console *c)
{
	unsigned i;

	for (i = 0; i < CONSOLE_MAX_CLIENTS; i++)
		console_client_close(&c->clients[i]);
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	c->listen_fd = -1;
	logfile_close(&c->log);
	c->log_ok = 0;
}
