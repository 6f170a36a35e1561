/*
 * apply: changing the system. The apply lock, the plan (what would change),
 * the transactional write of live values and files with read-back and
 * restore, the numbered history of transactions, and rollback.
 *
 * Owns: everything written below ROOT/proc/sys and ROOT/var/lib/tcpadvise,
 * and the order in which an apply writes its files (each through the
 * atomic recipe of fragment.h).
 * Never: prints or exits. Failures come back as negative errno values with
 * the details (which key or file, what the kernel kept, how much was
 * restored) in the outcome structures, for the command to word.
 *
 * Calling sequence (cmd_apply):
 *   r = apply_lock_timeout(getenv("TCPADVISE_LOCK_TIMEOUT"), &secs);
 *   r = apply_lock(root, secs, &lockfd);       (-ETIMEDOUT: someone else)
 *   ... snapshot_take(), fragment_render() ...
 *   r = apply_plan_make(profile, snapshot, &plan);
 *   r = apply_prepare(&request, &plan, &outcome);   (reads only: --dry-run stops here)
 *   r = apply_commit(&request, &plan, &outcome);    (outcome.txn: its number)
 *   apply_outcome_clear(&outcome);
 *   apply_plan_clear(&plan);
 *   lockfd = apply_unlock(lockfd);
 * for rollback, under the same lock:
 *   r = apply_rollback(&rollback_request, &rollback);  (-ENOENT: nothing to undo)
 *   rollback_outcome_clear(&rollback);
 * and for `history`, without the lock (it only reads):
 *   r = apply_history_read(root, &history);
 *   apply_history_clear(&history);
 *
 * The history. Every apply that changes something is transaction N
 * (1, 2, 3, ...), the file ROOT/var/lib/tcpadvise/history/N.json, mode 0600:
 * the live keys with their values before and after, and every file it
 * touched with its exact bytes before and after. Numbers are the highest
 * one there plus one, and transactions are never deleted (a rollback marks
 * them), so a number is never used twice. The single journal.json of
 * earlier builds is moved into the history as the next transaction by the
 * first apply or rollback that meets it, and `history` lists it as that
 * number until then.
 *
 * Error handling: apply_commit() is all or nothing. It writes the
 * transaction first, then the live keys that change in key order, reading
 * each back, then the files in request order. The first step that fails
 * restores every key and file already written (files byte for byte, or
 * removed again if they did not exist) and deletes the transaction, so the
 * history is as before. apply_rollback() checks every file it would restore
 * before it changes anything and refuses (-ESTALE) when one was edited
 * since; a key or file that cannot be restored stops it after the rest of
 * that transaction was tried, which then stays in the history unmarked so
 * that it can be run again.
 */
#ifndef TCPADVISE_APPLY_H
#define TCPADVISE_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"
#include "snapshot.h"

#define APPLY_STATE_DIR "/var/lib/tcpadvise"
#define APPLY_LOCK_PATH APPLY_STATE_DIR "/lock"
#define APPLY_HISTORY_DIR APPLY_STATE_DIR "/history"
/* The one journal of earlier builds: the state before the last apply. */
#define APPLY_LEGACY_JOURNAL_PATH APPLY_STATE_DIR "/journal.json"
#define APPLY_LOCK_TIMEOUT_DEFAULT 30	/* seconds */
#define APPLY_LOCK_TIMEOUT_MAX 3600
#define APPLY_TXN_SCHEMA 2		/* schema_version of history/N.json */
#define APPLY_LEGACY_SCHEMA 1		/* schema_version of journal.json */
#define APPLY_TXN_MAX 999999999		/* the highest transaction number */
#define APPLY_TXN_MAX_BYTES (16 << 20)	/* a larger transaction is refused */
#define APPLY_FILES_MAX 64		/* files in one apply_request */
#define APPLY_HISTORY_MAX 100000	/* transactions read by apply_history_read() */
#define APPLY_PATH_MAX 1024		/* bytes of a file's path, with the NUL */

