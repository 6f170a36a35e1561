/*
 * cmd: what main.c hands to every command: the parsed options and the exit
 * statuses. Commands print; library modules do not.
 *
 * Checklist: adding a new command
 *   1. Write cmd_<name>.c with `int cmd_<name>(const struct options *o)`:
 *      it returns one of the TA_EXIT_* statuses and never calls exit().
 *   2. Add it to commands[] in main.c with the options it accepts
 *      (OPT_* bits), its argument count and its synopsis line.
 *   3. Document it in man/tcpadvise.8 (SYNOPSIS, the command's section,
 *      EXIT STATUS if it has new failure causes, EXAMPLES) and in
 *      CHANGELOG.md, and add CLI tests in tests/cli/.
 */
#ifndef TCPADVISE_CMD_H
#define TCPADVISE_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"
#include "report.h"

struct apply_history;
struct json_t;
struct snapshot_boot;

/* The exit statuses: a documented contract (tcpadvise(8), EXIT STATUS). */
enum {
	TA_EXIT_OK = 0,		/* success, no findings at or above --fail-on */
	TA_EXIT_FINDINGS = 1,	/* check/lint found findings at or above --fail-on */
	TA_EXIT_USAGE = 2,	/* usage error or bad input; nothing was changed */
	TA_EXIT_SYSTEM = 3,	/* the system could not be read or changed */
};

#define MAX_PROFILE_DIRS 16

/* What a failed command said, for the JSON error object main() prints. */
struct cmd_result {
	bool json;			/* --format json is on the command line */
	char message[1024];		/* the first error, without "tcpadvise: " */
	bool changed;			/* apply, rollback or confirm changed the
					   system (then said so on stdout) */
	bool printed;			/* the report is out, failures included
					   (--all-netns): no error object */
};

/* The parsed command line: the only mutable state besides locals. */
struct options {
	const char *prog;		/* "tcpadvise" */
	const char *command;
	char **args;			/* positional arguments after the command */
	size_t nargs;
	const char *root;		/* --root, "/" by default */
	const char *kernel;		/* --kernel or NULL */
	long long memory;		/* --memory in bytes; 0: not given */
	const char *profile_dirs[MAX_PROFILE_DIRS];	/* search order */
	size_t nprofile_dirs;
	bool color;
	int verbosity;			/* -1 -q, 0, 1 -v */
	const char *profile;		/* --profile or NULL */
	enum report_format format;
	enum severity fail_on;
	bool fail_never;
	bool live_only;			/* apply --live-only */
	bool persist_only;		/* apply --persist-only */
	bool dry_run;			/* apply --dry-run */
	bool resolve;			/* apply --resolve */
	bool force;			/* apply --resolve --force: edit managed files;
					   rollback --force: restore files edited since */
	const char *file;		/* --file: the fragment, or NULL for the default */
	long long to;			/* rollback --to N; -1 when not given */
	unsigned confirm;		/* apply --confirm SECONDS; 0: not given */
	unsigned interval;		/* states --interval, 0: totals */
	unsigned kube_minor;		/* export --kubernetes-version 1.N */
	const char *netns;		/* --netns NAME|PATH|PID, or NULL */
	bool all_netns;			/* --all-netns */
	const struct snapshot_boot *boot;	/* inside a namespace of --netns or
					   --all-netns: what sets its keys when it
					   is made again; NULL: the host's files */
	bool global_elsewhere;		/* --all-netns, in a namespace other than
					   the host's: global keys are judged in
					   the host's, not here */
	struct cmd_result *result;	/* owned by main(): the first error */
};


/* The profile search order of the options (--profile-path,
   TCPADVISE_PROFILE_PATH, ROOT/etc/tcpadvise/profiles; then the built-ins). */
struct profile_search cmd_search(const struct options *o);

/* Load a profile by name or path with the search dirs of o; prints every
   diagnostic. Returns TA_EXIT_OK and sets *ret, or TA_EXIT_USAGE. */
int cmd_load_profile(const struct options *o, const char *name, struct profile **ret);

/* Release a profile of cmd_load_profile(): profile_free(), except for the
   one a namespace worker keeps for its next namespace. Returns NULL. */
