#!/bin/sh
# Faults at every write-side system call of apply and rollback, on the real
# kernel. strace counts each call in a clean run (open, write, pwrite,
# fsync, rename, unlink, fchmod, mkdir, flock, close, ftruncate); then, for
# every occurrence N of every call and for EIO and ENOSPC, a fresh network
# namespace with its own /etc/sysctl.d and /var/lib/tcpadvise runs the same
# command with `strace -e inject=CALL:error=ERR:when=N`, and with EIO from
# occurrence N on (when=N+), so that the undo of a failed step fails too.
# Each run must end in one whole state:
#   - exit 0: wholly applied (or, for rollback, wholly rolled back), and
#     a clean rollback afterwards gives back the state from before;
#   - any other exit: the host as before, or exit 3 with a history from
#     which a clean rollback restores the state from before.
# "State" is every net.ipv4 and net.core value of the namespace and every
# entry of /etc/sysctl.d with its bytes (a temporary file left counts).
#
# FAULT_ERRNOS (default "EIO ENOSPC") and FAULT_CALLS narrow a run by hand.
# Runs two cases at a time; about 1,300 runs take a minute and a half.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
TA=$(pwd)/tcpadvise
PROFILE=nginx
CALLS=${FAULT_CALLS:-"openat write pwrite64 fsync fdatasync rename renameat renameat2 unlink unlinkat fchmod fchmodat mkdir mkdirat flock close ftruncate"}
ERRNOS=${FAULT_ERRNOS:-"EIO ENOSPC"}

state() { host_state; }

# before: the host apply starts from: a hazardous tcp_fin_timeout live and
# in a file, and a fragment tcpadvise did not write, so that apply
# --resolve both replaces a file and edits another.
before() {
	echo 2 >/proc/sys/net/ipv4/tcp_fin_timeout
	printf '# tuned by hand\nnet.ipv4.tcp_fin_timeout = 2\n' >/etc/sysctl.d/80-old.conf
	printf '# an older tuning\nnet.ipv4.tcp_slow_start_after_idle = 1\n' >/etc/sysctl.d/90-tcpadvise.conf
}

apply_cmd() { "$@" "$TA" apply --profile $PROFILE --resolve; }
rollback_cmd() { "$@" "$TA" rollback; }

# One case, in a namespace of its own: --case SCENARIO CALL N ERRNO OUT.
# N 0 is the clean run that writes the reference states and the counts.
if [ "${1:-}" = --case ]; then
	scenario=$2 call=$3 n=$4 err=$5 out=$6
	TCPADVISE_SANDBOX=1
	enter_sandbox "$0"
	ip link set lo up
	before
	# The states before and at the start are the clean run's: every case
	# starts in a fresh namespace the same way.
	if [ "$n" = 0 ]; then
		state >"$sandbox_tmp/before"
	else
		cp "$out.before" "$sandbox_tmp/before"
		cp "$out.start" "$sandbox_tmp/start"
	fi
	if [ "$scenario" = rollback ]; then
		apply_cmd >/dev/null 2>&1 || { echo "$scenario $call $n $err setup-failed"; exit 0; }
		cmd=rollback_cmd
	else
		cmd=apply_cmd
	fi
	[ "$n" != 0 ] || state >"$sandbox_tmp/start"
	if [ "$n" = 0 ]; then
		$cmd strace -f -qq -o "$out.strace" -e trace="$(echo $CALLS | tr ' ' ,)" \
		    >"$out.stdout" 2>"$out.stderr"
		echo $? >"$out.rc"
		state >"$out.end"
		cp "$sandbox_tmp/before" "$out.before"
		cp "$sandbox_tmp/start" "$out.start"
		exit 0
	fi
	$cmd strace -f -qq -o /dev/null -e trace="$call" -e inject="$call:error=$err:when=$n" \
	    >"$sandbox_tmp/stdout" 2>"$sandbox_tmp/stderr"
	rc=$?
	state >"$sandbox_tmp/end"
	if cmp -s "$sandbox_tmp/end" "$sandbox_tmp/before"; then
		cls=before
	elif cmp -s "$sandbox_tmp/end" "$sandbox_tmp/start"; then
		cls=start
	elif [ "$scenario" = apply ] && cmp -s "$sandbox_tmp/end" "$out.after"; then
		cls=after
	else
		cls=between
	fi
	# What a clean rollback makes of it.
	"$TA" rollback >"$sandbox_tmp/rb.out" 2>&1
	rbrc=$?
	state >"$sandbox_tmp/rb"
	if cmp -s "$sandbox_tmp/rb" "$sandbox_tmp/before"; then
		rbcls=before
	else
		rbcls=other
	fi
	verdict=ok
	why=
	if [ "$scenario" = apply ]; then
		done_cls=after
	else
		done_cls=before
	fi
	if [ $rc = 0 ]; then
		[ $cls = $done_cls ] || { verdict=FAIL; why="exit 0 but the state is $cls"; }
		[ $rbcls = before ] || { verdict=FAIL; why="$why; exit 0 and a rollback (exit $rbrc) does not give back the state from before"; }
	else
		case $cls in
		before)
			# Rolled back or never changed: a rollback must not
			# make it anything else.
			[ $rbcls = before ] || { verdict=FAIL; why="a later rollback (exit $rbrc) changes the state"; } ;;
		start | after)
			# Untouched (rollback) or wholly applied: the history
			# must still undo it.
			[ $rbcls = before ] || { verdict=FAIL; why="exit $rc leaves the state $cls, and a rollback (exit $rbrc) does not restore it"; } ;;
		between)
			[ $rc = 3 ] || { verdict=FAIL; why="exit $rc leaves the host half-changed"; }
			[ $rbcls = before ] || { verdict=FAIL; why="$why; half-changed, and a rollback (exit $rbrc) does not restore the state from before"; } ;;
		esac
	fi
	# What it said must match where it left the host.
	msg=$(grep -v -e '^--PID--' -e '^==[0-9]*==' "$sandbox_tmp/stderr" | tr '\n' ' ' | sed 's/ $//')
	# (Not when every write fails from some point on: stderr too.)
	mute=false
	case $call:$n in write:*+) mute=true ;; esac
	if [ $rc != 0 ] && [ $rc != 127 ] && ! $mute; then
		[ -n "$msg" ] || { verdict=FAIL; why="$why; exit $rc without a message"; }
		case $scenario.$cls in
		apply.before)
			echo "$msg" | grep -q -E 'nothing was changed|restored' ||
			    { verdict=FAIL; why="$why; apply left nothing changed but says: $msg"; } ;;
		*.between)
			echo "$msg" | grep -q 'rollback' ||
			    { verdict=FAIL; why="$why; half-done without naming rollback: $msg"; } ;;
		esac
	fi
	echo "rc=$rc $cls|$msg" >>"$out.msgs"
	printf '%s %s %s %s rc=%s %s rollback=%s:%s %s %s\n' "$verdict" "$scenario" "$call" "$n" \
	    "$rc" "$cls" "$rbrc" "$rbcls" "$err" "$why"
	if [ $verdict = FAIL ]; then
		{
			echo "--- $scenario $call $n $err: stdout"
			cat "$sandbox_tmp/stdout"
			echo "--- stderr"
			cat "$sandbox_tmp/stderr"
			echo "--- state after the faulted run vs the expected one"
			diff "$sandbox_tmp/start" "$sandbox_tmp/end" | head -20
			echo "--- rollback"
			cat "$sandbox_tmp/rb.out"
		} >>"$out.fail"
	fi
	exit 0
