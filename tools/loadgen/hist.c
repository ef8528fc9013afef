/*
 * hist.c - HDR-style log-linear histogram (see hist.h).
 *
 * Bucket layout: values below 2^HIST_SUB_BITS (128) have a bucket each.
 * Above, a value v with highest set bit m is shifted right by
 * s = m - (HIST_SUB_BITS - 1), leaving a "top" in [64, 128); its bucket is
 * s * 64 + top. Buckets are contiguous and monotonic in v.
 */
#include "hist.h"

#include <string.h>

void hist_init(hist *h) { memset(h, 0, sizeof(*h)); }

size_t hist_index(uint64_t v)
{
	if (v < (1u << HIST_SUB_BITS))
		return (size_t)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = msb - (HIST_SUB_BITS - 1);
	if (shift > HIST_MAX_SHIFT)
		return HIST_BUCKETS - 1;
	uint64_t top = v >> shift;
	return (size_t)shift * HIST_HALF + (size_t)top;
}

uint64_t hist_bucket_low(size_t idx)
{
	if (idx < (1u << HIST_SUB_BITS))
		return idx;
	size_t shift = idx / HIST_HALF - 1;
	uint64_t top = idx - shift * HIST_HALF;
	return top << shift;
}

uint64_t hist_bucket_high(size_t idx)
{
	if (idx < (1u << HIST_SUB_BITS))
		return idx;
	size_t shift = idx / HIST_HALF - 1;
	uint64_t top = idx - shift * HIST_HALF;
	return ((top + 1) << shift) - 1;
}

void hist_record(hist *h, uint64_t v)
{
	h->buckets[hist_index(v)]++;
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum += (double)v;
}

void hist_merge(hist *dst, const hist *src)
{
	if (src->count == 0)
		return;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum += src->sum;
}

uint64_t hist_percentile(const hist *h, double p)
{
	if (h->count == 0)
		return 0;
	if (p <= 0)
		return h->min;
	/* rank of the sample we want, 1-based, rounded up */
	double want = p / 100.0 * (double)h->count;
	uint64_t rank = (uint64_t)want;
	if ((double)rank < want)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > h->count)
		rank = h->count;
	uint64_t seen = 0;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t v = hist_bucket_high(i);
			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

double hist_mean(const hist *h) { return h->count ? h->sum / (double)h->count : 0.0; }
