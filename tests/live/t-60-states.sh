#!/bin/sh
# tcpadvise states on the real kernel, in a fresh network namespace: real
# TIME_WAIT, CLOSE_WAIT, FIN_WAIT2, ESTABLISHED, SYN_SENT and SYN_RECV
# sockets on loopback, made by tests/live/sockgen.c (SYN_RECV by dropping
# the clients' final ACK with nftables). The census must count every state
# exactly as `ss -tan` does at the same moment, name the process that holds
# the CLOSE_WAIT sockets, see the overflowing accept queue (TA-E005), and
# read the TcpExt counters as the kernel has them. The /proc/net/tcp
# fallback (--root) must count the same.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
enter_sandbox "$0"
export LC_ALL=C

require_tools ss jq nft cc

build_sockgen

# The SYN_RECV listener's port: the clients' pure ACKs to it (the last step
# of the handshake, and the duplicate ACKs that answer retransmitted
# SYN-ACKs) never arrive. SYN, SYN-ACK, FIN and RST pass.
SYNPORT=47001
if ! nft -f - <<NFT >"$sandbox_tmp/nft.err" 2>&1; then
table inet tcpadvise_test {
	chain out {
		type filter hook output priority 0; policy accept;
		tcp dport $SYNPORT tcp flags & (syn | ack | fin | rst) == ack drop
	}
}
NFT
	echo "SKIP: nftables cannot filter here: $(head -1 "$sandbox_tmp/nft.err")"
	exit 77
fi

# 300 TIME_WAIT (client side), 12 CLOSE_WAIT held by a child whose peers
# are orphaned FIN_WAIT2, 5 connections kept open, a backlog-1 listener
# flooded by 6 connects, 4 half-open connections.
NTW=300 NCW=12 NEST=5 BACKLOG=1 NFLOOD=6 NSYN=4
sg_pid=''
trap 'kill $sg_pid 2>/dev/null; rm -rf "$sandbox_tmp"' EXIT
trap 'exit 1' INT TERM HUP
start_sockgen -t $NTW -w $NCW -o -e $NEST -b $BACKLOG -f $NFLOOD -s $NSYN -S $SYNPORT
sg() { sed -n "s/^$1=//p" "$sandbox_tmp/sockgen.out"; }
cw_pid=$(sg close_wait_pid)
cw_port=$(sg close_wait_port)
flood_port=$(sg flood_port)

# `ss -tan` state names as the census names them, "NAME COUNT" sorted.
ss_states() {
	ss -tanH | awk '{
		s = $1
		if (s == "ESTAB") s = "ESTABLISHED"
		else if (s == "UNCONN") s = "CLOSE"
		else { gsub(/-/, "_", s); sub(/^FIN_WAIT_/, "FIN_WAIT", s) }
		n[s]++
	} END { for (s in n) print s, n[s] }' | sort
}
ta_states() {
	jq -r '.states | to_entries[] | select(.value > 0) | "\(.key) \(.value)"' "$1" | sort
}
tcpext() {
	awk '$1 == "TcpExt:" { if (!h) { for (i = 2; i <= NF; i++) k[i] = $i; h = 1 }
		else for (i = 2; i <= NF; i++) print k[i], $i }' /proc/net/netstat | sort
}

# Snapshots while nothing moves: ss, tcpadvise (and a copy of /proc/net
# for the fallback), ss again; retry if ss saw a change in between.
fb="$sandbox_tmp/fallback"
mkdir -p "$fb/proc/net"
tries=0
while :; do
	tries=$((tries + 1))
	tcpext >"$sandbox_tmp/tcpext.before"
	ss_states >"$sandbox_tmp/ss.1"
	$TCPADVISE states --format json >"$sandbox_tmp/states.json"
	rc=$?
	for f in tcp tcp6 sockstat netstat snmp; do
		cat /proc/net/$f >"$fb/proc/net/$f" 2>/dev/null
	done
	ss -ltnH >"$sandbox_tmp/listeners.ss"
	ss_states >"$sandbox_tmp/ss.2"
	tcpext >"$sandbox_tmp/tcpext.after"
	cmp -s "$sandbox_tmp/ss.1" "$sandbox_tmp/ss.2" && break
	[ $tries -ge 5 ] && { fail "sockets kept changing under ss"; break; }
done
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "states exits $rc"
jq -e . "$sandbox_tmp/states.json" >/dev/null || {
	head -c 2000 "$sandbox_tmp/states.json"
	fail "states --format json is not JSON"
	finish
}
j() { jq -r "$@" "$sandbox_tmp/states.json"; }

