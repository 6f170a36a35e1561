#!/bin/sh
# Time the socket census of `tcpadvise states` against its floor and
# against the usual shell pipelines, on 10k, 50k and 160k real sockets, in
# the same run:
#
#   bench/out/floor       (bench/floor.c: one dump of every TCP socket over
#                          netlink, only the state byte of each read; the
#                          least a census can do; -2 on two threads)
#   ss -tan | awk '{print $1}' | sort | uniq -c
#   netstat -tan | awk '{print $6}' | sort | uniq -c     (SKIP if no netstat)
#
# each once free to use every CPU and once confined to CPU 0 (taskset -c
# 0; a pipeline as a whole, taskset -c 0 sh -c '...'), and the peak memory
# of `tcpadvise states` (/usr/bin/time -v, maximum resident set size). The
# floor must count as many sockets as the census. Times are medians
# (hyperfine) over rounds that take turns, so that a change of load on the
# host falls on every command alike.
#
#   bench/states.sh [SIZE...]        (default: 10000 50000 160000)
#
# Needs root: each size is built in its own network namespace (unshare
# --net) on loopback, two thirds TIME_WAIT (client side) and one third
# ESTABLISHED, spread over 8 server addresses in 127.0.0.0/8 for enough
# 4-tuples. Inside that namespace only, ip_local_port_range is widened,
# tcp_max_tw_buckets raised and tcp_tw_reuse turned off (all per-netns
# keys); RLIMIT_NOFILE is raised as far as allowed, and the ESTABLISHED
# connections are spread over several processes when it cannot go further.
# TIME_WAIT lasts 60 s, so each size is measured within that time.
#
# Goals (design), checked at the largest size when it is 150,000 or more:
# confined to one CPU, at most 1.1 times the one-thread floor; free, at
# most 1/3 of the ss pipeline's time and 1/10 of netstat's; peak RSS under
# 8 MiB, and RSS flat across sizes (within 512 KiB). The time goals hold
# for a quiet host: a 1 s sample of /proc/stat before and after the timing
# of each size finds how much CPU time other work took, and where work at
# nice 0 or below took more than BUSY_PCT (default 10) percent of the CPUs,
# the time ratios are reported, not goals (memory is checked all the same).
# Work at a positive nice (fuzzers at nice 19) is shown, not counted. Exits 1 if a goal
# is missed or the floor and the census disagree. Takes about two minutes;
# the tables are also written to bench/out/states.txt (the measures, one
# line per size, to states.raw; what ss counted per state, states-SIZE.ss).
set -eu
cd "$(dirname "$0")/.."
export LC_ALL=C

SS_PIPE="ss -tan | awk '{print \$1}' | sort | uniq -c"
NETSTAT_PIPE="netstat -tan 2>/dev/null | awk '{print \$6}' | sort | uniq -c"
TA="./tcpadvise states >/dev/null"
FLOOR="bench/out/floor >/dev/null"
FLOOR2="bench/out/floor -2 >/dev/null"
PIN="taskset -c 0"
# The same pipelines, each confined to CPU 0 as a whole.
PIN_SS="$PIN sh -c 'ss -tan | awk \"{print \\\$1}\" | sort | uniq -c'"
PIN_NETSTAT="$PIN sh -c 'netstat -tan 2>/dev/null | awk \"{print \\\$6}\" | sort | uniq -c'"
BUSY_PCT=${BUSY_PCT:-10}

