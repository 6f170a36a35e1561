#!/bin/sh
# The converge contract, on real-world sysctl files: each file of
# tests/fixtures/realworld (and of realworld-holdout, the files the
# policy was not tuned on) is loaded with procps `sysctl --system` into a
# fresh network namespace, as /etc/sysctl.conf (behind Debian's
# 99-sysctl.conf link) or as a file of /etc/sysctl.d, taking turns. Then:
#   apply --profile P --resolve            exit 0
#   check --profile P                      no warning or critical finding
#                                          with fixable != false (evidence
#                                          aside), live
#   apply again                            changes nothing
#   a fresh namespace, sysctl --system     the same, after a "reboot"
#   a fresh namespace, systemd-sysctl      the same
#   fixable: false                         only for keys this namespace
#                                          cannot write
#   rollback                               every live value and every file
#                                          byte for byte as before
# PROFILES (default: nginx) and FIXTURES (default: both directories) can
# narrow a run by hand.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
SYSCTLD=/lib/systemd/systemd-sysctl
[ -x $SYSCTLD ] || { echo "SKIP: no systemd-sysctl"; exit 77; }
command -v sysctl >/dev/null || { echo "SKIP: no procps sysctl"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
# The keys of the host's network namespace, seen before leaving it: a line
# of one of those that the test namespace lacks is a global key's.
if [ -z "${TCPADVISE_SANDBOX:-}" ]; then
	HOST_NET_KEYS=$(cd /proc/sys && find net -type f | tr / . | tr '\n' ' ')
	export HOST_NET_KEYS
fi
enter_overlay_sandbox "$0"

TCPADVISE=$(realpath ./tcpadvise)
export TCPADVISE SYSCTLD
: "${PROFILES:=nginx}"
: "${FIXTURES:=tests/fixtures/realworld/*.conf tests/fixtures/realworld-holdout/*.conf}"
w=$sandbox_tmp/w
mkdir -p "$w"

# What must not remain: warning or critical, fixable, not evidence.
left='[.findings[] | select((.severity == "warning" or .severity == "critical")
    and .fixable != false and .kind != "evidence")
    | "\(.id) \(.key // "-") \(.file // "-"):\(.line // 0) \(.fix // "")"]'
# What lint must report exactly as check does: warnings and criticals about
# a line that do not depend on live values.
agree='[.findings[] | select((.severity == "warning" or .severity == "critical")
    and .file != null and .line != null and .needs_live == false)
    | "\(.id) \(.file):\(.line) \(.fix)"] | sort | .[]'
# Unfixable warnings and criticals name keys this namespace cannot write.
unfixable='.findings[] | select((.severity == "warning" or .severity == "critical")
    and .fixable == false and .key != null) | .key'

