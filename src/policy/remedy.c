/*
 * remedy: where a fix goes and how it reads; see remedy.h.
 *
 * The fragment wins for a key when no file that an applier reads after it
 * sets the key to something else. Reading order (sysctl.d(5), procps
 * sysctl(8) --system): every *.conf of /etc, /run, /usr/local/lib,
 * /usr/lib and /lib sysctl.d, a basename in a higher-priority directory
 * hiding the same name in lower ones, sorted by basename across all of
 * them; procps then reads /etc/sysctl.conf last, and reads hidden files,
 * which systemd-sysctl skips. So "after the fragment" is: a basename that
 * sorts after the fragment's, or, for procps, /etc/sysctl.conf itself.
 * The fragment need not exist yet: its position follows from its name.
 *
 * A line in a file of /etc is commented out in place. A line in a vendor
 * directory is never edited there (a package update would put it back):
 * a copy of the file with the line commented out goes to /etc/sysctl.d
 * under the same name, which hides the vendor file from both appliers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "remedy.h"
#include "snapshot.h"

const char *
remedy_action_name(enum remedy_action a)
{
	static const char *const names[] = {
		"none", "set", "comment-out", "mask", "runtime", "source",
	};

	return (size_t)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

void
remedy_init(struct remedy *r)
{
	memset(r, 0, sizeof *r);
	r->fixable = true;
}

void
remedy_clear(struct remedy *r)
{
	free(r->key);
	free(r->value);
	free(r->file);
	free(r->live_value);
	for (size_t i = 0; i < r->ndisable; i++) {
		free(r->disable[i].file);
		free(r->disable[i].mask);
	}
	free(r->disable);
	free(r->why);
	free(r->by);
	remedy_init(r);
}

static int
dup_into(char **dst, const char *src)
{
	if (src == NULL) {
		*dst = NULL;
		return 0;
	}
	return (*dst = strdup(src)) == NULL ? -ENOMEM : 0;
}

int
remedy_copy(struct remedy *dst, const struct remedy *src)
{
	*dst = *src;
	dst->key = dst->value = dst->file = dst->live_value = dst->why = dst->by = NULL;
	dst->disable = NULL;
	dst->ndisable = 0;
	if (dup_into(&dst->key, src->key) < 0 || dup_into(&dst->value, src->value) < 0 ||
	    dup_into(&dst->file, src->file) < 0 ||
	    dup_into(&dst->live_value, src->live_value) < 0 ||
	    dup_into(&dst->why, src->why) < 0 || dup_into(&dst->by, src->by) < 0)
		goto nomem;
	if (src->ndisable > 0) {
		dst->disable = calloc(src->ndisable, sizeof *dst->disable);
		if (dst->disable == NULL)
			goto nomem;
		for (size_t i = 0; i < src->ndisable; i++) {
			dst->disable[i] = src->disable[i];
			dst->disable[i].file = dst->disable[i].mask = NULL;
			dst->ndisable++;
			if (dup_into(&dst->disable[i].file, src->disable[i].file) < 0 ||
			    dup_into(&dst->disable[i].mask, src->disable[i].mask) < 0)
				goto nomem;
		}
	}
	return 0;
nomem:
	remedy_clear(dst);
	return -ENOMEM;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

bool
remedy_in_fragment(const struct sysctld_config *c, const char *fragment,
    const struct sysctld_line *l)
{
	const struct sysctld_file *f = &c->files[l->file];

	return f->dir < SYSCTLD_NDIRS && strcmp(f->name, base_name(fragment)) == 0;
}

bool
remedy_after_fragment(const struct sysctld_config *c, enum sysctld_applier a,
    const char *fragment, const struct sysctld_line *l)
{
	const struct sysctld_file *f = &c->files[l->file];

	if (!sysctld_applier_reads(a, f) || remedy_in_fragment(c, fragment, l))
		return false;
	if (f->dir >= SYSCTLD_NDIRS)
		return a == APPLIER_PROCPS && strcmp(f->path, SYSCTL_CONF) == 0;
	return strcmp(f->name, base_name(fragment)) > 0;
}

/*
 * A vendor file: in a directory below /etc's priority, or an /etc/sysctl.d
 * entry that is a link into one. Lines there are masked, not edited. Files
 * given to `lint` are edited where they are.
 */
