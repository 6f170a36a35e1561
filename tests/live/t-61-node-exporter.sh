#!/bin/sh
# The Prometheus output of `tcpadvise states` and `tcpadvise check`, read
# by a real node_exporter through its textfile collector, as a cron job or
# timer would leave them, both in one directory; and accepted by
# `promtool check metrics`. node_exporter listens on loopback inside the
# test's own network namespace and is stopped at the end.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh

exporter=
for e in prometheus-node-exporter node_exporter; do
	command -v $e >/dev/null 2>&1 && { exporter=$e; break; }
done
if [ -z "$exporter" ]; then
	echo "SKIP: prometheus-node-exporter is missing"
	exit 77
fi
require_tools cc jq
enter_sandbox "$0"
export LC_ALL=C

build_sockgen

PORT=19100
dir="$sandbox_tmp/textfile"
mkdir -p "$dir"
sg_pid='' ne_pid=''
trap 'kill $sg_pid $ne_pid 2>/dev/null; rm -rf "$sandbox_tmp"' EXIT
trap 'exit 1' INT TERM HUP

# Something to count: 20 TIME_WAIT, 3 CLOSE_WAIT held by a child, a full
# accept queue.
start_sockgen -t 20 -w 3 -b 1 -f 3
cw_pid=$(sed -n 's/^close_wait_pid=//p' "$sandbox_tmp/sockgen.out")

# As a periodic job would: write aside, then rename into the directory.
$TCPADVISE states --format prometheus >"$dir/.states.tmp"
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "states --format prometheus exits $rc"
mv "$dir/.states.tmp" "$dir/tcpadvise-states.prom"
$TCPADVISE check --format prometheus --fail-on never >"$dir/.check.tmp" ||
    fail "check --format prometheus --fail-on never exits non-zero"
mv "$dir/.check.tmp" "$dir/tcpadvise-check.prom"

$exporter --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$dir" \
    --web.listen-address=127.0.0.1:$PORT >"$sandbox_tmp/exporter.log" 2>&1 &
ne_pid=$!

scrape() {
	if command -v curl >/dev/null 2>&1; then
		curl -sf "http://127.0.0.1:$PORT/metrics"
	elif command -v wget >/dev/null 2>&1; then
		wget -qO- "http://127.0.0.1:$PORT/metrics"
	else
		python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		    "http://127.0.0.1:$PORT/metrics"
	fi
}
i=0
until scrape >"$sandbox_tmp/metrics" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 50 ] || ! kill -0 $ne_pid 2>/dev/null; then
		cat "$sandbox_tmp/exporter.log"
		head -c 2000 "$sandbox_tmp/metrics"
		fail "no successful scrape of node_exporter on 127.0.0.1:$PORT"
		finish
	fi
	sleep 0.1
done

m() { grep -c "^$1" "$sandbox_tmp/metrics"; }
[ "$(m 'node_textfile_scrape_error 0$')" = 1 ] || {
	grep -i -e textfile -e error "$sandbox_tmp/exporter.log" | tail -5
	fail "node_exporter reports an error reading the textfiles"
}
# A series in both files (same name and labels) is served once and logged
# as a gathering error; the next scrape counts it.
scrape >"$sandbox_tmp/metrics.2" || fail "second scrape"
if ! grep -q '^promhttp_metric_handler_errors_total{cause="gathering"} 0$' "$sandbox_tmp/metrics.2" ||
    grep -q 'level=error' "$sandbox_tmp/exporter.log"; then
	grep -m1 'level=error' "$sandbox_tmp/exporter.log" | sed 's/\\n/\n/g' | head -4 | cut -c1-200
	fail "node_exporter cannot gather the two files together (duplicate series)"
fi
for f in tcpadvise-states.prom tcpadvise-check.prom; do
	grep -q "^node_textfile_mtime_seconds{file=\"[^\"]*$f\"}" "$sandbox_tmp/metrics" ||
	    fail "node_exporter did not read $f"
done
[ "$(m 'tcpadvise_socket_states{state="TIME_WAIT"} 20$')" = 1 ] ||
    fail "no tcpadvise_socket_states{state=\"TIME_WAIT\"} 20"
[ "$(m 'tcpadvise_socket_states{state="CLOSE_WAIT"} 3$')" = 1 ] ||
    fail "no tcpadvise_socket_states{state=\"CLOSE_WAIT\"} 3"
[ "$(m 'tcpadvise_socket_states{')" -ge 11 ] || fail "fewer than 11 tcpadvise_socket_states series"
[ "$(m "tcpadvise_close_wait_holder{comm=\"sockgen-cw\",pid=\"$cw_pid\"} 3\$")" = 1 ] ||
    fail "no tcpadvise_close_wait_holder for pid $cw_pid"
[ "$(m 'tcpadvise_sockstat{field="tw"} 20$')" = 1 ] ||
    fail "no tcpadvise_sockstat{field=\"tw\"} 20"
[ "$(m 'tcpadvise_tcpext_listen_overflows_total [1-9]')" = 1 ] ||
    fail "no tcpadvise_tcpext_listen_overflows_total above 0"
grep -q '^# TYPE tcpadvise_tcpext_listen_overflows_total counter$' "$sandbox_tmp/metrics" ||
    fail "node_exporter does not serve tcpadvise_tcpext_listen_overflows_total as a counter"
grep -q '^# TYPE tcpadvise_tcp_curr_estab gauge$' "$sandbox_tmp/metrics" ||
    fail "node_exporter does not serve tcpadvise_tcp_curr_estab as a gauge"
[ "$(m 'tcpadvise_findings{')" -ge 3 ] || fail "no tcpadvise_findings series"
grep -q '^tcpadvise_finding{.*id="TA-E005"' "$sandbox_tmp/metrics" ||
    fail "no tcpadvise_finding series for TA-E005"
grep -q '^tcpadvise_evidence_finding{.*id="TA-E005"' "$sandbox_tmp/metrics" ||
    fail "no tcpadvise_evidence_finding series for TA-E005 (from states)"
grep -q '^tcpadvise_info{' "$sandbox_tmp/metrics" || fail "no tcpadvise_info series"
# Every series of the files comes through.
cat "$dir"/*.prom | grep -v '^#' | awk '{ print $1 }' | sed 's/{.*//' | sort -u >"$sandbox_tmp/names.files"
grep '^tcpadvise_' "$sandbox_tmp/metrics" | sed 's/[{ ].*//' | sort -u >"$sandbox_tmp/names.scraped"
cmp -s "$sandbox_tmp/names.files" "$sandbox_tmp/names.scraped" || {
	diff "$sandbox_tmp/names.files" "$sandbox_tmp/names.scraped"
	fail "the scrape lacks metrics of the files"
}

kill $ne_pid
wait $ne_pid 2>/dev/null
ne_pid=

# promtool: each file, and what node_exporter served.
if command -v promtool >/dev/null 2>&1; then
	for f in "$dir/tcpadvise-states.prom" "$dir/tcpadvise-check.prom" "$sandbox_tmp/metrics"; do
		promtool check metrics <"$f" >"$sandbox_tmp/promtool.out" 2>&1 || {
			grep -i tcpadvise "$sandbox_tmp/promtool.out" | head -20
			if grep -qi tcpadvise "$sandbox_tmp/promtool.out" || [ "$f" != "$sandbox_tmp/metrics" ]; then
				fail "promtool check metrics rejects $(basename "$f")"
			fi
		}
	done
else
	echo "SKIP: promtool is missing, metrics not linted"
fi
finish
