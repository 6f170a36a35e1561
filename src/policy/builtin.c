/*
 * builtin: table of the profiles embedded by profiles_data.S; see builtin.h.
 */
#include <string.h>

#include "builtin.h"

/* Symbols defined by profiles_data.S: start and end of each embedded file. */
extern const char tcpadvise_baseline_yaml[], tcpadvise_baseline_yaml_end[];
extern const char tcpadvise_bbr_yaml[], tcpadvise_bbr_yaml_end[];
extern const char tcpadvise_crawler_yaml[], tcpadvise_crawler_yaml_end[];
extern const char tcpadvise_hardening_yaml[], tcpadvise_hardening_yaml_end[];
extern const char tcpadvise_nginx_yaml[], tcpadvise_nginx_yaml_end[];
extern const char tcpadvise_proxy_yaml[], tcpadvise_proxy_yaml_end[];

#define BUILTIN(n) \
	{ #n, "profiles/" #n ".yaml", tcpadvise_##n##_yaml, tcpadvise_##n##_yaml_end }

/* Sorted by name. */
static const struct builtin_profile table[] = {
	BUILTIN(baseline),
	BUILTIN(bbr),
	BUILTIN(crawler),
	BUILTIN(hardening),
	BUILTIN(nginx),
	BUILTIN(proxy),
};

const struct builtin_profile *
builtin_profiles(size_t *ret_n)
{
	*ret_n = sizeof table / sizeof table[0];
	return table;
}

const struct builtin_profile *
builtin_profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}
