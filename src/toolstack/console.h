/* SPDX-License-Identifier: MIT */
/*
 * console: the monitor's side of a domain's serial console. Output from
 * the guest's UART (through the DM) goes into a fixed ring buffer, a
 * capped log file and, without blocking, to every attached client of the
 * console socket; each client has only a read position in the ring, so a
 * client that stalls costs no memory and blocks nobody: it loses the
 * bytes the ring overwrote. A new client first gets what the ring holds.
 * Input from clients goes to the guest's UART, with backpressure.
 */
#ifndef SAFEPC_TOOLSTACK_CONSOLE_H
#define SAFEPC_TOOLSTACK_CONSOLE_H

#include <poll.h>
#include <stdint.h>

#include "toolstack/logfile.h"

#define CONSOLE_RING_SIZE (64u * 1024) /* a power of two */
#define CONSOLE_LOG_CAP (1u * 1024 * 1024)
#define CONSOLE_MAX_CLIENTS 16
#define CONSOLE_INPUT_SIZE 4096
/* pollfd slots console_poll() may use. */
#define CONSOLE_MAX_POLLFDS (1 + CONSOLE_MAX_CLIENTS + 1)

struct console_client {
	int fd;	      /* -1: free slot */
	uint64_t pos; /* next ring byte to send, in output-stream bytes */
	uint64_t lost; /* bytes the ring overwrote before they were sent */
};

struct console {
	int listen_fd;
	int guest_fd; /* the DM's console socket, or -1 while none runs */
	char ring[CONSOLE_RING_SIZE];
	uint64_t head; /* bytes of output ever received */
	struct logfile log;
	int log_ok;
	struct console_client clients[CONSOLE_MAX_CLIENTS];
	char input[CONSOLE_INPUT_SIZE]; /* from clients, not yet taken */
	unsigned input_len;
	/* where the poll slots went, for console_handle() */
	int slot_listen, slot_guest, slot_client[CONSOLE_MAX_CLIENTS];
};

/*
 * console_init - listens on socket_path (mode 0600; root peers only) and
 * opens the capped log at log_path. Returns 0 or -errno.
 */
int console_init(struct console *c, const char *socket_path,
		 const char *log_path);

/* Output from the guest (also used for replay and the log). */
void console_output(struct console *c, const char *buf, size_t len);

/*
 * console_poll - adds the console's pollfds at pfd[*n] (at most
 * CONSOLE_MAX_POLLFDS). console_handle - acts on their revents; it reads
 * the guest socket too when copy_to >= 0 it also writes the output there,
 * blocking (the -F terminal).
 */
void console_poll(struct console *c, struct pollfd *pfd, unsigned *n);
void console_handle(struct console *c, const struct pollfd *pfd,
		    int copy_to);

/* Reads what the guest socket still holds (bounded), e.g. at the end. */
void console_drain(struct console *c, int copy_to);

/* The number of attached clients. */
unsigned console_nr_clients(const struct console *c);

/* Closes every client, the listener and the log. */
void console_close(struct console *c);

#endif
