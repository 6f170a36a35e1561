/*
 * Unit tests of src/system/snapshot.c: reading a fake root (kernel release,
 * network namespace, live values, what each applier would persist,
 * defaults).
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "snapshot.c"
#include "tree.h"

/* An init-netns root of a 6.18 host with a few keys. */
static char *
modern_root(void)
{
	char *root = tree_new();

	tree_sysctl(root, "kernel.osrelease", "6.18.44-test");
	tree_sysctl(root, "net.core.netdev_max_backlog", "1000");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.ipv4.tcp_ehash_entries", "262144");
	tree_sysctl(root, "net.ipv4.tcp_fin_timeout", "30");
	tree_sysctl(root, "net.ipv4.tcp_tw_reuse", "2");
	tree_sysctl(root, "net.ipv4.tcp_syncookies", "1");
	tree_write(root, "etc/sysctl.conf", "net.ipv4.tcp_fin_timeout = 30\n");
	return root;
}

static void
test_modern(void **state)
{
	char *root = modern_root();
	struct snapshot *s = NULL;
	const struct snapshot_key *k;

	(void)state;
	tree_write(root, "etc/sysctl.d/10-a.conf", "net.core.somaxconn=1024\n"
	    "net.ipv4.tcp_tw_recycle = 1\nnet.ipv4.tcp_nonexistent = 3\n");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_string_equal(s->kernel_release, "6.18.44-test");
	assert_int_equal(s->host.kernel.major, 6);
	assert_int_equal(s->host.kernel.minor, 18);
	assert_false(s->kernel_overridden);
	assert_false(s->netns_child);
	assert_int_equal(s->host.ehash_entries, 262144);
	assert_int_equal(s->boot, APPLIER_PROCPS);

	k = snapshot_key(s, "net.ipv4.tcp_fin_timeout");
	assert_non_null(k);
	assert_int_equal(k->status, LIVE_OK);
	assert_string_equal(k->live, "30");
	assert_true(k->live_ok);
	assert_int_equal(k->live_value.field[0], 30);
	assert_non_null(k->eff[APPLIER_PROCPS].line);
	assert_string_equal(k->eff[APPLIER_PROCPS].line->value, "30");
	/* No 99-sysctl.conf symlink: systemd-sysctl never reads sysctl.conf. */
	assert_null(k->eff[APPLIER_SYSTEMD].line);
	assert_true(k->persisted_ok);
	assert_true(k->has_default);
	assert_string_equal(k->dflt, "60");

	k = snapshot_key(s, "net.core.somaxconn");
	assert_string_equal(k->eff[APPLIER_SYSTEMD].line->value, "1024");
	assert_int_equal(k->persisted_value.field[0], 1024);
	assert_string_equal(k->dflt, "4096");

	/* A removed key: absent live, but persisted by a file. */
	k = snapshot_key(s, "net.ipv4.tcp_tw_recycle");
	assert_int_equal(k->status, LIVE_ABSENT);
	assert_null(k->live);
	assert_non_null(k->eff[APPLIER_PROCPS].line);
	assert_false(k->has_default);

	/* A key not in the catalog is looked up below /proc/sys. */
	assert_int_equal(s->nothers, 1);
	assert_string_equal(s->others[0].key, "net.ipv4.tcp_nonexistent");
	assert_false(s->others[0].exists);

	assert_null(snapshot_key(s, "net.ipv4.no_such_key_in_catalog"));
	snapshot_free(s);
	tree_free(root);
}

