/*
 * cmd_profiles: `tcpadvise profiles [NAME]`.
 *
 * Without NAME: every profile that can be named, with its description and
 * where it was found (a file, or built into the binary). With NAME: the
 * YAML text of that profile, so an operator can read exactly what is
 * checked, or copy it as the start of a profile of their own.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "cmd.h"

static int
list(const struct options *o)
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
	diag_print_all(stderr, o->prog, &d);
	if (d.nerrors > 0)
		status = TA_EXIT_USAGE;
	diag_list_clear(&d);

	if (o->format == FORMAT_JSON) {
		json_t *a = json_array();

		for (size_t i = 0; a != NULL && i < n; i++) {
			json_t *aliases = json_array();

			for (size_t j = 0; aliases != NULL && j < info[i].naliases; j++)
				json_array_append_new(aliases, json_string(info[i].aliases[j]));
			json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o, s:o}",
			    "name", info[i].name, "description", info[i].description,
			    "origin", info[i].origin, "aliases", aliases,
			    "shadows", info[i].shadows ? json_string(info[i].shadows) :
			    json_null()));
		}
		if (a == NULL || json_dumpf(a, stdout, JSON_INDENT(2)) < 0)
			status = TA_EXIT_SYSTEM;
		fputc('\n', stdout);
		json_decref(a);
	} else {
		for (size_t i = 0; i < n; i++) {
			printf("%-10s %s\n", info[i].name, info[i].description);
			printf("%-10s found: %s", "", info[i].origin);
			if (info[i].naliases > 0) {
				printf("; aliases:");
				for (size_t j = 0; j < info[i].naliases; j++)
					printf(" %s", info[i].aliases[j]);
			}
			if (info[i].shadows != NULL)
				printf("; hides %s", info[i].shadows);
			putchar('\n');
		}
	}
	profile_info_free(info, n);
	return status;
}

/* Print the YAML text of one profile: the file, or the built-in text. */
static int
show(const struct options *o, const char *name)
{
	struct profile *p = NULL;
	const struct builtin_profile *b;
	int status;
	FILE *f;
	char buf[8192];
	size_t n;

	status = cmd_load_profile(o, name, &p);
	if (status != TA_EXIT_OK)
		return status;
	if (strcmp(p->origin, "built-in") == 0) {
		b = builtin_profile_find(p->name);
		if (b != NULL)
			fwrite(b->data, 1, (size_t)(b->end - b->data), stdout);
	} else if ((f = fopen(p->origin, "re")) != NULL) {
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			fwrite(buf, 1, n, stdout);
		fclose(f);
	} else {
		cmd_error(o, "cannot read '%s': %s", p->origin, strerror(errno));
		status = TA_EXIT_SYSTEM;
	}
	profile_free(p);
	return status;
}

int
cmd_profiles(const struct options *o)
{
	if (o->nargs == 1)
		return show(o, o->args[0]);
	return list(o);
}
