/*
 * cmd_check: `tcpadvise check`, the read-only audit.
 *
 * Load the profile (the one given, else the one the fragment of `apply`
 * names, else baseline; all its errors, exit 2), take a snapshot of the system
 * (exit 3 if /proc/sys cannot be read), run the rules, report. Exit 1 when a
 * finding reaches --fail-on. Nothing is written anywhere.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply.h"
#include "census.h"
#include "cmd.h"
#include "counters.h"
#include "evidence.h"
#include "fragment.h"
#include "procs.h"
#include "rules.h"
#include "snapshot.h"

/*
 * The evidence of sockets and counters, as `states` finds it, added to the
 * findings. Best effort: a root without /proc/net (an image, a fixture)
 * simply has no evidence, and *ret_none says so. Returns 0, or -ENOMEM.
 */
static int
check_evidence(const struct options *o, const struct snapshot *s,
    struct findings *f, bool *ret_none)
{
	struct census census;
	struct counters now;
	struct procs_holder *holders = NULL;
	struct qdisc_entry *qdiscs = NULL;
	struct evidence_input in;
	size_t nholders = 0, unreadable = 0;
	int r;

	memset(&census, 0, sizeof census);
	memset(&in, 0, sizeof in);
	if (counters_read(o->root, &now) == 0)
		in.now = &now;
	if ((r = census_take(o->root, &census)) == 0) {
		in.census = &census;
		if (census.ninodes > 0 && procs_holders(o->root,
		    census.close_wait_inodes, census.ninodes, &holders, &nholders,
		    &unreadable) == 0) {
			in.holders = holders;
			in.nholders = nholders;
			in.unreadable = unreadable;
		}
	}
	in.s = s;
	in.somaxconn_before = apply_history_before(o->root, "net.core.somaxconn");
	if (census_root_is_live(o->root) && qdisc_list(&qdiscs, &in.nqdiscs) == 0)
		in.qdiscs = qdiscs;
	*ret_none = in.census == NULL && (in.now == NULL || !(now.have_sockstat ||
	    now.have_netstat || now.have_snmp));
	r = in.census != NULL || in.now != NULL ? evidence_eval(&in, f) : 0;
	free(qdiscs);
	free(holders);
	census_clear(&census);
	return r;
}

int
cmd_check(const struct options *o)
{
	struct profile *p = NULL;
	struct snapshot *s = NULL;
	struct findings f = FINDINGS_INIT;
	struct policy_opts po = { NULL, false };
	struct report_opts ro;
	const char *fragment = o->file ? o->file : FRAGMENT_DEFAULT;
	char *recorded = NULL;
	int status, r;

	/* Without --profile: the profile `apply` recorded in its fragment: the
	   file it came from if that was a file, else its name. */
	if (o->profile == NULL &&
	    (fragment_header(o->root, fragment, "source", &recorded) < 0 ||
	    recorded[0] != '/')) {
		free(recorded);
		recorded = NULL;
		if (fragment_profile(o->root, fragment, &recorded) < 0)
			recorded = NULL;
	}
	status = cmd_load_profile(o, o->profile ? o->profile :
	    recorded ? recorded : "baseline", &p);
	if (status != TA_EXIT_OK)
		goto out;

	if ((r = cmd_snapshot(o, &s)) < 0) {
		status = cmd_snapshot_error(o, r);
		goto out;
	}
	po.fragment = fragment;
	po.global_elsewhere = o->global_elsewhere;
	cmd_report_opts(o, &ro);
	if (rules_eval(p, s, &po, &f) < 0 ||
	    (r = check_evidence(o, s, &f, &ro.no_evidence)) == -ENOMEM) {
		cmd_error(o, "out of memory");
		status = TA_EXIT_SYSTEM;
		goto out;
	}

	if (report_check(stdout, o->format, &ro, p, s, &f) < 0) {
		cmd_error(o, "cannot write the report: %s", strerror(errno));
		status = TA_EXIT_SYSTEM;
		goto out;
	}
	status = !o->fail_never && findings_reach(&f, o->fail_on) ?
	    TA_EXIT_FINDINGS : TA_EXIT_OK;
out:
	free(recorded);
	findings_clear(&f);
	snapshot_free(s);
	cmd_profile_release(p);
	return status;
}
