/*
 * Unit tests of src/system/counters.c: the busy-server fixture parsed exactly,
 * missing and malformed files, bounds, counters_get() and counters_rates(),
 * and one read of the running system's files.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "counters.c"
#include "tree.h"

#define BUSY "tests/fixtures/counters/busy"

static void
test_fixture(void **state)
{
	struct counters c;
	bool found;

	(void)state;
	assert_int_equal(counters_read(BUSY, &c), 0);
	assert_true(c.have_sockstat);
	assert_true(c.have_netstat);
	assert_true(c.have_snmp);

	assert_int_equal(c.sockets_used, 48213);
	assert_int_equal(c.tcp_inuse, 1843);
	assert_int_equal(c.tcp_orphan, 212);
	assert_int_equal(c.tcp_tw, 27419);
	assert_int_equal(c.tcp_alloc, 2108);
	assert_int_equal(c.tcp_mem, 5391);

	/* Every TcpExt name of a 6.x kernel, in order; IpExt and MPTcpExt left out. */
	assert_int_equal(c.ntcpext, 135);
	assert_false(c.tcpext_truncated);
	assert_string_equal(c.tcpext[0].name, "SyncookiesSent");
	assert_int_equal(c.tcpext[0].value, 912);
	assert_string_equal(c.tcpext[134].name, "TCPAODroppedIcmps");
	assert_int_equal(counters_get(&c, "TcpExt", "ListenOverflows", &found), 3187);
	assert_true(found);
	assert_int_equal(counters_get(&c, "TcpExt", "ListenDrops", NULL), 3402);
	assert_int_equal(counters_get(&c, "TcpExt", "TCPTimeWaitOverflow", NULL), 1544);
	assert_int_equal(counters_get(&c, "TcpExt", "TCPReqQFullDoCookies", NULL), 912);
	assert_int_equal(counters_get(&c, "TcpExt", "TCPAbortOnData", NULL), 4410);
	assert_int_equal(counters_get(&c, "TcpExt", "TCPSynRetrans", NULL), 8811);
	assert_int_equal(counters_get(&c, "TcpExt", "TW", NULL), 18233091);
	/* Beyond 32 bits. */
	assert_int_equal(counters_get(&c, "TcpExt", "TCPOrigDataSent", NULL), 9120334117LL);
	assert_int_equal(counters_get(&c, "TcpExt", "TCPAbortOnMemory", &found), 0);
	assert_true(found);
	assert_int_equal(counters_get(&c, "TcpExt", "InOctets", &found), 0);
	assert_false(found);
	assert_int_equal(counters_get(&c, "TcpExt", "MPCapableSYNRX", &found), 0);
	assert_false(found);

	assert_int_equal(c.ntcp, 15);
	assert_false(c.tcp_truncated);
	assert_string_equal(c.tcp[0].name, "RtoAlgorithm");
	assert_string_equal(c.tcp[14].name, "InCsumErrors");
	assert_int_equal(counters_get(&c, "Tcp", "MaxConn", &found), -1);
	assert_true(found);
	assert_int_equal(counters_get(&c, "Tcp", "CurrEstab", NULL), 1402);
	assert_int_equal(counters_get(&c, "Tcp", "InSegs", NULL), 3319024418LL);
	assert_int_equal(counters_get(&c, "Tcp", "InDatagrams", &found), 0);
	assert_false(found);
}

static void
test_get_edges(void **state)
{
	struct counters c;
	bool found = true;

	(void)state;
	assert_int_equal(counters_read(BUSY, &c), 0);
	assert_int_equal(counters_get(&c, "Udp", "InDatagrams", &found), 0);
	assert_false(found);
	found = true;
	assert_int_equal(counters_get(&c, "tcpext", "ListenOverflows", &found), 0);
	assert_false(found);
	found = true;
	assert_int_equal(counters_get(&c, "TcpExt", "listenoverflows", &found), 0);
	assert_false(found);
	found = true;
	assert_int_equal(counters_get(NULL, "TcpExt", "ListenOverflows", &found), 0);
	assert_false(found);
	found = true;
	assert_int_equal(counters_get(&c, NULL, "ListenOverflows", &found), 0);
	assert_false(found);
	found = true;
	assert_int_equal(counters_get(&c, "TcpExt", NULL, &found), 0);
	assert_false(found);
}

