/* Unit tests of src/base/diag.c: formatting and ownership of diagnostics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "diag.c"

static char *
print_all(const struct diag_list *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	diag_print_all(f, "tcpadvise", l);
	fclose(f);
	return buf;
}

static void
test_positions(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	char *out;

	(void)state;
	assert_int_equal(diag_add(&d, DIAG_ERROR, "p.yaml", 12, 5,
	    "unknown sysctl '%s'", "net.x"), 0);
	assert_int_equal(diag_add(&d, DIAG_ERROR, "p.yaml", 3, 0, "line only"), 0);
	assert_int_equal(diag_add(&d, DIAG_WARNING, "p.yaml", 0, 0, "file only"), 0);
	assert_int_equal(diag_add(&d, DIAG_ERROR, NULL, 0, 0, "no file"), 0);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.nerrors, 3);
	out = print_all(&d);
	assert_string_equal(out,
	    "tcpadvise: p.yaml:12:5: unknown sysctl 'net.x'\n"
	    "tcpadvise: p.yaml:3: line only\n"
	    "tcpadvise: p.yaml: warning: file only\n"
	    "tcpadvise: no file\n");
	free(out);
	diag_list_clear(&d);
	assert_int_equal(d.n, 0);
	assert_null(d.items);
	/* Reusable after clearing. */
	assert_int_equal(diag_add(&d, DIAG_ERROR, "x", 1, 1, "again"), 0);
	assert_int_equal(d.nerrors, 1);
	diag_list_clear(&d);
}

static void
test_many(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(diag_add(&d, DIAG_ERROR, "f", (unsigned)i + 1, 1,
		    "error %d", i), 0);
	assert_int_equal(d.n, 1000);
	assert_string_equal(d.items[999].msg, "error 999");
	assert_int_equal(d.items[999].line, 1000);
	diag_list_clear(&d);
}

/* The file name and the message quote input: escaped when printed, kept
   as they are in the list. */
static void
test_escaped(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	char *out;

	(void)state;
	assert_int_equal(diag_add(&d, DIAG_WARNING, "a\x1b[2J.conf", 2, 0,
	    "unknown key '%s', ignoring", "k\x1b]0;t\x07\xc2\x9b"), 0);
	assert_string_equal(d.items[0].msg, "unknown key 'k\x1b]0;t\x07\xc2\x9b', ignoring");
	out = print_all(&d);
	assert_string_equal(out, "tcpadvise: a\\x1b[2J.conf:2: warning: unknown key "
	    "'k\\x1b]0;t\\x07\\xc2\\x9b', ignoring\n");
	free(out);
	diag_list_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
