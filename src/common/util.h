/* SPDX-License-Identifier: MIT */
/* Small helpers shared by every safepc process. */
#ifndef SAFEPC_COMMON_UTIL_H
#define SAFEPC_COMMON_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define must_check __attribute__((warn_unused_result))

/* Monotonic and real-time clocks in nanoseconds. */
int64_t util_now_ns(void);
int64_t util_realtime_ns(void);

/* Parses a whole string as an unsigned number (0x, 0 prefixes allowed). */
int util_parse_u64(const char *s, uint64_t *out) must_check;

/* Writes all of buf, retrying on EINTR. Returns 0 or -errno. */
int util_write_all(int fd, const void *buf, size_t len) must_check;

/* Reads exactly len bytes at offset off (pread loop). 0 or -errno. */
int util_pread_all(int fd, void *buf, size_t len, off_t off) must_check;

#endif
