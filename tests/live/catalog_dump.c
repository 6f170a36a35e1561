/*
 * catalog_dump: print the catalog as it applies to the running kernel, one
 * key a line, for tests/live/t-10-catalog.sh (test code, not installed):
 *
 *   name TAB scope TAB kind TAB default TAB present TAB flags
 *
 * scope: netns, global or global_ro. kind: fixed, ehash_half, ehash_synq,
 * init_net, boot, ct_buckets, ct_max, config, random or none. default: "="
 * followed by the canonical text when the catalog knows the default on this
 * host ("=" alone for an empty value), "-" when it does not. present: 1 if the catalog says
 * the key exists in this release. flags: comma-separated names or "-".
 *
 * Usage: catalog_dump [RELEASE [EHASH]]. Without arguments the release is
 * uname's and EHASH is |net.ipv4.tcp_ehash_entries| of the caller's network
 * namespace (negative there when the namespace shares the global table).
 * Exit status 0, or 2 for bad arguments and output errors.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "catalog.h"
#include "parse.h"

static const char *
scope_token(enum catalog_scope s)
{
	switch (s) {
	case SCOPE_NETNS:
		return "netns";
	case SCOPE_GLOBAL:
		return "global";
	case SCOPE_GLOBAL_RO:
		return "global_ro";
	}
	return "?";
}

static const char *
kind_token(enum catalog_default_kind k)
{
	switch (k) {
	case DEFAULT_FIXED:
		return "fixed";
	case DEFAULT_EHASH_HALF:
		return "ehash_half";
	case DEFAULT_EHASH_SYNQ:
		return "ehash_synq";
	case DEFAULT_INIT_NET:
		return "init_net";
	case DEFAULT_BOOT:
		return "boot";
	case DEFAULT_CT_BUCKETS:
		return "ct_buckets";
	case DEFAULT_CT_MAX:
		return "ct_max";
	case DEFAULT_CONFIG:
		return "config";
	case DEFAULT_RANDOM:
		return "random";
	case DEFAULT_NONE:
		return "none";
	}
	return "?";
}

static void
print_flags(unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ CATALOG_JIFFIES, "jiffies" },
		{ CATALOG_NOOP, "noop" },
		{ CATALOG_SECRET, "secret" },
		{ CATALOG_MODULE, "module" },
		{ CATALOG_READONLY, "readonly" },
	};
	const char *sep = "";

	if (flags == 0) {
		fputs("-", stdout);
		return;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (flags & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = ",";
		}
}

/* |tcp_ehash_entries| of this network namespace, 0 when unknown. */
static long long
read_ehash(void)
{
	char buf[64];
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_ehash_entries", "re");
	long long v = 0;
	const char *err;
	size_t len;

	if (f == NULL)
		return 0;
	if (fgets(buf, sizeof buf, f) == NULL) {
		fclose(f);
		return 0;
	}
	fclose(f);
	len = strcspn(buf, "\n");
	buf[len] = '\0';
	if (parse_ll(buf, -LLONG_MAX, LLONG_MAX, &v, &err) < 0)
		return 0;
	return v < 0 ? -v : v;
}

int
main(int argc, char **argv)
{
	struct catalog_host host = { { 0, 0, 0 }, 0 };
	const struct catalog_entry *t;
	struct utsname u;
	const char *err;
	size_t n;

	if (argc > 3) {
		fputs("usage: catalog_dump [RELEASE [EHASH]]\n", stderr);
		return 2;
	}
	if (argc > 1) {
		if (kver_parse(argv[1], &host.kernel) < 0) {
			fprintf(stderr, "catalog_dump: bad release '%s'\n", argv[1]);
			return 2;
		}
	} else if (uname(&u) < 0 || kver_parse(u.release, &host.kernel) < 0) {
		fputs("catalog_dump: cannot read the kernel release\n", stderr);
		return 2;
	}
	if (argc > 2) {
		if (parse_ll(argv[2], 0, LLONG_MAX, &host.ehash_entries, &err) < 0) {
			fprintf(stderr, "catalog_dump: ehash '%s' is %s\n", argv[2],
			    err);
			return 2;
		}
	} else
		host.ehash_entries = read_ehash();

	t = catalog_entries(&n);
	for (size_t i = 0; i < n; i++) {
		const struct catalog_entry *e = &t[i];
		char def[VALUE_STR_MAX];
		int r = catalog_default(e, &host, def, sizeof def);

		printf("%s\t%s\t%s\t%s%s\t%d\t", e->name, scope_token(e->scope),
		    kind_token(e->default_kind), r == 0 ? "=" : "-",
		    r == 0 ? def : "", catalog_in_release(e, &host.kernel) ? 1 : 0);
		print_flags(e->flags);
		putchar('\n');
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fputs("catalog_dump: write error\n", stderr);
		return 2;
	}
	return 0;
}
