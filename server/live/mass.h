/*
 * mass.h - the boards of self-paced contests (mass.c): a mass contest's
 * day boards in Redis (each participant's best attempt of the day, rebuilt
 * from PostgreSQL when missing), and `mass_board` (individuals today and
 * overall, units by participation rate and average score: rollup.c), asked
 * for by `board` (hosts, screens) and HTTP, pushed to screens and hosts.
 *
 * Redis keys, beside the contest's (store/lb.c), for day D (YYYY-MM-DD in
 * the contest's time zone):
 *   sa:C:lbd:D   sorted set, member lb_member(pid), score lb_zscore(best
 *                score of the day, its duration in deciseconds)
 *   sa:C:attd:D  attempts ended that day
 *   sa:C:okd:D   the contest's identity ("id:epoch", live/rebuild.h) while the two above are complete
 */
#ifndef SKILLARENA_LIVE_MASS_H
#define SKILLARENA_LIVE_MASS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "live/run.h"
#include "net/msg.h"

/* An attempt of pid ended (result.c): its day board and counter. */
void mass_attempt_ended(crun *r, int64_t pid, const char *day, int64_t score_milli, int64_t duration_ms);
/* Every sweep (sweep.c): today's board to this process's screens and hosts
 * when it changed, at most every 5 s. */
void mass_tick(crun *r, int64_t now);

/* `board` (host, screen; exam, mass). */
int mass_board_msg(msg_ctx *x);

/* The board of day ("" or NULL: today) for HTTP: done gets it (borrowed)
 * or NULL with an SA_E_* code. 0, or an SA_E_* code (done not called). */
typedef void (*mass_board_cb)(crun *r, cJSON *board, int rc, void *ud);
int mass_board_fetch(crun *r, const char *day, mass_board_cb done, void *ud);

/* 1 if day is a date "YYYY-MM-DD". */
int mass_valid_day(const char *day);

#endif
