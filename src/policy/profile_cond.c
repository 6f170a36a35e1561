/*
 * profile_cond.c: the `when` conditions of rules (tcpadvise-profile(5),
 * CONDITIONS): key, kernel and netns tests, combined with all, any and
 * not, checked into struct cond. Part of stage 2 (see profile_int.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "profile_int.h"
#include "suggest.h"

/* X.Y or X.Y.Z, digits only: the form a profile may write a release in. */
static bool
valid_release(const char *s)
{
	unsigned parts = 0;

	for (;;) {
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		parts++;
		if (*s == '\0')
			return parts >= 2;
		if (*s != '.' || parts == 3)
			return false;
		s++;
	}
}

static bool
want_bool(struct ctx *c, const struct ynode *n, const char *field, bool *ret)
{
	const char *s = pf_want_scalar(c, n, field);
	char b[SHOW_BUF];

	if (s == NULL)
		return false;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*ret = s[0] == 't';
		return true;
	}
	pf_report(c, n, "invalid boolean '%s' for '%s' (expected true or false)",
	    pf_show(s, b, sizeof b), field);
	return false;
}


enum {
	CF_ALL, CF_ANY, CF_NOT, CF_KEY, CF_KERNEL, CF_NETNS, CF_HOST,	/* selectors */
	CF_FIELD,
	CF_EQ, CF_NE, CF_LT, CF_LE, CF_GT, CF_GE, CF_IN, CF_NOT_IN,	/* operators */
	CF_PRESENT, CF_ORDERED, CF_PARITY, CF_AVAILABLE, CF_ALLOWED, CF_CONFIGURED,
	CF_N
};

static const char *const cond_fields[CF_N] = {
	"all", "any", "not", "key", "kernel", "netns", "host", "field",
	"eq", "ne", "lt", "le", "gt", "ge", "in", "not-in",
	"present", "ordered", "parity", "available", "allowed", "configured",
};

/* CF_EQ.. in the order of enum cond_op. */
static const enum cond_op cf_ops[] = {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOT_IN,
	OP_PRESENT, OP_ORDERED, OP_PARITY, OP_AVAILABLE, OP_ALLOWED, OP_CONFIGURED,
};

/* The keys whose value names something the kernel may lack. */
static bool
names_module(const struct catalog_entry *e)
{
	return strcmp(e->name, "net.ipv4.tcp_congestion_control") == 0 ||
	    strcmp(e->name, "net.core.default_qdisc") == 0;
}

static const char *const kernel_ops[] = { "eq", "ne", "lt", "le", "gt", "ge" };

static const char *const operand_fields[] = {
	"key", "field", "percent-of-default", "memory", "plus",
};

/* `field: N` of a vector key e, 1-based. */
static bool
want_field(struct ctx *c, const struct ynode *n, const struct catalog_entry *e,
    unsigned *ret)
{
	const char *s = pf_want_scalar(c, n, "field");
	char b[SHOW_BUF], kb[SHOW_BUF];
	long long v;
	int r;

	if (s == NULL)
		return false;
	pf_show(e->name, kb, sizeof kb);
	if (e->shape != SHAPE_VECTOR) {
		pf_report(c, n, "'field' needs a vector key: '%s' is %s", kb,
		    catalog_shape_name(e));
		return false;
	}
	r = parse_ll(s, LLONG_MIN, LLONG_MAX, &v, NULL);
	if (r == 0 && (v < 1 || v > (long long)e->nfields))
		r = -ERANGE;
	if (r == -ERANGE) {
		pf_report(c, n, "field '%s' for '%s' is out of range: must be between 1 "
		    "and %u", pf_show(s, b, sizeof b), kb, e->nfields);
		return false;
	}
	if (r < 0) {
		pf_report(c, n, "field '%s' for '%s' is invalid: expected an integer",
		    pf_show(s, b, sizeof b), kb);
		return false;
	}
	*ret = (unsigned)v;
	return true;
}

/* What one side of a comparison is, for messages. */
static const char *
side_name(const struct catalog_entry *e, unsigned field)
{
	struct catalog_entry fe = *e;

	if (field == 0)
		return catalog_shape_name(e);
	fe.shape = SHAPE_INT;
	fe.nfields = 1;
	return catalog_shape_name(&fe);
}

