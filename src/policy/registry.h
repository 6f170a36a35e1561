/*
 * registry: every finding ID tcpadvise can emit, in one table.
 *
 * Owns: the static table of IDs with their usual severity, kind, title and
 * explanation. Every emitter (the policy in rules.c, lint, the evidence of
 * `states`) takes the kind of a finding from here, `explain` prints the
 * explanation from here, and a unit test checks that every ID literal in
 * the sources is in the table.
 * Never: allocates, prints, or changes: all of it is static const data.
 *
 * Two sorts of entries:
 *   exact IDs   "TA-C001" ... "TA-E010": one meaning each;
 *   families    "TA-D", "TA-U", "TA-R", "TA-S": the letter is followed by
 *               the three-digit catalog id of the key ("TA-D042"); and
 *               "TA-H": hazard rules, defined by the profiles (the three or
 *               more digits follow hazards H1..H22 of the kernel facts;
 *               TA-H1nn, TA-H2nn... are variants of Hnn).
 * An ID never changes meaning between releases; new meanings get new IDs.
 */
#ifndef TCPADVISE_REGISTRY_H
#define TCPADVISE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

enum finding_kind {
	KIND_DEVIATION,		/* a value fails the profile's expectation */
	KIND_HAZARD,		/* a hazard rule, or a line that does harm */
	KIND_DRIFT,		/* live differs from what a reboot sets */
	KIND_SHADOWED,		/* a later line overrides an earlier one */
	KIND_UNSUPPORTED,	/* a key this kernel or namespace lacks */
	KIND_EVIDENCE,		/* counters or socket states say so */
};

/* "deviation", "hazard", "drift", "shadowed", "unsupported", "evidence". */
const char *finding_kind_name(enum finding_kind k);

struct finding_id {
	const char *id;		/* "TA-C001", or a family prefix "TA-D" */
	bool family;		/* followed by digits (see above) */
	enum severity severity;	/* the usual severity; `varies` says when not */
	bool varies;		/* the severity depends on the case */
	enum finding_kind kind;
	const char *title;	/* one line */
	const char *explanation;	/* what it means and what to do */
};

/* The table, sorted by id (families before their members). */
const struct finding_id *registry_entries(size_t *ret_n);

/*
 * The entry for an emitted ID: the exact one, or the family whose prefix
 * is followed only by digits ("TA-D042", "TA-H1203"). NULL when unknown.
 */
const struct finding_id *registry_lookup(const char *id);

#endif
