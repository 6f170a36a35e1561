/*
 * Unit tests of src/write/apply.c: the lock timeout and its parsing, the plan,
 * the transaction over live values and files against a fake ROOT/proc/sys
 * of plain files (a failure on the third key restores the first two; a
 * value the kernel does not keep; a file that cannot be written restores
 * the live keys and the files already written, byte for byte), the
 * transaction format and its numbering, the old journal.json, and rollback
 * of one or many transactions, refused where a file was edited since.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "apply.c"
#include "testprofile.h"
#include "tree.h"

#define FRAG "/etc/sysctl.d/90-tcpadvise.conf"

static char *
root_618(void)
{
	char *root = tree_new_618();

	tree_sysctl(root, "net.ipv4.ip_local_port_range", "32768\t60999");
	tree_sysctl(root, "net.ipv4.tcp_tw_reuse", "2");
	tree_sysctl(root, "net.ipv4.tcp_syncookies", "1");
	tree_write(root, "etc/sysctl.d/README", "x\n");
	return root;
}

/* On root_618: four keys that change (in key order net.core.somaxconn,
   net.ipv4.ip_local_port_range, net.ipv4.tcp_fin_timeout,
   net.ipv4.tcp_tw_reuse), one already set, one this kernel lacks. */
static const char yaml[] =
    "name: t\ndescription: t\nsettings:\n"
    "  net.ipv4.tcp_tw_reuse: {apply: 1, severity: info, reason: r, source: s}\n"
    "  net.ipv4.tcp_fin_timeout: {min: 15, apply: 30, severity: info, reason: r, source: s}\n"
    "  net.core.somaxconn: {min: 4096, apply: 8192, severity: info, reason: r, source: s}\n"
    "  net.ipv4.ip_local_port_range: {apply: \"10000 65535\", severity: info, reason: r, source: s}\n"
    "  net.ipv4.tcp_syncookies: {apply: 1, severity: info, reason: r, source: s}\n"
    "  net.ipv4.tcp_max_orphans: {min: 1024, apply: 65536, severity: info, reason: r, source: s}\n";

/* The live value of key below root, blanks folded; caller frees. */
static char *
live(const char *root, const char *key)
{
	char *v = NULL;

	assert_int_equal(procfs_read(root, key, &v), 0);
	fold_blanks(v);
	return v;
}

static void
assert_live(const char *root, const char *key, const char *want)
{
	char *v = live(root, key);

	assert_string_equal(v, want);
	free(v);
}

#define SYSCTL_CONF "/etc/sysctl.conf"
#define MASK "/etc/sysctl.d/50-vendor.conf"

/* Everything one apply needs, set up on root. */
struct fixture {
	char *root;
	struct profile *p;
	struct snapshot *s;
	char *text;
	struct apply_plan plan;
	struct apply_file files[APPLY_FILES_MAX];
	struct apply_request rq;
	struct apply_outcome out;
};

static void
fixture_init(struct fixture *f, char *root, const char *profile_yaml)
{
	struct fragment_skip *sk = NULL;
	size_t n = 0;

	memset(f, 0, sizeof *f);
	f->root = root;
	f->p = parse(profile_yaml);
	assert_int_equal(snapshot_take(root, NULL, &f->s), 0);
	assert_int_equal(fragment_render(f->p, f->s, &f->text, &sk, &n), 0);
	fragment_skips_free(sk, n);
	assert_int_equal(apply_plan_make(f->p, f->s, &f->plan), 0);
	f->files[0].path = FRAG;
	f->files[0].text = f->text;
	f->files[0].why = "the profile's fragment";
	f->rq.root = root;
	f->rq.profile = f->p->name;
	f->rq.files = f->files;
	f->rq.nfiles = 1;
	f->rq.live = true;
	f->rq.now = 1700000000;
	assert_int_equal(make_state_dir(root), 0);
}

/* Add a file the apply writes (text NULL: removes) after the fragment. */
static void
fixture_file(struct fixture *f, const char *path, const char *text)
{
	f->files[f->rq.nfiles].path = path;
	f->files[f->rq.nfiles].text = text;
	f->files[f->rq.nfiles].why = "test";
	f->rq.nfiles++;
}

static void
fixture_clear(struct fixture *f)
{
	apply_outcome_clear(&f->out);
	apply_plan_clear(&f->plan);
	free(f->text);
	snapshot_free(f->s);
	profile_free(f->p);
}

static bool
exists(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	assert_true(snprintf(path, sizeof path, "%s%s", root, rel) < (int)sizeof path);
	return lstat(path, &st) == 0;
}

/* The bytes of ROOT/path, NULL when there is no such file; caller frees. */
static char *
bytes(const char *root, const char *path)
{
	char *text = NULL;
	int r = atomic_read(root, path, &text);

	assert_true(r == 0 || r == -ENOENT);
	return text;
}

static void
assert_bytes(const char *root, const char *path, const char *want)
{
	char *text = bytes(root, path);

	if (want == NULL)
		assert_null(text);
	else
		assert_string_equal(text, want);
	free(text);
}

/* Read transaction n from the history. */
static struct apply_txn *
txn_read(const char *root, unsigned long n)
{
	struct apply_txn *t = NULL;
	char path[64], *text = NULL;

	assert_int_equal(txn_path(n, path, sizeof path), 0);
	assert_int_equal(atomic_read_max(root, path, APPLY_TXN_MAX_BYTES, &text), 0);
	assert_int_equal(apply_txn_parse(text, &t), 0);
	free(text);
	return t;
}

static int
rollback(const char *root, long long to, bool force, struct rollback_outcome *rb)
{
	struct rollback_request rq = { root, to, force, 1700000500, false };

	memset(rb, 0, sizeof *rb);
	return apply_rollback(&rq, rb);
}