# The scenario itself, as ss sees it (a failure here is the test's setup).
want="CLOSE_WAIT $NCW
ESTABLISHED $((2 * NEST + 2 * (BACKLOG + 1) + NSYN))
FIN_WAIT2 $NCW
LISTEN 4
SYN_RECV $NSYN
SYN_SENT $((NFLOOD - BACKLOG - 1))
TIME_WAIT $NTW"
[ "$(cat "$sandbox_tmp/ss.1")" = "$want" ] || {
	echo "ss:"; cat "$sandbox_tmp/ss.1"; echo "expected:"; echo "$want"
	fail "setup: ss does not see the sockets sockgen made"
}

# Every state, exactly as ss counts it.
ta_states "$sandbox_tmp/states.json" >"$sandbox_tmp/ta"
if ! cmp -s "$sandbox_tmp/ss.1" "$sandbox_tmp/ta"; then
	echo "ss | tcpadvise:"
	join -a 1 -a 2 -e 0 -o 0,1.2,2.2 "$sandbox_tmp/ss.1" "$sandbox_tmp/ta"
	fail "state counts differ from ss -tan"
fi
sum=$(awk '{ n += $2 } END { print n + 0 }' "$sandbox_tmp/ss.1")
[ "$(j .total)" = "$sum" ] || fail "total is $(j .total), ss counts $sum"
[ "$(j .source)" = netlink ] || fail "source is $(j .source), want netlink"
[ "$(j .netns)" = child ] || fail "netns is $(j .netns), want child"
[ "$(j .kernel)" = "$(uname -r)" ] || fail "kernel is $(j .kernel)"
[ "$(j '.schema_version | type')" = number ] || fail "schema_version is not a number"

# TIME_WAIT: all on the client side (ephemeral ports), all to one peer.
[ "$(j .time_wait.client)" = $NTW ] || fail "time_wait.client is $(j .time_wait.client), want $NTW"
[ "$(j .time_wait.server)" = 0 ] || fail "time_wait.server is $(j .time_wait.server), want 0"
[ "$(j '.time_wait.top[0] | "\(.addr) \(.count)"')" = "$(sg time_wait_addr) $NTW" ] ||
    fail "time_wait.top[0] is $(j '.time_wait.top[0]'), want $(sg time_wait_addr) with $NTW"

# CLOSE_WAIT: held by the child alone, named by pid and comm.
[ "$(j '.close_wait.holders | length')" = 1 ] ||
    fail "close_wait.holders: $(j -c .close_wait.holders), want one holder"
[ "$(j '.close_wait.holders[0] | "\(.pid) \(.comm) \(.sockets)"')" = "$cw_pid sockgen-cw $NCW" ] ||
    fail "close_wait holder is $(j -c '.close_wait.holders[0]'), want pid $cw_pid comm sockgen-cw sockets $NCW"
[ "$(j .close_wait.unreadable)" = 0 ] || fail "close_wait.unreadable is $(j .close_wait.unreadable) as root"
[ "$(jq --arg p "$cw_port" '[.close_wait.ports[] | tostring] | index($p) != null' "$sandbox_tmp/states.json")" = true ] ||
    fail "close_wait.ports $(j -c .close_wait.ports) lacks $cw_port"
[ "$(j '[.findings[] | select(.id == "TA-E003")] | length')" = 1 ] || fail "no TA-E003 finding"
[ "$(j '.findings[] | select(.id == "TA-E003") | .severity')" = warning ] ||
    fail "TA-E003 for $NCW CLOSE_WAIT is not a warning"
j '.findings[] | select(.id == "TA-E003")' | grep -q sockgen-cw ||
    fail "TA-E003 does not name sockgen-cw"
j '.findings[] | select(.id == "TA-E003")' | grep -q "$cw_pid" ||
    fail "TA-E003 does not name pid $cw_pid"

