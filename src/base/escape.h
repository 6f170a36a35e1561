/*
 * escape: outside text made safe to show. Every string tcpadvise did not
 * write itself (sysctl.d content, keys, values, file names, process names,
 * profile text, command-line arguments quoted back) goes through here
 * before it reaches a terminal or a JSON document.
 *
 * Owns: nothing; the functions that allocate hand the result to the caller.
 * Never: prints on its own. term_fputs() writes only where the caller says.
 *
 * The rules of terminal text (tcpadvise(8), OUTPUT TEXT):
 *   - valid UTF-8 from U+00A0 up, and printable ASCII, pass unchanged;
 *   - each byte of a C0 control (0x00-0x1f), DEL (0x7f), a C1 control
 *     encoded in UTF-8 (U+0080-U+009F: C2 80 to C2 9F) and each byte that
 *     is not part of valid UTF-8 (raw 0x80-0xff, overlong forms,
 *     surrogates, code points above U+10FFFF, truncated sequences) is
 *     written as \xNN, two lowercase hex digits;
 *   - a backslash is written as \\, so that the output reads back to the
 *     input without ambiguity: "\x1b" in the output is an ESC byte, "\\x1b"
 *     the four characters of the input;
 *   - TAB and newline are escaped too (a field is one line), unless the
 *     caller passes TERM_KEEP_TAB or TERM_KEEP_NEWLINE for text it writes
 *     as lines (a profile's YAML source).
 * Only tcpadvise's own colour sequences ever reach the terminal raw.
 */
#ifndef TCPADVISE_ESCAPE_H
#define TCPADVISE_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

#define TERM_KEEP_NEWLINE	0x1u	/* '\n' passes: text written as lines */
#define TERM_KEEP_TAB		0x2u	/* '\t' passes: text keeps its layout */

/*
 * The length of the valid UTF-8 sequence at s (1 to 4; 1 for ASCII), or 0
 * when the byte at s does not start one: a stray continuation byte, C0/C1
 * or F5-FF lead bytes, an overlong form, a surrogate, a code point above
 * U+10FFFF or a sequence cut short (by the end of the string or by a byte
 * that is not a continuation byte). The NUL byte is never part of a
 * sequence.
 */
size_t utf8_seq_len(const char *s);

/*
 * s escaped by the rules above, in a new string the caller frees; NULL
 * only when out of memory. s NULL gives "".
 */
char *term_escape(const char *s, unsigned flags);

/*
 * Write s escaped by the rules above (one-line: flags 0) to out. s NULL
 * writes nothing. Returns 0, or EOF when writing failed.
 */
int term_fputs(const char *s, FILE *out);

/* term_fputs() with flags. */
int term_fputs_flags(const char *s, FILE *out, unsigned flags);

/*
 * printf-style formatting of a whole line of text made of outside input
 * (an error message quoting a path), escaped as one field (flags 0) and
 * written to out. The format itself must not hold control characters.
 * Returns 0, or EOF when formatting or writing failed.
 */
int term_printf(FILE *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A copy of s in which every byte that is not part of valid UTF-8 (as
 * utf8_seq_len() judges) is replaced by U+FFFD, for JSON (jansson rejects
 * invalid UTF-8). Control characters are kept: the JSON writer escapes
 * them. NULL only when out of memory; the caller frees.
 */
char *utf8_repair(const char *s);

/*
 * The text of a JSON document with DEL (0x7f) and the C1 controls
 * (U+0080-U+009F, UTF-8 C2 80 to C2 9F) written as \u007f and \u0080 to
 * \u009f, which jansson leaves raw. json holds valid UTF-8, as jansson's
 * dumps always do. Returns a new string (the caller frees) or NULL when
 * out of memory.
 */
char *json_escape_controls(const char *json);

#endif
