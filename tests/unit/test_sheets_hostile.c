/*
 * test_sheets_hostile.c - files made to hurt a reader, each refused with a
 * clear error that names the part and the place: zip bombs (honest and
 * lying headers), billion laughs and external entities, truncated and
 * corrupted zips, a row of 10^6 columns, rows and columns past Excel's
 * limits, a sparse sheet of 82 million cells, rows out of order, bad XML,
 * missing parts, an old .xls, a zip of 20,000 entries. Made by
 * tests/data/sheets/fixtures.py with Python's zipfile.
 */
#include "test_sheets_util.h"

static int setup(void **state) { return ts_fixtures("hostile"); }

static int teardown(void **state)
{
	ts_cleanup();
	return 0;
}

/* Reads fixture name whole with opts; its dump must end with "error: <file>: want". */
static void refused(const char *name, const sheets_read_opts *o, const char *want)
{
	char *p = ts_path(name);
	char *dump = ts_read(p, o, NULL);
	char *line = strstr(dump, "error: ");
	if (!line)
		fail_msg("%s was read:\n%s", name, dump);
	char *expect;
	assert_true(asprintf(&expect, "error: %s: %s\n", p, want) > 0);
	if (strcmp(line, expect) != 0)
		fail_msg("%s:\ngot  %swant %s", name, line, expect);
	free(expect);
	free(dump);
	free(p);
}

static void test_bombs(void **state)
{
	/* 300 MiB of XML in a 300 KiB file: refused by its declared size before inflating */
	refused("bomb_sheet.xlsx", NULL,
		"xl/worksheets/sheet1.xml: Sheet1: the file (or a part of it) is over the size limit: "
		"314572888 > 268435456");
	refused("bomb_sst.xlsx", NULL,
		"xl/sharedStrings.xml: the file (or a part of it) is over the size limit: 314572888 > 268435456");
	/* a lower limit, and a zip whose headers claim 1 KiB for 16 MiB: counted while inflating */
	sheets_read_opts o = {.max_part_bytes = 1 << 20};
	refused("bomb_small.xlsx", &o,
		"xl/worksheets/sheet1.xml: Sheet1: the file (or a part of it) is over the size limit: "
		"16777304 > 1048576");
	refused("bomb_lying.xlsx", &o,
		"xl/worksheets/sheet1.xml: Sheet1: the file (or a part of it) is over the size limit: > 1048576");
	refused("many_entries.xlsx", NULL,
		"the file (or a part of it) is over the size limit: zip: 20000 > 10000");
	refused("many_sheets.xlsx", NULL,
		"xl/workbook.xml:1:477951: the file (or a part of it) is over the size limit: <sheet> > 10000");
	/* 100,000 empty shared strings: 500 KB of XML, 900 KB in memory */
	sheets_read_opts si = {.max_part_bytes = 600000};
	refused("many_si.xlsx", &si,
		"xl/sharedStrings.xml:1:333407: the file (or a part of it) is over the size limit: <si>");
}

static void test_entities(void **state)
{
	refused("laughs.xlsx", NULL,
		"xl/worksheets/sheet1.xml:1:37: Sheet1: XML with a DOCTYPE or entity declarations is refused: lolz");
	refused("laughs_sst.xlsx", NULL,
		"xl/sharedStrings.xml:1:37: XML with a DOCTYPE or entity declarations is refused: lolz");
	refused("external.xlsx", NULL,
		"xl/worksheets/sheet1.xml:1:34: Sheet1: XML with a DOCTYPE or entity declarations is refused: w");
}

static void test_damaged(void **state)
{
	refused("truncated.xlsx", NULL, "the XLSX file is damaged (bad zip): Not a zip archive");
	refused("corrupt.xlsx", NULL,
		"xl/worksheets/sheet1.xml: Sheet1: the XLSX file is damaged (bad zip): Zlib error: data error");
	refused("bad_xml.xlsx", NULL,
		"xl/worksheets/sheet1.xml:2:19: Sheet1: the XLSX file is damaged (bad XML): mismatched tag");
	refused("no_sheet_part.xlsx", NULL,
		"xl/worksheets/sheet1.xml: Sheet1: a part the workbook needs is missing or wrong");
	refused("no_workbook.xlsx", NULL, "xl/workbook.xml: a part the workbook needs is missing or wrong");
	refused("old.xls", NULL,
		"an old .xls or a password-protected workbook: save it from Excel as .xlsx without a password");
	/* the same bytes under a .csv name: the content decides */
	char *p = ts_path("old.xls");
	size_t len;
	char *data = ts_slurp(p, &len);
	sheets_read_opts o = {.name = "x.csv"};
	char *d = ts_read_mem(data, len, &o);
	assert_string_equal(
		d, "error: x.csv: an old .xls or a password-protected workbook: save it from Excel as "
		   ".xlsx without a password\n");
	free(d);
	free(data);
	free(p);
	/* text under an .xlsx name */
	o.name = "y.xlsx";
	d = ts_read_mem("a,b\n", 4, &o);
	assert_string_equal(d, "error: y.xlsx: the XLSX file is damaged (bad zip): Not a zip archive\n");
	free(d);
}

