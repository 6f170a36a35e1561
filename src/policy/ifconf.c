/*
 * ifconf: effective per-interface IPv4 conf values; see ifconf.h.
 *
 * The combinations are those of include/linux/inetdevice.h as of Linux
 * 6.18 (IN_DEV_MAXCONF, IN_DEV_ORCONF, IN_DEV_ANDCONF, IN_DEV_FORWARD and
 * IN_DEV_RX_REDIRECTS); they have not changed since 2.6.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "ifconf.h"
#include "procfs.h"

/* The settings a profile asks of conf.all that an interface can defeat. */
static const enum ifconf_param judged_params[] = {
	IFCONF_ACCEPT_REDIRECTS, IFCONF_ACCEPT_SOURCE_ROUTE, IFCONF_LOG_MARTIANS,
	IFCONF_RP_FILTER, IFCONF_SECURE_REDIRECTS, IFCONF_SEND_REDIRECTS,
};

#define IFCONF_WHY "apply sets conf.all and conf.default, not the keys of " \
	"one interface: set this one by hand"

long long
ifconf_effective(enum ifconf_param p, long long all, long long dev,
    bool forwarding)
{
	switch (p) {
	case IFCONF_RP_FILTER:
		return all > dev ? all : dev;
	case IFCONF_ACCEPT_SOURCE_ROUTE:
		return all && dev;
	case IFCONF_ACCEPT_REDIRECTS:
		return forwarding ? all && dev : all || dev;
	case IFCONF_LOG_MARTIANS:
	case IFCONF_SECURE_REDIRECTS:
	case IFCONF_SEND_REDIRECTS:
		return all || dev;
	case IFCONF_FORWARDING:
	case IFCONF_NPARAMS:
		break;
	}
	return dev;
}

const char *
ifconf_combination(enum ifconf_param p)
{
	switch (p) {
	case IFCONF_RP_FILTER:
		return "the larger of";
	case IFCONF_ACCEPT_SOURCE_ROUTE:
		return "both of";
	case IFCONF_LOG_MARTIANS:
	case IFCONF_SECURE_REDIRECTS:
	case IFCONF_SEND_REDIRECTS:
		return "either of";
	case IFCONF_ACCEPT_REDIRECTS:
		return "either of (both of, where the interface forwards)";
	case IFCONF_FORWARDING:
	case IFCONF_NPARAMS:
		break;
	}
	return "the interface's own";
}

/* The profile's setting for key where it is asked of this host, or NULL. */
static const struct setting *
asked(const struct profile *p, const struct snapshot *s, const char *key)
{
	const struct setting *st = p != NULL ? profile_setting(p, key) : NULL;

	if (st != NULL && st->when != NULL && !rules_cond_holds(st->when, s, 0))
		return NULL;
	return st;
}

static bool
satisfies(const struct setting *st, long long v)
{
	char text[32];
	struct value val;
	const char *err;

	snprintf(text, sizeof text, "%lld", v);
	if (value_parse_kernel(text, st->entry->shape, st->entry->nfields, &val,
	    &err) < 0)
		return false;
	return setting_satisfied(st, &val);
}

/*
 * The value conf.<which>.<param> has once the profile's fixes are made:
 * the live value where the profile accepts it (or asks nothing), else the
 * value its fix sets (*ret_changes). False when the live value is unknown.
 */
static bool
planned(const struct profile *p, const struct snapshot *s, const char *which,
    enum ifconf_param param, long long *ret, bool *ret_changes)
{
	char key[SYSCTL_KEY_MAX];
	const struct snapshot_key *k;
	const struct setting *st;
	const struct value *t;

	snprintf(key, sizeof key, "net.ipv4.conf.%s.%s", which,
	    ifconf_param_name(param));
	*ret_changes = false;
	if ((k = snapshot_key(s, key)) == NULL || !k->live_ok)
		return false;
	*ret = k->live_value.field[0];
	st = asked(p, s, key);
	if (st == NULL || satisfies(st, *ret) || (t = rules_setting_target(st)) == NULL)
		return true;
	*ret = t->field[0];
	*ret_changes = true;
	return true;
}

