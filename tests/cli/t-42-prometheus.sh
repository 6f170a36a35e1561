#!/bin/sh
# The Prometheus output of every command that writes it (check, states), on
# every fixture root, with every shipped profile, and with hostile text in
# its labels: `promtool check metrics` must accept each one without a word
# (any output from it fails, warnings included). Then the conventions:
# metric names in snake_case, a counter ends in _total and is TYPE counter,
# a gauge does not end in _total, CurrEstab is a gauge, the constants of
# /proc/net/snmp (RtoAlgorithm, RtoMin, RtoMax, MaxConn) are not series,
# and check and states share no metric name (node_exporter serves both
# files from one directory).
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
command -v promtool >/dev/null 2>&1 || { echo "SKIP: no promtool"; exit 77; }
out=tests/out/prometheus
rm -rf $out
mkdir -p $out

# lint NAME: promtool on $out/NAME.prom; its output, if any, is a failure.
lint() {
	if ! promtool check metrics <"$out/$1.prom" >"$out/$1.promtool" 2>&1 ||
	    [ -s "$out/$1.promtool" ]; then
		fail "promtool check metrics on $1:"
		head -10 "$out/$1.promtool"
	fi
}

# run NAME WANT-STATUS ARGS...: tcpadvise ARGS into $out/NAME.prom, linted.
run() {
	name=$1 want=$2
	shift 2
	$TCPADVISE "$@" >"$out/$name.prom" 2>"$out/$name.err"
	got=$?
	case " $want " in
	*" $got "*) ;;
	*) fail "exit $got, want $want: $*"; cat "$out/$name.err" ;;
	esac
	[ -s "$out/$name.prom" ] || fail "no output: $*"
	lint "$name"
}

profiles=$(ls profiles | sed -n 's/\.yaml$//p')
[ -n "$profiles" ] || fail "no shipped profile found"
states_ok=0
for r in "$ROOTS"/*/; do
	root=$(basename "$r")
	run "check-$root" "0 1" --root "$r" check --format prometheus
	for p in $profiles; do
		run "check-$root-$p" "0 1" --root "$r" check --profile "$p" \
		    --format prometheus
	done
	# states needs /proc/net below the root; the roots without it fail
	# (exit 3, nothing on stdout).
	if [ -f "$r/proc/net/tcp" ]; then
		run "states-$root" 0 --root "$r" states --format prometheus
		states_ok=$((states_ok + 1))
	fi
done
[ "$states_ok" -ge 1 ] || fail "no fixture root for states"
run states-busy-interval 0 --root "$ROOTS/busy" states --interval 1 --format prometheus

# Hostile text in every label that takes outside text: a profile name,
# kernel release, sysctl.d file name and value (check); a process name
# (states).
d=$out/hostile
cp -a "$ROOTS/busy/." "$d"
printf 'net.ipv4.tcp_fin_timeout = 30\n' >"$d/etc/sysctl.d/$(printf '80-\033[2J\233"\\.conf')"
printf 'cubic\033]0;x\007"\\\n' >"$d/proc/sys/net/ipv4/tcp_congestion_control"
printf '6.1.0-"q\\b\033[1m\n' >"$d/proc/sys/kernel/osrelease"
printf 'a"p\\p\033[2J\377\n' >"$d/proc/4242/comm"
run check-hostile "0 1" --root "$d" check --format prometheus
run states-hostile 0 --root "$d" states --format prometheus
grep -q '^tcpadvise_close_wait_holder{pid="4242",comm="a\\"p\\\\p\\\\x1b\[2J\\\\xff"} 4$' \
    "$out/states-hostile.prom" || fail "states: the hostile comm is not escaped as expected"

# The conventions, on every output.
for f in "$out"/*.prom; do
	n=$(basename "$f" .prom)
	sed -n 's/^# TYPE \([^ ]*\) \([a-z]*\)$/\1 \2/p' "$f" >"$out/$n.types"
	while read -r metric type; do
		echo "$metric" | grep -qx '[a-z][a-z0-9_]*' ||
		    fail "$n: $metric is not snake_case"
		case $metric:$type in
		*_total:counter) ;;
		*:counter) fail "$n: counter $metric does not end in _total" ;;
		*_total:*) fail "$n: $metric ends in _total but is a $type" ;;
		esac
	done <"$out/$n.types"
	# Every series belongs to a metric with a TYPE line.
	grep -v '^#' "$f" | sed 's/[{ ].*//' | sort -u >"$out/$n.series"
	cut -d' ' -f1 "$out/$n.types" | sort -u >"$out/$n.typed"
	comm -23 "$out/$n.series" "$out/$n.typed" | grep . &&
	    fail "$n: series without a TYPE line"
	grep -i -E -e 'rto_?(min|max|algorithm)' -e '(^|_)max_?conn' "$out/$n.series" &&
	    fail "$n: a constant of /proc/net/snmp is exported"
done

s=$out/states-busy.prom
# want_type METRIC TYPE VALUE: the TYPE line and the series.
want_type() {
	grep -qx "# TYPE $1 $2" "$s" || fail "states: $1 is not TYPE $2"
	grep -qx "$1 $3" "$s" || fail "states: no series '$1 $3'"
}
want_type tcpadvise_tcpext_listen_overflows_total counter 3187
want_type tcpadvise_tcpext_tcp_time_wait_overflow_total counter 1544
want_type tcpadvise_tcp_active_opens_total counter 1822904
want_type tcpadvise_tcp_retrans_segs_total counter 2088341
want_type tcpadvise_tcp_curr_estab gauge 1402
grep -qx '# TYPE tcpadvise_socket_states gauge' "$s" ||
    fail "states: tcpadvise_socket_states is not a gauge"
grep -q '^tcpadvise_socket_states{state="CLOSE_WAIT"} 4$' "$s" ||
    fail "states: no tcpadvise_socket_states{state=\"CLOSE_WAIT\"} 4"
grep -q 'tcpext{' "$s" && fail "states: the old tcpadvise_tcpext{counter} is still written"
grep -q '^# TYPE tcpadvise_findings gauge$' "$out/check-busy.prom" ||
    fail "check: tcpadvise_findings is not a gauge"

# check and states name their metrics apart.
cat "$out"/check-*.series | sort -u >"$out/check.names"
cat "$out"/states-*.series | sort -u >"$out/states.names"
comm -12 "$out/check.names" "$out/states.names" | grep . &&
    fail "check and states share metric names"
finish
