/*
 * test_sheets_write.c - what the writers produce, checked by others.
 *
 * XLSX files are read back by openpyxl (tests/data/sheets/xlsx_facts.py):
 * sheet names, frozen panes, column widths, bold headers, and every cell's
 * Python type (str vs int/float vs datetime vs bool) and number format; then
 * by our reader. CSV files are compared byte for byte (BOM, CRLF, quoting,
 * the formula and digit guards) and parsed by Python's csv module.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <unistd.h>

#include "test_sheets_util.h"

static int setup(void **state)
{
	strcpy(ts_dir, "/tmp/sheets-test-XXXXXX");
	return mkdtemp(ts_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	ts_cleanup();
	return 0;
}

#define NAME64                                                                                                                                                      \
	"中华人民共和国劳动竞赛技能比武第一届全国电力行业职业技能竞赛变电站值班员项目个人赛决赛选手名单与成绩汇" \
	"总表一二三四五六七"
#define SHEET31 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"

static void write_ok(sheets_writer *w, int rc)
{
	if (rc < 0) {
		char *e = ts_error(sheets_writer_error(w));
		fail_msg("writer: %s", e);
	}
}

static void test_xlsx(void **state)
{
	char *p = ts_path("成绩.xlsx");
	sheets_writer *w;
	write_ok(w, sheets_writer_open(&w, p, NULL));
	static const sheets_column cols[] = {
		{"工号", 0, NULL},     {"姓名", 20, NULL}, {"单位", 0, NULL}, {"成绩", 10, "0.00"},
		{"考试日期", 0, NULL}, {"在岗", 0, NULL},  {"备注", 0, NULL},
	};
	write_ok(w, sheets_writer_sheet(w, "成绩", cols, 7));
	sheets_value r1[] = {sheets_text("00012"),
			     sheets_text(NAME64),
			     sheets_text("电力公司/第一分厂/检修车间/一班"),
			     sheets_number(95.5),
			     sheets_date("2026-05-01"),
			     sheets_bool(true),
			     sheets_text("=1+2")};
	write_ok(w, sheets_writer_row(w, r1, 7));
	sheets_value r2[] = {sheets_number(12345678901),
			     sheets_text("李四"),
			     sheets_empty(),
			     sheets_number(-3.5),
			     sheets_date("2026-05-01T09:30:15"),
			     sheets_bool(false),
			     sheets_text("第一行\n第二行")};
	write_ok(w, sheets_writer_row(w, r2, 7));
	sheets_value r3[] = {
		sheets_text("0371"),  sheets_text(""), sheets_number(0.1),           sheets_empty(),
		sheets_date("09:30"), sheets_empty(),  sheets_text("_x0041_ 不是 A")};
	write_ok(w, sheets_writer_row(w, r3, 7));
	/* a second sheet: a 31-character Chinese name, no header */
	write_ok(w, sheets_writer_sheet(w, SHEET31, NULL, 0));
	sheets_value r4[] = {sheets_empty(), sheets_number(1e21), sheets_text("+86 138")};
	write_ok(w, sheets_writer_row(w, r4, 3));
	write_ok(w, sheets_writer_finish(w));
	sheets_writer_free(w);

	char *cmd;
	assert_true(asprintf(&cmd, TS_PYTHON " tests/data/sheets/xlsx_facts.py '%s'", p) > 0);
	char *facts = ts_run(cmd);
	free(cmd);
	static const char *const want[] = {
		"sheet\t成绩\tvisible\tA2", /* header frozen */
		"sheet\t" SHEET31 "\tvisible\tNone",
		"width\t成绩\tA\t8.71", /* fitted to the title, at least 8 */
		"width\t成绩\tB\t20.71",
		"width\t成绩\tD\t10.71",
		"width\t成绩\tE\t10.71",                 /* 考试日期: 4 wide characters + 2 */
		"cell\t成绩\tA1\tstr\t工号\t1\tGeneral", /* bold header */
		"cell\t成绩\tG1\tstr\t备注\t1\tGeneral",
		"cell\t成绩\tA2\tstr\t00012\t0\tGeneral", /* text stays text */
		"cell\t成绩\tB2\tstr\t" NAME64 "\t0\tGeneral",
		"cell\t成绩\tD2\tfloat\t95.5\t0\t0.00", /* numbers are numbers, with the column's format */
		"cell\t成绩\tE2\tdatetime\t2026-05-01T00:00:00\t0\tyyyy-mm-dd",
		"cell\t成绩\tF2\tbool\tTrue\t0\tGeneral",
		"cell\t成绩\tG2\tstr\t=1+2\t0\tGeneral", /* never a formula in XLSX */
		"cell\t成绩\tA3\tint\t12345678901\t0\tGeneral",
		"cell\t成绩\tD3\tfloat\t-3.5\t0\t0.00",
		"cell\t成绩\tE3\tdatetime\t2026-05-01T09:30:15\t0\tyyyy-mm-dd hh:mm:ss",
		"cell\t成绩\tF3\tbool\tFalse\t0\tGeneral",
		"cell\t成绩\tG3\tstr\t第一行\\n第二行\t0\tGeneral",
		"cell\t成绩\tA4\tstr\t0371\t0\tGeneral",
		"cell\t成绩\tC4\tfloat\t0.1\t0\tGeneral",
		"cell\t成绩\tE4\ttime\t09:30:00\t0\thh:mm:ss",
		"cell\t" SHEET31 "\tB1\tfloat\t1e+21\t0\tGeneral",
		"cell\t" SHEET31 "\tC1\tstr\t+86 138\t0\tGeneral",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		ts_has_line(facts, want[i]);
	/* nothing else: no cell for empty values */
	assert_null(strstr(facts, "\tB4\t"));
	assert_null(strstr(facts, "\tC3\t"));
	free(facts);

	/* and our reader gets back what was written, types included */
	ts_eq(ts_read(p, NULL, NULL),
	      "1\tA1 T 工号\tB1 T 姓名\tC1 T 单位\tD1 T 成绩\tE1 T 考试日期\tF1 T 在岗\tG1 T 备注\n"
	      "2\tA2 T 00012\tB2 T " NAME64
	      "\tC2 T 电力公司/第一分厂/检修车间/一班\tD2 N 95.5\tE2 D 2026-05-01\t"
	      "F2 B TRUE\tG2 T =1+2\n"
	      "3\tA3 N 12345678901\tB3 T 李四\tC3 - \tD3 N -3.5\tE3 D 2026-05-01T09:30:15\tF3 B FALSE\t"
	      "G3 T 第一行\\n第二行\n"
	      "4\tA4 T 0371\tB4 - \tC4 N 0.1\tD4 - \tE4 D 09:30:00\tF4 - \tG4 T _x0041_ 不是 A\n");
	ts_eq(ts_read(p, NULL, SHEET31), "1\tA1 - \tB1 N 1e+21\tC1 T +86 138\n");
	free(p);
}

