/*
 * cmd_apply: `tcpadvise apply`, the one command that changes the system.
 *
 * apply carries out the remedies of the findings `check` reports, and
 * nothing else: load the profile (exit 2 on any error), take the apply
 * lock, read the system, run the policy (rules.h), turn the remedies into a
 * plan (plan.h). Then run the policy again on the system as the plan would
 * leave it (the planned files read from memory, the planned live values),
 * extend the plan with what that still finds, up to PLAN_ROUNDS times, and
 * say what would remain. Then commit through apply.h: live values first
 * (transactional), then the fragment (atomic).
 *
 * --dry-run takes no lock and writes nothing at all: it prints the plan,
 * a unified diff of every file it would write, and fails as the real run
 * would where the system cannot be changed (a read-only /proc/sys). Exit 0
 * whether or not anything changed; 2 for usage and profile errors; 3 when
 * the system could not be changed (and then it is as it was).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "apply.h"
#include "census.h"
#include "cmd.h"
#include "escape.h"
#include "evidence.h"
#include "fragment.h"
#include "plan.h"
#include "procfs.h"
#include "rules.h"
#include "snapshot.h"
#include "sysctld.h"

/* Rounds of planning on the system as the plan leaves it. */
#define PLAN_ROUNDS 4

/* A file the plan writes besides the fragment. */
struct edit {
	const char *path;	/* where the text goes (the file, or its mask) */
	const char *source;	/* the file whose lines are disabled */
	char *before;		/* path's bytes now; NULL: it does not exist */
	char *text;		/* the new bytes */
};

/* A value set live that does not reach everything at once. */
struct effect {
	const char *key;
	const char *id;		/* the finding that shows it, or NULL */
	char *message;
};
#define EFFECTS_MAX 4

/* Everything one apply works with. */
struct run {
	const struct options *o;
	struct profile *p;
	struct snapshot *s;
	const char *path;		/* the fragment */
	struct plan_opts po;
	struct plan plan;
	char *old_frag;			/* the fragment now, NULL: none */
	char *frag_text;		/* the fragment to write, NULL: none */
	struct edit *edits;
	size_t nedits;
	struct findings after;		/* the policy on the planned system */
	const struct apply_request *rq;	/* what is committed */
	char msg[256];
	struct effect effects[EFFECTS_MAX];	/* what is not in effect yet */
	size_t neffects;
	long long deadline;		/* --confirm: the deadline; 0: none */
	long watcher;			/* --confirm: the watcher's pid */
};

static void
edits_clear(struct run *x)
{
	for (size_t i = 0; i < x->nedits; i++) {
		free(x->edits[i].before);
		free(x->edits[i].text);
	}
	free(x->edits);
	x->edits = NULL;
	x->nedits = 0;
}

/* Read ROOT/path, NULL in *ret when it does not exist. */
static int
read_or_null(const char *root, const char *path, char **ret)
{
	int r = atomic_read(root, path, ret);

	if (r == -ENOENT) {
		*ret = NULL;
		return 0;
	}
	return r;
}

/*
 * Whether the existing fragment stays byte for byte: nothing added to it or
 * dropped from it, and no other profile named in its header (a file
 * written by hand has none). Values the profile accepts are not rewritten
 * for the sake of a header.
 */
static bool
keep_as_is(const struct run *x)
{
	const char *p;
	size_t n = strlen(x->p->name);

	if (x->old_frag == NULL || x->plan.frag_edited)
		return false;
	if ((p = strstr(x->old_frag, "\n# profile: ")) == NULL)
		return true;
	p += strlen("\n# profile: ");
	return strncmp(p, x->p->name, n) == 0 && p[n] == '\n';
}

/*
 * The texts the plan writes: the fragment, and every file with lines to
 * disable. Returns 0, or a negative errno with *ret_file naming the file
 * that could not be read.
 */
