/*
 * libFuzzer harness for the socket census parsers: the netlink sock_diag
 * dump callback (a stream of netlink messages as the kernel sends them)
 * and the /proc/net/tcp text fallback.
 *
 * The first input byte picks the parser: even bytes give the rest to the
 * census callback as the messages of a dump reply (LISTEN only when bit 1
 * is set), or with bit 3 set as one receive buffer, framing and all, to
 * the loop over its messages; odd bytes take it as lines of /proc/net/tcp
 * (tcp6 when bit 1 is set, listeners when bit 2 is set). Besides not
 * crashing, the counts must add up: the states sum to the total, and the
 * TIME_WAIT split never exceeds the TIME_WAIT count.
 *
 * The harness includes census.c to reach the callback; see
 * FUZZ_SRC_fuzz_census in the Makefile for the rest.
 */
#include <stdint.h>

#include "census.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
	if (!cond)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct census_work w;
	struct census c;
	unsigned long long sum = 0;

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof c);
	memset(&w, 0, offsetof(struct census_work, buf));
	w.c = &c;
	if ((data[0] & 9) == 8) {
		struct nl_pass pass = { .w = &w, .listen = (data[0] & 2) != 0 };
		/* As recv() fills it: aligned, as struct census_work.buf is. */
		static union {
			struct nlmsghdr h;
			char b[CENSUS_RECV_BUF];
		} rx;
		size_t len = size - 1 < sizeof rx.b ? size - 1 : sizeof rx.b;

		memcpy(rx.b, data + 1, len);
		(void)nl_messages(&pass, rx.b, len, /* seq= */ 0, /* portid= */ 0);
	} else if ((data[0] & 1) == 0) {
		struct nl_pass pass = { .w = &w, .listen = (data[0] & 2) != 0 };
		static union {
			struct nlmsghdr h;
			char b[8192];
		} msg;

		/* What the callback must survive is any payload: the rest of
		   the input is messages of a 2-byte length and that many
		   bytes. */
		for (size_t at = 1; at + 2 <= size; ) {
			size_t len = (size_t)data[at] | (size_t)data[at + 1] << 8;

			at += 2;
			if (len > size - at)
				len = size - at;
			if (len > sizeof msg.b - sizeof msg.h)
				len = sizeof msg.b - sizeof msg.h;
			memset(&msg.h, 0, sizeof msg.h);
			msg.h.nlmsg_len = (unsigned)(sizeof msg.h + len);
			msg.h.nlmsg_type = (data[0] & 4) ? TCPDIAG_GETSOCK : SOCK_DIAG_BY_FAMILY;
			memcpy(msg.b + sizeof msg.h, data + at, len);
			at += len;
			if (nl_socket_cb(&msg.h, &pass) == MNL_CB_ERROR)
				break;
		}
	} else {
		char *text = malloc(size);

		if (text == NULL)
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		for (char *save = NULL, *line = strtok_r(text, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			struct census_sock so;

			if (proc_line(line, (data[0] & 2) ? AF_INET6 : AF_INET, &so) < 0)
				continue;
			if (data[0] & 4)
				(void)listen_socket(&w, &so);
			else
				count_socket(&w, &so);
		}
		free(text);
	}
	work_finish(&w);
	for (size_t i = 0; i < CENSUS_NSTATES; i++)
		sum += c.state[i];
	check(sum == c.total);
	check(c.tw_server + c.tw_client <= c.state[CENSUS_TIME_WAIT]);
	check(c.nlisteners <= CENSUS_MAX_LISTENERS);
	census_clear(&c);
	return 0;
}
