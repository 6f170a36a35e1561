/*
 * profile_int.h: what the files of the profile module share. Only
 * profile_*.c include it; everything else uses profile.h. The functions
 * declared here start with pf_.
 *
 * Design. A file goes through three stages:
 *   1. read (profile_yaml.c): libyaml's events become a small tree of nodes
 *      (struct ynode) kept in an arena, every node with its 1-based line
 *      and column. The limits of profile.h are enforced here because
 *      libyaml 0.2.5 has none, and so are the YAML features the format
 *      refuses: anchors, aliases, explicit tags, a second document,
 *      duplicate mapping keys. Aliases are never expanded, so an alias bomb
 *      costs no more than its own text. A syntax error or an exceeded limit
 *      ends the reading of that file.
 *   2. check (profile_check.c, conditions in profile_cond.c): the tree is
 *      validated against the format and the catalog and becomes the file's
 *      own settings and rules. Each problem is one diagnostic and checking
 *      goes on, so a single pass reports them all.
 *   3. resolve (profile_load.c, profile_load() only): the `extends` chain
 *      is loaded the same way, `disable` is checked against the ancestors,
 *      and settings and rules are merged child over parent.
 * The diagnostics a call adds are finally ordered by file (in the order the
 * files were met) and position, which reads better than the order of the
 * stages.
 *
 * Calling sequence (the public one is in profile.h):
 *   profile_load(name)
 *     load_named() / load_path()      find and read the file (size cap)
 *       parse_source()                stages 1 and 2 for one file -> pfile
 *         pf_read_tree(), pf_check_top()
 *     ... the same for each `extends`, with cycle and depth checks
 *     check_disable(), resolve()      stage 3
 *   profile_parse() runs parse_source() alone; profile_list() runs it on
 *   every file of the search directories and on the built-ins.
 *
 * Error handling: problems with the input are diagnostics, never return
 * values of the inner functions: stage 2 reports through struct ctx and
 * never stops early, and the caller learns of them from diags->nerrors
 * (-EINVAL). An allocation failure is remembered in ctx->err (sticky
 * -ENOMEM) and turns the whole call into -ENOMEM. Every function that owns
 * memory frees it through one forward `out:` label, and a partially built
 * profile is always consistent enough for profile_free().
 */
#ifndef TCPADVISE_PROFILE_INT_H
#define TCPADVISE_PROFILE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

#define NAME_MAX_LEN	32	/* [a-z][a-z0-9-]{0,31} */
#define SHOW_MAX	128	/* bytes of input text quoted in a message */
#define SHOW_BUF	(SHOW_MAX * 4 + 8)

/* Checking state of one file. */
struct ctx {
	const char *file;		/* name used in messages */
	struct diag_list *diags;
	int err;			/* -ENOMEM once an allocation failed */
	unsigned reported;		/* YAML features already reported (profile_yaml.c) */
};

/* Every node and scalar of one file; freed at once. */
struct arena {
	struct chunk *head;
};

enum ytype {
	Y_SCALAR,
	Y_SEQ,
	Y_MAP,		/* children alternate key, value */
	Y_BAD,		/* reported already (alias, NUL in a scalar): ignore */
};

struct ynode {
	enum ytype type;
	bool plain;		/* scalar written without quotes or block style */
	bool drop;		/* mapping key (and its value) to be removed */
	unsigned line, col;	/* 1-based start */
	const char *text;	/* Y_SCALAR: NUL-terminated */
	size_t n;		/* number of children */
	struct ynode *head, *tail, *next;
};

/* The parsed file, before resolution. */
struct idref {
	char *id;
	unsigned line, col;
};

struct pfile {
	struct profile *p;	/* own settings and rules */
	char *file;		/* name for messages */
	char *cname;		/* name in the chain: `name`, else the name looked up */
	bool complete;		/* the whole text was read */
	char *extends;
	unsigned ext_line, ext_col;
	struct idref *disable;
	size_t ndisable;
	struct idref *ids;	/* every well-formed rule id, valid rule or not */
	size_t nids;
};

