/*
 * registry: the table of finding IDs; see registry.h.
 *
 * Keep the table sorted by id with strcmp(): the unit test checks it, and
 * that every "TA-" literal of the sources is found here.
 */
#include <ctype.h>
#include <string.h>

#include "registry.h"

const char *
finding_kind_name(enum finding_kind k)
{
	static const char *const names[] = {
		"deviation", "hazard", "drift", "shadowed", "unsupported", "evidence",
	};

	return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

static const struct finding_id ids[] = {
	{ "TA-C001", false, SEV_WARNING, true, KIND_UNSUPPORTED,
	  "an unknown net.* key in a configuration file",
	  "The line names a key this kernel does not have: often a misspelt key "
	  "(with the closest known one suggested), or one that needs a module or "
	  "another release. It sets nothing, and `sysctl -p` exits 1 on it. Info "
	  "instead of warning where lint cannot tell (no kernel to ask, no close "
	  "known key). Remedy: comment the line out." },
	{ "TA-C002", false, SEV_WARNING, false, KIND_HAZARD,
	  "a configuration line that is not an assignment",
	  "procps skips the line with a warning; systemd-sysctl skips it and "
	  "exits 1, which marks systemd-sysctl.service failed at boot. Remedy: "
	  "comment the line out." },
	{ "TA-C003", false, SEV_WARNING, false, KIND_HAZARD,
	  "a configuration file that cannot be read",
	  "systemd-sysctl exits 1 when a file cannot be read, and none of its "
	  "settings is applied at boot. tcpadvise does not remove files: make it "
	  "readable or remove it." },
	{ "TA-C004", false, SEV_WARNING, false, KIND_HAZARD,
	  "procps and systemd-sysctl set a key differently, and both run at boot",
	  "Which value a reboot leaves depends on which applier runs last: "
	  "systemd-sysctl reads /etc/sysctl.conf only through the 99-sysctl.conf "
	  "link and skips hidden files; procps reads both, /etc/sysctl.conf last. "
	  "Reported only where both really run at boot. Remedy: set the value in "
	  "tcpadvise's fragment and comment out the lines only one of them reads." },
	{ "TA-C005", false, SEV_INFO, false, KIND_HAZARD,
	  "a harmful line that a later line overrides",
	  "The line would trigger a hazard rule if it were in effect; a later line "
	  "overrides it today, but removing that line or renaming a file brings "
	  "the harm back. Remedy: comment it out (apply --resolve does)." },
	{ "TA-C006", false, SEV_WARNING, false, KIND_HAZARD,
	  "global keys set in a child network namespace (a container)",
	  "One finding for every global key that files set inside a container: "
	  "such keys are missing there ('cannot stat') or read-only copies of the "
	  "host's (net.core.rmem_max and wmem_max since 6.11, EACCES), so the "
	  "lines set nothing and fail at every start. Remedy: comment the lines "
	  "out and set the values on the host." },
	{ "TA-D", true, SEV_WARNING, true, KIND_DEVIATION,
	  "deviation: the key does not meet the profile's expectation",
	  "The live value, or the value a reboot would set, fails the profile's "
	  "expectation (exact value, minimum, maximum, one of a set). The severity "
	  "is the setting's. Remedy: set the profile's value in tcpadvise's "
	  "fragment (and live); where the live value passes and only the boot "
	  "value fails, persist the live value." },
	{ "TA-E001", false, SEV_INFO, false, KIND_EVIDENCE,
	  "many TIME_WAIT sockets on listening ports",
	  "This host closes first the connections its clients opened; TIME_WAIT "
	  "stays with whoever closes first. Normal on a server; HTTP keep-alive "
	  "reduces it. No sysctl is the remedy." },
	{ "TA-E002", false, SEV_WARNING, true, KIND_EVIDENCE,
	  "client-side TIME_WAIT filling the local port range",
	  "Connections this host opened, to one peer above all, hold ports of "
	  "ip_local_port_range in TIME_WAIT (warning at half the range, else "
	  "info). Pool connections, widen the range, or set tcp_tw_reuse = 1 on "
	  "this client." },
	{ "TA-E003", false, SEV_WARNING, true, KIND_EVIDENCE,
	  "sockets in CLOSE_WAIT",
	  "An application does not close sockets its peer closed (warning from "
	  "10 on); the processes are named. No sysctl ends CLOSE_WAIT: fix the "
	  "application." },
	{ "TA-E004", false, SEV_WARNING, false, KIND_EVIDENCE,
	  "SYN_RECV piling up while SYN cookies are sent",
	  "A SYN flood, or a listener far behind. Keep tcp_syncookies on." },
	{ "TA-E005", false, SEV_WARNING, false, KIND_EVIDENCE,
	  "accept queues overflow",
	  "ListenOverflows grows, or a listener's queue is full now: the "
	  "application accepts too slowly or its backlog is too small." },
	{ "TA-E006", false, SEV_WARNING, false, KIND_EVIDENCE,
	  "TIME_WAIT at its limit",
	  "TIME_WAIT sockets reach 90 % of tcp_max_tw_buckets, or the table "
	  "overflowed: connections closed past it skip TIME_WAIT." },
	{ "TA-E007", false, SEV_WARNING, false, KIND_EVIDENCE,
	  "orphans at their limit",
	  "Orphaned sockets reach half of tcp_max_orphans, or connections were "
	  "reset for lack of memory (TCPAbortOnMemory)." },
	{ "TA-E008", false, SEV_INFO, false, KIND_EVIDENCE,
	  "listeners ask for a backlog below somaxconn",
	  "listen() takes the smaller of the application's backlog and "
	  "somaxconn; with overflows, raise the application's backlog (nginx: "
	  "listen ... backlog=)." },
	{ "TA-E009", false, SEV_INFO, false, KIND_EVIDENCE,
	  "somaxconn not in effect for some listeners yet",
	  "A listener keeps the accept-queue limit somaxconn gave it at listen(); "
	  "after somaxconn changes, reload or restart its service." },
	{ "TA-E010", false, SEV_INFO, false, KIND_EVIDENCE,
	  "default_qdisc not in effect on some devices yet",
	  "The kernel attaches default_qdisc when a device is activated; a device "
	  "activated before default_qdisc changed keeps the qdisc it got." },
	{ "TA-E011", false, SEV_WARNING, false, KIND_EVIDENCE,
	  "listening ports inside the ephemeral port range, not reserved",
	  "While the service is down, an outgoing connection can take its port from "
	  "ip_local_port_range and the service then fails to bind. Remedy: add the "
	  "ports to ip_local_reserved_ports (the fix names the line), or move the "
	  "range or the services." },
	{ "TA-E012", false, SEV_WARNING, false, KIND_EVIDENCE,
	  "the connection tracking table is nearly full, or would be too small",
	  "nf_conntrack_count is at 90% of nf_conntrack_max, or the value a reboot "
	  "sets is below what is tracked now; a full table drops new connections. "
	  "Remedy: raise nf_conntrack_max to the peak, or shorten idle timeouts." },
	{ "TA-H", true, SEV_WARNING, true, KIND_HAZARD,
	  "a hazard rule of the profile",
	  "A condition over one or more keys, the kernel release and the "
	  "namespace that the profile marks as harmful, with its reason, source "
	  "and fix; `tcpadvise explain TA-Hnnn` prints the rule." },
	{ "TA-I001", false, SEV_WARNING, true, KIND_HAZARD,
	  "an interface's own IPv4 setting defeats the profile's conf.all value",
	  "The kernel combines conf.all.X with each interface's conf.IF.X: "
	  "rp_filter takes the larger, send_redirects, secure_redirects and "
	  "log_martians either, accept_source_route both, accept_redirects both "
	  "where the interface forwards and either elsewhere. An interface whose "
	  "own value was set on its own (before conf.default changed, by a "
	  "script, or by a line naming it) keeps the effective value from what "
	  "the profile asks of conf.all, even once conf.all and conf.default are "
	  "fixed. The severity is the setting's. Remedy: set the interface's own "
	  "key (sysctl -w, and a line in a sysctl.d file); apply does not write "
	  "the keys of one interface, so the finding is not fixable by it." },
	{ "TA-I002", false, SEV_WARNING, false, KIND_HAZARD,
	  "strict reverse-path filtering on an interface of a multihomed host",
	  "rp_filter is the larger of conf.all and the interface's own value, so "
	  "an interface whose own value is 1 filters strictly even where "
	  "conf.all is 0 or 2 (conf.all = 1 is TA-H032). On a host with several "
	  "uplinks or default routes strict mode drops replies that come back "
	  "another way. Remedy: set the interface's rp_filter to 2 (loose) by "
	  "hand; apply does not write the keys of one interface." },
	{ "TA-L001", false, SEV_WARNING, false, KIND_HAZARD,
	  "a value the kernel rejects",
	  "The value does not parse for the key's shape, or a field lies outside "
	  "the range the kernel accepts: the write fails with EINVAL at every "
	  "boot, and both appliers report it. Remedy: comment the line out." },
	{ "TA-L002", false, SEV_INFO, false, KIND_DEVIATION,
	  "a value outside the sane range",
	  "The kernel accepts it, but a field lies outside the range the catalog "
	  "considers sane for the key; make sure it is intended." },
	{ "TA-L003", false, SEV_WARNING, false, KIND_HAZARD,
	  "a key assigned twice with different values",
	  "procps writes every assignment in turn and the last one wins, so the "
	  "earlier value applies for a moment at every boot, and removing or "
	  "renaming a file silently brings it back. Lines in tcpadvise's own "
	  "fragment are left out. Remedy: comment out the earlier line." },
	{ "TA-L004", false, SEV_INFO, false, KIND_SHADOWED,
	  "a key assigned again, with the same value, in a later file",
	  "The earlier line is redundant while the later file sets the key; a "
	  "change made to it alone would have no effect." },
	{ "TA-P", true, SEV_INFO, false, KIND_DEVIATION,
	  "a setting the profile does not ask of this host",
	  "The setting has a condition (`when`) that does not hold here, for "
	  "example hardening's ip_forward = 0 on a host that routes for containers, "
	  "or bbr's default_qdisc = fq on a kernel without sch_fq; the value here "
	  "would fail it, and the key is left as it is. The reason is the "
	  "setting's: it says where the profile asks it and why not elsewhere. "
	  "Nothing to fix." },
	{ "TA-R", true, SEV_INFO, false, KIND_DRIFT,
	  "drift: the live value differs from what a reboot would set",
	  "Something changed the value at run time, or a file was edited and not "
	  "applied. Reported as info, with no remedy, because the profile accepts "
	  "both values; where one of them fails, the finding is a deviation or a "
	  "hazard with its own remedy." },
	{ "TA-S", true, SEV_INFO, false, KIND_SHADOWED,
	  "shadowed: a later line overrides a key of tcpadvise's fragment",
	  "A later file sets the key after the fragment, with a value the profile "
	  "accepts, so the fragment's line for it does nothing. Where the later "
	  "value fails the profile, the finding is a deviation or hazard instead, "
	  "whose remedy comments that line out." },
	{ "TA-U", true, SEV_WARNING, true, KIND_UNSUPPORTED,
	  "unsupported: a key this kernel or namespace does not have",
	  "A configuration line sets a key that is removed or not yet added on "
	  "this kernel (warning: `sysctl -p` exits 1 on it; remedy: comment it "
	  "out), a global key inside a child network namespace (info: set it on "
	  "the host), or the profile names such a key (info)." },
};

const struct finding_id *
registry_entries(size_t *ret_n)
{
	*ret_n = sizeof ids / sizeof ids[0];
	return ids;
}

const struct finding_id *
registry_lookup(const char *id)
{
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		const struct finding_id *e = &ids[i];
		size_t n = strlen(e->id);

		if (!e->family) {
			if (strcmp(e->id, id) == 0)
				return e;
			continue;
		}
		if (strncmp(e->id, id, n) != 0 || id[n] == '\0')
			continue;
		for (const char *p = id + n; *p; p++)
			if (!isdigit((unsigned char)*p))
				goto next;
		return e;
next:
		;
	}
	return NULL;
}