static const char *const guarded_titles = "工号,\"姓,名\",=危险,成绩";

static void write_guarded(sheets_writer *w)
{
	static const sheets_column cols[] = {
		{"工号", 0, NULL}, {"姓,名", 0, NULL}, {"=危险", 0, NULL}, {"成绩", 0, NULL}};
	write_ok(w, sheets_writer_sheet(w, "导出", cols, 4));
	sheets_value r1[] = {sheets_text("00012"), sheets_text("张\"三\""),
			     sheets_text("=HYPERLINK(\"http://x\")"), sheets_number(-3.5)};
	write_ok(w, sheets_writer_row(w, r1, 4));
	sheets_value r2[] = {sheets_text("110101199003078515"), sheets_text("多\n行"), sheets_text("-3.5"),
			     sheets_number(12345678901)};
	write_ok(w, sheets_writer_row(w, r2, 4));
	sheets_value r3[] = {sheets_text("12345"), sheets_text("+1+2"), sheets_text("@SUM(A1)"),
			     sheets_number(1e21)};
	write_ok(w, sheets_writer_row(w, r3, 4));
	sheets_value r4[] = {sheets_text("0"), sheets_text("\tx"), sheets_text("\r=1"), sheets_bool(true)};
	write_ok(w, sheets_writer_row(w, r4, 4));
	sheets_value r5[] = {sheets_empty(), sheets_date("2026-05-01"), sheets_text("a\rb")};
	write_ok(w, sheets_writer_row(w, r5, 3));
}

