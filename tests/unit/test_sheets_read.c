/*
 * test_sheets_read.c - reading XLSX and CSV written by other programs.
 *
 * The workbooks come from openpyxl and from Python's zipfile (for what
 * openpyxl does not write: rich text, phonetic runs, inline strings, cached
 * formula values, errors, prefixed namespaces, cells without r), the CSVs
 * from Python's codecs (GBK, GB18030, UTF-16, UTF-8 with and without BOM).
 * Each sheet is compared whole, cell by cell, with its type.
 */
#include "test_sheets_util.h"

static int setup(void **state) { return ts_fixtures("read"); }

static int teardown(void **state)
{
	ts_cleanup();
	return 0;
}

#define NAME64                                                                                                                                                      \
	"中华人民共和国劳动竞赛技能比武第一届全国电力行业职业技能竞赛变电站值班员项目个人赛决赛选手名单与成绩汇" \
	"总表一二三四五六七"

static void test_roster(void **state)
{
	char *p = ts_path("roster.xlsx");
	ts_eq(ts_read(p, NULL, NULL),
	      "1\tA1 T 工号\tB1 T 姓名\tC1 T 单位\tD1 T 手机尾号\tE1 T 入职日期\tF1 T 成绩\tG1 T 在岗\n"
	      /* text stays text ("00012"), a date, a boolean */
	      "2\tA2 T 00012\tB2 T 张三\tC2 T 电力公司/第一分厂/检修车间/一班\tD2 T 0371\tE2 D 2020-03-01\t"
	      "F2 N 95.5\tG2 B TRUE\n"
	      /* 12345678901 in full, a 64-character Chinese cell, a date with a time */
	      "3\tA3 N 12345678901\tB3 T 李四\tC3 T " NAME64
	      "\tD3 N 371\tE3 D 2026-05-01T09:30:15\tF3 N 0.1\t"
	      "G3 B FALSE\n"
	      /* numbers as openpyxl stored them (it keeps 16 digits: 3.333333333333333) */
	      "4\tA4 N -3.5\tB4 N 1e-7\tC4 N 1e+21\tD4 N 3.333333333333333\tE4 N 123456789012345700\tF4 N 0\t"
	      "G4 N 9007199254740992\n"
	      /* row 5 is blank; row 6 has a gap and a time */
	      "6\tA6 - \tB6 - \tC6 T 王五\tD6 - \tE6 D 09:30:00\n"
	      /* 年月日 format, both sides of Lotus' 1900-02-29, 00000 padding, built-in id 14,
	       * an elapsed time and a percentage stay numbers */
	      "7\tA7 D 2026-12-05\tB7 D 1900-02-28\tC7 D 1900-03-01\tD7 T 00012\tE7 D 2026-01-02\tF7 N 1.5\t"
	      "G7 N 0.25\n"
	      /* a formula without a cached value is empty; merged B8:D8 has its value in B8 only */
	      "8\tA8 - \tB8 T 合并\tC8 - \tD8 - \tE8 T   前后空格  \tF8 T 第一行\\n第二行\n");
	free(p);
}

