/*
 * catalog: the compiled-in facts about every sysctl tcpadvise knows.
 *
 * Owns: a static, sorted, read-only table. Facts only, never policy: what
 * the kernel accepts and what it defaults to, not what anybody should set
 * (that is the profiles' job). Every fact comes from the kernel source, an
 * upstream commit, ip-sysctl.rst or a measurement on a running kernel, and
 * its entry says which.
 * Never: allocates, prints, touches /proc.
 *
 * Checklist: adding a new sysctl
 *   1. Add the entry in strict strcmp() order of name (a unit test checks
 *      the order and that ids are unique).
 *   2. Give it the next unused id. Ids appear in finding IDs (TA-D<id>,
 *      TA-U<id>, ...) and never change or get reused, even when a key is
 *      dropped from the table.
 *   3. Fill shape, nfields, kernel range, sane range, default history,
 *      scope, releases, unit, description; cite the evidence in a comment.
 *   4. If the default depends on the host, choose the default_kind that
 *      says how, so the live test does not expect a fixed value.
 *   5. Run `make check` as root: the live test compares the fixed defaults
 *      with a fresh network namespace of the running kernel.
 */
#ifndef TCPADVISE_CATALOG_H
#define TCPADVISE_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "parse.h"

/* Where the key lives with respect to network namespaces. */
enum catalog_scope {
	SCOPE_NETNS,		/* per network namespace, writable in a child */
	SCOPE_GLOBAL,		/* init netns only: absent in a child netns */
	SCOPE_GLOBAL_RO,	/* global, but visible read-only in a child netns */
};

/* How the kernel arrives at the default value. */
enum catalog_default_kind {
	DEFAULT_FIXED,		/* compile-time constant; history in defaults[] */
	DEFAULT_EHASH_HALF,	/* ehash entries / 2 (tcp_max_tw_buckets, tcp_max_orphans) */
	DEFAULT_EHASH_SYNQ,	/* max(128, ehash entries / 128) (tcp_max_syn_backlog, >= 5.4) */
	DEFAULT_INIT_NET,	/* a child netns copies init_net's value (tcp_rmem, cc) */
	DEFAULT_BOOT,		/* computed from memory at boot (tcp_mem, udp_mem) */
	DEFAULT_CT_BUCKETS,	/* from total RAM when conntrack starts, unless the
				   hashsize= module parameter says (nf_conntrack_buckets) */
	DEFAULT_CT_MAX,		/* nf_conntrack_buckets times a factor (nf_conntrack_max) */
	DEFAULT_CONFIG,		/* a kernel config option (default_qdisc) */
	DEFAULT_RANDOM,		/* random per boot (tcp_fastopen_key) */
	DEFAULT_NONE,		/* removed key, or a value the kernel derives at run time */
};

/* One step in the history of a default: value from release `since` on. */
struct catalog_default {
	const char *since;	/* "2.6.12" stands for "before git history" */
	const char *value;	/* canonical text, fields separated by one space */
};

enum {
	CATALOG_JIFFIES  = 1 << 0,	/* seconds stored as jiffies: max INT_MAX/HZ */
	CATALOG_NOOP     = 1 << 1,	/* present but has no effect any more */
	CATALOG_SECRET   = 1 << 2,	/* mode 0600: never print its value */
	CATALOG_MODULE   = 1 << 3,	/* exists only while a module is loaded */
	CATALOG_READONLY = 1 << 4,	/* read-only even in init netns (informational keys) */
};

struct catalog_entry {
	unsigned id;			/* stable, see the checklist */
	const char *name;		/* dotted form, e.g. "net.ipv4.tcp_fin_timeout" */
	enum value_shape shape;
	unsigned nfields;		/* SHAPE_VECTOR: number of fields; else 1 */
	long long kmin, kmax;		/* per field: what the kernel accepts */
	long long smin, smax;		/* per field: what is sane (kmin<=smin<=smax<=kmax) */
	enum catalog_default_kind default_kind;
	const struct catalog_default *defaults;	/* DEFAULT_FIXED: ascending by
						   release, ends with {NULL, NULL};
						   DEFAULT_INIT_NET: NULL, or what
						   the initial namespace boots with;
						   others: NULL or a note-only history */
	enum catalog_scope scope;
	const char *netns_since;	/* release it became per-netns; NULL if global */
	const char *since;		/* first release that has it */
	const char *removed;		/* first release without it; NULL if present */
	unsigned flags;
	const char *unit;		/* "seconds", "milliseconds", "pages", "bytes", ... or NULL */
	const char *description;	/* one line, no trailing full stop */
};

/* The whole table, sorted by name; *ret_n gets its length. */
const struct catalog_entry *catalog_entries(size_t *ret_n);

/* Exact lookup of a dotted name (bsearch). NULL if unknown. */
const struct catalog_entry *catalog_lookup(const char *name);

