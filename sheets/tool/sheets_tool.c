/*
 * sheets_tool.c - a small CLI over libsheets, for looking at files by hand.
 *
*   sheets-cli list FILE                  the sheets, in workbook order
*   sheets-cli cat FILE [SHEET]           rows as "row<TAB>A1 type value<TAB>..." (first sheet by default)
*   sheets-cli convert IN OUT [SHEET]     every sheet (or one) to OUT (.xlsx or .csv); the
 *                                     first row of each becomes the bold, frozen header
*   sheets-cli gen OUT ROWS               a synthetic roster of ROWS workers (employee number,
 *                                     name, unit path, phone tail, score, date) to try exports
 *
 * Options (anywhere): --lang en (messages in English), --encoding NAME (CSV input).
 * Exit status 0, 1 on a problem (printed with its location), 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sheets.h"

static const char *lang = "zh-CN";
static const char *encoding;

static int problem(const sheets_error *e)
{
	char *t = sheets_error_text(e, lang);
	fprintf(stderr, "sheets: %s\n", t ? t : sheets_strerror(e->code, lang));
	free(t);
	return 1;
}

static int open_in(const char *path, sheets_reader **r)
{
	sheets_read_opts o = {.encoding = encoding};
	if (sheets_open(r, path, &o) < 0)
		return *r ? problem(sheets_reader_error(*r)) : 1;
	return 0;
}

static int cmd_list(const char *path)
{
	sheets_reader *r;
	int rc = open_in(path, &r);
	size_t n;
	const sheets_sheet *s = rc ? NULL : sheets_list(r, &n);
	for (size_t i = 0; s && i < n; i++)
		printf("%zu\t%s%s\n", i + 1, s[i].name, s[i].hidden ? "\t(hidden)" : "");
	sheets_close(r);
	return rc;
}

static void put_escaped(const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			fputs("\\t", stdout);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else if (*s == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*s);
	}
}

static int cmd_cat(const char *path, const char *sheet)
{
	static const char types[] = "-TNDBE";
	sheets_reader *r;
	if (open_in(path, &r))
		return sheets_close(r), 1;
	int rc = sheet ? sheets_select_name(r, sheet) : 0;
	const sheets_row *row;
	while (rc >= 0 && (rc = sheets_next(r, &row)) == SHEETS_ROW) {
		printf("%u", row->num);
		for (uint32_t i = 0; i < row->ncells; i++) {
			char col[4];
			sheets_col_name(i + 1, col);
			printf("\t%s%u %c ", col, row->num, types[row->cells[i].type]);
			put_escaped(row->cells[i].s);
		}
		putchar('\n');
	}
	int status = rc < 0 ? problem(sheets_reader_error(r)) : 0;
	sheets_close(r);
	return status;
}

/* Copies the selected sheet of r into w (first row as the header). */
static int copy_sheet(sheets_reader *r, sheets_writer *w, const char *name)
{
	const sheets_row *row;
	int rc = sheets_next(r, &row);
	if (rc < 0)
		return problem(sheets_reader_error(r));
	sheets_column *cols = calloc(rc == SHEETS_ROW ? row->ncells : 1, sizeof *cols);
	for (uint32_t i = 0; rc == SHEETS_ROW && i < row->ncells; i++)
		cols[i].title = row->cells[i].s;
	int wrc = sheets_writer_sheet(w, name, cols, rc == SHEETS_ROW ? row->ncells : 0);
	free(cols);
	sheets_value *v = NULL;
	while (wrc >= 0 && (rc = sheets_next(r, &row)) == SHEETS_ROW) {
		sheets_value *nv = realloc(v, row->ncells * sizeof *v);
		if (!nv)
			break;
		v = nv;
		for (uint32_t i = 0; i < row->ncells; i++) {
			const sheets_cell *c = &row->cells[i];
			v[i] = c->type == SHEETS_NUMBER  ? sheets_number(strtod(c->s, NULL))
			       : c->type == SHEETS_DATE  ? sheets_date(c->s)
			       : c->type == SHEETS_BOOL  ? sheets_bool(strcmp(c->s, "TRUE") == 0)
			       : c->type == SHEETS_EMPTY ? sheets_empty()
							 : sheets_text(c->s);
		}
		wrc = sheets_writer_row(w, v, row->ncells);
	}
	free(v);
	if (rc < 0)
		return problem(sheets_reader_error(r));
	return wrc < 0 ? problem(sheets_writer_error(w)) : 0;
}

