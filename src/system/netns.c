/*
 * netns: the network namespaces of a host; see netns.h.
 *
 * How. One pass over ROOT/proc: a stat() of each process's ns/net (the
 * magic link resolves to the nsfs inode without opening it), the pairs
 * sorted once and grouped. Then, per namespace and not per process, the
 * cgroup of its first processes (who owns it) and the runtime's state
 * (the OCI config that sets its keys). A host of 200 containers costs a
 * few milliseconds here; the cost of auditing them is in entering each.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "conffile.h"
#include "netns.h"
#include "procfs.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

/* Where the runtimes keep each container's OCI bundle, below the root:
   "%s" is the container id (for containerd, below every namespace of it:
   moby for Docker, k8s.io for Kubernetes, default). */
#define CONTAINERD_TASKS "/run/containerd/io.containerd.runtime.v2.task"
#define CONTAINERS_STORAGE "/run/containers/storage/overlay-containers/%s/userdata/config.json"
#define DOCKER_CONFIG "/var/lib/docker/containers/%s/config.v2.json"

/* The largest runtime file read (config.json is a few kilobytes). */
#define STATE_MAX (4u << 20)

struct nsref {
	unsigned long long dev, inode;
	pid_t pid;
};

static int
cmp_nsref(const void *a, const void *b)
{
	const struct nsref *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

const char *
netns_boot_name(enum netns_boot b)
{
	static const char *const names[] = { "host files", "none", "OCI config",
	    "container root" };

	return (unsigned)b < sizeof names / sizeof names[0] ? names[b] : "?";
}

void
netns_clear(struct netns *ns)
{
	if (ns == NULL)
		return;
	free(ns->name);
	free(ns->path);
	free(ns->owner);
	free(ns->owner_kind);
	free(ns->container_id);
	free(ns->boot_path);
	free(ns->oci_sysctl);
	memset(ns, 0, sizeof *ns);
}

void
netns_list_clear(struct netns_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		netns_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static bool
is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* seg is PREFIX<id>.scope with a hex id of 12 to 64 digits: the id. */
static char *
scope_id(const char *seg, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix), n;

	if (len <= pl + 6 || strncmp(seg, prefix, pl) != 0 ||
	    strncmp(seg + len - 6, ".scope", 6) != 0)
		return NULL;
	n = len - pl - 6;
	if (n < 12 || n > 64 || !is_hex(seg + pl, n))
		return NULL;
	return strndup(seg + pl, n);
}

/* systemd's unit name escaping: "\x2d" stands for '-'. */
static char *
unescape_unit(const char *s, size_t n)
{
	char *r = malloc(n + 1), *w = r;

	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    sscanf(s + i + 2, "%2x", &v) == 1 && isxdigit((unsigned char)s[i + 3])) {
			*w++ = (char)v;
			i += 3;
		} else
			*w++ = s[i];
	}
	*w = '\0';
	return r;
}

/* A Kubernetes pod's uid from a cgroup segment: the systemd driver's
   "kubepods-burstable-pod<uid with _>.slice", the cgroupfs driver's
   "pod<uid>". *ret is NULL when seg is neither. Returns 0 or -ENOMEM. */
static int
pod_uid(const char *seg, size_t len, char **ret)
{
	const char *p;
	char *r;

	*ret = NULL;
	if (len > 16 && strncmp(seg, "kubepods", 8) == 0 &&
	    strncmp(seg + len - 6, ".slice", 6) == 0 &&
	    (p = memmem(seg, len, "-pod", 4)) != NULL) {
		p += 4;
		r = strndup(p, (size_t)(seg + len - 6 - p));
	} else if (len == 3 + 36 && strncmp(seg, "pod", 3) == 0)
		r = strndup(seg + 3, 36);
	else
		return 0;
	if (r == NULL)
		return -ENOMEM;
	for (char *c = r; *c != '\0'; c++)
		if (*c == '_')
			*c = '-';
	*ret = r;
	return 0;
}