/* Lookup by id. NULL if unknown. */
const struct catalog_entry *catalog_lookup_id(unsigned id);

/*
 * The closest known name for an unknown one, for "did you mean": a name
 * that ends in ".<name>" (so "tcp_fin_timeout" finds
 * "net.ipv4.tcp_fin_timeout") ranks first, then the smallest Levenshtein
 * distance within a threshold (about a third of the length, at least 2).
 * NULL when nothing is close enough.
 */
const char *catalog_suggest(const char *name);

/* Facts about the running host that some defaults depend on. */
struct catalog_host {
	struct kver kernel;
	long long ehash_entries;	/* |net.ipv4.tcp_ehash_entries|, 0 = unknown */
	long long mem_bytes;		/* MemTotal, 0 = unknown (--memory, or read) */
	long long page_size;		/* bytes; 0 = 4096 */
	char default_cc[32];		/* the build's default congestion control, or "" */
	char default_qdisc[32];		/* the build's default qdisc, or "" */
	unsigned hz;			/* the build's CONFIG_HZ, 0 = unknown */
};

/*
 * The default this key has on this host, as canonical text in buf:
 * DEFAULT_FIXED: the last history entry whose `since` <= host->kernel;
 * EHASH kinds: computed from host->ehash_entries (the formula in force on
 * host->kernel); memory-derived defaults (tcp_mem, udp_mem, the tcp_rmem and
 * tcp_wmem vectors of the initial namespace, nf_conntrack_max and
 * nf_conntrack_buckets): computed from host->mem_bytes the way the kernel
 * does at boot. The kernel starts from the free buffer pages at boot,
 * slightly less than MemTotal, so tcp_mem and udp_mem come out up to about
 * 1% high; the others are clamped and come out exact on hosts with a few
 * GiB. Returns 0; -ENODATA when it cannot be known here (other kinds,
 * ehash or memory unknown, key not in this release); -ENOBUFS.
 */
int catalog_default(const struct catalog_entry *e,
    const struct catalog_host *host, char *buf, size_t size);

/*
 * For a DEFAULT_INIT_NET key with a history: the value the initial network
 * namespace boots with on host->kernel (the last history entry whose
 * `since` <= host->kernel). A new namespace copies the initial one's
 * value at the time, so this is its default only where the host did not
 * change it. Same returns as catalog_default(); -ENODATA for other kinds.
 */
int catalog_boot_value(const struct catalog_entry *e,
    const struct catalog_host *host, char *buf, size_t size);

/*
 * Whether the key exists in this release according to the catalog:
 * since <= kernel < removed.
 */
bool catalog_in_release(const struct catalog_entry *e, const struct kver *k);

/*
 * Check a parsed value against the kernel range (field by field; shape and
 * field count must match exactly). Returns 0 or -ERANGE/-EINVAL with a
 * message in *errstr like "must be between 0 and 2" (static storage is not
 * acceptable: the message is written to buf and *errstr points there).
 */
int catalog_check_range(const struct catalog_entry *e, const struct value *v,
    bool sane, char *buf, size_t size, const char **errstr);

/*
 * The order in which keys are written, live and in a fragment: by name,
 * except that keys whose write resets others come first. Writing
 * net.ipv4.ip_forward (or conf.all.forwarding, the same setting) sets
 * accept_redirects of every interface to the opposite, so it must precede
 * the redirect settings (inet_forward_change() in net/ipv4/devinet.c).
 * A strcmp()-style comparison of two dotted names.
 */
int catalog_write_cmp(const char *a, const char *b);

/*
 * The number of buckets of the TCP established hash the kernel allocates
 * at boot on a host with mem_bytes of memory and no thash_entries= on its
 * command line: one per 128 KiB, the memory rounded up to whole MiB, then
 * up to a power of two, at least 512 and at most 524288
 * (alloc_large_system_hash("TCP established", ..., 17, ...) in tcp_init(),
 * net/ipv4/tcp.c). The kernel counts its low-memory pages, a little more
 * than MemTotal, so a host just below a power of two can get the next
 * one. 0 when mem_bytes is not positive. What DEFAULT_EHASH_* keys derive
 * from where tcp_ehash_entries cannot be read.
 */
long long catalog_ehash_for_memory(long long mem_bytes);

/* What catalog_default() derives this key's default from on a host. */
enum catalog_basis {
	BASIS_RELEASE,		/* the release alone (the history) */
	BASIS_MEMORY,		/* the host's memory */
	BASIS_HASH,		/* the size of the TCP hash table */
	BASIS_BUILD,		/* the kernel's build configuration */
	BASIS_NONE,		/* nothing: it cannot be known */
};
enum catalog_basis catalog_default_basis(const struct catalog_entry *e);

const char *catalog_scope_name(enum catalog_scope s);	/* "per-netns", "global", "global (read-only in a child netns)" */
const char *catalog_shape_name(const struct catalog_entry *e);	/* "integer", "vector of 3 integers", ... */

#endif
