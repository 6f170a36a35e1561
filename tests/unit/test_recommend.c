/*
 * Unit tests of src/policy/recommend.c: each rule of the decision on
 * made-up evidence (listeners with their processes, TIME_WAIT by side and
 * peer, host facts, retransmissions), the alternatives and their limits,
 * and the evidence text with the numbers seen.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "recommend.c"

struct fixture {
	struct census c;
	struct census_listener l[8];
	struct procs_owner o[8];
	struct host_facts h;
	struct recommend_input in;
	struct recommendation r;
};

static void
setup(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	f->c.listeners = f->l;
	f->in.census = &f->c;
	f->in.owners = f->o;
	f->in.ip_forward = -1;
	f->in.ipv6_forwarding = -1;
	f->in.out_segs = -1;
	f->in.retrans_segs = -1;
	f->in.bbr = HOST_UNKNOWN;
}

static int
fixture_new(void **state)
{
	struct fixture *f = malloc(sizeof *f);

	if (f == NULL)
		return -1;
	setup(f);
	*state = f;
	return 0;
}

static int
fixture_free(void **state)
{
	free(*state);
	return 0;
}

/* Add a listener on addr:port held by pid (0: unknown) named comm. */
static void
listen_on(struct fixture *f, const char *addr, unsigned port, int pid, const char *comm)
{
	size_t i = f->c.nlisteners++;

	snprintf(f->l[i].addr, sizeof f->l[i].addr, "%s", addr);
	f->l[i].family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	f->l[i].port = port;
	f->l[i].inode = 1000 + i;
	f->o[i].inode = 1000 + i;
	f->o[i].pid = pid;
	snprintf(f->o[i].comm, sizeof f->o[i].comm, "%s", comm);
}

/* Decide for f into f->r and check the profile (NULL: any) and the number of
   alternatives (-1: any). */
static void
expect(struct fixture *f, const char *profile, int nalts)
{
	recommend(&f->in, &f->r);
	if (profile != NULL)
		assert_string_equal(f->r.profile, profile);
	if (nalts >= 0)
		assert_int_equal(f->r.nalts, nalts);
}

static void
single_homed(struct fixture *f)
{
	f->h.routes_known = true;
	f->h.uplinks = 1;
	snprintf(f->h.uplink_names, sizeof f->h.uplink_names, "eth0");
	f->h.default_routes4 = 1;
	f->in.facts = &f->h;
	f->in.ip_forward = 0;
	f->in.ipv6_forwarding = 0;
}

static void
test_kind(void **state)
{
	(void)state;
	assert_string_equal(recommend_kind("nginx"), "web server");
	assert_string_equal(recommend_kind("apache2"), "web server");
	assert_string_equal(recommend_kind("httpd"), "web server");
	assert_string_equal(recommend_kind("haproxy"), "proxy");
	assert_string_equal(recommend_kind("envoy"), "proxy");
	assert_string_equal(recommend_kind("varnishd"), "proxy");
	assert_null(recommend_kind("nginx-ish"));
	assert_null(recommend_kind(""));
	assert_null(recommend_kind("sshd"));
}

static void
test_nginx(void **state)
{
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 22, 500, "sshd");
	listen_on(f, "0.0.0.0", 80, 812, "nginx");
	listen_on(f, "::", 443, 812, "nginx");
	f->c.tw_server = 900;
	f->c.tw_client = 12;
	f->c.tw_peers = 40;
	expect(f, "nginx", -1);
	assert_int_equal(f->r.nreasons, 2);
	assert_string_equal(f->r.reasons[0].evidence,
	    "nginx (pid 812) listens on 0.0.0.0:80 and [::]:443");
	assert_non_null(strstr(f->r.reasons[1].evidence,
	    "TIME_WAIT: 12 client side, 900 server side, towards 40 distinct addresses"));
	assert_int_equal(f->r.nalts, 0);
}

/* A web server on another port is not evidence of a web workload. */
static void
test_web_server_other_port(void **state)
{
	struct fixture *f = *state;

	listen_on(f, "127.0.0.1", 9000, 77, "nginx");
	expect(f, "baseline", 0);
	assert_non_null(strstr(f->r.reasons[0].evidence, "1 listening socket; "));
}

