/*
 * cmd_check: `tcpadvise check`, the read-only audit.
 *
 * Load the profile (all its errors, exit 2), take a snapshot of the system
 * (exit 3 if /proc/sys cannot be read), run the rules, report. Exit 1 when a
 * finding reaches --fail-on. Nothing is written anywhere.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "rules.h"
#include "snapshot.h"

int
cmd_check(const struct options *o)
{
	struct profile *p = NULL;
	struct snapshot *s = NULL;
	struct findings f = FINDINGS_INIT;
	struct report_opts ro;
	const char *name = o->profile ? o->profile : "baseline";
	int status, r;

	status = cmd_load_profile(o, name, &p);
	if (status != TA_EXIT_OK)
		goto out;

	r = snapshot_take(o->root, o->kernel, &s);
	if (r == -EINVAL && o->kernel != NULL) {
		cmd_error(o, "invalid --kernel '%s' (expected a release like 6.1 or 6.18.4)",
		    o->kernel);
		status = TA_EXIT_USAGE;
		goto out;
	}
	if (r < 0) {
		cmd_error(o, "cannot read the system below '%s': %s", o->root,
		    r == -ENOENT ? "no /proc/sys/net there" : strerror(-r));
		status = TA_EXIT_SYSTEM;
		goto out;
	}
	if (rules_eval(p, s, &f) < 0) {
		cmd_error(o, "out of memory");
		status = TA_EXIT_SYSTEM;
		goto out;
	}

	memset(&ro, 0, sizeof ro);
	ro.color = o->color;
	ro.verbosity = o->verbosity;
	ro.fail_on = o->fail_on;
	ro.fail_never = o->fail_never;
	ro.now = time(NULL);
	if (report_check(stdout, o->format, &ro, p, s, &f) < 0) {
		cmd_error(o, "cannot write the report: %s", strerror(errno));
		status = TA_EXIT_SYSTEM;
		goto out;
	}
	status = !o->fail_never && findings_reach(&f, o->fail_on) ?
	    TA_EXIT_FINDINGS : TA_EXIT_OK;
out:
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	return status;
}
