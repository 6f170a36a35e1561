/*
 * report: text, JSON and Prometheus rendering of a check; see report.h.
 *
 * The text report is for an operator at a terminal: findings grouped by
 * severity, each with what is wrong, the values, why, where the advice comes
 * from and the line that fixes it. JSON and Prometheus are contracts for
 * machines (tcpadvise(8), OUTPUT): field names and label names never change
 * meaning within a schema_version.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "report.h"

static const char *const format_names[] = { "text", "json", "prometheus",
    "kubernetes", "docker", "sysctl", "ansible" };

int
report_format_parse(const char *s, enum report_format *ret)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(s, format_names[i]) == 0) {
			*ret = (enum report_format)i;
			return 0;
		}
	return -EINVAL;
}

const char *
report_format_name(enum report_format f)
{
	return (size_t)f < sizeof format_names / sizeof format_names[0] ?
	    format_names[f] : "?";
}

const char *
report_color(const struct report_opts *o, const char *what)
{
	static const struct {
		const char *name, *seq;
	} colors[] = {
		{ "critical", "\033[1;31m" },
		{ "warning", "\033[1;33m" },
		{ "info", "\033[1;36m" },
		{ "bold", "\033[1m" },
		{ "dim", "\033[2m" },
		{ "reset", "\033[0m" },
	};

	if (!o->color)
		return "";
	for (size_t i = 0; i < sizeof colors / sizeof colors[0]; i++)
		if (strcmp(colors[i].name, what) == 0)
			return colors[i].seq;
	return "";
}

void
report_wrap(FILE *out, const char *raw, int start, int indent, int width)
{
	/* Escaped before it is measured: an escape is as wide as it prints. */
	char *text = term_escape(raw, 0);
	int col = start;
	const char *p = text;

	if (text == NULL) {
		fputs("(out of memory)\n", out);
		return;
	}

	while (*p != '\0') {
		const char *w = p;
		int len;

		while (*w != '\0' && *w != ' ')
			w++;
		len = (int)(w - p);
		if (col > indent && col + 1 + len > width) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
		} else if (col > start || (col > indent && p != text)) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, (size_t)len, out);
		col += len;
		p = w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', out);
	free(text);
}

/* --- text ----------------------------------------------------------- */

void
report_field(FILE *out, const char *label, const char *text)
{
	int start = fprintf(out, "    %s", label);

	report_wrap(out, text, start, start > 12 ? 6 : start, 78);
}

bool
report_about_line(const struct finding *f)
{
	if (f->file == NULL || f->line == 0)
		return false;
	return strncmp(f->id, "TA-L", 4) == 0 || strncmp(f->id, "TA-U", 4) == 0 ||
	    (strncmp(f->id, "TA-C", 4) == 0 && strcmp(f->id, "TA-C004") != 0);
}

static void
text_values(FILE *out, const struct finding *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m;

	/* Evidence is about sockets and counters: its key only names the
	   sysctl involved, and values are in the message. A finding about
	   one line says everything in its message. */
	if (f->key == NULL || (f->kind == KIND_EVIDENCE && f->live == NULL) ||
	    report_about_line(f))
		return;
	if ((m = open_memstream(&text, &len)) == NULL)
		return;
	fprintf(m, "live: %s; ", f->live ? f->live : "-");
	if (f->persisted != NULL)
		fprintf(m, "persisted: %s (%s:%u)", f->persisted, f->file, f->line);
	else
		fprintf(m, "persisted: -");
	if (f->want != NULL)
		fprintf(m, "; want: %s", f->want);
	if (fclose(m) == 0)
		report_field(out, "", text);
	free(text);
	text = NULL;

	/* Name every other line that sets the key too: each one is a line an
	   operator has to edit. */
	if (f->nlines > 1 || (f->nlines == 1 && f->persisted == NULL)) {
		if ((m = open_memstream(&text, &len)) == NULL)
			return;
		for (size_t i = 0; i < f->nlines; i++)
			fprintf(m, "%s%s:%u", i ? ", " : "", f->lines[i].file,
			    f->lines[i].line);
		if (fclose(m) == 0)
			report_field(out, "set at: ", text);
		free(text);
	}
}

