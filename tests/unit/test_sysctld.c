/*
 * Unit tests for sysctld.c. Every fixture tree under tests/fixtures/sysctld/
 * reproduces a case observed with procps-ng 4.0.2 and systemd 252
 * or a case observed with procps-ng 4.0.2 `sysctl --system` and systemd 252
 * `systemd-sysctl` in a private mount and network namespace; the procps and
 * systemd outcomes are asserted separately. The syntax/ files are parsed one
 * by one, as `sysctl -p FILE` and `systemd-sysctl FILE` would read them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysctld.c"
#include "parse.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* sysctld.c allocates with the C library (strdup() included), so the tests
   free with it too, not with cmocka's checking allocator. */
#undef malloc
#undef realloc
#undef calloc
#undef free

#ifndef FIXTURES
#define FIXTURES "tests/fixtures/sysctld"
#endif

#define P APPLIER_PROCPS
#define S APPLIER_SYSTEMD

static struct sysctld_config *
load(const char *name)
{
	struct sysctld_config *c = NULL;
	char root[256];
	int r;

	snprintf(root, sizeof root, "%s/%s", FIXTURES, name);
	r = sysctld_load(root, &c);
	if (r < 0)
		fail_msg("sysctld_load(%s): %s", root, strerror(-r));
	assert_non_null(c);
	return c;
}

/* A configuration of one file parsed with sysctld_parse_file(), placed in
   /etc/sysctl.d so that both appliers read it. */
static struct sysctld_config *
load_one(const char *name)
{
	struct sysctld_config *c = calloc(1, sizeof *c);
	char real[256];

	assert_non_null(c);
	c->files = calloc(1, sizeof *c->files);
	assert_non_null(c->files);
	snprintf(real, sizeof real, "%s/syntax/%s", FIXTURES, name);
	assert_int_equal(sysctld_parse_file(name, real, &c->files[0]), 0);
	c->nfiles = 1;
	if (c->files[0].error != 0)
		fail_msg("%s: %s", real, strerror(-c->files[0].error));
	c->files[0].dir = 0;
	return c;
}

static size_t
file_index(const struct sysctld_config *c, const char *name)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].name, name) == 0)
			return i;
	fail_msg("no file %s", name);
	return 0;
}

static const struct sysctld_line *
line_at(const struct sysctld_file *f, unsigned lineno)
{
	for (size_t i = 0; i < f->nlines; i++)
		if (f->lines[i].lineno == lineno)
			return &f->lines[i];
	fail_msg("%s: no line %u", f->path, lineno);
	return NULL;
}

static const char *
applier_name(enum sysctld_applier a)
{
	return a == P ? "procps" : "systemd";
}

/*
 * What the applier does with key, asked both ways: of c line by line and
 * of an index of c, which must agree to the line.
 */
static void
effect(const struct sysctld_config *c, enum sysctld_applier a, const char *key,
    struct sysctld_effect *ret)
{
	struct sysctld_index *ix;
	struct sysctld_effect e;

	assert_int_equal(sysctld_effective(c, a, key, ret), 0);
	assert_int_equal(sysctld_index_new(c, &ix), 0);
	assert_int_equal(sysctld_index_effective(ix, a, key, &e), 0);
	if (e.line != ret->line || e.excluded != ret->excluded ||
	    e.nassign != ret->nassign)
		fail_msg("%s %s: the index says line %u excluded=%d nassign=%zu, "
		    "the walk line %u excluded=%d nassign=%zu", applier_name(a), key,
		    e.line ? e.line->lineno : 0, e.excluded, e.nassign,
		    ret->line ? ret->line->lineno : 0, ret->excluded, ret->nassign);
	sysctld_index_free(ix);
}

/* The applier sets key to value from file:lineno (file is the target). */
static void
expect_set(const struct sysctld_config *c, enum sysctld_applier a,
    const char *key, const char *value, const char *file, unsigned lineno)
{
	struct sysctld_effect e;

	effect(c, a, key, &e);
	if (e.line == NULL || e.excluded)
		fail_msg("%s %s: nothing set, want '%s'", applier_name(a), key, value);
	if (strcmp(e.line->value, value) != 0)
		fail_msg("%s %s: '%s', want '%s'", applier_name(a), key,
		    e.line->value, value);
	if (file != NULL && (strcmp(sysctld_line_file(c, e.line), file) != 0 ||
	    e.line->lineno != lineno))
		fail_msg("%s %s: from %s:%u, want %s:%u", applier_name(a), key,
		    sysctld_line_file(c, e.line), e.line->lineno, file, lineno);
}

/* The applier leaves key alone and no exclusion is involved. */
static void
expect_unset(const struct sysctld_config *c, enum sysctld_applier a,
    const char *key)
{
	struct sysctld_effect e;

	effect(c, a, key, &e);
	if (e.line != NULL)
		fail_msg("%s %s: '%s' from %s:%u (excluded=%d), want nothing",
		    applier_name(a), key, e.line->value ? e.line->value : "(none)",
		    sysctld_line_file(c, e.line), e.line->lineno, e.excluded);
}

/* The applier leaves key alone because of the exclusion at file:lineno. */
static void
expect_excluded(const struct sysctld_config *c, enum sysctld_applier a,
    const char *key, const char *file, unsigned lineno)
{
	struct sysctld_effect e;

	effect(c, a, key, &e);
	if (e.line == NULL || !e.excluded)
		fail_msg("%s %s: not excluded", applier_name(a), key);
	assert_int_equal(e.line->kind, LINE_EXCLUDE);
	if (strcmp(sysctld_line_file(c, e.line), file) != 0 || e.line->lineno != lineno)
		fail_msg("%s %s: excluded at %s:%u, want %s:%u", applier_name(a),
		    key, sysctld_line_file(c, e.line), e.line->lineno, file, lineno);
}

static size_t
nassign(const struct sysctld_config *c, enum sysctld_applier a, const char *key)
{
	struct sysctld_effect e;

	effect(c, a, key, &e);
	return e.nassign;
}

/* Both appliers. */
static void
expect_both(const struct sysctld_config *c, const char *key, const char *value,
    const char *file, unsigned lineno)
{
	expect_set(c, P, key, value, file, lineno);
	expect_set(c, S, key, value, file, lineno);
}

static void
expect_file(const struct sysctld_config *c, size_t i, const char *name,
    const char *path, const char *target, unsigned dir)
{
	const struct sysctld_file *f;

	assert_true(i < c->nfiles);
	f = &c->files[i];
	assert_string_equal(f->name, name);
	assert_string_equal(f->path, path);
	assert_string_equal(f->target, target);
	assert_int_equal(f->dir, dir);
}

