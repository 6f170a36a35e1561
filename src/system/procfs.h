/*
 * procfs: sysctl key names and the bounded reading of /proc/sys.
 *
 * Owns: the one place where keys are normalised and validated, and where
 * /proc/sys files are opened. Every path is taken below a root directory
 * (--root, "/" normally) so tests run against fixture trees.
 * Never: prints, exits, writes (writing is the apply module's job).
 *
 * Key forms. The dotted form ("net.ipv4.conf.br/1.rp_filter") is what
 * sysctl -a prints and what tcpadvise shows; the path form
 * ("net/ipv4/conf/br.1/rp_filter") is the file below /proc/sys. The
 * conversion is the swap rule of procps and systemd: if the first separator
 * is '.', every '.' becomes '/' and every '/' becomes '.'; if it is '/', the
 * key is already a path.
 */
#ifndef TCPADVISE_PROCFS_H
#define TCPADVISE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

#define PROCFS_VALUE_MAX 65536	/* larger values are refused (-EFBIG) */
#define SYSCTL_KEY_MAX 256

/*
 * Normalise a key in either form to the canonical dotted form in buf.
 * Runs of repeated separators are collapsed (as procps and systemd do).
 * Refused with -EINVAL: empty, leading separator, an empty/"."/".." path
 * component, white space or control characters, longer than
 * SYSCTL_KEY_MAX-1. -ENOBUFS if buf is too small.
 */
int sysctl_key_normalize(const char *key, char *buf, size_t size);

/* Dotted (canonical) form -> path form below /proc/sys. Same errors. */
int sysctl_key_to_path(const char *key, char *buf, size_t size);

/*
 * The other form of a key already in canonical (or path) form: its '.'
 * and '/' swapped, without checking it again (the first component of a
 * canonical key holds no dot, so its first separator is a dot). -ENOBUFS
 * if buf is too small. For lookups that run for every line.
 */
int sysctl_key_swap(const char *key, char *buf, size_t size);

/*
 * True for keys of one network interface (net.ipv4.conf.IF.*,
 * net.ipv4.neigh.IF.*, and the same below net.ipv6): the interface may not
 * exist yet, and udev applies such lines again when it appears
 * (systemd-sysctl --prefix), so their absence now is no error.
 */
bool sysctl_key_per_interface(const char *key);

/* True if the key contains a glob character (*, ?, [). */
bool sysctl_key_is_glob(const char *key);

/*
 * Read the value of a key (dotted or path form) from ROOT/proc/sys with a
 * single read() into a bounded buffer: procfs files must be read in one go.
 * The trailing newline is removed; the text is otherwise as the kernel
 * printed it (vectors TAB-separated). On success *ret is malloc'ed and the
 * caller frees it.
 * Returns 0, or a negative errno: -ENOENT (no such key here), -EACCES/-EPERM
 * (not readable by us, e.g. a mode 0600 key), -EISDIR, -EFBIG (value larger
 * than PROCFS_VALUE_MAX), -EINVAL (bad key), or whatever open()/read() said.
 */
int procfs_read(const char *root, const char *key, char **ret);

/*
 * Read a whole /proc file with a single read() (files of procfs and sysfs
 * must be read in one go to be consistent) into a malloc'ed buffer of at
 * most max bytes, NUL-terminated; *ret_len is the length read. The file is
 * opened O_NONBLOCK and must be a regular file (procfs and sysfs files are)
 * or a character device, so a FIFO, socket or block device planted below a
 * --root is never read. Returns 0, -EFBIG when the file holds more than max
 * bytes, -EISDIR, -EINVAL (another type), -ENOMEM, or the errno of
 * open()/read().
 */
int procfs_read_path(const char *path, size_t max, char **ret, size_t *ret_len);

/*
 * Whether the key exists below ROOT/proc/sys and whether it is writable by
 * mode (owner write bit). Returns 0 and fills the flags, -ENOENT, or another
 * negative errno from stat().
 */
int procfs_stat(const char *root, const char *key, bool *ret_writable);

/*
 * Join root and an absolute path ("/etc/sysctl.conf") into buf: "/" + path
 * for root "/" or NULL. Returns 0 or -ENAMETOOLONG.
 */
int path_join_root(const char *root, const char *path, char *buf, size_t size);

/* Whether root is the live system: NULL, or "/" (any number of slashes). */
bool procfs_root_is_live(const char *root);

/*
 * The root-relative path of the file name below the network namespace's
 * /proc directory: "/proc/thread-self/net/NAME" on the live system (root
 * "/" or NULL), which is the calling thread's namespace even where another
 * thread of the process entered another one (/proc/net is the process's,
 * through /proc/self), else "/proc/net/NAME" (a fixture or image tree).
 * Returns buf.
 */
const char *procfs_net_path(const char *root, const char *name, char *buf,
    size_t size);

#endif
