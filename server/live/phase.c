/*
 * phase.c - the names of a contest's live phases, as PostgreSQL stores them
 * (contests.phase), the protocol sends them (`state`) and events carry them;
 * and the one check of a live state read from elsewhere (an event, a row).
 */
#include <assert.h>
#include <string.h>

#include "core/err.h"
#include "live/phase.h"

static const char *const phases[] = {
	[PHASE_LOBBY] = "lobby",
	[PHASE_QUESTION] = "question",
	[PHASE_REVEAL] = "reveal",
	[PHASE_FINISHED] = "finished",
};

const char *phase_name(live_phase p)
{
	assert(p >= PHASE_LOBBY && p <= PHASE_FINISHED);
	return phases[p];
}

int phase_parse(const char *s, live_phase *out)
{
	if (!s)
		return SA_E_INVALID_FIELD;
	for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++)
		if (!strcmp(s, phases[i])) {
			*out = (live_phase)i;
			return 0;
		}
	return SA_E_INVALID_FIELD;
}

/* Whole milliseconds and versions stay exact as JSON numbers (2^53). */
#define PHASE_TIME_MAX ((int64_t)1 << 53)

const char *phase_check(const live_state *st, int nq)
{
	int asked = st->phase == PHASE_QUESTION || st->phase == PHASE_REVEAL;
	if (st->phase < PHASE_LOBBY || st->phase > PHASE_FINISHED)
		return "phase";
	if (st->qindex < (asked ? 0 : -1) || st->qindex >= nq)
		return "qindex";
	if (st->open_ms < 0 || st->open_ms > PHASE_TIME_MAX)
		return "open_ms";
	if (st->deadline_ms < 0 || st->deadline_ms > PHASE_TIME_MAX)
		return "deadline_ms";
	if (st->started_ms < 0 || st->started_ms > PHASE_TIME_MAX)
		return "started_ms";
	if (st->paused_ms < 0 || st->paused_ms > PHASE_TIME_MAX ||
	    (st->paused_ms && st->phase != PHASE_QUESTION))
		return "paused_ms";
	if (st->board_hidden != 0 && st->board_hidden != 1)
		return "board_hidden";
	if (st->seq < 0 || st->seq > PHASE_TIME_MAX)
		return "seq";
	return NULL;
}
