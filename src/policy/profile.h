/*
 * profile: loading and validating YAML profiles (man tcpadvise-profile.5).
 *
 * Owns: the libyaml event loop, the resolved profile (own + inherited
 * settings and rules) and every string in it.
 * Never: prints, exits, reads /proc. Every problem goes into a diag_list
 * with file:line:column, and loading goes on so that all errors of a file
 * are reported in one pass.
 *
 * Limits enforced by the loader (libyaml 0.2.5 has none of its own):
 * PROFILE_MAX_BYTES per file, PROFILE_MAX_DEPTH nesting, PROFILE_MAX_SCALAR
 * bytes per scalar, PROFILE_MAX_NODES events per file, PROFILE_MAX_SETTINGS
 * and PROFILE_MAX_RULES, PROFILE_MAX_EXTENDS levels of `extends`. YAML
 * aliases, anchors, explicit tags and multiple documents are refused.
 *
 * Calling sequence:
 *   struct diag_list d = DIAG_LIST_INIT;
 *   struct profile *p;
 *   r = profile_load("nginx", &search, &p, &d);
 *   if (r < 0) { print d; exit 2 }
 *   ... rules_eval(p, ...) ...
 *   p = profile_free(p);
 */
#ifndef TCPADVISE_PROFILE_H
#define TCPADVISE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "catalog.h"
#include "conffile.h"
#include "diag.h"
#include "parse.h"

#define PROFILE_MAX_BYTES	CONFFILE_MAX_BYTES	/* lines: CONFFILE_LINE_MAX */
#define PROFILE_MAX_DEPTH	16
#define PROFILE_MAX_SCALAR	4096
#define PROFILE_MAX_NODES	20000
#define PROFILE_MAX_SETTINGS	256
#define PROFILE_MAX_RULES	256
#define PROFILE_MAX_EXTENDS	8

enum severity {
	SEV_INFO,
	SEV_WARNING,
	SEV_CRITICAL,
};

/* "info", "warning", "critical". */
const char *severity_name(enum severity s);
/* Returns 0 or -EINVAL. */
int severity_parse(const char *s, enum severity *ret);

struct cond;

/*
 * What a profile wants of one key. At least one expectation is present
 * (has_equal, has_min, has_max or n_one_of > 0); `apply` alone means
 * equal: apply. For vectors, min and max may leave fields unconstrained:
 * bit i of min_mask/max_mask set = field i is constrained.
 */
struct setting {
	const struct catalog_entry *entry;
	bool has_equal;
	struct value equal;
	bool has_min;
	struct value min;
	unsigned min_mask;
	bool has_max;
	struct value max;
	unsigned max_mask;
	struct value *one_of;
	size_t n_one_of;
	bool has_apply;
	struct value apply;	/* always satisfies the expectation (validated) */
	struct cond *when;	/* the setting holds only where this is true
				   (NULL: everywhere) */
	enum severity severity;
	char *reason;
	char *source;
	char *profile;		/* name of the profile that defined it */
	char *file;		/* where it stands, for messages */
	unsigned line, col;
};

enum cond_type {
	COND_ALL,	/* children: all true (at least one child) */
	COND_ANY,	/* children: at least one true */
	COND_NOT,	/* exactly one child, negated */
	COND_KEY,	/* a test on one key's value */
	COND_KERNEL,	/* tests on the kernel release */
	COND_NETNS,	/* running in a child network namespace or the init one */
	COND_HOST,	/* a fact about the host (host.h) */
};

/* The facts a `host:` condition can test. */
enum host_test {
	HT_CONTAINER,		/* runs in a container */
	HT_MULTIHOMED,		/* several uplinks or default routes */
	HT_GUEST_NETWORKS,	/* routes for containers or VMs (docker0, cni0, ...) */
	HT_KUBERNETES,		/* a Kubernetes node */
	HT_SLAAC,		/* IPv6 configured from router advertisements */
	HT_SINGLE_HOMED,	/* routes known: one uplink, one default route */
	HT_MODULE,		/* `name` (tcp_X or sch_X) is built in or loadable */
	HT_MEMORY,		/* memory in MiB, compared with op and number */
	HT_CPUS,		/* online CPUs, compared with op and number */
};

enum cond_op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,	/* against `operand` */
	OP_IN, OP_NOT_IN,				/* against `set` */
	OP_PRESENT,	/* flag: the key has a value in the view being evaluated */
	OP_ORDERED,	/* flag: vector fields are non-decreasing */
	OP_PARITY,	/* flag true: first and last field have the same parity */
	OP_AVAILABLE,	/* flag: the congestion control or qdisc the value names is
			   built in or loadable (false: certainly neither) */
	OP_ALLOWED,	/* flag: a child namespace may select the congestion
			   control the value names (tcp_allowed_congestion_control) */
	OP_CONFIGURED,	/* flag: a line of the boot configuration sets the key
			   (in either view) */
};

enum operand_kind {
	OPERAND_VALUE,		/* a literal, parsed with the key's shape (or one
				   integer when the condition has a field) */
	OPERAND_DEFAULT,	/* the key's default on this host (catalog_default) */
	OPERAND_KEY,		/* another key's value in the same view (+ field) */
	OPERAND_DEFAULT_PERCENT,	/* `percent` % of the default on this host */
	OPERAND_MEMORY,		/* this host's memory, in `unit`s (pages or bytes) */
};

struct operand {
	enum operand_kind kind;
	struct value value;
	const struct catalog_entry *key;
	unsigned field;		/* 1-based field of `key`; 0: whole value */
	long long percent;	/* OPERAND_DEFAULT_PERCENT */
	long long plus;		/* OPERAND_KEY: added to the other key's value */
	bool pages;		/* OPERAND_MEMORY: in pages, else bytes */
};

