/*
 * builtin: the shipped profiles, compiled into the binary from the YAML files in profiles/
 * so that tcpadvise works the same installed or from the build tree.
 * Never: parses them (profile.c does).
 */
#ifndef TCPADVISE_BUILTIN_H
#define TCPADVISE_BUILTIN_H

#include <stddef.h>

struct builtin_profile {
	const char *name;	/* "nginx" */
	const char *file;	/* "profiles/nginx.yaml", for messages */
	const char *data;	/* the YAML text, NUL-terminated at end */
	const char *end;	/* one past the last byte: size = end - data */
};

/* All built-in profiles, sorted by name. */
const struct builtin_profile *builtin_profiles(size_t *ret_n);

/* By exact name (aliases are the profile loader's business). NULL if none. */
const struct builtin_profile *builtin_profile_find(const char *name);

#endif
