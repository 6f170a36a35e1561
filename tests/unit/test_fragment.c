/*
 * Unit tests of src/write/fragment.c: rendering (determinism, order, skips,
 * comments), reading, the atomic write (idempotence, mode, symlinks,
 * non-regular targets, missing directory, stale temp files), removal, the
 * profile header, unified diffs and later files that override our keys.
 * Everything happens in throw-away roots.
 */
#include <errno.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "atomicfile.c"
#include "fragment.c"
#include "testprofile.h"
#include "tree.h"

#define FRAG "/etc/sysctl.d/90-tcpadvise.conf"

/* A 6.18 init-netns root with the keys the tests use. */
static char *
root_618(void)
{
	char *root = tree_new_618();

	tree_sysctl(root, "net.ipv4.ip_local_port_range", "32768\t60999");
	tree_write(root, "etc/sysctl.d/README", "x\n");
	return root;
}

static void
full_path(const char *root, const char *rel, char *buf, size_t size)
{
	assert_true((size_t)snprintf(buf, size, "%s%s", root, rel) < size);
}

static struct stat
stat_of(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	full_path(root, rel, path, sizeof path);
	assert_int_equal(lstat(path, &st), 0);
	return st;
}

static bool
exists(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	full_path(root, rel, path, sizeof path);
	return lstat(path, &st) == 0;
}

/* Number of ".#" names in ROOT/etc/sysctl.d. */
static int
count_temp(const char *root)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0;

	full_path(root, "/etc/sysctl.d", path, sizeof path);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, ".#", 2) == 0;
	closedir(d);
	return n;
}

static const char profile_yaml[] =
    "name: t\ndescription: t\nsettings:\n"
    "  net.ipv4.tcp_fin_timeout: {min: 15, apply: 30, severity: info, source: s,"
    "    reason: \"One two three four five six seven eight nine ten eleven twelve"
    " thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.\"}\n"
    "  net.core.somaxconn: {min: 4096, apply: 8192, severity: warning, reason: Backlog., source: s}\n"
    "  net.ipv4.ip_local_port_range: {apply: \"10000 65535\", severity: warning, reason: Ports., source: s}\n"
    "  net.ipv4.tcp_max_orphans: {min: 1024, apply: 65536, severity: info, reason: Orphans., source: s}\n"
    "  net.ipv4.tcp_syncookies: {equal: 1, severity: warning, reason: No apply., source: s}\n";

static const char expected_text[] =
    "# Written by tcpadvise " TCPADVISE_VERSION ": `tcpadvise apply` rewrites this file and\n"
    "# `tcpadvise rollback` restores what it replaced. Edit the profile, not this file.\n"
    "# profile: t\n"
    "# source: test.yaml\n"
    "\n"
    "# Backlog.\n"
    "net.core.somaxconn = 8192\n"
    "\n"
    "# Ports.\n"
    "net.ipv4.ip_local_port_range = 10000 65535\n"
    "\n"
    "# One two three four five six seven eight nine ten eleven twelve thirteen\n"
    "# fourteen fifteen sixteen seventeen eighteen nineteen twenty.\n"
    "net.ipv4.tcp_fin_timeout = 30\n";

static void
test_render(void **state)
{
	char *root = root_618(), *t1 = NULL, *t2 = NULL;
	struct snapshot *s = tree_snapshot(root);
	struct profile *p = parse(profile_yaml);
	struct fragment_skip *sk = NULL, *sk2 = NULL;
	size_t n = 0, n2 = 0;

	(void)state;
	/* The origin is what the header names; a parsed profile has none. */
	free(p->origin);
	p->origin = strdup("test.yaml");
	assert_int_equal(fragment_render(p, s, &t1, &sk, &n), 0);
	assert_string_equal(t1, expected_text);
	assert_int_equal(n, 1);
	assert_string_equal(sk[0].key, "net.ipv4.tcp_max_orphans");
	assert_string_equal(sk[0].reason, "not on this kernel");
	/* Deterministic: the same bytes again. */
	assert_int_equal(fragment_render(p, s, &t2, &sk2, &n2), 0);
	assert_string_equal(t1, t2);
	/* Comments wrap at 78 columns (the two fixed header lines aside). */
	for (const char *l = strstr(t1, "# profile"); *l; l = strchr(l, '\n') + 1)
		assert_true(strchr(l, '\n') - l <= 78);
	free(t1);
	free(t2);
	sk = fragment_skips_free(sk, n);
	assert_null(sk);
	fragment_skips_free(sk2, n2);
	profile_free(p);
	snapshot_free(s);
	tree_free(root);
}

