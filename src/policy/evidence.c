/*
 * evidence: findings from socket states and TCP counters; see evidence.h.
 *
 * The thresholds are deliberately conservative: a finding of kind evidence
 * says that the system shows the symptom now (or showed it since its
 * network namespace was created, without --interval), and names the
 * remedy that fits the side it is seen on. The remedies never include
 * tcp_tw_recycle or a lower tcp_max_tw_buckets: both trade the symptom for
 * dropped or corrupted connections.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"

#define TW_SERVER_NOTABLE	1000	/* server-side TIME_WAIT worth a word */
#define CLOSE_WAIT_WARN		10
#define SYN_RECV_FLOOD		128	/* the default listen backlog of many servers */

long long
evidence_counter(const struct evidence_input *in, const char *group,
    const char *name)
{
	bool found = false;
	long long now, before;

	if (in->now == NULL)
		return 0;
	now = counters_get(in->now, group, name, &found);
	if (!found)
		return 0;
	if (in->before == NULL)
		return now;
	before = counters_get(in->before, group, name, &found);
	return found && now >= before ? now - before : 0;
}

/* The first field of a live sysctl value, or -1 when unknown. */
static long long
sysctl_int(const struct snapshot *s, const char *key, unsigned field)
{
	const struct snapshot_key *k = s ? snapshot_key(s, key) : NULL;

	if (k == NULL || !k->live_ok || field >= k->live_value.nfields)
		return -1;
	return k->live_value.field[field];
}

/* Append an item to a comma-separated list in buf; an item that does not
   fit is left out whole. */
static void list_add(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
list_add(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	size_t start = *len, at = start > 0 ? start + 2 : start;
	va_list ap;
	int w;

	if (at >= size)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + at, size - at, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= size - at) {
		buf[start] = '\0';
		return;
	}
	if (start > 0)
		memcpy(buf + start, ", ", 2);
	*len = at + (size_t)w;
}

static const char *
since(const struct evidence_input *in)
{
	return in->before != NULL ? "during the interval" :
	    "since the network namespace was created";
}

static int
add(struct findings *ret, const char *id, enum severity sev, const char *key,
    const char *live, char *message, const char *reason, const char *source,
    const char *fix)
{
	struct finding f;

	memset(&f, 0, sizeof f);
	remedy_init(&f.remedy);		/* none: the cause is traffic or code */
	f.id = strdup(id);
	f.severity = sev;
	f.kind = KIND_EVIDENCE;
	f.message = message;
	f.key = key ? strdup(key) : NULL;
	f.live = live ? strdup(live) : NULL;
	f.reason = reason ? strdup(reason) : NULL;
	f.source = source ? strdup(source) : NULL;
	f.fix = fix ? strdup(fix) : NULL;
	if ((key && !f.key) || (live && !f.live) || (reason && !f.reason) ||
	    (source && !f.source) || (fix && !f.fix)) {
		finding_clear(&f);
		return -ENOMEM;
	}
	return findings_push(ret, &f);
}