#define GUARDED_BODY                                                            \
	"\t00012,\"张\"\"三\"\"\",\"'=HYPERLINK(\"\"http://x\"\")\",-3.5\r\n" \
	"\t110101199003078515,\"多\n行\",-3.5,12345678901\r\n"                \
	"12345,'+1+2,'@SUM(A1),1e+21\r\n"                                       \
	"0,'\tx,\"'\r=1\",TRUE\r\n"                                             \
	",2026-05-01,\"a\rb\"\r\n"

static void test_csv(void **state)
{
	char *p = ts_path("导出.csv");
	sheets_writer *w;
	write_ok(w, sheets_writer_open(&w, p, NULL));
	write_guarded(w);
	write_ok(w, sheets_writer_finish(w));
	sheets_writer_free(w);
	size_t len;
	char *got = ts_slurp(p, &len);
	const char want[] = "\xEF\xBB\xBF"
			    "工号,\"姓,名\",'=危险,成绩\r\n" GUARDED_BODY;
	assert_int_equal(len, sizeof want - 1);
	assert_memory_equal(got, want, len);
	free(got);
	(void)guarded_titles;
	/* Python's csv module reads the same cells back (BOM dropped by utf-8-sig) */
	char *cmd;
	assert_true(asprintf(&cmd,
			     TS_PYTHON " -c \"import csv,sys; [print(repr(r)) for r in csv.reader("
				       "open(sys.argv[1], encoding='utf-8-sig', newline=''))]\" '%s'",
			     p) > 0);
	char *rows = ts_run(cmd);
	free(cmd);
	ts_eq(rows, "['工号', '姓,名', \"'=危险\", '成绩']\n"
		    "['\\t00012', '张\"三\"', '\\'=HYPERLINK(\"http://x\")', '-3.5']\n"
		    "['\\t110101199003078515', '多\\n行', '-3.5', '12345678901']\n"
		    "['12345', \"'+1+2\", \"'@SUM(A1)\", '1e+21']\n"
		    "['0', \"'\\tx\", \"'\\r=1\", 'TRUE']\n"
		    "['', '2026-05-01', 'a\\rb']\n");
	/* our reader: the guards are visible text (importers trim the tab) */
	char *dump = ts_read(p, NULL, NULL);
	ts_has_line(dump, "2\tA2 T \\t00012\tB2 T 张\"三\"\tC2 T '=HYPERLINK(\"http://x\")\tD2 T -3.5");
	free(dump);
	free(p);
}

static void test_csv_options(void **state)
{
	/* GB18030 (no BOM), without the digit guard */
	char *p = ts_path("gbk.csv");
	sheets_writer *w;
	sheets_write_opts o = {.encoding = "gbk", .csv_plain_digits = true};
	write_ok(w, sheets_writer_open(&w, p, &o));
	static const sheets_column cols[] = {{"工号", 0, NULL}, {"姓名", 0, NULL}};
	write_ok(w, sheets_writer_sheet(w, "x", cols, 2));
	sheets_value r[] = {sheets_text("00012"), sheets_text("张𠀀")};
	write_ok(w, sheets_writer_row(w, r, 2));
	write_ok(w, sheets_writer_finish(w));
	sheets_writer_free(w);
	char *cmd;
	assert_true(asprintf(&cmd,
			     TS_PYTHON " -c \"import sys; print(repr(open(sys.argv[1], 'rb').read()"
				       ".decode('gb18030')))\" '%s'",
			     p) > 0);
	ts_eq(ts_run(cmd), "'工号,姓名\\r\\n00012,张𠀀\\r\\n'\n");
	free(cmd);
	free(p);
	/* a .tsv path: tabs; no BOM on request */
	p = ts_path("t.tsv");
	sheets_write_opts o2 = {.csv_no_bom = true};
	write_ok(w, sheets_writer_open(&w, p, &o2));
	write_ok(w, sheets_writer_sheet(w, "t", cols, 2));
	sheets_value r2[] = {sheets_text("a\tb"), sheets_text("00012")};
	write_ok(w, sheets_writer_row(w, r2, 2));
	write_ok(w, sheets_writer_finish(w));
	sheets_writer_free(w);
	size_t len;
	char *got = ts_slurp(p, &len);
	assert_string_equal(got, "工号\t姓名\r\n\"a\tb\"\t\"\t00012\"\r\n");
	free(got);
	free(p);
}

