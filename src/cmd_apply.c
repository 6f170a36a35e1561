/*
 * cmd_apply: `tcpadvise apply`, one of the two commands that change the
 * system.
 *
 * Load the profile (exit 2 on any error), take the apply lock, read the
 * system, render the fragment, plan, then commit through apply.h as one
 * numbered transaction: the history first, live values (transactional),
 * then the files (the fragment; each atomic). Then warn about every later
 * configuration line that overrides one of our keys, since a "90-" name
 * does not beat a "99-" file or /etc/sysctl.conf.
 *
 * --dry-run takes no lock and writes nothing at all: it prints the plan and
 * a unified diff of the fragment. Exit 0 whether or not anything changed;
 * 2 for usage and profile errors; 3 when the system could not be changed
 * (and then it is as it was).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "apply.h"
#include "cmd.h"
#include "fragment.h"
#include "procfs.h"
#include "snapshot.h"
#include "sysctld.h"

/* Everything the output needs. */
struct apply_view {
	const struct options *o;
	const struct profile *p;
	const char *path;			/* the fragment, NULL with --live-only */
	const struct apply_request *rq;
	const struct apply_plan *plan;
	const struct apply_outcome *out;
	const char *frag_text;
	const struct fragment_override *ov;
	size_t nov;
	const struct sysctld_config *config;
	char msg[256];
};

/* Which appliers end with which value for a key, for the warning text. */
static void
final_value(const struct sysctld_config *c, const char *key, enum sysctld_applier a,
    char *buf, size_t size)
{
	struct sysctld_effect eff;

	if (sysctld_effective(c, a, key, &eff) < 0 || eff.line == NULL)
		snprintf(buf, size, "?");
	else if (eff.excluded)
		snprintf(buf, size, "not setting it");
	else
		snprintf(buf, size, "%s", eff.line->value);
}

static void
print_override(const struct apply_view *v, const struct fragment_override *ov)
{
	char pv[VALUE_STR_MAX], sv[VALUE_STR_MAX];

	if (ov->value == NULL)
		printf("warning: %s:%u excludes %s after our fragment; "
		    "systemd-sysctl does not set it\n", ov->file, ov->line, ov->key);
	else
		printf("warning: %s:%u sets %s = %s after our fragment; ", ov->file,
		    ov->line, ov->key, ov->value);
	if (ov->value == NULL)
		return;
	final_value(v->config, ov->key, APPLIER_PROCPS, pv, sizeof pv);
	final_value(v->config, ov->key, APPLIER_SYSTEMD, sv, sizeof sv);
	if (ov->appliers == (FRAGMENT_PROCPS | FRAGMENT_SYSTEMD) && strcmp(pv, sv) == 0)
		printf("sysctl --system (procps) and systemd-sysctl end with %s\n", pv);
	else if (ov->appliers == (FRAGMENT_PROCPS | FRAGMENT_SYSTEMD))
		printf("sysctl --system (procps) ends with %s, systemd-sysctl with %s\n",
		    pv, sv);
	else if (ov->appliers & FRAGMENT_PROCPS)
		printf("sysctl --system (procps) ends with %s\n", pv);
	else
		printf("systemd-sysctl ends with %s\n", sv);
}

/*
 * Drop the later lines that set the value we set: they change nothing.
 * Returns the new count; the kept entries stay in order.
 */
static size_t
keep_real_overrides(const struct apply_plan *plan, struct fragment_override *ov,
    size_t n)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		const struct apply_item *it = NULL;
		struct value a, b;
		const char *errstr;

		for (size_t j = 0; j < plan->n && it == NULL; j++)
			if (strcmp(plan->items[j].key, ov[i].key) == 0)
				it = &plan->items[j];
		if (it != NULL && ov[i].value != NULL &&
		    value_parse_kernel(ov[i].value, it->entry->shape,
		    it->entry->nfields, &a, &errstr) == 0 &&
		    value_parse_kernel(it->after, it->entry->shape,
		    it->entry->nfields, &b, &errstr) == 0 && value_equal(&a, &b))
			continue;
		ov[kept++] = ov[i];
	}
	return kept;
}

