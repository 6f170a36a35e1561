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
		cmocka_unit_test(test_best),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
