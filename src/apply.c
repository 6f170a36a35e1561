/*
 * apply: the lock, the plan, the live transaction, the journal and
 * rollback; see apply.h for the calling sequence and the error handling.
 *
 * Live writes follow what systemd-sysctl does: open the key O_WRONLY, one
 * write() of "value\n", check write() and close() (the kernel reports a
 * rejected value, EINVAL, at write time), then read the key back and
 * compare it with the value by shape, since the kernel may accept a write
 * and keep something else (a vector key takes only the fields it has; a
 * congestion control name needs its module). Anything that does not stick
 * is a failure, and every key already written gets its old value back.
 *
 * The journal is written before the first live write, so that a crash in
 * the middle still leaves the old values on disk for `rollback`, and it is
 * replaced atomically like the fragment (mode 0600: it is ours alone).
 *
 * Never prints; returns negative errno values.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "apply.h"
#include "fragment.h"
#include "procfs.h"

/* Fold runs of blanks into one space: the kernel prints vectors with tabs. */
static void
fold_blanks(char *s)
{
	char *w = s;
	bool blank = false;

	for (char *r = s; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n') {
			blank = true;
			continue;
		}
		if (blank && w != s)
			*w++ = ' ';
		blank = false;
		*w++ = *r;
	}
	*w = '\0';
}

int
apply_lock_timeout(const char *env, unsigned *ret)
{
	long long v;
	int r;

	if (env == NULL || *env == '\0') {
		*ret = APPLY_LOCK_TIMEOUT_DEFAULT;
		return 0;
	}
	if ((r = parse_ll(env, 0, APPLY_LOCK_TIMEOUT_MAX, &v, NULL)) < 0)
		return r;
	*ret = (unsigned)v;
	return 0;
}

/* mkdir -p ROOT/var/lib/tcpadvise, mode 0755 for what is created. */
static int
make_state_dir(const char *root)
{
	static const char *const parts[] = { "/var", "/var/lib", APPLY_STATE_DIR };
	char path[PATH_MAX];
	int r;

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if ((r = path_join_root(root, parts[i], path, sizeof path)) < 0)
			return r;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
apply_lock(const char *root, unsigned timeout, int *ret_fd)
{
	const struct timespec step = { 0, 100 * 1000 * 1000 };
	char path[PATH_MAX], pid[32];
	long long deadline;
	int fd, r, n;

	if ((r = make_state_dir(root)) < 0)
		return r;
	if ((r = path_join_root(root, APPLY_LOCK_PATH, path, sizeof path)) < 0)
		return r;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0644);
	if (fd < 0)
		return -errno;
	deadline = now_ms() + (long long)timeout * 1000;
	/* flock(), not fcntl() locks: it belongs to the open file, so a
	   crashed apply releases it with its last descriptor. */
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			r = -errno;
			goto fail;
		}
		if (now_ms() >= deadline) {
			r = -ETIMEDOUT;
			goto fail;
		}
		nanosleep(&step, NULL);
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && n > 0 && (size_t)n < sizeof pid)
		(void)!pwrite(fd, pid, (size_t)n, 0);
	*ret_fd = fd;
	return 0;
fail:
	close(fd);
	return r;
}

int
apply_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
cmp_item(const void *a, const void *b)
{
	const struct apply_item *x = a, *y = b;

	return strcmp(x->key, y->key);
}

int
apply_plan_make(const struct profile *p, const struct snapshot *s,
    struct apply_plan *ret)
{
	struct apply_plan plan = { NULL, 0 };
	int r;

