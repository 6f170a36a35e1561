/*
 * ifconf: the IPv4 conf settings as each interface really has them.
 *
 * The kernel never uses net.ipv4.conf.all.X alone: for every interface it
 * combines conf.all.X with the interface's own conf.IF.X, a different way
 * per setting (the IN_DEV_* macros of include/linux/inetdevice.h):
 *   rp_filter            the larger of all and IF    (IN_DEV_MAXCONF)
 *   send_redirects       all OR IF                   (IN_DEV_ORCONF)
 *   secure_redirects     all OR IF
 *   log_martians         all OR IF
 *   accept_source_route  all AND IF                  (IN_DEV_ANDCONF)
 *   accept_redirects     all AND IF on an interface that forwards
 *                        (its own conf.IF.forwarding), else all OR IF
 *                        (IN_DEV_RX_REDIRECTS)
 * So conf.all.send_redirects = 0 does not stop an interface whose own
 * value is 1 from sending redirects. This module judges the effective
 * value of every interface of the snapshot:
 *   TA-I001  (the setting's severity) a profile asks conf.all.X = v, and
 *            an interface's own value keeps the effective value from
 *            meeting it, even once conf.all (and conf.default) have the
 *            profile's value
 *   TA-I002  warning: strict reverse-path filtering (effective 1) on an
 *            interface of a multihomed host while conf.all.rp_filter is
 *            not 1 (that case is TA-H032's)
 * Both are hazards: a live state that defeats the profile or breaks
 * traffic, with a fix; the fix (set the interface's own key) is not one
 * `apply` carries out, since apply writes only keys of the catalog, so the
 * remedy is marked not fixable, with the lines to use by hand.
 *
 * An interface whose value equals conf.default's is taken to follow
 * conf.default: writing conf.default.X copies it to every interface that
 * never had X written on its own (devinet_copy_dflt_conf() in
 * net/ipv4/devinet.c), so the fix of conf.default reaches it. /proc does
 * not show which interfaces were written, so an interface set on its own
 * to conf.default's current value is judged as following it.
 *
 * Owns: the findings it appends.
 * Never: reads, prints or writes.
 */
#ifndef TCPADVISE_IFCONF_H
#define TCPADVISE_IFCONF_H

#include <stdbool.h>

#include "profile.h"
#include "rules.h"
#include "snapshot.h"

/*
 * The value the kernel uses on an interface for parameter p, from
 * conf.all's value `all`, the interface's own `dev` and whether the
 * interface forwards (its conf.IF.forwarding; accept_redirects only).
 * Boolean combinations give 0 or 1. IFCONF_FORWARDING is the interface's
 * own value (IN_DEV_FORWARD()).
 */
long long ifconf_effective(enum ifconf_param p, long long all, long long dev,
    bool forwarding);

/* How the kernel combines p, as words: "the larger of", "either of",
   "both of", "the interface's own". */
const char *ifconf_combination(enum ifconf_param p);

/*
 * Append TA-I001 and TA-I002 for the interfaces of s (none for a snapshot
 * without live values) judged by profile p. fragment is where remedies
 * would set values (policy_opts). Returns 0 or -ENOMEM.
 */
int ifconf_eval(const struct profile *p, const struct snapshot *s,
    const char *fragment, struct findings *ret);

#endif
