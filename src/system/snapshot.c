/*
 * snapshot: read the live system and its configuration once; see snapshot.h.
 *
 * Everything that rules_eval() judges is gathered here, so the engine stays
 * free of I/O. Reads are bounded: one read() per /proc/sys key of the
 * catalog (about sixty files), plus the sysctl.d files. Nothing walks the
 * whole of /proc/sys, which is what makes a check cheaper than `sysctl -a`.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "conffile.h"
#include "parse.h"
#include "procfs.h"
#include "snapshot.h"

/* Fold runs of blanks into one space ("4096\t131072" -> "4096 131072"). */
static void
fold_blanks(char *s)
{
	char *w = s;
	int blank = 0;

	for (char *r = s; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n') {
			blank = 1;
			continue;
		}
		if (blank && w != s)
			*w++ = ' ';
		blank = 0;
		*w++ = *r;
	}
	*w = '\0';
}

/* The kernel judged: release (copied, or taken over when owned) and where
   it comes from. Returns 0, -EINVAL (not a release) or -ENOMEM. */
static int
set_kernel(struct snapshot *s, const char *release, char *owned, const char *from)
{
	s->kernel_release = owned != NULL ? owned : strdup(release);
	if (s->kernel_release == NULL || (s->kernel_from = strdup(from)) == NULL)
		return -ENOMEM;
	return kver_parse(s->kernel_release, &s->host.kernel) < 0 ? -EINVAL : 0;
}

/* Whether the image's release r is the judged release j: the same, or j
   followed by '.' or '-' ("5.10" is "5.10.0-20-amd64"). */
static bool
release_matches(const char *r, const char *j)
{
	size_t n = strlen(j);

	return strncmp(r, j, n) == 0 && (r[n] == '\0' || r[n] == '.' || r[n] == '-');
}

#define IMAGE_KERNELS_MAX 8

/* The kernel releases an image carries, each once, with the path that
   shows it. */
struct image_kernels {
	char release[IMAGE_KERNELS_MAX][256];
	char from[IMAGE_KERNELS_MAX][320];
	size_t n;
};

/*
 * The releases below /lib/modules and /usr/lib/modules (one directory
 * each, as depmod installs them) and of /boot/config-RELEASE, resolved
 * inside the root; names that are not a release are skipped. At most
 * IMAGE_KERNELS_MAX; one more makes n exceed it.
 */
static void
image_kernels(const char *root, struct image_kernels *k)
{
	static const char *const dirs[] = { "/lib/modules", "/usr/lib/modules", "/boot" };
	struct dirent *de;
	struct kver v;
	DIR *d;

	k->n = 0;
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		bool boot = strcmp(dirs[i], "/boot") == 0;

		if (conffile_opendir(root, dirs[i], &d) < 0)
			continue;
		while ((de = readdir(d)) != NULL && k->n <= IMAGE_KERNELS_MAX) {
			const char *rel = de->d_name;
			bool seen = false;

			if (boot && strncmp(rel, "config-", 7) != 0)
				continue;
			rel += boot ? 7 : 0;
			if (rel[0] == '.' || kver_parse(rel, &v) < 0 ||
			    strlen(rel) >= sizeof k->release[0])
				continue;
			for (size_t j = 0; j < k->n && j < IMAGE_KERNELS_MAX && !seen; j++)
				seen = strcmp(k->release[j], rel) == 0;
			if (seen)
				continue;
			if (k->n < IMAGE_KERNELS_MAX) {
				snprintf(k->release[k->n], sizeof k->release[0], "%s", rel);
				snprintf(k->from[k->n], sizeof k->from[0], "%s/%s", dirs[i],
				    de->d_name);
			}
			k->n++;
		}
		closedir(d);
	}
}

/*
 * The release whose build (/boot/config-RELEASE, /lib/modules/RELEASE)
 * the image has for the judged kernel, in buf, or NULL: the first release
 * of the image that release_matches() the judged one.
 */
static const char *
image_build(const struct snapshot *s, char *buf, size_t size)
{
	struct image_kernels k;

	image_kernels(s->root, &k);
	for (size_t i = 0; i < k.n && i < IMAGE_KERNELS_MAX; i++)
		if (release_matches(k.release[i], s->kernel_release)) {
			snprintf(buf, size, "%s", k.release[i]);
			return buf;
		}
	return NULL;
}

static int
read_kernel(struct snapshot *s, const char *override)
{
	char *osrelease = NULL;
	struct utsname u;

	if (override != NULL) {
		s->kernel_overridden = true;
		return set_kernel(s, override, NULL, "--kernel");
	}
	if (s->offline) {
		struct image_kernels k;

		/* An image is judged for its own kernel, never the one running
		   tcpadvise: exactly one release must be there. */
		image_kernels(s->root, &k);
		if (k.n != 1)
			return k.n == 0 ? -ENODATA : -ENOTUNIQ;
		return set_kernel(s, k.release[0], NULL, k.from[0]);
	}
	/* kernel.osrelease is uname's release, and it follows --root. */
	if (procfs_read(s->root, "kernel.osrelease", &osrelease) == 0)
		return set_kernel(s, osrelease, osrelease, "/proc/sys/kernel/osrelease");
	if (uname(&u) < 0)
		return -errno;
	return set_kernel(s, u.release, NULL, "uname");
}

/*
 * A child network namespace has no net.core.netdev_max_backlog (a global
 * key of net_core_table, present in the init namespace since 2.6). This is
 * also what a container sees, which is what matters: pid 1 there lives in
 * the same namespace, so comparing /proc/1/ns/net would not tell.
 */
static bool
detect_netns_child(const char *root)
{
	bool writable;

	return procfs_stat(root, "net.core.netdev_max_backlog", &writable) == -ENOENT &&
	    procfs_stat(root, "net.core.somaxconn", &writable) == 0;
}

