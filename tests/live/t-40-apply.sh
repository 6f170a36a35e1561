#!/bin/sh
# shellcheck disable=SC2317 # the helpers run through "--in-netns NAME"
# tcpadvise apply and rollback on the real kernel.
#
# 1. Every shipped profile, in a fresh network namespace where a site file
#    set harmful values (the seeds' advice) live and for the next boot: apply
#    writes exactly the keys whose remedies check names, with the values
#    check names, and sets them live; the fragment is laid out as the
#    contract says, each entry after a comment naming the finding it fixes;
#    procps `sysctl -p` and systemd-sysctl, each reading the fragment in
#    another fresh namespace, end with the values apply set; check then
#    finds nothing fixable left; rollback restores the values and removes
#    the fragment.
# 2. Among conflicting files and a hand-written fragment: values the profile
#    accepts are kept as they are, the fragment gains only what fails, the
#    later line that overrides it is named (not edited without --resolve),
#    `sysctl --system` and systemd-sysctl end where tcpadvise predicts, a
#    second apply changes nothing (not even the file's inode or mtime), and
#    rollback restores the hand-written fragment byte for byte.
# Only per-netns net.ipv4 keys and net.core.somaxconn are ever written.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
SYSCTLD=/lib/systemd/systemd-sysctl
FRAG=/etc/sysctl.d/90-tcpadvise.conf
HISTORY=/var/lib/tcpadvise/history

# live KEY: the kernel's value with fields separated by one space, the way a
# fragment writes it (/proc separates the fields of a vector by tabs).
live() {
	tr -s '\t ' '  ' <"/proc/sys/$(echo "$1" | tr . /)"
}

# assignments FILE: the "key = value" lines of a fragment.
assignments() {
	grep -v -e '^#' -e '^$' "$1"
}

# live_of FILE: the keys of a fragment with the kernel's values.
live_of() {
	assignments "$1" | while read -r k _ _; do
		echo "$k = $(live "$k")"
	done
}

# keys_only: refuse to go on if a sysctl file that `sysctl --system` or
# systemd-sysctl would read assigns anything but a per-netns net.ipv4 key
# or net.core.somaxconn: a global key would reach the host.
keys_only() {
	bad=$(cat /etc/sysctl.conf /etc/sysctl.d/*.conf /etc/sysctl.d/.*.conf \
	    /run/sysctl.d/*.conf /usr/local/lib/sysctl.d/*.conf \
	    /usr/lib/sysctl.d/*.conf /lib/sysctl.d/*.conf 2>/dev/null | tr -d '\r' |
	    sed 's/^[[:space:]]*-\{0,1\}[[:space:]]*//' |
	    grep -v -e '^#' -e '^;' -e '^$' |
	    grep -v -e '^net[./]ipv4[./]' -e '^net[./]core[./]somaxconn[[:space:]=]' || true)
	if [ -n "$bad" ]; then
		echo "refusing to apply files with other keys: $bad"
		exit 1
	fi
}

# fragment_shape FILE PROFILE: the layout the contract fixes: a header
# naming the tool, the profile and its source, then one entry per key, each
# after a comment that starts with the ID of the finding it fixes, entries
# separated by one blank line; keys sorted; LF line ends, final newline.
fragment_shape() {
	head -n 1 "$1" | grep -q '^# Written by tcpadvise ' || fail "$1: header line 1 is '$(head -n 1 "$1")'"
	grep -qx "# profile: $2" "$1" || fail "$1: no '# profile: $2' line"
	grep -qx '# source: built-in' "$1" || fail "$1: no '# source: built-in' line"
	[ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || fail "$1: no final newline"
	! grep -q "$(printf '\r')" "$1" || fail "$1: has CR"
	assignments "$1" | LC_ALL=C sort -c 2>/dev/null || fail "$1: keys not sorted"
	awk -v f="$1" '/^$/ { first = 1; next }
	    first && !/^# TA-[A-Z][0-9]+: / { print "FAIL: " f ": entry \"" $0 "\" does not start with the finding it fixes"; bad = 1 }
	    { first = 0 } END { exit bad }' "$1" || failures=$((failures + 1))
	[ "$(grep -c '^$' "$1")" = "$(assignments "$1" | wc -l)" ] ||
	    fail "$1: not one blank line before each entry"
}

# What check says apply will persist: "key = value" of every remedy that
# sets a value in the fragment and that apply acts on (deviations, and
# warnings and criticals).
persisted_remedies() {
	jq -r '[.findings[] | select(.fixable and .remedy.action == "set" and
	    .remedy.persist and (.kind == "deviation" or .severity != "info"))
	    | "\(.remedy.key) = \(.remedy.value)"] | unique | .[]' "$1"
}