static void
test_vector_and_override(void **state)
{
	char *root = modern_root();
	struct snapshot *s = NULL;
	const struct snapshot_key *k;

	(void)state;
	tree_sysctl(root, "net.ipv4.ip_local_port_range", "32768\t60999");
	assert_int_equal(snapshot_take(root, "5.3", &s), 0);
	assert_true(s->kernel_overridden);
	assert_string_equal(s->kernel_release, "5.3");
	k = snapshot_key(s, "net.ipv4.ip_local_port_range");
	assert_string_equal(k->live, "32768 60999");	/* tab folded */
	assert_int_equal(k->live_value.nfields, 2);
	assert_int_equal(k->live_value.field[1], 60999);
	/* Defaults follow --kernel: somaxconn was 128 before 5.4. */
	assert_string_equal(snapshot_key(s, "net.core.somaxconn")->dflt, "128");
	snapshot_free(s);

	assert_int_equal(snapshot_take(root, "six", &s), -EINVAL);
	tree_free(root);
}

static void
test_child_netns_and_systemd(void **state)
{
	char *root = tree_new();
	struct snapshot *s = NULL;
	char buf[128];
	const struct snapshot_key *k;

	(void)state;
	tree_sysctl(root, "kernel.osrelease", "6.18.0");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.ipv4.tcp_ehash_entries", "-262144");
	tree_write(root, "run/systemd/system/.keep", "");
	tree_write(root, "etc/sysctl.d/60-net.conf", "net.core.netdev_max_backlog = 16384\n");
	tree_write(root, "proc/cmdline", "ro sysctl.net.core.somaxconn=1024\n");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_true(s->netns_child);
	/* The host's command line does not reach a child's keys. */
	assert_null(s->cmdline);
	assert_int_equal(s->boot, APPLIER_SYSTEMD);
	/* Negative in a child that shares the host's table. */
	assert_int_equal(s->host.ehash_entries, 262144);
	k = snapshot_key(s, "net.core.netdev_max_backlog");
	assert_int_equal(k->status, LIVE_HIDDEN);
	assert_string_equal(snapshot_status_text(k, buf, sizeof buf),
	    "global key, not visible in this network namespace");
	assert_non_null(k->eff[APPLIER_SYSTEMD].line);
	snapshot_free(s);
	tree_free(root);
}

/* A root that does not exist, or whose /proc/sys has no net: nothing to
   audit. */
static void
test_no_proc(void **state)
{
	char *root = tree_new(), missing[PATH_MAX];
	struct snapshot *s = NULL;

	(void)state;
	snprintf(missing, sizeof missing, "%s/none", root);
	assert_int_equal(snapshot_take(missing, "5.10", &s), -ENOENT);
	assert_null(s);
	tree_sysctl(root, "kernel.osrelease", "6.18.44");
	assert_int_equal(snapshot_take(root, NULL, &s), -ENOENT);
	assert_null(s);
	assert_false(snapshot_root_is_image(root));
	assert_false(snapshot_root_is_image("/"));
	tree_free(root);
}

/* An image (no /proc/sys) whose files set tcp_tw_recycle and
   tcp_max_tw_buckets, and carry no kernel; *state is its root. */
static int
image_setup(void **state)
{
	char *root = tree_new();

	tree_write(root, "etc/sysctl.conf", "net.ipv4.tcp_tw_recycle = 1\n"
	    "net.ipv4.tcp_max_tw_buckets = 5000\n");
	*state = root;
	return 0;
}

static int
image_teardown(void **state)
{
	tree_free(*state);
	return 0;
}

/*
 * An image judged for the release --kernel names: keys available by that
 * release and never live, memory unknown until assumed; without
 * --kernel and without a kernel in the image, no snapshot.
 */