/* Whether ROOT/path exists (lstat: a dangling link counts). */
static bool
exists_below(const char *root, const char *path, struct stat *ret)
{
	char full[4096];
	struct stat st;

	if (path_join_root(root, path, full, sizeof full) < 0 || lstat(full, &st) < 0)
		return false;
	if (ret != NULL)
		*ret = st;
	return true;
}

/* The target of the symbolic link ROOT/path, in buf ("" when none). */
static const char *
link_below(const char *root, const char *path, char *buf, size_t size)
{
	char full[4096];
	ssize_t n;

	buf[0] = '\0';
	if (path_join_root(root, path, full, sizeof full) == 0 &&
	    (n = readlink(full, buf, size - 1)) >= 0)
		buf[n] = '\0';
	return buf;
}

/* Whether ROOT/path is an executable file that runs procps sysctl over
   the configuration ("sysctl -p", "sysctl --system"). */
static bool
calls_sysctl(const char *root, const char *path)
{
	char full[4096], buf[8192];
	struct stat st;
	ssize_t n;
	int fd;

	if (path_join_root(root, path, full, sizeof full) < 0 ||
	    (fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return false;
	n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) ?
	    read(fd, buf, sizeof buf - 1) : -1;
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, "sysctl -p") != NULL || strstr(buf, "sysctl --system") != NULL ||
	    strstr(buf, "sysctl -q -p") != NULL || strstr(buf, "sysctl -q --system") != NULL;
}

/*
 * Which appliers run at boot, from the image itself. systemd-sysctl runs
 * where systemd is init (sd_booted(): /run/systemd/system on a live
 * system; /sbin/init a link to systemd in an image) and its unit is there
 * and not masked. procps runs where a SysV or OpenRC init script calls it
 * (/etc/init.d/procps on Debian, /etc/init.d/sysctl on Alpine and
 * Gentoo): under systemd such a script is not run when a unit of the same
 * name exists, and Debian's procps.service is an alias of
 * systemd-sysctl.service; an executable /etc/rc.local that calls sysctl
 * runs after it. Where nothing tells (a bare tree), procps is the guess:
 * it reads every file, so nothing a file sets is left out of the view.
 */
static void
detect_boot(struct snapshot *s, const char *root)
{
	static const char *const unit_dirs[] = { "/etc/systemd/system",
	    "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system" };
	static const char *const scripts[] = { "/etc/init.d/procps",
	    "/etc/init.d/sysctl", "/etc/rc.d/init.d/sysctl" };
	char path[4096], link[4096];
	struct stat st;
	bool systemd_init = false, unit = false, masked = false, script = false;

	if (exists_below(root, "/run/systemd/system", &st) && S_ISDIR(st.st_mode))
		systemd_init = true;
	else if (strstr(link_below(root, "/sbin/init", link, sizeof link),
	    "systemd") != NULL)
		systemd_init = true;
	for (size_t i = 0; i < sizeof unit_dirs / sizeof unit_dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/systemd-sysctl.service", unit_dirs[i]);
		if (!exists_below(root, path, NULL))
			continue;
		if (i < 2 && strcmp(link_below(root, path, link, sizeof link),
		    "/dev/null") == 0)
			masked = true;
		else
			unit = true;
	}
	for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
		script |= exists_below(root, scripts[i], &st) && S_ISREG(st.st_mode);
	(void)unit;
	s->boot_appliers = 0;
	if (systemd_init && !masked)
		s->boot_appliers |= 1u << APPLIER_SYSTEMD;
	if (script && !systemd_init)
		s->boot_appliers |= 1u << APPLIER_PROCPS;
	/* Under systemd, rc.local (rc-local.service) runs late: a sysctl -p
	   there is applied after systemd-sysctl, and its result stays. */
	if (systemd_init && calls_sysctl(root, "/etc/rc.local")) {
		s->boot_appliers |= 1u << APPLIER_PROCPS;
		s->boot = APPLIER_PROCPS;
		s->boot_how = masked ? "/etc/rc.local runs sysctl (systemd-sysctl is "
		    "masked)" : "systemd-sysctl.service, then /etc/rc.local runs sysctl";
		return;
	}
	if (s->boot_appliers & (1u << APPLIER_SYSTEMD)) {
		s->boot = APPLIER_SYSTEMD;
		s->boot_how = "systemd-sysctl.service (systemd is init)";
	} else if (s->boot_appliers != 0) {
		s->boot = APPLIER_PROCPS;
		s->boot_how = "an init script runs sysctl --system";
	} else if (systemd_init && masked) {
		/* systemd without its applier: nothing sets the files. */
		s->boot = APPLIER_SYSTEMD;
		s->boot_how = "systemd-sysctl.service is masked: nothing applies the "
		    "files at boot";
	} else {
		s->boot = APPLIER_PROCPS;
		s->boot_appliers = 1u << s->boot;
		s->boot_how = "guessed: procps (no init found below the root)";
	}
}

/*
 * The kernel applies sysctl.KEY=VALUE parameters of its command line before
 * init, since Linux 5.8 (commit 3db978d480e2): they are the first layer of
 * what a reboot sets. Read from ROOT/proc/cmdline, one read(); a root
 * without it has no such layer, and neither has a child network namespace,
 * whose keys start from their defaults whatever the host booted with.
 * Returns 0 or -ENOMEM.
 */
static int
read_cmdline(struct snapshot *s)
{
	static const struct kver since = { 5, 8, 0 };
	char path[4096], *buf = NULL;
	size_t n;

	if (s->netns_child || kver_cmp(&s->host.kernel, &since) < 0 ||
	    path_join_root(s->root, "/proc/cmdline", path, sizeof path) < 0 ||
	    procfs_read_path(path, PROCFS_VALUE_MAX, &buf, &n) < 0)
		return 0;
	if (strstr(buf, "sysctl.") == NULL) {
		free(buf);
		return 0;
	}
	s->cmdline = buf;
	return sysctld_add_cmdline(s->config, s->cmdline);
}

