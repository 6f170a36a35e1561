/*
 * libFuzzer harness for the sysctl.d parser and the precedence model.
 *
 * The input is split at "%%\n" into up to four files: the first is a plain
 * /etc/sysctl.d file, the second hidden, the third in /usr/lib/sysctl.d,
 * the fourth /etc/sysctl.conf, so both appliers read different subsets.
 * Each part is written to a memfd and read with sysctld_parse_file(); the
 * lines must be what sysctld.h promises. Then every key met (and a few
 * fixed ones) is asked of one sysctld_index under both appliers, once per
 * distinct key, and the answers must be consistent; for the fixed keys,
 * sysctld_effective() must give the same answer (it gathers one key's
 * lines by a walk over all of them, the index by a search: asking the walk
 * for every key made a run quadratic in the lines).
 *
 * Build: clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE
 *        -Isrc/base -Isrc/system tests/fuzz/fuzz_sysctld.c
 *        src/system/sysctld.c src/system/procfs.c src/base/parse.c
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "procfs.h"
#include "sysctld.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFILES 4

static void
check(int cond)
{
	if (!cond)
		abort();
}

/* The parsed lines must be what the parser promises. */
static void
check_file(const struct sysctld_file *f)
{
	char buf[SYSCTL_KEY_MAX];

	check(f->error == 0 || f->nlines == 0);
	for (size_t i = 0; i < f->nlines; i++) {
		const struct sysctld_line *l = &f->lines[i];

		check(l->raw != NULL && l->raw[0] != '\0');
		check(i == 0 || l->lineno > f->lines[i - 1].lineno);
		switch (l->kind) {
		case LINE_INVALID:
			check(l->key == NULL && l->value == NULL && l->problem != NULL);
			break;
		case LINE_EXCLUDE:
			check(l->value == NULL && l->ignore_failure);
			/* FALLTHROUGH */
		case LINE_ASSIGN:
			check(l->key != NULL && l->problem == NULL);
			check(l->kind == LINE_EXCLUDE || l->value != NULL);
			/* Canonical keys are stable. */
			check(sysctl_key_normalize(l->key, buf, sizeof buf) == 0);
			check(strcmp(buf, l->key) == 0);
			check(l->glob == sysctl_key_is_glob(l->key));
			break;
		default:
			check(0);
		}
	}
}

static bool
line_in(const struct sysctld_config *c, const struct sysctld_line *l)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (c->files[i].nlines > 0 && l >= c->files[i].lines &&
		    l < c->files[i].lines + c->files[i].nlines)
			return true;
	return false;
}

static void
ask(const struct sysctld_config *c, const struct sysctld_index *ix,
    const char *key, bool both)
{
	for (int a = APPLIER_PROCPS; a <= APPLIER_SYSTEMD; a++) {
		struct sysctld_effect e, w;
		int r = sysctld_index_effective(ix, (enum sysctld_applier)a, key, &e);

		check(r == 0 || r == -EINVAL);
		if (both) {
			int rw = sysctld_effective(c, (enum sysctld_applier)a, key, &w);

			check(rw == r || rw == -ENOMEM);
			if (rw == 0)
				check(w.line == e.line && w.excluded == e.excluded &&
				    w.nassign == e.nassign);
		}
		if (r != 0)
			continue;
		if (e.line == NULL) {
			check(!e.excluded);
			continue;
		}
		check(line_in(c, e.line));
		check(sysctld_line_file(c, e.line) != NULL);
		check(sysctld_applier_reads((enum sysctld_applier)a,
		    &c->files[e.line->file]));
		if (e.excluded)
			check(e.line->kind == LINE_EXCLUDE);
		else
			check(e.line->kind == LINE_ASSIGN);
		if (!e.excluded && !e.line->glob)
			check(e.nassign > 0);
	}
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Parse bytes as the file `name`, through one memfd kept for the run. */
static int
parse_bytes(const char *name, const char *data, size_t size,
    struct sysctld_file *f)
{
	static int fd = -1;
	char path[64];

	if (fd < 0 && (fd = memfd_create("fuzz.conf", MFD_CLOEXEC)) < 0)
		return -errno;
	if (ftruncate(fd, 0) < 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		return -EIO;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return sysctld_parse_file(name, path, f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fixed[] = {
		"net.ipv4.tcp_fin_timeout", "net.ipv4.conf.all.rp_filter",
		"net.ipv4.conf.br/1.rp_filter", "a", "a.b", "a.b.c",
	};
	struct sysctld_config *c = calloc(1, sizeof *c);
	struct sysctld_index *ix = NULL;
	const char *p = (const char *)data, *end = p + size;
	const char **keys = NULL;
	size_t nkeys = 0;

	if (c == NULL || (c->files = calloc(NFILES, sizeof *c->files)) == NULL)
		goto out;
	while (c->nfiles < NFILES) {
		const char *sep = memmem(p, (size_t)(end - p), "%%\n", 3);
		const char *stop = sep != NULL && c->nfiles + 1 < NFILES ? sep : end;
		struct sysctld_file *f = &c->files[c->nfiles];
		static const char *const names[NFILES] = {
			"10-a.conf", ".hidden.conf", "20-b.conf", "sysctl.conf",
		};
		static const unsigned dirs[NFILES] = { 0, 0, 3, SYSCTLD_NDIRS };
		int r;

		c->nfiles++;
		r = parse_bytes(names[c->nfiles - 1], p, (size_t)(stop - p), f);
		if (r < 0)
			goto out;
		check(strcmp(f->name, names[c->nfiles - 1]) == 0);
		check(f->hidden == (f->name[0] == '.'));
		check(f->error == 0 || f->error == -EFBIG || f->error == -EMSGSIZE);
		f->dir = dirs[c->nfiles - 1];
		for (size_t i = 0; i < f->nlines; i++)
			f->lines[i].file = (unsigned)(c->nfiles - 1);
		check_file(f);
		if (stop == end)
			break;
		p = stop + 3;
	}
	/* Every key met, each once: an answer depends on the key alone, and
	   asking again for each repeat made a run quadratic in the lines. */
	for (size_t i = 0; i < c->nfiles; i++)
		nkeys += c->files[i].nlines;
	if (nkeys > 0 && (keys = malloc(nkeys * sizeof *keys)) == NULL)
		goto out;
	nkeys = 0;
	for (size_t i = 0; i < c->nfiles; i++)
		for (size_t j = 0; j < c->files[i].nlines; j++)
			if (c->files[i].lines[j].key != NULL)
				keys[nkeys++] = c->files[i].lines[j].key;
	if (nkeys > 0)
		qsort(keys, nkeys, sizeof *keys, cmp_key);
	if (sysctld_index_new(c, &ix) < 0)
		goto out;
	for (size_t i = 0; i < nkeys; i++)
		if (i == 0 || strcmp(keys[i - 1], keys[i]) != 0)
			ask(c, ix, keys[i], false);
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		ask(c, ix, fixed[i], true);
out:
	sysctld_index_free(ix);
	free(keys);
	sysctld_free(c);
	return 0;
}
