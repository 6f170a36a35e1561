#!/bin/sh
# The Ansible role of contrib/ansible run by the real ansible-playbook over
# a local connection, in a fresh network namespace where a site file turned
# tcp_syncookies off: check mode changes nothing but says what would
# change, the first run reports a change, the second none; a critical line
# that a later file keeps fails the play until tcpadvise_resolve disables it.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
FRAG=/etc/sysctl.d/90-tcpadvise.conf
KEYS="net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_syncookies net.ipv4.tcp_timestamps net.ipv4.tcp_abort_on_overflow"

live() {
	tr -s '\t ' '  ' <"/proc/sys/$(echo "$1" | tr . /)"
}

# state: the live values, the sysctl.d entries with inode and mtime, the
# fragment's bytes and the history: what a check-mode run must not change.
state() {
	for k in $KEYS; do echo "$k = $(live "$k")"; done
	ls -Ali --time-style=full-iso /etc/sysctl.d | sed 1d
	cat "$FRAG" 2>&1
	history_state
}

# play NAME ARGS...: run the playbook, keep its output in
# $sandbox_tmp/NAME.out and its exit status in $rc.
play() {
	name=$1
	shift
	ansible-playbook -i localhost, -c local contrib/ansible/playbook.yml \
	    -e "tcpadvise_bin=$bin" -e tcpadvise_profile=nginx "$@" \
	    >"$sandbox_tmp/$name.out" 2>&1
	rc=$?
}

# recap NAME FIELD: a number of the PLAY RECAP line, e.g. changed.
recap() {
	sed -n "s/^localhost *:.* $2=\([0-9]*\).*/\1/p" "$sandbox_tmp/$1.out"
}

# expect NAME RC CHANGED FAILED: the exit status and the recap of a run.
expect() {
	got="rc=$rc changed=$(recap "$1" changed) failed=$(recap "$1" failed)"
	if [ "$got" = "rc=$2 changed=$3 failed=$4" ]; then
		echo "ok $1: $got ok=$(recap "$1" ok)"
	else
		fail "$1: $got, want rc=$2 changed=$3 failed=$4"
		cat "$sandbox_tmp/$1.out"
	fi
}

command -v ansible-playbook >/dev/null || { echo "SKIP: no ansible-playbook"; exit 77; }
case $TCPADVISE in
/*) bin=$TCPADVISE ;;
*) bin=$PWD/${TCPADVISE#./} ;;
esac
enter_sandbox "$0"
trap 'rm -rf "$sandbox_tmp"' EXIT
ansible_env

# 1. Check mode: nginx (through baseline) would turn tcp_syncookies on and
#    write the fragment, so the run reports a change and makes none.
echo 'net.ipv4.tcp_syncookies = 0' >/etc/sysctl.d/50-site.conf
sysctl -q -p /etc/sysctl.d/50-site.conf
state >"$sandbox_tmp/s0"
play check1 --check
expect check1 0 1 0
state | diff "$sandbox_tmp/s0" - || fail "check mode changed the system"
[ ! -e "$FRAG" ] || fail "check mode wrote the fragment"

# 2. The real run changes the system, the second one nothing.
play run1
expect run1 0 1 0
grep -qx '# profile: nginx' "$FRAG" 2>/dev/null || fail "run1 wrote no nginx fragment"
[ "$(live net.ipv4.tcp_syncookies)" = 1 ] || fail "run1: tcp_syncookies is $(live net.ipv4.tcp_syncookies)"
state >"$sandbox_tmp/s1"
play run2
expect run2 0 0 0
[ "$(recap run2 ok)" -ge 2 ] 2>/dev/null || fail "run2: ok=$(recap run2 ok), want at least 2"
state | diff "$sandbox_tmp/s1" - || fail "the second run changed the system"
play check2 --check
expect check2 0 0 0

# 3. A critical line after the fragment (tcp_synack_retries = 1 drops
#    clients): apply sets the value live and in the fragment, but a reboot
#    would still load the later line, so the audit fails the play and names
#    the finding; with tcpadvise_resolve the line is commented out and the
#    play passes.
echo 'net.ipv4.tcp_synack_retries = 1' >/etc/sysctl.d/99-late.conf
sysctl -q -p /etc/sysctl.d/99-late.conf
play critical
[ "$rc" != 0 ] || fail "critical: the play did not fail"
[ "$(recap critical failed)" = 1 ] || fail "critical: failed=$(recap critical failed)"
grep -q 'TA-H211' "$sandbox_tmp/critical.out" || fail "critical: TA-H211 is not named"
grep -q '99-late.conf:1 (TA-H211)' "$sandbox_tmp/critical.out" ||
    fail "critical: the line apply left alone is not reported"
play resolve -e tcpadvise_resolve=true
expect resolve 0 1 0
grep -q '^# disabled by tcpadvise (TA-H211): net.ipv4.tcp_synack_retries = 1' \
    /etc/sysctl.d/99-late.conf || fail "resolve: 99-late.conf is $(cat /etc/sysctl.d/99-late.conf)"
[ "$(live net.ipv4.tcp_synack_retries)" = 5 ] || fail "resolve: tcp_synack_retries is not 5 live"
play resolve2 -e tcpadvise_resolve=true
expect resolve2 0 0 0
finish
