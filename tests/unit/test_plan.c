/*
 * Unit tests of src/write/plan.c: a plan from the policy's findings (only
 * failing values, hazards included, info advice left out), the old
 * fragment's blocks kept as they are (keys the catalog does not know
 * too), --resolve's lines, and the text of an edited file: only the
 * disabled lines change, CR and a missing final newline stay.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan.c"
#include "testprofile.h"
#include "tree.h"

#define FRAG "/etc/sysctl.d/90-tcpadvise.conf"

static const char yaml[] =
    "name: t\ndescription: t\nsettings:\n"
    "  net.ipv4.tcp_fin_timeout: {min: 15, max: 60, apply: 30, severity: info, reason: r, source: s}\n"
    "  net.core.somaxconn: {min: 4096, apply: 4096, severity: warning, reason: r, source: s}\n"
    "rules:\n"
    "  - id: TA-H010\n    key: net.ipv4.tcp_abort_on_overflow\n    severity: critical\n"
    "    title: resets\n    reason: r\n    source: s\n    fix: 0\n"
    "    when: {key: net.ipv4.tcp_abort_on_overflow, eq: 1}\n"
    "  - id: TA-H015\n    key: net.ipv4.tcp_keepalive_time\n    severity: info\n"
    "    title: advice\n    reason: r\n    source: s\n    fix: default\n"
    "    when: {key: net.ipv4.tcp_keepalive_time, ne: 7200}\n";

static char *
root_618(void)
{
	char *root = tree_new_618();

	tree_sysctl(root, "net.core.somaxconn", "65535");
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "5");
	tree_sysctl(root, "net.ipv4.tcp_abort_on_overflow", "1");
	tree_sysctl(root, "net.ipv4.tcp_keepalive_time", "600");
	return root;
}

struct run {
	char *root;
	struct profile *p;
	struct snapshot *s;
	struct findings f;
	struct plan pl;
	struct plan_opts o;
};

static void
run(struct run *r, const char *old, bool resolve)
{
	struct policy_opts po = { FRAG, false };

	r->p = parse(yaml);
	assert_int_equal(snapshot_take(r->root, NULL, &r->s), 0);
	r->f = (struct findings)FINDINGS_INIT;
	assert_int_equal(rules_eval(r->p, r->s, &po, &r->f), 0);
	memset(&r->pl, 0, sizeof r->pl);
	r->o.fragment = FRAG;
	r->o.profile = "t";
	r->o.origin = "built-in";
	r->o.live = true;
	r->o.persist = true;
	r->o.resolve = resolve;
	assert_int_equal(plan_make(r->s, &r->f, &r->o, old, &r->pl), 0);
}

static void
run_free(struct run *r)
{
	plan_clear(&r->pl);
	findings_clear(&r->f);
	snapshot_free(r->s);
	profile_free(r->p);
}

static const struct apply_item *
live_item(const struct plan *pl, const char *key)
{
	for (size_t i = 0; i < pl->live.n; i++)
		if (strcmp(pl->live.items[i].key, key) == 0)
			return &pl->live.items[i];
	return NULL;
}

static void
test_only_failing(void **state)
{
	struct run r;
	char *text = NULL;

	(void)state;
	memset(&r, 0, sizeof r);
	r.root = root_618();
	/* A site file sets what the host runs; somaxconn 65535 passes. */
	tree_write(r.root, "etc/sysctl.d/50-site.conf", "net.core.somaxconn = 65535\n"
	    "net.ipv4.tcp_fin_timeout = 5\nnet.ipv4.tcp_abort_on_overflow = 1\n"
	    "net.ipv4.tcp_keepalive_time = 600\n");
	run(&r, NULL, false);
	/* fin_timeout (a deviation, even at info) and the critical hazard;
	   not somaxconn (accepted), not keepalive (info advice). */
	assert_int_equal(r.pl.live.n, 2);
	assert_string_equal(live_item(&r.pl, "net.ipv4.tcp_fin_timeout")->after, "30");
	assert_string_equal(live_item(&r.pl, "net.ipv4.tcp_fin_timeout")->before, "5");
	assert_string_equal(live_item(&r.pl, "net.ipv4.tcp_abort_on_overflow")->after, "0");
	assert_null(live_item(&r.pl, "net.core.somaxconn"));
	assert_null(live_item(&r.pl, "net.ipv4.tcp_keepalive_time"));
	assert_int_equal(r.pl.nfrag, 2);
	assert_true(r.pl.frag_needed);
	assert_int_equal(r.pl.ndisable, 0);
	assert_int_equal(plan_fragment_text(&r.pl, &r.o, &text), 0);
	assert_non_null(strstr(text, "\n# profile: t\n"));
	assert_non_null(strstr(text, "\n# TA-H010: resets. r\n"
	    "net.ipv4.tcp_abort_on_overflow = 0\n"));
	assert_non_null(strstr(text, "net.ipv4.tcp_fin_timeout = 30\n"));
	assert_null(strstr(text, "somaxconn"));
	free(text);
	run_free(&r);
	tree_free(r.root);
}

