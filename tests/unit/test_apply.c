/*
 * Unit tests of src/apply.c: the lock timeout and its parsing, the plan,
 * the live transaction against a fake ROOT/proc/sys of plain files (a
 * failure on the third key restores the first two; a value the kernel does
 * not keep; a fragment that cannot be written restores the live keys), the
 * journal, and rollback of both live values and the fragment.
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

#include "../../src/apply.c"
#include "testprofile.h"
#include "tree.h"

#define FRAG "/etc/sysctl.d/90-tcpadvise.conf"

static char *
root_618(void)
{
	char *root = tree_new();

	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	tree_sysctl(root, "net.core.netdev_max_backlog", "1000");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.ipv4.ip_local_port_range", "32768\t60999");
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "60");
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

/* Everything one apply needs, set up on root. */
struct fixture {
	char *root;
	struct profile *p;
	struct snapshot *s;
	char *text;
	struct apply_plan plan;
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
	f->rq.root = root;
	f->rq.profile = f->p->name;
	f->rq.frag_path = FRAG;
	f->rq.frag_text = f->text;
	f->rq.live = true;
	f->rq.now = 1700000000;
	assert_int_equal(make_state_dir(root), 0);
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
	struct apply_journal *j = NULL;
	struct rollback_outcome rb;
	char *text = NULL;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	tree_write(f.root, "etc/sysctl.d/90-tcpadvise.conf", "# old\n");
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_true(f.out.changed);
	assert_true(f.out.frag_existed);
	assert_string_equal(f.out.frag_before, "# old\n");
	assert_int_equal(f.out.nlive, 4);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_live(f.root, "net.core.somaxconn", "8192");
	assert_live(f.root, "net.ipv4.ip_local_port_range", "10000 65535");
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "30");
	assert_live(f.root, "net.ipv4.tcp_tw_reuse", "1");
	assert_int_equal(fragment_read(f.root, FRAG, &text), 0);
	assert_string_equal(text, f.text);
	free(text);

	/* The journal: the state before. */
	assert_int_equal(apply_journal_read(f.root, &j), 0);
	assert_string_equal(j->profile, "t");
	assert_string_equal(j->tool_version, TCPADVISE_VERSION);
	assert_int_equal(j->time, 1700000000);
	assert_string_equal(j->frag_path, FRAG);
	assert_true(j->frag_existed);
	assert_string_equal(j->frag_content, "# old\n");
	assert_int_equal(j->nlive, 4);
	assert_string_equal(j->live[1].key, "net.ipv4.ip_local_port_range");
	assert_string_equal(j->live[1].before, "32768 60999");
	assert_string_equal(j->live[1].after, "10000 65535");
	j = apply_journal_free(j);
	assert_null(j);

	/* Rollback: live values and the fragment come back, once. */
	memset(&rb, 0, sizeof rb);
	tree_sysctl(f.root, "net.ipv4.tcp_tw_reuse", "2");	/* already back */
	assert_int_equal(apply_rollback(f.root, false, &rb), 0);
	assert_int_equal(rb.nkeys, 4);
	assert_int_equal(rb.nchanged, 3);
	assert_false(rb.keys[3].changed);
	assert_string_equal(rb.keys[0].now, "8192");
	assert_string_equal(rb.keys[0].to, "4096");
	assert_true(rb.frag_changed);
	assert_false(rb.frag_removed);
	rollback_outcome_clear(&rb);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_live(f.root, "net.ipv4.ip_local_port_range", "32768 60999");
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "60");
	assert_int_equal(fragment_read(f.root, FRAG, &text), 0);
	assert_string_equal(text, "# old\n");
	free(text);
	assert_false(exists(f.root, APPLY_JOURNAL_PATH));
	assert_int_equal(apply_rollback(f.root, false, &rb), -ENOENT);
	rollback_outcome_clear(&rb);
	rollback_outcome_clear(NULL);
	fixture_clear(&f);
	tree_free(f.root);
}

/* Files besides the fragment: written in the transaction, journaled with
   their bytes, refused by rollback when edited since, unless forced. */
