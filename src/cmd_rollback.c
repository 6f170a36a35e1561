/*
 * cmd_rollback: `tcpadvise rollback`, undo the last apply that changed
 * something, from the journal it left in /var/lib/tcpadvise.
 *
 * Under the apply lock: live values back (each read back), the fragment
 * back or removed, then the journal is deleted, so a second rollback finds
 * nothing to do. No journal: "nothing to roll back", exit 0. A key or the
 * fragment that cannot be restored: every other one still is, the journal
 * is kept for another try, exit 3.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "apply.h"
#include "cmd.h"
#include "procfs.h"

static int
print_json(const struct rollback_outcome *rb, const char *msg)
{
	const struct apply_journal *j = rb->journal;
	json_t *root, *live, *persisted;
	int r;

	if ((live = json_array()) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < rb->nkeys; i++)
		if (rb->keys[i].changed)
			json_array_append_new(live, json_pack("{s:s?, s:s?, s:s}",
			    "key", rb->keys[i].key, "before", rb->keys[i].now,
			    "after", rb->keys[i].to));
	persisted = j == NULL || j->frag_path == NULL ? json_null() :
	    json_pack("{s:s, s:b}", "path", j->frag_path, "changed", rb->frag_changed);
	root = json_pack("{s:i, s:s, s:s?, s:b, s:s, s:o, s:o}", "schema_version", 1,
	    "tool_version", TCPADVISE_VERSION, "profile", j ? j->profile : NULL,
	    "changed", rb->nchanged > 0 || rb->frag_changed, "msg", msg,
	    "live", live, "persisted", persisted);
	if (root == NULL)
		return -ENOMEM;
	r = json_dumpf(root, stdout, JSON_INDENT(2)) < 0 || fputc('\n', stdout) == EOF ?
	    -EIO : 0;
	json_decref(root);
	return r;
}

static void
print_text(const struct rollback_outcome *rb, const char *msg)
{
	const struct apply_journal *j = rb->journal;

	for (size_t i = 0; j != NULL && i < rb->nkeys; i++) {
		const struct rollback_key *k = &rb->keys[i];

		if (k->changed)
			printf("%s: %s -> %s\n", k->key, k->now ? k->now : "?", k->to);
		else
			printf("%s: unchanged\n", k->key);
	}
	if (j != NULL && j->frag_path != NULL)
		printf("%s %s\n", rb->frag_removed ? "removed" :
		    rb->frag_changed ? "restored" : "unchanged:", j->frag_path);
	for (size_t i = 0; j != NULL && i < j->nfiles; i++)
		printf("%s %s\n", j->files[i].existed ? "restored" : "removed",
		    j->files[i].path);
	printf("%s\n", msg);
}

int
cmd_rollback(const struct options *o)
{
	struct rollback_outcome rb;
	char msg[256];
	unsigned timeout;
	int lockfd = -1, status = TA_EXIT_SYSTEM, r;

	memset(&rb, 0, sizeof rb);
	if (cmd_lock_timeout(o, &timeout) != TA_EXIT_OK)
		return TA_EXIT_USAGE;
	if (cmd_lock(o, timeout, &lockfd) != TA_EXIT_OK)
		goto out;

	r = apply_rollback(o->root, o->force, &rb);
	if (r == -ENOENT) {
		snprintf(msg, sizeof msg, "nothing to roll back");
		status = TA_EXIT_OK;
		goto print;
	}
	if (r == -EBADMSG) {
		cmd_error(o, "cannot roll back: %s is not a journal tcpadvise can read",
		    APPLY_JOURNAL_PATH);
		goto out;
	}
	if (r == -ESTALE) {
		cmd_error(o, "%s:%u was edited after the apply; rollback would lose that "
		    "change (use --force to restore it anyway); nothing was changed",
		    rb.stale, rb.stale_line);
		status = TA_EXIT_USAGE;
		goto out;
	}
	if (r == -EIO && rb.failed_file != NULL && rb.failed == NULL &&
	    rb.frag_error == 0) {
		cmd_error(o, "cannot restore %s; the live values and the fragment were "
		    "restored, the journal is kept", rb.failed_file);
		goto out;
	}
	if (r == -EIO && rb.failed != NULL) {
		const struct rollback_key *k = rb.failed;

		if (k->error > 0)
			cmd_error(o, "cannot restore %s to '%s': the kernel kept another "
			    "value; the rest was restored, the journal is kept", k->key, k->to);
		else
			cmd_error(o, "cannot restore %s to '%s': %s; the rest was restored, "
			    "the journal is kept", k->key, k->to, strerror(-k->error));
		goto out;
	}
	if (r == -EIO) {
		cmd_error(o, "cannot restore %s: %s; the live values were restored, the "
		    "journal is kept", rb.journal->frag_path,
		    rb.frag_error == -ELOOP ? "it is a symbolic link, which tcpadvise "
		    "never follows" : strerror(-rb.frag_error));
		goto out;
	}
	if (r < 0) {
		cmd_error(o, "cannot roll back: %s", strerror(-r));
		goto out;
	}
	snprintf(msg, sizeof msg, "rolled back the last apply of profile %s: %zu key%s "
	    "restored live%s", rb.journal->profile, rb.nchanged,
	    rb.nchanged == 1 ? "" : "s", rb.journal->frag_path == NULL ? "" :
	    rb.frag_removed ? ", fragment removed" :
	    rb.frag_changed ? ", fragment restored" : ", fragment unchanged");
	if (rb.nfiles_changed > 0) {
		size_t len = strlen(msg);

		snprintf(msg + len, sizeof msg - len, ", %zu other file%s put back",
		    rb.nfiles_changed, rb.nfiles_changed == 1 ? "" : "s");
	}
	status = TA_EXIT_OK;
print:
	if (o->format == FORMAT_JSON) {
		if (print_json(&rb, msg) < 0) {
			cmd_error(o, "cannot write the output");
			status = TA_EXIT_SYSTEM;
		}
	} else {
		print_text(&rb, msg);
	}
out:
	lockfd = apply_unlock(lockfd);
	rollback_outcome_clear(&rb);
	return status;
}
