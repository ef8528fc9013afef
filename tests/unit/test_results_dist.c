/*
 * test_results_dist.c - score histogram, the unit tree with participation
 * and awards rolled up, time zones read from the system's TZif files, and
 * the per-day series of a mass contest (days in Asia/Shanghai).
 *
 * Expected instants were computed independently with Python's zoneinfo
 * (the values are in the comments).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "results.h"

/* ---------- histogram ---------- */

static void test_histogram(void **state)
{
	(void)state;
	const int64_t v[] = {0, 9999, 10000, 55000, 100000, -1, 100001, 99999};
	results_hist h;
	assert_int_equal(results_histogram(v, 8, 0, 100000, 10, &h), RESULTS_OK);
	const size_t want[10] = {2, 1, 0, 0, 0, 1, 0, 0, 0, 2};
	for (int i = 0; i < 10; i++)
		assert_int_equal(h.counts[i], want[i]);
	assert_int_equal(h.below, 1);
	assert_int_equal(h.above, 1);
	assert_int_equal(h.n, 8);
	assert_float_equal(results_hist_edge(&h, 3), 30000, 1e-9);
	assert_float_equal(results_hist_edge(&h, 10), 100000, 1e-9);
	/* bins of a third: 333 is in the first, 334 in the second (exact integer arithmetic) */
	const int64_t w[] = {333, 334, 666, 667, 1000};
	assert_int_equal(results_histogram(w, 5, 0, 1000, 3, &h), RESULTS_OK);
	assert_int_equal(h.counts[0], 1);
	assert_int_equal(h.counts[1], 2);
	assert_int_equal(h.counts[2], 2);
	assert_float_equal(results_hist_edge(&h, 1), 1000.0 / 3, 1e-9);
	assert_int_equal(results_histogram(w, 5, 0, 1000, 0, &h), RESULTS_E_INVALID);
	assert_int_equal(results_histogram(w, 5, 0, 1000, RESULTS_HIST_MAX_BINS + 1, &h), RESULTS_E_INVALID);
	assert_int_equal(results_histogram(w, 5, 10, 10, 3, &h), RESULTS_E_INVALID);
}

/* ---------- units ---------- */

#define CO "示范公司"
#define F1 CO "/一分厂"

static void test_units_tree(void **state)
{
	(void)state;
	const results_roster_row roster[] = {
		{F1 "/机修车间/甲班", 10},
		{F1 "/机修车间/乙班", 8},
		{" 示范公司 / 一分厂 / 装配车间 ", 20},
		{CO "/二分厂", 30},
		{CO, 2},
	};
	results_member m[24];
	size_t n = 0;
	const int jia[5] = {0, 1, RESULTS_TIER_NONE, RESULTS_TIER_NONE, RESULTS_TIER_PARTICIPATION};
	for (int i = 0; i < 5; i++)
		m[n++] = (results_member){F1 "/机修车间/甲班", jia[i]};
	for (int i = 0; i < 8; i++)
		m[n++] = (results_member){F1 "/机修车间/乙班", i == 0 ? 2 : RESULTS_TIER_NONE};
	for (int i = 0; i < 4; i++)
		m[n++] = (results_member){F1 "/装配车间", RESULTS_TIER_NONE};
	m[n++] = (results_member){"示范公司／一分厂／装配车间", 0}; /* full-width slashes */
	for (int i = 0; i < 3; i++)
		m[n++] = (results_member){CO "/二分厂/新车间", RESULTS_TIER_NONE};
	m[n++] = (results_member){"外部单位", RESULTS_TIER_NONE};
	m[n++] = (results_member){"外部单位", RESULTS_TIER_NONE};
	m[n++] = (results_member){NULL, 0};
	results_units u;
	char *err = NULL;
	assert_int_equal(results_units_build(roster, 5, m, n, &u, &err), RESULTS_OK);
	struct {
		const char *path, *name;
		int depth;
		long parent;
		int64_t head, part;
		bool unlisted;
	} want[] = {
		{CO, CO, 0, -1, 70, 21, false},
		{F1, "一分厂", 1, 0, 38, 18, false},
		{F1 "/机修车间", "机修车间", 2, 1, 18, 13, false},
		{F1 "/机修车间/甲班", "甲班", 3, 2, 10, 5, false},
		{F1 "/机修车间/乙班", "乙班", 3, 2, 8, 8, false},
		{F1 "/装配车间", "装配车间", 2, 1, 20, 5, false},
		{CO "/二分厂", "二分厂", 1, 0, 30, 3, false},
		{CO "/二分厂/新车间", "新车间", 2, 6, 0, 3, true},
		{"外部单位", "外部单位", 0, -1, 0, 2, true},
	};
	assert_int_equal(u.n, 9);
	assert_int_equal(u.unassigned, 1);
	for (size_t i = 0; i < u.n; i++) {
		const results_unit *x = &u.u[i];
		assert_string_equal(x->path, want[i].path);
		assert_string_equal(x->name, want[i].name);
		assert_int_equal(x->depth, want[i].depth);
		assert_int_equal(x->parent, want[i].parent);
		assert_int_equal(x->headcount, want[i].head);
		assert_int_equal(x->participants, want[i].part);
		assert_int_equal(x->unlisted, want[i].unlisted);
		if (want[i].head)
			assert_float_equal(x->rate, (double)want[i].part / (double)want[i].head, 1e-12);
		else
			assert_true(isnan(x->rate));
	}
	/* awards: 甲班 one 一等奖, one 二等奖, one participation; 乙班 one 三等奖; 装配车间 one 一等奖 */
	assert_int_equal(u.u[3].awards[0], 1);
	assert_int_equal(u.u[3].awards[1], 1);
	assert_int_equal(u.u[3].participation, 1);
	assert_int_equal(u.u[4].awards[2], 1);
	assert_int_equal(u.u[5].awards[0], 1);
	assert_int_equal(u.u[1].awards[0], 2);
	assert_int_equal(u.u[0].awards[0], 2);
	assert_int_equal(u.u[0].awards[2], 1);
	assert_int_equal(u.u[0].participation, 1);
	results_units_release(&u);
}

