/*
 * result.h - the end of an attempt and its result (result.c): `submit`,
 * `attempt_result`, the end by the sweeper (sweep.c), what the end changes
 * in Redis (the contest's leaderboard, mass contests' day board), and the
 * `result` message with what the contest lets participants see.
 */
#ifndef SKILLARENA_LIVE_RESULT_H
#define SKILLARENA_LIVE_RESULT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "live/run.h"
#include "net/msg.h"

/* `submit` and `attempt_result` (player; exam, mass). */
int result_submit(msg_ctx *x);
int result_get(msg_ctx *x);

/* Whether results (score and, with show_key, the key) may be shown at now;
 * whether the score may (show_score shows it whatever show_results says). */
int result_visible(const crun *r, int64_t now);
int result_score_visible(const crun *r, int64_t now);

/* Ends c's attempt id (attempt_finish with status "submitted" or
 * "expired"); done(c, 0 or an SA_E_* code, ud) once it ended (or had
 * already). 0, or an SA_E_* code (done is then not called). */
typedef void (*result_end_cb)(conn *c, int rc, void *ud);
int result_end(conn *c, crun *r, int64_t id, const char *status, result_end_cb done, void *ud);

/* Row i of an attempt_end result (server/sql/005_attempts.sql): the
 * leaderboards in Redis; with push, the result goes to the participant's
 * connection on this process. */
void result_ended(arena *a, void *res, int i, int push);

/* Sends the `result` of c's attempt id (rid may be NULL); 0 or an SA_E_* code. */
int result_send(conn *c, int64_t id, const char *rid);

/* The contest runtime with this id on this process, or NULL. */
crun *result_run_of(arena *a, int64_t contest_id);

#endif