/* Shadowing by name across directories (plus /usr/local/lib and /lib). */
static void
test_row_shadowing(void **state)
{
	struct sysctld_config *c = load("shadow");

	(void)state;
	assert_int_equal(c->nfiles, 3);
	expect_file(c, 0, "50-a.conf", "/etc/sysctl.d/50-a.conf", "/etc/sysctl.d/50-a.conf", 0);
	expect_file(c, 1, "55-l.conf", "/usr/local/lib/sysctl.d/55-l.conf",
	    "/usr/local/lib/sysctl.d/55-l.conf", 2);
	expect_file(c, 2, "56-only-lib.conf", "/lib/sysctl.d/56-only-lib.conf",
	    "/lib/sysctl.d/56-only-lib.conf", 4);
	assert_int_equal(c->nshadowed, 3);
	assert_string_equal(c->shadowed[0].path, "/run/sysctl.d/50-a.conf");
	assert_int_equal(c->shadowed[0].by, 0);
	assert_string_equal(c->shadowed[1].path, "/usr/lib/sysctl.d/50-a.conf");
	assert_int_equal(c->shadowed[1].by, 0);
	assert_string_equal(c->shadowed[2].path, "/usr/lib/sysctl.d/55-l.conf");
	assert_int_equal(c->shadowed[2].by, 1);

	expect_both(c, "net.ipv4.tcp_fin_timeout", "12", "/etc/sysctl.d/50-a.conf", 1);
	/* Shadowed files are never read. */
	expect_unset(c, P, "net.ipv4.tcp_keepalive_time");
	expect_unset(c, S, "net.ipv4.tcp_keepalive_time");
	assert_int_equal(nassign(c, P, "net.ipv4.tcp_fin_timeout"), 1);
	assert_int_equal(nassign(c, S, "net.ipv4.tcp_fin_timeout"), 1);
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "5",
	    "/usr/local/lib/sysctl.d/55-l.conf", 1);
	expect_both(c, "net.ipv4.tcp_syn_retries", "4", "/lib/sysctl.d/56-only-lib.conf", 1);
	c = sysctld_free(c);
	assert_null(c);
}

/* A planned file with the given text, loaded over the "shadow" fixture. */
static struct sysctld_config *
planned_over_shadow(const char *path, const char *text)
{
	struct sysctld_config *c = NULL;
	struct sysctld_planned planned;
	char real[] = "/tmp/test_sysctld_planned.XXXXXX";
	int fd = mkstemp(real);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	planned.path = path;
	planned.real = real;
	assert_int_equal(sysctld_load_planned(FIXTURES "/shadow", &planned, 1, &c), 0);
	assert_int_equal(unlink(real), 0);
	return c;
}

/* The files as they will be: a new file takes its place in reading order;
   a planned file replaces the one at its path; one shadowed by a
   higher-priority directory stays unread; /etc/sysctl.conf comes last; a
   path neither applier reads changes nothing. */
static void
test_planned(void **state)
{
	struct sysctld_config *c;

	(void)state;
	/* New, between 50-a and 55-l. */
	c = planned_over_shadow("/etc/sysctl.d/52-new.conf", "net.ipv4.tcp_fin_timeout = 20\n");
	assert_int_equal(c->nfiles, 4);
	expect_file(c, 1, "52-new.conf", "/etc/sysctl.d/52-new.conf", "/etc/sysctl.d/52-new.conf", 0);
	assert_int_equal(c->files[1].error, 0);
	expect_both(c, "net.ipv4.tcp_fin_timeout", "20", "/etc/sysctl.d/52-new.conf", 1);
	assert_int_equal(nassign(c, P, "net.ipv4.tcp_fin_timeout"), 2);
	assert_int_equal(c->nshadowed, 3);
	sysctld_free(c);

	/* In place of the existing /etc/sysctl.d/50-a.conf, which still
	   shadows its namesakes. */
	c = planned_over_shadow("/etc/sysctl.d/50-a.conf", "net.ipv4.tcp_fin_timeout = 21\n");
	assert_int_equal(c->nfiles, 3);
	expect_file(c, 0, "50-a.conf", "/etc/sysctl.d/50-a.conf", "/etc/sysctl.d/50-a.conf", 0);
	expect_both(c, "net.ipv4.tcp_fin_timeout", "21", "/etc/sysctl.d/50-a.conf", 1);
	assert_int_equal(c->nshadowed, 3);
	sysctld_free(c);

	/* In /usr/lib, under the name /usr/local/lib already has: shadowed,
	   never read. */
	c = planned_over_shadow("/usr/lib/sysctl.d/55-l.conf", "net.ipv4.tcp_keepalive_probes = 7\n");
	assert_int_equal(c->nfiles, 3);
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "5", "/usr/local/lib/sysctl.d/55-l.conf", 1);
	assert_int_equal(c->nshadowed, 3);
	sysctld_free(c);

	/* /etc/sysctl.conf, which the fixture does not have. */
	c = planned_over_shadow("/etc/sysctl.conf", "net.ipv4.tcp_fin_timeout = 22\n");
	assert_int_equal(c->nfiles, 4);
	assert_string_equal(c->files[3].path, "/etc/sysctl.conf");
	assert_string_equal(c->files[3].target, "/etc/sysctl.conf");
	assert_int_equal(c->files[3].lines[0].file, 3);
	/* procps reads it last; systemd does not read it at all. */
	expect_set(c, P, "net.ipv4.tcp_fin_timeout", "22", "/etc/sysctl.conf", 1);
	expect_set(c, S, "net.ipv4.tcp_fin_timeout", "12", "/etc/sysctl.d/50-a.conf", 1);
	sysctld_free(c);

	/* Not read by either applier: nothing changes. */
	c = planned_over_shadow("/etc/tcpadvise.conf", "net.ipv4.tcp_fin_timeout = 23\n");
	assert_int_equal(c->nfiles, 3);
	expect_both(c, "net.ipv4.tcp_fin_timeout", "12", "/etc/sysctl.d/50-a.conf", 1);
	sysctld_free(c);
	c = planned_over_shadow("/etc/sysctl.d/52-new.conf.bak", "net.ipv4.tcp_fin_timeout = 24\n");
	assert_int_equal(c->nfiles, 3);
	sysctld_free(c);
	c = planned_over_shadow("/srv/sysctl.d/52-new.conf", "net.ipv4.tcp_fin_timeout = 25\n");
	assert_int_equal(c->nfiles, 3);
	sysctld_free(c);
}

/* Row 2: the later name wins, whatever its directory. */
static void
test_row_later_name(void **state)
{
	struct sysctld_config *c = load("later-name");

	(void)state;
	assert_int_equal(c->nfiles, 2);
	assert_int_equal(c->nshadowed, 0);
	expect_file(c, 0, "40-c.conf", "/etc/sysctl.d/40-c.conf", "/etc/sysctl.d/40-c.conf", 0);
	expect_file(c, 1, "60-b.conf", "/usr/lib/sysctl.d/60-b.conf",
	    "/usr/lib/sysctl.d/60-b.conf", 3);
	expect_both(c, "net.ipv4.tcp_keepalive_intvl", "61", "/usr/lib/sysctl.d/60-b.conf", 1);
	assert_int_equal(nassign(c, P, "net.ipv4.tcp_keepalive_intvl"), 2);
	assert_int_equal(nassign(c, S, "net.ipv4.tcp_keepalive_intvl"), 2);
	sysctld_free(c);
}

