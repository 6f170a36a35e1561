/*
 * fragment: the one sysctl.d file tcpadvise writes, and other small files
 * it replaces atomically (the transactions of the apply history).
 *
 * Owns: rendering a profile into deterministic fragment text, reading it
 * back (bounded, never through a symlink), the atomic write recipe, removal,
 * the header that names the profile, a unified diff of two versions, and
 * finding the later configuration lines that override the fragment's keys.
 * Never: prints, exits, touches /proc/sys. Every path is an absolute path
 * below a root directory ("/" normally, --root in tests).
 *
 * Calling sequence (apply, under the apply lock of apply.h):
 *   r = fragment_render(profile, snapshot, &text, &skipped, &nskipped);
 *   r = fragment_read(root, path, &old);            (-ENOENT: none yet)
 *   r = fragment_write(root, path, text, &changed);
 *   r = sysctld_load(root, &config);
 *       (a dry run: fragment_config_planned(root, path, text, &config))
 *   r = fragment_overrides(config, path, &ov, &nov);
 *   ov = fragment_overrides_free(ov, nov);
 *   skipped = fragment_skips_free(skipped, nskipped);
 *
 * Error handling: every function returns 0 or a negative errno and leaves
 * its output parameters untouched on failure. -ELOOP always means "a
 * symbolic link stands where the file should be" and nothing was written.
 */
#ifndef TCPADVISE_FRAGMENT_H
#define TCPADVISE_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "atomicfile.h"
#include "profile.h"
#include "snapshot.h"
#include "sysctld.h"

/* Where apply writes its fragment unless --file says otherwise. */
#define FRAGMENT_DEFAULT "/etc/sysctl.d/90-tcpadvise.conf"

/* Larger fragments are refused with -EFBIG when read. */
#define FRAGMENT_MAX_BYTES ATOMIC_MAX_BYTES

/* A setting with an `apply` value that is not written, and why. */
struct fragment_skip {
	const char *key;	/* the catalog name (static storage) */
	const char *reason;	/* static text, e.g. "not on this kernel" */
};

/*
 * Why a setting is left out of the fragment, or NULL when it is written:
 * "not on this kernel" (the live key is absent), "global key: set it on the
 * host, not inside a network namespace" (SCOPE_GLOBAL or SCOPE_GLOBAL_RO in
 * a child network namespace), "read-only key". Settings without `apply` are
 * never written; the function returns "no apply value" for them.
 */
const char *fragment_skip_reason(const struct setting *st, const struct snapshot *s);

/*
 * Render the fragment for profile p on the system s: a header naming the
 * tool version, the profile ("# profile: NAME") and where it came from
 * ("# source: PATH" or "built-in"), then one entry per written key, sorted
 * by name with strcmp(): the setting's reason as "# " comments wrapped at
 * 78 columns, then "key = value" with the canonical value (value_format()).
 * Entries are separated by one blank line; LF line ends, final newline.
 * The same inputs always give the same bytes.
 * On success *ret_text is malloc'ed (caller frees) and *ret_skipped holds
 * *ret_n skipped settings in key order (free with fragment_skips_free();
 * NULL when none). Returns 0, -ENOMEM or -ENOBUFS (a value too long).
 */
int fragment_render(const struct profile *p, const struct snapshot *s,
    char **ret_text, struct fragment_skip **ret_skipped, size_t *ret_n);

/* One key of a fragment, for fragment_compose() and fragment_blocks(). */
struct fragment_block {
	const char *key;	/* dotted key */
	const char *value;	/* canonical value */
	const char *comment;	/* wrapped into "# " lines before the key; NULL */
	const char *verbatim;	/* written as it is instead (a block kept from
				   an older fragment, final newline included) */
};

/*
 * Fragment text from blocks in the order given: the header of
 * fragment_render() (tool version, "# profile: NAME", "# source: ORIGIN"
 * with a relative origin made absolute), then each block after a blank
 * line. Comments and values have control characters replaced by '?'.
 * *ret is malloc'ed. Returns 0 or -ENOMEM.
 */
int fragment_compose(const char *profile, const char *origin,
    const struct fragment_block *blocks, size_t n, char **ret);

/* text as the "# " comment lines of a fragment block (words filled up to
   78 columns, control characters replaced by '?'), each line after indent;
   "" for a blank text. *ret is malloc'ed. 0 or -ENOMEM. */
int fragment_comment(const char *indent, const char *text, char **ret);

