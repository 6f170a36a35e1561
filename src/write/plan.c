/*
 * plan: the remedies of the findings as one set of changes; see plan.h.
 *
 * Findings come sorted by severity, critical first, so where two remedies
 * name the same key the more severe finding's value is the one planned;
 * the caller runs the policy again on the system as the plan would leave
 * it, and extends the plan with what that still finds (cmd_apply), so a
 * value that clears one rule but trips another is caught before anything
 * is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fragment.h"
#include "plan.h"

static int
cmp_entry(const void *a, const void *b)
{
	const struct plan_entry *x = a, *y = b;

	return catalog_write_cmp(x->key, y->key);
}

static int
cmp_item(const void *a, const void *b)
{
	const struct apply_item *x = a, *y = b;

	return catalog_write_cmp(x->key, y->key);
}

static int
cmp_disable(const void *a, const void *b)
{
	const struct plan_disable *x = a, *y = b;
	int r = strcmp(x->file, y->file);

	if (r != 0)
		return r;
	return x->line < y->line ? -1 : x->line > y->line;
}

static struct plan_entry *
find_entry(const struct plan *pl, const char *key)
{
	for (size_t i = 0; i < pl->nfrag; i++)
		if (strcmp(pl->frag[i].key, key) == 0)
			return &pl->frag[i];
	return NULL;
}

static bool
has_live(const struct plan *pl, const char *key)
{
	for (size_t i = 0; i < pl->live.n; i++)
		if (strcmp(pl->live.items[i].key, key) == 0)
			return true;
	return false;
}

static int
add_skip(struct plan *pl, const struct finding *f)
{
	struct plan_skip *ns;

	for (size_t i = 0; i < pl->nskip; i++)
		if (strcmp(pl->skip[i].id, f->id) == 0 &&
		    (pl->skip[i].key == NULL) == (f->key == NULL) &&
		    (f->key == NULL || strcmp(pl->skip[i].key, f->key) == 0))
			return 0;
	if ((ns = realloc(pl->skip, (pl->nskip + 1) * sizeof *ns)) == NULL)
		return -ENOMEM;
	pl->skip = ns;
	ns = &pl->skip[pl->nskip];
	memset(ns, 0, sizeof *ns);
	pl->nskip++;
	ns->id = strdup(f->id);
	ns->why = strdup(f->remedy.why ? f->remedy.why : "not fixable here");
	if (f->key != NULL)
		ns->key = strdup(f->key);
	return ns->id == NULL || ns->why == NULL || (f->key && ns->key == NULL) ?
	    -ENOMEM : 0;
}

/* Append a line to disable to *list, once. */
static int
add_disable(struct plan_disable **list, size_t *n, const struct remedy_line *d,
    const char *id)
{
	struct plan_disable *nl;

	for (size_t i = 0; i < *n; i++)
		if ((*list)[i].line == d->line && strcmp((*list)[i].file, d->file) == 0)
			return 0;
	if ((nl = realloc(*list, (*n + 1) * sizeof *nl)) == NULL)
		return -ENOMEM;
	*list = nl;
	nl = &nl[*n];
	memset(nl, 0, sizeof *nl);
	(*n)++;
	nl->line = d->line;
	nl->managed = d->managed_by != NULL;
	nl->file = strdup(d->file);
	nl->id = strdup(id);
	if (d->mask != NULL)
		nl->mask = strdup(d->mask);
	return nl->file == NULL || nl->id == NULL || (d->mask && nl->mask == NULL) ?
	    -ENOMEM : 0;
}

static int
add_live(struct plan *pl, const struct snapshot *s, const char *key,
    const char *value)
{
	const struct snapshot_key *k = snapshot_key(s, key);
	struct apply_item *ni, *it;
	struct value v;
	const char *err;

	/* A value that cannot be read cannot be restored, and leaving it
	   while the fragment sets it would leave the host half-applied. */
	if (k != NULL && (k->status == LIVE_ERROR || k->status == LIVE_UNREADABLE)) {
		pl->unreadable = k->entry->name;
		return k->error < 0 ? k->error : -EIO;
	}
	if (k == NULL || k->status != LIVE_OK || has_live(pl, key))
		return 0;
	if (k->live_ok && value_parse_kernel(value, k->entry->shape, k->entry->nfields,
	    &v, &err) == 0 && value_equal(&k->live_value, &v))
		return 0;	/* already so */
	ni = realloc(pl->live.items, (pl->live.n + 1) * sizeof *ni);
	if (ni == NULL)
		return -ENOMEM;
	pl->live.items = ni;
	it = &ni[pl->live.n];
	memset(it, 0, sizeof *it);
	it->entry = k->entry;
	it->key = k->entry->name;
	it->state = APPLY_CHANGE;
	it->in_fragment = false;
	if (snprintf(it->after, sizeof it->after, "%s", value) >= (int)sizeof it->after)
		return -ENOBUFS;
	if ((it->before = strdup(k->live)) == NULL)
		return -ENOMEM;
	pl->live.n++;
	return 0;
}

