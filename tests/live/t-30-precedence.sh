#!/bin/sh
# What tcpadvise says a reboot sets must be what the real appliers set.
# Conflicting fragments in /etc, /run, /usr/local/lib and /usr/lib plus
# /etc/sysctl.conf; tcpadvise predicts the procps and the systemd result;
# then procps `sysctl --system` and systemd-sysctl each run in a fresh
# network namespace and the kernel's values are compared with the
# prediction. Only net.ipv4 per-netns keys are used (checked before applying).
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
SYSCTLD=/lib/systemd/systemd-sysctl
[ -x $SYSCTLD ] || { echo "SKIP: no systemd-sysctl"; exit 77; }
command -v sysctl >/dev/null || { echo "SKIP: no procps sysctl"; exit 77; }
enter_sandbox "$0"

# Shadowing by name: /etc beats /run beats /usr/lib.
printf 'net.ipv4.tcp_fin_timeout = 12\n' >/etc/sysctl.d/50-a.conf
printf 'net.ipv4.tcp_fin_timeout = 13\nnet.ipv4.tcp_keepalive_time = 1003\n' >/run/sysctl.d/50-a.conf
printf 'net.ipv4.tcp_fin_timeout = 11\nnet.ipv4.tcp_keepalive_time = 1001\n' >/usr/lib/sysctl.d/50-a.conf
# A later name wins whatever its directory.
printf 'net.ipv4.tcp_keepalive_intvl = 41\n' >/etc/sysctl.d/40-c.conf
printf 'net.ipv4.tcp_keepalive_intvl = 61\n' >/usr/lib/sysctl.d/60-b.conf
printf 'net.ipv4.tcp_keepalive_probes = 7\n' >/run/sysctl.d/70-r.conf
printf 'net.ipv4.tcp_keepalive_probes = 8\n' >/usr/lib/sysctl.d/70-r.conf
printf 'net.ipv4.tcp_keepalive_probes = 3\n' >/usr/local/lib/sysctl.d/65-l.conf
# "10-" sorts before "9-".
printf 'net.ipv4.tcp_synack_retries = 9\n' >/etc/sysctl.d/9-nine.conf
printf 'net.ipv4.tcp_synack_retries = 10\n' >/etc/sysctl.d/10-ten.conf
# A mask; a hidden file (procps only); sysctl.conf through the symlink and
# after it (procps reads it twice, systemd only at the link's place); a
# later "-key" exclusion (systemd cancels); CRLF and the "/" separator.
printf 'net.ipv4.tcp_orphan_retries = 4\n' >/usr/lib/sysctl.d/71-m.conf
ln -s /dev/null /etc/sysctl.d/71-m.conf
printf 'net.ipv4.tcp_rfc1337 = 1\n' >/etc/sysctl.d/.hidden.conf
printf 'net.ipv4.tcp_tw_reuse = 0\nnet.ipv4.tcp_max_syn_backlog = 333\n' >/etc/sysctl.conf
ln -s ../sysctl.conf /etc/sysctl.d/99-sysctl.conf
printf 'net.ipv4.tcp_tw_reuse = 1\n' >/etc/sysctl.d/99-zz.conf
printf 'net.ipv4.tcp_slow_start_after_idle = 0\n' >/etc/sysctl.d/20-x.conf
printf -- '-net.ipv4.tcp_slow_start_after_idle\n' >/etc/sysctl.d/30-x.conf
printf 'net/ipv4/tcp_mtu_probing = 1\r\n' >/etc/sysctl.d/80-crlf.conf
only_netns_keys

$TCPADVISE check --format json --fail-on never >"$sandbox_tmp/p.json" || fail "check failed"
keys="tcp_fin_timeout tcp_keepalive_time tcp_keepalive_intvl tcp_keepalive_probes
    tcp_synack_retries tcp_orphan_retries tcp_rfc1337 tcp_tw_reuse
    tcp_max_syn_backlog tcp_slow_start_after_idle tcp_mtu_probing"

# Apply with the real tool in a fresh netns, then dump the kernel's values.
dump='for k in '$(echo $keys)'; do echo "net.ipv4.$k = $(cat /proc/sys/net/ipv4/$k)"; done'
unshare --net sh -c "sysctl -q --pattern '^net[./]ipv4[./]' --system >/dev/null 2>&1; $dump" \
    >"$sandbox_tmp/procps.out"
unshare --net sh -c "$SYSCTLD --prefix=/net/ipv4/ >/dev/null 2>&1; $dump" \
    >"$sandbox_tmp/systemd.out"

for applier in procps systemd; do
	for k in $keys; do
		pred=$(jq -r ".keys[] | select(.key == \"net.ipv4.$k\") |
		    if .$applier == null or .$applier.excluded then .default
		    else .$applier.value end" "$sandbox_tmp/p.json")
		got=$(sed -n "s/^net.ipv4.$k = //p" "$sandbox_tmp/$applier.out")
		if [ "$pred" = "$got" ]; then
			echo "ok $applier net.ipv4.$k = $got"
		else
			fail "$applier net.ipv4.$k: tcpadvise predicts '$pred', the kernel has '$got'"
		fi
	done
done
# The two appliers really disagree here, but this host boots with systemd
# (its /sbin/init), and only systemd-sysctl runs at boot: no TA-C004, which
# is for hosts where both run.
[ "$(jq -c .boot_appliers "$sandbox_tmp/p.json")" = '["systemd"]' ] ||
    fail "boot_appliers is $(jq -c .boot_appliers "$sandbox_tmp/p.json")"
jq -e '[.findings[] | select(.id == "TA-C004")] | length == 0' "$sandbox_tmp/p.json" >/dev/null ||
    fail "TA-C004 on a host where only systemd-sysctl runs at boot"
finish
