/*
 * rules: the pure engine; see rules.h.
 *
 * A profile's rules and settings are judged twice: against the live values
 * (what the kernel runs with now) and against the persisted values (what a
 * reboot would set: the boot applier's winning line, or the kernel default
 * when no file sets the key). A hazard that holds in either view is
 * reported, and the finding says in which. Then come the findings that need
 * no profile: keys this kernel lacks, lines that are not assignments,
 * appliers that disagree, and drift between live and persisted values.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"
#include "rules.h"

enum view {
	VIEW_LIVE,
	VIEW_PERSISTED,
};

/*
 * What a condition is evaluated against: a snapshot in one view, and
 * optionally one key whose persisted value is replaced (to ask "would this
 * overridden line trigger the rule if it were the one in effect?").
 */
struct ctx {
	const struct snapshot *s;
	enum view view;
	const struct catalog_entry *okey;
	const struct value *oval;
};

const char *
finding_kind_name(enum finding_kind k)
{
	static const char *const names[] = {
		"deviation", "hazard", "drift", "shadowed", "unsupported", "evidence",
	};

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static const struct snapshot_key *
key_of(const struct snapshot *s, const struct catalog_entry *e)
{
	size_t n;

	return &s->keys[e - catalog_entries(&n)];
}

/* The winning assignment of the boot applier, or NULL. */
static const struct sysctld_line *
persisted_line(const struct snapshot *s, const struct snapshot_key *k)
{
	const struct sysctld_effect *eff = &k->eff[s->boot];

	return eff->line != NULL && !eff->excluded ? eff->line : NULL;
}

static bool
view_present(const struct ctx *c, const struct snapshot_key *k)
{
	if (c->view == VIEW_LIVE)
		return k->status == LIVE_OK;
	if (c->okey == k->entry)
		return true;
	return persisted_line(c->s, k) != NULL;
}

/*
 * The value of a key in a view. Persisted: the winning line, or, when no
 * file sets the key, the kernel default (that is what a reboot leaves).
 */
static const struct value *
view_value(const struct snapshot *s, const struct snapshot_key *k, enum view v)
{
	if (v == VIEW_LIVE)
		return k->live_ok ? &k->live_value : NULL;
	if (persisted_line(s, k) != NULL)
		return k->persisted_ok ? &k->persisted_value : NULL;
	if (k->eff[s->boot].excluded)
		return k->live_ok ? &k->live_value : NULL;
	return k->has_default ? &k->default_value : NULL;
}

/* One integer of a value: the field (1-based), or the whole scalar. */
static bool
pick_int(const struct value *v, unsigned field, long long *ret)
{
	unsigned i = field ? field - 1 : 0;

	if (v == NULL || v->shape == SHAPE_STRING || v->shape == SHAPE_PORTS ||
	    i >= v->nfields)
		return false;
	*ret = v->field[i];
	return true;
}

static bool
compare(enum cond_op op, long long a, long long b)
{
	switch (op) {
	case OP_EQ:
		return a == b;
	case OP_NE:
		return a != b;
	case OP_LT:
		return a < b;
	case OP_LE:
		return a <= b;
	case OP_GT:
		return a > b;
	case OP_GE:
		return a >= b;
	default:
		return false;
	}
}

static const struct value *
ctx_value(const struct ctx *c, const struct snapshot_key *k)
{
	if (c->view == VIEW_PERSISTED && c->okey == k->entry)
		return c->oval;
	return view_value(c->s, k, c->view);
}

static bool
eval_operand(const struct cond *c, const struct ctx *x, const struct value *lhs)
{
	const struct snapshot *s = x->s;

	const struct operand *o = &c->operand;
	const struct value *rhs = NULL;
	unsigned rfield = 0;
	long long a, b;

	switch (o->kind) {
	case OPERAND_VALUE:
		rhs = &o->value;
		break;
	case OPERAND_DEFAULT: {
		const struct snapshot_key *k = key_of(s, c->key);

		if (!k->has_default)
			return false;
		rhs = &k->default_value;
		rfield = c->field;
		break;
	}
	case OPERAND_KEY:
		rhs = ctx_value(x, key_of(s, o->key));
		rfield = o->field;
		break;
	}
	if (rhs == NULL)
		return false;
	if (c->field == 0 && rfield == 0 && (c->op == OP_EQ || c->op == OP_NE)) {
		bool eq = value_equal(lhs, rhs);

		return c->op == OP_EQ ? eq : !eq;
	}
	if (!pick_int(lhs, c->field, &a) || !pick_int(rhs, rfield, &b))
		return false;
	return compare(c->op, a, b);
}

static bool
eval_key(const struct cond *c, const struct ctx *x)
{
	const struct snapshot_key *k = key_of(x->s, c->key);
	const struct value *val;
	long long a, b;

	if (c->op == OP_PRESENT)
		return view_present(x, k) == c->flag;
	if ((val = ctx_value(x, k)) == NULL)
		return false;
	switch (c->op) {
	case OP_IN:
	case OP_NOT_IN: {
		bool in = false;

		for (size_t i = 0; i < c->nset && !in; i++) {
			if (c->field == 0)
				in = value_equal(val, &c->set[i]);
			else
				in = pick_int(val, c->field, &a) &&
				    pick_int(&c->set[i], 0, &b) && a == b;
		}
		return c->op == OP_IN ? in : !in;
	}
	case OP_ORDERED: {
		bool ordered = true;

		for (unsigned i = 1; i < val->nfields; i++)
			if (val->field[i] < val->field[i - 1])
				ordered = false;
		return ordered == c->flag;
	}
	case OP_PARITY:
		if (val->nfields < 2)
			return false;
		return ((val->field[0] - val->field[val->nfields - 1]) % 2 == 0) == c->flag;
	default:
		return eval_operand(c, x, val);
	}
}

static bool
holds(const struct cond *c, const struct ctx *x)
{
	switch (c->type) {
	case COND_ALL:
		for (size_t i = 0; i < c->nchildren; i++)
			if (!holds(&c->children[i], x))
				return false;
		return c->nchildren > 0;
	case COND_ANY:
		for (size_t i = 0; i < c->nchildren; i++)
			if (holds(&c->children[i], x))
				return true;
		return false;
	case COND_NOT:
		return c->nchildren == 1 && !holds(&c->children[0], x);
	case COND_KEY:
		return eval_key(c, x);
	case COND_KERNEL:
		for (size_t i = 0; i < c->nktests; i++)
			if (!compare(c->ktests[i].op, kver_cmp(&x->s->host.kernel,
			    &c->ktests[i].v), 0))
				return false;
		return true;
	case COND_NETNS:
		return x->s->netns_child == c->netns_child;
	}
	return false;
}

bool
rules_cond_holds(const struct cond *c, const struct snapshot *s, int view)
{
	struct ctx x = { s, view ? VIEW_PERSISTED : VIEW_LIVE, NULL, NULL };

	return holds(c, &x);
}

/* --- building findings --------------------------------------------- */

static char *
xstrdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

char *
finding_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

void
finding_clear(struct finding *f)
{
	free(f->id);
	free(f->key);
	free(f->live);
	free(f->persisted);
	free(f->want);
	free(f->message);
	free(f->reason);
	free(f->source);
	free(f->fix);
	free(f->file);
	for (size_t i = 0; i < f->nlines; i++) {
		free(f->lines[i].file);
		free(f->lines[i].value);
	}
	free(f->lines);
	memset(f, 0, sizeof *f);
}

void
findings_clear(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		finding_clear(&f->items[i]);
	free(f->items);
	memset(f, 0, sizeof *f);
}

bool
findings_reach(const struct findings *f, enum severity threshold)
{
	for (int s = SEV_CRITICAL; s >= (int)threshold; s--)
		if (f->count[s] > 0)
			return true;
	return false;
}

static struct finding *
find_by_key(struct findings *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->items[i].key != NULL && strcmp(f->items[i].key, key) == 0)
			return &f->items[i];
	return NULL;
}

