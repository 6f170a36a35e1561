/*
 * cmd_rollback: `tcpadvise rollback [--to N] [--force]`, undo applies from
 * the history in /var/lib/tcpadvise/history.
 *
 * Under the apply lock: the newest transaction not yet rolled back, or with
 * --to N every one after N, newest first: live values back (each read
 * back), every file it touched back byte for byte (or removed if the apply
 * created it); each transaction is then marked rolled back, so a second
 * rollback goes on with the one before. Nothing to undo: "nothing to roll
 * back", exit 0. A file edited since its apply: refused before anything
 * changes, exit 2, unless --force. A key or file that cannot be restored:
 * the rest of that transaction still is, it stays unmarked for another
 * try, exit 3.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "apply.h"
#include "cmd.h"
#include "escape.h"
#include "procfs.h"

static const char *const action_names[] = {
	[ROLLBACK_SAME] = "unchanged",
	[ROLLBACK_RESTORED] = "restored",
	[ROLLBACK_REMOVED] = "removed",
};

/*
 * What became of each file, once: a file that several transactions
 * touched ends as the oldest of them left it, so the last entry that
 * changed it (they are newest first) says; ROLLBACK_SAME when none did.
 */
static enum rollback_action
file_result(const struct rollback_outcome *rb, const char *path)
{
	enum rollback_action a = ROLLBACK_SAME;

	for (size_t i = 0; i < rb->nfiles; i++)
		if (strcmp(rb->files[i].path, path) == 0 &&
		    rb->files[i].action != ROLLBACK_SAME)
			a = rb->files[i].action;
	return a;
}

/* Whether entry i is the first of its file (or key) in the outcome. */
static bool
first_file(const struct rollback_outcome *rb, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(rb->files[j].path, rb->files[i].path) == 0)
			return false;
	return true;
}

/* "3 keys restored live, 1 file restored, 1 removed": each key and file
   counted once, however many transactions touched it. */
static void
summary(const struct rollback_outcome *rb, char *buf, size_t size)
{
	static const enum rollback_action order[] = { ROLLBACK_RESTORED,
	    ROLLBACK_REMOVED, ROLLBACK_SAME };
	size_t count[3] = { 0, 0, 0 }, nkeys = 0;
	bool first = true;
	int n;

	for (size_t i = 0; i < rb->nfiles; i++)
		if (first_file(rb, i))
			count[file_result(rb, rb->files[i].path)]++;
	for (size_t i = 0; i < rb->nkeys; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = rb->keys[j].changed &&
			    strcmp(rb->keys[j].key, rb->keys[i].key) == 0;
		nkeys += rb->keys[i].changed && !seen;
	}
	n = snprintf(buf, size, "%zu key%s restored live", nkeys, nkeys == 1 ? "" : "s");
	for (size_t i = 0; i < 3; i++) {
		size_t c = count[order[i]];

		if (c == 0 || n < 0 || (size_t)n >= size)
			continue;
		n += snprintf(buf + n, size - (size_t)n, ", %zu%s %s", c,
		    !first ? "" : c == 1 ? " file" : " files", action_names[order[i]]);
		first = false;
	}
}

static void
compose_msg(const struct rollback_outcome *rb, char *buf, size_t size)
{
	char sum[160];
	int n;

	summary(rb, sum, sizeof sum);
	if (rb->nundone == 1) {
		snprintf(buf, size, "rolled back apply %lu (profile %s): %s",
		    rb->undone[0]->number, rb->undone[0]->profile, sum);
		return;
	}
	n = snprintf(buf, size, "rolled back applies");
	for (size_t i = 0; i < rb->nundone && n > 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - (size_t)n, "%s %lu", i ? "," : "",
		    rb->undone[i]->number);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ": %s", sum);
}

/* The fragment's entry among the files: --file, or the default path. */
static json_t *
persisted_json(const struct options *o, const struct rollback_outcome *rb)
{
	const char *path = o->file ? o->file : FRAGMENT_DEFAULT;

	for (size_t i = 0; i < rb->nfiles; i++)
		if (strcmp(rb->files[i].path, path) == 0)
			return json_pack("{s:o, s:b}", "path", report_jstr(path), "changed",
			    file_result(rb, path) != ROLLBACK_SAME);
	return json_null();
}

