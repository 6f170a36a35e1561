#!/bin/sh
# What the shipped profiles set, in a fresh network namespace:
#   - nginx turns slow start after idle off and MTU probing on;
#   - nginx,bbr also selects bbr where the kernel has tcp_bbr (live: the
#     boot default is bbr here), and the fragment records the composition;
#   - hardening turns forwarding off before the redirect settings, since
#     writing ip_forward resets accept_redirects: after apply, and after
#     procps loads the fragment in another fresh namespace, accept_redirects
#     is 0.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
command -v sysctl >/dev/null || { echo "SKIP: no procps sysctl"; exit 77; }
enter_sandbox "$0"
FRAG=/etc/sysctl.d/90-tcpadvise.conf
v() { tr '\t' ' ' <"/proc/sys/$(echo "$1" | tr . /)"; }

sysctl -q -w net.ipv4.tcp_slow_start_after_idle=1 net.ipv4.tcp_mtu_probing=0
$TCPADVISE apply --profile nginx >/dev/null || fail "apply nginx exits $?"
[ "$(v net.ipv4.tcp_slow_start_after_idle)" = 0 ] || fail "nginx: slow start after idle is not off"
[ "$(v net.ipv4.tcp_mtu_probing)" = 1 ] || fail "nginx: MTU probing is not 1"
grep -qx 'net.ipv4.tcp_slow_start_after_idle = 0' $FRAG || fail "nginx: not persisted"

if $TCPADVISE explain net.ipv4.tcp_congestion_control >/dev/null &&
    grep -qw reno /proc/sys/net/ipv4/tcp_allowed_congestion_control &&
    grep -qw bbr /proc/sys/net/ipv4/tcp_allowed_congestion_control; then
	sysctl -q -w net.ipv4.tcp_congestion_control=reno || fail "cannot select reno"
	out=$($TCPADVISE apply --profile nginx,bbr --format json) || fail "apply nginx,bbr exits $?"
	[ "$(v net.ipv4.tcp_congestion_control)" = bbr ] ||
	    fail "nginx,bbr: congestion control is $(v net.ipv4.tcp_congestion_control)"
	grep -qx '# profile: nginx,bbr' $FRAG || fail "the fragment does not record nginx,bbr"
	[ "$(printf '%s\n' "$out" | jq -r .profile)" = nginx,bbr ] ||
	    fail "apply JSON names $(printf '%s\n' "$out" | jq -r .profile)"
else
	echo "note: this namespace may not select reno and bbr; nginx,bbr not applied"
fi

# A router's file read at boot before ours: hardening must persist both.
rm -f $FRAG
printf '%s\n' 'net.ipv4.ip_forward = 1' 'net.ipv4.conf.all.accept_redirects = 1' \
    >/etc/sysctl.d/50-router.conf
sysctl -q -p /etc/sysctl.d/50-router.conf >/dev/null || fail "cannot load 50-router.conf"
$TCPADVISE apply --profile hardening >/dev/null || fail "apply hardening exits $?"
[ "$(v net.ipv4.ip_forward)" = 0 ] || fail "hardening: ip_forward is not 0"
[ "$(v net.ipv4.conf.all.accept_redirects)" = 0 ] ||
    fail "hardening: accept_redirects is $(v net.ipv4.conf.all.accept_redirects) after apply"
first=$(grep -v -e '^#' -e '^$' $FRAG | head -1)
[ "$first" = "net.ipv4.ip_forward = 0" ] || fail "the fragment starts with '$first'"
got=$(unshare --net sh -c 'sysctl -q -w net.ipv4.ip_forward=1 >/dev/null;
    sysctl -q --system >/dev/null 2>&1; cat /proc/sys/net/ipv4/conf/all/accept_redirects')
[ "$got" = 0 ] || fail "after sysctl --system accept_redirects is $got"
l=$($TCPADVISE check --profile hardening --format json | jq -r '[.findings[] |
    select(.severity != "info" and .kind != "evidence" and .fixable != false) | .id] | join(" ")')
[ -z "$l" ] || fail "hardening: left after apply: $l"
finish
