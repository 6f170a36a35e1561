/*
 * Unit tests for procfs.c: key normalisation (a table in the manner of
 * systemd's sysctl-util test) and bounded reads below a temporary root.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The module above allocates with the C library (strdup() included), so the
   tests free with it too, not with cmocka's checking allocator. */
#undef malloc
#undef realloc
#undef calloc
#undef free

struct key_case {
	const char *in;
	const char *dotted;	/* NULL: refused with -EINVAL */
	const char *path;
};

static const struct key_case key_cases[] = {
	{ "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_fin_timeout", "net/ipv4/tcp_fin_timeout" },
	{ "net/ipv4/tcp_fin_timeout", "net.ipv4.tcp_fin_timeout", "net/ipv4/tcp_fin_timeout" },
	{ "a.b.c", "a.b.c", "a/b/c" },
	{ "a/b/c", "a.b.c", "a/b/c" },
	{ "a/b.c/d", "a.b/c.d", "a/b.c/d" },
	{ "a.b/c.d", "a.b/c.d", "a/b.c/d" },
	/* A '/' in a dotted key is a dot inside a component. */
	{ "net.ipv4.conf.br/1.rp_filter", "net.ipv4.conf.br/1.rp_filter",
	  "net/ipv4/conf/br.1/rp_filter" },
	{ "net/ipv4/conf/br.1/rp_filter", "net.ipv4.conf.br/1.rp_filter",
	  "net/ipv4/conf/br.1/rp_filter" },
	{ "net.ipv4.conf.enp3s0/200.forwarding", "net.ipv4.conf.enp3s0/200.forwarding",
	  "net/ipv4/conf/enp3s0.200/forwarding" },
	{ "net/ipv4/conf/enp3s0.200/forwarding", "net.ipv4.conf.enp3s0/200.forwarding",
	  "net/ipv4/conf/enp3s0.200/forwarding" },
	{ "net.ipv4.conf.br.1.rp_filter", "net.ipv4.conf.br.1.rp_filter",
	  "net/ipv4/conf/br/1/rp_filter" },
	/* The first separator decides. */
	{ "net.ipv4/tcp_fin_timeout", "net.ipv4/tcp_fin_timeout", "net/ipv4.tcp_fin_timeout" },
	{ "net/ipv4.tcp_fin_timeout", "net.ipv4/tcp_fin_timeout", "net/ipv4.tcp_fin_timeout" },
	/* Repeated separators collapse. */
	{ "a...b...c", "a.b.c", "a/b/c" },
	{ "a///b///c", "a.b.c", "a/b/c" },
	{ "net..ipv4.tcp_fin_timeout", "net.ipv4.tcp_fin_timeout", "net/ipv4/tcp_fin_timeout" },
	{ "net//ipv4//tcp_fin_timeout", "net.ipv4.tcp_fin_timeout", "net/ipv4/tcp_fin_timeout" },
	{ "kernel", "kernel", "kernel" },
	/* Globs and punctuation of interface names are kept. */
	{ "net.ipv4.conf.*.rp_filter", "net.ipv4.conf.*.rp_filter", "net/ipv4/conf/*/rp_filter" },
	{ "net.ipv4.conf.[ab]?.rp_filter", "net.ipv4.conf.[ab]?.rp_filter",
	  "net/ipv4/conf/[ab]?/rp_filter" },
	{ "net.ipv6.conf.eth-0@x:y.mtu", "net.ipv6.conf.eth-0@x:y.mtu", "net/ipv6/conf/eth-0@x:y/mtu" },
	{ "net.ipv4.conf.\xc3\xa9th0.rp_filter", "net.ipv4.conf.\xc3\xa9th0.rp_filter",
	  "net/ipv4/conf/\xc3\xa9th0/rp_filter" },
	{ "net.ipv4./tcp_syn_retries", "net.ipv4./tcp_syn_retries", "net/ipv4/.tcp_syn_retries" },
	/* Refused. */
	{ "", NULL, NULL },
	{ ".a...b...c", NULL, NULL },
	{ "/a///b///c", NULL, NULL },
	{ "/net/ipv4/tcp_fin_timeout", NULL, NULL },
	{ ".net.ipv4.tcp_fin_timeout", NULL, NULL },
	{ ".", NULL, NULL },
	{ "/", NULL, NULL },
	{ "net.ipv4.", NULL, NULL },
	{ "net/ipv4/", NULL, NULL },
	{ "net/../kernel/ostype", NULL, NULL },
	{ "net/./ipv4", NULL, NULL },
	{ "net/..", NULL, NULL },
	{ "net./.ipv4", NULL, NULL },		/* path net/./ipv4 */
	{ "net.//.ipv4", NULL, NULL },		/* path net/../ipv4 */
	{ "..", NULL, NULL },
	{ "net ipv4", NULL, NULL },
	{ " net.ipv4.tcp_fin_timeout", NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout ", NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout\n", NULL, NULL },
	{ "net.ipv4.tcp_fin_timeout\r", NULL, NULL },
	{ "net\tipv4", NULL, NULL },
	{ "net.ipv4.x\x01", NULL, NULL },
	{ "net.ipv4.x\x7f", NULL, NULL },
};

