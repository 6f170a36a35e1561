/*
 * escape: terminal and JSON safety of outside text; see escape.h.
 *
 * One decoder, utf8_seq_len(), decides what is valid UTF-8 for both
 * outputs, so that a byte shown as \xNN on a terminal is the byte replaced
 * by U+FFFD in JSON.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

size_t
utf8_seq_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	/* The well-formed sequences of Unicode 15, table 3-7: the bounds of
	   the second byte exclude overlong forms (E0 80-9F, F0 80-8F), the
	   surrogates (ED A0-BF) and code points above U+10FFFF (F4 90-BF). */
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;
		else if (p[0] == 0xed)
			hi = 0x9f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;
		else if (p[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
	return n;
}

/* Whether the valid sequence of n bytes at p is a C1 control. */
static bool
is_c1(const unsigned char *p, size_t n)
{
	return n == 2 && p[0] == 0xc2 && p[1] <= 0x9f;
}

static int
put_hex(FILE *out, unsigned char ch)
{
	static const char hex[] = "0123456789abcdef";
	char b[4] = { '\\', 'x', hex[ch >> 4], hex[ch & 15] };

	return fwrite(b, 1, sizeof b, out) == sizeof b ? 0 : EOF;
}

int
term_fputs_flags(const char *s, FILE *out, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL)
		return 0;
	while (*p != '\0') {
		size_t n = utf8_seq_len((const char *)p);
		int r = 0;

		if (n == 0)
			r = put_hex(out, *p++);
		else if (is_c1(p, n)) {
			r = put_hex(out, p[0]) == 0 ? put_hex(out, p[1]) : EOF;
			p += 2;
		} else if (n > 1) {
			r = fwrite(p, 1, n, out) == n ? 0 : EOF;
			p += n;
		} else if (*p == '\\') {
			r = fputs("\\\\", out);
			p++;
		} else if ((*p == '\n' && (flags & TERM_KEEP_NEWLINE)) ||
		    (*p == '\t' && (flags & TERM_KEEP_TAB)) || (*p >= 0x20 && *p != 0x7f))
			r = fputc(*p++, out);
		else
			r = put_hex(out, *p++);
		if (r == EOF)
			return EOF;
	}
	return 0;
}

int
term_fputs(const char *s, FILE *out)
{
	return term_fputs_flags(s, out, 0);
}

char *
term_escape(const char *s, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL)
		return NULL;
	if (term_fputs_flags(s, m, flags) == EOF) {
		fclose(m);
		free(buf);
		return NULL;
	}
	if (fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
term_printf(FILE *out, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0)
		return EOF;
	r = term_fputs(text, out);
	free(text);
	return r;
}

char *
utf8_repair(const char *s)
{
	/* Each bad byte grows to the three bytes of U+FFFD at most. */
	size_t len = strlen(s), o = 0;
	char *buf;

	if (len > (SIZE_MAX - 1) / 3 || (buf = malloc(len * 3 + 1)) == NULL)
		return NULL;
	while (*s != '\0') {
		size_t n = utf8_seq_len(s);

		if (n == 0) {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			s++;
		} else {
			memcpy(buf + o, s, n);
			o += n;
			s += n;
		}
	}
	buf[o] = '\0';
	return buf;
}

char *
json_escape_controls(const char *json)
{
	const unsigned char *p = (const unsigned char *)json;
	size_t n = 0, o = 0;
	char *buf;

	/* Outside strings the text of a JSON document is ASCII punctuation,
	   digits, literals and whitespace: a DEL or a C1 control can only be
	   inside a string, where \u escapes mean the same character. Each one
	   grows to the six bytes of \u00NN. */
	for (size_t i = 0; p[i] != '\0'; i++)
		n += p[i] == 0x7f ? 5 : p[i] == 0xc2 && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f ? 4 : 0;
	if ((buf = malloc(strlen(json) + n + 1)) == NULL)
		return NULL;
	while (*p != '\0') {
		if (*p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
			unsigned cp = *p == 0x7f ? 0x7f : p[1];

			o += (size_t)snprintf(buf + o, 7, "\\u%04x", cp);
			p += *p == 0x7f ? 1 : 2;
		} else
			buf[o++] = (char)*p++;
	}
	buf[o] = '\0';
	return buf;
}