int
findings_push(struct findings *f, struct finding *n)
{
	if (n->id == NULL || n->message == NULL) {
		finding_clear(n);
		return -ENOMEM;
	}
	if (f->n == f->alloc) {
		size_t na = f->alloc ? f->alloc * 2 : 16;
		struct finding *ni = realloc(f->items, na * sizeof *ni);

		if (ni == NULL) {
			finding_clear(n);
			return -ENOMEM;
		}
		f->items = ni;
		f->alloc = na;
	}
	f->items[f->n++] = *n;
	f->count[n->severity]++;
	memset(n, 0, sizeof *n);
	return 0;
}

/* Every assignment of key in the files, in the order procps reads them. */
static int
collect_lines(const struct snapshot *s, const char *key, struct finding *f)
{
	const struct sysctld_config *c = s->config;

	for (size_t i = 0; i < c->nfiles; i++)
		for (size_t j = 0; j < c->files[i].nlines; j++) {
			const struct sysctld_line *l = &c->files[i].lines[j];
			struct finding_line *nl;

			if (l->kind != LINE_ASSIGN || l->glob || strcmp(l->key, key) != 0)
				continue;
			/* A symlink to a file already listed (99-sysctl.conf
			   -> ../sysctl.conf) names the same lines twice. */
			bool dup = false;
			for (size_t k = 0; k < f->nlines && !dup; k++)
				dup = f->lines[k].line == l->lineno &&
				    strcmp(f->lines[k].file, c->files[i].target) == 0;
			if (dup)
				continue;
			nl = realloc(f->lines, (f->nlines + 1) * sizeof *nl);
			if (nl == NULL)
				return -ENOMEM;
			f->lines = nl;
			nl = &f->lines[f->nlines];
			nl->file = strdup(c->files[i].target);
			nl->line = l->lineno;
			nl->value = strdup(l->value);
			f->nlines++;
			if (nl->file == NULL || nl->value == NULL)
				return -ENOMEM;
		}
	return 0;
}

