#!/bin/sh
# The Debian package of `make deb`, installed, used and removed in a
# throw-away root: an overlay of / whose changes live in a tmpfs, entered
# with chroot inside new mount, PID, network, UTS and IPC namespaces, with
# /proc/sys read-only and /run empty (no systemd is running in it, so the
# maintainer scripts start nothing). Nothing reaches this host: its dpkg
# database, /usr, /etc/systemd, /etc/sysctl.d and /var/lib/tcpadvise are
# the lower layer, never written.
#
# Checks: lintian has no error; dpkg -i gives a working `tcpadvise check`,
# bash completion that completes `tcpadvise ch` and profile names, zsh
# completion, an enabled timer and unit files that `systemd-analyze verify`
# accepts; the timer's script writes both textfiles; dpkg -r removes the
# program and the timer, says it keeps an applied fragment and keeps it;
# dpkg -P also removes /var/lib/tcpadvise. TCPADVISE_DEB=FILE tests that
# package instead of building one; TCPADVISE_ZSH_DEBS=DIR also tries the
# zsh completion where this host has no zsh (see below).
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh

if [ -z "${TCPADVISE_SANDBOX:-}" ]; then
	require_tools dpkg-buildpackage dh dpkg-deb chroot bash
	require_root
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	    { echo "SKIP: no overlayfs"; exit 77; }
	mkdir -p tests/out/live
	if [ -z "${TCPADVISE_DEB:-}" ]; then
		make deb >tests/out/live/t-68-make-deb.log 2>&1 || {
			tail -30 tests/out/live/t-68-make-deb.log
			echo "FAIL: make deb"
			exit 1
		}
		TCPADVISE_DEB=$(ls build/tcpadvise_*.deb | tail -n 1)
	fi
	if command -v lintian >/dev/null 2>&1; then
		lintian "$TCPADVISE_DEB" >tests/out/live/t-68-lintian.log 2>&1
		if grep -q '^E:' tests/out/live/t-68-lintian.log; then
			cat tests/out/live/t-68-lintian.log
			echo "FAIL: lintian reports errors"
			exit 1
		fi
		echo "lintian: $(grep -c '^[EWIP]:' tests/out/live/t-68-lintian.log) tags, no error"
	else
		echo "lintian is missing: not run"
	fi
	TCPADVISE_DEB=$(realpath "$TCPADVISE_DEB")
	export TCPADVISE_DEB
	TCPADVISE_SANDBOX=1 exec unshare --mount --pid --fork --net --uts --ipc \
	    --propagation private sh "$0"
fi

export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
t=$(mktemp -d)
trap 'umount -R "$t" 2>/dev/null; rm -rf "$t"' EXIT
mount -t tmpfs -o mode=0755 tmpfs "$t" || exit 1
mkdir "$t/upper" "$t/work" "$t/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$t/upper,workdir=$t/work" "$t/root" || {
	echo "FAIL: cannot mount an overlay of /"
	exit 1
}
r=$t/root
mount -t proc proc "$r/proc" || exit 1
# Nothing in here may set a sysctl (postinst applies nothing): all of
# /proc/sys is read-only, the network namespace's keys too.
{ mount --bind "$r/proc/sys" "$r/proc/sys" && mount -o remount,bind,ro "$r/proc/sys"; } || {
	echo "FAIL: cannot make /proc/sys read-only"
	exit 1
}
if chroot "$r" sh -c 'cat /proc/sys/net/ipv4/tcp_fin_timeout >/proc/sys/net/ipv4/tcp_fin_timeout' 2>/dev/null; then
	echo "FAIL: /proc/sys is still writable: refusing to go on"
	exit 1
fi
mount --bind /dev "$r/dev" || exit 1
mount -t sysfs -o ro sysfs "$r/sys" 2>/dev/null || mount --rbind -o ro /sys "$r/sys" 2>/dev/null
mount -t tmpfs -o mode=0755 tmpfs "$r/run" || exit 1
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp" || exit 1
# The overlay's guard: a file made in the root is not on the host.
: >"$r/etc/.t-68-canary"
[ -e /etc/.t-68-canary ] && { rm -f /etc/.t-68-canary; echo "FAIL: the overlay writes through to /"; exit 1; }
[ -e /usr/sbin/tcpadvise ] && { echo "FAIL: tcpadvise is installed on this host; refusing"; exit 1; }

cp "$TCPADVISE_DEB" "$r/tmp/tcpadvise.deb"
in_root() { chroot "$r" "$@"; }
timer=tcpadvise-textfile.timer
wants=/etc/systemd/system/timers.target.wants/$timer