static void
test_lock_timeout_parse(void **state)
{
	static const struct {
		const char *in;
		int r;
		unsigned want;
	} t[] = {
		{ NULL, 0, 30 }, { "", 0, 30 }, { "0", 0, 0 }, { "1", 0, 1 },
		{ "3600", 0, 3600 }, { "3601", -ERANGE, 0 }, { "-1", -ERANGE, 0 },
		{ "1s", -EINVAL, 0 }, { " 1", -EINVAL, 0 }, { "0x10", -EINVAL, 0 },
		{ "01", -EINVAL, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		unsigned v = 12345;

		assert_int_equal(apply_lock_timeout(t[i].in, &v), t[i].r);
		if (t[i].r == 0)
			assert_int_equal(v, t[i].want);
	}
}

static void
test_lock(void **state)
{
	char *root = tree_new(), path[PATH_MAX];
	struct timespec a, b;
	int fd = -1, holder, fd2 = -1;
	long long ms;

	(void)state;
	assert_int_equal(apply_lock(root, 0, &fd), 0);
	assert_true(exists(root, "/var/lib/tcpadvise/lock"));
	/* Someone else holds it (flock on another open file description). */
	snprintf(path, sizeof path, "%s/var/lib/tcpadvise/lock", root);
	fd = apply_unlock(fd);
	assert_int_equal(fd, -1);
	assert_true((holder = open(path, O_RDWR)) >= 0);
	assert_int_equal(flock(holder, LOCK_EX | LOCK_NB), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(apply_lock(root, 1, &fd2), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000LL + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_true(ms >= 900 && ms < 3000);
	assert_int_equal(apply_lock(root, 0, &fd2), -ETIMEDOUT);
	close(holder);
	assert_int_equal(apply_lock(root, 0, &fd2), 0);
	apply_unlock(fd2);
	tree_free(root);
}

static void
test_plan(void **state)
{
	struct fixture f;
	const struct apply_item *it;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	assert_int_equal(f.plan.n, 6);
	for (size_t i = 1; i < f.plan.n; i++)
		assert_true(strcmp(f.plan.items[i - 1].key, f.plan.items[i].key) < 0);
	it = &f.plan.items[0];
	assert_string_equal(it->key, "net.core.somaxconn");
	assert_int_equal(it->state, APPLY_CHANGE);
	assert_string_equal(it->before, "4096");
	assert_string_equal(it->after, "8192");
	it = &f.plan.items[1];
	assert_string_equal(it->key, "net.ipv4.ip_local_port_range");
	assert_string_equal(it->before, "32768 60999");
	assert_string_equal(it->after, "10000 65535");
	it = &f.plan.items[3];
	assert_string_equal(it->key, "net.ipv4.tcp_max_orphans");
	assert_int_equal(it->state, APPLY_SKIP);
	assert_string_equal(it->reason, "not on this kernel");
	assert_false(it->in_fragment);
	assert_int_equal(f.plan.items[4].state, APPLY_SAME);
	assert_int_equal(apply_plan_count(&f.plan, APPLY_CHANGE), 4);
	fixture_clear(&f);
	tree_free(f.root);
}

static void
test_commit_and_rollback(void **state)
{
	struct fixture f;
	struct apply_txn *t = NULL;
	struct rollback_outcome rb;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	tree_write(f.root, "etc/sysctl.d/90-tcpadvise.conf", "# old\n");
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_true(f.out.changed);
	assert_int_equal(f.out.nfiles, 1);
	assert_true(f.out.files[0].existed);
	assert_true(f.out.files[0].changed);
	assert_string_equal(f.out.files[0].before, "# old\n");
	assert_int_equal(f.out.nlive, 4);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(f.out.txn, 1);
	assert_live(f.root, "net.core.somaxconn", "8192");
	assert_live(f.root, "net.ipv4.ip_local_port_range", "10000 65535");
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "30");
	assert_live(f.root, "net.ipv4.tcp_tw_reuse", "1");
	assert_bytes(f.root, FRAG, f.text);

	/* Transaction 1: the state before and after, mode 0600. */
	{
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof path, "%s" APPLY_HISTORY_DIR "/1.json", f.root);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
	}
	t = txn_read(f.root, 1);
	assert_int_equal(t->number, 1);
	assert_string_equal(t->profile, "t");
	assert_string_equal(t->tool_version, TCPADVISE_VERSION);
	assert_int_equal(t->time, 1700000000);
	assert_false(t->rolled_back);
	assert_int_equal(t->nfiles, 1);
	assert_string_equal(t->files[0].path, FRAG);
	assert_string_equal(t->files[0].before, "# old\n");
	assert_string_equal(t->files[0].after, f.text);
	assert_string_equal(t->files[0].why, "the profile's fragment");
	assert_int_equal(t->nlive, 4);
	assert_string_equal(t->live[1].key, "net.ipv4.ip_local_port_range");
	assert_string_equal(t->live[1].before, "32768 60999");
	assert_string_equal(t->live[1].after, "10000 65535");
	t = apply_txn_free(t);
	assert_null(t);

	/* Rollback: live values and the fragment come back, once. */
	tree_sysctl(f.root, "net.ipv4.tcp_tw_reuse", "2");	/* already back */
	assert_int_equal(rollback(f.root, -1, false, &rb), 0);
	assert_int_equal(rb.nundone, 1);
	assert_int_equal(rb.undone[0]->number, 1);
	assert_int_equal(rb.nkeys, 4);
	assert_int_equal(rb.nchanged, 3);
	assert_false(rb.keys[3].changed);
	assert_string_equal(rb.keys[0].now, "8192");
	assert_string_equal(rb.keys[0].to, "4096");
	assert_int_equal(rb.nfiles, 1);
	assert_int_equal(rb.files[0].action, ROLLBACK_RESTORED);
	assert_false(rb.files[0].forced);
	rollback_outcome_clear(&rb);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_live(f.root, "net.ipv4.ip_local_port_range", "32768 60999");
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "60");
	assert_bytes(f.root, FRAG, "# old\n");
	/* Marked, not deleted; nothing left to undo. */
	t = txn_read(f.root, 1);
	assert_true(t->rolled_back);
	assert_int_equal(t->rolled_back_time, 1700000500);
	apply_txn_free(t);
	assert_int_equal(rollback(f.root, -1, false, &rb), -ENOENT);
	rollback_outcome_clear(&rb);
	rollback_outcome_clear(NULL);
	fixture_clear(&f);
	tree_free(f.root);
}

