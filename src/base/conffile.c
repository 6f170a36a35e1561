/*
 * conffile: configuration files opened with their type checked first, read
 * with a bound, and resolved inside a root; see conffile.h.
 *
 * Why O_NONBLOCK: open() of a FIFO with no writer blocks until one comes,
 * so a FIFO planted as x.conf would hang the program before fstat() could
 * say what it is. With O_NONBLOCK the open returns at once, and nothing
 * that is not a regular file is ever read (regular files ignore the flag).
 *
 * Returns negative errno values; never prints.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conffile.h"

#define OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)

static bool
is_root(const char *root)
{
	return root == NULL || strcmp(root, "/") == 0;
}

/*
 * The fallback of open_in_root() for kernels without openat2(): walk rel
 * from the directory rootfd one component at a time, refusing every
 * symbolic link (-ELOOP) and "..", so that nothing outside the root is
 * reached. Returns the fd of the last component or a negative errno.
 */
static int
open_walk(int rootfd, const char *rel, int oflags)
{
	char comp[NAME_MAX + 1];
	const char *p = rel;
	int dirfd, fd, r;

	if ((dirfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) < 0)
		return -errno;
	for (;;) {
		size_t len;
		int last;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0) {
			/* The root itself, or a trailing slash. */
			fd = openat(dirfd, ".", oflags);
			r = fd < 0 ? -errno : fd;
			break;
		}
		if (len > NAME_MAX) {
			r = -ENAMETOOLONG;
			break;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len;
		last = p[strspn(p, "/")] == '\0';
		if (strcmp(comp, "..") == 0) {
			r = -EXDEV;	/* as openat2(RESOLVE_BENEATH) */
			break;
		}
		if (last) {
			fd = openat(dirfd, comp, oflags | O_NOFOLLOW);
			r = fd < 0 ? -errno : fd;
			break;
		}
		fd = openat(dirfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			/* ENOTDIR for a symbolic link opened with O_DIRECTORY
			   and O_NOFOLLOW: say what it is. */
			struct stat st;

			r = -errno;
			if (r == -ENOTDIR && fstatat(dirfd, comp, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				r = -ELOOP;
			break;
		}
		close(dirfd);
		dirfd = fd;
	}
	close(dirfd);
	return r;
}

/*
 * Open rel (relative to the root directory rootfd) inside the root: with
 * openat2(RESOLVE_IN_ROOT), else open_walk(). Returns an fd or -errno.
 */
static int
open_in_root(int rootfd, const char *rel, int oflags)
{
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof how);
	how.flags = (unsigned long long)oflags;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof how);
	if (fd >= 0)
		return (int)fd;
	if (errno != ENOSYS)
		return -errno;
	return open_walk(rootfd, rel, oflags);
}

/* Check that the descriptor just opened is a regular file; close it if
   not. Returns fd or a negative errno. */
static int
check_regular(int fd, struct conffile_info *info)
{
	struct stat st;
	int r;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (info != NULL)
		info->type = st.st_mode & S_IFMT;
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	return fd;
}

static int
open_flags(int flags)
{
	return OPEN_FLAGS | ((flags & CONFFILE_NOFOLLOW) ? O_NOFOLLOW : 0);
}

int
conffile_openat(int dirfd, const char *name, int flags, struct conffile_info *info)
{
	int fd;

	if (info != NULL)
		memset(info, 0, sizeof *info);
	fd = openat(dirfd, name, open_flags(flags));
	return check_regular(fd < 0 ? -errno : fd, info);
}

int
conffile_open(const char *root, const char *path, int flags,
    struct conffile_info *info)
{
	int fd, rootfd;

	if (is_root(root))
		return conffile_openat(AT_FDCWD, path, flags, info);
	if (info != NULL)
		memset(info, 0, sizeof *info);
	if (path[0] != '/')
		return -EINVAL;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	fd = open_in_root(rootfd, path + 1, open_flags(flags));
	close(rootfd);
	return check_regular(fd, info);
}

