/*
 * Unit tests for parse.c: the boundary table of the checked integer parser,
 * the kernel's integer reading, kernel releases, and values by shape.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The module before cmocka.h, which defines a fail() macro of its own. */
#include "parse.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

struct ll_case {
	const char *text;
	long long min, max;
	int ret;		/* 0, -EINVAL or -ERANGE */
	long long want;		/* when ret == 0 */
	const char *errstr;	/* when ret != 0 */
};

/* Run a boundary table through fn (parse_ll() or parse_size(), which
   share their contract): the value, or the error and errstr with *ret left
   alone. */
static void
run_ll_table(const char *name, int (*fn)(const char *, long long, long long,
    long long *, const char **), const struct ll_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct ll_case *c = &cases[i];
		long long v = 12345;
		const char *err = NULL;
		int r = fn(c->text, c->min, c->max, &v, &err);

		if (r != c->ret)
			fail_msg("%s(\"%s\") returned %d, want %d", name, c->text,
			    r, c->ret);
		if (c->ret == 0) {
			if (v != c->want)
				fail_msg("%s(\"%s\") = %lld, want %lld", name, c->text,
				    v, c->want);
		} else {
			assert_true(v == 12345);	/* left alone */
			assert_non_null(err);
			if (strcmp(err, c->errstr) != 0)
				fail_msg("%s(\"%s\"): errstr \"%s\", want \"%s\"",
				    name, c->text, err, c->errstr);
		}
	}
}

static void
test_parse_ll_table(void **state)
{
	static const struct ll_case cases[] = {
		{ "", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ " 1", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "1 ", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "\t1", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "1\n", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "+1", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "01", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "-01", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "-0", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "-", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "--1", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "0x10", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "1e3", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "1.5", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "abc", LLONG_MIN, LLONG_MAX, -EINVAL, 0, "invalid" },
		{ "0", LLONG_MIN, LLONG_MAX, 0, 0, NULL },
		{ "1", LLONG_MIN, LLONG_MAX, 0, 1, NULL },
		{ "-1", LLONG_MIN, LLONG_MAX, 0, -1, NULL },
		{ "10", LLONG_MIN, LLONG_MAX, 0, 10, NULL },
		{ "-9223372036854775808", LLONG_MIN, LLONG_MAX, 0, LLONG_MIN, NULL },
		{ "-9223372036854775809", LLONG_MIN, LLONG_MAX, -ERANGE, 0, "too small" },
		{ "-99999999999999999999", LLONG_MIN, LLONG_MAX, -ERANGE, 0, "too small" },
		{ "9223372036854775807", LLONG_MIN, LLONG_MAX, 0, LLONG_MAX, NULL },
		{ "9223372036854775808", LLONG_MIN, LLONG_MAX, -ERANGE, 0, "too large" },
		{ "99999999999999999999", LLONG_MIN, LLONG_MAX, -ERANGE, 0, "too large" },
		/* Bounds. */
		{ "0", 0, 2, 0, 0, NULL },
		{ "2", 0, 2, 0, 2, NULL },
		{ "-1", 0, 2, -ERANGE, 0, "too small" },
		{ "3", 0, 2, -ERANGE, 0, "too large" },
		{ "2147483647", INT_MIN, INT_MAX, 0, INT_MAX, NULL },
		{ "2147483648", INT_MIN, INT_MAX, -ERANGE, 0, "too large" },
		{ "-2147483648", INT_MIN, INT_MAX, 0, INT_MIN, NULL },
		{ "-2147483649", INT_MIN, INT_MAX, -ERANGE, 0, "too small" },
		{ "255", 0, 255, 0, 255, NULL },
		{ "256", 0, 255, -ERANGE, 0, "too large" },
	};

	(void)state;
	run_ll_table("parse_ll", parse_ll, cases, sizeof cases / sizeof cases[0]);
	/* errstr may be NULL; NULL text is invalid. */
	{
		long long v;

		assert_int_equal(parse_ll("x", 0, 1, &v, NULL), -EINVAL);
		assert_int_equal(parse_ll(NULL, 0, 1, &v, NULL), -EINVAL);
	}
}