	if (p->nsettings > 0 &&
	    (plan.items = calloc(p->nsettings, sizeof *plan.items)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < p->nsettings; i++) {
		const struct setting *st = &p->settings[i];
		const struct snapshot_key *k = snapshot_key(s, st->entry->name);
		struct apply_item *it;
		const char *why;

		if (!st->has_apply)
			continue;
		it = &plan.items[plan.n++];
		it->entry = st->entry;
		it->key = st->entry->name;
		if ((r = value_format(&st->apply, it->after, sizeof it->after)) < 0)
			goto fail;
		why = fragment_skip_reason(st, s);
		it->in_fragment = why == NULL;
		if (why == NULL && (k == NULL || k->status != LIVE_OK))
			why = k == NULL ? "not on this kernel" :
			    snapshot_status_text(k, it->reason, sizeof it->reason);
		if (why != NULL) {
			it->state = APPLY_SKIP;
			if (why != it->reason)
				snprintf(it->reason, sizeof it->reason, "%s", why);
			continue;
		}
		if ((it->before = strdup(k->live)) == NULL) {
			r = -ENOMEM;
			goto fail;
		}
		it->state = k->live_ok && value_equal(&k->live_value, &st->apply) ?
		    APPLY_SAME : APPLY_CHANGE;
	}
	if (plan.n > 1)
		qsort(plan.items, plan.n, sizeof *plan.items, cmp_item);
	*ret = plan;
	return 0;
fail:
	apply_plan_clear(&plan);
	return r;
}

void
apply_plan_clear(struct apply_plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->n; i++)
		free(plan->items[i].before);
	free(plan->items);
	plan->items = NULL;
	plan->n = 0;
}

size_t
apply_plan_count(const struct apply_plan *plan, enum apply_state state)
{
	size_t n = 0;

	for (size_t i = 0; i < plan->n; i++)
		n += plan->items[i].state == state;
	return n;
}

/* ROOT/proc/sys/<path form of key>. */
static int
key_file(const char *root, const char *key, char *buf, size_t size)
{
	char rel[SYSCTL_KEY_MAX], path[SYSCTL_KEY_MAX + sizeof "/proc/sys/"];
	int r, n;

	if ((r = sysctl_key_to_path(key, rel, sizeof rel)) < 0)
		return r;
	n = snprintf(path, sizeof path, "/proc/sys/%s", rel);
	if (n < 0 || (size_t)n >= sizeof path)
		return -ENAMETOOLONG;
	return path_join_root(root, path, buf, size);
}

/* Whether two values of the key are the same by shape (folded text when
   the key is not in the catalog or a value does not parse). */
static bool
same_value(const struct catalog_entry *e, const char *a, const char *b)
{
	struct value va, vb;
	const char *errstr;
	char fa[VALUE_STR_MAX], fb[VALUE_STR_MAX];

	if (e != NULL &&
	    value_parse_kernel(a, e->shape, e->nfields, &va, &errstr) == 0 &&
	    value_parse_kernel(b, e->shape, e->nfields, &vb, &errstr) == 0)
		return value_equal(&va, &vb);
	snprintf(fa, sizeof fa, "%s", a);
	snprintf(fb, sizeof fb, "%s", b);
	fold_blanks(fa);
	fold_blanks(fb);
	return strcmp(fa, fb) == 0;
}

/*
 * Write value to a key and read it back. Returns 0, 1 when the kernel kept
 * another value (then readback holds it, folded), or a negative errno.
 */
static int
write_verify(const char *root, const struct catalog_entry *e, const char *key,
    const char *value, char *readback, size_t rbsize)
{
	char file[PATH_MAX], line[VALUE_STR_MAX + 2];
	char *back = NULL;
	ssize_t w;
	int fd, r, n;

	if ((r = key_file(root, key, file, sizeof file)) < 0)
		return r;
	n = snprintf(line, sizeof line, "%s\n", value);
	if (n < 0 || (size_t)n >= sizeof line)
		return -ENAMETOOLONG;
	/* O_TRUNC is a no-op on procfs (as for the shell's `echo v > key`);
	   it makes a plain file in a test root hold exactly the value. */
	fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* One write(): a sysctl handler parses each write() on its own, so
	   splitting the value would set it piecewise. */
	do
		w = write(fd, line, (size_t)n);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	if (close(fd) < 0)
		return -errno;
	if (w != n)
		return -EIO;
	if ((r = procfs_read(root, key, &back)) < 0)
		return r;
	fold_blanks(back);
	r = same_value(e, back, value) ? 0 : 1;
	if (r == 1)
		snprintf(readback, rbsize, "%s", back);
	free(back);
	return r;
}

