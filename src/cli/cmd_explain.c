/*
 * cmd_explain: `tcpadvise explain KEY|FINDING-ID`.
 *
 * For a key: what it does, the value the kernel accepts and what is sane,
 * its default on this kernel and how that changed, its namespace scope, the
 * live and persisted values here, the hazard rules about it and what every
 * profile wants of it and why. For a finding ID: what it means, its
 * severity, the condition and the reason. Reading the live system is best
 * effort: explain works without /proc (it says so).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "escape.h"
#include "registry.h"
#include "procfs.h"
#include "rules.h"
#include "snapshot.h"

/* All profiles that can be named, loaded and resolved. */
struct loaded {
	struct profile **p;
	size_t n;
};

static void
loaded_free(struct loaded *l)
{
	for (size_t i = 0; i < l->n; i++)
		profile_free(l->p[i]);
	free(l->p);
	l->p = NULL;
	l->n = 0;
}

static int
load_all(const struct options *o, struct loaded *ret)
{
	struct profile_search search = cmd_search(o);
	struct diag_list d = DIAG_LIST_INIT;
	struct profile_info *info = NULL;
	size_t n = 0;
	int status = TA_EXIT_OK;

	if (profile_list(&search, &info, &n, &d) < 0) {
		cmd_error(o, "out of memory");
		diag_list_clear(&d);
		return TA_EXIT_SYSTEM;
	}
	diag_list_clear(&d);	/* broken profiles are `check`'s business */
	if ((ret->p = calloc(n ? n : 1, sizeof *ret->p)) == NULL) {
		cmd_error(o, "out of memory");
		profile_info_free(info, n);
		return TA_EXIT_SYSTEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct profile *p = NULL;

		if (profile_load(info[i].name, &search, &p, &d) == 0)
			ret->p[ret->n++] = p;
		diag_list_clear(&d);
	}
	/* An explicitly named --profile file is explained too. */
	if (o->profile != NULL) {
		struct profile *p = NULL;
		bool have = false;

		status = cmd_load_profile(o, o->profile, &p);
		for (size_t i = 0; p != NULL && i < ret->n && !have; i++)
			have = strcmp(ret->p[i]->name, p->name) == 0 &&
			    strcmp(ret->p[i]->origin, p->origin) == 0;
		if (p != NULL && !have) {
			struct profile **np = realloc(ret->p, (ret->n + 1) * sizeof *np);

			if (np == NULL) {
				cmd_error(o, "out of memory");
				profile_free(p);
				status = TA_EXIT_SYSTEM;
			} else {
				ret->p = np;
				ret->p[ret->n++] = p;
			}
		} else
			profile_free(p);
	}
	profile_info_free(info, n);
	return status;
}

/* Print "label: text" with the text wrapped under itself; an empty label
   gives a paragraph indented by two. */
static void
field(const char *label, const char *text)
{
	int start = *label ? printf("  %-11s", label) : printf("  ");

	report_wrap(stdout, text, start, start, 78);
}

static void
explain_rule(const struct rule *r, const struct loaded *all)
{
	char *cond = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&cond, &len);
	char profiles[512] = "";
	size_t pl = 0;

	if (m != NULL) {
		cond_describe(m, &r->when);
		fclose(m);
	}
	for (size_t i = 0; i < all->n; i++)
		if (profile_rule(all->p[i], r->id) != NULL) {
			int w = snprintf(profiles + pl, sizeof profiles - pl, "%s%s",
			    pl ? ", " : "", all->p[i]->name);

			if (w > 0 && (size_t)w < sizeof profiles - pl)
				pl += (size_t)w;
		}
	printf("%s  %s, hazard rule about %s\n", r->id, severity_name(r->severity),
	    r->key->name);
	field("", r->title);
	field("when:", cond ? cond : "?");
	field("why:", r->reason);
	field("source:", r->source);
	field("profiles:", profiles);
	free(cond);
}