static void
test_parse_size_table(void **state)
{
	static const long long G = 1LL << 30, M = 1LL << 20;
	/* No blank, sign, fraction, leading zero, other suffix or base. */
	static const char *const invalid[] = { "", "G", " 4G", "4G ", "4 G", "+4G",
	    "-4G", "-1", "04G", "1.5G", "4GB", "4GiB", "4P", "0x10",
	    "abcdefghijklmnopqrstuvwxyzabcdefghijG" };
	static const struct ll_case cases[] = {
		{ "0", 0, LLONG_MAX, 0, 0, NULL },
		{ "1073741824", 0, LLONG_MAX, 0, 1LL << 30, NULL },
		{ "1K", 0, LLONG_MAX, 0, 1024, NULL },
		{ "1k", 0, LLONG_MAX, 0, 1024, NULL },
		{ "512M", 0, LLONG_MAX, 0, 512LL << 20, NULL },
		{ "512m", 0, LLONG_MAX, 0, 512LL << 20, NULL },
		{ "4G", 0, LLONG_MAX, 0, 4LL << 30, NULL },
		{ "2T", 0, LLONG_MAX, 0, 2LL << 40, NULL },
		{ "8388607T", 0, LLONG_MAX, 0, 8388607LL << 40, NULL },
		{ "8388608T", 0, LLONG_MAX, -ERANGE, 0, "too large" },
		{ "99999999999999999999", 0, LLONG_MAX, -ERANGE, 0, "too large" },
		{ "99999999999999999999999999999999G", 0, LLONG_MAX, -ERANGE, 0, "too large" },
		/* Bounds, in bytes after the suffix. */
		{ "1M", M, 64 * G, 0, M, NULL },
		{ "1048575", M, 64 * G, -ERANGE, 0, "too small" },
		{ "1023K", M, 64 * G, -ERANGE, 0, "too small" },
		{ "64G", M, 64 * G, 0, 64 * G, NULL },
		{ "65537M", M, 64 * G, -ERANGE, 0, "too large" },
	};

	long long v;
	const char *err;

	(void)state;
	run_ll_table("parse_size", parse_size, cases, sizeof cases / sizeof cases[0]);
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		err = NULL;
		if (parse_size(invalid[i], LLONG_MIN, LLONG_MAX, &v, &err) != -EINVAL ||
		    err == NULL || strcmp(err, "invalid") != 0)
			fail_msg("parse_size(\"%s\") is not invalid", invalid[i]);
	}
	assert_int_equal(parse_size(NULL, 0, 1, &v, NULL), -EINVAL);
}

