/*
 * cmd_netns: --netns and --all-netns, one command run in every network
 * namespace asked for, and one report of them all.
 *
 * How. The namespaces are found once (netns.h). Up to one worker process
 * per CPU (fork, no exec) enters its share of them in turn with setns(2),
 * which moves the worker's one thread: /proc/sys/net, /proc/thread-self/net
 * and every netlink socket opened afterwards are then the namespace's. The
 * command runs there as it runs on its own, with the namespace's boot view
 * (snapshot_take_boot()), its stdout and stderr in memory files; each
 * result goes back to the parent as one frame on a pipe. Only the parent
 * writes: text grouped by namespace, one JSON document with an array of
 * namespaces, one Prometheus exposition in which every series carries the
 * namespace's owner as a label.
 *
 * A namespace gone before its worker enters it (its last process exited)
 * is skipped and counted, not an error. The exit status is the worst of
 * all the namespaces'.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "escape.h"
#include "host.h"
#include "netns.h"
#include "snapshot.h"

/* At most this many workers, whatever the CPUs. */
#define WORKERS_MAX 8

/* The status of a namespace that was gone before it could be entered. */
#define NS_GONE (-1)

struct frame {
	uint32_t index;
	int32_t status;
	uint64_t outlen, errlen;
};

struct result {
	bool done;
	int status;
	char *out, *err;
	size_t outlen, errlen;
	json_t *json;		/* --format json: out parsed as it arrived */
};

static int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The bytes written to the memory file fd since it was emptied. */
static char *
take(int fd, size_t *ret_len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *buf;

	*ret_len = 0;
	if (end <= 0 || (buf = malloc((size_t)end)) == NULL)
		return NULL;
	if (pread(fd, buf, (size_t)end, 0) != (ssize_t)end) {
		free(buf);
		return NULL;
	}
	*ret_len = (size_t)end;
	return buf;
}

static int
empty(int fd)
{
	return ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0 ? -1 : 0;
}

/* Whether fd is the namespace this thread is in already (entering it
   would need CAP_SYS_ADMIN all the same). */
static bool
same_netns(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/proc/thread-self/ns/net", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Run the command in namespace ns, its standard output and error going
   where the worker sent them. Returns the command's status, or NS_GONE. */
static int
run_in(const struct options *o, int (*run)(const struct options *),
    const struct netns *ns, bool global_elsewhere)
{
	struct options oo = *o;
	struct cmd_result res;
	struct snapshot_boot boot = { ns->boot, ns->boot_path, ns->boot_path,
	    ns->oci_sysctl != NULL ? ns->oci_sysctl : "" };
	int fd, status;

	memset(&res, 0, sizeof res);
	res.json = o->result->json;
	oo.result = &res;
	oo.netns = NULL;
	oo.all_netns = false;
	oo.boot = &boot;
	oo.global_elsewhere = global_elsewhere;
	/* A namespace's files are not the host's: apply plans live values
	   only (main() allows it only with --dry-run). */
	if (ns->boot != NETNS_BOOT_HOST)
		oo.live_only = true;
	if ((fd = open(ns->path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT || errno == ESRCH)
			return NS_GONE;
		cmd_error(&oo, "cannot open the network namespace %s: %s", ns->path,
		    strerror(errno));
		status = TA_EXIT_SYSTEM;
	} else if (!same_netns(fd) && setns(fd, CLONE_NEWNET) < 0) {
		cmd_error(&oo, "cannot enter the network namespace %s: %s", ns->path,
		    errno == EINVAL ? "not a network namespace" : strerror(errno));
		close(fd);
		status = TA_EXIT_SYSTEM;
	} else {
		close(fd);
		status = run(&oo);
	}
	if (status >= TA_EXIT_USAGE && (res.json || o->format == FORMAT_JSON))
		(void)cmd_json_error(o->command, status, res.message);
	return status;
}

/*
 * Keep worker w on the w-th CPU it may use. The workers are the
 * parallelism here: a census on one CPU walks the established hash once
 * per namespace instead of twice on two threads (census.h), and that walk
 * is most of what a namespace costs.
 */
static void
pin(size_t w)
{
	cpu_set_t set, one;
	size_t k = 0;

	if (sched_getaffinity(0, sizeof set, &set) < 0 || CPU_COUNT(&set) < 2)
		return;
	w %= (size_t)CPU_COUNT(&set);
	CPU_ZERO(&one);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && k++ == w) {
			CPU_SET(c, &one);
			(void)sched_setaffinity(0, sizeof one, &one);
			return;
		}
}

/* A worker: namespaces first, first + step, ... of l; one frame each on
   the pipe fd. Never returns. */
static void
worker(const struct options *o, int (*run)(const struct options *),
    struct netns_list *l, size_t first, size_t step, int fd, bool all)
{
	int mo = memfd_create("stdout", MFD_CLOEXEC);
	int me = memfd_create("stderr", MFD_CLOEXEC);
	bool host = all && l->n > 0 && l->items[0].initial;

	if (mo < 0 || me < 0)
		_exit(TA_EXIT_SYSTEM);
	pin(first);
	host_memo_enable();
	report_json_compact();
	for (size_t i = first; i < l->n; i += step) {
		struct frame f;
		char *out, *err;
		size_t outlen, errlen;

		fflush(stdout);
		fflush(stderr);
		if (empty(mo) < 0 || empty(me) < 0 || dup2(mo, STDOUT_FILENO) < 0 ||
		    dup2(me, STDERR_FILENO) < 0)
			_exit(TA_EXIT_SYSTEM);
		f.index = (uint32_t)i;
		f.status = run_in(o, run, &l->items[i], host && !l->items[i].initial);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			clearerr(stdout);
			f.status = TA_EXIT_SYSTEM;
		}
		fflush(stderr);
		out = take(mo, &outlen);
		err = take(me, &errlen);
		f.outlen = outlen;
		f.errlen = errlen;
		if (write_all(fd, &f, sizeof f) < 0 || write_all(fd, out, outlen) < 0 ||
		    write_all(fd, err, errlen) < 0)
			_exit(TA_EXIT_SYSTEM);
		free(out);
		free(err);
	}
	cmd_memo_clear();
	host_memo_clear();
	netns_list_clear(l);
	_exit(0);
}

