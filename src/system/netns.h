/*
 * netns: the network namespaces of a host, who owns each, and what sets
 * its keys when it is made again.
 *
 * Owns: the list of namespaces found (netns_list) and all its strings.
 * Never: enters a namespace, prints or judges. Entering is the caller's
 * (setns(2) in a process of its own: see cli/cmd_netns.c); this module
 * only reads ROOT/run/netns, ROOT/proc/PID/{ns/net,cgroup,comm,root} and
 * the container runtimes' state below ROOT.
 *
 * Identity. A namespace is its nsfs inode (with the device): every path
 * that leads to it (a name bound below /run/netns, /proc/PID/ns/net of any
 * of its processes) gives the same pair, so a namespace is listed once,
 * however many names and processes it has. A process that exits while
 * /proc is read is left out, not an error.
 *
 * Owner. What an operator calls the namespace, stable across restarts of
 * what runs in it (never the inode): "host" for the namespace of pid 1;
 * "pod/NAMESPACE/NAME" for a Kubernetes pod, "docker/NAME" for a Docker
 * container, "lxc/NAME", "machine/NAME" (systemd-nspawn) from the cgroup
 * path of its first process and the runtime's state; "netns/NAME" for a
 * name below /run/netns with no container; else "unit/NAME.service" or
 * "process/COMM" of its first process.
 *
 * Boot view. What sets the namespace's keys when it is made again, which
 * is what `check` calls "after a reboot": the host's sysctl.d files for
 * the namespace of pid 1 (NETNS_BOOT_HOST); linux.sysctl of the OCI
 * config of a runtime container (Docker, containerd, CRI-O, Podman: the
 * bundle's config.json below /run; NETNS_BOOT_OCI); the container's own
 * sysctl.d files for a system container that runs systemd from its own
 * root (NETNS_BOOT_ROOT); nothing else (NETNS_BOOT_NONE: `ip netns add`
 * and unshare(1) start from the kernel's defaults).
 */
#ifndef TCPADVISE_NETNS_H
#define TCPADVISE_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum netns_boot {
	NETNS_BOOT_HOST,	/* the host's configuration files */
	NETNS_BOOT_NONE,	/* nothing: the kernel's defaults */
	NETNS_BOOT_OCI,		/* linux.sysctl of the runtime's OCI config */
	NETNS_BOOT_ROOT,	/* the sysctl.d files of the container's own root */
};

/* How many pids of a namespace are kept (the count is exact). */
#define NETNS_PIDS_MAX 16

struct netns {
	char *name;		/* the name below /run/netns, or NULL */
	char *path;		/* what to open to enter it: ROOT/run/netns/NAME
				   or ROOT/proc/PID/ns/net */
	unsigned long long dev, inode;
	pid_t pids[NETNS_PIDS_MAX];	/* the lowest, ascending */
	size_t npids;		/* all its processes (more than kept) */
	bool initial;		/* the namespace of pid 1 */
	char *owner;		/* see above */
	char *owner_kind;	/* "host", "pod", "docker", "containerd", "crio",
				   "podman", "lxc", "machine", "netns", "unit",
				   "process" */
	char *container_id;	/* the runtime's full id, or NULL */
	enum netns_boot boot;
	char *boot_path;	/* OCI: the config.json; ROOT: the container's
				   root (ROOT/proc/PID/root); else NULL */
	char *oci_sysctl;	/* OCI: linux.sysctl as "key = value" lines
				   (sysctl.d syntax, keys as written); else NULL */
};

struct netns_list {
	struct netns *items;	/* the initial namespace first, then by owner,
				   then inode */
	size_t n;
	size_t gone;		/* processes that exited while /proc was read */
	size_t unreadable;	/* processes whose namespace could not be
				   looked at (EACCES: another user namespace) */
};

/*
 * Every network namespace below root ("/": this host): the names in
 * ROOT/run/netns and the namespaces of every process in ROOT/proc.
 * Returns 0 with *ret filled (free with netns_list_clear()), -ENOMEM, or
 * the -errno of ROOT/proc that cannot be listed.
 */
int netns_discover(const char *root, struct netns_list *ret);

/*
 * One namespace from the --netns argument: a PID (digits), a PATH (with a
 * '/': a bound namespace file or /proc/PID/ns/net), or a NAME below
 * ROOT/run/netns. It is described as netns_discover() would describe it
 * (its processes included, found the same way). Returns 0 with *ret (free
 * with netns_clear()), -ENOENT (no such name, pid or path), -EINVAL (the
 * name is not a plain file name), -ENOMEM, or the -errno of stat().
 */
int netns_resolve(const char *root, const char *spec, struct netns *ret);

void netns_clear(struct netns *ns);
void netns_list_clear(struct netns_list *l);

/* "host files", "none", "OCI config", "container root". */
const char *netns_boot_name(enum netns_boot b);

/*
 * What a cgroup path (the "0::" line of /proc/PID/cgroup, or a v1
 * hierarchy's) says about who runs the process: *ret_kind ("docker",
 * "containerd", "crio", "podman", "lxc", "machine", "unit"), *ret_id (the
 * container id, the LXC or machine name, the unit name) and, for a
 * Kubernetes pod, *ret_pod (its uid, with dashes). Each is NULL when the
 * path does not say it. Returns 0, -ENOENT (nothing known), or -ENOMEM.
 * The strings are malloc'ed.
 */
int netns_cgroup_owner(const char *path, char **ret_kind, char **ret_id,
    char **ret_pod);

/*
 * linux.sysctl of an OCI runtime config (config.json text) as sysctl.d
 * lines "key = value\n", and the pod's name "NAMESPACE/NAME" from the
 * Kubernetes annotations (containerd's io.kubernetes.cri.sandbox-*, CRI-O's
 * io.kubernetes.pod.*) when there are some. *ret_lines is "" when the
 * config sets no sysctl; *ret_pod NULL without annotations. Values that are
 * not strings, and keys or values with a newline, are left out (the runtime
 * rejects them). Returns 0, -EBADMSG (not JSON, or not an object), or
 * -ENOMEM.
 */
int netns_oci_parse(const char *json, size_t len, char **ret_lines, char **ret_pod);

#endif
