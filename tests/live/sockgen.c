/*
 * sockgen: make TCP sockets in known states on loopback, in the current
 * network namespace, for the live tests and the benchmark. It prints what
 * it made as key=value lines, the last one "ready=1", then waits until it
 * is killed (SIGTERM or SIGINT), taking its helper child with it.
 *
 *   sockgen [-t N] [-w M [-o] [-n NAME]] [-e K] [-b B -f C] [-s S -S PORT] [-a A]
 *
 *   -t N     N connections closed by the client first: N TIME_WAIT on the
 *            client side (ephemeral local port), none on the server side.
 *   -w M     M connections that a forked child (comm "sockgen-cw") accepts
 *            and never closes while the client closes its side: M
 *            CLOSE_WAIT held by the child, and M FIN_WAIT2 on the client.
 *   -o       with -w, the client close()s instead of shutdown(SHUT_WR):
 *            its FIN_WAIT2 sockets are orphans (kernel time-wait
 *            mini-sockets in state FIN_WAIT2 that expire after
 *            tcp_fin_timeout) instead of sockets held open by sockgen.
 *   -n NAME  with -w, the child's comm instead of "sockgen-cw" (any bytes,
 *            cut to 15 by the kernel): how states shows a hostile name.
 *   -e K     K connections kept open: 2K ESTABLISHED (client and server).
 *   -b B     backlog of a listener that never accepts (default 1) ...
 *   -f C     ... flooded by C non-blocking connects: B+1 complete into the
 *            accept queue, the SYNs of the others are dropped
 *            (ListenOverflows) and they stay in SYN_SENT.
 *   -s S     S non-blocking connects to 127.5.0.1:PORT ...
 *   -S PORT  ... a listener that does not accept: with the clients' pure
 *            ACKs to PORT dropped (by an nftables rule the caller sets),
 *            S request sockets stay in SYN_RECV and S clients ESTABLISHED.
 *   -a A     spread the -t and -e connections over A server addresses
 *            (127.1.0.1.. and 127.3.0.1..), for more 4-tuples (default 1).
 *
 * Server addresses: TIME_WAIT 127.1.0.x, CLOSE_WAIT 127.2.0.1, ESTABLISHED
 * 127.3.0.x, flood 127.4.0.1, SYN_RECV 127.5.0.1; all of 127.0.0.0/8 is
 * local once lo is up. Listener ports are chosen by the kernel (except -S)
 * and printed. RLIMIT_NOFILE is raised to what the sockets need.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1024
#define LISTEN_BACKLOG 4096

static pid_t child_pid;

static void
die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fprintf(stderr, "sockgen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	if (child_pid > 0)
		kill(child_pid, SIGKILL);
	exit(1);
}

static unsigned long
num(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0') {
		fprintf(stderr, "sockgen: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

static struct sockaddr_in
addr(unsigned net, unsigned host, unsigned port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	/* 127.NET.H1.H0: host numbers above 255 carry into the third byte. */
	a.sin_addr.s_addr = htonl(0x7f000000u | (net & 0xff) << 16 | (host & 0xffff));
	a.sin_port = htons(port);
	return a;
}

static const char *
ntoa(const struct sockaddr_in *a)
{
	static char buf[INET_ADDRSTRLEN];

	return inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
}

/* A listener on A (port 0: the kernel's choice); the port is written back. */
static int
listener(struct sockaddr_in *a, int backlog)
{
	socklen_t len = sizeof(*a);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)a, sizeof(*a)) < 0)
		die("bind %s:%u", ntoa(a), ntohs(a->sin_port));
	if (listen(fd, backlog) < 0)
		die("listen");
	if (getsockname(fd, (struct sockaddr *)a, &len) < 0)
		die("getsockname");
	return fd;
}

static int
connect_to(const struct sockaddr_in *a, int nonblock)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) < 0 &&
	    !(nonblock && errno == EINPROGRESS))
		die("connect %s:%u", ntoa(a), ntohs(a->sin_port));
	return fd;
}

static int
accept_one(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		die("accept");
	return fd;
}

/* Read until EOF (the peer's FIN); the connections carry no data. */
static void
wait_eof(int fd)
{
	char c;
	ssize_t n;

	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
		;
	if (n < 0)
		die("read");
}

static void
raise_nofile(unsigned long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit");
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		struct rlimit want = { need, need };	/* needs CAP_SYS_RESOURCE */

		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("%lu descriptors needed, RLIMIT_NOFILE cannot go above %lu", need,
		    (unsigned long)rl.rlim_max);
}

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* N TIME_WAIT on the client side, in batches: the client closes first,
 * the server closes when it has seen the FIN. */
