/*
 * fresh.h - leaderboard freshness: how soon the screen shows what happened
 * (fresh.c). Two figures, one per kind of contest:
 *
 *   reveal  ("feedback": "reveal", the default): host `reveal` sent -> the
 *           first screen leaderboard whose whole top N is what every
 *           acknowledged answer of that question implies
 *   ack     ("feedback": "instant"): ack received -> the first screen
 *           leaderboard showing that participant with exactly the new score
 *
 * The coordinator feeds it during the run (every screen leaderboard, each
 * `reveal` it sends) and after (the workers' acks and per-question totals),
 * then asks for the figures once.
 *
 * Ownership: everything handed in is copied; lg_fresh_free releases it.
 * One thread (the coordinator's).
 */
#ifndef LOADGEN_FRESH_H
#define LOADGEN_FRESH_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "lg.h"

typedef struct lg_fresh_result {
	uint64_t boards; /* leaderboards the screen received */
	/* ack -> screen (instant contests) */
	hist ack;
	uint64_t ack_unseen; /* scoring acks never shown (not in the top N, or overtaken) */
	/* reveal -> complete screen board (reveal contests), one sample per question */
	hist reveal;
	uint64_t reveal_unseen;     /* revealed questions whose complete board never came */
	uint64_t reveal_unknown;    /* ... not checkable: some player's total after it is unknown */
	uint64_t reveal_same;       /* ... whose top N is the previous question's: nothing to time */
	uint64_t reveal_early;      /* boards showing a question's new top N before its reveal was sent */
	int64_t reveal_us[LG_MAXQ]; /* per question: us, or -1 unseen, -2 unknown, -3 same, -4 not revealed */
} lg_fresh_result;

/* One `leaderboard` the screen received at t (CLOCK_MONOTONIC ns): its top entries are kept. */
void lg_fresh_board(const char *m, size_t n, uint64_t t);
/* The host sent `reveal` for question q at t. */
void lg_fresh_reveal_sent(int q, uint64_t t);
/* A worker's players: pid[i] and after[q * np + i], player i's total after question q
 * (thousandths, LG_SCORE_UNKNOWN when it never learnt it), for q < nq. */
int lg_fresh_add_players(const int64_t *pid, const int64_t *after, uint32_t nq, uint32_t np);

/* The figures: ack freshness from acks (instant contests: acks with points), reveal
 * freshness over questions 0..nq-1 when reveal is set. */
void lg_fresh_compute(const lg_ackrec *acks, size_t nacks, int nq, int reveal, lg_fresh_result *out);
void lg_fresh_free(void);

#endif
