/*
 * host: facts about the machine beyond its sysctl values; see host.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "conffile.h"
#include "host.h"
#include "parse.h"
#include "procfs.h"

#define HOST_FILE_MAX	(8u << 20)	/* modules.dep of a distribution kernel is < 1 MiB */
#define CONFIG_MAX	(4u << 20)
#define IFNAME_MAX	16		/* IFNAMSIZ */

/*
 * Interface name prefixes of networks a host routes for its guests:
 * container bridges and veth ends, CNI plugins, libvirt. Traffic through
 * them is forwarded, and they are not uplinks.
 */
static const char *const guest_prefixes[] = {
	"docker", "br-", "veth", "cni", "flannel", "cali", "cilium", "kube-",
	"virbr", "vnet", "podman", "lxcbr", "lxdbr", "weave", "vxlan", "tunl",
	"antrea", "genev",
};

const char *
host_avail_name(enum host_avail a)
{
	switch (a) {
	case HOST_MISSING:
		return "missing";
	case HOST_MODULE:
		return "module";
	case HOST_BUILTIN:
		return "built in";
	case HOST_UNKNOWN:
		break;
	}
	return "unknown";
}

bool
host_word_in(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (list == NULL || n == 0)
		return false;
	for (const char *p = list; *p != '\0'; ) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
	}
	return false;
}

static int
strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv, *copy;

	if ((copy = strndup(s, len)) == NULL)
		return -ENOMEM;
	if ((nv = realloc(*v, (*n + 1) * sizeof **v)) == NULL) {
		free(copy);
		return -ENOMEM;
	}
	nv[(*n)++] = copy;
	*v = nv;
	return 0;
}

static void
strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static bool
strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

void
host_clear(struct host_facts *h)
{
	free(h->container);
	free(h->guest_net);
	strv_free(h->config, h->nconfig);
	strv_free(h->builtin, h->nbuiltin);
	strv_free(h->loadable, h->nloadable);
	memset(h, 0, sizeof *h);
	h->modules_enabled = true;
}

/* Lines of text, one at a time: *line and *len, false at the end. */
static bool
next_line(const char **p, const char **line, size_t *len)
{
	if (**p == '\0')
		return false;
	*line = *p;
	*len = strcspn(*p, "\n");
	*p += *len;
	if (**p == '\n')
		(*p)++;
	return true;
}

int
host_parse_meminfo(struct host_facts *h, const char *text)
{
	const char *p = text, *line;
	size_t len;

	while (next_line(&p, &line, &len)) {
		char buf[128];
		long long kb;

		if (len >= sizeof buf || strncmp(line, "MemTotal:", 9) != 0)
			continue;
		memcpy(buf, line + 9, len - 9);
		buf[len - 9] = '\0';
		/* "   24683784 kB" */
		if (sscanf(buf, "%lld", &kb) == 1 && kb > 0 && kb < (1LL << 50))
			h->mem_bytes = kb * 1024;
		break;
	}
	return 0;
}