/*
 * The lock timeout from the value of TCPADVISE_LOCK_TIMEOUT (NULL or ""
 * for the default): whole seconds, 0..APPLY_LOCK_TIMEOUT_MAX. Returns 0 or
 * -EINVAL/-ERANGE.
 */
int apply_lock_timeout(const char *env, unsigned *ret);

/*
 * Take the exclusive apply lock: flock() on ROOT/var/lib/tcpadvise/lock
 * (the directories are created, mode 0755, when missing), tried every
 * 100 ms for up to timeout seconds (0: once). Our pid is written into the
 * file for people who wonder who holds it. On success *ret_fd is the lock;
 * release it with apply_unlock(). Returns 0, -ETIMEDOUT (held by another
 * process), -ELOOP (a symbolic link at the lock path), or the -errno of
 * mkdir()/open()/flock().
 */
int apply_lock(const char *root, unsigned timeout, int *ret_fd);

/* Release the lock; accepts -1; returns -1. */
int apply_unlock(int fd);

enum apply_state {
	APPLY_CHANGE,	/* the live value differs from the apply value */
	APPLY_SAME,	/* already set */
	APPLY_SKIP,	/* not applied live; `reason` says why */
};

/* One setting with an `apply` value. */
struct apply_item {
	const struct catalog_entry *entry;
	const char *key;		/* entry->name */
	enum apply_state state;
	char *before;			/* live value, blanks folded; NULL: unknown */
	char after[VALUE_STR_MAX];	/* the apply value, canonical text */
	char reason[128];		/* APPLY_SKIP */
	bool in_fragment;		/* written to the fragment (not skipped there) */
};

struct apply_plan {
	struct apply_item *items;	/* sorted by key (strcmp) */
	size_t n;
};

/*
 * The plan for profile p on system s: one item per setting with `apply`.
 * Skipped (live): the keys fragment_skip_reason() leaves out, and keys whose
 * live value cannot be read (the reason is snapshot_status_text()'s), since
 * a value that cannot be read cannot be restored. Returns 0 (free with
 * apply_plan_clear()) or -ENOMEM / -ENOBUFS.
 */
int apply_plan_make(const struct profile *p, const struct snapshot *s,
    struct apply_plan *ret);
void apply_plan_clear(struct apply_plan *plan);

/* Number of items in a state. */
size_t apply_plan_count(const struct apply_plan *plan, enum apply_state state);

/*
 * Whether path may be written by an apply and kept in the history: absolute,
 * shorter than APPLY_PATH_MAX, no empty, "." or ".." component, no trailing
 * '/', no control characters.
 */
bool apply_path_plain(const char *path);

/* One file an apply writes: the fragment, or another sysctl file. */
struct apply_file {
	const char *path;		/* absolute, below root; its directory must exist */
	const char *text;		/* the new content; NULL: remove the file */
	const char *why;		/* what it is for (kept in the history); may be NULL */
};

/* What apply_prepare() and apply_commit() are asked to do. */
struct apply_request {
	const char *root;
	const char *profile;		/* name, for the history */
	const struct apply_file *files;	/* written in this order; the fragment
					   first when there is one */
	size_t nfiles;			/* 0..APPLY_FILES_MAX (0: --live-only) */
	bool live;			/* write the live values (not --persist-only) */
	long long now;			/* time stamp of the transaction (unix seconds) */
	long long confirm_deadline;	/* apply --confirm: unix seconds by which
					   `confirm` must come; 0: an ordinary apply */
	long confirm_pid;		/* apply --confirm: the watcher's pid */
};

/* Which step failed. */
enum apply_stage {
	STAGE_NONE,
	STAGE_FILE_READ,	/* a file could not be read (failed_file) */
	STAGE_FILE_DIR,		/* a file's directory is missing (failed_file) */
	STAGE_JOURNAL,		/* the history could not be read or written */
	STAGE_LIVE,		/* a live key could not be set */
	STAGE_FILE,		/* a file could not be written (failed_file) */
};

