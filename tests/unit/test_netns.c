/*
 * Unit tests of src/system/netns.c: who owns a cgroup path (the layouts of
 * Docker, containerd, CRI-O, Podman, Kubernetes' two cgroup drivers, LXC,
 * systemd-nspawn and plain units); the OCI config's linux.sysctl and pod
 * annotations; and discovery over a fixture tree whose ns/net files are
 * hard links (one inode, one namespace), with a Docker container, a pod,
 * a bound name and processes, checked against what netns.h promises.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "netns.c"
#include "tree.h"

#define DOCKER_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define POD_CID "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static void
owner_is(const char *path, const char *kind, const char *id, const char *pod)
{
	char *k = NULL, *i = NULL, *p = NULL;
	int r = netns_cgroup_owner(path, &k, &i, &p);

	if (kind == NULL && pod == NULL) {
		assert_int_equal(r, -ENOENT);
		assert_null(k);
		return;
	}
	assert_int_equal(r, 0);
	if (kind != NULL)
		assert_string_equal(k, kind);
	else
		assert_null(k);
	if (id != NULL)
		assert_string_equal(i, id);
	else
		assert_null(i);
	if (pod != NULL)
		assert_string_equal(p, pod);
	else
		assert_null(p);
	free(k);
	free(i);
	free(p);
}

static void
test_cgroup_owner(void **state)
{
	(void)state;
	/* Docker under systemd, and with the cgroupfs driver. */
	owner_is("/system.slice/docker-" DOCKER_ID ".scope", "docker", DOCKER_ID, NULL);
	owner_is("/docker/" DOCKER_ID, "docker", DOCKER_ID, NULL);
	/* Kubernetes, systemd driver: the pod's uid with dashes. */
	owner_is("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
	    "1f2e3d4c_5b6a_4789_8abc_def012345678.slice/cri-containerd-" POD_CID ".scope",
	    "containerd", POD_CID, "1f2e3d4c-5b6a-4789-8abc-def012345678");
	owner_is("/kubepods.slice/kubepods-pod1f2e3d4c_5b6a_4789_8abc_def012345678.slice/"
	    "crio-" POD_CID ".scope", "crio", POD_CID,
	    "1f2e3d4c-5b6a-4789-8abc-def012345678");
	/* cgroupfs driver: /kubepods/QOS/pod<uid>/<id>. */
	owner_is("/kubepods/burstable/pod1f2e3d4c-5b6a-4789-8abc-def012345678/" POD_CID,
	    "container", POD_CID, "1f2e3d4c-5b6a-4789-8abc-def012345678");
	owner_is("/machine.slice/libpod-" DOCKER_ID ".scope", "podman", DOCKER_ID, NULL);
	/* conmon is not the container. */
	owner_is("/machine.slice/libpod-conmon-" DOCKER_ID ".scope", NULL, NULL, NULL);
	owner_is("/lxc.payload.web1/init.scope", "lxc", "web1", NULL);
	owner_is("/lxc/web1", "lxc", "web1", NULL);
	owner_is("/machine.slice/machine-build\\x2dbox.scope/payload", "machine",
	    "build-box", NULL);
	/* A unit, when nothing says container. */
	owner_is("/system.slice/nginx.service", "unit", "nginx.service", NULL);
	owner_is("/system.slice/docker-" DOCKER_ID ".scope/nested.service", "docker",
	    DOCKER_ID, NULL);
	owner_is("/", NULL, NULL, NULL);
	owner_is("/user.slice/user-0.slice/session-4.scope", NULL, NULL, NULL);
	/* Too short an id is a name, not a container. */
	owner_is("/system.slice/docker-abc.scope", NULL, NULL, NULL);
}

