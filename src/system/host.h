/*
 * host: the facts about a machine that advice depends on beyond its sysctl
 * values: memory, CPUs, whether it runs in a container, which congestion
 * controls and queueing disciplines its kernel can provide, and how it is
 * connected (interfaces with routes, default routes, container networks).
 *
 * Owns: struct host_facts and its strings.
 * Never: prints, judges or writes. Every file is read below a root
 * directory (--root, "/" normally) so tests run against fixture trees.
 * A fact that cannot be read stays unknown (0, NULL or HOST_UNKNOWN), and
 * the rules built on it do not fire: no advice rests on a guess.
 *
 * Sources, in the order they are trusted:
 *   memory   /proc/meminfo MemTotal
 *   CPUs     /sys/devices/system/cpu/online, else sysconf()
 *   kernel   /proc/config.gz, else /boot/config-RELEASE (CONFIG_MODULES,
 *            CONFIG_TCP_CONG_*, CONFIG_NET_SCH_*), and
 *            /lib/modules/RELEASE/modules.builtin and modules.dep
 *   network  /proc/net/route and /proc/net/ipv6_route (this namespace's
 *            routes), interface names
 *   container /run/systemd/container, /run/.containerenv, /.dockerenv,
 *            the container= variable of process 1 (what systemd-detect-virt
 *            reads)
 *   Kubernetes /var/lib/kubelet/config.yaml or /etc/kubernetes/kubelet.conf
 */
#ifndef TCPADVISE_HOST_H
#define TCPADVISE_HOST_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the kernel can provide a congestion control or qdisc. */
enum host_avail {
	HOST_UNKNOWN,		/* neither the kernel's configuration nor its
				   module list could be read */
	HOST_MISSING,		/* neither built in nor installed as a module */
	HOST_MODULE,		/* a module that is installed and loads on demand */
	HOST_BUILTIN,		/* built into the kernel, or already registered */
};

#define HOST_NAMES_MAX 128

struct host_facts {
	long long mem_bytes;		/* MemTotal; 0 = unknown */
	unsigned cpus;			/* online CPUs; 0 = unknown */
	char *container;		/* "docker", "podman", "lxc", ... or NULL */
	bool kubernetes;		/* a Kubernetes node: the kubelet's state or
					   configuration is there */

	/* The kernel build. */
	bool config_known;		/* a kernel configuration was read */
	char default_cc[32];		/* CONFIG_DEFAULT_TCP_CONG, or "" */
	char default_qdisc[32];		/* CONFIG_DEFAULT_NET_SCH, "pfifo_fast"
					   when the option is off, or "" */
	unsigned hz;			/* CONFIG_HZ, 0 = unknown */
	bool modules_enabled;		/* CONFIG_MODULES=y (true when unknown) */
	char **config;			/* "CONFIG_TCP_CONG_BBR=y" ... (only the
					   symbols this module asks about) */
	size_t nconfig;
	bool modlist_known;		/* modules.builtin/modules.dep were read */
	char **builtin;			/* module names built in ("sch_fq") */
	size_t nbuiltin;
	char **loadable;		/* module names installed as modules */
	size_t nloadable;

	/* This network namespace. */
	bool routes_known;
	unsigned uplinks;		/* interfaces with a route, other than lo and
					   container or VM networks */
	char uplink_names[HOST_NAMES_MAX];	/* "eth0, eth1" */
	unsigned default_routes4;	/* IPv4 default routes */
	unsigned default_routes6;	/* IPv6 default routes */
	bool slaac;			/* an IPv6 route or address prefix was learned
					   from a router advertisement */
	char *guest_net;		/* the first container or VM network interface
					   (docker0, cni0, veth*, virbr0, ...), or NULL */
};

/*
 * Read every fact below root for the kernel release `release` (the one
 * judged: uname or --kernel). Facts that cannot be read stay unknown.
 * Returns 0 or -ENOMEM (h is then cleared).
 */
int host_read(const char *root, const char *release, struct host_facts *h);
void host_clear(struct host_facts *h);
/* From now on this process reads the kernel build (configuration and
   module lists) once per root and release, and copies it after that: for
   a process that reads many namespaces of one kernel. host_memo_clear()
   frees the copy and turns it off. */
void host_memo_enable(void);
void host_memo_clear(void);

/* A deep copy into dst (cleared on failure). Returns 0 or -ENOMEM. */
int host_copy(struct host_facts *dst, const struct host_facts *src);

/*
 * Whether a congestion control can be used: `registered` is the kernel's
 * tcp_available_congestion_control (those built in or loaded now) or NULL.
 */
enum host_avail host_cc(const struct host_facts *h, const char *name,
    const char *registered);

/* Whether a queueing discipline can be used as default_qdisc. */
enum host_avail host_qdisc(const struct host_facts *h, const char *name);

/*
 * Several ways in or out: two or more uplinks, or two default routes of one
 * family. Reverse-path filtering in strict mode drops replies that come
 * back another way. False when the routes are unknown.
 */
bool host_multihomed(const struct host_facts *h);

/* "unknown", "missing", "module", "built in". */
const char *host_avail_name(enum host_avail a);

/* Whether a name is a word in a blank-separated list. */
bool host_word_in(const char *list, const char *word);

/*
 * Parsers, exposed for the unit tests and the fuzzer: each takes the text of
 * one file and fills its part of h. Return 0 or -ENOMEM.
 */
int host_parse_meminfo(struct host_facts *h, const char *text);
int host_parse_config(struct host_facts *h, const char *text);
int host_parse_modules(struct host_facts *h, const char *text, bool builtin);
int host_parse_routes(struct host_facts *h, const char *route,
    const char *ipv6_route);

#endif
