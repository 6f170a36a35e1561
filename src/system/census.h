/*
 * census: how many TCP sockets are in each state, who listens, where the
 * TIME_WAIT sockets point and which local ports hold CLOSE_WAIT sockets.
 *
 * Owns: the socket dump of the caller's network namespace through
 * NETLINK_SOCK_DIAG (inet_diag), and the /proc/net/tcp + tcp6 fallback
 * used below a --root other than "/" or when sock_diag is unavailable.
 * Never: prints, exits, or keeps memory that grows with the number of
 * sockets (every count is made while the dump streams through a fixed
 * buffer; every list it keeps has a fixed bound). May start one thread of
 * its own for the length of census_take(), and joins it before returning.
 *
 * Calling sequence: census_take() fills a caller-provided struct census;
 * census_clear() releases it (and may be called again, or on a struct that
 * census_take() failed to fill).
 *
 * State names. Index i of census.state[] is the kernel's TCP state number
 * i; census_state_name() gives the name `ss -tan` prints, with '_' for '-'
 * and these differences:
 *   ESTABLISHED  ss: ESTAB
 *   FIN_WAIT1    ss: FIN-WAIT-1     FIN_WAIT2  ss: FIN-WAIT-2
 *   CLOSE        ss: UNCONN
 * SYN_SENT, SYN_RECV, TIME_WAIT, CLOSE_WAIT, LAST_ACK, LISTEN and CLOSING
 * are spelled as ss spells them with '_'. The kernel reports half-open
 * connections (request sockets) as SYN_RECV, so NEW_SYN_RECV stays 0 in
 * practice; orphaned FIN_WAIT2 connections that became TIME_WAIT
 * mini-sockets are reported as FIN_WAIT2, as ss does.
 */
#ifndef TCPADVISE_CENSUS_H
#define TCPADVISE_CENSUS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

enum { CENSUS_NSTATES = 13 };	/* index = kernel TCP state number; 0 unused */

/* The kernel's TCP state numbers (include/net/tcp_states.h). */
enum census_state {
	CENSUS_ESTABLISHED = 1,
	CENSUS_SYN_SENT = 2,
	CENSUS_SYN_RECV = 3,
	CENSUS_FIN_WAIT1 = 4,
	CENSUS_FIN_WAIT2 = 5,
	CENSUS_TIME_WAIT = 6,
	CENSUS_CLOSE = 7,
	CENSUS_CLOSE_WAIT = 8,
	CENSUS_LAST_ACK = 9,
	CENSUS_LISTEN = 10,
	CENSUS_CLOSING = 11,
	CENSUS_NEW_SYN_RECV = 12,
};

/*
 * "ESTABLISHED" ... "NEW_SYN_RECV" for 1..12 (see the table above), NULL
 * for 0 and anything above 12.
 */
const char *census_state_name(unsigned st);

/* A remote address and how many TIME_WAIT sockets point to it. */
struct census_peer {
	char addr[INET6_ADDRSTRLEN];	/* IPv4-mapped IPv6 shown as IPv4 */
	unsigned long long count;	/* an upper bound when error > 0 */
	unsigned long long error;	/* count overstates by at most this */
};

/* A listening socket. */
struct census_listener {
	char addr[INET6_ADDRSTRLEN];	/* local address, "0.0.0.0" / "::" for any */
	int family;			/* AF_INET or AF_INET6 */
	unsigned port;
	unsigned queue;			/* accept queue now (idiag_rqueue; rx_queue in /proc) */
	unsigned backlog;		/* accept queue limit (idiag_wqueue); 0 = unknown (/proc) */
	unsigned long long inode;
};

#define CENSUS_TOP 10			/* TIME_WAIT peers reported */
#define CENSUS_TOP_COUNTERS 256		/* Space-Saving counters behind them */
#define CENSUS_MAX_LISTENERS 1024
#define CENSUS_MAX_INODES 4096		/* CLOSE_WAIT inodes kept for attribution */
#define CENSUS_MAX_PORTS 64		/* distinct CLOSE_WAIT local ports kept */

