/*
 * run.h - a contest's runtime on this process (crun) and its lifecycle
 * (run.c).
 *
 * Ownership: a crun is reference counted. run_new gives its caller the
 * first reference, which run_add hands to the arena (a->runs) until
 * run_retire or run_free_all drops it; everything that holds a crun across
 * the loop takes one more (run_ref) and drops it when done (run_unref): a
 * query or Redis command in flight, a queued answer or join, a connection
 * that is or was a member (live/members.c), each of its timers while it
 * closes. The last run_unref frees it. A retired crun is out of a->runs
 * (run_find no longer finds it) but lives on until its last holder lets go;
 * its `retired` says why (an SA_E_* code), and callbacks that find it set
 * do nothing more for it.
 *
 * A crun owns its contest_def, its prepared question messages, the frames
 * it keeps for late joiners and, when self-paced, its pool (live/paper.h).
 */
#ifndef SKILLARENA_LIVE_RUN_H
#define SKILLARENA_LIVE_RUN_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <uv.h>

#include "contest.h"
#include "core/arena.h"
#include "live/phase.h"
#include "net/frame.h"
#include "net/ws.h"

/* What kind of contest (docs/contests.md): live contests are host-paced;
 * the others are self-paced (live/paper.h, attempt.h, practice.h, mass.h). */
typedef enum { MODE_LIVE = 0, MODE_EXAM, MODE_PRACTICE, MODE_MASS, MODE_COUNT } run_mode;

typedef struct run_question {
	const contest_question *cq;
	cJSON *public_msg; /* "question" message without the time fields */
	char *id_json;     /* the question id as a JSON string, quotes included */
	cJSON *reveal_answer;
	cJSON *explanation; /* borrowed from the definition, may be NULL */
	int noptions;
} run_question;

struct host_req;

typedef struct crun {
	struct arena *a;
	int refs;
	int retired; /* 0 while served; else why it stopped (SA_E_CONTEST_REMOVED, ...) */
	int64_t contest_id;
	int64_t epoch;      /* contests.epoch: one more at each reset (its Redis keys carry it) */
	char *origin;       /* the contest file it was loaded from, NULL for an upload; owned */
	int synced;         /* seen in the last read of the contests table (live/sync.c) */
	int64_t bad_row_ms; /* when its row's malformed state was last logged (live/sync.c) */
	char code[24];
	contest_def *def;
	run_question *qs;
	int nq;
	cJSON *info; /* {"code","title","mode","question_count", the mode's settings} */
	run_mode mode;
	struct paper_pool *pool; /* self-paced modes: questions and settings (live/paper.c); NULL when live */

	live_state st;
	int open; /* the open question still takes answers (by this process' timer) */
	uv_timer_t deadline_timer;
	uv_timer_t reveal_timer; /* the reveal's counts, a moment after the close (host.c) */
	live_state reveal_st;
	int attached; /* timers initialized on the serving loop */

	conn *members; /* every conn of this contest, any role (members.c) */
	conn **ptab;   /* open-addressing table participant id -> player conn */
	size_t pcap, pcount;
	int nplayers_local, nviewers_local;

	/* the push being fanned out, a chunk per loop iteration (fanout.c) */
	conn_fan fan;     /* what is being fanned out; members point here */
	conn *fan_cursor; /* next member to get it */
	int fan_sent;     /* members written so far, and since when (for the log) */
	int64_t fan_start_us;

	/* last values pushed, to push only changes (board.c, tick.c) */
	frame *reveal_frame; /* the current question's `reveal`, for late joiners */
	uint32_t ranks_gen;
	int tick_busy;
	frame *lb_frame;    /* shared top-N leaderboard (screens, hosts) */
	frame *units_frame; /* the units board, when the contest has one */
	int units_tick, units_busy;
	char *lb_top_json; /* the "top" array as JSON text, spliced into player frames */
	int64_t players, online, answered;
	int stats_dirty;
	int64_t players_pushed, players_pushed_ms; /* the count players were told last, when */
	int nhosts_local;                          /* host connections here (pending.c) */
	int64_t pending_ms;                        /* the last `pending` query (pending.c) */
	int pending_busy;
	frame *pending_frame; /* the last `pending` pushed to hosts */
	int64_t seen_ms;      /* the last refresh of this process' players in <prefix>CODE:seen */
	int rebuilding;       /* its Redis state is being rebuilt (live/rebuild.c) */
	int rebuild_again;    /* ... and asked for again meanwhile */
	int64_t bad_redis_ms; /* when a malformed value read from Redis was last logged (board.c) */

	/* host commands of this process, one at a time, in order (host.c) */
	struct host_req *host_head, *host_tail;
	int host_waiting; /* the head waits for a reveal's counts to go out (host.c) */
} crun;

crun *run_new(arena *a, contest_def *def); /* takes def; the caller has the first reference */
void run_ref(crun *r);
void run_unref(crun *r);        /* the last one frees r */
int run_add(arena *a, crun *r); /* one more contest of this process: the caller's reference goes to a */
void run_attach(crun *r);       /* on the serving loop: its timers (live_attach applies its state) */
void run_detach(crun *r);       /* its timers close (each holds a reference until closed) */
/* Out of a->runs, marked retired with code, the arena's reference dropped;
 * its members and timers are the caller's business (load_retire). */
void run_remove(crun *r, int code);
/* 1 while r's boards show scores as of the open question's opening: the
 * contest shows points at the reveal ("feedback") and a question is being
 * played, until the reveal shows its answer (live/board.c reads
 * <prefix>CODE:shown then). */
int run_scores_hidden(const crun *r);
/* The contest with this code (any case), NULL when none or not a code. */
crun *run_find(arena *a, const char *code);
void run_free_all(arena *a); /* drops the arena's references */

#endif
