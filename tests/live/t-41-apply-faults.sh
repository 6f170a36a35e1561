#!/bin/sh
# tcpadvise apply when things go wrong, on the real kernel: a value the
# kernel rejects half-way, a crash between writing the temporary file and
# renaming it, concurrent applies, a symlink at the fragment's path, no
# root, a read-only /proc/sys, a missing /etc/sysctl.d and a held lock.
# Each time apply must exit 3 with a message that says why, and leave the
# live values and the fragment exactly as they were (or, for the crash and
# the race, in a state some complete apply produced).
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
FRAG=/etc/sysctl.d/90-tcpadvise.conf
FAULT=${TCPADVISE_FAULT_BIN:-./tcpadvise-fault}
WATCH="net.core.somaxconn net.ipv4.ip_local_port_range net.ipv4.tcp_congestion_control
    net.ipv4.tcp_fin_timeout net.ipv4.tcp_syncookies net.ipv4.tcp_timestamps net.ipv4.tcp_tw_reuse"

live() {
	tr -s '\t ' '  ' <"/proc/sys/$(echo "$1" | tr . /)"
}

assignments() {
	grep -v -e '^#' -e '^$' "$1"
}

# state: everything a failed apply must leave alone: the live values, the
# entries of /etc/sysctl.d with inode and mtime, the fragment's bytes, and
# the history (so that rollback still undoes the last apply that worked).
state() {
	for k in $WATCH; do echo "$k = $(live "$k")"; done
	ls -Ali --time-style=full-iso /etc/sysctl.d | sed 1d
	[ -f "$FRAG" ] && od -c "$FRAG"
	history_state
}

# temps_left: whether a hidden temporary file of the fragment is left.
temps_left() {
	for f in /etc/sysctl.d/.#*; do
		[ -e "$f" ] && return 0
	done
	return 1
}

# unchanged WHAT: compare the state with the one saved in $sandbox_tmp/s.
unchanged() {
	state | diff "$sandbox_tmp/s" - || fail "$1 changed something"
}

# expect3 WHAT PATTERN...: the last run exited 3 and its stderr matches
# every pattern (case-insensitive extended regular expressions).
expect3() {
	what=$1
	f0=$failures
	shift
	[ "$rc" = 3 ] || fail "$what: exit $rc, want 3"
	for pat; do
		grep -qiE -- "$pat" "$sandbox_tmp/err" ||
		    fail "$what: message lacks '$pat': $(cat "$sandbox_tmp/err")"
	done
	[ "$failures" != "$f0" ] || echo "ok $what: $(head -n 1 "$sandbox_tmp/err")"
}

command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
command -v flock >/dev/null || { echo "SKIP: no flock (util-linux)"; exit 77; }
command -v setpriv >/dev/null || { echo "SKIP: no setpriv (util-linux)"; exit 77; }
# The crash needs the fault-injection build; the normal binary has no such
# code path. Bring it up to date unless a binary was named.
if [ -z "${TCPADVISE_SANDBOX:-}" ] && [ -z "${TCPADVISE_FAULT_BIN:-}" ] &&
    make -n tcpadvise-fault >/dev/null 2>&1; then
	make -s tcpadvise-fault >/dev/null || echo "make tcpadvise-fault failed"
fi
enter_sandbox "$0"
trap 'rm -rf "$sandbox_tmp"' EXIT
# tmpfs roots are world-writable; the real directories are not, which is
# what makes "not root" fail there.
chmod 755 /etc/sysctl.d /var/lib/tcpadvise

# Two profiles that each find something to change on kernel defaults: PA
# wants tcp_fin_timeout at most 50 (applies 30), PB wants tcp_tw_reuse 1
# and the port range 10000-65535.
PA=$sandbox_tmp/pa.yaml
PB=$sandbox_tmp/pb.yaml
cat >"$PA" <<'EOF'
name: pa
description: "fin_timeout 15..50"
extends: baseline
settings:
  net.ipv4.tcp_fin_timeout: {min: 15, max: 50, apply: 30, severity: warning, reason: "test", source: "test"}
