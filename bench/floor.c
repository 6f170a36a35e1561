/*
 * floor: the least a program can do to count the TCP sockets of its
 * network namespace by state over netlink, as the yardstick of the census
 * of `tcpadvise states` (bench/states.sh).
 *
 *   floor [-f] [-2]
 *
 * One NETLINK_SOCK_DIAG socket, one dump of every TCP state, a receive
 * buffer of 32 KiB (the census's: the kernel fills no dump part larger
 * than that, see netlink_recvmsg()), a recv() loop, and of each message
 * only idiag_state is read. No library, no allocation, nothing kept per
 * socket. Prints the count of each state that has sockets, then the total,
 * which must equal the census's.
 *
 * The dump is the one the census asks for: TCPDIAG_GETSOCK (struct
 * inet_diag_req) with the family left unspecified, both families in one
 * walk of the kernel's socket table. If the kernel refuses it, and with
 * -f, it is one SOCK_DIAG_BY_FAMILY dump (struct inet_diag_req_v2) per
 * family, AF_INET then AF_INET6: two walks of the same table.
 *
 * -2  two dumps at once on two threads, each on a socket of its own:
 *     TIME_WAIT on one, every other state on the other, as the census
 *     does when more than one CPU is allowed. The two-thread floor.
 *
 * Exits 0, or 1 with a message on stderr if a socket call fails or the
 * kernel answers with an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#define FLOOR_RECV_BUF 32768
#define FLOOR_NSTATES 13	/* kernel TCP state numbers 1..12; 0 unused */
#define FLOOR_TIME_WAIT 6

static const char *const state_names[FLOOR_NSTATES] = {
	"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"NEW_SYN_RECV",
};

/* One thread's share: which states and families to dump, what it found. */
struct floor_job {
	unsigned mask;
	bool by_family;
	unsigned long long count[FLOOR_NSTATES];
	int err;		/* 0 or a positive errno */
	const char *what;	/* the call that failed */
};

/* Ask for one dump: both families with the old request (family 0), else
   one family with SOCK_DIAG_BY_FAMILY. */
static int
floor_request(int fd, unsigned char family, unsigned mask)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		union {
			struct inet_diag_req old;
			struct inet_diag_req_v2 v2;
		} r;
	} msg;

	memset(&msg, 0, sizeof msg);
	msg.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	msg.h.nlmsg_seq = 1;
	if (family == AF_UNSPEC) {
		msg.h.nlmsg_type = TCPDIAG_GETSOCK;
		msg.h.nlmsg_len = NLMSG_LENGTH(sizeof msg.r.old);
		msg.r.old.idiag_family = AF_INET;	/* the dump ignores it */
		msg.r.old.idiag_states = mask;
	} else {
		msg.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
		msg.h.nlmsg_len = NLMSG_LENGTH(sizeof msg.r.v2);
		msg.r.v2.sdiag_family = family;
		msg.r.v2.sdiag_protocol = IPPROTO_TCP;
		msg.r.v2.idiag_states = mask;
	}
	if (sendto(fd, &msg, msg.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
	    sizeof kernel) < 0)
		return errno;
	return 0;
}

/* Read one dump to its NLMSG_DONE, counting states into count[]. Returns
   0 or a positive errno (the kernel's, for an NLMSG_ERROR). */
static int
floor_read(int fd, unsigned long long count[FLOOR_NSTATES])
{
	/* Aligned for struct nlmsghdr, as recv() fills it from the start. */
	static _Thread_local char buf[FLOOR_RECV_BUF]
	    __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EPROTO;
		for (left = (size_t)n; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error < 0 ? -e->error : EPROTO;
			}
			if (m->idiag_state < FLOOR_NSTATES)
				count[m->idiag_state]++;
		}
	}
}

static void *
floor_run(void *arg)
{
	static const unsigned char both[] = { AF_UNSPEC };
	static const unsigned char each[] = { AF_INET, AF_INET6 };
	struct floor_job *j = arg;
	const unsigned char *families = j->by_family ? each : both;
	size_t nfamilies = j->by_family ? sizeof each : sizeof both;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		j->err = errno;
		j->what = "socket";
		return NULL;
	}
	for (size_t i = 0; i < nfamilies; i++) {
		if ((j->err = floor_request(fd, families[i], j->mask)) != 0) {
			j->what = "sendto";
			break;
		}
		if ((j->err = floor_read(fd, j->count)) != 0) {
			j->what = "dump";
			break;
		}
	}
	close(fd);
	return NULL;
}

/* Run the jobs, the first on this thread, the others on threads of their
   own; returns the first failed job, or NULL. */
static struct floor_job *
floor_jobs(struct floor_job *jobs, size_t njobs)
{
	pthread_t threads[2];
	bool started[2] = { false, false };

	for (size_t i = 1; i < njobs; i++)
		started[i] = pthread_create(&threads[i], NULL, floor_run, &jobs[i]) == 0;
	(void)floor_run(&jobs[0]);
	for (size_t i = 1; i < njobs; i++) {
		if (started[i])
			(void)pthread_join(threads[i], NULL);
		else
			(void)floor_run(&jobs[i]);
	}
	for (size_t i = 0; i < njobs; i++)
		if (jobs[i].err != 0)
			return &jobs[i];
	return NULL;
}

static void
floor_reset(struct floor_job *jobs, size_t njobs, bool by_family)
{
	for (size_t i = 0; i < njobs; i++) {
		memset(jobs[i].count, 0, sizeof jobs[i].count);
		jobs[i].err = 0;
		jobs[i].by_family = by_family;
	}
}

int
main(int argc, char *argv[])
{
	/* Every state, 1..12; bit 0 is no state. */
	const unsigned all = ((1u << FLOOR_NSTATES) - 1) & ~1u;
	const unsigned tw = 1u << FLOOR_TIME_WAIT;
	struct floor_job jobs[2];
	struct floor_job *bad;
	unsigned long long total = 0;
	bool by_family = false, two = false;
	size_t njobs;
	int ch;

	while ((ch = getopt(argc, argv, "f2")) != -1) {
		switch (ch) {
		case 'f':
			by_family = true;
			break;
		case '2':
			two = true;
			break;
		default:
			fprintf(stderr, "usage: floor [-f] [-2]\n");
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "floor: unexpected argument '%s'\nusage: floor [-f] [-2]\n",
		    argv[optind]);
		return 1;
	}

	memset(jobs, 0, sizeof jobs);
	if (two) {
		jobs[0].mask = tw;
		jobs[1].mask = all & ~tw;
		njobs = 2;
	} else {
		jobs[0].mask = all;
		njobs = 1;
	}
	floor_reset(jobs, njobs, by_family);
	bad = floor_jobs(jobs, njobs);
	if (bad != NULL && !by_family) {
		/* The one-walk request refused: one dump per family. */
		floor_reset(jobs, njobs, true);
		bad = floor_jobs(jobs, njobs);
	}
	if (bad != NULL) {
		fprintf(stderr, "floor: %s: %s\n", bad->what, strerror(bad->err));
		return 1;
	}

	for (unsigned st = 1; st < FLOOR_NSTATES; st++) {
		unsigned long long n = 0;

		for (size_t i = 0; i < njobs; i++)
			n += jobs[i].count[st];
		if (n > 0)
			printf("%-12s %llu\n", state_names[st], n);
		total += n;
	}
	printf("total %llu\n", total);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("floor: stdout");
		return 1;
	}
	return 0;
}
