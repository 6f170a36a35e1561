/*
 * main: options, the command table, usage, and the exit status.
 *
 * The only file that decides the process's exit status:
 * commands return one of TA_EXIT_*; main() flushes stdout and turns a write
 * error into TA_EXIT_SYSTEM, so `tcpadvise check > /full/disk` fails loudly.
 *
 * Options may stand before or after the command (`tcpadvise --root R check`
 * and `tcpadvise check --root R` are the same); each command declares which
 * command options it accepts, and any other is a usage error.
 *
 * Checklist: adding a new command — see cmd.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "cmd.h"
#include "export.h"
#include "escape.h"
#include "parse.h"
#include "procfs.h"
#include "suggest.h"

enum {
	OPT_PROFILE = 1 << 0,
	OPT_FORMAT = 1 << 1,
	OPT_FAIL_ON = 1 << 2,
	OPT_LIVE_ONLY = 1 << 3,
	OPT_PERSIST_ONLY = 1 << 4,
	OPT_DRY_RUN = 1 << 5,
	OPT_FILE = 1 << 6,
	OPT_INTERVAL = 1 << 7,
	OPT_RESOLVE = 1 << 8,
	OPT_FORCE = 1 << 9,
	OPT_TO = 1 << 10,
	OPT_CONFIRM = 1 << 11,
	OPT_KUBE_VERSION = 1 << 12,
};

/* Bits of struct command.formats. */
enum {
	FMT_TEXT = 1 << FORMAT_TEXT,
	FMT_JSON = 1 << FORMAT_JSON,
	FMT_PROM = 1 << FORMAT_PROMETHEUS,
	FMT_EXPORT = 1 << FORMAT_KUBERNETES | 1 << FORMAT_DOCKER | 1 << FORMAT_SYSCTL |
	    1 << FORMAT_ANSIBLE,
};

struct command {
	const char *name;
	int (*run)(const struct options *o);
	unsigned opts;		/* command options it accepts */
	unsigned formats;	/* the --format values it writes (FMT_*) */
	size_t min_args, max_args;
	const char *synopsis;
};

static const struct command commands[] = {
	{ "apply", cmd_apply, OPT_PROFILE | OPT_FORMAT | OPT_LIVE_ONLY |
	  OPT_PERSIST_ONLY | OPT_DRY_RUN | OPT_FILE | OPT_RESOLVE | OPT_FORCE | OPT_CONFIRM,
	  FMT_TEXT | FMT_JSON, 0, 0,
	  "apply --profile NAME|FILE [--resolve [--force]] [--live-only|--persist-only] "
	  "[--dry-run | --confirm SECONDS] [--file PATH] [--format text|json]" },
	{ "check", cmd_check, OPT_PROFILE | OPT_FORMAT | OPT_FAIL_ON | OPT_FILE,
	  FMT_TEXT | FMT_JSON | FMT_PROM, 0, 0,
	  "check [--profile NAME|FILE] [--format text|json|prometheus] "
	  "[--fail-on info|warning|critical|never] [--file PATH]" },
	{ "confirm", cmd_confirm, OPT_FORMAT, FMT_TEXT | FMT_JSON, 0, 0,
	  "confirm [--format text|json]" },
	{ "export", cmd_export, OPT_PROFILE | OPT_FORMAT | OPT_KUBE_VERSION | OPT_FILE,
	  FMT_EXPORT, 0, 0,
	  "export --profile NAME|FILE --format kubernetes|docker|sysctl|ansible "
	  "[--kubernetes-version 1.N] [--file PATH]" },
	{ "explain", cmd_explain, OPT_PROFILE, FMT_TEXT, 1, 1,
	  "explain KEY|FINDING-ID [--profile NAME|FILE]" },
	{ "history", cmd_history, OPT_FORMAT, FMT_TEXT | FMT_JSON, 0, 0,
	  "history [--format text|json]" },
	{ "lint", cmd_lint, OPT_PROFILE | OPT_FORMAT | OPT_FAIL_ON | OPT_FILE,
	  FMT_TEXT | FMT_JSON, 0, SIZE_MAX,
	  "lint [FILE...] [--profile NAME|FILE] [--file PATH] [--format text|json] "
	  "[--fail-on info|warning|critical|never]" },
	{ "profiles", cmd_profiles, OPT_FORMAT, FMT_TEXT | FMT_JSON, 0, 1,
	  "profiles [NAME] [--format text|json]" },
	{ "recommend", cmd_recommend, OPT_FORMAT, FMT_TEXT | FMT_JSON, 0, 0,
	  "recommend [--format text|json]" },
	{ "rollback", cmd_rollback, OPT_FORMAT | OPT_FILE | OPT_FORCE | OPT_TO,
	  FMT_TEXT | FMT_JSON, 0, 0,
	  "rollback [--to N] [--force] [--format text|json]" },
	{ "states", cmd_states, OPT_FORMAT | OPT_INTERVAL, FMT_TEXT | FMT_JSON | FMT_PROM,
	  0, 0,
	  "states [--interval SECONDS] [--format text|json|prometheus]" },
};

