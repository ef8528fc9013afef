/*
 * blueprint.c - papers drawn from question banks, reproducibly by seed.
 *
 * A stage's "paper" says what to draw: either rules ("5 questions of
 * category fire, difficulty hard, from bank safety") or a total and a ratio
 * by type ("100 questions, single_choice : true_false : multiple_choice =
 * 5 : 3 : 2", turned into one rule per type, in the order of the type
 * names, by the largest-remainder method). The paper's fields are the rows
 * of cx_paper_fields[]. Nothing depends on the order of a JSON object's
 * keys - the banks are in alias order, the ratio in type order - since the
 * copy of a contest another process reads from PostgreSQL (jsonb) has its
 * keys reordered, and every process must draw the same paper. Loading
 * checks every rule has enough candidates and that the rules together can
 * be filled by distinct questions (a bipartite matching: its size does not
 * depend on the order tried, so if the contest's own draw fills the paper,
 * every participant's does).
 *
 * A draw is a pure function of the 64-bit seed: xoshiro256** seeded through
 * splitmix64, consumed in a documented order (docs/contests.md):
 *   1. for each rule in order, a Fisher-Yates shuffle of its candidates
 *      (in bank order: banks by alias, questions as in the bank);
 *   2. slots are filled rule by rule, each trying candidates in shuffled
 *      order (Kuhn's augmenting paths, so overlapping rules still fill);
 *   3. when shuffle_questions, a Fisher-Yates shuffle of the paper,
 *      otherwise the paper is in rule order, bank order within a rule;
 *   4. when shuffle_options, for each question in paper order whose type
 *      has shuffleable options, a Fisher-Yates shuffle of its options.
 * Uniform integers below n use rejection (no modulo bias), so every machine
 * draws the very same paper for the same seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contests_int.h"

/* ---- the PRNG ---- */

static uint64_t cx_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void cx_rng_seed(cx_rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = cx_splitmix64(&x);
}

static inline uint64_t cx_rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t cx_rng_next(cx_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = cx_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = cx_rotl(s[3], 45);
	return result;
}

uint64_t cx_rng_below(cx_rng *r, uint64_t n)
{
	/* reject the top partial block of 2^64 so every residue is equally likely */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = cx_rng_next(r);
	while (x >= limit);
	return x % n;
}

uint64_t cx_seed(const char *seed, const char *participant)
{
	uint64_t h = 0xCBF29CE484222325ull;
	for (const unsigned char *p = (const unsigned char *)(seed ? seed : ""); *p; p++)
		h = (h ^ *p) * 0x100000001B3ull;
	h = (h ^ 0x1F) * 0x100000001B3ull;
	for (const unsigned char *p = (const unsigned char *)(participant ? participant : ""); *p; p++)
		h = (h ^ *p) * 0x100000001B3ull;
	return h;
}

/* ---- blueprints ---- */

typedef struct cx_pool_item {
	int bank, q; /* index in banks, index in that bank's items */
} cx_pool_item;

typedef struct cx_rule {
	int count;
	int *cand; /* indexes into the pool, in pool order */
	int ncand;
} cx_rule;

struct contest_blueprint {
	cx_pool_item *pool; /* every question of every bank, in bank order */
	int npool;
	cx_rule *rules;
	int nrules;
	int total;
	bool per_participant, shuffle_questions, shuffle_options;
	char *seed; /* the stage's seed string */
};

static const char *const cx_rule_fields[] = {"bank", "category", "difficulty", "type", "tags", "count", NULL};
static const char *const cx_from_fields[] = {"bank", "category", "difficulty", "tags", NULL};

/* A filter: bank alias, category, difficulty, type, tags (all must hold). */
typedef struct cx_filter {
	int bank; /* -1: any */
	const char *category, *type;
	int difficulty; /* 0: any */
	const cJSON *tags;
} cx_filter;

static bool cx_has_tag(const cJSON *q, const char *tag)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(q, "tags"))
	{
		if (cJSON_IsString(t) && strcmp(t->valuestring, tag) == 0)
			return true;
	}
	return false;
}

