/*
 * sysctld: the sysctl.d file set, its lines, and what each applier makes of
 * them; see sysctld.h.
 *
 * Which files. Both appliers take every name ending in ".conf" from five
 * directories in priority order, keep the first directory's copy of each
 * basename (shadowing), and read the survivors sorted by basename with
 * strcmp() across directories. procps also reads hidden names and
 * /etc/sysctl.conf after everything else; systemd-sysctl skips hidden names
 * and reads /etc/sysctl.conf only through a symlink such as 99-sysctl.conf.
 * Entries are not filtered by type: a directory, FIFO, socket or device
 * named "x.conf" is listed and never read (its type is checked on the open
 * descriptor first), so it is a file that cannot be read.
 *
 * Paths below a root. Everything is read below a root directory (tests use
 * fixture trees), so symbolic links are followed by hand, one component at
 * a time, as if the root were "/": an absolute target starts again at the
 * root, a relative one at the link's directory, ".." never climbs above the
 * root, and at most SYMLINK_HOPS_MAX links are followed. A link to
 * /dev/null masks a file; it is recognised by name, since a fixture root
 * has no /dev.
 *
 * Lines. One parser over an in-memory buffer (files are read whole by
 * conffile_read(), at most CONFFILE_MAX_BYTES with lines of at most
 * CONFFILE_LINE_MAX bytes; a file over either limit is not read). A line ends at '\n'; a NUL byte ends the text of its
 * line (procps works on C strings). Leading and trailing white space is
 * stripped (so CRLF files work); blank lines and lines whose first
 * non-blank character is '#' or ';' are comments; there are no inline
 * comments. A leading '-' marks the line "ignore failure" and is stripped
 * together with the blanks after it, which is what systemd does. The line
 * splits at its first '='; without one it is an exclusion if it had the
 * '-', else not an assignment. Keys are stored in canonical form; leading
 * separators are dropped (both appliers find "/net/ipv4/x") and so are
 * trailing ones (systemd simplifies them away).
 *
 * Spelling matters to procps. It builds "/proc/sys/" + key with the
 * separators swapped and nothing simplified: "- k = v" names " k" and a
 * trailing separator names no file, so such lines set nothing; a leading or
 * repeated separator still reaches the file but does not keep globs off it
 * (see procps_spelling()). The line keeps its raw text for this.
 *
 * Precedence. procps writes every line in
 * file order, expanding globs at their place, so the last write wins; an
 * exclusion only keeps globs off a key. systemd keeps one entry per key or
 * pattern in an ordered map: a later line with a different value replaces
 * the entry and moves it to the end, a later line with the same value is
 * dropped (so a repeated glob keeps its first place), and a value-less
 * "-key" is an entry too, so it cancels an earlier assignment of the same
 * key or pattern. In both, a glob never touches a key that has an entry of
 * its own, and globs apply in order, so the last matching one wins.
 *
 * Never prints, writes or applies; returns negative errno values.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conffile.h"
#include "procfs.h"
#include "sysctld.h"

#define SYMLINK_HOPS_MAX 8
#define DEV_NULL "/dev/null"

const char *const sysctld_dirs[SYSCTLD_NDIRS] = {
	"/etc/sysctl.d",
	"/run/sysctl.d",
	"/usr/local/lib/sysctl.d",
	"/usr/lib/sysctl.d",
	"/lib/sysctl.d",
};

/* isspace() of the C locale, whatever the process locale is. */
static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

/* Strip white space in place; returns the first non-blank character. */
static char *
strip(char *s)
{
	char *e;

	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		e--;
	*e = '\0';
	return s;
}

static void
line_clear(struct sysctld_line *l)
{
	free(l->key);
	free(l->raw);
	free(l->value);
}

void
sysctld_file_clear(struct sysctld_file *f)
{
	if (f == NULL)
		return;
	free(f->path);
	free(f->target);
	free(f->name);
	for (size_t i = 0; i < f->nlines; i++)
		line_clear(&f->lines[i]);
	free(f->lines);
	memset(f, 0, sizeof *f);
}

static int
push_line(struct sysctld_file *f, size_t *alloc, const struct sysctld_line *l)
{
	if (f->nlines == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 16;
		struct sysctld_line *nl = realloc(f->lines, na * sizeof *nl);

		if (nl == NULL)
			return -ENOMEM;
		f->lines = nl;
		*alloc = na;
	}
	f->lines[f->nlines++] = *l;
	return 0;
}

/*
 * The key of a line in canonical form. Both appliers decide the form by the
 * first separator and swap like sysctl_key_normalize(); both also accept
 * leading separators ("/net/ipv4/x", ".net.ipv4.x"), and systemd drops
 * trailing ones (path_simplify()), so those are removed here;
 * procps_spelling() tells what procps makes of them. A first component
 * holding a dot cannot be spelt in dotted form, and no such top-level
 * directory exists: refused.
 */
static int
line_key(const char *key, char *buf, size_t size)
{
	char path[SYSCTL_KEY_MAX], dotted[SYSCTL_KEY_MAX];
	const char *sep = strpbrk(key, "./");
	size_t len = strlen(key), b = 0, e;

	if (len >= sizeof path)
		return -EINVAL;
	if (sep != NULL && *sep == '.')
		(void)sysctl_key_swap(key, path, sizeof path);
	else
		memcpy(path, key, len + 1);
	while (b < len && path[b] == '/')
		b++;
	e = len;
	while (e > b && path[e - 1] == '/')
		e--;
	path[e] = '\0';
	if (b == e || memchr(path + b, '.', strcspn(path + b, "/")) != NULL)
		return -EINVAL;
	/* Back to the dotted form, which sysctl_key_normalize() reads. */
	(void)sysctl_key_swap(path + b, dotted, sizeof dotted);
	return sysctl_key_normalize(dotted, buf, size);
}

