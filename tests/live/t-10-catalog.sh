#!/bin/sh
# t-10-catalog: the compiled-in catalog against a fresh network namespace of
# the running kernel.
#
# For every key the catalog knows, in a new `unshare --net` namespace:
#   - a key the catalog places outside this release must be absent;
#   - a global key must be absent, a global key with a read-only view must
#     be absent or read-only (checked with the mode bits, never by writing);
#   - a per-netns key must exist (keys of a module may be missing) and, when
#     the catalog knows its default here (fixed, or derived from the ehash
#     size), read exactly that value, whitespace normalised;
#   - a per-netns key copied from the initial namespace must equal the
#     initial namespace's value (only when this script runs there).
# Nothing is ever written to /proc/sys.
#
# Run as root from the top of the source tree. Exit 0 pass, 1 fail, 77 skip.

name=t-10-catalog
out=tests/out
dump=$out/catalog_dump
list=$out/t-10-catalog.list
initnet=$out/t-10-catalog.initnet
tab=$(printf '\t')

if [ "${T10_INSIDE:-}" != 1 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: $name: needs root"
		exit 77
	fi
	if ! command -v unshare >/dev/null 2>&1; then
		echo "SKIP: $name: unshare is missing"
		exit 77
	fi
	if [ ! -f src/base/catalog.c ] || [ ! -f tests/live/catalog_dump.c ]; then
		echo "FAIL: $name: run from the top of the source tree"
		exit 1
	fi
	if ! unshare --net true 2>/dev/null; then
		echo "SKIP: $name: cannot create a network namespace here"
		exit 77
	fi
	mkdir -p "$out" || exit 1
	if ! ${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Isrc/base -o "$dump" \
	    tests/live/catalog_dump.c src/base/catalog.c src/base/parse.c \
	    src/base/suggest.c; then
		echo "FAIL: $name: cannot build $dump"
		exit 1
	fi

	# Values a new namespace copies from the initial one. Only meaningful
	# when this shell is in the initial namespace, which is the only one
	# that shows the global keys (tcp_mem is one of them).
	: >"$initnet" || exit 1
	if [ -e /proc/sys/net/ipv4/tcp_mem ]; then
		"$dump" >"$list" || { echo "FAIL: $name: $dump failed"; exit 1; }
		while IFS="$tab" read -r key scope kind def present flags; do
			if [ "$scope" != netns ] || [ "$kind" != init_net ] ||
			    [ "$present" != 1 ]; then
				continue
			fi
			case $flags in *secret*) continue ;; esac
			f=/proc/sys/$(printf '%s' "$key" | tr . /)
			[ -r "$f" ] || continue
			printf '%s\t%s\n' "$key" "$(cat "$f")" >>"$initnet"
		done <"$list"
	fi

	T10_INSIDE=1
	export T10_INSIDE
	exec unshare --net sh "$0"
fi

# From here on: inside the new network namespace.
pass=0
fail=0

ok() {
	pass=$((pass + 1))
}

bad() {
	echo "FAIL: $1: expected $2, got $3"
	fail=$((fail + 1))
}

# Collapse any run of blanks (the kernel prints vectors with tabs).
norm() {
	printf '%s' "$1" | tr '\t\n' '  ' | tr -s ' ' | sed 's/^ //; s/ $//'
}

writable() {
	case $(stat -c %A "$1") in
	*w*) return 0 ;;
	esac
	return 1
}

initnet_value() {
	while IFS="$tab" read -r k v; do
		if [ "$k" = "$1" ]; then
			printf '%s' "$v"
			return 0
		fi
	done <"$initnet"
	return 1
}

release=$(uname -r)
if ! "$dump" >"$list"; then
	echo "FAIL: $name: $dump failed"
	exit 1
fi
if [ ! -s "$list" ]; then
	echo "FAIL: $name: empty catalog"
	exit 1
fi

while IFS="$tab" read -r key scope kind def present flags; do
	f=/proc/sys/$(printf '%s' "$key" | tr . /)
	exists=0
	[ -e "$f" ] && exists=1

	if [ "$present" != 1 ]; then
		if [ $exists = 1 ]; then
			bad "$key" "absent (not in $release per the catalog)" "present"
		else
			ok
		fi
		continue
	fi

	case $scope in
	global)
		if [ $exists = 1 ]; then
			bad "$key" "absent in a new namespace (global)" "present"
		else
			ok
		fi
		continue
		;;
	global_ro)
		if [ $exists = 1 ] && writable "$f"; then
			bad "$key" "absent or read-only in a new namespace" \
			    "mode $(stat -c %A "$f")"
		else
			ok
		fi
		continue
		;;
	esac

	# Per-netns key.
	if [ $exists = 0 ]; then
		case $flags in
		*module*) ok ;;
		*) bad "$key" "present in a new namespace" "absent" ;;
		esac
		continue
	fi
	case $flags in
	*readonly*)
		if writable "$f"; then
			bad "$key" "read-only" "mode $(stat -c %A "$f")"
			continue
		fi
		;;
	esac
	case $flags in
	*secret*)
		# Never read: presence is all there is to check.
		ok
		continue
		;;
	esac
	case $def in
	=*)
		want=${def#=}
		got=$(norm "$(cat "$f")")
		if [ "$got" = "$want" ]; then
			ok
		else
			bad "$key" "'$want' ($kind default on $release)" "'$got'"
		fi
		;;
	*)
		if [ "$kind" = init_net ] && want=$(initnet_value "$key"); then
			want=$(norm "$want")
			got=$(norm "$(cat "$f")")
			if [ "$got" = "$want" ]; then
				ok
			else
				bad "$key" "'$want' (copied from the initial namespace)" \
				    "'$got'"
			fi
		else
			ok
		fi
		;;
	esac
done <"$list"

echo "$name: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
