/*
 * recommend: which profile fits a host, from what it runs and how its
 * sockets behave: the programs behind the listening sockets, TIME_WAIT by
 * side and by peer, how the host is connected (uplinks, forwarding,
 * container) and how often it retransmits.
 *
 * Owns: struct recommendation (fixed arrays: nothing to free).
 * Never: reads the system, prints or exits. recommend() is a pure
 * function of struct recommend_input, so each rule is tested on made-up
 * evidence (tests/unit/test_recommend.c).
 *
 * The decision, first match wins:
 *   proxy     a proxy or load balancer (haproxy, envoy, traefik, squid,
 *             varnishd) listens; or a web server does and the host closes
 *             at least RECOMMEND_OUT_MIN connections as the client, no
 *             fewer than it closes as the server (connections to upstreams)
 *   nginx     a web server (nginx, apache2, httpd, caddy, lighttpd, h2o)
 *             listens on 80, 443, 8080 or 8443
 *   crawler   no web server or proxy; at least RECOMMEND_OUT_MIN client-side
 *             TIME_WAIT sockets, four times the server-side ones, towards at
 *             least RECOMMEND_PEERS_MANY distinct addresses
 *   baseline  anything else
 * Additions are offered as alternatives, never in the first answer:
 *   hardening  one uplink, routes known, no forwarding (ip_forward and IPv6
 *              forwarding 0), no container network, not a container or a
 *              Kubernetes node
 *   bbr        at least RECOMMEND_RETRANS_PERMILLE per mille of the segments
 *              sent since boot were retransmitted (over at least
 *              RECOMMEND_SEGS_MIN segments) and the kernel can provide bbr
 * A web port held by a process that could not be identified offers nginx
 * as an alternative.
 */
#ifndef TCPADVISE_RECOMMEND_H
#define TCPADVISE_RECOMMEND_H

#include <stdbool.h>
#include <stddef.h>

#include "census.h"
#include "host.h"
#include "procs.h"

#define RECOMMEND_OUT_MIN 200		/* client-side TIME_WAIT worth a word */
#define RECOMMEND_PEERS_MANY 50		/* distinct TIME_WAIT peers: "many hosts" */
#define RECOMMEND_RETRANS_PERMILLE 10	/* 1 % of segments retransmitted */
#define RECOMMEND_SEGS_MIN 10000	/* segments sent before a ratio means anything */

#define RECOMMEND_TEXT_MAX 384
#define RECOMMEND_MAX_REASONS 8
#define RECOMMEND_MAX_ALTS 4

struct recommend_input {
	const struct census *census;		/* listeners and TIME_WAIT; required */
	const struct procs_owner *owners;	/* owners[i]: census->listeners[i]'s
						   process; NULL: none known */
	size_t unreadable;			/* processes whose fds could not be read */
	const struct host_facts *facts;		/* NULL: unknown */
	int ip_forward;				/* net.ipv4.ip_forward; -1 unknown */
	int ipv6_forwarding;			/* net.ipv6.conf.all.forwarding; -1 unknown */
	long long out_segs;			/* Tcp OutSegs since boot; -1 unknown */
	long long retrans_segs;			/* Tcp RetransSegs since boot; -1 unknown */
	enum host_avail bbr;			/* whether the kernel can provide bbr */
};

/* One reason: why, in plain words, and what was seen, with its numbers.
   Both may hold process names as the processes gave them: escape to show. */
struct recommend_reason {
	char text[RECOMMEND_TEXT_MAX];
	char evidence[RECOMMEND_TEXT_MAX];
};

struct recommend_alt {
	char profile[64];			/* a --profile value: "nginx,hardening" */
	struct recommend_reason reason;
};

struct recommendation {
	const char *profile;			/* static: "proxy", "nginx", "crawler",
						   "baseline" */
	struct recommend_reason reasons[RECOMMEND_MAX_REASONS];
	size_t nreasons;
	struct recommend_alt alts[RECOMMEND_MAX_ALTS];
	size_t nalts;
};

/* Decide for in (see above) into *ret, which is cleared first. */
void recommend(const struct recommend_input *in, struct recommendation *ret);

/* What kind of program a process name is: "web server", "proxy" or NULL. */
const char *recommend_kind(const char *comm);

#endif
