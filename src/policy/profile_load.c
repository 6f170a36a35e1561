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
	memset(c, 0, sizeof *c);
}

void
pf_setting_clear(struct setting *s)
{
	free(s->one_of);
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
 * Read a regular file of at most PROFILE_MAX_BYTES into *ret (NUL-
 * terminated, caller frees). Returns 0; -EFBIG when it is larger; -EINVAL
 * when it is not a regular file; or the negative errno of open/read.
 */
static int
read_file(const char *path, char **ret, size_t *ret_size)
{
	struct stat st;
	char *buf = NULL;
	size_t size = 0, alloc;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if (st.st_size > PROFILE_MAX_BYTES) {
		r = -EFBIG;
		goto out;
	}
	/* One byte more than allowed, to notice a file that grew. */
	alloc = (size_t)st.st_size + 2;
	if ((buf = malloc(alloc)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (size + 1 == alloc) {
			size_t na = alloc * 2 > PROFILE_MAX_BYTES + 2 ?
			    PROFILE_MAX_BYTES + 2 : alloc * 2;
			char *nb;

			if (size > PROFILE_MAX_BYTES) {
				r = -EFBIG;
				goto out;
			}
			if ((nb = realloc(buf, na)) == NULL) {
				r = -ENOMEM;
				goto out;
			}
			buf = nb;
			alloc = na;
		}
		n = read(fd, buf + size, alloc - 1 - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (size > PROFILE_MAX_BYTES) {
		r = -EFBIG;
		goto out;
	}
	buf[size] = '\0';
	*ret = buf;
	*ret_size = size;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return r;
}

/* Report a read_file() failure about path. */
static int
report_read_error(struct diag_list *diags, const char *path, int r)
{
	int a;

	if (r == -ENOMEM)
		return r;
	if (r == -EFBIG) {
		a = diag_add(diags, DIAG_ERROR, path, 0, 0,
		    "file is larger than %d bytes", PROFILE_MAX_BYTES);
		r = -EINVAL;
	}
	else if (r == -EINVAL)
		a = diag_add(diags, DIAG_ERROR, path, 0, 0, "not a regular file");
	else
		a = diag_add(diags, DIAG_ERROR, path, 0, 0, "%s", strerror(-r));
	return a < 0 ? a : r;
}

/* Parse a file at path; a missing file is reported. */
static int
load_path(const char *path, const char *expect_name, struct pfile *pf,
    struct diag_list *diags)
{
	char *text = NULL;
	size_t size = 0;
	int r;

	memset(pf, 0, sizeof *pf);
	r = read_file(path, &text, &size);
	if (r < 0)
		return report_read_error(diags, path, r);
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
		char *text = NULL;
		size_t size = 0;

		if ((r = dir_path(search->dirs[i], name, path, sizeof path)) < 0)
			return diag_add(diags, DIAG_ERROR, search->dirs[i], 0, 0, "%s",
			    strerror(-r)) < 0 ? -ENOMEM : r;
		r = read_file(path, &text, &size);
		if (r == -ENOENT || r == -ENOTDIR)
			continue;
		if (r < 0)
			return report_read_error(diags, path, r);
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

int
profile_load(const char *name_or_path, const struct profile_search *search,
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
		r = -EINVAL;
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
