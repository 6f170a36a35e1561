/*
 * cmd_states: `tcpadvise states`, the diagnosis before any tuning.
 *
 * Counts sockets per state (netlink sock_diag, counting while the kernel
 * streams, so memory does not grow with the number of sockets), reads the
 * TCP counters, finds who holds CLOSE_WAIT sockets, and says what it all
 * shows (findings of kind evidence). With --interval S the counters are
 * sampled twice, S seconds apart, and shown as rates per second; the
 * socket census is taken at the end. Read-only; exit 0 unless the system
 * cannot be read.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "census.h"
#include "cmd.h"
#include "escape.h"
#include "counters.h"
#include "evidence.h"
#include "procs.h"

/* The TcpExt counters shown in text and Prometheus output (all go to
   JSON). */
static const char *const shown[] = {
	"ListenOverflows", "ListenDrops", "SyncookiesSent", "SyncookiesRecv",
	"SyncookiesFailed", "TCPReqQFullDrop", "TCPReqQFullDoCookies",
	"TCPTimeWaitOverflow", "TCPAbortOnMemory", "TCPAbortOnTimeout",
	"TCPAbortOnData", "TCPAbortOnClose", "EmbryonicRsts", "TWRecycled",
	"TCPMemoryPressures", "TCPSynRetrans", "TCPBacklogDrop", "PAWSEstab",
};

/* The Tcp fields of /proc/net/snmp in Prometheus output. All count but
   CurrEstab, the connections established now; RtoAlgorithm, RtoMin, RtoMax
   and MaxConn are constants of the kernel, not measurements, and are left
   out. */
static const char *const shown_tcp[] = {
	"ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab",
	"InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts", "InCsumErrors",
};

struct states {
	struct census census;
	struct counters before, now;
	bool have_before;
	struct procs_holder *holders;
	size_t nholders, unreadable;
	struct qdisc_entry *qdiscs;
	size_t nqdiscs;
	struct snapshot *s;
	struct findings f;
	unsigned interval;
};

static double
value_of(const struct states *st, const char *group, const char *name, bool *found)
{
	struct evidence_input in = { NULL, &st->now, st->have_before ? &st->before : NULL,
	    st->interval, NULL, 0, 0, NULL, 0, NULL, 0 };
	bool f = false;

	counters_get(&st->now, group, name, &f);
	*found = f;
	if (!f)
		return 0;
	if (!st->have_before)
		return (double)evidence_counter(&in, group, name);
	return (double)evidence_counter(&in, group, name) / st->interval;
}

static void
text(const struct states *st, const struct options *o)
{
	const struct census *c = &st->census;
	struct report_opts ro;

	cmd_report_opts(o, &ro);
	printf("%zu sockets (%s, %s network namespace)\n", (size_t)c->total,
	    c->none ? "sockstat counts none" : c->netlink ? "netlink sock_diag" :
	    "from /proc/net/tcp and tcp6",
	    st->s && st->s->netns_child ? "child" : "init");
	if (!c->netlink && c->fallback_reason[0])
		printf("  (%s)\n", c->fallback_reason);
	for (unsigned i = 1; i < CENSUS_NSTATES; i++)
		if (c->state[i] > 0) {
			printf("  %-12s %10llu", census_state_name(i), c->state[i]);
			if (i == 6)
				printf("   server side %llu, client side %llu",
				    c->tw_server, c->tw_client);
			putchar('\n');
		}
	if (c->ntw_top > 0) {
		printf("TIME_WAIT by remote address:");
		for (size_t i = 0; i < c->ntw_top; i++)
			printf("%s %s (%llu)", i ? "," : "", c->tw_top[i].addr,
			    c->tw_top[i].count);
		putchar('\n');
	}
	if (c->state[8] > 0) {
		printf("CLOSE_WAIT held by:");
		for (size_t i = 0; i < st->nholders; i++) {
			/* The name a process gave itself: escaped. */
			printf("%s pid %d (", i ? "," : "", st->holders[i].pid);
			term_fputs(st->holders[i].comm, stdout);
			printf(") %llu", st->holders[i].sockets);
		}
		if (st->nholders == 0)
			printf(" (not found)");
		if (st->unreadable > 0)
			printf("; %zu processes could not be inspected (run as root)",
			    st->unreadable);
		putchar('\n');
	}
	/* /proc/net/tcp has no backlog: only netlink says how long a queue may
	   grow. */
	for (size_t i = 0; i < c->nlisteners; i++)
		if (c->netlink)
			printf("%s%s:%u queue %u of %u", i ? ", " : "listeners: ",
			    c->listeners[i].addr, c->listeners[i].port,
			    c->listeners[i].queue, c->listeners[i].backlog);
		else
			printf("%s%s:%u queue %u", i ? ", " : "listeners: ",
			    c->listeners[i].addr, c->listeners[i].port,
			    c->listeners[i].queue);
	if (c->nlisteners > 0)
		putchar('\n');
	if (st->now.have_sockstat)
		printf("sockstat: inuse %lld, orphan %lld, tw %lld, alloc %lld, mem %lld "
		    "pages\n", st->now.tcp_inuse, st->now.tcp_orphan, st->now.tcp_tw,
		    st->now.tcp_alloc, st->now.tcp_mem);
	if (st->now.have_netstat) {
		size_t col = 0;

		if (st->have_before)
			printf("TcpExt, per second over %u s:\n", st->interval);
		else
			printf("TcpExt, since the network namespace was created:\n");
		for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
			bool found;
			double v = value_of(st, "TcpExt", shown[i], &found);

			if (!found)
				continue;
			if (st->have_before)
				printf("  %-22s %10.2f", shown[i], v);
			else
				printf("  %-22s %10.0f", shown[i], v);
			if (++col % 2 == 0)
				putchar('\n');
		}
		if (col % 2)
			putchar('\n');
	}
	putchar('\n');
	report_groups(stdout, &ro, &st->f, report_finding_text);
	if (st->f.n == 0)
		printf("nothing to report\n\n");
	printf("summary: %zu critical, %zu warning, %zu info\n", st->f.count[SEV_CRITICAL],
	    st->f.count[SEV_WARNING], st->f.count[SEV_INFO]);
}

