/* SPDX-License-Identifier: MIT */
/*
 * Relaying what a jailed process writes to stderr into the domain log,
 * without trusting a byte of it: each process has its own pipe, so the
 * monitor knows who wrote a line and tags it; lines are cut at
 * LOGRELAY_LINE_MAX, control and non-ASCII bytes become '?', and each
 * process has a budget of LOGRELAY_BUDGET bytes per run, after which its
 * output is counted and dropped. A compromised DM can therefore neither
 * forge another process's lines, nor drive the administrator's terminal,
 * nor fill the host's disk through the log.
 */
#ifndef SAFEPC_TOOLSTACK_LOGRELAY_H
#define SAFEPC_TOOLSTACK_LOGRELAY_H

#include <stddef.h>
#include <stdint.h>

#define LOGRELAY_LINE_MAX 240
#define LOGRELAY_BUDGET (1u << 20)

struct logrelay {
	int fd;		 /* read end, non-blocking; -1 when closed */
	char tag[32];	 /* who writes into it, as the monitor knows */
	char line[LOGRELAY_LINE_MAX + 1];
	size_t len;
	int cut;	 /* the current line was too long */
	uint64_t bytes;	 /* relayed so far */
	uint64_t dropped;
};

/* Called with one finished, tagged, printable line (no newline). */
typedef void (*logrelay_out_fn)(void *opaque, const char *line);

void logrelay_init(struct logrelay *l, int fd, const char *tag);

/*
 * logrelay_pump - reads what the pipe holds (at most 64 KiB per call) and
 * emits its complete lines. Returns 1 while the pipe is open, 0 at EOF
 * (the partial line and a drop count are emitted then).
 */
int logrelay_pump(struct logrelay *l, logrelay_out_fn out, void *opaque);

#endif
