/*
 * fragment: tcpadvise's own sysctl.d file; see fragment.h.
 *
 * Determinism. The text depends only on the profile (name, origin, settings
 * with their reasons and apply values) and on which keys this system has:
 * no dates, no host names. So a second apply renders the same bytes and the
 * compare-first step of the write leaves the file alone (same inode, same
 * mtime), which is what makes apply idempotent.
 *
 * Lines. Only "# " comments, blank lines and "key = value" lines: no '-'
 * prefix and no globs, whose meaning differs between procps and systemd, no
 * inline comments, which neither supports. Text coming from a profile is
 * put on comment lines only, with control characters replaced by '?', so a
 * profile cannot smuggle a setting into the file through its reason.
 *
 * Writing: atomicfile.h, which also holds the history.
 *
 * Never prints; returns negative errno values.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "conffile.h"
#include "fragment.h"
#include "procfs.h"

#define WRAP_COLUMNS 78
#define DIFF_CONTEXT 3
#define DIFF_MAX_CELLS (4u << 20)	/* LCS table cap; beyond it: replace whole */

static const char reason_global[] =
    "global key: set it on the host, not inside a network namespace";

/* A growing NUL-terminated string. */
struct sbuf {
	char *s;
	size_t len, alloc;
	int error;		/* sticky: -ENOMEM */
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	char *ns;
	size_t want;

	if (b->error)
		return;
	if (b->len + n + 1 > b->alloc) {
		want = b->alloc ? b->alloc : 256;
		while (want < b->len + n + 1)
			want *= 2;
		if ((ns = realloc(b->s, want)) == NULL) {
			b->error = -ENOMEM;
			return;
		}
		b->s = ns;
		b->alloc = want;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Append s with control characters (and DEL) replaced by '?'. */
static void
sb_clean(struct sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			sb_add(b, "?", 1);
		else
			sb_add(b, &s[i], 1);
	}
}

/* Take the string out of b (NULL on error); b is reset. */
static int
sb_take(struct sbuf *b, char **ret)
{
	if (b->error) {
		free(b->s);
		memset(b, 0, sizeof *b);
		return -ENOMEM;
	}
	if (b->s == NULL && (b->s = strdup("")) == NULL)
		return -ENOMEM;
	*ret = b->s;
	memset(b, 0, sizeof *b);
	return 0;
}

/* "# "-prefixed comment lines of text after indent, words filled up to
   WRAP_COLUMNS. */
static void
sb_comment(struct sbuf *b, const char *indent, const char *text)
{
	const char *p = text;
	size_t col = 0;

	for (;;) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " \t\n\r");
		if (col > 0 && col + 1 + n > WRAP_COLUMNS) {
			sb_str(b, "\n");
			col = 0;
		}
		if (col == 0) {
			sb_str(b, indent);
			col = strlen(indent);
		}
		sb_str(b, col == strlen(indent) ? "# " : " ");
		col += col == strlen(indent) ? 2 : 1;
		sb_clean(b, p, n);
		col += n;
		p += n;
	}
	if (col > 0)
		sb_str(b, "\n");
}

/* The header: tool, profile and where the profile came from. */
static void
sb_header(struct sbuf *b, const char *profile, const char *origin)
{
	char *abs = NULL;

	sb_str(b, "# Written by tcpadvise " TCPADVISE_VERSION
	    ": `tcpadvise apply` rewrites this file and\n"
	    "# `tcpadvise rollback` restores what it replaced. "
	    "Edit the profile, not this file.\n# profile: ");
	sb_clean(b, profile, strlen(profile));
	sb_str(b, "\n# source: ");
	/* A profile file is recorded by its absolute path, so that `check`
	   finds it again from any directory. */
	if (origin == NULL)
		origin = "built-in";
	if (strcmp(origin, "built-in") != 0 && origin[0] != '/')
		abs = realpath(origin, NULL);
	sb_clean(b, abs ? abs : origin, strlen(abs ? abs : origin));
	free(abs);
	sb_str(b, "\n");
}

const char *
fragment_skip_reason(const struct setting *st, const struct snapshot *s)
{
	const struct catalog_entry *e = st->entry;
	const struct snapshot_key *k = snapshot_key(s, e->name);

	if (!st->has_apply)
		return "no apply value";
	if (e->flags & CATALOG_READONLY)
		return "read-only key";
	/* A child network namespace has no writable copy of a global key:
	   it is absent (SCOPE_GLOBAL) or the init namespace's, read-only
	   (SCOPE_GLOBAL_RO). */
	if (s->netns_child && e->scope != SCOPE_NETNS)
		return reason_global;
	if (k == NULL || k->status == LIVE_ABSENT || k->status == LIVE_HIDDEN)
		return "not on this kernel";
	return NULL;
}