/* Row 3: /run beats /usr/lib. */
static void
test_row_run_over_usr(void **state)
{
	struct sysctld_config *c = load("run-over-usr");

	(void)state;
	assert_int_equal(c->nfiles, 1);
	expect_file(c, 0, "70-r.conf", "/run/sysctl.d/70-r.conf", "/run/sysctl.d/70-r.conf", 1);
	assert_int_equal(c->nshadowed, 1);
	assert_string_equal(c->shadowed[0].path, "/usr/lib/sysctl.d/70-r.conf");
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "7", "/run/sysctl.d/70-r.conf", 1);
	sysctld_free(c);
}

/* Row 4: a link to /dev/null (absolute or relative) masks; so does an
   empty file, which is not called masked. */
static void
test_row_mask(void **state)
{
	struct sysctld_config *c = load("mask");
	size_t i;

	(void)state;
	assert_int_equal(c->nfiles, 3);
	assert_int_equal(c->nshadowed, 3);
	expect_file(c, 0, "71-m.conf", "/etc/sysctl.d/71-m.conf", "/dev/null", 0);
	expect_file(c, 1, "72-m.conf", "/etc/sysctl.d/72-m.conf", "/dev/null", 0);
	expect_file(c, 2, "73-e.conf", "/etc/sysctl.d/73-e.conf", "/etc/sysctl.d/73-e.conf", 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(c->files[i].masked, i < 2);
		assert_int_equal(c->files[i].error, 0);
		assert_int_equal(c->files[i].nlines, 0);
	}
	expect_unset(c, P, "net.ipv4.tcp_fin_timeout");
	expect_unset(c, S, "net.ipv4.tcp_fin_timeout");
	expect_unset(c, P, "net.ipv4.tcp_keepalive_time");
	expect_unset(c, S, "net.ipv4.tcp_keepalive_time");
	expect_unset(c, P, "net.ipv4.tcp_syn_retries");
	expect_unset(c, S, "net.ipv4.tcp_syn_retries");
	sysctld_free(c);
}

/* Row 5: hidden files are read (first) by procps only. */
static void
test_row_hidden(void **state)
{
	struct sysctld_config *c = load("hidden");

	(void)state;
	assert_int_equal(c->nfiles, 3);
	expect_file(c, 0, ".conf", "/usr/lib/sysctl.d/.conf", "/usr/lib/sysctl.d/.conf", 3);
	expect_file(c, 1, ".hidden.conf", "/etc/sysctl.d/.hidden.conf",
	    "/etc/sysctl.d/.hidden.conf", 0);
	expect_file(c, 2, "10-a.conf", "/etc/sysctl.d/10-a.conf", "/etc/sysctl.d/10-a.conf", 0);
	assert_true(c->files[0].hidden);
	assert_true(c->files[1].hidden);
	assert_false(c->files[2].hidden);
	assert_true(sysctld_applier_reads(P, &c->files[1]));
	assert_false(sysctld_applier_reads(S, &c->files[1]));
	assert_true(sysctld_applier_reads(S, &c->files[2]));

	expect_set(c, P, "net.ipv4.tcp_fin_timeout", "30", "/etc/sysctl.d/.hidden.conf", 1);
	expect_unset(c, S, "net.ipv4.tcp_fin_timeout");
	expect_set(c, P, "net.ipv4.tcp_syn_retries", "2", "/usr/lib/sysctl.d/.conf", 1);
	expect_unset(c, S, "net.ipv4.tcp_syn_retries");
	/* Read first, so a visible file overrides it. */
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "3", "/etc/sysctl.d/10-a.conf", 1);
	assert_int_equal(nassign(c, P, "net.ipv4.tcp_keepalive_probes"), 2);
	assert_int_equal(nassign(c, S, "net.ipv4.tcp_keepalive_probes"), 1);
	sysctld_free(c);
}

/* Row 6: only names ending in ".conf" count. */
static void
test_row_backup(void **state)
{
	struct sysctld_config *c = load("backup");

	(void)state;
	assert_int_equal(c->nfiles, 0);
	assert_int_equal(c->nshadowed, 0);
	expect_unset(c, P, "net.ipv4.tcp_fin_timeout");
	expect_unset(c, S, "net.ipv4.tcp_fin_timeout");
	sysctld_free(c);
}

/* Row 7: a directory named x.conf stays in the list with EISDIR (procps
   reads nothing from it; systemd fails on it). */
static void
test_row_directory(void **state)
{
	struct sysctld_config *c = load("dirconf");

	(void)state;
	assert_int_equal(c->nfiles, 2);
	expect_file(c, 0, "85-dir.conf", "/etc/sysctl.d/85-dir.conf",
	    "/etc/sysctl.d/85-dir.conf", 0);
	assert_int_equal(c->files[0].error, -EISDIR);
	assert_int_equal(c->files[0].nlines, 0);
	assert_true(sysctld_applier_reads(P, &c->files[0]));
	assert_true(sysctld_applier_reads(S, &c->files[0]));
	assert_int_equal(c->files[1].error, 0);
	expect_both(c, "net.ipv4.tcp_fin_timeout", "86", "/etc/sysctl.d/86-after.conf", 1);
	sysctld_free(c);
}

/* Row 8: byte order, not numeric order; uppercase first. */
static void
test_row_byte_order(void **state)
{
	struct sysctld_config *c = load("numeric");

	(void)state;
	assert_int_equal(c->nfiles, 4);
	assert_string_equal(c->files[0].name, "10-ten.conf");
	assert_string_equal(c->files[1].name, "9-nine.conf");
	assert_string_equal(c->files[2].name, "B-upper.conf");
	assert_string_equal(c->files[3].name, "a-lower.conf");
	expect_both(c, "net.ipv4.tcp_fin_timeout", "9", "/etc/sysctl.d/9-nine.conf", 1);
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "1",
	    "/usr/lib/sysctl.d/a-lower.conf", 1);
	sysctld_free(c);
}

/* Row 9: /etc/sysctl.conf, the 99-sysctl.conf symlink to it, 99-zz.conf. */
static void
test_row_sysctl_conf(void **state)
{
	struct sysctld_config *c = load("sysctl-conf");

	(void)state;
	assert_int_equal(c->nfiles, 4);
	expect_file(c, 0, "99-sysctl-extra.conf", "/etc/sysctl.d/99-sysctl-extra.conf",
	    "/etc/sysctl.d/99-sysctl-extra.conf", 0);
	expect_file(c, 1, "99-sysctl.conf", "/etc/sysctl.d/99-sysctl.conf",
	    "/etc/sysctl.conf", 0);
	expect_file(c, 2, "99-zz.conf", "/etc/sysctl.d/99-zz.conf", "/etc/sysctl.d/99-zz.conf", 0);
	expect_file(c, 3, "sysctl.conf", SYSCTL_CONF, SYSCTL_CONF, SYSCTLD_NDIRS);
	assert_false(c->files[1].masked);
	assert_true(sysctld_applier_reads(P, &c->files[3]));
	assert_false(sysctld_applier_reads(S, &c->files[3]));
	assert_true(sysctld_applier_reads(S, &c->files[1]));

	/* procps applies sysctl.conf twice, the second time last. */
	expect_set(c, P, "net.ipv4.tcp_tw_reuse", "0", SYSCTL_CONF, 2);
	{
		struct sysctld_effect e;

		assert_int_equal(sysctld_effective(c, P, "net.ipv4.tcp_tw_reuse", &e), 0);
		assert_int_equal(e.line->file, 3);
		assert_int_equal(e.nassign, 3);
		assert_int_equal(sysctld_effective(c, S, "net.ipv4.tcp_tw_reuse", &e), 0);
		assert_int_equal(e.line->file, 2);
		assert_int_equal(e.nassign, 2);
	}
	expect_set(c, S, "net.ipv4.tcp_tw_reuse", "1", "/etc/sysctl.d/99-zz.conf", 1);
	/* "99-sysctl-extra.conf" < "99-sysctl.conf": both read sysctl.conf's
	   value last (systemd through the link). */
	expect_both(c, "net.ipv4.tcp_fin_timeout", "60", SYSCTL_CONF, 3);
	sysctld_free(c);
}

