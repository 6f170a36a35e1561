/*
 * test_catalog: the invariants of the compiled-in table (order, ids,
 * ranges, default histories) and the behaviour of the lookup, suggestion,
 * default and range-check functions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

/* The module itself, to reach its static table and helpers. */
#include "catalog.c"

static struct kver
kv(const char *s)
{
	struct kver k;

	assert_int_equal(kver_parse(s, &k), 0);
	return k;
}

static const struct catalog_entry *
must(const char *name)
{
	const struct catalog_entry *e = catalog_lookup(name);

	if (e == NULL)
		fail_msg("'%s' is not in the catalog", name);
	return e;
}

static void
test_sorted(void **state)
{
	size_t n;
	const struct catalog_entry *t = catalog_entries(&n);

	(void)state;
	assert_true(n > 50);
	for (size_t i = 1; i < n; i++)
		if (strcmp(t[i - 1].name, t[i].name) >= 0)
			fail_msg("not sorted: '%s' before '%s'", t[i - 1].name,
			    t[i].name);
}

static void
test_ids_unique(void **state)
{
	size_t n;
	const struct catalog_entry *t = catalog_entries(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (t[i].id == 0)
			fail_msg("'%s' has id 0", t[i].name);
		for (size_t j = i + 1; j < n; j++)
			if (t[i].id == t[j].id)
				fail_msg("id %u used by '%s' and '%s'", t[i].id,
				    t[i].name, t[j].name);
	}
}

/* The ids of the first entries are referenced elsewhere and never move. */
static void
test_fixed_ids(void **state)
{
	(void)state;
	assert_int_equal(must("net.ipv4.tcp_tw_reuse")->id, 1);
	assert_int_equal(must("net.ipv4.tcp_tw_recycle")->id, 2);
	assert_int_equal(must("net.ipv4.tcp_fin_timeout")->id, 3);
	assert_int_equal(must("net.ipv4.tcp_syncookies")->id, 5);
	assert_int_equal(must("net.core.somaxconn")->id, 7);
	assert_int_equal(must("net.ipv4.ip_forward")->id, 56);
	assert_int_equal(must("net.ipv4.tcp_adv_win_scale")->id, 79);
	assert_int_equal(must("net.ipv6.conf.default.accept_ra")->id, 105);
}

static bool
unit_known(const char *u)
{
	static const char *const units[] = { "seconds", "milliseconds",
	    "microseconds", "pages", "bytes", "sockets", "retransmissions",
	    "probes", "connections", "packets", "entries", "buckets" };

	if (u == NULL)
		return true;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(u, units[i]) == 0)
			return true;
	return false;
}

static void
test_fields(void **state)
{
	size_t n;
	const struct catalog_entry *t = catalog_entries(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct catalog_entry *e = &t[i];
		struct kver since, other;
		size_t dl;

		if (strncmp(e->name, "net.", 4) != 0 ||
		    strlen(e->name) >= SYSCTL_NAME_MAX || strchr(e->name, '/'))
			fail_msg("bad name '%s'", e->name);
		if (e->shape == SHAPE_VECTOR) {
			if (e->nfields < 2 || e->nfields > VALUE_MAX_FIELDS)
				fail_msg("'%s': bad nfields", e->name);
		} else if (e->nfields != 1)
			fail_msg("'%s': nfields must be 1", e->name);
		if ((e->shape == SHAPE_INT || e->shape == SHAPE_VECTOR) &&
		    !(e->kmin <= e->smin && e->smin <= e->smax &&
		    e->smax <= e->kmax))
			fail_msg("'%s': need kmin <= smin <= smax <= kmax", e->name);
		if (e->since == NULL || kver_parse(e->since, &since) != 0)
			fail_msg("'%s': bad since", e->name);
		if (e->removed != NULL &&
		    (kver_parse(e->removed, &other) != 0 ||
		    kver_cmp(&other, &since) <= 0))
			fail_msg("'%s': removed must follow since", e->name);
		/* A removed key has no default, or the fixed one it had
		   while it existed (catalog_default() stops at `removed`). */
		if (e->removed != NULL && e->default_kind != DEFAULT_NONE &&
		    e->default_kind != DEFAULT_FIXED)
			fail_msg("'%s': a removed key has DEFAULT_NONE or DEFAULT_FIXED",
			    e->name);
		if (e->scope == SCOPE_NETNS) {
			if (e->netns_since == NULL ||
			    kver_parse(e->netns_since, &other) != 0 ||
			    kver_cmp(&other, &since) < 0)
				fail_msg("'%s': bad netns_since", e->name);
		} else if (e->netns_since != NULL)
			fail_msg("'%s': a global key has no netns_since", e->name);
		if (e->default_kind == DEFAULT_FIXED && e->defaults == NULL)
			fail_msg("'%s': DEFAULT_FIXED needs defaults[]", e->name);
		if ((e->flags & CATALOG_JIFFIES) &&
		    (e->unit == NULL || strcmp(e->unit, "seconds") != 0 ||
		    e->kmax != INT_MAX / 100))
			fail_msg("'%s': jiffies keys are seconds up to INT_MAX/100",
			    e->name);
		if ((e->flags & CATALOG_READONLY) && e->default_kind != DEFAULT_NONE)
			fail_msg("'%s': read-only keys have no default", e->name);
		if (!unit_known(e->unit))
			fail_msg("'%s': unknown unit '%s'", e->name, e->unit);
		dl = e->description ? strlen(e->description) : 0;
		if (dl == 0 || e->description[dl - 1] == '.' ||
		    strchr(e->description, '\n'))
			fail_msg("'%s': bad description", e->name);
	}
}