static void
test_proxy(void **state)
{
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 443, 300, "haproxy");
	listen_on(f, "127.0.0.1", 8080, 400, "nginx");
	expect(f, "proxy", -1);
	assert_int_equal(f->r.nreasons, 2);
	assert_string_equal(f->r.reasons[0].evidence, "haproxy (pid 300) listens on 0.0.0.0:443");
	assert_string_equal(f->r.reasons[1].evidence, "nginx (pid 400) listens on 127.0.0.1:8080");
}

/* nginx closing many connections as a client: a reverse proxy. */
static void
test_nginx_reverse_proxy(void **state)
{
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 80, 812, "nginx");
	f->c.tw_client = 5000;
	f->c.tw_server = 300;
	f->c.tw_peers = 3;
	f->c.ntw_top = 1;
	snprintf(f->c.tw_top[0].addr, sizeof f->c.tw_top[0].addr, "10.0.0.9");
	f->c.tw_top[0].count = 4000;
	expect(f, "proxy", -1);
	assert_string_equal(f->r.reasons[1].evidence, "TIME_WAIT: 5000 client side, 300 "
	    "server side, towards 3 distinct addresses (the most towards 10.0.0.9: 4000)");
	assert_int_equal(f->r.nalts, 1);
	assert_string_equal(f->r.alts[0].profile, "nginx");

	/* Below RECOMMEND_OUT_MIN, or fewer than the server side: nginx. */
	f->c.tw_client = RECOMMEND_OUT_MIN - 1;
	f->c.tw_server = 0;
	expect(f, "nginx", -1);
	f->c.tw_client = 5000;
	f->c.tw_server = 5001;
	expect(f, "nginx", -1);
}

/* The crawler rule at its edges: client side, server side, peers. */
static void
test_crawler(void **state)
{
	static const struct {
		unsigned long long client, server;
		size_t peers;
		bool approximate;
		const char *profile;
	} cases[] = {
		{ 3000, 2, CENSUS_TOP_COUNTERS, true, "crawler" },
		/* Few peers: an application talking to its database. */
		{ 3000, 2, RECOMMEND_PEERS_MANY - 1, false, "baseline" },
		{ 3000, 2, RECOMMEND_PEERS_MANY, false, "crawler" },
		/* The server side above a quarter of the client side. */
		{ 3000, 751, RECOMMEND_PEERS_MANY, false, "baseline" },
		{ 3000, 750, RECOMMEND_PEERS_MANY, false, "crawler" },
		{ RECOMMEND_OUT_MIN - 1, 0, 100, false, "baseline" },
		{ RECOMMEND_OUT_MIN, 0, 100, false, "crawler" },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		setup(f);
		listen_on(f, "0.0.0.0", 22, 500, "sshd");
		f->c.tw_client = cases[i].client;
		f->c.tw_server = cases[i].server;
		f->c.tw_peers = cases[i].peers;
		f->c.tw_top_approximate = cases[i].approximate;
		expect(f, cases[i].profile, -1);
		if (i == 0)
			assert_non_null(strstr(f->r.reasons[0].evidence,
			    "towards more than 256 distinct"));
	}
}

/* A web port whose process is unknown: baseline, nginx offered. */
static void
test_unknown_web_port(void **state)
{
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 80, 0, "");
	listen_on(f, "::", 443, 0, "");
	f->in.unreadable = 3;
	expect(f, "baseline", 1);
	assert_string_equal(f->r.alts[0].profile, "nginx");
	assert_string_equal(f->r.alts[0].reason.evidence,
	    "unknown process listens on 0.0.0.0:80, [::]:443");
	assert_non_null(strstr(f->r.alts[0].reason.text, "run as root"));

	/* No owners at all (NULL): the same. */
	f->in.owners = NULL;
	expect(f, "baseline", 1);
}

static void
test_many_listeners(void **state)
{
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 80, 10, "nginx");
	listen_on(f, "0.0.0.0", 443, 10, "nginx");
	listen_on(f, "0.0.0.0", 8080, 10, "nginx");
	listen_on(f, "0.0.0.0", 8081, 10, "nginx");
	listen_on(f, "0.0.0.0", 8443, 10, "nginx");
	listen_on(f, "::", 8443, 11, "apache2");
	listen_on(f, "::", 80, 12, "caddy");
	expect(f, "nginx", -1);
	assert_string_equal(f->r.reasons[0].evidence, "nginx (pid 10) listens on 0.0.0.0:80, "
	    "0.0.0.0:443, 0.0.0.0:8080, 0.0.0.0:8081 and 1 more; 2 other web server "
	    "processes");
}

