/*
 * test_sheets_text.c - the rules that turn cell values into text and back:
 * shortest decimals, date serials (1900 with Lotus' leap day, 1904), number
 * format kinds, ISO 8601 parsing, column letters, and the error messages
 * with their locations in both languages.
 */
#include "test_sheets_util.h"

#include "sheets_int.h"

static void test_numbers(void **state)
{
	static const struct {
		double d;
		const char *want;
	} cases[] = {
		{0, "0"},
		{-0.0, "0"},
		{1, "1"},
		{-3.5, "-3.5"},
		{0.1, "0.1"},
		{0.5, "0.5"},
		{100, "100"},
		{1234.5678, "1234.5678"},
		{12345678901, "12345678901"},
		{0.30000000000000004, "0.30000000000000004"},
		{10.0 / 3, "3.3333333333333335"},
		{1e-6, "0.000001"},
		{1e-7, "1e-7"},
		{-1e-7, "-1e-7"},
		{1.23e-18, "1.23e-18"},
		{1e20, "100000000000000000000"},
		{1e21, "1e+21"},
		{123456789012345678.0, "123456789012345680"},
		{9007199254740992.0, "9007199254740992"},
		{9007199254740994.0, "9007199254740994"},
		{1.5e300, "1.5e+300"},
		{5e-324, "5e-324"},
		{1.7976931348623157e308, "1.7976931348623157e+308"},
	};
	char out[SH_NUM_MAX];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = sh_num_text(cases[i].d, out);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%.17g: got %s, want %s", cases[i].d, out, cases[i].want);
		assert_int_equal(n, strlen(out));
		assert_true(strtod(out, NULL) == cases[i].d || cases[i].d == 0);
	}
	/* texts that are already the shortest: kept as stored (and always what sh_num_text prints) */
	static const char *const shortest[] = {
		"0", "1", "-3.5", "0.25", "12345678901", "123456789012345", "0.000001", "99.95", "-0.5"};
	static const char *const not_shortest[] = {
		"-0", "00012", "1.50", "1e5",    "0.0000001", "1234567890123456", "3.3333333333333335", "1.",
		".5", "",      "-",    "1.0E-3", " 7"};
	for (size_t i = 0; i < sizeof shortest / sizeof shortest[0]; i++) {
		assert_true(sh_num_is_shortest(shortest[i], strlen(shortest[i])));
		sh_num_text(strtod(shortest[i], NULL), out);
		assert_string_equal(out, shortest[i]);
	}
	for (size_t i = 0; i < sizeof not_shortest / sizeof not_shortest[0]; i++)
		if (sh_num_is_shortest(not_shortest[i], strlen(not_shortest[i])))
			fail_msg("'%s' taken as shortest", not_shortest[i]);
	static const struct {
		const char *s;
		bool dec;
	} dec[] = {{"-3.5", true}, {"+1", true},   {"1e5", true},   {".5", true},
		   {"5.", true},   {"1E-3", true}, {"-", false},    {"=1+2", false},
		   {"1-2", false}, {"", false},    {"1e", false},   {"@x", false},
		   {"+", false},   {" 1", false},  {"0x10", false}, {"1.2.3", false}};
	for (size_t i = 0; i < sizeof dec / sizeof dec[0]; i++)
		if (sh_is_decimal(dec[i].s) != dec[i].dec)
			fail_msg("sh_is_decimal(\"%s\")", dec[i].s);
}

