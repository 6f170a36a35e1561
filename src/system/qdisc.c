/*
 * qdisc: see qdisc.h.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "qdisc.h"

/* A dump answer per recv(): the kernel fills up to 32 KiB (as libmnl's
   MNL_SOCKET_DUMP_SIZE advises, which older libmnl lacks). */
#define QDISC_RECV_BUF 32768

struct dump {
	struct qdisc_entry *v;
	size_t n, alloc;
	int err;
};

static int
attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **kind = data;

	if (mnl_attr_get_type(a) == TCA_KIND &&
	    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		*kind = a;
	return MNL_CB_OK;
}

static int
msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	const struct tcmsg *t;
	const struct nlattr *kind = NULL;
	struct qdisc_entry *q;

	if (nlh->nlmsg_type != RTM_NEWQDISC)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof *t) {
		d->err = -EPROTO;
		return MNL_CB_ERROR;
	}
	t = mnl_nlmsg_get_payload(nlh);
	if (mnl_attr_parse(nlh, sizeof *t, attr_cb, &kind) < 0 || kind == NULL)
		return MNL_CB_OK;	/* nothing to judge without a kind */
	if (d->n == d->alloc) {
		size_t na = d->alloc ? 2 * d->alloc : 16;
		struct qdisc_entry *nv = realloc(d->v, na * sizeof *nv);

		if (nv == NULL) {
			d->err = -ENOMEM;
			return MNL_CB_ERROR;
		}
		d->v = nv;
		d->alloc = na;
	}
	q = &d->v[d->n++];
	memset(q, 0, sizeof *q);
	if (if_indextoname((unsigned)t->tcm_ifindex, q->dev) == NULL)
		q->dev[0] = '\0';
	strncpy(q->kind, mnl_attr_get_str(kind), sizeof q->kind - 1);
	q->handle = t->tcm_handle;
	q->parent = t->tcm_parent;
	return MNL_CB_OK;
}

int
qdisc_list(struct qdisc_entry **ret, size_t *n)
{
	char *buf;
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct tcmsg *t;
	struct dump d = { NULL, 0, 0, 0 };
	unsigned seq = 1, portid;
	ssize_t len;
	int r = 0;

	*ret = NULL;
	*n = 0;
	if ((buf = malloc(QDISC_RECV_BUF)) == NULL)
		return -ENOMEM;
	if ((nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)) == NULL) {
		free(buf);
		return errno > 0 ? -errno : -EPROTONOSUPPORT;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = errno > 0 ? -errno : -EIO;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETQDISC;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof *t);
	t->tcm_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	for (;;) {
		len = mnl_socket_recvfrom(nl, buf, QDISC_RECV_BUF);
		if (len <= 0) {
			r = len < 0 ? -errno : -EPROTO;
			break;
		}
		errno = 0;
		r = mnl_cb_run(buf, (size_t)len, seq, portid, msg_cb, &d);
		if (r == MNL_CB_STOP) {
			r = 0;
			break;
		}
		if (r < 0) {
			r = d.err < 0 ? d.err : errno > 0 ? -errno : -EPROTO;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	free(buf);
	if (r < 0) {
		free(d.v);
		return r;
	}
	*ret = d.v;
	*n = d.n;
	return 0;
}

bool
qdisc_predates(const struct qdisc_entry *q, const char *default_qdisc)
{
	static const char *const layout[] = { "noqueue", "mq", "mqprio", "multiq",
	    "ingress", "clsact" };

	if (TC_H_MAJ(q->handle) != 0 || default_qdisc == NULL || default_qdisc[0] == '\0')
		return false;
	for (size_t i = 0; i < sizeof layout / sizeof layout[0]; i++)
		if (strcmp(q->kind, layout[i]) == 0)
			return false;
	return strcmp(q->kind, default_qdisc) != 0;
}
