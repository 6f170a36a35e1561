#!/bin/sh
# Live tests on the real kernel. Each tests/live/t-*.sh runs its own
# `unshare --net --mount` namespaces and never touches the host's
# /proc/sys, /etc/sysctl.d or /etc/sysctl.conf. Exit 0 pass, 1 fail,
# 77 skip (printed as SKIP, never as a silent pass).
set -u
cd "$(dirname "$0")/../.." || exit 2
mkdir -p tests/out/live
pass=0
fail=0
skip=0
for t in tests/live/t-*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	sh "$t" </dev/null >"tests/out/live/$name.log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "ok - $name" ;;
	77) skip=$((skip + 1)); echo "SKIP - $name: $(grep -m1 '^SKIP' "tests/out/live/$name.log")" ;;
	*) fail=$((fail + 1)); echo "not ok - $name"; tail -40 "tests/out/live/$name.log" ;;
	esac
done
echo "live: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