/* The operand of eq..ge: a value, `default`, or {key: K, field: N}. */
static bool
want_operand(struct ctx *c, const struct ynode *n, const char *op,
    const struct catalog_entry *e, unsigned field, struct operand *ret)
{
	memset(ret, 0, sizeof *ret);
	if (n->type == Y_SCALAR && strcmp(n->text, "default") == 0) {
		ret->kind = OPERAND_DEFAULT;
		return true;
	}
	if (n->type == Y_MAP) {
		const struct ynode *f[5], *fk[5];
		const struct catalog_entry *k2;
		bool lhs_int = e->shape == SHAPE_INT || field > 0, rhs_int;
		char a[SHOW_BUF], b[SHOW_BUF];

		pf_get_fields(c, n, operand_fields, 5, "in operand", f, fk);
		if ((f[0] != NULL) + (f[2] != NULL) + (f[3] != NULL) != 1 ||
		    ((f[1] != NULL || f[4] != NULL) && f[0] == NULL)) {
			pf_report(c, n, "operand must have exactly one of 'key' (with "
			    "'field' and 'plus'), 'percent-of-default' or 'memory'");
			return false;
		}
		if (f[2] != NULL || f[3] != NULL) {
			if (!lhs_int) {
				pf_report(c, n, "'%s' needs an integer key or a field: '%s' is %s",
				    f[2] != NULL ? "percent-of-default" : "memory",
				    pf_show(e->name, a, sizeof a), side_name(e, field));
				return false;
			}
			if (f[2] != NULL) {
				const char *t = pf_want_scalar(c, f[2], "percent-of-default");

				ret->kind = OPERAND_DEFAULT_PERCENT;
				if (t == NULL)
					return false;
				if (parse_ll(t, 1, 1000, &ret->percent, NULL) < 0) {
					pf_report(c, f[2], "invalid percent-of-default '%s' "
					    "(expected 1 to 1000)", pf_show(t, a, sizeof a));
					return false;
				}
				return true;
			}
			ret->kind = OPERAND_MEMORY;
			if (pf_want_scalar(c, f[3], "memory") == NULL)
				return false;
			if (strcmp(f[3]->text, "pages") != 0 &&
			    strcmp(f[3]->text, "bytes") != 0) {
				pf_report(c, f[3], "invalid memory unit '%s' (expected pages "
				    "or bytes)", pf_show(f[3]->text, a, sizeof a));
				return false;
			}
			ret->pages = f[3]->text[0] == 'p';
			return true;
		}
		if ((k2 = pf_want_key(c, f[0], "key")) == NULL)
			return false;
		ret->kind = OPERAND_KEY;
		ret->key = k2;
		if (f[1] != NULL && !want_field(c, f[1], k2, &ret->field))
			return false;
		rhs_int = k2->shape == SHAPE_INT || ret->field > 0;
		if (lhs_int ? !rhs_int : (ret->field > 0 || k2->shape != e->shape ||
		    k2->nfields != e->nfields)) {
			pf_report(c, n, "cannot compare '%s' with '%s' (%s and %s)",
			    pf_show(e->name, a, sizeof a), pf_show(k2->name, b, sizeof b),
			    side_name(e, field), side_name(k2, ret->field));
			return false;
		}
		if (f[4] != NULL) {
			const char *t = pf_want_scalar(c, f[4], "plus");

			if (t == NULL)
				return false;
			if (!lhs_int) {
				pf_report(c, fk[4], "'plus' needs integers on both sides: "
				    "'%s' is %s", pf_show(e->name, a, sizeof a),
				    side_name(e, field));
				return false;
			}
			if (parse_ll(t, -(1LL << 40), 1LL << 40, &ret->plus, NULL) < 0) {
				pf_report(c, f[4], "invalid plus '%s' (expected an integer)",
				    pf_show(t, a, sizeof a));
				return false;
			}
		}
		return true;
	}
	ret->kind = OPERAND_VALUE;
	return pf_want_value(c, e, field, n, op, 0, &ret->value, NULL);
}