static void
test_idempotent_no_txn(void **state)
{
	struct fixture f;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(f.out.txn, 1);
	fixture_clear(&f);

	/* Second apply: nothing to change, no transaction. */
	fixture_init(&f, f.root, yaml);
	assert_int_equal(apply_plan_count(&f.plan, APPLY_CHANGE), 0);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_false(f.out.changed);
	assert_false(f.out.files[0].changed);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(f.out.txn, 0);
	assert_false(exists(f.root, APPLY_HISTORY_DIR "/2.json"));
	fixture_clear(&f);
	tree_free(f.root);
}

/* The third key that changes fails: the two before it are restored. */
static void
test_failure_third_key(void **state)
{
	struct fixture f;
	char path[PATH_MAX];

	(void)state;
	fixture_init(&f, root_618(), yaml);
	tree_write(f.root, "var/lib/tcpadvise/history/1.json", "previous\n");
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	/* Third change in key order: tcp_fin_timeout. A directory fails the
	   write with EISDIR, as a key the kernel refuses would. */
	snprintf(path, sizeof path, "%s/proc/sys/net/ipv4/tcp_fin_timeout", f.root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), -EISDIR);
	assert_int_equal(f.out.stage, STAGE_LIVE);
	assert_int_equal(f.out.error, -EISDIR);
	assert_string_equal(f.out.failed->key, "net.ipv4.tcp_fin_timeout");
	assert_int_equal(f.out.restored, 2);
	assert_int_equal(f.out.restore_failed, 0);
	assert_int_equal(f.out.txn, 0);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_live(f.root, "net.ipv4.ip_local_port_range", "32768 60999");
	assert_live(f.root, "net.ipv4.tcp_tw_reuse", "2");
	/* Fragment untouched, the history as before. */
	assert_false(exists(f.root, FRAG));
	assert_bytes(f.root, APPLY_HISTORY_DIR "/1.json", "previous\n");
	assert_false(exists(f.root, APPLY_HISTORY_DIR "/2.json"));
	fixture_clear(&f);
	tree_free(f.root);
}

/* The kernel takes the write but keeps another value (here: /dev/null). */
static void
test_failure_readback(void **state)
{
	struct fixture f;
	char path[PATH_MAX];

	(void)state;
	fixture_init(&f, root_618(), yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	snprintf(path, sizeof path, "%s/proc/sys/net/ipv4/ip_local_port_range", f.root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink("/dev/null", path), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), -EIO);
	assert_int_equal(f.out.stage, STAGE_LIVE);
	assert_int_equal(f.out.error, 0);
	assert_string_equal(f.out.readback, "");
	assert_int_equal(f.out.restored, 1);
	/* Restoring the failed key cannot stick either: the transaction
	   stays, for rollback to finish. */
	assert_int_equal(f.out.restore_failed, 1);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_true(exists(f.root, APPLY_HISTORY_DIR "/1.json"));
	assert_int_equal(f.out.txn, 1);
	assert_string_equal(f.out.journal, APPLY_HISTORY_DIR "/1.json");
	fixture_clear(&f);
	tree_free(f.root);
}

/* The fragment cannot be written: live values go back too. */
static void
test_failure_fragment(void **state)
{
	struct fixture f;
	char path[PATH_MAX];

	(void)state;
	fixture_init(&f, root_618(), yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	snprintf(path, sizeof path, "%s" FRAG, f.root);
	assert_int_equal(symlink("/nonexistent", path), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), -ELOOP);
	assert_int_equal(f.out.stage, STAGE_FILE);
	assert_int_equal(f.out.failed_file, 0);
	assert_int_equal(f.out.error, -ELOOP);
	assert_int_equal(f.out.restored, 4);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "60");
	assert_false(exists(f.root, APPLY_HISTORY_DIR "/1.json"));
	fixture_clear(&f);

	/* Found by apply_prepare() already when it is there first. */
	fixture_init(&f, f.root, yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), -ELOOP);
	assert_int_equal(f.out.stage, STAGE_FILE_READ);
	fixture_clear(&f);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof path, "%s/etc/sysctl.d/README", f.root);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof path, "%s/etc/sysctl.d", f.root);
	assert_int_equal(rmdir(path), 0);
	fixture_init(&f, f.root, yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), -ENOENT);
	assert_int_equal(f.out.stage, STAGE_FILE_DIR);
	fixture_clear(&f);
	tree_free(f.root);
}

/*
 * Three files; the third cannot be written: the first (new) is removed
 * again, the second gets its bytes back (not UTF-8, no final newline), the
 * live keys their values, and no transaction is left.
 */
static void
test_failure_third_file(void **state)
{
	static const char conf[] = "# caf\xe9\nnet.ipv4.tcp_fin_timeout = 50";
	struct fixture f;
	char path[PATH_MAX];

	(void)state;
	fixture_init(&f, root_618(), yaml);
	tree_write(f.root, "etc/sysctl.conf", conf);
	tree_write(f.root, "var/lib/tcpadvise/history/1.json", "previous\n");
	fixture_file(&f, SYSCTL_CONF, "# net.ipv4.tcp_fin_timeout = 50\n");
	fixture_file(&f, MASK, "");
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_false(f.out.files[0].existed);
	assert_true(f.out.files[1].existed);
	assert_string_equal(f.out.files[1].before, conf);
	assert_false(f.out.files[2].existed);
	assert_true(f.out.files[2].changed);
	snprintf(path, sizeof path, "%s" MASK, f.root);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), -EISDIR);
	assert_int_equal(f.out.stage, STAGE_FILE);
	assert_int_equal(f.out.failed_file, 2);
	assert_int_equal(f.out.files_restored, 2);
	assert_int_equal(f.out.files_restore_failed, 0);
	assert_int_equal(f.out.restored, 4);
	assert_false(exists(f.root, FRAG));
	assert_bytes(f.root, SYSCTL_CONF, conf);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_bytes(f.root, APPLY_HISTORY_DIR "/1.json", "previous\n");
	assert_false(exists(f.root, APPLY_HISTORY_DIR "/2.json"));
	fixture_clear(&f);

	/* Bad requests: a path twice, a path that is not plain. */
	fixture_init(&f, f.root, yaml);
	fixture_file(&f, FRAG, "x\n");
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), -EINVAL);
	fixture_clear(&f);
	fixture_init(&f, f.root, yaml);
	fixture_file(&f, "/etc/sysctl.d/../sysctl.conf", "x\n");
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), -EINVAL);
	fixture_clear(&f);
	tree_free(f.root);
}

