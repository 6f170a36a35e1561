/*
 * export: a profile's values for Kubernetes, Docker, sysctl.d and Ansible;
 * see export.h.
 *
 * YAML is emitted by libyaml, whose emitter (0.2.5) has no comment events:
 * the document is emitted whole into memory, then the comments of item k
 * are put before the k-th line that starts an item of the list ("- " at
 * the list's indentation), with that indentation. Comment text from a
 * profile goes through fragment_comment(), which replaces control
 * characters, so a reason cannot end the comment line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "export.h"
#include "fragment.h"

/*
 * The kubelet's safe sysctls by release: the pod may set them without
 * --allowed-unsafe-sysctls and Pod Security "baseline" allows them.
 * Sources: pkg/kubelet/sysctl/safe_sysctls.go (safeSysctls[], with the
 * kernel releases of pkg/util/kernel/constants.go below which the kubelet
 * drops a key from the set) and the Kubernetes documentation "Using
 * sysctls in a Kubernetes Cluster" (content/en/docs/tasks/administer-
 * cluster/sysctl-cluster.md in kubernetes/website), which gives the release
 * of each addition. The first three are the set since sysctl support came
 * (1.4; net.ipv4.tcp_max_syn_backlog was dropped before that release, PR
 * #32072, not being per-namespace); the securityContext.sysctls field, the
 * oldest release export accepts, came in 1.11. tcp_rmem and tcp_wmem: the
 * documentation says "needs kernel 4.15+" (per namespace since 4.15), but
 * the kubelet does not check it (no kernel field), so no kernel is given
 * here; tcp_syncookies is per namespace only since 4.6 (same note).
 */
static const struct kube_safe {
	const char *name;
	unsigned since;		/* Kubernetes 1.since */
	const char *kernel;	/* the kubelet's minimum node kernel, or NULL */
} kube_safe[] = {
	{ "kernel.shm_rmid_forced", 4, NULL },
	{ "net.ipv4.ip_local_port_range", 4, NULL },
	{ "net.ipv4.tcp_syncookies", 4, NULL },
	{ "net.ipv4.ping_group_range", 18, NULL },
	{ "net.ipv4.ip_unprivileged_port_start", 22, NULL },
	{ "net.ipv4.ip_local_reserved_ports", 27, "3.16" },	/* commit 122ff243f5f1 */
	{ "net.ipv4.tcp_keepalive_time", 29, "4.5" },		/* commit 13b287e8d1ca */
	{ "net.ipv4.tcp_fin_timeout", 29, "4.6" },		/* commit 1e579caa18b9 */
	{ "net.ipv4.tcp_keepalive_intvl", 29, "4.5" },		/* commit b840d15d3912 */
	{ "net.ipv4.tcp_keepalive_probes", 29, "4.5" },		/* commit 9bd6861bd432 */
	{ "net.ipv4.tcp_rmem", 32, NULL },
	{ "net.ipv4.tcp_wmem", 32, NULL },
};

