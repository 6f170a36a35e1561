/*
 * Unit tests of src/write/export.c: --kubernetes-version, the kubelet's
 * safe set by release, and what each format holds and leaves out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "export.c"
#include "testprofile.h"

static void
test_kube_version(void **state)
{
	static const struct {
		const char *s;
		int r;
		unsigned minor;
	} cases[] = {
		{ "1.32", 0, 32 }, { "v1.29", 0, 29 }, { "1.29.3", 0, 29 },
		{ "1.11", 0, 11 }, { "1.999", 0, 999 },
		{ "1.10", -ERANGE, 0 }, { "1.1000", -ERANGE, 0 },
		{ "", -EINVAL, 0 }, { "1", -EINVAL, 0 }, { "1.", -EINVAL, 0 },
		{ "2.0", -EINVAL, 0 }, { "1.x", -EINVAL, 0 }, { "1.29.", -EINVAL, 0 },
		{ "1.29.x", -EINVAL, 0 }, { "V1.29", -EINVAL, 0 }, { "1.+29", -EINVAL, 0 },
		{ "1. 29", -EINVAL, 0 }, { "1.029", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned minor = 0;
		int r = export_kube_version_parse(cases[i].s, &minor);

		if (r != cases[i].r)
			fail_msg("'%s': %d, want %d", cases[i].s, r, cases[i].r);
		if (r == 0)
			assert_int_equal(minor, cases[i].minor);
	}
}

static void
test_kube_safe(void **state)
{
	const char *kernel = "x";

	(void)state;
	assert_true(export_kube_safe("net.ipv4.ip_local_port_range", 11, &kernel));
	assert_null(kernel);
	assert_false(export_kube_safe("net.ipv4.ping_group_range", 17, NULL));
	assert_true(export_kube_safe("net.ipv4.ping_group_range", 18, NULL));
	assert_false(export_kube_safe("net.ipv4.ip_unprivileged_port_start", 21, NULL));
	assert_true(export_kube_safe("net.ipv4.ip_unprivileged_port_start", 22, NULL));
	assert_false(export_kube_safe("net.ipv4.ip_local_reserved_ports", 26, NULL));
	assert_true(export_kube_safe("net.ipv4.ip_local_reserved_ports", 27, &kernel));
	assert_string_equal(kernel, "3.16");
	assert_false(export_kube_safe("net.ipv4.tcp_fin_timeout", 28, NULL));
	assert_true(export_kube_safe("net.ipv4.tcp_fin_timeout", 29, &kernel));
	assert_string_equal(kernel, "4.6");
	assert_true(export_kube_safe("net.ipv4.tcp_keepalive_probes", 29, &kernel));
	assert_string_equal(kernel, "4.5");
	assert_false(export_kube_safe("net.ipv4.tcp_rmem", 31, NULL));
	assert_true(export_kube_safe("net.ipv4.tcp_wmem", 32, NULL));
	assert_true(export_kube_safe("net.ipv4.tcp_wmem", 40, NULL));
	assert_false(export_kube_safe("net.core.somaxconn", 40, NULL));
	/* Every entry is in the safe set of the newest release encoded. */
	for (size_t i = 0; i < sizeof kube_safe / sizeof kube_safe[0]; i++)
		assert_true(export_kube_safe(kube_safe[i].name, EXPORT_KUBE_NEWEST, NULL));
}

static const char profile_text[] =
    "name: t\ndescription: d\n"
    "settings:\n"
    "  net.core.netdev_max_backlog: {apply: 4096, reason: r, source: s}\n"
    "  net.core.somaxconn: {apply: 1024, reason: r, source: s}\n"
    "  net.ipv4.tcp_rmem: {apply: [4096, 131072, 6291456], reason: r, source: s}\n"
    "  net.ipv4.tcp_fin_timeout:\n"
    "    apply: 30\n"
    "    when: {kernel: {ge: \"5.4\"}}\n"
    "    reason: r\n"
    "    source: s\n"
    "  net.ipv4.tcp_timestamps: {one-of: [1, 2], reason: r, source: s}\n";

static char *
render(const struct profile *p, enum export_format f, unsigned minor)
{
	struct export_opts o = { f, minor, NULL };
	char *text = NULL;

	assert_int_equal(export_render(p, &o, &text), 0);
	return text;
}

static void
test_render(void **state)
{
	struct profile *p = parse(profile_text);
	char *t;

	(void)state;
	t = render(p, EXPORT_KUBERNETES, 32);
	/* The global key only in the comment after the document. */
	assert_non_null(strstr(t, "\n#   net.core.netdev_max_backlog = 4096\n"));
	assert_null(strstr(t, "name: net.core.netdev_max_backlog"));
	assert_non_null(strstr(t, "  # Unsafe in Kubernetes 1.32: needs the kubelet's "
	    "--allowed-unsafe-sysctls on\n  # the node; Pod Security \"baseline\" "
	    "rejects it.\n  - name: net.core.somaxconn\n    value: \"1024\"\n"));
	assert_non_null(strstr(t, "  - name: net.ipv4.tcp_rmem\n    value: \"4096 131072 6291456\"\n"));
	assert_non_null(strstr(t, "  # set on older ones. Profile condition, not tested without the host: kernel\n"
	    "  # >= 5.4.\n  - name: net.ipv4.tcp_fin_timeout\n"));
	assert_null(strstr(t, "tcp_timestamps"));	/* no apply value */
	free(t);
	/* Before 1.32 tcp_rmem is unsafe. */
	t = render(p, EXPORT_KUBERNETES, 31);
	assert_non_null(strstr(t, "rejects it.\n  - name: net.ipv4.tcp_rmem\n"));
	free(t);

	t = render(p, EXPORT_DOCKER, 0);
	assert_non_null(strstr(t, "\n--sysctl net.core.somaxconn=1024\n# Profile "
	    "condition, not tested without the host: kernel >= 5.4.\n"
	    "--sysctl net.ipv4.tcp_fin_timeout=30\n"
	    "--sysctl 'net.ipv4.tcp_rmem=4096 131072 6291456'\n"));
	assert_null(strstr(t, "--sysctl net.core.netdev_max_backlog"));
	free(t);

	t = render(p, EXPORT_ANSIBLE, 0);
	assert_non_null(strstr(t, "- name: \"net.core.netdev_max_backlog = 4096\"\n"
	    "  ansible.posix.sysctl:\n    name: net.core.netdev_max_backlog\n"
	    "    value: \"4096\"\n    sysctl_file: " EXPORT_ANSIBLE_FILE "\n"
	    "    reload: true\n"));
	free(t);

	t = render(p, EXPORT_SYSCTL, 0);
	assert_non_null(strstr(t, "\n# r\nnet.core.netdev_max_backlog = 4096\n"));
	assert_non_null(strstr(t, "# r Profile condition, not tested without the host: "
	    "kernel >= 5.4.\nnet.ipv4.tcp_fin_timeout = 30\n"));
	free(t);
	profile_free(p);
}

static void
test_render_empty(void **state)
{
	struct profile *p = parse("name: e\ndescription: d\nsettings:\n"
	    "  net.core.netdev_max_backlog: {apply: 4096, reason: r, source: s}\n");
	char *t;

	(void)state;
	t = render(p, EXPORT_KUBERNETES, 32);
	assert_non_null(strstr(t, "securityContext:\n  sysctls: []\n"));
	free(t);
	profile_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kube_version),
		cmocka_unit_test(test_kube_safe),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