/* Row 10: an explicit key beats a later glob; an exclusion keeps a glob
   off; the glob sets the rest. */
static void
test_row_glob_explicit(void **state)
{
	struct sysctld_config *c = load("glob");
	const char *excl = "/etc/sysctl.d/20-excl.conf";

	(void)state;
	expect_both(c, "net.ipv4.conf.lo.rp_filter", "1", "/etc/sysctl.d/10-explicit.conf", 1);
	expect_both(c, "net.ipv4.conf.default.rp_filter", "2", "/etc/sysctl.d/90-glob.conf", 1);
	expect_both(c, "net/ipv4/conf/br.1/rp_filter", "2", "/etc/sysctl.d/90-glob.conf", 1);
	expect_excluded(c, P, "net.ipv4.conf.all.rp_filter", excl, 1);
	expect_excluded(c, S, "net.ipv4.conf.all.rp_filter", excl, 1);
	assert_int_equal(nassign(c, P, "net.ipv4.conf.lo.rp_filter"), 1);
	assert_int_equal(nassign(c, S, "net.ipv4.conf.all.rp_filter"), 0);
	/* The glob's own line: glob set, key canonical. */
	{
		const struct sysctld_line *l = line_at(&c->files[2], 1);

		assert_true(l->glob);
		assert_int_equal(l->kind, LINE_ASSIGN);
		assert_string_equal(l->key, "net.ipv4.conf.*.rp_filter");
	}
	/* '*' does not cross a separator. */
	expect_unset(c, P, "net.ipv4.conf.lo.x.rp_filter");
	expect_unset(c, S, "net.ipv4.conf.lo.x.rp_filter");
	sysctld_free(c);
}

/* 3.4: a later "-key" cancels an explicit assignment under systemd only. */
static void
test_exclusion_divergence(void **state)
{
	struct sysctld_config *c = load("exclude");
	const char *f = "/etc/sysctl.d/60-baselayout.conf";

	(void)state;
	expect_set(c, P, "net.ipv4.conf.all.rp_filter", "2", f, 2);
	expect_excluded(c, S, "net.ipv4.conf.all.rp_filter", f, 4);
	assert_int_equal(nassign(c, P, "net.ipv4.conf.all.rp_filter"), 1);
	assert_int_equal(nassign(c, S, "net.ipv4.conf.all.rp_filter"), 1);
	expect_both(c, "net.ipv4.conf.default.rp_filter", "2", f, 1);
	expect_both(c, "net.ipv4.conf.lo.rp_filter", "2", f, 3);
	expect_both(c, "net.ipv4.conf.br/1.rp_filter", "2", f, 3);
	sysctld_free(c);
}

/* Observed: a glob repeated with the same value keeps its first place in
   systemd's map (so a glob in between wins), while procps writes every
   line; "-k" between assignments; an identical repeat keeps the first. */
static void
test_repeated_globs(void **state)
{
	struct sysctld_config *c = load("repeat-glob");
	const char *g1 = "/etc/sysctl.d/10-g1.conf", *g2 = "/etc/sysctl.d/20-g2.conf";
	const char *g3 = "/etc/sysctl.d/30-g1again.conf", *x = "/etc/sysctl.d/40-x.conf";
	const char *dup = "/etc/sysctl.d/50-dup.conf";

	(void)state;
	expect_set(c, P, "net.ipv4.tcp_keepalive_time", "100", g3, 1);
	expect_set(c, S, "net.ipv4.tcp_keepalive_time", "200", g2, 1);
	expect_set(c, P, "net.ipv4.tcp_keepalive_intvl", "100", g3, 1);
	expect_set(c, S, "net.ipv4.tcp_keepalive_intvl", "200", g2, 1);
	expect_set(c, P, "net.ipv4.tcp_keepalive_probes", "100", g3, 1);
	expect_set(c, S, "net.ipv4.tcp_keepalive_probes", "100", g1, 1);
	expect_both(c, "net.ipv4.tcp_fin_timeout", "41", x, 3);
	expect_set(c, P, "net.ipv4.tcp_syn_retries", "3", x, 4);
	expect_excluded(c, S, "net.ipv4.tcp_syn_retries", x, 5);
	expect_set(c, P, "net.ipv4.tcp_synack_retries", "2", dup, 2);
	expect_set(c, S, "net.ipv4.tcp_synack_retries", "2", dup, 1);
	assert_int_equal(nassign(c, S, "net.ipv4.tcp_synack_retries"), 2);
	sysctld_free(c);
}

/* Observed: "-pattern" replaces the same pattern's entry under systemd;
   procps 4.0.2 ignores pattern exclusions; "- k = v". */
static void
test_glob_cancel(void **state)
{
	struct sysctld_config *c = load("glob-cancel");
	const char *g = "/etc/sysctl.d/10-g.conf", *ex = "/etc/sysctl.d/20-ex.conf";

	(void)state;
	expect_set(c, P, "net.ipv4.tcp_keepalive_time", "100", g, 1);
	expect_excluded(c, S, "net.ipv4.tcp_keepalive_time", ex, 1);
	expect_set(c, P, "net.ipv4.tcp_keepalive_intvl", "100", g, 1);
	expect_excluded(c, S, "net.ipv4.tcp_keepalive_intvl", ex, 1);
	expect_excluded(c, P, "net.ipv4.tcp_keepalive_probes", ex, 2);
	expect_unset(c, S, "net.ipv4.tcp_keepalive_probes");
	/* "- net.ipv4.tcp_syn_retries = 3": procps names " net...". */
	expect_unset(c, P, "net.ipv4.tcp_syn_retries");
	expect_set(c, S, "net.ipv4.tcp_syn_retries", "3", "/etc/sysctl.d/30-dash.conf", 1);
	assert_int_equal(nassign(c, P, "net.ipv4.tcp_syn_retries"), 0);
	assert_int_equal(nassign(c, S, "net.ipv4.tcp_syn_retries"), 1);
	sysctld_free(c);
}

/* Observed: procps finds a key spelt with repeated or leading separators
   but such a line does not keep globs off the key. */
