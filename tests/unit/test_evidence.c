/*
 * Unit tests of src/policy/evidence.c: each evidence finding from in-memory
 * censuses and counters, with the sysctl limits of a throw-away root.
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

#include "evidence.c"
#include <linux/pkt_sched.h>
#include "tree.h"

static struct snapshot *
limit_root(char **ret_root)
{
	char *root = tree_new();
	struct snapshot *s = NULL;

	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	tree_sysctl(root, "net.core.netdev_max_backlog", "1000");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.ipv4.tcp_max_tw_buckets", "1000");
	tree_sysctl(root, "net.ipv4.tcp_max_orphans", "100");
	tree_sysctl(root, "net.ipv4.ip_local_port_range", "32768\t32867");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	*ret_root = root;
	return s;
}

static void
set_counter(struct counters *c, const char *name, long long v)
{
	snprintf(c->tcpext[c->ntcpext].name, sizeof c->tcpext[0].name, "%s", name);
	c->tcpext[c->ntcpext].value = v;
	c->ntcpext++;
	c->have_netstat = true;
}

static const struct finding *
find(const struct findings *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->items[i].id, id) == 0)
			return &f->items[i];
	return NULL;
}

static void
test_quiet_host(void **state)
{
	char *root;
	struct snapshot *s = limit_root(&root);
	struct census c;
	struct counters now;
	struct evidence_input in;
	struct findings f = FINDINGS_INIT;

	(void)state;
	memset(&c, 0, sizeof c);
	memset(&now, 0, sizeof now);
	c.state[1] = 10;
	set_counter(&now, "ListenOverflows", 0);
	memset(&in, 0, sizeof in);
	in.census = &c;
	in.now = &now;
	in.s = s;
	assert_int_equal(evidence_eval(&in, &f), 0);
	assert_int_equal(f.n, 0);
	snapshot_free(s);
	tree_free(root);
}

static void
test_every_finding(void **state)
{
	char *root;
	struct snapshot *s = limit_root(&root);
	struct census c;
	struct counters now, before;
	struct census_listener lis[1];
	struct procs_holder holders[1] = { { 4242, "app", 12 } };
	struct evidence_input in;
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	memset(&c, 0, sizeof c);
	memset(&now, 0, sizeof now);
	c.state[3] = 200;		/* SYN_RECV */
	c.state[6] = 1500;		/* TIME_WAIT */
	c.state[8] = 12;		/* CLOSE_WAIT */
	c.tw_server = 1200;
	c.tw_client = 300;
	c.ntw_top = 1;
	snprintf(c.tw_top[0].addr, sizeof c.tw_top[0].addr, "10.0.0.9");
	c.tw_top[0].count = 60;		/* of a 100-port range */
	memset(lis, 0, sizeof lis);
	snprintf(lis[0].addr, sizeof lis[0].addr, "0.0.0.0");
	lis[0].port = 80;
	lis[0].queue = 511;
	lis[0].backlog = 511;
	c.listeners = lis;
	c.nlisteners = 1;
	set_counter(&now, "ListenOverflows", 30);
	set_counter(&now, "SyncookiesSent", 900);
	set_counter(&now, "TCPTimeWaitOverflow", 5);
	set_counter(&now, "TCPAbortOnMemory", 0);
	now.have_sockstat = true;
	now.tcp_tw = 950;		/* >= 90 % of 1000 */
	now.tcp_orphan = 60;		/* >= half of 100 */
	memset(&in, 0, sizeof in);
	in.census = &c;
	in.now = &now;
	in.holders = holders;
	in.nholders = 1;
	in.s = s;
	assert_int_equal(evidence_eval(&in, &f), 0);

	assert_non_null(x = find(&f, "TA-E001"));
	assert_int_equal(x->severity, SEV_INFO);
	assert_non_null(x = find(&f, "TA-E002"));
	assert_int_equal(x->severity, SEV_WARNING);	/* 60 of 100 ports */
	assert_string_equal(x->fix, "net.ipv4.tcp_tw_reuse = 1");
	assert_non_null(x = find(&f, "TA-E003"));
	assert_int_equal(x->severity, SEV_WARNING);
	assert_non_null(strstr(x->message, "pid 4242 (app) holds 12"));
	assert_non_null(find(&f, "TA-E004"));
	assert_non_null(x = find(&f, "TA-E005"));
	assert_non_null(strstr(x->message, "full now: 0.0.0.0:80 (511 of 511)"));
	assert_non_null(x = find(&f, "TA-E008"));
	assert_non_null(strstr(x->message, "0.0.0.0:80 (511)"));
	assert_non_null(find(&f, "TA-E006"));
	assert_non_null(find(&f, "TA-E007"));
	for (size_t i = 0; i < f.n; i++) {
		assert_int_equal(f.items[i].kind, KIND_EVIDENCE);
		assert_null(strstr(f.items[i].reason, "tcp_tw_recycle = 1"));
	}
	for (size_t i = 1; i < f.n; i++)
		assert_true(f.items[i - 1].severity >= f.items[i].severity);
	findings_clear(&f);

	/* With an interval, counters count by their increase: the same totals
	   before and after mean nothing happened. */
	before = now;
	in.before = &before;
	in.seconds = 5;
	assert_int_equal(evidence_counter(&in, "TcpExt", "ListenOverflows"), 0);
	lis[0].queue = 0;
	c.state[3] = 0;
	now.tcp_tw = 0;
	now.tcp_orphan = 0;
	assert_int_equal(evidence_eval(&in, &f), 0);
	assert_null(find(&f, "TA-E005"));
	assert_null(find(&f, "TA-E004"));
	assert_null(find(&f, "TA-E006"));
	assert_null(find(&f, "TA-E007"));
	findings_clear(&f);
	snapshot_free(s);
	tree_free(root);
}