static void
test_fixed_histories(void **state)
{
	size_t n;
	const struct catalog_entry *t = catalog_entries(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct catalog_entry *e = &t[i];
		const struct catalog_default *d;
		struct kver prev, cur, since;
		char buf[256];
		const char *err = NULL;

		/* Every history must be well formed, note-only ones too. */
		if (e->defaults == NULL)
			continue;
		assert_int_equal(kver_parse(e->since, &since), 0);
		if (e->defaults[0].since == NULL)
			fail_msg("'%s': empty default history", e->name);
		for (d = e->defaults; d->since != NULL; d++) {
			struct value v;

			if (kver_parse(d->since, &cur) != 0)
				fail_msg("'%s': bad release '%s'", e->name, d->since);
			if (d == e->defaults && kver_cmp(&cur, &since) < 0)
				fail_msg("'%s': default older than the key", e->name);
			if (d != e->defaults && kver_cmp(&prev, &cur) >= 0)
				fail_msg("'%s': history not ascending at %s", e->name,
				    d->since);
			prev = cur;
			if (d->value == NULL ||
			    value_parse_kernel(d->value, e->shape, e->nfields, &v,
			    &err) != 0)
				fail_msg("'%s': '%s' does not parse: %s", e->name,
				    d->value ? d->value : "(null)", err);
			if (catalog_check_range(e, &v, false, buf, sizeof buf,
			    &err) != 0)
				fail_msg("'%s': '%s' %s", e->name, d->value, err);
			/* Canonical text round-trips. */
			assert_int_equal(value_format(&v, buf, sizeof buf), 0);
			if (strcmp(buf, d->value) != 0)
				fail_msg("'%s': '%s' is not canonical ('%s')", e->name,
				    d->value, buf);
		}
		if (e->removed != NULL) {
			struct kver rm;

			assert_int_equal(kver_parse(e->removed, &rm), 0);
			if (kver_cmp(&prev, &rm) >= 0)
				fail_msg("'%s': default after removal", e->name);
		}
	}
}

static void
test_lookup(void **state)
{
	static const char *const unknown[] = { "", "net", "net.ipv4",
	    "net.ipv4.tcp_tw_recyle", "net.ipv4.tcp_fin_timeout.x",
	    "tcp_fin_timeout", "NET.CORE.SOMAXCONN", "net.core.somaxconn ",
	    "zzzz" };
	size_t n;
	const struct catalog_entry *t = catalog_entries(&n);

	(void)state;
	for (size_t i = 0; i < n; i++)
		assert_ptr_equal(catalog_lookup(t[i].name), &t[i]);
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		assert_null(catalog_lookup(unknown[i]));
}

static void
test_lookup_id(void **state)
{
	size_t n;
	const struct catalog_entry *t = catalog_entries(&n);

	(void)state;
	for (size_t i = 0; i < n; i++)
		assert_ptr_equal(catalog_lookup_id(t[i].id), &t[i]);
	assert_null(catalog_lookup_id(0));
	assert_null(catalog_lookup_id(100000));
}

static void
test_suggest(void **state)
{
	(void)state;
	assert_string_equal(catalog_suggest("net.ipv4.tcp_tw_recyle"),
	    "net.ipv4.tcp_tw_recycle");
	assert_string_equal(catalog_suggest("tcp_fin_timeout"),
	    "net.ipv4.tcp_fin_timeout");
	assert_string_equal(catalog_suggest("somaxconn"), "net.core.somaxconn");
	assert_string_equal(catalog_suggest("net.ipv4.tcp_keepalive_tme"),
	    "net.ipv4.tcp_keepalive_time");
	assert_string_equal(catalog_suggest("net.core.somaxcon"),
	    "net.core.somaxconn");
	assert_null(catalog_suggest("kernel.sched_latency_ns"));
	assert_null(catalog_suggest("completely unrelated words"));
	assert_null(catalog_suggest(""));
}

