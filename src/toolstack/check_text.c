/* SPDX-License-Identifier: MIT */
/*
 * check_text: reading small /proc files and parsing their key-value and
 * blank-separated text, with bounds (a jailed process controls some of it).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "toolstack/check_priv.h"

/*
 * Reads a whole (small) file into buf and NUL-terminates it. Returns the
 * length, or -errno; -EFBIG when it does not fit.
 */
ssize_t check_read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char c;

	for (;;) {
		if (len + 1 >= size) {
			n = read(fd, &c, 1);
			if (n < 0)
				return -errno;
			buf[len] = 0;
			return n == 0 ? (ssize_t)len : -EFBIG;
		}
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	return (ssize_t)len;
}

ssize_t check_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = check_read_fd(fd, buf, size);
	close(fd);
	return n;
}

/* Copies s into a printable, bounded form: anything not printable ASCII
 * (a jailed process can name its memfds and threads) becomes '?'. */
void check_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* Parses all of s as an unsigned number in `base`. 0 or -EINVAL. */
int check_u64(const char *s, int base, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Finds "KEY:" at the start of a line of /proc key-value text and copies
 * its value, trimmed, into out. 0, -ENOENT, or -E2BIG if it does not fit.
 */
int check_field(const char *text, const char *key, char *out,
		       size_t outlen)
{
	size_t kl = strlen(key);
	const char *l = text;

	while (l && *l) {
		const char *e = strchr(l, '\n');
		size_t ll = e ? (size_t)(e - l) : strlen(l);

		if (ll > kl && !strncmp(l, key, kl) && l[kl] == ':') {
			const char *v = l + kl + 1;
			size_t vl = ll - kl - 1;

			while (vl && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= outlen)
				return -E2BIG;
			memcpy(out, v, vl);
			out[vl] = 0;
			return 0;
		}
		l = e ? e + 1 : NULL;
	}
	return -ENOENT;
}

/* Splits s in place at blanks into at most max tokens; returns the count
 * (max + 1 when there are more). */
unsigned check_split(char *s, char **tok, unsigned max)
{
	unsigned n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = 0;
		if (!*s)
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
}

/* Reads a field of up to `max` blank-separated numbers ("Uid:" has four). */
int check_field_nums(const char *text, const char *key, int base,
			    uint64_t *v, unsigned max)
{
	char buf[128], *tok[8];
	unsigned i, n;

	if (check_field(text, key, buf, sizeof(buf)))
		return -EINVAL;
	n = check_split(buf, tok, max);
	if (n != max)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (check_u64(tok[i], base, &v[i]))
			return -EINVAL;
	return 0;
}

/* Is opt one of the comma-separated options in opts? */
int check_has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	while (opts && *opts) {
		if (!strncmp(opts, opt, n) && (opts[n] == ',' || !opts[n]))
			return 1;
		opts = strchr(opts, ',');
		if (opts)
			opts++;
	}
	return 0;
}
