/*
 * catalog: the sorted, compiled-in table of known sysctls; see catalog.h.
 *
 * Facts, never policy. Each entry cites its evidence: [V] verified on a
 * running kernel, a commit id, or ip-sysctl.rst. The table is sorted by
 * name with strcmp() (test_catalog checks it) so lookups use bsearch().
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "suggest.h"

/*
 * Ranges. kmin/kmax is what a write to /proc/sys is accepted with on a
 * current kernel; smin/smax is the range an expert would defend. Old
 * kernels used plain proc_dointvec for many keys that are u8 today: the
 * catalog keeps the current range only.
 */
#define INT_RANGE	INT_MIN, INT_MAX
#define U8_RANGE	0, 255
#define U32_RANGE	0, 4294967295LL
/*
 * proc_dointvec_jiffies stores seconds as jiffies and refuses |v| above
 * INT_MAX / HZ. HZ is a build option (100..1000); HZ=100 gives the widest
 * range, so that is the one recorded here. On HZ=250 the limit is 8589934,
 * on HZ=1000 it is 2147483 [V on HZ=250].
 */
#define JIFFIES_MAX	(INT_MAX / 100)
#define JIFFIES_RANGE	(-JIFFIES_MAX), JIFFIES_MAX
#define NO_RANGE	0, 0, 0, 0
#define NONE		NULL

/*
 * Default histories, ascending by release; "2.6.12" stands for "before git
 * history". Only compile-time constants are listed: a fresh network
 * namespace of a kernel of that release reads exactly this text.
 */
static const struct catalog_default d_somaxconn[] = {
	{ "2.6.12", "128" }, { "5.4", "4096" },	/* 19f92a030ca6 */
	{ NULL, NULL } };
static const struct catalog_default d_syncookies[] = {
	{ "2.6.12", "0" }, { "2.6.33", "1" },	/* e994b7c901de */
	{ NULL, NULL } };
static const struct catalog_default d_fin_timeout[] = {
	{ "2.6.12", "60" }, { NULL, NULL } };	/* TCP_FIN_TIMEOUT, [V] */
static const struct catalog_default d_tw_recycle[] = {
	{ "2.6.12", "0" }, { NULL, NULL } };
static const struct catalog_default d_tw_reuse[] = {
	{ "2.6.12", "0" }, { "4.18", "2" },	/* 79e9fed46038 */
	{ NULL, NULL } };
static const struct catalog_default d_tw_reuse_delay[] = {
	{ "6.14", "1000" }, { NULL, NULL } };	/* ca6a6f93867a, [V] */
static const struct catalog_default d_synack_retries[] = {
	{ "2.6.12", "5" }, { NULL, NULL } };	/* TCP_SYNACK_RETRIES, [V] */
static const struct catalog_default d_syn_retries[] = {
	/* 6c9ff979d192 raised TCP_SYN_RETRIES with the 1 s initial RTO (tcp(7)) */
	{ "2.6.12", "5" }, { "3.7", "6" }, { NULL, NULL } };
static const struct catalog_default d_syn_linear_timeouts[] = {
	{ "6.5", "4" }, { NULL, NULL } };	/* [V] */
static const struct catalog_default d_zero[] = {
	{ "2.6.12", "0" }, { NULL, NULL } };
static const struct catalog_default d_one[] = {
	{ "2.6.12", "1" }, { NULL, NULL } };
static const struct catalog_default d_slow_start_after_idle[] = {
	{ "2.6.18", "1" }, { NULL, NULL } };	/* [D], [V] */
static const struct catalog_default d_keepalive_time[] = {
	{ "2.6.12", "7200" }, { NULL, NULL } };	/* [V], [D] */
static const struct catalog_default d_keepalive_probes[] = {
	{ "2.6.12", "9" }, { NULL, NULL } };	/* [V], [D] */
static const struct catalog_default d_keepalive_intvl[] = {
	{ "2.6.12", "75" }, { NULL, NULL } };	/* [V], [D] */
static const struct catalog_default d_port_range[] = {
	/*
	 * Before 3f196eb519a4 (June 2007) small machines got "N 4999", so
	 * the history starts where the value became constant; that commit
	 * landing in 2.6.23 is [M] (it may be 2.6.22). 07f4c90062f8 (4.2)
	 * made the end odd so the range holds an even number of ports.
	 */
	{ "2.6.23", "32768 61000" }, { "4.2", "32768 60999" },
	{ NULL, NULL } };
static const struct catalog_default d_reserved_ports[] = {
	{ "2.6.35", "" }, { NULL, NULL } };	/* [V], [D] "Default: Empty" */
static const struct catalog_default d_unpriv_port[] = {
	{ "4.11", "1024" }, { NULL, NULL } };	/* 4548b683b781, [V] */
static const struct catalog_default d_ct_time_wait[] = {
	{ "2.6.15", "120" }, { NULL, NULL } };	/* 2 * MSL, [V] */
static const struct catalog_default d_netdev_max_backlog[] = {
	/*
	 * 300 in early 2.6; "[NET]: Separate two usages of
	 * netdev_max_backlog" (June 2005, 2.6.13) set 1000 and split off
	 * netdev_budget = 300. The 2.6.13 step is [M]: subject seen, diff
	 * not.
	 */
	{ "2.6.12", "300" }, { "2.6.13", "1000" }, { NULL, NULL } };
/*
 * SK_RMEM_MAX / SK_WMEM_MAX = 256 * SKB_TRUESIZE(256): 212992 on 64-bit
 * builds (stated in eaa72dc47488, 2017, so the history starts at 4.14;
 * older and 32-bit kernels differ, e.g. 124928, and are not recorded).
 * net.core.{r,w}mem_max became 4 MiB in 6.18 ("net: set
 * net.core.rmem_max and net.core.wmem_max to 4 MB", [V] on 6.18).
 */
static const struct catalog_default d_mem_default[] = {
	{ "4.14", "212992" }, { NULL, NULL } };
static const struct catalog_default d_mem_max[] = {
	{ "4.14", "212992" }, { "6.18", "4194304" }, { NULL, NULL } };
static const struct catalog_default d_fastopen[] = {
	/* "tcp: enable sockets to use MSG_FASTOPEN by default" (3.13) */
	{ "3.7", "0" }, { "3.13", "1" }, { NULL, NULL } };
static const struct catalog_default d_mtu_probing[] = {
	{ "2.6.17", "0" }, { NULL, NULL } };	/* [D], [V] */
static const struct catalog_default d_base_mss[] = {
	/* TCP_BASE_MSS 512 -> 1024: dcd8fb8533ce (March 2015, 4.1) */
	{ "2.6.17", "512" }, { "4.1", "1024" }, { NULL, NULL } };
static const struct catalog_default d_notsent_lowat[] = {
	/*
	 * UINT_MAX means "no limit" (c9bee3b7fdec, 3.12). Until
	 * b007f09072ca (4.11) the handler was proc_dointvec, so those
	 * kernels print the same value as "-1"; a reader comparing an old
	 * kernel must treat -1 as equal. Only the current text is listed
	 * because -1 is outside today's accepted range.
	 */
	{ "3.12", "4294967295" }, { NULL, NULL } };
static const struct catalog_default d_fack[] = {
	/* 94bdc9785a11 "tcp: disable fack by default" (4.11) */
	{ "2.6.12", "1" }, { "4.11", "0" }, { NULL, NULL } };
static const struct catalog_default d_ecn[] = {
	/* 255cac91c3c9: 2 (passive ECN) is the default since 2.6.31 (tcp(7)) */
	{ "2.6.12", "0" }, { "2.6.31", "2" }, { NULL, NULL } };
static const struct catalog_default d_child_ehash[] = {
	{ "6.1", "0" }, { NULL, NULL } };	/* [D], [V] */
static const struct catalog_default d_ct_established[] = {
	{ "2.6.15", "432000" }, { NULL, NULL } };	/* 5 days, [D], [V] */
static const struct catalog_default d_icmp_bogus[] = {
	/*
	 * Still 0 in 2.6.14 (context of 7ce312467edc); 1 in the 2.6.19 to
	 * 2.6.21 sources [S]. The commit in between is not pinned, so the
	 * history starts where the value is known.
	 */
	{ "2.6.21", "1" }, { NULL, NULL } };
static const struct catalog_default d_icmp_broadcasts[] = {
	/* 7ce312467edc "disable broadcast ECHO/TIMESTAMP by default" (2.6.14) */
	{ "2.6.12", "0" }, { "2.6.14", "1" }, { NULL, NULL } };
static const struct catalog_default d_tcp_retries1[] = {
	{ "2.6.12", "3" }, { NULL, NULL } };	/* TCP_RETR1, [D], [V] */
static const struct catalog_default d_tcp_retries2[] = {
	{ "2.6.12", "15" }, { NULL, NULL } };	/* TCP_RETR2, [D], [V] */
static const struct catalog_default d_tcp_reordering[] = {
	{ "2.6.12", "3" }, { NULL, NULL } };	/* TCP_FASTRETRANS_THRESH, [V] */
static const struct catalog_default d_adv_win_scale[] = {
	/* b49960a05e32 "tcp: change tcp_adv_win_scale and tcp_rmem[2]" (3.5) */
	{ "2.6.12", "2" }, { "3.5", "1" }, { NULL, NULL } };
static const struct catalog_default d_limit_output[] = {
	/*
	 * 46d3ceabd8d9 "tcp: TCP Small Queues" (3.6); 262144 ("four TSO
	 * segments" in the source) from about 4.1, commit not pinned [M];
	 * c73e5807e4f6 (Nov 2018, 5.0) 1 MiB; 9ea3bfa61b09 "tcp: increase
	 * tcp_limit_output_bytes default value to 4MB" (May 2025, 6.16).
	 */
	{ "3.6", "131072" }, { "4.1", "262144" }, { "5.0", "1048576" },
	{ "6.16", "4194304" }, { NULL, NULL } };
static const struct catalog_default d_tfo_blackhole[] = {
	/* cf1ef3f0719b (4.12) one hour; 213ad73d0607 "tcp: disable TFO
	   blackhole logic by default" (5.14, also in stable trees) */
	{ "4.12", "3600" }, { "5.14", "0" }, { NULL, NULL } };