/*
 * Container runtimes mount /proc/sys read-only (runc's readonlyPaths):
 * every write there fails with EROFS, whatever the key.
 */
static bool
detect_read_only(const char *path)
{
	struct statvfs vfs;

	return statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0;
}

/* The facts about the host that defaults and rules depend on (host.h):
   an image's kernel build is the one it carries for the judged release. */
static int
read_facts(struct snapshot *s)
{
	char build[256];
	const char *release = s->offline ? image_build(s, build, sizeof build) :
	    s->kernel_release;
	int r;

	if ((r = host_read(s->root, release, &s->facts)) < 0)
		return r;
	s->host.mem_bytes = s->facts.mem_bytes;
	s->mem_from = s->facts.mem_bytes > 0 ? "/proc/meminfo" : NULL;
	memcpy(s->host.default_cc, s->facts.default_cc, sizeof s->host.default_cc);
	memcpy(s->host.default_qdisc, s->facts.default_qdisc, sizeof s->host.default_qdisc);
	s->host.hz = s->facts.hz;
	if (strcmp(s->root, "/") == 0 && sysconf(_SC_PAGESIZE) > 0)
		s->host.page_size = sysconf(_SC_PAGESIZE);
	return 0;
}

static int
read_ehash(struct snapshot *s)
{
	char *text = NULL;
	long long n;
	const char *end;

	if (procfs_read(s->root, "net.ipv4.tcp_ehash_entries", &text) < 0)
		return 0;
	/* Negative in a child netns that shares the global table (6.1+). */
	if (parse_kernel_ll(text, &n, &end) == 0)
		s->host.ehash_entries = n < 0 ? -n : n;
	free(text);
	return 0;
}

/* Whether every integer field of v lies in the range the kernel accepts. */
static bool
in_kernel_range(const struct catalog_entry *e, const struct value *v)
{
	if (e->shape != SHAPE_INT && e->shape != SHAPE_VECTOR)
		return true;
	for (unsigned i = 0; i < v->nfields; i++)
		if (v->field[i] < e->kmin || v->field[i] > e->kmax)
			return false;
	return true;
}

/*
 * tcp_mem and udp_mem start from the free pages at boot, a little less than
 * MemTotal, so the estimate is up to about 1% high. Where nothing sets the
 * key (no file, no command line, no program) and the live value lies at
 * most 2% below the estimate in every field, the live value is the boot
 * value itself, and the default is exact.
 */
static bool
boot_value_is_live(const struct snapshot *s, const struct snapshot_key *k)
{
	if (k->entry->default_kind != DEFAULT_BOOT || k->entry->shape != SHAPE_VECTOR ||
	    !k->live_ok || k->author != NULL || s->netns_child)
		return false;
	for (int a = APPLIER_PROCPS; a <= APPLIER_SYSTEMD; a++)
		if (k->eff[a].line != NULL)
			return false;
	for (unsigned i = 0; i < k->live_value.nfields; i++) {
		long long want = k->default_value.field[i], got = k->live_value.field[i];

		if (got > want || got < want - want / 50)
			return false;
	}
	return true;
}

/* The kernel default of a key on this host, from s->host. */
static void
resolve_default(const struct snapshot *s, struct snapshot_key *k)
{
	const struct catalog_entry *e = k->entry;
	const char *errstr;

	k->has_default = false;
	if (catalog_default(e, &s->host, k->dflt, sizeof k->dflt) == 0)
		k->has_default = value_parse_kernel(k->dflt, e->shape,
		    e->nfields, &k->default_value, &errstr) == 0;
	if (k->has_default && boot_value_is_live(s, k)) {
		value_format(&k->live_value, k->dflt, sizeof k->dflt);
		k->default_value = k->live_value;
	}
}

/*
 * The configuration's side of a key: what each applier sets, whether the
 * boot applier's value parses, and the kernel default on this host. ix is
 * the index of s->config: every catalog key is resolved, and a walk over
 * every line for each of them took time quadratic in the lines.
 */
static int
resolve_key(struct snapshot *s, const struct sysctld_index *ix,
    struct snapshot_key *k)
{
	const struct catalog_entry *e = k->entry;
	const char *errstr;
	int r;

	for (int a = APPLIER_PROCPS; a <= APPLIER_SYSTEMD; a++) {
		r = sysctld_index_effective(ix, a, e->name, &k->eff[a]);
		if (r < 0)
			return r;
	}
	/* A value the kernel rejects (EINVAL at boot) sets nothing: the
	   persisted value is then unknown, not that value. */
	if (k->eff[s->boot].line != NULL && !k->eff[s->boot].excluded)
		k->persisted_ok = value_parse_kernel(k->eff[s->boot].line->value,
		    e->shape, e->nfields, &k->persisted_value, &errstr) == 0 &&
		    in_kernel_range(e, &k->persisted_value);
	resolve_default(s, k);
	return 0;
}

/* Fold k->live and parse it with the key's shape. */
static void
parse_live(struct snapshot_key *k)
{
	const struct catalog_entry *e = k->entry;
	const char *errstr;

	fold_blanks(k->live);
	k->live_ok = value_parse_kernel(k->live, e->shape, e->nfields,
	    &k->live_value, &errstr) == 0;
	/* Kernels before the u32 handlers (tcp_notsent_lowat before 4.11)
	   print an unsigned 32-bit value as a signed int: -1. */
	if (k->live_ok && e->kmin == 0 && e->kmax == 4294967295LL)
		for (unsigned i = 0; i < k->live_value.nfields; i++)
			if (k->live_value.field[i] < 0)
				k->live_value.field[i] += 4294967296LL;
}

