/*
 * rules: the policy. (profile, snapshot) -> findings, each with its remedy.
 *
 * The one place that judges: `check` runs it on a live snapshot, `lint`
 * on a snapshot of files alone (snapshot_from_files(), no live values),
 * `apply` turns the remedies of its findings into a plan (plan.h),
 * `explain` and `states` present what it and the registry say. No other
 * module decides what is wrong or writes a fix text.
 *
 * Owns: the findings list and its strings.
 * Never: reads files, prints, or looks at the clock. Everything it judges is
 * in the snapshot, so the engine is tested with in-memory snapshots built
 * from fixture roots and needs neither root nor /proc.
 *
 * Finding IDs: the registry (registry.h) lists every one, with its kind.
 * Per line of the configuration (the same for check and lint): TA-C001
 * unknown key, TA-C002 not an assignment, TA-U<id> a key this kernel
 * lacks, TA-L001 a value the kernel rejects, TA-L002 outside the sane
 * range, TA-L003/TA-L004 a key assigned again, TA-C005 a harmful line a
 * later one overrides. Per key: TA-Hnnn hazard rules and TA-D<id>
 * deviations (judged live and as a reboot would leave it), TA-R<id> drift,
 * TA-S<id> a later line overriding the fragment, TA-C004 appliers
 * disagreeing. Per file: TA-C003. Per interface (ifconf.h): TA-I001 and
 * TA-I002, from the effective values of conf.all and the interface's own.
 *
 * Calling sequence:
 *   struct findings f = FINDINGS_INIT;
 *   struct policy_opts po = { FRAGMENT_DEFAULT };
 *   r = rules_eval(profile, snapshot, &po, &f);
 *   ... report ...
 *   findings_clear(&f);
 */
#ifndef TCPADVISE_RULES_H
#define TCPADVISE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "fragment.h"
#include "profile.h"
#include "registry.h"
#include "remedy.h"
#include "snapshot.h"

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
	char *fix;		/* remedy_text() of the remedy: the configuration change */
	char *fix_live;		/* ... and the command for the running system; NULL */
	struct remedy remedy;	/* the fix as data (action none: nothing to do) */
	bool needs_live;	/* the finding, or its remedy, depends on live
				   values: `lint` cannot see it */
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

struct policy_opts {
	const char *fragment;	/* root-relative path of tcpadvise's fragment:
				   where remedies set values */
	bool global_elsewhere;	/* in a child network namespace, global keys
				   are judged in the host's (--all-netns):
				   no finding about one here */
};

/*
 * Evaluate a resolved profile against a snapshot, opts NULL meaning the
 * default fragment. Appends to *ret (which must be initialised) and sorts
 * it. A snapshot without live values (snapshot_from_files()) gives only the
 * findings the files decide. Returns 0 or -ENOMEM (then *ret holds what was
 * found so far and must still be cleared).
 */
int rules_eval(const struct profile *p, const struct snapshot *s,
    const struct policy_opts *opts, struct findings *ret);

/* A value that satisfies a setting: its apply value, else its expectation
   (the first of one-of, a bound that constrains every field); NULL. */
const struct value *rules_setting_target(const struct setting *st);

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

/* Begin *f afresh (its remedy initialised) with its id (copied),
   severity, kind and message (taken); a NULL id or message shows at
   findings_push(). */
void finding_start(struct finding *f, const char *id, enum severity sev,
    enum finding_kind kind, char *message);

/* Sort: severity (critical first), then id, then key. */
void findings_sort(struct findings *f);

/* Fill f->fix and f->fix_live from f->remedy. Returns 0 or -ENOMEM. */
int finding_fix_text(struct finding *f);

/* Free the strings of one finding (one that never reached a list). */
void finding_clear(struct finding *f);

/*
 * Evaluate one condition in one view (0 = live values, 1 = persisted
 * values). Exposed for tests and for `explain`.
 */
bool rules_cond_holds(const struct cond *c, const struct snapshot *s, int view);

#endif