/* "delete /etc/sysctl.conf:4, /etc/sysctl.conf:30" */
static char *
fix_delete(const struct finding *f)
{
	char buf[1024];
	size_t len;
	int w;

	w = snprintf(buf, sizeof buf, "delete");
	len = (size_t)w;
	for (size_t i = 0; i < f->nlines; i++) {
		w = snprintf(buf + len, sizeof buf - len, "%s %s:%u", i ? "," : "",
		    f->lines[i].file, f->lines[i].line);
		if (w < 0 || (size_t)w >= sizeof buf - len)
			break;
		len += (size_t)w;
	}
	return strdup(buf);
}

/* A value that satisfies a setting, for the fix line. */
static const struct value *
setting_target(const struct setting *st)
{
	if (st->has_apply)
		return &st->apply;
	if (st->has_equal)
		return &st->equal;
	if (st->n_one_of > 0)
		return &st->one_of[0];
	if (st->has_min && st->min_mask == (1u << st->min.nfields) - 1)
		return &st->min;
	if (st->has_max && st->max_mask == (1u << st->max.nfields) - 1)
		return &st->max;
	return NULL;
}

static char *
fix_for(const struct profile *p, const struct snapshot_key *k,
    const struct finding *f, enum fix_kind kind, const struct value *fixv)
{
	const char *key = k->entry->name;
	const struct setting *st = profile_setting(p, key);
	const struct value *v = NULL;
	char buf[VALUE_STR_MAX];

	switch (kind) {
	case FIX_VALUE:
		v = fixv;
		break;
	case FIX_AUTO:
		if (st != NULL && (v = setting_target(st)) != NULL)
			break;
		/* FALLTHROUGH */
	case FIX_DEFAULT:
		if (k->has_default)
			return finding_printf("%s = %s", key, k->dflt);
		/* FALLTHROUGH */
	case FIX_REMOVE:
		if (f->nlines == 0)
			return k->has_default ? finding_printf("%s = %s", key, k->dflt) : NULL;
		/* Deleting the line changes nothing until the next boot: when
		   the key still exists here, put the live value back too. */
		if (k->live_ok && k->has_default &&
		    !value_equal(&k->live_value, &k->default_value)) {
			char *del = fix_delete(f), *both;

			if (del == NULL)
				return NULL;
			both = finding_printf("%s, then: sysctl -w %s=%s", del, key, k->dflt);
			free(del);
			return both;
		}
		return fix_delete(f);
	}
	if (v == NULL || value_format(v, buf, sizeof buf) < 0)
		return NULL;
	return finding_printf("%s = %s", key, buf);
}

/*
 * Fill the value fields common to every finding about a catalog key: live
 * and persisted values, the deciding line, every assigning line, and the
 * profile's expectation.
 */
