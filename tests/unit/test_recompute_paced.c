/*
 * test_recompute_paced.c - self-paced contests recomputed (server/store/
 * recompute_paced.c, recompute_notebook.c): an exam's attempts with changed
 * answers agree with themselves; a change received after the submission
 * never counts, a wrong seed, day or score is named with its participant and
 * attempt; the counted attempt is the best (ties: the shorter duration) or
 * the last; a day board member off by a point; the wrong-answer notebook
 * replayed (in at a wrong answer, out after leave_after right ones in a row,
 * in again) and each stored difference named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store/lb.h"
#include "store/recompute_paced.h"

#define T0 1780000000000LL /* 2026-05-29 04:26:40 in Shanghai */

static const char EXAM[] =
	"{\"code\":\"UNITEXAM\",\"title\":{\"zh-CN\":\"单元考试\"},\"mode\":\"exam\","
	"\"window\":{\"opens_at\":\"2026-01-01T00:00:00+08:00\",\"closes_at\":\"2026-12-31T00:00:00+08:00\","
	"\"duration_min\":30},\"scoring\":{\"points\":1,\"time_factor\":false},\"attempts\":{\"max\":3%s},"
	"\"questions\":[{\"id\":\"q1\",\"type\":\"single_choice\",\"text\":\"一\",\"options\":[\"a\",\"b\",\"c\"],"
	"\"answer\":1},{\"id\":\"q2\",\"type\":\"true_false\",\"text\":\"二\",\"answer\":false}]}";

static const char PRACTICE[] =
	"{\"code\":\"UNITPRAC\",\"title\":{\"zh-CN\":\"单元练习\"},\"mode\":\"practice\",\"notebook\":{\"leave_after\":2},"
	"\"scoring\":{\"points\":1,\"time_factor\":false},"
	"\"questions\":[{\"id\":\"q1\",\"type\":\"single_choice\",\"text\":\"一\",\"options\":[\"a\",\"b\",\"c\"],"
	"\"answer\":1},{\"id\":\"q2\",\"type\":\"true_false\",\"text\":\"二\",\"answer\":false}]}";

typedef struct fixture {
	score_engine *eng;
	rc_contest c;
	rc_paced s;
} fixture;

static void open_contest(fixture *f, const char *json, int mode)
{
	contest_def *def = NULL;
	contest_pool *pool = NULL;
	results_tz *tz = NULL;
	contest_diag diag = {0};
	char *err = NULL;
	memset(f, 0, sizeof *f);
	assert_int_equal(score_engine_new(&f->eng, NULL, NULL), 0);
	int rc = contest_load_mem("unit.json", json, strlen(json), f->eng, "en", &def, &diag);
	if (rc)
		contest_diag_print(&diag, stderr);
	assert_int_equal(rc, 0);
	contest_diag_free(&diag);
	assert_int_equal(contest_pool_build(def, f->eng, &pool, &err), 0);
	assert_int_equal(results_tz_load("Asia/Shanghai", &tz), 0);
	assert_int_equal(rc_paced_open(&f->s, def, pool, tz), 0);
	f->c.code = strdup(def->code);
	f->c.id = 9;
	f->c.mode = mode;
	f->c.tb = score_tiebreak_default;
	f->c.pass_mark = -1;
}

/* The seed of participant pid's paper for attempt no, as the server draws it. */
static void seed_of(fixture *f, int64_t pid, int no, char seed[24])
{
	char key[32], *err = NULL;
	contest_paper *cp = NULL;
	if (no <= 1)
		snprintf(key, sizeof key, "%lld", (long long)pid);
	else
		snprintf(key, sizeof key, "%lld/%d", (long long)pid, no);
	assert_int_equal(contest_paper_draw(f->s.def, f->eng, key, &cp, &err), 0);
	snprintf(seed, 24, "%llu", (unsigned long long)cp->seed);
	contest_paper_free(cp);
}

static void release(fixture *f)
{
	rc_paced_release(&f->s);
	rc_contest_release(&f->c);
	score_engine_free(f->eng);
}

/* An ended attempt as the server stores it: started at T0 + at, ended dur ms later, with its totals. */
static void attempt(fixture *f, int64_t id, int64_t pid, int no, int64_t at, int64_t dur, int64_t score,
		    int correct, int answered)
{
	rc_attempt a = {.id = id, .pid = pid, .no = no, .status = 's'};
	char seed[24];
	seed_of(f, pid, no, seed);
	a.started_ms = T0 + at;
	a.deadline_ms = a.started_ms + 30 * 60000;
	a.submitted_ms = a.started_ms + dur;
	a.duration_ms = dur;
	rc_paced_day(&f->s, a.started_ms, a.day);
	a.paper = "[{\"q\":\"q1\"},{\"q\":\"q2\"}]";
	a.seed = seed;
	a.count = 2, a.max_milli = 2000, a.score_milli = score, a.correct = correct, a.answered = answered;
	assert_int_equal(rc_paced_add_attempt(&f->s, &a), 0);
}

