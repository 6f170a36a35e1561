/*
 * Unit tests of src/base/suggest.c: distances and the choice of a
 * suggestion.
 */
#include <stdint.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "suggest.c"

static void
test_distance(void **state)
{
	char longer[SUGGEST_WORD_MAX + 2];

	(void)state;
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("check", "check"), 0);
	assert_int_equal(suggest_distance("chekc", "check"), 1);	/* transposition */
	assert_int_equal(suggest_distance("chek", "check"), 1);	/* insertion */
	assert_int_equal(suggest_distance("checks", "check"), 1);	/* deletion */
	assert_int_equal(suggest_distance("cheqk", "check"), 1);	/* substitution */
	assert_int_equal(suggest_distance("tcp_tw_recyle", "tcp_tw_recycle"), 1);
	assert_int_equal(suggest_distance("abc", ""), 3);
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(suggest_distance(longer, "a"), SIZE_MAX);
}

/* Within max the distance is exact; past it, only above max. */
static void
test_distance_max(void **state)
{
	static const char *const w[] = {
		"", "a", "ab", "ba", "abc", "check", "chekc", "cheqk", "checks",
		"net.ipv4.tcp_tw_reuse", "net.ipv2.tcp_tw_reuse", "net.ipv4.tcp_rmem",
		"net.core.somaxconn", "ten.ipv4.tcp_tw_reuse", "aaaaaaaaaa", "zzzz",
	};
	const size_t n = sizeof w / sizeof w[0];

	(void)state;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			size_t d = suggest_distance(w[i], w[j]);

			for (size_t max = 0; max < 24; max++) {
				size_t e = suggest_distance_max(w[i], w[j], max);

				if (d <= max)
					assert_int_equal(e, d);
				else
					assert_true(e > max);
			}
		}
	/* Same letters, other order: only the band and the rows stop it. */
	assert_int_equal(suggest_distance_max("abcdefgh", "hgfedcba", 3), 4);
	assert_int_equal(suggest_distance("abcdefgh", "hgfedcba"), 7);
	assert_int_equal(suggest_distance_max("tcp_tw_recyle", "tcp_tw_recycle", 0), 1);
	assert_int_equal(suggest_distance_max("tcp_tw_recyle", "tcp_tw_recycle", 1), 1);
}

static void
test_best(void **state)
{
	static const char *const words[] = { "check", "explain", "profiles" };

	(void)state;
	assert_string_equal(suggest_best("chekc", words, 3, 1), "check");
	assert_string_equal(suggest_best("profile", words, 3, 1), "profiles");
	assert_null(suggest_best("apply", words, 3, 1));
	assert_null(suggest_best("x", words, 3, 1));
	assert_int_equal(suggest_limit(3, 2), 2);
	assert_int_equal(suggest_limit(30, 2), 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_distance_max),
		cmocka_unit_test(test_best),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
