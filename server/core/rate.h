/*
 * rate.h - request rates per key (a client address): token buckets in a
 * table of bounded size (rate.c). Pure: the caller passes the time, so the
 * table is tested without a clock and used by any loop.
 *
 * Each key has a bucket of `burst` tokens refilled at `per_sec` tokens a
 * second; a request takes one. The table holds at most `capacity` keys
 * (rounded up to a power of two): a new key replaces a key whose bucket has
 * refilled (it is as if never seen), else the least recently seen key near
 * its slot, so memory stays bounded whatever the number of addresses, and a
 * key pushed out starts again with a full bucket (the table errs on the side
 * of letting requests through).
 *
 * Ownership: rate_new allocates, rate_free frees; keys are copied.
 */
#ifndef SKILLARENA_CORE_RATE_H
#define SKILLARENA_CORE_RATE_H

#include <stddef.h>
#include <stdint.h>

#define RATE_KEY_MAX 63 /* longer keys are cut (an IPv6 address in text is at most 45) */

typedef struct rate_table rate_table;

/* NULL when out of memory or per_sec/burst/capacity is not positive. */
rate_table *rate_new(double per_sec, double burst, size_t capacity);
void rate_free(rate_table *t);
/*
 * Takes a token for key at now_ms (a monotonic clock): 0 when the request
 * may go, else how many milliseconds until a token is there (> 0).
 */
int64_t rate_take(rate_table *t, const char *key, int64_t now_ms);

#endif