static int
dflt(const char *name, const char *rel, long long ehash, char *buf,
    size_t size)
{
	struct catalog_host h = { .ehash_entries = ehash };

	h.kernel = kv(rel);
	return catalog_default(must(name), &h, buf, size);
}

/* Defaults of the kernel build: NAPI poll time from HZ. */
static void
test_build_default(void **state)
{
	struct catalog_host h = { .hz = 250 };
	char buf[64];

	(void)state;
	h.kernel = kv("6.18");
	assert_int_equal(catalog_default(must("net.core.netdev_budget_usecs"), &h, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "8000");
	h.hz = 1000;
	assert_int_equal(catalog_default(must("net.core.netdev_budget_usecs"), &h, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "2000");
	h.kernel = kv("5.4");
	h.hz = 100;
	assert_int_equal(catalog_default(must("net.core.netdev_budget_usecs"), &h, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "2000");
	h.kernel = kv("6.18");
	h.hz = 0;
	assert_int_equal(catalog_default(must("net.core.netdev_budget_usecs"), &h, buf,
	    sizeof buf), -ENODATA);
	snprintf(h.default_cc, sizeof h.default_cc, "cubic");
	assert_int_equal(catalog_default(must("net.ipv4.tcp_congestion_control"), &h,
	    buf, sizeof buf), 0);
	assert_string_equal(buf, "cubic");
}

/* ip_forward resets the redirect settings when written: it goes first. */
static void
test_write_order(void **state)
{
	(void)state;
	assert_true(catalog_write_cmp("net.ipv4.ip_forward",
	    "net.ipv4.conf.all.accept_redirects") < 0);
	assert_true(catalog_write_cmp("net.ipv4.conf.all.accept_redirects",
	    "net.ipv4.ip_forward") > 0);
	assert_true(catalog_write_cmp("net.ipv4.conf.all.forwarding",
	    "net.core.somaxconn") < 0);
	assert_true(catalog_write_cmp("net.core.somaxconn",
	    "net.ipv4.tcp_fin_timeout") < 0);
	assert_int_equal(catalog_write_cmp("net.ipv4.ip_forward", "net.ipv4.ip_forward"), 0);
}

/* The default on a host with mem bytes of memory and 4 KiB pages. */
static void
assert_mem_default(const char *name, const char *rel, long long mem,
    const char *want)
{
	struct catalog_host h = { .mem_bytes = mem, .page_size = 4096 };
	char buf[64];

	h.kernel = kv(rel);
	assert_int_equal(catalog_default(must(name), &h, buf, sizeof buf), 0);
	assert_string_equal(buf, want);
}

/*
 * Memory-derived defaults, worked out by hand from tcp_init_mem(),
 * tcp_init(), udp_init() and nf_conntrack_init_start() of each release.
 * The 24 GiB case is this formula's result for MemTotal 24683784 kB, which
 * a 6.18 host printed as tcp_rmem 4096 131072 33554432, tcp_wmem 4096 16384
 * 4194304 and nf_conntrack_max 262144.
 */
static void
test_memory_default(void **state)
{
	const long long mib = 1LL << 20, host24 = 24683784LL * 1024;
	char buf[64];

	(void)state;
	assert_mem_default("net.ipv4.tcp_rmem", "6.18", host24, "4096 131072 33554432");
	assert_mem_default("net.ipv4.tcp_rmem", "6.15", host24, "4096 131072 6291456");
	assert_mem_default("net.ipv4.tcp_rmem", "5.3", host24, "4096 87380 6291456");
	assert_mem_default("net.ipv4.tcp_rmem", "6.18", 1024 * mib, "4096 131072 8388608");
	assert_mem_default("net.ipv4.tcp_rmem", "6.15", 1024 * mib, "4096 131072 6291456");
	assert_mem_default("net.ipv4.tcp_rmem", "6.18", 512 * mib, "4096 131072 4194304");
	assert_mem_default("net.ipv4.tcp_rmem", "6.18", 32 * mib, "4096 131072 262144");
	assert_mem_default("net.ipv4.tcp_rmem", "6.18", 2 * mib, "4096 131072 131072");
	assert_mem_default("net.ipv4.tcp_wmem", "6.18", host24, "4096 16384 4194304");
	assert_mem_default("net.ipv4.tcp_wmem", "6.18", 256 * mib, "4096 16384 2097152");
	assert_mem_default("net.ipv4.tcp_wmem", "6.18", 2 * mib, "4096 16384 65536");
	assert_mem_default("net.ipv4.tcp_mem", "6.18", 1024 * mib, "12288 16384 24576");
	assert_mem_default("net.ipv4.tcp_mem", "6.18", 4 * mib, "96 128 192");
	assert_mem_default("net.ipv4.tcp_mem", "6.18", host24, "289263 385684 578526");
	assert_mem_default("net.netfilter.nf_conntrack_max", "6.18", host24, "262144");
	assert_mem_default("net.netfilter.nf_conntrack_max", "5.10", host24, "262144");
	assert_mem_default("net.netfilter.nf_conntrack_max", "6.18", 2048 * mib, "65536");
	assert_mem_default("net.netfilter.nf_conntrack_max", "5.10", 2048 * mib, "65536");
	assert_mem_default("net.netfilter.nf_conntrack_max", "6.18", 512 * mib, "4096");
	assert_mem_default("net.netfilter.nf_conntrack_max", "5.10", 512 * mib, "16384");
	assert_mem_default("net.netfilter.nf_conntrack_max", "6.18", 32 * mib, "1024");
	assert_mem_default("net.netfilter.nf_conntrack_buckets", "5.10", 2048 * mib, "16384");
	assert_mem_default("net.ipv4.udp_mem", "6.18", 1024 * mib, "24576 32768 49152");

	/* Without the memory the default is unknown. */
	assert_int_equal(dflt("net.ipv4.tcp_mem", "6.18", 0, buf, sizeof buf), -ENODATA);
}

static void
assert_default(const char *name, const char *rel, long long ehash,
    const char *want)
{
	char buf[64];
	int r = dflt(name, rel, ehash, buf, sizeof buf);

	if (r != 0)
		fail_msg("%s on %s: %d, want '%s'", name, rel, r, want);
	if (strcmp(buf, want) != 0)
		fail_msg("%s on %s: '%s', want '%s'", name, rel, buf, want);
}

static void
test_default(void **state)
{
	char buf[64];

	(void)state;
	assert_default("net.core.somaxconn", "5.3", 0, "128");
	assert_default("net.core.somaxconn", "5.4", 0, "4096");
	assert_default("net.core.somaxconn", "6.18.44-fc-v657", 0, "4096");
	assert_default("net.ipv4.tcp_tw_reuse", "4.17", 0, "0");
	assert_default("net.ipv4.tcp_tw_reuse", "4.18", 0, "2");
	assert_default("net.ipv4.tcp_syncookies", "2.6.32", 0, "0");
	assert_default("net.ipv4.tcp_syncookies", "2.6.33", 0, "1");
	assert_default("net.ipv4.ip_local_port_range", "4.1", 0, "32768 61000");
	assert_default("net.ipv4.ip_local_port_range", "6.18", 0, "32768 60999");
	assert_default("net.ipv4.ip_local_reserved_ports", "6.18", 0, "");
	assert_default("net.core.rmem_max", "6.17", 0, "212992");
	assert_default("net.core.rmem_max", "6.18", 0, "4194304");
	assert_default("net.ipv4.tcp_notsent_lowat", "6.18", 0, "4294967295");

	/* ehash-derived defaults, with the formula of the release. */
	assert_default("net.ipv4.tcp_max_tw_buckets", "6.18", 262144, "131072");
	assert_default("net.ipv4.tcp_max_tw_buckets", "6.18", 1024, "512");
	assert_default("net.ipv4.tcp_max_orphans", "6.18", 262144, "131072");
	assert_default("net.ipv4.tcp_max_syn_backlog", "6.18", 262144, "2048");
	assert_default("net.ipv4.tcp_max_syn_backlog", "5.3", 262144, "1024");
	assert_default("net.ipv4.tcp_max_syn_backlog", "6.18", 1024, "128");
	assert_default("net.ipv4.tcp_max_syn_backlog", "5.3", 1024, "128");
	assert_default("net.ipv4.tcp_max_syn_backlog", "6.18", 1048576, "8192");
	assert_int_equal(dflt("net.ipv4.tcp_max_tw_buckets", "6.18", 0, buf,
	    sizeof buf), -ENODATA);

	/* Not knowable here, or not in the release. */
	assert_int_equal(dflt("net.ipv4.tcp_tw_recycle", "6.18", 0, buf,
	    sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.ipv4.tcp_tw_recycle", "4.11", 0, buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "0");	/* off while it existed */
	assert_int_equal(dflt("net.ipv4.tcp_tw_reuse_delay", "6.13", 0, buf,
	    sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.ipv4.ip_local_port_range", "2.6.20", 0, buf,
	    sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.ipv4.tcp_congestion_control", "6.18", 0, buf,
	    sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.ipv4.tcp_rmem", "6.18", 262144, buf,
	    sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.ipv4.tcp_fastopen_key", "6.18", 0, buf,
	    sizeof buf), -ENODATA);

	/* Histories of the keys whose default changed. */
	assert_default("net.ipv4.tcp_adv_win_scale", "3.4", 0, "2");
	assert_default("net.ipv4.tcp_adv_win_scale", "3.5", 0, "1");
	assert_default("net.ipv4.tcp_adv_win_scale", "6.18", 0, "1");
	assert_int_equal(dflt("net.ipv4.tcp_limit_output_bytes", "3.5", 0, buf,
	    sizeof buf), -ENODATA);
	assert_default("net.ipv4.tcp_limit_output_bytes", "3.6", 0, "131072");
	assert_default("net.ipv4.tcp_limit_output_bytes", "4.19", 0, "262144");
	assert_default("net.ipv4.tcp_limit_output_bytes", "5.0", 0, "1048576");
	assert_default("net.ipv4.tcp_limit_output_bytes", "6.15", 0, "1048576");
	assert_default("net.ipv4.tcp_limit_output_bytes", "6.16", 0, "4194304");
	assert_default("net.ipv4.tcp_fastopen_blackhole_timeout_sec", "5.13", 0,
	    "3600");
	assert_default("net.ipv4.tcp_fastopen_blackhole_timeout_sec", "5.14", 0, "0");
	assert_default("net.core.optmem_max", "5.15", 0, "20480");
	assert_default("net.core.optmem_max", "6.18", 0, "131072");
	assert_default("net.ipv4.icmp_echo_ignore_broadcasts", "2.6.13", 0, "0");
	assert_default("net.ipv4.icmp_echo_ignore_broadcasts", "2.6.14", 0, "1");
	assert_default("net.ipv4.icmp_ignore_bogus_error_responses", "6.18", 0, "1");
	assert_default("net.ipv4.tcp_retries2", "6.18", 0, "15");
	assert_default("net.ipv4.tcp_reordering", "6.18", 0, "3");
	assert_default("net.ipv4.neigh.default.gc_thresh3", "6.18", 0, "1024");
	assert_default("net.ipv4.udp_rmem_min", "6.18", 0, "4096");
	assert_default("net.ipv6.conf.all.accept_source_route", "6.18", 0, "0");
	assert_default("net.ipv6.conf.default.accept_ra", "6.18", 0, "1");
	assert_default("net.netfilter.nf_conntrack_tcp_timeout_established", "6.18",
	    0, "432000");
	assert_int_equal(dflt("net.ipv6.conf.all.accept_source_route", "2.6.21", 0,
	    buf, sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.ipv4.ip_autobind_reuse", "5.6", 0, buf,
	    sizeof buf), -ENODATA);
	assert_default("net.ipv4.tcp_migrate_req", "5.14", 0, "0");

	/* Memory-derived kinds without the memory, and HZ-derived ones. */
	assert_int_equal(dflt("net.netfilter.nf_conntrack_buckets", "6.18", 262144,
	    buf, sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.netfilter.nf_conntrack_max", "6.18", 262144,
	    buf, sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.ipv4.udp_mem", "6.18", 262144, buf,
	    sizeof buf), -ENODATA);
	assert_int_equal(dflt("net.core.netdev_budget_usecs", "6.18", 0, buf,
	    sizeof buf), -ENODATA);
	/* A key a new namespace copies: the value the host boots with. */
	assert_default("net.ipv4.ip_forward", "6.18", 0, "0");
	assert_default("net.ipv4.conf.default.accept_source_route", "6.18", 0, "1");

	/* Too small a buffer. */
	assert_int_equal(dflt("net.core.somaxconn", "6.18", 0, buf, 4),
	    -ENOBUFS);
	assert_int_equal(dflt("net.ipv4.tcp_max_tw_buckets", "6.18", 262144,
	    buf, 6), -ENOBUFS);
}

static int
boot(const char *name, const char *rel, char *buf, size_t size)
{
	struct catalog_host h;

	h.kernel = kv(rel);
	h.ehash_entries = 0;
	return catalog_boot_value(must(name), &h, buf, size);
}

/* What the initial namespace boots with, for keys a child copies. */
static void
test_boot_value(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(boot("net.ipv4.ip_forward", "6.18", buf, sizeof buf), 0);
	assert_string_equal(buf, "0");
	assert_int_equal(boot("net.ipv4.conf.all.accept_source_route", "6.18", buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "0");
	assert_int_equal(boot("net.ipv4.conf.default.accept_source_route", "6.18",
	    buf, sizeof buf), 0);
	assert_string_equal(buf, "1");
	assert_int_equal(boot("net.ipv4.conf.all.send_redirects", "2.6.25", buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "1");
	/* No history, another kind, or too small a buffer. */
	assert_int_equal(boot("net.ipv4.tcp_rmem", "6.18", buf, sizeof buf),
	    -ENODATA);
	assert_int_equal(boot("net.ipv4.tcp_sack", "6.18", buf, sizeof buf),
	    -ENODATA);
	assert_int_equal(boot("net.ipv4.ip_forward", "6.18", buf, 1), -ENOBUFS);
}

static void
test_in_release(void **state)
{
	const struct catalog_entry *rc = must("net.ipv4.tcp_tw_recycle");
	const struct catalog_entry *rd = must("net.ipv4.tcp_tw_reuse_delay");
	struct kver k;

	(void)state;
	k = kv("4.11");
	assert_true(catalog_in_release(rc, &k));
	k = kv("4.11.12");
	assert_true(catalog_in_release(rc, &k));
	k = kv("4.12");
	assert_false(catalog_in_release(rc, &k));
	k = kv("6.18.44-fc-v657");
	assert_false(catalog_in_release(rc, &k));
	k = kv("6.13");
	assert_false(catalog_in_release(rd, &k));
	k = kv("6.14");
	assert_true(catalog_in_release(rd, &k));
}

static int
range(const char *name, const char *text, bool sane, const char **err)
{
	const struct catalog_entry *e = must(name);
	static char buf[128];
	struct value v;
	const char *perr = NULL;

	if (value_parse_kernel(text, e->shape, e->nfields, &v, &perr) != 0)
		fail_msg("'%s' does not parse: %s", text, perr);
	*err = NULL;
	return catalog_check_range(e, &v, sane, buf, sizeof buf, err);
}

static void
test_check_range(void **state)
{
	const char *err;

	(void)state;
	assert_int_equal(range("net.ipv4.tcp_tw_reuse", "2", false, &err), 0);
	assert_int_equal(range("net.ipv4.tcp_tw_reuse", "3", false, &err), -ERANGE);
	assert_string_equal(err, "must be between 0 and 2");
	assert_int_equal(range("net.ipv4.tcp_tw_reuse", "-1", false, &err),
	    -ERANGE);

	assert_int_equal(range("net.ipv4.ip_local_port_range", "1024 65535",
	    false, &err), 0);
	assert_int_equal(range("net.ipv4.ip_local_port_range", "0 65000",
	    false, &err), -ERANGE);
	assert_string_equal(err, "field 1 must be between 1 and 65535");
	assert_int_equal(range("net.ipv4.ip_local_port_range", "1024 65536",
	    false, &err), -ERANGE);
	assert_string_equal(err, "field 2 must be between 1 and 65535");
	assert_int_equal(range("net.ipv4.ip_local_port_range", "1024",
	    false, &err), -EINVAL);
	assert_string_equal(err, "must be a vector of 2 integers");

	assert_int_equal(range("net.ipv4.tcp_fin_timeout", "-5", false, &err), 0);
	assert_int_equal(range("net.ipv4.tcp_fin_timeout", "2", true, &err),
	    -ERANGE);
	assert_string_equal(err, "must be between 5 and 120");
	assert_int_equal(range("net.ipv4.tcp_fin_timeout", "21474837", false,
	    &err), -ERANGE);

	assert_int_equal(range("net.ipv4.tcp_syn_retries", "0", false, &err),
	    -ERANGE);
	assert_string_equal(err, "must be between 1 and 127");
	assert_int_equal(range("net.ipv4.tcp_notsent_lowat", "4294967295",
	    false, &err), 0);
	assert_int_equal(range("net.ipv4.tcp_notsent_lowat", "4294967296",
	    false, &err), -ERANGE);
	assert_int_equal(range("net.ipv4.tcp_rmem", "0 87380 6291456", false,
	    &err), -ERANGE);
	assert_string_equal(err, "field 1 must be between 1 and 2147483647");
	assert_int_equal(range("net.ipv4.tcp_tw_reuse_delay", "0", false, &err),
	    -ERANGE);
	assert_string_equal(err, "must be between 1 and 60000");
	assert_int_equal(range("net.ipv4.tcp_ecn", "3", false, &err), -ERANGE);

	/* Ranges probed on 6.18 in a throw-away network namespace. */
	assert_int_equal(range("net.ipv4.tcp_reordering", "0", false, &err),
	    -ERANGE);
	assert_string_equal(err, "must be between 1 and 2147483647");
	assert_int_equal(range("net.ipv4.tcp_adv_win_scale", "-31", false, &err), 0);
	assert_int_equal(range("net.ipv4.tcp_adv_win_scale", "32", false, &err),
	    -ERANGE);
	assert_string_equal(err, "must be between -31 and 31");
	assert_int_equal(range("net.ipv4.tcp_migrate_req", "2", false, &err),
	    -ERANGE);
	assert_int_equal(range("net.ipv4.icmp_echo_ignore_broadcasts", "2", false,
	    &err), -ERANGE);
	assert_int_equal(range("net.ipv4.tcp_retries2", "255", false, &err), 0);
	assert_int_equal(range("net.ipv4.tcp_retries2", "256", false, &err),
	    -ERANGE);
	assert_int_equal(range("net.ipv4.tcp_retries2", "5", true, &err), -ERANGE);
	assert_string_equal(err, "must be between 8 and 15");
	assert_int_equal(range("net.ipv4.udp_rmem_min", "0", false, &err), -ERANGE);
	assert_int_equal(range("net.ipv4.conf.all.rp_filter", "-2147483648", false,
	    &err), 0);
	assert_int_equal(range("net.ipv4.conf.all.rp_filter", "3", true, &err),
	    -ERANGE);
	assert_string_equal(err, "must be between 0 and 2");
	assert_int_equal(range("net.ipv6.conf.all.accept_source_route", "-1", true,
	    &err), 0);
	assert_int_equal(range("net.ipv6.conf.all.accept_source_route", "1", true,
	    &err), -ERANGE);
	assert_int_equal(range("net.core.dev_weight", "0", false, &err), -ERANGE);
	assert_int_equal(range("net.core.netdev_budget_usecs", "1999", false, &err),
	    -ERANGE);
	assert_int_equal(range("net.core.optmem_max", "-1", false, &err), -ERANGE);
	assert_int_equal(range("net.ipv4.udp_mem", "575817 767757 1151634", false,
	    &err), 0);
	assert_int_equal(range("net.ipv4.udp_mem", "575817 767757", false, &err),
	    -EINVAL);
	assert_int_equal(range("net.netfilter.nf_conntrack_tcp_timeout_established",
	    "86400", true, &err), 0);

	/* Strings and port lists have no numeric range. */
	assert_int_equal(range("net.ipv4.tcp_congestion_control", "bbr", false,
	    &err), 0);
	assert_int_equal(range("net.ipv4.tcp_allowed_congestion_control",
	    "reno bbr cubic", false, &err), 0);
	assert_int_equal(range("net.ipv4.ip_local_reserved_ports", "8080,9000-9010",
	    false, &err), 0);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(catalog_scope_name(SCOPE_NETNS), "per-netns");
	assert_string_equal(catalog_scope_name(SCOPE_GLOBAL), "global");
	assert_string_equal(catalog_shape_name(must("net.ipv4.tcp_rmem")),
	    "a vector of 3 integers");
	assert_string_equal(catalog_shape_name(must("net.ipv4.tcp_ecn")),
	    "an integer");
	assert_string_equal(catalog_shape_name(
	    must("net.ipv4.ip_local_reserved_ports")),
	    "a list of ports and port ranges");
}

/* Facts the rest of the program relies on. */
/* The established hash the kernel sizes from memory at boot. */
static void
test_ehash_for_memory(void **state)
{
	static const struct {
		long long mem, want;
	} cases[] = {
		{ 0, 0 },
		{ -1, 0 },
		{ 1, 512 },			/* at least one page of buckets */
		{ 64LL << 20, 512 },
		{ 65LL << 20, 1024 },
		{ 4LL << 30, 32768 },		/* 4096 MiB * 8 */
		{ (4LL << 30) + 1, 65536 },	/* one MiB more: the next power */
		{ 3900LL << 20, 32768 },
		{ 16LL << 30, 131072 },
		{ 64LL << 30, 524288 },		/* the high limit */
		{ 1LL << 50, 524288 },
		{ 1LL << 62, 524288 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (catalog_ehash_for_memory(cases[i].mem) != cases[i].want)
			fail_msg("catalog_ehash_for_memory(%lld) = %lld, want %lld",
			    cases[i].mem, catalog_ehash_for_memory(cases[i].mem),
			    cases[i].want);
}

static void
test_facts(void **state)
{
	(void)state;
	assert_int_equal(must("net.ipv4.tcp_max_orphans")->scope, SCOPE_GLOBAL);
	assert_int_equal(must("net.ipv4.tcp_mem")->scope, SCOPE_GLOBAL);
	assert_int_equal(must("net.core.rmem_max")->scope, SCOPE_GLOBAL_RO);
	assert_int_equal(must("net.netfilter.nf_conntrack_max")->scope,
	    SCOPE_GLOBAL_RO);
	assert_true(must("net.ipv4.tcp_fastopen_key")->flags & CATALOG_SECRET);
	assert_true(must("net.ipv4.tcp_low_latency")->flags & CATALOG_NOOP);
	assert_true(must("net.ipv4.tcp_fack")->flags & CATALOG_NOOP);
	assert_true(must("net.netfilter.nf_conntrack_tcp_timeout_time_wait")->flags &
	    CATALOG_MODULE);
	assert_string_equal(must("net.ipv4.tcp_tw_recycle")->removed, "4.12");
	assert_int_equal(must("net.ipv4.tcp_rmem")->default_kind,
	    DEFAULT_INIT_NET);
	assert_int_equal(must("net.ipv4.tcp_congestion_control")->default_kind,
	    DEFAULT_INIT_NET);

	/* Keys the kernel accepts and ignores. */
	assert_true(must("net.ipv4.tcp_adv_win_scale")->flags & CATALOG_NOOP);
	assert_true(must("net.ipv4.udp_wmem_min")->flags & CATALOG_NOOP);
	assert_false(must("net.ipv4.udp_rmem_min")->flags & CATALOG_NOOP);
	assert_false(must("net.ipv4.tcp_sack")->flags & CATALOG_NOOP);

	/* Scope: what a child network namespace of 6.18 shows [V]. */
	assert_int_equal(must("net.ipv4.neigh.default.gc_thresh3")->scope,
	    SCOPE_GLOBAL);
	assert_int_equal(must("net.ipv4.udp_mem")->scope, SCOPE_GLOBAL);
	assert_int_equal(must("net.core.netdev_budget")->scope, SCOPE_GLOBAL);
	assert_int_equal(must("net.core.busy_poll")->scope, SCOPE_GLOBAL);
	assert_int_equal(must("net.core.optmem_max")->scope, SCOPE_NETNS);
	assert_string_equal(must("net.core.optmem_max")->netns_since, "6.8");
	assert_int_equal(must("net.ipv4.udp_rmem_min")->scope, SCOPE_NETNS);
	assert_int_equal(must("net.netfilter.nf_conntrack_buckets")->scope,
	    SCOPE_GLOBAL_RO);

	/* How a child namespace gets its value. */
	assert_int_equal(must("net.ipv4.ip_forward")->default_kind,
	    DEFAULT_INIT_NET);
	assert_int_equal(must("net.ipv4.conf.default.rp_filter")->default_kind,
	    DEFAULT_INIT_NET);
	assert_int_equal(must("net.ipv6.conf.all.forwarding")->default_kind,
	    DEFAULT_FIXED);
	assert_int_equal(must("net.ipv4.udp_mem")->default_kind, DEFAULT_BOOT);
	assert_int_equal(must("net.netfilter.nf_conntrack_buckets")->default_kind,
	    DEFAULT_CT_BUCKETS);
	assert_int_equal(must("net.netfilter.nf_conntrack_max")->default_kind,
	    DEFAULT_CT_MAX);
	assert_int_equal(must("net.core.netdev_budget_usecs")->default_kind,
	    DEFAULT_CONFIG);
	assert_true(must("net.netfilter.nf_conntrack_buckets")->flags &
	    CATALOG_MODULE);
	assert_int_equal(must("net.netfilter.nf_conntrack_tcp_timeout_established")->flags,
	    CATALOG_MODULE | CATALOG_JIFFIES);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted),
		cmocka_unit_test(test_ehash_for_memory),
		cmocka_unit_test(test_ids_unique),
		cmocka_unit_test(test_fixed_ids),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_fixed_histories),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_lookup_id),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_memory_default),
		cmocka_unit_test(test_write_order),
		cmocka_unit_test(test_build_default),
		cmocka_unit_test(test_boot_value),
		cmocka_unit_test(test_in_release),
		cmocka_unit_test(test_check_range),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