static bool
vendor_file(const struct remedy_ctx *x, const struct sysctld_file *f)
{
	if (f->dir > 0 && f->dir < SYSCTLD_NDIRS)
		return true;
	return !x->s->files_only && f->dir == 0 && f->target[0] == '/' &&
	    strncmp(f->target, "/etc/", 5) != 0 && strcmp(f->target, "/dev/null") != 0;
}

int
remedy_unfixable(struct remedy *r, const char *why)
{
	r->fixable = false;
	if (r->why != NULL)
		return 0;	/* the first reason stands */
	return (r->why = strdup(why)) == NULL ? -ENOMEM : 0;
}

static int
add_line(const struct remedy_ctx *x, const struct sysctld_line *l, const char *why,
    struct remedy *r)
{
	const struct sysctld_config *c = x->s->config;
	const struct sysctld_file *f = &c->files[l->file];
	const char *file = sysctld_line_file(c, l);
	struct remedy_line *nl;

	for (size_t i = 0; i < r->ndisable; i++)
		if (r->disable[i].line == l->lineno && strcmp(r->disable[i].file, file) == 0)
			return 0;
	nl = realloc(r->disable, (r->ndisable + 1) * sizeof *nl);
	if (nl == NULL)
		return -ENOMEM;
	r->disable = nl;
	nl = &r->disable[r->ndisable];
	memset(nl, 0, sizeof *nl);
	nl->line = l->lineno;
	nl->why = why;
	nl->managed_by = f->managed_by;
	nl->regenerated = f->dir == 1;
	if ((nl->file = strdup(file)) == NULL)
		return -ENOMEM;
	r->ndisable++;
	if (vendor_file(x, f)) {
		char path[4096];

		if (f->dir == 0)
			snprintf(path, sizeof path, "%s", f->path);
		else
			snprintf(path, sizeof path, "%s/%s", sysctld_dirs[0], f->name);
		if ((nl->mask = strdup(path)) == NULL)
			return -ENOMEM;
	}
	if (f->dir == SYSCTLD_CMDLINE) {
		r->action = REMEDY_SOURCE;
		return remedy_unfixable(r, "the kernel command line sets it: change "
		    "the boot loader's configuration (GRUB_CMDLINE_LINUX in "
		    "/etc/default/grub, or /etc/kernel/cmdline)");
	}
	if (f->managed_by != NULL) {
		char why_buf[512];

		snprintf(why_buf, sizeof why_buf, "%s is managed by %s: an edit there would "
		    "not last; change it at the source (or apply --resolve --force)",
		    file, f->managed_by);
		r->action = REMEDY_SOURCE;
		return remedy_unfixable(r, why_buf);
	}
	return 0;
}

/* Whether text parses for e to the same value as v. */
static bool
same_value(const struct catalog_entry *e, const char *text, const struct value *v)
{
	struct value w;
	const char *err;

	return value_parse_kernel(text, e->shape, e->nfields, &w, &err) == 0 &&
	    value_equal(&w, v);
}

/* The reason a live write cannot happen here, or NULL. */
static const char *
live_blocker(const struct remedy_ctx *x, const struct catalog_entry *e,
    enum remedy_action *action, char *buf, size_t size)
{
	const struct snapshot *s = x->s;
	const struct snapshot_key *k = snapshot_key(s, e->name);

