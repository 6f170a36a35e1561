/*
 * profile: YAML profiles turned into struct profile; see profile.h and
 * tcpadvise-profile(5) for the format.
 *
 * Design. A file goes through three stages:
 *   1. read: libyaml's events become a small tree of nodes (struct ynode)
 *      kept in an arena, every node with its 1-based line and column. The
 *      limits of profile.h are enforced here because libyaml 0.2.5 has none,
 *      and so are the YAML features the format refuses: anchors, aliases,
 *      explicit tags, a second document, duplicate mapping keys. Aliases are
 *      never expanded, so an alias bomb costs no more than its own text.
 *      A syntax error or an exceeded limit ends the reading of that file.
 *   2. check: the tree is validated against the format and the catalog and
 *      becomes the file's own settings and rules. Each problem is one
 *      diagnostic and checking goes on, so a single pass reports them all.
 *   3. resolve (profile_load() only): the `extends` chain is loaded the
 *      same way, `disable` is checked against the ancestors, and settings
 *      and rules are merged child over parent.
 * The diagnostics a call adds are finally ordered by file (in the order the
 * files were met) and position, which reads better than the order of the
 * stages.
 *
 * Calling sequence (the public one is in profile.h):
 *   profile_load(name)
 *     load_named() / load_path()      find and read the file (size cap)
 *       parse_source()                stages 1 and 2 for one file -> pfile
 *     ... the same for each `extends`, with cycle and depth checks
 *     check_disable(), resolve()      stage 3
 *   profile_parse() runs parse_source() alone; profile_list() runs it on
 *   every file of the search directories and on the built-ins.
 *
 * Error handling: problems with the input are diagnostics, never return
 * values of the inner functions: stage 2 reports through struct ctx and
 * never stops early, and the caller learns of them from diags->nerrors
 * (-EINVAL). An allocation failure is remembered in ctx->err (sticky
 * -ENOMEM) and turns the whole call into -ENOMEM. Every function that owns
 * memory frees it through one forward `out:` label, and a partially built
 * profile is always consistent enough for profile_free().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "builtin.h"
#include "profile.h"
#include "suggest.h"

#define NAME_MAX_LEN	32	/* [a-z][a-z0-9-]{0,31} */
#define MSG_MAX		2048	/* one formatted diagnostic */
#define SHOW_MAX	128	/* bytes of input text quoted in a message */
#define SHOW_BUF	(SHOW_MAX * 4 + 8)
#define ARENA_CHUNK	65536

/* ---------------------------------------------------------------------- */
/* Small helpers */

const char *
severity_name(enum severity s)
{
	switch (s) {
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_CRITICAL:
		return "critical";
	}
	return "?";
}

int
severity_parse(const char *s, enum severity *ret)
{
	static const enum severity all[] = { SEV_INFO, SEV_WARNING, SEV_CRITICAL };

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (strcmp(s, severity_name(all[i])) == 0) {
			*ret = all[i];
			return 0;
		}
	return -EINVAL;
}

/*
 * Input text as it may be quoted in a message: control characters escaped
 * (a profile must not be able to send escape sequences to a terminal) and
 * cut after SHOW_MAX bytes, at a UTF-8 character boundary.
 */