/* The comment above a new fragment entry: the finding it fixes, why. */
static char *
entry_comment(const struct finding *f)
{
	char *c = NULL;

	if (asprintf(&c, "%s: %s.%s%s", f->id, f->message, f->reason ? " " : "",
	    f->reason ? f->reason : "") < 0)
		return NULL;
	return c;
}

static int
add_entry(struct plan *pl, const struct finding *f)
{
	const struct catalog_entry *e = catalog_lookup(f->remedy.key);
	struct fragment_block b = { NULL, NULL, NULL, NULL };
	struct plan_entry *ne;
	char *comment;
	int r;

	if (e == NULL || find_entry(pl, e->name) != NULL)
		return 0;
	if ((comment = entry_comment(f)) == NULL)
		return -ENOMEM;
	if ((ne = realloc(pl->frag, (pl->nfrag + 1) * sizeof *ne)) == NULL) {
		free(comment);
		return -ENOMEM;
	}
	pl->frag = ne;
	ne = &ne[pl->nfrag];
	memset(ne, 0, sizeof *ne);
	b.key = e->name;
	b.value = f->remedy.value;
	b.comment = comment;
	r = fragment_block_text(&b, &ne->block);
	free(comment);
	if (r < 0)
		return r;
	if (ne->block == NULL || (ne->value = strdup(f->remedy.value)) == NULL ||
	    (ne->key = strdup(e->name)) == NULL) {
		free(ne->block);
		free(ne->value);
		return -ENOMEM;
	}
	pl->nfrag++;
	pl->frag_edited = true;
	return 0;
}

/* Whether the remedy's line is one of the fragment's own. */
static bool
in_fragment(const struct remedy_line *d, const struct plan_opts *o)
{
	return strcmp(d->file, o->fragment) == 0;
}

/*
 * Which findings apply acts on: every deviation (the profile's own
 * expectation, whatever its severity), harmful lines that a later one
 * overrides (TA-C005, for --resolve), and everything at warning or above.
 * An info hazard is advice: its fix is printed, not applied, so apply
 * never reverts tuning that does no harm. Evidence has no remedy.
 */
static bool
planned(const struct finding *f)
{
	if (f->kind == KIND_EVIDENCE)
		return false;
	return f->kind == KIND_DEVIATION || strcmp(f->id, "TA-C005") == 0 ||
	    f->severity >= SEV_WARNING;
}

