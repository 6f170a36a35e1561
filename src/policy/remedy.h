/*
 * remedy: what fixes a finding, and where, as data and as the one text
 * every command prints for it.
 *
 * Owns: struct remedy and its strings; working out which configuration
 * lines must be disabled for a value written to tcpadvise's fragment to
 * win at boot, with procps `sysctl --system` and with systemd-sysctl; how a
 * line is disabled (commented out in place, or, in a vendor file, masked by
 * a copy in /etc/sysctl.d); the fix texts.
 * Never: reads files, prints, or changes anything. Everything it needs is
 * in the parsed configuration of a snapshot.
 *
 * The actions (design.md; `remedy.action` in JSON):
 *   set          write key = value to the fragment (persist) and/or live;
 *                `disable` lists the later lines that would override it
 *   comment-out  disable lines in files of /etc
 *   mask         disable lines of a vendor file (/usr/lib, /usr/local/lib,
 *                /lib, /run) with a copy of it in /etc/sysctl.d
 *   runtime      the container runtime sets the value (docker --sysctl, a
 *                pod's securityContext.sysctls)
 *   source       the file is written by a configuration-management tool:
 *                change it there
 *   none         nothing to do (evidence, accepted values)
 * `fixable` is false only where this host or namespace cannot make the
 * change (a global key inside a child network namespace, a read-only
 * /proc/sys, a key this kernel lacks, a managed file); `why` says so.
 *
 * Calling sequence:
 *   struct remedy r;
 *   remedy_init(&r);
 *   rc = remedy_set(&ctx, entry, "30", true, true, &r);
 *   rc = remedy_text(&r, &fix, &fix_live);
 *   remedy_clear(&r);
 */
#ifndef TCPADVISE_REMEDY_H
#define TCPADVISE_REMEDY_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "sysctld.h"

struct snapshot;

enum remedy_action {
	REMEDY_NONE,
	REMEDY_SET,
	REMEDY_COMMENT_OUT,
	REMEDY_MASK,
	REMEDY_RUNTIME,
	REMEDY_SOURCE,
};

/* "none", "set", "comment-out", "mask", "runtime", "source". */
const char *remedy_action_name(enum remedy_action a);

/* One configuration line to disable. */
struct remedy_line {
	char *file;		/* the file holding the line (symlinks resolved) */
	unsigned line;
	char *mask;		/* a vendor file: the /etc/sysctl.d copy that masks it */
	bool regenerated;	/* in /run: rewritten at boot; a mask freezes it */
	const char *managed_by;	/* "Ansible"...: another tool writes the file */
	const char *why;	/* static: "read after it by both appliers"... */
};

struct remedy {
	enum remedy_action action;
	char *key;		/* the key to set, or the key of the lines */
	char *value;		/* REMEDY_SET: canonical value */
	char *file;		/* REMEDY_SET with persist: the fragment; else the
				   first line's file */
	unsigned line;		/* the first line to disable, 0: none */
	bool live;		/* the live value must change too */
	bool persist;		/* the value goes into the fragment */
	bool runtime;		/* --netns, a runtime container: the value
				   persists through the runtime's OCI config
				   (the pod spec, docker run --sysctl), not a
				   file of ours */
	char *live_value;	/* the value to set live (REMEDY_SET: value;
				   a comment-out of an existing key: its default) */
	struct remedy_line *disable;	/* lines to disable, reading order */
	size_t ndisable;
	bool fixable;
	char *why;		/* !fixable: why not */
	char *by;		/* REMEDY_SOURCE: the program that sets the key at
				   run time (snapshot_key.author), else NULL */
};

/* What remedies are worked out against. */
struct remedy_ctx {
	const struct snapshot *s;
	const char *fragment;	/* root-relative path of tcpadvise's fragment */
};

void remedy_init(struct remedy *r);
void remedy_clear(struct remedy *r);

/* Deep copy of src into *dst (initialised by this call). 0 or -ENOMEM. */
int remedy_copy(struct remedy *dst, const struct remedy *src);

/*
 * A remedy that sets e to value (canonical text): live when `live`, in the
 * fragment when `persist`, and then every assignment or "-key" exclusion
 * of the key in a file that procps or systemd-sysctl reads after the
 * fragment, with another value, goes into `disable`. fixable is worked out
 * from the snapshot (scope, read-only /proc/sys, the key's presence,
 * managed files). Returns 0 or -ENOMEM.
 */
int remedy_set(const struct remedy_ctx *x, const struct catalog_entry *e,
    const char *value, bool live, bool persist, struct remedy *r);

/*
 * A remedy that disables one more line (comment-out, or mask for a vendor
 * file); call it for each line. The first call sets the action, key and
 * position. Returns 0 or -ENOMEM.
 */
int remedy_disable_line(const struct remedy_ctx *x, const struct sysctld_line *l,
    const char *why, struct remedy *r);

/*
 * After the lines: for a key that exists live with another value than its
 * default, disabling the lines changes nothing until the next boot, so the
 * live value is set to default_value too (any value of the key's shape,
 * e.g. the live fields sorted where the default is unknown). Returns 0 or
 * -ENOMEM.
 */
int remedy_reset_live(const struct remedy_ctx *x, const struct catalog_entry *e,
    const char *default_value, struct remedy *r);

/* Mark the remedy as not doable here, with the reason (copied). 0 or -ENOMEM. */
int remedy_unfixable(struct remedy *r, const char *why);

/*
 * The fix texts: *ret_fix says what changes the configuration ("set
 * net.ipv4.tcp_fin_timeout = 30 in /etc/sysctl.d/90-tcpadvise.conf;
 * comment out /etc/sysctl.conf:12 (read after it by procps)"), or, for a
 * live-only remedy, the command; *ret_live the command for the running
 * system ("sysctl -w net.ipv4.tcp_fin_timeout=30") when the configuration
 * change also needs it. Either may be NULL. Returns 0 or -ENOMEM.
 */
int remedy_text(const struct remedy *r, char **ret_fix, char **ret_live);

/*
 * Whether line l, in a file that the applier a reads, comes after the
 * fragment at fragment (root-relative) in a's reading order: the fragment
 * does not have to exist. Lines of the fragment itself are not after it.
 */
bool remedy_after_fragment(const struct sysctld_config *c, enum sysctld_applier a,
    const char *fragment, const struct sysctld_line *l);

/* Whether l is a line of the fragment at fragment (root-relative). */
bool remedy_in_fragment(const struct sysctld_config *c, const char *fragment,
    const struct sysctld_line *l);

#endif