static const struct catalog_default d_optmem_max[] = {
	/*
	 * sizeof(long) * (2 * UIO_MAXIOV + 512): 20480 on 64-bit builds
	 * (10240 on 32-bit, not recorded). 128 KiB for TCP zerocopy from
	 * "net: increase optmem_max default value" (about 5.16, hash not
	 * pinned [M]); a child netns starts from the same constant since
	 * "net: Namespace-ify sysctl_optmem_max" (6.8) [V].
	 */
	{ "2.6.12", "20480" }, { "5.16", "131072" }, { NULL, NULL } };
/* SK_MEM_QUANTUM, later PAGE_SIZE: 4096 on x86-64 (64 KiB pages give
   65536) [D], [V]. Added with UDP memory accounting, 95766fff6b9a (2.6.25). */
static const struct catalog_default d_udp_mem_min[] = {
	{ "2.6.25", "4096" }, { NULL, NULL } };
/* arp_tbl in net/ipv4/arp.c [S], [V] */
static const struct catalog_default d_gc_thresh1[] = {
	{ "2.6.12", "128" }, { NULL, NULL } };
static const struct catalog_default d_gc_thresh2[] = {
	{ "2.6.12", "512" }, { NULL, NULL } };
static const struct catalog_default d_gc_thresh3[] = {
	{ "2.6.12", "1024" }, { NULL, NULL } };
static const struct catalog_default d_dev_weight[] = {
	{ "2.6.12", "64" }, { NULL, NULL } };	/* weight_p, [D], [V] */
static const struct catalog_default d_netdev_budget[] = {
	/* Split from netdev_max_backlog in 2.6.13 (see d_netdev_max_backlog,
	   [M]); 300 ever since [V]. */
	{ "2.6.13", "300" }, { NULL, NULL } };
static const struct catalog_default d_busy_poll[] = {
	{ "3.11", "0" }, { NULL, NULL } };	/* [D], [V] */
static const struct catalog_default d_autobind_reuse[] = {
	{ "5.7", "0" }, { NULL, NULL } };	/* 4b01a9674231, [V] */
static const struct catalog_default d_migrate_req[] = {
	{ "5.14", "0" }, { NULL, NULL } };	/* f9ac779f881c, [V] */
static const struct catalog_default d_ipv6_source_route[] = {
	/* 0bcbc9262904 "[IPV6]: Disallow RH0 by default" added the key with
	   0 = type 2 headers only (2.6.21.1 stable, 2.6.22 mainline) */
	{ "2.6.22", "0" }, { NULL, NULL } };

/*
 * Sorted by name (strcmp). Ids are stable: see the checklist in catalog.h.
 * They were handed out once, in the order the keys were first catalogued,
 * and say nothing about a key.
 *
 * Evidence tags: [V] verified on a running 6.18 kernel in a fresh network
 * namespace, [S] read in the kernel source, [D] ip-sysctl.rst, tcp(7), a
 * commit id (release derived from the merge window unless a pull request
 * named it), or [M] for a fact that could not be checked (best knowledge,
 * to be re-checked before anything depends on it).
 */
