/*
 * census: TCP socket states of the caller's network namespace; see census.h.
 *
 * Design. A host may hold hundreds of thousands of sockets, so nothing here
 * is kept per socket: each one is folded into the counters as it arrives.
 * The whole working state lives in one struct census_work allocated once
 * per census_take(): the netlink receive buffer, a bitmap of listening
 * ports (65536 bits, 8 KiB) and the Space-Saving counters of TIME_WAIT
 * peers. The only allocation that grows is the listener array, and it is
 * capped at CENSUS_MAX_LISTENERS. A second thread of pass 2 (below) has a
 * work and a census of its own, of the same fixed size.
 *
 * Whether a TIME_WAIT socket is the server's or the client's is decided by
 * its local port: a listening port means the host accepted that connection.
 * So the listening ports must be known first, and every source is read in
 * two passes:
 *   pass 1  LISTEN only: record the listeners, set their ports in the
 *           bitmap, count them;
 *   pass 2  every other state: count, classify TIME_WAIT, note CLOSE_WAIT.
 * With netlink, pass 1 is a dump with the state mask 1 << TCP_LISTEN and
 * pass 2 a dump with every other bit; the kernel filters by state before
 * building messages, and a LISTEN-only dump never walks the established
 * table, so pass 1 stays small.
 * With /proc/net/tcp and tcp6 the files are simply read twice.
 *
 * One walk for both families. The kernel keeps IPv4 and IPv6 TCP sockets
 * in one established hash table, and a SOCK_DIAG_BY_FAMILY dump names one
 * family: asking for AF_INET and then AF_INET6 walks the whole table twice,
 * the second walk costing as much as the first even when no IPv6 socket
 * exists. The older request, TCPDIAG_GETSOCK (struct inet_diag_req), dumps
 * with the family unspecified: both families in one walk, a quarter less
 * time at 150k sockets. It is asked for first; if the kernel refuses it,
 * the census is taken again with one SOCK_DIAG_BY_FAMILY dump per family.
 *
 * Two dumps at once. Most of a dump's time is the kernel filling one
 * message per socket, on the CPU of the thread that reads them. With more
 * than one CPU allowed, pass 2 is two dumps on two threads, each on a
 * netlink socket of its own: TIME_WAIT (the bulk on a busy proxy, and the
 * only state that feeds the TIME_WAIT split and the peer counters) here,
 * every other state on the second thread, into its own census, added in
 * after the join. Each dump walks the table, but the messages are shared
 * out: a third less time at 160k sockets, two thirds of them TIME_WAIT.
 *
 * Calling sequence (internal): census_take() -> netlink_take() (both
 * families at once, else per family) or proc_take() -> { listen_socket() |
 * count_socket() } per socket -> work_finish() (sort, top-K) -> free the
 * work.
 *
 * Error handling. Every function returns 0 or a negative errno. A netlink
 * failure is not fatal: the counts taken so far are thrown away and the
 * /proc files are read instead, with the reason kept in fallback_reason.
 * Only -ENOMEM stops the census at once. A line of /proc/net/tcp* that does
 * not parse fails the census with -EBADMSG rather than counting wrongly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "census.h"
#include "conffile.h"
#include "parse.h"
#include "procfs.h"

/* The kernel sizes each dump part by the largest read so far, capped at
   32 KiB (netlink_recvmsg), so a 32 KiB buffer never sees MSG_TRUNC. */
#define CENSUS_RECV_BUF 32768

/* Lines of /proc/net/tcp6 are 178 bytes; anything near this is not ours. */
#define CENSUS_LINE_MAX 512

/* A socket address in binary form: AF_INET uses a[0..3]; unused bytes 0. */
struct census_addr {
	int family;
	unsigned char a[16];
};

/* One socket, as either source describes it. */
struct census_sock {
	unsigned state;
	struct census_addr local, remote;
	unsigned lport, rport;
	unsigned rqueue, wqueue;
	unsigned long long inode;
};

struct topk_counter {
	struct census_addr key;
	unsigned long long count, error;
};

/* Slots of the index of the counters: a power of two, at least twice
   CENSUS_TOP_COUNTERS, so that a probe soon meets an empty slot. */
#define TOPK_SLOT_BITS 9
#define TOPK_SLOTS (1u << TOPK_SLOT_BITS)