/*
 * Parse one line of text (NUL-terminated, no '\n', modified in place) and
 * append it to f unless it is blank or a comment.
 */
static int
parse_line(struct sysctld_file *f, size_t *alloc, unsigned lineno, char *text)
{
	struct sysctld_line l;
	char keybuf[SYSCTL_KEY_MAX];
	char *s, *p, *eq, *key = NULL;

	s = strip(text);
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	memset(&l, 0, sizeof l);
	l.lineno = lineno;
	l.kind = LINE_INVALID;
	if ((l.raw = strdup(s)) == NULL)
		return -ENOMEM;
	p = s;
	if (*p == '-') {
		l.ignore_failure = true;
		p = strip(p + 1);
	}
	eq = strchr(p, '=');
	if (eq != NULL) {
		*eq = '\0';
		key = strip(p);
		if ((l.value = strdup(strip(eq + 1))) == NULL)
			goto nomem;
	} else if (l.ignore_failure)
		key = p;
	if (key == NULL)
		l.problem = "line is not an assignment";
	else if (*key == '\0')
		l.problem = "empty key";
	else if (line_key(key, keybuf, sizeof keybuf) < 0)
		l.problem = "invalid key";
	else {
		if ((l.key = strdup(keybuf)) == NULL)
			goto nomem;
		l.kind = eq != NULL ? LINE_ASSIGN : LINE_EXCLUDE;
		l.glob = sysctl_key_is_glob(l.key);
	}
	if (l.kind != LINE_ASSIGN) {
		free(l.value);
		l.value = NULL;
	}
	if (push_line(f, alloc, &l) < 0)
		goto nomem;
	return 0;
nomem:
	line_clear(&l);
	return -ENOMEM;
}

/*
 * The configuration-management tool whose header comment a line carries
 * ("# Ansible managed", "# This file is managed by Puppet"), or NULL. Such
 * a file is rewritten by its tool on its next run: an edit made here would
 * not last, so remedies name the tool instead of editing the file.
 */
static const char *
managed_by(const char *line)
{
	static const struct {
		const char *needle, *tool;
	} marks[] = {
		{ "ansible managed", "Ansible" },
		{ "managed by ansible", "Ansible" },
		{ "managed by puppet", "Puppet" },
		{ "puppet managed", "Puppet" },
		{ "managed by salt", "Salt" },
		{ "salt managed", "Salt" },
		{ "managed by chef", "Chef" },
		{ "generated by chef", "Chef" },
	};
	const char *s = line + strspn(line, " \t");

	if (*s != '#' && *s != ';')
		return NULL;
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (strcasestr(s, marks[i].needle) != NULL)
			return marks[i].tool;
	return NULL;
}

/*
 * Parse a whole file held in memory into f->lines (conffile_read() has
 * checked its size and the length of its lines). Returns 0 or -ENOMEM (the
 * lines parsed so far stay in f; the caller decides).
 */