static void
test_render_netns_child(void **state)
{
	char *root = tree_new(), *text = NULL;
	struct snapshot *s;
	struct profile *p;
	struct fragment_skip *sk = NULL;
	size_t n = 0;

	(void)state;
	/* A child netns: no netdev_max_backlog, rmem_max visible read-only. */
	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.core.rmem_max", "212992");
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "60");
	s = tree_snapshot(root);
	assert_true(s->netns_child);
	p = parse("name: t\ndescription: t\nsettings:\n"
	    "  net.core.netdev_max_backlog: {min: 1000, apply: 4096, severity: info, reason: r, source: s}\n"
	    "  net.core.rmem_max: {min: 4096, apply: 4194304, severity: info, reason: r, source: s}\n"
	    "  net.ipv4.tcp_fin_timeout: {min: 15, apply: 30, severity: info, reason: r, source: s}\n");
	assert_int_equal(fragment_render(p, s, &text, &sk, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(sk[0].key, "net.core.netdev_max_backlog");
	assert_string_equal(sk[0].reason, reason_global);
	assert_string_equal(sk[1].key, "net.core.rmem_max");
	assert_string_equal(sk[1].reason, reason_global);
	assert_non_null(strstr(text, "\nnet.ipv4.tcp_fin_timeout = 30\n"));
	assert_null(strstr(text, "rmem_max"));
	free(text);
	fragment_skips_free(sk, n);
	profile_free(p);
	snapshot_free(s);
	tree_free(root);
}

/* Profile text never leaves a comment line. */
static void
test_comment_wrap(void **state)
{
	struct sbuf b = { NULL, 0, 0, 0 };
	char long_word[120];
	char *text = NULL;

	(void)state;
	sb_comment(&b, "", "a\nnet.core.somaxconn = 1\r\n\x01x");
	assert_int_equal(sb_take(&b, &text), 0);
	assert_string_equal(text, "# a net.core.somaxconn = 1 ?x\n");
	free(text);
	memset(long_word, 'w', sizeof long_word - 1);
	long_word[sizeof long_word - 1] = '\0';
	sb_comment(&b, "", "short");
	sb_comment(&b, "", long_word);
	sb_comment(&b, "", "");
	assert_int_equal(sb_take(&b, &text), 0);
	assert_int_equal(strncmp(text, "# short\n# www", 13), 0);
	assert_int_equal(strlen(text), strlen("# short\n# ") + sizeof long_word - 1 + 1);
	free(text);
	/* After an indent, on every line; the indent counts in the width. */
	assert_int_equal(fragment_comment("  ", "x y", &text), 0);
	assert_string_equal(text, "  # x y\n");
	free(text);
	sb_comment(&b, "    ", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bb");
	assert_int_equal(sb_take(&b, &text), 0);
	assert_string_equal(text, "    # aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	    "    # bb\n");
	free(text);
}

static void
test_read(void **state)
{
	char *root = root_618(), *text = NULL, path[PATH_MAX], *big;
	FILE *f;

	(void)state;
	assert_int_equal(atomic_read(root, FRAG, &text), -ENOENT);
	assert_int_equal(atomic_read(root, "/etc/nodir/x.conf", &text), -ENOENT);
	assert_int_equal(atomic_read(root, "relative.conf", &text), -EINVAL);
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf", "a = 1\n");
	assert_int_equal(atomic_read(root, FRAG, &text), 0);
	assert_string_equal(text, "a = 1\n");
	free(text);
	/* A NUL byte is not text. */
	full_path(root, FRAG, path, sizeof path);
	assert_non_null(f = fopen(path, "w"));
	fwrite("a\0b\n", 1, 4, f);
	fclose(f);
	assert_int_equal(atomic_read(root, FRAG, &text), -EBADMSG);
	/* Bounded. */
	assert_non_null(big = malloc(FRAGMENT_MAX_BYTES + 2));
	memset(big, '#', FRAGMENT_MAX_BYTES + 1);
	big[FRAGMENT_MAX_BYTES + 1] = '\0';
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf", big);
	free(big);
	assert_int_equal(atomic_read(root, FRAG, &text), -EFBIG);
	/* Never through a symlink; never a directory. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("README", path), 0);
	assert_int_equal(atomic_read(root, FRAG, &text), -ELOOP);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(atomic_read(root, FRAG, &text), -EISDIR);
	tree_free(root);
}

static void
test_write_idempotent(void **state)
{
	char *root = root_618(), *text = NULL;
	struct stat a, b;
	bool changed = false;

	(void)state;
	umask(077);
	assert_int_equal(atomic_write(root, FRAG, "k = 1\n", &changed), 0);
	assert_true(changed);
	a = stat_of(root, FRAG);
	assert_int_equal(a.st_mode & 07777, 0644);
	assert_true(S_ISREG(a.st_mode));
	assert_int_equal(count_temp(root), 0);

	/* The same content: not rewritten, same inode, same mtime. */
	usleep(20 * 1000);
	assert_int_equal(atomic_write(root, FRAG, "k = 1\n", &changed), 0);
	assert_false(changed);
	b = stat_of(root, FRAG);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_mtim.tv_sec, b.st_mtim.tv_sec);
	assert_int_equal(a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);

	/* Other content (shorter and longer): replaced by a new inode. */
	assert_int_equal(atomic_write(root, FRAG, "k = 2\nj = 3\n", &changed), 0);
	assert_true(changed);
	b = stat_of(root, FRAG);
	assert_int_not_equal(a.st_ino, b.st_ino);
	assert_int_equal(b.st_mode & 07777, 0644);
	assert_int_equal(atomic_read(root, FRAG, &text), 0);
	assert_string_equal(text, "k = 2\nj = 3\n");
	free(text);
	assert_int_equal(atomic_write(root, FRAG, "k = 2\n", &changed), 0);
	assert_true(changed);
	assert_int_equal(atomic_read(root, FRAG, &text), 0);
	assert_string_equal(text, "k = 2\n");
	free(text);
	assert_int_equal(count_temp(root), 0);

	/* Another mode for the journal. */
	assert_int_equal(atomic_write_mode(root, "/etc/sysctl.d/j", "{}\n", 0600,
	    &changed), 0);
	assert_int_equal(stat_of(root, "/etc/sysctl.d/j").st_mode & 07777, 0600);
	umask(022);
	tree_free(root);
}

static void
test_write_refuses(void **state)
{
	char *root = root_618(), path[PATH_MAX], victim[PATH_MAX], *text = NULL;
	bool changed = false;

	(void)state;
	/* A symlink at the target: refused, the link and its target untouched. */
	full_path(root, FRAG, path, sizeof path);
	full_path(root, "/victim", victim, sizeof victim);
	tree_write(root, "victim", "precious\n");
	assert_int_equal(symlink(victim, path), 0);
	assert_int_equal(atomic_write(root, FRAG, "k = 1\n", &changed), -ELOOP);
	assert_true(S_ISLNK(stat_of(root, FRAG).st_mode));
	assert_int_equal(atomic_read(root, "/victim", &text), 0);
	assert_string_equal(text, "precious\n");
	free(text);
	/* A dangling one too. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/nonexistent/x", path), 0);
	assert_int_equal(atomic_write(root, FRAG, "k = 1\n", &changed), -ELOOP);
	assert_int_equal(atomic_remove(root, FRAG, &changed), -ELOOP);
	assert_true(S_ISLNK(stat_of(root, FRAG).st_mode));
	assert_int_equal(unlink(path), 0);

	/* Not a regular file. */
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(atomic_write(root, FRAG, "k = 1\n", &changed), -EISDIR);
	assert_int_equal(atomic_remove(root, FRAG, &changed), -EISDIR);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(atomic_write(root, FRAG, "k = 1\n", &changed), -EINVAL);
	assert_int_equal(atomic_read(root, FRAG, &text), -EINVAL);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(count_temp(root), 0);

	/* A missing directory is not created. */
	assert_int_equal(atomic_write(root, "/etc/nodir/90-t.conf", "k\n", &changed),
	    -ENOENT);
	assert_false(exists(root, "/etc/nodir"));
	assert_int_equal(atomic_check_dir(root, "/etc/nodir/90-t.conf"), -ENOENT);
	assert_int_equal(atomic_check_dir(root, FRAG), 0);
	assert_int_equal(atomic_check_dir(root, "/etc/sysctl.d/README/x"), -ENOTDIR);
	assert_int_equal(atomic_check_dir(root, "/etc/sysctl.d/"), -EINVAL);
	assert_int_equal(atomic_write(root, "etc/x.conf", "k\n", &changed), -EINVAL);
	tree_free(root);
}

static void
test_stale_and_temp_name(void **state)
{
	char *root = root_618(), name[PATH_MAX];
	volatile size_t small = 10;	/* not known to the compiler */
	bool changed;
	size_t n;

	(void)state;
	tree_write(root, "etc/sysctl.d/.#90-tcpadvise.confAb12Cd", "stale\n");
	tree_write(root, "etc/sysctl.d/.#90-tcpadvise.confAb12CdEf", "not ours\n");
	tree_write(root, "etc/sysctl.d/.#other.confAb12Cd", "not ours\n");
	assert_int_equal(atomic_write(root, FRAG, "k = 1\n", &changed), 0);
	assert_false(exists(root, "/etc/sysctl.d/.#90-tcpadvise.confAb12Cd"));
	assert_true(exists(root, "/etc/sysctl.d/.#90-tcpadvise.confAb12CdEf"));
	assert_true(exists(root, "/etc/sysctl.d/.#other.confAb12Cd"));

	/* Hidden, same directory, and never ending in ".conf". */
	assert_int_equal(temp_name("/r/etc/sysctl.d/", "90-tcpadvise.conf", name,
	    sizeof name), 0);
	assert_string_equal(name, "/r/etc/sysctl.d/.#90-tcpadvise.confXXXXXX");
	n = strlen(name);
	assert_true(n > 5 && strcmp(name + n - 5, ".conf") != 0);
	assert_int_equal(temp_name("/r/", "x.conf", name, small), -ENAMETOOLONG);
	tree_free(root);
}

static void
test_remove(void **state)
{
	char *root = root_618();
	bool changed = true;

	(void)state;
	assert_int_equal(atomic_remove(root, FRAG, &changed), 0);
	assert_false(changed);
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf", "k = 1\n");
	assert_int_equal(atomic_remove(root, FRAG, &changed), 0);
	assert_true(changed);
	assert_false(exists(root, FRAG));
	assert_int_equal(atomic_remove(root, "/nodir/x.conf", &changed), 0);
	assert_false(changed);
	tree_free(root);
}

static void
test_profile_header(void **state)
{
	char *root = root_618(), *name = NULL;

	(void)state;
	assert_int_equal(fragment_profile(root, FRAG, &name), -ENOENT);
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf",
	    "# Written by tcpadvise\n# profile:   web  \n# source: built-in\n\nk = 1\n");
	assert_int_equal(fragment_profile(root, FRAG, &name), 0);
	assert_string_equal(name, "web");
	free(name);
	/* Only the leading comment block counts. */
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf",
	    "# Written by tcpadvise\n\n# profile: web\nk = 1\n");
	assert_int_equal(fragment_profile(root, FRAG, &name), -ENOENT);
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf", "# profile:\nk = 1\n");
	assert_int_equal(fragment_profile(root, FRAG, &name), -ENOENT);
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf", "# profile: nginx");
	assert_int_equal(fragment_profile(root, FRAG, &name), 0);
	assert_string_equal(name, "nginx");
	free(name);
	tree_free(root);
}

