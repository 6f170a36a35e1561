/*
 * rules: the pure engine. (profile, snapshot) -> findings.
 *
 * Owns: the findings list and its strings.
 * Never: reads files, prints, or looks at the clock. Everything it judges is
 * in the snapshot, so the engine is tested with in-memory snapshots built
 * from fixture roots and needs neither root nor /proc.
 *
 * Finding IDs (stable; their meaning never changes between releases):
 *   TA-Hnnn  a profile's hazard rule (TA-H001..TA-H022 follow hazards H1..H22
 *            of the kernel facts; TA-H1nn/TA-H2nn are variants of Hnn)
 *   TA-D<id> deviation: a key does not meet the profile's expectation
 *            (<id> is the catalog id of the key, three digits)
 *   TA-U<id> unsupported: the profile or a configuration file names a key
 *            this kernel or this network namespace does not have
 *   TA-R<id> drift: the live value differs from what a reboot would set
 *   TA-S<id> shadowed: a later file overrides a key of the fragment that
 *            `apply` wrote
 *   TA-C001  an unknown net.* key in a configuration file
 *   TA-C002  a configuration line that is not an assignment
 *   TA-C003  a configuration file that cannot be read
 *   TA-C004  procps `sysctl --system` and systemd-sysctl set a key differently
 *   TA-C005  a line that a rule would flag, overridden by a later line
 *
 * Calling sequence:
 *   struct findings f = FINDINGS_INIT;
 *   r = rules_eval(profile, snapshot, &f);
 *   ... report ...
 *   findings_clear(&f);
 */
#ifndef TCPADVISE_RULES_H
#define TCPADVISE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "fragment.h"
#include "profile.h"
#include "snapshot.h"

enum finding_kind {
	KIND_DEVIATION,
	KIND_HAZARD,
	KIND_DRIFT,
	KIND_SHADOWED,
	KIND_UNSUPPORTED,
	KIND_EVIDENCE,
};

/* "deviation", "hazard", "drift", "shadowed", "unsupported", "evidence". */
const char *finding_kind_name(enum finding_kind k);

/* One configuration line that assigns the finding's key. */
struct finding_line {
	char *file;		/* the file an operator edits (symlinks resolved) */
	unsigned line;
	char *value;
};

struct finding {
	char *id;
	enum severity severity;
	enum finding_kind kind;
	char *key;		/* dotted key, or NULL for a finding about a file */
	char *live;		/* live value, blanks folded; NULL: not available */
	char *persisted;	/* what a reboot sets; NULL: nothing persists it */
	char *want;		/* the profile's expectation ("= 1", ">= 4096"); NULL */
	char *message;		/* one line: what is wrong */
	char *reason;		/* why, on today's kernels */
	char *source;		/* where the facts come from */
	char *fix;		/* a sysctl.d line, or "delete FILE:LINE[, FILE:LINE]" */
	char *file;		/* the line that decides the persisted value, or the
				   file the finding is about; NULL */
	unsigned line;
	struct finding_line *lines;	/* every line assigning the key, in read order */
	size_t nlines;
	bool in_live;		/* a rule's condition held for the live values */
	bool in_persisted;	/* ... for what a reboot sets */
};

struct findings {
	struct finding *items;	/* sorted: severity (critical first), then id, then key */
	size_t n;
	size_t alloc;
	size_t count[3];	/* per enum severity */
};

#define FINDINGS_INIT { NULL, 0, 0, { 0, 0, 0 } }

/*
 * Evaluate a resolved profile against a snapshot. Appends to *ret (which
 * must be initialised) and sorts it. Returns 0 or -ENOMEM (then *ret holds
 * what was found so far and must still be cleared).
 */
int rules_eval(const struct profile *p, const struct snapshot *s,
    struct findings *ret);

/*
 * Findings of kind shadowed (TA-S<id>): one per later line that overrides a
 * key of the fragment at fragment_path, from fragment_overrides() of the
 * snapshot's configuration. Appends to *ret and sorts it again. Pure.
 * Returns 0 or -ENOMEM.
 */
int rules_shadowed(const struct snapshot *s, const char *fragment_path,
    const struct fragment_override *ov, size_t n, struct findings *ret);

/* Whether any finding is at or above the threshold. */
bool findings_reach(const struct findings *f, enum severity threshold);

void findings_clear(struct findings *f);

/*
 * Take ownership of *n (its strings) and append it; *n is zeroed. A NULL id
 * or message counts as a failed allocation. On -ENOMEM the strings of *n
 * are freed. Returns 0 or -ENOMEM. The list is not re-sorted.
 */
int findings_push(struct findings *f, struct finding *n);

/* A new string formatted with vasprintf(), or NULL when out of memory: the
   strings of a finding (findings_push() takes a NULL message as -ENOMEM). */
char *finding_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sort: severity (critical first), then id, then key. */
void findings_sort(struct findings *f);

/* Free the strings of one finding (one that never reached a list). */
void finding_clear(struct finding *f);

/*
 * Evaluate one condition in one view (0 = live values, 1 = persisted
 * values). Exposed for tests and for `explain`.
 */
bool rules_cond_holds(const struct cond *c, const struct snapshot *s, int view);

#endif
