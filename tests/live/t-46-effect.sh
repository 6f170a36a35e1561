#!/bin/sh
# When a change takes effect: listen() caps a listener's accept queue at
# somaxconn as it is then, and the socket keeps that limit. In a fresh
# network namespace with somaxconn 128 and a listener that asked for 1024
# (limit 128), `apply --profile nginx` (which raises somaxconn) says, dry
# run and real, that the listener's limit is still the old somaxconn's
# (TA-E009 in not_in_effect); check says so too, from the history; a
# listener made afterwards gets the new limit and is not named; calling
# listen() again is what the reason says, and it clears the finding. A
# listener whose limit is above a lowered somaxconn is named without any
# history.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
enter_sandbox "$0"
export LC_ALL=C
require_tools ss jq cc
build_sockgen

pids=
trap 'kill $pids 2>/dev/null; rm -rf "$sandbox_tmp"' EXIT
trap 'exit 1' INT TERM HUP
# listener NAME: a sockgen listener asking for a backlog of 1024; sets
# $port to its port.
listener() {
	tests/out/sockgen -b 1024 -f 1 >"$sandbox_tmp/$1.out" 2>"$sandbox_tmp/$1.err" &
	pids="$pids $!"
	i=0
	until grep -q '^ready=1$' "$sandbox_tmp/$1.out"; do
		i=$((i + 1))
		[ $i -le 100 ] || { cat "$sandbox_tmp/$1.err"; fail "sockgen $1 not ready"; finish; }
		sleep 0.1
	done
	port=$(sed -n 's/^flood_port=//p' "$sandbox_tmp/$1.out")
}
limit() { ss -ltnH "sport = :$1" | awk '{ print $3 }'; }
e009() { jq -r '[.. | objects | select((.id // .finding) == "TA-E009") | .message] | join("|")'; }

sysctl -qw net.core.somaxconn=128 || { fail "cannot set somaxconn"; finish; }
listener old
old=$port
[ "$(limit $old)" = 128 ] || fail "setup: listener limit $(limit $old), want 128"

out=$($TCPADVISE apply --profile nginx --dry-run --format json) || fail "dry run failed"
msg=$(printf '%s\n' "$out" | e009)
case $msg in *":$old (128)"*) ;; *) fail "dry run does not name the listener: $msg" ;; esac
text=$($TCPADVISE apply --profile nginx) || fail "apply failed"
echo "$text" | grep -q "^not in effect yet: TA-E009 net.core.somaxconn: .*:$old (128)" ||
    fail "apply's text does not say what is not in effect: $text"
[ "$(cat /proc/sys/net/core/somaxconn)" = 4096 ] || fail "somaxconn not raised"
[ "$(limit $old)" = 128 ] || fail "the kernel changed the old listener's limit"

listener new
new=$port
[ "$(limit $new)" = 1024 ] || fail "setup: new listener limit $(limit $new), want 1024"
msg=$($TCPADVISE check --profile nginx --format json | e009)
case $msg in *":$old (128)"*) ;; *) fail "check does not name the old listener: $msg" ;; esac
case $msg in *":$new "*) fail "check names the new listener: $msg" ;; esac

# A second apply changes nothing live, so it has nothing to say.
out=$($TCPADVISE apply --profile nginx --format json) || fail "second apply failed"
[ "$(printf '%s\n' "$out" | jq '.not_in_effect | length')" = 0 ] ||
    fail "second apply: $(printf '%s\n' "$out" | jq -c .not_in_effect)"

# Restarting the old listener's service: it listens again, with 4096.
kill $pids 2>/dev/null
wait 2>/dev/null
pids=
listener again
msg=$($TCPADVISE check --profile nginx --format json | e009)
[ -z "$msg" ] || fail "check still reports after the restart: $msg"

# somaxconn lowered by hand below a listener's limit.
sysctl -qw net.core.somaxconn=512
msg=$($TCPADVISE check --profile nginx --format json | e009)
case $msg in *":$port (1024)"*) ;; *) fail "check misses a limit above somaxconn: $msg" ;; esac
$TCPADVISE explain TA-E009 >/dev/null || fail "explain does not know TA-E009"
finish
