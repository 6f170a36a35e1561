#!/bin/sh
# shellcheck disable=SC2317 # the helpers run through "--in-netns NAME"
# tcpadvise apply and rollback on the real kernel.
#
# Every shipped profile is applied in a fresh network namespace: the kernel
# must then hold exactly the fragment's values, and procps `sysctl -p` and
# systemd-sysctl, each reading that fragment in another fresh namespace,
# must end with the same values, so the fragment means at boot what apply
# did live. Then, among conflicting fragments, `sysctl --system` and
# systemd-sysctl must end where tcpadvise predicts, apply must name the
# lines that override it, a second apply must change nothing (not even the
# file's inode or mtime), and rollback must restore the values and the file
# that were there before. Only per-netns net.ipv4 keys and
# net.core.somaxconn are ever written.
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

# What each shipped profile's fragment assigns, sorted by key: the values
# with `apply:` in the profile and the profiles it extends.
expected() {
	base='net.ipv4.tcp_syncookies = 1
net.ipv4.tcp_timestamps = 1'
	case $1 in
	baseline) echo "$base" ;;
	nginx) printf '%s\n' 'net.core.somaxconn = 4096' 'net.ipv4.tcp_fin_timeout = 30' "$base" ;;
	crawler) printf '%s\n' 'net.ipv4.ip_local_port_range = 10000 65535' "$base" \
	    'net.ipv4.tcp_tw_reuse = 1' ;;
	proxy) printf '%s\n' 'net.core.somaxconn = 4096' 'net.ipv4.ip_local_port_range = 10000 65535' \
	    'net.ipv4.tcp_fin_timeout = 30' "$base" 'net.ipv4.tcp_tw_reuse = 1' ;;
	esac
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
# preceded by its reason as comments and separated by one blank line; keys
# sorted; LF line ends and a final newline.
fragment_shape() {
	head -n 1 "$1" | grep -q '^# Written by tcpadvise ' || fail "$1: header line 1 is '$(head -n 1 "$1")'"
	grep -qx "# profile: $2" "$1" || fail "$1: no '# profile: $2' line"
	grep -qx '# source: built-in' "$1" || fail "$1: no '# source: built-in' line"
	[ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || fail "$1: no final newline"
	! grep -q "$(printf '\r')" "$1" || fail "$1: has CR"
	assignments "$1" | LC_ALL=C sort -c 2>/dev/null || fail "$1: keys not sorted"
	awk -v f="$1" '$0 != "" && $0 !~ /^#/ && prev !~ /^# / {
		print "FAIL: " f ": \"" $0 "\" has no reason before it"; bad = 1 }
	    { prev = $0 } END { exit bad }' "$1" || failures=$((failures + 1))
	[ "$(grep -c '^$' "$1")" = "$(assignments "$1" | wc -l)" ] ||
	    fail "$1: not one blank line before each entry"
}