/* TA-E009: limits that are an old somaxconn's, not the application's. */
static void
test_stale_listeners(void **state)
{
	struct census c;
	struct census_listener lis[4];
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	memset(&c, 0, sizeof c);
	memset(lis, 0, sizeof lis);
	for (size_t i = 0; i < 4; i++) {
		snprintf(lis[i].addr, sizeof lis[i].addr, "127.0.0.1");
		lis[i].port = 8000 + (unsigned)i;
	}
	lis[0].backlog = 128;	/* listened when somaxconn was 128 */
	lis[1].backlog = 511;	/* the application's own backlog */
	lis[2].backlog = 8192;	/* listened before somaxconn was lowered */
	lis[3].backlog = 0;	/* unknown (/proc/net/tcp) */
	c.listeners = lis;
	c.nlisteners = 4;
	assert_int_equal(evidence_stale_listeners(&c, 4096, 128, &f), 0);
	assert_int_equal(f.n, 1);
	assert_non_null(x = find(&f, "TA-E009"));
	assert_int_equal(x->severity, SEV_INFO);
	assert_string_equal(x->key, "net.core.somaxconn");
	assert_string_equal(x->message, "somaxconn 4096 is not in effect for 2 "
	    "listeners yet: their accept-queue limit is the old somaxconn's: "
	    "127.0.0.1:8000 (128), 127.0.0.1:8002 (8192)");
	assert_int_equal(x->remedy.action, REMEDY_NONE);
	findings_clear(&f);

	/* No history: only a limit above somaxconn is sure to be stale. */
	assert_int_equal(evidence_stale_listeners(&c, 4096, 0, &f), 0);
	assert_non_null(x = find(&f, "TA-E009"));
	assert_null(strstr(x->message, ":8000"));
	findings_clear(&f);
	/* somaxconn lowered from 8192: 8192 is above it, 128 is the
	   application's (below both). */
	assert_int_equal(evidence_stale_listeners(&c, 1024, 8192, &f), 0);
	assert_non_null(x = find(&f, "TA-E009"));
	assert_non_null(strstr(x->message, "for 1 listener yet"));
	assert_non_null(strstr(x->message, ":8002 (8192)"));
	findings_clear(&f);
	assert_int_equal(evidence_stale_listeners(&c, 16384, 4096, &f), 0);
	assert_int_equal(f.n, 0);
}

/* TA-E010: qdiscs the kernel attached before default_qdisc changed. */
static void
test_stale_qdiscs(void **state)
{
	const struct qdisc_entry q[] = {
		{ "lo", "noqueue", 0, TC_H_ROOT },
		{ "eth0", "mq", 0, TC_H_ROOT },
		{ "eth0", "pfifo_fast", 0, 0x1 },	/* mq's queues, attached early */
		{ "eth0", "pfifo_fast", 0, 0x2 },
		{ "eth1", "fq", 0, TC_H_ROOT },		/* the default now */
		{ "eth2", "pfifo_fast", 0x80010000, TC_H_ROOT },	/* set by tc */
		{ "eth3", "fq_codel", 0, TC_H_ROOT },
		{ "eth3", "ingress", 0xffff0000, TC_H_INGRESS },
	};
	struct findings f = FINDINGS_INIT;
	const struct finding *x;

	(void)state;
	assert_false(qdisc_predates(&q[0], "fq"));
	assert_false(qdisc_predates(&q[1], "fq"));
	assert_true(qdisc_predates(&q[2], "fq"));
	assert_false(qdisc_predates(&q[4], "fq"));
	assert_false(qdisc_predates(&q[5], "fq"));
	assert_false(qdisc_predates(&q[2], ""));
	assert_int_equal(evidence_stale_qdiscs(q, sizeof q / sizeof q[0], "fq", &f), 0);
	assert_non_null(x = find(&f, "TA-E010"));
	assert_int_equal(x->severity, SEV_INFO);
	assert_string_equal(x->key, "net.core.default_qdisc");
	assert_string_equal(x->message, "default_qdisc fq is not in effect on 2 "
	    "devices yet: their qdisc was attached before: eth0 (pfifo_fast), "
	    "eth3 (fq_codel)");
	findings_clear(&f);
	assert_int_equal(evidence_stale_qdiscs(q, 2, "fq", &f), 0);
	assert_int_equal(f.n, 0);
}

