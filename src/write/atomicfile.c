/*
 * atomicfile: read whole with a limit, replace atomically, remove; see
 * atomicfile.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "conffile.h"
#include "procfs.h"

#define TEMP_SUFFIX_LEN 6	/* mkostemp()'s XXXXXX */

/*
 * The temporary name ".#<basename>XXXXXX" is hidden and never ends in
 * ".conf": procps `sysctl --system` reads hidden ".conf" files, so a
 * concurrent run must not pick up a half-written one. rename() replaces a
 * symbolic link instead of following it, so a link planted between the
 * check and the rename still cannot redirect the write.
 */

/*
 * Split absolute path into ROOT/path (full), its directory below the root
 * (dir) and a pointer to the basename inside full.
 */
static int
split_path(const char *root, const char *path, char *full, size_t fsize,
    char *dir, size_t dsize, const char **ret_base)
{
	const char *slash;
	size_t dlen;
	int r;

	if (path == NULL || path[0] != '/')
		return -EINVAL;
	slash = strrchr(path, '/');
	if (slash[1] == '\0' || strcmp(slash + 1, ".") == 0 ||
	    strcmp(slash + 1, "..") == 0)
		return -EINVAL;
	if ((r = path_join_root(root, path, full, fsize)) < 0)
		return r;
	*ret_base = strrchr(full, '/') + 1;
	dlen = (size_t)(*ret_base - full);
	if (dlen >= dsize)
		return -ENAMETOOLONG;
	memcpy(dir, full, dlen);
	dir[dlen] = '\0';
	return 0;
}

int
atomic_read(const char *root, const char *path, char **ret_text)
{
	return atomic_read_max(root, path, ATOMIC_MAX_BYTES, ret_text);
}

int
atomic_read_max(const char *root, const char *path, size_t max, char **ret_text)
{
	char *text = NULL;
	size_t len;
	int r;

	if (path == NULL || path[0] != '/')
		return -EINVAL;
	/* Below a --root, the path resolves inside it (conffile.h). */
	r = conffile_read(root, path, CONFFILE_NOFOLLOW, max, &text, &len, NULL);
	if (r < 0)
		return r;
	if (strlen(text) != len) {
		free(text);
		return -EBADMSG;
	}
	*ret_text = text;
	return 0;
}