	if (s->netns_child && e->scope != SCOPE_NETNS)
		return "a global key: this network namespace cannot set it; set it on "
		    "the host";
	if (k == NULL || k->status == LIVE_ABSENT)
		return (e->flags & CATALOG_MODULE) ? "the key is not on this kernel (its "
		    "module is not loaded)" : "the key is not on this kernel";
	if (k->status == LIVE_UNAVAILABLE)
		return "an image: there is no running kernel to set it on";
	if (e->flags & CATALOG_READONLY)
		return "a read-only key";
	if (k->author != NULL) {
		/* It would put its own value back: change it at the source. */
		*action = REMEDY_SOURCE;
		snprintf(buf, size, "%s sets it at run time and would put its own "
		    "value back", k->author);
		return buf;
	}
	if (s->proc_ro) {
		if (s->netns_child) {
			*action = REMEDY_RUNTIME;
			return "/proc/sys is read-only in this container: its runtime sets "
			    "the value";
		}
		return "/proc/sys is read-only here";
	}
	return NULL;
}

/* With the author of a key as the blocker: name it in the remedy. */
static int
set_by(const struct remedy_ctx *x, const struct catalog_entry *e,
    enum remedy_action action, struct remedy *r)
{
	const struct snapshot_key *k = snapshot_key(x->s, e->name);

	if (action != REMEDY_SOURCE || k == NULL || k->author == NULL || r->by != NULL)
		return 0;
	return (r->by = strdup(k->author)) == NULL ? -ENOMEM : 0;
}

int
remedy_set(const struct remedy_ctx *x, const struct catalog_entry *e,
    const char *value, bool live, bool persist, struct remedy *r)
{
	const struct sysctld_config *c = x->s->config;
	enum remedy_action action = REMEDY_SET;
	const char *blocked;
	char blocked_buf[512];
	struct value v;
	const char *err;
	bool parsed;
	int rc;

	r->action = REMEDY_SET;
	r->live = live;
	/* A namespace that nothing sets when it is made again, or whose
	   runtime sets it from its OCI config, has no file of ours to write
	   (--netns): only the lines to change at their source remain. */
	r->persist = persist && (x->s->boot_view == NETNS_BOOT_HOST ||
	    x->s->boot_view == NETNS_BOOT_ROOT);
	r->runtime = persist && x->s->boot_view == NETNS_BOOT_OCI;
	if ((r->key = strdup(e->name)) == NULL || (r->value = strdup(value)) == NULL)
		return -ENOMEM;
	if (live && (r->live_value = strdup(value)) == NULL)
		return -ENOMEM;
	if (r->persist && (r->file = strdup(x->fragment)) == NULL)
		return -ENOMEM;
	parsed = value_parse_kernel(value, e->shape, e->nfields, &v, &err) == 0;
	for (size_t fi = 0; persist && fi < c->nfiles; fi++)
		for (size_t li = 0; li < c->files[fi].nlines; li++) {
			const struct sysctld_line *l = &c->files[fi].lines[li];
			bool p, sd;
			const char *why;

			if (l->glob || l->key == NULL || strcmp(l->key, e->name) != 0)
				continue;
			if (l->kind == LINE_ASSIGN) {
				if (parsed && same_value(e, l->value, &v))
					continue;
				p = remedy_after_fragment(c, APPLIER_PROCPS, x->fragment, l);
			} else if (l->kind == LINE_EXCLUDE) {
				p = false;	/* procps: exclusions only stop globs */
			} else
				continue;
			sd = remedy_after_fragment(c, APPLIER_SYSTEMD, x->fragment, l);
			if (!p && !sd)
				continue;
			if (l->kind == LINE_EXCLUDE)
				why = "it stops systemd-sysctl from setting the key";
			else if (p && !sd && c->files[l->file].dir >= SYSCTLD_NDIRS)
				why = "read last by procps";
			else if (p && !sd)
				why = "read after it by procps";
			else if (sd && !p)
				why = "read after it by systemd-sysctl";
			else
				why = "read after it";
			if ((rc = add_line(x, l, why, r)) < 0)
				return rc;
		}
	/* Only the value a namespace is made with lasts, and nothing of
	   ours makes it (--netns on `ip netns add`, unshare(1)). */
	if (persist && !live && x->s->boot_view == NETNS_BOOT_NONE)
		return remedy_unfixable(r, "nothing sets this network namespace's "
		    "keys when it is made again: set the value where it is made "
		    "(after `ip netns add`, or in what starts the container)");
	if ((blocked = live_blocker(x, e, &action, blocked_buf,
	    sizeof blocked_buf)) != NULL &&
	    (live || (e->scope != SCOPE_NETNS && x->s->netns_child))) {
		if (r->action == REMEDY_SET)
			r->action = action;
		if ((rc = set_by(x, e, action, r)) < 0)
			return rc;
		return remedy_unfixable(r, blocked);
	}
	return 0;
}

