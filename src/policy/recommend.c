/*
 * recommend: the profile that fits the evidence; see recommend.h.
 *
 * Conservative on purpose: the first answer rests on what a program is
 * (its name, as the process gives it) and on where it listens, or on a
 * TIME_WAIT pattern that only a client produces. What the evidence only
 * suggests (hardening, bbr, a web port whose process is unknown) becomes
 * an alternative with its own reason, for a person to decide.
 *
 * Process names are the processes' own, any bytes: they go into the
 * reasons unchanged and the writers of the output escape them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "recommend.h"

static const char *const web_servers[] = {
	"nginx", "apache2", "httpd", "caddy", "lighttpd", "h2o",
};

static const char *const proxies[] = {
	"haproxy", "envoy", "traefik", "squid", "varnishd",
};

static const unsigned web_ports[] = { 80, 443, 8080, 8443 };

/* A number macro as a string literal, for the fixed texts. */
#define STR_(x) #x
#define STR(x) STR_(x)

/* Listeners named in one piece of evidence; the rest are counted. */
#define LISTED_MAX 4

static bool
in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

const char *
recommend_kind(const char *comm)
{
	if (in_list(web_servers, sizeof web_servers / sizeof web_servers[0], comm))
		return "web server";
	if (in_list(proxies, sizeof proxies / sizeof proxies[0], comm))
		return "proxy";
	return NULL;
}

static bool
is_web_port(unsigned port)
{
	for (size_t i = 0; i < sizeof web_ports / sizeof web_ports[0]; i++)
		if (web_ports[i] == port)
			return true;
	return false;
}