static void
compose_msg(struct apply_view *v)
{
	const struct apply_plan *plan = v->plan;
	const struct apply_outcome *out = v->out;
	size_t same = v->o->persist_only ? 0 : apply_plan_count(plan, APPLY_SAME);
	size_t skip = apply_plan_count(plan, APPLY_SKIP);
	char frag[160] = "";

	if (v->path != NULL)
		snprintf(frag, sizeof frag, "; %s %s", v->path,
		    !out->files[0].changed ? "unchanged" :
		    v->o->dry_run ? "would be written" : "written");
	if (v->o->persist_only)
		snprintf(v->msg, sizeof v->msg, "%sprofile %s: %zu skipped%s; live "
		    "values left alone (--persist-only)", v->o->dry_run ?
		    "dry run, nothing changed: " : "", v->p->name, skip, frag);
	else if (v->o->dry_run)
		snprintf(v->msg, sizeof v->msg, "dry run, nothing changed: profile %s "
		    "would change %zu key%s live, %zu unchanged, %zu skipped%s",
		    v->p->name, out->nlive, out->nlive == 1 ? "" : "s", same, skip, frag);
	else if (out->changed)
		snprintf(v->msg, sizeof v->msg, "applied profile %s: %zu key%s changed "
		    "live, %zu unchanged, %zu skipped%s", v->p->name, out->nlive,
		    out->nlive == 1 ? "" : "s", same, skip, frag);
	else
		snprintf(v->msg, sizeof v->msg, "nothing to change: profile %s is "
		    "already applied (%zu unchanged, %zu skipped)", v->p->name, same, skip);
}

static int
print_text(const struct apply_view *v)
{
	const struct options *o = v->o;

	for (size_t i = 0; i < v->plan->n; i++) {
		const struct apply_item *it = &v->plan->items[i];

		if (it->state == APPLY_SKIP) {
			if (!o->persist_only || !it->in_fragment)
				printf("%s: skipped: %s\n", it->key, it->reason);
		} else if (o->persist_only) {
			continue;
		} else if (it->state == APPLY_CHANGE) {
			printf("%s: %s -> %s\n", it->key, it->before, it->after);
		} else {
			printf("%s: unchanged\n", it->key);
		}
	}
	for (size_t i = 0; i < v->rq->nfiles; i++) {
		const struct apply_file *f = &v->rq->files[i];
		const struct apply_file_state *fs = &v->out->files[i];

		if (!fs->changed)
			printf("unchanged: %s\n", f->path);
		else if (f->text == NULL)
			printf("%s %s\n", o->dry_run ? "would remove" : "removed", f->path);
		else
			printf("%s %s\n", o->dry_run ? "would write" : "wrote", f->path);
	}
	for (size_t i = 0; o->dry_run && i < v->rq->nfiles; i++) {
		const struct apply_file *f = &v->rq->files[i];
		char *diff = NULL;

		if (!v->out->files[i].changed || f->text == NULL)
			continue;
		if (fragment_diff(f->path, v->out->files[i].before, f->text, &diff) < 0)
			return -ENOMEM;
		fputs(diff, stdout);
		free(diff);
	}
	for (size_t i = 0; i < v->nov; i++)
		print_override(v, &v->ov[i]);
	printf("%s\n", v->msg);
	return 0;
}

static int
print_json(const struct apply_view *v)
{
	const struct options *o = v->o;
	json_t *root, *live, *same, *skipped, *over, *persisted, *files;
	int r = -ENOMEM;

	live = json_array();
	same = json_array();
	skipped = json_array();
	over = json_array();
	files = json_array();
	if (live == NULL || same == NULL || skipped == NULL || over == NULL ||
	    files == NULL)
		goto fail;
	for (size_t i = 0; i < v->rq->nfiles; i++)
		json_array_append_new(files, json_pack("{s:s, s:b, s:b}", "path",
		    v->rq->files[i].path, "changed", v->out->files[i].changed,
		    "existed", v->out->files[i].existed));
	for (size_t i = 0; i < v->plan->n; i++) {
		const struct apply_item *it = &v->plan->items[i];

		if (it->state == APPLY_SKIP && (!o->persist_only || !it->in_fragment))
			json_array_append_new(skipped, json_pack("{s:s, s:s}", "key",
			    it->key, "reason", it->reason));
		else if (o->persist_only || it->state == APPLY_SKIP)
			continue;
		else if (it->state == APPLY_CHANGE)
			json_array_append_new(live, json_pack("{s:s, s:s, s:s}", "key",
			    it->key, "before", it->before, "after", it->after));
		else
			json_array_append_new(same, json_string(it->key));
	}
	for (size_t i = 0; i < v->nov; i++) {
		const struct fragment_override *ov = &v->ov[i];
		json_t *ap = json_array();

		if (ap == NULL)
			goto fail;
		if (ov->appliers & FRAGMENT_PROCPS)
			json_array_append_new(ap, json_string("procps"));
		if (ov->appliers & FRAGMENT_SYSTEMD)
			json_array_append_new(ap, json_string("systemd"));
		json_array_append_new(over, json_pack("{s:s, s:s, s:i, s:s?, s:o}",
		    "key", ov->key, "file", ov->file, "line", (int)ov->line,
		    "value", ov->value, "appliers", ap));
	}
	persisted = v->path == NULL ? json_null() : json_pack("{s:s, s:b}", "path",
	    v->path, "changed", v->out->files[0].changed);
	root = json_pack("{s:i, s:s, s:s, s:b, s:o, s:b, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "schema_version", 1, "tool_version", TCPADVISE_VERSION,
	    "profile", v->p->name, "changed", v->out->changed, "transaction",
	    v->out->txn > 0 ? json_integer((json_int_t)v->out->txn) : json_null(),
	    "failed", 0, "msg", v->msg, "live", live, "unchanged", same,
	    "persisted", persisted, "files", files, "skipped", skipped,
	    "overridden_by", over);
	live = same = skipped = over = files = NULL;
	if (root == NULL)
		goto fail;
	if (v->path != NULL && v->out->files[0].changed)
		json_object_set_new(root, "diff", json_pack("{s:s?, s:s}", "before",
		    v->out->files[0].before, "after", v->frag_text));
	if (o->dry_run)
		json_object_set_new(root, "dry_run", json_true());
	return cmd_print_json(root);
fail:
	json_decref(live);
	json_decref(same);
	json_decref(skipped);
	json_decref(over);
	json_decref(files);
	return r;
}

