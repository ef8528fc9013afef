/*
 * paper.h - the self-paced modes' questions (paper.c): a contest's question
 * pool, prepared once, and a participant's paper (pool questions in their
 * order, each with the option order this participant sees), drawn on the
 * thread pool, stored as JSON, served and mapped back for scoring.
 *
 * A paper is stored as [{"q": "<pool id>", "p": [k0, k1, ...]}, ...]: shown
 * option i of that question is pool option p[i] ("p" absent: the pool's
 * order). Responses arrive in the shown order and are scored against the
 * pool question after paper_to_pool; keys and responses go back in the
 * shown order.
 *
 * Ownership: a crun owns its paper_pool (paper_pool_open/close from
 * run.c); a paper is owned by whoever parsed it (paper_free).
 */
#ifndef SKILLARENA_LIVE_PAPER_H
#define SKILLARENA_LIVE_PAPER_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "contest.h"
#include "live/run.h"

#define PAPER_MAX_OPTIONS 64

/* One pool question, prepared for serving and scoring. */
typedef struct paper_q {
	const contest_pool_item *it;
	cJSON *public_msg;  /* {"id","qtype","text", type fields in pool order, "points"} */
	cJSON *key;         /* the key in pool order (score_reveal_answer) */
	cJSON *explanation; /* a language map, or NULL */
	int shuffles;       /* its options may be shown in another order (choice types) */
	int noptions;       /* options (choice types), else 0 */
	int64_t max_milli;
	char *qkey; /* "<bank id>/<question id>", or "<code>/<id>" inline: the notebook's key */
	int cat;    /* index into paper_pool.cats */
} paper_q;

typedef struct paper_cat {
	const char *id;     /* "" for questions without a category */
	const cJSON *title; /* a language map or string, NULL when none */
	int *idx;           /* its questions (indexes into qs) */
	int n;
} paper_cat;

struct mass_state;

/* A self-paced contest's questions and settings. */
typedef struct paper_pool {
	contest_pool *pool;
	paper_q *qs;
	int n;
	int *by_id;  /* indexes of qs sorted by id (paper_find) */
	int *by_key; /* ... by notebook key (paper_find_key) */
	paper_cat *cats;
	int ncats;
	int paper_count;                          /* questions per paper (exam, mass) */
	int64_t opens_ms, closes_ms, duration_ms; /* the window; 0 when none */
	struct results_tz *tz;                    /* where days begin */
	/* boards of exam and mass contests (live/mass.c makes them on first use) */
	struct mass_state *mass;
	void (*mass_free)(struct mass_state *m);
} paper_pool;

/* One question of a participant's paper. */
typedef struct paper_slot {
	int q;               /* index into paper_pool.qs */
	int nperm;           /* 0: the pool's order */
	unsigned char *perm; /* shown option i is pool option perm[i] */
} paper_slot;

typedef struct paper {
	int n;
	int64_t max_milli;
	paper_slot *s;
} paper;

/* run.c: prepares r->pool for a self-paced contest and adds the mode's
 * settings to r->info; 0 or SA_E_INTERNAL (logged). Closing frees the
 * boards too, through mass_free. */
int paper_pool_open(crun *r);
void paper_pool_close(crun *r);

/* A language map from a string or a map (a new cJSON; NULL for NULL). */
cJSON *paper_langmap(const cJSON *v);

/* The day of ms in r's time zone, "YYYY-MM-DD" (11 bytes). */
void paper_day(const crun *r, int64_t ms, char day[11]);

/* The pool question with this id, or this notebook key; -1 when none. */
int paper_find(const paper_pool *pp, const char *id);
int paper_find_key(const paper_pool *pp, const char *qkey);

/*
 * Draws participant pid's paper for attempt attempt_no on libuv's thread
 * pool (contest_paper_draw with the key "<pid>", "<pid>/<n>" after the
 * first attempt) and calls done on the loop with the stored form (JSON
 * text, malloc'ed; NULL on failure), its seed, question count and maximum.
 * The caller holds a reference to r (run_ref) until done is called: the
 * draw reads r's definition and pool. 0, or SA_E_INTERNAL (done not called).
 */
typedef void (*paper_drawn_cb)(crun *r, char *json, uint64_t seed, int count, int64_t max_milli, void *ud);
int paper_draw(crun *r, int64_t pid, int attempt_no, paper_drawn_cb done, void *ud);

/* The stored form back: NULL when it is malformed or names a question the
 * pool no longer has (logged). */
paper *paper_parse(const paper_pool *pp, const char *json);
void paper_free(paper *p);

/* Question i as the participant sees it: the public fields, shown order, "index". */
cJSON *paper_question(const paper_pool *pp, const paper *p, int i);
/* A response in the shown order as the pool question reads it (a new cJSON);
 * option indexes out of range are left as they are, for the scorer to refuse. */
cJSON *paper_to_pool(const paper_pool *pp, const paper *p, int i, const cJSON *shown);
/* The key of question i in the shown order (a new cJSON). */
cJSON *paper_key_shown(const paper_pool *pp, const paper *p, int i);

#endif