/*
 * The complete frames in buf from *off on into results, *off moved past
 * them. With parse, a result's JSON is parsed at once (while the workers
 * go on) and its text dropped.
 */
static void
unframe(const char *buf, size_t len, size_t *off, struct result *res, size_t n,
    bool parse)
{
	while (len - *off >= sizeof(struct frame)) {
		struct frame f;
		struct result *r;
		size_t o = *off + sizeof f;

		memcpy(&f, buf + *off, sizeof f);
		if (f.outlen > len - o || f.errlen > len - o - f.outlen)
			return;
		*off = o + f.outlen + f.errlen;
		if (f.index >= n)
			continue;
		r = &res[f.index];
		r->done = true;
		r->status = f.status;
		if (f.outlen > 0 && parse)
			r->json = json_loadb(buf + o, f.outlen, 0, NULL);
		else if (f.outlen > 0 && (r->out = malloc(f.outlen + 1)) != NULL) {
			memcpy(r->out, buf + o, f.outlen);
			r->out[f.outlen] = '\0';
			r->outlen = f.outlen;
		}
		o += f.outlen;
		if (f.errlen > 0 && (r->err = malloc(f.errlen + 1)) != NULL) {
			memcpy(r->err, buf + o, f.errlen);
			r->err[f.errlen] = '\0';
			r->errlen = f.errlen;
		}
	}
}

/* Run every namespace of l in workers; res[i] for l->items[i]. Returns 0
   or a negative errno (nothing started, or a worker could not be made). */
