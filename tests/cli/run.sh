#!/bin/sh
# CLI tests: run the real binary against fixture roots and compare stdout,
# stderr and the exit status exactly.
#
#   tests/cli/run.sh            run everything
#   tests/cli/run.sh --regen    rewrite the expected files of table cases
#                               (review the diff before committing it)
#
# Table cases: tests/cli/cases/NAME/cmd holds one shell command line, run
# from the repository top with $TCPADVISE (the binary, wrapped by
# $TEST_WRAPPER under valgrind) and $ROOTS (materialised fixture roots);
# expected output in NAME/stdout, NAME/stderr, NAME/status.
# Script cases: tests/cli/t-*.sh, which source tests/cli/lib.sh; one that
# lacks a tool it needs exits 77 after a "SKIP: ..." line, shown as
# "ok - NAME # SKIP: ..." and counted apart.
# JOBS (default: the number of CPUs) cases run at a time; each works in
# its own directories, and the results are printed in order.
set -u
cd "$(dirname "$0")/../.." || exit 2
regen=0
[ "${1:-}" = --regen ] && regen=1

LC_ALL=C
export LC_ALL
unset NO_COLOR TCPADVISE_PROFILE_PATH
out=tests/out/cli
ROOTS=tests/out/roots
export ROOTS
TCPADVISE="${TEST_WRAPPER:-} ./tcpadvise"
export TCPADVISE

# One table case (--case NAME) or script case (--script FILE), run by the
# loop below, JOBS at a time: the verdict and any diff go to
# $out/NAME.report, whose first line is "ok" or "not ok".
if [ "${1:-}" = --case ]; then
	name=$2 c=tests/cli/cases/$2
	mkdir -p "$out/$name"
	# Standard input is /dev/null whatever the caller gave (CI gives none).
	sh -c "$(cat "$c/cmd")" </dev/null >"$out/$name/stdout" 2>"$out/$name/stderr"
	echo $? >"$out/$name/status"
	# Under valgrind, its own notes ("--PID-- WARNING: unhandled syscall"
	# for openat2, which valgrind 3.19 does not know) are not tcpadvise's
	# output (on a pseudo-terminal they join stdout); its errors
	# ("==PID==") still fail the run (exit 99).
	case ${TEST_WRAPPER:-} in
	*valgrind*) sed -i '/^--[0-9][0-9]*-- /d' "$out/$name/stderr" "$out/$name/stdout" ;;
	esac
	if [ "${REGEN:-0}" = 1 ]; then
		cp "$out/$name/stdout" "$out/$name/stderr" "$out/$name/status" "$c"
	fi
	ok=1
	for f in status stdout stderr; do
		if ! diff -u "$c/$f" "$out/$name/$f" >"$out/$name/$f.diff" 2>&1; then
			ok=0
			echo "--- $name: $f differs"
			head -40 "$out/$name/$f.diff"
		fi
	done >"$out/$name.diffs"
	if [ $ok = 1 ]; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		cat "$out/$name.diffs"
	fi >"$out/$name.report"
	exit 0
fi
if [ "${1:-}" = --script ]; then
	t=$2 name=$(basename "$2")
	sh "$t" </dev/null >"$out/$name.log" 2>&1
	case $? in
	0) echo "ok - $name" ;;
	77) echo "ok - $name # $(grep -m1 '^SKIP' "$out/$name.log")" ;;
	*) echo "not ok - $name"; tail -40 "$out/$name.log" ;;
	esac >"$out/$name.report"
	exit 0
fi

rm -rf "$out"
mkdir -p "$out"
rm -rf "$ROOTS"
for r in tests/fixtures/roots/*/; do
	[ -d "$r" ] || continue
	sh tests/fixtures/materialize.sh "$r" "$ROOTS/$(basename "$r")" || exit 2
done
REGEN=$regen
export REGEN
: "${JOBS:=$(nproc 2>/dev/null || echo 1)}"
# The longest (the script cases) first, then the table cases.
{
	for t in tests/cli/t-*.sh; do [ -f "$t" ] && echo "--script $t"; done
	for c in tests/cli/cases/*/; do [ -f "$c/cmd" ] && echo "--case $(basename "$c")"; done
} >"$out/.jobs"
xargs -P "$JOBS" -L 1 sh "$0" <"$out/.jobs"
pass=0
fail=0
skip=0
for c in tests/cli/cases/*/ tests/cli/t-*.sh; do
	name=$(basename "$c")
	[ -f "$c/cmd" ] || [ -f "$c" ] || continue
	if [ ! -f "$out/$name.report" ]; then
		echo "not ok - $name (no result)"
		fail=$((fail + 1))
		continue
	fi
	cat "$out/$name.report"
	if head -n 1 "$out/$name.report" | grep -q '^ok - [^ ]* # SKIP'; then
		skip=$((skip + 1))
	elif head -n 1 "$out/$name.report" | grep -q '^ok'; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