static const struct catalog_entry table[] = {
	/*
	 * net.core.busy_poll and busy_read: global, absent in a child netns
	 * [V]; proc_dointvec_minmax with a floor of 0 [S]; they exist with
	 * CONFIG_NET_RX_BUSY_POLL. Added as low_latency_{poll,read} by
	 * 060212928670 and renamed before 3.11 was released [M]. ip-sysctl
	 * suggests 50 (busy_read) and 50 to 100 (busy_poll); beyond about a
	 * millisecond a CPU spins for nothing.
	 */
	{ 95, "net.core.busy_poll", SHAPE_INT, 1, 0, INT_MAX, 0, 1000,
	  DEFAULT_FIXED, d_busy_poll, SCOPE_GLOBAL, NONE, "3.11", NONE, 0,
	  "microseconds",
	  "busy-polling time of poll(), select() and epoll on device queues (0 off)" },
	{ 94, "net.core.busy_read", SHAPE_INT, 1, 0, INT_MAX, 0, 1000,
	  DEFAULT_FIXED, d_busy_poll, SCOPE_GLOBAL, NONE, "3.11", NONE, 0,
	  "microseconds",
	  "busy-polling time of blocking reads; the default of SO_BUSY_POLL (0 off)" },
	/* Global, absent in a child netns [V]; CONFIG_DEFAULT_NET_SCH, else
	   pfifo_fast. Added by "net_sched: add default_qdisc" in 3.12 [M]. */
	{ 40, "net.core.default_qdisc", SHAPE_STRING, 1, NO_RANGE,
	  DEFAULT_CONFIG, NONE, SCOPE_GLOBAL, NONE, "3.12", NONE, 0,
	  NULL, "queueing discipline given to network devices created from now on" },
	/*
	 * Global [V]. Any int until d1f9f79fa2af "net: let
	 * net.core.dev_weight always be non-zero" (Jan 2025, 6.14 by date
	 * [M]) set a floor of 1 [S]. Per-CPU backlog NAPI weight (RPS and
	 * non-NAPI drivers), not a driver's own NAPI weight.
	 */
	{ 91, "net.core.dev_weight", SHAPE_INT, 1, 1, INT_MAX, 16, 1024,
	  DEFAULT_FIXED, d_dev_weight, SCOPE_GLOBAL, NONE, "2.6.12", NONE, 0,
	  "packets",
	  "packets the per-CPU backlog may process in one NAPI poll" },
	/* Global, proc_dointvec: any int [S], [V: absent in a child]. */
	{ 92, "net.core.netdev_budget", SHAPE_INT, 1, INT_RANGE, 300, 65536,
	  DEFAULT_FIXED, d_netdev_budget, SCOPE_GLOBAL, NONE, "2.6.13", NONE, 0,
	  "packets",
	  "packets one receive softirq may process over all devices before yielding" },
	/*
	 * Global [V]. 7acf8a1e8a28 (4.12) replaced the fixed 2 jiffies with
	 * this key, default 2000; a4837980fd9f "net: revert default NAPI poll
	 * timeout to 2 jiffies" (5.7 by date [M]) made the default
	 * 2 * USEC_PER_SEC / HZ again: 2000 at HZ=1000, 8000 at HZ=250 [V],
	 * 20000 at HZ=100, so the default is a build option. c180188ec022
	 * "net: set the minimum for net_hotdata.netdev_budget_usecs" (Feb
	 * 2025, 6.14 by date [M]) refuses less than that same 2 jiffies; the
	 * widest floor (HZ=1000) is recorded, as for the jiffies keys.
	 */
	{ 93, "net.core.netdev_budget_usecs", SHAPE_INT, 1, 2000, INT_MAX, 2000, 64000,
	  DEFAULT_CONFIG, NONE, SCOPE_GLOBAL, NONE, "4.12", NONE, 0,
	  "microseconds",
	  "time one receive softirq may spend before yielding, with netdev_budget" },
	/* net_core_table, proc_dointvec, global [S], [V]. */
	{ 24, "net.core.netdev_max_backlog", SHAPE_INT, 1, INT_RANGE, 1000, 262144,
	  DEFAULT_FIXED, d_netdev_max_backlog, SCOPE_GLOBAL, NONE, "2.6.12", NONE, 0,
	  NULL,
	  "per-CPU queue of received packets waiting for protocol processing, in packets" },
	/*
	 * proc_dointvec_minmax, floor 0 [S], [V]. Global until "net:
	 * Namespace-ify sysctl_optmem_max" (Eric Dumazet, Dec 2023, 6.8);
	 * a child netns starts from the constant, not from the host's value
	 * [V]. Sane floor: the old default; below it filters, multicast
	 * source lists and zerocopy notifications fail with ENOBUFS/ENOMEM.
	 */
	{ 84, "net.core.optmem_max", SHAPE_INT, 1, 0, INT_MAX, 20480, 16777216,
	  DEFAULT_FIXED, d_optmem_max, SCOPE_NETNS, "6.8", "2.6.12", NONE, 0,
	  "bytes",
	  "option memory per socket: socket filters, multicast lists, zerocopy state" },
	/*
	 * The four net.core.{r,w}mem_* keys are global. Since 19249c0724f2
	 * (6.11) a child netns shows them read-only (EACCES on write, [V]);
	 * before 6.11 they were absent there. SCOPE_GLOBAL_RO describes
	 * 6.11 and later. Minimum is SOCK_MIN_RCVBUF / SOCK_MIN_SNDBUF,
	 * 2304 / 4608 on x86-64 (depends on sizeof(struct sk_buff), [M]).
	 */
	{ 29, "net.core.rmem_default", SHAPE_INT, 1, 2304, INT_MAX, 65536, 16777216,
	  DEFAULT_FIXED, d_mem_default, SCOPE_GLOBAL_RO, NONE, "2.6.12", NONE, 0,
	  "bytes",
	  "initial receive buffer of a socket of any protocol (TCP uses tcp_rmem instead)" },
	{ 27, "net.core.rmem_max", SHAPE_INT, 1, 2304, INT_MAX, 212992, 268435456,
	  DEFAULT_FIXED, d_mem_max, SCOPE_GLOBAL_RO, NONE, "2.6.12", NONE, 0,
	  "bytes",
	  "largest receive buffer SO_RCVBUF may ask for; does not cap TCP autotuning" },
	{ 7, "net.core.somaxconn", SHAPE_INT, 1, 0, INT_MAX, 128, 65535,
	  DEFAULT_FIXED, d_somaxconn, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  "connections",
	  "upper bound applied at listen() to every socket's accept-queue backlog" },
	{ 30, "net.core.wmem_default", SHAPE_INT, 1, 4608, INT_MAX, 65536, 16777216,
	  DEFAULT_FIXED, d_mem_default, SCOPE_GLOBAL_RO, NONE, "2.6.12", NONE, 0,
	  "bytes",
	  "initial send buffer of a socket of any protocol (TCP uses tcp_wmem instead)" },
	{ 28, "net.core.wmem_max", SHAPE_INT, 1, 4608, INT_MAX, 212992, 268435456,
	  DEFAULT_FIXED, d_mem_max, SCOPE_GLOBAL_RO, NONE, "2.6.12", NONE, 0,
	  "bytes",
	  "largest send buffer SO_SNDBUF may ask for; does not cap TCP autotuning" },
	/*
	 * IPv4 conf.all and conf.default: devinet_conf_proc, proc_dointvec,
	 * any int [S], [V: -2147483648 and 2147483647 accepted]. Per netns
	 * with "[IPV4]: Switch users of ipv4_devconf(_all) to use the pernet
	 * one" (Pavel Emelyanov, Jan 2008, 2.6.25). A new netns copies the
	 * initial namespace's current all and default values
	 * (net.core.devconf_inherit_init_net = 0, the default since it was
	 * added in 5.1; ip-sysctl.rst) [V]. The history is what the initial
	 * namespace boots with: ipv4_devconf and ipv4_devconf_dflt in
	 * devinet.c [S], [V on 6.18]; only conf.default accepts source routes.
	 * How all and an interface combine (devinet.c IN_DEV_* macros, [D]):
	 * rp_filter the higher; log_martians, send_redirects and
	 * secure_redirects either; accept_source_route both; accept_redirects
	 * either on a host, both on a forwarding interface. Per-interface
	 * names (conf.eth0.*) are not catalogued. Writing conf.all changes no
	 * interface's own value [V].
	 */
	{ 59, "net.ipv4.conf.all.accept_redirects", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "accept ICMP redirects: on a host if all or the interface allows, when "
	  "forwarding if both do" },
	{ 65, "net.ipv4.conf.all.accept_source_route", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_zero, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "accept source-routed packets, only where both all and the interface allow it" },
	{ 67, "net.ipv4.conf.all.log_martians", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_zero, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "log packets with impossible source addresses, if all or the interface says so" },
	{ 57, "net.ipv4.conf.all.rp_filter", SHAPE_INT, 1, INT_RANGE, 0, 2,
	  DEFAULT_INIT_NET, d_zero, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "reverse-path source validation (0 off, 1 strict, 2 loose); the higher of all "
	  "and the interface applies" },
	{ 63, "net.ipv4.conf.all.secure_redirects", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "accept ICMP redirects only from current gateways, if all or the interface "
	  "says so" },
	{ 61, "net.ipv4.conf.all.send_redirects", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "send ICMP redirects when routing, if all or the interface says so" },
	{ 60, "net.ipv4.conf.default.accept_redirects", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "accept_redirects given to IPv4 interfaces created from now on" },
	{ 66, "net.ipv4.conf.default.accept_source_route", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "accept_source_route given to IPv4 interfaces created from now on" },
	{ 68, "net.ipv4.conf.default.log_martians", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_zero, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "log_martians given to IPv4 interfaces created from now on" },
	{ 58, "net.ipv4.conf.default.rp_filter", SHAPE_INT, 1, INT_RANGE, 0, 2,
	  DEFAULT_INIT_NET, d_zero, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "rp_filter given to IPv4 interfaces created from now on (0 off, 1 strict, 2 "
	  "loose)" },
	{ 64, "net.ipv4.conf.default.secure_redirects", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "secure_redirects given to IPv4 interfaces created from now on" },
	{ 62, "net.ipv4.conf.default.send_redirects", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "send_redirects given to IPv4 interfaces created from now on" },
	/*
	 * u8 0..1 [S], [V]; per netns with the ICMP sysctls of 2.6.25 [M].
	 * Answering broadcast echo requests makes the host a smurf
	 * amplifier: sane is 1 only.
	 */
	{ 69, "net.ipv4.icmp_echo_ignore_broadcasts", SHAPE_INT, 1, 0, 1, 1, 1,
	  DEFAULT_FIXED, d_icmp_broadcasts, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "ignore ICMP echo and timestamp requests sent to broadcast or multicast "
	  "addresses" },
	{ 70, "net.ipv4.icmp_ignore_bogus_error_responses", SHAPE_INT, 1, 0, 1, 0, 1,
	  DEFAULT_FIXED, d_icmp_bogus, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "do not log ICMP errors that answer broadcast frames (RFC 1122 violations)" },
	/* u8 0..1 [S], [V]; 4b01a9674231 (Kuniyuki Iwashima, 5.7), per netns
	   from the start. ip-sysctl: IP_BIND_ADDRESS_NO_PORT is the better
	   fix; only experts should set it. */
	{ 83, "net.ipv4.ip_autobind_reuse", SHAPE_INT, 1, 0, 1, 0, 1,
	  DEFAULT_FIXED, d_autobind_reuse, SCOPE_NETNS, "5.7", "5.7", NONE, 0,
	  NULL,
	  "let bind(port 0) reuse a port held by SO_REUSEADDR sockets of the same user" },
	/*
	 * conf.all.forwarding under its old name ("[INET]: Merge
	 * sys.net.ipv4.ip_forward and sys.net.ipv4.conf.all.forwarding",
	 * 2.6.25): devinet_sysctl_forward, proc_dointvec, any int [S], [V].
	 * A write that changes it sets every interface's forwarding and
	 * conf.default's to the same value and conf.all.accept_redirects to
	 * its negation [S], [V]. Copied from the initial namespace like the
	 * conf keys [V].
	 */
	{ 56, "net.ipv4.ip_forward", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_INIT_NET, d_zero, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "forward IPv4 packets between interfaces (conf.all.forwarding; a write sets "
	  "every interface)" },
	/*
	 * Two ints, each 1..65535; the handler also wants lo <= hi and lo >=
	 * ip_unprivileged_port_start, which a per-field range cannot say [S],
	 * [V]. Sane: no field below the privileged ports.
	 */
	{ 16, "net.ipv4.ip_local_port_range", SHAPE_VECTOR, 2, 1, 65535, 1024, 65535,
	  DEFAULT_FIXED, d_port_range, SCOPE_NETNS, "3.13", "2.6.12", NONE, 0,
	  NULL, "first and last port connect() and bind(port 0) pick local ports from" },
	/* Bitmap written as "1,2-4"; per netns since 122ff243f5f1 (3.16).
	   Added by "net: reserve ports for applications using fixed port
	   numbers" in 2.6.35 [M]. */
	{ 18, "net.ipv4.ip_local_reserved_ports", SHAPE_PORTS, 1, NO_RANGE,
	  DEFAULT_FIXED, d_reserved_ports, SCOPE_NETNS, "3.16", "2.6.35", NONE, 0,
	  NULL, "ports that automatic local port selection skips" },
	/* 4548b683b781 (4.11), per netns from the start; 0..65535 and not
	   above the start of ip_local_port_range [S]. Sane: 0 (rootless
	   containers) up to the traditional 1024. */
	{ 17, "net.ipv4.ip_unprivileged_port_start", SHAPE_INT, 1, 0, 65535, 0, 1024,
	  DEFAULT_FIXED, d_unpriv_port, SCOPE_NETNS, "4.11", "4.11", NONE, 0,
	  NULL, "first port an unprivileged process may bind" },
	/*
	 * Fields of the one ARP table (arp_tbl) that all namespaces share:
	 * neigh_sysctl_register() files the "default" directory under
	 * neigh_parms_net() of the table's parms, the initial namespace [S];
	 * a child netns has only its interfaces' directories, without these
	 * three keys [V], so they are global. proc_dointvec_minmax 0..INT_MAX
	 * [S]. Sane ceiling: clusters with tens of thousands of neighbours
	 * (large Kubernetes nodes) use about 100000; below the defaults the
	 * table churns.
	 */
	{ 88, "net.ipv4.neigh.default.gc_thresh1", SHAPE_INT, 1, 0, INT_MAX, 0, 1048576,
	  DEFAULT_FIXED, d_gc_thresh1, SCOPE_GLOBAL, NONE, "2.6.12", NONE, 0,
	  "entries", "ARP entries below which neighbour garbage collection never runs" },
	{ 89, "net.ipv4.neigh.default.gc_thresh2", SHAPE_INT, 1, 0, INT_MAX, 512, 1048576,
	  DEFAULT_FIXED, d_gc_thresh2, SCOPE_GLOBAL, NONE, "2.6.12", NONE, 0,
	  "entries", "ARP entries above which entries older than 5 s are collected" },
	{ 90, "net.ipv4.neigh.default.gc_thresh3", SHAPE_INT, 1, 0, INT_MAX, 1024, 1048576,
	  DEFAULT_FIXED, d_gc_thresh3, SCOPE_GLOBAL, NONE, "2.6.12", NONE, 0,
	  "entries",
	  "hard limit of ARP entries; beyond it new neighbours fail (neighbour table overflow)" },
	/*
	 * The ip_conntrack_* names were compatibility aliases of the
	 * nf_conntrack_* keys (CONFIG_NF_CONNTRACK_PROC_COMPAT). Removed by
	 * adf0516845bc "netfilter: remove ip_conntrack* sysctl compat code"
	 * (nf-next, August 2016), first release 4.9 (merge-window date).
	 */
	{ 51, "net.ipv4.netfilter.ip_conntrack_max", SHAPE_INT, 1, INT_RANGE, 0, INT_MAX,
	  DEFAULT_NONE, NONE, SCOPE_GLOBAL, NONE, "2.6.12", "4.9", CATALOG_MODULE,
	  "connections", "removed in 4.9: old name of net.netfilter.nf_conntrack_max" },
	/* Per netns with the rest of the conntrack tables since d2ba1fde42af
	   (June 2012, 3.6 by merge-window date, [M]). */
	{ 52, "net.ipv4.netfilter.ip_conntrack_tcp_timeout_time_wait", SHAPE_INT, 1,
	  JIFFIES_RANGE, 30, 240,
	  DEFAULT_NONE, NONE, SCOPE_NETNS, "3.6", "2.6.12", "4.9",
	  CATALOG_MODULE | CATALOG_JIFFIES,
	  "seconds",
	  "removed in 4.9: old name of net.netfilter.nf_conntrack_tcp_timeout_time_wait" },
	/* ca2eb5679f8d "tcp: remove Appropriate Byte Count support": first
	   release without it 3.9 (tcp(7): "Linux 2.6.15 to Linux 3.8"). */
	{ 45, "net.ipv4.tcp_abc", SHAPE_INT, 1, INT_RANGE, 0, 2,
	  DEFAULT_NONE, NONE, SCOPE_GLOBAL, NONE, "2.6.15", "3.9", 0,
	  NULL,
	  "removed in 3.9: Appropriate Byte Counting (RFC 3465) for congestion window growth" },
	/* u8 [V]; per netns since 65c9410cf55e (Oct 2017, 4.15). */
	{ 12, "net.ipv4.tcp_abort_on_overflow", SHAPE_INT, 1, U8_RANGE, 0, 1,
	  DEFAULT_FIXED, d_zero, SCOPE_NETNS, "4.15", "2.6.12", NONE, 0,
	  NULL,
	  "reset a handshake that completes while the accept queue is full instead of retrying" },
	/*
	 * proc_dointvec_minmax -31..31 since 0147fc058d11 (2.6.37) [S], [V];
	 * per netns in Eric Dumazet's Oct 2017 series (4.15, parent of
	 * af9b69a7a6ca). Ignored since dfa2f0483360 "tcp: get rid of
	 * sysctl_tcp_adv_win_scale" (July 2023, 6.6): a per-socket
	 * len/truesize ratio replaced it; ip-sysctl.rst says "Obsolete since
	 * linux-6.6". Sane: the two values the kernel shipped.
	 */
	{ 79, "net.ipv4.tcp_adv_win_scale", SHAPE_INT, 1, -31, 31, 1, 2,
	  DEFAULT_FIXED, d_adv_win_scale, SCOPE_NETNS, "4.15", "2.6.12", NONE, CATALOG_NOOP,
	  NULL, "share of the receive buffer counted as overhead; ignored since 6.6" },
	/*
	 * Space-separated list. Global; a child netns sees it read-only
	 * since 97684f0970f6 (5.13) and may only pick listed algorithms
	 * (8d432592f30f, EPERM otherwise) [V]. Before 5.13 it was writable
	 * from any netns. Default: reno plus the build's default algorithm.
	 * Added in 2.6.20 [M].
	 */
	{ 39, "net.ipv4.tcp_allowed_congestion_control", SHAPE_STRING, 1, NO_RANGE,
	  DEFAULT_CONFIG, NONE, SCOPE_GLOBAL_RO, NONE, "2.6.20", NONE, 0,
	  NULL,
	  "congestion control algorithms unprivileged users and child namespaces may select" },
	/* Mode 0444 everywhere, lists registered algorithms; visible in a
	   child netns since the 4.15 namespacing of the cc sysctls [M];
	   added in 2.6.20 [M]. */
	{ 38, "net.ipv4.tcp_available_congestion_control", SHAPE_STRING, 1, NO_RANGE,
	  DEFAULT_NONE, NONE, SCOPE_GLOBAL_RO, NONE, "2.6.20", NONE, CATALOG_READONLY,
	  NULL,
	  "congestion control algorithms currently registered (built in or loaded)" },
	/* proc_dointvec [S]; per netns since b0f9ca53cbb1 "ipv4: Namespecify
	   TCP PMTU mechanism" (Feb 2015, 4.0). Sane: RFC 4821 suggests 1024
	   as a start; below 512 probing converges slowly. */
	{ 36, "net.ipv4.tcp_base_mss", SHAPE_INT, 1, INT_RANGE, 512, 1460,
	  DEFAULT_FIXED, d_base_mss, SCOPE_NETNS, "4.0", "2.6.17", NONE, 0,
	  "bytes", "MSS that packetization-layer path MTU probing starts from" },
	/* proc_douintvec_minmax, 0 or a power of two up to 16Mi (rounded
	   up) [S], [D]; set in the parent before unshare. */
	{ 54, "net.ipv4.tcp_child_ehash_entries", SHAPE_INT, 1, 0, 16777216, 0, 16777216,
	  DEFAULT_FIXED, d_child_ehash, SCOPE_NETNS, "6.1", "6.1", NONE, 0,
	  NULL,
	  "size of the private TCP established hash for namespaces created later (0 = share)" },
	/* A child netns copies init_net's algorithm at creation, and
	   init_net starts from CONFIG_DEFAULT_TCP_CONG [S], [V]; per netns
	   since 6670e1524477 (4.15). Pluggable congestion control 2.6.13 [M]. */
	{ 37, "net.ipv4.tcp_congestion_control", SHAPE_STRING, 1, NO_RANGE,
	  DEFAULT_INIT_NET, NONE, SCOPE_NETNS, "4.15", "2.6.13", NONE, 0,
	  NULL, "congestion control algorithm of new connections" },
	/* TCP Cookie Transactions, removed by 1a2c6181c4a1 "tcp: Remove
	   TCPCT" (March 2013): first release without it 3.10 (tcp(7)). */
	{ 48, "net.ipv4.tcp_cookie_size", SHAPE_INT, 1, INT_RANGE, 0, 16,
	  DEFAULT_NONE, NONE, SCOPE_GLOBAL, NONE, "2.6.33", "3.10", 0,
	  "bytes",
	  "removed in 3.10: default size of the TCP Cookie Transactions option" },
	/*
	 * Needed CONFIG_NET_DMA, which 77873803363c "net_dma: mark broken"
	 * disabled in 3.13 (the kernel's own Documentation/ABI/removed/
	 * net_dma says "Removed in kernel v3.13"); the code itself went in
	 * "net_dma: simple removal" (Sept 2014, 3.18 [M]). Added with the
	 * I/OAT work in 2.6.18 [M] (tcp(7) says 2.6.24).
	 */
	{ 49, "net.ipv4.tcp_dma_copybreak", SHAPE_INT, 1, INT_RANGE, 0, INT_MAX,
	  DEFAULT_NONE, NONE, SCOPE_GLOBAL, NONE, "2.6.18", "3.13", 0,
	  "bytes",
	  "removed in 3.13: smallest socket read offloaded to a DMA copy engine" },
	/* u8 [S], [V]; per netns since 6496f6bde0c3 (Oct 2017, 4.15). */
	{ 73, "net.ipv4.tcp_dsack", SHAPE_INT, 1, U8_RANGE, 0, 1,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "4.15", "2.6.12", NONE, 0,
	  NULL, "send duplicate SACKs (RFC 2883)" },
	/*
	 * u8 0..2 on 6.18 [S], [V: 3 rejected]. The AccECN series raises the
	 * maximum to 5 ("tcp: accecn: enable AccECN", posted Oct 2025, so
	 * expected in 6.19, [M]). Per netns since 5d134f1c1f36 (Jan 2013, 3.9).
	 */
	{ 55, "net.ipv4.tcp_ecn", SHAPE_INT, 1, 0, 2, 0, 2,
	  DEFAULT_FIXED, d_ecn, SCOPE_NETNS, "3.9", "2.6.12", NONE, 0,
	  NULL, "use of ECN (0 off, 1 request and accept, 2 accept only)" },
	/* Read-only; negative in a child that shares the global table [D],
	   [V: -262144]. Computed from RAM at boot, so no default. */
	{ 53, "net.ipv4.tcp_ehash_entries", SHAPE_INT, 1, INT_RANGE, INT_MIN, INT_MAX,
	  DEFAULT_NONE, NONE, SCOPE_NETNS, "6.1", "6.1", NONE, CATALOG_READONLY,
	  NULL,
	  "buckets of the TCP established hash this namespace uses (negative = shared)" },
	/* FACK removed by 713bafea9292 "tcp: retire FACK loss detection"
	   (Nov 2017, 4.15); the key stays, "no effect anymore" [D]. u8 [S];
	   per netns since 0bc65a28ae2a (Oct 2017, 4.15). */
	{ 44, "net.ipv4.tcp_fack", SHAPE_INT, 1, U8_RANGE, 0, 1,
	  DEFAULT_FIXED, d_fack, SCOPE_NETNS, "4.15", "2.6.12", NONE, CATALOG_NOOP,
	  NULL, "forward acknowledgement loss recovery; ignored since 4.15" },
	/* proc_dointvec, no range (-1 and 0x403 accepted) [V]; per netns
	   since "ipv4: Namespaceify tcp_fastopen knob" (Sept 2017, 4.15).
	   Sane: any combination of the defined flags, 0x607 at most. */
	{ 32, "net.ipv4.tcp_fastopen", SHAPE_INT, 1, INT_RANGE, 0, 0x607,
	  DEFAULT_FIXED, d_fastopen, SCOPE_NETNS, "4.15", "3.7", NONE, 0,
	  NULL, "TCP Fast Open flags (0x1 client, 0x2 server, 0x400 all listeners)" },
	/*
	 * proc_dointvec_minmax, floor 0 [S], [V]; seconds, not jiffies.
	 * Added by cf1ef3f0719b (Apr 2017, 4.12); per netns since
	 * 3733be14a32b (Sept 2017, 4.15). The time doubles with each
	 * further black hole, up to 64 times [S].
	 */
	{ 82, "net.ipv4.tcp_fastopen_blackhole_timeout_sec", SHAPE_INT, 1, 0, INT_MAX, 0, 86400,
	  DEFAULT_FIXED, d_tfo_blackhole, SCOPE_NETNS, "4.15", "4.12", NONE, 0,
	  "seconds",
	  "how long active Fast Open stays off after a black hole is detected (0 never)" },
	/* Mode 0600 [V]; generated at random when first needed, so no
	   default; per netns since "ipv4: Namespaceify tcp_fastopen_key
	   knob" (Sept 2017, 4.15). */
	{ 33, "net.ipv4.tcp_fastopen_key", SHAPE_STRING, 1, NO_RANGE,
	  DEFAULT_RANDOM, NONE, SCOPE_NETNS, "4.15", "3.7", NONE, CATALOG_SECRET,
	  NULL, "secret key for TCP Fast Open cookies (primary and optional backup)" },
	/* proc_dointvec_jiffies, negative values accepted [V]; per netns
	   since 1e579caa18b9 (4.6). */
	{ 3, "net.ipv4.tcp_fin_timeout", SHAPE_INT, 1, JIFFIES_RANGE, 5, 120,
	  DEFAULT_FIXED, d_fin_timeout, SCOPE_NETNS, "4.6", "2.6.12", NONE, CATALOG_JIFFIES,
	  "seconds",
	  "lifetime of an orphaned connection in FIN_WAIT_2; does not change TIME_WAIT (60 s)" },
	/* Added by 3cfe3baaf07c (2.6.22); 9b44190dc114 "tcp: refactor F-RTO"
	   (March 2013) kept only tcp_frto, so 3.10 is the first release
	   without it (merge-window date). */
	{ 46, "net.ipv4.tcp_frto_response", SHAPE_INT, 1, INT_RANGE, 0, 2,
	  DEFAULT_NONE, NONE, SCOPE_GLOBAL, NONE, "2.6.22", "3.10", 0,
	  NULL,
	  "removed in 3.10: congestion response after F-RTO found a spurious timeout" },
	/* proc_dointvec_jiffies, 0 accepted [V]; per netns in the 4.5
	   keepalive series. */
	{ 15, "net.ipv4.tcp_keepalive_intvl", SHAPE_INT, 1, JIFFIES_RANGE, 5, 300,
	  DEFAULT_FIXED, d_keepalive_intvl, SCOPE_NETNS, "4.5", "2.6.12", NONE, CATALOG_JIFFIES,
	  "seconds", "gap between keepalive probes on SO_KEEPALIVE sockets" },
	/* u8 [V]; per netns since 9bd6861bd432 (4.5). Sane: one or two lost
	   probes must not kill a connection. */
	{ 14, "net.ipv4.tcp_keepalive_probes", SHAPE_INT, 1, U8_RANGE, 3, 20,
	  DEFAULT_FIXED, d_keepalive_probes, SCOPE_NETNS, "4.5", "2.6.12", NONE, 0,
	  "probes",
	  "unanswered keepalive probes before the connection is declared dead" },
	/* proc_dointvec_jiffies, 0 accepted [V]; per netns since
	   13b287e8d1ca (4.5). Sane: up to a day; below 30 s it is traffic. */
	{ 13, "net.ipv4.tcp_keepalive_time", SHAPE_INT, 1, JIFFIES_RANGE, 30, 86400,
	  DEFAULT_FIXED, d_keepalive_time, SCOPE_NETNS, "4.5", "2.6.12", NONE, CATALOG_JIFFIES,
	  "seconds",
	  "idle time before the first keepalive probe on SO_KEEPALIVE sockets" },
	/*
	 * proc_dointvec, any int [S], [V]; per netns in the Oct 2017 series
	 * (4.15). Sane: 4 KiB (the floor 98e09386c0ef suggests for drivers
	 * with quick TX completion) up to 16 MiB.
	 */
	{ 80, "net.ipv4.tcp_limit_output_bytes", SHAPE_INT, 1, INT_RANGE, 4096, 16777216,
	  DEFAULT_FIXED, d_limit_output, SCOPE_NETNS, "4.15", "3.6", NONE, 0,
	  "bytes",
	  "bytes a TCP socket may have queued in the qdisc and device (TCP Small Queues)" },
	/* Global, proc_dointvec; ignored since b6690b143866 "tcp: remove
	   prequeue support" (4.14, tcp(7)); absent in a child netns [V]. */
	{ 43, "net.ipv4.tcp_low_latency", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_FIXED, d_zero, SCOPE_GLOBAL, NONE, "2.6.12", NONE, CATALOG_NOOP,
	  NULL, "prefer latency over throughput; ignored since 4.14" },
	/* Global (ipv4_table), proc_dointvec [S], [V: absent in a child];
	   ehash entries / 2 at boot [V: 131072 with 262144]. Sane floor:
	   the default of a host with about 1 GiB; lowering it only resets
	   orphans early. */
	{ 20, "net.ipv4.tcp_max_orphans", SHAPE_INT, 1, INT_RANGE, 16384, INT_MAX,
	  DEFAULT_EHASH_HALF, NONE, SCOPE_GLOBAL, NONE, "2.6.12", NONE, 0,
	  "sockets",
	  "orphaned sockets (closed by the application) kept before new ones are reset" },
	/* RFC 3742 Limited Slow-Start, added in 2.6.22 [M]; retired by
	   9f9843a751d0 "tcp: properly handle stretch acks in slow start"
	   (Nov 2013, 3.13). */
	{ 47, "net.ipv4.tcp_max_ssthresh", SHAPE_INT, 1, INT_RANGE, 0, INT_MAX,
	  DEFAULT_NONE, NONE, SCOPE_GLOBAL, NONE, "2.6.22", "3.13", 0,
	  NULL,
	  "removed in 3.13: congestion window above which slow start was limited (RFC 3742)" },
	/* proc_dointvec, no range [V]. max(128, ehash/128) since 5.4,
	   ehash/256 before [S], [V]. Per netns since 4.11 [M]. Only used
	   with tcp_syncookies=0 [V]; any value from 128 up is harmless. */
	{ 6, "net.ipv4.tcp_max_syn_backlog", SHAPE_INT, 1, INT_RANGE, 128, INT_MAX,
	  DEFAULT_EHASH_SYNQ, NONE, SCOPE_NETNS, "4.11", "2.6.12", NONE, 0,
	  "connections",
	  "pending handshakes per listener before SYNs are dropped when SYN cookies are off" },
	/* proc_dointvec, no range [V]; ehash/2 [S], [V]. Per netns with
	   the tw_recycle patch of Dec 2016 (4.11, hash not pinned). Sane
	   floor as for tcp_max_orphans: below it TIME_WAIT protection is
	   silently skipped (TCPTimeWaitOverflow). */
	{ 4, "net.ipv4.tcp_max_tw_buckets", SHAPE_INT, 1, INT_RANGE, 16384, INT_MAX,
	  DEFAULT_EHASH_HALF, NONE, SCOPE_NETNS, "4.11", "2.6.12", NONE, 0,
	  "sockets",
	  "TIME_WAIT sockets kept at once; beyond it connections close without TIME_WAIT" },
	/* Global, three unsigned longs in pages (proc_doulongvec_minmax: up
	   to ULONG_MAX, recorded as LLONG_MAX), computed from free memory
	   at boot [V]. The sane range only rejects zero and absurd sizes;
	   whether a value fits the host needs its RAM. */
	{ 31, "net.ipv4.tcp_mem", SHAPE_VECTOR, 3, 0, LLONG_MAX, 1, 4294967296LL,
	  DEFAULT_BOOT, NONE, SCOPE_GLOBAL, NONE, "2.6.12", NONE, 0,
	  "pages",
	  "TCP memory thresholds for all sockets: no pressure, pressure, hard limit" },
	/* u8 0..1 [S], [V]; f9ac779f881c (Kuniyuki Iwashima, June 2021,
	   5.14), per netns from the start. */
	{ 81, "net.ipv4.tcp_migrate_req", SHAPE_INT, 1, 0, 1, 0, 1,
	  DEFAULT_FIXED, d_migrate_req, SCOPE_NETNS, "5.14", "5.14", NONE, 0,
	  NULL,
	  "move unaccepted connections of a closed SO_REUSEPORT listener to another one" },
	/* u8 [S], [V]; per netns in the Oct 2017 series (4.15). Sane: on;
	   off pins every receive buffer at tcp_rmem[1]. */
	{ 77, "net.ipv4.tcp_moderate_rcvbuf", SHAPE_INT, 1, U8_RANGE, 1, 1,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "4.15", "2.6.12", NONE, 0,
	  NULL, "autotune each connection's receive buffer within tcp_rmem" },
	/* u8 [V]; per netns since b0f9ca53cbb1 (4.0). */
	{ 35, "net.ipv4.tcp_mtu_probing", SHAPE_INT, 1, U8_RANGE, 0, 2,
	  DEFAULT_FIXED, d_mtu_probing, SCOPE_NETNS, "4.0", "2.6.17", NONE, 0,
	  NULL,
	  "packetization-layer path MTU discovery (0 off, 1 after a black hole, 2 always)" },
	/* u8 [S], [V]; per netns in the Oct 2017 series (4.15). */
	{ 76, "net.ipv4.tcp_no_metrics_save", SHAPE_INT, 1, U8_RANGE, 0, 1,
	  DEFAULT_FIXED, d_zero, SCOPE_NETNS, "4.15", "2.6.12", NONE, 0,
	  NULL,
	  "do not keep RTT, cwnd and ssthresh of closed connections in the metrics cache" },
	/* u32 [V]; per netns since 4979f2d9f726 (4.6). Sane floor: below
	   16 KiB writers wake up for every few segments. */
	{ 41, "net.ipv4.tcp_notsent_lowat", SHAPE_INT, 1, U32_RANGE, 16384, 4294967295LL,
	  DEFAULT_FIXED, d_notsent_lowat, SCOPE_NETNS, "4.6", "3.12", NONE, 0,
	  "bytes",
	  "unsent bytes allowed in the write queue before poll() stops reporting writable" },
	/* u8 [V]; 0 means 8 for a peer that still answers [D]; per netns in
	   the Nikolay Borisov series (4.6). Sane: up to 15, beyond that the
	   backoff outlives any client. */
	{ 19, "net.ipv4.tcp_orphan_retries", SHAPE_INT, 1, U8_RANGE, 0, 15,
	  DEFAULT_FIXED, d_zero, SCOPE_NETNS, "4.6", "2.6.12", NONE, 0,
	  "retransmissions",
	  "retransmissions of an orphaned connection before it is killed (0 = 8)" },
	/*
	 * Bounded on 6.18 [V]: 0 is refused and the ceiling is the
	 * namespace's tcp_max_reordering (300 by default), so 400 fails
	 * until tcp_max_reordering is raised; up to INT_MAX then. Older
	 * kernels used plain proc_dointvec [S]; the commit that added the
	 * bounds is not pinned [M]. Per netns in the 4.6
	 * series (Nikolay Borisov, Feb 2016) [M].
	 */
	{ 78, "net.ipv4.tcp_reordering", SHAPE_INT, 1, 1, INT_MAX, 3, 300,
	  DEFAULT_FIXED, d_tcp_reordering, SCOPE_NETNS, "4.6", "2.6.12", NONE, 0,
	  "packets", "reordering assumed for a new connection before fast retransmit" },
	/* u8 0..255 [S], [V]; per netns in the 4.6 series. RFC 1122 asks
	   for at least 3. */
	{ 74, "net.ipv4.tcp_retries1", SHAPE_INT, 1, U8_RANGE, 3, 8,
	  DEFAULT_FIXED, d_tcp_retries1, SCOPE_NETNS, "4.6", "2.6.12", NONE, 0,
	  "retransmissions",
	  "retransmissions after which TCP asks for the route to be checked" },
	/* u8 [S], [V]; per netns in the 4.6 series. 15 is about 924.6 s;
	   RFC 1122's 100 s minimum is about 8 [D]. */
	{ 75, "net.ipv4.tcp_retries2", SHAPE_INT, 1, U8_RANGE, 8, 15,
	  DEFAULT_FIXED, d_tcp_retries2, SCOPE_NETNS, "4.6", "2.6.12", NONE, 0,
	  "retransmissions",
	  "retransmissions before an established connection is dropped (15 is about 15 min)" },
	/* u8 [V]; per netns since 625357aa175c (4.15). */
	{ 42, "net.ipv4.tcp_rfc1337", SHAPE_INT, 1, U8_RANGE, 0, 1,
	  DEFAULT_FIXED, d_zero, SCOPE_NETNS, "4.15", "2.6.12", NONE, 0,
	  NULL,
	  "ignore RSTs for sockets in TIME_WAIT (RFC 1337) instead of closing them" },
	/*
	 * tcp_rmem / tcp_wmem: three ints, each >= 1 (SYSCTL_ONE), no order
	 * check [S], [V]. A child netns copies init_net's values at
	 * creation [S], [V]; init_net's max depends on RAM. Compile-time
	 * history of init_net, for reference only: rmem[1] 87380 until 4.19,
	 * 131072 since 4.20 (a337531b942b, [M]); rmem[2] capped at 6 MiB,
	 * 32 MiB since 572be9bf9d0d (6.16); wmem "4096 16384 4194304" [V].
	 * Per netns since 4.15. Sane per field: 4 KiB to 256 MiB.
	 */
	{ 25, "net.ipv4.tcp_rmem", SHAPE_VECTOR, 3, 1, INT_MAX, 4096, 268435456,
	  DEFAULT_INIT_NET, NONE, SCOPE_NETNS, "4.15", "2.6.12", NONE, 0,
	  "bytes", "TCP receive buffer: minimum, initial, autotuning maximum" },
	/* u8 [S], [V]; per netns with "tcp: Namespaceify sysctl_tcp_sack"
	   (June 2017, 4.13). Turning it off (the 2019 SACK Panic stopgap)
	   slows loss recovery: sane is on. */
	{ 72, "net.ipv4.tcp_sack", SHAPE_INT, 1, U8_RANGE, 1, 1,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "4.13", "2.6.12", NONE, 0,
	  NULL, "selective acknowledgements (RFC 2018)" },
	/* u8 [V]; per netns since b510f0d23a47 (4.15); added in 2.6.18 (tcp(7)). */
	{ 34, "net.ipv4.tcp_slow_start_after_idle", SHAPE_INT, 1, U8_RANGE, 0, 1,
	  DEFAULT_FIXED, d_slow_start_after_idle, SCOPE_NETNS, "4.15", "2.6.18", NONE, 0,
	  NULL,
	  "restart from the initial congestion window after an idle RTO (RFC 2861)" },
	/* u8, 0..MAX_TCP_SYNCNT (127) [S]; 6.5, per netns from the start.
	   Sane: no more linear tries than sane SYN retries. */
	{ 11, "net.ipv4.tcp_syn_linear_timeouts", SHAPE_INT, 1, 0, 127, 0, 10,
	  DEFAULT_FIXED, d_syn_linear_timeouts, SCOPE_NETNS, "6.5", "6.5", NONE, 0,
	  "retransmissions",
	  "SYN retransmissions sent at a fixed RTO before exponential backoff" },
	/* u8 1..127 [S], [V]; per netns since 6fa251663069 (4.6). Sane: 1-2
	   give up after 3-7 s on a lossy path [V]. */
	{ 10, "net.ipv4.tcp_syn_retries", SHAPE_INT, 1, 1, 127, 3, 10,
	  DEFAULT_FIXED, d_syn_retries, SCOPE_NETNS, "4.6", "2.6.12", NONE, 0,
	  "retransmissions", "SYN retransmissions of connect() before it gives up" },
	/* u8 [V]; per netns in the 4.6 series. */
	{ 9, "net.ipv4.tcp_synack_retries", SHAPE_INT, 1, U8_RANGE, 2, 10,
	  DEFAULT_FIXED, d_synack_retries, SCOPE_NETNS, "4.6", "2.6.12", NONE, 0,
	  "retransmissions", "SYN-ACK retransmissions for a pending connection request" },
	{ 5, "net.ipv4.tcp_syncookies", SHAPE_INT, 1, U8_RANGE, 1, 1,
	  DEFAULT_FIXED, d_syncookies, SCOPE_NETNS, "4.6", "2.6.12", NONE, 0,
	  NULL,
	  "send SYN cookies when a listener's SYN queue overflows (0 off, 1 on overflow, 2 always)" },
	/* Added by 7e38017557bc (2.6.34); the /proc entry went with
	   4a7f60094411 "tcp: remove thin_dupack feature" (Jan 2017, 4.11). */
	{ 50, "net.ipv4.tcp_thin_dupack", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_NONE, NONE, SCOPE_GLOBAL, NONE, "2.6.34", "4.11", 0,
	  NULL,
	  "removed in 4.11: fast retransmit after one duplicate ACK on thin streams" },
	/* u8 [V]; per netns since 5d2ed0521ac9 (June 2017, 4.13). */
	{ 21, "net.ipv4.tcp_timestamps", SHAPE_INT, 1, U8_RANGE, 1, 2,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "4.13", "2.6.12", NONE, 0,
	  NULL, "TCP timestamps (0 off, 1 on with random offsets, 2 on without)" },
	/* proc_dointvec while it existed; 4396e46187ca removed it in 4.12.
	   Off by default for as long as it existed. */
	{ 2, "net.ipv4.tcp_tw_recycle", SHAPE_INT, 1, INT_RANGE, 0, 0,
	  DEFAULT_FIXED, d_tw_recycle, SCOPE_NETNS, "4.11", "2.6.12", "4.12", 0,
	  NULL,
	  "removed in 4.12: fast TIME_WAIT recycling that dropped SYNs from clients behind NAT" },
	{ 1, "net.ipv4.tcp_tw_reuse", SHAPE_INT, 1, 0, 2, 0, 2,
	  DEFAULT_FIXED, d_tw_reuse, SCOPE_NETNS, "4.11", "2.6.12", NONE, 0,
	  NULL, "let connect() reuse a TIME_WAIT port (0 off, 1 on, 2 loopback only)" },
	/* u32 1..TCP_PAWS_MSL*1000 [S], [V]. Sane floor: RFC 7323 allows a
	   peer timestamp clock as slow as 1 tick/s, and a shorter delay can
	   make PAWS drop segments of the reused connection [D]. */
	{ 8, "net.ipv4.tcp_tw_reuse_delay", SHAPE_INT, 1, 1, 60000, 1000, 60000,
	  DEFAULT_FIXED, d_tw_reuse_delay, SCOPE_NETNS, "6.14", "6.14", NONE, 0,
	  "milliseconds",
	  "time since entering TIME_WAIT before tcp_tw_reuse may take the port" },
	/* u8 [S], [V]; per netns since 9bb37ef00e93 (June 2017, 4.13).
	   Without it no window exceeds 64 KiB. */
	{ 71, "net.ipv4.tcp_window_scaling", SHAPE_INT, 1, U8_RANGE, 1, 1,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "4.13", "2.6.12", NONE, 0,
	  NULL, "window scaling (RFC 7323), needed for windows above 64 KiB" },
	/* See tcp_rmem. */
	{ 26, "net.ipv4.tcp_wmem", SHAPE_VECTOR, 3, 1, INT_MAX, 4096, 268435456,
	  DEFAULT_INIT_NET, NONE, SCOPE_NETNS, "4.15", "2.6.12", NONE, 0,
	  "bytes", "TCP send buffer: minimum, initial, autotuning maximum" },
	/*
	 * Global (ipv4_table), three unsigned longs in pages
	 * (proc_doulongvec_minmax) [S], absent in a child [V]. Computed from
	 * free memory at boot like tcp_mem, with its own formula (udp_init).
	 * Added with UDP memory accounting, 95766fff6b9a (2.6.25).
	 */
	{ 85, "net.ipv4.udp_mem", SHAPE_VECTOR, 3, 0, LLONG_MAX, 1, 4294967296LL,
	  DEFAULT_BOOT, NONE, SCOPE_GLOBAL, NONE, "2.6.25", NONE, 0,
	  "pages",
	  "UDP memory thresholds for all sockets: no pressure, pressure, hard limit" },
	/*
	 * proc_dointvec_minmax, floor 1 on 6.18 [S], [V: 0 refused]; 0 was
	 * accepted while the floor was "zero". Per netns since "udp: Move
	 * the udp sysctl to namespace" (Menglong Dong, 5.11, hash not
	 * pinned [M]); a child starts from the constant [V].
	 */
	{ 86, "net.ipv4.udp_rmem_min", SHAPE_INT, 1, 1, INT_MAX, 4096, 16777216,
	  DEFAULT_FIXED, d_udp_mem_min, SCOPE_NETNS, "5.11", "2.6.25", NONE, 0,
	  "bytes",
	  "receive buffer a UDP socket may always use, even under udp_mem pressure" },
	/* Same handler. UDP has no send-side accounting, so nothing reads it:
	   c6b10de537b9 "Documentation: fix udp_wmem_min in ip-sysctl.rst"
	   (2022) names 95766fff6b9a as the origin of the mistake. */
	{ 87, "net.ipv4.udp_wmem_min", SHAPE_INT, 1, 1, INT_MAX, 4096, 16777216,
	  DEFAULT_FIXED, d_udp_mem_min, SCOPE_NETNS, "5.11", "2.6.25", NONE, CATALOG_NOOP,
	  "bytes",
	  "send-side twin of udp_rmem_min; UDP has no send accounting, so it does "
	  "nothing" },
	/*
	 * IPv6 conf.all and conf.default: proc_dointvec, any int [S], [V].
	 * Per netns with "[NETNS]: Create ipv6 devconf-s for namespaces"
	 * (Pavel Emelyanov, Jan 2008, 2.6.25). Unlike IPv4, a new netns
	 * starts from the compiled-in values (ipv6_devconf and
	 * ipv6_devconf_dflt in addrconf.c), not from the host's
	 * (devconf_inherit_init_net = 0; 1 or 3 would copy) [D], [V].
	 * Writing conf.all changes no interface except for forwarding [V];
	 * the kernel reads accept_ra and accept_redirects of the interface
	 * alone, accept_source_route as the lower of all and the interface
	 * [S], [M]. Absent when IPv6 is disabled at boot (ipv6.disable=1).
	 */
	{ 104, "net.ipv6.conf.all.accept_ra", SHAPE_INT, 1, INT_RANGE, 0, 2,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "the all entry of IPv6 accept_ra; a write changes no interface" },
	{ 98, "net.ipv6.conf.all.accept_redirects", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "the all entry of IPv6 accept_redirects; a write changes no interface" },
	{ 100, "net.ipv6.conf.all.accept_source_route", SHAPE_INT, 1, INT_RANGE, -1, 0,
	  DEFAULT_FIXED, d_ipv6_source_route, SCOPE_NETNS, "2.6.25", "2.6.22", NONE, 0,
	  NULL,
	  "IPv6 routing headers accepted (0 and up: type 2 only, negative: none); the "
	  "lower of all and the interface applies" },
	{ 102, "net.ipv6.conf.all.forwarding", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_FIXED, d_zero, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "forward IPv6 packets; a write sets every interface (which then ignores "
	  "accept_ra 1 and redirects)" },
	{ 105, "net.ipv6.conf.default.accept_ra", SHAPE_INT, 1, INT_RANGE, 0, 2,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL,
	  "router advertisements on IPv6 interfaces created from now on (0 no, 1 unless "
	  "forwarding, 2 always)" },
	{ 99, "net.ipv6.conf.default.accept_redirects", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_FIXED, d_one, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "accept ICMPv6 redirects on IPv6 interfaces created from now on" },
	{ 101, "net.ipv6.conf.default.accept_source_route", SHAPE_INT, 1, INT_RANGE, -1, 0,
	  DEFAULT_FIXED, d_ipv6_source_route, SCOPE_NETNS, "2.6.25", "2.6.22", NONE, 0,
	  NULL,
	  "accept_source_route given to IPv6 interfaces created from now on (negative: "
	  "no routing headers)" },
	{ 103, "net.ipv6.conf.default.forwarding", SHAPE_INT, 1, INT_RANGE, 0, 1,
	  DEFAULT_FIXED, d_zero, SCOPE_NETNS, "2.6.25", "2.6.12", NONE, 0,
	  NULL, "forwarding given to IPv6 interfaces created from now on" },
	/*
	 * Hash table size. Read-only (0444) until 3183ab8997a4 "netfilter:
	 * conntrack: allow increasing bucket size via sysctl too" (June
	 * 2016, 4.8) made it writable in the initial namespace only; a
	 * child sees it 0444 [V]. proc_dointvec, then a resize that refuses
	 * 0 [S], [M]. Default: total RAM / 16384 / sizeof(struct
	 * hlist_head), clamped to 1024..262144 since d532bcd0b269
	 * "netfilter: conntrack: sanitize table size default settings"
	 * (5.15), to 32..65536 before (16384 above 1 GiB, 65536 above 4 GiB
	 * since 3.19 [M]); the hashsize= module parameter overrides it.
	 * With CONFIG_NF_CONNTRACK=y the key is always there.
	 */
	{ 96, "net.netfilter.nf_conntrack_buckets", SHAPE_INT, 1, 1, INT_MAX, 1024, 16777216,
	  DEFAULT_CT_BUCKETS, NONE, SCOPE_GLOBAL_RO, NONE, "2.6.15", NONE, CATALOG_MODULE,
	  "buckets", "size of the connection tracking hash table" },
	/* Read-only (0444): the connections this namespace tracks now
	   (net->ct.count), per netns since the conntrack namespacing of
	   2.6.27 [S]; visible in a child [V]. Only for comparing with
	   nf_conntrack_max. */
	{ 106, "net.netfilter.nf_conntrack_count", SHAPE_INT, 1, 0, INT_MAX, 0, INT_MAX,
	  DEFAULT_NONE, NONE, SCOPE_NETNS, "2.6.27", "2.6.15", NONE,
	  CATALOG_MODULE | CATALOG_READONLY,
	  "connections", "connections tracked now in this namespace (read-only)" },
	/*
	 * Sized from RAM when nf_conntrack loads. Global: read-only (0444)
	 * in a child netns [V: EACCES]; older kernels hid it from a child
	 * owned by another user namespace and left it writable otherwise
	 * (change of mode to 0444 for every non-init netns around 5.1, [M]).
	 * proc_dointvec_minmax 0..INT_MAX on current kernels [M]. Default:
	 * nf_conntrack_buckets times 1 since d532bcd0b269 (5.15), times 4
	 * before; times 8 when hashsize= set the buckets [S], [M]. 262144
	 * with 23 GiB of RAM [V].
	 */
	{ 23, "net.netfilter.nf_conntrack_max", SHAPE_INT, 1, 0, INT_MAX, 16384, INT_MAX,
	  DEFAULT_CT_MAX, NONE, SCOPE_GLOBAL_RO, NONE, "2.6.15", NONE, CATALOG_MODULE,
	  "connections", "size limit of the connection tracking table" },
	/* proc_dointvec_jiffies [S], [V]; per netns with the TCP tracker's
	   namespace support (3.6, see below). kube-proxy sets 86400; below
	   10 min idle keepalive-less sessions lose their NAT state. */
	{ 97, "net.netfilter.nf_conntrack_tcp_timeout_established", SHAPE_INT, 1,
	  JIFFIES_RANGE, 600, 432000,
	  DEFAULT_FIXED, d_ct_established, SCOPE_NETNS, "3.6", "2.6.15", NONE,
	  CATALOG_MODULE | CATALOG_JIFFIES,
	  "seconds", "idle time after which an established TCP conntrack entry expires" },
	/* proc_dointvec_jiffies; per netns and writable in a child [V]
	   since d2ba1fde42af (3.6, [M] by date). Sane: 30 s (busy NAT
	   gateways) to twice the default. */
	{ 22, "net.netfilter.nf_conntrack_tcp_timeout_time_wait", SHAPE_INT, 1,
	  JIFFIES_RANGE, 30, 240,
	  DEFAULT_FIXED, d_ct_time_wait, SCOPE_NETNS, "3.6", "2.6.15", NONE,
	  CATALOG_MODULE | CATALOG_JIFFIES,
	  "seconds",
	  "lifetime of a conntrack entry in TIME_WAIT; does not change the socket's TIME_WAIT" },
};

