/*
 * parse: checked integer parsing, kernel-release parsing, and sysctl values
 * compared by shape. The only place that turns text into numbers: strtol(),
 * atoi() and friends are not used anywhere else.
 *
 * Never: prints, allocates (every function works in caller-provided memory),
 * or touches the file system.
 */
#ifndef TCPADVISE_PARSE_H
#define TCPADVISE_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * strtonum(3) semantics, decimal only. Accepts an optional leading '-'
 * (never '+'), then decimal digits; no leading or trailing white space, no
 * leading zeros ("0" itself is fine; "-0" is rejected as "invalid"), no
 * "0x". On success stores the number in *ret and returns 0. On failure
 * stores "invalid", "too small" or "too large" in *errstr (if errstr is not
 * NULL), leaves *ret alone and returns -EINVAL or -ERANGE.
 */
int parse_ll(const char *s, long long min, long long max, long long *ret,
    const char **errstr);

/*
 * A size in bytes, for the command line (--memory): decimal digits as
 * parse_ll() takes them, then optionally one of the binary suffixes K, M,
 * G or T (either case; powers of 1024, as MemTotal and free(1) count):
 * "4G", "512m", "1073741824". No sign, no blanks, no fraction. The bytes
 * must lie in [min, max]. Returns 0 and stores them, or -EINVAL/-ERANGE
 * with *errstr set as parse_ll() sets it.
 */
int parse_size(const char *s, long long min, long long max, long long *ret,
    const char **errstr);

/*
 * Parse one integer the way the kernel's proc_dointvec family reads a field
 * written to /proc/sys: optional '-', then base auto-detection ("0x10" = 16,
 * "010" = 8, "10" = 10); '+' is rejected. s need not be NUL-terminated at
 * the number: *ret_end is set past the digits. Returns 0, -EINVAL (no digits,
 * bad digit for the base) or -ERANGE (beyond long long).
 */
int parse_kernel_ll(const char *s, long long *ret, const char **ret_end);

/*
 * Exactly len hexadecimal digits (either case, 1 <= len <= 16) starting at
 * s, which need not be NUL-terminated: the fixed-width fields the kernel
 * prints with %08X / %04X in /proc/net/tcp. No prefix, sign or white space.
 * Returns 0 and stores the value, or -EINVAL.
 */
int parse_hex(const char *s, size_t len, unsigned long long *ret);

/* A Linux kernel release, "6.18.44-fc-v657" -> {6, 18, 44}. */
struct kver {
	unsigned major, minor, patch;
};

/*
 * Parse "X.Y[.Z][anything not a digit...]". Returns 0 or -EINVAL.
 * "4.12" -> {4,12,0}; "6.1.0-13-amd64" -> {6,1,0}; "6" -> -EINVAL.
 */
int kver_parse(const char *s, struct kver *ret);

/* <0, 0, >0 like strcmp. */
int kver_cmp(const struct kver *a, const struct kver *b);

/* How a sysctl's value is shaped. */
enum value_shape {
	SHAPE_INT,	/* one integer (also booleans and enumerations) */
	SHAPE_VECTOR,	/* nfields integers separated by white space */
	SHAPE_STRING,	/* one word, e.g. a congestion-control name */
	SHAPE_PORTS,	/* port list "1,2-4,10" (ip_local_reserved_ports) */
};

#define VALUE_MAX_FIELDS 4
#define VALUE_STR_MAX 256

/* Longest sysctl name the catalog and the suggestion code handle. */
#define SYSCTL_NAME_MAX 128

/*
 * A parsed value. For SHAPE_INT nfields is 1; for SHAPE_VECTOR it is the
 * number of fields parsed; for SHAPE_STRING and SHAPE_PORTS the canonical
 * text is in str (PORTS: ranges sorted and merged, "1-4,10"; "" = empty set)
 * and nfields is 0.
 */
struct value {
	enum value_shape shape;
	unsigned nfields;
	long long field[VALUE_MAX_FIELDS];
	char str[VALUE_STR_MAX];
};

/*
 * Parse a value as the kernel would read it when text is written to a key
 * of this shape (text as found in a sysctl.d line or read from /proc/sys):
 * fields split on any run of blanks (space, tab, newline); integers with
 * parse_kernel_ll(); a vector takes at most nfields fields and ignores
 * anything after them (the kernel does); fewer fields are allowed
 * (ret->nfields says how many). Leading/trailing white space is ignored.
 * Returns 0, or -EINVAL with *errstr set ("invalid", "empty", "too long",
 * "too many fields"...).
 */
int value_parse_kernel(const char *text, enum value_shape shape,
    unsigned nfields, struct value *ret, const char **errstr);

/*
 * Parse a value strictly (profiles, command line): integers with parse_ll()
 * in [min, max] for every field; a vector needs exactly nfields fields
 * separated by blanks. STRING: one word of [A-Za-z0-9_.-], at most
 * VALUE_STR_MAX-1 bytes. PORTS: comma-separated ports or ranges, each port
 * in 1..65535 (min/max ignored), may be empty.
 * Returns 0, or -EINVAL/-ERANGE with *errstr set.
 */
int value_parse_strict(const char *text, enum value_shape shape,
    unsigned nfields, long long min, long long max, struct value *ret,
    const char **errstr);

/*
 * Equal by shape: integers numerically field by field (a vector compares the
 * fields both have, and a shorter one equals only if all its fields match —
 * that is what the kernel keeps after a short write); strings exactly;
 * ports as canonical text.
 */
bool value_equal(const struct value *a, const struct value *b);

/*
 * Write the canonical text: fields separated by one space ("1024 65000"),
 * strings as they are. Returns 0 or -ENOBUFS.
 */
int value_format(const struct value *v, char *buf, size_t size);

#endif
