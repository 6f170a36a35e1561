/*
 * Unit tests of src/system/procs.c: the fixture tree of fake processes
 * (matching, comm, order, links and symlinked directories that must not be
 * followed), the holder cap, unreadable fd directories, a socket of
 * this very process found through the real /proc, and the owners of given
 * inodes (procs_owners()).
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "procs.c"
#include "tree.h"

#define FIXTURE "tests/fixtures/procs"

static void
test_fixture(void **state)
{
	/* Unsorted, with a duplicate and an inode nobody holds. */
	static const unsigned long long inodes[] = {
		12350, 12349, 12345, 77777, 12346, 12347, 12348, 12349,
	};
	struct procs_holder *h = NULL;
	size_t n = 0, unreadable = 99;

	(void)state;
	assert_int_equal(procs_holders(FIXTURE, inodes,
	    sizeof inodes / sizeof inodes[0], &h, &n, &unreadable), 0);
	assert_int_equal(unreadable, 0);
	/*
	 * 150 has only links that look like sockets but are not; 301 holds
	 * an unwanted socket; 400 (a symlink to 100) and 500 (whose fd is a
	 * symlink) are not followed; "self" is not a pid.
	 */
	assert_int_equal(n, 5);
	assert_int_equal(h[0].pid, 200);
	assert_string_equal(h[0].comm, "java");
	assert_int_equal(h[0].sockets, 3);
	assert_int_equal(h[1].pid, 100);
	assert_string_equal(h[1].comm, "nginx");
	assert_int_equal(h[1].sockets, 2);
	/* Ties by pid. 250 has no comm file. */
	assert_int_equal(h[2].pid, 250);
	assert_string_equal(h[2].comm, "");
	assert_int_equal(h[2].sockets, 1);
	assert_int_equal(h[3].pid, 300);
	assert_string_equal(h[3].comm, "a-very-long-proc");
	assert_int_equal(h[3].sockets, 1);
	assert_int_equal(h[4].pid, 600);
	/* Kept as the process set it: the writers escape it. */
	assert_string_equal(h[4].comm, "bad\tname");
	assert_int_equal(h[4].sockets, 1);
	free(h);
}