EOF
cat >"$PB" <<'EOF'
name: pb
description: "tw_reuse 1, a wide port range"
extends: baseline
settings:
  net.ipv4.tcp_tw_reuse: {equal: 1, severity: warning, reason: "test", source: "test"}
  net.ipv4.ip_local_port_range: {apply: "10000 65535", severity: info, reason: "test", source: "test"}
EOF

# Readable by nobody too, for the runs without root below.
chmod 755 "$sandbox_tmp"
chmod 644 "$PA" "$PB"

$TCPADVISE apply --profile "$PA" >/dev/null || fail "setup: apply pa exits $?"
cp "$FRAG" "$sandbox_tmp/nginx.conf"

# 1. The kernel rejects the third key in sorted order: the two already set
#    are restored, the fourth never written, the fragment left alone.
cat >"$sandbox_tmp/bad3.yaml" <<'EOF'
name: bad3
description: "Four keys; the kernel has no congestion control named nosuchcc"
settings:
  net.ipv4.tcp_fin_timeout:
    apply: 25
    reason: "Written only if every earlier key was set."
    source: "test"
  net.ipv4.tcp_congestion_control:
    apply: nosuchcc
    reason: "An algorithm no kernel has, so the write fails with ENOENT."
    source: "test"
  net.core.somaxconn:
    apply: 1000
    reason: "Set first, so it must be restored."
    source: "test"
  net.ipv4.ip_local_port_range:
    apply: "20000 40000"
    reason: "Set second, so it must be restored."
    source: "test"
EOF
state >"$sandbox_tmp/s"
$TCPADVISE apply --profile "$sandbox_tmp/bad3.yaml" >/dev/null 2>"$sandbox_tmp/err"
rc=$?
expect3 "rejected value" net.ipv4.tcp_congestion_control "'nosuchcc'" "No such file or directory" \
    "restored the 2 keys"
unchanged "a rejected value"

# 2. A crash after the temporary file is written, before the rename: the
#    old fragment survives byte for byte and no new .conf file appears (a
#    hidden .#... temporary may); the next apply clears the leftover.
if [ -x "$FAULT" ]; then
	ls -A /etc/sysctl.d >"$sandbox_tmp/ls0"
	# No core file; the shell's "Aborted" goes to /dev/null with the rest.
	rc=$(sh -c 'ulimit -c 0; TCPADVISE_FAULT=after-temp-write "$0" apply --profile "$1" \
	    >/dev/null 2>&1; echo $?' "$FAULT" "$PB" 2>/dev/null)
	[ "$rc" -gt 128 ] || fail "crash: the fault build exits $rc, want death by SIGABRT"
	cmp -s "$FRAG" "$sandbox_tmp/nginx.conf" || fail "crash: the old fragment is not intact"
	ls -A /etc/sysctl.d >"$sandbox_tmp/ls1"
	grep -v -x -F -f "$sandbox_tmp/ls0" "$sandbox_tmp/ls1" >"$sandbox_tmp/new"
	if grep -v '^\.#90-tcpadvise\.conf' "$sandbox_tmp/new" || grep '\.conf$' "$sandbox_tmp/new"; then
		fail "crash: new files in /etc/sysctl.d (above)"
	fi
	echo "ok crash: left $(wc -l <"$sandbox_tmp/new") temporary file(s)"
	$TCPADVISE apply --profile "$PB" >/dev/null || fail "apply after the crash exits $?"
	! temps_left || fail "apply after the crash left $(ls -A /etc/sysctl.d)"
else
	echo "skip crash: no fault-injection build ($FAULT; make tcpadvise-fault)"
fi