static void
test_offline_kernel(void **state)
{
	const char *root = *state;
	struct snapshot *s = NULL;
	const struct snapshot_key *k;

	assert_true(snapshot_root_is_image(root));
	assert_int_equal(snapshot_take(root, NULL, &s), -ENODATA);
	assert_null(s);

	/* 4.9 has tcp_tw_recycle, 5.10 does not. */
	assert_int_equal(snapshot_take(root, "4.9", &s), 0);
	assert_true(s->offline && s->files_only && !s->others_probed && !s->netns_child);
	assert_string_equal(s->kernel_from, "--kernel");
	k = snapshot_key(s, "net.ipv4.tcp_tw_recycle");
	assert_int_equal(k->status, LIVE_UNAVAILABLE);
	assert_null(k->live);
	assert_true(k->persisted_ok && k->persisted_value.field[0] == 1);
	assert_null(s->mem_from);
	assert_int_equal(s->boot, APPLIER_PROCPS);	/* no init in the image */
	k = snapshot_key(s, "net.ipv4.tcp_max_tw_buckets");
	assert_false(k->has_default);
	assert_int_equal(snapshot_assume_memory(s, 4LL << 30), 0);
	assert_string_equal(s->mem_from, "--memory");
	assert_true(s->ehash_from_memory);
	assert_true(s->host.ehash_entries == 32768);
	assert_true(k->has_default);
	assert_string_equal(k->dflt, "16384");
	assert_int_equal(snapshot_assume_memory(s, 0), -EINVAL);
	s = snapshot_free(s);
	assert_int_equal(snapshot_take(root, "5.10", &s), 0);
	assert_int_equal(snapshot_key(s, "net.ipv4.tcp_tw_recycle")->status, LIVE_ABSENT);
	assert_false(s->facts.config_known);
	snapshot_free(s);
}

/* The release the image carries, and its build for a shorter --kernel;
   two releases leave the choice to --kernel. */
static void
test_offline_image_kernel(void **state)
{
	const char *root = *state;
	static const struct {
		const char *kernel;
		bool build;
	} builds[] = { { "5.10", true }, { "5.10.0", true }, { "5.1", false } };
	struct snapshot *s = NULL;

	tree_write(root, "lib/modules/5.10.0-20-amd64/modules.builtin",
	    "kernel/net/ipv4/tcp_cubic.ko\n");
	tree_write(root, "boot/config-5.10.0-20-amd64", "CONFIG_HZ=250\n");
	tree_write(root, "boot/vmlinuz-5.10.0-20-amd64", "");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_string_equal(s->kernel_release, "5.10.0-20-amd64");
	assert_string_equal(s->kernel_from, "/lib/modules/5.10.0-20-amd64");
	assert_true(s->facts.config_known && s->facts.hz == 250);
	s = snapshot_free(s);
	for (size_t i = 0; i < sizeof builds / sizeof builds[0]; i++) {
		assert_int_equal(snapshot_take(root, builds[i].kernel, &s), 0);
		assert_true(s->facts.config_known == builds[i].build);
		s = snapshot_free(s);
	}
	tree_write(root, "boot/config-6.1.0-13-amd64", "CONFIG_HZ=1000\n");
	assert_int_equal(snapshot_take(root, NULL, &s), -ENOTUNIQ);
	assert_null(s);
}

