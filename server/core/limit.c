/*
 * limit.c - token buckets and a table of them per client address.
 *
 * A bucket holds up to `burst` tokens and gains `per_s` a second; each event
 * takes one, and an event that finds none is refused. A connection's message
 * rate is one bucket in the connection (net/ws.c); connections, joins and
 * failed host logins are counted per address in a table: a hash of addresses
 * with a least-recently-used list, bounded, so that a flood of addresses costs
 * at most `cap` entries (the oldest give way and start again full).
 */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/limit.h"

/* Refills b up to now; a bucket never used starts full. */
static void refill(limit_bucket *b, const limit_rate *r, int64_t now_ms)
{
	if (!b->last_ms) {
		b->tokens = r->burst;
		b->last_ms = now_ms;
		return;
	}
	if (now_ms > b->last_ms) {
		b->tokens += (double)(now_ms - b->last_ms) * r->per_s / 1000.0;
		if (b->tokens > r->burst)
			b->tokens = r->burst;
		b->last_ms = now_ms;
	}
}

int limit_peek(limit_bucket *b, const limit_rate *r, int64_t now_ms)
{
	if (r->per_s <= 0)
		return 0;
	refill(b, r, now_ms);
	return b->tokens >= 1.0 - 1e-9 ? 0 : SA_E_RATE_LIMITED; /* 6 s at 1/6 a second is one token */
}

int limit_take(limit_bucket *b, const limit_rate *r, int64_t now_ms)
{
	if (limit_peek(b, r, now_ms))
		return SA_E_RATE_LIMITED;
	if (r->per_s > 0 && (b->tokens -= 1.0) < 0)
		b->tokens = 0;
	return 0;
}

/* ------------------------------------------------------------ per address */

#define ADDR_MAX 64 /* an IPv6 address as text is at most 45 bytes */

typedef struct entry {
	char addr[ADDR_MAX];
	limit_bucket b[LIMIT_NKINDS];
	struct entry *hnext;         /* in its hash chain */
	struct entry *newer, *older; /* in the use order */
} entry;

struct limit_table {
	limit_rate rates[LIMIT_NKINDS];
	size_t cap, count, nslots; /* nslots: a power of two >= cap */
	entry **slots;
	entry *newest, *oldest;
};

static size_t slot_of(const limit_table *t, const char *addr)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)h & (t->nslots - 1);
}

limit_table *limit_table_new(size_t cap, const limit_rate rates[LIMIT_NKINDS])
{
	limit_table *t = calloc(1, sizeof *t);
	if (!t || !cap)
		goto fail;
	memcpy(t->rates, rates, sizeof t->rates);
	t->cap = cap;
	for (t->nslots = 1; t->nslots < cap; t->nslots *= 2)
		;
	t->slots = calloc(t->nslots, sizeof *t->slots);
	if (!t->slots)
		goto fail;
	return t;
fail:
	free(t);
	return NULL;
}

void limit_table_free(limit_table *t)
{
	if (!t)
		return;
	for (entry *e = t->newest, *next; e; e = next) {
		next = e->older;
		free(e);
	}
	free(t->slots);
	free(t);
}

size_t limit_table_count(const limit_table *t) { return t ? t->count : 0; }

static void unlink_use(limit_table *t, entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void push_newest(limit_table *t, entry *e)
{
	e->older = t->newest;
	e->newer = NULL;
	if (t->newest)
		t->newest->newer = e;
	t->newest = e;
	if (!t->oldest)
		t->oldest = e;
}

static void unlink_hash(limit_table *t, entry *e)
{
	for (entry **p = &t->slots[slot_of(t, e->addr)]; *p; p = &(*p)->hnext)
		if (*p == e) {
			*p = e->hnext;
			return;
		}
}

/* addr's entry, made (or the oldest reused) when new; NULL when none can be had. */
static entry *lookup(limit_table *t, const char *addr)
{
	size_t s = slot_of(t, addr);
	entry *e;
	for (e = t->slots[s]; e; e = e->hnext)
		if (!strcmp(e->addr, addr)) {
			unlink_use(t, e);
			push_newest(t, e);
			return e;
		}
	if (strlen(addr) >= ADDR_MAX)
		return NULL;
	if (t->count >= t->cap) { /* the least recently used gives way */
		e = t->oldest;
		unlink_use(t, e);
		unlink_hash(t, e);
		memset(e, 0, sizeof *e);
	} else {
		if (!(e = calloc(1, sizeof *e)))
			return NULL;
		t->count++;
	}
	strcpy(e->addr, addr); /* fits: checked above */
	e->hnext = t->slots[s];
	t->slots[s] = e;
	push_newest(t, e);
	return e;
}

int limit_addr_take(limit_table *t, const char *addr, enum limit_kind kind, int64_t now_ms)
{
	if (!t || t->rates[kind].per_s <= 0)
		return 0;
	entry *e = lookup(t, addr);
	return e ? limit_take(&e->b[kind], &t->rates[kind], now_ms) : 0;
}

int limit_addr_peek(limit_table *t, const char *addr, enum limit_kind kind, int64_t now_ms)
{
	if (!t || t->rates[kind].per_s <= 0)
		return 0;
	entry *e = lookup(t, addr);
	return e ? limit_peek(&e->b[kind], &t->rates[kind], now_ms) : 0;
}
