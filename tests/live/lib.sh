# Shared helpers of the live tests. Sourced from the repository top.
#
# A test calls `enter_sandbox "$0"` first: it re-runs itself as root in a
# new network and mount namespace where /etc/sysctl.d, /run,
# /usr/lib/sysctl.d, /usr/local/lib and /var/lib/tcpadvise are private tmpfs
# and /etc/sysctl.conf is a private empty file, so nothing written there
# reaches the host. Inside, only per-netns keys may be written; no test
# writes a global key.
: "${TCPADVISE:=./tcpadvise}"
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

finish() {
	[ "$failures" -eq 0 ] && echo "all passed" && exit 0
	echo "$failures failed"
	exit 1
}

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

enter_sandbox() {
	if [ -z "${TCPADVISE_SANDBOX:-}" ]; then
		require_root
		TCPADVISE_SANDBOX=1 exec unshare --net --mount --propagation private sh "$1"
	fi
	sandbox_tmp=$(mktemp -d)
	trap 'rm -rf "$sandbox_tmp"' EXIT
	: >"$sandbox_tmp/sysctl.conf"
	mount --bind "$sandbox_tmp/sysctl.conf" /etc/sysctl.conf
	# Mode 0755 as on a real system (a tmpfs is 1777 by default), so that
	# tests running as another user meet the permissions they would meet.
	mount -t tmpfs -o mode=0755 tmpfs /etc/sysctl.d
	mount -t tmpfs -o mode=0755 tmpfs /run
	mount -t tmpfs -o mode=0755 tmpfs /usr/lib/sysctl.d
	if [ -d /usr/local/lib ]; then
		mount -t tmpfs -o mode=0755 tmpfs /usr/local/lib
	fi
	mkdir -p /var/lib/tcpadvise /run/sysctl.d /usr/local/lib/sysctl.d
	mount -t tmpfs -o mode=0755 tmpfs /var/lib/tcpadvise
	# Nothing of the host's configuration is visible any more.
	[ ! -s /etc/sysctl.conf ] && [ -z "$(ls -A /etc/sysctl.d)" ] || {
		echo "sandbox setup failed"
		exit 1
	}
}

# host_state: what an apply or rollback must leave whole: every net.ipv4
# and net.core value of the namespace, and every entry of /etc/sysctl.d
# (hidden temporary files included) with its bytes.
host_state() {
	sysctl net.ipv4 net.core 2>/dev/null | sort
	for f in /etc/sysctl.d/* /etc/sysctl.d/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		echo "== $f"
		cat -A "$f"
	done
}

# history_state: every transaction of the apply history (and an old
# journal.json) with its bytes, to compare before and after a run that
# must not record one.
history_state() {
	for f in /var/lib/tcpadvise/history/*.json /var/lib/tcpadvise/journal.json; do
		[ -e "$f" ] || continue
		echo "== $f"
		cat "$f"
	done
}

# only_netns_keys: refuse to go on if any sysctl file visible now assigns a
# key outside net.ipv4 and net.core.somaxconn, the per-netns keys the tests
# use (a global key would reach the host when applied).
only_netns_keys() {
	bad=$(cat /etc/sysctl.conf /etc/sysctl.d/*.conf /etc/sysctl.d/.*.conf \
	    /run/sysctl.d/*.conf /usr/lib/sysctl.d/*.conf \
	    /usr/local/lib/sysctl.d/*.conf 2>/dev/null | tr -d '\r' |
	    sed 's/^[[:space:]]*-\{0,1\}[[:space:]]*//' |
	    grep -v -e '^#' -e '^;' -e '^$' | grep -v -e '^net[./]ipv4[./]' \
	    -e '^net[./]core[./]somaxconn[[:space:]=]' || true)
	if [ -n "$bad" ]; then
		echo "refusing to apply files with keys outside net.ipv4 and somaxconn: $bad"
		exit 1
	fi
}