static void
test_missing(void **state)
{
	char *root = tree_new();
	struct counters c;

	(void)state;
	/* A root with /proc/sys only (as the sysctl fixture roots are). */
	tree_sysctl(root, "net.ipv4.tcp_max_tw_buckets", "262144");
	memset(&c, 0xff, sizeof c);
	assert_int_equal(counters_read(root, &c), 0);
	assert_false(c.have_sockstat);
	assert_false(c.have_netstat);
	assert_false(c.have_snmp);
	assert_int_equal(c.ntcpext, 0);
	assert_int_equal(c.ntcp, 0);
	assert_int_equal(c.tcp_tw, 0);

	/* Only sockstat. */
	tree_write(root, "proc/net/sockstat",
	    "sockets: used 5\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 3\n");
	assert_int_equal(counters_read(root, &c), 0);
	assert_true(c.have_sockstat);
	assert_false(c.have_netstat);
	assert_false(c.have_snmp);
	assert_int_equal(c.tcp_tw, 2);
	assert_int_equal(c.tcp_mem, 3);

	/* A netstat without TcpExt is present but holds nothing we keep. */
	tree_write(root, "proc/net/netstat", "IpExt: InOctets\nIpExt: 10\n");
	assert_int_equal(counters_read(root, &c), 0);
	assert_true(c.have_netstat);
	assert_int_equal(c.ntcpext, 0);

	assert_int_equal(counters_read(root, NULL), -EINVAL);
	tree_free(root);
}