static int
time_wait(const struct evidence_input *in, struct findings *ret)
{
	const struct census *c = in->census;
	long long lo = sysctl_int(in->s, "net.ipv4.ip_local_port_range", 0);
	long long hi = sysctl_int(in->s, "net.ipv4.ip_local_port_range", 1);
	long long range = lo > 0 && hi >= lo ? hi - lo + 1 : 28232;
	int r;

	if (c->tw_server >= TW_SERVER_NOTABLE &&
	    (r = add(ret, "TA-E001", SEV_INFO, NULL, NULL,
	    finding_printf("%llu TIME_WAIT sockets on listening ports: this host closes "
	    "first the connections its clients opened", c->tw_server),
	    "TIME_WAIT stays with whoever closes first, for 60 s; on a server it "
	    "blocks nothing, since new connections come from new client ports. It "
	    "costs about 256 bytes each. If it matters, let clients keep "
	    "connections open (HTTP keep-alive) so fewer are closed. Do not turn "
	    "on tcp_tw_recycle or lower tcp_max_tw_buckets: both drop protection "
	    "against late segments and break clients.",
	    "seeds: phpmianshi.com (2016) and '网络之TIME_WAIT与C_WAIT' (2019) "
	    "count TIME_WAIT with ss/netstat; TCP_TIMEWAIT_LEN in include/net/tcp.h",
	    NULL)) < 0)
		return r;
	if (c->ntw_top > 0 && c->tw_top[0].count * 10 >= (unsigned long long)range &&
	    c->tw_client > 0) {
		bool half = c->tw_top[0].count * 2 >= (unsigned long long)range;
		char peers[512] = "";
		size_t len = 0;

		for (size_t i = 0; i < c->ntw_top && i < 3; i++)
			list_add(peers, sizeof peers, &len, "%s (%llu)", c->tw_top[i].addr,
			    c->tw_top[i].count);
		if ((r = add(ret, "TA-E002", half ? SEV_WARNING : SEV_INFO,
		    "net.ipv4.ip_local_port_range", NULL,
		    finding_printf("%llu TIME_WAIT sockets from connections this host "
		    "opened; most to %s, against %lld ports in the local range",
		    c->tw_client, peers, range),
		    "Each connection to the same destination address and port needs "
		    "its own local port, and it stays in TIME_WAIT for 60 s after this "
		    "host closes; when the range runs out, connect() fails with "
		    "EADDRNOTAVAIL. Reuse connections (keep-alive, pooling), spread "
		    "over more destination addresses or source addresses, widen the "
		    "range (reserving service ports), and on this client side "
		    "tcp_tw_reuse = 1 lets connect() take over a TIME_WAIT port after "
		    "1 s when timestamps are on.",
		    "tcp_twsk_unique() in net/ipv4/tcp_ipv4.c; ip-sysctl.rst on "
		    "ip_local_port_range; commit 79e9fed46038 (Linux 4.18)",
		    "net.ipv4.tcp_tw_reuse = 1")) < 0)
			return r;
	}
	return 0;
}

static int
close_wait(const struct evidence_input *in, struct findings *ret)
{
	unsigned long long n = in->census->state[8];	/* TCP_CLOSE_WAIT */
	char who[1024] = "";
	size_t len = 0;
	char *msg;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < in->nholders && i < 5; i++)
		list_add(who, sizeof who, &len, "pid %d (%s) holds %llu", in->holders[i].pid,
		    in->holders[i].comm, in->holders[i].sockets);
	if (in->nholders > 0)
		msg = finding_printf("%llu sockets in CLOSE_WAIT: the peer closed, the "
		    "application did not: %s%s", n, who, in->unreadable ?
		    " (some processes could not be inspected: run as root)" : "");
	else
		msg = finding_printf("%llu sockets in CLOSE_WAIT: the peer closed, the "
		    "application did not%s", n, in->unreadable ?
		    "; the processes holding them could not be seen (run as root)" : "");
	return add(ret, "TA-E003", n >= CLOSE_WAIT_WARN ? SEV_WARNING : SEV_INFO,
	    NULL, NULL, msg,
	    "A socket stays in CLOSE_WAIT until the application calls close(); no "
	    "sysctl ends it. Piling up means a code path that does not close after "
	    "read() returns 0 or an error, and each one holds a file descriptor and "
	    "its buffers until the process exits. Fix the application.",
	    "seeds: phpmianshi.com (2016) and '网络之TIME_WAIT与C_WAIT' (2019) on "
	    "CLOSE_WAIT as an application bug; RFC 793 state diagram", NULL);
}

/*
 * A listener's accept-queue limit is min(its backlog, somaxconn) taken at
 * listen(): a limit above somaxconn, or equal to the value somaxconn had
 * before it was raised, is the old somaxconn's.
 */
