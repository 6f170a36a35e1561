/*
 * export: a profile's values in the formats of other tools, for hosts and
 * containers tcpadvise does not run on (`tcpadvise export`).
 *
 * Owns: the choice of settings and values an export holds, the Kubernetes
 * kubelet's safe-sysctl table by release, and the rendering of the four
 * formats: a pod securityContext.sysctls snippet (YAML, libyaml's emitter),
 * `docker run --sysctl` options, a sysctl.d fragment (fragment.h's
 * rendering) and an ansible.posix.sysctl task list (YAML, libyaml's
 * emitter). Comments are "# " lines placed between the emitted nodes.
 * Never: prints, reads the system, exits.
 *
 * What is exported: every setting of the profile with an `apply` value,
 * with that value (what apply writes on a host where every setting fails),
 * in the write order of the fragment. A setting that holds only under a
 * `when` condition is exported all the same, with the condition in words in
 * a comment: without a host there is nothing to test it against, and the
 * reader decides. Read-only keys are left out. Pod and container formats
 * hold only the keys that are per network namespace (catalog SCOPE_NETNS);
 * the global ones are listed apart in comments, to be set on the node.
 *
 * Error handling: 0 or a negative errno; outputs untouched on failure.
 */
#ifndef TCPADVISE_EXPORT_H
#define TCPADVISE_EXPORT_H

#include <stdbool.h>

#include "profile.h"

enum export_format {
	EXPORT_KUBERNETES,
	EXPORT_DOCKER,
	EXPORT_SYSCTL,
	EXPORT_ANSIBLE,
};

/* The oldest Kubernetes release whose PodSecurityContext has `sysctls`,
   and the newest whose kubelet safe set the table encodes (1.MINOR). */
#define EXPORT_KUBE_OLDEST 11
#define EXPORT_KUBE_NEWEST 32

/* Where the Ansible tasks write unless --file says otherwise: not
   tcpadvise's own fragment, which the module would rewrite its way. */
#define EXPORT_ANSIBLE_FILE "/etc/sysctl.d/90-tcpadvise-ansible.conf"

/*
 * A Kubernetes release, "1.32", "v1.32" or "1.32.4", into its minor
 * number. Returns 0, -EINVAL (not such a release) or -ERANGE (before
 * EXPORT_KUBE_OLDEST, or after 1.999).
 */
int export_kube_version_parse(const char *s, unsigned *ret_minor);

/*
 * Whether the kubelet of Kubernetes 1.kube_minor counts key among its safe
 * sysctls; *ret_kernel (may be NULL) gets the node kernel below which the
 * kubelet drops it from the set, or NULL. Releases after
 * EXPORT_KUBE_NEWEST are judged as EXPORT_KUBE_NEWEST.
 */
bool export_kube_safe(const char *key, unsigned kube_minor, const char **ret_kernel);

struct export_opts {
	enum export_format format;
	unsigned kube_minor;	/* EXPORT_KUBERNETES: the release (1.MINOR) */
	const char *file;	/* EXPORT_ANSIBLE: sysctl_file; NULL: the default */
};

/*
 * Render profile p: *ret is malloc'ed text ending in a newline. Returns 0,
 * -ENOMEM or -ENOBUFS (a value too long).
 */
int export_render(const struct profile *p, const struct export_opts *o, char **ret);

#endif