static void
test_normalize_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof key_cases / sizeof key_cases[0]; i++) {
		const struct key_case *c = &key_cases[i];
		char dotted[SYSCTL_KEY_MAX], path[SYSCTL_KEY_MAX], again[SYSCTL_KEY_MAX];
		int r1 = sysctl_key_normalize(c->in, dotted, sizeof dotted);
		int r2 = sysctl_key_to_path(c->in, path, sizeof path);

		if (c->dotted == NULL) {
			if (r1 != -EINVAL || r2 != -EINVAL)
				fail_msg("\"%s\": got %d/%d, want -EINVAL", c->in, r1, r2);
			continue;
		}
		if (r1 != 0 || r2 != 0)
			fail_msg("\"%s\": got %d/%d, want 0", c->in, r1, r2);
		if (strcmp(dotted, c->dotted) != 0)
			fail_msg("\"%s\": dotted \"%s\", want \"%s\"", c->in, dotted, c->dotted);
		if (strcmp(path, c->path) != 0)
			fail_msg("\"%s\": path \"%s\", want \"%s\"", c->in, path, c->path);
		/* Both forms normalise to the same canonical text. */
		assert_int_equal(sysctl_key_normalize(dotted, again, sizeof again), 0);
		assert_string_equal(again, dotted);
		assert_int_equal(sysctl_key_normalize(path, again, sizeof again), 0);
		assert_string_equal(again, dotted);
		assert_int_equal(sysctl_key_to_path(dotted, again, sizeof again), 0);
		assert_string_equal(again, path);
	}
}

static void
test_normalize_limits(void **state)
{
	char key[SYSCTL_KEY_MAX + 2], buf[SYSCTL_KEY_MAX], small[8];

	(void)state;
	assert_int_equal(sysctl_key_normalize(NULL, buf, sizeof buf), -EINVAL);
	assert_int_equal(sysctl_key_to_path(NULL, buf, sizeof buf), -EINVAL);

	/* SYSCTL_KEY_MAX - 1 bytes fit, one more does not. */
	memset(key, 'a', SYSCTL_KEY_MAX - 1);
	key[1] = '.';
	key[SYSCTL_KEY_MAX - 1] = '\0';
	assert_int_equal(sysctl_key_normalize(key, buf, sizeof buf), 0);
	assert_int_equal(strlen(buf), SYSCTL_KEY_MAX - 1);
	key[SYSCTL_KEY_MAX - 1] = 'a';
	key[SYSCTL_KEY_MAX] = '\0';
	assert_int_equal(sysctl_key_normalize(key, buf, sizeof buf), -EINVAL);
	/* ... but the limit applies to the normalised key. */
	key[2] = '.';
	key[3] = '.';
	assert_int_equal(sysctl_key_normalize(key, buf, sizeof buf), 0);

	assert_int_equal(sysctl_key_normalize("net.ipv4.tcp_fin_timeout", small,
	    sizeof small), -ENOBUFS);
	assert_int_equal(sysctl_key_to_path("net.ipv4.tcp_fin_timeout", small,
	    sizeof small), -ENOBUFS);
	assert_int_equal(sysctl_key_normalize("a.b.c", small, 6), 0);
	assert_int_equal(sysctl_key_normalize("a.b.c", small, 5), -ENOBUFS);
	assert_int_equal(sysctl_key_normalize("a", small, 0), -ENOBUFS);
}

