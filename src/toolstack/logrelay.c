/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "toolstack/logrelay.h"

void logrelay_init(struct logrelay *l, int fd, const char *tag)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	snprintf(l->tag, sizeof(l->tag), "%s", tag);
}

static void logrelay_note(struct logrelay *l, logrelay_out_fn out,
			  void *opaque, const char *what)
{
	char note[sizeof(l->tag) + 128];

	snprintf(note, sizeof(note), "%s: %s", l->tag, what);
	out(opaque, note);
}

/* Emits the current line, tagged unless it already carries its own tag. */
static void logrelay_emit(struct logrelay *l, logrelay_out_fn out,
			  void *opaque)
{
	char buf[LOGRELAY_LINE_MAX + sizeof(l->tag) + 16];
	size_t tl = strlen(l->tag);

	l->line[l->len] = 0;
	if (!strncmp(l->line, l->tag, tl) && l->line[tl] == ':')
		snprintf(buf, sizeof(buf), "%s%s", l->line,
			 l->cut ? " [cut]" : "");
	else
		snprintf(buf, sizeof(buf), "%s: %s%s", l->tag, l->line,
			 l->cut ? " [cut]" : "");
	l->len = 0;
	l->cut = 0;
	/* The budget is what reaches the log, tags and newline included. */
	/* Room is kept for the two notes, so the total never passes it. */
	if (l->bytes + strlen(buf) + 1 > LOGRELAY_BUDGET - 512) {
		if (!l->dropped)
			logrelay_note(l, out, opaque,
				      "log budget used up; dropping the rest");
		l->dropped += strlen(buf) + 1;
		return;
	}
	l->bytes += strlen(buf) + 1;
	out(opaque, buf);
}

static void logrelay_byte(struct logrelay *l, char c, logrelay_out_fn out,
			  void *opaque)
{
	if (c == '\n') {
		logrelay_emit(l, out, opaque);
		return;
	}
	if (l->len == LOGRELAY_LINE_MAX) {
		l->cut = 1;
		return;
	}
	/* Printable ASCII only: no escape sequences reach a terminal. */
	l->line[l->len++] = (c >= 0x20 && c < 0x7f) ? c : '?';
}

int logrelay_pump(struct logrelay *l, logrelay_out_fn out, void *opaque)
{
	char buf[4096];
	int rounds;

	for (rounds = 0; rounds < 16 && l->fd >= 0; rounds++) {
		ssize_t n = read(l->fd, buf, sizeof(buf)), i;
		char note[96];

		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 1 : 0;
		if (n == 0) {
			if (l->len)
				logrelay_emit(l, out, opaque);
			if (l->dropped) {
				snprintf(note, sizeof(note),
					 "%llu bytes of log output dropped",
					 (unsigned long long)l->dropped);
				logrelay_note(l, out, opaque, note);
			}
			return 0;
		}
		for (i = 0; i < n; i++)
			logrelay_byte(l, buf[i], out, opaque);
	}
	return 1;
}