static void
test_parse_kernel_ll(void **state)
{
	static const struct {
		const char *text;
		int ret;
		long long want;
		size_t used;	/* bytes consumed */
	} cases[] = {
		{ "0", 0, 0, 1 },
		{ "10", 0, 10, 2 },
		{ "010", 0, 8, 3 },
		{ "0x10", 0, 16, 4 },
		{ "0X1f", 0, 31, 4 },
		{ "0x100", 0, 256, 5 },
		{ "-5", 0, -5, 2 },
		{ "-0x10", 0, -16, 5 },
		{ "-010", 0, -8, 4 },
		{ "30 # x", 0, 30, 2 },
		{ "1024\t65000", 0, 1024, 4 },
		{ "08", 0, 0, 1 },	/* octal: stops at the 8 */
		{ "0x", 0, 0, 1 },	/* no hex digit: octal 0, stops at x */
		{ "0xg", 0, 0, 1 },
		{ "9223372036854775807", 0, LLONG_MAX, 19 },
		{ "-9223372036854775808", 0, LLONG_MIN, 20 },
		{ "9223372036854775808", -ERANGE, 0, 0 },
		{ "-9223372036854775809", -ERANGE, 0, 0 },
		{ "0x8000000000000000", -ERANGE, 0, 0 },
		{ "+7", -EINVAL, 0, 0 },
		{ "", -EINVAL, 0, 0 },
		{ "-", -EINVAL, 0, 0 },
		{ "--1", -EINVAL, 0, 0 },
		{ " 1", -EINVAL, 0, 0 },
		{ "a", -EINVAL, 0, 0 },
		{ "-a", -EINVAL, 0, 0 },
		{ "x10", -EINVAL, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		long long v = 0;
		const char *end = NULL;
		int r = parse_kernel_ll(cases[i].text, &v, &end);

		if (r != cases[i].ret)
			fail_msg("parse_kernel_ll(\"%s\") returned %d, want %d",
			    cases[i].text, r, cases[i].ret);
		if (r == 0) {
			assert_true(v == cases[i].want);
			assert_ptr_equal(end, cases[i].text + cases[i].used);
		}
	}
}

static void
test_parse_hex(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		int ret;
		unsigned long long want;
	} cases[] = {
		{ "0", 1, 0, 0 },
		{ "0100007F", 8, 0, 0x0100007FULL },
		{ "0100007f", 8, 0, 0x0100007FULL },
		{ "1F90:rest", 4, 0, 0x1F90 },	/* stops at len, not at NUL */
		{ "FFFFFFFFFFFFFFFF", 16, 0, ~0ULL },
		{ "0A", 2, 0, 10 },
		{ "", 0, -EINVAL, 0 },
		{ "00000000000000000", 17, -EINVAL, 0 },
		{ "1F9", 4, -EINVAL, 0 },	/* NUL inside the field */
		{ "1G90", 4, -EINVAL, 0 },
		{ "0x10", 4, -EINVAL, 0 },
		{ "-1", 2, -EINVAL, 0 },
		{ "+1", 2, -EINVAL, 0 },
		{ " 1", 2, -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned long long v = 12345;
		int r = parse_hex(cases[i].text, cases[i].len, &v);

		if (r != cases[i].ret)
			fail_msg("parse_hex(\"%s\", %zu) returned %d, want %d",
			    cases[i].text, cases[i].len, r, cases[i].ret);
		assert_true(v == (r == 0 ? cases[i].want : 12345));
	}
}

static void
test_kver(void **state)
{
	struct kver k, a, b;

	(void)state;
	assert_int_equal(kver_parse("6.18.44-fc-v657", &k), 0);
	assert_int_equal(k.major, 6);
	assert_int_equal(k.minor, 18);
	assert_int_equal(k.patch, 44);
	assert_int_equal(kver_parse("4.12", &k), 0);
	assert_int_equal(k.major, 4);
	assert_int_equal(k.minor, 12);
	assert_int_equal(k.patch, 0);
	assert_int_equal(kver_parse("6.1.0-13-amd64", &k), 0);
	assert_int_equal(k.major, 6);
	assert_int_equal(k.minor, 1);
	assert_int_equal(k.patch, 0);
	assert_int_equal(kver_parse("5.15.0+", &k), 0);
	assert_int_equal(k.patch, 0);
	assert_int_equal(kver_parse("6.8-rc1", &k), 0);
	assert_int_equal(k.minor, 8);
	assert_int_equal(k.patch, 0);
	assert_int_equal(kver_parse("6.1.", &k), 0);
	assert_int_equal(k.patch, 0);

	k.major = 99;
	assert_int_equal(kver_parse("6", &k), -EINVAL);
	assert_int_equal(k.major, 99);		/* untouched on failure */
	assert_int_equal(kver_parse("x.y", &k), -EINVAL);
	assert_int_equal(kver_parse("", &k), -EINVAL);
	assert_int_equal(kver_parse("6.", &k), -EINVAL);
	assert_int_equal(kver_parse(".6", &k), -EINVAL);
	assert_int_equal(kver_parse("v6.1", &k), -EINVAL);
	assert_int_equal(kver_parse("6.x", &k), -EINVAL);
	assert_int_equal(kver_parse("99999999999.1", &k), -EINVAL);
	assert_int_equal(kver_parse(NULL, &k), -EINVAL);

	assert_int_equal(kver_parse("4.12", &a), 0);
	assert_int_equal(kver_parse("4.11.99", &b), 0);
	assert_true(kver_cmp(&a, &b) > 0);
	assert_true(kver_cmp(&b, &a) < 0);
	assert_int_equal(kver_cmp(&a, &a), 0);
	assert_int_equal(kver_parse("4.12.0-1-amd64", &b), 0);
	assert_int_equal(kver_cmp(&a, &b), 0);
	assert_int_equal(kver_parse("6.18.44-fc-v657", &a), 0);
	assert_int_equal(kver_parse("6.1.0-13-amd64", &b), 0);
	assert_true(kver_cmp(&a, &b) > 0);	/* 18 > 1, numerically */
	assert_int_equal(kver_parse("6.2", &a), 0);
	assert_int_equal(kver_parse("6.10", &b), 0);
	assert_true(kver_cmp(&a, &b) < 0);
	assert_int_equal(kver_parse("5.19.17", &a), 0);
	assert_int_equal(kver_parse("6.0", &b), 0);
	assert_true(kver_cmp(&a, &b) < 0);
}

static void
test_value_parse_kernel(void **state)
{
	struct value a, b;
	const char *err;

	(void)state;
	/* Blanks of any kind and number separate fields. */
	assert_int_equal(value_parse_kernel("1024\t65000", SHAPE_VECTOR, 2, &a, &err), 0);
	assert_int_equal(value_parse_kernel("1024 65000", SHAPE_VECTOR, 2, &b, &err), 0);
	assert_int_equal(a.nfields, 2);
	assert_true(a.field[0] == 1024 && a.field[1] == 65000);
	assert_true(value_equal(&a, &b));
	assert_int_equal(value_parse_kernel("  1024 \t\t 65000\n", SHAPE_VECTOR, 2, &b, &err), 0);
	assert_true(value_equal(&a, &b));

	/* Extra fields after the last one read are ignored. */
	assert_int_equal(value_parse_kernel("1024 65000 999", SHAPE_VECTOR, 2, &b, &err), 0);
	assert_int_equal(b.nfields, 2);
	assert_true(value_equal(&a, &b));
	assert_int_equal(value_parse_kernel("4096 87380 6291456 999", SHAPE_VECTOR, 3, &b, &err), 0);
	assert_int_equal(b.nfields, 3);
	assert_true(b.field[2] == 6291456);

	/* A short vector writes the leading fields only. */
	assert_int_equal(value_parse_kernel("1024", SHAPE_VECTOR, 2, &b, &err), 0);
	assert_int_equal(b.nfields, 1);
	assert_true(b.field[0] == 1024);

	/* INT: no inline comments, but text after a blank is ignored. */
	assert_int_equal(value_parse_kernel("30 # thirty", SHAPE_INT, 1, &a, &err), 0);
	assert_int_equal(a.shape, SHAPE_INT);
	assert_int_equal(a.nfields, 1);
	assert_true(a.field[0] == 30);
	assert_int_equal(value_parse_kernel("30", SHAPE_INT, 7, &b, &err), 0);
	assert_true(value_equal(&a, &b));

	/* The kernel's bases. */
	assert_int_equal(value_parse_kernel("010", SHAPE_INT, 1, &a, &err), 0);
	assert_true(a.field[0] == 8);
	assert_int_equal(value_parse_kernel("0x100", SHAPE_INT, 1, &a, &err), 0);
	assert_true(a.field[0] == 256);
	assert_int_equal(value_parse_kernel("-1", SHAPE_INT, 1, &a, &err), 0);
	assert_true(a.field[0] == -1);

	/* Rejected as the kernel rejects them. */
	err = NULL;
	assert_int_equal(value_parse_kernel("+7", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_string_equal(err, "invalid");
	assert_int_equal(value_parse_kernel("abc", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_string_equal(err, "empty");
	assert_int_equal(value_parse_kernel(" \t", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_string_equal(err, "empty");
	/* Only a space, tab or newline may follow a number, also the last. */
	assert_int_equal(value_parse_kernel("30#", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("30x", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("1.5", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("08", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("1024 65000x", SHAPE_VECTOR, 2, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("1024, 65000", SHAPE_VECTOR, 2, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("1024 \\", SHAPE_VECTOR, 2, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("\"1024 65000\"", SHAPE_VECTOR, 2, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("99999999999999999999", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_string_equal(err, "too large");
	assert_int_equal(value_parse_kernel("-99999999999999999999", SHAPE_INT, 1, &a, &err), -EINVAL);
	assert_string_equal(err, "too small");
	assert_int_equal(value_parse_kernel("1", SHAPE_VECTOR, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("1", SHAPE_VECTOR, VALUE_MAX_FIELDS + 1, &a, &err), -EINVAL);

	/* Strings take the whole stripped value. */
	assert_int_equal(value_parse_kernel("  bbr\n", SHAPE_STRING, 0, &a, &err), 0);
	assert_string_equal(a.str, "bbr");
	assert_int_equal(value_parse_kernel("reno # classic", SHAPE_STRING, 0, &a, &err), 0);
	assert_string_equal(a.str, "reno # classic");
	assert_int_equal(value_parse_kernel("", SHAPE_STRING, 0, &a, &err), -EINVAL);
}

static void
test_value_parse_strict(void **state)
{
	struct value v;
	const char *err;

	(void)state;
	assert_int_equal(value_parse_strict("1024 65000", SHAPE_VECTOR, 2, 1, 65535, &v, &err), 0);
	assert_int_equal(v.nfields, 2);
	assert_true(v.field[0] == 1024 && v.field[1] == 65000);
	assert_int_equal(value_parse_strict("1024\t 65000", SHAPE_VECTOR, 2, 1, 65535, &v, &err), 0);
	assert_int_equal(value_parse_strict("1024", SHAPE_VECTOR, 2, 1, 65535, &v, &err), -EINVAL);
	assert_string_equal(err, "too few fields");
	assert_int_equal(value_parse_strict("1 2 3", SHAPE_VECTOR, 2, 1, 65535, &v, &err), -EINVAL);
	assert_string_equal(err, "too many fields");
	assert_int_equal(value_parse_strict("0 65000", SHAPE_VECTOR, 2, 1, 65535, &v, &err), -ERANGE);
	assert_string_equal(err, "too small");
	assert_int_equal(value_parse_strict("1024 65536", SHAPE_VECTOR, 2, 1, 65535, &v, &err), -ERANGE);
	assert_string_equal(err, "too large");
	assert_int_equal(value_parse_strict("010 20", SHAPE_VECTOR, 2, 1, 65535, &v, &err), -EINVAL);
	assert_string_equal(err, "invalid");
	assert_int_equal(value_parse_strict("", SHAPE_VECTOR, 2, 1, 65535, &v, &err), -EINVAL);
	assert_string_equal(err, "empty");

	assert_int_equal(value_parse_strict("2", SHAPE_INT, 1, 0, 2, &v, &err), 0);
	assert_int_equal(v.nfields, 1);
	assert_true(v.field[0] == 2);
	assert_int_equal(value_parse_strict("3", SHAPE_INT, 1, 0, 2, &v, &err), -ERANGE);
	assert_string_equal(err, "too large");
	assert_int_equal(value_parse_strict("0x1", SHAPE_INT, 1, 0, 2, &v, &err), -EINVAL);
	assert_int_equal(value_parse_strict("1 1", SHAPE_INT, 1, 0, 2, &v, &err), -EINVAL);
	assert_int_equal(value_parse_strict("30 # x", SHAPE_INT, 1, 0, 100, &v, &err), -EINVAL);

	assert_int_equal(value_parse_strict("bbr", SHAPE_STRING, 0, 0, 0, &v, &err), 0);
	assert_string_equal(v.str, "bbr");
	assert_int_equal(value_parse_strict("htcp-1.0_x", SHAPE_STRING, 0, 0, 0, &v, &err), 0);
	assert_int_equal(value_parse_strict("reno cubic", SHAPE_STRING, 0, 0, 0, &v, &err), -EINVAL);
	assert_int_equal(value_parse_strict("a/b", SHAPE_STRING, 0, 0, 0, &v, &err), -EINVAL);
	assert_int_equal(value_parse_strict("", SHAPE_STRING, 0, 0, 0, &v, &err), -EINVAL);
	{
		char big[VALUE_STR_MAX + 8];

		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		assert_int_equal(value_parse_strict(big, SHAPE_STRING, 0, 0, 0, &v, &err), -EINVAL);
		assert_string_equal(err, "too long");
		assert_int_equal(value_parse_strict(big, SHAPE_VECTOR, 2, 0, 9, &v, &err), -EINVAL);
		assert_string_equal(err, "too long");
	}
}

static void
test_ports(void **state)
{
	struct value a, b;
	const char *err;
	char buf[64];

	(void)state;
	assert_int_equal(value_parse_strict("9000-9010,8080", SHAPE_PORTS, 0, 0, 0, &a, &err), 0);
	assert_int_equal(value_parse_kernel("8080,9000-9010", SHAPE_PORTS, 0, &b, &err), 0);
	assert_string_equal(a.str, "8080,9000-9010");
	assert_true(value_equal(&a, &b));
	assert_int_equal(value_parse_strict("1-3,4", SHAPE_PORTS, 0, 0, 0, &a, &err), 0);
	assert_string_equal(a.str, "1-4");
	assert_int_equal(value_parse_strict("5,4,3,2,1", SHAPE_PORTS, 0, 0, 0, &a, &err), 0);
	assert_string_equal(a.str, "1-5");
	assert_int_equal(value_parse_strict("10-20,15-30,40", SHAPE_PORTS, 0, 0, 0, &a, &err), 0);
	assert_string_equal(a.str, "10-30,40");
	assert_int_equal(value_parse_strict("7-7", SHAPE_PORTS, 0, 0, 0, &a, &err), 0);
	assert_string_equal(a.str, "7");
	assert_int_equal(value_parse_strict("", SHAPE_PORTS, 0, 0, 0, &a, &err), 0);
	assert_string_equal(a.str, "");
	assert_int_equal(value_parse_kernel("", SHAPE_PORTS, 0, &b, &err), 0);
	assert_true(value_equal(&a, &b));

	/* Strict: ports 1..65535, decimal, no empty items. */
	assert_int_equal(value_parse_strict("0", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict("65536", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict("20-10", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict("80,,90", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict(",80", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict("80,", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict(",", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict("80-", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict("080", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_strict("80, 90", SHAPE_PORTS, 0, 0, 0, &a, &err), -EINVAL);

	/* Kernel: base detection, port 0, one trailing comma
	   (proc_do_large_bitmap), but no empty item before another. */
	assert_int_equal(value_parse_kernel("0x50", SHAPE_PORTS, 0, &a, &err), 0);
	assert_string_equal(a.str, "80");
	assert_int_equal(value_parse_kernel("0", SHAPE_PORTS, 0, &a, &err), 0);
	assert_string_equal(a.str, "0");
	assert_int_equal(value_parse_kernel("80,", SHAPE_PORTS, 0, &a, &err), 0);
	assert_string_equal(a.str, "80");
	assert_int_equal(value_parse_kernel("80,,90", SHAPE_PORTS, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel(",80", SHAPE_PORTS, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("65536", SHAPE_PORTS, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("-5", SHAPE_PORTS, 0, &a, &err), -EINVAL);
	assert_int_equal(value_parse_kernel("80, 90", SHAPE_PORTS, 0, &a, &err), -EINVAL);

	assert_int_equal(value_parse_strict("9000-9010,8080", SHAPE_PORTS, 0, 0, 0, &a, &err), 0);
	assert_int_equal(value_format(&a, buf, sizeof buf), 0);
	assert_string_equal(buf, "8080,9000-9010");
}

static void
test_value_equal(void **state)
{
	struct value a, b;
	const char *err;

	(void)state;
	/* A shorter vector equals when all its fields match. */
	assert_int_equal(value_parse_kernel("1024", SHAPE_VECTOR, 2, &a, &err), 0);
	assert_int_equal(value_parse_kernel("1024\t65000", SHAPE_VECTOR, 2, &b, &err), 0);
	assert_true(value_equal(&a, &b));
	assert_true(value_equal(&b, &a));
	assert_int_equal(value_parse_kernel("1025", SHAPE_VECTOR, 2, &a, &err), 0);
	assert_false(value_equal(&a, &b));
	/* Numerically. */
	assert_int_equal(value_parse_kernel("010", SHAPE_INT, 1, &a, &err), 0);
	assert_int_equal(value_parse_kernel("8", SHAPE_INT, 1, &b, &err), 0);
	assert_true(value_equal(&a, &b));
	assert_int_equal(value_parse_kernel("0x10", SHAPE_INT, 1, &a, &err), 0);
	assert_int_equal(value_parse_kernel("16", SHAPE_INT, 1, &b, &err), 0);
	assert_true(value_equal(&a, &b));
	assert_int_equal(value_parse_kernel("17", SHAPE_INT, 1, &b, &err), 0);
	assert_false(value_equal(&a, &b));
	/* Different shapes never equal. */
	assert_int_equal(value_parse_kernel("16", SHAPE_VECTOR, 1, &b, &err), 0);
	assert_false(value_equal(&a, &b));
	/* Strings exactly. */
	assert_int_equal(value_parse_kernel("bbr", SHAPE_STRING, 0, &a, &err), 0);
	assert_int_equal(value_parse_kernel(" bbr ", SHAPE_STRING, 0, &b, &err), 0);
	assert_true(value_equal(&a, &b));
	assert_int_equal(value_parse_kernel("BBR", SHAPE_STRING, 0, &b, &err), 0);
	assert_false(value_equal(&a, &b));
	/* A value with no fields equals nothing. */
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.shape = b.shape = SHAPE_VECTOR;
	assert_false(value_equal(&a, &b));
}

static void
test_value_format(void **state)
{
	struct value v;
	const char *err;
	char buf[64], tiny[5];

	(void)state;
	assert_int_equal(value_parse_kernel("4096\t87380\t6291456", SHAPE_VECTOR, 3, &v, &err), 0);
	assert_int_equal(value_format(&v, buf, sizeof buf), 0);
	assert_string_equal(buf, "4096 87380 6291456");
	assert_int_equal(value_format(&v, tiny, sizeof tiny), -ENOBUFS);
	assert_int_equal(value_format(&v, buf, 0), -ENOBUFS);
	assert_int_equal(value_parse_kernel("-1", SHAPE_INT, 1, &v, &err), 0);
	assert_int_equal(value_format(&v, buf, sizeof buf), 0);
	assert_string_equal(buf, "-1");
	assert_int_equal(value_parse_kernel("0x10", SHAPE_INT, 1, &v, &err), 0);
	assert_int_equal(value_format(&v, buf, sizeof buf), 0);
	assert_string_equal(buf, "16");
	assert_int_equal(value_parse_kernel("cubic", SHAPE_STRING, 0, &v, &err), 0);
	assert_int_equal(value_format(&v, buf, sizeof buf), 0);
	assert_string_equal(buf, "cubic");
	assert_int_equal(value_format(&v, tiny, sizeof tiny), -ENOBUFS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ll_table),
		cmocka_unit_test(test_parse_size_table),
		cmocka_unit_test(test_parse_kernel_ll),
		cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_kver),
		cmocka_unit_test(test_value_parse_kernel),
		cmocka_unit_test(test_value_parse_strict),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_value_equal),
		cmocka_unit_test(test_value_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