/* Append to buf (printf-style); what does not fit is cut. */
static __attribute__((format(printf, 3, 4))) void
append(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static void
append_addr(char *buf, size_t size, const struct census_listener *l)
{
	if (l->family == AF_INET6)
		append(buf, size, "[%s]:%u", l->addr, l->port);
	else
		append(buf, size, "%s:%u", l->addr, l->port);
}

/* Fill x with text and evidence (NULL: "", to be appended to). */
static struct recommend_reason *
fill(struct recommend_reason *x, const char *text, const char *evidence)
{
	snprintf(x->text, sizeof x->text, "%s", text);
	snprintf(x->evidence, sizeof x->evidence, "%s", evidence ? evidence : "");
	return x;
}

/* A reason for the first answer (the last one is overwritten when the
   list is full: RECOMMEND_MAX_REASONS is above what the rules add). */
static struct recommend_reason *
add_reason(struct recommendation *r, const char *text, const char *evidence)
{
	if (r->nreasons < RECOMMEND_MAX_REASONS)
		r->nreasons++;
	return fill(&r->reasons[r->nreasons - 1], text, evidence);
}

static struct recommend_reason *
add_alt(struct recommendation *r, const char *profile, const char *text,
    const char *evidence)
{
	struct recommend_alt *a;

	if (r->nalts < RECOMMEND_MAX_ALTS)
		r->nalts++;
	a = &r->alts[r->nalts - 1];
	snprintf(a->profile, sizeof a->profile, "%s", profile);
	return fill(&a->reason, text, evidence);
}

static const struct procs_owner *
owner(const struct recommend_input *in, size_t i)
{
	if (in->owners == NULL || in->owners[i].pid == 0)
		return NULL;
	return &in->owners[i];
}

/* Whether listener i is a program of kind (recommend_kind()) where it
   counts: a proxy on any port, a web server on a web port. */
static bool
listener_is(const struct recommend_input *in, size_t i, const char *kind)
{
	const struct procs_owner *o = owner(in, i);
	const char *k;

	if (o == NULL || (k = recommend_kind(o->comm)) == NULL || strcmp(k, kind) != 0)
		return false;
	return strcmp(kind, "proxy") == 0 || is_web_port(in->census->listeners[i].port);
}

/*
 * Describe the listeners of kind into ev: "nginx (pid 812) listens on
 * 0.0.0.0:80 and [::]:443", the first process of that kind with all its
 * listeners, then how many other processes of the kind there are. Returns
 * the index of the first such listener, or -1 when there is none.
 */
static long
describe(const struct recommend_input *in, const char *kind, char *ev, size_t size)
{
	const struct census *c = in->census;
	const struct procs_owner *first = NULL, *o;
	size_t listed = 0, total = 0, shown, others = 0;
	int other_pids[8];
	size_t nother = 0;
	long at = -1;

	ev[0] = '\0';
	for (size_t i = 0; i < c->nlisteners; i++) {
		if (!listener_is(in, i, kind))
			continue;
		o = owner(in, i);
		if (first == NULL) {
			first = o;
			at = (long)i;
		}
		if (o->pid != first->pid) {
			bool seen = false;

			for (size_t k = 0; k < nother; k++)
				seen |= other_pids[k] == o->pid;
			if (!seen) {
				if (nother < sizeof other_pids / sizeof other_pids[0])
					other_pids[nother++] = o->pid;
				others++;
			}
		}
	}
	if (first == NULL)
		return -1;
	for (size_t i = 0; i < c->nlisteners; i++)
		if ((o = owner(in, i)) != NULL && o->pid == first->pid)
			total++;
	shown = total < LISTED_MAX ? total : LISTED_MAX;
	append(ev, size, "%s (pid %d) listens on ", first->comm, first->pid);
	for (size_t i = 0; i < c->nlisteners && listed < shown; i++) {
		o = owner(in, i);
		if (o == NULL || o->pid != first->pid)
			continue;
		/* "a, b and c"; "a, b, c, d and 3 more" */
		if (listed > 0)
			append(ev, size, listed + 1 == shown && total == shown ? " and " : ", ");
		append_addr(ev, size, &c->listeners[i]);
		listed++;
	}
	if (total > shown)
		append(ev, size, " and %zu more", total - shown);
	if (others > 0)
		append(ev, size, "; %zu other %s process%s", others, kind,
		    others == 1 ? "" : "es");
	return at;
}

static void
tw_evidence(const struct census *c, char *ev, size_t size)
{
	append(ev, size, "TIME_WAIT: %llu client side, %llu server side, towards %s%zu "
	    "distinct address%s", c->tw_client, c->tw_server,
	    c->tw_top_approximate ? "more than " : "", c->tw_peers,
	    c->tw_peers == 1 ? "" : "es");
	if (c->ntw_top > 0)
		append(ev, size, " (the most towards %s: %llu)", c->tw_top[0].addr,
		    c->tw_top[0].count);
}

/* The host closes at least RECOMMEND_OUT_MIN connections as the client,
   no fewer than as the server. */
static bool
opens_many(const struct census *c)
{
	return c->tw_client >= RECOMMEND_OUT_MIN && c->tw_client >= c->tw_server;
}

static bool
many_peers(const struct census *c)
{
	return c->tw_top_approximate || c->tw_peers >= RECOMMEND_PEERS_MANY;
}

static void
decide_role(const struct recommend_input *in, struct recommendation *r)
{
	const struct census *c = in->census;
	char proxy_ev[RECOMMEND_TEXT_MAX], web_ev[RECOMMEND_TEXT_MAX];
	bool proxy = describe(in, "proxy", proxy_ev, sizeof proxy_ev) >= 0;
	bool web = describe(in, "web server", web_ev, sizeof web_ev) >= 0;
	struct recommend_reason *x;

	if (proxy) {
		r->profile = "proxy";
		add_reason(r, "a proxy or load balancer listens: it accepts clients and "
		    "connects to upstreams, so it needs the server settings of nginx and "
		    "the client settings of crawler at once", proxy_ev);
		if (web)
			add_reason(r, "a web server listens too; the proxy profile has its "
			    "server settings", web_ev);
		return;
	}
	if (web && opens_many(c)) {
		r->profile = "proxy";
		add_reason(r, "a web server listens on an HTTP port", web_ev);
		x = add_reason(r, "this host also closes many connections as the client, "
		    "at least as many as it closes as the server: a web server that "
		    "connects to upstreams (a reverse proxy) needs the client settings of "
		    "the proxy profile as well", NULL);
		tw_evidence(c, x->evidence, sizeof x->evidence);
		add_alt(r, "nginx", "if the client-side connections are not the web "
		    "server's (TIME_WAIT sockets belong to no process), the server "
		    "settings alone", web_ev);
		return;
	}
	if (web) {
		r->profile = "nginx";
		add_reason(r, "a web server listens on an HTTP port: it terminates many "
		    "short client connections (accept queues, SYN backlog, server-side "
		    "TIME_WAIT)", web_ev);
		if (c->tw_client > 0 || c->tw_server > 0) {
			x = add_reason(r, "no sign of a reverse proxy, which would close at "
			    "least " STR(RECOMMEND_OUT_MIN) " connections as the client, no "
			    "fewer than as the server", NULL);
			tw_evidence(c, x->evidence, sizeof x->evidence);
		}
		return;
	}
	if (c->tw_client >= RECOMMEND_OUT_MIN && c->tw_client >= 4 * c->tw_server &&
	    many_peers(c)) {
		r->profile = "crawler";
		x = add_reason(r, "no known web server or proxy listens, and the host "
		    "closes most of its connections itself as the client, towards many "
		    "hosts: TIME_WAIT and local ports pile up on its side", NULL);
		tw_evidence(c, x->evidence, sizeof x->evidence);
		return;
	}
	r->profile = "baseline";
	x = add_reason(r, "no known web server or proxy listens, and no crawler-like "
	    "outbound traffic (at least " STR(RECOMMEND_OUT_MIN) " client-side "
	    "TIME_WAIT, four times the server-side ones, towards at least "
	    STR(RECOMMEND_PEERS_MANY) " addresses): the hazards and floors that hold "
	    "for every host", NULL);
	append(x->evidence, sizeof x->evidence, "%zu listening socket%s; ",
	    c->nlisteners, c->nlisteners == 1 ? "" : "s");
	tw_evidence(c, x->evidence, sizeof x->evidence);
}

/* A web port whose process could not be found: nginx if it is a web server. */
static void
unknown_web_port(const struct recommend_input *in, struct recommendation *r)
{
	const struct census *c = in->census;
	struct recommend_reason *x = NULL;

	if (strcmp(r->profile, "baseline") != 0 && strcmp(r->profile, "crawler") != 0)
		return;
	for (size_t i = 0; i < c->nlisteners; i++) {
		if (!is_web_port(c->listeners[i].port) || owner(in, i) != NULL)
			continue;
		if (x == NULL) {
			x = add_alt(r, "nginx", in->unreadable > 0 ? "an HTTP port is open "
			    "but the process behind it could not be found (some processes "
			    "could not be inspected: run as root): if it is a web server, the "
			    "nginx profile fits" : "an HTTP port is open but the process "
			    "behind it could not be found: if it is a web server, the nginx "
			    "profile fits", "unknown process listens on ");
		} else {
			append(x->evidence, sizeof x->evidence, ", ");
		}
		append_addr(x->evidence, sizeof x->evidence, &c->listeners[i]);
	}
}

static void
container(const struct recommend_input *in, struct recommendation *r)
{
	const struct host_facts *h = in->facts;
	struct recommend_reason *x;

	if (h == NULL)
		return;
	if (h->container != NULL) {
		x = add_reason(r, "this runs in a container: the keys of its own network "
		    "namespace can be set here, the kernel-wide ones only on the host "
		    "(check and apply say which)", "container: ");
		append(x->evidence, sizeof x->evidence, "%s", h->container);
	}
	if (h->kubernetes) {
		add_reason(r, "a Kubernetes node: its pods have network namespaces of "
		    "their own, which this advice does not reach",
		    "the kubelet's configuration is present");
	}
}

/* An alternative: the first answer with addition composed in ("hardening"
   alone in place of baseline, which every profile extends), with its text
   and its evidence (printf-style). */
static __attribute__((format(printf, 4, 5))) void
add_composed(struct recommendation *r, const char *addition, const char *text,
    const char *fmt, ...)
{
	struct recommend_reason *x;
	char name[64];
	va_list ap;

	if (strcmp(r->profile, "baseline") == 0)
		snprintf(name, sizeof name, "%s", addition);
	else
		snprintf(name, sizeof name, "%s,%s", r->profile, addition);
	x = add_alt(r, name, text, NULL);
	va_start(ap, fmt);
	vsnprintf(x->evidence, sizeof x->evidence, fmt, ap);
	va_end(ap);
}

static void
hardening(const struct recommend_input *in, struct recommendation *r)
{
	const struct host_facts *h = in->facts;

	if (h == NULL || !h->routes_known || h->uplinks != 1 || host_multihomed(h) ||
	    in->ip_forward != 0 || in->ipv6_forwarding > 0 || h->guest_net != NULL ||
	    h->container != NULL || h->kubernetes)
		return;
	add_composed(r, "hardening", "one uplink and no forwarding: strict "
	    "reverse-path filtering, no redirects and no source routing cannot drop "
	    "this host's own traffic", "uplink %s, %u IPv4 and %u IPv6 "
	    "default route%s, net.ipv4.ip_forward = 0%s, no container or VM network",
	    h->uplink_names, h->default_routes4, h->default_routes6,
	    h->default_routes4 + h->default_routes6 == 1 ? "" : "s",
	    in->ipv6_forwarding == 0 ? ", net.ipv6.conf.all.forwarding = 0" : "");
}

static void
bbr(const struct recommend_input *in, struct recommendation *r)
{
	if (in->out_segs < RECOMMEND_SEGS_MIN || in->retrans_segs < 0 ||
	    in->retrans_segs * 1000 < in->out_segs * RECOMMEND_RETRANS_PERMILLE ||
	    (in->bbr != HOST_BUILTIN && in->bbr != HOST_MODULE))
		return;
	add_composed(r, "bbr", "losses are frequent: cubic cuts its rate at each "
	    "one, BBR paces by the bandwidth it measures (try it, and compare "
	    "throughput and retransmissions)", "%.1f %% of the segments sent were "
	    "retransmitted (RetransSegs %lld of OutSegs %lld since boot); tcp_bbr is %s",
	    (double)in->retrans_segs * 100.0 / (double)in->out_segs, in->retrans_segs,
	    in->out_segs, host_avail_name(in->bbr));
}

void
recommend(const struct recommend_input *in, struct recommendation *ret)
{
	memset(ret, 0, sizeof *ret);
	decide_role(in, ret);
	unknown_web_port(in, ret);
	container(in, ret);
	hardening(in, ret);
	bbr(in, ret);
}