# Install.
in_root dpkg -i /tmp/tcpadvise.deb >"$t/install.log" 2>&1 || { cat "$t/install.log"; fail "dpkg -i"; finish; }
in_root /usr/sbin/tcpadvise --version | grep -q '^tcpadvise ' || fail "tcpadvise --version"
in_root /usr/sbin/tcpadvise check >"$t/check.out" 2>"$t/check.err"
rc=$?
{ [ $rc = 0 ] || [ $rc = 1 ]; } && grep -q . "$t/check.out" || {
	cat "$t/check.err"
	fail "tcpadvise check exits $rc"
}
in_root /usr/sbin/tcpadvise check --format json --fail-on never | grep -q '"findings"' ||
    fail "tcpadvise check --format json"

# Bash completion, with bash alone (not the bash-completion package).
comp=/usr/share/bash-completion/completions/tcpadvise
[ -f "$r$comp" ] || fail "$comp is not installed"
in_root bash -c '. '$comp' && complete -p tcpadvise' | grep -q -- '-F _tcpadvise tcpadvise$' ||
    fail "complete -p tcpadvise"
complete() {
	in_root bash -c '. '$comp'; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tcpadvise; echo "${COMPREPLY[*]}"' complete "$@"
}
got=$(complete tcpadvise ch)
[ "$got" = check ] || fail "tcpadvise ch<TAB> gives '$got', not 'check'"
got=$(complete tcpadvise check --profile ng)
[ "$got" = nginx ] || fail "tcpadvise check --profile ng<TAB> gives '$got', not 'nginx'"
got=$(complete tcpadvise states --format "")
[ "$got" = "text json prometheus" ] || fail "states --format <TAB> gives '$got'"
got=$(complete tcpadvise apply --dry)
[ "$got" = --dry-run ] || fail "apply --dry<TAB> gives '$got'"
[ -f "$r/usr/share/zsh/vendor-completions/_tcpadvise" ] || fail "zsh completion is not installed"

# zsh completion, typed into an interactive zsh on a pseudo-terminal, when
# zsh is here or its packages are given (TCPADVISE_ZSH_DEBS=DIR holding
# zsh_*.deb and zsh-common_*.deb, e.g. from `apt-get download zsh
# zsh-common`: installed in the throw-away root only).
if [ -n "${TCPADVISE_ZSH_DEBS:-}" ] && ! in_root sh -c 'command -v zsh' >/dev/null; then
	cp "$TCPADVISE_ZSH_DEBS"/zsh*.deb "$r/tmp/"
	in_root sh -c 'dpkg -i /tmp/zsh*.deb' >"$t/zsh-install.log" 2>&1 ||
	    { cat "$t/zsh-install.log"; fail "cannot install zsh in the root"; }
fi
if in_root sh -c 'command -v zsh' >/dev/null; then
	mount -t devpts -o newinstance,ptmxmode=0666 devpts "$r/dev/pts" &&
	    mount --bind "$r/dev/pts/ptmx" "$r/dev/ptmx" || fail "no private devpts for zsh"
	cat >"$r/tmp/complete.zsh" <<'ZSH'