static int
cmp_setting_ptr(const void *a, const void *b)
{
	const struct setting *const *x = a, *const *y = b;

	return catalog_write_cmp((*x)->entry->name, (*y)->entry->name);
}

int
fragment_render(const struct profile *p, const struct snapshot *s,
    char **ret_text, struct fragment_skip **ret_skipped, size_t *ret_n)
{
	const struct setting **order = NULL;
	struct fragment_skip *skipped = NULL;
	struct sbuf b = { NULL, 0, 0, 0 };
	char value[VALUE_STR_MAX + 64];
	size_t nskipped = 0;
	char *text = NULL;
	int r;

	if (p->nsettings > 0) {
		order = calloc(p->nsettings, sizeof *order);
		skipped = calloc(p->nsettings, sizeof *skipped);
		if (order == NULL || skipped == NULL) {
			r = -ENOMEM;
			goto out;
		}
	}
	for (size_t i = 0; i < p->nsettings; i++)
		order[i] = &p->settings[i];
	if (p->nsettings > 1)
		qsort(order, p->nsettings, sizeof *order, cmp_setting_ptr);

	sb_header(&b, p->name, p->origin);

	for (size_t i = 0; i < p->nsettings; i++) {
		const struct setting *st = order[i];
		const char *why;

		if (!st->has_apply)
			continue;
		if ((why = fragment_skip_reason(st, s)) != NULL) {
			skipped[nskipped].key = st->entry->name;
			skipped[nskipped].reason = why;
			nskipped++;
			continue;
		}
		if ((r = value_format(&st->apply, value, sizeof value)) < 0)
			goto out;
		sb_str(&b, "\n");
		if (st->reason != NULL)
			sb_comment(&b, "", st->reason);
		sb_str(&b, st->entry->name);
		sb_str(&b, " = ");
		sb_clean(&b, value, strlen(value));
		sb_str(&b, "\n");
	}
	if ((r = sb_take(&b, &text)) < 0)
		goto out;
	*ret_text = text;
	if (nskipped == 0)
		skipped = fragment_skips_free(skipped, 0);
	*ret_skipped = skipped;
	*ret_n = nskipped;
	skipped = NULL;
	r = 0;
out:
	free(b.s);
	free(order);
	free(skipped);
	return r;
}

/* One block: verbatim, or the comment, then "key = value". */
static void
sb_block(struct sbuf *b, const struct fragment_block *k)
{
	if (k->verbatim != NULL) {
		sb_str(b, k->verbatim);
		return;
	}
	if (k->comment != NULL)
		sb_comment(b, "", k->comment);
	sb_clean(b, k->key, strlen(k->key));
	sb_str(b, " = ");
	sb_clean(b, k->value, strlen(k->value));
	sb_str(b, "\n");
}

int
fragment_compose(const char *profile, const char *origin,
    const struct fragment_block *blocks, size_t n, char **ret)
{
	struct sbuf b = { NULL, 0, 0, 0 };

	sb_header(&b, profile, origin);
	for (size_t i = 0; i < n; i++) {
		const struct fragment_block *k = &blocks[i];

		sb_str(&b, "\n");
		sb_block(&b, k);
	}
	return sb_take(&b, ret);
}

int
fragment_comment(const char *indent, const char *text, char **ret)
{
	struct sbuf b = { NULL, 0, 0, 0 };

	sb_comment(&b, indent, text);
	return sb_take(&b, ret);
}

int
fragment_block_text(const struct fragment_block *k, char **ret)
{
	struct sbuf b = { NULL, 0, 0, 0 };

	sb_block(&b, k);
	return sb_take(&b, ret);
}

