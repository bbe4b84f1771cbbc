/* SPDX-License-Identifier: MIT */
/* futex(2) on words in memory shared between processes (not private). */
#ifndef SAFEPC_COMMON_FUTEX_H
#define SAFEPC_COMMON_FUTEX_H

#include <errno.h>
#include <linux/futex.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Sleeps while *word == expected, at most timeout_ns. 0, or -errno
 * (-EAGAIN when the word already differs, -ETIMEDOUT, -EINTR). */
static inline int futex_wait_shared(uint32_t *word, uint32_t expected,
				    int64_t timeout_ns)
{
	struct timespec ts = { .tv_sec = timeout_ns / 1000000000,
			       .tv_nsec = timeout_ns % 1000000000 };

	if (syscall(SYS_futex, word, FUTEX_WAIT, expected, &ts, NULL, 0) < 0)
		return -errno;
	return 0;
}

static inline void futex_wake_shared(uint32_t *word, int nr)
{
	syscall(SYS_futex, word, FUTEX_WAKE, nr, NULL, NULL, 0);
}

static inline void cpu_relax(void)
{
	__builtin_ia32_pause();
}

#endif