/* The interface's value once conf.default's fix has reached the interfaces
   that follow it (see ifconf.h). */
static long long
planned_dev(const struct profile *p, const struct snapshot *s,
    const struct snapshot_iface *it, enum ifconf_param param)
{
	char key[SYSCTL_KEY_MAX];
	const struct snapshot_key *k;
	long long v;
	bool changes;

	snprintf(key, sizeof key, "net.ipv4.conf.default.%s", ifconf_param_name(param));
	k = snapshot_key(s, key);
	if (k != NULL && k->live_ok && planned(p, s, "default", param, &v, &changes) &&
	    changes && it->value[param] == k->live_value.field[0])
		return v;
	return it->value[param];
}

/* net.ipv4.conf.IF.param in dotted form: a '.' of the name becomes '/'. */
static void
iface_key(const struct snapshot_iface *it, enum ifconf_param param, char *buf,
    size_t size)
{
	char name[SNAPSHOT_IFNAME_MAX];

	snprintf(name, sizeof name, "%s", it->name);
	for (char *c = name; *c; c++)
		if (*c == '.')
			*c = '/';
	snprintf(buf, size, "net.ipv4.conf.%s.%s", name, ifconf_param_name(param));
}

/* Fill the remedy: set key to v, live and persisted, by hand. */
static int
iface_remedy(struct finding *f, const char *key, long long v, const char *fragment)
{
	struct remedy *r = &f->remedy;

	r->action = REMEDY_SET;
	r->live = true;
	r->persist = true;
	if ((r->key = strdup(key)) == NULL ||
	    (r->value = finding_printf("%lld", v)) == NULL ||
	    (r->live_value = strdup(r->value)) == NULL ||
	    (r->file = strdup(fragment)) == NULL)
		return -ENOMEM;
	return remedy_unfixable(r, IFCONF_WHY);
}

/* Start a finding about key of interface it, its live value dev. */
static int
iface_finding(struct finding *f, const char *id, enum severity sev, char *message,
    const char *key, long long dev)
{
	finding_start(f, id, sev, KIND_HAZARD, message);
	f->in_live = true;
	f->needs_live = true;
	f->key = strdup(key);
	f->live = finding_printf("%lld", dev);
	return f->id == NULL || f->message == NULL || f->key == NULL ||
	    f->live == NULL ? -ENOMEM : 0;
}

/*
 * Give f (begun by iface_finding()) the remedy that sets key to v by hand,
 * its fix texts, and push it. f is taken, and cleared on failure (a NULL
 * want, reason or source counts as a failed allocation). 0 or -ENOMEM.
 */
static int
complete(struct findings *ret, struct finding *f, const char *key, long long v,
    const char *fragment)
{
	if (f->want == NULL || f->reason == NULL || f->source == NULL ||
	    iface_remedy(f, key, v, fragment) < 0 || finding_fix_text(f) < 0) {
		finding_clear(f);
		return -ENOMEM;
	}
	return findings_push(ret, f);
}

/* TA-I001 for one parameter the profile asks of conf.all. */
static int
eval_setting(const struct profile *p, const struct snapshot *s,
    enum ifconf_param param, const char *fragment, struct findings *ret)
{
	char akey[SYSCTL_KEY_MAX], key[SYSCTL_KEY_MAX], want[128];
	const struct setting *st;
	const struct value *t;
	long long all;
	bool changes;