struct kver_test {
	enum cond_op op;	/* OP_EQ .. OP_GE */
	struct kver v;
};

struct cond {
	enum cond_type type;
	unsigned line, col;	/* position of the condition, for messages */
	struct cond *children;	/* COND_ALL, COND_ANY, COND_NOT */
	size_t nchildren;
	/* COND_KEY */
	const struct catalog_entry *key;
	unsigned field;		/* 1-based field of a vector; 0: whole value */
	enum cond_op op;
	struct operand operand;	/* OP_EQ .. OP_GE */
	struct value *set;	/* OP_IN, OP_NOT_IN */
	size_t nset;
	bool flag;		/* OP_PRESENT, OP_ORDERED, OP_PARITY */
	/* COND_KERNEL: every test must hold */
	struct kver_test *ktests;
	size_t nktests;
	/* COND_NETNS */
	bool netns_child;
	/* COND_HOST */
	enum host_test htest;
	char *hname;		/* HT_MODULE */
	enum cond_op hop;	/* HT_MEMORY, HT_CPUS: OP_EQ .. OP_GE */
	long long hnum;
};

enum fix_kind {
	FIX_AUTO,	/* the setting's apply value, else the default, else remove */
	FIX_REMOVE,	/* delete the line(s) that set the key */
	FIX_DEFAULT,	/* set the key to its default on this kernel */
	FIX_VALUE,	/* set the key to fix_value */
	FIX_NONE,	/* advice only: no value or line to change */
};

struct rule {
	char *id;		/* "TA-H001" */
	const struct catalog_entry *key;	/* the key the finding is about */
	enum severity severity;
	char *title;		/* one line: what is wrong */
	char *reason;		/* why it matters on today's kernels */
	char *source;		/* where the facts come from */
	enum fix_kind fix_kind;
	struct value fix_value;
	struct cond when;
	char *profile;		/* name of the profile that defined it */
	char *file;
	unsigned line, col;
};

struct profile {
	char *name;
	char *description;
	char *origin;		/* path it was read from, or "built-in" */
	char **aliases;
	size_t naliases;
	char **chain;		/* this profile, then what it extends, up to the root */
	size_t nchain;
	struct setting *settings;	/* resolved: own + inherited (a child's setting of a
					   key replaces the parent's), sorted by key name */
	size_t nsettings;
	struct rule *rules;	/* resolved: inherited minus `disable`, a child's rule with
				   the same id replaces the parent's; sorted by id */
	size_t nrules;
};

/* Where to look for profiles by name. */
struct profile_search {
	const char *const *dirs;	/* searched in order for NAME.yaml, then the built-ins */
	size_t ndirs;
};

/*
 * Load a profile and everything it extends. name_or_path with a '/' or
 * ending in ".yaml" is a file; anything else is a profile name or alias,
 * looked up as NAME.yaml in search->dirs in order, then among the built-in
 * profiles (by name, then by alias). Names in `extends` are looked up the
 * same way.
 * Returns 0 and sets *ret (free with profile_free()); -ENOENT when the
 * profile is not found (a diag says so, with the closest name if any);
 * -EINVAL when it has errors (all of them are in diags); -ENOMEM.
 * On failure *ret is untouched and nothing needs freeing.
 */
int profile_load(const char *name_or_path, const struct profile_search *search,
    struct profile **ret, struct diag_list *diags);

/*
 * Parse one profile from memory without resolving `extends` (for tests and
 * the fuzzer): *ret holds only the profile's own settings and rules, and
 * chain = {name}. file is used in messages. Same returns as profile_load.
 */
int profile_parse(const char *file, const char *text, size_t size,
    struct profile **ret, struct diag_list *diags);

/* Frees everything; accepts NULL; returns NULL. */
struct profile *profile_free(struct profile *p);

/* One line of `tcpadvise profiles`. */
struct profile_info {
	char *name;
	char *description;
	char *origin;		/* path, or "built-in" */
	char **aliases;
	size_t naliases;
	char *shadows;		/* a built-in or later file of the same name this one hides, or NULL */
};

/*
 * List every profile: NAME.yaml in each search dir (first of a name wins),
 * then the built-ins not shadowed. Files that fail to parse are listed in
 * diags (errors) and left out. Sorted by name.
 * Returns 0 (and *ret, *ret_n; free with profile_info_free()) or -ENOMEM.
 */
int profile_list(const struct profile_search *search, struct profile_info **ret,
    size_t *ret_n, struct diag_list *diags);
void profile_info_free(struct profile_info *list, size_t n);

/* The condition in words on f, as explain shows it: "(kernel >= 4.9 and
   tcp_bbr is built in or loadable)". Writes to f only (a memory stream
   for callers that need the text). */
void cond_describe(FILE *f, const struct cond *c);

/* The resolved setting for a key, or NULL. */
const struct setting *profile_setting(const struct profile *p, const char *key);

/* The resolved rule with this id, or NULL. */
const struct rule *profile_rule(const struct profile *p, const char *id);

/*
 * Whether v satisfies the setting's expectation (equal, min/max per
 * constrained field, one-of; all that are present must hold).
 */
bool setting_satisfied(const struct setting *s, const struct value *v);

/* The expectation as text: "= 1", ">= 4096", "<= 60", "one of 1, 2",
   ">= 4096 and <= 65535", vector "field 3 >= 6291456". Returns 0 or -ENOBUFS. */
int setting_describe(const struct setting *s, char *buf, size_t size);

#endif