static int
fill_key(struct finding *f, const struct profile *p, const struct snapshot *s,
    const struct snapshot_key *k)
{
	const struct sysctld_line *l = persisted_line(s, k);
	const struct setting *st = p ? profile_setting(p, k->entry->name) : NULL;
	char buf[256];

	if ((f->key = strdup(k->entry->name)) == NULL)
		return -ENOMEM;
	if (k->status == LIVE_OK && !(k->entry->flags & CATALOG_SECRET) &&
	    (f->live = strdup(k->live)) == NULL)
		return -ENOMEM;
	if (l != NULL) {
		char *v = strdup(l->value);

		if (v == NULL)
			return -ENOMEM;
		/* Shown as the kernel would keep it: "1024\t65000" -> "1024 65000". */
		for (char *c = v; *c; c++)
			if (*c == '\t')
				*c = ' ';
		f->persisted = v;
		if ((f->file = strdup(sysctld_line_file(s->config, l))) == NULL)
			return -ENOMEM;
		f->line = l->lineno;
	}
	if (st != NULL && setting_describe(st, buf, sizeof buf) == 0 &&
	    (f->want = strdup(buf)) == NULL)
		return -ENOMEM;
	return collect_lines(s, k->entry->name, f);
}

static int
eval_rules(const struct profile *p, const struct snapshot *s, struct findings *ret)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		const struct snapshot_key *k = key_of(s, r->key);
		bool live = rules_cond_holds(&r->when, s, VIEW_LIVE);
		bool pers = rules_cond_holds(&r->when, s, VIEW_PERSISTED);
		struct finding f;

		if (!live && !pers)
			continue;
		memset(&f, 0, sizeof f);
		f.id = strdup(r->id);
		f.severity = r->severity;
		f.kind = KIND_HAZARD;
		f.message = strdup(r->title);
		f.reason = xstrdup(r->reason);
		f.source = xstrdup(r->source);
		f.in_live = live;
		f.in_persisted = pers;
		if (fill_key(&f, p, s, k) < 0) {
			finding_clear(&f);
			return -ENOMEM;
		}
		f.fix = fix_for(p, k, &f, r->fix_kind, &r->fix_value);
		if (findings_push(ret, &f) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int
push_key_finding(struct findings *ret, const struct profile *p,
    const struct snapshot *s, const struct snapshot_key *k, const char *prefix,
    enum severity sev, enum finding_kind kind, char *message, char *reason,
    char *source)
{
	struct finding f;

	memset(&f, 0, sizeof f);
	f.id = finding_printf("TA-%s%03u", prefix, k->entry->id);
	f.severity = sev;
	f.kind = kind;
	f.message = message;
	f.reason = reason;
	f.source = source;
	if (fill_key(&f, p, s, k) < 0) {
		finding_clear(&f);
		return -ENOMEM;
	}
	if (kind == KIND_UNSUPPORTED && f.nlines > 0)
		f.fix = fix_delete(&f);
	else if (kind != KIND_UNSUPPORTED)
		f.fix = fix_for(p, k, &f, FIX_AUTO, NULL);
	return findings_push(ret, &f);
}

static int
eval_settings(const struct profile *p, const struct snapshot *s,
    struct findings *ret)
{
	char sbuf[128];

	for (size_t i = 0; i < p->nsettings; i++) {
		const struct setting *st = &p->settings[i];
		const struct snapshot_key *k = key_of(s, st->entry);
		const char *name = st->entry->name;
		const struct value *pv;
		bool live_bad, pers_bad;
		char pbuf[VALUE_STR_MAX];
		char *msg;
		int r;

		if (find_by_key(ret, name) != NULL)
			continue;	/* a hazard about this key says more */
		if (k->status != LIVE_OK) {
			if (!catalog_in_release(st->entry, &s->host.kernel) ||
			    k->status == LIVE_ABSENT)
				msg = finding_printf("profile '%s' sets '%s', which this kernel "
				    "does not have (%s)", p->name, name,
				    snapshot_status_text(k, sbuf, sizeof sbuf));
			else if (k->status == LIVE_HIDDEN)
				msg = finding_printf("'%s' is a global key: it cannot be read or "
				    "set in this network namespace; check it on the host",
				    name);
			else
				msg = finding_printf("'%s' cannot be checked: %s", name,
				    snapshot_status_text(k, sbuf, sizeof sbuf));
			r = push_key_finding(ret, p, s, k, "U", SEV_INFO,
			    KIND_UNSUPPORTED, msg, xstrdup(st->reason),
			    xstrdup(st->source));
			if (r < 0)
				return r;
			continue;
		}
		live_bad = !k->live_ok || !setting_satisfied(st, &k->live_value);
		pv = view_value(s, k, VIEW_PERSISTED);
		pers_bad = pv != NULL && !setting_satisfied(st, pv);
		if (!live_bad && !pers_bad)
			continue;
		setting_describe(st, sbuf, sizeof sbuf);
		pbuf[0] = '\0';
		if (pv != NULL)
			value_format(pv, pbuf, sizeof pbuf);
		if (live_bad && (pers_bad || pv == NULL))
			msg = finding_printf("'%s' is %s; profile '%s' wants %s", name,
			    k->live, p->name, sbuf);
		else if (live_bad)
			msg = finding_printf("'%s' is %s live, though a reboot would set "
			    "%s; profile '%s' wants %s", name, k->live, pbuf,
			    p->name, sbuf);
		else
			msg = finding_printf("'%s' is %s live, but a reboot would set %s; "
			    "profile '%s' wants %s", name, k->live, pbuf, p->name,
			    sbuf);
		r = push_key_finding(ret, p, s, k, "D", st->severity,
		    KIND_DEVIATION, msg, xstrdup(st->reason), xstrdup(st->source));
		if (r < 0)
			return r;
	}
	return 0;
}

/* Keys set in configuration files that this kernel or namespace lacks. */
static int
eval_unsupported(const struct profile *p, const struct snapshot *s,
    struct findings *ret)
{
	char sbuf[128];

	for (size_t i = 0; i < s->nkeys; i++) {
		const struct snapshot_key *k = &s->keys[i];
		const struct sysctld_effect *pe = &k->eff[APPLIER_PROCPS];
		const struct sysctld_effect *se = &k->eff[APPLIER_SYSTEMD];
		char *msg, *why;
		int r;

		if (pe->nassign == 0 && se->nassign == 0)
			continue;
		if (find_by_key(ret, k->entry->name) != NULL)
			continue;
		if (k->status == LIVE_ABSENT) {
			msg = finding_printf("'%s' is set in a configuration file but is "
			    "%s", k->entry->name,
			    snapshot_status_text(k, sbuf, sizeof sbuf));
			why = strdup("At boot the line sets nothing; `sysctl -p` "
			    "reports \"cannot stat\" for it and exits 1, which fails "
			    "configuration tools that apply the file.");
			r = push_key_finding(ret, p, s, k, "U", SEV_WARNING,
			    KIND_UNSUPPORTED, msg, why, NULL);
		} else if (k->status == LIVE_HIDDEN) {
			msg = finding_printf("'%s' is set in a configuration file but is a "
			    "global key that this network namespace cannot see or set",
			    k->entry->name);
			why = strdup("Global keys belong to the host: inside a container "
			    "the line has no effect. Set it on the host.");
			r = push_key_finding(ret, p, s, k, "U", SEV_INFO,
			    KIND_UNSUPPORTED, msg, why, NULL);
		} else
			continue;
		if (r < 0)
			return r;
	}
	return 0;
}

/* Findings about configuration files as such (TA-C001..TA-C003). */
static int
eval_files(const struct snapshot *s, struct findings *ret)
{
	const struct sysctld_config *c = s->config;

	for (size_t i = 0; i < s->nothers; i++) {
		const struct snapshot_other *o = &s->others[i];
		struct finding f;
		const char *sugg;

		if (o->exists || strncmp(o->key, "net.", 4) != 0 ||
		    sysctl_key_per_interface(o->key))
			continue;
		memset(&f, 0, sizeof f);
		f.id = strdup("TA-C001");
		f.severity = SEV_WARNING;
		f.kind = KIND_UNSUPPORTED;
		f.key = strdup(o->key);
		sugg = catalog_suggest(o->key);
		if (sugg != NULL)
			f.message = finding_printf("unknown key '%s' in a configuration file "
			    "(did you mean '%s'?)", o->key, sugg);
		else
			f.message = finding_printf("unknown key '%s' in a configuration file: "
			    "this kernel has no such sysctl", o->key);
		f.reason = strdup("The line sets nothing; `sysctl -p` exits 1 on it. "
		    "A misspelt key means the intended setting was never applied.");
		if (f.key == NULL || collect_lines(s, o->key, &f) < 0) {
			finding_clear(&f);
			return -ENOMEM;
		}
		if (f.nlines > 0) {
			f.file = xstrdup(f.lines[0].file);
			f.line = f.lines[0].line;
		}
		f.fix = fix_delete(&f);
		if (findings_push(ret, &f) < 0)
			return -ENOMEM;
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct sysctld_file *file = &c->files[i];
		struct finding f;

		if (file->error != 0) {
			memset(&f, 0, sizeof f);
			f.id = strdup("TA-C003");
			f.severity = SEV_WARNING;
			f.kind = KIND_HAZARD;
			f.file = strdup(file->path);
			f.message = finding_printf("cannot read configuration file '%s': %s",
			    file->path, strerror(-file->error));
			f.reason = strdup("systemd-sysctl exits 1 when a file cannot be "
			    "read, and its settings are not applied at boot.");
			if (findings_push(ret, &f) < 0)
				return -ENOMEM;
		}
		for (size_t j = 0; j < file->nlines; j++) {
			const struct sysctld_line *l = &file->lines[j];

			if (l->kind != LINE_INVALID)
				continue;
			/* Lines of /etc/sysctl.conf reached through the
			   99-sysctl.conf symlink are reported once. */
			if (file->dir < SYSCTLD_NDIRS && strcmp(file->target, file->path) != 0 &&
			    strcmp(file->target, SYSCTL_CONF) == 0)
				continue;
			memset(&f, 0, sizeof f);
			f.id = strdup("TA-C002");
			f.severity = SEV_WARNING;
			f.kind = KIND_HAZARD;
			f.file = strdup(file->target);
			f.line = l->lineno;
			f.message = finding_printf("%s: '%s'", l->problem, l->raw);
			f.reason = strdup("procps skips the line with a warning; "
			    "systemd-sysctl skips it and exits 1, which marks "
			    "systemd-sysctl.service failed at boot.");
			f.fix = finding_printf("delete %s:%u", file->target, l->lineno);
			if (findings_push(ret, &f) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static const char *
effect_text(const struct snapshot *s, const struct sysctld_effect *e, char *buf,
    size_t size)
{
	if (e->line == NULL)
		return "nothing";
	if (e->excluded) {
		snprintf(buf, size, "nothing (excluded at %s:%u)",
		    sysctld_line_file(s->config, e->line), e->line->lineno);
		return buf;
	}
	snprintf(buf, size, "'%s' (%s:%u)", e->line->value,
	    sysctld_line_file(s->config, e->line), e->line->lineno);
	return buf;
}

/* procps and systemd disagree on a key (TA-C004), and drift (TA-R). */
static int
eval_divergence_drift(const struct profile *p, const struct snapshot *s,
    struct findings *ret)
{
	for (size_t i = 0; i < s->nkeys; i++) {
		const struct snapshot_key *k = &s->keys[i];
		const struct sysctld_effect *pe = &k->eff[APPLIER_PROCPS];
		const struct sysctld_effect *se = &k->eff[APPLIER_SYSTEMD];
		const struct value *pv;
		char a[512], b[512], buf[VALUE_STR_MAX];
		bool same;
		int r;

		if (k->status != LIVE_OK || find_by_key(ret, k->entry->name) != NULL)
			continue;
		same = (pe->line == NULL || pe->excluded) ==
		    (se->line == NULL || se->excluded);
		if (same && pe->line != NULL && !pe->excluded) {
			struct value x, y;
			const char *err;

			same = value_parse_kernel(pe->line->value, k->entry->shape,
			    k->entry->nfields, &x, &err) == 0 &&
			    value_parse_kernel(se->line->value, k->entry->shape,
			    k->entry->nfields, &y, &err) == 0 && value_equal(&x, &y);
		}
		if (!same) {
			struct finding f;

			memset(&f, 0, sizeof f);
			f.id = strdup("TA-C004");
			f.severity = SEV_WARNING;
			f.kind = KIND_HAZARD;
			f.message = finding_printf("'%s': `sysctl --system` sets %s but "
			    "systemd-sysctl sets %s", k->entry->name,
			    effect_text(s, pe, a, sizeof a),
			    effect_text(s, se, b, sizeof b));
			f.reason = strdup("Which value a reboot leaves depends on "
			    "which tool runs: systemd-sysctl reads /etc/sysctl.conf "
			    "only through the 99-sysctl.conf symlink and skips hidden "
			    "files; procps reads both and /etc/sysctl.conf last.");
			f.source = strdup("sysctl.d(5); procps sysctl(8) --system");
			if (fill_key(&f, p, s, k) < 0) {
				finding_clear(&f);
				return -ENOMEM;
			}
			f.fix = fix_for(p, k, &f, FIX_AUTO, NULL);
			if (f.fix != NULL && strncmp(f.fix, "delete", 6) != 0) {
				char *moved = finding_printf("%s (in one file of /etc/sysctl.d)",
				    f.fix);

				free(f.fix);
				f.fix = moved;
			}
			if ((r = findings_push(ret, &f)) < 0)
				return r;
			continue;
		}
		/* Drift: live differs from what a reboot sets. Without a file
		   that sets the key, a reboot leaves the default, but only in
		   the init netns is that default the kernel's own. */
		if (!k->live_ok || (k->entry->flags & (CATALOG_READONLY | CATALOG_SECRET)))
			continue;
		if (persisted_line(s, k) == NULL && s->netns_child)
			continue;
		if ((pv = view_value(s, k, VIEW_PERSISTED)) == NULL ||
		    value_equal(&k->live_value, pv))
			continue;
		value_format(pv, buf, sizeof buf);
		r = push_key_finding(ret, p, s, k, "R", SEV_INFO, KIND_DRIFT,
		    persisted_line(s, k) != NULL ?
		    finding_printf("'%s' is %s live, but the configuration sets %s at "
		    "boot", k->entry->name, k->live, buf) :
		    finding_printf("'%s' is %s live, but no configuration file sets it: "
		    "a reboot returns it to the default %s", k->entry->name,
		    k->live, buf),
		    strdup("Something changed the value at run time (sysctl -w, "
		    "`sysctl -p` of a single file, a configuration agent) or a file "
		    "was edited and not applied; the two disagree until the next "
		    "reboot."), NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Harmful lines that a later line overrides (TA-C005). For every rule that
 * does not hold, and every explicit assignment of its key that the boot
 * applier reads but that does not win: would the rule hold if that line
 * were in effect? Such a line does nothing today, but removing the later
 * line, or renaming a file, brings the harm back. One finding per line.
 */
static int
eval_overridden(const struct profile *p, const struct snapshot *s,
    struct findings *ret)
{
	const struct sysctld_config *c = s->config;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];
		const struct snapshot_key *k = key_of(s, r->key);
		const struct sysctld_line *win = persisted_line(s, k);
		const char *winfile;

		if (win == NULL || rules_cond_holds(&r->when, s, VIEW_PERSISTED))
			continue;
		winfile = sysctld_line_file(c, win);
		for (size_t fi = 0; fi < c->nfiles; fi++) {
			const struct sysctld_file *file = &c->files[fi];

			if (!sysctld_applier_reads(s->boot, file))
				continue;
			for (size_t li = 0; li < file->nlines; li++) {
				const struct sysctld_line *l = &file->lines[li];
				struct ctx x = { s, VIEW_PERSISTED, r->key, NULL };
				struct value v;
				struct finding f;
				const char *err;
				bool dup = false;

				if (l->kind != LINE_ASSIGN || l->glob ||
				    strcmp(l->key, r->key->name) != 0 ||
				    (l->lineno == win->lineno &&
				    strcmp(file->target, winfile) == 0))
					continue;
				if (value_parse_kernel(l->value, r->key->shape,
				    r->key->nfields, &v, &err) < 0)
					continue;
				x.oval = &v;
				if (!holds(&r->when, &x))
					continue;
				for (size_t j = 0; j < ret->n && !dup; j++)
					dup = strcmp(ret->items[j].id, "TA-C005") == 0 &&
					    ret->items[j].line == l->lineno &&
					    strcmp(ret->items[j].file, file->target) == 0;
				if (dup)
					continue;
				memset(&f, 0, sizeof f);
				f.id = strdup("TA-C005");
				f.severity = SEV_INFO;
				f.kind = KIND_HAZARD;
				f.key = strdup(r->key->name);
				if (k->status == LIVE_OK)
					f.live = strdup(k->live);
				f.persisted = strdup(l->value);
				f.file = strdup(file->target);
				f.line = l->lineno;
				f.message = finding_printf("%s:%u sets '%s = %s', which %s "
				    "flags (%s), but %s:%u overrides it", file->target,
				    l->lineno, r->key->name, l->value, r->id, r->title,
				    winfile, win->lineno);
				f.reason = finding_printf("The line has no effect while the later "
				    "one stays; remove that one, or rename a file, and this "
				    "value applies again. %s: %s", r->id, r->reason);
				f.source = xstrdup(r->source);
				f.fix = finding_printf("delete %s:%u", file->target, l->lineno);
				if (findings_push(ret, &f) < 0)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int r;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if ((r = strcmp(x->id, y->id)) != 0)
		return r;
	return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

void
findings_sort(struct findings *f)
{
	if (f->n > 1)
		qsort(f->items, f->n, sizeof f->items[0], cmp_finding);
}

int
rules_shadowed(const struct snapshot *s, const char *fragment_path,
    const struct fragment_override *ov, size_t n, struct findings *ret)
{
	for (size_t i = 0; i < n; i++) {
		const struct catalog_entry *e = catalog_lookup(ov[i].key);
		const struct snapshot_key *k;
		struct finding f;
		const char *who;

		if (e == NULL)
			continue;	/* only catalog keys have an id */
		k = key_of(s, e);
		who = ov[i].appliers == (FRAGMENT_PROCPS | FRAGMENT_SYSTEMD) ?
		    "both appliers" : ov[i].appliers == FRAGMENT_PROCPS ?
		    "procps `sysctl --system`" : "systemd-sysctl";
		memset(&f, 0, sizeof f);
		f.id = finding_printf("TA-S%03u", e->id);
		f.severity = SEV_WARNING;
		f.kind = KIND_SHADOWED;
		if (ov[i].value != NULL)
			f.message = finding_printf("%s:%u sets '%s = %s' after %s:%u: at boot "
			    "%s set%s %s, not the profile's value", ov[i].file,
			    ov[i].line, ov[i].key, ov[i].value, fragment_path,
			    ov[i].our_line, who, ov[i].appliers ==
			    (FRAGMENT_PROCPS | FRAGMENT_SYSTEMD) ? "" : "s", ov[i].value);
		else
			f.message = finding_printf("%s:%u excludes '%s' after %s:%u: at boot "
			    "systemd-sysctl does not set it at all", ov[i].file,
			    ov[i].line, ov[i].key, fragment_path, ov[i].our_line);
		f.reason = strdup("A later file wins at boot: files are read in the "
		    "byte order of their names across /etc, /run, /usr/local/lib and "
		    "/usr/lib/sysctl.d, and procps reads /etc/sysctl.conf last of all. "
		    "The value tcpadvise applied lasts only until the next reboot.");
		f.source = strdup("sysctl.d(5); procps sysctl(8) --system");
		if (fill_key(&f, NULL, s, k) < 0) {
			finding_clear(&f);
			return -ENOMEM;
		}
		free(f.file);
		f.file = strdup(ov[i].file);
		f.line = ov[i].line;
		f.fix = finding_printf("delete %s:%u (or give it the profile's value)",
		    ov[i].file, ov[i].line);
		if (findings_push(ret, &f) < 0)
			return -ENOMEM;
	}
	findings_sort(ret);
	return 0;
}

int
rules_eval(const struct profile *p, const struct snapshot *s,
    struct findings *ret)
{
	int r;

	if ((r = eval_rules(p, s, ret)) < 0 ||
	    (r = eval_settings(p, s, ret)) < 0 ||
	    (r = eval_unsupported(p, s, ret)) < 0 ||
	    (r = eval_overridden(p, s, ret)) < 0 ||
	    (r = eval_files(s, ret)) < 0 ||
	    (r = eval_divergence_drift(p, s, ret)) < 0)
		return r;
	findings_sort(ret);
	return 0;
}
