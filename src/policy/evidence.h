/*
 * evidence: findings from what the sockets and counters show, the way the
 * classic diagnosis reads `ss -s` and `netstat -s` before tuning anything
 * (findings of kind `evidence`, ids TA-E001..TA-E008).
 *
 * Owns: the findings it appends.
 * Never: reads anything (census_take(), counters_read() and procs_holders()
 * gather the input), prints, or decides exit statuses.
 *
 * Calling sequence:
 *   struct evidence_input in = { &census, &now, before, seconds, holders,
 *       nholders, unreadable, snapshot };
 *   r = evidence_eval(&in, &findings);
 */
#ifndef TCPADVISE_EVIDENCE_H
#define TCPADVISE_EVIDENCE_H

#include <stddef.h>

#include "census.h"
#include "counters.h"
#include "procs.h"
#include "qdisc.h"
#include "rules.h"
#include "snapshot.h"

struct evidence_input {
	const struct census *census;		/* NULL: no socket census */
	const struct counters *now;		/* NULL: no counters */
	const struct counters *before;		/* NULL: totals; else rates over seconds */
	double seconds;
	const struct procs_holder *holders;	/* who holds the CLOSE_WAIT sockets */
	size_t nholders;
	size_t unreadable;			/* processes whose fds could not be read */
	const struct snapshot *s;		/* the sysctl values (limits); may be NULL */
	long long somaxconn_before;		/* somaxconn before tcpadvise last changed
						   it (history), 0 = unknown */
	const struct qdisc_entry *qdiscs;	/* NULL: not known */
	size_t nqdiscs;
};

/*
 * Append the evidence findings and sort the list again:
 *   TA-E001 info     many TIME_WAIT on listening ports: this host closes
 *                    connections its clients opened (normal; keep-alive)
 *   TA-E002 warning  TIME_WAIT on the client side filling the ephemeral
 *                    range towards one peer (info below half of it)
 *   TA-E003 warning  CLOSE_WAIT sockets: an application does not close them
 *                    (info for fewer than 10), naming the processes
 *   TA-E004 warning  SYN_RECV piling up while SYN cookies are sent: a flood
 *   TA-E005 warning  accept queues overflow (ListenOverflows), or a
 *                    listener's queue is full now
 *   TA-E006 warning  TIME_WAIT at 90 % of tcp_max_tw_buckets, or the table
 *                    overflowed (TCPTimeWaitOverflow)
 *   TA-E007 warning  orphans at half of tcp_max_orphans, or resets for lack
 *                    of memory (TCPAbortOnMemory)
 *   TA-E008 info     a listener's own backlog below somaxconn while accept
 *                    queues overflow (nginx asks for 511)
 *   TA-E009 info     listeners whose accept-queue limit is still an old
 *                    somaxconn's (above the current one, or equal to
 *                    somaxconn_before): not in effect until they listen again
 *   TA-E010 info     devices whose default qdisc predates default_qdisc
 *   TA-E011 warning  listening ports inside ip_local_port_range that
 *                    ip_local_reserved_ports does not hold
 *   TA-E012 warning  the conntrack table 90 % full, or a persisted
 *                    nf_conntrack_max below the connections tracked now
 * With `before`, counter conditions use the increase over the interval
 * rather than the totals since the namespace was created.
 * Returns 0 or -ENOMEM.
 */
int evidence_eval(const struct evidence_input *in, struct findings *ret);

/*
 * TA-E009 alone, for the listeners of c against somaxconn now and the value
 * it had before (0 = unknown): what `apply` reports as not in effect yet.
 * Returns 0 or -ENOMEM.
 */
int evidence_stale_listeners(const struct census *c, long long somaxconn,
    long long before, struct findings *ret);

/*
 * TA-E010 alone: the devices among q whose qdisc the kernel attached before
 * default_qdisc became what it is. Returns 0 or -ENOMEM.
 */
int evidence_stale_qdiscs(const struct qdisc_entry *q, size_t n,
    const char *default_qdisc, struct findings *ret);

/* The counter's increase (interval) or total (no interval); 0 if absent. */
long long evidence_counter(const struct evidence_input *in, const char *group,
    const char *name);

#endif