	snprintf(akey, sizeof akey, "net.ipv4.conf.all.%s", ifconf_param_name(param));
	if ((st = asked(p, s, akey)) == NULL || (t = rules_setting_target(st)) == NULL ||
	    !planned(p, s, "all", param, &all, &changes))
		return 0;
	if (setting_describe(st, want, sizeof want) < 0)
		want[0] = '\0';
	for (size_t i = 0; i < s->nifaces; i++) {
		const struct snapshot_iface *it = &s->ifaces[i];
		bool fwd = (it->known & 1u << IFCONF_FORWARDING) &&
		    it->value[IFCONF_FORWARDING] != 0;
		long long dev, eff;
		struct finding f;
		char *msg;

		if (!(it->known & 1u << param))
			continue;
		dev = planned_dev(p, s, it, param);
		eff = ifconf_effective(param, all, dev, fwd);
		if (satisfies(st, eff))
			continue;
		iface_key(it, param, key, sizeof key);
		msg = finding_printf("interface '%s' runs with %s = %lld: the kernel "
		    "takes %s conf.all (%lld%s) and '%s' (%lld); profile '%s' wants "
		    "'%s' %s", it->name, ifconf_param_name(param), eff,
		    ifconf_combination(param), all, changes ? " once fixed" : "", key,
		    it->value[param], p->name, akey, want);
		if (iface_finding(&f, "TA-I001", st->severity, msg, key,
		    it->value[param]) < 0) {
			finding_clear(&f);
			return -ENOMEM;
		}
		f.want = strdup(want);
		f.reason = finding_printf("%s%sThe interface's own value overrides "
		    "conf.all here; conf.default reaches only interfaces created "
		    "later or never set on their own.", st->reason ? st->reason : "",
		    st->reason ? " " : "");
		f.source = finding_printf("%s%sIN_DEV_* macros in include/linux/inetdevice.h",
		    st->source ? st->source : "", st->source ? "; " : "");
		if (complete(ret, &f, key, t->field[0], fragment) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* TA-I002: strict rp_filter in effect on an interface of a multihomed host. */
static int
eval_strict_rpf(const struct profile *p, const struct snapshot *s,
    const char *fragment, struct findings *ret)
{
	char key[SYSCTL_KEY_MAX];
	long long all;
	bool changes;

	if (!host_multihomed(&s->facts) ||
	    !planned(p, s, "all", IFCONF_RP_FILTER, &all, &changes) || all == 1)
		return 0;	/* all = 1 makes every interface strict: TA-H032 */
	for (size_t i = 0; i < s->nifaces; i++) {
		const struct snapshot_iface *it = &s->ifaces[i];
		struct finding f;
		char *msg;

		/* Loopback traffic never comes in over an uplink. */
		if (!(it->known & 1u << IFCONF_RP_FILTER) || strcmp(it->name, "lo") == 0 ||
		    ifconf_effective(IFCONF_RP_FILTER, all,
		    planned_dev(p, s, it, IFCONF_RP_FILTER), false) != 1)
			continue;
		iface_key(it, IFCONF_RP_FILTER, key, sizeof key);
		msg = finding_printf("strict reverse-path filtering on interface '%s' of "
		    "a host with several uplinks or default routes: '%s' is 1 and "
		    "conf.all's %lld, and the kernel takes the larger", it->name, key, all);
		if (iface_finding(&f, "TA-I002", SEV_WARNING, msg, key,
		    it->value[IFCONF_RP_FILTER]) < 0) {
			finding_clear(&f);
			return -ENOMEM;
		}
		f.want = strdup("one of 0, 2");
		f.reason = strdup("In strict mode (1) a packet is dropped when the reply "
		    "to its source would leave through another interface than the one "
		    "it came in on; with several uplinks or default routes replies and "
		    "requests routinely take different ways, and those packets vanish "
		    "without a trace. conf.all.rp_filter below 1 does not relax an "
		    "interface whose own value is 1. Loose mode (2) keeps the "
		    "protection against unreachable sources.");
		f.source = strdup("rp_filter in ip-sysctl.rst; IN_DEV_RPFILTER() in "
		    "include/linux/inetdevice.h; RFC 3704 section 2.4");
		if (complete(ret, &f, key, 2, fragment) < 0)
			return -ENOMEM;
	}
	return 0;
}

int
ifconf_eval(const struct profile *p, const struct snapshot *s,
    const char *fragment, struct findings *ret)
{
	int r;

	if (s->files_only || s->nifaces == 0)
		return 0;
	for (size_t i = 0; i < sizeof judged_params / sizeof judged_params[0]; i++)
		if ((r = eval_setting(p, s, judged_params[i], fragment, ret)) < 0)
			return r;
	return eval_strict_rpf(p, s, fragment, ret);
}
