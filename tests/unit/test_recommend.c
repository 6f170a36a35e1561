/*
 * Unit tests of src/policy/recommend.c: each rule of the decision on
 * made-up evidence (listeners with their processes, TIME_WAIT by side and
 * peer, host facts, retransmissions), the alternatives and their limits,
 * and the evidence text with the numbers seen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
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
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 22, 500, "sshd");
	listen_on(&f, "0.0.0.0", 80, 812, "nginx");
	listen_on(&f, "::", 443, 812, "nginx");
	f.c.tw_server = 900;
	f.c.tw_client = 12;
	f.c.tw_peers = 40;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "nginx");
	assert_int_equal(r.nreasons, 2);
	assert_string_equal(r.reasons[0].evidence,
	    "nginx (pid 812) listens on 0.0.0.0:80 and [::]:443");
	assert_non_null(strstr(r.reasons[1].evidence,
	    "TIME_WAIT: 12 client side, 900 server side, towards 40 distinct addresses"));
	assert_int_equal(r.nalts, 0);
}

/* A web server on another port is not evidence of a web workload. */
static void
test_web_server_other_port(void **state)
{
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "127.0.0.1", 9000, 77, "nginx");
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "baseline");
	assert_int_equal(r.nalts, 0);
	assert_non_null(strstr(r.reasons[0].evidence, "1 listening socket; "));
}

static void
test_proxy(void **state)
{
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 443, 300, "haproxy");
	listen_on(&f, "127.0.0.1", 8080, 400, "nginx");
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "proxy");
	assert_int_equal(r.nreasons, 2);
	assert_string_equal(r.reasons[0].evidence, "haproxy (pid 300) listens on 0.0.0.0:443");
	assert_string_equal(r.reasons[1].evidence, "nginx (pid 400) listens on 127.0.0.1:8080");
}

/* nginx closing many connections as a client: a reverse proxy. */
static void
test_nginx_reverse_proxy(void **state)
{
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 80, 812, "nginx");
	f.c.tw_client = 5000;
	f.c.tw_server = 300;
	f.c.tw_peers = 3;
	f.c.ntw_top = 1;
	snprintf(f.c.tw_top[0].addr, sizeof f.c.tw_top[0].addr, "10.0.0.9");
	f.c.tw_top[0].count = 4000;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "proxy");
	assert_string_equal(r.reasons[1].evidence, "TIME_WAIT: 5000 client side, 300 "
	    "server side, towards 3 distinct addresses (the most towards 10.0.0.9: 4000)");
	assert_int_equal(r.nalts, 1);
	assert_string_equal(r.alts[0].profile, "nginx");

	/* Below RECOMMEND_OUT_MIN, or fewer than the server side: nginx. */
	f.c.tw_client = RECOMMEND_OUT_MIN - 1;
	f.c.tw_server = 0;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "nginx");
	f.c.tw_client = 5000;
	f.c.tw_server = 5001;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "nginx");
}

static void
test_crawler(void **state)
{
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 22, 500, "sshd");
	f.c.tw_client = 3000;
	f.c.tw_server = 2;
	f.c.tw_peers = CENSUS_TOP_COUNTERS;
	f.c.tw_top_approximate = true;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "crawler");
	assert_non_null(strstr(r.reasons[0].evidence, "towards more than 256 distinct"));

	/* Few peers: not a crawler (an application talking to its database). */
	f.c.tw_top_approximate = false;
	f.c.tw_peers = RECOMMEND_PEERS_MANY - 1;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "baseline");
	f.c.tw_peers = RECOMMEND_PEERS_MANY;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "crawler");

	/* The server side is more than a quarter of the client side. */
	f.c.tw_server = 751;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "baseline");
	f.c.tw_server = 750;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "crawler");
}

/* A web port whose process is unknown: baseline, nginx offered. */
static void
test_unknown_web_port(void **state)
{
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 80, 0, "");
	listen_on(&f, "::", 443, 0, "");
	f.in.unreadable = 3;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "baseline");
	assert_int_equal(r.nalts, 1);
	assert_string_equal(r.alts[0].profile, "nginx");
	assert_string_equal(r.alts[0].reason.evidence,
	    "unknown process listens on 0.0.0.0:80, [::]:443");
	assert_non_null(strstr(r.alts[0].reason.text, "run as root"));

	/* No owners at all (NULL): the same. */
	f.in.owners = NULL;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "baseline");
	assert_int_equal(r.nalts, 1);
}

