/*
 * paced.h - the load generator's self-paced scenarios (docs/protocol.md,
 * "Self-paced modes"): shared by the coordinator (paced.c) and its worker
 * processes (paced_worker.c; their participants: paced_player.c). Same
 * binary, so raw structs cross the socketpair and the result files, as in
 * lg.h.
 *
 *   exam      every participant joins, then (after all joined) starts an
 *             attempt within --start-spread-ms, saves each question of their
 *             paper after a think time, flags some, changes some at the end,
 *             reviews, submits and checks the result; stays connected
 *   mass      sessions arrive at --arrival-rate: connect, join, attempt,
 *             saves, review, submit, result, GET /api/contests/{code}/board,
 *             close
 *   saveramp  every participant joins and starts an attempt; then saves are
 *             paced at --rates[k] saves/s for --step-ms each step until two
 *             steps in a row have a p99 above --slow-ms
 */
#ifndef LOADGEN_PACED_H
#define LOADGEN_PACED_H

#include <stdint.h>
#include <uv.h>

#include "hist.h"
#include "lg.h"

#define PC_MAXPAPER 64    /* questions on one paper */
#define PC_BUCKET_MS 5000 /* save acks are also kept per 5 s of the run, for the peak */
#define PC_BUCKETS 240    /* 20 minutes of them */

/* Coordinator -> worker: one byte, and the step for 'S'. */
enum { PC_GO = 'G', PC_STEP = 'S', PC_PAUSE = 'P', PC_QUIT = 'Q' };

/* Worker -> coordinator, cumulative, one datagram. */
typedef struct pc_progress {
	uint32_t type; /* LG_MSG_* */
	uint32_t worker;
	uint32_t opened, joined, failed, started, done, connected, inflight;
	uint32_t acked[LG_MAXQ], slow[LG_MAXQ]; /* save ramp: per step */
} pc_progress;

typedef struct pc_result {
	uint64_t players, sessions, opened, joined, started, submitted, results_ok, done;
	uint64_t saves, saved, changes, retries, dup_acks, flags, reviews, boards_ok, boards_failed;
	uint64_t stored_changes,
		stored_answers; /* rows PostgreSQL must hold: distinct changes, answered questions */
	uint64_t verify_failed, missing, backlog;
	uint64_t t_first_save, t_last_saved;    /* CLOCK_MONOTONIC ns */
	uint64_t t_first_result, t_last_result; /* results checked: attempts/s between them */
	uint64_t step_sent[LG_MAXQ];
	hist setup, start, save, dup, flag, review, submit, board;
	hist step[LG_MAXQ];           /* saveramp: save acks by the step they were sent in */
	hist bucket[PC_BUCKETS];      /* save acks by when they were sent, PC_BUCKET_MS each */
	uint32_t results[PC_BUCKETS]; /* results checked, by when they arrived */
	lg_errcount err[LG_MAXERR];
	uint32_t nerr;
	char verify_sample[4][120];
} pc_result;

/* paced_worker.c: runs one worker to completion; never returns. t0: the run's origin. */
void pc_worker_main(const lg_config *cfg, int worker, int first, int count, int fd, uint64_t t0)
	__attribute__((noreturn));

/* httpc.c: GET path from addr; done(ud, status, body, len, latency_ns) once, status < 0 on failure. */
typedef void (*httpc_done)(void *ud, int status, const char *body, size_t len, uint64_t ns);
int httpc_get(uv_loop_t *loop, const struct sockaddr *addr, const char *host, const char *path,
	      httpc_done done, void *ud);

#endif
