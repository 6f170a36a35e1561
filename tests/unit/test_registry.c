/*
 * Unit tests of src/policy/registry.c: the table is sorted, lookups of
 * exact IDs and families, every "TA-" literal of the sources is registered,
 * every rule of the built-in profiles is, and every finding the policy
 * emits on a root full of problems has the kind the registry gives it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "registry.c"
#include "builtin.h"
#include "rules.h"
#include "tree.h"

static void
test_sorted_and_lookup(void **state)
{
	const struct finding_id *e;
	size_t n;

	(void)state;
	e = registry_entries(&n);
	assert_true(n > 10);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(e[i - 1].id, e[i].id) < 0);
	assert_string_equal(registry_lookup("TA-C005")->id, "TA-C005");
	assert_string_equal(registry_lookup("TA-D042")->id, "TA-D");
	assert_string_equal(registry_lookup("TA-H1203")->id, "TA-H");
	assert_null(registry_lookup("TA-D"));
	assert_null(registry_lookup("TA-D04x"));
	assert_null(registry_lookup("TA-C999"));
	assert_null(registry_lookup("TA-Z001"));
	assert_string_equal(finding_kind_name(registry_lookup("TA-L004")->kind),
	    "shadowed");
}

/* The "TA-" literals of one C file; returns how many it checked. */
static size_t
scan_file(const char *path)
{
	char *text;
	FILE *f;
	long size;
	size_t seen = 0;

	assert_non_null(f = fopen(path, "r"));
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	text = calloc((size_t)size + 1, 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	for (char *p = text; (p = strstr(p, "\"TA-")) != NULL; p++) {
		char id[16];
		size_t i = 0;

		for (const char *q = p + 1; *q != '"' && i + 1 < sizeof id; q++)
			id[i++] = *q;
		id[i] = '\0';
		if (strchr(id, '%') != NULL || strlen(id) <= 4)
			continue;	/* a format, or a prefix for strncmp() */
		if (registry_lookup(id) == NULL)
			fail_msg("%s: %s is not in the registry", path, id);
		seen++;
	}
	free(text);
	return seen;
}

/* Every C file below dir, folders included; returns the literals checked. */
static size_t
scan_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t seen = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char path[512];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		assert_true((size_t)snprintf(path, sizeof path, "%s/%s", dir,
		    de->d_name) < sizeof path);
		assert_int_equal(lstat(path, &st), 0);
		if (S_ISDIR(st.st_mode))
			seen += scan_dir(path);
		else if (len >= 3 && strcmp(de->d_name + len - 2, ".c") == 0)
			seen += scan_file(path);
	}
	closedir(d);
	return seen;
}

/*
 * Every literal "TA-<letter><digits>" in the C files below src, and every
 * family a "TA-<letter>%03u" or "TA-%s%03u" format builds (its letters are
 * checked through one example each).
 */
static void
test_source_literals(void **state)
{
	size_t seen;

	(void)state;
	seen = scan_dir("src");
	assert_true(seen > 20);
	/* The prefixes push_key_finding() and line_absent() format. */
	for (const char *p = "DURS"; *p; p++) {
		char id[8];

		snprintf(id, sizeof id, "TA-%c001", *p);
		assert_non_null(registry_lookup(id));
	}
}

static void
test_builtin_rules(void **state)
{
	const struct builtin_profile *b;
	size_t n;

	(void)state;
	b = builtin_profiles(&n);
	for (size_t i = 0; i < n; i++) {
		const char *p = b[i].data;

		while ((p = strstr(p, "- id: ")) != NULL) {
			char id[16];
			size_t k = 0;

			p += 6;
			while (p[k] != '\n' && k + 1 < sizeof id) {
				id[k] = p[k];
				k++;
			}
			id[k] = '\0';
			assert_non_null(registry_lookup(id));
			assert_int_equal(registry_lookup(id)->kind, KIND_HAZARD);
		}
	}
}

/* Every finding the policy emits on a root with every kind of problem. */
static void
test_emitted(void **state)
{
	char *root = tree_new();
	struct diag_list d = DIAG_LIST_INIT;
	struct profile_search search = { NULL, 0 };
	struct profile *p = NULL;
	struct snapshot *s = NULL;
	struct findings f = FINDINGS_INIT;

	(void)state;
	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	tree_sysctl(root, "net.core.netdev_max_backlog", "1000");
	tree_sysctl(root, "net.core.somaxconn", "128");
	tree_sysctl(root, "net.ipv4.tcp_ehash_entries", "262144");
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "2");
	tree_sysctl(root, "net.ipv4.tcp_tw_reuse", "1");
	tree_sysctl(root, "net.ipv4.tcp_timestamps", "0");
	tree_sysctl(root, "net.ipv4.tcp_max_tw_buckets", "5000");
	tree_write(root, "etc/sysctl.d/10-a.conf", "net.ipv4.tcp_fin_timeout = 2\n"
	    "net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_fin_timout = 3\nbroken line\n"
	    "net.ipv4.tcp_tw_reuse = 7\nnet.ipv4.tcp_syn_retries = 1\n"
	    "net.ipv4.tcp_max_tw_buckets = 5000\nnet.core.somaxconn = 128\n");
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf",
	    "net.ipv4.tcp_keepalive_time = 600\n");
	tree_write(root, "etc/sysctl.d/95-b.conf", "net.ipv4.tcp_syn_retries = 6\n"
	    "net.ipv4.tcp_max_tw_buckets = 5000\nnet.ipv4.tcp_keepalive_time = 900\n");
	tree_write(root, "etc/sysctl.conf", "net.ipv4.tcp_timestamps = 0\n");
	assert_int_equal(profile_load("nginx", &search, &p, &d), 0);
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(rules_eval(p, s, NULL, &f), 0);
	assert_true(f.n > 10);
	for (size_t i = 0; i < f.n; i++) {
		const struct finding_id *e = registry_lookup(f.items[i].id);

		if (e == NULL)
			fail_msg("%s is emitted but not registered", f.items[i].id);
		if (e->kind != f.items[i].kind)
			fail_msg("%s is emitted as %s, registered as %s", f.items[i].id,
			    finding_kind_name(f.items[i].kind), finding_kind_name(e->kind));
		if (!e->varies && e->severity != f.items[i].severity)
			fail_msg("%s is emitted at %s, registered at %s", f.items[i].id,
			    severity_name(f.items[i].severity), severity_name(e->severity));
	}
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	diag_list_clear(&d);
	tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_and_lookup),
		cmocka_unit_test(test_source_literals),
		cmocka_unit_test(test_builtin_rules),
		cmocka_unit_test(test_emitted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