static void
test_is_glob(void **state)
{
	(void)state;
	assert_true(sysctl_key_is_glob("net.ipv4.conf.*.rp_filter"));
	assert_true(sysctl_key_is_glob("net.ipv4.conf.eth?.rp_filter"));
	assert_true(sysctl_key_is_glob("net.ipv4.conf.[ab].rp_filter"));
	assert_false(sysctl_key_is_glob("net.ipv4.tcp_fin_timeout"));
	assert_false(sysctl_key_is_glob("net.ipv4.conf.{a,b}.rp_filter"));
	assert_false(sysctl_key_is_glob(""));
	assert_false(sysctl_key_is_glob(NULL));
}

static void
test_path_join_root(void **state)
{
	char buf[64], tiny[8];

	(void)state;
	assert_int_equal(path_join_root(NULL, "/etc/sysctl.conf", buf, sizeof buf), 0);
	assert_string_equal(buf, "/etc/sysctl.conf");
	assert_int_equal(path_join_root("/", "/etc/sysctl.conf", buf, sizeof buf), 0);
	assert_string_equal(buf, "/etc/sysctl.conf");
	assert_int_equal(path_join_root("/srv/root", "/etc/sysctl.conf", buf, sizeof buf), 0);
	assert_string_equal(buf, "/srv/root/etc/sysctl.conf");
	assert_int_equal(path_join_root("/srv/root/", "/etc", buf, sizeof buf), 0);
	assert_string_equal(buf, "/srv/root/etc");
	assert_int_equal(path_join_root("fixtures/x", "/proc/sys", buf, sizeof buf), 0);
	assert_string_equal(buf, "fixtures/x/proc/sys");
	assert_int_equal(path_join_root("/srv/root", "etc", buf, sizeof buf), 0);
	assert_string_equal(buf, "/srv/root/etc");
	/* Exactly fitting, and one byte short. */
	assert_int_equal(path_join_root("/ab", "/cde", tiny, sizeof tiny), 0);
	assert_string_equal(tiny, "/ab/cde");
	assert_int_equal(path_join_root("/ab", "/cdef", tiny, sizeof tiny), -ENAMETOOLONG);
	assert_int_equal(path_join_root(NULL, "/etc/sysctl.conf", tiny, sizeof tiny),
	    -ENAMETOOLONG);
	assert_int_equal(path_join_root("/", NULL, buf, sizeof buf), -EINVAL);
}

/* A temporary root with a small /proc/sys. */
struct tree {
	char root[64];
};

