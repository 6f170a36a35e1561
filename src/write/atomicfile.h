/*
 * atomicfile: the files apply and rollback write (the fragment, the files
 * --resolve edits, the history's transactions), read whole with a size
 * limit through conffile.h (never through a symbolic link, never a file
 * that is not regular, inside --root) and replaced atomically: a
 * temporary file in the same directory, flushed, renamed over the target,
 * the directory flushed. The one place that reads and writes them.
 */
#ifndef TCPADVISE_ATOMICFILE_H
#define TCPADVISE_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "conffile.h"

/* The most a file read by atomic_read() may hold. */
#define ATOMIC_MAX_BYTES CONFFILE_MAX_BYTES

/*
 * Read ROOT/path whole into a malloc'ed NUL-terminated string (the caller
 * frees it). Never follows a symbolic link at path. Returns 0, -ENOENT (no
 * such file or directory), -ELOOP (a symbolic link), -EISDIR, -EINVAL (not a
 * regular file), -EFBIG (more than ATOMIC_MAX_BYTES), -EBADMSG (a NUL byte),
 * -ENOMEM, or the -errno of open()/read().
 */
int atomic_read(const char *root, const char *path, char **ret_text);

/* atomic_read() with another size limit (the history's transactions). */
int atomic_read_max(const char *root, const char *path, size_t max,
    char **ret_text);

/*
 * Whether the directory of ROOT/path exists: 0, -ENOENT, -ENOTDIR,
 * -ENAMETOOLONG, -EINVAL (path not absolute or with no file name).
 */
int atomic_check_dir(const char *root, const char *path);

/*
 * Replace ROOT/path with text atomically, mode 0644; the recipe is in the
 * comment above the definition. The caller holds the apply lock: stale
 * temporary files of a crashed run (".#<basename>XXXXXX") are removed.
 * When the file already holds exactly text nothing is written (inode and
 * mtime stay) and *ret_changed is false; otherwise it is true.
 * Returns 0, -ENOENT (the directory does not exist: it is never created),
 * -ELOOP (a symbolic link at path), -EISDIR / -EINVAL (not a regular file),
 * -ENAMETOOLONG, or the -errno of the failing system call. No temporary
 * file is left behind. On failure *ret_changed says whether the file was
 * replaced all the same: the directory's flush comes after the rename, and
 * then the caller puts the old bytes back.
 */
int atomic_write(const char *root, const char *path, const char *text,
    bool *ret_changed);

/* atomic_write() with another mode (the history uses 0600). */
int atomic_write_mode(const char *root, const char *path, const char *text,
    mode_t mode, bool *ret_changed);

/*
 * Remove ROOT/path (rollback of an apply that created it) and sync the
 * directory. *ret_changed is false when there was nothing to remove, and
 * true once the file is gone, also when the directory's flush fails.
 * Returns 0, -ELOOP (a symbolic link: left alone), -EISDIR / -EINVAL (not a
 * regular file), or the -errno of unlink().
 */
int atomic_remove(const char *root, const char *path, bool *ret_changed);

/* Write all of text to fd, going on after short writes and EINTR. Returns
   0 or the -errno of write() (-EIO when it wrote nothing). */
int atomic_write_all(int fd, const char *text, size_t len);

#endif
