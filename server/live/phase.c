/*
 * phase.c - the names of a contest's live phases, as PostgreSQL stores them
 * (contests.phase), the protocol sends them (`state`) and events carry them.
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
	for (size_t i = 0; i < sizeof phases / sizeof phases[0]; i++)
		if (!strcmp(s, phases[i])) {
			*out = (live_phase)i;
			return 0;
		}
	return SA_E_INVALID_FIELD;
}
