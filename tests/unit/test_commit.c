/*
 * test_commit.c - the group-commit queue (server/store/commit.c) on a real
 * libuv loop, without PostgreSQL: every statement then "could not be sent"
 * and comes back at once through done(NULL, NULL), which shows how items
 * are batched: in order, at most `max` per statement, after `delay_ms` when
 * fewer wait, all at once while stopping, a conflicting item in the next
 * statement, and every waiting item handed back when the queue closes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/err.h"
#include "store/commit.h"

static char log_text[1024]; /* one "[a b c]" per statement */
static int items_back;

static void row(const void *item, pgarr *cols) { pgarr_num(&cols[0], *(const int *)item); }

static int same_value(const void *a, const void *b) { return *(const int *)a == *(const int *)b; }

static void done(arena *a, void **items, int n, void *res, const char *err)
{
	(void)a;
	assert_null(res); /* no PostgreSQL here: never sent */
	assert_null(err);
	size_t l = strlen(log_text);
	l += (size_t)snprintf(log_text + l, sizeof log_text - l, "[");
	for (int i = 0; i < n; i++)
		l += (size_t)snprintf(log_text + l, sizeof log_text - l, "%s%d", i ? " " : "",
				      *(int *)items[i]);
	snprintf(log_text + l, sizeof log_text - l, "]");
	items_back += n;
}

static const commit_ops ops = {.sql = "SELECT $1::int[]", .ncols = 1, .row = row, .done = done};
static const commit_ops ops_conflicts = {
	.sql = "SELECT $1::int[]", .ncols = 1, .row = row, .conflicts = same_value, .done = done};

static uv_loop_t loop;
static arena a;
static int values[64];

static int setup(void **state)
{
	(void)state;
	memset(&a, 0, sizeof a);
	uv_loop_init(&loop);
	a.loop = &loop;
	log_text[0] = '\0';
	items_back = 0;
	for (int i = 0; i < 64; i++)
		values[i] = i;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	uv_run(&loop, UV_RUN_DEFAULT); /* the closed queue's timer */
	assert_int_equal(uv_loop_close(&loop), 0);
	return 0;
}

static void test_full_statements_go_at_once(void **state)
{
	(void)state;
	commit_queue *q = commit_open(&a, &ops, (commit_policy){.max = 2, .delay_ms = 1000});
	for (int i = 0; i < 5; i++)
		assert_int_equal(commit_add(q, &values[i]), 0);
	assert_string_equal(log_text, "[0 1][2 3]"); /* the fifth waits for company */
	assert_int_equal(commit_waiting(q), 1);
	commit_flush(q);
	assert_string_equal(log_text, "[0 1][2 3][4]");
	commit_close(q);
	assert_int_equal(items_back, 5);
}

static void test_delay(void **state)
{
	(void)state;
	commit_queue *q = commit_open(&a, &ops, (commit_policy){.max = 100, .delay_ms = 5});
	for (int i = 0; i < 3; i++)
		commit_add(q, &values[i]);
	assert_string_equal(log_text, "");
	uv_run(&loop, UV_RUN_ONCE); /* the timer */
	while (!log_text[0])
		uv_run(&loop, UV_RUN_ONCE);
	assert_string_equal(log_text, "[0 1 2]");
	commit_close(q);
}

static void test_stopping_sends_everything(void **state)
{
	(void)state;
	commit_queue *q = commit_open(&a, &ops, (commit_policy){.max = 100, .delay_ms = 1000, .inflight = 1});
	commit_add(q, &values[7]);
	a.stopping = 1;
	commit_add(q, &values[8]);
	assert_string_equal(log_text, "[7 8]");
	commit_close(q);
}

static void test_conflicts_wait_in_order(void **state)
{
	(void)state;
	static int v[] = {1, 2, 1, 3, 1, 4};
	commit_queue *q = commit_open(&a, &ops_conflicts, (commit_policy){.max = 4, .delay_ms = 1});
	for (int i = 0; i < 6; i++)
		commit_add(q, &v[i]);
	/* the fourth add fills a statement: 1 2 3 go, the second 1 waits, then 1 4 arrive */
	assert_string_equal(log_text, "[1 2 3]");
	while (items_back < 6)
		uv_run(&loop, UV_RUN_ONCE);
	assert_string_equal(log_text, "[1 2 3][1 4][1]");
	commit_close(q);
}

static void test_close_hands_back_waiting_items(void **state)
{
	(void)state;
	commit_queue *q = commit_open(&a, &ops, (commit_policy){.max = 100, .delay_ms = 1000});
	for (int i = 0; i < 70; i++) /* past the ring's first size */
		commit_add(q, &values[i % 64]);
	assert_int_equal(commit_waiting(q), 70);
	commit_close(q);
	assert_int_equal(items_back, 70);
	assert_true(!strncmp(log_text, "[0 1 2 3 ", 9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_statements_go_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stopping_sends_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicts_wait_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_hands_back_waiting_items, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
