/*
 * procs: socket holders by process; see procs.h.
 *
 * How. Every open socket appears in its process's fd directory as a
 * symbolic link whose target is the text "socket:[INODE]", INODE being the
 * number sock_diag reports as idiag_inode and /proc/net/tcp prints in its
 * "inode" column. The wanted inodes are copied and sorted once, so each of
 * the (possibly millions of) fd links costs one readlink() and one
 * bsearch(). Memory does not grow with the number of processes or fds:
 * one sorted copy of the inodes and at most PROCS_MAX_HOLDERS holders.
 *
 * Confinement. Every directory below ROOT/proc is opened relative to its
 * parent with O_NOFOLLOW, and fd entries are only readlink()'ed, never
 * opened: a fixture tree (or a hostile one) whose proc/PID is a symlink
 * cannot lead the scan out of the root.
 *
 * Threads share their process's fd table, and /proc lists only thread-group
 * leaders, so each socket is counted once per process that holds it (a
 * socket inherited across fork() counts for both processes, as it should:
 * both must close it).
 *
 * Never prints, exits or writes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "procfs.h"
#include "procs.h"

static int
cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* Report order: most sockets first, then lowest pid. */
static int
cmp_holder(const void *a, const void *b)
{
	const struct procs_holder *x = a, *y = b;

	if (x->sockets != y->sockets)
		return x->sockets > y->sockets ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* "socket:[12345]" -> 12345. False for any other link text. */
static bool
parse_socket_link(const char *link, unsigned long long *ret)
{
	static const char prefix[] = "socket:[";
	char digits[24];
	const char *p;
	size_t len;
	long long v;

	if (strncmp(link, prefix, sizeof prefix - 1) != 0)
		return false;
	p = link + sizeof prefix - 1;
	len = strspn(p, "0123456789");
	if (len == 0 || len >= sizeof digits || strcmp(p + len, "]") != 0)
		return false;
	memcpy(digits, p, len);
	digits[len] = '\0';
	if (parse_ll(digits, 0, LLONG_MAX, &v, NULL) < 0)
		return false;
	*ret = (unsigned long long)v;
	return true;
}

/*
 * Count the links of PID/fd (pidfd: the PID directory) that name one of
 * sorted[n]. Returns 0 or the negative errno of opening the directory.
 */
static int
count_sockets(int pidfd, const unsigned long long *sorted, size_t n,
    unsigned long long *ret)
{
	char link[64];
	struct dirent *de;
	unsigned long long ino, count = 0;
	ssize_t len;
	DIR *d;
	int fd, r;

	fd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((d = fdopendir(fd)) == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		/* A socket link is short; a longer target is not one. */
		len = readlinkat(dirfd(d), de->d_name, link, sizeof link - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (parse_socket_link(link, &ino) &&
		    bsearch(&ino, sorted, n, sizeof *sorted, cmp_ull) != NULL)
			count++;
	}
	closedir(d);
	*ret = count;
	return 0;
}

/*
 * PID/comm into comm[PROCS_COMM_MAX] with one read(): newline removed,
 * at most 16 bytes, kept as they are. A process chooses its own name, any
 * bytes: the writers of the output escape it (escape.h). "" if unreadable.
 */
static void
read_comm(int pidfd, char *comm)
{
	char buf[64];
	ssize_t n;
	size_t len;
	int fd;

	comm[0] = '\0';
	fd = openat(pidfd, "comm", O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	do
		n = read(fd, buf, sizeof buf - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return;
	len = (size_t)n;
	if (buf[len - 1] == '\n')
		len--;
	if (len > PROCS_COMM_MAX - 1)
		len = PROCS_COMM_MAX - 1;
	memcpy(comm, buf, len);
	comm[len] = '\0';
}

/* Keep h among the best PROCS_MAX_HOLDERS of s->holders. */
static void
keep_holder(struct procs_scan *s, const struct procs_holder *h)
{
	size_t worst = 0;

	if (s->nholders < PROCS_MAX_HOLDERS) {
		s->holders[s->nholders++] = *h;
		return;
	}
	s->dropped++;
	for (size_t i = 1; i < s->nholders; i++)
		if (cmp_holder(&s->holders[i], &s->holders[worst]) > 0)
			worst = i;
	if (cmp_holder(h, &s->holders[worst]) < 0)
		s->holders[worst] = *h;
}

/* EACCES and EPERM mean "not ours to see"; other failures mean "gone". */
static bool
is_refusal(int r)
{
	return r == -EACCES || r == -EPERM;
}

int
procs_scan(const char *root, const unsigned long long *inodes, size_t n,
    struct procs_scan *ret)
{
	char path[4096];
	struct procs_scan s = { 0 };
	struct procs_holder h;
	unsigned long long *sorted = NULL, count = 0;
	struct dirent *de;
	DIR *d = NULL;
	long long pid;
	int fd = -1, pidfd, r;

	if (ret == NULL || (inodes == NULL && n > 0))
		return -EINVAL;
	memset(ret, 0, sizeof *ret);
	if (n == 0)
		return 0;
	if ((r = path_join_root(root, "/proc", path, sizeof path)) < 0)
		return r;
	if (n > SIZE_MAX / sizeof *sorted ||
	    (sorted = malloc(n * sizeof *sorted)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(sorted, inodes, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, cmp_ull);
	if ((s.holders = malloc(PROCS_MAX_HOLDERS * sizeof *s.holders)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	if ((d = fdopendir(fd)) == NULL) {
		r = -errno;
		goto out;
	}
	fd = -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '\0' ||
		    de->d_name[strspn(de->d_name, "0123456789")] != '\0' ||
		    parse_ll(de->d_name, 1, INT_MAX, &pid, NULL) < 0)
			continue;
		pidfd = openat(dirfd(d), de->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (pidfd < 0) {
			if (is_refusal(-errno))
				s.unreadable++;
			continue;
		}
		r = count_sockets(pidfd, sorted, n, &count);
		if (r < 0 || count == 0) {
			if (is_refusal(r))
				s.unreadable++;
			close(pidfd);
			continue;
		}
		h.pid = (int)pid;
		h.sockets = count;
		read_comm(pidfd, h.comm);
		close(pidfd);
		keep_holder(&s, &h);
	}
	qsort(s.holders, s.nholders, sizeof *s.holders, cmp_holder);
	if (s.nholders == 0) {
		free(s.holders);
		s.holders = NULL;
	}
	*ret = s;
	s.holders = NULL;
	r = 0;
out:
	free(s.holders);
	free(sorted);
	if (d != NULL)
		closedir(d);
	if (fd >= 0)
		close(fd);
	return r;
}

int
procs_holders(const char *root, const unsigned long long *inodes, size_t n,
    struct procs_holder **ret, size_t *ret_n, size_t *ret_unreadable)
{
	struct procs_scan s;
	int r;

	if (ret == NULL || ret_n == NULL)
		return -EINVAL;
	*ret = NULL;
	*ret_n = 0;
	if (ret_unreadable != NULL)
		*ret_unreadable = 0;
	if ((r = procs_scan(root, inodes, n, &s)) < 0)
		return r;
	*ret = s.holders;
	*ret_n = s.nholders;
	if (ret_unreadable != NULL)
		*ret_unreadable = s.unreadable;
	return 0;
}