typedef struct sink {
	char *buf;
	size_t len;
	int fail_after; /* calls before failing, -1 never */
} sink;

static int sink_write(void *ud, const void *data, size_t len)
{
	sink *s = ud;
	if (s->fail_after == 0) {
		errno = ENOSPC;
		return -1;
	}
	s->fail_after--;
	s->buf = realloc(s->buf, s->len + len + 1);
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = '\0';
	return 0;
}

static void test_csv_fn(void **state)
{
	sink s = {.fail_after = -1};
	sheets_writer *w;
	write_ok(w, sheets_writer_open_fn(&w, sink_write, &s, NULL));
	write_guarded(w);
	write_ok(w, sheets_writer_finish(w));
	sheets_writer_free(w);
	assert_non_null(s.buf);
	assert_string_equal(s.buf + 3, "工号,\"姓,名\",'=危险,成绩\r\n" GUARDED_BODY);
	free(s.buf);
	/* 100,000 rows stream through in blocks; a failing write is an error */
	sink f = {.fail_after = 2};
	write_ok(w, sheets_writer_open_fn(&w, sink_write, &f, NULL));
	write_ok(w, sheets_writer_sheet(w, "x", NULL, 0));
	int rc = 0;
	for (int i = 0; i < 100000 && rc == 0; i++) {
		sheets_value v[] = {sheets_text("一行数据一行数据一行数据"), sheets_number(i)};
		rc = sheets_writer_row(w, v, 2);
	}
	assert_int_equal(rc, SHEETS_E_IO);
	char *e = ts_error(sheets_writer_error(w));
	assert_non_null(strstr(e, "cannot read or write the file: No space left on device"));
	free(e);
	assert_int_equal(sheets_writer_finish(w), SHEETS_E_IO); /* sticky */
	sheets_writer_free(w);
	assert_true(f.len >= 2 * 65536);
	free(f.buf);
	/* XLSX cannot go to a function */
	assert_int_equal(
		sheets_writer_open_fn(&w, sink_write, &s, &(sheets_write_opts){.format = SHEETS_XLSX}),
		SHEETS_E_UNSUPPORTED);
	sheets_writer_free(w);
}

/* Opens a writer on p with one sheet; the test continues with the error it expects. */
static sheets_writer *open_sheet(const char *p)
{
	sheets_writer *w;
	write_ok(w, sheets_writer_open(&w, p, NULL));
	static const sheets_column cols[] = {{"a", 0, NULL}, {"b", 0, NULL}, {"c", 0, NULL}};
	write_ok(w, sheets_writer_sheet(w, "成绩", cols, 3));
	return w;
}

static void expect_error(sheets_writer *w, int rc, int code, const char *text)
{
	assert_int_equal(rc, code);
	char *e = ts_error(sheets_writer_error(w));
	const char *s = strstr(e, ": ");
	if (!s || strcmp(s + 2, text) != 0)
		fail_msg("got '%s', want '...: %s'", e, text);
	free(e);
	sheets_writer_free(w);
}

/* No file at p, and no temporary file beside it. */
static void assert_no_output(const char *p)
{
	assert_int_equal(access(p, F_OK), -1);
	DIR *d = opendir(ts_dir);
	struct dirent *de;
	const char *base = strrchr(p, '/') + 1;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, base, strlen(base)) == 0)
			fail_msg("left behind: %s", de->d_name);
	closedir(d);
}

