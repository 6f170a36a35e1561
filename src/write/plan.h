/*
 * plan: what `apply` changes, taken from the remedies of the policy's
 * findings (rules.h), never judged again here.
 *
 * Owns: the plan and its strings; the text of the fragment; the text of a
 * configuration file with lines disabled.
 * Never: reads or writes files, prints. The command reads the files the
 * plan edits and hands their bytes in; apply.h writes.
 *
 * The contract (design.md section 4): a key changes only where a finding
 * says its live or boot value fails the profile (an expectation or a
 * hazard rule), to the value its remedy names. The fragment holds only the
 * keys whose boot value would fail without it, each after a comment that
 * names the finding it fixes; keys an earlier apply wrote that nothing
 * objects to now are kept as they are, comment and all, so that a second
 * apply renders the same bytes. With `resolve`, the lines of other files
 * that remedies disable are commented out, or their vendor files masked.
 *
 * Calling sequence (cmd_apply):
 *   r = plan_make(profile, snapshot, findings, &opts, old_fragment, &plan);
 *   r = plan_fragment_text(&plan, &opts, &text);
 *   for each file in plan_files(): r = plan_edit_text(&plan, file, bytes, &new);
 *   ... simulate, commit ...
 *   plan_clear(&plan);
 */
#ifndef TCPADVISE_PLAN_H
#define TCPADVISE_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "apply.h"
#include "profile.h"
#include "rules.h"
#include "snapshot.h"

/* One key of the fragment. */
struct plan_entry {
	char *key;		/* dotted key (a block kept from an old fragment
				   may name a key the catalog does not know) */
	char *value;		/* canonical */
	char *block;		/* the comment lines and the assignment, as
				   written (kept entries: as found) */
	bool kept;		/* carried over from the existing fragment */
};

/* One line of another file to disable. */
struct plan_disable {
	char *file;		/* the file holding the line */
	unsigned line;
	char *mask;		/* NULL: comment it out in place; else the
				   /etc/sysctl.d copy that masks file */
	char *id;		/* the finding whose remedy disables it */
	bool managed;		/* the file says another tool writes it (--force) */
};

/* A remedy the plan does not carry out, and why. */
struct plan_skip {
	char *key;		/* or NULL for a line without a key */
	char *id;
	char *why;
};

struct plan {
	struct apply_plan live;		/* keys to set live (state APPLY_CHANGE) */
	struct plan_entry *frag;	/* sorted by key */
	size_t nfrag;
	bool frag_needed;		/* a fragment is to be written (or kept) */
	bool frag_edited;		/* an entry added or one of the old dropped */
	struct plan_disable *disable;	/* sorted by (file, line) */
	size_t ndisable;
	struct plan_skip *skip;		/* not fixable here */
	size_t nskip;
	struct plan_disable *pending;	/* lines --resolve would disable */
	size_t npending;
	const char *unreadable;		/* a key to set whose live value could
					   not be read (plan_make failed) */
};

struct plan_opts {
	const char *fragment;	/* root-relative path of the fragment */
	const char *profile;	/* name, for the header */
	const char *origin;	/* "built-in" or the profile's file */
	bool live;		/* set live values (not --persist-only) */
	bool persist;		/* write the fragment (not --live-only) */
	bool resolve;		/* disable overriding and harmful lines */
	bool force;		/* ... in files another tool manages, too */
};

/*
 * The plan for the findings f of profile p on system s (the same snapshot
 * they were judged on). old_fragment is the fragment's current text, or
 * NULL when there is none. Adds to *ret (zeroed by the caller, or a plan
 * being extended by another round: a key already planned keeps its value).
 * Returns 0 or -ENOMEM / -ENOBUFS.
 */
int plan_make(const struct snapshot *s, const struct findings *f,
    const struct plan_opts *o, const char *old_fragment, struct plan *ret);

/*
 * The fragment text: a header naming the tool, the profile and its origin,
 * then one block per entry in key order, blank-line separated; the same
 * plan always gives the same bytes. *ret is malloc'ed. 0 or -ENOMEM.
 */
int plan_fragment_text(const struct plan *pl, const struct plan_opts *o, char **ret);

/*
 * The distinct files the plan edits (file of each disable entry; for a
 * mask, the vendor file whose bytes make the copy), in order. *ret is an
 * array of pointers into the plan (free the array only). 0 or -ENOMEM.
 */
int plan_files(const struct plan *pl, const char ***ret, size_t *ret_n);

/*
 * The new text of a file the plan edits: bytes with each of its disabled
 * lines prefixed by "# disabled by tcpadvise (ID): " (nothing else changes,
 * CR and missing final newline included); for a mask copy, a last comment
 * line names the file it masks. *ret_path is where the text goes (the
 * file itself, or the mask), pointing into the plan; *ret is malloc'ed.
 * 0 or -ENOMEM.
 */
int plan_edit_text(const struct plan *pl, const char *file, const char *bytes,
    const char **ret_path, char **ret);

/* The marker prefixed to a disabled line ("# disabled by tcpadvise"). */
#define PLAN_MARKER "# disabled by tcpadvise"

void plan_clear(struct plan *pl);

#endif
