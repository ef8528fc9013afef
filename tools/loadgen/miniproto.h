/*
 * miniproto.h - the few messages of docs/protocol.md that the load
 * generator needs, answered with no database, no Redis and no scoring.
 *
 * Shared by the two reference servers of `make bench`, so that they differ
 * only in how they move bytes:
 *   loadgen-echo   (echo.c)   libwebsockets on libuv: the WebSocket ceiling
 *   loadgen-floor  (floor.c)  plain sockets on epoll, one send() per
 *                             connection: the physical floor of a push
 *
 * join/resume -> joined (and the open question, as the server does);
 * answer -> ack (1000 points when the response is the question index modulo
 * MP_OPTIONS, as in the contests `loadgen mkcontest` writes; a repeat gets
 * duplicate:true, a different repeat already_answered); host -> host_ok +
 * state; watch -> watching + state; start/next -> the next question pushed to
 * every player and screen; reveal/end -> ok; ping -> pong.
 *
 * The push is what SkillArena sends each recipient on start/next (server/
 * live.c live_apply): a `state` frame and a `question` frame with the same
 * fields, in one buffer of ready-made WebSocket frames, so all three servers
 * of a run write the same bytes per recipient (loadgen reports push_bytes).
 *
 * Ownership: mp_message() reads m only during the call; the buffers it hands
 * to mp_ops are valid only during that callback. One process, one thread.
 */
#ifndef LOADGEN_MINIPROTO_H
#define LOADGEN_MINIPROTO_H

#include <stddef.h>

#define MP_OPTIONS 4 /* `loadgen mkcontest --options`' default */

enum { MP_NONE, MP_PLAYER, MP_HOST, MP_SCREEN };

/* Per-connection protocol state: embedded in the server's connection struct. */
typedef struct mp_conn {
	int role; /* MP_* */
	int pid;  /* participant id, players only */
} mp_conn;

typedef struct mp_ops {
	/* one text message to c */
	void (*reply)(mp_conn *c, const char *text, size_t len);
	/* c is a push target (a player or a screen); may come again for the same c */
	void (*target)(mp_conn *c);
	/* wire: ready WebSocket frames (state, then question) for every target */
	void (*push)(const unsigned char *wire, size_t len);
} mp_ops;

/* Returns 0, or -1 when questions is outside 1..64 or time_limit_ms < 1. */
int mp_init(const mp_ops *ops, int questions, int time_limit_ms);
/* Handles one whole text message from c. */
void mp_message(mp_conn *c, const char *m, size_t n);
/* Players that joined so far. */
int mp_players(void);

#endif
