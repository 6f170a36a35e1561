/*
 * rules: the policy; see rules.h.
 *
 * A profile's rules and settings are judged twice: against the live values
 * (what the kernel runs with now) and against the persisted values (what a
 * reboot would set: the boot applier's winning line, or the kernel default
 * when no file sets the key). Then every line of the configuration on its
 * own (the same judgement `lint` makes), every key assigned again, the
 * files, the appliers, drift and the fragment's overridden keys.
 *
 * Every finding gets its remedy here, and its fix text from that remedy
 * (remedy.h): what `check` prints is what `apply` does. The remedy of a
 * failing value follows one rule: where both the live and the boot value
 * fail, set the profile's value in both; where only the boot value fails,
 * persist the live value (the host keeps what it runs); where only the live
 * value fails, set the boot value live. A value the profile accepts gets no
 * remedy at all.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifconf.h"
#include "procfs.h"
#include "rules.h"

#define BOM "\xef\xbb\xbf"

/* How many keys one rule's condition may name before the rest are ignored
   (a profile rule names one to three). */
#define COND_KEYS 16

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

static bool compare(enum cond_op op, long long a, long long b);

/* a <op> b * percent / 100, exactly: both sides times 100 cannot overflow
   in 128 bits. */
static bool
compare_wide(enum cond_op op, __int128 l, __int128 r)
{
	return compare(op, (l > r) - (l < r), 0);
}

static bool
compare_percent(enum cond_op op, long long a, long long b, long long percent)
{
	return compare_wide(op, (__int128)a * 100, (__int128)b * percent);
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
	case OPERAND_DEFAULT_PERCENT: {
		const struct snapshot_key *k = key_of(s, c->key);

		if (!k->has_default || !pick_int(&k->default_value, c->field, &b) ||
		    !pick_int(lhs, c->field, &a))
			return false;
		return compare_percent(c->op, a, b, o->percent);
	}
	case OPERAND_MEMORY: {
		long long page = s->host.page_size > 0 ? s->host.page_size : 4096;

		if (s->host.mem_bytes <= 0 || !pick_int(lhs, c->field, &a))
			return false;
		return compare(c->op, a, o->pages ? s->host.mem_bytes / page :
		    s->host.mem_bytes);
	}
	}
	if (rhs == NULL)
		return false;
	if (c->field == 0 && rfield == 0 && o->plus == 0 &&
	    (c->op == OP_EQ || c->op == OP_NE)) {
		bool eq = value_equal(lhs, rhs);

		return c->op == OP_EQ ? eq : !eq;
	}
	if (!pick_int(lhs, c->field, &a) || !pick_int(rhs, rfield, &b))
		return false;
	return compare_wide(c->op, a, (__int128)b + o->plus);
}

static bool
eval_key(const struct cond *c, const struct ctx *x)
{
	const struct snapshot_key *k = key_of(x->s, c->key);
	const struct value *val;
	long long a, b;

	if (c->op == OP_PRESENT)
		return view_present(x, k) == c->flag;
	if (c->op == OP_CONFIGURED)
		return (persisted_line(x->s, k) != NULL || x->okey == k->entry) == c->flag;
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
	case OP_AVAILABLE: {
		/* True or false only where it is certain: unknown matches neither. */
		const struct snapshot_key *reg = snapshot_key(x->s,
		    "net.ipv4.tcp_available_congestion_control");
		enum host_avail av = c->key->name[4] == 'c' ?	/* net.core.default_qdisc */
		    host_qdisc(&x->s->facts, val->str) :
		    host_cc(&x->s->facts, val->str, reg != NULL && reg->status == LIVE_OK ?
		    reg->live : NULL);

		if (av == HOST_UNKNOWN)
			return false;
		return (av != HOST_MISSING) == c->flag;
	}
	case OP_ALLOWED: {
		/* Only a child namespace is held to the allowed list. */
		const struct snapshot_key *al = snapshot_key(x->s,
		    "net.ipv4.tcp_allowed_congestion_control");

		if (!x->s->netns_child || al == NULL || al->status != LIVE_OK)
			return c->flag;
		return host_word_in(al->live, val->str) == c->flag;
	}
	default:
		return eval_operand(c, x, val);
	}
}

static bool
host_holds(const struct cond *c, const struct host_facts *h)
{
	switch (c->htest) {
	case HT_CONTAINER:
		return h->container != NULL;
	case HT_MULTIHOMED:
		return host_multihomed(h);
	case HT_GUEST_NETWORKS:
		return h->guest_net != NULL;
	case HT_KUBERNETES:
		return h->kubernetes;
	case HT_SLAAC:
		return h->slaac;
	case HT_SINGLE_HOMED:
		return h->routes_known && !host_multihomed(h);
	case HT_MODULE: {
		enum host_avail a = c->hname[0] == 't' ? host_cc(h, c->hname + 4, NULL) :
		    host_qdisc(h, c->hname + 4);

		return a == HOST_BUILTIN || a == HOST_MODULE;
	}
	case HT_MEMORY:
		return h->mem_bytes > 0 && compare(c->hop, h->mem_bytes >> 20, c->hnum);
	case HT_CPUS:
		return h->cpus > 0 && compare(c->hop, h->cpus, c->hnum);
	}
	return false;
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
	case COND_HOST:
		return host_holds(c, &x->s->facts);
	}
	return false;
}

bool
rules_cond_holds(const struct cond *c, const struct snapshot *s, int view)
{
	struct ctx x = { s, view ? VIEW_PERSISTED : VIEW_LIVE, NULL, NULL };

	return holds(c, &x);
}

/*
 * The profile's setting for a key where it is asked of this host: NULL
 * when the profile has none, or its `when` does not hold here (in the live
 * view, else the persisted one).
 */
static const struct setting *
setting_here(const struct profile *p, const struct snapshot *s, const char *key)
{
	const struct setting *st = profile_setting(p, key);

	if (st != NULL && st->when != NULL &&
	    !holds(st->when, &(struct ctx){ s, s->files_only ? VIEW_PERSISTED :
	    VIEW_LIVE, NULL, NULL }))
		return NULL;
	return st;
}

/* --- building findings --------------------------------------------- */

/* Everything one evaluation needs. */
struct pol {
	const struct profile *p;
	const struct snapshot *s;
	struct remedy_ctx rx;
	bool live;		/* the snapshot has live values */
	struct findings *ret;
};

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
	free(f->fix_live);
	free(f->file);
	for (size_t i = 0; i < f->nlines; i++) {
		free(f->lines[i].file);
		free(f->lines[i].value);
	}
	free(f->lines);
	remedy_clear(&f->remedy);
	memset(f, 0, sizeof *f);
	remedy_init(&f->remedy);
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

