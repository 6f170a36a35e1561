#!/bin/sh
# What tcpadvise says a reboot sets must be what the real appliers set.
# Conflicting fragments in /etc, /run, /usr/local/lib and /usr/lib plus
# /etc/sysctl.conf; tcpadvise predicts the procps and the systemd result;
# then procps `sysctl --system` and systemd-sysctl each run in a fresh
# network namespace and the kernel's values are compared with the
# prediction. Only net.ipv4 per-netns keys are used (checked before applying).
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
require_root
SYSCTLD=/lib/systemd/systemd-sysctl
[ -x $SYSCTLD ] || { echo "SKIP: no systemd-sysctl"; exit 77; }
export TCPADVISE SYSCTLD
in_sandbox "$(sed -n '/^only_netns_keys()/,/^}/p' tests/live/lib.sh)"'
	mkdir -p /usr/local/lib/sysctl.d
	# Shadowing by name: /etc beats /run beats /usr/lib.
	printf "net.ipv4.tcp_fin_timeout = 12\n" >/etc/sysctl.d/50-a.conf
	printf "net.ipv4.tcp_fin_timeout = 13\nnet.ipv4.tcp_keepalive_time = 1003\n" >/run/sysctl.d/50-a.conf
	printf "net.ipv4.tcp_fin_timeout = 11\nnet.ipv4.tcp_keepalive_time = 1001\n" >/usr/lib/sysctl.d/50-a.conf
	# A later name wins whatever its directory.
	printf "net.ipv4.tcp_keepalive_intvl = 41\n" >/etc/sysctl.d/40-c.conf
	printf "net.ipv4.tcp_keepalive_intvl = 61\n" >/usr/lib/sysctl.d/60-b.conf
	printf "net.ipv4.tcp_keepalive_probes = 7\n" >/run/sysctl.d/70-r.conf
	printf "net.ipv4.tcp_keepalive_probes = 8\n" >/usr/lib/sysctl.d/70-r.conf
	printf "net.ipv4.tcp_keepalive_probes = 3\n" >/usr/local/lib/sysctl.d/65-l.conf
	# "10-" sorts before "9-".
	printf "net.ipv4.tcp_synack_retries = 9\n" >/etc/sysctl.d/9-nine.conf
	printf "net.ipv4.tcp_synack_retries = 10\n" >/etc/sysctl.d/10-ten.conf
	# A mask, a hidden file (procps only), sysctl.conf through the symlink
	# and after it, a later "-key" exclusion (systemd cancels), CRLF and
	# the "/" separator.
	printf "net.ipv4.tcp_orphan_retries = 4\n" >/usr/lib/sysctl.d/71-m.conf
	ln -s /dev/null /etc/sysctl.d/71-m.conf
	printf "net.ipv4.tcp_rfc1337 = 1\n" >/etc/sysctl.d/.hidden.conf
	printf "net.ipv4.tcp_tw_reuse = 0\nnet.ipv4.tcp_max_syn_backlog = 333\n" >/etc/sysctl.conf
	ln -s ../sysctl.conf /etc/sysctl.d/99-sysctl.conf
	printf "net.ipv4.tcp_tw_reuse = 1\n" >/etc/sysctl.d/99-zz.conf
	printf "net.ipv4.tcp_slow_start_after_idle = 0\n" >/etc/sysctl.d/20-x.conf
	printf -- "-net.ipv4.tcp_slow_start_after_idle\n" >/etc/sysctl.d/30-x.conf
	printf "net/ipv4/tcp_mtu_probing = 1\r\n" >/etc/sysctl.d/80-crlf.conf
	only_netns_keys

	$TCPADVISE check --format json --fail-on never >/tmp/p.json || exit 1
	keys="tcp_fin_timeout tcp_keepalive_time tcp_keepalive_intvl tcp_keepalive_probes
	    tcp_synack_retries tcp_orphan_retries tcp_rfc1337 tcp_tw_reuse
	    tcp_max_syn_backlog tcp_slow_start_after_idle tcp_mtu_probing"
	fail=0
	compare() {	# applier: values read in a fresh netns after applying
		for k in $keys; do
			pred=$(jq -r ".keys[] | select(.key == \"net.ipv4.$k\") |
			    if .$1 == null or .$1.excluded then \"default\" else .$1.value end" /tmp/p.json)
			[ "$pred" = default ] && pred=$(jq -r ".keys[] | select(.key == \"net.ipv4.$k\") | .default" /tmp/p.json)
			got=$(grep "^net.ipv4.$k " /tmp/$1.out | sed "s/.* = //")
			if [ "$pred" != "$got" ]; then
				echo "FAIL $1 net.ipv4.$k: tcpadvise predicts $pred, the kernel has $got"
				fail=1
			else
				echo "ok $1 net.ipv4.$k = $got"
			fi
		done
	}
	dump="for k in $keys; do echo \"net.ipv4.\$k = \$(cat /proc/sys/net/ipv4/\$k)\"; done"
	unshare --net sh -c "sysctl -q --pattern \"^net[.]ipv4[.]\" --system >/dev/null 2>&1; $dump" >/tmp/procps.out
	unshare --net sh -c "$SYSCTLD --prefix=/net/ipv4/ >/dev/null 2>&1; $dump" >/tmp/systemd.out
	compare procps
	compare systemd
	exit $fail
'