static void
test_files_and_stale(void **state)
{
	static const char conf[] = "a = 1\r\nnet.ipv4.tcp_fin_timeout = 5\nlast";
	struct fixture f;
	struct apply_file files[2];
	struct apply_journal *j = NULL;
	struct rollback_outcome rb;
	char *text = NULL;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	tree_write(f.root, "etc/sysctl.conf", conf);
	files[0].path = "/etc/sysctl.conf";
	files[0].text = "a = 1\r\n# disabled by tcpadvise (TA-H004): "
	    "net.ipv4.tcp_fin_timeout = 5\nlast";
	files[1].path = "/etc/sysctl.d/50-vendor.conf";	/* a new mask */
	files[1].text = "# masked\n";
	f.rq.files = files;
	f.rq.nfiles = 2;
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_true(f.out.files_changed[0]);
	assert_true(f.out.files_changed[1]);
	assert_null(f.out.files_before[1]);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(fragment_read(f.root, "/etc/sysctl.conf", &text), 0);
	assert_string_equal(text, files[0].text);
	free(text);
	assert_true(exists(f.root, "/etc/sysctl.d/50-vendor.conf"));
	assert_int_equal(apply_journal_read(f.root, &j), 0);
	assert_int_equal(j->nfiles, 2);
	assert_string_equal(j->files[0].before, conf);
	assert_string_equal(j->files[0].after, files[0].text);
	assert_false(j->files[1].existed);
	assert_null(j->files[1].before);
	assert_string_equal(j->frag_after, f.text);
	j = apply_journal_free(j);

	/* Edited since: refused before anything changes, naming the line. */
	tree_write(f.root, "etc/sysctl.conf", "a = 1\r\nnet.ipv4.tcp_fin_timeout = 7\nlast");
	memset(&rb, 0, sizeof rb);
	assert_int_equal(apply_rollback(f.root, false, &rb), -ESTALE);
	assert_string_equal(rb.stale, "/etc/sysctl.conf");
	assert_int_equal(rb.stale_line, 2);
	assert_int_equal(rb.nchanged, 0);
	rollback_outcome_clear(&rb);
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "30");
	assert_true(exists(f.root, APPLY_JOURNAL_PATH));
	/* The fragment edited since is refused too. */
	tree_write(f.root, "etc/sysctl.conf", files[0].text);
	tree_write(f.root, "etc/sysctl.d/90-tcpadvise.conf", "# by hand\n");
	memset(&rb, 0, sizeof rb);
	assert_int_equal(apply_rollback(f.root, false, &rb), -ESTALE);
	assert_string_equal(rb.stale, FRAG);
	assert_int_equal(rb.stale_line, 1);
	rollback_outcome_clear(&rb);

	/* Forced: everything back byte for byte, the new file removed. */
	memset(&rb, 0, sizeof rb);
	assert_int_equal(apply_rollback(f.root, true, &rb), 0);
	assert_int_equal(rb.nfiles_changed, 2);
	rollback_outcome_clear(&rb);
	assert_int_equal(fragment_read(f.root, "/etc/sysctl.conf", &text), 0);
	assert_string_equal(text, conf);
	free(text);
	assert_false(exists(f.root, "/etc/sysctl.d/50-vendor.conf"));
	assert_false(exists(f.root, FRAG));
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "60");
	fixture_clear(&f);
	tree_free(f.root);
}

static void
test_idempotent_no_journal(void **state)
{
	struct fixture f;
	char *old = NULL;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(fragment_read(f.root, APPLY_JOURNAL_PATH, &old), 0);
	fixture_clear(&f);

	/* Second apply: nothing to change, the journal stays as it was. */
	fixture_init(&f, f.root, yaml);
	assert_int_equal(apply_plan_count(&f.plan, APPLY_CHANGE), 0);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_false(f.out.changed);
	assert_false(f.out.frag_changed);
	tree_write(f.root, "var/lib/tcpadvise/journal.json", "sentinel\n");
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	{
		char *now = NULL;

		assert_int_equal(fragment_read(f.root, APPLY_JOURNAL_PATH, &now), 0);
		assert_string_equal(now, "sentinel\n");
		free(now);
	}
	free(old);
	fixture_clear(&f);
	tree_free(f.root);
}

