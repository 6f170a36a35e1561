# Shared helpers of the live tests. Sourced from the repository top.
#
# in_sandbox SCRIPT: run SCRIPT (sh code) as root in a new network and mount
# namespace where /etc/sysctl.d, /run, /usr/lib/sysctl.d, /usr/local/lib and
# /var/lib/tcpadvise are private tmpfs and /etc/sysctl.conf is a private
# copy, so nothing written there reaches the host. Only per-netns keys may
# be written inside; global keys are never written by any test.
: "${TCPADVISE:=./tcpadvise}"

require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: live tests need root"
		exit 77
	fi
	if ! command -v unshare >/dev/null 2>&1; then
		echo "SKIP: unshare is missing"
		exit 77
	fi
	if ! unshare --net --mount true 2>/dev/null; then
		echo "SKIP: cannot create network and mount namespaces here"
		exit 77
	fi
}

in_sandbox() {
	unshare --net --mount --propagation private sh -euc '
		conf=$(mktemp)
		cp /etc/sysctl.conf "$conf" 2>/dev/null || : >"$conf"
		mount --bind "$conf" /etc/sysctl.conf
		mount -t tmpfs tmpfs /etc/sysctl.d
		mount -t tmpfs tmpfs /run
		mount -t tmpfs tmpfs /usr/lib/sysctl.d
		if [ -d /usr/local/lib ]; then mount -t tmpfs tmpfs /usr/local/lib; fi
		mkdir -p /var/lib/tcpadvise
		mount -t tmpfs tmpfs /var/lib/tcpadvise
		mkdir -p /run/sysctl.d
		: >/etc/sysctl.conf
		'"$1"'
	'
}

# only_netns_keys: refuse to go on if any sysctl file visible now assigns a
# key outside net.ipv4 (a global key would reach the host when applied).
only_netns_keys() {
	bad=$(cat /etc/sysctl.conf /etc/sysctl.d/*.conf /run/sysctl.d/*.conf \
	    /usr/lib/sysctl.d/*.conf /usr/local/lib/sysctl.d/*.conf 2>/dev/null |
	    sed 's/^[[:space:]]*-\{0,1\}[[:space:]]*//' |
	    grep -v -e '^#' -e '^;' -e '^$' | grep -v '^net[./]ipv4[./]' || true)
	if [ -n "$bad" ]; then
		echo "refusing to apply files with keys outside net.ipv4: $bad"
		exit 1
	fi
}
