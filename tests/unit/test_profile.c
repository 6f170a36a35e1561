/*
 * Unit tests of the profile loader: every invalid fixture against its
 * expected messages, resolution of `extends` chains, the limits, and the
 * setting queries. Run from the top of the source tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "profile_yaml.c"
#include "profile_check.c"
#include "profile_cond.c"
#include "profile_load.c"

#define BAD_DIR		"tests/fixtures/profiles/bad"
#define GOOD_DIR	"tests/fixtures/profiles/good"

static const char *const bad_dirs[] = { BAD_DIR };
static const struct profile_search bad_search = { bad_dirs, 1 };
static const char *const good_dirs[] = { GOOD_DIR };
static const struct profile_search good_search = { good_dirs, 1 };

/* ---------------------------------------------------------------------- */
/* Helpers */

/* snprintf that fails the test instead of truncating. */
static void fmt(char *buf, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void
fmt(char *buf, size_t size, const char *format, ...)
{
	va_list ap;
	int w;

	va_start(ap, format);
	w = vsnprintf(buf, size, format, ap);
	va_end(ap);
	assert_true(w >= 0 && (size_t)w < size);
}

/* The whole file as a NUL-terminated string (caller frees), or NULL. */
static char *
slurp(const char *path, size_t *ret_size)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t size = 0, alloc = 0, n;

	if (f == NULL)
		return NULL;
	do {
		if (alloc - size < 4096) {
			char *nb = realloc(buf, alloc + 65536);

			if (nb == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			alloc += 65536;
		}
		n = fread(buf + size, 1, alloc - size - 1, f);
		size += n;
	} while (n > 0);
	fclose(f);
	buf[size] = '\0';
	if (ret_size != NULL)
		*ret_size = size;
	return buf;
}

/* The diagnostics as main() prints them (caller frees). */
static char *
render(const struct diag_list *d)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	assert_non_null(f);
	diag_print_all(f, "tcpadvise", d);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void
write_file(const char *path, const char *text, size_t size)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

/* A fresh directory under $TMPDIR; removed with remove_tree(). */
static void
make_tmpdir(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");

	fmt(buf, size, "%s/test_profile.XXXXXX",
	    base != NULL && base[0] != '\0' ? base : P_tmpdir);
	assert_non_null(mkdtemp(buf));
}

static void
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		fmt(path, sizeof path, "%s/%s", dir, de->d_name);
		assert_int_equal(unlink(path), 0);
	}
	closedir(d);
	assert_int_equal(rmdir(dir), 0);
}

static void
tmp_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];

	fmt(path, sizeof path, "%s/%s", dir, name);
	write_file(path, text, strlen(text));
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parse text that must be valid. */
static struct profile *
parse_ok(const char *text)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	int r = profile_parse("inline.yaml", text, strlen(text), &p, &d);

	if (r != 0) {
		char *out = render(&d);

		print_error("%s", out);
		free(out);
	}
	assert_int_equal(r, 0);
	assert_int_equal(d.n, 0);
	diag_list_clear(&d);
	return p;
}

/* Parse text that must fail with exactly the message `want`. */
static void
parse_fails(const char *text, const char *want)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	char *out;
	int r = profile_parse("inline.yaml", text, strlen(text), &p, &d);

	assert_int_equal(r, -EINVAL);
	assert_null(p);
	out = render(&d);
	assert_string_equal(out, want);
	free(out);
	diag_list_clear(&d);
}

static struct value
val(const struct catalog_entry *e, const char *text)
{
	struct value v;
	const char *errstr = NULL;

	assert_int_equal(value_parse_strict(text, e->shape, e->nfields, LLONG_MIN,
	    LLONG_MAX, &v, &errstr), 0);
	return v;
}

/* ---------------------------------------------------------------------- */
/* Invalid profiles: each fixture prints exactly its .err file */

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_bad_fixtures(void **state)
{
	DIR *dir = opendir(BAD_DIR);
	struct dirent *de;
	char *names[256];
	size_t n = 0, failed = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len > 5 && strcmp(de->d_name + len - 5, ".yaml") == 0) {
			assert_true(n < sizeof names / sizeof names[0]);
			names[n] = strdup(de->d_name);
			assert_non_null(names[n]);
			n++;
		}
	}
	closedir(dir);
	qsort(names, n, sizeof names[0], cmp_names);
	assert_true(n >= 35);
	for (size_t i = 0; i < n; i++) {
		struct diag_list d = DIAG_LIST_INIT;
		struct profile *p = NULL;
		char path[PATH_MAX], errpath[PATH_MAX], *want, *got;
		double t0 = now();
		int r;

		fmt(path, sizeof path, "%s/%s", BAD_DIR, names[i]);
		fmt(errpath, sizeof errpath, "%s/%.*s.err", BAD_DIR,
		    (int)(strlen(names[i]) - 5), names[i]);
		r = profile_load(path, &bad_search, &p, &d);
		/* Even the alias bomb and the node limit take no time. */
		assert_true(now() - t0 < 2.0);
		assert_null(p);
		if (r != -EINVAL && r != -ENOENT) {
			print_error("%s: returned %d\n", path, r);
			failed++;
		}
		if (d.nerrors == 0) {
			print_error("%s: no error reported\n", path);
			failed++;
		}
		want = slurp(errpath, NULL);
		got = render(&d);
		if (want == NULL) {
			print_error("%s: missing; the loader printed:\n%s", errpath, got);
			failed++;
		} else if (strcmp(want, got) != 0) {
			print_error("%s: expected:\n%s--- got:\n%s", path, want, got);
			failed++;
		}
		free(want);
		free(got);
		diag_list_clear(&d);
		free(names[i]);
	}
	assert_int_equal(failed, 0);
}

