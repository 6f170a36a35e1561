#!/bin/sh
# Every invalid profile of tests/fixtures/profiles/bad/ makes `check` exit 2
# with exactly the expected errors on stderr (every error of the file, with
# file:line:column) and nothing on stdout: nothing else was done.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
dir=tests/fixtures/profiles/bad
out=tests/out/bad-profiles
mkdir -p $out
n=0
for y in $dir/*.yaml; do
	err=${y%.yaml}.err
	[ -f "$err" ] || continue
	name=$(basename "$y" .yaml)
	n=$((n + 1))
	$TCPADVISE --root "$ROOTS/modern" --profile-path $dir check --profile "$y" \
	    >$out/$name.out 2>$out/$name.err
	rc=$?
	[ $rc = 2 ] || fail "$name: exit $rc, want 2"
	[ -s $out/$name.out ] && fail "$name: wrote to stdout"
	diff -u "$err" $out/$name.err || fail "$name: stderr differs"
done
[ $n -ge 30 ] || fail "only $n bad profiles with expected errors, want at least 30"
echo "$n bad profiles checked"
finish