int
atomic_check_dir(const char *root, const char *path)
{
	char full[PATH_MAX], dir[PATH_MAX];
	const char *base;
	struct stat st;
	int r;

	if ((r = split_path(root, path, full, sizeof full, dir, sizeof dir, &base)) < 0)
		return r;
	if (stat(dir, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* Remove ".#<base>XXXXXX" files a crashed run left in the directory.
   Best effort: a temp file that cannot be removed harms nobody, since no
   applier reads a name that does not end in ".conf". */
static void
remove_stale(int dirfd, const char *base)
{
	size_t blen = strlen(base);
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd;

	if ((fd = dup(dirfd)) < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (strncmp(n, ".#", 2) != 0 || strncmp(n + 2, base, blen) != 0 ||
		    strlen(n) != 2 + blen + TEMP_SUFFIX_LEN)
			continue;
		if (fstatat(dirfd, n, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode))
			(void)unlinkat(dirfd, n, 0);
	}
	/* fdopendir's stream shares the offset with dirfd: rewind for others. */
	rewinddir(d);
	closedir(d);
}

/*
 * The mkostemp() template for a temporary next to base: ".#<base>XXXXXX".
 * mkostemp() fills the X's with letters and digits only, so the name never
 * ends in ".conf" and no applier ever reads a half-written file.
 */
static int
temp_name(const char *dir, const char *base, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s.#%sXXXXXX", dir, base);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int
atomic_write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The atomic write recipe (atomic_write and the history):
 *   1. compare first: the same bytes already there -> write nothing;
 *   2. refuse a symbolic link (O_NOFOLLOW, -ELOOP) or a non-regular file at
 *      the target; a missing directory is -ENOENT, never created;
 *   3. remove stale ".#<basename>XXXXXX" files (the caller holds the lock);
 *   4. mkostemp(".#<basename>XXXXXX", O_CLOEXEC) in the same directory, so
 *      rename() stays within one file system and is atomic;
 *   5. atomic_write_all(): a loop that handles short writes and EINTR;
 *   6. fsync the data, then fchmod to mode;
 *   7. rename over the target, then fsync the directory so the new name
 *      survives a crash;
 *   8. on any failure, unlink the temp file.
 * *ret_changed tells whether the target was replaced, also on failure: a
 * failing fsync of the directory comes after the rename, and the caller
 * must put the old bytes back.
 * fault: in a TCPADVISE_FAULT_INJECTION build only, abort() between 6 and 7
 * when TCPADVISE_FAULT names it (a crash for the live tests).
 */
static int
write_atomic(const char *root, const char *path, const char *text, mode_t mode,
    const char *fault, bool *ret_changed)
{
	char full[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX];
	const char *base, *tmpbase = NULL;
	char *old = NULL;
	size_t len = strlen(text), oldlen;
	int dirfd = -1, fd = -1, r;

	(void)fault;
	*ret_changed = false;
	if ((r = split_path(root, path, full, sizeof full, dir, sizeof dir, &base)) < 0)
		return r;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		r = -errno;
		goto out;
	}
	fd = conffile_openat(dirfd, base, CONFFILE_NOFOLLOW, NULL);
	if (fd >= 0) {
		r = conffile_read_fd(fd, 0, len, &old, &oldlen, NULL);
		close(fd);
		fd = -1;
		if (r == 0 && oldlen == len && memcmp(old, text, len) == 0) {
			*ret_changed = false;
			goto out;
		}
		if (r < 0 && r != -EFBIG)
			goto out;
	} else if (fd != -ENOENT) {
		r = fd;
		fd = -1;
		goto out;
	}
	fd = -1;
	remove_stale(dirfd, base);

	if ((r = temp_name(dir, base, tmp, sizeof tmp)) < 0)
		goto out;
	tmpbase = tmp + strlen(dir);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		r = -errno;
		tmpbase = NULL;
		goto out;
	}
	if ((r = atomic_write_all(fd, text, len)) < 0)
		goto fail;
	if (fsync(fd) < 0 || fchmod(fd, mode) < 0) {
		r = -errno;
		goto fail;
	}
	r = close(fd);
	fd = -1;
	if (r < 0) {
		r = -errno;
		goto fail;
	}
#ifdef TCPADVISE_FAULT_INJECTION
	if (fault != NULL) {
		const char *f = getenv("TCPADVISE_FAULT");

		if (f != NULL && strcmp(f, fault) == 0)
			abort();
	}
#endif
	if (renameat(dirfd, tmpbase, dirfd, base) < 0) {
		r = -errno;
		goto fail;
	}
	tmpbase = NULL;
	*ret_changed = true;
	r = fsync(dirfd) < 0 ? -errno : 0;
	goto out;
fail:
	if (tmpbase != NULL)
		(void)unlinkat(dirfd, tmpbase, 0);
out:
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	free(old);
	return r;
}

int
atomic_write(const char *root, const char *path, const char *text,
    bool *ret_changed)
{
	return write_atomic(root, path, text, 0644, "after-temp-write", ret_changed);
}

int
atomic_write_mode(const char *root, const char *path, const char *text,
    mode_t mode, bool *ret_changed)
{
	return write_atomic(root, path, text, mode, NULL, ret_changed);
}

int
atomic_remove(const char *root, const char *path, bool *ret_changed)
{
	char full[PATH_MAX], dir[PATH_MAX];
	const char *base;
	struct stat st;
	int dirfd, r;

	*ret_changed = false;
	if ((r = split_path(root, path, full, sizeof full, dir, sizeof dir, &base)) < 0)
		return r;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -errno;
	remove_stale(dirfd, base);
	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		r = -errno;
		if (r == -ENOENT)
			r = 0;
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		r = -ELOOP;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if (unlinkat(dirfd, base, 0) < 0) {
		r = -errno;
		goto out;
	}
	/* Gone, even when the directory cannot be synced (see write_atomic). */
	*ret_changed = true;
	r = fsync(dirfd) < 0 ? -errno : 0;
out:
	close(dirfd);
	return r;
}
