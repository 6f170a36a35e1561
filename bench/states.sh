#!/bin/sh
# Time the socket census of `tcpadvise states` against the usual shell
# pipelines, on 10k, 50k and 160k real sockets, in the same run:
#
#   ss -tan | awk '{print $1}' | sort | uniq -c
#   netstat -tan | awk '{print $6}' | sort | uniq -c     (SKIP if no netstat)
#
# and its peak memory (/usr/bin/time -v, maximum resident set size).
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
# at most 1/3 of the ss pipeline's time, at most 1/10 of netstat's, peak
# RSS under 8 MiB, and RSS flat across sizes (within 512 KiB). Exits 1 if
# a goal is missed. Takes about a minute; the table is also written to
# bench/out/states.txt (and what ss counted per state, states-SIZE.ss).
set -eu
cd "$(dirname "$0")/.."
export LC_ALL=C

SS_PIPE="ss -tan | awk '{print \$1}' | sort | uniq -c"
NETSTAT_PIPE="netstat -tan 2>/dev/null | awk '{print \$6}' | sort | uniq -c"
TA="./tcpadvise states >/dev/null"

# wall_ms RUNS COMMAND: wall time in milliseconds, the median of RUNS runs
# with hyperfine (a busy machine's stalls move the mean, not the median),
# else the mean of a timed loop.
wall_ms() {
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -i -w 2 -r "$1" --style none --export-json "$tmp/h.json" "$2" >/dev/null 2>&1
		jq '.results[0].median * 1000' "$tmp/h.json"
	else
		sh -c "$2" >/dev/null 2>&1 || true
		t0=$(date +%s%N)
		i=0
		while [ $i -lt "$1" ]; do
			sh -c "$2" >/dev/null 2>&1 || true
			i=$((i + 1))
		done
		t1=$(date +%s%N)
		echo "$t0 $t1 $1" | awk '{ print ($2 - $1) / $3 / 1e6 }'
	fi
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
	# The census: check that it counts what ss counts.
	ta_total=$(./tcpadvise states --format json | jq .total)
	rss=$(max_rss_kib)
	ta_ms=$(wall_ms 20 "$TA")
	ss_ms=$(wall_ms 5 "$SS_PIPE")
	if command -v netstat >/dev/null 2>&1; then
		ns_ms=$(wall_ms 5 "$NETSTAT_PIPE")
	else
		ns_ms=-
	fi
	n1=$(ss_total)
	echo "$size $n0 $n1 $ta_total $build_s $ta_ms $ss_ms $ns_ms $rss"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "bench/states.sh needs root (network namespaces, sockets in them)" >&2
	exit 1
fi
for tool in unshare ss jq cc; do
	command -v $tool >/dev/null 2>&1 || { echo "$tool is missing" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (GNU time)" >&2; exit 1; }
[ -x ./tcpadvise ] || make -s
mkdir -p bench/out tests/out
cc -O2 -o tests/out/sockgen tests/live/sockgen.c
command -v netstat >/dev/null 2>&1 || echo "SKIP netstat: not installed (net-tools)"
command -v hyperfine >/dev/null 2>&1 || echo "hyperfine is missing: timing loops of runs instead"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- 10000 50000 160000
for size in "$@"; do
	echo "building $size sockets and timing..." >&2
	unshare --net sh "$0" --one "$size" "$tmp" >>"$tmp/results"
done

awk -v out=bench/out/states.txt '
function p(fmt, a, b, c, d, e, f, g, h, i, j) {
	line = sprintf(fmt, a, b, c, d, e, f, g, h, i, j); printf "%s", line; printf "%s", line > out
}
{ n++; size[n] = $1; s0[n] = $2; s1[n] = $3; tot[n] = $4; build[n] = $5
  ta[n] = $6; ss[n] = $7; ns[n] = $8; rss[n] = $9 }
END {
	p("%8s %8s %8s %9s %8s %9s %8s %10s %9s %9s\n", "sockets", "ss sees", "census", "built s",
	    "ta ms", "ss ms", "ta/ss", "netstat ms", "ta/netst", "RSS KiB")
	for (i = 1; i <= n; i++) {
		r1 = sprintf("%.3f", ta[i] / ss[i])
		if (ns[i] == "-") { nm = "SKIP"; r2 = "-" }
		else { nm = sprintf("%.1f", ns[i]); r2 = sprintf("%.3f", ta[i] / ns[i]) }
		p("%8d %8s %8d %9s %8.1f %9.1f %8s %10s %9s %9d\n", size[i], s0[i] "-" s1[i], tot[i],
		    build[i], ta[i], ss[i], r1, nm, r2, rss[i])
	}
	bad = 0
	if (size[n] < 150000) {
		p("goals are checked at 150000 sockets or more; the largest size was %d\n", size[n])
		exit 0
	}
	ok = ta[n] <= ss[n] / 3; bad += !ok
	p("goal: at most 1/3 of the ss pipeline at %d sockets: %s (%.3f)\n", size[n], ok ? "ok" : "MISSED", ta[n] / ss[n])
	if (ns[n] != "-") {
		ok = ta[n] <= ns[n] / 10; bad += !ok
		p("goal: at most 1/10 of the netstat pipeline: %s (%.3f)\n", ok ? "ok" : "MISSED", ta[n] / ns[n])
	} else
		p("goal: at most 1/10 of the netstat pipeline: SKIP (no netstat)\n")
	ok = rss[n] < 8192; bad += !ok
	p("goal: peak RSS under 8 MiB: %s (%d KiB)\n", ok ? "ok" : "MISSED", rss[n])
	lo = hi = rss[1]
	for (i = 2; i <= n; i++) { if (rss[i] < lo) lo = rss[i]; if (rss[i] > hi) hi = rss[i] }
	ok = hi - lo <= 512; bad += !ok
	p("goal: RSS flat across sizes (within 512 KiB): %s (%d to %d KiB)\n", ok ? "ok" : "MISSED", lo, hi)
	exit bad > 0
}' "$tmp/results"
