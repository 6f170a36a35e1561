/*
 * parse: checked integer parsing, kernel releases, values compared by shape;
 * see parse.h. No allocation, no I/O.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static int
fail(const char **errstr, const char *msg, int r)
{
	if (errstr != NULL)
		*errstr = msg;
	return r;
}

int
parse_ll(const char *s, long long min, long long max, long long *ret,
    const char **errstr)
{
	const char *p = s;
	long long v;
	char *end;

	if (s == NULL || *s == '\0')
		return fail(errstr, "invalid", -EINVAL);
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return fail(errstr, "invalid", -EINVAL);
	/* Leading zeros and "-0" are refused: "010" means 8 to the kernel
	   and 10 to a reader, so it is ambiguous in a profile. */
	if (p[0] == '0' && (p[1] != '\0' || p != s))
		return fail(errstr, "invalid", -EINVAL);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		return fail(errstr, "invalid", -EINVAL);
	if (errno == ERANGE)
		return fail(errstr, v < 0 ? "too small" : "too large", -ERANGE);
	if (v < min)
		return fail(errstr, "too small", -ERANGE);
	if (v > max)
		return fail(errstr, "too large", -ERANGE);
	*ret = v;
	return 0;
}

int
parse_size(const char *s, long long min, long long max, long long *ret,
    const char **errstr)
{
	static const char suffixes[] = "KMGT";
	char digits[32];
	size_t len = s != NULL ? strlen(s) : 0;
	long long n, mult = 1;
	const char *suf = NULL;
	int r;

	if (len > 0)
		suf = strchr(suffixes, toupper((unsigned char)s[len - 1]));
	if (suf != NULL) {
		for (const char *p = suffixes; p <= suf; p++)
			mult *= 1024;
		len--;
	}
	if (len == 0 || (len >= sizeof digits && strspn(s, "0123456789") != len))
		return fail(errstr, "invalid", -EINVAL);
	if (len >= sizeof digits)
		return fail(errstr, "too large", -ERANGE);
	memcpy(digits, s, len);
	digits[len] = '\0';
	if (digits[0] == '-')
		return fail(errstr, "invalid", -EINVAL);
	if ((r = parse_ll(digits, 0, LLONG_MAX, &n, errstr)) < 0)
		return r;
	if (n > max / mult)
		return fail(errstr, "too large", -ERANGE);
	if (n * mult < min)
		return fail(errstr, "too small", -ERANGE);
	*ret = n * mult;
	return 0;
}

int
parse_kernel_ll(const char *s, long long *ret, const char **ret_end)
{
	bool neg = false;
	unsigned long long v = 0, lim;
	unsigned base = 10, d;
	const char *p = s;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    isxdigit((unsigned char)p[2])) {
		base = 16;
		p += 2;
	} else if (p[0] == '0')
		base = 8;
	if (!isxdigit((unsigned char)*p))
		return -EINVAL;
	lim = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
	for (; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			d = (unsigned)(*p - '0');
		else if (isxdigit((unsigned char)*p))
			d = (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (lim - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (p == s || (neg && p == s + 1))
		return -EINVAL;
	if (neg)
		*ret = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
	else
		*ret = (long long)v;
	if (ret_end != NULL)
		*ret_end = p;
	return 0;
}

static int
parse_uint_prefix(const char **sp, unsigned *ret)
{
	const char *s = *sp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 100000)
			return -ERANGE;
	}
	*ret = (unsigned)v;
	*sp = s;
	return 0;
}

int
parse_hex(const char *s, size_t len, unsigned long long *ret)
{
	unsigned long long v = 0;
	unsigned d;

	if (s == NULL || len == 0 || len > 16)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a') + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A') + 10;
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*ret = v;
	return 0;
}

int
kver_parse(const char *s, struct kver *ret)
{
	struct kver k = { 0, 0, 0 };

	if (s == NULL || parse_uint_prefix(&s, &k.major) < 0 || *s != '.')
		return -EINVAL;
	s++;
	if (parse_uint_prefix(&s, &k.minor) < 0)
		return -EINVAL;
	if (*s == '.' && isdigit((unsigned char)s[1])) {
		s++;
		if (parse_uint_prefix(&s, &k.patch) < 0)
			return -EINVAL;
	}
	if (isdigit((unsigned char)*s))
		return -EINVAL;
	*ret = k;
	return 0;
}

