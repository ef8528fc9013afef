/*
 * analysis.h - a contest's analysis, between its routes (analysis.c: the
 * query, the pool, PNG and PDF, the reply) and its computation
 * (analysis_read.c: PostgreSQL read with a blocking connection, the results
 * library, the JSON or one SVG chart). an_compute runs on libuv's thread
 * pool only.
 *
 * Ownership: an an_query owns its pool copy (an_query_release); an an_out
 * owns its json, svg and code until the reply takes them (an_out_release).
 */
#ifndef SKILLARENA_API_ANALYSIS_H
#define SKILLARENA_API_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

/* What is asked for: the JSON, or one chart. */
enum { AN_JSON = -1, AN_PARTICIPATION, AN_SCORES, AN_ITEMS, AN_AWARDS, AN_CHARTS };

/* A question of a self-paced contest's pool, copied on the loop from the contest served there. */
typedef struct an_pool_q {
	char *id;
	char *text; /* its "text" as JSON (a language map or a string), NULL when none */
	int64_t max_milli;
	int noptions;
} an_pool_q;

typedef struct an_query {
	const char *conninfo;    /* the arena's --pg: lives as long as the process */
	char code[24];           /* as asked (any case) */
	int chart;               /* AN_JSON or AN_PARTICIPATION .. AN_AWARDS */
	const char *chart_title; /* the chart's name in the language (static) */
	int lang_en;
	const char *font;      /* the charts' font-family list (static); NULL: the library's */
	int depth;             /* unit levels drawn */
	char from[11], to[11]; /* "" or YYYY-MM-DD */
	int served;            /* a self-paced contest served by this process: pool holds its questions */
	an_pool_q *pool;
	size_t npool;
} an_query;

typedef struct an_out {
	int rc;                      /* 0, or SA_E_NOT_FOUND, SA_E_INVALID_FIELD (field, zh, en), ... */
	const char *field, *zh, *en; /* a refused query (static texts) */
	char *code;                  /* the contest's code as stored */
	cJSON *json;                 /* AN_JSON */
	char *svg;                   /* a chart */
} an_out;

/* Reads and computes what q asks for into out: 0, or an SA_E_* code (out->rc is the caller's to set;
 * why in err for the log). */
int an_compute(const an_query *q, an_out *out, char *err, size_t errlen);
void an_query_release(an_query *q);
void an_out_release(an_out *o);

#endif