static int
run_all(const struct options *o, int (*run)(const struct options *),
    struct netns_list *l, struct result *res, bool all)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t nw = cpus < 1 ? 1 : cpus > WORKERS_MAX ? WORKERS_MAX : (size_t)cpus;
	int fds[WORKERS_MAX];
	pid_t pids[WORKERS_MAX];
	char *buf[WORKERS_MAX] = { NULL };
	size_t len[WORKERS_MAX] = { 0 }, alloc[WORKERS_MAX] = { 0 }, open_n = 0;
	size_t off[WORKERS_MAX] = { 0 };
	bool parse = o->format == FORMAT_JSON;
	struct pollfd pfd[WORKERS_MAX];
	int r = 0;

	if (nw > l->n)
		nw = l->n;
	fflush(stdout);
	fflush(stderr);
	for (size_t w = 0; w < nw; w++) {
		int p[2];

		if (pipe2(p, O_CLOEXEC) < 0) {
			r = -errno;
			nw = w;
			break;
		}
		if ((pids[w] = fork()) < 0) {
			r = -errno;
			close(p[0]);
			close(p[1]);
			nw = w;
			break;
		}
		if (pids[w] == 0) {
			close(p[0]);
			for (size_t k = 0; k < w; k++)
				close(fds[k]);
			/* The parent's results are not the worker's to fill. */
			free(res);
			worker(o, run, l, w, nw, p[1], all);
		}
		close(p[1]);
		fds[w] = p[0];
	}
	for (size_t w = 0; w < nw; w++) {
		pfd[w].fd = fds[w];
		pfd[w].events = POLLIN;
		open_n++;
	}
	while (open_n > 0) {
		if (poll(pfd, nw, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		for (size_t w = 0; w < nw; w++) {
			ssize_t got;

			if (pfd[w].fd < 0 || pfd[w].revents == 0)
				continue;
			if (alloc[w] - len[w] < 65536) {
				char *nb = realloc(buf[w], alloc[w] + 262144);

				if (nb == NULL) {
					r = -ENOMEM;
					goto drain;
				}
				buf[w] = nb;
				alloc[w] += 262144;
			}
			got = read(pfd[w].fd, buf[w] + len[w], alloc[w] - len[w]);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(pfd[w].fd);
				pfd[w].fd = -1;
				open_n--;
				continue;
			}
			len[w] += (size_t)got;
			unframe(buf[w], len[w], &off[w], res, l->n, parse);
			/* Keep only what is not a whole frame yet. */
			if (off[w] > 0) {
				memmove(buf[w], buf[w] + off[w], len[w] - off[w]);
				len[w] -= off[w];
				off[w] = 0;
			}
		}
	}
drain:
	for (size_t w = 0; w < nw; w++) {
		int st;

		if (pfd[w].fd >= 0)
			close(pfd[w].fd);
		while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR)
			;
		free(buf[w]);
	}
	return r;
}

/* Standard error of a namespace's run, each line naming the namespace:
   "tcpadvise: OWNER: message". */
static void
print_errors(const struct netns *ns, const char *err)
{
	char *owner = term_escape(ns->owner, 0);

	for (const char *p = err; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n >= 11 && strncmp(p, "tcpadvise: ", 11) == 0)
			fprintf(stderr, "tcpadvise: %s: %.*s\n", owner ? owner : "?",
			    (int)(n - 11), p + 11);
		else
			fprintf(stderr, "%s: %.*s\n", owner ? owner : "?", (int)n, p);
		p = nl ? nl + 1 : NULL;
	}
	free(owner);
}

/* "pid 1 2 3 and 120 more" */
static void
print_pids(FILE *out, const struct netns *ns)
{
	size_t kept = ns->npids < NETNS_PIDS_MAX ? ns->npids : NETNS_PIDS_MAX;
	size_t shown = kept < 4 ? kept : 4;

	if (ns->npids == 0) {
		fputs("no process", out);
		return;
	}
	fputs(ns->npids == 1 ? "pid" : "pids", out);
	for (size_t i = 0; i < shown; i++)
		fprintf(out, " %d", (int)ns->pids[i]);
	if (ns->npids > shown)
		fprintf(out, " and %zu more", ns->npids - shown);
}

static int
write_text(const struct options *o, const struct netns_list *l,
    struct result *res, size_t counts[4])
{
	for (size_t i = 0; i < l->n; i++) {
		const struct netns *ns = &l->items[i];
		char *owner;

		if (!res[i].done || res[i].status == NS_GONE)
			continue;
		if ((owner = term_escape(ns->owner, 0)) == NULL)
			return -ENOMEM;
		if (o->verbosity >= 0) {
			printf("%s== %s: network namespace %llu", i > 0 ? "\n" : "", owner,
			    ns->inode);
			if (ns->name != NULL) {
				char *name = term_escape(ns->name, 0);

				printf(" (%s)", name ? name : "?");
				free(name);
			}
			fputs(", ", stdout);
			print_pids(stdout, ns);
			printf("; after a restart: %s ==\n", ns->boot == NETNS_BOOT_HOST ?
			    "the host's files" : ns->boot == NETNS_BOOT_OCI ?
			    "the runtime's OCI config" : ns->boot == NETNS_BOOT_ROOT ?
			    "the container's own files" : "the kernel's defaults");
			fwrite(res[i].out, 1, res[i].outlen, stdout);
		} else {
			/* -q: one line per finding, each naming its namespace. */
			for (const char *p = res[i].out; p != NULL && *p != '\0';) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);

				printf("%s: %.*s\n", owner, (int)n, p);
				p = nl ? nl + 1 : NULL;
			}
		}
		free(owner);
		fflush(stdout);
		print_errors(ns, res[i].err);
	}
	if (o->verbosity < 0)
		return 0;
	printf("\nnamespaces: %zu audited", counts[0] + counts[1] + counts[2]);
	if (!o->fail_never)
		printf(", %zu with findings at or above %s", counts[1],
		    severity_name(o->fail_on));
	printf(", %zu failed", counts[2]);
	if (counts[3] > 0)
		printf(", %zu gone before they could be audited", counts[3]);
	putchar('\n');
	if (l->unreadable > 0)
		printf("(%zu process%s whose namespace could not be looked at: "
		    "permission denied)\n", l->unreadable, l->unreadable == 1 ? "" : "es");
	return 0;
}