int
remedy_disable_line(const struct remedy_ctx *x, const struct sysctld_line *l,
    const char *why, struct remedy *r)
{
	const struct sysctld_config *c = x->s->config;
	const struct catalog_entry *e;
	int rc;

	if (r->action == REMEDY_NONE) {
		const struct sysctld_file *f = &c->files[l->file];

		r->action = vendor_file(x, f) ? REMEDY_MASK : REMEDY_COMMENT_OUT;
		if (l->key != NULL && (r->key = strdup(l->key)) == NULL)
			return -ENOMEM;
		if ((r->file = strdup(sysctld_line_file(c, l))) == NULL)
			return -ENOMEM;
		r->line = l->lineno;
	} else if (r->action == REMEDY_MASK && !vendor_file(x, &c->files[l->file]))
		r->action = REMEDY_COMMENT_OUT;
	if ((rc = add_line(x, l, why, r)) < 0)
		return rc;
	/* A global key's line is the host's to judge: this namespace cannot
	   see the key, and the file may be the one the host boots from. */
	if (x->s->netns_child && l->key != NULL && (e = catalog_lookup(l->key)) != NULL &&
	    e->scope != SCOPE_NETNS && catalog_in_release(e, &x->s->host.kernel))
		return remedy_unfixable(r, "a global key: this network namespace cannot "
		    "see or set it; its line is the host's to judge");
	return 0;
}

int
remedy_reset_live(const struct remedy_ctx *x, const struct catalog_entry *e,
    const char *default_value, struct remedy *r)
{
	const struct snapshot_key *k = snapshot_key(x->s, e->name);
	enum remedy_action action = r->action;
	const char *blocked, *err;
	char blocked_buf[512];
	struct value v;

	if (k == NULL || !k->live_ok || default_value == NULL ||
	    value_parse_kernel(default_value, e->shape, e->nfields, &v, &err) < 0 ||
	    value_equal(&k->live_value, &v))
		return 0;
	if (r->action == REMEDY_NONE) {
		/* No line to disable: the live value is all there is to fix. */
		r->action = REMEDY_SET;
		if ((r->key = strdup(e->name)) == NULL ||
		    (r->value = strdup(default_value)) == NULL)
			return -ENOMEM;
	}
	r->live = true;
	free(r->live_value);
	if ((r->live_value = strdup(default_value)) == NULL)
		return -ENOMEM;
	if ((blocked = live_blocker(x, e, &action, blocked_buf, sizeof blocked_buf)) != NULL) {
		if (set_by(x, e, action, r) < 0)
			return -ENOMEM;
		return remedy_unfixable(r, blocked);
	}
	return 0;
}

/* --- text ------------------------------------------------------------ */

/* A growing string; sticky failure. */
struct text {
	char *s;
	size_t len;
	bool failed;
};

static void __attribute__((format(printf, 2, 3)))
text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char *piece, *ns;
	int n;

	if (t->failed)
		return;
	va_start(ap, fmt);
	n = vasprintf(&piece, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->failed = true;
		return;
	}
	if ((ns = realloc(t->s, t->len + (size_t)n + 1)) == NULL) {
		free(piece);
		t->failed = true;
		return;
	}
	memcpy(ns + t->len, piece, (size_t)n + 1);
	t->s = ns;
	t->len += (size_t)n;
	free(piece);
}

