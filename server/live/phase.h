/*
 * phase.h - a contest's live state: its phase, open question, times and
 * version (phase.c names the phases).
 */
#ifndef SKILLARENA_LIVE_PHASE_H
#define SKILLARENA_LIVE_PHASE_H

#include <stdint.h>

typedef enum { PHASE_LOBBY = 0, PHASE_QUESTION, PHASE_REVEAL, PHASE_FINISHED } live_phase;

typedef struct live_state {
	live_phase phase;
	int qindex; /* -1 in lobby */
	int64_t open_ms, deadline_ms, started_ms;
	/* When the host paused the open question's clock (phase question only);
	 * 0 while it runs. deadline_ms stays what it was: the time left is
	 * deadline_ms - paused_ms, and `resume` moves open_ms and deadline_ms
	 * by the paused time. */
	int64_t paused_ms;
	int board_hidden; /* 1: screens show no leaderboard */
	int64_t seq;
} live_state;

const char *phase_name(live_phase p);
int phase_parse(const char *s, live_phase *out); /* 0 or SA_E_INVALID_FIELD (also for NULL) */
/* NULL when st is a possible state of a contest of nq questions, else the
 * name of the first field that is not (an event's or a row's, to log). */
const char *phase_check(const live_state *st, int nq);

#endif
