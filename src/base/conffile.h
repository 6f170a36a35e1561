/*
 * conffile: opening and reading configuration files, with their type
 * checked before a byte is read and their size bounded.
 *
 * Owns: the limits that every configuration file shares (sysctl.d files,
 * sysctl.conf, files given to `lint`, profiles, tcpadvise's fragment):
 * CONFFILE_MAX_BYTES per file and CONFFILE_LINE_MAX per line; the one
 * function that opens such a file (conffile_open()) and the one that reads
 * it (conffile_read()); and the containment of paths below a --root.
 * Never: prints, exits, writes.
 *
 * Opening. Every file is opened O_RDONLY | O_NONBLOCK | O_CLOEXEC |
 * O_NOCTTY and fstat()ed before it is read: a FIFO (which would block
 * open() and read() for ever without O_NONBLOCK), a device (/dev/zero never
 * ends), a socket or a directory is refused with its type in
 * conffile_info.type. Reading takes at most limit + 1 bytes, so a file of
 * any size is refused after that many bytes, whatever st_size says (procfs
 * and sysfs files claim 0 or 4096).
 *
 * Containment. Below a root other than "/" (an image, a container's
 * filesystem, a fixture tree), a path is resolved with openat2(2) and
 * RESOLVE_IN_ROOT (Linux 5.6): an absolute symbolic link starts again at
 * the root and ".." never climbs above it, as if the process were
 * chrooted, and magic links (/proc/PID/fd/N) are refused. On a kernel
 * without openat2 (ENOSYS) the path is walked one component at a time with
 * O_NOFOLLOW, so any symbolic link on the way is refused (-ELOOP) rather
 * than followed out of the root. Callers that must follow links inside the
 * root (the sysctl.d reader) resolve them by hand first and open the
 * resolved, link-free path.
 *
 * Calling sequence:
 *   struct conffile_info info;
 *   char *text; size_t len;
 *   r = conffile_read(root, "/etc/sysctl.conf", CONFFILE_LINES,
 *       CONFFILE_MAX_BYTES, &text, &len, &info);
 *   if (r < 0) warnx("%s: %s", path, conffile_strerror(r, &info, buf, size));
 *   free(text);
 */
#ifndef TCPADVISE_CONFFILE_H
#define TCPADVISE_CONFFILE_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The size limit of every configuration file: 1 MiB (a sysctl.d file of
   a few hundred lines is a few KiB). */
#define CONFFILE_MAX_BYTES	(1 << 20)
#define CONFFILE_MAX_TEXT	"1 MiB"		/* the same, for messages */
/* The length limit of one line (without its '\n'): 64 KiB; a sysctl value
   is at most 4096 bytes (sysctl.conf(5)). */
#define CONFFILE_LINE_MAX	(1 << 16)

enum {
	CONFFILE_NOFOLLOW = 1 << 0,	/* a symbolic link as the last component: -ELOOP */
	CONFFILE_LINES = 1 << 1,	/* enforce CONFFILE_LINE_MAX (-EMSGSIZE) */
};

/* What conffile_open() and conffile_read() found, for messages. */
struct conffile_info {
	unsigned type;		/* S_IFMT bits of the file opened; 0 if none */
	unsigned line;		/* -EMSGSIZE: the 1-based line over the limit */
	size_t max;		/* the size limit applied, in bytes */
};

/*
 * Open ROOT/path for reading and check that it is a regular file. root NULL
 * or "/" opens path as it is (relative paths from the working directory);
 * any other root needs an absolute path and keeps its resolution inside
 * root (see the design comment). flags: CONFFILE_NOFOLLOW. Returns the file
 * descriptor (O_CLOEXEC, O_NONBLOCK), or -EISDIR for a directory, -EINVAL
 * for another file that is not regular (info->type says which), -ELOOP, or
 * the -errno of open()/openat2()/fstat(). info may be NULL.
 */
int conffile_open(const char *root, const char *path, int flags,
    struct conffile_info *info);

/*
 * conffile_open() as a stdio stream ("re"), for a file read line by line
 * (/proc/net/tcp, tuned's files, a process's comm below --root). Returns
 * 0 with *ret set, an error of conffile_open(), or -ENOMEM.
 */
int conffile_fopen(const char *root, const char *path, int flags, FILE **ret);

/*
 * Open the directory ROOT/path for listing, resolved inside root as
 * conffile_open() resolves a file (root NULL or "/": path as it is).
 * Returns 0 with *ret (close with closedir()), -EINVAL for a relative path
 * below a root, or the -errno of opening it (-ENOTDIR: not a directory).
 */
int conffile_opendir(const char *root, const char *path, DIR **ret);

/* conffile_open() of name relative to the directory dirfd (AT_FDCWD: the
   working directory), with no root to stay in. */
int conffile_openat(int dirfd, const char *name, int flags,
    struct conffile_info *info);

/*
 * Read a file opened by conffile_open() whole: at most max + 1 bytes are
 * read (max is CONFFILE_MAX_BYTES for configuration files). *ret is malloc'ed and NUL-terminated
 * (the caller frees it), *ret_len the bytes read. Returns 0, -EFBIG (more
 * than max bytes), -EMSGSIZE (flags has CONFFILE_LINES and a line is longer
 * than CONFFILE_LINE_MAX; info->line says which), -ENOMEM, or the -errno
 * of read(). fd is not closed.
 */
int conffile_read_fd(int fd, int flags, size_t max, char **ret, size_t *ret_len,
    struct conffile_info *info);

/* conffile_open() then conffile_read_fd(); the same errors. info may be
   NULL. */
int conffile_read(const char *root, const char *path, int flags, size_t max,
    char **ret, size_t *ret_len, struct conffile_info *info);

/* "regular file", "directory", "FIFO", "character device", "block
   device", "socket", "symbolic link" or "unknown type" for S_IFMT bits. */
const char *conffile_type_name(unsigned type);

/*
 * Why a file could not be read, as the tail of a message naming it: "not a
 * regular file (FIFO)", "file is larger than 1048576 bytes", "line 3 is
 * longer than 65536 bytes", else strerror(). info may be NULL. Returns buf.
 */
const char *conffile_strerror(int err, const struct conffile_info *info,
    char *buf, size_t size);

/*
 * Whether err (from conffile_open/conffile_read) says something about the
 * file (not regular, a symbolic link refused, over a limit, gone, outside
 * the root), which is a finding, rather than that reading failed (EIO,
 * ENOMEM, EACCES...), which leaves its content unknown.
 */
bool conffile_error_is_finding(int err);

#endif
