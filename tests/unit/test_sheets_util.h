/*
 * test_sheets_util.h - helpers shared by the sheets/ unit tests
 * (test_sheets_*.c); header-only.
 *
 * Fixtures are made at test time by tests/data/sheets/fixtures.py with
 * libraries independent of sheets/ (openpyxl, Python's zipfile and codecs)
 * in a fresh directory under /tmp, removed afterwards. A sheet is compared
 * as a dump, one line per row: "NUM<TAB>A1 T value<TAB>B1 N value..." with
 * T/N/D/B/E/- for the cell's type and \t \n \r \\ escaped, and a last line
 * "error: <message in English>" when reading stopped on a problem.
 */
#ifndef TEST_SHEETS_UTIL_H
#define TEST_SHEETS_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sheets.h"

#define TS_PYTHON "/usr/bin/python3"

static char ts_dir[64];

/* Makes the fixtures of a set ("read" or "hostile") in a fresh directory. */
static inline int ts_fixtures(const char *set)
{
	strcpy(ts_dir, "/tmp/sheets-test-XXXXXX");
	if (!mkdtemp(ts_dir))
		return -1;
	char cmd[256];
	snprintf(cmd, sizeof cmd, TS_PYTHON " tests/data/sheets/fixtures.py %s %s", ts_dir, set);
	if (system(cmd) != 0) {
		fprintf(stderr, "fixtures failed: %s (is python3-openpyxl installed? make deps)\n", cmd);
		return -1;
	}
	return 0;
}

static inline void ts_cleanup(void)
{
	char cmd[128];
	if (!ts_dir[0])
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", ts_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", ts_dir);
}

/* The path of a fixture (a malloc'ed string the test frees). */
static inline char *ts_path(const char *name)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", ts_dir, name) < 0)
		abort();
	return p;
}

static inline void ts_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			fputs("\\t", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\r')
			fputs("\\r", f);
		else if (*s == '\\')
			fputs("\\\\", f);
		else
			fputc(*s, f);
	}
}

/* The error of a reader or writer as English text (malloc'ed). */
static inline char *ts_error(const sheets_error *e)
{
	char *t = sheets_error_text(e, "en");
	return t ? t : strdup("(no error)");
}

/* Dumps the rows of the selected sheet of r (malloc'ed). */
static inline char *ts_dump(sheets_reader *r)
{
	static const char types[] = "-TNDBE";
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);
	const sheets_row *row;
	int rc;
	while ((rc = sheets_next(r, &row)) == SHEETS_ROW) {
		fprintf(f, "%u", row->num);
		for (uint32_t i = 0; i < row->ncells; i++) {
			char col[4];
			sheets_col_name(i + 1, col);
			fprintf(f, "\t%s%u %c ", col, row->num, types[row->cells[i].type]);
			ts_escaped(f, row->cells[i].s);
		}
		fputc('\n', f);
	}
	if (rc < 0) {
		char *e = ts_error(sheets_reader_error(r));
		fprintf(f, "error: %s\n", e);
		free(e);
	}
	fclose(f);
	return out;
}

/* "error: <the reader's error in English>\n" (malloc'ed). */
static inline char *ts_error_line(sheets_reader *r)
{
	char *e = ts_error(sheets_reader_error(r));
	size_t n = strlen(e) + 9;
	char *line = malloc(n);
	assert_non_null(line);
	snprintf(line, n, "error: %s\n", e);
	free(e);
	return line;
}

/* Opens path, selects sheet (NULL: the first) and dumps it; an open error is the dump. */
static inline char *ts_read(const char *path, const sheets_read_opts *o, const char *sheet)
{
	sheets_reader *r = NULL;
	char *out;
	if (sheets_open(&r, path, o) < 0 || (sheet && sheets_select_name(r, sheet) < 0))
		out = ts_error_line(r);
	else
		out = ts_dump(r);
	sheets_close(r);
	return out;
}

/* Same, for a buffer. */
static inline char *ts_read_mem(const char *data, size_t len, const sheets_read_opts *o)
{
	sheets_reader *r = NULL;
	char *out = sheets_open_mem(&r, data, len, o) < 0 ? ts_error_line(r) : ts_dump(r);
	sheets_close(r);
	return out;
}

/* Asserts got equals want, printing both when not; frees got. */
static inline void ts_eq(char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "--- want\n%s--- got\n%s---\n", want, got);
		free(got);
		fail_msg("dump differs");
	}
	free(got);
}

/* The output of a command (malloc'ed); fails the test when it exits non-zero. */
static inline char *ts_run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = NULL;
	size_t n = 0, cap = 0;
	char buf[4096];
	size_t k;
	while ((k = fread(buf, 1, sizeof buf, p)) > 0) {
		if (n + k + 1 > cap) {
			cap = (n + k + 1) * 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
		memcpy(out + n, buf, k);
		n += k;
	}
	int st = pclose(p);
	if (!out)
		out = calloc(1, 1);
	else
		out[n] = '\0';
	if (st != 0)
		fail_msg("'%s' failed (%d):\n%s", cmd, st, out);
	return out;
}

/* Asserts that text holds line (a whole line). */
static inline void ts_has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return;
	fail_msg("missing line:\n%s\nin:\n%s", line, text);
}

/* Reads a whole file (malloc'ed, NUL-terminated); *len its size. */
static inline char *ts_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

#endif