/* Write ROOT/rel with exactly len bytes (content may hold NUL). */
static void
write_bytes(const char *root, const char *rel, const char *content, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	assert_true(snprintf(path, sizeof path, "%s/%s", root, rel) < (int)sizeof path);
	tree_mkdirs(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void
test_malformed(void **state)
{
	static const struct {
		const char *file;
		const char *content;
	} bad[] = {
		/* netstat: pairs */
		{ "netstat", "TcpExt: A B\nTcpExt: 1\n" },
		{ "netstat", "TcpExt: A\nTcpExt: 1 2\n" },
		{ "netstat", "TcpExt: A\nIpExt: 1\n" },
		{ "netstat", "TcpExt: A\n" },
		{ "netstat", "TcpExt: A\n\nTcpExt: 1\n" },
		{ "netstat", "TcpExt A\nTcpExt 1\n" },
		{ "netstat", ": A\n: 1\n" },
		{ "netstat", "TcpExt: A\nTcpExt: 1\nTcpExt: B\nTcpExt: 2\n" },
		/* a mismatch in a group we do not keep still means a bad file */
		{ "netstat", "IpExt: A B\nIpExt: 1\nTcpExt: A\nTcpExt: 1\n" },
		{ "netstat", "IpExt: A\nIpExt: many\n" },
		/* netstat: values */
		{ "netstat", "TcpExt: A\nTcpExt: x\n" },
		{ "netstat", "TcpExt: A\nTcpExt: 1x\n" },
		{ "netstat", "TcpExt: A\nTcpExt: 1.5\n" },
		{ "netstat", "TcpExt: A\nTcpExt: +1\n" },
		{ "netstat", "TcpExt: A\nTcpExt: -\n" },
		{ "netstat", "TcpExt: A\nTcpExt: 99999999999999999999\n" },
		/* snmp */
		{ "snmp", "Tcp: MaxConn\nTcp: --1\n" },
		{ "snmp", "Tcp: MaxConn CurrEstab\nTcp: -1\n" },
		{ "snmp", "Tcp: RtoAlgorithm\n" },
		/* sockstat */
		{ "sockstat", "sockets: used 5\n" },
		{ "sockstat", "TCP: inuse 1 orphan 0 tw 2 alloc 1 mem 3\n" },
		{ "sockstat", "sockets: used 5\nTCP: inuse 1 orphan 0 tw 2 alloc 1\n" },
		{ "sockstat", "sockets: used 5\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem\n" },
		{ "sockstat", "sockets: used 5\nTCP: inuse x orphan 0 tw 2 alloc 1 mem 3\n" },
		{ "sockstat", "sockets: used 5\nTCP: inuse 1 inuse 1 orphan 0 tw 2 alloc 1 mem 3\n" },
		{ "sockstat", "sockets: used\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 3\n" },
		{ "sockstat", "sockets: used 5 6\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 3\n" },
		{ "sockstat", "sockets: free 5\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 3\n" },
		{ "sockstat", "sockets used 5\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 3\n" },
		{ "sockstat", "sockets: used 5\nTCP: inuse 1 orphan 0 tw 2 alloc 1 mem 3\n"
		    "TCP: inuse 1 orphan 0 tw 2 alloc 1 mem 3\n" },
	};
	char rel[64];
	struct counters c;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *root = tree_new();

		snprintf(rel, sizeof rel, "proc/net/%s", bad[i].file);
		tree_write(root, rel, bad[i].content);
		memset(&c, 0xff, sizeof c);
		if (counters_read(root, &c) != -EBADMSG)
			fail_msg("case %zu (%s) not refused", i, bad[i].file);
		/* Cleared on failure: nothing half-read is left behind. */
		assert_false(c.have_sockstat);
		assert_false(c.have_netstat);
		assert_false(c.have_snmp);
		assert_int_equal(c.ntcpext, 0);
		tree_free(root);
	}
}

static void
test_nul_byte(void **state)
{
	static const char text[] = "TcpExt: A B\nTcpExt: 1\0 2\n";
	char *root = tree_new();
	struct counters c;

	(void)state;
	write_bytes(root, "proc/net/netstat", text, sizeof text - 1);
	assert_int_equal(counters_read(root, &c), -EBADMSG);
	tree_free(root);
}

static void
test_lenient(void **state)
{
	char *root = tree_new();
	struct counters c;

	(void)state;
	/* Tabs, repeated blanks, blank lines between pairs, no final newline,
	   unknown sockstat lines and fields. */
	tree_write(root, "proc/net/sockstat",
	    "sockets: used 9\nTCP: inuse 1 orphan 2 tw 3 alloc 4 mem 5 future 6\n"
	    "UDP: inuse 0 mem 0\n\nFRAG: inuse 0 memory 0");
	tree_write(root, "proc/net/netstat",
	    "TcpExt:\tA  B\nTcpExt: 0 -3\n\nIpExt:\nIpExt:\n"
	    "MPTcpExt: X\nMPTcpExt: 4");
	tree_write(root, "proc/net/snmp", "Tcp: MaxConn\nTcp: -1\n");
	assert_int_equal(counters_read(root, &c), 0);
	assert_int_equal(c.sockets_used, 9);
	assert_int_equal(c.tcp_orphan, 2);
	assert_int_equal(c.tcp_mem, 5);
	assert_int_equal(c.ntcpext, 2);
	assert_string_equal(c.tcpext[1].name, "B");
	assert_int_equal(c.tcpext[1].value, -3);
	assert_int_equal(c.ntcp, 1);
	assert_int_equal(c.tcp[0].value, -1);
	tree_free(root);
}

/* "Group: N0 N1 ...\nGroup: 0 1 ...\n" with n names. */
static char *
pairs_text(const char *group, size_t n, const char *extra_name)
{
	size_t size = 64 + n * 32 + (extra_name ? 2 * strlen(extra_name) : 0);
	char *s = malloc(size);
	size_t len = 0;

	assert_non_null(s);
	len += (size_t)snprintf(s + len, size - len, "%s:", group);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, size - len, " N%zu", i);
	if (extra_name != NULL)
		len += (size_t)snprintf(s + len, size - len, " %s", extra_name);
	len += (size_t)snprintf(s + len, size - len, "\n%s:", group);
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, size - len, " %zu", i);
	if (extra_name != NULL)
		len += (size_t)snprintf(s + len, size - len, " 7");
	snprintf(s + len, size - len, "\n");
	return s;
}

