/*
 * tinyserve: a listener for the live tests of `tcpadvise recommend`, whose
 * process name is the name of the file it runs from (copy it to "nginx").
 *
 *   tinyserve PORT [N]
 *
 * Listens on 0.0.0.0:PORT and [::]:PORT (IPv6 only, where IPv6 is up);
 * with N, first makes N connections to 127.0.0.K:PORT (K = 1 + i % 60,
 * all on loopback) and closes each from the client side first, leaving N
 * client-side TIME_WAIT sockets towards 60 addresses. Then prints
 * "pid=P" and "ready=1" on stdout and waits to be killed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int
listen_on(int family, unsigned port)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	int s, one = 1;

	if ((s = socket(family, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (family == AF_INET6) {
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
		memset(&a6, 0, sizeof a6);
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons(port);
		a6.sin6_addr = in6addr_any;
		if (bind(s, (struct sockaddr *)&a6, sizeof a6) < 0 || listen(s, 128) < 0) {
			close(s);
			return -1;
		}
		return s;
	}
	memset(&a4, 0, sizeof a4);
	a4.sin_family = AF_INET;
	a4.sin_port = htons(port);
	a4.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&a4, sizeof a4) < 0 || listen(s, 128) < 0) {
		close(s);
		return -1;
	}
	return s;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a;
	unsigned port;
	int l, n = 0;
	char b;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: tinyserve PORT [N]\n");
		return 2;
	}
	port = (unsigned)atoi(argv[1]);
	if (argc == 3)
		n = atoi(argv[2]);
	if ((l = listen_on(AF_INET, port)) < 0) {
		perror("listen");
		return 1;
	}
	(void)listen_on(AF_INET6, port);
	for (int i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0), s;

		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_port = htons(port);
		a.sin_addr.s_addr = htonl(0x7f000001 + (unsigned)(i % 60));
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0 ||
		    (s = accept(l, NULL, NULL)) < 0) {
			perror("connect");
			return 1;
		}
		close(c);			/* the client closes first */
		(void)read(s, &b, 1);		/* the server sees EOF */
		close(s);
	}
	printf("pid=%d\nready=1\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