/*
 * A finding ID: a hazard rule from the profiles, anything else from the
 * registry of IDs; a per-key family also names its key.
 */
static int
explain_id(const struct options *o, const char *id, const struct loaded *all)
{
	const struct finding_id *e = registry_lookup(id);
	const struct catalog_entry *k = NULL;
	char head[160];

	if (e == NULL) {
		cmd_error(o, "unknown finding ID '%s'", id);
		return TA_EXIT_USAGE;
	}
	if (strcmp(e->id, "TA-H") == 0) {
		for (size_t i = 0; i < all->n; i++) {
			const struct rule *r = profile_rule(all->p[i], id);

			if (r != NULL) {
				explain_rule(r, all);
				return TA_EXIT_OK;
			}
		}
		cmd_error(o, "unknown finding ID '%s': no profile has such a rule", id);
		return TA_EXIT_USAGE;
	}
	if (e->family) {
		/* Three digits (the registry checked they are digits): the
		   catalog id of the key. */
		if (strlen(id) != 7 || (k = catalog_lookup_id((unsigned)(id[4] - '0') *
		    100 + (unsigned)(id[5] - '0') * 10 + (unsigned)(id[6] - '0'))) == NULL) {
			cmd_error(o, "unknown finding ID '%s': no key has the catalog id %s",
			    id, id + 4);
			return TA_EXIT_USAGE;
		}
		printf("%s  about %s\n", id, k->name);
	} else
		printf("%s\n", id);
	field("", e->title);
	snprintf(head, sizeof head, "%s%s; kind: %s", e->varies ? "usually " : "",
	    severity_name(e->severity), finding_kind_name(e->kind));
	field("severity:", head);
	field("", e->explanation);
	if (k != NULL)
		printf("  see: tcpadvise explain %s\n", k->name);
	return TA_EXIT_OK;
}

/* Why the catalog cannot name this key's default on this host. */
static const char *
default_reason(const struct catalog_entry *e)
{
	switch (e->default_kind) {
	case DEFAULT_INIT_NET:
		return "copied from the init network namespace";
	case DEFAULT_BOOT:
		return "computed from memory at boot";
	case DEFAULT_CT_BUCKETS:
		return "derived from the memory size when connection tracking starts";
	case DEFAULT_CT_MAX:
		return "derived from nf_conntrack_buckets";
	case DEFAULT_CONFIG:
		return "a kernel build option";
	case DEFAULT_RANDOM:
		return "random";
	case DEFAULT_EHASH_HALF:
	case DEFAULT_EHASH_SYNQ:
		return "depends on the TCP hash table size";
	case DEFAULT_FIXED:
	case DEFAULT_NONE:
		break;
	}
	return "none on this kernel";
}

