/*
 * Unit tests of src/policy/builtin.c: the embedded profiles are there,
 * whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "builtin.c"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>

static void
test_table(void **state)
{
	size_t n;
	const struct builtin_profile *b = builtin_profiles(&n);
	glob_t g;

	(void)state;
	/* Every file in profiles/ is built in. */
	assert_int_equal(glob("profiles/*.yaml", 0, NULL, &g), 0);
	assert_int_equal(n, g.gl_pathc);
	globfree(&g);
	for (size_t i = 0; i < n; i++) {
		FILE *f;
		char *disk;
		long size;

		if (i > 0)
			assert_true(strcmp(b[i - 1].name, b[i].name) < 0);
		assert_ptr_equal(builtin_profile_find(b[i].name), &b[i]);
		/* The embedded text is the file in profiles/, byte for byte,
		   and NUL-terminated. */
		f = fopen(b[i].file, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		size = ftell(f);
		rewind(f);
		assert_int_equal((size_t)size, (size_t)(b[i].end - b[i].data));
		disk = malloc((size_t)size + 1);
		assert_non_null(disk);
		assert_int_equal(fread(disk, 1, (size_t)size, f), (size_t)size);
		fclose(f);
		assert_memory_equal(disk, b[i].data, (size_t)size);
		assert_int_equal(b[i].end[0], '\0');
		free(disk);
	}
	assert_null(builtin_profile_find("web"));	/* aliases are profile.c's */
	assert_null(builtin_profile_find("nope"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