static bool
stale_listener(const struct census_listener *l, long long somaxconn, long long before)
{
	if (l->backlog == 0 || somaxconn <= 0)
		return false;
	return l->backlog > somaxconn ||
	    (before > 0 && before < somaxconn && l->backlog == before);
}

int
evidence_stale_listeners(const struct census *c, long long somaxconn,
    long long before, struct findings *ret)
{
	char list[512] = "";
	size_t len = 0, n = 0;

	for (size_t i = 0; i < c->nlisteners; i++) {
		const struct census_listener *l = &c->listeners[i];

		if (!stale_listener(l, somaxconn, before))
			continue;
		n++;
		list_add(list, sizeof list, &len, "%s:%u (%u)", l->addr, l->port, l->backlog);
	}
	if (n == 0)
		return 0;
	return add(ret, "TA-E009", SEV_INFO, "net.core.somaxconn", NULL,
	    finding_printf("somaxconn %lld is not in effect for %zu listener%s yet: "
	    "their accept-queue limit is the old somaxconn's: %s", somaxconn, n,
	    n == 1 ? "" : "s", list),
	    "listen() caps the accept queue at somaxconn as it is at that moment, "
	    "and the socket keeps that limit: a new somaxconn reaches a listener "
	    "only when listen() is called on it again, which a reload or restart "
	    "of the service that owns it does.",
	    "__sys_listen() in net/socket.c caps the backlog; tcp_diag_get_info() "
	    "in net/ipv4/tcp_diag.c reports the limit as idiag_wqueue; verified "
	    "on 6.18 (a second listen() takes the new somaxconn)", NULL);
}

int
evidence_stale_qdiscs(const struct qdisc_entry *q, size_t n, const char *default_qdisc,
    struct findings *ret)
{
	char list[512] = "";
	size_t len = 0, ndev = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		if (!qdisc_predates(&q[i], default_qdisc))
			continue;
		for (size_t j = 0; j < i && !seen; j++)	/* mq's queues: one device */
			seen = qdisc_predates(&q[j], default_qdisc) &&
			    strcmp(q[j].dev, q[i].dev) == 0 && strcmp(q[j].kind, q[i].kind) == 0;
		if (seen)
			continue;
		ndev++;
		list_add(list, sizeof list, &len, "%s (%s)", q[i].dev[0] ? q[i].dev : "?",
		    q[i].kind);
	}
	if (ndev == 0)
		return 0;
	return add(ret, "TA-E010", SEV_INFO, "net.core.default_qdisc", default_qdisc,
	    finding_printf("default_qdisc %s is not in effect on %zu device%s yet: "
	    "their qdisc was attached before: %s", default_qdisc, ndev,
	    ndev == 1 ? "" : "s", list),
	    "The kernel attaches default_qdisc to a device when it is activated; "
	    "changing default_qdisc later leaves every existing qdisc as it is. "
	    "Replace the root qdisc (`tc qdisc replace dev DEV root KIND`, or "
	    "delete it so that the kernel attaches the default again), or set "
	    "default_qdisc before the interfaces come up (a sysctl.d file read "
	    "early, or the kernel command line).",
	    "attach_default_qdiscs() in net/sched/sch_generic.c; ip-sysctl.rst "
	    "(default_qdisc)", NULL);
}