int
netns_cgroup_owner(const char *path, char **ret_kind, char **ret_id,
    char **ret_pod)
{
	static const struct {
		const char *prefix, *kind;
	} scopes[] = {
		{ "docker-", "docker" }, { "cri-containerd-", "containerd" },
		{ "crio-", "crio" }, { "libpod-", "podman" },
	};
	const char *end = path + strlen(path);
	char *kind = NULL, *id = NULL, *pod = NULL, *unit = NULL;
	const char *prev = NULL;	/* the segment below the current one */
	size_t prevlen = 0;

	*ret_kind = *ret_id = *ret_pod = NULL;
	while (end > path) {
		const char *seg;
		size_t len;

		while (end > path && end[-1] == '/')
			end--;
		seg = end;
		while (seg > path && seg[-1] != '/')
			seg--;
		len = (size_t)(end - seg);
		if (len == 0)
			break;
		for (size_t i = 0; id == NULL && i < sizeof scopes / sizeof scopes[0]; i++)
			if ((id = scope_id(seg, len, scopes[i].prefix)) != NULL &&
			    (kind = strdup(scopes[i].kind)) == NULL)
				goto nomem;
		/* cgroupfs layouts: /docker/<id>, /kubepods/.../pod<uid>/<id>,
		   /lxc/<name> (v1), and LXC's lxc.payload.<name> (v2). */
		if (id == NULL && prev != NULL && len == 6 &&
		    strncmp(seg, "docker", 6) == 0 && prevlen >= 12 && prevlen <= 64 &&
		    is_hex(prev, prevlen)) {
			if ((id = strndup(prev, prevlen)) == NULL ||
			    (kind = strdup("docker")) == NULL)
				goto nomem;
		}
		if (id == NULL && prev != NULL && prevlen == 64 && is_hex(prev, prevlen) &&
		    len > 3 && strncmp(seg, "pod", 3) == 0) {
			if ((id = strndup(prev, prevlen)) == NULL ||
			    (kind = strdup("container")) == NULL)
				goto nomem;
		}
		if (id == NULL && len > 12 && strncmp(seg, "lxc.payload.", 12) == 0) {
			if ((id = strndup(seg + 12, len - 12)) == NULL ||
			    (kind = strdup("lxc")) == NULL)
				goto nomem;
		}
		if (id == NULL && prev != NULL && len == 3 && strncmp(seg, "lxc", 3) == 0) {
			if ((id = strndup(prev, prevlen)) == NULL ||
			    (kind = strdup("lxc")) == NULL)
				goto nomem;
		}
		if (id == NULL && len > 14 && strncmp(seg, "machine-", 8) == 0 &&
		    strncmp(seg + len - 6, ".scope", 6) == 0) {
			if ((id = unescape_unit(seg + 8, len - 14)) == NULL ||
			    (kind = strdup("machine")) == NULL)
				goto nomem;
		}
		if (pod == NULL && pod_uid(seg, len, &pod) < 0)
			goto nomem;
		if (unit == NULL && len > 8 && strncmp(seg + len - 8, ".service", 8) == 0 &&
		    (unit = strndup(seg, len)) == NULL)
			goto nomem;
		prev = seg;
		prevlen = len;
		end = seg;
	}
	if (id == NULL && unit != NULL) {
		id = unit;
		unit = NULL;
		if ((kind = strdup("unit")) == NULL)
			goto nomem;
	}
	free(unit);
	if (id == NULL && pod == NULL)
		return -ENOENT;
	*ret_kind = kind;
	*ret_id = id;
	*ret_pod = pod;
	return 0;
nomem:
	free(kind);
	free(id);
	free(pod);
	free(unit);
	return -ENOMEM;
}

/* Append "key = value\n" to a growing buffer. */
static int
append_line(char **buf, size_t *len, const char *key, const char *value)
{
	size_t add = strlen(key) + strlen(value) + 4;
	char *n = realloc(*buf, *len + add + 1);

	if (n == NULL)
		return -ENOMEM;
	*buf = n;
	*len += (size_t)snprintf(n + *len, add + 1, "%s = %s\n", key, value);
	return 0;
}