static void
test_oci_parse(void **state)
{
	static const char cfg[] =
	    "{\"ociVersion\":\"1.0.2\",\"annotations\":{"
	    "\"io.kubernetes.cri.sandbox-name\":\"web-0\","
	    "\"io.kubernetes.cri.sandbox-namespace\":\"shop\"},"
	    "\"linux\":{\"sysctl\":{\"net.ipv4.tcp_fin_timeout\":\"30\","
	    "\"net/ipv4/ip_local_port_range\":\"1024 65000\","
	    "\"net.ipv4.bad\":7,\"net.ipv4.nl\":\"1\\n2\"}}}";
	static const char crio[] =
	    "{\"annotations\":{\"io.kubernetes.pod.name\":\"api-1\","
	    "\"io.kubernetes.pod.namespace\":\"default\"}}";
	char *lines = NULL, *pod = NULL;

	(void)state;
	assert_int_equal(netns_oci_parse(cfg, strlen(cfg), &lines, &pod), 0);
	/* Strings only, no newline: what the runtime would accept. */
	assert_string_equal(lines, "net.ipv4.tcp_fin_timeout = 30\n"
	    "net/ipv4/ip_local_port_range = 1024 65000\n");
	assert_string_equal(pod, "shop/web-0");
	free(lines);
	free(pod);
	assert_int_equal(netns_oci_parse(crio, strlen(crio), &lines, &pod), 0);
	assert_string_equal(lines, "");
	assert_string_equal(pod, "default/api-1");
	free(lines);
	free(pod);
	assert_int_equal(netns_oci_parse("[1]", 3, &lines, &pod), -EBADMSG);
	assert_int_equal(netns_oci_parse("{\"a\":", 5, &lines, &pod), -EBADMSG);
	assert_null(lines);
	assert_null(pod);
}

/* ROOT/proc/PID with its ns/net a hard link to ROOT/ns/NAME (the
   namespace's one inode), its cgroup and comm. */
static void
proc_in(const char *root, int pid, const char *ns, const char *cgroup, const char *comm)
{
	char a[PATH_MAX], b[PATH_MAX], rel[64];

	snprintf(rel, sizeof rel, "proc/%d/cgroup", pid);
	tree_write(root, rel, cgroup);
	snprintf(rel, sizeof rel, "proc/%d/comm", pid);
	tree_write(root, rel, comm);
	snprintf(a, sizeof a, "%s/ns/%s", root, ns);
	snprintf(b, sizeof b, "%s/proc/%d/ns/net", root, pid);
	tree_mkdirs(b);
	assert_int_equal(link(a, b), 0);
}

static const struct netns *
by_owner(const struct netns_list *l, const char *owner)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].owner, owner) == 0)
			return &l->items[i];
	return NULL;
}