/* Write back the before values of the first n changed items, last first. */
static void
restore_items(const char *root, const struct apply_plan *plan, size_t n,
    struct apply_outcome *out)
{
	char rb[VALUE_STR_MAX];

	while (n-- > 0) {
		const struct apply_item *it = &plan->items[n];

		if (it->state != APPLY_CHANGE)
			continue;
		if (write_verify(root, it->entry, it->key, it->before, rb, sizeof rb) == 0)
			out->restored++;
		else
			out->restore_failed++;
	}
}

int
apply_prepare(const struct apply_request *rq, const struct apply_plan *plan,
    struct apply_outcome *out)
{
	int r;

	out->nlive = rq->live ? apply_plan_count(plan, APPLY_CHANGE) : 0;
	if (rq->frag_path != NULL) {
		if ((r = fragment_check_dir(rq->root, rq->frag_path)) < 0) {
			out->stage = STAGE_FRAGMENT_DIR;
			out->error = r;
			return r;
		}
		r = fragment_read(rq->root, rq->frag_path, &out->frag_before);
		if (r < 0 && r != -ENOENT) {
			out->stage = STAGE_FRAGMENT_READ;
			out->error = r;
			return r;
		}
		out->frag_existed = r == 0;
		out->frag_changed = out->frag_before == NULL ||
		    strcmp(out->frag_before, rq->frag_text) != 0;
	}
	out->changed = out->frag_changed || out->nlive > 0;
	if (rq->nfiles == 0)
		return 0;
	out->files_before = calloc(rq->nfiles, sizeof *out->files_before);
	out->files_changed = calloc(rq->nfiles, sizeof *out->files_changed);
	if (out->files_before == NULL || out->files_changed == NULL)
		return -ENOMEM;
	out->nfiles = rq->nfiles;
	for (size_t i = 0; i < rq->nfiles; i++) {
		if ((r = fragment_check_dir(rq->root, rq->files[i].path)) == 0)
			r = fragment_read(rq->root, rq->files[i].path, &out->files_before[i]);
		if (r < 0 && r != -ENOENT) {
			out->stage = STAGE_FILE_READ;
			out->failed_file = i;
			out->error = r;
			return r;
		}
		out->files_changed[i] = out->files_before[i] == NULL ||
		    strcmp(out->files_before[i], rq->files[i].text) != 0;
		out->changed |= out->files_changed[i];
	}
	return 0;
}

/* Put the first n files of rq back as they were before this apply. */
static void
restore_files(const struct apply_request *rq, const struct apply_outcome *out,
    size_t n)
{
	bool changed;

	while (n-- > 0) {
		if (!out->files_changed[n])
			continue;
		if (out->files_before[n] != NULL)
			(void)fragment_write(rq->root, rq->files[n].path,
			    out->files_before[n], &changed);
		else
			(void)fragment_remove(rq->root, rq->files[n].path, &changed);
	}
}

static int
journal_write_text(const char *root, const char *text)
{
	bool changed;

	return fragment_write_mode(root, APPLY_JOURNAL_PATH, text, 0600, &changed);
}

static int
journal_remove(const char *root)
{
	bool changed;

	return fragment_remove(root, APPLY_JOURNAL_PATH, &changed);
}

/* Put the journal back as it was before this apply. */
static void
journal_put_back(const char *root, const char *old)
{
	if (old != NULL)
		(void)journal_write_text(root, old);
	else
		(void)journal_remove(root);
}

int
apply_commit(const struct apply_request *rq, const struct apply_plan *plan,
    struct apply_outcome *out)
{
	struct apply_journal j;
	struct journal_key *keys = NULL;
	struct journal_file *files = NULL;
	char *text = NULL, *old = NULL;
	size_t nkeys = 0, i;
	bool changed;
	int r;

