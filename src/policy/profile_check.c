/*
 * profile_check.c: stage 2 of loading a profile (see profile_int.h): the
 * tree of one file checked against the format (tcpadvise-profile(5)) and
 * the catalog, field by field, into its own settings and rules. Every
 * problem is reported and checking goes on. Conditions are checked in
 * profile_cond.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_int.h"
#include "suggest.h"

/* ---------------------------------------------------------------------- */
/* Names and severities */

const char *
severity_name(enum severity s)
{
	switch (s) {
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_CRITICAL:
		return "critical";
	}
	return "?";
}

int
severity_parse(const char *s, enum severity *ret)
{
	static const enum severity all[] = { SEV_INFO, SEV_WARNING, SEV_CRITICAL };

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, severity_name(all[i])) == 0) {
			*ret = all[i];
			return 0;
		}
	return -EINVAL;
}

/* [a-z][a-z0-9-]{0,31} */
bool
pf_valid_name(const char *s)
{
	size_t i;

	if (s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return false;
	return i <= NAME_MAX_LEN;
}

/* TA-H[0-9]{3} */
static bool
valid_rule_id(const char *s)
{
	if (strncmp(s, "TA-H", 4) != 0)
		return false;
	for (int i = 4; i < 7; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[7] == '\0';
}

/* ---------------------------------------------------------------------- */
/* Fields */

/*
 * The value node of each known field of a mapping (NULL when absent) and
 * its key node, with an error for every unknown field.
 */
void
pf_get_fields(struct ctx *c, const struct ynode *map, const char *const *names,
    size_t n, const char *where, const struct ynode **vals,
    const struct ynode **keys)
{
	for (size_t i = 0; i < n; i++)
		vals[i] = keys[i] = NULL;
	for (const struct ynode *k = map->head; k != NULL; k = k->next->next) {
		char b[SHOW_BUF], dym[SUGGEST_WORD_MAX + 32];
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(k->text, names[i]) == 0)
				break;
		if (i < n) {
			vals[i] = k->next;
			keys[i] = k;
			continue;
		}
		pf_report(c, k, "unknown field '%s' %s%s", pf_show(k->text, b, sizeof b),
		    where, pf_did_you_mean(suggest_best(k->text, names, n, 1), dym,
		    sizeof dym));
	}
}

/* The text of a scalar; NULL (reported unless already bad) otherwise. */
const char *
pf_want_scalar(struct ctx *c, const struct ynode *n, const char *field)
{
	if (n->type == Y_SCALAR)
		return n->text;
	if (n->type != Y_BAD)
		pf_report(c, n, "'%s' must be a scalar", field);
	return NULL;
}

bool
pf_want_type(struct ctx *c, const struct ynode *n, enum ytype type,
    const char *field)
{
	if (n->type == type)
		return true;
	if (n->type != Y_BAD)
		pf_report(c, n, "'%s' must be a %s", field,
		    type == Y_MAP ? "mapping" : "sequence");
	return false;
}

/*
 * A text field: trailing white space (the newline of a block scalar) is
 * dropped; it must not be empty and, if one_line, must not span lines.
 * Returns a copy (caller frees) or NULL (reported).
 */
static char *
want_text(struct ctx *c, const struct ynode *n, const char *field,
    bool one_line)
{
	const char *s = pf_want_scalar(c, n, field);
	size_t len;
	char *r;

	if (s == NULL)
		return NULL;
	if (pf_is_null(n))
		s = "";
	len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (len == 0) {
		pf_report(c, n, "'%s' must not be empty", field);
		return NULL;
	}
	if (one_line && memchr(s, '\n', len) != NULL) {
		pf_report(c, n, "'%s' must be one line", field);
		return NULL;
	}
	if ((r = strndup(s, len)) == NULL)
		c->err = -ENOMEM;
	return r;
}

static bool
want_severity(struct ctx *c, const struct ynode *n, enum severity *ret)
{
	const char *s = pf_want_scalar(c, n, "severity");
	char b[SHOW_BUF];

	if (s == NULL)
		return false;
	if (severity_parse(s, ret) == 0)
		return true;
	pf_report(c, n, "invalid severity '%s' (expected info, warning or critical)",
	    pf_show(s, b, sizeof b));
	return false;
}

const struct catalog_entry *
pf_want_key(struct ctx *c, const struct ynode *n, const char *field)
{
	const struct catalog_entry *e;
	const char *s = pf_want_scalar(c, n, field), *sug;
	char b[SHOW_BUF], dym[SYSCTL_NAME_MAX + 32];

	if (s == NULL)
		return NULL;
	if ((e = catalog_lookup(s)) != NULL)
		return e;
	sug = strlen(s) < SYSCTL_NAME_MAX ? catalog_suggest(s) : NULL;
	pf_report(c, n, "unknown sysctl '%s'%s", pf_show(s, b, sizeof b),
	    pf_did_you_mean(sug, dym, sizeof dym));
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Values */

/*
 * Parse a value of key e from node n (field > 0: one integer for that
 * field of a vector). A vector may be a blank-separated scalar or a
 * sequence of nfields scalars; with VAL_NULLS, null items leave fields free
 * (bit i of *ret_mask clear). The value is checked against the kernel
 * range, and with VAL_SANE against the sane range.
 * Returns true, or false after reporting.
 */
bool
pf_want_value(struct ctx *c, const struct catalog_entry *e, unsigned field,
    const struct ynode *n, const char *what, unsigned flags,
    struct value *ret, unsigned *ret_mask)
{
	struct catalog_entry fe = *e;
	char text[SHOW_BUF], kb[SHOW_BUF], raw[SHOW_MAX + 8], rb[256];
	const char *errstr = NULL;
	struct value v, check;
	unsigned mask = 0;
	int r;

	if (field > 0) {
		/* One field of a vector has the ranges of an integer key. */
		fe.shape = SHAPE_INT;
		fe.nfields = 1;
	}
	pf_show(e->name, kb, sizeof kb);
	memset(&v, 0, sizeof v);
	if (n->type == Y_BAD)
		return false;
	if (n->type == Y_MAP || (n->type == Y_SEQ && fe.shape != SHAPE_VECTOR)) {
		pf_report(c, n, "'%s' for '%s' must be a %s", what, kb,
		    fe.shape == SHAPE_VECTOR ? "scalar or a sequence" : "scalar");
		return false;
	}
	if (n->type == Y_SCALAR) {
		r = value_parse_strict(n->text, fe.shape, fe.nfields, LLONG_MIN,
		    LLONG_MAX, &v, &errstr);
		pf_show(n->text, text, sizeof text);
		mask = (1u << VALUE_MAX_FIELDS) - 1;
	} else {
		/* A sequence, for a vector key; shown with its items joined. */
		size_t len = 0, i = 0;
		bool bad = false;

		raw[0] = '\0';
		v.shape = SHAPE_VECTOR;
		for (const struct ynode *it = n->head; it != NULL; it = it->next, i++) {
			const char *t = it->type == Y_SCALAR ? it->text : "?";
			int w = snprintf(raw + len, sizeof raw - len, "%s%s",
			    i > 0 ? " " : "", t);

			if (w > 0)
				len = (size_t)w >= sizeof raw - len ?
				    sizeof raw - 1 : len + (size_t)w;
			if (it->type == Y_BAD)
				return false;
			if (it->type != Y_SCALAR || i >= fe.nfields) {
				bad = true;
				continue;
			}
			if (pf_is_null(it)) {
				if (!(flags & VAL_NULLS)) {
					pf_report(c, it, "field %zu of '%s' for '%s' is null: "
					    "only 'min' and 'max' may leave fields free",
					    i + 1, what, kb);
					return false;
				}
				/* A placeholder the range checks accept. */
				v.field[i] = fe.kmin;
				continue;
			}
			if (value_parse_strict(it->text, SHAPE_INT, 1, LLONG_MIN,
			    LLONG_MAX, &check, &errstr) < 0) {
				bad = true;
				continue;
			}
			v.field[i] = check.field[0];
			mask |= 1u << i;
		}
		v.nfields = (unsigned)(i < VALUE_MAX_FIELDS ? i : VALUE_MAX_FIELDS);
		pf_show(raw, text, sizeof text);
		if (bad || i != fe.nfields) {
			if (!bad || errstr == NULL)
				errstr = "invalid";
			r = -EINVAL;
		} else if (mask == 0) {
			pf_report(c, n, "'%s' for '%s' leaves every field free", what, kb);
			return false;
		} else
			r = 0;
	}
	if (r == -ERANGE || (r < 0 && errstr != NULL &&
	    (strcmp(errstr, "too large") == 0 || strcmp(errstr, "too small") == 0))) {
		pf_report(c, n, "value '%s' for '%s' is out of range: must be between "
		    "%lld and %lld", text, kb, fe.kmin, fe.kmax);
		return false;
	}
	if (r < 0) {
		pf_report(c, n, "value '%s' for '%s' is invalid: expected %s", text,
		    kb, catalog_shape_name(&fe));
		return false;
	}
	check = v;
	if (catalog_check_range(&fe, &check, false, rb, sizeof rb, &errstr) < 0) {
		pf_report(c, n, "value '%s' for '%s' is out of range: %s", text, kb,
		    errstr);
		return false;
	}
	if ((flags & VAL_SANE) &&
	    catalog_check_range(&fe, &check, true, rb, sizeof rb, &errstr) < 0) {
		pf_report(c, n, "value '%s' for '%s' is outside the sane range: %s",
		    text, kb, errstr);
		return false;
	}
	if (fe.shape == SHAPE_INT)
		mask = 1;
	else if (fe.shape == SHAPE_VECTOR)
		mask &= (1u << fe.nfields) - 1;
	else
		mask = 0;
	*ret = v;
	if (ret_mask != NULL)
		*ret_mask = mask;
	return true;
}
/* ---------------------------------------------------------------------- */
/* Settings */

enum {
	SF_EQUAL, SF_MIN, SF_MAX, SF_ONE_OF, SF_APPLY, SF_SEVERITY, SF_REASON,
	SF_SOURCE, SF_WHEN, SF_N
};

static const char *const setting_fields[SF_N] = {
	"equal", "min", "max", "one-of", "apply", "severity", "reason", "source",
	"when",
};

/*
 * The catalog entry of a setting's key k (kb: its name as shown), or NULL
 * (reported) for a key that is unknown, removed from the kernel or secret.
 */
static const struct catalog_entry *
setting_entry(struct ctx *c, const struct ynode *k, const char *kb)
{
	const struct catalog_entry *e = pf_want_key(c, k, "settings");

	if (e != NULL && e->removed != NULL) {
		pf_report(c, k, "'%s' was removed in Linux %s and cannot be set", kb,
		    e->removed);
		return NULL;
	}
	if (e != NULL && (e->flags & CATALOG_SECRET)) {
		pf_report(c, k, "'%s' holds a secret and cannot be set", kb);
		return NULL;
	}
	return e;
}

/* severity, and the required reason and source, into s. */
static bool
setting_texts(struct ctx *c, const struct ynode *k, const char *kb,
    const struct ynode **f, struct setting *s)
{
	bool ok = true;

	if (f[SF_SEVERITY] != NULL && !want_severity(c, f[SF_SEVERITY], &s->severity))
		ok = false;
	for (int i = SF_REASON; i <= SF_SOURCE; i++) {
		char **dst = i == SF_REASON ? &s->reason : &s->source;

		if (f[i] == NULL) {
			pf_report(c, k, "missing required field '%s' in setting '%s'",
			    setting_fields[i], kb);
			ok = false;
		} else if ((*dst = want_text(c, f[i], setting_fields[i], false)) == NULL)
			ok = false;
	}
	return ok;
}

/* At least one expectation, and none that cannot go together. */
static bool
setting_fields_combine(struct ctx *c, const struct ynode *k, const char *kb,
    const struct ynode **f, const struct ynode **fk)
{
	bool ok = true;

	if (f[SF_EQUAL] == NULL && f[SF_MIN] == NULL && f[SF_MAX] == NULL &&
	    f[SF_ONE_OF] == NULL && f[SF_APPLY] == NULL) {
		pf_report(c, k, "setting '%s' needs one of equal, min, max, one-of or apply",
		    kb);
		ok = false;
	}
	for (int i = SF_MIN; i <= SF_ONE_OF; i++)
		if (f[SF_EQUAL] != NULL && f[i] != NULL) {
			pf_report(c, fk[i], "'equal' cannot be combined with '%s'",
			    setting_fields[i]);
			ok = false;
		}
	for (int i = SF_MIN; i <= SF_MAX; i++)
		if (f[SF_ONE_OF] != NULL && f[i] != NULL) {
			pf_report(c, fk[i], "'one-of' cannot be combined with '%s'",
			    setting_fields[i]);
			ok = false;
		}
	return ok;
}

/*
 * The fields the key e allows: no `apply` for a read-only key, `min` and
 * `max` only for a numeric one (those are cleared in f, so that their
 * values are not parsed).
 */
static bool
setting_fields_fit_key(struct ctx *c, const struct catalog_entry *e,
    const char *kb, const struct ynode **f, const struct ynode **fk)
{
	bool ok = true;

	if ((e->flags & CATALOG_READONLY) && f[SF_APPLY] != NULL) {
		pf_report(c, fk[SF_APPLY], "'%s' is read-only: 'apply' cannot be used", kb);
		ok = false;
	}
	for (int i = SF_MIN; i <= SF_MAX; i++)
		if (f[i] != NULL && e->shape != SHAPE_INT && e->shape != SHAPE_VECTOR) {
			pf_report(c, fk[i], "'%s' needs a numeric key: '%s' is %s",
			    setting_fields[i], kb, catalog_shape_name(e));
			f[i] = NULL;
			ok = false;
		}
	return ok;
}

/* The values of equal, min, max, apply and one-of into s. */
static bool
setting_values(struct ctx *c, const struct catalog_entry *e,
    const struct ynode **f, struct setting *s)
{
	bool ok = true;

	if (f[SF_EQUAL] != NULL)
		s->has_equal = pf_want_value(c, e, 0, f[SF_EQUAL], "equal", VAL_SANE,
		    &s->equal, NULL);
	if (f[SF_MIN] != NULL)
		s->has_min = pf_want_value(c, e, 0, f[SF_MIN], "min", VAL_NULLS, &s->min,
		    &s->min_mask);
	if (f[SF_MAX] != NULL)
		s->has_max = pf_want_value(c, e, 0, f[SF_MAX], "max", VAL_NULLS, &s->max,
		    &s->max_mask);
	if (f[SF_APPLY] != NULL)
		s->has_apply = pf_want_value(c, e, 0, f[SF_APPLY], "apply", VAL_SANE,
		    &s->apply, NULL);
	if ((f[SF_EQUAL] != NULL && !s->has_equal) ||
	    (f[SF_MIN] != NULL && !s->has_min) ||
	    (f[SF_MAX] != NULL && !s->has_max) ||
	    (f[SF_APPLY] != NULL && !s->has_apply))
		ok = false;
	if (f[SF_ONE_OF] != NULL && pf_want_type(c, f[SF_ONE_OF], Y_SEQ, "one-of")) {
		const struct ynode *set = f[SF_ONE_OF];

		if (set->n == 0) {
			pf_report(c, set, "'one-of' must not be empty");
			ok = false;
		} else if ((s->one_of = calloc(set->n, sizeof *s->one_of)) == NULL) {
			c->err = -ENOMEM;
			ok = false;
		} else
			for (const struct ynode *it = set->head; it != NULL; it = it->next) {
				if (pf_want_value(c, e, 0, it, "one-of", VAL_SANE,
				    &s->one_of[s->n_one_of], NULL))
					s->n_one_of++;
				else
					ok = false;
			}
	} else if (f[SF_ONE_OF] != NULL)
		ok = false;
	return ok;
}

/* No field of min greater than the same field of max (reported at max). */
static bool
setting_min_le_max(struct ctx *c, const struct catalog_entry *e,
    const char *kb, const struct ynode *max, const struct setting *s)
{
	bool ok = true;

	if (!s->has_min || !s->has_max)
		return true;
	for (unsigned i = 0; i < VALUE_MAX_FIELDS; i++) {
		char bmin[32], bmax[32];

		if (!(s->min_mask & s->max_mask & (1u << i)) ||
		    s->min.field[i] <= s->max.field[i])
			continue;
		snprintf(bmin, sizeof bmin, "%lld", s->min.field[i]);
		snprintf(bmax, sizeof bmax, "%lld", s->max.field[i]);
		if (e->shape == SHAPE_INT)
			pf_report(c, max, "min '%s' is greater than max '%s' "
			    "for '%s'", bmin, bmax, kb);
		else
			pf_report(c, max, "field %u of min (%s) is greater "
			    "than field %u of max (%s) for '%s'", i + 1, bmin,
			    i + 1, bmax, kb);
		ok = false;
	}
	return ok;
}

/*
 * `apply` alone also means `equal` to it; with expectations, it must
 * satisfy them. False (reported) when it does not.
 */
static bool
setting_apply_fits(struct ctx *c, const char *kb, const struct ynode *apply,
    struct setting *s)
{
	char vb[VALUE_STR_MAX], db[512];

	if (!s->has_apply)
		return true;
	if (!s->has_equal && !s->has_min && !s->has_max && s->n_one_of == 0) {
		s->has_equal = true;
		s->equal = s->apply;
		return true;
	}
	if (setting_satisfied(s, &s->apply))
		return true;
	if (value_format(&s->apply, vb, sizeof vb) < 0)
		vb[0] = '\0';
	if (setting_describe(s, db, sizeof db) < 0)
		db[0] = '\0';
	pf_report(c, apply, "apply value '%s' for '%s' does not satisfy '%s'",
	    vb, kb, db);
	return false;
}

/* The setting's `when`, if any: where it holds the setting is asked. */
static bool
setting_when(struct ctx *c, const struct ynode *when, struct setting *s)
{
	if (when == NULL)
		return true;
	if ((s->when = calloc(1, sizeof *s->when)) == NULL) {
		c->err = -ENOMEM;
		return false;
	}
	return pf_check_cond(c, when, "'when'", s->when);
}

/*
 * One entry of `settings` (key node k, value node v) appended to
 * p->settings when it is valid; every problem is reported.
 */
static void
check_setting(struct ctx *c, const struct ynode *k, const struct ynode *v,
    struct profile *p)
{
	const struct ynode *f[SF_N], *fk[SF_N];
	const struct catalog_entry *e;
	struct setting s;
	bool ok;
	char kb[SHOW_BUF];

	memset(&s, 0, sizeof s);
	s.severity = SEV_WARNING;
	pf_show(k->text, kb, sizeof kb);
	e = setting_entry(c, k, kb);
	ok = e != NULL;
	if (v->type != Y_MAP) {
		if (v->type != Y_BAD)
			pf_report(c, v, "setting '%s' must be a mapping", kb);
		return;
	}
	pf_get_fields(c, v, setting_fields, SF_N, "in setting", f, fk);
	if (!setting_texts(c, k, kb, f, &s))
		ok = false;
	if (!setting_fields_combine(c, k, kb, f, fk))
		ok = false;
	if (e == NULL)
		goto out;
	s.entry = e;
	if (!setting_fields_fit_key(c, e, kb, f, fk))
		ok = false;
	if (!setting_values(c, e, f, &s))
		ok = false;
	if (!setting_min_le_max(c, e, kb, f[SF_MAX], &s))
		ok = false;
	if (!setting_when(c, f[SF_WHEN], &s))
		ok = false;
	if (!ok || !setting_apply_fits(c, kb, f[SF_APPLY], &s))
		goto out;
	if ((s.file = strdup(c->file)) == NULL) {
		c->err = -ENOMEM;
		goto out;
	}
	s.line = k->line;
	s.col = k->col;
	p->settings[p->nsettings++] = s;
	return;
out:
	pf_setting_clear(&s);
}

/* ---------------------------------------------------------------------- */
/* Rules */

enum {
	RF_ID, RF_KEY, RF_SEVERITY, RF_TITLE, RF_REASON, RF_SOURCE, RF_FIX,
	RF_WHEN, RF_N
};

static const char *const rule_fields[RF_N] = {
	"id", "key", "severity", "title", "reason", "source", "fix", "when",
};

static void
check_rule(struct ctx *c, const struct ynode *n, struct profile *p,
    struct pfile *pf)
{
	const struct ynode *f[RF_N], *fk[RF_N];
	struct rule r;
	bool ok = true;
	char b[SHOW_BUF], ib[SHOW_BUF + 16] = "";

	memset(&r, 0, sizeof r);
	if (n->type != Y_MAP) {
		if (n->type != Y_BAD)
			pf_report(c, n, "rule must be a mapping");
		return;
	}
	pf_get_fields(c, n, rule_fields, RF_N, "in rule", f, fk);
	if (f[RF_ID] != NULL && pf_want_scalar(c, f[RF_ID], "id") != NULL) {
		const char *id = f[RF_ID]->text;

		if (!valid_rule_id(id)) {
			pf_report(c, f[RF_ID], "invalid rule id '%s' (expected TA-H followed "
			    "by three digits)", pf_show(id, b, sizeof b));
			ok = false;
		} else {
			struct idref *ref = NULL;

			for (size_t i = 0; i < pf->nids; i++)
				if (strcmp(pf->ids[i].id, id) == 0)
					ref = &pf->ids[i];
			if (ref != NULL) {
				pf_report(c, f[RF_ID], "duplicate rule id '%s' (first at line %u)",
				    id, ref->line);
				ok = false;
			} else {
				ref = &pf->ids[pf->nids];
				if ((ref->id = strdup(id)) == NULL) {
					c->err = -ENOMEM;
					return;
				}
				ref->line = f[RF_ID]->line;
				ref->col = f[RF_ID]->col;
				pf->nids++;
			}
			snprintf(ib, sizeof ib, " '%s'", id);
			if ((r.id = strdup(id)) == NULL)
				c->err = -ENOMEM;
		}
	} else
		ok = false;
	for (int i = 0; i < RF_N; i++)
		if (f[i] == NULL && i != RF_FIX) {
			pf_report(c, n, "missing required field '%s' in rule%s",
			    rule_fields[i], ib);
			ok = false;
		}
	if (f[RF_KEY] != NULL && (r.key = pf_want_key(c, f[RF_KEY], "key")) == NULL)
		ok = false;
	if (f[RF_SEVERITY] != NULL && !want_severity(c, f[RF_SEVERITY], &r.severity))
		ok = false;
	if (f[RF_TITLE] != NULL &&
	    (r.title = want_text(c, f[RF_TITLE], "title", true)) == NULL)
		ok = false;
	if (f[RF_REASON] != NULL &&
	    (r.reason = want_text(c, f[RF_REASON], "reason", false)) == NULL)
		ok = false;
	if (f[RF_SOURCE] != NULL &&
	    (r.source = want_text(c, f[RF_SOURCE], "source", false)) == NULL)
		ok = false;
	if (f[RF_FIX] != NULL) {
		const struct ynode *fx = f[RF_FIX];

		if (fx->type == Y_SCALAR && strcmp(fx->text, "remove") == 0)
			r.fix_kind = FIX_REMOVE;
		else if (fx->type == Y_SCALAR && strcmp(fx->text, "none") == 0)
			r.fix_kind = FIX_NONE;
		else if (fx->type == Y_SCALAR && strcmp(fx->text, "default") == 0)
			r.fix_kind = FIX_DEFAULT;
		else if (r.key != NULL && r.key->removed != NULL) {
			pf_report(c, fx, "'fix' for '%s' can only be 'remove': it was removed "
			    "in Linux %s", pf_show(r.key->name, b, sizeof b), r.key->removed);
			ok = false;
		} else if (r.key != NULL) {
			r.fix_kind = FIX_VALUE;
			if (!pf_want_value(c, r.key, 0, fx, "fix", VAL_SANE, &r.fix_value, NULL))
				ok = false;
		} else if (fx->type != Y_SCALAR && fx->type != Y_SEQ) {
			pf_report(c, fx, "'fix' must be a scalar");
			ok = false;
		}
	}
	if (f[RF_WHEN] != NULL && !pf_check_cond(c, f[RF_WHEN], "'when'", &r.when))
		ok = false;
	if (!ok || c->err < 0 || (r.file = strdup(c->file)) == NULL) {
		if (ok && c->err == 0)
			c->err = -ENOMEM;
		pf_rule_clear(&r);
		return;
	}
	r.line = n->line;
	r.col = n->col;
	p->rules[p->nrules++] = r;
}

/* ---------------------------------------------------------------------- */
/* Top level */

enum {
	TF_NAME, TF_DESCRIPTION, TF_ALIASES, TF_EXTENDS, TF_SETTINGS, TF_RULES,
	TF_DISABLE, TF_N
};

static const char *const top_fields[TF_N] = {
	"name", "description", "aliases", "extends", "settings", "rules", "disable",
};

#define NAME_EXPECTED \
	"(expected a lowercase letter, then up to 31 lowercase letters, digits or '-')"

/* A profile name in a scalar; NULL (reported) if it is not one. */
static const char *
want_name(struct ctx *c, const struct ynode *n, const char *field,
    const char *what)
{
	char b[SHOW_BUF];

	if (pf_want_scalar(c, n, field) == NULL)
		return NULL;
	if (pf_valid_name(n->text))
		return n->text;
	pf_report(c, n, "invalid %s '%s' " NAME_EXPECTED, what, pf_show(n->text, b, sizeof b));
	return NULL;
}

void
pf_check_top(struct ctx *c, const struct ynode *root, const char *expect_name,
    struct pfile *pf)
{
	const struct ynode *f[TF_N], *fk[TF_N];
	struct profile *p = pf->p;
	const char *s;

	if (root->type != Y_MAP) {
		if (root->type != Y_BAD)
			pf_report(c, root, "profile must be a mapping");
		return;
	}
	pf_get_fields(c, root, top_fields, TF_N, "at top level", f, fk);
	for (int i = TF_NAME; i <= TF_DESCRIPTION; i++)
		if (f[i] == NULL)
			pf_report(c, root, "missing required field '%s' at top level",
			    top_fields[i]);
	if (f[TF_NAME] != NULL &&
	    (s = want_name(c, f[TF_NAME], "name", "profile name")) != NULL) {
		if (expect_name != NULL && strcmp(s, expect_name) != 0)
			pf_report(c, f[TF_NAME], "profile name '%s' does not match the file "
			    "name '%s.yaml'", s, expect_name);
		if ((p->name = strdup(s)) == NULL)
			c->err = -ENOMEM;
	}
	if (f[TF_DESCRIPTION] != NULL)
		p->description = want_text(c, f[TF_DESCRIPTION], "description", true);
	if (f[TF_ALIASES] != NULL && pf_want_type(c, f[TF_ALIASES], Y_SEQ, "aliases")) {
		if ((p->aliases = calloc(f[TF_ALIASES]->n + 1, sizeof *p->aliases)) == NULL)
			c->err = -ENOMEM;
		else
			for (const struct ynode *it = f[TF_ALIASES]->head; it != NULL;
			    it = it->next) {
				if ((s = want_name(c, it, "aliases", "alias")) == NULL)
					continue;
				if ((p->aliases[p->naliases] = strdup(s)) == NULL)
					c->err = -ENOMEM;
				else
					p->naliases++;
			}
	}
	if (f[TF_EXTENDS] != NULL &&
	    (s = want_name(c, f[TF_EXTENDS], "extends", "profile name")) != NULL) {
		if ((pf->extends = strdup(s)) == NULL)
			c->err = -ENOMEM;
		pf->ext_line = f[TF_EXTENDS]->line;
		pf->ext_col = f[TF_EXTENDS]->col;
	}
	if (f[TF_SETTINGS] != NULL &&
	    pf_want_type(c, f[TF_SETTINGS], Y_MAP, "settings")) {
		const struct ynode *m = f[TF_SETTINGS];

		if (m->n / 2 > PROFILE_MAX_SETTINGS)
			pf_report(c, fk[TF_SETTINGS], "more than %d settings",
			    PROFILE_MAX_SETTINGS);
		else if (m->n > 0 &&
		    (p->settings = calloc(m->n / 2, sizeof *p->settings)) == NULL)
			c->err = -ENOMEM;
		else
			for (const struct ynode *k = m->head; k != NULL; k = k->next->next)
				check_setting(c, k, k->next, p);
	}
	if (f[TF_RULES] != NULL && pf_want_type(c, f[TF_RULES], Y_SEQ, "rules")) {
		const struct ynode *m = f[TF_RULES];

		if (m->n > PROFILE_MAX_RULES)
			pf_report(c, fk[TF_RULES], "more than %d rules", PROFILE_MAX_RULES);
		else if (m->n > 0 &&
		    ((p->rules = calloc(m->n, sizeof *p->rules)) == NULL ||
		    (pf->ids = calloc(m->n, sizeof *pf->ids)) == NULL))
			c->err = -ENOMEM;
		else
			for (const struct ynode *it = m->head; it != NULL; it = it->next)
				check_rule(c, it, p, pf);
	}
	if (f[TF_DISABLE] != NULL && pf_want_type(c, f[TF_DISABLE], Y_SEQ, "disable")) {
		const struct ynode *m = f[TF_DISABLE];

		if (m->n > 0 && (pf->disable = calloc(m->n, sizeof *pf->disable)) == NULL)
			c->err = -ENOMEM;
		else
			for (const struct ynode *it = m->head; it != NULL; it = it->next) {
				struct idref *d = &pf->disable[pf->ndisable];
				char b[SHOW_BUF];

				if (pf_want_scalar(c, it, "disable") == NULL)
					continue;
				if (!valid_rule_id(it->text)) {
					pf_report(c, it, "invalid rule id '%s' (expected TA-H "
					    "followed by three digits)",
					    pf_show(it->text, b, sizeof b));
					continue;
				}
				if ((d->id = strdup(it->text)) == NULL) {
					c->err = -ENOMEM;
					break;
				}
				d->line = it->line;
				d->col = it->col;
				pf->ndisable++;
			}
	}
}

/* ---------------------------------------------------------------------- */
/* What a setting asks for */

bool
setting_satisfied(const struct setting *s, const struct value *v)
{
	if (s->has_equal && !value_equal(&s->equal, v))
		return false;
	if (s->has_min || s->has_max) {
		enum value_shape shape = s->has_min ? s->min.shape : s->max.shape;

		if (v->shape != shape)
			return false;
		for (unsigned i = 0; i < VALUE_MAX_FIELDS; i++) {
			bool cmin = s->has_min && (s->min_mask & (1u << i));
			bool cmax = s->has_max && (s->max_mask & (1u << i));

			if (!cmin && !cmax)
				continue;
			if (i >= v->nfields)
				return false;
			if (cmin && v->field[i] < s->min.field[i])
				return false;
			if (cmax && v->field[i] > s->max.field[i])
				return false;
		}
	}
	if (s->n_one_of > 0) {
		size_t i;

		for (i = 0; i < s->n_one_of; i++)
			if (value_equal(&s->one_of[i], v))
				break;
		if (i == s->n_one_of)
			return false;
	}
	return true;
}

/* Append formatted text at *len; -ENOBUFS when it does not fit. */
static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= size - *len)
		return -ENOBUFS;
	*len += (size_t)w;
	return 0;
}