static void test_dates(void **state)
{
	static const struct {
		double v;
		uint8_t kind;
		bool d1904;
		const char *want; /* NULL: shown as a number */
	} cases[] = {
		{1, SH_DATE, false, "1900-01-01"},
		{59, SH_DATE, false, "1900-02-28"},
		{60, SH_DATE, false, "1900-02-29"}, /* Lotus' day */
		{61, SH_DATE, false, "1900-03-01"},
		{46143, SH_DATE, false, "2026-05-01"},
		{46143.75, SH_DATE, false, "2026-05-01"},
		{2958465, SH_DATE, false, "9999-12-31"},
		{2958466, SH_DATE, false, NULL},
		{-1, SH_DATE, false, NULL},
		{0, SH_DATE, false, NULL},
		{0.5, SH_DATE, false, "12:00:00"},
		{0.5, SH_TIME, false, "12:00:00"},
		{0, SH_TIME, false, "00:00:00"},
		{46143.25, SH_TIME, false, "2026-05-01T06:00:00"},
		{46143.999999, SH_DATETIME, false, "2026-05-02T00:00:00"}, /* rounded to the second */
		{46143 + 1.0 / 86400, SH_DATETIME, false, "2026-05-01T00:00:01"},
		{0, SH_DATE, true, "1904-01-01"},
		{44681, SH_DATE, true, "2026-05-01"},
		{0.5, SH_DATETIME, true, "1904-01-01T12:00:00"},
		{46143, SH_GENERAL, false, NULL},
	};
	char out[SH_NUM_MAX];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = sh_serial_text(cases[i].v, (sh_fmt){cases[i].kind, 0}, cases[i].d1904, out);
		if (!cases[i].want ? n != 0 : n == 0 || strcmp(out, cases[i].want) != 0)
			fail_msg("%.10g kind %d: got %s, want %s", cases[i].v, cases[i].kind,
				 n ? out : "(number)", cases[i].want ? cases[i].want : "(number)");
	}
	sh_fmt pad = {SH_ZEROPAD, 5};
	assert_int_equal(sh_serial_text(12, pad, false, out), 5);
	assert_string_equal(out, "00012");
	assert_int_equal(sh_serial_text(123456, pad, false, out), 6);
	assert_int_equal(sh_serial_text(1.5, pad, false, out), 0);
	assert_int_equal(sh_serial_text(-1, pad, false, out), 0);
	/* ISO 8601 in: what the writer accepts, and its serial */
	static const struct {
		const char *s;
		double serial; /* -2: refused */
	} iso[] = {
		{"2026-05-01", 46143},
		{"1900-01-01", 1},
		{"1900-02-28", 59},
		{"1900-03-01", 61},
		{"9999-12-31", 2958465},
		{"2026-05-01T12:00:00", 46143.5},
		{"2026-05-01 06:00", 46143.25},
		{"12:00", 0.5},
		{"23:59:59", 86399.0 / 86400},
		{"1899-12-31", -1},
		{"2024-02-29", 45351},
		{"2026-02-29", -2},
		{"2026-13-01", -2},
		{"2026-05-01T", -2},
		{"25:00", -2},
		{"2026-5-1", -2},
		{"abc", -2},
		{"", -2},
		{"2026-05-01T12:60", -2},
	};
	for (size_t i = 0; i < sizeof iso / sizeof iso[0]; i++) {
		sh_dt dt;
		bool ok = sh_dt_parse(iso[i].s, &dt);
		if (ok != (iso[i].serial != -2))
			fail_msg("sh_dt_parse(\"%s\") = %d", iso[i].s, ok);
		if (ok && sh_dt_serial(&dt) != iso[i].serial)
			fail_msg("serial of %s: %.10g, want %.10g", iso[i].s, sh_dt_serial(&dt),
				 iso[i].serial);
	}
}

static void test_formats(void **state)
{
	static const struct {
		const char *code;
		uint8_t kind, pad;
	} cases[] = {
		{"yyyy/m/d;@", SH_DATE, 0},
		{"yyyy\"年\"m\"月\"d\"日\"", SH_DATE, 0},
		{"[$-F800]dddd, mmmm dd, yyyy", SH_DATE, 0},
		{"[$-804]yyyy-mm-dd", SH_DATE, 0},
		{"mmm", SH_DATE, 0},
		{"mm:ss", SH_TIME, 0},
		{"h:mm AM/PM", SH_TIME, 0},
		{"[$-F400]h:mm:ss AM/PM", SH_TIME, 0},
		{"yyyy-mm-dd hh:mm", SH_DATETIME, 0},
		{"[h]:mm:ss", SH_GENERAL, 0},
		{"0.00E+00", SH_GENERAL, 0},
		{"0.00%", SH_GENERAL, 0},
		{"[Red]0.00;[Blue]-0.00", SH_GENERAL, 0},
		{"General", SH_GENERAL, 0},
		{"@", SH_GENERAL, 0},
		{"0", SH_GENERAL, 0},
		{"00000", SH_ZEROPAD, 5},
		{"000000;@", SH_ZEROPAD, 6},
		{"\"No.\"000", SH_GENERAL, 0},
		{"#,##0", SH_GENERAL, 0},
		{"\"d\"0", SH_GENERAL, 0}, /* a quoted d is text */
		{"\\d0", SH_GENERAL, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sh_fmt f = sh_fmt_code(cases[i].code);
		if (f.kind != cases[i].kind || f.pad != cases[i].pad)
			fail_msg("%s: kind %d pad %d, want %d %d", cases[i].code, f.kind, f.pad,
				 cases[i].kind, cases[i].pad);
	}
	static const struct {
		unsigned id;
		uint8_t kind;
	} ids[] = {{0, SH_GENERAL},  {2, SH_GENERAL},   {14, SH_DATE}, {17, SH_DATE},    {18, SH_TIME},
		   {20, SH_TIME},    {22, SH_DATETIME}, {31, SH_DATE}, {32, SH_TIME},    {46, SH_GENERAL},
		   {49, SH_GENERAL}, {57, SH_DATE},     {58, SH_DATE}, {164, SH_GENERAL}};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (sh_fmt_builtin(ids[i].id).kind != ids[i].kind)
			fail_msg("built-in %u", ids[i].id);
}

static void test_columns(void **state)
{
	static const struct {
		uint32_t n;
		const char *s;
	} cases[] = {{1, "A"},    {26, "Z"},    {27, "AA"},     {52, "AZ"}, {53, "BA"},
		     {702, "ZZ"}, {703, "AAA"}, {16384, "XFD"}, {0, ""},    {16385, ""}};
	char buf[4];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sheets_col_name(cases[i].n, buf);
		assert_string_equal(buf, cases[i].s);
		if (*cases[i].s)
			assert_int_equal(sheets_col_number(cases[i].s), cases[i].n);
	}
	assert_int_equal(sheets_col_number("xfd"), 16384);
	assert_int_equal(sheets_col_number("XFE"), 0);
	assert_int_equal(sheets_col_number("A1"), 0);
	assert_int_equal(sheets_col_number(""), 0);
	assert_int_equal(sheets_col_number(NULL), 0);
}