static void
make_time_wait(unsigned long n, unsigned naddr, struct sockaddr_in *srv)
{
	int *lfd = calloc(naddr, sizeof(*lfd));
	int *c = calloc(BATCH, sizeof(*c)), *s = calloc(BATCH, sizeof(*s));
	unsigned long done = 0;
	unsigned i;

	if (!lfd || !c || !s)
		die("calloc");
	for (i = 0; i < naddr; i++) {
		srv[i] = addr(1, i + 1, 0);
		lfd[i] = listener(&srv[i], LISTEN_BACKLOG);
	}
	while (done < n) {
		unsigned long k, b = n - done < BATCH ? n - done : BATCH;

		for (k = 0; k < b; k++)
			c[k] = connect_to(&srv[(done + k) % naddr], 0);
		for (k = 0; k < b; k++)
			s[k] = accept_one(lfd[(done + k) % naddr]);
		for (k = 0; k < b; k++)
			close(c[k]);
		for (k = 0; k < b; k++) {
			wait_eof(s[k]);
			close(s[k]);
		}
		done += b;
	}
	/* The listeners stay: a TIME_WAIT is on the server side when its
	 * local port is a listening port, and these are not. */
	free(c);
	free(s);
	free(lfd);
}

static void
on_term(int sig)
{
	(void)sig;
	if (child_pid > 0) {
		kill(child_pid, SIGKILL);
		waitpid(child_pid, NULL, 0);
	}
	_exit(0);
}

