/*
 * Unit tests of src/system/census.c: the /proc/net/tcp + tcp6 reader against a
 * fixture root, state names, the Space-Saving top-K, the bounds, a netlink
 * census of the real kernel that must see sockets made here, and, in a
 * network namespace of its own (root only), the one-walk dump of both
 * families against the per-family dumps, socket by socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "census.c"
#include "tree.h"

#define FIXTURE_ROOT "tests/fixtures/census"

static void
test_state_names(void **state)
{
	static const char *const want[CENSUS_NSTATES] = {
		NULL, "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",
		"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
		"LISTEN", "CLOSING", "NEW_SYN_RECV",
	};

	(void)state;
	for (unsigned i = 0; i < CENSUS_NSTATES; i++) {
		if (want[i] == NULL)
			assert_null(census_state_name(i));
		else
			assert_string_equal(census_state_name(i), want[i]);
	}
	assert_null(census_state_name(CENSUS_NSTATES));
	assert_null(census_state_name(255));
	assert_int_equal(CENSUS_TIME_WAIT, 6);
	assert_int_equal(CENSUS_LISTEN, 10);
}

/* The fixture: see tests/fixtures/census/proc/net/tcp and tcp6. */
static void
test_proc_fixture(void **state)
{
	struct census c;
	unsigned long long sum = 0;

	(void)state;
	assert_int_equal(census_take(FIXTURE_ROOT, &c), 0);
	assert_false(c.netlink);
	assert_string_equal(c.fallback_reason, "--root given");

	assert_true(c.state[CENSUS_LISTEN] == 3);
	assert_true(c.state[CENSUS_ESTABLISHED] == 3);
	assert_true(c.state[CENSUS_TIME_WAIT] == 7);
	assert_true(c.state[CENSUS_CLOSE_WAIT] == 4);
	assert_true(c.state[CENSUS_SYN_RECV] == 1);
	assert_true(c.state[CENSUS_FIN_WAIT2] == 1);
	for (unsigned i = 0; i < CENSUS_NSTATES; i++)
		sum += c.state[i];
	assert_true(c.total == 19);
	assert_true(sum == c.total);

	/* Local ports 80 and 443 listen; 50123-50125 and 41000 do not. */
	assert_true(c.tw_server == 3);
	assert_true(c.tw_client == 4);

	/* 10.0.0.9 three times over IPv4 and once as ::ffff:10.0.0.9. */
	assert_int_equal(c.ntw_top, 4);
	assert_false(c.tw_top_approximate);
	assert_string_equal(c.tw_top[0].addr, "10.0.0.9");
	assert_true(c.tw_top[0].count == 4);
	assert_string_equal(c.tw_top[1].addr, "192.168.1.20");
	assert_string_equal(c.tw_top[2].addr, "192.168.1.21");
	assert_string_equal(c.tw_top[3].addr, "2001:db8::1");
	for (size_t i = 0; i < c.ntw_top; i++)
		assert_true(c.tw_top[i].error == 0);
	for (size_t i = 1; i < c.ntw_top; i++)
		assert_true(c.tw_top[i].count == 1);

	assert_int_equal(c.nlisteners, 3);
	assert_false(c.listeners_truncated);
	assert_string_equal(c.listeners[0].addr, "0.0.0.0");
	assert_int_equal(c.listeners[0].family, AF_INET);
	assert_int_equal(c.listeners[0].port, 80);
	assert_int_equal(c.listeners[0].queue, 3);
	assert_int_equal(c.listeners[0].backlog, 0);
	assert_true(c.listeners[0].inode == 20001);
	assert_string_equal(c.listeners[1].addr, "::");
	assert_int_equal(c.listeners[1].family, AF_INET6);
	assert_int_equal(c.listeners[1].port, 443);
	assert_true(c.listeners[1].inode == 20003);
	assert_string_equal(c.listeners[2].addr, "127.0.0.1");
	assert_int_equal(c.listeners[2].port, 5432);

	assert_int_equal(c.ninodes, 4);
	assert_false(c.inodes_truncated);
	assert_true(c.close_wait_inodes[0] == 40001);
	assert_true(c.close_wait_inodes[1] == 40002);
	assert_true(c.close_wait_inodes[2] == 40003);
	assert_true(c.close_wait_inodes[3] == 40004);
	assert_int_equal(c.nclose_wait_ports, 3);
	assert_int_equal(c.close_wait_ports[0], 80);
	assert_int_equal(c.close_wait_ports[1], 443);
	assert_int_equal(c.close_wait_ports[2], 8080);
	assert_false(c.close_wait_ports_truncated);

	census_clear(&c);
	assert_null(c.listeners);
	census_clear(NULL);
}