static const char *
show(const char *s, char *buf, size_t size)
{
	size_t o = 0, i;

	for (i = 0; s[i] != '\0' && i < SHOW_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (o + 5 >= size)
			break;
		if (ch == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (ch == '\t') {
			buf[o++] = '\\';
			buf[o++] = 't';
		} else if (ch < 0x20 || ch == 0x7f) {
			static const char hex[] = "0123456789abcdef";

			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 15];
		} else
			buf[o++] = (char)ch;
	}
	if (s[i] != '\0') {
		/* Do not leave half a UTF-8 sequence behind. */
		size_t k = o;

		while (k > 0 && ((unsigned char)buf[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)buf[k - 1] & 0xc0) == 0xc0) {
			unsigned char lead = (unsigned char)buf[k - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

			if (o - (k - 1) < need)
				o = k - 1;
		}
		if (o + 4 <= size) {
			memcpy(buf + o, "...", 3);
			o += 3;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* " (did you mean 'x'?)" or "" into buf. */
static const char *
did_you_mean(const char *suggestion, char *buf, size_t size)
{
	int w;

	buf[0] = '\0';
	if (suggestion == NULL)
		return buf;
	w = snprintf(buf, size, " (did you mean '%s'?)", suggestion);
	if (w < 0 || (size_t)w >= size)
		buf[0] = '\0';
	return buf;
}

/* [a-z][a-z0-9-]{0,31} */
static bool
valid_name(const char *s)
{
	size_t i;

	if (s[0] < 'a' || s[0] > 'z')
		return false;
	for (i = 1; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-'))
			return false;
	return i <= NAME_MAX_LEN;
}

/* TA-H[0-9]{3} */
static bool
valid_rule_id(const char *s)
{
	if (strncmp(s, "TA-H", 4) != 0)
		return false;
	for (int i = 4; i < 7; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[7] == '\0';
}

/* X.Y or X.Y.Z, digits only: the form a profile may write a release in. */
static bool
valid_release(const char *s)
{
	unsigned parts = 0;

	for (;;) {
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
		parts++;
		if (*s == '\0')
			return parts >= 2;
		if (*s != '.' || parts == 3)
			return false;
		s++;
	}
}

/* ---------------------------------------------------------------------- */
/* Freeing */

static void
cond_clear(struct cond *c)
{
	for (size_t i = 0; i < c->nchildren; i++)
		cond_clear(&c->children[i]);
	free(c->children);
	free(c->set);
	free(c->ktests);
	free(c->hname);
	memset(c, 0, sizeof *c);
}

static void
setting_clear(struct setting *s)
{
	free(s->one_of);
	if (s->when != NULL) {
		cond_clear(s->when);
		free(s->when);
	}
	free(s->reason);
	free(s->source);
	free(s->profile);
	free(s->file);
	memset(s, 0, sizeof *s);
}

static void
rule_clear(struct rule *r)
{
	free(r->id);
	free(r->title);
	free(r->reason);
	free(r->source);
	free(r->profile);
	free(r->file);
	cond_clear(&r->when);
	memset(r, 0, sizeof *r);
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

struct profile *
profile_free(struct profile *p)
{
	if (p == NULL)
		return NULL;
	free(p->name);
	free(p->description);
	free(p->origin);
	strv_free(p->aliases, p->naliases);
	strv_free(p->chain, p->nchain);
	for (size_t i = 0; i < p->nsettings; i++)
		setting_clear(&p->settings[i]);
	free(p->settings);
	for (size_t i = 0; i < p->nrules; i++)
		rule_clear(&p->rules[i]);
	free(p->rules);
	free(p);
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Diagnostics */

/* Checking state of one file. */
struct ctx {
	const char *file;		/* name used in messages */
	struct diag_list *diags;
	int err;			/* -ENOMEM once an allocation failed */
	unsigned reported;		/* REPORTED_* already said for this file */
};

enum {
	REPORTED_ANCHOR = 1 << 0,
	REPORTED_ALIAS  = 1 << 1,
	REPORTED_TAG    = 1 << 2,
};

static void
vreport(struct ctx *c, unsigned line, unsigned col, const char *fmt,
    va_list ap)
{
	char msg[MSG_MAX];

	/* Messages are short by construction: quoted input goes through
	   show(), so truncation cannot happen in practice and would only
	   shorten the text. */
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (diag_add(c->diags, DIAG_ERROR, c->file, line, col, "%s", msg) < 0)
		c->err = -ENOMEM;
}

static void report_at(struct ctx *c, unsigned line, unsigned col,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
report_at(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, line, col, fmt, ap);
	va_end(ap);
}

/*
 * Order the diagnostics from index `from` on by file (in order of first
 * appearance), then line and column; equal positions keep their order.
 * Best effort: without memory they stay as they are.
 */
struct dkey {
	size_t rank;
	unsigned line, col;
	size_t idx;
};

static int
cmp_dkey(const void *a, const void *b)
{
	const struct dkey *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool
same_file(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
sort_diags(struct diag_list *l, size_t from)
{
	const char *files[PROFILE_MAX_EXTENDS + 8];
	size_t n = l->n - from, nfiles = 0;
	struct dkey *keys = NULL;
	struct diag *tmp = NULL;

	if (from >= l->n || n < 2)
		return;
	keys = calloc(n, sizeof *keys);
	tmp = calloc(n, sizeof *tmp);
	if (keys == NULL || tmp == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct diag *d = &l->items[from + i];
		size_t r;

		for (r = 0; r < nfiles; r++)
			if (same_file(files[r], d->file))
				break;
		if (r == nfiles && nfiles < sizeof files / sizeof files[0])
			files[nfiles++] = d->file;
		keys[i].rank = r;
		keys[i].line = d->line;
		keys[i].col = d->col;
		keys[i].idx = i;
	}
	qsort(keys, n, sizeof *keys, cmp_dkey);
	for (size_t i = 0; i < n; i++)
		tmp[i] = l->items[from + keys[i].idx];
	memcpy(&l->items[from], tmp, n * sizeof *tmp);
out:
	free(keys);
	free(tmp);
}

/* ---------------------------------------------------------------------- */
/* Stage 1: YAML events -> node tree */

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

/* Every node and scalar of one file; freed at once. */
struct arena {
	struct chunk *head;
};

static void *
arena_alloc(struct arena *a, size_t size)
{
	const size_t al = alignof(max_align_t);
	void *p;

	size = (size + al - 1) / al * al;
	if (a->head == NULL || a->head->size - a->head->used < size) {
		size_t cs = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		struct chunk *c = malloc(sizeof *c + cs);

		if (c == NULL)
			return NULL;
		c->next = a->head;
		c->used = 0;
		c->size = cs;
		a->head = c;
	}
	p = (char *)a->head->data + a->head->used;
	a->head->used += size;
	return p;
}

static void
arena_free(struct arena *a)
{
	while (a->head != NULL) {
		struct chunk *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

enum ytype {
	Y_SCALAR,
	Y_SEQ,
	Y_MAP,		/* children alternate key, value */
	Y_BAD,		/* reported already (alias, NUL in a scalar): ignore */
};

struct ynode {
	enum ytype type;
	bool plain;		/* scalar written without quotes or block style */
	bool drop;		/* mapping key (and its value) to be removed */
	unsigned line, col;	/* 1-based start */
	const char *text;	/* Y_SCALAR: NUL-terminated */
	size_t n;		/* number of children */
	struct ynode *head, *tail, *next;
};

/* The reader's state while the events of one file go by. */
struct reader {
	struct ctx *c;
	struct arena *arena;
	struct ynode *stack[PROFILE_MAX_DEPTH];
	size_t depth;
	size_t nodes;
	unsigned docs;
	struct ynode *root;
};

static bool
is_null(const struct ynode *n)
{
	if (n->type != Y_SCALAR || !n->plain)
		return false;
	return strcmp(n->text, "") == 0 || strcmp(n->text, "~") == 0 ||
	    strcmp(n->text, "null") == 0 || strcmp(n->text, "Null") == 0 ||
	    strcmp(n->text, "NULL") == 0;
}

static struct ynode *
node_new(struct reader *rd, enum ytype type, const yaml_mark_t *m)
{
	struct ynode *n = arena_alloc(rd->arena, sizeof *n);

	if (n == NULL) {
		rd->c->err = -ENOMEM;
		return NULL;
	}
	memset(n, 0, sizeof *n);
	n->type = type;
	n->line = (unsigned)m->line + 1;
	n->col = (unsigned)m->column + 1;
	return n;
}

static void
node_attach(struct reader *rd, struct ynode *n)
{
	struct ynode *parent;

	if (rd->depth == 0) {
		rd->root = n;
		return;
	}
	parent = rd->stack[rd->depth - 1];
	if (parent->tail != NULL)
		parent->tail->next = n;
	else
		parent->head = n;
	parent->tail = n;
	parent->n++;
}

/* Anchors and tags on a node: reported once per file each. */
static void
check_properties(struct reader *rd, const yaml_mark_t *m,
    const yaml_char_t *anchor, const yaml_char_t *tag)
{
	if (anchor != NULL && !(rd->c->reported & REPORTED_ANCHOR)) {
		rd->c->reported |= REPORTED_ANCHOR;
		report_at(rd->c, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "YAML anchors are not supported");
	}
	if (tag != NULL && !(rd->c->reported & REPORTED_TAG)) {
		rd->c->reported |= REPORTED_TAG;
		report_at(rd->c, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "YAML tags are not supported");
	}
}

/* Counts a node against PROFILE_MAX_NODES; false (reported) past it. */
static bool
count_node(struct reader *rd, const yaml_mark_t *m)
{
	if (++rd->nodes <= PROFILE_MAX_NODES)
		return true;
	report_at(rd->c, (unsigned)m->line + 1, (unsigned)m->column + 1,
	    "more than %d YAML nodes", PROFILE_MAX_NODES);
	return false;
}

static int
cmp_key_node(const void *a, const void *b)
{
	const struct ynode *x = *(const struct ynode *const *)a;
	const struct ynode *y = *(const struct ynode *const *)b;
	int r = strcmp(x->text, y->text);

	if (r != 0)
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/*
 * A mapping is complete: keys that are not scalars and repeated keys are
 * reported, and those pairs are removed, so that checking sees each key
 * once (the first one).
 */
static void
close_mapping(struct reader *rd, struct ynode *m)
{
	struct ynode **keys = NULL, *k, *prev = NULL, *next;
	size_t nkeys = 0;

	if (m->n == 0)
		return;
	keys = malloc(m->n / 2 * sizeof *keys);
	if (keys == NULL) {
		rd->c->err = -ENOMEM;
		return;
	}
	for (k = m->head; k != NULL && k->next != NULL; k = k->next->next) {
		if (k->type == Y_SCALAR)
			keys[nkeys++] = k;
		else {
			if (k->type != Y_BAD)
				report_at(rd->c, k->line, k->col,
				    "mapping key must be a scalar");
			k->drop = true;
		}
	}
	qsort(keys, nkeys, sizeof *keys, cmp_key_node);
	for (size_t i = 1; i < nkeys; i++) {
		size_t first = i - 1;
		char b[SHOW_BUF];

		while (first > 0 && keys[first]->drop)
			first--;
		if (strcmp(keys[i]->text, keys[first]->text) != 0)
			continue;
		report_at(rd->c, keys[i]->line, keys[i]->col,
		    "duplicate key '%s' (first at line %u)",
		    show(keys[i]->text, b, sizeof b), keys[first]->line);
		keys[i]->drop = true;
	}
	free(keys);
	/* Unlink the dropped pairs. */
	for (k = m->head; k != NULL; k = next) {
		struct ynode *v = k->next;

		next = v != NULL ? v->next : NULL;
		if (!k->drop) {
			prev = v;
			continue;
		}
		if (prev != NULL)
			prev->next = next;
		else
			m->head = next;
		if (m->tail == v)
			m->tail = prev;
		m->n -= 2;
	}
}

enum { READ_GO_ON, READ_DONE, READ_STOP };

/* One event. READ_STOP after a fatal problem (reported) or -ENOMEM. */
static int
on_event(struct reader *rd, const yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct ynode *n;

	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
	case YAML_NO_EVENT:
		return READ_GO_ON;
	case YAML_STREAM_END_EVENT:
		return READ_DONE;
	case YAML_DOCUMENT_START_EVENT:
		if (++rd->docs > 1) {
			report_at(rd->c, (unsigned)m->line + 1,
			    (unsigned)m->column + 1, "more than one YAML document");
			return READ_DONE;
		}
		return READ_GO_ON;
	case YAML_ALIAS_EVENT:
		if (!count_node(rd, m))
			return READ_STOP;
		if (!(rd->c->reported & REPORTED_ALIAS)) {
			rd->c->reported |= REPORTED_ALIAS;
			report_at(rd->c, (unsigned)m->line + 1,
			    (unsigned)m->column + 1, "YAML aliases are not supported");
		}
		if ((n = node_new(rd, Y_BAD, m)) == NULL)
			return READ_STOP;
		node_attach(rd, n);
		return READ_GO_ON;
	case YAML_SCALAR_EVENT: {
		size_t len = ev->data.scalar.length;
		char *text;

		if (!count_node(rd, m))
			return READ_STOP;
		check_properties(rd, m, ev->data.scalar.anchor, ev->data.scalar.tag);
		if (len > PROFILE_MAX_SCALAR) {
			report_at(rd->c, (unsigned)m->line + 1,
			    (unsigned)m->column + 1, "scalar longer than %d bytes",
			    PROFILE_MAX_SCALAR);
			return READ_STOP;
		}
		if ((n = node_new(rd, Y_SCALAR, m)) == NULL ||
		    (text = arena_alloc(rd->arena, len + 1)) == NULL) {
			rd->c->err = -ENOMEM;
			return READ_STOP;
		}
		memcpy(text, ev->data.scalar.value, len);
		text[len] = '\0';
		n->text = text;
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (memchr(text, '\0', len) != NULL) {
			report_at(rd->c, n->line, n->col,
			    "scalar contains a NUL character");
			n->type = Y_BAD;
		}
		node_attach(rd, n);
		return READ_GO_ON;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (!count_node(rd, m))
			return READ_STOP;
		if (ev->type == YAML_SEQUENCE_START_EVENT)
			check_properties(rd, m, ev->data.sequence_start.anchor,
			    ev->data.sequence_start.tag);
		else
			check_properties(rd, m, ev->data.mapping_start.anchor,
			    ev->data.mapping_start.tag);
		if (rd->depth == PROFILE_MAX_DEPTH) {
			report_at(rd->c, (unsigned)m->line + 1,
			    (unsigned)m->column + 1, "nesting deeper than %d levels",
			    PROFILE_MAX_DEPTH);
			return READ_STOP;
		}
		n = node_new(rd, ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP, m);
		if (n == NULL)
			return READ_STOP;
		node_attach(rd, n);
		rd->stack[rd->depth++] = n;
		return READ_GO_ON;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (rd->depth == 0)
			return READ_GO_ON;
		n = rd->stack[--rd->depth];
		if (n->type == Y_MAP)
			close_mapping(rd, n);
		return rd->c->err < 0 ? READ_STOP : READ_GO_ON;
	}
	return READ_GO_ON;
}

/* 1-based line and column of a byte offset (for libyaml's reader errors). */
static void
offset_position(const char *text, size_t size, size_t off, unsigned *line,
    unsigned *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < size; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

/*
 * Read the text into a tree. *ret_root is set when the whole text was read
 * (it may still be NULL for a stream without a document); it stays NULL
 * after a syntax error or an exceeded limit, both reported.
 * Returns 0 or -ENOMEM.
 */
static int
read_tree(struct ctx *c, struct arena *a, const char *text, size_t size,
    struct ynode **ret_root, bool *ret_complete)
{
	struct reader rd;
	yaml_parser_t parser;
	yaml_event_t ev;
	int st = READ_GO_ON;

	/* The encoding is fixed to UTF-8 (UTF-16 input is refused), and then
	   libyaml takes a byte order mark for content: skip it here. */
	if (size >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		size -= 3;
	}
	memset(&rd, 0, sizeof rd);
	rd.c = c;
	rd.arena = a;
	*ret_root = NULL;
	*ret_complete = false;
	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, size);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (st == READ_GO_ON) {
		if (!yaml_parser_parse(&parser, &ev)) {
			unsigned line, col;

			if (parser.error == YAML_MEMORY_ERROR) {
				c->err = -ENOMEM;
				break;
			}
			if (parser.error == YAML_READER_ERROR)
				offset_position(text, size, parser.problem_offset,
				    &line, &col);
			else {
				line = (unsigned)parser.problem_mark.line + 1;
				col = (unsigned)parser.problem_mark.column + 1;
			}
			report_at(c, line, col, "%s",
			    parser.problem != NULL ? parser.problem : "invalid YAML");
			st = READ_STOP;
			break;
		}
		st = on_event(&rd, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (c->err < 0)
		return c->err;
	if (st == READ_DONE) {
		*ret_root = rd.root;
		*ret_complete = true;
	}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Stage 2: checking helpers */

static void report(struct ctx *c, const struct ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, n->line, n->col, fmt, ap);
	va_end(ap);
}

/*
 * The value node of each known field of a mapping (NULL when absent) and
 * its key node, with an error for every unknown field.
 */
static void
get_fields(struct ctx *c, const struct ynode *map, const char *const *names,
    size_t n, const char *where, const struct ynode **vals,
    const struct ynode **keys)
{
	for (size_t i = 0; i < n; i++)
		vals[i] = keys[i] = NULL;
	for (const struct ynode *k = map->head; k != NULL; k = k->next->next) {
		char b[SHOW_BUF], dym[SUGGEST_WORD_MAX + 32];
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(k->text, names[i]) == 0)
				break;
		if (i < n) {
			vals[i] = k->next;
			keys[i] = k;
			continue;
		}
		report(c, k, "unknown field '%s' %s%s", show(k->text, b, sizeof b),
		    where, did_you_mean(suggest_best(k->text, names, n, 1), dym,
		    sizeof dym));
	}
}

/* The text of a scalar; NULL (reported unless already bad) otherwise. */
static const char *
want_scalar(struct ctx *c, const struct ynode *n, const char *field)
{
	if (n->type == Y_SCALAR)
		return n->text;
	if (n->type != Y_BAD)
		report(c, n, "'%s' must be a scalar", field);
	return NULL;
}

static bool
want_type(struct ctx *c, const struct ynode *n, enum ytype type,
    const char *field)
{
	if (n->type == type)
		return true;
	if (n->type != Y_BAD)
		report(c, n, "'%s' must be a %s", field,
		    type == Y_MAP ? "mapping" : "sequence");
	return false;
}

/*
 * A text field: trailing white space (the newline of a block scalar) is
 * dropped; it must not be empty and, if one_line, must not span lines.
 * Returns a copy (caller frees) or NULL (reported).
 */
static char *
want_text(struct ctx *c, const struct ynode *n, const char *field,
    bool one_line)
{
	const char *s = want_scalar(c, n, field);
	size_t len;
	char *r;

	if (s == NULL)
		return NULL;
	if (is_null(n))
		s = "";
	len = strlen(s);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (len == 0) {
		report(c, n, "'%s' must not be empty", field);
		return NULL;
	}
	if (one_line && memchr(s, '\n', len) != NULL) {
		report(c, n, "'%s' must be one line", field);
		return NULL;
	}
	if ((r = strndup(s, len)) == NULL)
		c->err = -ENOMEM;
	return r;
}

static bool
want_severity(struct ctx *c, const struct ynode *n, enum severity *ret)
{
	const char *s = want_scalar(c, n, "severity");
	char b[SHOW_BUF];

	if (s == NULL)
		return false;
	if (severity_parse(s, ret) == 0)
		return true;
	report(c, n, "invalid severity '%s' (expected info, warning or critical)",
	    show(s, b, sizeof b));
	return false;
}

static bool
want_bool(struct ctx *c, const struct ynode *n, const char *field, bool *ret)
{
	const char *s = want_scalar(c, n, field);
	char b[SHOW_BUF];

	if (s == NULL)
		return false;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*ret = s[0] == 't';
		return true;
	}
	report(c, n, "invalid boolean '%s' for '%s' (expected true or false)",
	    show(s, b, sizeof b), field);
	return false;
}

/* A catalog key named by a scalar, or NULL (reported). */
static const struct catalog_entry *
want_key(struct ctx *c, const struct ynode *n, const char *field)
{
	const struct catalog_entry *e;
	const char *s = want_scalar(c, n, field), *sug;
	char b[SHOW_BUF], dym[SYSCTL_NAME_MAX + 32];

	if (s == NULL)
		return NULL;
	if ((e = catalog_lookup(s)) != NULL)
		return e;
	sug = strlen(s) < SYSCTL_NAME_MAX ? catalog_suggest(s) : NULL;
	report(c, n, "unknown sysctl '%s'%s", show(s, b, sizeof b),
	    did_you_mean(sug, dym, sizeof dym));
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Values */

enum {
	VAL_NULLS = 1 << 0,	/* vector fields may be null: min, max */
	VAL_SANE  = 1 << 1,	/* also within the sane range: equal, one-of, apply, fix */
};

/*
 * Parse a value of key e from node n (field > 0: one integer for that
 * field of a vector). A vector may be a blank-separated scalar or a
 * sequence of nfields scalars; with VAL_NULLS, null items leave fields free
 * (bit i of *ret_mask clear). The value is checked against the kernel
 * range, and with VAL_SANE against the sane range.
 * Returns true, or false after reporting.
 */
static bool
want_value(struct ctx *c, const struct catalog_entry *e, unsigned field,
    const struct ynode *n, const char *what, unsigned flags,
    struct value *ret, unsigned *ret_mask)
{
	struct catalog_entry fe = *e;
	char text[SHOW_BUF], kb[SHOW_BUF], raw[SHOW_MAX + 8], rb[256];
	const char *errstr = NULL;
	struct value v, check;
	unsigned mask = 0;
	int r;

	if (field > 0) {
		/* One field of a vector has the ranges of an integer key. */
		fe.shape = SHAPE_INT;
		fe.nfields = 1;
	}
	show(e->name, kb, sizeof kb);
	memset(&v, 0, sizeof v);
	if (n->type == Y_BAD)
		return false;
	if (n->type == Y_MAP || (n->type == Y_SEQ && fe.shape != SHAPE_VECTOR)) {
		report(c, n, "'%s' for '%s' must be a %s", what, kb,
		    fe.shape == SHAPE_VECTOR ? "scalar or a sequence" : "scalar");
		return false;
	}
	if (n->type == Y_SCALAR) {
		r = value_parse_strict(n->text, fe.shape, fe.nfields, LLONG_MIN,
		    LLONG_MAX, &v, &errstr);
		show(n->text, text, sizeof text);
		mask = (1u << VALUE_MAX_FIELDS) - 1;
	} else {
		/* A sequence, for a vector key; shown with its items joined. */
		size_t len = 0, i = 0;
		bool bad = false;

		raw[0] = '\0';
		v.shape = SHAPE_VECTOR;
		for (const struct ynode *it = n->head; it != NULL; it = it->next, i++) {
			const char *t = it->type == Y_SCALAR ? it->text : "?";
			int w = snprintf(raw + len, sizeof raw - len, "%s%s",
			    i > 0 ? " " : "", t);

			if (w > 0)
				len = (size_t)w >= sizeof raw - len ?
				    sizeof raw - 1 : len + (size_t)w;
			if (it->type == Y_BAD)
				return false;
			if (it->type != Y_SCALAR || i >= fe.nfields) {
				bad = true;
				continue;
			}
			if (is_null(it)) {
				if (!(flags & VAL_NULLS)) {
					report(c, it, "field %zu of '%s' for '%s' is null: "
					    "only 'min' and 'max' may leave fields free",
					    i + 1, what, kb);
					return false;
				}
				/* A placeholder the range checks accept. */
				v.field[i] = fe.kmin;
				continue;
			}
			if (value_parse_strict(it->text, SHAPE_INT, 1, LLONG_MIN,
			    LLONG_MAX, &check, &errstr) < 0) {
				bad = true;
				continue;
			}
			v.field[i] = check.field[0];
			mask |= 1u << i;
		}
		v.nfields = (unsigned)(i < VALUE_MAX_FIELDS ? i : VALUE_MAX_FIELDS);
		show(raw, text, sizeof text);
		if (bad || i != fe.nfields) {
			if (!bad || errstr == NULL)
				errstr = "invalid";
			r = -EINVAL;
		} else if (mask == 0) {
			report(c, n, "'%s' for '%s' leaves every field free", what, kb);
			return false;
		} else
			r = 0;
	}
	if (r == -ERANGE || (r < 0 && errstr != NULL &&
	    (strcmp(errstr, "too large") == 0 || strcmp(errstr, "too small") == 0))) {
		report(c, n, "value '%s' for '%s' is out of range: must be between "
		    "%lld and %lld", text, kb, fe.kmin, fe.kmax);
		return false;
	}
	if (r < 0) {
		report(c, n, "value '%s' for '%s' is invalid: expected %s", text,
		    kb, catalog_shape_name(&fe));
		return false;
	}
	check = v;
	if (catalog_check_range(&fe, &check, false, rb, sizeof rb, &errstr) < 0) {
		report(c, n, "value '%s' for '%s' is out of range: %s", text, kb,
		    errstr);
		return false;
	}
	if ((flags & VAL_SANE) &&
	    catalog_check_range(&fe, &check, true, rb, sizeof rb, &errstr) < 0) {
		report(c, n, "value '%s' for '%s' is outside the sane range: %s",
		    text, kb, errstr);
		return false;
	}
	if (fe.shape == SHAPE_INT)
		mask = 1;
	else if (fe.shape == SHAPE_VECTOR)
		mask &= (1u << fe.nfields) - 1;
	else
		mask = 0;
	*ret = v;
	if (ret_mask != NULL)
		*ret_mask = mask;
	return true;
}

/* ---------------------------------------------------------------------- */
/* Settings */

enum {
	SF_EQUAL, SF_MIN, SF_MAX, SF_ONE_OF, SF_APPLY, SF_SEVERITY, SF_REASON,
	SF_SOURCE, SF_WHEN, SF_N
};

static const char *const setting_fields[SF_N] = {
	"equal", "min", "max", "one-of", "apply", "severity", "reason", "source",
	"when",
};

static bool check_cond(struct ctx *c, const struct ynode *n, const char *what,
    struct cond *ret);

/* The parsed file, before resolution. */
struct idref {
	char *id;
	unsigned line, col;
};

struct pfile {
	struct profile *p;	/* own settings and rules */
	char *file;		/* name for messages */
	char *cname;		/* name in the chain: `name`, else the name looked up */
	bool complete;		/* the whole text was read */
	char *extends;
	unsigned ext_line, ext_col;
	struct idref *disable;
	size_t ndisable;
	struct idref *ids;	/* every well-formed rule id, valid rule or not */
	size_t nids;
};

static void
idrefs_free(struct idref *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].id);
	free(v);
}

static void
pfile_clear(struct pfile *pf)
{
	profile_free(pf->p);
	free(pf->file);
	free(pf->cname);
	free(pf->extends);
	idrefs_free(pf->disable, pf->ndisable);
	idrefs_free(pf->ids, pf->nids);
	memset(pf, 0, sizeof *pf);
}

static void
check_setting(struct ctx *c, const struct ynode *k, const struct ynode *v,
    struct profile *p)
{
	const struct ynode *f[SF_N], *fk[SF_N];
	const struct catalog_entry *e;
	struct setting s;
	bool ok = true, combos_ok = true;
	char kb[SHOW_BUF];

	memset(&s, 0, sizeof s);
	s.severity = SEV_WARNING;
	show(k->text, kb, sizeof kb);
	e = want_key(c, k, "settings");
	if (e != NULL && e->removed != NULL) {
		report(c, k, "'%s' was removed in Linux %s and cannot be set", kb,
		    e->removed);
		e = NULL;
		ok = false;
	} else if (e != NULL && (e->flags & CATALOG_SECRET)) {
		report(c, k, "'%s' holds a secret and cannot be set", kb);
		e = NULL;
		ok = false;
	}
	if (e == NULL)
		ok = false;
	if (v->type != Y_MAP) {
		if (v->type != Y_BAD)
			report(c, v, "setting '%s' must be a mapping", kb);
		return;
	}
	get_fields(c, v, setting_fields, SF_N, "in setting", f, fk);
	if (f[SF_SEVERITY] != NULL && !want_severity(c, f[SF_SEVERITY], &s.severity))
		ok = false;
	for (int i = SF_REASON; i <= SF_SOURCE; i++) {
		char **dst = i == SF_REASON ? &s.reason : &s.source;

		if (f[i] == NULL) {
			report(c, k, "missing required field '%s' in setting '%s'",
			    setting_fields[i], kb);
			ok = false;
		} else if ((*dst = want_text(c, f[i], setting_fields[i], false)) == NULL)
			ok = false;
	}
	if (f[SF_EQUAL] == NULL && f[SF_MIN] == NULL && f[SF_MAX] == NULL &&
	    f[SF_ONE_OF] == NULL && f[SF_APPLY] == NULL) {
		report(c, k, "setting '%s' needs one of equal, min, max, one-of or apply",
		    kb);
		ok = false;
	}
	for (int i = SF_MIN; i <= SF_ONE_OF; i++)
		if (f[SF_EQUAL] != NULL && f[i] != NULL) {
			report(c, fk[i], "'equal' cannot be combined with '%s'",
			    setting_fields[i]);
			combos_ok = false;
		}
	for (int i = SF_MIN; i <= SF_MAX; i++)
		if (f[SF_ONE_OF] != NULL && f[i] != NULL) {
			report(c, fk[i], "'one-of' cannot be combined with '%s'",
			    setting_fields[i]);
			combos_ok = false;
		}
	if (!combos_ok)
		ok = false;
	if (e == NULL)
		goto out;
	s.entry = e;
	if ((e->flags & CATALOG_READONLY) && f[SF_APPLY] != NULL) {
		report(c, fk[SF_APPLY], "'%s' is read-only: 'apply' cannot be used", kb);
		ok = false;
	}
	for (int i = SF_MIN; i <= SF_MAX; i++)
		if (f[i] != NULL && e->shape != SHAPE_INT && e->shape != SHAPE_VECTOR) {
			report(c, fk[i], "'%s' needs a numeric key: '%s' is %s",
			    setting_fields[i], kb, catalog_shape_name(e));
			f[i] = NULL;
			ok = false;
		}
	if (f[SF_EQUAL] != NULL)
		s.has_equal = want_value(c, e, 0, f[SF_EQUAL], "equal", VAL_SANE,
		    &s.equal, NULL);
	if (f[SF_MIN] != NULL)
		s.has_min = want_value(c, e, 0, f[SF_MIN], "min", VAL_NULLS, &s.min,
		    &s.min_mask);
	if (f[SF_MAX] != NULL)
		s.has_max = want_value(c, e, 0, f[SF_MAX], "max", VAL_NULLS, &s.max,
		    &s.max_mask);
	if (f[SF_APPLY] != NULL)
		s.has_apply = want_value(c, e, 0, f[SF_APPLY], "apply", VAL_SANE,
		    &s.apply, NULL);
	if ((f[SF_EQUAL] != NULL && !s.has_equal) ||
	    (f[SF_MIN] != NULL && !s.has_min) ||
	    (f[SF_MAX] != NULL && !s.has_max) ||
	    (f[SF_APPLY] != NULL && !s.has_apply))
		ok = false;
	if (f[SF_ONE_OF] != NULL && want_type(c, f[SF_ONE_OF], Y_SEQ, "one-of")) {
		const struct ynode *set = f[SF_ONE_OF];

		if (set->n == 0) {
			report(c, set, "'one-of' must not be empty");
			ok = false;
		} else if ((s.one_of = calloc(set->n, sizeof *s.one_of)) == NULL) {
			c->err = -ENOMEM;
			ok = false;
		} else
			for (const struct ynode *it = set->head; it != NULL; it = it->next) {
				if (want_value(c, e, 0, it, "one-of", VAL_SANE,
				    &s.one_of[s.n_one_of], NULL))
					s.n_one_of++;
				else
					ok = false;
			}
	} else if (f[SF_ONE_OF] != NULL)
		ok = false;
	if (s.has_min && s.has_max) {
		for (unsigned i = 0; i < VALUE_MAX_FIELDS; i++) {
			char bmin[32], bmax[32];

			if (!(s.min_mask & s.max_mask & (1u << i)) ||
			    s.min.field[i] <= s.max.field[i])
				continue;
			snprintf(bmin, sizeof bmin, "%lld", s.min.field[i]);
			snprintf(bmax, sizeof bmax, "%lld", s.max.field[i]);
			if (e->shape == SHAPE_INT)
				report(c, f[SF_MAX], "min '%s' is greater than max '%s' "
				    "for '%s'", bmin, bmax, kb);
			else
				report(c, f[SF_MAX], "field %u of min (%s) is greater "
				    "than field %u of max (%s) for '%s'", i + 1, bmin,
				    i + 1, bmax, kb);
			ok = false;
		}
	}
	if (f[SF_WHEN] != NULL) {
		if ((s.when = calloc(1, sizeof *s.when)) == NULL) {
			c->err = -ENOMEM;
			goto out;
		}
		if (!check_cond(c, f[SF_WHEN], "'when'", s.when))
			ok = false;
	}
	if (!ok)
		goto out;
	if (s.has_apply && !s.has_equal && !s.has_min && !s.has_max &&
	    s.n_one_of == 0) {
		s.has_equal = true;
		s.equal = s.apply;
	} else if (s.has_apply && !setting_satisfied(&s, &s.apply)) {
		char vb[VALUE_STR_MAX], db[512];

		if (value_format(&s.apply, vb, sizeof vb) < 0)
			vb[0] = '\0';
		if (setting_describe(&s, db, sizeof db) < 0)
			db[0] = '\0';
		report(c, f[SF_APPLY], "apply value '%s' for '%s' does not satisfy '%s'",
		    vb, kb, db);
		goto out;
	}
	if ((s.file = strdup(c->file)) == NULL) {
		c->err = -ENOMEM;
		goto out;
	}
	s.line = k->line;
	s.col = k->col;
	p->settings[p->nsettings++] = s;
	return;
out:
	setting_clear(&s);
}

/* ---------------------------------------------------------------------- */
/* Conditions */

enum {
	CF_ALL, CF_ANY, CF_NOT, CF_KEY, CF_KERNEL, CF_NETNS, CF_HOST,	/* selectors */
	CF_FIELD,
	CF_EQ, CF_NE, CF_LT, CF_LE, CF_GT, CF_GE, CF_IN, CF_NOT_IN,	/* operators */
	CF_PRESENT, CF_ORDERED, CF_PARITY, CF_AVAILABLE, CF_ALLOWED, CF_CONFIGURED,
	CF_N
};

static const char *const cond_fields[CF_N] = {
	"all", "any", "not", "key", "kernel", "netns", "host", "field",
	"eq", "ne", "lt", "le", "gt", "ge", "in", "not-in",
	"present", "ordered", "parity", "available", "allowed", "configured",
};

/* CF_EQ.. in the order of enum cond_op. */
static const enum cond_op cf_ops[] = {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_NOT_IN,
	OP_PRESENT, OP_ORDERED, OP_PARITY, OP_AVAILABLE, OP_ALLOWED, OP_CONFIGURED,
};

/* The keys whose value names something the kernel may lack. */
static bool
names_module(const struct catalog_entry *e)
{
	return strcmp(e->name, "net.ipv4.tcp_congestion_control") == 0 ||
	    strcmp(e->name, "net.core.default_qdisc") == 0;
}

static const char *const kernel_ops[] = { "eq", "ne", "lt", "le", "gt", "ge" };

static const char *const operand_fields[] = {
	"key", "field", "percent-of-default", "memory",
};

static bool check_cond(struct ctx *c, const struct ynode *n, const char *what,
    struct cond *ret);

/* `field: N` of a vector key e, 1-based. */
static bool
want_field(struct ctx *c, const struct ynode *n, const struct catalog_entry *e,
    unsigned *ret)
{
	const char *s = want_scalar(c, n, "field");
	char b[SHOW_BUF], kb[SHOW_BUF];
	long long v;
	int r;

	if (s == NULL)
		return false;
	show(e->name, kb, sizeof kb);
	if (e->shape != SHAPE_VECTOR) {
		report(c, n, "'field' needs a vector key: '%s' is %s", kb,
		    catalog_shape_name(e));
		return false;
	}
	r = parse_ll(s, LLONG_MIN, LLONG_MAX, &v, NULL);
	if (r == 0 && (v < 1 || v > (long long)e->nfields))
		r = -ERANGE;
	if (r == -ERANGE) {
		report(c, n, "field '%s' for '%s' is out of range: must be between 1 "
		    "and %u", show(s, b, sizeof b), kb, e->nfields);
		return false;
	}
	if (r < 0) {
		report(c, n, "field '%s' for '%s' is invalid: expected an integer",
		    show(s, b, sizeof b), kb);
		return false;
	}
	*ret = (unsigned)v;
	return true;
}

/* What one side of a comparison is, for messages. */
static const char *
side_name(const struct catalog_entry *e, unsigned field)
{
	struct catalog_entry fe = *e;

	if (field == 0)
		return catalog_shape_name(e);
	fe.shape = SHAPE_INT;
	fe.nfields = 1;
	return catalog_shape_name(&fe);
}

/* The operand of eq..ge: a value, `default`, or {key: K, field: N}. */
static bool
want_operand(struct ctx *c, const struct ynode *n, const char *op,
    const struct catalog_entry *e, unsigned field, struct operand *ret)
{
	memset(ret, 0, sizeof *ret);
	if (n->type == Y_SCALAR && strcmp(n->text, "default") == 0) {
		ret->kind = OPERAND_DEFAULT;
		return true;
	}
	if (n->type == Y_MAP) {
		const struct ynode *f[4], *fk[4];
		const struct catalog_entry *k2;
		bool lhs_int = e->shape == SHAPE_INT || field > 0, rhs_int;
		char a[SHOW_BUF], b[SHOW_BUF];

		get_fields(c, n, operand_fields, 4, "in operand", f, fk);
		if ((f[0] != NULL) + (f[2] != NULL) + (f[3] != NULL) != 1 ||
		    (f[1] != NULL && f[0] == NULL)) {
			report(c, n, "operand must have exactly one of 'key' (with "
			    "'field'), 'percent-of-default' or 'memory'");
			return false;
		}
		if (f[2] != NULL || f[3] != NULL) {
			if (!lhs_int) {
				report(c, n, "'%s' needs an integer key or a field: '%s' is %s",
				    f[2] != NULL ? "percent-of-default" : "memory",
				    show(e->name, a, sizeof a), side_name(e, field));
				return false;
			}
			if (f[2] != NULL) {
				const char *t = want_scalar(c, f[2], "percent-of-default");

				ret->kind = OPERAND_DEFAULT_PERCENT;
				if (t == NULL)
					return false;
				if (parse_ll(t, 1, 1000, &ret->percent, NULL) < 0) {
					report(c, f[2], "invalid percent-of-default '%s' "
					    "(expected 1 to 1000)", show(t, a, sizeof a));
					return false;
				}
				return true;
			}
			ret->kind = OPERAND_MEMORY;
			if (want_scalar(c, f[3], "memory") == NULL)
				return false;
			if (strcmp(f[3]->text, "pages") != 0 &&
			    strcmp(f[3]->text, "bytes") != 0) {
				report(c, f[3], "invalid memory unit '%s' (expected pages "
				    "or bytes)", show(f[3]->text, a, sizeof a));
				return false;
			}
			ret->pages = f[3]->text[0] == 'p';
			return true;
		}
		if ((k2 = want_key(c, f[0], "key")) == NULL)
			return false;
		ret->kind = OPERAND_KEY;
		ret->key = k2;
		if (f[1] != NULL && !want_field(c, f[1], k2, &ret->field))
			return false;
		rhs_int = k2->shape == SHAPE_INT || ret->field > 0;
		if (lhs_int ? !rhs_int : (ret->field > 0 || k2->shape != e->shape ||
		    k2->nfields != e->nfields)) {
			report(c, n, "cannot compare '%s' with '%s' (%s and %s)",
			    show(e->name, a, sizeof a), show(k2->name, b, sizeof b),
			    side_name(e, field), side_name(k2, ret->field));
			return false;
		}
		return true;
	}
	ret->kind = OPERAND_VALUE;
	return want_value(c, e, field, n, op, 0, &ret->value, NULL);
}

static bool
check_key_cond(struct ctx *c, const struct ynode *n, const struct ynode **f,
    const struct ynode **fk, struct cond *ret)
{
	const struct catalog_entry *e;
	const struct ynode *opn = NULL, *opk = NULL;
	const char *opname = NULL;
	char kb[SHOW_BUF], b[SHOW_BUF];
	unsigned nops = 0;
	bool ok = true;

	ret->type = COND_KEY;
	for (int i = CF_EQ; i < CF_N; i++)
		if (f[i] != NULL) {
			if (nops++ == 0) {
				opn = f[i];
				opk = fk[i];
				opname = cond_fields[i];
				ret->op = cf_ops[i - CF_EQ];
			}
		}
	e = want_key(c, f[CF_KEY], "key");
	if (e == NULL)
		ok = false;
	else
		show(e->name, kb, sizeof kb);
	if (nops != 1) {
		report(c, n, "condition on '%s' must have exactly one of eq, ne, lt, "
		    "le, gt, ge, in, not-in, present, ordered, parity, available, "
		    "allowed, configured",
		    show(f[CF_KEY]->type == Y_SCALAR ? f[CF_KEY]->text : "?", b,
		    sizeof b));
		return false;
	}
	if (e == NULL)
		return false;
	ret->key = e;
	if (f[CF_FIELD] != NULL) {
		if (ret->op == OP_PRESENT || ret->op == OP_ORDERED ||
		    ret->op == OP_PARITY || ret->op == OP_AVAILABLE ||
		    ret->op == OP_ALLOWED || ret->op == OP_CONFIGURED) {
			report(c, fk[CF_FIELD], "'%s' cannot be combined with 'field'",
			    opname);
			return false;
		}
		if (!want_field(c, f[CF_FIELD], e, &ret->field))
			return false;
	}
	switch (ret->op) {
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE:
		if (e->shape != SHAPE_INT && ret->field == 0) {
			report(c, opk, "'%s' needs an integer key or a vector key with "
			    "'field': '%s' is %s", opname, kb, catalog_shape_name(e));
			return false;
		}
		/* fall through */
	case OP_EQ:
	case OP_NE:
		return want_operand(c, opn, opname, e, ret->field, &ret->operand);
	case OP_IN:
	case OP_NOT_IN:
		if (!want_type(c, opn, Y_SEQ, opname))
			return false;
		if (opn->n == 0) {
			report(c, opn, "'%s' must not be empty", opname);
			return false;
		}
		if ((ret->set = calloc(opn->n, sizeof *ret->set)) == NULL) {
			c->err = -ENOMEM;
			return false;
		}
		for (const struct ynode *it = opn->head; it != NULL; it = it->next) {
			if (want_value(c, e, ret->field, it, opname, 0,
			    &ret->set[ret->nset], NULL))
				ret->nset++;
			else
				ok = false;
		}
		return ok;
	case OP_PRESENT:
	case OP_CONFIGURED:
		return want_bool(c, opn, opname, &ret->flag);
	case OP_ORDERED:
		if (e->shape != SHAPE_VECTOR) {
			report(c, opk, "'ordered' needs a vector key: '%s' is %s", kb,
			    catalog_shape_name(e));
			return false;
		}
		return want_bool(c, opn, opname, &ret->flag);
	case OP_PARITY:
		if (e->shape != SHAPE_VECTOR || e->nfields != 2) {
			report(c, opk, "'parity' needs a vector of 2 integers: '%s' is %s",
			    kb, catalog_shape_name(e));
			return false;
		}
		if (want_scalar(c, opn, opname) == NULL)
			return false;
		if (strcmp(opn->text, "same") == 0 || strcmp(opn->text, "different") == 0) {
			ret->flag = opn->text[0] == 's';
			return true;
		}
		report(c, opn, "invalid parity '%s' (expected same or different)",
		    show(opn->text, b, sizeof b));
		return false;
	case OP_AVAILABLE:
	case OP_ALLOWED:
		if (!names_module(e) || (ret->op == OP_ALLOWED &&
		    strcmp(e->name, "net.ipv4.tcp_congestion_control") != 0)) {
			report(c, opk, "'%s' needs %s: '%s' is not", opname,
			    ret->op == OP_ALLOWED ? "net.ipv4.tcp_congestion_control" :
			    "net.ipv4.tcp_congestion_control or net.core.default_qdisc",
			    kb);
			return false;
		}
		return want_bool(c, opn, opname, &ret->flag);
	}
	return false;
}

/*
 * host: container | multihomed | guest-networks, or a mapping with one of
 * module: NAME, memory-mib: {op: N}, cpus: {op: N}.
 */
static bool
check_host_cond(struct ctx *c, const struct ynode *n, struct cond *ret)
{
	static const char *const flags[] = {
		"container", "multihomed", "guest-networks", "kubernetes", "slaac",
	};
	static const char *const facts[] = { "module", "memory-mib", "cpus" };
	char b[SHOW_BUF], dym[SUGGEST_WORD_MAX + 32];
	const struct ynode *k, *v;
	size_t i;

	ret->type = COND_HOST;
	if (n->type == Y_SCALAR) {
		for (i = 0; i < 5; i++)
			if (strcmp(n->text, flags[i]) == 0) {
				ret->htest = (enum host_test)i;	/* HT_CONTAINER.. in order */
				return true;
			}
		report(c, n, "unknown host fact '%s' (expected container, multihomed, "
		    "guest-networks, kubernetes, slaac, or a mapping with module, "
		    "memory-mib or cpus)%s", show(n->text, b, sizeof b), did_you_mean(
		    suggest_best(n->text, flags, 5, 1), dym, sizeof dym));
		return false;
	}
	if (!want_type(c, n, Y_MAP, "host"))
		return false;
	if (n->n != 2) {
		report(c, n, "'host' must name exactly one fact");
		return false;
	}
	k = n->head;
	v = k->next;
	for (i = 0; i < 3; i++)
		if (strcmp(k->text, facts[i]) == 0)
			break;
	if (i == 3) {
		report(c, k, "unknown host fact '%s' (expected module, memory-mib or "
		    "cpus)%s", show(k->text, b, sizeof b), did_you_mean(
		    suggest_best(k->text, facts, 3, 1), dym, sizeof dym));
		return false;
	}
	if (i == 0) {
		ret->htest = HT_MODULE;
		if (want_scalar(c, v, "module") == NULL)
			return false;
		if ((strncmp(v->text, "tcp_", 4) != 0 && strncmp(v->text, "sch_", 4) != 0) ||
		    strlen(v->text) > 36 || strlen(v->text) < 5) {
			report(c, v, "invalid module '%s' (expected tcp_NAME for a "
			    "congestion control or sch_NAME for a qdisc)",
			    show(v->text, b, sizeof b));
			return false;
		}
		if ((ret->hname = strdup(v->text)) == NULL) {
			c->err = -ENOMEM;
			return false;
		}
		return true;
	}
	ret->htest = i == 1 ? HT_MEMORY : HT_CPUS;
	if (!want_type(c, v, Y_MAP, facts[i]))
		return false;
	if (v->n != 2) {
		report(c, v, "'%s' must have exactly one of eq, ne, lt, le, gt, ge",
		    facts[i]);
		return false;
	}
	for (i = 0; i < 6; i++)
		if (strcmp(v->head->text, kernel_ops[i]) == 0)
			break;
	if (i == 6) {
		report(c, v->head, "unknown operator '%s'%s", show(v->head->text, b,
		    sizeof b), did_you_mean(suggest_best(v->head->text, kernel_ops, 6, 1),
		    dym, sizeof dym));
		return false;
	}
	ret->hop = cf_ops[i];
	if (want_scalar(c, v->head->next, kernel_ops[i]) == NULL)
		return false;
	if (parse_ll(v->head->next->text, 0, 1LL << 40, &ret->hnum, NULL) < 0) {
		report(c, v->head->next, "invalid number '%s'", show(v->head->next->text,
		    b, sizeof b));
		return false;
	}
	return true;
}

static bool
check_kernel_cond(struct ctx *c, const struct ynode *m, struct cond *ret)
{
	bool ok = true;

	ret->type = COND_KERNEL;
	if (!want_type(c, m, Y_MAP, "kernel"))
		return false;
	if (m->n == 0) {
		report(c, m, "'kernel' must not be empty");
		return false;
	}
	if ((ret->ktests = calloc(m->n / 2, sizeof *ret->ktests)) == NULL) {
		c->err = -ENOMEM;
		return false;
	}
	for (const struct ynode *k = m->head; k != NULL; k = k->next->next) {
		const struct ynode *v = k->next;
		struct kver_test *t = &ret->ktests[ret->nktests];
		char b[SHOW_BUF], dym[SUGGEST_WORD_MAX + 32];
		size_t i;

		for (i = 0; i < 6; i++)
			if (strcmp(k->text, kernel_ops[i]) == 0)
				break;
		if (i == 6) {
			report(c, k, "unknown operator '%s' in kernel condition%s",
			    show(k->text, b, sizeof b), did_you_mean(suggest_best(k->text,
			    kernel_ops, 6, 1), dym, sizeof dym));
			ok = false;
			continue;
		}
		t->op = cf_ops[i];
		if (want_scalar(c, v, kernel_ops[i]) == NULL) {
			ok = false;
			continue;
		}
		if (!valid_release(v->text) || kver_parse(v->text, &t->v) < 0) {
			report(c, v, "invalid kernel release '%s' (expected X.Y or X.Y.Z)",
			    show(v->text, b, sizeof b));
			ok = false;
			continue;
		}
		ret->nktests++;
	}
	return ok;
}

/*
 * A condition mapping (what names it in a type error: "'when'", "'not'" or
 * "condition"). Anything allocated into ret is released by cond_clear()
 * whatever the outcome.
 */
static bool
check_cond(struct ctx *c, const struct ynode *n, const char *what,
    struct cond *ret)
{
	const struct ynode *f[CF_N], *fk[CF_N];
	int sel = -1, nsel = 0;
	bool ok = true;
	char b[SHOW_BUF];

	ret->line = n->line;
	ret->col = n->col;
	if (n->type != Y_MAP) {
		if (n->type != Y_BAD)
			report(c, n, "%s must be a mapping", what);
		return false;
	}
	get_fields(c, n, cond_fields, CF_N, "in condition", f, fk);
	for (int i = CF_ALL; i <= CF_HOST; i++)
		if (f[i] != NULL) {
			nsel++;
			sel = i;
		}
	if (nsel != 1) {
		report(c, n, "condition must have exactly one of all, any, not, key, "
		    "kernel, netns, host");
		return false;
	}
	if (sel != CF_KEY)
		for (int i = CF_FIELD; i < CF_N; i++)
			if (f[i] != NULL) {
				report(c, fk[i], "'%s' can only be used with 'key'",
				    cond_fields[i]);
				ok = false;
			}
	switch (sel) {
	case CF_ALL:
	case CF_ANY:
		ret->type = sel == CF_ALL ? COND_ALL : COND_ANY;
		if (!want_type(c, f[sel], Y_SEQ, cond_fields[sel]))
			return false;
		if (f[sel]->n == 0) {
			report(c, f[sel], "'%s' must not be empty", cond_fields[sel]);
			return false;
		}
		if ((ret->children = calloc(f[sel]->n, sizeof *ret->children)) == NULL) {
			c->err = -ENOMEM;
			return false;
		}
		for (const struct ynode *it = f[sel]->head; it != NULL; it = it->next)
			if (!check_cond(c, it, "condition",
			    &ret->children[ret->nchildren++]))
				ok = false;
		return ok;
	case CF_NOT:
		ret->type = COND_NOT;
		if ((ret->children = calloc(1, sizeof *ret->children)) == NULL) {
			c->err = -ENOMEM;
			return false;
		}
		ret->nchildren = 1;
		return check_cond(c, f[CF_NOT], "'not'", &ret->children[0]) && ok;
	case CF_KERNEL:
		return check_kernel_cond(c, f[CF_KERNEL], ret) && ok;
	case CF_HOST:
		return check_host_cond(c, f[CF_HOST], ret) && ok;
	case CF_NETNS:
		ret->type = COND_NETNS;
		if (want_scalar(c, f[CF_NETNS], "netns") == NULL)
			return false;
		if (strcmp(f[CF_NETNS]->text, "child") == 0)
			ret->netns_child = true;
		else if (strcmp(f[CF_NETNS]->text, "init") != 0) {
			report(c, f[CF_NETNS], "invalid netns '%s' (expected child or init)",
			    show(f[CF_NETNS]->text, b, sizeof b));
			return false;
		}
		return ok;
	default:
		return check_key_cond(c, n, f, fk, ret) && ok;
	}
}

/* ---------------------------------------------------------------------- */
/* Rules */

enum {
	RF_ID, RF_KEY, RF_SEVERITY, RF_TITLE, RF_REASON, RF_SOURCE, RF_FIX,
	RF_WHEN, RF_N
};

static const char *const rule_fields[RF_N] = {
	"id", "key", "severity", "title", "reason", "source", "fix", "when",
};

static void
check_rule(struct ctx *c, const struct ynode *n, struct profile *p,
    struct pfile *pf)
{
	const struct ynode *f[RF_N], *fk[RF_N];
	struct rule r;
	bool ok = true;
	char b[SHOW_BUF], ib[SHOW_BUF + 16] = "";

	memset(&r, 0, sizeof r);
	if (n->type != Y_MAP) {
		if (n->type != Y_BAD)
			report(c, n, "rule must be a mapping");
		return;
	}
	get_fields(c, n, rule_fields, RF_N, "in rule", f, fk);
	if (f[RF_ID] != NULL && want_scalar(c, f[RF_ID], "id") != NULL) {
		const char *id = f[RF_ID]->text;

		if (!valid_rule_id(id)) {
			report(c, f[RF_ID], "invalid rule id '%s' (expected TA-H followed "
			    "by three digits)", show(id, b, sizeof b));
			ok = false;
		} else {
			struct idref *ref = NULL;

			for (size_t i = 0; i < pf->nids; i++)
				if (strcmp(pf->ids[i].id, id) == 0)
					ref = &pf->ids[i];
			if (ref != NULL) {
				report(c, f[RF_ID], "duplicate rule id '%s' (first at line %u)",
				    id, ref->line);
				ok = false;
			} else {
				ref = &pf->ids[pf->nids];
				if ((ref->id = strdup(id)) == NULL) {
					c->err = -ENOMEM;
					return;
				}
				ref->line = f[RF_ID]->line;
				ref->col = f[RF_ID]->col;
				pf->nids++;
			}
			snprintf(ib, sizeof ib, " '%s'", id);
			if ((r.id = strdup(id)) == NULL)
				c->err = -ENOMEM;
		}
	} else
		ok = false;
	for (int i = 0; i < RF_N; i++)
		if (f[i] == NULL && i != RF_FIX) {
			report(c, n, "missing required field '%s' in rule%s",
			    rule_fields[i], ib);
			ok = false;
		}
	if (f[RF_KEY] != NULL && (r.key = want_key(c, f[RF_KEY], "key")) == NULL)
		ok = false;
	if (f[RF_SEVERITY] != NULL && !want_severity(c, f[RF_SEVERITY], &r.severity))
		ok = false;
	if (f[RF_TITLE] != NULL &&
	    (r.title = want_text(c, f[RF_TITLE], "title", true)) == NULL)
		ok = false;
	if (f[RF_REASON] != NULL &&
	    (r.reason = want_text(c, f[RF_REASON], "reason", false)) == NULL)
		ok = false;
	if (f[RF_SOURCE] != NULL &&
	    (r.source = want_text(c, f[RF_SOURCE], "source", false)) == NULL)
		ok = false;
	if (f[RF_FIX] != NULL) {
		const struct ynode *fx = f[RF_FIX];

		if (fx->type == Y_SCALAR && strcmp(fx->text, "remove") == 0)
			r.fix_kind = FIX_REMOVE;
		else if (fx->type == Y_SCALAR && strcmp(fx->text, "none") == 0)
			r.fix_kind = FIX_NONE;
		else if (fx->type == Y_SCALAR && strcmp(fx->text, "default") == 0)
			r.fix_kind = FIX_DEFAULT;
		else if (r.key != NULL && r.key->removed != NULL) {
			report(c, fx, "'fix' for '%s' can only be 'remove': it was removed "
			    "in Linux %s", show(r.key->name, b, sizeof b), r.key->removed);
			ok = false;
		} else if (r.key != NULL) {
			r.fix_kind = FIX_VALUE;
			if (!want_value(c, r.key, 0, fx, "fix", VAL_SANE, &r.fix_value, NULL))
				ok = false;
		} else if (fx->type != Y_SCALAR && fx->type != Y_SEQ) {
			report(c, fx, "'fix' must be a scalar");
			ok = false;
		}
	}
	if (f[RF_WHEN] != NULL && !check_cond(c, f[RF_WHEN], "'when'", &r.when))
		ok = false;
	if (!ok || c->err < 0 || (r.file = strdup(c->file)) == NULL) {
		if (ok && c->err == 0)
			c->err = -ENOMEM;
		rule_clear(&r);
		return;
	}
	r.line = n->line;
	r.col = n->col;
	p->rules[p->nrules++] = r;
}

/* ---------------------------------------------------------------------- */
/* Top level */

enum {
	TF_NAME, TF_DESCRIPTION, TF_ALIASES, TF_EXTENDS, TF_SETTINGS, TF_RULES,
	TF_DISABLE, TF_N
};

static const char *const top_fields[TF_N] = {
	"name", "description", "aliases", "extends", "settings", "rules", "disable",
};

#define NAME_EXPECTED \
	"(expected a lowercase letter, then up to 31 lowercase letters, digits or '-')"

/* A profile name in a scalar; NULL (reported) if it is not one. */
static const char *
want_name(struct ctx *c, const struct ynode *n, const char *field,
    const char *what)
{
	char b[SHOW_BUF];

	if (want_scalar(c, n, field) == NULL)
		return NULL;
	if (valid_name(n->text))
		return n->text;
	report(c, n, "invalid %s '%s' " NAME_EXPECTED, what, show(n->text, b, sizeof b));
	return NULL;
}

static void
check_top(struct ctx *c, const struct ynode *root, const char *expect_name,
    struct pfile *pf)
{
	const struct ynode *f[TF_N], *fk[TF_N];
	struct profile *p = pf->p;
	const char *s;

	if (root->type != Y_MAP) {
		if (root->type != Y_BAD)
			report(c, root, "profile must be a mapping");
		return;
	}
	get_fields(c, root, top_fields, TF_N, "at top level", f, fk);
	for (int i = TF_NAME; i <= TF_DESCRIPTION; i++)
		if (f[i] == NULL)
			report(c, root, "missing required field '%s' at top level",
			    top_fields[i]);
	if (f[TF_NAME] != NULL &&
	    (s = want_name(c, f[TF_NAME], "name", "profile name")) != NULL) {
		if (expect_name != NULL && strcmp(s, expect_name) != 0)
			report(c, f[TF_NAME], "profile name '%s' does not match the file "
			    "name '%s.yaml'", s, expect_name);
		if ((p->name = strdup(s)) == NULL)
			c->err = -ENOMEM;
	}
	if (f[TF_DESCRIPTION] != NULL)
		p->description = want_text(c, f[TF_DESCRIPTION], "description", true);
	if (f[TF_ALIASES] != NULL && want_type(c, f[TF_ALIASES], Y_SEQ, "aliases")) {
		if ((p->aliases = calloc(f[TF_ALIASES]->n + 1, sizeof *p->aliases)) == NULL)
			c->err = -ENOMEM;
		else
			for (const struct ynode *it = f[TF_ALIASES]->head; it != NULL;
			    it = it->next) {
				if ((s = want_name(c, it, "aliases", "alias")) == NULL)
					continue;
				if ((p->aliases[p->naliases] = strdup(s)) == NULL)
					c->err = -ENOMEM;
				else
					p->naliases++;
			}
	}
	if (f[TF_EXTENDS] != NULL &&
	    (s = want_name(c, f[TF_EXTENDS], "extends", "profile name")) != NULL) {
		if ((pf->extends = strdup(s)) == NULL)
			c->err = -ENOMEM;
		pf->ext_line = f[TF_EXTENDS]->line;
		pf->ext_col = f[TF_EXTENDS]->col;
	}
	if (f[TF_SETTINGS] != NULL &&
	    want_type(c, f[TF_SETTINGS], Y_MAP, "settings")) {
		const struct ynode *m = f[TF_SETTINGS];

		if (m->n / 2 > PROFILE_MAX_SETTINGS)
			report(c, fk[TF_SETTINGS], "more than %d settings",
			    PROFILE_MAX_SETTINGS);
		else if (m->n > 0 &&
		    (p->settings = calloc(m->n / 2, sizeof *p->settings)) == NULL)
			c->err = -ENOMEM;
		else
			for (const struct ynode *k = m->head; k != NULL; k = k->next->next)
				check_setting(c, k, k->next, p);
	}
	if (f[TF_RULES] != NULL && want_type(c, f[TF_RULES], Y_SEQ, "rules")) {
		const struct ynode *m = f[TF_RULES];

		if (m->n > PROFILE_MAX_RULES)
			report(c, fk[TF_RULES], "more than %d rules", PROFILE_MAX_RULES);
		else if (m->n > 0 &&
		    ((p->rules = calloc(m->n, sizeof *p->rules)) == NULL ||
		    (pf->ids = calloc(m->n, sizeof *pf->ids)) == NULL))
			c->err = -ENOMEM;
		else
			for (const struct ynode *it = m->head; it != NULL; it = it->next)
				check_rule(c, it, p, pf);
	}
	if (f[TF_DISABLE] != NULL && want_type(c, f[TF_DISABLE], Y_SEQ, "disable")) {
		const struct ynode *m = f[TF_DISABLE];

		if (m->n > 0 && (pf->disable = calloc(m->n, sizeof *pf->disable)) == NULL)
			c->err = -ENOMEM;
		else
			for (const struct ynode *it = m->head; it != NULL; it = it->next) {
				struct idref *d = &pf->disable[pf->ndisable];
				char b[SHOW_BUF];

				if (want_scalar(c, it, "disable") == NULL)
					continue;
				if (!valid_rule_id(it->text)) {
					report(c, it, "invalid rule id '%s' (expected TA-H "
					    "followed by three digits)",
					    show(it->text, b, sizeof b));
					continue;
				}
				if ((d->id = strdup(it->text)) == NULL) {
					c->err = -ENOMEM;
					break;
				}
				d->line = it->line;
				d->col = it->col;
				pf->ndisable++;
			}
	}
}

static int
cmp_setting(const void *a, const void *b)
{
	const struct setting *x = a, *y = b;

	return strcmp(x->entry->name, y->entry->name);
}

static int
cmp_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static void
sort_profile(struct profile *p)
{
	if (p->nsettings > 1)
		qsort(p->settings, p->nsettings, sizeof *p->settings, cmp_setting);
	if (p->nrules > 1)
		qsort(p->rules, p->nrules, sizeof *p->rules, cmp_rule);
}

/*
 * Parse one file's text into *pf (always initialised; pf_clear() it).
 * expect_name: the name it was found by, which `name` must equal, or NULL.
 * origin: what p->origin says. Returns 0, -EINVAL (errors in diags) or
 * -ENOMEM.
 */
static int
parse_source(const char *file, const char *origin, const char *text,
    size_t size, const char *expect_name, struct pfile *pf,
    struct diag_list *diags)
{
	struct ctx c = { file, diags, 0, 0 };
	struct arena a = { NULL };
	struct ynode *root = NULL;
	size_t nerr0 = diags->nerrors, nd0 = diags->n;
	struct profile *p;
	int r;

	memset(pf, 0, sizeof *pf);
	if ((pf->p = p = calloc(1, sizeof *pf->p)) == NULL ||
	    (pf->file = strdup(file)) == NULL || (p->origin = strdup(origin)) == NULL) {
		c.err = -ENOMEM;
		goto out;
	}
	if (size > PROFILE_MAX_BYTES) {
		report_at(&c, 0, 0, "file is larger than %d bytes", PROFILE_MAX_BYTES);
		goto out;
	}
	r = read_tree(&c, &a, text, size, &root, &pf->complete);
	if (r < 0) {
		c.err = r;
		goto out;
	}
	if (pf->complete && root == NULL)
		report_at(&c, 1, 1, "profile must be a mapping");
	else if (root != NULL)
		check_top(&c, root, expect_name, pf);
	if (c.err < 0)
		goto out;
	for (size_t i = 0; i < p->nsettings; i++)
		if (p->name != NULL &&
		    (p->settings[i].profile = strdup(p->name)) == NULL)
			c.err = -ENOMEM;
	for (size_t i = 0; i < p->nrules; i++)
		if (p->name != NULL && (p->rules[i].profile = strdup(p->name)) == NULL)
			c.err = -ENOMEM;
	sort_profile(p);
	if (p->name != NULL && (pf->cname = strdup(p->name)) == NULL)
		c.err = -ENOMEM;
	else if (p->name == NULL && expect_name != NULL &&
	    (pf->cname = strdup(expect_name)) == NULL)
		c.err = -ENOMEM;
out:
	arena_free(&a);
	sort_diags(diags, nd0);
	if (c.err < 0)
		return c.err;
	return diags->nerrors > nerr0 ? -EINVAL : 0;
}

int
profile_parse(const char *file, const char *text, size_t size,
    struct profile **ret, struct diag_list *diags)
{
	struct pfile pf;
	struct profile *p;
	int r;

	r = parse_source(file, file, text, size, NULL, &pf, diags);
	if (r < 0)
		goto out;
	p = pf.p;
	if ((p->chain = calloc(1, sizeof *p->chain)) == NULL ||
	    (p->chain[0] = strdup(p->name)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	p->nchain = 1;
	*ret = p;
	pf.p = NULL;
out:
	pfile_clear(&pf);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Finding and reading profiles */

/*
 * Read a regular file of at most PROFILE_MAX_BYTES into *ret (NUL-
 * terminated, caller frees). Returns 0; -EFBIG when it is larger; -EINVAL
 * when it is not a regular file; or the negative errno of open/read.
 */
static int
read_file(const char *path, char **ret, size_t *ret_size)
{
	struct stat st;
	char *buf = NULL;
	size_t size = 0, alloc;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto out;
	}
	if (st.st_size > PROFILE_MAX_BYTES) {
		r = -EFBIG;
		goto out;
	}
	/* One byte more than allowed, to notice a file that grew. */
	alloc = (size_t)st.st_size + 2;
	if ((buf = malloc(alloc)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (size + 1 == alloc) {
			size_t na = alloc * 2 > PROFILE_MAX_BYTES + 2 ?
			    PROFILE_MAX_BYTES + 2 : alloc * 2;
			char *nb;

			if (size > PROFILE_MAX_BYTES) {
				r = -EFBIG;
				goto out;
			}
			if ((nb = realloc(buf, na)) == NULL) {
				r = -ENOMEM;
				goto out;
			}
			buf = nb;
			alloc = na;
		}
		n = read(fd, buf + size, alloc - 1 - size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (size > PROFILE_MAX_BYTES) {
		r = -EFBIG;
		goto out;
	}
	buf[size] = '\0';
	*ret = buf;
	*ret_size = size;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return r;
}

/* Report a read_file() failure about path. */
static int
report_read_error(struct diag_list *diags, const char *path, int r)
{
	int a;

	if (r == -ENOMEM)
		return r;
	if (r == -EFBIG) {
		a = diag_add(diags, DIAG_ERROR, path, 0, 0,
		    "file is larger than %d bytes", PROFILE_MAX_BYTES);
		r = -EINVAL;
	}
	else if (r == -EINVAL)
		a = diag_add(diags, DIAG_ERROR, path, 0, 0, "not a regular file");
	else
		a = diag_add(diags, DIAG_ERROR, path, 0, 0, "%s", strerror(-r));
	return a < 0 ? a : r;
}

/* Parse a file at path; a missing file is reported. */
static int
load_path(const char *path, const char *expect_name, struct pfile *pf,
    struct diag_list *diags)
{
	char *text = NULL;
	size_t size = 0;
	int r;

	memset(pf, 0, sizeof *pf);
	r = read_file(path, &text, &size);
	if (r < 0)
		return report_read_error(diags, path, r);
	r = parse_source(path, path, text, size, expect_name, pf, diags);
	free(text);
	return r;
}

static int
load_builtin(const struct builtin_profile *bp, struct pfile *pf,
    struct diag_list *diags)
{
	return parse_source(bp->file, "built-in", bp->data,
	    (size_t)(bp->end - bp->data), bp->name, pf, diags);
}

/* DIR/NAME.yaml into buf. */
static int
dir_path(const char *dir, const char *name, char *buf, size_t size)
{
	size_t len = strlen(dir);
	int w;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len > INT_MAX)
		return -ENAMETOOLONG;
	w = snprintf(buf, size, "%.*s/%s.yaml", (int)len, dir, name);
	if (w < 0 || (size_t)w >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* The built-in profile that has `name` among its aliases, or NULL. */
static int
builtin_by_alias(const char *name, const struct builtin_profile **ret)
{
	const struct builtin_profile *all;
	size_t n;

	*ret = NULL;
	all = builtin_profiles(&n);
	for (size_t i = 0; i < n && *ret == NULL; i++) {
		struct diag_list scratch = DIAG_LIST_INIT;
		struct pfile pf;
		int r = load_builtin(&all[i], &pf, &scratch);

		if (r == -ENOMEM) {
			pfile_clear(&pf);
			diag_list_clear(&scratch);
			return r;
		}
		for (size_t j = 0; j < pf.p->naliases; j++)
			if (strcmp(pf.p->aliases[j], name) == 0)
				*ret = &all[i];
		pfile_clear(&pf);
		diag_list_clear(&scratch);
	}
	return 0;
}

/*
 * Find a profile by name or alias (search dirs, then built-ins) and parse
 * it into *pf. Returns 1 when found (*ret_r: the parse result), 0 when not
 * found, or a negative errno for a failure (reported unless -ENOMEM).
 */
static int
load_named(const char *name, const struct profile_search *search,
    struct pfile *pf, int *ret_r, struct diag_list *diags)
{
	const struct builtin_profile *bp;
	char path[PATH_MAX];
	int r;

	memset(pf, 0, sizeof *pf);
	if (!valid_name(name))
		return 0;
	for (size_t i = 0; search != NULL && i < search->ndirs; i++) {
		char *text = NULL;
		size_t size = 0;

		if ((r = dir_path(search->dirs[i], name, path, sizeof path)) < 0)
			return diag_add(diags, DIAG_ERROR, search->dirs[i], 0, 0, "%s",
			    strerror(-r)) < 0 ? -ENOMEM : r;
		r = read_file(path, &text, &size);
		if (r == -ENOENT || r == -ENOTDIR)
			continue;
		if (r < 0)
			return report_read_error(diags, path, r);
		*ret_r = parse_source(path, path, text, size, name, pf, diags);
		free(text);
		return *ret_r == -ENOMEM ? -ENOMEM : 1;
	}
	if ((bp = builtin_profile_find(name)) == NULL) {
		if ((r = builtin_by_alias(name, &bp)) < 0)
			return r;
		if (bp == NULL)
			return 0;
	}
	*ret_r = load_builtin(bp, pf, diags);
	return *ret_r == -ENOMEM ? -ENOMEM : 1;
}

/* A growing list of strings. */
struct strv {
	char **v;
	size_t n, alloc;
};

static int
strv_add(struct strv *s, const char *str)
{
	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 16;
		char **nv = realloc(s->v, na * sizeof *nv);

		if (nv == NULL)
			return -ENOMEM;
		s->v = nv;
		s->alloc = na;
	}
	if ((s->v[s->n] = strdup(str)) == NULL)
		return -ENOMEM;
	s->n++;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The profile names NAME.yaml in dir, sorted. A directory that cannot be
 * read adds nothing (and a warning when warn is set and it exists).
 */
static int
dir_names(const char *dir, struct strv *out, struct diag_list *warn)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = out->n;

	if (d == NULL) {
		if (warn == NULL || errno == ENOENT || errno == ENOTDIR)
			return 0;
		return diag_add(warn, DIAG_WARNING, dir, 0, 0, "%s, ignoring",
		    strerror(errno)) < 0 ? -ENOMEM : 0;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char name[NAME_MAX_LEN + 1];

		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") != 0 ||
		    len - 5 > NAME_MAX_LEN)
			continue;
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if (!valid_name(name))
			continue;
		if (strv_add(out, name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof *out->v, cmp_str);
	return 0;
}

/* Every name `extends` or the command line could mean, for suggestions. */
static int
known_names(const struct profile_search *search, struct strv *out)
{
	const struct builtin_profile *all;
	size_t n;
	int r;

	for (size_t i = 0; search != NULL && i < search->ndirs; i++)
		if ((r = dir_names(search->dirs[i], out, NULL)) < 0)
			return r;
	all = builtin_profiles(&n);
	for (size_t i = 0; i < n; i++) {
		struct diag_list scratch = DIAG_LIST_INIT;
		struct pfile pf;

		if (strv_add(out, all[i].name) < 0)
			return -ENOMEM;
		r = load_builtin(&all[i], &pf, &scratch);
		diag_list_clear(&scratch);
		for (size_t j = 0; r != -ENOMEM && j < pf.p->naliases; j++)
			if (strv_add(out, pf.p->aliases[j]) < 0)
				r = -ENOMEM;
		pfile_clear(&pf);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/* "profile 'x' not found (did you mean 'y'?)" at file:line:col (file may be NULL). */
static int
report_not_found(const char *name, const struct profile_search *search,
    const char *file, unsigned line, unsigned col, struct diag_list *diags)
{
	struct strv names = { NULL, 0, 0 };
	char b[SHOW_BUF], dym[SUGGEST_WORD_MAX + 32];
	const char *sug = NULL;
	int r;

	r = known_names(search, &names);
	if (r == 0)
		sug = suggest_best(name, (const char *const *)names.v, names.n, 1);
	if (r == 0 && diag_add(diags, DIAG_ERROR, file, line, col,
	    "profile '%s' not found%s", show(name, b, sizeof b),
	    did_you_mean(sug, dym, sizeof dym)) < 0)
		r = -ENOMEM;
	strv_free(names.v, names.n);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Stage 3: resolution */

static bool
has_id(const struct pfile *pf, const char *id)
{
	for (size_t i = 0; i < pf->nids; i++)
		if (strcmp(pf->ids[i].id, id) == 0)
			return true;
	return false;
}

/* Every id in a file's `disable` must be a rule of one of its ancestors. */
static int
check_disable(const struct pfile *files, size_t n, struct diag_list *diags)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < files[i].ndisable; j++) {
			const struct idref *d = &files[i].disable[j];
			bool found = false;

			for (size_t k = i + 1; k < n && !found; k++)
				found = has_id(&files[k], d->id);
			if (!found && diag_add(diags, DIAG_ERROR, files[i].file, d->line,
			    d->col, "rule '%s' in 'disable' is not defined by any "
			    "profile this one extends", d->id) < 0)
				return -ENOMEM;
		}
	return 0;
}

/*
 * Merge files[0] (the profile) .. files[n-1] (the root) into one profile,
 * taking the settings and rules out of the files.
 */
static int
resolve(struct pfile *files, size_t n, struct profile **ret)
{
	struct profile *res, *top = files[0].p;
	size_t ns = 0, nr = 0;
	int r = -ENOMEM;

	if ((res = calloc(1, sizeof *res)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		ns += files[i].p->nsettings;
		nr += files[i].p->nrules;
	}
	res->name = top->name;
	res->description = top->description;
	res->origin = top->origin;
	res->aliases = top->aliases;
	res->naliases = top->naliases;
	top->name = top->description = top->origin = NULL;
	top->aliases = NULL;
	top->naliases = 0;
	if ((res->chain = calloc(n, sizeof *res->chain)) == NULL ||
	    (ns > 0 && (res->settings = calloc(ns, sizeof *res->settings)) == NULL) ||
	    (nr > 0 && (res->rules = calloc(nr, sizeof *res->rules)) == NULL))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *name = i == 0 ? res->name : files[i].p->name;

		if ((res->chain[i] = strdup(name)) == NULL)
			goto out;
		res->nchain++;
	}
	for (size_t i = n; i-- > 0; ) {
		struct profile *p = files[i].p;

		for (size_t j = 0; j < files[i].ndisable; j++)
			for (size_t k = 0; k < res->nrules; k++)
				if (strcmp(res->rules[k].id, files[i].disable[j].id) == 0) {
					rule_clear(&res->rules[k]);
					res->rules[k] = res->rules[--res->nrules];
					memset(&res->rules[res->nrules], 0, sizeof *res->rules);
					break;
				}
		for (size_t j = 0; j < p->nsettings; j++) {
			size_t k;

			for (k = 0; k < res->nsettings; k++)
				if (res->settings[k].entry == p->settings[j].entry)
					break;
			if (k < res->nsettings)
				setting_clear(&res->settings[k]);
			else
				res->nsettings++;
			res->settings[k] = p->settings[j];
			memset(&p->settings[j], 0, sizeof p->settings[j]);
		}
		p->nsettings = 0;
		for (size_t j = 0; j < p->nrules; j++) {
			size_t k;

			for (k = 0; k < res->nrules; k++)
				if (strcmp(res->rules[k].id, p->rules[j].id) == 0)
					break;
			if (k < res->nrules)
				rule_clear(&res->rules[k]);
			else
				res->nrules++;
			res->rules[k] = p->rules[j];
			memset(&p->rules[j], 0, sizeof p->rules[j]);
		}
		p->nrules = 0;
	}
	sort_profile(res);
	*ret = res;
	res = NULL;
	r = 0;
out:
	profile_free(res);
	return r;
}

static bool
is_path(const char *s)
{
	size_t len = strlen(s);

	return strchr(s, '/') != NULL || (len >= 5 && strcmp(s + len - 5, ".yaml") == 0);
}

/* Name of the chain from files[from] to files[n-1], then `closing`. */
static void
cycle_text(const struct pfile *files, size_t from, size_t n, const char *closing,
    char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = from; i <= n; i++) {
		const char *name = i < n ? files[i].cname : closing;
		int w = snprintf(buf + len, size - len, "%s%s", i > from ? " -> " : "",
		    name);

		if (w < 0 || (size_t)w >= size - len)
			return;
		len += (size_t)w;
	}
}

/* ---------------------------------------------------------------------- */
/* Composition: --profile a,b,c */

/* The values worth trying as a value that satisfies two settings at once:
   apply values first (the right-hand profile's before the left's), then
   every value either one names. */
static size_t
candidates(const struct setting *a, const struct setting *b, const struct value **v,
    size_t max)
{
	const struct setting *both[2] = { b, a };
	size_t n = 0;

	for (int i = 0; i < 2; i++)
		if (both[i]->has_apply && n < max)
			v[n++] = &both[i]->apply;
	for (int i = 0; i < 2; i++) {
		const struct setting *s = both[i];

		if (s->has_equal && n < max)
			v[n++] = &s->equal;
		for (size_t j = 0; j < s->n_one_of && n < max; j++)
			v[n++] = &s->one_of[j];
		if (s->has_min && n < max)
			v[n++] = &s->min;
		if (s->has_max && n < max)
			v[n++] = &s->max;
	}
	return n;
}

/*
 * Tighten one bound (a minimum when dir > 0, a maximum when dir < 0) by
 * another, field by field: the larger minimum, the smaller maximum.
 */
static void
narrow_bound(bool *has, struct value *v, unsigned *mask, const struct value *add,
    unsigned add_mask, int dir)
{
	if (!*has) {
		*has = true;
		*v = *add;
		*mask = add_mask;
		return;
	}
	for (unsigned i = 0; i < VALUE_MAX_FIELDS; i++)
		if (add_mask & (1u << i)) {
			if (!(*mask & (1u << i)) ||
			    (dir > 0 ? add->field[i] > v->field[i] : add->field[i] < v->field[i]))
				v->field[i] = add->field[i];
			*mask |= 1u << i;
		}
}

/*
 * Narrow `into` (the settings of the profiles to the left) by `add` (the
 * next profile's setting of the same key): every expectation of both must
 * hold, and the value apply writes satisfies both. Returns 1 when it
 * worked, 0 when no value satisfies both (nothing changed), -ENOMEM.
 */
static int
setting_narrow(struct setting *into, const struct setting *add)
{
	const struct value *cand[2 * (VALUE_MAX_FIELDS + 64)];
	struct setting m = *into;
	const struct value *pick = NULL;
	size_t nc;

	if (add->has_equal) {
		if (m.has_equal && !value_equal(&m.equal, &add->equal))
			return 0;
		m.has_equal = true;
		m.equal = add->equal;
	}
	if (add->has_min)
		narrow_bound(&m.has_min, &m.min, &m.min_mask, &add->min, add->min_mask, 1);
	if (add->has_max)
		narrow_bound(&m.has_max, &m.max, &m.max_mask, &add->max, add->max_mask, -1);
	m.one_of = NULL;
	m.n_one_of = 0;
	/* One-of lists: keep the members that satisfy everything else. */
	if (into->n_one_of > 0 || add->n_one_of > 0) {
		const struct setting *src = into->n_one_of > 0 ? into : add;
		size_t n = 0;

		if ((m.one_of = calloc(src->n_one_of, sizeof *m.one_of)) == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < src->n_one_of; i++)
			if (setting_satisfied(into, &src->one_of[i]) &&
			    setting_satisfied(add, &src->one_of[i]))
				m.one_of[n++] = src->one_of[i];
		m.n_one_of = n;
		if (n == 0) {
			free(m.one_of);
			return 0;
		}
	}
	nc = candidates(into, add, cand, sizeof cand / sizeof *cand);
	for (size_t i = 0; i < nc && pick == NULL; i++)
		if (setting_satisfied(&m, cand[i]))
			pick = cand[i];
	if (pick == NULL) {
		free(m.one_of);
		return 0;
	}
	m.has_apply = true;
	m.apply = *pick;
	if (add->severity > m.severity)
		m.severity = add->severity;
	free(into->one_of);
	*into = m;
	return 1;
}

/* The same definition reached through two profiles (a shared ancestor). */
static bool
same_origin(const char *file_a, unsigned line_a, const char *file_b, unsigned line_b)
{
	return file_a != NULL && file_b != NULL && strcmp(file_a, file_b) == 0 &&
	    line_a == line_b;
}

static bool
in_chain(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->nchain; i++)
		if (strcmp(p->chain[i], name) == 0)
			return true;
	return false;
}

static int
text_join(char **dst, const char *add, const char *sep)
{
	char *t;

	if (*dst == NULL)
		return (*dst = strdup(add)) != NULL ? 0 : -ENOMEM;
	if (asprintf(&t, "%s%s%s", *dst, sep, add) < 0)
		return -ENOMEM;
	free(*dst);
	*dst = t;
	return 0;
}

/*
 * Merge the loaded profiles p[0..n-1], left to right, into p[0]. A setting
 * of a key both sides set is narrowed to what satisfies both; a rule keeps
 * the right-hand definition, and a rule one profile disabled (absent from it
 * though its defining profile is in its chain) stays disabled.
 */
static int
compose(struct profile **p, size_t n, const char **disabled, size_t ndisabled,
    struct diag_list *diags)
{
	struct profile *res = p[0];
	int r;

	for (size_t i = 1; i < n; i++) {
		struct profile *q = p[i];
		struct setting *ns;
		struct rule *nr;

		if ((r = text_join(&res->name, q->name, ",")) < 0 ||
		    (r = text_join(&res->description, q->description, "; ")) < 0 ||
		    (strcmp(res->origin, q->origin) != 0 &&
		    (r = text_join(&res->origin, q->origin, ", ")) < 0))
			return r;
		for (size_t j = 0; j < q->nchain; j++) {
			char **c;

			if (in_chain(res, q->chain[j]))
				continue;
			if ((c = realloc(res->chain, (res->nchain + 1) * sizeof *c)) == NULL ||
			    (c[res->nchain] = strdup(q->chain[j])) == NULL) {
				if (c != NULL)
					res->chain = c;
				return -ENOMEM;
			}
			res->chain = c;
			res->nchain++;
		}
		/* Settings. */
		if ((ns = realloc(res->settings, (res->nsettings + q->nsettings + 1) *
		    sizeof *ns)) == NULL)
			return -ENOMEM;
		res->settings = ns;
		for (size_t j = 0; j < q->nsettings; j++) {
			struct setting *add = &q->settings[j], *into = NULL;

			for (size_t k = 0; k < res->nsettings; k++)
				if (res->settings[k].entry == add->entry)
					into = &res->settings[k];
			if (into == NULL) {
				res->settings[res->nsettings++] = *add;
				memset(add, 0, sizeof *add);
				continue;
			}
			if (same_origin(into->file, into->line, add->file, add->line))
				continue;
			if (into->when != NULL || add->when != NULL) {
				if (diag_add(diags, DIAG_ERROR, add->file, add->line, add->col,
				    "profiles '%s' and '%s' both set '%s' and at least one "
				    "only on some hosts ('when'): they cannot be composed",
				    into->profile, add->profile, add->entry->name) < 0)
					return -ENOMEM;
				continue;
			}
			if ((r = setting_narrow(into, add)) < 0)
				return r;
			if (r == 0) {
				char da[256], db[256];

				if (setting_describe(into, da, sizeof da) < 0)
					da[0] = '\0';
				if (setting_describe(add, db, sizeof db) < 0)
					db[0] = '\0';
				if (diag_add(diags, DIAG_ERROR, add->file, add->line, add->col,
				    "profiles '%s' and '%s' disagree on '%s': '%s' wants %s "
				    "(%s:%u), '%s' wants %s, and no value satisfies both",
				    into->profile, add->profile, add->entry->name,
				    into->profile, da, into->file, into->line, add->profile,
				    db) < 0)
					return -ENOMEM;
				continue;
			}
			if (strcmp(into->profile, add->profile) != 0) {
				char *t = NULL;

				if (asprintf(&t, "%s (%s: %s)", into->reason, add->profile,
				    add->reason) < 0)
					return -ENOMEM;
				free(into->reason);
				into->reason = t;
				t = NULL;
				if (asprintf(&t, "%s; %s", into->source, add->source) < 0)
					return -ENOMEM;
				free(into->source);
				into->source = t;
				t = NULL;
				if (asprintf(&t, "%s,%s", into->profile, add->profile) < 0)
					return -ENOMEM;
				free(into->profile);
				into->profile = t;
			}
		}
		/* Rules: the right-hand definition of an id wins. */
		if ((nr = realloc(res->rules, (res->nrules + q->nrules + 1) *
		    sizeof *nr)) == NULL)
			return -ENOMEM;
		res->rules = nr;
		for (size_t j = 0; j < q->nrules; j++) {
			size_t k;

			for (k = 0; k < res->nrules; k++)
				if (strcmp(res->rules[k].id, q->rules[j].id) == 0)
					break;
			if (k < res->nrules) {
				if (same_origin(res->rules[k].file, res->rules[k].line,
				    q->rules[j].file, q->rules[j].line))
					continue;
				rule_clear(&res->rules[k]);
			} else
				res->nrules++;
			res->rules[k] = q->rules[j];
			memset(&q->rules[j], 0, sizeof q->rules[j]);
		}
	}
	/* A rule that a profile of the composition disabled stays disabled. */
	for (size_t k = 0; k < res->nrules; ) {
		bool drop = false;

		for (size_t i = 0; i < ndisabled && !drop; i++)
			drop = strcmp(disabled[i], res->rules[k].id) == 0;
		if (drop) {
			rule_clear(&res->rules[k]);
			res->rules[k] = res->rules[--res->nrules];
			memset(&res->rules[res->nrules], 0, sizeof *res->rules);
		} else
			k++;
	}
	sort_profile(res);
	return 0;
}

static int profile_load_one(const char *name_or_path,
    const struct profile_search *search, struct profile **ret,
    struct diag_list *diags);

/*
 * The ids of rules that one profile of the composition disabled: a rule
 * another one has, defined by a profile in this one's chain, that this one
 * does not have. Collected before composing moves the rules out.
 */
static int
disabled_ids(struct profile *const *p, size_t n, const char ***ret, size_t *ret_n)
{
	const char **v = NULL;
	size_t nv = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			for (size_t k = 0; j != i && k < p[j]->nrules; k++) {
				const struct rule *r = &p[j]->rules[k];
				const char **nvv;

				if (r->profile == NULL || !in_chain(p[i], r->profile) ||
				    profile_rule(p[i], r->id) != NULL)
					continue;
				if ((nvv = realloc(v, (nv + 1) * sizeof *v)) == NULL) {
					free(v);
					return -ENOMEM;
				}
				v = nvv;
				v[nv++] = r->id;
			}
	*ret = v;
	*ret_n = nv;
	return 0;
}

#define COMPOSE_MAX 8

/* "a,b,c": each loaded alone, then composed left to right. */
static int
profile_load_composed(const char *spec, const struct profile_search *search,
    struct profile **ret, struct diag_list *diags)
{
	struct profile *p[COMPOSE_MAX];
	char *copy, *save = NULL, *tok, *names[COMPOSE_MAX];
	const char **disabled = NULL;
	size_t n = 0, ndisabled = 0, nerr0 = diags->nerrors;
	char b[SHOW_BUF];
	int r = 0;

	if ((copy = strdup(spec)) == NULL)
		return -ENOMEM;
	for (const char *q = spec; ; q++) {
		/* strtok_r() would skip empty names: "nginx,,bbr" is a typo. */
		size_t len = strcspn(q, ",");

		if (q[strspn(q, " \t")] == ',' || q[strspn(q, " \t")] == '\0' ||
		    strspn(q, " \t") == len) {
			r = diag_add(diags, DIAG_ERROR, NULL, 0, 0, "empty profile name "
			    "in '%s'", show(spec, b, sizeof b));
			r = r < 0 ? r : -EINVAL;
			goto out;
		}
		q += len;
		if (*q == '\0')
			break;
	}
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		tok += strspn(tok, " \t");
		tok[strcspn(tok, " \t")] = '\0';
		if (n == COMPOSE_MAX) {
			r = diag_add(diags, DIAG_ERROR, NULL, 0, 0, "'%s' composes more "
			    "than %d profiles", show(spec, b, sizeof b), COMPOSE_MAX);
			r = r < 0 ? r : -EINVAL;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if (strcmp(names[i], tok) == 0) {
				r = diag_add(diags, DIAG_ERROR, NULL, 0, 0, "profile '%s' "
				    "appears twice in '%s'", show(tok, b, sizeof b), spec);
				r = r < 0 ? r : -EINVAL;
				goto out;
			}
		names[n] = tok;
		if ((r = profile_load_one(tok, search, &p[n], diags)) < 0)
			goto out;
		n++;
	}
	if (n == 0) {
		r = diag_add(diags, DIAG_ERROR, NULL, 0, 0, "no profile named in '%s'",
		    show(spec, b, sizeof b));
		r = r < 0 ? r : -EINVAL;
		goto out;
	}
	if ((r = disabled_ids(p, n, &disabled, &ndisabled)) < 0 ||
	    (r = compose(p, n, disabled, ndisabled, diags)) < 0)
		goto out;
	if (diags->nerrors > nerr0) {
		r = -EINVAL;
		goto out;
	}
	*ret = p[0];
	p[0] = NULL;
out:
	free(disabled);
	for (size_t i = 0; i < n; i++)
		profile_free(p[i]);
	free(copy);
	return r;
}

int
profile_load(const char *name_or_path, const struct profile_search *search,
    struct profile **ret, struct diag_list *diags)
{
	if (strchr(name_or_path, ',') != NULL)
		return profile_load_composed(name_or_path, search, ret, diags);
	return profile_load_one(name_or_path, search, ret, diags);
}

static int
profile_load_one(const char *name_or_path, const struct profile_search *search,
    struct profile **ret, struct diag_list *diags)
{
	struct pfile files[PROFILE_MAX_EXTENDS + 1];
	size_t n = 0, nd0 = diags->n, nerr0 = diags->nerrors;
	bool complete = false;
	int r, pr = 0;

	memset(files, 0, sizeof files);
	if (is_path(name_or_path)) {
		r = load_path(name_or_path, NULL, &files[0], diags);
		if (files[0].p == NULL)
			goto out;
	} else {
		r = load_named(name_or_path, search, &files[0], &pr, diags);
		if (r == 0) {
			r = report_not_found(name_or_path, search, NULL, 0, 0, diags);
			r = r < 0 ? r : -ENOENT;
			goto out;
		}
		if (r < 0)
			goto out;
	}
	if (r == -ENOMEM)
		goto out;
	n = 1;
	for (;;) {
		struct pfile *cur = &files[n - 1];
		char text[(NAME_MAX_LEN + 4) * (PROFILE_MAX_EXTENDS + 2)];
		size_t j;

		if (!cur->complete || cur->p == NULL)
			break;
		if (cur->extends == NULL) {
			complete = true;
			break;
		}
		if (n == PROFILE_MAX_EXTENDS + 1) {
			if (diag_add(diags, DIAG_ERROR, cur->file, cur->ext_line,
			    cur->ext_col, "'extends' nests deeper than %d levels",
			    PROFILE_MAX_EXTENDS) < 0)
				r = -ENOMEM;
			break;
		}
		for (j = 0; j < n; j++)
			if (files[j].cname != NULL && strcmp(files[j].cname, cur->extends) == 0)
				break;
		if (j == n) {
			r = load_named(cur->extends, search, &files[n], &pr, diags);
			if (r < 0)
				break;
			if (r == 0) {
				r = report_not_found(cur->extends, search, cur->file,
				    cur->ext_line, cur->ext_col, diags);
				break;
			}
			n++;
			/* Found by an alias: the cycle shows in its real name. */
			for (j = 0; j < n - 1; j++)
				if (files[j].cname != NULL && files[n - 1].cname != NULL &&
				    strcmp(files[j].cname, files[n - 1].cname) == 0)
					break;
			if (j == n - 1)
				continue;
			pfile_clear(&files[--n]);
		}
		cycle_text(files, j, n, files[j].cname, text, sizeof text);
		if (diag_add(diags, DIAG_ERROR, cur->file, cur->ext_line, cur->ext_col,
		    "'extends' cycle: %s", text) < 0)
			r = -ENOMEM;
		break;
	}
	if (r == -ENOMEM)
		goto out;
	if (complete && check_disable(files, n, diags) < 0) {
		r = -ENOMEM;
		goto out;
	}
	if (diags->nerrors > nerr0) {
		r = -EINVAL;
		goto out;
	}
	r = resolve(files, n, ret);
out:
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		pfile_clear(&files[i]);
	sort_diags(diags, nd0);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Listing */

static void
info_clear(struct profile_info *in)
{
	free(in->name);
	free(in->description);
	free(in->origin);
	strv_free(in->aliases, in->naliases);
	free(in->shadows);
	memset(in, 0, sizeof *in);
}

void
profile_info_free(struct profile_info *list, size_t n)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		info_clear(&list[i]);
	free(list);
}

struct info_list {
	struct profile_info *v;
	size_t n, alloc;
};

static struct profile_info *
info_find(struct info_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/*
 * Add the profile parsed into pf under name (taken from pf), or only the
 * name with NULL fields when it failed to parse, so that it still hides
 * the profiles of the same name after it.
 */
static int
info_add(struct info_list *l, const char *name, struct pfile *pf, bool ok)
{
	struct profile_info *in;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 16;
		struct profile_info *nv = realloc(l->v, na * sizeof *nv);

		if (nv == NULL)
			return -ENOMEM;
		l->v = nv;
		l->alloc = na;
	}
	in = &l->v[l->n];
	memset(in, 0, sizeof *in);
	if ((in->name = strdup(name)) == NULL)
		return -ENOMEM;
	l->n++;
	if (!ok)
		return 0;
	in->description = pf->p->description;
	in->origin = pf->p->origin;
	in->aliases = pf->p->aliases;
	in->naliases = pf->p->naliases;
	pf->p->description = pf->p->origin = NULL;
	pf->p->aliases = NULL;
	pf->p->naliases = 0;
	return 0;
}

static int
cmp_info(const void *a, const void *b)
{
	const struct profile_info *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int
profile_list(const struct profile_search *search, struct profile_info **ret,
    size_t *ret_n, struct diag_list *diags)
{
	struct info_list l = { NULL, 0, 0 };
	const struct builtin_profile *all;
	size_t nb, w = 0;
	int r = 0;

	for (size_t i = 0; search != NULL && i < search->ndirs && r == 0; i++) {
		struct strv names = { NULL, 0, 0 };

		r = dir_names(search->dirs[i], &names, diags);
		for (size_t j = 0; j < names.n && r == 0; j++) {
			struct profile_info *seen = info_find(&l, names.v[j]);
			char path[PATH_MAX];
			struct pfile pf;
			int pr;

			if (dir_path(search->dirs[i], names.v[j], path, sizeof path) < 0)
				continue;
			if (seen != NULL) {
				if (seen->shadows == NULL &&
				    (seen->shadows = strdup(path)) == NULL)
					r = -ENOMEM;
				continue;
			}
			pr = load_path(path, names.v[j], &pf, diags);
			if (pr == -ENOMEM)
				r = pr;
			else
				r = info_add(&l, names.v[j], &pf, pr == 0);
			pfile_clear(&pf);
		}
		strv_free(names.v, names.n);
	}
	all = builtin_profiles(&nb);
	for (size_t i = 0; i < nb && r == 0; i++) {
		struct profile_info *seen = info_find(&l, all[i].name);
		struct pfile pf;
		int pr;

		if (seen != NULL) {
			if (seen->shadows == NULL &&
			    (seen->shadows = strdup("built-in")) == NULL)
				r = -ENOMEM;
			continue;
		}
		pr = load_builtin(&all[i], &pf, diags);
		if (pr == -ENOMEM)
			r = pr;
		else
			r = info_add(&l, all[i].name, &pf, pr == 0);
		pfile_clear(&pf);
	}
	if (r < 0) {
		profile_info_free(l.v, l.n);
		return r;
	}
	/* Drop the names held only by files that failed. */
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].origin == NULL) {
			info_clear(&l.v[i]);
			continue;
		}
		l.v[w++] = l.v[i];
	}
	l.n = w;
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, cmp_info);
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Queries */

static int
cmp_setting_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct setting *)elem)->entry->name);
}

const struct setting *
profile_setting(const struct profile *p, const char *key)
{
	if (p->nsettings == 0)
		return NULL;
	return bsearch(key, p->settings, p->nsettings, sizeof *p->settings,
	    cmp_setting_key);
}

static int
cmp_rule_id(const void *key, const void *elem)
{
	return strcmp(key, ((const struct rule *)elem)->id);
}

const struct rule *
profile_rule(const struct profile *p, const char *id)
{
	if (p->nrules == 0)
		return NULL;
	return bsearch(id, p->rules, p->nrules, sizeof *p->rules, cmp_rule_id);
}

bool
setting_satisfied(const struct setting *s, const struct value *v)
{
	if (s->has_equal && !value_equal(&s->equal, v))
		return false;
	if (s->has_min || s->has_max) {
		enum value_shape shape = s->has_min ? s->min.shape : s->max.shape;

		if (v->shape != shape)
			return false;
		for (unsigned i = 0; i < VALUE_MAX_FIELDS; i++) {
			bool cmin = s->has_min && (s->min_mask & (1u << i));
			bool cmax = s->has_max && (s->max_mask & (1u << i));

			if (!cmin && !cmax)
				continue;
			if (i >= v->nfields)
				return false;
			if (cmin && v->field[i] < s->min.field[i])
				return false;
			if (cmax && v->field[i] > s->max.field[i])
				return false;
		}
	}
	if (s->n_one_of > 0) {
		size_t i;

		for (i = 0; i < s->n_one_of; i++)
			if (value_equal(&s->one_of[i], v))
				break;
		if (i == s->n_one_of)
			return false;
	}
	return true;
}

/* Append formatted text at *len; -ENOBUFS when it does not fit. */
static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= size - *len)
		return -ENOBUFS;
	*len += (size_t)w;
	return 0;
}

int
setting_describe(const struct setting *s, char *buf, size_t size)
{
	char vb[VALUE_STR_MAX];
	size_t len = 0;
	bool vector = (s->has_min && s->min.shape == SHAPE_VECTOR) ||
	    (s->has_max && s->max.shape == SHAPE_VECTOR);
	const char *sep = "";

	if (size == 0)
		return -ENOBUFS;
	buf[0] = '\0';
	if (s->has_equal) {
		if (value_format(&s->equal, vb, sizeof vb) < 0 ||
		    append(buf, size, &len, "= %s", vb) < 0)
			return -ENOBUFS;
		sep = " and ";
	}
	for (unsigned i = 0; i < VALUE_MAX_FIELDS; i++) {
		bool cmin = s->has_min && (s->min_mask & (1u << i));
		bool cmax = s->has_max && (s->max_mask & (1u << i));
		char fb[32] = "";

		if (vector)
			snprintf(fb, sizeof fb, "field %u ", i + 1);
		if (cmin) {
			if (append(buf, size, &len, "%s%s>= %lld", sep, fb,
			    s->min.field[i]) < 0)
				return -ENOBUFS;
			sep = " and ";
		}
		if (cmax) {
			if (append(buf, size, &len, "%s%s<= %lld", sep, fb,
			    s->max.field[i]) < 0)
				return -ENOBUFS;
			sep = " and ";
		}
	}
	if (s->n_one_of > 0) {
		if (append(buf, size, &len, "%sone of ", sep) < 0)
			return -ENOBUFS;
		for (size_t i = 0; i < s->n_one_of; i++)
			if (value_format(&s->one_of[i], vb, sizeof vb) < 0 ||
			    append(buf, size, &len, "%s%s", i > 0 ? ", " : "", vb) < 0)
				return -ENOBUFS;
	}
	return 0;
}
