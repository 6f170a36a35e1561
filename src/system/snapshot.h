/*
 * snapshot: everything tcpadvise knows about a system at one moment, read
 * once: the kernel release, the network namespace, every catalog key's live
 * value and what a reboot would set it to, per applier.
 *
 * Owns: the snapshot and all its strings (and the sysctld_config in it).
 * Never: prints or judges. It is the I/O shell around the pure rules engine:
 * rules_eval() reads a snapshot and does no I/O of its own, so tests can
 * build snapshots from fixture roots (--root) without root privileges.
 *
 * Calling sequence:
 *   struct snapshot *s;
 *   r = snapshot_take(root, kernel_override, &s);
 *   r = snapshot_assume_memory(s, bytes);	(optional: --memory)
 *   ... rules_eval(profile, s, &findings) ...
 *   s = snapshot_free(s);
 */
#ifndef TCPADVISE_SNAPSHOT_H
#define TCPADVISE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog.h"
#include "host.h"
#include "netns.h"
#include "parse.h"
#include "sysctld.h"

enum live_status {
	LIVE_OK,		/* read; `live` holds the text */
	LIVE_ABSENT,		/* this kernel has no such key */
	LIVE_HIDDEN,		/* a global key, invisible in this child network namespace */
	LIVE_UNREADABLE,	/* exists but could not be read (e.g. mode 0600, not root) */
	LIVE_ERROR,		/* any other read error; `error` says which */
	LIVE_UNAVAILABLE,	/* no live view at all (an image without /proc):
				   the judged release has the key */
};

struct snapshot_key {
	const struct catalog_entry *entry;
	enum live_status status;
	int error;			/* negative errno for LIVE_UNREADABLE / LIVE_ERROR */
	char *live;			/* as the kernel prints it, blanks folded to one space */
	bool live_ok;			/* live parsed as the entry's shape into live_value */
	struct value live_value;
	struct sysctld_effect eff[2];	/* indexed by enum sysctld_applier */
	bool persisted_ok;		/* the boot applier sets it and the value parses */
	struct value persisted_value;
	bool has_default;		/* the kernel's default on this host is known */
	char dflt[VALUE_STR_MAX];
	struct value default_value;
	char *author;			/* the program that sets it at run time, with
					   the evidence ("tuned (profile 'x', pid 812)"),
					   or NULL */
};

/*
 * The IPv4 settings of one interface (net.ipv4.conf.IF.*) that the kernel
 * combines with conf.all's to decide what the interface does (the IN_DEV_*
 * macros of include/linux/inetdevice.h); policy/ifconf.h says how.
 */
enum ifconf_param {
	IFCONF_ACCEPT_REDIRECTS,
	IFCONF_ACCEPT_SOURCE_ROUTE,
	IFCONF_FORWARDING,
	IFCONF_LOG_MARTIANS,
	IFCONF_RP_FILTER,
	IFCONF_SECURE_REDIRECTS,
	IFCONF_SEND_REDIRECTS,
	IFCONF_NPARAMS,
};

#define SNAPSHOT_IFACES_MAX 256	/* interfaces read; the rest are counted */
#define SNAPSHOT_IFNAME_MAX 16	/* IFNAMSIZ */

struct snapshot_iface {
	char name[SNAPSHOT_IFNAME_MAX];	/* the directory below conf/ ("eth0.200") */
	unsigned known;			/* bit 1 << param: the value was read */
	long long value[IFCONF_NPARAMS];
};

/* "accept_redirects", ... the file name below net/ipv4/conf/IF/; NULL if
   p is out of range. */
const char *ifconf_param_name(enum ifconf_param p);

/* The parameter named (the last component of a key), or -1. */
int ifconf_param_lookup(const char *name);

/* A key assigned in a configuration file that is not in the catalog. */
struct snapshot_other {
	const char *key;		/* points into the config's lines */
	bool exists;			/* found below /proc/sys */
};

