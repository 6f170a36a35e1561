/*
 * lint: findings about configuration files alone; see lint.h.
 *
 * Three passes over the parsed files, in reading order. Hazards first: the
 * profile's rules in the persisted view of a snapshot that has no live
 * values, so a rule sees what the files would leave after a reboot. Then
 * every line on its own: syntax, unknown and removed keys, and values
 * against the catalog's kernel and sane ranges. Last, every assignment
 * against the previous one of the same key: conflicting and redundant
 * lines. Nothing here reads a file; the snapshot holds the parsed lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "procfs.h"

/* How many keys one rule's condition may name before the rest are ignored
   (a profile rule names one to three). */
#define LINT_COND_KEYS 16

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static const char *
line_path(const struct snapshot *s, const struct sysctld_line *l)
{
	return s->config->files[l->file].target;
}

/* Add one line to f->lines. Returns 0 or -ENOMEM. */
static int
add_line(struct finding *f, const struct snapshot *s, const struct sysctld_line *l)
{
	struct finding_line *nl = realloc(f->lines, (f->nlines + 1) * sizeof *nl);

	if (nl == NULL)
		return -ENOMEM;
	f->lines = nl;
	nl = &f->lines[f->nlines++];
	nl->file = strdup(line_path(s, l));
	nl->line = l->lineno;
	nl->value = strdup(l->value);
	return nl->file == NULL || nl->value == NULL ? -ENOMEM : 0;
}

/* Set the finding's position and key to those of line l. */
static int
place(struct finding *f, const struct snapshot *s, const struct sysctld_line *l)
{
	f->line = l->lineno;
	if ((f->file = strdup(line_path(s, l))) == NULL)
		return -ENOMEM;
	if (l->key != NULL && (f->key = strdup(l->key)) == NULL)
		return -ENOMEM;
	return 0;
}

static bool
is_assignment(const struct sysctld_line *l)
{
	return l->kind == LINE_ASSIGN && !l->glob;
}

static bool
secret(const struct catalog_entry *e)
{
	return e != NULL && (e->flags & CATALOG_SECRET) != 0;
}

/* --- hazards --------------------------------------------------------- */

/* The keys a condition names (its own and OPERAND_KEY operands). */
static void
cond_keys(const struct cond *c, const struct catalog_entry **keys, size_t *n)
{
	switch (c->type) {
	case COND_ALL:
	case COND_ANY:
	case COND_NOT:
		for (size_t i = 0; i < c->nchildren; i++)
			cond_keys(&c->children[i], keys, n);
		break;
	case COND_KEY:
		if (*n < LINT_COND_KEYS && c->key != NULL)
			keys[(*n)++] = c->key;
		if (*n < LINT_COND_KEYS && c->operand.kind == OPERAND_KEY &&
		    c->operand.key != NULL)
			keys[(*n)++] = c->operand.key;
		break;
	case COND_KERNEL:
	case COND_NETNS:
		break;
	}
}

/* The line the files set a key with after a reboot, or NULL. */
static const struct sysctld_line *
winning_line(const struct snapshot *s, const struct catalog_entry *e)
{
	const struct snapshot_key *k = snapshot_key(s, e->name);
	const struct sysctld_effect *eff;

	if (k == NULL)
		return NULL;
	eff = &k->eff[s->boot];
	return eff->line != NULL && !eff->excluded ? eff->line : NULL;
}

/* A value that satisfies the profile's setting of key, or NULL. */
static const struct value *
setting_value(const struct profile *p, const char *key)
{
	const struct setting *st = profile_setting(p, key);

	if (st == NULL)
		return NULL;
	if (st->has_apply)
		return &st->apply;
	if (st->has_equal)
		return &st->equal;
	return st->n_one_of > 0 ? &st->one_of[0] : NULL;
}

