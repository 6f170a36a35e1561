#!/bin/sh
# tcpadvise check on the real kernel, in a fresh network namespace: the
# values it reports are the kernel's, it sees that it runs in a child
# namespace, and the hazards of stale and harmful lines are found with
# their file and line.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
require_root
export TCPADVISE
in_sandbox '
	fail=0
	check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }
	cat >/etc/sysctl.conf <<CONF
# pasted from an old article
net.ipv4.tcp_tw_recycle = 1
net.ipv4.tcp_fin_timeout = 2
net.ipv4.tcp_max_tw_buckets = 5000
CONF
	sysctl -q -w net.ipv4.tcp_fin_timeout=2 net.ipv4.tcp_max_tw_buckets=5000
	$TCPADVISE check --format json --fail-on never >/tmp/check.json
	check "[ \$? = 0 ]"
	j() { jq -r "$1" /tmp/check.json; }
	check "[ \"\$(j .netns)\" = child ]"
	check "[ \"\$(j .kernel)\" = \"\$(uname -r)\" ]"
	# Every key the kernel has reads the same through tcpadvise and sysctl.
	for key in $(j ".keys[] | select(.status == \"ok\") | .key"); do
		want=$(sysctl -n "$key" 2>/dev/null | tr -s "\t " "  ")
		got=$(j ".keys[] | select(.key == \"$key\") | .live")
		case $key in *fastopen_key) continue ;; esac
		check "[ \"$got\" = \"$want\" ]"
	done
	# Global keys are hidden in a child namespace, not reported missing.
	check "[ \"\$(j ".keys[] | select(.key == \"net.core.netdev_max_backlog\") | .status")\" = hidden ]"
	check "[ \"\$(j ".keys[] | select(.key == \"net.ipv4.tcp_tw_recycle\") | .status")\" = absent ]"
	# The stale removed key, named with its file and line.
	check "j \".findings[] | select(.key == \\\"net.ipv4.tcp_tw_recycle\\\") | \\\"\\(.file):\\(.line)\\\"\" | grep -qx /etc/sysctl.conf:2"
	# fin_timeout and max_tw_buckets, live and persisted.
	check "j \".findings[] | select(.key == \\\"net.ipv4.tcp_fin_timeout\\\" and .kind == \\\"hazard\\\") | .live\" | grep -qx 2"
	check "j \".findings[] | select(.key == \\\"net.ipv4.tcp_max_tw_buckets\\\" and .kind == \\\"hazard\\\") | .line\" | grep -qx 4"
	# The text report and the exit status at the default --fail-on.
	$TCPADVISE check >/tmp/check.txt
	check "[ \$? = 1 ]"
	check "grep -q \"/etc/sysctl.conf:2\" /tmp/check.txt"
	exit $fail
'
