/*
 * cmd: helpers every command shares: error printing and profile loading
 * with the search order of the options; see cmd.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "apply.h"
#include "cmd.h"
#include "conffile.h"
#include "escape.h"
#include "procfs.h"

void
cmd_error(const struct options *o, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	/* Messages quote paths and arguments: escaped as a whole. */
	fprintf(stderr, "%s: ", o->prog);
	term_fputs(msg != NULL ? msg : "out of memory", stderr);
	fputc('\n', stderr);
	if (o->result != NULL && o->result->message[0] == '\0')
		snprintf(o->result->message, sizeof o->result->message, "%s",
		    msg != NULL ? msg : "out of memory");
	free(msg);
}

int
cmd_json_error(const char *command, int status, const char *message)
{
	json_t *root = json_pack("{s:i, s:s, s:o, s:{s:i, s:o}}", "schema_version", 1,
	    "tool_version", TCPADVISE_VERSION, "command", report_jstr(command), "error",
	    "code", status, "message", report_jstr(message != NULL && *message ?
	    message : "failed"));
	int r;

	if (root == NULL)
		return -EIO;
	r = report_json_write(stdout, root, JSON_INDENT(2)) < 0 ? -EIO : 0;
	json_decref(root);
	return r;
}

const char *
cmd_file_error(int e)
{
	switch (e) {
	case -ELOOP:
		return "it is a symbolic link, which tcpadvise never follows";
	case -EISDIR:
	case -EINVAL:
		return "it is not a regular file";
	case -EFBIG:
		return "it is larger than tcpadvise reads (" CONFFILE_MAX_TEXT ")";
	case -EBADMSG:
		return "it holds a NUL byte";
	default:
		return strerror(-e);
	}
}

int
cmd_print_json(json_t *root)
{
	int r;

	r = report_json_write(stdout, root, JSON_INDENT(2));
	json_decref(root);
	return r;
}

int
cmd_history_error(const struct options *o, const struct apply_history *h, int r)
{
	if (r == -EBADMSG)
		cmd_error(o, "cannot read the history: %s is not a transaction tcpadvise "
		    "can read%s", h->failed_path, cmd_unchanged(o));
	else if (r == -EACCES || r == -EPERM)
		cmd_error(o, "cannot read the history %s: %s (it is readable by root "
		    "only)%s", h->failed_path, strerror(-r), cmd_unchanged(o));
	else if (r == -E2BIG)
		cmd_error(o, "cannot read the history %s: more than %d transactions%s",
		    h->failed_path, APPLY_HISTORY_MAX, cmd_unchanged(o));
	else
		cmd_error(o, "cannot read the history %s: %s%s", h->failed_path,
		    strerror(-r), cmd_unchanged(o));
	return TA_EXIT_SYSTEM;
}

struct profile_search
cmd_search(const struct options *o)
{
	struct profile_search search = { o->profile_dirs, o->nprofile_dirs };

	return search;
}

/* Inside a namespace of --all-netns (o->boot set), the worker judges every
   namespace by the same profile: it is loaded once and kept here. */
static struct {
	char *name;
	struct profile *p;
} memo;

struct profile *
cmd_profile_release(struct profile *p)
{
	return p != NULL && p == memo.p ? NULL : profile_free(p);
}

void
cmd_memo_clear(void)
{
	memo.p = profile_free(memo.p);
	free(memo.name);
	memo.name = NULL;
}

int
cmd_load_profile(const struct options *o, const char *name, struct profile **ret)
{
	struct profile_search search = cmd_search(o);
	struct diag_list d = DIAG_LIST_INIT;
	int r;

	if (o->boot != NULL && memo.p != NULL && strcmp(memo.name, name) == 0) {
		*ret = memo.p;
		return TA_EXIT_OK;
	}
	r = profile_load(name, &search, ret, &d);
	if (r == 0 && o->boot != NULL) {
		cmd_memo_clear();
		if ((memo.name = strdup(name)) != NULL)
			memo.p = *ret;
	}
	diag_print_all(stderr, o->prog, &d);
	/* The first error, as diag_print() words it, for the JSON object. */
	if (r < 0 && o->result != NULL && o->result->message[0] == '\0' && d.n > 0) {
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		if (m != NULL) {
			diag_print(m, o->prog, &d.items[0]);
			if (fclose(m) == 0 && len > strlen(o->prog) + 2) {
				text[len - 1] = '\0';	/* the newline */
				snprintf(o->result->message, sizeof o->result->message,
				    "%s", text + strlen(o->prog) + 2);
			}
			free(text);
		}
	}
	diag_list_clear(&d);
	if (r == -ENOMEM) {
		cmd_error(o, "out of memory");
		return TA_EXIT_SYSTEM;
	}
	/* A profile that failed to read (EIO...) is the system's fault, not
	   the user's: exit 3. Not found, not valid, over a limit: exit 2. */
	if (r < 0 && r != -EBADMSG && !conffile_error_is_finding(r)) {
		cmd_error(o, "cannot load profile '%s': %s%s", name, strerror(-r),
		    cmd_unchanged(o));
		return TA_EXIT_SYSTEM;
	}
	return r < 0 ? TA_EXIT_USAGE : TA_EXIT_OK;
}