/* Space-Saving (Metwally, Agrawal, El Abbadi, 2005) over a fixed set of
   counters: a new item takes over the smallest counter and inherits its
   count as its possible overcount. The counters are found through an open
   addressing index (linear probing) rather than by a scan of all of them:
   TIME_WAIT sockets come in hash-table order, each one a lookup. All zero
   is an empty set. */
struct topk {
	struct topk_counter c[CENSUS_TOP_COUNTERS];
	size_t n;
	bool replaced;	/* more distinct items than counters were seen */
	unsigned short slot[TOPK_SLOTS];	/* counter index + 1; 0: empty */
};

struct census_work {
	struct census *c;
	size_t listeners_cap;
	unsigned char listen_ports[65536 / 8];
	struct topk tw;
	int err;	/* set by the netlink callback before it fails */
	char buf[CENSUS_RECV_BUF];
};

static const char *const state_names[CENSUS_NSTATES] = {
	[CENSUS_ESTABLISHED] = "ESTABLISHED",
	[CENSUS_SYN_SENT] = "SYN_SENT",
	[CENSUS_SYN_RECV] = "SYN_RECV",
	[CENSUS_FIN_WAIT1] = "FIN_WAIT1",
	[CENSUS_FIN_WAIT2] = "FIN_WAIT2",
	[CENSUS_TIME_WAIT] = "TIME_WAIT",
	[CENSUS_CLOSE] = "CLOSE",
	[CENSUS_CLOSE_WAIT] = "CLOSE_WAIT",
	[CENSUS_LAST_ACK] = "LAST_ACK",
	[CENSUS_LISTEN] = "LISTEN",
	[CENSUS_CLOSING] = "CLOSING",
	[CENSUS_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

const char *
census_state_name(unsigned st)
{
	if (st >= CENSUS_NSTATES)
		return NULL;
	return state_names[st];
}

/* Fill *ret from 16 bytes of an IPv6 address. With unmap, an IPv4-mapped
   address (a dual-stack socket talking to an IPv4 peer) becomes IPv4, so a
   peer is one peer whichever socket family reached it. */
static void
addr_from6(const unsigned char *a, bool unmap, struct census_addr *ret)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(ret, 0, sizeof *ret);
	if (unmap && memcmp(a, mapped, sizeof mapped) == 0) {
		ret->family = AF_INET;
		memcpy(ret->a, a + 12, 4);
		return;
	}
	ret->family = AF_INET6;
	memcpy(ret->a, a, 16);
}

static void
addr_from4(const unsigned char *a, struct census_addr *ret)
{
	memset(ret, 0, sizeof *ret);
	ret->family = AF_INET;
	memcpy(ret->a, a, 4);
}

static void
addr_format(const struct census_addr *a, char buf[INET6_ADDRSTRLEN])
{
	/* inet_ntop() cannot fail for a known family and a buffer this size. */
	if (inet_ntop(a->family, a->a, buf, INET6_ADDRSTRLEN) == NULL)
		buf[0] = '\0';
}

static int
addr_cmp(const struct census_addr *x, const struct census_addr *y)
{
	if (x->family != y->family)
		return x->family == AF_INET ? -1 : 1;
	return memcmp(x->a, y->a, sizeof x->a);
}

/* addr_cmp(x, y) == 0, without the ordering: the hot loop of topk_add(). */
static bool
addr_eq(const struct census_addr *x, const struct census_addr *y)
{
	return x->family == y->family && memcmp(x->a, y->a, sizeof x->a) == 0;
}

static size_t
topk_hash(const struct census_addr *a)
{
	uint32_t h = (uint32_t)a->family, w;

	for (size_t i = 0; i < sizeof a->a; i += 4) {
		memcpy(&w, a->a + i, sizeof w);
		h = (h ^ w) * 0x9e3779b1u;
	}
	return h >> (32 - TOPK_SLOT_BITS);
}

/* The slot of a's counter, else the empty slot where it would go. */
static size_t
topk_find(const struct topk *t, const struct census_addr *a)
{
	size_t i = topk_hash(a);

	while (t->slot[i] != 0 && !addr_eq(&t->c[t->slot[i] - 1].key, a))
		i = (i + 1) & (TOPK_SLOTS - 1);
	return i;
}

/* Empty slot i, and move back the entries after it that would no longer
   be found (Knuth, TAOCP vol. 3, 6.4, algorithm R). */
static void
topk_unslot(struct topk *t, size_t i)
{
	size_t j = i;

	t->slot[i] = 0;
	for (;;) {
		size_t home;

		j = (j + 1) & (TOPK_SLOTS - 1);
		if (t->slot[j] == 0)
			return;
		home = topk_hash(&t->c[t->slot[j] - 1].key);
		/* The entry stays where its home lies cyclically in (i, j]. */
		if (i < j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		t->slot[i] = t->slot[j];
		t->slot[j] = 0;
		i = j;
	}
}

static void
topk_add(struct topk *t, const struct census_addr *a)
{
	size_t at = topk_find(t, a), min = 0;

	if (t->slot[at] != 0) {
		t->c[t->slot[at] - 1].count++;
		return;
	}
	if (t->n < CENSUS_TOP_COUNTERS) {
		t->c[t->n].key = *a;
		t->c[t->n].count = 1;
		t->c[t->n].error = 0;
		t->slot[at] = (unsigned short)++t->n;
		return;
	}
	for (size_t i = 1; i < t->n; i++)
		if (t->c[i].count < t->c[min].count)
			min = i;
	t->replaced = true;
	topk_unslot(t, topk_find(t, &t->c[min].key));
	t->c[min].key = *a;
	t->c[min].error = t->c[min].count;
	t->c[min].count++;
	t->slot[topk_find(t, a)] = (unsigned short)(min + 1);
}

static int
topk_cmp(const void *x, const void *y)
{
	const struct topk_counter *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return addr_cmp(&a->key, &b->key);
}

/* Sort the counters (this consumes t: its index no longer matches) and
   keep the first n in ret. */
static size_t
topk_result(struct topk *t, struct census_peer *ret, size_t n)
{
	size_t k = t->n < n ? t->n : n;

	qsort(t->c, t->n, sizeof t->c[0], topk_cmp);
	for (size_t i = 0; i < k; i++) {
		addr_format(&t->c[i].key, ret[i].addr);
		ret[i].count = t->c[i].count;
		ret[i].error = t->c[i].error;
	}
	return k;
}

static void
port_set(unsigned char *bits, unsigned port)
{
	bits[(port & 0xffff) / 8] |= (unsigned char)(1u << (port % 8));
}

static bool
port_isset(const unsigned char *bits, unsigned port)
{
	return (bits[(port & 0xffff) / 8] >> (port % 8)) & 1u;
}

/* Pass 1: a listening socket. */
static int
listen_socket(struct census_work *w, const struct census_sock *s)
{
	struct census *c = w->c;
	struct census_listener *l;

	if (s->state != CENSUS_LISTEN)
		return 0;
	c->state[CENSUS_LISTEN]++;
	c->total++;
	port_set(w->listen_ports, s->lport);
	if (c->nlisteners >= CENSUS_MAX_LISTENERS) {
		c->listeners_truncated = true;
		return 0;
	}
	if (c->nlisteners == w->listeners_cap) {
		size_t cap = w->listeners_cap ? w->listeners_cap * 2 : 16;
		struct census_listener *p;

		if (cap > CENSUS_MAX_LISTENERS)
			cap = CENSUS_MAX_LISTENERS;
		p = realloc(c->listeners, cap * sizeof *p);
		if (p == NULL)
			return -ENOMEM;
		c->listeners = p;
		w->listeners_cap = cap;
	}
	l = &c->listeners[c->nlisteners++];
	memset(l, 0, sizeof *l);
	addr_format(&s->local, l->addr);
	l->family = s->local.family;
	l->port = s->lport;
	l->queue = s->rqueue;
	l->backlog = s->wqueue;
	l->inode = s->inode;
	return 0;
}

static void
close_wait_inode(struct census *c, unsigned long long inode)
{
	if (c->ninodes < CENSUS_MAX_INODES)
		c->close_wait_inodes[c->ninodes++] = inode;
	else
		c->inodes_truncated = true;
}

static void
close_wait_port(struct census *c, unsigned port)
{
	for (size_t i = 0; i < c->nclose_wait_ports; i++)
		if (c->close_wait_ports[i] == port)
			return;
	if (c->nclose_wait_ports < CENSUS_MAX_PORTS)
		c->close_wait_ports[c->nclose_wait_ports++] = port;
	else
		c->close_wait_ports_truncated = true;
}

static void
close_wait_socket(struct census *c, const struct census_sock *s)
{
	if (s->inode != 0)
		close_wait_inode(c, s->inode);
	close_wait_port(c, s->lport);
}

/* Pass 2: count a socket in state st, unless it is a listener (counted
   in pass 1) or st is no state; returns whether it was counted. */
static bool
count_state(struct census *c, unsigned st)
{
	if (st == CENSUS_LISTEN || st == 0 || st >= CENSUS_NSTATES)
		return false;
	c->state[st]++;
	c->total++;
	return true;
}

/* Pass 2: what a TIME_WAIT socket adds besides its count. */
static void
count_time_wait(struct census_work *w, unsigned lport, const struct census_addr *remote)
{
	if (port_isset(w->listen_ports, lport))
		w->c->tw_server++;
	else
		w->c->tw_client++;
	topk_add(&w->tw, remote);
}

/* Pass 2: any socket but a listener (those were counted in pass 1). */
static void
count_socket(struct census_work *w, const struct census_sock *s)
{
	if (!count_state(w->c, s->state))
		return;
	if (s->state == CENSUS_TIME_WAIT)
		count_time_wait(w, s->lport, &s->remote);
	else if (s->state == CENSUS_CLOSE_WAIT)
		close_wait_socket(w->c, s);
}

static int
listener_cmp(const void *x, const void *y)
{
	const struct census_listener *a = x, *b = y;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return strcmp(a->addr, b->addr);
}

static int
port_cmp(const void *x, const void *y)
{
	unsigned a = *(const unsigned *)x, b = *(const unsigned *)y;

	return a < b ? -1 : a > b;
}

static void
work_finish(struct census_work *w)
{
	struct census *c = w->c;

	if (c->nlisteners > 0)
		qsort(c->listeners, c->nlisteners, sizeof c->listeners[0], listener_cmp);
	if (c->nclose_wait_ports > 0)
		qsort(c->close_wait_ports, c->nclose_wait_ports, sizeof c->close_wait_ports[0], port_cmp);
	c->ntw_top = topk_result(&w->tw, c->tw_top, CENSUS_TOP);
	c->tw_top_approximate = w->tw.replaced;
	c->tw_peers = w->tw.n;
}

/* Forget everything counted so far (before falling back). */
static void
work_reset(struct census_work *w)
{
	struct census *c = w->c;

	census_clear(c);
	memset(w, 0, offsetof(struct census_work, buf));
	w->c = c;
}

/* --- netlink sock_diag ------------------------------------------------- */

struct nl_pass {
	struct census_work *w;
	bool listen;
};

/*
 * One message of a dump reply: MNL_CB_OK, or MNL_CB_ERROR with p->w->err
 * set. Of most sockets only the state is wanted: in pass 2 a socket that
 * is neither TIME_WAIT nor CLOSE_WAIT is counted from its state byte, and
 * a TIME_WAIT socket from its local port and remote address, without
 * filling a struct census_sock; at 160k sockets the fill and its calls
 * cost a tenth of the time of the kernel's dump. Counts as count_socket()
 * would.
 */
static int
nl_socket_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_pass *p = data;
	const struct inet_diag_msg *m;
	struct census_sock s;
	unsigned st;
	int r;

	/* A reply carries the type of its request. */
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY && nlh->nlmsg_type != TCPDIAG_GETSOCK)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof *m)) {
		p->w->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	m = NLMSG_DATA(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return MNL_CB_OK;
	st = m->idiag_state;
	if (!p->listen) {
		if (!count_state(p->w->c, st))
			return MNL_CB_OK;
		if (st == CENSUS_TIME_WAIT) {
			struct census_addr remote;

			if (m->idiag_family == AF_INET)
				addr_from4((const unsigned char *)m->id.idiag_dst, &remote);
			else
				addr_from6((const unsigned char *)m->id.idiag_dst, true, &remote);
			count_time_wait(p->w, ntohs(m->id.idiag_sport), &remote);
			return MNL_CB_OK;
		}
		if (st != CENSUS_CLOSE_WAIT)
			return MNL_CB_OK;
	}
	memset(&s, 0, sizeof s);
	s.state = st;
	if (m->idiag_family == AF_INET) {
		addr_from4((const unsigned char *)m->id.idiag_src, &s.local);
		addr_from4((const unsigned char *)m->id.idiag_dst, &s.remote);
	} else {
		addr_from6((const unsigned char *)m->id.idiag_src, false, &s.local);
		addr_from6((const unsigned char *)m->id.idiag_dst, true, &s.remote);
	}
	s.lport = ntohs(m->id.idiag_sport);
	s.rport = ntohs(m->id.idiag_dport);
	s.rqueue = m->idiag_rqueue;
	s.wqueue = m->idiag_wqueue;
	s.inode = m->idiag_inode;
	if (p->listen) {
		if ((r = listen_socket(p->w, &s)) < 0) {
			p->w->err = r;
			return MNL_CB_ERROR;
		}
	} else
		close_wait_socket(p->w->c, &s);
	return MNL_CB_OK;
}

/*
 * The messages of one receive of len bytes at buf: 1 at the end of the
 * dump (NLMSG_DONE), 0 when more are to come, or a negative errno: the
 * kernel's (NLMSG_ERROR), -ESRCH or -EPROTO for a message of another
 * socket or request, -EINTR for a dump the kernel marks inconsistent
 * (NLM_F_DUMP_INTR), or nl_socket_cb()'s. These are the checks of
 * libmnl's mnl_cb_run(), made here so that each message costs no call
 * through a pointer and no library call; a 0 seq or portid matches any.
 * A message that overruns len ends the receive, as there.
 */
static int
nl_messages(struct nl_pass *p, const char *buf, size_t len, unsigned seq, unsigned portid)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	size_t left = len;

	p->w->err = 0;
	while (left >= sizeof *nlh && nlh->nlmsg_len >= sizeof *nlh && nlh->nlmsg_len <= left) {
		size_t step = NLMSG_ALIGN(nlh->nlmsg_len);

		if (nlh->nlmsg_pid != 0 && portid != 0 && nlh->nlmsg_pid != portid)
			return -ESRCH;
		if (nlh->nlmsg_seq != 0 && seq != 0 && nlh->nlmsg_seq != seq)
			return -EPROTO;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			return -EINTR;
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE) {
			if (nl_socket_cb(nlh, p) == MNL_CB_ERROR)
				return p->w->err < 0 ? p->w->err : -EPROTO;
		} else if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		else if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof *e))
				return -EBADMSG;
			/* An acknowledgement (error 0) ends the reply too. */
			if (e->error == 0)
				return 1;
			return e->error < 0 ? e->error : -e->error;
		}
		/* NLMSG_NOOP, NLMSG_OVERRUN: nothing to do. */
		if (step >= left)
			break;
		left -= step;
		nlh = (const struct nlmsghdr *)(const void *)((const char *)nlh + step);
	}
	return 0;
}

