/* SPDX-License-Identifier: MIT */
/*
 * The logger every safepc process uses: one line per message on stderr,
 * prefixed with the process tag ("hv/3", "dm/3/chipset", "monitor/3").
 * Jailed processes have stderr connected to the domain log by the monitor.
 */
#ifndef SAFEPC_COMMON_LOG_H
#define SAFEPC_COMMON_LOG_H

#include <stdint.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Sets the tag printed before each line (copied) and the maximum level. */
void log_init(const char *tag, enum log_level max);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A rate limiter for messages a guest can trigger: at most `burst` messages
 * per second from one call site, then a count of what was suppressed.
 */
struct log_ratelimit {
	int64_t window_start_ns;
	unsigned printed;
	unsigned suppressed;
};

int log_ratelimit_ok(struct log_ratelimit *rl, unsigned burst);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/* Logs at most 10 lines per second from this call site. */
#define log_guest(level, ...)                                              \
	do {                                                               \
		static struct log_ratelimit rl_;                           \
		if (log_ratelimit_ok(&rl_, 10))                            \
			log_msg(level, __VA_ARGS__);                       \
	} while (0)

/* Start-up only: logs and exits with status 1. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
