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
 * What one scan of ROOT/proc looks for and whom it tells: on_socket() for
 * every fd link naming sorted[i], then on_process() once the process's fd
 * directory was read. pidfd is the PID directory (for read_comm()).
 */
struct walk {
	const unsigned long long *sorted;	/* ascending, no duplicates */
	size_t n;
	void (*on_socket)(void *ctx, int pidfd, int pid, size_t i);
	void (*on_process)(void *ctx, int pidfd, int pid);
	void *ctx;
	size_t unreadable;
};

/*
 * Pass the links of PID/fd (pidfd: the PID directory) that name one of
 * w->sorted to w->on_socket(). Returns 0 or the negative errno of opening
 * the directory.
 */
static int
walk_fds(struct walk *w, int pidfd, int pid)
{
	char link[64];
	struct dirent *de;
	unsigned long long ino;
	const unsigned long long *at;
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
		    (at = bsearch(&ino, w->sorted, w->n, sizeof *w->sorted, cmp_ull)) != NULL)
			w->on_socket(w->ctx, pidfd, pid, (size_t)(at - w->sorted));
	}
	closedir(d);
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

/* A sorted copy of inodes[n] without duplicates into *ret (free() it),
   its length in *ret_n. Returns 0 or -ENOMEM. */
static int
sorted_unique(const unsigned long long *inodes, size_t n,
    unsigned long long **ret, size_t *ret_n)
{
	unsigned long long *s;
	size_t k = 0;

	if (n > SIZE_MAX / sizeof *s || (s = malloc(n * sizeof *s)) == NULL)
		return -ENOMEM;
	memcpy(s, inodes, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_ull);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || s[k - 1] != s[i])
			s[k++] = s[i];
	*ret = s;
	*ret_n = k;
	return 0;
}

/* One pass over ROOT/proc/[0-9]+ for w. Returns 0, -ENAMETOOLONG, or the
   negative errno of opening ROOT/proc. */
static int
walk(const char *root, struct walk *w)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	long long pid;
	int fd, pidfd, r;

	if ((r = path_join_root(root, "/proc", path, sizeof path)) < 0)
		return r;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if ((d = fdopendir(fd)) == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '\0' ||
		    de->d_name[strspn(de->d_name, "0123456789")] != '\0' ||
		    parse_ll(de->d_name, 1, INT_MAX, &pid, NULL) < 0)
			continue;
		pidfd = openat(dirfd(d), de->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (pidfd < 0) {
			if (is_refusal(-errno))
				w->unreadable++;
			continue;
		}
		r = walk_fds(w, pidfd, (int)pid);
		if (r == 0)
			w->on_process(w->ctx, pidfd, (int)pid);
		else if (is_refusal(r))
			w->unreadable++;
		close(pidfd);
	}
	closedir(d);
	return 0;
}

/* procs_scan(): the sockets of the current process, counted. */
struct count_ctx {
	struct procs_scan *s;
	unsigned long long count;
};

static void
count_socket(void *ctx, int pidfd, int pid, size_t i)
{
	(void)pidfd;
	(void)pid;
	(void)i;
	((struct count_ctx *)ctx)->count++;
}

static void
count_process(void *ctx, int pidfd, int pid)
{
	struct count_ctx *c = ctx;
	struct procs_holder h;

	if (c->count == 0)
		return;
	h.pid = pid;
	h.sockets = c->count;
	read_comm(pidfd, h.comm);
	keep_holder(c->s, &h);
	c->count = 0;
}

int
procs_scan(const char *root, const unsigned long long *inodes, size_t n,
    struct procs_scan *ret)
{
	struct procs_scan s = { 0 };
	struct count_ctx ctx = { &s, 0 };
	struct walk w = { NULL, 0, count_socket, count_process, &ctx, 0 };
	unsigned long long *sorted = NULL;
	int r;

	if (ret == NULL || (inodes == NULL && n > 0))
		return -EINVAL;
	memset(ret, 0, sizeof *ret);
	if (n == 0)
		return 0;
	if ((r = sorted_unique(inodes, n, &sorted, &w.n)) < 0)
		goto out;
	w.sorted = sorted;
	if ((s.holders = malloc(PROCS_MAX_HOLDERS * sizeof *s.holders)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = walk(root, &w)) < 0)
		goto out;
	s.unreadable = w.unreadable;
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
	return r;
}

/* procs_owners(): the lowest pid holding each inode, with its comm. */
static void
owner_socket(void *ctx, int pidfd, int pid, size_t i)
{
	struct procs_owner *o = (struct procs_owner *)ctx + i;

	if (o->pid != 0 && o->pid < pid)
		return;
	o->pid = pid;
	read_comm(pidfd, o->comm);
}

static void
owner_process(void *ctx, int pidfd, int pid)
{
	(void)ctx;
	(void)pidfd;
	(void)pid;
}

int
procs_owners(const char *root, const unsigned long long *inodes, size_t n,
    struct procs_owner *ret, size_t *ret_unreadable)
{
	struct walk w = { NULL, 0, owner_socket, owner_process, NULL, 0 };
	struct procs_owner *found = NULL;
	unsigned long long *sorted = NULL;
	const unsigned long long *at;
	int r;

	if ((inodes == NULL || ret == NULL) && n > 0)
		return -EINVAL;
	if (ret_unreadable != NULL)
		*ret_unreadable = 0;
	for (size_t i = 0; i < n; i++) {
		memset(&ret[i], 0, sizeof ret[i]);
		ret[i].inode = inodes[i];
	}
	if (n == 0)
		return 0;
	if ((r = sorted_unique(inodes, n, &sorted, &w.n)) < 0)
		return r;
	w.sorted = sorted;
	if ((found = calloc(w.n, sizeof *found)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	w.ctx = found;
	if ((r = walk(root, &w)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		at = bsearch(&inodes[i], sorted, w.n, sizeof *sorted, cmp_ull);
		ret[i].pid = found[at - sorted].pid;
		memcpy(ret[i].comm, found[at - sorted].comm, sizeof ret[i].comm);
	}
	if (ret_unreadable != NULL)
		*ret_unreadable = w.unreadable;
out:
	free(found);
	free(sorted);
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