/* "comment out F:12; mask V with a copy in M that comments out lines 3, 7" */
static void
text_disable(struct text *t, const struct remedy *r, const char *sep)
{
	for (size_t i = 0; i < r->ndisable; i++) {
		const struct remedy_line *d = &r->disable[i];
		size_t j = i;

		text_add(t, "%s", i == 0 ? "" : sep);
		if (strcmp(d->file, SYSCTLD_CMDLINE_PATH) == 0) {
			text_add(t, "remove parameter %u of the kernel command line from the "
			    "boot loader's configuration", d->line);
		} else if (d->managed_by != NULL) {
			text_add(t, "change %s:%u at its source (managed by %s)", d->file,
			    d->line, d->managed_by);
		} else if (d->mask != NULL) {
			text_add(t, "mask %s with a copy in %s that comments out line%s %u",
			    d->file, d->mask, i + 1 < r->ndisable &&
			    strcmp(r->disable[i + 1].file, d->file) == 0 ? "s" : "", d->line);
			while (j + 1 < r->ndisable && strcmp(r->disable[j + 1].file, d->file) == 0)
				text_add(t, ", %u", r->disable[++j].line);
			if (d->regenerated)
				text_add(t, " (it is regenerated at boot: the copy freezes it)");
		} else {
			text_add(t, "comment out %s:%u", d->file, d->line);
			while (j + 1 < r->ndisable && r->disable[j + 1].mask == NULL &&
			    r->disable[j + 1].managed_by == NULL &&
			    strcmp(r->disable[j + 1].file, d->file) == 0 &&
			    (d->why == NULL) == (r->disable[j + 1].why == NULL) &&
			    (d->why == NULL || strcmp(d->why, r->disable[j + 1].why) == 0))
				text_add(t, ", %u", r->disable[++j].line);
			if (d->why != NULL)
				text_add(t, " (%s)", d->why);
		}
		i = j;
	}
}

int
remedy_text(const struct remedy *r, char **ret_fix, char **ret_live)
{
	struct text fix = { NULL, 0, false }, live = { NULL, 0, false };

	switch (r->action) {
	case REMEDY_NONE:
		break;
	case REMEDY_SET:
	case REMEDY_SOURCE:
		if (r->value == NULL) {
			text_disable(&fix, r, "; ");
			break;
		}
		if (r->by != NULL) {
			text_add(&fix, "set %s = %s in the configuration of %s", r->key,
			    r->value, r->by);
			break;
		}
		if (r->persist) {
			text_add(&fix, "set %s = %s in %s", r->key, r->value, r->file);
			if (r->ndisable > 0) {
				text_add(&fix, "; ");
				text_disable(&fix, r, "; ");
			}
		} else if (r->runtime) {
			text_add(&fix, "set %s = %s through the container runtime (docker "
			    "run --sysctl %s=%s, or the pod's securityContext.sysctls)",
			    r->key, r->value, r->key, r->value);
			if (r->ndisable > 0) {
				text_add(&fix, "; ");
				text_disable(&fix, r, "; ");
			}
		} else if (r->live)
			text_add(&fix, "sysctl -w %s=%s", r->key, r->live_value);
		if ((r->persist || r->runtime) && r->live)
			text_add(&live, "sysctl -w %s=%s", r->key, r->live_value);
		if (!r->fixable && r->why != NULL && r->action == REMEDY_SET &&
		    (r->persist || r->runtime || r->live))
			text_add(&fix, " (not here: %s)", r->why);
		break;
	case REMEDY_COMMENT_OUT:
	case REMEDY_MASK:
		text_disable(&fix, r, "; ");
		if (r->live && r->key != NULL && r->live_value != NULL)
			text_add(&live, "sysctl -w %s=%s", r->key, r->live_value);
		break;
	case REMEDY_RUNTIME:
		text_add(&fix, "set %s = %s through the container runtime (docker run "
		    "--sysctl %s=%s, or the pod's securityContext.sysctls)", r->key,
		    r->value ? r->value : "", r->key, r->value ? r->value : "");
		break;
	}
	if (fix.failed || live.failed) {
		free(fix.s);
		free(live.s);
		return -ENOMEM;
	}
	*ret_fix = fix.s;
	*ret_live = live.s;
	return 0;
}
