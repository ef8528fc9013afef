/*
 * board.h - the leaderboard, counts and units board as screens and players
 * see them (board.c).
 */
#ifndef SKILLARENA_LIVE_BOARD_H
#define SKILLARENA_LIVE_BOARD_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "live/run.h"
#include "store/store.h"

/* The top `limit` (Redis; PostgreSQL when Redis is incomplete or down); done
 * gets top NULL when neither answered. 0, or an SA_E_* code (done not called). */
int board_fetch_top(crun *r, int limit, void (*done)(crun *r, cJSON *top, int64_t players, void *ud),
		    void *ud);
void board_apply_top(crun *r, cJSON *top, int64_t players);
void board_send_player(conn *c, int64_t rank);
/* Every player's rank, after reveal (a frame, or NULL) in the same write. */
void board_reveal_ranks(crun *r, frame *reveal);
void board_send_stats(conn *c);
void board_push_stats(crun *r); /* to screens and hosts, when the counts changed */
int board_units_query(crun *r, store_cb cb, void *ud);
cJSON *board_units_json(void *res /* PGresult* of board_units_query */);
void board_units_refresh(crun *r);
/* A value read from Redis was malformed (what: "a name", ...): logged, at most every 10 s. */
void board_bad_redis(crun *r, const char *what);

/* The pure parts, also driven by tests/fuzz/fuzz_server_board.c. Text that is
 * not valid UTF-8 (Redis and PostgreSQL rows another process or person wrote)
 * is repaired (core/utf8.h), never cut: every frame is valid UTF-8. */
/* A top-N entry; name and unit are len-bounded texts (no NUL needed). */
cJSON *board_entry(int rank, int64_t pid, const char *name, size_t nlen, const char *unit, size_t ulen,
		   int64_t milli);
/* A top-N entry from the Redis "who" value "name<TAB>unit" (len bytes). */
cJSON *board_entry_who(int rank, int64_t pid, const char *who, size_t len, int64_t milli);
/* The leaderboard frames from the "top" array as JSON text: the shared one
 * (screens, hosts) and a player's, with its own rank (0: none) and score. */
frame *board_top_frame(int64_t players, const char *top_json);
frame *board_player_frame(int64_t players, const char *top_json, int64_t rank, int64_t score_milli);

#endif