/* --persist-only and --live-only; rollback removes a fragment it created. */
static void
test_modes_and_remove(void **state)
{
	struct fixture f;
	struct rollback_outcome rb;
	struct apply_txn *t;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	f.rq.live = false;
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(f.out.nlive, 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_true(exists(f.root, FRAG));
	t = txn_read(f.root, 1);
	assert_int_equal(t->nlive, 0);
	assert_int_equal(t->nfiles, 1);
	assert_null(t->files[0].before);
	apply_txn_free(t);
	assert_int_equal(rollback(f.root, -1, false, &rb), 0);
	assert_int_equal(rb.files[0].action, ROLLBACK_REMOVED);
	rollback_outcome_clear(&rb);
	assert_false(exists(f.root, FRAG));
	fixture_clear(&f);

	fixture_init(&f, f.root, yaml);
	f.rq.nfiles = 0;
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(f.out.txn, 2);
	assert_live(f.root, "net.core.somaxconn", "8192");
	assert_false(exists(f.root, FRAG));
	t = txn_read(f.root, 2);
	assert_int_equal(t->nfiles, 0);
	assert_int_equal(t->nlive, 4);
	apply_txn_free(t);
	fixture_clear(&f);
	tree_free(f.root);
}

/* Rollback goes on past a key it cannot restore and keeps the transaction. */
static void
test_rollback_failure(void **state)
{
	struct fixture f;
	struct rollback_outcome rb;
	struct apply_txn *t;
	char path[PATH_MAX];

	(void)state;
	fixture_init(&f, root_618(), yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	snprintf(path, sizeof path, "%s/proc/sys/net/ipv4/ip_local_port_range", f.root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(rollback(f.root, -1, false, &rb), -EIO);
	assert_non_null(rb.failed);
	assert_string_equal(rb.failed->key, "net.ipv4.ip_local_port_range");
	assert_int_equal(rb.failed->error, -EISDIR);
	assert_int_equal(rb.failed_txn->number, 1);
	assert_int_equal(rb.nundone, 0);
	rollback_outcome_clear(&rb);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "60");
	assert_false(exists(f.root, FRAG));
	t = txn_read(f.root, 1);
	assert_false(t->rolled_back);
	apply_txn_free(t);
	fixture_clear(&f);
	tree_free(f.root);
}

static void
test_path_plain(void **state)
{
	static const struct {
		const char *path;
		bool ok;
	} t[] = {
		{ "/etc/sysctl.conf", true }, { "/a", true }, { "/a/.b", true },
		{ "/a/..b", true }, { NULL, false }, { "", false }, { "/", false },
		{ "etc/x", false }, { "/etc/", false }, { "/etc//x", false },
		{ "/etc/./x", false }, { "/etc/../x", false }, { "/etc/x/..", false },
		{ "/etc/x\n", false }, { "/etc/\x7f", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_int_equal(apply_path_plain(t[i].path), t[i].ok);
}

/* Format and parse agree, byte for byte, on every kind of content. */
static void
test_txn_roundtrip(void **state)
{
	struct txn_key k = { (char *)(uintptr_t)"net.core.somaxconn",
	    (char *)(uintptr_t)"4096", (char *)(uintptr_t)"8192" };
	struct txn_file files[3] = {
		{ (char *)(uintptr_t)FRAG, NULL, (char *)(uintptr_t)"a = \"1\"\n\ttab",
		  (char *)(uintptr_t)"the fragment" },
		{ (char *)(uintptr_t)SYSCTL_CONF,
		  (char *)(uintptr_t)"# caf\xe9 \xff\xfe\nx = 1", (char *)(uintptr_t)"x",
		  NULL },
		{ (char *)(uintptr_t)MASK, (char *)(uintptr_t)"", NULL, NULL },
	};
	struct apply_txn in, *out = NULL;
	char *text = NULL, *again = NULL;

	(void)state;
	memset(&in, 0, sizeof in);
	in.number = 42;
	in.tool_version = (char *)(uintptr_t)"0.1.0";
	in.profile = (char *)(uintptr_t)"nginx";
	in.time = 1700000000;
	in.rolled_back = true;
	in.rolled_back_time = 1700000100;
	in.live = &k;
	in.nlive = 1;
	in.files = files;
	in.nfiles = 3;
	assert_int_equal(apply_txn_format(&in, &text), 0);
	assert_non_null(strstr(text, "\"schema_version\": 2"));
	assert_non_null(strstr(text, "\"transaction\": 42"));
	assert_non_null(strstr(text, "\"base64\": \"IyBjYWbpIP/+CnggPSAx\""));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(apply_txn_parse(text, &out), 0);
	assert_int_equal(out->number, 42);
	assert_string_equal(out->profile, "nginx");
	assert_int_equal(out->time, 1700000000);
	assert_true(out->rolled_back);
	assert_int_equal(out->rolled_back_time, 1700000100);
	assert_string_equal(out->live[0].after, "8192");
	assert_int_equal(out->nfiles, 3);
	assert_null(out->files[0].before);
	assert_string_equal(out->files[0].after, "a = \"1\"\n\ttab");
	assert_string_equal(out->files[0].why, "the fragment");
	assert_string_equal(out->files[1].before, "# caf\xe9 \xff\xfe\nx = 1");
	assert_null(out->files[1].why);
	assert_string_equal(out->files[2].before, "");
	assert_null(out->files[2].after);
	assert_int_equal(apply_txn_format(out, &again), 0);
	assert_string_equal(again, text);
	free(text);
	free(again);
	assert_null(apply_txn_free(out));
	assert_null(apply_txn_free(NULL));

	/* Every length of base64 content, padded or not. */
	for (size_t n = 0; n < 7; n++) {
		char content[8] = "\xe9\xe9\xe9\xe9\xe9\xe9\xe9";

		content[n] = '\0';
		files[1].before = content;
		assert_int_equal(apply_txn_format(&in, &text), 0);
		assert_int_equal(apply_txn_parse(text, &out), 0);
		assert_string_equal(out->files[1].before, content);
		free(text);
		apply_txn_free(out);
	}
}

static void
test_txn_confirm(void **state)
{
	static const char head[] = "{\"schema_version\":2,\"tool_version\":\"x\","
	    "\"transaction\":1,\"profile\":\"p\",\"time\":1,\"live\":[],\"files\":[],";
	static const struct {
		const char *tail;
		int r;
		bool pending;
	} cases[] = {
		/* Older files have no "confirm" and no "by". */
		{ "\"rolled_back\":null}", 0, false },
		{ "\"rolled_back\":{\"time\":2},\"confirm\":null}", 0, false },
		{ "\"rolled_back\":null,\"confirm\":{\"deadline\":9,\"watcher_pid\":7,"
		  "\"confirmed\":null}}", 0, true },
		{ "\"rolled_back\":null,\"confirm\":{\"deadline\":9,\"watcher_pid\":7,"
		  "\"confirmed\":8}}", 0, false },
		{ "\"rolled_back\":{\"time\":9,\"by\":\"timeout\"},\"confirm\":"
		  "{\"deadline\":9,\"watcher_pid\":7,\"confirmed\":null}}", 0, false },
		{ "\"rolled_back\":{\"time\":9,\"by\":\"cat\"}}", -EBADMSG, false },
		{ "\"rolled_back\":null,\"confirm\":{\"deadline\":0,\"watcher_pid\":7,"
		  "\"confirmed\":null}}", -EBADMSG, false },
		{ "\"rolled_back\":null,\"confirm\":{\"deadline\":9,\"watcher_pid\":-1,"
		  "\"confirmed\":null}}", -EBADMSG, false },
		{ "\"rolled_back\":null,\"confirm\":{\"deadline\":9,\"watcher_pid\":7}}",
		  -EBADMSG, false },
		{ "\"rolled_back\":null,\"confirm\":[]}", -EBADMSG, false },
	};
	struct apply_txn *t, *u;
	char text[512], *again = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, "%s%s", head, cases[i].tail);
		t = NULL;
		assert_int_equal(apply_txn_parse(text, &t), cases[i].r);
		if (cases[i].r < 0)
			continue;
		assert_int_equal(apply_txn_pending(t), cases[i].pending);
		/* Formatted and parsed again: the same state. */
		assert_int_equal(apply_txn_format(t, &again), 0);
		assert_int_equal(apply_txn_parse(again, &u), 0);
		assert_int_equal(u->confirm_deadline, t->confirm_deadline);
		assert_int_equal(u->confirm_pid, t->confirm_pid);
		assert_int_equal(u->confirmed_time, t->confirmed_time);
		assert_int_equal(u->rolled_back_timeout, t->rolled_back_timeout);
		free(again);
		apply_txn_free(u);
		apply_txn_free(t);
	}
}

static void
test_txn_parse_bad(void **state)
{
#define HEAD "{\"schema_version\":2,\"tool_version\":\"x\",\"transaction\":1," \
	"\"profile\":\"p\",\"time\":1,\"rolled_back\":null,"
#define LIVE "\"live\":[],"
#define FILE_(p, e, b, a) "\"files\":[{\"path\":" p ",\"why\":null,\"existed\":" e \
	",\"before\":" b ",\"after\":" a "}]}"
	static const char *const bad[] = {
		"", "[]", "{}", "not json", HEAD,
		/* the old journal's schema, a newer one */
		"{\"schema_version\":1,\"tool_version\":\"x\",\"transaction\":1,"
		"\"profile\":\"p\",\"time\":1,\"rolled_back\":null,\"live\":[],\"files\":[]}",
		"{\"schema_version\":3,\"tool_version\":\"x\",\"transaction\":1,"
		"\"profile\":\"p\",\"time\":1,\"rolled_back\":null,\"live\":[],\"files\":[]}",
		/* the number */
		"{\"schema_version\":2,\"tool_version\":\"x\",\"transaction\":0,"
		"\"profile\":\"p\",\"time\":1,\"rolled_back\":null,\"live\":[],\"files\":[]}",
		"{\"schema_version\":2,\"tool_version\":\"x\",\"transaction\":\"1\","
		"\"profile\":\"p\",\"time\":1,\"rolled_back\":null,\"live\":[],\"files\":[]}",
		"{\"schema_version\":2,\"tool_version\":\"x\",\"transaction\":1000000000,"
		"\"profile\":\"p\",\"time\":1,\"rolled_back\":null,\"live\":[],\"files\":[]}",
		/* the time, the mark */
		"{\"schema_version\":2,\"tool_version\":\"x\",\"transaction\":1,"
		"\"profile\":\"p\",\"time\":\"1\",\"rolled_back\":null,\"live\":[],\"files\":[]}",
		"{\"schema_version\":2,\"tool_version\":\"x\",\"transaction\":1,"
		"\"profile\":\"p\",\"time\":1,\"rolled_back\":true,\"live\":[],\"files\":[]}",
		"{\"schema_version\":2,\"tool_version\":\"x\",\"transaction\":1,"
		"\"profile\":\"p\",\"time\":1,\"rolled_back\":{},\"live\":[],\"files\":[]}",
		/* duplicate members */
		HEAD "\"profile\":\"q\"," LIVE "\"files\":[]}",
		/* live keys */
		HEAD "\"live\":[{\"key\":\"../../etc/passwd\",\"before\":\"1\","
		"\"after\":\"2\"}],\"files\":[]}",
		HEAD "\"live\":[{\"key\":\"net.core.somaxconn\",\"before\":1,"
		"\"after\":\"2\"}],\"files\":[]}",
		HEAD "\"live\":[{\"key\":\"net.core.somaxconn\",\"before\":\"1\"}],"
		"\"files\":[]}",
		HEAD "\"live\":{},\"files\":[]}",
		/* files */
		HEAD LIVE "\"files\":{}}",
		HEAD LIVE FILE_("\"etc/x\"", "false", "null", "\"a\""),
		HEAD LIVE FILE_("\"/etc/../x\"", "false", "null", "\"a\""),
		HEAD LIVE FILE_("\"/etc/x\"", "true", "null", "\"a\""),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "\"b\"", "\"a\""),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "null"),
		HEAD LIVE FILE_("\"/etc/x\"", "null", "null", "\"a\""),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "1"),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "\"a\\u0000b\""),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "{\"base64\":\"YQ\"}"),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "{\"base64\":\"Y!==\"}"),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "{\"base64\":\"YQ=a\"}"),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "{\"base64\":\"AA==\"}"),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "{\"base64\":\"YQ==\",\"x\":1}"),
		HEAD LIVE FILE_("\"/etc/x\"", "false", "null", "{\"hex\":\"61\"}"),
		HEAD LIVE "\"files\":[{\"path\":\"/a\",\"why\":null,\"existed\":false,"
		"\"before\":null,\"after\":\"x\"},{\"path\":\"/a\",\"why\":null,"
		"\"existed\":false,\"before\":null,\"after\":\"y\"}]}",
	};
	struct apply_txn *out = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (apply_txn_parse(bad[i], &out) != -EBADMSG)
			fail_msg("accepted bad[%zu]: %s", i, bad[i]);
	}
	/* The same shape, well formed, parses. */
	assert_int_equal(apply_txn_parse(HEAD LIVE FILE_("\"/etc/x\"", "false", "null",
	    "{\"base64\":\"YQ==\"}"), &out), 0);
	assert_string_equal(out->files[0].after, "a");
	apply_txn_free(out);