/* The bounds of --memory: from a small VM to the largest hosts Linux runs. */
#define MEMORY_MIN (32LL << 20)
#define MEMORY_MAX (64LL << 40)

/* The longest apply --confirm may wait (seconds). */
#define CONFIRM_MAX 3600

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char globals_synopsis[] =
    "global options: [--root DIR] [--profile-path DIR] [--kernel VERSION] "
    "[--memory SIZE] [--netns NAME|PATH|PID | --all-netns] [--no-color] [-q] [-v]";

static void
print_synopsis(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [global options] COMMAND [options]\n", prog);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "       %s %s\n", prog, commands[i].synopsis);
	fprintf(f, "       %s --version | --help\n", prog);
	fprintf(f, "%s\n", globals_synopsis);
}

/* The problem first, then the synopsis; never the full help. With
   --format json, also the error object on stdout. */
static int
usage(const struct options *o, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* The message quotes the command line: escaped. */
	fprintf(stderr, "%s: ", o->prog);
	term_fputs(msg, stderr);
	fputc('\n', stderr);
	print_synopsis(stderr, o->prog);
	if (o->result->json)
		(void)cmd_json_error(o->command, TA_EXIT_USAGE, msg);
	return TA_EXIT_USAGE;
}

/* Whether --format json (or --format=json) is anywhere on the command
   line: a usage error found before it is parsed still answers in JSON. */
static bool
wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format=json") == 0)
			return true;
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc &&
		    strcmp(argv[i + 1], "json") == 0)
			return true;
	}
	return false;
}