# times_ms ROUNDS RUNS COMMAND...: the wall time of each command in
# milliseconds, on one line: the median of ROUNDS x RUNS runs. Each round
# is one hyperfine over every command (RUNS runs each after one warm-up),
# so the commands take turns and a change of load on the host falls on
# each of them (a busy machine's stalls move the mean, not the median).
# Without hyperfine, the mean of a timed loop per command and round.
times_ms() {
	rounds=$1 runs=$2
	shift 2
	rm -f "$tmp"/h.*.json
	k=0
	while [ $k -lt "$rounds" ]; do
		if command -v hyperfine >/dev/null 2>&1; then
			hyperfine -i -w 1 -r "$runs" --style none \
			    --export-json "$tmp/h.$k.json" "$@" >/dev/null 2>&1
		else
			for cmd in "$@"; do
				sh -c "$cmd" >/dev/null 2>&1 || true
				t0=$(date +%s%N)
				i=0
				while [ $i -lt "$runs" ]; do
					sh -c "$cmd" >/dev/null 2>&1 || true
					i=$((i + 1))
				done
				t1=$(date +%s%N)
				echo "$t0 $t1 $runs"
			done | jq -Rs 'split("\n") | map(select(length > 0) | split(" ") |
			    map(tonumber) | { times: [(.[1] - .[0]) / .[2] / 1e9] }) |
			    { results: . }' >"$tmp/h.$k.json"
		fi
		k=$((k + 1))
	done
	jq -rs 'map(.results) | transpose | map([.[].times[]] | sort |
	    if length % 2 == 1 then .[length / 2 | floor]
	    else (.[length / 2 - 1] + .[length / 2]) / 2 end | . * 1000 |
	    . * 100 | round / 100) | join(" ")' "$tmp"/h.*.json
}

# cpu_ticks: of every CPU so far (/proc/stat "cpu"), the ticks busy at
# nice 0 or below (user, system, irq, softirq, steal), the ticks of user
# time at a positive nice, and all ticks (idle and iowait are not busy).
cpu_ticks() {
	awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i
	    print t - $3 - $5 - $6, $3, t; exit }' /proc/stat
}

# busy_pct: the shares of all CPUs' time, in percent, that other work took
# during one second: "BUSY/NICE", BUSY at nice 0 or below (the load that
# competes with the benchmark), NICE at a positive nice (fuzzers at nice
# 19: they get the CPUs only when nothing else wants them).
busy_pct() {
	# shellcheck disable=SC2046 # three numbers
	set -- $(cpu_ticks)
	sleep 1
	echo "$1 $2 $3 $(cpu_ticks)" | awk '{ d = $6 - $3; if (d <= 0) d = 1
	    printf "%.0f/%.0f", 100 * ($4 - $1) / d, 100 * ($5 - $2) / d }'
}

max_rss_kib() {
	/usr/bin/time -v sh -c 'exec ./tcpadvise states >/dev/null' 2>&1 |
	    awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }'
}

ss_total() { ss -tanH | wc -l; }