struct profile *cmd_profile_release(struct profile *p);

/* Free what cmd_load_profile() kept (a worker's last act). */
void cmd_memo_clear(void);

/* The lock timeout from TCPADVISE_LOCK_TIMEOUT (default 30 s): TA_EXIT_OK,
   or TA_EXIT_USAGE after saying what is wrong with it. */
int cmd_lock_timeout(const struct options *o, unsigned *ret);

/* Take the lock of apply and rollback below the root, waiting up to
   timeout seconds: TA_EXIT_OK and *ret_fd (release with apply_unlock()),
   or TA_EXIT_SYSTEM after saying why not. */
/* "; nothing was changed" for a command that writes (apply, rollback,
   confirm; not --dry-run), to end a message about a failure before any
   change; "" for the others. */
const char *cmd_unchanged(const struct options *o);

int cmd_lock(const struct options *o, unsigned timeout, int *ret_fd);

/* snapshot_take() of the root with --kernel (snapshot_take_boot() with
   o->boot inside a namespace of --netns), then --memory assumed
   (snapshot_assume_memory()). Returns what snapshot_take() returns. */
int cmd_snapshot(const struct options *o, struct snapshot **ret);

/* Say why a snapshot could not be taken (r from snapshot_take() or
   snapshot_from_files()) and return the exit status for it: TA_EXIT_USAGE
   for a bad --kernel or an image whose kernel is not known without it,
   else TA_EXIT_SYSTEM. */
int cmd_snapshot_error(const struct options *o, int r);

/* Say why the socket census failed (r from census_take()) and return
   TA_EXIT_SYSTEM. */
int cmd_census_error(const struct options *o, int r);

/* The report options of the command line (colour, verbosity, --fail-on),
   stamped with the current time. */
void cmd_report_opts(const struct options *o, struct report_opts *ret);

/* Why a file could not be read or written, for "cannot write PATH: ...":
   the words for -ELOOP (a symbolic link), -EISDIR/-EINVAL (not a regular
   file), -EFBIG and -EBADMSG, else strerror(). */
const char *cmd_file_error(int e);

/* Print root on stdout, indented, with a final newline, and release it.
   root NULL (a failed json_pack()) gives -ENOMEM. Returns 0, -ENOMEM or
   -EIO. */
int cmd_print_json(struct json_t *root);

/* Say why the history could not be read (r from apply_history_read() or
   apply_rollback(), with the file h names) and return TA_EXIT_SYSTEM. */
int cmd_history_error(const struct options *o, const struct apply_history *h, int r);

/* Print "tcpadvise: message" (printf-style) on stderr, and keep the first
   one in o->result for the JSON error object. */
void cmd_error(const struct options *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * With --format json, a command that fails prints one object on stdout all
 * the same: {"schema_version": 1, "tool_version", "command", "error":
 * {"code": status, "message"}}. Returns 0 or -EIO.
 */
int cmd_json_error(const char *command, int status, const char *message);

/*
 * apply --confirm, with the apply lock held: start the watcher, a detached
 * process (double fork, setsid, stdio on /dev/null, SIGHUP ignored, no
 * inherited descriptors, working directory /). Once the lock is free it
 * looks for the pending transaction that names its pid (none: it exits),
 * and at the deadline rolls it back under the lock unless it was confirmed
 * or rolled back by then (cmd_confirm.c). Returns 0 with *ret_pid, or a
 * negative errno.
 */
int confirm_watch_start(const char *root, long long deadline, long *ret_pid);

/*
 * --netns and --all-netns: run in each namespace asked for (cmd_netns.c
 * says how) and write one report of them all. The worst status of all
 * the namespaces.
 */
int cmd_netns(const struct options *o, int (*run)(const struct options *));

int cmd_apply(const struct options *o);
int cmd_check(const struct options *o);
int cmd_confirm(const struct options *o);
int cmd_explain(const struct options *o);
int cmd_export(const struct options *o);
int cmd_history(const struct options *o);
int cmd_lint(const struct options *o);
int cmd_profiles(const struct options *o);
int cmd_recommend(const struct options *o);
int cmd_rollback(const struct options *o);
int cmd_states(const struct options *o);

#endif
