#!/bin/sh
# apply and rollback in sequences, on copies of the modern fixture root
# where a site file and the live value set tcp_fin_timeout = 5, which the
# test profile refuses: idempotence (same inode and mtime), rollback twice,
# --dry-run changes nothing, a symlink at the fragment path or a missing
# /etc/sysctl.d is refused with exit 3 and nothing changed, the lock times
# out, the dry-run diff is one that patch(1) applies, a dry run names the
# later lines that will override the fragment, and a value the profile
# accepts is left alone.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
frag=etc/sysctl.d/90-tcpadvise.conf

fresh() {
	rm -rf "$tmp/r"
	cp -a "$ROOTS/modern" "$tmp/r"
	echo 'net.ipv4.tcp_fin_timeout = 5' >"$tmp/r/etc/sysctl.d/50-site.conf"
	echo 5 >"$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout"
}

# Two profiles: t30 accepts 15..60 and applies 30; t40 wants 40..60.
cat >"$tmp/t30.yaml" <<'EOF'
name: t30
description: test
extends: baseline
settings:
  net.ipv4.tcp_fin_timeout: {min: 15, max: 60, apply: 30, severity: warning, reason: r30, source: s}
EOF
sed 's/t30/t40/; s/min: 15/min: 40/; s/apply: 30/apply: 45/; s/r30/r40/' \
    "$tmp/t30.yaml" >"$tmp/t40.yaml"
P30="$tmp/t30.yaml"
P40="$tmp/t40.yaml"

# A checksum of every name, type, mode and content below the root; with
# "state", of everything but ROOT/var (where the lock file is created).
tree_sum() {
	if [ "${1:-}" = state ]; then skip='-path ./var'; else skip='-path ./nonexistent'; fi
	(cd "$tmp/r" && find . $skip -prune -o -printf '%p %y %m %s\n' | sort &&
	    find . $skip -prune -o -type f -exec cat {} + ) | md5sum
}

# apply twice: the second changes nothing and leaves the file alone.
fresh
$TCPADVISE --root "$tmp/r" apply --profile "$P30" >/dev/null ||
    fail "first apply failed"
[ -f "$tmp/r/$frag" ] || fail "no fragment after apply"
[ "$(stat -c %a "$tmp/r/$frag")" = 644 ] || fail "fragment mode is not 0644"
[ "$(cat "$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout")" = 30 ] ||
    fail "tcp_fin_timeout not set live"
before=$(stat -c '%i %Y.%y' "$tmp/r/$frag")
sleep 1
out=$($TCPADVISE --root "$tmp/r" apply --profile "$P30" --format json)
[ $? = 0 ] || fail "second apply failed"
printf '%s\n' "$out" | grep -q '"changed": false' || fail "second apply changed something: $out"
[ "$(stat -c '%i %Y.%y' "$tmp/r/$frag")" = "$before" ] ||
    fail "second apply touched the fragment"
ls -A "$tmp/r/etc/sysctl.d" | grep -q '^\.#' && fail "temporary file left behind"

# rollback twice: the second has nothing to do.
$TCPADVISE --root "$tmp/r" rollback >/dev/null || fail "rollback failed"
[ -e "$tmp/r/$frag" ] && fail "rollback left the fragment"
[ "$(cat "$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout")" = 5 ] ||
    fail "rollback did not restore tcp_fin_timeout"
out=$($TCPADVISE --root "$tmp/r" rollback)
[ $? = 0 ] || fail "second rollback failed"
[ "$out" = "nothing to roll back" ] || fail "second rollback said: $out"

# --dry-run changes nothing at all, and its diff applies with patch.
fresh
sum=$(tree_sum)
$TCPADVISE --root "$tmp/r" apply --profile "$P40" --dry-run >"$tmp/dry" ||
    fail "dry run failed"
[ "$(tree_sum)" = "$sum" ] || fail "--dry-run changed the root"
$TCPADVISE --root "$tmp/r" apply --profile "$P40" --dry-run --format json >/dev/null ||
    fail "JSON dry run failed"
[ "$(tree_sum)" = "$sum" ] || fail "--dry-run --format json changed the root"
sed -n '/^--- /,/^dry run/p' "$tmp/dry" | sed '$d' >"$tmp/diff"
(cd "$tmp/r" && patch -s -p1 <"$tmp/diff") || fail "patch rejected the dry-run diff"
$TCPADVISE --root "$tmp/r" apply --profile "$P40" --persist-only --format json \
    >"$tmp/out" || fail "apply after patch failed"
grep -q '"changed": false' "$tmp/out" || fail "patched fragment differs from the written one"
# A change to an existing fragment gives a diff with context that applies too.
fresh
$TCPADVISE --root "$tmp/r" apply --profile "$P30" >/dev/null
$TCPADVISE --root "$tmp/r" apply --profile "$P40" --dry-run >"$tmp/dry"
grep -q '^--- a/etc/sysctl.d/90-tcpadvise.conf$' "$tmp/dry" || fail "no diff header"
sed -n '/^--- /,/^dry run/p' "$tmp/dry" | sed '$d' >"$tmp/diff"
(cd "$tmp/r" && patch -s -p1 <"$tmp/diff") || fail "patch rejected the update diff"
$TCPADVISE --root "$tmp/r" apply --profile "$P40" --persist-only --format json \
    >"$tmp/out"
grep -q '"changed": false' "$tmp/out" || fail "patched update differs"