static int
read_key(struct snapshot *s, const struct sysctld_index *ix,
    struct snapshot_key *k)
{
	const struct catalog_entry *e = k->entry;
	int r;

	/* An image: whether the key exists is the judged release's say. */
	if (s->offline) {
		k->status = catalog_in_release(e, &s->host.kernel) ? LIVE_UNAVAILABLE :
		    LIVE_ABSENT;
		return resolve_key(s, ix, k);
	}
	r = procfs_read(s->root, e->name, &k->live);
	if (r == 0) {
		k->status = LIVE_OK;
		parse_live(k);
	} else if (r == -ENOENT) {
		k->status = s->netns_child && e->scope != SCOPE_NETNS &&
		    catalog_in_release(e, &s->host.kernel) ? LIVE_HIDDEN : LIVE_ABSENT;
	} else if (r == -EACCES || r == -EPERM) {
		k->status = LIVE_UNREADABLE;
		k->error = r;
	} else if (r == -ENOMEM) {
		return r;
	} else {
		k->status = LIVE_ERROR;
		k->error = r;
	}

	return resolve_key(s, ix, k);
}

static int
collect_others(struct snapshot *s)
{
	const struct sysctld_config *c = s->config;

	for (size_t f = 0; f < c->nfiles; f++)
		for (size_t i = 0; i < c->files[f].nlines; i++) {
			const struct sysctld_line *l = &c->files[f].lines[i];
			struct snapshot_other *n;
			bool writable, seen = false;

			if (l->kind != LINE_ASSIGN || l->glob || catalog_lookup(l->key))
				continue;
			for (size_t j = 0; j < s->nothers && !seen; j++)
				seen = strcmp(s->others[j].key, l->key) == 0;
			if (seen)
				continue;
			n = realloc(s->others, (s->nothers + 1) * sizeof *n);
			if (n == NULL)
				return -ENOMEM;
			s->others = n;
			n[s->nothers].key = l->key;
			n[s->nothers].exists = procfs_stat(s->root, l->key, &writable) == 0;
			s->nothers++;
		}
	return 0;
}

/*
 * Programs that set sysctls at run time, found from what runs: the first
 * process of each known command name, by reading ROOT/proc/PID/comm.
 */
struct runner {
	const char *comm;
	pid_t pid;		/* 0: not running */
};

