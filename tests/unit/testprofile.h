/*
 * testprofile: parse a profile from a string in a unit test, failing the
 * test (after printing the diagnostics) when it does not load. Test code
 * only; for tests that link the profile loader.
 */
#ifndef TCPADVISE_TEST_PROFILE_H
#define TCPADVISE_TEST_PROFILE_H

#include <stdio.h>
#include <string.h>

static __attribute__((unused)) struct profile *
parse(const char *yaml)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	int r = profile_parse("test.yaml", yaml, strlen(yaml), &p, &d);

	if (r != 0)
		diag_print_all(stderr, "test", &d);
	diag_list_clear(&d);
	assert_int_equal(r, 0);
	return p;
}

#endif