static json_t *
counter_group(const struct states *st, const struct counter *list, size_t n,
    const char *group, bool rates)
{
	json_t *o = json_object();

	for (size_t i = 0; o != NULL && i < n; i++) {
		bool found;
		double v = value_of(st, group, list[i].name, &found);

		if (!found)
			continue;
		json_object_set_new(o, list[i].name, rates ? json_real(v) :
		    json_integer(list[i].value));
	}
	return o;
}

static int
json(const struct states *st)
{
	const struct census *c = &st->census;
	json_t *root = json_object(), *states = json_object(), *top = json_array(),
	    *holders = json_array(), *ports = json_array(), *lis = json_array(),
	    *findings = report_findings_json(&st->f), *counters;
	int r = 0;

	if (!root || !states || !top || !holders || !ports || !lis || !findings) {
		r = -ENOMEM;
		goto out;
	}
	for (unsigned i = 1; i < CENSUS_NSTATES; i++)
		json_object_set_new(states, census_state_name(i), json_integer((json_int_t)c->state[i]));
	for (size_t i = 0; i < c->ntw_top; i++)
		json_array_append_new(top, json_pack("{s:s, s:I}", "addr", c->tw_top[i].addr,
		    "count", (json_int_t)c->tw_top[i].count));
	for (size_t i = 0; i < st->nholders; i++)
		json_array_append_new(holders, json_pack("{s:i, s:o, s:I}", "pid",
		    st->holders[i].pid, "comm", report_jstr(st->holders[i].comm), "sockets",
		    (json_int_t)st->holders[i].sockets));
	for (size_t i = 0; i < c->nclose_wait_ports; i++)
		json_array_append_new(ports, json_integer(c->close_wait_ports[i]));
	for (size_t i = 0; i < c->nlisteners; i++)
		json_array_append_new(lis, json_pack("{s:s, s:i, s:i, s:o}", "addr",
		    c->listeners[i].addr, "port", c->listeners[i].port, "queue",
		    c->listeners[i].queue, "backlog", c->netlink ?
		    json_integer(c->listeners[i].backlog) : json_null()));
	counters = json_pack("{s:o, s:o, s:o}",
	    "sockstat", st->now.have_sockstat ? json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
	    "sockets_used", (json_int_t)st->now.sockets_used,
	    "inuse", (json_int_t)st->now.tcp_inuse, "orphan", (json_int_t)st->now.tcp_orphan,
	    "tw", (json_int_t)st->now.tcp_tw, "alloc", (json_int_t)st->now.tcp_alloc,
	    "mem", (json_int_t)st->now.tcp_mem) : json_null(),
	    "TcpExt", counter_group(st, st->now.tcpext, st->now.ntcpext, "TcpExt", false),
	    "Tcp", counter_group(st, st->now.tcp, st->now.ntcp, "Tcp", false));
	json_object_set_new(root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(root, "tool_version", json_string(TCPADVISE_VERSION));
	json_object_set_new(root, "kernel", st->s ? report_jstr(st->s->kernel_release) :
	    json_null());
	json_object_set_new(root, "netns", st->s ? json_string(st->s->netns_child ?
	    "child" : "init") : json_null());
	json_object_set_new(root, "source", json_string(c->netlink ? "netlink" : "proc"));
	json_object_set_new(root, "interval", st->have_before ?
	    json_integer(st->interval) : json_null());
	json_object_set_new(root, "states", states);
	json_object_set_new(root, "total", json_integer((json_int_t)c->total));
	json_object_set_new(root, "time_wait", json_pack("{s:I, s:I, s:o}", "server",
	    (json_int_t)c->tw_server, "client", (json_int_t)c->tw_client, "top", top));
	json_object_set_new(root, "close_wait", json_pack("{s:o, s:I, s:o}", "holders",
	    holders, "unreadable", (json_int_t)st->unreadable, "ports", ports));
	json_object_set_new(root, "listeners", lis);
	json_object_set_new(root, "counters", counters);
	if (st->have_before)
		json_object_set_new(root, "rates", json_pack("{s:o, s:o}",
		    "TcpExt", counter_group(st, st->now.tcpext, st->now.ntcpext, "TcpExt", true),
		    "Tcp", counter_group(st, st->now.tcp, st->now.ntcp, "Tcp", true)));
	json_object_set_new(root, "findings", findings);
	json_object_set_new(root, "summary", report_summary_json(&st->f));
	states = top = holders = ports = lis = findings = NULL;
	r = report_json_write(stdout, root, JSON_INDENT(2));
out:
	json_decref(states);
	json_decref(top);
	json_decref(holders);
	json_decref(ports);
	json_decref(lis);
	json_decref(findings);
	json_decref(root);
	return r;
}

static bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool
is_lower_or_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * One counter of group "TcpExt" or "Tcp" as a Prometheus metric of its own,
 * named tcpadvise_<group>_<name>, in snake_case as the conventions want:
 * an underscore before a capital that follows a small letter or digit, or
 * that starts a word after capitals ("TCPReqQFullDrop" ->
 * tcp_req_q_full_drop, "PAWSEstab" -> paws_estab). A count since the
 * network namespace was created is a counter and ends in _total; a gauge
 * (CurrEstab) does not. Nothing when the kernel does not print it.
 */
static void
prom_counter(const struct states *st, const char *group, const char *name, bool gauge)
{
	char metric[32 + 2 * COUNTERS_NAME_MAX];
	const char *suffix = gauge ? "" : "_total";
	size_t n = 0, len = strlen(name);
	bool found = false;
	long long v = counters_get(&st->now, group, name, &found);
	int nr;

	if (!found)
		return;
	nr = snprintf(metric, sizeof metric, "tcpadvise_%s_",
	    strcmp(group, "Tcp") == 0 ? "tcp" : "tcpext");
	if (nr < 0 || (size_t)nr >= sizeof metric)
		return;
	n = (size_t)nr;
	/* At most two bytes a character: the buffer holds a name of
	   COUNTERS_NAME_MAX-1 bytes. */
	for (size_t i = 0; i < len && n + 2 < sizeof metric; i++) {
		char c = name[i];

		if (is_upper(c) && i > 0 && (is_lower_or_digit(name[i - 1]) ||
		    (is_upper(name[i - 1]) && i + 1 < len && is_lower_or_digit(name[i + 1]))))
			metric[n++] = '_';
		metric[n++] = is_upper(c) ? (char)(c - 'A' + 'a') : c;
	}
	metric[n] = '\0';
	printf("# HELP %s%s %s %s of /proc/net/%s, %s.\n# TYPE %s%s %s\n%s%s %lld\n",
	    metric, suffix, group, name, strcmp(group, "Tcp") == 0 ? "snmp" : "netstat",
	    gauge ? "now" : "since the network namespace was created", metric, suffix,
	    gauge ? "gauge" : "counter", metric, suffix, v);
}