/* "restored the 2 keys already set" (and the files already written), and
   what could not be restored. */
static void
restored_text(const struct apply_outcome *out, const char *what, char *buf,
    size_t size)
{
	size_t failed = out->restore_failed + out->files_restore_failed;
	int n;

	if (out->restored == 0 && out->files_restored == 0 && failed == 0)
		n = snprintf(buf, size, "nothing was changed");
	else if (out->files_restored == 0)
		n = snprintf(buf, size, "restored the %zu %s%s already set", out->restored,
		    what, out->restored == 1 ? "" : "s");
	else
		n = snprintf(buf, size, "restored the %zu %s%s already set and the %zu "
		    "file%s already written", out->restored, what,
		    out->restored == 1 ? "" : "s", out->files_restored,
		    out->files_restored == 1 ? "" : "s");
	if (failed > 0 && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "; %zu could not be restored "
		    "(tcpadvise rollback may)", failed);
}

static int
report_failure(const struct options *o, const struct apply_request *rq,
    const struct apply_outcome *out)
{
	const struct apply_file *f = out->failed_file < rq->nfiles ?
	    &rq->files[out->failed_file] : NULL;
	const char *verb = f != NULL && f->text == NULL ? "remove" : "write";
	char dir[4096], extra[200];
	const char *slash;

	switch (out->stage) {
	case STAGE_FILE_DIR:
		slash = strrchr(f->path, '/');
		snprintf(dir, sizeof dir, "%.*s", slash == f->path ? 1 :
		    (int)(slash - f->path), f->path);
		if (out->error == -ENOENT)
			cmd_error(o, "cannot %s %s: the directory %s does not exist "
			    "(tcpadvise does not create it); nothing was changed",
			    verb, f->path, dir);
		else
			cmd_error(o, "cannot %s %s: %s: %s; nothing was changed",
			    verb, f->path, dir, strerror(-out->error));
		break;
	case STAGE_FILE_READ:
		cmd_error(o, "cannot %s %s: %s; nothing was changed", verb, f->path,
		    cmd_file_error(out->error));
		break;
	case STAGE_JOURNAL:
		if (out->error == -EBADMSG)
			cmd_error(o, "cannot read the history: %s is not a transaction "
			    "tcpadvise can read; nothing was changed", out->journal);
		else
			cmd_error(o, "cannot write the history %s: %s; nothing was changed",
			    out->journal, strerror(-out->error));
		break;
	case STAGE_LIVE:
		if ((out->error == -EACCES || out->error == -EPERM ||
		    out->error == -EROFS) && out->restored == 0 &&
		    out->restore_failed == 0) {
			cmd_error(o, "cannot set %s: %s (run as root; in a container "
			    "/proc/sys may be read-only)", out->failed->key,
			    strerror(-out->error));
			break;
		}
		restored_text(out, "key", extra, sizeof extra);
		if (out->error == 0)
			cmd_error(o, "cannot set %s to '%s': the kernel kept '%s'; %s",
			    out->failed->key, out->failed->after, out->readback, extra);
		else
			cmd_error(o, "cannot set %s to '%s': %s; %s", out->failed->key,
			    out->failed->after, strerror(-out->error), extra);
		break;
	case STAGE_FILE:
		restored_text(out, "live key", extra, sizeof extra);
		cmd_error(o, "cannot %s %s: %s; %s", verb, f->path,
		    cmd_file_error(out->error), extra);
		break;
	case STAGE_NONE:
		cmd_error(o, "cannot apply: %s", strerror(-out->error));
		break;
	}
	return TA_EXIT_SYSTEM;
}

