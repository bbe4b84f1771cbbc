/* SPDX-License-Identifier: MIT */
/*
 * logfile: an append-only file with a size cap. When a write would take
 * the file past the cap, it is renamed to PATH.1 (replacing the previous
 * one) and a new file started, so at most twice the cap stays on disk and
 * the newest text is always kept. Used for the monitor's log and for the
 * guest's console log; neither a guest nor a DM can grow them further.
 */
#ifndef SAFEPC_TOOLSTACK_LOGFILE_H
#define SAFEPC_TOOLSTACK_LOGFILE_H

#include <stddef.h>

struct logfile {
	char path[128];
	int fd;
	int dup_to; /* also keep the file at this fd number (2), or -1 */
	size_t cap;
	size_t size; /* bytes in the file, when we are its only writer */
};

/*
 * logfile_open - opens (appends to) path, capped at cap bytes. With
 * dup_to >= 0 the file is also dup2()ed there, before and after every
 * rotation (for stderr). Returns 0 or -errno.
 */
int logfile_open(struct logfile *l, const char *path, size_t cap, int dup_to);

/* Appends buf (only its last `cap` bytes when longer), rotating first. */
void logfile_write(struct logfile *l, const void *buf, size_t len);

/* Rotates when others (writers to dup_to) took the file past the cap. */
void logfile_check(struct logfile *l);

void logfile_close(struct logfile *l);

#endif
