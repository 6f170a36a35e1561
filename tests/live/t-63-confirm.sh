#!/bin/sh
# tcpadvise apply --confirm on the real kernel, in a fresh network
# namespace: (1) unconfirmed, the watcher rolls the apply back at the
# deadline: every live value and /etc/sysctl.d as before, byte for byte,
# and the history says "rolled back by timeout"; a second apply is refused
# while one waits. (2) The same when the shell that ran the apply is
# killed (kill -9) right after it, and the watcher gets SIGHUP. (3)
# Confirmed in time: the values stay, the fragment is written then, the
# history says confirmed, and nothing is rolled back after the deadline.
# (4) confirm with nothing pending: exit 2. Only per-netns keys are
# written (global ones are skipped in a child namespace).
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
FRAG=/etc/sysctl.d/90-tcpadvise.conf
HISTORY=/var/lib/tcpadvise/history
TCPADVISE=$(pwd)/${TCPADVISE#./}

command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
enter_sandbox "$0"

# Every readable value of net.ipv4 and somaxconn, and /etc/sysctl.d.
state() {
	for f in /proc/sys/net/ipv4/* /proc/sys/net/core/somaxconn; do
		[ -f "$f" ] && [ -r "$f" ] || continue
		printf '%s = %s\n' "$f" "$(tr -s '\t ' '  ' <"$f" 2>/dev/null)"
	done
	for f in /etc/sysctl.d/* /etc/sysctl.d/.*; do
		[ -f "$f" ] || continue
		echo "== $f $(stat -c %a "$f")"
		cat "$f"
	done
}

# A start where nginx changes something live.
setup() {
	rm -rf "$FRAG" "$HISTORY"
	echo 1 >/proc/sys/net/ipv4/tcp_slow_start_after_idle
	echo 0 >/proc/sys/net/ipv4/tcp_mtu_probing
}

# gone PID [SECONDS]: the watcher has ended (within SECONDS, default 3).
gone() {
	i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $((${2:-3} * 10)) ] && return 1
		sleep 0.1
	done
}

txn() { jq -r "$@" "$HISTORY/1.json"; }

# (1) no confirmation: rolled back at the deadline.
setup
state >"$sandbox_tmp/1.before"
$TCPADVISE apply --profile nginx --confirm 3 --format json >"$sandbox_tmp/1.json" ||
    fail "1: apply --confirm exits $?"
pid=$(jq -r .confirm.watcher_pid "$sandbox_tmp/1.json")
[ "$(jq -r .confirm.seconds "$sandbox_tmp/1.json")" = 3 ] || fail "1: confirm.seconds"
[ "$(jq -r '.confirm.deadline - (now | floor) | . >= 1 and . <= 3' "$sandbox_tmp/1.json")" = true ] ||
    fail "1: deadline $(jq -r .confirm.deadline "$sandbox_tmp/1.json") is not in 3 s"
[ "$(cat /proc/sys/net/ipv4/tcp_slow_start_after_idle)" = 0 ] ||
    fail "1: tcp_slow_start_after_idle not set live"
[ ! -e "$FRAG" ] || fail "1: the fragment is written before the confirmation"
kill -0 "$pid" 2>/dev/null || fail "1: no watcher $pid"
[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] && fail "1: the watcher leads a session"
[ "$(ps -o tty= -p "$pid" | tr -d ' ')" = "?" ] || fail "1: the watcher has a terminal"
[ "$(txn .confirm.confirmed)" = null ] || fail "1: confirmed is $(txn .confirm.confirmed)"
$TCPADVISE apply --profile nginx >"$sandbox_tmp/1.again" 2>&1
[ $? = 2 ] || fail "1: a second apply while one waits does not exit 2"
grep -q "apply 1 waits for confirmation" "$sandbox_tmp/1.again" ||
    fail "1: the refusal says: $(cat "$sandbox_tmp/1.again")"
# The deadline, then the watcher's rollback (a loaded host may take a
# while to run it).
sleep 3
gone "$pid" 15 || fail "1: the watcher $pid is still there"
state | diff "$sandbox_tmp/1.before" - || fail "1: not rolled back byte for byte"
[ "$(txn .rolled_back.by)" = timeout ] || fail "1: rolled_back is $(txn -c .rolled_back)"
$TCPADVISE history | grep -q "rolled back (not confirmed in time)" ||
    fail "1: history says: $($TCPADVISE history)"

# (2) the shell that ran the apply is killed; the watcher ignores SIGHUP.
setup
state >"$sandbox_tmp/2.before"
(setsid sh -c "$TCPADVISE apply --profile nginx --confirm 5 >'$sandbox_tmp/2.out'; kill -9 \$\$") \
    2>/dev/null
grep -q '^confirm within 5 s with `tcpadvise confirm`, or it is rolled back' \
    "$sandbox_tmp/2.out" || fail "2: apply says: $(cat "$sandbox_tmp/2.out")"
pid=$(sed -n 's/.*(watcher pid \([0-9]*\))$/\1/p' "$sandbox_tmp/2.out")
[ -n "$pid" ] && kill -HUP "$pid" 2>/dev/null || fail "2: no watcher"
[ "$(cat /proc/sys/net/ipv4/tcp_slow_start_after_idle)" = 0 ] ||
    fail "2: tcp_slow_start_after_idle not set live"
sleep 3
[ "$(cat /proc/sys/net/ipv4/tcp_slow_start_after_idle)" = 0 ] ||
    fail "2: rolled back before the deadline"
sleep 2
gone "$pid" 15 || fail "2: the watcher $pid is still there"
state | diff "$sandbox_tmp/2.before" - || fail "2: not rolled back byte for byte"
[ "$(txn .rolled_back.by)" = timeout ] || fail "2: rolled_back is $(txn -c .rolled_back)"

# (3) confirmed in time.
setup
$TCPADVISE apply --profile nginx --confirm 4 --format json >"$sandbox_tmp/3.json" ||
    fail "3: apply --confirm exits $?"
pid=$(jq -r .confirm.watcher_pid "$sandbox_tmp/3.json")
jq -r '.live[] | "/proc/sys/\(.key | gsub("\\."; "/")) = \(.after)"' "$sandbox_tmp/3.json" \
    >"$sandbox_tmp/3.want"
$TCPADVISE confirm >"$sandbox_tmp/3.out" || fail "3: confirm exits $?"
grep -qx "confirmed apply 1 (profile nginx): 1 file written" "$sandbox_tmp/3.out" ||
    fail "3: confirm says: $(cat "$sandbox_tmp/3.out")"
[ -f "$FRAG" ] || fail "3: no fragment after the confirmation"
txn .files[0].after | cmp -s - "$FRAG" 2>/dev/null ||
    jq -j '.files[0].after' "$HISTORY/1.json" | cmp - "$FRAG" ||
    fail "3: the fragment is not the one recorded"
[ "$(txn '.confirm.confirmed | type')" = number ] || fail "3: not marked confirmed"
gone "$pid" || fail "3: the watcher $pid did not end after the confirmation"
state >"$sandbox_tmp/3.after"
grep -F -x -f "$sandbox_tmp/3.want" "$sandbox_tmp/3.after" | diff "$sandbox_tmp/3.want" - ||
    fail "3: the live values are not the applied ones"
sleep 5
state | diff "$sandbox_tmp/3.after" - || fail "3: something changed after the deadline"
[ "$(txn .rolled_back)" = null ] || fail "3: rolled back: $(txn -c .rolled_back)"
# A confirmed apply rolls back as any other: the fragment goes again.
$TCPADVISE rollback >/dev/null || fail "3: rollback exits $?"
[ ! -e "$FRAG" ] || fail "3: rollback left the fragment"

# (4) nothing pending.
$TCPADVISE confirm >"$sandbox_tmp/4.out" 2>"$sandbox_tmp/4.err"
[ $? = 2 ] || fail "4: confirm with nothing pending does not exit 2"
[ ! -s "$sandbox_tmp/4.out" ] || fail "4: confirm printed $(cat "$sandbox_tmp/4.out")"
grep -qx "tcpadvise: nothing to confirm: no apply --confirm is waiting" "$sandbox_tmp/4.err" ||
    fail "4: confirm says: $(cat "$sandbox_tmp/4.err")"
finish