static json_t *
netns_json(const struct netns *ns)
{
	json_t *pids = json_array(), *j;
	size_t kept = ns->npids < NETNS_PIDS_MAX ? ns->npids : NETNS_PIDS_MAX;

	for (size_t i = 0; pids != NULL && i < kept; i++)
		json_array_append_new(pids, json_integer(ns->pids[i]));
	j = json_pack("{s:o, s:I, s:o, s:I, s:o, s:o, s:o, s:b, s:{s:s, s:o}}",
	    "name", report_jstr(ns->name), "inode", (json_int_t)ns->inode,
	    "pids", pids ? pids : json_array(), "processes", (json_int_t)ns->npids,
	    "owner", report_jstr(ns->owner), "kind", report_jstr(ns->owner_kind),
	    "container_id", report_jstr(ns->container_id), "initial", ns->initial,
	    "boot", "kind", ns->boot == NETNS_BOOT_HOST ? "host" :
	    ns->boot == NETNS_BOOT_OCI ? "oci" : ns->boot == NETNS_BOOT_ROOT ? "root" :
	    "none", "path", report_jstr(ns->boot_path));
	return j;
}

static int
write_json(const struct options *o, const struct netns_list *l,
    struct result *res, size_t counts[4])
{
	json_t *root = json_object(), *arr = json_array(), *sum;
	json_int_t sev[4] = { 0, 0, 0, 0 };
	static const char *const sevkeys[] = { "critical", "warning", "info", "total" };
	int r;

	if (root == NULL || arr == NULL) {
		json_decref(root);
		json_decref(arr);
		return -ENOMEM;
	}
	for (size_t i = 0; i < l->n; i++) {
		json_t *chunk, *entry, *s, *ns;

		if (!res[i].done || res[i].status == NS_GONE)
			continue;
		chunk = res[i].json;
		res[i].json = NULL;
		if (!json_is_object(chunk)) {
			json_decref(chunk);
			chunk = json_pack("{s:{s:i, s:s}}", "error", "code", TA_EXIT_SYSTEM,
			    "message", "no report");
		}
		json_object_del(chunk, "schema_version");
		json_object_del(chunk, "tool_version");
		json_object_del(chunk, "command");
		/* The report's own "netns" ("init" or "child": what the
		   namespace looks like from inside) goes into ours. */
		ns = netns_json(&l->items[i]);
		if (ns != NULL && json_is_string(json_object_get(chunk, "netns")))
			json_object_set(ns, "type", json_object_get(chunk, "netns"));
		json_object_del(chunk, "netns");
		entry = json_pack("{s:o, s:i}", "netns", ns, "status", res[i].status);
		if (entry == NULL || json_object_update(entry, chunk) < 0) {
			json_decref(entry);
			json_decref(chunk);
			json_decref(root);
			json_decref(arr);
			return -ENOMEM;
		}
		s = json_object_get(chunk, "summary");
		for (size_t k = 0; k < 4; k++)
			sev[k] += json_integer_value(json_object_get(s, sevkeys[k]));
		json_decref(chunk);
		json_array_append_new(arr, entry);
		print_errors(&l->items[i], res[i].err);
	}
	sum = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "namespaces", (json_int_t)(counts[0] + counts[1] + counts[2]),
	    "with_findings", (json_int_t)counts[1], "failed", (json_int_t)counts[2],
	    "gone", (json_int_t)counts[3], "processes_unreadable",
	    (json_int_t)l->unreadable, "critical", sev[0], "warning", sev[1],
	    "info", sev[2], "total", sev[3]);
	json_object_set_new(root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(root, "tool_version", json_string(TCPADVISE_VERSION));
	json_object_set_new(root, "command", json_string(o->command));
	json_object_set_new(root, "namespaces", arr);
	json_object_set_new(root, "summary", sum);
	r = report_json_write(stdout, root, JSON_INDENT(2));
	json_decref(root);
	return r;
}