static void
check_diff(const char *before, const char *after, const char *want)
{
	char *d = NULL;

	assert_int_equal(fragment_diff("/etc/f.conf", before, after, &d), 0);
	assert_string_equal(d, want);
	free(d);
}

static void
test_diff(void **state)
{
	(void)state;
	check_diff("a\nb\n", "a\nb\n", "");
	check_diff(NULL, "a\nb\n",
	    "--- /dev/null\n+++ b/etc/f.conf\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	check_diff("a\n", "",
	    "--- a/etc/f.conf\n+++ b/etc/f.conf\n@@ -1,1 +0,0 @@\n-a\n");
	/* One change in the middle: three lines of context each side. */
	check_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
	    "--- a/etc/f.conf\n+++ b/etc/f.conf\n@@ -2,7 +2,7 @@\n"
	    " 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n");
	/* Two changes far apart: two hunks; close together: one. */
	check_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
	    "A\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\nB\n",
	    "--- a/etc/f.conf\n+++ b/etc/f.conf\n"
	    "@@ -1,4 +1,4 @@\n-1\n+A\n 2\n 3\n 4\n"
	    "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+B\n");
	check_diff("1\n2\n3\n4\n5\n6\n7\n8\n", "A\n2\n3\n4\n5\n6\n7\nB\n",
	    "--- a/etc/f.conf\n+++ b/etc/f.conf\n"
	    "@@ -1,8 +1,8 @@\n-1\n+A\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+B\n");
	/* Insertion keeps the common lines. */
	check_diff("a\nc\n", "a\nb\nc\n",
	    "--- a/etc/f.conf\n+++ b/etc/f.conf\n@@ -1,2 +1,3 @@\n a\n+b\n c\n");
	/* A last line without newline. */
	check_diff("a\nb", "a\nb\n",
	    "--- a/etc/f.conf\n+++ b/etc/f.conf\n@@ -1,2 +1,2 @@\n a\n-b\n"
	    "\\ No newline at end of file\n+b\n");
}

