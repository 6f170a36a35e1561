/*
 * cmd_profiles: `tcpadvise profiles [NAME]`.
 *
 * Without NAME: every profile that can be named, with its description and
 * where it was found (a file, or built into the binary). With NAME: the
 * YAML text of that profile, so an operator can read exactly what is
 * checked, or copy it as the start of a profile of their own; with
 * --format json, the resolved profile (what it extends included) as data.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "cmd.h"
#include "conffile.h"
#include "escape.h"

static int
list(const struct options *o)
{
	struct profile_search search = cmd_search(o);
	struct diag_list d = DIAG_LIST_INIT;
	struct profile_info *info = NULL;
	size_t n = 0;
	int status = TA_EXIT_OK, r;

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
				json_array_append_new(aliases, report_jstr(info[i].aliases[j]));
			json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:o}",
			    "name", report_jstr(info[i].name), "description",
			    report_jstr(info[i].description), "origin",
			    report_jstr(info[i].origin), "aliases", aliases,
			    "shadows", report_jstr(info[i].shadows)));
		}
		json_t *root = json_pack("{s:i, s:s, s:o}", "schema_version", 1,
		    "tool_version", TCPADVISE_VERSION, "profiles", a);

		if ((r = report_json_write(stdout, root, JSON_INDENT(2))) < 0) {
			cmd_error(o, r == -ENOMEM ? "out of memory" :
			    "cannot write the list: %s", strerror(-r));
			status = TA_EXIT_SYSTEM;
		}
		json_decref(root);
	} else {
		for (size_t i = 0; i < n; i++) {
			term_printf(stdout, "%-10s %s", info[i].name, info[i].description);
			putchar('\n');
			term_printf(stdout, "%-10s found: %s", "", info[i].origin);
			if (info[i].naliases > 0) {
				printf("; aliases:");
				for (size_t j = 0; j < info[i].naliases; j++) {
					putchar(' ');
					term_fputs(info[i].aliases[j], stdout);
				}
			}
			if (info[i].shadows != NULL) {
				printf("; hides ");
				term_fputs(info[i].shadows, stdout);
			}
			putchar('\n');
		}
	}
	profile_info_free(info, n);
	return status;
}

/* A value as its canonical text, or null. */
static json_t *
jvalue(const struct value *v)
{
	char buf[VALUE_STR_MAX];

	if (v == NULL || value_format(v, buf, sizeof buf) < 0)
		return json_null();
	return json_string(buf);
}

/* A min or max of a setting: one integer per field, null where the field
   is not constrained. */
static json_t *
jbound(bool has, const struct value *v, unsigned mask)
{
	json_t *a;

	if (!has)
		return json_null();
	if ((a = json_array()) == NULL)
		return NULL;
	for (unsigned i = 0; i < v->nfields; i++)
		json_array_append_new(a, (mask & (1u << i)) ?
		    json_integer(v->field[i]) : json_null());
	return a;
}

static const char *
fix_kind_name(enum fix_kind k)
{
	switch (k) {
	case FIX_REMOVE:
		return "remove";
	case FIX_DEFAULT:
		return "default";
	case FIX_VALUE:
		return "value";
	case FIX_NONE:
		return "none";
	case FIX_AUTO:
		break;
	}
	return "auto";
}

