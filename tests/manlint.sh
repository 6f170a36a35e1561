#!/bin/sh
# The man pages must pass mandoc's lint and groff's warnings without a word.
set -u
cd "$(dirname "$0")/.." || exit 2
rc=0
for m in man/*.[58]; do
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint -W warning "$m" 2>&1)
		[ -z "$out" ] || { echo "$out"; rc=1; }
	fi
	out=$(groff -mdoc -ww -z "$m" 2>&1)
	[ -z "$out" ] || { echo "$m: $out"; rc=1; }
done
[ $rc -eq 0 ] && echo "manlint: man pages clean"
exit $rc