static void test_units_errors(void **state)
{
	(void)state;
	results_units u;
	char *err = NULL;
	const results_roster_row dup[] = {{"公司/一厂", 1}, {"公司/二厂", 2}, {" 公司 / 一厂", 3}};
	assert_int_equal(results_units_build(dup, 3, NULL, 0, &u, &err), RESULTS_E_DATA);
	assert_string_equal(err, "roster[2].unit: '公司/一厂' is listed twice (roster[0])");
	const results_roster_row empty[] = {{"公司//班组", 1}};
	assert_int_equal(results_units_build(empty, 1, NULL, 0, &u, &err), RESULTS_E_DATA);
	assert_string_equal(err, "roster[0].unit: empty unit name");
	const results_roster_row neg[] = {{"公司", -1}};
	assert_int_equal(results_units_build(neg, 1, NULL, 0, &u, &err), RESULTS_E_DATA);
	assert_string_equal(err, "roster[0].headcount: must be >= 0");
	const results_member bad[] = {{"公司/\xE4\xB8", 0}};
	assert_int_equal(results_units_build(NULL, 0, bad, 1, &u, &err), RESULTS_E_UTF8);
	assert_string_equal(err, "members[0].unit: not valid UTF-8");
	const results_member blank[] = {{"公司/ 　", 0}}; /* an ideographic space only */
	assert_int_equal(results_units_build(NULL, 0, blank, 1, &u, &err), RESULTS_E_DATA);
	assert_string_equal(err, "members[0].unit: empty unit name");
	free(err);
	assert_null(u.u);
	assert_int_equal(u.n, 0);
}

static void test_units_long_names(void **state)
{
	(void)state;
	/* 64-character Chinese names at every level, and a deep tree */
	char seg[64 * 3 + 1] = "", path[4 * (64 * 3 + 1)] = "";
	for (int i = 0; i < 64; i++)
		strcat(seg, "车");
	for (int d = 0; d < 4; d++) {
		if (d)
			strcat(path, "/");
		strcat(path, seg);
	}
	results_roster_row r = {path, 7};
	results_member m = {path, RESULTS_TIER_NONE};
	results_units u;
	assert_int_equal(results_units_build(&r, 1, &m, 1, &u, NULL), RESULTS_OK);
	assert_int_equal(u.n, 4);
	assert_string_equal(u.u[3].path, path);
	assert_string_equal(u.u[3].name, seg);
	assert_int_equal(u.u[0].headcount, 7);
	assert_float_equal(u.u[0].rate, 1.0 / 7, 1e-12);
	results_units_release(&u);
}

