/*
 * cmd_history: `tcpadvise history`, the numbered transactions of apply,
 * oldest first (the newest last), with the time, the profile, the live keys
 * changed and the files touched, and whether rollback undid them.
 *
 * Only reads: no lock (the history is replaced file by file, atomically),
 * nothing written, not even the migration of an old journal.json, which is
 * listed under the number it will get. Exit 0, also for an empty history;
 * 3 when it cannot be read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "apply.h"
#include "cmd.h"
#include "escape.h"

/* Unix seconds as UTC ISO 8601, "2026-11-22T10:00:00Z". */
static void
iso_time(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "?");
}

/* apply --confirm: its state, the deadline and when it was confirmed;
   null for an ordinary apply. */
static json_t *
confirm_json(const struct apply_txn *t)
{
	char deadline[32], confirmed[32];

	if (t->confirm_deadline == 0)
		return json_null();
	iso_time(t->confirm_deadline, deadline, sizeof deadline);
	iso_time(t->confirmed_time, confirmed, sizeof confirmed);
	return json_pack("{s:s, s:s, s:s?}", "state", t->confirmed_time != 0 ?
	    "confirmed" : t->rolled_back && t->rolled_back_timeout ? "timed-out" :
	    t->rolled_back ? "rolled-back" : "pending", "deadline", deadline,
	    "confirmed_time", t->confirmed_time != 0 ? confirmed : NULL);
}

static int
print_json(const struct apply_history *h)
{
	json_t *list;
	char when[32], rb[32];
	int r = -ENOMEM;

	/* Paths and values may have been kept as base64 (not UTF-8):
	   report_jstr() repairs them for the output. */
	if ((list = json_array()) == NULL)
		return r;
	for (size_t i = 0; i < h->n; i++) {
		const struct apply_txn *t = h->txns[i];
		json_t *live = json_array(), *files = json_array();

		for (size_t k = 0; live != NULL && k < t->nlive; k++)
			json_array_append_new(live, json_pack("{s:s, s:o, s:o}", "key",
			    t->live[k].key, "before", report_jstr(t->live[k].before),
			    "after", report_jstr(t->live[k].after)));
		for (size_t f = 0; files != NULL && f < t->nfiles; f++)
			json_array_append_new(files, json_pack("{s:o, s:s?, s:b, s:b}",
			    "path", report_jstr(t->files[f].path), "why", t->files[f].why, "existed",
			    t->files[f].before != NULL, "removed", t->files[f].after == NULL));
		iso_time(t->time, when, sizeof when);
		iso_time(t->rolled_back_time, rb, sizeof rb);
		if (json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:I, s:o, "
		    "s:o, s:b, s:s?}", "number", (json_int_t)t->number, "time", when,
		    "profile", t->profile, "tool_version", t->tool_version, "live_keys",
		    (json_int_t)t->nlive, "live", live, "files", files, "rolled_back",
		    t->rolled_back, "rolled_back_time", t->rolled_back ? rb : NULL)) < 0 ||
		    json_object_set_new(json_array_get(list, json_array_size(list) - 1),
		    "confirm", confirm_json(t)) < 0) {
			json_decref(list);
			return r;
		}
	}
	return cmd_print_json(json_pack("{s:i, s:s, s:o}", "schema_version", 1,
	    "tool_version", TCPADVISE_VERSION, "transactions", list));
}

static int
print_text(const struct apply_history *h)
{
	int wprof = (int)strlen("profile");
	size_t nrb = 0;
	char when[32];
	char **prof;

	if (h->n == 0) {
		printf("no applies yet: the history is empty\n");
		return 0;
	}
	/* The names as they are shown (escaped), to measure the column. */
	if ((prof = calloc(h->n, sizeof *prof)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < h->n; i++) {
		if ((prof[i] = term_escape(h->txns[i]->profile, 0)) == NULL) {
			while (i > 0)
				free(prof[--i]);
			free(prof);
			return -ENOMEM;
		}
		if ((int)strlen(prof[i]) > wprof)
			wprof = (int)strlen(prof[i]);
		nrb += h->txns[i]->rolled_back;
	}
	printf("apply  %-20s  %-*s  keys  files\n", "time (UTC)", wprof, "profile");
	for (size_t i = 0; i < h->n; i++) {
		const struct apply_txn *t = h->txns[i];

		iso_time(t->time, when, sizeof when);
		printf("%5lu  %-20s  %-*s  %4zu  ", t->number, when, wprof, prof[i],
		    t->nlive);
		free(prof[i]);
		for (size_t f = 0; f < t->nfiles; f++) {
			fputs(f ? ", " : "", stdout);
			term_fputs(t->files[f].path, stdout);
		}
		if (t->nfiles == 0)
			printf("-");
		if (t->rolled_back && t->rolled_back_timeout)
			printf("  [rolled back (not confirmed in time)]");
		else if (t->rolled_back)
			printf("  [rolled back]");
		else if (apply_txn_pending(t))
			printf("  [waits for confirmation]");
		else if (t->confirm_deadline != 0)
			printf("  [confirmed]");
		if (h->legacy && i == h->n - 1)
			printf("  [from %s]", APPLY_LEGACY_JOURNAL_PATH);
		printf("\n");
	}
	printf("%zu appl%s, %zu rolled back\n", h->n, h->n == 1 ? "y" : "ies", nrb);
	free(prof);
	return 0;
}

int
cmd_history(const struct options *o)
{
	struct apply_history h;
	int r, status = TA_EXIT_OK;

	memset(&h, 0, sizeof h);
	if ((r = apply_history_read(o->root, &h)) < 0)
		return cmd_history_error(o, &h, r);
	if (o->format == FORMAT_JSON) {
		if (print_json(&h) < 0) {
			cmd_error(o, "cannot write the output");
			status = TA_EXIT_SYSTEM;
		}
	} else if (print_text(&h) < 0) {
		cmd_error(o, "out of memory");
		status = TA_EXIT_SYSTEM;
	}
	apply_history_clear(&h);
	return status;
}
