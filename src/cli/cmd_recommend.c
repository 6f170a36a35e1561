/*
 * cmd_recommend: `tcpadvise recommend`, which profile fits this host.
 *
 * Gathers the evidence (the socket census: listeners and TIME_WAIT by side
 * and peer; the process behind each listener, in one scan of /proc; the
 * host's facts and forwarding from the snapshot; the retransmission
 * counters), lets recommend() decide (src/policy/recommend.c), and prints
 * the profile, the reasons with what was seen, the alternatives and the
 * command that checks the profile. Read-only; exit 0 unless the system
 * cannot be read.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "census.h"
#include "cmd.h"
#include "counters.h"
#include "escape.h"
#include "parse.h"
#include "procs.h"
#include "recommend.h"
#include "snapshot.h"

#define WIDTH 78

/* A live 0/1 key of the snapshot, or -1 when it is unknown. */
static int
live_int(const struct snapshot *s, const char *key)
{
	const struct snapshot_key *k = s != NULL ? snapshot_key(s, key) : NULL;
	long long v;

	if (k == NULL || k->status != LIVE_OK || parse_ll(k->live, 0, INT_MAX, &v, NULL) < 0)
		return -1;
	return (int)v;
}

static void
text_reason(const struct recommend_reason *x, const char *lead)
{
	fputs(lead, stdout);
	report_wrap(stdout, x->text, (int)strlen(lead), 4, WIDTH);
	fputs("    seen: ", stdout);
	report_wrap(stdout, x->evidence, 10, 10, WIDTH);
}

static void
text(const struct recommendation *r)
{
	char lead[96];

	printf("recommended: %s\n", r->profile);
	for (size_t i = 0; i < r->nreasons; i++)
		text_reason(&r->reasons[i], "  - ");
	if (r->nalts > 0) {
		printf("\nalso worth considering:\n");
		for (size_t i = 0; i < r->nalts; i++) {
			/* A profile name of recommend.c's own: nothing to escape. */
			snprintf(lead, sizeof lead, "  - %s: ", r->alts[i].profile);
			text_reason(&r->alts[i].reason, lead);
		}
	}
	printf("\ncheck it:  tcpadvise check --profile %s\n", r->profile);
	printf("apply it:  tcpadvise apply --profile %s --dry-run\n", r->profile);
}

static json_t *
reason_json(const struct recommend_reason *x)
{
	return json_pack("{s:o, s:o}", "text", report_jstr(x->text),
	    "evidence", report_jstr(x->evidence));
}

/* json_pack() takes over the arrays ("o"), also when one is NULL (out of
   memory) and it fails: cmd_print_json(NULL) then says -ENOMEM. */
static int
json(const struct recommendation *r, const struct census *c,
    const struct procs_owner *owners)
{
	json_t *reasons = json_array(), *alts = json_array(), *lis = json_array(), *a;
	char check[128];

	for (size_t i = 0; i < r->nreasons; i++)
		json_array_append_new(reasons, reason_json(&r->reasons[i]));
	for (size_t i = 0; i < r->nalts; i++) {
		a = reason_json(&r->alts[i].reason);
		json_object_set_new(a, "profile", json_string(r->alts[i].profile));
		json_array_append_new(alts, a);
	}
	for (size_t i = 0; i < c->nlisteners; i++) {
		const struct procs_owner *o = owners != NULL && owners[i].pid != 0 ?
		    &owners[i] : NULL;

		json_array_append_new(lis, json_pack("{s:s, s:i, s:o, s:o}",
		    "addr", c->listeners[i].addr, "port", c->listeners[i].port,
		    "pid", o != NULL ? json_integer(o->pid) : json_null(),
		    "comm", o != NULL ? report_jstr(o->comm) : json_null()));
	}
	snprintf(check, sizeof check, "tcpadvise check --profile %s", r->profile);
	return cmd_print_json(json_pack("{s:i, s:s, s:s, s:s, s:o, s:o, s:s, s:o}",
	    "schema_version", REPORT_SCHEMA_VERSION, "tool_version", TCPADVISE_VERSION,
	    "command", "recommend", "profile", r->profile, "reasons", reasons,
	    "alternatives", alts, "check", check, "listeners", lis));
}

int
cmd_recommend(const struct options *o)
{
	struct census c;
	struct counters now;
	struct snapshot *s = NULL;
	struct procs_owner *owners = NULL;
	unsigned long long *inodes = NULL;
	struct recommend_input in;
	struct recommendation rec;
	const struct snapshot_key *reg;
	bool found;
	int status = TA_EXIT_SYSTEM, r;

	memset(&c, 0, sizeof c);
	memset(&now, 0, sizeof now);
	memset(&in, 0, sizeof in);
	/* Host facts and forwarding; best effort, as states. */
	if ((r = snapshot_take(o->root, o->kernel, &s)) < 0 && r != -ENOENT) {
		status = cmd_snapshot_error(o, r);
		goto out;
	}
	if ((r = census_take(o->root, &c)) < 0) {
		status = cmd_census_error(o, r);
		goto out;
	}
	if (c.nlisteners > 0) {
		inodes = calloc(c.nlisteners, sizeof *inodes);
		owners = calloc(c.nlisteners, sizeof *owners);
		if (inodes == NULL || owners == NULL) {
			cmd_error(o, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < c.nlisteners; i++)
			inodes[i] = c.listeners[i].inode;
		if ((r = procs_owners(o->root, inodes, c.nlisteners, owners,
		    &in.unreadable)) < 0) {
			cmd_error(o, "cannot look for the processes behind the listening "
			    "sockets: %s", strerror(-r));
			goto out;
		}
	}
	in.census = &c;
	in.owners = owners;
	in.facts = s != NULL ? &s->facts : NULL;
	in.ip_forward = live_int(s, "net.ipv4.ip_forward");
	in.ipv6_forwarding = live_int(s, "net.ipv6.conf.all.forwarding");
	in.out_segs = in.retrans_segs = -1;
	if (counters_read(o->root, &now) == 0) {
		long long v = counters_get(&now, "Tcp", "OutSegs", &found);

		if (found) {
			in.out_segs = v;
			v = counters_get(&now, "Tcp", "RetransSegs", &found);
			in.retrans_segs = found ? v : -1;
		}
	}
	in.bbr = HOST_UNKNOWN;
	if (s != NULL) {
		reg = snapshot_key(s, "net.ipv4.tcp_available_congestion_control");
		in.bbr = host_cc(&s->facts, "bbr", reg != NULL && reg->status == LIVE_OK ?
		    reg->live : NULL);
	}
	recommend(&in, &rec);
	if (o->format == FORMAT_JSON) {
		if ((r = json(&rec, &c, owners)) < 0) {
			cmd_error(o, r == -ENOMEM ? "out of memory" :
			    "cannot write the recommendation: %s", strerror(-r));
			goto out;
		}
	} else {
		text(&rec);
	}
	status = TA_EXIT_OK;
out:
	free(inodes);
	free(owners);
	census_clear(&c);
	snapshot_free(s);
	return status;
}