/* The address columns on their own, IPv6 in particular. */
static void
test_proc_addr(void **state)
{
	struct census_addr a;
	char buf[INET6_ADDRSTRLEN];
	unsigned port = 0;

	(void)state;
	assert_int_equal(proc_addr("0100007F:1F90", AF_INET, true, &a, &port), 0);
	addr_format(&a, buf);
	assert_string_equal(buf, "127.0.0.1");
	assert_int_equal(port, 8080);

	assert_int_equal(proc_addr("B80D0120000000000000000001000000:01BB",
	    AF_INET6, true, &a, &port), 0);
	addr_format(&a, buf);
	assert_string_equal(buf, "2001:db8::1");
	assert_int_equal(port, 443);

	/* IPv4-mapped: unmapped for peers only. */
	assert_int_equal(proc_addr("0000000000000000FFFF00000900000A:AFC8",
	    AF_INET6, true, &a, &port), 0);
	addr_format(&a, buf);
	assert_string_equal(buf, "10.0.0.9");
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(proc_addr("0000000000000000FFFF00000900000A:AFC8",
	    AF_INET6, false, &a, &port), 0);
	addr_format(&a, buf);
	assert_string_equal(buf, "::ffff:10.0.0.9");

	assert_int_equal(proc_addr("0100007F:1F9", AF_INET, true, &a, &port), -EBADMSG);
	assert_int_equal(proc_addr("0100007F1F90", AF_INET, true, &a, &port), -EBADMSG);
	assert_int_equal(proc_addr("0100007G:1F90", AF_INET, true, &a, &port), -EBADMSG);
	assert_int_equal(proc_addr("0100007F:1F90", AF_INET6, true, &a, &port), -EBADMSG);
}

static const char tcp_header[] = "  sl  local_address rem_address   st tx_queue "
    "rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

static void
test_proc_errors(void **state)
{
	struct census c;
	char *root = tree_new();
	char line[1024];

	(void)state;
	/* Neither file (a root with /proc/sys but no /proc/net). */
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "60");
	assert_int_equal(census_take(root, &c), -ENOENT);
	assert_null(c.listeners);

	/* tcp only (IPv6 disabled): fine. */
	tree_write(root, "proc/net/tcp", tcp_header);
	assert_int_equal(census_take(root, &c), 0);
	assert_true(c.total == 0);
	assert_int_equal(c.ntw_top, 0);
	census_clear(&c);

	/* A truncated line. */
	snprintf(line, sizeof line, "%s   0: 0100007F:1F90 00000000:0000 0A\n", tcp_header);
	tree_write(root, "proc/net/tcp", line);
	assert_int_equal(census_take(root, &c), -EBADMSG);

	/* A bad state column. */
	snprintf(line, sizeof line, "%s   0: 0100007F:1F90 00000000:0000 A 00000000:00000000 "
	    "00:00000000 00000000     0        0 1 1 0000000000000000\n", tcp_header);
	tree_write(root, "proc/net/tcp", line);
	assert_int_equal(census_take(root, &c), -EBADMSG);

	/* No header. */
	tree_write(root, "proc/net/tcp", "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 "
	    "00:00000000 00000000     0        0 1 1 0000000000000000\n");
	assert_int_equal(census_take(root, &c), -EBADMSG);

	/* A line longer than the line buffer. */
	memset(line, 'x', sizeof line);
	line[sizeof line - 2] = '\n';
	line[sizeof line - 1] = '\0';
	tree_write(root, "proc/net/tcp", line);
	assert_int_equal(census_take(root, &c), -EBADMSG);
	assert_null(c.listeners);

	tree_free(root);
}

static void
addr_v4(unsigned n, struct census_addr *ret)
{
	unsigned char b[4] = { 10, (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char)n };

	addr_from4(b, ret);
}