int
netns_oci_parse(const char *json, size_t len, char **ret_lines, char **ret_pod)
{
	json_t *root, *sysctl, *ann, *v;
	const char *key, *ns = NULL, *name = NULL;
	char *lines = NULL, *pod = NULL;
	size_t n = 0;
	int r = -ENOMEM;

	*ret_lines = *ret_pod = NULL;
	if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_object(root)) {
		json_decref(root);
		return -EBADMSG;
	}
	if ((lines = strdup("")) == NULL)
		goto out;
	sysctl = json_object_get(json_object_get(root, "linux"), "sysctl");
	json_object_foreach(sysctl, key, v) {
		const char *s = json_string_value(v);

		if (s == NULL || strchr(key, '\n') != NULL || strchr(s, '\n') != NULL ||
		    *key == '\0')
			continue;
		if (append_line(&lines, &n, key, s) < 0)
			goto out;
	}
	ann = json_object_get(root, "annotations");
	name = json_string_value(json_object_get(ann, "io.kubernetes.cri.sandbox-name"));
	ns = json_string_value(json_object_get(ann, "io.kubernetes.cri.sandbox-namespace"));
	if (name == NULL || ns == NULL) {
		name = json_string_value(json_object_get(ann, "io.kubernetes.pod.name"));
		ns = json_string_value(json_object_get(ann, "io.kubernetes.pod.namespace"));
	}
	if (name != NULL && ns != NULL && *name != '\0' && *ns != '\0' &&
	    asprintf(&pod, "%s/%s", ns, name) < 0) {
		pod = NULL;
		goto out;
	}
	*ret_lines = lines;
	*ret_pod = pod;
	lines = pod = NULL;
	r = 0;
out:
	free(lines);
	free(pod);
	json_decref(root);
	return r;
}

/* ROOT/path joined; NULL when too long or out of memory. */
static char *
below(const char *root, const char *path)
{
	char full[PATH_MAX];

	if (path_join_root(root, path, full, sizeof full) < 0)
		return NULL;
	return strdup(full);
}

/*
 * Who runs process pid, from ROOT/proc/PID/cgroup: the line that places it
 * in a container or pod (the unified hierarchy's "0::" on a cgroup v2 host;
 * name=systemd or any other on a hybrid or v1 host), else the first that
 * names a unit. Returns netns_cgroup_owner()'s values: 0, -ENOENT (nothing
 * known, or no cgroup file) or -ENOMEM.
 */
static int
cgroup_owner(const char *root, pid_t pid, char **ret_kind, char **ret_id,
    char **ret_pod)
{
	char path[64], *text = NULL, *save = NULL;
	size_t len;
	int r, best = -ENOENT;

	*ret_kind = *ret_id = *ret_pod = NULL;
	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	if (conffile_read(root, path, 0, 65536, &text, &len, NULL) < 0)
		return -ENOENT;
	for (char *l = strtok_r(text, "\n", &save); l != NULL;
	    l = strtok_r(NULL, "\n", &save)) {
		char *p = strchr(l, ':'), *kind, *id, *pod;

		if (p == NULL || (p = strchr(p + 1, ':')) == NULL)
			continue;
		if ((r = netns_cgroup_owner(p + 1, &kind, &id, &pod)) == -ENOMEM) {
			best = r;
			break;
		}
		if (r < 0)
			continue;
		if (best == 0 && (pod == NULL && strcmp(kind, "unit") == 0)) {
			free(kind);
			free(id);
			free(pod);
			continue;
		}
		free(*ret_kind);
		free(*ret_id);
		free(*ret_pod);
		*ret_kind = kind;
		*ret_id = id;
		*ret_pod = pod;
		best = 0;
		if (pod != NULL || strcmp(kind, "unit") != 0)
			break;
	}
	if (best < 0) {
		free(*ret_kind);
		free(*ret_id);
		free(*ret_pod);
		*ret_kind = *ret_id = *ret_pod = NULL;
	}
	free(text);
	return best;
}

static char *
read_comm(const char *root, pid_t pid)
{
	char path[64], *text = NULL;
	size_t len;

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	if (conffile_read(root, path, 0, 256, &text, &len, NULL) < 0)
		return NULL;
	text[strcspn(text, "\n")] = '\0';
	return text;
}

/* Read the OCI config of container id: ns->boot_path, oci_sysctl and the
   pod's name in *ret_pod. Returns 0, -ENOENT (not found) or -ENOMEM. */