#define NTABLE (sizeof table / sizeof table[0])

const struct catalog_entry *
catalog_entries(size_t *ret_n)
{
	*ret_n = NTABLE;
	return table;
}

static int
cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct catalog_entry *)elem)->name);
}

const struct catalog_entry *
catalog_lookup(const char *name)
{
	return bsearch(name, table, NTABLE, sizeof table[0], cmp_name);
}

const struct catalog_entry *
catalog_lookup_id(unsigned id)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].id == id)
			return &table[i];
	return NULL;
}

const char *
catalog_suggest(const char *name)
{
	size_t len = strlen(name), best = SIZE_MAX, limit;
	const char *found = NULL;

	/* A bare last component ("tcp_fin_timeout") ranks first. */
	for (size_t i = 0; i < NTABLE; i++) {
		size_t ln = strlen(table[i].name);

		if (ln > len && table[i].name[ln - len - 1] == '.' &&
		    strcmp(table[i].name + ln - len, name) == 0)
			return table[i].name;
	}
	/* The first of the closest names within the limit: a name matters
	   only when it is closer than the best so far, so each distance is
	   worked out only that far. */
	limit = suggest_limit(len, 2);
	for (size_t i = 0; i < NTABLE && best > 0; i++) {
		size_t max = best <= limit ? best - 1 : limit;
		size_t d = suggest_distance_max(name, table[i].name, max);

		if (d <= max) {
			best = d;
			found = table[i].name;
		}
	}
	return found;
}

