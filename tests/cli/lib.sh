# Shared helpers of the script cases in tests/cli/t-*.sh. Sourced from the
# repository top; $TCPADVISE and $ROOTS are set by tests/cli/run.sh.
: "${TCPADVISE:=./tcpadvise}"
: "${ROOTS:=tests/out/roots}"
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect_status WANT CMD...: run CMD, compare its exit status.
expect_status() {
	want=$1
	shift
	"$@" >/dev/null 2>&1
	got=$?
	[ "$got" = "$want" ] || fail "exit $got, want $want: $*"
}

finish() {
	[ "$failures" -eq 0 ] && echo "all passed" && exit 0
	echo "$failures failed"
	exit 1
}
