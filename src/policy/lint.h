/*
 * lint: judging sysctl.conf and sysctl.d files on their own, with no live
 * system behind them: what a pre-commit hook of a configuration repository
 * runs before the files reach any host.
 *
 * Owns: the findings it appends (struct findings of rules.h).
 * Never: reads files or /proc (the snapshot from snapshot_from_files()
 * holds the parsed files), prints, or exits.
 *
 * lint judges nothing itself: it keeps the findings of the policy
 * (rules_eval(), see rules.h for the ids) that name a line of the files
 * and do not depend on live values, so `lint` and `check` give a line the
 * same id, severity and fix.
 *
 * Calling sequence:
 *   struct snapshot *s;
 *   struct findings f = FINDINGS_INIT;
 *   r = snapshot_from_files(paths, n, kernel, &s);
 *   ... refuse the run if a file has `error` set ...
 *   r = lint_eval(profile, s, &opts, &f);
 *   findings_clear(&f);
 *   s = snapshot_free(s);
 */
#ifndef TCPADVISE_LINT_H
#define TCPADVISE_LINT_H

#include "profile.h"
#include "rules.h"
#include "snapshot.h"

/*
 * Lint the files of s (a snapshot from snapshot_from_files()) with the
 * profile p; opts->fragment names tcpadvise's fragment, where fixes set
 * values. Appends to *ret (which must be initialised) and sorts
 * it: severity (critical first), then position (reading order of the
 * files, then line), then id. Files that could not be read contribute
 * nothing. Returns 0 or -ENOMEM (then *ret holds what was found so far and
 * must still be cleared).
 */
int lint_eval(const struct profile *p, const struct snapshot *s,
    const struct policy_opts *opts, struct findings *ret);

#endif
