/*
 * Unit tests of src/policy/rules.c: conditions in the live and persisted views,
 * deviations, hazards, findings about files, drift, sorting and fixes.
 * Snapshots come from throw-away roots; profiles are parsed from memory.
 */
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules.c"
#include "testprofile.h"
#include "tree.h"

/* A 6.18 init-netns root: the keys the tests use, at their defaults. */
static char *
root_618(void)
{
	char *root = tree_new_618();

	tree_sysctl(root, "net.ipv4.tcp_ehash_entries", "262144");
	tree_sysctl(root, "net.ipv4.tcp_tw_reuse", "2");
	tree_sysctl(root, "net.ipv4.tcp_syncookies", "1");
	tree_sysctl(root, "net.ipv4.tcp_max_tw_buckets", "131072");
	tree_sysctl(root, "net.ipv4.ip_local_port_range", "32768\t60999");
	tree_sysctl(root, "net.ipv4.ip_unprivileged_port_start", "1024");
	tree_sysctl(root, "net.ipv4.tcp_rmem", "4096\t131072\t33554432");
	return root;
}

static const struct finding *
find(const struct findings *f, const char *id, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->items[i].id, id) == 0 &&
		    (key == NULL || (f->items[i].key && strcmp(f->items[i].key, key) == 0)))
			return &f->items[i];
	return NULL;
}

static char *
id_of(const char *prefix, const char *key)
{
	static char buf[16];

	snprintf(buf, sizeof buf, "TA-%s%03u", prefix, catalog_lookup(key)->id);
	return buf;
}

static void
test_views(void **state)
{
	char *root = root_618();
	struct profile *p;
	struct snapshot *s;
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	/* Live 2, nothing persisted: holds in the live view only. */
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "2");
	/* Persisted on a kernel without the key: persisted view only. */
	tree_write(root, "etc/sysctl.conf", "# old advice\nnet.ipv4.tcp_tw_recycle = 1\n"
	    "net.ipv4.tcp_tw_recycle=1\n");
	p = parse("name: t\ndescription: t\nrules:\n"
	    "  - id: TA-H004\n    key: net.ipv4.tcp_fin_timeout\n    severity: warning\n"
	    "    title: low fin\n    reason: r\n    source: s\n"
	    "    when: {key: net.ipv4.tcp_fin_timeout, lt: 15}\n"
	    "  - id: TA-H101\n    key: net.ipv4.tcp_tw_recycle\n    severity: warning\n"
	    "    title: stale\n    reason: r\n    source: s\n    fix: remove\n"
	    "    when:\n      all:\n        - {key: net.ipv4.tcp_tw_recycle, present: true}\n"
	    "        - kernel: {ge: \"4.12\"}\n"
	    "  - id: TA-H001\n    key: net.ipv4.tcp_tw_recycle\n    severity: critical\n"
	    "    title: on\n    reason: r\n    source: s\n"
	    "    when:\n      all:\n        - {key: net.ipv4.tcp_tw_recycle, eq: 1}\n"
	    "        - kernel: {lt: \"4.12\"}\n");
	s = tree_snapshot(root);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);

	x = find(&f, "TA-H004", NULL);
	assert_non_null(x);
	assert_true(x->in_live);
	assert_false(x->in_persisted);
	assert_string_equal(x->live, "2");
	assert_null(x->persisted);
	/* Only the live value fails: set it live to what a reboot sets. */
	assert_int_equal(x->remedy.action, REMEDY_SET);
	assert_true(x->remedy.live);
	assert_false(x->remedy.persist);
	assert_string_equal(x->fix, "sysctl -w net.ipv4.tcp_fin_timeout=60");
	assert_null(x->fix_live);
	assert_true(x->needs_live);

	x = find(&f, "TA-H101", NULL);
	assert_non_null(x);
	assert_false(x->in_live);
	assert_true(x->in_persisted);
	assert_null(x->live);
	assert_string_equal(x->persisted, "1");
	assert_string_equal(x->file, "/etc/sysctl.conf");
	assert_int_equal(x->line, 3);
	assert_int_equal(x->nlines, 2);
	assert_int_equal(x->lines[0].line, 2);
	assert_int_equal(x->remedy.action, REMEDY_COMMENT_OUT);
	assert_int_equal(x->remedy.ndisable, 2);
	assert_string_equal(x->fix, "comment out /etc/sysctl.conf:2, 3");
	assert_null(x->fix_live);	/* the key is gone: nothing to set live */

	assert_null(find(&f, "TA-H001", NULL));	/* kernel >= 4.12 */
	/* The drift of fin_timeout is not reported on top of its hazard. */
	assert_null(find(&f, id_of("R", "net.ipv4.tcp_fin_timeout"), NULL));
	findings_clear(&f);
	snapshot_free(s);

	/* The same profile judged as Linux 4.9, where the key still exists. */
	tree_sysctl(root, "net.ipv4.tcp_tw_recycle", "1");
	assert_int_equal(snapshot_take(root, "4.9", &s), 0);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);
	x = find(&f, "TA-H001", NULL);
	assert_non_null(x);
	assert_true(x->in_live && x->in_persisted);
	assert_int_equal(x->severity, SEV_CRITICAL);
	assert_ptr_equal(&f.items[0], x);	/* critical sorts first */
	assert_null(find(&f, "TA-H101", NULL));
	assert_int_equal(f.count[SEV_CRITICAL], 1);
	assert_true(findings_reach(&f, SEV_CRITICAL));
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