static int
print_json(const struct options *o, const struct rollback_outcome *rb, const char *msg)
{
	json_t *root, *live, *files, *undone;
	bool changed = rb->nchanged > 0;
	int r = -ENOMEM;

	live = json_array();
	files = json_array();
	undone = json_array();
	if (live == NULL || files == NULL || undone == NULL)
		goto fail;
	for (size_t i = 0; i < rb->nundone; i++)
		json_array_append_new(undone, json_integer((json_int_t)rb->undone[i]->number));
	for (size_t i = 0; i < rb->nkeys; i++)
		if (rb->keys[i].changed)
			json_array_append_new(live, json_pack("{s:o, s:o, s:o, s:I}",
			    "key", report_jstr(rb->keys[i].key), "before",
			    report_jstr(rb->keys[i].now), "after", report_jstr(rb->keys[i].to),
			    "transaction",
			    (json_int_t)rb->keys[i].txn));
	for (size_t i = 0; i < rb->nfiles; i++)
		json_array_append_new(files, json_pack("{s:o, s:s, s:b, s:I}", "path",
		    report_jstr(rb->files[i].path), "action", action_names[rb->files[i].action],
		    "forced", rb->files[i].forced, "transaction",
		    (json_int_t)rb->files[i].txn));
	for (size_t i = 0; i < rb->nfiles; i++)
		changed |= rb->files[i].action != ROLLBACK_SAME;
	root = json_pack("{s:i, s:s, s:o, s:b, s:o, s:o, s:o, s:o, s:o}",
	    "schema_version", 1, "tool_version", TCPADVISE_VERSION, "profile",
	    report_jstr(rb->nundone > 0 ? rb->undone[0]->profile : NULL), "changed",
	    changed, "msg", report_jstr(msg), "rolled_back", undone, "live", live, "persisted",
	    persisted_json(o, rb), "files", files);
	return cmd_print_json(root);
fail:
	json_decref(live);
	json_decref(files);
	json_decref(undone);
	return r;
}

static void
print_text(const struct rollback_outcome *rb, const char *msg)
{
	size_t k = 0, f = 0;

	for (size_t i = 0; i < rb->nundone; i++) {
		const struct apply_txn *t = rb->undone[i];

		/* Keys, values and paths of the history: escaped line by line. */
		term_printf(stdout, "apply %lu, profile %s:", t->number, t->profile);
		putchar('\n');
		for (; k < rb->nkeys && rb->keys[k].txn == t->number; k++) {
			const struct rollback_key *key = &rb->keys[k];

			if (key->changed)
				term_printf(stdout, "  %s: %s -> %s", key->key, key->now ?
				    key->now : "?", key->to);
			else
				term_printf(stdout, "  %s: unchanged", key->key);
			putchar('\n');
		}
		for (; f < rb->nfiles && rb->files[f].txn == t->number; f++) {
			const struct rollback_file *file = &rb->files[f];

			if (file->action == ROLLBACK_SAME)
				term_printf(stdout, "  unchanged: %s", file->path);
			else
				term_printf(stdout, "  %s %s%s", action_names[file->action],
				    file->path, file->forced ? " (edited since; --force)" : "");
			putchar('\n');
		}
	}
	term_fputs(msg, stdout);
	putchar('\n');
}

/* Exit 2 for a file edited since its apply, 3 for one that cannot be read. */
static int
report_conflict(const struct options *o, const struct rollback_conflict *c)
{
	static const char tail[] = "rollback would lose that change (use --force to "
	    "restore it anyway)";

	switch (c->kind) {
	case CONFLICT_EDITED:
		cmd_error(o, "%s:%u was edited after apply %lu; %s", c->path, c->line,
		    c->txn, tail);
		break;
	case CONFLICT_REMOVED:
		cmd_error(o, "%s was removed after apply %lu; %s", c->path, c->txn, tail);
		break;
	case CONFLICT_CREATED:
		cmd_error(o, "%s was created again after apply %lu, which removed it; %s",
		    c->path, c->txn, tail);
		break;
	case CONFLICT_UNREADABLE:
		cmd_error(o, "cannot roll back apply %lu: %s: %s; nothing was changed",
		    c->txn, c->path, cmd_file_error(c->error));
		return TA_EXIT_SYSTEM;
	}
	return TA_EXIT_USAGE;
}

