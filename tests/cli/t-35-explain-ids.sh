#!/bin/sh
# `explain` knows every finding ID any command emits: the IDs of check on
# every fixture root with every profile, of lint on the lint fixtures, and
# of states on the busy root, each explained with exit 0.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
ids=tests/out/emitted-ids
: >"$ids"
for r in "$ROOTS"/*/; do
	[ -d "$r/proc/sys/net" ] || continue
	for p in baseline nginx crawler proxy; do
		$TCPADVISE --root "$r" check --profile $p --format json 2>/dev/null |
		    jq -r '.findings[].id' >>"$ids"
	done
	$TCPADVISE --root "$r" states --format json 2>/dev/null |
	    jq -r '.findings[]?.id' >>"$ids"
done
$TCPADVISE lint --kernel 6.1 --format json tests/fixtures/lint/*/* 2>/dev/null |
    jq -r '.findings[].id' >>"$ids"
sort -u "$ids" -o "$ids"
[ "$(wc -l <"$ids")" -ge 20 ] || fail "only $(wc -l <"$ids") distinct IDs emitted"
for id in $(cat "$ids"); do
	$TCPADVISE explain "$id" >/dev/null 2>tests/out/explain.err ||
	    fail "explain $id: $(cat tests/out/explain.err)"
done
finish