bool
catalog_in_release(const struct catalog_entry *e, const struct kver *k)
{
	struct kver v;

	if (e->since != NULL && kver_parse(e->since, &v) == 0 && kver_cmp(k, &v) < 0)
		return false;
	if (e->removed != NULL && kver_parse(e->removed, &v) == 0 &&
	    kver_cmp(k, &v) >= 0)
		return false;
	return true;
}

static long long
max_ll(long long a, long long b)
{
	return a > b ? a : b;
}

static long long
min_ll(long long a, long long b)
{
	return a < b ? a : b;
}

/*
 * Defaults the kernel derives from memory at boot:
 *   tcp_mem   limit = pages / 16 (at least 128): {limit/4*3, limit,
 *             limit/4*3*2}, tcp_init_mem() in net/ipv4/tcp.c
 *   udp_mem   the same with pages / 8, udp_init() in net/ipv4/udp.c
 *   tcp_wmem  {PAGE_SIZE, 16384, max(64 KiB, min(4 MiB, pages * PAGE_SIZE / 128))}
 *   tcp_rmem  {PAGE_SIZE, 131072 (87380 before 5.4), max(128 KiB, min(cap,
 *             pages * PAGE_SIZE / 128))}, cap 6 MiB since b49960a05e32
 *             (3.6) and 32 MiB since "tcp: increase tcp_rmem[2] to 32 MB"
 *             (6.16); tcp_init() in net/ipv4/tcp.c
 *   nf_conntrack_buckets  memory / 16 KiB / 8 (one list head per 16 KiB),
 *             262144 above 4 GiB, 65536 above 1 GiB, at least 1024, and
 *             nf_conntrack_max the same (factor 1), since d532bcd0b269
 *             (5.15); before: 65536 above 4 GiB, 16384 above 1 GiB, at
 *             least 32, and max = 4 * buckets. nf_conntrack_init_start()
 *             in net/netfilter/nf_conntrack_core.c
 * The pages are MemTotal's; the kernel counts the free buffer pages at
 * boot for tcp_mem, udp_mem and the buffer maxima (a little less: the
 * results are up to about 1% high where the clamps do not apply).
 */
