/*
 * profile_yaml.c: stage 1 of loading a profile (see profile_int.h): the
 * libyaml event loop that turns a file's text into a tree of nodes with
 * their positions, within the limits of profile.h; and the diagnostics of
 * the profile module, with the quoting of input text in them (cut to
 * length here, escaped when printed).
 */
#include <errno.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "profile_int.h"

#define MSG_MAX		2048	/* one formatted diagnostic */
#define ARENA_CHUNK	65536

/* ---------------------------------------------------------------------- */
/* Diagnostics */

/*
 * Input text as it may be quoted in a message: cut after SHOW_MAX bytes,
 * at a UTF-8 character boundary. Not escaped here: diag_print() escapes
 * the whole message (escape.h), so that a byte is escaped exactly once.
 */
const char *
pf_show(const char *s, char *buf, size_t size)
{
	size_t o = 0, i;

	for (i = 0; s[i] != '\0' && i < SHOW_MAX && o + 4 < size; i++)
		buf[o++] = s[i];
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
const char *
pf_did_you_mean(const char *suggestion, char *buf, size_t size)
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

static void
vreport(struct ctx *c, unsigned line, unsigned col, const char *fmt,
    va_list ap)
{
	char msg[MSG_MAX];

	/* Messages are short by construction: quoted input goes through
	   pf_show(), so truncation cannot happen in practice and would only
	   shorten the text. */
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (diag_add(c->diags, DIAG_ERROR, c->file, line, col, "%s", msg) < 0)
		c->err = -ENOMEM;
}

void
pf_report_at(struct ctx *c, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, line, col, fmt, ap);
	va_end(ap);
}
void
pf_report(struct ctx *c, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(c, n->line, n->col, fmt, ap);
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

void
pf_sort_diags(struct diag_list *l, size_t from)
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
/* YAML events -> node tree */

enum {
	REPORTED_ANCHOR = 1 << 0,
	REPORTED_ALIAS  = 1 << 1,
	REPORTED_TAG    = 1 << 2,
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
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

void
pf_arena_free(struct arena *a)
{
	while (a->head != NULL) {
		struct chunk *next = a->head->next;

		free(a->head);
		a->head = next;
	}
}

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

bool
pf_is_null(const struct ynode *n)
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
		pf_report_at(rd->c, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "YAML anchors are not supported");
	}
	if (tag != NULL && !(rd->c->reported & REPORTED_TAG)) {
		rd->c->reported |= REPORTED_TAG;
		pf_report_at(rd->c, (unsigned)m->line + 1, (unsigned)m->column + 1,
		    "YAML tags are not supported");
	}
}

/* Counts a node against PROFILE_MAX_NODES; false (reported) past it. */
static bool
count_node(struct reader *rd, const yaml_mark_t *m)
{
	if (++rd->nodes <= PROFILE_MAX_NODES)
		return true;
	pf_report_at(rd->c, (unsigned)m->line + 1, (unsigned)m->column + 1,
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
				pf_report_at(rd->c, k->line, k->col,
				    "mapping key must be a scalar");
			k->drop = true;
		}
	}
	qsort(keys, nkeys, sizeof *keys, cmp_key_node);
	/* Equal keys are neighbours now, the first one written first; first
	   is the last key kept, which every repeat is compared with. */
	for (size_t i = 1, first = 0; i < nkeys; i++) {
		char b[SHOW_BUF];

		if (strcmp(keys[i]->text, keys[first]->text) != 0) {
			first = i;
			continue;
		}
		pf_report_at(rd->c, keys[i]->line, keys[i]->col,
		    "duplicate key '%s' (first at line %u)",
		    pf_show(keys[i]->text, b, sizeof b), keys[first]->line);
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
			pf_report_at(rd->c, (unsigned)m->line + 1,
			    (unsigned)m->column + 1, "more than one YAML document");
			return READ_DONE;
		}
		return READ_GO_ON;
	case YAML_ALIAS_EVENT:
		if (!count_node(rd, m))
			return READ_STOP;
		if (!(rd->c->reported & REPORTED_ALIAS)) {
			rd->c->reported |= REPORTED_ALIAS;
			pf_report_at(rd->c, (unsigned)m->line + 1,
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
			pf_report_at(rd->c, (unsigned)m->line + 1,
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
			pf_report_at(rd->c, n->line, n->col,
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
			pf_report_at(rd->c, (unsigned)m->line + 1,
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
int
pf_read_tree(struct ctx *c, struct arena *a, const char *text, size_t size,
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
			pf_report_at(c, line, col, "%s",
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
