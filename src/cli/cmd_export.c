/*
 * cmd_export: `tcpadvise export --profile P --format F`.
 *
 * The profile's apply values in another tool's format (export.h says what
 * goes in and how `when` conditions are treated). Reads no /proc: the
 * output depends only on the profile, the format and, for Kubernetes, the
 * release.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "export.h"

int
cmd_export(const struct options *o)
{
	struct export_opts eo;
	struct profile *p = NULL;
	char *text = NULL;
	int status, r;

	memset(&eo, 0, sizeof eo);
	if (o->profile == NULL) {
		cmd_error(o, "export needs --profile");
		return TA_EXIT_USAGE;
	}
	switch (o->format) {
	case FORMAT_KUBERNETES:
		eo.format = EXPORT_KUBERNETES;
		break;
	case FORMAT_DOCKER:
		eo.format = EXPORT_DOCKER;
		break;
	case FORMAT_SYSCTL:
		eo.format = EXPORT_SYSCTL;
		break;
	case FORMAT_ANSIBLE:
		eo.format = EXPORT_ANSIBLE;
		break;
	default:		/* main() lets no other format through */
		cmd_error(o, "export cannot write '--format %s'",
		    report_format_name(o->format));
		return TA_EXIT_USAGE;
	}
	if (o->file != NULL && eo.format != EXPORT_ANSIBLE) {
		cmd_error(o, "--file applies to export only with --format ansible "
		    "(the tasks' sysctl_file)");
		return TA_EXIT_USAGE;
	}
	eo.kube_minor = o->kube_minor;
	eo.file = o->file;
	if ((status = cmd_load_profile(o, o->profile, &p)) != TA_EXIT_OK)
		return status;
	if ((r = export_render(p, &eo, &text)) < 0) {
		cmd_error(o, r == -ENOMEM ? "out of memory" :
		    "cannot export profile '%s': %s", p->name, strerror(-r));
		status = TA_EXIT_SYSTEM;
		goto out;
	}
	fputs(text, stdout);
	status = TA_EXIT_OK;
out:
	free(text);
	profile_free(p);
	return status;
}