static void
prometheus(const struct states *st)
{
	const struct census *c = &st->census;

	fputs("# HELP tcpadvise_socket_states TCP sockets per state.\n"
	    "# TYPE tcpadvise_socket_states gauge\n", stdout);
	for (unsigned i = 1; i < CENSUS_NSTATES; i++)
		printf("tcpadvise_socket_states{state=\"%s\"} %llu\n",
		    census_state_name(i), c->state[i]);
	fputs("# HELP tcpadvise_time_wait TIME_WAIT sockets by the side that closed "
	    "first.\n# TYPE tcpadvise_time_wait gauge\n", stdout);
	printf("tcpadvise_time_wait{side=\"server\"} %llu\n", c->tw_server);
	printf("tcpadvise_time_wait{side=\"client\"} %llu\n", c->tw_client);
	if (st->now.have_sockstat) {
		fputs("# HELP tcpadvise_sockstat TCP totals of /proc/net/sockstat.\n"
		    "# TYPE tcpadvise_sockstat gauge\n", stdout);
		printf("tcpadvise_sockstat{field=\"inuse\"} %lld\n", st->now.tcp_inuse);
		printf("tcpadvise_sockstat{field=\"orphan\"} %lld\n", st->now.tcp_orphan);
		printf("tcpadvise_sockstat{field=\"tw\"} %lld\n", st->now.tcp_tw);
		printf("tcpadvise_sockstat{field=\"alloc\"} %lld\n", st->now.tcp_alloc);
		printf("tcpadvise_sockstat{field=\"mem\"} %lld\n", st->now.tcp_mem);
	}
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
		prom_counter(st, "TcpExt", shown[i], false);
	for (size_t i = 0; i < sizeof shown_tcp / sizeof shown_tcp[0]; i++)
		prom_counter(st, "Tcp", shown_tcp[i], strcmp(shown_tcp[i], "CurrEstab") == 0);
	if (st->nholders > 0) {
		fputs("# HELP tcpadvise_close_wait_holder CLOSE_WAIT sockets held by a "
		    "process.\n# TYPE tcpadvise_close_wait_holder gauge\n", stdout);
		for (size_t i = 0; i < st->nholders; i++) {
			printf("tcpadvise_close_wait_holder{pid=\"%d\",comm=\"",
			    st->holders[i].pid);
			report_prom_label(stdout, st->holders[i].comm);
			printf("\"} %llu\n", st->holders[i].sockets);
		}
	}
	report_prom_findings(stdout, "tcpadvise_evidence_finding",
	    "Evidence findings of the last tcpadvise states", &st->f);
	fputs("# HELP tcpadvise_states_timestamp_seconds When the last census ran.\n"
	    "# TYPE tcpadvise_states_timestamp_seconds gauge\n", stdout);
	printf("tcpadvise_states_timestamp_seconds %lld\n", (long long)time(NULL));
}

int
cmd_states(const struct options *o)
{
	struct states st;
	struct evidence_input in;
	int status = TA_EXIT_SYSTEM, r;

	memset(&st, 0, sizeof st);
	st.interval = o->interval;
	/* The sysctl limits the evidence is measured against; best effort. */
	if ((r = cmd_snapshot(o, &st.s)) < 0 && r != -ENOENT && r != -ENODATA &&
	    r != -ENOTUNIQ) {
		status = cmd_snapshot_error(o, r);
		goto out;
	}
	if (o->interval > 0) {
		if ((r = counters_read(o->root, &st.before)) < 0) {
			cmd_error(o, "cannot read the TCP counters: %s", strerror(-r));
			goto out;
		}
		st.have_before = true;
		sleep(o->interval);
	}
	if ((r = counters_read(o->root, &st.now)) < 0) {
		cmd_error(o, "cannot read the TCP counters: %s", strerror(-r));
		goto out;
	}
	if ((r = census_take(o->root, &st.census)) < 0) {
		status = cmd_census_error(o, r);
		goto out;
	}
	if (st.census.ninodes > 0 &&
	    (r = procs_holders(o->root, st.census.close_wait_inodes, st.census.ninodes,
	    &st.holders, &st.nholders, &st.unreadable)) < 0) {
		cmd_error(o, "cannot look for the processes holding CLOSE_WAIT sockets: %s",
		    strerror(-r));
		goto out;
	}
	memset(&in, 0, sizeof in);
	in.census = &st.census;
	in.now = &st.now;
	in.before = st.have_before ? &st.before : NULL;
	in.seconds = o->interval;
	in.holders = st.holders;
	in.nholders = st.nholders;
	in.unreadable = st.unreadable;
	in.s = st.s;
	in.somaxconn_before = apply_history_before(o->root, "net.core.somaxconn");
	if (census_root_is_live(o->root) && qdisc_list(&st.qdiscs, &st.nqdiscs) == 0) {
		in.qdiscs = st.qdiscs;
		in.nqdiscs = st.nqdiscs;
	}
	if (evidence_eval(&in, &st.f) < 0) {
		cmd_error(o, "out of memory");
		goto out;
	}
	switch (o->format) {
	case FORMAT_JSON:
		if ((r = json(&st)) < 0) {
			cmd_error(o, r == -ENOMEM ? "out of memory" :
			    "cannot write the states: %s", strerror(-r));
			goto out;
		}
		break;
	case FORMAT_PROMETHEUS:
		prometheus(&st);
		break;
	case FORMAT_TEXT:
	default:		/* main() let no other format through */
		text(&st, o);
		break;
	}
	status = TA_EXIT_OK;
out:
	findings_clear(&st.f);
	free(st.holders);
	free(st.qdiscs);
	census_clear(&st.census);
	snapshot_free(st.s);
	return status;
}
