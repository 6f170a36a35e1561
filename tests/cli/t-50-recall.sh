#!/bin/sh
# Recall on real files: every hazard labelled in HAZARDS.tsv of the
# real-world fixture sets (labels written from reading the files, by the
# kinds of rule the policy has) must draw a finding of its rule that names
# the labelled line, when `lint` judges the file on the hosts of
# tests/fixtures/hosts (a multihomed Kubernetes node, and a single-homed
# server; rules about routing hold on one or the other).
#   realworld          the files the policy was written with: every label
#   realworld-holdout  files checked by earlier work: at least 90%
#   realworld-unseen   files never used to write the policy: at least 90%
# Misses are listed. Vendor defaults (tests/fixtures/vendor) draw no
# warning or critical finding under baseline on either host.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
out=tests/out/recall
rm -rf $out
mkdir -p $out
hosts="k8s-multihomed single"

# The rule ids that report each kind of label.
ids_of() {
	case $1 in
	retries2-low) echo "TA-H023 TA-H123" ;;
	window-scaling-off) echo "TA-H024" ;;
	sack-off) echo "TA-H025 TA-H125" ;;
	cc-unknown) echo "TA-H026" ;;
	qdisc-unknown) echo "TA-H027" ;;
	rmem-max-low) echo "TA-H028 TA-H128" ;;
	tcp-mem-odd) echo "TA-H029 TA-H129" ;;
	default-buf-big) echo "TA-H030 TA-H130" ;;
	rejected) echo "TA-L001" ;;
	keepalive-intvl-0) echo "TA-H315" ;;
	noop) echo "TA-H031 TA-H131 TA-H231" ;;
	removed) echo "TA-H101 TA-U" ;;
	rp-filter-strict) echo "TA-H032 TA-H132" ;;
	ip-forward-on) echo "TA-H033 TA-H133" ;;
	nodeport-overlap) echo "TA-H034" ;;
	*) echo "?" ;;
	esac
}

# found FILE: "file:line id" for every line a finding names, on each host.
found() {
	for h in $hosts; do
		$TCPADVISE --root tests/fixtures/hosts/$h --kernel 6.18.0 lint "$1" \
		    --format json 2>/dev/null |
		    jq -r '.findings[] | .id as $id |
		        ([{file: .file, line: .line}] + (.lines // []))[] |
		        select(.line != null) | "\(.line) \($id)"'
	done | sort -u
}

recall() {
	dir=tests/fixtures/$1 min=$2
	labels=0 hit=0
	: >$out/$1.missed
	for f in $dir/*.conf; do
		name=$(basename "$f")
		grep -q "^$name	" $dir/HAZARDS.tsv 2>/dev/null || continue
		found "$f" >$out/found
		grep "^$name	" $dir/HAZARDS.tsv | while IFS='	' read -r file line key value kind; do
			ok=0
			for id in $(ids_of "$kind"); do
				grep -q "^$line $id" $out/found && ok=1
			done
			echo "$ok $file:$line $key = $value ($kind)"
		done >>$out/$1.result
	done
	labels=$(wc -l <$out/$1.result)
	hit=$(grep -c '^1 ' $out/$1.result)
	grep '^0 ' $out/$1.result | sed 's/^0 /  missed: /' >$out/$1.missed
	pct=$((labels > 0 ? hit * 100 / labels : 100))
	echo "$1: $hit of $labels labelled hazards reported ($pct%)"
	cat $out/$1.missed
	[ "$labels" -gt 0 ] || fail "$1: no labels"
	[ $((hit * 100)) -ge $((labels * min)) ] ||
	    fail "$1: recall $pct%, want at least $min%"
}

recall realworld 100
recall realworld-holdout 90
recall realworld-unseen 90

for f in tests/fixtures/vendor/*.conf; do
	for h in $hosts; do
		n=$($TCPADVISE --root tests/fixtures/hosts/$h --kernel 6.18.0 lint "$f" \
		    --profile baseline --format json 2>/dev/null |
		    jq '[.findings[] | select(.severity != "info")] | length')
		[ "$n" = 0 ] || fail "$(basename "$f") on $h: $n warning or critical findings"
	done
done
finish
