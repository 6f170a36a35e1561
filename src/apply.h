/*
 * apply: changing the system. The apply lock, the plan (what would change),
 * the transactional live write with read-back and restore, the journal of
 * the last apply, and rollback.
 *
 * Owns: everything written below ROOT/proc/sys and ROOT/var/lib/tcpadvise;
 * the fragment itself is written through fragment.h.
 * Never: prints or exits. Failures come back as negative errno values with
 * the details (which key, what the kernel kept, how many keys were
 * restored) in the outcome structures, for the command to word.
 *
 * Calling sequence (cmd_apply):
 *   r = apply_lock_timeout(getenv("TCPADVISE_LOCK_TIMEOUT"), &secs);
 *   r = apply_lock(root, secs, &lockfd);       (-ETIMEDOUT: someone else)
 *   ... snapshot_take(), fragment_render() ...
 *   r = apply_plan_make(profile, snapshot, &plan);
 *   r = apply_prepare(&request, &plan, &outcome);   (reads only: --dry-run stops here)
 *   r = apply_commit(&request, &plan, &outcome);
 *   apply_outcome_clear(&outcome);
 *   apply_plan_clear(&plan);
 *   lockfd = apply_unlock(lockfd);
 * and for rollback, under the same lock:
 *   r = apply_rollback(root, &rollback);      (-ENOENT: nothing to roll back)
 *   rollback_outcome_clear(&rollback);
 *
 * Error handling: apply_commit() is all or nothing. It writes the journal
 * first, then the live keys that change in key order, reading each back;
 * the first write that fails or does not stick restores every key already
 * written. Then the fragment; if that fails the live keys are restored too.
 * On any failure the previous journal is put back, so `rollback` still
 * undoes the apply before. apply_rollback() restores every key it can and
 * keeps the journal when anything failed, so it can be run again.
 */
#ifndef TCPADVISE_APPLY_H
#define TCPADVISE_APPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"
#include "snapshot.h"

#define APPLY_STATE_DIR "/var/lib/tcpadvise"
#define APPLY_LOCK_PATH APPLY_STATE_DIR "/lock"
#define APPLY_JOURNAL_PATH APPLY_STATE_DIR "/journal.json"
#define APPLY_LOCK_TIMEOUT_DEFAULT 30	/* seconds */
#define APPLY_LOCK_TIMEOUT_MAX 3600
#define APPLY_JOURNAL_SCHEMA 1

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

/* A configuration file besides the fragment that apply rewrites (lines
   disabled by --resolve, or a copy masking a vendor file). */
struct apply_file {
	const char *path;		/* absolute, below root */
	const char *text;		/* the new content */
};

/* What apply_prepare() and apply_commit() are asked to do. */
struct apply_request {
	const char *root;
	const char *profile;		/* name, for the journal */
	const char *frag_path;		/* absolute, below root; NULL: no fragment */
	const char *frag_text;		/* fragment_render() output; with frag_path */
	bool live;			/* write the live values (not --persist-only) */
	long long now;			/* journal time stamp (unix seconds) */
	const struct apply_file *files;	/* written after the fragment, in order */
	size_t nfiles;
};

/* Which step failed. */
enum apply_stage {
	STAGE_NONE,
	STAGE_FRAGMENT_READ,	/* the existing fragment could not be read */
	STAGE_FRAGMENT_DIR,	/* the fragment's directory is missing */
	STAGE_JOURNAL,		/* the journal could not be written */
	STAGE_LIVE,		/* a live key could not be set */
	STAGE_FRAGMENT,		/* the fragment could not be written */
	STAGE_FILE_READ,	/* a file of rq->files could not be read */
	STAGE_FILE,		/* a file of rq->files could not be written */
};

struct apply_outcome {
	bool frag_existed;
	char *frag_before;		/* the fragment before, NULL if none */
	bool frag_changed;		/* (would be) rewritten */
	size_t nlive;			/* live keys (to be) changed */
	bool changed;			/* frag_changed || nlive > 0 */
	/* on failure */
	enum apply_stage stage;
	int error;			/* negative errno; 0 with STAGE_LIVE: the
					   kernel kept another value (readback) */
	const struct apply_item *failed;	/* STAGE_LIVE: the key */
	char readback[VALUE_STR_MAX];	/* STAGE_LIVE, error 0: what the kernel kept */
	size_t restored;		/* live keys written and then restored */
	size_t restore_failed;		/* live keys that could not be restored */
	char **files_before;		/* per rq->files: its content, NULL: none */
	bool *files_changed;		/* per rq->files: (would be) rewritten */
	size_t nfiles;
	size_t failed_file;		/* STAGE_FILE_READ, STAGE_FILE: its index */
};