static int
build_texts(struct run *x, const char **ret_file)
{
	const char **files = NULL;
	size_t nfiles = 0;
	int r;

	free(x->frag_text);
	x->frag_text = NULL;
	edits_clear(x);
	if (x->plan.frag_needed && keep_as_is(x)) {
		if ((x->frag_text = strdup(x->old_frag)) == NULL)
			return -ENOMEM;
	} else if (x->plan.frag_needed &&
	    (r = plan_fragment_text(&x->plan, &x->po, &x->frag_text)) < 0)
		return r;
	if ((r = plan_files(&x->plan, &files, &nfiles)) < 0)
		return r;
	if (nfiles > 0 && (x->edits = calloc(nfiles, sizeof *x->edits)) == NULL) {
		free(files);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nfiles; i++) {
		struct edit *e = &x->edits[x->nedits++];
		char *bytes = NULL;

		e->source = files[i];
		*ret_file = files[i];
		if ((r = atomic_read(x->o->root, files[i], &bytes)) < 0)
			break;
		r = plan_edit_text(&x->plan, files[i], bytes, &e->path, &e->text);
		if (r == 0 && strcmp(e->path, files[i]) != 0) {
			*ret_file = e->path;
			r = read_or_null(x->o->root, e->path, &e->before);
			free(bytes);
		} else
			e->before = bytes;
		if (r < 0)
			break;
	}
	free(files);
	return r;
}

/* The policy's findings on the system as the plan would leave it. A
   configuration file that fails to read this time is named in what. */
static int
simulate(struct run *x, struct findings *ret, char *what, size_t size)
{
	const char *failed = NULL;
	const char **paths = NULL, **texts = NULL, **keys = NULL, **values = NULL;
	struct sysctld_config *config = NULL;
	struct snapshot *sim = NULL;
	struct policy_opts po = { x->path, x->o->global_elsewhere };
	size_t n = 0, nlive = x->plan.live.n;
	int r = -ENOMEM;

	paths = calloc(x->nedits + 1, sizeof *paths);
	texts = calloc(x->nedits + 1, sizeof *texts);
	keys = calloc(nlive + 1, sizeof *keys);
	values = calloc(nlive + 1, sizeof *values);
	if (paths == NULL || texts == NULL || keys == NULL || values == NULL)
		goto out;
	if (x->frag_text != NULL) {
		paths[n] = x->path;
		texts[n++] = x->frag_text;
	}
	for (size_t i = 0; i < x->nedits; i++) {
		paths[n] = x->edits[i].path;
		texts[n++] = x->edits[i].text;
	}
	for (size_t i = 0; i < nlive; i++) {
		keys[i] = x->plan.live.items[i].key;
		values[i] = x->plan.live.items[i].after;
	}
	/* In a namespace whose keys are not set by the host's files
	   (--netns), apply changes live values only: its own configuration
	   stays as it is. */
	if (x->o->boot != NULL && x->o->boot->kind != NETNS_BOOT_HOST)
		r = snapshot_boot_config(x->o->boot, &config);
	else
		r = fragment_config_planned_n(x->o->root, paths, texts, n, &config);
	if (r < 0 ||
	    (r = snapshot_simulate(x->s, config, keys, values, nlive, &sim)) < 0)
		goto out;
	if ((r = snapshot_read_failure(sim, false, &failed)) < 0) {
		snprintf(what, size, "%s", failed);
		goto out;
	}
	r = rules_eval(x->p, sim, &po, ret);
out:
	snapshot_free(sim);
	free(paths);
	free(texts);
	free(keys);
	free(values);
	return r;
}

static size_t
plan_size(const struct plan *pl)
{
	return pl->live.n + pl->nfrag + pl->ndisable + pl->nskip + pl->npending;
}

/* The planned texts, and the policy's findings on the system they and the
   planned live values make, in x->after. Says why when it fails. */
