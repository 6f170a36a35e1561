/*
 * fuzz_profile: libFuzzer harness for the profile parser.
 *
 * Feeds arbitrary bytes to profile_parse() and, when a profile comes out,
 * checks the promises of profile.h on it: settings and rules are sorted,
 * every validated `apply` value satisfies its own expectation, the
 * queries work on what was parsed, and every message, escaped as
 * diag_print() writes it, is one line. Built with clang by the Makefile:
 *
 *   make build/tests/fuzz/fuzz_profile
 *   build/tests/fuzz/fuzz_profile -max_total_time=60 CORPUS_DIR
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
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

/*
 * A message may quote the input raw (a newline of a block scalar, ESC):
 * diag_print() escapes it as one field, and what it writes is one line
 * with no control byte.
 */
static void
check_message(const char *msg)
{
	char *e;

	if (msg == NULL || (e = term_escape(msg, 0)) == NULL)
		abort();
	for (const char *p = e; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			abort();
	free(e);
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
		check_message(d.items[i].msg);
	p = profile_free(p);
	diag_list_clear(&d);
	return 0;
}