static char *
hazard_fix(const struct profile *p, const struct rule *r,
    const struct snapshot *s, const struct finding *f)
{
	const struct snapshot_key *k = snapshot_key(s, r->key->name);
	const struct value *v = NULL;
	char buf[VALUE_STR_MAX];

	switch (r->fix_kind) {
	case FIX_VALUE:
		v = &r->fix_value;
		break;
	case FIX_AUTO:
		if ((v = setting_value(p, r->key->name)) != NULL)
			break;
		/* FALLTHROUGH */
	case FIX_DEFAULT:
		if (k != NULL && k->has_default)
			return finding_printf("%s = %s", r->key->name, k->dflt);
		/* FALLTHROUGH */
	case FIX_REMOVE:
		return f->file != NULL && f->key != NULL &&
		    strcmp(f->key, r->key->name) == 0 ?
		    finding_printf("delete %s:%u", f->file, f->line) : NULL;
	}
	if (v == NULL || value_format(v, buf, sizeof buf) < 0)
		return NULL;
	return finding_printf("%s = %s", r->key->name, buf);
}

/* Whether the kernel refuses to write value to key e (TA-L001). */
static bool
kernel_rejects(const struct catalog_entry *e, const char *value)
{
	const char *err;
	struct value v;

	if (value_parse_kernel(value, e->shape, e->nfields, &v, &err) < 0)
		return true;
	if (e->shape != SHAPE_INT && e->shape != SHAPE_VECTOR)
		return false;
	for (unsigned i = 0; i < v.nfields; i++)
		if (v.field[i] < e->kmin || v.field[i] > e->kmax)
			return true;
	return false;
}

/*
 * Every rule that holds in the persisted view and names a key the files
 * set. A rule that would hold on kernel defaults alone is about the kernel,
 * not about these files: `check` reports it.
 */
static int
eval_hazards(const struct profile *p, const struct snapshot *s,
    struct findings *ret)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		const struct catalog_entry *keys[LINT_COND_KEYS];
		const struct sysctld_line *at = NULL;
		const struct setting *st;
		struct finding f;
		size_t n = 0;
		char buf[256];

		if (!rules_cond_holds(&r->when, s, 1))
			continue;
		at = winning_line(s, r->key);
		cond_keys(&r->when, keys, &n);
		for (size_t j = 0; j < n && at == NULL; j++)
			at = winning_line(s, keys[j]);
		/* A value the kernel refuses never takes effect: TA-L001 says
		   so, and judging it as if it did would mislead. */
		if (at == NULL || kernel_rejects(catalog_lookup(at->key), at->value))
			continue;
		memset(&f, 0, sizeof f);
		f.id = strdup(r->id);
		f.severity = r->severity;
		f.kind = KIND_HAZARD;
		f.message = strdup(r->title);
		f.reason = xstrdup(r->reason);
		f.source = xstrdup(r->source);
		f.in_persisted = true;
		if (place(&f, s, at) < 0)
			goto nomem;
		if (!secret(r->key) && (f.persisted = strdup(at->value)) == NULL)
			goto nomem;
		st = profile_setting(p, at->key);
		if (st != NULL && setting_describe(st, buf, sizeof buf) == 0 &&
		    (f.want = strdup(buf)) == NULL)
			goto nomem;
		for (size_t fi = 0; fi < s->config->nfiles; fi++)
			for (size_t li = 0; li < s->config->files[fi].nlines; li++) {
				const struct sysctld_line *l = &s->config->files[fi].lines[li];

				if (is_assignment(l) && strcmp(l->key, at->key) == 0 &&
				    add_line(&f, s, l) < 0)
					goto nomem;
			}
		f.fix = hazard_fix(p, r, s, &f);
		if (findings_push(ret, &f) < 0)
			return -ENOMEM;
		continue;
nomem:
		finding_clear(&f);
		return -ENOMEM;
	}
	return 0;
}

/* --- one line at a time ---------------------------------------------- */

/* A hazard already names this line for this key. */
static bool
hazard_at(const struct findings *f, const struct snapshot *s,
    const struct sysctld_line *l)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->items[i];

		if (x->kind == KIND_HAZARD && strncmp(x->id, "TA-H", 4) == 0 &&
		    x->key != NULL && strcmp(x->key, l->key) == 0 &&
		    x->line == l->lineno && strcmp(x->file, line_path(s, l)) == 0)
			return true;
	}
	return false;
}

