/*
 * apply: the lock, the plan, the transaction over live values and files,
 * the history and rollback; see apply.h for the calling sequence and the
 * error handling.
 *
 * Live writes follow what systemd-sysctl does: open the key O_WRONLY, one
 * write() of "value\n", check write() and close() (the kernel reports a
 * rejected value, EINVAL, at write time), then read the key back and
 * compare it with the value by shape, since the kernel may accept a write
 * and keep something else (a vector key takes only the fields it has; a
 * congestion control name needs its module). Anything that does not stick
 * is a failure, and every key already written gets its old value back.
 *
 * The transaction is written before the first live write, so that a crash
 * in the middle still leaves the old values and bytes on disk for
 * `rollback`; it is written atomically like the fragment (mode 0600: it is
 * ours alone, and holds copies of configuration files). A rollback after
 * such a crash finds files still as they were before the apply, and leaves
 * them alone.
 *
 * Files are kept byte for byte. JSON strings hold only UTF-8, so content
 * that is not UTF-8 (a Latin-1 comment in an old /etc/sysctl.conf) is kept
 * as base64 instead; contents never hold a NUL byte (atomic_read()
 * refuses such files), so C strings carry them.
 *
 * Never prints; returns negative errno values.
 */
#include <dirent.h>
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

/* mkdir -p ROOT/var/lib/tcpadvise, and its history/ with history set;
   mode 0755 for what is created (the files in it are 0600). */
static int
make_dirs(const char *root, bool history)
{
	static const char *const parts[] = { "/var", "/var/lib", APPLY_STATE_DIR,
	    APPLY_HISTORY_DIR };
	char path[PATH_MAX];
	int r;

	for (size_t i = 0; i < sizeof parts / sizeof parts[0] - !history; i++) {
		if ((r = path_join_root(root, parts[i], path, sizeof path)) < 0)
			return r;
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -errno;
	}
	return 0;
}

static int
make_state_dir(const char *root)
{
	return make_dirs(root, false);
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

	return catalog_write_cmp(x->key, y->key);
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
 * *ret_tried (may be NULL) tells whether the write was issued, so that a
 * later error (close, read-back) may come after the kernel took it.
 */
static int
write_verify(const char *root, const struct catalog_entry *e, const char *key,
    const char *value, char *readback, size_t rbsize, bool *ret_tried)
{
	char file[PATH_MAX], line[VALUE_STR_MAX + 2];
	char *back = NULL;
	ssize_t w;
	int fd, r, n;

	if (ret_tried != NULL)
		*ret_tried = false;
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
	if (ret_tried != NULL)
		*ret_tried = true;
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
		if (write_verify(root, it->entry, it->key, it->before, rb, sizeof rb,
		    NULL) == 0)
			out->restored++;
		else
			out->restore_failed++;
	}
}


bool
apply_path_plain(const char *path)
{
	size_t len;

	if (path == NULL || path[0] != '/' || (len = strlen(path)) >= APPLY_PATH_MAX)
		return false;
	for (const char *p = path; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	for (const char *c = path + 1;; ) {
		size_t n = strcspn(c, "/");

		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (c[n] == '\0')
			return true;
		c += n + 1;
	}
}

int
apply_prepare(const struct apply_request *rq, const struct apply_plan *plan,
    struct apply_outcome *out)
{
	int r;

	out->nlive = rq->live ? apply_plan_count(plan, APPLY_CHANGE) : 0;
	out->changed = out->nlive > 0;
	if (rq->nfiles > APPLY_FILES_MAX)
		return -EINVAL;
	for (size_t i = 0; i < rq->nfiles; i++) {
		if (!apply_path_plain(rq->files[i].path))
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (strcmp(rq->files[i].path, rq->files[j].path) == 0)
				return -EINVAL;
	}
	if (rq->nfiles > 0 &&
	    (out->files = calloc(rq->nfiles, sizeof *out->files)) == NULL)
		return -ENOMEM;
	out->nfiles = rq->nfiles;
	for (size_t i = 0; i < rq->nfiles; i++) {
		const struct apply_file *f = &rq->files[i];
		struct apply_file_state *fs = &out->files[i];

		out->failed_file = i;
		if ((r = atomic_check_dir(rq->root, f->path)) < 0) {
			out->stage = STAGE_FILE_DIR;
			out->error = r;
			return r;
		}
		r = atomic_read(rq->root, f->path, &fs->before);
		if (r < 0 && r != -ENOENT) {
			out->stage = STAGE_FILE_READ;
			out->error = r;
			return r;
		}
		fs->existed = r == 0;
		fs->changed = f->text == NULL ? fs->existed :
		    !fs->existed || strcmp(fs->before, f->text) != 0;
		out->changed |= fs->changed;
	}
	out->failed_file = 0;
	return 0;
}

/* "/var/lib/tcpadvise/history/N.json" (below the root). */
static int
txn_path(unsigned long number, char *buf, size_t size)
{
	int n = snprintf(buf, size, APPLY_HISTORY_DIR "/%lu.json", number);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int
cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * The numbers N of the files "N.json" in the history directory, ascending;
 * other names (the hidden temporary files of the atomic write among them)
 * are ignored. No directory: none. *ret is malloc'ed (NULL when none).
 */
static int
list_numbers(const char *root, unsigned long **ret, size_t *ret_n)
{
	char dir[PATH_MAX], num[16];
	unsigned long *v = NULL, *nv;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if ((r = path_join_root(root, APPLY_HISTORY_DIR, dir, sizeof dir)) < 0)
		return r;
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			return -errno;
		*ret = NULL;
		*ret_n = 0;
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		long long x;

		if (len <= 5 || len - 5 >= sizeof num ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		memcpy(num, de->d_name, len - 5);
		num[len - 5] = '\0';
		if (parse_ll(num, 1, APPLY_TXN_MAX, &x, NULL) < 0)
			continue;
		if (n == APPLY_HISTORY_MAX) {
			r = -E2BIG;
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nv = realloc(v, cap * sizeof *v)) == NULL) {
				r = -ENOMEM;
				goto out;
			}
			v = nv;
		}
		v[n++] = (unsigned long)x;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_ulong);
	*ret = v;
	*ret_n = n;
	v = NULL;
out:
	closedir(d);
	free(v);
	return r;
}

