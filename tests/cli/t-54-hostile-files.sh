#!/bin/sh
# Hostile input: files are checked before they are read.
#   - `lint` of a FIFO, /dev/zero, a directory and a 300 MiB sparse file
#     exits 2 at once (well within 1 s), in little memory (under 64 MiB),
#     with a message naming the file and why;
#   - below --root, a tree with links out of the root (relative and
#     absolute), a link loop, a mask (link to /dev/null), a FIFO and a
#     directory named x.conf: `check` and `lint` finish, report each
#     unreadable file as TA-C003, honour the mask, and never read the file
#     outside the root that the links point at;
#   - FIFOs below --root where `states` and `check` read line by line.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# run_bounded NAME WANT_STATUS WANT_STDERR CMD...: the command must end
# within 2 s (timeout) and within 1 s by the clock, use at most 64 MiB,
# exit with WANT_STATUS and print exactly WANT_STDERR.
run_bounded() {
	name=$1 want=$2 werr=$3
	shift 3
	start=$(date +%s%N)
	/usr/bin/time -o "$tmp/$name.mem" -f %M timeout 2 "$@" \
	    >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
	got=$?
	end=$(date +%s%N)
	ms=$(( (end - start) / 1000000 ))
	[ "$got" = "$want" ] || fail "$name: exit $got, want $want"
	[ "$ms" -lt 1000 ] || fail "$name: took $ms ms"
	kb=$(tail -1 "$tmp/$name.mem")
	[ "$kb" -lt 65536 ] || fail "$name: peak memory $kb KiB"
	if [ -n "$werr" ]; then printf "%s\n" "$werr"; fi >"$tmp/$name.want"
	diff -u "$tmp/$name.want" "$tmp/$name.err" || fail "$name: stderr"
	echo "$name: exit $got, $ms ms, $kb KiB"
}

mkfifo "$tmp/fifo.conf"
mkdir "$tmp/dir.conf"
truncate -s 300M "$tmp/big.conf"
run_bounded fifo 2 "tcpadvise: $tmp/fifo.conf: not a regular file (FIFO)" \
    ./tcpadvise lint "$tmp/fifo.conf"
run_bounded zero 2 "tcpadvise: /dev/zero: not a regular file (character device)" \
    ./tcpadvise lint /dev/zero
run_bounded dir 2 "tcpadvise: $tmp/dir.conf: not a regular file (directory)" \
    ./tcpadvise lint "$tmp/dir.conf"
run_bounded big 2 "tcpadvise: $tmp/big.conf: file is larger than 1048576 bytes" \
    ./tcpadvise lint "$tmp/big.conf"
# A profile is held to the same checks.
run_bounded profile-fifo 2 "tcpadvise: $tmp/fifo.conf: not a regular file (FIFO)" \
    ./tcpadvise lint --profile "$tmp/fifo.conf" tests/fixtures/lint/clean/50-tcp.conf
run_bounded profile-big 2 "tcpadvise: $tmp/big.conf: file is larger than 1048576 bytes" \
    ./tcpadvise lint --profile "$tmp/big.conf" tests/fixtures/lint/clean/50-tcp.conf
# One line over the limit, in a small file.
{ printf '# '; head -c 70000 /dev/zero | tr '\0' x; printf '\n'; } >"$tmp/long.conf"
run_bounded long 2 "tcpadvise: $tmp/long.conf: line 1 is longer than 65536 bytes" \
    ./tcpadvise lint "$tmp/long.conf"

# The hostile root. Outside it, a file the links aim at: if it were read,
# tcp_tw_recycle would draw a finding.
root=$tmp/root
d=$root/etc/sysctl.d
sh tests/fixtures/materialize.sh tests/fixtures/roots/modern "$root" || exit 1
mkdir -p "$d" "$tmp/etc"
printf 'net.ipv4.tcp_tw_recycle = 1\n' >"$tmp/outside.conf"
printf 'net.ipv4.tcp_tw_recycle = 1\n' >"$tmp/etc/passwd"
ln -s ../../../../../../../../outside.conf "$d/10-up.conf"
ln -s /etc/passwd "$d/11-abs.conf"
ln -s ../../../etc/passwd "$d/12-rel.conf"
ln -s 13-b.conf "$d/13-a.conf"
ln -s 13-a.conf "$d/13-b.conf"
ln -s /dev/null "$d/14-mask.conf"
mkfifo "$d/15-fifo.conf"
mkdir "$d/16-dir.conf"
# The host facts of the tree: a FIFO where the kernel configuration is
# read from must not be opened for reading either.
rm -f "$root/proc/config.gz"
mkfifo "$root/proc/config.gz"
mkdir -p "$root/usr/lib/sysctl.d"
printf 'net.ipv4.tcp_tw_recycle = 1\n' >"$root/usr/lib/sysctl.d/14-mask.conf"

for cmd in check lint; do
	run_bounded "root-$cmd" 1 "" ./tcpadvise --root "$root" -q "$cmd"
	out=$tmp/root-$cmd.out
	for f in 10-up.conf 11-abs.conf 12-rel.conf 13-a.conf 13-b.conf 15-fifo.conf \
	    16-dir.conf; do
		grep -q "TA-C003.*/etc/sysctl.d/$f" "$out" ||
		    fail "root-$cmd: no TA-C003 for $f"
	done
	grep -q "13-a.conf.*Too many levels of symbolic links" "$out" ||
	    fail "root-$cmd: the loop is not reported as one"
	grep -q "15-fifo.conf.*not a regular file (FIFO)" "$out" ||
	    fail "root-$cmd: the FIFO is not named"
	grep -q "16-dir.conf.*not a regular file (directory)" "$out" ||
	    fail "root-$cmd: the directory is not named"
	if grep -q "14-mask\|tcp_tw_recycle" "$out"; then
		fail "root-$cmd: read the masked file or a file outside the root"
		cat "$out"
	fi
done

# Below --root, the files read line by line are checked the same way: a
# FIFO as /proc/net/tcp (the census of `states`), as a process's comm and
# as tuned's active_profile (who set a value, for `check`) is not opened
# for reading, and each command ends at once.
busy=$tmp/busy
sh tests/fixtures/materialize.sh tests/fixtures/roots/busy "$busy" || exit 1
rm -f "$busy/proc/net/tcp"
mkfifo "$busy/proc/net/tcp"
run_bounded busy-states 3 "tcpadvise: cannot count the sockets below '$busy': /proc/net/tcp or /proc/net/tcp6 is not a regular file" \
    ./tcpadvise --root "$busy" states
mkdir -p "$busy/proc/4243" "$busy/proc/4244" "$busy/etc/tuned"
echo tuned >"$busy/proc/4243/comm"
mkfifo "$busy/proc/4244/comm" "$busy/etc/tuned/active_profile"
run_bounded busy-check 1 "" ./tcpadvise --root "$busy" check

finish