static void test_sheet_list(void **state)
{
	char *p = ts_path("roster.xlsx");
	sheets_reader *r;
	assert_int_equal(sheets_open(&r, p, NULL), 0);
	assert_int_equal(sheets_reader_format(r), SHEETS_XLSX);
	size_t n;
	const sheets_sheet *s = sheets_list(r, &n);
	assert_int_equal(n, 3);
	assert_string_equal(s[0].name, "花名册");
	assert_false(s[0].hidden);
	assert_string_equal(s[1].name, "隐藏");
	assert_true(s[1].hidden);
	assert_string_equal(s[2].name, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一");
	/* by index and by name, any order, again */
	assert_int_equal(sheets_select(r, 2), 0);
	ts_eq(ts_dump(r), "2\tA2 - \tB2 T x\n");
	assert_int_equal(sheets_select_name(r, "隐藏"), 0);
	const sheets_row *row;
	assert_int_equal(sheets_next(r, &row), SHEETS_ROW);
	assert_string_equal(row->sheet, "隐藏");
	assert_int_equal(row->num, 1);
	assert_int_equal(row->ncells, 1);
	assert_int_equal(row->cells[0].len, 6);
	assert_int_equal(row->cells[0].line, 1); /* XLSX: the row and column numbers */
	assert_int_equal(row->cells[0].line_col, 1);
	assert_int_equal(sheets_next(r, &row), SHEETS_DONE);
	assert_int_equal(sheets_next(r, &row), SHEETS_DONE);
	assert_int_equal(sheets_select(r, 0), 0);
	assert_int_equal(sheets_next(r, &row), SHEETS_ROW);
	assert_string_equal(row->cells[0].s, "工号");
	/* a sheet that is not there: the error is sticky */
	assert_int_equal(sheets_select_name(r, "没有"), SHEETS_E_NO_SHEET);
	char *e = ts_error(sheets_reader_error(r)), *want;
	assert_true(asprintf(&want, "%s: no such sheet: 没有", p) > 0);
	assert_string_equal(e, want);
	free(want);
	free(e);
	assert_int_equal(sheets_next(r, &row), SHEETS_E_NO_SHEET);
	sheets_close(r);
	free(p);
}

static void test_handmade(void **state)
{
	char *p = ts_path("handmade.xlsx");
	ts_eq(ts_read(p, NULL, NULL),
	      /* shared strings: rich runs joined, phonetic run left out, _xHHHH_ decoded, entities */
	      "1\tA1 T 纯文本\tB1 T 富文本 \tC1 T 回车\\r换行_x0041_\tD1 T A&B <c>\n"
	      /* inline strings, a formula's cached text and number, boolean, error */
	      "2\tA2 T 内联\tB2 T 富内联\tC2 T ab\tD2 N 3\tE2 B TRUE\tF2 E #DIV/0!\n"
	      /* cells without r follow the previous one; custom yyyy/m/d;@ and built-in 31 (年月日) */
	      "3\tA3 N 1\tB3 B FALSE\tC3 - \tD3 - \tE3 D 2026-05-01\tF3 D 2026-05-01\n"
	      /* cells out of order, an ISO date cell (t=d), text format @ on a number, no cached value */
	      "4\tA4 N 1\tB4 D 2026-05-01T08:00:00\tC4 N 2\tD4 N 7\n"
	      /* the shortest decimal that reads back the same double */
	      "5\tA5 N 3.3333333333333335\tB5 N 0.30000000000000004\tC5 N 123456789012345680\tD5 N 0.001\t"
	      "E5 N 0\tF5 N 12\tG5 N 7\n");
	free(p);
}

static void test_date_systems(void **state)
{
	char *p = ts_path("date1904.xlsx");
	ts_eq(ts_read(p, NULL, NULL), "1\tA1 D 2026-05-01\tB1 D 1904-01-01T12:00:00\tC1 N 42\n");
	free(p);
	p = ts_path("isodates.xlsx");
	ts_eq(ts_read(p, NULL, NULL), "1\tA1 D 2026-05-01T08:00:00\n");
	free(p);
}

static void test_memory(void **state)
{
	char *p = ts_path("roster.xlsx");
	size_t len;
	char *data = ts_slurp(p, &len);
	sheets_read_opts o = {.name = "名册.xlsx"};
	char *dump = ts_read_mem(data, len, &o);
	assert_non_null(strstr(dump, "2\tA2 T 00012\tB2 T 张三"));
	free(dump);
	free(data);
	free(p);
	/* a CSV buffer: its sheet is named after o.name */
	const char csv[] = "a,b\n1,2\n";
	sheets_reader *r;
	o.name = "dir/工资表.csv";
	assert_int_equal(sheets_open_mem(&r, csv, sizeof csv - 1, &o), 0);
	assert_int_equal(sheets_reader_format(r), SHEETS_CSV);
	size_t n;
	assert_string_equal(sheets_list(r, &n)[0].name, "工资表");
	sheets_close(r);
}

/* ---- CSV ---- */

#define ROSTER_CSV                                                     \
	"1\tA1 T 工号\tB1 T 姓名\tC1 T 单位\n"                   \
	"2\tA2 T 00012\tB2 T 张三\tC2 T 电力公司/第一分厂\n" \
	"3\tA3 T 00013\tB3 T 李\"四\tC3 T 多行\\n单位\n"

static void test_csv_encodings(void **state)
{
	static const char *const files[] = {"roster_utf8.csv", "roster_bom.csv", "roster_gbk.csv",
					    "roster_utf16.txt"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *p = ts_path(files[i]);
		ts_eq(ts_read(p, NULL, NULL), ROSTER_CSV);
		free(p);
	}
	char *p = ts_path("roster_gb18030.csv"); /* 𠀀 is not in GBK: four bytes in GB18030 */
	ts_eq(ts_read(p, NULL, NULL), "1\tA1 T 工号\tB1 T 姓名\n2\tA2 T 1\tB2 T 𠀀字\n");
	/* told it is UTF-8, GBK is refused where it stops being UTF-8 */
	free(p);
	p = ts_path("roster_gbk.csv");
	sheets_read_opts o = {.encoding = "utf-8"};
	char *d = ts_read(p, &o, NULL);
	char *want;
	assert_true(asprintf(&want, "error: %s:1:1: not valid UTF-8 text (save it as UTF-8 if it is GBK)\n",
			     p) > 0);
	ts_eq(d, want);
	free(want);
	free(p);
}

static void test_csv_rfc4180(void **state)
{
	sheets_read_opts o = {.name = "t.csv"};
	/* quotes, doubled quotes, line breaks (LF, CR LF, CR) inside and between records, a blank
	 * line (its number is kept), empty and trailing empty fields, text after a closing quote */
	const char in[] = "a,\"b,1\",\"say \"\"hi\"\"\"\r\n\"x\ny\",,z,,\r\n\r\n,\"\"\r\"q\"tail,3\n";
	ts_eq(ts_read_mem(in, sizeof in - 1, &o), "1\tA1 T a\tB1 T b,1\tC1 T say \"hi\"\n"
						  "2\tA2 T x\\ny\tB2 - \tC2 T z\tD2 - \tE2 - \n"
						  "5\tA5 T qtail\tB5 T 3\n");
	/* the delimiter the first line uses most: semicolon (European Excel), tab */
	const char semi[] = "a;b,c;d\n1;2,3;4\n";
	ts_eq(ts_read_mem(semi, sizeof semi - 1, &o),
	      "1\tA1 T a\tB1 T b,c\tC1 T d\n2\tA2 T 1\tB2 T 2,3\tC2 T 4\n");
	const char tab[] = "a\tb\tc,d\n1\t2\n";
	ts_eq(ts_read_mem(tab, sizeof tab - 1, &o), "1\tA1 T a\tB1 T b\tC1 T c,d\n2\tA2 T 1\tB2 T 2\n");
	o.delimiter = '|';
	const char pipe[] = "a|b,c\n";
	ts_eq(ts_read_mem(pipe, sizeof pipe - 1, &o), "1\tA1 T a\tB1 T b,c\n");
	o.delimiter = 0;
	/* no newline at the end, an empty file */
	ts_eq(ts_read_mem("x", 1, &o), "1\tA1 T x\n");
	ts_eq(ts_read_mem("", 0, &o), "");
	/* where a cell starts: line and character column, a record spanning lines */
	const char multi[] = "名字,\"多\n行\",尾\n甲,乙\n";
	sheets_reader *r;
	assert_int_equal(sheets_open_mem(&r, multi, sizeof multi - 1, &o), 0);
	const sheets_row *row;
	assert_int_equal(sheets_next(r, &row), SHEETS_ROW);
	assert_int_equal(row->num, 1);
	assert_int_equal(row->line, 1);
	assert_int_equal(row->cells[1].line, 1);
	assert_int_equal(row->cells[1].line_col, 4);
	assert_int_equal(row->cells[2].line, 2);
	assert_int_equal(row->cells[2].line_col, 4);
	assert_int_equal(sheets_next(r, &row), SHEETS_ROW);
	assert_int_equal(row->num, 2);
	assert_int_equal(row->line, 3);
	assert_int_equal(row->cells[1].line_col, 3);
	assert_string_equal(row->sheet, "t");
	sheets_close(r);
}

static void test_csv_errors(void **state)
{
	sheets_read_opts o = {.name = "名单.csv"};
	const char quote[] = "a,b\n1,2\nx,\"never closed\n";
	ts_eq(ts_read_mem(quote, sizeof quote - 1, &o),
	      "1\tA1 T a\tB1 T b\n2\tA2 T 1\tB2 T 2\nerror: 名单.csv:3:3: 名单!B3: unterminated quoted field\n");
	/* the same in Chinese */
	sheets_reader *r;
	assert_int_equal(sheets_open_mem(&r, quote, sizeof quote - 1, &o), 0);
	const sheets_row *row;
	while (sheets_next(r, &row) == SHEETS_ROW)
		;
	char *t = sheets_error_text(sheets_reader_error(r), "zh-CN");
	assert_string_equal(t, "名单.csv:3:3: 名单!B3: 引号没有闭合");
	free(t);
	assert_int_equal(sheets_reader_error(r)->row, 3);
	assert_int_equal(sheets_reader_error(r)->col, 2);
	sheets_close(r);
	/* bytes that are not GB18030 either, a NUL, an unknown encoding */
	const char bad[] = "type,question\ntf,\x81\x20,T\n";
	ts_eq(ts_read_mem(bad, sizeof bad - 1, &o),
	      "error: 名单.csv:2:4: invalid byte sequence, cannot convert to UTF-8: GB18030\n");
	const char nul[] = "a,b\nc\0d\n";
	ts_eq(ts_read_mem(nul, sizeof nul - 1, &o),
	      "error: 名单.csv:2:2: contains a control character (NUL)\n");
	o.encoding = "ebcdic";
	ts_eq(ts_read_mem("a", 1, &o), "error: 名单.csv: unknown encoding: ebcdic\n");
	/* limits: columns, rows, cell length */
	sheets_read_opts lim = {.name = "l.csv", .max_cols = 3, .max_rows = 2, .max_cell_bytes = 5};
	ts_eq(ts_read_mem("1,2,3,4\n", 8, &lim),
	      "error: l.csv:1:7: l!D1: more columns than the limit: 4 > 3\n");
	ts_eq(ts_read_mem("1\n2\n3\n", 6, &lim),
	      "1\tA1 T 1\n2\tA2 T 2\nerror: l.csv:3: l row 3: more rows than the limit: > 2\n");
	ts_eq(ts_read_mem("123456\n", 7, &lim),
	      "error: l.csv:1:1: l!A1: the cell's text is over the length limit: 6 > 5\n");
	lim.max_bytes = 4;
	ts_eq(ts_read_mem("12345", 5, &lim),
	      "error: l.csv: the file (or a part of it) is over the size limit: 5 > 4\n");
	/* files that are not there, directories, old .xls */
	ts_eq(ts_read("/nonexistent/x.csv", NULL, NULL),
	      "error: /nonexistent/x.csv: cannot read or write the file: No such file or directory\n");
	ts_eq(ts_read("/tmp", NULL, NULL), "error: /tmp: cannot read or write the file: Is a directory\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roster),      cmocka_unit_test(test_sheet_list),
		cmocka_unit_test(test_handmade),    cmocka_unit_test(test_date_systems),
		cmocka_unit_test(test_memory),      cmocka_unit_test(test_csv_encodings),
		cmocka_unit_test(test_csv_rfc4180), cmocka_unit_test(test_csv_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
