/*
 * banks.h - the console's question banks with blocking libpq (banks.c), for
 * work on libuv's thread pool (never on the loop): a bank as native JSON,
 * the banks a console contest draws from (as they are now, or the copies
 * taken when it was published), and an import applied in one transaction.
 *
 * A console contest names its banks by code ("banks": {"alias": "code"});
 * the contests library gets their JSON through contest_load_opts'
 * bank_resolve, here bankset_resolve over a bankset.
 *
 * Ownership: a bankset owns its names and texts (bankset_release).
 */
#ifndef SKILLARENA_STORE_BANKS_H
#define SKILLARENA_STORE_BANKS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct pg_conn;

#define BANKS_MAX_QUESTIONS 20000 /* as the contests library allows in one bank */

typedef struct bankset_item {
	char *name; /* the bank's code, as the contest names it */
	char *json; /* native bank JSON */
	size_t len;
} bankset_item;
typedef struct bankset {
	bankset_item *v;
	size_t n;
} bankset;
void bankset_release(bankset *s);
/* contest_load_opts.bank_resolve over a bankset (ud): 0 with its text, -1 when it has no such name. */
int bankset_resolve(void *ud, const char *name, const char **json, size_t *len);
/*
 * The console banks a definition names ("banks": alias -> code) as they are
 * now; a name that is no bank is left out (the load reports it). 0,
 * SA_E_UNAVAILABLE, SA_E_INTERNAL.
 */
int bankset_fetch(struct pg_conn *pg, const cJSON *def, bankset *out);
/* The copies of contest id's banks taken when it was published (a connection of its own). */
int bankset_snapshot(const char *conninfo, int64_t contest_id, bankset *out);
/* Replaces contest id's copies with s (on pg, inside the caller's transaction). */
int bankset_store(struct pg_conn *pg, int64_t contest_id, const bankset *s);

/*
 * The text a question is found by (GET /api/banks/{code}/questions?q=):
 * its id and name, text, options, items, matching sides, explanation and
 * tags, every language, one per line. malloc'ed; NULL when out of memory.
 */
char *banks_search_text(const cJSON *q);

/* An import to apply (the file parsed and every question checked already). */
typedef struct banks_import {
	int64_t bank_id;
	int merge;         /* 0: the bank's questions and categories become these; 1: merged */
	cJSON *categories; /* [{"id","title"}] (may be NULL: none); merge rewrites ids */
	cJSON *questions;  /* native question objects, in file order; merge rewrites categories */
	void (*progress)(void *ud, double p); /* 0..1 of the writing */
	void *ud;
	int64_t count; /* out: the bank's questions after it */
	char why[160]; /* out: SA_E_INVALID_FIELD's reason (too many questions) */
	int why_zh;    /* the language of why: 1 Chinese */
} banks_import;
/*
 * Applies im to the bank in one transaction on pg: the bank's row locked,
 * (replace) its questions deleted, the questions written in batches,
 * categories and updated_at set. 0, SA_E_NOT_FOUND (the bank is gone),
 * SA_E_INVALID_FIELD (why: more than BANKS_MAX_QUESTIONS), SA_E_UNAVAILABLE.
 */
int banks_import_apply(struct pg_conn *pg, banks_import *im);

#endif