/* Keep only the symbols host_cc() and host_qdisc() ask about. */
int
host_parse_config(struct host_facts *h, const char *text)
{
	const char *p = text, *line;
	size_t len;
	int r;

	h->config_known = true;
	while (next_line(&p, &line, &len)) {
		char buf[128];
		const char *sym = line;
		size_t n;

		/* "CONFIG_X=y", "CONFIG_X=m", "# CONFIG_X is not set" */
		if (strncmp(line, "# CONFIG_", 9) == 0)
			sym = line + 2;
		if (strncmp(sym, "CONFIG_DEFAULT_TCP_CONG=\"", 25) == 0 ||
		    strncmp(sym, "CONFIG_DEFAULT_NET_SCH=\"", 24) == 0) {
			bool cc = sym[15] == 'T';
			const char *v = sym + (cc ? 25 : 24);
			size_t vlen = strcspn(v, "\"\n");
			char *dst = cc ? h->default_cc : h->default_qdisc;

			if (vlen < sizeof h->default_cc && v[vlen] == '"') {
				memcpy(dst, v, vlen);
				dst[vlen] = '\0';
			}
			continue;
		}
		if (strncmp(sym, "CONFIG_HZ=", 10) == 0) {
			unsigned long hz = strtoul(sym + 10, NULL, 10);

			h->hz = hz >= 24 && hz <= 10000 ? (unsigned)hz : 0;
			continue;
		}
		if (strncmp(sym, "CONFIG_MODULES=", 15) == 0)
			h->modules_enabled = sym[15] == 'y';
		else if (strncmp(sym, "CONFIG_MODULES is not set", 25) == 0)
			h->modules_enabled = false;
		if (strncmp(sym, "CONFIG_TCP_CONG_", 16) != 0 &&
		    strncmp(sym, "CONFIG_NET_SCH_", 15) != 0)
			continue;
		n = strcspn(sym, "= \n");
		if (n + 3 > sizeof buf || sym + n > line + len)
			continue;
		memcpy(buf, sym, n);
		buf[n] = '=';
		buf[n + 1] = sym[n] == '=' ? sym[n + 1] : 'n';
		if ((r = strv_push(&h->config, &h->nconfig, buf, n + 2)) < 0)
			return r;
	}
	/* Without CONFIG_NET_SCH_DEFAULT the kernel's default is pfifo_fast. */
	if (h->default_qdisc[0] == '\0')
		snprintf(h->default_qdisc, sizeof h->default_qdisc, "pfifo_fast");
	return 0;
}

/*
 * modules.builtin ("kernel/net/sched/sch_fq.ko") or modules.dep
 * ("kernel/net/sched/sch_fq.ko.xz: deps"): keep the names of the tcp_ and
 * sch_ modules, without path and suffixes.
 */
