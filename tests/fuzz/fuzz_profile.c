/*
 * fuzz_profile: libFuzzer harness for the profile parser.
 *
 * Feeds arbitrary bytes to profile_parse() and, when a profile comes out,
 * checks the promises of profile.h on it: settings and rules are sorted,
 * every validated `apply` value satisfies its own expectation, and the
 * queries work on what was parsed. Built with clang by the Makefile:
 *
 *   make build/tests/fuzz/fuzz_profile
 *   build/tests/fuzz/fuzz_profile -max_total_time=60 CORPUS_DIR
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_profile(const struct profile *p)
{
	char buf[1024];

	if (p->name == NULL || p->description == NULL || p->nchain != 1)
		abort();
	for (size_t i = 0; i < p->nsettings; i++) {
		const struct setting *s = &p->settings[i];

		if (i > 0 && strcmp(p->settings[i - 1].entry->name, s->entry->name) >= 0)
			abort();
		if (profile_setting(p, s->entry->name) != s)
			abort();
		if (!s->has_equal && !s->has_min && !s->has_max && s->n_one_of == 0)
			abort();
		if (s->has_apply && !setting_satisfied(s, &s->apply))
			abort();
		if (s->has_equal && !setting_satisfied(s, &s->equal))
			abort();
		if (setting_describe(s, buf, sizeof buf) < 0 || buf[0] == '\0')
			abort();
	}
	for (size_t i = 0; i < p->nrules; i++) {
		if (i > 0 && strcmp(p->rules[i - 1].id, p->rules[i].id) >= 0)
			abort();
		if (profile_rule(p, p->rules[i].id) != &p->rules[i])
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	int r;

	r = profile_parse("fuzz.yaml", (const char *)data, size, &p, &d);
	if (r == 0) {
		if (p == NULL || d.nerrors != 0)
			abort();
		check_profile(p);
	} else if (p != NULL || (r == -EINVAL && d.nerrors == 0))
		abort();
	for (size_t i = 0; i < d.n; i++)
		if (d.items[i].msg == NULL || strchr(d.items[i].msg, '\n') != NULL)
			abort();
	p = profile_free(p);
	diag_list_clear(&d);
	return 0;
}