void
report_finding_text(FILE *out, const struct report_opts *o, const struct finding *f)
{
	const char *sev = severity_name(f->severity);

	if (o->verbosity < 0) {
		const char *about = f->key ? f->key : f->file;

		fprintf(out, "%s %s", sev, f->id);
		if (report_about_line(f)) {
			fputc(' ', out);
			term_fputs(f->file, out);
			fprintf(out, ":%u", f->line);
		} else if (about != NULL) {
			fputc(' ', out);
			term_fputs(about, out);
		}
		fputs(": ", out);
		term_fputs(f->message, out);
		fputc('\n', out);
		return;
	}
	fprintf(out, "  %s%s%s", report_color(o, "bold"), f->id,
	    report_color(o, "reset"));
	if (report_about_line(f)) {
		fputc(' ', out);
		term_fputs(f->file, out);
		fprintf(out, ":%u", f->line);
	}
	/* A finding about one line without a key is named by its position
	   alone (above), not twice. */
	if (f->key != NULL || (f->file != NULL && !report_about_line(f))) {
		fputc(' ', out);
		term_fputs(f->key != NULL ? f->key : f->file, out);
		if (f->key == NULL && f->line > 0)
			fprintf(out, ":%u", f->line);
	}
	fprintf(out, " %s[%s]%s\n", report_color(o, "dim"),
	    finding_kind_name(f->kind), report_color(o, "reset"));
	report_field(out, "", f->message);
	text_values(out, f);
	if (f->reason != NULL)
		report_field(out, "why: ", f->reason);
	if (f->source != NULL)
		report_field(out, "source: ", f->source);
	report_fix(out, f);
	fputc('\n', out);
}

static const char *
applier_name(enum sysctld_applier a)
{
	return a == APPLIER_SYSTEMD ? "systemd-sysctl" : "sysctl --system (procps)";
}

/* Whether name is one of the comma-separated words of list. */
static bool
name_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p != '\0'; ) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len;
		p += *p == ',';
	}
	return false;
}

/* "4 GiB", "512 MiB" or "1000000 bytes". */
static const char *
memory_text(long long bytes, char *buf, size_t size)
{
	if (bytes % (1LL << 30) == 0)
		snprintf(buf, size, "%lld GiB", bytes >> 30);
	else if (bytes % (1LL << 20) == 0)
		snprintf(buf, size, "%lld MiB", bytes >> 20);
	else
		snprintf(buf, size, "%lld bytes", bytes);
	return buf;
}

/*
 * What the check could not read and took as given instead, for an image
 * (offline) or a --memory: which views were judged, the facts assumed,
 * and those missing. Nothing for a host read as it runs.
 */
static void
text_assumed(FILE *out, const struct snapshot *s)
{
	bool memory = s->mem_from != NULL && strcmp(s->mem_from, "--memory") == 0;
	char mem[64], *text = NULL;
	size_t len = 0;
	FILE *m;

	if (!s->offline && !memory)
		return;
	if (s->offline)
		report_wrap(out, "persisted values only (an image: no /proc below the "
		    "root, so no live values and no socket or counter evidence)",
		    fprintf(out, "views: "), 2, 78);
	if ((m = open_memstream(&text, &len)) == NULL)
		return;
	if (s->kernel_overridden)
		fprintf(m, ", kernel %s (--kernel)", s->kernel_release);
	if (memory)
		fprintf(m, ", memory %s (--memory)", memory_text(s->host.mem_bytes, mem,
		    sizeof mem));
	if (s->ehash_from_memory)
		fprintf(m, ", %lld established-hash buckets (from the memory)",
		    s->host.ehash_entries);
	if (s->offline)
		fputs(", the initial network namespace", m);
	if (fclose(m) == 0 && len > 2)
		report_wrap(out, text + 2, fprintf(out, "assumed: "), 2, 78);
	free(text);
	text = NULL;
	if (!s->offline || (m = open_memstream(&text, &len)) == NULL)
		return;
	if (s->mem_from == NULL)
		fputs(", memory (defaults derived from it are unknown; give --memory)", m);
	if (s->host.ehash_entries <= 0)
		fputs(", the size of the established hash (tcp_max_tw_buckets, "
		    "tcp_max_orphans and tcp_max_syn_backlog defaults are unknown)", m);
	if (!s->facts.config_known)
		fprintf(m, ", the kernel build (no /boot/config-%s* in the image)",
		    s->kernel_release);
	if (fclose(m) == 0 && len > 2)
		report_wrap(out, text + 2, fprintf(out, "missing: "), 2, 78);
	free(text);
}

