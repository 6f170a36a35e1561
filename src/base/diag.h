/*
 * diag: a list of diagnostics about input files (profiles, sysctl.d files).
 *
 * Owns: the list and every string in it.
 * Never: prints. Parsers add entries and keep going; only main.c prints them,
 * so that every error of a file is reported in one pass.
 *
 * Positions are 1-based; line 0 means "no line", col 0 means "no column".
 *
 * Calling sequence:
 *   struct diag_list d = DIAG_LIST_INIT;
 *   diag_add(&d, DIAG_ERROR, "x.yaml", 3, 5, "unknown field '%s'", name);
 *   ... if (d.nerrors > 0) print them all, exit 2 ...
 *   diag_list_clear(&d);
 */
#ifndef TCPADVISE_DIAG_H
#define TCPADVISE_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum diag_severity {
	DIAG_ERROR,
	DIAG_WARNING,
};

struct diag {
	enum diag_severity severity;
	char *file;		/* NULL when the message is about no file */
	unsigned line;		/* 1-based; 0: none */
	unsigned col;		/* 1-based; 0: none */
	char *msg;		/* lowercase start, no trailing full stop */
};

struct diag_list {
	struct diag *items;
	size_t n;
	size_t alloc;
	size_t nerrors;		/* entries with DIAG_ERROR */
};

#define DIAG_LIST_INIT { NULL, 0, 0, 0 }

/*
 * Append a diagnostic. The message is formatted with vsnprintf and copied;
 * file is copied. Returns 0, or -ENOMEM (the list is left as it was).
 */
int diag_add(struct diag_list *l, enum diag_severity sev, const char *file,
    unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Release every entry; the list is empty and reusable afterwards. */
void diag_list_clear(struct diag_list *l);

/*
 * Write one diagnostic as "prog: FILE:LINE:COL: message\n" (parts without a
 * value left out; warnings get "warning: " before the message), the file
 * name and the message escaped by term_fputs() (escape.h): they quote
 * input. Returns 0, or -1 when writing failed.
 */
int diag_print(FILE *f, const char *prog, const struct diag *d);

/* Print every entry in order with diag_print(). */
void diag_print_all(FILE *f, const char *prog, const struct diag_list *l);

#endif
