/*
 * Unit tests of src/policy/lint.c (and snapshot_from_files()): every class of
 * finding, where each is reported, their order, and a clean file set.
 * Files are written to throw-away directories; the profile is the built-in
 * baseline.
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

#include "lint.c"
#include "tree.h"

#define MAX_FILES 8

/* A directory of files and the findings lint has for them. */
struct run {
	char *dir;
	char *paths[MAX_FILES];
	size_t n;
	struct profile *p;
	struct snapshot *s;
	struct findings f;
};

static void
run_add(struct run *r, const char *name, const char *content)
{
	char path[PATH_MAX];

	if (r->dir == NULL)
		r->dir = tree_new();
	assert_true(r->n < MAX_FILES);
	tree_write(r->dir, name, content);
	snprintf(path, sizeof path, "%s/%s", r->dir, name);
	r->paths[r->n++] = strdup(path);
}

static void
run_lint(struct run *r, const char *kernel)
{
	struct profile_search search = { NULL, 0 };
	struct diag_list d = DIAG_LIST_INIT;

	assert_int_equal(profile_load("baseline", &search, &r->p, &d), 0);
	diag_list_clear(&d);
	assert_int_equal(snapshot_from_files(NULL, (const char *const *)r->paths, r->n,
	    kernel, &r->s), 0);
	r->f = (struct findings)FINDINGS_INIT;
	assert_int_equal(lint_eval(r->p, r->s, NULL, &r->f), 0);
}

static void
run_free(struct run *r)
{
	findings_clear(&r->f);
	snapshot_free(r->s);
	profile_free(r->p);
	for (size_t i = 0; i < r->n; i++)
		free(r->paths[i]);
	tree_free(r->dir);
	memset(r, 0, sizeof *r);
}

/* The finding with this id at name:line (line 0: any line), or NULL. */
static const struct finding *
at(const struct run *r, const char *id, const char *name, unsigned line)
{
	for (size_t i = 0; i < r->f.n; i++) {
		const struct finding *x = &r->f.items[i];
		const char *base = x->file ? strrchr(x->file, '/') : NULL;

		if (strcmp(x->id, id) == 0 && base != NULL &&
		    strcmp(base + 1, name) == 0 && (line == 0 || x->line == line))
			return x;
	}
	return NULL;
}

static size_t
count(const struct run *r, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < r->f.n; i++)
		n += strcmp(r->f.items[i].id, id) == 0;
	return n;
}

static void
test_clean(void **state)
{
	struct run r = { 0 };

	(void)state;
	run_add(&r, "50-tcp.conf",
	    "# comment\n"
	    "; another\n"
	    "\n"
	    "net.core.somaxconn = 4096\n"
	    "net.ipv4.tcp_fin_timeout = 30\n"
	    "net.ipv4.ip_local_port_range = 10000 60999\n"
	    "net.ipv4.tcp_rmem = 4096\t131072\t33554432\n"
	    "net.ipv4.conf.all.rp_filter = 1\n"
	    "net.ipv6.conf.eth0.accept_ra = 0\n"
	    "kernel.pid_max = 4194304\n"
	    "net.ipv4.conf.*.rp_filter = 2\n"
	    "-net.ipv4.tcp_ecn\n");
	run_add(&r, "60-more.conf", "net.ipv4.tcp_syn_retries = 6\n");
	run_lint(&r, "6.1");
	assert_int_equal(r.f.n, 0);
	assert_false(findings_reach(&r.f, SEV_INFO));
	run_free(&r);
}

static void
test_syntax(void **state)
{
	struct run r = { 0 };
	const struct finding *x;

	(void)state;
	run_add(&r, "a.conf", "net.core.somaxconn = 4096\nnet.ipv4.tcp_fin_timeout 30\n= 5\n");
	run_lint(&r, "6.1");
	x = at(&r, "TA-C002", "a.conf", 2);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_string_equal(x->message,
	    "line is not an assignment: 'net.ipv4.tcp_fin_timeout 30'");
	assert_non_null(strstr(x->fix, "a.conf:2"));
	x = at(&r, "TA-C002", "a.conf", 3);
	assert_non_null(x);
	assert_string_equal(x->message, "empty key: '= 5'");
	assert_int_equal(r.f.n, 2);
	run_free(&r);
}