static int
listeners(const struct evidence_input *in, struct findings *ret)
{
	const struct census *c = in->census;
	long long overflows = evidence_counter(in, "TcpExt", "ListenOverflows");
	long long somaxconn = sysctl_int(in->s, "net.core.somaxconn", 0);
	char full[512] = "", small[512] = "";
	size_t lf = 0, ls = 0;
	int r;

	if ((r = evidence_stale_listeners(c, somaxconn, in->somaxconn_before, ret)) < 0)
		return r;
	for (size_t i = 0; i < c->nlisteners; i++) {
		const struct census_listener *l = &c->listeners[i];

		if (l->backlog > 0 && l->queue >= l->backlog)
			list_add(full, sizeof full, &lf, "%s:%u (%u of %u)", l->addr, l->port,
			    l->queue, l->backlog);
		if (l->backlog > 0 && somaxconn > 0 && l->backlog < somaxconn &&
		    !stale_listener(l, somaxconn, in->somaxconn_before))
			list_add(small, sizeof small, &ls, "%s:%u (%u)", l->addr, l->port,
			    l->backlog);
	}
	if (overflows <= 0 && lf == 0)
		return 0;
	r = add(ret, "TA-E005", SEV_WARNING, "net.core.somaxconn", NULL,
	    lf ? finding_printf("accept queues overflow: %lld ListenOverflows %s; full "
	    "now: %s", overflows, since(in), full) :
	    finding_printf("accept queues overflow: %lld ListenOverflows %s", overflows,
	    since(in)),
	    "A connection whose handshake completed waits in its listener's accept "
	    "queue until the application calls accept(); when the queue is full new "
	    "SYNs and final ACKs are dropped and clients retry after a second or "
	    "more. The queue holds min(the backlog the application passes to "
	    "listen(), somaxconn). Make the application accept faster, or raise "
	    "both its backlog and somaxconn; tcp_abort_on_overflow only turns the "
	    "wait into resets.",
	    "seed: 'TCP连接管理' (2013) on the SYN and accept queues; TcpExt "
	    "ListenOverflows, measured on Linux 6.18", NULL);
	if (r < 0 || ls == 0)
		return r;
	return add(ret, "TA-E008", SEV_INFO, "net.core.somaxconn", NULL,
	    finding_printf("listeners ask for less than somaxconn (%lld): %s", somaxconn,
	    small),
	    "listen() takes the smaller of the application's backlog and somaxconn, "
	    "so raising somaxconn alone does not lengthen these queues: nginx asks "
	    "for 511 unless `listen ... backlog=N` says otherwise. Raise the "
	    "application's backlog, then reload it so that it listens again.",
	    "NGX_LISTEN_BACKLOG in nginx src/os/unix/ngx_linux_config.h; commit "
	    "19f92a030ca6 (Linux 5.4)", NULL);
}

static int
syn_flood(const struct evidence_input *in, struct findings *ret)
{
	unsigned long long synrecv = in->census->state[3] + in->census->state[12];
	long long cookies = evidence_counter(in, "TcpExt", "SyncookiesSent");
	long long drops = evidence_counter(in, "TcpExt", "TCPReqQFullDrop");

	if (synrecv < SYN_RECV_FLOOD || (cookies <= 0 && drops <= 0))
		return 0;
	return add(ret, "TA-E004", SEV_WARNING, "net.ipv4.tcp_syncookies", NULL,
	    finding_printf("%llu connections in SYN_RECV and %lld SYN cookies sent, %lld "
	    "requests dropped %s: a SYN flood, or a listener far behind",
	    synrecv, cookies, drops, since(in)),
	    "Half-open connections fill a listener's request queue, whose length is "
	    "its listen backlog; SYN cookies then answer without keeping state, so "
	    "legitimate clients still get in. Keep tcp_syncookies = 1; raising "
	    "tcp_max_syn_backlog changes nothing while cookies are on.",
	    "tcp_conn_request() in net/ipv4/tcp_input.c, measured on Linux 6.18; "
	    "commit e994b7c901de (Linux 2.6.33)",
	    "net.ipv4.tcp_syncookies = 1");
}