static int
find_oci(const char *root, struct netns *ns, const char *id, char **ret_pod)
{
	char rel[PATH_MAX], *text = NULL, *lines = NULL;
	const char *found = NULL;
	size_t len;
	DIR *d = NULL;
	struct dirent *e;
	int r;

	*ret_pod = NULL;
	if (conffile_opendir(root, CONTAINERD_TASKS, &d) == 0) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(rel, sizeof rel, "%s/%s/%s/config.json", CONTAINERD_TASKS,
			    e->d_name, id);
			if (conffile_read(root, rel, 0, STATE_MAX, &text, &len, NULL) == 0) {
				found = rel;
				break;
			}
		}
		closedir(d);
	}
	if (found == NULL) {
		snprintf(rel, sizeof rel, CONTAINERS_STORAGE, id);
		if (conffile_read(root, rel, 0, STATE_MAX, &text, &len, NULL) == 0)
			found = rel;
	}
	if (found == NULL)
		return -ENOENT;
	r = netns_oci_parse(text, len, &lines, ret_pod);
	free(text);
	if (r == -EBADMSG)
		return -ENOENT;
	if (r < 0)
		return r;
	if ((ns->boot_path = strdup(found)) == NULL) {
		free(lines);
		free(*ret_pod);
		*ret_pod = NULL;
		return -ENOMEM;
	}
	ns->oci_sysctl = lines;
	ns->boot = NETNS_BOOT_OCI;
	return 0;
}

/* Docker's name for a container ("/web" in config.v2.json): "web". */
static char *
docker_name(const char *root, const char *id)
{
	char rel[PATH_MAX], *text = NULL, *name = NULL;
	size_t len;
	json_t *j;
	const char *s;

	snprintf(rel, sizeof rel, DOCKER_CONFIG, id);
	if (conffile_read(root, rel, 0, STATE_MAX, &text, &len, NULL) < 0)
		return NULL;
	if ((j = json_loadb(text, len, 0, NULL)) != NULL &&
	    (s = json_string_value(json_object_get(j, "Name"))) != NULL) {
		while (*s == '/')
			s++;
		if (*s != '\0')
			name = strdup(s);
	}
	json_decref(j);
	free(text);
	return name;
}

/* Whether the process's root is not root itself, and whether systemd is
   init there (/run/systemd/system: what sd_booted() looks at). */
static void
process_root(const char *root, pid_t pid, bool *ret_own, bool *ret_systemd)
{
	char rel[64], *full, *sd;
	struct stat a, b;

	*ret_own = *ret_systemd = false;
	snprintf(rel, sizeof rel, "/proc/%d/root", (int)pid);
	if ((full = below(root, rel)) == NULL)
		return;
	if (stat(full, &a) == 0 && stat(root, &b) == 0 &&
	    (a.st_dev != b.st_dev || a.st_ino != b.st_ino)) {
		*ret_own = true;
		if (asprintf(&sd, "%s/run/systemd/system", full) >= 0) {
			*ret_systemd = stat(sd, &a) == 0 && S_ISDIR(a.st_mode);
			free(sd);
		}
	}
	free(full);
}