/* Participants 21 and 22 with their counted results; 21's attempts 1 (1 right) and 2 (2 right, slower). */
static void build_exam(fixture *f, const char *extra)
{
	char json[2048];
	snprintf(json, sizeof json, EXAM, extra);
	open_contest(f, json, RC_EXAM);
	assert_int_equal(rc_add_participant(&f->c, 21, "张三", "E21", "一车间", 2000, 90, 0, false), 0);
	assert_int_equal(rc_add_participant(&f->c, 22, "李四", NULL, "二车间", 1000, 50, 0, false), 0);
	assert_int_equal(rc_link(&f->c), 0);
	attempt(f, 1, 21, 1, 0, 6000, 1000, 1, 2);
	/* q1: "0" (wrong) then "1" (right); q2: "true" (wrong) */
	rc_paced_add_change(&f->s, 1, 0, 1, "0", T0 + 1000);
	rc_paced_add_change(&f->s, 1, 0, 2, "1", T0 + 2000);
	rc_paced_add_change(&f->s, 1, 1, 1, "true", T0 + 3000);
	rc_paced_add_current(&f->s, 1, 0, 2, "1", 1000, 2);
	rc_paced_add_current(&f->s, 1, 1, 1, "true", 0, 0);
	attempt(f, 2, 21, 2, 60000, 9000, 2000, 2, 2);
	rc_paced_add_change(&f->s, 2, 0, 1, "1", T0 + 61000);
	rc_paced_add_change(&f->s, 2, 1, 1, "false", T0 + 62000);
	rc_paced_add_current(&f->s, 2, 0, 1, "1", 1000, 2);
	rc_paced_add_current(&f->s, 2, 1, 1, "false", 1000, 2);
	attempt(f, 3, 22, 1, 0, 5000, 1000, 1, 1); /* q2 cleared after an answer */
	rc_paced_add_change(&f->s, 3, 0, 1, "1", T0 + 1000);
	rc_paced_add_change(&f->s, 3, 1, 1, "false", T0 + 2000);
	rc_paced_add_change(&f->s, 3, 1, 2, NULL, T0 + 3000);
	rc_paced_add_current(&f->s, 3, 0, 1, "1", 1000, 2);
	rc_paced_add_current(&f->s, 3, 1, 2, NULL, 0, 0);
}

static void check(fixture *f, rc_report *r)
{
	char err[200];
	memset(r, 0, sizeof *r);
	assert_int_equal(rc_paced_attempts(&f->c, &f->s, f->eng, r), 0);
	rc_compare_participants(&f->c, r);
	assert_int_equal(rc_rank(&f->c, err, sizeof err), 0);
}

static void test_exam_agrees_with_itself(void **state)
{
	(void)state;
	fixture f;
	rc_report r;
	build_exam(&f, "");
	check(&f, &r);
	for (size_t i = 0; i < r.n; i++)
		print_message("%s: %s vs %s\n", r.d[i].what, r.d[i].stored, r.d[i].computed);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.attempts, 3);
	assert_int_equal(r.answers, 6);
	assert_string_equal(f.s.at[0].new_day, "2026-05-29");
	assert_int_equal(f.c.ps[0].new_score, 2000); /* the best: attempt 2 */
	assert_int_equal(f.c.ps[0].new_reached_ds, 90);
	assert_int_equal(f.c.places[0].entry, 0);
	rc_report_release(&r);
	release(&f);
}