/* Space-Saving is exact while the distinct items fit in the counters. */
static void
test_topk_exact(void **state)
{
	static struct topk t;
	struct census_peer out[CENSUS_TOP];
	struct census_addr a;
	size_t n;

	(void)state;
	memset(&t, 0, sizeof t);
	/* Peer i appears i times, interleaved: 1..CENSUS_TOP_COUNTERS. */
	for (unsigned round = 1; round <= CENSUS_TOP_COUNTERS; round++)
		for (unsigned i = round; i <= CENSUS_TOP_COUNTERS; i++) {
			addr_v4(i, &a);
			topk_add(&t, &a);
		}
	assert_false(t.replaced);
	n = topk_result(&t, out, CENSUS_TOP);
	assert_int_equal(n, CENSUS_TOP);
	for (size_t i = 0; i < n; i++) {
		char want[INET6_ADDRSTRLEN];
		unsigned id = CENSUS_TOP_COUNTERS - (unsigned)i;

		snprintf(want, sizeof want, "10.0.%u.%u", id >> 8, id & 0xff);
		assert_string_equal(out[i].addr, want);
		assert_true(out[i].count == id);
		assert_true(out[i].error == 0);
	}

	/* Fewer peers than CENSUS_TOP; ties sorted by address. */
	memset(&t, 0, sizeof t);
	addr_v4(3, &a);
	topk_add(&t, &a);
	addr_v4(2, &a);
	topk_add(&t, &a);
	n = topk_result(&t, out, CENSUS_TOP);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].addr, "10.0.0.2");
	assert_string_equal(out[1].addr, "10.0.0.3");
}

/* Beyond the counters: heavy hitters are still found, counts are upper
   bounds with count - error <= true count <= count. */
static void
test_topk_approximate(void **state)
{
	static struct topk t;
	struct census_peer out[CENSUS_TOP];
	struct census_addr a;
	const unsigned heavy = 5, singletons = 4000;
	size_t n;

	(void)state;
	memset(&t, 0, sizeof t);
	for (unsigned i = 0; i < singletons; i++) {
		addr_v4(1000 + i, &a);
		topk_add(&t, &a);
		if (i % 4 == 0)
			for (unsigned h = 0; h < heavy; h++) {
				addr_v4(h, &a);
				topk_add(&t, &a);
			}
	}
	assert_true(t.replaced);
	n = topk_result(&t, out, CENSUS_TOP);
	assert_int_equal(n, CENSUS_TOP);
	for (unsigned h = 0; h < heavy; h++) {
		char want[INET6_ADDRSTRLEN];
		bool found = false;

		snprintf(want, sizeof want, "10.0.0.%u", h);
		for (size_t i = 0; i < heavy; i++)
			if (strcmp(out[i].addr, want) == 0) {
				found = true;
				assert_true(out[i].count >= singletons / 4);
				assert_true(out[i].count - out[i].error <= singletons / 4);
			}
		if (!found)
			fail_msg("heavy hitter %s not in the top %u", want, heavy);
	}
	for (size_t i = 1; i < n; i++)
		assert_true(out[i - 1].count >= out[i].count);
}

/* Space-Saving as it was written before the index: every counter scanned
   for the item, the first smallest one taken over. */
static void
topk_add_by_scan(struct topk *t, const struct census_addr *a)
{
	size_t min = 0;

	for (size_t i = 0; i < t->n; i++)
		if (addr_cmp(&t->c[i].key, a) == 0) {
			t->c[i].count++;
			return;
		}
	if (t->n < CENSUS_TOP_COUNTERS) {
		t->c[t->n].key = *a;
		t->c[t->n].count = 1;
		t->c[t->n].error = 0;
		t->n++;
		return;
	}
	for (size_t i = 1; i < t->n; i++)
		if (t->c[i].count < t->c[min].count)
			min = i;
	t->replaced = true;
	t->c[min].key = *a;
	t->c[min].error = t->c[min].count;
	t->c[min].count++;
}

/* The index changes how a counter is found, never which: over a stream
   of IPv4, IPv6 and IPv4-mapped peers, skewed and with far more distinct
   ones than counters, the counters stay those of a scan, and each is
   found through the index. */
static void
test_topk_index(void **state)
{
	static struct topk t, ref;
	struct census_addr a;
	unsigned seed = 12345;

	(void)state;
	memset(&t, 0, sizeof t);
	memset(&ref, 0, sizeof ref);
	for (unsigned i = 0; i < 200000; i++) {
		unsigned r, n;

		seed = seed * 1103515245u + 12345u;
		r = seed >> 8;
		/* A few heavy peers, many rare ones. */
		n = (r & 3) ? r % 64 : r % 4000;
		if (r & 0x10000) {
			unsigned char b[16] = { 0x20, 0x01, 0x0d, 0xb8 };

			b[14] = (unsigned char)(n >> 8);
			b[15] = (unsigned char)n;
			addr_from6(b, true, &a);
		} else
			addr_v4(n, &a);
		topk_add(&t, &a);
		topk_add_by_scan(&ref, &a);
	}
	assert_true(t.replaced);
	assert_int_equal(t.n, ref.n);
	assert_memory_equal(t.c, ref.c, sizeof t.c);
	for (size_t i = 0; i < t.n; i++) {
		size_t at = topk_find(&t, &t.c[i].key);

		assert_int_equal(t.slot[at], i + 1);
	}
}

