#!/bin/sh
# export --format sysctl: the fragment is read by the real appliers. procps
# `sysctl -p FILE` and `systemd-sysctl FILE` each load it in a fresh
# network namespace and the kernel's values must be the profile's. The
# sandbox makes every directory of /proc/sys but net read-only
# (enter_overlay_sandbox), and the profiles hold per-netns keys only,
# except net.core.netdev_max_backlog, a global key that a child network
# namespace does not have: loading it must fail for that key alone.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
SYSCTLD=/lib/systemd/systemd-sysctl
[ -x $SYSCTLD ] || { echo "SKIP: no systemd-sysctl"; exit 77; }
require_tools sysctl unshare
enter_overlay_sandbox "$0"
fx=tests/fixtures/profiles/export

# netns.yaml: every key per netns; both appliers succeed.
f=/etc/sysctl.d/60-export.conf
$TCPADVISE export --profile $fx/netns.yaml --format sysctl >$f || fail "export: exit $?"
# The guard: nothing but per-netns keys (the vendor files of /usr/lib stay
# visible here, so only_netns_keys does not fit).
bad=$(grep -v -e '^#' -e '^$' -e '^net\.ipv4\.' -e '^net\.core\.somaxconn = ' $f)
[ -z "$bad" ] || { echo "refusing to load keys outside net.ipv4: $bad"; exit 1; }
want='net.core.somaxconn = 1024
net.ipv4.ip_local_port_range = 10000 65535
net.ipv4.tcp_keepalive_time = 300
net.ipv4.tcp_rmem = 4096 131072 6291456'
dump='for k in net.core.somaxconn net.ipv4.ip_local_port_range net.ipv4.tcp_keepalive_time net.ipv4.tcp_rmem; do echo "$k = $(sysctl -n $k | tr "\t" " ")"; done'
got=$(unshare --net sh -c "sysctl -p $f >$sandbox_tmp/procps.out 2>&1 || echo 'sysctl -p failed'; $dump")
[ "$got" = "$want" ] || fail "procps sysctl -p: $got ($(cat "$sandbox_tmp/procps.out"))"
got=$(unshare --net sh -c "$SYSCTLD $f >$sandbox_tmp/systemd.out 2>&1 || echo 'systemd-sysctl failed'; $dump")
[ "$got" = "$want" ] || fail "systemd-sysctl: $got ($(cat "$sandbox_tmp/systemd.out"))"

# mixed.yaml: the global key is absent in a child namespace; the others
# are set all the same, and the error names that key only.
$TCPADVISE export --profile $fx/mixed.yaml --format sysctl >$f || fail "export mixed: exit $?"
grep -q '^net.core.netdev_max_backlog = 4096$' $f || fail "mixed: no global key in the fragment"
unshare --net sh -c "sysctl -p $f >$sandbox_tmp/procps.out 2>&1;
    sysctl -n net.ipv4.tcp_slow_start_after_idle net.core.somaxconn" >"$sandbox_tmp/vals"
[ "$(tr '\n' ' ' <"$sandbox_tmp/vals")" = "0 4096 " ] ||
    fail "procps mixed: $(cat "$sandbox_tmp/vals") ($(cat "$sandbox_tmp/procps.out"))"
grep -v netdev_max_backlog "$sandbox_tmp/procps.out" | grep -qi 'cannot\|error\|invalid' &&
    fail "procps mixed: errors beyond the global key: $(cat "$sandbox_tmp/procps.out")"
unshare --net sh -c "$SYSCTLD $f >$sandbox_tmp/systemd.out 2>&1;
    sysctl -n net.ipv4.tcp_slow_start_after_idle net.core.somaxconn" >"$sandbox_tmp/vals"
[ "$(tr '\n' ' ' <"$sandbox_tmp/vals")" = "0 4096 " ] ||
    fail "systemd mixed: $(cat "$sandbox_tmp/vals") ($(cat "$sandbox_tmp/systemd.out"))"
grep -v netdev_max_backlog "$sandbox_tmp/systemd.out" | grep -qi 'fail\|error\|invalid' &&
    fail "systemd mixed: errors beyond the global key: $(cat "$sandbox_tmp/systemd.out")"
finish
