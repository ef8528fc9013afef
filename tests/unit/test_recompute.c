/*
 * test_recompute.c - the core of `skillarena recompute` (server/store/
 * recompute.c): stored responses read back and scored again through the
 * engine (time factor, streak bonus, negative marking), totals, the time
 * reached and the streak; every comparison (answers, participants, the
 * Redis board, a stored ranking with awards) finds exactly the difference
 * put in, named by participant and question; corrections of a key and of a
 * mark change what follows from them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/lb.h"
#include "store/recompute.h"

static const char *const QUESTIONS[] = {
	"{\"id\":\"q1\",\"type\":\"single_choice\",\"options\":[\"a\",\"b\",\"c\"],\"answer\":1}",
	"{\"id\":\"q2\",\"type\":\"multiple_choice\",\"options\":[\"a\",\"b\",\"c\"],\"answer\":[0,2]}",
	"{\"id\":\"q3\",\"type\":\"fill_in\",\"answer\":[\"三十\"]}",
	"{\"id\":\"q4\",\"type\":\"numeric\",\"answer\":2.5}",
	"{\"id\":\"q5\",\"type\":\"true_false\",\"answer\":false}",
};
#define NQ 5
static const char RULES[] = "{\"points\":1000,\"time_factor\":true,\"streak_bonus\":100,"
			    "\"negative_marking\":true,\"wrong_penalty\":250}";

typedef struct fixture {
	score_engine *eng;
	cJSON *rules;
	rc_contest c;
} fixture;

/* One answer as the live path would have stored it: scored with the streak so far. */
static void play(fixture *f, int64_t pid, int qi, const char *resp_json, int64_t ms, int *streak, int64_t ds)
{
	cJSON *resp = cJSON_Parse(resp_json);
	assert_non_null(resp);
	score_ctx ctx = {.response_ms = ms, .limit_ms = 20000, .streak = *streak};
	score_result r;
	assert_int_equal(score_answer(f->c.qs[qi].q, resp, &ctx, &r), 0);
	char *canon = score_canonical_response(f->c.qs[qi].q, resp);
	assert_int_equal(rc_add_answer(&f->c, pid, qi, canon, r.points_milli, r.correctness, ms, ds), 0);
	*streak = r.streak;
	rc_participant *p = NULL;
	for (size_t i = 0; i < f->c.np; i++)
		if (f->c.ps[i].id == pid)
			p = &f->c.ps[i];
	p->score_milli += r.points_milli;
	p->streak = r.streak;
	if (r.points_milli)
		p->reached_ds = ds;
	free(canon);
	cJSON_Delete(resp);
}

static void build(fixture *f, const char *awards)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(score_engine_new(&f->eng, NULL, NULL), 0);
	f->rules = cJSON_Parse(RULES);
	f->c.code = strdup("UNIT2026");
	f->c.id = 7;
	f->c.tb = score_tiebreak_default;
	f->c.pass_mark = -1;
	f->c.qs = calloc(NQ, sizeof *f->c.qs);
	for (int i = 0; i < NQ; i++) {
		f->c.qs[i].def = cJSON_Parse(QUESTIONS[i]);
		f->c.qs[i].qid = strdup(cJSON_GetObjectItem(f->c.qs[i].def, "id")->valuestring);
		f->c.qs[i].limit_ms = 20000;
		f->c.qs[i].max_milli = 1000;
		f->c.nq++;
	}
	if (awards) {
		cJSON *a = cJSON_Parse(awards);
		char *err = NULL;
		assert_int_equal(results_awards_parse(a, "en", &f->c.awards, &err), 0);
		f->c.has_awards = true;
		cJSON_Delete(a);
	}
	char err[200];
	assert_int_equal(rc_compile(&f->c, f->eng, f->rules, err, sizeof err), 0);
	/* added out of id order on purpose: rc_link sorts */
	assert_int_equal(rc_add_participant(&f->c, 12, "李四", "E-12", "二车间", 0, 0, 0, false), 0);
	assert_int_equal(rc_add_participant(&f->c, 11, "张三", "E-11", "一车间", 0, 0, 0, false), 0);
	assert_int_equal(rc_add_participant(&f->c, 13, "王五", NULL, "", 0, 0, 0, false), 0);
	int s11 = 0, s12 = 0;
	play(f, 11, 0, "1", 1000, &s11, 10);
	play(f, 11, 1, "[0,2]", 2000, &s11, 40);
	play(f, 11, 2, "[\" 三十 \"]", 3000, &s11, 70);
	play(f, 11, 3, "2.5", 500, &s11, 90);
	play(f, 11, 4, "false", 0, &s11, 120);
	play(f, 12, 0, "0", 4000, &s12, 30);
	play(f, 12, 1, "[0]", 5000, &s12, 60);
	play(f, 12, 3, "2.5", 8000, &s12, 100);
	play(f, 12, 4, "false", 100, &s12, 130);
	assert_int_equal(rc_link(&f->c), 0);
}