int
cmd_apply(const struct options *o)
{
	struct profile *p = NULL;
	struct snapshot *s = NULL;
	struct sysctld_config *config = NULL;
	struct fragment_skip *skipped = NULL;
	struct fragment_override *ov = NULL;
	struct apply_plan plan = { NULL, 0 };
	struct apply_outcome out;
	struct apply_request rq;
	struct apply_file files[1];
	struct apply_view v;
	const char *path = o->file ? o->file : FRAGMENT_DEFAULT;
	char *text = NULL;
	size_t nskipped = 0, nov = 0;
	unsigned timeout;
	int lockfd = -1, status, r;

	memset(&out, 0, sizeof out);
	if (o->profile == NULL) {
		cmd_error(o, "apply needs --profile");
		return TA_EXIT_USAGE;
	}
	if (!apply_path_plain(path)) {
		cmd_error(o, "invalid --file '%s' (expected an absolute path to a file)",
		    path);
		return TA_EXIT_USAGE;
	}
	if (cmd_lock_timeout(o, &timeout) != TA_EXIT_OK)
		return TA_EXIT_USAGE;
	status = cmd_load_profile(o, o->profile, &p);
	if (status != TA_EXIT_OK)
		goto out;

	status = TA_EXIT_SYSTEM;
	if (!o->dry_run && cmd_lock(o, timeout, &lockfd) != TA_EXIT_OK)
		goto out;

	if ((r = snapshot_take(o->root, o->kernel, &s)) < 0) {
		status = cmd_snapshot_error(o, r);
		goto out;
	}
	if ((r = fragment_render(p, s, &text, &skipped, &nskipped)) < 0 ||
	    (r = apply_plan_make(p, s, &plan)) < 0) {
		cmd_error(o, "cannot render the fragment: %s", strerror(-r));
		goto out;
	}

	memset(&rq, 0, sizeof rq);
	rq.root = o->root;
	rq.profile = p->name;
	/* The fragment is the only file this apply writes. */
	files[0].path = path;
	files[0].text = text;
	files[0].why = "the profile's fragment";
	rq.files = o->live_only ? NULL : files;
	rq.nfiles = o->live_only ? 0 : 1;
	rq.live = !o->persist_only;
	rq.now = (long long)time(NULL);
	if (apply_prepare(&rq, &plan, &out) < 0) {
		status = report_failure(o, &rq, &out);
		goto out;
	}
	if (!o->dry_run && apply_commit(&rq, &plan, &out) < 0) {
		status = report_failure(o, &rq, &out);
		goto out;
	}

	/* Overrides are looked up in the files as they now are, with our
	   fragment in its place among them; for a dry run, as they would be. */
	if (rq.nfiles > 0) {
		r = o->dry_run ? fragment_config_planned(o->root, path, text, &config) :
		    sysctld_load(o->root, &config);
		if (r < 0 ||
		    (r = fragment_overrides(config, path, &ov, &nov)) < 0) {
			cmd_error(o, "cannot read the sysctl.d files: %s", strerror(-r));
			goto out;
		}
	}
	nov = keep_real_overrides(&plan, ov, nov);
	memset(&v, 0, sizeof v);
	v.o = o;
	v.p = p;
	v.path = rq.nfiles > 0 ? path : NULL;
	v.rq = &rq;
	v.plan = &plan;
	v.out = &out;
	v.frag_text = text;
	v.ov = ov;
	v.nov = nov;
	v.config = config;
	compose_msg(&v);
	r = o->format == FORMAT_JSON ? print_json(&v) : print_text(&v);
	if (r < 0) {
		cmd_error(o, "cannot write the output: %s", strerror(-r));
		goto out;
	}
	status = TA_EXIT_OK;
out:
	lockfd = apply_unlock(lockfd);
	ov = fragment_overrides_free(ov, nov);
	config = sysctld_free(config);
	skipped = fragment_skips_free(skipped, nskipped);
	apply_outcome_clear(&out);
	apply_plan_clear(&plan);
	free(text);
	s = snapshot_free(s);
	p = profile_free(p);
	return status;
}
