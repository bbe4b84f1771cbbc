/* SPDX-License-Identifier: MIT */
/*
 * A small printf: %d %i %u %x %X %o %s %c %p %%, flags '-' and '0', width
 * (digits or '*'), length l, ll, z, h, hh.  Output goes to COM1 or a buffer.
 * Plain integer code: it runs in the emulated ring 0.
 */
#include "guest.h"

struct out {
	char *buf; /* NULL: serial */
	size_t size, len;
};

static void out_c(struct out *o, char c)
{
	if (!o->buf)
		serial_putc(c);
	else if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_c(o, c);
}

static void out_str(struct out *o, const char *s, int width, bool left)
{
	int n = (int)strlen(s);

	if (!left)
		out_pad(o, ' ', width - n);
	while (*s)
		out_c(o, *s++);
	if (left)
		out_pad(o, ' ', width - n);
}

static void out_num(struct out *o, unsigned long long v, unsigned base,
		    bool neg, bool upper, int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (!left && !zero)
		out_pad(o, ' ', width - len);
	if (neg)
		out_c(o, '-');
	if (!left && zero)
		out_pad(o, '0', width - len);
	while (n)
		out_c(o, tmp[--n]);
	if (left)
		out_pad(o, ' ', width - len);
}

static int format(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		bool left = false, zero = false;
		int width = 0, lng = 0;
		unsigned long long u;
		long long s;

		if (*fmt != '%') {
			out_c(o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z')
				lng++;
			else if (*fmt != 'h')
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng ? va_arg(ap, long) : va_arg(ap, int);
			u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
			out_num(o, u, 10, s < 0, false, width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng ? va_arg(ap, unsigned long)
				: va_arg(ap, unsigned int);
			out_num(o, u, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
				false, *fmt == 'X', width, left, zero);
			break;
		case 'p':
			out_c(o, '0');
			out_c(o, 'x');
			out_num(o, (unsigned long)va_arg(ap, void *), 16, false,
				false, width - 2, left, zero);
			break;
		case 'c':
			out_pad(o, ' ', left ? 0 : width - 1);
			out_c(o, (char)va_arg(ap, int));
			out_pad(o, ' ', left ? width - 1 : 0);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			out_str(o, str ? str : "(null)", width, left);
			break;
		}
		case '%':
			out_c(o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			out_c(o, '%');
			out_c(o, *fmt);
			break;
		}
	}
	if (o->buf && o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
	return (int)o->len;
}

int vprintf(const char *fmt, va_list ap)
{
	struct out o = { NULL, 0, 0 };

	return format(&o, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	return format(&o, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}