static void
text_header(FILE *out, const struct report_opts *o, const struct profile *p,
    const struct snapshot *s)
{
	size_t nfiles = 0;

	for (size_t i = 0; i < s->config->nfiles; i++)
		nfiles += sysctld_applier_reads(s->boot, &s->config->files[i]);
	fprintf(out, "%sprofile ", report_color(o, "bold"));
	term_fputs(p->name, out);
	fputs(report_color(o, "reset"), out);
	if (p->nchain > 1) {
		const char *sep = " (extends";

		/* A composition ("nginx,bbr") names its members already. */
		for (size_t i = 1; i < p->nchain; i++)
			if (!name_in_list(p->name, p->chain[i])) {
				fprintf(out, "%s ", sep);
				term_fputs(p->chain[i], out);
				sep = "";
			}
		if (*sep == '\0')
			fprintf(out, ")");
	}
	fputs(", ", out);
	term_fputs(p->origin, out);
	fputs("\nkernel ", out);
	term_fputs(s->kernel_release, out);
	if (s->offline && !s->kernel_overridden)
		fputs(" (found in the image)", out);
	fprintf(out, "%s, %s network namespace\n", s->kernel_overridden ? " (--kernel)" : "",
	    s->netns_child ? "child (container)" : "init");
	if (s->boot_view == NETNS_BOOT_NONE)
		fputs("persisted values: none (a network namespace made again starts "
		    "from the kernel's defaults)\n", out);
	else if (s->boot_view == NETNS_BOOT_OCI && s->config->nfiles == 1) {
		fputs("persisted values: what the container runtime sets from "
		    "linux.sysctl of ", out);
		term_fputs(s->config->files[0].path, out);
		fputc('\n', out);
	} else
		fprintf(out, "persisted values: what %s sets at boot from %zu file%s%s\n",
		    applier_name(s->boot), nfiles, nfiles == 1 ? "" : "s",
		    s->boot_view == NETNS_BOOT_ROOT ? " of the container's own root" : "");
	text_assumed(out, s);
	if (o->verbosity > 0 && s->boot_how != NULL) {
		fputs("boot: ", out);
		term_fputs(s->boot_how, out);
		fputc('\n', out);
	}
	if (o->verbosity > 0)
		for (size_t i = 0; i < s->config->nfiles; i++) {
			const struct sysctld_file *file = &s->config->files[i];

			fputs("  ", out);
			term_fputs(file->path, out);
			if (strcmp(file->path, file->target) != 0) {
				fputs(" -> ", out);
				term_fputs(file->target, out);
			}
			fprintf(out, "%s\n", sysctld_applier_reads(s->boot, file) ? "" :
			    " (not read at boot)");
		}
	fputc('\n', out);
}

void
report_summary(FILE *out, const struct report_opts *o, const struct findings *f)
{
	fprintf(out, "summary: %zu critical, %zu warning, %zu info", f->count[SEV_CRITICAL],
	    f->count[SEV_WARNING], f->count[SEV_INFO]);
	if (o->fail_never)
		fprintf(out, " (--fail-on never)\n");
	else
		fprintf(out, " (failing at %s and above)\n", severity_name(o->fail_on));
}

void
report_groups(FILE *out, const struct report_opts *o, const struct findings *f,
    void (*one)(FILE *, const struct report_opts *, const struct finding *))
{
	for (int sev = SEV_CRITICAL; sev >= SEV_INFO; sev--) {
		if (f->count[sev] == 0)
			continue;
		if (o->verbosity >= 0) {
			char up[16];
			size_t i;

			for (i = 0; severity_name(sev)[i] && i < sizeof up - 1; i++)
				up[i] = (char)(severity_name(sev)[i] - 'a' + 'A');
			up[i] = '\0';
			fprintf(out, "%s%s (%zu)%s\n\n", report_color(o, severity_name(sev)),
			    up, f->count[sev], report_color(o, "reset"));
		}
		for (size_t i = 0; i < f->n; i++)
			if ((int)f->items[i].severity == sev)
				one(out, o, &f->items[i]);
	}
}

