/*
 * test_sheets_big.c - a roster of 100,000 workers written and read back,
 * as XLSX and as CSV.
 *
 * Each phase runs in a child process so that its time and peak memory (the
 * child's ru_maxrss) can be printed on their own; the figures are printed,
 * never asserted (the machine is shared). What is asserted: every cell of
 * every row reads back with its text and type (text "000012" stays text,
 * scores are the same doubles, dates the same dates).
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_sheets_util.h"

#define ROWS 100000
#define NCOLS 6

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

static const char *const units[] = {"电力公司/第一分厂/检修车间/一班", "电力公司/第一分厂/运行车间/二班",
				    "电力公司/第二分厂/变电车间/三班", "电力公司/机关/安全监察部/综合组"};

/* Row i's cells as text (the number as a double in *score). */
static void row_text(long i, char id[32], char name[48], char tail[32], char date[48], double *score)
{
	snprintf(id, 32, "%06ld", i);
	snprintf(name, 48, "职工%ld", i);
	snprintf(tail, 32, "%04ld", (i * 7919) % 10000);
	snprintf(date, 48, "2026-%02ld-%02ld", i % 12 + 1, i % 28 + 1);
	/* quarter points: exact in binary, so exact in the 16 digits libxlsxwriter writes */
	*score = (double)(i % 4000) / 4.0;
}

static int write_roster(const char *path)
{
	static const sheets_column cols[NCOLS] = {
		{"工号", 10, NULL},    {"姓名", 12, NULL},  {"单位", 36, NULL},
		{"手机尾号", 0, NULL}, {"成绩", 0, "0.00"}, {"考试日期", 12, NULL},
	};
	sheets_writer *w;
	int rc = sheets_writer_open(&w, path, NULL);
	if (rc == 0)
		rc = sheets_writer_sheet(w, "花名册", cols, NCOLS);
	char id[32], name[48], tail[32], date[48];
	double score;
	for (long i = 1; i <= ROWS && rc == 0; i++) {
		row_text(i, id, name, tail, date, &score);
		sheets_value v[NCOLS] = {sheets_text(id),   sheets_text(name),    sheets_text(units[i % 4]),
					 sheets_text(tail), sheets_number(score), sheets_date(date)};
		rc = sheets_writer_row(w, v, NCOLS);
	}
	if (rc == 0)
		rc = sheets_writer_finish(w);
	if (rc < 0) {
		char *e = ts_error(sheets_writer_error(w));
		fprintf(stderr, "write: %s\n", e);
		free(e);
	}
	sheets_writer_free(w);
	return rc < 0;
}

/* Reads the roster back; 0 when every cell is what was written. */
static int check_roster(const char *path, bool xlsx)
{
	sheets_reader *r;
	const sheets_row *row;
	long n = 0, bad = 0;
	char id[32], name[48], tail[32], date[48];
	double score;
	int rc = sheets_open(&r, path, NULL);
	while (rc >= 0 && (rc = sheets_next(r, &row)) == SHEETS_ROW) {
		long i = n++;
		if (i == 0)
			continue; /* the header */
		row_text(i, id, name, tail, date, &score);
		const sheets_cell *c = row->cells;
		bool ok = row->num == (uint32_t)i + 1 && row->ncells == NCOLS && strcmp(c[0].s, id) == 0 &&
			  strcmp(c[1].s, name) == 0 && strcmp(c[2].s, units[i % 4]) == 0 &&
			  strcmp(c[3].s, tail) == 0 && strtod(c[4].s, NULL) == score &&
			  strcmp(c[5].s, date) == 0;
		/* CSV has no types, and the digit guard puts a tab before 000012 */
		if (xlsx)
			ok = ok && c[0].type == SHEETS_TEXT && c[3].type == SHEETS_TEXT &&
			     c[4].type == SHEETS_NUMBER && c[5].type == SHEETS_DATE;
		if (!ok && bad++ < 3)
			fprintf(stderr, "row %u differs: %s %s %s %s %s %s\n", row->num, c[0].s, c[1].s,
				c[2].s, c[3].s, row->ncells > 4 ? c[4].s : "", row->ncells > 5 ? c[5].s : "");
	}
	if (rc < 0) {
		char *e = ts_error(sheets_reader_error(r));
		fprintf(stderr, "read: %s\n", e);
		free(e);
	}
	sheets_close(r);
	if (n != ROWS + 1)
		fprintf(stderr, "read %ld rows, want %d\n", n, ROWS + 1);
	return rc < 0 || bad || n != ROWS + 1;
}

/* Runs fn in a child; prints its time and peak RSS; asserts it succeeded. */
static void phase(const char *what, int (*fn)(const char *, bool), const char *path, bool xlsx)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(path, xlsx));
	int st;
	struct rusage ru;
	assert_int_equal(wait4(pid, &st, 0, &ru), pid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	struct stat sb;
	long long size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
	printf("sheets: %d rows, %-11s %6.2f s, peak RSS %6.1f MB, file %.1f MB\n", ROWS, what, secs,
	       ru.ru_maxrss / 1024.0, size / 1048576.0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static int write_fn(const char *path, bool xlsx) { return write_roster(path); }

static void test_xlsx(void **state)
{
	char *p = ts_path("roster.xlsx");
	phase("XLSX write", write_fn, p, true);
	phase("XLSX read", check_roster, p, true);
	free(p);
}

static void test_csv(void **state)
{
	char *p = ts_path("roster.csv");
	phase("CSV write", write_fn, p, false);
	/* the tab the digit guard put before 000012 is text; drop it as importers do */
	size_t len;
	char *data = ts_slurp(p, &len), *w = data;
	for (size_t i = 0; i < len; i++)
		if (data[i] != '\t')
			*w++ = data[i];
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, (size_t)(w - data), f), (size_t)(w - data));
	fclose(f);
	free(data);
	phase("CSV read", check_roster, p, false);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xlsx),
		cmocka_unit_test(test_csv),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