# one_profile PROFILE (run in a fresh network namespace): apply, compare
# the kernel with the fragment and with apply's JSON, keep the fragment and
# the kernel's values for the appliers, then roll back to the defaults.
one_profile() {
	p=$1
	d=$sandbox_tmp/$p
	rm -f "$FRAG"
	expected "$p" >"$d.want"
	live_of "$d.want" >"$d.before"
	$TCPADVISE apply --profile "$p" --format json >"$d.json" || fail "$p: apply exits $?"
	[ -f "$FRAG" ] || { fail "$p: no fragment written"; return; }
	cp "$FRAG" "$d.conf"
	assignments "$FRAG" | diff "$d.want" - || fail "$p: the fragment assigns other values"
	fragment_shape "$FRAG" "$p"
	[ "$(stat -c %a "$FRAG")" = 644 ] || fail "$p: fragment mode $(stat -c %a "$FRAG")"
	live_of "$FRAG" >"$d.tcpadvise"
	diff "$d.want" "$d.tcpadvise" || fail "$p: the kernel does not hold the fragment's values"

	# The JSON: changed, every changed key with its old and new value, the
	# others as unchanged, the fragment as written, and the diff from nothing.
	j() { jq -r "$1" "$d.json"; }
	[ "$(j .changed)" = true ] || fail "$p: changed is $(j .changed)"
	[ "$(j .failed)" = false ] || fail "$p: failed is $(j .failed)"
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
	for k in $(j '.unchanged[]'); do
		grep -q -x "$k = $(live "$k")" "$d.before" || fail "$p: $k is reported unchanged but changed"
	done
	{ j '.live[].key'; j '.unchanged[]'; } | LC_ALL=C sort >"$d.jkeys"
	cut -d ' ' -f 1 "$d.want" | diff - "$d.jkeys" || fail "$p: changed + unchanged keys are not the fragment's"
	[ "$(j '.skipped | length')" = 0 ] || fail "$p: skipped $(j -c .skipped)"

	# Back to the defaults and no fragment, as before the apply.
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

# 1. Every shipped profile, each in its own fresh namespace, then the
#    fragment it wrote through procps and systemd-sysctl.
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

# 2. This namespace: a hand-written fragment and a live value that the
#    rollback must bring back, and fragments that conflict with ours.
keys="net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_syncookies net.ipv4.tcp_timestamps"
printf '# by hand\nnet.ipv4.tcp_fin_timeout = 50\n' >"$FRAG"
sysctl -q -w net.ipv4.tcp_fin_timeout=50
cp "$FRAG" "$sandbox_tmp/old.conf"
for k in $keys; do echo "$k = $(live "$k")"; done >"$sandbox_tmp/s0"
# Later names override ours in any directory; an earlier one does not; a
# same-named file in /run is shadowed by ours in /etc; /etc/sysctl.conf
# comes last for procps only (systemd reads it only through a
# 99-sysctl.conf link, and there is none here).
printf 'net.ipv4.tcp_fin_timeout = 45\n' >/etc/sysctl.d/95-late.conf
printf 'net.ipv4.tcp_timestamps = 2\n' >/usr/lib/sysctl.d/99-vendor.conf
printf 'net.ipv4.tcp_syncookies = 2\n' >/usr/lib/sysctl.d/10-early.conf
printf 'net.core.somaxconn = 2048\n' >/run/sysctl.d/90-tcpadvise.conf
printf 'net.core.somaxconn = 1024\n' >/etc/sysctl.conf

# --dry-run shows what would change and changes nothing (the history
# neither); its diff is one that patch(1) applies to the old fragment to
# give the new one.
history_state >"$sandbox_tmp/h0"
$TCPADVISE apply --profile nginx --dry-run --format json >"$sandbox_tmp/dry.json" ||
    fail "apply --dry-run exits $?"
$TCPADVISE apply --profile nginx --dry-run >"$sandbox_tmp/dry.txt" ||
    fail "apply --dry-run (text) exits $?"
jq -e '.dry_run == true and .changed == true' "$sandbox_tmp/dry.json" >/dev/null ||
    fail "dry run: dry_run/changed are not true"
cmp -s "$FRAG" "$sandbox_tmp/old.conf" || fail "dry run changed the fragment"
for k in $keys; do echo "$k = $(live "$k")"; done | diff "$sandbox_tmp/s0" - ||
    fail "dry run changed live values"
history_state | diff "$sandbox_tmp/h0" - >/dev/null || fail "dry run wrote to the history"
if command -v patch >/dev/null; then
	cp "$sandbox_tmp/old.conf" "$sandbox_tmp/patched.conf"
	patch -s "$sandbox_tmp/patched.conf" <"$sandbox_tmp/dry.txt" >/dev/null 2>&1 ||
	    fail "patch does not accept the dry run's diff"
fi

$TCPADVISE apply --profile nginx --format json >"$sandbox_tmp/a1.json" || fail "apply exits $?"
assignments "$FRAG" | diff - "$(expected nginx >"$sandbox_tmp/nginx.want"; echo "$sandbox_tmp/nginx.want")" ||
    fail "nginx fragment differs"
if command -v patch >/dev/null; then
	cmp -s "$FRAG" "$sandbox_tmp/patched.conf" || fail "the dry run's diff does not give the fragment written"
fi
jq -j '.diff.before' "$sandbox_tmp/a1.json" | cmp -s - "$sandbox_tmp/old.conf" ||
    fail "diff.before is not the old fragment"
[ "$(jq -r '.live[] | "\(.key) \(.before) \(.after)"' "$sandbox_tmp/a1.json")" = \
    "net.ipv4.tcp_fin_timeout 50 30" ] || fail "live is not [fin_timeout 50 -> 30]: $(jq -c .live "$sandbox_tmp/a1.json")"
[ "$(live net.ipv4.tcp_fin_timeout)" = 30 ] || fail "tcp_fin_timeout is not 30 live"

# The lines that override ours, with the appliers that reach them.
jq -r '.overridden_by[] | "\(.key) \(.file):\(.line) \(.value) \(.appliers | sort | join(","))"' \
    "$sandbox_tmp/a1.json" | LC_ALL=C sort >"$sandbox_tmp/over"
cat >"$sandbox_tmp/over.want" <<EOF
net.core.somaxconn /etc/sysctl.conf:1 1024 procps
net.ipv4.tcp_fin_timeout /etc/sysctl.d/95-late.conf:1 45 procps,systemd
net.ipv4.tcp_timestamps /usr/lib/sysctl.d/99-vendor.conf:1 2 procps,systemd
EOF
diff "$sandbox_tmp/over.want" "$sandbox_tmp/over" || fail "overridden_by is not as expected"
# The dry run, made while the hand-written fragment was still there, named
# the same lines: it judged the fragment it was about to write.
jq -r '.overridden_by[] | "\(.key) \(.file):\(.line) \(.value) \(.appliers | sort | join(","))"' \
    "$sandbox_tmp/dry.json" | LC_ALL=C sort | diff "$sandbox_tmp/over.want" - ||
    fail "the dry run's overridden_by differs from the apply's"

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
[ "$(tr '\n' ' ' <"$sandbox_tmp/sys.systemd")" = "net.core.somaxconn = 4096 net.ipv4.tcp_fin_timeout = 45 net.ipv4.tcp_syncookies = 1 net.ipv4.tcp_timestamps = 2 " ] ||
    fail "systemd-sysctl ends with $(cat "$sandbox_tmp/sys.systemd")"

# 3. Idempotence: the same apply again changes nothing, not the file's
#    inode or mtime, and records no transaction.
st1=$(stat -c '%i %.9Y' "$FRAG")
n1=$(jq .transaction "$sandbox_tmp/a1.json")
[ -f "$HISTORY/$n1.json" ] || fail "no transaction $n1 after a changing apply"
[ "$(stat -c %a "$HISTORY/$n1.json")" = 600 ] || fail "transaction mode $(stat -c %a "$HISTORY/$n1.json")"
history_state >"$sandbox_tmp/h1"
$TCPADVISE apply --profile nginx --format json >"$sandbox_tmp/a2.json" || fail "second apply exits $?"
jq -e '.changed == false and .persisted.changed == false and (.live | length) == 0 and .diff == null' \
    "$sandbox_tmp/a2.json" >/dev/null || fail "second apply: $(jq -c '{changed, persisted, live, diff}' "$sandbox_tmp/a2.json")"
[ "$(stat -c '%i %.9Y' "$FRAG")" = "$st1" ] || fail "second apply rewrote the fragment"
history_state | diff "$sandbox_tmp/h1" - >/dev/null ||
    fail "an apply that changed nothing wrote to the history"
jq -e '.transaction == null' "$sandbox_tmp/a2.json" >/dev/null || fail "second apply: transaction is not null"
# The text report warns about every overriding line, also when unchanged.
$TCPADVISE apply --profile nginx >"$sandbox_tmp/a3.txt" 2>&1 || fail "third apply exits $?"
for l in /etc/sysctl.conf:1 /etc/sysctl.d/95-late.conf:1 /usr/lib/sysctl.d/99-vendor.conf:1; do
	grep -q "warning: $l " "$sandbox_tmp/a3.txt" || fail "text apply does not warn about $l"
done
[ "$(stat -c '%i %.9Y' "$FRAG")" = "$st1" ] || fail "third apply rewrote the fragment"

# 4. rollback restores the values and the fragment of before the first
#    apply and marks it rolled back; a second rollback has nothing to undo
#    (the applies of section 1 were all rolled back already).
$TCPADVISE rollback --format json >"$sandbox_tmp/rb.json" || fail "rollback exits $?"
jq -e '.changed == true' "$sandbox_tmp/rb.json" >/dev/null || fail "rollback: changed is not true"
[ "$(jq -r '.live[] | "\(.key) \(.before) \(.after)"' "$sandbox_tmp/rb.json")" = \
    "net.ipv4.tcp_fin_timeout 30 50" ] || fail "rollback: live is not [fin_timeout 30 -> 50]: $(jq -c .live "$sandbox_tmp/rb.json")"
jq -e ".persisted.path == \"$FRAG\" and .persisted.changed == true" "$sandbox_tmp/rb.json" >/dev/null ||
    fail "rollback: persisted is $(jq -c .persisted "$sandbox_tmp/rb.json")"
for k in $keys; do echo "$k = $(live "$k")"; done | diff "$sandbox_tmp/s0" - ||
    fail "rollback did not restore the live values"
cmp "$FRAG" "$sandbox_tmp/old.conf" || fail "rollback did not restore the old fragment"
[ "$($TCPADVISE history --format json | jq ".transactions[] | select(.number == $n1) | .rolled_back")" = true ] ||
    fail "rollback did not mark transaction $n1 as rolled back"
st2=$(stat -c '%i %.9Y' "$FRAG")
out=$($TCPADVISE rollback)
rc=$?
[ $rc = 0 ] || fail "second rollback exits $rc"
echo "$out" | grep -q 'nothing to roll back' || fail "second rollback says '$out'"
[ "$(stat -c '%i %.9Y' "$FRAG")" = "$st2" ] || fail "second rollback touched the fragment"
for k in $keys; do echo "$k = $(live "$k")"; done | diff "$sandbox_tmp/s0" - ||
    fail "second rollback changed live values"
# The hand-written fragment names no profile: check falls back to baseline.
$TCPADVISE check --format json --fail-on never >"$sandbox_tmp/check2.json"
[ "$(jq -r .profile.name "$sandbox_tmp/check2.json")" = baseline ] ||
    fail "check after rollback uses $(jq -r .profile.name "$sandbox_tmp/check2.json"), not baseline"
finish
