#!/bin/sh
# Minimal change: values the profile accepts are never touched. In a fresh
# network namespace with net.core.somaxconn = 65535,
# net.ipv4.tcp_fin_timeout = 20, tcp_mtu_probing = 2 and tcp_notsent_lowat =
# 16384 (nginx accepts them all, though it would write 4096, 60, 1 and
# 131072), and tcp_slow_start_after_idle = 0, live and in
# /etc/sysctl.d/50-site.conf, `apply --profile nginx` and `apply --profile nginx
# --resolve` change neither, live or after procps `sysctl --system` and
# systemd-sysctl each load the files in another fresh namespace, write no
# file and report "changed": false.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
SYSCTLD=/lib/systemd/systemd-sysctl
[ -x $SYSCTLD ] || { echo "SKIP: no systemd-sysctl"; exit 77; }
command -v sysctl >/dev/null || { echo "SKIP: no procps sysctl"; exit 77; }
enter_sandbox "$0"

printf '%s\n' 'net.core.somaxconn = 65535' 'net.ipv4.tcp_fin_timeout = 20' \
    'net.ipv4.tcp_mtu_probing = 2' 'net.ipv4.tcp_notsent_lowat = 16384' \
    'net.ipv4.tcp_slow_start_after_idle = 0' >/etc/sysctl.d/50-site.conf
only_netns_keys
sysctl -q -p /etc/sysctl.d/50-site.conf >/dev/null || fail "cannot load 50-site.conf"
files() { ls -la --time-style=full-iso /etc/sysctl.d; md5sum /etc/sysctl.d/*; ls /var/lib/tcpadvise | grep -v "^lock$"; }
before=$(files)
for opt in "" --resolve; do
	out=$($TCPADVISE apply --profile nginx $opt --format json) || fail "apply $opt failed"
	[ "$(printf '%s\n' "$out" | jq -r .changed)" = false ] ||
	    fail "apply $opt changed something: $(printf '%s\n' "$out" | jq -c '[.live, .resolved]')"
	[ "$(cat /proc/sys/net/core/somaxconn)" = 65535 ] || fail "apply $opt: somaxconn changed"
	[ "$(cat /proc/sys/net/ipv4/tcp_fin_timeout)" = 20 ] || fail "apply $opt: fin_timeout changed"
	[ "$(cat /proc/sys/net/ipv4/tcp_mtu_probing)" = 2 ] || fail "apply $opt: mtu_probing changed"
	[ "$(cat /proc/sys/net/ipv4/tcp_notsent_lowat)" = 16384 ] || fail "apply $opt: notsent_lowat changed"
	[ "$(files)" = "$before" ] || fail "apply $opt wrote a file"
done
for applier in "sysctl -q --system" "$SYSCTLD"; do
	got=$(unshare --net sh -c "$applier >/dev/null 2>&1;
	    cat /proc/sys/net/core/somaxconn /proc/sys/net/ipv4/tcp_fin_timeout \
	    /proc/sys/net/ipv4/tcp_mtu_probing /proc/sys/net/ipv4/tcp_notsent_lowat" | tr '\n' ' ')
	[ "$got" = "65535 20 2 16384 " ] || fail "after $applier: $got, want 65535 20 2 16384"
done
$TCPADVISE check --profile nginx --format json >"$sandbox_tmp/c.json"
n=$(jq '[.findings[] | select(.key == "net.core.somaxconn" or
    .key == "net.ipv4.tcp_fin_timeout" or .key == "net.ipv4.tcp_mtu_probing" or
    .key == "net.ipv4.tcp_notsent_lowat") | select(.severity != "info")] | length' \
    "$sandbox_tmp/c.json")
[ "$n" = 0 ] || fail "check judges an accepted value: $n findings"
finish
