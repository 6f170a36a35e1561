#!/bin/sh
# Every --format json answer is exactly one JSON object on stdout, the
# failures included: an error object whose error.code is the exit status
# and whose error.message is the message on stderr (without the program's
# name). Run over every command, in success and in failure.
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
out=tests/out/json-contract
mkdir -p "$out"
n=0

# one WANT_STATUS ARGS...: run tcpadvise ARGS, check the JSON contract.
one() {
	want=$1
	shift
	n=$((n + 1))
	$TCPADVISE "$@" >"$out/stdout" 2>"$out/stderr" </dev/null
	rc=$?
	[ "$rc" = "$want" ] || fail "exit $rc, want $want: $*"
	jq -e -s 'length == 1 and (.[0] | type == "object")' "$out/stdout" >/dev/null 2>&1 ||
	    { fail "stdout is not one JSON object: $*"; return; }
	if [ "$rc" -ge 2 ]; then
		[ "$(jq -r .error.code "$out/stdout")" = "$rc" ] ||
		    fail "error.code is not $rc: $*"
		msg=$(jq -r .error.message "$out/stdout")
		[ -n "$msg" ] && [ "$msg" != null ] || fail "no error.message: $*"
		grep -qF -- "tcpadvise: $msg" "$out/stderr" ||
		    fail "error.message '$msg' is not the one on stderr: $*"
	else
		jq -e 'has("error") | not' "$out/stdout" >/dev/null || fail "an error object on success: $*"
	fi
}

R=$ROOTS/modern
# Successes (and findings, exit 1).
one 0 --root "$R" check --format json --fail-on never
one 1 --root "$ROOTS/seeds" check --format json --profile nginx
one 0 --root "$R" apply --profile nginx --dry-run --format json
one 0 --root "$ROOTS/busy" states --format json
one 1 lint --format json --kernel 6.1 tests/fixtures/lint/problems/10-base.conf
one 0 profiles --format json
one 0 profiles web --format json
one 0 --root "$R" rollback --format json
one 1 --root "$ROOTS/image" --kernel 5.10 --memory 4G check --format json
one 0 --root "$ROOTS/image" apply --profile nginx --persist-only --dry-run --format json
# Usage errors: before and after --format is read, for every command.
one 2 --format json
one 2 --format json nosuchcommand
one 2 check --no-such-option --format json
one 2 check --format json --fail-on sometimes
one 2 check --format=json --interval 5
one 2 states --format json --interval 0
one 2 profiles --format json a b
one 2 explain --format json
one 2 lint --format json --kernel banana tests/fixtures/lint/clean/50-tcp.conf
one 2 apply --format json
one 2 apply --profile nginx --file /etc/sysctl.d/x.txt --format json
one 2 rollback --file relative.conf --format json
one 2 check --profile no-such-profile --format json
one 2 profiles no-such-profile --format json
one 2 lint --format json tests/fixtures/no-such-file.conf
one 2 apply --profile tests/fixtures/profiles/bad/unknown-key.yaml --format json --dry-run
one 2 profiles --format json --format prometheus
one 2 check --format json --memory lots
one 2 --root "$ROOTS/image" apply --profile nginx --dry-run --format json
one 2 --all-netns lint --format json
one 2 --netns "" check --format json
one 2 --all-netns check --profile nosuch --format json
one 2 --netns nosuch-ns check --format json
one 2 --all-netns apply --profile nginx --format json
# System errors.
one 3 --root /nonexistent check --format json
one 3 --root /nonexistent apply --profile nginx --dry-run --format json

# check --format json says what it judged, the facts it rests on, and
# which of them were assumed or missing: the same fields for a running
# system and for an image.
for args in "--root $R" "--root $ROOTS/image --kernel 5.10"; do
	# shellcheck disable=SC2086
	$TCPADVISE $args check --format json --fail-on never >"$out/check.json"
	jq -e '(.views | type == "array" and index("persisted") != null) and
	    (.facts | keys == ["ehash_entries", "kernel", "memory", "netns"]) and
	    ([.facts[] | keys == ["from", "value"]] | all) and
	    (.assumed | type == "array") and (.missing | type == "array") and
	    ([.keys[].status] - ["ok", "absent", "hidden", "unreadable", "error",
	    "unavailable"] == [])' "$out/check.json" >/dev/null ||
	    fail "check $args: views, facts, assumed, missing: $(head -c 300 "$out/check.json")"
done
jq -e '.views == ["live", "persisted"] and .assumed == []' "$out/check.json" >/dev/null 2>&1 &&
    fail "the image's check reads like a live one"

# profiles NAME --format json is the resolved profile.
$TCPADVISE profiles web --format json >"$out/web.json"
jq -e '.name == "nginx" and .chain == ["nginx", "baseline"] and
    (.settings | map(.key) | index("net.core.somaxconn")) != null and
    (.rules | length) > 10 and (.settings[0] | has("want") and has("apply"))' \
    "$out/web.json" >/dev/null || fail "profiles web --format json: $(head -c 300 "$out/web.json")"
[ $n -ge 25 ] || fail "only $n runs"
finish