/* A key or file of rb->failed_txn could not be restored, or it could not
   be marked. */
static void
report_failure(const struct options *o, const struct rollback_outcome *rb)
{
	const struct apply_txn *t = rb->failed_txn;
	char what[512], done[64] = "";

	if (rb->nundone > 0)
		snprintf(done, sizeof done, "; apply%s", rb->nundone == 1 ? "" : "s");
	for (size_t i = 0; i < rb->nundone; i++) {
		size_t n = strlen(done);

		snprintf(done + n, sizeof done - n, "%s %lu", i ? "," : "",
		    rb->undone[i]->number);
	}
	if (rb->nundone > 0) {
		size_t n = strlen(done);

		snprintf(done + n, sizeof done - n, " %s rolled back before it",
		    rb->nundone == 1 ? "was" : "were");
	}
	if (rb->mark_error < 0) {
		cmd_error(o, "cannot mark apply %lu as rolled back: %s; its live values "
		    "and files were restored%s", t->number, strerror(-rb->mark_error),
		    done);
		return;
	}
	if (rb->failed != NULL && rb->failed->error > 0)
		snprintf(what, sizeof what, "cannot restore %s to '%s': the kernel kept "
		    "another value", rb->failed->key, rb->failed->to);
	else if (rb->failed != NULL)
		snprintf(what, sizeof what, "cannot restore %s to '%s': %s",
		    rb->failed->key, rb->failed->to, strerror(-rb->failed->error));
	else
		snprintf(what, sizeof what, "cannot %s %s: %s",
		    rb->failed_file->action == ROLLBACK_REMOVED ? "remove" : "restore",
		    rb->failed_file->path, cmd_file_error(rb->failed_file->error));
	cmd_error(o, "%s; the rest of apply %lu was restored, and it stays in the "
	    "history for another rollback%s", what, t->number, done);
}

int
cmd_rollback(const struct options *o)
{
	struct rollback_request rq;
	struct rollback_outcome rb;
	char msg[512];
	unsigned long newest;
	unsigned timeout;
	int lockfd = -1, status = TA_EXIT_SYSTEM, r;

	memset(&rb, 0, sizeof rb);
	if (cmd_lock_timeout(o, &timeout) != TA_EXIT_OK)
		return TA_EXIT_USAGE;
	if (cmd_lock(o, timeout, &lockfd) != TA_EXIT_OK)
		goto out;

	memset(&rq, 0, sizeof rq);
	rq.root = o->root;
	rq.to = o->to;
	rq.force = o->force;
	rq.now = (long long)time(NULL);
	r = apply_rollback(&rq, &rb);
	switch (r) {
	case 0:
		compose_msg(&rb, msg, sizeof msg);
		status = TA_EXIT_OK;
		if (o->result != NULL)
			o->result->changed = true;
		break;
	case -ENOENT:
		snprintf(msg, sizeof msg, "nothing to roll back");
		status = TA_EXIT_OK;
		break;
	case -ERANGE:
		newest = rb.history.n > 0 ? rb.history.txns[rb.history.n - 1]->number : 0;
		if (newest == 0)
			cmd_error(o, "invalid --to %lld: nothing has been applied yet", o->to);
		else
			cmd_error(o, "invalid --to %lld: the newest apply is %lu", o->to, newest);
		status = TA_EXIT_USAGE;
		goto out;
	case -ESTALE:
		status = report_conflict(o, &rb.conflict);
		goto out;
	default:
		if (rb.failed_txn != NULL)
			report_failure(o, &rb);
		else if (rb.history.failed_path[0] != '\0')
			cmd_history_error(o, &rb.history, r);
		else
			cmd_error(o, "cannot roll back: %s", strerror(-r));
		goto out;
	}
	if ((o->format == FORMAT_JSON ? print_json(o, &rb, msg) :
	    (print_text(&rb, msg), 0)) < 0) {
		cmd_error(o, "cannot write the output");
		status = TA_EXIT_SYSTEM;
	}
out:
	lockfd = apply_unlock(lockfd);
	rollback_outcome_clear(&rb);
	return status;
}