/* A file over PROFILE_MAX_BYTES is refused before parsing; one of exactly
   that size is read. */
static void
test_file_size_limit(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX], *text, *out, want[PATH_MAX + 64];
	const char *head = "name: big\ndescription: a profile padded with comments\n";
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	size_t size = PROFILE_MAX_BYTES + 1;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	fmt(path, sizeof path, "%s/big.yaml", dir);
	text = malloc(size);
	assert_non_null(text);
	memset(text, '#', size);
	memcpy(text, head, strlen(head));
	for (size_t i = strlen(head) + 79; i < size; i += 80)
		text[i] = '\n';
	write_file(path, text, size);
	assert_int_equal(profile_load(path, &good_search, &p, &d), -EINVAL);
	assert_null(p);
	out = render(&d);
	fmt(want, sizeof want,
	    "tcpadvise: %s: file is larger than 1048576 bytes\n", path);
	assert_string_equal(out, want);
	free(out);
	diag_list_clear(&d);

	/* The same through profile_parse(). */
	assert_int_equal(profile_parse("big.yaml", text, size, &p, &d), -EINVAL);
	assert_null(p);
	out = render(&d);
	assert_string_equal(out,
	    "tcpadvise: big.yaml: file is larger than 1048576 bytes\n");
	free(out);
	diag_list_clear(&d);

	/* Exactly at the limit: read and parsed. */
	text[size - 2] = '\n';
	write_file(path, text, size - 1);
	assert_int_equal(profile_load(path, &good_search, &p, &d), 0);
	assert_non_null(p);
	assert_string_equal(p->name, "big");
	p = profile_free(p);
	assert_null(p);
	free(text);
	remove_tree(dir);
}

/* An alias bomb far beyond the fixture: refused quickly, in one pass. */
static void
test_alias_bomb_generated(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	double t0;

	(void)state;
	assert_non_null(f);
	/* 40 levels of 16 aliases each: 16^39 scalars if expanded. */
	fprintf(f, "name: x\ndescription: y\nz:\n  a0: &a0 [lol, lol]\n");
	for (int i = 1; i < 40; i++) {
		fprintf(f, "  a%d: &a%d [", i, i);
		for (int j = 0; j < 16; j++)
			fprintf(f, "%s*a%d", j ? ", " : "", i - 1);
		fprintf(f, "]\n");
	}
	assert_int_equal(fclose(f), 0);
	t0 = now();
	assert_int_equal(profile_parse("bomb.yaml", text, len, &p, &d), -EINVAL);
	assert_true(now() - t0 < 1.0);
	assert_null(p);
	/* Anchor, alias, unknown field: each said once. */
	assert_int_equal(d.nerrors, 3);
	diag_list_clear(&d);
	free(text);
}

/* ---------------------------------------------------------------------- */
/* Valid profiles and resolution */

