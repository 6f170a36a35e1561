#!/bin/sh
# A remove fix for a vector whose default depends on the host's memory
# (tcp_rmem, tcp_wmem): with an unordered triple set live only, check
# reports TA-H116/TA-H216 as fixable, `apply --profile nginx` sets the
# default computed from this host's memory (what `explain` shows), and
# check has nothing left; a second apply changes nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
enter_sandbox "$0"
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }

sysctl -qw net.ipv4.tcp_rmem="8192 4096 6291456" net.ipv4.tcp_wmem="4194304 16384 4096" ||
    { fail "cannot set the vectors"; finish; }
ids=$($TCPADVISE check --profile nginx --format json |
    jq -r '[.findings[] | select(.fixable) | .id] | sort | join(" ")')
case $ids in *TA-H116*TA-H216*) ;; *) fail "check before: $ids" ;; esac
default_of() {
	$TCPADVISE explain "$1" | sed -n 's/^  default: *\([0-9][0-9 ]*\) on Linux.*/\1/p'
}
rmem=$(default_of net.ipv4.tcp_rmem)
wmem=$(default_of net.ipv4.tcp_wmem)
[ -n "$rmem" ] && [ -n "$wmem" ] || fail "explain shows no default: '$rmem' '$wmem'"
$TCPADVISE apply --profile nginx >/dev/null || fail "apply failed"
[ "$(tr '\t' ' ' </proc/sys/net/ipv4/tcp_rmem)" = "$rmem" ] ||
    fail "tcp_rmem is $(cat /proc/sys/net/ipv4/tcp_rmem), want $rmem"
[ "$(tr '\t' ' ' </proc/sys/net/ipv4/tcp_wmem)" = "$wmem" ] ||
    fail "tcp_wmem is $(cat /proc/sys/net/ipv4/tcp_wmem), want $wmem"
left=$($TCPADVISE check --profile nginx --format json |
    jq -r '[.findings[] | select(.severity != "info" and .kind != "evidence") | .id] | join(" ")')
[ -z "$left" ] || fail "check after apply: $left"
out=$($TCPADVISE apply --profile nginx --format json) || fail "second apply failed"
[ "$(printf '%s\n' "$out" | jq .changed)" = false ] || fail "second apply changed: $out"
finish