/* The third key that changes fails: the two before it are restored. */
static void
test_failure_third_key(void **state)
{
	struct fixture f;
	char path[PATH_MAX], *text = NULL;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	tree_write(f.root, "var/lib/tcpadvise/journal.json", "previous\n");
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
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_live(f.root, "net.ipv4.ip_local_port_range", "32768 60999");
	assert_live(f.root, "net.ipv4.tcp_tw_reuse", "2");
	/* Fragment untouched, previous journal back. */
	assert_false(exists(f.root, FRAG));
	assert_int_equal(fragment_read(f.root, APPLY_JOURNAL_PATH, &text), 0);
	assert_string_equal(text, "previous\n");
	free(text);
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
	/* Restoring the failed key cannot stick either. */
	assert_int_equal(f.out.restore_failed, 1);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_false(exists(f.root, APPLY_JOURNAL_PATH));
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
	assert_int_equal(f.out.stage, STAGE_FRAGMENT);
	assert_int_equal(f.out.error, -ELOOP);
	assert_int_equal(f.out.restored, 4);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "60");
	assert_false(exists(f.root, APPLY_JOURNAL_PATH));
	fixture_clear(&f);

	/* Found by apply_prepare() already when it is there first. */
	fixture_init(&f, f.root, yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), -ELOOP);
	assert_int_equal(f.out.stage, STAGE_FRAGMENT_READ);
	fixture_clear(&f);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof path, "%s/etc/sysctl.d/README", f.root);
	assert_int_equal(unlink(path), 0);
	snprintf(path, sizeof path, "%s/etc/sysctl.d", f.root);
	assert_int_equal(rmdir(path), 0);
	fixture_init(&f, f.root, yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), -ENOENT);
	assert_int_equal(f.out.stage, STAGE_FRAGMENT_DIR);
	fixture_clear(&f);
	tree_free(f.root);
}

