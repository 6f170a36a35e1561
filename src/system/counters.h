/*
 * counters: the kernel's cumulative TCP counters and socket totals, read
 * from ROOT/proc/net/sockstat, ROOT/proc/net/netstat (group TcpExt) and
 * ROOT/proc/net/snmp (group Tcp).
 *
 * Owns: a struct counters filled by value (no allocation inside it) and the
 * rate array of counters_rates(), which the caller frees with free().
 * Never: prints, exits, writes, or judges what a value means (the evidence
 * rules do that).
 *
 * Calling sequence:
 *   struct counters a, b;
 *   r = counters_read(root, &a);
 *   ... sleep S seconds ...
 *   r = counters_read(root, &b);
 *   r = counters_rates(&a, &b, S, &rates, &nrates);
 *   ... counters_get(&b, "TcpExt", "ListenOverflows", &found) ...
 *   free(rates);
 *
 * Scope: sockstat's orphan, alloc and mem are global to the host; every
 * other field, and all of netstat and snmp, belong to the network namespace
 * of the process that opened the files.
 *
 * Error handling: a missing file is not an error (its have_* flag stays
 * false); a file that is present but unreadable, too large or malformed
 * makes counters_read() fail as a whole.
 */
#ifndef TCPADVISE_COUNTERS_H
#define TCPADVISE_COUNTERS_H

#include <stdbool.h>
#include <stddef.h>

#define COUNTERS_FILE_MAX	65536	/* larger files are refused (-EFBIG) */
#define COUNTERS_NAME_MAX	48	/* bytes of a counter name, NUL included */
#define COUNTERS_MAX_TCPEXT	256
#define COUNTERS_MAX_TCP	64

struct counter {
	char name[COUNTERS_NAME_MAX];
	long long value;
};

struct counters {
	/* /proc/net/sockstat "sockets: used N" and
	   "TCP: inuse N orphan N tw N alloc N mem N" (mem in pages) */
	long long sockets_used, tcp_inuse, tcp_orphan, tcp_tw, tcp_alloc, tcp_mem;
	/* /proc/net/netstat TcpExt and /proc/net/snmp Tcp: name/value pairs in
	   the kernel's order. Names beyond the array, or longer than
	   COUNTERS_NAME_MAX-1 bytes, are left out and the *_truncated flag
	   says so. */
	struct counter tcpext[COUNTERS_MAX_TCPEXT], tcp[COUNTERS_MAX_TCP];
	size_t ntcpext, ntcp;
	bool tcpext_truncated, tcp_truncated;
	bool have_sockstat, have_netstat, have_snmp;
};

/*
 * Read the three files below root ("/" or NULL for the running system),
 * each with a single read() into a buffer of COUNTERS_FILE_MAX+1 bytes:
 * procfs files are produced by the kernel on the first read, and reading in
 * pieces can mix two moments.
 *
 * netstat and snmp are lines in pairs, "Group: name name ..." then
 * "Group: value value ..."; every pair is checked (same group, same number
 * of fields), but only TcpExt and Tcp are kept. Values are parsed with
 * parse_kernel_ll(), so negative ones (Tcp MaxConn is -1) are accepted and
 * values beyond long long are not. sockstat needs its "sockets:" and "TCP:"
 * lines; other lines (UDP, RAW, FRAG...) are ignored.
 *
 * *ret is cleared first and filled. Returns 0 (also when some or all files
 * are missing: see the have_* flags), -EBADMSG (a malformed file), -EFBIG
 * (a file larger than COUNTERS_FILE_MAX), -ENAMETOOLONG, -ENOMEM, or the
 * negative errno of open()/read() (-EACCES...). On failure *ret is cleared.
 */
int counters_read(const char *root, struct counters *ret);

/*
 * The value of counter name in group "TcpExt" or "Tcp". *ret_found (if not
 * NULL) says whether it was there; a missing counter, or another group,
 * gives 0 and false. Counter names are case-sensitive, as the kernel
 * prints them ("ListenOverflows", "CurrEstab").
 */
long long counters_get(const struct counters *c, const char *group,
    const char *name, bool *ret_found);

/* The change of one counter between two samples. */
struct counters_rate {
	const char *group;		/* "TcpExt" or "Tcp" (static string) */
	char name[COUNTERS_NAME_MAX];
	long long delta;		/* b - a */
	double per_second;		/* delta / seconds */
};

/*
 * (b - a) / seconds for every TcpExt and Tcp counter present in both
 * samples, TcpExt first, each group in b's order. A few Tcp fields are
 * gauges rather than counters (CurrEstab, MaxConn, RtoMin...): their
 * "rate" is the change per second and may be negative. A counter whose
 * difference does not fit in long long is left out.
 *
 * On success *ret is malloc'ed (NULL when *ret_n is 0) and the caller frees
 * it with free(). Returns 0, -EINVAL (NULL arguments, or seconds not a
 * positive finite number) or -ENOMEM.
 */
int counters_rates(const struct counters *a, const struct counters *b,
    double seconds, struct counters_rate **ret, size_t *ret_n);

#endif