/* One file of the request, as apply_prepare() found it. */
struct apply_file_state {
	bool existed;
	char *before;			/* its bytes, NULL if it did not exist */
	bool changed;			/* (would be) written or removed */
	bool written;			/* apply_commit() changed it */
};

struct apply_outcome {
	struct apply_file_state *files;	/* one per request file, same order */
	size_t nfiles;
	size_t nlive;			/* live keys (to be) changed */
	bool changed;			/* a file changed or nlive > 0 */
	unsigned long txn;		/* the transaction recorded; 0: none */
	/* on failure */
	enum apply_stage stage;
	int error;			/* negative errno; 0 with STAGE_LIVE: the
					   kernel kept another value (readback) */
	size_t failed_file;		/* STAGE_FILE*: index into rq->files */
	char journal[64];		/* STAGE_JOURNAL: the file of the history
					   (below the root) */
	const struct apply_item *failed;	/* STAGE_LIVE: the key */
	char readback[VALUE_STR_MAX];	/* STAGE_LIVE, error 0: what the kernel kept */
	size_t restored;		/* live keys written and then restored */
	size_t restore_failed;		/* live keys that could not be restored */
	size_t files_restored;		/* files written and then restored */
	size_t files_restore_failed;	/* files that could not be restored */
};

/*
 * Work out what apply_commit() would change without changing anything:
 * check every file's directory, read every file's current bytes (never
 * through a symbolic link), count the live changes. Fills *out (initialise
 * it with memset 0; clear with apply_outcome_clear()). Returns 0, -EINVAL
 * (more than APPLY_FILES_MAX files, or one path twice; out->stage
 * STAGE_NONE), -ENOMEM, or a negative errno with out->failed_file and
 * out->stage STAGE_FILE_READ (-ELOOP, -EISDIR, -EINVAL, -EFBIG, -EBADMSG...)
 * or STAGE_FILE_DIR.
 */
int apply_prepare(const struct apply_request *rq, const struct apply_plan *plan,
    struct apply_outcome *out);

/*
 * Make the changes apply_prepare() found (nothing when out->changed is
 * false: no transaction is recorded) and record them as the next
 * transaction (out->txn). The caller holds the apply lock. Returns 0 or a
 * negative errno with out->stage and the details set; the system and the
 * history are then as they were, except for what restore_failed and
 * files_restore_failed count.
 */
int apply_commit(const struct apply_request *rq, const struct apply_plan *plan,
    struct apply_outcome *out);

void apply_outcome_clear(struct apply_outcome *out);

/* A live key of a transaction. */
struct txn_key {
	char *key;
	char *before;		/* what rollback writes back */
	char *after;		/* what the apply set */
};

/* A file of a transaction. */
struct txn_file {
	char *path;		/* absolute, below the root */
	char *before;		/* exact bytes before; NULL: it did not exist */
	char *after;		/* exact bytes the apply left; NULL: it removed it */
	char *why;		/* NULL when the apply gave no reason */
};

/* One transaction: what one apply changed. */
struct apply_txn {
	unsigned long number;		/* 1..APPLY_TXN_MAX */
	char *tool_version;
	char *profile;
	long long time;			/* unix seconds */
	bool rolled_back;
	long long rolled_back_time;	/* with rolled_back */
	bool rolled_back_timeout;	/* by the watcher of apply --confirm */
	long long confirm_deadline;	/* apply --confirm: the deadline; 0: none */
	long confirm_pid;		/* apply --confirm: the watcher's pid */
	long long confirmed_time;	/* when `confirm` came; 0: not (yet) */
	struct txn_key *live;
	size_t nlive;
	struct txn_file *files;
	size_t nfiles;
};