/* Whether a hazard rule or a deviation already judges the key. */
static bool
judged(const struct findings *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->items[i];

		if (x->key != NULL && strcmp(x->key, key) == 0 &&
		    (x->kind == KIND_DEVIATION || strncmp(x->id, "TA-H", 4) == 0 ||
		    (x->kind == KIND_UNSUPPORTED && x->file == NULL)))
			return true;
	}
	return false;
}

int
finding_fix_text(struct finding *f)
{
	char *fix = NULL, *live = NULL;

	if (remedy_text(&f->remedy, &fix, &live) < 0)
		return -ENOMEM;
	/* A finding without a remedy may still carry advice (evidence). */
	if (fix != NULL || f->remedy.action != REMEDY_NONE) {
		free(f->fix);
		f->fix = fix;
	}
	free(f->fix_live);
	f->fix_live = live;
	return 0;
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
	remedy_init(&n->remedy);
	return 0;
}

void
finding_start(struct finding *f, const char *id, enum severity sev,
    enum finding_kind kind, char *message)
{
	memset(f, 0, sizeof *f);
	remedy_init(&f->remedy);
	f->id = strdup(id);
	f->severity = sev;
	f->kind = kind;
	f->message = message;
}

/* Set the fix texts and push; frees f on failure. */
static int
finish(struct pol *x, struct finding *f)
{
	if (finding_fix_text(f) < 0) {
		finding_clear(f);
		return -ENOMEM;
	}
	return findings_push(x->ret, f);
}

/*
 * A configuration file entry that only repeats another: the
 * 99-sysctl.conf link to /etc/sysctl.conf, which procps also reads under
 * its own name. Its lines are judged once, as lines of the target.
 */
static bool
repeated_file(const struct sysctld_config *c, size_t fi)
{
	const struct sysctld_file *f = &c->files[fi];

	if (strcmp(f->target, f->path) == 0)
		return false;
	for (size_t i = 0; i < c->nfiles; i++)
		if (i != fi && strcmp(c->files[i].path, f->target) == 0)
			return true;
	return false;
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
	nl->file = strdup(sysctld_line_file(s->config, l));
	nl->line = l->lineno;
	nl->value = strdup(l->value);
	return nl->file == NULL || nl->value == NULL ? -ENOMEM : 0;
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
			bool dup = false;

			if (l->kind != LINE_ASSIGN || l->glob || strcmp(l->key, key) != 0)
				continue;
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

/* The value as the kernel would keep it: "1024\t65000" -> "1024 65000". */
static char *
shown_value(const char *v)
{
	char *s = strdup(v);

	for (char *c = s; c != NULL && *c; c++)
		if (*c == '\t')
			*c = ' ';
	return s;
}

/* Place f at line l (the line that decides its persisted value). */
static int
place_at(struct finding *f, const struct snapshot *s, const struct sysctld_line *l,
    bool secret)
{
	free(f->file);
	f->file = strdup(sysctld_line_file(s->config, l));
	f->line = l->lineno;
	if (f->file == NULL)
		return -ENOMEM;
	if (l->kind == LINE_ASSIGN && !secret && f->persisted == NULL &&
	    (f->persisted = shown_value(l->value)) == NULL)
		return -ENOMEM;
	return 0;
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
	const struct setting *st = p ? setting_here(p, s, k->entry->name) : NULL;
	bool secret = (k->entry->flags & CATALOG_SECRET) != 0;
	char buf[256];

	if ((f->key = strdup(k->entry->name)) == NULL)
		return -ENOMEM;
	if (k->status == LIVE_OK && !secret && (f->live = strdup(k->live)) == NULL)
		return -ENOMEM;
	if (l != NULL && place_at(f, s, l, secret) < 0)
		return -ENOMEM;
	if (st != NULL && setting_describe(st, buf, sizeof buf) == 0 &&
	    (f->want = strdup(buf)) == NULL)
		return -ENOMEM;
	return collect_lines(s, k->entry->name, f);
}

const struct value *
rules_setting_target(const struct setting *st)
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

/* --- remedies -------------------------------------------------------- */

/*
 * The remedy for a value that fails in one view or both (see the design
 * comment): target is what the profile wants, pers_ok the boot value when
 * that one passes, live_ok the live value when that one passes.
 */
static int
remedy_value(struct pol *x, struct finding *f, const struct catalog_entry *e,
    const char *target, bool live_bad, bool pers_bad, const char *pers_ok,
    const char *live_ok)
{
	if (live_bad && pers_bad)
		return remedy_set(&x->rx, e, target, true, true, &f->remedy);
	if (live_bad) {
		f->needs_live = true;
		return remedy_set(&x->rx, e, pers_ok ? pers_ok : target, true, false,
		    &f->remedy);
	}
	if (pers_bad) {
		if (x->live && live_ok != NULL) {
			/* Persisting the live value depends on it, unless it is
			   the target anyway. */
			if (target == NULL || strcmp(live_ok, target) != 0)
				f->needs_live = true;
			return remedy_set(&x->rx, e, live_ok, false, true, &f->remedy);
		}
		return remedy_set(&x->rx, e, target, false, true, &f->remedy);
	}
	return 0;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/*
 * The remedy that removes a key from the configuration: comment out (or
 * mask) every line that assigns it, in every file an applier reads; and,
 * when the key exists live with another value than its default, set the
 * default live (a vector without a known default: its fields sorted).
 */
static int
remedy_remove(struct pol *x, struct finding *f, const struct snapshot_key *k)
{
	const struct sysctld_config *c = x->s->config;
	int r;

	for (size_t fi = 0; fi < c->nfiles; fi++) {
		if (repeated_file(c, fi))
			continue;
		for (size_t li = 0; li < c->files[fi].nlines; li++) {
			const struct sysctld_line *l = &c->files[fi].lines[li];

			if (l->kind != LINE_ASSIGN || l->glob ||
			    strcmp(l->key, k->entry->name) != 0)
				continue;
			if ((r = remedy_disable_line(&x->rx, l, NULL, &f->remedy)) < 0)
				return r;
		}
	}
	if (!x->live || !k->live_ok)
		return 0;
	if (k->has_default)
		return remedy_reset_live(&x->rx, k->entry, k->dflt, &f->remedy);
	/* A default that depends on the host's memory (tcp_rmem, tcp_wmem,
	   tcp_mem) is unknown: the live fields in ascending order are the
	   smallest change that makes the triple consistent. */
	if (k->live_value.nfields > 1) {
		struct value v = k->live_value;
		char buf[VALUE_STR_MAX];

		qsort(v.field, v.nfields, sizeof v.field[0], cmp_ll);
		if (value_format(&v, buf, sizeof buf) == 0)
			return remedy_reset_live(&x->rx, k->entry, buf, &f->remedy);
	}
	return 0;
}

/* The canonical text of v in buf, or NULL. */
static const char *
value_text(const struct value *v, char *buf, size_t size)
{
	if (v == NULL || value_format(v, buf, size) < 0)
		return NULL;
	return buf;
}

/* --- hazard rules and settings -------------------------------------- */

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
		if (*n < COND_KEYS && c->key != NULL)
			keys[(*n)++] = c->key;
		if (*n < COND_KEYS && c->operand.kind == OPERAND_KEY &&
		    c->operand.key != NULL)
			keys[(*n)++] = c->operand.key;
		break;
	case COND_KERNEL:
	case COND_NETNS:
	case COND_HOST:
		break;
	}
}