static int
report_text(FILE *out, const struct report_opts *o, const struct profile *p,
    const struct snapshot *s, const struct findings *f)
{
	if (o->verbosity >= 0)
		text_header(out, o, p, s);
	report_groups(out, o, f, report_finding_text);
	if (o->verbosity >= 0) {
		if (f->n == 0) {
			term_printf(out, "no findings: this system matches profile %s",
			    p->name);
			fputs("\n\n", out);
		}
		report_summary(out, o, f);
	}
	return 0;
}

/* --- JSON ------------------------------------------------------------ */

json_t *
report_jstr(const char *s)
{
	char *fixed;
	json_t *j;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL || (fixed = utf8_repair(s)) == NULL)
		return j;
	/* json_string() refuses invalid UTF-8: show it as U+FFFD instead. */
	j = json_string(fixed);
	free(fixed);
	return j;
}

static bool json_compact;

void
report_json_compact(void)
{
	json_compact = true;
}

int
report_json_write(FILE *out, json_t *root, size_t flags)
{
	char *text, *safe;
	int r = 0;

	if (root == NULL)
		return -ENOMEM;
	if (json_compact)
		flags = JSON_COMPACT;
	if ((text = json_dumps(root, flags)) == NULL)
		return -ENOMEM;
	/* jansson escapes the C0 controls but writes DEL and C1 raw. */
	if ((safe = json_escape_controls(text)) == NULL)
		r = -ENOMEM;
	else if (fputs(safe, out) == EOF || fputc('\n', out) == EOF)
		r = -EIO;
	free(safe);
	free(text);
	return r;
}

json_t *
report_summary_json(const struct findings *f)
{
	return json_pack("{s:i, s:i, s:i, s:i}",
	    "critical", (json_int_t)f->count[SEV_CRITICAL],
	    "warning", (json_int_t)f->count[SEV_WARNING],
	    "info", (json_int_t)f->count[SEV_INFO], "total", (json_int_t)f->n);
}

void
report_fix(FILE *out, const struct finding *f)
{
	if (f->fix != NULL)
		report_field(out, "fix: ", f->fix);
	if (f->fix_live != NULL)
		report_field(out, "now: ", f->fix_live);
	if (!f->remedy.fixable && f->remedy.why != NULL &&
	    f->remedy.action != REMEDY_NONE)
		report_field(out, "not fixable here: ", f->remedy.why);
}

json_t *
report_remedy_json(const struct remedy *r)
{
	json_t *o, *lines = json_array();

	if (lines == NULL)
		return NULL;
	for (size_t i = 0; i < r->ndisable; i++) {
		const struct remedy_line *d = &r->disable[i];

		json_array_append_new(lines, json_pack("{s:s, s:o, s:I, s:o, s:o, s:b, s:o}",
		    "action", d->managed_by ? "source" : d->mask ? "mask" : "comment-out",
		    "file", report_jstr(d->file), "line", (json_int_t)d->line, "mask",
		    report_jstr(d->mask), "managed_by", report_jstr(d->managed_by),
		    "regenerated", d->regenerated, "why", report_jstr(d->why)));
	}
	o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:o, s:o}",
	    "action", remedy_action_name(r->action), "key", report_jstr(r->key),
	    "value", report_jstr(r->value), "file", report_jstr(r->file), "line",
	    r->line ? json_integer(r->line) : json_null(), "live", r->live, "persist",
	    r->persist, "runtime", r->runtime, "live_value", report_jstr(r->live_value),
	    "disable", lines);
	return o;
}