int
cmd_lock_timeout(const struct options *o, unsigned *ret)
{
	const char *env = getenv("TCPADVISE_LOCK_TIMEOUT");

	if (apply_lock_timeout(env, ret) < 0) {
		cmd_error(o, "invalid TCPADVISE_LOCK_TIMEOUT '%s' (expected 0 to %d seconds)",
		    env, APPLY_LOCK_TIMEOUT_MAX);
		return TA_EXIT_USAGE;
	}
	return TA_EXIT_OK;
}

const char *
cmd_unchanged(const struct options *o)
{
	static const char *const writers[] = { "apply", "rollback", "confirm" };

	for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++)
		if (o->command != NULL && strcmp(o->command, writers[i]) == 0)
			return o->dry_run ? "" : "; nothing was changed";
	return "";
}

int
cmd_lock(const struct options *o, unsigned timeout, int *ret_fd)
{
	char lockpath[4096];
	int r = apply_lock(o->root, timeout, ret_fd);

	if (r == 0)
		return TA_EXIT_OK;
	if (path_join_root(o->root, APPLY_LOCK_PATH, lockpath, sizeof lockpath) < 0)
		snprintf(lockpath, sizeof lockpath, "%s", APPLY_LOCK_PATH);
	if (r == -ETIMEDOUT)
		cmd_error(o, "another tcpadvise apply or rollback holds %s; gave up "
		    "after %u s", lockpath, timeout);
	else if (r == -EACCES || r == -EPERM || r == -EROFS)
		cmd_error(o, "cannot take the lock %s: %s (apply and rollback need "
		    "root)", lockpath, strerror(-r));
	else
		cmd_error(o, "cannot take the lock %s: %s%s", lockpath, strerror(-r),
		    cmd_unchanged(o));
	return TA_EXIT_SYSTEM;
}

int
cmd_snapshot(const struct options *o, struct snapshot **ret)
{
	int r = snapshot_take_boot(o->root, o->kernel, o->boot, ret);

	if (r == 0 && o->memory > 0 && (r = snapshot_assume_memory(*ret, o->memory)) < 0)
		*ret = snapshot_free(*ret);
	return r;
}

int
cmd_snapshot_error(const struct options *o, int r)
{
	if (r == -EINVAL && o->kernel != NULL) {
		cmd_error(o, "invalid --kernel '%s' (expected a release like 6.1 or 6.18.4)",
		    o->kernel);
		return TA_EXIT_USAGE;
	}
	/* An image is judged for its own kernel, not the one running here. */
	if (r == -ENODATA || r == -ENOTUNIQ) {
		cmd_error(o, "'%s' is an image (no /proc/sys below it) with %s kernel "
		    "release in /lib/modules and /boot: give the one to judge for with "
		    "--kernel RELEASE%s", o->root, r == -ENODATA ? "no" : "more than one",
		    cmd_unchanged(o));
		return TA_EXIT_USAGE;
	}
	if (r == -ENOMEM)
		cmd_error(o, "out of memory");
	else
		cmd_error(o, "cannot read the system below '%s': %s%s", o->root,
		    r == -ENOENT ? "no /proc/sys/net there" : strerror(-r),
		    cmd_unchanged(o));
	return TA_EXIT_SYSTEM;
}

int
cmd_census_error(const struct options *o, int r)
{
	/* Below a --root the census reads /proc/net/tcp and tcp6, which must
	   be regular files (conffile.h). */
	if (r == -EINVAL || r == -EISDIR)
		cmd_error(o, "cannot count the sockets below '%s': "
		    "/proc/net/tcp or /proc/net/tcp6 is not a regular file", o->root);
	else
		cmd_error(o, "cannot count the sockets below '%s': %s", o->root,
		    strerror(-r));
	return TA_EXIT_SYSTEM;
}

void
cmd_report_opts(const struct options *o, struct report_opts *ret)
{
	memset(ret, 0, sizeof *ret);
	ret->color = o->color;
	ret->verbosity = o->verbosity;
	ret->fail_on = o->fail_on;
	ret->fail_never = o->fail_never;
	ret->now = time(NULL);
}