static void
test_keeps_old_blocks(void **state)
{
	struct run r;
	static const char old[] = "# Written by tcpadvise\n# profile: t\n\n"
	    "# by hand\nkernel.pid_max = 4194304\n\n"
	    "# an earlier apply\nnet.core.somaxconn = 65535\n";
	char *text = NULL;

	(void)state;
	memset(&r, 0, sizeof r);
	r.root = root_618();
	tree_write(r.root, "etc/sysctl.d/90-tcpadvise.conf", old);
	tree_sysctl(r.root, "net.ipv4.tcp_fin_timeout", "60");
	tree_sysctl(r.root, "net.ipv4.tcp_abort_on_overflow", "0");
	run(&r, old, false);
	assert_int_equal(r.pl.live.n, 0);
	assert_false(r.pl.frag_edited);
	assert_int_equal(r.pl.nfrag, 2);
	assert_int_equal(plan_fragment_text(&r.pl, &r.o, &text), 0);
	/* Both blocks verbatim, the unknown key included, sorted by key. */
	assert_non_null(strstr(text, "\n\n# by hand\nkernel.pid_max = 4194304\n\n"
	    "# an earlier apply\nnet.core.somaxconn = 65535\n"));
	free(text);
	run_free(&r);
	tree_free(r.root);
}

static void
test_resolve_and_edit(void **state)
{
	struct run r;
	const char **files = NULL, *path;
	size_t n = 0;
	char *text = NULL;

	(void)state;
	memset(&r, 0, sizeof r);
	r.root = root_618();
	tree_write(r.root, "etc/sysctl.d/99-late.conf", "a = 1\r\n"
	    "net.ipv4.tcp_abort_on_overflow = 1\r\nlast");
	tree_write(r.root, "usr/lib/sysctl.d/95-vendor.conf", "net.ipv4.tcp_fin_timeout = 5\n");
	run(&r, NULL, false);
	/* The later harmful line, "last" (not an assignment), the vendor
	   line that overrides the fragment. */
	assert_int_equal(r.pl.ndisable, 0);
	assert_int_equal(r.pl.npending, 3);
	plan_clear(&r.pl);
	memset(&r.pl, 0, sizeof r.pl);
	r.o.resolve = true;
	assert_int_equal(plan_make(r.s, &r.f, &r.o, NULL, &r.pl), 0);
	assert_int_equal(r.pl.ndisable, 3);
	assert_int_equal(r.pl.npending, 0);
	assert_int_equal(plan_files(&r.pl, &files, &n), 0);
	assert_int_equal(n, 2);
	/* In place, CR and the missing final newline kept. */
	assert_int_equal(plan_edit_text(&r.pl, "/etc/sysctl.d/99-late.conf",
	    "a = 1\r\nnet.ipv4.tcp_abort_on_overflow = 1\r\nlast", &path, &text), 0);
	assert_string_equal(path, "/etc/sysctl.d/99-late.conf");
	assert_string_equal(text, "a = 1\r\n# disabled by tcpadvise (TA-H010): "
	    "net.ipv4.tcp_abort_on_overflow = 1\r\n# disabled by tcpadvise (TA-C002): "
	    "last");
	free(text);
	/* A vendor file: a masking copy in /etc/sysctl.d. */
	assert_int_equal(plan_edit_text(&r.pl, "/usr/lib/sysctl.d/95-vendor.conf",
	    "net.ipv4.tcp_fin_timeout = 5\n", &path, &text), 0);
	assert_string_equal(path, "/etc/sysctl.d/95-vendor.conf");
	assert_string_equal(text, "# disabled by tcpadvise (TA-D003): "
	    "net.ipv4.tcp_fin_timeout = 5\n# tcpadvise: a copy of "
	    "/usr/lib/sysctl.d/95-vendor.conf that masks it, with the lines above "
	    "disabled\n");
	free(text);
	free(files);
	run_free(&r);
	tree_free(r.root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_failing),
		cmocka_unit_test(test_keeps_old_blocks),
		cmocka_unit_test(test_resolve_and_edit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