static int
memory_default(const struct catalog_entry *e, const struct catalog_host *host,
    char *buf, size_t size)
{
	static const struct kver v3_6 = { 3, 6, 0 }, v5_4 = { 5, 4, 0 },
	    v5_15 = { 5, 15, 0 }, v6_16 = { 6, 16, 0 };
	long long page = host->page_size > 0 ? host->page_size : 4096;
	long long pages, limit, f[3];
	const struct kver *k = &host->kernel;
	int w;

	if (host->mem_bytes <= 0)
		return -ENODATA;
	pages = host->mem_bytes / page;
	if (strcmp(e->name, "net.ipv4.tcp_mem") == 0 ||
	    strcmp(e->name, "net.ipv4.udp_mem") == 0) {
		limit = max_ll(pages / (e->name[9] == 't' ? 16 : 8), 128);	/* "tcp_" or "udp_" */
		f[0] = limit / 4 * 3;
		f[1] = limit;
		f[2] = f[0] * 2;
	} else if (strcmp(e->name, "net.ipv4.tcp_wmem") == 0) {
		limit = pages * page / 128;
		f[0] = page;
		f[1] = 16384;
		f[2] = max_ll(65536, min_ll(4LL << 20, limit));
	} else if (strcmp(e->name, "net.ipv4.tcp_rmem") == 0) {
		long long cap = kver_cmp(k, &v6_16) >= 0 ? 32LL << 20 :
		    kver_cmp(k, &v3_6) >= 0 ? 6LL << 20 : 4LL << 20;

		limit = pages * page / 128;
		f[0] = page;
		f[1] = kver_cmp(k, &v5_4) >= 0 ? 131072 : 87380;
		f[2] = max_ll(kver_cmp(k, &v3_6) >= 0 ? 131072 : 87380 * 2,
		    min_ll(cap, limit));
	} else if (strcmp(e->name, "net.netfilter.nf_conntrack_buckets") == 0 ||
	    strcmp(e->name, "net.netfilter.nf_conntrack_max") == 0) {
		bool now = kver_cmp(k, &v5_15) >= 0;
		long long gib = (1LL << 30) / page, buckets;

		buckets = pages * page / 16384 / 8;
		if (pages > 4 * gib)
			buckets = now ? 262144 : 65536;
		else if (pages > gib)
			buckets = now ? 65536 : 16384;
		buckets = max_ll(buckets, now ? 1024 : 32);
		if (strcmp(e->name, "net.netfilter.nf_conntrack_max") == 0 && !now)
			buckets *= 4;
		w = snprintf(buf, size, "%lld", buckets);
		return w < 0 || (size_t)w >= size ? -ENOBUFS : 0;
	} else
		return -ENODATA;
	w = snprintf(buf, size, "%lld %lld %lld", f[0], f[1], f[2]);
	return w < 0 || (size_t)w >= size ? -ENOBUFS : 0;
}

