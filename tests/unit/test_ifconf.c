/*
 * Unit tests of src/policy/ifconf.c: the effective value of each IPv4 conf
 * setting from conf.all and an interface's own (include/linux/inetdevice.h),
 * and TA-I001/TA-I002 from throw-away roots.
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

#include "ifconf.c"
#include "builtin.h"
#include "tree.h"
#include "testprofile.h"

/* Every combination of all and dev in {0, 1, 2} against the kernel's macros. */
static void
test_effective(void **state)
{
	(void)state;
	for (long long a = 0; a <= 2; a++)
		for (long long d = 0; d <= 2; d++) {
			long long mx = a > d ? a : d, or = a || d, and = a && d;

			assert_int_equal(ifconf_effective(IFCONF_RP_FILTER, a, d, false), mx);
			assert_int_equal(ifconf_effective(IFCONF_SEND_REDIRECTS, a, d, false), or);
			assert_int_equal(ifconf_effective(IFCONF_SECURE_REDIRECTS, a, d, false), or);
			assert_int_equal(ifconf_effective(IFCONF_LOG_MARTIANS, a, d, false), or);
			assert_int_equal(ifconf_effective(IFCONF_ACCEPT_SOURCE_ROUTE, a, d, false), and);
			assert_int_equal(ifconf_effective(IFCONF_ACCEPT_SOURCE_ROUTE, a, d, true), and);
			/* IN_DEV_RX_REDIRECTS: AND where the interface forwards. */
			assert_int_equal(ifconf_effective(IFCONF_ACCEPT_REDIRECTS, a, d, false), or);
			assert_int_equal(ifconf_effective(IFCONF_ACCEPT_REDIRECTS, a, d, true), and);
			/* The forwarding of an interface is its own (IN_DEV_FORWARD). */
			assert_int_equal(ifconf_effective(IFCONF_FORWARDING, a, d, false), d);
		}
	assert_string_equal(ifconf_combination(IFCONF_RP_FILTER), "the larger of");
	assert_string_equal(ifconf_combination(IFCONF_ACCEPT_SOURCE_ROUTE), "both of");
}

static void
test_param_names(void **state)
{
	(void)state;
	for (int p = 0; p < IFCONF_NPARAMS; p++)
		assert_int_equal(ifconf_param_lookup(ifconf_param_name(p)), p);
	assert_int_equal(ifconf_param_lookup("arp_ignore"), -1);
	assert_null(ifconf_param_name(IFCONF_NPARAMS));
}

/* A root with conf.all, conf.default and interface values of one parameter. */
static char *
conf_root(const char *param, const char *all, const char *dflt)
{
	char *root = tree_new();
	char key[128];

	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	snprintf(key, sizeof key, "net.ipv4.conf.all.%s", param);
	tree_sysctl(root, key, all);
	snprintf(key, sizeof key, "net.ipv4.conf.default.%s", param);
	tree_sysctl(root, key, dflt);
	return root;
}

static void
iface_value(const char *root, const char *ifname, const char *param, const char *v)
{
	char key[128];

	snprintf(key, sizeof key, "net.ipv4.conf.%s.%s", ifname, param);
	tree_sysctl(root, key, v);
}

static const char profile_yaml[] =
	"name: t\ndescription: d\n"
	"settings:\n"
	"  net.ipv4.conf.all.send_redirects: {equal: 0, reason: r, source: s}\n"
	"  net.ipv4.conf.default.send_redirects: {equal: 0, reason: r, source: s}\n"
	"  net.ipv4.conf.all.accept_source_route: {equal: 0, reason: r, source: s}\n"
	"  net.ipv4.conf.all.accept_redirects: {equal: 0, reason: r, source: s}\n";

static size_t
count(const struct findings *f, const char *id, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->items[i].id, id) == 0 &&
		    (key == NULL || strcmp(f->items[i].key, key) == 0))
			n++;
	return n;
}