#undef HEAD
#undef LIVE
#undef FILE_
}

/* Profiles that set tcp_fin_timeout to 30, 40 and 50 (root_618 has 60). */
static const char yaml30[] = "name: p30\ndescription: t\nsettings:\n"
    "  net.ipv4.tcp_fin_timeout: {apply: 30, severity: info, reason: r, source: s}\n";
static const char yaml40[] = "name: p40\ndescription: t\nsettings:\n"
    "  net.ipv4.tcp_fin_timeout: {apply: 40, severity: info, reason: r, source: s}\n";
static const char yaml50[] = "name: p50\ndescription: t\nsettings:\n"
    "  net.ipv4.tcp_fin_timeout: {apply: 50, severity: info, reason: r, source: s}\n"
    "  net.ipv4.tcp_tw_reuse: {apply: 1, severity: info, reason: r, source: s}\n";

/* Apply profile_yaml on root with extra files (path, text; NULL ends);
   returns the transaction number. */
static unsigned long
do_apply(char *root, const char *profile_yaml, ...)
{
	struct fixture f;
	unsigned long n;
	va_list ap;
	const char *path;

	fixture_init(&f, root, profile_yaml);
	va_start(ap, profile_yaml);
	while ((path = va_arg(ap, const char *)) != NULL)
		fixture_file(&f, path, va_arg(ap, const char *));
	va_end(ap);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	n = f.out.txn;
	fixture_clear(&f);
	return n;
}