static int cmd_convert(const char *in, const char *out, const char *sheet)
{
	sheets_reader *r;
	if (open_in(in, &r))
		return sheets_close(r), 1;
	sheets_writer *w;
	int status = 0;
	if (sheets_writer_open(&w, out, NULL) < 0) {
		status = w ? problem(sheets_writer_error(w)) : 1;
	} else {
		size_t n;
		const sheets_sheet *s = sheets_list(r, &n);
		for (size_t i = 0; i < n && !status; i++) {
			if (sheet && strcmp(sheet, s[i].name) != 0)
				continue;
			status = sheets_select(r, i) < 0 ? problem(sheets_reader_error(r))
							 : copy_sheet(r, w, s[i].name);
		}
		if (!status && sheets_writer_finish(w) < 0)
			status = problem(sheets_writer_error(w));
	}
	sheets_writer_free(w);
	sheets_close(r);
	return status;
}

static int cmd_gen(const char *out, long rows)
{
	static const char *const units[] = {"电力公司/第一分厂/检修车间/一班",
					    "电力公司/第一分厂/运行车间/二班",
					    "电力公司/第二分厂/变电车间/三班"};
	static const sheets_column cols[] = {
		{"工号", 10, NULL},    {"姓名", 10, NULL},  {"单位", 36, NULL},
		{"手机尾号", 0, NULL}, {"成绩", 0, "0.00"}, {"考试日期", 12, NULL},
	};
	sheets_writer *w;
	int status = 0;
	if (sheets_writer_open(&w, out, NULL) < 0 || sheets_writer_sheet(w, "花名册", cols, 6) < 0) {
		status = w ? problem(sheets_writer_error(w)) : 1;
		sheets_writer_free(w);
		return status;
	}
	char id[24], name[40], tail[24], date[40];
	for (long i = 1; i <= rows && !status; i++) {
		snprintf(id, sizeof id, "%06ld", i);
		snprintf(name, sizeof name, "职工%ld", i);
		snprintf(tail, sizeof tail, "%04ld", (i * 7919) % 10000);
		snprintf(date, sizeof date, "2026-%02ld-%02ld", i % 12 + 1, i % 28 + 1);
		sheets_value v[] = {sheets_text(id),
				    sheets_text(name),
				    sheets_text(units[i % 3]),
				    sheets_text(tail),
				    sheets_number((double)(i % 1000) / 10.0 + 0.5),
				    sheets_date(date)};
		if (sheets_writer_row(w, v, 6) < 0)
			status = problem(sheets_writer_error(w));
	}
	if (!status && sheets_writer_finish(w) < 0)
		status = problem(sheets_writer_error(w));
	sheets_writer_free(w);
	return status;
}

static int usage(void)
{
	fputs("usage: sheets-cli list FILE | cat FILE [SHEET] | convert IN OUT [SHEET] | gen OUT ROWS\n"
	      "       [--lang en] [--encoding NAME]\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	char *args[4] = {0};
	int n = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
			lang = argv[++i];
		else if (strcmp(argv[i], "--encoding") == 0 && i + 1 < argc)
			encoding = argv[++i];
		else if (n < 4)
			args[n++] = argv[i];
		else
			return usage();
	}
	if (n >= 2 && strcmp(args[0], "list") == 0)
		return cmd_list(args[1]);
	if (n >= 2 && strcmp(args[0], "cat") == 0)
		return cmd_cat(args[1], args[2]);
	if (n >= 3 && strcmp(args[0], "convert") == 0)
		return cmd_convert(args[1], args[2], args[3]);
	if (n == 3 && strcmp(args[0], "gen") == 0)
		return cmd_gen(args[1], strtol(args[2], NULL, 10));
	return usage();
}