int
export_kube_version_parse(const char *s, unsigned *ret_minor)
{
	char buf[16];
	const char *err;
	long long minor;
	size_t n;

	if (*s == 'v')
		s++;
	if (strncmp(s, "1.", 2) != 0)
		return -EINVAL;
	s += 2;
	/* An optional patch release: "1.32.4". */
	n = strcspn(s, ".");
	if (n == 0 || n >= sizeof buf)
		return -EINVAL;
	if (s[n] == '.') {
		long long patch;

		if (parse_ll(s + n + 1, 0, 9999, &patch, &err) < 0)
			return -EINVAL;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (parse_ll(buf, 0, 999, &minor, &err) < 0)
		return strcmp(err, "invalid") == 0 ? -EINVAL : -ERANGE;
	if (minor < EXPORT_KUBE_OLDEST)
		return -ERANGE;
	*ret_minor = (unsigned)minor;
	return 0;
}

bool
export_kube_safe(const char *key, unsigned kube_minor, const char **ret_kernel)
{
	for (size_t i = 0; i < sizeof kube_safe / sizeof kube_safe[0]; i++)
		if (strcmp(kube_safe[i].name, key) == 0) {
			if (kube_safe[i].since > kube_minor)
				return false;
			if (ret_kernel != NULL)
				*ret_kernel = kube_safe[i].kernel;
			return true;
		}
	return false;
}

/* One exported setting. */
struct item {
	const struct setting *st;
	char value[VALUE_STR_MAX];
	char *when;		/* the condition in words, or NULL */
	char *note;		/* the comment before it in YAML and docker
				   output (malloc'ed), or NULL */
};

struct items {
	struct item *v;
	size_t n;
};

static void
items_clear(struct items *it)
{
	for (size_t i = 0; i < it->n; i++) {
		free(it->v[i].when);
		free(it->v[i].note);
	}
	free(it->v);
	it->v = NULL;
	it->n = 0;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	return catalog_write_cmp(x->st->entry->name, y->st->entry->name);
}

/* The settings export writes, in write order, with their values. */
static int
items_collect(const struct profile *p, struct items *ret)
{
	struct items it = { NULL, 0 };
	int r;

	if (p->nsettings > 0 && (it.v = calloc(p->nsettings, sizeof *it.v)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < p->nsettings; i++) {
		const struct setting *st = &p->settings[i];
		struct item *x = &it.v[it.n];

		if (!st->has_apply ||
		    (st->entry->flags & (CATALOG_READONLY | CATALOG_SECRET)))
			continue;
		x->st = st;
		it.n++;
		if ((r = value_format(&st->apply, x->value, sizeof x->value)) < 0)
			goto fail;
		if (st->when != NULL) {
			size_t len = 0;
			FILE *m = open_memstream(&x->when, &len);

			if (m == NULL) {
				r = -ENOMEM;
				goto fail;
			}
			cond_describe(m, st->when);
			if (fclose(m) != 0) {
				r = -ENOMEM;
				goto fail;
			}
		}
	}
	*ret = it;
	return 0;
fail:
	items_clear(&it);
	return r;
}

static bool
netns_key(const struct item *x)
{
	return x->st->entry->scope == SCOPE_NETNS;
}

/* Append text as wrapped "# " lines after indent to f. */
static int
comment(FILE *f, const char *indent, const char *text)
{
	char *c = NULL;
	int r;

	if ((r = fragment_comment(indent, text, &c)) < 0)
		return r;
	fputs(c, f);
	free(c);
	return 0;
}

/* "Profile condition ...: COND." in buf for an item with a condition;
   "" otherwise. 0 or -ENOBUFS. */
static int
when_text(const struct item *x, char *buf, size_t size)
{
	int n;

	if (x->when == NULL) {
		buf[0] = '\0';
		return 0;
	}
	n = snprintf(buf, size, "Profile condition, not tested without the "
	    "host: %s.", x->when);
	return n < 0 || (size_t)n >= size ? -ENOBUFS : 0;
}

/* The head comment every format starts with. */
static int
head(FILE *f, const struct profile *p, const char *what)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof buf, "Written by tcpadvise " TCPADVISE_VERSION
	    " (export --format %s) from profile %s, source %s.", what, p->name,
	    p->origin ? p->origin : "built-in");
	if (n < 0 || (size_t)n >= sizeof buf)
		return -ENOBUFS;
	return comment(f, "", buf);
}

/* The node-level keys as "#   key = value" lines after a paragraph. */
static int
node_keys(FILE *f, const struct items *it, const char *intro)
{
	bool any = false;
	int r;

	for (size_t i = 0; i < it->n; i++)
		any = any || !netns_key(&it->v[i]);
	if (!any)
		return 0;
	if ((r = comment(f, "", intro)) < 0)
		return r;
	for (size_t i = 0; i < it->n; i++)
		if (!netns_key(&it->v[i]))
			fprintf(f, "#   %s = %s\n", it->v[i].st->entry->name, it->v[i].value);
	return 0;
}

/* libyaml event helpers: each returns 0 or -ENOMEM (a failed emit). */
static int
emit(yaml_emitter_t *e, yaml_event_t *ev, int ok)
{
	if (!ok || !yaml_emitter_emit(e, ev))
		return -ENOMEM;
	return 0;
}

static int
scalar(yaml_emitter_t *e, const char *s, bool quoted)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)strlen(s), !quoted, quoted,
	    quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE));
}