static void
test_unknown(void **state)
{
	struct run r = { 0 };
	const struct finding *x;

	(void)state;
	run_add(&r, "a.conf",
	    "net.ipv4.tcp_fin_timout = 30\n"
	    "net.ipv4.ip_nonlocal_bind = 1\n"
	    "net.ipv4.conf.eth0.rp_filter = 1\n"
	    "net.ipv4.neigh.default.gc_thresh3 = 4096\n"
	    "net.ipv6.conf.all.disable_ipv6 = 1\n"
	    "vm.swappiness = 10\n");
	run_add(&r, "b.conf", "\xef\xbb\xbfnet.core.somaxconn = 4096\n");
	run_lint(&r, "6.1");
	x = at(&r, "TA-C001", "a.conf", 1);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_string_equal(x->message, "unknown key 'net.ipv4.tcp_fin_timout' "
	    "(did you mean 'net.ipv4.tcp_fin_timeout'?)");
	assert_string_equal(x->key, "net.ipv4.tcp_fin_timout");
	/* Not close to any known key: only "not checked", and no fix. */
	x = at(&r, "TA-C001", "a.conf", 2);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_INFO);
	assert_null(x->fix);
	x = at(&r, "TA-C001", "b.conf", 1);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_non_null(strstr(x->message, "byte order mark"));
	assert_int_equal(count(&r, "TA-C001"), 3);
	assert_int_equal(r.f.n, 3);
	run_free(&r);
}

static void
test_removed(void **state)
{
	struct run r = { 0 };
	const struct finding *x;

	(void)state;
	run_add(&r, "a.conf", "net.ipv4.tcp_abc = 1\nnet.ipv4.tcp_tw_recycle = 1\n"
	    "net.ipv4.tcp_tw_reuse_delay = 2000\n");
	run_lint(&r, "6.1");
	x = at(&r, "TA-U045", "a.conf", 1);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_int_equal(x->kind, KIND_UNSUPPORTED);
	assert_string_equal(x->message, "'net.ipv4.tcp_abc' was removed in Linux "
	    "3.9: on 6.1 the line sets nothing");
	/* The hazard rule about tcp_tw_recycle says more than TA-U002. */
	assert_non_null(at(&r, "TA-H101", "a.conf", 2));
	assert_null(at(&r, "TA-U002", "a.conf", 0));
	/* Added in 6.14: not on 6.1. */
	x = at(&r, "TA-U008", "a.conf", 3);
	assert_non_null(x);
	assert_non_null(strstr(x->message, "first appeared in Linux 6.14"));
	run_free(&r);

	/* On 3.8 tcp_abc still exists, and 1 is a valid value. */
	run_add(&r, "a.conf", "net.ipv4.tcp_abc = 1\n");
	run_lint(&r, "3.8");
	assert_int_equal(r.f.n, 0);
	run_free(&r);
}

static void
test_values(void **state)
{
	struct run r = { 0 };
	const struct finding *x;

	(void)state;
	run_add(&r, "a.conf",
	    "net.ipv4.tcp_tw_reuse = 5\n"
	    "net.ipv4.ip_local_port_range = 1024 65536\n"
	    "net.ipv4.tcp_keepalive_time = abc\n"
	    "net.ipv4.tcp_keepalive_probes =\n"
	    "net.ipv4.tcp_keepalive_intvl = 1\n"
	    "net.core.somaxconn = 4096 # comment after the number\n"
	    "net.ipv4.tcp_rmem = \"4096 131072 6291456\"\n");
	run_lint(&r, "6.1");
	x = at(&r, "TA-L001", "a.conf", 1);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_string_equal(x->message, "the kernel rejects 'net.ipv4.tcp_tw_reuse "
	    "= 5': the value must be between 0 and 2");
	x = at(&r, "TA-L001", "a.conf", 2);
	assert_non_null(x);
	assert_non_null(strstr(x->message, "field 2 must be between 1 and 65535"));
	/* The hazards on ip_local_port_range do not judge a rejected value. */
	assert_null(at(&r, "TA-H012", "a.conf", 0));
	assert_null(at(&r, "TA-H212", "a.conf", 0));
	assert_non_null(at(&r, "TA-L001", "a.conf", 3));
	assert_non_null(at(&r, "TA-L001", "a.conf", 4));
	x = at(&r, "TA-L002", "a.conf", 5);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_INFO);
	assert_string_equal(x->message, "'net.ipv4.tcp_keepalive_intvl = 1' is "
	    "outside the sane range: the value must be between 5 and 300");
	/* The kernel ignores what follows the number (sysctl-d.md 2.1). */
	assert_null(at(&r, "TA-L001", "a.conf", 6));
	assert_non_null(at(&r, "TA-L001", "a.conf", 7));
	assert_int_equal(r.f.n, 6);
	run_free(&r);
}

