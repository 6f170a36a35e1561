/*
 * Unit tests of src/cli/report.c: the text layout, the JSON contract (parsed
 * back with jansson) and the Prometheus exposition format.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "report.c"
#include "tree.h"

struct fixture {
	char *root;
	struct profile *p;
	struct snapshot *s;
	struct findings f;
};

static int
setup(void **state)
{
	struct fixture *x = calloc(1, sizeof *x);
	struct diag_list d = DIAG_LIST_INIT;
	static const char yaml[] = "name: t\ndescription: test profile\nrules:\n"
	    "  - {id: TA-H004, key: net.ipv4.tcp_fin_timeout, severity: warning,"
	    "     title: \"fin_timeout \\\"low\\\"\", reason: a reason that is long enough to be"
	    " wrapped over more than one line of the text report at seventy-eight columns,"
	    "     source: a source, when: {key: net.ipv4.tcp_fin_timeout, lt: 15}}\n";

	assert_non_null(x);
	x->root = tree_new();
	tree_sysctl(x->root, "kernel.osrelease", "6.18.44");
	tree_sysctl(x->root, "net.core.netdev_max_backlog", "1000");
	tree_sysctl(x->root, "net.core.somaxconn", "4096");
	tree_sysctl(x->root, "net.ipv4.tcp_fin_timeout", "2");
	tree_write(x->root, "etc/sysctl.conf", "net.ipv4.tcp_fin_timeout = 2\n");
	assert_int_equal(profile_parse("t.yaml", yaml, sizeof yaml - 1, &x->p, &d), 0);
	diag_list_clear(&d);
	assert_int_equal(snapshot_take(x->root, NULL, &x->s), 0);
	assert_int_equal(rules_eval(x->p, x->s, NULL, &x->f), 0);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *x = *state;

	findings_clear(&x->f);
	snapshot_free(x->s);
	profile_free(x->p);
	tree_free(x->root);
	free(x);
	return 0;
}

static char *
render(struct fixture *x, enum report_format fmt, int verbosity)
{
	struct report_opts o = { false, verbosity, SEV_WARNING, false, 1700000000, false };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(report_check(f, fmt, &o, x->p, x->s, &x->f), 0);
	fclose(f);
	return buf;
}

static void
test_text(void **state)
{
	struct fixture *x = *state;
	char *out = render(x, FORMAT_TEXT, 0);

	assert_non_null(strstr(out, "profile t, t.yaml\nkernel 6.18.44, init network "
	    "namespace\npersisted values: what sysctl --system (procps) sets at boot "
	    "from 1 file\n\n"));
	assert_non_null(strstr(out, "WARNING (1)\n\n  TA-H004 net.ipv4.tcp_fin_timeout "
	    "[hazard]\n    fin_timeout \"low\"\n    live: 2; persisted: 2 "
	    "(/etc/sysctl.conf:1)\n"));
	/* Wrapped at 78 columns under "why: ". */
	assert_non_null(strstr(out, "    why: a reason that is long enough to be wrapped "
	    "over more than one line of\n         the text report at seventy-eight "
	    "columns\n"));
	assert_non_null(strstr(out, "    fix: set net.ipv4.tcp_fin_timeout = 60 in "
	    "/etc/sysctl.d/90-tcpadvise.conf;\n         comment out /etc/sysctl.conf:1 "
	    "(read last by procps)\n    now: sysctl -w net.ipv4.tcp_fin_timeout=60\n"));
	assert_non_null(strstr(out, "summary: 0 critical, 1 warning, 0 info (failing at "
	    "warning and above)\n"));
	for (char *l = out, *e; (e = strchr(l, '\n')) != NULL; l = e + 1)
		assert_true(e - l <= 78);
	free(out);

	out = render(x, FORMAT_TEXT, -1);
	assert_string_equal(out, "warning TA-H004 net.ipv4.tcp_fin_timeout: "
	    "fin_timeout \"low\"\n");
	free(out);
}

static void
test_json(void **state)
{
	struct fixture *x = *state;
	char *out = render(x, FORMAT_JSON, 0);
	json_error_t err;
	json_t *j = json_loads(out, 0, &err), *f, *k = NULL;
	size_t i;

	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "schema_version")), 1);
	assert_string_equal(json_string_value(json_object_get(j, "kernel")), "6.18.44");
	assert_string_equal(json_string_value(json_object_get(j, "netns")), "init");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j,
	    "profile"), "name")), "t");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "summary"), "warning")), 1);
	f = json_array_get(json_object_get(j, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "id")), "TA-H004");
	assert_string_equal(json_string_value(json_object_get(f, "severity")), "warning");
	assert_string_equal(json_string_value(json_object_get(f, "kind")), "hazard");
	assert_string_equal(json_string_value(json_object_get(f, "live")), "2");
	assert_string_equal(json_string_value(json_object_get(f, "persisted")), "2");
	assert_string_equal(json_string_value(json_object_get(f, "message")),
	    "fin_timeout \"low\"");
	assert_true(json_is_null(json_object_get(f, "want")));
	assert_int_equal(json_integer_value(json_object_get(f, "line")), 1);
	assert_int_equal(json_array_size(json_object_get(f, "views")), 2);
	json_array_foreach(json_object_get(j, "keys"), i, k)
		if (strcmp(json_string_value(json_object_get(k, "key")),
		    "net.ipv4.tcp_fin_timeout") == 0)
			break;
	assert_true(i < json_array_size(json_object_get(j, "keys")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(k,
	    "procps"), "file")), "/etc/sysctl.conf");
	assert_true(json_is_null(json_object_get(k, "systemd")));
	json_decref(j);
	free(out);
}

static void
test_prometheus(void **state)
{
	struct fixture *x = *state;
	char *out = render(x, FORMAT_PROMETHEUS, 0);

	assert_non_null(strstr(out, "# TYPE tcpadvise_findings gauge\n"
	    "tcpadvise_findings{severity=\"info\"} 0\n"
	    "tcpadvise_findings{severity=\"warning\"} 1\n"
	    "tcpadvise_findings{severity=\"critical\"} 0\n"));
	assert_non_null(strstr(out, "tcpadvise_finding{id=\"TA-H004\",key=\"net.ipv4."
	    "tcp_fin_timeout\",severity=\"warning\",kind=\"hazard\"} 1\n"));
	assert_non_null(strstr(out, "tcpadvise_check_timestamp_seconds 1700000000\n"));
	free(out);
}

static void
test_label_escape(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	report_prom_label(f, "a\"b\\c\nd");
	fclose(f);
	assert_string_equal(buf, "a\\\"b\\\\c\\nd");
	free(buf);

	/* Other control bytes and invalid UTF-8: the text \xNN, its
	   backslash escaped; valid UTF-8 as it is. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	report_prom_label(f, "x\x1b[2J\xc2\x9b\x7f\xff\xe7\xbd\x91");
	fclose(f);
	assert_string_equal(buf, "x\\\\x1b[2J\\\\xc2\\\\x9b\\\\x7f\\\\xff\xe7\xbd\x91");
	free(buf);
}

static void
test_wrap(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	report_wrap(f, "aaa bbb ccc ddd", 0, 2, 8);
	report_wrap(f, "averyveryverylongword x", 2, 2, 8);
	fclose(f);
	assert_string_equal(buf, "aaa bbb\n  ccc\n  ddd\naveryveryverylongword\n  x\n");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prometheus, setup, teardown),
		cmocka_unit_test(test_label_escape),
		cmocka_unit_test(test_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