/* A family of the merged exposition: its HELP and TYPE lines, then the
   samples of every namespace. */
struct family {
	char *name;
	char *head;		/* "# HELP ...\n# TYPE ...\n" */
	char *body;
	size_t bodylen;
	FILE *bodyf;
};

/* The family named, added at the end when new. Each is allocated on its
   own: its memory stream keeps the addresses of body and bodylen. */
static struct family *
family_get(struct family ***fams, size_t *n, const char *name, size_t nlen)
{
	struct family **v, *f;

	for (size_t i = 0; i < *n; i++)
		if (strlen((*fams)[i]->name) == nlen &&
		    strncmp((*fams)[i]->name, name, nlen) == 0)
			return (*fams)[i];
	if ((v = realloc(*fams, (*n + 1) * sizeof *v)) == NULL)
		return NULL;
	*fams = v;
	if ((f = calloc(1, sizeof *f)) == NULL)
		return NULL;
	if ((f->name = strndup(name, nlen)) == NULL ||
	    (f->bodyf = open_memstream(&f->body, &f->bodylen)) == NULL) {
		free(f->name);
		free(f);
		return NULL;
	}
	v[(*n)++] = f;
	return f;
}

/*
 * One exposition from each namespace's: the lines of a metric family
 * together under one HELP and TYPE (the format wants a family's lines
 * adjacent), each sample labelled owner="OWNER".
 */
static int
write_prometheus(const struct netns_list *l, const struct result *res)
{
	struct family **fams = NULL, *cur = NULL;
	size_t nfams = 0;
	int r = 0;

	for (size_t i = 0; i < l->n && r == 0; i++) {
		char *label = NULL;
		size_t labellen = 0;
		FILE *lf;

		if (!res[i].done || res[i].status == NS_GONE || res[i].out == NULL)
			continue;
		if ((lf = open_memstream(&label, &labellen)) == NULL) {
			r = -ENOMEM;
			break;
		}
		fputs("owner=\"", lf);
		report_prom_label(lf, l->items[i].owner);
		fputc('"', lf);
		fclose(lf);
		cur = NULL;
		for (const char *p = res[i].out; *p != '\0';) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			const char *next = nl ? nl + 1 : p + n;

			if (n > 7 && (strncmp(p, "# HELP ", 7) == 0 ||
			    strncmp(p, "# TYPE ", 7) == 0)) {
				size_t nlen = strcspn(p + 7, " \n");

				if ((cur = family_get(&fams, &nfams, p + 7, nlen)) == NULL) {
					r = -ENOMEM;
					break;
				}
				/* The first namespace's HELP and TYPE stand
				   for all. */
				if (cur->head == NULL || strstr(cur->head, p[2] == 'H' ?
				    "# HELP " : "# TYPE ") == NULL) {
					size_t hl = cur->head ? strlen(cur->head) : 0;
					char *h = realloc(cur->head, hl + n + 2);

					if (h == NULL) {
						r = -ENOMEM;
						break;
					}
					memcpy(h + hl, p, n);
					h[hl + n] = '\n';
					h[hl + n + 1] = '\0';
					cur->head = h;
				}
			} else if (n > 0 && *p != '#') {
				size_t nlen = strspn(p, "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:");

				if (cur == NULL &&
				    (cur = family_get(&fams, &nfams, p, nlen)) == NULL) {
					r = -ENOMEM;
					break;
				}
				if (p[nlen] == '{' && p[nlen + 1] == '}')
					fprintf(cur->bodyf, "%.*s{%s}%.*s\n", (int)nlen, p, label,
					    (int)(n - nlen - 2), p + nlen + 2);
				else if (p[nlen] == '{')
					fprintf(cur->bodyf, "%.*s{%s,%.*s\n", (int)nlen, p, label,
					    (int)(n - nlen - 1), p + nlen + 1);
				else
					fprintf(cur->bodyf, "%.*s{%s}%.*s\n", (int)nlen, p, label,
					    (int)(n - nlen), p + nlen);
			}
			p = next;
		}
		free(label);
		print_errors(&l->items[i], res[i].err);
	}
	for (size_t i = 0; i < nfams; i++) {
		fclose(fams[i]->bodyf);
		if (r == 0) {
			if (fams[i]->head != NULL)
				fputs(fams[i]->head, stdout);
			fwrite(fams[i]->body, 1, fams[i]->bodylen, stdout);
		}
		free(fams[i]->name);
		free(fams[i]->head);
		free(fams[i]->body);
		free(fams[i]);
	}
	free(fams);
	return r;
}