/* Lists stop at their bounds and say so; the counts go on. */
static void
test_bounds(void **state)
{
	struct census c;
	struct census_work *w = calloc(1, sizeof *w);
	struct census_sock s;

	(void)state;
	assert_non_null(w);
	memset(&c, 0, sizeof c);
	w->c = &c;
	memset(&s, 0, sizeof s);
	s.state = CENSUS_LISTEN;
	s.local.family = AF_INET;
	for (unsigned i = 0; i < CENSUS_MAX_LISTENERS + 5; i++) {
		s.lport = 1000 + i;
		assert_int_equal(listen_socket(w, &s), 0);
	}
	assert_int_equal(c.nlisteners, CENSUS_MAX_LISTENERS);
	assert_true(c.listeners_truncated);
	assert_true(c.state[CENSUS_LISTEN] == CENSUS_MAX_LISTENERS + 5);
	assert_true(port_isset(w->listen_ports, 1000 + CENSUS_MAX_LISTENERS + 4));
	assert_false(port_isset(w->listen_ports, 999));

	s.state = CENSUS_CLOSE_WAIT;
	for (unsigned i = 0; i < CENSUS_MAX_INODES + 3; i++) {
		s.lport = 20000 + i % (CENSUS_MAX_PORTS + 1);
		s.inode = 1 + i;
		count_socket(w, &s);
	}
	assert_int_equal(c.ninodes, CENSUS_MAX_INODES);
	assert_true(c.inodes_truncated);
	assert_int_equal(c.nclose_wait_ports, CENSUS_MAX_PORTS);
	assert_true(c.close_wait_ports_truncated);
	assert_true(c.state[CENSUS_CLOSE_WAIT] == CENSUS_MAX_INODES + 3);

	/* Out-of-range states are not counted. */
	s.state = CENSUS_NSTATES;
	count_socket(w, &s);
	s.state = 0;
	count_socket(w, &s);
	assert_true(c.total == CENSUS_MAX_LISTENERS + 5 + CENSUS_MAX_INODES + 3);

	census_clear(&c);
	free(w);
}

static void
test_root_is_slash(void **state)
{
	(void)state;
	assert_true(census_root_is_live(NULL));
	assert_true(census_root_is_live("/"));
	assert_true(census_root_is_live("//"));
	assert_false(census_root_is_live("/srv/root"));
	assert_false(census_root_is_live("tests/fixtures/census"));
	assert_false(census_root_is_live(""));
}

/* A listener on the loopback address of family with an ephemeral port; the
   caller closes it. */
static int
listen_any(int family, int backlog, struct sockaddr_storage *ret, socklen_t *ret_len)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	memset(ret, 0, sizeof *ret);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ret;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*ret_len = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ret;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		*ret_len = sizeof *sin6;
	}
	assert_int_equal(bind(fd, (struct sockaddr *)ret, *ret_len), 0);
	assert_int_equal(listen(fd, backlog), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)ret, ret_len), 0);
	return fd;
}

static int
connect_to(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (const struct sockaddr *)ss, len), 0);
	return fd;
}

static const struct census_listener *
find_listener(const struct census *c, unsigned port)
{
	for (size_t i = 0; i < c->nlisteners; i++)
		if (c->listeners[i].port == port && strcmp(c->listeners[i].addr, "127.0.0.1") == 0)
			return &c->listeners[i];
	return NULL;
}

/* The real kernel, through sock_diag: a listener made here with one
   connection waiting in its accept queue must be seen. */
