/*
 * qdisc: the queueing disciplines of this network namespace's devices,
 * over rtnetlink (RTM_GETQDISC), to tell which ones net.core.default_qdisc
 * has not reached: the kernel attaches the default qdisc when a device is
 * activated, and a later change of default_qdisc leaves it as it is.
 */
#ifndef TCPADVISE_QDISC_H
#define TCPADVISE_QDISC_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

struct qdisc_entry {
	char dev[IF_NAMESIZE];	/* "" when the index has no name any more */
	char kind[16];		/* TCA_KIND: "fq_codel", "pfifo_fast", "mq", ... */
	unsigned handle;	/* tcm_handle: major 0 for one the kernel attached */
	unsigned parent;	/* tcm_parent: TC_H_ROOT for a root qdisc */
};

/*
 * Every qdisc of the caller's network namespace, in dump order, into a
 * malloc'ed *ret (free() it). Returns 0, or a negative errno (socket,
 * permission, -ENOMEM, -EPROTO for a malformed answer).
 */
int qdisc_list(struct qdisc_entry **ret, size_t *n);

/*
 * Whether q is a qdisc the kernel attached by default (handle major 0,
 * not the mq/noqueue a device's layout calls for) of another kind than
 * default_qdisc: one that predates default_qdisc's value.
 */
bool qdisc_predates(const struct qdisc_entry *q, const char *default_qdisc);

#endif
