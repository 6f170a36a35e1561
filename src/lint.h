/*
 * lint: judging sysctl.conf and sysctl.d files on their own, with no live
 * system behind them: what a pre-commit hook of a configuration repository
 * runs before the files reach any host.
 *
 * Owns: the findings it appends (struct findings of rules.h).
 * Never: reads files or /proc (the snapshot from snapshot_from_files()
 * holds the parsed files), prints, or exits.
 *
 * Every finding names the line it is about in `file` and `line` (the path
 * as given), and `key` when a key is involved. The ids:
 *   TA-C001  warning  an unknown net.* key for which a known key is close
 *                     ("did you mean"): most likely a misspelling
 *            info     an unknown net.* key with no close known key: lint
 *                     cannot tell whether a kernel has it, so it says only
 *                     that it did not check it. Keys of the per-interface
 *                     trees net.ipv4.conf, net.ipv4.neigh, net.ipv6.conf
 *                     and net.ipv6.neigh, and keys outside net.*, are left
 *                     alone, as `check` does.
 *   TA-C002  warning  a line that is not an assignment (systemd-sysctl
 *                     exits 1 on it)
 *   TA-U<id> warning  a catalog key that the judged kernel does not have:
 *                     removed ("removed in Linux 4.12") or not yet added;
 *                     not reported on a line a hazard already names
 *   TA-L001  warning  a value the kernel rejects: it does not parse for the
 *                     key's shape ("abc", empty, quoted), or a field lies
 *                     outside the kernel's range (tcp_tw_reuse = 5)
 *   TA-L002  info     a value the kernel accepts but with a field outside
 *                     the catalog's sane range
 *   TA-L003  warning  a key assigned twice, in one file or in two, with
 *                     different values: reported at the later line, naming
 *                     both; the later one wins
 *   TA-L004  info     a key assigned in two different files with the same
 *                     value: the later file shadows the earlier one, and
 *                     the earlier line is redundant. (Different values are
 *                     TA-L003, never TA-L004; the same value twice in one
 *                     file is not reported.)
 *   TA-Hnnn  (rule)   a hazard rule of the profile that holds for the
 *                     values the files leave after a reboot (later lines
 *                     win; keys no file sets keep the kernel default) and
 *                     that involves at least one key the files set;
 *                     reported at the line that sets the rule's key
 * Duplicates are compared with the previous assignment of the same key in
 * reading order: each later line gets at most one TA-L003 or TA-L004.
 *
 * Calling sequence:
 *   struct snapshot *s;
 *   struct findings f = FINDINGS_INIT;
 *   r = snapshot_from_files(paths, n, kernel, &s);
 *   ... refuse the run if a file has `error` set ...
 *   r = lint_eval(profile, s, &f);
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
 * hazard rules of p. Appends to *ret (which must be initialised) and sorts
 * it: severity (critical first), then position (reading order of the
 * files, then line), then id. Files that could not be read contribute
 * nothing. Returns 0 or -ENOMEM (then *ret holds what was found so far and
 * must still be cleared).
 */
int lint_eval(const struct profile *p, const struct snapshot *s,
    struct findings *ret);

#endif