/* conf.all and conf.default are catalogued; a named interface is not. */
static void
test_interface_trees(void **state)
{
	struct run r = { 0 };
	const struct finding *x;

	(void)state;
	run_add(&r, "a.conf",
	    "net.ipv4.conf.all.rp_filter = 3\n"
	    "net.ipv4.conf.default.rp_filter = 2\n"
	    "net.ipv4.tcp_reordering = 0\n"
	    "net.ipv4.conf.eth0.rp_filter = 9\n"
	    "net.ipv4.neigh.default.gc_thresh3 = -1\n");
	run_lint(&r, "6.18");
	x = at(&r, "TA-L002", "a.conf", 1);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_INFO);
	assert_string_equal(x->message, "'net.ipv4.conf.all.rp_filter = 3' is "
	    "outside the sane range: the value must be between 0 and 2");
	x = at(&r, "TA-L001", "a.conf", 3);
	assert_non_null(x);
	assert_string_equal(x->message, "the kernel rejects 'net.ipv4.tcp_reordering "
	    "= 0': the value must be between 1 and 2147483647");
	x = at(&r, "TA-L001", "a.conf", 5);
	assert_non_null(x);
	assert_int_equal(r.f.n, 3);
	run_free(&r);
}

static void
test_hazards(void **state)
{
	struct run r = { 0 };
	const struct finding *x;

	(void)state;
	run_add(&r, "10-a.conf", "net.ipv4.tcp_timestamps = 0\nnet.ipv4.tcp_fin_timeout = 10\n");
	run_lint(&r, "6.1");
	x = at(&r, "TA-H003", "10-a.conf", 1);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	assert_int_equal(x->kind, KIND_HAZARD);
	assert_string_equal(x->key, "net.ipv4.tcp_timestamps");
	assert_string_equal(x->persisted, "0");
	assert_true(x->in_persisted);
	assert_false(x->in_live);
	assert_string_equal(x->fix, "set net.ipv4.tcp_timestamps = 1 in "
	    "/etc/sysctl.d/90-tcpadvise.conf");
	assert_null(x->fix_live);
	/* The sane-range finding is left to the hazard. */
	assert_null(at(&r, "TA-L002", "10-a.conf", 1));
	assert_non_null(at(&r, "TA-H004", "10-a.conf", 2));
	run_free(&r);

	/* A later file wins: the hazard is gone, the conflict is reported. */
	run_add(&r, "10-a.conf", "net.ipv4.tcp_timestamps = 0\n");
	run_add(&r, "20-b.conf", "net.ipv4.tcp_timestamps = 1\n");
	run_lint(&r, "6.1");
	assert_null(at(&r, "TA-H003", "10-a.conf", 0));
	/* Reported at the earlier line, the one its fix comments out. */
	assert_non_null(at(&r, "TA-L003", "10-a.conf", 1));
	assert_non_null(at(&r, "TA-L002", "10-a.conf", 1));
	/* The overridden line would be a hazard on its own. */
	assert_non_null(at(&r, "TA-C005", "10-a.conf", 1));
	assert_int_equal(r.f.n, 3);
	run_free(&r);

	/* A rule that holds on kernel defaults alone is not about the files:
	   tcp_tw_recycle exists on 4.9 but no file sets it. */
	run_add(&r, "a.conf", "net.core.somaxconn = 4096\n");
	run_lint(&r, "4.9");
	assert_null(at(&r, "TA-H001", "a.conf", 0));
	run_free(&r);
}