# one_profile PROFILE (in a fresh network namespace): load the harmful site
# file, apply, compare with check's remedies, the kernel and apply's JSON,
# keep the fragment and the kernel's values for the appliers, roll back.
one_profile() {
	p=$1
	d=$sandbox_tmp/$p
	rm -rf "$FRAG" "$HISTORY"
	sysctl -q -p /etc/sysctl.d/50-seeds.conf >/dev/null || fail "$p: cannot load the site file"
	$TCPADVISE check --profile "$p" --format json >"$d.check"
	persisted_remedies "$d.check" >"$d.want"
	[ -s "$d.want" ] || fail "$p: check names no remedy on the seeds' values"
	live_of "$d.want" >"$d.before"
	$TCPADVISE apply --profile "$p" --format json >"$d.json" || fail "$p: apply exits $?"
	[ -f "$FRAG" ] || { fail "$p: no fragment written"; return; }
	cp "$FRAG" "$d.conf"
	assignments "$FRAG" | diff "$d.want" - || fail "$p: the fragment is not what check's remedies set"
	fragment_shape "$FRAG" "$p"
	[ "$(stat -c %a "$FRAG")" = 644 ] || fail "$p: fragment mode $(stat -c %a "$FRAG")"
	live_of "$FRAG" >"$d.tcpadvise"
	diff "$d.want" "$d.tcpadvise" || fail "$p: the kernel does not hold the fragment's values"

	# The JSON: changed, every changed key with its old and new value, the
	# fragment as written, and the diff from nothing.
	j() { jq -r "$1" "$d.json"; }
	[ "$(j .changed)" = true ] || fail "$p: changed is $(j .changed)"
	[ "$(j .profile)" = "$p" ] || fail "$p: profile is $(j .profile)"
	[ "$(j .persisted.path)" = "$FRAG" ] || fail "$p: persisted.path is $(j .persisted.path)"
	[ "$(j .persisted.changed)" = true ] || fail "$p: persisted.changed is $(j .persisted.changed)"
	[ "$(j '.diff.before')" = null ] || fail "$p: diff.before is not null"
	jq -j '.diff.after' "$d.json" | cmp -s - "$FRAG" || fail "$p: diff.after is not the fragment"
	j '.live[] | "\(.key) = \(.before)"' >"$d.jbefore"
	j '.live[] | "\(.key) = \(.after)"' >"$d.jafter"
	grep -F -x -f "$d.jbefore" "$d.before" | diff "$d.jbefore" - ||
	    fail "$p: a 'before' of the JSON is not the old live value"
	grep -F -x -f "$d.jafter" "$d.tcpadvise" | diff "$d.jafter" - ||
	    fail "$p: an 'after' of the JSON is not the new live value"
	[ "$(j '.remaining | length')" = 0 ] || fail "$p: remaining $(j -c '[.remaining[].id]')"

	# Nothing fixable is left for check, live or for the next boot.
	$TCPADVISE check --profile "$p" --format json >"$d.after"
	left=$(jq -r '[.findings[] | select(.severity != "info" and .fixable and
	    .kind != "evidence") | .id] | join(" ")' "$d.after")
	[ -z "$left" ] || fail "$p: check still finds $left"

	# Back to the site's values and no fragment, as before the apply.
	$TCPADVISE rollback >"$d.rollback" || fail "$p: rollback exits $?"
	live_of "$d.want" | diff "$d.before" - || fail "$p: rollback did not restore the old values"
	[ ! -e "$FRAG" ] || fail "$p: rollback left the fragment that did not exist before"
}

# procps_p FILE / systemd_file FILE (each in a fresh network namespace):
# let the real applier read the fragment, then print the kernel's values.
procps_p() {
	sysctl -q -p "$1" >/dev/null || fail "sysctl -p $1 exits $?"
	live_of "$1"
}
systemd_file() {
	$SYSCTLD "$1" || fail "systemd-sysctl $1 exits $?"
	live_of "$1"
}