int
cmd_netns(const struct options *o, int (*run)(const struct options *))
{
	struct netns_list l = { NULL, 0, 0, 0 };
	struct result *res = NULL;
	size_t counts[4] = { 0, 0, 0, 0 };	/* ok, findings, failed, gone */
	int status = TA_EXIT_OK, r;

	/* A profile that does not load fails once, here, not once per
	   namespace; one that loads is kept for every worker (fork copies
	   it), as cmd_load_profile() keeps it inside a namespace. */
	if (o->profile != NULL) {
		struct snapshot_boot none = { NETNS_BOOT_NONE, NULL, NULL, NULL };
		struct options oo = *o;
		struct profile *p;

		oo.boot = &none;
		if ((status = cmd_load_profile(&oo, o->profile, &p)) != TA_EXIT_OK)
			return status;
		(void)cmd_profile_release(p);
	}
	if (o->all_netns) {
		if ((r = netns_discover("/", &l)) < 0) {
			cmd_error(o, "cannot list the network namespaces: %s", strerror(-r));
			cmd_memo_clear();
			return TA_EXIT_SYSTEM;
		}
	} else {
		if ((l.items = calloc(1, sizeof *l.items)) == NULL) {
			cmd_error(o, "out of memory");
			cmd_memo_clear();
			return TA_EXIT_SYSTEM;
		}
		if ((r = netns_resolve("/", o->netns, &l.items[0])) < 0) {
			free(l.items);
			if (r == -ENOENT || r == -EINVAL)
				cmd_error(o, "no network namespace '%s': %s (expected a name "
				    "in /run/netns, a pid or a path)", o->netns, r == -ENOENT ?
				    "not found" : "not a name");
			else
				cmd_error(o, "cannot look at the network namespace '%s': %s",
				    o->netns, strerror(-r));
			cmd_memo_clear();
			return r == -ENOENT || r == -EINVAL ? TA_EXIT_USAGE : TA_EXIT_SYSTEM;
		}
		l.n = 1;
	}
	if (l.n == 0 || (res = calloc(l.n, sizeof *res)) == NULL) {
		cmd_error(o, l.n == 0 ? "no network namespace found" : "out of memory");
		netns_list_clear(&l);
		cmd_memo_clear();
		return TA_EXIT_SYSTEM;
	}
	if ((r = run_all(o, run, &l, res, o->all_netns)) < 0) {
		cmd_error(o, "cannot audit the network namespaces: %s", strerror(-r));
		status = TA_EXIT_SYSTEM;
		goto out;
	}
	for (size_t i = 0; i < l.n; i++) {
		if (!res[i].done) {
			/* Its worker died before it got there. */
			res[i].done = true;
			res[i].status = TA_EXIT_SYSTEM;
			free(res[i].err);
			res[i].err = strdup("tcpadvise: the process auditing this "
			    "namespace ended before it\n");
			res[i].errlen = res[i].err ? strlen(res[i].err) : 0;
		}
		if (res[i].status == NS_GONE) {
			counts[3]++;
			continue;
		}
		counts[res[i].status == TA_EXIT_OK ? 0 : res[i].status ==
		    TA_EXIT_FINDINGS ? 1 : 2]++;
		if (res[i].status > status)
			status = res[i].status;
	}
	if (o->format == FORMAT_JSON)
		r = write_json(o, &l, res, counts);
	else if (o->format == FORMAT_PROMETHEUS)
		r = write_prometheus(&l, res);
	else
		r = write_text(o, &l, res, counts);
	if (r < 0) {
		cmd_error(o, "cannot write the report: %s", strerror(-r));
		status = TA_EXIT_SYSTEM;
	} else
		o->result->printed = true;
out:
	for (size_t i = 0; i < l.n; i++) {
		free(res[i].out);
		free(res[i].err);
		json_decref(res[i].json);
	}
	free(res);
	netns_list_clear(&l);
	cmd_memo_clear();
	return status;
}