static void release(fixture *f)
{
	rc_contest_release(&f->c);
	cJSON_Delete(f->rules);
	score_engine_free(f->eng);
}

static void rescore(fixture *f)
{
	char err[200];
	assert_int_equal(rc_rescore(&f->c, err, sizeof err), 0);
}

static void test_consistent_data_has_no_difference(void **state)
{
	(void)state;
	fixture f;
	build(&f, NULL);
	rescore(&f);
	rc_report r = {0};
	rc_compare_answers(&f.c, &r);
	rc_compare_participants(&f.c, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.answers, 9);
	assert_int_equal(r.participants, 3);
	/* a streak bonus and a negative mark were both in play */
	assert_true(f.c.as[4].new_points > 1000);
	assert_true(f.c.as[5].new_points < 0 || f.c.as[6].new_points <= 0);
	assert_int_equal(f.c.ps[0].id, 11);
	assert_int_equal(f.c.ps[0].new_streak, 5);
	assert_int_equal(f.c.ps[2].n, 0);
	rc_report_release(&r);
	release(&f);
}

static void test_each_difference_is_named(void **state)
{
	(void)state;
	fixture f;
	build(&f, NULL);
	f.c.as[1].points_milli += 1; /* participant 11, q2 */
	f.c.as[6].correctness = 2;   /* participant 12, q2 (wrong) */
	f.c.ps[1].score_milli = 5;   /* participant 12 */
	f.c.ps[0].reached_ds = 1;    /* participant 11 */
	rescore(&f);
	rc_report r = {0};
	rc_compare_answers(&f.c, &r);
	rc_compare_participants(&f.c, &r);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.d[0].what, "answer.points");
	assert_int_equal(r.d[0].pid, 11);
	assert_string_equal(r.d[0].name, "张三");
	assert_string_equal(r.d[0].qid, "q2");
	assert_string_equal(r.d[1].what, "answer.correctness");
	assert_int_equal(r.d[1].pid, 12);
	assert_string_equal(r.d[1].stored, "correct");
	assert_string_equal(r.d[1].computed, "wrong"); /* all or nothing by default */
	assert_string_equal(r.d[2].what, "participant.reached_ds");
	assert_string_equal(r.d[2].stored, "1");
	assert_string_equal(r.d[2].computed, "120");
	assert_string_equal(r.d[3].what, "participant.total");
	assert_string_equal(r.d[3].stored, "0.005");
	assert_null(r.d[3].qid);
	cJSON *j = rc_report_json(&f.c, &r);
	cJSON *d0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "differences"), 0);
	assert_int_equal((int)cJSON_GetObjectItem(d0, "participant_id")->valuedouble, 11);
	assert_string_equal(cJSON_GetObjectItem(d0, "question_id")->valuestring, "q2");
	cJSON_Delete(j);
	rc_report_release(&r);
	release(&f);
}

static void test_unreadable_response_is_reported(void **state)
{
	(void)state;
	fixture f;
	build(&f, NULL);
	free(f.c.as[4].response);
	f.c.as[4].response = strdup("7"); /* not true or false */
	rescore(&f);
	rc_report r = {0};
	rc_compare_answers(&f.c, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.d[0].what, "answer.response");
	assert_string_equal(r.d[0].qid, "q5");
	rc_report_release(&r);
	free(f.c.as[0].response); /* the first: the streak it began is gone too */
	f.c.as[0].response = strdup("7");
	rescore(&f);
	rc_compare_answers(&f.c, &r);
	assert_int_equal(r.n, 5);
	assert_string_equal(r.d[1].what, "answer.points");
	assert_string_equal(r.d[1].qid, "q2");
	rc_report_release(&r);
	release(&f);
}