/* The real kernel's answer: loopback always has noqueue, attached by the
   kernel, and it never predates anything. */
static void
test_qdisc_list(void **state)
{
	struct qdisc_entry *q = NULL;
	size_t n = 0;
	bool lo = false;

	(void)state;
	assert_int_equal(qdisc_list(&q, &n), 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(q[i].kind[0] != '\0');
		if (strcmp(q[i].dev, "lo") == 0) {
			lo = true;
			assert_string_equal(q[i].kind, "noqueue");
			assert_int_equal(TC_H_MAJ(q[i].handle), 0);
			assert_false(qdisc_predates(&q[i], "fq_codel"));
		}
	}
	assert_true(lo);
	free(q);
}

/* Lists keep whole items only. */
/* TA-E011 and TA-E012 from the limits of a root and its listeners. */
static void
test_ports_and_conntrack(void **state)
{
	char *root = tree_new();
	struct snapshot *s = NULL;
	struct census c;
	struct census_listener lis[4];
	struct evidence_input in;
	struct findings f = FINDINGS_INIT;
	const struct finding *x;
	unsigned ports[4] = { 8080, 30005, 40000, 40000 };

	(void)state;
	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	tree_sysctl(root, "net.ipv4.ip_local_port_range", "10000\t65535");
	tree_sysctl(root, "net.ipv4.ip_local_reserved_ports", "30000-30010");
	tree_sysctl(root, "net.netfilter.nf_conntrack_count", "950");
	tree_sysctl(root, "net.netfilter.nf_conntrack_max", "1000");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	memset(&c, 0, sizeof c);
	memset(lis, 0, sizeof lis);
	for (int i = 0; i < 4; i++) {
		snprintf(lis[i].addr, sizeof lis[i].addr, i == 3 ? "::" : "0.0.0.0");
		lis[i].port = ports[i];
	}
	c.listeners = lis;
	c.nlisteners = 4;
	memset(&in, 0, sizeof in);
	in.census = &c;
	in.s = s;
	assert_int_equal(evidence_eval(&in, &f), 0);
	/* 8080 is below the range, 30005 reserved; 40000 once. */
	assert_non_null(x = find(&f, "TA-E011"));
	assert_string_equal(x->message, "listening ports inside the ephemeral range "
	    "10000-65535, not reserved: 40000");
	assert_string_equal(x->fix, "add the ports to net.ipv4.ip_local_reserved_ports: "
	    "net.ipv4.ip_local_reserved_ports = 30000-30010,40000");
	assert_non_null(x = find(&f, "TA-E012"));
	assert_string_equal(x->message, "the connection tracking table is 95% full: "
	    "950 of nf_conntrack_max 1000");
	findings_clear(&f);
	snapshot_free(s);

	/* Half full now, but a reboot would set less than that. */
	tree_sysctl(root, "net.netfilter.nf_conntrack_count", "500");
	tree_sysctl(root, "net.ipv4.ip_local_reserved_ports", "30000-30010,40000");
	tree_write(root, "etc/sysctl.d/60-ct.conf", "net.netfilter.nf_conntrack_max = 400\n");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	in.s = s;
	assert_int_equal(evidence_eval(&in, &f), 0);
	assert_null(find(&f, "TA-E011"));
	assert_non_null(x = find(&f, "TA-E012"));
	assert_string_equal(x->message, "a reboot would set nf_conntrack_max to 400, "
	    "but 500 connections are tracked now");
	findings_clear(&f);
	snapshot_free(s);
	tree_free(root);
}

static void
test_list_add(void **state)
{
	char buf[16] = "";
	size_t len = 0;

	(void)state;
	list_add(buf, sizeof buf, &len, "%s", "a:1");
	list_add(buf, sizeof buf, &len, "%s", "bb:22");
	assert_string_equal(buf, "a:1, bb:22");
	list_add(buf, sizeof buf, &len, "%s", "ccc:333");	/* 19 > 15 */
	assert_string_equal(buf, "a:1, bb:22");
	list_add(buf, sizeof buf, &len, "%s", "d");
	assert_string_equal(buf, "a:1, bb:22, d");
	assert_int_equal(len, strlen(buf));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_host),
		cmocka_unit_test(test_every_finding),
		cmocka_unit_test(test_list_add),
		cmocka_unit_test(test_stale_listeners),
		cmocka_unit_test(test_ports_and_conntrack),
		cmocka_unit_test(test_stale_qdiscs),
		cmocka_unit_test(test_qdisc_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