int
conffile_opendir(const char *root, const char *path, DIR **ret)
{
	int fd, rootfd, r;

	if (is_root(root)) {
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	} else {
		if (path[0] != '/')
			return -EINVAL;
		if ((rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			return -errno;
		fd = open_in_root(rootfd, path + 1, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(rootfd);
		if (fd < 0)
			return fd;
	}
	if ((*ret = fdopendir(fd)) == NULL) {
		r = -errno;
		close(fd);
		return r;
	}
	return 0;
}

int
conffile_fopen(const char *root, const char *path, int flags, FILE **ret)
{
	int fd = conffile_open(root, path, flags, NULL);

	if (fd < 0)
		return fd;
	if ((*ret = fdopen(fd, "re")) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	return 0;
}

/* The first line of text longer than CONFFILE_LINE_MAX (1-based), or 0. */
static unsigned
long_line(const char *text, size_t len)
{
	size_t pos = 0;
	unsigned lineno = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (l > CONFFILE_LINE_MAX)
			return lineno;
		pos += l + 1;
	}
	return 0;
}

int
conffile_read_fd(int fd, int flags, size_t max, char **ret, size_t *ret_len,
    struct conffile_info *info)
{
	char *buf = NULL, *nb;
	size_t len = 0, alloc = 0;
	unsigned line;
	int r;

	if (info != NULL) {
		info->max = max;
		info->line = 0;
	}
	/* Never more than max + 1 bytes (and the NUL): reading one byte past
	   the limit is how a larger file is seen, whatever st_size says. */
	for (;;) {
		ssize_t n;

		if (len + 1 >= alloc) {
			size_t na = alloc ? alloc * 2 : 4096;

			if (na > max + 2)
				na = max + 2;
			if ((nb = realloc(buf, na)) == NULL) {
				r = -ENOMEM;
				goto fail;
			}
			buf = nb;
			alloc = na;
		}
		n = read(fd, buf + len, alloc - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			r = -EFBIG;
			goto fail;
		}
	}
	buf[len] = '\0';
	if ((flags & CONFFILE_LINES) && (line = long_line(buf, len)) != 0) {
		if (info != NULL)
			info->line = line;
		r = -EMSGSIZE;
		goto fail;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
fail:
	free(buf);
	return r;
}

int
conffile_read(const char *root, const char *path, int flags, size_t max,
    char **ret, size_t *ret_len, struct conffile_info *info)
{
	struct conffile_info scratch;
	int fd, r;

	if (info == NULL)
		info = &scratch;
	if ((fd = conffile_open(root, path, flags, info)) < 0)
		return fd;
	r = conffile_read_fd(fd, flags, max, ret, ret_len, info);
	close(fd);
	return r;
}

const char *
conffile_type_name(unsigned type)
{
	switch (type & S_IFMT) {
	case S_IFREG:
		return "regular file";
	case S_IFDIR:
		return "directory";
	case S_IFIFO:
		return "FIFO";
	case S_IFCHR:
		return "character device";
	case S_IFBLK:
		return "block device";
	case S_IFSOCK:
		return "socket";
	case S_IFLNK:
		return "symbolic link";
	default:
		return "unknown type";
	}
}

const char *
conffile_strerror(int err, const struct conffile_info *info, char *buf,
    size_t size)
{
	if (info != NULL && info->type != 0 && (info->type & S_IFMT) != S_IFREG &&
	    (err == -EISDIR || err == -EINVAL))
		snprintf(buf, size, "not a regular file (%s)",
		    conffile_type_name(info->type));
	else if (err == -EISDIR)
		snprintf(buf, size, "not a regular file (directory)");
	else if (err == -EFBIG)
		snprintf(buf, size, "file is larger than %zu bytes",
		    info != NULL && info->max != 0 ? info->max : (size_t)CONFFILE_MAX_BYTES);
	else if (err == -EMSGSIZE && info != NULL && info->line != 0)
		snprintf(buf, size, "line %u is longer than %d bytes", info->line,
		    CONFFILE_LINE_MAX);
	else if (err == -EMSGSIZE)
		snprintf(buf, size, "a line is longer than %d bytes", CONFFILE_LINE_MAX);
	else
		snprintf(buf, size, "%s", strerror(-err));
	return buf;
}

bool
conffile_error_is_finding(int err)
{
	switch (-err) {
	case EISDIR: case EINVAL: case ELOOP: case EFBIG: case EMSGSIZE:
	case ENOENT: case ENOTDIR: case EXDEV: case ENAMETOOLONG:
		return true;
	default:
		return false;
	}
}