# 3. Twenty concurrent applies of two profiles: the lock serialises them,
#    so the fragment is one that a whole apply of one of them writes (both
#    accept each other's values: they differ in the header) and the kernel
#    holds its values.
$TCPADVISE apply --profile "$PB" >/dev/null || fail "setup: apply pb exits $?"
cp "$FRAG" "$sandbox_tmp/crawler.conf"
$TCPADVISE apply --profile "$PA" >/dev/null || fail "setup: apply pa again exits $?"
cp "$FRAG" "$sandbox_tmp/both.conf"
i=0
while [ $i -lt 20 ]; do
	p=$PA
	[ $((i % 2)) = 1 ] && p=$PB
	($TCPADVISE apply --profile $p >/dev/null 2>"$sandbox_tmp/c$i.err"
	    echo $? >"$sandbox_tmp/c$i.rc") &
	i=$((i + 1))
done
wait
[ "$(cat "$sandbox_tmp"/c*.rc | sort -u)" = 0 ] ||
    fail "concurrent: exit statuses $(cat "$sandbox_tmp"/c*.rc | sort | uniq -c | tr '\n' ' ') $(cat "$sandbox_tmp"/c*.err)"
if cmp -s "$FRAG" "$sandbox_tmp/both.conf"; then
	echo "ok concurrent: the fragment is pa's"
elif cmp -s "$FRAG" "$sandbox_tmp/crawler.conf"; then
	echo "ok concurrent: the fragment is pb's"
else
	fail "concurrent: the fragment is neither profile's"
	cat "$FRAG"
fi
assignments "$FRAG" | while read -r k _ _; do echo "$k = $(live "$k")"; done |
    diff - "$(assignments "$FRAG" >"$sandbox_tmp/want"; echo "$sandbox_tmp/want")" ||
    fail "concurrent: the kernel does not hold the fragment's values"
! temps_left || fail "concurrent: temporary files left"

# From here on the fragment is pa's and one live value fails pa, so every
# refused apply below would have had something to do.
$TCPADVISE apply --profile "$PA" >/dev/null || fail "setup: apply pa exits $?"
sysctl -q -w net.ipv4.tcp_fin_timeout=55

# 4. A symlink at the fragment's path is refused, its target untouched,
#    and the live values written before the refusal are restored.
rm -f "$FRAG"
printf 'net.ipv4.tcp_fin_timeout = 44\n' >"$sandbox_tmp/victim"
ln -s "$sandbox_tmp/victim" "$FRAG"
v0=$(stat -c '%i %.9Y %s' "$sandbox_tmp/victim")
state >"$sandbox_tmp/s"
$TCPADVISE apply --profile "$PA" >/dev/null 2>"$sandbox_tmp/err"
rc=$?
expect3 symlink "$FRAG"
unchanged "a refused symlink"
[ "$(stat -c '%i %.9Y %s' "$sandbox_tmp/victim")" = "$v0" ] || fail "symlink: the target was touched"
[ "$(cat "$sandbox_tmp/victim")" = 'net.ipv4.tcp_fin_timeout = 44' ] || fail "symlink: the target changed"
[ -L "$FRAG" ] || fail "symlink: the link was replaced"
rm -f "$FRAG"
cp "$sandbox_tmp/nginx.conf" "$FRAG"

# 5. Not root: refused with a message that says so; nothing changes,
#    neither live nor persisted nor the history.
if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$TCPADVISE"; then
	state >"$sandbox_tmp/s"
	for mode in "" --persist-only --live-only; do
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		    $TCPADVISE apply --profile "$PB" $mode >/dev/null 2>"$sandbox_tmp/err"
		rc=$?
		expect3 "not root ${mode:-(live and fragment)}" "permission denied|not permitted"
		unchanged "apply as nobody $mode"
	done
else
	echo "skip not root: nobody cannot run $TCPADVISE"
fi

# 7. No /etc/sysctl.d: apply does not create it, restores the live values
#    and says which path is missing. Here with --file in a missing directory
#    and with /etc itself hidden by an empty tmpfs in a nested mount
#    namespace.
state >"$sandbox_tmp/s"
$TCPADVISE apply --profile "$PB" --file /run/no-such-dir/90-tcpadvise.conf >/dev/null 2>"$sandbox_tmp/err"
rc=$?
expect3 "missing --file directory" /run/no-such-dir "no such file or directory|does not exist"
[ ! -e /run/no-such-dir ] || fail "missing directory: apply created /run/no-such-dir"
unchanged "apply into a missing directory"
unshare --mount --propagation private sh -c '
	mount -t tmpfs tmpfs /etc || exit 99
	$0 apply --profile "$2" >/dev/null 2>"$1"
	rc=$?
	[ ! -e /etc/sysctl.d ] || echo "apply created /etc/sysctl.d" >>"$1"
	exit $rc' "$TCPADVISE" "$sandbox_tmp/err" "$PB"