static void
help(const char *prog)
{
	print_synopsis(stdout, prog);
	printf("\n"
	    "Audit TCP sysctls against a profile of advice that holds on today's kernels.\n"
	    "\n"
	    "commands:\n"
	    "  check      compare live values, what a reboot would set, and the profile;\n"
	    "             report every deviation and hazard with its reason, source and fix\n"
	    "  explain    what a key does (range, default, scope, hazards, what each\n"
	    "             profile wants and why), or what a finding ID means\n"
	    "  profiles   list the profiles (name, description, where found); with NAME,\n"
	    "             print that profile\n"
	    "  export     the profile's values for other tools: a Kubernetes pod\n"
	    "             securityContext, docker run options, a sysctl.d file, or\n"
	    "             Ansible tasks\n"
	    "  recommend  the profile that fits this host, from the programs that listen\n"
	    "             and how its connections close, with the reasons\n"
	    "\n"
	    "  apply      write the profile's values: one sysctl.d fragment, atomically,\n"
	    "             and the live values, transactionally; says what changed\n"
	    "  history    list the applies: number, time, profile, keys and files changed\n"
	    "  confirm    keep the changes of apply --confirm: write its files; without\n"
	    "             it in time, the watcher rolls the apply back\n"
	    "  rollback   undo the last apply, or with --to N every one after N (live\n"
	    "             values and files, byte for byte)\n"
	    "  lint       check sysctl.conf / sysctl.d files: syntax, unknown or removed\n"
	    "             keys, values out of range, hazards, duplicates, shadowed keys\n"
	    "  states     socket states, TCP counters and what they show: TIME_WAIT by\n"
	    "             side, CLOSE_WAIT holders, queue overflows, SYN floods\n"
	    "\n"
	    "options:\n"
	    "  --profile NAME|FILE    profile to judge by or apply (check: the profile of\n"
	    "                         the fragment apply wrote, else baseline); several\n"
	    "                         separated by commas are composed (nginx,bbr)\n"
	    "  --format FORMAT        text (default), json, prometheus (check, states);\n"
	    "                         export: kubernetes, docker, sysctl, ansible\n"
	    "  --kubernetes-version 1.N  export --format kubernetes: judge safe sysctls\n"
	    "                         as the kubelet of this release (default 1.%u)\n"
	    "  --interval SECONDS     states: two samples that far apart; rates per second\n"
	    "  --live-only            apply: set the live values, write no fragment\n"
	    "  --persist-only         apply: write the fragment, leave live values alone\n"
	    "  --dry-run              apply: change nothing, show what would change\n"
	    "  --confirm SECONDS      apply: set the live values now; unless `tcpadvise\n"
	    "                         confirm` comes within SECONDS (1 to 3600), roll\n"
	    "                         them back; the files are written at confirmation\n"
	    "  --resolve              apply: also disable the lines of other files that\n"
	    "                         override the profile or do harm (comment them out,\n"
	    "                         or mask a vendor file with a copy in /etc/sysctl.d)\n"
	    "  --force                apply --resolve: edit files another tool manages too;\n"
	    "                         rollback: put back files edited since the apply\n"
	    "  --file PATH            the fragment (default /etc/sysctl.d/90-tcpadvise.conf);\n"
	    "                         export --format ansible: the tasks' sysctl_file\n"
	    "  --to N                 rollback: undo every apply after apply N (0: all)\n"
	    "  --force                rollback: restore files even if edited since the apply\n"
	    "  --fail-on SEVERITY     exit 1 on findings at or above: info, warning\n"
	    "                         (default), critical, or never\n"
	    "  --root DIR             read /proc, /etc, /run, /usr/lib below DIR\n"
	    "  --profile-path DIR     look for NAME.yaml profiles in DIR first (repeatable;\n"
	    "                         also TCPADVISE_PROFILE_PATH, colon-separated)\n"
	    "  --kernel VERSION       judge as if running this kernel release (an image\n"
	    "                         without /proc: the release it is judged for)\n"
	    "  --memory SIZE          judge as if the host had this much memory (4G,\n"
	    "                         512M, bytes): the defaults derived from it\n"
	    "  --netns NAME|PATH|PID  check, states, apply --dry-run: in that network\n"
	    "                         namespace (a name in /run/netns, a namespace file,\n"
	    "                         or a process's)\n"
	    "  --all-netns            the same in every network namespace of the host,\n"
	    "                         one report grouped by namespace and its owner\n"
	    "  --no-color             no colours (also NO_COLOR=1; colour only on a terminal)\n"
	    "  -q, --quiet            one line per finding, no header or summary\n"
	    "  -v, --verbose          also list the configuration files read\n"
	    "\n"
	    "exit status: 0 ok, 1 findings at or above --fail-on, 2 usage error or bad\n"
	    "input, 3 system error. See tcpadvise(8) and tcpadvise-profile(5).\n", EXPORT_KUBE_NEWEST);
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int
parse_fail_on(const char *s, struct options *o)
{
	if (strcmp(s, "never") == 0) {
		o->fail_never = true;
		return 0;
	}
	o->fail_never = false;
	return severity_parse(s, &o->fail_on);
}

static int
add_profile_dir(struct options *o, const char *dir)
{
	if (*dir == '\0')
		return 0;
	if (o->nprofile_dirs == MAX_PROFILE_DIRS)
		return -E2BIG;
	o->profile_dirs[o->nprofile_dirs++] = dir;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'R' },
		{ "profile-path", required_argument, NULL, 'P' },
		{ "kernel", required_argument, NULL, 'K' },
		{ "memory", required_argument, NULL, 'M' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ "profile", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "live-only", no_argument, NULL, 'L' },
		{ "persist-only", no_argument, NULL, 'S' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "file", required_argument, NULL, 'W' },
		{ "interval", required_argument, NULL, 'I' },
		{ "resolve", no_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'X' },
		{ "to", required_argument, NULL, 'T' },
		{ "confirm", required_argument, NULL, 'c' },
		{ "kubernetes-version", required_argument, NULL, 'k' },
		{ "netns", required_argument, NULL, 'N' },
		{ "all-netns", no_argument, NULL, 'A' },
		{ NULL, 0, NULL, 0 },
	};
	struct options o;
	struct cmd_result result;
	const struct command *cmd;
	unsigned used = 0;
	char *envpath = NULL, *tok, *save = NULL, rootdir[4096];
	const char *env;
	int c, status;
	bool no_color = false;

	memset(&o, 0, sizeof o);
	memset(&result, 0, sizeof result);
	o.prog = "tcpadvise";
	o.result = &result;
	result.json = wants_json(argc, argv);
	o.root = "/";
	o.format = FORMAT_TEXT;
	o.fail_on = SEV_WARNING;
	o.to = -1;
	o.kube_minor = EXPORT_KUBE_NEWEST;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'R':
			o.root = optarg;
			break;
		case 'P':
			if (add_profile_dir(&o, optarg) < 0)
				return usage(&o, "too many --profile-path options");
			break;
		case 'K':
			o.kernel = optarg;
			break;
		case 'M': {
			const char *err;

			if (parse_size(optarg, MEMORY_MIN, MEMORY_MAX, &o.memory, &err) < 0)
				return usage(&o, "invalid --memory '%s' (%s; expected a size "
				    "like 4G or 512M, 32M to 64T)", optarg, err);
			break;
		}
		case 'C':
			no_color = true;
			break;
		case 'N':
			if (*optarg == '\0')
				return usage(&o, "invalid --netns '' (expected a name in "
				    "/run/netns, a pid or a path)");
			o.netns = optarg;
			break;
		case 'A':
			o.all_netns = true;
			break;
		case 'q':
			o.verbosity = -1;
			break;
		case 'v':
			o.verbosity = 1;
			break;
		case 'V':
			printf("tcpadvise %s\n", TCPADVISE_VERSION);
			return TA_EXIT_OK;
		case 'h':
			help(o.prog);
			return TA_EXIT_OK;
		case 'p':
			o.profile = optarg;
			used |= OPT_PROFILE;
			break;
		case 'f':
			if (report_format_parse(optarg, &o.format) < 0)
				return usage(&o, "invalid --format '%s' (expected text, "
				    "json or prometheus; export: kubernetes, docker, sysctl "
				    "or ansible)", optarg);
			used |= OPT_FORMAT;
			break;
		case 'F':
			if (parse_fail_on(optarg, &o) < 0)
				return usage(&o, "invalid --fail-on '%s' (expected info, "
				    "warning, critical or never)", optarg);
			used |= OPT_FAIL_ON;
			break;
		case 'L':
			o.live_only = true;
			used |= OPT_LIVE_ONLY;
			break;
		case 'S':
			o.persist_only = true;
			used |= OPT_PERSIST_ONLY;
			break;
		case 'n':
			o.dry_run = true;
			used |= OPT_DRY_RUN;
			break;
		case 'r':
			o.resolve = true;
			used |= OPT_RESOLVE;
			break;
		case 'W':
			o.file = optarg;
			used |= OPT_FILE;
			break;
		case 'I': {
			long long v;
			const char *err;

			if (parse_ll(optarg, 1, 3600, &v, &err) < 0)
				return usage(&o, "invalid --interval '%s' (%s; expected "
				    "1 to 3600 seconds)", optarg, err);
			o.interval = (unsigned)v;
			used |= OPT_INTERVAL;
			break;
		}
		case 'X':
			o.force = true;
			used |= OPT_FORCE;
			break;
		case 'T': {
			const char *err;

			if (parse_ll(optarg, 0, APPLY_TXN_MAX, &o.to, &err) < 0)
				return usage(&o, "invalid --to '%s' (%s; expected the number "
				    "of an apply, 0 to %d)", optarg, err, APPLY_TXN_MAX);
			used |= OPT_TO;
			break;
		}
		case 'c': {
			long long v;
			const char *err;

			if (parse_ll(optarg, 1, CONFIRM_MAX, &v, &err) < 0)
				return usage(&o, "invalid --confirm '%s' (%s; expected "
				    "1 to %d seconds)", optarg, err, CONFIRM_MAX);
			o.confirm = (unsigned)v;
			used |= OPT_CONFIRM;
			break;
		}
		case 'k': {
			int r = export_kube_version_parse(optarg, &o.kube_minor);

			if (r < 0)
				return usage(&o, "invalid --kubernetes-version '%s' (%s; "
				    "expected a release like 1.%u, 1.%u or later)", optarg,
				    r == -ERANGE ? "too old or too large" : "invalid",
				    EXPORT_KUBE_NEWEST, EXPORT_KUBE_OLDEST);
			used |= OPT_KUBE_VERSION;
			break;
		}
		case ':':
			return usage(&o, "option '%s' needs an argument", argv[optind - 1]);
		default:
			if (optopt != 0)
				return usage(&o, "unknown option '-%c'", optopt);
			return usage(&o, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage(&o, "no command given");
	o.command = argv[optind];
	if ((cmd = find_command(o.command)) == NULL) {
		const char *names[NCOMMANDS], *close;

		for (size_t i = 0; i < NCOMMANDS; i++)
			names[i] = commands[i].name;
		if ((close = suggest_best(o.command, names, NCOMMANDS, 1)) != NULL)
			return usage(&o, "unknown command '%s' (did you mean '%s'?)",
			    o.command, close);
		return usage(&o, "unknown command '%s'", o.command);
	}
	o.args = argv + optind + 1;
	o.nargs = (size_t)(argc - optind - 1);
	if (o.nargs < cmd->min_args)
		return usage(&o, "'%s' needs %s", cmd->name,
		    cmd->min_args == 1 ? "an argument" : "more arguments");
	if (o.nargs > cmd->max_args)
		return usage(&o, "unexpected argument '%s' for '%s'",
		    o.args[cmd->max_args], cmd->name);
	if (used & ~cmd->opts) {
		static const char *const names[] = { "--profile", "--format",
		    "--fail-on", "--live-only", "--persist-only", "--dry-run", "--file",
		    "--interval", "--resolve", "--force", "--to", "--confirm",
		    "--kubernetes-version" };
		unsigned bad = used & ~cmd->opts, i = 0;

		while (!(bad & (1u << i)))
			i++;
		return usage(&o, "option '%s' does not apply to '%s'", names[i],
		    cmd->name);
	}
	if (o.live_only && o.persist_only)
		return usage(&o, "--live-only and --persist-only exclude each other");
	if ((used & OPT_KUBE_VERSION) && o.format != FORMAT_KUBERNETES)
		return usage(&o, "--kubernetes-version applies only to --format "
		    "kubernetes");
	if (o.confirm > 0 && o.dry_run)
		return usage(&o, "--confirm and --dry-run exclude each other");
	if (o.confirm > 0 && o.persist_only)
		return usage(&o, "--confirm guards the live values: it excludes "
		    "--persist-only");
	if (o.resolve && o.live_only)
		return usage(&o, "--resolve edits configuration files: it excludes "
		    "--live-only");
	if (o.netns != NULL || o.all_netns) {
		const char *opt = o.all_netns ? "--all-netns" : "--netns";

		if (o.netns != NULL && o.all_netns)
			return usage(&o, "--netns and --all-netns exclude each other");
		if (strcmp(cmd->name, "check") != 0 && strcmp(cmd->name, "states") != 0 &&
		    strcmp(cmd->name, "apply") != 0)
			return usage(&o, "%s applies to check, states and apply --dry-run, "
			    "not to '%s'", opt, cmd->name);
		if (strcmp(cmd->name, "apply") == 0 && !o.dry_run)
			return usage(&o, "%s: apply only with --dry-run (a change inside "
			    "another network namespace could not be rolled back)", opt);
		if (strcmp(o.root, "/") != 0)
			return usage(&o, "%s reads the namespaces of this host: it "
			    "excludes --root", opt);
		if (o.all_netns && o.interval > 0)
			return usage(&o, "--interval with --all-netns would wait once per "
			    "namespace: use it with --netns");
	}
	/* A command without a text output has no default format. */
	if (!(cmd->formats & FMT_TEXT) && !(used & OPT_FORMAT))
		return usage(&o, "'%s' needs --format (kubernetes, docker, sysctl or "
		    "ansible)", cmd->name);
	if (!(cmd->formats & (1u << o.format))) {
		char which[64] = "";

		for (size_t i = 0; i < NCOMMANDS; i++)
			if (commands[i].formats & (1u << o.format))
				snprintf(which + strlen(which), sizeof which - strlen(which),
				    "%s'%s'", which[0] ? ", " : "", commands[i].name);
		return usage(&o, "'--format %s' does not apply to '%s' (only to %s)",
		    report_format_name(o.format), cmd->name, which);
	}
	if (o.file != NULL && (o.file[0] != '/' || o.file[strlen(o.file) - 1] == '/'))
		return usage(&o, "invalid --file '%s' (expected an absolute path to a "
		    "file)", o.file);
	/* Neither applier reads a file whose name does not end in ".conf". */
	if (o.file != NULL && (strlen(o.file) < 6 ||
	    strcmp(o.file + strlen(o.file) - 5, ".conf") != 0))
		return usage(&o, "invalid --file '%s': neither sysctl --system nor "
		    "systemd-sysctl reads a file whose name does not end in '.conf'",
		    o.file);

	/* Colour only on a terminal, never with NO_COLOR (no-color.org). */
	env = getenv("NO_COLOR");
	o.color = !no_color && (env == NULL || *env == '\0') && isatty(STDOUT_FILENO) &&
	    o.format == FORMAT_TEXT;

	/* Profile search order: --profile-path, TCPADVISE_PROFILE_PATH,
	   ROOT/etc/tcpadvise/profiles; the built-in profiles come last. */
	env = getenv("TCPADVISE_PROFILE_PATH");
	if (env != NULL && (envpath = strdup(env)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", o.prog);
		return TA_EXIT_SYSTEM;
	}
	for (char *p = envpath; p != NULL || (envpath != NULL && save != NULL); p = NULL) {
		if ((tok = strtok_r(p, ":", &save)) == NULL)
			break;
		if (add_profile_dir(&o, tok) < 0) {
			free(envpath);
			return usage(&o, "too many profile directories");
		}
	}
	if (path_join_root(o.root, SYSCONFDIR "/tcpadvise/profiles", rootdir,
	    sizeof rootdir) < 0 || add_profile_dir(&o, rootdir) < 0) {
		free(envpath);
		return usage(&o, "--root '%s' is too long", o.root);
	}

	status = o.netns != NULL || o.all_netns ? cmd_netns(&o, cmd->run) : cmd->run(&o);
	/* A failure answers in JSON too: commands print their object only
	   when they succeed (or find something, exit 1). */
	if (status >= TA_EXIT_USAGE && (result.json || o.format == FORMAT_JSON) &&
	    !result.printed)
		(void)cmd_json_error(o.command, status, result.message);

	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE)
			fprintf(stderr, "%s: cannot write output: %s%s\n", o.prog,
			    strerror(errno), result.changed ? "; the change was "
			    "made (tcpadvise history shows it)" : "");
		status = TA_EXIT_SYSTEM;
	}
	free(envpath);
	return status;
}