static bool
check_key_cond(struct ctx *c, const struct ynode *n, const struct ynode **f,
    const struct ynode **fk, struct cond *ret)
{
	const struct catalog_entry *e;
	const struct ynode *opn = NULL, *opk = NULL;
	const char *opname = NULL;
	char kb[SHOW_BUF], b[SHOW_BUF];
	unsigned nops = 0;
	bool ok = true;

	ret->type = COND_KEY;
	for (int i = CF_EQ; i < CF_N; i++)
		if (f[i] != NULL) {
			if (nops++ == 0) {
				opn = f[i];
				opk = fk[i];
				opname = cond_fields[i];
				ret->op = cf_ops[i - CF_EQ];
			}
		}
	e = pf_want_key(c, f[CF_KEY], "key");
	if (e == NULL)
		ok = false;
	else
		pf_show(e->name, kb, sizeof kb);
	if (nops != 1) {
		pf_report(c, n, "condition on '%s' must have exactly one of eq, ne, lt, "
		    "le, gt, ge, in, not-in, present, ordered, parity, available, "
		    "allowed, configured",
		    pf_show(f[CF_KEY]->type == Y_SCALAR ? f[CF_KEY]->text : "?", b,
		    sizeof b));
		return false;
	}
	if (e == NULL)
		return false;
	ret->key = e;
	if (f[CF_FIELD] != NULL) {
		if (ret->op == OP_PRESENT || ret->op == OP_ORDERED ||
		    ret->op == OP_PARITY || ret->op == OP_AVAILABLE ||
		    ret->op == OP_ALLOWED || ret->op == OP_CONFIGURED) {
			pf_report(c, fk[CF_FIELD], "'%s' cannot be combined with 'field'",
			    opname);
			return false;
		}
		if (!want_field(c, f[CF_FIELD], e, &ret->field))
			return false;
	}
	switch (ret->op) {
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		if (e->shape != SHAPE_INT && ret->field == 0) {
			pf_report(c, opk, "'%s' needs an integer key or a vector key with "
			    "'field': '%s' is %s", opname, kb, catalog_shape_name(e));
			return false;
		}
		/* fall through */
	case OP_EQ:
	case OP_NE:
		return want_operand(c, opn, opname, e, ret->field, &ret->operand);
	case OP_IN:
	case OP_NOT_IN:
		if (!pf_want_type(c, opn, Y_SEQ, opname))
			return false;
		if (opn->n == 0) {
			pf_report(c, opn, "'%s' must not be empty", opname);
			return false;
		}
		if ((ret->set = calloc(opn->n, sizeof *ret->set)) == NULL) {
			c->err = -ENOMEM;
			return false;
		}
		for (const struct ynode *it = opn->head; it != NULL; it = it->next) {
			if (pf_want_value(c, e, ret->field, it, opname, 0,
			    &ret->set[ret->nset], NULL))
				ret->nset++;
			else
				ok = false;
		}
		return ok;
	case OP_PRESENT:
	case OP_CONFIGURED:
		return want_bool(c, opn, opname, &ret->flag);
	case OP_ORDERED:
		if (e->shape != SHAPE_VECTOR) {
			pf_report(c, opk, "'ordered' needs a vector key: '%s' is %s", kb,
			    catalog_shape_name(e));
			return false;
		}
		return want_bool(c, opn, opname, &ret->flag);
	case OP_PARITY:
		if (e->shape != SHAPE_VECTOR || e->nfields != 2) {
			pf_report(c, opk, "'parity' needs a vector of 2 integers: '%s' is %s",
			    kb, catalog_shape_name(e));
			return false;
		}
		if (pf_want_scalar(c, opn, opname) == NULL)
			return false;
		if (strcmp(opn->text, "same") == 0 || strcmp(opn->text, "different") == 0) {
			ret->flag = opn->text[0] == 's';
			return true;
		}
		pf_report(c, opn, "invalid parity '%s' (expected same or different)",
		    pf_show(opn->text, b, sizeof b));
		return false;
	case OP_AVAILABLE:
	case OP_ALLOWED:
		if (!names_module(e) || (ret->op == OP_ALLOWED &&
		    strcmp(e->name, "net.ipv4.tcp_congestion_control") != 0)) {
			pf_report(c, opk, "'%s' needs %s: '%s' is not", opname,
			    ret->op == OP_ALLOWED ? "net.ipv4.tcp_congestion_control" :
			    "net.ipv4.tcp_congestion_control or net.core.default_qdisc",
			    kb);
			return false;
		}
		return want_bool(c, opn, opname, &ret->flag);
	}
	return false;
}

/*
 * host: container | multihomed | guest-networks, or a mapping with one of
 * module: NAME, memory-mib: {op: N}, cpus: {op: N}.
 */