static void
test_operands(void **state)
{
	char *root = root_618();
	struct profile *p;
	struct snapshot *s;
	struct findings f = FINDINGS_INIT;

	(void)state;
	tree_sysctl(root, "net.ipv4.tcp_max_tw_buckets", "5000");
	tree_sysctl(root, "net.ipv4.ip_local_port_range", "1024\t65000");
	tree_sysctl(root, "net.ipv4.ip_unprivileged_port_start", "2000");
	tree_sysctl(root, "net.ipv4.tcp_rmem", "4096\t33554432\t131072");
	p = parse("name: t\ndescription: t\nrules:\n"
	    "  - {id: TA-H005, key: net.ipv4.tcp_max_tw_buckets, severity: warning, title: a,"
	    "     reason: r, source: s, when: {key: net.ipv4.tcp_max_tw_buckets, lt: default}}\n"
	    "  - {id: TA-H012, key: net.ipv4.ip_local_port_range, severity: warning, title: b,"
	    "     reason: r, source: s, when: {key: net.ipv4.ip_local_port_range, field: 1,"
	    "     lt: {key: net.ipv4.ip_unprivileged_port_start}}}\n"
	    "  - {id: TA-H112, key: net.ipv4.ip_local_port_range, severity: info, title: c,"
	    "     reason: r, source: s, when: {key: net.ipv4.ip_local_port_range, parity: same}}\n"
	    "  - {id: TA-H016, key: net.ipv4.tcp_rmem, severity: warning, title: d,"
	    "     reason: r, source: s, when: {key: net.ipv4.tcp_rmem, ordered: false}}\n"
	    "  - {id: TA-H002, key: net.ipv4.tcp_tw_reuse, severity: info, title: e,"
	    "     reason: r, source: s, when: {key: net.ipv4.tcp_tw_reuse, in: [0, 1]}}\n"
	    "  - {id: TA-H003, key: net.ipv4.tcp_syncookies, severity: info, title: f,"
	    "     reason: r, source: s, when: {not: {key: net.ipv4.tcp_syncookies, ne: 1}}}\n"
	    "  - {id: TA-H019, key: net.core.somaxconn, severity: info, title: g,"
	    "     reason: r, source: s, when: {netns: child}}\n"
	    "  - {id: TA-H020, key: net.core.somaxconn, severity: info, title: h,"
	    "     reason: r, source: s, when: {any: [{netns: child}, {key: net.core.somaxconn, ge: 4096}]}}\n");
	s = tree_snapshot(root);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);
	/* Below the computed default 262144 / 2; the reboot view has the default. */
	assert_non_null(find(&f, "TA-H005", NULL));
	assert_true(find(&f, "TA-H005", NULL)->in_live);
	assert_false(find(&f, "TA-H005", NULL)->in_persisted);
	assert_non_null(find(&f, "TA-H012", NULL));	/* 1024 < 2000 */
	assert_non_null(find(&f, "TA-H112", NULL));	/* 1024 and 65000 both even */
	assert_non_null(find(&f, "TA-H016", NULL));	/* 33554432 > 131072 */
	assert_null(find(&f, "TA-H002", NULL));	/* 2 not in {0, 1} */
	assert_non_null(find(&f, "TA-H003", NULL));	/* not (1 != 1) */
	assert_null(find(&f, "TA-H019", NULL));	/* init netns */
	assert_non_null(find(&f, "TA-H020", NULL));
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