static void
explain_values(const struct options *o, const struct catalog_entry *e)
{
	struct snapshot *s = NULL;
	const struct snapshot_key *k;
	char buf[512], dflt[VALUE_STR_MAX];
	int r;

	r = cmd_snapshot(o, &s);
	if (r < 0) {
		snprintf(buf, sizeof buf, "not available (%s)", r == -ENOENT ?
		    "no /proc/sys/net here" : r == -ENODATA || r == -ENOTUNIQ ?
		    "an image without /proc; --kernel says which release" :
		    strerror(-r));
		field("live:", buf);
		return;
	}
	k = snapshot_key(s, e->name);
	if (k != NULL && k->has_default &&
	    !(catalog_default_basis(e) == BASIS_RELEASE && e->default_kind == DEFAULT_INIT_NET)) {
		char how[96] = "";

		switch (catalog_default_basis(e)) {
		case BASIS_BUILD:
			snprintf(how, sizeof how, " (the kernel build's default)");
			break;
		case BASIS_MEMORY:
			snprintf(how, sizeof how, " (computed from %.1f GiB of memory)",
			    (double)s->host.mem_bytes / (1 << 30));
			break;
		case BASIS_HASH:
			snprintf(how, sizeof how, " (computed from %lld TCP hash buckets%s)",
			    s->host.ehash_entries, s->ehash_from_memory ?
			    ", as the kernel sizes them for --memory" : "");
			break;
		case BASIS_RELEASE:
		case BASIS_NONE:
			break;
		}
		snprintf(buf, sizeof buf, "%s on Linux %s%s", k->dflt, s->kernel_release,
		    how);
	} else if (catalog_boot_value(e, &s->host, dflt, sizeof dflt) == 0)
		snprintf(buf, sizeof buf, "%s at boot on Linux %s; a new network "
		    "namespace copies the host's value", dflt, s->kernel_release);
	else if (catalog_default(e, &s->host, dflt, sizeof dflt) == 0)
		snprintf(buf, sizeof buf, "%s on Linux %s", dflt, s->kernel_release);
	else
		snprintf(buf, sizeof buf, "not known here (%s)", default_reason(e));
	field("default:", buf);
	if (k->status == LIVE_OK)
		field("live:", (e->flags & CATALOG_SECRET) ? "(secret, not shown)" : k->live);
	else
		field("live:", snapshot_status_text(k, buf, sizeof buf));
	for (int a = APPLIER_PROCPS; a <= APPLIER_SYSTEMD; a++) {
		const struct sysctld_effect *eff = &k->eff[a];
		const char *label = a == APPLIER_PROCPS ? "procps:" : "systemd:";

		if (eff->line == NULL)
			snprintf(buf, sizeof buf, "not set by any file%s",
			    s->boot == (enum sysctld_applier)a ? " (boot applier)" : "");
		else if (eff->excluded)
			snprintf(buf, sizeof buf, "excluded at %s:%u%s",
			    sysctld_line_file(s->config, eff->line), eff->line->lineno,
			    s->boot == (enum sysctld_applier)a ? " (boot applier)" : "");
		else
			snprintf(buf, sizeof buf, "%s (%s:%u)%s", (e->flags & CATALOG_SECRET) ?
			    "(secret)" : eff->line->value,
			    sysctld_line_file(s->config, eff->line), eff->line->lineno,
			    s->boot == (enum sysctld_applier)a ? " (boot applier)" : "");
		field(label, buf);
	}
	snapshot_free(s);
}

