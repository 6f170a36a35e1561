/*
 * libFuzzer harness for the value and key parsers: value_parse_kernel(),
 * value_parse_strict(), kver_parse(), sysctl_key_normalize() and
 * sysctl_key_to_path().
 *
 * The first input byte picks the shape, the field count and the bounds;
 * the rest is the text. Besides not crashing, the parsers must round-trip:
 * a value that parses formats to text that parses to an equal value, and
 * a normalised key normalises to itself.
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE
 *        -Isrc/base -Isrc/system tests/fuzz/fuzz_value.c src/base/parse.c
 *        src/system/procfs.c
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

static const struct {
	long long min, max;
} bounds[] = {
	{ LLONG_MIN, LLONG_MAX }, { 0, 2 }, { 1, 65535 }, { INT_MIN, INT_MAX },
};

static void
round_trip(const struct value *v, unsigned nfields, bool strict,
    long long min, long long max)
{
	char buf[VALUE_STR_MAX * 2];
	struct value w;
	const char *err;

	check(value_format(v, buf, sizeof buf) == 0);
	if (strict)
		check(value_parse_strict(buf, v->shape, nfields, min, max, &w, &err) == 0);
	else
		check(value_parse_kernel(buf, v->shape, nfields, &w, &err) == 0);
	check(value_equal(v, &w));
	check(w.nfields == v->nfields);
}

static void
keys(const char *text)
{
	char a[SYSCTL_KEY_MAX], b[SYSCTL_KEY_MAX], p1[SYSCTL_KEY_MAX], p2[SYSCTL_KEY_MAX];
	int r = sysctl_key_normalize(text, a, sizeof a);

	check(r == 0 || r == -EINVAL);
	check((sysctl_key_to_path(text, p1, sizeof p1) == 0) == (r == 0));
	if (r != 0)
		return;
	check(a[0] != '\0' && strlen(a) < SYSCTL_KEY_MAX);
	check(sysctl_key_normalize(a, b, sizeof b) == 0 && strcmp(a, b) == 0);
	check(sysctl_key_to_path(a, p2, sizeof p2) == 0 && strcmp(p1, p2) == 0);
	check(sysctl_key_normalize(p1, b, sizeof b) == 0 && strcmp(a, b) == 0);
	check(strstr(p1, "//") == NULL && p1[0] != '/');
	check(sysctl_key_is_glob(a) == sysctl_key_is_glob(text));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum value_shape shapes[] = {
		SHAPE_INT, SHAPE_VECTOR, SHAPE_STRING, SHAPE_PORTS,
	};
	enum value_shape shape;
	unsigned nfields;
	long long min, max;
	struct value v;
	struct kver k;
	const char *err;
	char *text;

	if (size == 0)
		return 0;
	shape = shapes[data[0] & 3];
	nfields = (data[0] >> 2) & 7;		/* 0..7: also out of range */
	min = bounds[(data[0] >> 5) & 3].min;
	max = bounds[(data[0] >> 5) & 3].max;
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	err = NULL;
	if (value_parse_kernel(text, shape, nfields, &v, &err) == 0) {
		check(v.shape == shape);
		check(v.nfields <= VALUE_MAX_FIELDS);
		round_trip(&v, nfields, false, 0, 0);
	} else
		check(err != NULL);
	err = NULL;
	if (value_parse_strict(text, shape, nfields, min, max, &v, &err) == 0) {
		check(v.shape == shape);
		for (unsigned i = 0; i < v.nfields; i++)
			check(v.field[i] >= min && v.field[i] <= max);
		round_trip(&v, nfields, true, min, max);
	} else
		check(err != NULL);
	if (kver_parse(text, &k) == 0)
		check(kver_cmp(&k, &k) == 0);
	keys(text);
	free(text);
	return 0;
}