static void
test_not_found(void **state)
{
	static const unsigned long long none[] = { 424242 };
	static const unsigned long long only_301[] = { 55555 };
	struct procs_holder *h = (void *)1;
	size_t n = 99, unreadable = 99;

	(void)state;
	assert_int_equal(procs_holders(FIXTURE, none, 1, &h, &n, &unreadable), 0);
	assert_int_equal(n, 0);
	assert_null(h);
	assert_int_equal(unreadable, 0);

	assert_int_equal(procs_holders(FIXTURE, only_301, 1, &h, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].pid, 301);
	assert_string_equal(h[0].comm, "idle");
	free(h);

	/* Nothing asked, nothing scanned (even below a root that is not there). */
	h = (void *)1;
	assert_int_equal(procs_holders("/nonexistent-root", NULL, 0, &h, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(h);
}

static void
test_errors(void **state)
{
	static const unsigned long long one[] = { 12345 };
	struct procs_holder *h;
	struct procs_scan s;
	size_t n;
	char *root = tree_new();

	(void)state;
	assert_int_equal(procs_holders("/nonexistent-root", one, 1, &h, &n, NULL), -ENOENT);
	assert_null(h);
	assert_int_equal(n, 0);
	/* A root without proc. */
	assert_int_equal(procs_scan(root, one, 1, &s), -ENOENT);
	assert_null(s.holders);
	/* A root with /proc/sys only: no processes, nothing found. */
	tree_sysctl(root, "net.core.somaxconn", "4096");
	assert_int_equal(procs_scan(root, one, 1, &s), 0);
	assert_int_equal(s.nholders, 0);
	assert_null(s.holders);
	assert_int_equal(procs_holders(FIXTURE, NULL, 1, &h, &n, NULL), -EINVAL);
	assert_int_equal(procs_holders(FIXTURE, one, 1, NULL, &n, NULL), -EINVAL);
	assert_int_equal(procs_holders(FIXTURE, one, 1, &h, NULL, NULL), -EINVAL);
	assert_int_equal(procs_scan(FIXTURE, one, 1, NULL), -EINVAL);
	tree_free(root);
}

static void
test_socket_link(void **state)
{
	unsigned long long ino = 0;

	(void)state;
	assert_true(parse_socket_link("socket:[1]", &ino));
	assert_int_equal(ino, 1);
	assert_true(parse_socket_link("socket:[0]", &ino));
	assert_int_equal(ino, 0);
	assert_true(parse_socket_link("socket:[9223372036854775807]", &ino));
	assert_int_equal(ino, 9223372036854775807ULL);
	assert_false(parse_socket_link("socket:[9223372036854775808]", &ino));
	assert_false(parse_socket_link("socket:[12345678901234567890123]", &ino));
	assert_false(parse_socket_link("socket:[]", &ino));
	assert_false(parse_socket_link("socket:[01]", &ino));
	assert_false(parse_socket_link("socket:[-1]", &ino));
	assert_false(parse_socket_link("socket:[1", &ino));
	assert_false(parse_socket_link("socket:[1]x", &ino));
	assert_false(parse_socket_link("socket:1", &ino));
	assert_false(parse_socket_link("Socket:[1]", &ino));
	assert_false(parse_socket_link("pipe:[1]", &ino));
	assert_false(parse_socket_link("", &ino));
}

/* ROOT/proc/PID/fd/N -> "socket:[INO]". */
static void
fake_fd(const char *root, int pid, int fd, unsigned long long ino)
{
	char path[PATH_MAX], target[64];

	snprintf(path, sizeof path, "%s/proc/%d/fd/%d", root, pid, fd);
	tree_mkdirs(path);
	snprintf(target, sizeof target, "socket:[%llu]", ino);
	assert_int_equal(symlink(target, path), 0);
}

static void
test_cap(void **state)
{
	enum { NPIDS = PROCS_MAX_HOLDERS + 44 };
	static const unsigned long long inodes[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct procs_holder expect[NPIDS];
	struct procs_scan s;
	char *root = tree_new();

	(void)state;
	/* pid 1000+i holds (i*37 % 7) + 1 of the sockets. */
	for (int i = 0; i < NPIDS; i++) {
		int k = (i * 37) % 7 + 1;

		for (int fd = 0; fd < k; fd++)
			fake_fd(root, 1000 + i, fd, inodes[fd]);
		if (i == 0)
			tree_write(root, "proc/1000/comm", "first\n");
		expect[i].pid = 1000 + i;
		expect[i].sockets = (unsigned long long)k;
	}
	qsort(expect, NPIDS, sizeof expect[0], cmp_holder);
	assert_int_equal(procs_scan(root, inodes, 7, &s), 0);
	assert_int_equal(s.nholders, PROCS_MAX_HOLDERS);
	assert_int_equal(s.dropped, NPIDS - PROCS_MAX_HOLDERS);
	assert_int_equal(s.unreadable, 0);
	for (size_t i = 0; i < s.nholders; i++) {
		assert_int_equal(s.holders[i].pid, expect[i].pid);
		if (s.holders[i].pid == 1000)
			assert_string_equal(s.holders[i].comm, "first");
		assert_int_equal(s.holders[i].sockets, expect[i].sockets);
	}
	free(s.holders);
	tree_free(root);
}

/*
 * Scan root as an unprivileged user: as ourselves if we are not root,
 * otherwise in a child that drops to nobody. Returns the scan's unreadable
 * count and first holder's pid (-1: none) through the out-parameters, or
 * false if no unprivileged scan is possible here.
 */
static bool
scan_unprivileged(const char *root, const unsigned long long *inodes, size_t n,
    size_t *ret_unreadable, int *ret_pid)
{
	struct procs_scan s;
	int fds[2], status;
	long out[2] = { -1, -1 };
	pid_t child;

	if (geteuid() != 0) {
		assert_int_equal(procs_scan(root, inodes, n, &s), 0);
		*ret_unreadable = s.unreadable;
		*ret_pid = s.nholders > 0 ? s.holders[0].pid : -1;
		free(s.holders);
		return true;
	}
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fds[0]);
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(2);
		if (procs_scan(root, inodes, n, &s) < 0)
			_exit(3);
		out[0] = (long)s.unreadable;
		out[1] = s.nholders > 0 ? s.holders[0].pid : -1;
		free(s.holders);
		_exit(write(fds[1], out, sizeof out) == (ssize_t)sizeof out ? 0 : 4);
	}
	close(fds[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 2) {
		close(fds[0]);
		return false;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(fds[0], out, sizeof out), (ssize_t)sizeof out);
	close(fds[0]);
	*ret_unreadable = (size_t)out[0];
	*ret_pid = (int)out[1];
	return true;
}

static void
test_unreadable(void **state)
{
	static const unsigned long long inodes[] = { 4711 };
	char *root = tree_new();
	char path[PATH_MAX];
	size_t unreadable = 0;
	int pid = 0;

	(void)state;
	fake_fd(root, 10, 0, 4711);
	fake_fd(root, 20, 0, 4711);
	fake_fd(root, 30, 0, 4711);
	/* 20's fd directory is closed to us, like another user's process. */
	snprintf(path, sizeof path, "%s/proc/20/fd", root);
	assert_int_equal(chmod(path, 0), 0);
	/* 30's pid directory too (a hidepid=2 /proc looks like this). */
	snprintf(path, sizeof path, "%s/proc/30", root);
	assert_int_equal(chmod(path, 0), 0);
	/* The tree must be reachable for the unprivileged child. */
	assert_int_equal(chmod(root, 0755), 0);
	if (!scan_unprivileged(root, inodes, 1, &unreadable, &pid)) {
		tree_free(root);
		skip();
	}
	assert_int_equal(unreadable, 2);
	assert_int_equal(pid, 10);
	snprintf(path, sizeof path, "%s/proc/20/fd", root);
	chmod(path, 0755);
	snprintf(path, sizeof path, "%s/proc/30", root);
	chmod(path, 0755);
	tree_free(root);
}

/* A socket of this process, found through the real /proc. */
static void
test_self(void **state)
{
	char link[64], path[64], expect_link[64], comm[64];
	struct procs_holder *h = NULL;
	unsigned long long ino;
	struct stat st;
	size_t n = 0;
	ssize_t len;
	FILE *f;
	int sock, dup_fd;

	(void)state;
	if (access("/proc/self/fd", R_OK) != 0)
		skip();
	sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(sock >= 0);
	assert_int_equal(fstat(sock, &st), 0);
	ino = (unsigned long long)st.st_ino;
	/* What the scan will see: the link names the same inode. */
	snprintf(path, sizeof path, "/proc/self/fd/%d", sock);
	len = readlink(path, link, sizeof link - 1);
	assert_true(len > 0);
	link[len] = '\0';
	snprintf(expect_link, sizeof expect_link, "socket:[%llu]", ino);
	assert_string_equal(link, expect_link);

	f = fopen("/proc/self/comm", "r");
	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof comm, f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';

	assert_int_equal(procs_holders("/", &ino, 1, &h, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].pid, getpid());
	assert_int_equal(h[0].sockets, 1);
	assert_string_equal(h[0].comm, comm);
	free(h);

	/* Two descriptors of one socket count twice: both must be closed. */
	dup_fd = dup(sock);
	assert_true(dup_fd >= 0);
	assert_int_equal(procs_holders(NULL, &ino, 1, &h, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].sockets, 2);
	free(h);
	close(dup_fd);
	close(sock);

	/* Closed: nobody holds it any more. */
	assert_int_equal(procs_holders("/", &ino, 1, &h, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(h);
}

/* The owner of each listener inode, in the caller's order, in one scan. */
static void
test_owners(void **state)
{
	/* 12345: pids 100 (nginx) and 300; 12350: pid 250, no comm; 77777:
	   nobody; 12347 twice. */
	static const unsigned long long inodes[] = { 12347, 12345, 77777, 12350, 12347 };
	struct procs_owner o[5];
	size_t unreadable = 99;

	(void)state;
	assert_int_equal(procs_owners(FIXTURE, inodes, 5, o, &unreadable), 0);
	assert_int_equal(unreadable, 0);
	assert_true(o[0].inode == 12347 && o[0].pid == 200);
	assert_string_equal(o[0].comm, "java");
	/* The lowest pid wins: the parent of a fork (nginx's master). */
	assert_true(o[1].inode == 12345 && o[1].pid == 100);
	assert_string_equal(o[1].comm, "nginx");
	assert_true(o[2].inode == 77777 && o[2].pid == 0);
	assert_string_equal(o[2].comm, "");
	assert_int_equal(o[3].pid, 250);
	assert_string_equal(o[3].comm, "");
	assert_true(o[4].inode == 12347 && o[4].pid == 200);

	/* Nothing asked, nothing scanned; bad arguments. */
	assert_int_equal(procs_owners(FIXTURE, NULL, 0, NULL, NULL), 0);
	assert_int_equal(procs_owners(FIXTURE, NULL, 1, o, NULL), -EINVAL);
	assert_int_equal(procs_owners(FIXTURE, inodes, 1, NULL, NULL), -EINVAL);
	/* No proc below the root: the inodes stay, with no owner. */
	assert_int_equal(procs_owners("tests/fixtures/nonexistent", inodes, 1, o, NULL),
	    -ENOENT);
	assert_true(o[0].inode == 12347 && o[0].pid == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_socket_link),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_owners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