/* A copy of start..end without leading and trailing blanks and newlines. */
static char *
trimmed(const char *start, const char *end)
{
	while (end > start && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	return strndup(start, (size_t)(end - start));
}

int
fragment_blocks(const char *text, struct fragment_block **ret, size_t *ret_n)
{
	struct fragment_block *v = NULL;
	const char *p = text;
	size_t n = 0;

	while (*p != '\0') {
		const char *start, *last = NULL, *end;
		char key[SYSCTL_KEY_MAX], *eq;
		struct fragment_block *nv;
		size_t klen;

		while (*p == '\n')
			p++;
		if (*p == '\0')
			break;
		/* A paragraph: lines up to a blank one; its last line. */
		start = p;
		for (end = p; *end != '\0';) {
			const char *nl = strchr(end, '\n');
			const char *next = nl ? nl + 1 : end + strlen(end);

			last = end;
			end = next;
			if (*end == '\n' || *end == '\0')
				break;
		}
		p = end;
		if (last == NULL || *last == '#' ||
		    (eq = memchr(last, '=', (size_t)(end - last))) == NULL)
			continue;	/* the header, or no assignment */
		klen = (size_t)(eq - last);
		while (klen > 0 && (last[klen - 1] == ' ' || last[klen - 1] == '\t'))
			klen--;
		if (klen == 0 || klen >= sizeof key)
			continue;
		memcpy(key, last, klen);
		key[klen] = '\0';
		if ((nv = realloc(v, (n + 1) * sizeof *nv)) == NULL)
			goto nomem;
		v = nv;
		memset(&v[n], 0, sizeof v[n]);
		v[n].key = strdup(key);
		v[n].verbatim = strndup(start, (size_t)(end - start));
		n++;
		if (v[n - 1].key == NULL || v[n - 1].verbatim == NULL)
			goto nomem;
		if ((v[n - 1].value = trimmed(eq + 1, end)) == NULL)
			goto nomem;
	}
	*ret = v;
	*ret_n = n;
	return 0;
nomem:
	fragment_blocks_free(v, n);
	return -ENOMEM;
}

struct fragment_block *
fragment_blocks_free(struct fragment_block *list, size_t n)
{
	for (size_t i = 0; list != NULL && i < n; i++) {
		/* Casts: blocks from fragment_blocks() own their strings. */
		free((char *)(uintptr_t)list[i].key);
		free((char *)(uintptr_t)list[i].value);
		free((char *)(uintptr_t)list[i].verbatim);
	}
	free(list);
	return NULL;
}

struct fragment_skip *
fragment_skips_free(struct fragment_skip *list, size_t n)
{
	(void)n;
	free(list);
	return NULL;
}

int
fragment_header(const char *root, const char *path, const char *field,
    char **ret_value)
{
	char *text = NULL, *value, tag[32];
	const char *line, *end;
	size_t taglen;
	int r, w;

	w = snprintf(tag, sizeof tag, "# %s:", field);
	if (w < 0 || (size_t)w >= sizeof tag)
		return -EINVAL;
	taglen = (size_t)w;
	if ((r = atomic_read(root, path, &text)) < 0)
		return r;
	r = -ENOENT;
	for (line = text; *line == '#'; line = end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			end = line + strlen(line);
		if ((size_t)(end - line) > taglen && strncmp(line, tag, taglen) == 0) {
			const char *b = line + taglen, *e = end;

			while (b < e && (*b == ' ' || *b == '\t'))
				b++;
			while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
				e--;
			if (e == b)
				break;
			if ((value = strndup(b, (size_t)(e - b))) == NULL) {
				r = -ENOMEM;
				break;
			}
			*ret_value = value;
			r = 0;
			break;
		}
		if (*end == '\0')
			break;
	}
	free(text);
	return r;
}

int
fragment_profile(const char *root, const char *path, char **ret_name)
{
	return fragment_header(root, path, "profile", ret_name);
}

/* One line of a diff input; nl: it ends with '\n'. */
struct dline {
	const char *s;
	size_t len;
	bool nl;
};

static int
split_lines(const char *text, struct dline **ret, size_t *ret_n)
{
	struct dline *v = NULL;
	size_t n = 0, cap = 0;

	if (text == NULL) {
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	for (const char *p = text; *p != '\0';) {
		const char *e = strchr(p, '\n');

		if (n == cap) {
			struct dline *nv;

			cap = cap ? cap * 2 : 64;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[n].s = p;
		v[n].len = e ? (size_t)(e - p) : strlen(p);
		v[n].nl = e != NULL;
		n++;
		p = e ? e + 1 : p + strlen(p);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

static bool
dline_eq(const struct dline *a, const struct dline *b)
{
	return a->len == b->len && a->nl == b->nl && memcmp(a->s, b->s, a->len) == 0;
}

/* One step of the edit script: ' ' keep, '-' delete a[i], '+' insert b[j]. */
struct dop {
	char op;
	size_t i, j;	/* lines before this step in a and in b */
};

static void
emit_line(struct sbuf *b, char op, const struct dline *l)
{
	sb_add(b, &op, 1);
	sb_add(b, l->s, l->len);
	sb_str(b, "\n");
	if (!l->nl)
		sb_str(b, "\\ No newline at end of file\n");
}

/* Edit script from a to b by a longest common subsequence of lines; when
   the table would be too large, delete everything and insert everything. */
static int
edit_script(const struct dline *a, size_t n, const struct dline *b, size_t m,
    struct dop **ret, size_t *ret_n)
{
	uint32_t *t = NULL;
	struct dop *ops;
	size_t i = 0, j = 0, k = 0, w = m + 1;
	bool lcs = n > 0 && m > 0 && (n + 1) * (m + 1) <= DIFF_MAX_CELLS;

	if ((ops = calloc(n + m + 1, sizeof *ops)) == NULL)
		return -ENOMEM;
	if (lcs) {
		if ((t = calloc((n + 1) * (m + 1), sizeof *t)) == NULL) {
			free(ops);
			return -ENOMEM;
		}
		/* t[i][j]: LCS length of a[i..] and b[j..]. */
		for (size_t x = n; x-- > 0;)
			for (size_t y = m; y-- > 0;)
				t[x * w + y] = dline_eq(&a[x], &b[y]) ?
				    t[(x + 1) * w + y + 1] + 1 :
				    t[(x + 1) * w + y] >= t[x * w + y + 1] ?
				    t[(x + 1) * w + y] : t[x * w + y + 1];
	}
	while (i < n || j < m) {
		ops[k].i = i;
		ops[k].j = j;
		if (lcs && i < n && j < m && dline_eq(&a[i], &b[j])) {
			ops[k++].op = ' ';
			i++;
			j++;
		} else if (i < n && (j == m || !lcs ||
		    t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			ops[k++].op = '-';
			i++;
		} else {
			ops[k++].op = '+';
			j++;
		}
	}
	free(t);
	*ret = ops;
	*ret_n = k;
	return 0;
}

static void
emit_range(struct sbuf *b, size_t start, size_t count)
{
	char buf[64];

	/* An empty range names the line before it (0 for the file's start). */
	snprintf(buf, sizeof buf, "%zu,%zu", count ? start + 1 : start, count);
	sb_str(b, buf);
}

int
fragment_diff(const char *path, const char *before, const char *after, char **ret)
{
	struct dline *a = NULL, *bl = NULL;
	struct dop *ops = NULL;
	struct sbuf out = { NULL, 0, 0, 0 };
	size_t n = 0, m = 0, nops = 0, i;
	int r;

	if ((r = split_lines(before, &a, &n)) < 0 ||
	    (r = split_lines(after, &bl, &m)) < 0 ||
	    (r = edit_script(a, n, bl, m, &ops, &nops)) < 0)
		goto out;
	for (i = 0; i < nops && ops[i].op == ' '; i++)
		;
	if (i == nops && before != NULL) {
		r = sb_take(&out, ret);
		goto out;
	}
	if (before == NULL)
		sb_str(&out, "--- /dev/null\n");
	else {
		sb_str(&out, "--- a");
		sb_clean(&out, path, strlen(path));
		sb_str(&out, "\n");
	}
	sb_str(&out, "+++ b");
	sb_clean(&out, path, strlen(path));
	sb_str(&out, "\n");

	i = 0;
	while (i < nops) {
		size_t start, end, last, ca = 0, cb = 0;

		if (ops[i].op == ' ') {
			i++;
			continue;
		}
		start = i > DIFF_CONTEXT ? i - DIFF_CONTEXT : 0;
		/* Hunks never overlap: i is past the previous hunk's end. */
		last = i;
		for (size_t j = i; j < nops;) {
			size_t k = j;

			if (ops[j].op != ' ') {
				last = j++;
				continue;
			}
			while (k < nops && ops[k].op == ' ')
				k++;
			if (k == nops || k - j > 2 * DIFF_CONTEXT)
				break;
			j = k;
		}
		end = last + 1 + DIFF_CONTEXT < nops ? last + 1 + DIFF_CONTEXT : nops;
		for (size_t j = start; j < end; j++) {
			ca += ops[j].op != '+';
			cb += ops[j].op != '-';
		}
		sb_str(&out, "@@ -");
		emit_range(&out, ops[start].i, ca);
		sb_str(&out, " +");
		emit_range(&out, ops[start].j, cb);
		sb_str(&out, " @@\n");
		for (size_t j = start; j < end; j++)
			emit_line(&out, ops[j].op, ops[j].op == '+' ?
			    &bl[ops[j].j] : &a[ops[j].i]);
		i = end;
	}
	r = sb_take(&out, ret);
out:
	free(out.s);
	free(ops);
	free(a);
	free(bl);
	return r;
}

static int
add_override(struct fragment_override **v, size_t *n, size_t *cap,
    const struct sysctld_config *c, const struct sysctld_line *ours,
    const struct sysctld_line *l, enum sysctld_applier a)
{
	const char *file = sysctld_line_file(c, l);
	struct fragment_override *o;

	for (size_t i = 0; i < *n; i++) {
		o = &(*v)[i];
		if (o->our_line == ours->lineno && strcmp(o->key, ours->key) == 0 &&
		    o->line == l->lineno && strcmp(o->file, file) == 0) {
			o->appliers |= 1u << a;
			return 0;
		}
	}
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;

		if ((o = realloc(*v, nc * sizeof *o)) == NULL)
			return -ENOMEM;
		*v = o;
		*cap = nc;
	}
	o = &(*v)[(*n)++];
	o->key = ours->key;
	o->our_line = ours->lineno;
	o->file = file;
	o->line = l->lineno;
	o->value = l->kind == LINE_ASSIGN ? l->value : NULL;
	o->appliers = 1u << a;
	return 0;
}

int
fragment_config_planned(const char *root, const char *path, const char *text,
    struct sysctld_config **ret)
{
	return fragment_config_planned_n(root, &path, &text, 1, ret);
}

int
fragment_config_planned_n(const char *root, const char *const *paths,
    const char *const *texts, size_t n, struct sysctld_config **ret)
{
	struct sysctld_planned *planned = NULL;
	char (*real)[64] = NULL;
	int *fds = NULL, r = 0;
	size_t open_fds = 0;

	if (n > 0 && ((planned = calloc(n, sizeof *planned)) == NULL ||
	    (real = calloc(n, sizeof *real)) == NULL ||
	    (fds = calloc(n, sizeof *fds)) == NULL)) {
		r = -ENOMEM;
		goto out;
	}
	/* Anonymous memory files: nothing is written below any root. */
	for (size_t i = 0; i < n; i++) {
		if ((fds[i] = memfd_create("tcpadvise-planned", MFD_CLOEXEC)) < 0) {
			r = -errno;
			goto out;
		}
		open_fds++;
		if ((r = atomic_write_all(fds[i], texts[i], strlen(texts[i]))) < 0)
			goto out;
		(void)snprintf(real[i], sizeof real[i], "/proc/self/fd/%d", fds[i]);
		planned[i].path = paths[i];
		planned[i].real = real[i];
	}
	r = sysctld_load_planned(root, planned, n, ret);
out:
	for (size_t i = 0; i < open_fds; i++)
		close(fds[i]);
	free(fds);
	free(real);
	free(planned);
	return r;
}

int
fragment_overrides(const struct sysctld_config *c, const char *path,
    struct fragment_override **ret, size_t *ret_n)
{
	struct fragment_override *v = NULL;
	const struct sysctld_file *frag = NULL;
	size_t n = 0, cap = 0, fi = 0;
	int r;

	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].path, path) == 0) {
			frag = &c->files[i];
			fi = i;
			break;
		}
	for (size_t li = 0; frag != NULL && li < frag->nlines; li++) {
		const struct sysctld_line *ours = &frag->lines[li];

		if (ours->kind != LINE_ASSIGN || ours->glob)
			continue;
		for (size_t j = fi + 1; j < c->nfiles; j++) {
			const struct sysctld_file *f = &c->files[j];

			for (size_t k = 0; k < f->nlines; k++) {
				const struct sysctld_line *l = &f->lines[k];

				if (l->kind == LINE_INVALID || l->glob ||
				    strcmp(l->key, ours->key) != 0)
					continue;
				for (int a = APPLIER_PROCPS; a <= APPLIER_SYSTEMD; a++) {
					if (!sysctld_applier_reads(a, frag) ||
					    !sysctld_applier_reads(a, f))
						continue;
					/* procps: an exclusion only keeps globs off. */
					if (l->kind == LINE_EXCLUDE && a == APPLIER_PROCPS)
						continue;
					if ((r = add_override(&v, &n, &cap, c, ours, l, a)) < 0) {
						free(v);
						return r;
					}
				}
			}
		}
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

struct fragment_override *
fragment_overrides_free(struct fragment_override *list, size_t n)
{
	(void)n;
	free(list);
	return NULL;
}
