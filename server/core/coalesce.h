/*
 * coalesce.h - one computation per key at a time, its result shared
 * (coalesce.c): the console's heavy reads (a contest's monitor summary, the
 * ranking of a finished contest) run once however many pages poll them;
 * requests that arrive meanwhile wait for the same result, and a result is
 * kept ttl_ms for the next ones. One table per process (the arena's).
 *
 *   coalesce_get(a, key, ttl, start, ...)
 *       a fresh result: cb at once
 *       a computation on its way: cb when it ends
 *       neither: start(a, key, start_ud) begins one (a query, a pool job)
 *                and calls coalesce_done(a, key, rc, value) when it ends
 *
 * Ownership: coalesce_done takes value (cJSON); callbacks borrow it for the
 * duration of the call. Keys are copied.
 */
#ifndef SKILLARENA_CORE_COALESCE_H
#define SKILLARENA_CORE_COALESCE_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/arena.h"

/* The result (NULL when rc is an SA_E_* code): borrowed. */
typedef void (*coalesce_cb)(arena *a, int rc, const cJSON *value, void *ud);
/* Begins the computation of key: 0 (coalesce_done will follow), or an SA_E_* code. */
typedef int (*coalesce_start)(arena *a, const char *key, void *start_ud);

/*
 * Gets key's result, computing it when none is fresh (younger than ttl_ms)
 * and none is on its way. 0: cb will be called (maybe before this returns);
 * else an SA_E_* code, cb not called.
 */
int coalesce_get(arena *a, const char *key, int64_t ttl_ms, coalesce_start start, void *start_ud,
		 coalesce_cb cb, void *ud);
/* The computation of key ended: every waiter gets rc and value; value is kept (taken). */
void coalesce_done(arena *a, const char *key, int rc, cJSON *value);
/* Forgets key's result (the data changed). */
void coalesce_forget(arena *a, const char *key);
/* At exit, after the loop ran dry: waiters left get SA_E_UNAVAILABLE; everything is freed. */
void coalesce_close(arena *a);

#endif