# enter_overlay_sandbox SCRIPT: for tests that load real-world files, which
# set kernel.*, vm.*, fs.* and other keys that no network namespace
# isolates. Re-runs SCRIPT as root in new network, mount, UTS and IPC
# namespaces where every directory of /proc/sys but net is read-only, /etc
# is an overlay whose changes vanish with the namespace (so files in it,
# /etc/sysctl.conf included, can be replaced by rename as tcpadvise does),
# with the host's /etc/sysctl.conf and /etc/sysctl.d out of view, and
# /var/lib/tcpadvise and /run/sysctl.d are private tmpfs. The vendor
# files of /usr/lib/sysctl.d stay visible (they are only read: a mask goes
# to /etc/sysctl.d).
enter_overlay_sandbox() {
	if [ -z "${TCPADVISE_SANDBOX:-}" ]; then
		require_root
		TCPADVISE_SANDBOX=1 exec unshare --net --mount --uts --ipc \
		    --propagation private sh "$1"
	fi
	sandbox_tmp=$(mktemp -d)
	trap 'umount -l "$sandbox_tmp" 2>/dev/null; rm -rf "$sandbox_tmp"' EXIT
	mount -t tmpfs -o mode=0755 tmpfs "$sandbox_tmp" || exit 1
	mkdir "$sandbox_tmp/upper" "$sandbox_tmp/work"
	for d in /proc/sys/*; do
		[ "$d" = /proc/sys/net ] && continue
		{ mount --bind "$d" "$d" && mount -o remount,bind,ro "$d"; } || {
			echo "cannot make $d read-only"
			exit 1
		}
	done
	# The guard: a write of the value a key already has must fail now.
	if sh -c 'cat /proc/sys/kernel/pid_max >/proc/sys/kernel/pid_max' 2>/dev/null; then
		echo "kernel.* is still writable: refusing to load real-world files"
		exit 1
	fi
	mount -t overlay overlay -o \
	    "lowerdir=/etc,upperdir=$sandbox_tmp/upper,workdir=$sandbox_tmp/work" /etc ||
	    exit 1
	rm -rf /etc/sysctl.conf /etc/sysctl.d
	mkdir -m 0755 /etc/sysctl.d
	mkdir -p /var/lib/tcpadvise
	mount -t tmpfs -o mode=0755 tmpfs /var/lib/tcpadvise
	if [ -d /run/sysctl.d ]; then
		mount -t tmpfs -o mode=0755 tmpfs /run/sysctl.d
	fi
}

# require_tools TOOL...: skip the test (77) when one of them is missing.
require_tools() {
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "SKIP: $tool is missing"
			exit 77
		fi
	done
}

# build_sockgen: loopback up and tests/out/sockgen built, or the test fails
# and ends.
build_sockgen() {
	ip link set lo up || { fail "ip link set lo up"; finish; }
	mkdir -p tests/out
	cc -O2 -o tests/out/sockgen tests/live/sockgen.c || { fail "cannot build sockgen"; finish; }
}

# start_ready NAME CMD ARGS...: run CMD ARGS in the background, its pid in
# bg_pid, its key=value lines in $sandbox_tmp/NAME.out and its stderr in
# $sandbox_tmp/NAME.err, and wait until it prints "ready=1"; if it does not
# get ready, it is killed and the test fails and ends. Once it is ready,
# the caller's EXIT trap kills it.
start_ready() {
	sr_name=$1
	shift
	"$@" >"$sandbox_tmp/$sr_name.out" 2>"$sandbox_tmp/$sr_name.err" &
	bg_pid=$!
	i=0
	until grep -q '^ready=1$' "$sandbox_tmp/$sr_name.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 $bg_pid 2>/dev/null; then
			kill $bg_pid 2>/dev/null
			cat "$sandbox_tmp/$sr_name.err"
			fail "$sr_name did not get ready"
			finish
		fi
		sleep 0.1
	done
}

# start_sockgen ARGS...: start_ready for tests/out/sockgen ARGS, its pid in
# sg_pid and its key=value lines in $sandbox_tmp/sockgen.out.
start_sockgen() {
	start_ready sockgen tests/out/sockgen "$@"
	sg_pid=$bg_pid
}

# ansible_env: Ansible keeps its temporary files, caches and settings under
# HOME and its temp directories: all inside the sandbox's scratch
# directory, and no configuration of this machine is read.
ansible_env() {
	mkdir -p "$sandbox_tmp/home" "$sandbox_tmp/local" "$sandbox_tmp/remote"
	: >"$sandbox_tmp/ansible.cfg"
	export HOME="$sandbox_tmp/home" ANSIBLE_HOME="$sandbox_tmp/home/.ansible" \
	    ANSIBLE_LOCAL_TEMP="$sandbox_tmp/local" ANSIBLE_REMOTE_TEMP="$sandbox_tmp/remote" \
	    ANSIBLE_CONFIG="$sandbox_tmp/ansible.cfg" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 \
	    ANSIBLE_PYTHON_INTERPRETER=auto_silent ANSIBLE_RETRY_FILES_ENABLED=0 LC_ALL=C.UTF-8
}
