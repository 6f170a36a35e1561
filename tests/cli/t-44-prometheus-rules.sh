#!/bin/sh
# The alerting rules of contrib/prometheus: `promtool check rules` accepts
# them, `promtool test rules` passes their unit tests (each alert firing
# and not firing), and every tcpadvise_ metric they read is one that
# `check` or `states --format prometheus` writes (on the busy fixture), so
# a renamed metric cannot leave a rule that never fires.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
command -v promtool >/dev/null 2>&1 || { echo "SKIP: no promtool"; exit 77; }
out=tests/out/prometheus-rules
rm -rf $out
mkdir -p $out
rules=contrib/prometheus/tcpadvise.rules.yml

promtool check rules "$rules" >$out/check.out 2>&1 ||
    { cat $out/check.out; fail "promtool check rules $rules"; }
grep -qx '  SUCCESS: 4 rules found' $out/check.out ||
    { cat $out/check.out; fail "promtool check rules: not 4 rules, or a warning"; }
# promtool resolves rule_files against the test file's directory.
promtool test rules contrib/prometheus/tcpadvise.rules.test.yml >$out/test.out 2>&1 ||
    { cat $out/test.out; fail "promtool test rules"; }
for a in $(sed -n 's/^ *- alert: //p' "$rules"); do
	grep -q "alertname: $a\$" contrib/prometheus/tcpadvise.rules.test.yml ||
	    fail "no unit test for $a"
done

$TCPADVISE --root "$ROOTS/busy" check --format prometheus >$out/check.prom
$TCPADVISE --root "$ROOTS/busy" states --format prometheus >$out/states.prom ||
    fail "states --format prometheus on busy"
grep -v '^#' $out/check.prom $out/states.prom | sed 's/^[^:]*://; s/[{ ].*//' |
    sort -u >$out/written
grep -v '^ *#' "$rules" | grep -o 'tcpadvise_[a-z0-9_]*' | sort -u >$out/read
[ -s $out/read ] || fail "no tcpadvise_ metric in $rules"
comm -23 $out/read $out/written | grep . &&
    fail "$rules reads metrics tcpadvise does not write"
finish