static void
put(const char *root, const char *rel, const void *data, size_t len, mode_t mode)
{
	char path[512];
	int fd;

	assert_true(snprintf(path, sizeof path, "%s/%s", root, rel) < (int)sizeof path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_true(write(fd, data, len) == (ssize_t)len);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void
mkdirs(const char *root, const char *rel)
{
	char path[512];

	assert_true(snprintf(path, sizeof path, "%s/%s", root, rel) < (int)sizeof path);
	for (char *p = path + strlen(root) + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
			*p = '/';
		}
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static int
tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof *t);
	static char big[PROCFS_VALUE_MAX + 1];

	if (t == NULL)
		return -1;
	snprintf(t->root, sizeof t->root, "/tmp/test_procfs.XXXXXX");
	if (mkdtemp(t->root) == NULL) {
		free(t);
		return -1;
	}
	mkdirs(t->root, "proc/sys/net/ipv4/conf/br.1");
	mkdirs(t->root, "proc/sys/net/ipv4/conf/lo");
	mkdirs(t->root, "proc/sys/kernel");
	put(t->root, "proc/sys/net/ipv4/tcp_fin_timeout", "60\n", 3, 0644);
	put(t->root, "proc/sys/net/ipv4/tcp_rmem", "4096\t131072\t6291456\n", 20, 0644);
	put(t->root, "proc/sys/net/ipv4/ip_local_reserved_ports", "\n", 1, 0644);
	put(t->root, "proc/sys/net/ipv4/conf/br.1/rp_filter", "2\n", 2, 0644);
	put(t->root, "proc/sys/net/ipv4/conf/lo/rp_filter", "0\n", 2, 0444);
	put(t->root, "proc/sys/net/ipv4/tcp_fastopen_key", "00000000-00000000\n", 18, 0000);
	put(t->root, "proc/sys/kernel/no_newline", "abc", 3, 0644);
	put(t->root, "proc/sys/kernel/two_newlines", "x\n\n", 3, 0644);
	put(t->root, "proc/sys/kernel/empty", "", 0, 0644);
	memset(big, 'x', sizeof big);
	put(t->root, "proc/sys/kernel/max", big, PROCFS_VALUE_MAX, 0644);
	put(t->root, "proc/sys/kernel/too_big", big, PROCFS_VALUE_MAX + 1, 0644);
	*state = t;
	return 0;
}

static int
tree_teardown(void **state)
{
	struct tree *t = *state;
	static const char *const files[] = {
		"proc/sys/net/ipv4/tcp_fin_timeout", "proc/sys/net/ipv4/tcp_rmem",
		"proc/sys/net/ipv4/ip_local_reserved_ports",
		"proc/sys/net/ipv4/conf/br.1/rp_filter",
		"proc/sys/net/ipv4/conf/lo/rp_filter",
		"proc/sys/net/ipv4/tcp_fastopen_key", "proc/sys/kernel/no_newline",
		"proc/sys/kernel/two_newlines", "proc/sys/kernel/empty",
		"proc/sys/kernel/max", "proc/sys/kernel/too_big",
		"proc/sys/net/ipv4/conf/br.1", "proc/sys/net/ipv4/conf/lo",
		"proc/sys/net/ipv4/conf", "proc/sys/net/ipv4", "proc/sys/net",
		"proc/sys/kernel", "proc/sys", "proc", "",
	};
	char path[512];

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", t->root, files[i]);
		if (unlink(path) < 0 && rmdir(path) < 0)
			fprintf(stderr, "cannot remove %s: %s\n", path, strerror(errno));
	}
	free(t);
	return 0;
}

static void
test_read(void **state)
{
	struct tree *t = *state;
	char *v = NULL;

	assert_int_equal(procfs_read(t->root, "net.ipv4.tcp_fin_timeout", &v), 0);
	assert_string_equal(v, "60");
	free(v);
	assert_int_equal(procfs_read(t->root, "net/ipv4/tcp_fin_timeout", &v), 0);
	assert_string_equal(v, "60");
	free(v);
	/* Vectors stay as the kernel prints them: TAB-separated. */
	assert_int_equal(procfs_read(t->root, "net.ipv4.tcp_rmem", &v), 0);
	assert_string_equal(v, "4096\t131072\t6291456");
	free(v);
	/* An empty set is an empty line. */
	assert_int_equal(procfs_read(t->root, "net.ipv4.ip_local_reserved_ports", &v), 0);
	assert_string_equal(v, "");
	free(v);
	/* The swap rule picks the dotted interface name. */
	assert_int_equal(procfs_read(t->root, "net.ipv4.conf.br/1.rp_filter", &v), 0);
	assert_string_equal(v, "2");
	free(v);
	/* Exactly one trailing newline is removed. */
	assert_int_equal(procfs_read(t->root, "kernel.no_newline", &v), 0);
	assert_string_equal(v, "abc");
	free(v);
	assert_int_equal(procfs_read(t->root, "kernel.two_newlines", &v), 0);
	assert_string_equal(v, "x\n");
	free(v);
	assert_int_equal(procfs_read(t->root, "kernel.empty", &v), 0);
	assert_string_equal(v, "");
	free(v);
	/* A mode 0444 key reads fine. */
	assert_int_equal(procfs_read(t->root, "net.ipv4.conf.lo.rp_filter", &v), 0);
	assert_string_equal(v, "0");
	free(v);
	/* The root may end in a slash. */
	{
		char root[80];

		snprintf(root, sizeof root, "%s/", t->root);
		assert_int_equal(procfs_read(root, "net.ipv4.tcp_fin_timeout", &v), 0);
		assert_string_equal(v, "60");
		free(v);
	}
}

