/*
 * Unit tests of src/policy/remedy.c: which lines come after the fragment
 * for each applier, the lines a value set in the fragment must disable (and
 * the ones with the same value it leaves), masks for vendor files, managed
 * files, keys this namespace cannot write, and the fix texts.
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

#include "remedy.c"
#include "tree.h"

#define FRAG "/etc/sysctl.d/90-tcpadvise.conf"

static const struct catalog_entry *
entry(const char *key)
{
	const struct catalog_entry *e = catalog_lookup(key);

	assert_non_null(e);
	return e;
}

static void
test_set_disables_later_lines(void **state)
{
	char *root = tree_new_618();
	struct snapshot *s;
	struct remedy r;
	struct remedy_ctx x;
	char *fix = NULL, *live = NULL;

	(void)state;
	/* Before the fragment: never disabled. After it, with another
	   value: disabled; with the same value: left alone. A vendor file:
	   masked. /etc/sysctl.conf: procps only (no 99-sysctl.conf link). */
	tree_write(root, "etc/sysctl.d/10-early.conf", "net.ipv4.tcp_fin_timeout = 5\n");
	tree_write(root, "etc/sysctl.d/95-same.conf", "net.ipv4.tcp_fin_timeout=30\n");
	tree_write(root, "usr/lib/sysctl.d/99-vendor.conf", "# v\nnet.ipv4.tcp_fin_timeout = 10\n");
	tree_write(root, "etc/sysctl.conf", "net.ipv4.tcp_fin_timeout = 2\n");
	s = tree_snapshot(root);
	x.s = s;
	x.fragment = FRAG;
	remedy_init(&r);
	assert_int_equal(remedy_set(&x, entry("net.ipv4.tcp_fin_timeout"), "30", true,
	    true, &r), 0);
	assert_int_equal(r.action, REMEDY_SET);
	assert_true(r.fixable);
	assert_int_equal(r.ndisable, 2);
	assert_string_equal(r.disable[0].file, "/usr/lib/sysctl.d/99-vendor.conf");
	assert_int_equal(r.disable[0].line, 2);
	assert_string_equal(r.disable[0].mask, "/etc/sysctl.d/99-vendor.conf");
	assert_string_equal(r.disable[1].file, "/etc/sysctl.conf");
	assert_null(r.disable[1].mask);
	assert_string_equal(r.disable[1].why, "read last by procps");
	assert_int_equal(remedy_text(&r, &fix, &live), 0);
	assert_string_equal(fix, "set net.ipv4.tcp_fin_timeout = 30 in " FRAG "; mask "
	    "/usr/lib/sysctl.d/99-vendor.conf with a copy in "
	    "/etc/sysctl.d/99-vendor.conf that comments out line 2; comment out "
	    "/etc/sysctl.conf:1 (read last by procps)");
	assert_string_equal(live, "sysctl -w net.ipv4.tcp_fin_timeout=30");
	free(fix);
	free(live);
	remedy_clear(&r);
	snapshot_free(s);
	tree_free(root);
}

static void
test_order(void **state)
{
	char *root = tree_new_618();
	struct snapshot *s;
	const struct sysctld_config *c;

	(void)state;
	tree_write(root, "etc/sysctl.d/.hidden.conf", "net.ipv4.tcp_fin_timeout = 5\n");
	tree_write(root, "etc/sysctl.d/99-z.conf", "net.ipv4.tcp_fin_timeout = 6\n");
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf", "net.ipv4.tcp_fin_timeout = 30\n");
	s = tree_snapshot(root);
	c = s->config;
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct sysctld_line *l = &c->files[i].lines[0];
		const char *name = c->files[i].name;

		if (strcmp(name, ".hidden.conf") == 0) {
			/* Sorts before "9": before the fragment for both. */
			assert_false(remedy_after_fragment(c, APPLIER_PROCPS, FRAG, l));
			assert_false(remedy_after_fragment(c, APPLIER_SYSTEMD, FRAG, l));
		} else if (strcmp(name, "99-z.conf") == 0) {
			assert_true(remedy_after_fragment(c, APPLIER_PROCPS, FRAG, l));
			assert_true(remedy_after_fragment(c, APPLIER_SYSTEMD, FRAG, l));
		} else {
			assert_true(remedy_in_fragment(c, FRAG, l));
			assert_false(remedy_after_fragment(c, APPLIER_PROCPS, FRAG, l));
		}
	}
	snapshot_free(s);
	tree_free(root);
}