struct snapshot {
	char *root;			/* "/" or the --root directory */
	char *kernel_release;		/* --kernel, else kernel.osrelease, else uname */
	bool kernel_overridden;
	bool files_only;		/* snapshot_from_files(), or offline: no live
					   value at all */
	bool offline;			/* ROOT has no /proc/sys: an image, judged by its
					   files for kernel_release */
	char *kernel_from;		/* where kernel_release comes from: "--kernel",
					   "/proc/sys/kernel/osrelease", "uname", or the
					   image's "/lib/modules/RELEASE" or
					   "/boot/config-RELEASE" */
	const char *mem_from;		/* static: where host.mem_bytes comes from,
					   "/proc/meminfo" or "--memory"; NULL: unknown */
	bool ehash_from_memory;		/* host.ehash_entries is estimated from the
					   memory (catalog_ehash_for_memory()) */
	struct catalog_host host;	/* kernel version, ehash size, memory */
	struct host_facts facts;	/* memory, CPUs, container, kernel build,
					   routes (host.h) */
	bool netns_child;		/* global keys are missing: a child network namespace */
	bool proc_ro;			/* /proc/sys is mounted read-only (a container):
					   no live value can be written */
	enum sysctld_applier boot;	/* whose result a reboot leaves (the one that
					   runs last when both run) */
	unsigned boot_appliers;		/* bits 1 << APPLIER_*: which run at boot */
	const char *boot_how;		/* static: how that was found out */
	enum netns_boot boot_view;	/* NETNS_BOOT_HOST, or what sets the keys of
					   the namespace of snapshot_take_boot() */
	struct sysctld_config *config;
	char *cmdline;			/* the kernel command line when it sets
					   sysctls (Linux 5.8+), else NULL */
	struct snapshot_key *keys;	/* one per catalog entry, in catalog order */
	size_t nkeys;
	struct snapshot_other *others;
	size_t nothers;
	bool others_probed;		/* `others` says which of them this kernel has */
	struct snapshot_iface *ifaces;	/* live: every interface's own IPv4 conf
					   values, sorted by name; none for
					   snapshot_from_files() */
	size_t nifaces;
	size_t ifaces_dropped;		/* interfaces past SNAPSHOT_IFACES_MAX */
};

/*
 * Read the system below root ("/" when NULL), including the IPv4 conf
 * values of every interface below ROOT/proc/sys/net/ipv4/conf (all and
 * default are catalog keys; at most SNAPSHOT_IFACES_MAX interfaces, in
 * name order, are kept). kernel_override, if not NULL,
 * is the release to judge against (--kernel); it must parse with
 * kver_parse().
 *
 * Offline: a root other than "/" without ROOT/proc/sys (an OS or container
 * image, where /proc is at most an empty mount point) gives a snapshot of
 * its files alone, `offline` and files_only set: every key is
 * LIVE_UNAVAILABLE where the judged release has it (catalog_in_release())
 * and LIVE_ABSENT where not; no interface, no run-time author, keys the
 * catalog does not know are not probed, the namespace is taken as the
 * initial one and memory is unknown (snapshot_assume_memory()). The boot
 * applier and the kernel build (/boot/config-RELEASE, /lib/modules/RELEASE,
 * where RELEASE is the judged release or starts with it followed by '.' or
 * '-') come from the image. Without kernel_override the release is the one
 * the image carries: the name of the one directory below /lib/modules and
 * /usr/lib/modules, or of the one /boot/config-RELEASE.
 *
 * Returns 0 and sets *ret (free with snapshot_free()), -EINVAL for a bad
 * kernel_override, -ENOENT when root or ROOT/proc/sys/net does not exist
 * (nothing to audit), -ENODATA (offline, no kernel_override and no release
 * in the image) or -ENOTUNIQ (several), -ENOMEM, or the -errno of a
 * configuration directory that cannot be listed.
 */
int snapshot_take(const char *root, const char *kernel_override,
    struct snapshot **ret);

/*
 * What sets the keys of the network namespace the caller is in when it is
 * made again (--netns; netns.h says how it is found), for
 * snapshot_take_boot(). kind NETNS_BOOT_HOST is snapshot_take().
 */
struct snapshot_boot {
	enum netns_boot kind;
	const char *root;	/* NETNS_BOOT_ROOT: the container's root directory,
				   whose sysctl.d files are read inside it */
	const char *path;	/* NETNS_BOOT_OCI: the runtime's config.json */
	const char *lines;	/* NETNS_BOOT_OCI: its linux.sysctl as sysctl.d
				   lines (netns_oci_parse()) */
};

/*
 * snapshot_take() for a namespace whose boot view is boot's: the live
 * values are those of the namespace the calling thread is in (below root,
 * which must be a live one); the configuration is none
 * (NETNS_BOOT_NONE: every key is left at the kernel's default), the OCI
 * config's linux.sysctl as one file that both appliers read and that the
 * runtime manages (NETNS_BOOT_OCI), or the files below boot->root, with
 * the boot applier of that root (NETNS_BOOT_ROOT). boot NULL is
 * snapshot_take(). The same returns.
 */