static void test_limits(void **state)
{
	/* 10^6 cells in one row: refused at the first one past XFD, without reading the rest */
	refused("columns.xlsx", NULL, "Sheet1 row 1, column 16385: more columns than the limit: > 16384");
	refused("xfe.xlsx", NULL, "Sheet1 row 1, column 16385: more columns than the limit: > 16384");
	refused("rows.xlsx", NULL, "Sheet1 row 1048577: more rows than the limit: > 1048576");
	refused("rows_back.xlsx", NULL,
		"Sheet1 row 3: a cell or row reference is malformed, repeated or out of order: 3");
	refused("dup_cell.xlsx", NULL,
		"Sheet1!B1: a cell or row reference is malformed, repeated or out of order");
	refused("long_cell.xlsx", NULL, "Sheet1!A1: the cell's text is over the length limit: > 131072");
	refused("bad_sst_index.xlsx", NULL, "Sheet1!A1: invalid cell value: 7");
	refused("bad_number.xlsx", NULL, "Sheet1!C1: invalid cell value: 12abc");
	sheets_read_opts o = {.max_cols = 100};
	refused("columns.xlsx", &o, "Sheet1!CW1: more columns than the limit: > 100");
	/* one cell at XFD in each of 5,000 rows would be 82 million cells with the gaps */
	char *sparse = ts_path("sparse.xlsx");
	static const struct {
		uint64_t max;
		uint32_t row;
	} sp[] = {{0, 3052}, {1000000, 62}};
	for (size_t i = 0; i < 2; i++) {
		sheets_read_opts so = {.max_cells = sp[i].max};
		sheets_reader *r;
		assert_int_equal(sheets_open(&r, sparse, &so), 0);
		const sheets_row *row;
		int rc;
		uint32_t rows = 0;
		while ((rc = sheets_next(r, &row)) == SHEETS_ROW)
			rows++;
		assert_int_equal(rc, SHEETS_E_CELLS);
		assert_int_equal(rows, sp[i].row - 1);
		char *e = ts_error(sheets_reader_error(r)), *want;
		assert_true(asprintf(&want,
				     "%s: Sheet1!XFD%u: more cells in the sheet than the limit: > %llu",
				     sparse, sp[i].row,
				     (unsigned long long)(sp[i].max ? sp[i].max : 50000000)) > 0);
		assert_string_equal(e, want);
		free(want);
		free(e);
		sheets_close(r);
	}
	free(sparse);
	/* the rows before a problem were delivered; the problem is sticky */
	char *p = ts_path("rows_back.xlsx");
	sheets_reader *r;
	assert_int_equal(sheets_open(&r, p, NULL), 0);
	const sheets_row *row;
	assert_int_equal(sheets_next(r, &row), SHEETS_ROW);
	assert_int_equal(row->num, 5);
	assert_int_equal(sheets_next(r, &row), SHEETS_E_REF);
	assert_null(row);
	assert_int_equal(sheets_next(r, &row), SHEETS_E_REF);
	assert_int_equal(sheets_select(r, 0), SHEETS_E_REF);
	const sheets_error *e = sheets_reader_error(r);
	assert_int_equal(e->row, 3);
	assert_string_equal(e->sheet, "Sheet1");
	char *zh = sheets_error_text(e, "zh-CN"), *want;
	assert_true(asprintf(&want, "%s: Sheet1 第 3 行: 单元格或行的位置有误（格式错误、重复或顺序颠倒）：3",
			     p) > 0);
	assert_string_equal(zh, want);
	free(want);
	free(zh);
	sheets_close(r);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