static bool
check_host_cond(struct ctx *c, const struct ynode *n, struct cond *ret)
{
	static const char *const flags[] = {
		"container", "multihomed", "guest-networks", "kubernetes", "slaac",
		"single-homed",
	};
	static const char *const facts[] = { "module", "memory-mib", "cpus" };
	char b[SHOW_BUF], dym[SUGGEST_WORD_MAX + 32];
	const struct ynode *k, *v;
	size_t i;

	ret->type = COND_HOST;
	if (n->type == Y_SCALAR) {
		for (i = 0; i < 6; i++)
			if (strcmp(n->text, flags[i]) == 0) {
				ret->htest = (enum host_test)i;	/* HT_CONTAINER.. in order */
				return true;
			}
		pf_report(c, n, "unknown host fact '%s' (expected container, multihomed, "
		    "guest-networks, kubernetes, slaac, single-homed, or a mapping with "
		    "module, memory-mib or cpus)%s", pf_show(n->text, b, sizeof b),
		    pf_did_you_mean(suggest_best(n->text, flags, 6, 1), dym, sizeof dym));
		return false;
	}
	if (!pf_want_type(c, n, Y_MAP, "host"))
		return false;
	if (n->n != 2) {
		pf_report(c, n, "'host' must name exactly one fact");
		return false;
	}
	k = n->head;
	v = k->next;
	for (i = 0; i < 3; i++)
		if (strcmp(k->text, facts[i]) == 0)
			break;
	if (i == 3) {
		pf_report(c, k, "unknown host fact '%s' (expected module, memory-mib or "
		    "cpus)%s", pf_show(k->text, b, sizeof b), pf_did_you_mean(
		    suggest_best(k->text, facts, 3, 1), dym, sizeof dym));
		return false;
	}
	if (i == 0) {
		ret->htest = HT_MODULE;
		if (pf_want_scalar(c, v, "module") == NULL)
			return false;
		if ((strncmp(v->text, "tcp_", 4) != 0 && strncmp(v->text, "sch_", 4) != 0) ||
		    strlen(v->text) > 36 || strlen(v->text) < 5) {
			pf_report(c, v, "invalid module '%s' (expected tcp_NAME for a "
			    "congestion control or sch_NAME for a qdisc)",
			    pf_show(v->text, b, sizeof b));
			return false;
		}
		if ((ret->hname = strdup(v->text)) == NULL) {
			c->err = -ENOMEM;
			return false;
		}
		return true;
	}
	ret->htest = i == 1 ? HT_MEMORY : HT_CPUS;
	if (!pf_want_type(c, v, Y_MAP, facts[i]))
		return false;
	if (v->n != 2) {
		pf_report(c, v, "'%s' must have exactly one of eq, ne, lt, le, gt, ge",
		    facts[i]);
		return false;
	}
	for (i = 0; i < 6; i++)
		if (strcmp(v->head->text, kernel_ops[i]) == 0)
			break;
	if (i == 6) {
		pf_report(c, v->head, "unknown operator '%s'%s", pf_show(v->head->text, b,
		    sizeof b), pf_did_you_mean(suggest_best(v->head->text, kernel_ops, 6, 1),
		    dym, sizeof dym));
		return false;
	}
	ret->hop = cf_ops[i];
	if (pf_want_scalar(c, v->head->next, kernel_ops[i]) == NULL)
		return false;
	if (parse_ll(v->head->next->text, 0, 1LL << 40, &ret->hnum, NULL) < 0) {
		pf_report(c, v->head->next, "invalid number '%s'", pf_show(v->head->next->text,
		    b, sizeof b));
		return false;
	}
	return true;
}

static bool
check_kernel_cond(struct ctx *c, const struct ynode *m, struct cond *ret)
{
	bool ok = true;

	ret->type = COND_KERNEL;
	if (!pf_want_type(c, m, Y_MAP, "kernel"))
		return false;
	if (m->n == 0) {
		pf_report(c, m, "'kernel' must not be empty");
		return false;
	}
	if ((ret->ktests = calloc(m->n / 2, sizeof *ret->ktests)) == NULL) {
		c->err = -ENOMEM;
		return false;
	}
	for (const struct ynode *k = m->head; k != NULL; k = k->next->next) {
		const struct ynode *v = k->next;
		struct kver_test *t = &ret->ktests[ret->nktests];
		char b[SHOW_BUF], dym[SUGGEST_WORD_MAX + 32];
		size_t i;

		for (i = 0; i < 6; i++)
			if (strcmp(k->text, kernel_ops[i]) == 0)
				break;
		if (i == 6) {
			pf_report(c, k, "unknown operator '%s' in kernel condition%s",
			    pf_show(k->text, b, sizeof b), pf_did_you_mean(suggest_best(k->text,
			    kernel_ops, 6, 1), dym, sizeof dym));
			ok = false;
			continue;
		}
		t->op = cf_ops[i];
		if (pf_want_scalar(c, v, kernel_ops[i]) == NULL) {
			ok = false;
			continue;
		}
		if (!valid_release(v->text) || kver_parse(v->text, &t->v) < 0) {
			pf_report(c, v, "invalid kernel release '%s' (expected X.Y or X.Y.Z)",
			    pf_show(v->text, b, sizeof b));
			ok = false;
			continue;
		}
		ret->nktests++;
	}
	return ok;
}