static int
limits(const struct evidence_input *in, struct findings *ret)
{
	const struct counters *c = in->now;
	long long maxtw = sysctl_int(in->s, "net.ipv4.tcp_max_tw_buckets", 0);
	long long maxorph = sysctl_int(in->s, "net.ipv4.tcp_max_orphans", 0);
	long long twover = evidence_counter(in, "TcpExt", "TCPTimeWaitOverflow");
	long long abortmem = evidence_counter(in, "TcpExt", "TCPAbortOnMemory");
	int r;

	if (c == NULL)
		return 0;
	if ((twover > 0 || (c->have_sockstat && maxtw > 0 &&
	    c->tcp_tw * 10 >= maxtw * 9)) &&
	    (r = add(ret, "TA-E006", SEV_WARNING, "net.ipv4.tcp_max_tw_buckets", NULL,
	    finding_printf("%lld sockets in TIME_WAIT against tcp_max_tw_buckets %lld; "
	    "%lld closed without TIME_WAIT %s", c->tcp_tw, maxtw, twover, since(in)),
	    "Past the limit a closing connection skips TIME_WAIT: late segments can "
	    "reach a new connection on the same ports and a retransmitted FIN gets "
	    "a reset. Raise the limit (about 256 bytes each) rather than live with "
	    "it, and reduce how many connections close (keep-alive, pooling).",
	    "ip-sysctl.rst on tcp_max_tw_buckets; TCPTimeWaitOverflow (verified on "
	    "6.18)", NULL)) < 0)
		return r;
	if ((abortmem > 0 || (c->have_sockstat && maxorph > 0 &&
	    c->tcp_orphan * 2 >= maxorph)) &&
	    (r = add(ret, "TA-E007", SEV_WARNING, "net.ipv4.tcp_max_orphans", NULL,
	    finding_printf("%lld orphaned sockets against tcp_max_orphans %lld; %lld "
	    "reset for lack of memory %s", c->tcp_orphan, maxorph, abortmem,
	    since(in)),
	    "Orphans are connections the application has closed while data is still "
	    "queued; beyond the limit, or under memory pressure, they are reset and "
	    "clients get truncated responses. Raise tcp_max_orphans with memory in "
	    "mind (each can hold its send queue), and see whether tcp_mem is "
	    "reached.",
	    "ip-sysctl.rst on tcp_max_orphans; tcp_check_oom() in net/ipv4/tcp.c",
	    NULL)) < 0)
		return r;
	return 0;
}

/* Whether port is in a port list "1-4,10" (ip_local_reserved_ports). */
static bool
port_reserved(const char *list, unsigned port)
{
	for (const char *p = list; p != NULL && *p != '\0'; ) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (end == p)
			return false;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (port >= a && port <= b)
			return true;
		p = *end == ',' ? end + 1 : end;
	}
	return false;
}

/*
 * TA-E011: listeners on ports inside the ephemeral range that no
 * reservation protects: while the service restarts, an outgoing connection
 * can take the port and the service's bind() fails.
 */
static int
ports_in_range(const struct evidence_input *in, struct findings *ret)
{
	const struct census *c = in->census;
	const struct snapshot_key *rk = in->s ? snapshot_key(in->s,
	    "net.ipv4.ip_local_reserved_ports") : NULL;
	const char *reserved = rk != NULL && rk->live_ok ? rk->live_value.str : "";
	long long lo = sysctl_int(in->s, "net.ipv4.ip_local_port_range", 0);
	long long hi = sysctl_int(in->s, "net.ipv4.ip_local_port_range", 1);
	char list[512] = "", csv[400] = "", fix[700];
	unsigned seen[64];
	size_t len = 0, clen = 0, nseen = 0;

	if (lo <= 0 || hi < lo)
		return 0;
	for (size_t i = 0; i < c->nlisteners && nseen < 64; i++) {
		unsigned port = c->listeners[i].port;
		bool dup = false;

		if (port < lo || port > hi || port_reserved(reserved, port))
			continue;
		for (size_t j = 0; j < nseen && !dup; j++)
			dup = seen[j] == port;
		if (dup)
			continue;
		seen[nseen++] = port;
		list_add(list, sizeof list, &len, "%u", port);
		if (clen < sizeof csv) {
			int w = snprintf(csv + clen, sizeof csv - clen, "%s%u", clen ? "," : "",
			    port);

			clen = w > 0 && (size_t)w < sizeof csv - clen ? clen + (size_t)w :
			    sizeof csv;
		}
	}
	if (nseen == 0)
		return 0;
	if (clen >= sizeof csv)
		csv[0] = '\0';		/* too many to name in one line */
	snprintf(fix, sizeof fix, "add the ports to net.ipv4.ip_local_reserved_ports: "
	    "net.ipv4.ip_local_reserved_ports = %s%s%s", reserved,
	    *reserved && *csv ? "," : "", csv);
	return add(ret, "TA-E011", SEV_WARNING, "net.ipv4.ip_local_port_range", NULL,
	    finding_printf("listening ports inside the ephemeral range %lld-%lld, not "
	    "reserved: %s", lo, hi, list),
	    "connect() picks its local port from ip_local_port_range; while a service "
	    "on one of these ports is down (a restart, a deploy), an outgoing "
	    "connection can take the port, and the service fails to bind with "
	    "EADDRINUSE until that connection and its TIME_WAIT are gone. Reserve "
	    "the ports, or move the range or the services.",
	    "ip_local_port_range and ip_local_reserved_ports in ip-sysctl.rst; "
	    "inet_is_local_reserved_port() in include/net/ip.h", fix);
}