# One file, one profile, run in a fresh network namespace that stands for
# the host: the file is loaded into it, and everything happens there.
# Prints why it failed; exits 1 then.
cat >"$w/one.sh" <<'INNER'
profile=$1 w=$2 left=$3 unfixable=$4 agree=$5
bad=0
no() { echo "  $*"; bad=1; }
# What rollback must restore: every writable per-netns key, and the bytes
# of every configuration file tcpadvise may touch.
state() {
	# One grep for all of them (a process per key took most of the run).
	find /proc/sys/net -type f -readable -writable 2>/dev/null | sort |
	    xargs -d '\n' grep -H '' 2>/dev/null
	for f in /etc/sysctl.conf /etc/sysctl.d/* /etc/sysctl.d/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		if [ -L "$f" ]; then
			echo "$f -> $(readlink "$f")"
		else
			echo "$f $(md5sum <"$f")"
		fi
	done
}
sysctl -q --system >/dev/null 2>&1
state >"$w/before"
rm -rf "$w/files"
mkdir "$w/files"
for f in /etc/sysctl.conf /etc/sysctl.d/*.conf /usr/lib/sysctl.d/*.conf; do
	[ -f "$f" ] && cp "$f" "$w/files/$(echo "$f" | tr / _)"
done
# lint (the files the appliers read) and check judge every line alike.
$TCPADVISE check --profile "$profile" --format json >"$w/check0.json" 2>/dev/null
$TCPADVISE lint --profile "$profile" --format json >"$w/lint0.json" 2>/dev/null
jq -r "$agree" "$w/check0.json" >"$w/check0.set"
jq -r "$agree" "$w/lint0.json" >"$w/lint0.set"
cmp -s "$w/check0.set" "$w/lint0.set" ||
    no "lint and check differ: $(diff "$w/check0.set" "$w/lint0.set" | grep '^[<>]' | head -4 | tr '\n' ' ')"
wc -l <"$w/check0.set" >"$w/agreed"
$TCPADVISE apply --profile "$profile" --resolve --format json >"$w/apply.json" 2>"$w/apply.err" ||
    no "apply exited $?: $(cat "$w/apply.err")"
$TCPADVISE check --profile "$profile" --format json >"$w/live.json" 2>/dev/null
jq -r "$left | .[]" "$w/live.json" | sed "s/^/live: /" >"$w/left"
$TCPADVISE apply --profile "$profile" --resolve --format json >"$w/again.json" 2>&1 ||
    no "second apply failed"
[ "$(jq -r .changed "$w/again.json" 2>/dev/null)" = false ] ||
    no "second apply changed something: $(jq -c '[.live, .resolved]' "$w/again.json" 2>/dev/null)"
unshare --net sh -c 'sysctl -q --system >/dev/null 2>&1; "$0" check --profile "$1" --format json' \
    "$TCPADVISE" "$profile" >"$w/procps.json" 2>/dev/null
jq -r "$left | .[]" "$w/procps.json" | sed "s/^/after sysctl --system: /" >>"$w/left"
unshare --net sh -c '"$2" >/dev/null 2>&1; "$0" check --profile "$1" --format json' \
    "$TCPADVISE" "$profile" "$SYSCTLD" >"$w/systemd.json" 2>/dev/null
jq -r "$left | .[]" "$w/systemd.json" | sed "s/^/after systemd-sysctl: /" >>"$w/left"
while read -r line; do no "$line"; done <"$w/left"
for k in $(jq -r "$unfixable" "$w/live.json" | sort -u); do
	p=/proc/sys/$(echo "$k" | tr . /)
	[ -w "$p" ] && no "unfixable but writable here: $k"
done
# No line of a key the host has and this namespace cannot see was touched:
# such a line is the host's to judge.
for line in $(jq -r '.resolved[] | "\(.file):\(.line)"' "$w/apply.json"); do
	f=${line%:*} n=${line##*:}
	k=$(sed -n "${n}p" "$w/files/$(echo "$f" | tr / _)" 2>/dev/null |
	    sed 's/^[[:space:]]*-\{0,1\}[[:space:]]*//; s/[[:space:]]*=.*//')
	[ -n "$k" ] || continue
	p=/proc/sys/$(echo "$k" | tr . /)
	if [ ! -e "$p" ] && case " $HOST_NET_KEYS " in *" $k "*) true ;; *) false ;; esac; then
		no "resolve disabled $line, a line of the host's global key $k"
	fi
done
$TCPADVISE rollback >"$w/rollback.out" 2>&1 || no "rollback failed: $(cat "$w/rollback.out")"
state >"$w/after"
cmp -s "$w/before" "$w/after" ||
    no "rollback did not restore: $(diff "$w/before" "$w/after" | grep '^[<>]' | head -6 | tr '\n' ' ')"
exit $bad
INNER

one() {
	src=$1 profile=$2 where=$3
	rm -rf /etc/sysctl.d /etc/sysctl.conf /var/lib/tcpadvise/*
	mkdir -m 0755 /etc/sysctl.d
	ln -s ../sysctl.conf /etc/sysctl.d/99-sysctl.conf
	if [ "$where" = conf ]; then
		cp "$src" /etc/sysctl.conf
	else
		: >/etc/sysctl.conf
		cp "$src" /etc/sysctl.d/60-site.conf
	fi
	chmod 0644 /etc/sysctl.conf /etc/sysctl.d/*.conf 2>/dev/null
	unshare --net sh "$w/one.sh" "$profile" "$w" "$left" "$unfixable" "$agree"
}

n=0
i=0
total=0
for f in $FIXTURES; do
	[ -f "$f" ] || continue
	i=$((i + 1))
	where=d
	[ $((i % 2)) = 0 ] && where=conf
	for p in $PROFILES; do
		n=$((n + 1))
		out=$(one "$f" "$p" "$where" 2>&1)
		if [ $? = 0 ]; then
			agreed=$(cat "$w/agreed" 2>/dev/null || echo 0)
			total=$((total + agreed))
			echo "ok $p $(basename "$f") ($where): lint and check agree on $agreed findings"
		else
			fail "$p $(basename "$f") ($where):"
			echo "$out"
		fi
	done
done
[ $n -ge 1 ] || fail "no fixture files found in $FIXTURES"
echo "$n runs; lint and check agreed on $total warning and critical findings about lines"
finish