/* The files and live values a rollback must get back to. */
struct snap {
	char *frag, *conf, *mask, *fin, *reuse;
};

static void
snap_take(const char *root, struct snap *s)
{
	s->frag = bytes(root, FRAG);
	s->conf = bytes(root, SYSCTL_CONF);
	s->mask = bytes(root, MASK);
	s->fin = live(root, "net.ipv4.tcp_fin_timeout");
	s->reuse = live(root, "net.ipv4.tcp_tw_reuse");
}

static void
snap_free(struct snap *s)
{
	free(s->frag);
	free(s->conf);
	free(s->mask);
	free(s->fin);
	free(s->reuse);
}

/* Compare root with s, then free s. */
static void
snap_check(const char *root, struct snap *s)
{
	assert_bytes(root, FRAG, s->frag);
	assert_bytes(root, SYSCTL_CONF, s->conf);
	assert_bytes(root, MASK, s->mask);
	assert_live(root, "net.ipv4.tcp_fin_timeout", s->fin);
	assert_live(root, "net.ipv4.tcp_tw_reuse", s->reuse);
	snap_free(s);
}

/*
 * Three transactions over three files: 1 creates the fragment and comments
 * out a line of sysctl.conf; 2 rewrites the fragment and creates a masking
 * file; 3 rewrites the fragment and sysctl.conf again and removes the mask.
 */
static char *
three_applies(struct snap *s0, struct snap *s1, struct snap *s2)
{
	char *root = root_618();

	tree_write(root, "etc/sysctl.conf", "a = 1\nnet.ipv4.tcp_fin_timeout = 45\n");
	snap_take(root, s0);
	assert_int_equal(do_apply(root, yaml30, SYSCTL_CONF,
	    "a = 1\n# net.ipv4.tcp_fin_timeout = 45\n", NULL), 1);
	snap_take(root, s1);
	assert_int_equal(do_apply(root, yaml40, MASK, "", NULL), 2);
	snap_take(root, s2);
	assert_int_equal(do_apply(root, yaml50, SYSCTL_CONF, "# a = 1\n",
	    MASK, NULL, NULL), 3);
	assert_false(exists(root, MASK));
	assert_live(root, "net.ipv4.tcp_tw_reuse", "1");
	return root;
}

