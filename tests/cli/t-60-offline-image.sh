#!/bin/sh
# Offline images: a --root without /proc/sys (an OS or container image) is
# judged by its files alone, for the kernel --kernel names (or the one the
# image carries), with the memory --memory gives. Works on copies of the
# fixture root "image" under mktemp; nothing outside them is written.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
img=$tmp/image
sh tests/fixtures/materialize.sh tests/fixtures/roots/image "$img" || exit 1
[ ! -e "$img/proc" ] || fail "the fixture image has a /proc"

# check --format json ARGS... > $tmp/out.json; the exit status in $tmp/rc.
json() {
	$TCPADVISE "$@" check --format json >"$tmp/out.json" 2>"$tmp/err"
	echo $? >"$tmp/rc"
}
has() {
	jq -e "$1" "$tmp/out.json" >/dev/null || fail "$2: $(head -c 400 "$tmp/out.json")"
}

# 4.9 still has tcp_tw_recycle: the line is the critical hazard TA-H001.
json --root "$img" --kernel 4.9
[ "$(cat "$tmp/rc")" = 1 ] || fail "4.9: exit $(cat "$tmp/rc"), want 1"
has '[.findings[] | select(.id == "TA-H001" and .severity == "critical" and
    .key == "net.ipv4.tcp_tw_recycle" and .persisted == "1" and .live == null)]
    | length == 1' "4.9: no critical TA-H001"
has '.summary.critical == 1' "4.9: not exactly one critical finding"
has '(.keys[] | select(.key == "net.ipv4.tcp_tw_recycle") | .status) == "unavailable"' \
    "4.9: tcp_tw_recycle exists in 4.9 but has no live value"

# 5.10 removed it (4.12): not critical; the removed-key finding instead.
json --root "$img" --kernel 5.10
has '[.findings[] | select(.id == "TA-H001")] | length == 0' "5.10: TA-H001 reported"
has '.summary.critical == 0' "5.10: a critical finding"
has '[.findings[] | select(.id == "TA-H101" and .key == "net.ipv4.tcp_tw_recycle")]
    | length == 1' "5.10: no removed-key finding TA-H101"
has '(.keys[] | select(.key == "net.ipv4.tcp_tw_recycle") | .status) == "absent"' \
    "5.10: tcp_tw_recycle not absent"

# What was judged, assumed and missing.
has '.views == ["persisted"]' "views is not persisted only"
has '.facts.kernel == {"value": "5.10", "from": "--kernel"}' "facts.kernel"
has '.facts.memory == {"value": null, "from": null}' "facts.memory without --memory"
has '.facts.netns == {"value": "init", "from": "assumed"}' "facts.netns"
has '.assumed == ["kernel", "netns"]' "assumed without --memory"
has '.missing == ["live", "evidence", "memory", "ehash_entries"]' "missing without --memory"
has '[.keys[] | select(.status == "ok" or .live != null)] | length == 0' \
    "a live value in an image"
has '[.findings[] | select(.views | index("live"))] | length == 0' \
    "a finding about the live view"
has '.boot_applier == "systemd" and (.boot_detected | test("systemd is init"))' \
    "the boot applier is not detected from the image"
$TCPADVISE --root "$img" --kernel 5.10 check >"$tmp/out" 2>&1
grep -q '^views: persisted values only' "$tmp/out" || fail "text: no views line"
grep -q '^assumed: kernel 5.10 (--kernel), the initial network namespace$' "$tmp/out" ||
    fail "text: no assumed line"
grep -q '^missing: memory' "$tmp/out" || fail "text: no missing line"

# --memory changes the judgement of RAM-derived defaults: 4 GiB makes
# tcp_mem (bytes written as pages) and tcp_max_tw_buckets 5000 (below
# 16384, half the 32768-bucket hash of 4 GiB) hazards; 64 GiB has room
# for that tcp_mem; without it neither is judged.
ids() { jq -r '[.findings[].id] | join(" ")' "$tmp/out.json"; }
json --root "$img" --kernel 5.10
case " $(ids) " in *" TA-H129 "* | *" TA-H005 "*) fail "judged without memory: $(ids)" ;; esac
json --root "$img" --kernel 5.10 --memory 4G
case " $(ids) " in *" TA-H129 "*) ;; *) fail "4G: no TA-H129: $(ids)" ;; esac
case " $(ids) " in *" TA-H005 "*) ;; *) fail "4G: no TA-H005: $(ids)" ;; esac
has '.facts.memory == {"value": 4294967296, "from": "--memory"}' "facts.memory 4G"
has '.facts.ehash_entries == {"value": 32768, "from": "memory"}' "ehash from 4G"
has '.assumed == ["kernel", "memory", "ehash_entries", "netns"]' "assumed with --memory"
has '.missing == ["live", "evidence"]' "missing with --memory"
has '(.keys[] | select(.key == "net.ipv4.tcp_mem") | .default) == "49152 65536 98304"' \
    "tcp_mem default for 4G"