/*
 * A condition mapping (what names it in a type error: "'when'", "'not'" or
 * "condition"). Anything allocated into ret is released by cond_clear()
 * whatever the outcome.
 */
bool
pf_check_cond(struct ctx *c, const struct ynode *n, const char *what,
    struct cond *ret)
{
	const struct ynode *f[CF_N], *fk[CF_N];
	int sel = -1, nsel = 0;
	bool ok = true;
	char b[SHOW_BUF];

	ret->line = n->line;
	ret->col = n->col;
	if (n->type != Y_MAP) {
		if (n->type != Y_BAD)
			pf_report(c, n, "%s must be a mapping", what);
		return false;
	}
	pf_get_fields(c, n, cond_fields, CF_N, "in condition", f, fk);
	for (int i = CF_ALL; i <= CF_HOST; i++)
		if (f[i] != NULL) {
			nsel++;
			sel = i;
		}
	if (nsel != 1) {
		pf_report(c, n, "condition must have exactly one of all, any, not, key, "
		    "kernel, netns, host");
		return false;
	}
	if (sel != CF_KEY)
		for (int i = CF_FIELD; i < CF_N; i++)
			if (f[i] != NULL) {
				pf_report(c, fk[i], "'%s' can only be used with 'key'",
				    cond_fields[i]);
				ok = false;
			}
	switch (sel) {
	case CF_ALL:
	case CF_ANY:
		ret->type = sel == CF_ALL ? COND_ALL : COND_ANY;
		if (!pf_want_type(c, f[sel], Y_SEQ, cond_fields[sel]))
			return false;
		if (f[sel]->n == 0) {
			pf_report(c, f[sel], "'%s' must not be empty", cond_fields[sel]);
			return false;
		}
		if ((ret->children = calloc(f[sel]->n, sizeof *ret->children)) == NULL) {
			c->err = -ENOMEM;
			return false;
		}
		for (const struct ynode *it = f[sel]->head; it != NULL; it = it->next)
			if (!pf_check_cond(c, it, "condition",
			    &ret->children[ret->nchildren++]))
				ok = false;
		return ok;
	case CF_NOT:
		ret->type = COND_NOT;
		if ((ret->children = calloc(1, sizeof *ret->children)) == NULL) {
			c->err = -ENOMEM;
			return false;
		}
		ret->nchildren = 1;
		return pf_check_cond(c, f[CF_NOT], "'not'", &ret->children[0]) && ok;
	case CF_KERNEL:
		return check_kernel_cond(c, f[CF_KERNEL], ret) && ok;
	case CF_HOST:
		return check_host_cond(c, f[CF_HOST], ret) && ok;
	case CF_NETNS:
		ret->type = COND_NETNS;
		if (pf_want_scalar(c, f[CF_NETNS], "netns") == NULL)
			return false;
		if (strcmp(f[CF_NETNS]->text, "child") == 0)
			ret->netns_child = true;
		else if (strcmp(f[CF_NETNS]->text, "init") != 0) {
			pf_report(c, f[CF_NETNS], "invalid netns '%s' (expected child or init)",
			    pf_show(f[CF_NETNS]->text, b, sizeof b));
			return false;
		}
		return ok;
	default:
		return check_key_cond(c, n, f, fk, ret) && ok;
	}
}

static const char *
op_text(enum cond_op op)
{
	static const char *const ops[] = { "=", "!=", "<", "<=", ">", ">=" };

	return op <= OP_GE ? ops[op] : "?";
}

static void
value_text(FILE *f, const struct value *v)
{
	char buf[VALUE_STR_MAX];

	if (value_format(v, buf, sizeof buf) == 0)
		fprintf(f, "%s", buf);
}