int
setting_describe(const struct setting *s, char *buf, size_t size)
{
	char vb[VALUE_STR_MAX];
	size_t len = 0;
	bool vector = (s->has_min && s->min.shape == SHAPE_VECTOR) ||
	    (s->has_max && s->max.shape == SHAPE_VECTOR);
	const char *sep = "";

	if (size == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	if (s->has_equal) {
		if (value_format(&s->equal, vb, sizeof vb) < 0 ||
		    append(buf, size, &len, "= %s", vb) < 0)
			return -ENOBUFS;
		sep = " and ";
	}
	for (unsigned i = 0; i < VALUE_MAX_FIELDS; i++) {
		bool cmin = s->has_min && (s->min_mask & (1u << i));
		bool cmax = s->has_max && (s->max_mask & (1u << i));
		char fb[32] = "";

		if (vector)
			snprintf(fb, sizeof fb, "field %u ", i + 1);
		if (cmin) {
			if (append(buf, size, &len, "%s%s>= %lld", sep, fb,
			    s->min.field[i]) < 0)
				return -ENOBUFS;
			sep = " and ";
		}
		if (cmax) {
			if (append(buf, size, &len, "%s%s<= %lld", sep, fb,
			    s->max.field[i]) < 0)
				return -ENOBUFS;
			sep = " and ";
		}
	}
	if (s->n_one_of > 0) {
		if (append(buf, size, &len, "%sone of ", sep) < 0)
			return -ENOBUFS;
		for (size_t i = 0; i < s->n_one_of; i++)
			if (value_format(&s->one_of[i], vb, sizeof vb) < 0 ||
			    append(buf, size, &len, "%s%s", i > 0 ? ", " : "", vb) < 0)
				return -ENOBUFS;
	}
	return 0;
}
