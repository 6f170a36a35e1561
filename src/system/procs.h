/*
 * procs: which processes hold given sockets, found through the
 * "socket:[INODE]" links of ROOT/proc/PID/fd. Used to name the programs
 * behind CLOSE_WAIT sockets (the application has not called close()) and
 * the program behind each listening socket (recommend).
 *
 * Owns: the holder array procs_scan() returns (the caller frees it with
 * free()); procs_owners() fills an array of the caller's.
 * Never: prints, exits, writes, or follows a link: fd entries are only
 * read with readlink(), and the proc/PID and fd directories are opened
 * with O_NOFOLLOW, so nothing outside the root is ever visited.
 *
 * Visibility: without root (CAP_SYS_PTRACE, strictly) the fd directories
 * of other users' processes cannot be opened; they are counted, not
 * guessed at, so the caller can say what it could not see. A process that
 * exits during the scan is skipped silently.
 */
#ifndef TCPADVISE_PROCS_H
#define TCPADVISE_PROCS_H

#include <stdbool.h>
#include <stddef.h>

#define PROCS_MAX_HOLDERS 256	/* holders kept; the ones with fewest sockets are dropped */
#define PROCS_COMM_MAX 17	/* TASK_COMM_LEN (16) + NUL */

struct procs_holder {
	int pid;
	char comm[PROCS_COMM_MAX];	/* "" if unreadable; raw bytes: escape to show */
	unsigned long long sockets;	/* fds of this process that are one of the inodes */
};

/* The process holding one socket. */
struct procs_owner {
	unsigned long long inode;
	int pid;			/* 0: no process found holding it */
	char comm[PROCS_COMM_MAX];	/* "" if unreadable; raw bytes: escape to show */
};

/* Everything one scan found. */
struct procs_scan {
	struct procs_holder *holders;	/* malloc'ed, sorted; NULL if nholders is 0 */
	size_t nholders;		/* <= PROCS_MAX_HOLDERS */
	size_t unreadable;		/* PID/fd directories we were refused */
	size_t dropped;			/* holders left out beyond PROCS_MAX_HOLDERS */
};

/*
 * Scan ROOT/proc/[0-9]+/fd/ (root "/" or NULL for the running system) for
 * links "socket:[N]" with N one of inodes[n] (any order, duplicates
 * allowed), and count them per process. comm is read from ROOT/proc/PID/comm
 * (one read(), trailing newline removed, at most 16 bytes).
 *
 * Holders are sorted by sockets, most first, then by pid. When more than
 * PROCS_MAX_HOLDERS processes hold sockets, the ones with fewest are
 * dropped and counted in dropped. An fd directory that cannot be opened
 * for EACCES or EPERM counts as unreadable; one that vanished (ENOENT,
 * ESRCH) or is a symlink is skipped. With n == 0 nothing is scanned.
 *
 * *ret is cleared first. Returns 0 and fills *ret (the caller frees
 * ret->holders with free()), -EINVAL, -ENAMETOOLONG, -ENOMEM, or the
 * negative errno of opening ROOT/proc.
 */
int procs_scan(const char *root, const unsigned long long *inodes, size_t n,
    struct procs_scan *ret);

/*
 * procs_scan() with its results in separate out-parameters: *ret (free()
 * it; NULL when *ret_n is 0), *ret_n, and *ret_unreadable (may be NULL).
 * Same return values.
 */
int procs_holders(const char *root, const unsigned long long *inodes, size_t n,
    struct procs_holder **ret, size_t *ret_n, size_t *ret_unreadable);

/*
 * One scan of ROOT/proc/[0-9]+/fd/ (as procs_scan()) that names the owner
 * of each of inodes[n]: ret[i] (n entries, the caller's) gets inodes[i],
 * the lowest pid holding it (after fork() the parent, e.g. nginx's master
 * process) and that process's comm; pid 0 when none was found (a process
 * we could not inspect, or the socket is gone). *ret_unreadable (may be
 * NULL) counts the processes whose fds could not be read. Returns 0,
 * -EINVAL, -ENAMETOOLONG, -ENOMEM, or the negative errno of opening
 * ROOT/proc (ret[i] then holds the inodes, no owner).
 */
int procs_owners(const char *root, const unsigned long long *inodes, size_t n,
    struct procs_owner *ret, size_t *ret_unreadable);

#endif