# For each argument: type it and TAB, print the line and the list shown.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'autoload -Uz compinit; compinit -u -D; PS1="> "'
sleep 1
for line in "$@"; do
	while zpty -r -t z chunk; do :; done
	zpty -w -n z "$line"$'\t'
	sleep 1
	out=
	while zpty -r -t z chunk; do out+=$chunk; done
	print -r -- "== $line"
	print -r -- ${out//$'\e'\[[0-9;?]#[a-zA-Z]/} | tr -d '\r'
	zpty -w -n z $'\x15'
	sleep 0.2
done
zpty -d z
ZSH
	in_root env TERM=dumb zsh -f /tmp/complete.zsh 'tcpadvise ch' \
	    'tcpadvise check --profile ng' 'tcpadvise states --format=' >"$t/zsh.out" 2>&1
	sed -n '/^== tcpadvise ch$/,/^== /p' "$t/zsh.out" | grep -q 'tcpadvise check ' ||
	    fail "zsh: tcpadvise ch<TAB> does not give check"
	sed -n '/^== tcpadvise check --profile ng$/,/^== /p' "$t/zsh.out" | grep -q 'profile nginx' ||
	    fail "zsh: --profile ng<TAB> does not give nginx"
	sed -n '/^== tcpadvise states --format=$/,$p' "$t/zsh.out" | grep -q 'json *prometheus *text' ||
	    fail "zsh: states --format=<TAB> does not list json prometheus text"
	[ $failures = 0 ] && echo "zsh completion: done" || cat "$t/zsh.out"
else
	echo "zsh is missing: zsh completion only installed, not tried"
fi

# The timer: enabled (no systemd runs here, so the symlink and
# deb-systemd-helper say so), the units valid.
[ -L "$r$wants" ] || fail "$wants is missing"
in_root env DPKG_MAINTSCRIPT_PACKAGE=tcpadvise deb-systemd-helper was-enabled $timer >/dev/null 2>&1 || fail "deb-systemd-helper was-enabled $timer"
if in_root sh -c 'command -v systemd-analyze' >/dev/null; then
	man=no
	in_root man -w 8 tcpadvise >/dev/null 2>&1 && man=yes
	in_root systemd-analyze verify --man=$man /lib/systemd/system/tcpadvise-textfile.service \
	    /lib/systemd/system/$timer >"$t/verify.out" 2>&1 || fail "systemd-analyze verify"
	if [ -s "$t/verify.out" ]; then
		cat "$t/verify.out"
		fail "systemd-analyze verify has complaints"
	fi
	echo "systemd-analyze verify --man=$man: done"
else
	echo "systemd-analyze is missing: units not verified"
fi
grep -q '^ConditionPathIsDirectory=/var/lib/prometheus/node-exporter$' \
    "$r/lib/systemd/system/tcpadvise-textfile.service" || fail "the service has no ConditionPathIsDirectory="

# What the service runs: two textfiles, renamed into place, readable by
# the collector, no temporary file left.
mkdir "$r/tmp/collector"
in_root /usr/libexec/tcpadvise/textfile /tmp/collector || fail "the textfile script fails"
for f in tcpadvise-states.prom tcpadvise-check.prom; do
	[ "$(stat -c %a "$r/tmp/collector/$f" 2>/dev/null)" = 644 ] || fail "$f missing or not 0644"
done
grep -q '^tcpadvise_check_timestamp_seconds ' "$r/tmp/collector/tcpadvise-check.prom" ||
    fail "tcpadvise-check.prom has no tcpadvise_check_timestamp_seconds"
grep -q '^tcpadvise_socket_states{' "$r/tmp/collector/tcpadvise-states.prom" ||
    fail "tcpadvise-states.prom has no tcpadvise_socket_states"
[ "$(ls -A "$r/tmp/collector" | wc -l)" = 2 ] || fail "temporary files left: $(ls -A "$r/tmp/collector")"

# An applied fragment and a history, as apply leaves them.
frag=/etc/sysctl.d/90-tcpadvise.conf
printf '# Written by tcpadvise 0.1.0: test\nnet.ipv4.tcp_fin_timeout = 30\n' >"$r$frag"
mkdir -p "$r/var/lib/tcpadvise/history"
echo '{}' >"$r/var/lib/tcpadvise/history/1.json"
cp "$r$frag" "$t/frag"

# Remove: program and timer gone, fragment and history kept, with a notice.
in_root dpkg -r tcpadvise >"$t/remove.log" 2>&1 || { cat "$t/remove.log"; fail "dpkg -r"; }
cat "$t/remove.log"
grep -q "kept $frag" "$t/remove.log" || { cat "$t/remove.log"; fail "dpkg -r does not say it keeps $frag"; }
cmp -s "$r$frag" "$t/frag" || fail "dpkg -r changed or removed $frag"
for f in /usr/sbin/tcpadvise /lib/systemd/system/$timer /lib/systemd/system/tcpadvise-textfile.service \
    $comp /usr/libexec/tcpadvise/textfile; do
	[ ! -e "$r$f" ] || fail "dpkg -r left $f"
done
# The timer's unit is gone; its enablement is remembered until purge (as
# Debian does for every unit) by a link that now points at nothing.
[ ! -e "$r$wants" ] || fail "$wants still leads to a unit after dpkg -r"
[ -f "$r/var/lib/tcpadvise/history/1.json" ] || fail "dpkg -r removed the history"

# Purge: the history goes too, the fragment stays.
in_root dpkg -P tcpadvise >"$t/purge.log" 2>&1 || { cat "$t/purge.log"; fail "dpkg -P"; }
cat "$t/purge.log"
grep -q "kept $frag" "$t/purge.log" || fail "dpkg -P does not say it keeps $frag"
[ ! -e "$r/var/lib/tcpadvise" ] || fail "dpkg -P left /var/lib/tcpadvise"
cmp -s "$r$frag" "$t/frag" || fail "dpkg -P changed or removed $frag"
[ ! -e "$r$wants" ] && [ ! -L "$r$wants" ] || fail "dpkg -P left $wants"
ls "$r/var/lib/systemd/deb-systemd-helper-enabled" 2>/dev/null | grep -q "^$timer" &&
    fail "dpkg -P left deb-systemd-helper's state of $timer"
in_root dpkg -s tcpadvise >/dev/null 2>&1 && fail "dpkg -s still knows tcpadvise"

# And the host has none of it.
[ ! -e /usr/sbin/tcpadvise ] && [ ! -e /etc/.t-68-canary ] && [ ! -L "$wants" ] ||
    fail "something reached the host"
finish