	if (!out->changed)
		return 0;
	memset(&j, 0, sizeof j);
	if (out->nlive > 0 && (keys = calloc(out->nlive, sizeof *keys)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; rq->live && i < plan->n; i++) {
		const struct apply_item *it = &plan->items[i];

		if (it->state != APPLY_CHANGE)
			continue;
		/* Casts: the journal only reads these strings. */
		keys[nkeys].key = (char *)(uintptr_t)it->key;
		keys[nkeys].before = it->before;
		keys[nkeys].after = (char *)(uintptr_t)it->after;
		nkeys++;
	}
	j.tool_version = (char *)(uintptr_t)TCPADVISE_VERSION;
	j.profile = (char *)(uintptr_t)rq->profile;
	j.time = rq->now;
	j.frag_path = (char *)(uintptr_t)rq->frag_path;
	j.frag_existed = out->frag_existed;
	j.frag_content = out->frag_existed && out->frag_changed ? out->frag_before : NULL;
	j.frag_after = (char *)(uintptr_t)rq->frag_text;
	j.live = keys;
	j.nlive = nkeys;
	if (out->nfiles > 0 && (files = calloc(out->nfiles, sizeof *files)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < out->nfiles; i++) {
		if (!out->files_changed[i])
			continue;
		files[j.nfiles].path = (char *)(uintptr_t)rq->files[i].path;
		files[j.nfiles].existed = out->files_before[i] != NULL;
		files[j.nfiles].before = out->files_before[i];
		files[j.nfiles].after = (char *)(uintptr_t)rq->files[i].text;
		j.nfiles++;
	}
	j.files = files;
	/* A fragment this apply leaves alone is no business of the rollback. */
	if (!out->frag_changed)
		j.frag_path = NULL;
	if ((r = apply_journal_format(&j, &text)) < 0)
		goto out;
	r = fragment_read(rq->root, APPLY_JOURNAL_PATH, &old);
	if (r < 0 && r != -ENOENT) {
		out->stage = STAGE_JOURNAL;
		goto out;
	}
	if ((r = journal_write_text(rq->root, text)) < 0) {
		out->stage = STAGE_JOURNAL;
		goto out;
	}

	for (i = 0; rq->live && i < plan->n; i++) {
		const struct apply_item *it = &plan->items[i];

		if (it->state != APPLY_CHANGE)
			continue;
		r = write_verify(rq->root, it->entry, it->key, it->after,
		    out->readback, sizeof out->readback);
		if (r != 0) {
			char rb[VALUE_STR_MAX];

			out->stage = STAGE_LIVE;
			out->failed = it;
			/* A write the kernel took but changed: put the old
			   value back too, without counting it as set. */
			if (r == 1 && write_verify(rq->root, it->entry, it->key,
			    it->before, rb, sizeof rb) != 0)
				out->restore_failed++;
			restore_items(rq->root, plan, i, out);
			out->error = r < 0 ? r : 0;
			r = r < 0 ? r : -EIO;
			journal_put_back(rq->root, old);
			goto out;
		}
	}

	if (rq->frag_path != NULL && out->frag_changed) {
		r = fragment_write(rq->root, rq->frag_path, rq->frag_text, &changed);
		if (r < 0) {
			out->stage = STAGE_FRAGMENT;
			if (rq->live)
				restore_items(rq->root, plan, plan->n, out);
			journal_put_back(rq->root, old);
			goto out;
		}
	}
	for (i = 0; i < out->nfiles; i++) {
		if (!out->files_changed[i])
			continue;
		r = fragment_write(rq->root, rq->files[i].path, rq->files[i].text, &changed);
		if (r < 0) {
			out->stage = STAGE_FILE;
			out->failed_file = i;
			restore_files(rq, out, i);
			if (rq->frag_path != NULL && out->frag_changed) {
				if (out->frag_before != NULL)
					(void)fragment_write(rq->root, rq->frag_path,
					    out->frag_before, &changed);
				else
					(void)fragment_remove(rq->root, rq->frag_path, &changed);
			}
			if (rq->live)
				restore_items(rq->root, plan, plan->n, out);
			journal_put_back(rq->root, old);
			goto out;
		}
	}
	r = 0;
out:
	if (r < 0 && out->error == 0 && out->stage != STAGE_LIVE)
		out->error = r;
	free(files);
	free(keys);
	free(text);
	free(old);
	return r;
}

void
apply_outcome_clear(struct apply_outcome *out)
{
	if (out == NULL)
		return;
	free(out->frag_before);
	for (size_t i = 0; i < out->nfiles; i++)
		free(out->files_before[i]);
	free(out->files_before);
	free(out->files_changed);
	memset(out, 0, sizeof *out);
}

int
apply_journal_format(const struct apply_journal *j, char **ret)
{
	json_t *root = NULL, *live, *frag, *files;
	char *text;
	int r = -ENOMEM;

	if ((files = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < j->nfiles; i++)
		if (json_array_append_new(files, json_pack("{s:s, s:b, s:s?, s:s}",
		    "path", j->files[i].path, "existed", j->files[i].existed,
		    "before", j->files[i].before, "after", j->files[i].after)) < 0) {
			json_decref(files);
			goto out;
		}
	if ((live = json_array()) == NULL) {
		json_decref(files);
		goto out;
	}
	for (size_t i = 0; i < j->nlive; i++)
		if (json_array_append_new(live, json_pack("{s:s, s:s, s:s}",
		    "key", j->live[i].key, "before", j->live[i].before,
		    "after", j->live[i].after)) < 0) {
			json_decref(live);
			goto out;
		}
	if (j->frag_path != NULL)
		frag = json_pack("{s:s, s:b, s:s?, s:s?}", "path", j->frag_path,
		    "existed", j->frag_existed, "content", j->frag_content,
		    "after", j->frag_after);
	else
		frag = json_null();
	root = json_pack("{s:i, s:s, s:s, s:I, s:o, s:o, s:o}",
	    "schema_version", APPLY_JOURNAL_SCHEMA, "tool_version", j->tool_version,
	    "profile", j->profile, "time", (json_int_t)j->time, "fragment", frag,
	    "live", live, "files", files);
	if (root == NULL)
		goto out;
	if ((text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		goto out;
	/* json_dumps() leaves out the final newline. */
	if ((*ret = malloc(strlen(text) + 2)) == NULL) {
		free(text);
		goto out;
	}
	memcpy(*ret, text, strlen(text));
	memcpy(*ret + strlen(text), "\n", 2);
	free(text);
	r = 0;
out:
	json_decref(root);
	return r;
}

static int
dup_json_string(json_t *v, bool null_ok, char **ret)
{
	if (null_ok && (v == NULL || json_is_null(v))) {
		*ret = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return -EBADMSG;
	return (*ret = strdup(json_string_value(v))) != NULL ? 0 : -ENOMEM;
}

/* The "files" of a journal (absent in journals of earlier releases). */
static int
parse_files(json_t *files, struct apply_journal *j)
{
	int r;

	if (files == NULL)
		return 0;
	if (!json_is_array(files))
		return -EBADMSG;
	if (json_array_size(files) > 0 &&
	    (j->files = calloc(json_array_size(files), sizeof *j->files)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(files); i++) {
		json_t *e = json_array_get(files, i), *v;
		struct journal_file *f = &j->files[j->nfiles];

		if (!json_is_object(e) || !json_is_boolean(v = json_object_get(e, "existed")))
			return -EBADMSG;
		j->nfiles++;
		f->existed = json_is_true(v);
		if ((r = dup_json_string(json_object_get(e, "path"), false, &f->path)) < 0 ||
		    (r = dup_json_string(json_object_get(e, "before"), true,
		    &f->before)) < 0 ||
		    (r = dup_json_string(json_object_get(e, "after"), false,
		    &f->after)) < 0)
			return r;
		/* An absolute path with no "..": where rollback writes. */
		if (f->path[0] != '/' || strstr(f->path, "/../") != NULL ||
		    (f->existed && f->before == NULL))
			return -EBADMSG;
	}
	return 0;
}

int
apply_journal_parse(const char *text, struct apply_journal **ret)
{
	struct apply_journal *j;
	json_t *root, *live, *frag, *v;
	json_error_t err;
	char key[SYSCTL_KEY_MAX];
	int r = -EBADMSG;

	if ((j = calloc(1, sizeof *j)) == NULL)
		return -ENOMEM;
	root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(root))
		goto out;
	v = json_object_get(root, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) != APPLY_JOURNAL_SCHEMA)
		goto out;
	if ((r = dup_json_string(json_object_get(root, "tool_version"), false,
	    &j->tool_version)) < 0 ||
	    (r = dup_json_string(json_object_get(root, "profile"), false,
	    &j->profile)) < 0)
		goto out;
	r = -EBADMSG;
	v = json_object_get(root, "time");
	if (!json_is_integer(v))
		goto out;
	j->time = json_integer_value(v);
	frag = json_object_get(root, "fragment");
	if (json_is_object(frag)) {
		v = json_object_get(frag, "existed");
		if (!json_is_boolean(v))
			goto out;
		j->frag_existed = json_is_true(v);
		if ((r = dup_json_string(json_object_get(frag, "path"), false,
		    &j->frag_path)) < 0 ||
		    (r = dup_json_string(json_object_get(frag, "content"), true,
		    &j->frag_content)) < 0 ||
		    (r = dup_json_string(json_object_get(frag, "after"), true,
		    &j->frag_after)) < 0)
			goto out;
		r = -EBADMSG;
		if (j->frag_path[0] != '/' || (j->frag_existed && j->frag_content == NULL))
			goto out;
	} else if (!json_is_null(frag)) {
		goto out;
	}
	live = json_object_get(root, "live");
	if (!json_is_array(live))
		goto out;
	if (json_array_size(live) > 0 &&
	    (j->live = calloc(json_array_size(live), sizeof *j->live)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(live); i++) {
		json_t *e = json_array_get(live, i);
		struct journal_key *k = &j->live[j->nlive];

		if (!json_is_object(e))
			goto out;
		j->nlive++;
		if ((r = dup_json_string(json_object_get(e, "key"), false, &k->key)) < 0 ||
		    (r = dup_json_string(json_object_get(e, "before"), false,
		    &k->before)) < 0 ||
		    (r = dup_json_string(json_object_get(e, "after"), false,
		    &k->after)) < 0)
			goto out;
		r = -EBADMSG;
		/* The key names a file below /proc/sys: only a valid name. */
		if (sysctl_key_normalize(k->key, key, sizeof key) < 0 ||
		    strcmp(key, k->key) != 0 || strlen(k->before) >= VALUE_STR_MAX)
			goto out;
	}
	if ((r = parse_files(json_object_get(root, "files"), j)) < 0)
		goto out;
	*ret = j;
	j = NULL;
	r = 0;
out:
	json_decref(root);
	apply_journal_free(j);
	return r;
}

int
apply_journal_read(const char *root, struct apply_journal **ret)
{
	char *text = NULL;
	int r;

	if ((r = fragment_read(root, APPLY_JOURNAL_PATH, &text)) < 0)
		return r;
	r = apply_journal_parse(text, ret);
	free(text);
	return r;
}

struct apply_journal *
apply_journal_free(struct apply_journal *j)
{
	if (j == NULL)
		return NULL;
	for (size_t i = 0; i < j->nlive; i++) {
		free(j->live[i].key);
		free(j->live[i].before);
		free(j->live[i].after);
	}
	free(j->live);
	for (size_t i = 0; i < j->nfiles; i++) {
		free(j->files[i].path);
		free(j->files[i].before);
		free(j->files[i].after);
	}
	free(j->files);
	free(j->tool_version);
	free(j->profile);
	free(j->frag_path);
	free(j->frag_content);
	free(j->frag_after);
	free(j);
	return NULL;
}

/* The first line (1-based) where two texts differ. */
static unsigned
first_difference(const char *a, const char *b)
{
	unsigned line = 1;

	for (; *a != '\0' && *a == *b; a++, b++)
		if (*a == '\n')
			line++;
	return line;
}

/*
 * Whether every file of the journal still holds what the apply wrote;
 * else the file and line go into out. Returns 0, -ESTALE or -ENOMEM.
 */
static int
check_unedited(const char *root, const struct apply_journal *j,
    struct rollback_outcome *out)
{
	for (size_t i = 0; i <= j->nfiles; i++) {
		const char *path = i < j->nfiles ? j->files[i].path : j->frag_path;
		const char *after = i < j->nfiles ? j->files[i].after : j->frag_after;
		char *now = NULL;
		int r;

		if (path == NULL || after == NULL)
			continue;
		if ((r = fragment_read(root, path, &now)) == -ENOMEM)
			return r;
		if (r == 0 && strcmp(now, after) == 0) {
			free(now);
			continue;
		}
		out->stale = path;
		out->stale_line = r == 0 ? first_difference(now, after) : 1;
		free(now);
		return -ESTALE;
	}
	return 0;
}

int
apply_rollback(const char *root, bool force, struct rollback_outcome *out)
{
	struct apply_journal *j = NULL;
	char rb[VALUE_STR_MAX];
	bool changed;
	int r;

	if ((r = apply_journal_read(root, &j)) < 0)
		return r;
	out->journal = j;
	if (!force && (r = check_unedited(root, j, out)) < 0)
		return r;
	if (j->nlive > 0 && (out->keys = calloc(j->nlive, sizeof *out->keys)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < j->nlive; i++) {
		struct rollback_key *k = &out->keys[out->nkeys++];
		const struct catalog_entry *e = catalog_lookup(j->live[i].key);

		k->key = j->live[i].key;
		k->to = j->live[i].before;
		r = procfs_read(root, k->key, &k->now);
		if (r == -ENOMEM)
			return r;
		if (r == 0) {
			fold_blanks(k->now);
			if (same_value(e, k->now, k->to))
				continue;
		}
		k->changed = true;
		out->nchanged++;
		k->error = write_verify(root, e, k->key, k->to, rb, sizeof rb);
		if (k->error != 0 && out->failed == NULL)
			out->failed = k;
	}
	if (j->frag_path != NULL) {
		if (j->frag_existed) {
			r = fragment_write(root, j->frag_path, j->frag_content, &changed);
		} else {
			r = fragment_remove(root, j->frag_path, &changed);
			out->frag_removed = changed;
		}
		out->frag_changed = r == 0 && changed;
		out->frag_error = r;
	}
	for (size_t i = 0; i < j->nfiles; i++) {
		const struct journal_file *f = &j->files[i];

		if (f->existed)
			r = fragment_write(root, f->path, f->before, &changed);
		else
			r = fragment_remove(root, f->path, &changed);
		if (r < 0 && out->failed_file == NULL)
			out->failed_file = f->path;
		else if (r == 0 && changed)
			out->nfiles_changed++;
	}
	if (out->failed != NULL || out->frag_error < 0 || out->failed_file != NULL)
		return -EIO;
	return journal_remove(root);
}

void
rollback_outcome_clear(struct rollback_outcome *out)
{
	if (out == NULL)
		return;
	for (size_t i = 0; i < out->nkeys; i++)
		free(out->keys[i].now);
	free(out->keys);
	apply_journal_free(out->journal);
	memset(out, 0, sizeof *out);
}
