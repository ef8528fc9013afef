/*
 * lg.h - shared declarations of the load generator (tools/loadgen).
 *
 * One coordinator process (loadgen.c) forks worker processes (player.c);
 * each worker drives its share of simulated players on its own libuv loop
 * and reports progress over a SOCK_SEQPACKET socketpair (lg_progress), then
 * its full result into a file (lg_result, ack records, question receipt
 * times) that the coordinator merges. Same binary, so raw structs are fine.
 */
#ifndef LOADGEN_LG_H
#define LOADGEN_LG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"

#define LG_MAXQ 64
#define LG_MAXERR 32
#define LG_MAXPORTS 8
#define LG_MAXPROCS 16             /* worker processes */
#define LG_SCORE_UNKNOWN INT64_MIN /* a total a player never learnt */

/* Scenarios: live contests (loadgen.c, player.c), self-paced ones (paced.c, paced_player.c). */
enum { LG_LIVE, LG_BURST, LG_RAMP, LG_EXAM, LG_MASS, LG_SAVERAMP };
enum { LG_THINK_FIXED, LG_THINK_UNIFORM, LG_THINK_EXP, LG_THINK_LOGN };

typedef struct lg_think {
	int kind;
	double a, b; /* ms: fixed a; uniform a..b; exp mean a capped at b; lognormal median a, sigma b */
	double cap;  /* lognormal: at most this many ms (0: no cap) */
} lg_think;

typedef struct lg_config {
	const char *host;
	int ports[LG_MAXPORTS];
	int nports;
	const char *path;
	const char *code;
	const char *token;
	int players, procs;
	int scenario;
	int questions; /* 0: every question of the contest */
	lg_think think;
	double wrong, retry, reconnect;
	double rates[LG_MAXQ]; /* ramp: answers/s of each step */
	int nrates;
	double slow_ms; /* an ack slower than this counts as slow (ramp stop rule) */
	int connect_rate;
	int pids[LG_MAXPORTS];
	int npids;
	const char *json, *label, *target;
	int timeout_s;
	int reveal_wait_ms, grace_ms;
	bool host_all, no_screen;
	unsigned seed;
	char tmpdir[256];
	/* self-paced scenarios (paced.c) */
	double change, flag, skip; /* shares of questions answered twice, flagged, left unanswered */
	double time_scale;         /* think times and start spreads are divided by it */
	double arrival_rate;       /* mass: sessions started per second, all workers */
	double start_spread_ms;    /* exam: attempt starts spread uniformly over this (virtual) time */
	double board_share;        /* mass: share of sessions reading GET /api/contests/{code}/board */
	int step_ms;               /* save ramp: length of one step */
} lg_config;

/* Worker -> coordinator, cumulative counters, one datagram. */
typedef struct lg_progress {
	uint32_t type; /* LG_MSG_* */
	uint32_t worker;
	uint32_t opened, joined, failed;
	uint32_t done[LG_MAXQ], acked[LG_MAXQ], slow[LG_MAXQ];
	uint32_t revealed[LG_MAXQ]; /* reveal contests: players that know their total after q */
} lg_progress;

enum { LG_MSG_PROGRESS = 1, LG_MSG_FINAL = 2 };

typedef struct lg_errcount {
	char code[32];
	uint64_t n;
} lg_errcount;

typedef struct lg_ackrec {
	int64_t pid;
	int64_t score;          /* thousandths */
	uint64_t t_sent, t_ack; /* CLOCK_MONOTONIC ns, comparable across processes */
} lg_ackrec;

typedef struct lg_result {
	uint64_t players, opened, joined, answers, acks, dup_acks, retries;
	uint64_t reconnects, resumes_ok, verify_failed, missing_acks, unsupported;
	uint64_t push_bytes; /* largest state + question payload of one pushed question */
	uint64_t t_first_sent[LG_MAXQ], t_last_ack[LG_MAXQ];
	hist setup; /* connect start -> joined, us */
	hist open;  /* connect start -> WebSocket open, us */
	hist ack;   /* answer sent -> ack, us (first acks only) */
	hist ack_q[LG_MAXQ];
	lg_errcount err[LG_MAXERR];
	uint32_t nerr;
	uint64_t nackrec;
	uint32_t nrecv_q, nrecv_p; /* question receipt times: [q][player], ns, 0 = never */
	/* then, in the file, each player's participant id [player] (0: never joined) and its
	 * total after each revealed question [q][player] (reveal contests, else LG_SCORE_UNKNOWN) */
	uint64_t reveals_seen;   /* reveals whose points the players checked (reveal contests) */
	uint64_t reveals_missed; /* acknowledged answers whose total the player never learnt */
	uint64_t nverify_samples;
	char verify_sample[4][96];
} lg_result;

/* player.c: runs one worker process to completion; never returns. */
void lg_worker_main(const lg_config *cfg, int worker, int first, int count, int fd) __attribute__((noreturn));

/* mkcontest.c: `loadgen mkcontest`, a benchmark contest on stdout (and its bank). */
int lg_mkcontest(int argc, char **argv);

/* paced.c: the self-paced scenarios (exam, mass, saveramp) after loadgen.c parsed the options. */
int lg_paced_run(lg_config *cfg);
/* A think time drawn from t (ms); rnd() returns uniform [0, 1). */
double lg_think_draw(const lg_think *t, double (*rnd)(void *), void *ud);

/* opts.c: `loadgen run`'s options into c (exits 2 on a bad one), its usage; a fatal error (exit 2). */
void lg_opts_parse(lg_config *c, int argc, char **argv);
void lg_usage(FILE *f);
void lg_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* loadgen.c helpers shared with player.c */
uint64_t lg_now_ns(void);
void lg_err_add(lg_result *r, const char *code, uint64_t n);

/* jscan.c: tolerant scanners for the flat JSON messages of docs/protocol.md. */
bool js_str(const char *m, size_t n, const char *key, char *out, size_t cap);
bool js_num(const char *m, size_t n, const char *key, double *out);
bool js_bool(const char *m, size_t n, const char *key, bool *out);
bool js_is_null(const char *m, size_t n, const char *key);
bool js_type_is(const char *m, size_t n, const char *type);
/* Counts the elements of the array under key ("options"): -1 when absent. */
int js_array_len(const char *m, size_t n, const char *key);
/* The value under the first "key" (an object to scan further), or NULL. */
const char *js_at(const char *m, size_t n, const char *key);

#endif
