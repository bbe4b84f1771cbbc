/* SPDX-License-Identifier: MIT */
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char log_tag[48] = "safepc";
static enum log_level log_max = LOG_INFO;

void log_init(const char *tag, enum log_level max)
{
	snprintf(log_tag, sizeof(log_tag), "%s", tag);
	log_max = max;
}

static __attribute__((format(printf, 2, 0))) void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warning", "info",
					     "debug" };
	char line[512];
	int n;

	if (level > log_max)
		return;
	n = snprintf(line, sizeof(line), "%s: %s: ", log_tag, names[level]);
	if (n < 0)
		return;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	n = (int)strlen(line);
	if (n < (int)sizeof(line) - 1)
		line[n++] = '\n';
	else
		line[sizeof(line) - 2] = '\n', n = (int)sizeof(line) - 1;
	/* One write per line, so lines from several processes do not mix. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

int log_ratelimit_ok(struct log_ratelimit *rl, unsigned burst)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (now - rl->window_start_ns >= 1000000000) {
		if (rl->suppressed)
			log_msg(LOG_WARN, "%u similar messages suppressed",
				rl->suppressed);
		rl->window_start_ns = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed < burst) {
		rl->printed++;
		return 1;
	}
	rl->suppressed++;
	return 0;
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