/*
 * One dump of the TCP sockets in the states of mask, streamed through
 * w->buf: of family AF_INET or AF_INET6 (SOCK_DIAG_BY_FAMILY), or of both
 * in one walk for AF_UNSPEC (TCPDIAG_GETSOCK, whose dump ignores the
 * request's family).
 */
static int
nl_dump(struct mnl_socket *nl, struct census_work *w, unsigned char family,
    unsigned mask, bool listen, unsigned seq)
{
	struct nl_pass pass = { .w = w, .listen = listen };
	struct nlmsghdr *nlh;
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	nlh = mnl_nlmsg_put_header(w->buf);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (family == AF_UNSPEC) {
		struct inet_diag_req *req;

		nlh->nlmsg_type = TCPDIAG_GETSOCK;
		req = mnl_nlmsg_put_extra_header(nlh, sizeof *req);
		req->idiag_family = AF_INET;
		req->idiag_states = mask;
	} else {
		struct inet_diag_req_v2 *req;

		nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
		req = mnl_nlmsg_put_extra_header(nlh, sizeof *req);
		req->sdiag_family = family;
		req->sdiag_protocol = IPPROTO_TCP;
		req->idiag_states = mask;
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		n = mnl_socket_recvfrom(nl, w->buf, sizeof w->buf);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPROTO;
		r = nl_messages(&pass, w->buf, (size_t)n, seq, portid);
		if (r != 0)
			return r > 0 ? 0 : r;
	}
}