static void
test_bounds(void **state)
{
	char long_name[COUNTERS_NAME_MAX + 1];
	char *root = tree_new(), *text;
	struct counters c;
	bool found;

	(void)state;
	/* More names than the arrays hold: the first ones kept, a flag set. */
	text = pairs_text("TcpExt", 300, NULL);
	tree_write(root, "proc/net/netstat", text);
	free(text);
	text = pairs_text("Tcp", 70, NULL);
	tree_write(root, "proc/net/snmp", text);
	free(text);
	assert_int_equal(counters_read(root, &c), 0);
	assert_int_equal(c.ntcpext, COUNTERS_MAX_TCPEXT);
	assert_true(c.tcpext_truncated);
	assert_int_equal(counters_get(&c, "TcpExt", "N255", &found), 255);
	assert_true(found);
	counters_get(&c, "TcpExt", "N256", &found);
	assert_false(found);
	assert_int_equal(c.ntcp, COUNTERS_MAX_TCP);
	assert_true(c.tcp_truncated);

	/* A name that does not fit is left out; the others stay. */
	memset(long_name, 'L', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	text = pairs_text("TcpExt", 3, long_name);
	tree_write(root, "proc/net/netstat", text);
	free(text);
	tree_write(root, "proc/net/snmp", "Tcp: A\nTcp: 1\n");
	assert_int_equal(counters_read(root, &c), 0);
	assert_int_equal(c.ntcpext, 3);
	assert_true(c.tcpext_truncated);
	assert_false(c.tcp_truncated);
	/* A name of exactly COUNTERS_NAME_MAX-1 bytes fits. */
	long_name[COUNTERS_NAME_MAX - 1] = '\0';
	text = pairs_text("TcpExt", 3, long_name);
	tree_write(root, "proc/net/netstat", text);
	free(text);
	assert_int_equal(counters_read(root, &c), 0);
	assert_int_equal(c.ntcpext, 4);
	assert_false(c.tcpext_truncated);
	assert_int_equal(counters_get(&c, "TcpExt", long_name, NULL), 7);
	tree_free(root);
}

static void
test_size_limit(void **state)
{
	static const char head[] = "TcpExt: A\nTcpExt: 1\n";
	char *root = tree_new(), *buf;
	struct counters c;

	(void)state;
	/* Exactly COUNTERS_FILE_MAX bytes is accepted (padded with newlines)... */
	buf = malloc(COUNTERS_FILE_MAX + 1);
	assert_non_null(buf);
	memset(buf, '\n', COUNTERS_FILE_MAX + 1);
	memcpy(buf, head, sizeof head - 1);
	write_bytes(root, "proc/net/netstat", buf, COUNTERS_FILE_MAX);
	assert_int_equal(counters_read(root, &c), 0);
	assert_int_equal(c.ntcpext, 1);
	/* ...one more byte is refused. */
	write_bytes(root, "proc/net/netstat", buf, COUNTERS_FILE_MAX + 1);
	assert_int_equal(counters_read(root, &c), -EFBIG);
	assert_false(c.have_netstat);
	free(buf);
	tree_free(root);
}

static void
test_read_errors(void **state)
{
	char *root = tree_new();
	char path[PATH_MAX];
	struct counters c;

	(void)state;
	/* A directory where the file should be: read() says EISDIR. */
	snprintf(path, sizeof path, "%s/proc/net/snmp/x", root);
	tree_mkdirs(path);
	assert_int_equal(counters_read(root, &c), -EISDIR);
	tree_free(root);
}

static void
test_rates(void **state)
{
	struct counters a, b;
	struct counters_rate *r = NULL;
	size_t n = 99, i;
	bool saw_lo = false, saw_ce = false;

	(void)state;
	assert_int_equal(counters_read(BUSY, &a), 0);
	b = a;
	/* 50 more overflows and 2 fewer established connections in 10 s. */
	for (i = 0; i < b.ntcpext; i++)
		if (strcmp(b.tcpext[i].name, "ListenOverflows") == 0)
			b.tcpext[i].value += 50;
	for (i = 0; i < b.ntcp; i++)
		if (strcmp(b.tcp[i].name, "CurrEstab") == 0)
			b.tcp[i].value -= 2;
	assert_int_equal(counters_rates(&a, &b, 10.0, &r, &n), 0);
	assert_int_equal(n, a.ntcpext + a.ntcp);
	assert_string_equal(r[0].group, "TcpExt");
	assert_string_equal(r[0].name, "SyncookiesSent");
	assert_string_equal(r[n - 1].group, "Tcp");
	assert_string_equal(r[n - 1].name, "InCsumErrors");
	for (i = 0; i < n; i++) {
		if (strcmp(r[i].name, "ListenOverflows") == 0) {
			assert_int_equal(r[i].delta, 50);
			assert_true(r[i].per_second == 5.0);
			saw_lo = true;
		} else if (strcmp(r[i].name, "CurrEstab") == 0) {
			assert_int_equal(r[i].delta, -2);
			assert_true(fabs(r[i].per_second + 0.2) < 1e-12);
			saw_ce = true;
		} else
			assert_int_equal(r[i].delta, 0);
	}
	assert_true(saw_lo && saw_ce);
	free(r);

	/* Matched by name, not position: a counter new in b (a kernel
	   upgrade between samples cannot happen, but a hand-made root can)
	   is left out, and a different order still pairs up. */
	a.ntcp = 2;
	memset(&a.tcp[0], 0, sizeof a.tcp[0]);
	snprintf(a.tcp[0].name, sizeof a.tcp[0].name, "CurrEstab");
	a.tcp[0].value = 1000;
	snprintf(a.tcp[1].name, sizeof a.tcp[1].name, "Gone");
	a.ntcpext = 0;
	assert_int_equal(counters_rates(&a, &b, 0.5, &r, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].group, "Tcp");
	assert_string_equal(r[0].name, "CurrEstab");
	assert_int_equal(r[0].delta, 400);
	assert_true(r[0].per_second == 800.0);
	free(r);

	/* A difference beyond long long is left out. */
	a.tcp[0].value = LLONG_MIN;
	for (i = 0; i < b.ntcp; i++)
		if (strcmp(b.tcp[i].name, "CurrEstab") == 0)
			b.tcp[i].value = LLONG_MAX;
	assert_int_equal(counters_rates(&a, &b, 1.0, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_null(r);

	/* Nothing in common. */
	memset(&a, 0, sizeof a);
	assert_int_equal(counters_rates(&a, &b, 1.0, &r, &n), 0);
	assert_int_equal(n, 0);
	assert_null(r);

	assert_int_equal(counters_rates(&a, &b, 0.0, &r, &n), -EINVAL);
	assert_int_equal(counters_rates(&a, &b, -1.0, &r, &n), -EINVAL);
	assert_int_equal(counters_rates(&a, &b, NAN, &r, &n), -EINVAL);
	assert_int_equal(counters_rates(&a, &b, INFINITY, &r, &n), -EINVAL);
	assert_int_equal(counters_rates(NULL, &b, 1.0, &r, &n), -EINVAL);
	assert_int_equal(counters_rates(&a, &b, 1.0, NULL, &n), -EINVAL);
}

/* The running system's files parse, and hold what every kernel prints. */
static void
test_live(void **state)
{
	struct counters c;
	bool found;

	(void)state;
	if (access("/proc/net/snmp", R_OK) != 0)
		skip();
	assert_int_equal(counters_read("/", &c), 0);
	assert_true(c.have_sockstat && c.have_netstat && c.have_snmp);
	assert_false(c.tcpext_truncated);
	assert_false(c.tcp_truncated);
	assert_true(c.sockets_used >= 0);
	counters_get(&c, "TcpExt", "ListenOverflows", &found);
	assert_true(found);
	counters_get(&c, "TcpExt", "TCPTimeWaitOverflow", &found);
	assert_true(found);
	assert_int_equal(counters_get(&c, "Tcp", "MaxConn", &found), -1);
	assert_true(found);
	/* NULL root is the running system too. */
	assert_int_equal(counters_read(NULL, &c), 0);
	assert_true(c.have_snmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_get_edges),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