static void
test_discover(void **state)
{
	char *root = tree_new();
	char a[PATH_MAX], b[PATH_MAX];
	struct netns_list l;
	const struct netns *ns;
	struct netns one;

	(void)state;
	tree_write(root, "ns/init", "");
	tree_write(root, "ns/docker", "");
	tree_write(root, "ns/pod", "");
	tree_write(root, "ns/lone", "");
	tree_write(root, "ns/named", "");
	tree_write(root, "ns/sleep2", "");
	proc_in(root, 1, "init", "0::/init.scope\n", "systemd\n");
	proc_in(root, 2, "init", "0::/\n", "kthreadd\n");
	proc_in(root, 300, "init", "0::/system.slice/sshd.service\n", "sshd\n");
	proc_in(root, 4242, "docker", "0::/system.slice/docker-" DOCKER_ID ".scope\n",
	    "nginx\n");
	proc_in(root, 4250, "docker", "0::/system.slice/docker-" DOCKER_ID ".scope\n",
	    "nginx\n");
	/* The pod: pause first (in its own sandbox container), then the app. */
	proc_in(root, 5000, "pod", "0::/kubepods.slice/kubepods-pod1f2e3d4c_5b6a_4789_"
	    "8abc_def012345678.slice/cri-containerd-" POD_CID ".scope\n", "pause\n");
	/* Hybrid host: the container's place is in name=systemd. */
	proc_in(root, 6000, "lone", "1:name=systemd:/user.slice\n0::/\n", "sleep\n");
	proc_in(root, 6100, "sleep2", "0::/\n", "sleep\n");
	/* The named one is bound below run/netns too. */
	proc_in(root, 7000, "named", "0::/system.slice/ip-netns-exec.service\n", "sh\n");
	snprintf(a, sizeof a, "%s/ns/named", root);
	snprintf(b, sizeof b, "%s/run/netns/blue", root);
	tree_mkdirs(b);
	assert_int_equal(link(a, b), 0);
	/* A name with no process at all. */
	tree_write(root, "run/netns/empty", "");
	tree_write(root, "run/containerd/io.containerd.runtime.v2.task/moby/" DOCKER_ID
	    "/config.json", "{\"linux\":{\"sysctl\":{\"net.ipv4.tcp_fin_timeout\":\"2\"}}}");
	tree_write(root, "var/lib/docker/containers/" DOCKER_ID "/config.v2.json",
	    "{\"Name\":\"/web\"}");
	tree_write(root, "run/containerd/io.containerd.runtime.v2.task/k8s.io/" POD_CID
	    "/config.json", "{\"annotations\":{\"io.kubernetes.cri.sandbox-name\":"
	    "\"web-0\",\"io.kubernetes.cri.sandbox-namespace\":\"shop\"}}");
	/* Not a process. */
	tree_write(root, "proc/self", "");

	assert_int_equal(netns_discover(root, &l), 0);
	assert_int_equal(l.n, 7);
	/* The initial namespace first, with all its pids. */
	assert_true(l.items[0].initial);
	assert_string_equal(l.items[0].owner, "host");
	assert_int_equal(l.items[0].npids, 3);
	assert_int_equal(l.items[0].pids[0], 1);
	assert_int_equal(l.items[0].boot, NETNS_BOOT_HOST);

	assert_non_null(ns = by_owner(&l, "docker/web"));
	assert_int_equal(ns->npids, 2);
	assert_int_equal(ns->pids[0], 4242);
	assert_string_equal(ns->container_id, DOCKER_ID);
	assert_int_equal(ns->boot, NETNS_BOOT_OCI);
	assert_string_equal(ns->oci_sysctl, "net.ipv4.tcp_fin_timeout = 2\n");
	assert_string_equal(ns->boot_path, "/run/containerd/io.containerd.runtime.v2.task/"
	    "moby/" DOCKER_ID "/config.json");
	assert_non_null(ns = by_owner(&l, "pod/shop/web-0"));
	assert_string_equal(ns->owner_kind, "pod");
	assert_int_equal(ns->boot, NETNS_BOOT_OCI);
	assert_string_equal(ns->oci_sysctl, "");
	/* A bound name is the namespace of its processes, listed once. */
	assert_non_null(ns = by_owner(&l, "netns/blue"));
	assert_string_equal(ns->name, "blue");
	assert_int_equal(ns->npids, 1);
	assert_int_equal(ns->boot, NETNS_BOOT_NONE);
	assert_non_null(ns = by_owner(&l, "netns/empty"));
	assert_int_equal(ns->npids, 0);
	/* Two lookalikes: the second gets its inode. */
	assert_non_null(ns = by_owner(&l, "process/sleep"));
	assert_non_null(strchr(l.items[6].owner, '@'));
	assert_string_equal(l.items[5].owner, "process/sleep");

	/* --netns by name, by pid, by path. */
	assert_int_equal(netns_resolve(root, "blue", &one), 0);
	assert_string_equal(one.owner, "netns/blue");
	assert_string_equal(one.name, "blue");
	netns_clear(&one);
	assert_int_equal(netns_resolve(root, "4250", &one), 0);
	assert_string_equal(one.owner, "docker/web");
	netns_clear(&one);
	assert_int_equal(netns_resolve(root, a, &one), 0);
	assert_string_equal(one.owner, "netns/blue");
	netns_clear(&one);
	assert_int_equal(netns_resolve(root, "nosuch", &one), -ENOENT);
	assert_int_equal(netns_resolve(root, "99999", &one), -ENOENT);
	assert_int_equal(netns_resolve(root, "..", &one), -EINVAL);
	netns_list_clear(&l);
	tree_free(root);
}

/* The real /proc: this process's namespace is found, with this pid. */
static void
test_discover_live(void **state)
{
	struct netns_list l;
	struct stat st;
	bool found = false;

	(void)state;
	if (stat("/proc/self/ns/net", &st) < 0)
		skip();
	assert_int_equal(netns_discover("/", &l), 0);
	for (size_t i = 0; i < l.n; i++)
		if (l.items[i].inode == (unsigned long long)st.st_ino) {
			found = true;
			assert_true(l.items[i].npids >= 1);
		}
	assert_true(found);
	netns_list_clear(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_owner),
		cmocka_unit_test(test_oci_parse),
		cmocka_unit_test(test_discover),
		cmocka_unit_test(test_discover_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