/* owner "KIND/NAME" ("host" when name is NULL). */
static int
set_owner(struct netns *ns, const char *kind, const char *name)
{
	free(ns->owner);
	free(ns->owner_kind);
	ns->owner = NULL;
	if ((ns->owner_kind = strdup(kind)) == NULL ||
	    (name == NULL ? (ns->owner = strdup(kind)) == NULL :
	    asprintf(&ns->owner, "%s/%s", kind, name) < 0)) {
		ns->owner = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* A container id as people see it: its first 12 digits. */
static const char *
short_id(const char *id, char buf[13])
{
	snprintf(buf, 13, "%s", id);
	return buf;
}

/* Who owns ns and what sets its keys (see netns.h). */
static int
describe(const char *root, struct netns *ns)
{
	char *kind = NULL, *id = NULL, *pod = NULL, *podname = NULL, *name = NULL;
	char sid[13];
	pid_t owner_pid = ns->npids > 0 ? ns->pids[0] : 0;
	bool own_root, systemd;
	int r = 0;

	ns->boot = ns->initial ? NETNS_BOOT_HOST : NETNS_BOOT_NONE;
	if (ns->initial)
		return set_owner(ns, "host", NULL);
	/* The first process that a cgroup places in a container owns it;
	   without one, the first that runs in a unit. */
	for (size_t i = 0; i < ns->npids && i < NETNS_PIDS_MAX; i++) {
		char *k, *d, *p;
		bool container;

		if ((r = cgroup_owner(root, ns->pids[i], &k, &d, &p)) == -ENOMEM)
			goto out;
		if (r < 0)
			continue;
		container = p != NULL || strcmp(k, "unit") != 0;
		if (kind != NULL && !container) {
			free(k);
			free(d);
			free(p);
			continue;
		}
		free(kind);
		free(id);
		free(pod);
		kind = k;
		id = d;
		pod = p;
		owner_pid = ns->pids[i];
		if (container)
			break;
	}
	r = 0;
	if (id != NULL && kind != NULL && strcmp(kind, "unit") != 0 &&
	    strcmp(kind, "lxc") != 0 && strcmp(kind, "machine") != 0) {
		if ((r = find_oci(root, ns, id, &podname)) == -ENOMEM)
			goto out;
		r = 0;
		if ((ns->container_id = strdup(id)) == NULL) {
			r = -ENOMEM;
			goto out;
		}
		if (strcmp(kind, "container") == 0 && ns->boot_path != NULL) {
			free(kind);
			kind = strdup(strstr(ns->boot_path, "/containers/") ? "crio" :
			    "containerd");
			if (kind == NULL) {
				r = -ENOMEM;
				goto out;
			}
		}
	}
	if (pod != NULL || podname != NULL)
		r = set_owner(ns, "pod", podname ? podname : pod);
	else if (id != NULL && strcmp(kind, "docker") == 0 &&
	    (name = docker_name(root, id)) != NULL)
		r = set_owner(ns, kind, name);
	else if (id != NULL && (strcmp(kind, "lxc") == 0 || strcmp(kind, "machine") == 0))
		r = set_owner(ns, kind, id);
	else if (id != NULL && strcmp(kind, "unit") != 0)
		r = set_owner(ns, kind, short_id(id, sid));
	else if (ns->name != NULL)
		r = set_owner(ns, "netns", ns->name);
	else if (id != NULL)
		r = set_owner(ns, "unit", id);
	else if (owner_pid > 0 && (name = read_comm(root, owner_pid)) != NULL)
		r = set_owner(ns, "process", name);
	else
		r = set_owner(ns, "process", "?");
	if (r < 0 || ns->boot != NETNS_BOOT_NONE || owner_pid <= 0)
		goto out;
	/* A system container (LXC, nspawn, or any root where systemd is
	   init) applies its own sysctl.d files when it starts. */
	process_root(root, owner_pid, &own_root, &systemd);
	if (own_root && systemd) {
		char rel[64];

		snprintf(rel, sizeof rel, "/proc/%d/root", (int)owner_pid);
		if ((ns->boot_path = below(root, rel)) == NULL)
			r = -ENOMEM;
		else
			ns->boot = NETNS_BOOT_ROOT;
	}
out:
	free(kind);
	free(id);
	free(pod);
	free(podname);
	free(name);
	return r;
}

static int
cmp_netns(const void *a, const void *b)
{
	const struct netns *x = a, *y = b;
	int r;

	if (x->initial != y->initial)
		return x->initial ? -1 : 1;
	if ((r = strcmp(x->owner, y->owner)) != 0)
		return r;
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static struct netns *
grow(struct netns_list *l, size_t *alloc)
{
	if (l->n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 16;
		struct netns *n = realloc(l->items, na * sizeof *n);

		if (n == NULL)
			return NULL;
		l->items = n;
		*alloc = na;
	}
	memset(&l->items[l->n], 0, sizeof l->items[0]);
	return &l->items[l->n++];
}

static bool
is_kthreadd(const char *root)
{
	char *comm = read_comm(root, 2);
	bool r = comm != NULL && strcmp(comm, "kthreadd") == 0;

	free(comm);
	return r;
}

/* Every process's namespace, sorted: *ret, *ret_n. */
static int
scan_procs(const char *root, struct nsref **ret, size_t *ret_n,
    struct netns_list *l, unsigned long long *init_dev, unsigned long long *init_ino)
{
	DIR *d;
	struct dirent *e;
	struct nsref *v = NULL;
	size_t n = 0, alloc = 0;
	char rel[64], *full;
	int r;

	*init_dev = *init_ino = 0;
	if ((r = conffile_opendir(root, "/proc", &d)) < 0)
		return r;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		struct stat st;

		if (*end != '\0' || pid <= 0 || pid > INT_MAX || !isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(rel, sizeof rel, "/proc/%ld/ns/net", pid);
		if ((full = below(root, rel)) == NULL) {
			r = -ENOMEM;
			goto fail;
		}
		r = stat(full, &st);
		free(full);
		if (r < 0) {
			/* Gone since it was listed (or a zombie): not a
			   namespace to audit. Denied: counted, so that the
			   report can say that some may be missing. */
			if (errno == EACCES || errno == EPERM)
				l->unreadable++;
			else
				l->gone++;
			continue;
		}
		if (n == alloc) {
			struct nsref *nv = realloc(v, (alloc = alloc ? alloc * 2 : 256) * sizeof *v);

			if (nv == NULL) {
				r = -ENOMEM;
				goto fail;
			}
			v = nv;
		}
		v[n].dev = (unsigned long long)st.st_dev;
		v[n].inode = (unsigned long long)st.st_ino;
		v[n].pid = (pid_t)pid;
		/* The initial namespace: pid 1's, else that of kthreadd
		   (pid 2), whose kernel threads all run in init_net. */
		if (pid == 1 || (pid == 2 && *init_ino == 0 && is_kthreadd(root))) {
			*init_dev = v[n].dev;
			*init_ino = v[n].inode;
		}
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, cmp_nsref);
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	closedir(d);
	free(v);
	return r;
}

/* The names bound below ROOT/run/netns, as namespaces without processes. */
static int
scan_named(const char *root, struct netns_list *l, size_t *alloc)
{
	DIR *d;
	struct dirent *e;
	char rel[PATH_MAX];

	if (conffile_opendir(root, "/run/netns", &d) < 0)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct netns *ns;
		struct stat st;
		struct statfs sf;
		char *full;

		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' ||
		    (e->d_name[1] == '.' && e->d_name[2] == '\0')))
			continue;
		snprintf(rel, sizeof rel, "/run/netns/%s", e->d_name);
		if ((full = below(root, rel)) == NULL)
			goto nomem;
		/* On a live host only a bound nsfs file is a namespace (a
		   name left over by a failed `ip netns add` is an empty
		   file on tmpfs). */
		if (stat(full, &st) < 0 || (strcmp(root, "/") == 0 &&
		    (statfs(full, &sf) < 0 || sf.f_type != NSFS_MAGIC))) {
			free(full);
			continue;
		}
		if ((ns = grow(l, alloc)) == NULL) {
			free(full);
			goto nomem;
		}
		ns->path = full;
		ns->dev = (unsigned long long)st.st_dev;
		ns->inode = (unsigned long long)st.st_ino;
		if ((ns->name = strdup(e->d_name)) == NULL)
			goto nomem;
	}
	closedir(d);
	return 0;
nomem:
	closedir(d);
	return -ENOMEM;
}

