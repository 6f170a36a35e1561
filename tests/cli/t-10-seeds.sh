#!/bin/sh
# The seed articles' advice, pasted into /etc/sysctl.conf of a 6.18 host
# (tests/fixtures/roots/seeds): every harmful line, and every line that is
# merely useless, must be named with its file and line by some finding of
# `check --profile nginx`. The line numbers below were judged one by one
# against the kernel facts.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
conf=tests/fixtures/roots/seeds/etc/sysctl.conf

# line: why it is harmful on 6.18
harmful="
28 tcp_max_tw_buckets 50000 is below the default 131072
30 tcp_tw_recycle does not exist since 4.12
31 tcp_fin_timeout 10 does not shorten TIME_WAIT
34 ip_local_port_range 1024 65000 overlaps service ports
36 tcp_max_tw_buckets 5000
41 tcp_synack_retries 1
42 tcp_syn_retries 1
44 tcp_abort_on_overflow 1
45 tcp_orphan_retries 3
46 tcp_max_orphans 32768 is below the default
47 tcp_fin_timeout 2
48 tcp_tw_recycle
52 tcp_max_tw_buckets 36000
55 tcp_syn_retries 2
58 tcp_orphan_retries 3
63 tcp_tw_recycle
70 tcp_tw_recycle
73 ip_local_port_range 1024 65000
75 tcp_max_tw_buckets 5000
"
# line: why it is useless
useless="
29 tcp_tw_reuse 1 on a server
33 tcp_keepalive_time for TIME_WAIT
35 tcp_max_syn_backlog with syncookies on
39 tcp_max_syn_backlog
40 somaxconn alone for nginx
49 tcp_tw_reuse
57 tcp_keepalive_time
60 tcp_max_syn_backlog
62 tcp_tw_reuse
64 tcp_keepalive_probes
65 netdev_max_backlog is not an accept queue
69 tcp_tw_reuse
72 tcp_keepalive_time
74 tcp_max_syn_backlog
"

$TCPADVISE --root "$ROOTS/seeds" check --profile nginx --format json >tests/out/seeds.json
[ $? = 1 ] || fail "check does not exit 1 on the seeds root"

# Every "line severity id" a finding names, through its deciding line or
# its list of lines.
jq -r '.findings[] | select(.file == "/etc/sysctl.conf") |
    "\(.line) \(.severity) \(.id)"' tests/out/seeds.json >tests/out/seeds.named
# (A key assigned twice lists both lines for context; it is about the
# earlier one, its position, which its fix comments out.)
jq -r '.findings[] | select(.id | test("^TA-L00[34]$") | not) | . as $f |
    .lines[] | select(.file == "/etc/sysctl.conf") |
    "\(.line) \($f.severity) \($f.id)"' tests/out/seeds.json >>tests/out/seeds.named
[ -s tests/out/seeds.named ] || fail "no finding names a line"

# A harmful line is named by a warning or critical finding, or, when a
# later line overrides it, by TA-C005 (which names the rule it would break).
while read -r n what; do
	[ -n "$n" ] || continue
	sed -n "${n}p" "$conf" | grep -q '^net' || fail "line $n of the fixture is not a setting"
	grep -Eq "^$n (warning|critical) " tests/out/seeds.named ||
	    grep -q "^$n info TA-C005$" tests/out/seeds.named ||
	    fail "harmful line $n ($what) is not named by a warning, critical or TA-C005 finding"
done <<EOF
$harmful
EOF

while read -r n what; do
	[ -n "$n" ] || continue
	grep -q "^$n " tests/out/seeds.named || fail "useless line $n ($what) is not named"
done <<EOF
$useless
EOF

# Nothing is flagged that is fine (tcp_syncookies = 1, tcp_timestamps = 1,
# the conntrack default, tcp_fin_timeout = 30).
for n in $(cut -d' ' -f1 tests/out/seeds.named | sort -un); do
	printf '%s\n%s\n' "$harmful" "$useless" | grep -q "^$n " ||
	    fail "line $n is flagged but is fine: $(sed -n "${n}p" "$conf")"
done
finish