static void
explain_key(const struct options *o, const struct catalog_entry *e,
    const struct loaded *all)
{
	char buf[512];
	size_t len = 0;
	bool any;

	printf("%s\n", e->name);
	field("", e->description);
	if (e->shape == SHAPE_INT || e->shape == SHAPE_VECTOR)
		snprintf(buf, sizeof buf, "%s%s%s; the kernel accepts %lld to %lld, sane "
		    "is %lld to %lld%s", catalog_shape_name(e), e->unit ? ", " : "",
		    e->unit ? e->unit : "", e->kmin, e->kmax, e->smin, e->smax,
		    e->nfields > 1 ? " (each field)" : "");
	else
		snprintf(buf, sizeof buf, "%s", catalog_shape_name(e));
	field("value:", buf);
	buf[0] = '\0';
	for (const struct catalog_default *d = e->defaults; d && d->since; d++) {
		int w = snprintf(buf + len, sizeof buf - len, "%s%s from %s",
		    len ? ", " : "", d->value, d->since);

		if (w > 0 && (size_t)w < sizeof buf - len)
			len += (size_t)w;
	}
	if (len > 0)
		field("history:", buf);
	if (e->scope == SCOPE_NETNS)
		snprintf(buf, sizeof buf, "per network namespace%s%s",
		    e->netns_since ? " since " : "", e->netns_since ? e->netns_since : "");
	else
		snprintf(buf, sizeof buf, "%s: set on the host, not in a container",
		    catalog_scope_name(e->scope));
	field("scope:", buf);
	snprintf(buf, sizeof buf, "since %s%s%s%s%s", e->since ? e->since : "?",
	    e->removed ? ", removed in " : "", e->removed ? e->removed : "",
	    (e->flags & CATALOG_NOOP) ? "; has no effect any more" : "",
	    (e->flags & CATALOG_MODULE) ? "; exists only while its module is loaded" : "");
	field("kernels:", buf);
	explain_values(o, e);

	any = false;
	for (size_t i = 0; i < all->n; i++)
		for (size_t j = 0; j < all->p[i]->nrules; j++) {
			const struct rule *r = &all->p[i]->rules[j];
			bool earlier = false;

			if (r->key != e)
				continue;
			/* A rule inherited by several profiles is shown once. */
			for (size_t k = 0; k < i && !earlier; k++)
				earlier = profile_rule(all->p[k], r->id) != NULL &&
				    profile_rule(all->p[k], r->id)->key == e;
			if (earlier)
				continue;
			if (!any)
				printf("\nhazards:\n");
			any = true;
			explain_rule(r, all);
		}
	any = false;
	for (size_t i = 0; i < all->n; i++) {
		const struct setting *st = profile_setting(all->p[i], e->name);
		char want[256], apply[VALUE_STR_MAX] = "-";

		if (st == NULL)
			continue;
		if (!any)
			printf("\nprofiles:\n");
		any = true;
		setting_describe(st, want, sizeof want);
		if (st->has_apply)
			value_format(&st->apply, apply, sizeof apply);
		if (strcmp(st->profile, all->p[i]->name) != 0) {
			/* Inherited: its reason stands under the profile that
			   defines it. */
			term_printf(stdout, "  %-10s the same, from %s", all->p[i]->name,
			    st->profile);
			putchar('\n');
			continue;
		}
		term_printf(stdout, "  %-10s wants %s (%s); apply writes %s",
		    all->p[i]->name, want, severity_name(st->severity),
		    st->has_apply ? apply : "nothing");
		putchar('\n');
		field("why:", st->reason);
		field("source:", st->source);
	}
	if (!any)
		printf("\nprofiles: none sets it\n");
}

/* Accept the dotted or path form, or a bare last component. */
static const struct catalog_entry *
resolve_key(const char *arg, const char **ret_suggest)
{
	const struct catalog_entry *e;
	char norm[SYSCTL_KEY_MAX];
	const char *s;

	*ret_suggest = NULL;
	if ((e = catalog_lookup(arg)) != NULL)
		return e;
	if (sysctl_key_normalize(arg, norm, sizeof norm) == 0 &&
	    (e = catalog_lookup(norm)) != NULL)
		return e;
	s = catalog_suggest(arg);
	if (s != NULL && strchr(arg, '.') == NULL && strchr(arg, '/') == NULL) {
		size_t ls = strlen(s), la = strlen(arg);

		if (ls > la && s[ls - la - 1] == '.' && strcmp(s + ls - la, arg) == 0)
			return catalog_lookup(s);
	}
	*ret_suggest = s;
	return NULL;
}

int
cmd_explain(const struct options *o)
{
	struct loaded all = { NULL, 0 };
	const char *arg = o->args[0], *sugg;
	const struct catalog_entry *e;
	int status;

	status = load_all(o, &all);
	if (status != TA_EXIT_OK)
		goto out;
	if (strncmp(arg, "TA-", 3) == 0) {
		status = explain_id(o, arg, &all);
		goto out;
	}
	if ((e = resolve_key(arg, &sugg)) == NULL) {
		if (sugg != NULL)
			cmd_error(o, "unknown sysctl '%s' (did you mean '%s'?)", arg, sugg);
		else
			cmd_error(o, "unknown sysctl '%s'", arg);
		status = TA_EXIT_USAGE;
		goto out;
	}
	explain_key(o, e, &all);
out:
	loaded_free(&all);
	return status;
}