/*
 * Whether a condition reads something only the live system shows, whatever
 * the view: the host's tcp_allowed_congestion_control.
 */
static bool
cond_reads_live(const struct cond *c)
{
	for (size_t i = 0; i < c->nchildren; i++)
		if (cond_reads_live(&c->children[i]))
			return true;
	return c->type == COND_KEY && c->op == OP_ALLOWED;
}

/* The value a hazard rule's fix sets, in buf; NULL: remove the lines. */
static const char *
rule_target(const struct pol *x, const struct rule *r, const struct snapshot_key *k,
    char *buf, size_t size)
{
	const struct setting *st;

	switch (r->fix_kind) {
	case FIX_VALUE:
		return value_text(&r->fix_value, buf, size);
	case FIX_AUTO:
		st = setting_here(x->p, x->s, r->key->name);
		if (st != NULL && rules_setting_target(st) != NULL)
			return value_text(rules_setting_target(st), buf, size);
		/* FALLTHROUGH */
	case FIX_DEFAULT:
		if (k->has_default) {
			snprintf(buf, size, "%s", k->dflt);
			return buf;
		}
		return NULL;
	case FIX_REMOVE:
	case FIX_NONE:
		break;
	}
	return NULL;
}

static int
eval_rules(struct pol *x)
{
	const struct snapshot *s = x->s;

	for (size_t i = 0; i < x->p->nrules; i++) {
		const struct rule *r = &x->p->rules[i];
		const struct snapshot_key *k = key_of(s, r->key);
		bool live = x->live && rules_cond_holds(&r->when, s, VIEW_LIVE);
		bool pers = rules_cond_holds(&r->when, s, VIEW_PERSISTED);
		char tbuf[VALUE_STR_MAX], lbuf[VALUE_STR_MAX];
		const char *target, *keep = NULL;
		struct finding f;

		if (!live && !pers)
			continue;
		finding_start(&f, r->id, r->severity, KIND_HAZARD, strdup(r->title));
		f.reason = xstrdup(r->reason);
		f.source = xstrdup(r->source);
		f.in_live = live;
		f.in_persisted = pers;
		f.needs_live = !pers || cond_reads_live(&r->when);
		if (fill_key(&f, x->p, s, k) < 0)
			goto nomem;
		/* Not set by any line: the line of another key of the
		   condition is what the files decide. */
		if (f.file == NULL && pers) {
			const struct catalog_entry *keys[COND_KEYS];
			size_t n = 0;

			cond_keys(&r->when, keys, &n);
			for (size_t j = 0; j < n && f.file == NULL; j++) {
				const struct sysctld_line *l = persisted_line(s, key_of(s, keys[j]));

				if (l != NULL && place_at(&f, s, l, true) < 0)
					goto nomem;
			}
		}
		target = rule_target(x, r, k, tbuf, sizeof tbuf);
		if (r->fix_kind == FIX_NONE) {
			/* Advice: the reason says what to look at. */
		} else if (target == NULL || *target == '\0') {
			if (remedy_remove(x, &f, k) < 0)
				goto nomem;
		} else {
			/* Persist the live value where it clears the rule. */
			if (!live && pers && k->live_ok) {
				struct ctx c = { s, VIEW_PERSISTED, r->key, &k->live_value };

				if (!holds(&r->when, &c))
					keep = value_text(&k->live_value, lbuf, sizeof lbuf);
			}
			if (remedy_value(x, &f, r->key, target, live, pers, NULL, keep) < 0)
				goto nomem;
		}
		if (finish(x, &f) < 0)
			return -ENOMEM;
		continue;
nomem:
		finding_clear(&f);
		return -ENOMEM;
	}
	return 0;
}

static int
push_key_finding(struct pol *x, const struct snapshot_key *k, const char *prefix,
    enum severity sev, enum finding_kind kind, char *message, char *reason,
    char *source, struct finding *ret)
{
	char id[16];

	snprintf(id, sizeof id, "TA-%s%03u", prefix, k->entry->id);
	finding_start(ret, id, sev, kind, message);
	ret->reason = reason;
	ret->source = source;
	if (fill_key(ret, x->p, x->s, k) < 0) {
		finding_clear(ret);
		return -ENOMEM;
	}
	return 0;
}

/* The message of a deviation. */
static char *
deviation_message(const struct pol *x, const struct setting *st,
    const struct snapshot_key *k, bool live_bad, bool pers_bad, const char *pbuf)
{
	const char *name = st->entry->name;
	char sbuf[128];

	setting_describe(st, sbuf, sizeof sbuf);
	if (!x->live)
		return finding_printf("'%s' is set to %s; profile '%s' wants %s", name,
		    pbuf, x->p->name, sbuf);
	if (live_bad && (pers_bad || *pbuf == '\0'))
		return finding_printf("'%s' is %s; profile '%s' wants %s", name,
		    k->live, x->p->name, sbuf);
	if (live_bad)
		return finding_printf("'%s' is %s live, though a reboot would set %s; "
		    "profile '%s' wants %s", name, k->live, pbuf, x->p->name, sbuf);
	return finding_printf("'%s' is %s live, but a reboot would set %s; profile "
	    "'%s' wants %s", name, k->live, pbuf, x->p->name, sbuf);
}