static bool cx_match(const cx_filter *f, const cx_pool_item *pi, const struct contest_banks *bs)
{
	const cx_bank_item *it = &bs->v[pi->bank].items[pi->q];
	if (f->bank >= 0 && f->bank != pi->bank)
		return false;
	if (f->category && strcmp(f->category, it->category) != 0)
		return false;
	if (f->type && (!it->type || strcmp(f->type, it->type) != 0))
		return false;
	if (f->difficulty && f->difficulty != it->difficulty)
		return false;
	const cJSON *t;
	cJSON_ArrayForEach(t, f->tags)
	{
		if (cJSON_IsString(t) && !cx_has_tag(it->q, t->valuestring))
			return false;
	}
	return true;
}

/* Checks the filter fields of obj (rule or "from"); false on a problem. */
static bool cx_filter_parse(cx *c, const cJSON *obj, const char *path, const struct contest_banks *bs,
			    cx_filter *f)
{
	char p[CX_PATH_MAX];
	size_t before = cx_nerr(c);
	bool en = c->lang && strcmp(c->lang, "en") == 0;
	memset(f, 0, sizeof *f);
	f->bank = -1;
	const cJSON *v;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "bank"))) {
		if (!cJSON_IsString(v)) {
			cx_err(c, cx_key(p, path, "bank"), CXM_WANT_STRING);
		} else {
			for (size_t i = 0; bs && i < bs->n; i++)
				if (strcmp(bs->v[i].alias, v->valuestring) == 0)
					f->bank = (int)i;
			if (f->bank < 0)
				cx_err(c, cx_key(p, path, "bank"), CXM_UNKNOWN_REF, en ? "bank" : "题库",
				       v->valuestring);
		}
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "category")) &&
	    cx_id(c, v, cx_key(p, path, "category")))
		f->category = v->valuestring;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "type")) &&
	    cx_string(c, v, cx_key(p, path, "type"), 64, false))
		f->type = v->valuestring;
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "difficulty"))) {
		if (!cJSON_IsString(v))
			cx_err(c, cx_key(p, path, "difficulty"), CXM_WANT_STRING);
		else if (!(f->difficulty = cx_difficulty(v->valuestring)))
			cx_err(c, cx_key(p, path, "difficulty"), CXM_DIFFICULTY, v->valuestring);
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(obj, "tags"))) {
		if (!cJSON_IsArray(v)) {
			cx_err(c, cx_key(p, path, "tags"), CXM_WANT_ARRAY);
		} else {
			char tp[CX_PATH_MAX], ti[CX_PATH_MAX];
			cx_key(tp, path, "tags");
			int i = 0;
			const cJSON *t;
			cJSON_ArrayForEach(t, v) cx_string(c, t, cx_idx(ti, tp, i++), 64, false);
			f->tags = v;
		}
	}
	return cx_nerr(c) == before;
}

/* Appends a rule drawing count of the pool items f (and from) select; NULL (c marked) on no memory. */
static cx_rule *cx_rule_add(cx *c, struct contest_blueprint *bp, int count, const cx_filter *f,
			    const cx_filter *from, const struct contest_banks *bs)
{
	int *cand = cx_alloc(c, sizeof *cand * (size_t)(bp->npool ? bp->npool : 1));
	if (!cand)
		return NULL;
	cx_rule *r = &bp->rules[bp->nrules++];
	r->count = count;
	r->cand = cand;
	r->ncand = 0;
	for (int i = 0; i < bp->npool; i++)
		if (cx_match(f, &bp->pool[i], bs) && (!from || cx_match(from, &bp->pool[i], bs)))
			r->cand[r->ncand++] = i;
	return r;
}

void cx_blueprint_free(struct contest_blueprint *bp)
{
	if (!bp)
		return;
	for (int i = 0; i < bp->nrules; i++)
		free(bp->rules[i].cand);
	free(bp->rules);
	free(bp->pool);
	free(bp->seed);
	free(bp);
}

size_t cx_blueprint_total(const struct contest_blueprint *bp) { return (size_t)bp->total; }

size_t cx_blueprint_npool(const struct contest_blueprint *bp) { return (size_t)bp->npool; }