static int
nl_open(struct mnl_socket **ret)
{
	struct mnl_socket *nl;
	int r;

	nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	if (nl == NULL)
		return errno > 0 ? -errno : -EPROTONOSUPPORT;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		/* Never 0: the caller would take nl as opened. */
		r = errno > 0 ? -errno : -EIO;
		mnl_socket_close(nl);
		return r;
	}
	*ret = nl;
	return 0;
}

/* The dumps of the states in mask, one per entry of families[]. */
static int
nl_dumps(struct mnl_socket *nl, struct census_work *w, const unsigned char *families,
    size_t nfamilies, unsigned mask, bool listen, unsigned *seq)
{
	int r;

	for (size_t i = 0; i < nfamilies; i++)
		if ((r = nl_dump(nl, w, families[i], mask, listen, (*seq)++)) < 0)
			return r;
	return 0;
}

/*
 * The second half of pass 2, run on a thread of its own: every state but
 * LISTEN and TIME_WAIT, on its own socket, into its own work and census,
 * so the two threads share nothing while they count.
 */
struct nl_job {
	struct census part;
	struct census_work w;
	const unsigned char *families;
	size_t nfamilies;
	unsigned mask;
	int r;
};

static void *
nl_job_run(void *arg)
{
	struct nl_job *j = arg;
	struct mnl_socket *nl;
	unsigned seq = 1;

	if ((j->r = nl_open(&nl)) < 0)
		return NULL;
	j->r = nl_dumps(nl, &j->w, j->families, j->nfamilies, j->mask, false, &seq);
	mnl_socket_close(nl);
	return NULL;
}