/*
 * A transaction as JSON text and back: {"schema_version": 2,
 * "tool_version", "transaction": N, "profile", "time": unix seconds,
 * "rolled_back": null or {"time", "by": "rollback" | "timeout"},
 * "confirm": null or {"deadline", "watcher_pid", "confirmed": null or
 * unix seconds} (absent in older files: null), "live": [{"key", "before", "after"}],
 * "files": [{"path", "why", "existed", "before", "after"}]}. A file's
 * content is a string, null (no file), or {"base64": "..."} for bytes that
 * are not UTF-8 (JSON strings cannot hold them). Parsing checks every type,
 * that keys are valid sysctl names, that paths are absolute and plain (no
 * "." or ".." components), that "existed" agrees with "before", and that
 * no content holds a NUL byte; returns -EBADMSG otherwise.
 * Both return 0 or a negative errno; the caller frees *ret (free() /
 * apply_txn_free()).
 */
int apply_txn_format(const struct apply_txn *t, char **ret);
int apply_txn_parse(const char *text, struct apply_txn **ret);

/* Frees everything; accepts NULL; returns NULL. */
struct apply_txn *apply_txn_free(struct apply_txn *t);

/* Every transaction, oldest first. */
struct apply_history {
	struct apply_txn **txns;
	size_t n;
	bool legacy;		/* the newest is journal.json, not moved yet */
	char failed_path[64];	/* on failure: the file (or directory) at fault */
};

/*
 * Read ROOT/var/lib/tcpadvise/history/N.json for every N (other names are
 * ignored), and a journal.json of an earlier build as the next number (its
 * fragment's "after" is the fragment as it is now). No history directory is
 * an empty history. Fills *ret (clear it with apply_history_clear(); on
 * failure it is empty but for failed_path).
 * Returns 0, -EBADMSG (failed_path names the file; a file's number must
 * match its name), -E2BIG (more than APPLY_HISTORY_MAX), -ENOMEM, or the
 * -errno of reading the directory or a file.
 */
int apply_history_read(const char *root, struct apply_history *ret);
void apply_history_clear(struct apply_history *h);

/*
 * The value key had live before the newest transaction that changed it and
 * was not rolled back, as an integer (its first field): 0 when no readable
 * transaction changed it.
 */
long long apply_history_before(const char *root, const char *key);

/* What apply_rollback() is asked to do. */
struct rollback_request {
	const char *root;
	long long to;		/* undo every transaction after this number
				   (0: all); -1: only the newest not yet undone */
	bool force;		/* restore files that were edited since */
	long long now;		/* when (unix seconds), for the history */
	bool timeout;		/* the watcher of apply --confirm: recorded as
				   rolled back "by": "timeout" */
};

/* A key rollback looked at. */
struct rollback_key {
	unsigned long txn;
	const char *key;	/* points into the history */
	char *now;		/* the live value before the rollback, NULL: unreadable */
	const char *to;		/* the transaction's before value */
	bool changed;		/* written (it differed) */
	int error;		/* negative errno, or 1: the kernel kept another value */
};

enum rollback_action {
	ROLLBACK_SAME,		/* already as before the apply */
	ROLLBACK_RESTORED,	/* its bytes before the apply written back */
	ROLLBACK_REMOVED,	/* the apply had created it: removed */
};

/* A file rollback looked at. */
struct rollback_file {
	unsigned long txn;
	const char *path;	/* points into the history */
	enum rollback_action action;
	bool forced;		/* edited since the apply; restored by --force */
	int error;		/* negative errno of the write or removal */
};

enum rollback_conflict_kind {
	CONFLICT_EDITED,	/* the file differs from what the apply wrote */
	CONFLICT_REMOVED,	/* the apply wrote it; it is gone */
	CONFLICT_CREATED,	/* the apply removed it; it exists again */
	CONFLICT_UNREADABLE,	/* it cannot be read (error) */
};

/* Why a rollback was refused: the first file found, newest transaction first. */
struct rollback_conflict {
	enum rollback_conflict_kind kind;
	unsigned long txn;
	const char *path;	/* points into the history */
	unsigned line;		/* CONFLICT_EDITED: the first line that differs */
	int error;		/* CONFLICT_UNREADABLE: negative errno */
};