static void
test_chain(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	const struct setting *s;
	const struct rule *r;

	(void)state;
	assert_int_equal(profile_load("leaf", &good_search, &p, &d), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(p->name, "leaf");
	assert_string_equal(p->description, "end of the test chain");
	assert_string_equal(p->origin, GOOD_DIR "/leaf.yaml");
	assert_int_equal(p->naliases, 2);
	assert_string_equal(p->aliases[0], "leaf-alias");
	assert_string_equal(p->aliases[1], "tip");
	assert_int_equal(p->nchain, 3);
	assert_string_equal(p->chain[0], "leaf");
	assert_string_equal(p->chain[1], "mid");
	assert_string_equal(p->chain[2], "base");

	/* Settings: own + inherited, sorted, child replaces parent. */
	assert_int_equal(p->nsettings, 6);
	for (size_t i = 1; i < p->nsettings; i++)
		assert_true(strcmp(p->settings[i - 1].entry->name,
		    p->settings[i].entry->name) < 0);
	s = profile_setting(p, "net.core.somaxconn");
	assert_non_null(s);
	assert_string_equal(s->profile, "mid");
	assert_string_equal(s->file, GOOD_DIR "/mid.yaml");
	assert_true(s->has_min);
	assert_int_equal(s->min.field[0], 8192);
	assert_false(s->has_apply);	/* the whole setting was replaced */
	assert_string_equal(s->reason, "mid wants a longer queue");
	s = profile_setting(p, "net.ipv4.tcp_syncookies");
	assert_non_null(s);
	assert_true(s->has_equal && s->has_apply);	/* apply alone = equal */
	assert_int_equal(s->equal.field[0], 1);
	assert_int_equal(s->severity, SEV_CRITICAL);
	s = profile_setting(p, "net.ipv4.tcp_rmem");
	assert_non_null(s);
	assert_string_equal(s->profile, "base");
	assert_int_equal(s->min_mask, 4);
	assert_int_equal(s->min.field[2], 6291456);
	assert_int_equal(s->line, 6);
	assert_int_equal(s->col, 3);
	s = profile_setting(p, "net.ipv4.tcp_tw_reuse");
	assert_non_null(s);
	assert_string_equal(s->profile, "leaf");
	assert_int_equal(s->n_one_of, 2);
	assert_int_equal(s->severity, SEV_WARNING);	/* the default */
	assert_null(profile_setting(p, "net.ipv4.tcp_timestamps"));

	/* Rules: TA-H002 replaced by mid, TA-H003 (base) disabled by mid,
	   TA-H004 (mid) disabled by leaf. */
	assert_int_equal(p->nrules, 2);
	assert_string_equal(p->rules[0].id, "TA-H001");
	assert_string_equal(p->rules[1].id, "TA-H002");
	r = profile_rule(p, "TA-H002");
	assert_non_null(r);
	assert_string_equal(r->profile, "mid");
	assert_string_equal(r->title, "mid version of the reuse rule");
	assert_int_equal(r->fix_kind, FIX_VALUE);
	assert_int_equal(r->fix_value.field[0], 2);
	r = profile_rule(p, "TA-H001");
	assert_non_null(r);
	assert_string_equal(r->profile, "base");
	assert_int_equal(r->fix_kind, FIX_REMOVE);
	assert_int_equal(r->severity, SEV_CRITICAL);
	assert_ptr_equal(r->key, catalog_lookup("net.ipv4.tcp_tw_recycle"));
	assert_int_equal(r->when.type, COND_ALL);
	assert_int_equal(r->when.nchildren, 2);
	assert_int_equal(r->when.children[1].type, COND_KERNEL);
	assert_int_equal(r->when.children[1].nktests, 1);
	assert_int_equal(r->when.children[1].ktests[0].op, OP_LT);
	assert_int_equal(r->when.children[1].ktests[0].v.major, 4);
	assert_int_equal(r->when.children[1].ktests[0].v.minor, 12);
	assert_null(profile_rule(p, "TA-H003"));
	assert_null(profile_rule(p, "TA-H004"));
	p = profile_free(p);

	/* The middle of the chain still has TA-H004; the root has TA-H003. */
	assert_int_equal(profile_load(GOOD_DIR "/mid.yaml", &good_search, &p, &d), 0);
	assert_non_null(profile_rule(p, "TA-H004"));
	assert_null(profile_rule(p, "TA-H003"));
	assert_string_equal(profile_rule(p, "TA-H002")->profile, "mid");
	assert_int_equal(p->nchain, 2);
	p = profile_free(p);
	assert_int_equal(profile_load("base", &good_search, &p, &d), 0);
	assert_non_null(profile_rule(p, "TA-H003"));
	assert_int_equal(profile_rule(p, "TA-H003")->fix_kind, FIX_DEFAULT);
	assert_int_equal(p->nchain, 1);
	p = profile_free(p);
	assert_int_equal(d.n, 0);
}

/* profile_parse() reads one file and does not resolve anything. */
static void
test_parse_only(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	size_t size;
	char *text = slurp(GOOD_DIR "/leaf.yaml", &size);

	(void)state;
	assert_non_null(text);
	assert_int_equal(profile_parse("leaf.yaml", text, size, &p, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(p->nchain, 1);
	assert_string_equal(p->chain[0], "leaf");
	assert_string_equal(p->origin, "leaf.yaml");
	assert_int_equal(p->nsettings, 1);
	assert_int_equal(p->nrules, 0);
	assert_string_equal(p->settings[0].file, "leaf.yaml");
	p = profile_free(p);
	free(text);
	assert_null(profile_free(NULL));
}

static void
test_conditions(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	const struct rule *r;
	const struct cond *c;
	const struct setting *s;

	(void)state;
	assert_int_equal(profile_load(GOOD_DIR "/conditions.yaml", NULL, &p, &d), 0);
	assert_int_equal(d.n, 0);
	s = profile_setting(p, "net.ipv4.ip_local_reserved_ports");
	assert_non_null(s);
	assert_string_equal(s->equal.str, "8080,9000-9010");
	s = profile_setting(p, "net.ipv4.tcp_congestion_control");
	assert_string_equal(s->equal.str, "bbr");
	s = profile_setting(p, "net.ipv4.tcp_wmem");
	assert_int_equal(s->equal.nfields, 3);
	assert_int_equal(s->equal.field[2], 4194304);

	r = profile_rule(p, "TA-H010");
	assert_non_null(r);
	assert_int_equal(r->fix_kind, FIX_VALUE);
	assert_int_equal(r->fix_value.nfields, 3);
	c = &r->when;
	assert_int_equal(c->type, COND_ANY);
	assert_int_equal(c->nchildren, 11);
	assert_int_equal(c->line, 30);
	assert_int_equal(c->col, 7);
	c = r->when.children;
	assert_int_equal(c[0].op, OP_EQ);
	assert_int_equal(c[0].operand.kind, OPERAND_VALUE);
	assert_int_equal(c[0].operand.value.field[1], 131072);
	assert_int_equal(c[1].op, OP_NE);
	assert_int_equal(c[1].operand.value.field[1], 87380);
	assert_int_equal(c[2].op, OP_LT);
	assert_int_equal(c[2].field, 3);
	assert_int_equal(c[2].operand.value.shape, SHAPE_INT);
	assert_int_equal(c[3].op, OP_LE);
	assert_int_equal(c[3].operand.kind, OPERAND_KEY);
	assert_ptr_equal(c[3].operand.key, catalog_lookup("net.ipv4.tcp_wmem"));
	assert_int_equal(c[3].operand.field, 1);
	assert_int_equal(c[4].op, OP_GT);
	assert_int_equal(c[4].operand.kind, OPERAND_DEFAULT);
	assert_int_equal(c[5].op, OP_GE);
	assert_int_equal(c[5].operand.field, 0);
	assert_int_equal(c[6].op, OP_IN);
	assert_int_equal(c[6].nset, 2);
	assert_int_equal(c[6].set[1].field[1], 87380);
	assert_int_equal(c[7].op, OP_NOT_IN);
	assert_int_equal(c[7].nset, 2);
	assert_int_equal(c[7].set[1].field[0], 8192);
	assert_int_equal(c[8].op, OP_ORDERED);
	assert_false(c[8].flag);
	assert_int_equal(c[9].operand.kind, OPERAND_KEY);
	assert_int_equal(c[10].op, OP_PRESENT);
	assert_false(c[10].flag);

	r = profile_rule(p, "TA-H011");
	assert_non_null(r);
	assert_int_equal(r->fix_kind, FIX_AUTO);
	c = r->when.children;
	assert_int_equal(r->when.type, COND_ALL);
	assert_int_equal(r->when.nchildren, 7);
	assert_int_equal(c[0].op, OP_PARITY);
	assert_true(c[0].flag);
	assert_int_equal(c[1].type, COND_NOT);
	assert_int_equal(c[1].nchildren, 1);
	assert_int_equal(c[1].children[0].type, COND_NETNS);
	assert_true(c[1].children[0].netns_child);
	assert_int_equal(c[2].type, COND_NETNS);
	assert_false(c[2].netns_child);
	assert_int_equal(c[3].type, COND_KERNEL);
	assert_int_equal(c[3].nktests, 2);
	assert_int_equal(c[3].ktests[0].op, OP_GE);
	assert_int_equal(c[3].ktests[0].v.minor, 10);
	assert_int_equal(c[3].ktests[1].op, OP_LT);
	assert_int_equal(c[3].ktests[1].v.major, 6);
	assert_string_equal(c[4].operand.value.str, "cubic");
	assert_int_equal(c[5].nset, 2);
	assert_string_equal(c[5].set[0].str, "reno");
	assert_int_equal(c[6].operand.kind, OPERAND_DEFAULT);
	p = profile_free(p);
}

/* Search order: dirs in order, then built-ins by name, then by alias. */
static void
test_search(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	char dir[PATH_MAX], *out;
	const char *dirs[2];
	struct profile_search search = { dirs, 2 };
	const struct builtin_profile *all;
	size_t nb;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	dirs[0] = dir;
	dirs[1] = GOOD_DIR;
	tmp_file(dir, "base.yaml", "name: base\ndescription: shadows the one in good\n"
	    "rules:\n  - {id: TA-H003, key: net.ipv4.tcp_timestamps, severity: info,\n"
	    "     title: t, reason: r, source: s, when: {netns: child}}\n");
	tmp_file(dir, "wrong.yaml", "name: right\ndescription: misnamed\n");

	/* The first directory wins; the chain of mid now ends at it. */
	assert_int_equal(profile_load("mid", &search, &p, &d), 0);
	assert_int_equal(p->nchain, 2);
	assert_null(profile_rule(p, "TA-H001"));
	assert_non_null(profile_setting(p, "net.core.somaxconn"));
	assert_null(profile_setting(p, "net.ipv4.tcp_rmem"));
	assert_int_equal(p->nrules, 2);		/* TA-H002, TA-H004 of mid */
	p = profile_free(p);

	/* Without TA-H003 in the new base, mid's `disable` is an error. */
	tmp_file(dir, "base.yaml", "name: base\ndescription: no rules\n");
	assert_int_equal(profile_load("mid", &search, &p, &d), -EINVAL);
	out = render(&d);
	assert_string_equal(out, "tcpadvise: " GOOD_DIR "/mid.yaml:34:11: rule "
	    "'TA-H003' in 'disable' is not defined by any profile this one extends\n");
	free(out);
	diag_list_clear(&d);

	/* A profile found by name must carry that name. */
	assert_int_equal(profile_load("wrong", &search, &p, &d), -EINVAL);
	out = render(&d);
	assert_true(strstr(out, "/wrong.yaml:1:7: profile name 'right' does not "
	    "match the file name 'wrong.yaml'\n") != NULL);
	free(out);
	diag_list_clear(&d);

	/* Not found, with and without a suggestion. */
	assert_int_equal(profile_load("leef", &search, &p, &d), -ENOENT);
	out = render(&d);
	assert_string_equal(out, "tcpadvise: profile 'leef' not found "
	    "(did you mean 'leaf'?)\n");
	free(out);
	diag_list_clear(&d);
	assert_int_equal(profile_load("zzzzzzzz", &search, &p, &d), -ENOENT);
	out = render(&d);
	assert_string_equal(out, "tcpadvise: profile 'zzzzzzzz' not found\n");
	free(out);
	diag_list_clear(&d);
	assert_int_equal(profile_load("Not_A_Name", &search, &p, &d), -ENOENT);
	diag_list_clear(&d);
	assert_int_equal(profile_load("missing/x.yaml", &search, &p, &d), -ENOENT);
	out = render(&d);
	assert_string_equal(out, "tcpadvise: missing/x.yaml: No such file or directory\n");
	free(out);
	diag_list_clear(&d);
	assert_null(p);

	/* Built-ins: each loads cleanly by name, and by each of its aliases. */
	all = builtin_profiles(&nb);
	for (size_t i = 0; i < nb; i++) {
		struct profile *own = NULL;

		if (all[i].end == all[i].data)
			continue;	/* not written yet */
		if (profile_load(all[i].name, NULL, &p, &d) != 0) {
			out = render(&d);
			print_error("built-in %s:\n%s", all[i].name, out);
			free(out);
			fail();
		}
		assert_string_equal(p->origin, "built-in");
		assert_string_equal(p->name, all[i].name);
		assert_int_equal(profile_parse(all[i].file, all[i].data,
		    (size_t)(all[i].end - all[i].data), &own, &d), 0);
		for (size_t j = 0; j < own->naliases; j++) {
			struct profile *q = NULL;

			assert_int_equal(profile_load(own->aliases[j], NULL, &q, &d), 0);
			assert_string_equal(q->name, all[i].name);
			q = profile_free(q);
		}
		own = profile_free(own);
		p = profile_free(p);
	}
	assert_int_equal(d.n, 0);

	/* A file in a search directory hides the built-in of its name. */
	tmp_file(dir, "nginx.yaml", "name: nginx\ndescription: local\n");
	assert_int_equal(profile_load("nginx", &search, &p, &d), 0);
	assert_string_equal(p->description, "local");
	assert_string_equal(p->origin + strlen(p->origin) - 11, "/nginx.yaml");
	p = profile_free(p);
	remove_tree(dir);
}

/* Errors in a parent carry the parent's file name; `extends` of a name
   that resolves to the profile itself is a cycle. */
static void
test_parent_errors(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile *p = NULL;
	char dir[PATH_MAX], want[4 * PATH_MAX], *out;
	const char *dirs[1] = { dir };
	struct profile_search search = { dirs, 1 };

	(void)state;
	make_tmpdir(dir, sizeof dir);
	tmp_file(dir, "child.yaml", "name: child\ndescription: c\nextends: parent\n"
	    "disable: [TA-H005]\n");
	tmp_file(dir, "parent.yaml", "name: parent\ndescription: p\ncolor: red\n"
	    "rules:\n  - id: TA-H005\n");
	tmp_file(dir, "self.yaml", "name: self\ndescription: s\nextends: self\n");
	assert_int_equal(profile_load("child", &search, &p, &d), -EINVAL);
	assert_null(p);
	out = render(&d);
	fmt(want, sizeof want,
	    "tcpadvise: %s/parent.yaml:3:1: unknown field 'color' at top level\n"
	    "tcpadvise: %s/parent.yaml:5:5: missing required field 'key' in rule 'TA-H005'\n"
	    "tcpadvise: %s/parent.yaml:5:5: missing required field 'severity' in rule 'TA-H005'\n"
	    "tcpadvise: %s/parent.yaml:5:5: missing required field 'title' in rule 'TA-H005'\n"
	    "tcpadvise: %s/parent.yaml:5:5: missing required field 'reason' in rule 'TA-H005'\n"
	    "tcpadvise: %s/parent.yaml:5:5: missing required field 'source' in rule 'TA-H005'\n"
	    "tcpadvise: %s/parent.yaml:5:5: missing required field 'when' in rule 'TA-H005'\n",
	    dir, dir, dir, dir, dir, dir, dir);
	/* The invalid rule still defines its id for `disable`. */
	assert_string_equal(out, want);
	free(out);
	diag_list_clear(&d);

	assert_int_equal(profile_load("self", &search, &p, &d), -EINVAL);
	out = render(&d);
	fmt(want, sizeof want,
	    "tcpadvise: %s/self.yaml:3:10: 'extends' cycle: self -> self\n", dir);
	assert_string_equal(out, want);
	free(out);
	diag_list_clear(&d);

	/* A child of a built-in, through an alias of it. */
	if (builtin_profile_find("nginx") != NULL) {
		struct profile *q = NULL;

		tmp_file(dir, "site.yaml", "name: site\ndescription: s\nextends: web\n");
		if (profile_load("web", NULL, &q, &d) == 0) {
			assert_int_equal(profile_load("site", &search, &p, &d), 0);
			assert_string_equal(p->chain[1], "nginx");
			assert_int_equal(p->nchain, q->nchain + 1);
			assert_int_equal(p->nrules, q->nrules);
			p = profile_free(p);
			q = profile_free(q);
		}
		diag_list_clear(&d);
	}
	remove_tree(dir);
}

static void
test_list(void **state)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct profile_info *list = NULL;
	char dir[PATH_MAX], *out, want[2 * PATH_MAX];
	const char *dirs[3];
	struct profile_search search = { dirs, 3 };
	size_t n = 0, nb;
	bool seen_base = false, seen_nginx = false;

	(void)state;
	make_tmpdir(dir, sizeof dir);
	dirs[0] = dir;
	dirs[1] = GOOD_DIR;
	dirs[2] = "tests/fixtures/profiles/no-such-dir";
	tmp_file(dir, "base.yaml", "name: base\ndescription: first of its name\n");
	tmp_file(dir, "broken.yaml", "name: broken\n");
	tmp_file(dir, "nginx.yaml", "name: nginx\ndescription: local\naliases: [web]\n");
	tmp_file(dir, "README", "not a profile\n");
	assert_int_equal(profile_list(&search, &list, &n, &d), 0);
	out = render(&d);
	fmt(want, sizeof want, "tcpadvise: %s/broken.yaml:1:1: missing "
	    "required field 'description' at top level\n", dir);
	assert_string_equal(out, want);
	free(out);
	builtin_profiles(&nb);
	/* base conditions leaf mid nginx (local) + the other built-ins. */
	assert_int_equal(n, 4 + nb);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(strcmp(list[i - 1].name, list[i].name) < 0);
		assert_string_not_equal(list[i].name, "broken");
		if (strcmp(list[i].name, "base") == 0) {
			seen_base = true;
			assert_string_equal(list[i].description, "first of its name");
			fmt(want, sizeof want, "%s/base.yaml", GOOD_DIR);
			assert_string_equal(list[i].shadows, want);
		} else if (strcmp(list[i].name, "nginx") == 0) {
			seen_nginx = true;
			assert_string_equal(list[i].shadows, "built-in");
			assert_int_equal(list[i].naliases, 1);
			assert_string_equal(list[i].aliases[0], "web");
		} else if (strcmp(list[i].name, "leaf") == 0) {
			assert_string_equal(list[i].origin, GOOD_DIR "/leaf.yaml");
			assert_null(list[i].shadows);
		} else if (builtin_profile_find(list[i].name) != NULL)
			assert_string_equal(list[i].origin, "built-in");
	}
	assert_true(seen_base && seen_nginx);
	profile_info_free(list, n);
	profile_info_free(NULL, 0);
	diag_list_clear(&d);
	remove_tree(dir);
}

/* ---------------------------------------------------------------------- */
/* Queries */

static void
test_satisfied_describe(void **state)
{
	struct profile *p = parse_ok(
	    "name: q\ndescription: queries\nsettings:\n"
	    "  net.core.somaxconn: {min: 4096, reason: r, source: s}\n"
	    "  net.ipv4.tcp_fin_timeout: {min: 15, max: 60, reason: r, source: s}\n"
	    "  net.ipv4.tcp_syncookies: {equal: 1, reason: r, source: s}\n"
	    "  net.ipv4.tcp_tw_reuse: {one-of: [0, 2], reason: r, source: s}\n"
	    "  net.ipv4.tcp_rmem: {min: [~, ~, 6291456], reason: r, source: s}\n"
	    "  net.ipv4.ip_local_port_range:\n"
	    "    {min: [10000, ~], max: [~, 60999], reason: r, source: s}\n"
	    "  net.ipv4.tcp_wmem: {apply: 4096 16384 4194304, reason: r, source: s}\n"
	    "  net.ipv4.tcp_congestion_control: {equal: bbr, reason: r, source: s}\n"
	    "  net.ipv4.tcp_keepalive_time: {max: 7200, reason: r, source: s}\n");
	static const struct {
		const char *key, *desc;
		const char *yes[3], *no[3];
	} cases[] = {
		{ "net.core.somaxconn", ">= 4096", { "4096", "65535" }, { "4095", "-1" } },
		{ "net.ipv4.tcp_fin_timeout", ">= 15 and <= 60", { "15", "60" },
		  { "14", "61" } },
		{ "net.ipv4.tcp_syncookies", "= 1", { "1" }, { "0", "2" } },
		{ "net.ipv4.tcp_tw_reuse", "one of 0, 2", { "0", "2" }, { "1" } },
		{ "net.ipv4.tcp_rmem", "field 3 >= 6291456",
		  { "4096 131072 6291456", "1 1 99999999" },
		  { "4096 131072 6291455" } },
		{ "net.ipv4.ip_local_port_range", "field 1 >= 10000 and field 2 <= 60999",
		  { "10000 60999", "32768 32768" }, { "9999 60999", "10000 61000" } },
		{ "net.ipv4.tcp_wmem", "= 4096 16384 4194304", { "4096 16384 4194304" },
		  { "4096 16384 4194305" } },
		{ "net.ipv4.tcp_congestion_control", "= bbr", { "bbr" }, { "cubic" } },
		{ "net.ipv4.tcp_keepalive_time", "<= 7200", { "7200", "1" }, { "7201" } },
	};
	char buf[128];

	(void)state;
	assert_int_equal(p->nsettings, sizeof cases / sizeof cases[0]);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct setting *s = profile_setting(p, cases[i].key);

		assert_non_null(s);
		assert_int_equal(setting_describe(s, buf, sizeof buf), 0);
		assert_string_equal(buf, cases[i].desc);
		for (size_t j = 0; j < 3 && cases[i].yes[j]; j++) {
			struct value v = val(s->entry, cases[i].yes[j]);

			assert_true(setting_satisfied(s, &v));
		}
		for (size_t j = 0; j < 3 && cases[i].no[j]; j++) {
			struct value v = val(s->entry, cases[i].no[j]);

			assert_false(setting_satisfied(s, &v));
		}
		/* Too small a buffer: -ENOBUFS, never a cut text. */
		assert_int_equal(setting_describe(s, buf, strlen(cases[i].desc)),
		    -ENOBUFS);
	}
	{
		/* A vector value shorter than the constrained field, and a
		   value of another shape, do not satisfy. */
		const struct setting *s = profile_setting(p, "net.ipv4.tcp_rmem");
		struct value v;
		const char *errstr;

		assert_int_equal(value_parse_kernel("4096 131072", SHAPE_VECTOR, 3, &v,
		    &errstr), 0);
		assert_false(setting_satisfied(s, &v));
		v = val(catalog_lookup("net.core.somaxconn"), "6291456");
		assert_false(setting_satisfied(s, &v));
	}
	p = profile_free(p);
}