static void
test_procps_spelling(void **state)
{
	struct sysctld_config *c = load("spelling");
	const char *a = "/etc/sysctl.d/10-a.conf", *b = "/etc/sysctl.d/20-b.conf";

	(void)state;
	expect_set(c, P, "net.ipv4.tcp_keepalive_time", "100", b, 1);
	expect_set(c, S, "net.ipv4.tcp_keepalive_time", "5", a, 1);
	assert_int_equal(nassign(c, P, "net.ipv4.tcp_keepalive_time"), 1);
	expect_set(c, P, "net.ipv4.tcp_keepalive_intvl", "100", b, 1);
	expect_set(c, S, "net.ipv4.tcp_keepalive_intvl", "7", a, 3);
	expect_set(c, P, "net.ipv4.tcp_keepalive_probes", "100", b, 1);
	expect_excluded(c, S, "net.ipv4.tcp_keepalive_probes", a, 2);
	/* In a dotted key '/' is a dot: ".../tcp_fin_timeout." is unknown. */
	expect_unset(c, P, "net.ipv4.tcp_fin_timeout");
	expect_unset(c, S, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(line_at(&c->files[0], 4)->key, "net.ipv4.tcp_fin_timeout/");
	sysctld_free(c);
}

/* Observed: leading separators work in both; a trailing one only in
   systemd. */
static void
test_separators(void **state)
{
	struct sysctld_config *c = load("separators");
	const char *a = "/etc/sysctl.d/10-a.conf";

	(void)state;
	expect_both(c, "net.ipv4.tcp_fin_timeout", "22", a, 1);
	expect_both(c, "net.ipv4.tcp_keepalive_time", "23", a, 2);
	expect_unset(c, P, "net.ipv4.tcp_keepalive_intvl");
	expect_set(c, S, "net.ipv4.tcp_keepalive_intvl", "24", a, 3);
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "25", a, 4);
	expect_unset(c, P, "net.ipv4.tcp_syn_retries");
	expect_unset(c, S, "net.ipv4.tcp_syn_retries");
	expect_unset(c, P, "net.ipv4.tcp_synack_retries");
	expect_unset(c, S, "net.ipv4.tcp_synack_retries");
	assert_string_equal(line_at(&c->files[0], 5)->key, "net.ipv4./tcp_syn_retries");
	assert_string_equal(line_at(&c->files[0], 6)->key, "net.ipv4.tcp_synack_retries/");
	sysctld_free(c);
}

/* Symbolic links are resolved below the root. */
static void
test_links(void **state)
{
	struct sysctld_config *c = load("links");
	const char *real = "/usr/lib/sysctl.d/real.txt";
	const char *target = "/etc/sysctl.d/target.txt";
	size_t i;

	(void)state;
	assert_int_equal(c->nfiles, 10);
	/* /usr/local/lib -> /usr/lib (absolute) stays below the root; /lib ->
	   usr/lib (relative) too: the same file three times, the first wins. */
	expect_file(c, 0, "50-vendor.conf", "/usr/local/lib/sysctl.d/50-vendor.conf",
	    "/usr/lib/sysctl.d/50-vendor.conf", 2);
	assert_int_equal(c->nshadowed, 2);
	assert_string_equal(c->shadowed[0].path, "/usr/lib/sysctl.d/50-vendor.conf");
	assert_string_equal(c->shadowed[1].path, "/lib/sysctl.d/50-vendor.conf");
	expect_both(c, "net.ipv4.tcp_keepalive_time", "50", "/usr/lib/sysctl.d/50-vendor.conf", 1);

	i = file_index(c, "60-abs.conf");
	assert_string_equal(c->files[i].target, real);
	assert_int_equal(c->files[i].error, 0);
	assert_int_equal(c->files[i].nlines, 1);
	i = file_index(c, "61-escape.conf");
	assert_string_equal(c->files[i].target, real);
	assert_int_equal(c->files[i].nlines, 1);
	i = file_index(c, "62-dangling.conf");
	assert_int_equal(c->files[i].error, -ENOENT);
	assert_string_equal(c->files[i].target, c->files[i].path);
	i = file_index(c, "63-loop.conf");
	assert_int_equal(c->files[i].error, -ELOOP);
	i = file_index(c, "64-eight.conf");
	assert_int_equal(c->files[i].error, 0);
	assert_string_equal(c->files[i].target, target);
	assert_int_equal(c->files[i].nlines, 1);
	i = file_index(c, "65-nine.conf");
	assert_int_equal(c->files[i].error, -ELOOP);
	assert_int_equal(c->files[i].nlines, 0);
	i = file_index(c, "66-dir.conf");
	assert_int_equal(c->files[i].error, -EISDIR);
	assert_string_equal(c->files[i].target, "/etc/sysctl.d");
	i = file_index(c, "67-dotdot.conf");
	assert_int_equal(c->files[i].error, 0);
	assert_string_equal(c->files[i].target, target);
	i = file_index(c, "68-notdir.conf");
	assert_int_equal(c->files[i].error, -ENOTDIR);
	for (i = 0; i < c->nfiles; i++) {
		assert_false(c->files[i].masked);
		assert_int_equal(c->files[i].dir, i == 0 ? 2 : 0);
	}
	/* /etc/sysctl.conf is a directory here: not read. */
	for (i = 0; i < c->nfiles; i++)
		assert_int_not_equal(c->files[i].dir, SYSCTLD_NDIRS);
	/* The last readable file setting it wins; lines name the target. */
	expect_both(c, "net.ipv4.tcp_syn_retries", "5", target, 1);
	expect_both(c, "net.ipv4.tcp_fin_timeout", "60", real, 1);
	sysctld_free(c);
}

static void
test_empty_root(void **state)
{
	struct sysctld_config *c = NULL;
	struct sysctld_index *ix;
	char root[] = "/tmp/test_sysctld.XXXXXX";
	struct sysctld_effect e;

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(sysctld_load(root, &c), 0);
	assert_int_equal(c->nfiles, 0);
	assert_int_equal(c->nshadowed, 0);
	assert_int_equal(sysctld_effective(c, P, "net.ipv4.tcp_fin_timeout", &e), 0);
	assert_null(e.line);
	assert_int_equal(e.nassign, 0);
	assert_int_equal(sysctld_effective(c, S, "net..ipv4", &e), 0);
	assert_int_equal(sysctld_effective(c, S, "net/../x", &e), -EINVAL);
	assert_int_equal(sysctld_effective(c, P, "", &e), -EINVAL);
	/* An index of nothing: the same answers. */
	assert_int_equal(sysctld_index_new(c, &ix), 0);
	assert_int_equal(sysctld_index_effective(ix, S, "net.ipv4.tcp_fin_timeout", &e), 0);
	assert_null(e.line);
	assert_int_equal(sysctld_index_effective(ix, S, "net/../x", &e), -EINVAL);
	assert_int_equal(sysctld_index_effective(ix, P, "", &e), -EINVAL);
	assert_null(sysctld_index_free(ix));
	assert_null(sysctld_index_free(NULL));
	sysctld_free(c);
	assert_int_equal(rmdir(root), 0);
	assert_null(sysctld_free(NULL));
	sysctld_file_clear(NULL);
}