static void
find_runners(const char *root, struct runner *run, size_t n)
{
	char path[4096];
	struct dirent *d;
	DIR *dir;

	if (path_join_root(root, "/proc", path, sizeof path) < 0 ||
	    (dir = opendir(path)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL) {
		char comm_path[4096 + 300], comm[32] = "";
		long long pid;
		FILE *f;

		if (parse_ll(d->d_name, 1, INT_MAX, &pid, NULL) < 0)
			continue;	/* not a process */
		snprintf(comm_path, sizeof comm_path, "/proc/%s/comm", d->d_name);
		if (conffile_fopen(root, comm_path, 0, &f) < 0)
			continue;
		if (fgets(comm, sizeof comm, f) != NULL)
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
		for (size_t i = 0; i < n; i++)
			if (run[i].pid == 0 && strcmp(comm, run[i].comm) == 0)
				run[i].pid = (pid_t)pid;
	}
	closedir(dir);
}

static int
set_author(struct snapshot *s, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
set_author(struct snapshot *s, const char *key, const char *fmt, ...)
{
	const struct snapshot_key *ck = snapshot_key(s, key);
	struct snapshot_key *k;
	va_list ap;
	int r;

	if (ck == NULL || ck->author != NULL)
		return 0;
	k = &s->keys[ck - s->keys];
	va_start(ap, fmt);
	r = vasprintf(&k->author, fmt, ap);
	va_end(ap);
	if (r < 0) {
		k->author = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * The [sysctl] keys of tuned profile name and of the profiles it includes
 * (depth-first, as tuned merges them), from ROOT/etc/tuned and
 * ROOT/usr/lib/tuned (with or without a profiles/ level).
 */
static int
tuned_profile(struct snapshot *s, const char *name, const char *active, pid_t pid,
    unsigned depth)
{
	static const char *const dirs[] = { "/etc/tuned/profiles", "/etc/tuned",
	    "/usr/lib/tuned/profiles", "/usr/lib/tuned" };
	char rel[512], line[1024], section[64] = "";
	FILE *f = NULL;
	int r = 0;

	if (depth > 8 || name[0] == '\0' || strchr(name, '/') != NULL)
		return 0;
	for (size_t i = 0; f == NULL && i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(rel, sizeof rel, "%s/%s/tuned.conf", dirs[i], name);
		(void)conffile_fopen(s->root, rel, 0, &f);
	}
	if (f == NULL)
		return 0;
	while (r == 0 && fgets(line, sizeof line, f) != NULL) {
		char *p = line + strspn(line, " \t"), *eq, *end;

		p[strcspn(p, "\r\n")] = '\0';
		if (*p == '#' || *p == ';' || *p == '\0')
			continue;
		if (*p == '[') {
			snprintf(section, sizeof section, "%.*s", (int)strcspn(p + 1, "]"),
			    p + 1);
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		for (end = eq; end > p && (end[-1] == ' ' || end[-1] == '\t'); end--)
			;
		*end = '\0';
		if (strcmp(section, "main") == 0 && strcmp(p, "include") == 0) {
			char *inc = eq + 1, *save = NULL, *tok;

			for (tok = strtok_r(inc, ", \t", &save); r == 0 && tok != NULL;
			    tok = strtok_r(NULL, ", \t", &save))
				r = tuned_profile(s, tok, active, pid, depth + 1);
		} else if (strcmp(section, "sysctl") == 0) {
			char key[SYSCTL_KEY_MAX];

			if (sysctld_key(p, key, sizeof key) == 0)
				r = set_author(s, key, "tuned (profile '%s', pid %ld)", active,
				    (long)pid);
		}
	}
	fclose(f);
	return r;
}

/*
 * Who sets keys at run time, where evidence shows it: tuned running with
 * an active profile whose [sysctl] section names the key; kube-proxy
 * running (it sets nf_conntrack_max from its conntrack settings). Only in
 * the init network namespace, which is where they write.
 */
static int
find_authors(struct snapshot *s)
{
	struct runner run[] = { { "tuned", 0 }, { "kube-proxy", 0 } };
	char active[256] = "";
	FILE *f;
	int r = 0;

	if (s->netns_child || s->files_only)
		return 0;
	find_runners(s->root, run, sizeof run / sizeof run[0]);
	if (run[0].pid != 0 &&
	    conffile_fopen(s->root, "/etc/tuned/active_profile", 0, &f) == 0) {
		char *save = NULL, *tok;

		if (fgets(active, sizeof active, f) != NULL)
			active[strcspn(active, "\r\n")] = '\0';
		fclose(f);
		for (tok = strtok_r(active, " \t", &save); r == 0 && tok != NULL;
		    tok = strtok_r(NULL, " \t", &save))
			r = tuned_profile(s, tok, tok, run[0].pid, 0);
	}
	if (r == 0 && run[1].pid != 0)
		r = set_author(s, "net.netfilter.nf_conntrack_max", "kube-proxy (pid %ld)",
		    (long)run[1].pid);
	return r;
}

static const char *const ifconf_names[IFCONF_NPARAMS] = {
	"accept_redirects", "accept_source_route", "forwarding", "log_martians",
	"rp_filter", "secure_redirects", "send_redirects",
};

const char *
ifconf_param_name(enum ifconf_param p)
{
	return (unsigned)p < IFCONF_NPARAMS ? ifconf_names[p] : NULL;
}

int
ifconf_param_lookup(const char *name)
{
	for (int i = 0; i < IFCONF_NPARAMS; i++)
		if (strcmp(ifconf_names[i], name) == 0)
			return i;
	return -1;
}

static int
cmp_iface(const void *a, const void *b)
{
	const struct snapshot_iface *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/*
 * The IPv4 conf values of every interface: one directory per interface
 * below net/ipv4/conf, next to all and default. Interfaces are kept in
 * name order up to SNAPSHOT_IFACES_MAX (a host with thousands of veths
 * is judged on the first ones, and ifaces_dropped says how many were
 * left out); a value that cannot be read or parsed stays unknown. A
 * missing directory (an image root, a kernel without IPv4) is no error.
 */
static int
read_ifaces(struct snapshot *s)
{
	char dir[PATH_MAX], file[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if ((r = path_join_root(s->root, "/proc/sys/net/ipv4/conf", dir, sizeof dir)) < 0)
		return r;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		struct snapshot_iface *ni, *it;
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || strcmp(de->d_name, "all") == 0 ||
		    strcmp(de->d_name, "default") == 0 || len >= SNAPSHOT_IFNAME_MAX)
			continue;
		if (s->nifaces == SNAPSHOT_IFACES_MAX) {
			s->ifaces_dropped++;
			continue;
		}
		if ((ni = realloc(s->ifaces, (s->nifaces + 1) * sizeof *ni)) == NULL) {
			r = -ENOMEM;
			break;
		}
		s->ifaces = ni;
		it = &ni[s->nifaces];
		memset(it, 0, sizeof *it);
		memcpy(it->name, de->d_name, len + 1);
		for (int p = 0; p < IFCONF_NPARAMS; p++) {
			char *text = NULL;
			size_t tlen;
			long long v;
			const char *err;
			int n = snprintf(file, sizeof file, "%s/%s/%s", dir, it->name,
			    ifconf_names[p]);

			if (n < 0 || (size_t)n >= sizeof file)
				continue;
			r = procfs_read_path(file, 64, &text, &tlen);
			if (r == -ENOMEM)
				break;
			r = 0;
			if (text == NULL)
				continue;
			if (tlen > 0 && text[tlen - 1] == '\n')
				text[tlen - 1] = '\0';
			if (parse_ll(text, LLONG_MIN, LLONG_MAX, &v, &err) == 0) {
				it->value[p] = v;
				it->known |= 1u << p;
			}
			free(text);
		}
		if (r < 0)
			break;
		if (it->known != 0)
			s->nifaces++;
	}
	closedir(d);
	if (s->nifaces > 1)
		qsort(s->ifaces, s->nifaces, sizeof *s->ifaces, cmp_iface);
	return r;
}

bool
snapshot_root_is_image(const char *root)
{
	struct stat st;

	/* A root of its own with no /proc/sys at all (an empty /proc is a
	   mount point): an image, not a system whose /proc failed. */
	return root != NULL && strcmp(root, "/") != 0 && stat(root, &st) == 0 &&
	    S_ISDIR(st.st_mode) && !exists_below(root, "/proc/sys", NULL);
}

/* The OCI config's linux.sysctl as a configuration of one file. */
static int
oci_config(const struct snapshot_boot *boot, struct sysctld_config **ret)
{
	struct sysctld_config *c;
	char real[64];
	size_t len = strlen(boot->lines);
	int fd, r;

	if ((c = calloc(1, sizeof *c)) == NULL ||
	    (c->files = calloc(1, sizeof *c->files)) == NULL) {
		free(c);
		return -ENOMEM;
	}
	if ((fd = memfd_create("linux.sysctl", MFD_CLOEXEC)) < 0) {
		r = -errno;
		sysctld_free(c);
		return r;
	}
	snprintf(real, sizeof real, "/proc/self/fd/%d", fd);
	r = len > 0 && write(fd, boot->lines, len) != (ssize_t)len ? -EIO :
	    sysctld_parse_file(boot->path, real, &c->files[0]);
	close(fd);
	if (r < 0) {
		sysctld_free(c);
		return r;
	}
	c->nfiles = 1;
	/* Both appliers stand for the runtime here: it sets every line. */
	c->files[0].dir = 0;
	c->files[0].managed_by = "the container runtime, from the pod's "
	    "securityContext.sysctls or docker run --sysctl";
	*ret = c;
	return 0;
}

int
snapshot_boot_config(const struct snapshot_boot *boot, struct sysctld_config **ret)
{
	switch (boot->kind) {
	case NETNS_BOOT_NONE:
		return (*ret = calloc(1, sizeof **ret)) != NULL ? 0 : -ENOMEM;
	case NETNS_BOOT_OCI:
		return oci_config(boot, ret);
	case NETNS_BOOT_ROOT:
		return sysctld_load(boot->root, ret);
	default:
		return -EINVAL;
	}
}

/* The configuration and boot applier of a namespace's boot view. */
static int
load_boot(struct snapshot *s, const struct snapshot_boot *boot)
{
	s->boot_view = boot != NULL ? boot->kind : NETNS_BOOT_HOST;
	switch (s->boot_view) {
	case NETNS_BOOT_NONE:
		s->boot = APPLIER_SYSTEMD;
		s->boot_appliers = 0;
		s->boot_how = "nothing: a network namespace made again starts from "
		    "the kernel's defaults";
		return snapshot_boot_config(boot, &s->config);
	case NETNS_BOOT_OCI:
		s->boot = APPLIER_SYSTEMD;
		s->boot_appliers = 1u << APPLIER_SYSTEMD;
		s->boot_how = "the container runtime sets linux.sysctl of its OCI "
		    "config when the container starts";
		return snapshot_boot_config(boot, &s->config);
	case NETNS_BOOT_ROOT:
		detect_boot(s, boot->root);
		return snapshot_boot_config(boot, &s->config);
	default:
		detect_boot(s, s->root);
		return sysctld_load(s->root, &s->config);
	}
}

int
snapshot_take(const char *root, const char *kernel_override,
    struct snapshot **ret)
{
	return snapshot_take_boot(root, kernel_override, NULL, ret);
}

int
snapshot_take_boot(const char *root, const char *kernel_override,
    const struct snapshot_boot *boot, struct snapshot **ret)
{
	struct snapshot *s;
	const struct catalog_entry *entries;
	struct sysctld_index *ix = NULL;
	char path[4096];
	struct stat st;
	int r;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return -ENOMEM;
	if ((s->root = strdup(root ? root : "/")) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	r = path_join_root(s->root, "/proc/sys/net", path, sizeof path);
	if (r < 0)
		goto fail;
	if (stat(path, &st) < 0) {
		r = -errno;
		if (r != -ENOENT || !snapshot_root_is_image(s->root))
			goto fail;
		s->offline = s->files_only = true;
	}
	if ((r = read_kernel(s, kernel_override)) < 0)
		goto fail;
	if (!s->offline) {
		s->netns_child = detect_netns_child(s->root);
		s->proc_ro = detect_read_only(path);
	}
	if ((r = read_ehash(s)) < 0 || (r = read_facts(s)) < 0)
		goto fail;

	if ((r = load_boot(s, boot)) < 0 || (r = read_cmdline(s)) < 0)
		goto fail;

	entries = catalog_entries(&s->nkeys);
	if ((s->keys = calloc(s->nkeys, sizeof *s->keys)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = sysctld_index_new(s->config, &ix)) < 0)
		goto fail;
	for (size_t i = 0; i < s->nkeys; i++) {
		s->keys[i].entry = &entries[i];
		if ((r = read_key(s, ix, &s->keys[i])) < 0)
			goto fail;
	}
	ix = sysctld_index_free(ix);
	if (!s->offline && ((r = collect_others(s)) < 0 || (r = find_authors(s)) < 0 ||
	    (r = read_ifaces(s)) < 0))
		goto fail;
	s->others_probed = !s->offline;
	*ret = s;
	return 0;
fail:
	sysctld_index_free(ix);
	snapshot_free(s);
	return r;
}

/*
 * Reading order of the files given to snapshot_from_files(): by basename
 * with strcmp(), a file named sysctl.conf after all others (procps reads
 * /etc/sysctl.conf last), and the order given for equal names.
 */
struct named_path {
	const char *path;
	const char *base;
	size_t pos;
};

static int
cmp_named_path(const void *a, const void *b)
{
	const struct named_path *x = a, *y = b;
	bool xc = strcmp(x->base, "sysctl.conf") == 0;
	bool yc = strcmp(y->base, "sysctl.conf") == 0;
	int r;

	if (xc != yc)
		return xc ? 1 : -1;
	if ((r = strcmp(x->base, y->base)) != 0)
		return r;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

int
snapshot_from_files(const char *root, const char *const *paths,
    size_t npaths, const char *kernel_override, struct snapshot **ret)
{
	struct snapshot *s;
	struct named_path *order = NULL;
	const struct catalog_entry *entries;
	struct sysctld_config *c;
	struct sysctld_index *ix = NULL;
	struct utsname u;
	size_t n = 0;
	int r;

	if ((s = calloc(1, sizeof *s)) == NULL)
		return -ENOMEM;
	if ((s->root = strdup(root ? root : "/")) == NULL ||
	    (s->config = c = calloc(1, sizeof *c)) == NULL ||
	    (order = calloc(npaths + 1, sizeof *order)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if (kernel_override != NULL)
		r = read_kernel(s, kernel_override);
	else
		r = uname(&u) < 0 ? -errno : set_kernel(s, u.release, NULL, "uname");
	if (r < 0)
		goto fail;
	if ((r = read_facts(s)) < 0)
		goto fail;
	/* procps reads every file it is given, hidden names included. */
	s->boot = APPLIER_PROCPS;
	s->boot_appliers = 1u << APPLIER_PROCPS;
	s->boot_how = "files given to lint: read as procps reads them";
	s->files_only = true;

	for (size_t i = 0; i < npaths; i++) {
		const char *slash = strrchr(paths[i], '/');
		bool seen = false;

		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(order[j].path, paths[i]) == 0;
		if (seen)
			continue;
		order[n].path = paths[i];
		order[n].base = slash != NULL ? slash + 1 : paths[i];
		order[n].pos = i;
		n++;
	}
	if (n > 1)
		qsort(order, n, sizeof *order, cmp_named_path);
	if ((c->files = calloc(n + 1, sizeof *c->files)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		struct sysctld_file *f = &c->files[i];

		if ((r = sysctld_parse_file(order[i].path, order[i].path, f)) < 0)
			goto fail;
		c->nfiles++;
		/* As if in /etc/sysctl.d, so that systemd's view reads it too;
		   sysctl.conf keeps its own place, which systemd skips. */
		if (strcmp(order[i].base, "sysctl.conf") != 0)
			f->dir = 0;
		for (size_t j = 0; j < f->nlines; j++)
			f->lines[j].file = (unsigned)i;
	}

	entries = catalog_entries(&s->nkeys);
	if ((s->keys = calloc(s->nkeys, sizeof *s->keys)) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = sysctld_index_new(c, &ix)) < 0)
		goto fail;
	for (size_t i = 0; i < s->nkeys; i++) {
		s->keys[i].entry = &entries[i];
		s->keys[i].status = LIVE_ABSENT;
		if ((r = resolve_key(s, ix, &s->keys[i])) < 0)
			goto fail;
	}
	ix = sysctld_index_free(ix);
	if (root != NULL) {
		char net[4096];
		struct stat st;

		if (path_join_root(root, "/proc/sys/net", net, sizeof net) == 0 &&
		    stat(net, &st) == 0) {
			if ((r = collect_others(s)) < 0)
				goto fail;
			s->others_probed = true;
		}
	}
	free(order);
	*ret = s;
	return 0;
fail:
	sysctld_index_free(ix);
	free(order);
	snapshot_free(s);
	return r;
}

/*
 * The interfaces of c (a simulation of s) after the live writes keys[i] =
 * values[i]: see snapshot_simulate(). Returns 0 or -ENOMEM.
 */
static int
simulate_ifaces(const struct snapshot *s, struct snapshot *c,
    const char *const *keys, const char *const *values, size_t n)
{
	static const char dflt[] = "net.ipv4.conf.default.";

	c->ifaces_dropped = s->ifaces_dropped;
	if (s->nifaces == 0)
		return 0;
	if ((c->ifaces = calloc(s->nifaces, sizeof *c->ifaces)) == NULL)
		return -ENOMEM;
	memcpy(c->ifaces, s->ifaces, s->nifaces * sizeof *c->ifaces);
	c->nifaces = s->nifaces;
	for (size_t j = 0; j < n; j++) {
		const struct snapshot_key *old;
		const char *err;
		long long v, was;
		int p = -1;
		bool all = false;

		if (parse_ll(values[j], LLONG_MIN, LLONG_MAX, &v, &err) < 0)
			continue;
		if (strcmp(keys[j], "net.ipv4.ip_forward") == 0 ||
		    strcmp(keys[j], "net.ipv4.conf.all.forwarding") == 0) {
			p = IFCONF_FORWARDING;
			all = true;
		} else if (strncmp(keys[j], dflt, sizeof dflt - 1) == 0)
			p = ifconf_param_lookup(keys[j] + sizeof dflt - 1);
		if (p < 0)
			continue;
		old = snapshot_key(s, keys[j]);
		if (!all && (old == NULL || !old->live_ok))
			continue;
		was = all ? 0 : old->live_value.field[0];
		for (size_t i = 0; i < c->nifaces; i++) {
			struct snapshot_iface *it = &c->ifaces[i];

			if (!(it->known & 1u << p) || (!all && it->value[p] != was))
				continue;
			it->value[p] = v;
		}
	}
	return 0;
}

int
snapshot_simulate(const struct snapshot *s, struct sysctld_config *config,
    const char *const *keys, const char *const *values, size_t n,
    struct snapshot **ret)
{
	struct snapshot *c;
	struct sysctld_index *ix = NULL;
	int r = -ENOMEM;

	if ((c = calloc(1, sizeof *c)) == NULL) {
		sysctld_free(config);
		return -ENOMEM;
	}
	c->config = config;
	if (s->cmdline != NULL && ((c->cmdline = strdup(s->cmdline)) == NULL ||
	    sysctld_add_cmdline(config, c->cmdline) < 0))
		goto fail;
	if ((c->root = strdup(s->root)) == NULL ||
	    (c->kernel_release = strdup(s->kernel_release)) == NULL ||
	    (s->kernel_from != NULL && (c->kernel_from = strdup(s->kernel_from)) == NULL))
		goto fail;
	c->kernel_overridden = s->kernel_overridden;
	c->files_only = s->files_only;
	c->offline = s->offline;
	c->mem_from = s->mem_from;
	c->ehash_from_memory = s->ehash_from_memory;
	c->host = s->host;
	if (host_copy(&c->facts, &s->facts) < 0)
		goto fail;
	c->netns_child = s->netns_child;
	c->proc_ro = s->proc_ro;
	c->boot = s->boot;
	c->boot_appliers = s->boot_appliers;
	c->boot_how = s->boot_how;
	c->boot_view = s->boot_view;
	c->nkeys = s->nkeys;
	if ((c->keys = calloc(c->nkeys, sizeof *c->keys)) == NULL)
		goto fail;
	if (sysctld_index_new(config, &ix) < 0)
		goto fail;
	for (size_t i = 0; i < c->nkeys; i++) {
		struct snapshot_key *k = &c->keys[i];
		const char *live = s->keys[i].live;

		k->entry = s->keys[i].entry;
		k->status = s->keys[i].status;
		k->error = s->keys[i].error;
		if (s->keys[i].author != NULL &&
		    (k->author = strdup(s->keys[i].author)) == NULL)
			goto fail;
		for (size_t j = 0; j < n && k->status == LIVE_OK; j++)
			if (strcmp(keys[j], k->entry->name) == 0)
				live = values[j];
		if (live != NULL) {
			if ((k->live = strdup(live)) == NULL)
				goto fail;
			parse_live(k);
		}
		if ((r = resolve_key(c, ix, k)) < 0)
			goto fail;
		r = -ENOMEM;
	}
	ix = sysctld_index_free(ix);
	/* Keys the catalog does not know: the new files name fewer, never
	   others, so what s found out about them holds. */
	for (size_t f = 0; f < config->nfiles; f++)
		for (size_t i = 0; i < config->files[f].nlines; i++) {
			const struct sysctld_line *l = &config->files[f].lines[i];
			struct snapshot_other *no;
			bool seen = false, exists = false;

			if (l->kind != LINE_ASSIGN || l->glob || catalog_lookup(l->key))
				continue;
			for (size_t j = 0; j < c->nothers && !seen; j++)
				seen = strcmp(c->others[j].key, l->key) == 0;
			if (seen)
				continue;
			for (size_t j = 0; j < s->nothers; j++)
				if (strcmp(s->others[j].key, l->key) == 0)
					exists = s->others[j].exists;
			if ((no = realloc(c->others, (c->nothers + 1) * sizeof *no)) == NULL)
				goto fail;
			c->others = no;
			no[c->nothers].key = l->key;
			no[c->nothers].exists = exists;
			c->nothers++;
		}
	c->others_probed = s->others_probed;
	if ((r = simulate_ifaces(s, c, keys, values, n)) < 0)
		goto fail;
	*ret = c;
	return 0;
fail:
	sysctld_index_free(ix);
	snapshot_free(c);
	return r;
}

int
snapshot_assume_memory(struct snapshot *s, long long bytes)
{
	if (bytes <= 0)
		return -EINVAL;
	s->host.mem_bytes = s->facts.mem_bytes = bytes;
	s->mem_from = "--memory";
	if (s->host.ehash_entries <= 0 || s->ehash_from_memory) {
		s->host.ehash_entries = catalog_ehash_for_memory(bytes);
		s->ehash_from_memory = true;
	}
	for (size_t i = 0; i < s->nkeys; i++)
		resolve_default(s, &s->keys[i]);
	return 0;
}

void
snapshot_forget_live(struct snapshot *s)
{
	for (size_t i = 0; i < s->nkeys; i++) {
		struct snapshot_key *k = &s->keys[i];

		free(k->live);
		k->live = NULL;
		k->live_ok = false;
		k->status = LIVE_ABSENT;
		k->error = 0;
	}
	free(s->ifaces);
	s->ifaces = NULL;
	s->nifaces = 0;
	s->ifaces_dropped = 0;
	s->files_only = true;
}

struct snapshot *
snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return NULL;
	for (size_t i = 0; s->keys != NULL && i < s->nkeys; i++) {
		free(s->keys[i].live);
		free(s->keys[i].author);
	}
	free(s->keys);
	free(s->others);
	free(s->ifaces);
	sysctld_free(s->config);
	free(s->kernel_release);
	free(s->kernel_from);
	free(s->cmdline);
	free(s->root);
	host_clear(&s->facts);
	free(s);
	return NULL;
}

const struct snapshot_key *
snapshot_key(const struct snapshot *s, const char *name)
{
	const struct catalog_entry *e = catalog_lookup(name);
	size_t n;

	if (e == NULL)
		return NULL;
	return &s->keys[e - catalog_entries(&n)];
}

int
snapshot_read_failure(const struct snapshot *s, bool live, const char **ret_what)
{
	for (size_t i = 0; live && i < s->nkeys; i++)
		if (s->keys[i].status == LIVE_ERROR) {
			*ret_what = s->keys[i].entry->name;
			return s->keys[i].error;
		}
	for (size_t i = 0; s->config != NULL && i < s->config->nfiles; i++) {
		const struct sysctld_file *f = &s->config->files[i];

		if (f->error < 0 && !conffile_error_is_finding(f->error)) {
			*ret_what = f->path;
			return f->error;
		}
	}
	return 0;
}

const char *
snapshot_status_text(const struct snapshot_key *k, char *buf, size_t size)
{
	switch (k->status) {
	case LIVE_OK:
		return "readable";
	case LIVE_ABSENT:
		if (k->entry->removed != NULL)
			snprintf(buf, size, "removed in Linux %s", k->entry->removed);
		else if (k->entry->flags & CATALOG_MODULE)
			snprintf(buf, size, "not on this kernel (module not loaded?)");
		else
			snprintf(buf, size, "not on this kernel");
		return buf;
	case LIVE_HIDDEN:
		return "global key, not visible in this network namespace";
	case LIVE_UNREADABLE:
	case LIVE_ERROR:
		snprintf(buf, size, "not readable (%s)", strerror(-k->error));
		return buf;
	case LIVE_UNAVAILABLE:
		return "no live system (an image without /proc)";
	}
	return "?";
}