long cx_blueprint_candidates(const struct contest_blueprint *bp, int *bank, int *q)
{
	bool *seen = cx_calloc((size_t)(bp->npool ? bp->npool : 1), sizeof *seen);
	if (!seen)
		return -1;
	for (int r = 0; r < bp->nrules; r++)
		for (int k = 0; k < bp->rules[r].ncand; k++)
			seen[bp->rules[r].cand[k]] = true;
	long n = 0;
	for (int i = 0; i < bp->npool; i++)
		if (seen[i]) {
			bank[n] = bp->pool[i].bank;
			q[n++] = bp->pool[i].q;
		}
	free(seen);
	return n;
}

/* ---- matching ---- */

typedef struct cx_match_state {
	const struct contest_blueprint *bp;
	int **order;    /* per rule: candidates in shuffled order */
	int *slot_rule; /* rule of each slot */
	int *item_slot; /* pool item -> slot holding it, or -1 */
	int *slot_item; /* slot -> pool item, or -1 */
	int *seen;      /* pool item -> visit stamp */
	int stamp;
} cx_match_state;

/* Kuhn's augmenting path from slot; items are marked seen, so it is at most total slots deep. */
static bool cx_augment(cx_match_state *m, int slot)
{
	const int r = m->slot_rule[slot];
	for (int k = 0; k < m->bp->rules[r].ncand; k++) {
		int it = m->order[r][k];
		if (m->seen[it] == m->stamp)
			continue;
		m->seen[it] = m->stamp;
		if (m->item_slot[it] < 0 || cx_augment(m, m->item_slot[it])) {
			m->item_slot[it] = slot;
			m->slot_item[slot] = it;
			return true;
		}
	}
	return false;
}

static int cx_cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void cx_match_free(cx_match_state *m)
{
	for (int r = 0; m->order && r < m->bp->nrules; r++)
		free(m->order[r]);
	free(m->order);
	free(m->slot_rule);
	free(m->slot_item);
	free(m->item_slot);
	free(m->seen);
}

/* Allocates the state and shuffles each rule's candidates (step 1 of a draw). */
static bool cx_match_init(cx_match_state *m, const struct contest_blueprint *bp, cx_rng *rng)
{
	size_t total = (size_t)(bp->total ? bp->total : 1), npool = (size_t)(bp->npool ? bp->npool : 1);
	memset(m, 0, sizeof *m);
	m->bp = bp;
	m->order = cx_calloc((size_t)(bp->nrules ? bp->nrules : 1), sizeof *m->order);
	m->slot_rule = cx_malloc(sizeof(int) * total);
	m->slot_item = cx_malloc(sizeof(int) * total);
	m->item_slot = cx_malloc(sizeof(int) * npool);
	m->seen = cx_calloc(npool, sizeof(int));
	if (!m->order || !m->slot_rule || !m->slot_item || !m->item_slot || !m->seen)
		return false;
	for (int r = 0; r < bp->nrules; r++) {
		const cx_rule *ru = &bp->rules[r];
		if (!(m->order[r] = cx_malloc(sizeof(int) * (size_t)(ru->ncand ? ru->ncand : 1))))
			return false;
		memcpy(m->order[r], ru->cand, sizeof(int) * (size_t)ru->ncand);
		for (int i = ru->ncand - 1; i > 0; i--) {
			int j = (int)cx_rng_below(rng, (uint64_t)i + 1);
			int t = m->order[r][i];
			m->order[r][i] = m->order[r][j];
			m->order[r][j] = t;
		}
	}
	return true;
}

/*
 * Draws pool indexes into picked[total] (-1 for unfilled slots); returns the
 * number filled, or -1 when memory runs out.
 */
static int cx_draw_pool(const struct contest_blueprint *bp, cx_rng *rng, int *picked)
{
	cx_match_state m;
	if (!cx_match_init(&m, bp, rng)) {
		cx_match_free(&m);
		return -1;
	}
	int total = bp->total;
	for (int i = 0; i < bp->npool; i++)
		m.item_slot[i] = -1;
	int s = 0;
	for (int r = 0; r < bp->nrules; r++)
		for (int k = 0; k < bp->rules[r].count; k++)
			m.slot_rule[s++] = r;
	int filled = 0;
	for (s = 0; s < total; s++) {
		m.slot_item[s] = -1;
		m.stamp++;
		if (cx_augment(&m, s))
			filled++;
	}
	/* rule order, bank order within a rule */
	s = 0;
	for (int r = 0; r < bp->nrules; r++) {
		int n = bp->rules[r].count;
		qsort(m.slot_item + s, (size_t)n, sizeof(int), cx_cmp_int);
		s += n;
	}
	/* unfilled slots (-1) sorted first within their rule: move them to the end */
	int w = 0;
	for (s = 0; s < total; s++)
		if (m.slot_item[s] >= 0)
			picked[w++] = m.slot_item[s];
	for (; w < total; w++)
		picked[w] = -1;
	cx_match_free(&m);
	return filled;
}