long long
catalog_ehash_for_memory(long long mem_bytes)
{
	long long mib, n = 1;

	if (mem_bytes <= 0)
		return 0;
	mib = mem_bytes / (1LL << 20) + (mem_bytes % (1LL << 20) != 0);
	if (mib > (1LL << 40))
		return 524288;
	while (n < mib * 8)
		n *= 2;
	return min_ll(max_ll(n, 512), 524288);
}

static bool
memory_derived(const struct catalog_entry *e)
{
	static const char *const names[] = {
		"net.ipv4.tcp_mem", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
		"net.ipv4.udp_mem", "net.netfilter.nf_conntrack_buckets",
		"net.netfilter.nf_conntrack_max",
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(e->name, names[i]) == 0)
			return true;
	return false;
}

enum catalog_basis
catalog_default_basis(const struct catalog_entry *e)
{
	if (memory_derived(e))
		return BASIS_MEMORY;
	switch (e->default_kind) {
	case DEFAULT_FIXED:
		return BASIS_RELEASE;
	case DEFAULT_EHASH_HALF:
	case DEFAULT_EHASH_SYNQ:
		return BASIS_HASH;
	case DEFAULT_CONFIG:
	case DEFAULT_INIT_NET:
		if (strcmp(e->name, "net.core.netdev_budget_usecs") == 0)
			return BASIS_BUILD;
		if (strcmp(e->name, "net.core.default_qdisc") == 0 ||
		    strcmp(e->name, "net.ipv4.tcp_congestion_control") == 0)
			return BASIS_BUILD;
		return e->default_kind == DEFAULT_INIT_NET && e->defaults != NULL ?
		    BASIS_RELEASE : BASIS_NONE;
	default:
		return BASIS_NONE;
	}
}