struct rollback_outcome {
	struct apply_history history;
	const struct apply_txn **undone;	/* rolled back now, newest first */
	size_t nundone;
	struct rollback_key *keys;	/* in the order restored */
	size_t nkeys;
	size_t nchanged;		/* keys written */
	struct rollback_file *files;	/* in the order restored */
	size_t nfiles;
	struct rollback_conflict conflict;	/* with -ESTALE */
	/* on failure */
	const struct apply_txn *failed_txn;	/* the transaction not undone, or
						   not marked (mark_error) */
	const struct rollback_key *failed;	/* -EIO: its first key that failed, or NULL */
	const struct rollback_file *failed_file;	/* -EIO: its first file that failed */
	int mark_error;		/* undone, but marking it failed: negative errno */
};

/*
 * Undo transactions, newest first: the newest one not yet rolled back, or
 * (rq->to >= 0) every one after rq->to not yet rolled back. First, without
 * changing anything, every file is checked: it must hold exactly the bytes
 * its transaction left (or still those from before it, then it is left
 * alone); otherwise -ESTALE with out->conflict, unless rq->force. Then for
 * each transaction: every live key whose value differs from the before
 * value is written and read back; every file gets its bytes from before
 * back (atomic write, mode 0644), or is removed if the apply created it;
 * the transaction is marked rolled back. The caller holds the lock.
 * Returns 0; -ENOENT when there is nothing to undo; -ERANGE when rq->to is
 * beyond the newest transaction; -ESTALE (nothing was changed); -EBADMSG
 * for a history that does not parse (history.failed_path); -EIO when a key
 * or file of a transaction could not be restored (the rest of it was; it
 * stays unmarked, older ones are left alone; details in *out); the errno
 * of marking a transaction that was undone (out->mark_error); or another
 * negative errno. out->undone lists what was rolled back, also on failure.
 * Clear *out with rollback_outcome_clear().
 */
int apply_rollback(const struct rollback_request *rq, struct rollback_outcome *out);
void rollback_outcome_clear(struct rollback_outcome *out);

/*
 * apply --confirm SECONDS. apply_commit() with rq->confirm_deadline set
 * records the transaction with every file it would write (before and
 * after) but writes only the live values: the files are written by
 * apply_confirm(), so a reboot before the confirmation boots the old
 * configuration. Until then the transaction is pending: the newest one,
 * with a deadline, neither confirmed nor rolled back. Only one can be
 * pending, since apply refuses to run while one is. A rollback of a pending
 * transaction restores its live values and leaves its files alone (they
 * were never written).
 */
bool apply_txn_pending(const struct apply_txn *t);

/*
 * The pending transaction of h (its newest, when pending), or NULL.
 */
const struct apply_txn *apply_history_pending(const struct apply_history *h);

/*
 * Read transaction number of the history. Returns 0 (free *ret with
 * apply_txn_free()), -ENOENT, -EBADMSG or another negative errno.
 */
int apply_txn_read(const char *root, unsigned long number, struct apply_txn **ret);

struct confirm_outcome {
	struct apply_history history;
	const struct apply_txn *txn;	/* the transaction confirmed (or too late) */
	size_t written;			/* files written */
	const char *failed_path;	/* -ESTALE or a write error: the file */
	unsigned line;			/* -ESTALE: the first line that differs */
	size_t files_restored;		/* written, then restored on failure */
	size_t files_restore_failed;
};

/*
 * Confirm the pending transaction (the caller holds the lock): check that
 * each of its files still holds its bytes from before, write the bytes
 * after (or remove the file), and mark it confirmed at now. Returns 0;
 * -ENOENT: nothing pending; -ETIME: its deadline has passed (out->txn; the
 * watcher rolls it back); -ESTALE: a file was edited since the apply
 * (out->failed_path; nothing written); -EBADMSG for a history that does not
 * parse (history.failed_path); or the negative errno of a write or of the
 * marking (out->failed_path NULL), after the files already written were
 * put back. Clear *out with confirm_outcome_clear().
 */
int apply_confirm(const char *root, long long now, struct confirm_outcome *out);
void confirm_outcome_clear(struct confirm_outcome *out);

#endif
