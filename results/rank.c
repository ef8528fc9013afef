/*
 * rank.c - the final ranking with ties (并列).
 *
 * The order is the contest's own tie-break order from scoring/
 * (score_tiebreak_compare, the same comparison the live leaderboard and the
 * exports use); this file only adds what a results page needs on top of it:
 * standard competition ranks (1, 2, 2, 4) and which places are tied.
 *
 * Tied means equal on every key before "id" in the tie-break list: "id" is
 * always present (scoring/ appends it) and makes the order total, so the
 * tied participants are listed by id but share one rank. Keys after "id"
 * could never decide anything and are ignored. The tied participants are
 * therefore always next to each other in the order.
 */
#include <stdlib.h>

#include "results_int.h"

typedef struct rank_ctx {
	const results_entry *e;
	const score_tiebreak *tb;
} rank_ctx;

static int rank_cmp(const void *a, const void *b, void *ud)
{
	const rank_ctx *c = ud;
	const results_place *pa = a, *pb = b;
	return score_tiebreak_compare(c->tb, &c->e[pa->entry].st, &c->e[pb->entry].st);
}

/* The keys before "id": equal on those is a tie. */
static score_tiebreak tie_keys(const score_tiebreak *tb)
{
	score_tiebreak t = {0, {0}};
	for (int i = 0; i < tb->n && tb->keys[i] != SCORE_TB_ID; i++)
		t.keys[t.n++] = tb->keys[i];
	return t;
}

static int tied(const score_tiebreak *keys, const score_standing *a, const score_standing *b)
{
	score_standing x = *a, y = *b;
	x.id = y.id = 0; /* score_tiebreak_compare ends on id: make it agree */
	return score_tiebreak_compare(keys, &x, &y) == 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* RESULTS_E_DATA naming the first repeated id. */
static int unique_ids(const results_entry *e, size_t n, char **err)
{
	if (n < 2)
		return RESULTS_OK;
	int64_t *ids = malloc(n * sizeof *ids);
	if (!ids)
		return RESULTS_E_NOMEM;
	for (size_t i = 0; i < n; i++)
		ids[i] = e[i].st.id;
	qsort(ids, n, sizeof *ids, cmp_id);
	int rc = RESULTS_OK;
	for (size_t i = 1; i < n && rc == RESULTS_OK; i++)
		if (ids[i] == ids[i - 1])
			rc = results__errf(err, RESULTS_E_DATA, "entries: id %lld is repeated",
					   (long long)ids[i]);
	free(ids);
	return rc;
}

int results_rank(const results_entry *e, size_t n, const score_tiebreak *tb, results_place *out, char **err)
{
	if (n == 0)
		return RESULTS_OK;
	if (!e || !out)
		return RESULTS_E_INVALID;
	if (!tb)
		tb = &score_tiebreak_default;
	if (tb->n < 1 || tb->n > SCORE_TB_MAX || tb->keys[0] != SCORE_TB_TOTAL)
		return RESULTS_E_INVALID;
	for (size_t i = 0; i < n; i++) {
		if (e[i].max_milli <= 0)
			return results__errf(err, RESULTS_E_DATA, "entries[%zu]: max_milli must be > 0", i);
		out[i] = (results_place){.entry = i, .tier = RESULTS_TIER_NONE, .why = RESULTS_WHY_OUTSIDE};
	}
	int rc = unique_ids(e, n, err);
	if (rc < 0)
		return rc;
	rank_ctx ctx = {e, tb};
	qsort_r(out, n, sizeof *out, rank_cmp, &ctx);
	score_tiebreak keys = tie_keys(tb);
	for (size_t i = 0; i < n; i++) {
		const score_standing *s = &e[out[i].entry].st;
		if (i > 0 && tied(&keys, &e[out[i - 1].entry].st, s)) {
			out[i].rank = out[i - 1].rank;
			out[i].tied = out[i - 1].tied = true;
		} else {
			out[i].rank = (int64_t)i + 1;
		}
	}
	return RESULTS_OK;
}