# dump_system APPLIER KEYS... (in a fresh network namespace): run a
# boot-time applier over all the sysctl directories, print the values.
dump_system() {
	a=$1
	shift
	case $a in
	procps) sysctl -q --pattern '^net[./](ipv4|core)[./]' --system >/dev/null 2>&1 ;;
	systemd) $SYSCTLD --prefix=/net/ipv4/ --prefix=/net/core/somaxconn >/dev/null 2>&1 ;;
	esac
	for k; do echo "$k = $(live "$k")"; done
}

if [ "${1:-}" = --in-netns ]; then
	shift
	"$@"
	[ "$failures" -eq 0 ]
	exit
fi

[ -x $SYSCTLD ] || { echo "SKIP: no systemd-sysctl"; exit 77; }
command -v sysctl >/dev/null || { echo "SKIP: no procps sysctl"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
enter_sandbox "$0"
trap 'rm -rf "$sandbox_tmp"' EXIT
export sandbox_tmp TCPADVISE

# 1. The seeds' per-namespace advice as a site file, then every shipped
#    profile, each in its own fresh namespace, then the fragment it wrote
#    through procps and systemd-sysctl.
cat >/etc/sysctl.d/50-seeds.conf <<'EOF'
net.ipv4.tcp_syncookies = 0
net.ipv4.tcp_timestamps = 0
net.ipv4.tcp_fin_timeout = 2
net.ipv4.tcp_syn_retries = 1
net.ipv4.tcp_synack_retries = 1
net.ipv4.tcp_abort_on_overflow = 1
net.ipv4.tcp_orphan_retries = 3
net.ipv4.ip_local_port_range = 1024 65000
net.core.somaxconn = 128
EOF
keys_only
for p in baseline nginx crawler proxy; do
	unshare --net sh "$0" --in-netns one_profile "$p" || fail "$p: see above"
	[ -f "$sandbox_tmp/$p.conf" ] || continue
	unshare --net sh "$0" --in-netns procps_p "$sandbox_tmp/$p.conf" >"$sandbox_tmp/$p.procps" ||
	    fail "$p: sysctl -p"
	unshare --net sh "$0" --in-netns systemd_file "$sandbox_tmp/$p.conf" >"$sandbox_tmp/$p.systemd" ||
	    fail "$p: systemd-sysctl"
	for a in procps systemd; do
		if diff "$sandbox_tmp/$p.tcpadvise" "$sandbox_tmp/$p.$a"; then
			echo "ok $p: $a sets what tcpadvise set"
		else
			fail "$p: $a does not set what tcpadvise set"
		fi
	done
done
rm /etc/sysctl.d/50-seeds.conf

# 2. This namespace: a hand-written fragment and a live value that the
#    rollback must bring back, and files that conflict with ours.
keys="net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_syncookies net.ipv4.tcp_timestamps"
printf '# by hand\nnet.ipv4.tcp_fin_timeout = 50\n' >"$FRAG"
sysctl -q -w net.ipv4.tcp_fin_timeout=50
cp "$FRAG" "$sandbox_tmp/old.conf"
for k in $keys; do echo "$k = $(live "$k")"; done >"$sandbox_tmp/s0"
# Later names override ours in any directory; an earlier one does not; a
# same-named file in /run is shadowed by ours in /etc; /etc/sysctl.conf
# comes through the 99-sysctl.conf link for both. nginx accepts 45 and 50
# for tcp_fin_timeout and timestamps 2; it refuses syncookies 2 and
# somaxconn 1024.
printf 'net.ipv4.tcp_fin_timeout = 45\n' >/etc/sysctl.d/95-late.conf
printf 'net.ipv4.tcp_timestamps = 2\n' >/usr/lib/sysctl.d/99-vendor.conf
printf 'net.ipv4.tcp_syncookies = 2\n' >/usr/lib/sysctl.d/10-early.conf
printf 'net.core.somaxconn = 2048\n' >/run/sysctl.d/90-tcpadvise.conf
printf 'net.core.somaxconn = 1024\n' >/etc/sysctl.conf
# Debian's layout: systemd-sysctl, the boot applier here, reads
# /etc/sysctl.conf through this link; procps reads it again, last.
ln -s ../sysctl.conf /etc/sysctl.d/99-sysctl.conf

h0=$(history_state)
# --dry-run shows what would change and changes nothing; its diff is one
# that patch(1) applies to the old fragment to give the new one.
$TCPADVISE apply --profile nginx --dry-run --format json >"$sandbox_tmp/dry.json" ||
    fail "apply --dry-run exits $?"
$TCPADVISE apply --profile nginx --dry-run >"$sandbox_tmp/dry.txt" ||
    fail "apply --dry-run (text) exits $?"
jq -e '.dry_run == true and .changed == true' "$sandbox_tmp/dry.json" >/dev/null ||
    fail "dry run: dry_run/changed are not true"
cmp -s "$FRAG" "$sandbox_tmp/old.conf" || fail "dry run changed the fragment"
for k in $keys; do echo "$k = $(live "$k")"; done | diff "$sandbox_tmp/s0" - ||
    fail "dry run changed live values"
[ "$(history_state)" = "$h0" ] || fail "dry run recorded a transaction"
if command -v patch >/dev/null; then
	cp "$sandbox_tmp/old.conf" "$sandbox_tmp/patched.conf"
	patch -s "$sandbox_tmp/patched.conf" <"$sandbox_tmp/dry.txt" >/dev/null 2>&1 ||
	    fail "patch does not accept the dry run's diff"
fi

$TCPADVISE apply --profile nginx --format json >"$sandbox_tmp/a1.json" || fail "apply exits $?"
# The accepted hand-written line stays as it was; syncookies and somaxconn
# are persisted with the values the namespace runs; the keys nginx wants
# changed from the kernel's defaults are set live and persisted.
printf '%s\n' 'net.core.somaxconn = 4096' 'net.ipv4.tcp_fin_timeout = 50' \
    'net.ipv4.tcp_mtu_probing = 1' 'net.ipv4.tcp_notsent_lowat = 131072' \
    'net.ipv4.tcp_slow_start_after_idle = 0' \
    'net.ipv4.tcp_syncookies = 1' >"$sandbox_tmp/nginx.want"
assignments "$FRAG" | diff "$sandbox_tmp/nginx.want" - || fail "nginx fragment differs"
grep -q -x '# by hand' "$FRAG" || fail "the hand-written entry lost its comment"
if command -v patch >/dev/null; then
	cmp -s "$FRAG" "$sandbox_tmp/patched.conf" || fail "the dry run's diff does not give the fragment written"
fi
jq -j '.diff.before' "$sandbox_tmp/a1.json" | cmp -s - "$sandbox_tmp/old.conf" ||
    fail "diff.before is not the old fragment"
[ "$(jq -c '[.live[].key]' "$sandbox_tmp/a1.json")" = \
    '["net.ipv4.tcp_mtu_probing","net.ipv4.tcp_notsent_lowat","net.ipv4.tcp_slow_start_after_idle"]' ] ||
    fail "live changes: $(jq -c .live "$sandbox_tmp/a1.json")"
for k in $keys; do echo "$k = $(live "$k")"; done | diff "$sandbox_tmp/s0" - ||
    fail "apply changed a live value the profile accepts"

# The line that still overrides ours, and the overridden vendor line that
# would be harmful on its own, left alone without --resolve.
[ "$(jq -r '.pending[] | "\(.action) \(.file):\(.line)"' "$sandbox_tmp/a1.json" | tr '\n' ' ')" = \
    "comment-out /etc/sysctl.conf:1 mask /usr/lib/sysctl.d/10-early.conf:1 " ] ||
    fail "pending is $(jq -c .pending "$sandbox_tmp/a1.json")"
[ "$(jq -c .pending "$sandbox_tmp/dry.json")" = "$(jq -c .pending "$sandbox_tmp/a1.json")" ] ||
    fail "the dry run's pending differs from the apply's"
[ "$(cat /etc/sysctl.conf)" = 'net.core.somaxconn = 1024' ] || fail "apply edited /etc/sysctl.conf"

# check without --profile judges by the fragment's profile, and predicts
# what each boot-time applier ends with; the real ones must agree.
$TCPADVISE check --format json --fail-on never >"$sandbox_tmp/check.json" || fail "check exits $?"
[ "$(jq -r .profile.name "$sandbox_tmp/check.json")" = nginx ] ||
    fail "check without --profile uses $(jq -r .profile.name "$sandbox_tmp/check.json"), not the fragment's nginx"
keys_only
for a in procps systemd; do
	unshare --net sh "$0" --in-netns dump_system "$a" $keys >"$sandbox_tmp/sys.$a"
	for k in $keys; do
		pred=$(jq -r ".keys[] | select(.key == \"$k\") |
		    if .$a == null or .$a.excluded then .default else .$a.value end" "$sandbox_tmp/check.json")
		got=$(sed -n "s/^$k = //p" "$sandbox_tmp/sys.$a")
		if [ "$pred" = "$got" ]; then
			echo "ok $a $k = $got"
		else
			fail "$a $k: tcpadvise predicts '$pred', the kernel has '$got'"
		fi
	done
done
# The prediction itself, written out: our fragment wins only where nothing
# later sets the key.
[ "$(tr '\n' ' ' <"$sandbox_tmp/sys.procps")" = "net.core.somaxconn = 1024 net.ipv4.tcp_fin_timeout = 45 net.ipv4.tcp_syncookies = 1 net.ipv4.tcp_timestamps = 2 " ] ||
    fail "procps ends with $(cat "$sandbox_tmp/sys.procps")"
[ "$(tr '\n' ' ' <"$sandbox_tmp/sys.systemd")" = "net.core.somaxconn = 1024 net.ipv4.tcp_fin_timeout = 45 net.ipv4.tcp_syncookies = 1 net.ipv4.tcp_timestamps = 2 " ] ||
    fail "systemd-sysctl ends with $(cat "$sandbox_tmp/sys.systemd")"

# 3. Idempotence: the same apply again changes nothing, not the file's
#    inode or mtime, and records no transaction.
st1=$(stat -c '%i %.9Y' "$FRAG")
history_state >"$sandbox_tmp/history.1"
[ -s "$sandbox_tmp/history.1" ] || fail "no transaction after a changing apply"
$TCPADVISE apply --profile nginx --format json >"$sandbox_tmp/a2.json" || fail "second apply exits $?"
jq -e '.changed == false and .persisted.changed == false and (.live | length) == 0 and .diff == null' \
    "$sandbox_tmp/a2.json" >/dev/null || fail "second apply: $(jq -c '{changed, persisted, live, diff}' "$sandbox_tmp/a2.json")"
[ "$(stat -c '%i %.9Y' "$FRAG")" = "$st1" ] || fail "second apply rewrote the fragment"
history_state | cmp -s - "$sandbox_tmp/history.1" ||
    fail "an apply that changed nothing recorded a transaction"
# The text report names the overriding line, also when unchanged.
$TCPADVISE apply --profile nginx >"$sandbox_tmp/a3.txt" 2>&1 || fail "third apply exits $?"
grep -q "^not done (use --resolve): comment out /etc/sysctl.conf:1 " "$sandbox_tmp/a3.txt" ||
    fail "text apply does not name /etc/sysctl.conf:1"
[ "$(stat -c '%i %.9Y' "$FRAG")" = "$st1" ] || fail "third apply rewrote the fragment"

# 4. rollback restores the fragment of before the first apply; a second
#    rollback has nothing to undo.
$TCPADVISE rollback --format json >"$sandbox_tmp/rb.json" || fail "rollback exits $?"
jq -e '.changed == true' "$sandbox_tmp/rb.json" >/dev/null || fail "rollback: changed is not true"
jq -e ".persisted.path == \"$FRAG\" and .persisted.changed == true" "$sandbox_tmp/rb.json" >/dev/null ||
    fail "rollback: persisted is $(jq -c .persisted "$sandbox_tmp/rb.json")"
for k in $keys; do echo "$k = $(live "$k")"; done | diff "$sandbox_tmp/s0" - ||
    fail "rollback did not keep the live values"
cmp "$FRAG" "$sandbox_tmp/old.conf" || fail "rollback did not restore the old fragment"
[ "$(jq -r '.transaction' "$sandbox_tmp/a1.json")" -ge 1 ] &&
    jq -e '.rolled_back != null' "$HISTORY/$(jq -r .transaction "$sandbox_tmp/a1.json").json" \
    >/dev/null || fail "rollback did not mark the transaction rolled back"
st2=$(stat -c '%i %.9Y' "$FRAG")
out=$($TCPADVISE rollback)
rc=$?
[ $rc = 0 ] || fail "second rollback exits $rc"
echo "$out" | grep -q 'nothing to roll back' || fail "second rollback says '$out'"
[ "$(stat -c '%i %.9Y' "$FRAG")" = "$st2" ] || fail "second rollback touched the fragment"
# The hand-written fragment names no profile: check falls back to baseline.
$TCPADVISE check --format json --fail-on never >"$sandbox_tmp/check2.json"
[ "$(jq -r .profile.name "$sandbox_tmp/check2.json")" = baseline ] ||
    fail "check after rollback uses $(jq -r .profile.name "$sandbox_tmp/check2.json"), not baseline"
finish