/* A finding about line l; with `remove`, the fix deletes the line. */
static int
push_line_finding(struct findings *ret, const struct snapshot *s,
    const struct sysctld_line *l, const char *id, enum severity sev,
    enum finding_kind kind, bool remove, char *message, const char *reason)
{
	struct finding f;

	memset(&f, 0, sizeof f);
	f.id = strdup(id);
	f.severity = sev;
	f.kind = kind;
	f.message = message;
	f.reason = xstrdup(reason);
	if (place(&f, s, l) < 0 || (reason != NULL && f.reason == NULL)) {
		finding_clear(&f);
		return -ENOMEM;
	}
	if (remove && (f.fix = finding_printf("delete %s:%u", f.file, f.line)) == NULL) {
		finding_clear(&f);
		return -ENOMEM;
	}
	return findings_push(ret, &f);
}

#define BOM "\xef\xbb\xbf"

static int
lint_unknown(struct findings *ret, const struct snapshot *s,
    const struct sysctld_line *l)
{
	const char *sugg;

	if (strncmp(l->key, BOM, strlen(BOM)) == 0)
		return push_line_finding(ret, s, l, "TA-C001", SEV_WARNING,
		    KIND_UNSUPPORTED, true, finding_printf("unknown key '%s': the file starts "
		    "with a UTF-8 byte order mark, which becomes part of the key",
		    l->key + strlen(BOM)), "Both appliers read the mark as part "
		    "of the first key, so the line sets nothing. Save the file "
		    "without it.");
	if (strncmp(l->key, "net.", 4) != 0 || sysctl_key_per_interface(l->key))
		return 0;
	/* Known to the running kernel, if one was asked: a real key the
	   catalog has no advice on (tcp_sack is no misspelt tcp_fack). */
	for (size_t i = 0; s->others_probed && i < s->nothers; i++)
		if (strcmp(s->others[i].key, l->key) == 0 && s->others[i].exists)
			return 0;
	if ((sugg = catalog_suggest(l->key)) != NULL)
		return push_line_finding(ret, s, l, "TA-C001", SEV_WARNING,
		    KIND_UNSUPPORTED, true, finding_printf("unknown key '%s' (did you mean "
		    "'%s'?)", l->key, sugg), "A misspelt key sets nothing: "
		    "`sysctl -p` exits 1 on it and the intended setting is never "
		    "applied.");
	if (s->others_probed)
		return push_line_finding(ret, s, l, "TA-C001", SEV_WARNING,
		    KIND_UNSUPPORTED, true, finding_printf("unknown key '%s': neither "
		    "tcpadvise nor this kernel knows it", l->key), "The line sets "
		    "nothing here: `sysctl -p` exits 1 on it. Check its spelling, or "
		    "whether it needs a module or another kernel release.");
	return push_line_finding(ret, s, l, "TA-C001", SEV_INFO, KIND_UNSUPPORTED,
	    false, finding_printf("'%s' is not a key tcpadvise knows; its name and value "
	    "were not checked", l->key), "tcpadvise's catalog covers the TCP "
	    "and socket keys it gives advice on; other keys are passed over.");
}

static int
lint_release(struct findings *ret, const struct snapshot *s,
    const struct sysctld_line *l, const struct catalog_entry *e)
{
	char id[16];
	char *msg;

	snprintf(id, sizeof id, "TA-U%03u", e->id);
	if (e->removed != NULL)
		msg = finding_printf("'%s' was removed in Linux %s: on %s the line sets "
		    "nothing", l->key, e->removed, s->kernel_release);
	else
		msg = finding_printf("'%s' first appeared in Linux %s: on %s the line "
		    "sets nothing", l->key, e->since, s->kernel_release);
	return push_line_finding(ret, s, l, id, SEV_WARNING, KIND_UNSUPPORTED, true, msg,
	    "The key does not exist on that kernel: `sysctl -p` reports "
	    "\"cannot stat\" for it and exits 1, which fails boot units and "
	    "configuration tools that apply the file.");
}

/*
 * The first field outside lo..hi, as "must be between" text in buf, or
 * false when every field is inside.
 */