static int
eval_settings(struct pol *x)
{
	const struct snapshot *s = x->s;
	char sbuf[128];

	for (size_t i = 0; i < x->p->nsettings; i++) {
		const struct setting *st = &x->p->settings[i];
		const struct snapshot_key *k = key_of(s, st->entry);
		const char *name = st->entry->name;
		const struct value *pv;
		bool live_bad, pers_bad;
		char pbuf[VALUE_STR_MAX], tbuf[VALUE_STR_MAX], lbuf[VALUE_STR_MAX];
		const char *target;
		struct finding f;
		char *msg;

		if (judged(x->ret, name))
			continue;	/* a hazard about this key says more */
		if (setting_here(x->p, s, name) == NULL) {
			/* The profile does not ask it of this host: say so where
			   the value would fail it, with the reason it gives. */
			const struct value *lv = k->live_ok ? &k->live_value : NULL;
			const struct value *pv0 = view_value(s, k, VIEW_PERSISTED);
			char want[256];

			if ((lv == NULL || setting_satisfied(st, lv)) &&
			    (pv0 == NULL || setting_satisfied(st, pv0)))
				continue;
			if (setting_describe(st, want, sizeof want) < 0)
				want[0] = '\0';
			if (push_key_finding(x, k, "P", SEV_INFO, KIND_DEVIATION,
			    finding_printf("profile '%s' asks '%s' %s only where its condition "
			    "holds, and it does not on this host: the key is left as it is",
			    st->profile ? st->profile : x->p->name, name, want),
			    xstrdup(st->reason), xstrdup(st->source), &f) < 0 ||
			    finish(x, &f) < 0)
				return -ENOMEM;
			continue;
		}
		if (x->live && k->status != LIVE_OK) {
			if (!catalog_in_release(st->entry, &s->host.kernel) ||
			    k->status == LIVE_ABSENT)
				msg = finding_printf("profile '%s' sets '%s', which this kernel "
				    "does not have (%s)", x->p->name, name,
				    snapshot_status_text(k, sbuf, sizeof sbuf));
			else if (k->status == LIVE_HIDDEN)
				msg = finding_printf("'%s' is a global key: it cannot be read or "
				    "set in this network namespace; check it on the host",
				    name);
			else
				msg = finding_printf("'%s' cannot be checked: %s", name,
				    snapshot_status_text(k, sbuf, sizeof sbuf));
			if (push_key_finding(x, k, "U", SEV_INFO, KIND_UNSUPPORTED, msg,
			    xstrdup(st->reason), xstrdup(st->source), &f) < 0)
				return -ENOMEM;
			f.needs_live = true;
			if (remedy_unfixable(&f.remedy, snapshot_status_text(k, sbuf,
			    sizeof sbuf)) < 0 || finish(x, &f) < 0)
				return -ENOMEM;
			continue;
		}
		if (!x->live && !catalog_in_release(st->entry, &s->host.kernel))
			continue;
		live_bad = x->live && (!k->live_ok || !setting_satisfied(st, &k->live_value));
		pv = view_value(s, k, VIEW_PERSISTED);
		/* Where nothing says what a reboot leaves (no line, and a default
		   that cannot be known here), a failing live value is persisted
		   too: only a line makes the next boot keep the fix. */
		pers_bad = pv != NULL ? !setting_satisfied(st, pv) : live_bad;
		if (!live_bad && !pers_bad)
			continue;
		pbuf[0] = '\0';
		if (pv != NULL)
			value_format(pv, pbuf, sizeof pbuf);
		target = value_text(rules_setting_target(st), tbuf, sizeof tbuf);
		msg = deviation_message(x, st, k, live_bad, pers_bad, pbuf);
		if (push_key_finding(x, k, "D", st->severity, KIND_DEVIATION, msg,
		    xstrdup(st->reason), xstrdup(st->source), &f) < 0)
			return -ENOMEM;
		f.in_live = live_bad;
		f.in_persisted = pers_bad;
		if (target != NULL &&
		    remedy_value(x, &f, st->entry, target, live_bad, pers_bad,
		    pv != NULL && !pers_bad ? pbuf : NULL,
		    k->live_ok && !live_bad ? value_text(&k->live_value, lbuf,
		    sizeof lbuf) : NULL) < 0) {
			finding_clear(&f);
			return -ENOMEM;
		}
		if (finish(x, &f) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* --- one line at a time (what `lint` judges too) -------------------- */

/* A hazard already names this line for this key. */
static bool
hazard_at(const struct pol *x, const struct sysctld_line *l)
{
	const char *file = sysctld_line_file(x->s->config, l);

	for (size_t i = 0; i < x->ret->n; i++) {
		const struct finding *f = &x->ret->items[i];

		if (f->kind == KIND_HAZARD && strncmp(f->id, "TA-H", 4) == 0 &&
		    f->key != NULL && strcmp(f->key, l->key) == 0 &&
		    f->line == l->lineno && f->file != NULL && strcmp(f->file, file) == 0)
			return true;
	}
	return false;
}

/* A finding about line l, whose remedy disables the line when `disable`. */
static int
line_finding(struct pol *x, const struct sysctld_line *l, const char *id,
    enum severity sev, enum finding_kind kind, bool disable, bool needs_live,
    char *message, const char *reason)
{
	const struct catalog_entry *e = l->key ? catalog_lookup(l->key) : NULL;
	struct finding f;

	finding_start(&f, id, sev, kind, message);
	f.needs_live = needs_live;
	f.reason = xstrdup(reason);
	if ((reason != NULL && f.reason == NULL) ||
	    (l->key != NULL && (f.key = strdup(l->key)) == NULL) ||
	    place_at(&f, x->s, l, e != NULL && (e->flags & CATALOG_SECRET)) < 0)
		goto nomem;
	if (disable && remedy_disable_line(&x->rx, l, NULL, &f.remedy) < 0)
		goto nomem;
	return finish(x, &f);
nomem:
	finding_clear(&f);
	return -ENOMEM;
}

static int
line_unknown(struct pol *x, const struct sysctld_line *l)
{
	const struct snapshot *s = x->s;
	const char *sugg;

	if (strncmp(l->key, BOM, strlen(BOM)) == 0)
		return line_finding(x, l, "TA-C001", SEV_WARNING, KIND_UNSUPPORTED, true, false,
		    finding_printf("unknown key '%s': the file starts with a UTF-8 byte "
		    "order mark, which becomes part of the key", l->key + strlen(BOM)),
		    "Both appliers read the mark as part of the first key, so the "
		    "line sets nothing. Save the file without it.");
	if (strncmp(l->key, "net.", 4) != 0 || sysctl_key_per_interface(l->key))
		return 0;
	/* Known to the running kernel, if one was asked: a real key the
	   catalog has no advice on. */
	for (size_t i = 0; s->others_probed && i < s->nothers; i++)
		if (strcmp(s->others[i].key, l->key) == 0 && s->others[i].exists)
			return 0;
	/* A child network namespace does not see global keys: a key missing
	   here may well exist on the host. */
	if (s->netns_child && s->others_probed)
		return line_finding(x, l, "TA-C001", SEV_INFO, KIND_UNSUPPORTED, false,
		    true, finding_printf("'%s' is not in this network namespace: a global "
		    "key of the host, or a misspelt one", l->key), "A child network "
		    "namespace (a container) sees only per-namespace keys; check the "
		    "line on the host.");
	if ((sugg = catalog_suggest(l->key)) != NULL)
		return line_finding(x, l, "TA-C001", SEV_WARNING, KIND_UNSUPPORTED, true, false,
		    finding_printf("unknown key '%s' (did you mean '%s'?)", l->key, sugg),
		    "A misspelt key sets nothing: `sysctl -p` exits 1 on it and the "
		    "intended setting is never applied.");
	if (s->others_probed)
		return line_finding(x, l, "TA-C001", SEV_WARNING, KIND_UNSUPPORTED, true, false,
		    finding_printf("unknown key '%s': neither tcpadvise nor this kernel "
		    "knows it", l->key), "The line sets nothing here: `sysctl -p` "
		    "exits 1 on it. Check its spelling, or whether it needs a module "
		    "or another kernel release.");
	return line_finding(x, l, "TA-C001", SEV_INFO, KIND_UNSUPPORTED, false, false,
	    finding_printf("'%s' is not a key tcpadvise knows; its name and value "
	    "were not checked", l->key), "tcpadvise's catalog covers the TCP and "
	    "socket keys it gives advice on; other keys are passed over.");
}

static const char absent_reason[] = "The key does not exist on that kernel: "
    "`sysctl -p` reports \"cannot stat\" for it and exits 1, which fails boot "
    "units and configuration tools that apply the file.";

/* A catalog key this kernel (or namespace) does not have. */
static int
line_absent(struct pol *x, const struct sysctld_line *l, const struct catalog_entry *e)
{
	const struct snapshot *s = x->s;
	char id[16];
	char *msg;

	snprintf(id, sizeof id, "TA-U%03u", e->id);
	if (e->removed != NULL && !catalog_in_release(e, &s->host.kernel))
		msg = finding_printf("'%s' was removed in Linux %s: on %s the line sets "
		    "nothing", l->key, e->removed, s->kernel_release);
	else if (!catalog_in_release(e, &s->host.kernel))
		msg = finding_printf("'%s' first appeared in Linux %s: on %s the line "
		    "sets nothing", l->key, e->since, s->kernel_release);
	else {
		msg = finding_printf("'%s' is set in a configuration file but is not on "
		    "this kernel%s", l->key, (e->flags & CATALOG_MODULE) ?
		    " (its module is not loaded)" : "");
		/* Only the running kernel says so: lint cannot know. */
		return line_finding(x, l, id, SEV_WARNING, KIND_UNSUPPORTED, true, true,
		    msg, absent_reason);
	}
	return line_finding(x, l, id, SEV_WARNING, KIND_UNSUPPORTED, true, false, msg,
	    absent_reason);
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

static const char reject_reason[] = "The write fails with EINVAL: the line "
    "changes nothing, and both `sysctl -p` and systemd-sysctl report it and "
    "exit 1.";

static int
line_value(struct pol *x, const struct sysctld_line *l, const struct catalog_entry *e)
{
	const char *shown = (e->flags & CATALOG_SECRET) ? "(secret)" : l->value;
	const char *errstr = NULL;
	struct value v;
	char why[128];

	if (value_parse_kernel(l->value, e->shape, e->nfields, &v, &errstr) < 0)
		return line_finding(x, l, "TA-L001", SEV_WARNING, KIND_HAZARD, true, false,
		    finding_printf("the kernel rejects '%s = %s': the value must be %s "
		    "(%s)", l->key, shown, catalog_shape_name(e),
		    errstr ? errstr : "invalid"), reject_reason);
	if (e->shape != SHAPE_INT && e->shape != SHAPE_VECTOR)
		return 0;
	if (out_of_range(e, &v, e->kmin, e->kmax, why, sizeof why))
		return line_finding(x, l, "TA-L001", SEV_WARNING, KIND_HAZARD, true, false,
		    finding_printf("the kernel rejects '%s = %s': %s", l->key, shown,
		    why), reject_reason);
	/* A hazard about the line says more than the sane range does. */
	if (!hazard_at(x, l) && out_of_range(e, &v, e->smin, e->smax, why, sizeof why))
		return line_finding(x, l, "TA-L002", SEV_INFO, KIND_DEVIATION, false, false,
		    finding_printf("'%s = %s' is outside the sane range: %s", l->key,
		    shown, why), "The kernel accepts the value, but it lies outside "
		    "the range the catalog considers sane for this key; make sure it "
		    "is intended.");
	return 0;
}

/* Whether the key of e is absent here: not in the judged release, or not
   in this kernel or namespace. Global keys hidden in a child namespace are
   not absent (TA-U at info, per key). */
static bool
key_absent(const struct pol *x, const struct catalog_entry *e)
{
	const struct snapshot_key *k = key_of(x->s, e);

	if (!catalog_in_release(e, &x->s->host.kernel))
		return true;
	return x->live && k->status == LIVE_ABSENT;
}

static int
eval_lines(struct pol *x)
{
	const struct sysctld_config *c = x->s->config;

	for (size_t fi = 0; fi < c->nfiles; fi++) {
		if (repeated_file(c, fi))
			continue;
		for (size_t li = 0; li < c->files[fi].nlines; li++) {
			const struct sysctld_line *l = &c->files[fi].lines[li];
			const struct catalog_entry *e;
			int r = 0;

			if (l->kind == LINE_INVALID)
				r = line_finding(x, l, "TA-C002", SEV_WARNING, KIND_HAZARD,
				    true, false, finding_printf("%s: '%s'", l->problem, l->raw),
				    "procps skips the line with a warning; systemd-sysctl "
				    "skips it and exits 1, which marks "
				    "systemd-sysctl.service failed at boot.");
			else if (l->kind != LINE_ASSIGN || l->glob)
				continue;
			else if ((e = catalog_lookup(l->key)) == NULL)
				r = line_unknown(x, l);
			else if (key_absent(x, e)) {
				if (!hazard_at(x, l))
					r = line_absent(x, l, e);
			} else
				r = line_value(x, l, e);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/*
 * Global keys that files set while tcpadvise runs in a child network
 * namespace (a container): absent there (`sysctl -p` says "cannot stat"),
 * or a read-only mirror of the host's (EACCES, rmem_max and wmem_max since
 * 6.11). One finding names every such key and line (TA-C006); the fix
 * comments the lines out, and the values belong on the host.
 */
static int
eval_hidden(struct pol *x)
{
	const struct snapshot *s = x->s;
	const struct sysctld_config *c = s->config;
	char names[512] = "";
	size_t nkeys = 0, len = 0;
	struct finding f;
	bool started = false;

	for (size_t i = 0; x->live && s->netns_child && i < s->nkeys; i++) {
		const struct snapshot_key *k = &s->keys[i];
		int w;

		if (k->entry->scope == SCOPE_NETNS ||
		    (k->eff[APPLIER_PROCPS].nassign == 0 &&
		    k->eff[APPLIER_SYSTEMD].nassign == 0))
			continue;
		if (!started) {
			finding_start(&f, "TA-C006", SEV_WARNING, KIND_HAZARD, NULL);
			f.needs_live = true;
			started = true;
		}
		nkeys++;
		w = snprintf(names + len, sizeof names - len, "%s%s", len ? ", " : "",
		    k->entry->name);
		if (w > 0 && (size_t)w < sizeof names - len)
			len += (size_t)w;
		if (collect_lines(s, k->entry->name, &f) < 0)
			goto nomem;
		for (size_t fi = 0; fi < c->nfiles; fi++)
			for (size_t li = 0; li < c->files[fi].nlines; li++) {
				const struct sysctld_line *l = &c->files[fi].lines[li];

				if (l->kind == LINE_ASSIGN && !l->glob &&
				    strcmp(l->key, k->entry->name) == 0 &&
				    remedy_disable_line(&x->rx, l, NULL, &f.remedy) < 0)
					goto nomem;
			}
	}
	if (!started)
		return 0;
	if ((f.message = finding_printf("%zu global key%s set in configuration files, "
	    "which this network namespace cannot set: %s", nkeys, nkeys == 1 ? " is" :
	    "s are", names)) == NULL ||
	    (f.reason = strdup("Global keys belong to the host's network namespace: "
	    "inside a container they are missing (procps says 'cannot stat' and "
	    "exits 1) or, for net.core.rmem_max and wmem_max since Linux 6.11, "
	    "read-only copies of the host's (EACCES). The lines set nothing here "
	    "and fail at every start. Comment them out, and set the values on the "
	    "host if they are needed.")) == NULL ||
	    (f.source = strdup("net_core_table in net/core/sysctl_net_core.c and "
	    "ipv4_table in net/ipv4/sysctl_net_ipv4.c (registered for the initial "
	    "namespace only); verified in a fresh network namespace on 6.18")) == NULL)
		goto nomem;
	return finish(x, &f);
nomem:
	finding_clear(&f);
	return -ENOMEM;
}

/* --- keys assigned again --------------------------------------------- */

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

static bool
is_assignment(const struct sysctld_line *l)
{
	return l->kind == LINE_ASSIGN && !l->glob;
}

/*
 * The assignment of l's key that comes last before l in reading order,
 * leaving out repeated files and tcpadvise's own fragment.
 */
static const struct sysctld_line *
previous(const struct pol *x, size_t fi, size_t li)
{
	const struct sysctld_config *c = x->s->config;
	const char *key = c->files[fi].lines[li].key;

	for (size_t f = fi + 1; f-- > 0;) {
		if (repeated_file(c, f))
			continue;
		for (size_t i = f == fi ? li : c->files[f].nlines; i-- > 0;) {
			const struct sysctld_line *l = &c->files[f].lines[i];

			if (is_assignment(l) && strcmp(l->key, key) == 0 &&
			    !remedy_in_fragment(c, x->rx.fragment, l))
				return l;
		}
	}
	return NULL;
}

static int
eval_duplicates(struct pol *x)
{
	const struct snapshot *s = x->s;
	const struct sysctld_config *c = s->config;

	for (size_t fi = 0; fi < c->nfiles; fi++) {
		if (repeated_file(c, fi))
			continue;
		for (size_t li = 0; li < c->files[fi].nlines; li++) {
			const struct sysctld_line *l = &c->files[fi].lines[li];
			const struct sysctld_line *prev;
			const struct catalog_entry *e;
			const char *pf, *lf;
			struct finding f;
			bool same, secret;

			if (!is_assignment(l) || remedy_in_fragment(c, x->rx.fragment, l) ||
			    (prev = previous(x, fi, li)) == NULL)
				continue;
			e = catalog_lookup(l->key);
			secret = e != NULL && (e->flags & CATALOG_SECRET);
			same = same_value(e, prev->value, l->value);
			if (same && prev->file == l->file)
				continue;
			pf = sysctld_line_file(c, prev);
			lf = sysctld_line_file(c, l);
			if (!same) {
				finding_start(&f, "TA-L003", SEV_WARNING, KIND_HAZARD, secret ?
				    finding_printf("%s is set at %s:%u and to another value at "
				    "%s:%u; the later one wins", l->key, pf, prev->lineno, lf,
				    l->lineno) :
				    finding_printf("%s is set to %s at %s:%u and to %s at %s:%u; "
				    "the later one wins", l->key, prev->value, pf, prev->lineno,
				    l->value, lf, l->lineno));
				f.reason = strdup("procps writes every assignment in turn and "
				    "the last one wins, so the earlier value applies for a "
				    "moment at every boot; renaming or removing a file silently "
				    "brings it back, and the earlier line misleads whoever "
				    "reads it.");
			} else {
				finding_start(&f, "TA-L004", SEV_INFO, KIND_SHADOWED,
				    finding_printf("%s is set at %s:%u and again, to the same "
				    "value, at %s:%u; the later file shadows the earlier line",
				    l->key, pf, prev->lineno, lf, l->lineno));
				f.reason = strdup("The earlier line is redundant while the "
				    "later file sets the key; a change made to it alone would "
				    "have no effect.");
			}
			if (f.reason == NULL || (f.key = strdup(l->key)) == NULL ||
			    place_at(&f, s, prev, secret) < 0 || add_line(&f, s, prev) < 0 ||
			    add_line(&f, s, l) < 0 ||
			    remedy_disable_line(&x->rx, prev, "the earlier line", &f.remedy) < 0) {
				finding_clear(&f);
				return -ENOMEM;
			}
			if (finish(x, &f) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

/* --- files, appliers, drift, the fragment ---------------------------- */

/* Findings about configuration files that cannot be read (TA-C003). */
static int
eval_files(struct pol *x)
{
	const struct sysctld_config *c = x->s->config;

	for (size_t i = 0; i < c->nfiles; i++) {
		const struct sysctld_file *file = &c->files[i];
		struct finding f;
		char why[128];

		if (file->error == 0)
			continue;
		finding_start(&f, "TA-C003", SEV_WARNING, KIND_HAZARD,
		    finding_printf("cannot read configuration file '%s': %s", file->path,
		    conffile_strerror(file->error, &file->info, why, sizeof why)));
		f.file = strdup(file->path);
		f.reason = strdup("systemd-sysctl exits 1 when a file cannot be read, and "
		    "its settings are not applied at boot.");
		if (f.file == NULL || f.reason == NULL ||
		    remedy_unfixable(&f.remedy, "tcpadvise does not repair or remove "
		    "files: make it readable, or remove it") < 0) {
			finding_clear(&f);
			return -ENOMEM;
		}
		if (finish(x, &f) < 0)
			return -ENOMEM;
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

/* Whether procps and systemd-sysctl leave the key with the same value. */
static bool
appliers_agree(const struct snapshot_key *k)
{
	const struct sysctld_effect *pe = &k->eff[APPLIER_PROCPS];
	const struct sysctld_effect *se = &k->eff[APPLIER_SYSTEMD];
	struct value a, b;
	const char *err;

	if ((pe->line == NULL || pe->excluded) != (se->line == NULL || se->excluded))
		return false;
	if (pe->line == NULL || pe->excluded)
		return true;
	return value_parse_kernel(pe->line->value, k->entry->shape, k->entry->nfields,
	    &a, &err) == 0 && value_parse_kernel(se->line->value, k->entry->shape,
	    k->entry->nfields, &b, &err) == 0 && value_equal(&a, &b);
}

/* procps and systemd disagree on a key (TA-C004). */
static int
divergence(struct pol *x, const struct snapshot_key *k)
{
	const struct snapshot *s = x->s;
	const struct sysctld_line *boot = persisted_line(s, k);
	char a[512], b[512], buf[VALUE_STR_MAX];
	const char *value = NULL;
	struct finding f;

	finding_start(&f, "TA-C004", SEV_WARNING, KIND_HAZARD,
	    finding_printf("'%s': `sysctl --system` sets %s but systemd-sysctl sets "
	    "%s", k->entry->name, effect_text(s, &k->eff[APPLIER_PROCPS], a, sizeof a),
	    effect_text(s, &k->eff[APPLIER_SYSTEMD], b, sizeof b)));
	f.reason = strdup("Which value a reboot leaves depends on which tool runs: "
	    "systemd-sysctl reads /etc/sysctl.conf only through the 99-sysctl.conf "
	    "symlink and skips hidden files; procps reads both and /etc/sysctl.conf "
	    "last.");
	f.source = strdup("sysctl.d(5); procps sysctl(8) --system");
	f.needs_live = true;
	if (fill_key(&f, x->p, s, k) < 0)
		goto nomem;
	/* One value for both: what the boot applier sets, else the live one. */
	if (boot != NULL && k->persisted_ok)
		value = value_text(&k->persisted_value, buf, sizeof buf);
	else if (k->live_ok)
		value = value_text(&k->live_value, buf, sizeof buf);
	if (value != NULL && remedy_set(&x->rx, k->entry, value, false, true,
	    &f.remedy) < 0)
		goto nomem;
	return finish(x, &f);
nomem:
	finding_clear(&f);
	return -ENOMEM;
}

/* TA-C004 and drift (TA-R): neither can be seen without live values. */
static int
eval_divergence_drift(struct pol *x)
{
	const struct snapshot *s = x->s;

	for (size_t i = 0; x->live && i < s->nkeys; i++) {
		const struct snapshot_key *k = &s->keys[i];
		const struct value *pv;
		char buf[VALUE_STR_MAX];
		struct finding f;

		if (k->status != LIVE_OK || judged(x->ret, k->entry->name))
			continue;
		/* Only where both really run at boot does it matter. */
		if (s->boot_appliers == ((1u << APPLIER_PROCPS) | (1u << APPLIER_SYSTEMD)) &&
		    !appliers_agree(k)) {
			if (divergence(x, k) < 0)
				return -ENOMEM;
			continue;
		}
		/* Drift: live differs from what a reboot sets. Without a file
		   that sets the key, a reboot leaves the default, but only in
		   the init netns is that default the kernel's own. No finding
		   judges either value, so the profile accepts both: info, and
		   nothing to undo. */
		if (!k->live_ok || (k->entry->flags & (CATALOG_READONLY | CATALOG_SECRET)))
			continue;
		if (persisted_line(s, k) == NULL && s->netns_child)
			continue;
		if ((pv = view_value(s, k, VIEW_PERSISTED)) == NULL ||
		    value_equal(&k->live_value, pv))
			continue;
		value_format(pv, buf, sizeof buf);
		if (push_key_finding(x, k, "R", SEV_INFO, KIND_DRIFT,
		    persisted_line(s, k) != NULL ?
		    finding_printf("'%s' is %s live, but the configuration sets %s at "
		    "boot", k->entry->name, k->live, buf) :
		    finding_printf("'%s' is %s live, but no configuration file sets it: "
		    "a reboot returns it to the default %s", k->entry->name,
		    k->live, buf),
		    k->author != NULL ? finding_printf("%s sets it at run time, "
		    "after the files are applied; tcpadvise leaves the key to it. "
		    "The profile accepts both values, so neither needs undoing.",
		    k->author) :
		    strdup("Something changed the value at run time (sysctl -w, "
		    "`sysctl -p` of a single file, a configuration agent) or a file "
		    "was edited and not applied. The profile accepts both values, so "
		    "neither needs undoing."), NULL, &f) < 0)
			return -ENOMEM;
		f.needs_live = true;
		if (finish(x, &f) < 0)
			return -ENOMEM;
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
eval_overridden(struct pol *x)
{
	const struct snapshot *s = x->s;
	const struct sysctld_config *c = s->config;

	for (size_t i = 0; i < x->p->nrules; i++) {
		const struct rule *r = &x->p->rules[i];
		const struct snapshot_key *k = key_of(s, r->key);
		const struct sysctld_line *win = persisted_line(s, k);
		const char *winfile;

		if (win == NULL || rules_cond_holds(&r->when, s, VIEW_PERSISTED))
			continue;
		winfile = sysctld_line_file(c, win);
		for (size_t fi = 0; fi < c->nfiles; fi++) {
			const struct sysctld_file *file = &c->files[fi];

			if (!sysctld_applier_reads(s->boot, file) || repeated_file(c, fi))
				continue;
			for (size_t li = 0; li < file->nlines; li++) {
				const struct sysctld_line *l = &file->lines[li];
				struct ctx cx = { s, VIEW_PERSISTED, r->key, NULL };
				struct value v;
				struct finding f;
				const char *err;
				bool dup = false;

				if (!is_assignment(l) || strcmp(l->key, r->key->name) != 0 ||
				    (l->lineno == win->lineno &&
				    strcmp(file->target, winfile) == 0))
					continue;
				if (value_parse_kernel(l->value, r->key->shape,
				    r->key->nfields, &v, &err) < 0)
					continue;
				cx.oval = &v;
				if (!holds(&r->when, &cx))
					continue;
				for (size_t j = 0; j < x->ret->n && !dup; j++)
					dup = strcmp(x->ret->items[j].id, "TA-C005") == 0 &&
					    x->ret->items[j].line == l->lineno &&
					    strcmp(x->ret->items[j].file, file->target) == 0;
				if (dup)
					continue;
				finding_start(&f, "TA-C005", SEV_INFO, KIND_HAZARD,
				    finding_printf("%s:%u sets '%s = %s', which %s flags (%s), "
				    "but %s:%u overrides it", file->target, l->lineno,
				    r->key->name, l->value, r->id, r->title, winfile,
				    win->lineno));
				f.key = strdup(r->key->name);
				if (x->live && k->status == LIVE_OK)
					f.live = strdup(k->live);
				f.persisted = strdup(l->value);
				f.file = strdup(file->target);
				f.line = l->lineno;
				f.reason = finding_printf("The line has no effect while the later "
				    "one stays; remove that one, or rename a file, and this "
				    "value applies again. %s: %s", r->id, r->reason);
				f.source = xstrdup(r->source);
				if (f.key == NULL || f.persisted == NULL || f.file == NULL ||
				    remedy_disable_line(&x->rx, l, NULL, &f.remedy) < 0) {
					finding_clear(&f);
					return -ENOMEM;
				}
				if (finish(x, &f) < 0)
					return -ENOMEM;
			}
		}
	}
	return 0;
}

/*
 * Keys of tcpadvise's fragment that a later line overrides with a value
 * no finding objects to (TA-S<id>, info): the fragment's line does nothing
 * for them. A value that fails the profile is a deviation or hazard with
 * its own remedy instead.
 */
static int
eval_shadowed(struct pol *x)
{
	const struct snapshot *s = x->s;
	const struct sysctld_config *c = s->config;

	for (size_t fi = 0; fi < c->nfiles; fi++)
		for (size_t li = 0; li < c->files[fi].nlines; li++) {
			const struct sysctld_line *ours = &c->files[fi].lines[li];
			const struct catalog_entry *e;
			const struct sysctld_line *over = NULL;
			struct finding f;

			if (!is_assignment(ours) || !remedy_in_fragment(c, x->rx.fragment, ours) ||
			    (e = catalog_lookup(ours->key)) == NULL ||
			    judged(x->ret, e->name))
				continue;
			for (size_t gi = 0; gi < c->nfiles; gi++)
				for (size_t gj = 0; gj < c->files[gi].nlines; gj++) {
					const struct sysctld_line *l = &c->files[gi].lines[gj];

					if (is_assignment(l) && strcmp(l->key, e->name) == 0 &&
					    (remedy_after_fragment(c, s->boot, x->rx.fragment, l)) &&
					    !same_value(e, l->value, ours->value))
						over = l;
				}
			if (over == NULL)
				continue;
			if (push_key_finding(x, key_of(s, e), "S", SEV_INFO, KIND_SHADOWED,
			    finding_printf("%s:%u sets '%s = %s' after %s:%u, with a value "
			    "the profile accepts: the fragment's line does nothing",
			    sysctld_line_file(c, over), over->lineno, e->name, over->value,
			    c->files[fi].target, ours->lineno),
			    strdup("A later file wins at boot: files are read in the byte "
			    "order of their names across /etc, /run, /usr/local/lib and "
			    "/usr/lib/sysctl.d, and procps reads /etc/sysctl.conf last of "
			    "all."), strdup("sysctl.d(5); procps sysctl(8) --system"),
			    &f) < 0)
				return -ENOMEM;
			if (place_at(&f, s, over, (e->flags & CATALOG_SECRET) != 0) < 0) {
				finding_clear(&f);
				return -ENOMEM;
			}
			if (finish(x, &f) < 0)
				return -ENOMEM;
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
	if ((r = strcmp(x->key ? x->key : "", y->key ? y->key : "")) != 0)
		return r;
	if ((r = strcmp(x->file ? x->file : "", y->file ? y->file : "")) != 0)
		return r;
	return x->line < y->line ? -1 : x->line > y->line;
}

void
findings_sort(struct findings *f)
{
	if (f->n > 1)
		qsort(f->items, f->n, sizeof f->items[0], cmp_finding);
}

/*
 * --all-netns judges global keys once, in the host's namespace: drop the
 * findings from items[first] on that are about one key and that key is
 * global (a child namespace cannot read or set it anyway).
 */
static void
drop_global(struct findings *f, size_t first)
{
	size_t w = first;

	for (size_t i = first; i < f->n; i++) {
		const struct catalog_entry *e = f->items[i].key != NULL ?
		    catalog_lookup(f->items[i].key) : NULL;

		if (e != NULL && e->scope != SCOPE_NETNS) {
			f->count[f->items[i].severity]--;
			finding_clear(&f->items[i]);
			continue;
		}
		f->items[w++] = f->items[i];
	}
	f->n = w;
}

int
rules_eval(const struct profile *p, const struct snapshot *s,
    const struct policy_opts *opts, struct findings *ret)
{
	struct pol x;
	size_t first;
	int r;

	x.p = p;
	x.s = s;
	x.rx.s = s;
	x.rx.fragment = opts != NULL && opts->fragment != NULL ? opts->fragment :
	    FRAGMENT_DEFAULT;
	x.live = !s->files_only;
	x.ret = ret;
	first = ret->n;
	if ((r = eval_rules(&x)) < 0 ||
	    (r = eval_settings(&x)) < 0 ||
	    (r = eval_lines(&x)) < 0 ||
	    (r = eval_hidden(&x)) < 0 ||
	    (r = eval_duplicates(&x)) < 0 ||
	    (r = eval_overridden(&x)) < 0 ||
	    (r = eval_files(&x)) < 0 ||
	    (r = eval_divergence_drift(&x)) < 0 ||
	    (r = eval_shadowed(&x)) < 0 ||
	    (r = ifconf_eval(p, s, x.rx.fragment, ret)) < 0)
		return r;
	if (opts != NULL && opts->global_elsewhere && s->netns_child)
		drop_global(ret, first);
	findings_sort(ret);
	return 0;
}
