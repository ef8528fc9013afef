/*
 * live.h - each contest's live state on this process and its pushes
 * (live.c): apply a state, server-clock deadlines, `state`, `question`,
 * `reveal` and `ack` messages.
 */
#ifndef SKILLARENA_LIVE_LIVE_H
#define SKILLARENA_LIVE_LIVE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "live/run.h"

/*
 * The reveal goes out in two steps: the closed question at once (every
 * process stops taking answers), then, this long after the close, the answer
 * and the distribution counted in PostgreSQL, so that answers received just
 * before the close and still being committed are counted too: 150 ms, plus
 * the most an answer is credited for its connection's delay (an answer sent
 * before the close may arrive that much after it, and is taken).
 */
#define LIVE_REVEAL_SETTLE_MS 150
int64_t live_reveal_settle_ms(const crun *r);

/* An `ack`: points, score and rank only where the contest gives instant feedback. */
typedef struct live_ack {
	int qi;
	const char *rid; /* NULL: none */
	int64_t points, score;
	int64_t rank; /* shared rank, 0: unknown */
	int tied;
	int duplicate;
} live_ack;

/* Applies a newer state (seq), or the reveal of the current one; nothing for a
 * retired contest. st is checked already (phase_check). */
void live_apply(crun *r, const live_state *st, const cJSON *reveal);
/* A state read from PostgreSQL: applied (a reveal after fetching its counts). */
void live_follow(crun *r, const live_state *st);
/* r joins the serving loop (run_attach) with the state it was loaded with. */
void live_attach(crun *r);
/* Frames for the current moment (NULL when not applicable). */
cJSON *live_state_msg(crun *r);
cJSON *live_question_msg(crun *r, const answer_memo *memo, int64_t score_milli);
void live_send_snapshot(conn *c);                           /* state + question (+ leaderboard) */
int live_question_open(crun *r, int qindex, int64_t at_ms); /* 1 when answers are taken */
/* The `ack` (printed directly: one per answer). */
frame *live_ack_frame(const crun *r, const live_ack *k);
cJSON *live_ack_msg(const crun *r, const live_ack *k);
char *live_event_json(crun *r, const live_state *st, const cJSON *reveal); /* malloc'ed (cJSON_free) */
/* The `reveal` of st's question from PostgreSQL's answers, to done (not
 * called if r is retired meanwhile: ud must need no freeing). 0 or SA_E_*. */
int live_fetch_reveal(crun *r, const live_state *st,
		      void (*done)(crun *r, const live_state *st, cJSON *reveal, void *ud), void *ud);

#endif
