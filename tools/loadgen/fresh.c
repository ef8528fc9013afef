/*
 * fresh.c - leaderboard freshness (fresh.h): the screen's leaderboards
 * against what the players were told.
 *
 * Reveal contests. The screen's boards show each question's scores only
 * once the host reveals it (docs/protocol.md, `leaderboard`), so the
 * figure is the time from the host's `reveal` to the first board that
 * reflects every acknowledged answer of that question. The players tell
 * what that is: each learns its total after the question from its
 * leaderboard with the reveal (me.score, checked by player.c against
 * me.points and its answer), or from its resume after a reveal it missed.
 * A board is complete for question q when it has K entries (the most a
 * board of the run had, or every player when fewer), its scores are the K
 * highest totals after q in order, and each entry's participant has that
 * total. A board missing an answer that reaches the top, or showing one of
 * the next question, is not complete. Boards are searched from the reveal
 * to the next question's reveal (a reveal contest's boards keep q's totals
 * until then). Not timed: questions whose top K scores equal the previous
 * question's (a stale board would match), and questions where some
 * player's total is unknown (it lost its connection for good; the run is
 * incomplete anyway). A complete board received before the reveal was even
 * sent means hidden scores leaked: counted as early.
 *
 * Instant contests. For each ack that earned points, the first board at or
 * after the answer that shows the participant with exactly that new score.
 * Acks whose score never shows in the top N (not in it, or overtaken by the
 * participant's next answer before a push) are counted as unseen.
 */
#include "fresh.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct fr_entry {
	int64_t pid, score; /* score in thousandths */
	uint64_t t;         /* when its board arrived */
} fr_entry;

typedef struct fr_board {
	uint64_t t;
	size_t first; /* into F.ent */
	uint32_t n;
} fr_board;

typedef struct fr_player {
	int64_t pid;
	int64_t after[LG_MAXQ];
} fr_player;

static struct {
	fr_entry *ent;
	size_t nent, capent;
	fr_board *b;
	size_t nb, capb;
	fr_player *pl;
	size_t npl, cappl;
	uint64_t t_reveal[LG_MAXQ];
	uint32_t kmax; /* the longest board */
} F;

/* Room for one more of n elements of size sz in *p (capacity *cap). */
static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 1024;
	void *np = realloc(*p, nc * sz);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

void lg_fresh_board(const char *m, size_t n, uint64_t t)
{
	cJSON *j = cJSON_ParseWithLength(m, n), *e;
	if (!j || grow((void **)&F.b, &F.capb, F.nb, sizeof(*F.b))) {
		cJSON_Delete(j);
		return;
	}
	fr_board *b = &F.b[F.nb++];
	*b = (fr_board){t, F.nent, 0};
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(j, "top"))
	{
		cJSON *pid = cJSON_GetObjectItemCaseSensitive(e, "participant_id");
		cJSON *sc = cJSON_GetObjectItemCaseSensitive(e, "score");
		if (!cJSON_IsNumber(pid) || !cJSON_IsNumber(sc) ||
		    grow((void **)&F.ent, &F.capent, F.nent, sizeof(*F.ent)))
			continue;
		F.ent[F.nent++] = (fr_entry){(int64_t)pid->valuedouble, llround(sc->valuedouble * 1000), t};
		b->n++;
	}
	if (b->n > F.kmax)
		F.kmax = b->n;
	cJSON_Delete(j);
}

void lg_fresh_reveal_sent(int q, uint64_t t)
{
	if (q >= 0 && q < LG_MAXQ)
		F.t_reveal[q] = t;
}

int lg_fresh_add_players(const int64_t *pid, const int64_t *after, uint32_t nq, uint32_t np)
{
	for (uint32_t i = 0; i < np; i++) {
		if (pid[i] <= 0) /* never joined: on no board */
			continue;
		if (grow((void **)&F.pl, &F.cappl, F.npl, sizeof(*F.pl)))
			return -1;
		fr_player *p = &F.pl[F.npl++];
		p->pid = pid[i];
		for (uint32_t q = 0; q < LG_MAXQ; q++)
			p->after[q] = q < nq ? after[(size_t)q * np + i] : LG_SCORE_UNKNOWN;
	}
	return 0;
}

void lg_fresh_free(void)
{
	free(F.ent);
	free(F.b);
	free(F.pl);
	memset(&F, 0, sizeof(F));
}

/* ---------------------------------------------------------------- ack -> screen */