# A dry run on a host without the fragment names the later lines that will
# override it, as the apply itself then does, and still changes nothing.
fresh
printf 'net.ipv4.tcp_fin_timeout = 10\n' >"$tmp/r/etc/sysctl.d/95-late.conf"
sum=$(tree_sum)
$TCPADVISE --root "$tmp/r" apply --profile "$P30" --dry-run --format json >"$tmp/dry.json" ||
    fail "dry run with a later file failed"
$TCPADVISE --root "$tmp/r" apply --profile "$P30" --dry-run >"$tmp/dry" 2>&1 ||
    fail "text dry run with a later file failed"
[ "$(tree_sum)" = "$sum" ] || fail "dry run with a later file changed the root"
want='[{"action":"comment-out","file":"/etc/sysctl.d/95-late.conf","line":1}]'
late='[.pending[] | select(.file == "/etc/sysctl.d/95-late.conf") | {action, file, line}]'
[ "$(jq -c "$late" "$tmp/dry.json")" = "$want" ] ||
    fail "dry run: pending is $(jq -c .pending "$tmp/dry.json")"
grep -q '^not done (use --resolve): comment out /etc/sysctl.d/95-late.conf:1 (TA-' "$tmp/dry" ||
    fail "text dry run does not name 95-late.conf"
$TCPADVISE --root "$tmp/r" apply --profile "$P30" --format json >"$tmp/real.json" ||
    fail "apply with a later file failed"
[ "$(jq -c "$late" "$tmp/real.json")" = "$want" ] ||
    fail "apply: pending is $(jq -c .pending "$tmp/real.json")"
[ "$(cat "$tmp/r/etc/sysctl.d/95-late.conf")" = 'net.ipv4.tcp_fin_timeout = 10' ] ||
    fail "apply without --resolve edited 95-late.conf"
[ "$(jq -r '.remaining | length' "$tmp/real.json")" -ge 1 ] ||
    fail "apply: the later line does not remain"

# A value the profile accepts is never touched, live or persisted.
fresh
echo 45 >"$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout"
echo 'net.ipv4.tcp_fin_timeout = 45' >"$tmp/r/etc/sysctl.d/50-site.conf"
sum=$(tree_sum state)
out=$($TCPADVISE --root "$tmp/r" apply --profile "$P30" --format json) ||
    fail "apply of accepted values failed"
[ "$(printf '%s\n' "$out" | jq -r .changed)" = false ] || fail "accepted values: changed: $out"
[ "$(tree_sum state)" = "$sum" ] || fail "accepted values: something changed"

# A symlink at the fragment path: refused, exit 3, nothing changed.
fresh
ln -s ../../victim "$tmp/r/$frag"
echo precious >"$tmp/r/victim"
sum=$(tree_sum state)
$TCPADVISE --root "$tmp/r" apply --profile "$P30" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] || fail "symlink: exit $rc, want 3"
grep -q 'symbolic link' "$tmp/err" || fail "symlink: message: $(cat "$tmp/err")"
[ "$(cat "$tmp/r/victim")" = precious ] || fail "symlink target written"
[ "$(tree_sum state)" = "$sum" ] || fail "symlink: something changed"
[ -e "$tmp/r/var/lib/tcpadvise/journal.json" ] && fail "symlink: journal written"

# A missing /etc/sysctl.d: a clear message, exit 3, nothing changed.
fresh
rm -rf "$tmp/r/etc/sysctl.d"
echo 'net.ipv4.tcp_fin_timeout = 5' >>"$tmp/r/etc/sysctl.conf"
sum=$(tree_sum)
$TCPADVISE --root "$tmp/r" apply --profile "$P30" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] || fail "missing dir: exit $rc, want 3"
grep -q 'the directory /etc/sysctl.d does not exist' "$tmp/err" ||
    fail "missing dir: message: $(cat "$tmp/err")"
[ -d "$tmp/r/etc/sysctl.d" ] && fail "missing dir: created it"
[ "$(cat "$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout")" = 5 ] ||
    fail "missing dir: live value changed"
[ -e "$tmp/r/var/lib/tcpadvise/journal.json" ] && fail "missing dir: journal written"

# Somebody holds the lock: give up after TCPADVISE_LOCK_TIMEOUT seconds.
fresh
mkdir -p "$tmp/r/var/lib/tcpadvise"
flock "$tmp/r/var/lib/tcpadvise/lock" sleep 10 &
holder=$!
sleep 0.5
start=$(date +%s)
TCPADVISE_LOCK_TIMEOUT=1 $TCPADVISE --root "$tmp/r" apply --profile "$P30" \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
elapsed=$(($(date +%s) - start))
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ $rc = 3 ] || fail "lock: exit $rc, want 3"
[ $elapsed -le 4 ] || fail "lock: took $elapsed s"
grep -q "another tcpadvise apply or rollback holds .*/var/lib/tcpadvise/lock; gave up after 1 s" \
    "$tmp/err" || fail "lock: message: $(cat "$tmp/err")"
[ "$(cat "$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout")" = 5 ] ||
    fail "lock: live value changed"

# Stale temporary files of a crashed run are cleaned up by the next apply.
fresh
echo junk >"$tmp/r/etc/sysctl.d/.#90-tcpadvise.confAbC123"
$TCPADVISE --root "$tmp/r" apply --profile "$P30" >/dev/null || fail "apply with stale temp"
[ -e "$tmp/r/etc/sysctl.d/.#90-tcpadvise.confAbC123" ] && fail "stale temp file kept"

finish