static void
test_read_errors(void **state)
{
	struct tree *t = *state;
	static char untouched[] = "untouched";
	char *v = untouched;

	assert_int_equal(procfs_read(t->root, "net.ipv4.tcp_tw_recycle", &v), -ENOENT);
	assert_int_equal(procfs_read(t->root, "net.ipv4.conf.br.1.rp_filter", &v), -ENOENT);
	assert_int_equal(procfs_read(t->root, "net.ipv4.conf.lo", &v), -EISDIR);
	assert_int_equal(procfs_read(t->root, "net", &v), -EISDIR);
	assert_int_equal(procfs_read(t->root, "net.ipv4.tcp_fin_timeout.x", &v), -ENOTDIR);
	assert_int_equal(procfs_read(t->root, "../etc/passwd", &v), -EINVAL);
	assert_int_equal(procfs_read(t->root, "/net/ipv4/tcp_fin_timeout", &v), -EINVAL);
	assert_int_equal(procfs_read(t->root, "net.ipv4 .x", &v), -EINVAL);
	assert_int_equal(procfs_read(t->root, "", &v), -EINVAL);
	assert_string_equal(v, "untouched");
}

static void
test_read_size(void **state)
{
	struct tree *t = *state;
	char *v = NULL;

	/* PROCFS_VALUE_MAX bytes are accepted, one more is not. */
	assert_int_equal(procfs_read(t->root, "kernel.max", &v), 0);
	assert_int_equal(strlen(v), PROCFS_VALUE_MAX);
	free(v);
	v = NULL;
	assert_int_equal(procfs_read(t->root, "kernel.too_big", &v), -EFBIG);
	assert_null(v);
}

static void
test_read_unreadable(void **state)
{
	struct tree *t = *state;
	char *v = NULL;

	if (geteuid() == 0)
		skip();		/* root reads a mode 0000 file */
	assert_int_equal(procfs_read(t->root, "net.ipv4.tcp_fastopen_key", &v), -EACCES);
	assert_null(v);
}

static void
test_read_real_proc(void **state)
{
	char *v = NULL;

	(void)state;
	/* Root NULL and "/" read the running system (read-only). */
	if (access("/proc/sys/kernel/ostype", R_OK) != 0)
		skip();
	assert_int_equal(procfs_read(NULL, "kernel.ostype", &v), 0);
	assert_string_equal(v, "Linux");
	free(v);
	assert_int_equal(procfs_read("/", "kernel/ostype", &v), 0);
	assert_string_equal(v, "Linux");
	free(v);
}

static void
test_stat(void **state)
{
	struct tree *t = *state;
	bool w = false;

	assert_int_equal(procfs_stat(t->root, "net.ipv4.tcp_fin_timeout", &w), 0);
	assert_true(w);
	assert_int_equal(procfs_stat(t->root, "net.ipv4.conf.lo.rp_filter", &w), 0);
	assert_false(w);
	assert_int_equal(procfs_stat(t->root, "net.ipv4.tcp_fastopen_key", &w), 0);
	assert_false(w);
	assert_int_equal(procfs_stat(t->root, "net.ipv4.conf.br/1.rp_filter", NULL), 0);
	assert_int_equal(procfs_stat(t->root, "net.ipv4.tcp_tw_recycle", &w), -ENOENT);
	assert_int_equal(procfs_stat(t->root, "net.ipv4.conf", &w), -EISDIR);
	assert_int_equal(procfs_stat(t->root, "net/../etc", &w), -EINVAL);
}

static void
test_per_interface(void **state)
{
	(void)state;
	assert_true(sysctl_key_per_interface("net.ipv4.conf.eth0.rp_filter"));
	assert_true(sysctl_key_per_interface("net.ipv4.conf.br/1.rp_filter"));
	assert_true(sysctl_key_per_interface("net.ipv6.neigh.eth0.gc_stale_time"));
	assert_false(sysctl_key_per_interface("net.ipv4.tcp_fin_timeout"));
	assert_false(sysctl_key_per_interface("net.ipv4.confusing"));
	assert_false(sysctl_key_per_interface("net.core.somaxconn"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_interface),
		cmocka_unit_test(test_normalize_table),
		cmocka_unit_test(test_normalize_limits),
		cmocka_unit_test(test_is_glob),
		cmocka_unit_test(test_path_join_root),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_read_size),
		cmocka_unit_test(test_read_unreadable),
		cmocka_unit_test(test_read_real_proc),
		cmocka_unit_test(test_stat),
	};

	return cmocka_run_group_tests(tests, tree_setup, tree_teardown);
}
