/*
 * cmd_confirm: `tcpadvise confirm`, and the watcher of `apply --confirm`.
 *
 * apply --confirm SECONDS sets the live values and records the transaction
 * with the files it would write, but does not write them (apply.h): a
 * reboot before the confirmation boots the old configuration. It starts
 * the watcher, a detached process that outlives the shell and the ssh
 * session that started it. Unless `tcpadvise confirm` comes before the
 * deadline, the watcher rolls the transaction back through apply_rollback()
 * (live values, each read back) and the history says "rolled back by
 * timeout". `confirm` writes the files and marks the transaction confirmed.
 * Both work under the apply lock, so whichever takes it first decides; the
 * other finds the transaction no longer pending.
 *
 * confirm: exit 0 when confirmed; 2 when nothing is pending, when the
 * deadline has passed, or when a file was edited since the apply (nothing
 * written); 3 when a file or the history could not be written (the files
 * already written are put back).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "apply.h"
#include "cmd.h"
#include "escape.h"

/* Take the lock, however long the others hold it. */
static int
watch_lock(const char *root, int *ret_fd)
{
	int r;

	while ((r = apply_lock(root, APPLY_LOCK_TIMEOUT_MAX, ret_fd)) == -ETIMEDOUT)
		;
	return r;
}

/*
 * The watcher. The apply holds the lock until it has recorded the
 * transaction (or failed), so once the watcher has the lock the pending
 * transaction with its pid is there, or there is none and it has nothing
 * to do. It then looks at the transaction every second until the deadline,
 * and rolls it back if it is still pending.
 */
static void __attribute__((noreturn))
watch(const char *root, long long deadline)
{
	struct apply_history h;
	struct rollback_request rq;
	struct rollback_outcome rb;
	const struct apply_txn *p;
	unsigned long txn = 0;
	int lockfd = -1, r;

	memset(&h, 0, sizeof h);
	if (watch_lock(root, &lockfd) < 0)
		_exit(TA_EXIT_SYSTEM);
	if (apply_history_read(root, &h) == 0 && (p = apply_history_pending(&h)) != NULL &&
	    p->confirm_pid == (long)getpid())
		txn = p->number;
	apply_history_clear(&h);
	lockfd = apply_unlock(lockfd);
	if (txn == 0)
		_exit(TA_EXIT_OK);

	for (;;) {
		struct apply_txn *t = NULL;
		bool pending;
		long long now;

		if (apply_txn_read(root, txn, &t) < 0)
			_exit(TA_EXIT_SYSTEM);
		pending = apply_txn_pending(t);
		t = apply_txn_free(t);
		if (!pending)
			_exit(TA_EXIT_OK);
		now = (long long)time(NULL);
		if (now >= deadline)
			break;
		sleep(deadline - now < 1 ? (unsigned)(deadline - now) : 1);
	}

	if (watch_lock(root, &lockfd) < 0)
		_exit(TA_EXIT_SYSTEM);
	memset(&rb, 0, sizeof rb);
	r = apply_history_read(root, &rb.history);
	p = r == 0 ? apply_history_pending(&rb.history) : NULL;
	if (p == NULL || p->number != txn) {
		rollback_outcome_clear(&rb);
		apply_unlock(lockfd);
		_exit(TA_EXIT_OK);
	}
	rollback_outcome_clear(&rb);
	memset(&rq, 0, sizeof rq);
	rq.root = root;
	rq.to = (long long)txn - 1;
	rq.now = (long long)time(NULL);
	rq.timeout = true;
	r = apply_rollback(&rq, &rb);
	rollback_outcome_clear(&rb);
	apply_unlock(lockfd);
	_exit(r < 0 ? TA_EXIT_SYSTEM : TA_EXIT_OK);
}

/* In the watcher: no terminal, no descriptors of the apply (its lock among
   them), no signals of the session that started it. */
static void
detach(void)
{
	int fd;

	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	closefrom(STDERR_FILENO + 1);
	umask(022);
	if (chdir("/") < 0)
		_exit(TA_EXIT_SYSTEM);
}