/* The number the next transaction gets: the highest there plus one. */
static int
next_number(const char *root, unsigned long *ret)
{
	unsigned long *v = NULL;
	size_t n = 0;
	int r;

	if ((r = list_numbers(root, &v, &n)) < 0)
		return r;
	*ret = n > 0 ? v[n - 1] + 1 : 1;
	free(v);
	return *ret > APPLY_TXN_MAX ? -EOVERFLOW : 0;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *
base64_encode(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t n = strlen(text), o = 0;
	char *out;

	if ((out = malloc(4 * ((n + 2) / 3) + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned long w = (unsigned long)s[i] << 16 |
		    (i + 1 < n ? (unsigned long)s[i + 1] << 8 : 0) |
		    (i + 2 < n ? s[i + 2] : 0);

		out[o++] = b64[w >> 18 & 63];
		out[o++] = b64[w >> 12 & 63];
		out[o++] = i + 1 < n ? b64[w >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[w & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* Strict base64 (padded, no white space) to a C string: -EBADMSG for
   anything else, and for a NUL byte in the result. */
static int
base64_decode(const char *s, char **ret)
{
	size_t n = strlen(s), o = 0;
	char *out;

	if (n % 4 != 0)
		return -EBADMSG;
	if ((out = malloc(n / 4 * 3 + 1)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i += 4) {
		unsigned long w = 0;
		int pad = 0;

		for (size_t k = 0; k < 4; k++) {
			const char *c = s[i + k] != '\0' ? strchr(b64, s[i + k]) : NULL;

			if (s[i + k] == '=' && i + 4 == n && k >= 2 &&
			    (k == 3 || s[i + 3] == '=')) {
				pad++;
				w <<= 6;
				continue;
			}
			if (c == NULL || pad > 0)
				goto bad;
			w = w << 6 | (unsigned long)(c - b64);
		}
		out[o++] = (char)(w >> 16 & 0xff);
		if (pad < 2)
			out[o++] = (char)(w >> 8 & 0xff);
		if (pad < 1)
			out[o++] = (char)(w & 0xff);
	}
	out[o] = '\0';
	if (strlen(out) != o)
		goto bad;
	*ret = out;
	return 0;
bad:
	free(out);
	return -EBADMSG;
}

/* A file's content as JSON: null (no file), a string, or {"base64"} for
   bytes that are not UTF-8. NULL when out of memory. */
static json_t *
content_json(const char *text)
{
	json_t *v;
	char *enc;

	if (text == NULL)
		return json_null();
	/* json_string() checks the UTF-8 and says no by returning NULL. */
	if ((v = json_string(text)) != NULL)
		return v;
	if ((enc = base64_encode(text)) == NULL)
		return NULL;
	v = json_pack("{s:s}", "base64", enc);
	free(enc);
	return v;
}

static int
content_parse(json_t *v, char **ret)
{
	json_t *enc;

	if (json_is_null(v)) {
		*ret = NULL;
		return 0;
	}
	if (json_is_string(v)) {
		/* A "\u0000" would cut the C string short: refused. */
		if (strlen(json_string_value(v)) != json_string_length(v))
			return -EBADMSG;
		return (*ret = strdup(json_string_value(v))) != NULL ? 0 : -ENOMEM;
	}
	if (!json_is_object(v) || json_object_size(v) != 1 ||
	    !json_is_string(enc = json_object_get(v, "base64")))
		return -EBADMSG;
	return base64_decode(json_string_value(enc), ret);
}

static int
dup_json_string(json_t *v, bool null_ok, char **ret)
{
	if (null_ok && (v == NULL || json_is_null(v))) {
		*ret = NULL;
		return 0;
	}
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return -EBADMSG;
	return (*ret = strdup(json_string_value(v))) != NULL ? 0 : -ENOMEM;
}

/* The text of a JSON document with a final newline, which json_dumps()
   leaves out. */
static int
dump_json(json_t *root, char **ret)
{
	char *text;
	size_t len;

	if ((text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) == NULL)
		return -ENOMEM;
	len = strlen(text);
	if ((*ret = malloc(len + 2)) == NULL) {
		free(text);
		return -ENOMEM;
	}
	memcpy(*ret, text, len);
	memcpy(*ret + len, "\n", 2);
	free(text);
	return 0;
}

int
apply_txn_format(const struct apply_txn *t, char **ret)
{
	json_t *root = NULL, *live = NULL, *files = NULL, *rb, *cf;
	int r = -ENOMEM;

	if ((live = json_array()) == NULL || (files = json_array()) == NULL)
		goto out;
	for (size_t i = 0; i < t->nlive; i++)
		if (json_array_append_new(live, json_pack("{s:s, s:o, s:o}",
		    "key", t->live[i].key, "before", content_json(t->live[i].before),
		    "after", content_json(t->live[i].after))) < 0)
			goto out;
	for (size_t i = 0; i < t->nfiles; i++) {
		const struct txn_file *f = &t->files[i];

		if (json_array_append_new(files, json_pack("{s:o, s:s?, s:b, s:o, s:o}",
		    "path", content_json(f->path), "why", f->why, "existed", f->before != NULL,
		    "before", content_json(f->before), "after",
		    content_json(f->after))) < 0)
			goto out;
	}
	rb = t->rolled_back ? json_pack("{s:I, s:s}", "time",
	    (json_int_t)t->rolled_back_time, "by", t->rolled_back_timeout ?
	    "timeout" : "rollback") : json_null();
	cf = t->confirm_deadline == 0 ? json_null() : json_pack("{s:I, s:I, s:o}",
	    "deadline", (json_int_t)t->confirm_deadline, "watcher_pid",
	    (json_int_t)t->confirm_pid, "confirmed", t->confirmed_time == 0 ?
	    json_null() : json_integer((json_int_t)t->confirmed_time));
	root = json_pack("{s:i, s:s, s:I, s:s, s:I, s:o, s:o, s:o, s:o}",
	    "schema_version", APPLY_TXN_SCHEMA, "tool_version", t->tool_version,
	    "transaction", (json_int_t)t->number, "profile", t->profile,
	    "time", (json_int_t)t->time, "rolled_back", rb, "confirm", cf, "live", live,
	    "files", files);
	live = files = NULL;
	if (root != NULL)
		r = dump_json(root, ret);
out:
	json_decref(live);
	json_decref(files);
	json_decref(root);
	return r;
}

/* The "live" array of a transaction or an old journal. */
static int
parse_live(json_t *live, struct apply_txn *t)
{
	char key[SYSCTL_KEY_MAX];
	int r;

	if (!json_is_array(live))
		return -EBADMSG;
	if (json_array_size(live) > 0 &&
	    (t->live = calloc(json_array_size(live), sizeof *t->live)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(live); i++) {
		json_t *e = json_array_get(live, i);
		struct txn_key *k = &t->live[t->nlive];

		if (!json_is_object(e))
			return -EBADMSG;
		t->nlive++;
		if ((r = dup_json_string(json_object_get(e, "key"), false, &k->key)) < 0 ||
		    (r = content_parse(json_object_get(e, "before"), &k->before)) < 0 ||
		    (r = content_parse(json_object_get(e, "after"), &k->after)) < 0)
			return r;
		if (k->before == NULL || k->after == NULL)
			return -EBADMSG;
		/* The key names a file below /proc/sys: only a valid name. */
		if (sysctl_key_normalize(k->key, key, sizeof key) < 0 ||
		    strcmp(key, k->key) != 0 || strlen(k->before) >= VALUE_STR_MAX ||
		    strlen(k->after) >= VALUE_STR_MAX)
			return -EBADMSG;
	}
	return 0;
}

/* The common head of a transaction and an old journal. */
static int
parse_head(json_t *root, long long schema, struct apply_txn *t)
{
	json_t *v;
	int r;

	if (!json_is_object(root))
		return -EBADMSG;
	v = json_object_get(root, "schema_version");
	if (!json_is_integer(v) || json_integer_value(v) != schema)
		return -EBADMSG;
	if ((r = dup_json_string(json_object_get(root, "tool_version"), false,
	    &t->tool_version)) < 0 ||
	    (r = dup_json_string(json_object_get(root, "profile"), false,
	    &t->profile)) < 0)
		return r;
	v = json_object_get(root, "time");
	if (!json_is_integer(v))
		return -EBADMSG;
	t->time = json_integer_value(v);
	return parse_live(json_object_get(root, "live"), t);
}

int
apply_txn_parse(const char *text, struct apply_txn **ret)
{
	struct apply_txn *t;
	json_t *root, *files, *v, *by;
	json_error_t err;
	int r;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return -ENOMEM;
	root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if ((r = parse_head(root, APPLY_TXN_SCHEMA, t)) < 0)
		goto out;
	r = -EBADMSG;
	v = json_object_get(root, "transaction");
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > APPLY_TXN_MAX)
		goto out;
	t->number = (unsigned long)json_integer_value(v);
	v = json_object_get(root, "rolled_back");
	if (json_is_object(v)) {
		if (!json_is_integer(json_object_get(v, "time")))
			goto out;
		t->rolled_back = true;
		t->rolled_back_time = json_integer_value(json_object_get(v, "time"));
		by = json_object_get(v, "by");
		if (by != NULL && (!json_is_string(by) ||
		    (strcmp(json_string_value(by), "timeout") != 0 &&
		    strcmp(json_string_value(by), "rollback") != 0)))
			goto out;
		t->rolled_back_timeout = by != NULL &&
		    strcmp(json_string_value(by), "timeout") == 0;
	} else if (!json_is_null(v)) {
		goto out;
	}
	/* "confirm": absent in transactions of earlier builds. */
	v = json_object_get(root, "confirm");
	if (json_is_object(v)) {
		json_t *d = json_object_get(v, "deadline");
		json_t *pid = json_object_get(v, "watcher_pid");
		json_t *c = json_object_get(v, "confirmed");

		if (!json_is_integer(d) || json_integer_value(d) <= 0 ||
		    !json_is_integer(pid) || json_integer_value(pid) < 0 ||
		    json_integer_value(pid) > INT_MAX ||
		    (!json_is_null(c) && (!json_is_integer(c) || json_integer_value(c) <= 0)))
			goto out;
		t->confirm_deadline = json_integer_value(d);
		t->confirm_pid = (long)json_integer_value(pid);
		t->confirmed_time = json_is_null(c) ? 0 : json_integer_value(c);
	} else if (v != NULL && !json_is_null(v)) {
		goto out;
	}
	files = json_object_get(root, "files");
	if (!json_is_array(files) || json_array_size(files) > APPLY_FILES_MAX)
		goto out;
	if (json_array_size(files) > 0 &&
	    (t->files = calloc(json_array_size(files), sizeof *t->files)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < json_array_size(files); i++) {
		json_t *e = json_array_get(files, i);
		struct txn_file *f = &t->files[t->nfiles];

		if (!json_is_object(e))
			goto out;
		t->nfiles++;
		if ((r = content_parse(json_object_get(e, "path"), &f->path)) < 0 ||
		    (r = dup_json_string(json_object_get(e, "why"), true, &f->why)) < 0 ||
		    (r = content_parse(json_object_get(e, "before"), &f->before)) < 0 ||
		    (r = content_parse(json_object_get(e, "after"), &f->after)) < 0)
			goto out;
		r = -EBADMSG;
		v = json_object_get(e, "existed");
		if (f->path == NULL || !json_is_boolean(v) || json_is_true(v) != (f->before != NULL) ||
		    (f->before == NULL && f->after == NULL) || !apply_path_plain(f->path))
			goto out;
		for (size_t j = 0; j < i; j++)
			if (strcmp(t->files[j].path, f->path) == 0)
				goto out;
	}
	*ret = t;
	t = NULL;
	r = 0;
out:
	json_decref(root);
	apply_txn_free(t);
	return r;
}

struct apply_txn *
apply_txn_free(struct apply_txn *t)
{
	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < t->nlive; i++) {
		free(t->live[i].key);
		free(t->live[i].before);
		free(t->live[i].after);
	}
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].path);
		free(t->files[i].before);
		free(t->files[i].after);
		free(t->files[i].why);
	}
	free(t->live);
	free(t->files);
	free(t->tool_version);
	free(t->profile);
	free(t);
	return NULL;
}

/*
 * An old journal.json ({"schema_version": 1, "tool_version", "profile",
 * "time", "fragment": null or {"path", "existed", "content"}, "live"}) as
 * transaction number. It kept the fragment's bytes before the apply only:
 * what the apply wrote is taken to be the fragment as it is now.
 */
static int
legacy_parse(const char *root, const char *text, unsigned long number,
    struct apply_txn **ret)
{
	struct apply_txn *t;
	struct txn_file *f;
	json_t *json, *frag, *v;
	json_error_t err;
	int r;

	if ((t = calloc(1, sizeof *t)) == NULL)
		return -ENOMEM;
	t->number = number;
	json = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if ((r = parse_head(json, APPLY_LEGACY_SCHEMA, t)) < 0)
		goto out;
	r = -EBADMSG;
	frag = json_object_get(json, "fragment");
	if (json_is_object(frag)) {
		if ((t->files = calloc(1, sizeof *t->files)) == NULL) {
			r = -ENOMEM;
			goto out;
		}
		f = &t->files[t->nfiles++];
		v = json_object_get(frag, "existed");
		if (!json_is_boolean(v))
			goto out;
		if ((r = dup_json_string(json_object_get(frag, "path"), false,
		    &f->path)) < 0 ||
		    (r = dup_json_string(json_object_get(frag, "content"), true,
		    &f->before)) < 0)
			goto out;
		r = -EBADMSG;
		if (!apply_path_plain(f->path) || json_is_true(v) != (f->before != NULL))
			goto out;
		r = atomic_read(root, f->path, &f->after);
		if (r < 0 && r != -ENOENT)
			goto out;
		/* Neither before nor now: nothing of it to undo. */
		if (f->before == NULL && f->after == NULL) {
			free(f->path);
			t->nfiles--;
		}
	} else if (!json_is_null(frag)) {
		goto out;
	}
	*ret = t;
	t = NULL;
	r = 0;
out:
	json_decref(json);
	apply_txn_free(t);
	return r;
}

/* Append t to h (which owns it from then on, or frees it on failure). */
static int
history_push(struct apply_history *h, struct apply_txn *t)
{
	struct apply_txn **v;

	if ((v = realloc(h->txns, (h->n + 1) * sizeof *v)) == NULL) {
		apply_txn_free(t);
		return -ENOMEM;
	}
	h->txns = v;
	h->txns[h->n++] = t;
	return 0;
}

static void
set_failed_path(struct apply_history *h, const char *path)
{
	snprintf(h->failed_path, sizeof h->failed_path, "%s", path);
}

long long
apply_history_before(const char *root, const char *key)
{
	struct apply_history h;
	long long v = 0;

	if (apply_history_read(root, &h) < 0)
		return 0;
	for (size_t i = h.n; i-- > 0 && v == 0;) {
		const struct apply_txn *t = h.txns[i];

		for (size_t j = 0; !t->rolled_back && j < t->nlive; j++) {
			if (strcmp(t->live[j].key, key) != 0 || t->live[j].before == NULL)
				continue;
			if (parse_ll(t->live[j].before, 1, LLONG_MAX, &v, NULL) < 0)
				v = 0;
			break;
		}
	}
	apply_history_clear(&h);
	return v;
}

int
apply_history_read(const char *root, struct apply_history *ret)
{
	struct apply_history h;
	struct apply_txn *t = NULL;
	unsigned long *v = NULL;
	char path[64], *text = NULL;
	size_t n = 0;
	int r;

	memset(&h, 0, sizeof h);
	set_failed_path(&h, APPLY_HISTORY_DIR);
	if ((r = list_numbers(root, &v, &n)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if ((r = txn_path(v[i], path, sizeof path)) < 0)
			goto out;
		set_failed_path(&h, path);
		if ((r = atomic_read_max(root, path, APPLY_TXN_MAX_BYTES, &text)) < 0)
			goto out;
		r = apply_txn_parse(text, &t);
		free(text);
		text = NULL;
		if (r == 0 && t->number != v[i]) {
			t = apply_txn_free(t);
			r = -EBADMSG;
		}
		if (r < 0 || (r = history_push(&h, t)) < 0)
			goto out;
	}
	set_failed_path(&h, APPLY_LEGACY_JOURNAL_PATH);
	r = atomic_read(root, APPLY_LEGACY_JOURNAL_PATH, &text);
	if (r == 0) {
		r = legacy_parse(root, text, n > 0 ? v[n - 1] + 1 : 1, &t);
		if (r < 0 || (r = history_push(&h, t)) < 0)
			goto out;
		h.legacy = true;
	} else if (r != -ENOENT) {
		goto out;
	}
	h.failed_path[0] = '\0';
	*ret = h;
	memset(&h, 0, sizeof h);
	r = 0;
out:
	if (r < 0) {
		memset(ret, 0, sizeof *ret);
		snprintf(ret->failed_path, sizeof ret->failed_path, "%s", h.failed_path);
	}
	apply_history_clear(&h);
	free(text);
	free(v);
	return r;
}

void
apply_history_clear(struct apply_history *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++)
		apply_txn_free(h->txns[i]);
	free(h->txns);
	memset(h, 0, sizeof *h);
}

/* Write t as ROOT/var/lib/tcpadvise/history/N.json, mode 0600. */
static int
txn_write(const char *root, const struct apply_txn *t)
{
	char path[64], *text = NULL;
	bool changed;
	int r;

	if ((r = txn_path(t->number, path, sizeof path)) < 0 ||
	    (r = apply_txn_format(t, &text)) < 0)
		return r;
	if (strlen(text) > APPLY_TXN_MAX_BYTES)
		r = -EFBIG;
	else
		r = atomic_write_mode(root, path, text, 0600, &changed);
	free(text);
	return r;
}

static int
txn_remove(const char *root, unsigned long number)
{
	char path[64];
	bool changed;
	int r;

	if ((r = txn_path(number, path, sizeof path)) < 0)
		return r;
	return atomic_remove(root, path, &changed);
}

/*
 * Move a journal.json of an earlier build into the history as the next
 * transaction (the caller holds the lock). A crash between the two steps
 * leaves both; the journal is then recognised by its time and profile in
 * the newest transaction and only removed. -EBADMSG: it does not parse
 * (set_failed_path() names it in h).
 */
static int
migrate_legacy(const char *root, struct apply_history *h)
{
	struct apply_history cur;
	const struct apply_txn *t, *prev;
	char *text = NULL;
	bool changed;
	int r;

	/* The common case: there is none, and the history is not read. */
	r = atomic_read(root, APPLY_LEGACY_JOURNAL_PATH, &text);
	free(text);
	if (r == -ENOENT)
		return 0;
	set_failed_path(h, APPLY_LEGACY_JOURNAL_PATH);
	if (r < 0 || (r = make_dirs(root, true)) < 0)
		return r;
	if ((r = apply_history_read(root, &cur)) < 0) {
		set_failed_path(h, cur.failed_path);
		return r;
	}
	if (!cur.legacy) {
		apply_history_clear(&cur);
		h->failed_path[0] = '\0';
		return 0;
	}
	/* The journal is the last one, numbered next. */
	t = cur.txns[cur.n - 1];
	prev = cur.n >= 2 ? cur.txns[cur.n - 2] : NULL;
	if (prev == NULL || prev->time != t->time || strcmp(prev->profile, t->profile) != 0)
		r = txn_write(root, t);
	apply_history_clear(&cur);
	if (r == 0 && (r = atomic_remove(root, APPLY_LEGACY_JOURNAL_PATH, &changed)) == 0)
		h->failed_path[0] = '\0';
	return r;
}

/* Put back the files apply_commit() wrote, last first: their bytes from
   before, or removed again when they did not exist. */
static void
restore_files(const struct apply_request *rq, struct apply_outcome *out)
{
	bool changed;

	for (size_t i = out->nfiles; i-- > 0;) {
		struct apply_file_state *fs = &out->files[i];
		const char *path = rq->files[i].path;
		int r;

		if (!fs->written)
			continue;
		r = fs->existed ? atomic_write(rq->root, path, fs->before, &changed) :
		    atomic_remove(rq->root, path, &changed);
		if (r == 0) {
			fs->written = false;
			out->files_restored++;
		} else {
			out->files_restore_failed++;
		}
	}
}

/* The transaction of an apply: borrowed strings of the request, the plan
   and the outcome (free only the two arrays). */
static int
txn_of_apply(const struct apply_request *rq, const struct apply_plan *plan,
    const struct apply_outcome *out, struct apply_txn *t)
{
	memset(t, 0, sizeof *t);
	/* Casts: the transaction only reads these strings. */
	t->tool_version = (char *)(uintptr_t)TCPADVISE_VERSION;
	t->profile = (char *)(uintptr_t)rq->profile;
	t->time = rq->now;
	t->confirm_deadline = rq->confirm_deadline;
	t->confirm_pid = rq->confirm_pid;
	if (out->nlive > 0 && (t->live = calloc(out->nlive, sizeof *t->live)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; rq->live && i < plan->n; i++) {
		const struct apply_item *it = &plan->items[i];

		if (it->state != APPLY_CHANGE)
			continue;
		t->live[t->nlive].key = (char *)(uintptr_t)it->key;
		t->live[t->nlive].before = it->before;
		t->live[t->nlive].after = (char *)(uintptr_t)it->after;
		t->nlive++;
	}
	if (out->nfiles > 0 && (t->files = calloc(out->nfiles, sizeof *t->files)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < out->nfiles; i++) {
		const struct apply_file *f = &rq->files[i];

		/* A file this apply leaves alone is no business of the rollback. */
		if (!out->files[i].changed)
			continue;
		t->files[t->nfiles].path = (char *)(uintptr_t)f->path;
		t->files[t->nfiles].before = out->files[i].before;
		t->files[t->nfiles].after = (char *)(uintptr_t)f->text;
		t->files[t->nfiles].why = (char *)(uintptr_t)f->why;
		t->nfiles++;
	}
	return 0;
}

/*
 * After a failed apply_commit() has put back what it could: the
 * transaction goes when everything is as before; otherwise it stays, so
 * that `tcpadvise rollback` can finish the undo (out->txn, out->journal).
 */
static void
undone(const struct apply_request *rq, const struct apply_txn *t,
    struct apply_outcome *out)
{
	if (out->restore_failed == 0 && out->files_restore_failed == 0 &&
	    txn_remove(rq->root, t->number) == 0)
		return;
	out->txn = t->number;
	(void)txn_path(t->number, out->journal, sizeof out->journal);
}

int
apply_commit(const struct apply_request *rq, const struct apply_plan *plan,
    struct apply_outcome *out)
{
	struct apply_history h;
	struct apply_txn t;
	bool changed, tried;
	size_t i;
	int r;

	if (!out->changed)
		return 0;
	memset(&h, 0, sizeof h);
	if ((r = txn_of_apply(rq, plan, out, &t)) < 0)
		goto out;
	out->stage = STAGE_JOURNAL;
	snprintf(out->journal, sizeof out->journal, "%s", APPLY_HISTORY_DIR);
	if ((r = make_dirs(rq->root, true)) < 0)
		goto out;
	if ((r = migrate_legacy(rq->root, &h)) < 0) {
		snprintf(out->journal, sizeof out->journal, "%s", h.failed_path);
		goto out;
	}
	if ((r = next_number(rq->root, &t.number)) < 0 ||
	    (r = txn_path(t.number, out->journal, sizeof out->journal)) < 0 ||
	    (r = txn_write(rq->root, &t)) < 0)
		goto out;
	out->stage = STAGE_NONE;

	for (i = 0; rq->live && i < plan->n; i++) {
		const struct apply_item *it = &plan->items[i];

		if (it->state != APPLY_CHANGE)
			continue;
		r = write_verify(rq->root, it->entry, it->key, it->after,
		    out->readback, sizeof out->readback, &tried);
		if (r != 0) {
			char rb[VALUE_STR_MAX];

			out->stage = STAGE_LIVE;
			out->failed = it;
			/* Once written, the old value goes back too, without
			   counting it as set: the kernel may have taken the
			   write before the error (a failing close or
			   read-back), or taken it and kept another value. */
			if (tried && write_verify(rq->root, it->entry, it->key,
			    it->before, rb, sizeof rb, NULL) != 0)
				out->restore_failed++;
			restore_items(rq->root, plan, i, out);
			out->error = r < 0 ? r : 0;
			r = r < 0 ? r : -EIO;
			undone(rq, &t, out);
			goto out;
		}
	}

	/* apply --confirm: the files wait for apply_confirm(). */
	for (i = 0; rq->confirm_deadline == 0 && i < out->nfiles; i++) {
		const struct apply_file *f = &rq->files[i];

		if (!out->files[i].changed)
			continue;
		r = f->text != NULL ? atomic_write(rq->root, f->path, f->text, &changed) :
		    atomic_remove(rq->root, f->path, &changed);
		/* Also on failure: a file replaced before the error is put back. */
		out->files[i].written = changed;
		if (r < 0) {
			out->stage = STAGE_FILE;
			out->failed_file = i;
			restore_files(rq, out);
			if (rq->live)
				restore_items(rq->root, plan, plan->n, out);
			undone(rq, &t, out);
			goto out;
		}
	}
	out->txn = t.number;
	r = 0;
out:
	if (r < 0 && out->error == 0 && out->stage != STAGE_LIVE)
		out->error = r;
	free(t.live);
	free(t.files);
	return r;
}

void
apply_outcome_clear(struct apply_outcome *out)
{
	if (out == NULL)
		return;
	for (size_t i = 0; i < out->nfiles; i++)
		free(out->files[i].before);
	free(out->files);
	memset(out, 0, sizeof *out);
}

/* The 1-based line where a and b first differ (a line that one of them
   lacks counts as differing). */
static unsigned
first_diff_line(const char *a, const char *b)
{
	unsigned line = 1;

	for (; *a != '\0' && *a == *b; a++, b++)
		line += *a == '\n';
	return line;
}

static bool
same_content(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* A file as the rollback goes back through the transactions. */
struct vfile {
	const char *path;
	const char *text;	/* NULL: no file */
	char *owned;		/* text as read from disk */
};

/*
 * Decide what to do with every file of the transactions to undo (newest
 * first), without changing anything: out->files gets one entry per file of
 * each transaction, in that order. A file must hold what its transaction
 * left, or still what was there before it (then it is left alone);
 * anything else is a conflict, which --force overrides. A file that cannot
 * be read, or that is to be written back into a directory that is gone,
 * is a conflict --force does not override. Returns 0, -ESTALE with
 * out->conflict, or -ENOMEM.
 */
static int
rollback_check(const struct rollback_request *rq, struct rollback_outcome *out,
    size_t nfiles)
{
	struct rollback_conflict *c = &out->conflict;
	struct vfile *vf = NULL;
	size_t nvf = 0;
	int r = 0;

	if (nfiles > 0 && ((out->files = calloc(nfiles, sizeof *out->files)) == NULL ||
	    (vf = calloc(nfiles, sizeof *vf)) == NULL))
		return -ENOMEM;
	for (size_t i = 0; i < out->nundone && r == 0; i++) {
		const struct apply_txn *t = out->undone[i];

		for (size_t j = 0; j < t->nfiles && r == 0; j++) {
			const struct txn_file *f = &t->files[j];
			struct rollback_file *rf = &out->files[out->nfiles++];
			struct vfile *v = NULL;

			rf->txn = t->number;
			rf->path = f->path;
			/* Never written: nothing to put back. */
			if (apply_txn_pending(t)) {
				rf->action = ROLLBACK_SAME;
				continue;
			}
			for (size_t k = 0; k < nvf && v == NULL; k++)
				if (strcmp(vf[k].path, f->path) == 0)
					v = &vf[k];
			if (v == NULL) {
				v = &vf[nvf++];
				v->path = f->path;
				r = atomic_read(rq->root, f->path, &v->owned);
				v->text = v->owned;
				if (r < 0 && r != -ENOENT) {
					c->kind = CONFLICT_UNREADABLE;
					c->error = r;
					break;
				}
				r = 0;
			}
			if (same_content(v->text, f->before)) {
				rf->action = ROLLBACK_SAME;
				continue;
			}
			rf->action = f->before != NULL ? ROLLBACK_RESTORED : ROLLBACK_REMOVED;
			if (!same_content(v->text, f->after)) {
				c->kind = v->text == NULL ? CONFLICT_REMOVED :
				    f->after == NULL ? CONFLICT_CREATED : CONFLICT_EDITED;
				c->line = c->kind == CONFLICT_EDITED ?
				    first_diff_line(v->text, f->after) : 0;
				if (!rq->force) {
					r = -ESTALE;
					break;
				}
				rf->forced = true;
			}
			if (f->before != NULL && (r = atomic_check_dir(rq->root, f->path)) < 0) {
				c->kind = CONFLICT_UNREADABLE;
				c->error = r;
				break;
			}
			v->text = f->before;
		}
		if (r < 0) {
			c->txn = t->number;
			c->path = out->files[out->nfiles - 1].path;
			r = -ESTALE;
		}
	}
	if (r == 0)
		memset(c, 0, sizeof *c);
	for (size_t k = 0; k < nvf; k++)
		free(vf[k].owned);
	free(vf);
	return r;
}

/*
 * Undo one transaction: its live keys (appended to out->keys), then its
 * files as rollback_check() decided (out->files from *fi on). Goes on past
 * a failure; returns -EIO when anything failed.
 */
static int
rollback_txn(const char *root, const struct apply_txn *t,
    struct rollback_outcome *out, size_t *fi)
{
	char rb[VALUE_STR_MAX];
	bool changed;
	int r;

	for (size_t i = 0; i < t->nlive; i++) {
		struct rollback_key *k = &out->keys[out->nkeys++];
		const struct catalog_entry *e = catalog_lookup(t->live[i].key);

		k->txn = t->number;
		k->key = t->live[i].key;
		k->to = t->live[i].before;
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
		k->error = write_verify(root, e, k->key, k->to, rb, sizeof rb, NULL);
		if (k->error != 0 && out->failed == NULL)
			out->failed = k;
	}
	for (size_t j = 0; j < t->nfiles; j++) {
		struct rollback_file *rf = &out->files[(*fi)++];
		const struct txn_file *f = &t->files[j];

		if (rf->action == ROLLBACK_RESTORED)
			rf->error = atomic_write(root, f->path, f->before, &changed);
		else if (rf->action == ROLLBACK_REMOVED)
			rf->error = atomic_remove(root, f->path, &changed);
		if (rf->error < 0 && out->failed_file == NULL)
			out->failed_file = rf;
	}
	return out->failed != NULL || out->failed_file != NULL ? -EIO : 0;
}

int
apply_rollback(const struct rollback_request *rq, struct rollback_outcome *out)
{
	struct apply_history *h = &out->history;
	size_t nkeys = 0, nfiles = 0, fi = 0;
	unsigned long newest;
	int r;

	if ((r = migrate_legacy(rq->root, h)) < 0 ||
	    (r = apply_history_read(rq->root, h)) < 0)
		return r;
	newest = h->n > 0 ? h->txns[h->n - 1]->number : 0;
	if (rq->to > (long long)newest)
		return -ERANGE;
	if (h->n > 0 && (out->undone = calloc(h->n, sizeof *out->undone)) == NULL)
		return -ENOMEM;
	/* The list to undo, newest first; out->undone fills up as it goes. */
	for (size_t i = h->n; i-- > 0;) {
		const struct apply_txn *t = h->txns[i];

		if (t->rolled_back)
			continue;
		if (rq->to >= 0 && t->number <= (unsigned long)rq->to)
			break;
		out->undone[out->nundone++] = t;
		nkeys += t->nlive;
		nfiles += t->nfiles;
		if (rq->to < 0)
			break;
	}
	if (out->nundone == 0)
		return -ENOENT;
	if ((r = rollback_check(rq, out, nfiles)) < 0) {
		out->nundone = 0;
		return r;
	}
	if (nkeys > 0 && (out->keys = calloc(nkeys, sizeof *out->keys)) == NULL)
		return -ENOMEM;

	for (size_t i = 0; i < out->nundone; i++) {
		/* The history's own copy, to mark it. */
		struct apply_txn *t = (struct apply_txn *)(uintptr_t)out->undone[i];

		if ((r = rollback_txn(rq->root, t, out, &fi)) < 0) {
			if (r == -EIO)
				out->failed_txn = t;
			out->nundone = i;
			return r;
		}
		t->rolled_back = true;
		t->rolled_back_time = rq->now;
		t->rolled_back_timeout = rq->timeout;
		if ((r = txn_write(rq->root, t)) < 0) {
			t->rolled_back = false;
			t->rolled_back_timeout = false;
			out->failed_txn = t;
			out->mark_error = r;
			out->nundone = i;
			return r;
		}
	}
	return 0;
}

void
rollback_outcome_clear(struct rollback_outcome *out)
{
	if (out == NULL)
		return;
	for (size_t i = 0; i < out->nkeys; i++)
		free(out->keys[i].now);
	free(out->keys);
	free(out->files);
	free(out->undone);
	apply_history_clear(&out->history);
	memset(out, 0, sizeof *out);
}

bool
apply_txn_pending(const struct apply_txn *t)
{
	return t->confirm_deadline != 0 && t->confirmed_time == 0 && !t->rolled_back;
}

const struct apply_txn *
apply_history_pending(const struct apply_history *h)
{
	if (h->n == 0 || !apply_txn_pending(h->txns[h->n - 1]))
		return NULL;
	return h->txns[h->n - 1];
}

int
apply_txn_read(const char *root, unsigned long number, struct apply_txn **ret)
{
	char path[64], *text = NULL;
	int r;

	if ((r = txn_path(number, path, sizeof path)) < 0 ||
	    (r = atomic_read_max(root, path, APPLY_TXN_MAX_BYTES, &text)) < 0)
		return r;
	r = apply_txn_parse(text, ret);
	free(text);
	if (r == 0 && (*ret)->number != number) {
		*ret = apply_txn_free(*ret);
		r = -EBADMSG;
	}
	return r;
}

/* Put back the first n files of t that apply_confirm() wrote, last first. */
static void
confirm_restore(const char *root, const struct apply_txn *t, size_t n,
    struct confirm_outcome *out)
{
	bool changed;

	for (size_t i = n; i-- > 0;) {
		const struct txn_file *f = &t->files[i];
		int r = f->before != NULL ? atomic_write(root, f->path, f->before,
		    &changed) : atomic_remove(root, f->path, &changed);

		if (r == 0)
			out->files_restored++;
		else
			out->files_restore_failed++;
	}
}

int
apply_confirm(const char *root, long long now, struct confirm_outcome *out)
{
	struct apply_txn *t;
	bool changed;
	size_t i;
	int r;

	if ((r = apply_history_read(root, &out->history)) < 0)
		return r;
	if ((out->txn = apply_history_pending(&out->history)) == NULL)
		return -ENOENT;
	/* The history's own copy, to mark it. */
	t = (struct apply_txn *)(uintptr_t)out->txn;
	if (now > t->confirm_deadline)
		return -ETIME;
	for (i = 0; i < t->nfiles; i++) {
		const struct txn_file *f = &t->files[i];
		char *cur = NULL;

		r = atomic_read(root, f->path, &cur);
		if (r < 0 && r != -ENOENT) {
			out->failed_path = f->path;
			return r;
		}
		if (!same_content(cur, f->before)) {
			out->failed_path = f->path;
			out->line = cur != NULL && f->before != NULL ?
			    first_diff_line(cur, f->before) : 0;
			free(cur);
			return -ESTALE;
		}
		free(cur);
	}
	for (i = 0; i < t->nfiles; i++) {
		const struct txn_file *f = &t->files[i];

		r = f->after != NULL ? atomic_write(root, f->path, f->after, &changed) :
		    atomic_remove(root, f->path, &changed);
		if (r < 0) {
			out->failed_path = f->path;
			confirm_restore(root, t, i + changed, out);
			return r;
		}
		out->written++;
	}
	t->confirmed_time = now;
	if ((r = txn_write(root, t)) < 0) {
		t->confirmed_time = 0;
		confirm_restore(root, t, t->nfiles, out);
		out->written = 0;
		return r;
	}
	return 0;
}

void
confirm_outcome_clear(struct confirm_outcome *out)
{
	if (out == NULL)
		return;
	apply_history_clear(&out->history);
	memset(out, 0, sizeof *out);
}