int snapshot_take_boot(const char *root, const char *kernel_override,
    const struct snapshot_boot *boot, struct snapshot **ret);

/* The configuration of a boot view other than NETNS_BOOT_HOST, read again
   as snapshot_take_boot() reads it (for a simulation). Returns 0 and *ret
   (free with sysctld_free()), -EINVAL for NETNS_BOOT_HOST, -ENOMEM, or the
   errors of sysctld_load(). */
int snapshot_boot_config(const struct snapshot_boot *boot,
    struct sysctld_config **ret);

/* Whether snapshot_take() finds an image below root: a directory other
   than "/" with no ROOT/proc/sys. */
bool snapshot_root_is_image(const char *root);

/*
 * A snapshot of configuration files alone, for `lint`: no live value is
 * read. paths are the files as given (a path named twice counts once);
 * config holds them in the order the appliers would read them: sorted by
 * basename (strcmp()), a file named sysctl.conf last, equal names in the
 * order given. A file that cannot be read stays in the list with its
 * errno in `error`. The boot applier is procps, which reads every file
 * given; every key is LIVE_ABSENT (no live value) and defaults that depend
 * on the host's hash sizes are unknown. When root is not NULL and
 * ROOT/proc/sys/net exists, keys the catalog does not know are looked up
 * there (`others`, others_probed set): whether this kernel has them. The kernel
 * release is kernel_override (--kernel) if not NULL, else uname()'s.
 * Returns 0 and sets *ret (free with snapshot_free()), -EINVAL for a bad
 * kernel_override, -ENOMEM, or the -errno of a failed uname().
 */
int snapshot_from_files(const char *root, const char *const *paths,
    size_t npaths, const char *kernel_override, struct snapshot **ret);

/*
 * Judge s as if its host had bytes of memory (--memory): the memory fact,
 * every default derived from it (tcp_mem, udp_mem, tcp_rmem, tcp_wmem, the
 * conntrack table) and, where tcp_ehash_entries could not be read, the
 * size of the established hash and the defaults derived from that
 * (tcp_max_tw_buckets, tcp_max_orphans, tcp_max_syn_backlog), estimated
 * with catalog_ehash_for_memory(). mem_from becomes "--memory". bytes must
 * be positive. Returns 0 or -EINVAL.
 */
int snapshot_assume_memory(struct snapshot *s, long long bytes);

/*
 * A copy of s as it will be once planned changes are made: config (taken
 * over, freed with the copy, and on failure) in place of s's files, and
 * the n keys keys[i] set live to values[i]. Nothing is read: what s found
 * about keys the catalog does not know carries over. The interfaces follow
 * the writes the way the kernel makes them follow: a new conf.default.X
 * reaches every interface whose X equals conf.default's old value (taken
 * as never set on its own; devinet_copy_dflt_conf() in
 * net/ipv4/devinet.c), and ip_forward or conf.all.forwarding sets every
 * interface's forwarding (inet_forward_change()). Returns 0 and *ret
 * (free with snapshot_free()), or -ENOMEM.
 */
int snapshot_simulate(const struct snapshot *s, struct sysctld_config *config,
    const char *const *keys, const char *const *values, size_t n,
    struct snapshot **ret);

/*
 * Drop the live values of s (and its interfaces) and mark it files_only:
 * what `lint` judges when it is given no file, the configuration of a snapshot_take() root with the
 * facts of its host (kernel, namespace, hash sizes, boot applier) kept.
 */
void snapshot_forget_live(struct snapshot *s);

/* Frees everything; accepts NULL; returns NULL. */
struct snapshot *snapshot_free(struct snapshot *s);

/* The entry for a catalog key name, or NULL. */
const struct snapshot_key *snapshot_key(const struct snapshot *s, const char *name);

/*
 * The first thing apply needs and could not read, as a negative errno with
 * *ret_what naming it (a key or a configuration file): a live value that
 * gave an I/O error (with live true), or a configuration file whose
 * reading failed (conffile_error_is_finding() false). 0 when there is none.
 */
int snapshot_read_failure(const struct snapshot *s, bool live, const char **ret_what);

/* "live value is missing" reason: "not on this kernel", "global key, not
   visible in this network namespace", "not readable (Permission denied)",
   "no live system (an image)". */
const char *snapshot_status_text(const struct snapshot_key *k, char *buf, size_t size);

#endif
