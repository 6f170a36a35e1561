#!/bin/sh
# apply and rollback in sequences, on copies of the modern fixture root:
# idempotence (same inode and mtime, no transaction), rollback twice,
# --dry-run changes nothing, a symlink at the fragment path or a missing
# /etc/sysctl.d is refused with exit 3 and nothing changed (no transaction),
# the lock times out, the dry-run diff is one that patch(1) applies, and a
# dry run names the later lines that will override the fragment.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
frag=etc/sysctl.d/90-tcpadvise.conf

fresh() {
	rm -rf "$tmp/r"
	cp -a "$ROOTS/modern" "$tmp/r"
}

# A checksum of every name, type, mode and content below the root; with
# "state", of everything but ROOT/var (where the lock file is created).
tree_sum() {
	if [ "${1:-}" = state ]; then skip='-path ./var'; else skip='-path ./nonexistent'; fi
	(cd "$tmp/r" && find . $skip -prune -o -printf '%p %y %m %s\n' | sort &&
	    find . $skip -prune -o -type f -exec cat {} + ) | md5sum
}

# no_transaction WHAT: a refused apply left nothing in the history.
no_transaction() {
	for t in "$tmp"/r/var/lib/tcpadvise/history/*.json; do
		[ -e "$t" ] && fail "$1: transaction $t written"
	done
}

# apply twice: the second changes nothing and leaves the file alone.
fresh
$TCPADVISE --root "$tmp/r" apply --profile nginx >/dev/null ||
    fail "first apply failed"
[ -f "$tmp/r/$frag" ] || fail "no fragment after apply"
[ "$(stat -c %a "$tmp/r/$frag")" = 644 ] || fail "fragment mode is not 0644"
[ "$(cat "$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout")" = 30 ] ||
    fail "tcp_fin_timeout not set live"
before=$(stat -c '%i %Y.%y' "$tmp/r/$frag")
sleep 1
out=$($TCPADVISE --root "$tmp/r" apply --profile nginx --format json)
[ $? = 0 ] || fail "second apply failed"
echo "$out" | grep -q '"changed": false' || fail "second apply changed something: $out"
echo "$out" | grep -q '"transaction": null' || fail "second apply recorded a transaction: $out"
[ -e "$tmp/r/var/lib/tcpadvise/history/2.json" ] && fail "second apply wrote history/2.json"
[ "$(stat -c '%i %Y.%y' "$tmp/r/$frag")" = "$before" ] ||
    fail "second apply touched the fragment"
ls -A "$tmp/r/etc/sysctl.d" | grep -q '^\.#' && fail "temporary file left behind"

# rollback twice: the second has nothing to do.
$TCPADVISE --root "$tmp/r" rollback >/dev/null || fail "rollback failed"
[ -e "$tmp/r/$frag" ] && fail "rollback left the fragment"
[ "$(cat "$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout")" = 60 ] ||
    fail "rollback did not restore tcp_fin_timeout"
out=$($TCPADVISE --root "$tmp/r" rollback)
[ $? = 0 ] || fail "second rollback failed"
[ "$out" = "nothing to roll back" ] || fail "second rollback said: $out"

# --dry-run changes nothing at all, and its diff applies with patch.
fresh
sum=$(tree_sum)
$TCPADVISE --root "$tmp/r" apply --profile proxy --dry-run >"$tmp/dry" ||
    fail "dry run failed"
[ "$(tree_sum)" = "$sum" ] || fail "--dry-run changed the root"
$TCPADVISE --root "$tmp/r" apply --profile proxy --dry-run --format json >/dev/null ||
    fail "JSON dry run failed"
[ "$(tree_sum)" = "$sum" ] || fail "--dry-run --format json changed the root"
sed -n '/^--- /,/^dry run/p' "$tmp/dry" | sed '$d' >"$tmp/diff"
(cd "$tmp/r" && patch -s -p1 <"$tmp/diff") || fail "patch rejected the dry-run diff"
$TCPADVISE --root "$tmp/r" apply --profile proxy --persist-only --format json \
    >"$tmp/out" || fail "apply after patch failed"
grep -q '"changed": false' "$tmp/out" || fail "patched fragment differs from the written one"
# A change to an existing fragment gives a diff with context that applies too.
fresh
$TCPADVISE --root "$tmp/r" apply --profile nginx >/dev/null
$TCPADVISE --root "$tmp/r" apply --profile proxy --dry-run >"$tmp/dry"
grep -q '^--- a/etc/sysctl.d/90-tcpadvise.conf$' "$tmp/dry" || fail "no diff header"
sed -n '/^--- /,/^dry run/p' "$tmp/dry" | sed '$d' >"$tmp/diff"
(cd "$tmp/r" && patch -s -p1 <"$tmp/diff") || fail "patch rejected the update diff"
$TCPADVISE --root "$tmp/r" apply --profile proxy --persist-only --format json \
    >"$tmp/out"
grep -q '"changed": false' "$tmp/out" || fail "patched update differs"

# A dry run on a host without the fragment names the later lines that will
# override it, as the apply itself then does, and still changes nothing.
fresh
printf 'net.ipv4.tcp_fin_timeout = 45\n' >"$tmp/r/etc/sysctl.d/95-late.conf"
sum=$(tree_sum)
$TCPADVISE --root "$tmp/r" apply --profile nginx --dry-run --format json >"$tmp/dry.json" ||
    fail "dry run with a later file failed"
$TCPADVISE --root "$tmp/r" apply --profile nginx --dry-run >"$tmp/dry" 2>&1 ||
    fail "text dry run with a later file failed"
[ "$(tree_sum)" = "$sum" ] || fail "dry run with a later file changed the root"
want='[{"key":"net.ipv4.tcp_fin_timeout","file":"/etc/sysctl.d/95-late.conf","line":1,"value":"45","appliers":["procps","systemd"]}]'
[ "$(jq -c .overridden_by "$tmp/dry.json")" = "$want" ] ||
    fail "dry run: overridden_by is $(jq -c .overridden_by "$tmp/dry.json")"
grep -q '^warning: /etc/sysctl.d/95-late.conf:1 sets net.ipv4.tcp_fin_timeout = 45 after our fragment' "$tmp/dry" ||
    fail "text dry run does not warn about 95-late.conf"
$TCPADVISE --root "$tmp/r" apply --profile nginx --format json >"$tmp/real.json" ||
    fail "apply with a later file failed"
[ "$(jq -c .overridden_by "$tmp/real.json")" = "$want" ] ||
    fail "apply: overridden_by is $(jq -c .overridden_by "$tmp/real.json")"

# A symlink at the fragment path: refused, exit 3, nothing changed.
fresh
ln -s ../../victim "$tmp/r/$frag"
echo precious >"$tmp/r/victim"
sum=$(tree_sum state)
$TCPADVISE --root "$tmp/r" apply --profile nginx >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] || fail "symlink: exit $rc, want 3"
grep -q 'symbolic link' "$tmp/err" || fail "symlink: message: $(cat "$tmp/err")"
[ "$(cat "$tmp/r/victim")" = precious ] || fail "symlink target written"
[ "$(tree_sum state)" = "$sum" ] || fail "symlink: something changed"
no_transaction "symlink"

# A missing /etc/sysctl.d: a clear message, exit 3, nothing changed.
fresh
rm -rf "$tmp/r/etc/sysctl.d"
sum=$(tree_sum)
$TCPADVISE --root "$tmp/r" apply --profile nginx >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 3 ] || fail "missing dir: exit $rc, want 3"
grep -q 'the directory /etc/sysctl.d does not exist' "$tmp/err" ||
    fail "missing dir: message: $(cat "$tmp/err")"
[ -d "$tmp/r/etc/sysctl.d" ] && fail "missing dir: created it"
[ "$(cat "$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout")" = 60 ] ||
    fail "missing dir: live value changed"
no_transaction "missing dir"

# Somebody holds the lock: give up after TCPADVISE_LOCK_TIMEOUT seconds.
fresh
mkdir -p "$tmp/r/var/lib/tcpadvise"
flock "$tmp/r/var/lib/tcpadvise/lock" sleep 10 &
holder=$!
sleep 0.5
start=$(date +%s)
TCPADVISE_LOCK_TIMEOUT=1 $TCPADVISE --root "$tmp/r" apply --profile nginx \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
elapsed=$(($(date +%s) - start))
kill $holder 2>/dev/null
wait $holder 2>/dev/null
[ $rc = 3 ] || fail "lock: exit $rc, want 3"
[ $elapsed -le 4 ] || fail "lock: took $elapsed s"
grep -q "another tcpadvise apply or rollback holds .*/var/lib/tcpadvise/lock; gave up after 1 s" \
    "$tmp/err" || fail "lock: message: $(cat "$tmp/err")"
[ "$(cat "$tmp/r/proc/sys/net/ipv4/tcp_fin_timeout")" = 60 ] ||
    fail "lock: live value changed"

# Stale temporary files of a crashed run are cleaned up by the next apply.
fresh
echo junk >"$tmp/r/etc/sysctl.d/.#90-tcpadvise.confAbC123"
$TCPADVISE --root "$tmp/r" apply --profile nginx >/dev/null || fail "apply with stale temp"
[ -e "$tmp/r/etc/sysctl.d/.#90-tcpadvise.confAbC123" ] && fail "stale temp file kept"

finish