static void
test_settings(void **state)
{
	char *root = root_618();
	struct profile *p;
	struct snapshot *s;
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	/* somaxconn: fine live, but a file sets 128 for the next boot.
	   fin_timeout: 20 live, the file says 30 (fine).
	   syncookies: a hazard about the key suppresses its deviation. */
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "20");
	tree_sysctl(root, "net.ipv4.tcp_syncookies", "0");
	tree_write(root, "etc/sysctl.d/10-x.conf", "net.core.somaxconn = 128\n"
	    "net.ipv4.tcp_fin_timeout = 30\n");
	p = parse("name: t\ndescription: t\nsettings:\n"
	    "  net.core.somaxconn: {min: 4096, apply: 4096, severity: warning, reason: r1, source: s1}\n"
	    "  net.ipv4.tcp_fin_timeout: {min: 25, max: 60, apply: 30, severity: info, reason: r2, source: s2}\n"
	    "  net.ipv4.tcp_syncookies: {equal: 1, severity: warning, reason: r3, source: s3}\n"
	    "  net.ipv4.tcp_tw_reuse_delay: {min: 1000, severity: info, reason: r4, source: s4}\n"
	    "rules:\n"
	    "  - {id: TA-H006, key: net.ipv4.tcp_syncookies, severity: warning, title: off,"
	    "     reason: r, source: s, when: {key: net.ipv4.tcp_syncookies, eq: 0}}\n");
	s = tree_snapshot(root);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);

	x = find(&f, id_of("D", "net.core.somaxconn"), NULL);
	assert_non_null(x);
	assert_int_equal(x->kind, KIND_DEVIATION);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_string_equal(x->message, "'net.core.somaxconn' is 4096 live, but a reboot "
	    "would set 128; profile 't' wants >= 4096");
	assert_string_equal(x->persisted, "128");
	assert_string_equal(x->file, "/etc/sysctl.d/10-x.conf");
	assert_int_equal(x->line, 1);
	assert_string_equal(x->want, ">= 4096");
	/* The live value passes: it is the one persisted. */
	assert_string_equal(x->fix, "set net.core.somaxconn = 4096 in "
	    "/etc/sysctl.d/90-tcpadvise.conf");
	assert_false(x->remedy.live);
	assert_string_equal(x->reason, "r1");

	x = find(&f, id_of("D", "net.ipv4.tcp_fin_timeout"), NULL);
	assert_non_null(x);
	assert_string_equal(x->message, "'net.ipv4.tcp_fin_timeout' is 20 live, though a "
	    "reboot would set 30; profile 't' wants >= 25 and <= 60");
	assert_int_equal(x->severity, SEV_INFO);

	assert_null(find(&f, id_of("D", "net.ipv4.tcp_syncookies"), NULL));
	x = find(&f, "TA-H006", NULL);
	assert_non_null(x);
	assert_string_equal(x->want, "= 1");

	/* tcp_tw_reuse_delay does not exist in this fake 6.18 root. */
	x = find(&f, id_of("U", "net.ipv4.tcp_tw_reuse_delay"), NULL);
	assert_non_null(x);
	assert_int_equal(x->kind, KIND_UNSUPPORTED);
	assert_int_equal(x->severity, SEV_INFO);
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

