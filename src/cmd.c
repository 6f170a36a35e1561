/*
 * cmd: helpers every command shares: error printing and profile loading
 * with the search order of the options; see cmd.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "cmd.h"

void
cmd_error(const struct options *o, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", o->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct profile_search
cmd_search(const struct options *o)
{
	struct profile_search search = { o->profile_dirs, o->nprofile_dirs };

	return search;
}

int
cmd_load_profile(const struct options *o, const char *name, struct profile **ret)
{
	struct profile_search search = cmd_search(o);
	struct diag_list d = DIAG_LIST_INIT;
	int r;

	r = profile_load(name, &search, ret, &d);
	diag_print_all(stderr, o->prog, &d);
	diag_list_clear(&d);
	if (r == -ENOMEM) {
		cmd_error(o, "out of memory");
		return TA_EXIT_SYSTEM;
	}
	return r < 0 ? TA_EXIT_USAGE : TA_EXIT_OK;
}
