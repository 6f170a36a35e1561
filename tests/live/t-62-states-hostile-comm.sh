#!/bin/sh
# A process may name itself anything (prctl(PR_SET_NAME), or a write to
# /proc/self/comm): tcpadvise states names the holders of CLOSE_WAIT
# sockets by that name, and must show it escaped. The CLOSE_WAIT child of
# tests/live/sockgen.c takes a name full of escape sequences (-n); the
# text, JSON and Prometheus outputs must show it as \xNN, \u escapes and
# U+FFFD, with no control byte and no invalid UTF-8 on stdout.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
enter_sandbox "$0"
export LC_ALL=C

require_tools jq cc iconv

build_sockgen

# ESC [ 2 J, BEL, a raw C1 CSI (0x9b, not UTF-8), DEL, 0xff: 10 bytes.
name=$(printf 'cw\033[2J\007\233\177\377')
sg_pid=''
trap 'kill $sg_pid 2>/dev/null; rm -rf "$sandbox_tmp"' EXIT
trap 'exit 1' INT TERM HUP
start_sockgen -w 3 -n "$name"

# clean FILE WHAT: no C0 control but newline, no DEL, no C1, valid UTF-8.
clean() {
	n=$(tr -cd '\000-\011\013-\037\177' <"$1" | wc -c)
	[ "$n" -eq 0 ] || fail "$2: $n control bytes"
	grep -q "$(printf '\302[\200-\237]')" "$1" && fail "$2: a C1 control"
	iconv -f UTF-8 -t UTF-8 <"$1" >/dev/null 2>&1 || fail "$2: invalid UTF-8"
}

$TCPADVISE states >"$sandbox_tmp/text" 2>"$sandbox_tmp/text.err" ||
    fail "states exited $?"
clean "$sandbox_tmp/text" "states text"
clean "$sandbox_tmp/text.err" "states stderr"
grep -q 'CLOSE_WAIT held by:.* (cw\\x1b\[2J\\x07\\x9b\\x7f\\xff) 3' "$sandbox_tmp/text" ||
    fail "states text does not name the holder escaped: $(grep CLOSE_WAIT "$sandbox_tmp/text")"

$TCPADVISE states --format json >"$sandbox_tmp/json" 2>/dev/null ||
    fail "states --format json exited $?"
clean "$sandbox_tmp/json" "states json"
# jansson writes \u001B; DEL as \u007f; 0x9b and 0xff, not UTF-8, as U+FFFD.
fffd=$(printf '\357\277\275')
grep -qi "\"comm\": \"cw\\\\u001b\\[2J\\\\u0007$fffd\\\\u007f$fffd\"" "$sandbox_tmp/json" ||
    fail "states json: comm not escaped: $(grep '"comm"' "$sandbox_tmp/json")"
got=$(jq -r '.close_wait.holders[] | select(.sockets == 3) | .comm' "$sandbox_tmp/json" | od -An -tx1 | tr -d ' \n')
[ "$got" = "63771b5b324a07efbfbd7fefbfbd0a" ] || fail "states json: comm decodes to $got"

$TCPADVISE states --format prometheus >"$sandbox_tmp/prom" 2>/dev/null ||
    fail "states --format prometheus exited $?"
clean "$sandbox_tmp/prom" "states prometheus"
grep -q 'comm="cw\\\\x1b\[2J\\\\x07\\\\x9b\\\\x7f\\\\xff"} 3$' "$sandbox_tmp/prom" ||
    fail "states prometheus: comm not escaped: $(grep close_wait_holder "$sandbox_tmp/prom")"
finish