/* Process names are kept as they are; the output escapes them. */
static void
test_hostile_comm(void **state)
{
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 80, 66, "\033[2Jx");
	expect(f, "baseline", -1);
	setup(f);
	listen_on(f, "0.0.0.0", 80, 66, "nginx");
	snprintf(f->o[0].comm, sizeof f->o[0].comm, "nginx");
	expect(f, "nginx", -1);
}

static void
test_hardening(void **state)
{
	char docker0[] = "docker0";
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 80, 812, "nginx");
	single_homed(f);
	expect(f, "nginx", 1);
	assert_string_equal(f->r.alts[0].profile, "nginx,hardening");
	assert_string_equal(f->r.alts[0].reason.evidence, "uplink eth0, 1 IPv4 and 0 IPv6 "
	    "default route, net.ipv4.ip_forward = 0, net.ipv6.conf.all.forwarding = 0, "
	    "no container or VM network");

	/* Baseline: hardening alone. */
	f->c.nlisteners = 0;
	recommend(&f->in, &f->r);
	assert_string_equal(f->r.alts[0].profile, "hardening");

	/* Forwarding, unknown forwarding, two uplinks, a container network,
	   a container, a Kubernetes node: not offered. */
	f->in.ip_forward = 1;
	expect(f, NULL, 0);
	f->in.ip_forward = -1;
	expect(f, NULL, 0);
	f->in.ip_forward = 0;
	f->in.ipv6_forwarding = 1;
	expect(f, NULL, 0);
	f->in.ipv6_forwarding = -1;
	f->h.uplinks = 2;
	expect(f, NULL, 0);
	f->h.uplinks = 1;
	f->h.guest_net = docker0;
	expect(f, NULL, 0);
	f->h.guest_net = NULL;
	f->h.kubernetes = true;
	expect(f, NULL, 0);
	assert_int_equal(f->r.nreasons, 2);
	assert_non_null(strstr(f->r.reasons[1].text, "Kubernetes"));
	f->h.kubernetes = false;
	f->h.routes_known = false;
	expect(f, NULL, 0);
}

static void
test_container(void **state)
{
	char docker[] = "docker";
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 80, 1, "nginx");
	single_homed(f);
	f->h.container = docker;
	expect(f, "nginx", -1);
	assert_int_equal(f->r.nreasons, 2);
	assert_string_equal(f->r.reasons[1].evidence, "container: docker");
	assert_int_equal(f->r.nalts, 0);
}

static void
test_bbr(void **state)
{
	struct fixture *f = *state;

	listen_on(f, "0.0.0.0", 443, 812, "nginx");
	f->in.out_segs = 100000;
	f->in.retrans_segs = 2000;
	f->in.bbr = HOST_MODULE;
	expect(f, NULL, 1);
	assert_string_equal(f->r.alts[0].profile, "nginx,bbr");
	assert_string_equal(f->r.alts[0].reason.evidence, "2.0 % of the segments sent were "
	    "retransmitted (RetransSegs 2000 of OutSegs 100000 since boot); tcp_bbr is module");

	/* Just under 1 %, too few segments, no bbr, unknown: not offered. */
	f->in.retrans_segs = 999;
	expect(f, NULL, 0);
	f->in.retrans_segs = 1000;
	expect(f, NULL, 1);
	f->in.out_segs = RECOMMEND_SEGS_MIN - 1;
	f->in.retrans_segs = RECOMMEND_SEGS_MIN;
	expect(f, NULL, 0);
	f->in.out_segs = 100000;
	f->in.bbr = HOST_MISSING;
	expect(f, NULL, 0);
	f->in.bbr = HOST_UNKNOWN;
	expect(f, NULL, 0);
	f->in.bbr = HOST_BUILTIN;
	f->in.retrans_segs = -1;
	expect(f, NULL, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test_setup_teardown(test_nginx, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_web_server_other_port, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_proxy, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_nginx_reverse_proxy, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_crawler, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_unknown_web_port, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_many_listeners, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_hostile_comm, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_hardening, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_container, fixture_new, fixture_free),
		cmocka_unit_test_setup_teardown(test_bbr, fixture_new, fixture_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