enum {
	VAL_NULLS = 1 << 0,	/* vector fields may be null: min, max */
	VAL_SANE  = 1 << 1,	/* also within the sane range: equal, one-of, apply, fix */
};

/* profile_yaml.c: diagnostics and the YAML tree */

/*
 * Input text as it may be quoted in a message: cut after SHOW_MAX bytes at
 * a UTF-8 character boundary; diag_print() escapes it. Returns buf.
 */
const char *pf_show(const char *s, char *buf, size_t size);

/* " (did you mean 'x'?)" or "" (suggestion NULL) into buf; returns buf. */
const char *pf_did_you_mean(const char *suggestion, char *buf, size_t size);

/* An error at line:col of c->file (0 for none); -ENOMEM goes to c->err. */
void pf_report_at(struct ctx *c, unsigned line, unsigned col,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* An error at the position of node n. */
void pf_report(struct ctx *c, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Order the diagnostics from index `from` on by file (in order of first
 * appearance), then line and column; equal positions keep their order.
 */
void pf_sort_diags(struct diag_list *l, size_t from);

/* Whether n is a plain scalar that YAML reads as null ("", ~, null). */
bool pf_is_null(const struct ynode *n);

/*
 * Read the text into a tree allocated in a (release it with
 * pf_arena_free()). *ret_root is set when the whole text was read (it may
 * still be NULL for a stream without a document); it stays NULL after a
 * syntax error or an exceeded limit, both reported. Returns 0 or -ENOMEM.
 */
int pf_read_tree(struct ctx *c, struct arena *a, const char *text,
    size_t size, struct ynode **ret_root, bool *ret_complete);

/* Frees every chunk of a; a is empty afterwards. */
void pf_arena_free(struct arena *a);

/* profile_check.c: fields, values, settings, rules, the top level */

/* Whether s is a profile name: [a-z][a-z0-9-]{0,31}. */
bool pf_valid_name(const char *s);

/*
 * The value node of each of the n known fields of a mapping (NULL when
 * absent) into vals, and its key node into keys, with an error for every
 * unknown field ("unknown field 'x' <where>").
 */
void pf_get_fields(struct ctx *c, const struct ynode *map,
    const char *const *names, size_t n, const char *where,
    const struct ynode **vals, const struct ynode **keys);

/* The text of a scalar; NULL (reported unless already bad) otherwise. */
const char *pf_want_scalar(struct ctx *c, const struct ynode *n,
    const char *field);

/* Whether n is of type (Y_MAP or Y_SEQ); false (reported) otherwise. */
bool pf_want_type(struct ctx *c, const struct ynode *n, enum ytype type,
    const char *field);

/* A catalog key named by a scalar, or NULL (reported). */
const struct catalog_entry *pf_want_key(struct ctx *c, const struct ynode *n,
    const char *field);

/*
 * Parse a value of key e from node n (field > 0: one integer for that
 * field of a vector) with VAL_* flags, checked against the kernel range
 * (and with VAL_SANE the sane range). Returns true, or false after
 * reporting.
 */
bool pf_want_value(struct ctx *c, const struct catalog_entry *e,
    unsigned field, const struct ynode *n, const char *what, unsigned flags,
    struct value *ret, unsigned *ret_mask);

/*
 * Check the top-level mapping of a file into pf (whose profile pf->p is
 * allocated). expect_name: the name the file was found by, or NULL.
 */
void pf_check_top(struct ctx *c, const struct ynode *root,
    const char *expect_name, struct pfile *pf);

/* profile_cond.c */

/*
 * A condition mapping (what names it in a type error: "'when'", "'not'" or
 * "condition"). Anything allocated into ret is released by the rule's
 * pf_rule_clear() whatever the outcome. Returns false after reporting.
 */
bool pf_check_cond(struct ctx *c, const struct ynode *n, const char *what,
    struct cond *ret);

/* profile_load.c */

/* Free what a setting or a rule owns and zero it. */
void pf_setting_clear(struct setting *s);
void pf_rule_clear(struct rule *r);

#endif