struct census {
	bool netlink;			/* false: /proc/net/tcp + tcp6 fallback */
	bool none;			/* live: sockstat and sockstat6 count no TCP
					   socket in the namespace, so nothing was
					   dumped (netlink is set: the count is exact) */
	char fallback_reason[128];	/* why the fallback, "" if netlink */
	unsigned long long state[CENSUS_NSTATES];
	unsigned long long total;	/* every socket counted, listeners included */

	/* TIME_WAIT split by the local port: a listening port means this
	   host closed a server-side connection first; any other port means
	   it closed as the client (an ephemeral port is held for 60 s). */
	unsigned long long tw_server;
	unsigned long long tw_client;

	/* Remote addresses with the most TIME_WAIT sockets, sorted by count
	   (then address). Found with the Space-Saving algorithm over
	   CENSUS_TOP_COUNTERS counters: exact while there are at most that
	   many distinct peers. Beyond it tw_top_approximate is set and the
	   list is approximate: each count is an upper bound that overstates
	   by at most census_peer.error, and only a peer holding more than
	   1/CENSUS_TOP_COUNTERS of the TIME_WAIT sockets is sure to be kept;
	   rarer peers may be missing or misordered. */
	struct census_peer tw_top[CENSUS_TOP];
	size_t ntw_top;
	bool tw_top_approximate;
	/* Distinct remote addresses of the TIME_WAIT sockets: exact while
	   tw_top_approximate is false, else "at least" (CENSUS_TOP_COUNTERS). */
	size_t tw_peers;

	/* Listening sockets, sorted by port then address; malloc'ed (freed by
	   census_clear()), at most CENSUS_MAX_LISTENERS, the rest dropped
	   with listeners_truncated set (state[CENSUS_LISTEN] counts them all). */
	struct census_listener *listeners;
	size_t nlisteners;
	bool listeners_truncated;

	/* Inodes of CLOSE_WAIT sockets, in dump order, for finding the
	   processes that hold them; and their distinct local ports, sorted. */
	unsigned long long close_wait_inodes[CENSUS_MAX_INODES];
	size_t ninodes;
	bool inodes_truncated;
	unsigned close_wait_ports[CENSUS_MAX_PORTS];
	size_t nclose_wait_ports;
	bool close_wait_ports_truncated;
};

/*
 * Take the census of TCP sockets (IPv4 and IPv6) into *ret, which the
 * function initialises.
 *
 * root "/" (or NULL): the kernel's socket dump of the caller's network
 * namespace over NETLINK_SOCK_DIAG: first the listeners (a LISTEN-only
 * dump, to learn the listening ports), then every other state; ret->netlink
 * is set. If sock_diag cannot be used (no socket, no tcp_diag, permission)
 * the /proc/net files are read instead and ret->fallback_reason says why,
 * e.g. "netlink sock_diag unavailable: Protocol not supported".
 * Another root: ROOT/proc/net/tcp and ROOT/proc/net/tcp6 (either may be
 * missing, not both); fallback_reason is "--root given". Those files give
 * no listen backlog (census_listener.backlog is 0).
 *
 * A namespace whose sockstat and sockstat6 count no TCP socket at all
 * (inuse and tw 0: every socket a dump would list is hashed, and hashing
 * counts it there) is not dumped: each dump walks the whole established
 * hash, which child namespaces share with the host, so an empty namespace
 * would cost as much as a busy one. ret->none says so.
 *
 * Memory does not grow with the number of sockets: fixed receive buffers
 * (two when pass 2 runs as two dumps on two threads, with more than one
 * CPU allowed), one fixed line buffer, bounded lists.
 *
 * Returns 0, or a negative errno: -ENOENT (no tcp file below root),
 * -EBADMSG (a line of /proc/net/tcp* that does not parse), -ENOMEM,
 * -ENAMETOOLONG, or what open()/read() said. On failure *ret holds no
 * memory. Call census_clear() after success.
 */
int census_take(const char *root, struct census *ret);

/*
 * The listeners alone (with the LISTEN count), as census_take() finds
 * them: one LISTEN-only dump over netlink, no other state counted; the
 * /proc fallback still reads every line. Same returns as census_take().
 */
int census_listeners(const char *root, struct census *ret);

/* Whether root (NULL, "/", "//"...) is this system itself, whose kernel
   can be asked over netlink. */
bool census_root_is_live(const char *root);

/* Free the listeners and zero *c. Accepts NULL. */
void census_clear(struct census *c);

#endif