static void
test_netlink_live(void **state)
{
	struct sockaddr_storage addr;
	const struct census_listener *l;
	struct census c;
	socklen_t len;
	unsigned port;
	int lfd, cfd;

	(void)state;
	lfd = listen_any(AF_INET, 7, &addr, &len);
	port = ntohs(((struct sockaddr_in *)&addr)->sin_port);
	cfd = connect_to(&addr, len);

	assert_int_equal(census_take("/", &c), 0);
	assert_true(c.netlink);
	assert_string_equal(c.fallback_reason, "");
	assert_true(c.state[CENSUS_LISTEN] >= 1);
	assert_true(c.state[CENSUS_ESTABLISHED] >= 2);	/* both ends */
	if (!c.listeners_truncated) {
		l = find_listener(&c, port);
		assert_non_null(l);
		assert_int_equal(l->family, AF_INET);
		assert_int_equal(l->backlog, 7);
		assert_int_equal(l->queue, 1);
		assert_true(l->inode != 0);
	}
	census_clear(&c);

	/* The same socket through the /proc reader of the real root. */
	{
		struct census_work *w = calloc(1, sizeof *w);

		assert_non_null(w);
		memset(&c, 0, sizeof c);
		w->c = &c;
		assert_int_equal(proc_take(w, "/"), 0);
		work_finish(w);
		if (!c.listeners_truncated) {
			l = find_listener(&c, port);
			assert_non_null(l);
			assert_int_equal(l->backlog, 0);
			assert_int_equal(l->queue, 1);
		}
		census_clear(&c);
		free(w);
	}
	close(cfd);
	close(lfd);
}

/* --- both ways of dumping, in a network namespace of our own ------------ */

static int saved_netns = -1;

/* Enter a new network namespace with lo up; skip unless allowed (root). */
static int
netns_enter(void **state)
{
	struct ifreq ifr;
	int fd;

	(void)state;
	saved_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved_netns < 0 || unshare(CLONE_NEWNET) < 0)
		return 0;	/* the test skips: saved_netns still names ours */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&ifr, 0, sizeof ifr);
	(void)snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	assert_int_equal(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
	return 0;
}

static int
netns_leave(void **state)
{
	(void)state;
	if (saved_netns >= 0) {
		assert_int_equal(setns(saved_netns, CLONE_NEWNET), 0);
		close(saved_netns);
		saved_netns = -1;
	}
	return 0;
}

static bool
in_own_netns(void)
{
	struct stat a, b;

	return saved_netns >= 0 && fstat(saved_netns, &a) == 0 &&
	    stat("/proc/self/ns/net", &b) == 0 && a.st_ino != b.st_ino;
}

static void
take_netlink(bool by_family, bool split, struct census *ret)
{
	struct census_work *w = calloc(1, sizeof *w);

	assert_non_null(w);
	memset(ret, 0, sizeof *ret);
	w->c = ret;
	assert_int_equal(netlink_take(w, by_family, split, false), 0);
	work_finish(w);
	free(w);
}

/*
 * In a namespace of its own: an IPv4 and an IPv6 listener; an IPv6
 * connection the server closed first (TIME_WAIT on the listening port); an
 * IPv4 connection the client closed first (TIME_WAIT on an ephemeral
 * port); an IPv4 connection the client closed and the server did not
 * (FIN_WAIT2 + CLOSE_WAIT); an IPv4 connection left in the accept queue (2
 * ESTABLISHED). Every way of dumping (both families in one walk or one walk
 * per family; TIME_WAIT and the rest in one dump or in two at once) must
 * give exactly that, field by field.
 */