int
host_parse_modules(struct host_facts *h, const char *text, bool builtin)
{
	const char *p = text, *line;
	size_t len;
	int r;

	h->modlist_known = true;
	while (next_line(&p, &line, &len)) {
		const char *end = line + strcspn(line, ":\n");
		const char *base = line, *ko;

		for (const char *q = line; q < end; q++)
			if (*q == '/')
				base = q + 1;
		if (end - base < 5 || (strncmp(base, "tcp_", 4) != 0 &&
		    strncmp(base, "sch_", 4) != 0))
			continue;
		ko = base;
		while (ko < end && strncmp(ko, ".ko", 3) != 0)
			ko++;
		if (ko == end)
			continue;
		r = builtin ? strv_push(&h->builtin, &h->nbuiltin, base, ko - base) :
		    strv_push(&h->loadable, &h->nloadable, base, ko - base);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool
is_guest_net(const char *ifname)
{
	for (size_t i = 0; i < sizeof guest_prefixes / sizeof *guest_prefixes; i++)
		if (strncmp(ifname, guest_prefixes[i], strlen(guest_prefixes[i])) == 0)
			return true;
	return false;
}

/* Count an interface that carries a route (once). */
static int
route_iface(struct host_facts *h, const char *ifname)
{
	char quoted[IFNAME_MAX + 2];

	if (strcmp(ifname, "lo") == 0 || ifname[0] == '\0')
		return 0;
	if (is_guest_net(ifname)) {
		if (h->guest_net == NULL && (h->guest_net = strdup(ifname)) == NULL)
			return -ENOMEM;
		return 0;
	}
	/* Already counted? The list is "a, b, c". */
	snprintf(quoted, sizeof quoted, "%s", ifname);
	for (const char *p = h->uplink_names; *p != '\0'; ) {
		size_t len = strcspn(p, ",");

		if (len == strlen(quoted) && strncmp(p, quoted, len) == 0)
			return 0;
		p += len;
		p += strspn(p, ", ");
	}
	h->uplinks++;
	if (h->uplink_names[0] == '\0')
		snprintf(h->uplink_names, sizeof h->uplink_names, "%s", ifname);
	else if (strlen(h->uplink_names) + strlen(ifname) + 3 < sizeof h->uplink_names) {
		strcat(h->uplink_names, ", ");
		strcat(h->uplink_names, ifname);
	}
	return 0;
}

/* One line as a string in buf; false when it does not fit. */
static bool
line_copy(char *buf, size_t size, const char *line, size_t len)
{
	if (len >= size)
		return false;
	memcpy(buf, line, len);
	buf[len] = '\0';
	return true;
}

/*
 * /proc/net/route: "Iface Destination Gateway Flags RefCnt Use Metric Mask
 * ..." with a header line, hexadecimal addresses. /proc/net/ipv6_route:
 * "dest plen src plen gateway metric refcnt use flags iface", no header.
 * Rejected routes (RTF_REJECT, 0x0200) and those of lo are not counted.
 */
int
host_parse_routes(struct host_facts *h, const char *route, const char *ipv6_route)
{
	const char *p, *line;
	size_t len;
	int r;

	h->routes_known = route != NULL || ipv6_route != NULL;
	for (p = route != NULL ? route : ""; next_line(&p, &line, &len); ) {
		char ifname[IFNAME_MAX], dest[16], mask[16];
		unsigned flags;
		char buf[512];

		if (!line_copy(buf, sizeof buf, line, len) ||
		    sscanf(buf, "%15s %15s %*s %x %*s %*s %*s %15s", ifname, dest,
		    &flags, mask) != 4 || strcmp(ifname, "Iface") == 0)
			continue;
		if ((flags & 0x0001) == 0 || (flags & 0x0200) != 0)	/* RTF_UP, RTF_REJECT */
			continue;
		if ((r = route_iface(h, ifname)) < 0)
			return r;
		if (strcmp(dest, "00000000") == 0 && strcmp(mask, "00000000") == 0 &&
		    strcmp(ifname, "lo") != 0)
			h->default_routes4++;
	}
	for (p = ipv6_route != NULL ? ipv6_route : ""; next_line(&p, &line, &len); ) {
		char dest[40], plen[4], ifname[IFNAME_MAX];
		unsigned flags;
		char buf[512];

		if (!line_copy(buf, sizeof buf, line, len) ||
		    sscanf(buf, "%39s %3s %*s %*s %*s %*s %*s %*s %x %15s", dest, plen,
		    &flags, ifname) != 4)
			continue;
		if ((flags & 0x0001) == 0 || (flags & 0x0200) != 0 ||
		    strcmp(ifname, "lo") == 0)
			continue;
		/* RTF_DEFAULT (0x10000): a default router from an advertisement;
		   RTF_ADDRCONF (0x40000): a prefix route from one. */
		if ((flags & 0x00050000) != 0)
			h->slaac = true;
		/* Link-local fe80::/64 exists on every interface that is up: it
		   says nothing about how the host is connected. */
		if (strncmp(dest, "fe80", 4) == 0 || strncmp(dest, "ff", 2) == 0)
			continue;
		if ((r = route_iface(h, ifname)) < 0)
			return r;
		if (strspn(dest, "0") == 32 && strcmp(plen, "00") == 0)
			h->default_routes6++;
	}
	return 0;
}

static char *
read_text_len(const char *root, const char *path, size_t max, size_t *ret_len)
{
	char full[4096], *text = NULL;

	if (path_join_root(root, path, full, sizeof full) < 0 ||
	    procfs_read_path(full, max, &text, ret_len) < 0)
		return NULL;
	return text;
}

static char *
read_text(const char *root, const char *path, size_t max)
{
	size_t len;

	return read_text_len(root, path, max, &len);
}

/* /proc/config.gz through zlib; NULL when absent or unreadable. */
static char *
read_gzip(const char *root, const char *path)
{
	char *buf;
	size_t len = 0;
	gzFile z;
	int fd, n;

	/* Checked before it is read, like every file: a FIFO or device
	   planted below --root is never opened for reading. */
	if ((fd = conffile_open(root, path, 0, NULL)) < 0)
		return NULL;
	if ((z = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		return NULL;
	}
	if ((buf = malloc(CONFIG_MAX + 1)) == NULL) {
		gzclose(z);
		return NULL;
	}
	while (len < CONFIG_MAX &&
	    (n = gzread(z, buf + len, (unsigned)(CONFIG_MAX - len))) > 0)
		len += (size_t)n;
	if (n < 0 || gzclose(z) != Z_OK) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* The kernel build, read once per process when host_memo_enable() was
   called (a --all-netns worker reads it for every namespace): the kernel
   does not change under a running program. */
static struct {
	bool on, valid;
	char root_release[512];
	struct host_facts f;
} kb_memo;

void
host_memo_enable(void)
{
	kb_memo.on = true;
}

void
host_memo_clear(void)
{
	host_clear(&kb_memo.f);
	memset(&kb_memo, 0, sizeof kb_memo);
}

static int strv_copy(char ***dst, size_t *ndst, char *const *src, size_t n);

/* Copy the kernel build fields of src into h. */
static int
copy_build(struct host_facts *h, const struct host_facts *src)
{
	h->config_known = src->config_known;
	memcpy(h->default_cc, src->default_cc, sizeof h->default_cc);
	memcpy(h->default_qdisc, src->default_qdisc, sizeof h->default_qdisc);
	h->hz = src->hz;
	h->modules_enabled = src->modules_enabled;
	h->modlist_known = src->modlist_known;
	if (strv_copy(&h->config, &h->nconfig, src->config, src->nconfig) < 0 ||
	    strv_copy(&h->builtin, &h->nbuiltin, src->builtin, src->nbuiltin) < 0 ||
	    strv_copy(&h->loadable, &h->nloadable, src->loadable, src->nloadable) < 0)
		return -ENOMEM;
	return 0;
}

static int read_kernel_build_now(const char *root, const char *release,
    struct host_facts *h);

static int
read_kernel_build(const char *root, const char *release, struct host_facts *h)
{
	char key[512];
	int r;

	if (!kb_memo.on)
		return read_kernel_build_now(root, release, h);
	snprintf(key, sizeof key, "%s\n%s", root, release ? release : "");
	if (kb_memo.valid && strcmp(key, kb_memo.root_release) == 0)
		return copy_build(h, &kb_memo.f);
	if ((r = read_kernel_build_now(root, release, h)) < 0)
		return r;
	host_clear(&kb_memo.f);
	memset(&kb_memo.f, 0, sizeof kb_memo.f);
	kb_memo.valid = copy_build(&kb_memo.f, h) == 0;
	snprintf(kb_memo.root_release, sizeof kb_memo.root_release, "%s", key);
	return 0;
}

static int
read_kernel_build_now(const char *root, const char *release, struct host_facts *h)
{
	char path[512], *text;
	int r = 0;

	text = read_gzip(root, "/proc/config.gz");
	if (text == NULL && release != NULL) {
		snprintf(path, sizeof path, "/boot/config-%s", release);
		text = read_text(root, path, CONFIG_MAX);
	}
	if (text != NULL) {
		r = host_parse_config(h, text);
		free(text);
		if (r < 0)
			return r;
	}
	if (release == NULL)
		return 0;
	for (int i = 0; i < 2; i++) {
		static const char *const dirs[] = { "/lib/modules", "/usr/lib/modules" };

		snprintf(path, sizeof path, "%s/%s/modules.builtin", dirs[i], release);
		if ((text = read_text(root, path, HOST_FILE_MAX)) == NULL)
			continue;
		r = host_parse_modules(h, text, true);
		free(text);
		if (r < 0)
			return r;
		snprintf(path, sizeof path, "%s/%s/modules.dep", dirs[i], release);
		if ((text = read_text(root, path, HOST_FILE_MAX)) != NULL) {
			r = host_parse_modules(h, text, false);
			free(text);
		}
		return r;
	}
	return 0;
}

static unsigned
read_cpus(const char *root)
{
	char *text = read_text(root, "/sys/devices/system/cpu/online", 4096);
	unsigned n = 0;

	/* "0-3,6,8-9" */
	if (text != NULL) {
		for (char *p = text, *end; *p != '\0' && *p != '\n'; p = end) {
			unsigned long a = strtoul(p, &end, 10), b = a;

			if (end == p)
				break;
			if (*end == '-')
				b = strtoul(end + 1, &end, 10);
			if (b >= a && b - a < 65536)
				n += (unsigned)(b - a + 1);
			if (*end == ',')
				end++;
		}
		free(text);
	}
	if (n == 0 && (root == NULL || strcmp(root, "/") == 0)) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		n = c > 0 ? (unsigned)c : 0;
	}
	return n;
}

static bool
exists(const char *root, const char *path)
{
	char full[4096];

	return path_join_root(root, path, full, sizeof full) == 0 &&
	    access(full, F_OK) == 0;
}

/* What systemd-detect-virt --container reads, in its order. */
static int
read_container(const char *root, struct host_facts *h)
{
	char path[4096], *text;
	const char *kind = NULL;
	size_t len;

	if ((text = read_text(root, "/run/systemd/container", 256)) != NULL) {
		text[strcspn(text, "\n")] = '\0';
		if (text[0] != '\0')
			h->container = text;
		else
			free(text);
		if (h->container != NULL)
			return 0;
	}
	if ((text = read_text_len(root, "/proc/1/environ", 65536, &len)) != NULL) {
		/* NUL-separated NAME=value strings */
		for (size_t i = 0; i < len; i += strlen(text + i) + 1)
			if (strncmp(text + i, "container=", 10) == 0 &&
			    text[i + 10] != '\0') {
				h->container = strdup(text + i + 10);
				free(text);
				return h->container != NULL ? 0 : -ENOMEM;
			}
		free(text);
	}
	if (path_join_root(root, "/run/.containerenv", path, sizeof path) == 0 &&
	    access(path, F_OK) == 0)
		kind = "podman";
	else if (path_join_root(root, "/.dockerenv", path, sizeof path) == 0 &&
	    access(path, F_OK) == 0)
		kind = "docker";
	if (kind != NULL && (h->container = strdup(kind)) == NULL)
		return -ENOMEM;
	return 0;
}

int
host_read(const char *root, const char *release, struct host_facts *h)
{
	char *text, *v6, path[64];
	int r;

	memset(h, 0, sizeof *h);
	h->modules_enabled = true;
	if ((text = read_text(root, "/proc/meminfo", 65536)) != NULL) {
		r = host_parse_meminfo(h, text);
		free(text);
		if (r < 0)
			goto fail;
	}
	h->cpus = read_cpus(root);
	h->kubernetes = exists(root, "/var/lib/kubelet/config.yaml") ||
	    exists(root, "/etc/kubernetes/kubelet.conf");
	if ((r = read_container(root, h)) < 0 ||
	    (r = read_kernel_build(root, release, h)) < 0)
		goto fail;
	text = read_text(root, procfs_net_path(root, "route", path, sizeof path),
	    HOST_FILE_MAX);
	v6 = read_text(root, procfs_net_path(root, "ipv6_route", path, sizeof path),
	    HOST_FILE_MAX);
	r = text != NULL || v6 != NULL ? host_parse_routes(h, text, v6) : 0;
	free(text);
	free(v6);
	if (r < 0)
		goto fail;
	return 0;
fail:
	host_clear(h);
	return r;
}

/*
 * The value of CONFIG_<sym> in the kernel's configuration: 'y', 'm', 'n'
 * ("is not set"), or '\0' when the configuration does not mention it (a
 * name this kernel tree does not have, or whose dependencies are off).
 */
static char
config_value(const struct host_facts *h, const char *sym)
{
	size_t n = strlen(sym);

	for (size_t i = 0; i < h->nconfig; i++)
		if (strncmp(h->config[i], sym, n) == 0 && h->config[i][n] == '=')
			return h->config[i][n + 1];
	return '\0';
}

/*
 * The verdict for module `mod` whose configuration symbol is `sym` (NULL
 * when mainline has no such option): the module lists first (they show
 * out-of-tree modules too), then the configuration.
 */
static enum host_avail
avail(const struct host_facts *h, const char *mod, const char *sym)
{
	char c;

	if (h->modlist_known) {
		if (strv_has(h->builtin, h->nbuiltin, mod))
			return HOST_BUILTIN;
		if (h->modules_enabled && strv_has(h->loadable, h->nloadable, mod))
			return HOST_MODULE;
	}
	if (h->config_known) {
		c = sym != NULL ? config_value(h, sym) : '\0';
		if (c == 'y')
			return HOST_BUILTIN;
		if (c == 'm' && h->modules_enabled)
			/* Configured as a module: installed unless the
			   module list, when known, says otherwise. */
			return h->modlist_known ? HOST_MISSING : HOST_MODULE;
		if (c == 'n' || c == 'm' || !h->modules_enabled || h->modlist_known)
			return HOST_MISSING;
		/* Unknown to this configuration, and an out-of-tree module
		   could be installed where the module list is unknown. */
		return HOST_UNKNOWN;
	}
	if (h->modlist_known && !h->modules_enabled)
		return HOST_MISSING;
	/* Built-in code that is not a module leaves no trace in the
	   module lists, so their silence proves nothing. */
	return HOST_UNKNOWN;
}

static void
upper(char *dst, size_t size, const char *prefix, const char *name)
{
	size_t i = strlen(prefix);

	snprintf(dst, size, "%s", prefix);
	for (; *name != '\0' && i + 1 < size; name++)
		dst[i++] = (char)toupper((unsigned char)*name);
	dst[i] = '\0';
}

/* The congestion controls mainline Linux has, by their CONFIG_TCP_CONG_ name. */
static const char *const mainline_cc[][2] = {
	{ "bbr", "BBR" }, { "bic", "BIC" }, { "cdg", "CDG" }, { "cubic", "CUBIC" },
	{ "dctcp", "DCTCP" }, { "highspeed", "HSTCP" }, { "htcp", "HTCP" },
	{ "hybla", "HYBLA" }, { "illinois", "ILLINOIS" }, { "lp", "LP" },
	{ "nv", "NV" }, { "scalable", "SCALABLE" }, { "vegas", "VEGAS" },
	{ "veno", "VENO" }, { "westwood", "WESTWOOD" }, { "yeah", "YEAH" },
};

enum host_avail
host_cc(const struct host_facts *h, const char *name, const char *registered)
{
	char mod[64], sym[64];
	const char *s = NULL;

	if (strcmp(name, "reno") == 0 || host_word_in(registered, name))
		return HOST_BUILTIN;
	if (strlen(name) > 32)
		return HOST_MISSING;
	for (size_t i = 0; i < sizeof mainline_cc / sizeof *mainline_cc; i++)
		if (strcmp(name, mainline_cc[i][0]) == 0) {
			snprintf(sym, sizeof sym, "CONFIG_TCP_CONG_%s", mainline_cc[i][1]);
			s = sym;
		}
	snprintf(mod, sizeof mod, "tcp_%s", name);
	return avail(h, mod, s);
}

/* Queueing disciplines that are part of the core, never a module. */
static const char *const core_qdiscs[] = {
	"bfifo", "noqueue", "pfifo", "pfifo_fast", "pfifo_head_drop",
};

enum host_avail
host_qdisc(const struct host_facts *h, const char *name)
{
	char mod[64], sym[64];

	for (size_t i = 0; i < sizeof core_qdiscs / sizeof *core_qdiscs; i++)
		if (strcmp(name, core_qdiscs[i]) == 0)
			return HOST_BUILTIN;
	if (strlen(name) > 32)
		return HOST_MISSING;
	upper(sym, sizeof sym, "CONFIG_NET_SCH_", name);
	snprintf(mod, sizeof mod, "sch_%s", name);
	return avail(h, mod, sym);
}

bool
host_multihomed(const struct host_facts *h)
{
	return h->routes_known && (h->uplinks >= 2 || h->default_routes4 >= 2 ||
	    h->default_routes6 >= 2);
}

static int
strv_copy(char ***dst, size_t *ndst, char *const *src, size_t n)
{
	int r;

	for (size_t i = 0; i < n; i++)
		if ((r = strv_push(dst, ndst, src[i], strlen(src[i]))) < 0)
			return r;
	return 0;
}

int
host_copy(struct host_facts *dst, const struct host_facts *src)
{
	*dst = *src;
	dst->container = dst->guest_net = NULL;
	dst->config = dst->builtin = dst->loadable = NULL;
	dst->nconfig = dst->nbuiltin = dst->nloadable = 0;
	if ((src->container != NULL && (dst->container = strdup(src->container)) == NULL) ||
	    (src->guest_net != NULL && (dst->guest_net = strdup(src->guest_net)) == NULL) ||
	    strv_copy(&dst->config, &dst->nconfig, src->config, src->nconfig) < 0 ||
	    strv_copy(&dst->builtin, &dst->nbuiltin, src->builtin, src->nbuiltin) < 0 ||
	    strv_copy(&dst->loadable, &dst->nloadable, src->loadable, src->nloadable) < 0) {
		host_clear(dst);
		return -ENOMEM;
	}
	return 0;
}
