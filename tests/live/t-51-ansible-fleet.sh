#!/bin/sh
# The fleet report of the Ansible role (tcpadvise_report): ansible-playbook
# runs the role on two hosts over local connections, each judging its own
# tree (tcpadvise_root: a host whose files turn tcp_tw_recycle on and
# tcp_synack_retries to 1, and a clean one), and writes one JSON on the
# controller. Per host it must hold exactly the findings a direct `check`
# of that tree gives, per finding ID the hosts that have it, and the play
# must fail only the host with a critical finding, after the report.
# KEEP=FILE keeps a copy of the report.
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
command -v ansible-playbook >/dev/null || { echo "SKIP: no ansible-playbook"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: no jq"; exit 77; }
bin=$PWD/tcpadvise
enter_sandbox "$0"
trap '[ -n "${KEEP:-}" ] && cp "$sandbox_tmp/fleet.json" "$KEEP"; rm -rf "$sandbox_tmp"' EXIT
ansible_env

# Two trees: web1 with two harmful lines a later file keeps, web2 clean.
for h in web1 web2; do
	sh tests/fixtures/materialize.sh tests/fixtures/roots/modern "$sandbox_tmp/$h" >/dev/null ||
	    fail "cannot materialise the tree of $h"
done
printf 'net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_synack_retries = 1\n' \
    >"$sandbox_tmp/web1/etc/sysctl.d/99-late.conf"
cat >"$sandbox_tmp/hosts" <<INV
[fleet]
web1 tcpadvise_root=$sandbox_tmp/web1
web2 tcpadvise_root=$sandbox_tmp/web2
[fleet:vars]
ansible_connection=local
INV
report=$sandbox_tmp/fleet.json
ansible-playbook -i "$sandbox_tmp/hosts" contrib/ansible/playbook.yml \
    -e "tcpadvise_bin=$bin" -e tcpadvise_profile=nginx -e "tcpadvise_report=$report" \
    >"$sandbox_tmp/play.out" 2>&1
rc=$?
[ $rc = 2 ] || fail "the play exits $rc, want 2 (a host failed): $(tail -20 "$sandbox_tmp/play.out")"
grep -q '^web1 .* failed=1' "$sandbox_tmp/play.out" || fail "web1 did not fail: $(grep -A3 RECAP "$sandbox_tmp/play.out")"
grep -q '^web2 .* failed=0' "$sandbox_tmp/play.out" || fail "web2 failed: $(grep -A3 RECAP "$sandbox_tmp/play.out")"
[ -s "$report" ] || fail "no report at $report"
jq -e . "$report" >/dev/null || fail "the report is not JSON"

# Each host's findings, as the report has them and as check finds them now.
for h in web1 web2; do
	jq -r --arg h "$h" '.hosts[$h].findings[] | "\(.id) \(.key // "-") \(.severity)"' "$report" |
	    sort >"$sandbox_tmp/$h.report"
	"$bin" --root "$sandbox_tmp/$h" check --profile nginx --format json --fail-on never |
	    jq -r '.findings[] | "\(.id) \(.key // "-") \(.severity)"' | sort >"$sandbox_tmp/$h.check"
	diff "$sandbox_tmp/$h.check" "$sandbox_tmp/$h.report" ||
	    fail "$h: the report's findings differ from check's"
done
grep -q ' critical$' "$sandbox_tmp/web1.report" || fail "web1 has no critical finding in the report"
! grep -q ' critical$' "$sandbox_tmp/web2.report" || fail "web2 has a critical finding"
# The index by finding: every ID of a host lists that host, and only hosts
# that have it.
jq -r '.findings | to_entries[] | .key as $id | .value[] | "\($id) \(.)"' "$report" | sort >"$sandbox_tmp/index"
for h in web1 web2; do awk -v h="$h" '{ print $1, h }' "$sandbox_tmp/$h.report"; done | sort -u >"$sandbox_tmp/index.want"
diff "$sandbox_tmp/index.want" "$sandbox_tmp/index" || fail "the index by finding is wrong"
[ "$(jq -r '.hosts.web1.status' "$report")" = 1 ] || fail "web1's status is not 1"
[ "$(jq -r '.unreached | length' "$report")" = 0 ] || fail "unreached: $(jq -c .unreached "$report")"
[ "$failures" != 0 ] || echo "ok the fleet report: $(jq -r '.findings | keys | join(" ")' "$report")"
finish