/* Add what the job counted to c. Its states exclude LISTEN and TIME_WAIT,
   so it has no listener, no TIME_WAIT split and no peer to add. */
static void
census_merge(struct census *c, const struct census *part)
{
	for (size_t i = 0; i < CENSUS_NSTATES; i++)
		c->state[i] += part->state[i];
	c->total += part->total;
	for (size_t i = 0; i < part->ninodes; i++)
		close_wait_inode(c, part->close_wait_inodes[i]);
	c->inodes_truncated = c->inodes_truncated || part->inodes_truncated;
	for (size_t i = 0; i < part->nclose_wait_ports; i++)
		close_wait_port(c, part->close_wait_ports[i]);
	c->close_wait_ports_truncated = c->close_wait_ports_truncated ||
	    part->close_wait_ports_truncated;
}

/* Whether this thread may run on more than one CPU. A machine with more
   CPUs than a cpu_set_t holds fails the call: its online count answers. */
static bool
several_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set) > 1;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/*
 * Both passes over netlink: in one walk for both families (AF_UNSPEC), or
 * one walk per family (by_family). With split, pass 2 runs as two dumps at
 * once, TIME_WAIT on this thread and every other state on a second one;
 * without a thread to be had, one after the other. With listen_only, pass
 * 1 alone: the listeners.
 */
