/*
 * diag: collected diagnostics about input files; see diag.h.
 * Never prints on its own: diag_print() writes only where the caller says,
 * with the file name and the message escaped by term_fputs().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "escape.h"

int
diag_add(struct diag_list *l, enum diag_severity sev, const char *file,
    unsigned line, unsigned col, const char *fmt, ...)
{
	struct diag d = { sev, NULL, line, col, NULL };
	va_list ap;
	int r;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 8;
		struct diag *ni = realloc(l->items, na * sizeof *ni);

		if (ni == NULL)
			return -ENOMEM;
		l->items = ni;
		l->alloc = na;
	}
	va_start(ap, fmt);
	r = vasprintf(&d.msg, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	if (file != NULL && (d.file = strdup(file)) == NULL) {
		free(d.msg);
		return -ENOMEM;
	}
	l->items[l->n++] = d;
	if (sev == DIAG_ERROR)
		l->nerrors++;
	return 0;
}

void
diag_list_clear(struct diag_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].file);
		free(l->items[i].msg);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->alloc = l->nerrors = 0;
}

int
diag_print(FILE *f, const char *prog, const struct diag *d)
{
	char pos[64] = "";

	if (d->line > 0 && d->col > 0)
		snprintf(pos, sizeof pos, ":%u:%u", d->line, d->col);
	else if (d->line > 0)
		snprintf(pos, sizeof pos, ":%u", d->line);
	/* The file name and the message quote input: escaped. */
	if (fprintf(f, "%s: ", prog) < 0 || term_fputs(d->file, f) == EOF ||
	    fprintf(f, "%s%s%s", pos, d->file ? ": " : "",
	    d->severity == DIAG_WARNING ? "warning: " : "") < 0 ||
	    term_fputs(d->msg, f) == EOF || fputc('\n', f) == EOF)
		return -1;
	return 0;
}

void
diag_print_all(FILE *f, const char *prog, const struct diag_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		diag_print(f, prog, &l->items[i]);
}