static void
test_duplicates(void **state)
{
	struct run r = { 0 };
	const struct finding *x;
	char want[PATH_MAX * 2 + 128];

	(void)state;
	run_add(&r, "a.conf", "net.core.somaxconn = 4096\n"
	    "net.ipv4.tcp_fin_timeout = 10\n"
	    "net.ipv4.tcp_keepalive_time = 600\n"
	    "net.ipv4.tcp_keepalive_time = 600\n"
	    "net.ipv4.tcp_rmem = 4096 131072 6291456\n");
	run_add(&r, "b.conf", "\n\nnet.core.somaxconn = 4096\n"
	    "net.ipv4.tcp_fin_timeout = 30\n"
	    "net.ipv4.tcp_rmem = 4096\t131072  6291456\n"
	    "net.ipv4.tcp_syn_retries = 5\n"
	    "net.ipv4.tcp_syn_retries = 6\n");
	run_lint(&r, "6.1");
	x = at(&r, "TA-L003", "a.conf", 2);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARNING);
	snprintf(want, sizeof want, "net.ipv4.tcp_fin_timeout is set to 10 at "
	    "%s:2 and to 30 at %s:4; the later one wins", r.paths[0], r.paths[1]);
	assert_string_equal(x->message, want);
	assert_int_equal(x->nlines, 2);
	assert_int_equal(x->lines[0].line, 2);
	assert_int_equal(x->lines[1].line, 4);
	snprintf(want, sizeof want, "comment out %s:2 (the earlier line)", r.paths[0]);
	assert_string_equal(x->fix, want);
	/* Same value in two files: shadowed, blanks do not matter. */
	x = at(&r, "TA-L004", "a.conf", 1);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_INFO);
	assert_int_equal(x->kind, KIND_SHADOWED);
	assert_non_null(at(&r, "TA-L004", "a.conf", 5));
	/* Same value twice in one file: not reported. */
	assert_null(at(&r, "TA-L004", "a.conf", 3));
	assert_null(at(&r, "TA-L004", "a.conf", 4));
	/* Different values in one file: a conflict too. */
	assert_non_null(at(&r, "TA-L003", "b.conf", 6));
	assert_int_equal(count(&r, "TA-L003"), 2);
	assert_int_equal(count(&r, "TA-L004"), 2);
	run_free(&r);
}

static void
test_secret(void **state)
{
	struct run r = { 0 };
	const struct finding *x;

	(void)state;
	run_add(&r, "a.conf", "net.ipv4.tcp_fastopen_key = 00000000-00000000-00000000-00000001\n");
	run_add(&r, "b.conf", "net.ipv4.tcp_fastopen_key = 00000000-00000000-00000000-00000002\n");
	run_lint(&r, "6.1");
	for (size_t i = 0; i < r.f.n; i++) {
		assert_null(strstr(r.f.items[i].message, "0000"));
		assert_null(r.f.items[i].persisted);
	}
	x = at(&r, "TA-L003", "a.conf", 1);
	assert_non_null(x);
	run_free(&r);
}

