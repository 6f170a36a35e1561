/*
 * sysctld: reading sysctl.d configuration exactly as procps `sysctl
 * --system` and `systemd-sysctl` do, and working out what a reboot sets.
 *
 * Owns: the list of configuration files (after shadowing by basename), their
 * parsed lines, and the precedence model of both tools, as read in their
 * sources and observed with procps-ng 4.0.2 and systemd 252.
 * Never: prints, writes, applies anything.
 *
 * Calling sequence:
 *   struct sysctld_config *c;
 *   r = sysctld_load(root, &c);               (reads every file once)
 *   sysctld_effective(c, APPLIER_PROCPS, "net.ipv4.tcp_fin_timeout", &eff);
 *   (or sysctld_index_new(c, &ix) once and sysctld_index_effective() per key)
 *   c = sysctld_free(c);
 *
 * Error handling: a file that cannot be read is kept in the list with its
 * errno in `error` (both appliers report it and go on); lines that are not
 * assignments are kept as LINE_INVALID with the reason. sysctld_load() fails
 * only for memory or for a directory that exists but cannot be listed.
 */
#ifndef TCPADVISE_SYSCTLD_H
#define TCPADVISE_SYSCTLD_H

#include <stdbool.h>
#include <stddef.h>

#include "conffile.h"

enum sysctld_applier {
	APPLIER_PROCPS,		/* sysctl --system (procps-ng >= 3.3.17 order) */
	APPLIER_SYSTEMD,	/* systemd-sysctl (boot on systemd hosts) */
};

/* The directories, highest priority first, as absolute paths. */
#define SYSCTLD_NDIRS 5
extern const char *const sysctld_dirs[SYSCTLD_NDIRS];
	/* /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d */
#define SYSCTL_CONF "/etc/sysctl.conf"

/* The dir of the kernel command line's pseudo-file (sysctld_add_cmdline()). */
#define SYSCTLD_CMDLINE (SYSCTLD_NDIRS + 1)
#define SYSCTLD_CMDLINE_PATH "/proc/cmdline"

/* How many leading lines may carry a "managed by" header comment. */
#define SYSCTLD_HEADER_LINES 30

enum sysctld_line_kind {
	LINE_ASSIGN,		/* key = value (value may be empty) */
	LINE_EXCLUDE,		/* "-key" with no '=': systemd exclusion */
	LINE_INVALID,		/* not an assignment, or a key that cannot be a sysctl */
};

struct sysctld_line {
	unsigned file;		/* index in sysctld_config.files */
	unsigned lineno;	/* 1-based */
	enum sysctld_line_kind kind;
	char *key;		/* canonical dotted form (procfs.h); NULL if LINE_INVALID */
	char *raw;		/* the stripped line as written (for messages) */
	char *value;		/* stripped value; NULL unless LINE_ASSIGN */
	bool ignore_failure;	/* written with a leading '-' */
	bool glob;		/* key has *, ? or [ */
	const char *problem;	/* LINE_INVALID: "line is not an assignment", "empty key", "invalid key" */
};

struct sysctld_file {
	char *path;		/* as found, relative to the root: "/etc/sysctl.d/99-sysctl.conf" */
	char *target;		/* the file really read when path is a symlink ("/etc/sysctl.conf"),
				   "/dev/null" for a mask; else a copy of path */
	char *name;		/* basename of path */
	unsigned dir;		/* index in sysctld_dirs; SYSCTLD_NDIRS for /etc/sysctl.conf,
				   SYSCTLD_CMDLINE for the kernel command line */
	bool hidden;		/* basename starts with '.': read by procps, skipped by systemd */
	bool masked;		/* symlink to /dev/null */
	int error;		/* 0, or -errno when it could not be read: -EISDIR for a
				   directory, -EINVAL for another file that is not
				   regular, -EFBIG, -EMSGSIZE (conffile.h), -ELOOP... */
	struct conffile_info info;	/* error != 0: the file's type, the line
					   over the limit (conffile_strerror()) */
	const char *managed_by;	/* "Ansible", "Puppet", "Salt", "Chef": a comment among
				   the first SYSCTLD_HEADER_LINES says that tool writes
				   the file; NULL */
	struct sysctld_line *lines;
	size_t nlines;
};

/* A file never read because a higher-priority directory has its basename. */
struct sysctld_shadow {
	char *path;		/* the shadowed file */
	unsigned by;		/* index in files of the one that wins */
};

