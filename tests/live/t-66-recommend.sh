#!/bin/sh
# tcpadvise recommend on the real kernel, in a fresh network namespace: a
# program whose process name is "nginx" (tests/live/tinyserve.c copied to a
# file of that name) listening on :80 must be named, with its pid, and the
# nginx profile recommended; with no listener the answer is baseline; a
# program of another name that closes 300 connections itself towards 60
# loopback addresses makes a crawler.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
enter_sandbox "$0"
export LC_ALL=C

require_tools jq cc

ip link set lo up || { fail "ip link set lo up"; finish; }
cc -O2 -o "$sandbox_tmp/nginx" tests/live/tinyserve.c || { fail "cannot build tinyserve"; finish; }
cp "$sandbox_tmp/nginx" "$sandbox_tmp/fetcher"

ts_pid=''
trap 'kill $ts_pid 2>/dev/null; rm -rf "$sandbox_tmp"' EXIT
trap 'exit 1' INT TERM HUP

# start NAME ARGS...: run $sandbox_tmp/NAME ARGS until it is ready.
start() {
	ts_name=$1
	shift
	start_ready "$ts_name" "$sandbox_tmp/$ts_name" "$@"
	ts_pid=$bg_pid
}
stop() {
	kill $ts_pid
	wait $ts_pid 2>/dev/null
	ts_pid=''
}

# 1. nginx on :80.
start nginx 80
$TCPADVISE recommend --format json >"$sandbox_tmp/nginx.json" 2>"$sandbox_tmp/err" ||
    fail "recommend --format json exited $?: $(cat "$sandbox_tmp/err")"
profile=$(jq -r .profile "$sandbox_tmp/nginx.json")
[ "$profile" = nginx ] || fail "nginx on :80: recommended '$profile', not nginx"
ev=$(jq -r '.reasons[0].evidence' "$sandbox_tmp/nginx.json")
case $ev in
"nginx (pid $ts_pid) listens on 0.0.0.0:80"*) ;;
*) fail "the first reason does not name nginx (pid $ts_pid) on 0.0.0.0:80: '$ev'" ;;
esac
owner=$(jq -r '.listeners[] | select(.port == 80 and .addr == "0.0.0.0") | "\(.pid) \(.comm)"' \
    "$sandbox_tmp/nginx.json")
[ "$owner" = "$ts_pid nginx" ] || fail "listener 0.0.0.0:80 owned by '$owner'"
[ "$(jq -r .check "$sandbox_tmp/nginx.json")" = "tcpadvise check --profile nginx" ] ||
    fail "check command: $(jq -r .check "$sandbox_tmp/nginx.json")"
$TCPADVISE recommend >"$sandbox_tmp/nginx.txt" 2>&1 || fail "recommend exited $?"
[ "$(head -1 "$sandbox_tmp/nginx.txt")" = "recommended: nginx" ] ||
    fail "text: first line '$(head -1 "$sandbox_tmp/nginx.txt")'"
grep -q "^check it:  tcpadvise check --profile nginx$" "$sandbox_tmp/nginx.txt" ||
    fail "text: no check command"
stop

# 2. Nothing listens: baseline.
$TCPADVISE recommend --format json >"$sandbox_tmp/none.json" 2>&1 ||
    fail "recommend (no listener) exited $?"
profile=$(jq -r .profile "$sandbox_tmp/none.json")
[ "$profile" = baseline ] || fail "no listener: recommended '$profile', not baseline"
[ "$(jq '.listeners | length' "$sandbox_tmp/none.json")" = 0 ] ||
    fail "no listener: listeners $(jq -c .listeners "$sandbox_tmp/none.json")"

# 3. 300 connections closed by this host towards 60 addresses: crawler.
start fetcher 9000 300
$TCPADVISE recommend --format json >"$sandbox_tmp/crawler.json" 2>&1 ||
    fail "recommend (crawler) exited $?"
profile=$(jq -r .profile "$sandbox_tmp/crawler.json")
[ "$profile" = crawler ] || fail "300 client-side TIME_WAIT: recommended '$profile', not crawler: $(jq -c .reasons "$sandbox_tmp/crawler.json")"
case $(jq -r '.reasons[0].evidence' "$sandbox_tmp/crawler.json") in
"TIME_WAIT: 300 client side, 0 server side, towards 60 distinct addresses"*) ;;
*) fail "crawler evidence: $(jq -r '.reasons[0].evidence' "$sandbox_tmp/crawler.json")" ;;
esac
stop
finish