static void
test_order(void **state)
{
	struct run r = { 0 };
	const struct sysctld_config *c;

	(void)state;
	/* Given in the wrong order, and one file twice. */
	run_add(&r, "sysctl.conf", "net.ipv4.tcp_fin_timeout = 40\nnet.ipv4.tcp_tw_reuse = 9\n");
	run_add(&r, "99-z.conf", "net.ipv4.tcp_fin_timeout = 30\nbroken\n");
	run_add(&r, "10-a.conf", "net.ipv4.tcp_fin_timeout = 20\nnet.ipv4.ip_nonlocal_bind = 1\n");
	r.paths[r.n++] = strdup(r.paths[1]);
	run_lint(&r, "6.1");
	c = r.s->config;
	assert_int_equal(c->nfiles, 3);
	assert_string_equal(c->files[0].name, "10-a.conf");
	assert_string_equal(c->files[1].name, "99-z.conf");
	assert_string_equal(c->files[2].name, "sysctl.conf");
	assert_int_equal(r.s->boot, APPLIER_PROCPS);
	assert_true(sysctld_applier_reads(APPLIER_SYSTEMD, &c->files[0]));
	assert_false(sysctld_applier_reads(APPLIER_SYSTEMD, &c->files[2]));
	/* sysctl.conf is read last: its value is the one a reboot sets. */
	assert_string_equal(snapshot_key(r.s, "net.ipv4.tcp_fin_timeout")->eff[APPLIER_PROCPS].line->value, "40");
	assert_int_equal(snapshot_key(r.s, "net.core.somaxconn")->status, LIVE_ABSENT);

	/* Severity first, then reading order and line. */
	assert_int_equal(r.f.n, 5);
	assert_true(at(&r, "TA-L003", "10-a.conf", 1) == &r.f.items[0]);
	assert_true(at(&r, "TA-L003", "99-z.conf", 1) == &r.f.items[1]);
	assert_true(at(&r, "TA-C002", "99-z.conf", 2) == &r.f.items[2]);
	assert_true(at(&r, "TA-L001", "sysctl.conf", 2) == &r.f.items[3]);
	assert_true(at(&r, "TA-C001", "10-a.conf", 2) == &r.f.items[4]);
	for (size_t i = 1; i < r.f.n; i++) {
		const struct finding *a = &r.f.items[i - 1], *b = &r.f.items[i];

		assert_true(a->severity >= b->severity);
		if (a->severity == b->severity) {
			size_t fa = file_rank(c, a->file), fb = file_rank(c, b->file);

			assert_true(fa < fb || (fa == fb && a->line <= b->line));
		}
	}
	run_free(&r);
}

static void
test_from_files_errors(void **state)
{
	const char *missing[] = { "/nonexistent/dir/90-x.conf" };
	struct snapshot *s = NULL;
	char *dir = tree_new();
	const char *dirs[] = { dir };

	(void)state;
	assert_int_equal(snapshot_from_files(NULL, missing, 1, "6.1", &s), 0);
	assert_int_equal(s->config->nfiles, 1);
	assert_int_equal(s->config->files[0].error, -ENOENT);
	assert_string_equal(s->config->files[0].path, missing[0]);
	s = snapshot_free(s);
	assert_int_equal(snapshot_from_files(NULL, dirs, 1, NULL, &s), 0);
	assert_int_equal(s->config->files[0].error, -EISDIR);
	assert_false(s->kernel_overridden);
	s = snapshot_free(s);
	assert_int_equal(snapshot_from_files(NULL, missing, 1, "six", &s), -EINVAL);
	assert_null(s);
	tree_free(dir);
}

/* Keys the catalog lacks are looked up below the root's /proc/sys: one the
   kernel has is no "unknown key", one it lacks is, with a warning. */
static void
test_probe_root(void **state)
{
	char *root = tree_new(), *dir = tree_new(), path[4096];
	const char *paths[] = { path };
	struct snapshot *s = NULL;
	struct findings f = FINDINGS_INIT;
	struct profile *p = NULL;
	struct diag_list d = DIAG_LIST_INIT;
	static const char yaml[] = "name: t\ndescription: t\n";

	(void)state;
	tree_sysctl(root, "net.ipv4.ip_nonlocal_bind", "0");
	snprintf(path, sizeof path, "%s/50-x.conf", dir);
	tree_write(dir, "50-x.conf", "net.ipv4.ip_nonlocal_bind = 1\nnet.ipv4.tcp_bogus_thing = 1\n");
	assert_int_equal(profile_parse("t.yaml", yaml, sizeof yaml - 1, &p, &d), 0);
	assert_int_equal(snapshot_from_files(root, paths, 1, "6.1", &s), 0);
	assert_true(s->others_probed);
	assert_int_equal(lint_eval(p, s, NULL, &f), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.items[0].id, "TA-C001");
	assert_string_equal(f.items[0].key, "net.ipv4.tcp_bogus_thing");
	assert_int_equal(f.items[0].severity, SEV_WARNING);
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	diag_list_clear(&d);
	tree_free(dir);
	tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_probe_root),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_removed),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_interface_trees),
		cmocka_unit_test(test_hazards),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_from_files_errors),
	};

	(void)tree_sysctl;	/* no /proc tree here: lint reads none */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
