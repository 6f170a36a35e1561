#!/bin/sh
# tcpadvise-textfile [DIR]: write `tcpadvise states` and `tcpadvise check`
# in the Prometheus text format into DIR (default: the collector directory
# of Debian's prometheus-node-exporter) as tcpadvise-states.prom and
# tcpadvise-check.prom, for node_exporter's textfile collector. Run by
# tcpadvise-textfile.service. Read-only on the system: it writes nothing
# but the two files.
#
# Each file is written to a hidden temporary file in DIR (a name the
# collector does not read: it reads *.prom) and renamed over the old one,
# so a scrape never sees half a file. A run that fails leaves the old file
# and removes its temporary one. Exit status: 0, or 1 if either failed.
set -u
dir=${1:-/var/lib/prometheus/node-exporter}
tcpadvise=@SBINDIR@/tcpadvise
status=0

# write NAME OK-STATUSES ARGS...: tcpadvise ARGS into DIR/NAME.prom.
write() {
	name=$1 ok=$2
	shift 2
	tmp=$(mktemp "$dir/.$name.prom.XXXXXX") || return 1
	"$tcpadvise" "$@" >"$tmp"
	rc=$?
	case " $ok " in
	*" $rc "*) ;;
	*)
		echo "tcpadvise-textfile: tcpadvise $* exited $rc; $dir/$name.prom left as it was" >&2
		rm -f "$tmp"
		return 1
		;;
	esac
	# mktemp makes 0600; the collector runs as another user.
	chmod 0644 "$tmp" && mv -f "$tmp" "$dir/$name.prom" || {
		rm -f "$tmp"
		return 1
	}
}

# states exits 1 when its evidence is a finding; that is still a report.
write tcpadvise-states "0 1" states --format prometheus || status=1
write tcpadvise-check "0" check --format prometheus --fail-on never || status=1
exit $status