static void test_each_difference_is_named(void **state)
{
	(void)state;
	fixture f;
	rc_report r;
	build_exam(&f, "");
	rc_paced_add_change(&f.s, 2, 1, 2, "true", T0 + 69500); /* after attempt 2 ended: never counts */
	free(f.s.at[2].seed);
	f.s.at[2].seed = strdup("12345");
	strcpy(f.s.at[2].day, "2026-05-28");
	f.s.cur[1].points = 500; /* attempt 1, q2 */
	char seed[24];
	seed_of(&f, 22, 1, seed);
	check(&f, &r);
	const char *want[][4] = {{"answer.points", "0.5", "0", "q2"},
				 {"attempt.seed", "12345", seed, NULL},
				 {"attempt.day", "2026-05-28", "2026-05-29", NULL}};
	assert_int_equal(r.n, 3);
	for (size_t i = 0; i < 3; i++) {
		const rc_diff *d = NULL;
		for (size_t k = 0; k < r.n; k++)
			if (!strcmp(r.d[k].what, want[i][0]))
				d = &r.d[k];
		assert_non_null(d);
		assert_string_equal(d->stored, want[i][1]);
		assert_string_equal(d->computed, want[i][2]);
		if (want[i][3])
			assert_string_equal(d->qid, want[i][3]);
	}
	assert_int_equal(r.d[0].pid, 21);
	assert_string_equal(r.d[0].name, "张三");
	assert_int_equal(r.d[0].attempt_no, 1);
	rc_report_release(&r);
	release(&f);
}

static void test_a_late_change_never_counts(void **state)
{
	(void)state;
	fixture f;
	rc_report r;
	build_exam(&f, "");
	/* attempt 2 ended at T0 + 69000; a change of q2 at 69500 stored as its current answer */
	rc_paced_add_change(&f.s, 2, 1, 2, "true", T0 + 69500);
	for (size_t i = 0; i < f.s.ncur; i++)
		if (f.s.cur[i].aid == 2 && f.s.cur[i].idx == 1) {
			free(f.s.cur[i].response);
			f.s.cur[i].response = strdup("true");
			f.s.cur[i].change = 2;
			f.s.cur[i].points = 0;
			f.s.cur[i].correctness = 0;
		}
	f.s.at[1].score_milli = 1000;
	f.s.at[1].correct = 1;
	check(&f, &r);
	const char *whats[] = {"answer.late",        "answer.response", "answer.points",
			       "answer.correctness", "attempt.score",   "attempt.correct"};
	assert_int_equal(r.n, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(r.d[i].what, whats[i]);
		assert_int_equal(r.d[i].attempt_no, 2);
	}
	assert_string_equal(r.d[0].stored, "2");
	assert_string_equal(r.d[0].computed, "1");
	rc_report_release(&r);
	release(&f);
}

static void test_counted_ties_and_last(void **state)
{
	(void)state;
	fixture f;
	rc_report r;
	build_exam(&f, "");
	/* a third attempt of 21 as good as the second and faster: it counts */
	attempt(&f, 4, 21, 3, 120000, 4000, 2000, 2, 2);
	rc_paced_add_change(&f.s, 4, 0, 1, "1", T0 + 121000);
	rc_paced_add_change(&f.s, 4, 1, 1, "false", T0 + 122000);
	rc_paced_add_current(&f.s, 4, 0, 1, "1", 1000, 2);
	rc_paced_add_current(&f.s, 4, 1, 1, "false", 1000, 2);
	check(&f, &r);
	assert_int_equal(f.c.ps[0].new_reached_ds, 40);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.d[0].what, "participant.reached_ds");
	rc_report_release(&r);
	release(&f);
	/* counts "last": attempt 2 of 21 */
	build_exam(&f, ",\"counts\":\"last\"");
	f.c.ps[0].reached_ds = 90;
	check(&f, &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(f.c.ps[0].new_score, 2000);
	rc_report_release(&r);
	release(&f);
}

static void test_day_board(void **state)
{
	(void)state;
	fixture f;
	rc_report r;
	build_exam(&f, "");
	check(&f, &r);
	rc_report_release(&r);
	memset(&r, 0, sizeof r);
	rc_member m[3] = {{21, lb_zscore(2000, 90)}, {22, lb_zscore(1000 + 1000, 50)}, {23, lb_zscore(0, 1)}};
	rc_paced_compare_day(&f.c, &f.s, "2026-05-29", m, 3, 3, &r);
	assert_int_equal(r.days, 2);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.d[0].what, "day.score");
	assert_int_equal(r.d[0].pid, 22);
	assert_string_equal(r.d[0].stored, "2 at 50 ds");
	assert_string_equal(r.d[0].computed, "1 at 50 ds");
	assert_string_equal(r.d[0].where, "day 2026-05-29");
	assert_string_equal(r.d[1].what, "day.extra");
	rc_report_release(&r);
	release(&f);
}