/* --persist-only and --live-only; rollback removes a fragment it created. */
static void
test_modes_and_remove(void **state)
{
	struct fixture f;
	struct rollback_outcome rb;
	struct apply_journal *j = NULL;

	(void)state;
	fixture_init(&f, root_618(), yaml);
	f.rq.live = false;
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(f.out.nlive, 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_true(exists(f.root, FRAG));
	assert_int_equal(apply_journal_read(f.root, &j), 0);
	assert_int_equal(j->nlive, 0);
	assert_false(j->frag_existed);
	assert_null(j->frag_content);
	apply_journal_free(j);
	memset(&rb, 0, sizeof rb);
	assert_int_equal(apply_rollback(f.root, false, &rb), 0);
	assert_true(rb.frag_removed);
	rollback_outcome_clear(&rb);
	assert_false(exists(f.root, FRAG));
	fixture_clear(&f);

	fixture_init(&f, f.root, yaml);
	f.rq.frag_path = NULL;
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	assert_live(f.root, "net.core.somaxconn", "8192");
	assert_false(exists(f.root, FRAG));
	assert_int_equal(apply_journal_read(f.root, &j), 0);
	assert_null(j->frag_path);
	assert_int_equal(j->nlive, 4);
	apply_journal_free(j);
	fixture_clear(&f);
	tree_free(f.root);
}

/* Rollback goes on past a key it cannot restore and keeps the journal. */
static void
test_rollback_failure(void **state)
{
	struct fixture f;
	struct rollback_outcome rb;
	char path[PATH_MAX];

	(void)state;
	fixture_init(&f, root_618(), yaml);
	assert_int_equal(apply_prepare(&f.rq, &f.plan, &f.out), 0);
	assert_int_equal(apply_commit(&f.rq, &f.plan, &f.out), 0);
	snprintf(path, sizeof path, "%s/proc/sys/net/ipv4/ip_local_port_range", f.root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	memset(&rb, 0, sizeof rb);
	assert_int_equal(apply_rollback(f.root, false, &rb), -EIO);
	assert_non_null(rb.failed);
	assert_string_equal(rb.failed->key, "net.ipv4.ip_local_port_range");
	assert_int_equal(rb.failed->error, -EISDIR);
	rollback_outcome_clear(&rb);
	assert_live(f.root, "net.core.somaxconn", "4096");
	assert_live(f.root, "net.ipv4.tcp_fin_timeout", "60");
	assert_false(exists(f.root, FRAG));
	assert_true(exists(f.root, APPLY_JOURNAL_PATH));
	fixture_clear(&f);
	tree_free(f.root);
}

static void
test_journal_parse(void **state)
{
	static const char *const bad[] = {
		"", "[]", "{}", "not json",
		"{\"schema_version\":2,\"tool_version\":\"x\",\"profile\":\"p\",\"time\":1,"
		"\"fragment\":null,\"live\":[]}",
		"{\"schema_version\":1,\"tool_version\":\"x\",\"profile\":\"p\",\"time\":\"1\","
		"\"fragment\":null,\"live\":[]}",
		"{\"schema_version\":1,\"tool_version\":\"x\",\"profile\":\"p\",\"time\":1,"
		"\"fragment\":{\"path\":\"rel\",\"existed\":false,\"content\":null},\"live\":[]}",
		"{\"schema_version\":1,\"tool_version\":\"x\",\"profile\":\"p\",\"time\":1,"
		"\"fragment\":{\"path\":\"/a\",\"existed\":true,\"content\":null},\"live\":[]}",
		"{\"schema_version\":1,\"tool_version\":\"x\",\"profile\":\"p\",\"time\":1,"
		"\"fragment\":null,\"live\":[{\"key\":\"../../etc/passwd\",\"before\":\"1\","
		"\"after\":\"2\"}]}",
		"{\"schema_version\":1,\"tool_version\":\"x\",\"profile\":\"p\",\"time\":1,"
		"\"fragment\":null,\"live\":[{\"key\":\"net.core.somaxconn\",\"before\":1,"
		"\"after\":\"2\"}]}",
	};
	struct apply_journal in, *out = NULL;
	struct journal_key k = { (char *)(uintptr_t)"net.core.somaxconn",
	    (char *)(uintptr_t)"4096", (char *)(uintptr_t)"8192" };
	char *text = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(apply_journal_parse(bad[i], &out), -EBADMSG);
	memset(&in, 0, sizeof in);
	in.tool_version = (char *)(uintptr_t)"0.1.0";
	in.profile = (char *)(uintptr_t)"nginx";
	in.time = 42;
	in.frag_path = (char *)(uintptr_t)FRAG;
	in.frag_existed = true;
	in.frag_content = (char *)(uintptr_t)"a = \"1\"\n";
	in.live = &k;
	in.nlive = 1;
	assert_int_equal(apply_journal_format(&in, &text), 0);
	assert_non_null(strstr(text, "\"schema_version\": 1"));
	assert_int_equal(text[strlen(text) - 1], '\n');
	assert_int_equal(apply_journal_parse(text, &out), 0);
	assert_string_equal(out->profile, "nginx");
	assert_string_equal(out->frag_content, "a = \"1\"\n");
	assert_string_equal(out->live[0].after, "8192");
	assert_int_equal(out->time, 42);
	free(text);
	assert_null(apply_journal_free(out));
	assert_null(apply_journal_free(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_timeout_parse),
		cmocka_unit_test(test_lock),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_commit_and_rollback),
		cmocka_unit_test(test_files_and_stale),
		cmocka_unit_test(test_idempotent_no_journal),
		cmocka_unit_test(test_failure_third_key),
		cmocka_unit_test(test_failure_readback),
		cmocka_unit_test(test_failure_fragment),
		cmocka_unit_test(test_modes_and_remove),
		cmocka_unit_test(test_rollback_failure),
		cmocka_unit_test(test_journal_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
