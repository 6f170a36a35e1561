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
# Script cases: tests/cli/t-*.sh, which source tests/cli/lib.sh.
set -u
cd "$(dirname "$0")/../.." || exit 2
regen=0
[ "${1:-}" = --regen ] && regen=1

LC_ALL=C
export LC_ALL
unset NO_COLOR TCPADVISE_PROFILE_PATH
out=tests/out/cli
rm -rf "$out"
mkdir -p "$out"
ROOTS=tests/out/roots
export ROOTS
rm -rf "$ROOTS"
for r in tests/fixtures/roots/*/; do
	[ -d "$r" ] || continue
	sh tests/fixtures/materialize.sh "$r" "$ROOTS/$(basename "$r")" || exit 2
done
TCPADVISE="${TEST_WRAPPER:-} ./tcpadvise"
export TCPADVISE

pass=0
fail=0
for c in tests/cli/cases/*/; do
	[ -f "$c/cmd" ] || continue
	name=$(basename "$c")
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
	if [ $regen = 1 ]; then
		cp "$out/$name/stdout" "$out/$name/stderr" "$out/$name/status" "$c"
	fi
	ok=1
	for f in status stdout stderr; do
		if ! diff -u "$c/$f" "$out/$name/$f" >"$out/$name/$f.diff" 2>&1; then
			ok=0
			echo "--- $name: $f differs"
			head -40 "$out/$name/$f.diff"
		fi
	done
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		echo "ok - $name"
	else
		fail=$((fail + 1))
		echo "not ok - $name"
	fi
done

for t in tests/cli/t-*.sh; do
	[ -f "$t" ] || continue
	if sh "$t" </dev/null >"$out/$(basename "$t").log" 2>&1; then
		pass=$((pass + 1))
		echo "ok - $(basename "$t")"
	else
		fail=$((fail + 1))
		echo "not ok - $(basename "$t")"
		tail -40 "$out/$(basename "$t").log"
	fi
done
echo "cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
