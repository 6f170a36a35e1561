/*
 * procfs: sysctl key names and bounded reads of /proc/sys; see procfs.h.
 *
 * Keys. Both procps and systemd accept a key in two spellings and turn it
 * into a path with the same swap rule: when the first separator is '.',
 * '.' and '/' trade places, so a '/' in a dotted key stands for a dot
 * inside one path component (a VLAN "eth0.100" or a bridge "br.1"). The
 * canonical spelling here is the dotted one that `sysctl -a` prints; the
 * path form is derived from it by the same swap. Normalisation works on the
 * path form: runs of '/' collapse (procps warns, both accept), then every
 * component must be a real name: not empty, not "." or "..", no white
 * space or control characters. Other bytes are allowed, since interface
 * names may hold punctuation and non-ASCII bytes. Glob characters are kept:
 * a sysctl.d line may use them.
 *
 * The first path component never contains a '.' (the first separator of
 * the input decides the form), so the canonical dotted form is stable:
 * normalising it again gives the same text.
 *
 * Reading. A /proc/sys file is produced in one go by the kernel's
 * proc_handler on the first read(); reading it in pieces can return a torn
 * or repeated value, so a value is taken from exactly one read() into a
 * buffer one byte larger than the largest value accepted: a full buffer
 * means the value is larger than that and is refused.
 *
 * Never prints, exits or writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"

/* Bytes that never occur in a key: white space, control characters. */
static const char key_bad_bytes[] =
    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
    "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20\x7f";