static void
test_numbering(void **state)
{
	struct snap s0, s1, s2;
	struct rollback_outcome rb;
	struct apply_history h;
	char *root;

	(void)state;
	root = three_applies(&s0, &s1, &s2);
	/* Names that are not N.json do not count. */
	tree_write(root, "var/lib/tcpadvise/history/07.json", "x");
	tree_write(root, "var/lib/tcpadvise/history/.#9.jsonAbC123", "x");
	tree_write(root, "var/lib/tcpadvise/history/notes.txt", "x");
	assert_int_equal(apply_history_read(root, &h), 0);
	assert_int_equal(h.n, 3);
	assert_false(h.legacy);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(h.txns[i]->number, i + 1);
	assert_string_equal(h.txns[2]->profile, "p50");
	assert_int_equal(h.txns[2]->nfiles, 3);
	apply_history_clear(&h);
	apply_history_clear(NULL);

	/* A rolled back transaction keeps its number: the next apply is 4. */
	assert_int_equal(rollback(root, -1, false, &rb), 0);
	rollback_outcome_clear(&rb);
	assert_int_equal(do_apply(root, yaml30, NULL), 4);
	assert_int_equal(apply_history_read(root, &h), 0);
	assert_int_equal(h.n, 4);
	assert_true(h.txns[2]->rolled_back);
	assert_false(h.txns[3]->rolled_back);
	apply_history_clear(&h);

	/* A transaction whose number is not its name's is refused. */
	{
		char *text = bytes(root, APPLY_HISTORY_DIR "/4.json");

		tree_write(root, "var/lib/tcpadvise/history/9.json", text);
		free(text);
	}
	assert_int_equal(apply_history_read(root, &h), -EBADMSG);
	assert_string_equal(h.failed_path, APPLY_HISTORY_DIR "/9.json");
	assert_int_equal(h.n, 0);
	snap_free(&s0);
	snap_free(&s1);
	snap_free(&s2);
	tree_free(root);
}

/* rollback --to 1, then --to 0: files byte for byte and live values as
   right after apply 1, then as before apply 1. */
static void
test_rollback_to(void **state)
{
	struct snap s0, s1, s2;
	struct rollback_outcome rb;
	struct apply_history h;
	char *root;

	(void)state;
	root = three_applies(&s0, &s1, &s2);
	snap_free(&s2);
	assert_int_equal(rollback(root, 4, false, &rb), -ERANGE);
	rollback_outcome_clear(&rb);
	assert_int_equal(rollback(root, 1, false, &rb), 0);
	assert_int_equal(rb.nundone, 2);
	assert_int_equal(rb.undone[0]->number, 3);
	assert_int_equal(rb.undone[1]->number, 2);
	/* 3: fragment, sysctl.conf, mask (re-created); 2: fragment, mask (removed). */
	assert_int_equal(rb.nfiles, 5);
	assert_int_equal(rb.files[2].action, ROLLBACK_RESTORED);
	assert_string_equal(rb.files[2].path, MASK);
	assert_int_equal(rb.files[4].action, ROLLBACK_REMOVED);
	assert_int_equal(rb.files[4].txn, 2);
	/* 3: fin_timeout 50 -> 40, tw_reuse 1 -> 2; 2: fin_timeout 40 -> 30. */
	assert_int_equal(rb.nchanged, 3);
	rollback_outcome_clear(&rb);
	snap_check(root, &s1);

	/* Nothing after 1 is left to undo. */
	assert_int_equal(rollback(root, 1, false, &rb), -ENOENT);
	rollback_outcome_clear(&rb);
	assert_int_equal(rollback(root, 0, false, &rb), 0);
	assert_int_equal(rb.nundone, 1);
	assert_int_equal(rb.undone[0]->number, 1);
	rollback_outcome_clear(&rb);
	snap_check(root, &s0);
	assert_false(exists(root, FRAG));
	assert_int_equal(apply_history_read(root, &h), 0);
	assert_int_equal(h.n, 3);
	for (size_t i = 0; i < h.n; i++)
		assert_true(h.txns[i]->rolled_back);
	apply_history_clear(&h);
	assert_int_equal(rollback(root, -1, false, &rb), -ENOENT);
	rollback_outcome_clear(&rb);
	tree_free(root);
}

/* rm ROOT/path. */
static void
tree_unlink(const char *root, const char *path)
{
	char full[PATH_MAX];

	assert_true(snprintf(full, sizeof full, "%s%s", root, path) < (int)sizeof full);
	assert_int_equal(unlink(full), 0);
}

/* A file edited since its apply: the whole rollback is refused before
   anything changes, naming the file and line; --force restores it. */
static void
test_rollback_refuses(void **state)
{
	static const char conf1[] = "a = 1\n# net.ipv4.tcp_fin_timeout = 45\n";
	struct snap s0, s1, s2, now;
	struct rollback_outcome rb;
	struct apply_txn *t;
	char *root;

	(void)state;
	root = three_applies(&s0, &s1, &s2);
	snap_free(&s1);

	/* sysctl.conf, last written by 3, with a line added by hand. */
	tree_write(root, "etc/sysctl.conf", "# a = 1\nnet.ipv4.tcp_fin_timeout = 10\n");
	snap_take(root, &now);
	assert_int_equal(rollback(root, -1, false, &rb), -ESTALE);
	assert_int_equal(rb.conflict.kind, CONFLICT_EDITED);
	assert_int_equal(rb.conflict.txn, 3);
	assert_string_equal(rb.conflict.path, SYSCTL_CONF);
	assert_int_equal(rb.conflict.line, 2);
	rollback_outcome_clear(&rb);
	snap_check(root, &now);
	t = txn_read(root, 3);
	assert_false(t->rolled_back);
	apply_txn_free(t);

	/* The mask, which 3 removed, exists again. */
	tree_write(root, "etc/sysctl.conf", "# a = 1\n");
	tree_write(root, "etc/sysctl.d/50-vendor.conf", "new\n");
	assert_int_equal(rollback(root, -1, false, &rb), -ESTALE);
	assert_int_equal(rb.conflict.kind, CONFLICT_CREATED);
	assert_string_equal(rb.conflict.path, MASK);
	assert_int_equal(rb.conflict.line, 0);
	rollback_outcome_clear(&rb);
	tree_unlink(root, MASK);
	assert_int_equal(rollback(root, -1, false, &rb), 0);
	rollback_outcome_clear(&rb);
	snap_check(root, &s2);

	/* Undoing 2 would be fine, 1 is not (sysctl.conf, which only 1
	   wrote, edited on line 1): nothing at all is undone. */
	tree_write(root, "etc/sysctl.conf", "a = 2\n# net.ipv4.tcp_fin_timeout = 45\n");
	snap_take(root, &now);
	assert_int_equal(rollback(root, 0, false, &rb), -ESTALE);
	assert_int_equal(rb.conflict.kind, CONFLICT_EDITED);
	assert_int_equal(rb.conflict.txn, 1);
	assert_int_equal(rb.conflict.line, 1);
	rollback_outcome_clear(&rb);
	snap_check(root, &now);
	t = txn_read(root, 2);
	assert_false(t->rolled_back);
	apply_txn_free(t);

	/* The fragment, written by 2, removed by hand. */
	tree_write(root, "etc/sysctl.conf", conf1);
	tree_unlink(root, FRAG);
	assert_int_equal(rollback(root, 0, false, &rb), -ESTALE);
	assert_int_equal(rb.conflict.kind, CONFLICT_REMOVED);
	assert_int_equal(rb.conflict.txn, 2);
	assert_string_equal(rb.conflict.path, FRAG);
	rollback_outcome_clear(&rb);

	/* --force: the state before apply 1 all the same. */
	tree_write(root, "etc/sysctl.conf", "edited\n");
	assert_int_equal(rollback(root, 0, true, &rb), 0);
	assert_int_equal(rb.nundone, 2);
	assert_int_equal(rb.nfiles, 4);
	assert_true(rb.files[0].forced);
	assert_int_equal(rb.files[0].action, ROLLBACK_RESTORED);
	assert_int_equal(rb.files[1].action, ROLLBACK_REMOVED);
	assert_false(rb.files[2].forced);
	assert_int_equal(rb.files[2].action, ROLLBACK_REMOVED);
	assert_true(rb.files[3].forced);
	assert_int_equal(rb.files[3].action, ROLLBACK_RESTORED);
	rollback_outcome_clear(&rb);
	snap_check(root, &s0);
	tree_free(root);
}