static int
plan_finding(struct plan *pl, const struct snapshot *s, const struct finding *f,
    const struct plan_opts *o, char ***dropped, size_t *ndropped)
{
	const struct remedy *rm = &f->remedy;
	bool fixable = rm->fixable || (rm->action == REMEDY_SOURCE && o->force);
	int r;

	if (!planned(f) || rm->action == REMEDY_NONE)
		return 0;
	if (!fixable)
		return add_skip(pl, f);
	if (rm->live && o->live && rm->live_value != NULL &&
	    (r = add_live(pl, s, rm->key, rm->live_value)) < 0)
		return r;
	if (rm->persist && o->persist && rm->value != NULL &&
	    (r = add_entry(pl, f)) < 0)
		return r;
	if (!o->persist)
		return 0;
	for (size_t i = 0; i < rm->ndisable; i++) {
		const struct remedy_line *d = &rm->disable[i];

		if (in_fragment(d, o) && rm->key != NULL) {
			/* Our own line: drop the key from the fragment. */
			char **nd = realloc(*dropped, (*ndropped + 1) * sizeof *nd);

			if (nd == NULL)
				return -ENOMEM;
			*dropped = nd;
			if ((nd[*ndropped] = strdup(rm->key)) == NULL)
				return -ENOMEM;
			(*ndropped)++;
			continue;
		}
		r = o->resolve ? add_disable(&pl->disable, &pl->ndisable, d, f->id) :
		    add_disable(&pl->pending, &pl->npending, d, f->id);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Carry over the blocks of the old fragment that nothing replaces. */
static int
keep_old(struct plan *pl, const char *old, char **dropped, size_t ndropped)
{
	struct fragment_block *blocks = NULL;
	size_t n = 0;
	int r;

	if (old == NULL)
		return 0;
	if ((r = fragment_blocks(old, &blocks, &n)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct plan_entry *ne;
		bool drop = false;

		for (size_t j = 0; j < ndropped && !drop; j++)
			drop = strcmp(dropped[j], blocks[i].key) == 0;
		if (drop)
			pl->frag_edited = true;
		/* Keys the catalog does not know are kept too: nothing here
		   judged them, so nothing may drop them. */
		if (drop || find_entry(pl, blocks[i].key) != NULL)
			continue;
		if ((ne = realloc(pl->frag, (pl->nfrag + 1) * sizeof *ne)) == NULL) {
			r = -ENOMEM;
			break;
		}
		pl->frag = ne;
		ne = &ne[pl->nfrag];
		memset(ne, 0, sizeof *ne);
		ne->kept = true;
		ne->key = strdup(blocks[i].key);
		ne->value = strdup(blocks[i].value);
		ne->block = strdup(blocks[i].verbatim);
		if (ne->key == NULL || ne->value == NULL || ne->block == NULL) {
			free(ne->key);
			free(ne->value);
			free(ne->block);
			r = -ENOMEM;
			break;
		}
		pl->nfrag++;
	}
	fragment_blocks_free(blocks, n);
	return r;
}

int
plan_make(const struct snapshot *s, const struct findings *f,
    const struct plan_opts *o, const char *old_fragment, struct plan *ret)
{
	char **dropped = NULL;
	size_t ndropped = 0;
	int r = 0;

	for (size_t i = 0; i < f->n && r == 0; i++)
		r = plan_finding(ret, s, &f->items[i], o, &dropped, &ndropped);
	/* Kept blocks only once, on the first round. */
	if (r == 0 && o->persist && !ret->frag_needed)
		r = keep_old(ret, old_fragment, dropped, ndropped);
	for (size_t i = 0; i < ndropped; i++)
		free(dropped[i]);
	free(dropped);
	if (r < 0)
		return r;
	ret->frag_needed = o->persist && (ret->nfrag > 0 || old_fragment != NULL);
	if (ret->nfrag > 1)
		qsort(ret->frag, ret->nfrag, sizeof *ret->frag, cmp_entry);
	if (ret->live.n > 1)
		qsort(ret->live.items, ret->live.n, sizeof *ret->live.items, cmp_item);
	if (ret->ndisable > 1)
		qsort(ret->disable, ret->ndisable, sizeof *ret->disable, cmp_disable);
	if (ret->npending > 1)
		qsort(ret->pending, ret->npending, sizeof *ret->pending, cmp_disable);
	return 0;
}

int
plan_fragment_text(const struct plan *pl, const struct plan_opts *o, char **ret)
{
	struct fragment_block *b = NULL;
	int r;

	if (pl->nfrag > 0 && (b = calloc(pl->nfrag, sizeof *b)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < pl->nfrag; i++)
		b[i].verbatim = pl->frag[i].block;
	r = fragment_compose(o->profile, o->origin, b, pl->nfrag, ret);
	free(b);
	return r;
}

int
plan_files(const struct plan *pl, const char ***ret, size_t *ret_n)
{
	const char **v = NULL;
	size_t n = 0;

	if (pl->ndisable > 0 && (v = calloc(pl->ndisable, sizeof *v)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < pl->ndisable; i++) {
		bool seen = false;

		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(v[j], pl->disable[i].file) == 0;
		if (!seen)
			v[n++] = pl->disable[i].file;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

int
plan_edit_text(const struct plan *pl, const char *file, const char *bytes,
    const char **ret_path, char **ret)
{
	const char *p = bytes, *mask = NULL;
	char *out = NULL, last = '\n';
	size_t len = 0;
	FILE *m;
	unsigned lineno = 0;

	if ((m = open_memstream(&out, &len)) == NULL)
		return -ENOMEM;
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);

		lineno++;
		for (size_t i = 0; i < pl->ndisable; i++) {
			const struct plan_disable *d = &pl->disable[i];

			if (d->line != lineno || strcmp(d->file, file) != 0)
				continue;
			fprintf(m, "%s (%s): ", PLAN_MARKER, d->id);
			if (d->mask != NULL)
				mask = d->mask;
			break;
		}
		fwrite(p, 1, n, m);
		last = p[n - 1];
		p += n;
	}
	for (size_t i = 0; i < pl->ndisable && mask == NULL; i++)
		if (strcmp(pl->disable[i].file, file) == 0 && pl->disable[i].mask != NULL)
			mask = pl->disable[i].mask;
	if (mask != NULL) {
		if (last != '\n')
			fputc('\n', m);
		fprintf(m, "# tcpadvise: a copy of %s that masks it, with the lines "
		    "above disabled\n", file);
	}
	if (fclose(m) != 0) {
		free(out);
		return -ENOMEM;
	}
	*ret_path = mask != NULL ? mask : file;
	*ret = out;
	return 0;
}

static void
disables_free(struct plan_disable *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].file);
		free(list[i].mask);
		free(list[i].id);
	}
	free(list);
}

void
plan_clear(struct plan *pl)
{
	apply_plan_clear(&pl->live);
	for (size_t i = 0; i < pl->nfrag; i++) {
		free(pl->frag[i].key);
		free(pl->frag[i].value);
		free(pl->frag[i].block);
	}
	free(pl->frag);
	disables_free(pl->disable, pl->ndisable);
	disables_free(pl->pending, pl->npending);
	for (size_t i = 0; i < pl->nskip; i++) {
		free(pl->skip[i].key);
		free(pl->skip[i].id);
		free(pl->skip[i].why);
	}
	free(pl->skip);
	memset(pl, 0, sizeof *pl);
}
