/*
 * libFuzzer harness for the counter parsers of /proc/net/netstat and
 * /proc/net/snmp (lines in pairs, "Group: names" then "Group: values") and
 * /proc/net/sockstat.
 *
 * The first input byte picks the parser: 0 netstat (TcpExt kept), 1 snmp
 * (Tcp kept), 2 sockstat; the rest is the file's text. Besides not
 * crashing, what parses must be within bounds: no more counters than the
 * arrays hold, names NUL-terminated and shorter than COUNTERS_NAME_MAX.
 *
 * The harness includes counters.c to reach the parsers; see
 * FUZZ_SRC_fuzz_counters in the Makefile for the rest.
 */
#include <stdint.h>

#include "counters.c"

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
	static struct counters c;
	char *text;
	bool truncated;
	int r;

	if (size < 1 || size > COUNTERS_FILE_MAX)
		return 0;
	if ((text = malloc(size)) == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	memset(&c, 0, sizeof c);
	switch (data[0] % 3) {
	case 0:
		r = parse_pairs(text, "TcpExt", c.tcpext, COUNTERS_MAX_TCPEXT, &c.ntcpext,
		    &truncated);
		check(c.ntcpext <= COUNTERS_MAX_TCPEXT);
		for (size_t i = 0; r == 0 && i < c.ntcpext; i++)
			check(strlen(c.tcpext[i].name) < COUNTERS_NAME_MAX);
		break;
	case 1:
		r = parse_pairs(text, "Tcp", c.tcp, COUNTERS_MAX_TCP, &c.ntcp, &truncated);
		check(c.ntcp <= COUNTERS_MAX_TCP);
		for (size_t i = 0; r == 0 && i < c.ntcp; i++)
			check(strlen(c.tcp[i].name) < COUNTERS_NAME_MAX);
		break;
	default:
		r = parse_sockstat(text, &c);
		check(r == 0 || r == -EBADMSG);
		break;
	}
	free(text);
	return 0;
}
