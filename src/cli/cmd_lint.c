/*
 * cmd_lint: `tcpadvise lint FILE...`, checking sysctl.conf and sysctl.d
 * files before they reach a host (a pre-commit hook, a CI job).
 *
 * The files are read as given (relative or absolute, never below --root)
 * and judged on their own: no /proc is read, the kernel is --kernel or the
 * running one. With no file, lint judges the files the appliers read below
 * --root (default /), in their order, as `check` does, without the live
 * values. Load the profile (errors: exit 2), read every file (one that
 * cannot be read: exit 2 and nothing else is done), run lint_eval(), print
 * the findings as text or JSON, exit 1 when one reaches --fail-on.
 */
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "escape.h"
#include "fragment.h"
#include "lint.h"
#include "snapshot.h"

/* --- text ------------------------------------------------------------ */

static void
text_finding(FILE *out, const struct report_opts *ro, const struct finding *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	if (ro->verbosity < 0) {
		term_fputs(f->file ? f->file : "-", out);
		fprintf(out, ":%u: %s %s: ", f->line, severity_name(f->severity), f->id);
		term_fputs(f->message, out);
		fputc('\n', out);
		return;
	}
	fprintf(out, "  %s%s%s ", report_color(ro, "bold"), f->id,
	    report_color(ro, "reset"));
	term_fputs(f->file ? f->file : "-", out);
	fprintf(out, ":%u", f->line);
	if (f->key != NULL) {
		fputc(' ', out);
		term_fputs(f->key, out);
	}
	fprintf(out, " %s[%s]%s\n", report_color(ro, "dim"),
	    finding_kind_name(f->kind), report_color(ro, "reset"));
	report_field(out, "", f->message);
	/* A hazard: the value it was judged on and every line setting it. */
	if (strncmp(f->id, "TA-H", 4) == 0 && (m = open_memstream(&text, &len)) != NULL) {
		fprintf(m, "value: %s", f->persisted ? f->persisted : "-");
		if (f->want != NULL)
			fprintf(m, "; want: %s", f->want);
		if (f->nlines > 1) {
			fprintf(m, "; set at:");
			for (size_t i = 0; i < f->nlines; i++)
				fprintf(m, "%s %s:%u", i ? "," : "", f->lines[i].file,
				    f->lines[i].line);
		}
		if (fclose(m) == 0)
			report_field(out, "", text);
		free(text);
	}
	if (f->reason != NULL)
		report_field(out, "why: ", f->reason);
	if (f->source != NULL)
		report_field(out, "source: ", f->source);
	report_fix(out, f);
	fputc('\n', out);
}

static int
report_text(FILE *out, const struct report_opts *ro, const struct profile *p,
    const struct snapshot *s, const struct findings *f)
{
	const struct sysctld_config *c = s->config;

	if (ro->verbosity >= 0) {
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		if (m == NULL)
			return -ENOMEM;
		fprintf(m, "%zu file%s, in reading order:", c->nfiles,
		    c->nfiles == 1 ? "" : "s");
		for (size_t i = 0; i < c->nfiles; i++)
			fprintf(m, "%s %s", i ? "," : "", c->files[i].path);
		if (fclose(m) != 0) {
			free(text);
			return -ENOMEM;
		}
		fprintf(out, "%slint%s ", report_color(ro, "bold"),
		    report_color(ro, "reset"));
		report_wrap(out, text, 5, 2, 78);
		free(text);
		term_printf(out, "profile %s, %s; kernel %s%s", p->name, p->origin,
		    s->kernel_release, s->kernel_overridden ? " (--kernel)" : "");
		fputs("\n\n", out);
	}
	report_groups(out, ro, f, text_finding);
	if (ro->verbosity >= 0) {
		if (f->n == 0)
			fprintf(out, "no findings\n\n");
		report_summary(out, ro, f);
	}
	return 0;
}

/* --- JSON ----------------------------------------------------------- */

static int
report_json(FILE *out, const struct profile *p, const struct snapshot *s,
    const struct findings *f)
{
	json_t *root = json_object(), *files = json_array(),
	    *findings = report_findings_json(f);
	int r = 0;

	if (root == NULL || files == NULL || findings == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < s->config->nfiles; i++)
		if (json_array_append_new(files, report_jstr(s->config->files[i].path)) < 0) {
			r = -ENOMEM;
			goto out;
		}
	json_object_set_new(root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(root, "tool_version", json_string(TCPADVISE_VERSION));
	json_object_set_new(root, "kernel", report_jstr(s->kernel_release));
	json_object_set_new(root, "profile", json_pack("{s:o, s:o}", "name",
	    report_jstr(p->name), "origin", report_jstr(p->origin)));
	json_object_set_new(root, "files", files);
	files = NULL;
	json_object_set_new(root, "findings", findings);
	findings = NULL;
	json_object_set_new(root, "summary", report_summary_json(f));
	r = report_json_write(out, root, JSON_INDENT(2));
out:
	json_decref(files);
	json_decref(findings);
	json_decref(root);
	return r;
}

int
cmd_lint(const struct options *o)
{
	struct profile *p = NULL;
	struct snapshot *s = NULL;
	struct findings f = FINDINGS_INIT;
	struct policy_opts po = { NULL, false };
	struct report_opts ro;
	const char *name = o->profile ? o->profile : "baseline";
	int status, r;

	status = cmd_load_profile(o, name, &p);
	if (status != TA_EXIT_OK)
		goto out;

	/* No file given: the files the appliers read below the root, judged
	   exactly as `check` judges them, without the live values. */
	if (o->nargs == 0) {
		if ((r = cmd_snapshot(o, &s)) == 0)
			snapshot_forget_live(s);
	} else if ((r = snapshot_from_files(o->root, (const char *const *)o->args,
	    o->nargs, o->kernel, &s)) == 0 && o->memory > 0)
		r = snapshot_assume_memory(s, o->memory);
	if (r < 0) {
		status = cmd_snapshot_error(o, r);
		goto out;
	}
	/* Every unreadable file is named before giving up, in the order given. */
	status = TA_EXIT_OK;
	for (size_t i = 0; i < o->nargs; i++) {
		bool again = false;

		for (size_t k = 0; k < i && !again; k++)
			again = strcmp(o->args[k], o->args[i]) == 0;
		for (size_t j = 0; j < s->config->nfiles && !again; j++) {
			const struct sysctld_file *file = &s->config->files[j];

			if (file->error != 0 && strcmp(file->path, o->args[i]) == 0) {
				char why[128];

				cmd_error(o, "%s: %s", file->path, conffile_strerror(file->error,
				    &file->info, why, sizeof why));
				status = TA_EXIT_USAGE;
				break;
			}
		}
	}
	if (status != TA_EXIT_OK)
		goto out;
	po.fragment = o->file ? o->file : FRAGMENT_DEFAULT;
	if (lint_eval(p, s, &po, &f) < 0) {
		cmd_error(o, "out of memory");
		status = TA_EXIT_SYSTEM;
		goto out;
	}

	cmd_report_opts(o, &ro);
	r = o->format == FORMAT_JSON ? report_json(stdout, p, s, &f) :
	    report_text(stdout, &ro, p, s, &f);
	if (r < 0) {
		cmd_error(o, "cannot write the report: %s", strerror(-r));
		status = TA_EXIT_SYSTEM;
		goto out;
	}
	status = !o->fail_never && findings_reach(&f, o->fail_on) ?
	    TA_EXIT_FINDINGS : TA_EXIT_OK;
out:
	findings_clear(&f);
	snapshot_free(s);
	profile_free(p);
	return status;
}