static void test_key_correction_moves_the_streak(void **state)
{
	(void)state;
	fixture f;
	build(&f, NULL);
	int64_t before = f.c.ps[1].score_milli;
	cJSON *k = cJSON_Parse("{\"question_id\":\"q1\",\"answer\":0}");
	char err[200];
	assert_int_equal(rc_correction_check(&f.c, k, err, sizeof err), 0);
	assert_int_equal(rc_correct_key(&f.c, k, err, sizeof err), 0);
	assert_int_equal(rc_compile(&f.c, f.eng, f.rules, err, sizeof err), 0);
	rescore(&f);
	rc_report r = {0};
	rc_compare_answers(&f.c, &r);
	/* 12's q1 is now right (and starts a streak), 11's wrong (its streak is gone: every
	 * later right answer of 11 loses a bonus) */
	assert_true(f.c.ps[1].new_score > before);
	assert_int_equal(f.c.as[0].new_correctness, SCORE_WRONG);
	assert_int_equal(f.c.as[5].new_correctness, SCORE_CORRECT);
	assert_true(r.n >= 4);
	rc_report_release(&r);
	cJSON_Delete(k);
	release(&f);
}

static void test_mark_correction(void **state)
{
	(void)state;
	fixture f;
	build(&f, NULL);
	char err[200];
	cJSON *bad = cJSON_Parse("{\"question_id\":\"q3\",\"participant_id\":12,\"points\":1}");
	assert_int_equal(rc_correction_check(&f.c, bad, err, sizeof err), -1); /* 12 left q3 blank */
	assert_non_null(strstr(err, "did not answer"));
	cJSON *m = cJSON_Parse("{\"question_id\":\"q2\",\"participant_id\":12,\"points\":0.75}");
	assert_int_equal(rc_correct_mark(&f.c, m, err, sizeof err), 0);
	rescore(&f);
	assert_int_equal(f.c.as[6].new_points, 750);
	rc_report r = {0};
	rc_compare_answers(&f.c, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.d[0].computed, "0.75");
	rc_report_release(&r);
	cJSON_Delete(m);
	cJSON_Delete(bad);
	release(&f);
}

static void test_board(void **state)
{
	(void)state;
	fixture f;
	build(&f, NULL);
	f.c.ps[2].removed = true;
	rescore(&f);
	rc_member m[4] = {
		{11, lb_zscore(f.c.ps[0].new_score, f.c.ps[0].new_reached_ds)},
		{12, lb_zscore(f.c.ps[1].new_score + 1, f.c.ps[1].new_reached_ds)},
		{13, lb_zscore(0, 0)},
		{-1, 5},
	};
	rc_report r = {0};
	rc_compare_board(&f.c, m, 4, &r);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.d[0].what, "board.score");
	assert_int_equal(r.d[0].pid, 12);
	assert_string_equal(r.d[1].what, "board.removed");
	assert_string_equal(r.d[2].what, "board.extra");
	rc_report_release(&r);
	rc_compare_board(&f.c, m, 1, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.d[0].what, "board.missing");
	rc_report_release(&r);
	release(&f);
}

static void test_rows_and_awards(void **state)
{
	(void)state;
	fixture f;
	build(&f,
	      "{\"by\":\"rank\",\"tiers\":[{\"name\":\"一等奖\",\"count\":1},{\"name\":\"二等奖\",\"count\":1}]}");
	rescore(&f);
	rc_row *rows;
	assert_int_equal(rc_rows(&f.c, &rows), 0);
	assert_int_equal(rows[0].pid, 11);
	assert_int_equal(rows[0].tier, 0);
	rc_report r = {0};
	rc_compare_rows(&f.c, "release", rows, 3, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.release, 3);
	rows[1].tier = RESULTS_TIER_NONE;
	rows[1].rank = 3;
	rc_compare_rows(&f.c, "release", rows, 2, &r);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.d[0].what, "release.rank");
	assert_string_equal(r.d[1].what, "release.award");
	assert_string_equal(r.d[1].stored, "none");
	assert_string_equal(r.d[1].computed, "二等奖");
	assert_string_equal(r.d[2].what, "release.missing");
	rc_report_release(&r);
	rows[0].pid = 12;
	rows[0].tier = RC_TIER_ANY;
	rc_compare_rows(&f.c, "results", rows, 1, &r);
	assert_string_equal(r.d[0].what, "results.participant");
	rc_report_release(&r);
	free(rows);
	release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_consistent_data_has_no_difference),
		cmocka_unit_test(test_each_difference_is_named),
		cmocka_unit_test(test_unreadable_response_is_reported),
		cmocka_unit_test(test_key_correction_moves_the_streak),
		cmocka_unit_test(test_mark_correction),
		cmocka_unit_test(test_board),
		cmocka_unit_test(test_rows_and_awards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