static int
write_rank(const char *name)
{
	return strcmp(name, "net.ipv4.ip_forward") == 0 ||
	    strcmp(name, "net.ipv4.conf.all.forwarding") == 0 ? 0 : 1;
}

int
catalog_write_cmp(const char *a, const char *b)
{
	int ra = write_rank(a), rb = write_rank(b);

	return ra != rb ? ra - rb : strcmp(a, b);
}

/* The history entry in force on kernel k, copied to buf. */
static int
history_value(const struct catalog_entry *e, const struct kver *k, char *buf,
    size_t size)
{
	const char *value = NULL;

	for (const struct catalog_default *d = e->defaults; d && d->since; d++) {
		struct kver v;

		if (kver_parse(d->since, &v) == 0 && kver_cmp(&v, k) <= 0)
			value = d->value;
	}
	if (value == NULL)
		return -ENODATA;
	if (strlen(value) >= size)
		return -ENOBUFS;
	memcpy(buf, value, strlen(value) + 1);
	return 0;
}

int
catalog_boot_value(const struct catalog_entry *e, const struct catalog_host *host,
    char *buf, size_t size)
{
	if (e->default_kind != DEFAULT_INIT_NET || !catalog_in_release(e, &host->kernel))
		return -ENODATA;
	return history_value(e, &host->kernel, buf, size);
}

int
catalog_default(const struct catalog_entry *e, const struct catalog_host *host,
    char *buf, size_t size)
{
	const char *value;
	long long n;
	int w;

	if (!catalog_in_release(e, &host->kernel))
		return -ENODATA;
	switch (e->default_kind) {
	case DEFAULT_FIXED:
		return history_value(e, &host->kernel, buf, size);
	case DEFAULT_EHASH_HALF:
		if (host->ehash_entries <= 0)
			return -ENODATA;
		n = host->ehash_entries / 2;
		break;
	case DEFAULT_EHASH_SYNQ: {
		/* max(128, ehash/128) since 5.4; ehash/256 before
		   ("tcp: increase tcp_max_syn_backlog max value"). */
		struct kver v54 = { 5, 4, 0 };

		if (host->ehash_entries <= 0)
			return -ENODATA;
		n = host->ehash_entries /
		    (kver_cmp(&host->kernel, &v54) >= 0 ? 128 : 256);
		if (n < 128)
			n = 128;
		break;
	}
	case DEFAULT_CONFIG:
	case DEFAULT_INIT_NET:
		if (strcmp(e->name, "net.core.netdev_budget_usecs") == 0) {
			/* 2000 from 4.12; 2 jiffies again from 5.7 (see above). */
			static const struct kver v5_7 = { 5, 7, 0 };

			if (kver_cmp(&host->kernel, &v5_7) < 0)
				n = 2000;
			else if (host->hz > 0)
				n = 2 * 1000000LL / host->hz;
			else
				return -ENODATA;
			break;
		}
		/* The build's defaults, from the kernel's configuration. */
		value = strcmp(e->name, "net.core.default_qdisc") == 0 ? host->default_qdisc :
		    strcmp(e->name, "net.ipv4.tcp_congestion_control") == 0 ?
		    host->default_cc : NULL;
		if (value != NULL) {
			if (value[0] == '\0')
				return -ENODATA;
			if (strlen(value) >= size)
				return -ENOBUFS;
			memcpy(buf, value, strlen(value) + 1);
			return 0;
		}
		if (memory_default(e, host, buf, size) == 0)
			return 0;
		/* Other keys a new namespace copies: the value the initial
		   namespace boots with. */
		return e->default_kind == DEFAULT_INIT_NET ?
		    history_value(e, &host->kernel, buf, size) : -ENODATA;
	case DEFAULT_BOOT:
	case DEFAULT_CT_BUCKETS:
	case DEFAULT_CT_MAX:
		return memory_default(e, host, buf, size);
	default:
		return -ENODATA;
	}
	w = snprintf(buf, size, "%lld", n);
	if (w < 0 || (size_t)w >= size)
		return -ENOBUFS;
	return 0;
}

int
catalog_check_range(const struct catalog_entry *e, const struct value *v,
    bool sane, char *buf, size_t size, const char **errstr)
{
	long long lo = sane ? e->smin : e->kmin, hi = sane ? e->smax : e->kmax;

	if (v->shape != e->shape || (e->shape == SHAPE_VECTOR && v->nfields != e->nfields)) {
		snprintf(buf, size, "must be %s", catalog_shape_name(e));
		*errstr = buf;
		return -EINVAL;
	}
	if (e->shape == SHAPE_STRING || e->shape == SHAPE_PORTS)
		return 0;
	for (unsigned i = 0; i < v->nfields; i++)
		if (v->field[i] < lo || v->field[i] > hi) {
			if (e->nfields > 1)
				snprintf(buf, size, "field %u must be between %lld and %lld",
				    i + 1, lo, hi);
			else
				snprintf(buf, size, "must be between %lld and %lld", lo, hi);
			*errstr = buf;
			return -ERANGE;
		}
	return 0;
}

const char *
catalog_scope_name(enum catalog_scope s)
{
	switch (s) {
	case SCOPE_NETNS:
		return "per-netns";
	case SCOPE_GLOBAL:
		return "global";
	case SCOPE_GLOBAL_RO:
		return "global (read-only in a child netns)";
	}
	return "?";
}

const char *
catalog_shape_name(const struct catalog_entry *e)
{
	switch (e->shape) {
	case SHAPE_INT:
		return "an integer";
	case SHAPE_VECTOR:
		switch (e->nfields) {
		case 2:
			return "a vector of 2 integers";
		case 3:
			return "a vector of 3 integers";
		default:
			return "a vector of integers";
		}
	case SHAPE_STRING:
		return "a name";
	case SHAPE_PORTS:
		return "a list of ports and port ranges";
	}
	return "?";
}