static int
build_and_simulate(struct run *x)
{
	const char *file = NULL;
	char what[PATH_MAX];
	int r;

	if ((r = build_texts(x, &file)) < 0) {
		if (r == -ENOMEM)
			cmd_error(x->o, "out of memory");
		else
			cmd_error(x->o, "cannot read %s: %s%s", file, strerror(-r),
			    cmd_unchanged(x->o));
		return r;
	}
	findings_clear(&x->after);
	what[0] = '\0';
	if ((r = simulate(x, &x->after, what, sizeof what)) >= 0)
		return r;
	if (what[0] != '\0')
		cmd_error(x->o, "cannot read %s: %s%s", what, strerror(-r),
		    cmd_unchanged(x->o));
	else
		cmd_error(x->o, "cannot read the sysctl.d files as planned: %s%s",
		    strerror(-r), cmd_unchanged(x->o));
	return r;
}

/*
 * Plan, then plan again on the planned system until nothing new comes up
 * (at most PLAN_ROUNDS more times). x->after holds the findings of the
 * last simulation, which matches the plan. Returns 0, or a negative errno
 * (after saying why).
 */
static int
make_plan(struct run *x)
{
	struct findings f = FINDINGS_INIT;
	struct policy_opts po = { x->path, x->o->global_elsewhere };
	int r;

	if ((r = rules_eval(x->p, x->s, &po, &f)) == 0)
		r = plan_make(x->s, &f, &x->po, x->old_frag, &x->plan);
	findings_clear(&f);
	for (int round = 0; r == 0; round++) {
		size_t before = plan_size(&x->plan);

		if ((r = build_and_simulate(x)) < 0)
			return r;
		if (round == PLAN_ROUNDS)
			return 0;
		if ((r = plan_make(x->s, &x->after, &x->po, x->old_frag, &x->plan)) == 0 &&
		    plan_size(&x->plan) == before)
			return 0;
	}
	if (x->plan.unreadable != NULL)
		cmd_error(x->o, "cannot read %s: %s%s", x->plan.unreadable,
		    strerror(-r), cmd_unchanged(x->o));
	else
		cmd_error(x->o, "cannot plan: %s", strerror(-r));
	return r;
}

/* A finding the plan leaves behind that a run could still fix. */
static bool
remains(const struct finding *f)
{
	return f->severity >= SEV_WARNING && f->kind != KIND_EVIDENCE &&
	    f->remedy.action != REMEDY_NONE && f->remedy.fixable;
}

static size_t
count_remaining(const struct findings *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += remains(&f->items[i]);
	return n;
}

static bool
frag_changes(const struct run *x)
{
	if (x->frag_text == NULL)
		return false;
	return x->old_frag == NULL || strcmp(x->old_frag, x->frag_text) != 0;
}

static void
compose_msg(struct run *x, const struct apply_outcome *out)
{
	const struct options *o = x->o;
	size_t nlive = o->persist_only ? 0 : x->plan.live.n;
	size_t left = count_remaining(&x->after);
	char frag[200] = "", rest[96] = "";

	if (x->frag_text != NULL)
		snprintf(frag, sizeof frag, "; %s %s", x->path, !frag_changes(x) ?
		    "unchanged" : o->dry_run ? "would be written" : x->deadline ?
		    "written when confirmed" : "written");
	if (x->nedits > 0)
		snprintf(rest, sizeof rest, "; %zu other file%s %s", x->nedits,
		    x->nedits == 1 ? "" : "s", o->dry_run ? "would be edited" :
		    x->deadline ? "edited when confirmed" : "edited");
	if (o->dry_run)
		snprintf(x->msg, sizeof x->msg, "dry run, nothing changed: profile %s "
		    "would change %zu key%s live, %zu skipped%s%s; %zu finding%s would "
		    "remain", x->p->name, nlive, nlive == 1 ? "" : "s", x->plan.nskip,
		    frag, rest, left, left == 1 ? "" : "s");
	else if (out->changed)
		snprintf(x->msg, sizeof x->msg, "applied profile %s: %zu key%s changed "
		    "live, %zu skipped%s%s", x->p->name, out->nlive,
		    out->nlive == 1 ? "" : "s", x->plan.nskip, frag, rest);
	else
		snprintf(x->msg, sizeof x->msg, "nothing to change: profile %s is "
		    "already applied (%zu skipped)", x->p->name, x->plan.nskip);
}