static void
test_overrides(void **state)
{
	char *root = root_618();
	struct sysctld_config *c = NULL;
	struct fragment_override *ov = NULL;
	size_t n = 0;

	(void)state;
	tree_write(root, "etc/sysctl.d/10-early.conf", "net.core.somaxconn = 1\n");
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf",
	    "# x\nnet.core.somaxconn = 4096\nnet.ipv4.tcp_fin_timeout = 30\n");
	tree_write(root, "etc/sysctl.d/95-a.conf",
	    "net.ipv4.tcp_fin_timeout = 45\n-net.core.somaxconn\nnet.ipv4.tcp_*=1\n");
	tree_write(root, "etc/sysctl.d/99-.hidden.conf", "");
	tree_write(root, "etc/sysctl.d/.zz.conf", "net.core.somaxconn = 7\n");
	tree_write(root, "etc/sysctl.conf", "\nnet.ipv4.tcp_fin_timeout=50\n");
	assert_int_equal(sysctld_load(root, &c), 0);
	assert_int_equal(fragment_overrides(c, FRAG, &ov, &n), 0);
	assert_int_equal(n, 3);
	/* somaxconn (line 2): the exclusion, for systemd only. A hidden file
	   sorts before every "NN-" name, so it never comes after ours. */
	assert_string_equal(ov[0].key, "net.core.somaxconn");
	assert_int_equal(ov[0].our_line, 2);
	assert_string_equal(ov[0].file, "/etc/sysctl.d/95-a.conf");
	assert_int_equal(ov[0].line, 2);
	assert_null(ov[0].value);
	assert_int_equal(ov[0].appliers, FRAGMENT_SYSTEMD);
	/* tcp_fin_timeout (line 3): 95-a (both), sysctl.conf (procps); the
	   glob never overrides an explicit key. */
	assert_string_equal(ov[1].key, "net.ipv4.tcp_fin_timeout");
	assert_int_equal(ov[1].our_line, 3);
	assert_string_equal(ov[1].value, "45");
	assert_int_equal(ov[1].appliers, FRAGMENT_PROCPS | FRAGMENT_SYSTEMD);
	assert_string_equal(ov[2].file, "/etc/sysctl.conf");
	assert_int_equal(ov[2].line, 2);
	assert_string_equal(ov[2].value, "50");
	assert_int_equal(ov[2].appliers, FRAGMENT_PROCPS);
	ov = fragment_overrides_free(ov, n);
	assert_null(ov);

	/* Not among the files: nothing. */
	assert_int_equal(fragment_overrides(c, "/etc/other.conf", &ov, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ov);
	sysctld_free(c);

	/* Through the 99-sysctl.conf symlink systemd reads sysctl.conf too:
	   one entry for the one line. */
	{
		char link[PATH_MAX];

		full_path(root, "/etc/sysctl.d/99-sysctl.conf", link, sizeof link);
		assert_int_equal(symlink("../sysctl.conf", link), 0);
	}
	assert_int_equal(sysctld_load(root, &c), 0);
	assert_int_equal(fragment_overrides(c, FRAG, &ov, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ov[2].file, "/etc/sysctl.conf");
	assert_int_equal(ov[2].appliers, FRAGMENT_PROCPS | FRAGMENT_SYSTEMD);
	fragment_overrides_free(ov, n);
	sysctld_free(c);
	tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_render_netns_child),
		cmocka_unit_test(test_comment_wrap),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write_idempotent),
		cmocka_unit_test(test_write_refuses),
		cmocka_unit_test(test_stale_and_temp_name),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_profile_header),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_overrides),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