static void
test_many_listeners(void **state)
{
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 80, 10, "nginx");
	listen_on(&f, "0.0.0.0", 443, 10, "nginx");
	listen_on(&f, "0.0.0.0", 8080, 10, "nginx");
	listen_on(&f, "0.0.0.0", 8081, 10, "nginx");
	listen_on(&f, "0.0.0.0", 8443, 10, "nginx");
	listen_on(&f, "::", 8443, 11, "apache2");
	listen_on(&f, "::", 80, 12, "caddy");
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "nginx");
	assert_string_equal(r.reasons[0].evidence, "nginx (pid 10) listens on 0.0.0.0:80, "
	    "0.0.0.0:443, 0.0.0.0:8080, 0.0.0.0:8081 and 1 more; 2 other web server "
	    "processes");
}

/* Process names are kept as they are; the output escapes them. */
static void
test_hostile_comm(void **state)
{
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 80, 66, "\033[2Jx");
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "baseline");
	setup(&f);
	listen_on(&f, "0.0.0.0", 80, 66, "nginx");
	snprintf(f.o[0].comm, sizeof f.o[0].comm, "nginx");
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "nginx");
}

static void
test_hardening(void **state)
{
	char docker0[] = "docker0";
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 80, 812, "nginx");
	single_homed(&f);
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "nginx");
	assert_int_equal(r.nalts, 1);
	assert_string_equal(r.alts[0].profile, "nginx,hardening");
	assert_string_equal(r.alts[0].reason.evidence, "uplink eth0, 1 IPv4 and 0 IPv6 "
	    "default route, net.ipv4.ip_forward = 0, net.ipv6.conf.all.forwarding = 0, "
	    "no container or VM network");

	/* Baseline: hardening alone. */
	f.c.nlisteners = 0;
	recommend(&f.in, &r);
	assert_string_equal(r.alts[0].profile, "hardening");

	/* Forwarding, unknown forwarding, two uplinks, a container network,
	   a container, a Kubernetes node: not offered. */
	f.in.ip_forward = 1;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.in.ip_forward = -1;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.in.ip_forward = 0;
	f.in.ipv6_forwarding = 1;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.in.ipv6_forwarding = -1;
	f.h.uplinks = 2;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.h.uplinks = 1;
	f.h.guest_net = docker0;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.h.guest_net = NULL;
	f.h.kubernetes = true;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	assert_int_equal(r.nreasons, 2);
	assert_non_null(strstr(r.reasons[1].text, "Kubernetes"));
	f.h.kubernetes = false;
	f.h.routes_known = false;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
}

static void
test_container(void **state)
{
	char docker[] = "docker";
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 80, 1, "nginx");
	single_homed(&f);
	f.h.container = docker;
	recommend(&f.in, &r);
	assert_string_equal(r.profile, "nginx");
	assert_int_equal(r.nreasons, 2);
	assert_string_equal(r.reasons[1].evidence, "container: docker");
	assert_int_equal(r.nalts, 0);
}

static void
test_bbr(void **state)
{
	struct fixture f;
	struct recommendation r;

	(void)state;
	setup(&f);
	listen_on(&f, "0.0.0.0", 443, 812, "nginx");
	f.in.out_segs = 100000;
	f.in.retrans_segs = 2000;
	f.in.bbr = HOST_MODULE;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 1);
	assert_string_equal(r.alts[0].profile, "nginx,bbr");
	assert_string_equal(r.alts[0].reason.evidence, "2.0 % of the segments sent were "
	    "retransmitted (RetransSegs 2000 of OutSegs 100000 since boot); tcp_bbr is module");

	/* Just under 1 %, too few segments, no bbr, unknown: not offered. */
	f.in.retrans_segs = 999;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.in.retrans_segs = 1000;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 1);
	f.in.out_segs = RECOMMEND_SEGS_MIN - 1;
	f.in.retrans_segs = RECOMMEND_SEGS_MIN;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.in.out_segs = 100000;
	f.in.bbr = HOST_MISSING;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.in.bbr = HOST_UNKNOWN;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
	f.in.bbr = HOST_BUILTIN;
	f.in.retrans_segs = -1;
	recommend(&f.in, &r);
	assert_int_equal(r.nalts, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_nginx),
		cmocka_unit_test(test_web_server_other_port),
		cmocka_unit_test(test_proxy),
		cmocka_unit_test(test_nginx_reverse_proxy),
		cmocka_unit_test(test_crawler),
		cmocka_unit_test(test_unknown_web_port),
		cmocka_unit_test(test_many_listeners),
		cmocka_unit_test(test_hostile_comm),
		cmocka_unit_test(test_hardening),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_bbr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
