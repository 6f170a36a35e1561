/*
 * Unit tests for conffile.c: the type check before reading (FIFO, device,
 * directory, socket), the bounded reader at and around its limits, and
 * paths below a root that must not resolve outside it, with openat2() and
 * with the O_NOFOLLOW walk that replaces it on older kernels.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conffile.c"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#undef malloc
#undef realloc
#undef calloc
#undef free

/* A temporary directory: the root of the containment tests. */
static char root[] = "/tmp/test_conffile.XXXXXX";

static void
path_in(char *buf, size_t size, const char *rel)
{
	int n = snprintf(buf, size, "%s/%s", root, rel);

	assert_true(n > 0 && (size_t)n < size);
}

static void
put(const char *rel, const char *text, size_t len)
{
	char p[256];
	int fd;

	path_in(p, sizeof p, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_true(len == 0 || write(fd, text, len) == (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void
link_in(const char *target, const char *rel)
{
	char p[256];

	path_in(p, sizeof p, rel);
	assert_int_equal(symlink(target, p), 0);
}

static int
setup(void **state)
{
	char p[256];

	(void)state;
	if (mkdtemp(root) == NULL)
		return -1;
	path_in(p, sizeof p, "etc");
	if (mkdir(p, 0755) < 0)
		return -1;
	path_in(p, sizeof p, "etc/sysctl.d");
	return mkdir(p, 0755);
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* Nothing that is not a regular file is read, and none blocks. */
static void
test_types(void **state)
{
	struct conffile_info info;
	struct sockaddr_un sa;
	char p[256], why[128], *text = NULL;
	size_t len;
	int s;

	(void)state;
	path_in(p, sizeof p, "fifo.conf");
	assert_int_equal(mkfifo(p, 0644), 0);
	/* Without O_NONBLOCK this open() would wait for a writer for ever. */
	assert_int_equal(conffile_read(NULL, p, 0, CONFFILE_MAX_BYTES, &text, &len,
	    &info), -EINVAL);
	assert_int_equal(info.type, S_IFIFO);
	assert_string_equal(conffile_strerror(-EINVAL, &info, why, sizeof why),
	    "not a regular file (FIFO)");

	assert_int_equal(conffile_read(NULL, "/dev/zero", 0, CONFFILE_MAX_BYTES, &text,
	    &len, &info), -EINVAL);
	assert_string_equal(conffile_strerror(-EINVAL, &info, why, sizeof why),
	    "not a regular file (character device)");

	path_in(p, sizeof p, "etc");
	assert_int_equal(conffile_read(NULL, p, 0, CONFFILE_MAX_BYTES, &text, &len,
	    &info), -EISDIR);
	assert_string_equal(conffile_strerror(-EISDIR, &info, why, sizeof why),
	    "not a regular file (directory)");

	/* A socket cannot even be opened: ENXIO, before any read. */
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	path_in(sa.sun_path, sizeof sa.sun_path, "sock.conf");
	assert_true((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(conffile_read(NULL, sa.sun_path, 0, CONFFILE_MAX_BYTES,
	    &text, &len, &info), -ENXIO);
	close(s);
	assert_null(text);

	assert_string_equal(conffile_type_name(S_IFBLK), "block device");
	assert_string_equal(conffile_type_name(S_IFSOCK), "socket");
	assert_string_equal(conffile_type_name(S_IFLNK), "symbolic link");
}

/* Exactly the limit is read; one byte more is refused, as is a longer
   line; a huge sparse file is refused after limit + 1 bytes. */
static void
test_limits(void **state)
{
	struct conffile_info info;
	char p[256], why[128], *buf, *text = NULL;
	size_t len;
	int fd;

	(void)state;
	assert_non_null(buf = malloc(CONFFILE_MAX_BYTES + 1));
	memset(buf, '\n', CONFFILE_MAX_BYTES + 1);
	put("max.conf", buf, CONFFILE_MAX_BYTES);
	path_in(p, sizeof p, "max.conf");
	assert_int_equal(conffile_read(NULL, p, CONFFILE_LINES, CONFFILE_MAX_BYTES,
	    &text, &len, &info), 0);
	assert_int_equal(len, CONFFILE_MAX_BYTES);
	assert_int_equal(text[len], '\0');
	free(text);
	text = NULL;
	put("max.conf", buf, CONFFILE_MAX_BYTES + 1);
	assert_int_equal(conffile_read(NULL, p, CONFFILE_LINES, CONFFILE_MAX_BYTES,
	    &text, &len, &info), -EFBIG);
	assert_null(text);
	assert_string_equal(conffile_strerror(-EFBIG, &info, why, sizeof why),
	    "file is larger than 1048576 bytes");

	/* A line of CONFFILE_LINE_MAX bytes, then one of a byte more. */
	memset(buf, 'x', CONFFILE_MAX_BYTES);
	buf[CONFFILE_LINE_MAX] = '\n';
	buf[CONFFILE_LINE_MAX + 1] = '\n';
	put("line.conf", buf, CONFFILE_LINE_MAX + 2);
	path_in(p, sizeof p, "line.conf");
	assert_int_equal(conffile_read(NULL, p, CONFFILE_LINES, CONFFILE_MAX_BYTES,
	    &text, &len, &info), 0);
	free(text);
	text = NULL;
	put("line.conf", buf, CONFFILE_LINE_MAX + 2 + CONFFILE_LINE_MAX + 1);
	assert_int_equal(conffile_read(NULL, p, CONFFILE_LINES, CONFFILE_MAX_BYTES,
	    &text, &len, &info), -EMSGSIZE);
	assert_int_equal(info.line, 3);
	assert_string_equal(conffile_strerror(-EMSGSIZE, &info, why, sizeof why),
	    "line 3 is longer than 65536 bytes");
	/* Without CONFFILE_LINES, only the size counts. */
	assert_int_equal(conffile_read(NULL, p, 0, CONFFILE_MAX_BYTES, &text, &len,
	    &info), 0);
	free(text);
	text = NULL;
	free(buf);

	/* 300 MiB of holes: refused after CONFFILE_MAX_BYTES + 1 bytes. */
	path_in(p, sizeof p, "sparse.conf");
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) >= 0);
	assert_int_equal(ftruncate(fd, 300 << 20), 0);
	close(fd);
	assert_int_equal(conffile_read(NULL, p, 0, CONFFILE_MAX_BYTES, &text, &len,
	    &info), -EFBIG);
	/* Another limit for another caller (the history). */
	assert_int_equal(conffile_read(NULL, p, 0, 10, &text, &len, &info), -EFBIG);
	assert_string_equal(conffile_strerror(-EFBIG, &info, why, sizeof why),
	    "file is larger than 10 bytes");
	assert_int_equal(unlink(p), 0);
}

/* Whether this kernel (and whatever runs the test) has openat2(). */
static bool
have_openat2(void)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT };
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);

	if (fd >= 0)
		close(fd);
	return fd >= 0 || errno != ENOSYS;
}

/* Below a root, links resolve inside it: "..", absolute targets and
   loops never reach a file outside. */
static void
test_root(void **state)
{
	char outside[256], *text = NULL;
	size_t len;
	int fd;

	(void)state;
	/* A file outside the root, and one inside with the same name. */
	snprintf(outside, sizeof outside, "%s.outside", root);
	fd = open(outside, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
	put("etc/sysctl.conf", "inside\n", 7);
	link_in("../sysctl.conf", "etc/sysctl.d/99-sysctl.conf");
	link_in("/etc/sysctl.conf", "etc/sysctl.d/abs.conf");
	link_in("../../../../../../../../etc/passwd", "etc/sysctl.d/up.conf");
	link_in("/etc/passwd", "etc/sysctl.d/passwd.conf");
	link_in("b.conf", "etc/sysctl.d/a.conf");
	link_in("a.conf", "etc/sysctl.d/b.conf");

	/* Without openat2() (an old kernel, or valgrind, which does not know
	   the call) the fallback refuses every link: then nothing resolves
	   outside the root either, but nothing is followed. */
	if (!have_openat2()) {
		static const char *const links[] = {
			"/etc/sysctl.d/99-sysctl.conf", "/etc/sysctl.d/abs.conf",
			"/etc/sysctl.d/up.conf", "/etc/sysctl.d/passwd.conf",
			"/etc/sysctl.d/a.conf",
		};

		for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
			assert_true(conffile_read(root, links[i], 0, CONFFILE_MAX_BYTES,
			    &text, &len, NULL) < 0);
			assert_null(text);
		}
		assert_int_equal(unlink(outside), 0);
		return;
	}
	/* A relative link inside the root is followed (Debian's 99-sysctl.conf). */
	assert_int_equal(conffile_read(root, "/etc/sysctl.d/99-sysctl.conf", 0,
	    CONFFILE_MAX_BYTES, &text, &len, NULL), 0);
	assert_string_equal(text, "inside\n");
	free(text);
	text = NULL;
	/* An absolute one starts again at the root. */
	assert_int_equal(conffile_read(root, "/etc/sysctl.d/abs.conf", 0,
	    CONFFILE_MAX_BYTES, &text, &len, NULL), 0);
	assert_string_equal(text, "inside\n");
	free(text);
	text = NULL;
	/* ".." stops at the root, where there is no etc/passwd. */
	assert_int_equal(conffile_read(root, "/etc/sysctl.d/up.conf", 0,
	    CONFFILE_MAX_BYTES, &text, &len, NULL), -ENOENT);
	assert_int_equal(conffile_read(root, "/etc/sysctl.d/passwd.conf", 0,
	    CONFFILE_MAX_BYTES, &text, &len, NULL), -ENOENT);
	assert_int_equal(conffile_read(root, "/../../../etc/passwd", 0,
	    CONFFILE_MAX_BYTES, &text, &len, NULL), -ENOENT);
	/* A loop ends. */
	assert_int_equal(conffile_read(root, "/etc/sysctl.d/a.conf", 0,
	    CONFFILE_MAX_BYTES, &text, &len, NULL), -ELOOP);
	/* CONFFILE_NOFOLLOW: no link as the last component. */
	assert_int_equal(conffile_read(root, "/etc/sysctl.d/99-sysctl.conf",
	    CONFFILE_NOFOLLOW, CONFFILE_MAX_BYTES, &text, &len, NULL), -ELOOP);
	/* Below a root, a path is absolute. */
	assert_int_equal(conffile_read(root, "etc/sysctl.conf", 0,
	    CONFFILE_MAX_BYTES, &text, &len, NULL), -EINVAL);
	assert_null(text);
	assert_int_equal(unlink(outside), 0);
}

/* The fallback without openat2(): every link is refused, nothing else
   changes. */
static void
test_walk(void **state)
{
	int rootfd, fd;

	(void)state;
	assert_true((rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0);
	fd = open_walk(rootfd, "etc/sysctl.conf", OPEN_FLAGS);
	assert_true(fd >= 0);
	close(fd);
	fd = open_walk(rootfd, "//etc//sysctl.conf", OPEN_FLAGS);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(open_walk(rootfd, "etc/sysctl.d/99-sysctl.conf", OPEN_FLAGS),
	    -ELOOP);
	assert_int_equal(open_walk(rootfd, "etc/sysctl.d/a.conf", OPEN_FLAGS), -ELOOP);
	assert_int_equal(open_walk(rootfd, "etc/../etc/sysctl.conf", OPEN_FLAGS),
	    -EXDEV);
	assert_int_equal(open_walk(rootfd, "etc/nosuch.conf", OPEN_FLAGS), -ENOENT);
	assert_int_equal(open_walk(rootfd, "etc/sysctl.conf/x", OPEN_FLAGS), -ENOTDIR);
	/* A directory on the way that is a link is refused too. */
	link_in("etc", "etclink");
	assert_int_equal(open_walk(rootfd, "etclink/sysctl.conf", OPEN_FLAGS), -ELOOP);
	close(rootfd);
}

/* conffile_openat() checks the type like conffile_open(). */
static void
test_openat(void **state)
{
	int dirfd, fd;

	(void)state;
	assert_true((dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0);
	assert_true((fd = conffile_openat(dirfd, "etc/sysctl.conf", CONFFILE_NOFOLLOW,
	    NULL)) >= 0);
	close(fd);
	assert_int_equal(conffile_openat(dirfd, "etc", 0, NULL), -EISDIR);
	assert_int_equal(conffile_openat(dirfd, "etc/sysctl.d/abs.conf",
	    CONFFILE_NOFOLLOW, NULL), -ELOOP);
	close(dirfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_openat),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