static void
test_files_divergence_drift(void **state)
{
	char *root = root_618();
	struct profile *p;
	struct snapshot *s;
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	tree_write(root, "etc/sysctl.d/20-y.conf", "net.ipv4.tcp_fin_timeot = 30\n"
	    "this is not an assignment\n"
	    "net.ipv4.conf.eth9.rp_filter = 1\n");
	/* Read by procps only: no 99-sysctl.conf symlink. */
	tree_write(root, "etc/sysctl.conf", "net.core.somaxconn = 8192\n");
	/* Drift: live 1, the default 2, nothing persists it. */
	tree_sysctl(root, "net.ipv4.tcp_tw_reuse", "1");
	p = parse("name: t\ndescription: t\n");
	s = tree_snapshot(root);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);

	x = find(&f, "TA-C001", "net.ipv4.tcp_fin_timeot");
	assert_non_null(x);
	assert_string_equal(x->message, "unknown key 'net.ipv4.tcp_fin_timeot' "
	    "(did you mean 'net.ipv4.tcp_fin_timeout'?)");
	assert_string_equal(x->fix, "comment out /etc/sysctl.d/20-y.conf:1");

	/* An interface that is not up yet is no unknown key. */
	assert_null(find(&f, "TA-C001", "net.ipv4.conf.eth9.rp_filter"));

	x = find(&f, "TA-C002", NULL);
	assert_non_null(x);
	assert_string_equal(x->file, "/etc/sysctl.d/20-y.conf");
	assert_int_equal(x->line, 2);

	/* Only procps runs at boot here (no init: judged as procps reads
	   the files): no divergence to speak of. */
	assert_null(find(&f, "TA-C004", NULL));

	x = find(&f, id_of("R", "net.ipv4.tcp_tw_reuse"), NULL);
	assert_non_null(x);
	assert_int_equal(x->kind, KIND_DRIFT);
	assert_string_equal(x->message, "'net.ipv4.tcp_tw_reuse' is 1 live, but no "
	    "configuration file sets it: a reboot returns it to the default 2");
	assert_false(findings_reach(&f, SEV_CRITICAL));
	assert_true(findings_reach(&f, SEV_WARNING));
	/* Sorted: warnings (by id) before info. */
	for (size_t i = 1; i < f.n; i++)
		assert_true(f.items[i - 1].severity >= f.items[i].severity);
	findings_clear(&f);
	snapshot_free(s);

	/* systemd is init and rc.local runs sysctl -p after systemd-sysctl:
	   both appliers run, and they disagree on somaxconn. */
	tree_write(root, "run/systemd/system/.keep", "");
	tree_write(root, "etc/rc.local", "#!/bin/sh\nsysctl -p\n");
	{
		char path[4096];

		snprintf(path, sizeof path, "%s/etc/rc.local", root);
		assert_int_equal(chmod(path, 0755), 0);
	}
	s = tree_snapshot(root);
	assert_int_equal(s->boot, APPLIER_PROCPS);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);
	x = find(&f, "TA-C004", "net.core.somaxconn");
	assert_non_null(x);
	assert_string_equal(x->message, "'net.core.somaxconn': `sysctl --system` sets "
	    "'8192' (/etc/sysctl.conf:1) but systemd-sysctl sets nothing");
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

static void
test_child_netns(void **state)
{
	char *root = tree_new();
	struct profile *p;
	struct snapshot *s;
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.ipv4.tcp_tw_reuse", "1");
	tree_write(root, "etc/sysctl.d/60-net.conf", "net.core.netdev_max_backlog = 16384\n");
	p = parse("name: t\ndescription: t\nsettings:\n"
	    "  net.ipv4.tcp_max_orphans: {min: 65536, severity: warning, reason: r, source: s}\n");
	s = tree_snapshot(root);
	assert_true(s->netns_child);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);
	x = find(&f, id_of("U", "net.ipv4.tcp_max_orphans"), NULL);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_INFO);
	/* Global keys set by files: one finding for all of them, naming
	   every line; the host's lines, for the host to judge. */
	x = find(&f, "TA-C006", NULL);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_non_null(strstr(x->message, "net.core.netdev_max_backlog"));
	assert_int_equal(x->nlines, 1);
	assert_string_equal(x->lines[0].file, "/etc/sysctl.d/60-net.conf");
	assert_false(x->remedy.fixable);
	assert_null(find(&f, id_of("U", "net.core.netdev_max_backlog"), NULL));
	/* No drift for unpersisted keys in a child: its defaults are not the
	   kernel's own (a runtime may have set them). */
	assert_null(find(&f, id_of("R", "net.ipv4.tcp_tw_reuse"), NULL));
	findings_clear(&f);
	/* --all-netns: the host's namespace judges global keys; here no
	   finding is about one, and the counts follow. A file's finding
	   that names them stays: the file is this namespace's. */
	{
		struct policy_opts po = { NULL, true };

		assert_int_equal(rules_eval(p, s, &po, &f), 0);
		assert_null(find(&f, id_of("U", "net.ipv4.tcp_max_orphans"), NULL));
		assert_non_null(find(&f, "TA-C006", NULL));
		assert_int_equal(f.count[SEV_CRITICAL] + f.count[SEV_WARNING] +
		    f.count[SEV_INFO], f.n);
		for (size_t i = 0; i < f.n; i++)
			assert_true(f.items[i].key == NULL ||
			    catalog_lookup(f.items[i].key)->scope == SCOPE_NETNS);
		findings_clear(&f);
	}
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