/* One block's text as fragment_compose() writes it (no blank line before).
   *ret is malloc'ed. 0 or -ENOMEM. */
int fragment_block_text(const struct fragment_block *b, char **ret);

/*
 * The blocks of an existing fragment: every blank-line separated paragraph
 * whose last line is "key = value", with key, value and the paragraph
 * verbatim (comments and final newline included); the header and other
 * paragraphs are dropped. *ret (strings owned; free with
 * fragment_blocks_free()) may be NULL when *ret_n is 0. 0 or -ENOMEM.
 */
int fragment_blocks(const char *text, struct fragment_block **ret, size_t *ret_n);
struct fragment_block *fragment_blocks_free(struct fragment_block *list, size_t n);

/* Frees the array; accepts NULL; returns NULL. */
struct fragment_skip *fragment_skips_free(struct fragment_skip *list, size_t n);


/*
 * The profile named in the header of an existing fragment: the first
 * "# profile: NAME" line among the leading comment lines. On success
 * *ret_name is malloc'ed. Returns 0, -ENOENT (no fragment, or no such
 * line), or an error of fragment_read().
 */
int fragment_profile(const char *root, const char *path, char **ret_name);

/*
 * The value of the header line "# FIELD: VALUE" of an existing fragment
 * (fields: "profile", "source"), as fragment_profile() does for "profile".
 * Returns 0 and a malloc'ed *ret_value, -ENOENT, -EINVAL for a field name
 * too long, or an error of fragment_read().
 */
int fragment_header(const char *root, const char *path, const char *field,
    char **ret_value);

/*
 * A unified diff ("--- a/PATH", "+++ b/PATH", "@@ -l,n +l,n @@" hunks with
 * three lines of context) from before to after, for path (absolute; shown
 * without its leading '/', so `patch -p1` applies it at the root). before
 * NULL means the file does not exist ("--- /dev/null"). A line without a
 * final newline is followed by "\ No newline at end of file". Identical
 * texts give "". On success *ret is malloc'ed. Returns 0 or -ENOMEM.
 */
int fragment_diff(const char *path, const char *before, const char *after, char **ret);

/* Bits of fragment_override.appliers. */
#define FRAGMENT_PROCPS (1u << APPLIER_PROCPS)
#define FRAGMENT_SYSTEMD (1u << APPLIER_SYSTEMD)

/* A later configuration line that overrides one of the fragment's keys. */
struct fragment_override {
	const char *key;	/* points into the config */
	unsigned our_line;	/* the fragment's line that sets it */
	const char *file;	/* the file to edit (symlinks resolved) */
	unsigned line;
	const char *value;	/* the value it sets; NULL: a "-key" exclusion
				   (systemd then sets nothing at all) */
	unsigned appliers;	/* FRAGMENT_PROCPS | FRAGMENT_SYSTEMD */
};

/*
 * sysctld_load() of root with text in place of the file at path, whether
 * that exists or not: the files as they will be once text is written there
 * (for a dry run). The text is handed over in an anonymous memory file;
 * nothing is written below root. Returns what sysctld_load_planned() does,
 * or the errno of memfd_create()/write().
 */
int fragment_config_planned(const char *root, const char *path, const char *text,
    struct sysctld_config **ret);

/* The same for n files at once: texts[i] in place of the file at paths[i]. */
int fragment_config_planned_n(const char *root, const char *const *paths,
    const char *const *texts, size_t n, struct sysctld_config **ret);

/*
 * For every key the file at path (as listed in c->files, e.g.
 * "/etc/sysctl.d/90-tcpadvise.conf") assigns: every assignment of the same
 * key in a file the applier reads later (procps: /etc/sysctl.conf and hidden
 * files too; systemd: neither, except through a symlink), and every later
 * "-key" exclusion (systemd only: procps lets exclusions block globs only).
 * Entries for the same file and line are merged (appliers ORed). The list is
 * in (fragment line, reading order) order; its strings point into c and stay
 * valid while c lives. A path not in c->files gives an empty list.
 * Pure: no I/O. Returns 0 (*ret NULL when *ret_n is 0) or -ENOMEM.
 */
int fragment_overrides(const struct sysctld_config *c, const char *path,
    struct fragment_override **ret, size_t *ret_n);

/* Frees the array; accepts NULL; returns NULL. */
struct fragment_override *fragment_overrides_free(struct fragment_override *list,
    size_t n);

#endif