/* Line syntax, one case per file, as `sysctl -p F` / `systemd-sysctl F`. */
static void
test_syntax_rows(void **state)
{
	struct sysctld_config *c;
	const struct sysctld_line *l;
	const char *fin = "net.ipv4.tcp_fin_timeout";
	struct value v;
	const char *err;

	(void)state;
	/* Removed key: parsed like any other (the kernel says ENOENT). */
	c = load_one("r01-removed.conf");
	l = line_at(&c->files[0], 1);
	assert_int_equal(l->kind, LINE_ASSIGN);
	assert_string_equal(l->key, "net.ipv4.tcp_tw_recycle");
	assert_false(l->ignore_failure);
	expect_both(c, "net.ipv4.tcp_tw_recycle", "1", "r01-removed.conf", 1);
	sysctld_free(c);

	c = load_one("r02-removed-dash.conf");
	l = line_at(&c->files[0], 1);
	assert_true(l->ignore_failure);
	assert_string_equal(l->key, "net.ipv4.tcp_tw_recycle");
	assert_string_equal(l->raw, "-net.ipv4.tcp_tw_recycle = 1");
	expect_both(c, "net.ipv4.tcp_tw_recycle", "1", NULL, 0);
	sysctld_free(c);

	c = load_one("r03-abc.conf");
	assert_int_equal(c->files[0].nlines, 2);
	expect_both(c, fin, "abc", NULL, 0);
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "5", NULL, 0);
	sysctld_free(c);

	c = load_one("r04-abc-dash.conf");
	assert_true(line_at(&c->files[0], 1)->ignore_failure);
	expect_both(c, fin, "abc", NULL, 0);
	sysctld_free(c);

	/* No inline comments; the kernel stops at the blank. */
	c = load_one("r05-inline-comment.conf");
	expect_both(c, fin, "30 # thirty", NULL, 0);
	assert_int_equal(value_parse_kernel(line_at(&c->files[0], 1)->value, SHAPE_INT, 1,
	    &v, &err), 0);
	assert_true(v.field[0] == 30);
	sysctld_free(c);

	c = load_one("r06-empty-value.conf");
	l = line_at(&c->files[0], 1);
	assert_int_equal(l->kind, LINE_ASSIGN);
	assert_string_equal(l->value, "");
	expect_both(c, fin, "", NULL, 0);
	sysctld_free(c);

	c = load_one("r07-no-equals.conf");
	l = line_at(&c->files[0], 1);
	assert_int_equal(l->kind, LINE_INVALID);
	assert_string_equal(l->problem, "line is not an assignment");
	assert_string_equal(l->raw, "net.ipv4.tcp_fin_timeout 30");
	assert_null(l->key);
	assert_null(l->value);
	expect_unset(c, P, fin);
	expect_unset(c, S, fin);
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "5", "r07-no-equals.conf", 2);
	sysctld_free(c);

	/* No line continuation. */
	c = load_one("r08-continuation.conf");
	assert_int_equal(c->files[0].nlines, 2);
	expect_both(c, "net.ipv4.ip_local_port_range", "1024 \\", NULL, 0);
	l = line_at(&c->files[0], 2);
	assert_int_equal(l->kind, LINE_INVALID);
	assert_string_equal(l->raw, "65000");
	sysctld_free(c);

	c = load_one("r09-quotes.conf");
	expect_both(c, "net.ipv4.ip_local_port_range", "\"1024 65000\"", NULL, 0);
	sysctld_free(c);

	/* Twice: procps writes both, systemd only the last; same result. */
	c = load_one("r10-twice.conf");
	expect_both(c, fin, "25", "r10-twice.conf", 2);
	assert_int_equal(nassign(c, P, fin), 2);
	assert_int_equal(nassign(c, S, fin), 2);
	sysctld_free(c);

	c = load_one("r11-slashed.conf");
	assert_string_equal(line_at(&c->files[0], 1)->key, fin);
	expect_both(c, fin, "22", NULL, 0);
	sysctld_free(c);

	/* net.ipv4/tcp_fin_timeout is the path net/ipv4.tcp_fin_timeout. */
	c = load_one("r12-mixed.conf");
	assert_string_equal(line_at(&c->files[0], 1)->key, "net.ipv4/tcp_fin_timeout");
	expect_unset(c, P, fin);
	expect_unset(c, S, fin);
	expect_both(c, "net/ipv4.tcp_fin_timeout", "23", NULL, 0);
	sysctld_free(c);

	c = load_one("r13-repeated.conf");
	assert_string_equal(line_at(&c->files[0], 1)->key, fin);
	expect_both(c, fin, "24", NULL, 0);
	sysctld_free(c);

	c = load_one("r14-out-of-range.conf");
	expect_both(c, "net.ipv4.tcp_tw_reuse", "5", NULL, 0);
	sysctld_free(c);

	c = load_one("r15-bases.conf");
	expect_both(c, fin, "010", NULL, 0);
	expect_both(c, "net.ipv4.tcp_keepalive_time", "0x100", NULL, 0);
	expect_both(c, "net.ipv4.tcp_keepalive_probes", "+7", NULL, 0);
	sysctld_free(c);

	/* A byte order mark becomes part of the first key. */
	c = load_one("r16-bom.conf");
	l = line_at(&c->files[0], 1);
	assert_int_equal(l->kind, LINE_ASSIGN);
	assert_string_equal(l->key, "\xef\xbb\xbfnet.ipv4.tcp_fin_timeout");
	expect_unset(c, P, fin);
	expect_unset(c, S, fin);
	sysctld_free(c);

	c = load_one("r17-case.conf");
	assert_string_equal(line_at(&c->files[0], 1)->key, "NET.IPV4.TCP_FIN_TIMEOUT");
	expect_unset(c, P, fin);
	expect_unset(c, S, fin);
	sysctld_free(c);

	c = load_one("r18-readonly.conf");
	expect_both(c, "net.core.rmem_max", "212992", NULL, 0);
	sysctld_free(c);

	c = load_one("r19-nosuchcc.conf");
	expect_both(c, "net.ipv4.tcp_congestion_control", "nosuchcc", NULL, 0);
	sysctld_free(c);

	/* "- key": systemd strips the blank, procps keeps it in the key. */
	c = load_one("r20-dash-space.conf");
	l = line_at(&c->files[0], 1);
	assert_int_equal(l->kind, LINE_ASSIGN);
	assert_string_equal(l->key, fin);
	assert_true(l->ignore_failure);
	assert_string_equal(l->raw, "- net.ipv4.tcp_fin_timeout = 27");
	expect_unset(c, P, fin);
	expect_set(c, S, fin, "27", "r20-dash-space.conf", 1);
	assert_int_equal(nassign(c, P, fin), 0);
	assert_int_equal(nassign(c, S, fin), 1);
	sysctld_free(c);
}

