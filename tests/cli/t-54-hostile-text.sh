#!/bin/sh
# Outside text never reaches the terminal raw. A sysctl.d file full of
# escape sequences (OSC title with BEL, ESC [ 2 J, a raw C1 CSI 0x9b, a C1
# CSI in UTF-8, DEL, invalid and overlong UTF-8, a key holding ESC), a file
# name and a live value holding them too, and command-line arguments that
# are quoted back in errors: no output may hold a control byte but newline,
# nor DEL, nor a C1 control, nor invalid UTF-8; the JSON must parse and
# hold the \u escapes and U+FFFD. tcpadvise's own colours are checked by
# the table case hostile-lint-tty, which runs on a terminal.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
LC_ALL=C
export LC_ALL
out=tests/out/hostile
rm -rf "$out"
mkdir -p "$out"
fixture=tests/fixtures/lint/hostile/90-hostile.conf
root=$out/root
cp -a "$ROOTS/modern/." "$root" || { fail "cannot copy the modern root"; finish; }
cp "$fixture" "$root/etc/sysctl.d/"
printf 'net.ipv4.tcp_fin_timeout = 30\n' >"$root/etc/sysctl.d/$(printf '80-\033[2J\233.conf')"
printf 'cubic\033]0;x\007\n' >"$root/proc/sys/net/ipv4/tcp_congestion_control"
n=0

# clean FILE WHAT: nothing a terminal would act on.
clean() {
	bad=$(tr -cd '\000-\011\013-\037\177' <"$1" | wc -c)
	[ "$bad" -eq 0 ] || fail "$2: $bad control bytes in $(basename "$1")"
	! grep -q "$(printf '\302[\200-\237]')" "$1" || fail "$2: a C1 control in $(basename "$1")"
	iconv -f UTF-8 -t UTF-8 <"$1" >/dev/null 2>&1 || fail "$2: invalid UTF-8 in $(basename "$1")"
}

# run ARGS...: run tcpadvise ARGS (stdin /dev/null, not a terminal) and
# check both of its outputs.
run() {
	n=$((n + 1))
	$TCPADVISE "$@" >"$out/$n.out" 2>"$out/$n.err" </dev/null
	clean "$out/$n.out" "$*"
	clean "$out/$n.err" "$*"
}

run --root "$ROOTS/modern" lint --kernel 6.1 "$fixture"
grep -qF "2\\x1b]0;title\\x07" "$out/$n.out" || fail "lint: OSC title not shown as \\xNN"
grep -qF "net.ipv4.tcp_tw\\x1b[2J_reuse" "$out/$n.out" || fail "lint: key with ESC not shown"
grep -qF "4096\\x9b1m" "$out/$n.out" || fail "lint: raw 0x9b not shown as \\x9b"
grep -qF "1\\xc2\\x9b" "$out/$n.out" || fail "lint: UTF-8 C1 not shown as \\xc2\\x9b"
grep -qF "600\\x7f" "$out/$n.out" || fail "lint: DEL not shown as \\x7f"
grep -qF "\\xff\\xc0\\xaf" "$out/$n.out" || fail "lint: invalid UTF-8 not shown as \\xNN"
grep -qF "1\\\\x1b" "$out/$n.out" || fail "lint: a backslash of the input not doubled"
grep -qF "$(printf '\344\270\255')" "$out/$n.out" || fail "lint: valid UTF-8 not kept"
run --root "$ROOTS/modern" --no-color lint --kernel 6.1 "$fixture"
run --root "$ROOTS/modern" lint -q --kernel 6.1 "$fixture"
NO_COLOR=1 run --root "$ROOTS/modern" lint --kernel 6.1 "$fixture"
run --root "$ROOTS/modern" lint --kernel 6.1 --format json "$fixture"
jq -e . "$out/$n.out" >/dev/null || fail "lint --format json does not parse"
grep -qF '2\u001B]0;title\u0007' "$out/$n.out" || fail "lint json: OSC title not \\u escaped"
grep -qF '1\u009b' "$out/$n.out" || fail "lint json: C1 not \\u009b"
grep -qF '600\u007f' "$out/$n.out" || fail "lint json: DEL not \\u007f"
[ "$(jq -r '.findings[] | select(.key == "net.ipv4.tcp_syncookies") | .persisted' "$out/$n.out")" = \
    "$(printf '\357\277\275\357\277\275\357\277\275')" ] || fail "lint json: invalid UTF-8 not U+FFFD"
[ "$(jq -r '.findings[] | select(.id == "TA-C002") | .message' "$out/$n.out")" = \
    "$(printf "invalid key: 'net.ipv4.tcp_tw\033[2J_reuse = 1'")" ] ||
    fail "lint json: the key with ESC does not read back"

run --root "$root" check -v
grep -qF '/etc/sysctl.d/80-\x1b[2J\x9b.conf' "$out/$n.out" || fail "check: file name not escaped"
run --root "$root" check -q
run --root "$root" check --format json
jq -e . "$out/$n.out" >/dev/null || fail "check --format json does not parse"
run --root "$root" check --format prometheus
run --root "$root" explain net.ipv4.tcp_congestion_control
grep -qF 'cubic\x1b]0;x\x07' "$out/$n.out" || fail "explain: live value not escaped"
run --root "$root" apply --profile nginx --dry-run
run --root "$root" apply --profile nginx --dry-run --format json
jq -e . "$out/$n.out" >/dev/null || fail "apply --format json does not parse"

# Arguments quoted back in errors and usage messages.
run --root "$ROOTS/modern" explain "$(printf 'tcp\033[2J\233x')"
grep -qF "unknown sysctl 'tcp\\x1b[2J\\x9bx'" "$out/$n.err" || fail "explain: argument not escaped"
run --root "$ROOTS/modern" --format json lint "$(printf 'no\033]0;t\007\377such.conf')"
jq -e .error.message "$out/$n.out" >/dev/null || fail "lint: error object does not parse"
run --root "$ROOTS/modern" lint "$(printf 'no\033]0;t\007such.conf')"
run --root "$ROOTS/modern" check --profile "$(printf 'ng\033[2Jinx')"
run --root "$ROOTS/modern" check --profile "$(printf 'ng\033[2Jinx')" --format json
jq -e .error.message "$out/$n.out" >/dev/null || fail "error object does not parse"
run --root "$ROOTS/modern" "$(printf 'che\033[2Jck')"
run --root "$ROOTS/modern" check "--$(printf '\033[2J')"
run --root "$ROOTS/modern" profiles "$(printf 'x\033[2J\377.yaml')"
# A profile's own text quoted in an error: a name written as a block
# scalar holds newlines, which the message shows as \x0a on its one line
# (found by fuzz_profile).
printf 'name: |\n  a description\n  over two lines\ndescription: x\nsettings:\n  net.core.somaxconn:\n    min: 4096\n' \
    >"$out/multiline-name.yaml"
run --root "$ROOTS/modern" check --profile "$out/multiline-name.yaml"
grep -qF "invalid profile name 'a description\x0aover two lines\x0a'" "$out/$n.err" ||
    fail "check: newline of a profile name not shown as \x0a"
[ "$(grep -c 'invalid profile name' "$out/$n.err")" -eq 1 ] &&
    [ "$(grep -c . "$out/$n.err")" -eq "$(grep -c '^tcpadvise: ' "$out/$n.err")" ] ||
    fail "check: a message on the name is not one line"
[ $n -gt 0 ] || fail "nothing ran"
finish
