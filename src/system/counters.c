/*
 * counters: TCP counters from /proc/net/{sockstat,netstat,snmp}; see
 * counters.h.
 *
 * Reading. These files are seq_files the kernel fills in one go on the
 * first read(); a second read() continues where the first stopped and,
 * for counters that move all the time, can give values from a later
 * moment than the header. So each file is taken with exactly one read()
 * into a buffer one byte larger than the largest file accepted: a full
 * buffer means the file is larger than that and is refused. On a 6.x
 * kernel netstat is about 5 KiB, far below the limit.
 *
 * Parsing. netstat and snmp hold pairs of lines: "Group: names..." then
 * "Group: values..." with the same group and the same number of fields.
 * Every pair is checked, since a mismatch anywhere means the file is not
 * what we think it is; only the TcpExt and Tcp groups are kept. The text is
 * split in place (lines and tokens become NUL-terminated strings inside the
 * buffer), so parsing allocates nothing. A NUL byte inside a file is
 * refused: the kernel never prints one.
 *
 * Never prints, exits or writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "parse.h"
#include "procfs.h"

/*
 * Read ROOT/rel with one read() into a malloc'ed, NUL-terminated buffer.
 * Returns 0, -ENOENT (missing), -EFBIG, -EBADMSG (a NUL byte inside) or
 * another negative errno.
 */
static int
read_once(const char *root, const char *rel, char **ret)
{
	char path[4096], *buf;
	size_t n;
	int r;

	if ((r = path_join_root(root, rel, path, sizeof path)) < 0 ||
	    (r = procfs_read_path(path, COUNTERS_FILE_MAX, &buf, &n)) < 0)
		return r;
	if (memchr(buf, '\0', n) != NULL) {
		free(buf);
		return -EBADMSG;
	}
	*ret = buf;
	return 0;
}

/* The next line of *p as a string (its '\n' overwritten), or NULL at the end. */
static char *
next_line(char **p)
{
	char *line = *p, *nl;

	if (*line == '\0')
		return NULL;
	nl = strchr(line, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else
		*p = line + strlen(line);
	return line;
}

/* The next blank-separated token of *p (NUL-terminated in place), or NULL. */
static char *
next_token(char **p)
{
	char *s = *p, *tok;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	tok = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return tok;
}

/* A whole token as a number, as the kernel prints it. */
static int
parse_value(const char *tok, long long *ret)
{
	const char *end;

	if (parse_kernel_ll(tok, ret, &end) < 0 || *end != '\0')
		return -EBADMSG;
	return 0;
}

/* Split "Group: rest" at the colon: *ret_rest points after it. */
static int
split_group(char *line, char **ret_rest)
{
	char *colon = strchr(line, ':');

	if (colon == NULL || colon == line)
		return -EBADMSG;
	*colon = '\0';
	*ret_rest = colon + 1;
	return 0;
}

/*
 * Parse the pairs of lines of netstat or snmp in buf, keeping the names
 * and values of group keep in arr[max]. Returns 0 or -EBADMSG.
 */
static int
parse_pairs(char *buf, const char *keep, struct counter *arr, size_t max,
    size_t *ret_n, bool *ret_truncated)
{
	char *p = buf, *hdr, *vals, *names, *values, *name, *val;
	bool seen = false, keeping;
	long long v;
	size_t len;

	*ret_n = 0;
	*ret_truncated = false;
	while ((hdr = next_line(&p)) != NULL) {
		if (hdr[strspn(hdr, " \t")] == '\0')
			continue;
		if ((vals = next_line(&p)) == NULL)
			return -EBADMSG;
		if (split_group(hdr, &names) < 0 || split_group(vals, &values) < 0)
			return -EBADMSG;
		if (strcmp(hdr, vals) != 0)
			return -EBADMSG;
		keeping = strcmp(hdr, keep) == 0;
		if (keeping) {
			/* The kernel prints each group once. */
			if (seen)
				return -EBADMSG;
			seen = true;
		}
		for (;;) {
			name = next_token(&names);
			val = next_token(&values);
			if (name == NULL && val == NULL)
				break;
			if (name == NULL || val == NULL)
				return -EBADMSG;
			if (parse_value(val, &v) < 0)
				return -EBADMSG;
			if (!keeping)
				continue;
			len = strlen(name);
			if (len >= COUNTERS_NAME_MAX || *ret_n >= max) {
				*ret_truncated = true;
				continue;
			}
			memcpy(arr[*ret_n].name, name, len + 1);
			arr[*ret_n].value = v;
			(*ret_n)++;
		}
	}
	return 0;
}

/*
 * "sockets: used N" and "TCP: inuse N orphan N tw N alloc N mem N". Both
 * lines and all five TCP fields are required; unknown fields are ignored.
 */
static int
parse_sockstat(char *buf, struct counters *c)
{
	static const char *const tcp_names[] = {
		"inuse", "orphan", "tw", "alloc", "mem",
	};
	enum { NFIELDS = sizeof tcp_names / sizeof tcp_names[0] };
	long long *const tcp_dst[NFIELDS] = {
		&c->tcp_inuse, &c->tcp_orphan, &c->tcp_tw, &c->tcp_alloc,
		&c->tcp_mem,
	};
	char *p = buf, *line, *rest, *name, *val;
	bool got_sockets = false, got_tcp = false;
	unsigned seen = 0;
	long long v;

	while ((line = next_line(&p)) != NULL) {
		if (line[strspn(line, " \t")] == '\0')
			continue;
		if (split_group(line, &rest) < 0)
			return -EBADMSG;
		if (strcmp(line, "sockets") == 0) {
			if (got_sockets)
				return -EBADMSG;
			name = next_token(&rest);
			val = next_token(&rest);
			if (name == NULL || strcmp(name, "used") != 0 ||
			    val == NULL || parse_value(val, &v) < 0 ||
			    next_token(&rest) != NULL)
				return -EBADMSG;
			c->sockets_used = v;
			got_sockets = true;
		} else if (strcmp(line, "TCP") == 0) {
			if (got_tcp)
				return -EBADMSG;
			got_tcp = true;
			while ((name = next_token(&rest)) != NULL) {
				if ((val = next_token(&rest)) == NULL ||
				    parse_value(val, &v) < 0)
					return -EBADMSG;
				for (unsigned i = 0; i < NFIELDS; i++)
					if (strcmp(name, tcp_names[i]) == 0) {
						if (seen & (1u << i))
							return -EBADMSG;
						seen |= 1u << i;
						*tcp_dst[i] = v;
					}
			}
		}
	}
	if (!got_sockets || !got_tcp || seen != (1u << NFIELDS) - 1)
		return -EBADMSG;
	return 0;
}

int
counters_read(const char *root, struct counters *ret)
{
	char *buf = NULL, path[64];
	int r;

	if (ret == NULL)
		return -EINVAL;
	memset(ret, 0, sizeof *ret);

	r = read_once(root, procfs_net_path(root, "sockstat", path, sizeof path), &buf);
	if (r == 0) {
		if ((r = parse_sockstat(buf, ret)) < 0)
			goto out;
		ret->have_sockstat = true;
	} else if (r != -ENOENT)
		goto out;
	free(buf);
	buf = NULL;

	r = read_once(root, procfs_net_path(root, "netstat", path, sizeof path), &buf);
	if (r == 0) {
		if ((r = parse_pairs(buf, "TcpExt", ret->tcpext,
		    COUNTERS_MAX_TCPEXT, &ret->ntcpext, &ret->tcpext_truncated)) < 0)
			goto out;
		ret->have_netstat = true;
	} else if (r != -ENOENT)
		goto out;
	free(buf);
	buf = NULL;

	r = read_once(root, procfs_net_path(root, "snmp", path, sizeof path), &buf);
	if (r == 0) {
		if ((r = parse_pairs(buf, "Tcp", ret->tcp, COUNTERS_MAX_TCP,
		    &ret->ntcp, &ret->tcp_truncated)) < 0)
			goto out;
		ret->have_snmp = true;
	} else if (r != -ENOENT)
		goto out;
	r = 0;
out:
	free(buf);
	if (r < 0)
		memset(ret, 0, sizeof *ret);
	return r;
}

/* The counter called name in arr[n], or NULL. hint: the likely index. */
static const struct counter *
find_counter(const struct counter *arr, size_t n, const char *name, size_t hint)
{
	if (hint < n && strcmp(arr[hint].name, name) == 0)
		return &arr[hint];
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i].name, name) == 0)
			return &arr[i];
	return NULL;
}