/* ---- options ---- */

/* Types whose "options" may be shuffled, and how their answer refers to options. */
typedef enum { CX_ANS_INDEX, CX_ANS_INDEXES } cx_ans_kind;
typedef struct cx_shuffle_row {
	const char *type;
	cx_ans_kind answer;
} cx_shuffle_row;
static const cx_shuffle_row cx_shuffle_types[] = {
	{"single_choice", CX_ANS_INDEX},
	{"multiple_choice", CX_ANS_INDEXES},
};
/* Arrays that run parallel to "options" and move with them. */
static const char *const cx_option_parallel[] = {"option_feedback", "weights", NULL};

static const cx_shuffle_row *cx_shuffle_row_of(const char *type)
{
	for (size_t i = 0; type && i < sizeof cx_shuffle_types / sizeof cx_shuffle_types[0]; i++)
		if (strcmp(cx_shuffle_types[i].type, type) == 0)
			return &cx_shuffle_types[i];
	return NULL;
}

/* Replaces array `key` of q by its elements taken in order perm[]. */
static void cx_permute_array(cx *c, cJSON *q, const char *key, const int *perm, int n)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(q, key);
	if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != n)
		return;
	cJSON *na = cx_jnew(c, cJSON_CreateArray());
	for (int i = 0; i < n && na; i++)
		if (!cx_jpush(c, na, cJSON_Duplicate(cJSON_GetArrayItem(arr, perm[i]), true)))
			break;
	if (c->nomem)
		cJSON_Delete(na);
	else
		cx_jset(c, q, key, na);
}

/* The answer of q after its options moved: old option k is now at inv[k]. */
static void cx_remap_answer(cx *c, cJSON *q, const cx_shuffle_row *row, const int *inv, int n)
{
	cJSON *ans = cJSON_GetObjectItemCaseSensitive(q, "answer");
	if (row->answer == CX_ANS_INDEX && cJSON_IsNumber(ans)) {
		int a = ans->valueint;
		if (a >= 0 && a < n)
			cx_jset(c, q, "answer", cJSON_CreateNumber(inv[a]));
	} else if (row->answer == CX_ANS_INDEXES && cJSON_IsArray(ans)) {
		int m = cJSON_GetArraySize(ans), v[64], w = 0;
		const cJSON *it;
		cJSON_ArrayForEach(it, ans)
		{
			if (cJSON_IsNumber(it) && it->valueint >= 0 && it->valueint < n && w < 64)
				v[w++] = inv[it->valueint];
		}
		if (w != m)
			return;
		qsort(v, (size_t)w, sizeof(int), cx_cmp_int);
		cJSON *na = cx_jnew(c, cJSON_CreateArray());
		for (int i = 0; i < w && na; i++)
			if (!cx_jpush(c, na, cJSON_CreateNumber(v[i])))
				break;
		if (c->nomem)
			cJSON_Delete(na);
		else
			cx_jset(c, q, "answer", na);
	}
}

/* Shuffles the options of q (a copy) and remaps its answer. */
static void cx_shuffle_options(cx *c, cJSON *q, cx_rng *rng)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(q, "type");
	const cx_shuffle_row *row = cx_shuffle_row_of(cJSON_GetStringValue(type));
	if (!row)
		return;
	if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(q, "shuffle_options")))
		return;
	int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(q, "options"));
	if (n < 2 || n > 64)
		return;
	int perm[64], inv[64];
	for (int i = 0; i < n; i++)
		perm[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)cx_rng_below(rng, (uint64_t)i + 1);
		int t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	/* new position i shows old option perm[i]; old option k is now at inv[k] */
	for (int i = 0; i < n; i++)
		inv[perm[i]] = i;
	cx_permute_array(c, q, "options", perm, n);
	for (int k = 0; cx_option_parallel[k]; k++)
		cx_permute_array(c, q, cx_option_parallel[k], perm, n);
	cx_remap_answer(c, q, row, inv, n);
}

