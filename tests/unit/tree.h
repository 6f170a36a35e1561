/*
 * tree: build throw-away directory trees for unit tests (a fake root with
 * proc/sys and etc/sysctl.d). Test code only; every function aborts the
 * test on failure through cmocka's assertions.
 */
#ifndef TCPADVISE_TEST_TREE_H
#define TCPADVISE_TEST_TREE_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <ftw.h>
#include <unistd.h>

/* mkdir -p for the directory part of path. */
static __attribute__((unused)) void
tree_mkdirs(const char *path)
{
	char buf[PATH_MAX];

	assert_true(snprintf(buf, sizeof buf, "%s", path) < (int)sizeof buf);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			(void)mkdir(buf, 0755);
			*p = '/';
		}
}

/* Write content to ROOT/rel, creating directories. */
static __attribute__((unused)) void
tree_write(const char *root, const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	assert_true(snprintf(path, sizeof path, "%s/%s", root, rel) < (int)sizeof path);
	tree_mkdirs(path);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

/* Write ROOT/proc/sys/<path of dotted key> with value + "\n". */
static __attribute__((unused)) void
tree_sysctl(const char *root, const char *key, const char *value)
{
	char rel[PATH_MAX], buf[4096];
	size_t n = (size_t)snprintf(rel, sizeof rel, "proc/sys/");

	for (const char *k = key; *k && n + 1 < sizeof rel; k++)
		rel[n++] = *k == '.' ? '/' : *k == '/' ? '.' : *k;
	rel[n] = '\0';
	snprintf(buf, sizeof buf, "%s\n", value);
	tree_write(root, rel, buf);
}

/* A fresh directory under TMPDIR; the caller frees the string. */
static __attribute__((unused)) char *
tree_new(void)
{
	char tmpl[] = "/tmp/tcpadvise-test-XXXXXX";
	char *d = mkdtemp(tmpl);

	assert_non_null(d);
	return strdup(d);
}

static __attribute__((unused)) int
tree_rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf root, and free the string. */
static __attribute__((unused)) void
tree_free(char *root)
{
	if (root == NULL)
		return;
	nftw(root, tree_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

/* A new root of a 6.18 host in its init network namespace, with the
   defaults of the keys most tests look at; a test adds or overwrites. */
static __attribute__((unused)) char *
tree_new_618(void)
{
	char *root = tree_new();

	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	tree_sysctl(root, "net.core.netdev_max_backlog", "1000");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "60");
	return root;
}

#ifdef TCPADVISE_SNAPSHOT_H
/* The snapshot of root, which must be taken. */
static __attribute__((unused)) struct snapshot *
tree_snapshot(const char *root)
{
	struct snapshot *s = NULL;

	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	return s;
}
#endif

#endif