fi

require_root
command -v strace >/dev/null || { echo "SKIP: no strace"; exit 77; }
strace -f -qq -o /dev/null -e trace=getpid -e inject=getpid:error=EIO:when=1 true 2>/dev/null ||
    { echo "SKIP: strace cannot inject faults here"; exit 77; }
tmp=$(mktemp -d)
# FAULT_KEEP=DIR keeps every case's results and messages there.
trap '[ -n "${FAULT_KEEP:-}" ] && cp -r "$tmp/." "$FAULT_KEEP"; rm -rf "$tmp"' EXIT
failures=0
ncases=0
for scenario in apply rollback; do
	ref=$tmp/$scenario
	unshare --net --mount --propagation private sh "$0" --case $scenario - 0 - "$ref"
	[ "$(cat "$ref.rc")" = 0 ] || fail "$scenario: the clean run exits $(cat "$ref.rc"): $(cat "$ref.stderr")"
	if [ $scenario = apply ]; then
		cp "$ref.end" "$tmp/after"
		cmp -s "$ref.before" "$ref.end" && fail "apply: the clean run changes nothing"
	else
		cmp -s "$ref.end" "$ref.before" || fail "rollback: the clean run does not restore the state from before"
	fi
	# Occurrences of each call in the clean run (strace numbers calls per
	# process; apply and rollback run in one).
	: >"$tmp/cases"
	for call in $CALLS; do
		count=$(grep -c -E "^[0-9]+ +$call\(" "$ref.strace")
		[ "$count" -gt 0 ] || continue
		echo "$scenario: $call x $count"
		# Each errno at occurrence N, and EIO from N on (when=N+),
		# where the undo fails as well.
		i=1
		while [ $i -le "$count" ]; do
			for err in $ERRNOS from; do
				case $err in
				from) echo "$scenario $call $i+ EIO $ref" ;;
				*) echo "$scenario $call $i $err $ref" ;;
				esac
			done >>"$tmp/cases"
			i=$((i + 1))
		done
	done
	n=$(wc -l <"$tmp/cases")
	ncases=$((ncases + n))
	echo "$scenario: $n cases"
	cp "$tmp/after" "$ref.after"
	# Two at a time: each case is its own namespace.
	# shellcheck disable=SC2016 # expanded by the inner sh
	xargs -P 2 -L 1 sh -c 'unshare --net --mount --propagation private sh "$0" --case "$@"' \
	    "$0" <"$tmp/cases" >"$tmp/$scenario.results" 2>&1
	# How the faulted runs ended: call, exit status, state.
	awk '/^(ok|FAIL) / { print $3, $5, $6 }' "$tmp/$scenario.results" | sort | uniq -c |
	    sed "s/^/$scenario: /"
	# What the faulted runs said, one line per message (numbers folded).
	awk -F'|' '{ gsub(/[0-9]+/, "N", $2); print $1 ": " $2 }' "$ref.msgs" | sort | uniq -c | sort -rn
	nres=$(grep -c -E '^(ok|FAIL) ' "$tmp/$scenario.results")
	[ "$nres" = "$n" ] || fail "$scenario: $nres results for $n cases: $(grep -v -E '^(ok|FAIL) ' "$tmp/$scenario.results" | head -5)"
	if grep -q '^FAIL' "$tmp/$scenario.results"; then
		grep '^FAIL' "$tmp/$scenario.results"
		[ -f "$ref.fail" ] && head -200 "$ref.fail"
		fail "$scenario: $(grep -c '^FAIL' "$tmp/$scenario.results") of $n faulted runs end between states or lie about it"
	fi
done
echo "$ncases faulted runs"
[ "$failures" = 0 ] || exit 1
echo "ok"