static void
test_netlink_both_ways(void **state)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	struct sockaddr_storage a4, a6;
	struct census one, each;
	static const bool ways[][2] = { { false, true }, { true, false }, { true, true } };
	socklen_t l4, l6;
	int lfd4, lfd6, c0, c1, s1, c2, s2, c3, s3;
	unsigned port4;

	(void)state;
	if (!in_own_netns())
		skip();
	lfd4 = listen_any(AF_INET, 5, &a4, &l4);
	lfd6 = listen_any(AF_INET6, 3, &a6, &l6);
	port4 = ntohs(((struct sockaddr_in *)&a4)->sin_port);
	c1 = connect_to(&a6, l6);
	s1 = accept4(lfd6, NULL, NULL, SOCK_CLOEXEC);
	c2 = connect_to(&a4, l4);
	s2 = accept4(lfd4, NULL, NULL, SOCK_CLOEXEC);
	c3 = connect_to(&a4, l4);
	s3 = accept4(lfd4, NULL, NULL, SOCK_CLOEXEC);
	assert_true(s1 >= 0 && s2 >= 0 && s3 >= 0);
	c0 = connect_to(&a4, l4);	/* left in the accept queue */
	close(s1);
	close(c1);
	close(c3);
	close(s3);
	close(c2);

	/* Loopback delivers the FINs and ACKs at once; allow it 2 s. */
	for (int i = 0; i < 200; i++) {
		take_netlink(false, false, &one);
		if (one.state[CENSUS_TIME_WAIT] == 2 && one.state[CENSUS_CLOSE_WAIT] == 1 &&
		    one.state[CENSUS_FIN_WAIT2] == 1)
			break;
		census_clear(&one);
		nanosleep(&ts, NULL);
	}

	assert_true(one.state[CENSUS_LISTEN] == 2);
	assert_true(one.state[CENSUS_ESTABLISHED] == 2);
	assert_true(one.state[CENSUS_TIME_WAIT] == 2);
	assert_true(one.state[CENSUS_CLOSE_WAIT] == 1);
	assert_true(one.state[CENSUS_FIN_WAIT2] == 1);
	assert_true(one.total == 8);
	assert_true(one.tw_server == 1);
	assert_true(one.tw_client == 1);
	assert_int_equal(one.ntw_top, 2);
	assert_string_equal(one.tw_top[0].addr, "127.0.0.1");
	assert_true(one.tw_top[0].count == 1);
	assert_string_equal(one.tw_top[1].addr, "::1");
	assert_true(one.tw_top[1].count == 1);
	assert_int_equal(one.nlisteners, 2);
	for (size_t i = 0; i < one.nlisteners; i++) {
		const struct census_listener *l = &one.listeners[i];

		if (l->family == AF_INET) {
			assert_string_equal(l->addr, "127.0.0.1");
			assert_int_equal(l->port, port4);
			assert_int_equal(l->queue, 1);
			assert_int_equal(l->backlog, 5);
		} else {
			assert_int_equal(l->family, AF_INET6);
			assert_string_equal(l->addr, "::1");
			assert_int_equal(l->queue, 0);
			assert_int_equal(l->backlog, 3);
		}
	}
	assert_int_equal(one.ninodes, 1);
	assert_int_equal(one.nclose_wait_ports, 1);
	assert_int_equal(one.close_wait_ports[0], port4);

	/* The same, every other way. */
	for (size_t k = 0; k < sizeof ways / sizeof ways[0]; k++) {
		take_netlink(ways[k][0], ways[k][1], &each);
		assert_memory_equal(one.state, each.state, sizeof one.state);
		assert_true(one.total == each.total);
		assert_true(one.tw_server == each.tw_server && one.tw_client == each.tw_client);
		assert_int_equal(one.ntw_top, each.ntw_top);
		assert_memory_equal(one.tw_top, each.tw_top, one.ntw_top * sizeof one.tw_top[0]);
		assert_int_equal(one.nlisteners, each.nlisteners);
		for (size_t i = 0; i < one.nlisteners; i++) {
			assert_string_equal(one.listeners[i].addr, each.listeners[i].addr);
			assert_int_equal(one.listeners[i].family, each.listeners[i].family);
			assert_int_equal(one.listeners[i].port, each.listeners[i].port);
			assert_int_equal(one.listeners[i].queue, each.listeners[i].queue);
			assert_int_equal(one.listeners[i].backlog, each.listeners[i].backlog);
			assert_true(one.listeners[i].inode == each.listeners[i].inode);
		}
		assert_int_equal(one.ninodes, each.ninodes);
		assert_true(one.close_wait_inodes[0] == each.close_wait_inodes[0]);
		assert_int_equal(one.nclose_wait_ports, each.nclose_wait_ports);
		assert_int_equal(one.close_wait_ports[0], each.close_wait_ports[0]);
		census_clear(&each);
	}

	/* The listeners alone: the same listeners, no other state. */
	assert_int_equal(census_listeners("/", &each), 0);
	assert_true(each.netlink);
	assert_true(each.state[CENSUS_LISTEN] == 2);
	assert_true(each.state[CENSUS_TIME_WAIT] == 0 && each.state[CENSUS_ESTABLISHED] == 0);
	assert_int_equal(each.nlisteners, one.nlisteners);
	for (size_t i = 0; i < one.nlisteners; i++) {
		assert_int_equal(one.listeners[i].port, each.listeners[i].port);
		assert_int_equal(one.listeners[i].backlog, each.listeners[i].backlog);
	}
	census_clear(&each);

	census_clear(&one);
	close(c0);
	close(s2);
	close(lfd4);
	close(lfd6);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_proc_fixture),
		cmocka_unit_test(test_proc_addr),
		cmocka_unit_test(test_proc_errors),
		cmocka_unit_test(test_topk_exact),
		cmocka_unit_test(test_topk_approximate),
		cmocka_unit_test(test_topk_index),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_root_is_slash),
		cmocka_unit_test(test_netlink_live),
		cmocka_unit_test_setup_teardown(test_netlink_both_ways, netns_enter, netns_leave),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
