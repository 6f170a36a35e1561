/*
 * lint: the policy's findings about configuration files alone; see lint.h.
 *
 * lint does not judge anything itself: it runs rules_eval() on a snapshot
 * of the files with no live values, so a line gets exactly the finding,
 * severity and fix that `check` gives it, and keeps the findings that name
 * a line, or a file that cannot be read (TA-C003: a FIFO, a directory, a
 * link out of the root or in a loop), and do not depend on a live system. They are ordered by position:
 * severity, then the reading order of the files, then the line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

static size_t
file_rank(const struct sysctld_config *c, const char *path)
{
	for (size_t i = 0; path != NULL && i < c->nfiles; i++)
		if (strcmp(c->files[i].target, path) == 0)
			return i;
	return c->nfiles;
}

static int
cmp_finding(const void *a, const void *b, void *arg)
{
	const struct finding *x = a, *y = b;
	const struct sysctld_config *c = arg;
	size_t fx, fy;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	fx = file_rank(c, x->file);
	fy = file_rank(c, y->file);
	if (fx != fy)
		return fx < fy ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
lint_eval(const struct profile *p, const struct snapshot *s,
    const struct policy_opts *opts, struct findings *ret)
{
	struct findings all = FINDINGS_INIT;
	int r;

	r = rules_eval(p, s, opts, &all);
	for (size_t i = 0; i < all.n; i++) {
		struct finding *f = &all.items[i];

		if (r == 0 && f->file != NULL && !f->needs_live &&
		    (f->line > 0 || strcmp(f->id, "TA-C003") == 0))
			r = findings_push(ret, f);
		else
			finding_clear(f);
	}
	free(all.items);
	if (r < 0)
		return r;
	if (ret->n > 1)
		qsort_r(ret->items, ret->n, sizeof ret->items[0], cmp_finding,
		    s->config);
	return 0;
}