static void test_errors(void **state)
{
	char *p = ts_path("bad.xlsx");
	/* values, located at sheet, row and column */
	sheets_writer *w = open_sheet(p);
	sheets_value bad_utf8[] = {sheets_text("ok"), sheets_text("ok"), sheets_text("\xE5\xBC")};
	expect_error(w, sheets_writer_row(w, bad_utf8, 3), SHEETS_E_NOT_UTF8,
		     "成绩!C2: not valid UTF-8 text (save it as UTF-8 if it is GBK)");
	w = open_sheet(p);
	sheets_value ok[] = {sheets_text("x")};
	write_ok(w, sheets_writer_row(w, ok, 1));
	sheets_value nan[] = {sheets_number(NAN)};
	expect_error(w, sheets_writer_row(w, nan, 1), SHEETS_E_VALUE, "成绩!A3: invalid cell value: nan");
	w = open_sheet(p);
	sheets_value date[] = {sheets_empty(), sheets_date("2026-02-30")};
	expect_error(w, sheets_writer_row(w, date, 2), SHEETS_E_VALUE,
		     "成绩!B2: invalid cell value: “2026-02-30”");
	w = open_sheet(p);
	char *longtext = malloc(32769);
	memset(longtext, 'x', 32768);
	longtext[32768] = '\0';
	sheets_value lt[] = {sheets_text(longtext)};
	expect_error(w, sheets_writer_row(w, lt, 1), SHEETS_E_CELL_TOO_LONG,
		     "成绩!A2: the cell's text is over the length limit: > 32767");
	free(longtext);
	assert_no_output(p);
	/* sheet names: Excel's rules, no two alike */
	static const char *const names[] = {"", "a/b", "x[1]", "问?", "'引号", "History", SHEET31 "二"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		write_ok(w, sheets_writer_open(&w, p, NULL));
		assert_int_equal(sheets_writer_sheet(w, names[i], NULL, 0), SHEETS_E_SHEET_NAME);
		assert_int_equal(sheets_writer_error(w)->code, SHEETS_E_SHEET_NAME);
		sheets_writer_free(w);
	}
	const char *why;
	assert_int_equal(sheets_sheet_name_check("a:b", "zh-CN", &why), SHEETS_E_SHEET_NAME);
	assert_string_equal(why, "含有 [ ] : * ? / \\ 之一");
	assert_int_equal(sheets_sheet_name_check(SHEET31, "en", &why), 0);
	assert_null(why);
	w = open_sheet(p);
	expect_error(w, sheets_writer_sheet(w, "成绩", NULL, 0), SHEETS_E_DUP_SHEET,
		     "two sheets have the same name: “成绩”");
	write_ok(w, sheets_writer_open(&w, p, NULL));
	write_ok(w, sheets_writer_sheet(w, "Scores", NULL, 0));
	expect_error(w, sheets_writer_sheet(w, "SCORES", NULL, 0), SHEETS_E_DUP_SHEET,
		     "two sheets have the same name: “SCORES”");
	/* order of calls, formats */
	write_ok(w, sheets_writer_open(&w, p, NULL));
	expect_error(w, sheets_writer_row(w, ok, 1), SHEETS_E_USAGE,
		     "the API was called out of order (a bug)");
	char *csv = ts_path("one.csv");
	write_ok(w, sheets_writer_open(&w, csv, NULL));
	write_ok(w, sheets_writer_sheet(w, "a", NULL, 0));
	expect_error(w, sheets_writer_sheet(w, "b", NULL, 0), SHEETS_E_UNSUPPORTED,
		     "this format cannot do that: CSV");
	assert_no_output(csv);
	free(csv);
	char *odt = ts_path("x.ods");
	assert_int_equal(sheets_writer_open(&w, odt, NULL), SHEETS_E_FORMAT);
	sheets_writer_free(w);
	free(odt);
	assert_int_equal(sheets_writer_open(&w, "/nonexistent/dir/x.xlsx", NULL), SHEETS_E_IO);
	char *e = ts_error(sheets_writer_error(w));
	assert_string_equal(
		e, "/nonexistent/dir/x.xlsx: cannot read or write the file: No such file or directory");
	free(e);
	sheets_writer_free(w);
	/* an abandoned writer leaves nothing; a finished one replaces the file whole */
	w = open_sheet(p);
	write_ok(w, sheets_writer_row(w, ok, 1));
	sheets_writer_free(w);
	assert_no_output(p);
	w = open_sheet(p);
	write_ok(w, sheets_writer_finish(w));
	assert_int_equal(sheets_writer_finish(w), SHEETS_E_USAGE);
	sheets_writer_free(w);
	assert_int_equal(access(p, F_OK), 0);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsx),        cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_options), cmocka_unit_test(test_csv_fn),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