struct sysctld_config {
	/* The winners of shadowing sorted by basename (strcmp), then
	   /etc/sysctl.conf (if it is a regular file, or a symlink to one) last. */
	struct sysctld_file *files;
	size_t nfiles;
	struct sysctld_shadow *shadowed;
	size_t nshadowed;
};

/*
 * Read every sysctl.d directory below root and /etc/sysctl.conf, parse every
 * file. On success *ret is set; free with sysctld_free(). Returns 0, -ENOMEM,
 * or -errno of a directory that exists but cannot be read.
 */
int sysctld_load(const char *root, struct sysctld_config **ret);

/* A file as it is about to be written: the file at path (root-relative,
   e.g. "/etc/sysctl.d/90-tcpadvise.conf") is read from real instead,
   whether or not it exists yet. */
struct sysctld_planned {
	const char *path;
	const char *real;
};

/*
 * sysctld_load() with the n planned files in their places, to see the
 * files as they will be once they are written (what overrides what, what
 * shadows what). A link to a planned file reads the planned content. A path
 * that neither applier reads (outside the directories, not a "*.conf"
 * name) changes nothing. planned may be NULL when n is 0.
 */
int sysctld_load_planned(const char *root, const struct sysctld_planned *planned,
    size_t n, struct sysctld_config **ret);

/*
 * Parse one file (for `lint`, and used by sysctld_load). display is the name
 * used in messages; the file itself is opened at `real`. On success *ret is
 * filled (free with sysctld_file_clear()); a read error is stored in
 * ret->error and 0 is still returned. Returns -ENOMEM only.
 */
int sysctld_parse_file(const char *display, const char *real, struct sysctld_file *ret);
void sysctld_file_clear(struct sysctld_file *f);

/* Whether an applier reads this file at all (systemd skips hidden files and
   /etc/sysctl.conf itself; procps reads both). */
bool sysctld_applier_reads(enum sysctld_applier a, const struct sysctld_file *f);

/* What an applier does with one key after reading every file. */
struct sysctld_effect {
	const struct sysctld_line *line;	/* the assignment that wins (explicit,
						   else the last matching glob); NULL: none */
	bool excluded;		/* systemd: a later "-key" line cancels the assignment;
				   line is then the cancelling line and nothing is set */
	size_t nassign;		/* explicit assignments of this key the applier reads */
};

/*
 * Compute the effect for a key (canonical dotted form). Globs match the path
 * form with fnmatch(FNM_PATHNAME | FNM_PERIOD), as glob(3) does in both
 * tools, and never beat an explicit assignment. ret->excluded says that an
 * exclusion line is why nothing is set. Returns 0 (ret->line may be NULL),
 * -EINVAL for a bad key, or -ENOMEM.
 */
int sysctld_effective(const struct sysctld_config *c, enum sysctld_applier a,
    const char *key, struct sysctld_effect *ret);

/*
 * The same answers for many keys. sysctld_effective() reads every line for
 * each key, so asking it for every key takes time quadratic in the lines;
 * an index reads them once. It points into c, which must neither change
 * nor be freed while the index is used. sysctld_index_new() returns 0 or
 * -ENOMEM; sysctld_index_effective() returns what sysctld_effective() does
 * (but never -ENOMEM).
 */
struct sysctld_index;
int sysctld_index_new(const struct sysctld_config *c, struct sysctld_index **ret);
int sysctld_index_effective(const struct sysctld_index *ix, enum sysctld_applier a,
    const char *key, struct sysctld_effect *ret);
struct sysctld_index *sysctld_index_free(struct sysctld_index *ix);

/* The display location of a line: the target file (what an operator edits). */
const char *sysctld_line_file(const struct sysctld_config *c, const struct sysctld_line *l);

/*
 * The sysctl.KEY=VALUE parameters of a kernel command line (Linux 5.8 and
 * later apply them before init starts, so every file read at boot comes
 * after them) as a pseudo-file put first in c: path and target
 * SYSCTLD_CMDLINE_PATH, dir SYSCTLD_CMDLINE, one line per such parameter
 * numbered by its position among the parameters. Keys may use '.' or '/';
 * words after "--" belong to init and are not read.
 * Nothing is added when there is none. Returns 0 or -ENOMEM.
 */
int sysctld_add_cmdline(struct sysctld_config *c, const char *cmdline);

/* A key as a sysctl.d line spells it ('.' or '/' separated, leading and
   trailing separators) in dotted form, as both appliers read it. Returns
   0, or -EINVAL for a key no applier can set. */
int sysctld_key(const char *key, char *buf, size_t size);

struct sysctld_config *sysctld_free(struct sysctld_config *c);

#endif