static bool
out_of_range(const struct catalog_entry *e, const struct value *v, long long lo,
    long long hi, char *buf, size_t size)
{
	for (unsigned i = 0; i < v->nfields; i++)
		if (v->field[i] < lo || v->field[i] > hi) {
			if (e->nfields > 1)
				snprintf(buf, size, "field %u must be between %lld "
				    "and %lld", i + 1, lo, hi);
			else
				snprintf(buf, size, "the value must be between %lld and %lld",
				    lo, hi);
			return true;
		}
	return false;
}

static int
lint_value(struct findings *ret, const struct snapshot *s,
    const struct sysctld_line *l, const struct catalog_entry *e)
{
	const char *shown = secret(e) ? "(secret)" : l->value;
	const char *errstr = NULL;
	struct value v;
	char why[128];

	if (value_parse_kernel(l->value, e->shape, e->nfields, &v, &errstr) < 0)
		return push_line_finding(ret, s, l, "TA-L001", SEV_WARNING,
		    KIND_HAZARD, true, finding_printf("the kernel rejects '%s = %s': the value "
		    "must be %s (%s)", l->key, shown, catalog_shape_name(e),
		    errstr ? errstr : "invalid"), "The write fails with EINVAL: "
		    "the line changes nothing, and both `sysctl -p` and "
		    "systemd-sysctl report it and exit 1.");
	if (e->shape != SHAPE_INT && e->shape != SHAPE_VECTOR)
		return 0;
	if (out_of_range(e, &v, e->kmin, e->kmax, why, sizeof why))
		return push_line_finding(ret, s, l, "TA-L001", SEV_WARNING,
		    KIND_HAZARD, true, finding_printf("the kernel rejects '%s = %s': %s",
		    l->key, shown, why), "The write fails with EINVAL: the line "
		    "changes nothing, and both `sysctl -p` and systemd-sysctl "
		    "report it and exit 1.");
	/* A hazard about the line says more than the sane range does. */
	if (!hazard_at(ret, s, l) &&
	    out_of_range(e, &v, e->smin, e->smax, why, sizeof why))
		return push_line_finding(ret, s, l, "TA-L002", SEV_INFO,
		    KIND_DEVIATION, false, finding_printf("'%s = %s' is outside the sane range: "
		    "%s", l->key, shown, why), "The kernel accepts the value, "
		    "but it lies outside the range the catalog considers sane for "
		    "this key; make sure it is intended.");
	return 0;
}

static int
eval_lines(const struct snapshot *s, struct findings *ret)
{
	const struct sysctld_config *c = s->config;

	for (size_t fi = 0; fi < c->nfiles; fi++)
		for (size_t li = 0; li < c->files[fi].nlines; li++) {
			const struct sysctld_line *l = &c->files[fi].lines[li];
			const struct catalog_entry *e;
			int r = 0;

			if (l->kind == LINE_INVALID)
				r = push_line_finding(ret, s, l, "TA-C002",
				    SEV_WARNING, KIND_HAZARD, true, finding_printf("%s: '%s'",
				    l->problem, l->raw), "procps skips the line with "
				    "a warning; systemd-sysctl skips it and exits 1, "
				    "which marks systemd-sysctl.service failed at boot.");
			else if (!is_assignment(l))
				continue;
			else if ((e = catalog_lookup(l->key)) == NULL)
				r = lint_unknown(ret, s, l);
			else if (!catalog_in_release(e, &s->host.kernel)) {
				if (!hazard_at(ret, s, l))
					r = lint_release(ret, s, l, e);
			} else
				r = lint_value(ret, s, l, e);
			if (r < 0)
				return r;
		}
	return 0;
}

/* --- duplicates ------------------------------------------------------ */

/* Whether two values of one key are the same to the kernel. */
static bool
same_value(const struct catalog_entry *e, const char *a, const char *b)
{
	char fa[VALUE_STR_MAX], fb[VALUE_STR_MAX];
	const char *err;
	struct value va, vb;

	if (e != NULL &&
	    value_parse_kernel(a, e->shape, e->nfields, &va, &err) == 0 &&
	    value_parse_kernel(b, e->shape, e->nfields, &vb, &err) == 0 &&
	    value_format(&va, fa, sizeof fa) == 0 &&
	    value_format(&vb, fb, sizeof fb) == 0)
		return strcmp(fa, fb) == 0;
	/* Unknown shape: equal when the words are ("1 2" and "1\t2"). */
	while (*a != '\0' || *b != '\0') {
		bool ba = *a == ' ' || *a == '\t', bb = *b == ' ' || *b == '\t';

		if (ba != bb)
			return false;
		if (ba) {
			a += strspn(a, " \t");
			b += strspn(b, " \t");
			continue;
		}
		if (*a++ != *b++)
			return false;
	}
	return true;
}