/* ---------- time zones ---------- */

static void test_tz(void **state)
{
	(void)state;
	results_tz *sh = NULL, *tz = NULL;
	assert_int_equal(results_tz_load(NULL, &sh), RESULTS_OK);
	assert_string_equal(results_tz_name(sh), "Asia/Shanghai");
	char buf[40];
	/* 2026-06-15T08:30:02.100+08:00 = 1781483402100 ms (Python zoneinfo) */
	assert_int_equal(results_tz_format(sh, 1781483402100LL, buf), RESULTS_OK);
	assert_string_equal(buf, "2026-06-15T08:30:02.100+08:00");
	assert_int_equal(results_tz_format(NULL, 1781483402100LL, buf), RESULTS_OK);
	assert_string_equal(buf, "2026-06-15T00:30:02.100Z");
	/* China's summer time of 1988: +09:00 on 1988-07-01T00:00Z (583718400) */
	int32_t off;
	assert_int_equal(results_tz_offset(sh, 583718400, &off), RESULTS_OK);
	assert_int_equal(off, 9 * 3600);
	assert_int_equal(results_tz_offset(sh, 4102444800LL, &off), RESULTS_OK); /* 2100: CST-8 for good */
	assert_int_equal(off, 8 * 3600);
	/* local midnight 2026-06-15 = 1781452800000 ms */
	int64_t d0, d1;
	assert_int_equal(results_tz_day(sh, 1781452800000LL - 1, &d0), RESULTS_OK);
	assert_int_equal(results_tz_day(sh, 1781452800000LL, &d1), RESULTS_OK);
	assert_int_equal(d1, results_days_from_civil(2026, 6, 15));
	assert_int_equal(d0, d1 - 1);
	/* before 1970 */
	assert_int_equal(results_tz_format(NULL, -152668800000LL, buf), RESULTS_OK);
	assert_string_equal(buf, "1965-03-01T00:00:00.000Z");
	/* Berlin: +02:00 in summer, +01:00 in winter, refused after its last listed transition (2037) */
	assert_int_equal(results_tz_load("Europe/Berlin", &tz), RESULTS_OK);
	assert_int_equal(results_tz_offset(tz, 1782864000, &off), RESULTS_OK);
	assert_int_equal(off, 7200);
	assert_int_equal(results_tz_offset(tz, 1767225600, &off), RESULTS_OK);
	assert_int_equal(off, 3600);
	assert_int_equal(results_tz_offset(tz, 2224713600LL, &off), RESULTS_E_TZ);
	results_tz_free(tz);
	assert_int_equal(results_tz_load("-03:30", &tz), RESULTS_OK);
	assert_int_equal(results_tz_format(tz, 0, buf), RESULTS_OK);
	assert_string_equal(buf, "1969-12-31T20:30:00.000-03:30");
	results_tz_free(tz);
	const char *bad[] = {"Mars/Olympus", "../../etc/passwd", "+25:00",
			     "+8:00",        "/etc/localtime",   "Asia/"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		tz = (results_tz *)1;
		assert_int_equal(results_tz_load(bad[i], &tz), RESULTS_E_TZ);
		assert_null(tz);
	}
	/* civil dates round trip */
	for (int64_t d = -800000; d < 800000; d += 997) {
		int y, m, dd;
		results_civil_from_days(d, &y, &m, &dd);
		assert_int_equal(results_days_from_civil(y, m, dd), d);
	}
	results_tz_free(sh);
}

/* ---------- per-day series ---------- */

/* Unix ms of a Shanghai wall-clock time. */
static int64_t sh_ms(int y, int mo, int d, int h, int mi, int s)
{
	return ((results_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s) - 8 * 3600) * 1000;
}