int
confirm_watch_start(const char *root, long long deadline, long *ret_pid)
{
	char abs[PATH_MAX];
	pid_t child, w = -1;
	int fds[2], st, e;
	ssize_t n;

	/* The watcher leaves the working directory: an absolute root. */
	if (realpath(root, abs) == NULL)
		return -errno;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(stdout);
	fflush(stderr);
	if ((child = fork()) < 0) {
		e = -errno;
		close(fds[0]);
		close(fds[1]);
		return e;
	}
	if (child == 0) {
		close(fds[0]);
		/* A session of its own: no controlling terminal, and no
		   SIGHUP when the one of the apply goes away. */
		if (setsid() < 0 || (w = fork()) < 0)
			_exit(TA_EXIT_SYSTEM);
		if (w > 0) {
			n = write(fds[1], &w, sizeof w);
			_exit(n == (ssize_t)sizeof w ? TA_EXIT_OK : TA_EXIT_SYSTEM);
		}
		/* Not a session leader: it can never get a terminal again. */
		detach();
		watch(abs, deadline);
	}
	close(fds[1]);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	do
		n = read(fds[0], &w, sizeof w);
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	if (n != (ssize_t)sizeof w)
		return -ECHILD;
	*ret_pid = (long)w;
	return 0;
}

static int
print_json(const struct confirm_outcome *c, const char *msg)
{
	const struct apply_txn *t = c->txn;
	json_t *files = json_array();

	for (size_t i = 0; files != NULL && i < t->nfiles; i++)
		json_array_append_new(files, json_pack("{s:o, s:s}", "path",
		    report_jstr(t->files[i].path), "action", t->files[i].after == NULL ?
		    "removed" : "written"));
	return cmd_print_json(json_pack("{s:i, s:s, s:o, s:I, s:b, s:I, s:o, s:o}",
	    "schema_version", 1, "tool_version", TCPADVISE_VERSION, "profile",
	    report_jstr(t->profile), "transaction", (json_int_t)t->number, "confirmed",
	    1, "deadline", (json_int_t)t->confirm_deadline, "msg", report_jstr(msg),
	    "files", files));
}

int
cmd_confirm(const struct options *o)
{
	struct confirm_outcome c;
	char msg[512];
	unsigned timeout;
	int lockfd = -1, status = TA_EXIT_SYSTEM, r;

	memset(&c, 0, sizeof c);
	if (cmd_lock_timeout(o, &timeout) != TA_EXIT_OK)
		return TA_EXIT_USAGE;
	if (cmd_lock(o, timeout, &lockfd) != TA_EXIT_OK)
		goto out;
	r = apply_confirm(o->root, (long long)time(NULL), &c);
	switch (r) {
	case 0:
		snprintf(msg, sizeof msg, "confirmed apply %lu (profile %s): %zu file%s "
		    "written", c.txn->number, c.txn->profile, c.written,
		    c.written == 1 ? "" : "s");
		if (o->result != NULL)
			o->result->changed = true;
		break;
	case -ENOENT:
		cmd_error(o, "nothing to confirm: no apply --confirm is waiting");
		status = TA_EXIT_USAGE;
		goto out;
	case -ETIME:
		cmd_error(o, "too late to confirm apply %lu: its deadline passed, and it is "
		    "rolled back", c.txn->number);
		status = TA_EXIT_USAGE;
		goto out;
	case -ESTALE:
		if (c.line > 0)
			cmd_error(o, "%s:%u was edited after apply %lu; nothing was written "
			    "(confirm would lose that change; run 'tcpadvise rollback' and "
			    "apply again)", c.failed_path, c.line, c.txn->number);
		else
			cmd_error(o, "%s was %s after apply %lu; nothing was written "
			    "(run 'tcpadvise rollback' and apply again)", c.failed_path,
			    access(c.failed_path, F_OK) == 0 ? "created" : "removed",
			    c.txn->number);
		status = TA_EXIT_USAGE;
		goto out;
	default:
		if (c.history.failed_path[0] != '\0')
			cmd_history_error(o, &c.history, r);
		else if (c.failed_path != NULL)
			cmd_error(o, "cannot confirm apply %lu: cannot write %s: %s; %s",
			    c.txn->number, c.failed_path, cmd_file_error(r),
			    c.files_restore_failed > 0 ? "some files written could not be "
			    "put back" : "no file was changed");
		else
			cmd_error(o, "cannot confirm apply %lu: cannot write the history: "
			    "%s; %s", c.txn != NULL ? c.txn->number : 0UL, strerror(-r),
			    c.files_restore_failed > 0 ? "some files written could not be "
			    "put back" : "no file was changed");
		goto out;
	}
	if ((o->format == FORMAT_JSON ? print_json(&c, msg) :
	    (term_fputs(msg, stdout), putchar('\n'), 0)) < 0) {
		cmd_error(o, "cannot write the output");
		goto out;
	}
	status = TA_EXIT_OK;
out:
	lockfd = apply_unlock(lockfd);
	confirm_outcome_clear(&c);
	return status;
}