static void test_messages(void **state)
{
	/* every code has a stable name and a message in both languages */
	for (int c = 0; c >= SHEETS_E_LAST; c--) {
		assert_string_not_equal(sheets_errname(c), "?");
		assert_string_not_equal(sheets_strerror(c, "en"), sheets_strerror(c, "zh-CN"));
		for (int k = c - 1; k >= SHEETS_E_LAST; k--)
			assert_string_not_equal(sheets_errname(c), sheets_errname(k));
	}
	assert_string_equal(sheets_errname(SHEETS_E_LAST - 1), "?");
	assert_string_equal(sheets_errname(1), "?");
	assert_string_equal(sheets_strerror(-99, "en"), "unknown error");
	assert_string_equal(sheets_strerror(SHEETS_E_QUOTE, NULL), "引号没有闭合");
	/* locations */
	static const struct {
		sheets_error e;
		const char *en, *zh;
	} cases[] = {
		{{.code = SHEETS_E_VALUE,
		  .file = "名册.xlsx",
		  .sheet = "花名册",
		  .row = 5,
		  .col = 3,
		  .detail = "12abc"},
		 "名册.xlsx: 花名册!C5: invalid cell value: 12abc",
		 "名册.xlsx: 花名册!C5: 单元格的值有误：12abc"},
		{{.code = SHEETS_E_XML,
		  .file = "a.xlsx",
		  .part = "xl/worksheets/sheet1.xml",
		  .line = 2,
		  .line_col = 19,
		  .sheet = "Sheet 1",
		  .detail = "mismatched tag"},
		 "a.xlsx: xl/worksheets/sheet1.xml:2:19: 'Sheet 1': the XLSX file is damaged (bad XML): mismatched tag",
		 "a.xlsx: xl/worksheets/sheet1.xml:2:19: 'Sheet 1': XLSX 文件已损坏（XML 格式错误）：mismatched tag"},
		{{.code = SHEETS_E_ROWS, .file = "b.csv", .line = 9, .sheet = "b", .row = 7},
		 "b.csv:9: b row 7: more rows than the limit",
		 "b.csv:9: b 第 7 行: 行数超过上限"},
		{{.code = SHEETS_E_COLS, .sheet = "it's", .row = 1, .col = 16385},
		 "'it''s' row 1, column 16385: more columns than the limit",
		 "'it''s' 第 1 行第 16385 列: 列数超过上限"},
		{{.code = SHEETS_E_NOMEM}, "out of memory", "内存不足"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *en = sheets_error_text(&cases[i].e, "en"),
		     *zh = sheets_error_text(&cases[i].e, "zh-CN");
		assert_string_equal(en, cases[i].en);
		assert_string_equal(zh, cases[i].zh);
		free(en);
		free(zh);
	}
	sheets_error none = {0};
	assert_null(sheets_error_text(&none, "en"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),  cmocka_unit_test(test_dates),
		cmocka_unit_test(test_formats),  cmocka_unit_test(test_columns),
		cmocka_unit_test(test_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
