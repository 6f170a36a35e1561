/* Unit tests of src/base/escape.c: what outside text looks like on a
   terminal and in JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "escape.c"

/* term_escape() of s with flags, compared with want. */
static void
escapes_to(const char *s, unsigned flags, const char *want)
{
	char *got = term_escape(s, flags);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_controls(void **state)
{
	(void)state;
	escapes_to("", 0, "");
	escapes_to(NULL, 0, "");
	escapes_to("net.ipv4.tcp_fin_timeout = 30", 0, "net.ipv4.tcp_fin_timeout = 30");
	/* OSC title, clear screen, BEL: every C0 byte as \xNN. */
	escapes_to("2\x1b]0;title\x07", 0, "2\\x1b]0;title\\x07");
	escapes_to("a\x1b[2Jb", 0, "a\\x1b[2Jb");
	escapes_to("\x01\x08\x0b\x0c\x0d\x1f", 0, "\\x01\\x08\\x0b\\x0c\\x0d\\x1f");
	/* TAB and newline too, unless the caller keeps them. */
	escapes_to("a\tb\nc", 0, "a\\x09b\\x0ac");
	escapes_to("a\tb\nc\r", TERM_KEEP_NEWLINE | TERM_KEEP_TAB, "a\tb\nc\\x0d");
	escapes_to("a\tb", TERM_KEEP_NEWLINE, "a\\x09b");
	/* DEL. */
	escapes_to("7\x7f", 0, "7\\x7f");
	/* A backslash is doubled: "\\x1b" is input text, "\x1b" an ESC. */
	escapes_to("\\x1b", 0, "\\\\x1b");
	escapes_to("a\\", 0, "a\\\\");
	escapes_to(" ~!\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}", 0,
	    " ~!\"#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}");
}

static void
test_utf8(void **state)
{
	(void)state;
	/* C1 controls in UTF-8 (U+0080, U+009B CSI, U+009F): both bytes. */
	escapes_to("\xc2\x80|\xc2\x9b" "31m|\xc2\x9f", 0,
	    "\\xc2\\x80|\\xc2\\x9b31m|\\xc2\\x9f");
	/* U+00A0 and up are text. */
	escapes_to("\xc2\xa0\xc3\xa9", 0, "\xc2\xa0\xc3\xa9");
	/* The Chinese of the seeds' titles, and a 4-byte character. */
	escapes_to("linux\xe4\xb8\xad\xe8\xbf\x9e\xe6\x8e\xa5\xe6\x95\xb0\xe8\xbf\x87"
	    "\xe5\xa4\x9a(TIME_WAIT/CLOSE_WAIT)", 0,
	    "linux\xe4\xb8\xad\xe8\xbf\x9e\xe6\x8e\xa5\xe6\x95\xb0\xe8\xbf\x87"
	    "\xe5\xa4\x9a(TIME_WAIT/CLOSE_WAIT)");
	escapes_to("\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80");
	escapes_to("\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf");
	/* Raw 0x80-0xff that are not UTF-8, byte by byte. */
	escapes_to("\x80\x9b\xa0\xff", 0, "\\x80\\x9b\\xa0\\xff");
	escapes_to("\xfe\xf5", 0, "\\xfe\\xf5");
	/* Overlong forms: '/' as C0 AF and E0 80 AF, NUL as C0 80. */
	escapes_to("\xc0\xaf", 0, "\\xc0\\xaf");
	escapes_to("\xc1\xbf", 0, "\\xc1\\xbf");
	escapes_to("\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf");
	escapes_to("\xf0\x80\x80\xaf", 0, "\\xf0\\x80\\x80\\xaf");
	/* Surrogates and code points above U+10FFFF. */
	escapes_to("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");
	escapes_to("\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80");
	/* Truncated: at the end, and before an ASCII byte; the ASCII byte
	   that cut it stays what it is. */
	escapes_to("a\xe4\xb8", 0, "a\\xe4\\xb8");
	escapes_to("\xe4\xb8x", 0, "\\xe4\\xb8x");
	escapes_to("\xf0\x9f\x98", 0, "\\xf0\\x9f\\x98");
	escapes_to("\xe4\x1b[2J", 0, "\\xe4\\x1b[2J");
}

static void
test_seq_len(void **state)
{
	(void)state;
	assert_int_equal(utf8_seq_len("a"), 1);
	assert_int_equal(utf8_seq_len("\x1b"), 1);
	assert_int_equal(utf8_seq_len("\xc2\x9b"), 2);
	assert_int_equal(utf8_seq_len("\xe4\xb8\xad"), 3);
	assert_int_equal(utf8_seq_len("\xf0\x9f\x98\x80"), 4);
	assert_int_equal(utf8_seq_len("\x80"), 0);
	assert_int_equal(utf8_seq_len("\xc2"), 0);
	assert_int_equal(utf8_seq_len("\xe0\x9f\x80"), 0);
	assert_int_equal(utf8_seq_len("\xef\xbf\xbd"), 3);
}

static void
test_fputs(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	assert_int_equal(term_fputs("k\x1b[2J", f), 0);
	assert_int_equal(term_fputs(NULL, f), 0);
	assert_int_equal(term_printf(f, " %s:%u %s", "/etc/x\x9b.conf", 3u, "\\"), 0);
	fclose(f);
	assert_string_equal(buf, "k\\x1b[2J /etc/x\\x9b.conf:3 \\\\");
	free(buf);
}

static void
test_repair(void **state)
{
	char *s;

	(void)state;
	/* Valid text, controls included, is kept for the JSON writer. */
	s = utf8_repair("a\x1b\x7f\xc2\x9b\xe4\xb8\xad");
	assert_string_equal(s, "a\x1b\x7f\xc2\x9b\xe4\xb8\xad");
	free(s);
	/* Each bad byte becomes U+FFFD. */
	s = utf8_repair("\xff\xc0\xaf|\xe4\xb8");
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
	    "\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = utf8_repair("");
	assert_string_equal(s, "");
	free(s);
}

static void
test_json_controls(void **state)
{
	char *s;

	(void)state;
	s = json_escape_controls("{\"a\": \"x\x7fy\xc2\x80\xc2\x9b\xc2\x9f\xc2\xa0"
	    "\xe4\xb8\xad\\u001b\"}");
	assert_string_equal(s, "{\"a\": \"x\\u007fy\\u0080\\u009b\\u009f\xc2\xa0"
	    "\xe4\xb8\xad\\u001b\"}");
	free(s);
	s = json_escape_controls("[]");
	assert_string_equal(s, "[]");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_seq_len),
		cmocka_unit_test(test_fputs),
		cmocka_unit_test(test_repair),
		cmocka_unit_test(test_json_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
