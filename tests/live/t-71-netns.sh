#!/bin/sh
# --netns and --all-netns on the real kernel: 200 namespaces made with
# `ip netns add` (below a private /run), one unnamed namespace of a
# process, and namespaces owned by a Docker container, a Kubernetes pod and
# a system container, each found from the cgroup of its process and the
# runtime's state as the runtimes leave it (a private cgroup hierarchy and
# private /run, /var/lib: no runtime runs here). Two namespaces are
# mis-tuned (tcp_fin_timeout 2 and 5, set live); every finding must be
# reported under its own namespace only, global keys only in the host's.
# Nothing here writes a value outside the namespaces it made: the host's
# namespace is only read.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
enter_sandbox "$0"
export LC_ALL=C

require_tools jq ip promtool

pids=''
cg=''
sys="$sandbox_tmp/sysroot"
cleanup() {
	kill $pids 2>/dev/null
	wait 2>/dev/null
	if [ -n "$cg" ]; then
		find "$cg" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		umount "$cg" 2>/dev/null
	fi
	# The system container's /usr is the host's, bound read-only: never
	# remove anything through it.
	umount "$sys/usr" 2>/dev/null || umount -l "$sys/usr" 2>/dev/null
	rm -rf --one-file-system "$sandbox_tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# The runtimes' state lives below /var/lib and /run: both private here.
mount -t tmpfs -o mode=0755 tmpfs /var/lib
mkdir -p /var/lib/tcpadvise

# 1. 200 named namespaces, n17 mis-tuned; an unnamed one, mis-tuned too.
i=1
while [ $i -le 200 ]; do
	ip netns add "n$i" || { fail "ip netns add n$i"; finish; }
	i=$((i + 1))
done
ip netns exec n17 sysctl -qw net.ipv4.tcp_fin_timeout=2 || fail "cannot tune n17"
unshare --net sh -c 'sysctl -qw net.ipv4.tcp_fin_timeout=5 && exec sleep 600' &
lone=$!
pids="$pids $lone"
# A listener in n5, for the census.
ip netns exec n5 python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 8080)); s.listen(7)
print("ready", flush=True); time.sleep(600)' >"$sandbox_tmp/n5.out" &
pids="$pids $!"
for _ in $(seq 50); do
	[ -s "$sandbox_tmp/n5.out" ] &&
	    [ "$(readlink /proc/$lone/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.1
done

$TCPADVISE --all-netns check --format json >"$sandbox_tmp/all.json" 2>"$sandbox_tmp/all.err"
rc=$?
[ $rc -eq 1 ] || fail "--all-netns check exited $rc, not 1: $(cat "$sandbox_tmp/all.err")"
j="$sandbox_tmp/all.json"
n=$(jq '[.namespaces[] | select(.netns.name != null and (.netns.name | startswith("n")))] | length' "$j")
[ "$n" = 200 ] || fail "$n named namespaces n1..n200 reported, not 200"
[ "$(jq '[.namespaces[] | select(.netns.initial)] | length' "$j")" = 1 ] ||
    fail "not exactly one initial namespace"
[ "$(jq -r '.namespaces[0].netns.owner' "$j")" = host ] || fail "the host's namespace is not first"
# Each mis-tuning under its own namespace, and nowhere else.
where=$(jq -r '.namespaces[] | select(any(.findings[]; .id == "TA-H004" and .live != "60")) |
    "\(.netns.owner) \(.findings[] | select(.id == "TA-H004") | .live)"' "$j" | sort)
expect=$(printf 'netns/n17 2\nprocess/sleep 5\n' | sort)
[ "$where" = "$expect" ] || fail "TA-H004 reported under: '$where', expected '$expect'"
[ "$(jq -r ".namespaces[] | select(.netns.pids == [$lone]) | .netns.owner" "$j")" = process/sleep ] ||
    fail "the unnamed namespace of pid $lone is not owned by process/sleep"
# Global keys are judged in the host's namespace only.
g=$(jq -r '[.namespaces[] | select(.netns.initial | not) | .findings[] |
    select(.key != null and (.key | startswith("net.core.netdev") or startswith("net.core.rmem_max")
    or startswith("net.core.wmem_max") or startswith("net.ipv4.tcp_mem")))] | length' "$j")
[ "$g" = 0 ] || fail "$g findings about global keys outside the host's namespace"
[ "$(jq '.summary.namespaces' "$j")" -ge 202 ] || fail "summary: $(jq -c .summary "$j")"
[ "$(jq '[.namespaces[] | .status] | max' "$j")" = 1 ] || fail "worst status is not 1"
for ns in n17 n18; do
	[ "$(jq -r ".namespaces[] | select(.netns.name == \"$ns\") | .netns.boot.kind" "$j")" = none ] ||
	    fail "$ns: boot view is not none"
done

# Text: grouped, one header per namespace.
$TCPADVISE --all-netns check >"$sandbox_tmp/all.txt" 2>&1
[ "$(grep -c '^== netns/n[0-9]*: network namespace' "$sandbox_tmp/all.txt")" = 200 ] ||
    fail "text: not 200 headers of named namespaces"
grep -q '^namespaces: [0-9]* audited, 2 with findings at or above warning' "$sandbox_tmp/all.txt" ||
    fail "text: no summary line: $(tail -3 "$sandbox_tmp/all.txt")"
$TCPADVISE -q --all-netns check >"$sandbox_tmp/q.txt" 2>&1
grep -q '^netns/n17: warning TA-H004 net.ipv4.tcp_fin_timeout' "$sandbox_tmp/q.txt" ||
    fail "-q: the finding of n17 is not prefixed by its owner: $(head -3 "$sandbox_tmp/q.txt")"

# 2. --netns: one namespace by name, path or pid.
$TCPADVISE --netns n17 check --format json >"$sandbox_tmp/one.json" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "--netns n17 check exited $rc"
[ "$(jq '.namespaces | length' "$sandbox_tmp/one.json")" = 1 ] || fail "--netns n17: not one namespace"
[ "$(jq -r '.namespaces[0].findings[] | select(.id == "TA-H004") | .live' "$sandbox_tmp/one.json")" = 2 ] ||
    fail "--netns n17: no TA-H004 with live 2"
$TCPADVISE --netns n18 check >/dev/null 2>&1 || fail "--netns n18 check exited $?"
$TCPADVISE --netns /run/netns/n17 check >/dev/null 2>&1
[ $? -eq 1 ] || fail "--netns /run/netns/n17 did not find the mis-tuning"
$TCPADVISE --netns "$lone" check --format json >"$sandbox_tmp/pid.json" 2>&1
[ "$(jq -r '.namespaces[0].findings[] | select(.id == "TA-H004") | .live' "$sandbox_tmp/pid.json")" = 5 ] ||
    fail "--netns $lone: no TA-H004 with live 5"
# What only lasts if the namespace is made with it: not fixable here, and
# said why; the live value is.
ip netns exec n18 sysctl -qw net.ipv4.tcp_slow_start_after_idle=0
$TCPADVISE --netns n18 check --profile nginx --format json >"$sandbox_tmp/n18.json" 2>&1
[ "$(jq -r '.namespaces[0].findings[] | select(.id == "TA-D034") | "\(.fixable) \(.fix)"' "$sandbox_tmp/n18.json")" = "false null" ] ||
    fail "n18: TA-D034 should be unfixable here: $(jq -c '.namespaces[0].findings[] | select(.id == "TA-D034")' "$sandbox_tmp/n18.json")"
case $(jq -r '.namespaces[0].findings[] | select(.id == "TA-D034") | .why' "$sandbox_tmp/n18.json") in
*"made again"*) ;;
*) fail "n18: TA-D034 does not say why" ;;
esac
[ "$(jq -r '.namespaces[0].findings[] | select(.id == "TA-D035") | .fix' "$sandbox_tmp/n18.json")" = \
  "sysctl -w net.ipv4.tcp_mtu_probing=1" ] || fail "n18: TA-D035's fix is not the live one"
ip netns exec n18 sysctl -qw net.ipv4.tcp_slow_start_after_idle=1
$TCPADVISE --netns nosuch check >/dev/null 2>"$sandbox_tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "no network namespace 'nosuch'" "$sandbox_tmp/err" ||
    fail "--netns nosuch: exit $rc, $(cat "$sandbox_tmp/err")"
$TCPADVISE --netns n1 --all-netns check >/dev/null 2>&1
[ $? -eq 2 ] || fail "--netns with --all-netns is not a usage error"
$TCPADVISE --all-netns apply --profile nginx >/dev/null 2>&1
[ $? -eq 2 ] || fail "--all-netns apply without --dry-run is not a usage error"
$TCPADVISE --all-netns lint >/dev/null 2>&1
[ $? -eq 2 ] || fail "--all-netns lint is not a usage error"

# 3. states: a census per namespace.
$TCPADVISE --all-netns states --format json >"$sandbox_tmp/st.json" 2>"$sandbox_tmp/st.err" ||
    fail "--all-netns states exited $?: $(cat "$sandbox_tmp/st.err")"
[ "$(jq '[.namespaces[] | select(.states != null)] | length' "$sandbox_tmp/st.json")" = \
  "$(jq '.namespaces | length' "$sandbox_tmp/st.json")" ] || fail "states: a namespace without a census"
[ "$(jq -r '.namespaces[] | select(.netns.name == "n5") | .states.LISTEN' "$sandbox_tmp/st.json")" = 1 ] ||
    fail "states: n5 has not its one listener"
[ "$(jq -r '.namespaces[] | select(.netns.name == "n6") | .total' "$sandbox_tmp/st.json")" = 0 ] ||
    fail "states: n6 is not empty"

# 4. Prometheus: one exposition, every series labelled with its owner.
for cmd in check states; do
	$TCPADVISE --all-netns $cmd --format prometheus >"$sandbox_tmp/$cmd.prom" 2>/dev/null
	out=$(promtool check metrics <"$sandbox_tmp/$cmd.prom" 2>&1) || fail "promtool ($cmd): $out"
	[ -z "$out" ] || fail "promtool ($cmd) warns: $out"
	[ "$(grep -v '^#' "$sandbox_tmp/$cmd.prom" | grep -vc '{owner="')" = 0 ] ||
	    fail "$cmd: a series without the owner label"
done
grep -q '^tcpadvise_finding{owner="netns/n17",id="TA-H004"' "$sandbox_tmp/check.prom" ||
    fail "prometheus: no TA-H004 for netns/n17"
[ "$(grep -c 'id="TA-H004"' "$sandbox_tmp/check.prom")" = 2 ] || fail "prometheus: TA-H004 not twice"

# 5. Containers: a cgroup hierarchy of our own, laid out as the runtimes
# lay it out.
cg="$sandbox_tmp/cg"
mkdir -p "$cg"
if ! mount -t cgroup -o none,name=tcpadvise-test cgroup "$cg" 2>/dev/null; then
	rmdir "$cg"
	cg=''
	echo "SKIP: no cgroup v1 named hierarchy here: container owners not tested"
else
	dock=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
	podc=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
	uid=1f2e3d4c-5b6a-4789-8abc-def012345678
	uid_=$(echo $uid | tr - _)
	mkdir -p "$cg/system.slice/docker-$dock.scope" \
	    "$cg/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$uid_.slice/cri-containerd-$podc.scope"
	mkdir -p "/run/containerd/io.containerd.runtime.v2.task/moby/$dock" \
	    "/run/containerd/io.containerd.runtime.v2.task/k8s.io/$podc" "/var/lib/docker/containers/$dock"
	echo '{"ociVersion":"1.0.2","linux":{"sysctl":{"net.ipv4.tcp_fin_timeout":"2","net.ipv4.ip_local_port_range":"1024 65000"}}}' \
	    >"/run/containerd/io.containerd.runtime.v2.task/moby/$dock/config.json"
	echo '{"Name":"/web","ID":"'"$dock"'"}' >"/var/lib/docker/containers/$dock/config.v2.json"
	echo '{"ociVersion":"1.0.2","annotations":{"io.kubernetes.cri.sandbox-name":"web-0","io.kubernetes.cri.sandbox-namespace":"shop"},"linux":{}}' \
	    >"/run/containerd/io.containerd.runtime.v2.task/k8s.io/$podc/config.json"
	unshare --net sleep 600 &
	d=$!
	unshare --net sleep 600 &
	p=$!
	pids="$pids $d $p"
	echo $d >"$cg/system.slice/docker-$dock.scope/cgroup.procs" || fail "cannot place the docker process"
	echo $p >"$cg/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$uid_.slice/cri-containerd-$podc.scope/cgroup.procs" ||
	    fail "cannot place the pod process"
	# A system container: its own root where systemd is init, with a
	# sysctl.d file of its own.
	mkdir -p "$sys/run/systemd/system" "$sys/etc/sysctl.d" "$sys/usr" "$sys/proc"
	for l in bin lib lib64 sbin; do [ -L /$l ] && ln -s "$(readlink /$l)" "$sys/$l"; done
	mount --bind -o ro /usr "$sys/usr"
	echo 'net.ipv4.tcp_fin_timeout = 3' >"$sys/etc/sysctl.d/50-app.conf"
	unshare --net chroot "$sys" sleep 600 &
	s=$!
	pids="$pids $s"
	sleep 0.3
	$TCPADVISE --all-netns check --format json >"$sandbox_tmp/c.json" 2>"$sandbox_tmp/c.err"
	c="$sandbox_tmp/c.json"
	[ "$(jq -r ".namespaces[] | select(.netns.pids == [$d]) | .netns.owner" "$c")" = docker/web ] ||
	    fail "docker: owner $(jq -c ".namespaces[] | select(.netns.pids == [$d]) | .netns" "$c")"
	[ "$(jq -r ".namespaces[] | select(.netns.pids == [$d]) | .netns.container_id" "$c")" = "$dock" ] ||
	    fail "docker: container id"
	[ "$(jq -r ".namespaces[] | select(.netns.pids == [$d]) | .netns.boot.kind" "$c")" = oci ] ||
	    fail "docker: boot view is not the OCI config"
	f=$(jq -r ".namespaces[] | select(.netns.pids == [$d]) | .findings[] | select(.id == \"TA-H004\") |
	    \"\(.live) \(.persisted) \(.file)\"" "$c")
	[ "$f" = "60 2 /run/containerd/io.containerd.runtime.v2.task/moby/$dock/config.json" ] ||
	    fail "docker: TA-H004 should be persisted 2 in its config.json, not '$f'"
	fix=$(jq -r ".namespaces[] | select(.netns.pids == [$d]) | .findings[] | select(.id == \"TA-H004\") | .fix" "$c")
	case $fix in *"container runtime"*) ;; *) fail "docker: the fix does not name the runtime: $fix" ;; esac
	[ "$(jq -r ".namespaces[] | select(.netns.pids == [$p]) | .netns.owner" "$c")" = pod/shop/web-0 ] ||
	    fail "pod: owner $(jq -c ".namespaces[] | select(.netns.pids == [$p]) | .netns" "$c")"
	[ "$(jq -r ".namespaces[] | select(.netns.pids == [$s]) | .netns.boot.kind" "$c")" = root ] ||
	    fail "system container: boot view $(jq -c ".namespaces[] | select(.netns.pids == [$s]) | .netns.boot" "$c")"
	f=$(jq -r ".namespaces[] | select(.netns.pids == [$s]) | .findings[] | select(.id == \"TA-H004\") |
	    \"\(.persisted) \(.file)\"" "$c")
	[ "$f" = "3 /etc/sysctl.d/50-app.conf" ] || fail "system container: TA-H004 '$f'"
	$TCPADVISE --all-netns states --format prometheus >"$sandbox_tmp/c.prom" 2>/dev/null
	grep -q '^tcpadvise_socket_states{owner="docker/web",state="LISTEN"} 0' "$sandbox_tmp/c.prom" ||
	    fail "prometheus: no series of docker/web"
	grep -q '{owner="pod/shop/web-0",' "$sandbox_tmp/c.prom" || fail "prometheus: no series of the pod"