/* ---- drawing ---- */

uint64_t cx_blueprint_seed(const struct contest_blueprint *bp, const char *participant)
{
	return cx_seed(bp->seed, bp->per_participant && participant ? participant : "");
}

size_t cx_blueprint_draw(cx *c, const struct contest_blueprint *bp, const struct contest_banks *banks,
			 const char *participant, cJSON **out, const char **alias)
{
	cx_rng rng;
	cx_rng_seed(&rng, cx_blueprint_seed(bp, participant));
	int total = bp->total;
	int *picked = cx_alloc(c, sizeof(int) * (size_t)(total ? total : 1));
	int filled = picked ? cx_draw_pool(bp, &rng, picked) : -1;
	if (filled < 0) {
		free(picked);
		cx_oom(c);
		return 0;
	}
	if (bp->shuffle_questions)
		for (int i = filled - 1; i > 0; i--) {
			int j = (int)cx_rng_below(&rng, (uint64_t)i + 1);
			int t = picked[i];
			picked[i] = picked[j];
			picked[j] = t;
		}
	int got = 0;
	for (int i = 0; i < filled; i++) {
		const cx_pool_item *pi = &bp->pool[picked[i]];
		const cx_bank *b = &banks->v[pi->bank];
		cJSON *q = cx_jnew(c, cJSON_Duplicate(b->items[pi->q].q, true));
		if (q && bp->shuffle_options)
			cx_shuffle_options(c, q, &rng);
		if (c->nomem) {
			cJSON_Delete(q);
			break;
		}
		out[got] = q;
		alias[got++] = b->alias;
	}
	free(picked);
	return (size_t)got;
}

/* ---- building a blueprint from a "paper" ---- */

/* Largest remainder: counts proportional to weights, adding up to total (ties to the first). */
static void cx_apportion(const double *w, double *rem, int n, int total, int *counts)
{
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += w[i];
	int given = 0;
	for (int i = 0; i < n; i++) {
		double exact = sum > 0 ? (double)total * w[i] / sum : 0;
		counts[i] = (int)exact;
		rem[i] = exact - counts[i];
		given += counts[i];
	}
	while (given < total && n > 0) {
		int best = 0;
		for (int i = 1; i < n; i++)
			if (rem[i] > rem[best] + 1e-12)
				best = i;
		counts[best]++;
		rem[best] = -1;
		given++;
	}
}

/* What the rows of a paper share. */
typedef struct cx_paper_ctx {
	struct contest_blueprint *bp;
	const struct contest_banks *banks;
	const cJSON *paper;
	const char *path;
	bool live;
	long long total; /* -1 when not given */
} cx_paper_ctx;

static void cx_set_per_participant(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_paper_ctx *pc = ctx;
	pc->bp->per_participant = v ? val->b : !pc->live;
	if (v && val->b && pc->live)
		cx_err(c, path, CXM_EXCLUSIVE, "mode: live", "per_participant: true");
}

static void cx_set_shuffle_questions(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	((cx_paper_ctx *)ctx)->bp->shuffle_questions = v && val->b;
}

static void cx_set_shuffle_options(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	((cx_paper_ctx *)ctx)->bp->shuffle_options = v && val->b;
}

static void cx_set_paper_seed(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	cx_paper_ctx *pc = ctx;
	if (v) {
		free(pc->bp->seed);
		pc->bp->seed = cx_dup(c, v->valuestring);
	}
}

static void cx_set_total(cx *c, const cJSON *v, const cx_value *val, const char *path, void *ctx)
{
	((cx_paper_ctx *)ctx)->total = v ? val->i : -1;
}