# Listeners: accept queue and backlog as ss -ltn shows them (Recv-Q, Send-Q).
n=0
while read -r _ q b local _; do
	port=${local##*:}
	got=$(j ".listeners[] | select(.port == $port) | \"\(.queue) \(.backlog)\"")
	[ "$got" = "$q $b" ] || fail "listener :$port is '$got', ss says '$q $b'"
	n=$((n + 1))
done <"$sandbox_tmp/listeners.ss"
[ "$(j '.listeners | length')" = $n ] || fail "$(j '.listeners | length') listeners, ss lists $n"
[ "$(j ".listeners[] | select(.port == $flood_port) | \"\(.queue) \(.backlog)\"")" = "$((BACKLOG + 1)) $BACKLOG" ] ||
    fail "the flooded listener is not full"

# The accept queue overflowed: counted by the kernel and found.
lo=$(awk '$1 == "ListenOverflows" { print $2 }' "$sandbox_tmp/tcpext.before")
[ "${lo:-0}" -gt 0 ] || fail "setup: ListenOverflows is ${lo:-missing}"
[ "$(j '[.findings[] | select(.id == "TA-E005")] | length')" -ge 1 ] || fail "no TA-E005 finding"
[ "$(j '.findings[] | select(.id == "TA-E005") | .severity' | head -1)" = warning ] ||
    fail "TA-E005 is not a warning"
[ "$(j '[.findings[] | select(.id == "TA-E004")] | length')" = 0 ] ||
    fail "TA-E004 (SYN flood) found without SyncookiesSent"

# TcpExt: the kernel's names, each value between the reads before and after.
j '.counters.TcpExt | to_entries[] | "\(.key) \(.value)"' | sort >"$sandbox_tmp/tcpext.ta"
[ "$(cut -d' ' -f1 "$sandbox_tmp/tcpext.ta")" = "$(cut -d' ' -f1 "$sandbox_tmp/tcpext.before")" ] ||
    fail "TcpExt counter names differ from /proc/net/netstat"
join "$sandbox_tmp/tcpext.before" "$sandbox_tmp/tcpext.ta" | join - "$sandbox_tmp/tcpext.after" |
    awk '!($2 <= $3 && $3 <= $4) { print "  " $0; bad = 1 } END { exit bad }' ||
    fail "TcpExt values outside what the kernel had before and after"

# The text report: the counts, and the holder by pid and comm.
$TCPADVISE states >"$sandbox_tmp/states.txt"
grep -Eq "TIME[-_]WAIT[^0-9]+$NTW([^0-9]|\$)" "$sandbox_tmp/states.txt" ||
    fail "text report lacks TIME_WAIT $NTW"
grep -Eq "CLOSE[-_]WAIT[^0-9]+$NCW([^0-9]|\$)" "$sandbox_tmp/states.txt" ||
    fail "text report lacks CLOSE_WAIT $NCW"
grep -q "$cw_pid.*sockgen-cw" "$sandbox_tmp/states.txt" ||
    fail "text report does not name pid $cw_pid (sockgen-cw)"

# The fallback: the copied /proc/net/tcp{,6} count the same, and say so.
$TCPADVISE --root "$fb" states --format json >"$sandbox_tmp/fallback.json"
[ "$(jq -r .source "$sandbox_tmp/fallback.json")" = proc ] ||
    fail "with --root, source is $(jq -r .source "$sandbox_tmp/fallback.json"), want proc"
ta_states "$sandbox_tmp/fallback.json" >"$sandbox_tmp/ta.fb"
if ! cmp -s "$sandbox_tmp/ss.1" "$sandbox_tmp/ta.fb"; then
	echo "ss | /proc/net/tcp fallback:"
	join -a 1 -a 2 -e 0 -o 0,1.2,2.2 "$sandbox_tmp/ss.1" "$sandbox_tmp/ta.fb"
	fail "fallback state counts differ from ss -tan"
fi

# Two samples a second apart give rates.
$TCPADVISE states --interval 1 --format json >"$sandbox_tmp/interval.json"
[ "$(jq -r .interval "$sandbox_tmp/interval.json")" = 1 ] || fail "--interval 1: interval is not 1"
[ "$(jq -r '.rates | type' "$sandbox_tmp/interval.json")" = object ] || fail "--interval 1: no rates"

# Once the child is gone, so is its CLOSE_WAIT (closing sends the FINs).
kill -9 "$cw_pid"
sleep 0.2
$TCPADVISE states --format json >"$sandbox_tmp/after.json"
[ "$(jq -r '.states.CLOSE_WAIT // 0' "$sandbox_tmp/after.json")" = 0 ] ||
    fail "CLOSE_WAIT left after its holder died"
[ "$(jq -r '.close_wait.holders | length' "$sandbox_tmp/after.json")" = 0 ] ||
    fail "a CLOSE_WAIT holder is still named after it died"
finish