/* The assignment of l's key that comes last before l in reading order. */
static const struct sysctld_line *
previous(const struct sysctld_config *c, size_t fi, size_t li)
{
	const char *key = c->files[fi].lines[li].key;

	for (size_t f = fi + 1; f-- > 0;)
		for (size_t i = f == fi ? li : c->files[f].nlines; i-- > 0;) {
			const struct sysctld_line *l = &c->files[f].lines[i];

			if (is_assignment(l) && strcmp(l->key, key) == 0)
				return l;
		}
	return NULL;
}

static int
eval_duplicates(const struct snapshot *s, struct findings *ret)
{
	const struct sysctld_config *c = s->config;

	for (size_t fi = 0; fi < c->nfiles; fi++)
		for (size_t li = 0; li < c->files[fi].nlines; li++) {
			const struct sysctld_line *l = &c->files[fi].lines[li];
			const struct sysctld_line *prev;
			const struct catalog_entry *e;
			struct finding f;
			bool same;

			if (!is_assignment(l) || (prev = previous(c, fi, li)) == NULL)
				continue;
			e = catalog_lookup(l->key);
			same = same_value(e, prev->value, l->value);
			if (same && prev->file == l->file)
				continue;
			memset(&f, 0, sizeof f);
			if (!same) {
				f.id = strdup("TA-L003");
				f.severity = SEV_WARNING;
				f.kind = KIND_HAZARD;
				if (secret(e))
					f.message = finding_printf("%s is set at %s:%u and to "
					    "another value at %s:%u; the later one wins",
					    l->key, line_path(s, prev), prev->lineno,
					    line_path(s, l), l->lineno);
				else
					f.message = finding_printf("%s is set to %s at %s:%u "
					    "and to %s at %s:%u; the later one wins",
					    l->key, prev->value, line_path(s, prev),
					    prev->lineno, l->value, line_path(s, l),
					    l->lineno);
				f.reason = strdup("Only the later value takes effect, "
				    "and renaming or removing a file silently brings "
				    "the other one back; the earlier line misleads "
				    "whoever reads it.");
			} else {
				f.id = strdup("TA-L004");
				f.severity = SEV_INFO;
				f.kind = KIND_SHADOWED;
				f.message = finding_printf("%s is set at %s:%u and again, to "
				    "the same value, at %s:%u; the later file shadows "
				    "the earlier line", l->key, line_path(s, prev),
				    prev->lineno, line_path(s, l), l->lineno);
				f.reason = strdup("The earlier line is redundant while "
				    "the later file sets the key; a change made to it "
				    "alone would have no effect.");
			}
			f.fix = finding_printf("delete %s:%u", line_path(s, prev),
			    prev->lineno);
			if (!secret(e) && (f.persisted = strdup(l->value)) == NULL)
				goto nomem;
			if (f.reason == NULL || place(&f, s, l) < 0 ||
			    add_line(&f, s, prev) < 0 || add_line(&f, s, l) < 0)
				goto nomem;
			if (findings_push(ret, &f) < 0)
				return -ENOMEM;
			continue;
nomem:
			finding_clear(&f);
			return -ENOMEM;
		}
	return 0;
}

/* --- order ----------------------------------------------------------- */

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
    struct findings *ret)
{
	int r;

	if ((r = eval_hazards(p, s, ret)) < 0 ||
	    (r = eval_lines(s, ret)) < 0 ||
	    (r = eval_duplicates(s, ret)) < 0)
		return r;
	if (ret->n > 1)
		qsort_r(ret->items, ret->n, sizeof ret->items[0], cmp_finding,
		    s->config);
	return 0;
}
