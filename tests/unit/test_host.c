/*
 * test_host: the facts about a host, from the text of the files they are
 * read from (host.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "host.c"

static void
test_meminfo(void **state)
{
	struct host_facts h = { 0 };

	(void)state;
	assert_int_equal(host_parse_meminfo(&h, "MemTotal:       24683784 kB\n"
	    "MemFree:        24487848 kB\n"), 0);
	assert_int_equal(h.mem_bytes, 24683784LL * 1024);
	h.mem_bytes = 0;
	assert_int_equal(host_parse_meminfo(&h, "MemFree: 12 kB\nMemTotal: x kB\n"), 0);
	assert_int_equal(h.mem_bytes, 0);
	host_clear(&h);
}

/* A kernel without modules, like a Firecracker guest's: what is not built
   in is missing, whatever its name. */
static void
test_config_no_modules(void **state)
{
	struct host_facts h = { 0 };

	(void)state;
	host_clear(&h);
	assert_int_equal(host_parse_config(&h,
	    "CONFIG_MODULES_USE_ELF_RELA=y\n"
	    "CONFIG_HZ=250\n"
	    "CONFIG_DEFAULT_TCP_CONG=\"bbr\"\n"
	    "# CONFIG_MODULES is not set\n"
	    "CONFIG_TCP_CONG_CUBIC=y\n"
	    "# CONFIG_TCP_CONG_HYBLA is not set\n"
	    "CONFIG_TCP_CONG_BBR=y\n"
	    "CONFIG_NET_SCH_HTB=y\n"
	    "# CONFIG_NET_SCH_FQ is not set\n"), 0);
	assert_true(h.config_known);
	assert_false(h.modules_enabled);
	assert_int_equal(h.hz, 250);
	assert_string_equal(h.default_cc, "bbr");
	assert_string_equal(h.default_qdisc, "pfifo_fast");	/* NET_SCH_DEFAULT off */
	assert_int_equal(host_cc(&h, "bbr", NULL), HOST_BUILTIN);
	assert_int_equal(host_cc(&h, "cubic", NULL), HOST_BUILTIN);
	assert_int_equal(host_cc(&h, "reno", NULL), HOST_BUILTIN);
	assert_int_equal(host_cc(&h, "hybla", NULL), HOST_MISSING);
	assert_int_equal(host_cc(&h, "bbr2", NULL), HOST_MISSING);
	assert_int_equal(host_qdisc(&h, "fq"), HOST_MISSING);
	assert_int_equal(host_qdisc(&h, "fq_codel"), HOST_MISSING);
	assert_int_equal(host_qdisc(&h, "htb"), HOST_BUILTIN);
	assert_int_equal(host_qdisc(&h, "pfifo_fast"), HOST_BUILTIN);
	host_clear(&h);
}

/* A distribution kernel: modules configured, and the module lists say
   which are installed. */
static void
test_config_modules(void **state)
{
	struct host_facts h = { 0 };

	(void)state;
	host_clear(&h);
	assert_int_equal(host_parse_config(&h,
	    "CONFIG_MODULES=y\n"
	    "CONFIG_TCP_CONG_CUBIC=y\n"
	    "CONFIG_TCP_CONG_BBR=m\n"
	    "CONFIG_TCP_CONG_HTCP=m\n"
	    "CONFIG_NET_SCH_FQ=m\n"
	    "CONFIG_NET_SCH_FQ_CODEL=y\n"), 0);
	/* Only the configuration: a module option counts as installed. */
	assert_int_equal(host_cc(&h, "bbr", NULL), HOST_MODULE);
	assert_int_equal(host_cc(&h, "bbr2", NULL), HOST_UNKNOWN);
	assert_int_equal(host_qdisc(&h, "fq"), HOST_MODULE);
	assert_int_equal(host_qdisc(&h, "fq_codel"), HOST_BUILTIN);
	assert_int_equal(host_qdisc(&h, "cake"), HOST_UNKNOWN);

	assert_int_equal(host_parse_modules(&h,
	    "kernel/net/ipv4/tcp_cubic.ko\n"
	    "kernel/net/sched/sch_fq_codel.ko\n", true), 0);
	assert_int_equal(host_parse_modules(&h,
	    "kernel/net/ipv4/tcp_bbr.ko.xz:\n"
	    "updates/dkms/tcp_bbr2.ko.zst: kernel/net/ipv4/tcp_cubic.ko\n", false), 0);
	assert_int_equal(host_cc(&h, "bbr", NULL), HOST_MODULE);
	assert_int_equal(host_cc(&h, "bbr2", NULL), HOST_MODULE);	/* out of tree */
	assert_int_equal(host_cc(&h, "htcp", NULL), HOST_MISSING);	/* =m, not installed */
	assert_int_equal(host_qdisc(&h, "fq"), HOST_MISSING);
	assert_int_equal(host_qdisc(&h, "cake"), HOST_MISSING);
	/* Registered now (tcp_available_congestion_control): usable. */
	assert_int_equal(host_cc(&h, "htcp", "reno cubic htcp"), HOST_BUILTIN);
	host_clear(&h);

	/* Nothing known: nothing is claimed. */
	host_clear(&h);
	assert_int_equal(host_cc(&h, "hybla", NULL), HOST_UNKNOWN);
	assert_int_equal(host_qdisc(&h, "fq"), HOST_UNKNOWN);
	assert_int_equal(host_qdisc(&h, "pfifo_fast"), HOST_BUILTIN);
}

static const char route_one[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
    "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

static const char route_two[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
    "eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
    "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
    "eth1\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n"
    "eth2\t0000010A\t00000000\t0201\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";

static const char route6[] =
    "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
    "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth3\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

static void
test_routes(void **state)
{
	struct host_facts h = { 0 };

	(void)state;
	host_clear(&h);
	assert_int_equal(host_parse_routes(&h, route_one, route6), 0);
	assert_true(h.routes_known);
	assert_int_equal(h.uplinks, 1);
	assert_string_equal(h.uplink_names, "eth0");
	assert_int_equal(h.default_routes4, 1);
	assert_int_equal(h.default_routes6, 1);
	assert_string_equal(h.guest_net, "docker0");
	assert_false(host_multihomed(&h));
	assert_false(h.slaac);	/* a static default route (flags 0003) */
	host_clear(&h);

	/* eth2's route is a reject route; eth3 has only link-local. */
	assert_int_equal(host_parse_routes(&h, route_two, route6), 0);
	assert_int_equal(h.uplinks, 2);
	assert_string_equal(h.uplink_names, "eth0, eth1");
	assert_null(h.guest_net);
	assert_true(host_multihomed(&h));
	host_clear(&h);

	assert_false(host_multihomed(&h));	/* unknown is not multihomed */

	/* A default route from a router advertisement: RTF_DEFAULT. */
	assert_int_equal(host_parse_routes(&h, NULL,
	    "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	    "fe800000000000000000000000000001 00000400 00000003 00000000 00050003     eth0\n"), 0);
	assert_true(h.slaac);
	assert_int_equal(h.default_routes6, 1);
	host_clear(&h);
}

static void
test_word_in(void **state)
{
	(void)state;
	assert_true(host_word_in("reno cubic bbr", "bbr"));
	assert_true(host_word_in("reno\tcubic", "reno"));
	assert_false(host_word_in("reno cubic bbr", "bb"));
	assert_false(host_word_in("reno cubic bbr2", "bbr"));
	assert_false(host_word_in(NULL, "bbr"));
	assert_false(host_word_in("bbr", ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_config_no_modules),
		cmocka_unit_test(test_config_modules),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_word_in),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
