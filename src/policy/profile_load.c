/*
 * profile_load.c: finding and reading profile files (search directories,
 * then the built-ins), one file through stages 1 and 2, the `extends`
 * chain and its resolution (stage 3, see profile_int.h), the listing of
 * every profile, freeing, and the queries of profile.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "conffile.h"
#include "profile_int.h"
#include "suggest.h"

/* ---------------------------------------------------------------------- */
/* Freeing */

static void
cond_clear(struct cond *c)
{
	for (size_t i = 0; i < c->nchildren; i++)
		cond_clear(&c->children[i]);
	free(c->children);
	free(c->set);
	free(c->ktests);
	free(c->hname);
	memset(c, 0, sizeof *c);
}

void
pf_setting_clear(struct setting *s)
{
	free(s->one_of);
	if (s->when != NULL) {
		cond_clear(s->when);
		free(s->when);
	}
	free(s->reason);
	free(s->source);
	free(s->profile);
	free(s->file);
	memset(s, 0, sizeof *s);
}

void
pf_rule_clear(struct rule *r)
{
	free(r->id);
	free(r->title);
	free(r->reason);
	free(r->source);
	free(r->profile);
	free(r->file);
	cond_clear(&r->when);
	memset(r, 0, sizeof *r);
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct profile *
profile_free(struct profile *p)
{
	if (p == NULL)
		return NULL;
	free(p->name);
	free(p->description);
	free(p->origin);
	strv_free(p->aliases, p->naliases);
	strv_free(p->chain, p->nchain);
	for (size_t i = 0; i < p->nsettings; i++)
		pf_setting_clear(&p->settings[i]);
	free(p->settings);
	for (size_t i = 0; i < p->nrules; i++)
		pf_rule_clear(&p->rules[i]);
	free(p->rules);
	free(p);
	return NULL;
}

static void
idrefs_free(struct idref *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

static void
pfile_clear(struct pfile *pf)
{
	profile_free(pf->p);
	free(pf->file);
	free(pf->cname);
	free(pf->extends);
	idrefs_free(pf->disable, pf->ndisable);
	idrefs_free(pf->ids, pf->nids);
	memset(pf, 0, sizeof *pf);
}

/* ---------------------------------------------------------------------- */
/* One file */

static int
cmp_setting(const void *a, const void *b)
{
	const struct setting *x = a, *y = b;

	return strcmp(x->entry->name, y->entry->name);
}

static int
cmp_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static void
sort_profile(struct profile *p)
{
	if (p->nsettings > 1)
		qsort(p->settings, p->nsettings, sizeof *p->settings, cmp_setting);
	if (p->nrules > 1)
		qsort(p->rules, p->nrules, sizeof *p->rules, cmp_rule);
}

/*
 * Parse one file's text into *pf (always initialised; pf_clear() it).
 * expect_name: the name it was found by, which `name` must equal, or NULL.
 * origin: what p->origin says. Returns 0, -EINVAL (errors in diags) or
 * -ENOMEM.
 */
static int
parse_source(const char *file, const char *origin, const char *text,
    size_t size, const char *expect_name, struct pfile *pf,
    struct diag_list *diags)
{
	struct ctx c = { file, diags, 0, 0 };
	struct arena a = { NULL };
	struct ynode *root = NULL;
	size_t nerr0 = diags->nerrors, nd0 = diags->n;
	struct profile *p;
	int r;

	memset(pf, 0, sizeof *pf);
	if ((pf->p = p = calloc(1, sizeof *pf->p)) == NULL ||
	    (pf->file = strdup(file)) == NULL || (p->origin = strdup(origin)) == NULL) {
		c.err = -ENOMEM;
		goto out;
	}
	if (size > PROFILE_MAX_BYTES) {
		pf_report_at(&c, 0, 0, "file is larger than %d bytes", PROFILE_MAX_BYTES);
		goto out;
	}
	r = pf_read_tree(&c, &a, text, size, &root, &pf->complete);
	if (r < 0) {
		c.err = r;
		goto out;
	}
	if (pf->complete && root == NULL)
		pf_report_at(&c, 1, 1, "profile must be a mapping");
	else if (root != NULL)
		pf_check_top(&c, root, expect_name, pf);
	if (c.err < 0)
		goto out;
	for (size_t i = 0; i < p->nsettings; i++)
		if (p->name != NULL &&
		    (p->settings[i].profile = strdup(p->name)) == NULL)
			c.err = -ENOMEM;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->name != NULL && (p->rules[i].profile = strdup(p->name)) == NULL)
			c.err = -ENOMEM;
	sort_profile(p);
	if (p->name != NULL && (pf->cname = strdup(p->name)) == NULL)
		c.err = -ENOMEM;
	else if (p->name == NULL && expect_name != NULL &&
	    (pf->cname = strdup(expect_name)) == NULL)
		c.err = -ENOMEM;
out:
	pf_arena_free(&a);
	pf_sort_diags(diags, nd0);
	if (c.err < 0)
		return c.err;
	return diags->nerrors > nerr0 ? -EINVAL : 0;
}

int
profile_parse(const char *file, const char *text, size_t size,
    struct profile **ret, struct diag_list *diags)
{
	struct pfile pf;
	struct profile *p;
	int r;

	r = parse_source(file, file, text, size, NULL, &pf, diags);
	if (r < 0)
		goto out;
	p = pf.p;
	if ((p->chain = calloc(1, sizeof *p->chain)) == NULL ||
	    (p->chain[0] = strdup(p->name)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	p->nchain = 1;
	*ret = p;
	pf.p = NULL;
out:
	pfile_clear(&pf);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Finding and reading profiles */

/*
 * Read a regular file of at most PROFILE_MAX_BYTES, with lines of at most
 * CONFFILE_LINE_MAX bytes, into *ret (NUL-terminated, caller frees).
 * Returns 0 or an error of conffile_read() (*info says more).
 */
static int
read_file(const char *path, char **ret, size_t *ret_size,
    struct conffile_info *info)
{
	return conffile_read(NULL, path, CONFFILE_LINES, PROFILE_MAX_BYTES, ret,
	    ret_size, info);
}

/* Report a read_file() failure about path. */
static int
report_read_error(struct diag_list *diags, const char *path, int r,
    const struct conffile_info *info)
{
	char why[128];
	int a;

	if (r == -ENOMEM)
		return r;
	a = diag_add(diags, DIAG_ERROR, path, 0, 0, "%s",
	    conffile_strerror(r, info, why, sizeof why));
	if (r == -EFBIG || r == -EMSGSIZE)
		r = -EINVAL;
	return a < 0 ? a : r;
}

/* Parse a file at path; a missing file is reported. */
static int
load_path(const char *path, const char *expect_name, struct pfile *pf,
    struct diag_list *diags)
{
	struct conffile_info info;
	char *text = NULL;
	size_t size = 0;
	int r;

	memset(pf, 0, sizeof *pf);
	r = read_file(path, &text, &size, &info);
	if (r < 0)
		return report_read_error(diags, path, r, &info);
	r = parse_source(path, path, text, size, expect_name, pf, diags);
	free(text);
	return r;
}

static int
load_builtin(const struct builtin_profile *bp, struct pfile *pf,
    struct diag_list *diags)
{
	return parse_source(bp->file, "built-in", bp->data,
	    (size_t)(bp->end - bp->data), bp->name, pf, diags);
}

/* DIR/NAME.yaml into buf. */
static int
dir_path(const char *dir, const char *name, char *buf, size_t size)
{
	size_t len = strlen(dir);
	int w;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len > INT_MAX)
		return -ENAMETOOLONG;
	w = snprintf(buf, size, "%.*s/%s.yaml", (int)len, dir, name);
	if (w < 0 || (size_t)w >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* The built-in profile that has `name` among its aliases, or NULL. */
static int
builtin_by_alias(const char *name, const struct builtin_profile **ret)
{
	const struct builtin_profile *all;
	size_t n;

	*ret = NULL;
	all = builtin_profiles(&n);
	for (size_t i = 0; i < n && *ret == NULL; i++) {
		struct diag_list scratch = DIAG_LIST_INIT;
		struct pfile pf;
		int r = load_builtin(&all[i], &pf, &scratch);

		if (r == -ENOMEM) {
			pfile_clear(&pf);
			diag_list_clear(&scratch);
			return r;
		}
		for (size_t j = 0; j < pf.p->naliases; j++)
			if (strcmp(pf.p->aliases[j], name) == 0)
				*ret = &all[i];
		pfile_clear(&pf);
		diag_list_clear(&scratch);
	}
	return 0;
}

/*
 * Find a profile by name or alias (search dirs, then built-ins) and parse
 * it into *pf. Returns 1 when found (*ret_r: the parse result), 0 when not
 * found, or a negative errno for a failure (reported unless -ENOMEM).
 */
static int
load_named(const char *name, const struct profile_search *search,
    struct pfile *pf, int *ret_r, struct diag_list *diags)
{
	const struct builtin_profile *bp;
	char path[PATH_MAX];
	int r;

	memset(pf, 0, sizeof *pf);
	if (!pf_valid_name(name))
		return 0;
	for (size_t i = 0; search != NULL && i < search->ndirs; i++) {
		struct conffile_info info;
		char *text = NULL;
		size_t size = 0;

		if ((r = dir_path(search->dirs[i], name, path, sizeof path)) < 0)
			return diag_add(diags, DIAG_ERROR, search->dirs[i], 0, 0, "%s",
			    strerror(-r)) < 0 ? -ENOMEM : r;
		r = read_file(path, &text, &size, &info);
		if (r == -ENOENT || r == -ENOTDIR)
			continue;
		if (r < 0)
			return report_read_error(diags, path, r, &info);
		*ret_r = parse_source(path, path, text, size, name, pf, diags);
		free(text);
		return *ret_r == -ENOMEM ? -ENOMEM : 1;
	}
	if ((bp = builtin_profile_find(name)) == NULL) {
		if ((r = builtin_by_alias(name, &bp)) < 0)
			return r;
		if (bp == NULL)
			return 0;
	}
	*ret_r = load_builtin(bp, pf, diags);
	return *ret_r == -ENOMEM ? -ENOMEM : 1;
}

/* A growing list of strings. */
struct strv {
	char **v;
	size_t n, alloc;
};

static int
strv_add(struct strv *s, const char *str)
{
	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 16;
		char **nv = realloc(s->v, na * sizeof *nv);

		if (nv == NULL)
			return -ENOMEM;
		s->v = nv;
		s->alloc = na;
	}
	if ((s->v[s->n] = strdup(str)) == NULL)
		return -ENOMEM;
	s->n++;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The profile names NAME.yaml in dir, sorted. A directory that cannot be
 * read adds nothing (and a warning when warn is set and it exists).
 */
static int
dir_names(const char *dir, struct strv *out, struct diag_list *warn)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = out->n;

	if (d == NULL) {
		if (warn == NULL || errno == ENOENT || errno == ENOTDIR)
			return 0;
		return diag_add(warn, DIAG_WARNING, dir, 0, 0, "%s, ignoring",
		    strerror(errno)) < 0 ? -ENOMEM : 0;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char name[NAME_MAX_LEN + 1];

		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0 ||
		    len - 5 > NAME_MAX_LEN)
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if (!pf_valid_name(name))
			continue;
		if (strv_add(out, name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof *out->v, cmp_str);
	return 0;
}

/* Every name `extends` or the command line could mean, for suggestions. */
static int
known_names(const struct profile_search *search, struct strv *out)
{
	const struct builtin_profile *all;
	size_t n;
	int r;

	for (size_t i = 0; search != NULL && i < search->ndirs; i++)
		if ((r = dir_names(search->dirs[i], out, NULL)) < 0)
			return r;
	all = builtin_profiles(&n);
	for (size_t i = 0; i < n; i++) {
		struct diag_list scratch = DIAG_LIST_INIT;
		struct pfile pf;

		if (strv_add(out, all[i].name) < 0)
			return -ENOMEM;
		r = load_builtin(&all[i], &pf, &scratch);
		diag_list_clear(&scratch);
		for (size_t j = 0; r != -ENOMEM && j < pf.p->naliases; j++)
			if (strv_add(out, pf.p->aliases[j]) < 0)
				r = -ENOMEM;
		pfile_clear(&pf);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/* "profile 'x' not found (did you mean 'y'?)" at file:line:col (file may be NULL). */
static int
report_not_found(const char *name, const struct profile_search *search,
    const char *file, unsigned line, unsigned col, struct diag_list *diags)
{
	struct strv names = { NULL, 0, 0 };
	char b[SHOW_BUF], dym[SUGGEST_WORD_MAX + 32];
	const char *sug = NULL;
	int r;

	r = known_names(search, &names);
	if (r == 0)
		sug = suggest_best(name, (const char *const *)names.v, names.n, 1);
	if (r == 0 && diag_add(diags, DIAG_ERROR, file, line, col,
	    "profile '%s' not found%s", pf_show(name, b, sizeof b),
	    pf_did_you_mean(sug, dym, sizeof dym)) < 0)
		r = -ENOMEM;
	strv_free(names.v, names.n);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Stage 3: resolution */

static bool
has_id(const struct pfile *pf, const char *id)
{
	for (size_t i = 0; i < pf->nids; i++)
		if (strcmp(pf->ids[i].id, id) == 0)
			return true;
	return false;
}

/* Every id in a file's `disable` must be a rule of one of its ancestors. */
static int
check_disable(const struct pfile *files, size_t n, struct diag_list *diags)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < files[i].ndisable; j++) {
			const struct idref *d = &files[i].disable[j];
			bool found = false;

			for (size_t k = i + 1; k < n && !found; k++)
				found = has_id(&files[k], d->id);
			if (!found && diag_add(diags, DIAG_ERROR, files[i].file, d->line,
			    d->col, "rule '%s' in 'disable' is not defined by any "
			    "profile this one extends", d->id) < 0)
				return -ENOMEM;
		}
	return 0;
}

/*
 * Merge files[0] (the profile) .. files[n-1] (the root) into one profile,
 * taking the settings and rules out of the files.
 */
static int
resolve(struct pfile *files, size_t n, struct profile **ret)
{
	struct profile *res, *top = files[0].p;
	size_t ns = 0, nr = 0;
	int r = -ENOMEM;

	if ((res = calloc(1, sizeof *res)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ns += files[i].p->nsettings;
		nr += files[i].p->nrules;
	}
	res->name = top->name;
	res->description = top->description;
	res->origin = top->origin;
	res->aliases = top->aliases;
	res->naliases = top->naliases;
	top->name = top->description = top->origin = NULL;
	top->aliases = NULL;
	top->naliases = 0;
	if ((res->chain = calloc(n, sizeof *res->chain)) == NULL ||
	    (ns > 0 && (res->settings = calloc(ns, sizeof *res->settings)) == NULL) ||
	    (nr > 0 && (res->rules = calloc(nr, sizeof *res->rules)) == NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *name = i == 0 ? res->name : files[i].p->name;

		if ((res->chain[i] = strdup(name)) == NULL)
			goto out;
		res->nchain++;
	}
	for (size_t i = n; i-- > 0; ) {
		struct profile *p = files[i].p;

		for (size_t j = 0; j < files[i].ndisable; j++)
			for (size_t k = 0; k < res->nrules; k++)
				if (strcmp(res->rules[k].id, files[i].disable[j].id) == 0) {
					pf_rule_clear(&res->rules[k]);
					res->rules[k] = res->rules[--res->nrules];
					memset(&res->rules[res->nrules], 0, sizeof *res->rules);
					break;
				}
		for (size_t j = 0; j < p->nsettings; j++) {
			size_t k;

			for (k = 0; k < res->nsettings; k++)
				if (res->settings[k].entry == p->settings[j].entry)
					break;
			if (k < res->nsettings)
				pf_setting_clear(&res->settings[k]);
			else
				res->nsettings++;
			res->settings[k] = p->settings[j];
			memset(&p->settings[j], 0, sizeof p->settings[j]);
		}
		p->nsettings = 0;
		for (size_t j = 0; j < p->nrules; j++) {
			size_t k;

			for (k = 0; k < res->nrules; k++)
				if (strcmp(res->rules[k].id, p->rules[j].id) == 0)
					break;
			if (k < res->nrules)
				pf_rule_clear(&res->rules[k]);
			else
				res->nrules++;
			res->rules[k] = p->rules[j];
			memset(&p->rules[j], 0, sizeof p->rules[j]);
		}
		p->nrules = 0;
	}
	sort_profile(res);
	*ret = res;
	res = NULL;
	r = 0;
out:
	profile_free(res);
	return r;
}

static bool
is_path(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '/') != NULL || (len >= 5 && strcmp(s + len - 5, ".yaml") == 0);
}

/* Name of the chain from files[from] to files[n-1], then `closing`. */
static void
cycle_text(const struct pfile *files, size_t from, size_t n, const char *closing,
    char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = from; i <= n; i++) {
		const char *name = i < n ? files[i].cname : closing;
		int w = snprintf(buf + len, size - len, "%s%s", i > from ? " -> " : "",
		    name);

		if (w < 0 || (size_t)w >= size - len)
			return;
		len += (size_t)w;
	}
}

/* ---------------------------------------------------------------------- */
/* Composition: --profile a,b,c */

/* The values worth trying as a value that satisfies two settings at once:
   apply values first (the right-hand profile's before the left's), then
   every value either one names. */
static size_t
candidates(const struct setting *a, const struct setting *b, const struct value **v,
    size_t max)
{
	const struct setting *both[2] = { b, a };
	size_t n = 0;

	for (int i = 0; i < 2; i++)
		if (both[i]->has_apply && n < max)
			v[n++] = &both[i]->apply;
	for (int i = 0; i < 2; i++) {
		const struct setting *s = both[i];

		if (s->has_equal && n < max)
			v[n++] = &s->equal;
		for (size_t j = 0; j < s->n_one_of && n < max; j++)
			v[n++] = &s->one_of[j];
		if (s->has_min && n < max)
			v[n++] = &s->min;
		if (s->has_max && n < max)
			v[n++] = &s->max;
	}
	return n;
}

/*
 * Tighten one bound (a minimum when dir > 0, a maximum when dir < 0) by
 * another, field by field: the larger minimum, the smaller maximum.
 */
static void
narrow_bound(bool *has, struct value *v, unsigned *mask, const struct value *add,
    unsigned add_mask, int dir)
{
	if (!*has) {
		*has = true;
		*v = *add;
		*mask = add_mask;
		return;
	}
	for (unsigned i = 0; i < VALUE_MAX_FIELDS; i++)
		if (add_mask & (1u << i)) {
			if (!(*mask & (1u << i)) ||
			    (dir > 0 ? add->field[i] > v->field[i] : add->field[i] < v->field[i]))
				v->field[i] = add->field[i];
			*mask |= 1u << i;
		}
}

/*
 * Narrow `into` (the settings of the profiles to the left) by `add` (the
 * next profile's setting of the same key): every expectation of both must
 * hold, and the value apply writes satisfies both. Returns 1 when it
 * worked, 0 when no value satisfies both (nothing changed), -ENOMEM.
 */
static int
setting_narrow(struct setting *into, const struct setting *add)
{
	const struct value *cand[2 * (VALUE_MAX_FIELDS + 64)];
	struct setting m = *into;
	const struct value *pick = NULL;
	size_t nc;

	if (add->has_equal) {
		if (m.has_equal && !value_equal(&m.equal, &add->equal))
			return 0;
		m.has_equal = true;
		m.equal = add->equal;
	}
	if (add->has_min)
		narrow_bound(&m.has_min, &m.min, &m.min_mask, &add->min, add->min_mask, 1);
	if (add->has_max)
		narrow_bound(&m.has_max, &m.max, &m.max_mask, &add->max, add->max_mask, -1);
	m.one_of = NULL;
	m.n_one_of = 0;
	/* One-of lists: keep the members that satisfy everything else. */
	if (into->n_one_of > 0 || add->n_one_of > 0) {
		const struct setting *src = into->n_one_of > 0 ? into : add;
		size_t n = 0;

		if ((m.one_of = calloc(src->n_one_of, sizeof *m.one_of)) == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < src->n_one_of; i++)
			if (setting_satisfied(into, &src->one_of[i]) &&
			    setting_satisfied(add, &src->one_of[i]))
				m.one_of[n++] = src->one_of[i];
		m.n_one_of = n;
		if (n == 0) {
			free(m.one_of);
			return 0;
		}
	}
	nc = candidates(into, add, cand, sizeof cand / sizeof *cand);
	for (size_t i = 0; i < nc && pick == NULL; i++)
		if (setting_satisfied(&m, cand[i]))
			pick = cand[i];
	if (pick == NULL) {
		free(m.one_of);
		return 0;
	}
	m.has_apply = true;
	m.apply = *pick;
	if (add->severity > m.severity)
		m.severity = add->severity;
	free(into->one_of);
	*into = m;
	return 1;
}

/* The same definition reached through two profiles (a shared ancestor). */
static bool
operand_equal(const struct operand *a, const struct operand *b)
{
	return a->kind == b->kind && a->key == b->key && a->field == b->field &&
	    a->percent == b->percent && a->pages == b->pages && a->plus == b->plus &&
	    (a->kind != OPERAND_VALUE || value_equal(&a->value, &b->value));
}

/* Whether two conditions say the same, field for field (NULL: none). */
static bool
cond_equal(const struct cond *a, const struct cond *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->type != b->type || a->nchildren != b->nchildren)
		return false;
	for (size_t i = 0; i < a->nchildren; i++)
		if (!cond_equal(&a->children[i], &b->children[i]))
			return false;
	switch (a->type) {
	case COND_KEY:
		if (a->key != b->key || a->field != b->field || a->op != b->op ||
		    a->flag != b->flag || a->nset != b->nset ||
		    !operand_equal(&a->operand, &b->operand))
			return false;
		for (size_t i = 0; i < a->nset; i++)
			if (!value_equal(&a->set[i], &b->set[i]))
				return false;
		return true;
	case COND_KERNEL:
		if (a->nktests != b->nktests)
			return false;
		for (size_t i = 0; i < a->nktests; i++)
			if (a->ktests[i].op != b->ktests[i].op ||
			    kver_cmp(&a->ktests[i].v, &b->ktests[i].v) != 0)
				return false;
		return true;
	case COND_NETNS:
		return a->netns_child == b->netns_child;
	case COND_HOST:
		return a->htest == b->htest && a->hop == b->hop && a->hnum == b->hnum &&
		    (a->hname == NULL ? b->hname == NULL :
		    b->hname != NULL && strcmp(a->hname, b->hname) == 0);
	default:
		return true;
	}
}

static bool
same_origin(const char *file_a, unsigned line_a, const char *file_b, unsigned line_b)
{
	return file_a != NULL && file_b != NULL && strcmp(file_a, file_b) == 0 &&
	    line_a == line_b;
}

static bool
in_chain(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->nchain; i++)
		if (strcmp(p->chain[i], name) == 0)
			return true;
	return false;
}

static int
text_join(char **dst, const char *add, const char *sep)
{
	char *t;

	if (*dst == NULL)
		return (*dst = strdup(add)) != NULL ? 0 : -ENOMEM;
	if (asprintf(&t, "%s%s%s", *dst, sep, add) < 0)
		return -ENOMEM;
	free(*dst);
	*dst = t;
	return 0;
}

/*
 * Merge the loaded profiles p[0..n-1], left to right, into p[0]. A setting
 * of a key both sides set is narrowed to what satisfies both; a rule keeps
 * the right-hand definition, and a rule one profile disabled (absent from it
 * though its defining profile is in its chain) stays disabled.
 */
static int
compose(struct profile **p, size_t n, const char **disabled, size_t ndisabled,
    struct diag_list *diags)
{
	struct profile *res = p[0];
	int r;

	for (size_t i = 1; i < n; i++) {
		struct profile *q = p[i];
		struct setting *ns;
		struct rule *nr;

		if ((r = text_join(&res->name, q->name, ",")) < 0 ||
		    (r = text_join(&res->description, q->description, "; ")) < 0 ||
		    (strcmp(res->origin, q->origin) != 0 &&
		    (r = text_join(&res->origin, q->origin, ", ")) < 0))
			return r;
		for (size_t j = 0; j < q->nchain; j++) {
			char **c;

			if (in_chain(res, q->chain[j]))
				continue;
			if ((c = realloc(res->chain, (res->nchain + 1) * sizeof *c)) == NULL ||
			    (c[res->nchain] = strdup(q->chain[j])) == NULL) {
				if (c != NULL)
					res->chain = c;
				return -ENOMEM;
			}
			res->chain = c;
			res->nchain++;
		}
		/* Settings. */
		if ((ns = realloc(res->settings, (res->nsettings + q->nsettings + 1) *
		    sizeof *ns)) == NULL)
			return -ENOMEM;
		res->settings = ns;
		for (size_t j = 0; j < q->nsettings; j++) {
			struct setting *add = &q->settings[j], *into = NULL;

			for (size_t k = 0; k < res->nsettings; k++)
				if (res->settings[k].entry == add->entry)
					into = &res->settings[k];
			if (into == NULL) {
				res->settings[res->nsettings++] = *add;
				memset(add, 0, sizeof *add);
				continue;
			}
			if (same_origin(into->file, into->line, add->file, add->line))
				continue;
			if ((into->when != NULL || add->when != NULL) &&
			    !cond_equal(into->when, add->when)) {
				if (diag_add(diags, DIAG_ERROR, add->file, add->line, add->col,
				    "profiles '%s' and '%s' both set '%s' and at least one "
				    "only on some hosts ('when'): they cannot be composed",
				    into->profile, add->profile, add->entry->name) < 0)
					return -ENOMEM;
				continue;
			}
			if ((r = setting_narrow(into, add)) < 0)
				return r;
			if (r == 0) {
				char da[256], db[256];

				if (setting_describe(into, da, sizeof da) < 0)
					da[0] = '\0';
				if (setting_describe(add, db, sizeof db) < 0)
					db[0] = '\0';
				if (diag_add(diags, DIAG_ERROR, add->file, add->line, add->col,
				    "profiles '%s' and '%s' disagree on '%s': '%s' wants %s "
				    "(%s:%u), '%s' wants %s, and no value satisfies both",
				    into->profile, add->profile, add->entry->name,
				    into->profile, da, into->file, into->line, add->profile,
				    db) < 0)
					return -ENOMEM;
				continue;
			}
			if (strcmp(into->profile, add->profile) != 0) {
				char *t = NULL;

				if (asprintf(&t, "%s (%s: %s)", into->reason, add->profile,
				    add->reason) < 0)
					return -ENOMEM;
				free(into->reason);
				into->reason = t;
				t = NULL;
				if (asprintf(&t, "%s; %s", into->source, add->source) < 0)
					return -ENOMEM;
				free(into->source);
				into->source = t;
				t = NULL;
				if (asprintf(&t, "%s,%s", into->profile, add->profile) < 0)
					return -ENOMEM;
				free(into->profile);
				into->profile = t;
			}
		}
		/* Rules: the right-hand definition of an id wins. */
		if ((nr = realloc(res->rules, (res->nrules + q->nrules + 1) *
		    sizeof *nr)) == NULL)
			return -ENOMEM;
		res->rules = nr;
		for (size_t j = 0; j < q->nrules; j++) {
			size_t k;

			for (k = 0; k < res->nrules; k++)
				if (strcmp(res->rules[k].id, q->rules[j].id) == 0)
					break;
			if (k < res->nrules) {
				if (same_origin(res->rules[k].file, res->rules[k].line,
				    q->rules[j].file, q->rules[j].line))
					continue;
				pf_rule_clear(&res->rules[k]);
			} else
				res->nrules++;
			res->rules[k] = q->rules[j];
			memset(&q->rules[j], 0, sizeof q->rules[j]);
		}
	}
	/* A rule that a profile of the composition disabled stays disabled. */
	for (size_t k = 0; k < res->nrules; ) {
		bool drop = false;

		for (size_t i = 0; i < ndisabled && !drop; i++)
			drop = strcmp(disabled[i], res->rules[k].id) == 0;
		if (drop) {
			pf_rule_clear(&res->rules[k]);
			res->rules[k] = res->rules[--res->nrules];
			memset(&res->rules[res->nrules], 0, sizeof *res->rules);
		} else
			k++;
	}
	sort_profile(res);
	return 0;
}

static int profile_load_one(const char *name_or_path,
    const struct profile_search *search, struct profile **ret,
    struct diag_list *diags);

/*
 * The ids of rules that one profile of the composition disabled: a rule
 * another one has, defined by a profile in this one's chain, that this one
 * does not have. Collected before composing moves the rules out.
 */
static int
disabled_ids(struct profile *const *p, size_t n, const char ***ret, size_t *ret_n)
{
	const char **v = NULL;
	size_t nv = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; j != i && k < p[j]->nrules; k++) {
				const struct rule *r = &p[j]->rules[k];
				const char **nvv;

				if (r->profile == NULL || !in_chain(p[i], r->profile) ||
				    profile_rule(p[i], r->id) != NULL)
					continue;
				if ((nvv = realloc(v, (nv + 1) * sizeof *v)) == NULL) {
					free(v);
					return -ENOMEM;
				}
				v = nvv;
				v[nv++] = r->id;
			}
	*ret = v;
	*ret_n = nv;
	return 0;
}

#define COMPOSE_MAX 8

/* "a,b,c": each loaded alone, then composed left to right. */
static int
profile_load_composed(const char *spec, const struct profile_search *search,
    struct profile **ret, struct diag_list *diags)
{
	struct profile *p[COMPOSE_MAX];
	char *copy, *save = NULL, *tok, *names[COMPOSE_MAX];
	const char **disabled = NULL;
	size_t n = 0, ndisabled = 0, nerr0 = diags->nerrors;
	char b[SHOW_BUF];
	int r = 0;

	if ((copy = strdup(spec)) == NULL)
		return -ENOMEM;
	for (const char *q = spec; ; q++) {
		/* strtok_r() would skip empty names: "nginx,,bbr" is a typo. */
		size_t len = strcspn(q, ",");

		if (q[strspn(q, " \t")] == ',' || q[strspn(q, " \t")] == '\0' ||
		    strspn(q, " \t") == len) {
			r = diag_add(diags, DIAG_ERROR, NULL, 0, 0, "empty profile name "
			    "in '%s'", pf_show(spec, b, sizeof b));
			r = r < 0 ? r : -EINVAL;
			goto out;
		}
		q += len;
		if (*q == '\0')
			break;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " \t");
		tok[strcspn(tok, " \t")] = '\0';
		if (n == COMPOSE_MAX) {
			r = diag_add(diags, DIAG_ERROR, NULL, 0, 0, "'%s' composes more "
			    "than %d profiles", pf_show(spec, b, sizeof b), COMPOSE_MAX);
			r = r < 0 ? r : -EINVAL;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], tok) == 0) {
				r = diag_add(diags, DIAG_ERROR, NULL, 0, 0, "profile '%s' "
				    "appears twice in '%s'", pf_show(tok, b, sizeof b), spec);
				r = r < 0 ? r : -EINVAL;
				goto out;
			}
		names[n] = tok;
		if ((r = profile_load_one(tok, search, &p[n], diags)) < 0)
			goto out;
		n++;
	}
	if (n == 0) {
		r = diag_add(diags, DIAG_ERROR, NULL, 0, 0, "no profile named in '%s'",
		    pf_show(spec, b, sizeof b));
		r = r < 0 ? r : -EINVAL;
		goto out;
	}
	if ((r = disabled_ids(p, n, &disabled, &ndisabled)) < 0 ||
	    (r = compose(p, n, disabled, ndisabled, diags)) < 0)
		goto out;
	if (diags->nerrors > nerr0) {
		r = -EINVAL;
		goto out;
	}
	*ret = p[0];
	p[0] = NULL;
out:
	free(disabled);
	for (size_t i = 0; i < n; i++)
		profile_free(p[i]);
	free(copy);
	return r;
}