long long
counters_get(const struct counters *c, const char *group, const char *name,
    bool *ret_found)
{
	const struct counter *k = NULL;

	if (c != NULL && group != NULL && name != NULL) {
		if (strcmp(group, "TcpExt") == 0)
			k = find_counter(c->tcpext, c->ntcpext, name, 0);
		else if (strcmp(group, "Tcp") == 0)
			k = find_counter(c->tcp, c->ntcp, name, 0);
	}
	if (ret_found != NULL)
		*ret_found = k != NULL;
	return k != NULL ? k->value : 0;
}

/* Append the rates of one group to out[*n]. */
static void
rates_group(const char *group, const struct counter *a, size_t na,
    const struct counter *b, size_t nb, double seconds,
    struct counters_rate *out, size_t *n)
{
	const struct counter *old;
	long long delta;

	for (size_t i = 0; i < nb; i++) {
		/* Both samples come from the same kernel: same order. */
		if ((old = find_counter(a, na, b[i].name, i)) == NULL)
			continue;
		if (__builtin_sub_overflow(b[i].value, old->value, &delta))
			continue;
		out[*n].group = group;
		memcpy(out[*n].name, b[i].name, sizeof out[*n].name);
		out[*n].delta = delta;
		out[*n].per_second = (double)delta / seconds;
		(*n)++;
	}
}

int
counters_rates(const struct counters *a, const struct counters *b,
    double seconds, struct counters_rate **ret, size_t *ret_n)
{
	struct counters_rate *out;
	size_t n = 0, max, na_ext, nb_ext, na_tcp, nb_tcp;

	if (a == NULL || b == NULL || ret == NULL || ret_n == NULL ||
	    !isfinite(seconds) || seconds <= 0)
		return -EINVAL;
	*ret = NULL;
	*ret_n = 0;
	na_ext = a->ntcpext < COUNTERS_MAX_TCPEXT ? a->ntcpext : COUNTERS_MAX_TCPEXT;
	nb_ext = b->ntcpext < COUNTERS_MAX_TCPEXT ? b->ntcpext : COUNTERS_MAX_TCPEXT;
	na_tcp = a->ntcp < COUNTERS_MAX_TCP ? a->ntcp : COUNTERS_MAX_TCP;
	nb_tcp = b->ntcp < COUNTERS_MAX_TCP ? b->ntcp : COUNTERS_MAX_TCP;
	max = nb_ext + nb_tcp;
	if (max == 0)
		return 0;
	if ((out = calloc(max, sizeof *out)) == NULL)
		return -ENOMEM;
	rates_group("TcpExt", a->tcpext, na_ext, b->tcpext, nb_ext, seconds,
	    out, &n);
	rates_group("Tcp", a->tcp, na_tcp, b->tcp, nb_tcp, seconds, out, &n);
	if (n == 0) {
		free(out);
		return 0;
	}
	*ret = out;
	*ret_n = n;
	return 0;
}
