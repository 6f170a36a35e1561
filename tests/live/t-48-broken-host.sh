#!/bin/sh
# A broken host: window scaling and SACK off, tcp_retries2 3, tcp_rmem and
# tcp_wmem "4096 8192 16384", a 4-port ip_local_port_range and a congestion
# control no kernel has (bbr2). Every line of the file draws a finding of
# its rule, in a fresh network namespace where the file is loaded (the
# kernel rejects the congestion control, so that line is judged from what
# a reboot would set), from `lint` on the file, and from `check --root` on
# a tree that stands for such a host. Then `apply --resolve` leaves nothing
# fixable at warning or above, live and after procps reloads the files.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
command -v sysctl >/dev/null || { echo "SKIP: no procps sysctl"; exit 77; }
enter_sandbox "$0"

F=/etc/sysctl.d/60-broken.conf
cat >$F <<'CONF'
net.ipv4.tcp_window_scaling = 0
net.ipv4.tcp_sack = 0
net.ipv4.tcp_retries2 = 3
net.ipv4.tcp_rmem = 4096 8192 16384
net.ipv4.tcp_wmem = 4096 8192 16384
net.ipv4.ip_local_port_range = 50000 50003
net.ipv4.tcp_congestion_control = bbr2
CONF
# line:rule
want="1:TA-H024 2:TA-H025 3:TA-H123 4:TA-H028 5:TA-H128 6:TA-H036 7:TA-H026"
only_netns_keys
sysctl -q -p $F >/dev/null 2>&1 && fail "the kernel took tcp_congestion_control = bbr2"
[ "$(cat /proc/sys/net/ipv4/tcp_retries2)" = 3 ] || fail "the file was not loaded"

# expect JSON FILE WHAT: every line of FILE has a finding of its rule.
expect() {
	for w in $want; do
		line=${w%%:*} id=${w#*:}
		jq -e --arg f "$2" --argjson l "$line" --arg id "$id" \
		    '[.findings[] | select(.id == $id) |
		      ([{file: .file, line: .line}] + (.lines // []))[] |
		      select(.file == $f and .line == $l)] | length > 0' "$1" >/dev/null ||
		    fail "$3: no $id for $2:$line"
	done
}

$TCPADVISE check --format json >"$sandbox_tmp/check.json"
expect "$sandbox_tmp/check.json" $F "check in the namespace"
# The rejected congestion control is judged from the persisted view.
jq -e '[.findings[] | select(.id == "TA-H026") | .views] == [["persisted"]]' \
    "$sandbox_tmp/check.json" >/dev/null || fail "TA-H026 is not from the persisted view"
jq -e '[.findings[] | select(.id == "TA-H123")][0].severity == "critical"' \
    "$sandbox_tmp/check.json" >/dev/null || fail "tcp_retries2 3 is not critical"
$TCPADVISE lint $F --format json >"$sandbox_tmp/lint.json"
expect "$sandbox_tmp/lint.json" $F "lint"

# The same host as a tree: its files, its live values, its kernel build.
root=$sandbox_tmp/root
sh tests/fixtures/materialize.sh tests/fixtures/roots/modern "$root" || fail "materialize"
cp -R tests/fixtures/hosts/single/boot tests/fixtures/hosts/single/lib "$root/"
cp tests/fixtures/hosts/single/proc/meminfo "$root/proc/meminfo"
mkdir -p "$root/etc/sysctl.d"
cp $F "$root$F"
for kv in tcp_window_scaling=0 tcp_sack=0 tcp_retries2=3 "tcp_rmem=4096	8192	16384" \
    "tcp_wmem=4096	8192	16384" "ip_local_port_range=50000	50003"; do
	printf '%s\n' "${kv#*=}" >"$root/proc/sys/net/ipv4/${kv%%=*}"
done
$TCPADVISE --root "$root" --kernel 6.18.0 check --format json >"$sandbox_tmp/root.json"
expect "$sandbox_tmp/root.json" $F "check --root"

# Fixed: nothing fixable left at warning or above, live and at the next boot.
$TCPADVISE apply --profile baseline --resolve --format json >"$sandbox_tmp/apply.json" || fail "apply --resolve exits $?"
left='[.findings[] | select((.severity == "warning" or .severity == "critical")
    and .fixable != false and .kind != "evidence") | .id] | join(" ")'
l=$($TCPADVISE check --format json | jq -r "$left")
[ -z "$l" ] || fail "left after apply --resolve: $l"
l=$(unshare --net sh -c "sysctl -q --system >/dev/null 2>&1; $TCPADVISE check --format json" | jq -r "$left")
[ -z "$l" ] || fail "left after a reboot (sysctl --system): $l"
finish