static void
test_managed_and_global(void **state)
{
	char *root = tree_new_618();
	struct snapshot *s;
	struct remedy r;
	struct remedy_ctx x;
	char *fix = NULL, *live = NULL;

	(void)state;
	tree_write(root, "etc/sysctl.d/99-ans.conf", "# Ansible managed\n"
	    "net.ipv4.tcp_fin_timeout = 2\n");
	s = tree_snapshot(root);
	x.s = s;
	x.fragment = FRAG;
	remedy_init(&r);
	assert_int_equal(remedy_set(&x, entry("net.ipv4.tcp_fin_timeout"), "30", false,
	    true, &r), 0);
	assert_int_equal(r.action, REMEDY_SOURCE);
	assert_false(r.fixable);
	assert_non_null(strstr(r.why, "managed by Ansible"));
	assert_int_equal(remedy_text(&r, &fix, &live), 0);
	assert_string_equal(fix, "set net.ipv4.tcp_fin_timeout = 30 in " FRAG "; change "
	    "/etc/sysctl.d/99-ans.conf:2 at its source (managed by Ansible)");
	assert_null(live);
	free(fix);
	remedy_clear(&r);
	snapshot_free(s);
	tree_free(root);

	/* A child network namespace (no netdev_max_backlog): a global key
	   cannot be set, nor its line disabled. */
	root = tree_new();
	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_write(root, "etc/sysctl.d/60-net.conf", "net.core.netdev_max_backlog = 5000\n");
	s = tree_snapshot(root);
	assert_true(s->netns_child);
	x.s = s;
	remedy_init(&r);
	assert_int_equal(remedy_set(&x, entry("net.core.netdev_max_backlog"), "1000",
	    true, true, &r), 0);
	assert_false(r.fixable);
	assert_non_null(strstr(r.why, "global key"));
	remedy_clear(&r);
	remedy_init(&r);
	assert_int_equal(remedy_disable_line(&x, &s->config->files[0].lines[0], NULL, &r), 0);
	assert_int_equal(r.action, REMEDY_COMMENT_OUT);
	assert_false(r.fixable);
	remedy_clear(&r);
	snapshot_free(s);
	tree_free(root);
}

static void
test_copy(void **state)
{
	char *root = tree_new_618();
	struct snapshot *s;
	struct remedy r, c;
	struct remedy_ctx x;

	(void)state;
	tree_write(root, "etc/sysctl.conf", "net.ipv4.tcp_fin_timeout = 2\n");
	s = tree_snapshot(root);
	x.s = s;
	x.fragment = FRAG;
	remedy_init(&r);
	assert_int_equal(remedy_set(&x, entry("net.ipv4.tcp_fin_timeout"), "30", true,
	    true, &r), 0);
	assert_int_equal(remedy_copy(&c, &r), 0);
	remedy_clear(&r);
	assert_string_equal(c.value, "30");
	assert_int_equal(c.ndisable, 1);
	assert_string_equal(c.disable[0].file, "/etc/sysctl.conf");
	assert_string_equal(remedy_action_name(c.action), "set");
	remedy_clear(&c);
	snapshot_free(s);
	tree_free(root);
}

/* A key a running program sets at run time: never fought, live or not. */
static void
test_author(void **state)
{
	char *root = tree_new_618();
	struct snapshot *s;
	struct remedy r;
	struct remedy_ctx x;

	(void)state;
	tree_write(root, "proc/812/comm", "tuned\n");
	tree_write(root, "etc/tuned/active_profile", "lat\n");
	tree_write(root, "etc/tuned/lat/tuned.conf", "[sysctl]\nnet.ipv4.tcp_fin_timeout=5\n");
	s = tree_snapshot(root);
	x.s = s;
	x.fragment = FRAG;
	remedy_init(&r);
	assert_int_equal(remedy_set(&x, entry("net.ipv4.tcp_fin_timeout"), "60", true,
	    true, &r), 0);
	assert_int_equal(r.action, REMEDY_SOURCE);
	assert_false(r.fixable);
	assert_string_equal(r.why, "tuned (profile 'lat', pid 812) sets it at run time "
	    "and would put its own value back");
	remedy_clear(&r);
	/* The boot value alone is the files' business. */
	remedy_init(&r);
	assert_int_equal(remedy_set(&x, entry("net.ipv4.tcp_fin_timeout"), "60", false,
	    true, &r), 0);
	assert_true(r.fixable);
	remedy_clear(&r);
	/* Another key is not its. */
	remedy_init(&r);
	assert_int_equal(remedy_set(&x, entry("net.core.somaxconn"), "8192", true,
	    true, &r), 0);
	assert_true(r.fixable);
	remedy_clear(&r);
	snapshot_free(s);
	tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_disables_later_lines),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_managed_and_global),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_author),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