/* The resolved profile as one JSON object (`profiles NAME --format json`). */
static json_t *
profile_json(const struct profile *p)
{
	json_t *aliases = json_array(), *chain = json_array(), *settings = json_array(),
	    *rules = json_array();
	char want[256];

	if (aliases == NULL || chain == NULL || settings == NULL || rules == NULL) {
		json_decref(aliases);
		json_decref(chain);
		json_decref(settings);
		json_decref(rules);
		return NULL;
	}
	for (size_t i = 0; i < p->naliases; i++)
		json_array_append_new(aliases, report_jstr(p->aliases[i]));
	for (size_t i = 0; i < p->nchain; i++)
		json_array_append_new(chain, report_jstr(p->chain[i]));
	for (size_t i = 0; i < p->nsettings; i++) {
		const struct setting *st = &p->settings[i];
		json_t *one_of = json_array();

		for (size_t j = 0; one_of != NULL && j < st->n_one_of; j++)
			json_array_append_new(one_of, jvalue(&st->one_of[j]));
		if (setting_describe(st, want, sizeof want) < 0)
			want[0] = '\0';
		json_array_append_new(settings, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, "
		    "s:o, s:s, s:o, s:o, s:o}", "key", st->entry->name, "want", want,
		    "eq", st->has_equal ? jvalue(&st->equal) : json_null(),
		    "min", jbound(st->has_min, &st->min, st->min_mask),
		    "max", jbound(st->has_max, &st->max, st->max_mask),
		    "one_of", st->n_one_of > 0 ? one_of : json_null(),
		    "apply", st->has_apply ? jvalue(&st->apply) : json_null(),
		    "severity", severity_name(st->severity), "reason",
		    report_jstr(st->reason), "source", report_jstr(st->source),
		    "profile", report_jstr(st->profile)));
		if (st->n_one_of == 0)
			json_decref(one_of);
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		json_array_append_new(rules, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, "
		    "s:{s:s, s:o}, s:o}", "id", r->id, "key", r->key->name, "severity",
		    severity_name(r->severity), "title", report_jstr(r->title), "reason",
		    report_jstr(r->reason), "source", report_jstr(r->source), "fix", "kind",
		    fix_kind_name(r->fix_kind), "value", r->fix_kind == FIX_VALUE ?
		    jvalue(&r->fix_value) : json_null(), "profile", report_jstr(r->profile)));
	}
	return json_pack("{s:i, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "schema_version", 1, "tool_version", TCPADVISE_VERSION, "name",
	    report_jstr(p->name), "description", report_jstr(p->description),
	    "origin", report_jstr(p->origin), "aliases", aliases,
	    "chain", chain, "settings", settings, "rules", rules);
}

/*
 * Write the text of a profile file as lines: newlines and tabs as they are,
 * every other control byte (a CR too) and invalid UTF-8 escaped. Read
 * whole, up to the size a profile may have, so that no character is cut
 * between two reads. Returns 0 or -errno.
 */
static int
show_file(const char *path)
{
	char *buf = NULL;
	size_t n;
	int r;

	/* A regular file of at most the size a profile may have. */
	if ((r = conffile_read(NULL, path, 0, PROFILE_MAX_BYTES, &buf, &n, NULL)) < 0)
		return r;
	for (const char *p = buf; p < buf + n; ) {
		/* A NUL byte ends a string: shown, and the text goes on. */
		term_fputs_flags(p, stdout, TERM_KEEP_NEWLINE | TERM_KEEP_TAB);
		p += strlen(p);
		if (p < buf + n) {
			fputs("\\x00", stdout);
			p++;
		}
	}
	free(buf);
	return r;
}

/* Print the YAML text of one profile: the file, or the built-in text. */
static int
show(const struct options *o, const char *name)
{
	struct profile *p = NULL;
	const struct builtin_profile *b;
	int status, r;

	status = cmd_load_profile(o, name, &p);
	if (status != TA_EXIT_OK)
		return status;
	if (o->format == FORMAT_JSON) {
		json_t *j = profile_json(p);

		if (report_json_write(stdout, j, JSON_INDENT(2)) < 0) {
			cmd_error(o, "cannot write the profile: %s", strerror(errno));
			status = TA_EXIT_SYSTEM;
		}
		json_decref(j);
	} else if (strcmp(p->origin, "built-in") == 0) {
		b = builtin_profile_find(p->name);
		if (b != NULL)
			fwrite(b->data, 1, (size_t)(b->end - b->data), stdout);
	} else if ((r = show_file(p->origin)) < 0) {
		cmd_error(o, "cannot read '%s': %s", p->origin, strerror(-r));
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