fi

# 6. apply --dry-run in every namespace: live values only outside the
# host's, nothing written anywhere.
before=$(host_state)
$TCPADVISE --all-netns apply --profile nginx --dry-run --format json >"$sandbox_tmp/ap.json" 2>"$sandbox_tmp/ap.err"
rc=$?
[ $rc -eq 0 ] || fail "--all-netns apply --dry-run exited $rc: $(head -3 "$sandbox_tmp/ap.err")"
[ "$(jq '[.namespaces[] | select(.netns.initial | not) | .files[]?] | length' "$sandbox_tmp/ap.json")" = 0 ] ||
    fail "apply --dry-run plans a file in a namespace other than the host's"
[ "$(jq -r '.namespaces[] | select(.netns.name == "n17") | .live[] | select(.key == "net.ipv4.tcp_fin_timeout") | .before' "$sandbox_tmp/ap.json")" = 2 ] ||
    fail "apply --dry-run: n17's tcp_fin_timeout is not planned from 2"
[ "$(host_state)" = "$before" ] || fail "apply --dry-run changed something"
[ "$(ip netns exec n17 sysctl -n net.ipv4.tcp_fin_timeout)" = 2 ] || fail "apply --dry-run changed n17"

# 7. Namespaces that come and go during the scan (a process in its own
# that lives 20 ms, again and again) are skipped, never a failure.
(while :; do unshare --net sleep 0.02; done) &
churn=$!
pids="$pids $churn"
gone=0
for k in 1 2 3 4 5 6 7 8; do
	$TCPADVISE --all-netns states --format json >"$sandbox_tmp/ch.json" 2>"$sandbox_tmp/ch.err"
	rc=$?
	[ $rc -eq 0 ] || fail "churn, run $k: exit $rc: $(head -3 "$sandbox_tmp/ch.err")"
	[ "$(jq .summary.failed "$sandbox_tmp/ch.json")" = 0 ] || fail "churn, run $k: a namespace failed"
	gone=$((gone + $(jq .summary.gone "$sandbox_tmp/ch.json")))
done
kill $churn
echo "churn: $gone namespaces gone before they were entered, over 8 runs"

finish
