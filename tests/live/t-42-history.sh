#!/bin/sh
# tcpadvise history and rollback --to on the real kernel, in a fresh network
# namespace: three applies of three profiles with different values (the
# third into a file of its own), history lists them; rollback --to 1 leaves
# the kernel's values and every file's bytes exactly as right after apply 1
# (the file that did not exist before is gone). Then a fragment edited by
# hand after an apply: rollback refuses with exit 2, naming the file and
# the line, and changes nothing; with --force it restores. Only per-netns
# net.ipv4 keys are written.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
FRAG=/etc/sysctl.d/90-tcpadvise.conf
EXTRA=/etc/sysctl.d/80-extra.conf
HISTORY=/var/lib/tcpadvise/history
KEYS="net.ipv4.ip_local_port_range net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time
    net.ipv4.tcp_syn_retries"

live() {
	tr -s '\t ' '  ' <"/proc/sys/$(echo "$1" | tr . /)"
}

# snap NAME: the live values and the bytes of both files (or "absent").
snap() {
	for k in $KEYS; do echo "$k = $(live "$k")"; done >"$sandbox_tmp/$1.live"
	for f in $FRAG $EXTRA; do
		if [ -e "$f" ]; then cp "$f" "$sandbox_tmp/$1.$(basename "$f")"; else
			echo absent >"$sandbox_tmp/$1.$(basename "$f")"; fi
	done
}

# same_as NAME WHAT: the live values and the files are those of snap NAME,
# byte for byte.
same_as() {
	for k in $KEYS; do echo "$k = $(live "$k")"; done |
	    diff "$sandbox_tmp/$1.live" - || fail "$2: live values differ from $1"
	for f in $FRAG $EXTRA; do
		want="$sandbox_tmp/$1.$(basename "$f")"
		if [ "$(cat "$want")" = absent ]; then
			[ ! -e "$f" ] || fail "$2: $f exists; it did not at $1"
		else
			cmp "$want" "$f" || fail "$2: $f differs from $1"
		fi
	done
}

# profile NAME FIN KEEPALIVE SYN RANGE: a profile file with these values.
profile() {
	cat >"$sandbox_tmp/$1.yaml" <<EOF
name: $1
description: "Test profile $1"
settings:
  net.ipv4.tcp_fin_timeout: {apply: $2, reason: "test", source: "test"}
  net.ipv4.tcp_keepalive_time: {apply: $3, reason: "test", source: "test"}
  net.ipv4.tcp_syn_retries: {apply: $4, reason: "test", source: "test"}
  net.ipv4.ip_local_port_range: {apply: "$5", reason: "test", source: "test"}
EOF
}

command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
enter_sandbox "$0"
trap 'rm -rf "$sandbox_tmp"' EXIT

profile one 31 3601 5 "20000 40000"
profile two 32 3602 4 "20001 40001"
profile three 33 3603 3 "20002 40002"
snap s0
$TCPADVISE apply --profile "$sandbox_tmp/one.yaml" >/dev/null || fail "apply one exits $?"
snap s1
$TCPADVISE apply --profile "$sandbox_tmp/two.yaml" >/dev/null || fail "apply two exits $?"
snap s2
$TCPADVISE apply --profile "$sandbox_tmp/three.yaml" --file $EXTRA --format json \
    >"$sandbox_tmp/a3.json" || fail "apply three exits $?"
snap s3
[ "$(jq .transaction "$sandbox_tmp/a3.json")" = 3 ] ||
    fail "apply three: transaction is $(jq .transaction "$sandbox_tmp/a3.json")"
jq -e --arg f $EXTRA '[.files[] | {path, changed, existed}] == [{"path": $f, "changed": true, "existed": false}]' \
    "$sandbox_tmp/a3.json" >/dev/null || fail "apply three: files is $(jq -c .files "$sandbox_tmp/a3.json")"
[ "$(live net.ipv4.tcp_fin_timeout)" = 33 ] || fail "apply three: fin_timeout is not 33"
for n in 1 2 3; do
	[ "$(stat -c %a "$HISTORY/$n.json")" = 600 ] || fail "$HISTORY/$n.json: mode is not 0600"