static struct netns *
find_ns(struct netns_list *l, unsigned long long dev, unsigned long long inode)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].dev == dev && l->items[i].inode == inode)
			return &l->items[i];
	return NULL;
}

/* Two namespaces may look alike (two processes named "sleep" each in its
   own): the later ones get "@INODE" so that every owner names one. */
static int
unique_owners(struct netns_list *l)
{
	bool *dup;

	if (l->n < 2)
		return 0;
	if ((dup = calloc(l->n, sizeof *dup)) == NULL)
		return -ENOMEM;
	for (size_t i = 1; i < l->n; i++)
		dup[i] = strcmp(l->items[i].owner, l->items[i - 1].owner) == 0;
	for (size_t i = 1; i < l->n; i++) {
		char *n;

		if (!dup[i])
			continue;
		if (asprintf(&n, "%s@%llu", l->items[i].owner, l->items[i].inode) < 0) {
			free(dup);
			return -ENOMEM;
		}
		free(l->items[i].owner);
		l->items[i].owner = n;
	}
	free(dup);
	return 0;
}

int
netns_discover(const char *root, struct netns_list *ret)
{
	struct netns_list l = { NULL, 0, 0, 0 };
	struct nsref *refs = NULL;
	size_t nrefs = 0, alloc = 0, named;
	unsigned long long init_dev, init_ino;
	char rel[64];
	int r;

	if (root == NULL)
		root = "/";
	if ((r = scan_named(root, &l, &alloc)) < 0)
		goto fail;
	named = l.n;
	if ((r = scan_procs(root, &refs, &nrefs, &l, &init_dev, &init_ino)) < 0)
		goto fail;
	for (size_t i = 0, cur = 0; i < nrefs; i++) {
		struct netns *ns;

		/* A new namespace: the name bound to it, if any, else a new
		   entry. Names are the first `named` entries. */
		if (i == 0 || refs[i].dev != refs[i - 1].dev ||
		    refs[i].inode != refs[i - 1].inode) {
			for (cur = 0; cur < named; cur++)
				if (l.items[cur].dev == refs[i].dev &&
				    l.items[cur].inode == refs[i].inode)
					break;
			if (cur == named) {
				if (grow(&l, &alloc) == NULL) {
					r = -ENOMEM;
					goto fail;
				}
				cur = l.n - 1;
				l.items[cur].dev = refs[i].dev;
				l.items[cur].inode = refs[i].inode;
			}
		}
		ns = &l.items[cur];
		if (ns->npids < NETNS_PIDS_MAX)
			ns->pids[ns->npids] = refs[i].pid;
		ns->npids++;
		if (ns->path == NULL) {
			snprintf(rel, sizeof rel, "/proc/%d/ns/net", (int)refs[i].pid);
			if ((ns->path = below(root, rel)) == NULL) {
				r = -ENOMEM;
				goto fail;
			}
		}
	}
	for (size_t i = 0; i < l.n; i++) {
		l.items[i].initial = init_ino != 0 && l.items[i].dev == init_dev &&
		    l.items[i].inode == init_ino;
		if ((r = describe(root, &l.items[i])) < 0)
			goto fail;
	}
	if (l.n > 0)
		qsort(l.items, l.n, sizeof *l.items, cmp_netns);
	if ((r = unique_owners(&l)) < 0)
		goto fail;
	free(refs);
	*ret = l;
	return 0;
fail:
	free(refs);
	netns_list_clear(&l);
	return r;
}

