#!/bin/sh
# Time `tcpadvise check --profile nginx` against `sysctl -a >/dev/null` on
# this machine, in the same run, and print the ratio. The design goal: a
# full audit costs at most half of what `sysctl -a` costs.
#
#   bench/check-vs-sysctl.sh [RUNS]
#
# Uses hyperfine when installed (mean of RUNS runs after warm-up), else a
# loop of RUNS runs under /usr/bin/time. Exits 1 if the ratio is above 0.5.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-200}
bin=./tcpadvise
[ -x "$bin" ] || make -s
check="$bin check --profile nginx --fail-on never >/dev/null"
sysctl_a="sysctl -a >/dev/null 2>&1"
mkdir -p bench/out

if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N --warmup 20 --runs "$runs" --export-json bench/out/check.json \
	    "sh -c '$check'" "sh -c '$sysctl_a'" >bench/out/hyperfine.txt
	cat bench/out/hyperfine.txt
	t_check=$(jq '.results[0].mean' bench/out/check.json)
	t_sysctl=$(jq '.results[1].mean' bench/out/check.json)
else
	loop() {
		/usr/bin/time -f %e sh -c "i=0; while [ \$i -lt $runs ]; do $1; i=\$((i+1)); done" 2>&1 |
		    tail -1
	}
	t_check=$(loop "$check")
	t_sysctl=$(loop "$sysctl_a")
	echo "check: ${t_check}s for $runs runs; sysctl -a: ${t_sysctl}s for $runs runs"
fi
ratio=$(awk -v a="$t_check" -v b="$t_sysctl" 'BEGIN { printf "%.3f", a / b }')
echo "ratio check/sysctl-a: $ratio (goal: at most 0.5)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 0.5) }'