static void
test_shadowed(void **state)
{
	char *root = root_618();
	struct profile *p;
	struct snapshot *s;
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf", "# profile: t\n"
	    "net.core.somaxconn = 4096\nnet.ipv4.tcp_fin_timeout = 30\n");
	tree_write(root, "etc/sysctl.d/95-local.conf", "net.core.somaxconn = 1024\n");
	/* Read only by procps (no 99-sysctl.conf symlink here). */
	tree_write(root, "etc/sysctl.conf", "net.ipv4.tcp_fin_timeout = 10\n");
	/* An earlier file is harmless. */
	tree_write(root, "etc/sysctl.d/10-early.conf", "net.ipv4.tcp_fin_timeout = 20\n");
	p = parse("name: t\ndescription: t\nsettings:\n"
	    "  net.core.somaxconn: {min: 4096, severity: warning, reason: r, source: s}\n");
	s = tree_snapshot(root);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);

	/* A later value the profile refuses: a deviation whose remedy keeps
	   the value the host runs and disables the later line. */
	assert_null(find(&f, id_of("S", "net.core.somaxconn"), NULL));
	x = find(&f, id_of("D", "net.core.somaxconn"), NULL);
	assert_non_null(x);
	assert_string_equal(x->file, "/etc/sysctl.d/95-local.conf");
	assert_int_equal(x->remedy.action, REMEDY_SET);
	assert_false(x->remedy.live);
	assert_true(x->remedy.persist);
	assert_string_equal(x->fix, "set net.core.somaxconn = 4096 in "
	    "/etc/sysctl.d/90-tcpadvise.conf; comment out "
	    "/etc/sysctl.d/95-local.conf:1 (read after it)");
	assert_null(x->fix_live);

	/* A later value the profile does not judge: the fragment's line does
	   nothing, which is worth knowing and nothing more. */
	x = find(&f, id_of("S", "net.ipv4.tcp_fin_timeout"), NULL);
	assert_non_null(x);
	assert_int_equal(x->kind, KIND_SHADOWED);
	assert_int_equal(x->severity, SEV_INFO);
	assert_int_equal(x->remedy.action, REMEDY_NONE);
	assert_string_equal(x->message, "/etc/sysctl.conf:1 sets "
	    "'net.ipv4.tcp_fin_timeout = 10' after /etc/sysctl.d/90-tcpadvise.conf:3, "
	    "with a value the profile accepts: the fragment's line does nothing");
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

/* A "remove" fix for a live vector whose default depends on memory: the
   live fields sorted, the smallest change that clears the rule. */
static void
test_remove_without_default(void **state)
{
	char *root = root_618();
	struct profile *p;
	struct snapshot *s;
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	tree_sysctl(root, "net.ipv4.tcp_rmem", "16777216\t4096\t1");
	p = parse("name: t\ndescription: t\nrules:\n"
	    "  - id: TA-H116\n    key: net.ipv4.tcp_rmem\n    severity: warning\n"
	    "    title: unordered\n    reason: r\n    source: s\n    fix: remove\n"
	    "    when: {key: net.ipv4.tcp_rmem, ordered: false}\n");
	s = tree_snapshot(root);
	assert_false(snapshot_key(s, "net.ipv4.tcp_rmem")->has_default);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);
	assert_non_null(x = find(&f, "TA-H116", NULL));
	assert_int_equal(x->remedy.action, REMEDY_SET);
	assert_true(x->remedy.live);
	assert_true(x->remedy.fixable);
	assert_string_equal(x->remedy.live_value, "1 4096 16777216");
	assert_string_equal(x->fix, "sysctl -w net.ipv4.tcp_rmem=1 4096 16777216");
	findings_clear(&f);
	snapshot_free(s);

	/* Done as written, the finding is gone. */
	tree_sysctl(root, "net.ipv4.tcp_rmem", "1\t4096\t16777216");
	s = tree_snapshot(root);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);
	assert_null(find(&f, "TA-H116", NULL));
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_operands),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_files_divergence_drift),
		cmocka_unit_test(test_child_netns),
		cmocka_unit_test(test_shadowed),
		cmocka_unit_test(test_remove_without_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