static int
print_diff(const char *path, const char *before, const char *after)
{
	char *diff = NULL;

	if (fragment_diff(path, before, after, &diff) < 0)
		return -ENOMEM;
	/* The lines of files: layout kept, any other control byte escaped. */
	term_fputs_flags(diff, stdout, TERM_KEEP_NEWLINE | TERM_KEEP_TAB);
	free(diff);
	return 0;
}

/* "comment out FILE:12 (TA-H001)" / "mask FILE with COPY: line 4 (TA-...)" */
static void
print_disable(const char *verb, const struct plan_disable *d)
{
	if (d->mask != NULL)
		term_printf(stdout, "%s: mask %s with %s, line %u disabled (%s)", verb,
		    d->file, d->mask, d->line, d->id);
	else
		term_printf(stdout, "%s: comment out %s:%u (%s)", verb, d->file, d->line,
		    d->id);
	putchar('\n');
}

/* Each line names keys, values and files: written by term_printf(). */
static int
print_text(const struct run *x)
{
	const struct options *o = x->o;
	const struct plan *pl = &x->plan;

	for (size_t i = 0; !o->persist_only && i < pl->live.n; i++) {
		term_printf(stdout, "%s: %s -> %s", pl->live.items[i].key,
		    pl->live.items[i].before, pl->live.items[i].after);
		putchar('\n');
	}
	for (size_t i = 0; i < pl->nskip; i++) {
		term_printf(stdout, "%s%s%s: skipped: %s", pl->skip[i].key ?
		    pl->skip[i].key : "", pl->skip[i].key ? " " : "", pl->skip[i].id,
		    pl->skip[i].why);
		putchar('\n');
	}
	if (x->frag_text != NULL) {
		if (!frag_changes(x))
			term_printf(stdout, "unchanged: %s", x->path);
		else
			term_printf(stdout, "%s %s", o->dry_run ? "would write" :
			    x->deadline ? "will write when confirmed:" : "wrote", x->path);
		putchar('\n');
		if (o->dry_run && frag_changes(x) &&
		    print_diff(x->path, x->old_frag, x->frag_text) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < pl->ndisable; i++)
		print_disable(o->dry_run ? "would" : x->deadline ? "when confirmed" :
		    "done", &pl->disable[i]);
	for (size_t i = 0; o->dry_run && i < x->nedits; i++)
		if (print_diff(x->edits[i].path, x->edits[i].before, x->edits[i].text) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < pl->npending; i++)
		print_disable("not done (use --resolve)", &pl->pending[i]);
	for (size_t i = 0; i < x->after.n; i++) {
		const struct finding *f = &x->after.items[i];

		if (!remains(f))
			continue;
		if (f->file != NULL && f->line > 0)
			term_printf(stdout, "remains: %s %s:%u: %s", f->id, f->file, f->line,
			    f->message);
		else
			term_printf(stdout, "remains: %s %s: %s", f->id, f->key ? f->key : "-",
			    f->message);
		putchar('\n');
	}
	for (size_t i = 0; i < x->neffects; i++) {
		term_printf(stdout, "not in effect yet: %s%s%s: %s", x->effects[i].id ?
		    x->effects[i].id : "", x->effects[i].id ? " " : "",
		    x->effects[i].key, x->effects[i].message);
		putchar('\n');
	}
	term_fputs(x->msg, stdout);
	putchar('\n');
	if (x->deadline != 0)
		printf("confirm within %u s with `tcpadvise confirm`, or it is rolled back "
		    "(watcher pid %ld)\n", o->confirm, x->watcher);
	return 0;
}

static int
add_effect(struct run *x, const char *key, const char *id, char *message)
{
	if (message == NULL)
		return -ENOMEM;
	if (x->neffects == EFFECTS_MAX) {
		free(message);
		return 0;
	}
	x->effects[x->neffects++] = (struct effect){ key, id, message };
	return 0;
}

/*
 * What the live changes do not reach at once (or would not, with
 * --dry-run): listeners keep the accept-queue limit somaxconn gave them at
 * listen(), which the socket census shows; sockets keep their congestion
 * control and devices their qdiscs.
 */
static int
find_effects(struct run *x)
{
	const struct apply_plan *live = &x->plan.live;
	int r = 0;

	for (size_t i = 0; !x->o->persist_only && r == 0 && i < live->n; i++) {
		const struct apply_item *it = &live->items[i];

		if (strcmp(it->key, "net.core.somaxconn") == 0) {
			struct findings f = FINDINGS_INIT;
			struct census c;
			long long after, before;

			if (parse_ll(it->after, 0, LLONG_MAX, &after, NULL) < 0 ||
			    parse_ll(it->before, 0, LLONG_MAX, &before, NULL) < 0 ||
			    census_listeners(x->o->root, &c) < 0)
				continue;	/* nothing to compare, or no census */
			r = evidence_stale_listeners(&c, after, before, &f);
			for (size_t j = 0; r == 0 && j < f.n; j++)
				r = add_effect(x, it->key, "TA-E009", strdup(f.items[j].message));
			findings_clear(&f);
			census_clear(&c);
		} else if (strcmp(it->key, "net.ipv4.tcp_congestion_control") == 0) {
			r = add_effect(x, it->key, NULL, finding_printf("connections open "
			    "now keep %s; new ones use %s", it->before, it->after));
		} else if (strcmp(it->key, "net.core.default_qdisc") == 0) {
			struct findings f = FINDINGS_INIT;
			struct qdisc_entry *q;
			size_t n;

			if (!census_root_is_live(x->o->root) || qdisc_list(&q, &n) < 0)
				continue;
			r = evidence_stale_qdiscs(q, n, it->after, &f);
			for (size_t j = 0; r == 0 && j < f.n; j++)
				r = add_effect(x, it->key, "TA-E010", strdup(f.items[j].message));
			findings_clear(&f);
			free(q);
		}
	}
	return r;
}

static json_t *
disable_json(const struct plan_disable *d, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:o, s:I, s:o, s:s}", "action",
		    d[i].mask ? "mask" : "comment-out", "file", report_jstr(d[i].file),
		    "line", (json_int_t)d[i].line, "mask", report_jstr(d[i].mask),
		    "finding", d[i].id));
	return a;
}