/* Which appliers run at boot, from the layout of the image. */
static void
test_boot_appliers(void **state)
{
	char *root;
	struct snapshot *s;
	char path[4096];

	(void)state;
	/* Debian 12 with systemd: procps.service is an alias, the SysV
	   script is not run. */
	root = tree_new();
	tree_sysctl(root, "kernel.osrelease", "6.1.0");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.core.netdev_max_backlog", "1000");
	tree_write(root, "etc/init.d/procps", "#!/bin/sh\nsysctl -q --system\n");
	tree_write(root, "lib/systemd/system/systemd-sysctl.service", "[Unit]\n");

	snprintf(path, sizeof path, "%s/sbin", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/sbin/init", root);
	assert_int_equal(symlink("/lib/systemd/systemd", path), 0);
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(s->boot, APPLIER_SYSTEMD);
	assert_int_equal(s->boot_appliers, 1u << APPLIER_SYSTEMD);
	s = snapshot_free(s);
	/* ... with rc.local calling sysctl: both, procps last. */
	tree_write(root, "etc/rc.local", "#!/bin/sh\nsysctl -p\n");
	snprintf(path, sizeof path, "%s/etc/rc.local", root);
	chmod(path, 0755);
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(s->boot, APPLIER_PROCPS);
	assert_int_equal(s->boot_appliers,
	    (1u << APPLIER_PROCPS) | (1u << APPLIER_SYSTEMD));
	s = snapshot_free(s);
	/* ... with systemd-sysctl masked and no rc.local: nothing. */
	unlink(path);
	tree_write(root, "etc/systemd/system/.keep", "");
	snprintf(path, sizeof path, "%s/etc/systemd/system/systemd-sysctl.service", root);
	assert_int_equal(symlink("/dev/null", path), 0);
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(s->boot_appliers, 0);
	assert_non_null(strstr(s->boot_how, "masked"));
	s = snapshot_free(s);
	tree_free(root);

	/* OpenRC (Alpine): init is not systemd, /etc/init.d/sysctl runs. */
	root = tree_new();
	tree_sysctl(root, "kernel.osrelease", "6.6.0");
	tree_sysctl(root, "net.core.somaxconn", "4096");
	tree_sysctl(root, "net.core.netdev_max_backlog", "1000");
	tree_write(root, "etc/init.d/sysctl", "#!/sbin/openrc-run\n");
	snprintf(path, sizeof path, "%s/sbin", root);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/sbin/init", root);
	assert_int_equal(symlink("/bin/busybox", path), 0);
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_int_equal(s->boot, APPLIER_PROCPS);
	assert_int_equal(s->boot_appliers, 1u << APPLIER_PROCPS);
	assert_non_null(strstr(s->boot_how, "init script"));
	s = snapshot_free(s);
	tree_free(root);
}

/*
 * sysctl.KEY=VALUE parameters of the kernel command line are the first
 * layer of what a reboot sets (Linux 5.8 and later); every file read at
 * boot overrides them. Keys may be written with '/' and quoted.
 */
static void
test_cmdline(void **state)
{
	char *root = modern_root();
	struct snapshot *s = NULL;
	const struct snapshot_key *k;
	const struct sysctld_file *f;

	(void)state;
	tree_write(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz ro quiet "
	    "sysctl.net.core.somaxconn=1024 \"sysctl.net/ipv4/tcp_tw_reuse=0\" "
	    "sysctl.net.ipv4.tcp_fin_timeout=5 sysctl.nokey sysctl.=3 "
	    "sysctl.net.ipv4.tcp_syncookies=0 -- sysctl.net.ipv4.tcp_sack=0\n");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_non_null(s->cmdline);
	f = &s->config->files[0];
	assert_int_equal(f->dir, SYSCTLD_CMDLINE);
	assert_string_equal(f->path, SYSCTLD_CMDLINE_PATH);
	assert_int_equal(f->nlines, 4);	/* malformed words, init's words skipped */

	/* Numbered by position on the command line; '/' spelling turned. */
	k = snapshot_key(s, "net.core.somaxconn");
	for (int a = 0; a < 2; a++) {
		assert_non_null(k->eff[a].line);
		assert_string_equal(k->eff[a].line->value, "1024");
		assert_int_equal(k->eff[a].line->lineno, 4);
	}
	assert_int_equal(k->persisted_value.field[0], 1024);
	k = snapshot_key(s, "net.ipv4.tcp_tw_reuse");
	assert_string_equal(k->eff[APPLIER_PROCPS].line->value, "0");
	assert_int_equal(k->eff[APPLIER_PROCPS].line->lineno, 5);
	/* /etc/sysctl.conf is read after the kernel applied the parameter. */
	k = snapshot_key(s, "net.ipv4.tcp_fin_timeout");
	assert_string_equal(k->eff[APPLIER_PROCPS].line->value, "30");
	assert_string_equal(sysctld_line_file(s->config, k->eff[APPLIER_PROCPS].line),
	    "/etc/sysctl.conf");
	/* systemd-sysctl skips sysctl.conf here, so the parameter stands. */
	assert_string_equal(k->eff[APPLIER_SYSTEMD].line->value, "5");
	snapshot_free(s);

	/* Before 5.8 the kernel ignored them. */
	assert_int_equal(snapshot_take(root, "5.4", &s), 0);
	assert_null(s->cmdline);
	assert_int_equal(s->config->files[0].dir, SYSCTLD_NDIRS);
	snapshot_free(s);

	/* A command line without sysctl parameters adds nothing. */
	tree_write(root, "proc/cmdline", "ro quiet sysctlx=1\n");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_null(s->cmdline);
	for (size_t i = 0; i < s->config->nfiles; i++)
		assert_int_not_equal(s->config->files[i].dir, SYSCTLD_CMDLINE);
	snapshot_free(s);
	tree_free(root);
}

/* Programs that set keys at run time, where what runs shows it. */
static void
test_authors(void **state)
{
	char *root = modern_root();
	struct snapshot *s = NULL, *c = NULL;
	struct sysctld_config *cfg = NULL;
	const struct snapshot_key *k;

	(void)state;
	tree_write(root, "proc/812/comm", "tuned\n");
	tree_write(root, "proc/900/comm", "kube-proxy\n");
	tree_write(root, "proc/self/comm", "tuned\n");	/* not a pid: skipped */
	tree_write(root, "etc/tuned/active_profile", "site\n");
	tree_write(root, "etc/tuned/site/tuned.conf", "[main]\ninclude = base\n"
	    "[sysctl]\nnet.ipv4.tcp_fin_timeout=10\n# net.ipv4.tcp_tw_reuse=1\n"
	    "[vm]\nnet.ipv4.tcp_syncookies=0\n");
	tree_write(root, "usr/lib/tuned/base/tuned.conf",
	    "[sysctl]\nnet/core/somaxconn = 2048\n");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	k = snapshot_key(s, "net.ipv4.tcp_fin_timeout");
	assert_non_null(k->author);
	assert_string_equal(k->author, "tuned (profile 'site', pid 812)");
	k = snapshot_key(s, "net.core.somaxconn");	/* from the included profile */
	assert_string_equal(k->author, "tuned (profile 'site', pid 812)");
	assert_null(snapshot_key(s, "net.ipv4.tcp_tw_reuse")->author);
	assert_null(snapshot_key(s, "net.ipv4.tcp_syncookies")->author);
	assert_string_equal(snapshot_key(s, "net.netfilter.nf_conntrack_max")->author,
	    "kube-proxy (pid 900)");
	/* A simulated system keeps them. */
	assert_int_equal(sysctld_load(root, &cfg), 0);
	assert_int_equal(snapshot_simulate(s, cfg, NULL, NULL, 0, &c), 0);
	assert_string_equal(snapshot_key(c, "net.ipv4.tcp_fin_timeout")->author,
	    "tuned (profile 'site', pid 812)");
	snapshot_free(c);
	snapshot_free(s);

	/* Not running: no author, whatever the files say. */
	tree_write(root, "proc/812/comm", "bash\n");
	tree_write(root, "proc/900/comm", "sh\n");
	assert_int_equal(snapshot_take(root, NULL, &s), 0);
	assert_null(snapshot_key(s, "net.ipv4.tcp_fin_timeout")->author);
	assert_null(snapshot_key(s, "net.netfilter.nf_conntrack_max")->author);
	snapshot_free(s);
	tree_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_appliers),
		cmocka_unit_test(test_modern),
		cmocka_unit_test(test_vector_and_override),
		cmocka_unit_test(test_child_netns_and_systemd),
		cmocka_unit_test(test_no_proc),
		cmocka_unit_test_setup_teardown(test_offline_kernel, image_setup,
		    image_teardown),
		cmocka_unit_test_setup_teardown(test_offline_image_kernel, image_setup,
		    image_teardown),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_authors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
