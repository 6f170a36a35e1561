#!/bin/sh
# The lock of apply and rollback, on the real kernel: an empty, a stale
# (its process gone) or a foreign lock file (another owner, read-only,
# not a pid) never blocks; a lock path that is a symbolic link or a
# directory is refused with a message naming it, changing nothing. Then
# apply and rollback started together, twenty times: each time the host
# ends wholly as before or wholly applied, and the history agrees with it
# (a rollback afterwards gives back the state from before).
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
TA=./tcpadvise
LOCK=/var/lib/tcpadvise/lock

command -v setpriv >/dev/null || { echo "SKIP: no setpriv (util-linux)"; exit 77; }
enter_sandbox "$0"
ip link set lo up

state() { host_state; }

echo 2 >/proc/sys/net/ipv4/tcp_fin_timeout
printf 'net.ipv4.tcp_fin_timeout = 2\n' >/etc/sysctl.d/80-old.conf
state >"$sandbox_tmp/before"
$TA apply --profile nginx --resolve >/dev/null || fail "the first apply exits $?"
state >"$sandbox_tmp/after"
cmp -s "$sandbox_tmp/before" "$sandbox_tmp/after" && fail "apply changes nothing"
$TA rollback >/dev/null || fail "the first rollback exits $?"
state | cmp -s "$sandbox_tmp/before" - || fail "rollback does not give back the state from before"

# lock_case WHAT: with the lock file as set up, apply and rollback each
# take it within a second and do their work.
lock_case() {
	t0=$(date +%s)
	TCPADVISE_LOCK_TIMEOUT=1 $TA apply --profile nginx --resolve >/dev/null 2>"$sandbox_tmp/err"
	rc=$?
	state | cmp -s "$sandbox_tmp/after" - || fail "$1 lock file: apply (exit $rc) did not apply: $(cat "$sandbox_tmp/err")"
	TCPADVISE_LOCK_TIMEOUT=1 $TA rollback >/dev/null 2>>"$sandbox_tmp/err"
	rc2=$?
	state | cmp -s "$sandbox_tmp/before" - || fail "$1 lock file: rollback (exit $rc2) did not roll back: $(cat "$sandbox_tmp/err")"
	[ $rc = 0 ] && [ $rc2 = 0 ] || fail "$1 lock file: exit $rc and $rc2"
	[ $(($(date +%s) - t0)) -le 1 ] || fail "$1 lock file: took $(($(date +%s) - t0)) s"
	[ "$failures" != 0 ] || echo "ok $1 lock file does not block"
}

: >$LOCK
lock_case empty
# A pid that is no process's (pid_max is at most 2^22).
printf '9999999\n' >$LOCK
lock_case stale
printf 'held by someone else, honest\n' >$LOCK
chown nobody:nogroup $LOCK 2>/dev/null || chown 65534:65534 $LOCK
chmod 0400 $LOCK
lock_case foreign

# A hostile lock path: refused, nothing changed.
rm -f $LOCK
ln -s /etc/passwd $LOCK
TCPADVISE_LOCK_TIMEOUT=1 $TA apply --profile nginx --resolve >/dev/null 2>"$sandbox_tmp/err"
rc=$?
[ $rc = 3 ] && grep -q "$LOCK" "$sandbox_tmp/err" && grep -q 'nothing was changed' "$sandbox_tmp/err" ||
    fail "lock symlink: exit $rc, $(cat "$sandbox_tmp/err")"
state | cmp -s "$sandbox_tmp/before" - || fail "lock symlink: the state changed"
[ -L $LOCK ] && [ "$(readlink $LOCK)" = /etc/passwd ] || fail "lock symlink: the link was replaced"
rm -f $LOCK
mkdir $LOCK
TCPADVISE_LOCK_TIMEOUT=1 $TA rollback >/dev/null 2>"$sandbox_tmp/err"
rc=$?
[ $rc = 3 ] && grep -q "$LOCK" "$sandbox_tmp/err" || fail "lock directory: exit $rc, $(cat "$sandbox_tmp/err")"
rmdir $LOCK
[ "$failures" != 0 ] || echo "ok a lock path that is a symbolic link or a directory is refused"

# apply racing rollback. Each round starts from "before" with one apply in
# the history (so that the rollback has something to undo, or the apply
# goes first and the rollback undoes that one).
i=0 n_after=0 n_before=0
while [ $i -lt 20 ]; do
	$TA apply --profile nginx --resolve >/dev/null 2>&1 && $TA rollback >/dev/null 2>&1 ||
	    fail "round $i: setup failed"
	$TA apply --profile nginx --resolve >"$sandbox_tmp/a.out" 2>&1 &
	a=$!
	$TA rollback >"$sandbox_tmp/r.out" 2>&1 &
	b=$!
	wait $a
	arc=$?
	wait $b
	rrc=$?
	state >"$sandbox_tmp/end"
	if cmp -s "$sandbox_tmp/end" "$sandbox_tmp/after"; then
		n_after=$((n_after + 1))
	elif cmp -s "$sandbox_tmp/end" "$sandbox_tmp/before"; then
		n_before=$((n_before + 1))
	else
		fail "round $i: apply (exit $arc) and rollback (exit $rrc) leave the host between: $(diff "$sandbox_tmp/after" "$sandbox_tmp/end" | head -5)"
	fi
	[ $arc = 0 ] || fail "round $i: apply exits $arc: $(cat "$sandbox_tmp/a.out")"
	[ $rrc = 0 ] || fail "round $i: rollback exits $rrc: $(cat "$sandbox_tmp/r.out")"
	# The history agrees: rolling back whatever is left gives "before".
	$TA rollback >/dev/null 2>&1 || fail "round $i: the rollback after the race exits $?"
	state | cmp -s "$sandbox_tmp/before" - || fail "round $i: the history does not lead back to before"
	i=$((i + 1))
done
echo "race: $n_after rounds ended applied, $n_before rolled back"
[ "$failures" = 0 ] || exit 1
echo "ok apply racing rollback ends whole, 20 rounds"