static int
print_json(const struct run *x, const struct apply_outcome *out)
{
	const struct options *o = x->o;
	const struct plan *pl = &x->plan;
	json_t *root, *live, *same, *skipped, *files, *remaining, *persisted, *effects;

	live = json_array();
	same = json_array();
	skipped = json_array();
	files = json_array();
	remaining = json_array();
	for (size_t i = 0; !o->persist_only && live && i < pl->live.n; i++)
		json_array_append_new(live, json_pack("{s:s, s:o, s:o}", "key",
		    pl->live.items[i].key, "before", report_jstr(pl->live.items[i].before),
		    "after", report_jstr(pl->live.items[i].after)));
	for (size_t i = 0; same && i < x->p->nsettings; i++) {
		const char *key = x->p->settings[i].entry->name;
		bool planned = false;

		for (size_t j = 0; j < pl->live.n && !planned; j++)
			planned = strcmp(pl->live.items[j].key, key) == 0;
		if (!planned)
			json_array_append_new(same, json_string(key));
	}
	for (size_t i = 0; skipped && i < pl->nskip; i++)
		json_array_append_new(skipped, json_pack("{s:o, s:s, s:o}", "key",
		    report_jstr(pl->skip[i].key), "finding", pl->skip[i].id, "reason",
		    report_jstr(pl->skip[i].why)));
	for (size_t i = 0; files && i < x->rq->nfiles; i++)
		json_array_append_new(files, json_pack("{s:o, s:o, s:b, s:b}", "path",
		    report_jstr(x->rq->files[i].path), "why", report_jstr(x->rq->files[i].why),
		    "existed",
		    out->files[i].existed, "changed", out->files[i].changed));
	for (size_t i = 0; remaining && i < x->after.n; i++)
		if (remains(&x->after.items[i]))
			json_array_append_new(remaining,
			    report_finding_json(&x->after.items[i]));
	effects = json_array();
	for (size_t i = 0; effects && i < x->neffects; i++)
		json_array_append_new(effects, json_pack("{s:o, s:s?, s:o}", "key",
		    report_jstr(x->effects[i].key), "finding", x->effects[i].id, "message",
		    report_jstr(x->effects[i].message)));
	persisted = x->frag_text == NULL ? json_null() : json_pack("{s:o, s:b}",
	    "path", report_jstr(x->path), "changed", frag_changes(x));
	root = json_pack("{s:i, s:s, s:o, s:b, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:o, s:o, s:o, s:o, s:o}",
	    "schema_version", 1, "tool_version", TCPADVISE_VERSION,
	    "profile", report_jstr(x->p->name), "changed", out->changed, "transaction",
	    out->txn > 0 ? json_integer((json_int_t)out->txn) : json_null(), "failed", 0,
	    "msg", report_jstr(x->msg), "live", live, "unchanged", same, "persisted", persisted,
	    "skipped", skipped, "resolved", disable_json(pl->disable, pl->ndisable),
	    "pending", disable_json(pl->pending, pl->npending),
	    "overridden_by", disable_json(pl->pending, pl->npending),
	    "files", files, "remaining", remaining, "not_in_effect", effects);
	if (root == NULL)
		return -ENOMEM;
	if (x->frag_text != NULL && frag_changes(x))
		json_object_set_new(root, "diff", json_pack("{s:o, s:o}", "before",
		    report_jstr(x->old_frag), "after", report_jstr(x->frag_text)));
	if (o->dry_run)
		json_object_set_new(root, "dry_run", json_true());
	if (o->confirm > 0)
		json_object_set_new(root, "confirm", x->deadline == 0 ? json_null() :
		    json_pack("{s:I, s:I, s:I, s:s}", "seconds", (json_int_t)o->confirm,
		    "deadline", (json_int_t)x->deadline, "watcher_pid",
		    (json_int_t)x->watcher, "command", "tcpadvise confirm"));
	return cmd_print_json(root);
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
	if (failed > 0 && n > 0 && (size_t)n < size && out->txn > 0)
		snprintf(buf + n, size - (size_t)n, "; %zu could not be restored: "
		    "%s keeps them, and tcpadvise rollback finishes the undo",
		    failed, out->journal);
	else if (failed > 0 && n > 0 && (size_t)n < size)
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
	char dir[4096], extra[400];
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

/* Whether ROOT/path (a file, or with dir the directory holding it) may
   be written; errno is set when not. */
static bool
writable(const char *root, const char *path, bool dir)
{
	char full[PATH_MAX], *slash;

	if (path_join_root(root, path, full, sizeof full) < 0)
		return false;
	if (dir && (slash = strrchr(full, '/')) != NULL && slash != full)
		*slash = '\0';
	return access(full, W_OK) == 0;
}

/* Whether the directory ROOT/path exists and may be written, or could be
   made: its nearest existing ancestor may be written. */
static bool
creatable(const char *root, const char *path)
{
	char full[PATH_MAX], *slash;

	if (path_join_root(root, path, full, sizeof full) < 0)
		return false;
	while (access(full, F_OK) < 0 && errno == ENOENT &&
	    (slash = strrchr(full, '/')) != NULL && slash != full)
		*slash = '\0';
	return access(full, W_OK) == 0;
}

/*
 * What the real run would hit that a dry run can see: a live key, the
 * fragment's directory, a file to edit or the state directory that this
 * user may not write. Returns TA_EXIT_OK, or TA_EXIT_SYSTEM after saying
 * what the real run would fail on.
 */
static int
predict_failure(const struct run *x)
{
	const struct options *o = x->o;
	char rel[SYSCTL_KEY_MAX + 16], key[SYSCTL_KEY_MAX];
	const char *what = NULL;

	for (size_t i = 0; !o->persist_only && what == NULL && i < x->plan.live.n; i++) {
		const char *k = x->plan.live.items[i].key;

		if (sysctl_key_to_path(k, key, sizeof key) < 0)
			continue;
		snprintf(rel, sizeof rel, "/proc/sys/%s", key);
		if (!writable(o->root, rel, false))
			what = k;
	}
	if (what == NULL && frag_changes(x) && !writable(o->root, x->path, true))
		what = x->path;
	for (size_t i = 0; what == NULL && i < x->nedits; i++)
		if (!writable(o->root, x->edits[i].path, true))
			what = x->edits[i].path;
	if (what == NULL && (frag_changes(x) || x->nedits > 0 ||
	    (!o->persist_only && x->plan.live.n > 0)) &&
	    !creatable(o->root, APPLY_STATE_DIR))
		what = APPLY_STATE_DIR;
	if (what == NULL)
		return TA_EXIT_OK;
	cmd_error(o, "the real run would fail: cannot write %s: %s%s", what,
	    strerror(errno), errno == EACCES || errno == EPERM ? " (apply needs root)" :
	    errno == EROFS ? " (a read-only file system)" : "");
	return TA_EXIT_SYSTEM;
}

/*
 * One apply at a time waits for its confirmation: another one is refused
 * until it is confirmed or rolled back (exit 2), since the watcher rolls
 * back only its own transaction and the later ones would stand on it.
 */
static int
refuse_pending(const struct options *o)
{
	struct apply_history h;
	const struct apply_txn *p;
	int r, status = TA_EXIT_OK;

	if ((r = apply_history_read(o->root, &h)) < 0)
		return cmd_history_error(o, &h, r);
	if ((p = apply_history_pending(&h)) != NULL) {
		long long left = p->confirm_deadline - (long long)time(NULL);

		if (left >= 0)
			cmd_error(o, "apply %lu waits for confirmation (%lld s left, watcher "
			    "pid %ld): run 'tcpadvise confirm' or 'tcpadvise rollback' first; "
			    "nothing was changed", p->number, left, p->confirm_pid);
		else
			cmd_error(o, "apply %lu was not confirmed and its watcher did not roll "
			    "it back (it was stopped, or the host rebooted): run 'tcpadvise "
			    "rollback' first; nothing was changed", p->number);
		status = TA_EXIT_USAGE;
	}
	apply_history_clear(&h);
	return status;
}

int
cmd_apply(const struct options *o)
{
	struct run x;
	struct apply_outcome out;
	struct apply_request rq;
	struct apply_file *files = NULL;
	const char *what;
	unsigned timeout;
	int lockfd = -1, status, r;

	memset(&x, 0, sizeof x);
	memset(&out, 0, sizeof out);
	x.o = o;
	x.path = o->file ? o->file : FRAGMENT_DEFAULT;
	x.after = (struct findings)FINDINGS_INIT;
	if (o->profile == NULL) {
		cmd_error(o, "apply needs --profile");
		return TA_EXIT_USAGE;
	}
	if (cmd_lock_timeout(o, &timeout) != TA_EXIT_OK)
		return TA_EXIT_USAGE;
	/* An image has files and no running kernel: only the fragment can be
	   written, into the image (building it), before anything is taken. */
	if (snapshot_root_is_image(o->root) && !o->persist_only) {
		cmd_error(o, "'%s' is an image (no /proc/sys below it): there are no "
		    "live values to set; use --persist-only to write the fragment into "
		    "the image%s", o->root, cmd_unchanged(o));
		return TA_EXIT_USAGE;
	}
	status = cmd_load_profile(o, o->profile, &x.p);
	if (status != TA_EXIT_OK)
		goto out;

	status = TA_EXIT_SYSTEM;
	if (!o->dry_run && cmd_lock(o, timeout, &lockfd) != TA_EXIT_OK)
		goto out;
	if (!o->dry_run && (status = refuse_pending(o)) != TA_EXIT_OK)
		goto out;
	status = TA_EXIT_SYSTEM;
	if ((r = cmd_snapshot(o, &x.s)) < 0) {
		status = cmd_snapshot_error(o, r);
		goto out;
	}
	/* A value or file that failed to read leaves the plan unknown. */
	if ((r = snapshot_read_failure(x.s, !o->persist_only, &what)) < 0) {
		cmd_error(o, "cannot read %s: %s%s", what, strerror(-r),
		    cmd_unchanged(o));
		goto out;
	}
	if (!o->live_only && (r = read_or_null(o->root, x.path, &x.old_frag)) < 0) {
		cmd_error(o, "cannot read %s: %s; nothing was changed", x.path,
		    cmd_file_error(r));
		goto out;
	}
	x.po.fragment = x.path;
	x.po.profile = x.p->name;
	x.po.origin = x.p->origin;
	x.po.live = !o->persist_only;
	x.po.persist = !o->live_only;
	x.po.resolve = o->resolve;
	x.po.force = o->force;
	if (make_plan(&x) < 0)
		goto out;

	/* The fragment first, then the files --resolve edits: one
	   transaction, written in this order. */
	memset(&rq, 0, sizeof rq);
	rq.root = o->root;
	rq.profile = x.p->name;
	rq.live = !o->persist_only;
	rq.now = (long long)time(NULL);
	if ((files = calloc(x.nedits + 1, sizeof *files)) == NULL) {
		cmd_error(o, "out of memory");
		goto out;
	}
	if (x.frag_text != NULL) {
		files[rq.nfiles].path = x.path;
		files[rq.nfiles].text = x.frag_text;
		files[rq.nfiles].why = "the profile's fragment";
		rq.nfiles++;
	}
	for (size_t i = 0; i < x.nedits; i++) {
		files[rq.nfiles].path = x.edits[i].path;
		files[rq.nfiles].text = x.edits[i].text;
		files[rq.nfiles].why = strcmp(x.edits[i].path, x.edits[i].source) == 0 ?
		    "lines disabled by --resolve" : "a copy masking a vendor file";
		rq.nfiles++;
	}
	rq.files = files;
	if (apply_prepare(&rq, &x.plan.live, &out) < 0) {
		status = report_failure(o, &rq, &out);
		goto out;
	}
	if (o->dry_run && (status = predict_failure(&x)) != TA_EXIT_OK)
		goto out;
	/* The watcher waits for the lock, then for the deadline. A failed
	   commit leaves no transaction with its pid: it just exits. */
	if (o->confirm > 0 && out.changed) {
		x.deadline = rq.now + o->confirm;
		if ((r = confirm_watch_start(o->root, x.deadline, &x.watcher)) < 0) {
			cmd_error(o, "cannot start the watcher of --confirm: %s; nothing "
			    "was changed", strerror(-r));
			goto out;
		}
		rq.confirm_deadline = x.deadline;
		rq.confirm_pid = x.watcher;
	}
	if (!o->dry_run && apply_commit(&rq, &x.plan.live, &out) < 0) {
		status = report_failure(o, &rq, &out);
		goto out;
	}
	if (!o->dry_run && out.changed && o->result != NULL)
		o->result->changed = true;
	x.rq = &rq;
	if (find_effects(&x) < 0) {
		cmd_error(o, "out of memory");
		goto out;
	}
	compose_msg(&x, &out);
	r = o->format == FORMAT_JSON ? print_json(&x, &out) : print_text(&x);
	if (r < 0) {
		cmd_error(o, "cannot write the output: %s", strerror(-r));
		status = TA_EXIT_SYSTEM;
		goto out;
	}
	status = TA_EXIT_OK;
out:
	lockfd = apply_unlock(lockfd);
	apply_outcome_clear(&out);
	free(files);
	plan_clear(&x.plan);
	findings_clear(&x.after);
	for (size_t i = 0; i < x.neffects; i++)
		free(x.effects[i].message);
	edits_clear(&x);
	free(x.frag_text);
	free(x.old_frag);
	snapshot_free(x.s);
	cmd_profile_release(x.p);
	return status;
}