static int
map_start(yaml_emitter_t *e)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    YAML_BLOCK_MAPPING_STYLE));
}

static int
map_end(yaml_emitter_t *e)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_mapping_end_event_initialize(&ev));
}

static int
seq_start(yaml_emitter_t *e, bool empty)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    empty ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

static int
seq_end(yaml_emitter_t *e)
{
	yaml_event_t ev;

	return emit(e, &ev, yaml_sequence_end_event_initialize(&ev));
}

static int
doc_start(yaml_emitter_t *e)
{
	yaml_event_t ev;
	int r;

	if ((r = emit(e, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING))) < 0)
		return r;
	return emit(e, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
}

static int
doc_end(yaml_emitter_t *e)
{
	yaml_event_t ev;
	int r;

	if ((r = emit(e, &ev, yaml_document_end_event_initialize(&ev, 1))) < 0)
		return r;
	if ((r = emit(e, &ev, yaml_stream_end_event_initialize(&ev))) < 0)
		return r;
	return yaml_emitter_flush(e) ? 0 : -ENOMEM;
}

/* The Kubernetes document: securityContext.sysctls of the per-netns keys. */
static int
yaml_kubernetes(yaml_emitter_t *e, const struct items *it, size_t nnetns)
{
	int r;

	if ((r = doc_start(e)) < 0 || (r = map_start(e)) < 0 ||
	    (r = scalar(e, "securityContext", false)) < 0 || (r = map_start(e)) < 0 ||
	    (r = scalar(e, "sysctls", false)) < 0 || (r = seq_start(e, nnetns == 0)) < 0)
		return r;
	for (size_t i = 0; i < it->n; i++) {
		if (!netns_key(&it->v[i]))
			continue;
		if ((r = map_start(e)) < 0 || (r = scalar(e, "name", false)) < 0 ||
		    (r = scalar(e, it->v[i].st->entry->name, false)) < 0 ||
		    (r = scalar(e, "value", false)) < 0 ||
		    (r = scalar(e, it->v[i].value, true)) < 0 || (r = map_end(e)) < 0)
			return r;
	}
	if ((r = seq_end(e)) < 0 || (r = map_end(e)) < 0 || (r = map_end(e)) < 0)
		return r;
	return doc_end(e);
}

/* The Ansible document: one ansible.posix.sysctl task per key. */
static int
yaml_ansible(yaml_emitter_t *e, const struct items *it, const char *file)
{
	char title[SYSCTL_NAME_MAX + VALUE_STR_MAX + 16];
	int r;

	if ((r = doc_start(e)) < 0 || (r = seq_start(e, it->n == 0)) < 0)
		return r;
	for (size_t i = 0; i < it->n; i++) {
		const struct item *x = &it->v[i];
		int n = snprintf(title, sizeof title, "%s = %s", x->st->entry->name, x->value);

		if (n < 0 || (size_t)n >= sizeof title)
			return -ENOBUFS;
		if ((r = map_start(e)) < 0 || (r = scalar(e, "name", false)) < 0 ||
		    (r = scalar(e, title, true)) < 0 ||
		    (r = scalar(e, "ansible.posix.sysctl", false)) < 0 ||
		    (r = map_start(e)) < 0 ||
		    (r = scalar(e, "name", false)) < 0 ||
		    (r = scalar(e, x->st->entry->name, false)) < 0 ||
		    (r = scalar(e, "value", false)) < 0 || (r = scalar(e, x->value, true)) < 0 ||
		    (r = scalar(e, "sysctl_file", false)) < 0 || (r = scalar(e, file, false)) < 0 ||
		    (r = scalar(e, "reload", false)) < 0 || (r = scalar(e, "true", false)) < 0 ||
		    (r = map_end(e)) < 0 || (r = map_end(e)) < 0)
			return r;
	}
	if ((r = seq_end(e)) < 0)
		return r;
	return doc_end(e);
}

/*
 * Write yaml to f with the notes of the exported items put before the
 * lines that start them: lines that begin with indent + "- ". With
 * netns_only, the list holds only the per-netns items.
 */
