/*
 * test_phase.c - server/live/phase.c: the phase names, and phase_check, the
 * one check of a live state read from elsewhere (an event of another
 * process, a contests row): a state that does not fit the contest names its
 * first bad field and is never applied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "live/phase.h"

static void test_names(void **state)
{
	live_phase p;
	(void)state;
	for (int i = PHASE_LOBBY; i <= PHASE_FINISHED; i++) {
		assert_int_equal(phase_parse(phase_name((live_phase)i), &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(phase_parse("party", &p), SA_E_INVALID_FIELD);
	assert_int_equal(phase_parse("", &p), SA_E_INVALID_FIELD);
	assert_int_equal(phase_parse(NULL, &p), SA_E_INVALID_FIELD);
}

static void test_check(void **state)
{
	const int64_t now = 1796505886291LL;
	live_state ok = {.phase = PHASE_QUESTION,
			 .qindex = 2,
			 .open_ms = now,
			 .deadline_ms = now + 20000,
			 .started_ms = now - 60000,
			 .seq = 7};
	(void)state;
	assert_null(phase_check(&ok, 10));
	live_state lobby = {.phase = PHASE_LOBBY, .qindex = -1};
	assert_null(phase_check(&lobby, 10));
	assert_null(phase_check(&lobby, 0)); /* a contest without questions sits in its lobby */
	live_state finished = {.phase = PHASE_FINISHED,
			       .qindex = 9,
			       .open_ms = now,
			       .deadline_ms = now,
			       .started_ms = now,
			       .board_hidden = 1,
			       .seq = 30};
	assert_null(phase_check(&finished, 10));

	live_state s = ok;
	s.qindex = 10;
	assert_string_equal(phase_check(&s, 10), "qindex");
	s.qindex = -1; /* a question phase names a question */
	assert_string_equal(phase_check(&s, 10), "qindex");
	s = ok;
	s.phase = PHASE_REVEAL;
	s.qindex = -1;
	assert_string_equal(phase_check(&s, 10), "qindex");
	s = ok;
	s.phase = (live_phase)7;
	assert_string_equal(phase_check(&s, 10), "phase");
	s = ok;
	s.open_ms = -1;
	assert_string_equal(phase_check(&s, 10), "open_ms");
	s = ok;
	s.deadline_ms = (int64_t)1 << 60;
	assert_string_equal(phase_check(&s, 10), "deadline_ms");
	s = ok;
	s.started_ms = -5;
	assert_string_equal(phase_check(&s, 10), "started_ms");
	s = ok;
	s.seq = -3;
	assert_string_equal(phase_check(&s, 10), "seq");
	/* paused: only a question, at a time that is one */
	s = ok;
	s.paused_ms = now + 5000;
	assert_null(phase_check(&s, 10));
	s.paused_ms = -1;
	assert_string_equal(phase_check(&s, 10), "paused_ms");
	s.paused_ms = (int64_t)1 << 54;
	assert_string_equal(phase_check(&s, 10), "paused_ms");
	s = ok;
	s.phase = PHASE_REVEAL;
	s.paused_ms = now;
	assert_string_equal(phase_check(&s, 10), "paused_ms");
	s = lobby;
	s.paused_ms = now;
	assert_string_equal(phase_check(&s, 10), "paused_ms");
	s = ok;
	s.board_hidden = 2;
	assert_string_equal(phase_check(&s, 10), "board_hidden");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
