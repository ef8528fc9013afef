/*
 * limit.h - rate limits (limit.c): token buckets, alone (a connection's
 * message rate) or in a table keyed by client address (connections, joins and
 * failed host logins per address). Pure: the caller passes the time, so the
 * unit tests (tests/unit/test_limit.c) drive the clock.
 *
 * Ownership: a limit_table is created by limit_table_new and freed by
 * limit_table_free (net/ws.c does both, with the WebSocket protocol's
 * life); buckets live inside their connection or table.
 */
#ifndef SKILLARENA_CORE_LIMIT_H
#define SKILLARENA_CORE_LIMIT_H

#include <stddef.h>
#include <stdint.h>

/* A rate: per_s tokens a second, at most burst saved up. per_s 0: unlimited. */
typedef struct limit_rate {
	double per_s;
	double burst;
} limit_rate;

/* A bucket starts full (its first use fills it). */
typedef struct limit_bucket {
	double tokens;
	int64_t last_ms; /* 0: never used */
} limit_bucket;

/* Takes one token: 0, or SA_E_RATE_LIMITED (nothing taken) when none is left. */
int limit_take(limit_bucket *b, const limit_rate *r, int64_t now_ms);
/* 0 if a token is there (none taken), else SA_E_RATE_LIMITED. */
int limit_peek(limit_bucket *b, const limit_rate *r, int64_t now_ms);

/* What a table counts per address. */
enum limit_kind {
	LIMIT_CONN,      /* WebSocket connections opened */
	LIMIT_JOIN,      /* join and resume requests */
	LIMIT_HOST_FAIL, /* failed host logins (the organizer token) */
	LIMIT_HOST_LOG,  /* log lines about refused host logins */
	LIMIT_HTTP,      /* HTTP API requests (net/gate.c, a table of its own) */
	LIMIT_NKINDS
};

typedef struct limit_table limit_table;

/* A table of at most cap addresses (the least recently used give way), with
 * the rates of each kind. NULL when out of memory. */
limit_table *limit_table_new(size_t cap, const limit_rate rates[LIMIT_NKINDS]);
void limit_table_free(limit_table *t);
/* limit_take / limit_peek on addr's bucket of this kind. An address the table
 * cannot hold (out of memory) is not limited. */
int limit_addr_take(limit_table *t, const char *addr, enum limit_kind kind, int64_t now_ms);
int limit_addr_peek(limit_table *t, const char *addr, enum limit_kind kind, int64_t now_ms);
/* Addresses held now (tests, /healthz figures). */
size_t limit_table_count(const limit_table *t);

#endif
