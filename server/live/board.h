/*
 * board.h - the leaderboard, counts and units board as screens and players
 * see them (board.c).
 */
#ifndef SKILLARENA_LIVE_BOARD_H
#define SKILLARENA_LIVE_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "live/run.h"
#include "store/store.h"

/* A participant as a board shows them: score, shared rank (1 + those with
 * more points; 0: unknown) and whether another has as many points. */
typedef struct board_me {
	int found; /* on the board read */
	int64_t score_milli;
	int64_t rank;
	int tied;
	int has_points;       /* with a reveal, the player answered the revealed question: */
	int64_t points_milli; /* what that answer earned ("me.points") */
} board_me;

/* The sorted set every board reads now: <prefix>CODE:lb, or :shown while hidden. */
void board_set(const crun *r, char *key, size_t n);

/* The top `limit` (Redis; PostgreSQL when Redis is incomplete or down); done
 * gets top NULL when neither answered. 0, or an SA_E_* code (done not called). */
int board_fetch_top(crun *r, int limit, void (*done)(crun *r, cJSON *top, int64_t players, void *ud),
		    void *ud);
void board_apply_top(crun *r, cJSON *top, int64_t players);
/* pid's standing on the board read now (Redis); done gets found 0 when it is
 * not on it or Redis did not answer. 0, or an SA_E_* code (done not called). */
int board_standing(crun *r, int64_t pid, void (*done)(crun *r, const board_me *me, void *ud), void *ud);
void board_send_player(conn *c, const board_me *me);
/* Every player's rank, after reveal (a frame, or NULL) in the same write. */
void board_reveal_ranks(crun *r, frame *reveal);
void board_send_stats(conn *c); /* players get the number of players only */
/* To screens and hosts when the counts changed; the number of players to
 * players when it changed, at most once a second. */
void board_push_stats(crun *r);
void board_send_top(conn *c);   /* the shared board, unless c is a screen and the host hid it */
void board_to_screens(crun *r); /* the boards, to screens again (the host showed them) */
int board_units_query(crun *r, store_cb cb, void *ud);
cJSON *board_units_json(void *res /* PGresult* of board_units_query */);
void board_units_refresh(crun *r);
/* A value read from Redis was malformed (what: "a name", ...): logged, at most every 10 s. */
void board_bad_redis(crun *r, const char *what);

/* The pure parts, also driven by tests/fuzz/fuzz_server_board.c. Text that is
 * not valid UTF-8 (Redis and PostgreSQL rows another process or person wrote)
 * is repaired (core/utf8.h), never cut: every frame is valid UTF-8. */
/* A participant's texts on a board, each len-bounded (no NUL needed). */
typedef struct board_who {
	const char *name;
	size_t nlen;
	const char *unit;
	size_t ulen;
	const char *emp; /* the last characters of the employee number, "" when none */
	size_t elen;
} board_who;
/* The Redis "who" value "name<TAB>unit<TAB>emp_tail" (the tail and its tab may
 * be missing) into w, which points into who. */
void board_who_parse(const char *who, size_t len, board_who *w);
/* A top-N entry (emp_tail only when there is one). */
cJSON *board_entry(int64_t rank, int64_t pid, const board_who *w, int64_t milli);
cJSON *board_entry_who(int64_t rank, int64_t pid, const char *who, size_t len, int64_t milli);
/* The last 4 characters of an employee number, into out. */
void board_emp_tail(const char *emp, char out[5]);
/* The leaderboard frames from the "top" array as JSON text: the shared one
 * (screens, hosts) and a player's, with its own standing. */
frame *board_top_frame(int64_t players, const char *top_json);
frame *board_player_frame(int64_t players, const char *top_json, const board_me *me);

#endif