static int
merge(FILE *f, const char *yaml, const char *indent, const struct items *it,
    bool netns_only)
{
	size_t k = 0, ilen = strlen(indent);
	const char *p = yaml;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p + 1) : strlen(p);

		if (strncmp(p, indent, ilen) == 0 && strncmp(p + ilen, "- ", 2) == 0) {
			while (k < it->n && netns_only && !netns_key(&it->v[k]))
				k++;
			if (k < it->n && it->v[k].note != NULL) {
				int r = comment(f, indent, it->v[k].note);

				if (r < 0)
					return r;
			}
			k++;
		}
		fwrite(p, 1, len, f);
		p += len;
	}
	return 0;
}

/* Emit the format's document into memory, then write it to f with the
   notes merged in. */
static int
yaml_out(FILE *f, const struct items *it, const struct export_opts *o, size_t nnetns)
{
	yaml_emitter_t e;
	char *text = NULL;
	size_t len = 0;
	FILE *m;
	int r;

	if ((m = open_memstream(&text, &len)) == NULL)
		return -ENOMEM;
	if (!yaml_emitter_initialize(&e)) {
		fclose(m);
		free(text);
		return -ENOMEM;
	}
	yaml_emitter_set_output_file(&e, m);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, 4096);
	yaml_emitter_set_indent(&e, 2);
	if (o->format == EXPORT_KUBERNETES)
		r = yaml_kubernetes(&e, it, nnetns);
	else
		r = yaml_ansible(&e, it, o->file ? o->file : EXPORT_ANSIBLE_FILE);
	yaml_emitter_delete(&e);
	if (fclose(m) != 0 && r == 0)
		r = -ENOMEM;
	if (r == 0)
		r = merge(f, text, o->format == EXPORT_KUBERNETES ? "  " : "", it,
		    o->format == EXPORT_KUBERNETES);
	free(text);
	return r;
}

/* The notes of the items for the format. */
static int
notes(struct items *it, const struct export_opts *o)
{
	char buf[2048], when[1024];
	int r;

	for (size_t i = 0; i < it->n; i++) {
		struct item *x = &it->v[i];
		const char *kernel = NULL;
		int n = 0;

		if ((r = when_text(x, when, sizeof when)) < 0)
			return r;
		buf[0] = '\0';
		if (o->format == EXPORT_KUBERNETES && netns_key(x)) {
			if (!export_kube_safe(x->st->entry->name, o->kube_minor, &kernel))
				n = snprintf(buf, sizeof buf, "Unsafe in Kubernetes 1.%u: "
				    "needs the kubelet's --allowed-unsafe-sysctls on the node; "
				    "Pod Security \"baseline\" rejects it. %s", o->kube_minor, when);
			else if (kernel != NULL)
				n = snprintf(buf, sizeof buf, "Safe on nodes with kernel %s "
				    "or later: the kubelet drops it from its safe set on older "
				    "ones. %s", kernel, when);
			else
				n = snprintf(buf, sizeof buf, "%s", when);
		} else if (o->format == EXPORT_SYSCTL && x->st->reason != NULL)
			n = snprintf(buf, sizeof buf, "%s %s", x->st->reason, when);
		else
			n = snprintf(buf, sizeof buf, "%s", when);
		if (n < 0 || (size_t)n >= sizeof buf)
			return -ENOBUFS;
		if (buf[0] != '\0' && (x->note = strdup(buf)) == NULL)
			return -ENOMEM;
	}
	return 0;
}

