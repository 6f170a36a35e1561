#!/bin/sh
# tcpadvise check on the real kernel, in a fresh network namespace: the
# values it reports are the kernel's, it sees that it runs in a child
# namespace, and the hazards of stale and harmful lines are found with
# their file and line.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
enter_sandbox "$0"

# Debian's layout: systemd-sysctl reads /etc/sysctl.conf through the link.
ln -s ../sysctl.conf /etc/sysctl.d/99-sysctl.conf
cat >/etc/sysctl.conf <<CONF
# pasted from an old article
net.ipv4.tcp_tw_recycle = 1
net.ipv4.tcp_fin_timeout = 2
net.ipv4.tcp_max_tw_buckets = 5000
CONF
sysctl -q -w net.ipv4.tcp_fin_timeout=2 net.ipv4.tcp_max_tw_buckets=5000 || fail "sysctl -w"

$TCPADVISE check --format json --fail-on never >"$sandbox_tmp/check.json" ||
    fail "check --fail-on never exits non-zero"
j() { jq -r "$1" "$sandbox_tmp/check.json"; }

[ "$(j .netns)" = child ] || fail "netns is $(j .netns), want child"
[ "$(j .kernel)" = "$(uname -r)" ] || fail "kernel is $(j .kernel), want $(uname -r)"

# Every key the kernel has reads the same through tcpadvise and sysctl(8).
n=0
for key in $(j '.keys[] | select(.status == "ok") | .key'); do
	case $key in *fastopen_key) continue ;; esac
	want=$(sysctl -n "$key" | tr -s '\t ' '  ')
	got=$(j ".keys[] | select(.key == \"$key\") | .live")
	[ "$got" = "$want" ] || fail "$key: tcpadvise reads '$got', sysctl '$want'"
	n=$((n + 1))
done
[ $n -ge 30 ] || fail "only $n keys readable"

# Global keys are hidden in a child namespace, removed ones absent.
[ "$(j '.keys[] | select(.key == "net.core.netdev_max_backlog") | .status')" = hidden ] ||
    fail "netdev_max_backlog is not reported hidden"
[ "$(j '.keys[] | select(.key == "net.ipv4.tcp_tw_recycle") | .status')" = absent ] ||
    fail "tcp_tw_recycle is not reported absent"

# The stale removed key, named with its file and line.
[ "$(j '.findings[] | select(.id == "TA-H101") | "\(.file):\(.line)"')" = /etc/sysctl.conf:2 ] ||
    fail "TA-H101 does not name /etc/sysctl.conf:2"
# fin_timeout and max_tw_buckets, live and persisted.
[ "$(j '.findings[] | select(.id == "TA-H004") | "\(.live) \(.persisted) \(.line)"')" = "2 2 3" ] ||
    fail "TA-H004 is not '2 2 3'"
[ "$(j '.findings[] | select(.id == "TA-H005") | "\(.live) \(.line) \(.views | join(","))"')" = "5000 4 live,persisted" ] ||
    fail "TA-H005 is not '5000 4 live,persisted'"

# The text report and the exit status at the default --fail-on.
$TCPADVISE check >"$sandbox_tmp/check.txt"
[ $? = 1 ] || fail "check does not exit 1"
grep -q "/etc/sysctl.conf:2" "$sandbox_tmp/check.txt" || fail "text report lacks /etc/sysctl.conf:2"

# Putting things right clears the findings.
: >/etc/sysctl.conf
sysctl -q -w net.ipv4.tcp_fin_timeout=60 net.ipv4.tcp_max_tw_buckets=131072
$TCPADVISE check -q >"$sandbox_tmp/clean.txt"
[ $? = 0 ] || { cat "$sandbox_tmp/clean.txt"; fail "check of a clean namespace does not exit 0"; }
finish