static void test_daily(void **state)
{
	(void)state;
	results_tz *sh = NULL;
	assert_int_equal(results_tz_load("Asia/Shanghai", &sh), RESULTS_OK);
	const results_attempt a[] = {
		{1, sh_ms(2026, 6, 15, 7, 59, 0), 80000, "公司/一分厂/甲班"}, /* 06-14 in UTC */
		{2, sh_ms(2026, 6, 15, 10, 0, 0), 70000, "公司/二分厂"},
		{1, sh_ms(2026, 6, 15, 20, 0, 0), 90000, "公司/一分厂/甲班"},
		{2, sh_ms(2026, 6, 17, 9, 0, 0), 75000, "公司/二分厂"},
		{3, sh_ms(2026, 6, 17, 23, 59, 59) + 999, 60000, "公司 / 一分厂"},
	};
	results_day *d = NULL;
	size_t nd = 0;
	assert_int_equal(results_daily(a, 5, sh, NULL, 0, 0, &d, &nd, NULL), RESULTS_OK);
	assert_int_equal(nd, 3);
	assert_string_equal(d[0].date, "2026-06-15");
	assert_int_equal(d[0].attempts, 3);
	assert_int_equal(d[0].participants, 2);
	assert_int_equal(d[0].new_participants, 2);
	assert_int_equal(d[0].cumulative, 2);
	assert_int_equal(d[0].best_milli, 90000);
	assert_float_equal(d[0].mean_milli, 80000, 1e-9);
	assert_string_equal(d[1].date, "2026-06-16");
	assert_int_equal(d[1].attempts, 0);
	assert_int_equal(d[1].cumulative, 2);
	assert_true(isnan(d[1].mean_milli));
	assert_string_equal(d[2].date, "2026-06-17");
	assert_int_equal(d[2].attempts, 2);
	assert_int_equal(d[2].participants, 2);
	assert_int_equal(d[2].new_participants, 1);
	assert_int_equal(d[2].cumulative, 3);
	assert_float_equal(d[2].mean_milli, 67500, 1e-9);
	free(d);
	/* in UTC the first attempt falls on 06-14 */
	assert_int_equal(results_daily(a, 5, NULL, NULL, 0, 0, &d, &nd, NULL), RESULTS_OK);
	assert_int_equal(nd, 4);
	assert_string_equal(d[0].date, "2026-06-14");
	free(d);
	/* one unit and its sub-units ("公司/一分" is not a prefix of "公司/一分厂") */
	assert_int_equal(results_daily(a, 5, sh, "公司/一分厂", 0, 0, &d, &nd, NULL), RESULTS_OK);
	assert_int_equal(nd, 3);
	assert_int_equal(d[0].attempts, 2);
	assert_int_equal(d[2].attempts, 1);
	assert_int_equal(d[2].cumulative, 2);
	free(d);
	assert_int_equal(results_daily(a, 5, sh, "公司/一分", 0, 0, &d, &nd, NULL), RESULTS_OK);
	assert_int_equal(nd, 0);
	assert_null(d);
	/* a period: 06-16 00:00 to 06-18 00:00 (exclusive end given as the last ms) */
	assert_int_equal(results_daily(a, 5, sh, NULL, sh_ms(2026, 6, 16, 0, 0, 0),
				       sh_ms(2026, 6, 18, 0, 0, 0) - 1, &d, &nd, NULL),
			 RESULTS_OK);
	assert_int_equal(nd, 2);
	assert_int_equal(d[0].attempts, 0);
	assert_int_equal(d[1].attempts, 2);
	assert_int_equal(d[1].new_participants, 2); /* first seen within the period */
	free(d);
	char *err = NULL;
	assert_int_equal(results_daily(a, 5, sh, NULL, sh_ms(2000, 1, 1, 0, 0, 0), sh_ms(2026, 1, 1, 0, 0, 0),
				       &d, &nd, &err),
			 RESULTS_E_RANGE);
	assert_string_equal(err, "the period spans 9498 days (at most 3660)");
	assert_int_equal(results_daily(a, 5, sh, "公司//x", 0, 0, &d, &nd, &err), RESULTS_E_DATA);
	assert_string_equal(err, "unit_prefix: not a unit path");
	free(err);
	results_tz_free(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_histogram),    cmocka_unit_test(test_units_tree),
		cmocka_unit_test(test_units_errors), cmocka_unit_test(test_units_long_names),
		cmocka_unit_test(test_tz),           cmocka_unit_test(test_daily),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