has '(.keys[] | select(.key == "net.ipv4.tcp_max_tw_buckets") | .default) == "16384"' \
    "tcp_max_tw_buckets default for 4G"
json --root "$img" --kernel 5.10 --memory 64G
case " $(ids) " in *" TA-H129 "*) fail "64G: TA-H129: $(ids)" ;; esac
has '(.keys[] | select(.key == "net.ipv4.tcp_max_tw_buckets") | .default) == "262144"' \
    "tcp_max_tw_buckets default for 64G"
expect_status 2 $TCPADVISE --root "$img" --memory 4.5G check
expect_status 2 $TCPADVISE --root "$img" --memory 65T check

# Without --kernel: the one release the image carries ...
json --root "$img"
has '.kernel == "5.10.0-20-amd64" and
    .facts.kernel.from == "/lib/modules/5.10.0-20-amd64"' "the image's kernel"
has '.missing == ["live", "evidence", "memory", "ehash_entries"]' \
    "missing with the image's kernel (its build is there)"
# ... an empty /proc (a mount point) changes nothing ...
mkdir "$img/proc"
expect_status 1 $TCPADVISE --root "$img" check
# ... none or several: a usage error naming --kernel, never the running kernel.
mkdir -p "$img/usr/lib/modules/6.1.0-13-amd64"
$TCPADVISE --root "$img" check >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "two kernels: exit is not 2"
grep -q "with more than one kernel release in /lib/modules and /boot: give the one to judge for with --kernel RELEASE" \
    "$tmp/err" || fail "two kernels: $(cat "$tmp/err")"
expect_status 1 $TCPADVISE --root "$img" --kernel 6.1 check
rm -rf "$img/usr/lib/modules" "$img/lib/modules" "$img/boot"
$TCPADVISE --root "$img" check >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "no kernel: exit is not 2"
grep -q "with no kernel release in /lib/modules and /boot" "$tmp/err" ||
    fail "no kernel: $(cat "$tmp/err")"
json --root "$img" --kernel 5.10
has '.missing == ["live", "evidence", "memory", "ehash_entries", "kernel_build"]' \
    "missing without the kernel build"
# A /proc/sys without net is a broken system, not an image: exit 3.
mkdir -p "$img/proc/sys/kernel"
expect_status 3 $TCPADVISE --root "$img" --kernel 5.10 check
rmdir "$img/proc/sys/kernel" "$img/proc/sys"

# apply: live values refused (nothing written), --persist-only writes the
# fragment into the image, and the check then sees it.
expect_status 2 $TCPADVISE --root "$img" --kernel 5.10 apply --profile nginx
expect_status 2 $TCPADVISE --root "$img" --kernel 5.10 apply --profile nginx --dry-run
[ ! -e "$img/var" ] && [ ! -e "$img/etc/sysctl.d/90-tcpadvise.conf" ] ||
    fail "a refused apply wrote into the image"
expect_status 0 $TCPADVISE --root "$img" --kernel 5.10 apply --profile nginx --persist-only
grep -q '^net.ipv4.tcp_slow_start_after_idle = 0$' "$img/etc/sysctl.d/90-tcpadvise.conf" ||
    fail "persist-only: no fragment in the image"
json --root "$img" --kernel 5.10
has '[.findings[] | select(.kind == "deviation" and (.id | startswith("TA-D")))] | length == 0' \
    "the fragment written into the image does not satisfy nginx"

# Prometheus says what was judged: the persisted view alone.
$TCPADVISE --root "$img" --kernel 5.10 check --format prometheus --fail-on never \
    >"$tmp/image.prom" 2>&1 || fail "prometheus on an image exited $?"
grep -q '^tcpadvise_info{.*,views="persisted"} 1$' "$tmp/image.prom" ||
    fail "prometheus: tcpadvise_info does not say views=\"persisted\": $(grep tcpadvise_info "$tmp/image.prom")"
finish