/* "rules": [{filters, "count"}, ...] */
static void cx_set_rules(cx *c, const cJSON *rules, const cx_value *val, const char *path, void *ctx)
{
	cx_paper_ctx *pc = ctx;
	struct contest_blueprint *bp = pc->bp;
	char p[CX_PATH_MAX], ri[CX_PATH_MAX];
	const cJSON *ratio = cJSON_GetObjectItemCaseSensitive(pc->paper, "ratio");
	if (!rules && !ratio)
		cx_err(c, pc->path, CXM_NEED_ONE_OF, "rules", "ratio");
	if (!rules)
		return;
	if (ratio) {
		cx_err(c, pc->path, CXM_EXCLUSIVE, "rules", "ratio");
		return;
	}
	if (cJSON_GetObjectItemCaseSensitive(pc->paper, "from"))
		cx_err(c, cx_key(p, pc->path, "from"), CXM_EXCLUSIVE, "rules", "from");
	if (!cJSON_IsArray(rules) || cJSON_GetArraySize(rules) == 0) {
		cx_err(c, path, cJSON_IsArray(rules) ? CXM_NO_QUESTIONS : CXM_WANT_ARRAY);
		return;
	}
	if (!(bp->rules = cx_alloc(c, sizeof *bp->rules * (size_t)cJSON_GetArraySize(rules))))
		return;
	int sum = 0, i = 0;
	const cJSON *r;
	cJSON_ArrayForEach(r, rules)
	{
		cx_idx(ri, path, i++);
		if (!cJSON_IsObject(r)) {
			cx_err(c, ri, CXM_NOT_OBJECT);
			continue;
		}
		cx_fields(c, r, ri, cx_rule_fields);
		cx_filter f;
		bool fok = cx_filter_parse(c, r, ri, pc->banks, &f);
		const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(r, "count");
		long long count = 0;
		if (!cnt)
			cx_err(c, ri, CXM_MISSING, "count");
		else
			cx_int(c, cnt, cx_key(p, ri, "count"), 1, 1000, &count);
		if (!fok || count <= 0)
			continue;
		cx_rule *ru = cx_rule_add(c, bp, (int)count, &f, NULL, pc->banks);
		if (!ru)
			return;
		sum += ru->count;
		if (ru->ncand < ru->count)
			cx_err(c, ri, CXM_DRAW_SHORT, ru->count, ru->ncand);
	}
	if (pc->total >= 0 && pc->total != sum)
		cx_err(c, cx_key(p, pc->path, "total"), CXM_RANGE_INT, (long long)sum, (long long)sum);
	bp->total = sum;
}