json_t *
report_finding_json(const struct finding *f)
{
	json_t *o = json_object(), *lines = json_array(), *views = json_array();

	if (o == NULL || lines == NULL || views == NULL) {
		json_decref(o);
		json_decref(lines);
		json_decref(views);
		return NULL;
	}
	json_object_set_new(o, "id", json_string(f->id));
	json_object_set_new(o, "severity", json_string(severity_name(f->severity)));
	json_object_set_new(o, "kind", json_string(finding_kind_name(f->kind)));
	json_object_set_new(o, "key", report_jstr(f->key));
	json_object_set_new(o, "live", report_jstr(f->live));
	json_object_set_new(o, "persisted", report_jstr(f->persisted));
	json_object_set_new(o, "want", report_jstr(f->want));
	json_object_set_new(o, "message", report_jstr(f->message));
	json_object_set_new(o, "reason", report_jstr(f->reason));
	json_object_set_new(o, "source", report_jstr(f->source));
	json_object_set_new(o, "fix", report_jstr(f->fix));
	json_object_set_new(o, "fix_live", report_jstr(f->fix_live));
	json_object_set_new(o, "remedy", report_remedy_json(&f->remedy));
	json_object_set_new(o, "fixable", json_boolean(f->remedy.fixable));
	json_object_set_new(o, "why", report_jstr(f->remedy.why));
	json_object_set_new(o, "needs_live", json_boolean(f->needs_live));
	json_object_set_new(o, "file", report_jstr(f->file));
	json_object_set_new(o, "line", f->line ? json_integer(f->line) : json_null());
	for (size_t i = 0; i < f->nlines; i++)
		json_array_append_new(lines, json_pack("{s:o, s:i, s:o}", "file",
		    report_jstr(f->lines[i].file), "line", (json_int_t)f->lines[i].line,
		    "value", report_jstr(f->lines[i].value)));
	json_object_set_new(o, "lines", lines);
	if (f->in_live)
		json_array_append_new(views, json_string("live"));
	if (f->in_persisted)
		json_array_append_new(views, json_string("persisted"));
	json_object_set_new(o, "views", views);
	return o;
}