/* A component "." or "..", which no key has. */
static bool
dot_component(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

/*
 * Turn a key in either spelling into the path form in path[SYSCTL_KEY_MAX],
 * collapsing repeated separators and validating every component. It works
 * a component at a time with the string functions rather than a byte at a
 * time: every line of every sysctl.d file comes through here.
 */
static int
key_to_path_form(const char *key, char *path)
{
	const char *sep;
	bool swap;
	size_t n = 0;

	if (key == NULL || key[0] == '\0' || key[strcspn(key, key_bad_bytes)] != '\0')
		return -EINVAL;
	sep = strpbrk(key, "./");
	swap = sep != NULL && *sep == '.';
	for (const char *p = key;; p++) {
		const char *end = strchrnul(p, swap ? '.' : '/');
		size_t len = (size_t)(end - p);

		if (len > 0) {
			if (n + len >= SYSCTL_KEY_MAX)
				return -EINVAL;
			memcpy(path + n, p, len);
			/* The other separator is an ordinary byte, swapped. */
			for (char *q = path + n; swap &&
			    (q = memchr(q, '/', len - (size_t)(q - (path + n)))) != NULL; q++)
				*q = '.';
			if (dot_component(path + n, len))
				return -EINVAL;
			n += len;
		}
		if (*end == '\0')
			break;
		/* A leading separator is refused, repeated ones collapse. */
		if (n == 0)
			return -EINVAL;
		if (path[n - 1] != '/') {
			if (n + 1 >= SYSCTL_KEY_MAX)
				return -EINVAL;
			path[n++] = '/';
		}
		p = end;
	}
	/* Not a trailing separator. */
	if (path[n - 1] == '/')
		return -EINVAL;
	path[n] = '\0';
	return 0;
}

int
sysctl_key_swap(const char *src, char *buf, size_t size)
{
	size_t len = strlen(src);

	if (len >= size)
		return -ENOBUFS;
	memcpy(buf, src, len + 1);
	for (char *p = strpbrk(buf, "./"); p != NULL; p = strpbrk(p + 1, "./"))
		*p = *p == '.' ? '/' : '.';
	return 0;
}

int
sysctl_key_normalize(const char *key, char *buf, size_t size)
{
	char path[SYSCTL_KEY_MAX];
	int r;

	if ((r = key_to_path_form(key, path)) < 0)
		return r;
	return sysctl_key_swap(path, buf, size);
}

int
sysctl_key_to_path(const char *key, char *buf, size_t size)
{
	char path[SYSCTL_KEY_MAX];
	size_t len;
	int r;

	if ((r = key_to_path_form(key, path)) < 0)
		return r;
	len = strlen(path);
	if (len >= size)
		return -ENOBUFS;
	memcpy(buf, path, len + 1);
	return 0;
}

bool
sysctl_key_is_glob(const char *key)
{
	return key != NULL && strpbrk(key, "*?[") != NULL;
}

int
path_join_root(const char *root, const char *path, char *buf, size_t size)
{
	size_t rlen;
	int n;

	if (path == NULL)
		return -EINVAL;
	if (root == NULL)
		root = "/";
	/* "/", "//" and "/srv/root/" all contribute no trailing slash. */
	rlen = strlen(root);
	while (rlen > 0 && root[rlen - 1] == '/')
		rlen--;
	if (rlen > INT_MAX)
		return -ENAMETOOLONG;
	n = snprintf(buf, size, "%.*s%s%s", (int)rlen, root,
	    path[0] == '/' ? "" : "/", path);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* ROOT/proc/sys/<path form of key> into buf. */
static int
key_file(const char *root, const char *key, char *buf, size_t size)
{
	char rel[SYSCTL_KEY_MAX + sizeof "/proc/sys/"];
	char path[SYSCTL_KEY_MAX];
	int r, n;

	if ((r = key_to_path_form(key, path)) < 0)
		return r;
	n = snprintf(rel, sizeof rel, "/proc/sys/%s", path);
	if (n < 0 || (size_t)n >= sizeof rel)
		return -ENAMETOOLONG;
	return path_join_root(root, rel, buf, size);
}

int
procfs_read_path(const char *path, size_t max, char **ret, size_t *ret_len)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd, r;

	/* O_NONBLOCK and the type check: a FIFO, socket or block device
	   planted in a --root tree must neither block nor be read. procfs
	   and sysfs files are regular; a character device (/dev/null standing
	   for a key that drops writes) gets one bounded, non-blocking read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	/* One read(): see the design comment. */
	do
		n = read(fd, buf, max + 1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r = -errno;
		goto out;
	}
	if ((size_t)n == max + 1) {
		r = -EFBIG;
		goto out;
	}
	buf[n] = '\0';
	*ret = buf;
	*ret_len = (size_t)n;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

int
procfs_read(const char *root, const char *key, char **ret)
{
	char file[4096];
	char *buf = NULL, *small;
	size_t n;
	int r;

	if ((r = key_file(root, key, file, sizeof file)) < 0)
		return r;
	if ((r = procfs_read_path(file, PROCFS_VALUE_MAX, &buf, &n)) < 0)
		return r;
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	/* Give back the unused part of the buffer; keep it if that fails. */
	if ((small = realloc(buf, n + 1)) != NULL)
		buf = small;
	*ret = buf;
	return 0;
}

int
procfs_stat(const char *root, const char *key, bool *ret_writable)
{
	char file[4096];
	struct stat st;
	int r;

	if ((r = key_file(root, key, file, sizeof file)) < 0)
		return r;
	if (stat(file, &st) < 0)
		return -errno;
	/* A directory ("net.ipv4.conf.lo") is a group of keys, not a key. */
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (ret_writable != NULL)
		*ret_writable = (st.st_mode & S_IWUSR) != 0;
	return 0;
}

bool
sysctl_key_per_interface(const char *key)
{
	static const char *const trees[] = {
		"net.ipv4.conf.", "net.ipv4.neigh.", "net.ipv6.conf.", "net.ipv6.neigh.",
	};

	for (size_t i = 0; i < sizeof trees / sizeof trees[0]; i++)
		if (strncmp(key, trees[i], strlen(trees[i])) == 0)
			return true;
	return false;
}

bool
procfs_root_is_live(const char *root)
{
	return root == NULL || (root[0] == '/' && root[strspn(root, "/")] == '\0');
}

const char *
procfs_net_path(const char *root, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/%snet/%s", procfs_root_is_live(root) ?
	    "thread-self/" : "", name);
	return buf;
}