/*
 * Work out what apply_commit() would change without changing anything:
 * read the existing fragment, check its directory, count the live changes.
 * Fills *out (initialise it with memset 0; clear with
 * apply_outcome_clear()). Returns 0, or a negative errno with out->stage
 * STAGE_FRAGMENT_READ (-ELOOP, -EISDIR, -EINVAL...) or STAGE_FRAGMENT_DIR.
 */
int apply_prepare(const struct apply_request *rq, const struct apply_plan *plan,
    struct apply_outcome *out);

/*
 * Make the changes apply_prepare() found (nothing when out->changed is
 * false; the journal is then left alone). The caller holds the apply lock.
 * Returns 0 or a negative errno with out->stage and the details set; the
 * system is then as it was, except for keys counted in restore_failed.
 */
int apply_commit(const struct apply_request *rq, const struct apply_plan *plan,
    struct apply_outcome *out);

void apply_outcome_clear(struct apply_outcome *out);

/* One key of the journal. */
struct journal_key {
	char *key;
	char *before;		/* what rollback writes back */
	char *after;		/* what the apply set */
};

/* A file the apply rewrote besides the fragment. */
struct journal_file {
	char *path;
	bool existed;
	char *before;		/* NULL when it did not exist */
	char *after;		/* what the apply wrote */
};

/* The state before the last apply that changed something. */
struct apply_journal {
	char *tool_version;
	char *profile;
	long long time;
	char *frag_path;
	bool frag_existed;
	char *frag_content;	/* NULL when it did not exist */
	char *frag_after;	/* what the apply wrote; NULL in journals of
				   earlier releases (then not compared) */
	struct journal_key *live;
	size_t nlive;
	struct journal_file *files;
	size_t nfiles;
};

/*
 * The journal as JSON text ({"schema_version":1, "tool_version", "profile",
 * "time", "fragment": {"path", "existed", "content"}, "live": [{"key",
 * "before", "after"}], "files": [{"path", "existed", "before", "after"}]}),
 * and back ("files" may be missing in journals of earlier releases). Parsing checks every type and that keys
 * are valid sysctl names; returns -EBADMSG otherwise.
 * Both return 0 or a negative errno; the caller frees *ret (free() /
 * apply_journal_free()).
 */
int apply_journal_format(const struct apply_journal *j, char **ret);
int apply_journal_parse(const char *text, struct apply_journal **ret);

/* ROOT/var/lib/tcpadvise/journal.json: -ENOENT when there is none. */
int apply_journal_read(const char *root, struct apply_journal **ret);

/* Frees everything; accepts NULL; returns NULL. */
struct apply_journal *apply_journal_free(struct apply_journal *j);

/* One key rollback looked at. */
struct rollback_key {
	const char *key;	/* points into the journal */
	char *now;		/* the live value before the rollback, NULL: unreadable */
	const char *to;		/* the journal's before value */
	bool changed;		/* written (it differed) */
	int error;		/* negative errno, or 1: the kernel kept another value */
};

struct rollback_outcome {
	struct apply_journal *journal;
	struct rollback_key *keys;
	size_t nkeys;
	size_t nchanged;
	bool frag_changed;
	bool frag_removed;	/* the apply had created it: removed */
	size_t nfiles_changed;	/* other files put back or removed */
	/* on failure */
	const struct rollback_key *failed;	/* the first key that failed, or NULL */
	int frag_error;		/* negative errno of the fragment step, or 0 */
	const char *stale;	/* -ESTALE: the file edited since the apply */
	unsigned stale_line;	/* ... and its first line that differs */
	const char *failed_file;	/* a file that could not be put back */
};

/*
 * Undo the last apply from its journal: first check that every other file
 * the apply rewrote still holds exactly what it wrote (else -ESTALE, with
 * out->stale and stale_line naming the file and its first line that
 * differs, and nothing is changed), unless force; then write back every
 * live key whose value differs from the journal's before value (read back
 * and compared by shape), put the fragment's content back atomically, or
 * remove it if the apply created it, put every other file back byte for
 * byte (or remove it), then delete the journal. The caller holds the lock.
 * Returns 0; -ENOENT when there is no journal (nothing to roll back);
 * -EBADMSG for a journal that does not parse; -EIO when some key or the
 * fragment could not be restored (details in *out; the journal is kept);
 * or another negative errno. Clear *out with rollback_outcome_clear().
 */
int apply_rollback(const char *root, bool force, struct rollback_outcome *out);
void rollback_outcome_clear(struct rollback_outcome *out);

#endif