static int
parse_buffer(struct sysctld_file *f, const char *data, size_t size)
{
	size_t alloc = f->nlines, pos = 0;
	unsigned lineno = 0;

	while (pos < size) {
		const char *start = data + pos, *nl;
		size_t len;
		char *text;
		int r;

		nl = memchr(start, '\n', size - pos);
		len = nl != NULL ? (size_t)(nl - start) : size - pos;
		pos += len + (nl != NULL);
		lineno++;
		/* strndup() stops at a NUL byte: the line's text ends there. */
		if ((text = strndup(start, len)) == NULL)
			return -ENOMEM;
		if (f->managed_by == NULL && lineno <= SYSCTLD_HEADER_LINES)
			f->managed_by = managed_by(text);
		r = parse_line(f, &alloc, lineno, text);
		free(text);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Read the file ROOT/path (root NULL: path as it is) with conffile_read()
 * and parse it into f. A file that cannot be read (not a regular file, over
 * a limit) sets f->error and f->info and has no lines; only -ENOMEM is
 * returned.
 */
static int
read_and_parse(struct sysctld_file *f, const char *root, const char *path,
    int flags)
{
	char *data = NULL;
	size_t len = 0;
	int r;

	r = conffile_read(root, path, flags | CONFFILE_LINES, CONFFILE_MAX_BYTES,
	    &data, &len, &f->info);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		f->error = r;
		return 0;
	}
	r = parse_buffer(f, data, len);
	if (r < 0) {
		for (size_t i = 0; i < f->nlines; i++)
			line_clear(&f->lines[i]);
		free(f->lines);
		f->lines = NULL;
		f->nlines = 0;
	}
	free(data);
	return r;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

int
sysctld_parse_file(const char *display, const char *real,
    struct sysctld_file *ret)
{
	int r;

	memset(ret, 0, sizeof *ret);
	if (display == NULL)
		display = real;
	ret->dir = SYSCTLD_NDIRS;
	if ((ret->path = strdup(display)) == NULL ||
	    (ret->target = strdup(display)) == NULL ||
	    (ret->name = strdup(base_name(display))) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	ret->hidden = ret->name[0] == '.';
	if ((r = read_and_parse(ret, NULL, real, 0)) < 0)
		goto fail;
	return 0;
fail:
	sysctld_file_clear(ret);
	return r;
}

/*
 * Resolve an absolute path below root (see the design comment). On success
 * the root-relative result ("/etc/sysctl.conf", "/" for the root itself)
 * is in buf and *ret_st describes it; "/dev/null" gets a character-device
 * mode without being looked at. Returns 0, -ELOOP, -ENAMETOOLONG, or the
 * errno of the first component that failed (-ENOENT for a dangling link,
 * -ENOTDIR for a file used as a directory).
 */
static int
resolve_below_root(const char *root, const char *path, char *buf, size_t size,
    struct stat *ret_st)
{
	char todo[PATH_MAX], next[PATH_MAX], done[PATH_MAX], full[PATH_MAX];
	char link[PATH_MAX];
	const char *p;
	unsigned hops = 0;
	size_t dlen = 0;
	struct stat st;
	int n, r;

	n = snprintf(todo, sizeof todo, "%s", path);
	if (n < 0 || (size_t)n >= sizeof todo)
		return -ENAMETOOLONG;
	done[0] = '\0';
	p = todo;
	for (;;) {
		const char *comp;
		size_t clen, old;
		bool last;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		comp = p;
		clen = strcspn(p, "/");
		p += clen;
		last = p[strspn(p, "/")] == '\0';
		if (clen == 1 && comp[0] == '.')
			continue;
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			char *slash = strrchr(done, '/');

			if (slash != NULL)
				*slash = '\0';
			dlen = strlen(done);
			continue;
		}
		if (dlen + 1 + clen >= sizeof done)
			return -ENAMETOOLONG;
		old = dlen;
		done[dlen++] = '/';
		memcpy(done + dlen, comp, clen);
		dlen += clen;
		done[dlen] = '\0';
		if (strcmp(done, DEV_NULL) == 0) {
			if (!last)
				return -ENOTDIR;
			continue;
		}
		if ((r = path_join_root(root, done, full, sizeof full)) < 0)
			return r;
		if (lstat(full, &st) < 0) {
			/* A fixture root has no /dev; only /dev/null matters. */
			if (errno == ENOENT && strcmp(done, "/dev") == 0)
				continue;
			return -errno;
		}
		if (S_ISLNK(st.st_mode)) {
			ssize_t ln;

			if (++hops > SYMLINK_HOPS_MAX)
				return -ELOOP;
			ln = readlink(full, link, sizeof link);
			if (ln < 0)
				return -errno;
			if ((size_t)ln >= sizeof link)
				return -ENAMETOOLONG;
			link[ln] = '\0';
			if (ln == 0)
				return -ENOENT;
			/* Relative targets start at the link's directory,
			   absolute ones at the root. */
			dlen = link[0] == '/' ? 0 : old;
			done[dlen] = '\0';
			n = snprintf(next, sizeof next, "%s/%s", link, p);
			if (n < 0 || (size_t)n >= sizeof next)
				return -ENAMETOOLONG;
			memcpy(todo, next, (size_t)n + 1);
			p = todo;
			continue;
		}
		if (!last && !S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	if (dlen == 0) {
		done[0] = '/';
		done[1] = '\0';
	}
	if (strcmp(done, DEV_NULL) == 0) {
		memset(&st, 0, sizeof st);
		st.st_mode = S_IFCHR | 0666;
	} else {
		if ((r = path_join_root(root, done, full, sizeof full)) < 0)
			return r;
		if (stat(full, &st) < 0)
			return -errno;
	}
	n = snprintf(buf, size, "%s", done);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	*ret_st = st;
	return 0;
}

/* The planned file standing at path, or NULL. */
static const struct sysctld_planned *
find_planned(const struct sysctld_planned *planned, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(planned[i].path, path) == 0)
			return &planned[i];
	return NULL;
}

/*
 * Fill in target, masked and error, then read the file (path is set). A
 * link to a planned file (99-sysctl.conf -> ../sysctl.conf) reads the
 * planned content.
 */
static int
load_file(const char *root, struct sysctld_file *f,
    const struct sysctld_planned *planned, size_t nplanned)
{
	char resolved[PATH_MAX];
	const struct sysctld_planned *pl;
	struct stat st;
	int r;

	r = resolve_below_root(root, f->path, resolved, sizeof resolved, &st);
	if (r < 0) {
		f->error = r;
		f->target = strdup(f->path);
		return f->target != NULL ? 0 : -ENOMEM;
	}
	if ((f->target = strdup(resolved)) == NULL)
		return -ENOMEM;
	if ((pl = find_planned(planned, nplanned, resolved)) != NULL)
		return read_and_parse(f, NULL, pl->real, 0);
	if (strcmp(resolved, DEV_NULL) == 0) {
		f->masked = true;
		return 0;
	}
	/* Resolved already: no component is a link any more, and one that
	   became a link since is not followed out of the root. The file's
	   type is checked again on the descriptor before it is read. */
	return read_and_parse(f, root, resolved, CONFFILE_NOFOLLOW);
}

/* A "*.conf" name in one directory, before shadowing. */
struct candidate {
	char *name;
	unsigned dir;
	int planned;	/* index of the planned file standing here, or -1 */
};

static int
add_candidate(struct candidate **cands, size_t *n, size_t *alloc, const char *name,
    unsigned d)
{
	if (*n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 32;
		struct candidate *nc = realloc(*cands, na * sizeof *nc);

		if (nc == NULL)
			return -ENOMEM;
		*cands = nc;
		*alloc = na;
	}
	if (((*cands)[*n].name = strdup(name)) == NULL)
		return -ENOMEM;
	(*cands)[*n].dir = d;
	(*cands)[*n].planned = -1;
	(*n)++;
	return 0;
}

static int
cmp_candidate(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->dir < y->dir ? -1 : x->dir > y->dir;
}

static bool
is_conf_name(const char *name)
{
	size_t len = strlen(name);

	return len >= 5 && strcmp(name + len - 5, ".conf") == 0;
}

/* Append the "*.conf" entries of directory d to *cands. */
static int
list_dir(const char *root, unsigned d, struct candidate **cands, size_t *n,
    size_t *alloc)
{
	char resolved[PATH_MAX], full[PATH_MAX];
	struct stat st;
	struct dirent *de;
	DIR *dir;
	int r;

	r = resolve_below_root(root, sysctld_dirs[d], resolved, sizeof resolved,
	    &st);
	/* A missing directory is skipped, as both appliers do. */
	if (r == -ENOENT || r == -ENOTDIR || (r == 0 && !S_ISDIR(st.st_mode)))
		return 0;
	if (r < 0)
		return r;
	if ((r = path_join_root(root, resolved, full, sizeof full)) < 0)
		return r;
	if ((dir = opendir(full)) == NULL)
		return errno == ENOENT ? 0 : -errno;
	r = 0;
	for (;;) {
		errno = 0;
		if ((de = readdir(dir)) == NULL) {
			r = -errno;
			break;
		}
		if (!is_conf_name(de->d_name))
			continue;
		if ((r = add_candidate(cands, n, alloc, de->d_name, d)) < 0)
			break;
	}
	closedir(dir);
	return r;
}

static int
dir_path(unsigned d, const char *name, char **ret)
{
	char buf[PATH_MAX];
	int n;

	n = snprintf(buf, sizeof buf, "%s/%s", sysctld_dirs[d], name);
	if (n < 0 || (size_t)n >= sizeof buf)
		return -ENAMETOOLONG;
	return (*ret = strdup(buf)) != NULL ? 0 : -ENOMEM;
}

/* Fill f, whose path is set, with the planned content read from real. */
static int
load_planned(struct sysctld_file *f, const char *real)
{
	if ((f->target = strdup(f->path)) == NULL)
		return -ENOMEM;
	return read_and_parse(f, NULL, real, 0);
}

/* Append /etc/sysctl.conf if it is a regular file, or a link to one, or
   a planned file is /etc/sysctl.conf. */
static int
load_sysctl_conf(const char *root, const struct sysctld_planned *planned,
    size_t nplanned, struct sysctld_config *c)
{
	char resolved[PATH_MAX];
	struct sysctld_file *f;
	struct stat st;
	const struct sysctld_planned *pl = find_planned(planned, nplanned, SYSCTL_CONF);
	bool is_planned = pl != NULL;

	if (!is_planned && (resolve_below_root(root, SYSCTL_CONF, resolved,
	    sizeof resolved, &st) < 0 || !S_ISREG(st.st_mode)))
		return 0;
	f = &c->files[c->nfiles];
	memset(f, 0, sizeof *f);
	c->nfiles++;
	f->dir = SYSCTLD_NDIRS;
	if ((f->path = strdup(SYSCTL_CONF)) == NULL ||
	    (f->name = strdup(base_name(SYSCTL_CONF))) == NULL)
		return -ENOMEM;
	return is_planned ? load_planned(f, pl->real) :
	    load_file(root, f, planned, nplanned);
}

/* Put the planned file among the candidates, in place of the file at its
   path if there is one. A path outside the directories, or not a "*.conf"
   name, is not read by either applier: nothing to do. */
static int
add_planned(const struct sysctld_planned *planned, int index,
    struct candidate **cands, size_t *n, size_t *alloc)
{
	const char *slash = strrchr(planned->path, '/');
	const char *name = slash != NULL ? slash + 1 : planned->path;
	size_t dlen = slash != NULL ? (size_t)(slash - planned->path) : 0;
	int r;

	if (!is_conf_name(name))
		return 0;
	for (unsigned d = 0; d < SYSCTLD_NDIRS; d++) {
		if (strlen(sysctld_dirs[d]) != dlen ||
		    strncmp(sysctld_dirs[d], planned->path, dlen) != 0)
			continue;
		for (size_t i = 0; i < *n; i++)
			if ((*cands)[i].dir == d && strcmp((*cands)[i].name, name) == 0) {
				(*cands)[i].planned = index;
				return 0;
			}
		if ((r = add_candidate(cands, n, alloc, name, d)) < 0)
			return r;
		(*cands)[*n - 1].planned = index;
		return 0;
	}
	return 0;
}

int
sysctld_load(const char *root, struct sysctld_config **ret)
{
	return sysctld_load_planned(root, NULL, 0, ret);
}

int
sysctld_load_planned(const char *root, const struct sysctld_planned *planned,
    size_t nplanned, struct sysctld_config **ret)
{
	struct sysctld_config *c;
	struct candidate *cands = NULL;
	size_t ncands = 0, alloc = 0, nwin = 0;
	int r = 0;

	if ((c = calloc(1, sizeof *c)) == NULL)
		return -ENOMEM;
	for (unsigned d = 0; d < SYSCTLD_NDIRS; d++)
		if ((r = list_dir(root, d, &cands, &ncands, &alloc)) < 0)
			goto fail;
	for (size_t i = 0; i < nplanned; i++)
		if ((r = add_planned(&planned[i], (int)i, &cands, &ncands, &alloc)) < 0)
			goto fail;
	/* By name, then by directory priority: the first of every run of
	   equal names wins, the rest are shadowed by it. The winners come
	   out in strcmp() order, which is the reading order. */
	if (ncands > 0)
		qsort(cands, ncands, sizeof *cands, cmp_candidate);
	for (size_t i = 0; i < ncands; i++)
		if (i == 0 || strcmp(cands[i].name, cands[i - 1].name) != 0)
			nwin++;
	/* One slot more for /etc/sysctl.conf. */
	c->files = calloc(nwin + 1, sizeof *c->files);
	c->shadowed = calloc(ncands - nwin + 1, sizeof *c->shadowed);
	if (c->files == NULL || c->shadowed == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < ncands; i++) {
		if (i == 0 || strcmp(cands[i].name, cands[i - 1].name) != 0) {
			struct sysctld_file *f = &c->files[c->nfiles++];

			f->dir = cands[i].dir;
			if ((f->name = strdup(cands[i].name)) == NULL) {
				r = -ENOMEM;
				goto fail;
			}
			f->hidden = f->name[0] == '.';
			if ((r = dir_path(f->dir, f->name, &f->path)) < 0)
				goto fail;
			r = cands[i].planned >= 0 ?
			    load_planned(f, planned[cands[i].planned].real) :
			    load_file(root, f, planned, nplanned);
			if (r < 0)
				goto fail;
		} else {
			struct sysctld_shadow *s = &c->shadowed[c->nshadowed++];

			s->by = (unsigned)(c->nfiles - 1);
			if ((r = dir_path(cands[i].dir, cands[i].name, &s->path)) < 0)
				goto fail;
		}
	}
	if ((r = load_sysctl_conf(root, planned, nplanned, c)) < 0)
		goto fail;
	for (size_t i = 0; i < c->nfiles; i++)
		for (size_t j = 0; j < c->files[i].nlines; j++)
			c->files[i].lines[j].file = (unsigned)i;
	*ret = c;
	c = NULL;
	r = 0;
fail:
	for (size_t i = 0; i < ncands; i++)
		free(cands[i].name);
	free(cands);
	sysctld_free(c);
	return r;
}

struct sysctld_config *
sysctld_free(struct sysctld_config *c)
{
	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < c->nfiles; i++)
		sysctld_file_clear(&c->files[i]);
	free(c->files);
	for (size_t i = 0; i < c->nshadowed; i++)
		free(c->shadowed[i].path);
	free(c->shadowed);
	free(c);
	return NULL;
}

bool
sysctld_applier_reads(enum sysctld_applier a, const struct sysctld_file *f)
{
	if (f->dir == SYSCTLD_CMDLINE)
		return true;	/* the kernel applied it before either */
	if (a == APPLIER_SYSTEMD)
		return !f->hidden && f->dir < SYSCTLD_NDIRS;
	return true;
}

/* The next word of a command line at *p (a "quoted" stretch may hold
   blanks), copied into buf without the quotes; false at the end. */
static bool
cmdline_word(const char **p, char *buf, size_t size)
{
	const char *s = *p;
	size_t n = 0;
	bool quoted = false;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s == '\0')
		return false;
	for (; *s != '\0' && (quoted || (*s != ' ' && *s != '\t' && *s != '\n')); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (n + 1 < size)
			buf[n++] = *s;
	}
	buf[n] = '\0';
	*p = s;
	return true;
}

int
sysctld_key(const char *key, char *buf, size_t size)
{
	return line_key(key, buf, size);
}

int
sysctld_add_cmdline(struct sysctld_config *c, const char *cmdline)
{
	struct sysctld_file f, *nf;
	char word[CONFFILE_LINE_MAX + 1], keybuf[SYSCTL_KEY_MAX];
	const char *p = cmdline;
	size_t alloc = 0;
	unsigned n = 0;

	memset(&f, 0, sizeof f);
	f.dir = SYSCTLD_CMDLINE;
	while (cmdline_word(&p, word, sizeof word)) {
		struct sysctld_line l;
		char *eq;

		n++;
		if (strcmp(word, "--") == 0)
			break;	/* the rest is init's */
		if (strncmp(word, "sysctl.", 7) != 0 || (eq = strchr(word, '=')) == NULL)
			continue;
		*eq = '\0';
		if (line_key(word + 7, keybuf, sizeof keybuf) < 0)
			continue;	/* the kernel would refuse it too */
		memset(&l, 0, sizeof l);
		l.lineno = n;
		l.kind = LINE_ASSIGN;
		l.key = strdup(keybuf);
		l.value = strdup(eq + 1);
		*eq = '=';
		l.raw = strdup(word);
		l.glob = l.key != NULL && sysctl_key_is_glob(l.key);
		if (l.key == NULL || l.value == NULL || l.raw == NULL ||
		    push_line(&f, &alloc, &l) < 0) {
			line_clear(&l);
			sysctld_file_clear(&f);
			return -ENOMEM;
		}
	}
	if (f.nlines == 0)
		return 0;
	if ((f.path = strdup(SYSCTLD_CMDLINE_PATH)) == NULL ||
	    (f.target = strdup(SYSCTLD_CMDLINE_PATH)) == NULL ||
	    (f.name = strdup("(kernel command line)")) == NULL ||
	    (nf = realloc(c->files, (c->nfiles + 2) * sizeof *nf)) == NULL) {
		sysctld_file_clear(&f);
		return -ENOMEM;
	}
	c->files = nf;
	memmove(&c->files[1], &c->files[0], c->nfiles * sizeof *c->files);
	c->files[0] = f;
	c->nfiles++;
	for (size_t i = 0; i < c->nfiles; i++)
		for (size_t j = 0; j < c->files[i].nlines; j++)
			c->files[i].lines[j].file = (unsigned)i;
	for (size_t i = 0; i < c->nshadowed; i++)
		c->shadowed[i].by++;
	return 0;
}

const char *
sysctld_line_file(const struct sysctld_config *c, const struct sysctld_line *l)
{
	if (c == NULL || l == NULL || l->file >= c->nfiles)
		return NULL;
	return c->files[l->file].target;
}

/*
 * How procps spells the path of a line's key. It keeps the blanks after a
 * leading '-' ("- k" names " k"), swaps separators and prefixes
 * "/proc/sys/" without simplifying anything. The kernel still finds a path
 * with a leading or repeated separator, but never one with a blank or a
 * trailing separator (ENOTDIR). A glob skips a key only when some line's
 * path is spelt exactly like glob(3)'s result ("explicit setting exists"
 * is a string comparison), so only an exact spelling shields a key.
 */
enum procps_spelling {
	SPELL_EXACT,		/* found, and shields the key from globs */
	SPELL_FOUND,		/* found, but does not shield */
	SPELL_MISSED,		/* names no existing key */
};

static enum procps_spelling
procps_spelling(const struct sysctld_line *l)
{
	enum procps_spelling r = SPELL_EXACT;
	const char *k = l->raw;
	bool swap = false, seen_sep = false;
	char prev = '/';	/* the separator that ends "/proc/sys/" */
	size_t len;

	if (*k == '-')
		k++;
	if (is_space(*k))
		return SPELL_MISSED;
	len = strcspn(k, "=");
	while (len > 0 && is_space(k[len - 1]))
		len--;
	for (size_t i = 0; i < len; i++) {
		char c = k[i];

		if (c == '.' || c == '/') {
			if (!seen_sep)
				swap = c == '.';
			seen_sep = true;
			if (swap)
				c = c == '.' ? '/' : '.';
		}
		if (c == '/' && prev == '/')
			r = SPELL_FOUND;
		prev = c;
	}
	return prev == '/' ? SPELL_MISSED : r;
}

static bool
same_value(const struct sysctld_line *a, const struct sysctld_line *b)
{
	if (a->value == NULL || b->value == NULL)
		return a->value == b->value;
	return strcmp(a->value, b->value) == 0;
}

/*
 * The index. Asking for a key by walking every line of every file made a
 * caller that asks for many keys (the snapshot, once per catalog entry)
 * take time quadratic in the lines. An applier's index holds what its
 * precedence looks at, gathered once: the explicit lines sorted by key
 * (then in reading order) and the globs as the applier applies them, each
 * in path form. A question is then a binary search and a walk back over
 * the globs. sysctld_effective() builds the index of one key, so that
 * there is one precedence model, not two.
 */
struct ix_line {
	const struct sysctld_line *line;
	size_t seq;			/* reading order over every file */
	enum procps_spelling spelling;
};

struct ix_glob {
	const struct sysctld_line *line;
	size_t seq;
	const char *pattern;		/* path form; NULL: matches nothing */
	bool cancelled;			/* systemd: a value-less line replaced
					   an assignment of the pattern */
};

struct ix_applier {
	struct ix_line *lines;		/* explicit keys, by key, then seq */
	size_t nlines;
	struct ix_glob *globs;		/* procps: the glob assignments in
					   reading order; systemd: the entries
					   of the map that can set or cancel
					   something, in map order */
	size_t nglobs;
	char *patterns;			/* storage of the patterns */
};

struct sysctld_index {
	struct ix_applier ap[APPLIER_SYSTEMD + 1];
};

static int
cmp_ix_line(const void *a, const void *b)
{
	const struct ix_line *x = a, *y = b;
	int r = strcmp(x->line->key, y->line->key);

	return r != 0 ? r : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
cmp_ix_glob_key(const void *a, const void *b)
{
	const struct ix_glob *x = a, *y = b;
	int r = strcmp(x->line->key, y->line->key);

	return r != 0 ? r : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
cmp_ix_glob_seq(const void *a, const void *b)
{
	const struct ix_glob *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * systemd's ordered map of patterns, from the glob lines in reading order.
 * A line that differs from its pattern's entry replaces it at the end of
 * the map, an equal one is dropped: so an entry ends up as the last line
 * its pattern kept, placed by that line's seq. Sorting by pattern then seq
 * finds every entry without comparing each line with every entry. Entries
 * that neither assign nor cancel an assignment change no key: left out.
 */
static void
systemd_map(struct ix_applier *ap)
{
	size_t n = 0;

	if (ap->nglobs > 1)
		qsort(ap->globs, ap->nglobs, sizeof *ap->globs, cmp_ix_glob_key);
	for (size_t i = 0; i < ap->nglobs;) {
		struct ix_glob e = ap->globs[i];
		size_t j;

		e.cancelled = false;
		for (j = i + 1; j < ap->nglobs &&
		    strcmp(ap->globs[j].line->key, e.line->key) == 0; j++) {
			const struct sysctld_line *l = ap->globs[j].line;

			if (same_value(e.line, l))
				continue;
			e.cancelled = l->kind == LINE_EXCLUDE &&
			    e.line->kind == LINE_ASSIGN;
			e.line = l;
			e.seq = ap->globs[j].seq;
		}
		if (e.line->kind == LINE_ASSIGN || e.cancelled)
			ap->globs[n++] = e;
		i = j;
	}
	ap->nglobs = n;
	if (n > 1)
		qsort(ap->globs, n, sizeof *ap->globs, cmp_ix_glob_seq);
}

/* Each glob's pattern in path form, in one block. A key too long for
   sysctl_key_swap() never matched anything: its pattern stays NULL. */
static int
glob_patterns(struct ix_applier *ap)
{
	size_t size = 0;
	char *p;

	for (size_t k = 0; k < ap->nglobs; k++)
		size += strlen(ap->globs[k].line->key) + 1;
	if (size == 0)
		return 0;
	if ((ap->patterns = p = malloc(size)) == NULL)
		return -ENOMEM;
	for (size_t k = 0; k < ap->nglobs; k++) {
		size_t len = strlen(ap->globs[k].line->key) + 1;

		if (len > SYSCTL_KEY_MAX ||
		    sysctl_key_swap(ap->globs[k].line->key, p, len) < 0)
			continue;
		ap->globs[k].pattern = p;
		p += len;
	}
	return 0;
}

static void
applier_clear(struct ix_applier *ap)
{
	free(ap->lines);
	free(ap->globs);
	free(ap->patterns);
	memset(ap, 0, sizeof *ap);
}

/*
 * The index of what applier a reads in c; with only != NULL, of the
 * explicit lines of that key alone (and every glob).
 */
static int
index_applier(const struct sysctld_config *c, enum sysctld_applier a,
    const char *only, struct ix_applier *ap)
{
	size_t n = 0, seq = 0;

	/* Room for every line: one walk, not one to count and one to fill. */
	for (size_t i = 0; i < c->nfiles; i++)
		n += c->files[i].nlines;
	if (n > 0 && ((ap->lines = malloc(n * sizeof *ap->lines)) == NULL ||
	    (ap->globs = malloc(n * sizeof *ap->globs)) == NULL))
		goto nomem;
	for (size_t i = 0; i < c->nfiles; i++) {
		const struct sysctld_file *f = &c->files[i];

		if (!sysctld_applier_reads(a, f)) {
			seq += f->nlines;
			continue;
		}
		for (size_t j = 0; j < f->nlines; j++, seq++) {
			const struct sysctld_line *l = &f->lines[j];

			if (l->kind == LINE_INVALID)
				continue;
			if (l->glob) {
				/* procps expands only assignments. */
				if (a == APPLIER_SYSTEMD || l->kind == LINE_ASSIGN)
					ap->globs[ap->nglobs++] =
					    (struct ix_glob){ l, seq, NULL, false };
				continue;
			}
			if (only != NULL && strcmp(l->key, only) != 0)
				continue;
			ap->lines[ap->nlines++] = (struct ix_line){ l, seq,
			    a == APPLIER_SYSTEMD ? SPELL_EXACT : procps_spelling(l) };
		}
	}
	if (only == NULL && ap->nlines > 1)
		qsort(ap->lines, ap->nlines, sizeof *ap->lines, cmp_ix_line);
	if (a == APPLIER_SYSTEMD)
		systemd_map(ap);
	if (glob_patterns(ap) < 0)
		goto nomem;
	return 0;
nomem:
	applier_clear(ap);
	return -ENOMEM;
}

int
sysctld_index_new(const struct sysctld_config *c, struct sysctld_index **ret)
{
	struct sysctld_index *ix;

	*ret = NULL;
	if ((ix = calloc(1, sizeof *ix)) == NULL)
		return -ENOMEM;
	for (int a = APPLIER_PROCPS; a <= APPLIER_SYSTEMD; a++)
		if (index_applier(c, (enum sysctld_applier)a, NULL, &ix->ap[a]) < 0) {
			sysctld_index_free(ix);
			return -ENOMEM;
		}
	*ret = ix;
	return 0;
}

struct sysctld_index *
sysctld_index_free(struct sysctld_index *ix)
{
	if (ix == NULL)
		return NULL;
	for (int a = APPLIER_PROCPS; a <= APPLIER_SYSTEMD; a++)
		applier_clear(&ix->ap[a]);
	free(ix);
	return NULL;
}

/* Whether a glob matches the key in path form. glob(3) is what both
   appliers expand patterns with: '*' stops at '/' and does not match a
   leading '.' of a component. */
static bool
glob_matches(const struct ix_glob *g, const char *keypath)
{
	return g->pattern != NULL &&
	    fnmatch(g->pattern, keypath, FNM_PATHNAME | FNM_PERIOD) == 0;
}

/* The explicit lines of key: ap->lines[*lo] up to ap->lines[*hi]. A key
   has few lines: one search for the first, then a walk. */
static void
key_range(const struct ix_applier *ap, const char *key, size_t *lo, size_t *hi)
{
	size_t b = 0, e = ap->nlines;

	while (b < e) {
		size_t m = b + (e - b) / 2;

		if (strcmp(ap->lines[m].line->key, key) < 0)
			b = m + 1;
		else
			e = m;
	}
	*lo = b;
	while (b < ap->nlines && strcmp(ap->lines[b].line->key, key) == 0)
		b++;
	*hi = b;
}

/*
 * procps: every line becomes a write in file order (globs expanded at their
 * place), except that a glob skips keys shielded by an exactly spelt
 * explicit line or exclusion anywhere. The last write wins.
 */
static void
effective_procps(const struct ix_applier *ap, const char *key,
    const char *keypath, struct sysctld_effect *ret)
{
	const struct ix_line *last = NULL, *exclusion = NULL;
	bool shielded = false;
	size_t lo, hi;

	key_range(ap, key, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		const struct ix_line *x = &ap->lines[i];

		if (x->spelling == SPELL_EXACT) {
			shielded = true;
			if (x->line->kind == LINE_EXCLUDE)
				exclusion = x;
		}
		if (x->line->kind == LINE_ASSIGN && x->spelling != SPELL_MISSED) {
			ret->nassign++;
			last = x;
		}
	}
	ret->line = last != NULL ? last->line : NULL;
	if (!shielded) {
		/* The last glob that matches, if it comes after the last
		   explicit write. */
		for (size_t k = ap->nglobs; k-- > 0;) {
			if (last != NULL && ap->globs[k].seq < last->seq)
				break;
			if (glob_matches(&ap->globs[k], keypath)) {
				ret->line = ap->globs[k].line;
				break;
			}
		}
	} else if (last == NULL && exclusion != NULL) {
		/* The exclusion is why nothing is set if it kept a glob off. */
		for (size_t k = 0; k < ap->nglobs; k++)
			if (glob_matches(&ap->globs[k], keypath)) {
				ret->line = exclusion->line;
				ret->excluded = true;
				break;
			}
	}
}

/*
 * systemd: an ordered map keyed by the normalised key or pattern. A line
 * whose value differs from the entry's replaces it at the end of the map;
 * an equal one is dropped. Then every valued entry is applied in map
 * order; a glob skips keys that have an entry of their own.
 */
static void
effective_systemd(const struct ix_applier *ap, const char *key,
    const char *keypath, struct sysctld_effect *ret)
{
	const struct sysctld_line *exact = NULL, *glob = NULL, *gexcl = NULL;
	bool cancelled = false;
	size_t lo, hi;

	key_range(ap, key, &lo, &hi);
	for (size_t i = lo; i < hi; i++) {
		const struct sysctld_line *l = ap->lines[i].line;

		if (l->kind == LINE_ASSIGN)
			ret->nassign++;
		if (exact != NULL && same_value(exact, l))
			continue;
		cancelled = l->kind == LINE_EXCLUDE && exact != NULL &&
		    exact->kind == LINE_ASSIGN;
		exact = l;
	}
	if (exact != NULL && (exact->kind == LINE_ASSIGN || cancelled)) {
		ret->line = exact;
		ret->excluded = exact->kind != LINE_ASSIGN;
		return;
	}
	/* The last entry that matches and assigns; else the last one that
	   matches and cancelled an assignment. */
	for (size_t k = ap->nglobs; k-- > 0;) {
		if (!glob_matches(&ap->globs[k], keypath))
			continue;
		if (ap->globs[k].line->kind == LINE_ASSIGN) {
			glob = ap->globs[k].line;
			break;
		}
		if (gexcl == NULL)
			gexcl = ap->globs[k].line;
	}
	if (exact != NULL) {
		/* A value-less entry writes nothing; say so when it stopped
		   a glob. */
		if (glob != NULL) {
			ret->line = exact;
			ret->excluded = true;
		}
	} else if (glob != NULL)
		ret->line = glob;
	else if (gexcl != NULL) {
		ret->line = gexcl;
		ret->excluded = true;
	}
}

static void
effective(const struct ix_applier *ap, enum sysctld_applier a,
    const char *canon, const char *path, struct sysctld_effect *ret)
{
	if (a == APPLIER_SYSTEMD)
		effective_systemd(ap, canon, path, ret);
	else
		effective_procps(ap, canon, path, ret);
}

/* The canonical and path forms of a key asked for. */
static int
key_forms(const char *key, char *canon, char *path)
{
	if (sysctl_key_normalize(key, canon, SYSCTL_KEY_MAX) < 0 ||
	    sysctl_key_swap(canon, path, SYSCTL_KEY_MAX) < 0)
		return -EINVAL;
	return 0;
}

int
sysctld_index_effective(const struct sysctld_index *ix, enum sysctld_applier a,
    const char *key, struct sysctld_effect *ret)
{
	char canon[SYSCTL_KEY_MAX], path[SYSCTL_KEY_MAX];

	memset(ret, 0, sizeof *ret);
	if (key_forms(key, canon, path) < 0)
		return -EINVAL;
	effective(&ix->ap[a == APPLIER_SYSTEMD ? APPLIER_SYSTEMD : APPLIER_PROCPS],
	    a, canon, path, ret);
	return 0;
}

int
sysctld_effective(const struct sysctld_config *c, enum sysctld_applier a,
    const char *key, struct sysctld_effect *ret)
{
	char canon[SYSCTL_KEY_MAX], path[SYSCTL_KEY_MAX];
	struct ix_applier ap;

	memset(ret, 0, sizeof *ret);
	memset(&ap, 0, sizeof ap);
	if (key_forms(key, canon, path) < 0)
		return -EINVAL;
	if (index_applier(c, a, canon, &ap) < 0)
		return -ENOMEM;
	effective(&ap, a, canon, path, ret);
	applier_clear(&ap);
	return 0;
}