rc=$?
expect3 "missing /etc/sysctl.d" /etc/sysctl.d "no such file or directory|does not exist"
! grep -q 'apply created' "$sandbox_tmp/err" || fail "missing /etc/sysctl.d: apply created it"
unchanged "apply without /etc/sysctl.d"

# 8. Another apply holds the lock: give up after TCPADVISE_LOCK_TIMEOUT
#    seconds, naming the lock file; then, released, apply works again.
(flock 9 && : >"$sandbox_tmp/locked" && exec sleep 60) 9>>/var/lib/tcpadvise/lock &
holder=$!
n=0
while [ ! -e "$sandbox_tmp/locked" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
state >"$sandbox_tmp/s"
t0=$(date +%s)
TCPADVISE_LOCK_TIMEOUT=1 $TCPADVISE apply --profile "$PB" >/dev/null 2>"$sandbox_tmp/err"
rc=$?
t=$(($(date +%s) - t0))
kill "$holder"
wait "$holder" 2>/dev/null
expect3 "lock held" /var/lib/tcpadvise/lock
if [ $t -lt 1 ] || [ $t -gt 5 ]; then
	fail "lock held: gave up after $t s, want 1 s"
fi
unchanged "apply while the lock is held"
TCPADVISE_LOCK_TIMEOUT=1 $TCPADVISE apply --profile "$PA" >/dev/null || fail "apply after the lock's release exits $?"

# 6. A read-only /proc/sys (as in many containers), in a nested mount
#    namespace so that the rest of this test keeps a writable one: the key
#    cannot be fixed here, so apply and its dry run alike skip it with the
#    reason, exit 0 and change nothing; check says fixable: false.
sysctl -q -w net.ipv4.tcp_fin_timeout=55
state >"$sandbox_tmp/s"
for mode in --dry-run ""; do
	unshare --mount --propagation private sh -c '
		mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys || exit 99
		$0 apply --profile "$2" $3 --format json >"$1.json" 2>"$1" || exit
		exec $0 check --profile "$2" --format json >"$1.check"' \
	    "$TCPADVISE" "$sandbox_tmp/err" "$PA" "$mode"
	rc=$?
	[ $rc != 99 ] || fail "read-only /proc/sys: cannot remount"
	[ $rc = 1 ] || fail "read-only /proc/sys ${mode:-(real run)}: exit $rc, want 0 (then check 1): $(cat "$sandbox_tmp/err")"
	jq -e '.changed == false and (.skipped | map(select(.key == "net.ipv4.tcp_fin_timeout"
	    and (.reason | test("read-only")))) | length) == 1' "$sandbox_tmp/err.json" >/dev/null ||
	    fail "read-only /proc/sys ${mode:-(real run)}: $(jq -c '{changed, skipped}' "$sandbox_tmp/err.json")"
	jq -e '[.findings[] | select(.key == "net.ipv4.tcp_fin_timeout" and .severity == "warning")
	    | .fixable] == [false]' "$sandbox_tmp/err.check" >/dev/null ||
	    fail "read-only /proc/sys: check does not say fixable: false"
	unchanged "apply ${mode:-(real run)} on a read-only /proc/sys"
done
echo "ok read-only /proc/sys: skipped, as the dry run says"

# 9. A dry run fails where the real run would: as nobody, it cannot write.
if setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$TCPADVISE"; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	    $TCPADVISE apply --profile "$PA" --dry-run >/dev/null 2>"$sandbox_tmp/err"
	rc=$?
	expect3 "dry run as nobody" "permission denied"
fi
finish