static int cx_cmp_key(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/*
 * "ratio": {"type": weight, ...} with "total" and an optional "from": one
 * rule per type, in the order of the type names (bytes) - never in the
 * object's key order, which a jsonb copy of the contest does not keep.
 */
static void cx_set_ratio(cx *c, const cJSON *ratio, const cx_value *val, const char *path, void *ctx)
{
	cx_paper_ctx *pc = ctx;
	struct contest_blueprint *bp = pc->bp;
	char p[CX_PATH_MAX];
	if (!ratio || cJSON_GetObjectItemCaseSensitive(pc->paper, "rules"))
		return;
	cx_filter ff, *fromf = NULL;
	const cJSON *from = cJSON_GetObjectItemCaseSensitive(pc->paper, "from");
	if (from && !cJSON_IsObject(from)) {
		cx_err(c, cx_key(p, pc->path, "from"), CXM_NOT_OBJECT);
	} else if (from) {
		cx_fields(c, from, cx_key(p, pc->path, "from"), cx_from_fields);
		if (cx_filter_parse(c, from, p, pc->banks, &ff))
			fromf = &ff;
	}
	if (!cJSON_GetObjectItemCaseSensitive(pc->paper, "total"))
		cx_err(c, pc->path, CXM_RATIO_TOTAL);
	if (!cJSON_IsObject(ratio) || !ratio->child) {
		cx_err(c, path, CXM_WANT_OBJECT);
		return;
	}
	int n = cJSON_GetArraySize(ratio), k = 0;
	const cJSON **types = cx_alloc(c, sizeof *types * (size_t)n);
	double *w = cx_alloc(c, sizeof *w * (size_t)n), *rem = cx_alloc(c, sizeof *rem * (size_t)n);
	int *counts = cx_alloc(c, sizeof *counts * (size_t)n);
	bool allocated = types && w && rem && counts, ok = allocated;
	const cJSON *it;
	cJSON_ArrayForEach(it, ratio)
	{
		if (allocated)
			types[k++] = it;
	}
	if (allocated)
		qsort(types, (size_t)n, sizeof *types, cx_cmp_key);
	for (int i = 0; allocated && i < n; i++)
		ok &= cx_number(c, types[i], cx_key(p, path, types[i]->string), 0, 1000, &w[i]);
	if (ok && pc->total > 0 && (bp->rules = cx_alloc(c, sizeof *bp->rules * (size_t)n))) {
		cx_apportion(w, rem, n, (int)pc->total, counts);
		for (int i = 0; i < n; i++) {
			if (counts[i] == 0)
				continue;
			cx_filter f = {.bank = -1, .type = types[i]->string};
			cx_rule *ru = cx_rule_add(c, bp, counts[i], &f, fromf, pc->banks);
			if (!ru)
				break;
			if (ru->ncand < ru->count)
				cx_err(c, cx_key(p, path, types[i]->string), CXM_DRAW_SHORT, ru->count,
				       ru->ncand);
		}
		bp->total = (int)pc->total;
	}
	free(types);
	free(w);
	free(rem);
	free(counts);
}

static const cx_field cx_paper_fields[] = {
	{"per_participant", false, CXK_BOOL, 0, 0, false, cx_set_per_participant},
	{"shuffle_questions", false, CXK_BOOL, 0, 0, false, cx_set_shuffle_questions},
	{"shuffle_options", false, CXK_BOOL, 0, 0, false, cx_set_shuffle_options},
	{"seed", false, CXK_STRING, 0, 128, false, cx_set_paper_seed},
	{"total", false, CXK_INT, 1, 1000, false, cx_set_total},
	{"from", false, CXK_ANY, 0, 0, false, NULL}, /* with "ratio" */
	{"rules", false, CXK_ANY, 0, 0, false, cx_set_rules},
	{"ratio", false, CXK_ANY, 0, 0, false, cx_set_ratio},
};

/* The pool: every question of every bank, in bank order (the banks in alias order). */
static bool cx_pool_build(cx *c, struct contest_blueprint *bp, const struct contest_banks *banks)
{
	size_t npool = 0;
	for (size_t i = 0; banks && i < banks->n; i++)
		npool += banks->v[i].n;
	if (!(bp->pool = cx_alloc(c, sizeof *bp->pool * (npool ? npool : 1))))
		return false;
	for (size_t i = 0; banks && i < banks->n; i++)
		for (size_t k = 0; k < banks->v[i].n; k++)
			bp->pool[bp->npool++] = (cx_pool_item){(int)i, (int)k};
	return true;
}

struct contest_blueprint *cx_blueprint_build(cx *c, const cJSON *paper, const char *path,
					     const struct contest_banks *banks, bool live, const char *seed)
{
	size_t before = cx_nerr(c);
	if (!cJSON_IsObject(paper)) {
		cx_err(c, path, CXM_NOT_OBJECT);
		return NULL;
	}
	struct contest_blueprint *bp = cx_alloc(c, sizeof *bp);
	if (!bp || !(bp->seed = cx_dup(c, seed ? seed : "")) || !cx_pool_build(c, bp, banks)) {
		cx_blueprint_free(bp);
		return NULL;
	}
	cx_paper_ctx pc = {.bp = bp, .banks = banks, .paper = paper, .path = path, .live = live, .total = -1};
	cx_check_fields(c, paper, path, cx_paper_fields, sizeof cx_paper_fields / sizeof cx_paper_fields[0],
			&pc);
	if (cx_nerr(c) == before && bp->total > 0) {
		/* can distinct questions fill every rule at once? (the size of a matching is the same for any seed) */
		cx_rng rng;
		cx_rng_seed(&rng, 0);
		int *picked = cx_alloc(c, sizeof(int) * (size_t)bp->total);
		int filled = picked ? cx_draw_pool(bp, &rng, picked) : -1;
		free(picked);
		if (filled < 0)
			cx_oom(c);
		else if (filled < bp->total)
			cx_err(c, path, CXM_PAPER_SHORT, bp->total, filled);
	}
	if (cx_nerr(c) != before) {
		cx_blueprint_free(bp);
		return NULL;
	}
	return bp;
}
