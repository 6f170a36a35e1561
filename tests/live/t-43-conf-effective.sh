#!/bin/sh
# The effective value of the IPv4 conf keys per interface, on the real
# kernel: an interface whose own send_redirects was set to 1 keeps sending
# redirects after conf.all and conf.default are set to 0 (the kernel takes
# all OR the interface's own, and a write to conf.default reaches only the
# interfaces never set on their own), and `check --profile hardening`
# names it (TA-I001); an interface left alone follows conf.default and is
# not named. Strict rp_filter on one of two uplinks with conf.all.rp_filter
# 0 is TA-I002. apply does not write the keys of one interface: it reports
# the finding as skipped and leaves the value alone.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no ip"; exit 77; }
enter_sandbox "$0"

C=/proc/sys/net/ipv4/conf
# iface NAME PEER: a dummy interface, else one end of a veth pair.
iface() {
	ip link add "$1" type dummy 2>/dev/null ||
	    ip link add "$1" type veth peer name "$2" || { echo "SKIP: cannot add interfaces"; exit 77; }
}
iface d0 d0p
iface d1 d1p
echo 1 >$C/d0/send_redirects		# set on its own, before conf.default
echo 0 >$C/default/send_redirects
echo 0 >$C/all/send_redirects
[ "$(cat $C/d0/send_redirects)" = 1 ] || fail "d0 followed conf.default"
[ "$(cat $C/d1/send_redirects)" = 0 ] || fail "d1 did not follow conf.default"

$TCPADVISE check --profile hardening --format json >"$sandbox_tmp/check.json"
jq -e '[.findings[] | select(.id == "TA-I001" and
    .key == "net.ipv4.conf.d0.send_redirects")] | length == 1' \
    "$sandbox_tmp/check.json" >/dev/null || fail "no TA-I001 for d0"
jq -e '[.findings[] | select(.id == "TA-I001" and (.message | contains("d0")) and
    .live == "1" and .fixable == false and
    .fix_live == "sysctl -w net.ipv4.conf.d0.send_redirects=0")] | length == 1' \
    "$sandbox_tmp/check.json" >/dev/null || fail "TA-I001 for d0: wrong message, value or fix"
jq -e '[.findings[] | select(.key == "net.ipv4.conf.d1.send_redirects")] | length == 0' \
    "$sandbox_tmp/check.json" >/dev/null || fail "d1 follows conf.default, but was named"

# apply leaves the interface's own key alone and says so.
only_netns_keys
$TCPADVISE apply --profile hardening --format json >"$sandbox_tmp/apply.json" ||
    fail "apply --profile hardening failed"
jq -e '[.skipped[] | select(.finding == "TA-I001" and
    .key == "net.ipv4.conf.d0.send_redirects")] | length == 1' \
    "$sandbox_tmp/apply.json" >/dev/null || fail "apply does not report TA-I001 as skipped"
[ "$(cat $C/d0/send_redirects)" = 1 ] || fail "apply wrote conf.d0.send_redirects"
$TCPADVISE check --profile hardening --format json >"$sandbox_tmp/after.json"
jq -e '[.findings[] | select(.id == "TA-I001" and
    .key == "net.ipv4.conf.d0.send_redirects")] | length == 1' \
    "$sandbox_tmp/after.json" >/dev/null || fail "TA-I001 for d0 gone after apply"
# Set by hand, as the fix says: nothing is left for d0.
sysctl -q -w net.ipv4.conf.d0.send_redirects=0 2>/dev/null || echo 0 >$C/d0/send_redirects
$TCPADVISE check --profile hardening --format json >"$sandbox_tmp/fixed.json"
jq -e '[.findings[] | select(.id == "TA-I001")] | length == 0' \
    "$sandbox_tmp/fixed.json" >/dev/null || fail "TA-I001 after the fix by hand"

# Two uplinks with default routes; d1 strict, conf.all 0 (off).
ip link set d0 up && ip link set d1 up
ip link set d0p up 2>/dev/null; ip link set d1p up 2>/dev/null
ip addr add 10.0.0.2/24 dev d0 && ip addr add 10.1.0.2/24 dev d1 &&
    ip route add default via 10.0.0.1 dev d0 metric 100 &&
    ip route add default via 10.1.0.1 dev d1 metric 200 || fail "routes"
echo 0 >$C/all/rp_filter
echo 0 >$C/d0/rp_filter
echo 1 >$C/d1/rp_filter
# baseline: hardening (applied above) would set conf.all.rp_filter to 2.
$TCPADVISE check --profile baseline --format json --fail-on never >"$sandbox_tmp/rpf.json"
jq -e '[.findings[] | select(.id == "TA-I002")] | map(.key) ==
    ["net.ipv4.conf.d1.rp_filter"]' "$sandbox_tmp/rpf.json" >/dev/null ||
    fail "TA-I002 does not name d1 alone"
echo 2 >$C/d1/rp_filter
$TCPADVISE check --profile baseline --format json --fail-on never >"$sandbox_tmp/rpf2.json"
jq -e '[.findings[] | select(.id == "TA-I002")] | length == 0' \
    "$sandbox_tmp/rpf2.json" >/dev/null || fail "TA-I002 with d1 loose"
finish
