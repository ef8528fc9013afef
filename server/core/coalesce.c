/*
 * coalesce.c - one computation per key at a time, its result shared (see
 * coalesce.h). A short list of entries (keys are contests polled by the
 * console: a handful at a time); entries whose result went stale and that
 * nobody waits for are dropped when the list is walked, so it holds only
 * what was asked for within the last ttl.
 */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/coalesce.h"
#include "core/err.h"

typedef struct waiter {
	coalesce_cb cb;
	void *ud;
} waiter;

typedef struct entry {
	struct entry *next;
	char *key;
	int busy;        /* a computation is on its way */
	int rc;          /* of the last one */
	cJSON *value;    /* its result, or NULL */
	int64_t done_ms; /* when it ended */
	int64_t ttl_ms;  /* how long its result serves */
	waiter *w;
	int nw, capw;
} entry;

struct coalesce {
	entry *list;
};

static void entry_free(entry *e)
{
	cJSON_Delete(e->value);
	free(e->w);
	free(e->key);
	free(e);
}

/* The entry of key (dropping stale idle ones on the way), or NULL. */
static entry *find(arena *a, const char *key)
{
	int64_t now = now_ms();
	entry *found = NULL;
	for (entry **p = &a->coalesce->list; *p;) {
		entry *e = *p;
		if (!strcmp(e->key, key))
			found = e;
		else if (!e->busy && !e->nw && now - e->done_ms > e->ttl_ms) {
			*p = e->next;
			entry_free(e);
			continue;
		}
		p = &e->next;
	}
	return found;
}

static int wait_on(entry *e, coalesce_cb cb, void *ud)
{
	if (e->nw == e->capw) {
		int cap = e->capw ? e->capw * 2 : 4;
		waiter *nw = realloc(e->w, (size_t)cap * sizeof *nw);
		if (!nw)
			return SA_E_INTERNAL;
		e->w = nw;
		e->capw = cap;
	}
	e->w[e->nw++] = (waiter){cb, ud};
	return 0;
}

int coalesce_get(arena *a, const char *key, int64_t ttl_ms, coalesce_start start, void *start_ud,
		 coalesce_cb cb, void *ud)
{
	if (!a->coalesce && !(a->coalesce = calloc(1, sizeof *a->coalesce)))
		return SA_E_INTERNAL;
	entry *e = find(a, key);
	if (e && !e->busy && !e->rc && e->value && now_ms() - e->done_ms <= ttl_ms) {
		cb(a, 0, e->value, ud);
		return 0;
	}
	if (!e) {
		if (!(e = calloc(1, sizeof *e)) || !(e->key = strdup(key))) {
			free(e);
			return SA_E_INTERNAL;
		}
		e->next = a->coalesce->list;
		a->coalesce->list = e;
	}
	e->ttl_ms = ttl_ms;
	if (wait_on(e, cb, ud))
		return SA_E_INTERNAL;
	if (e->busy)
		return 0;
	e->busy = 1;
	int rc = start(a, key, start_ud);
	if (rc) {
		e->busy = 0;
		e->nw--;   /* this caller is told by the return code; others waiting keep waiting */
		if (e->nw) /* (none can be: they would have found it busy) */
			coalesce_done(a, key, rc, NULL);
	}
	return rc;
}

void coalesce_done(arena *a, const char *key, int rc, cJSON *value)
{
	entry *e = a->coalesce ? find(a, key) : NULL;
	if (!e) {
		cJSON_Delete(value);
		return;
	}
	cJSON_Delete(e->value);
	e->value = rc ? NULL : value;
	if (rc)
		cJSON_Delete(value);
	e->rc = rc;
	e->busy = 0;
	e->done_ms = now_ms();
	/* The waiters are taken first: a callback may ask again (and start anew). */
	waiter *w = e->w;
	int n = e->nw;
	e->w = NULL;
	e->nw = e->capw = 0;
	cJSON *keep = e->value ? cJSON_Duplicate(e->value, 1) : NULL;
	for (int i = 0; i < n; i++)
		w[i].cb(a, rc, rc ? NULL : keep, w[i].ud);
	cJSON_Delete(keep);
	free(w);
}

void coalesce_forget(arena *a, const char *key)
{
	entry *e = a->coalesce ? find(a, key) : NULL;
	if (e && !e->busy) {
		cJSON_Delete(e->value);
		e->value = NULL;
	}
}

void coalesce_close(arena *a)
{
	if (!a->coalesce)
		return;
	while (a->coalesce->list) {
		entry *e = a->coalesce->list;
		a->coalesce->list = e->next;
		for (int i = 0; i < e->nw; i++)
			e->w[i].cb(a, SA_E_UNAVAILABLE, NULL, e->w[i].ud);
		entry_free(e);
	}
	free(a->coalesce);
	a->coalesce = NULL;
}
