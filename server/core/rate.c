/*
 * rate.c - token buckets per key in an open-addressing table of fixed size
 * (see rate.h). A key lives in one of PROBE slots after its hash; a lookup
 * looks at those slots only, so every call costs the same whatever the
 * table holds.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rate.h"

#define PROBE 16

typedef struct bucket {
	char key[RATE_KEY_MAX + 1]; /* "" : free */
	double tokens;
	int64_t last_ms;
} bucket;

struct rate_table {
	double per_ms, burst;
	size_t mask;
	bucket *slots;
};

rate_table *rate_new(double per_sec, double burst, size_t capacity)
{
	if (!(per_sec > 0) || !(burst >= 1) || !capacity || capacity > ((size_t)1 << 24))
		return NULL;
	size_t n = PROBE;
	while (n < capacity)
		n <<= 1;
	rate_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->slots = calloc(n, sizeof *t->slots);
	if (!t->slots) {
		free(t);
		return NULL;
	}
	t->per_ms = per_sec / 1000.0;
	t->burst = burst;
	t->mask = n - 1;
	return t;
}

void rate_free(rate_table *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The bucket's tokens at now (refilled, at most burst). */
static double level(const rate_table *t, const bucket *b, int64_t now_ms)
{
	int64_t dt = now_ms > b->last_ms ? now_ms - b->last_ms : 0;
	double v = b->tokens + (double)dt * t->per_ms;
	return v < t->burst ? v : t->burst;
}

/* key's bucket, or the slot it takes: a free or refilled one, else the least recently seen. */
static bucket *slot_for(rate_table *t, const char *key, int64_t now_ms)
{
	size_t at = (size_t)hash(key);
	bucket *spare = NULL, *oldest = NULL;
	for (size_t i = 0; i < PROBE; i++) {
		bucket *b = &t->slots[(at + i) & t->mask];
		if (b->key[0] && !strcmp(b->key, key))
			return b;
		if (!spare && (!b->key[0] || level(t, b, now_ms) >= t->burst))
			spare = b;
		if (!oldest || b->last_ms < oldest->last_ms)
			oldest = b;
	}
	bucket *b = spare ? spare : oldest;
	assert(b);
	snprintf(b->key, sizeof b->key, "%s", key);
	b->tokens = t->burst;
	b->last_ms = now_ms;
	return b;
}

int64_t rate_take(rate_table *t, const char *key, int64_t now_ms)
{
	char k[RATE_KEY_MAX + 1];
	snprintf(k, sizeof k, "%s", key && *key ? key : "?");
	bucket *b = slot_for(t, k, now_ms);
	double v = level(t, b, now_ms);
	if (now_ms > b->last_ms)
		b->last_ms = now_ms;
	if (v >= 1) {
		b->tokens = v - 1;
		return 0;
	}
	b->tokens = v;
	int64_t wait = (int64_t)ceil((1 - v) / t->per_ms);
	return wait > 0 ? wait : 1;
}