json_t *
report_findings_json(const struct findings *f)
{
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < f->n; i++) {
		json_t *j = report_finding_json(&f->items[i]);

		if (j == NULL || json_array_append_new(a, j) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static json_t *
json_effect(const struct snapshot *s, const struct sysctld_effect *e)
{
	if (e->line == NULL)
		return json_null();
	return json_pack("{s:o, s:o, s:i, s:b}", "value",
	    e->excluded ? json_null() : report_jstr(e->line->value), "file",
	    report_jstr(sysctld_line_file(s->config, e->line)), "line",
	    (json_int_t)e->line->lineno, "excluded", e->excluded);
}

static const char *
status_name(enum live_status st)
{
	switch (st) {
	case LIVE_OK:
		return "ok";
	case LIVE_ABSENT:
		return "absent";
	case LIVE_HIDDEN:
		return "hidden";
	case LIVE_UNREADABLE:
		return "unreadable";
	case LIVE_ERROR:
		return "error";
	case LIVE_UNAVAILABLE:
		return "unavailable";
	}
	return "?";
}

/* ["procps", "systemd"]: the appliers that run at boot. */
static json_t *
json_boot_appliers(const struct snapshot *s)
{
	json_t *a = json_array();

	for (int ap = APPLIER_PROCPS; a != NULL && ap <= APPLIER_SYSTEMD; ap++)
		if (s->boot_appliers & (1u << ap))
			json_array_append_new(a, json_string(ap == APPLIER_SYSTEMD ?
			    "systemd" : "procps"));
	return a;
}

static json_t *
json_keys(const struct snapshot *s)
{
	json_t *a = json_array();

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < s->nkeys; i++) {
		const struct snapshot_key *k = &s->keys[i];
		const struct sysctld_effect *b = &k->eff[s->boot];
		bool secret = (k->entry->flags & CATALOG_SECRET) != 0;
		json_t *o = json_object();

		if (o == NULL) {
			json_decref(a);
			return NULL;
		}
		json_object_set_new(o, "key", json_string(k->entry->name));
		json_object_set_new(o, "status", json_string(status_name(k->status)));
		json_object_set_new(o, "live", secret ? json_null() : report_jstr(k->live));
		json_object_set_new(o, "default", k->has_default ? json_string(k->dflt) :
		    json_null());
		json_object_set_new(o, "persisted", b->line && !b->excluded && !secret ?
		    report_jstr(b->line->value) : json_null());
		json_object_set_new(o, "file", b->line ?
		    report_jstr(sysctld_line_file(s->config, b->line)) : json_null());
		json_object_set_new(o, "line", b->line ? json_integer(b->line->lineno) :
		    json_null());
		json_object_set_new(o, "procps", secret ? json_null() :
		    json_effect(s, &k->eff[APPLIER_PROCPS]));
		json_object_set_new(o, "systemd", secret ? json_null() :
		    json_effect(s, &k->eff[APPLIER_SYSTEMD]));
		json_array_append_new(a, o);
	}
	return a;
}

/* The views judged, named as a finding's views are: "live" (read from
   /proc/sys) unless there is no live value at all, and "persisted". */
static json_t *
json_views(const struct snapshot *s)
{
	json_t *a = json_array();

	if (a != NULL && !s->files_only)
		json_array_append_new(a, json_string("live"));
	if (a != NULL)
		json_array_append_new(a, json_string("persisted"));
	return a;
}

static json_t *
json_fact(json_t *value, const char *from)
{
	return json_pack("{s:o, s:o}", "value", value, "from", report_jstr(from));
}

/* What the judgement rests on, each with where it comes from: a file
   read, an option, "memory" for an estimate, "assumed"; null: unknown. */
static json_t *
json_facts(const struct snapshot *s)
{
	long long mem = s->host.mem_bytes, eh = s->host.ehash_entries;

	return json_pack("{s:o, s:o, s:o, s:o}",
	    "kernel", json_fact(report_jstr(s->kernel_release), s->kernel_from),
	    "memory", json_fact(mem > 0 ? json_integer(mem) : json_null(), s->mem_from),
	    "ehash_entries", json_fact(eh > 0 ? json_integer(eh) : json_null(),
	    s->ehash_from_memory ? "memory" : eh > 0 ?
	    "/proc/sys/net/ipv4/tcp_ehash_entries" : NULL),
	    "netns", json_fact(json_string(s->netns_child ? "child" : "init"),
	    s->offline ? "assumed" : "/proc/sys"));
}

/* The facts taken as given rather than read (assumed), and the views and
   facts that could not be had (missing). */
static json_t *
json_gaps(const struct report_opts *o, const struct snapshot *s, bool missing)
{
	const struct {
		const char *name;
		bool assumed, missing;
	} gaps[] = {
		{ "live", false, s->files_only },
		{ "evidence", false, o->no_evidence },
		{ "kernel", s->kernel_overridden, false },
		{ "memory", s->mem_from != NULL && strcmp(s->mem_from, "--memory") == 0,
		  s->host.mem_bytes <= 0 },
		{ "ehash_entries", s->ehash_from_memory, s->host.ehash_entries <= 0 },
		{ "netns", s->offline, false },
		{ "kernel_build", false, !s->facts.config_known },
	};
	json_t *a = json_array();

	for (size_t i = 0; a != NULL && i < sizeof gaps / sizeof gaps[0]; i++)
		if (missing ? gaps[i].missing : gaps[i].assumed)
			json_array_append_new(a, json_string(gaps[i].name));
	return a;
}

static int
report_json(FILE *out, const struct report_opts *o, const struct profile *p,
    const struct snapshot *s, const struct findings *f)
{
	json_t *root, *findings, *chain;
	int r = 0;

	root = json_object();
	findings = report_findings_json(f);
	chain = json_array();
	if (root == NULL || findings == NULL || chain == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < p->nchain; i++)
		json_array_append_new(chain, report_jstr(p->chain[i]));
	json_object_set_new(root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(root, "tool_version", json_string(TCPADVISE_VERSION));
	json_object_set_new(root, "kernel", report_jstr(s->kernel_release));
	json_object_set_new(root, "netns", json_string(s->netns_child ? "child" : "init"));
	json_object_set_new(root, "boot_applier", json_string(s->boot == APPLIER_SYSTEMD ?
	    "systemd" : "procps"));
	json_object_set_new(root, "profile", json_pack("{s:o, s:o, s:O}", "name",
	    report_jstr(p->name), "origin", report_jstr(p->origin), "chain", chain));
	json_object_set_new(root, "findings", findings);
	findings = NULL;
	json_object_set_new(root, "summary", report_summary_json(f));
	json_object_set_new(root, "keys", json_keys(s));
	json_object_set_new(root, "boot_appliers", json_boot_appliers(s));
	json_object_set_new(root, "boot_detected", report_jstr(s->boot_how));
	json_object_set_new(root, "views", json_views(s));
	json_object_set_new(root, "facts", json_facts(s));
	json_object_set_new(root, "assumed", json_gaps(o, s, false));
	json_object_set_new(root, "missing", json_gaps(o, s, true));
	r = report_json_write(out, root, JSON_INDENT(2));
out:
	json_decref(chain);
	json_decref(findings);
	json_decref(root);
	return r;
}

/* --- Prometheus ------------------------------------------------------ */

void
report_prom_label(FILE *out, const char *s)
{
	/* Backslash, double quote and newline as the exposition format
	   escapes them (the value reads back as it was); between them, any
	   other control byte and invalid UTF-8 as term_escape() shows it, so
	   the value holds the text \xNN (its backslash escaped in turn). The
	   three are ASCII: cutting at them never splits a UTF-8 sequence. */
	while (s != NULL && *s != '\0') {
		size_t n = strcspn(s, "\\\"\n");
		char *run, *text;

		if (n == 0) {
			fputs(*s == '\n' ? "\\n" : *s == '"' ? "\\\"" : "\\\\", out);
			s++;
			continue;
		}
		run = strndup(s, n);
		text = run != NULL ? term_escape(run, 0) : NULL;
		for (const char *p = text; p != NULL && *p != '\0'; p++) {
			if (*p == '\\')
				fputc('\\', out);
			fputc(*p, out);
		}
		free(text);
		free(run);
		s += n;
	}
}

void
report_prom_findings(FILE *out, const char *name, const char *what,
    const struct findings *f)
{
	fprintf(out, "# HELP %ss %s, per severity.\n# TYPE %ss gauge\n", name,
	    what, name);
	for (int sev = SEV_INFO; sev <= SEV_CRITICAL; sev++)
		fprintf(out, "%ss{severity=\"%s\"} %zu\n", name, severity_name(sev),
		    f->count[sev]);
	fprintf(out, "# HELP %s %s, one series per id and key; the value counts "
	    "them.\n# TYPE %s gauge\n", name, what, name);
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->items[i];
		size_t count = 1;
		bool seen = false;

		/* One series per (id, key): later duplicates were counted here. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(f->items[j].id, x->id) == 0 &&
			    strcmp(f->items[j].key ? f->items[j].key : "",
			    x->key ? x->key : "") == 0;
		if (seen)
			continue;
		for (size_t j = i + 1; j < f->n; j++)
			count += strcmp(f->items[j].id, x->id) == 0 &&
			    strcmp(f->items[j].key ? f->items[j].key : "",
			    x->key ? x->key : "") == 0;
		fprintf(out, "%s{id=\"%s\",key=\"", name, x->id);
		report_prom_label(out, x->key);
		fprintf(out, "\",severity=\"%s\",kind=\"%s\"} %zu\n",
		    severity_name(x->severity), finding_kind_name(x->kind), count);
	}
}

static int
report_prometheus(FILE *out, const struct report_opts *o, const struct profile *p,
    const struct snapshot *s, const struct findings *f)
{
	report_prom_findings(out, "tcpadvise_finding", "Findings of the last tcpadvise "
	    "check", f);
	fputs("# HELP tcpadvise_info The profile, kernel, network namespace and views "
	    "(live,persisted; persisted alone for an image) of the last tcpadvise check.\n"
	    "# TYPE tcpadvise_info gauge\n", out);
	fprintf(out, "tcpadvise_info{version=\"%s\",profile=\"", TCPADVISE_VERSION);
	report_prom_label(out, p->name);
	fputs("\",kernel=\"", out);
	report_prom_label(out, s->kernel_release);
	/* views as in the JSON: an image has no live view, and says so. */
	fprintf(out, "\",netns=\"%s\",views=\"%s\"} 1\n", s->netns_child ? "child" : "init",
	    s->files_only ? "persisted" : "live,persisted");
	fputs("# HELP tcpadvise_check_timestamp_seconds When the last tcpadvise check ran.\n"
	    "# TYPE tcpadvise_check_timestamp_seconds gauge\n", out);
	fprintf(out, "tcpadvise_check_timestamp_seconds %lld\n", (long long)o->now);
	return 0;
}

int
report_check(FILE *out, enum report_format fmt, const struct report_opts *o,
    const struct profile *p, const struct snapshot *s, const struct findings *f)
{
	switch (fmt) {
	case FORMAT_TEXT:
		return report_text(out, o, p, s, f);
	case FORMAT_JSON:
		return report_json(out, o, p, s, f);
	case FORMAT_PROMETHEUS:
		return report_prometheus(out, o, p, s, f);
	default:
		break;
	}
	return -EINVAL;
}
