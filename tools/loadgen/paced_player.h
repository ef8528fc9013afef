/*
 * paced_player.h - the insides of a self-paced worker process, shared by its
 * two files: paced_player.c (a participant: its state machine over the
 * self-paced messages, its WebSocket) and paced_worker.c (the worker: the
 * pacing of sessions and of the save ramp, the coordinator's channel).
 * Private to these two; the coordinator sees paced.h only.
 *
 * Ownership: the worker owns its participants (one array, pworker.pl) and
 * its result; a participant points back at its worker.
 */
#ifndef LOADGEN_PACED_PLAYER_H
#define LOADGEN_PACED_PLAYER_H

#include <netinet/in.h>
#include <stdint.h>
#include <uv.h>

#include "paced.h"
#include "wsc.h"

enum {
	S_NEW,
	S_CONNECTING,
	S_JOINING,
	S_READY,
	S_STARTING,
	S_THINK,
	S_SAVING,
	S_DUP,
	S_FLAGGING,
	S_REVIEW,
	S_SUBMIT,
	S_BOARD,
	S_IDLE, /* save ramp: attempt started, nothing in flight */
	S_RSAVE,
	S_DONE,
	S_DEAD,
};
enum { K_SINGLE, K_TF, K_MULTI, K_OTHER };
enum { PL_SKIP = 1, PL_WRONG = 2, PL_CHANGE = 4, PL_FLAG = 8 };
enum { PH_FORWARD, PH_REVISIT };

#define PC_MAX_PENDING 128

typedef struct pworker pworker;

typedef struct pplayer {
	wsc ws;
	uv_timer_t timer;
	pworker *w;
	uint32_t local, gid;
	uint8_t state, port_i, count, pos, phase, flagging, step, started;
	int64_t attempt_id;
	uint64_t t_start, t_sent;
	int sent_resp, sent_chg;
	uint32_t rpos;
	uint8_t kind[PC_MAXPAPER], good[PC_MAXPAPER], nopt[PC_MAXPAPER], plan[PC_MAXPAPER];
	uint16_t chg[PC_MAXPAPER];
} pplayer;

struct pworker {
	const lg_config *cfg;
	uv_loop_t loop;
	uv_timer_t pace, report;
	uv_poll_t ctl;
	int fd, index, step; /* step: the save ramp's running step, -1 between steps */
	uint64_t t0, pace_t, ramp_t;
	double pace_budget, ramp_budget;
	pplayer *pl;
	uint32_t count, next_to_open, pending, rr;
	struct sockaddr_in addr[LG_MAXPORTS];
	char hostport[LG_MAXPORTS][64];
	char board_path[160];
	pc_progress prog;
	pc_result *res;
	uint64_t rng;
	int go;
};
/* The worker's xorshift64 generator: a number in [0, 1). */
static inline double pc_rand(pworker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return (double)(w->rng >> 11) / 9007199254740992.0;
}

/* paced_player.c */
void pp_connect(pplayer *p);     /* opens the participant's WebSocket; join follows */
void pp_on_timer(uv_timer_t *t); /* p->timer's callback: start the attempt, or act after a think */
void pp_save(pplayer *p, int idx, int chg, int v,
	     int state);                             /* sends save (state S_SAVING, S_DUP or S_RSAVE) */
int pp_resp_other(const pplayer *p, int idx, int v); /* a response to idx other than v */

#endif