/* A practice answer of worker w on question qi (0: q1, 1: q2) at t, right or not, stored as scored. */
static void practise(fixture *f, int64_t pid, const char *w, int qi, int64_t t, int right)
{
	static const char *const resp[2][2] = {{"0", "1"}, {"true", "false"}};
	char serve[17];
	snprintf(serve, sizeof serve, "%016lld", (long long)t);
	rc_practice p = {.pid = pid,
			 .worker = (char *)w,
			 .serve = serve,
			 .qkey = qi ? "UNITPRAC/q2" : "UNITPRAC/q1",
			 .qid = qi ? "q2" : "q1",
			 .category = "",
			 .response = (char *)resp[qi][right],
			 .points = right ? 1000 : 0,
			 .at = T0 + t,
			 .correctness = right ? 2 : 0};
	assert_int_equal(rc_paced_add_practice(&f->s, &p), 0);
}

static void book(fixture *f, const char *w, int qi, int64_t wrong, int64_t streak, int64_t added, int64_t lw,
		 int64_t seen)
{
	rc_book b = {.worker = (char *)w,
		     .qkey = qi ? "UNITPRAC/q2" : "UNITPRAC/q1",
		     .qid = qi ? "q2" : "q1",
		     .category = "",
		     .cid = 9,
		     .wrong = wrong,
		     .streak = streak,
		     .added = T0 + added,
		     .last_wrong = T0 + lw,
		     .last_seen = T0 + seen};
	assert_int_equal(rc_paced_add_book(&f->s, &b), 0);
}

static void test_notebook_replayed(void **state)
{
	(void)state;
	fixture f;
	rc_report r = {0};
	open_contest(&f, PRACTICE, RC_PRACTICE);
	assert_int_equal(rc_add_participant(&f.c, 31, "王五", "P31", "", 0, 0, 0, false), 0);
	assert_int_equal(rc_link(&f.c), 0);
	/* q1: wrong, right, wrong, right, right -> out; then wrong -> in again (wrong 1) */
	int plan[] = {0, 1, 0, 1, 1, 0};
	for (int i = 0; i < 6; i++)
		practise(&f, 31, "e:P31", 0, 1000 * (i + 1), plan[i]);
	/* q2: wrong, right -> in with a streak of 1 */
	practise(&f, 31, "e:P31", 1, 10000, 0);
	practise(&f, 31, "e:P31", 1, 11000, 1);
	book(&f, "e:P31", 0, 1, 0, 6000, 6000, 6000);
	book(&f, "e:P31", 1, 1, 1, 10000, 10000, 11000);
	assert_int_equal(rc_paced_practice(&f.c, &f.s, &r), 0);
	for (size_t i = 0; i < r.n; i++)
		print_message("%s: %s vs %s\n", r.d[i].what, r.d[i].stored, r.d[i].computed);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.practice, 8);
	assert_int_equal(r.notebook, 2);
	rc_report_release(&r);
	/* stored: q2's streak 0, and q1 missing */
	memset(&r, 0, sizeof r);
	f.s.bk[1].streak = 0;
	f.s.bk[0].qkey[9] = 'x'; /* "UNITPRAC/x1": an entry of no answer */
	assert_int_equal(rc_paced_practice(&f.c, &f.s, &r), 0);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.d[0].what, "notebook.missing");
	assert_string_equal(r.d[0].qid, "q1");
	assert_string_equal(r.d[0].computed, "in the notebook (wrong 1, right streak 0)");
	assert_string_equal(r.d[1].what, "notebook.streak");
	assert_string_equal(r.d[1].stored, "in (wrong 1, right streak 0)");
	assert_string_equal(r.d[1].computed, "in (wrong 1, right streak 1)");
	assert_int_equal(r.d[1].pid, 31);
	assert_string_equal(r.d[2].what, "notebook.extra");
	rc_report_release(&r);
	/* a practice answer's stored correctness */
	memset(&r, 0, sizeof r);
	for (size_t i = 0; i < f.s.nbk; i++) {
		if (f.s.bk[i].qkey[9] == 'x')
			f.s.bk[i].qkey[9] = 'q';
		if (!strcmp(f.s.bk[i].qkey, "UNITPRAC/q2"))
			f.s.bk[i].streak = 1;
	}
	f.s.pr[1].correctness = 0;
	assert_int_equal(rc_paced_practice(&f.c, &f.s, &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.d[0].what, "practice.correctness");
	assert_string_equal(r.d[0].stored, "wrong");
	assert_string_equal(r.d[0].computed, "correct");
	rc_report_release(&r);
	release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exam_agrees_with_itself),
		cmocka_unit_test(test_each_difference_is_named),
		cmocka_unit_test(test_a_late_change_never_counts),
		cmocka_unit_test(test_counted_ties_and_last),
		cmocka_unit_test(test_day_board),
		cmocka_unit_test(test_notebook_replayed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