int
main(int argc, char **argv)
{
	unsigned long ntw = 0, ncw = 0, nest = 0, backlog = 1, nflood = 0, nsyn = 0, synport = 0;
	unsigned naddr = 1;
	int orphan = 0, opt, sync_pipe[2];
	const char *cw_name = "sockgen-cw";
	struct sockaddr_in *tw_srv, *est_srv, cw_srv, fl_srv, sr_srv;
	int cw_lfd = -1, fl_lfd = -1, sr_lfd = -1, *est_lfd;
	unsigned long i, need;
	struct sigaction sa;

	while ((opt = getopt(argc, argv, "t:w:oe:b:f:s:S:a:n:")) != -1) {
		switch (opt) {
		case 't': ntw = num(optarg, "-t"); break;
		case 'w': ncw = num(optarg, "-w"); break;
		case 'o': orphan = 1; break;
		case 'e': nest = num(optarg, "-e"); break;
		case 'b': backlog = num(optarg, "-b"); break;
		case 'f': nflood = num(optarg, "-f"); break;
		case 's': nsyn = num(optarg, "-s"); break;
		case 'S': synport = num(optarg, "-S"); break;
		case 'a': naddr = (unsigned)num(optarg, "-a"); break;
		case 'n': cw_name = optarg; break;
		default:
			fprintf(stderr, "usage: sockgen [-t N] [-w M [-o] [-n NAME]] [-e K] [-b B -f C] [-s S -S PORT] [-a A]\n");
			return 2;
		}
	}
	if (naddr < 1 || naddr > 65535 || (nsyn && (synport < 1 || synport > 65535))) {
		fprintf(stderr, "sockgen: -a must be 1..65535, and -s needs -S PORT\n");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	/* Open at once: ESTABLISHED pairs, the clients of CLOSE_WAIT (when
	 * held), flood and SYN_RECV clients, listeners, a batch of TIME_WAIT. */
	need = 2 * nest + (orphan ? 0 : ncw) + nflood + nsyn + 2 * (unsigned long)naddr + 2 * BATCH + 64;
	raise_nofile(need);

	tw_srv = calloc(naddr, sizeof(*tw_srv));
	est_srv = calloc(naddr, sizeof(*est_srv));
	est_lfd = calloc(naddr, sizeof(*est_lfd));
	if (!tw_srv || !est_srv || !est_lfd)
		die("calloc");

	/* CLOSE_WAIT first: the child must not inherit the other sockets. */
	if (ncw) {
		cw_srv = addr(2, 1, 0);
		cw_lfd = listener(&cw_srv, LISTEN_BACKLOG);
		if (pipe2(sync_pipe, O_CLOEXEC) < 0)
			die("pipe");
		child_pid = fork();
		if (child_pid < 0)
			die("fork");
		if (child_pid == 0) {
			int *held = calloc(ncw, sizeof(*held));
			char ok = 1;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			prctl(PR_SET_NAME, cw_name);
			if (getppid() == 1)
				_exit(1);
			raise_nofile(ncw + 64);
			close(sync_pipe[0]);
			if (!held)
				die("calloc");
			for (i = 0; i < ncw; i++)
				held[i] = accept_one(cw_lfd);
			close(cw_lfd);
			if (write(sync_pipe[1], &ok, 1) != 1)
				die("write");
			close(sync_pipe[1]);
			/* Never close them: they go to CLOSE_WAIT and stay. */
			for (;;)
				pause();
		}
		close(sync_pipe[1]);
	}
	if (ncw) {
		int *cl = calloc(ncw, sizeof(*cl));
		char ok;

		if (!cl)
			die("calloc");
		for (i = 0; i < ncw; i++)
			cl[i] = connect_to(&cw_srv, 0);
		close(cw_lfd);
		if (read(sync_pipe[0], &ok, 1) != 1) {
			errno = ECHILD;
			die("the CLOSE_WAIT child did not accept");
		}
		close(sync_pipe[0]);
		for (i = 0; i < ncw; i++) {
			if (orphan)
				close(cl[i]);
			else if (shutdown(cl[i], SHUT_WR) < 0)
				die("shutdown");
		}
		free(cl);	/* the descriptors stay open when not orphaned */
	}

	if (ntw)
		make_time_wait(ntw, naddr, tw_srv);

	if (nest) {
		for (i = 0; i < naddr; i++) {
			est_srv[i] = addr(3, (unsigned)i + 1, 0);
			est_lfd[i] = listener(&est_srv[i], LISTEN_BACKLOG);
		}
		for (i = 0; i < nest; i += BATCH) {
			unsigned long k, b = nest - i < BATCH ? nest - i : BATCH;

			for (k = 0; k < b; k++)
				connect_to(&est_srv[(i + k) % naddr], 0);
			for (k = 0; k < b; k++)
				accept_one(est_lfd[(i + k) % naddr]);
		}
	}

	if (nflood) {
		fl_srv = addr(4, 1, 0);
		fl_lfd = listener(&fl_srv, (int)backlog);
		for (i = 0; i < nflood; i++)
			connect_to(&fl_srv, 1);
	}

	if (nsyn) {
		sr_srv = addr(5, 1, (unsigned)synport);
		sr_lfd = listener(&sr_srv, LISTEN_BACKLOG);
		for (i = 0; i < nsyn; i++)
			connect_to(&sr_srv, 1);
	}

	/* Loopback delivers in the sender's context, mostly; let the last
	 * FINs and ACKs land before saying ready. */
	msleep(200);

	printf("pid=%ld\n", (long)getpid());
	if (ntw) {
		printf("time_wait=%lu\n", ntw);
		printf("time_wait_addrs=%u\n", naddr);
		printf("time_wait_addr=%s\n", ntoa(&tw_srv[0]));
		printf("time_wait_port=%u\n", ntohs(tw_srv[0].sin_port));
	}
	if (ncw) {
		printf("close_wait=%lu\n", ncw);
		printf("close_wait_pid=%ld\n", (long)child_pid);
		printf("close_wait_comm=%s\n", cw_name);
		printf("close_wait_addr=%s\n", ntoa(&cw_srv));
		printf("close_wait_port=%u\n", ntohs(cw_srv.sin_port));
		printf("fin_wait2=%lu\n", ncw);
		printf("fin_wait2_orphans=%d\n", orphan);
	}
	if (nest) {
		printf("established=%lu\n", 2 * nest);
		printf("established_addr=%s\n", ntoa(&est_srv[0]));
		printf("established_port=%u\n", ntohs(est_srv[0].sin_port));
	}
	if (nflood) {
		printf("flood_addr=%s\n", ntoa(&fl_srv));
		printf("flood_port=%u\n", ntohs(fl_srv.sin_port));
		printf("flood_backlog=%lu\n", backlog);
		printf("flood_connects=%lu\n", nflood);
	}
	if (nsyn) {
		printf("syn_recv=%lu\n", nsyn);
		printf("syn_recv_addr=%s\n", ntoa(&sr_srv));
		printf("syn_recv_port=%lu\n", synport);
	}
	printf("ready=1\n");
	fflush(stdout);
	(void)fl_lfd;
	(void)sr_lfd;

	for (;;)
		pause();
}