int
netns_resolve(const char *root, const char *spec, struct netns *ret)
{
	struct netns_list l;
	char rel[PATH_MAX], *path;
	const char *name = NULL;
	struct stat st;
	struct netns *ns;
	int r;

	memset(ret, 0, sizeof *ret);
	if (root == NULL)
		root = "/";
	if (*spec == '\0')
		return -EINVAL;
	if (strspn(spec, "0123456789") == strlen(spec)) {
		snprintf(rel, sizeof rel, "/proc/%s/ns/net", spec);
		path = below(root, rel);
	} else if (strchr(spec, '/') != NULL) {
		path = strdup(spec);
	} else {
		if (strcmp(spec, ".") == 0 || strcmp(spec, "..") == 0)
			return -EINVAL;
		snprintf(rel, sizeof rel, "/run/netns/%s", spec);
		path = below(root, rel);
		name = spec;
	}
	if (path == NULL)
		return -ENOMEM;
	if (stat(path, &st) < 0) {
		r = errno == ENOTDIR ? -ENOENT : -errno;
		free(path);
		return r;
	}
	if ((r = netns_discover(root, &l)) < 0) {
		free(path);
		return r;
	}
	if ((ns = find_ns(&l, (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino)) != NULL) {
		*ret = *ns;
		memset(ns, 0, sizeof *ns);
		free(ret->path);
		ret->path = path;
	} else {
		/* A namespace file bound elsewhere, with no process: the
		   kernel's defaults, nothing sets it. */
		ret->path = path;
		ret->dev = (unsigned long long)st.st_dev;
		ret->inode = (unsigned long long)st.st_ino;
		ret->boot = NETNS_BOOT_NONE;
		if ((ret->owner_kind = strdup("netns")) == NULL ||
		    asprintf(&ret->owner, "netns/%s", name ? name : spec) < 0) {
			ret->owner = NULL;
			netns_clear(ret);
			netns_list_clear(&l);
			return -ENOMEM;
		}
	}
	if (name != NULL && ret->name == NULL && (ret->name = strdup(name)) == NULL) {
		netns_clear(ret);
		netns_list_clear(&l);
		return -ENOMEM;
	}
	netns_list_clear(&l);
	return 0;
}