/*
 * TA-E012: the connection tracking table nearly full now, or a persisted
 * nf_conntrack_max smaller than what is tracked now.
 */
static int
conntrack(const struct evidence_input *in, struct findings *ret)
{
	long long count = sysctl_int(in->s, "net.netfilter.nf_conntrack_count", 0);
	long long max = sysctl_int(in->s, "net.netfilter.nf_conntrack_max", 0);
	const struct snapshot_key *k = in->s ? snapshot_key(in->s,
	    "net.netfilter.nf_conntrack_max") : NULL;
	long long boot = k != NULL && k->persisted_ok ? k->persisted_value.field[0] : -1;
	const char *reason = "When the table is full the kernel drops the first packet "
	    "of every new connection (\"nf_conntrack: table full, dropping packet\" "
	    "in the kernel log): clients see timeouts, not errors. Size "
	    "nf_conntrack_max to the peak number of connections this host tracks, "
	    "about 300 bytes each, or shorten the timeouts of idle states.";
	const char *source = "nf_conntrack_max and nf_conntrack_count in "
	    "Documentation/networking/nf_conntrack-sysctl.rst";

	if (count <= 0 || max <= 0)
		return 0;
	if (count * 10 >= max * 9)
		return add(ret, "TA-E012", SEV_WARNING, "net.netfilter.nf_conntrack_max",
		    NULL, finding_printf("the connection tracking table is %lld%% full: "
		    "%lld of nf_conntrack_max %lld", count * 100 / max, count, max),
		    reason, source, NULL);
	if (boot > 0 && boot < count)
		return add(ret, "TA-E012", SEV_WARNING, "net.netfilter.nf_conntrack_max",
		    NULL, finding_printf("a reboot would set nf_conntrack_max to %lld, but "
		    "%lld connections are tracked now", boot, count), reason, source, NULL);
	return 0;
}

int
evidence_eval(const struct evidence_input *in, struct findings *ret)
{
	int r = 0;

	if (in->census != NULL &&
	    ((r = time_wait(in, ret)) < 0 || (r = close_wait(in, ret)) < 0 ||
	    (r = listeners(in, ret)) < 0 || (r = syn_flood(in, ret)) < 0 ||
	    (r = ports_in_range(in, ret)) < 0))
		return r;
	if ((r = limits(in, ret)) < 0 || (r = conntrack(in, ret)) < 0)
		return r;
	if (in->qdiscs != NULL) {
		const struct snapshot_key *k = in->s ? snapshot_key(in->s,
		    "net.core.default_qdisc") : NULL;

		if (k != NULL && k->live_ok && (r = evidence_stale_qdiscs(in->qdiscs,
		    in->nqdiscs, k->live, ret)) < 0)
			return r;
	}
	findings_sort(ret);
	return 0;
}