/* The flag tests of a key, in words: what true and false say. */
static const struct {
	enum cond_op op;
	const char *yes, *no;
} flag_words[] = {
	{ OP_PRESENT, " is set", " is not set" },
	{ OP_ORDERED, " is in ascending order", " is not in ascending order" },
	{ OP_PARITY, " starts and ends with the same parity",
	  " starts and ends with different parity" },
	{ OP_CONFIGURED, " is set by a configuration file",
	  " is not set by any configuration file" },
	{ OP_AVAILABLE, " names something this kernel has",
	  " names something this kernel neither has built in nor can load" },
	{ OP_ALLOWED, " is allowed in this namespace",
	  " is not in the host's tcp_allowed_congestion_control (in a child namespace)" },
};

/* The facts of host tests without an operand, in words (by enum host_test). */
static const char *const host_words[] = {
	[HT_CONTAINER] = "running in a container",
	[HT_MULTIHOMED] = "the host has several uplinks or default routes",
	[HT_GUEST_NETWORKS] = "the host routes for containers or VMs",
	[HT_KUBERNETES] = "the host is a Kubernetes node",
	[HT_SLAAC] = "IPv6 is configured from router advertisements",
	[HT_SINGLE_HOMED] = "the host has one uplink and one default route",
};

void
cond_describe(FILE *f, const struct cond *c)
{
	switch (c->type) {
	case COND_ALL:
	case COND_ANY:
		if (c->nchildren > 1)
			fputc('(', f);
		for (size_t i = 0; i < c->nchildren; i++) {
			if (i > 0)
				fprintf(f, c->type == COND_ALL ? " and " : " or ");
			cond_describe(f, &c->children[i]);
		}
		if (c->nchildren > 1)
			fputc(')', f);
		return;
	case COND_NOT:
		fprintf(f, "not ");
		if (c->nchildren == 1)
			cond_describe(f, &c->children[0]);
		return;
	case COND_KERNEL:
		for (size_t i = 0; i < c->nktests; i++)
			fprintf(f, "%skernel %s %u.%u%s", i ? " and " : "",
			    op_text(c->ktests[i].op), c->ktests[i].v.major,
			    c->ktests[i].v.minor, "");
		return;
	case COND_NETNS:
		fprintf(f, "running in %s network namespace",
		    c->netns_child ? "a child (container)" : "the init");
		return;
	case COND_HOST:
		switch (c->htest) {
		case HT_CONTAINER:
		case HT_MULTIHOMED:
		case HT_GUEST_NETWORKS:
		case HT_KUBERNETES:
		case HT_SLAAC:
		case HT_SINGLE_HOMED:
			fputs(host_words[c->htest], f);
			break;
		case HT_MODULE:
			fprintf(f, "%s is built in or loadable", c->hname);
			break;
		case HT_MEMORY:
		case HT_CPUS:
			fprintf(f, "%s %s %lld", c->htest == HT_MEMORY ? "memory (MiB)" :
			    "online CPUs", op_text(c->hop), c->hnum);
			break;
		}
		return;
	case COND_KEY:
		break;
	}
	fprintf(f, "%s", c->key->name);
	if (c->field > 0)
		fprintf(f, "[field %u]", c->field);
	for (size_t i = 0; i < sizeof flag_words / sizeof flag_words[0]; i++)
		if (flag_words[i].op == c->op) {
			fputs(c->flag ? flag_words[i].yes : flag_words[i].no, f);
			return;
		}
	switch (c->op) {
	case OP_IN:
	case OP_NOT_IN:
		fprintf(f, c->op == OP_IN ? " in {" : " not in {");
		for (size_t i = 0; i < c->nset; i++) {
			fprintf(f, i ? ", " : "");
			value_text(f, &c->set[i]);
		}
		fputc('}', f);
		return;
	default:
		break;
	}
	fprintf(f, " %s ", op_text(c->op));
	switch (c->operand.kind) {
	case OPERAND_VALUE:
		value_text(f, &c->operand.value);
		break;
	case OPERAND_DEFAULT:
		fprintf(f, "the default");
		break;
	case OPERAND_KEY:
		fprintf(f, "%s", c->operand.key->name);
		if (c->operand.field > 0)
			fprintf(f, "[field %u]", c->operand.field);
		if (c->operand.plus != 0)
			fprintf(f, " %c %lld", c->operand.plus > 0 ? '+' : '-',
			    c->operand.plus > 0 ? c->operand.plus : -c->operand.plus);
		break;
	case OPERAND_DEFAULT_PERCENT:
		fprintf(f, "%lld%% of the default", c->operand.percent);
		break;
	case OPERAND_MEMORY:
		fprintf(f, "this host's memory in %s", c->operand.pages ? "pages" : "bytes");
		break;
	}
}
