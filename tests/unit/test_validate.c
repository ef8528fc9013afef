/*
 * test_validate.c - field checks of incoming messages (server/live/validate.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "live/validate.h"

static void test_name_ok_and_trimmed(void **state)
{
	char *out = NULL;
	(void)state;
	assert_int_equal(validate_name("  张三 ", &out), SA_OK);
	assert_string_equal(out, "张三");
	free(out);
	/* The ideographic space of Chinese input methods is trimmed too. */
	assert_int_equal(validate_name("\xE3\x80\x80李四\xE3\x80\x80", &out), SA_OK);
	assert_string_equal(out, "李四");
	free(out);
}

static void test_name_length_counts_characters(void **state)
{
	char buf[64 * 3 + 4], *out = NULL;
	(void)state;
	buf[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(buf, "工");
	assert_int_equal(validate_name(buf, &out), SA_OK); /* 64 characters, 192 bytes */
	free(out);
	strcat(buf, "人");
	assert_int_equal(validate_name(buf, NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("", NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("   ", NULL), SA_E_INVALID_NAME);
}

static void test_name_control_characters(void **state)
{
	(void)state;
	assert_int_equal(validate_name("a\tb", NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("a\nb", NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("a\x7f"
				       "b",
				       NULL),
			 SA_E_INVALID_NAME);
	assert_int_equal(validate_name("a\xC2\x85"
				       "b",
				       NULL),
			 SA_E_INVALID_NAME); /* NEL, C1 */
	assert_int_equal(validate_name("a\xE2\x80\xA8"
				       "b",
				       NULL),
			 SA_E_INVALID_NAME);                                  /* U+2028 */
	assert_int_equal(validate_name("\xC3\x28", NULL), SA_E_INVALID_NAME); /* bad UTF-8 */
}

/* Names made only of invisible or whitespace characters show nothing on the board. */
static void test_name_invisible_only(void **state)
{
	(void)state;
	const char *blank[] = {
		"\u200B",             /* zero width space */
		"\u200B\u200C\u200D", /* zero width (non-)joiners */
		"\u200E\u200F",       /* LRM RLM */
		"\uFEFF",             /* BOM */
		"\u3164\u3164",       /* Hangul filler */
		"\u115F\u1160",       /* Hangul choseong/jungseong fillers */
		"\uFFA0",             /* halfwidth Hangul filler */
		"\u180E",             /* Mongolian vowel separator */
		"\u00AD\u00AD",       /* soft hyphens */
		"\u2060\u2061\u2062\u2063\u2064",
		"\u2800",           /* braille blank */
		" \u200B ",         /* invisible between spaces */
		"\xF3\xA0\x80\x81", /* U+E0001 language tag */
	};
	for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
		assert_int_equal(validate_name(blank[i], NULL), SA_E_INVALID_NAME);
		assert_int_equal(validate_unit(blank[i], NULL), SA_E_INVALID_FIELD);
	}
	/* whitespace alone: no name; a unit, optional, trims to empty */
	const char *space[] = {"\u00A0\u2003\u3000", "\u2000\u200A\u202F\u205F\u1680", " \u3000 "};
	for (size_t i = 0; i < sizeof space / sizeof space[0]; i++) {
		char *out = NULL;
		assert_int_equal(validate_name(space[i], NULL), SA_E_INVALID_NAME);
		assert_int_equal(validate_unit(space[i], &out), SA_OK);
		assert_string_equal(out, "");
		free(out);
	}
	/* beside visible characters they are allowed (a joiner in an emoji, a soft hyphen) */
	char *out = NULL;
	assert_int_equal(validate_name("\u200B", NULL), SA_E_INVALID_NAME);
	assert_int_equal(validate_name("\u5F20\u200D\u4E09", &out), SA_OK);
	free(out);
	/* whitespace of any kind is trimmed at the ends */
	assert_int_equal(validate_name("\u00A0\u2003\u5F20\u4E09\u3000\u202F", &out), SA_OK);
	assert_string_equal(out, "\u5F20\u4E09");
	free(out);
}

/* Bidirectional embeddings, overrides and isolates reorder what the board shows: refused anywhere. */
static void test_bidi_controls_refused(void **state)
{
	(void)state;
	const char *bidi[] = {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E",
			      "\u2066", "\u2067", "\u2068", "\u2069"};
	for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
		char buf[64];
		snprintf(buf, sizeof buf, "\u5F20%s\u4E09", bidi[i]);
		assert_int_equal(validate_name(buf, NULL), SA_E_INVALID_NAME);
		assert_int_equal(validate_unit(buf, NULL), SA_E_INVALID_FIELD);
		snprintf(buf, sizeof buf, "%sabc", bidi[i]);
		assert_int_equal(validate_name(buf, NULL), SA_E_INVALID_NAME);
	}
	/* "\u202Egnp.exe": a name that would show as "exe.png" */
	assert_int_equal(validate_name("\u202Egnp.exe", NULL), SA_E_INVALID_NAME);
}

static void test_device_key(void **state)
{
	(void)state;
	assert_int_equal(validate_device_key("0123456789abcdef"), SA_OK);
	assert_int_equal(
		validate_device_key("9f2c0a1b-77d3_4e5f9f2c0a1b77d34e5f9f2c0a1b77d34e5f9f2c0a1b77d3"), SA_OK);
	assert_int_equal(validate_device_key("short"), SA_E_INVALID_FIELD);
	assert_int_equal(validate_device_key("0123456789abcdef 0"), SA_E_INVALID_FIELD);
	assert_int_equal(
		validate_device_key("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"),
		SA_E_INVALID_FIELD); /* 65 */
}

static void test_unit_and_employee_no(void **state)
{
	char *out = NULL;
	(void)state;
	assert_int_equal(validate_unit("", &out), SA_OK);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(validate_unit("一车间\x01", NULL), SA_E_INVALID_FIELD);
	assert_int_equal(validate_employee_no("A1024-x_9", &out), SA_OK);
	free(out);
	assert_int_equal(validate_employee_no("A 1", NULL), SA_E_INVALID_FIELD);
	assert_int_equal(validate_employee_no("工号1", NULL), SA_E_INVALID_FIELD);
	assert_int_equal(validate_employee_no("123456789012345678901234567890123", NULL), SA_E_INVALID_FIELD);
}

static void test_rid_and_code(void **state)
{
	char code[17];
	(void)state;
	assert_int_equal(validate_rid("a-7-1"), SA_OK);
	assert_int_equal(validate_rid(""), SA_E_INVALID_FIELD);
	assert_int_equal(validate_rid("a\nb"), SA_E_INVALID_FIELD);
	assert_int_equal(validate_code("safe2026", code), SA_OK);
	assert_string_equal(code, "SAFE2026");
	assert_int_equal(validate_code("abc", code), SA_E_UNKNOWN_CONTEST);
	assert_int_equal(validate_code("SAFE-2026", code), SA_E_UNKNOWN_CONTEST);
	assert_int_equal(validate_code("ABCDEFGHIJKLMNOPQ", code), SA_E_UNKNOWN_CONTEST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_ok_and_trimmed),
		cmocka_unit_test(test_name_length_counts_characters),
		cmocka_unit_test(test_name_control_characters),
		cmocka_unit_test(test_name_invisible_only),
		cmocka_unit_test(test_bidi_controls_refused),
		cmocka_unit_test(test_device_key),
		cmocka_unit_test(test_unit_and_employee_no),
		cmocka_unit_test(test_rid_and_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
