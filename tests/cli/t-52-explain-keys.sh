#!/bin/sh
# `explain` knows every key of the wider catalog, with its default on this
# kernel: a fixed history, the host's memory, the TCP hash table, or the
# kernel's build configuration. Only where this host shows no kernel
# configuration (/proc/config.gz, /boot/config-RELEASE) may the build's
# defaults stay unknown.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
build_known=0
{ [ -r /proc/config.gz ] || [ -r "/boot/config-$(uname -r)" ]; } && build_known=1
for k in net.ipv4.ip_forward \
    net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter \
    net.ipv4.conf.all.accept_redirects net.ipv4.conf.default.accept_redirects \
    net.ipv4.conf.all.send_redirects net.ipv4.conf.default.send_redirects \
    net.ipv4.conf.all.secure_redirects net.ipv4.conf.default.secure_redirects \
    net.ipv4.conf.all.accept_source_route net.ipv4.conf.default.accept_source_route \
    net.ipv4.conf.all.log_martians net.ipv4.conf.default.log_martians \
    net.ipv4.icmp_echo_ignore_broadcasts net.ipv4.icmp_ignore_bogus_error_responses \
    net.ipv4.tcp_window_scaling net.ipv4.tcp_sack net.ipv4.tcp_dsack \
    net.ipv4.tcp_retries1 net.ipv4.tcp_retries2 net.ipv4.tcp_no_metrics_save \
    net.ipv4.tcp_moderate_rcvbuf net.ipv4.tcp_reordering net.ipv4.tcp_adv_win_scale \
    net.ipv4.tcp_limit_output_bytes net.ipv4.tcp_migrate_req \
    net.ipv4.tcp_fastopen_blackhole_timeout_sec net.ipv4.ip_autobind_reuse \
    net.ipv4.tcp_mtu_probing net.ipv4.tcp_slow_start_after_idle \
    net.ipv4.tcp_notsent_lowat net.core.optmem_max net.ipv4.udp_mem \
    net.ipv4.udp_rmem_min net.ipv4.udp_wmem_min net.ipv4.neigh.default.gc_thresh1 \
    net.ipv4.neigh.default.gc_thresh2 net.ipv4.neigh.default.gc_thresh3 \
    net.core.dev_weight net.core.netdev_budget net.core.netdev_budget_usecs \
    net.core.busy_read net.core.busy_poll net.netfilter.nf_conntrack_max \
    net.netfilter.nf_conntrack_buckets net.netfilter.nf_conntrack_tcp_timeout_established \
    net.ipv6.conf.all.accept_redirects net.ipv6.conf.default.accept_redirects \
    net.ipv6.conf.all.accept_source_route net.ipv6.conf.default.accept_source_route \
    net.ipv6.conf.all.forwarding net.ipv6.conf.default.forwarding \
    net.ipv6.conf.all.accept_ra net.ipv6.conf.default.accept_ra \
    net.ipv4.tcp_fack net.ipv4.tcp_low_latency; do
	out=$($TCPADVISE explain "$k" 2>&1) || { fail "explain $k exits $?"; continue; }
	d=$(printf '%s\n' "$out" | sed -n 's/^  default: *//p')
	case $d in
	"")
		fail "explain $k shows no default" ;;
	"not known here"*)
		[ $build_known = 0 ] && [ "$k" = net.core.netdev_budget_usecs ] ||
		    fail "explain $k: default $d" ;;
	esac
done
# Keys the kernel ignores say so.
for k in net.ipv4.tcp_fack net.ipv4.tcp_low_latency net.ipv4.tcp_adv_win_scale \
    net.ipv4.udp_wmem_min; do
	$TCPADVISE explain "$k" | grep -q "no effect" || fail "explain $k does not say it is a no-op"
done
finish