static void
test_i001(void **state)
{
	struct profile *p = parse(profile_yaml);
	char *root = conf_root("send_redirects", "0", "0");
	struct findings f = FINDINGS_INIT;
	struct snapshot *s = NULL;
	const struct finding *x;

	(void)state;
	iface_value(root, "eth0", "send_redirects", "1");
	iface_value(root, "eth1", "send_redirects", "0");
	iface_value(root, "eth0/100", "send_redirects", "1");	/* eth0.100 */
	/* AND: all = 0 refuses source routes whatever the interface says. */
	tree_sysctl(root, "net.ipv4.conf.all.accept_source_route", "0");
	iface_value(root, "eth0", "accept_source_route", "1");
	/* accept_redirects on a forwarding interface: AND, so none. */
	tree_sysctl(root, "net.ipv4.conf.all.accept_redirects", "0");
	iface_value(root, "eth1", "accept_redirects", "1");
	iface_value(root, "eth1", "forwarding", "1");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(s->nifaces, 3);
	assert_string_equal(s->ifaces[0].name, "eth0");
	assert_string_equal(s->ifaces[1].name, "eth0.100");
	assert_int_equal(ifconf_eval(p, s, "/etc/sysctl.d/90-tcpadvise.conf", &f), 0);
	assert_int_equal(f.n, 2);
	assert_int_equal(count(&f, "TA-I001", "net.ipv4.conf.eth0.send_redirects"), 1);
	/* A VLAN's '.' is '/' in the dotted key. */
	assert_int_equal(count(&f, "TA-I001", "net.ipv4.conf.eth0/100.send_redirects"), 1);
	x = &f.items[0];
	assert_int_equal(x->kind, KIND_HAZARD);
	assert_string_equal(x->live, "1");
	assert_false(x->remedy.fixable);
	assert_string_equal(x->remedy.value, "0");
	assert_non_null(strstr(x->message, "interface 'eth0'"));
	assert_string_equal(x->fix_live, "sysctl -w net.ipv4.conf.eth0.send_redirects=0");
	findings_clear(&f);

	/* Not forwarding: accept_redirects is all OR eth1 = 1. */
	iface_value(root, "eth1", "forwarding", "0");
	s = snapshot_free(s);
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(ifconf_eval(p, s, "/f", &f), 0);
	assert_int_equal(count(&f, "TA-I001", "net.ipv4.conf.eth1.accept_redirects"), 1);
	findings_clear(&f);

	/* Without live values (lint) nothing is judged. */
	snapshot_forget_live(s);
	assert_int_equal(ifconf_eval(p, s, "/f", &f), 0);
	assert_int_equal(f.n, 0);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

/* conf.default still 1 and failing: an interface with its value follows it,
   so the fix of conf.default reaches it; one set on its own does not. */
static void
test_i001_follows_default(void **state)
{
	struct profile *p = parse(profile_yaml);
	char *root = conf_root("send_redirects", "1", "1");
	struct findings f = FINDINGS_INIT;
	struct snapshot *s = NULL, *sim = NULL;
	struct sysctld_config *c = NULL;
	const char *keys[] = { "net.ipv4.conf.default.send_redirects" };
	const char *values[] = { "0" };

	(void)state;
	iface_value(root, "eth0", "send_redirects", "1");
	iface_value(root, "eth1", "send_redirects", "0");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(ifconf_eval(p, s, "/f", &f), 0);
	assert_int_equal(f.n, 0);
	/* The simulation of writing conf.default = 0 moves eth0 along. */
	assert_int_equal(sysctld_load(root, &c), 0);
	assert_int_equal(snapshot_simulate(s, c, keys, values, 1, &sim), 0);
	assert_int_equal(sim->nifaces, 2);
	assert_int_equal(sim->ifaces[0].value[IFCONF_SEND_REDIRECTS], 0);
	assert_int_equal(sim->ifaces[1].value[IFCONF_SEND_REDIRECTS], 0);
	/* Once conf.default is fixed, eth0 set on its own to 1 is named. */
	tree_sysctl(root, "net.ipv4.conf.default.send_redirects", "0");
	tree_sysctl(root, "net.ipv4.conf.all.send_redirects", "0");
	s = snapshot_free(s);
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(ifconf_eval(p, s, "/f", &f), 0);
	assert_int_equal(count(&f, "TA-I001", "net.ipv4.conf.eth0.send_redirects"), 1);
	assert_int_equal(f.n, 1);
	findings_clear(&f);
	snapshot_free(sim);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

static void
test_i002(void **state)
{
	struct profile *p = parse("name: t\ndescription: d\n");
	char *root = conf_root("rp_filter", "0", "0");
	struct findings f = FINDINGS_INIT;
	struct snapshot *s = NULL;

	(void)state;
	iface_value(root, "eth0", "rp_filter", "0");
	iface_value(root, "eth1", "rp_filter", "1");
	iface_value(root, "lo", "rp_filter", "1");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	/* Single-homed (routes unknown): nothing. */
	assert_int_equal(ifconf_eval(p, s, "/f", &f), 0);
	assert_int_equal(f.n, 0);
	s->facts.routes_known = true;
	s->facts.uplinks = 2;
	assert_int_equal(ifconf_eval(p, s, "/f", &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(count(&f, "TA-I002", "net.ipv4.conf.eth1.rp_filter"), 1);
	assert_int_equal(f.items[0].severity, SEV_WARNING);
	assert_string_equal(f.items[0].remedy.value, "2");
	findings_clear(&f);
	/* conf.all = 2: every interface is loose at least. */
	s = snapshot_free(s);
	tree_sysctl(root, "net.ipv4.conf.all.rp_filter", "2");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	s->facts.routes_known = true;
	s->facts.uplinks = 2;
	assert_int_equal(ifconf_eval(p, s, "/f", &f), 0);
	assert_int_equal(f.n, 0);
	snapshot_free(s);
	profile_free(p);
	tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_param_names),
		cmocka_unit_test(test_i001),
		cmocka_unit_test(test_i001_follows_default),
		cmocka_unit_test(test_i002),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