int
kver_cmp(const struct kver *a, const struct kver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* Copy the text without leading/trailing blanks into buf. */
static int
strip_copy(const char *text, char *buf, size_t size, const char **errstr)
{
	const char *b = text, *e;

	while (is_blank(*b))
		b++;
	e = b + strlen(b);
	while (e > b && is_blank(e[-1]))
		e--;
	if ((size_t)(e - b) >= size)
		return fail(errstr, "too long", -EINVAL);
	memcpy(buf, b, (size_t)(e - b));
	buf[e - b] = '\0';
	return 0;
}

struct port_range {
	long long lo, hi;
};

static int
cmp_range(const void *a, const void *b)
{
	const struct port_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * Port lists: "1,2-4,10". kernel=true reads ports as the kernel does
 * (base auto-detection); otherwise strictly. The canonical form (sorted,
 * merged) goes to ret->str.
 */
static int
parse_ports(const char *text, bool kernel, struct value *ret,
    const char **errstr)
{
	struct port_range r[VALUE_STR_MAX];
	size_t n = 0, len = 0;
	char buf[VALUE_STR_MAX];
	char *p, *tok;

	if (strip_copy(text, buf, sizeof buf, errstr) < 0)
		return -EINVAL;
	ret->shape = SHAPE_PORTS;
	ret->nfields = 0;
	ret->str[0] = '\0';
	/* Split at every ',' by hand: strtok_r() would skip empty items,
	   which the kernel refuses ("80,,90"). It accepts one trailing
	   comma, a profile does not. An empty text is the empty set. */
	for (p = buf; buf[0] != '\0' && p != NULL; ) {
		char *dash, *comma = strchr(p, ',');
		long long lo, hi;
		const char *end;

		tok = p;
		if (comma != NULL)
			*comma = '\0';
		p = comma != NULL ? comma + 1 : NULL;
		if (*tok == '\0') {
			if (kernel && p == NULL && tok != buf)
				break;
			return fail(errstr, "invalid", -EINVAL);
		}
		dash = strchr(tok, '-');
		if (n == sizeof r / sizeof r[0])
			return fail(errstr, "too long", -EINVAL);
		if (dash != NULL)
			*dash = '\0';
		if (kernel) {
			if (parse_kernel_ll(tok, &lo, &end) < 0 || *end != '\0')
				return fail(errstr, "invalid", -EINVAL);
			hi = lo;
			if (dash != NULL && (parse_kernel_ll(dash + 1, &hi, &end) < 0 ||
			    *end != '\0'))
				return fail(errstr, "invalid", -EINVAL);
		} else {
			if (parse_ll(tok, 1, 65535, &lo, errstr) < 0)
				return -EINVAL;
			hi = lo;
			if (dash != NULL && parse_ll(dash + 1, 1, 65535, &hi, errstr) < 0)
				return -EINVAL;
		}
		if (lo < 0 || hi > 65535 || lo > hi)
			return fail(errstr, "invalid port range", -EINVAL);
		r[n].lo = lo;
		r[n].hi = hi;
		n++;
	}
	qsort(r, n, sizeof r[0], cmp_range);
	for (size_t i = 0; i < n; ) {
		long long lo = r[i].lo, hi = r[i].hi;
		int w;

		for (i++; i < n && r[i].lo <= hi + 1; i++)
			if (r[i].hi > hi)
				hi = r[i].hi;
		if (lo == hi)
			w = snprintf(ret->str + len, sizeof ret->str - len, "%s%lld",
			    len ? "," : "", lo);
		else
			w = snprintf(ret->str + len, sizeof ret->str - len,
			    "%s%lld-%lld", len ? "," : "", lo, hi);
		if (w < 0 || (size_t)w >= sizeof ret->str - len)
			return fail(errstr, "too long", -EINVAL);
		len += (size_t)w;
	}
	return 0;
}

static int
parse_word(const char *text, struct value *ret, bool strict,
    const char **errstr)
{
	char buf[VALUE_STR_MAX];

	if (strip_copy(text, buf, sizeof buf, errstr) < 0)
		return -EINVAL;
	if (buf[0] == '\0')
		return fail(errstr, "empty", -EINVAL);
	if (strict)
		for (const char *p = buf; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' &&
			    *p != '-')
				return fail(errstr, "invalid", -EINVAL);
	ret->shape = SHAPE_STRING;
	ret->nfields = 0;
	memcpy(ret->str, buf, strlen(buf) + 1);
	return 0;
}

/*
 * What both value parsers do alike: zero *v, parse the shapes that are not
 * integers (a word; a port list, kernel-style unless strict), and settle the
 * field count of integer shapes. Returns 0 when *v holds a parsed word or
 * port list, 1 when the caller goes on with *nfields integers, -EINVAL.
 */
static int
parse_other_shapes(const char *text, enum value_shape shape, unsigned *nfields,
    bool strict, struct value *v, const char **errstr)
{
	memset(v, 0, sizeof *v);
	if (shape == SHAPE_STRING)
		return parse_word(text, v, strict, errstr) < 0 ? -EINVAL : 0;
	if (shape == SHAPE_PORTS)
		return parse_ports(text, !strict, v, errstr) < 0 ? -EINVAL : 0;
	if (shape == SHAPE_INT)
		*nfields = 1;
	if (*nfields == 0 || *nfields > VALUE_MAX_FIELDS)
		return fail(errstr, "invalid", -EINVAL);
	return 1;
}

int
value_parse_kernel(const char *text, enum value_shape shape,
    unsigned nfields, struct value *ret, const char **errstr)
{
	struct value v;
	const char *p = text;
	int r = parse_other_shapes(text, shape, &nfields, false, &v, errstr);

	if (r <= 0) {
		if (r == 0)
			*ret = v;
		return r;
	}
	v.shape = shape;
	while (v.nfields < nfields) {
		const char *end;

		while (is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		r = parse_kernel_ll(p, &v.field[v.nfields], &end);
		if (r == -ERANGE)
			return fail(errstr, *p == '-' ? "too small" : "too large",
			    -EINVAL);
		if (r < 0)
			return fail(errstr, "invalid", -EINVAL);
		/* The kernel's proc_get_long() wants a space, a tab or a
		   newline (or the end) after every number it reads, the last
		   one included ("30#" is EINVAL); what follows that blank
		   after the last field is ignored ("30 # x" is 30). */
		if (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\n')
			return fail(errstr, "invalid", -EINVAL);
		v.nfields++;
		p = end;
		if (v.nfields == nfields)
			break;
	}
	if (v.nfields == 0)
		return fail(errstr, "empty", -EINVAL);
	*ret = v;
	return 0;
}

int
value_parse_strict(const char *text, enum value_shape shape,
    unsigned nfields, long long min, long long max, struct value *ret,
    const char **errstr)
{
	char buf[VALUE_STR_MAX];
	struct value v;
	char *p, *tok, *save = NULL;
	int r = parse_other_shapes(text, shape, &nfields, true, &v, errstr);

	if (r <= 0) {
		if (r == 0)
			*ret = v;
		return r;
	}
	if (strlen(text) >= sizeof buf)
		return fail(errstr, "too long", -EINVAL);
	memcpy(buf, text, strlen(text) + 1);
	v.shape = shape;
	for (p = buf; (tok = strtok_r(p, " \t", &save)) != NULL; p = NULL) {
		if (v.nfields == nfields)
			return fail(errstr, "too many fields", -EINVAL);
		r = parse_ll(tok, min, max, &v.field[v.nfields], errstr);
		if (r < 0)
			return r;
		v.nfields++;
	}
	if (v.nfields == 0)
		return fail(errstr, "empty", -EINVAL);
	if (v.nfields != nfields)
		return fail(errstr, "too few fields", -EINVAL);
	*ret = v;
	return 0;
}

bool
value_equal(const struct value *a, const struct value *b)
{
	if (a->shape != b->shape)
		return false;
	if (a->shape == SHAPE_STRING || a->shape == SHAPE_PORTS)
		return strcmp(a->str, b->str) == 0;
	if (a->nfields == 0 || b->nfields == 0)
		return false;
	for (unsigned i = 0; i < a->nfields && i < b->nfields; i++)
		if (a->field[i] != b->field[i])
			return false;
	return true;
}

int
value_format(const struct value *v, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	if (v->shape == SHAPE_STRING || v->shape == SHAPE_PORTS) {
		if (strlen(v->str) >= size)
			return -ENOBUFS;
		memcpy(buf, v->str, strlen(v->str) + 1);
		return 0;
	}
	for (unsigned i = 0; i < v->nfields; i++) {
		int w = snprintf(buf + len, size - len, "%s%lld", i ? " " : "",
		    v->field[i]);

		if (w < 0 || (size_t)w >= size - len)
			return -ENOBUFS;
		len += (size_t)w;
	}
	return 0;
}