static void
test_syntax_crlf(void **state)
{
	struct sysctld_config *c = load_one("crlf.conf");
	const struct sysctld_line *l;

	(void)state;
	assert_int_equal(c->files[0].nlines, 2);
	l = line_at(&c->files[0], 2);
	assert_string_equal(l->key, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(l->value, "31");
	assert_string_equal(l->raw, "net.ipv4.tcp_fin_timeout = 31");
	l = line_at(&c->files[0], 4);
	assert_string_equal(l->value, "1024\t65000");
	sysctld_free(c);
}

static void
test_syntax_misc(void **state)
{
	struct sysctld_config *c = load_one("misc.conf");
	const struct sysctld_file *f = &c->files[0];
	const struct sysctld_line *l;
	static const struct {
		unsigned lineno;
		enum sysctld_line_kind kind;
		const char *key;	/* or the problem of an invalid line */
		const char *value;
		bool ignore_failure, glob;
	} want[] = {
		{ 7, LINE_ASSIGN, "net.ipv4.tcp_fin_timeout", "a = b", false, false },
		{ 8, LINE_ASSIGN, "net.ipv4.tcp_keepalive_time", "7200", false, false },
		{ 9, LINE_INVALID, "empty key", NULL, false, false },
		{ 10, LINE_INVALID, "empty key", NULL, true, false },
		{ 11, LINE_INVALID, "empty key", NULL, true, false },
		{ 12, LINE_EXCLUDE, "net.ipv4.tcp_syn_retries", NULL, true, false },
		{ 13, LINE_EXCLUDE, "net.ipv4.tcp_synack_retries", NULL, true, false },
		{ 14, LINE_INVALID, "invalid key", NULL, false, false },
		{ 15, LINE_ASSIGN, "net.ipv4.conf.br/1.rp_filter", "1", false, false },
		{ 16, LINE_ASSIGN, "net.ipv4.conf.br/1.rp_filter", "2", false, false },
		{ 17, LINE_ASSIGN, "net.ipv4.conf.*.rp_filter", "2", false, true },
		{ 18, LINE_ASSIGN, "net.ipv4.tcp_syn_retries", "6", false, false },
		{ 19, LINE_ASSIGN, "net.ipv4.tcp_synack_retries", "4", false, false },
		{ 20, LINE_ASSIGN, "net.ipv4.tcp_rmem", "4096   87380\t6291456", false, false },
		{ 21, LINE_ASSIGN, "net.ipv4.tcp_sack", "1", false, false },
		{ 22, LINE_ASSIGN, "net.ipv4.tcp_fin_timeout", "9", false, false },
		{ 23, LINE_INVALID, "invalid key", NULL, false, false },
		{ 24, LINE_INVALID, "line is not an assignment", NULL, false, false },
	};

	(void)state;
	/* Comments and blank lines (1-6) are not kept. */
	assert_int_equal(f->nlines, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		l = &f->lines[i];
		assert_int_equal(l->lineno, want[i].lineno);
		assert_int_equal(l->kind, want[i].kind);
		assert_int_equal(l->ignore_failure, want[i].ignore_failure);
		assert_int_equal(l->glob, want[i].glob);
		assert_non_null(l->raw);
		if (l->kind == LINE_INVALID) {
			assert_null(l->key);
			assert_null(l->value);
			assert_string_equal(l->problem, want[i].key);
			continue;
		}
		assert_string_equal(l->key, want[i].key);
		if (want[i].value == NULL)
			assert_null(l->value);
		else
			assert_string_equal(l->value, want[i].value);
	}
	assert_string_equal(line_at(f, 8)->raw, "net.ipv4.tcp_keepalive_time   =   7200");

	/* A trailing separator: systemd finds the key, procps does not. */
	expect_set(c, P, "net.ipv4.tcp_fin_timeout", "a = b", "misc.conf", 7);
	expect_set(c, S, "net.ipv4.tcp_fin_timeout", "9", "misc.conf", 22);
	assert_int_equal(nassign(c, P, "net.ipv4.tcp_fin_timeout"), 1);
	assert_int_equal(nassign(c, S, "net.ipv4.tcp_fin_timeout"), 2);
	/* An exclusion then an assignment: the assignment stands. */
	expect_both(c, "net.ipv4.tcp_syn_retries", "6", "misc.conf", 18);
	expect_both(c, "net.ipv4.tcp_synack_retries", "4", "misc.conf", 19);
	/* Both spellings are one key; explicit keys keep the glob off. */
	expect_both(c, "net/ipv4/conf/br.1/rp_filter", "2", "misc.conf", 16);
	expect_both(c, "net.ipv4.conf.lo.rp_filter", "2", "misc.conf", 17);
	expect_both(c, "net.ipv4.tcp_sack", "1", "misc.conf", 21);
	sysctld_free(c);
}

static void
test_syntax_edges(void **state)
{
	struct sysctld_config *c;
	struct sysctld_file f;
	char real[256];

	(void)state;
	c = load_one("no-final-newline.conf");
	expect_both(c, "net.ipv4.tcp_fin_timeout", "33", "no-final-newline.conf", 1);
	sysctld_free(c);
	c = load_one("empty.conf");
	assert_int_equal(c->files[0].nlines, 0);
	sysctld_free(c);

	/* A file that cannot be read is reported in error, not by failing. */
	assert_int_equal(sysctld_parse_file("x.conf", FIXTURES "/syntax/missing.conf", &f), 0);
	assert_int_equal(f.error, -ENOENT);
	assert_int_equal(f.nlines, 0);
	assert_string_equal(f.path, "x.conf");
	assert_string_equal(f.name, "x.conf");
	sysctld_file_clear(&f);
	assert_null(f.path);

	snprintf(real, sizeof real, "%s/syntax", FIXTURES);
	assert_int_equal(sysctld_parse_file("/etc/sysctl.d/.dir.conf", real, &f), 0);
	assert_int_equal(f.error, -EISDIR);
	assert_string_equal(f.name, ".dir.conf");
	assert_true(f.hidden);
	assert_int_equal(f.dir, SYSCTLD_NDIRS);
	sysctld_file_clear(&f);

	/* display NULL: the real path is used. */
	snprintf(real, sizeof real, "%s/syntax/r01-removed.conf", FIXTURES);
	assert_int_equal(sysctld_parse_file(NULL, real, &f), 0);
	assert_string_equal(f.path, real);
	assert_string_equal(f.name, "r01-removed.conf");
	assert_int_equal(f.nlines, 1);
	sysctld_file_clear(&f);
}

/* Write len bytes made of `line` repeated (and a tail) to a temporary file. */
static void
write_file(const char *path, const char *line, size_t len, const char *tail)
{
	size_t ll = strlen(line), chunk = 1 << 16, done = 0;
	char *buf = malloc(chunk);
	int fd;

	assert_non_null(buf);
	for (size_t i = 0; i < chunk; i++)
		buf[i] = line[i % ll];
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	while (done < len) {
		size_t n = len - done < chunk ? len - done : chunk;

		/* chunk is a multiple of ll only when ll divides 65536. */
		assert_true(write(fd, buf, n) == (ssize_t)n);
		done += n;
	}
	if (tail != NULL)
		assert_true(write(fd, tail, strlen(tail)) == (ssize_t)strlen(tail));
	assert_int_equal(close(fd), 0);
	free(buf);
}

static void
test_limits(void **state)
{
	char dir[] = "/tmp/test_sysctld.XXXXXX", path[64];
	struct sysctld_file f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/f.conf", dir);

	/* A comment line of exactly CONFFILE_LINE_MAX bytes is fine. */
	write_file(path, "#", CONFFILE_LINE_MAX, "\nnet.ipv4.tcp_fin_timeout = 1\n");
	assert_int_equal(sysctld_parse_file("f.conf", path, &f), 0);
	assert_int_equal(f.error, 0);
	assert_int_equal(f.nlines, 1);
	assert_int_equal(f.lines[0].lineno, 2);
	sysctld_file_clear(&f);
	/* One byte more is refused, and the file contributes nothing. */
	write_file(path, "#", CONFFILE_LINE_MAX + 1, "\nnet.ipv4.tcp_fin_timeout = 1\n");
	assert_int_equal(sysctld_parse_file("f.conf", path, &f), 0);
	assert_int_equal(f.error, -EMSGSIZE);
	assert_int_equal(f.info.line, 1);
	assert_int_equal(f.nlines, 0);
	sysctld_file_clear(&f);
	write_file(path, "a", 0, "net.ipv4.tcp_fin_timeout = 1\n");
	{
		/* An assignment after the long line is not kept either. */
		int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		char *big = malloc(CONFFILE_LINE_MAX + 2);

		assert_true(fd >= 0);
		assert_non_null(big);
		memset(big, 'x', CONFFILE_LINE_MAX + 1);
		assert_true(write(fd, big, CONFFILE_LINE_MAX + 1) == CONFFILE_LINE_MAX + 1);
		assert_int_equal(close(fd), 0);
		free(big);
	}
	assert_int_equal(sysctld_parse_file("f.conf", path, &f), 0);
	assert_int_equal(f.error, -EMSGSIZE);
	assert_int_equal(f.info.line, 2);
	assert_int_equal(f.nlines, 0);
	sysctld_file_clear(&f);

	/* CONFFILE_MAX_BYTES of short lines exactly is fine, one byte more is not. */
	write_file(path, "# 16 bytes long\n", CONFFILE_MAX_BYTES, NULL);
	assert_int_equal(sysctld_parse_file("f.conf", path, &f), 0);
	assert_int_equal(f.error, 0);
	sysctld_file_clear(&f);
	write_file(path, "# 16 bytes long\n", CONFFILE_MAX_BYTES, "x");
	assert_int_equal(sysctld_parse_file("f.conf", path, &f), 0);
	assert_int_equal(f.error, -EFBIG);
	assert_int_equal(f.nlines, 0);
	sysctld_file_clear(&f);

	/* A NUL byte ends the text of its line. */
	{
		static const char text[] = "net.ipv4.tcp_fin_timeout = 1\0 garbage\n"
		    "net.ipv4.tcp_syn_retries = 2\n";
		int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

		assert_true(fd >= 0);
		assert_true(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
		assert_int_equal(close(fd), 0);
	}
	assert_int_equal(sysctld_parse_file("f.conf", path, &f), 0);
	assert_int_equal(f.nlines, 2);
	assert_string_equal(f.lines[0].value, "1");
	assert_string_equal(f.lines[1].value, "2");
	assert_int_equal(f.lines[1].lineno, 2);
	sysctld_file_clear(&f);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* The buffer parser directly, including text that is not NUL-terminated. */
static void
test_parse_buffer(void **state)
{
	struct sysctld_file f;
	static const char text[] = "a.b = 1\r\n\n  -c.d  \n;x\ne.f=2";

	(void)state;
	memset(&f, 0, sizeof f);
	assert_int_equal(parse_buffer(&f, text, sizeof text - 2), 0);
	assert_int_equal(f.nlines, 3);
	assert_string_equal(f.lines[0].key, "a.b");
	assert_string_equal(f.lines[0].value, "1");
	assert_int_equal(f.lines[1].kind, LINE_EXCLUDE);
	assert_string_equal(f.lines[1].key, "c.d");
	assert_int_equal(f.lines[1].lineno, 3);
	assert_string_equal(f.lines[2].key, "e.f");
	assert_string_equal(f.lines[2].value, "");	/* "2" was cut off */
	assert_int_equal(f.lines[2].lineno, 5);
	sysctld_file_clear(&f);

	memset(&f, 0, sizeof f);
	assert_int_equal(parse_buffer(&f, "", 0), 0);
	assert_int_equal(parse_buffer(&f, "\n\n\n", 3), 0);
	assert_int_equal(f.nlines, 0);
	sysctld_file_clear(&f);
}

/* line_key(): the spellings the appliers accept for one key. */
static void
test_line_key(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_fin_timeout" },
		{ "/net/ipv4/tcp_fin_timeout", "net.ipv4.tcp_fin_timeout" },
		{ "//net/ipv4/tcp_fin_timeout", "net.ipv4.tcp_fin_timeout" },
		{ ".net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_fin_timeout" },
		{ "net.ipv4.tcp_fin_timeout.", "net.ipv4.tcp_fin_timeout" },
		{ "net/ipv4/tcp_fin_timeout//", "net.ipv4.tcp_fin_timeout" },
		{ ".net.ipv4.conf.br/1.rp_filter", "net.ipv4.conf.br/1.rp_filter" },
		{ "/net/ipv4/conf/br.1/rp_filter", "net.ipv4.conf.br/1.rp_filter" },
		{ "net.ipv4.tcp_fin_timeout/", "net.ipv4.tcp_fin_timeout/" },
		{ "kernel", "kernel" },
		{ ".", NULL },
		{ "/", NULL },
		{ "./", NULL },
		{ "/net.ipv4.x", NULL },	/* first component "net.ipv4.x" */
		{ "./net", NULL },
		{ "net/../x", NULL },
		{ "net x", NULL },
	};
	char buf[SYSCTL_KEY_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int r = line_key(cases[i].in, buf, sizeof buf);

		if (cases[i].out == NULL) {
			if (r != -EINVAL)
				fail_msg("line_key(\"%s\") = %d, want -EINVAL", cases[i].in, r);
			continue;
		}
		if (r != 0 || strcmp(buf, cases[i].out) != 0)
			fail_msg("line_key(\"%s\") = %d \"%s\", want \"%s\"", cases[i].in,
			    r, r == 0 ? buf : "", cases[i].out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row_shadowing),
		cmocka_unit_test(test_planned),
		cmocka_unit_test(test_row_later_name),
		cmocka_unit_test(test_row_run_over_usr),
		cmocka_unit_test(test_row_mask),
		cmocka_unit_test(test_row_hidden),
		cmocka_unit_test(test_row_backup),
		cmocka_unit_test(test_row_directory),
		cmocka_unit_test(test_row_byte_order),
		cmocka_unit_test(test_row_sysctl_conf),
		cmocka_unit_test(test_row_glob_explicit),
		cmocka_unit_test(test_exclusion_divergence),
		cmocka_unit_test(test_repeated_globs),
		cmocka_unit_test(test_glob_cancel),
		cmocka_unit_test(test_procps_spelling),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_empty_root),
		cmocka_unit_test(test_syntax_rows),
		cmocka_unit_test(test_syntax_crlf),
		cmocka_unit_test(test_syntax_misc),
		cmocka_unit_test(test_syntax_edges),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_parse_buffer),
		cmocka_unit_test(test_line_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