# One size, inside a fresh network namespace: build, measure, print one line.
if [ "${1:-}" = --one ]; then
	size=$2 tmp=$3
	ip link set lo up
	sysctl -q -w net.ipv4.ip_local_port_range="1024 65535" \
	    net.ipv4.tcp_max_tw_buckets=1048576 net.ipv4.tcp_tw_reuse=0
	est=$((size / 6))
	tw=$((size - 2 * est))
	# A process holds at most its RLIMIT_NOFILE descriptors (the hard
	# limit cannot be raised without CAP_SYS_RESOURCE): spread the
	# ESTABLISHED connections over as many sockgen processes as needed.
	# shellcheck disable=SC3045 # dash, bash and busybox sh have ulimit -n and -H
	ulimit -n $((2 * est + 4096)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
	# shellcheck disable=SC3045
	hard=$(ulimit -Hn)
	[ "$hard" = unlimited ] && per=$est || per=$(((hard - 2048 - 256) / 2))
	sgs=
	trap 'kill $sgs 2>/dev/null' EXIT
	t0=$(date +%s%N)
	k=0 left=$est
	while [ $k = 0 ] || [ $left -gt 0 ]; do
		n=$((left < per ? left : per))
		rm -f "$tmp/sockgen.out"
		if [ $k = 0 ]; then
			tests/out/sockgen -t $tw -e $n -a 8 >"$tmp/sockgen.out" 2>"$tmp/sockgen.err" &
		else
			tests/out/sockgen -e $n -a 8 >"$tmp/sockgen.out" 2>"$tmp/sockgen.err" &
		fi
		sg=$!
		sgs="$sgs $sg"
		while ! grep -q '^ready=1$' "$tmp/sockgen.out" 2>/dev/null; do
			kill -0 $sg 2>/dev/null || { cat "$tmp/sockgen.err" >&2; exit 1; }
			sleep 0.1
		done
		left=$((left - n))
		k=$((k + 1))
	done
	build_s=$(echo "$t0 $(date +%s%N)" | awk '{ printf "%.1f", ($2 - $1) / 1e9 }')
	n0=$(ss_total)
	ss -tanH | awk '{ print $1 }' | sort | uniq -c >"bench/out/states-$size.ss"
	# The census and the floor: both must count what ss counts.
	ta_total=$(./tcpadvise states --format json | jq .total)
	fl_total=$(bench/out/floor | awk '$1 == "total" { print $2 }')
	rss=$(max_rss_kib)
	busy0=$(busy_pct)
	# The census against its floors, free and on CPU 0, taking turns.
	fast=$(times_ms 4 5 "$TA" "$FLOOR" "$FLOOR2" "$PIN $TA" "$PIN $FLOOR")
	if command -v netstat >/dev/null 2>&1; then
		slow=$(times_ms 2 3 "$SS_PIPE" "$NETSTAT_PIPE" "$PIN_SS" "$PIN_NETSTAT")
	else
		slow=$(times_ms 2 3 "$SS_PIPE" "$PIN_SS" |
		    awk '{ print $1, "-", $2, "-" }')
	fi
	n1=$(ss_total)
	busy1=$(busy_pct)
	load=$(cut -d' ' -f1 /proc/loadavg)
	echo "$size $n0 $n1 $ta_total $fl_total $build_s $rss $busy0 $busy1 $load $fast $slow"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "bench/states.sh needs root (network namespaces, sockets in them)" >&2
	exit 1
fi
for tool in unshare ss jq cc taskset; do
	command -v $tool >/dev/null 2>&1 || { echo "$tool is missing" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (GNU time)" >&2; exit 1; }
[ -x ./tcpadvise ] || make -s
mkdir -p bench/out tests/out
cc -O2 -o tests/out/sockgen tests/live/sockgen.c
cc -O2 -pthread -o bench/out/floor bench/floor.c
command -v netstat >/dev/null 2>&1 || echo "SKIP netstat: not installed (net-tools)"
command -v hyperfine >/dev/null 2>&1 || echo "hyperfine is missing: timing loops of runs instead"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- 10000 50000 160000
for size in "$@"; do
	echo "building $size sockets and timing..." >&2
	unshare --net sh "$0" --one "$size" "$tmp" >>"$tmp/results"
done
cp "$tmp/results" bench/out/states.raw

awk -v out=bench/out/states.txt -v busy_pct="$BUSY_PCT" -v ncpu="$(nproc)" \
    -v when="$(date -u '+%Y-%m-%d %H:%M UTC'), Linux $(uname -r), $(nproc) CPUs" '
function p(fmt, a, b, c, d, e, f, g, h, i, j, k, l, m, o) {
	line = sprintf(fmt, a, b, c, d, e, f, g, h, i, j, k, l, m, o); printf "%s", line; printf "%s", line > out
}
function ratio(x, y) { return (x == "-" || y == "-" || y == 0) ? "-" : sprintf("%.3f", x / y) }
function ms(x) { return x == "-" ? "SKIP" : sprintf("%.1f", x) }
{ n++; size[n] = $1; s0[n] = $2; s1[n] = $3; tot[n] = $4; ftot[n] = $5; build[n] = $6
  rss[n] = $7; busy0[n] = $8; busy1[n] = $9; load[n] = $10
  ta[n] = $11; fl[n] = $12; fl2[n] = $13; pta[n] = $14; pfl[n] = $15
  ss[n] = $16; ns[n] = $17; pss[n] = $18; pns[n] = $19 }
END {
	p("%s\n\nfree (every CPU):\n", when)
	p("%8s %13s %7s %7s %6s %7s %7s %8s %7s %7s %6s %8s %7s %7s\n", "sockets", "ss sees",
	    "census", "floor", "built", "ta ms", "floor", "floor-2", "ta/fl", "ss ms", "ta/ss",
	    "netstat", "ta/ns", "RSS KiB")
	for (i = 1; i <= n; i++)
		p("%8d %13s %7d %7d %6s %7.1f %7.1f %8.1f %7s %7.1f %6s %8s %7s %7d\n", size[i],
		    s0[i] "-" s1[i], tot[i], ftot[i], build[i], ta[i], fl[i], fl2[i], ratio(ta[i], fl[i]),
		    ss[i], ratio(ta[i], ss[i]), ms(ns[i]), ratio(ta[i], ns[i]), rss[i])
	p("\nconfined to CPU 0 (taskset -c 0), and the host:\n")
	p("%8s %7s %7s %7s %7s %6s %8s %7s %15s %6s\n", "sockets", "ta ms", "floor", "ta/fl",
	    "ss ms", "ta/ss", "netstat", "ta/ns", "others CPU%", "load")
	for (i = 1; i <= n; i++)
		p("%8d %7.1f %7.1f %7s %7.1f %6s %8s %7s %15s %6s\n", size[i], pta[i], pfl[i],
		    ratio(pta[i], pfl[i]), pss[i], ratio(pta[i], pss[i]), ms(pns[i]),
		    ratio(pta[i], pns[i]), busy0[i] " " busy1[i], load[i])
	p("\n(ta: tcpadvise states; floor: bench/floor.c on one thread, floor-2 on two;\n" \
	    " others CPU%%: the share of all CPUs other work took at nice 0 / at a positive nice,\n" \
	    " in 1 s before and in 1 s after the timing)\n")
	bad = 0
	for (i = 1; i <= n; i++)
		if (tot[i] != ftot[i]) {
			p("MISMATCH at %d sockets: the census counted %d, the floor %d\n", size[i], tot[i], ftot[i])
			bad++
		}
	if (size[n] < 150000) {
		p("goals are checked at 150000 sockets or more; the largest size was %d\n", size[n])
		exit bad > 0
	}
	split(busy0[n], b0, "/"); split(busy1[n], b1, "/")
	busy = b0[1] + 0 > busy_pct || b1[1] + 0 > busy_pct
	if (busy)
		p("busy host: other work at nice 0 took %d%% / %d%% of the CPUs (above %d%%): time ratios are reported, not goals\n",
		    b0[1], b1[1], busy_pct)
	else
		p("quiet host: other work at nice 0 took %d%% / %d%% of the CPUs (at most %d%%); at a positive nice %d%% / %d%%\n",
		    b0[1], b1[1], busy_pct, b0[2], b1[2])
	verdict(pta[n] <= 1.1 * pfl[n], busy, sprintf("on CPU 0, at most 1.1 x the one-thread floor at %d sockets", size[n]),
	    ratio(pta[n], pfl[n]))
	if (ncpu < 2)
		p("goal: free, 1/3 of ss and 1/10 of netstat: SKIP (one CPU)\n")
	else {
		verdict(ta[n] <= ss[n] / 3, busy, "free, at most 1/3 of the ss pipeline", ratio(ta[n], ss[n]))
		if (ns[n] != "-")
			verdict(ta[n] <= ns[n] / 10, busy, "free, at most 1/10 of the netstat pipeline",
			    ratio(ta[n], ns[n]))
		else
			p("goal: free, at most 1/10 of the netstat pipeline: SKIP (no netstat)\n")
	}
	verdict(rss[n] < 8192, 0, "peak RSS under 8 MiB", rss[n] " KiB")
	lo = hi = rss[1]
	for (i = 2; i <= n; i++) { if (rss[i] < lo) lo = rss[i]; if (rss[i] > hi) hi = rss[i] }
	verdict(hi - lo <= 512, 0, "RSS flat across sizes (within 512 KiB)", lo " to " hi " KiB")
	exit bad > 0
}
# A goal met, missed (counted), or on a busy host only reported.
function verdict(ok, reported, what, figure) {
	if (reported)
		p("reported, not a goal: %s: %s (%s)\n", what, ok ? "met" : "not met", figure)
	else {
		p("goal: %s: %s (%s)\n", what, ok ? "ok" : "MISSED", figure)
		bad += !ok
	}
}' "$tmp/results"