static int
render_kubernetes(FILE *f, const struct profile *p, const struct items *it,
    const struct export_opts *o)
{
	char buf[1024], rel[96] = "";
	size_t nnetns = 0;
	int r, n;

	for (size_t i = 0; i < it->n; i++)
		nnetns += netns_key(&it->v[i]);
	if ((r = head(f, p, "kubernetes")) < 0)
		return r;
	if (o->kube_minor > EXPORT_KUBE_NEWEST)
		snprintf(rel, sizeof rel, " (judged as 1.%u, the newest release "
		    "tcpadvise knows)", EXPORT_KUBE_NEWEST);
	n = snprintf(buf, sizeof buf, "A Pod's securityContext: put it under the "
	    "Pod's spec (spec.template.spec of a Deployment or StatefulSet). It holds "
	    "the profile's apply values of the keys that are per network namespace, "
	    "judged against the kubelet's safe sysctls of Kubernetes 1.%u%s. An "
	    "unsafe one starts the pod only on nodes whose kubelet allows it with "
	    "--allowed-unsafe-sysctls, and Pod Security \"baseline\" and "
	    "\"restricted\" reject the pod. A pod with hostNetwork: true can set "
	    "no net.* sysctl: the kubelet rejects it; set those on the node.",
	    o->kube_minor, rel);
	if (n < 0 || (size_t)n >= sizeof buf)
		return -ENOBUFS;
	if ((r = comment(f, "", buf)) < 0 || (r = yaml_out(f, it, o, nnetns)) < 0)
		return r;
	return node_keys(f, it, "Node-level keys: global, not per pod, so no pod "
	    "can set them; set them on every node (tcpadvise apply, or a "
	    "privileged DaemonSet):");
}

/* A --sysctl option, quoted for a POSIX shell where the value needs it. */
static void
docker_option(FILE *f, const struct item *x)
{
	const char *v = x->value;
	bool plain = strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._,:/+-") == strlen(v) && *v != '\0';

	/* Values are canonical (value_format()): no quote can occur. */
	fprintf(f, plain ? "--sysctl %s=%s\n" : "--sysctl '%s=%s'\n",
	    x->st->entry->name, v);
}

static int
render_docker(FILE *f, const struct profile *p, const struct items *it)
{
	int r;

	if ((r = head(f, p, "docker")) < 0 ||
	    (r = comment(f, "", "Options of docker run (and podman run) for the "
	    "profile's apply values of the keys that are per network namespace. "
	    "Docker refuses net.* sysctls with --network=host; set those on the "
	    "host.")) < 0)
		return r;
	for (size_t i = 0; i < it->n; i++) {
		if (!netns_key(&it->v[i]))
			continue;
		if (it->v[i].note != NULL && (r = comment(f, "", it->v[i].note)) < 0)
			return r;
		docker_option(f, &it->v[i]);
	}
	return node_keys(f, it, "Host-level keys: global, not per container, so "
	    "no container can set them; set them on the host (tcpadvise apply):");
}

static int
render_sysctl(FILE *f, const struct profile *p, const struct items *it)
{
	struct fragment_block *b = NULL;
	char *text = NULL;
	int r;

	if (it->n > 0 && (b = calloc(it->n, sizeof *b)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < it->n; i++) {
		b[i].key = it->v[i].st->entry->name;
		b[i].value = it->v[i].value;
		b[i].comment = it->v[i].note;
	}
	if ((r = fragment_compose(p->name, p->origin, b, it->n, &text)) == 0)
		fputs(text, f);
	free(b);
	free(text);
	return r;
}

int
export_render(const struct profile *p, const struct export_opts *o, char **ret)
{
	struct items it = { NULL, 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int r;

	if ((r = items_collect(p, &it)) < 0)
		return r;
	if (it.n > 1)
		qsort(it.v, it.n, sizeof *it.v, cmp_item);
	if ((r = notes(&it, o)) < 0)
		goto out;
	if ((f = open_memstream(&text, &len)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	switch (o->format) {
	case EXPORT_KUBERNETES:
		r = render_kubernetes(f, p, &it, o);
		break;
	case EXPORT_DOCKER:
		r = render_docker(f, p, &it);
		break;
	case EXPORT_SYSCTL:
		r = render_sysctl(f, p, &it);
		break;
	case EXPORT_ANSIBLE:
		if ((r = head(f, p, "ansible")) < 0 ||
		    (r = comment(f, "", "Tasks for ansible.posix.sysctl (include them "
		    "with import_tasks) with the profile's apply values; each task "
		    "writes the key to its sysctl_file and reloads that file. Do not "
		    "point them at tcpadvise's own fragment: the module rewrites "
		    "the whole file its own way.")) < 0)
			break;
		r = yaml_out(f, &it, o, 0);
		break;
	}
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	f = NULL;
	if (r == 0) {
		*ret = text;
		text = NULL;
	}
out:
	free(text);
	items_clear(&it);
	return r;
}
