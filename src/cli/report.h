/*
 * report: rendering of check results as text, JSON or the Prometheus
 * textfile-collector format.
 *
 * Owns: nothing beyond one call. JSON is built with jansson, never by hand.
 * Text from outside is escaped (escape.h) in every format.
 * Never: decides anything. What is a finding and what the exit status is
 * are decided elsewhere; this module only writes.
 */
#ifndef TCPADVISE_REPORT_H
#define TCPADVISE_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "profile.h"
#include "rules.h"
#include "snapshot.h"

enum report_format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_PROMETHEUS,
	/* export only: other tools' formats (export.h) */
	FORMAT_KUBERNETES,
	FORMAT_DOCKER,
	FORMAT_SYSCTL,
	FORMAT_ANSIBLE,
};

/* Returns 0 or -EINVAL. */
int report_format_parse(const char *s, enum report_format *ret);

/* "text", "json", "prometheus", "kubernetes", "docker", "sysctl", "ansible". */
const char *report_format_name(enum report_format f);

struct report_opts {
	bool color;		/* ANSI colours (only on a terminal, never with NO_COLOR) */
	int verbosity;		/* -1 quiet, 0 normal, 1 verbose */
	enum severity fail_on;	/* shown in the summary */
	bool fail_never;
	time_t now;		/* the check's timestamp (Prometheus) */
	bool no_evidence;	/* check: neither sockets nor counters could be
				   read (JSON "missing") */
};

/* JSON schema version of `check --format json`; bumped only on incompatible changes. */
#define REPORT_SCHEMA_VERSION 1

/*
 * Write the result of a check. Returns 0, -ENOMEM, or -EIO when writing
 * failed (the caller also checks ferror/fclose of the stream).
 */
int report_check(FILE *out, enum report_format fmt, const struct report_opts *o,
    const struct profile *p, const struct snapshot *s, const struct findings *f);

/*
 * Write text wrapped at width columns; continuation lines start with indent
 * spaces; the first line starts at column `start` (already written). The
 * text is escaped first (term_escape(), escape.h: it quotes input) and
 * measured as it is shown. Breaks only at spaces, so multi-byte UTF-8 is
 * never split.
 */
void report_wrap(FILE *out, const char *text, int start, int indent, int width);

/* Write "    LABEL" and then text (escaped) wrapped under itself at 78
   columns. */
void report_field(FILE *out, const char *label, const char *text);

/* Findings grouped by severity (critical first) under "CRITICAL (n)"
   headings (not with -q), each written by one(). */
void report_groups(FILE *out, const struct report_opts *o, const struct findings *f,
    void (*one)(FILE *, const struct report_opts *, const struct finding *));

/* "summary: 1 critical, 2 warning, 0 info (failing at warning and above)" */
void report_summary(FILE *out, const struct report_opts *o, const struct findings *f);

/* One finding as the JSON object of `check --format json` (new reference,
   NULL on failure). */
json_t *report_finding_json(const struct finding *f);

/* Every finding as report_finding_json() makes it, in an array (new
   reference, NULL on failure). */
json_t *report_findings_json(const struct findings *f);

/* {"critical", "warning", "info", "total"} counts (new reference). */
json_t *report_summary_json(const struct findings *f);

/* Whether the finding is about one configuration line (TA-L, TA-U and
   TA-C findings but TA-C004, that name a file and line): shown by its
   position. */
bool report_about_line(const struct finding *f);

/* The "fix:", "now:" and "not fixable here:" lines of a finding. */
void report_fix(FILE *out, const struct finding *f);

/* The remedy object of the JSON output: {action, key, value, file, line,
   live, persist, live_value, disable: [{action, file, line, mask,
   managed_by, regenerated, why}]} (new reference, NULL on failure). */
json_t *report_remedy_json(const struct remedy *r);

/* One finding in the text layout of `check` (one line with -q). */
void report_finding_text(FILE *out, const struct report_opts *o,
    const struct finding *f);

/*
 * The gauges NAMEs{severity} and NAME{id,key,severity,kind} of the findings
 * ("tcpadvise_finding" for check; states uses its own name so that both
 * files can sit in one textfile-collector directory without a series
 * appearing twice). what is the HELP text's subject.
 */
void report_prom_findings(FILE *out, const char *name, const char *what,
    const struct findings *f);

/* A Prometheus label value: backslash, double quote and newline escaped as
   the exposition format wants; any other control byte and invalid UTF-8 as
   the text \xNN that term_escape() shows (escape.h). */
void report_prom_label(FILE *out, const char *s);

/* A JSON string of outside text (new reference): NULL gives JSON null, and
   invalid UTF-8, which json_string() refuses, becomes U+FFFD. NULL only
   when out of memory. */
json_t *report_jstr(const char *s);

/*
 * Write root (JSON_INDENT(2) and the like in flags) and a newline to out,
 * with DEL and the C1 controls as \u escapes (json_escape_controls()): the
 * one way every command writes JSON. root NULL (a failed json_pack()) gives
 * -ENOMEM. Returns 0, -ENOMEM or -EIO. Does not release root.
 */
int report_json_write(FILE *out, json_t *root, size_t flags);

/* From now on report_json_write() writes compact JSON whatever the flags:
   for a namespace worker, whose output only the parent reads. */
void report_json_compact(void);

/* ANSI sequence or "" when colour is off. */
const char *report_color(const struct report_opts *o, const char *what);

#endif