static void
test_severity(void **state)
{
	enum severity s;

	(void)state;
	assert_string_equal(severity_name(SEV_INFO), "info");
	assert_string_equal(severity_name(SEV_WARNING), "warning");
	assert_string_equal(severity_name(SEV_CRITICAL), "critical");
	assert_int_equal(severity_parse("critical", &s), 0);
	assert_int_equal(s, SEV_CRITICAL);
	assert_int_equal(severity_parse("info", &s), 0);
	assert_int_equal(s, SEV_INFO);
	assert_int_equal(severity_parse("Critical", &s), -EINVAL);
	assert_int_equal(severity_parse("", &s), -EINVAL);
}

/* ---------------------------------------------------------------------- */
/* Static helpers and single messages */

static void
test_helpers(void **state)
{
	static const char *const fields[] = { "equal", "min", "max", "severity" };
	char buf[SHOW_BUF], big[600];

	(void)state;
	assert_true(pf_valid_name("a"));
	assert_true(pf_valid_name("nginx"));
	assert_true(pf_valid_name("a-1"));
	assert_true(pf_valid_name("abcdefghijklmnopqrstuvwxyz012345"));	/* 32 */
	assert_false(pf_valid_name("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(pf_valid_name(""));
	assert_false(pf_valid_name("1a"));
	assert_false(pf_valid_name("-a"));
	assert_false(pf_valid_name("Web"));
	assert_false(pf_valid_name("a_b"));
	assert_false(pf_valid_name("a.b"));
	assert_true(valid_rule_id("TA-H000"));
	assert_true(valid_rule_id("TA-H999"));
	assert_false(valid_rule_id("TA-H99"));
	assert_false(valid_rule_id("TA-H9999"));
	assert_false(valid_rule_id("ta-h001"));
	assert_false(valid_rule_id("TA-D001"));
	assert_false(valid_rule_id("TA-H0a1"));
	assert_true(valid_release("4.12"));
	assert_true(valid_release("6.1.0"));
	assert_false(valid_release("6"));
	assert_false(valid_release("6."));
	assert_false(valid_release(".6"));
	assert_false(valid_release("6.1.0.1"));
	assert_false(valid_release("6.1-rc1"));
	assert_false(valid_release(""));

	/* The threshold the loader uses for field and profile names. */
	assert_string_equal(suggest_best("severty", fields, 4, 1), "severity");
	assert_string_equal(suggest_best("mni", fields, 4, 1), "min");
	assert_null(suggest_best("colour", fields, 4, 1));
	assert_null(suggest_best("", fields, 4, 1));

	assert_string_equal(pf_show("plain text", buf, sizeof buf), "plain text");
	/* Escaping is diag_print()'s: pf_show() only cuts. */
	assert_string_equal(pf_show("a\nb\tc\x1b[0m\x7f", buf, sizeof buf),
	    "a\nb\tc\x1b[0m\x7f");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	pf_show(big, buf, sizeof buf);
	assert_int_equal(strlen(buf), SHOW_MAX + 3);
	assert_string_equal(buf + SHOW_MAX, "...");
	/* Cut before a character that does not fit whole. */
	memset(big, 'x', SHOW_MAX - 1);
	memcpy(big + SHOW_MAX - 1, "\xc3\xa9yyyy", 7);
	pf_show(big, buf, sizeof buf);
	assert_int_equal(strlen(buf), SHOW_MAX - 1 + 3);
}

/* Single errors that have no fixture of their own. */
static void
test_messages(void **state)
{
	(void)state;
	parse_fails("name: x\ndescription: d\nsettings:\n  net.core.somaxconn: 4096\n",
	    "tcpadvise: inline.yaml:4:23: setting 'net.core.somaxconn' must be a mapping\n");
	parse_fails("name: x\ndescription: d\nrules: [3]\n",
	    "tcpadvise: inline.yaml:3:9: rule must be a mapping\n");
	parse_fails("name: x\ndescription: d\nsettings:\n  net.ipv4.tcp_congestion_control:\n"
	    "    {min: bbr, reason: r, source: s}\n",
	    "tcpadvise: inline.yaml:5:6: 'min' needs a numeric key: "
	    "'net.ipv4.tcp_congestion_control' is a name\n");
	parse_fails("name: x\ndescription: d\nsettings:\n  net.ipv4.tcp_available_congestion_control:\n"
	    "    {apply: reno, reason: r, source: s}\n",
	    "tcpadvise: inline.yaml:5:6: 'net.ipv4.tcp_available_congestion_control' is "
	    "read-only: 'apply' cannot be used\n");
	parse_fails("name: x\ndescription: d\nsettings:\n  net.ipv4.tcp_rmem:\n"
	    "    {min: {a: 1}, reason: r, source: s}\n",
	    "tcpadvise: inline.yaml:5:11: 'min' for 'net.ipv4.tcp_rmem' must be a "
	    "scalar or a sequence\n");
	parse_fails("name: x\ndescription: d\nsettings:\n  net.core.somaxconn:\n"
	    "    {one-of: 4096, reason: r, source: s}\n",
	    "tcpadvise: inline.yaml:5:14: 'one-of' must be a sequence\n");
	parse_fails("name: x\ndescription: d\nsettings:\n  net.core.somaxconn:\n"
	    "    {one-of: [], reason: r, source: s}\n",
	    "tcpadvise: inline.yaml:5:14: 'one-of' must not be empty\n");
	parse_fails("name: x\ndescription: d\nsettings:\n  net.core.somaxconn:\n"
	    "    {one-of: [4096, 100000], reason: r, source: s}\n",
	    "tcpadvise: inline.yaml:5:21: value '100000' for 'net.core.somaxconn' is "
	    "outside the sane range: must be between 128 and 65535\n");
	parse_fails("name: x\ndescription: d\nsettings:\n  net.ipv4.ip_local_port_range:\n"
	    "    {equal: [1024, [2]], reason: r, source: s}\n",
	    "tcpadvise: inline.yaml:5:13: value '1024 ?' for 'net.ipv4.ip_local_port_range' "
	    "is invalid: expected a vector of 2 integers\n");
	parse_fails("name: x\ndescription: d\nrules:\n  - {id: TA-H001, key: net.core.somaxconn,"
	    " severity: info, title: t, reason: r, source: s, when: [a]}\n",
	    "tcpadvise: inline.yaml:4:98: 'when' must be a mapping\n");
	parse_fails("name: x\ndescription: d\nrules:\n  - {id: TA-H001, key: net.core.somaxconn,"
	    " severity: info, title: t, reason: r, source: s, when: {not: 1}}\n",
	    "tcpadvise: inline.yaml:4:104: 'not' must be a mapping\n");
	parse_fails("name: x\ndescription: d\nrules:\n  - {id: TA-H001, key: net.core.somaxconn,"
	    " severity: info, title: t, reason: r, source: s, when: {all: [1]}}\n",
	    "tcpadvise: inline.yaml:4:105: condition must be a mapping\n");
	parse_fails("name: x\ndescription: d\nrules:\n  - {id: TA-H001, key: net.core.somaxconn,"
	    " severity: info, title: t, reason: r, source: s,\n"
	    "     when: {netns: init, eq: 1}}\n",
	    "tcpadvise: inline.yaml:5:26: 'eq' can only be used with 'key'\n");
	parse_fails("name: x\ndescription: d\nrules:\n  - {id: TA-H001, key: net.ipv4.tcp_rmem,"
	    " severity: info, title: t, reason: r, source: s,\n"
	    "     when: {key: net.ipv4.tcp_rmem, field: 1, ordered: true}}\n",
	    "tcpadvise: inline.yaml:5:37: 'ordered' cannot be combined with 'field'\n");
	parse_fails("name: x\ndescription: d\nextends: Base\n",
	    "tcpadvise: inline.yaml:3:10: invalid profile name 'Base' (expected a "
	    "lowercase letter, then up to 31 lowercase letters, digits or '-')\n");
	parse_fails("name: x\ndescription: d\nsettings: {}\nx: [1, 2\n",
	    "tcpadvise: inline.yaml:5:1: did not find expected ',' or ']'\n");
	parse_fails("name: x\ndescription: \"a\\0b\"\n",
	    "tcpadvise: inline.yaml:2:14: scalar contains a NUL character\n");
	parse_fails("name: x\ndescription: d\n? [a]\n: b\n",
	    "tcpadvise: inline.yaml:3:3: mapping key must be a scalar\n");
	parse_fails("name: x\ndescription: \xff\n",
	    "tcpadvise: inline.yaml:2:14: invalid leading UTF-8 octet\n");
	parse_fails("name: x\ndescription: d\n\"\\e[31m\": 1\n",
	    "tcpadvise: inline.yaml:3:1: unknown field '\\x1b[31m' at top level\n");
	parse_fails("", "tcpadvise: inline.yaml:1:1: profile must be a mapping\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_fixtures),
		cmocka_unit_test(test_file_size_limit),
		cmocka_unit_test(test_alias_bomb_generated),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_parse_only),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_parent_errors),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_satisfied_describe),
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