static int cmp_entry(const void *a, const void *b)
{
	const fr_entry *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* On a copy of the entries sorted by participant, then arrival. */
static void ack_freshness(const lg_ackrec *acks, size_t nacks, lg_fresh_result *out)
{
	fr_entry *s = malloc((F.nent + 1) * sizeof(*s));
	if (!s) {
		out->ack_unseen = nacks;
		return;
	}
	if (F.nent) { /* no board: nothing to copy (and F.ent is NULL) */
		memcpy(s, F.ent, F.nent * sizeof(*s));
		qsort(s, F.nent, sizeof(*s), cmp_entry);
	}
	for (size_t i = 0; i < nacks; i++) {
		const lg_ackrec *a = &acks[i];
		size_t lo = 0, hi = F.nent;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (s[mid].pid < a->pid)
				lo = mid + 1;
			else
				hi = mid;
		}
		bool seen = false;
		for (size_t k = lo; k < F.nent && s[k].pid == a->pid && !seen; k++)
			if (s[k].t >= a->t_sent && s[k].score == a->score) {
				hist_record(&out->ack, s[k].t > a->t_ack ? (s[k].t - a->t_ack) / 1000 : 0);
				seen = true;
			}
		if (!seen)
			out->ack_unseen++;
	}
	free(s);
}

/* ---------------------------------------------------------------- reveal -> screen */

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x > y ? -1 : x < y;
}

static int cmp_player(const void *a, const void *b)
{
	const fr_player *x = a, *y = b;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static const fr_player *find_player(int64_t pid)
{
	fr_player key = {.pid = pid};
	return bsearch(&key, F.pl, F.npl, sizeof(*F.pl), cmp_player);
}

/* The k highest totals after question q (q = -1: the lobby's zeros) into top, sorted
 * descending; -1 when a player's total is unknown. */
static int top_after(int q, int64_t *all, uint32_t k, int64_t *top)
{
	for (size_t i = 0; i < F.npl; i++) {
		all[i] = q < 0 ? 0 : F.pl[i].after[q];
		if (all[i] == LG_SCORE_UNKNOWN)
			return -1;
	}
	qsort(all, F.npl, sizeof(*all), cmp_desc);
	memcpy(top, all, k * sizeof(*top));
	return 0;
}

/* Board b shows exactly the k totals top after question q, each its participant's. */
static bool board_complete(const fr_board *b, int q, const int64_t *top, uint32_t k)
{
	if (b->n != k)
		return false;
	for (uint32_t i = 0; i < k; i++) {
		const fr_entry *e = &F.ent[b->first + i];
		const fr_player *p = find_player(e->pid);
		if (e->score != top[i] || !p || p->after[q] != e->score)
			return false;
	}
	return true;
}

/* Question q: its sample (us), or one of the negative codes of lg_fresh_result.reveal_us. */
static int64_t reveal_one(int q, int nq, int64_t *all, int64_t *top, int64_t *prev, uint32_t k,
			  lg_fresh_result *out)
{
	if (!F.t_reveal[q])
		return -4;
	if (top_after(q, all, k, top)) {
		out->reveal_unknown++;
		return -2;
	}
	if (top_after(q - 1, all, k, prev) == 0 && memcmp(top, prev, k * sizeof(*top)) == 0) {
		out->reveal_same++;
		return -3;
	}
	uint64_t from = q > 0 ? F.t_reveal[q - 1] : 0, t0 = F.t_reveal[q];
	uint64_t until = q + 1 < nq && F.t_reveal[q + 1] ? F.t_reveal[q + 1] : UINT64_MAX;
	int64_t us = -1;
	for (size_t i = 0; i < F.nb && F.b[i].t < until; i++) {
		const fr_board *b = &F.b[i];
		if (b->t < from || !board_complete(b, q, top, k))
			continue;
		if (b->t < t0) {
			out->reveal_early++;
			continue;
		}
		us = (int64_t)((b->t - t0) / 1000);
		break;
	}
	if (us < 0)
		out->reveal_unseen++;
	else
		hist_record(&out->reveal, (uint64_t)us);
	return us;
}

static void reveal_freshness(int nq, lg_fresh_result *out)
{
	uint32_t k = F.kmax < F.npl ? F.kmax : (uint32_t)F.npl;
	int64_t *all = malloc((F.npl + 1) * sizeof(*all));
	int64_t *top = malloc((k + 1) * sizeof(*top)), *prev = malloc((k + 1) * sizeof(*prev));
	for (int q = 0; q < LG_MAXQ; q++)
		out->reveal_us[q] = -4;
	if (all && top && prev && k > 0) {
		qsort(F.pl, F.npl, sizeof(*F.pl), cmp_player);
		for (int q = 0; q < nq && q < LG_MAXQ; q++)
			out->reveal_us[q] = reveal_one(q, nq, all, top, prev, k, out);
	} else {
		for (int q = 0; q < nq && q < LG_MAXQ; q++)
			if (F.t_reveal[q])
				out->reveal_unknown++;
	}
	free(all);
	free(top);
	free(prev);
}

void lg_fresh_compute(const lg_ackrec *acks, size_t nacks, int nq, int reveal, lg_fresh_result *out)
{
	memset(out, 0, sizeof(*out));
	out->boards = F.nb;
	ack_freshness(acks, nacks, out);
	if (reveal)
		reveal_freshness(nq, out);
	else
		for (int q = 0; q < LG_MAXQ; q++)
			out->reveal_us[q] = -4;
}