int
profile_load(const char *name_or_path, const struct profile_search *search,
    struct profile **ret, struct diag_list *diags)
{
	if (strchr(name_or_path, ',') != NULL)
		return profile_load_composed(name_or_path, search, ret, diags);
	return profile_load_one(name_or_path, search, ret, diags);
}

static int
profile_load_one(const char *name_or_path, const struct profile_search *search,
    struct profile **ret, struct diag_list *diags)
{
	struct pfile files[PROFILE_MAX_EXTENDS + 1];
	size_t n = 0, nd0 = diags->n, nerr0 = diags->nerrors;
	bool complete = false;
	int r, pr = 0;

	memset(files, 0, sizeof files);
	if (is_path(name_or_path)) {
		r = load_path(name_or_path, NULL, &files[0], diags);
		if (files[0].p == NULL)
			goto out;
	} else {
		r = load_named(name_or_path, search, &files[0], &pr, diags);
		if (r == 0) {
			r = report_not_found(name_or_path, search, NULL, 0, 0, diags);
			r = r < 0 ? r : -ENOENT;
			goto out;
		}
		if (r < 0)
			goto out;
	}
	if (r == -ENOMEM)
		goto out;
	n = 1;
	for (;;) {
		struct pfile *cur = &files[n - 1];
		char text[(NAME_MAX_LEN + 4) * (PROFILE_MAX_EXTENDS + 2)];
		size_t j;

		if (!cur->complete || cur->p == NULL)
			break;
		if (cur->extends == NULL) {
			complete = true;
			break;
		}
		if (n == PROFILE_MAX_EXTENDS + 1) {
			if (diag_add(diags, DIAG_ERROR, cur->file, cur->ext_line,
			    cur->ext_col, "'extends' nests deeper than %d levels",
			    PROFILE_MAX_EXTENDS) < 0)
				r = -ENOMEM;
			break;
		}
		for (j = 0; j < n; j++)
			if (files[j].cname != NULL && strcmp(files[j].cname, cur->extends) == 0)
				break;
		if (j == n) {
			r = load_named(cur->extends, search, &files[n], &pr, diags);
			if (r < 0)
				break;
			if (r == 0) {
				r = report_not_found(cur->extends, search, cur->file,
				    cur->ext_line, cur->ext_col, diags);
				break;
			}
			n++;
			/* Found by an alias: the cycle shows in its real name. */
			for (j = 0; j < n - 1; j++)
				if (files[j].cname != NULL && files[n - 1].cname != NULL &&
				    strcmp(files[j].cname, files[n - 1].cname) == 0)
					break;
			if (j == n - 1)
				continue;
			pfile_clear(&files[--n]);
		}
		cycle_text(files, j, n, files[j].cname, text, sizeof text);
		if (diag_add(diags, DIAG_ERROR, cur->file, cur->ext_line, cur->ext_col,
		    "'extends' cycle: %s", text) < 0)
			r = -ENOMEM;
		break;
	}
	if (r == -ENOMEM)
		goto out;
	if (complete && check_disable(files, n, diags) < 0) {
		r = -ENOMEM;
		goto out;
	}
	if (diags->nerrors > nerr0) {
		/* A file that failed to read keeps its error (EIO...). */
		r = r < 0 ? r : -EINVAL;
		goto out;
	}
	r = resolve(files, n, ret);
out:
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		pfile_clear(&files[i]);
	pf_sort_diags(diags, nd0);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Listing */

static void
info_clear(struct profile_info *in)
{
	free(in->name);
	free(in->description);
	free(in->origin);
	strv_free(in->aliases, in->naliases);
	free(in->shadows);
	memset(in, 0, sizeof *in);
}

void
profile_info_free(struct profile_info *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		info_clear(&list[i]);
	free(list);
}

struct info_list {
	struct profile_info *v;
	size_t n, alloc;
};

static struct profile_info *
info_find(struct info_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/*
 * Add the profile parsed into pf under name (taken from pf), or only the
 * name with NULL fields when it failed to parse, so that it still hides
 * the profiles of the same name after it.
 */
static int
info_add(struct info_list *l, const char *name, struct pfile *pf, bool ok)
{
	struct profile_info *in;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 16;
		struct profile_info *nv = realloc(l->v, na * sizeof *nv);

		if (nv == NULL)
			return -ENOMEM;
		l->v = nv;
		l->alloc = na;
	}
	in = &l->v[l->n];
	memset(in, 0, sizeof *in);
	if ((in->name = strdup(name)) == NULL)
		return -ENOMEM;
	l->n++;
	if (!ok)
		return 0;
	in->description = pf->p->description;
	in->origin = pf->p->origin;
	in->aliases = pf->p->aliases;
	in->naliases = pf->p->naliases;
	pf->p->description = pf->p->origin = NULL;
	pf->p->aliases = NULL;
	pf->p->naliases = 0;
	return 0;
}

static int
cmp_info(const void *a, const void *b)
{
	const struct profile_info *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int
profile_list(const struct profile_search *search, struct profile_info **ret,
    size_t *ret_n, struct diag_list *diags)
{
	struct info_list l = { NULL, 0, 0 };
	const struct builtin_profile *all;
	size_t nb, w = 0;
	int r = 0;

	for (size_t i = 0; search != NULL && i < search->ndirs && r == 0; i++) {
		struct strv names = { NULL, 0, 0 };

		r = dir_names(search->dirs[i], &names, diags);
		for (size_t j = 0; j < names.n && r == 0; j++) {
			struct profile_info *seen = info_find(&l, names.v[j]);
			char path[PATH_MAX];
			struct pfile pf;
			int pr;

			if (dir_path(search->dirs[i], names.v[j], path, sizeof path) < 0)
				continue;
			if (seen != NULL) {
				if (seen->shadows == NULL &&
				    (seen->shadows = strdup(path)) == NULL)
					r = -ENOMEM;
				continue;
			}
			pr = load_path(path, names.v[j], &pf, diags);
			if (pr == -ENOMEM)
				r = pr;
			else
				r = info_add(&l, names.v[j], &pf, pr == 0);
			pfile_clear(&pf);
		}
		strv_free(names.v, names.n);
	}
	all = builtin_profiles(&nb);
	for (size_t i = 0; i < nb && r == 0; i++) {
		struct profile_info *seen = info_find(&l, all[i].name);
		struct pfile pf;
		int pr;

		if (seen != NULL) {
			if (seen->shadows == NULL &&
			    (seen->shadows = strdup("built-in")) == NULL)
				r = -ENOMEM;
			continue;
		}
		pr = load_builtin(&all[i], &pf, diags);
		if (pr == -ENOMEM)
			r = pr;
		else
			r = info_add(&l, all[i].name, &pf, pr == 0);
		pfile_clear(&pf);
	}
	if (r < 0) {
		profile_info_free(l.v, l.n);
		return r;
	}
	/* Drop the names held only by files that failed. */
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].origin == NULL) {
			info_clear(&l.v[i]);
			continue;
		}
		l.v[w++] = l.v[i];
	}
	l.n = w;
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, cmp_info);
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Queries */

static int
cmp_setting_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct setting *)elem)->entry->name);
}

const struct setting *
profile_setting(const struct profile *p, const char *key)
{
	if (p->nsettings == 0)
		return NULL;
	return bsearch(key, p->settings, p->nsettings, sizeof *p->settings,
	    cmp_setting_key);
}

static int
cmp_rule_id(const void *key, const void *elem)
{
	return strcmp(key, ((const struct rule *)elem)->id);
}

const struct rule *
profile_rule(const struct profile *p, const char *id)
{
	if (p->nrules == 0)
		return NULL;
	return bsearch(id, p->rules, p->nrules, sizeof *p->rules, cmp_rule_id);
}