/* An old journal.json: listed as the next number, moved into the history
   by the next apply, and rolled back like any other transaction. */
static void
test_legacy_journal(void **state)
{
	static const char journal[] =
	    "{\"schema_version\": 1, \"tool_version\": \"0.0.9\", \"profile\": \"old\","
	    " \"time\": 1600000000, \"fragment\": {\"path\": \"" FRAG "\","
	    " \"existed\": true, \"content\": \"# old\\n\"}, \"live\": [{\"key\":"
	    " \"net.core.somaxconn\", \"before\": \"4096\", \"after\": \"2048\"}]}\n";
	struct apply_history h;
	struct rollback_outcome rb;
	struct apply_txn *t;
	struct fixture f;
	char *root = root_618();

	(void)state;
	tree_write(root, "etc/sysctl.d/90-tcpadvise.conf", "# written by 0.0.9\n");
	tree_sysctl(root, "net.core.somaxconn", "2048");
	tree_write(root, "var/lib/tcpadvise/journal.json", journal);
	assert_int_equal(apply_history_read(root, &h), 0);
	assert_int_equal(h.n, 1);
	assert_true(h.legacy);
	assert_int_equal(h.txns[0]->number, 1);
	assert_string_equal(h.txns[0]->profile, "old");
	assert_int_equal(h.txns[0]->time, 1600000000);
	assert_string_equal(h.txns[0]->files[0].before, "# old\n");
	assert_string_equal(h.txns[0]->files[0].after, "# written by 0.0.9\n");
	apply_history_clear(&h);

	/* Moved into the history; a crash before journal.json was removed
	   leaves both: the next apply recognises it and only removes it. */
	assert_int_equal(migrate_legacy(root, &h), 0);
	assert_false(exists(root, APPLY_LEGACY_JOURNAL_PATH));
	tree_write(root, "var/lib/tcpadvise/journal.json", journal);
	assert_int_equal(do_apply(root, yaml30, NULL), 2);
	assert_false(exists(root, APPLY_LEGACY_JOURNAL_PATH));
	assert_false(exists(root, APPLY_HISTORY_DIR "/3.json"));
	t = txn_read(root, 1);
	assert_string_equal(t->profile, "old");
	assert_string_equal(t->tool_version, "0.0.9");
	assert_string_equal(t->files[0].after, "# written by 0.0.9\n");
	assert_string_equal(t->live[0].after, "2048");
	apply_txn_free(t);
	assert_int_equal(rollback(root, -1, false, &rb), 0);
	assert_int_equal(rb.undone[0]->number, 2);
	rollback_outcome_clear(&rb);
	assert_bytes(root, FRAG, "# written by 0.0.9\n");

	assert_int_equal(rollback(root, 0, false, &rb), 0);
	assert_int_equal(rb.undone[0]->number, 1);
	rollback_outcome_clear(&rb);
	assert_bytes(root, FRAG, "# old\n");
	assert_live(root, "net.core.somaxconn", "4096");

	/* A journal that does not parse stops an apply before any change. */
	tree_write(root, "var/lib/tcpadvise/journal.json", "{}\n");
	fixture_init(&f, root, yaml30);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), -EBADMSG);
	assert_int_equal(f.out.stage, STAGE_JOURNAL);
	assert_string_equal(f.out.journal, APPLY_LEGACY_JOURNAL_PATH);
	assert_bytes(root, FRAG, "# old\n");
	assert_live(root, "net.ipv4.tcp_fin_timeout", "60");
	fixture_clear(&f);
	assert_int_equal(rollback(root, -1, false, &rb), -EBADMSG);
	assert_string_equal(rb.history.failed_path, APPLY_LEGACY_JOURNAL_PATH);
	rollback_outcome_clear(&rb);
	tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_timeout_parse),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_commit_and_rollback),
		cmocka_unit_test(test_idempotent_no_txn),
		cmocka_unit_test(test_failure_third_key),
		cmocka_unit_test(test_failure_readback),
		cmocka_unit_test(test_failure_fragment),
		cmocka_unit_test(test_failure_third_file),
		cmocka_unit_test(test_modes_and_remove),
		cmocka_unit_test(test_rollback_failure),
		cmocka_unit_test(test_path_plain),
		cmocka_unit_test(test_txn_roundtrip),
		cmocka_unit_test(test_txn_parse_bad),
		cmocka_unit_test(test_txn_confirm),
		cmocka_unit_test(test_numbering),
		cmocka_unit_test(test_rollback_to),
		cmocka_unit_test(test_rollback_refuses),
		cmocka_unit_test(test_legacy_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