static int
netlink_take(struct census_work *w, bool by_family, bool split, bool listen_only)
{
	static const unsigned char both[] = { AF_UNSPEC };
	static const unsigned char each[] = { AF_INET, AF_INET6 };
	const unsigned char *families = by_family ? each : both;
	size_t nfamilies = by_family ? sizeof each : sizeof both;
	const unsigned listen_mask = 1u << CENSUS_LISTEN;
	const unsigned tw_mask = 1u << CENSUS_TIME_WAIT;
	/* Bits 1..12; bit 0 is no state. */
	const unsigned other_mask = (((1u << CENSUS_NSTATES) - 1) & ~1u) & ~listen_mask;
	struct mnl_socket *nl;
	struct nl_job *job;
	pthread_t thread;
	bool threaded;
	unsigned seq = 1;
	int r;

	if ((r = nl_open(&nl)) < 0)
		return r;
	if ((r = nl_dumps(nl, w, families, nfamilies, listen_mask, true, &seq)) < 0 ||
	    listen_only)
		goto out;
	if (!split) {
		r = nl_dumps(nl, w, families, nfamilies, other_mask, false, &seq);
		goto out;
	}
	if ((job = calloc(1, sizeof *job)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	job->w.c = &job->part;
	job->families = families;
	job->nfamilies = nfamilies;
	job->mask = other_mask & ~tw_mask;
	threaded = pthread_create(&thread, NULL, nl_job_run, job) == 0;
	if (!threaded)
		(void)nl_job_run(job);
	r = nl_dumps(nl, w, families, nfamilies, tw_mask, false, &seq);
	if (threaded)
		(void)pthread_join(thread, NULL);
	if (r == 0)
		r = job->r;
	if (r == 0)
		census_merge(w->c, &job->part);
	census_clear(&job->part);
	free(job);
out:
	mnl_socket_close(nl);
	return r;
}

/* --- /proc/net/tcp and tcp6 -------------------------------------------- */

/* "0100007F:1F90" (IPv4) or 32 hex digits + ":" + port (IPv6). The kernel
   prints each 32-bit word of the address, as stored (network order), with
   %08X: reading the word back into host order and storing it as is gives
   the bytes back on either endianness. */
static int
proc_addr(const char *tok, int family, bool unmap, struct census_addr *ret,
    unsigned *ret_port)
{
	size_t words = family == AF_INET ? 1 : 4;
	unsigned char bytes[16];
	unsigned long long v;

	if (strlen(tok) != words * 8 + 5 || tok[words * 8] != ':')
		return -EBADMSG;
	for (size_t i = 0; i < words; i++) {
		uint32_t word;

		if (parse_hex(tok + i * 8, 8, &v) < 0)
			return -EBADMSG;
		word = (uint32_t)v;
		memcpy(bytes + i * 4, &word, 4);
	}
	if (parse_hex(tok + words * 8 + 1, 4, &v) < 0)
		return -EBADMSG;
	*ret_port = (unsigned)v;
	if (family == AF_INET)
		addr_from4(bytes, ret);
	else
		addr_from6(bytes, unmap, ret);
	return 0;
}

/*
 * One data line:
 *   sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt
 *   uid timeout inode ...
 * TIME_WAIT and SYN_RECV lines stop after a few more columns than inode;
 * full sockets carry more. The line is split in place.
 */
static int
proc_line(char *line, int family, struct census_sock *ret)
{
	char *tok[10], *save = NULL, *t;
	size_t n = 0;
	unsigned long long v;
	long long inode;

	for (t = strtok_r(line, " \t\n", &save); t != NULL && n < 10;
	    t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	if (n < 10)
		return -EBADMSG;
	if (tok[0][0] == '\0' || tok[0][strlen(tok[0]) - 1] != ':')
		return -EBADMSG;
	memset(ret, 0, sizeof *ret);
	if (proc_addr(tok[1], family, false, &ret->local, &ret->lport) < 0 ||
	    proc_addr(tok[2], family, true, &ret->remote, &ret->rport) < 0)
		return -EBADMSG;
	if (strlen(tok[3]) != 2 || parse_hex(tok[3], 2, &v) < 0)
		return -EBADMSG;
	ret->state = (unsigned)v;
	/* tx_queue:rx_queue; for a listener rx_queue is the accept queue. */
	if (strlen(tok[4]) != 17 || tok[4][8] != ':' ||
	    parse_hex(tok[4] + 9, 8, &v) < 0)
		return -EBADMSG;
	ret->rqueue = (unsigned)v;
	if (parse_ll(tok[9], 0, LLONG_MAX, &inode, NULL) < 0)
		return -EBADMSG;
	ret->inode = (unsigned long long)inode;
	return 0;
}

/* One pass over ROOT/proc/net/tcp or tcp6; *ret_found is false if the file
   does not exist. */
static int
proc_file(struct census_work *w, const char *root, const char *rel,
    int family, bool listen, bool *ret_found)
{
	char line[CENSUS_LINE_MAX];
	struct census_sock s;
	unsigned long lineno = 0;
	FILE *f = NULL;
	int r;

	*ret_found = false;
	/* Inside the root, a regular file, never blocking. */
	if ((r = conffile_fopen(root, rel, 0, &f)) < 0) {
		r = r == -ENOENT ? 0 : r;
		goto out;
	}
	*ret_found = true;
	while (fgets(line, sizeof line, f) != NULL) {
		size_t len = strlen(line);

		if (len == sizeof line - 1 && line[len - 1] != '\n') {
			r = -EBADMSG;
			goto out;
		}
		if (++lineno == 1) {
			if (strstr(line, "local_address") == NULL) {
				r = -EBADMSG;
				goto out;
			}
			continue;
		}
		if ((r = proc_line(line, family, &s)) < 0)
			goto out;
		if (listen)
			r = listen_socket(w, &s);
		else
			count_socket(w, &s);
		if (r < 0)
			goto out;
	}
	r = ferror(f) ? -EIO : 0;
out:
	if (f != NULL)
		fclose(f);
	return r;
}

static int
proc_take(struct census_work *w, const char *root)
{
	static const struct {
		const char *name;
		int family;
	} files[] = {
		{ "tcp", AF_INET },
		{ "tcp6", AF_INET6 },
	};
	bool found, any = false;
	char rel[64];
	int r;

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
			r = proc_file(w, root, procfs_net_path(root, files[i].name, rel,
			    sizeof rel), files[i].family,
			    /* listen= */ pass == 0, &found);
			if (r < 0)
				return r;
			any = any || found;
		}
	return any ? 0 : -ENOENT;
}

/* --- public ------------------------------------------------------------- */

bool
census_root_is_live(const char *root)
{
	return procfs_root_is_live(root);
}

/* The number after "name " on the line of sockstat text starting with
   proto; -1 if not there. */
static long long
sockstat_field(const char *text, const char *proto, const char *name)
{
	const char *l = text, *p;
	size_t pl = strlen(proto), nl = strlen(name);

	while (l != NULL && strncmp(l, proto, pl) != 0)
		if ((l = strchr(l, '\n')) != NULL)
			l++;
	if (l == NULL)
		return -1;
	for (p = l + pl; *p != '\0' && *p != '\n'; p++)
		if (p[-1] == ' ' && strncmp(p, name, nl) == 0 && p[nl] == ' ')
			return strtoll(p + nl + 1, NULL, 10);
	return -1;
}

/* Whether the calling thread's network namespace has no TCP socket, as
   its sockstat and sockstat6 count them. False when unsure. */
static bool
no_tcp_socket(void)
{
	char *v4 = NULL, *v6 = NULL;
	size_t n;
	bool none;

	if (procfs_read_path("/proc/thread-self/net/sockstat", 4096, &v4, &n) < 0)
		return false;
	none = sockstat_field(v4, "TCP: ", "inuse") == 0 &&
	    sockstat_field(v4, "TCP: ", "tw") == 0;
	/* No sockstat6: a kernel without IPv6, which has no TCP6 socket. */
	if (none && procfs_read_path("/proc/thread-self/net/sockstat6", 4096, &v6, &n) == 0)
		none = sockstat_field(v6, "TCP6: ", "inuse") == 0;
	free(v4);
	free(v6);
	return none;
}

static int
take(const char *root, bool listen_only, struct census *ret)
{
	struct census_work *w;
	int r;

	memset(ret, 0, sizeof *ret);
	w = calloc(1, sizeof *w);
	if (w == NULL)
		return -ENOMEM;
	w->c = ret;

	if (census_root_is_live(root) && no_tcp_socket()) {
		ret->netlink = ret->none = true;
		goto done;
	}
	if (census_root_is_live(root)) {
		bool split = several_cpus();

		r = netlink_take(w, false, split, listen_only);
		if (r < 0 && r != -ENOMEM) {
			/* The one-walk request refused: count per family. */
			work_reset(w);
			r = netlink_take(w, true, split, listen_only);
		}
		if (r == 0) {
			ret->netlink = true;
			goto done;
		}
		if (r == -ENOMEM)
			goto out;
		work_reset(w);
		/* A cut reason still names the cause: truncation is fine. */
		(void)snprintf(ret->fallback_reason, sizeof ret->fallback_reason,
		    "netlink sock_diag unavailable: %s", strerror(-r));
	} else
		(void)snprintf(ret->fallback_reason, sizeof ret->fallback_reason,
		    "--root given");
	if ((r = proc_take(w, root)) < 0)
		goto out;
done:
	work_finish(w);
	r = 0;
out:
	if (r < 0)
		census_clear(ret);
	free(w);
	return r;
}

int
census_take(const char *root, struct census *ret)
{
	return take(root, false, ret);
}

int
census_listeners(const char *root, struct census *ret)
{
	return take(root, true, ret);
}

void
census_clear(struct census *c)
{
	if (c == NULL)
		return;
	free(c->listeners);
	memset(c, 0, sizeof *c);
}