done

# history: newest last, with profile, keys and files; none rolled back.
$TCPADVISE history >"$sandbox_tmp/h.txt" || fail "history exits $?"
cat "$sandbox_tmp/h.txt"
sed -n '2,4p' "$sandbox_tmp/h.txt" | awk '{ print $1, $3, $4, $5 }' >"$sandbox_tmp/h.got"
cat >"$sandbox_tmp/h.want" <<EOF
1 one 4 $FRAG
2 two 4 $FRAG
3 three 4 $EXTRA
EOF
diff "$sandbox_tmp/h.want" "$sandbox_tmp/h.got" || fail "history text differs"
grep -Eq '^    1  [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z  ' "$sandbox_tmp/h.txt" ||
    fail "history: no UTC time on line 1"
$TCPADVISE history --format json >"$sandbox_tmp/h.json" || fail "history --format json exits $?"
[ "$(jq -c '[.transactions[] | [.number, .profile, .live_keys, .rolled_back]]' "$sandbox_tmp/h.json")" = \
    '[[1,"one",4,false],[2,"two",4,false],[3,"three",4,false]]' ] ||
    fail "history JSON: $(jq -c '[.transactions[] | [.number, .profile, .live_keys, .rolled_back]]' "$sandbox_tmp/h.json")"

# rollback --to 1: exactly as after apply 1; 2 and 3 marked, not deleted.
$TCPADVISE rollback --to 1 >"$sandbox_tmp/rb1.txt" || fail "rollback --to 1 exits $?"
cat "$sandbox_tmp/rb1.txt"
same_as s1 "rollback --to 1"
[ "$($TCPADVISE history --format json | jq -c '[.transactions[] | .rolled_back]')" = \
    '[false,true,true]' ] || fail "history after rollback --to 1: $($TCPADVISE history)"
$TCPADVISE history | grep -q '^    3 .*\[rolled back\]$' || fail "history text does not mark 3"

# A fragment edited by hand after apply 4: refused, nothing changed.
$TCPADVISE apply --profile "$sandbox_tmp/two.yaml" --format json >"$sandbox_tmp/a4.json" ||
    fail "apply two again exits $?"
[ "$(jq .transaction "$sandbox_tmp/a4.json")" = 4 ] || fail "apply two again is not transaction 4"
line=$(grep -n '^net.ipv4.tcp_keepalive_time' $FRAG | cut -d: -f1)
sed -i 's/^net.ipv4.tcp_keepalive_time = .*/net.ipv4.tcp_keepalive_time = 4000/' $FRAG
snap s4
$TCPADVISE rollback >"$sandbox_tmp/out" 2>"$sandbox_tmp/err"
rc=$?
[ $rc = 2 ] || fail "rollback of an edited fragment exits $rc, want 2"
grep -qx "tcpadvise: $FRAG:$line was edited after apply 4; rollback would lose that change (use --force to restore it anyway)" \
    "$sandbox_tmp/err" || fail "refusal says: $(cat "$sandbox_tmp/err")"
[ ! -s "$sandbox_tmp/out" ] || fail "refusal printed: $(cat "$sandbox_tmp/out")"
same_as s4 "refused rollback"
[ "$($TCPADVISE history --format json | jq '.transactions[3].rolled_back')" = false ] ||
    fail "the refused rollback marked apply 4"

# --force restores it: as after apply 1 again.
$TCPADVISE rollback --force --format json >"$sandbox_tmp/rb4.json" || fail "rollback --force exits $?"
jq -e '.rolled_back == [4] and .files[0].forced == true' "$sandbox_tmp/rb4.json" >/dev/null ||
    fail "rollback --force: $(jq -c '{rolled_back, files}' "$sandbox_tmp/rb4.json")"
same_as s1 "rollback --force"

# Then back to before apply 1, and nothing is left to undo.
$TCPADVISE rollback --to 0 >/dev/null || fail "rollback --to 0 exits $?"
same_as s0 "rollback --to 0"
[ "$($TCPADVISE rollback)" = "nothing to roll back" ] || fail "a last rollback found something"
finish
